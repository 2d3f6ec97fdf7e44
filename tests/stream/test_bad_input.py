"""Bad input never stops the stream, never loses a line, and never ends in a traceback."""

from __future__ import annotations

import gzip
import json
import os
import threading
from typing import TYPE_CHECKING

import pytest

from tests._support import ROOT, run_cli
from vrp_contract.stream.parse import big_int_digits

if TYPE_CHECKING:
    from pathlib import Path

CREATED = b'{"ts_ms":1700000000000,"event_type":"SESSION_CREATED","session_id":"s1"}'
TICK = b'{"ts_ms":1700000000001,"event_type":"MUTATION_TICK","session_id":"s1"}'


def _jsonl(data: bytes, *args: str):
    result = run_cli("validate", "--format", "jsonl", *args, stdin=data)
    return result, [json.loads(line) for line in result.out.splitlines()]


def _summary(data: bytes) -> str:
    return run_cli("validate", stdin=data).out.splitlines()[-1]


def test_empty_input_is_ok():
    result = run_cli("validate", stdin=b"")
    assert result.code == 0
    assert "0 lines (0 valid, 0 invalid)" in result.out


def test_lines_always_add_up():
    data = b"\n".join([CREATED, b"", b"nope", b"[]", TICK, b"\xff\xfe", b"{}"]) + b"\n"
    result = run_cli("validate", stdin=data)
    assert "7 lines (2 valid, 5 invalid)" in result.out
    assert result.code == 1


def test_crlf_and_missing_final_newline():
    result, findings = _jsonl(CREATED + b"\r\n" + TICK)
    assert findings == []
    assert result.code == 0


def test_ten_megabyte_lines(tmp_path: Path):
    big_valid = (
        b'{"ts_ms":1700000000001,"event_type":"MUTATION_TICK","session_id":"s1",'
        b'"details":{"blob":"' + b"x" * 10_000_000 + b'"}}'
    )
    big_garbage = b"{" + b"y" * 10_000_000
    path = tmp_path / "big.jsonl"
    path.write_bytes(b"\n".join([CREATED, big_valid, big_garbage, TICK]) + b"\n")
    result = run_cli("validate", "--format", "jsonl", str(path))
    findings = [json.loads(line) for line in result.out.splitlines()]
    assert [(f["line"], f["rule"]) for f in findings] == [(3, "input.not-json")]
    assert len(findings[0]["message"]) < 300, "the message must not echo the whole line"


@pytest.mark.parametrize("depth", [500, 5000, 200_000])
def test_deeply_nested_details(depth: int):
    nested = b'{"a":' * depth + b"1" + b"}" * depth
    line = b'{"ts_ms":1700000000001,"event_type":"MUTATION_TICK","session_id":"s1","details":'
    result, findings = _jsonl(CREATED + b"\n" + line + nested + b"}\n" + TICK + b"\n")
    if depth <= 500:
        assert findings == []
    else:
        assert [(f["line"], f["rule"]) for f in findings] == [(2, "input.not-json")]
        assert "deep" in findings[0]["message"]
    assert result.code in {0, 1}


def test_duplicate_keys_are_found_with_their_pointer():
    line = b'{"ts_ms":1,"event_type":"MUTATION_TICK","session_id":"s1","session_id":"s2"}'
    _, findings = _jsonl(line + b"\n", "--assume-open-sessions")
    assert [(f["rule"], f["pointer"]) for f in findings] == [("input.duplicate-key", "/session_id")]


def test_colons_inside_strings_are_not_duplicates():
    line = (
        b'{"ts_ms":1700000000001,"event_type":"MUTATION_TICK","session_id":"a:b:c",'
        b'"details":{"u":"x:y"}}'
    )
    _, findings = _jsonl(line + b"\n", "--assume-open-sessions")
    assert findings == []


def test_big_integers_are_parsed_not_rejected_as_json():
    line = (
        b'{"ts_ms":123456789012345678901234567890,"event_type":"MUTATION_TICK","session_id":"s1"}'
    )
    _, findings = _jsonl(line + b"\n", "--assume-open-sessions")
    assert [(f["rule"], f["pointer"]) for f in findings] == [("schema.maximum", "/ts_ms")]


def test_nan_is_not_json():
    line = b'{"ts_ms":NaN,"event_type":"MUTATION_TICK","session_id":"s1"}'
    _, findings = _jsonl(line + b"\n")
    assert [f["rule"] for f in findings] == ["input.not-json"]


