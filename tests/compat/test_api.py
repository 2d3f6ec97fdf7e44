"""The library API behind the CLI: compare, check_all, the rule table, messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.compat._revisions import REAL
from vrp_contract.compat import RULES, Bump, InputError, Mode, check_all, compare, get_rule
from vrp_contract.compat.locate import pointer_lines

CASES = Path(__file__).parent / "cases"


def test_compare_returns_a_report_with_pairs_and_findings():
    report = compare(str(REAL), str(REAL), "full")
    assert report.mode is Mode.FULL
    assert not report.failed
    assert report.bump is Bump.NONE
    assert [p.compatible for p in report.pairs] == [True]
    assert report.as_dict()["compatible"] is True


def test_bad_input_raises_input_error_with_one_line(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("[", "utf-8")
    with pytest.raises(InputError) as info:
        compare(str(bad), str(REAL))
    assert "\n" not in str(info.value)
    with pytest.raises(InputError, match="no revision folders"):
        check_all(str(tmp_path))


def test_rule_table_is_complete_and_stable():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for rule in RULES:
        assert rule.purpose.endswith("."), rule.id
        assert rule.category
        assert set(rule.directions) <= {"backward", "forward"}
    assert get_rule("object.required").keywords == ("required",)
    with pytest.raises(KeyError):
        get_rule("no.such-rule")


def test_every_message_is_a_sentence_naming_values():
    for case in sorted(CASES.glob("*/*/old.json")):
        old, new = case, case.with_name("new.json")
        report = compare(str(old), str(new), "full", allow_unclassified=True)
        for finding in report.findings:
            assert finding.message[:1].isupper(), finding.message
            assert finding.message.rstrip().endswith("."), finding.message
            assert finding.rule in {r.id for r in RULES}
            assert json.dumps(finding.to_dict())


def test_pointer_lines_locate_values():
    text = '{\n  "a": {\n    "b~/c": [1,\n      {"d": null}]\n  },\n  "e": "x"\n}\n'
    lines = pointer_lines(text)
    assert lines["/a"] == 2
    assert lines["/a/b~0~1c"] == 3
    assert lines["/a/b~0~1c/1/d"] == 4
    assert lines["/e"] == 6
