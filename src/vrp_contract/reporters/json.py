"""One JSON document per run: the summary and every finding (schema: `compat_report_schema()`)."""

from __future__ import annotations

import json as _json
from importlib import resources
from typing import TYPE_CHECKING, Any, ClassVar

from vrp_contract._version import __version__
from vrp_contract.findings import finding_schema
from vrp_contract.reporters.base import Reporter

if TYPE_CHECKING:
    from typing import TextIO

    from vrp_contract.findings import Finding
    from vrp_contract.reporters.base import Summary

__all__ = ["JsonReporter", "compat_report_schema"]


def compat_report_schema() -> dict[str, Any]:
    """Return the published JSON Schema of `compat --format json`, with nothing to fetch.

    The file refers to the finding schema by its `$id`; the schema returned here embeds it
    (under `$defs`, with its `$id`: a 2020-12 bundle), so any validator resolves the reference
    without a registry or the network.
    """
    path = resources.files("vrp_contract").joinpath("data/compat-report.schema.json")
    data: dict[str, Any] = _json.loads(path.read_text("utf-8"))
    data.setdefault("$defs", {})["Finding"] = finding_schema()
    return data


class JsonReporter(Reporter):
    """`--format json`: one JSON object with the run's inputs, verdict, bump and findings."""

    name: ClassVar[str] = "json"
    commands: ClassVar[frozenset[str]] = frozenset({"compat"})

    def __init__(self, out: TextIO, *, verbose: bool = False, quiet: bool = False) -> None:
        """Collect the findings; the report is written at the end."""
        super().__init__(out, verbose=verbose, quiet=quiet)
        self.findings: list[dict[str, Any]] = []

    def write(self, finding: Finding) -> None:
        """Collect one finding."""
        self.findings.append(finding.to_dict())

    def finish(self, summary: Summary) -> None:
        """Write the whole report."""
        meta = self.meta
        doc = {
            "tool": {"name": "vrp-contract", "version": __version__},
            "command": meta.get("command", "compat"),
            "inputs": {k: meta.get(k) for k in ("old", "new") if meta.get(k) is not None},
            **summary.as_dict(),
            "findings": self.findings,
        }
        self.out.write(_json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
