"""The session fold: data-driven, pure per session, its guards only pre-filters, O(1) memory."""

from __future__ import annotations

import ast
import io
import json
import shutil
import sys
from itertools import pairwise
from pathlib import Path
from types import GeneratorType
from typing import TYPE_CHECKING

import pytest

from vrp_contract import load_revision
from vrp_contract.revisions import Revision
from vrp_contract.stream import rules
from vrp_contract.stream.fold import Fold, Session
from vrp_contract.stream.policy import load_policy
from vrp_contract.stream.session import SessionTracker
from vrp_contract.stream.validator import StreamValidator

if TYPE_CHECKING:
    from collections.abc import Iterator

    from vrp_contract.stream.types import Record

ROOT = Path(__file__).resolve().parents[2]
ENGINE = [ROOT / "src/vrp_contract/stream" / f for f in ("fold.py", "rules.py", "session.py")]


def _stream(events: int, sessions: int, seed: int = 11) -> list[bytes]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import gen_stream  # type: ignore[import-not-found]  # noqa: PLC0415 - the bench's generator

        buf = io.BytesIO()
        gen_stream.generate(buf, events, sessions, seed, broken=0.05)
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return buf.getvalue().splitlines()


def _suite_streams() -> list[bytes]:
    """Every fail stream of the behaviour suite, each case's sessions kept apart by a prefix."""
    out: list[bytes] = []
    for case in load_revision().stream_cases():
        for line in (case / "fail.jsonl").read_text("utf-8").splitlines():
            event = json.loads(line)
            event["session_id"] = f"{case.name}/{event['session_id']}"
            out.append(json.dumps(event).encode())
    return out


def _findings(v: StreamValidator, lines: list[bytes]) -> list[tuple[object, ...]]:
    return [(f.line, f.rule, f.pointer, f.session_id, f.message) for f in v.iter_findings(lines)]


def test_every_registered_rule_is_a_stream_invariant_of_the_revision():
    stream = {i["id"] for i in load_revision().invariants if i["check"] == "stream"}
    assert set(rules.RULE_IDS) == stream


