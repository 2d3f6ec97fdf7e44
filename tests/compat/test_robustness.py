"""Recursive and cyclic references terminate; legacy drafts; inputs that are not schemas."""

from __future__ import annotations

from typing import Any

import pytest

from vrp_contract.compat import InputError, Mode
from vrp_contract.compat.check import PairReport, compare_sets
from vrp_contract.compat.sources import load_document

S = "https://json-schema.org/draft/2020-12/schema"


def _cmp(old: Any, new: Any, mode: Mode = Mode.BACKWARD) -> PairReport:
    return compare_sets(load_document("old", old), load_document("new", new), mode)


def test_bare_ref_loops_are_an_input_error_naming_the_chain():
    """A chain of references that never reaches a schema: validators recurse forever on it."""
    doc = {
        "$schema": S,
        "$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}},
        "$ref": "#/$defs/a",
    }
    with pytest.raises(
        InputError, match=r"json#/\$defs/a -> \S+json#/\$defs/b -> \S+json#/\$defs/a comes back"
    ):
        _cmp(doc, doc)


def test_mutual_recursion_with_siblings_is_an_input_error():
    """Keywords beside each `$ref` change nothing: evaluating `a` evaluates `b`, then `a`..."""

    def doc(n: int) -> dict[str, Any]:
        return {
            "$schema": S,
            "$defs": {
                "a": {"$ref": "#/$defs/b", "type": "object"},
                "b": {"$ref": "#/$defs/a", "minProperties": n},
            },
            "$ref": "#/$defs/a",
        }

    with pytest.raises(InputError, match="comes back to itself without reaching a schema"):
        _cmp(doc(1), doc(2))


def test_recursion_through_the_document_root():
    def doc(t: str) -> dict[str, Any]:
        return {
            "$schema": S,
            "type": "object",
            "properties": {"v": {"type": t}, "next": {"$ref": "#"}},
        }

    assert _cmp(doc("integer"), doc("number")).compatible
    result = _cmp(doc("number"), doc("integer"))
    assert [f.pointer for f in result.findings if f.is_error] == ["/properties/v/type"]


@pytest.mark.slow
def test_long_reference_chains_are_compared_to_the_end():
    n = 1000

    def chain(leaf: dict[str, Any]) -> dict[str, Any]:
        defs = {
            f"d{i}": {"type": "object", "properties": {"next": {"$ref": f"#/$defs/d{i + 1}"}}}
            for i in range(n)
        }
        defs[f"d{n}"] = leaf
        return {"$schema": S, "$defs": defs, "$ref": "#/$defs/d0"}

    result = _cmp(chain({"type": "string"}), chain({"type": "integer"}))
    assert [f.pointer for f in result.findings if f.is_error] == [f"/$defs/d{n}/type"]


def test_nesting_deeper_than_the_limit_fails_closed(monkeypatch):
    monkeypatch.setattr("vrp_contract.compat.walk.MAX_DEPTH", 40)

    def nest(depth: int, leaf: dict[str, Any]) -> dict[str, Any]:
        node = leaf
        for _ in range(depth):
            node = {"not": {"not": node}}
        return {"$schema": S, **node} if isinstance(node, dict) else node

    deep = 25
    leaf = {"propertyNames": {"minLength": 1}}  # beyond the normal form too: nothing proves it
    result = _cmp(nest(deep, leaf), nest(deep, leaf))
    assert not result.compatible
    assert {f.rule for f in result.findings if f.is_error} == {"unclassified"}
    same = _cmp(nest(deep, {"type": "string"}), nest(deep, {"type": "string"}))
    assert same.compatible  # the normal form proves two equal nests equal (not not X is X)


def test_draft_07_tuple_items_and_dependencies_are_understood():
    d7 = "http://json-schema.org/draft-07/schema#"
    old = {"$schema": d7, "type": "array", "items": [{"type": "string"}], "additionalItems": False}
    new = {
        "$schema": d7,
        "type": "array",
        "items": [{"type": "string"}],
        "additionalItems": {"type": "integer"},
    }
    assert _cmp(old, new).compatible
    assert not _cmp(new, old).compatible
    dep_old = {"$schema": d7, "dependencies": {"a": ["b"]}}
    dep_new = {"$schema": d7, "dependencies": {"a": ["b", "c"]}}
    result = _cmp(dep_old, dep_new)
    assert [f.rule for f in result.findings if f.is_error] == ["object.dependent-required"]


def test_draft_04_boolean_exclusive_bounds():
    d4 = "http://json-schema.org/draft-04/schema#"
    old = {"$schema": d4, "type": "number", "maximum": 5}
    new = {"$schema": d4, "type": "number", "maximum": 5, "exclusiveMaximum": True}
    assert not _cmp(old, new).compatible
    assert _cmp(new, old).compatible


def test_absurdly_deep_json_is_an_input_error():
    node: dict[str, Any] = {}
    for _ in range(20_000):
        node = {"not": node}
    with pytest.raises(InputError, match="nested too deeply"):
        load_document("deep", node)


@pytest.mark.parametrize("doc", [[], 3, "x", None])
def test_non_schemas_are_input_errors(doc):
    with pytest.raises(InputError, match="not a JSON Schema"):
        load_document("x", doc)


def test_ten_thousand_properties():
    props = {f"p{i}": {"type": "string"} for i in range(10_000)}
    old = {"$schema": S, "type": "object", "properties": props}
    new = {"$schema": S, "type": "object", "properties": {**props, "p9999": {"type": "integer"}}}
    result = _cmp(old, new)
    assert [f.pointer for f in result.findings if f.is_error] == ["/properties/p9999/type"]


_HUGE = 10**5000 - 1  # 5,000 nines (built by arithmetic: no text conversion)


@pytest.mark.parametrize(
    ("old", "new", "breaks"),
    [
        (_HUGE, _HUGE, False),
        (_HUGE, _HUGE * 10 + 9, False),  # wider
        (_HUGE * 10 + 9, _HUGE, True),  # narrower
        (float("inf"), _HUGE, True),  # `1e400` reads as infinity
        (_HUGE, float("inf"), False),
        (float("inf"), float("inf"), False),
    ],
    ids=["same", "wider", "narrower", "inf-to-huge", "huge-to-inf", "inf"],
)
def test_bounds_of_any_size_are_compared(old: float, new: float, breaks: bool):
    """An integer of 5,000 digits and `1e400` are JSON; comparing them is no crash."""
    result = _cmp(
        {"$schema": S, "type": "integer", "maximum": old},
        {"$schema": S, "type": "integer", "maximum": new},
    )
    assert any(f.is_error for f in result.findings) is breaks


def test_a_schema_file_with_a_huge_integer_loads(tmp_path):
    from vrp_contract.compat import load_source  # noqa: PLC0415

    path = tmp_path / "big.json"
    path.write_text('{"type": "integer", "maximum": ' + "9" * 5000 + "}", "utf-8")
    assert load_source(str(path)) is not None
