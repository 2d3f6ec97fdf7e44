"""Benchmark `vrp-contract validate` against peers, each as a whole process on the same file.

Usage: python bench/run.py [--events N] [--sessions K] [--seed S] [--skip-slow] [--memory]

Generates a seeded stream (bench/gen_stream.py; thousands of interleaved sessions, ~2% broken
lines), bundles the schema, installs ajv from the npm registry (bench/node, pinned by its lock
file), then times every peer and prints events/s, ratios and peak memory (max RSS of the
process). `--memory` also streams 10M events with 2,000 open sessions and reports peak memory.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable

QUICK, REPEATS = 30.0, 5
"""A tool that finishes in under QUICK seconds runs REPEATS times; the table shows the median."""

PY_PEERS = {  # name: (what it checks, script in bench/peers/)
    "orjson parse only (floor)": ("parse", "orjson_parse.py"),
    "jsonschema (python)": ("schema", "jsonschema_check.py"),
    "fastjsonschema": ("schema", "fastjsonschema_check.py"),
    "jsonschema-rs": ("schema", "jsonschema_rs_check.py"),
}


def _run(cmd: list[str]) -> tuple[float, float]:
    """Run `cmd` to completion; return (wall seconds, peak RSS in MB of it and its children)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / 1024
    if proc.returncode not in {0, 1}:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{cmd[:3]} failed ({proc.returncode}): {err[-500:]}")
    return wall, peak


def _ajv() -> list[str] | None:
    node_dir = HERE / "node"
    if shutil.which("node") is None or shutil.which("npm") is None:
        return None
    if not (node_dir / "node_modules" / "ajv").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=node_dir, check=True)
    return ["node", str(node_dir / "ajv_validate.mjs")]


def main() -> None:
    """Generate, run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--sessions", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-slow", action="store_true", help="skip pure-Python jsonschema")
    parser.add_argument("--memory", action="store_true", help="also run the 10M-event memory test")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="vrp-bench-"))
    events, schema = tmp / "events.jsonl", tmp / "bundle.json"
    gen = [PY, str(HERE / "gen_stream.py"), str(events), "--events", str(args.events)]
    subprocess.run([*gen, "--sessions", str(args.sessions), "--seed", str(args.seed)], check=True)
    with schema.open("w") as out:
        subprocess.run([PY, "-m", "vrp_contract", "schema"], stdout=out, check=True)
    cli = [PY, "-m", "vrp_contract", "validate", "-q"]
    runs: list[tuple[str, str, list[str]]] = [
        (name, what, [PY, str(HERE / "peers" / script), str(schema), str(events)])
        for name, (what, script) in PY_PEERS.items()
        if not (args.skip_slow and name.startswith("jsonschema (python)"))
    ]
    ajv = _ajv()
    if ajv:
        runs.append(("ajv 8 (node)", "schema", [*ajv, str(schema), str(events)]))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    runs += [
        ("vrp-contract validate -j 1", "schema+invariants", [*cli, "-j", "1", str(events)]),
        (
            f"vrp-contract validate (default: -j auto = {cores})",
            "schema+invariants",
            [*cli, str(events)],
        ),
    ]
    results = {}
    with events.open("rb") as warm:  # settle the page cache: every tool reads a cached file
        while warm.read(1 << 20):  # small reads: a forked child starts with this process's RSS
            pass
    for name, what, cmd in runs:
        walls, peaks = [], []
        while not walls or (walls[0] < QUICK and len(walls) < REPEATS):
            wall, peak = _run(cmd)  # quick tools run several times: the median is shown
            walls.append(wall)
            peaks.append(peak)
        results[name] = (what, statistics.median(walls), max(peaks))
        print(f"  ran {name}: {', '.join(f'{w:.2f}' for w in walls)} s", file=sys.stderr)
    ajv_rate = args.events / results["ajv 8 (node)"][1] if ajv else None
    js = results.get("jsonschema (python)")
    print(
        f"\n{args.events:,} events, {args.sessions:,} open sessions, seed {args.seed}; "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}\n"
    )
    print("| tool | checks | seconds | events/s | vs ajv | vs jsonschema | peak RSS MB |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, (what, wall, peak) in results.items():
        rate = args.events / wall
        vs_ajv = f"{rate / ajv_rate:.2f}x" if ajv_rate else "n/a"
        vs_js = f"{js[1] / wall:.1f}x" if js else "n/a"
        print(f"| {name} | {what} | {wall:.2f} | {rate:,.0f} | {vs_ajv} | {vs_js} | {peak:.0f} |")
    print(
        "| check-jsonschema | n/a | - | - | - | - | - |  (validates whole JSON/YAML "
        "documents, not JSON Lines: not applicable)"
    )
    if args.memory:
        big = tmp / "big.jsonl"
        subprocess.run(
            [
                PY,
                str(HERE / "gen_stream.py"),
                str(big),
                "--events",
                "10000000",
                "--sessions",
                "2000",
            ],
            check=True,
        )
        wall, peak = _run([*cli, str(big)])
        print(f"\n10,000,000 events, 2,000 open sessions: {wall:.1f} s, peak RSS {peak:.0f} MB")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
