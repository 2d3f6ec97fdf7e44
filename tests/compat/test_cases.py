"""Data-driven rule fixtures: `cases/<rule_id>/<case>/{old,new,expect}`; a case is files only.

`old.json`/`new.json` are schema documents; `old/` and `new/` are revision folders. `expect.json`
holds the mode, the verdict, the bump and the exact list of findings (rule, severity, directions,
pointers). Case names start with `fail-` (incompatible in the mode) or `pass-` (compatible).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vrp_contract.compat import RULES, Mode, examples
from vrp_contract.compat.check import PairReport, compare_sets
from vrp_contract.compat.registry import cases_root
from vrp_contract.compat.sources import load_document, load_source

ROOT = Path(__file__).parent / "cases"
CASES = sorted(p for p in ROOT.glob("*/*") if (p / "expect.json").is_file())
FILE_CASES = [c for c in CASES if (c / "old.json").is_file()]


def _run(case: Path) -> tuple[dict[str, Any], PairReport]:
    expect = json.loads((case / "expect.json").read_text("utf-8"))
    if (case / "old.json").is_file():
        old = load_document("old", json.loads((case / "old.json").read_text("utf-8")))
        new = load_document("new", json.loads((case / "new.json").read_text("utf-8")))
    else:
        old, new = load_source(str(case / "old")), load_source(str(case / "new"))
    pair = compare_sets(
        old, new, Mode(expect["mode"]), allow_unclassified=expect.get("allow_unclassified", False)
    )
    return expect, pair


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_case(case: Path) -> None:
    expect, pair = _run(case)
    assert pair.compatible is expect["compatible"]
    assert case.name.startswith("pass-") is pair.compatible
    assert str(pair.bump) == expect["bump"]
    got = [
        {
            "rule": f.rule,
            "severity": str(f.severity),
            "directions": list(f.directions),
            "old_pointer": f.old_pointer,
            "pointer": f.pointer,
        }
        for f in pair.findings
    ]
    assert got == expect["findings"]


@pytest.mark.parametrize("case", FILE_CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_swapped_case_reverses_directions(case: Path) -> None:
    """Swapping OLD and NEW swaps which direction each change breaks (schema cases only)."""
    expect, _ = _run(case)
    old = load_document("old", json.loads((case / "new.json").read_text("utf-8")))
    new = load_document("new", json.loads((case / "old.json").read_text("utf-8")))
    swapped = compare_sets(old, new, Mode.FULL, allow_unclassified=True)
    forward = compare_sets(
        load_document("old", json.loads((case / "old.json").read_text("utf-8"))),
        load_document("new", json.loads((case / "new.json").read_text("utf-8"))),
        Mode.FULL,
        allow_unclassified=True,
    )
    flip = {"backward": "forward", "forward": "backward"}
    broke = {d for f in forward.findings for d in f.directions}
    broke_swapped = {d for f in swapped.findings for d in f.directions}
    assert {flip[d] for d in broke} == broke_swapped, expect


@pytest.mark.parametrize("rule", [r.id for r in RULES])
def test_every_rule_has_a_failing_and_a_passing_case(rule: str) -> None:
    cases = examples(rule, ROOT)
    assert any(c.name.startswith("pass-") and c.expect["compatible"] for c in cases), rule
    info = next(r for r in RULES if r.id == rule)
    if info.directions:
        assert any(c.name.startswith("fail-") and not c.expect["compatible"] for c in cases), rule
    else:  # a rule that never breaks must at least be seen firing
        assert any(any(f["rule"] == rule for f in c.expect["findings"]) for c in cases), rule


def test_examples_api_for_docs() -> None:
    assert cases_root() == ROOT
    first = examples("object.required")[0]
    assert first.name.startswith("fail-")
    assert isinstance(first.old, dict)
    assert first.expect["findings"][0]["rule"] == "object.required"
    assert examples("no.such-rule") == []
