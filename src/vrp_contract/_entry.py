"""The `vrp-contract` console script (and `python -m vrp_contract`).

A Ctrl-C while the command line is still being imported ends the process with the same one line
and exit code 130 as a Ctrl-C later on, instead of a traceback from inside an import.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

__all__ = ["main"]


def _interrupted(signum: int, frame: Any) -> None:  # noqa: ANN401, ARG001 - a signal handler
    sys.stderr.write("vrp-contract: interrupted\n")
    os._exit(130)


def main() -> int:
    """Import the command line with Ctrl-C handled, then run it (it handles Ctrl-C itself)."""
    previous = signal.signal(signal.SIGINT, _interrupted)
    from vrp_contract.cli import main as run  # noqa: PLC0415 - the import is what is guarded

    signal.signal(signal.SIGINT, previous)
    return run()
