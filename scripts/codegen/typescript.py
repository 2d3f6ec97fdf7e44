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
    GeneratorError,
    codegen_view,
    dump_json,
    header_lines,
    module_suffix,
    run_tool,
    write,
)
from scripts.codegen.gaps import copy_gaps
from scripts.codegen.jsonschema import bundle_with_header
from scripts.codegen.plan import plan_json, vectors_text
from scripts.codegen.release import REPOSITORY, artifact_name, package_version

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = ["NAME", "NODE_TOOLS", "ROOTS", "generate", "tool_status"]

NAME = "typescript"
ROOTS = ("generated/typescript",)
NODE_TOOLS = REPO / "scripts" / "codegen" / "node"
TEMPLATES = Path(__file__).parent / "templates" / "typescript"
TIMESTAMP = "export type Timestamp = number;"
TIMESTAMP_EXACT = "export type Timestamp = number | bigint;"
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
    types = _types(revision).replace(TIMESTAMP, TIMESTAMP_EXACT)
    if TIMESTAMP_EXACT not in types:
        raise GeneratorError(f"typescript: {TIMESTAMP!r} not in the json2ts output any more")
    declarations = (TEMPLATES / "strict.d.ts").read_text("utf-8").split("\n", 1)[1]
    write(out, f"{base}/index.d.ts", types.rstrip("\n") + "\n\n" + declarations)
    write(
        out,
        f"{base}/index.js",
        f'{slash}\n"use strict";\n'
        'const strict = require("./strict.js");\n'
        'const bound = strict.contract(require("./plan.json"));\n'
        'exports.schema = require("./vrp-event.schema.json");\n'
        f"exports.eventTypes = Object.freeze({dump_json(names).strip()});\n"
        f'exports.revision = "{revision.name}";\n'
        "exports.decode = bound.decode;\n"
        "exports.encode = bound.encode;\n"
        "exports.check = bound.check;\n"
        "exports.isVrpEvent = bound.isVrpEvent;\n"
        "exports.DecodeError = strict.DecodeError;\n"
        "exports.UnknownEventTypeError = strict.UnknownEventTypeError;\n"
        "exports.EncodeError = strict.EncodeError;\n",
    )
    runtime = (TEMPLATES / "strict.js").read_text("utf-8").replace("// @@HEADER@@", slash)
    write(out, f"{base}/strict.js", runtime)
    write(out, f"{base}/plan.json", plan_json(revision))
    write(out, f"{base}/vectors.json", vectors_text(revision))
    write(out, f"{base}/LICENSE", (REPO / "LICENSE").read_text("utf-8"))
    write(out, f"{base}/vrp-event.schema.json", dump_json(bundle_with_header(revision)))
    package = {
        "//": " ".join(head),
        "name": artifact_name(revision),
        "version": package_version(revision),
        "description": f"Strict decoder, encoder and TypeScript types of VRP event contract "
        f"revision {revision.name}.",
        "license": "Apache-2.0",
        "homepage": REPOSITORY,
        "repository": {
            "type": "git",
            "url": f"git+{REPOSITORY}.git",
            "directory": base,
        },
        "main": "index.js",
        "types": "index.d.ts",
        "files": [
            "index.js",
            "index.d.ts",
            "strict.js",
            "plan.json",
            "vrp-event.schema.json",
            "vectors.json",
            "test/vectors.test.js",
            "known-gaps.json",
            "LICENSE",
        ],
        "vrpContract": {"revision": revision.name},
        "engines": {"node": ">=20"},
        "exports": {
            ".": {"types": "./index.d.ts", "default": "./index.js"},
            "./schema.json": "./vrp-event.schema.json",
            "./vectors.json": "./vectors.json",
        },
        "scripts": {"test": "node --test test/"},
    }
    write(out, f"{base}/package.json", dump_json(package))
    test = (TEMPLATES / "vectors.test.js").read_text("utf-8").replace("// @@HEADER@@", slash)
    write(out, f"{base}/test/vectors.test.js", test)
    copy_gaps("typescript", out, f"{base}/known-gaps.json")
