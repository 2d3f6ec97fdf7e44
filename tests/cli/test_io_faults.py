"""No input or output fault ends in a traceback or loses the verdict: real processes, real faults.

Closed standard streams, a full disk (/dev/full), a read error (EIO from a terminal whose master
side is gone) and a reader that leaves early (`| head`) each give one line on stderr and exit 2,
or exit 1 when errors were already found; never a traceback, never exit 0 over errors.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

import pytest

from tests._support import ROOT

if TYPE_CHECKING:
    from pathlib import Path

DEMO = str(ROOT / "examples" / "demo.jsonl")
CLI = [sys.executable, "-m", "vrp_contract", "validate"]
TIMEOUT = 120


def _bash(script: str, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        ["bash", "-c", script], capture_output=True, timeout=TIMEOUT, check=False, **kwargs
    )


def _cli() -> str:
    return " ".join(CLI)


def _one_error_line(stderr: bytes, needle: str) -> None:
    """One error line, whatever notes came before (stdin is a terminal, the input is not JSON)."""
    text = stderr.decode()
    assert "Traceback" not in text
    lines = [x for x in text.splitlines() if not x.startswith("vrp-contract validate: note: ")]
    assert len(lines) == 1, text
    assert lines[0].startswith("vrp-contract: error: ")
    assert needle in lines[0]


def test_closed_stdout_is_one_line_and_exit_2():
    result = _bash(f"{_cli()} {DEMO} >&-")
    assert result.returncode == 2
    _one_error_line(result.stderr, "cannot write the output")


def test_full_disk_is_one_line_and_exit_2():
    result = _bash(f"{_cli()} {DEMO} > /dev/full")
    assert result.returncode == 2
    _one_error_line(result.stderr, "No space left on device")


def test_closed_stdin_is_one_line_and_exit_2():
    result = _bash(f"{_cli()} <&-")
    assert result.returncode == 2
    _one_error_line(result.stderr, "standard input is closed")


def test_closed_stdin_does_not_matter_when_files_are_named():
    result = _bash(f"{_cli()} -q {DEMO} <&-")
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr


@pytest.mark.parametrize(("args", "code"), [("--no-such-option", 2), (DEMO, 1), ("/no/file", 2)])
def test_closed_stderr_keeps_the_exit_code(args: str, code: int):
    result = _bash(f"{_cli()} {args} 2>&-")
    assert result.returncode == code


def test_read_error_is_one_line_and_exit_2():
    # the master side of a terminal whose slave side is closed: reading it fails with EIO once
    # what the slave wrote is read
    master, slave = pty.openpty()
    event = {"ts_ms": 1, "event_type": "SESSION_CREATED", "session_id": "s"}
    os.write(slave, json.dumps(event).encode() + b"\n{broken\n")
    os.close(slave)
    try:
        result = subprocess.run(
            [*CLI, "-f", "jsonl"], stdin=master, capture_output=True, timeout=TIMEOUT, check=False
        )
    finally:
        os.close(master)
    assert result.returncode == 2
    # stdin is a terminal here, so the validator first says it reads one (a note, not an error)
    assert result.stderr.startswith(b"vrp-contract validate: note: reading JSON Lines from")
    _one_error_line(result.stderr, "cannot read past line 2: [Errno 5] Input/output error")
    # nothing read before the fault is lost: the broken line's finding is there
    assert [json.loads(line)["rule"] for line in result.stdout.splitlines()] == ["input.not-json"]


def _broken_stream(path: Path, lines: int) -> None:
    event = {"ts_ms": "x", "event_type": "SESSION_CREATED", "session_id": "s"}
    path.write_text(
        "".join(json.dumps({**event, "session_id": f"s{i}"}) + "\n" for i in range(lines))
    )


@pytest.mark.parametrize("fmt", ["text", "jsonl"])
@pytest.mark.parametrize("lines", [3, 50_000])
def test_head_does_not_turn_errors_into_success(tmp_path: Path, fmt: str, lines: int):
    events = tmp_path / "broken.jsonl"
    _broken_stream(events, lines)
    result = _bash(f"set -o pipefail; {_cli()} -j 1 -f {fmt} {events} | head -n 1")
    assert result.returncode == 1  # the validator's exit code, through pipefail
    assert len(result.stdout.splitlines()) == 1
    assert result.stderr == b""  # the findings decide: no complaint about the closed pipe


def test_head_before_any_error_is_exit_2(tmp_path: Path):
    # warnings only (blank lines): the reader leaves before the check is done, so no verdict
    events = tmp_path / "blank.jsonl"
    events.write_text("\n" * 200_000)
    result = _bash(f"set -o pipefail; {_cli()} -j 1 {events} | head -n 1")
    assert result.returncode == 2
    _one_error_line(result.stderr, "the output was closed before the check finished")


@pytest.mark.parametrize(
    "command",
    [
        "schema",
        "schema --list",
        "compat schema/v0.1/event.schema.json schema/v0.1/event.schema.json",
        "vendor --revision 0.1 {tmp}/vendored",
    ],
)
def test_every_command_reports_a_full_disk_in_one_line(command: str, tmp_path: Path):
    cli = f"{sys.executable} -m vrp_contract {command.format(tmp=tmp_path)}"
    result = _bash(f"{cli} > /dev/full", cwd=ROOT)
    assert result.returncode == 2, result.stderr
    _one_error_line(result.stderr, "No space left on device")


def test_ctrl_c_while_the_command_line_is_imported_is_one_line():
    """A Ctrl-C that lands inside an import of the start-up: one line and 130, no traceback."""
    program = textwrap.dedent(
        """
        import os, signal, sys, time

        class Interrupt:  # Ctrl-C arrives while vrp_contract.cli is being imported
            def find_spec(self, name, path=None, target=None):
                if name == "vrp_contract.cli":
                    os.kill(os.getpid(), signal.SIGINT)
                    time.sleep(1)
                return None

        sys.meta_path.insert(0, Interrupt())
        sys.argv = ["vrp-contract", "validate", sys.argv[1]]
        from vrp_contract._entry import main
        sys.exit(main())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", program, DEMO], capture_output=True, timeout=TIMEOUT, check=False
    )
    assert result.returncode == 130, result.stderr.decode()
    assert result.stderr.decode() == "vrp-contract: interrupted\n"
