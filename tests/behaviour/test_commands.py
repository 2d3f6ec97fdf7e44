"""Each language's `vrp-session-check`: exit codes and one-line errors naming the file and line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scripts.codegen.behaviour.common import tables
from tests.behaviour._checkers import CHECKERS
from tests.generated._toolchain import REPO
from vrp_contract import catalog
from vrp_contract.revisions import load_revision

pytestmark = pytest.mark.toolchain

CREATED = '{"ts_ms":1,"event_type":"SESSION_CREATED","session_id":"s1"}\n'


CONTINUES_PAST_BAD_LINES = {"go", "java", "rust", "typescript"}
"""Checkers that report a line holding no usable event (not UTF-8, not JSON, not an object,
blank) as `vrp-contract validate` does, with its `input.*` finding at that line, and go on; the
others stop there with exit 2 (all four since the new-user trials of 2026-11-29)."""


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


WHOLE_NUMBER_POLICY = {"go", "java", "rust", "typescript"}
"""Checkers whose `--policy` reads a whole-number float (`1.0`) as the integer, as JSON Schema and
`vrp-contract validate --policy` do (all four since the trials of 2026-11-29)."""


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


HELD_TO_VALIDATE = {"go", "java", "rust", "typescript"}
"""Checkers held to validate on the Go/Java trial's lines and on tests/stream/cases below."""

REMEMBER_AT_LEAST_1 = {"go", "java", "rust", "typescript"}
"""Checkers that refuse `--remember-terminated 0` as validate does (all of them now)."""


