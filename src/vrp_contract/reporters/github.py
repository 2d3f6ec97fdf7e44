"""GitHub Actions workflow commands: each finding as an `::error`/`::warning`/`::notice` line."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from vrp_contract.findings import Severity
from vrp_contract.reporters.base import Reporter

if TYPE_CHECKING:
    from vrp_contract.findings import Finding
    from vrp_contract.reporters.base import Summary

__all__ = ["GithubReporter", "escape_data", "escape_property"]

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a workflow command message (`%`, CR, LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command property value (also `:` and `,`)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    """`--format github`: annotations on the pull request's files, then the summary lines."""

    name: ClassVar[str] = "github"
    commands: ClassVar[frozenset[str]] = frozenset({"validate", "compat", "vendor"})

    def finding(self, finding: Finding) -> None:
        """Print one workflow command (info findings only with --verbose)."""
        if finding.severity is Severity.INFO and not self.verbose:
            return
        if self.quiet and not finding.is_error:
            return
        props = []
        if finding.source and not finding.source.startswith("git:") and finding.source != "-":
            props.append(f"file={escape_property(finding.source)}")
        if finding.line is not None:
            props.append(f"line={finding.line}")
        props.append(f"title={escape_property(finding.rule)}")
        where = f" at {finding.pointer}" if finding.pointer else ""
        breaks = f" (breaks {'+'.join(finding.directions)})" if finding.directions else ""
        message = f"{finding.message}{breaks}{where}"
        self.out.write(f"::{_LEVEL[finding.severity]} {','.join(props)}::{escape_data(message)}\n")

    def finish(self, summary: Summary) -> None:
        """Print the summary as plain lines (they show in the job log)."""
        for line in summary.text_lines():
            self.out.write(line + "\n")
