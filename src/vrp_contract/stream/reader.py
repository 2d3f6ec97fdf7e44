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
    "InputError",
    "Source",
    "chunk_count",
    "open_sources",
    "regular_files",
    "split_lines",
]

_GZIP_MAGIC = b"\x1f\x8b"
_BLOCK = 1 << 22


class InputError(Exception):
    """An input that cannot be read at all (missing, unreadable, corrupt compression)."""


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

    def position(self) -> int:
        """Bytes consumed so far of the underlying file (compressed bytes for gzip)."""
        raw = getattr(self.stream, "fileobj", None) or self.stream
        try:
            return int(raw.tell())
        except (OSError, ValueError):
            return 0

    def chunks(self) -> Iterator[bytes]:
        """Yield the input as chunks of whole lines, each ending with a newline but the last.

        Regular files (gzip too) are read in blocks of 4 MiB: a chunk is everything up to the
        last newline read so far, so the chunking depends on the content only (every `--jobs`
        worker cuts a file identically). Pipes yield one line at a time, so a live stream is
        checked as it comes. Only a newline byte ends a line, as for `readline()`.
        """
        done = 0
        try:
            if self.size is None:  # a pipe or stdin: never wait for a whole block
                for raw in self.stream:
                    done += 1
                    yield raw
                return
            tail: list[bytes] = []  # the start of a line that continues in the next block
            for block in self._blocks():
                cut = block.rfind(b"\n") + 1
                if not cut:  # a block inside one long line holds no whole line yet
                    tail.append(block)  # (joined once: a long line is not copied per block)
                    continue
                chunk = b"".join([*tail, block[:cut]]) if tail else block[:cut]
                tail = [block[cut:]] if cut < len(block) else []
                done += chunk.count(b"\n")
                yield chunk
            if tail:
                yield b"".join(tail)
        except (OSError, EOFError, zlib.error) as exc:
            where = f"past line {done}" if done else "its first line"
            msg = f"{self.name}: cannot read {where}: {exc}"
            raise InputError(msg) from None

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


def split_lines(chunk: bytes) -> list[bytes]:
    """Split a chunk of whole lines; a final newline ends the last line, it starts no new one."""
    lines = chunk.split(b"\n")
    if not lines[-1]:
        lines.pop()
    return lines


def _wrap(name: str, stream: BinaryIO, size: int | None) -> Source:
    try:
        head = stream.peek(2)[:2] if hasattr(stream, "peek") else b""
    except OSError as exc:  # EIO, a closed stdin...
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
    if head == _GZIP_MAGIC:
        return Source(name, gzip.GzipFile(fileobj=stream, mode="rb"), size)  # type: ignore[arg-type]
    return Source(name, stream, size)


def open_sources(paths: list[str], stdin: BinaryIO | IO[bytes]) -> Iterator[Source]:
    """Yield one `Source` per path, in order; `-` (or no path at all) is stdin.

    Every named file is checked before the first is read, so a typo fails fast with exit 2.
    Gzip input is recognised by its magic bytes, whatever the file name.
    """
    names = paths or ["-"]
    for name in names:
        if name != "-" and (os.path.isdir(name) or not os.path.exists(name)):  # noqa: PTH110, PTH112 - str paths throughout
            what = "is a directory" if os.path.isdir(name) else "does not exist"  # noqa: PTH112
            raise InputError(f"{name}: {what}")
    for name in names:
        if name == "-":
            buffered = stdin if hasattr(stdin, "peek") else _Buffered(stdin)
            yield _wrap("-", buffered, None)  # type: ignore[arg-type]
            continue
        try:
            handle = open(name, "rb")  # noqa: SIM115, PTH123 - closed below after the caller is done
        except OSError as exc:
            raise InputError(f"{name}: cannot open: {exc.strerror}") from None
        with handle:
            info = os.fstat(handle.fileno())
            # a named pipe, `<(...)` or /dev/stdin is read as the stream it is, line by line
            yield _wrap(name, handle, info.st_size if stat.S_ISREG(info.st_mode) else None)


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
