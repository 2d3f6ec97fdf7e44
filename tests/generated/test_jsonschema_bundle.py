"""The bundled schemas and their JSON-Schema-Test-Suite files, checked with python-jsonschema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs
import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from scripts.codegen.jsonschema import dispatch_bundle
from tests.generated._corpus import corpus_mutations, corpus_seeds
from tests.generated._toolchain import GENERATED, REPO, need, run
from vrp_contract.revisions import list_revisions

if TYPE_CHECKING:
    from collections.abc import Iterator

REVISIONS = [r.name for r in list_revisions()]


@pytest.mark.parametrize("name", REVISIONS)
def test_bundle_is_the_revision_bundle_plus_header(name):
    revision = next(r for r in list_revisions() if r.name == name)
    bundle = json.loads((GENERATED / "jsonschema" / f"vrp-event-v{name}.schema.json").read_text())
    assert "DO NOT EDIT" in bundle.pop("$comment")
    assert bundle == dispatch_bundle(revision)
    assert {k: v for k, v in bundle.items() if k != "allOf"}["$defs"] == revision.bundle()["$defs"]
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


@pytest.mark.parametrize("name", REVISIONS)
def test_dispatch_accepts_exactly_what_the_revision_accepts(name):
    revision = next(r for r in list_revisions() if r.name == name)
    seeds = corpus_seeds(revision)
    mutations = corpus_mutations(revision)
    assert len(mutations) > 2000
    # python-jsonschema (the reference oracle) on the seeds, jsonschema-rs on every mutation
    engines: list[tuple[Any, Any, list[Any]]] = [
        (Draft202012Validator(revision.bundle()), Draft202012Validator(dispatch_bundle(revision)), seeds),
        (
            jsonschema_rs.validator_for(revision.bundle()),
            jsonschema_rs.validator_for(dispatch_bundle(revision)),
            seeds + mutations,
        ),
    ]
    for original, dispatch, instances in engines:
        verdicts = {True: 0, False: 0}
        for instance in instances:
            verdict = original.is_valid(instance)
            assert dispatch.is_valid(instance) is verdict, instance
            verdicts[verdict] += 1
        assert min(verdicts.values()) > 10  # both verdicts represented


@pytest.mark.parametrize("name", REVISIONS)
def test_best_match_points_into_the_branch_event_type_names(name):
    revision = next(r for r in list_revisions() if r.name == name)
    validator = Draft202012Validator(dispatch_bundle(revision))
    for vector_name, vector in revision.examples("invalid"):
        error = best_match(validator.iter_errors(vector["event"]))
        assert error is not None
        where = "".join(f"/{part}" for part in error.absolute_path)
        pointer = vector["error"]["pointer"]
        # `required` errors sit on the object that lacks the key
        assert pointer in {where, f"{where}/{pointer.rsplit('/', 1)[-1]}"}, (vector_name, where)


@pytest.mark.toolchain
@pytest.mark.parametrize("name", REVISIONS)
def test_ajv_first_error_is_in_the_branch_event_type_names(name):
    node = need("node", "Node.js 20+")
    tools = REPO / "scripts" / "codegen" / "node" / "node_modules"
    need(str(tools / "ajv" / "package.json"), "run `make setup-codegen` (npm ci)")
    rev_id = "v" + name.replace(".", "_")
    out = run(
        [
            node,
            str(Path(__file__).parent / "ajv_first_error.js"),
            str(GENERATED / "jsonschema" / f"vrp-event-v{name}.schema.json"),
            str(GENERATED / "go" / rev_id / "vectors.json"),
        ],
        cwd=REPO,
        env={"TOOLS": str(tools)},
    )
    vectors = json.loads((GENERATED / "go" / rev_id / "vectors.json").read_text("utf-8"))
    expected = {v["name"]: v["pointer"] for v in vectors["invalid"]}
    for result in map(json.loads, out.splitlines()):
        if result["ok"]:  # a JS double cannot hold 2^63: the TypeScript package's decode can
            assert result["name"] == "ts_ms-overflow"
            continue
        params = result["params"]
        key = params.get("missingProperty") or params.get("additionalProperty")
        where = result["path"] + (f"/{key}" if key else "")
        assert where == expected[result["name"]], result
