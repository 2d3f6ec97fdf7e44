"""The behavioural contract in every language: neutral tables and one generator per language.

`common.tables(revision)` reads a revision's state machine, behaviour data, invariants and default
policy into neutral tables; each language module turns them into constants and a session checker
inside that language's generated package. `scripts/generate.py` calls `extend(language, revision,
out)` right after a language target wrote its package, so `--check` covers these files too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scripts.codegen.behaviour import go, java, rust, typescript

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from vrp_contract.revisions import Revision

__all__ = ["GENERATORS", "extend"]

GENERATORS: dict[str, Callable[[Revision, Path], None]] = {
    "typescript": typescript.generate,
    "go": go.generate,
    "rust": rust.generate,
    "java": java.generate,
}
"""Language target name -> the generator that adds the behaviour to its package."""


def extend(language: str, revision: Revision, out: Path) -> None:
    """Add the behaviour of `revision` to the package `language` just wrote under `out`."""
    generator = GENERATORS.get(language)
    if generator is not None:
        generator(revision, out)
