"""A strict site build fails without the pinned Mermaid script (the diagram would show as code)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from tests.docs.docs_site_support import ROOT

if TYPE_CHECKING:
    from pathlib import Path


def _checkout_without_mermaid(tmp_path: Path) -> Path:
    """The checkout seen through symlinks, minus `.cache/` (where the fetched script lives)."""
    root = tmp_path / "checkout"
    root.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in {".cache", "site", ".git", "mkdocs.yml"}:
            (root / entry.name).symlink_to(entry)
    # a copy, not a link: the hook finds the project root from the resolved config path
    shutil.copyfile(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


@pytest.mark.parametrize("quiet", [False, True], ids=["default", "quiet"])
def test_strict_build_fails_without_the_pinned_mermaid(tmp_path: Path, quiet: bool):
    root = _checkout_without_mermaid(tmp_path)
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")]
    proc = subprocess.run(
        [*command, *(["--quiet"] if quiet else [])],
        cwd=root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode != 0
    assert "mermaid@" in proc.stderr
    assert "make setup-docs-js" in proc.stderr
    assert not (tmp_path / "site" / "index.html").exists()
