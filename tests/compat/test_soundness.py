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
from vrp_contract.compat.model import Mode
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
        st.sampled_from(["^a", "^x_"]).map(lambda p: {"pattern": p}),
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
        st.builds(lambda k, s: {"dependentSchemas": {k: s}}, st.sampled_from(KEYS), inner),
        st.builds(
            lambda a, b: {**a, **b} if isinstance(a, dict) and isinstance(b, dict) else a,
            inner,
            inner,
        ),
    )


schemas = st.recursive(_leaf(), _node, max_leaves=6)


def _mutate(draw: st.DrawFn, schema: Any) -> Any:
    """A NEW close to OLD: the same schema with one random subschema replaced."""
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


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs(), st.lists(instances, min_size=20, max_size=40))
def test_compatible_verdicts_are_never_contradicted(pair, values):
    old, new = pair
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
