"""The Rust and Java session checker commands, built from pytest (see `_checkers.py`).

Rust: the crate's binary `vrp-session-check`, built with `cargo build --release` and copied out of
the target folder (a regenerated copy of the crate builds in a target folder of its own). Java:
`dev.vrp.contract.<rev>.VrpSessionCheck`, compiled with `mvn compile`, run with `java -cp` on the
project's runtime class path. A missing toolchain skips the test, or fails it under
VRP_REQUIRE_TOOLCHAINS=1.
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

from tests.generated._toolchain import GENERATED, need, run

if TYPE_CHECKING:
    from pathlib import Path

DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1"
_BUILT: set[tuple[Path, Path]] = set()
_CLASSPATHS: dict[Path, str] = {}


def rust_crate(rev_id: str = "v0_1", root: Path = GENERATED) -> Path:
    """The crate folder of a revision."""
    return root / "rust" / rev_id


def java_project(rev_id: str = "v0_1", root: Path = GENERATED) -> Path:
    """The Maven project folder of a revision."""
    return root / "java" / rev_id


def rust_command(crate: Path, out: Path, *, target: Path | None = None) -> list[str]:
    """Build the crate's `vrp-session-check` binary and copy it into `out`.

    In the crate's own target folder it is a release build. A copy of the crate (a regenerated
    one) must build in a `target` folder of its own, never the original's: cargo would take the
    two same-named crates for one and keep whichever was built first. There it is a debug build,
    which compiles the dependencies faster.
    """
    cargo = need("cargo", "Rust via rustup, `make setup-codegen`")
    profile = "release" if target is None else "debug"
    target = target or crate / "target"
    if (crate, target) not in _BUILT:  # one cargo run per crate and test session
        build = [cargo, "build", "--locked", "--bin", "vrp-session-check"]
        build += ["--release"] if profile == "release" else []
        run(build, crate, env={"CARGO_TARGET_DIR": str(target)}, timeout=3600)
        _BUILT.add((crate, target))
    out.mkdir(parents=True, exist_ok=True)
    binary = out / "vrp-session-check"
    shutil.copy2(target / profile / "vrp-session-check", binary)
    return [str(binary)]


def java_command(project: Path, out: Path) -> list[str]:
    """Compile the project; return `java -cp ... <package>.VrpSessionCheck`."""
    mvn = need("mvn", "Maven 3.8+ with Java 17, `make setup-codegen`")
    java = need("java", "a JDK 17")
    main = f"dev.vrp.contract.{project.name}.VrpSessionCheck"
    if project not in _CLASSPATHS:  # one Maven run per project and test session
        out.mkdir(parents=True, exist_ok=True)
        cp_file = out / "classpath.txt"
        run(
            [
                *(mvn, "-q", "-B", "compile", f"{DEPENDENCY_PLUGIN}:build-classpath"),
                f"-Dmdep.outputFile={cp_file}",
                "-Dmdep.includeScope=runtime",
            ],
            project,
            timeout=3600,
        )
        dependencies = cp_file.read_text("utf-8").strip()
        _CLASSPATHS[project] = f"{project / 'target' / 'classes'}:{dependencies}"
    return [java, "-cp", _CLASSPATHS[project], main]
