"""The engine never changes a finding: differential tests against the reference engine.

The validator checks events with jsonschema-rs (`FastChecker`) and accepts a line on its verdict
alone; python-jsonschema (`ReferenceChecker`) is the reference. At least 100,000 generated and
mutated lines per run are decoded by both and compared one by one (verdict, fold record and every
problem with its rule, pointer and sentence), on revision 0.1 and on a test-only future revision
that uses every keyword family (bench/future_revision.py); whole streams are compared finding by
finding; hypothesis draws valid and broken events.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.future_revision import load as load_future
from tests.stream.fuzz import lines as fuzz_lines
from vrp_contract import load_revision
from vrp_contract.stream import StreamValidator

if TYPE_CHECKING:
    from pathlib import Path

    from vrp_contract.revisions import Revision

REVISION = load_revision()
LINES = 100_000


@pytest.fixture(scope="module")
def future(tmp_path_factory: pytest.TempPathFactory) -> Revision:
    revision: Revision = load_future(tmp_path_factory.mktemp("future"))
    return revision


def _union(revision: Revision) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(revision.event_schema, registry=revision.registry)


def _compare_line_by_line(revision: Revision, corpus: list[bytes]) -> tuple[int, int]:
    """Decode every line with both engines; return (accepted, rejected) by the fast one."""
    fast = StreamValidator(revision, engine="fast").decoder()
    reference = StreamValidator(revision, engine="reference")
    union = _union(revision)
    accepted = rejected = 0
    for number, raw in enumerate(corpus, 1):
        got: Any = fast(raw.rstrip(b"\r\n"))
        expected = reference.explain(raw)
        if got[0].__class__ is str:  # accepted on the jsonschema-rs verdict: a fold record
            accepted += 1
            problems, record = expected[0], expected[1]
            assert problems == [], f"line {number}: accepted what the reference rejects: {raw!r}"
            assert got == record, f"line {number}: fold records differ: {raw!r}"
            assert union.is_valid(json.loads(raw)), f"line {number}: the union rejects {raw!r}"
        else:
            rejected += 1
            assert got == expected, f"line {number}: explanations differ: {raw!r}"
    return accepted, rejected


def test_line_by_line_revision_0_1():
    accepted, rejected = _compare_line_by_line(REVISION, fuzz_lines(LINES, seed=20261125))
    # the corpus exercises both sides, and the fast verdict carries the valid majority
    assert accepted > LINES // 4
    assert rejected > LINES // 4


def test_line_by_line_future_revision(future: Revision):
    count = 30_000
    accepted, rejected = _compare_line_by_line(future, fuzz_lines(count, seed=20261129))
    assert accepted > count // 5
    assert rejected > count // 4


@pytest.mark.parametrize("which", ["0.1", "future"])
def test_stream_findings_are_identical_with_both_engines(which: str, future: Revision):
    revision = REVISION if which == "0.1" else future
    corpus = fuzz_lines(20_000, seed=7)
    fast = StreamValidator(revision, engine="fast")
    reference = StreamValidator(revision, engine="reference")
    got = [f.to_dict() for f in fast.iter_findings(corpus, "fuzz")]
    expected = [f.to_dict() for f in reference.iter_findings(corpus, "fuzz")]
    assert got == expected
    assert fast.summary.as_dict() == reference.summary.as_dict()
    rules = {f["rule"] for f in got}
    assert {"schema.required", "schema.type", "schema.additionalProperties"} <= rules
    if which == "future":  # the new keyword families are exercised, not only present
        assert {"schema.pattern", "schema.oneOf", "schema.unevaluatedProperties"} <= rules


def test_future_revision_keywords_are_explained(future: Revision):
    validator = StreamValidator(future)
    event = {
        "ts_ms": 1,
        "event_type": "RECOVERY_SIGNAL",
        "session_id": "s",
        "node_id": "Node 7",
        "details": {"stable_ms": 5, "x-note": "ok", "extra": 1},
    }
    problems = validator.explain(json.dumps(event).encode())[0]
    assert problems == [
        (
            "schema.pattern",
            "/node_id",
            (
                'The field /node_id must match the regular expression "^node-[a-z0-9-]+$"; got '
                'a string "Node 7".'
            ),
        ),
        (
            "schema.unevaluatedProperties",
            "/details/extra",
            (
                "Property 'extra' is not allowed in /details (no subschema of the event's schema "
                "evaluates it)."
            ),
        ),
    ]


def test_example_vectors_agree():
    decode = StreamValidator(REVISION).decoder()
    for kind in ("valid", "invalid"):
        for name, vector in REVISION.examples(kind):
            for raw in (
                json.dumps(vector["event"]).encode(),
                json.dumps(vector["event"], separators=(",", ":")).encode(),
            ):
                item = decode(raw)
                accepted = item[0].__class__ is str or not item[0]  # folded, or valid unfolded
                assert accepted == (kind == "valid"), name


# hypothesis-jsonschema 0.23.1 no longer works with current hypothesis (it calls the removed
# `many.more()`), so events are drawn from strategies built from the schema's own constants.
_STATES = REVISION.state_machine["states"]
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
_DETAILS_REQUIRED = {
    "PATH_SELECTED": {"path_id": st.text(min_size=1)},
    "STATE_CHANGE": {
        "from_state": st.sampled_from([s["name"] for s in _STATES]),
        "to_state": st.sampled_from([s["name"] for s in _STATES]),
    },
    "AUDIT_EVENT": {"invariant": st.sampled_from([i["id"] for i in REVISION.invariants])},
}
_FAST = StreamValidator(REVISION)
_DECODE = _FAST.decoder()
_REFERENCE = StreamValidator(REVISION, engine="reference")
_UNION = _union(REVISION)


@st.composite
def _events(draw: st.DrawFn) -> dict[str, object]:
    event_type = draw(st.sampled_from(REVISION.event_types))
    event: dict[str, object] = {
        "ts_ms": draw(st.integers(0, 2**63 - 1)),
        "event_type": event_type,
        "session_id": draw(st.text(min_size=1)),
    }
    if draw(st.booleans()):
        event["node_id"] = draw(st.text())
    required_reason = event_type == "STATE_CHANGE"
    if required_reason or draw(st.booleans()):
        event["reason_code"] = draw(st.text(min_size=1 if required_reason else 0))
    required = _DETAILS_REQUIRED.get(event_type)
    if required or draw(st.booleans()):
        extra = draw(st.dictionaries(st.text(), _JSON, max_size=4))
        event["details"] = {**extra, **{k: draw(v) for k, v in (required or {}).items()}}
    return event


def _same(raw: bytes) -> None:
    got: Any = _DECODE(raw)
    expected = _REFERENCE.explain(raw)
    if got[0].__class__ is str:
        assert expected[0] == []
        assert got == expected[1]
    else:
        assert got == expected


@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(_events(), st.sampled_from([{}, {"separators": (",", ":")}, {"ensure_ascii": False}]))
def test_generated_valid_events_get_the_same_verdict(event, style):
    assert _UNION.is_valid(event)
    raw = json.dumps(event, **style).encode()
    record: Any = _DECODE(raw)
    if event["event_type"] in REVISION.behaviour["event_roles"]["audit"]:
        assert record == ([], None, event["session_id"], event["event_type"], event["ts_ms"])
    else:  # folded: the fold's record (explained with no problems when the engine defers)
        if record[0].__class__ is not str:
            assert record[0] == []
            record = record[1]
        assert record[0].__class__ is str
        assert record[:3] == (event["session_id"], event["event_type"], event["ts_ms"])
    _same(raw)


@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    _events(), st.sampled_from(["ts_ms", "event_type", "session_id", "node_id", "details"]), _JSON
)
def test_generated_broken_events_are_explained_alike(event, key, value):
    event = {**event, key: value}
    _same(json.dumps(event).encode())


def test_future_revision_is_built_outside_the_schema_folder(future: Revision):
    root: Path = future.root  # type: ignore[assignment]
    assert "schema" not in root.parts[-3:]
    assert future.name == "0.2"


def test_remembered_wording_never_mixes_values():
    # the wording of a violation is memoised by value: 0.0 and -0.0 are equal but shown apart,
    # and properties not allowed are named in the event's order whatever the engine's order
    validator = StreamValidator(REVISION)
    shown = []
    for value in ("0.0", "-0.0", "0.0", "0", "false"):
        line = f'{{"ts_ms":1,"event_type":"SESSION_CREATED","session_id":{value}}}'.encode()
        shown.append(validator.explain(line)[0][0][2])
    assert [text.rsplit(" ", 1)[1] for text in shown] == ["0.0.", "-0.0.", "0.0.", "0.", "false."]
    extras = b'{"zz":1,"ts_ms":1,"event_type":"SESSION_CREATED","b":2,"session_id":"s","a":3}'
    pointers = [problem[1] for problem in validator.explain(extras)[0]]
    assert pointers == ["/zz", "/b", "/a"]
    assert validator.explain(extras) == StreamValidator(REVISION, engine="reference").explain(
        extras
    )
