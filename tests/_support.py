"""Shared test helpers: run the CLI in-process with byte streams."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from vrp_contract.cli import main
from vrp_contract.cli._io import IO

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@dataclass
class Run:
    code: int
    out: str
    err: str


class _Text(io.StringIO):
    def __init__(self, *, tty: bool = False) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def run_cli(*args: str, stdin: bytes = b"", tty: bool = False) -> Run:
    out, err = _Text(), _Text(tty=tty)
    code = main(list(args), IO(io.BytesIO(stdin), out, err))
    return Run(code, out.getvalue(), err.getvalue())
