"""The behaviour examples of docs/languages/*.md (TypeScript, Go, Rust, Java) run as documented."""

from __future__ import annotations

import json
import tomllib

import pytest

from tests.behaviour._checkers import go_module, typescript_package
from tests.behaviour._jvm import java_command, java_project, rust_crate
from tests.generated._toolchain import REPO, docs_example, need, run

MARKER = "tested behaviour example"
TOOLS = REPO / "scripts" / "codegen" / "node" / "node_modules"
EXPECTED = [
    "emitted SESSION_CREATED",
    "emitted PATH_SELECTED",
    "emitted STATE_CHANGE",
    "refused PATH_SELECTED: transport.single-active at /event_type",
]


@pytest.mark.toolchain
def test_typescript_example(tmp_path):
    node = need("node", "Node.js 20+")
    npm = need("npm", "Node.js 20+ with npm")
    tsc = need(str(TOOLS / ".bin" / "tsc"), "run `make setup-codegen` (npm ci)")
    package = typescript_package()
    name = json.loads((package / "package.json").read_text("utf-8"))["name"]
    (tmp_path / "package.json").write_text('{"private": true}\n', "utf-8")
    run([npm, "install", "--offline", "--no-audit", "--no-fund", str(package)], cwd=tmp_path)
    example = docs_example("typescript", MARKER)
    assert f'from "{name}/behaviour"' in example
    (tmp_path / "example.ts").write_text(example, "utf-8")
    run(
        [
            tsc,
            *("--strict", "--module", "commonjs", "--target", "ES2022"),
            *("--moduleResolution", "node", "--typeRoots", str(TOOLS / "@types")),
            *("--types", "node", "--outDir", str(tmp_path)),
            "example.ts",
        ],
        cwd=tmp_path,
    )
    out = run([node, "example.js"], cwd=tmp_path)
    assert out.splitlines() == [*EXPECTED, "ATTACHED false"]


@pytest.mark.toolchain
def test_go_example(tmp_path):
    go = need("go", "Go 1.22+")
    module = go_module()
    vendored = f"./third_party/vrp-event-{module.name}"
    lines = docs_example("go", "tested go.mod")
    (tmp_path / "go.mod").write_text(
        "module example\n\ngo 1.22\n\n" + lines.replace(vendored, str(module))
    )
    (tmp_path / "main.go").write_text(docs_example("go", MARKER))
    offline = {"GOTOOLCHAIN": "local", "GOFLAGS": "", "GOPROXY": "off"}  # the module cache only
    run([go, "mod", "tidy"], cwd=tmp_path, env=offline)
    out = run([go, "run", "."], cwd=tmp_path, env=offline)
    assert out.splitlines() == [*EXPECTED, "ATTACHED true false"]


@pytest.mark.toolchain
def test_rust_example(tmp_path):
    cargo = need("cargo", "Rust via rustup")
    crate = rust_crate()
    manifest = tomllib.loads((crate / "Cargo.toml").read_text("utf-8"))
    name, version = manifest["package"]["name"], manifest["package"]["version"]
    example = docs_example("rust", MARKER)
    assert f"use {manifest['lib']['name']}::" in example, "the example uses the crate's library"
    dependencies = docs_example("rust", "tested dependencies")
    vendored = f'path = "third_party/{name}"'
    assert vendored in dependencies
    (tmp_path / "Cargo.toml").write_text(
        '[package]\nname = "docs-example"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
        + dependencies.replace(vendored, f'path = "{crate}"'),
        "utf-8",
    )
    # The crate's lock file, as the example's: the same serde and serde_json, offline.
    lock = (
        (crate / "Cargo.lock")
        .read_text("utf-8")
        .replace(f'name = "{name}"', 'name = "docs-example"')
    )
    lock += f'\n[[package]]\nname = "{name}"\nversion = "{version}"\n'
    lock += 'dependencies = [\n "serde",\n "serde_json",\n]\n'
    (tmp_path / "Cargo.lock").write_text(lock, "utf-8")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.rs").write_text(example, "utf-8")
    out = run(
        [cargo, "run", "--quiet", "--offline"],
        cwd=tmp_path,
        env={"CARGO_TARGET_DIR": str(crate / "target")},
        timeout=3600,
    )
    assert out.splitlines() == [*EXPECTED, "ATTACHED false"]


@pytest.mark.toolchain
def test_java_example(tmp_path):
    javac, java = need("javac", "a JDK 17"), need("java", "a JDK 17")
    classpath = java_command(java_project(), tmp_path / "build")[2]  # the project's, compiled
    (tmp_path / "Example.java").write_text(docs_example("java", MARKER), "utf-8")
    run([javac, "-cp", classpath, "-d", str(tmp_path), "Example.java"], cwd=tmp_path)
    out = run([java, "-cp", f"{tmp_path}:{classpath}", "Example"], cwd=tmp_path)
    assert out.splitlines() == [*EXPECTED, "ATTACHED false"]
