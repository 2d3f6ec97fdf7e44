"""Test-only revision folders: revision 0.1 copied into a temp dir, then a 0.2 made from it.

Never under schema/: each test builds its own tree in pytest's tmp_path.
"""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING, Any

from tests._support import ROOT

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

JSON = dict[str, Any]
EVENT = "events/mutation_tick.schema.json"


def tree(tmp: Path, edit: Callable[[JSON], None] | None = None, rel: str = EVENT) -> Path:
    """`tmp/schema` holding v0.1 and, with `edit`, a v0.2 whose file `rel` `edit` changed."""
    root = tmp / "schema"
    shutil.copytree(ROOT / "schema" / "v0.1", root / "v0.1")
    if edit is None:
        return root
    new = root / "v0.2"
    shutil.copytree(root / "v0.1", new)
    for path in new.rglob("*.json"):
        text = path.read_text("utf-8")
        path.write_text(text.replace("/contract/v0.1/", "/contract/v0.2/"), "utf-8")
    manifest = json.loads((new / "revision.json").read_text("utf-8"))
    manifest.update(revision="0.2", label="v0.2-test", status="draft")
    manifest.pop("released", None)
    (new / "revision.json").write_text(json.dumps(manifest, indent=2), "utf-8")
    doc = json.loads((new / rel).read_text("utf-8"))
    edit(doc)
    (new / rel).write_text(json.dumps(doc, indent=2), "utf-8")
    return root


NOTE = {"type": "string", "description": "A test-only note.", "examples": ["n"]}


def add_optional(doc: JSON) -> None:
    """Compatible: an optional property in the closed event model."""
    doc["properties"]["note"] = NOTE


def add_required(doc: JSON) -> None:
    """Breaking: a new required property (old events lack it)."""
    doc["properties"]["note"] = NOTE
    doc["required"].append("note")


def add_dependent_required(doc: JSON) -> None:
    """Breaking by set inclusion (node_id now needs reason_code); the registry's rules miss it."""
    doc["dependentRequired"] = {"node_id": ["reason_code"]}


def describe_open_details(doc: JSON) -> None:
    """Compatible by set inclusion (a property of the open details that accepts anything).

    The registry's rule (a property added to an open content model) rejects it.
    """
    doc["properties"]["details"]["properties"] = {"tick": {"description": "The tick number."}}
