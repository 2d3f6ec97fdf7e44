"""`make setup` checks prerequisites first: one line per missing or old tool and how to get it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from tests._support import ROOT

if TYPE_CHECKING:
    from pathlib import Path

SCRIPT = ROOT / "scripts" / "prereqs.py"


def _fake(bindir: Path, name: str, output: str, code: int = 0) -> None:
    """A stand-in executable that prints `output` (what an old or broken tool would say)."""
    path = bindir / name
    path.write_text(f"#!/bin/sh\necho '{output}'\nexit {code}\n", "utf-8")
    path.chmod(0o755)


def _run(*args: str, path: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env={**os.environ, "PATH": path},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_every_missing_tool_gets_one_line_saying_how_to_get_it(tmp_path: Path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "python3").symlink_to(sys.executable)
    proc = _run("--python", "python3", path=str(bindir))
    assert proc.returncode == 2
    problems = proc.stderr.splitlines()
    for label in (
        "git",
        "Node.js",
        "npm",
        "Go 1.22",
        "Rust (cargo) 1.85",
        "Java (JDK) 17",
        "Maven",
    ):
        [line] = [x for x in problems if x.startswith(f"missing: {label}")]
        assert "not on PATH): " in line  # then how to get it
    assert "ok: Python (python3)" in proc.stdout
    assert problems[-1].startswith("prerequisites: install what is listed above")


def test_an_old_toolchain_is_named_with_its_version(tmp_path: Path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    _fake(bindir, "go", "go version go1.21.5 linux/amd64")
    _fake(bindir, "javac", "javac 11.0.2")
    proc = _run("--python", sys.executable, "--quiet", path=f"{bindir}:{os.environ['PATH']}")
    assert proc.returncode == 2
    assert "too old: Go 1.21.5; need Go 1.22 or newer: https://go.dev/dl/" in proc.stderr
    assert "too old: Java (JDK) 11.0.2; need Java (JDK) 17 or newer" in proc.stderr
    assert proc.stdout == ""  # --quiet prints only the problems


def test_an_old_python_is_refused_before_anything_else(tmp_path: Path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    _fake(bindir, "python3.10", "3.10.13")
    proc = _run("--runtime", "--python", "python3.10", path=str(bindir))
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0] == (
        "too old: python3.10 is Python 3.10.13; vrp-contract needs 3.11 or newer: pass "
        "PYTHON=python3.11 (or newer), e.g. `make demo PYTHON=python3.11`"
    )


def test_the_machine_running_the_tests_has_what_it_needs():
    """CI (VRP_REQUIRE_TOOLCHAINS=1) must have every prerequisite; locally this only reports."""
    proc = _run("--python", sys.executable, path=os.environ["PATH"])
    if proc.returncode != 0 and os.environ.get("VRP_REQUIRE_TOOLCHAINS") != "1":
        pytest.skip("prerequisites missing here: " + proc.stderr.splitlines()[0])
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_demo_with_an_old_python_stops_before_creating_the_venv(tmp_path: Path):
    old = tmp_path / "python3.10"
    old.write_text('#!/bin/sh\n[ "$1" = -V ] && echo "Python 3.10.13"\nexit 1\n', "utf-8")
    old.chmod(0o755)
    venv = tmp_path / "venv"
    proc = subprocess.run(
        ["make", "--no-print-directory", "demo", f"PYTHON={old}", f"VENV={venv}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 2
    assert f"'{old}' is not Python 3.11 or newer (Python 3.10.13)" in proc.stderr
    assert "pass PYTHON=python3.11" in proc.stderr
    assert not venv.exists()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_test_sets_up_only_when_setup_has_not_run(tmp_path: Path):
    """`.ci/run` runs `make setup` then `make test`: the second must not install again."""
    venv = tmp_path / "venv"
    venv.mkdir()

    def dry_run() -> str:
        proc = subprocess.run(
            ["make", "--no-print-directory", "-n", "test", f"VENV={venv}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        return proc.stdout

    full_check = "scripts/prereqs.py --python 'python3'"  # `--python-only` is the cheap one
    fresh = dry_run()
    assert full_check in fresh
    assert "pip install" in fresh
    (venv / "bin").mkdir()
    (venv / "bin" / "python").touch()  # make only looks at the files: `-n` runs nothing
    (venv / ".setup-done").touch()  # what `make setup` leaves behind
    after_setup = dry_run()
    assert full_check not in after_setup
    assert "pip install" not in after_setup
    assert "install-tools" not in after_setup
    assert "ruff check" in after_setup


def _make(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_the_confluent_agreement_needs_its_corpus_where_toolchains_are_required(tmp_path: Path):
    absent = f"CONFLUENT_CORPUS={tmp_path / 'no-corpus'}"
    skipped = _make("compat-confluent", absent, env={"VRP_REQUIRE_TOOLCHAINS": ""})
    assert skipped.returncode == 0
    assert "not found, skipped" in skipped.stdout
    required = _make("compat-confluent", absent, env={"VRP_REQUIRE_TOOLCHAINS": "1"})
    assert required.returncode != 0
    assert "VRP_REQUIRE_TOOLCHAINS=1 requires it" in required.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_chromium_comes_without_recommends_and_clean_removes_what_setup_made():
    browser = _make("-n", "setup-browser").stdout
    assert "apt-get install -y --no-install-recommends chromium fonts-liberation" in browser
    clean = _make("-n", "clean").stdout.split()
    for made in (".venv", ".cache", "site", "dist", "scripts/codegen/node/node_modules"):
        assert made in clean


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_a_venv_left_by_an_older_python_is_refused_with_what_to_do(tmp_path: Path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    old = venv / "bin" / "python"
    old.write_text('#!/bin/sh\n[ "$1" = -V ] && echo "Python 3.10.13"\nexit 1\n', "utf-8")
    old.chmod(0o755)
    proc = _make("check-python", f"PYTHON={sys.executable}", f"VENV={venv}")
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0] == (
        f"setup: {venv} was made with Python 3.10.13, not Python 3.11+ (or is broken): "
        "run 'make clean', then this command again"
    )


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_demo_installs_the_package_without_dev_extras(tmp_path: Path):
    planned = _make("-n", "demo", f"VENV={tmp_path / 'venv'}").stdout
    installs = [line for line in planned.splitlines() if "pip install" in line]
    assert any(line.endswith("pip install --quiet -e .") for line in installs), installs
    assert not any("[dev]" in line for line in installs)
    assert "vrp-contract validate examples/demo.jsonl" in planned


def test_the_runtime_check_names_a_missing_cargo(tmp_path: Path):
    """`make demo` builds the native engine: without cargo it stops with one line saying so."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "python3").symlink_to(sys.executable)
    proc = _run("--runtime", "--python", str(bindir / "python3"), "--quiet", path=str(bindir))
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0].startswith(
        "missing: Rust (cargo) 1.85 or newer (cargo not on PATH): https://rustup.rs/"
    )
