"""A progress line on stderr for long inputs, only where a person is watching."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from collections.abc import Iterator

    from vrp_contract.findings import Finding
    from vrp_contract.stream import Source, StreamValidator

__all__ = ["Progress"]

_EVERY_LINES = 1 << 16
_EVERY_SECONDS = 0.25


class Progress:
    """Redraws one status line (lines, rate, percent of file) at most four times a second."""

    def __init__(self, out: TextIO | None) -> None:
        """Draw on `out`; None draws nothing."""
        self.out = out
        self._drawn = False

    @classmethod
    def for_stream(cls, out: TextIO, mode: str) -> Progress:
        """Return a drawing Progress when `mode` is always, or auto and `out` is a terminal."""
        tty = hasattr(out, "isatty") and out.isatty()
        return cls(out if mode == "always" or (mode == "auto" and tty) else None)

    def track(self, source: Source, validator: StreamValidator) -> Iterator[Finding]:
        """Validate `source`, yielding its findings and updating the status line."""
        if self.out is None:
            yield from validator.check_source(source)
            return
        for finding in validator.check_blocks(self._counted(source), source.name):
            self.clear()
            yield finding

    def _counted(self, source: Source) -> Iterator[list[bytes]]:
        start = last = time.monotonic()
        count = drawn = 0
        for lines in source.line_blocks():
            count += len(lines)
            if count - drawn >= _EVERY_LINES:
                drawn = count
                last = self._draw(source, count, start, last)
            yield lines
        self._draw(source, count, start, 0.0)

    def _draw(self, source: Source, lines: int, start: float, last: float) -> float:
        now = time.monotonic()
        if self.out is None or now - last < _EVERY_SECONDS:
            return last
        rate = lines / max(now - start, 1e-9)
        share = ""
        if source.size:
            share = f", {100 * source.position() / source.size:5.1f}%"
        self.out.write(f"\r{source.name}: {lines:,} lines, {rate:,.0f}/s{share}")
        self.out.flush()
        self._drawn = True
        return now

    def clear(self) -> None:
        """Erase the status line, if one is drawn."""
        if self.out is not None and self._drawn:
            self.out.write("\r\033[K")
            self.out.flush()
            self._drawn = False
