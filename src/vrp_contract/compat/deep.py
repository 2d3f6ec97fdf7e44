"""Deep equality of two schema nodes, following `$ref`s on both sides.

`unevaluatedProperties`/`unevaluatedItems` see what every in-place subschema evaluated, including
subschemas behind a `$ref` into a changed definition, so the rules only trust them when OLD and
NEW are the same schema all the way down (annotations aside).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vrp_contract.compat.model import Loc
from vrp_contract.compat.values import same_value
from vrp_contract.vocabulary import ANNOTATIONS, IDENTIFIERS

if TYPE_CHECKING:
    from vrp_contract.compat.walk import Pair

__all__ = ["deep_equal"]

_SKIP = ANNOTATIONS | IDENTIFIERS | {"$defs", "definitions"}
"""Keywords that never change what a node evaluates (`$id` and anchors only move references,
which are followed here)."""
_ONE = frozenset(
    {
        "not", "if", "then", "else", "items", "contains", "additionalProperties",
        "unevaluatedProperties", "unevaluatedItems", "propertyNames", "contentSchema",
    }
)  # fmt: skip
_MANY = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_MAP = frozenset({"properties", "patternProperties", "dependentSchemas"})
_REFS = ("$ref", "$dynamicRef")


def deep_equal(pair: Pair) -> bool:
    """True when OLD and NEW of `pair` are the same schema below, `$ref` targets included."""
    seen: set[tuple[int, int]] = set()
    return _equal(pair, pair.old, pair.new, pair.old_loc, pair.new_loc, seen=seen)


def _equal(  # noqa: PLR0913 - two nodes, where each is, and the pairs seen
    pair: Pair,
    a: Any,  # noqa: ANN401 - a schema
    b: Any,  # noqa: ANN401 - a schema
    la: Loc,
    lb: Loc,
    *,
    seen: set[tuple[int, int]],
) -> bool:
    walker = pair.walker
    a, la = walker.deref(walker.old, a, la)
    b, lb = walker.deref(walker.new, b, lb)
    if (id(a), id(b)) in seen:
        return True  # compared further up (a cycle): equal unless something else differs
    seen.add((id(a), id(b)))
    if not (isinstance(a, dict) and isinstance(b, dict)):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    keys = (a.keys() | b.keys()) - _SKIP
    if any(k not in a or k not in b for k in keys):
        return False
    for key in keys:
        va, vb = a[key], b[key]
        la_k, lb_k = walker.key_loc(a, key, la), walker.key_loc(b, key, lb)
        if key in _REFS and isinstance(va, str) and isinstance(vb, str):
            ta, sa, pa, ba = walker.old.resolve(la_k.base, va)
            tb, sb, pb, bb = walker.new.resolve(lb_k.base, vb)
            ok = _equal(pair, ta, tb, Loc(sa, pa, ba), Loc(sb, pb, bb), seen=seen)
        elif key in _ONE:
            ok = _equal(pair, va, vb, la_k.child(key), lb_k.child(key), seen=seen)
        elif key in _MANY and isinstance(va, list) and isinstance(vb, list):
            ok = len(va) == len(vb) and all(
                _equal(pair, x, y, la_k.child(key, i), lb_k.child(key, i), seen=seen)
                for i, (x, y) in enumerate(zip(va, vb, strict=True))
            )
        elif key in _MAP and isinstance(va, dict) and isinstance(vb, dict):
            ok = va.keys() == vb.keys() and all(
                _equal(pair, va[k], vb[k], la_k.child(key, k), lb_k.child(key, k), seen=seen)
                for k in va
            )
        else:
            ok = same_value(va, vb)
        if not ok:
            return False
    return True
