"""Benchmark the one-process session fold alone: long sessions against short ones.

Usage: python bench/fold_bench.py [--events N] [--sessions K] [--seed S] [--repeats R]

Two seeded streams from bench/gen_stream.py, every line valid: N events in K long sessions
(default 1,000,000 in 2,000), and N events in N/2 short sessions (each created, then terminated).
Each stream is decoded once, with the validator's own decoder, into the items the fold receives;
only `StreamValidator.fold` over those items is timed (a fresh validator per run, so every run
starts with an empty session table; the cycle collector on, as in `validate`), so the decoding
and the schema check are out of the picture. Prints the best of `--repeats` runs in CPU
nanoseconds per event (CPU time: steadier than wall time on a shared machine), and short over
long (the target for whole processes is at most 1.2x).
"""

from __future__ import annotations

import argparse
import gc
import io
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen_stream  # noqa: E402 - after the path is set

from vrp_contract.stream.validator import StreamValidator  # noqa: E402


def _decoded(events: int, sessions: int, seed: int, *, short: bool) -> list[Any]:
    """The stream's lines, decoded once by the validator's decoder (what the fold receives)."""
    buf = io.BytesIO()
    gen_stream.generate(buf, events, sessions, seed, broken=0.0, short=short)
    decode = StreamValidator().decoder()
    return [decode(line) for line in buf.getvalue().splitlines()]


def _fold_ns(items: list[Any], repeats: int) -> tuple[float, StreamValidator]:
    """The best CPU time of folding `items`, in nanoseconds per event; the last run's validator."""
    best = float("inf")
    validator = StreamValidator()
    for _ in range(repeats):
        validator = StreamValidator()
        gc.collect()
        start = time.process_time_ns()
        for _finding in validator.fold([items], "bench"):
            pass
        best = min(best, (time.process_time_ns() - start) / len(items))
    return best, validator


def main() -> None:
    """Generate, decode, fold; print ns/event for long and short sessions and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--sessions", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    results = {}
    for name, short in (("long", False), ("short", True)):
        items = _decoded(args.events, args.sessions, args.seed, short=short)
        ns, validator = _fold_ns(items, args.repeats)
        s = validator.summary
        if s.invalid:
            raise SystemExit(f"{name}: {s.invalid} invalid lines in a stream meant to be valid")
        results[name] = ns
        print(
            f"{name:>5}: {ns:7.1f} ns/event  ({s.lines:,} events, {s.sessions:,} sessions, "
            f"{s.open_sessions:,} left open)"
        )
        del items
    print(f"short / long: {results['short'] / results['long']:.2f}x")


if __name__ == "__main__":
    main()
