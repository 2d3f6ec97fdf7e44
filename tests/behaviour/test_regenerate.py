"""A change to the transition table changes every language's checker through regeneration alone.

A test-only revision (a temporary copy of `schema/`, never `schema/` itself) moves one transition:
`initial -> X` becomes allowed and `Y -> X` is dropped (X, Y from the table, not named here). The
generated packages are copied and only the behaviour generators rerun; no engine file changes, and
the checkers' findings follow the new table.
"""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING

import pytest

from scripts.codegen.behaviour import go as go_gen
from scripts.codegen.behaviour import java as java_gen
from scripts.codegen.behaviour import rust as rust_gen
from scripts.codegen.behaviour import typescript as ts_gen
from scripts.codegen.behaviour.common import tables
from tests.behaviour._checkers import (
    fold,
    go_command,
    go_module,
    typescript_command,
    typescript_package,
)
from tests.behaviour._jvm import java_command, java_project, rust_command, rust_crate
from tests.generated._toolchain import REPO
from vrp_contract.revisions import Revision, latest_revision

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.toolchain


def _edited_revision(tmp_path: Path) -> tuple[Revision, tuple[str, str], tuple[str, str]]:
    """Copy schema/ and move one transition; return the revision, the added and removed pair."""
    original = latest_revision()
    tab = tables(original)
    pairs = set(tab.transitions)
    terminal = {s.name for s in tab.states if s.terminal}
    added = next(
        (tab.initial, s.name)
        for s in tab.states
        if s.name != tab.initial and s.name not in terminal and (tab.initial, s.name) not in pairs
    )
    removed = next((f, t) for f, t in tab.transitions if t == added[1] and f != tab.initial)
    root = tmp_path / "schema"
    shutil.copytree(REPO / "schema", root)
    folder = root / f"v{original.name}"
    path = folder / "state-machine.json"
    sm = json.loads(path.read_text("utf-8"))
    sm["transitions"] = [t for t in sm["transitions"] if (t["from"], t["to"]) != removed] + [
        {"from": added[0], "to": added[1]}
    ]
    path.write_text(json.dumps(sm, indent=2), "utf-8")
    supplement = root / "supplements" / f"v{original.name}"
    return Revision(original.name, folder, supplement), added, removed


def _stream(path: Path, revision: Revision, sessions: list[list[tuple[str, str]]]) -> Path:
    """One session per walk: its creation, then one transition event per pair of the walk."""
    tab = tables(revision)
    create = next(e.name for e in tab.event_types if e.create)
    transition = next(e.name for e in tab.event_types if e.transition)
    lines = []
    for i, walk in enumerate(sessions):
        sid = f"edited-{i}"
        lines.append(json.dumps({"ts_ms": 1, "event_type": create, "session_id": sid}))
        for j, (src, dst) in enumerate(walk):
            event = {"ts_ms": 2 + j, "event_type": transition, "session_id": sid}
            event["reason_code"] = "TEST"
            event["details"] = {"from_state": src, "to_state": dst}
            lines.append(json.dumps(event))
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _engine_files(root: Path) -> dict[str, bytes]:
    names = [
        "typescript/v0_1/session-checker.js",
        "typescript/v0_1/bin/vrp-session-check.js",
        "go/v0_1/behaviour/checker.go",
        "rust/v0_1/src/session.rs",
        "rust/v0_1/src/bin/vrp-session-check.rs",
        "java/v0_1/src/main/java/dev/vrp/contract/v0_1/SessionChecker.java",
        "java/v0_1/src/main/java/dev/vrp/contract/v0_1/VrpSessionCheck.java",
    ]
    return {n: (root / n).read_bytes() for n in names}


def test_transition_table_change_reaches_every_language(tmp_path):
    revision, added, removed = _edited_revision(tmp_path)
    rev_id = "v" + revision.name.replace(".", "_")
    out = tmp_path / "out"
    generated = out / "generated"
    shutil.copytree(
        typescript_package(rev_id),
        generated / "typescript" / rev_id,
        ignore=shutil.ignore_patterns("node_modules", "dist"),
    )
    shutil.copytree(go_module(rev_id), generated / "go" / rev_id)
    no_build = shutil.ignore_patterns("target")
    shutil.copytree(rust_crate(rev_id), generated / "rust" / rev_id, ignore=no_build)
    shutil.copytree(java_project(rev_id), generated / "java" / rev_id, ignore=no_build)
    before = _engine_files(generated)
    ts_gen.generate(revision, out)
    go_gen.generate(revision, out)
    rust_gen.generate(revision, out)
    java_gen.generate(revision, out)
    assert _engine_files(generated) == before  # the engines are untouched: data only

    # One session takes the added pair; another reaches the removed pair's source legally
    # (in both tables) and then takes the removed pair.
    tab = tables(latest_revision())
    stream = _stream(tmp_path / "added.jsonl", revision, [[added]])
    walk = [*_path(tab.transitions, tab.initial, removed[0]), removed]
    assert added not in walk
    walk_stream = _stream(tmp_path / "removed.jsonl", revision, [walk])

    commands = {
        "typescript (as shipped)": typescript_command(typescript_package(rev_id)),
        "typescript (regenerated)": typescript_command(generated / "typescript" / rev_id),
        "go (as shipped)": go_command(go_module(rev_id), tmp_path / "go-old"),
        "go (regenerated)": go_command(generated / "go" / rev_id, tmp_path / "go-new"),
        "rust (as shipped)": rust_command(rust_crate(rev_id), tmp_path / "rust-old"),
        "rust (regenerated)": rust_command(
            generated / "rust" / rev_id, tmp_path / "rust-new", target=tmp_path / "rust-target"
        ),
        "java (as shipped)": java_command(java_project(rev_id), tmp_path / "java-old"),
        "java (regenerated)": java_command(generated / "java" / rev_id, tmp_path / "java-new"),
    }
    for name, command in commands.items():
        first = [f[1] for f in fold(command, stream, [])]
        second = [f[1] for f in fold(command, walk_stream, [])]
        if "regenerated" in name:
            assert first == [], name  # now allowed
            assert second == ["transition.allowed"], name  # now forbidden
        else:
            assert first == ["transition.allowed"], name
            assert second == [], name


def _path(transitions: tuple[tuple[str, str], ...], start: str, goal: str) -> list[tuple[str, str]]:
    """The shortest legal walk (list of pairs) from `start` to `goal` in the original table."""
    frontier: list[tuple[str, list[tuple[str, str]]]] = [(start, [])]
    seen = {start}
    while frontier:
        state, walk = frontier.pop(0)
        if state == goal:
            return walk
        for f, t in transitions:
            if f == state and t not in seen:
                seen.add(t)
                frontier.append((t, [*walk, (f, t)]))
    pytest.fail(f"{goal} cannot be reached from {start}")
    return []
