"""vrp-contract: the VRP behavioral event contract as a library.

Load a revision's schema, validate one event, or iterate findings over a whole stream.
Sub-packages: `vrp_contract.stream` (the validator), `vrp_contract.compat` (the compatibility
checker), `vrp_contract.typed` (generated dataclasses and their loader).
"""

from __future__ import annotations

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
    "finding_schema",
    "latest_revision",
    "list_revisions",
    "load_revision",
]
