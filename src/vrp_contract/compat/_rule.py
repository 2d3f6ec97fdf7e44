"""The rule record and the decorator that registers one rule function per compatibility rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vrp_contract import catalog
from vrp_contract.findings import Severity

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from vrp_contract.compat.model import Change
    from vrp_contract.compat.walk import Pair

    RuleFn = Callable[[Pair], Iterable[Change]]

__all__ = ["Rule", "rule"]


@dataclass(frozen=True)
class Rule:
    """One compatibility rule: a stable id, a purpose sentence and the directions it can break.

    `category` is the rule family (`type`, `object`, `array`, ..., `revision`); `keywords` are the
    schema keywords the rule decides (the walker reports any other changed keyword as
    `unclassified`); `default` is the severity of a finding that breaks the checked mode.
    """

    id: str
    purpose: str
    directions: tuple[str, ...]
    category: str
    keywords: tuple[str, ...] = ()
    default: str = "error"
    applies_to: str | None = None
    """The instance type the keywords constrain (`string`, ...), or None for any instance."""
    always: bool = False
    """A finding of this rule fails whatever the mode (a released revision edited, a bump)."""
    fn: RuleFn | None = field(default=None, compare=False, repr=False)


_TABLE: dict[str, Rule] = {}


def rule(  # noqa: PLR0913 - the fields of one Rule
    rule_id: str,
    purpose: str,
    *,
    directions: tuple[str, ...],
    category: str,
    keywords: tuple[str, ...] = (),
    applies_to: str | None = None,
) -> Callable[[RuleFn], RuleFn]:
    """Register the decorated function as the rule `rule_id` (purpose: one full sentence)."""

    def register(fn: RuleFn) -> RuleFn:
        if rule_id in _TABLE:
            msg = f"duplicate compatibility rule id {rule_id!r}"
            raise ValueError(msg)
        _TABLE[rule_id] = _catalogued(
            Rule(rule_id, purpose, directions, category, keywords, applies_to=applies_to, fn=fn)
        )
        return fn

    return register


def declare(
    rule_id: str,
    purpose: str,
    *,
    directions: tuple[str, ...],
    category: str,
    always: bool = False,
) -> Rule:
    """Register a rule that the walker or the revision checks apply (it has no node function)."""
    if rule_id not in _TABLE:
        _TABLE[rule_id] = _catalogued(Rule(rule_id, purpose, directions, category, always=always))
    return _TABLE[rule_id]


def _catalogued(r: Rule) -> Rule:
    """Enter the rule in the package's one catalog (where its severity is decided)."""
    catalog.register(
        catalog.RuleInfo(
            r.id, r.purpose, Severity(r.default), r.category, r.directions, always=r.always
        )
    )
    return r
