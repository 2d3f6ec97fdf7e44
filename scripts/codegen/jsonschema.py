"""The bundled single-file schema of each revision, and its vectors as a JSON-Schema-Test-Suite.

The bundle dispatches on `event_type` instead of the revision's plain `oneOf`: an `enum` of the
event types, then one `if`/`then` per type (`if event_type is X then the X schema`). It accepts
exactly the instances the revision accepts (every variant requires its own `event_type` const, so
at most one `then` applies; `tests/generated/test_jsonschema_bundle.py` checks it on the vectors
and thousands of mutations of them), but a generic validator (ajv, python-jsonschema's
`best_match`) now reports the error of the branch the event names, not of a random branch.

JSON has no comments: the bundle carries its DO-NOT-EDIT header in a top-level `$comment` (an
annotation keyword validators ignore) and the test file in the `description` of its one group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scripts.codegen.common import JSON, GeneratorError, dump_json, header_lines, write

if TYPE_CHECKING:
    from pathlib import Path

    from vrp_contract.revisions import Revision

__all__ = ["NAME", "ROOTS", "bundle_with_header", "dispatch_bundle", "generate", "tool_status"]

NAME = "jsonschema"
ROOTS = ("generated/jsonschema",)


def tool_status() -> str | None:
    """Needs nothing beyond the package itself."""
    return None


def dispatch_bundle(revision: Revision) -> JSON:
    """The revision bundle with its `oneOf` replaced by an `if`/`then` dispatch on `event_type`."""
    bundle = revision.bundle()
    branches = bundle.pop("oneOf")
    refs = [f"#/$defs/{schema['title']}" for schema in revision.variants.values()]
    if [branch.get("$ref") for branch in branches] != refs:
        msg = f"jsonschema: the union of revision {revision.name} is not one $ref per event type"
        raise GeneratorError(msg)
    head = {k: v for k, v in bundle.items() if k not in {"examples", "$defs"}}
    dispatch = [
        {
            "if": {"properties": {"event_type": {"const": tag}}, "required": ["event_type"]},
            "then": {"$ref": ref},
        }
        for tag, ref in zip(revision.event_types, refs, strict=True)
    ]
    return {
        **head,
        "type": "object",
        "required": ["event_type"],
        "properties": {"event_type": {"type": "string", "enum": revision.event_types}},
        "allOf": dispatch,
        "examples": bundle.get("examples", []),
        "$defs": bundle["$defs"],
    }


def bundle_with_header(revision: Revision) -> JSON:
    """The dispatching bundle with the DO-NOT-EDIT header as its first key (`$comment`)."""
    return {"$comment": " ".join(header_lines(revision)), **dispatch_bundle(revision)}


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
