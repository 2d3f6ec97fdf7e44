"""A normal form for schemas: rewrites that change no instance are not reported as breaks.

`normal_form(walker, side, node, loc)` returns a schema as a disjunction (a frozenset) of
conjunctions (`Conj`), or None when it uses something the normal form does not model (then the
caller proves nothing). Each step is an identity of JSON Schema semantics:

- `allOf` is a conjunction, `anyOf` a disjunction; `$ref`s are followed (a `$ref` beside other
  keywords is one more conjunct); annotations drop out;
- type sets, `enum`/`const`, numeric and length bounds of a conjunction intersect;
- a keyword for a kind of instance the conjunction excludes is vacuous and drops out;
- `items: false` is `maxItems` (the number of `prefixItems`), `additionalProperties: false`
  beside no `properties`/`patternProperties` is `maxProperties: 0`;
- a `pattern` that matches the empty string and has no assertion (`^`, `$`, word boundaries,
  lookaround) matches every string and drops out;
- a conjunction whose constraints contradict for every kind it allows accepts nothing and drops
  out of its disjunction (an empty disjunction is the false schema);
- disjuncts that differ only in their type sets merge (`anyOf` of types is a type list);
- `not` of type sets is the complementary type set, `not not X` is X, `not anyOf` is the
  conjunction of the negations (De Morgan); any other `not` stays an opaque atom;
- `oneOf` whose branches are all the same accepts nothing; `oneOf` of provably disjoint branches
  (disjoint types or values) is their `anyOf`;
- `S` beside `if C then T else E` is `if C then (S and T) else (S and E)`, so `then`/`else` are
  compared with the constraints around them.

Two schemas with equal normal forms accept the same instances; an empty normal form accepts none.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from itertools import product
from typing import TYPE_CHECKING, Any

from vrp_contract.compat.model import Loc
from vrp_contract.compat.values import ALL_TYPES, canonical
from vrp_contract.vocabulary import ANNOTATIONS, CONTENT, IDENTIFIERS

if TYPE_CHECKING:
    from vrp_contract.compat.sources import SchemaSet
    from vrp_contract.compat.walk import Walker

__all__ = ["DNF", "TOP", "Conj", "kinds", "normal_form", "type_only", "universal_pattern"]

MAX_DISJUNCTS = 64
MAX_DEPTH = 40
MAX_NODES = 2000
"""Subschemas one normal form may build: a bigger node proves nothing (its rules decide), so the
proof never costs more than a bounded walk."""


class _UnsupportedError(Exception):
    """The node uses something the normal form does not model."""


@dataclass(frozen=True)
class Conj:
    """One conjunction of constraints; the defaults constrain nothing."""

    types: frozenset[str] = ALL_TYPES
    values: frozenset[Any] | None = None
    """Canonical `enum`/`const` values (see `values._canon`), or None for no value list."""
    lo: tuple[float, bool] | None = None
    hi: tuple[float, bool] | None = None
    multiple: frozenset[float] = frozenset()
    min_len: int = 0
    max_len: int | None = None
    patterns: frozenset[str] = frozenset()
    min_items: int = 0
    max_items: int | None = None
    unique: bool = False
    items: DNF | None = None
    prefix: tuple[DNF, ...] = ()
    min_props: int = 0
    max_props: int | None = None
    required: frozenset[str] = frozenset()
    props: tuple[tuple[str, DNF], ...] = ()
    additional: DNF | None = None
    conds: frozenset[tuple[DNF, DNF, DNF]] = frozenset()
    nots: frozenset[DNF] = frozenset()


DNF = frozenset[Conj]
TOP: DNF = frozenset({Conj()})
_FIELDS = tuple(Conj.__dataclass_fields__)
_DEFAULTS = {name: getattr(Conj(), name) for name in _FIELDS}
_STRING, _ARRAY, _OBJECT = "string", "array", "object"
_NUMBERS = frozenset({"integer", "number"})
_ANNOTATIONS = ANNOTATIONS | CONTENT | IDENTIFIERS | {"$defs", "definitions"}
_ASSERTIONS = re.compile(r"[\^$]|\\[bBAZz]|\(\?|\\\d")
"""Zero-width assertions, back-references and group flags: their empty match depends on context."""


@functools.lru_cache(maxsize=1024)
def universal_pattern(pattern: object) -> bool:
    """True when `pattern` matches every string: it matches "" and nothing in it looks around."""
    if not isinstance(pattern, str) or _ASSERTIONS.search(pattern):
        return False
    try:
        return re.compile(pattern).fullmatch("") is not None
    except re.error:
        return False


def type_only(conj: Conj) -> bool:
    """True when the conjunction constrains nothing but the kind of instance."""
    return replace(conj, types=ALL_TYPES) == Conj()


def _tighter_lo(a: tuple[float, bool] | None, b: tuple[float, bool] | None) -> Any:  # noqa: ANN401
    if a is None or b is None:
        return a or b
    return max(a, b)  # a larger bound, or the exclusive one at the same value


def _tighter_hi(a: tuple[float, bool] | None, b: tuple[float, bool] | None) -> Any:  # noqa: ANN401
    if a is None or b is None:
        return a or b
    return min(a, b, key=lambda x: (x[0], not x[1]))


def _min_opt(a: int | None, b: int | None) -> int | None:
    return a if b is None else b if a is None else min(a, b)


def _and_dnf(a: DNF | None, b: DNF | None) -> DNF | None:
    """The conjunction of two optional sub-schemas (None: no constraint)."""
    if a is None:
        return b
    if b is None:
        return a
    return and_all([a, b])


def _merge(a: Conj, b: Conj) -> Conj:
    if len(a.prefix) != len(b.prefix) and a.prefix and b.prefix:
        raise _UnsupportedError
    prefix = tuple(
        _and_dnf(x, y) or TOP
        for x, y in zip(a.prefix or b.prefix, b.prefix or a.prefix, strict=True)
    )
    names = dict(a.props)
    other = dict(b.props)
    props: dict[str, DNF] = {}
    for name in names.keys() | other.keys():
        mine = names.get(name, a.additional if name not in names else None)
        theirs = other.get(name, b.additional if name not in other else None)
        merged = _and_dnf(mine, theirs)
        if merged is not None:
            props[name] = merged
    values: frozenset[Any] | None = a.values
    if b.values is not None:
        values = b.values if values is None else values & b.values
    return Conj(
        types=a.types & b.types,
        values=values,
        lo=_tighter_lo(a.lo, b.lo),
        hi=_tighter_hi(a.hi, b.hi),
        multiple=a.multiple | b.multiple,
        min_len=max(a.min_len, b.min_len),
        max_len=_min_opt(a.max_len, b.max_len),
        patterns=a.patterns | b.patterns,
        min_items=max(a.min_items, b.min_items),
        max_items=_min_opt(a.max_items, b.max_items),
        unique=a.unique or b.unique,
        items=_and_dnf(a.items, b.items),
        prefix=prefix,
        min_props=max(a.min_props, b.min_props),
        max_props=_min_opt(a.max_props, b.max_props),
        required=a.required | b.required,
        props=tuple(sorted(props.items())),
        additional=_and_dnf(a.additional, b.additional),
        conds=a.conds | b.conds,
        nots=a.nots | b.nots,
    )


def _empty_number(c: Conj) -> bool:
    if c.lo is None or c.hi is None:
        return False
    (lo, lo_x), (hi, hi_x) = c.lo, c.hi
    return lo > hi or (lo == hi and (lo_x or hi_x))


def _simplify(c: Conj) -> Conj | None:  # noqa: C901, PLR0912 - one check per kind of instance
    """The same conjunction with vacuous keywords dropped, or None when it accepts nothing."""
    f = {name: getattr(c, name) for name in _FIELDS}
    types = set(c.types)
    if c.values is not None:
        types &= {_value_kind(v) for v in c.values}
    if _empty_number(c):
        types -= _NUMBERS
    if c.max_len is not None and c.min_len > c.max_len:
        types.discard(_STRING)
    if c.items is not None and not c.items:  # items: false is a maximum length
        f["max_items"] = _min_opt(c.max_items, len(c.prefix))
        f["items"] = None
    if f["max_items"] is not None and c.min_items > f["max_items"]:
        types.discard(_ARRAY)
    if c.additional is not None and not c.additional and not c.props:
        f["max_props"], f["additional"] = 0, None  # closed and nothing declared: no property
    extra = f["additional"] if f["additional"] is not None else TOP
    props = dict(c.props)
    if any(not props.get(n, extra) for n in c.required):
        types.discard(_OBJECT)
    if f["max_props"] is not None and max(c.min_props, len(c.required)) > f["max_props"]:
        types.discard(_OBJECT)
    if not types:
        return None
    f["types"] = frozenset(types)
    if c.patterns:
        f["patterns"] = frozenset(p for p in c.patterns if not universal_pattern(p))
    if _STRING not in types:
        f.update(min_len=0, max_len=None, patterns=frozenset())
    if not types & _NUMBERS:
        f.update(lo=None, hi=None, multiple=frozenset())
    if _ARRAY not in types:
        f.update(min_items=0, max_items=None, unique=False, items=None, prefix=())
    elif f["max_items"] == 0:
        f.update(unique=False, items=None, prefix=())
    if _OBJECT not in types:
        f.update(min_props=0, max_props=None, required=frozenset(), props=(), additional=None)
    elif f["max_props"] == 0:
        f.update(props=(), additional=None)
    if f["items"] == TOP:
        f["items"] = None
    if f["additional"] == TOP:
        f["additional"] = None
    if f["props"] and f["additional"] is None:
        f["props"] = tuple((n, d) for n, d in f["props"] if d != TOP)
    if c.values is not None:
        kept = frozenset(v for v in c.values if _value_kind(v) in types)
        if not kept:
            return None
        f["values"] = kept
    return Conj(**f)


def _value_kind(canon: Any) -> str:  # noqa: ANN401 - a canonical value
    tag = canon[0]
    if tag == "num":
        value = canon[1]
        return "integer" if isinstance(value, int) else "number"
    return {
        "NoneType": "null",
        "bool": "boolean",
        "str": "string",
        "list": "array",
        "obj": "object",
    }[tag]


def _dnf(conjs: list[Conj]) -> DNF:
    """Simplified conjunctions as a disjunction; disjuncts that differ only in type merge."""
    kept = [s for s in (_simplify(c) for c in conjs) if s is not None]
    if len(kept) <= 1:
        return frozenset(kept)
    if any(k == Conj() for k in kept):
        return TOP
    merged: dict[Conj, set[str]] = {}
    for k in kept:
        merged.setdefault(replace(k, types=ALL_TYPES), set()).update(k.types)
    out = frozenset(
        s
        for rest, types in merged.items()
        if (s := _simplify(replace(rest, types=frozenset(types))))
    )
    if len(out) > MAX_DISJUNCTS:
        raise _UnsupportedError
    return out


def and_all(parts: list[DNF]) -> DNF:
    """The conjunction of disjunctions, distributed into one disjunction."""
    if len(parts) == 1:
        return parts[0]
    out: DNF = TOP
    for part in parts:
        if len(out) * len(part) > MAX_DISJUNCTS:
            raise _UnsupportedError
        out = _dnf([_merge(a, b) for a, b in product(out, part)])
    return out


def _negate(d: DNF) -> DNF:
    """Not D: De Morgan over the disjuncts; type sets complement, anything else stays opaque."""
    if not d:
        return TOP
    parts = []
    for conj in d:
        if type_only(conj):
            parts.append(frozenset({Conj(types=ALL_TYPES - conj.types)}))
        elif len(conj.nots) == 1 and replace(conj, nots=frozenset()) == Conj():
            parts.append(next(iter(conj.nots)))  # not not X is X
        else:
            parts.append(frozenset({Conj(nots=frozenset({frozenset({conj})}))}))
    return and_all(parts)


def _disjoint(a: DNF, b: DNF) -> bool:
    """True when no instance can satisfy both (disjoint kinds or disjoint value lists)."""
    for x in a:
        for y in b:
            if x.types & y.types and not (
                x.values is not None and y.values is not None and not (x.values & y.values)
            ):
                return False
    return True


class _Builder:
    def __init__(self, walker: Walker, side: SchemaSet, cache: dict[int, DNF | None]) -> None:
        self.walker, self.side, self.cache = walker, side, cache
        self.active: set[int] = set()
        self.budget = MAX_NODES

    def build(self, node: Any, loc: Loc, depth: int = 0) -> DNF:  # noqa: ANN401
        if depth > MAX_DEPTH:
            raise _UnsupportedError
        node, loc = self.walker.deref(self.side, node, loc)
        if node is True:
            return TOP
        if node is False:
            return frozenset()
        if not isinstance(node, dict) or id(node) in self.active:
            raise _UnsupportedError  # a recursive schema has no finite normal form here
        if id(node) in self.cache:
            hit = self.cache[id(node)]
            if hit is None:
                raise _UnsupportedError  # failed before: on a cycle, too deep or not modelled
            return hit
        self.budget -= 1
        if self.budget < 0:
            raise _UnsupportedError  # not cached: another, smaller proof may still build it
        self.active.add(id(node))
        try:
            out = self.cache[id(node)] = self._node(node, loc, depth)
        except _UnsupportedError:
            self.cache[id(node)] = None  # no proof from here on (never a wrong one)
            raise
        finally:
            self.active.discard(id(node))
        return out

    def _sub(self, node: dict[str, Any], key: str, loc: Loc, depth: int) -> DNF:
        return self.build(node[key], loc.child(key), depth + 1)

    def _node(self, node: dict[str, Any], loc: Loc, depth: int) -> DNF:  # noqa: C901, PLR0912, PLR0915
        own = dict(_DEFAULTS)
        parts: list[DNF] = []
        wide = sum(len(v) for v in node.values() if isinstance(v, dict | list))
        if wide > self.budget:
            raise _UnsupportedError  # more subschemas than the budget: fail before building
        for key, value in node.items():
            at = self.walker.key_loc(node, key, loc)  # a merged node: where `key` came from
            if key in _ANNOTATIONS or key.startswith("x-") or key in {"then", "else"}:
                continue
            if key == "type":
                names = [value] if isinstance(value, str) else list(value)
                atoms: set[str] = set()
                for name in names:
                    atoms |= set(_NUMBERS) if name == "number" else {name}
                own["types"] = own["types"] & frozenset(atoms)
            elif key in {"enum", "const"}:
                vals = value if key == "enum" else [value]
                canon = frozenset(canonical(v) for v in vals)
                merged = canon if own["values"] is None else own["values"] & canon
                own["values"] = merged
            elif key in {"minimum", "exclusiveMinimum"} and _is_num(value):
                own["lo"] = _tighter_lo(own["lo"], (value, key != "minimum"))
            elif key in {"maximum", "exclusiveMaximum"} and _is_num(value):
                own["hi"] = _tighter_hi(own["hi"], (value, key != "maximum"))
            elif key == "multipleOf" and _is_num(value):
                if float(value).is_integer():  # no fractional number is a multiple
                    own["types"] = own["types"] - {"number"}
                if value != 1:
                    own["multiple"] = own["multiple"] | {value}
            elif key == "minLength" and isinstance(value, int):
                own["min_len"] = max(own["min_len"], value)
            elif key == "maxLength" and isinstance(value, int):
                own["max_len"] = _min_opt(own["max_len"], value)
            elif key == "pattern" and isinstance(value, str):
                own["patterns"] = own["patterns"] | {value}
            elif key == "minItems" and isinstance(value, int):
                own["min_items"] = max(own["min_items"], value)
            elif key == "maxItems" and isinstance(value, int):
                own["max_items"] = _min_opt(own["max_items"], value)
            elif key == "uniqueItems" and isinstance(value, bool):
                own["unique"] = own["unique"] or value
            elif key == "items":
                own["items"] = self._sub(node, key, at, depth)
            elif key == "prefixItems" and isinstance(value, list):
                own["prefix"] = tuple(
                    self.build(v, at.child(key, i), depth + 1) for i, v in enumerate(value)
                )
            elif key == "minProperties" and isinstance(value, int):
                own["min_props"] = max(own["min_props"], value)
            elif key == "maxProperties" and isinstance(value, int):
                own["max_props"] = _min_opt(own["max_props"], value)
            elif key == "required" and isinstance(value, list):
                own["required"] = own["required"] | frozenset(map(str, value))
            elif key == "properties" and isinstance(value, dict):
                own["props"] = tuple(
                    sorted(
                        (k, self.build(v, at.child(key, k), depth + 1)) for k, v in value.items()
                    )
                )
            elif key == "additionalProperties":
                own["additional"] = self._sub(node, key, at, depth)
            elif key == "allOf" and isinstance(value, list):
                parts += [self.build(v, at.child(key, i), depth + 1) for i, v in enumerate(value)]
            elif key == "anyOf" and isinstance(value, list):
                branches = [self.build(v, at.child(key, i), depth + 1) for i, v in enumerate(value)]
                parts.append(_dnf([c for b in branches for c in b]))
            elif key == "oneOf" and isinstance(value, list):
                parts.append(self._one_of(value, at, depth))
            elif key == "not":
                parts.append(_negate(self._sub(node, key, at, depth)))
            elif key == "$ref" and isinstance(value, str):  # beside other keywords: a conjunct
                target, source, pointer, base = self.side.resolve(at.base, value)
                parts.append(self.build(target, Loc(source, pointer, base), depth + 1))
            elif key == "if":
                continue  # below, with the constraints around it
            else:
                raise _UnsupportedError
        if "items" in node and "prefixItems" not in node and own["prefix"]:
            raise _UnsupportedError  # pragma: no cover - prefix only comes from prefixItems
        whole = and_all([_dnf([Conj(**own)]), *parts])
        if "if" in node:
            key_loc = self.walker.key_loc
            cond = self._sub(node, "if", key_loc(node, "if", loc), depth)
            then = (
                self._sub(node, "then", key_loc(node, "then", loc), depth)
                if "then" in node
                else TOP
            )
            other = (
                self._sub(node, "else", key_loc(node, "else", loc), depth)
                if "else" in node
                else TOP
            )
            yes, no = and_all([whole, then]), and_all([whole, other])
            if yes == no or cond == TOP or not cond:
                return yes if cond == TOP or yes == no else no
            return frozenset({Conj(conds=frozenset({(cond, yes, no)}))})
        return whole

    def _one_of(self, value: list[Any], loc: Loc, depth: int) -> DNF:
        if len(value) > MAX_DISJUNCTS:
            raise _UnsupportedError  # pairwise disjointness would cost the square of it
        branches = [self.build(v, loc.child("oneOf", i), depth + 1) for i, v in enumerate(value)]
        live = [b for b in branches if b]
        if len(live) >= 2 and all(b == live[0] for b in live):
            return frozenset()  # every instance of one branch matches all of them
        if all(_disjoint(a, b) for i, a in enumerate(live) for b in live[i + 1 :]):
            return _dnf([c for b in live for c in b])
        raise _UnsupportedError


def _is_num(value: Any) -> bool:  # noqa: ANN401 - JSON
    return isinstance(value, int | float) and not isinstance(value, bool)


def normal_form(
    walker: Walker,
    side: SchemaSet,
    node: Any,  # noqa: ANN401 - a schema
    loc: Loc,
    cache: dict[int, DNF | None] | None = None,
) -> DNF | None:
    """The normal form of `node` (found at `loc` in `side`), or None when it is not modelled.

    `cache` keeps the forms of the nodes of `side` built so far (None: no form), so that the
    forms of nested pairs are built once.
    """
    try:
        return _Builder(walker, side, {} if cache is None else cache).build(node, loc)
    except (_UnsupportedError, RecursionError, TypeError, ValueError):
        return None


def kinds(d: DNF) -> frozenset[str] | None:
    """The instance kinds of a disjunction of type-only conjunctions (None otherwise)."""
    if not all(type_only(c) for c in d):
        return None
    out: set[str] = set()
    for c in d:
        out |= c.types
    return frozenset(out)
