"""A pull-request comment: the verdict, the bump, and a table of the breaking findings."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from vrp_contract.findings import Severity
from vrp_contract.reporters.base import Reporter

if TYPE_CHECKING:
    from typing import TextIO

    from vrp_contract.findings import Finding
    from vrp_contract.reporters.base import Summary

__all__ = ["MarkdownReporter"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


class MarkdownReporter(Reporter):
    """`--format markdown`: a summary comment for a schema pull request."""

    name: ClassVar[str] = "markdown"
    commands: ClassVar[frozenset[str]] = frozenset({"compat"})

    def __init__(self, out: TextIO, *, verbose: bool = False, quiet: bool = False) -> None:
        """Collect the findings; the comment is written at the end."""
        super().__init__(out, verbose=verbose, quiet=quiet)
        self.items: list[Finding] = []

    def write(self, finding: Finding) -> None:
        """Collect one finding."""
        self.items.append(finding)

    def finish(self, summary: Summary) -> None:
        """Write the comment."""
        data = summary.as_dict()
        items = self.items
        errors = [f for f in items if f.is_error]
        others = [f for f in items if not f.is_error]
        verdict = "❌ breaking" if summary.failed else "✅ compatible"
        out = [
            f"### Schema compatibility: {verdict} ({data.get('mode')} mode)",
            "",
            f"Needed version bump: **{data.get('bump')}**.",
            "",
        ]
        out += [f"- {line}" for line in summary.text_lines()]
        for title, group in (("Breaking changes", errors), ("Other changes", others)):
            if not group:
                continue
            out += ["", f"#### {title} ({len(group)})", ""]
            out += [
                "| rule | breaks | file | old → new pointer | message |",
                "|---|---|---|---|---|",
            ]
            for f in group[:200]:
                breaks = ", ".join(f.directions) or "—"
                where = f"`{_cell(f.old_pointer or '/')}` → `{_cell(f.pointer or '/')}`"
                out.append(
                    f"| `{f.rule}` | {breaks} | {_cell(f.source or '-')} | {where} | "
                    f"{_cell(f.message)} |"
                )
            if len(group) > 200:
                out.append(f"\n… and {len(group) - 200} more.")
        if any(f.severity is Severity.WARNING for f in items):
            out += ["", "_Warnings do not fail the check._"]
        self.out.write("\n".join(out) + "\n")
