"""The contract in a schema registry (the Confluent-compatible REST API).

`push` registers every revision of the contract under one subject, in order, as its
self-contained bundle; `check` asks the registry whether a revision would be accepted and puts
its verdict beside `vrp_contract.compat`'s; `fetch_schema` takes the registered schema back (for
a consumer, a Flink job or the one-machine Kafka mode) and `revision_for_schema` names the
revision it is, so the same stream rules apply whichever way the schema arrived.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vrp_contract.registry.auth import Auth
from vrp_contract.registry.check import CheckReport, VersionCheck, check, mode_of_level
from vrp_contract.registry.client import COMPATIBILITY_LEVELS, RegistryClient
from vrp_contract.registry.errors import RegistryError, RegistryHTTPError
from vrp_contract.registry.push import PushResult, PushStep, push, schema_text
from vrp_contract.revisions import list_revisions

if TYPE_CHECKING:
    from collections.abc import Sequence

    from vrp_contract.revisions import Revision

__all__ = [
    "COMPATIBILITY_LEVELS",
    "Auth",
    "CheckReport",
    "PushResult",
    "PushStep",
    "RegistryClient",
    "RegistryError",
    "RegistryHTTPError",
    "VersionCheck",
    "check",
    "fetch_schema",
    "mode_of_level",
    "push",
    "registered_revision",
    "revision_for_schema",
    "schema_text",
]


def fetch_schema(  # noqa: PLR0913 - the connection options of one call
    url: str,
    subject: str,
    version: int | str = "latest",
    *,
    auth: Auth | None = None,
    ca_file: str | None = None,
    insecure: bool = False,
    timeout: float = 10.0,
) -> dict[str, Any]:
    """Return the JSON Schema registered under `subject` (`version`: a number or `latest`).

    `auth` defaults to the environment (`VRP_REGISTRY_TOKEN`, or `VRP_REGISTRY_USERNAME` and
    `VRP_REGISTRY_PASSWORD`). Raises `RegistryError` (one line, no secret) on any failure.
    """
    auth = Auth.from_env() if auth is None else auth
    client = RegistryClient(url, auth=auth, ca_file=ca_file, insecure=insecure, timeout=timeout)
    return client.schema(subject, version)


def revision_for_schema(
    schema: dict[str, Any], revisions: Sequence[Revision] | None = None
) -> Revision | None:
    """The revision whose bundle is `schema` (as registered by `push`), or None.

    A consumer that takes its schema from the registry uses this to run the stream rules
    (state machine, invariants, policy) of the same revision the schema belongs to.
    """
    for revision in list_revisions() if revisions is None else revisions:
        if revision.bundle() == schema:
            return revision
    return None


def registered_revision(
    url: str, subject: str, version: int | str = "latest", *, timeout: float = 10.0
) -> Revision:
    """The revision of this package whose bundle is registered under `subject` (`version`).

    What `validate` and `flink run` check against with `--registry-url`: the registry says which
    revision a topic carries, the package brings its behaviour (state machine, invariants,
    policy). Raises `RegistryError` (one line) when the registry fails or holds a schema that is
    none of the package's revisions.
    """
    revision = revision_for_schema(fetch_schema(url, subject, version, timeout=timeout))
    if revision is None:
        known = ", ".join(r.name for r in list_revisions())
        msg = (
            f"{url}: the schema registered under {subject!r} (version {version}) is none of this "
            f"package's revisions ({known}); install the vrp-contract release that has it"
        )
        raise RegistryError(msg)
    return revision
