"""Inputs and comparisons of the engine tests: the shared stream cases, a generated stream that
violates every rule, and findings as (session, rule, event) triples."""

from __future__ import annotations

import itertools
import json
import random
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.gen_stream import generate
from tests._support import run_cli

if TYPE_CHECKING:
    from collections.abc import Iterable

from vrp_contract.revisions import load_revision

CASES = Path(__file__).resolve().parents[1] / "stream" / "cases"
"""The input cases (not JSON, blank lines, odd timestamps...): no options, bytes as they are."""
_SID = re.compile(rb'("session_id"\s*:\s*")')
Triple = tuple[str | None, str, tuple[str, int]]
"""(session_id or None, rule id, (source, line)) of one finding."""


def case_files() -> list[Path]:
    """Every shared case file checked with the default options: the revision's behaviour suite
    (schema/supplements/v0.1/streams) but the cases with options, then the input cases."""
    folders = []
    for case in load_revision().stream_cases():
        options = json.loads(case.joinpath("case.json").read_text("utf-8"))
        if not options.get("assume_open_sessions") and "policy" not in options:
            folders.append(Path(str(case)))
    folders.extend(sorted(c for c in CASES.iterdir() if c.is_dir()))
    return [
        path
        for case in folders
        for path in (case / "fail.jsonl", case / "pass.jsonl")
        if path.is_file()
    ]


def write_cases(out: Path) -> Path:
    """All default-option cases, one after the other, as they are (bytes untouched)."""
    out.write_bytes(b"".join(_with_newline(path.read_bytes()) for path in case_files()))
    return out


def _with_newline(data: bytes) -> bytes:
    return data if data.endswith(b"\n") or not data else data + b"\n"


def write_generated(out: Path, *, events: int = 6_000, seed: int = 14) -> Path:
    """A realistic generated stream (bench/gen_stream.py, with its broken lines) into which every
    case's failing lines are woven at random places, each weaving under its own session ids, so
    every rule is violated in the middle of interleaved healthy sessions."""
    base = out.with_suffix(".base")
    with base.open("wb") as handle:
        generate(handle, events, 300, seed)
    lines = base.read_bytes().split(b"\n")[:-1]
    base.unlink()
    rng = random.Random(seed)
    for number, path in enumerate(case_files()):
        if path.name != "fail.jsonl":
            continue
        woven = [
            _SID.sub(rb"\g<1>" + f"w{number}-".encode(), raw)
            for raw in path.read_bytes().split(b"\n")
        ]
        if woven and not woven[-1]:
            woven.pop()
        spots = sorted(rng.randrange(len(lines) + 1) for _ in woven)
        for offset, (spot, raw) in enumerate(zip(spots, woven, strict=True)):
            lines.insert(spot + offset, raw)
    out.write_bytes(b"\n".join(lines) + b"\n")
    return out


def validate_findings(*paths: Path, extra: Iterable[str] = ()) -> tuple[set[Triple], int]:
    """The findings of `vrp-contract validate PATHS` as triples, and how many there are.

    A line may have two findings of one rule (a key repeated in two objects), which are one
    triple: a job that reports every finding once writes as many events as the count.
    """
    run = run_cli("validate", "--format", "jsonl", *extra, *map(str, paths))
    assert run.code in (0, 1), run.err
    out: set[Triple] = set()
    count = 0
    for line in run.out.splitlines():
        item = json.loads(line)
        if "rule" in item:
            count += 1
            out.add((item.get("session_id"), item["rule"], (item["source"], item["line"])))
    return out, count


def validate_triples(*paths: Path, extra: Iterable[str] = ()) -> set[Triple]:
    """The findings of `vrp-contract validate PATHS` as triples."""
    return validate_findings(*paths, extra=extra)[0]


def audit_triples(
    events: Iterable[dict[str, Any]], where: dict[Any, Any] | None = None
) -> set[Triple]:
    """AUDIT_EVENTs as triples; `where` maps an audit's (source, line) to the input's."""
    out: set[Triple] = set()
    for event in events:
        assert event["event_type"] == "AUDIT_EVENT", event
        details = event["details"]
        place = (details["source"], details["line"])
        if where is not None:
            place = where[place]
        sid = event["session_id"]
        pseudo = sid == f"vrp-contract:{details['source']}"  # a finding of no session
        out.add((None if pseudo else sid, details["rule"], place))
    return out


def write_shuffled(out: Path, *, events: int = 3_000, seed: int = 41) -> Path:
    """Healthy generated sessions and the behaviour suite's failing cases (every line an event
    with a session and a valid `ts_ms`), then, within sessions, some neighbouring events swapped:
    out of order by a few hundred milliseconds at most (the generator's steps)."""
    base = out.with_suffix(".base")
    with base.open("wb") as handle:
        generate(handle, events, 200, seed, broken=0.0)
    lines = base.read_bytes().split(b"\n")[:-1]
    base.unlink()
    rng = random.Random(seed)
    for number, case in enumerate(load_revision().stream_cases()):
        options = json.loads(case.joinpath("case.json").read_text("utf-8"))
        if options.get("assume_open_sessions") or "policy" in options:
            continue
        woven = [
            _SID.sub(rb"\g<1>" + f"w{number}-".encode(), raw)
            for raw in case.joinpath("fail.jsonl").read_bytes().split(b"\n")
            if raw
        ]
        spots = sorted(rng.randrange(len(lines) + 1) for _ in woven)
        for offset, (spot, raw) in enumerate(zip(spots, woven, strict=True)):
            lines.insert(spot + offset, raw)
    by_session: dict[str, list[int]] = {}
    for index, raw in enumerate(lines):
        by_session.setdefault(json.loads(raw)["session_id"], []).append(index)
    for places in by_session.values():
        for a, b in itertools.pairwise(places):
            if rng.random() < 0.05:
                lines[a], lines[b] = lines[b], lines[a]
    out.write_bytes(b"\n".join(lines) + b"\n")
    return out


def in_event_time_order(path: Path, out: Path) -> tuple[Path, dict[int, int]]:
    """Each session's events sorted by `ts_ms` (stable), placed back at the session's positions.

    Returns the reordered file and, for each of its lines, the input line that event came from.
    """
    lines = path.read_bytes().split(b"\n")[:-1]
    by_session: dict[str, list[int]] = {}
    for index, raw in enumerate(lines):
        by_session.setdefault(json.loads(raw)["session_id"], []).append(index)
    origin: dict[int, int] = {}
    ordered = list(lines)
    for places in by_session.values():
        events = sorted(places, key=lambda i: (json.loads(lines[i])["ts_ms"], i))
        for place, source in zip(places, events, strict=True):
            ordered[place] = lines[source]
            origin[place + 1] = source + 1
    out.write_bytes(b"\n".join(ordered) + b"\n")
    return out, origin
