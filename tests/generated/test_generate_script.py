"""scripts/generate.py itself: --check reports drift, every generated file says DO NOT EDIT."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from scripts import generate
from tests.generated._toolchain import GENERATED, REPO

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

NO_HEADER = {"go.sum", "Cargo.lock", "LICENSE"}  # formats without comments (see README.md)


def _generated_files() -> Iterator[Path]:
    roots = [GENERATED, REPO / "src" / "vrp_contract" / "generated"]
    for root in roots:
        yield from (p for p in generate._files(root).values() if p.name not in NO_HEADER)


@pytest.mark.parametrize("path", list(_generated_files()), ids=lambda p: str(p.relative_to(REPO)))
def test_every_generated_file_has_the_header(path):
    head = path.read_text("utf-8")[:4000]
    assert "DO NOT EDIT" in head
    assert "scripts/generate.py" in head


def test_check_is_clean_for_the_python_targets():
    proc = subprocess.run(
        [
            sys.executable,
            "scripts/generate.py",
            "--check",
            "--only",
            "jsonschema",
            "--only",
            "python",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "in sync" in proc.stdout


def test_compare_names_changed_missing_and_stale_files(tmp_path):
    roots = generate._generate(tmp_path, ["jsonschema"])
    assert generate._compare(tmp_path, roots) == []
    bundle = tmp_path / "generated" / "jsonschema" / "vrp-event-v0.1.schema.json"
    bundle.write_text(bundle.read_text().replace("VrpEvent", "Renamed", 1))
    (tmp_path / "generated" / "jsonschema" / "new.json").write_text("{}")
    (tmp_path / "generated" / "jsonschema" / "vrp-event-v0.1.tests.json").unlink()
    problems = generate._compare(tmp_path, roots)
    kinds = sorted(p.split(":", 1)[0] for p in problems)
    assert kinds == ["changed", "missing", "stale"]
    assert any("Renamed" in p for p in problems)


def test_usage_error_exit_code():
    proc = subprocess.run(
        [sys.executable, "scripts/generate.py", "--only", "cobol"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2


def test_whole_folder_replaces_the_per_language_roots():
    roots = ["generated/jsonschema", "generated/python", "src/vrp_contract/generated"]
    assert generate.whole_folder(roots) == ["generated", "src/vrp_contract/generated"]


def test_a_stray_file_in_generated_is_drift(tmp_path):
    fresh, repo = tmp_path / "fresh", tmp_path / "repo"
    roots = generate._generate(fresh, ["jsonschema"])
    for rel, path in generate._files(fresh).items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_bytes(path.read_bytes())
    (repo / "generated" / "csharp").mkdir()
    (repo / "generated" / "csharp" / "Event.cs").write_text("// by hand\n")
    (repo / "generated" / "jsonschema" / "node_modules").mkdir()  # build output: ignored
    (repo / "generated" / "jsonschema" / "node_modules" / "x.js").write_text("")
    assert generate._compare(fresh, roots, repo) == []  # per-language roots miss it
    problems = generate._compare(fresh, generate.whole_folder(roots), repo)
    assert problems == ["stale: generated/csharp/Event.cs (no longer generated)"]
