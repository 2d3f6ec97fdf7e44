"""Property test: whenever the checker says compatible, no instance contradicts it.

Random schema pairs from a small 2020-12 grammar; random JSON instances. If the checker calls
NEW backward compatible with OLD, every instance OLD accepts must be accepted by NEW (and the
same for forward). The checker may be conservative (report a break that is not real), never wrong
in the other way.
"""

from __future__ import annotations

from typing import Any

import jsonschema
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from vrp_contract.compat.check import compare_sets
from vrp_contract.compat.model import Bump, Mode
from vrp_contract.compat.sources import load_document

KEYS = ["a", "b", "x_1"]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.5, 2.5]),
    st.sampled_from(["", "a", "ab", "x_1"]),
)
instances = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS), inner, max_size=3)
    ),
    max_leaves=6,
)
types = st.sampled_from(["null", "boolean", "integer", "number", "string", "array", "object"])


def _leaf() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.just({}),
        st.booleans(),
        types.map(lambda t: {"type": t}),
        st.lists(types, min_size=1, max_size=3, unique=True).map(lambda t: {"type": t}),
        st.lists(scalars, min_size=1, max_size=3).map(lambda v: {"enum": v}),
        scalars.map(lambda v: {"const": v}),
        st.integers(-2, 2).map(lambda n: {"minimum": n}),
        st.integers(-2, 2).map(lambda n: {"exclusiveMaximum": n}),
        st.sampled_from([1, 2, 0.5]).map(lambda n: {"multipleOf": n}),
        st.integers(0, 2).map(lambda n: {"minLength": n}),
        st.integers(0, 2).map(lambda n: {"maxLength": n}),
        st.sampled_from(["^a", "^x_", "[a-z]*", "a*", "x?", "^$", "a"]).map(
            lambda p: {"pattern": p}
        ),
        # unsatisfiable sides (#13): contradictory bounds, a oneOf of identical branches
        st.just({"type": "integer", "minimum": 3, "maximum": 1}),
        st.just({"type": "string", "minLength": 2, "maxLength": 1}),
        types.map(lambda t: {"oneOf": [{"type": t}, {"type": t}]}),
        st.integers(0, 2).map(lambda n: {"minItems": n}),
        st.integers(0, 2).map(lambda n: {"maxProperties": n}),
        st.just({"uniqueItems": True}),
    )


