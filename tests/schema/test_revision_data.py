"""A draft revision's data files are checked when it is loaded: a one-line input error, never a
traceback (`validate -r`, `schema -r --file`), for a data file that breaks its schema or a
behaviour that names what the revision does not define (`vrp_contract.revision_data`)."""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING, Any

import pytest

from tests._support import ROOT, run_cli
from tests.compat._revisions import copy_revision, patch
from vrp_contract import revisions
from vrp_contract.revision_data import behaviour_problems, ref_cycle, vector_problem
from vrp_contract.revisions import RevisionDataError, list_revisions

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

STREAM = b'{"ts_ms":1,"event_type":"SESSION_CREATED","session_id":"s","node_id":"n"}\n'


def _root(tmp_path: Path, file: str, change: Callable[[dict[str, Any]], None]) -> Path:
    """A schema root with 0.1 (and its supplement) and a draft 0.2 whose `file` is edited."""
    root = tmp_path / "schema"
    shutil.copytree(ROOT / "schema" / "v0.1", root / "v0.1")
    shutil.copytree(ROOT / "schema" / "supplements", root / "supplements")
    draft = copy_revision(root, "0.2", status="draft")
    patch(draft / file, change)
    return root


def _validate(monkeypatch: pytest.MonkeyPatch, root: Path) -> tuple[int, str]:
    monkeypatch.setattr(revisions, "schema_root", lambda: root)
    result = run_cli("validate", "-r", "0.2", "-", stdin=STREAM)
    return result.code, result.err


def _bound_string(d: dict[str, Any]) -> None:
    d["max_recovery_ms"] = "fast"


def _bound_removed(d: dict[str, Any]) -> None:
    del d["max_recovery_attempts"]


def _severity_fatal(d: dict[str, Any]) -> None:
    d["invariants"][1]["severity"] = "fatal"


def _severity_removed(d: dict[str, Any]) -> None:
    del d["invariants"][0]["severity"]


def _key_not_a_pointer(d: dict[str, Any]) -> None:
    d["session_key"] = 5


def _roles_a_string(d: dict[str, Any]) -> None:
    d["event_roles"]["create"] = "SESSION_CREATED"  # one name, not a list: its letters, once


def _fields_removed(d: dict[str, Any]) -> None:
    del d["transition_fields"]


def _state_undescribed(d: dict[str, Any]) -> None:
    del d["states"][2]["description"]


def _state_misnamed(d: dict[str, Any]) -> None:
    d["states"][0]["name"] = "birth"


@pytest.mark.parametrize(
    ("file", "change", "where", "says"),
    [
        ("policy.default.json", _bound_string, ":3: field /max_recovery_ms:", "'fast' is not of"),
        ("state-machine.json", _state_undescribed, "/states/2:", "'description' is a required"),
        ("behaviour.json", _key_not_a_pointer, "/session_key:", "5 is not of type 'string'"),
        ("behaviour.json", _roles_a_string, "/event_roles/create:", "is not of type 'array'"),
        ("behaviour.json", _fields_removed, ":1: (top level):", "'transition_fields' is a"),
        ("state-machine.json", _state_misnamed, "/states/0/name:", "'birth' is not one of"),
        ("policy.default.json", _bound_removed, ":1: (top level):", "max_recovery_attempts"),
        ("invariants.json", _severity_fatal, "/invariants/1/severity:", "'fatal' is not one of"),
        ("invariants.json", _severity_removed, "/invariants/0:", "'severity' is a required"),
    ],
)
def test_a_data_file_that_breaks_its_schema_is_a_one_line_input_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    file: str,
    change: Callable[[dict[str, Any]], None],
    where: str,
    says: str,
) -> None:
    root = _root(tmp_path, file, change)
    code, err = _validate(monkeypatch, root)
    assert code == 2, err
    assert "Traceback" not in err
    line = err.strip()
    assert "\n" not in line, err
    assert str(root / "v0.2" / file) in line
    assert where in line
    assert says in line
    result = run_cli("schema", "-r", "0.2", "--file", file)
    assert result.code == 2, result.err
    assert str(root / "v0.2" / file) in result.err
    assert says in result.err


def test_the_released_revisions_data_files_are_clean() -> None:
    for revision in list_revisions():
        revision.check_data()