def test_gzip_input_by_content(tmp_path: Path):
    path = tmp_path / "events.log"  # no .gz suffix: detected by magic bytes
    path.write_bytes(gzip.compress(CREATED + b"\n" + TICK + b"\nbad\n"))
    result = run_cli("validate", "--format", "jsonl", str(path))
    assert [json.loads(x)["line"] for x in result.out.splitlines()] == [3]
    assert result.code == 1


def test_gzip_on_stdin():
    result = run_cli("validate", "-", stdin=gzip.compress(CREATED + b"\n" + TICK + b"\n"))
    assert result.code == 0, result.err


def test_truncated_gzip_is_an_input_error(tmp_path: Path):
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(gzip.compress((CREATED + b"\n") * 1000)[:200])
    result = run_cli("validate", str(path))
    assert result.code == 2
    assert result.err.startswith("vrp-contract: error: ")
    assert str(path) in result.err
    assert "Traceback" not in result.err + result.out


def test_truncated_gzip_loses_no_readable_line(tmp_path: Path):
    ticks = b"".join(
        b'{"ts_ms":%d,"event_type":"MUTATION_TICK","session_id":"s%d"}\n' % (i, i % 7)
        for i in range(200_000)
    )
    data = gzip.compress(ticks)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) * 3 // 4])
    args = ("validate", "--format", "jsonl", "--assume-open-sessions")
    from_file = run_cli(*args, str(path))
    from_stdin = run_cli(*args, stdin=path.read_bytes())
    assert from_file.code == from_stdin.code == 2
    read = int(from_stdin.err.split("cannot read past line ")[1].split(":")[0])
    assert read > 100_000  # far beyond the first 4 MiB block
    assert from_file.err == from_stdin.err.replace("-:", f"{path}:")


def test_named_pipes_and_dev_stdin_are_streams(tmp_path: Path):
    fifo = tmp_path / "events.fifo"
    os.mkfifo(fifo)
    data = (ROOT / "examples" / "demo.jsonl").read_bytes()
    writer = threading.Thread(target=fifo.write_bytes, args=(data,))
    writer.start()
    through_fifo = run_cli("validate", "-j", "2", str(fifo))
    writer.join()
    from_file = run_cli("validate", str(ROOT / "examples" / "demo.jsonl"))
    assert through_fifo.code == from_file.code == 1
    assert through_fifo.out.splitlines()[-1] == from_file.out.splitlines()[-1]


def test_sessions_carry_over_between_files(tmp_path: Path):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_bytes(CREATED + b"\n")
    second.write_bytes(TICK + b"\n" + CREATED + b"\n")
    result = run_cli("validate", "--format", "jsonl", str(first), str(second))
    findings = [json.loads(x) for x in result.out.splitlines()]
    assert [(f["source"], f["line"], f["rule"]) for f in findings] == [
        (str(second), 2, "session.created-first"),
        (str(second), 2, "session.ts-monotonic"),
    ]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["validate", "/no/such/file.jsonl"], "/no/such/file.jsonl: does not exist"),
        (["validate", str(ROOT / "tests")], "tests: is a directory"),
        (["validate", "--revision", "9.9"], "unknown revision '9.9'"),
        (["validate", "--remember-terminated", "0"], "expected at least 1"),
        (["validate", "--remember-terminated", str(2**32)], "expected at most 4294967295"),
        (["validate", "--remember-terminated", str(2**64)], "expected at most 4294967295"),
        (["validate", "--max-line-bytes", "-1"], "expected at least 0"),
        (["validate", "--max-line-bytes", "1e3"], "expected a whole number"),
        (["validate", "--format", "xml"], "invalid choice: 'xml'"),
        (["nonsense"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args, needle):
    result = run_cli(*args)
    assert result.code == 2
    assert needle in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{not json", "not valid JSON"),
        ('{"max_recovery_ms": -5}', "field max_recovery_ms"),
        (
            '{"max_recovery_attempts": 2, "max_recovery_msx": 5}',
            "unknown key 'max_recovery_msx'; a policy file holds max_recovery_attempts, max_recov",
        ),
        ('{"max_recovery_ms": 10, "max_recovery_ms": 20}', "'max_recovery_ms' appears twice"),
        (None, "cannot read"),
    ],
)
def test_bad_policy_files(tmp_path: Path, content, needle):
    path = tmp_path / "policy.json"
    if content is not None:
        path.write_text(content)
    result = run_cli("validate", "--policy", str(path), stdin=CREATED)
    assert result.code == 2
    assert str(path) in result.err
    assert needle in result.err


