"""A seeded generator of valid, broken and adversarial event lines for differential tests."""

from __future__ import annotations

import json
import random
from typing import Any

from vrp_contract import load_revision

STATES = ["BIRTH", "ATTACHED", "VOLATILE", "DEGRADED", "RECOVERING", "TERMINATED"]
ODD_VALUES: list[Any] = [
    None, True, False, 0, -1, 1.0, 1.5, 2**63 - 1, 2**63, 2**64 + 1, -(2**63), "", "x",
    "1700000000000",
    "BIRTH", "ATTACHED", "TERMINATED", "event.conforms", "a:b", "\u00e9\u6f22", "\ud7ff", [], [1],
    {}, {"k": "v"}, {"path_id": "p"}, {"from_state": "BIRTH", "to_state": "ATTACHED"},
    {"invariant": "transport.single-active"}, 1e300, -0.0,
    # values for the keyword families of the future test revision (bench/future_revision.py)
    "node-7", "node-EU", "12%", "12.5%", "x-a", 101, 12.5, "tick", "ticks",
    [{"path_id": "p", "rtt_ms": 1}], [{"path_id": "", "rtt_ms": -1, "x": 1}], [{}],
    {"stable_ms": 5, "x-k": "v"}, {"stable_ms": 5, "y": 1}, {"loss_pct": "7%"}, {"unit": "tick"},
]  # fmt: skip
KEYS = ["ts_ms", "event_type", "session_id", "node_id", "reason_code", "details", "extra", ""]
DETAIL_KEYS = ["path_id", "from_state", "to_state", "invariant", "x", "candidates", "loss_pct"]
DETAIL_KEYS += ["stable_ms", "unit", "x-y", "rtt_ms"]


def _odd(rng: random.Random) -> Any:
    """A fresh copy of an odd value (never a shared object: mutations must not alias)."""
    return json.loads(json.dumps(rng.choice(ODD_VALUES)))


def _base(rng: random.Random, event_types: list[str]) -> dict[str, Any]:
    et = rng.choice(event_types)
    ev: dict[str, Any] = {
        "ts_ms": rng.choice([rng.randrange(0, 2**41), 1_700_000_000_000 + rng.randrange(10**6)]),
        "event_type": et,
        "session_id": rng.choice(["s1", "s2", "s3", f"s{rng.randrange(50)}", "sess:é"]),
    }
    if rng.random() < 0.3:
        ev["node_id"] = rng.choice(["n1", "", "node:7", "node-7", "node-eu-1"])
    if et == "STATE_CHANGE" or rng.random() < 0.3:
        ev["reason_code"] = rng.choice(["R", "LOSS", "a:b"])
    details = _details(rng, et)
    if details or rng.random() < 0.5:
        if rng.random() < 0.3:
            details["nested"] = {"a": [1, {"b": "c:d"}], "t": "12:30"}
        ev["details"] = details
    return ev


def _details(rng: random.Random, et: str) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if et == "STATE_CHANGE":
        details = {"from_state": rng.choice(STATES), "to_state": rng.choice(STATES)}
    elif et == "PATH_SELECTED":
        details = {"path_id": rng.choice(["p1", "p2", "udp:1"])}
    elif et == "AUDIT_EVENT":
        details = {"invariant": rng.choice(["event.conforms", "transport.single-active"])}
    elif et == "CANDIDATES_DISCOVERED" and rng.random() < 0.7:
        details = {"candidates": [{"path_id": f"p{i}", "rtt_ms": rng.randrange(90)} for i in "12"]}
    elif et == "VOLATILITY_SIGNAL" and rng.random() < 0.7:
        details = {"loss_pct": rng.choice([12.5, 0, "3%", "3.5%", 101, "x%"])}
    elif et == "RECOVERY_SIGNAL" and rng.random() < 0.7:
        details = {"stable_ms": rng.randrange(5000), **rng.choice([{}, {"x-note": "a"}])}
    elif et == "MUTATION_TICK" and rng.random() < 0.7:
        details = {"tick": rng.randrange(10**6), **rng.choice([{}, {"unit": "tick"}])}
    return details


def _mutate(ev: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    ev = json.loads(json.dumps(ev))
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        op = rng.randrange(5)
        key = rng.choice(KEYS)
        if op == 0 and ev:
            ev.pop(rng.choice(list(ev)))
        elif op in {1, 2}:
            ev[key] = _odd(rng)
        elif op == 3 and isinstance(ev.get("details"), dict):
            key = rng.choice(DETAIL_KEYS)
            ev["details"][key] = _odd(rng)
        else:
            ev["event_type"] = rng.choice(
                ["SESSION_RESUMED", "state_change", 7, None, "AUDIT_EVENT"]
            )
    return ev


def _encode(ev: Any, rng: random.Random) -> bytes:
    style = rng.randrange(6)
    if style == 0:
        return json.dumps(ev, indent=None).encode()  # spaces after separators
    if style == 1:
        return json.dumps(ev, ensure_ascii=True, separators=(",", ":")).encode()
    text = json.dumps(ev, ensure_ascii=False, separators=(",", ":"))
    if style == 2 and isinstance(ev, dict) and ev:
        key = rng.choice(list(ev))
        dup = json.dumps(key) + ":" + json.dumps(_odd(rng))
        return ("{" + dup + "," + text[1:]).encode() if len(text) > 2 else text.encode()
    if style == 3:
        raw = bytearray(text.encode())
        if raw:
            raw[rng.randrange(len(raw))] = rng.choice(b'{}[]:,"\\ \xff\x00a1')
        return bytes(raw)
    return text.encode()


def lines(count: int, seed: int) -> list[bytes]:
    """Return `count` lines: about half valid-looking, half mutated or mangled."""
    rng = random.Random(seed)
    event_types = load_revision().event_types
    out: list[bytes] = []
    while len(out) < count:
        ev = _base(rng, event_types)
        if rng.random() < 0.5:
            ev = _mutate(ev, rng)
        out.append(_encode(ev, rng) + rng.choice([b"\n", b"\n", b"\r\n"]))
    return out
