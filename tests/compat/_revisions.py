"""Synthetic revision folders for compat tests (never the real `schema/`)."""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING, Any

from tests._support import ROOT

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

REAL = ROOT / "schema" / "v0.1"
SUPPLEMENT = ROOT / "schema" / "supplements" / "v0.1" / "behaviour.json"


def write(path: Path, doc: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n", "utf-8")
    return path


def copy_revision(
    dest: Path,
    version: str,
    *,
    status: str = "released",
    edit: Callable[[Path], None] | None = None,
) -> Path:
    """Copy revision 0.1 to `dest/v<version>` with its ids and manifest renamed, then `edit` it."""
    target = dest / f"v{version}"
    shutil.copytree(REAL, target)
    for file in target.rglob("*.json"):
        text = file.read_text("utf-8").replace("/contract/v0.1/", f"/contract/v{version}/")
        file.write_text(text, "utf-8")
    behaviour = json.loads(SUPPLEMENT.read_text("utf-8"))  # later revisions carry their own
    behaviour.update(revision=version)
    behaviour.pop("$schema", None)
    write(target / "behaviour.json", behaviour)
    manifest = json.loads((target / "revision.json").read_text("utf-8"))
    manifest.update(revision=version, status=status)
    write(target / "revision.json", manifest)
    if edit is not None:
        edit(target)
    return target


def patch(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    doc = json.loads(path.read_text("utf-8"))
    change(doc)
    write(path, doc)
