"""Each language's `vrp-session-check`: exit codes and one-line errors naming the file and line."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from tests.behaviour._checkers import CHECKERS
from tests.generated._toolchain import REPO

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.toolchain

CREATED = '{"ts_ms":1,"event_type":"SESSION_CREATED","session_id":"s1"}\n'


CONTINUES_PAST_BAD_LINES = {"rust", "typescript"}
"""Checkers that report a line holding no usable event (not UTF-8, not JSON, not an object,
blank) as `vrp-contract validate` does, with its `input.*` finding at that line, and go on; the
others stop there with exit 2 (Rust's and TypeScript's were fixed after the new-user trial of
2026-11-29)."""


@pytest.fixture(scope="module", params=sorted(CHECKERS))
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def command(language: str, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return CHECKERS[language](tmp_path_factory.mktemp(f"{language}-build"))


def _run(command: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # the checker command on local files
        [*command, *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_no_finding_exits_0(command, tmp_path: Path):
    (tmp_path / "ok.jsonl").write_text(CREATED, "utf-8")
    proc = _run(command, str(tmp_path / "ok.jsonl"))
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_findings_exit_1(command, tmp_path: Path):
    (tmp_path / "twice.jsonl").write_text(CREATED * 2, "utf-8")
    proc = _run(command, str(tmp_path / "twice.jsonl"))
    assert proc.returncode == 1
    assert '"rule":"session.created-first"' in proc.stdout
    assert '"line":2' in proc.stdout


def test_a_line_that_is_not_json_exits_2_naming_file_and_line(command, language, tmp_path: Path):
    stream = tmp_path / "broken.jsonl"
    stream.write_text(CREATED + "{not json\n" + CREATED, "utf-8")
    proc = _run(command, str(stream))
    if language in CONTINUES_PAST_BAD_LINES:  # reported at its line, and the stream goes on
        assert (proc.returncode, proc.stderr) == (1, "")
        found = [(f["line"], f["rule"]) for f in map(json.loads, proc.stdout.splitlines())]
        assert found == [(2, "input.not-json"), (3, "session.created-first")]
        return
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1
    assert f"{stream}:2:" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_missing_file_and_a_bad_option_exit_2(command, tmp_path: Path):
    proc = _run(command, str(tmp_path / "absent.jsonl"))
    assert proc.returncode == 2
    assert "absent.jsonl" in proc.stderr
    assert _run(command, "--remember-terminated", "many", str(tmp_path)).returncode == 2


def test_a_bad_policy_file_exits_2(command, tmp_path: Path):
    (tmp_path / "ok.jsonl").write_text(CREATED, "utf-8")
    (tmp_path / "policy.json").write_text('{"max_recovery_ms": "soon"}', "utf-8")
    proc = _run(command, "--policy", str(tmp_path / "policy.json"), str(tmp_path / "ok.jsonl"))
    assert proc.returncode == 2
    assert "policy.json" in proc.stderr


def test_lines_end_at_newline_only_and_findings_before_a_bad_line_are_kept(
    command, language, tmp_path
):
    stream = tmp_path / "edge.jsonl"
    created = CREATED.rstrip("\n").encode()
    # CRLF, a blank line, a carriage return as JSON whitespace, then a line that is not UTF-8.
    stream.write_bytes(created + b"\r\n\n" + created + b" \r \n" + b'{"session_id":"\xff"}\n')
    proc = _run(command, str(stream))
    assert '"line":3' in proc.stdout  # the second creation, on line 3, was reported first
    if language in CONTINUES_PAST_BAD_LINES:
        assert proc.returncode == 1
        assert [(f["line"], f["rule"]) for f in map(json.loads, proc.stdout.splitlines())] == [
            (2, "input.blank-line"),
            (3, "session.created-first"),
            (4, "input.not-utf8"),
        ]
        return
    assert proc.returncode == 2
    assert f"{stream}:4: not UTF-8 text" in proc.stderr


def test_bad_lines_are_reported_as_validate_reports_them_and_the_check_goes_on(
    command, language, tmp_path
):
    """Every kind of line that holds no usable event, among events: the checker's input findings
    are `vrp-contract validate`'s (line, rule, pointer, severity), the session checks go on past
    them, and the exit status is validate's (1: an error finding)."""
    if language not in CONTINUES_PAST_BAD_LINES:
        pytest.skip(f"{language}'s checker still stops at the first such line (exit 2)")
    stream = tmp_path / "bad-lines.jsonl"
    lines = [
        CREATED.rstrip("\n").encode(),
        b"this line is not JSON",  # examples/demo.jsonl line 21
        b"   ",
        b"[1,2]",
        b"null",
        b"\xff\xfe",
        b'{"ts_ms":1,',
        b'{"ts_ms":1,"event_type":"MUTATION_TICK","session_id":"\\ud800"}',
        CREATED.rstrip("\n").encode(),  # the session again: session.created-first, line 9
        # repeated keys: reported, and the event is folded as validate folds it (the last value
        # wins; a repeated ts_ms leaves it without a clock, so 0 breaks no ts-monotonic here) ...
        b'{"ts_ms":5,"event_type":"MUTATION_TICK","session_id":"s1","ts_ms":0}',
        b'{"ts_ms":6,"event_type":"MUTATION_TICK","session_id":"s1","details":{"k":1,"k":2,"k":3}}',
        b'{"ts_ms":7,"event_type":"MUTATION_TICK","session_id":"s1","details":{"a":[{"x":1,"x":2}]}}',
        # ... so this one is 1 ms earlier than line 12: session.ts-monotonic
        b'{"ts_ms":6,"event_type":"MUTATION_TICK","session_id":"s1"}',
    ]
    stream.write_bytes(b"\n".join(lines) + b"\n")
    proc = _run(command, str(stream))
    validate = subprocess.run(  # the Python reference on the same file
        [sys.executable, "-m", "vrp_contract", "validate", "--format", "jsonl", str(stream)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    keys = ("line", "rule", "pointer", "severity")
    got = [tuple(f[k] for k in keys) for f in map(json.loads, proc.stdout.splitlines())]
    want = [tuple(f[k] for k in keys) for f in map(json.loads, validate.stdout.splitlines())]
    assert len(want) == 12, (
        validate.stdout
    )  # seven bad lines, three repeated keys, two stream findings
    assert got == want, proc.stdout
    # the sentences too, but for input.not-json, whose parser error differs by language
    said = [(f["line"], f["message"]) for f in map(json.loads, proc.stdout.splitlines())]
    reference = [(f["line"], f["message"]) for f in map(json.loads, validate.stdout.splitlines())]
    for (line, message), (_, expected), rule in zip(
        said, reference, (w[1] for w in want), strict=True
    ):
        if rule != "input.not-json":
            assert message == expected, line
    assert (proc.returncode, proc.stderr) == (validate.returncode, "") == (1, "")


WHOLE_NUMBER_POLICY = {"rust", "typescript"}
"""Checkers whose `--policy` reads a whole-number float (`1.0`) as the integer, as JSON Schema and
`vrp-contract validate --policy` do (Rust's since the trial of 2026-11-29); Go's and Java's still
refuse it."""


def test_a_whole_number_float_in_the_policy_is_the_integer(command, language, tmp_path):
    """The suite's policy-file case with its policy written `1.0`, `1e0`...: the same findings."""
    if language not in WHOLE_NUMBER_POLICY:
        pytest.skip(f"{language}'s --policy still refuses a whole-number float")
    case = REPO / "schema" / "supplements" / "v0.1" / "streams" / "policy-file"
    policy = json.loads((case / "case.json").read_text("utf-8"))["policy"]
    stream = str(case / "fail.jsonl")
    runs = {}
    for name, spell in (("int", str), ("float", "{}.0".format), ("exp", "{}e0".format)):
        path = tmp_path / f"{name}.json"
        members = ", ".join(f'"{k}": {spell(v)}' for k, v in policy.items())
        path.write_text("{" + members + "}")
        runs[name] = _run(command, "--policy", str(path), stream)
        validate = subprocess.run(  # the Python reference reads the same policy file the same way
            [sys.executable, "-m", "vrp_contract", "validate", "--policy", str(path), stream],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert validate.returncode == runs[name].returncode == 1, (name, runs[name].stderr)
    assert runs["int"].stdout, "the stricter policy finds something"
    assert runs["float"].stdout == runs["exp"].stdout == runs["int"].stdout
    (tmp_path / "half.json").write_text('{"max_recovery_attempts": 1.5}')
    proc = _run(command, "--policy", str(tmp_path / "half.json"), stream)
    assert proc.returncode == 2
    assert "half.json" in proc.stderr
