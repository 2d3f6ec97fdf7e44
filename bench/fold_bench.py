"""Benchmark the one-process session fold alone: long sessions against short ones.

Usage: python bench/fold_bench.py [--events N] [--sessions K] [--seed S] [--repeats R]

Two seeded streams from bench/gen_stream.py, every line valid: N events in K long sessions
(default 1,000,000 in 2,000), and N events in N/2 short sessions (each created, then terminated).
Each stream is run through `StreamValidator.fold` as `validate` runs it, chunk after chunk, each
chunk decoded by the validator's own block decoder just before it is folded (so the fold meets the
heap and the CPU caches as it does in a real run); the time spent decoding a chunk, and freeing
the previous one, is measured and taken out, so what is left is the fold's. A fresh validator per
run starts with an empty session table; the cycle collector is on, as in `validate`. Prints the
best of `--repeats` runs in CPU nanoseconds per event (CPU time: steadier than wall time on a
shared machine), and short over long (the target for whole processes is at most 1.2x).
"""

from __future__ import annotations

import argparse
import gc
import io
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen_stream  # noqa: E402 - after the path is set

from vrp_contract.stream.validator import StreamValidator  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Iterator

CHUNK_LINES = 20_000


def _blocks(events: int, sessions: int, seed: int, *, short: bool) -> list[bytes]:
    """The stream as blocks of whole lines, as a file's chunks reach the decoder."""
    buf = io.BytesIO()
    gen_stream.generate(buf, events, sessions, seed, broken=0.0, short=short)
    lines = buf.getvalue().splitlines(keepends=True)
    return [b"".join(lines[i : i + CHUNK_LINES]) for i in range(0, len(lines), CHUNK_LINES)]


def _fold_ns(blocks: list[bytes], events: int, repeats: int) -> tuple[float, StreamValidator]:
    """The best CPU time of the fold alone, in nanoseconds per event; the last run's validator."""
    best = float("inf")
    validator = StreamValidator()
    for _ in range(repeats):
        validator = StreamValidator()
        decode = validator.block_decoder()
        decoding = 0

        def chunks(decode: Any = decode) -> Iterator[list[Any]]:  # noqa: ANN401
            nonlocal decoding
            chunk: list[Any] = []
            for block in blocks:
                start = time.process_time_ns()
                chunk.clear()  # the fold is done with it: freeing it is the decoder's cost
                chunk = decode(block)
                decoding += time.process_time_ns() - start
                yield chunk
            start = time.process_time_ns()
            chunk.clear()
            decoding += time.process_time_ns() - start

        gc.collect()
        start = time.process_time_ns()
        for _finding in validator.fold(chunks(), "bench"):
            pass
        best = min(best, (time.process_time_ns() - start - decoding) / events)
    return best, validator


def main() -> None:
    """Generate, decode and fold; print ns/event for long and short sessions and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--sessions", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    results = {}
    for name, short in (("long", False), ("short", True)):
        blocks = _blocks(args.events, args.sessions, args.seed, short=short)
        ns, validator = _fold_ns(blocks, args.events, args.repeats)
        s = validator.summary
        if s.invalid or s.lines != args.events:
            raise SystemExit(f"{name}: {s.invalid} invalid of {s.lines} lines (meant: all valid)")
        results[name] = ns
        print(
            f"{name:>5}: {ns:7.1f} ns/event  ({s.lines:,} events, {s.sessions:,} sessions, "
            f"{s.open_sessions:,} left open)"
        )
    print(f"short / long: {results['short'] / results['long']:.2f}x")


if __name__ == "__main__":
    main()
