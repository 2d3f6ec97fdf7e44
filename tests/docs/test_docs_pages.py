"""The generated pages, checked as data (no browser): complete, consistent with schema/, guarded."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import sys
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest
from vrp_site import compat_pages, examples, links, mermaid, model
from vrp_site.site import REFERENCE_NAV, RULES_NAV, changelog_page, expand_nav, generate

from tests.docs.docs_site_support import ROOT, require
from vrp_contract.revisions import Revision, list_revisions, load_revision

if TYPE_CHECKING:
    from pathlib import Path

REVISIONS = list_revisions()


@pytest.fixture(scope="module")
def site():
    return generate(REVISIONS, ROOT)


@pytest.mark.parametrize("revision", REVISIONS, ids=lambda r: r.name)
def test_every_event_type_has_a_page(site, revision: Revision):
    base = links.rev_dir(revision)
    for name in revision.event_types:
        page = site.pages[f"{base}/{links.event_page(name)}"]
        assert page.startswith(f"# `{name}`\n")
        assert str(revision.variants[name]["description"]) in page


@pytest.mark.parametrize("revision", REVISIONS, ids=lambda r: r.name)
def test_every_example_vector_is_shown_once(site, revision: Revision):
    base = links.rev_dir(revision) + "/"
    pages = [text for path, text in site.pages.items() if path.startswith(base)]
    for kind in ("valid", "invalid"):
        for name, vector in revision.examples(kind):
            anchor = f"{{ #{kind}-{name} }}"
            assert sum(text.count(anchor) for text in pages) == 1, (kind, name)
            if kind == "invalid":
                page = next(text for text in pages if anchor in text)
                assert f"rule `{vector['error']['rule']}`" in page


@pytest.mark.parametrize("revision", REVISIONS, ids=lambda r: r.name)
def test_envelope_table_lists_every_field(site, revision: Revision):
    page = site.pages[f"{links.rev_dir(revision)}/envelope.md"]
    required = set(revision.envelope_schema["required"])
    for field in revision.envelope_schema["properties"]:
        yes_no = "yes" if field in required else "no"
        assert f"| `{field}` |" in page
        row = next(line for line in page.splitlines() if line.startswith(f"| `{field}` |"))
        assert row.split(" | ")[2] == yes_no


@pytest.mark.parametrize("revision", REVISIONS, ids=lambda r: r.name)
def test_state_diagram_is_generated_from_the_state_machine(revision: Revision):
    machine = revision.state_machine
    source = model.mermaid_state_diagram(machine)
    lines = source.splitlines()
    assert lines[0] == "stateDiagram-v2"
    assert f"    [*] --> {machine['initial']}" in lines
    arrows = {tuple(line.strip().split(" --> ")) for line in lines if "-->" in line}
    assert {(t["from"], t["to"]) for t in machine["transitions"]} <= arrows
    assert all(f"    {s} --> [*]" in lines for s in machine["terminal"])


@pytest.mark.parametrize("revision", REVISIONS, ids=lambda r: r.name)
def test_invariant_catalog_has_every_invariant(site, revision: Revision):
    page = site.pages[f"{links.rev_dir(revision)}/invariants.md"]
    for entry in revision.invariants:
        assert f"{{ #{links.invariant_anchor(entry['id'])} }}" in page
        assert entry["statement"] in page


@pytest.mark.parametrize("revision", REVISIONS, ids=lambda r: r.name)
def test_downloads_are_the_revision_files_and_the_bundle(site, revision: Revision):
    folder = links.download_dir(revision)
    assert json.loads(site.files[f"{folder}/{model.BUNDLE}"]) == revision.bundle()
    for rel in revision.files():
        assert json.loads(site.files[f"{folder}/{rel}"]) == revision.schema_file(rel)
    assert json.loads(site.files[f"{folder}/state-machine.json"]) == revision.state_machine
    page = site.pages[f"{links.rev_dir(revision)}/downloads.md"]
    rows = [line for line in page.splitlines() if line.startswith("| [`")]
    assert len(rows) == len([p for p in site.files if p.startswith(folder + "/")])


def test_nav_placeholders_are_expanded(site):
    nav: list[Any] = [{"Home": "index.md"}, {"Reference": REFERENCE_NAV}, {"Rules": RULES_NAV}]
    expanded = expand_nav(nav, site.nav)
    assert expanded[0] == {"Home": "index.md"}
    section = expanded[1]
    assert isinstance(section, dict)
    assert section["Reference"][0] == REFERENCE_NAV
    text = json.dumps(expanded)
    for revision in REVISIONS:
        for name in revision.event_types:
            assert f'"{name}": "{links.rev_dir(revision)}/{links.event_page(name)}"' in text


def test_one_revision_has_no_change_page_and_says_so():
    pages, nav = compat_pages.change_pages(REVISIONS[:1])
    assert nav == []
    assert list(pages) == ["reference/changes.md"]
    assert "Only one revision exists so far" in pages["reference/changes.md"]


def test_consecutive_revisions_get_a_change_page_from_the_checker(monkeypatch):
    finding = SimpleNamespace(
        rule="object.required",
        severity="error",
        directions=("backward",),
        pointer="/required",
        message="`x` is now required.",
    )
    pair = SimpleNamespace(compatible=False, bump="major", findings=[finding])
    calls: list[tuple[str, str, str]] = []

    def compare(old: str, new: str, mode: str) -> SimpleNamespace:
        calls.append((old, new, mode))
        return SimpleNamespace(pairs=[pair])

    monkeypatch.setattr(compat_pages, "_compat", lambda: SimpleNamespace(compare=compare))
    rev = load_revision()
    newer = Revision("9.9", rev.root)
    pages, nav = compat_pages.change_pages([rev, newer])
    path = f"reference/changes/v{rev.name}-to-v9.9.md"
    assert nav == [(f"{rev.name} → 9.9", path)]
    assert calls == [(str(rev.root), str(rev.root), "full")]
    assert "[`object.required`](../../rules/object.required.md)" in pages[path]
    assert "needs a `major` version bump" in pages[path]


def test_change_page_with_the_real_checker():
    from vrp_contract import compat  # noqa: PLC0415 - the real checker, not the hook's guarded one

    rev = load_revision()
    page = compat_pages._pair_page(compat, rev, Revision("9.9", rev.root))
    assert "compatible both ways" in page
    assert "No changes." in page


def test_rule_pages_say_so_when_the_checker_is_missing(monkeypatch):
    monkeypatch.setattr(compat_pages, "_compat", lambda: None)
    pages, nav = compat_pages.rule_pages()
    assert nav == []
    assert "not available in this build" in pages["rules/index.md"]


def test_rule_pages_come_from_the_registry(site):
    from vrp_contract.compat import registry  # noqa: PLC0415 - a missing registry fails here

    assert registry.RULES
    for rule in registry.RULES:
        page = site.pages[compat_pages.rule_page_path(rule.id)]
        assert page.startswith(f"# `{rule.id}`\n\n{rule.purpose}")
        assert "\n## Examples\n" in page, f"{rule.id}: no fixture case shown"


def test_a_checker_that_cannot_be_imported_is_a_warning(monkeypatch, caplog):
    import vrp_contract  # noqa: PLC0415

    monkeypatch.delattr(vrp_contract, "compat", raising=False)
    monkeypatch.setitem(sys.modules, "vrp_contract.compat", None)  # the import raises ImportError
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.vrp_site"):
        pages, nav = compat_pages.rule_pages()
    assert nav == []
    assert "not available in this build" in pages["rules/index.md"]
    # a WARNING under `mkdocs.` is what makes `mkdocs build --strict` fail
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert caplog.records[0].name.startswith("mkdocs.")


def test_a_validator_that_fails_is_a_warning(monkeypatch, caplog):
    def broken(*_args: object, **_kwargs: object) -> list[object]:
        raise RuntimeError("validator in progress")

    monkeypatch.setattr(examples, "validate_event", broken)
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.vrp_site"):
        assert examples.validator_messages(load_revision(), {}) is None
    assert [r.levelno for r in caplog.records] == [logging.WARNING]


def test_validator_failure_falls_back_to_the_expected_error(monkeypatch):
    def broken(*_args: object, **_kwargs: object) -> list[object]:
        raise RuntimeError("validator in progress")

    monkeypatch.setattr(examples, "validate_event", broken)
    assert examples.validator_messages(load_revision(), {}) is None
    vector = examples.Vector("x", "invalid", {"event": {}, "error": {"rule": "r", "pointer": "/p"}})
    text = examples.render_invalid(load_revision(), vector)
    assert "**Rejected:** rule `r` at `/p`" in text
    assert "reports" not in text


def test_changelog_page_is_the_changelog(site, tmp_path: Path):
    text = (ROOT / "CHANGELOG.md").read_text("utf-8")
    assert site.pages["changelog.md"] == text.replace("](docs/", "](")
    (tmp_path / "CHANGELOG.md").write_text("- See [it](docs/guides/compat.md).\n", "utf-8")
    assert changelog_page(tmp_path) == "- See [it](guides/compat.md).\n"
    assert changelog_page(tmp_path / "nowhere").startswith("# Changelog")


def test_mermaid_integrity_is_sha512_of_the_tarball(tmp_path: Path):
    tarball = tmp_path / "x.tgz"
    tarball.write_bytes(b"mermaid")
    digest = base64.b64encode(hashlib.sha512(b"mermaid").digest()).decode()
    assert mermaid._integrity(tarball) == "sha512-" + digest
    assert mermaid.SITE_PATH.endswith(f"mermaid-{mermaid.MERMAID_VERSION}.min.js")


def test_missing_toolchain_skips_unless_required(monkeypatch):
    monkeypatch.delenv("VRP_REQUIRE_TOOLCHAINS", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no chromium"):
        require(ok=False, reason="no chromium")
    monkeypatch.setenv("VRP_REQUIRE_TOOLCHAINS", "1")
    with pytest.raises(pytest.fail.Exception, match="no chromium"):
        require(ok=False, reason="no chromium")
    require(ok=True, reason="present")
