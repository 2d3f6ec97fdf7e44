"""One version scheme for every artifact: `<revision>.<binding release>` (0.1.1, 0.1.2, ...).

The contract revision is the first two numbers; the last one counts releases of the bindings of
that revision, so a fix to a binding (a decoder bug, packaging metadata) ships without touching
the released schema. All five artifacts of a revision (wheel, npm package, crate, Maven jars, Go
module tag `generated/go/<rev>/v<version>`) carry the same version; to cut a release, bump the
number here, run `python scripts/generate.py`, update `project.version` in pyproject.toml and
`__version__` in src/vrp_contract/_version.py (a test
checks they agree), add the CHANGELOG entry, then `make dist` and tag.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = ["BINDING_RELEASES", "REPOSITORY", "artifact_name", "package_version"]

BINDING_RELEASES = {"0.1": 1}
"""Revision -> the release number of its bindings (the third version number). A revision not
listed yet (a draft just scaffolded by `vrp-contract revision new`) builds as `<revision>.0`."""

REPOSITORY = "https://github.com/OWNER/vrp-contract"
"""The source repository named in every artifact's metadata (SCM, homepage, documentation)."""


def package_version(revision: Revision) -> str:
    """The version of every artifact built for `revision`, e.g. `0.1.1`."""
    return f"{revision.name}.{BINDING_RELEASES.get(revision.name, 0)}"


def artifact_name(revision: Revision) -> str:
    """The one name of the npm package, the crate and the Maven artifact: `vrp-contract-event-v0_1`.

    (The Go module is `vrp.dev/contract/generated/go/v0_1`, the Python distribution
    `vrp-contract` with the module `vrp_contract.generated.v0_1`.)
    """
    return "vrp-contract-event-v" + revision.name.replace(".", "_")
