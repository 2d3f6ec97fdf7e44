"""The check plan and the vector file every language binding ships (one definition, five runtimes).

The strict decoders of TypeScript, Go, Rust and Java are small interpreters of one generated
*plan*: the revision's event schemas, `$ref`s inlined and annotations dropped, written as ordered
`[keyword, argument]` pairs so that every runtime visits keywords, properties and required names
in the order python-jsonschema does. With the same dispatch as the Python reference
(`vrp_contract.stream.schema_check`: the variant `event_type` names, else the envelope), every
language reports the same first problem: rule id, JSON Pointer and message.

Numeric bounds travel as decimal text (`"9223372036854775807"`), so no runtime rounds them.
A keyword the runtimes do not implement stops generation with an error naming it: a new revision
that needs one must teach the five runtimes first, it can never be skipped silently.

`vectors.json` carries the revision's example vectors (the exact text of each event, and for
invalid ones the expected rule and pointer) inside each artifact, so its own tests run where it is
vendored.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from scripts.codegen.common import JSON, GeneratorError, dump_json, header_lines

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = ["ANNOTATIONS", "KEYWORDS", "check_plan", "plan_json", "vectors", "vectors_text"]

KEYWORDS = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "enum",
        "const",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "items",
        "minItems",
        "maxItems",
    }
)
"""The keywords every runtime implements (scripts/codegen/templates/<language>/ strict code)."""

ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "title", "description", "examples", "default", "deprecated"}
)
_BOUNDS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})


def _node(schema: Any, where: str) -> Any:  # noqa: ANN401 - a JSON Schema node
    if isinstance(schema, bool):
        if not schema:
            msg = f"plan: `false` schema at {where} is not supported by the runtimes"
            raise GeneratorError(msg)
        return []
    pairs: list[list[Any]] = []
    for keyword, value in schema.items():
        if keyword in ANNOTATIONS:
            continue
        if keyword not in KEYWORDS:
            msg = (
                f"plan: keyword {keyword!r} at {where} is not implemented by the language "
                "runtimes (scripts/codegen/plan.py KEYWORDS)"
            )
            raise GeneratorError(msg)
        if keyword == "additionalProperties" and (value is True or value == {}):
            continue  # the default: no check
        pairs.append([keyword, _argument(keyword, value, where)])
    return pairs


def _argument(keyword: str, value: Any, where: str) -> Any:  # noqa: ANN401 - JSON
    if keyword == "properties":
        return [[name, _node(sub, f"{where}/properties/{name}")] for name, sub in value.items()]
    if keyword == "items":
        return _node(value, f"{where}/items")
    if keyword == "additionalProperties":
        return False if value is False else _node(value, f"{where}/additionalProperties")
    if keyword in _BOUNDS:
        return str(value)
    return value


def check_plan(revision: Revision) -> JSON:
    """The plan of one revision: envelope and variant nodes, in union order."""
    return {
        "revision": revision.name,
        "event_types": revision.event_types,
        "envelope": _node(revision.inlined(revision.envelope_schema), "envelope"),
        "variants": {
            name: _node(revision.inlined(schema), name)
            for name, schema in revision.variants.items()
        },
    }


def plan_json(revision: Revision) -> str:
    """`plan.json` as written into every artifact, the DO-NOT-EDIT header in `$comment`."""
    return dump_json({"$comment": " ".join(header_lines(revision)), **check_plan(revision)})


def _event_text(event: Any) -> str:  # noqa: ANN401 - a JSON value
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))


def vectors(revision: Revision) -> JSON:
    """The revision's example vectors as one JSON document (exact event text, expectations)."""
    return {
        "$comment": " ".join(header_lines(revision)),
        "revision": revision.name,
        "valid": [
            {"name": name, "text": _event_text(vector["event"])}
            for name, vector in revision.examples("valid")
        ],
        "invalid": [
            {
                "name": name,
                "text": _event_text(vector["event"]),
                "rule": vector["error"]["rule"],
                "pointer": vector["error"]["pointer"],
            }
            for name, vector in revision.examples("invalid")
        ],
    }


def vectors_text(revision: Revision) -> str:
    """`vectors.json` as written into every artifact."""
    return json.dumps(vectors(revision), indent=2, ensure_ascii=False) + "\n"