def _validate(stream: Path, *args: str, messages: bool = False) -> tuple[int, list[Any]]:
    """`vrp-contract validate`'s exit status and its input and stream findings (no schema.*):
    (line, rule, pointer) each, or their messages."""
    proc = subprocess.run(  # the package's own command, on a local file
        [sys.executable, "-m", "vrp_contract", "validate", "--format", "jsonl", *args, str(stream)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    found = [json.loads(line) for line in proc.stdout.splitlines()]
    keep = [f for f in found if f["rule"] in FOLD_OR_LINE]
    if messages:
        return proc.returncode, [f["message"] for f in keep]
    return proc.returncode, [(f["line"], f["rule"], f["pointer"]) for f in keep]


FOLD_OR_LINE = frozenset(
    [r.id for r in tables(load_revision()).rules]
    + [r.id for r in catalog.rules() if r.category == "input"]
)
"""The rules a session checker command reports: the stream rules and the input rules (a line that
holds no event; a repeated key, whose line is still folded from its last occurrence, as validate
folds it)."""

BAD_LINES = [
    b'{"ts_ms":5000,"ts_ms":1,"event_type":"MUTATION_TICK","session_id":"s1"}',
    b'{"ts_ms":1001,"event_type":"MUTATION_TICK","session_id":"t1"} {"x":1}',
    b'{"ts_ms":1002,"event_type":"MUTATION_TICK","session_id":"u\\ud800"}',
    b'{"ts_ms":1003,"event_type":"MUTATION_TICK","session_id":"s1"}',
    b'{"ts_ms":1004,"event_type":"MUTATION_TICK","session_id":"v"}\x00',
    b'{"ts_ms":1,"event_type":"MUTATION_TICK","session_id":"w\xff"}',
    b"",
    b"not json",
    b"[1, 2]",
    b'{"ts_ms":-5,"event_type":"MUTATION_TICK","session_id":"s1"}',
    b'{"ts_ms":9.3e18,"event_type":"MUTATION_TICK","session_id":"s1"}',
    b'{"ts_ms":1004,"event_type":"MUTATION_TICK","session_id":"s1"}',
    b'{"ts_ms":9.21e18,"event_type":"MUTATION_TICK","session_id":"s1"}',
    b'{"ts_ms":2000.0,"event_type":"MUTATION_TICK","session_id":"s1"}',
    b'{"ts_ms":1005,"event_type":"MUTATION_TICK","session_id":"x","session_id":"s1"}',
    b'{"ts_ms":1,"event_type":"SESSION_CREATED","session_id":"f"}',
    b'{"ts_ms":9223372036854775807.0,"event_type":"MUTATION_TICK","session_id":"f"}',
    b'{"ts_ms":9223372036854775806.0,"event_type":"MUTATION_TICK","session_id":"f"}',
    b'{"ts_ms":2000.000000000000000001,"event_type":"MUTATION_TICK","session_id":"f"}',
    b'{"ts_ms":1999,"event_type":"MUTATION_TICK","session_id":"f"}',
]
"""Lines the Go/Java trial (2026-11-29) found folded, or stopped at, unlike validate."""


def test_bad_lines_are_reported_and_the_stream_goes_on_as_validate_does(
    language, command, tmp_path
):
    if language not in HELD_TO_VALIDATE:
        pytest.skip(f"{language} is not held to validate here (HELD_TO_VALIDATE)")
    stream = tmp_path / "bad-lines.jsonl"
    stream.write_bytes(CREATED.encode() + b"\n".join(BAD_LINES) + b"\n")
    status, want = _validate(stream)
    proc = _run(command, str(stream))
    found = [json.loads(line) for line in proc.stdout.splitlines()]
    assert (proc.returncode, proc.stderr) == (status, "")
    assert [(f["line"], f["rule"], f["pointer"]) for f in found] == want
    words = _validate(stream, messages=True)[1]  # validate's sentences, but Python's JSON errors
    assert [f["message"] for f in found if f["rule"] != "input.not-json"] == [
        w for w, f in zip(words, found, strict=True) if f["rule"] != "input.not-json"
    ]
    lines = {f["line"]: f for f in found}
    assert lines[9]["message"].startswith("The line is not valid JSON: ")
    assert lines[10]["message"] == "The line holds a JSON array, not an event object."
    assert lines[8]["severity"] == "warning"  # input.blank-line, as validate rates it


def test_a_blank_line_alone_is_a_warning_and_exits_0(language, command, tmp_path):
    if language not in HELD_TO_VALIDATE:
        pytest.skip(f"{language} is not held to validate here (HELD_TO_VALIDATE)")
    stream = tmp_path / "blank.jsonl"
    stream.write_text(CREATED + "\n" + CREATED.replace("s1", "s2"), "utf-8")
    proc = _run(command, str(stream))
    assert (proc.returncode, proc.stderr) == (_validate(stream)[0], "") == (0, "")
    assert '"rule":"input.blank-line"' in proc.stdout


@pytest.mark.parametrize("count", ["0", "-1"])
def test_remember_terminated_must_be_at_least_1_as_in_validate(language, command, tmp_path, count):
    if language not in REMEMBER_AT_LEAST_1:
        pytest.skip(f"{language}'s checker still accepts it")
    (tmp_path / "ok.jsonl").write_text(CREATED, "utf-8")
    assert _validate(tmp_path / "ok.jsonl", "--remember-terminated", count)[0] == 2
    proc = _run(command, "--remember-terminated", count, str(tmp_path / "ok.jsonl"))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1
    assert _run(command, "--remember-terminated", "1", str(tmp_path / "ok.jsonl")).returncode == 0
    for bad in (["--remember-terminated", "many"], ["--no-such-option"]):
        proc = _run(command, *bad, str(tmp_path / "ok.jsonl"))
        assert (proc.returncode, proc.stderr.count("\n")) == (2, 1), proc.stderr


STREAM_CASES = sorted(
    folder
    for folder in (Path(__file__).parents[1] / "stream" / "cases").iterdir()
    if not (folder / "args.json").exists()  # options of validate alone (--max-line-bytes)
)


def test_the_input_stream_cases_fold_as_validate_folds_them(language, command):
    """tests/stream/cases (input edge cases, ts_ms edge values) through the command and validate."""
    if language not in HELD_TO_VALIDATE:
        pytest.skip(f"{language} is not held to validate here (HELD_TO_VALIDATE)")
    for folder in STREAM_CASES:
        for name in ("pass.jsonl", "fail.jsonl"):
            status, want = _validate(folder / name)
            proc = _run(command, str(folder / name))
            found = [json.loads(line) for line in proc.stdout.splitlines()]
            got = [(f["line"], f["rule"], f["pointer"]) for f in found]
            assert (proc.returncode, got) == (status, want), f"{folder.name}/{name}: {proc.stderr}"


@pytest.mark.parametrize("value", ["0", "0.0", "-1"])
def test_a_policy_below_the_schema_minimum_exits_2_as_in_validate(command, tmp_path, value):
    """policy.schema.json's minimum (1): Go's checker took 0 (its check was `>= 0`)."""
    (tmp_path / "ok.jsonl").write_text(CREATED, "utf-8")
    policy = tmp_path / "policy.json"
    policy.write_text('{"max_recovery_attempts": ' + value + "}", "utf-8")
    proc = _run(command, "--policy", str(policy), str(tmp_path / "ok.jsonl"))
    assert _validate(tmp_path / "ok.jsonl", "--policy", str(policy))[0] == 2
    assert (proc.returncode, proc.stderr.count("\n")) == (2, 1), proc.stderr
    assert "policy.json" in proc.stderr
