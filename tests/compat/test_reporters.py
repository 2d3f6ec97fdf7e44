"""The compat output formats: JSON (its published schema), SARIF 2.1.0, GitHub, markdown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import referencing

from tests._support import run_cli
from tests.compat._revisions import REAL, copy_revision, patch
from vrp_contract.reporters import formats_for
from vrp_contract.reporters.github import escape_data, escape_property
from vrp_contract.reporters.json import compat_report_schema

SARIF = json.loads((Path(__file__).parent / "data" / "sarif-2.1.0.schema.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def breaking(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rev")

    def edit(p: Path) -> None:
        patch(p / "events" / "path_selected.schema.json", lambda d: d["required"].append("node_id"))
        patch(p / "common.schema.json", lambda d: d["$defs"]["SessionId"].update(description="x"))

    return str(copy_revision(tmp, "0.2", edit=edit))


def test_compat_offers_every_format():
    assert formats_for("compat") == ["text", "jsonl", "json", "github", "sarif", "markdown"]
    assert {"github", "sarif"} <= set(formats_for("validate"))


@pytest.mark.parametrize("new", ["same", "breaking"])
def test_json_report_matches_its_published_schema(new, breaking):
    result = run_cli(
        "compat", "--format", "json", str(REAL), str(REAL) if new == "same" else breaking
    )
    report = json.loads(result.out)

    # the schema embeds the finding schema: an empty registry (which retrieves nothing) will do,
    # and so does python-jsonschema's default (which would fetch, with a warning: an error here)
    empty: referencing.Registry[Any] = referencing.Registry()
    jsonschema.Draft202012Validator(compat_report_schema(), registry=empty).validate(report)
    jsonschema.validate(report, compat_report_schema())
    bad = {**report, "findings": [{**f, "severity": "fatal"} for f in report["findings"]]}
    if bad["findings"]:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, compat_report_schema())
    assert report["compatible"] is (new == "same")
    assert report["bump"] == ("none" if new == "same" else "major")
    jsonschema.Draft202012Validator.check_schema(compat_report_schema())


@pytest.mark.parametrize("command", ["compat", "validate"])
def test_sarif_is_valid_sarif_2_1_0(command, breaking):
    if command == "compat":
        result = run_cli("compat", "--format", "sarif", str(REAL), breaking)
    else:
        result = run_cli("validate", "--format", "sarif", "-", stdin=b'{"ts_ms": -1}\n')
    log = json.loads(result.out)
    jsonschema.Draft4Validator(SARIF).validate(log)
    results = log["runs"][0]["results"]
    assert results
    rules = [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in results)
    if command == "validate":  # stdin is described, not named "-" (no file of that name)
        physical = results[0]["locations"][0]["physicalLocation"]
        assert physical == {
            "artifactLocation": {"description": {"text": "standard input"}},
            "region": {"startLine": 1},
        }
    if command == "compat":
        hit = next(r for r in results if r["ruleId"] == "object.required")
        assert hit["level"] == "error"
        assert hit["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "/required"


def test_github_annotations(breaking):
    result = run_cli("compat", "--format", "github", str(REAL), breaking)
    assert result.code == 1
    errors = [x for x in result.out.splitlines() if x.startswith("::error ")]
    assert any("title=object.required" in x and "path_selected.schema.json" in x for x in errors)
    assert not any(x.startswith("::notice") for x in result.out.splitlines())
    verbose = run_cli("compat", "--format", "github", "-v", str(REAL), breaking)
    assert any(x.startswith("::notice ") for x in verbose.out.splitlines())


def test_github_escaping():
    assert escape_data("50%\nnext") == "50%25%0Anext"
    assert escape_property("a:b,c") == "a%3Ab%2Cc"


def test_markdown_summary_comment(breaking):
    result = run_cli("compat", "--format", "markdown", str(REAL), breaking)
    assert result.out.startswith("### Schema compatibility: ❌ breaking (backward mode)")
    assert "Needed version bump: **major**." in result.out
    assert "| `object.required` | backward |" in result.out
    ok = run_cli("compat", "--format", "markdown", str(REAL), str(REAL))
    assert "✅ compatible" in ok.out


def test_markdown_table_cells_escape_pipes(tmp_path):
    old = tmp_path / "old.json"
    new = tmp_path / "new.json"
    old.write_text(json.dumps({"properties": {"a|b": {"type": "string"}}}), "utf-8")
    new.write_text(json.dumps({"properties": {"a|b": {"type": "integer"}}}), "utf-8")
    result = run_cli("compat", "--format", "markdown", str(old), str(new))
    row = next(x for x in result.out.splitlines() if x.startswith("| `type.changed`"))
    assert "`/properties/a\\|b/type` → `/properties/a\\|b/type`" in row
    assert row.count(" | ") == 4  # five cells, none split by the pipe in the name


def test_quiet_keeps_only_breaking_findings(breaking):
    result = run_cli("compat", "--quiet", "--format", "jsonl", str(REAL), breaking)
    rows = [json.loads(x) for x in result.out.splitlines()]
    assert rows
    assert all(r["severity"] == "error" for r in rows)