def test_no_state_or_event_type_is_named_in_the_fold():
    revision = load_revision()
    names = {s["name"] for s in revision.state_machine["states"]} | set(revision.event_types)
    for path in ENGINE:
        literals = {
            node.value
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
        found = {n for n in names if any(n in text for text in literals)}
        assert not found, f"{path.name} names {sorted(found)}"


def test_guards_only_skip_rules_that_would_not_fire():
    lines = _suite_streams() + _stream(30_000, 300)
    guarded = StreamValidator()
    unguarded = StreamValidator()
    unguarded.tracker.fold = Fold(unguarded.revision, unguarded.policy, guards=False)
    expected = _findings(unguarded, lines)
    assert {r for _, r, *_ in expected} >= set(rules.RULE_IDS) - {"session.terminated-final"}
    assert _findings(guarded, lines) == expected


def test_another_driver_keeping_sessions_as_tuples_gets_the_same_findings():
    """What the Flink job does: one state value per key, the fold imported unchanged."""
    lines = _suite_streams() + _stream(5_000, 40)
    v = StreamValidator()
    expected = [
        (f.line, f.rule, f.session_id) for f in v.iter_findings(lines) if f.rule in rules.RULE_IDS
    ]
    fold = Fold(v.revision, v.policy)
    state: dict[str, str] = {}
    got = []
    for number, line in enumerate(lines, 1):
        rec = v.explain(line)[1]  # the validator's own decoding of the line
        if rec is None:
            continue
        stored = state.get(rec[0])
        sess = None if stored is None else Session.from_tuple(json.loads(stored))
        sess, problems = fold.step(sess, rec)
        state[rec[0]] = json.dumps(sess.to_tuple())
        got += [(number, p[0], rec[0]) for p in problems]
    assert got == expected


def test_terminated_memory_is_bounded_and_forgets_the_oldest_first():
    revision = load_revision()
    tracker = SessionTracker(revision, load_policy(revision), remember_terminated=2)
    b = tracker.fold.behaviour
    create, move = min(b.creates), min(b.moves)
    end = min(b.terminal)
    start = next(s for s, t in b.transitions if t == end and s == b.initial)
    for sid in ("a", "b", "c"):
        assert tracker.step((sid, create, 1, None, None)) == []
        assert tracker.step((sid, move, 2, start, end)) == []
    assert list(tracker.terminated) == ["b", "c"]
    assert tracker.open_sessions == 0
    assert [p[0] for p in tracker.step(("b", create, 3, None, None))] == [
        "session.terminated-final"
    ]
    # "a" was forgotten: it is a new session now, created by this event
    assert tracker.step(("a", create, 3, None, None)) == []
    assert tracker.seen == 4


def _path(transitions: frozenset[tuple[str, str]], src: str, dst: str) -> list[str]:
    """A shortest walk of the transition table from `src` to `dst` (breadth first)."""
    came: dict[str, str] = {src: src}
    todo = [src]
    while todo and dst not in came:
        here = todo.pop(0)
        for f, t in sorted(transitions):
            if f == here and t not in came:
                came[t] = here
                todo.append(t)
    walk = [dst]
    while walk[-1] != src:
        walk.append(came[walk[-1]])
    return walk[::-1]


def test_a_session_opened_on_a_spare_object_inherits_nothing():
    """The table reuses a terminated session's object: every field is set anew when it opens."""
    revision = load_revision()
    tracker = SessionTracker(revision, load_policy(revision))
    b = tracker.fold.behaviour
    create, move, bind = min(b.creates), min(b.moves), min(b.binds)
    counted, end = min(b.counted), min(b.terminal)
    walk = _path(b.transitions, b.initial, counted)
    walk += _path(b.transitions, counted, end)[1:]
    events: list[Record] = [("a", create, 1, None, None), ("a", bind, 2, None, None)]
    events += [("a", move, 3 + i, f, t) for i, (f, t) in enumerate(pairwise(walk))]
    for event in events[:-1]:
        assert tracker.step(event) == []
    worn = tracker.sessions["a"]
    assert (worn.attempts, worn.bound, worn.last_ts) == (1, True, events[-2][2])
    assert tracker.step(events[-1]) == []
    assert "a" not in tracker.sessions
    assert tracker.step(("b", create, 100, None, None)) == []
    fresh = tracker.sessions["b"]
    assert fresh is worn  # the spare object was reused...
    assert (
        fresh.to_tuple() == Session(b.initial, bound=False, last_ts=100, fresh=False).to_tuple()
    )  # ...anew
    assert [p[0] for p in tracker.step(("c", move, 101, b.initial, end))] == [
        "session.created-first"
    ]
    assert tracker.seen == 3


def _copy_revision(tmp_path: Path) -> Path:
    base = load_revision()
    root = tmp_path / "schema"
    shutil.copytree(str(base.root), root / "v0.1")
    shutil.copytree(
        str(base.resource("behaviour.json")).rsplit("/", 1)[0], root / "sup", dirs_exist_ok=True
    )
    return root


def test_a_changed_transition_table_changes_the_behaviour_with_no_code_edit(tmp_path):
    base = load_revision()
    root = _copy_revision(tmp_path)
    machine = json.loads((root / "v0.1/state-machine.json").read_text())
    b = Fold(base, load_policy(base)).behaviour
    src, dst = min(t for t in b.transitions if t[1] not in b.terminal)
    machine["transitions"] = [
        t for t in machine["transitions"] if (t["from"], t["to"]) != (src, dst)
    ]
    (root / "v0.1/state-machine.json").write_text(json.dumps(machine))
    edited = Revision("0.1", root / "v0.1", root / "sup")
    create, move = min(b.creates), min(b.moves)
    path = [(b.initial, src)] if src != b.initial else []
    events: list[Record] = [("s", create, 1, None, None)]
    events += [("s", move, 2 + i, f, t) for i, (f, t) in enumerate(path)]
    events.append(("s", move, 10, src, dst))
    for revision, expect in ((base, []), (edited, ["transition.allowed"])):
        tracker = SessionTracker(revision, load_policy(base))
        found = [p[0] for e in events for p in tracker.step(e)]
        if path and (b.initial, src) not in b.transitions:
            pytest.skip("the revision has no direct path to the edited transition")
        assert found == expect, revision.root


def test_the_summary_counts_the_lines_folded_when_the_input_fails_or_the_reader_stops():
    """A chunk is folded in one call: the count stays exact when it ends early either way."""
    lines = [line.decode() for line in _stream(50, 5)][:40]
    lines[20] = lines[20][: len(lines[20]) // 2]  # one broken line: a finding mid-chunk

    def failing() -> Iterator[str]:
        yield from lines
        raise OSError("the disk went away")

    v = StreamValidator()
    with pytest.raises(OSError, match="disk"):
        list(v.iter_findings(failing()))
    assert (v.summary.lines, v.summary.valid + v.summary.invalid) == (40, 40)
    v = StreamValidator()
    findings = v.iter_findings(failing())
    assert isinstance(findings, GeneratorType)
    first = next(findings)
    findings.close()  # the reader went away after the first finding
    assert v.summary.lines == first.line
    assert v.summary.invalid == 1


def test_a_revision_with_two_terminal_states_remembers_which_one_each_session_ended_in(
    tmp_path: Path,
) -> None:
    base = load_revision()
    b = Fold(base, load_policy(base)).behaviour
    other = min(t for f, t in b.transitions if f == b.initial and t not in b.terminal)
    (end,) = b.terminal
    root = _copy_revision(tmp_path)
    machine = json.loads((root / "v0.1/state-machine.json").read_text())
    machine["terminal"] = sorted({end, other})
    # a terminal state has no outgoing transition (vrp_contract.revision_data)
    machine["transitions"] = [t for t in machine["transitions"] if t["from"] != other]
    (root / "v0.1/state-machine.json").write_text(json.dumps(machine))
    edited = Revision("0.1", root / "v0.1", root / "sup")
    tracker = SessionTracker(edited, load_policy(base), remember_terminated=10)
    create, move = min(b.creates), min(b.moves)
    for sid, state in (("x", other), ("y", end), ("z", other)):
        assert tracker.step((sid, create, 1, None, None)) == []
        assert tracker.step((sid, move, 2, b.initial, state)) == []
    assert tracker.terminated == {"x": other, "y": end, "z": other}
    for sid, state in (("x", other), ("y", end)):
        (problem,) = tracker.step((sid, create, 3, None, None))
        assert problem[0] == "session.terminated-final"
        assert problem[2].endswith(f"nothing may follow {state}.")
