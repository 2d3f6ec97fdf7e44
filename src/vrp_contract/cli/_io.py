"""The streams a command reads and writes, passed in so tests and callers can swap them."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import BinaryIO, TextIO

__all__ = ["IO", "UsageError"]


class UsageError(Exception):
    """A user mistake (bad option, missing file, unknown revision): exit 2 with one line."""


@dataclass
class IO:
    """Standard streams of one command run; stdin is binary (events are bytes)."""

    stdin: BinaryIO
    stdout: TextIO
    stderr: TextIO

    @classmethod
    def from_sys(cls) -> IO:
        """Return the process's own streams."""
        return cls(sys.stdin.buffer, sys.stdout, sys.stderr)
