"""Helpers for the docs site tests: toolchain checks, building the site, serving it locally."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parents[2]

CHROMIUM = Path("/usr/bin/chromium")
# Without these flags an offline Chromium floods the log with refused connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "artifacts" / "docs"


def require(ok: bool, reason: str) -> None:
    """Skip with `reason` when `ok` is false; fail instead under `VRP_REQUIRE_TOOLCHAINS=1` (CI)."""
    if ok:
        return
    if os.environ.get("VRP_REQUIRE_TOOLCHAINS") == "1":
        pytest.fail(f"{reason} (VRP_REQUIRE_TOOLCHAINS=1 requires it)")
    pytest.skip(reason)


def require_mermaid() -> None:
    """The pinned Mermaid must be fetched before the site is built."""
    from vrp_site import mermaid  # noqa: PLC0415 - docs/hooks is put on sys.path by conftest

    require(
        mermaid.script_path(ROOT).is_file(),
        f"mermaid@{mermaid.MERMAID_VERSION} is not fetched; run `make setup-docs-js`",
    )


def build_site(site_dir: Path) -> str:
    """Run `mkdocs build --strict` into `site_dir` in a subprocess; return its log."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stderr}"
    return proc.stderr


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Keep the test output clean."""


def serve(site_dir: Path) -> Iterator[str]:
    """Serve `site_dir` on a free localhost port from a thread; yield the base URL."""
    handler = partial(_QuietHandler, directory=str(site_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="docs-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
