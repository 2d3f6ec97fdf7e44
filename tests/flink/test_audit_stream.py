"""The audit stream is itself contract-valid: the input with its AUDIT_EVENTs merged back in
re-validates with exactly the original findings and no new ones (`--format events` here; the
Flink job's audit stream is the same function's output, checked in test_engine.py)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tests._support import run_cli
from tests.flink import streams

if TYPE_CHECKING:
    from pathlib import Path


def merge_back(
    lines: list[bytes], audits: list[dict[str, Any]], source: str
) -> tuple[bytes, dict[int, int]]:
    """Each AUDIT_EVENT right after the line it reports (its time is that line's `ts_ms`).

    Returns the merged stream and where each input line went (old number -> new number)."""
    after: dict[int, list[bytes]] = {}
    for event in audits:
        assert event["details"]["source"] == source
        after.setdefault(event["details"]["line"], []).append(json.dumps(event).encode())
    merged: list[bytes] = []
    moved = {}
    for number, raw in enumerate(lines, 1):
        merged.append(raw)
        moved[number] = len(merged)
        merged.extend(after.get(number, []))
    return b"\n".join(merged) + b"\n", moved


def _findings(path: Path) -> set[tuple[Any, str, int]]:
    return {(sid, rule, place[1]) for sid, rule, place in streams.validate_triples(path)}


def test_the_input_with_its_audit_events_merged_back_has_exactly_its_findings(tmp_path):
    source = tmp_path / "input.jsonl"
    source.write_bytes(
        streams.write_cases(tmp_path / "c.jsonl").read_bytes()
        + streams.write_generated(tmp_path / "g.jsonl", events=3000).read_bytes()
    )
    first = run_cli("validate", "--format", "events", str(source))
    assert first.code == 1
    audits = [json.loads(line) for line in first.out.splitlines()]
    assert all(event["event_type"] == "AUDIT_EVENT" for event in audits)
    lines = source.read_bytes().split(b"\n")[:-1]
    merged, moved = merge_back(lines, audits, str(source))
    again = tmp_path / "merged.jsonl"
    again.write_bytes(merged)
    expected = {(sid, rule, moved[line]) for sid, rule, line in _findings(source)}
    found = {(sid, rule, line) for sid, rule, line in _findings(again)}
    assert sorted(found - expected, key=str) == []
    assert sorted(expected - found, key=str) == []


def test_audit_events_alone_are_a_clean_stream(tmp_path):
    source = streams.write_cases(tmp_path / "c.jsonl")
    audits = run_cli("validate", "--format", "events", str(source)).out
    again = run_cli("validate", "--format", "jsonl", stdin=audits.encode())
    assert again.code == 0, again.out[:2000]
