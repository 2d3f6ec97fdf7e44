"""Behaviour compatibility between two test-only revisions (copies of 0.1 in temporary folders).

Set semantics over streams: a change that lets more streams through breaks forward, one that
rejects streams OLD allowed breaks backward. Swapping OLD and NEW swaps the directions; the bump
follows the mode; the markdown summary lists the findings.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tests._support import run_cli
from tests.compat._revisions import REAL, copy_revision, patch, write
from vrp_contract.compat import Mode, compare

if TYPE_CHECKING:
    from pathlib import Path


def _machine(path: Path, change: Any) -> None:
    patch(path / "state-machine.json", change)


def _widen(path: Path) -> None:
    """Only additions that let more streams through: a transition, a binding state, a bound."""

    def sm(d: dict[str, Any]) -> None:
        d["transitions"].append({"from": "DEGRADED", "to": "ATTACHED"})
        d["binding_states"].append("DEGRADED")

    _machine(path, sm)
    patch(path / "policy.default.json", lambda d: d.update(max_recovery_ms=600000))


def _findings(old: Path, new: Path, mode: str = "full") -> list[dict[str, Any]]:
    report = compare(str(old), str(new), mode)
    return [f.to_dict() for f in report.findings]


def _by_rule(findings: list[dict[str, Any]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in findings:
        out.setdefault(f["rule"], set()).update(f.get("directions", []))
    return out


def test_an_unchanged_copy_with_its_own_behaviour_file_has_no_finding(tmp_path):
    new = copy_revision(tmp_path, "0.2", status="draft")
    assert (new / "behaviour.json").is_file()  # the supplement of 0.1, now in the folder
    report = compare(str(REAL), str(new), "full")
    assert report.findings == []


def test_widening_breaks_forward_only_and_needs_a_minor_bump(tmp_path):
    old = copy_revision(tmp_path, "0.2", status="released")
    new = copy_revision(tmp_path, "0.3", status="draft", edit=_widen)
    rules = _by_rule(_findings(old, new))
    assert rules == {
        "behaviour.transition": {"forward"},
        "behaviour.state-role": {"forward"},
        "behaviour.policy": {"forward"},
    }
    backward = compare(str(old), str(new), Mode.BACKWARD)
    assert not backward.failed
    assert str(backward.bump) == "minor"
    assert compare(str(old), str(new), Mode.FORWARD).failed


def test_narrowing_is_the_same_edit_read_the_other_way(tmp_path):
    wide = copy_revision(tmp_path, "0.2", status="released", edit=_widen)
    narrow = copy_revision(tmp_path, "0.3", status="draft")
    rules = _by_rule(_findings(wide, narrow))
    assert rules == {
        "behaviour.transition": {"backward"},
        "behaviour.state-role": {"backward"},
        "behaviour.policy": {"backward"},
    }
    backward = compare(str(wide), str(narrow), Mode.BACKWARD)
    assert backward.failed
    assert str(backward.bump) == "major"
    assert not compare(str(wide), str(narrow), Mode.FORWARD).failed


def test_state_rename_is_one_finding_that_breaks_both_directions(tmp_path):
    def rename(path: Path) -> None:
        # in the state machine and in the schema's SessionState, which the machine must satisfy
        for name in ("state-machine.json", "common.schema.json"):
            text = (path / name).read_text("utf-8").replace('"DEGRADED"', '"IMPAIRED"')
            (path / name).write_text(text, "utf-8")

    old = copy_revision(tmp_path, "0.2")
    new = copy_revision(tmp_path, "1.0", status="draft", edit=rename)
    findings = _findings(old, new)
    renamed = [f for f in findings if f["rule"] == "behaviour.state-renamed"]
    assert len(renamed) == 1
    assert "DEGRADED was renamed to IMPAIRED" in renamed[0]["message"]
    assert set(renamed[0]["directions"]) == {"backward", "forward"}
    assert not [f for f in findings if f["rule"] == "behaviour.transition"]


def test_invariant_meaning_needs_a_new_id_or_a_declaration(tmp_path):
    def reword(path: Path) -> None:
        patch(
            path / "invariants.json",
            lambda d: d["invariants"][4].update(statement="Transitions follow a new table."),
        )

    old = copy_revision(tmp_path, "0.2")
    new = copy_revision(tmp_path, "1.0", status="draft", edit=reword)
    report = compare(str(old), str(new), "backward")
    rules = sorted(f.rule for f in report.findings if f.is_error)
    assert rules == ["behaviour.invariant-meaning", "revision.invariant-reused"]
    reused = next(f for f in report.findings if f.rule == "revision.invariant-reused")
    assert "transition.allowed is reused with a new meaning" in reused.message

    def declare(path: Path) -> None:
        reword(path)
        patch(
            path / "revision.json",
            lambda d: d.update(
                changed_invariants=[{"id": "transition.allowed", "reason": "Clarified."}]
            ),
        )

    declared = copy_revision(tmp_path, "2.0", status="draft", edit=declare)
    rules = [f.rule for f in compare(str(old), str(declared), "backward").findings]
    assert rules == ["behaviour.invariant-meaning"]  # still breaking: a major bump is needed


def test_an_undeclared_new_event_type_is_refused(tmp_path):
    def add_type(path: Path) -> None:
        event = json.loads((path / "events" / "mutation_tick.schema.json").read_text("utf-8"))
        event["$id"] = event["$id"].replace("mutation_tick", "heartbeat")
        event["title"] = "Heartbeat"
        event["properties"]["event_type"] = {"const": "HEARTBEAT"}
        write(path / "events" / "heartbeat.schema.json", event)
        patch(path / "event.schema.json", lambda d: d["oneOf"].append(
            {"$ref": "events/heartbeat.schema.json"}))  # fmt: skip

    old = copy_revision(tmp_path, "0.2")
    new = copy_revision(tmp_path, "0.3", status="draft", edit=add_type)
    report = compare(str(old), str(new), "backward")
    undeclared = [f for f in report.findings if f.rule == "revision.event-type-undeclared"]
    assert len(undeclared) == 1
    assert undeclared[0].is_error
    assert "HEARTBEAT was added without being declared" in undeclared[0].message

    patch(new / "revision.json", lambda d: d.update(
        added_event_types=[{"name": "HEARTBEAT", "reason": "Liveness."}]))  # fmt: skip
    report = compare(str(old), str(new), "backward")
    assert not report.failed, [f.message for f in report.findings if f.is_error]
    added = next(f for f in report.findings if f.rule == "behaviour.event-type")
    assert added.directions == ("forward",)
    assert "Declared in revision.json: Liveness." in added.message


def test_an_unreadable_state_machine_fails_closed(tmp_path):
    old = copy_revision(tmp_path, "0.2")
    new = copy_revision(tmp_path, "0.3", status="draft")
    (new / "state-machine.json").write_text('{"states": 3}', "utf-8")
    findings = _findings(old, new)
    # state-machine.schema.json refuses it before the behaviour is read (it fails closed: error)
    assert [(f["rule"], f["severity"]) for f in findings] == [("behaviour.data-invalid", "error")]
    assert "state-machine.json of NEW breaks its schema" in findings[0]["message"]


def test_markdown_summary_lists_behaviour_findings(tmp_path):
    old = copy_revision(tmp_path, "0.2", status="released", edit=_widen)
    new = copy_revision(tmp_path, "0.3", status="draft")
    result = run_cli("compat", "--format", "markdown", str(old), str(new))
    assert result.code == 1
    assert "`behaviour.transition`" in result.out
    assert "Transition DEGRADED -> ATTACHED was removed" in result.out
    assert "major" in result.out


def test_a_behaviour_file_that_is_not_json_is_an_error_even_across_a_major_bump(tmp_path):
    old = copy_revision(tmp_path, "0.2")
    new = copy_revision(tmp_path, "0.3", status="draft")  # 0.2 -> 0.3: a major bump in 0.x
    (new / "behaviour.json").write_text('{\n  "revision": "0.3",,\n}\n', "utf-8")
    result = run_cli("compat", "--format", "jsonl", str(old), str(new))
    assert result.code == 1, result.out
    findings = [json.loads(line) for line in result.out.splitlines()]
    assert [(f["rule"], f["severity"]) for f in findings] == [("behaviour.data-invalid", "error")]
    assert findings[0]["message"] == (
        "behaviour.json of NEW cannot be read as behaviour data (it is not valid JSON: Expecting "
        "property name enclosed in double quotes at line 2, column 21), so no rule compares it."
    )
