"""`vrp-contract registry push|check` against a real Apicurio Registry."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pytest

from tests._support import Run, run_cli
from tests.registry import _revisions as rv
from vrp_contract.registry import RegistryClient, schema_text
from vrp_contract.revisions import list_revisions

if TYPE_CHECKING:
    from pathlib import Path


def _run(action: str, url: str, subject: str, root: Path, *more: str) -> Run:
    return run_cli(
        "registry", action, "--url", url, "--subject", subject, "--schema-dir", str(root), *more
    )


def _push(_cli: object, url: str, subject: str, root: Path, *more: str) -> Run:
    return _run("push", url, subject, root, *more)


def _check(_cli: object, url: str, subject: str, root: Path, *more: str) -> Run:
    return _run("check", url, subject, root, *more)


def test_push_registers_each_revision_once_and_sets_the_level(cli, registry_url, subject, tmp_path):
    root = rv.tree(tmp_path, rv.add_optional)
    first = _push(cli, registry_url, subject, root)
    assert first.code == 0, first.out + first.err
    assert "revision 0.1: registered as" in first.out
    assert "revision 0.2: registered as" in first.out
    assert "compatibility set to BACKWARD_TRANSITIVE" in first.out
    again = _push(cli, registry_url, subject, root, "--format", "json")
    assert again.code == 0, again.err
    data = json.loads(again.out)
    assert [s["status"] for s in data["revisions"]] == ["unchanged", "unchanged"]
    assert [s["version"] for s in data["revisions"]] == [1, 2]
    client = RegistryClient(registry_url)
    assert client.versions(subject) == [1, 2]  # the second push made no new version
    assert client.compatibility(subject) == "BACKWARD_TRANSITIVE"
    revisions = list_revisions(root)
    assert client.version(subject, 1)["schema"] == schema_text(revisions[0])
    assert client.schema(subject, 2) == revisions[1].bundle()


def test_push_stops_at_the_revision_given(cli, registry_url, subject, tmp_path):
    root = rv.tree(tmp_path, rv.add_optional)
    run = _push(cli, registry_url, subject, root, "--revision", "0.1", "--compatibility", "FULL")
    assert run.code == 0, run.err
    assert "0.2" not in run.out
    client = RegistryClient(registry_url)
    assert client.versions(subject) == [1]
    assert client.compatibility(subject) == "FULL"


def test_push_of_a_breaking_revision_is_rejected_and_registers_nothing(
    cli, registry_url, subject, tmp_path
):
    root = rv.tree(tmp_path, rv.add_required)
    run = _push(cli, registry_url, subject, root)
    assert run.code == 1, run.out + run.err
    assert "revision 0.1: registered as" in run.out
    assert "revision 0.2: REJECTED by the registry: incompatible under compatibility" in run.out
    assert "HTTP 409" in run.out
    assert RegistryClient(registry_url).versions(subject) == [1]


def test_check_a_compatible_revision_both_verdicts(cli, registry_url, subject, tmp_path):
    root = rv.tree(tmp_path, rv.add_optional)
    assert _push(cli, registry_url, subject, root, "--revision", "0.1").code == 0
    run = _check(cli, registry_url, subject, root)
    assert run.code == 0, run.out + run.err
    assert "revision 0.2 against version 1 (revision 0.1):" in run.out
    assert "  registry: compatible\n" in run.out
    assert "  vrp-contract: compatible in backward mode; needs a minor bump" in run.out
    found = re.search(
        r"\n  bundle-v0\.2\.json:(\d+): info object\.properties: Property 'note'", run.out
    )
    assert found, run.out
    # the line is that of `vrp-contract schema --revision 0.2` (the bundle, indented by 2)
    printed = json.dumps(list_revisions(root)[1].bundle(), indent=2, ensure_ascii=False)
    assert '"note": {' in printed.splitlines()[int(found[1]) - 1]
    assert "they differ" not in run.out
    assert run.out.endswith("(the two agree).\n")


def test_check_a_breaking_revision_both_verdicts(cli, registry_url, subject, tmp_path):
    root = rv.tree(tmp_path, rv.add_required)
    assert _push(cli, registry_url, subject, root, "--revision", "0.1").code == 0
    run = _check(cli, registry_url, subject, root, "--format", "json")
    assert run.code == 1, run.out + run.err
    data = json.loads(run.out)
    assert data["registry_compatible"] is False
    assert data["vrp_contract_compatible"] is False
    (version,) = data["versions"]
    assert version["revision"] == "0.1"
    assert version["differ"] is None
    rules = {f["rule"] for f in version["vrp_contract"]["findings"] if f["severity"] == "error"}
    assert rules == {"object.required"}
    (finding,) = [f for f in version["vrp_contract"]["findings"] if f["severity"] == "error"]
    assert finding["source"] == "bundle-v0.2.json"
    assert finding["pointer"] == "/$defs/MutationTick/required"
    assert isinstance(finding["line"], int)


@pytest.mark.parametrize(
    ("edit", "registry_ok", "ours_ok", "why"),
    [
        (rv.add_dependent_required, True, False, "the registry accepts revision 0.2 although"),
        (rv.describe_open_details, False, True, "the registry rejects revision 0.2 although"),
    ],
)
def test_check_says_why_the_verdicts_differ(  # noqa: PLR0917 - parametrised
    cli, registry_url, subject, tmp_path, edit, registry_ok, ours_ok, why
):
    root = rv.tree(tmp_path, edit)
    assert _push(cli, registry_url, subject, root, "--revision", "0.1").code == 0
    run = _check(cli, registry_url, subject, root)
    assert run.code == 1, run.out + run.err
    assert f"  registry: {'compatible' if registry_ok else 'INCOMPATIBLE'}" in run.out
    assert f"  vrp-contract: {'compatible' if ours_ok else 'INCOMPATIBLE'}" in run.out
    assert f"  they differ: {why}" in run.out
    assert "(the two DISAGREE)." in run.out
    if not registry_ok:  # Apicurio's dry run names its rule
        assert re.search(r"  registry: INCOMPATIBLE \([A-Z_]+ at /", run.out), run.out
        assert re.search(r"its keyword rule \([A-Z_]+ at /", run.out), run.out


def test_check_of_a_registered_revision_and_of_an_empty_subject(
    cli, registry_url, subject, tmp_path
):
    root = rv.tree(tmp_path)
    empty = _check(cli, registry_url, subject, root)
    assert empty.code == 0, empty.err
    assert "has no version yet" in empty.out
    assert _push(cli, registry_url, subject, root).code == 0
    same = _check(cli, registry_url, subject, root)
    assert same.code == 0, same.err
    assert f"revision 0.1 is already registered as {subject} version 1" in same.out


def test_check_a_transitive_level_asks_about_every_version(cli, registry_url, subject, tmp_path):
    root = rv.tree(tmp_path, rv.add_optional)
    assert _push(cli, registry_url, subject, root, "--revision", "0.1").code == 0
    # a second version that is not a revision of the tree: 0.1 with a changed description
    client = RegistryClient(registry_url)
    other = list_revisions(root)[0].bundle()
    other["description"] = "registered by hand"
    client.register(subject, json.dumps(other))
    run = _check(cli, registry_url, subject, root, "--format", "json")
    assert run.code == 0, run.out + run.err
    data = json.loads(run.out)
    assert [(v["version"], v["revision"]) for v in data["versions"]] == [(1, "0.1"), (2, None)]


def test_check_against_a_version_compat_cannot_read_is_one_line(
    cli, registry_url, subject, tmp_path
):
    client = RegistryClient(registry_url)
    remote = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": "https://example.invalid/event.schema.json",
    }
    client.register(subject, json.dumps(remote))
    run = _check(cli, registry_url, subject, rv.tree(tmp_path))
    assert run.code == 2, run.out + run.err
    assert run.err.startswith(
        f"vrp-contract: error: registry check: compat cannot compare {subject}@v1 with "
        "bundle-v0.1.json: "
    )
    assert "example.invalid" in run.err
    assert "vrp-registry-" not in run.err  # no temp path
    assert run.err.count("\n") == 1
