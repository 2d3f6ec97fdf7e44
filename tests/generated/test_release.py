"""One version scheme: every artifact of a revision carries `<revision>.<release>` and its revision."""

from __future__ import annotations

import vrp_contract

import json
import re
import tomllib
import xml.etree.ElementTree as ET

from scripts.codegen.release import BINDING_RELEASES, artifact_name, package_version
from tests.generated._toolchain import GENERATED, REPO
from vrp_contract import typed
from vrp_contract.revisions import list_revisions

NS = {"m": "http://maven.apache.org/POM/4.0.0"}


def test_every_released_revision_has_a_binding_release():
    released = {r.name for r in list_revisions() if r.manifest.get("status") == "released"}
    assert released <= set(BINDING_RELEASES) <= {r.name for r in list_revisions()}


def test_the_wheel_is_versioned_like_the_latest_bindings():
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    latest = list_revisions()[-1]
    assert project["version"] == package_version(latest)
    assert project["version"] == vrp_contract.__version__
    assert typed.REVISION == latest.name


def test_every_manifest_carries_the_version_name_and_revision():
    for revision in list_revisions():
        rev_id = "v" + revision.name.replace(".", "_")
        version, name = package_version(revision), artifact_name(revision)
        assert version.startswith(revision.name + ".")
        package = json.loads((GENERATED / "typescript" / rev_id / "package.json").read_text())
        assert (package["name"], package["version"]) == (name, version)
        assert package["vrpContract"]["revision"] == revision.name
        cargo = tomllib.loads((GENERATED / "rust" / rev_id / "Cargo.toml").read_text())
        assert (cargo["package"]["name"], cargo["package"]["version"]) == (name, version)
        assert cargo["package"]["metadata"]["vrp-contract"]["revision"] == revision.name
        assert "publish" not in cargo["package"]
        for key in ("license", "repository", "documentation", "description"):
            assert cargo["package"][key], key
        pom = ET.parse(GENERATED / "java" / rev_id / "pom.xml").getroot()  # noqa: S314 - ours
        assert pom.findtext("m:artifactId", namespaces=NS) == name
        assert pom.findtext("m:version", namespaces=NS) == version
        for path in ("m:url", "m:licenses/m:license/m:name", "m:scm/m:url", "m:developers"):
            assert pom.find(path, NS) is not None, path
        go_mod = (GENERATED / "go" / rev_id / "go.mod").read_text()
        assert re.search(rf"^module vrp\.dev/contract/generated/go/{rev_id}$", go_mod, re.M)


def test_the_engine_is_versioned_in_one_place_and_the_installed_one_is_current():
    """native/Cargo.toml, native/pyproject.toml and the package's pin name one engine version.

    The installed engine must be that version too: a stale build (an older `Terminated` or
    `Engine` API) fails here with what to run, not deep inside the fold.
    """
    import vrp_contract_engine  # noqa: PLC0415 - only this test reads its version

    cargo = tomllib.loads((REPO / "native" / "Cargo.toml").read_text("utf-8"))["package"]
    wheel = tomllib.loads((REPO / "native" / "pyproject.toml").read_text("utf-8"))["project"]
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    pins = [d for d in project["dependencies"] if d.startswith("vrp-contract-engine")]
    assert pins == [f"vrp-contract-engine=={cargo['version']}"]
    assert wheel["version"] == cargo["version"]
    assert vrp_contract_engine.__version__ == cargo["version"], (
        "the installed engine is stale: run `make setup` (or `pip install ./native`)"
    )
