"""Each language's `vrp-session-check`: exit codes and one-line errors naming the file and line."""

from __future__ import annotations

import json
import subprocess
from typing import TYPE_CHECKING

import pytest

from tests.behaviour._checkers import CHECKERS

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.toolchain

CREATED = '{"ts_ms":1,"event_type":"SESSION_CREATED","session_id":"s1"}\n'
REPORTS_BAD_LINES = {"typescript"}
"""Checkers that report a line that is no usable event (its input.* rule) and go on, as
`vrp-contract validate`; the others stop there with exit 2."""


def _language(request: pytest.FixtureRequest) -> str:
    return str(request.node.callspec.params["command"])


@pytest.fixture(scope="module", params=sorted(CHECKERS))
def command(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return CHECKERS[request.param](tmp_path_factory.mktemp(f"{request.param}-build"))


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


def test_a_line_that_is_not_json_exits_2_naming_file_and_line(command, tmp_path: Path, request):
    stream = tmp_path / "broken.jsonl"
    stream.write_text(CREATED + "{not json\n" + CREATED, "utf-8")
    proc = _run(command, str(stream))
    if _language(request) in REPORTS_BAD_LINES:  # reported at its line, and the stream goes on
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
    command, tmp_path, request
):
    stream = tmp_path / "edge.jsonl"
    created = CREATED.rstrip("\n").encode()
    # CRLF, a blank line, a carriage return as JSON whitespace, then a line that is not UTF-8.
    stream.write_bytes(created + b"\r\n\n" + created + b" \r \n" + b'{"session_id":"\xff"}\n')
    proc = _run(command, str(stream))
    if _language(request) in REPORTS_BAD_LINES:
        found = [
            (f["line"], f["rule"], f["severity"]) for f in map(json.loads, proc.stdout.splitlines())
        ]
        assert found == [
            (2, "input.blank-line", "warning"),
            (3, "session.created-first", "error"),
            (4, "input.not-utf8", "error"),
        ]
        assert (proc.returncode, proc.stderr) == (1, "")
        return
    assert proc.returncode == 2
    assert f"{stream}:4: not UTF-8 text" in proc.stderr
    assert '"line":3' in proc.stdout  # the second creation, on line 3, was reported first
