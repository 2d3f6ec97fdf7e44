"""The bundled schemas and their JSON-Schema-Test-Suite files, checked with python-jsonschema."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from jsonschema import Draft202012Validator

from tests.generated._toolchain import GENERATED
from vrp_contract.revisions import list_revisions

if TYPE_CHECKING:
    from collections.abc import Iterator

REVISIONS = [r.name for r in list_revisions()]


@pytest.mark.parametrize("name", REVISIONS)
def test_bundle_is_the_revision_bundle_plus_header(name):
    revision = next(r for r in list_revisions() if r.name == name)
    bundle = json.loads((GENERATED / "jsonschema" / f"vrp-event-v{name}.schema.json").read_text())
    assert "DO NOT EDIT" in bundle.pop("$comment")
    assert bundle == revision.bundle()
    Draft202012Validator.check_schema(bundle)


def _cases() -> Iterator[Any]:
    for name in REVISIONS:
        path = GENERATED / "jsonschema" / f"vrp-event-v{name}.tests.json"
        for group in json.loads(path.read_text()):
            for test in group["tests"]:
                yield pytest.param(group["schema"], test, id=f"v{name}:{test['description'][:50]}")


@pytest.mark.parametrize(("schema", "test"), list(_cases()))
def test_suite_case(schema, test):
    assert Draft202012Validator(schema).is_valid(test["data"]) is test["valid"]


@pytest.mark.parametrize("name", REVISIONS)
def test_suite_covers_every_vector(name):
    revision = next(r for r in list_revisions() if r.name == name)
    path = GENERATED / "jsonschema" / f"vrp-event-v{name}.tests.json"
    (group,) = json.loads(path.read_text())
    expected = len(revision.examples("valid")) + len(revision.examples("invalid"))
    assert len(group["tests"]) == expected
