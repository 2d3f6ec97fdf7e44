"""Rust: `cargo test --locked` in each generated crate (shared vectors), and the docs example."""

from __future__ import annotations

import tomllib

import pytest

from tests.generated._toolchain import GENERATED, docs_example, need, run

CRATES = sorted(p for p in (GENERATED / "rust").iterdir() if (p / "Cargo.toml").is_file())
pytestmark = pytest.mark.toolchain


@pytest.mark.parametrize("features", [[], ["--features", "exact-numbers"]], ids=["", "exact"])
@pytest.mark.parametrize("crate", CRATES, ids=[c.name for c in CRATES])
def test_vectors(crate, features):
    cargo = need("cargo", "Rust via rustup")
    out = run([cargo, "test", "--locked", *features], cwd=crate, timeout=3600)
    assert "test result: ok. 5 passed" in out  # tests/vectors.rs, numbers_past_64_bits either way


def test_docs_example_runs(tmp_path):
    cargo = need("cargo", "Rust via rustup")
    crate = CRATES[-1]
    manifest = tomllib.loads((crate / "Cargo.toml").read_text())["package"]
    name, version = manifest["name"], manifest["version"]
    # The [dependencies] block of the docs, with the vendored folder pointing at the crate.
    dependencies = docs_example("rust", "tested dependencies")
    vendored = f'path = "third_party/{name}"'
    assert vendored in dependencies
    (tmp_path / "Cargo.toml").write_text(
        '[package]\nname = "docs-example"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
        + dependencies.replace(vendored, f'path = "{crate}"')
    )
    (tmp_path / "Cargo.lock").write_text(
        (crate / "Cargo.lock").read_text().replace(f'name = "{name}"', 'name = "docs-example"')
        + f'\n[[package]]\nname = "{name}"\nversion = "{version}"\n'
        'dependencies = [\n "serde",\n "serde_json",\n]\n'
    )
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.rs").write_text(docs_example("rust"))
    out = run(
        [cargo, "run", "--quiet", "--offline"],
        cwd=tmp_path,
        env={"CARGO_TARGET_DIR": str(crate / "target")},
        timeout=3600,
    ).splitlines()
    assert out[0] == 'udp-a Some(Number(18))'
    assert out[2:] == ["schema.required /details/path_id", "skipped /event_type"]
