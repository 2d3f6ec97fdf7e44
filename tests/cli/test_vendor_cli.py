"""`vrp-contract vendor`: a consuming service's copy of a revision, its lock, and `--check`."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest

from tests._support import ROOT, run_cli
from vrp_contract import __version__, finding_schema, load_revision
from vrp_contract.vendor import BUNDLE_NAME, LOCK_NAME

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def vendored(tmp_path: Path) -> Path:
    target = tmp_path / "vendor" / "vrp" / "v0.1"
    result = run_cli("vendor", "--revision", "0.1", str(target))
    assert result.code == 0, result.err
    assert result.out.startswith("vendored revision 0.1 (v0.1-preview): ")
    return target


def _lock(target: Path) -> dict[str, Any]:
    lock: dict[str, Any] = json.loads((target / LOCK_NAME).read_text("utf-8"))
    return lock


def _check(target: Path, *args: str):
    return run_cli("vendor", "--check", *args, str(target))


def test_the_copy_holds_every_part_of_the_revision_and_a_lock(vendored: Path):
    rev = load_revision("0.1")
    lock = _lock(vendored)
    assert lock["revision"] == "0.1"
    assert lock["package"] == "vrp-contract"
    assert lock["package_version"] == __version__
    on_disk = {p.relative_to(vendored).as_posix() for p in vendored.rglob("*") if p.is_file()}
    on_disk.discard(LOCK_NAME)
    assert set(lock["files"]) == on_disk
    for rel, digest in lock["files"].items():
        assert hashlib.sha256((vendored / rel).read_bytes()).hexdigest() == digest
    for rel in rev.files():  # every schema file
        assert (vendored / rel).read_bytes() == rev.root.joinpath(*rel.split("/")).read_bytes()
    for rel in ("state-machine.json", "invariants.json", "policy.default.json", "revision.json"):
        assert json.loads((vendored / rel).read_text("utf-8")) == rev.data_file(rel)
    # the behaviour data lives beside the released revision 0.1, and is vendored with it
    assert json.loads((vendored / "behaviour.json").read_text("utf-8")) == rev.behaviour
    for kind in ("valid", "invalid"):
        vectors = rev.examples(kind)
        assert vectors
        for name, vector in vectors:
            path = vendored / "examples" / kind / f"{name}.json"
            assert json.loads(path.read_text("utf-8")) == vector
    bundle = json.loads((vendored / BUNDLE_NAME).read_text("utf-8"))
    assert "DO NOT EDIT" in bundle.pop("$comment")
    assert bundle == rev.bundle()


def test_a_fresh_copy_checks_clean(vendored: Path):
    result = _check(vendored)
    assert result.code == 0
    files = len(_lock(vendored)["files"])
    assert result.out.splitlines()[0] == (
        f"OK: {vendored}: {files} files match the lock (revision 0.1 vendored by vrp-contract "
        f"{__version__}, checked with {__version__})."
    )


def test_edited_missing_and_unexpected_files_fail_the_check(vendored: Path):
    (vendored / "state-machine.json").write_text("{}\n", "utf-8")
    (vendored / "events" / "path_selected.schema.json").unlink()
    (vendored / "notes.txt").write_text("mine\n", "utf-8")
    result = _check(vendored)
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0].startswith(f"{vendored / 'events' / 'path_selected.schema.json'}: error ")
    assert "vendor.missing" in lines[0]
    assert any("vendor.edited: The file was edited after it was vendored" in x for x in lines)
    assert any(x.startswith(f"{vendored / 'notes.txt'}: error vendor.unexpected: ") for x in lines)
    assert f"FAILED: {vendored} differs from its lock or this package: 3 findings" in result.out
    assert "  findings  rule" in lines
    assert f"vrp-contract vendor --revision 0.1 {vendored}" in lines[-2]
    assert lines[-1].startswith("Move the files the lock does not list out of the folder")


def test_the_advice_for_an_extra_file_alone_is_to_move_it(vendored: Path):
    (vendored / "notes.txt").write_text("ours", "utf-8")
    result = run_cli("vendor", "--check", str(vendored))
    assert result.code == 1
    assert "vrp-contract vendor --revision" not in result.out  # vendoring again would keep it
    assert result.out.splitlines()[-1].startswith("Move the files the lock does not list")


def test_a_damaged_lock_says_to_remove_the_folder(vendored: Path):
    (vendored / "vrp-contract.lock.json").write_text("{", "utf-8")
    result = run_cli("vendor", "--revision", "0.1", str(vendored))
    assert result.code == 2
    assert f"the lock is damaged: remove {vendored} and vendor the revision again" in result.err


def test_a_copy_from_another_package_version_is_stale(vendored: Path):
    """What an older vrp-contract wrote: a file and its hash differ consistently from ours."""
    lock = _lock(vendored)
    (vendored / "policy.default.json").write_text('{"old": true}\n', "utf-8")
    lock["files"]["policy.default.json"] = hashlib.sha256(b'{"old": true}\n').hexdigest()
    (vendored / "behaviour.json").unlink()
    del lock["files"]["behaviour.json"]
    lock["package_version"] = "0.0.9"
    (vendored / LOCK_NAME).write_text(json.dumps(lock), "utf-8")
    result = _check(vendored, "--format", "jsonl")
    assert result.code == 1
    findings = [json.loads(x) for x in result.out.splitlines()]
    validator = jsonschema.Draft202012Validator(finding_schema())
    for finding in findings:
        validator.validate(finding)
    assert [(f["rule"], f["source"].rsplit("/", 1)[-1]) for f in findings] == [
        ("vendor.stale", "behaviour.json"),
        ("vendor.stale", "policy.default.json"),
    ]
    assert "lacks" in findings[0]["message"]
    assert "ships a different version" in findings[1]["message"]


def test_the_expected_revision_and_an_unknown_one(vendored: Path):
    assert _check(vendored, "--revision", "0.1").code == 0
    unknown = _check(vendored, "--revision", "7.0")
    assert unknown.code == 2
    assert "unknown revision '7.0'" in unknown.err
    lock = _lock(vendored)
    lock["revision"] = "9.9"
    (vendored / LOCK_NAME).write_text(json.dumps(lock), "utf-8")
    future = _check(vendored)
    assert future.code == 1
    assert "revision 9.9, which this vrp-contract does not ship" in future.out


@pytest.mark.parametrize(
    ("lock_text", "said"),
    [
        ("not json", "not valid JSON"),
        ("[]", "expected a JSON object"),
        ('{"revision": "0.1", "package_version": "0.1.0"}', "field 'files'"),
        (
            '{"revision": "0.1", "package_version": "0.1.0", "files": {"../x": "00"}}',
            "which is not inside",
        ),
        ('{"revision": 1, "package_version": "0.1.0", "files": {}}', "field 'revision'"),
    ],
)
def test_a_bad_lock_is_one_line_and_exit_2(vendored: Path, lock_text: str, said: str):
    (vendored / LOCK_NAME).write_text(lock_text, "utf-8")
    result = _check(vendored)
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert said in result.err
    assert str(vendored / LOCK_NAME) in result.err


def test_folders_that_cannot_be_vendored_into_or_checked(tmp_path: Path):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "main.go").write_text("package main\n", "utf-8")
    refused = run_cli("vendor", str(busy))
    assert refused.code == 2
    assert f"{busy}: the folder is not empty and holds no {LOCK_NAME}" in refused.err
    assert sorted(p.name for p in busy.iterdir()) == ["main.go"]  # nothing written
    a_file = tmp_path / "file"
    a_file.write_text("", "utf-8")
    assert "is not a folder" in run_cli("vendor", str(a_file)).err
    no_lock = _check(busy)
    assert no_lock.code == 2
    assert f"no {LOCK_NAME} here" in no_lock.err
    assert _check(tmp_path / "absent").code == 2
    assert run_cli("vendor", "--revision", "7.0", str(tmp_path / "new")).code == 2


def test_vendoring_again_replaces_the_copy_and_drops_files_it_no_longer_has(vendored: Path):
    lock = _lock(vendored)
    (vendored / "retired").mkdir()
    (vendored / "retired" / "old.json").write_text("{}", "utf-8")
    lock["files"]["retired/old.json"] = hashlib.sha256(b"{}").hexdigest()
    (vendored / "state-machine.json").write_text("{}", "utf-8")  # a hand edit, overwritten
    (vendored / LOCK_NAME).write_text(json.dumps(lock), "utf-8")
    again = run_cli("vendor", "--revision", "0.1", str(vendored))
    assert again.code == 0
    assert f"removed {vendored / 'retired' / 'old.json'}" in again.out
    assert not (vendored / "retired").exists()
    assert _check(vendored).code == 0


def test_compat_on_vendored_copies_ignores_the_lock_and_the_bundle(tmp_path: Path, vendored: Path):
    other = tmp_path / "other"
    assert run_cli("vendor", "-r", "0.1", str(other)).code == 0
    lock = _lock(other)
    lock["package_version"] = "9.0.0"  # a newer package re-vendored the same revision
    (other / LOCK_NAME).write_text(json.dumps(lock), "utf-8")
    (other / BUNDLE_NAME).write_text("{}", "utf-8")
    same = run_cli("compat", str(vendored), str(other))
    assert same.code == 0, same.out
    path = other / "events" / "path_selected.schema.json"
    schema = json.loads(path.read_text("utf-8"))
    schema["required"] = [*schema.get("required", []), "extra_field"]
    path.write_text(json.dumps(schema), "utf-8")
    assert run_cli("compat", str(vendored), str(other)).code == 1


def test_an_installed_package_vendors_the_same_files(tmp_path: Path, vendored: Path):
    """The wheel's layout (pyproject: `schema` force-included as `vrp_contract/_schema`)."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "src" / "vrp_contract", site / "vrp_contract")
    shutil.copytree(ROOT / "schema", site / "vrp_contract" / "_schema")
    installed = tmp_path / "installed"
    proc = subprocess.run(
        [sys.executable, "-m", "vrp_contract", "vendor", "--revision", "0.1", str(installed)],
        env={**os.environ, "PYTHONPATH": str(site)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert (installed / LOCK_NAME).read_bytes() == (vendored / LOCK_NAME).read_bytes()
    probe = "import vrp_contract.revisions as r; print(r.schema_root())"
    where = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    assert where == str(site / "vrp_contract" / "_schema")
