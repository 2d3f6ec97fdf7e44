"""JSON values as JSON Schema sees them: equality, instance kinds, `const`/`enum` domains."""

from __future__ import annotations

from typing import Any

from vrp_contract import vocabulary

__all__ = ["ALL_TYPES", "ANNOTATIONS", "canonical", "finite_values", "same_value", "type_atoms"]

ANNOTATIONS = vocabulary.ANNOTATIONS | vocabulary.CONTENT | vocabulary.IDENTIFIERS
"""Keywords that never change which instances a schema accepts (2020-12 defaults)."""

ALL_TYPES = frozenset({"null", "boolean", "object", "array", "string", "integer", "number"})
"""Instance kinds; `number` means a number that is not an integer, so `integer` is inside it."""


def same_value(a: Any, b: Any) -> bool:  # noqa: ANN401 - JSON values
    """JSON Schema equality: 1 equals 1.0, true does not equal 1, objects ignore key order."""
    return bool(_canon(a) == _canon(b))


def _canon(v: Any) -> Any:  # noqa: ANN401 - JSON values
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return (type(v).__name__, v)
    if isinstance(v, int | float):
        return ("num", int(v)) if isinstance(v, float) and v.is_integer() else ("num", v)
    if isinstance(v, list):
        return ("list", tuple(_canon(x) for x in v))
    if isinstance(v, dict):
        return ("obj", tuple(sorted((k, _canon(x)) for k, x in v.items())))
    return ("?", repr(v))  # pragma: no cover - not JSON


def canonical(v: Any) -> Any:  # noqa: ANN401 - JSON values
    """A hashable form of a JSON value; equal exactly when JSON Schema calls the values equal."""
    return _canon(v)


def _kind(v: Any) -> str:  # noqa: ANN401 - JSON values
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer()):
        return "integer"
    return {float: "number", str: "string", list: "array", dict: "object"}[type(v)]


def finite_values(node: dict[str, Any]) -> list[Any] | None:
    """The values `const`/`enum` allow (the intersection when both are present), or None."""
    out: list[Any] | None = None
    if "const" in node:
        out = [node["const"]]
    if isinstance(node.get("enum"), list):
        enum = node["enum"]
        out = enum if out is None else [v for v in out if any(same_value(v, e) for e in enum)]
    return out


def type_atoms(node: dict[str, Any]) -> frozenset[str]:
    """The instance kinds a node's `type`, `const` and `enum` let through."""
    declared = node.get("type")
    if declared is None:
        atoms = set(ALL_TYPES)
    else:
        atoms = set()
        for name in [declared] if isinstance(declared, str) else declared:
            atoms |= {"integer", "number"} if name == "number" else {name}
    if whole_step(node):
        atoms.discard("number")  # every multiple of a whole step is an integer
    values = finite_values(node)
    if values is not None:
        atoms &= {_kind(v) for v in values}
    return frozenset(atoms)


def whole_step(node: dict[str, Any]) -> bool:
    """True when `multipleOf` is a whole number: then no fractional number is valid."""
    step = node.get("multipleOf")
    return isinstance(step, int | float) and not isinstance(step, bool) and float(step).is_integer()