@pytest.mark.parametrize("digits", [30, 400, 5000, 100_000])
def test_integers_beyond_64_bits_at_any_size(digits: int):
    # a number is a number at any size: reported by the schema, never as bad JSON, never a crash
    huge = b"9" * digits
    lines = [
        CREATED,
        b'{"ts_ms":' + huge + b',"event_type":"MUTATION_TICK","session_id":"s1"}',
        b'{"ts_ms":1700000000002,"event_type":"MUTATION_TICK","session_id":"s1","details":{"n":'
        + huge
        + b"}}",
        b'{"ts_ms":-' + huge + b',"event_type":"MUTATION_TICK","session_id":"s1"}',
        TICK,
    ]
    for fmt in ("jsonl", "events", "text", "sarif", "github"):
        result = run_cli("validate", "--format", fmt, stdin=b"\n".join(lines) + b"\n")
        assert result.code == 1, (fmt, result.err)
        assert result.err == ""
    result = run_cli("validate", "--format", "jsonl", stdin=b"\n".join(lines) + b"\n")
    with big_int_digits():
        findings = [json.loads(line) for line in result.out.splitlines()]
    assert [(f["line"], f["rule"], f["pointer"]) for f in findings] == [
        (2, "schema.maximum", "/ts_ms"),
        (4, "schema.minimum", "/ts_ms"),
        (5, "session.ts-monotonic", "/ts_ms"),
    ]


def test_jsonl_keeps_integers_beyond_64_bits_exact():
    huge = 10**400 + 1
    line = b'{"ts_ms":%d,"event_type":"MUTATION_TICK","session_id":"s1"}' % huge
    result = run_cli("validate", "--format", "jsonl", "--assume-open-sessions", stdin=line)
    finding = json.loads(result.out)
    assert finding["context"]["ts_ms"] == huge  # not rounded, not dropped


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        (b" \t" + CREATED + b" \t\r", None),  # RFC 8259 whitespace around a value
        (b"\x0c" + CREATED, "input.not-json"),  # form feed is not JSON whitespace
        (CREATED + b"\x0b", "input.not-json"),  # nor is vertical tab
        (b"\xc2\xa0" + CREATED, "input.not-json"),  # nor a no-break space
        (b"\x0c", "input.not-json"),  # so this line is not blank
        (b" \t\r", "input.blank-line"),  # but this one is
    ],
)
def test_rfc_8259_whitespace(line: bytes, rule: str | None):
    _, findings = _jsonl(line + b"\n")
    assert [f["rule"] for f in findings] == ([rule] if rule else [])


@pytest.mark.parametrize(
    ("number", "rule"),
    [
        (b"1700000000000", None),
        (b"17e11", None),  # a whole number in exponent form is an integer to JSON Schema
        (b"1.7E12", None),
        (b"1700000000000.0", None),
        (b"-0", None),
        (b"1e400", "schema.type"),  # beyond double range: not an integer any tool can hold
        (b"01", "input.not-json"),
        (b"+1", "input.not-json"),
        (b".5", "input.not-json"),
        (b"1.", "input.not-json"),
        (b"0x10", "input.not-json"),
        (b"Infinity", "input.not-json"),
        (b"-NaN", "input.not-json"),
    ],
)
def test_rfc_8259_numbers(number: bytes, rule: str | None):
    line = b'{"ts_ms":' + number + b',"event_type":"SESSION_CREATED","session_id":"s1"}'
    _, findings = _jsonl(line + b"\n")
    assert [f["rule"] for f in findings] == ([rule] if rule else [])


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_keys_cannot_start_an_output_line(fmt: str):
    # a key holding a newline must not start a line of its own: `::warning::` is a command
    # to GitHub Actions, and a line of text output is one finding
    evil = '{"ts_ms":1,"event_type":"SESSION_CREATED","session_id":"s\\n::error::x",'
    evil += '"x\\n::warning::pwned":1,"details":{"\\r::notice::y":2}}'
    result = run_cli("validate", "--format", fmt, "--verbose", stdin=evil.encode() + b"\n")
    assert result.code == 1
    lines = result.out.splitlines()
    assert not [line for line in lines if line.startswith(("::warning", "::notice"))]
    assert sum("pwned" in line for line in lines) == 1  # one finding, one line


def test_an_empty_session_id_is_shown_as_empty_quotes():
    line = b'{"ts_ms":1,"event_type":"SESSION_CREATED","session_id":""}\n'
    result = run_cli("validate", stdin=line)
    assert '[session "", at /session_id]' in result.out
