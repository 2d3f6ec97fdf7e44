"""The example vectors: valid ones pass, invalid ones fail with exactly the error they name."""

from __future__ import annotations

import jsonschema
import pytest

from vrp_contract import list_revisions
from vrp_contract.stream import validate_event

VALID = [(rev, name, vec) for rev in list_revisions() for name, vec in rev.examples("valid")]
INVALID = [(rev, name, vec) for rev in list_revisions() for name, vec in rev.examples("invalid")]


def test_every_event_type_has_valid_and_invalid_examples():
    for rev in list_revisions():
        valid = {v["event"]["event_type"] for _, v in rev.examples("valid")}
        assert valid == set(rev.event_types)
        invalid_types = {v["event"].get("event_type") for _, v in rev.examples("invalid")} & set(
            rev.event_types
        )
        assert invalid_types == set(rev.event_types)


@pytest.mark.parametrize(
    ("rev", "name", "vector"), VALID, ids=[f"{r.name}/{n}" for r, n, _ in VALID]
)
def test_valid_example(rev, name, vector):
    union = jsonschema.Draft202012Validator(rev.event_schema, registry=rev.registry)
    assert union.is_valid(vector["event"]), name
    assert validate_event(vector["event"], rev) == []


@pytest.mark.parametrize(
    ("rev", "name", "vector"), INVALID, ids=[f"{r.name}/{n}" for r, n, _ in INVALID]
)
def test_invalid_example(rev, name, vector):
    union = jsonschema.Draft202012Validator(rev.event_schema, registry=rev.registry)
    assert not union.is_valid(vector["event"]), name
    findings = validate_event(vector["event"], rev)
    expected = vector["error"]
    assert (expected["rule"], expected["pointer"]) in [(f.rule, f.pointer) for f in findings]
    for finding in findings:
        assert finding.message.endswith("."), finding.message
        assert finding.message[0].isupper(), finding.message
