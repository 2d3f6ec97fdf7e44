"""docs/languages/*.md against what is generated: names to vendor, and the known-gap lists.

The pages are written by people; these checks keep them from drifting from `generated/` and from
`scripts/codegen/gaps/` (no toolchain needed).
"""

from __future__ import annotations

import json
import re
import tomllib
import xml.etree.ElementTree as ET

import pytest

from tests.generated._toolchain import GENERATED, REPO, gaps
from vrp_contract.revisions import load_revision

LATEST = load_revision()
SUFFIX = "v" + LATEST.name.replace(".", "_")
VECTORS = {name for kind in ("valid", "invalid") for name, _ in LATEST.examples(kind)}
GAP_FILES = {
    "python": GENERATED / "python" / "known-gaps.json",
    "typescript": GENERATED / "typescript" / SUFFIX / "known-gaps.json",
    "go": GENERATED / "go" / SUFFIX / "known-gaps.json",
    "rust": GENERATED / "rust" / SUFFIX / "known-gaps.json",
    "java": GENERATED / "java" / SUFFIX / "known-gaps.json",
}


def _page(language: str) -> str:
    return (REPO / "docs" / "languages" / f"{language}.md").read_text("utf-8")


def _section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


@pytest.mark.parametrize("language", sorted(GAP_FILES))
def test_known_gaps_section_names_exactly_the_listed_vectors(language):
    listed = gaps(GAP_FILES[language])
    expected = set(listed["invalid_accepted"]) | set(listed["valid_not_round_tripped"])
    named = set(re.findall(r"`([^`]+)`", _section(_page(language), "Known gaps"))) & VECTORS
    assert named == expected, f"docs/languages/{language}.md: Known gaps out of date"


def _vendor(language: str) -> str:
    return _section(_page(language), "Vendor it")


def test_typescript_page_names_the_npm_package():
    package = json.loads((GENERATED / "typescript" / SUFFIX / "package.json").read_text("utf-8"))
    assert f"`{package['name']}`" in _vendor("typescript")


def test_go_page_names_the_module():
    go_mod = (GENERATED / "go" / SUFFIX / "go.mod").read_text("utf-8")
    module = re.search(r"^module (\S+)$", go_mod, re.MULTILINE)
    assert module is not None
    assert f"module `{module.group(1)}`" in _vendor("go")


def test_rust_page_names_the_crate():
    cargo = tomllib.loads((GENERATED / "rust" / SUFFIX / "Cargo.toml").read_text("utf-8"))
    text = _vendor("rust")
    assert f"crate `{cargo['package']['name']}`" in text
    assert f"library `{cargo['lib']['name']}`" in text


def test_java_page_names_the_artifact():
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    pom = ET.parse(GENERATED / "java" / SUFFIX / "pom.xml").getroot()  # noqa: S314 - our own file
    group, artifact = (
        pom.findtext("m:groupId", namespaces=ns),
        pom.findtext("m:artifactId", namespaces=ns),
    )
    assert f"artifact `{group}:{artifact}`" in _vendor("java")
