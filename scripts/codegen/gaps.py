"""Known gaps: per language, the vectors its decoder cannot enforce (a list people maintain).

`scripts/codegen/gaps/<lang>.json` is copied next to each generated binding as `known-gaps.json`,
where that language's vector test reads it: a vector listed there must still misbehave (so the list
never goes stale), and every vector not listed must pass.
"""

from __future__ import annotations

from pathlib import Path

from scripts.codegen.common import write

__all__ = ["copy_gaps"]

GAPS = Path(__file__).parent / "gaps"


def copy_gaps(language: str, out: Path, rel: str) -> None:
    """Copy the gap list of `language` to `out/rel`."""
    write(out, rel, (GAPS / f"{language}.json").read_text("utf-8"))
