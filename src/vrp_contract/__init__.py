"""vrp-contract: the VRP behavioral event contract as a library.

Load a revision's schema, validate one event, or iterate findings over a whole stream.
Sub-packages: `vrp_contract.stream` (the validator), `vrp_contract.compat` (the compatibility
checker), `vrp_contract.catalog` (every rule id, its purpose and severity), `vrp_contract.typed`
(generated dataclasses and their loader). docs/guides/public-api.md says what is public.

The names below are imported on first use (PEP 562): importing the package costs nearly nothing,
so the command line starts fast and a Ctrl-C during its start-up is handled (`_entry`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from vrp_contract._version import __version__

if TYPE_CHECKING:
    from vrp_contract import catalog, compat
    from vrp_contract.findings import ExitCode, Finding, Severity, finding_schema
    from vrp_contract.revisions import (
        Revision,
        UnknownRevisionError,
        latest_revision,
        list_revisions,
        load_revision,
    )

_LAZY = {
    "catalog": "vrp_contract.catalog",
    "compat": "vrp_contract.compat",
    "ExitCode": "vrp_contract.findings",
    "Finding": "vrp_contract.findings",
    "Severity": "vrp_contract.findings",
    "finding_schema": "vrp_contract.findings",
    "Revision": "vrp_contract.revisions",
    "UnknownRevisionError": "vrp_contract.revisions",
    "latest_revision": "vrp_contract.revisions",
    "list_revisions": "vrp_contract.revisions",
    "load_revision": "vrp_contract.revisions",
}


def __getattr__(name: str) -> Any:  # noqa: ANN401 - any of the public names
    """Import a public name on first use, then keep it as a plain attribute."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vrp_contract' has no attribute {name!r}")
    imported = importlib.import_module(module)
    value = imported if module.endswith(f".{name}") else getattr(imported, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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
