"""Flattening combinators, so that restructured schemas compare by meaning, not by shape.

When OLD and NEW use different combinators at one node (a plain schema that becomes an `anyOf`,
an `allOf` that becomes a `oneOf`, a union wrapped in `allOf: [{oneOf: [...]}]`, ...), each side
is rewritten as a list of branches: the node's own keywords merged with every `allOf` conjunct,
then split over the one `anyOf`/`oneOf` (the node's own or a conjunct's).
Merging is exact or refused (None): the walker then falls back to keyword-by-keyword rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vrp_contract.compat.values import ANNOTATIONS, same_value, type_atoms

if TYPE_CHECKING:
    from vrp_contract.compat.model import Loc
    from vrp_contract.compat.sources import SchemaSet
    from vrp_contract.compat.walk import Pair, Walker

__all__ = ["COMBINATORS", "Flat", "expand", "merge"]

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


@dataclass(frozen=True)
class Flat:
    """One side flattened: its branches, the union keyword, and where each was written."""

    branches: list[Branch]
    kw: str | None
    at: list[Loc] = field(default_factory=list)
    """Where each branch is written (for the node's own union or a conjunct's)."""
    kw_at: Loc | None = None
    """Where the union keyword is written."""


def expand(pair: Pair, *, old: bool) -> Flat | None:
    """One side as branches with no combinator left (and the union keyword), or None."""
    node = pair.old if old else pair.new
    loc = pair.old_loc if old else pair.new_loc
    side = pair.walker.old if old else pair.walker.new
    return _flatten(pair.walker, side, node, loc, 0)


MAX_NESTING = 8
"""Conjuncts holding combinators flattened inside each other, at most."""


def _flatten(  # noqa: C901, PLR0911, PLR0912 - one early exit per shape that cannot be flattened
    walker: Walker, side: SchemaSet, node: dict[str, Any], loc: Loc, depth: int
) -> Flat | None:
    """`node` as branches and a union keyword, or None when it cannot be flattened exactly.

    Its keywords and `allOf` conjuncts are merged, then distributed over the one union (its own
    `anyOf`/`oneOf`, or a conjunct's). `S and oneOf(B...)` is `oneOf(S and B...)`: an instance
    that fails S fails both, one that passes S matches the same branches on both sides, so the
    distribution is exact for `oneOf` too.
    """
    unions = [k for k in ("anyOf", "oneOf") if k in node]
    if len(unions) > 1 or depth > MAX_NESTING:
        return None
    kw: str | None = unions[0] if unions else None
    kw_at = walker.key_loc(node, kw, loc).child(kw) if kw else None
    rest = {k: v for k, v in node.items() if k not in COMBINATORS}
    merged: Branch | bool | None = (rest, {k: walker.key_loc(node, k, loc) for k in rest})
    choices: list[tuple[Branch, Loc]] | None = None  # a conjunct's union, flattened
    conj_loc = walker.key_loc(node, "allOf", loc)
    for i, conj in enumerate(node.get("allOf", [])):
        target, where = walker.deref(side, conj, conj_loc.child("allOf", i))
        if target is True:
            continue
        if target is False:
            return Flat([], kw, [], kw_at)  # the conjunction accepts nothing
        if not isinstance(target, dict) or not isinstance(merged, tuple):
            return None
        if "anyOf" in target or "oneOf" in target:
            sub = _flatten(walker, side, target, where, depth + 1)
            if sub is None or (sub.kw is not None and kw is not None):
                return None  # two unions: their product is not flattened
            if sub.kw is None:
                if not sub.branches:
                    return Flat([], kw, [], kw_at)
                merged = merge(merged, sub.branches[0])
            else:
                kw, kw_at = sub.kw, sub.kw_at
                choices = list(zip(sub.branches, sub.at, strict=True))
        elif "allOf" in target:
            return None
        else:
            merged = merge(merged, (target, dict.fromkeys(target, where)))
        if merged is False:
            return Flat([], kw, [], kw_at)
    if not isinstance(merged, tuple):
        return None
    if kw is None:
        return Flat([merged], None, [loc])
    if choices is None:
        choices = []
        union_loc = walker.key_loc(node, kw, loc)
        for j, branch in enumerate(node[kw]):
            written = union_loc.child(kw, j)
            target, where = walker.deref(side, branch, written)
            if target is False:
                continue
            if target is True:
                choices.append((({}, {}), written))
                continue
            if not isinstance(target, dict) or any(k in target for k in COMBINATORS):
                return None
            choices.append(((target, dict.fromkeys(target, where)), written))
    out: list[Branch] = []
    at: list[Loc] = []
    for choice, written in choices:
        one = merge(merged, choice)
        if one is None or one is True:
            return None
        if one is not False:
            out.append(one)
            at.append(written)
    return Flat(out, kw, at, kw_at)
