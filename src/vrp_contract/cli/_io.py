"""The streams a command reads and writes, passed in so tests and callers can swap them.

A command never dies of its standard streams: one closed at start (`<&-`, `>&-`, `2>&-`) is
replaced here by a stand-in that fails the way a closed descriptor does, so the command reports
it as an input or output error (exit 2) instead of a traceback, and a closed or broken stderr
only loses the message, never the exit code.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from dataclasses import dataclass
from typing import Any, BinaryIO, TextIO, cast

__all__ = ["IO", "OutputError", "UsageError"]


class UsageError(Exception):
    """A user mistake (bad option, missing file, unknown revision): exit 2 with one line."""


class OutputError(UsageError):
    """The output cannot be written (closed, full disk, I/O error): exit 2 with one line."""


def _closed(name: str) -> OSError:
    return OSError(errno.EBADF, f"standard {name} is closed")


class _ClosedInput(io.RawIOBase):
    """stdin closed when the process started: reading it fails (EBADF)."""

    def readinto(self, buffer: Any) -> int:  # noqa: ANN401, ARG002
        raise _closed("input")

    def readable(self) -> bool:
        return True


class _ClosedOutput(io.TextIOBase):
    """stdout closed when the process started: writing it fails (EBADF)."""

    def write(self, text: str) -> int:  # noqa: ARG002
        raise _closed("output")


class _Quiet(io.TextIOBase):
    """stderr that never fails: a message that cannot be written is lost, not the exit code."""

    def __init__(self, stream: TextIO | None) -> None:
        super().__init__()
        self._stream = stream

    def write(self, text: str) -> int:
        if self._stream is not None:
            try:
                self._stream.write(text)
                self._stream.flush()
            except (OSError, ValueError):
                self._stream = None  # closed or broken: say nothing more
        return len(text)

    def isatty(self) -> bool:
        try:
            return self._stream is not None and self._stream.isatty()
        except (OSError, ValueError):
            return False


@dataclass
class IO:
    """Standard streams of one command run; stdin is binary (events are bytes)."""

    stdin: BinaryIO
    stdout: TextIO
    stderr: TextIO

    @classmethod
    def from_sys(cls) -> IO:
        """Return the process's own streams (stand-ins for those closed at start)."""
        stdin: Any = sys.stdin.buffer if sys.stdin is not None else _ClosedInput()
        stdout: Any = sys.stdout if sys.stdout is not None else _ClosedOutput()
        return cls(stdin, stdout, cast("TextIO", _Quiet(sys.stderr)))

    def abandon_stdout(self) -> None:
        """After a write error, point stdout at /dev/null.

        Whatever it still buffers cannot be written, and the interpreter's final flush must not
        fail (exit 120) or print a traceback.
        """
        try:
            fd = self.stdout.fileno()
            null = os.open(os.devnull, os.O_WRONLY)
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            return
        try:
            os.dup2(null, fd)
        finally:
            os.close(null)
