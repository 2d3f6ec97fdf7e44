"""The fast path never changes a verdict: differential tests against the reference path.

At least 100,000 generated and mutated lines per run, compared one by one, plus
hypothesis-jsonschema events drawn from the bundled schema.
"""

from __future__ import annotations

import json

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.stream.fuzz import lines as fuzz_lines
from vrp_contract import load_revision
from vrp_contract.stream import StreamValidator
from vrp_contract.stream.fast import FastDecoder
from vrp_contract.stream.parse import parse_line

REVISION = load_revision()
FAST = FastDecoder(REVISION)
UNION = jsonschema.Draft202012Validator(REVISION.event_schema, registry=REVISION.registry)
LINES = 100_000


def _reference_accepts(raw: bytes) -> bool:
    obj, problems = parse_line(raw.rstrip(b"\r\n"))
    return obj is not None and not problems and UNION.is_valid(obj)


def test_fast_accepts_only_what_jsonschema_accepts_line_by_line():
    corpus = fuzz_lines(LINES, seed=20261125)
    accepted = rejected = 0
    for number, raw in enumerate(corpus, 1):
        fast = FAST(raw) is not None
        reference = _reference_accepts(raw)
        if fast:
            assert reference, f"line {number}: fast path accepted what jsonschema rejects: {raw!r}"
            accepted += 1
        else:
            rejected += 1
    # the corpus must exercise both sides, and the fast path must carry the valid majority
    assert accepted > LINES // 4
    assert rejected > LINES // 4


def test_stream_findings_are_identical_with_and_without_the_fast_path():
    corpus = fuzz_lines(20_000, seed=7)
    fast = StreamValidator(REVISION, engine="fast")
    reference = StreamValidator(REVISION, engine="reference")
    assert fast.fast is not None
    assert reference.fast is None
    got = [f.to_dict() for f in fast.iter_findings(corpus, "fuzz")]
    expected = [f.to_dict() for f in reference.iter_findings(corpus, "fuzz")]
    assert got == expected
    assert fast.summary.as_dict() == reference.summary.as_dict()


def test_example_vectors_agree():
    for kind in ("valid", "invalid"):
        for name, vector in REVISION.examples(kind):
            for raw in (
                json.dumps(vector["event"]).encode(),
                json.dumps(vector["event"], separators=(",", ":")).encode(),
            ):
                assert (FAST(raw) is not None) == (kind == "valid"), name


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


@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(_events(), st.sampled_from([{}, {"separators": (",", ":")}, {"ensure_ascii": False}]))
def test_generated_valid_events_get_the_same_verdict(event, style):
    assert UNION.is_valid(event)
    raw = json.dumps(event, **style).encode()
    record = FAST(raw)
    assert _reference_accepts(raw)
    if record is not None:
        assert record[:3] == (event["session_id"], event["event_type"], event["ts_ms"])


@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    _events(), st.sampled_from(["ts_ms", "event_type", "session_id", "node_id", "details"]), _JSON
)
def test_generated_broken_events_are_never_accepted_wrongly(event, key, value):
    event = {**event, key: value}
    raw = json.dumps(event).encode()
    if FAST(raw) is not None:
        assert _reference_accepts(raw), raw
