"""vrp-contract: the VRP behavioral event contract as a library.

Load a revision's schema, validate one event, or iterate findings over a whole stream.
Sub-packages: `vrp_contract.stream` (the validator), `vrp_contract.compat` (the compatibility
checker), `vrp_contract.catalog` (every rule id, its purpose and severity), `vrp_contract.typed`
(generated dataclasses and their loader). docs/guides/public-api.md says what is public.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vrp_contract import catalog
from vrp_contract._version import __version__
from vrp_contract.findings import ExitCode, Finding, Severity, finding_schema
from vrp_contract.revisions import (
    Revision,
    UnknownRevisionError,
    latest_revision,
    list_revisions,
    load_revision,
)

if TYPE_CHECKING:
    from vrp_contract import compat


def __getattr__(name: str) -> Any:  # noqa: ANN401 - a module
    """`vrp_contract.compat` on first use: a validation run does not pay for its import."""
    if name == "compat":
        import vrp_contract.compat  # noqa: PLC0415

        return vrp_contract.compat
    raise AttributeError(f"module 'vrp_contract' has no attribute {name!r}")


__all__ = [
    "ExitCode",
    "Finding",
    "Revision",
    "Severity",
    "UnknownRevisionError",
    "__version__",
    "catalog",
    "compat",
    "finding_schema",
    "latest_revision",
    "list_revisions",
    "load_revision",
]
