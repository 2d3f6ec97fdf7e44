"""The compatibility checker: is every instance OLD accepts still accepted by NEW (and back)?

`compare(old, new, mode)` checks two inputs (a schema file, a revision folder or `git:REF:PATH`);
`check_all(folder)` checks every revision of a folder. Both return a `CompatReport` whose findings
are `vrp_contract.Finding`s; `RULES` lists every rule (id, purpose, directions, category).
"""

from __future__ import annotations

from vrp_contract.compat._rule import Rule
from vrp_contract.compat.allrev import check_all
from vrp_contract.compat.check import CompatReport, PairReport, bump_of, compare
from vrp_contract.compat.model import Bump, Change, Mode
from vrp_contract.compat.registry import RULES, examples, get_rule
from vrp_contract.compat.sources import InputError, SchemaSet, load_source

__all__ = [
    "RULES",
    "Bump",
    "Change",
    "CompatReport",
    "InputError",
    "Mode",
    "PairReport",
    "Rule",
    "SchemaSet",
    "bump_of",
    "check_all",
    "compare",
    "examples",
    "get_rule",
    "load_source",
]
