"""Running a language's own test command from pytest, or skipping it with a clear reason.

Without a toolchain the test skips; with `VRP_REQUIRE_TOOLCHAINS=1` (set by `.ci/run`) it fails, so
CI never passes silently.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
GENERATED = REPO / "generated"


def required() -> bool:
    """True when a missing toolchain must fail the run instead of skipping."""
    return os.environ.get("VRP_REQUIRE_TOOLCHAINS", "") == "1"


def need(tool: str, hint: str) -> str:
    """Return the path of `tool`, or skip (fail under VRP_REQUIRE_TOOLCHAINS=1) naming `hint`."""
    found = shutil.which(tool) if not Path(tool).is_absolute() else tool
    if found is not None and Path(found).exists():
        return found
    message = f"{tool} is not installed ({hint})"
    if required():
        pytest.fail(message + "; VRP_REQUIRE_TOOLCHAINS=1 makes this a failure")
    pytest.skip(message + "; set VRP_REQUIRE_TOOLCHAINS=1 to fail instead")
    raise AssertionError  # pragma: no cover - skip raises


def run(cmd: list[str], cwd: Path, timeout: float = 1800, env: dict[str, str] | None = None) -> str:
    """Run a toolchain command; fail the test with its output when it exits non-zero."""
    proc = subprocess.run(  # noqa: PLW1510 - the return code is checked below
        cmd,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} exited {proc.returncode} in {cwd}:\n{output[-6000:]}")
    return output


def gaps(path: Path) -> dict[str, Any]:
    """Load a generated known-gaps.json."""
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def docs_example(language: str, marker: str = "tested example") -> str:
    """The code block after `<!-- {marker} -->` in docs/languages/<language>.md."""
    text = (REPO / "docs" / "languages" / f"{language}.md").read_text("utf-8")
    at = text.index(f"<!-- {marker} -->")
    fence_start = text.index("```", at)
    body_start = text.index("\n", fence_start) + 1
    return text[body_start : text.index("```", body_start)]
