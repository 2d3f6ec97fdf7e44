"""#17 end to end: a second revision in a temporary copy of the repository, with no hand edit.

`scripts/revision_example.py` runs `revision new`, an edit (an optional field, a new event type),
`compat` (refused until the type is declared), `scripts/generate.py`, a CHANGELOG entry and
`revision release` (which itself runs `generate --check` and the strict docs build) in the copy,
and the page it writes must equal the committed docs/guides/revision-example.md. Then the
language tests run on the copy's new bindings (`-k v0_2`). About two minutes: marked slow.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from tests._support import ROOT

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.slow
TOOLS = ("go", "cargo", "mvn", "node")


def _env(repo: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(repo / "src"), str(repo)])}


def test_second_revision_in_a_copy_of_the_repository(tmp_path: Path) -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    missing += [
        rel
        for rel in ("scripts/codegen/node/node_modules", ".cache/docs")
        if not (ROOT / rel).exists()
    ]
    if missing:
        reason = f"needs {', '.join(missing)} (make setup-codegen setup-docs-js)"
        if os.environ.get("VRP_REQUIRE_TOOLCHAINS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    repo = tmp_path / "repo"
    repo.mkdir()
    done = subprocess.run(
        [sys.executable, "scripts/revision_example.py", "--check", "--keep", str(repo)],
        cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = json.loads((repo / "schema" / "v0.2" / "revision.json").read_text("utf-8"))
    assert manifest["status"] == "released"
    assert manifest["released"] == "2026-12-01"
    for rel in (
        "generated/jsonschema/vrp-event-v0.2.schema.json",
        "generated/python/vrp_event_v0_2.py",
        "generated/typescript/v0_2/index.d.ts",
        "generated/go/v0_2/types.go",
        "generated/rust/v0_2/src/lib.rs",
        "generated/java/v0_2/src/main/java/dev/vrp/contract/v0_2/Heartbeat.java",
        "src/vrp_contract/generated/v0_2.py",
    ):
        assert (repo / rel).is_file(), rel
    listed = subprocess.run(
        [sys.executable, "-m", "vrp_contract", "schema", "--list"],
        cwd=repo, env=_env(repo), capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    assert "0.2\tv0.2\treleased" in listed
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/generated",
         "-k", "v0_2"],
        cwd=repo, env={**_env(repo), "VRP_REQUIRE_TOOLCHAINS": "1"}, capture_output=True,
        text=True, timeout=1800, check=False,
    )  # fmt: skip
    tail = tests.stdout[-3000:] + tests.stderr[-2000:]
    assert tests.returncode == 0, tail
    assert " passed" in tests.stdout
    assert "skipped" not in tests.stdout.splitlines()[-1], tail
