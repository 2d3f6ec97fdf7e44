"""Messages a reviewer reads in a pull request: whole values, plain sentences (#15)."""

from __future__ import annotations

import json
import re
from typing import Any

from vrp_contract.compat.check import compare_sets
from vrp_contract.compat.model import Mode
from vrp_contract.compat.rules._util import render
from vrp_contract.compat.sources import load_document

S = "https://json-schema.org/draft/2020-12/schema"


def _messages(old: Any, new: Any) -> list[str]:
    pair = compare_sets(load_document("old", old), load_document("new", new), Mode.FULL)
    return [f.message for f in pair.findings]


def test_render_never_cuts_a_value_inside_a_member():
    long_enum = [12.5 + i for i in range(40)]
    text = render(long_enum, 60)
    assert text.startswith("[12.5, 13.5")
    assert text.endswith(" more)]")
    kept = text.split(", ...")[0] + "]"
    assert json.loads(kept) == long_enum[: len(json.loads(kept))]
    schema = {"type": "string", "minLength": 1, "description": "x" * 200}
    text = render(schema, 60)
    assert text.startswith('{"type": "string", "minLength": 1')
    assert "…" not in text
    assert "more key" in text or "(200 characters)" in text


def test_a_closed_model_gaining_a_property_reads_as_a_sentence():
    old = {"$schema": S, "type": "object", "properties": {}, "additionalProperties": False}
    new = {**old, "properties": {"trace_id": {"type": "string", "description": "t" * 150}}}
    (message,) = _messages(old, new)
    assert "falls under" not in message
    assert message.startswith('Property "trace_id" was added to NEW.')
    assert "OLD's closed content model does not allow that name." in message
    assert "…" not in message


def test_a_property_removed_is_said_to_be_removed_in_new_not_from_old():
    new = {"$schema": S, "type": "object", "properties": {}, "additionalProperties": False}
    old = {**new, "properties": {"path_id": {"type": "string"}}}
    (message,) = _messages(old, new)
    assert message.startswith('Property "path_id" was removed in NEW.')
    assert "OLD declares it as" in message


def test_type_and_enum_messages_use_json_terms():
    messages = _messages({"$schema": S, "type": "string"}, {"$schema": S, "type": "integer"})
    assert messages == [
        (
            "Type changed from string to integer; NEW rejects string values OLD accepted; "
            "NEW accepts integer values OLD rejected."
        )
    ]
    old = {"$schema": S, "enum": [12.5 + i for i in range(30)]}
    new = {"$schema": S, "enum": [12.5 + i for i in range(31)]}
    (message,) = _messages(old, new)
    assert "…" not in message
    assert re.search(r"added \[42\.5\]", message), message


def test_annotation_messages_show_json_values_not_python_reprs():
    old = {"$schema": S, "description": "It's old."}
    new = {"$schema": S, "description": "It's new.", "title": "T"}
    (message,) = _messages(old, new)
    assert message == (
        'Annotation description changed from "It\'s old." to "It\'s new."; also changed: '
        "title. Annotations never break."
    )
