"""The behaviour suite in each language's own test runner, and engines free of contract names.

Each package ships the suite (`behaviour-suite.json`) and runs it in its own tests (`node --test`,
`go test`); here they run twice: on the shipped copy, and on the repository's suite folder
(`VRP_BEHAVIOUR_SUITE`), so the two can never drift apart unnoticed.
"""

from __future__ import annotations

import json
import re

import pytest

from scripts.codegen.behaviour import go as go_gen
from scripts.codegen.behaviour import java as java_gen
from scripts.codegen.behaviour import rust as rust_gen
from scripts.codegen.behaviour import typescript as ts_gen
from scripts.codegen.behaviour.common import suite_json
from tests.behaviour._checkers import GO_ENV, go_module, typescript_package
from tests.behaviour._jvm import java_project, rust_crate
from tests.generated._toolchain import need, run
from vrp_contract.revisions import Revision, list_revisions

REVISIONS = list_revisions()
IDS = [r.name for r in REVISIONS]


def _suite_folder(revision: Revision) -> str:
    return str(revision.resource("streams"))


def _rev_id(revision: Revision) -> str:
    return "v" + revision.name.replace(".", "_")


@pytest.mark.toolchain
@pytest.mark.parametrize("revision", REVISIONS, ids=IDS)
@pytest.mark.parametrize("source", ["shipped", "repository"])
def test_typescript_runs_the_suite(revision, source):
    node = need("node", "Node.js 20+, `make setup-codegen`")
    env = {"VRP_BEHAVIOUR_SUITE": _suite_folder(revision) if source == "repository" else ""}
    package = typescript_package(_rev_id(revision))
    out = run([node, "--test", "test/behaviour.test.js"], package, env=env)
    cases = len(json.loads(suite_json(revision))["cases"])
    # two tests per case, and the test file's own tests (one `test(` call each)
    own = (package / "test" / "behaviour.test.js").read_text("utf-8").count("\ntest(")
    assert f"# pass {2 * cases + own}" in out, out[-2000:]
    assert "# fail 0" in out


@pytest.mark.toolchain
@pytest.mark.parametrize("revision", REVISIONS, ids=IDS)
@pytest.mark.parametrize("source", ["shipped", "repository"])
def test_go_runs_the_suite(revision, source):
    go = need("go", "Go 1.22+, `make setup-codegen`")
    env = {
        **GO_ENV,
        "VRP_BEHAVIOUR_SUITE": _suite_folder(revision) if source == "repository" else "",
    }
    module = go_module(_rev_id(revision))
    run([go, "vet", "./behaviour/..."], module, env=GO_ENV)
    out = run([go, "test", "-count=1", "-v", "./behaviour/"], module, env=env)
    cases = json.loads(suite_json(revision))["cases"]
    for case in cases:
        assert f"--- PASS: TestBehaviourSuite/{case['name']}" in out, case["name"]
    assert "--- PASS: TestIsAllowedIsTheTable" in out


@pytest.mark.toolchain
@pytest.mark.parametrize("revision", REVISIONS, ids=IDS)
@pytest.mark.parametrize("source", ["shipped", "repository"])
def test_rust_runs_the_suite(revision, source):
    cargo = need("cargo", "Rust via rustup, `make setup-codegen`")
    env = {"VRP_BEHAVIOUR_SUITE": _suite_folder(revision) if source == "repository" else ""}
    crate = rust_crate(_rev_id(revision))
    out = run([cargo, "test", "--locked", "--test", "behaviour"], crate, env=env, timeout=3600)
    assert "test suite_fail_streams_have_exactly_the_expected_findings ... ok" in out
    assert "test result: ok. 8 passed" in out, out[-2000:]


@pytest.mark.toolchain
@pytest.mark.parametrize("revision", REVISIONS, ids=IDS)
@pytest.mark.parametrize("source", ["shipped", "repository"])
def test_java_runs_the_suite(revision, source):
    mvn = need("mvn", "Maven 3.8+ with Java 17, `make setup-codegen`")
    env = {"VRP_BEHAVIOUR_SUITE": _suite_folder(revision) if source == "repository" else ""}
    project = java_project(_rev_id(revision))
    out = run([mvn, "-B", "test", "-Dtest=BehaviourTest"], project, env=env, timeout=3600)
    cases = len(json.loads(suite_json(revision))["cases"])
    assert f"Tests run: {2 * cases + 6}, Failures: 0, Errors: 0, Skipped: 0" in out, out[-2000:]
    assert "BUILD SUCCESS" in out


ENGINES = [
    ts_gen.TEMPLATES / "session-checker.js",
    ts_gen.TEMPLATES / "session-checker.d.ts",
    ts_gen.TEMPLATES / "bin" / "vrp-session-check.js",
    go_gen.TEMPLATES / "checker.go",
    go_gen.TEMPLATES / "cmd" / "vrp-session-check" / "main.go",
    rust_gen.TEMPLATES / "session.rs",
    rust_gen.TEMPLATES / "vrp-session-check.rs",
    java_gen.TEMPLATES / "SessionChecker.java",
    java_gen.TEMPLATES / "VrpSessionCheck.java",
]


@pytest.mark.parametrize("engine", ENGINES, ids=lambda p: p.name)
def test_no_state_or_event_type_name_in_an_engine(engine):
    names = set()
    for revision in REVISIONS:
        names |= {s["name"] for s in revision.state_machine["states"]}
        names |= set(revision.event_types)
    text = engine.read_text("utf-8")
    found = sorted(n for n in names if re.search(rf"\b{re.escape(n)}\b", text))
    assert found == [], f"{engine.name} names {found}: read them from the tables instead"
