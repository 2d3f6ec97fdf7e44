"""The generated dataclasses and typed loader, on the shared vectors (valid and invalid)."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from scripts.codegen.python import LIMITS, limits
from tests.generated._toolchain import GENERATED, docs_example, gaps
from vrp_contract import typed
from vrp_contract.generated import v0_1
from vrp_contract.revisions import load_revision

REVISION = load_revision(typed.REVISION)
VALID = REVISION.examples("valid")
INVALID = REVISION.examples("invalid")
GAPS = gaps(GENERATED / "python" / "known-gaps.json")


@pytest.mark.parametrize(("name", "vector"), VALID, ids=[n for n, _ in VALID])
def test_valid_round_trips(name, vector):
    event = typed.from_dict(vector["event"])
    assert type(event).__name__.upper() == vector["event"]["event_type"].replace("_", "")
    assert typed.to_dict(event) == vector["event"], name
    # through JSON text too: int64 ts_ms and open details keys survive exactly
    text = json.dumps(typed.to_dict(typed.from_dict(json.loads(json.dumps(vector["event"])))))
    assert json.loads(text) == vector["event"]


@pytest.mark.parametrize(
    ("details", "pointer"),
    [('{"x":1e400}', "/details/x"), ('{"a":[1,{"b":-1e999}]}', "/details/a/1/b")],
)
def test_encode_refuses_a_number_json_text_cannot_hold(details: str, pointer: str) -> None:
    line = '{"ts_ms":1,"event_type":"MUTATION_TICK","session_id":"s","details":' + details + "}"
    event = typed.decode(line)  # valid: details is open, and the number is a JSON number
    with pytest.raises(typed.EncodeError) as info:
        typed.encode(event)  # it decoded to infinity: writing `Infinity` is no JSON
    assert (info.value.rule, info.value.pointer) == ("input.not-json", pointer)
    assert "which JSON cannot hold" in info.value.message


@pytest.mark.parametrize(("name", "vector"), INVALID, ids=[n for n, _ in INVALID])
def test_invalid_rejected_with_rule_and_pointer(name, vector):
    for decode in (typed.from_dict, lambda e: typed.decode(json.dumps(e))):
        with pytest.raises(typed.DecodeError) as info:
            decode(vector["event"])
        assert (info.value.rule, info.value.pointer) == (
            vector["error"]["rule"],
            vector["error"]["pointer"],
        ), name
        unknown = vector["error"]["rule"] == "schema.unknown-event-type"
        assert isinstance(info.value, typed.UnknownEventTypeError) == unknown


def test_decode_refuses_what_the_stream_reader_refuses():
    cases = {
        b'{"a":1,"a":2}': ("input.duplicate-key", "/a"),
        b"[1]": ("input.not-object", ""),
        b"{": ("input.not-json", ""),
        b"\xff": ("input.not-utf8", ""),
    }
    for raw, expected in cases.items():
        with pytest.raises(typed.DecodeError) as info:
            typed.decode(raw)
        assert (info.value.rule, info.value.pointer) == expected, raw


def test_encode_refuses_what_decode_refuses():
    event = v0_1.MutationTick(ts_ms=-1, event_type="MUTATION_TICK", session_id="s")
    with pytest.raises(typed.EncodeError) as info:
        typed.encode(event)
    assert (info.value.rule, info.value.pointer) == ("schema.minimum", "/ts_ms")
    ok = v0_1.MutationTick(ts_ms=1, event_type="MUTATION_TICK", session_id="s", details={})
    assert typed.encode(ok) == '{"ts_ms":1,"event_type":"MUTATION_TICK","session_id":"s","details":{}}'


@pytest.mark.parametrize(("name", "vector"), INVALID, ids=[n for n, _ in INVALID])
def test_invalid_with_loader_only(name, vector):
    if name in GAPS["invalid_accepted"]:
        v0_1.from_dict(vector["event"])  # a known gap: still accepted (else drop it from the list)
        return
    with pytest.raises(v0_1.DecodeError):
        v0_1.from_dict(vector["event"])


BOUNDED = [(n, v) for n, v in INVALID if v["error"]["rule"].removeprefix("schema.") in LIMITS]


@pytest.mark.parametrize(("name", "vector"), BOUNDED, ids=[n for n, _ in BOUNDED])
def test_loader_checks_lengths_and_ranges_from_the_schema(name, vector):
    # the vendored loader's own limits: same pointer as the reference, the keyword named
    with pytest.raises(v0_1.DecodeError) as info:
        v0_1.from_dict(vector["event"])
    assert info.value.pointer == vector["error"]["pointer"], name
    assert f"({vector['error']['rule'].removeprefix('schema.')})" in str(info.value)


def test_loader_limits_are_the_schemas():
    table = limits(REVISION)
    assert table["PATH_SELECTED"]["/details/path_id"] == {"minLength": 1}
    assert table["MUTATION_TICK"]["/ts_ms"] == {"minimum": 0, "maximum": 2**63 - 1}
    event = {"ts_ms": 2**63 - 1, "event_type": "MUTATION_TICK", "session_id": "s"}
    assert v0_1.to_dict(v0_1.from_dict(event)) == event  # the bounds themselves are in range
    with pytest.raises(v0_1.DecodeError, match=r"^/ts_ms: expected at least 0 \(minimum\)"):
        v0_1.from_dict({**event, "ts_ms": -1.0})  # an integer-valued float is bounded too


def test_gap_list_names_real_vectors():
    assert set(GAPS["invalid_accepted"]) <= {n for n, _ in INVALID}


def test_enums_and_tags():
    assert {e.value for e in v0_1.EventType} == set(REVISION.event_types)
    common = REVISION.schema_file("common.schema.json")["$defs"]
    assert [s.value for s in v0_1.SessionState] == common["SessionState"]["enum"]
    event = typed.from_dict(
        {
            "ts_ms": 1,
            "event_type": "STATE_CHANGE",
            "session_id": "s",
            "reason_code": "R",
            "details": {"from_state": "ATTACHED", "to_state": "VOLATILE"},
        }
    )
    assert isinstance(event, v0_1.StateChange)
    assert event.details.to_state is v0_1.SessionState.VOLATILE


def test_vendored_module_is_the_package_module():
    vendored = GENERATED / "python" / "vrp_event_v0_1.py"
    assert (
        vendored.read_bytes()
        == (GENERATED.parent / "src" / "vrp_contract" / "generated" / "v0_1.py").read_bytes()
    )
    spec = importlib.util.spec_from_file_location("vrp_event_v0_1_vendored", vendored)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        event = module.from_dict(VALID[0][1]["event"])
        assert module.to_dict(event) == VALID[0][1]["event"]
    finally:
        del sys.modules[spec.name]


def test_docs_example_runs(capsys):
    exec(compile(docs_example("python"), "docs/languages/python.md", "exec"), {})  # noqa: S102
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "udp-a {'rtt_ms': 18}"
    assert '"ts_ms":9223372036854775807' in out[1]
    assert out[2:] == ["schema.required /details/path_id", "skipped: /event_type"]


def test_integer_valued_number_is_an_integer():
    # JSON Schema (and `vrp-contract validate`) accept 1.0 for an integer; so does the loader.
    event = typed.from_dict({"ts_ms": 1.0, "event_type": "SESSION_CREATED", "session_id": "s"})
    assert type(event.ts_ms) is int
    assert typed.to_dict(event) == {"ts_ms": 1, "event_type": "SESSION_CREATED", "session_id": "s"}
    with pytest.raises(v0_1.DecodeError, match="expected an integer"):
        v0_1.from_dict({"ts_ms": 1.5, "event_type": "SESSION_CREATED", "session_id": "s"})


def test_an_integer_past_64_bits_stays_exact():
    # orjson reads an integer past the 64-bit range as a float: vrp_contract.stream.parse parses
    # such a line with the json module instead (docs/languages/python.md, Known gaps)
    big = 123456789012345678901234567890
    text = f'{{"ts_ms":1,"event_type":"MUTATION_TICK","session_id":"s","details":{{"big":{big}}}}}'
    assert json.loads(typed.encode(typed.decode(text)))["details"]["big"] == big
    with pytest.raises(typed.DecodeError, match=r"got an integer 18446744073709551616\.$"):
        typed.decode('{"ts_ms":18446744073709551616,"event_type":"MUTATION_TICK","session_id":"s"}')
