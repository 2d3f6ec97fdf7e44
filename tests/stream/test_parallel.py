"""`--jobs N` gives exactly the findings, in exactly the order, of `--jobs 1`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tests._support import ROOT, run_cli
from tests.stream.fuzz import lines as fuzz_lines
from vrp_contract.stream.parallel import owner

if TYPE_CHECKING:
    from pathlib import Path


def _write(path: Path, lines: list[bytes]) -> str:
    path.write_bytes(b"".join(lines))
    return str(path)


@pytest.mark.parametrize("jobs", [2, 3])
def test_jobs_match_one_process(tmp_path: Path, jobs: int):
    first = _write(tmp_path / "a.jsonl", fuzz_lines(6000, seed=1))
    second = _write(tmp_path / "b.jsonl", fuzz_lines(6000, seed=2))
    demo = str(ROOT / "examples" / "demo.jsonl")
    args = ["validate", "--format", "jsonl", first, demo, second]
    one = run_cli(*args)
    many = run_cli(*args, "--jobs", str(jobs))
    assert many.code == one.code == 1
    assert many.out == one.out
    assert many.out.count("\n") > 1000
    summary_one = run_cli("validate", first, demo, second).out.splitlines()[-12:]
    summary_many = run_cli("validate", "-j", str(jobs), first, demo, second).out.splitlines()[-12:]
    assert summary_one == summary_many


def test_jobs_report_input_errors(tmp_path: Path):
    missing = run_cli("validate", "-j", "2", str(tmp_path / "nope.jsonl"))
    assert missing.code == 2
    assert "does not exist" in missing.err


@pytest.mark.parametrize(
    "raw",
    [
        b'{"session_id":"abc","ts_ms":1}',
        b'{"session_id" : "abc" ,"ts_ms":1}',
        b'{"ts_ms":1,"session_id":"a\\u0062c"}',  # escaped: parsed, same owner
        b'{"details":{"session_id":"x"},"session_id":"abc"}',  # two keys: parsed
    ],
)
def test_owner_agrees_with_the_parsed_session_id(raw: bytes):
    for jobs in (2, 3, 7):
        expected = owner(b'{"session_id":"abc"}', jobs)
        assert owner(raw, jobs) == expected


def test_lines_without_a_session_go_to_worker_zero():
    for raw in (b"garbage", b"[]", b'{"session_id": 5}', b""):
        assert owner(raw, 4) == 0


def test_stdin_uses_one_process():
    data = (ROOT / "examples" / "demo.jsonl").read_bytes()
    result = run_cli("validate", "-j", "2", "--format", "jsonl", stdin=data)
    assert result.code == 1
    assert len([json.loads(x) for x in result.out.splitlines()]) == 9
