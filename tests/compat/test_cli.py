"""`vrp-contract compat`: inputs, modes, exit codes, --all and the released-revision check."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest

from tests._support import ROOT, run_cli
from tests.compat._revisions import REAL, copy_revision, patch, write

if TYPE_CHECKING:
    from pathlib import Path

S = "https://json-schema.org/draft/2020-12/schema"


def _require(path: Path, name: str) -> None:
    patch(path / "events" / "path_selected.schema.json", lambda d: d["required"].append(name))


def _new_state(path: Path) -> None:
    patch(
        path / "common.schema.json",
        lambda d: d["$defs"]["SessionState"]["enum"].append("PAUSED"),
    )


def test_identical_revisions_are_compatible_and_need_no_bump():
    result = run_cli("compat", str(REAL), str(REAL))
    assert result.code == 0, result.err
    assert "compatible in backward mode; needs no version bump" in result.out


def test_breaking_change_exits_1_with_rule_pointer_and_directions(tmp_path):
    new = copy_revision(tmp_path, "0.2", edit=lambda p: _require(p, "node_id"))
    result = run_cli("compat", str(REAL), str(new))
    assert result.code == 1
    line = next(x for x in result.out.splitlines() if "object.required" in x)
    assert "path_selected.schema.json:" in line
    assert "at /required" in line
    assert "breaks backward" in line
    assert '"node_id" became required' in line


def test_modes_decide_which_direction_fails(tmp_path):
    new = copy_revision(tmp_path, "0.2", edit=_new_state)
    assert run_cli("compat", str(REAL), str(new)).code == 0
    assert run_cli("compat", "--mode", "forward", str(REAL), str(new)).code == 1
    assert run_cli("compat", "--mode", "full", str(REAL), str(new)).code == 1
    assert run_cli("compat", "--mode", "forward", str(new), str(REAL)).code == 0


def test_single_files_follow_sibling_refs(tmp_path):
    new = copy_revision(tmp_path, "0.2", edit=_new_state)
    old_file = REAL / "events" / "state_change.schema.json"
    new_file = new / "events" / "state_change.schema.json"
    result = run_cli("compat", "--mode", "forward", str(old_file), str(new_file))
    assert result.code == 1
    assert "common.schema.json:" in result.out
    assert "at /$defs/SessionState/enum" in result.out


def test_git_inputs_read_the_committed_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # a repository of its own, so the test holds whatever is uncommitted in this one
    shutil.copytree(REAL, tmp_path / "schema" / "v0.1")
    shutil.copytree(REAL.parent / "supplements", tmp_path / "schema" / "supplements")
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "v0.1"]):
        git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(tmp_path), *args]
        subprocess.run(git, check=True)
    monkeypatch.chdir(tmp_path)
    result = run_cli("compat", "git:HEAD:schema/v0.1", str(REAL))
    assert result.code == 0, result.err
    result = run_cli(
        "compat", "git:HEAD:schema/v0.1/event.schema.json", str(REAL / "event.schema.json")
    )
    assert result.code == 0, result.err
    (tmp_path / "schema" / "v0.1" / "event.schema.json").write_text("{}")  # uncommitted
    result = run_cli("compat", "git:HEAD:schema/v0.1", str(REAL))
    assert result.code == 0, result.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compat"], "needs OLD and NEW"),
        (["compat", "a"], "needs OLD and NEW"),
        (["compat", "--all"], "exactly one FOLDER"),
        (["compat", "--base", "HEAD", "a", "b"], "--base works with --all only"),
        (["compat", "--mode", "sideways", "a", "b"], "invalid choice"),
        (["compat", "/no/such/file.json", str(REAL)], "no such file or directory"),
        (["compat", "git:HEAD", str(REAL)], "expected git:REF:PATH"),
        (["compat", "git:no-such-ref-xyz:schema", str(REAL)], "git cat-file"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args, message):
    result = run_cli(*args)
    assert result.code == 2
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err


def test_invalid_json_names_file_line_and_column(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "type": "string",\n}\n', "utf-8")
    result = run_cli("compat", str(bad), str(REAL))
    assert result.code == 2
    assert f"{bad}:3:1: invalid JSON" in result.err


def test_nan_is_not_json(tmp_path):
    bad = tmp_path / "nan.json"
    bad.write_text('{"minimum": NaN}\n', "utf-8")
    result = run_cli("compat", str(bad), str(bad))
    assert result.code == 2
    assert f"{bad}: invalid JSON: NaN is not a JSON value" in result.err


def test_schema_failing_its_metaschema_is_an_input_error(tmp_path):
    bad = write(tmp_path / "bad.json", {"$schema": S, "type": "strnig"})
    result = run_cli("compat", str(bad), str(bad))
    assert result.code == 2
    assert "fails https://json-schema.org/draft/2020-12/schema at /type" in result.err


def test_unknown_ref_is_never_fetched(tmp_path):
    doc = write(tmp_path / "a.json", {"$schema": S, "$ref": "https://example.com/remote.json"})
    result = run_cli("compat", str(doc), str(doc))
    assert result.code == 2
    assert "never fetched" in result.err


def test_unclassified_fails_unless_allowed(tmp_path):
    old = write(tmp_path / "old.json", {"$schema": S, "maxGraphemes": 3})
    new = write(tmp_path / "new.json", {"$schema": S, "maxGraphemes": 4})
    assert run_cli("compat", str(old), str(new)).code == 1
    result = run_cli("compat", "--allow-unclassified", str(old), str(new))
    assert result.code == 0
    assert "warning unclassified" in result.out


def test_all_with_one_revision_says_so():
    result = run_cli("compat", "--all", str(ROOT / "schema"))
    assert result.code == 0, result.err
    assert "only one revision (v0.1), nothing to compare" in result.out


def test_all_checks_consecutive_pairs_and_older_against_newest(tmp_path):
    copy_revision(tmp_path, "0.1")
    copy_revision(tmp_path, "0.1.1", edit=_new_state)  # an addition: needs minor
    copy_revision(tmp_path, "0.1.2", edit=_new_state)
    result = run_cli("compat", "--all", "--format", "json", str(tmp_path))
    report = json.loads(result.out)
    pairs = [(p["old"].rsplit("/", 1)[-1], p["new"].rsplit("/", 1)[-1]) for p in report["pairs"]]
    assert pairs == [("v0.1", "v0.1.1"), ("v0.1.1", "v0.1.2"), ("v0.1", "v0.1.2")]
    assert result.code == 1  # 0.1 -> 0.1.1 declares a patch bump but adds a state (minor)
    assert any(f["rule"] == "revision.bump" for f in report["findings"])


def test_all_allows_breaking_changes_across_a_declared_major_bump(tmp_path):
    copy_revision(tmp_path, "1.0")
    copy_revision(tmp_path, "1.1", edit=_new_state)

    def both(p: Path) -> None:
        _new_state(p)
        _require(p, "node_id")

    copy_revision(tmp_path, "2.0", edit=both)
    result = run_cli("compat", "--all", str(tmp_path))
    assert result.code == 0, result.out
    assert "warning object.required" in result.out
    assert "v1.1 -> v2.0: breaking changes are allowed" in result.out


def test_all_fails_a_breaking_change_without_a_major_bump(tmp_path):
    copy_revision(tmp_path, "1.0")
    copy_revision(tmp_path, "1.1", edit=lambda p: _require(p, "node_id"))
    result = run_cli("compat", "--all", str(tmp_path))
    assert result.code == 1
    assert "error object.required" in result.out
    assert "error revision.bump" in result.out


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_released_revision_edited_in_place_fails_against_base(tmp_path, monkeypatch):
    copy_revision(tmp_path / "schema", "0.1")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "base")
    monkeypatch.chdir(tmp_path)
    assert run_cli("compat", "--all", "schema", "--base", "HEAD").code == 0
    patch(
        tmp_path / "schema" / "v0.1" / "common.schema.json",
        lambda d: d["$defs"]["SessionId"].update(description="Edited."),
    )
    result = run_cli("compat", "--all", "schema", "--base", "HEAD")
    assert result.code == 1
    assert "revision.released-edited" in result.out
    assert "common.schema.json was edited in released revision 0.1" in result.out


def test_an_edited_supplement_of_a_released_revision_fails_against_base(tmp_path, monkeypatch):
    """Revision 0.1's behaviour data ships beside it, and is as immutable as the revision."""
    target = copy_revision(tmp_path / "schema", "0.1")
    supplement = tmp_path / "schema" / "supplements" / "v0.1"
    supplement.mkdir(parents=True)
    (target / "behaviour.json").rename(supplement / "behaviour.json")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "base")
    monkeypatch.chdir(tmp_path)
    assert run_cli("compat", "--all", "schema", "--base", "HEAD").code == 0
    patch(supplement / "behaviour.json", lambda d: d["attempts"].update(reset_on_entry=["BIRTH"]))
    result = run_cli("compat", "--all", "schema", "--base", "HEAD")
    assert result.code == 1
    assert "revision.released-edited" in result.out
    assert "../supplements/v0.1/behaviour.json was edited in released revision 0.1" in result.out


