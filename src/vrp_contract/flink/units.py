"""JSON Lines files cut into byte-range work units that Flink workers read independently.

A unit is `[start, end)` of one file. It owns every line that *starts* inside it: a reader skips
the partial line at its start (the previous unit reads it to its end) and reads past `end` to
finish its last line. Lines are split on the newline byte only and handed over without it, exactly
as `Source.chunks` and `split_lines` do for the one-machine validator, so both decode the same
bytes. Line numbers are absolute (1-based), found by counting the newlines before the unit. Gzip
files cannot be entered in the middle: each is one unit. Pure Python, no Flink.
"""

from __future__ import annotations

import gzip
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vrp_contract.stream.reader import (
    DEFAULT_MAX_LINE,
    InputError,
    LongLine,
    read_lines,
    skip_line,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["DEFAULT_UNIT_BYTES", "SEQ_LINE_BITS", "Unit", "plan_units", "read_unit", "sequence"]

DEFAULT_UNIT_BYTES = 16 << 20
SEQ_LINE_BITS = 40
"""A line's arrival sequence is `file_index << 40 | line`: files in the order given, lines in file
order (up to 2**40 lines a file, 2**23 files)."""
_GZIP_MAGIC = b"\x1f\x8b"
_COUNT_BLOCK = 8 << 20


@dataclass(frozen=True, slots=True)
class Unit:
    """Bytes `[start, end)` of the `file_index`-th input `path` (the whole file when gzip)."""

    file_index: int
    path: str
    start: int
    end: int
    gzip: bool = False


def sequence(file_index: int, line: int) -> int:
    """The arrival order of line `line` of the `file_index`-th file, as one integer."""
    return (file_index << SEQ_LINE_BITS) | line


def plan_units(paths: list[str], unit_bytes: int = DEFAULT_UNIT_BYTES) -> list[Unit]:
    """Cut `paths` (regular files, read up to their size now) into units of about `unit_bytes`."""
    units: list[Unit] = []
    for index, path in enumerate(paths):
        if not os.path.isfile(path):  # noqa: PTH113 - str paths throughout
            what = "is a directory" if os.path.isdir(path) else "does not exist"  # noqa: PTH112
            raise InputError(f"{path}: {what} (the Flink job reads regular files only)")
        try:
            with open(path, "rb") as handle:  # noqa: PTH123
                head = handle.read(2)
                size = os.fstat(handle.fileno()).st_size
        except OSError as exc:
            raise InputError(f"{path}: cannot open: {exc.strerror}") from None
        if head == _GZIP_MAGIC:
            units.append(Unit(index, path, 0, size, gzip=True))
            continue
        start = 0
        while start < size or (start == 0 and size == 0):
            end = min(size, start + unit_bytes)
            units.append(Unit(index, path, start, end))
            if end == start:
                break
            start = end
    return units


def read_unit(unit: Unit, max_line: int = DEFAULT_MAX_LINE) -> Iterator[tuple[int, bytes]]:
    """Yield `(line number, raw line without its newline)` of every line starting in `unit`.

    A line over `max_line` bytes is a `LongLine`, skipped as `validate` skips it.
    """
    try:
        if unit.gzip:
            with gzip.open(unit.path, "rb") as stream:
                number = 0
                for number, raw in enumerate(read_lines(stream, max_line), 1):
                    yield number, raw[:-1] if raw[-1:] == b"\n" else raw
            return
        with open(unit.path, "rb") as handle:  # noqa: PTH123
            pos = unit.start
            if pos > 0:
                handle.seek(pos - 1)
                if handle.read(1) != b"\n":  # the previous unit's last line, skipped unkept
                    rest, newline = skip_line(handle)
                    pos += rest + newline
            number = _newlines_before(handle, pos) + 1
            handle.seek(pos)
            lines = read_lines(handle, max_line)
            while pos < unit.end:
                line = next(lines, None)
                if line is None:
                    return
                raw = line
                if raw.__class__ is LongLine:
                    pos += raw.size + 1  # (at the end of the file, one past it: no matter)
                    yield number, raw
                else:
                    pos += len(raw)
                    yield number, raw[:-1] if raw[-1:] == b"\n" else raw
                number += 1
    except (OSError, EOFError) as exc:
        raise InputError(f"{unit.path}: cannot read bytes {unit.start}-{unit.end}: {exc}") from None


def _newlines_before(handle: object, pos: int) -> int:
    read = handle.read  # type: ignore[attr-defined]
    handle.seek(0)  # type: ignore[attr-defined]
    count, left = 0, pos
    while left > 0:
        block = read(min(_COUNT_BLOCK, left))
        if not block:
            break
        count += block.count(b"\n")
        left -= len(block)
    return count
