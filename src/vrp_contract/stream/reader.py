"""JSON Lines input: files, gzip files and stdin, as numbered raw lines."""

from __future__ import annotations

import gzip
import os
import stat
import zlib
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "DEFAULT_MAX_LINE",
    "InputError",
    "LongLine",
    "ReadError",
    "Source",
    "chunk_count",
    "open_sources",
    "read_lines",
    "regular_files",
    "skip_line",
    "split_lines",
]

_GZIP_MAGIC = b"\x1f\x8b"
_BLOCK = 1 << 22
DEFAULT_MAX_LINE = 1 << 26
"""The longest line read by default, in bytes (64 MiB; `--max-line-bytes`)."""
_NO_LIMIT = 1 << 62
"""A `max_line` this large is no limit: no line of that size fits in memory."""


class InputError(Exception):
    """An input that cannot be read at all (missing, unreadable, corrupt compression)."""


class ReadError(InputError):
    """A source whose reading failed part way: its name, why, and the lines read before."""

    def __init__(self, name: str, reason: str, before: int | None) -> None:
        """`before`: the number of whole lines read before the failure (None: not counted)."""
        self.name, self.reason, self.before = name, reason, before
        where = (
            ""
            if before is None
            else f" {'its first line' if not before else f'past line {before}'}"
        )
        super().__init__(f"{name}: cannot read{where}: {reason}")

    def after_line(self, before: int) -> ReadError:
        """The same error, with the number of lines read before it (counted by the caller)."""
        return ReadError(self.name, self.reason, before)


class LongLine(bytes):
    """Stands in for a line longer than the reader's limit: no bytes, the line's `size` only.

    The reader does not keep such a line: it skips to the next newline, so even a stream with no
    newline at all (`/dev/zero`) runs in bounded memory. It comes as a chunk of its own, and the
    decoders make it one `input.line-too-long` finding at its line number. A `bytes` subclass,
    so it passes wherever a chunk does.
    """

    size: int
    """The line's length in bytes, its newline excluded."""
    limit: int
    """The limit it is over."""


def _long_line(size: int, limit: int) -> LongLine:
    line = LongLine()
    line.size, line.limit = size, limit
    return line


