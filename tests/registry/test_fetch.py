"""Taking the schema from the registry: `fetch_schema` and `revision_for_schema`."""

from __future__ import annotations

import jsonschema
import pytest

from tests._support import ROOT, run_cli
from tests.registry import _revisions as rv
from vrp_contract import load_revision
from vrp_contract.registry import Auth, RegistryError, fetch_schema, revision_for_schema
from vrp_contract.revisions import list_revisions
from vrp_contract.stream import StreamValidator, validate_event


def test_fetched_schema_is_the_revision_and_judges_events_alike(registry_url, subject):
    assert run_cli("registry", "push", "--url", registry_url, "--subject", subject).code == 0
    schema = fetch_schema(registry_url, subject)
    revision = load_revision()
    assert schema == revision.bundle()
    assert fetch_schema(registry_url, subject, 1, auth=Auth()) == schema
    found = revision_for_schema(schema)
    assert found is not None
    assert found.name == revision.name
    validator = jsonschema.Draft202012Validator(schema)
    vectors = revision.examples("valid") + revision.examples("invalid")
    for name, vector in vectors:
        event = vector["event"]
        assert validator.is_valid(event) == (not validate_event(event, revision)), name


def test_revision_for_a_schema_of_another_tree(registry_url, subject, tmp_path):
    root = rv.tree(tmp_path, rv.add_optional)
    pushed = run_cli(
        "registry", "push", "--url", registry_url, "--subject", subject, "--schema-dir", str(root)
    )
    assert pushed.code == 0, pushed.err
    latest = fetch_schema(registry_url, subject, "latest")
    assert revision_for_schema(latest) is None  # not a revision shipped with the package
    found = revision_for_schema(latest, list_revisions(root))
    assert found is not None
    assert found.name == "0.2"


def test_fetch_errors_are_one_line(registry_url, subject):
    with pytest.raises(RegistryError, match=r"GET /subjects/.*/versions/latest: HTTP 404"):
        fetch_schema(registry_url, subject)
    assert run_cli("registry", "push", "--url", registry_url, "--subject", subject).code == 0
    with pytest.raises(RegistryError, match="HTTP 404"):
        fetch_schema(registry_url, subject, 7)


def test_stream_findings_are_the_same_with_the_schema_from_the_registry(registry_url, subject):
    assert run_cli("registry", "push", "--url", registry_url, "--subject", subject).code == 0
    from_registry = revision_for_schema(fetch_schema(registry_url, subject))
    assert from_registry is not None
    demo = ROOT / "examples" / "demo.jsonl"
    runs = []
    for revision in (load_revision(), from_registry):
        validator = StreamValidator(revision, assume_open_sessions=False)
        with demo.open("rb") as lines:
            runs.append([f.to_dict() for f in validator.iter_findings(lines, "demo.jsonl")])
    assert runs[0]
    assert runs[0] == runs[1]
