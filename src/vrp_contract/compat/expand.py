"""Flattening combinators, so that restructured schemas compare by meaning, not by shape.

When OLD and NEW use different combinators at one node (a plain schema that becomes an `anyOf`,
an `allOf` that becomes a `oneOf`, ...), each side is rewritten as a list of branches: the node's
own keywords merged with every `allOf` conjunct, then split over its `anyOf`/`oneOf` branches.
Merging is exact or refused (None): the walker then falls back to keyword-by-keyword rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vrp_contract.compat.values import ANNOTATIONS, same_value, type_atoms

if TYPE_CHECKING:
    from vrp_contract.compat.model import Loc
    from vrp_contract.compat.walk import Pair

__all__ = ["COMBINATORS", "expand", "merge"]

COMBINATORS = ("allOf", "anyOf", "oneOf")
_LOWER = frozenset({"minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"})
_UPPER = frozenset({"maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"})
_OBJECT = frozenset(
    {"properties", "patternProperties", "additionalProperties", "unevaluatedProperties"}
)
_ARRAY = frozenset({"prefixItems", "items", "unevaluatedItems"})
_UNEVALUATED = frozenset({"unevaluatedProperties", "unevaluatedItems"})
_EVALUATING = (
    _OBJECT
    | _ARRAY
    | {
        "prefixItems",
        "contains",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "dependentSchemas",
        "$ref",
        "$dynamicRef",
    }
)
"""Keywords whose evaluated properties/items an adjacent `unevaluated*` would see."""  # fmt: skip
Branch = tuple[dict[str, Any], dict[str, "Loc"]]


def _type_names(atoms: frozenset[str]) -> list[str]:
    names = set(atoms)
    if {"integer", "number"} <= names:
        names.discard("integer")
    return sorted(names)


def merge(a: Branch, b: Branch) -> Branch | bool | None:  # noqa: C901, PLR0911, PLR0912 - a keyword table
    """The conjunction of two schemas as one node (False: nothing matches both; None: inexact)."""
    (an, al), (bn, bl) = a, b
    if (_UNEVALUATED & an.keys() and _EVALUATING & bn.keys()) or (
        _UNEVALUATED & bn.keys() and _EVALUATING & an.keys()
    ):
        return None  # side by side, unevaluated* would see the other node's evaluations
    for group in (_OBJECT, _ARRAY):
        ka, kb = group & an.keys(), group & bn.keys()
        if (
            ka
            and kb
            and (ka | kb) != {"properties"}
            and not all(same_value(an.get(k), bn.get(k)) for k in ka | kb)
        ):
            return None
    out, locs = dict(an), dict(al)
    for key, value in bn.items():
        if key not in out:
            out[key], locs[key] = value, bl[key]
        elif same_value(out[key], value) or key in ANNOTATIONS:
            continue
        elif key == "type":
            atoms = type_atoms({"type": out[key]}) & type_atoms({"type": value})
            if not atoms:
                return False
            if atoms & {"number"} and "integer" not in atoms:
                return None
            out[key] = _type_names(atoms)
        elif key == "required":
            out[key] = [*out[key], *(n for n in value if n not in out[key])]
        elif key == "enum":
            out[key] = [v for v in out[key] if any(same_value(v, w) for w in value)]
        elif key in _LOWER:
            out[key] = max(out[key], value)
        elif key in _UPPER:
            out[key] = min(out[key], value)
        elif key == "properties":
            if set(out[key]) & set(value):
                return None
            out[key] = {**out[key], **value}
        else:
            return None
    return out, locs


def expand(  # noqa: C901, PLR0911, PLR0912 - one early exit per shape that cannot be flattened
    pair: Pair, *, old: bool
) -> tuple[list[Branch], str | None] | None:
    """One side as (branches, the union keyword) with no combinator left, or None."""
    node = pair.old if old else pair.new
    loc = pair.old_loc if old else pair.new_loc
    side = pair.walker.old if old else pair.walker.new
    unions = [k for k in ("anyOf", "oneOf") if k in node]
    if len(unions) > 1:
        return None
    rest = {k: v for k, v in node.items() if k not in COMBINATORS}
    merged: Branch | bool | None = (rest, dict.fromkeys(rest, loc))
    for i, conj in enumerate(node.get("allOf", [])):
        target, where = pair.walker.deref(side, conj, loc.child("allOf", i))
        if target is True or merged is False:
            continue
        if target is False:
            merged = False
            continue
        if not isinstance(target, dict) or any(k in target for k in COMBINATORS):
            return None
        if not isinstance(merged, tuple):
            return None
        merged = merge(merged, (target, dict.fromkeys(target, where)))
    if merged is False:
        return [], unions[0] if unions else None  # the conjunction accepts nothing
    if not isinstance(merged, tuple):
        return None
    if not unions:
        return [merged], None
    out: list[Branch] = []
    for j, branch in enumerate(node[unions[0]]):
        target, where = pair.walker.deref(side, branch, loc.child(unions[0], j))
        if target is False:
            continue
        if target is True:
            out.append(merged)
            continue
        if not isinstance(target, dict) or any(k in target for k in COMBINATORS):
            return None
        one = merge(merged, (target, dict.fromkeys(target, where)))
        if one is None or one is True:
            return None
        if one is not False:
            out.append(one)
    return out, unions[0]
