"""Every schema file is valid 2020-12, documented, self-consistent, and resolves offline."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

import jsonschema
import pytest
import referencing.exceptions

from vrp_contract import list_revisions, load_revision

REVISIONS = list_revisions()
FILES = [(rev, rel) for rev in REVISIONS for rel in rev.files()]
META = jsonschema.Draft202012Validator(jsonschema.Draft202012Validator.META_SCHEMA)

# The transition table of the contract issue; the state machine data must say exactly this.
EXPECTED_TRANSITIONS = {
    ("BIRTH", "ATTACHED"),
    ("BIRTH", "TERMINATED"),
    ("ATTACHED", "VOLATILE"),
    ("ATTACHED", "TERMINATED"),
    ("VOLATILE", "ATTACHED"),
    ("VOLATILE", "DEGRADED"),
    ("VOLATILE", "RECOVERING"),
    ("VOLATILE", "TERMINATED"),
    ("DEGRADED", "RECOVERING"),
    ("DEGRADED", "TERMINATED"),
    ("RECOVERING", "ATTACHED"),
    ("RECOVERING", "DEGRADED"),
    ("RECOVERING", "TERMINATED"),
}


def _ids(param: tuple[Any, str]) -> str:
    return f"{param[0].name}/{param[1]}"


@pytest.mark.parametrize("item", FILES, ids=map(_ids, FILES))
def test_file_passes_the_metaschema(item):
    rev, rel = item
    schema = rev.schema_file(rel)
    META.validate(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith(rev.base_uri)
    assert schema["title"]
    assert schema["description"]
    if "$defs" in schema and "type" not in schema:
        assert all(d.get("examples") for d in schema["$defs"].values()), "a def lacks examples"
    else:
        assert schema["examples"]


def _subschemas(node: Any, path: str = ""):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key in {"examples", "const", "enum", "default"}:
                continue
            yield from _subschemas(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _subschemas(value, f"{path}/{i}")


def _properties(rev: Any, rel: str):
    """Yield (where, property schema, its `$ref` target or {}) for every property of a file."""
    schema = rev.schema_file(rel)
    resolver = rev.registry.resolver(base_uri=schema["$id"])
    for path, node in _subschemas(schema):
        if "$ref" in node:  # every reference resolves locally, and is described on one side
            target = resolver.lookup(node["$ref"]).contents
            assert "description" in node or "description" in target, path
        for name, prop in node.get("properties", {}).items():
            target = resolver.lookup(prop["$ref"]).contents if "$ref" in prop else {}
            yield f"{rel}{path}/properties/{name}", prop, target


@pytest.mark.parametrize("item", FILES, ids=map(_ids, FILES))
def test_every_property_is_described_and_every_ref_resolves_locally(item):
    for where, prop, target in _properties(*item):
        assert "description" in prop or "description" in target, f"{where} has no description"


@pytest.mark.parametrize("item", FILES, ids=map(_ids, FILES))
def test_every_property_has_examples_that_it_accepts(item):
    rev, rel = item
    # a base beside its file, so relative `$ref`s inside a property resolve as they do there
    base = urljoin(rev.schema_file(rel)["$id"], "property-under-test.json")
    for where, prop, target in _properties(rev, rel):
        examples = prop.get("examples") or target.get("examples")
        if "const" in prop or (examples is None and "const" in target):
            continue  # a constant is its own example
        assert examples, f"{where} has no examples"
        check = jsonschema.Draft202012Validator({**prop, "$id": base}, registry=rev.registry)
        for example in examples:
            assert check.is_valid(example), f"{where}: {example!r}"


def test_defs_have_examples():
    for rev in REVISIONS:
        for name, definition in rev.schema_file("common.schema.json")["$defs"].items():
            assert definition.get("examples"), name


@pytest.mark.parametrize("rev", REVISIONS, ids=lambda r: r.name)
def test_schema_examples_validate(rev):
    for rel in rev.files():
        schema = rev.schema_file(rel)
        validator = jsonschema.Draft202012Validator(schema, registry=rev.registry)
        for example in schema.get("examples", []):
            assert validator.is_valid(example), (rel, example)


@pytest.mark.parametrize("rev", REVISIONS, ids=lambda r: r.name)
def test_registry_never_retrieves(rev):
    resolver = rev.registry.resolver()
    with pytest.raises(referencing.exceptions.Unresolvable):
        resolver.lookup("https://example.com/not-here.json")


@pytest.mark.parametrize("rev", REVISIONS, ids=lambda r: r.name)
def test_data_files_validate_against_their_schemas(rev):
    for data_rel, schema_rel in [
        ("state-machine.json", "state-machine.schema.json"),
        ("invariants.json", "invariants.schema.json"),
        ("policy.default.json", "policy.schema.json"),
    ]:
        data = {k: v for k, v in rev.data_file(data_rel).items() if k != "$schema"}
        validator = jsonschema.Draft202012Validator(
            rev.schema_file(schema_rel), registry=rev.registry
        )
        assert list(validator.iter_errors(data)) == [], data_rel


def test_state_machine_is_the_contract_table():
    sm = load_revision("0.1").state_machine
    states = [s["name"] for s in sm["states"]]
    assert states == ["BIRTH", "ATTACHED", "VOLATILE", "DEGRADED", "RECOVERING", "TERMINATED"]
    assert sm["initial"] == "BIRTH"
    assert sm["terminal"] == ["TERMINATED"]
    table = {(t["from"], t["to"]) for t in sm["transitions"]}
    assert table == EXPECTED_TRANSITIONS
    assert len(table) == len(sm["transitions"]), "duplicate transitions"


@pytest.mark.parametrize("rev", REVISIONS, ids=lambda r: r.name)
def test_enums_agree_with_the_data(rev):
    defs = rev.schema_file("common.schema.json")["$defs"]
    assert defs["SessionState"]["enum"] == [s["name"] for s in rev.state_machine["states"]]
    assert defs["InvariantId"]["enum"] == [i["id"] for i in rev.invariants]
    assert defs["EventType"]["enum"] == rev.event_types
    sm = rev.state_machine
    for t in sm["transitions"]:
        assert t["from"] not in sm["terminal"], "nothing leaves a terminal state"
        assert t["from"] != t["to"], "no self-transitions"


@pytest.mark.parametrize("rev", REVISIONS, ids=lambda r: r.name)
def test_union_is_discriminated(rev):
    union = rev.event_schema["oneOf"]
    assert len(union) == len(rev.variants) == 8
    for event_type, schema in rev.variants.items():
        assert schema["properties"]["event_type"]["const"] == event_type
        assert schema["additionalProperties"] is False
        assert {"ts_ms", "event_type", "session_id"} <= set(schema["required"])
        assert urljoin(rev.event_schema["$id"], "x").startswith(rev.base_uri)


@pytest.mark.parametrize("rev", REVISIONS, ids=lambda r: r.name)
def test_bundle_is_self_contained_and_equivalent(rev):
    bundle = rev.bundle()
    META.validate(bundle)
    text = str(bundle)
    assert ".schema.json#" not in text.replace(bundle["$id"], "")
    bundled = jsonschema.Draft202012Validator(bundle)  # no registry: must need none
    original = jsonschema.Draft202012Validator(rev.event_schema, registry=rev.registry)
    for kind in ("valid", "invalid"):
        for name, vector in rev.examples(kind):
            assert bundled.is_valid(vector["event"]) == original.is_valid(vector["event"]), name


def test_manifest_and_revision_names():
    rev = load_revision()
    assert rev.manifest["label"] == "v0.1-preview"
    assert load_revision("v0.1-preview") is not None
    assert load_revision("v0.1").name == load_revision("0.1").name == "0.1"
