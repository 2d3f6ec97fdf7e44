"""Data-driven stream cases, run through the CLI exactly as a user runs it.

Two kinds of folder hold `pass.jsonl`, `fail.jsonl` and `fail.expected.jsonl`:

- the revision's behaviour suite (`Revision.stream_cases()`, language-neutral: `case.json` gives
  `assume_open_sessions` and `policy`; expected findings carry line, rule, pointer, session_id);
- `tests/stream/cases/<rule>/` for input and schema edge cases of the Python validator (an optional
  `args.json` holds extra CLI arguments; `{dir}` is the folder).

The whole findings list of fail.jsonl must equal fail.expected.jsonl, in order.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests._support import run_cli
from vrp_contract import load_revision
from vrp_contract.stream import RULE_IDS

if TYPE_CHECKING:
    from importlib.abc import Traversable

CASES = Path(__file__).parent / "cases"
LOCAL = sorted(p for p in CASES.iterdir() if p.is_dir())
SUITE = load_revision().stream_cases()
ALL = [*SUITE, *LOCAL]


def _args(case: Traversable, tmp_path: Path) -> list[str]:
    spec = case / "case.json"
    if spec.is_file():
        options = json.loads(spec.read_text("utf-8"))
        args = ["--assume-open-sessions"] if options.get("assume_open_sessions") else []
        if "policy" in options:
            policy = tmp_path / "policy.json"
            policy.write_text(json.dumps(options["policy"]))
            args += ["--policy", str(policy)]
        return args
    extra = case / "args.json"
    if not extra.is_file():
        return []
    return [a.replace("{dir}", str(case)) for a in json.loads(extra.read_text("utf-8"))]


def _findings(case: Traversable, name: str, tmp_path: Path) -> tuple[int, list[dict[str, Any]]]:
    result = run_cli("validate", "--format", "jsonl", *_args(case, tmp_path), str(case / name))
    assert result.err == ""
    return result.code, [json.loads(line) for line in result.out.splitlines()]


@pytest.mark.parametrize("case", ALL, ids=lambda p: p.name)
def test_pass_stream_has_no_findings(case, tmp_path):
    code, findings = _findings(case, "pass.jsonl", tmp_path)
    assert findings == []
    assert code == 0


@pytest.mark.parametrize("case", ALL, ids=lambda p: p.name)
def test_fail_stream_has_exactly_the_expected_findings(case, tmp_path):
    code, findings = _findings(case, "fail.jsonl", tmp_path)
    text = (case / "fail.expected.jsonl").read_text("utf-8")
    expected = [json.loads(x) for x in text.splitlines()]
    keys = expected[0].keys() if expected else ()
    got = [{k: f.get(k) for k in keys} for f in findings]
    assert got == expected
    errors = [f for f in findings if f["severity"] == "error"]
    assert code == (1 if errors else 0)


def test_every_stream_invariant_has_a_suite_case():
    stream_ids = {i["id"] for i in load_revision().invariants if i["check"] == "stream"}
    assert stream_ids == set(RULE_IDS)
    assert stream_ids <= {p.name for p in SUITE}


def test_suite_cases_hold_only_schema_valid_events():
    for case in SUITE:
        for name in ("pass.jsonl", "fail.jsonl"):
            result = run_cli(
                "validate", "--format", "jsonl", "--assume-open-sessions", str(case / name)
            )
            rules = {json.loads(line)["rule"] for line in result.out.splitlines()}
            assert not {r for r in rules if r.startswith(("schema.", "input."))}, (case.name, name)


def test_every_input_rule_has_a_case():
    rules = {"input.not-json", "input.not-object", "input.not-utf8", "input.blank-line"}
    rules.add("input.duplicate-key")
    assert rules <= {p.name for p in LOCAL}
