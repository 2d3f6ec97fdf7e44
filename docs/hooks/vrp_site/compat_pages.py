"""Pages from the compatibility checker: one page per rule id, one change page per revision pair.

The checker (`vrp_contract.compat`) is imported lazily and guarded: when it is missing or fails,
the pages say so and the hook logs a warning, so `mkdocs build --strict` fails rather than publish
a site without its rule pages (`mkdocs serve` keeps going).
"""

from __future__ import annotations

import itertools
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vrp_site.md import code, json_block, table

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = ["change_pages", "rule_pages"]

log = logging.getLogger("mkdocs.hooks.vrp_site")
JSON = dict[str, Any]
DIRECTIONS = {
    "backward": "backward (a consumer on the new revision may reject events valid under the old)",
    "forward": "forward (a consumer on the old revision may reject events valid under the new)",
}


def _compat() -> Any | None:  # noqa: ANN401 - the module, when present
    try:
        from vrp_contract import compat  # noqa: PLC0415 - optional, developed alongside
    except Exception as exc:  # noqa: BLE001 - reported as a warning: --strict fails, serve goes on
        log.warning("vrp_site: compatibility checker not available (%r)", exc)
        return None
    return compat


def rule_page_path(rule_id: str) -> str:
    """Where the page of a rule lives."""
    return f"rules/{rule_id}.md"


def _side(value: Any, label: str) -> str:  # noqa: ANN401 - a schema, or a folder of one
    if isinstance(value, Path):
        names = sorted(p.relative_to(value).as_posix() for p in value.rglob("*") if p.is_file())
        return (
            f"{label}: a revision folder holding {', '.join(code(n) for n in names) or 'empty'}.\n"
        )
    return json_block(value, title=label)


def _expected(findings: list[JSON]) -> str:
    if not findings:
        return "No findings.\n"
    items = [
        f"- {code(f.get('rule', '?'))} ({f.get('severity', 'error')}, breaks "
        f"{', '.join(f.get('directions', [])) or 'nothing'}) at {code(f.get('pointer') or '/')}\n"
        for f in findings
    ]
    return "Findings:\n\n" + "".join(items)


def _folder_sides(old: Path, new: Path) -> str:
    """Two revision folders of a fixture: the files that differ, old then new."""
    names = sorted(
        {p.relative_to(root).as_posix() for root in (old, new) for p in root.rglob("*.json")}
    )
    out = []
    for name in names:
        a, b = old / name, new / name
        text_a = a.read_text("utf-8") if a.is_file() else None
        text_b = b.read_text("utf-8") if b.is_file() else None
        if text_a == text_b or _same_but_version(text_a, text_b):
            continue
        for side, text in (("old", text_a), ("new", text_b)):
            if text is None:
                out.append(f"{side}: no {code(name)}.\n")
            else:
                out.append(f'```json title="{side}/{name}"\n{text.rstrip()}\n```\n')
    same = [n for n in names if (old / n).is_file() and (new / n).is_file()]
    same = [
        n
        for n in same
        if _same_but_version((old / n).read_text("utf-8"), (new / n).read_text("utf-8"))
        or (old / n).read_bytes() == (new / n).read_bytes()
    ]
    if same:
        listed = ", ".join(code(n) for n in same)
        out.append(f"Unchanged but for the revision number and status: {listed}.\n")
    return "\n".join(out)


_VERSION_KEYS = frozenset({"revision", "label", "status", "released"})


def _same_but_version(a: str | None, b: str | None) -> bool:
    """Two JSON files that differ only in the revision number, label, status or date."""
    try:
        x, y = json.loads(a or "null"), json.loads(b or "null")
    except ValueError:
        return False
    if not (isinstance(x, dict) and isinstance(y, dict)):
        return False
    return {k: v for k, v in x.items() if k not in _VERSION_KEYS} == {
        k: v for k, v in y.items() if k not in _VERSION_KEYS
    }


def _examples_md(compat: Any, rule_id: str) -> str:  # noqa: ANN401
    try:
        cases = list(compat.examples(rule_id))
    except Exception as exc:  # noqa: BLE001 - reported as a warning: --strict fails, serve goes on
        log.warning("vrp_site: the fixture cases of %s failed to load (%r)", rule_id, exc)
        return ""
    out = []
    for case in cases:
        expect: JSON = case.expect
        verdict = "compatible" if expect.get("compatible") else "incompatible"
        out += [
            f"### {code(case.name)}\n",
            f"In {code(expect.get('mode', 'backward'))} mode: **{verdict}**"
            + (f", needs a {code(expect['bump'])} bump" if "bump" in expect else "")
            + ".\n",
            *(
                [_folder_sides(case.old, case.new)]
                if isinstance(case.old, Path) and isinstance(case.new, Path)
                else [_side(case.old, "old"), _side(case.new, "new")]
            ),
            _expected(expect.get("findings", [])),
        ]
    return "\n## Examples\n\n" + "\n".join(out) if out else ""