def _node(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    props = st.dictionaries(st.sampled_from(KEYS), inner, max_size=2)
    return st.one_of(
        st.builds(
            lambda p, r, a: {"type": "object", "properties": p, "required": r, **a},
            props,
            st.lists(st.sampled_from(KEYS), max_size=2, unique=True),
            st.one_of(
                st.just({}),
                st.builds(lambda s: {"additionalProperties": s}, inner),
                st.builds(lambda s: {"patternProperties": {"^x_": s}}, inner),
            ),
        ),
        st.builds(lambda s: {"type": "array", "items": s}, inner),
        st.builds(lambda s, t: {"prefixItems": [s], "items": t}, inner, inner),
        st.builds(lambda s: {"contains": s}, inner),
        st.builds(lambda s, m: {"contains": s, "maxContains": m}, inner, st.integers(0, 2)),
        st.builds(lambda s: {"contains": s, "unevaluatedItems": False}, inner),
        st.lists(inner, min_size=1, max_size=3).map(lambda b: {"anyOf": b}),
        st.lists(inner, min_size=1, max_size=3).map(lambda b: {"oneOf": b}),
        st.lists(inner, min_size=1, max_size=3).map(lambda b: {"allOf": b}),
        inner.map(lambda s: {"not": s}),
        st.builds(lambda i, t: {"if": i, "then": t}, inner, inner),
        # then/else beside constraints of their own (#13)
        st.builds(
            lambda ty, i, t, e: {"type": ty, "if": i, "then": t, "else": e},
            types,
            inner,
            inner,
            inner,
        ),
        st.sampled_from(
            [
                {"type": "array", "items": False},
                {"type": "array", "maxItems": 0},
                {"type": "object", "additionalProperties": False},
                {"type": "object", "maxProperties": 0},
            ]
        ),
        st.builds(lambda k, s: {"dependentSchemas": {k: s}}, st.sampled_from(KEYS), inner),
        st.builds(
            lambda a, b: {**a, **b} if isinstance(a, dict) and isinstance(b, dict) else a,
            inner,
            inner,
        ),
    )


schemas = st.recursive(_leaf(), _node, max_leaves=6)


def _rewrite(draw: st.DrawFn, schema: Any) -> Any:  # noqa: C901, PLR0911 - one per class
    """OLD rewritten by one of the #13 classes: equivalent forms, and near misses of them."""
    kind = draw(st.integers(0, 8))
    if kind == 0:
        return {"not": {"not": schema}}
    if kind == 1 and isinstance(schema, dict) and isinstance(schema.get("anyOf"), list):
        return {"not": {"allOf": [{"not": b} for b in schema["anyOf"]]}}  # De Morgan
    if kind == 2 and isinstance(schema, dict) and isinstance(schema.get("type"), list):
        return {k: v for k, v in schema.items() if k != "type"} | {
            "anyOf": [{"type": t} for t in schema["type"]]
        }
    if kind == 3 and isinstance(schema, dict):
        swap = {"items": ("maxItems", 0), "additionalProperties": ("maxProperties", 0)}
        for key, (other, value) in swap.items():
            if schema.get(key) is False and not schema.get("prefixItems"):
                rest = {k: v for k, v in schema.items() if k != key}
                return rest if schema.get("properties") else rest | {other: value}
    if kind == 4:
        return {"allOf": [schema, {"allOf": [{}]}]}
    if kind in {5, 7} and isinstance(schema, dict):
        return schema | {
            "pattern": draw(st.sampled_from(["[a-z]*", ".*", "a", "^b*", "^$", "x?$"]))
        }
    if kind == 6 and isinstance(schema, dict) and "if" in schema:
        then = schema.get("then", True)
        surround = {k: v for k, v in schema.items() if k not in {"if", "then", "else"}}
        return schema | {"then": {"allOf": [then, surround]}}
    if kind == 8 and isinstance(schema, dict):  # a union moved into an allOf conjunct
        for kw in ("anyOf", "oneOf"):
            if kw in schema:
                rest = {k: v for k, v in schema.items() if k not in {kw, "allOf"}}
                union = {kw: schema[kw]} | draw(st.sampled_from([{}, {"type": "object"}]))
                return rest | {"allOf": [*schema.get("allOf", []), union]}
    return draw(schemas)


def _mutate(draw: st.DrawFn, schema: Any) -> Any:
    """A NEW close to OLD: the same schema with one random subschema replaced or rewritten."""
    if draw(st.integers(0, 4)) == 0:
        return _rewrite(draw, schema)
    if not isinstance(schema, dict) or not schema or draw(st.integers(0, 3)) == 0:
        return draw(schemas)
    key = draw(st.sampled_from(sorted(schema)))
    value = schema[key]
    out = dict(schema)
    if key in {"properties", "patternProperties", "dependentSchemas"} and value:
        sub = draw(st.sampled_from(sorted(value)))
        out[key] = {**value, sub: _mutate(draw, value[sub])}
    elif key in {"anyOf", "oneOf", "allOf", "prefixItems"} and value:
        i = draw(st.integers(0, len(value) - 1))
        out[key] = [*value[:i], _mutate(draw, value[i]), *value[i + 1 :]]
    elif key in {"not", "items", "contains", "if", "then", "additionalProperties"}:
        out[key] = _mutate(draw, value)
    else:
        extra = draw(_leaf())
        out.update(extra if isinstance(extra, dict) else {})
    return out


@st.composite
def pairs(draw: st.DrawFn) -> tuple[Any, Any]:
    old = draw(schemas)
    return old, _mutate(draw, old)


def _valid(schema: Any, value: Any) -> bool:
    return jsonschema.Draft202012Validator(schema).is_valid(value)


@st.composite
def rewrites(draw: st.DrawFn) -> tuple[Any, Any]:
    old = draw(schemas)
    return old, _rewrite(draw, old)


def _check(old: Any, new: Any, values: list[Any]) -> None:
    assume(
        jsonschema.Draft202012Validator(jsonschema.Draft202012Validator.META_SCHEMA).is_valid(new)
    )
    report = compare_sets(load_document("old", old), load_document("new", new), Mode.FULL)
    broken = {d for f in report.findings for d in f.directions}
    for value in values:
        in_old, in_new = _valid(old, value), _valid(new, value)
        if in_old and not in_new:
            assert "backward" in broken, (old, new, value)
        if in_new and not in_old:
            assert "forward" in broken, (old, new, value)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs(), st.lists(instances, min_size=20, max_size=40))
