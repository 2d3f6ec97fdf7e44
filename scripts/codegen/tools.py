"""Install the pinned generators and fetch the language test dependencies.

`python scripts/generate.py --install-tools` (what `make setup-codegen` runs). Each step is skipped
when the pinned version is already installed, so a second run is quick. A missing toolchain (no
`go`, no `cargo`...) is reported and skipped here; the language's tests then skip, or fail under
VRP_REQUIRE_TOOLCHAINS=1.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from scripts.codegen import pins
from scripts.codegen.common import REPO

__all__ = ["cargo_typify_ok", "go_jsonschema_path", "install"]

NODE = REPO / "scripts" / "codegen" / "node"
JAVA_POM = REPO / "scripts" / "codegen" / "java" / "pom.xml"


def _run(cmd: list[str], cwd: Path = REPO) -> bool:
    print("+", " ".join(cmd), flush=True)
    return subprocess.run(cmd, cwd=cwd, check=False).returncode == 0


def go_jsonschema_path() -> Path | None:
    """The installed go-jsonschema binary when it is the pinned version, else None."""
    go = shutil.which("go")
    if go is None:
        return None
    gobin, gopath = subprocess.run(
        [go, "env", "GOBIN", "GOPATH"], capture_output=True, text=True, check=False
    ).stdout.splitlines()[:2]
    bindir = Path(gobin) if gobin else Path(gopath.split(":")[0]) / "bin"
    exe = bindir / "go-jsonschema"
    if not exe.exists():
        return None
    info = subprocess.run(
        [go, "version", "-m", str(exe)], capture_output=True, text=True, check=False
    ).stdout
    wanted = f"{pins.GO_JSONSCHEMA_MODULE}\t{pins.GO_JSONSCHEMA_VERSION}"
    return exe if wanted in info else None


def cargo_typify_ok() -> bool:
    """True when `cargo typify --version` is the pinned version."""
    cargo = shutil.which("cargo")
    if cargo is None:
        return False
    out = subprocess.run(
        [cargo, "typify", "--version"], capture_output=True, text=True, check=False
    ).stdout
    return out.strip() == f"cargo-typify {pins.CARGO_TYPIFY}"


def _step(name: str, ok: bool, started: float, failures: list[str]) -> None:
    print(f"setup-codegen: {name}: {'ok' if ok else 'FAILED'} ({time.monotonic() - started:.0f}s)")
    if not ok:
        failures.append(name)


def install() -> int:
    """Install what is missing; return 1 if a present toolchain failed to install its tools."""
    failures: list[str] = []
    if shutil.which("npm"):
        t = time.monotonic()
        _step(
            "npm ci (json-schema-to-typescript, typescript, ajv)",
            _run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE),
            t,
            failures,
        )
    else:
        print("setup-codegen: npm not found: TypeScript skipped")
    if shutil.which("go"):
        t = time.monotonic()
        ok = go_jsonschema_path() is not None or _run(
            ["go", "install", f"{pins.GO_JSONSCHEMA_MODULE}@{pins.GO_JSONSCHEMA_VERSION}"]
        )
        for mod in sorted((REPO / "generated" / "go").glob("*/go.mod")):
            ok = ok and _run(["go", "mod", "download"], cwd=mod.parent)
        _step("go-jsonschema and Go module downloads", ok, t, failures)
    else:
        print("setup-codegen: go not found: Go skipped")
    if shutil.which("cargo"):
        t = time.monotonic()
        ok = cargo_typify_ok() or _run(
            ["cargo", "install", "cargo-typify", "--version", pins.CARGO_TYPIFY, "--locked"]
        )
        for manifest in sorted((REPO / "generated" / "rust").glob("*/Cargo.toml")):
            ok = ok and _run(["cargo", "fetch", "--locked"], cwd=manifest.parent)
        _step("cargo-typify and crate downloads", ok, t, failures)
    else:
        print("setup-codegen: cargo not found: Rust skipped")
    if shutil.which("mvn") and JAVA_POM.exists():
        t = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="vrp-setup-java-") as tmp:
            (Path(tmp) / "schema").mkdir()
            (Path(tmp) / "schema" / "probe.json").write_text('{"type": "object"}', "utf-8")
            ok = _run(
                [
                    *("mvn", "-q", "-B", "-f", str(JAVA_POM), "generate-sources"),
                    f"-Dvrp.schemaDir={tmp}/schema",
                    f"-Dvrp.outDir={tmp}/java",
                    f"-Dproject.build.directory={tmp}/build",
                ]
            )
        for pom in sorted((REPO / "generated" / "java").glob("*/pom.xml")):
            ok = ok and _run(["mvn", "-q", "-B", "-f", str(pom), "test-compile"])
        _step("jsonschema2pojo and Maven dependencies", ok, t, failures)
    else:
        print("setup-codegen: mvn not found: Java skipped")
    if failures:
        print("setup-codegen: failed: " + "; ".join(failures))
        return 1
    return 0