@pytest.mark.parametrize(
    ("file", "change", "pointer", "says"),
    [
        (
            "state-machine.json",
            lambda d: d["transitions"].append({"from": "ATTACHED", "to": "NOWHERE"}),
            "/transitions/",
            # state-machine.schema.json's state names come first
            "'NOWHERE' is not one of BIRTH, ATTACHED,",
        ),
        (
            "state-machine.json",
            lambda d: d["terminal"].append("DEGRADED"),
            "/transitions/",
            "leaves terminal state DEGRADED",
        ),
        (
            "behaviour.json",
            lambda d: d["attempts"]["reset_on_entry"].append("LIMBO"),
            "/attempts/reset_on_entry/1",
            "names state LIMBO",
        ),
        (
            "behaviour.json",
            lambda d: d["event_roles"]["bind"].append("NO_SUCH_EVENT"),
            "/event_roles/bind/1",
            "event type NO_SUCH_EVENT",
        ),
    ],
)
def test_an_inconsistent_behaviour_is_a_one_line_input_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    file: str,
    change: Callable[[dict[str, Any]], None],
    pointer: str,
    says: str,
) -> None:
    root = _root(tmp_path, file, change)
    code, err = _validate(monkeypatch, root)
    assert code == 2, err
    assert "Traceback" not in err
    assert "\n" not in err.strip(), err
    assert str(root / "v0.2" / file) in err
    assert f"field {pointer}" in err
    assert says in err


def _machine() -> dict[str, Any]:
    return {
        "states": [{"name": n, "description": n} for n in ("A", "B", "END")],
        "initial": "A",
        "terminal": ["END"],
        "transitions": [{"from": "A", "to": "B"}, {"from": "B", "to": "END"}],
        "recovery_states": ["B"],
    }


def test_behaviour_problems_names_every_inconsistency() -> None:
    assert behaviour_problems(_machine(), None, None, {"A", "B", "END"}) == []
    sm = _machine()
    sm["states"].append({"name": "A", "description": "again"})
    sm["states"].append({"name": "EXTRA", "description": "not in the enum"})
    sm["initial"] = "LIMBO"
    sm["terminal"].append("GHOST")
    sm["recovery_states"].append("LIMBO")
    sm["transitions"].append({"from": "END", "to": "A"})
    behaviour = {"attempts": {"counted_on_entry": ["LIMBO"]}, "event_roles": {"bind": ["X", "Y"]}}
    got = behaviour_problems(sm, behaviour, {"X"}, {"A", "B", "END"})
    assert [(f, p) for f, p, _ in got] == [
        ("state-machine.json", "/states/3/name"),
        ("state-machine.json", "/states/4/name"),
        ("state-machine.json", "/initial"),
        ("state-machine.json", "/terminal/1"),
        ("state-machine.json", "/recovery_states/1"),
        ("state-machine.json", "/transitions/2"),
        ("behaviour.json", "/attempts/counted_on_entry/0"),
        ("behaviour.json", "/event_roles/bind/1"),
    ]
    assert all(m[0].isupper() and m.endswith(".") for _, _, m in got)


def test_revision_data_error_is_a_value_error() -> None:
    assert issubclass(RevisionDataError, ValueError)


def _ref_cycle(d: dict[str, Any]) -> None:
    """A new-user trial's edit: NodeId -> A -> B -> A, references only, never a schema."""
    d["$defs"]["A"] = {"$ref": "#/$defs/B"}
    d["$defs"]["B"] = {"$ref": "#/$defs/A"}
    d["$defs"]["NodeId"] = {"$ref": "#/$defs/A", "description": "Beside the reference."}


def test_a_ref_cycle_is_an_input_error_for_validate_schema_and_compat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _root(tmp_path, "common.schema.json", _ref_cycle)
    code, err = _validate(monkeypatch, root)
    assert code == 2, err
    assert "\n" not in err.strip(), err
    assert f"{root / 'v0.2' / 'common.schema.json'}:" in err
    assert "common.schema.json#/$defs/A -> common.schema.json#/$defs/B" in err
    assert "comes back to itself without reaching a schema" in err
    bundle = run_cli("schema", "-r", "0.2")
    assert bundle.code == 2, bundle.out[:200]
    assert bundle.out == ""
    assert bundle.err.strip() == err.strip()
    compat = run_cli("compat", str(root / "v0.1"), str(root / "v0.2"))
    assert compat.code == 2, compat.out
    assert "\n" not in compat.err.strip(), compat.err
    assert f"{root / 'v0.2' / 'common.schema.json'}:" in compat.err
    assert "comes back to itself without reaching a schema" in compat.err


