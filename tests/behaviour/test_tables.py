"""The neutral behaviour tables: read from the revision's files, inconsistent data refused."""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING, Any

import pytest

from scripts.codegen.behaviour.common import ENGINE_RULES, suite_json, tables
from scripts.codegen.common import GeneratorError
from tests.generated._toolchain import REPO
from vrp_contract.revisions import Revision, latest_revision
from vrp_contract.stream.rules import REGISTRY

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


def test_tables_follow_the_files():
    revision = latest_revision()
    tab = tables(revision)
    sm, beh = revision.state_machine, revision.behaviour
    assert [s.name for s in tab.states] == [s["name"] for s in sm["states"]]
    assert {s.name for s in tab.states if s.binding} == set(sm["binding_states"])
    assert {s.name for s in tab.states if s.recovery} == set(sm["recovery_states"])
    assert {s.name for s in tab.states if s.terminal} == set(sm["terminal"])
    assert [s.name for s in tab.states if s.initial] == [sm["initial"]]
    assert {s.name for s in tab.states if s.counted} == set(beh["attempts"]["counted_on_entry"])
    assert {s.name for s in tab.states if s.reset} == set(beh["attempts"]["reset_on_entry"])
    assert [e.name for e in tab.event_types] == revision.event_types
    assert {e.name for e in tab.event_types if e.create} == set(beh["event_roles"]["create"])
    assert tab.transitions == tuple((t["from"], t["to"]) for t in sm["transitions"])
    assert {r.id for r in tab.rules} == {
        i["id"] for i in revision.invariants if i["check"] == "stream"
    }
    assert {p.name: p.value for p in tab.policy} == revision.default_policy
    assert json.loads(json.dumps(tab.to_json()))["revision"] == revision.name


def test_suite_json_holds_every_case():
    revision = latest_revision()
    doc = json.loads(suite_json(revision))
    assert [c["name"] for c in doc["cases"]] == [c.name for c in revision.stream_cases()]
    for case in doc["cases"]:
        assert case["fail"].count("\n") >= case["expected"][-1]["line"]


def _copy(tmp_path: Path, edit: Callable[[dict[str, Any]], None], rel: str) -> Revision:
    original = latest_revision()
    root = tmp_path / "schema"
    shutil.copytree(REPO / "schema", root)
    name = f"v{original.name}"
    revision = Revision(original.name, root / name, root / "supplements" / name)
    path = revision.resource(rel)
    data = json.loads(path.read_text("utf-8"))
    edit(data)
    path.write_text(json.dumps(data), "utf-8")  # type: ignore[attr-defined]
    return revision


def test_a_state_role_naming_an_unknown_state_is_refused(tmp_path):
    revision = _copy(tmp_path, lambda d: d["binding_states"].append("LIMBO"), "state-machine.json")
    with pytest.raises(
        GeneratorError, match=r"state-machine\.json:\d+: field /binding_states/\d+: "
    ):
        tables(revision)
    with pytest.raises(GeneratorError, match="The list binding_states names state LIMBO"):
        tables(revision)


def test_a_terminal_state_with_an_outgoing_transition_is_refused(tmp_path):
    def edit(data: dict[str, Any]) -> None:
        data["terminal"].append(data["transitions"][0]["from"])

    with pytest.raises(GeneratorError, match="a terminal state has no outgoing transition"):
        tables(_copy(tmp_path, edit, "state-machine.json"))


def test_an_event_role_naming_an_unknown_event_type_is_refused(tmp_path):
    def edit(data: dict[str, Any]) -> None:
        data["event_roles"]["bind"] = ["PATH_TELEPORTED"]

    with pytest.raises(GeneratorError, match="The bind role names event type PATH_TELEPORTED"):
        tables(_copy(tmp_path, edit, "behaviour.json"))


def test_a_stream_invariant_no_engine_implements_is_refused(tmp_path):
    def edit(data: dict[str, Any]) -> None:
        data["invariants"].append(
            {
                "id": "session.short",
                "statement": "S.",
                "severity": "error",
                "check": "stream",
                "how": "H.",
            }
        )

    assert "session.short" not in ENGINE_RULES
    revision = _copy(tmp_path, edit, "invariants.json")
    common = revision.root / "common.schema.json"
    doc = json.loads(common.read_text("utf-8"))
    doc["$defs"]["InvariantId"]["enum"].append("session.short")  # a valid catalog entry
    common.write_text(json.dumps(doc), "utf-8")  # type: ignore[attr-defined]
    with pytest.raises(GeneratorError, match=r"session\.short that no session checker implements"):
        tables(revision)


def test_the_engines_implement_the_rules_the_python_fold_implements():
    assert set(ENGINE_RULES) == {rule.id for rule in REGISTRY}
