"""`vrp-contract revision new|release` on a temporary copy of schema/ (never the real one).

The checks that refuse a release before any build runs are tested here; the whole path (new,
edit, generate, release with the real `generate --check` and docs build, then the language
tests) is `test_revision_workflow.py`, marked slow.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from typing import TYPE_CHECKING

import pytest

from tests._support import ROOT, run_cli
from tests.compat._revisions import patch
from vrp_contract.compat import compare
from vrp_contract.lifecycle import changelog_mentions, new_revision

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "schema", tmp_path / "schema")
    (tmp_path / "CHANGELOG.md").write_text("# Changelog\n\n## [Unreleased]\n", "utf-8")
    return tmp_path


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def test_new_scaffolds_the_next_minor_with_every_id_rewritten(repo: Path) -> None:
    result = run_cli("revision", "new", "--repo", str(repo))
    assert result.code == 0, result.err
    new = repo / "schema" / "v0.2"
    assert f"Created {new}" in result.out
    manifest = json.loads((new / "revision.json").read_text("utf-8"))
    assert manifest["revision"] == "0.2"
    assert manifest["status"] == "draft"
    assert "released" not in manifest
    assert manifest["added_event_types"] == []
    for path in new.rglob("*.json"):
        assert "/contract/v0.1/" not in path.read_text("utf-8"), path
    ids = [json.loads(p.read_text("utf-8"))["$id"] for p in new.rglob("*.schema.json")]
    assert ids
    assert all(i.startswith("https://vrp.dev/contract/v0.2/") for i in ids)
    old = repo / "schema" / "v0.1"
    assert sorted(p.name for p in (new / "examples" / "valid").iterdir()) == sorted(
        p.name for p in (old / "examples" / "valid").iterdir()
    )
    behaviour = json.loads((new / "behaviour.json").read_text("utf-8"))
    assert behaviour["revision"] == "0.2"
    schema_file = (new / behaviour["$schema"]).resolve()
    assert schema_file == (repo / "src/vrp_contract/data/behaviour.schema.json").resolve()
    assert (new / "streams").is_dir()
    report = compare(str(old), str(new), "full")
    assert report.findings == []
    assert not report.failed


def test_new_is_idempotent_and_never_overwrites(repo: Path) -> None:
    assert run_cli("revision", "new", "--repo", str(repo)).code == 0
    folder = repo / "schema" / "v0.2"
    patch(folder / "state-machine.json", lambda d: d["states"][0].update(description="edited"))
    before = _digest(folder)
    again = run_cli("revision", "new", "--repo", str(repo))
    assert again.code == 0
    assert "already exists (draft revision 0.2); nothing was changed" in again.out
    assert run_cli("revision", "new", "0.2", "--repo", str(repo)).code == 0
    assert _digest(folder) == before
    assert not (repo / "schema" / "v0.3").exists()


def test_new_refuses_a_folder_that_is_not_the_revision(repo: Path) -> None:
    other = repo / "schema" / "v0.3"
    other.mkdir()
    (other / "revision.json").write_text('{"revision": "9.9"}', "utf-8")
    result = run_cli("revision", "new", "0.3", "--repo", str(repo))
    assert result.code == 2
    assert "never overwritten" in result.err
    assert (other / "revision.json").read_text("utf-8") == '{"revision": "9.9"}'
    assert sorted(p.name for p in other.iterdir()) == ["revision.json"]


@pytest.mark.parametrize(
    ("version", "needle"),
    [("0.0.9", "not newer than the latest"), ("two", "is not a revision number")],
)
def test_new_rejects_bad_versions(repo: Path, version: str, needle: str) -> None:
    result = run_cli("revision", "new", version, "--repo", str(repo))
    assert result.code == 2
    assert needle in result.err
    assert result.err.count("\n") == 1


def test_new_outside_a_checkout_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("revision", "new", "--repo", str(tmp_path))
    assert result.code == 2
    assert "no schema/ folder" in result.err


def test_release_refuses_without_a_changelog_entry(repo: Path) -> None:
    new_revision(repo, "0.2")
    result = run_cli("revision", "release", "0.2", "--repo", str(repo))
    assert result.code == 1
    assert "CHANGELOG.md has no entry for revision 0.2" in result.err
    manifest = json.loads((repo / "schema/v0.2/revision.json").read_text("utf-8"))
    assert manifest["status"] == "draft"


def _changelog(repo: Path, version: str) -> None:
    path = repo / "CHANGELOG.md"
    path.write_text(path.read_text("utf-8") + f"\n- Revision {version} (`schema/v{version}`).\n")


def test_release_refuses_a_breaking_change_without_a_major_bump(repo: Path) -> None:
    new_revision(repo, "0.1.1")
    patch(repo / "schema/v0.1.1/state-machine.json", lambda d: d["transitions"].pop(0))
    _changelog(repo, "0.1.1")
    assert changelog_mentions(repo, "0.1.1")
    result = run_cli("revision", "release", "0.1.1", "--repo", str(repo))
    assert result.code == 1
    assert "v0.1 -> v0.1.1 is not backward-compatible" in result.err
    assert "behaviour.transition" in result.err or "revision.bump" in result.err
    manifest = json.loads((repo / "schema/v0.1.1/revision.json").read_text("utf-8"))
    assert manifest["status"] == "draft"


def test_release_refuses_an_undeclared_event_type_even_across_a_major_bump(repo: Path) -> None:
    new_revision(repo, "1.0")
    folder = repo / "schema" / "v1.0"
    event = json.loads((folder / "events" / "mutation_tick.schema.json").read_text("utf-8"))
    event["$id"] = event["$id"].replace("mutation_tick", "heartbeat")
    event["title"] = "Heartbeat"
    event["properties"]["event_type"] = {"const": "HEARTBEAT"}
    (folder / "events" / "heartbeat.schema.json").write_text(json.dumps(event), "utf-8")
    patch(folder / "event.schema.json", lambda d: d["oneOf"].append(
        {"$ref": "events/heartbeat.schema.json"}))  # fmt: skip
    _changelog(repo, "1.0")
    result = run_cli("revision", "release", "1.0", "--repo", str(repo))
    assert result.code == 1
    assert "revision.event-type-undeclared" in result.err
    assert "HEARTBEAT" in result.err
    # the versioning rules, not compatibility: the major bump allows breaking changes, not this
    assert "v0.1 -> v1.0 breaks the versioning rules (1 finding(s); first: " in result.err
    assert "compatible" not in result.err
    assert result.err.rstrip().endswith(f"fix the finding (vrp-contract compat {repo}/schema/v0.1 "
                                        f"{repo}/schema/v1.0)")  # fmt: skip


def test_release_of_a_released_or_missing_revision_is_a_usage_error(repo: Path) -> None:
    result = run_cli("revision", "release", "0.1", "--repo", str(repo))
    assert result.code == 2
    assert "already released" in result.err
    result = run_cli("revision", "release", "0.7", "--repo", str(repo))
    assert result.code == 2
    assert "no such revision" in result.err
    assert run_cli("revision", "release", "--repo", str(repo)).code == 2


def test_release_refuses_an_invariant_id_reused_with_a_new_meaning(repo: Path) -> None:
    new_revision(repo, "1.0")
    patch(
        repo / "schema/v1.0/invariants.json",
        lambda d: d["invariants"][4].update(statement="Transitions follow another table."),
    )
    _changelog(repo, "1.0")
    result = run_cli("revision", "release", "1.0", "--repo", str(repo))
    assert result.code == 1
    assert "revision.invariant-reused" in result.err
    assert "transition.allowed is reused with a new meaning" in result.err
    assert result.err.count("\n") == 1


def test_release_refuses_the_unchanged_copy_that_new_made(repo: Path) -> None:
    new_revision(repo, "0.2")
    _changelog(repo, "0.2")
    result = run_cli("revision", "release", "0.2", "--repo", str(repo))
    assert result.code == 1
    assert result.err.count("\n") == 1, result.err
    assert "schema/v0.2 is still the copy of v0.1 that `revision new` made" in result.err
    assert "there is nothing to release; edit the draft first" in result.err
    manifest = json.loads((repo / "schema/v0.2/revision.json").read_text("utf-8"))
    assert manifest["status"] == "draft"


def test_release_outside_a_source_checkout_is_a_usage_error(repo: Path) -> None:
    new_revision(repo, "0.2")
    # a changed example is a change (compat compares none): past the unchanged-copy check
    example = min(p for p in (repo / "schema/v0.2/examples").rglob("*") if p.is_file())
    example.write_bytes(example.read_bytes() + b"\n")
    _changelog(repo, "0.2")
    result = run_cli("revision", "release", "0.2", "--repo", str(repo))
    assert result.code == 2
    assert "releasing needs a source checkout (scripts/generate.py, mkdocs.yml missing)" in (
        result.err
    )
    manifest = json.loads((repo / "schema/v0.2/revision.json").read_text("utf-8"))
    assert manifest["status"] == "draft"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("## [Unreleased]\n- Schema revision 0.3 (`schema/v0.3/`).\n", True),
        ("## [Unreleased]\n### Added\n- Revision 0.3: a heartbeat.\n\n## [0.2.0]\n", True),
        ("## [Unreleased]\n- The v0.3 revision.\n", True),
        # an unrelated version in an older section does not count (a new-user trial's case)
        ("## [Unreleased]\n\n## [0.1.0]\n- Pinned the Mermaid bundler v0.3.2.\n", False),
        ("## [Unreleased]\n- Pinned the bundler v0.3.2.\n", False),
        ("## [Unreleased]\n- Revision 0.30 (`schema/v0.30/`).\n", False),
        ("## [0.2.0]\n- Schema revision 0.3 (`schema/v0.3/`).\n", False),
        ("## [Unreleased]\n- A message names `schema/v0.3/events/x.schema.json`.\n", False),
        ("## [Unreleased]\n- Revision 0.3 (`schema/v0.3`).\n", True),
        ("- Schema revision 0.3 (`schema/v0.3/`).\n", False),  # no [Unreleased] section
    ],
)
def test_changelog_mentions_the_exact_version_under_unreleased(
    tmp_path: Path, text: str, *, named: bool
) -> None:
    (tmp_path / "CHANGELOG.md").write_text("# Changelog\n\n" + text, "utf-8")
    assert changelog_mentions(tmp_path, "0.3") is named


@pytest.mark.parametrize("date", ["yesterday", "2026-13-01", "2026-2-1", "20261201", ""])
def test_release_takes_only_an_iso_date(repo: Path, date: str) -> None:
    new_revision(repo, "0.2")
    _changelog(repo, "0.2")
    result = run_cli("revision", "release", "0.2", "--repo", str(repo), "--date", date)
    assert result.code == 2
    assert result.err.count("\n") == 1, result.err
    assert f"--date {date!r} is not a date written YYYY-MM-DD" in result.err
    manifest = json.loads((repo / "schema/v0.2/revision.json").read_text("utf-8"))
    assert manifest["status"] == "draft"
    assert "released" not in manifest


@pytest.mark.parametrize("version", ["0.3", "7.0", "0.1.2", "1.1"])
def test_new_refuses_a_skipped_revision_number(repo: Path, version: str) -> None:
    result = run_cli("revision", "new", version, "--repo", str(repo))
    assert result.code == 2, result.out
    assert result.err.count("\n") == 1, result.err
    assert f"revision {version} skips a number: the revision after 0.1 is one of " in result.err
    assert "0.1.1, 0.2, 1.0" in result.err
    assert not (repo / "schema" / f"v{version}").exists()


def test_revisions_are_released_in_order(repo: Path) -> None:
    new_revision(repo, "0.2")
    new_revision(repo, "0.3")  # the next minor of the draft 0.2
    early = run_cli("revision", "release", "0.3", "--repo", str(repo))
    assert early.code == 2
    assert early.err.count("\n") == 1, early.err
    assert "revision 0.2 is still a draft: release it" in early.err
    assert "revisions are released in order" in early.err
    patch(repo / "schema/v0.3/revision.json", lambda d: d.update(status="released"))
    late = run_cli("revision", "release", "0.2", "--repo", str(repo))
    assert late.code == 2
    assert "revision 0.3 is already released, so 0.2 can no longer be" in late.err
    manifest = json.loads((repo / "schema/v0.2/revision.json").read_text("utf-8"))
    assert manifest["status"] == "draft"
