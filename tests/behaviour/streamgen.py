"""A seeded generator of large, schema-valid event streams with violations of every stream rule.

    python -m tests.behaviour.streamgen OUT_DIR [--events 100000] [--seed 20261129]
                                        [--assume-open-sessions] [--policy-ms N --policy-attempts N]
                                        [--remember-terminated N]

writes a *differential case* into `OUT_DIR`, in the format of the behaviour suite (see
`schema/supplements/v0.1/streams/README.md`), so every suite runner reads it as one more case:

- `case.json`: `description`, `assume_open_sessions`, `policy` (always explicit) and
  `remember_terminated` (the bound on remembered terminated ids; an extension of the suite format);
- `fail.jsonl`: the stream, one compact schema-valid event per line;
- `fail.expected.jsonl`: the Python validator's findings (`vrp-contract validate --format jsonl`),
  in order, each `{"line", "rule", "pointer", "session_id"}`;
- `pass.jsonl`: a smaller stream from the same walk with no violation (it has no finding).

The walk is driven only by the revision's data (`scripts/codegen/behaviour/common.tables`): the
state machine, the event roles and the smallest valid example vector of each event type as the
template of its events. Many sessions are open at once and interleave; each violation kind is
chosen uniformly when a violation is due, so every stream rule fires many times in 100,000 events.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scripts.codegen.behaviour.common import Tables, tables
from vrp_contract.revisions import load_revision

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = ["Options", "generate_stream", "python_findings", "write_case"]

JSON = dict[str, Any]
SEED = 20261129
KINDS = (
    "orphan",  # session.created-first (a session never created)
    "recreate",  # session.created-first (a second creation)
    "after-terminal",  # session.terminated-final
    "backwards",  # session.ts-monotonic
    "slow-recovery",  # recovery.bounded-time
    "silent",  # transition.explicit
    "disallowed",  # transition.allowed
    "stubborn",  # recovery.bounded-attempts (a session that avoids the reset states)
    "dual-bind",  # transport.single-active
)


@dataclass
class Options:
    """What one generated stream looks like."""

    events: int = 100_000
    seed: int = SEED
    violation_rate: float = 0.04
    concurrency: int = 300
    assume_open_sessions: bool = False
    policy: dict[str, int] | None = None
    remember_terminated: int = 200_000


@dataclass
class _Walker:
    sid: str
    state: str | None
    bound: bool
    ts: int
    stubborn: int = 0
    recovery_since: int | None = None
    attempts: int = 0


def _set(event: JSON, pointer: str, value: Any) -> None:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    node = event
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


class _Stream:
    def __init__(self, revision: Revision, tab: Tables, options: Options) -> None:
        self.tab = tab
        self.rng = random.Random(options.seed)
        self.options = options
        self.templates = self._templates(revision)
        self.states = [s.name for s in tab.states]
        self.allowed = set(tab.transitions)
        self.terminal = {s.name for s in tab.states if s.terminal}
        self.binding = {s.name for s in tab.states if s.binding}
        self.recovery = tuple(s.name for s in tab.states if s.recovery)  # ordered: reproducible
        self.reset = {s.name for s in tab.states if s.reset}
        self.create = [e.name for e in tab.event_types if e.create]
        self.transition = [e.name for e in tab.event_types if e.transition]
        self.bind = [e.name for e in tab.event_types if e.bind]
        roles = ("create", "transition", "bind")
        self.filler = [
            e.name for e in tab.event_types if not any(getattr(e, r) for r in roles)
        ] or self.bind
        policy = options.policy or {p.name: p.value for p in tab.policy}
        self.max_ms = policy["max_recovery_ms"]
        self.max_attempts = policy["max_recovery_attempts"]
        self.counted = {s.name for s in tab.states if s.counted}
        self.clean = False
        self.open: list[_Walker] = []
        self.terminated: list[str] = []
        self.lines: list[str] = []
        self.serial = 0
        self.clock = 1_700_000_000_000

    def _templates(self, revision: Revision) -> dict[str, JSON]:
        best: dict[str, JSON] = {}
        for _name, vector in revision.examples("valid"):
            event = vector["event"]
            kind = event.get("event_type")
            if kind not in best or len(json.dumps(event)) < len(json.dumps(best[kind])):
                best[kind] = event
        missing = [e.name for e in self.tab.event_types if e.name not in best]
        if missing:
            msg = f"no valid example vector of event type(s) {', '.join(missing)}"
            raise ValueError(msg)
        return best

    def _emit(self, kind: str, sid: str, ts: int, pair: tuple[str, str] | None = None) -> None:
        event = copy.deepcopy(self.templates[kind])
        pointers = self.tab.pointers
        _set(event, pointers.session_key, sid)
        # Now and then a whole float (`1700000000123.0`): an integer to JSON Schema, so to the fold.
        _set(event, pointers.clock, float(ts) if self.rng.random() < 0.01 else ts)
        if pair is not None:
            _set(event, pointers.transition_from, pair[0])
            _set(event, pointers.transition_to, pair[1])
        self.lines.append(json.dumps(event, ensure_ascii=False, separators=(",", ":")))

    def _new_sid(self) -> str:
        self.serial += 1
        marks = ("", "", "", "-ü", "-会话")  # some ids beyond ASCII
        return f"s{self.serial:06d}{marks[self.serial % len(marks)]}"

    def _tick(self, walker: _Walker, top: int = 5_000) -> int:
        self.clock += self.rng.randint(0, 3)
        if self.clean:
            top = min(top, self.max_ms // 4)
        # A clean walk keeps each session on its own clock: an idle recovering session that
        # caught up with the stream's clock could overstay the recovery bound.
        base = walker.ts if self.clean else max(walker.ts, self.clock)
        walker.ts = base + self.rng.randint(0, top)
        return walker.ts

    def _open_session(self, *, created: bool) -> _Walker:
        state = self.tab.initial if created else None
        walker = _Walker(self._new_sid(), state, bound=False, ts=self.clock)
        if created:
            self._emit(self.rng.choice(self.create), walker.sid, self._tick(walker))
        self.open.append(walker)
        return walker

    def _move(self, walker: _Walker, dst: str, src: str | None = None) -> None:
        state = walker.state if walker.state is not None else self.rng.choice(self.states)
        src = state if src is None else src
        self._emit(self.rng.choice(self.transition), walker.sid, self._tick(walker), (src, dst))
        if dst in self.recovery and walker.state not in self.recovery:
            walker.recovery_since = walker.ts
        elif dst not in self.recovery:
            walker.recovery_since = None
        walker.state = dst
        walker.attempts = 0 if dst in self.reset else walker.attempts + (dst in self.counted)
        if dst in self.terminal:
            self.open.remove(walker)
            self.terminated.append(walker.sid)

    def _next_state(self, walker: _Walker) -> str | None:
        if walker.state is None:
            return self.rng.choice(self.states)
        targets = [t for f, t in self.tab.transitions if f == walker.state]
        if self.clean:  # stay inside the recovery bounds
            if walker.attempts >= self.max_attempts:
                targets = [t for t in targets if t not in self.counted] or targets
            if self._late(walker):
                targets = [t for t in targets if t not in self.recovery] or targets
        if walker.stubborn:
            walker.stubborn -= 1
            keep = [t for t in targets if t not in self.reset and t not in self.terminal]
            targets = keep or targets
        elif self.rng.random() < 0.7:  # terminate rarely, so sessions live long and interleave
            targets = [t for t in targets if t not in self.terminal] or targets
        return self.rng.choice(targets) if targets else None

    def _late(self, walker: _Walker) -> bool:
        since = walker.recovery_since
        return since is not None and walker.ts - since > self.max_ms // 4

    def _normal(self, walker: _Walker) -> None:
        roll = self.rng.random()
        if roll < 0.45 or (self.clean and self._late(walker)):
            dst = self._next_state(walker)
            if dst is not None:
                self._move(walker, dst)
                return
        if roll < 0.6 and (not walker.bound or walker.state in self.binding):
            walker.bound = True
            self._emit(self.rng.choice(self.bind), walker.sid, self._tick(walker))
            return
        self._emit(self.rng.choice(self.filler), walker.sid, self._tick(walker))

    def _violate(self, kind: str) -> None:  # noqa: C901, PLR0912 - one branch per kind
        walker = self.rng.choice(self.open) if self.open else self._open_session(created=True)
        if kind == "orphan":
            orphan = self._open_session(created=False)
            self._normal(orphan)
        elif kind == "recreate":
            self._emit(self.rng.choice(self.create), walker.sid, self._tick(walker))
        elif kind == "after-terminal" and self.terminated:
            sid = self.rng.choice(self.terminated[-2000:])
            self._emit(self.rng.choice(self.filler), sid, self.clock)
        elif kind == "backwards":
            self._emit(self.rng.choice(self.filler), walker.sid, walker.ts - self.rng.randint(1, 9))
        elif kind == "slow-recovery":
            if walker.state not in self.recovery:
                dst = next((t for t in self.recovery if (walker.state, t) in self.allowed), None)
                if dst is None:
                    return
                self._move(walker, dst)
            if walker in self.open:
                self._tick(walker, 0)
                walker.ts += self.max_ms + self.rng.randint(1, 1000)
                self._emit(self.rng.choice(self.filler), walker.sid, walker.ts)
        elif kind == "silent" and walker.state is not None:
            src = self.rng.choice([s for s in self.states if s != walker.state])
            targets = [t for f, t in self.tab.transitions if f == src and t not in self.terminal]
            if targets:
                self._move(walker, self.rng.choice(targets), src)
        elif kind == "disallowed" and walker.state is not None:
            bad = [t for t in self.states if (walker.state, t) not in self.allowed]
            bad = [t for t in bad if t not in self.terminal] or bad
            if bad:
                self._move(walker, self.rng.choice(bad))
        elif kind == "stubborn":
            walker.stubborn = 40
        elif kind == "dual-bind":
            walker.bound = True
            self._emit(self.rng.choice(self.bind), walker.sid, self._tick(walker))
            self._emit(self.rng.choice(self.bind), walker.sid, self._tick(walker))

    def run(self, events: int, rate: float) -> list[str]:
        self.clean = not rate
        while len(self.lines) < events:
            if len(self.open) < self.options.concurrency and self.rng.random() < 0.08:
                self._open_session(created=True)
            elif rate and self.rng.random() < rate:
                self._violate(self.rng.choice(KINDS))
            elif self.open:
                self._normal(self.rng.choice(self.open))
            else:
                self._open_session(created=True)
        return self.lines[:events]


def generate_stream(revision: Revision, options: Options, *, clean: bool = False) -> list[str]:
    """The lines of one stream (`clean`: without violations), deterministic for a seed."""
    stream = _Stream(revision, tables(revision), options)
    return stream.run(options.events, 0.0 if clean else options.violation_rate)


def _policy(revision: Revision, options: Options) -> dict[str, int]:
    return options.policy or {p.name: p.value for p in tables(revision).policy}


def python_findings(stream: Path, case: JSON) -> list[JSON]:
    """The Python validator's findings of `stream` under a case's options, as suite records."""
    policy = stream.parent / ".policy.json"
    policy.write_text(json.dumps(case["policy"]), "utf-8")
    cmd = [sys.executable, "-m", "vrp_contract", "validate", "--format", "jsonl", "--jobs", "1"]
    cmd += ["--policy", str(policy), "--remember-terminated", str(case["remember_terminated"])]
    if case.get("assume_open_sessions"):
        cmd.append("--assume-open-sessions")
    proc = subprocess.run(
        [*cmd, str(stream)], capture_output=True, text=True, check=False, timeout=600
    )
    policy.unlink()
    if proc.returncode not in {0, 1} or proc.stderr:
        msg = f"vrp-contract validate exited {proc.returncode}: {proc.stderr[-2000:]}"
        raise RuntimeError(msg)
    keys = ("line", "rule", "pointer", "session_id")
    return [{k: json.loads(x).get(k) for k in keys} for x in proc.stdout.splitlines()]


def write_case(out: Path, revision: Revision, options: Options) -> JSON:
    """Write a differential case folder (see the module docstring); return its case.json."""
    out.mkdir(parents=True, exist_ok=True)
    case: JSON = {
        "description": (
            f"{options.events:,} generated events (seed {options.seed}) over many interleaved "
            "sessions with violations of every stream rule."
        ),
        "assume_open_sessions": options.assume_open_sessions,
        "policy": _policy(revision, options),
        "remember_terminated": options.remember_terminated,
    }
    (out / "case.json").write_text(json.dumps(case, indent=2) + "\n", "utf-8")
    lines = generate_stream(revision, options)
    (out / "fail.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    clean = replace(options, events=max(1, options.events // 10))
    (out / "pass.jsonl").write_text(
        "\n".join(generate_stream(revision, clean, clean=True)) + "\n", "utf-8"
    )
    expected = python_findings(out / "fail.jsonl", case)
    schema = sorted({f["rule"] for f in expected if f["rule"].startswith(("schema.", "input."))})
    if schema:
        msg = f"the generated stream is not schema-valid: {', '.join(schema)}"
        raise RuntimeError(msg)
    text = "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in expected)
    (out / "fail.expected.jsonl").write_text(text, "utf-8")
    return case


def main(argv: list[str] | None = None) -> int:
    """Command line: write one differential case folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--assume-open-sessions", action="store_true")
    parser.add_argument("--policy-ms", type=int)
    parser.add_argument("--policy-attempts", type=int)
    parser.add_argument("--remember-terminated", type=int, default=200_000)
    args = parser.parse_args(argv)
    revision = load_revision()
    policy = _policy(revision, Options())
    if args.policy_ms is not None:
        policy["max_recovery_ms"] = args.policy_ms
    if args.policy_attempts is not None:
        policy["max_recovery_attempts"] = args.policy_attempts
    options = Options(
        events=args.events,
        seed=args.seed,
        assume_open_sessions=args.assume_open_sessions,
        policy=policy,
        remember_terminated=args.remember_terminated,
    )
    write_case(args.out, revision, options)
    expected = (args.out / "fail.expected.jsonl").read_text("utf-8").splitlines()
    rules: dict[str, int] = {}
    for line in expected:
        rule = json.loads(line)["rule"]
        rules[rule] = rules.get(rule, 0) + 1
    print(f"{args.out}: {options.events:,} events, {len(expected):,} findings: {rules}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
