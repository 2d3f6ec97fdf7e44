"""The Python API: iterate findings over lines, bounded session memory, real process."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

from tests._support import ROOT, run_cli
from vrp_contract.stream import StreamValidator, validate_event

if TYPE_CHECKING:
    from pathlib import Path


def _event(ts: int, event_type: str, sid: str, **extra: object) -> str:
    return json.dumps({"ts_ms": ts, "event_type": event_type, "session_id": sid, **extra})


def test_iter_findings_over_str_lines():
    validator = StreamValidator()
    lines = [_event(1, "SESSION_CREATED", "a"), _event(0, "MUTATION_TICK", "a")]
    findings = list(validator.iter_findings(lines, "memory"))
    assert [(f.rule, f.line, f.source, f.session_id) for f in findings] == [
        ("session.ts-monotonic", 2, "memory", "a")
    ]
    assert validator.summary.lines == 2
    assert validator.summary.as_dict()["by_rule"] == {"session.ts-monotonic": 1}


def test_validate_event_on_non_objects():
    assert [f.rule for f in validate_event([1, 2])] == ["input.not-object"]


def test_memory_is_bounded_by_open_sessions():
    validator = StreamValidator(remember_terminated=100)
    close = {"from_state": "BIRTH", "to_state": "TERMINATED"}
    lines = []
    for i in range(5000):
        sid = f"s{i}"
        lines.append(_event(i, "SESSION_CREATED", sid))
        lines.append(_event(i, "STATE_CHANGE", sid, reason_code="BYE", details=close))
    assert list(validator.iter_findings(lines)) == []
    tracker = validator.tracker
    assert tracker.open_sessions == 0
    assert len(tracker.terminated) == 100
    assert validator.summary.sessions == 5000


def test_forgotten_terminated_sessions_are_still_reported():
    validator = StreamValidator(remember_terminated=1)
    close = {"from_state": "BIRTH", "to_state": "TERMINATED"}
    lines = [
        _event(1, "SESSION_CREATED", "a"),
        _event(2, "STATE_CHANGE", "a", reason_code="BYE", details=close),
        _event(3, "SESSION_CREATED", "b"),
        _event(4, "STATE_CHANGE", "b", reason_code="BYE", details=close),
        _event(5, "MUTATION_TICK", "a"),  # "a" was forgotten: reported as never created
        _event(6, "MUTATION_TICK", "b"),
    ]
    rules = [f.rule for f in validator.iter_findings(lines)]
    assert rules == ["session.created-first", "session.terminated-final"]


def test_real_process_and_broken_pipe():
    cmd = [sys.executable, "-m", "vrp_contract", "validate", str(ROOT / "examples/demo.jsonl")]
    done = subprocess.run(cmd, capture_output=True, check=False)
    assert done.returncode == 1
    assert done.stderr == b""
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        proc.stdout.readline()
        proc.stdout.close()  # the reader goes away, like `| head -1`
        _, err = proc.communicate()
    assert b"Traceback" not in err


def test_the_summary_says_when_forgotten_ids_may_explain_created_first(tmp_path: Path) -> None:
    close = '"reason_code":"CLIENT_CLOSE","details":{"from_state":"BIRTH","to_state":"TERMINATED"}'
    lines = []
    for n in range(3):
        lines.append(f'{{"ts_ms":{n * 10},"event_type":"SESSION_CREATED","session_id":"s{n}"}}')
        lines.append(
            f'{{"ts_ms":{n * 10 + 1},"event_type":"STATE_CHANGE","session_id":"s{n}",{close}}}'
        )
    lines.append('{"ts_ms":100,"event_type":"MUTATION_TICK","session_id":"s0"}')
    path = tmp_path / "forgot.jsonl"
    path.write_text("\n".join(lines) + "\n")
    forgot = run_cli("validate", "--remember-terminated", "1", str(path))
    assert "session.created-first" in forgot.out
    note = "Note: 2 terminated session ids forgotten past the last 1 (--remember-terminated)"
    assert note in forgot.out + forgot.err
    remembered = run_cli("validate", str(path))
    assert "session.terminated-final" in remembered.out
    assert "forgotten" not in remembered.out + remembered.err
