"""The rule table: every compatibility rule with its id, purpose, directions and category.

`RULES` is the stable API for docs (one page per rule) and for tests (one fixture pair per rule);
`examples(rule_id)` returns the fixture cases of a rule from `tests/compat/cases/<rule_id>/`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vrp_contract.compat import revision as _revision
from vrp_contract.compat import rules as _rules
from vrp_contract.compat._rule import _TABLE, Rule
from vrp_contract.compat.walk import BOOLEAN, UNCLASSIFIED, Walker
from vrp_contract.revisions import shipped_folder

if TYPE_CHECKING:
    from vrp_contract.compat.sources import SchemaSet

__all__ = [
    "NODE_RULES",
    "RULES",
    "RuleExample",
    "cases_root",
    "examples",
    "get_rule",
    "make_walker",
]

_LOADED = (_rules, _revision, BOOLEAN, UNCLASSIFIED)  # importing them registers their rules

RULES: tuple[Rule, ...] = tuple(
    sorted(_TABLE.values(), key=lambda r: (r.fn is None, r.category == "revision"))
)
"""Every rule, node rules first in the order the walker applies them."""
NODE_RULES: list[Rule] = [r for r in RULES if r.fn is not None]
"""The rules the walker runs on every pair of schema nodes."""


def make_walker(old: SchemaSet, new: SchemaSet) -> Walker:
    """A walker over two inputs with every node rule and the combinator flattening."""
    walker = Walker(old, new, NODE_RULES)
    walker.restructure = _rules.composition.restructured
    return walker


def get_rule(rule_id: str) -> Rule:
    """Return the rule registered as `rule_id` (KeyError when unknown)."""
    return _TABLE[rule_id]


@dataclass(frozen=True)
class RuleExample:
    """One fixture case of a rule: OLD, NEW and the expected verdict and findings."""

    rule: str
    name: str
    old: Any
    new: Any
    expect: dict[str, Any]
    """`mode`, `compatible`, `bump` and `findings` (rule, directions, pointers)."""
    path: Path


def cases_root() -> Path:
    """The rules' fixture cases: `tests/compat/cases` in a checkout, package data in a wheel."""
    return Path(str(shipped_folder("tests/compat/cases", "compat/_cases")))


def examples(rule_id: str, root: Path | None = None) -> list[RuleExample]:
    """Return the fixture cases of `rule_id`, failing cases (`fail-*`) first, sorted by name.

    Directory cases (`old/` and `new/` revision folders) give the folder paths as `old`/`new`.
    """
    folder = (root or cases_root()) / rule_id
    if not folder.is_dir():
        return []
    out: list[RuleExample] = []
    for case in sorted(folder.iterdir(), key=lambda p: (not p.name.startswith("fail"), p.name)):
        expect_file = case / "expect.json"
        if not expect_file.is_file():
            continue
        sides = []
        for name in ("old", "new"):
            file = case / f"{name}.json"
            sides.append(json.loads(file.read_text("utf-8")) if file.is_file() else case / name)
        expect = json.loads(expect_file.read_text("utf-8"))
        out.append(RuleExample(rule_id, case.name, sides[0], sides[1], expect, case))
    return out
