"""Rust: `cargo test --locked` in each generated crate (shared vectors), and the docs example."""

from __future__ import annotations

import tomllib

import pytest

from tests.consumers.test_consumers import CONSUMERS, _cases, _check
from tests.generated._toolchain import GENERATED, REPO, docs_example, need, run

CRATES = sorted(p for p in (GENERATED / "rust").iterdir() if (p / "Cargo.toml").is_file())
pytestmark = pytest.mark.toolchain


@pytest.mark.parametrize("features", [[], ["--features", "exact-numbers"]], ids=["", "exact"])
@pytest.mark.parametrize("crate", CRATES, ids=[c.name for c in CRATES])
def test_vectors(crate, features):
    cargo = need("cargo", "Rust via rustup")
    out = run([cargo, "test", "--locked", *features], cwd=crate, timeout=3600)
    assert "test result: ok. 6 passed" in out  # tests/vectors.rs, numbers_past_64_bits either way


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
    assert out[0] == "udp-a Some(Number(18))"
    assert out[2:] == ["schema.required /details/path_id", "skipped /event_type"]


@pytest.mark.parametrize("features", ["", ', features = ["exact-numbers"]'], ids=["", "exact"])
def test_crate_agrees_with_python(tmp_path, features):
    """The consumer program of tests/consumers on the crate of the checkout (no `make dist`).

    Every vector, the demo stream, `EDGE_CASES` and the corpus mutations: the verdict, rule id,
    pointer and message of `vrp_contract.typed.decode` (`DIVERGENCES` apart), exact round trips.
    """
    cargo = need("cargo", "Rust via rustup")
    crate = CRATES[-1]
    manifest = tomllib.loads((crate / "Cargo.toml").read_text())["package"]
    name, version = manifest["name"], manifest["version"]
    cases = _cases()
    (tmp_path / "cases.jsonl").write_text("\n".join(cases) + "\n", "utf-8")
    project = tmp_path / "consumer"
    (project / "src").mkdir(parents=True)
    source = (CONSUMERS / "rust" / "main.rs").read_text("utf-8")
    (project / "src" / "main.rs").write_text(source.replace("@@LIB@@", name.replace("-", "_")))
    (project / "Cargo.toml").write_text(
        '[package]\nname = "consumer"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
        f'[dependencies]\n{name} = {{ path = "{crate}"{features} }}\nserde_json = "1"\n'
    )
    (project / "Cargo.lock").write_text(
        (crate / "Cargo.lock").read_text().replace(f'name = "{name}"', 'name = "consumer"')
        + f'\n[[package]]\nname = "{name}"\nversion = "{version}"\n'
        'dependencies = [\n "serde",\n "serde_json",\n]\n'
    )
    out = run(
        [cargo, "run", "--quiet", "--offline", "--", str(tmp_path / "cases.jsonl")],
        cwd=project,
        env={"CARGO_TARGET_DIR": str(crate / "target")},
        timeout=3600,
    )
    _check(out, cases, "rust/exact-numbers" if features else "rust")


def test_docs_vendoring_copies_the_crate_without_target(tmp_path):
    """The docs' vendoring commands copy the crate's tracked files, never a built `target/`."""
    crate = CRATES[-1]
    docs = (REPO / "docs" / "languages" / "rust.md").read_text("utf-8")
    assert "from the registry" not in docs  # the crate is not published
    script = docs_example("rust", "tested vendoring").replace(
        "generated/rust/v0_1", crate.relative_to(REPO).as_posix()
    )
    run(["bash", "-euo", "pipefail", "-c", script], tmp_path, env={"VRP_CONTRACT": str(REPO)})
    vendored = tmp_path / "third_party" / "vrp-contract-event-v0_1"
    copied = sorted(p.relative_to(vendored).as_posix() for p in vendored.rglob("*") if p.is_file())
    tracked = run(["git", "ls-tree", "-r", "--name-only", "HEAD", "."], crate).split()
    assert copied == sorted(tracked)
    assert "Cargo.toml" in copied
    assert not (vendored / "target").exists()
