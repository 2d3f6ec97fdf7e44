"""The validate command's formats, exit codes, quiet/verbose and progress."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import jsonschema
import pytest

from tests._support import ROOT, run_cli
from vrp_contract import finding_schema, load_revision
from vrp_contract.reporters import formats_for

if TYPE_CHECKING:
    from pathlib import Path

DEMO = str(ROOT / "examples" / "demo.jsonl")


def test_demo_has_findings_and_exit_1():
    result = run_cli("validate", DEMO)
    assert result.code == 1
    assert "transport.single-active" in result.out
    assert result.out.splitlines()[-11].startswith("FAILED: 22 lines (14 valid, 8 invalid)")


def test_jsonl_findings_match_the_published_schema():
    result = run_cli("validate", "--format", "jsonl", DEMO)
    validator = jsonschema.Draft202012Validator(finding_schema())
    lines = result.out.splitlines()
    assert len(lines) == 9
    for line in lines:
        finding = json.loads(line)
        validator.validate(finding)
        assert {"line", "session_id", "rule", "severity", "message"} <= set(finding) or (
            finding["rule"].startswith("input.")
        )


def test_events_format_emits_contract_conformant_audit_events():
    result = run_cli("validate", "--format", "events", DEMO)
    rev = load_revision()
    union = jsonschema.Draft202012Validator(rev.event_schema, registry=rev.registry)
    events = [json.loads(line) for line in result.out.splitlines()]
    assert len(events) == 9
    for event in events:
        union.validate(event)
        assert event["event_type"] == "AUDIT_EVENT"
    invariants = {e["details"]["invariant"] for e in events}
    assert "transport.single-active" in invariants
    assert "event.conforms" in invariants  # schema and input findings
    # the events are themselves a stream: validating them again finds only their own sessions
    again = run_cli("validate", "--assume-open-sessions", stdin=result.out.encode())
    assert "schema." not in again.out


def test_ok_stream_exit_0_and_quiet_prints_nothing(tmp_path: Path):
    path = tmp_path / "ok.jsonl"
    path.write_text('{"ts_ms":1,"event_type":"SESSION_CREATED","session_id":"s"}\n')
    assert run_cli("validate", str(path)).code == 0
    quiet = run_cli("validate", "-q", str(path))
    assert quiet.code == 0
    assert quiet.out == ""


def test_quiet_hides_warnings_but_keeps_errors():
    data = b"\n" + b"nope\n"
    result = run_cli("validate", "-q", "--format", "jsonl", stdin=data)
    rules = [json.loads(x)["rule"] for x in result.out.splitlines()]
    assert rules == ["input.not-json"]


def test_verbose_prints_context():
    result = run_cli("validate", "-v", DEMO)
    assert '    event_type: "PATH_SELECTED"\n' in result.out  # JSON, not Python's repr


def test_progress_draws_on_a_terminal_only():
    data = b'{"ts_ms":1,"event_type":"SESSION_CREATED","session_id":"s"}\n' * 10
    assert run_cli("validate", stdin=data, tty=False).err == ""
    drawn = run_cli("validate", "--progress", "always", stdin=data)
    assert "10 lines" in drawn.err
    assert run_cli("validate", stdin=data, tty=True).err != ""


@pytest.mark.parametrize("fmt", formats_for("validate"))
def test_every_format_runs(fmt):
    assert run_cli("validate", "--format", fmt, DEMO).code == 1


def test_schema_command_prints_the_bundle():
    result = run_cli("schema")
    assert result.code == 0
    assert json.loads(result.out) == load_revision().bundle()
    listing = run_cli("schema", "--list")
    assert listing.out.startswith("0.1\tv0.1-preview\treleased")
    sm = json.loads(run_cli("schema", "--file", "state-machine.json").out)
    assert sm["initial"] == "BIRTH"
    missing = run_cli("schema", "--file", "nope.json")
    assert missing.code == 2


@pytest.mark.parametrize("rel", ["../../README.md", "/etc/passwd", "x/../../pyproject.json"])
def test_schema_file_stays_inside_the_revision(rel: str):
    result = run_cli("schema", "--file", rel)
    assert result.code == 2
    assert result.out == ""
    assert result.err.count("\n") == 1
    assert "inside the revision" in result.err


def test_help_and_version():
    assert run_cli("--help").code == 0
    assert run_cli("validate", "--help").code == 0
    version = run_cli("--version")
    assert version.code == 0
    assert re.fullmatch(r"vrp-contract \S+ \(native engine \d+\.\d+\.\d+\)\n", version.out)


def test_progress_counts_every_line_when_decoding_ahead(tmp_path):
    """The default on a big file decodes ahead on a thread; the status line still counts all."""
    line = b'{"ts_ms":1,"event_type":"MUTATION_TICK","session_id":"s","details":{"tick":1}}\n'
    path = tmp_path / "big.jsonl"
    path.write_bytes(line * 150_000)  # 12 MB: three chunks
    drawn = run_cli("validate", "--progress", "always", "-q", "--assume-open-sessions", str(path))
    assert drawn.code == 0
    last = drawn.err.replace("\r", "\n").split("\n")
    assert any(x.startswith(f"{path}: 150,000 lines") and x.endswith("100.0%") for x in last)
