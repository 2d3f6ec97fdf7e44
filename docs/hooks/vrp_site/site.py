"""Everything the hook adds to the site: generated pages, downloadable files and nav sections."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vrp_site import behaviour_tables, compat_pages, links, model, reference
from vrp_site.md import code, table

if TYPE_CHECKING:
    from pathlib import Path

    from vrp_contract.revisions import Revision

__all__ = [
    "CHANGES_NAV",
    "REFERENCE_NAV",
    "RULES_NAV",
    "GeneratedSite",
    "changelog_page",
    "expand_nav",
    "generate",
]

# The placeholders of mkdocs.yml's nav that the hook expands into generated sections.
REFERENCE_NAV = "reference/index.md"
RULES_NAV = "rules/index.md"
CHANGES_NAV = "reference/changes.md"
NavItem = str | dict[str, Any]


@dataclass
class GeneratedSite:
    """Pages (src path -> Markdown), static files (site path -> bytes) and nav sections."""

    pages: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    nav: dict[str, list[NavItem]] = field(default_factory=dict)


def _revision_nav(revision: Revision) -> dict[str, Any]:
    base = links.rev_dir(revision)
    label = revision.manifest.get("label", f"v{revision.name}")
    events: list[NavItem] = [f"{base}/events/index.md"]
    events += [{name: f"{base}/{links.event_page(name)}"} for name in revision.event_types]
    return {
        f"{label}": [
            f"{base}/index.md",
            {"Envelope": f"{base}/envelope.md"},
            {"Event types": events},
            {"State model": f"{base}/state-machine.md"},
            {"Invariants": f"{base}/invariants.md"},
            {"Downloads": f"{base}/downloads.md"},
        ]
    }


def _reference_index(revisions: list[Revision]) -> str:
    latest = revisions[-1] if revisions else None
    rows = [
        [
            f"[{code(r.manifest.get('label', 'v' + r.name))}](v{r.name}/index.md)",
            str(r.manifest.get("status", "")),
            str(r.manifest.get("released", "—")),
            "latest" if r is latest else "",
        ]
        for r in reversed(revisions)
    ]
    return (
        "# Contract reference\n\n"
        "Generated from `schema/` at build time, revision by revision; a released revision never "
        "changes. [Changes between revisions](changes.md) lists what differs between consecutive "
        "revisions.\n\n" + table(["Revision", "Status", "Released", ""], rows)
    )


def _add_revision(site: GeneratedSite, revision: Revision) -> None:
    base = links.rev_dir(revision)
    site.pages[f"{base}/index.md"] = reference.revision_page(revision)
    site.pages[f"{base}/envelope.md"] = reference.envelope_page(revision)
    site.pages[f"{base}/events/index.md"] = reference.events_index_page(revision)
    for name in revision.event_types:
        site.pages[f"{base}/{links.event_page(name)}"] = reference.event_page(revision, name)
    site.pages[f"{base}/state-machine.md"] = model.state_machine_page(revision)
    site.pages[f"{base}/invariants.md"] = model.invariants_page(revision)
    downloads = model.downloads(revision)
    site.pages[f"{base}/downloads.md"] = model.downloads_page(revision, downloads)
    for rel, (content, _what) in downloads.items():
        site.files[f"{links.download_dir(revision)}/{rel}"] = content


def changelog_page(project_root: Path) -> str:
    """The CHANGELOG, as a page (it is not a schema file; the hook reads it directly).

    Links into `docs/` are rewritten to be relative to the page (which sits at the docs root).
    """
    path = project_root / "CHANGELOG.md"
    if not path.is_file():
        return "# Changelog\n\nNo `CHANGELOG.md` in this checkout.\n"
    return path.read_text("utf-8").replace("](docs/", "](")


def generate(revisions: list[Revision], project_root: Path) -> GeneratedSite:
    """Generate every page and file of the site that comes from `schema/` and the checker."""
    site = GeneratedSite()
    site.pages[REFERENCE_NAV] = _reference_index(revisions)
    for revision in revisions:
        _add_revision(site, revision)
        generated = behaviour_tables.section(revision, project_root, "../../languages")
        site.pages[f"{links.rev_dir(revision)}/state-machine.md"] += "\n" + generated
    change_pages, change_nav = compat_pages.change_pages(revisions)
    site.pages.update(change_pages)
    rule_pages, rule_nav = compat_pages.rule_pages()
    site.pages.update(rule_pages)
    site.pages["changelog.md"] = changelog_page(project_root)
    changes: list[NavItem] = [CHANGES_NAV, *({t: p} for t, p in change_nav)]
    site.nav[REFERENCE_NAV] = [
        REFERENCE_NAV,
        *(_revision_nav(r) for r in reversed(revisions)),
        {"Changes between revisions": changes},
    ]
    by_category: dict[str, list[NavItem]] = {}
    for category, title, path in rule_nav:
        by_category.setdefault(category, []).append({title: path})
    site.nav[RULES_NAV] = [RULES_NAV, *({c: items} for c, items in by_category.items())]
    return site


def expand_nav(nav: list[NavItem], sections: dict[str, list[NavItem]]) -> list[NavItem]:
    """Replace every `Title: <placeholder>` entry of `nav` by the generated section."""
    out: list[NavItem] = []
    for item in nav:
        if isinstance(item, dict):
            (title, value), *_ = item.items()
            if isinstance(value, str) and value in sections:
                out.append({title: sections[value]})
            elif isinstance(value, list):
                out.append({title: expand_nav(value, sections)})
            else:
                out.append(item)
        else:
            out.append(item)
    return out
