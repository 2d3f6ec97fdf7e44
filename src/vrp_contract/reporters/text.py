"""Human-readable text: one line per finding, a summary at the end."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, ClassVar

from vrp_contract.reporters.base import Reporter, json_line

if TYPE_CHECKING:
    from typing import TextIO

    from vrp_contract.findings import Finding
    from vrp_contract.reporters.base import Summary

__all__ = ["TextReporter"]


def _printable(text: str) -> str:
    """`text`, or its JSON-escaped form when it holds a newline or another control character.

    Every part of a finding that comes from the input (a key in a pointer, a session id, a file
    name) goes through here, so no input can start an output line of its own (a line starting
    with `::warning::` is a command to GitHub Actions).
    """
    return text if text.isprintable() else json.dumps(text, ensure_ascii=False)


class TextReporter(Reporter):
    """`--format text`: `file:line: severity rule: message`, then the summary."""

    name: ClassVar[str] = "text"
    commands: ClassVar[frozenset[str]] = frozenset({"validate", "compat", "vendor"})

    def __init__(self, out: TextIO, *, verbose: bool = False, quiet: bool = False) -> None:
        """Write to `out`; each source's printable name is kept once worked out."""
        super().__init__(out, verbose=verbose, quiet=quiet)
        self._sources: dict[str | None, str] = {}

    def write(self, finding: Finding) -> None:
        """Print one finding on one line (with its pointer and session when known).

        It starts with `source:line` for a stream finding, `source#pointer` for a schema
        finding, `source` for a finding on a whole file. Runs once per finding: `_printable`'s
        test is inline, the source's is kept.
        """
        source = self._sources.get(finding.source)
        if source is None:
            source = self._sources[finding.source] = _printable(finding.source or "-")
        line, pointer, session = finding.line, finding.pointer, finding.session_id
        where: list[str] = []
        if session is not None:
            # an empty id is shown as "" (not as nothing)
            shown = (
                session
                if session and session.isprintable()
                else json.dumps(session, ensure_ascii=False)
            )
            where.append(f"session {shown}")
        if line is not None and pointer:
            where.append(f"at {pointer if pointer.isprintable() else _printable(pointer)}")
        if finding.old_pointer is not None:
            where.append(f"old {_printable(finding.old_pointer) or '(root)'}")
        if finding.directions:
            where.append("breaks " + "+".join(finding.directions))
        suffix = f" [{', '.join(where)}]" if where else ""
        message = finding.message
        if not message.isprintable():
            message = _printable(message)
        if line is not None:
            place = f"{source}:{line}"
        else:  # a schema finding: the pointer into the file, if any (a whole-file finding has none)
            place = f"{source}#{_printable(pointer)}" if pointer else source
        self.out.write(f"{place}: {finding.severity} {finding.rule}: {message}{suffix}\n")
        if self.verbose and finding.context:
            for key, value in finding.context.items():
                # in JSON terms, as the messages are: ["a", "b"], null, true
                self.out.write(f"    {_printable(key)}: {json_line(value)}")

    def finish(self, summary: Summary) -> None:
        """Print the summary lines; quiet: nothing when OK, else without the indented tables."""
        if self.quiet and not summary.failed:
            return
        for line in summary.text_lines():
            if not (self.quiet and line.startswith(" ")):
                self.out.write(line + "\n")
