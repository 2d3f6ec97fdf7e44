"""Markdown for the docs site: one page per compatibility rule, from the registry and fixtures.

The mkdocs hook calls `rule_pages()` (or `rule_page(rule_id)`) and writes each page; nothing here
opens schema files, only the rule table and the rule's fixture cases.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from vrp_contract.compat.registry import RULES, examples, get_rule

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["rule_page", "rule_pages"]


def _block(value: Any) -> list[str]:  # noqa: ANN401 - a JSON document or a folder
    if not isinstance(value, dict | list | bool):
        return [f"(revision folder `{getattr(value, 'name', value)}`, see the test fixtures)"]
    return ["```json", json.dumps(value, indent=2, ensure_ascii=False), "```"]


def rule_page(rule_id: str, cases_root: Path | None = None) -> str:
    """Return the markdown page of one rule: purpose, directions, category, and one example."""
    rule = get_rule(rule_id)
    directions = ", ".join(rule.directions) or "never breaks"
    out = [
        f"# `{rule.id}`",
        "",
        rule.purpose,
        "",
        f"- **Category:** {rule.category}",
        f"- **Can break:** {directions}",
    ]
    if rule.keywords:
        out.append("- **Keywords:** " + ", ".join(f"`{k}`" for k in rule.keywords))
    cases = examples(rule_id, cases_root)
    if cases:
        case = cases[0]
        verdict = "compatible" if case.expect["compatible"] else "incompatible"
        mode, bump = case.expect["mode"], case.expect["bump"]
        needs = "needs no version bump" if bump == "none" else f"needs a **{bump}** bump"
        summary = f"In {mode} mode this is **{verdict}** and {needs}. Findings:"
        out += ["", f"## Example: `{case.name}`", "", "OLD:", "", *_block(case.old), ""]
        out += ["NEW:", "", *_block(case.new), "", summary, "", *_block(case.expect["findings"])]
    return "\n".join(out) + "\n"


def rule_pages(cases_root: Path | None = None) -> dict[str, str]:
    """Return `{rule_id: markdown}` for every registered rule, in registry order."""
    return {rule.id: rule_page(rule.id, cases_root) for rule in RULES}
