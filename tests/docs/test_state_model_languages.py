"""The state model reference page shows the generated behaviour tables of each language."""

from __future__ import annotations

import pytest
from vrp_site.site import generate

from tests.docs.docs_site_support import ROOT
from vrp_contract.revisions import Revision, list_revisions


@pytest.mark.parametrize("revision", list_revisions(), ids=lambda r: r.name)
def test_state_model_page_shows_each_languages_tables(revision: Revision) -> None:
    page = generate(list_revisions(), ROOT).pages[f"reference/v{revision.name}/state-machine.md"]
    section = page[page.index("## In each language") :]
    rev = "v" + revision.name.replace(".", "_")
    ts = (ROOT / "generated/typescript" / rev / "behaviour.d.ts").read_text("utf-8")
    go = (ROOT / "generated/go" / rev / "behaviour/tables.go").read_text("utf-8")
    rust = (ROOT / "generated/rust" / rev / "src/behaviour.rs").read_text("utf-8")
    java_file = f"generated/java/{rev}/src/main/java/dev/vrp/contract/{rev}/Behaviour.java"
    java = (ROOT / java_file).read_text("utf-8")
    for language, text, lookup in (
        ("TypeScript", ts, "isAllowed"),
        ("Go", go, "IsAllowed"),
        ("Rust", rust, "is_allowed"),
        ("Java", java, "isAllowed"),
    ):
        assert f"### {language}" in section
        assert lookup in section
        for state in revision.state_machine["states"]:
            assert f'"{state["name"]}"' in section
        region = text[text.index("// region state-model") : text.index("// endregion")]
        assert region.splitlines()[3] in section, language