def test_deleted_released_revision_fails_against_base(tmp_path, monkeypatch):
    copy_revision(tmp_path / "schema", "0.1")
    copy_revision(tmp_path / "schema", "0.2")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "base")
    monkeypatch.chdir(tmp_path)
    subprocess.run(["rm", "-r", "schema/v0.1"], check=True)
    result = run_cli("compat", "--all", "schema", "--base", "HEAD")
    assert result.code == 1
    assert "Released revision v0.1 was deleted" in result.out


def _released_repo(tmp_path: Path) -> Path:
    copy_revision(tmp_path / "schema", "0.1")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "base")
    patch(
        tmp_path / "schema" / "v0.1" / "events" / "path_selected.schema.json",
        lambda d: d["required"].append("node_id"),
    )
    return tmp_path


def test_released_check_does_not_depend_on_the_folder_spelling(tmp_path, monkeypatch):
    repo = _released_repo(tmp_path)
    (repo / "sub").mkdir()
    for cwd, folder in ((repo, str(repo / "schema")), (repo / "sub", "../schema"),
                        (repo.parent, str(repo / "schema"))):  # fmt: skip
        monkeypatch.chdir(cwd)
        result = run_cli("compat", "--all", folder, "--base", "HEAD")
        assert result.code == 1, (cwd, folder, result.out, result.err)
        assert "revision.released-edited" in result.out


