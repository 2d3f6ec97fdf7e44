"""A progress line on stderr for long inputs, only where a person is watching."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

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
        self._name: str | None = None
        self._count = self._at = 0
        self._start = self._last = 0.0

    @classmethod
    def for_stream(cls, out: TextIO, mode: str) -> Progress:
        """Return a drawing Progress when `mode` is always, or auto and `out` is a terminal."""
        tty = hasattr(out, "isatty") and out.isatty()
        return cls(out if mode == "always" or (mode == "auto" and tty) else None)

    def track(
        self, source: Source, validator: StreamValidator, *, ahead: bool = False
    ) -> Iterator[Finding]:
        """Validate `source`, yielding its findings and updating the status line.

        `ahead`: see `StreamValidator.check_source`.
        """
        if self.out is None:
            yield from validator.check_source(source, ahead=ahead)
            return

        def share() -> float:
            return source.position() / (source.size or 1)

        part = share if source.size else None
        for finding in validator.check_source(
            source, ahead=ahead, on_chunk=lambda lines: self.advance(source.name, lines, part)
        ):
            self.clear()
            yield finding
        self.advance(source.name, 0, part, final=True)

    def advance(
        self,
        name: str,
        lines: int,
        share: Callable[[], float] | None = None,
        *,
        final: bool = False,
    ) -> None:
        """Count `lines` more lines of input `name`; redraw at most four times a second.

        `share`, when given, tells how much of the input is read (0 to 1), for a percentage;
        `final` draws now (the input is done).
        """
        if self.out is None:
            return
        if name != self._name:
            self._name, self._count, self._at = name, 0, 0
            self._start = self._last = time.monotonic()
        self._count += lines
        if self._count - self._at < _EVERY_LINES and not final:
            return  # cheap for line-by-line input: look at the clock every 65,536 lines
        self._at = self._count
        now = time.monotonic()
        if now - self._last < _EVERY_SECONDS and not final:
            return
        self._last = now
        rate = self._count / max(now - self._start, 1e-9)
        percent = f", {100 * share():5.1f}%" if share is not None else ""
        self.out.write(f"\r{name}: {self._count:,} lines, {rate:,.0f}/s{percent}")
        self.out.flush()
        self._drawn = True

    def clear(self) -> None:
        """Erase the status line, if one is drawn."""
        if self.out is not None and self._drawn:
            self.out.write("\r\033[K")
            self.out.flush()
            self._drawn = False
