"""`validate --registry-url`: the revision comes from the registry, the findings stay the same."""

from __future__ import annotations

from tests._support import ROOT, run_cli
from tests.registry import _revisions as rv

DEMO = str(ROOT / "examples" / "demo.jsonl")


def test_validate_takes_the_revision_the_registry_holds(registry_url, subject):
    assert run_cli("registry", "push", "--url", registry_url, "--subject", subject).code == 0
    from_package = run_cli("validate", "--format", "jsonl", DEMO)
    from_registry = run_cli(
        "validate", "--format", "jsonl", "--registry-url", registry_url,
        "--registry-subject", subject, DEMO,
    )  # fmt: skip
    assert from_registry.err == ""
    assert (from_registry.code, from_registry.out) == (from_package.code, from_package.out)
    assert from_package.code == 1
    assert from_package.out


def test_an_unknown_subject_is_a_one_line_usage_error(registry_url, subject):
    run = run_cli("validate", "--registry-url", registry_url, "--registry-subject", subject, DEMO)
    assert run.code == 2
    assert run.err.startswith("vrp-contract: error: ")
    assert subject in run.err
    assert "Traceback" not in run.err


def test_a_registered_schema_that_is_no_revision_of_the_package_is_refused(
    registry_url, subject, tmp_path
):
    root = rv.tree(tmp_path, rv.add_optional)  # a test-only revision 0.2 this package lacks
    pushed = run_cli(
        "registry", "push", "--url", registry_url, "--subject", subject,
        "--schema-dir", str(root), "--compatibility", "NONE",
    )  # fmt: skip
    assert pushed.code == 0, pushed.out + pushed.err
    run = run_cli("validate", "--registry-url", registry_url, "--registry-subject", subject, DEMO)
    assert run.code == 2
    assert "is none of this package's revisions" in run.err
