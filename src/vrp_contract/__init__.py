"""vrp-contract: the VRP behavioral event contract as a library.

Load a revision's schema, validate one event, or iterate findings over a whole stream.
Sub-packages: `vrp_contract.stream` (the validator), `vrp_contract.compat` (the compatibility
checker), `vrp_contract.catalog` (every rule id, its purpose and severity), `vrp_contract.typed`
(generated dataclasses and their loader). docs/guides/public-api.md says what is public.
"""

from __future__ import annotations

from vrp_contract import catalog, compat
from vrp_contract.findings import ExitCode, Finding, Severity, finding_schema
from vrp_contract.revisions import (
    Revision,
    UnknownRevisionError,
    latest_revision,
    list_revisions,
    load_revision,
)

__version__ = "0.1.0"

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
