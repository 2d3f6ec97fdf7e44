"""Rule pages from the catalog, and one change page per revision pair from the checker.

Every rule id the package can emit is listed from `vrp_contract.catalog`; compatibility rules get
a page with their fixture cases, stream rules a page with their behaviour-suite case. When the
checker fails on a pair, the change page says so and the hook logs a warning, so `mkdocs build
--strict` fails rather than publish a wrong page (`mkdocs serve` keeps going).
"""

from __future__ import annotations

import itertools
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vrp_contract import catalog, compat
from vrp_contract.revisions import load_revision
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


def _stream_rule_page(info: catalog.RuleInfo, revision: Revision) -> str:
    case = next((c for c in revision.stream_cases() if c.name == info.id), None)
    facts = [
        ["Id", code(info.id)],
        ["Category", "stream invariant (checked per session by the fold)"],
        ["Severity", str(info.severity)],
    ]
    out = [f"# {code(info.id)}\n\n{info.purpose}\n\n", table(["Property", "Value"], facts)]
    out.append(
        "\nSee [The session fold](../guides/session-fold.md) for when the rule runs and "
        "[Validating event streams](../guides/validate.md) for how to run it.\n"
    )
    if case is not None:
        stream = (case / "fail.jsonl").read_text("utf-8")
        expected = (case / "fail.expected.jsonl").read_text("utf-8")
        out += [
            f"\n## Example (revision {revision.name}'s behaviour suite)\n\n",
            "A stream:\n\n```json\n" + stream.rstrip("\n") + "\n```\n\n",
            "and its findings:\n\n```json\n" + expected.rstrip("\n") + "\n```\n",
        ]
    return "".join(out)


def rule_pages() -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Return (path -> page) and the nav entries (category, title, path) of the rule pages."""
    revision = load_revision()
    infos = catalog.rules(revision)
    by_id = {r.id: r for r in compat.RULES}
    pages: dict[str, str] = {}
    for info in infos:
        if info.id in by_id:
            pages[rule_page_path(info.id)] = _rule_page(compat, by_id[info.id])
        elif info.category == "stream":
            pages[rule_page_path(info.id)] = _stream_rule_page(info, revision)
    rows = [
        [
            f"[{code(r.id)}]({r.id}.md)" if rule_page_path(r.id) in pages else code(r.id),
            r.category,
            str(r.severity),
            ", ".join(r.applies_to) or "—",
            r.purpose,
        ]
        for r in infos
    ]
    index = [
        "# Rules\n",
        (
            "Every finding of every `vrp-contract` command names one of these rules: input and "
            "schema rules (`validate`, the language decoders), the stream invariants of revision "
            f"{code(revision.name)} (`validate`, the session checkers), compatibility and revision "
            "rules (`compat`, `revision`), vendoring rules (`vendor --check`). Each has a stable "
            "id, one purpose sentence and a severity, all from one catalog "
            "(`vrp_contract.catalog`).\n"
        ),
        table(["Rule", "Category", "Severity", "Breaks", "Purpose"], rows),
    ]
    pages["rules/index.md"] = "\n".join(index)
    nav = [
        (r.category or "other", r.id, rule_page_path(r.id))
        for r in infos
        if rule_page_path(r.id) in pages
    ]
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
    for old, new in itertools.pairwise(revisions):
        path = f"reference/changes/v{old.name}-to-v{new.name}.md"
        pages[path] = _pair_page(compat, old, new)
        title = f"{old.name} → {new.name}"
        nav.append((title, path))
        index.append(f"- [{title}](changes/v{old.name}-to-v{new.name}.md)\n")
    pages["reference/changes.md"] = "\n".join(index)
    return pages, nav
