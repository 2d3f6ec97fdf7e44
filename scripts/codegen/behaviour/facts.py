"""Facts of a revision's schema files that the neutral tables do not carry.

The JVM generators (`rust.py`, `java.py`) read them: their checkers also take raw JSON events, so
they need the integer range the event schema allows at the clock pointer (a clock value outside it
is a schema finding and takes no part in the session checks, as in the Python validator), and the
severities an invariant may have (for a `Severity` enum).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scripts.codegen.common import GeneratorError

if TYPE_CHECKING:
    from scripts.codegen.behaviour.common import Tables
    from vrp_contract.revisions import Revision

__all__ = ["I64", "clock_bounds", "policy_schema", "severities"]

I64 = (-(2**63), 2**63 - 1)
"""The range of a 64-bit signed integer, the clock's type in every language."""


def clock_bounds(revision: Revision, pointer: str) -> tuple[int, int]:
    """The integer range the envelope schema allows at the clock `pointer`, clipped to int64."""
    node = revision.inlined(revision.envelope_schema)
    for token in pointer.strip("/").split("/"):
        props = node.get("properties") if isinstance(node, dict) else None
        if not isinstance(props, dict) or not isinstance(props.get(token), dict):
            msg = f"the envelope schema has no property at the clock pointer {pointer}"
            raise GeneratorError(msg)
        node = props[token]
    if node.get("type") != "integer":
        msg = f"the envelope schema's clock ({pointer}) is not an integer"
        raise GeneratorError(msg)
    lo, hi = node.get("minimum", I64[0]), node.get("maximum", I64[1])
    return max(int(lo), I64[0]), min(int(hi), I64[1])


_POLICY_TOP = {"$schema", "$id", "title", "description", "examples", "type", "properties"}
_POLICY_FIELD = {"description", "examples", "type", "minimum", "maximum"}


def policy_schema(revision: Revision) -> dict[str, Any]:
    """The revision's policy.schema.json as a checker without a JSON Schema engine reads it.

    `{"properties": {name: {"type": "integer", "minimum": "1", "maximum": "..."}},
    "additionalProperties": false}`, the bounds as decimal strings (int64 is past the exact range
    of a JavaScript number). A keyword outside this subset is a GeneratorError, so a richer policy
    schema is never checked only in part.
    """
    schema = revision.schema_file("policy.schema.json")
    if not isinstance(schema, dict) or schema.get("type") != "object":
        raise GeneratorError("policy.schema.json: the policy must be an object")
    unknown = set(schema) - _POLICY_TOP - {"additionalProperties"}
    if unknown or schema.get("additionalProperties", True) not in {True, False}:
        msg = f"policy.schema.json: keywords {sorted(unknown)} are not supported by the generators"
        raise GeneratorError(msg)
    fields: dict[str, dict[str, str]] = {}
    for name, node in schema.get("properties", {}).items():
        if not isinstance(node, dict) or set(node) - _POLICY_FIELD or node.get("type") != "integer":
            msg = f"policy.schema.json: field {name} must be an integer with minimum/maximum only"
            raise GeneratorError(msg)
        fields[name] = {"type": "integer"}
        fields[name].update({k: str(int(node[k])) for k in ("minimum", "maximum") if k in node})
    return {"properties": fields, "additionalProperties": schema.get("additionalProperties", True)}


def severities(revision: Revision, t: Tables) -> list[str]:
    """The severities an invariant may have: the catalog schema's enum, then any others in use."""
    schema = revision.schema_file("invariants.schema.json")
    try:
        items = schema["properties"]["invariants"]["items"]["properties"]["severity"]["enum"]
    except (KeyError, TypeError):
        items = []
    names = [s for s in items if isinstance(s, str)]
    names += [i.severity for i in t.invariants if i.severity not in names]
    return list(dict.fromkeys(names))
