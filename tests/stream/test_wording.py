"""The cheap paths after a violation is found give exactly what the plain ones give.

Findings built slot by slot, sentences planned once per schema place and filled per value,
the objects of a decoded chunk aged without a scan, SARIF written by orjson.
"""

from __future__ import annotations

import dataclasses
import gc
import io
import json
import sys
from typing import Any

import pytest

from vrp_contract.findings import Finding, Severity, line_finding
from vrp_contract.reporters.sarif import SarifReporter
from vrp_contract.stream import StreamValidator
from vrp_contract.stream.explain import Violation, explain, show
from vrp_contract.stream.parse import acyclic, big_int_digits
from vrp_contract.stream.schema_check import FastChecker

CREATED = {"ts_ms": 1700000000000, "event_type": "SESSION_CREATED", "session_id": "s1"}

VALUES = [
    "1700000000000",
    "another string",
    "x" * 100,
    'quote " and newline \n',
    0,
    0.0,
    -0.0,
    1,
    1.0,
    True,
    False,
    None,
    1.5e300,
    [1, 2],
    [],
    {"a": 1},
    {},
    -1,
    10**30,
]


def test_line_finding_is_the_finding_the_constructor_builds():
    context = {"event_type": "X", "ts_ms": 5}
    built = line_finding("schema.type", Severity.ERROR, "m", "/ts_ms", "f.jsonl", 3, "s1", context)
    plain = Finding(
        "schema.type", Severity.ERROR, "m", "/ts_ms", "f.jsonl", 3, "s1", context=context
    )
    assert type(built) is Finding
    assert built == plain
    assert hash(built) == hash(plain)
    assert repr(built) == repr(plain)
    assert built.to_dict() == plain.to_dict()
    assert dataclasses.astuple(built) == dataclasses.astuple(plain)
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.message = "changed"  # type: ignore[misc]
    none = line_finding("input.not-json", Severity.WARNING, "m", "", None, None, None, {})
    assert none == Finding("input.not-json", Severity.WARNING, "m")


@pytest.mark.parametrize("place", ["ts_ms", "session_id", "event_type"])
def test_a_planned_sentence_is_filled_with_each_lines_own_value(place):
    """The memo reuses a sentence per schema place; each value still shows as itself."""
    checker = FastChecker(StreamValidator().revision)
    for _ in range(2):  # the second round finds every plan and scalar wording in the memo
        for value in VALUES:
            event: dict[str, Any] = {**CREATED, place: value}
            named = event["event_type"]
            event_type = named if isinstance(named, str) and named in checker.schemas else None
            violations = checker.violations(event, event_type)
            schema = checker.schemas[event_type] if event_type else checker.envelope
            subject = f"the {event_type} event" if event_type else "the event"
            fresh = explain(violations, schema, event, subject=subject, known=checker.known)
            assert checker.problems(event) == fresh, value


def test_a_planned_sentence_shows_the_value_it_is_filled_with():
    checker = FastChecker(StreamValidator().revision)
    values: list[Any] = ["12", "34", 0.5, []]
    messages = [checker.problems({**CREATED, "ts_ms": v})[0][2] for v in values]
    assert messages == [
        'The field /ts_ms must be an integer, got a string "12".',
        'The field /ts_ms must be an integer, got a string "34".',
        "The field /ts_ms must be an integer, got a number 0.5.",
        "The field /ts_ms must be an integer, got an array [].",
    ]


def test_findings_of_one_line_are_counted_as_they_are_built():
    validator = StreamValidator()
    lines = [b'{"ts_ms":"1","event_type":"SESSION_CREATED"}', b"not json", b"[]"]
    findings = list(validator.iter_findings(lines, "in.jsonl"))
    assert [f.line for f in findings] == [1, 1, 2, 3]
    assert validator.summary.errors == len(findings)
    assert sum(validator.summary.by_rule.values()) == len(findings)
    assert {f.session_id for f in findings} == {None}
    assert findings[0].context == {"event_type": "SESSION_CREATED"}


class _Marker:
    """A tracked object to find in the collector's generations."""


def test_acyclic_moves_the_chunks_objects_to_the_oldest_generation_unscanned():
    assert gc.isenabled()
    with acyclic():
        assert not gc.isenabled()
        kept = [[_Marker()] for _ in range(10_000)]
        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
    assert gc.isenabled()
    marker = kept[0][0]
    assert any(o is marker for o in gc.get_objects(generation=2))
    assert not any(o is marker for o in gc.get_objects(generation=0))
    assert gc.collect() >= 1  # the cycle made inside is still garbage the collector frees


def test_acyclic_leaves_a_programs_frozen_objects_frozen():
    frozen = [_Marker()]
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with acyclic():
            kept = [_Marker()]
        assert gc.get_freeze_count() == before
        assert kept
    finally:
        gc.unfreeze()
    assert frozen


def test_acyclic_leaves_a_disabled_collector_disabled():
    gc.disable()
    try:
        with acyclic():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize(
    ("source", "line"),
    [("in.jsonl", 3), ("in\udcff.jsonl", 3), ("in.jsonl", 2**70), ("\u2028\x7f\x1f", 1)],
)
def test_sarif_is_the_text_json_dumps_writes(source, line):
    """orjson writes it; what orjson refuses (lone surrogate, big integer) the json module does."""
    out = io.StringIO()
    reporter = SarifReporter(out)
    finding = Finding("schema.type", Severity.ERROR, 'a "b" \n é', "/k", source, line, "s")
    reporter.finding(finding)
    validator = StreamValidator()
    reporter.finish(validator.summary)
    log = json.loads(out.getvalue())
    assert out.getvalue() == json.dumps(log, indent=2, ensure_ascii=False) + "\n"
    assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": source},
        "region": {"startLine": line},
    }


def _shown(value: Any) -> str:
    """The value's JSON text cut to 60 characters, encoded with room to recurse."""
    with big_int_digits():
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(20_000)
        try:
            text = json.dumps(value, ensure_ascii=False)
        finally:
            sys.setrecursionlimit(limit)
    return text if len(text) <= 60 else text[:57] + "..."


def _nested(depth: int) -> list[Any]:
    deep: Any = 0
    for _ in range(depth):
        deep = {"k\n": [deep, "tail"], "z": -0.0}
    return [deep]


@pytest.mark.parametrize(
    "value",
    [
        _nested(1),
        _nested(3),
        _nested(2000),
        [10**5000, "x"],
        10**5000,
        {"a": {}, "b": []},
        "é" * 80,
    ],
    ids=["shallow", "three", "too-deep-to-recurse", "big-int-in-list", "big-int", "empty", "long"],
)
def test_show_cuts_the_json_text_at_any_depth_and_size(value):
    assert show(value) == _shown(value)


def test_a_value_nested_too_deep_to_encode_is_worded():
    value = _nested(600)
    event = {**CREATED, "session_id": value}
    checker = FastChecker(StreamValidator().revision)
    violations = [Violation("type", ("session_id",), ("properties", "session_id", "type"))]
    schema = checker.schemas["SESSION_CREATED"]
    problems = explain(violations, schema, event, subject="s", known=checker.known)
    message = f"The field /session_id must be a string, got an array {_shown(value)}."
    assert problems == [("schema.type", "/session_id", message)]
