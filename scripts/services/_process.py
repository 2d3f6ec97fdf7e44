"""Process plumbing shared by the service scripts (kafka.py, apicurio.py): ports and PIDs."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess

__all__ = ["HOST", "STOP_TIMEOUT_S", "alive", "free_port", "runs", "terminate"]

HOST = "127.0.0.1"
"""Services listen on loopback only."""
STOP_TIMEOUT_S = 30.0
"""How long a service gets to stop after SIGTERM before SIGKILL."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def alive(pid: int) -> bool:
    """True while a process `pid` exists (ours or not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def runs(pid: int, *markers: bytes) -> bool:
    """True when `pid` still runs a command line holding every marker (not a recycled PID)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return all(marker in cmdline for marker in markers)


def terminate(pid: int, process: subprocess.Popen[bytes] | None = None) -> None:
    """SIGTERM `pid`, wait up to STOP_TIMEOUT_S, then SIGKILL."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while time.monotonic() < deadline:
        if (process.poll() is not None) if process is not None else not alive(pid):
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    if process is not None:
        process.wait(timeout=STOP_TIMEOUT_S)
