"""SARIF 2.1.0: one log with one run, for code scanning; rule descriptors from the catalog."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

import orjson

from vrp_contract import catalog
from vrp_contract._version import __version__
from vrp_contract.findings import Severity
from vrp_contract.reporters.base import Reporter
from vrp_contract.stream.parse import acyclic, big_int_digits

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
        with acyclic():  # a million small containers: the cycle collector would scan them often
            results = [_result(f, index[f.rule]) for f in findings]
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
        self.out.write(_indented(log))


def _result(f: Finding, rule_index: int) -> dict[str, Any]:
    """The SARIF result of one finding."""
    location: dict[str, Any] = {}
    if f.source:
        # standard input is no file a viewer could open: it is described, not named `-`
        artifact = {"description": {"text": "standard input"}} if f.source == "-" else None
        physical: dict[str, Any] = {"artifactLocation": artifact or {"uri": f.source}}
        if f.line is not None:
            physical["region"] = {"startLine": f.line}
        location["physicalLocation"] = physical
    if f.pointer:
        location["logicalLocations"] = [{"fullyQualifiedName": f.pointer, "kind": "member"}]
    properties: dict[str, Any] = {}
    if f.directions:
        properties["directions"] = list(f.directions)
    if f.old_pointer:
        properties["oldPointer"] = f.old_pointer
    if f.session_id:
        properties["sessionId"] = f.session_id
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": _LEVEL[f.severity],
        "message": {"text": f.message},
        "properties": properties,
    }
    if location:
        result["locations"] = [location]
    return result


def _indented(data: Any) -> str:  # noqa: ANN401
    """`json.dumps(data, indent=2, ensure_ascii=False)` and a newline, by orjson when it can.

    orjson writes the same text (two-space indent, `": "`, the same string escapes) about
    twenty times faster; what it refuses (an integer beyond 64 bits, a lone surrogate in a
    file name) goes to the json module.
    """
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode()
    except TypeError:
        pass
    try:
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    except ValueError:  # more than 4,300 digits
        with big_int_digits():
            return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
