"""Human-readable text: one line per finding, a summary at the end."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, ClassVar

from vrp_contract.findings import Severity
from vrp_contract.reporters.base import Reporter

if TYPE_CHECKING:
    from vrp_contract.findings import Finding
    from vrp_contract.reporters.base import Summary

__all__ = ["TextReporter", "location"]


def location(finding: Finding) -> str:
    """Return `source:line` for stream findings, `source#pointer` for schema findings."""
    source = finding.source or "-"
    if finding.line is not None:
        return f"{source}:{finding.line}"
    return f"{source}#{finding.pointer}"


def _printable(text: str) -> str:
    """`text`, or its JSON-escaped form when it holds a newline or another control character."""
    return text if text.isprintable() else json.dumps(text, ensure_ascii=False)


class TextReporter(Reporter):
    """`--format text`: `file:line: severity rule: message`, then the summary."""

    name: ClassVar[str] = "text"
    commands: ClassVar[frozenset[str]] = frozenset({"validate", "compat", "vendor"})

    def finding(self, finding: Finding) -> None:
        """Print one finding on one line (with its pointer and session when known)."""
        if self.quiet and finding.severity is not Severity.ERROR:
            return
        where: list[str] = []
        if finding.session_id is not None:
            where.append(f"session {_printable(finding.session_id)}")
        if finding.line is not None and finding.pointer:
            where.append(f"at {finding.pointer}")
        if finding.old_pointer is not None:
            where.append(f"old {finding.old_pointer or '(root)'}")
        if finding.directions:
            where.append("breaks " + "+".join(finding.directions))
        suffix = f" [{', '.join(where)}]" if where else ""
        self.out.write(
            f"{location(finding)}: {finding.severity} {finding.rule}: {finding.message}{suffix}\n"
        )
        if self.verbose and finding.context:
            for key, value in finding.context.items():
                self.out.write(f"    {key}: {value!r}\n")

    def finish(self, summary: Summary) -> None:
        """Print the summary lines; quiet: nothing when OK, else without the indented tables."""
        if self.quiet and not summary.failed:
            return
        for line in summary.text_lines():
            if not (self.quiet and line.startswith(" ")):
                self.out.write(line + "\n")