def test_compatible_verdicts_are_never_contradicted(pair, values):
    old, new = pair
    _check(old, new, values)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rewrites(), st.lists(instances, min_size=20, max_size=40))
def test_rewrites_of_the_too_strict_classes_are_judged_soundly(pair, values):
    """Each #13 class (equivalent rewrites, unsatisfiable sides, then/else beside constraints,
    unanchored patterns) and its near misses: a compatible verdict is never contradicted."""
    old, new = pair
    _check(old, new, values)


PATTERNS = ["[a-z]*", ".*", "a*", "x?", "(ab)*", "[^x]*", "^$", "a", "^a*", "a*$", "\\ba*",
            "(?=a)*", "(a)\\1*", "(?i)a*", "[a-z]+", "."]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(PATTERNS), st.lists(st.text(max_size=4), min_size=10, max_size=30))
def test_a_pattern_is_dropped_only_when_it_matches_every_string(pattern, texts):
    old = {"type": "string"}
    new = {"type": "string", "pattern": pattern}
    _check(old, new, [*texts, "", "a", "ab", "x", "\n", "Z"])


def _siblings(draw: st.DrawFn) -> dict[str, Any]:
    extra = draw(_leaf())
    return extra if isinstance(extra, dict) else {}


@st.composite
def ref_sibling_pairs(draw: st.DrawFn) -> tuple[Any, Any]:
    """A `$ref` beside other keywords on either side (merged with its target when exact)."""
    target = draw(schemas)
    defs = {"D": target, "E": draw(st.one_of(st.just(target), _leaf()))}
    sides = []
    for _ in range(2):
        form = draw(st.integers(0, 3))
        node: dict[str, Any] = {"$defs": defs}
        if form != 3:  # 3: no $ref at all
            node["$ref"] = draw(st.sampled_from(["#/$defs/D", "#/$defs/E"]))
        if form != 0:  # 0: a bare $ref
            node |= _siblings(draw)
        sides.append(node)
    return sides[0], sides[1]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ref_sibling_pairs(), st.lists(instances, min_size=20, max_size=40))
def test_keywords_beside_a_ref_are_judged_soundly(pair, values):
    old, new = pair
    _check(old, new, values)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(scalars, min_size=1, max_size=4),
    st.lists(_leaf().filter(lambda s: isinstance(s, dict)), min_size=1, max_size=2),
)
def test_a_finite_domain_is_judged_exactly(values, extras):
    """OLD an enum, NEW the same enum with more keywords: broken exactly when a value is lost,
    and a patch at most when every value is kept (the same instances)."""
    old: dict[str, Any] = {"enum": values}
    new: dict[str, Any] = {}
    for extra in extras:
        new |= extra
    new |= {"enum": values, "const": values[0]} if "const" in new else {"enum": values}
    _check(old, new, values)
    report = compare_sets(load_document("old", old), load_document("new", new), Mode.FULL)
    kept = all(_valid(new, v) for v in values)
    assert report.compatible is kept, (old, new)
    if kept:
        assert report.bump <= Bump.PATCH, (old, new, [f.message for f in report.findings])