@dataclass
class Source:
    """One input stream: a name for messages, and its numbered lines."""

    name: str
    stream: BinaryIO
    size: int | None = None
    """Size in bytes on disk, when known (for progress)."""
    limit: int | None = None
    """Read no more than this many bytes of a plain file: what it held when a `--jobs` run
    began, so that every worker cuts a file that is still growing into the same chunks."""
    max_line: int = DEFAULT_MAX_LINE
    """The longest line read, in bytes without its newline (0: no limit); a longer one comes
    as a `LongLine` and is skipped."""

    def position(self) -> int:
        """Bytes consumed so far of the underlying file (compressed bytes for gzip)."""
        raw = getattr(self.stream, "fileobj", None) or self.stream
        try:
            return int(raw.tell())
        except (OSError, ValueError):
            return 0

    def chunks(self, *, count: bool = True) -> Iterator[bytes]:
        """Yield the input as chunks of whole lines, each ending with a newline but the last.

        Regular files (gzip too) are read in blocks of 4 MiB: a chunk is everything up to the
        last newline read so far, so the chunking depends on the content only (every `--jobs`
        worker cuts a file identically). Pipes yield one line at a time, so a live stream is
        checked as it comes. Only a newline byte ends a line, as for `readline()`. A line over
        `max_line` bytes is a `LongLine` chunk of its own, its bytes skipped unkept.

        A read that fails raises `ReadError`, with the number of lines read before it; with
        `count=False` a file's lines are not counted (a consumer that counts them fills the
        number in: `ReadError.after_line`), which saves a pass over every chunk.
        """
        done = 0
        try:
            if self.size is None:  # a pipe or stdin: never wait for a whole block
                for raw in self._pipe_lines():
                    done += 1
                    yield raw
                return
            if not count:
                yield from self._file_chunks()
                return
            for chunk in self._file_chunks():
                done += chunk.count(b"\n") if chunk.__class__ is bytes else 1
                yield chunk
        except (OSError, EOFError, zlib.error) as exc:
            counted = done if count or self.size is None else None
            raise ReadError(self.name, str(exc), counted) from None

    def _pipe_lines(self) -> Iterator[bytes]:
        """The lines of a stream, one at a time (see `read_lines`)."""
        return read_lines(self.stream, self.max_line)

    def _file_chunks(self) -> Iterator[bytes]:
        """The chunks of a file read in blocks (see `chunks`)."""
        limit = self.max_line if self.max_line < _NO_LIMIT else 0
        tail: list[bytes] = []  # the start of a line that continues in the next block
        kept = 0  # bytes in tail
        skipped = -1  # inside a line over the limit: how many of its bytes were skipped
        for block in self._blocks():
            start = 0
            if skipped >= 0:
                end = block.find(b"\n")
                if end < 0:
                    skipped += len(block)
                    continue
                yield _long_line(skipped + end, limit)
                skipped, start = -1, end + 1
            cut = block.rfind(b"\n") + 1
            if cut <= start:  # no whole line yet: the block lies inside one long line
                piece = block[start:] if start else block
                if limit and kept + len(piece) > limit:
                    tail, kept, skipped = [], 0, kept + len(piece)
                elif piece:
                    tail.append(piece)  # (joined once: a long line is not copied per block)
                    kept += len(piece)
                continue
            chunk = b"".join([*tail, block[start:cut]]) if tail else block[start:cut]
            tail, kept = ([block[cut:]], len(block) - cut) if cut < len(block) else ([], 0)
            if limit and kept > limit:
                tail, kept, skipped = [], 0, kept
            yield from _cut_long_lines(chunk, limit) if limit and len(chunk) > limit else [chunk]
        if skipped >= 0:
            yield _long_line(skipped, limit)
        elif tail:
            yield b"".join(tail)

    def _blocks(self) -> Iterator[bytes]:
        """Yield blocks of `_BLOCK` bytes, the last one shorter.

        A read error is raised only after a block holding everything read before it, so a
        truncated gzip loses no line it holds.
        """
        if not isinstance(self.stream, gzip.GzipFile):
            left = self.limit
            while block := self.stream.read(_BLOCK if left is None else min(_BLOCK, left)):
                yield block
                if left is not None:
                    left -= len(block)
            return
        parts: list[bytes] = []
        size = 0
        try:
            while piece := self.stream.read1(_BLOCK - size):
                parts.append(piece)
                size += len(piece)
                if size == _BLOCK:
                    yield b"".join(parts)
                    parts, size = [], 0
        except (OSError, EOFError, zlib.error):
            if parts:
                yield b"".join(parts)  # a truncated or corrupt gzip: what it held before
            raise
        if parts:
            yield b"".join(parts)

    def line_blocks(self) -> Iterator[list[bytes]]:
        """Yield the raw lines of each chunk (see `chunks`), without their final newline."""
        return map(split_lines, self.chunks())


def read_lines(stream: IO[bytes] | BinaryIO | gzip.GzipFile, limit: int) -> Iterator[bytes]:
    """The lines of `stream` by `readline`, each with its newline.

    A line over `limit` bytes (its newline excluded; 0: no limit) comes as a `LongLine`, its
    bytes skipped unkept.
    """
    if not limit or limit >= _NO_LIMIT:  # beyond any memory: no limit (and `limit + 1` fits)
        yield from stream
        return
    readline = stream.readline
    while raw := readline(limit + 1):
        if len(raw) <= limit or raw[-1:] == b"\n":
            yield raw
            continue
        rest, _ = skip_line(stream)  # over the limit: skip to the end of the line
        yield _long_line(len(raw) + rest, limit)


