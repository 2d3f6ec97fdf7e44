"""The Rust and Java behaviour generators: what they read, what they refuse, what they write.

No toolchain needed: these run the generators into a temporary folder and read the text. That the
generated code compiles and behaves is the business of `cargo test` / `mvn test` (test_suites.py),
the differential and the regeneration test.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from typing import TYPE_CHECKING

import pytest

from scripts.codegen.behaviour import java as java_gen
from scripts.codegen.behaviour import rust as rust_gen
from scripts.codegen.behaviour.common import pascal, tables
from scripts.codegen.behaviour.facts import I64, clock_bounds, severities
from scripts.codegen.common import GeneratorError
from tests.generated._toolchain import GENERATED
from vrp_contract.revisions import latest_revision

if TYPE_CHECKING:
    from pathlib import Path

REVISION = latest_revision()
REV_ID = "v" + REVISION.name.replace(".", "_")


def _rust_out(tmp_path: Path) -> Path:
    """A folder laid out like the repository with the crate's non-behaviour files, as the rust
    target leaves them: the typify `lib.rs` (without the module lines) and `Cargo.toml`."""
    crate = tmp_path / "generated" / "rust" / REV_ID
    (crate / "src").mkdir(parents=True)
    lib = (GENERATED / "rust" / REV_ID / "src" / "lib.rs").read_text("utf-8")
    (crate / "src" / "lib.rs").write_text(lib.removesuffix(rust_gen.MODULES), "utf-8")
    shutil.copy(GENERATED / "rust" / REV_ID / "Cargo.toml", crate / "Cargo.toml")
    return tmp_path


def test_rust_generation_matches_the_committed_crate_and_is_idempotent(tmp_path):
    out = _rust_out(tmp_path)
    rust_gen.generate(REVISION, out)
    rust_gen.generate(REVISION, out)  # rerun on a generated crate: the module lines stay once
    crate = out / "generated" / "rust" / REV_ID
    committed = GENERATED / "rust" / REV_ID
    for rel in ("src/lib.rs", "src/behaviour.rs", "src/session.rs", "tests/behaviour.rs"):
        assert (crate / rel).read_text("utf-8") == (committed / rel).read_text("utf-8"), rel
    assert (crate / "src" / "lib.rs").read_text("utf-8").count("pub mod behaviour;") == 1


def test_rust_uses_the_library_name_of_the_manifest(tmp_path):
    out = _rust_out(tmp_path)
    manifest = out / "generated" / "rust" / REV_ID / "Cargo.toml"
    text = manifest.read_text("utf-8")
    lib = rust_gen.library_name(manifest)
    manifest.write_text(text.replace(f'name = "{lib}"', 'name = "renamed_lib"'), "utf-8")
    rust_gen.generate(REVISION, out)
    test = (out / "generated" / "rust" / REV_ID / "tests" / "behaviour.rs").read_text("utf-8")
    assert "use renamed_lib::session::" in test
    assert f"use {lib}::" not in test


def test_rust_refuses_a_crate_the_rust_target_did_not_write(tmp_path):
    with pytest.raises(GeneratorError, match="not generated yet"):
        rust_gen.generate(REVISION, tmp_path)
    out = _rust_out(tmp_path)
    manifest = out / "generated" / "rust" / REV_ID / "Cargo.toml"
    manifest.write_text('[package]\nname = "x"\n', "utf-8")
    with pytest.raises(GeneratorError, match=r"no \[lib\] name"):
        rust_gen.generate(REVISION, out)


def test_java_generation_matches_the_committed_project(tmp_path):
    java_gen.generate(REVISION, tmp_path)
    folder = f"src/main/java/dev/vrp/contract/{REV_ID}"
    for rel in (f"{folder}/Behaviour.java", f"{folder}/SessionChecker.java"):
        fresh = (tmp_path / "generated" / "java" / REV_ID / rel).read_text("utf-8")
        assert fresh == (GENERATED / "java" / REV_ID / rel).read_text("utf-8"), rel


def test_the_tables_follow_the_revision_files():
    tab = tables(REVISION)
    rust = rust_gen.behaviour_rs(REVISION, tab)
    java = java_gen.behaviour_java(REVISION, tab, f"dev.vrp.contract.{REV_ID}")
    sm = REVISION.state_machine
    for f, t in ((t["from"], t["to"]) for t in sm["transitions"]):
        assert f"new Transition(State.{f}, State.{t})" in java
        assert f"(State::{pascal(f)}, State::{pascal(t)})," in rust
    for row in tab.states:
        line = next(x for x in java.splitlines() if x.strip().startswith(f"{row.name}("))
        assert ("Role.TERMINAL" in line) == (row.name in sm["terminal"]), row.name
        assert ("Role.BINDING" in line) == (row.name in sm["binding_states"]), row.name
        assert ("Role.RECOVERY" in line) == (row.name in sm["recovery_states"]), row.name
    for rule in tab.rules:
        assert f'"{rule.id}"' in rust
        assert f'"{rule.id}"' in java
    for key, value in REVISION.default_policy.items():
        assert f"{key}: {value}," in rust
        assert f"{value}L" in java


def test_clock_bounds_come_from_the_envelope_schema():
    lo, hi = clock_bounds(REVISION, tables(REVISION).pointers.clock)
    ts = REVISION.inlined(REVISION.envelope_schema)["properties"]["ts_ms"]
    assert lo == max(ts.get("minimum", I64[0]), I64[0])
    assert hi == min(ts.get("maximum", I64[1]), I64[1])
    with pytest.raises(GeneratorError, match="no property at the clock pointer"):
        clock_bounds(REVISION, "/no_such_field")


def test_severities_are_the_catalog_schema_enum_then_those_in_use():
    tab = tables(REVISION)
    names = severities(REVISION, tab)
    assert len(names) == len(set(names))
    assert {i.severity for i in tab.invariants} <= set(names)
    fatal = dataclasses.replace(tab.invariants[0], severity="fatal")
    odd = dataclasses.replace(tab, invariants=(*tab.invariants, fatal))
    assert severities(REVISION, odd)[-1] == "fatal"
    assert json.dumps(names)  # plain strings
