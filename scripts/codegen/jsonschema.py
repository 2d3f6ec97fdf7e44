"""The bundled single-file schema of each revision, and its vectors as a JSON-Schema-Test-Suite.

JSON has no comments: the bundle carries its DO-NOT-EDIT header in a top-level `$comment` (an
annotation keyword validators ignore) and the test file in the `description` of its one group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scripts.codegen.common import JSON, dump_json, header_lines, write

if TYPE_CHECKING:
    from pathlib import Path

    from vrp_contract.revisions import Revision

__all__ = ["NAME", "ROOTS", "bundle_with_header", "generate", "tool_status"]

NAME = "jsonschema"
ROOTS = ("generated/jsonschema",)


def tool_status() -> str | None:
    """Needs nothing beyond the package itself."""
    return None


def bundle_with_header(revision: Revision) -> JSON:
    """The revision bundle with the DO-NOT-EDIT header as its first key (`$comment`)."""
    return {"$comment": " ".join(header_lines(revision)), **revision.bundle()}


def generate(revision: Revision, out: Path) -> None:
    """Write `generated/jsonschema/vrp-event-v<rev>.schema.json` and `.tests.json`."""
    bundle = bundle_with_header(revision)
    base = f"generated/jsonschema/vrp-event-v{revision.name}"
    write(out, base + ".schema.json", dump_json(bundle))
    tests = [
        {
            "description": f"{kind}/{name}: {vector['description']}",
            "data": vector["event"],
            "valid": kind == "valid",
        }
        for kind in ("valid", "invalid")
        for name, vector in revision.examples(kind)
    ]
    suite = [
        {
            "description": f"VRP event, contract revision {revision.name}: the example vectors. "
            + " ".join(header_lines(revision)),
            "schema": bundle,
            "tests": tests,
        }
    ]
    write(out, base + ".tests.json", dump_json(suite))
