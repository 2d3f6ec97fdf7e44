"""rust: not written yet."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from vrp_contract.revisions import Revision

__all__ = ["NAME", "ROOTS", "generate", "tool_status"]

NAME = "rust"
ROOTS = ("generated/rust",)


def tool_status() -> str | None:
    """Not written yet."""
    return "not written yet"


def generate(revision: Revision, out: Path) -> None:
    """Not written yet."""
