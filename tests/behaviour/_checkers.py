"""The session checker command of each language, built and run from pytest.

Each language ships `vrp-session-check` (see tests/behaviour/README.md); these helpers find or
build it for a package folder and fold a stream with it. A missing toolchain skips the test, or
fails it under VRP_REQUIRE_TOOLCHAINS=1 (tests/generated/_toolchain.py).
"""

from __future__ import annotations

import json
import subprocess
from typing import TYPE_CHECKING, Any

import pytest

from tests.behaviour._jvm import java_command, java_project, rust_command, rust_crate
from tests.generated._toolchain import GENERATED, need, run

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

GO_ENV = {"GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod"}
KEYS = ("line", "rule", "session_id", "pointer")
Key = tuple[int, str, str, str]


def typescript_package(rev_id: str = "v0_1", root: Path = GENERATED) -> Path:
    """The npm package folder of a revision."""
    return root / "typescript" / rev_id


def go_module(rev_id: str = "v0_1", root: Path = GENERATED) -> Path:
    """The Go module folder of a revision."""
    return root / "go" / rev_id


def typescript_command(package: Path) -> list[str]:
    """`node <package>/bin/vrp-session-check.js`."""
    node = need("node", "Node.js 20+, `make setup-codegen`")
    return [node, str(package / "bin" / "vrp-session-check.js")]


def go_command(module: Path, out: Path) -> list[str]:
    """Build `<module>/behaviour/cmd/vrp-session-check` into `out`; return the binary."""
    go = need("go", "Go 1.22+, `make setup-codegen`")
    binary = out / "vrp-session-check"
    run([go, "build", "-o", str(binary), "./behaviour/cmd/vrp-session-check"], module, env=GO_ENV)
    return [str(binary)]


def _typescript(build: Path) -> list[str]:  # noqa: ARG001 - nothing to build
    return typescript_command(typescript_package())


def _go(build: Path) -> list[str]:
    return go_command(go_module(), build)


def _rust(build: Path) -> list[str]:
    return rust_command(rust_crate(), build)


def _java(build: Path) -> list[str]:
    return java_command(java_project(), build)


CHECKERS: dict[str, Callable[[Path], list[str]]] = {
    "typescript": _typescript,
    "go": _go,
    "rust": _rust,
    "java": _java,
}
"""Language -> a function that builds (into the given folder) and returns its checker command
for the latest revision. Every test of the commands runs over this registry."""


def case_args(case: dict[str, Any], folder: Path) -> list[str]:
    """Command-line options of a suite-format `case.json`."""
    args = ["--assume-open-sessions"] if case.get("assume_open_sessions") else []
    if case.get("policy") is not None:
        policy = folder / "policy.json"
        policy.write_text(json.dumps(case["policy"]), "utf-8")
        args += ["--policy", str(policy)]
    if case.get("remember_terminated") is not None:
        args += ["--remember-terminated", str(case["remember_terminated"])]
    return args


def fold(command: list[str], stream: Path, args: list[str]) -> list[Key]:
    """Fold `stream` with a checker command; return its findings as (line, rule, sid, pointer)."""
    proc = subprocess.run(  # the checker of one language, on a local file
        [*command, *args, str(stream)], capture_output=True, text=True, timeout=600, check=False
    )
    if proc.returncode not in {0, 1} or proc.stderr:
        pytest.fail(f"{' '.join(command)} exited {proc.returncode}: {proc.stderr[-3000:]}")
    findings = [json.loads(line) for line in proc.stdout.splitlines()]
    if (proc.returncode == 1) != bool(findings):
        pytest.fail(f"{command[-1]} exited {proc.returncode} with {len(findings)} finding(s)")
    return [(f["line"], f["rule"], f["session_id"], f["pointer"]) for f in findings]


def expected(folder: Path, name: str = "fail.expected.jsonl") -> list[Key]:
    """The expected findings of a suite-format case folder."""
    lines = (folder / name).read_text("utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    return [(f["line"], f["rule"], f["session_id"], f["pointer"]) for f in records]
