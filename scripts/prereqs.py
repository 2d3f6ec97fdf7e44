"""Check the tools `make setup` needs before it installs anything; one line per missing tool.

`python scripts/prereqs.py` checks everything the full test suite needs (what `make setup` runs
first); `--runtime` checks only what installing the package needs: the interpreter that creates
`.venv`, and Rust's cargo, which builds the native line engine (what `make demo` runs first).
Exit 0 when everything is there, 2 when something is missing or too old.

This file runs under whatever `python3` the user has, so it keeps to syntax that old interpreters
still parse, and reports a too-old Python instead of failing on it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from typing import NamedTuple

PYTHON_MIN = (3, 11)


class Tool(NamedTuple):
    """One prerequisite: how to find its version, the minimum, and how to get it."""

    label: str
    command: tuple[str, ...]
    pattern: str
    """Regular expression whose first group is the version in the command's output."""
    minimum: tuple[int, ...]
    hint: str


TOOLS = (
    Tool(
        "git",
        ("git", "--version"),
        r"git version (\d+(?:\.\d+)*)",
        (2, 20),
        "apt-get install git",
    ),
    Tool(
        "Node.js",
        ("node", "--version"),
        r"v(\d+(?:\.\d+)*)",
        (20,),  # the TypeScript binding uses String.prototype.isWellFormed (Node 20)
        "apt-get install nodejs npm, or https://nodejs.org/ (TypeScript binding, Mermaid fetch)",
    ),
    Tool(
        "npm",
        ("npm", "--version"),
        r"(\d+(?:\.\d+)*)",
        (8,),
        "apt-get install npm (comes with Node.js from nodejs.org)",
    ),
    Tool(
        "Go",
        ("go", "version"),
        r"go(\d+(?:\.\d+)*)",
        (1, 22),
        "https://go.dev/dl/ (Go binding; go.mod says go 1.22)",
    ),
    Tool(
        "Rust (cargo)",
        ("cargo", "--version"),
        r"cargo (\d+(?:\.\d+)*)",
        (1, 85),
        "https://rustup.rs/ then `rustup default stable` (the native engine, the Rust binding; "
        "cargo-typify needs 1.85)",
    ),
    Tool(
        "Java (JDK)",
        ("javac", "-version"),
        r"javac (\d+(?:\.\d+)*)",
        (17,),
        "apt-get install openjdk-17-jdk-headless (Java binding compiles for release 17)",
    ),
    Tool(
        "Maven",
        ("mvn", "--version"),
        r"Apache Maven (\d+(?:\.\d+)*)",
        (3, 8),
        "apt-get install maven (Java binding and jsonschema2pojo)",
    ),
)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)


def _python_line(python: str) -> str | None:
    """None when `python` is a usable 3.11+ with venv, else the line that says what to do."""
    exe = shutil.which(python) or (python if os.path.isfile(python) else None)  # noqa: PTH113 - no pathlib
    need = _dotted(PYTHON_MIN)
    if exe is None:
        return (
            f"missing: Python {need} or newer ({python} not found): install it (python.org, "
            f"pyenv, or apt-get install python3) or pass PYTHON=/path/to/python{need}"
        )
    probe = "import sys; print('%d.%d.%d' % sys.version_info[:3])"
    done = subprocess.run([exe, "-c", probe], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or ["no output"])[0]
        return f"broken: {python} does not run ({said}): pass PYTHON=/path/to/python{need}"
    found = done.stdout.strip()
    if _version(found) < PYTHON_MIN:
        return (
            f"too old: {python} is Python {found}; vrp-contract needs {need} or newer: "
            f"pass PYTHON=python{need} (or newer), e.g. `make demo PYTHON=python{need}`"
        )
    venv = subprocess.run([exe, "-c", "import venv, ensurepip"], capture_output=True, check=False)
    if venv.returncode != 0:
        return (
            f"missing: the venv module of {python} (Python {found}; ensurepip cannot be "
            "imported): apt-get install python3-venv, or use a python.org or pyenv build"
        )
    return None


def _tool_line(tool: Tool) -> tuple[bool, str]:
    """(ok, the line to print) for one tool."""
    need = f"{tool.label} {_dotted(tool.minimum)} or newer"
    if shutil.which(tool.command[0]) is None:
        return False, f"missing: {need} ({tool.command[0]} not on PATH): {tool.hint}"
    try:
        done = subprocess.run(
            list(tool.command), capture_output=True, text=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"broken: {' '.join(tool.command)} did not run ({exc}): {tool.hint}"
    match = re.search(tool.pattern, done.stdout + done.stderr)
    if match is None:
        return False, f"broken: `{' '.join(tool.command)}` printed no version: {tool.hint}"
    found = match.group(1)
    if _version(found) < tool.minimum:
        return False, f"too old: {tool.label} {found}; need {need}: {tool.hint}"
    return True, f"ok: {tool.label} {found}"


def _browser_line() -> tuple[bool, str]:
    """Chromium is installed by `make setup-browser` when absent; that needs apt and root."""
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path is not None:
            return True, f"ok: Chromium ({path})"
    if shutil.which("apt-get") is None:
        return False, (
            "missing: Chromium (browser tests) and apt-get to install it: install Chromium with "
            "your package manager so that `chromium` is on PATH"
        )
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if not is_root and shutil.which("sudo") is None:
        return False, (
            "missing: Chromium, and neither root nor sudo to let `make setup-browser` run "
            "apt-get install --no-install-recommends chromium fonts-liberation: run that as root"
        )
    return True, "ok: Chromium not installed yet; `make setup-browser` installs it with apt-get"


def main(argv: list[str] | None = None) -> int:
    """Print one line per prerequisite (only the problems with `--quiet`); exit 2 on any."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--python", default="python3", help="the interpreter for .venv")
    parser.add_argument(
        "--runtime",
        action="store_true",
        help="check only the interpreter and cargo, what installing the package needs (make demo)",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="print only the problems")
    args = parser.parse_args(argv)
    problems: list[str] = []
    python = _python_line(args.python)
    if python is not None:
        problems.append(python)
    elif not args.quiet:
        print(f"ok: Python ({args.python})")
    if args.runtime:
        checks = [_tool_line(tool) for tool in TOOLS if tool.command[0] == "cargo"]
    else:
        checks = [*(_tool_line(tool) for tool in TOOLS), _browser_line()]
    for ok, line in checks:
        if not ok:
            problems.append(line)
        elif not args.quiet:
            print(line)
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        hint = (
            ""
            if args.runtime
            else (
                "; `make setup-python` sets up Python alone (the tests of a missing toolchain skip)"
            )
        )
        print(
            "prerequisites: install what is listed above and run the command again (README.md, "
            f"'Prerequisites'){hint}",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