def test_released_check_ignores_a_renumbered_manifest(tmp_path, monkeypatch):
    repo = _released_repo(tmp_path)
    patch(repo / "schema" / "v0.1" / "revision.json", lambda d: d.update(revision="0.1.1"))
    monkeypatch.chdir(repo)
    result = run_cli("compat", "--all", "schema", "--base", "HEAD")
    assert result.code == 1
    assert "revision.json was edited in released revision 0.1" in result.out


def test_an_unknown_base_is_an_input_error(tmp_path, monkeypatch):
    repo = _released_repo(tmp_path)
    monkeypatch.chdir(repo)
    result = run_cli("compat", "--all", "schema", "--base", "no-such-branch")
    assert result.code == 2
    assert "--base no-such-branch: no such commit" in result.err
    assert "Traceback" not in result.err


def test_base_outside_a_git_work_tree_is_an_input_error(tmp_path, monkeypatch):
    copy_revision(tmp_path / "schema", "0.1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    result = run_cli("compat", "--all", str(tmp_path / "schema"), "--base", "HEAD")
    assert result.code == 2
    assert "not inside a git work tree" in result.err


def test_a_folder_new_since_base_is_noted(tmp_path, monkeypatch):
    write(tmp_path / "README.md", "x")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "base")
    copy_revision(tmp_path / "schema", "0.1")
    monkeypatch.chdir(tmp_path)
    result = run_cli("compat", "--all", "schema", "--base", "HEAD")
    assert result.code == 0, result.out
    assert "schema did not exist at HEAD" in result.out


def test_a_folder_without_entry_against_a_file_is_an_input_error(tmp_path):
    file = write(tmp_path / "one.schema.json", {"$schema": S, "type": "object"})
    write(tmp_path / "dir" / "a.schema.json", {"$schema": S, "type": "string"})
    write(tmp_path / "dir" / "b.schema.json", {"$schema": S, "type": "object"})
    result = run_cli("compat", str(file), str(tmp_path / "dir"))
    assert result.code == 2
    assert "needs an entry schema (event.schema.json is missing" in result.err