def skip_line(stream: IO[bytes] | BinaryIO | gzip.GzipFile) -> tuple[int, bool]:
    """Read past the next newline without keeping the line (4 MiB at a time at most).

    Returns the bytes read before the newline, and whether there was one (no: the end came).
    """
    size = 0
    while piece := stream.readline(_BLOCK):
        if piece[-1:] == b"\n":
            return size + len(piece) - 1, True
        size += len(piece)
    return size, False


def _cut_long_lines(chunk: bytes, limit: int) -> Iterator[bytes]:
    """`chunk` (whole lines, ending with a newline); its lines over `limit` become `LongLine`s."""
    lines = chunk.split(b"\n")
    lines.pop()  # the empty piece after the final newline
    if max(map(len, lines)) <= limit:
        yield chunk
        return
    kept: list[bytes] = []
    for line in lines:
        if len(line) <= limit:
            kept.append(line)
            continue
        if kept:
            yield b"\n".join(kept) + b"\n"
            kept = []
        yield _long_line(len(line), limit)
    if kept:
        yield b"\n".join(kept) + b"\n"


def split_lines(chunk: bytes) -> list[bytes]:
    """Split a chunk of whole lines; a final newline ends the last line, it starts no new one.

    A `LongLine` chunk is its one line.
    """
    if chunk.__class__ is LongLine:
        return [chunk]
    lines = chunk.split(b"\n")
    if not lines[-1]:
        lines.pop()
    return lines


def _wrap(name: str, stream: BinaryIO, size: int | None, max_line: int) -> Source:
    try:
        head = stream.peek(2)[:2] if hasattr(stream, "peek") else b""
    except OSError as exc:  # EIO, a closed stdin...
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
    if head == _GZIP_MAGIC:
        stream = gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[assignment]
    return Source(name, stream, size, max_line=max_line)


def open_sources(
    paths: list[str], stdin: BinaryIO | IO[bytes], max_line: int = DEFAULT_MAX_LINE
) -> Iterator[Source]:
    """Yield one `Source` per path, in order; `-` (or no path at all) is stdin.

    Every named file is checked before the first is read, so a typo fails fast with exit 2.
    Gzip input is recognised by its magic bytes, whatever the file name. `max_line` is each
    source's `Source.max_line`.
    """
    names = paths or ["-"]
    for name in names:
        if name != "-" and (os.path.isdir(name) or not os.path.exists(name)):  # noqa: PTH110, PTH112 - str paths throughout
            what = "is a directory" if os.path.isdir(name) else "does not exist"  # noqa: PTH112
            raise InputError(f"{name}: {what}")
    for name in names:
        if name == "-":
            buffered = stdin if hasattr(stdin, "peek") else _Buffered(stdin)
            yield _wrap("-", buffered, None, max_line)  # type: ignore[arg-type]
            continue
        try:
            handle = open(name, "rb")  # noqa: SIM115, PTH123 - closed below after the caller is done
        except OSError as exc:
            raise InputError(f"{name}: cannot open: {exc.strerror}") from None
        with handle:
            info = os.fstat(handle.fileno())
            # a named pipe, `<(...)` or /dev/stdin is read as the stream it is, line by line
            size = info.st_size if stat.S_ISREG(info.st_mode) else None
            yield _wrap(name, handle, size, max_line)


def chunk_count(size: int) -> int:
    """At most how many chunks `Source.chunks` cuts a regular file of `size` bytes into."""
    return max(1, -(-size // _BLOCK))


def regular_files(paths: list[str]) -> bool:
    """True when every path names a regular file (which `--jobs` workers can each read)."""
    return bool(paths) and all(p != "-" and os.path.isfile(p) for p in paths)  # noqa: PTH113


class _Buffered:
    """Give an unbuffered binary stream a `peek` (for gzip sniffing) without losing bytes."""

    def __init__(self, raw: IO[bytes]) -> None:
        import io  # noqa: PLC0415 - rarely needed

        self._stream = io.BufferedReader(raw)  # type: ignore[type-var]

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._stream)
