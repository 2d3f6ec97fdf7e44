"""GitHub Actions workflow commands: each finding as an `::error`/`::warning`/`::notice` line."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from vrp_contract import catalog
from vrp_contract.findings import Severity
from vrp_contract.reporters.base import Reporter

if TYPE_CHECKING:
    from typing import TextIO

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


def _title(rule_id: str) -> str:
    """The annotation's title: the rule id and, from the catalog, what the rule protects."""
    try:
        return f"{rule_id}: {catalog.get(rule_id).purpose}"
    except KeyError:  # a rule of another revision than the installed ones
        return rule_id


class GithubReporter(Reporter):
    """`--format github`: annotations on the pull request's files, then the summary lines."""

    name: ClassVar[str] = "github"
    commands: ClassVar[frozenset[str]] = frozenset({"validate", "compat", "vendor"})

    def __init__(self, out: TextIO, *, verbose: bool = False, quiet: bool = False) -> None:
        """Write to `out`; the escaped title of each rule and source is kept once worked out."""
        super().__init__(out, verbose=verbose, quiet=quiet)
        self._titles: dict[str, str] = {}
        self._files: dict[str, str] = {}

    def write(self, finding: Finding) -> None:
        """Print one workflow command (info findings only with --verbose)."""
        if finding.severity is Severity.INFO and not self.verbose:
            return
        props = []
        source = finding.source
        if source and not source.startswith("git:") and source != "-":
            file = self._files.get(source)
            if file is None:
                file = self._files[source] = f"file={escape_property(source)}"
            props.append(file)
        if finding.line is not None:
            props.append(f"line={finding.line}")
        title = self._titles.get(finding.rule)
        if title is None:
            title = self._titles[finding.rule] = f"title={escape_property(_title(finding.rule))}"
        props.append(title)
        where = f" at {finding.pointer}" if finding.pointer else ""
        breaks = f" (breaks {'+'.join(finding.directions)})" if finding.directions else ""
        message = f"{finding.message}{breaks}{where}"
        self.out.write(f"::{_LEVEL[finding.severity]} {','.join(props)}::{escape_data(message)}\n")

    def finish(self, summary: Summary) -> None:
        """Print the summary as plain lines (they show in the job log)."""
        for line in summary.text_lines():
            self.out.write(line + "\n")
