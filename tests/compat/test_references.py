"""Every reference form the walker can meet terminates and points at the changed line (#13).

A `$ref` to an `$anchor`, a draft-07 plain-name `$id` fragment, an embedded resource (a nested
`$id`) and files without `$schema` read with `--default-dialect`. Each comparison runs in a
child process with a time limit, so a hang fails the test instead of stalling the suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest

from tests._support import ROOT, run_cli

if TYPE_CHECKING:
    from pathlib import Path

S = "https://json-schema.org/draft/2020-12/schema"
D7 = "http://json-schema.org/draft-07/schema#"
HANG_LIMIT_S = 120  # a hang guard, not a speed target (bench/compat_bench.py times them)


def _forms(leaf: str) -> dict[str, dict[str, Any]]:
    """One schema per reference form; the referenced node holds `"type": leaf`."""
    return {
        "anchor": {"$schema": S, "$ref": "#A", "$defs": {"A": {"$anchor": "A", "type": leaf}}},
        "anchor-in-property": {
            "$schema": S,
            "properties": {"p": {"$ref": "#A"}},
            "$defs": {"A": {"$anchor": "A", "type": leaf}},
        },
        "draft-07-plain-name-id": {
            "$schema": D7,
            "$ref": "#A",
            "definitions": {"A": {"$id": "#A", "type": leaf}},
        },
        "embedded-resource": {
            "$schema": S,
            "$id": "https://example.com/root.json",
            "$ref": "item.json",
            "$defs": {"I": {"$id": "item.json", "type": leaf}},
        },
        "embedded-resource-relative-base": {
            "$schema": S,
            "$ref": "item.json",
            "$defs": {"I": {"$id": "item.json", "type": leaf}},
        },
        "embedded-resource-pointer": {
            "$schema": S,
            "$id": "https://example.com/root.json",
            "properties": {"p": {"$ref": "item.json#/properties/x"}},
            "$defs": {"I": {"$id": "item.json", "properties": {"x": {"type": leaf}}}},
        },
        "embedded-resource-anchor": {
            "$schema": S,
            "$id": "https://example.com/root.json",
            "$ref": "item.json#X",
            "$defs": {"I": {"$id": "item.json", "$defs": {"x": {"$anchor": "X", "type": leaf}}}},
        },
        "draft-07-embedded-resource": {
            "$schema": D7,
            "$id": "https://example.com/root.json",
            "$ref": "item.json",
            "definitions": {"I": {"$id": "item.json", "type": leaf}},
        },
        "dynamic-anchor": {
            "$schema": S,
            "$dynamicAnchor": "node",
            "type": "object",
            "properties": {
                "v": {"type": leaf},
                "kids": {"type": "array", "items": {"$dynamicRef": "#node"}},
            },
        },
        "escaped-pointer": {
            "$schema": S,
            "$ref": "#/$defs/a~1b/properties/c%25d",
            "$defs": {"a/b": {"properties": {"c%d": {"type": leaf}}}},
        },
        "anchor-to-anchor": {
            "$schema": S,
            "$ref": "#A",
            "$defs": {"A": {"$anchor": "A", "$ref": "#B"}, "B": {"$anchor": "B", "type": leaf}},
        },
        "absolute-id-and-anchor": {
            "$schema": S,
            "$id": "https://example.com/r.json",
            "$ref": "https://example.com/i.json#X",
            "$defs": {
                "i": {
                    "$id": "https://example.com/i.json",
                    "$defs": {"x": {"$anchor": "X", "type": leaf}},
                }
            },
        },
        "anchor-cycle": {
            "$schema": S,
            "$ref": "#A",
            "$defs": {
                "A": {"$anchor": "A", "type": ["object", leaf], "properties": {"n": {"$ref": "#A"}}}
            },
        },
    }


EXPECTED_POINTER = {
    "anchor": "/$defs/A/type",
    "anchor-in-property": "/$defs/A/type",
    "draft-07-plain-name-id": "/definitions/A/type",
    "embedded-resource": "/$defs/I/type",
    "embedded-resource-relative-base": "/$defs/I/type",
    "embedded-resource-pointer": "/$defs/I/properties/x/type",
    "embedded-resource-anchor": "/$defs/I/$defs/x/type",
    "draft-07-embedded-resource": "/definitions/I/type",
    "anchor-cycle": "/$defs/A/type",
    "dynamic-anchor": "/properties/v/type",
    "escaped-pointer": "/$defs/a~1b/properties/c%d/type",
    "anchor-to-anchor": "/$defs/B/type",
    "absolute-id-and-anchor": "/$defs/i/$defs/x/type",
}


def _line_of(text: str, pointer: str) -> int:
    from vrp_contract.compat.locate import pointer_lines  # noqa: PLC0415

    return pointer_lines(text)[pointer]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from vrp_contract.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=HANG_LIMIT_S,
        check=False,
        cwd=ROOT,
    )


@pytest.mark.parametrize("form", sorted(EXPECTED_POINTER))
def test_reference_form_terminates_and_names_the_changed_line(form: str, tmp_path: Path) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(_forms("string")[form], indent=2), "utf-8")
    new_text = json.dumps(_forms("integer")[form], indent=2)
    new.write_text(new_text, "utf-8")
    done = _run("compat", "--format", "json", str(old), str(new))
    assert done.returncode == 1, done.stderr
    findings = json.loads(done.stdout)["findings"]
    errors = [f for f in findings if f["severity"] == "error"]
    assert [f["pointer"] for f in errors] == [EXPECTED_POINTER[form]], findings
    assert errors[0]["old_pointer"] == EXPECTED_POINTER[form]
    assert errors[0]["line"] == _line_of(new_text, EXPECTED_POINTER[form])


@pytest.mark.parametrize("form", sorted(EXPECTED_POINTER))
def test_reference_form_unchanged_is_compatible(form: str, tmp_path: Path) -> None:
    doc = tmp_path / "same.json"
    doc.write_text(json.dumps(_forms("string")[form]), "utf-8")
    result = run_cli("compat", "--mode", "full", str(doc), str(doc))
    assert result.code == 0, result.out + result.err


def test_an_anchor_loop_is_an_input_error_naming_the_file_and_the_chain(tmp_path: Path) -> None:
    doc = {
        "$schema": S,
        "$ref": "#A",
        "$defs": {"A": {"$anchor": "A", "$ref": "#B"}, "B": {"$anchor": "B", "$ref": "#A"}},
        "type": "string",
    }
    path = tmp_path / "loop.json"
    path.write_text(json.dumps(doc, indent=2), "utf-8")
    result = run_cli("compat", str(path), str(path))
    assert result.code == 2, result.out
    assert result.err.count("\n") == 1, result.err
    assert f"{path}:" in result.err
    assert "#/$defs/A -> " in result.err
    assert "comes back to itself without reaching a schema" in result.err


def test_a_ref_to_a_missing_embedded_resource_is_still_an_input_error(tmp_path: Path) -> None:
    doc = {"$schema": S, "$ref": "other.json", "$defs": {"I": {"$id": "item.json"}}}
    path = tmp_path / "s.json"
    path.write_text(json.dumps(doc), "utf-8")
    result = run_cli("compat", str(path), str(path))
    assert result.code == 2
    assert "not a file of this input" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("ref", "why"),
    [
        ("common.json#/$defs/Nope", "'/$defs/Nope' does not exist in common.json"),
        ("common.json#nope", "common.json has no anchor 'nope'"),
    ],
)
def test_a_ref_to_nothing_names_its_file_and_why_in_one_short_line(
    ref: str, why: str, tmp_path: Path
) -> None:
    folder = tmp_path / "v"
    folder.mkdir()
    common = {"$schema": S, "$id": "https://x.test/common.json", "$defs": {"A": {"type": "string"}}}
    (folder / "common.json").write_text(json.dumps(common), "utf-8")
    entry = {"$schema": S, "$id": "https://x.test/event.schema.json", "$ref": ref}
    (folder / "event.schema.json").write_text(json.dumps(entry), "utf-8")
    result = run_cli("compat", str(folder), str(folder))
    assert result.code == 2
    (line,) = result.err.splitlines()
    assert line.endswith(f"{folder}/event.schema.json: cannot resolve $ref {ref!r}: {why}")
    assert "$defs': {" not in line  # the target document is not dumped into the message


LEGACY = {"type": "array", "items": [{"type": "string"}], "additionalItems": False}


def test_files_without_schema_are_read_as_2020_12_and_the_error_names_the_option(tmp_path):
    path = tmp_path / "legacy.json"
    path.write_text(json.dumps(LEGACY), "utf-8")
    result = run_cli("compat", str(path), str(path))
    assert result.code == 2
    assert "--default-dialect" in result.err
    assert result.err.count("\n") == 1


def test_default_dialect_reads_files_without_schema_as_the_named_draft(tmp_path):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(LEGACY), "utf-8")
    new.write_text(json.dumps({**LEGACY, "additionalItems": {"type": "string"}}), "utf-8")
    result = run_cli("compat", "--default-dialect", "draft-07", "-f", "json", str(old), str(new))
    assert result.code == 0, result.err
    assert run_cli("compat", "--default-dialect", "draft-07", "--mode", "forward",
                   str(old), str(new)).code == 1  # fmt: skip


def test_default_dialect_never_overrides_a_declared_schema(tmp_path):
    declared = tmp_path / "declared.json"
    declared.write_text(json.dumps({"$schema": S, **LEGACY}), "utf-8")
    result = run_cli("compat", "--default-dialect", "draft-07", str(declared), str(declared))
    assert result.code == 2
    assert "2020-12" in result.err


def test_default_dialect_rejects_an_unknown_name():
    result = run_cli("compat", "--default-dialect", "draft-99", "a.json", "b.json")
    assert result.code == 2
    assert "draft-07" in result.err
