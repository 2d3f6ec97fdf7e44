"""TypeScript: an npm package per revision, types from json-schema-to-typescript.

`generated/typescript/v0_1/`: `index.d.ts` (the discriminated union and its members), `index.js`
(the schema and the event type names at run time), `vrp-event.schema.json`, `package.json`, and a
vector test (`test/vectors.test.ts`, `tsconfig.json`) compiled with `tsc --strict`, run with
`node --test`. The node tools are pinned in scripts/codegen/node/package-lock.json (`npm ci`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scripts.codegen.common import (
    REPO,
    codegen_view,
    dump_json,
    header_lines,
    module_suffix,
    run_tool,
    write,
)
from scripts.codegen.gaps import copy_gaps
from scripts.codegen.jsonschema import bundle_with_header

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = ["NAME", "NODE_TOOLS", "ROOTS", "generate", "tool_status"]

NAME = "typescript"
ROOTS = ("generated/typescript",)
NODE_TOOLS = REPO / "scripts" / "codegen" / "node"
TEMPLATES = Path(__file__).parent / "templates" / "typescript"
JSON2TS = NODE_TOOLS / "node_modules" / "json-schema-to-typescript" / "dist" / "src" / "cli.js"


def tool_status() -> str | None:
    """json-schema-to-typescript must be installed from the lock file (`npm ci`)."""
    if not JSON2TS.exists():
        return f"{JSON2TS.relative_to(REPO)} is missing: run `make setup-codegen` (npm ci)"
    return None


def _strip_ref_siblings(node: Any) -> Any:  # noqa: ANN401 - JSON tree
    """`{"$ref": X, "description": ...}` -> `{"$ref": X}`: else json2ts clones the type."""
    if isinstance(node, list):
        return [_strip_ref_siblings(n) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return {"$ref": node["$ref"]}
    return {k: _strip_ref_siblings(v) for k, v in node.items()}


def _types(revision: Revision) -> str:
    banner = "\n".join(["/*", *(" * " + line for line in header_lines(revision)), " */"])
    with tempfile.TemporaryDirectory(prefix="vrp-codegen-ts-") as tmp:
        (Path(tmp) / "schema.json").write_text(
            dump_json(_strip_ref_siblings(codegen_view(revision))), "utf-8"
        )
        run_tool(
            [
                "node",
                str(JSON2TS),
                *("--input", "schema.json", "--output", "types.d.ts"),
                f"--bannerComment={banner}",
                "--no-additionalProperties",
                "--unknownAny",
            ],
            cwd=Path(tmp),
        )
        return (Path(tmp) / "types.d.ts").read_text("utf-8")


def generate(revision: Revision, out: Path) -> None:
    """Write the npm package of one revision."""
    rev_id = module_suffix(revision)
    base = f"generated/typescript/{rev_id}"
    head = header_lines(revision)
    slash = "\n".join("// " + line for line in head)
    names = revision.event_types
    write(
        out,
        f"{base}/index.d.ts",
        _types(revision).rstrip("\n")
        + "\n\n/** The event type names of this revision, in the order of the union. */\n"
        + 'export type EventType = VrpEvent["event_type"];\n'
        + "/** The bundled JSON Schema (draft 2020-12) of this revision. */\n"
        + "export declare const schema: Record<string, unknown>;\n"
        + "/** Every `event_type` of this revision, in the order of the union. */\n"
        + "export declare const eventTypes: readonly EventType[];\n",
    )
    write(
        out,
        f"{base}/index.js",
        f'{slash}\n"use strict";\n'
        'exports.schema = require("./vrp-event.schema.json");\n'
        f"exports.eventTypes = Object.freeze({dump_json(names).strip()});\n",
    )
    write(out, f"{base}/vrp-event.schema.json", dump_json(bundle_with_header(revision)))
    package = {
        "//": " ".join(head),
        "name": f"@vrp-contract/event-{rev_id.replace('_', '.')}",
        "version": revision.name + ".0",
        "description": f"TypeScript types and JSON Schema of VRP event contract revision "
        f"{revision.name}.",
        "license": "Apache-2.0",
        "main": "index.js",
        "types": "index.d.ts",
        "files": ["index.js", "index.d.ts", "vrp-event.schema.json"],
        "exports": {
            ".": {"types": "./index.d.ts", "default": "./index.js"},
            "./schema.json": "./vrp-event.schema.json",
        },
        "scripts": {"test": "tsc -p tsconfig.json && node --test dist/"},
    }
    write(out, f"{base}/package.json", dump_json(package))
    tools = "../../../scripts/codegen/node/node_modules"
    tsconfig = {
        "//": " ".join(head),
        "compilerOptions": {
            "strict": True,
            "noEmitOnError": True,
            "target": "ES2022",
            "module": "commonjs",
            "moduleResolution": "node",
            "esModuleInterop": True,
            "resolveJsonModule": True,
            "rootDir": "test",
            "outDir": "dist",
            "baseUrl": ".",
            "paths": {"ajv/dist/2020": [f"{tools}/ajv/dist/2020"]},
            "typeRoots": [f"{tools}/@types"],
            "types": ["node"],
        },
        "include": ["test/*.ts"],
    }
    write(out, f"{base}/tsconfig.json", dump_json(tsconfig))
    test = (TEMPLATES / "vectors.test.ts").read_text("utf-8")
    test = test.replace("// @@HEADER@@", slash).replace("@@REV_ID@@", rev_id)
    write(out, f"{base}/test/vectors.test.ts", test.replace("@@REV@@", revision.name))
    copy_gaps("typescript", out, f"{base}/known-gaps.json")
