"""SARIF 2.1.0: one log with one run, for code scanning; rule descriptors from the catalog."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

from vrp_contract import catalog
from vrp_contract._version import __version__
from vrp_contract.findings import Severity
from vrp_contract.reporters.base import Reporter

if TYPE_CHECKING:
    from typing import TextIO

    from vrp_contract.findings import Finding
    from vrp_contract.reporters.base import Summary

__all__ = ["SARIF_SCHEMA", "SarifReporter"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _rule(rule_id: str) -> dict[str, Any]:
    """The SARIF reporting descriptor of a rule, from the catalog."""
    descriptor: dict[str, Any] = {"id": rule_id}
    try:
        info = catalog.get(rule_id)
    except KeyError:  # a rule of another revision than the installed ones
        descriptor["shortDescription"] = {"text": f"vrp-contract rule {rule_id}."}
        return descriptor
    descriptor["shortDescription"] = {"text": info.purpose}
    descriptor["defaultConfiguration"] = {"level": _LEVEL[info.severity]}
    descriptor["properties"] = {"category": info.category}
    return descriptor


class SarifReporter(Reporter):
    """`--format sarif`: a SARIF 2.1.0 log of every finding, written at the end of the run."""

    name: ClassVar[str] = "sarif"
    commands: ClassVar[frozenset[str]] = frozenset({"validate", "compat"})

    def __init__(self, out: TextIO, *, verbose: bool = False, quiet: bool = False) -> None:
        """Collect the findings; the log is written at the end."""
        super().__init__(out, verbose=verbose, quiet=quiet)
        self.results: list[Finding] = []

    def write(self, finding: Finding) -> None:
        """Collect one finding."""
        self.results.append(finding)

    def finish(self, summary: Summary) -> None:
        """Write the SARIF log."""
        findings = self.results
        rule_ids = sorted({f.rule for f in findings})
        index = {rid: i for i, rid in enumerate(rule_ids)}
        results: list[dict[str, Any]] = []
        for f in findings:
            location: dict[str, Any] = {}
            if f.source:
                physical: dict[str, Any] = {"artifactLocation": {"uri": f.source}}
                if f.line is not None:
                    physical["region"] = {"startLine": f.line}
                location["physicalLocation"] = physical
            if f.pointer:
                location["logicalLocations"] = [{"fullyQualifiedName": f.pointer, "kind": "member"}]
            result: dict[str, Any] = {
                "ruleId": f.rule,
                "ruleIndex": index[f.rule],
                "level": _LEVEL[f.severity],
                "message": {"text": f.message},
                "properties": {
                    k: v
                    for k, v in {
                        "directions": list(f.directions),
                        "oldPointer": f.old_pointer,
                        "sessionId": f.session_id,
                    }.items()
                    if v
                },
            }
            if location:
                result["locations"] = [location]
            results.append(result)
        log = {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "vrp-contract",
                            "version": __version__,
                            "informationUri": "https://vrp.dev/contract/",
                            "rules": [_rule(rid) for rid in rule_ids],
                        }
                    },
                    "results": results,
                    "properties": summary.as_dict(),
                }
            ],
        }
        self.out.write(json.dumps(log, indent=2, ensure_ascii=False) + "\n")
