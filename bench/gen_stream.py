"""Generate a realistic, seeded VRP event stream for benchmarks and scale tests.

Thousands of interleaved sessions walk the state machine (attach, volatility, recovery,
re-attach, termination), with about 2% broken lines: bad JSON, schema errors and invariant
violations (`--broken` sets the share). `--short-sessions` makes every session two events long
(created, then terminated): N events are N/2 sessions opened and closed.
Usage: python bench/gen_stream.py OUT.jsonl [--events N] [--sessions K] [--seed S] [--broken F]
[--short-sessions]
"""

from __future__ import annotations

import argparse
import json
import random
from typing import Any

T0 = 1_700_000_000_000


class _Session:
    def __init__(self, sid: str, ts: int) -> None:
        self.sid = sid
        self.ts = ts
        self.state = "NEW"
        self.path = 0


def _event(s: _Session, event_type: str, **extra: Any) -> dict[str, Any]:  # noqa: ANN401
    ev: dict[str, Any] = {"ts_ms": s.ts, "event_type": event_type, "session_id": s.sid}
    ev.update(extra)
    return ev


def _change(s: _Session, to: str, reason: str) -> dict[str, Any]:
    ev = _event(
        s, "STATE_CHANGE", reason_code=reason, details={"from_state": s.state, "to_state": to}
    )
    s.state = to
    return ev


def _step(s: _Session, rng: random.Random, *, short: bool = False) -> dict[str, Any]:  # noqa: PLR0911, PLR0912, C901 - one branch per state
    s.ts += rng.randint(1, 400)
    st = s.state
    if short and st == "BIRTH":
        return _change(s, "TERMINATED", "CLIENT_CLOSE")
    if st == "NEW":
        s.state = "BIRTH"
        return _event(s, "SESSION_CREATED", node_id=f"node-{rng.randint(1, 8)}")
    if st == "BIRTH":
        if s.path == 0:
            s.path = 1
            return _event(
                s,
                "CANDIDATES_DISCOVERED",
                details={
                    "candidates": [
                        {"path_id": "udp-1", "rtt_ms": rng.randint(5, 90)},
                        {"path_id": "tcp-2", "rtt_ms": rng.randint(5, 90)},
                    ]
                },
            )
        if s.path == 1:
            s.path = 2
            return _event(
                s, "PATH_SELECTED", reason_code="LOWEST_RTT", details={"path_id": "udp-1"}
            )
        return _change(s, "ATTACHED", "PATH_BOUND")
    r = rng.random()
    if st == "ATTACHED":
        if r < 0.6:
            return _event(s, "MUTATION_TICK", details={"tick": rng.randint(0, 10**6)})
        if r < 0.8:
            return _event(s, "VOLATILITY_SIGNAL", details={"loss_pct": round(rng.random() * 30, 2)})
        if r < 0.97:
            return _change(s, "VOLATILE", "LOSS_SPIKE")
        return _change(s, "TERMINATED", "CLIENT_CLOSE")
    if st == "VOLATILE":
        if r < 0.4:
            return _event(s, "MUTATION_TICK", details={"tick": rng.randint(0, 10**6)})
        if r < 0.7:
            return _change(s, "ATTACHED", "STABLE")
        if r < 0.85:
            return _change(s, "RECOVERING", "REATTACH")
        return _change(s, "DEGRADED", "LINK_DOWN")
    if st == "DEGRADED":
        return _change(s, "RECOVERING", "RETRY") if r < 0.7 else _event(s, "MUTATION_TICK")
    if st == "RECOVERING":
        if s.path < 3 and r < 0.5:
            s.path = 3
            return _event(s, "PATH_SELECTED", reason_code="REATTACH", details={"path_id": "tcp-2"})
        if r < 0.8:
            s.path = 2
            return _change(s, "ATTACHED", "REATTACHED")
        return _event(s, "RECOVERY_SIGNAL", details={"stable_ms": rng.randint(100, 5000)})
    raise AssertionError(st)


def _break(line: str, ev: dict[str, Any], rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        return line[: len(line) // 2]  # truncated JSON
    if kind == 1:
        bad = dict(ev)
        bad.pop("ts_ms")
        return json.dumps(bad, separators=(",", ":"))
    if kind == 2:
        return json.dumps({**ev, "ts_ms": str(ev["ts_ms"])}, separators=(",", ":"))
    if kind == 3:
        return json.dumps({**ev, "event_type": "SESSION_RESUMED"}, separators=(",", ":"))
    if kind == 4:
        return json.dumps({**ev, "extra": True}, separators=(",", ":"))
    return json.dumps({**ev, "ts_ms": ev["ts_ms"] - 10_000}, separators=(",", ":"))


def generate(  # noqa: PLR0913 - the knobs of the command line
    out: Any,  # noqa: ANN401
    events: int,
    sessions: int,
    seed: int,
    broken: float = 0.02,
    *,
    short: bool = False,
) -> None:
    """Write `events` lines to the binary file `out`."""
    rng = random.Random(seed)
    live = [_Session(f"sess-{i:07d}", T0 + i) for i in range(sessions)]
    counter = sessions
    buf: list[str] = []
    for _ in range(events):
        idx = rng.randrange(len(live))
        s = live[idx]
        ev = _step(s, rng, short=short)
        line = json.dumps(ev, separators=(",", ":"))
        if rng.random() < broken:
            line = _break(line, ev, rng)
        buf.append(line)
        if s.state == "TERMINATED":
            live[idx] = _Session(f"sess-{counter:07d}", s.ts)
            counter += 1
        if len(buf) >= 10_000:
            out.write(("\n".join(buf) + "\n").encode())
            buf.clear()
    if buf:
        out.write(("\n".join(buf) + "\n").encode())


def main() -> None:
    """Parse arguments and write the stream."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--sessions", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--broken", type=float, default=0.02)
    parser.add_argument("--short-sessions", action="store_true")
    args = parser.parse_args()
    with open(args.out, "wb") as out:  # noqa: PTH123
        generate(out, args.events, args.sessions, args.seed, args.broken, short=args.short_sessions)


if __name__ == "__main__":
    main()