def test_ref_cycle_follows_references_only() -> None:
    docs = {
        "#/a": {"$ref": "#/b"},
        "#/b": {"$ref": "#/c", "description": "an annotation beside it changes nothing"},
        "#/c": {"$ref": "#/a"},
        "#/tree": {"type": "object", "properties": {"child": {"$ref": "#/tree"}}},
        "#/leaf": {"type": "string"},
    }

    def follow(ref: str, context: None) -> tuple[Any, str, None]:
        return docs[ref], ref, context

    assert ref_cycle([("x", "#/leaf", None), ("y", "#/tree", None)], follow) is None
    assert ref_cycle([("x", "#/leaf", None), ("y", "#/a", None)], follow) == [
        "y",
        "#/a",
        "#/b",
        "#/c",
        "#/a",
    ]


BARE_EVENT = {"ts_ms": 1, "event_type": "HEARTBEAT", "session_id": "s"}


def test_an_example_vector_written_as_a_bare_event_is_named_with_the_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from scripts import generate  # noqa: PLC0415 - the script, as `make generate` runs it

    root = _root(tmp_path, "revision.json", lambda _doc: None)
    vector = root / "v0.2" / "examples" / "valid" / "heartbeat.json"
    vector.write_text(json.dumps(BARE_EVENT) + "\n", "utf-8")
    revision = list_revisions(root)[-1]
    with pytest.raises(RevisionDataError) as caught:
        revision.examples("valid")
    message = str(caught.value)
    assert message.startswith(f"{vector}:1: (top level): an example vector is ")
    assert '{"description": TEXT, "event": EVENT}' in message
    assert 'this file has no "description"; a bare event goes under "event".' in message
    monkeypatch.setattr(generate, "list_revisions", lambda: list_revisions(root))
    assert generate.main(["--check", "--only", "jsonschema"]) == 2
    err = capsys.readouterr().err
    assert err == f"generate.py: {message}\n"


@pytest.mark.parametrize(
    ("kind", "doc", "says"),
    [
        ("valid", [], "this file holds no JSON object"),
        ("valid", {"description": "d"}, 'this file has no "event"'),
        ("valid", {"description": 1, "event": {}}, 'its "description" is not a string'),
        ("invalid", {"description": "d", "event": {}}, 'this file has no "error"'),
        ("invalid", {"description": "d", "event": {}, "error": {"rule": "x"}}, "lacks a string"),
    ],
)
def test_vector_problem(kind: str, doc: Any, says: str) -> None:
    assert says in (vector_problem(kind, doc) or "")
    assert vector_problem("valid", {"description": "d", "event": {}}) is None
    error = {"rule": "schema.required", "pointer": "/x"}
    assert vector_problem("invalid", {"description": "d", "event": {}, "error": error}) is None


def test_the_flink_client_refuses_a_ref_cycle_before_the_job_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vrp_contract.flink.logic import LogicConfig  # noqa: PLC0415 - no PyFlink needed

    root = _root(tmp_path, "common.schema.json", _ref_cycle)
    monkeypatch.setattr(revisions, "schema_root", lambda: root)
    with pytest.raises(RevisionDataError, match="comes back to itself"):
        LogicConfig.create("0.2")


def test_every_shipped_revision_passes_the_checks_validate_skips_for_released_ones() -> None:
    """A released revision's data files are not checked at load (they never change): here, for
    every revision the package ships, they are, against their schemas and for `$ref` cycles."""
    from vrp_contract.revisions import list_revisions  # noqa: PLC0415

    revisions = list_revisions()
    assert revisions
    for revision in revisions:
        revision.check_data_files()
        revision.check_data()


@pytest.mark.parametrize("file", ["behaviour.json", "state-machine.json", "policy.default.json"])
def test_a_data_file_that_is_not_json_is_a_one_line_error_with_line_and_column(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    file: str,
) -> None:
    from scripts import generate  # noqa: PLC0415 - the script, as `make generate` runs it

    root = _root(tmp_path, file, lambda _doc: None)
    path = root / "v0.2" / file
    path.write_text('{\n  "a": 1,,\n}\n', "utf-8")
    said = f"{path}:2:10: the file is not valid JSON: Expecting property name enclosed in"
    code, err = _validate(monkeypatch, root)
    assert code == 2, err
    assert err.count("\n") == 1, err  # one line, no traceback
    assert said in err
    result = run_cli("schema", "-r", "0.2", "--file", file)
    assert (result.code, result.err.count("\n")) == (2, 1), result.err
    assert said in result.err
    monkeypatch.setattr(generate, "list_revisions", lambda: list_revisions(root))
    assert generate.main(["--check", "--only", "go"]) == 2  # its session checker reads the data
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert said in err
