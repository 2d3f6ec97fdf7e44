"""SARIF 2.1.0: one log with one run, for code scanning; rules come from the findings' ids."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

from vrp_contract.findings import Severity
from vrp_contract.reporters.base import Reporter

if TYPE_CHECKING:
    from vrp_contract.findings import Finding
    from vrp_contract.reporters.base import Summary

__all__ = ["SARIF_SCHEMA", "SarifReporter"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _purpose(rule_id: str) -> str:
    try:
        from vrp_contract.compat.registry import get_rule  # noqa: PLC0415 - optional lookup

        return get_rule(rule_id).purpose
    except (ImportError, KeyError):
        return f"vrp-contract rule {rule_id}."


class SarifReporter(Reporter):
    """`--format sarif`: a SARIF 2.1.0 log of every finding, written at the end of the run."""

    name: ClassVar[str] = "sarif"
    commands: ClassVar[frozenset[str]] = frozenset({"validate", "compat"})

    def finding(self, finding: Finding) -> None:
        """Collect one finding."""
        if not hasattr(self, "results"):
            self.results: list[Finding] = []
        if self.quiet and not finding.is_error:
            return
        self.results.append(finding)

    def finish(self, summary: Summary) -> None:
        """Write the SARIF log."""
        from vrp_contract import __version__  # noqa: PLC0415 - avoid an import cycle

        findings: list[Finding] = getattr(self, "results", [])
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
                            "rules": [
                                {"id": rid, "shortDescription": {"text": _purpose(rid)}}
                                for rid in rule_ids
                            ],
                        }
                    },
                    "results": results,
                    "properties": summary.as_dict(),
                }
            ],
        }
        self.out.write(json.dumps(log, indent=2, ensure_ascii=False) + "\n")
