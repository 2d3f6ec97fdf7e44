"""Benchmark the session checker of each language on one generated stream, as whole processes.

Usage: python bench/behaviour_bench.py [--events N] [--seed S]

Writes a differential case (tests/behaviour/streamgen.py: interleaved sessions, violations of
every stream rule) and times `vrp-contract validate` (schema and sessions, one process) and each
language's `vrp-session-check` (sessions only, on typed or parsed events) on its stream, printing
events/s and peak memory, and whether each agrees with the Python validator's findings.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.behaviour._checkers import CHECKERS, case_args, expected  # noqa: E402 - after the path insert
from tests.behaviour.streamgen import SEED  # noqa: E402


def _run(cmd: list[str]) -> tuple[float, float, list[str]]:
    """Run `cmd`; return (wall seconds, peak RSS in MB, stdout lines)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in {0, 1}:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise SystemExit(f"{cmd[:3]} failed ({code}): {err[-500:]}")
        out.seek(0)
        return wall, usage.ru_maxrss / 1024, out.read().decode("utf-8").splitlines()


def main() -> int:
    """Generate, run every checker, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vrp-behaviour-bench-") as tmp:
        folder = Path(tmp) / "case"
        # In a child process: a large parent would inflate every child's peak RSS (fork).
        gen = [sys.executable, "-m", "tests.behaviour.streamgen", str(folder)]
        gen += ["--events", str(args.events), "--seed", str(args.seed)]
        subprocess.run(gen, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        case = json.loads((folder / "case.json").read_text("utf-8"))
        stream = folder / "fail.jsonl"
        want = expected(folder)
        rows = []
        py = [sys.executable, "-m", "vrp_contract", "validate", "--format", "jsonl", "-j", "1"]
        wall, rss, _ = _run([*py, str(stream)])
        rows.append(("python validate (schema + sessions)", wall, rss, "reference"))
        for name, build in CHECKERS.items():
            command = build(Path(tmp))
            wall, rss, lines = _run([*command, *case_args(case, Path(tmp)), str(stream)])
            got = [json.loads(x) for x in lines]
            keys = [(f["line"], f["rule"], f["session_id"], f["pointer"]) for f in got]
            rows.append((f"{name} vrp-session-check", wall, rss, str(keys == want)))
    print(f"{args.events:,} events, {len(want):,} findings")
    print(f"{'checker':40} {'events/s':>12} {'peak MB':>9}  agrees")
    for name, wall, rss, agrees in rows:
        print(f"{name:40} {args.events / wall:>12,.0f} {rss:>9.1f}  {agrees}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