def _rule_page(compat: Any, rule: Any) -> str:  # noqa: ANN401
    dirs = [DIRECTIONS.get(d, d) for d in getattr(rule, "directions", ())]
    facts = [
        ["Id", code(rule.id)],
        ["Category", str(getattr(rule, "category", "") or "—")],
        ["Breaks", "; ".join(dirs) or "nothing (an annotation)"],
        ["Keywords", ", ".join(code(k) for k in getattr(rule, "keywords", ())) or "—"],
        ["Severity when breaking", str(getattr(rule, "default", "error"))],
    ]
    if getattr(rule, "applies_to", None):
        facts.append(["Applies to", f"{code(rule.applies_to)} instances"])
    return (
        f"# {code(rule.id)}\n\n{rule.purpose}\n\n"
        + table(["Property", "Value"], facts)
        + "\nSee [Compatibility](../guides/compat.md) for how to run the check.\n"
        + _examples_md(compat, rule.id)
    )


def rule_pages() -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Return (path -> page) and the nav entries (category, title, path) of the rule pages."""
    compat = _compat()
    rules = list(getattr(compat, "RULES", ()) or ()) if compat else []
    index = [
        "# Compatibility rules\n",
        (
            "Every finding of `vrp-contract compat` names one of these rules. Each rule has a "
            "stable id, one purpose sentence and the directions a change it detects can break.\n"
        ),
    ]
    pages: dict[str, str] = {}
    if not rules:
        index.append(
            '!!! warning "The rule registry is not available in this build"\n'
            "    The compatibility checker (`vrp_contract.compat`) could not be imported when the "
            "site was built, so no rule pages were generated.\n"
        )
    else:
        index.append(
            table(
                ["Rule", "Category", "Breaks", "Purpose"],
                [
                    [
                        f"[{code(r.id)}]({r.id}.md)",
                        str(getattr(r, "category", "")),
                        ", ".join(getattr(r, "directions", ())) or "—",
                        str(r.purpose),
                    ]
                    for r in rules
                ],
            )
        )
        pages = {rule_page_path(r.id): _rule_page(compat, r) for r in rules}
    pages["rules/index.md"] = "\n".join(index)
    nav = [(str(getattr(r, "category", "") or "other"), r.id, rule_page_path(r.id)) for r in rules]
    return pages, nav


def _pair_page(compat: Any, old: Revision, new: Revision) -> str:  # noqa: ANN401
    head = f"# Changes from {old.name} to {new.name}\n\n"
    try:
        report = compat.compare(str(old.root), str(new.root), "full")
        pair = report.pairs[0]
    except Exception as exc:  # noqa: BLE001 - report the failure on the page, keep building
        log.warning(
            "vrp_site: the compatibility checker failed on %s -> %s: %r", old.name, new.name, exc
        )
        return head + f"The compatibility checker failed on this pair: {code(repr(exc))}.\n"
    verdict = "compatible both ways" if pair.compatible else "**not** compatible both ways"
    rows = [
        [
            f"[{code(f.rule)}](../../{rule_page_path(f.rule)})",
            str(f.severity),
            ", ".join(f.directions) or "—",
            code(f.pointer or "/"),
            f.message,
        ]
        for f in pair.findings
    ]
    bump = str(pair.bump)
    needs = "no version bump" if bump == "none" else f"a {code(bump)} version bump"
    body = f"Checked in `full` mode: {verdict}; the change needs {needs}.\n\n"
    return (
        head
        + body
        + _declared_md(new)
        + (
            table(["Rule", "Severity", "Breaks", "Where", "Change"], rows)
            if rows
            else "No changes.\n"
        )
    )


def _declared_md(new: Revision) -> str:
    """The additions and meaning changes NEW's revision.json declares, with their reasons."""
    try:
        manifest = dict(new.manifest)
    except (OSError, ValueError):
        return ""
    out = []
    for key, name_key, title in (
        ("added_event_types", "name", "Event types introduced by this revision"),
        ("changed_invariants", "id", "Invariants whose meaning this revision changes"),
    ):
        entries = [e for e in manifest.get(key) or [] if isinstance(e, dict)]
        if entries:
            out.append(f"**{title}** (declared in `revision.json`):\n\n")
            out += [f"- {code(e.get(name_key, '?'))}: {e.get('reason', '')}\n" for e in entries]
            out.append("\n")
    return "".join(out)


def change_pages(revisions: list[Revision]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Return (path -> page) and nav entries of the change pages between consecutive revisions."""
    index = [
        "# Changes between revisions\n",
        (
            "Each page lists what the compatibility checker finds between two consecutive "
            "revisions, in `full` mode (both directions).\n"
        ),
    ]
    pages: dict[str, str] = {}
    nav: list[tuple[str, str]] = []
    if len(revisions) < 2:
        only = ", ".join(r.name for r in revisions) or "none"
        index.append(
            f"Only one revision exists so far ({code(only)}), so there are no changes to show yet. "
            "The first change page appears here when the next revision is added under `schema/`.\n"
        )
    compat = _compat() if len(revisions) >= 2 else None
    for old, new in itertools.pairwise(revisions):
        path = f"reference/changes/v{old.name}-to-v{new.name}.md"
        if compat is None:
            pages[path] = (
                f"# Changes from {old.name} to {new.name}\n\n"
                "The compatibility checker is not available in this build.\n"
            )
        else:
            pages[path] = _pair_page(compat, old, new)
        title = f"{old.name} → {new.name}"
        nav.append((title, path))
        index.append(f"- [{title}](changes/v{old.name}-to-v{new.name}.md)\n")
    pages["reference/changes.md"] = "\n".join(index)
    return pages, nav
