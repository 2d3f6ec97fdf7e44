"""Data-driven stream cases: tests/stream/cases/<rule>/{pass,fail}.jsonl, fail.expected.jsonl.

Each case folder may hold args.json (extra CLI arguments; `{dir}` is the folder). The whole
findings list of fail.jsonl must equal fail.expected.jsonl (line, rule, pointer), in order.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests._support import run_cli
from vrp_contract import load_revision
from vrp_contract.stream import RULE_IDS

CASES = Path(__file__).parent / "cases"
CASE_DIRS = sorted(p for p in CASES.iterdir() if p.is_dir())


def _args(case: Path) -> list[str]:
    extra = case / "args.json"
    if not extra.exists():
        return []
    return [a.replace("{dir}", str(case)) for a in json.loads(extra.read_text())]


def _findings(case: Path, name: str) -> tuple[int, list[dict[str, object]]]:
    result = run_cli("validate", "--format", "jsonl", *_args(case), str(case / name))
    assert result.err == ""
    return result.code, [json.loads(line) for line in result.out.splitlines()]


@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda p: p.name)
def test_pass_stream_has_no_findings(case):
    code, findings = _findings(case, "pass.jsonl")
    assert findings == []
    assert code == 0


@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda p: p.name)
def test_fail_stream_has_exactly_the_expected_findings(case):
    code, findings = _findings(case, "fail.jsonl")
    expected = [json.loads(x) for x in (case / "fail.expected.jsonl").read_text().splitlines()]
    got = [{"line": f["line"], "rule": f["rule"], "pointer": f["pointer"]} for f in findings]
    assert got == expected
    errors = [f for f in findings if f["severity"] == "error"]
    assert code == (1 if errors else 0)


def test_every_stream_invariant_has_a_case():
    stream_ids = {i["id"] for i in load_revision().invariants if i["check"] == "stream"}
    assert stream_ids == set(RULE_IDS)
    assert stream_ids <= {p.name for p in CASE_DIRS}


def test_every_input_rule_has_a_case():
    rules = {"input.not-json", "input.not-object", "input.not-utf8", "input.blank-line"}
    rules.add("input.duplicate-key")
    assert rules <= {p.name for p in CASE_DIRS}
