"""Benchmark `vrp-contract validate` against peers, each as a whole process on the same files.

Usage: python bench/run.py [--events N] [--broken-events N] [--sessions K] [--seed S]
                           [--repeats R] [--slow-peers] [--memory]

Scenarios (seeded streams from bench/gen_stream.py, thousands of interleaved sessions):

- clean: N events (default 1,000,000), 2% broken lines;
- 30% broken and 100% broken: `--broken-events` events each (default 200,000);
- short sessions: N events in N/2 sessions, each created and terminated (the session table churns),
  compared with the clean stream's long sessions;
- future revision: the clean stream against a test-only revision that uses every keyword family
  revision 0.1 does not (bench/future_revision.py, built in a temporary folder), compared with
  revision 0.1 through the same driver (bench/validate_revision.py).

Peers check the schema only: ajv (boolean verdict), ajv with `allErrors` printing every error as a
JSON line (what explaining costs), and jsonschema-rs (boolean). vrp-contract checks the schema and
every session invariant and prints every finding as a JSON line (`--format jsonl`); it runs in one
process (`-j 1`) and as the default command (`--jobs auto`). Every tool runs `--repeats` times
(median shown); one table of ratios comes from one run.
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
sys.path.insert(0, str(ROOT))

from bench.future_revision import build as build_future  # noqa: E402 - after the path is set

SLOW_PEERS = {  # name: script in bench/peers/ (pure Python: minutes per million events)
    "jsonschema (python)": "jsonschema_check.py",
    "fastjsonschema": "fastjsonschema_check.py",
}


def _run(cmd: list[str]) -> tuple[float, float, float]:
    """Run `cmd` to completion; return wall seconds, peak RSS in MB and CPU seconds.

    CPU seconds are user plus system time, the reaped child processes included.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in {0, 1} or "Traceback" in err:  # 1 is findings, a crash is not
        raise SystemExit(f"{cmd[:3]} failed ({proc.returncode}): {err[-500:]}")
    return wall, peak, cpu


def _node() -> Path | None:
    node_dir = HERE / "node"
    if shutil.which("node") is None or shutil.which("npm") is None:
        return None
    if not (node_dir / "node_modules" / "ajv").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=node_dir, check=True)
    return node_dir


def _generate(path: Path, events: int, args: argparse.Namespace, *extra: str) -> Path:
    gen = [PY, str(HERE / "gen_stream.py"), str(path), "--events", str(events)]
    subprocess.run(
        [*gen, "--sessions", str(args.sessions), "--seed", str(args.seed), *extra], check=True
    )
    with path.open("rb") as warm:  # settle the page cache: every tool reads a cached file
        while warm.read(1 << 20):  # small reads: a forked child starts with this process's RSS
            pass
    return path


class Timer:
    """Runs each command `repeats` times; keeps the median wall and CPU times and the peak RSS."""

    def __init__(self, repeats: int) -> None:
        """Repeat every command `repeats` times."""
        self.repeats = repeats

    def __call__(self, label: str, cmd: list[str]) -> tuple[float, float, float]:
        """Return (median wall seconds, peak RSS MB, median CPU seconds) of `cmd`."""
        walls, peaks, cpus = [], [], []
        for _ in range(self.repeats):
            wall, peak, cpu = _run(cmd)
            walls.append(wall)
            peaks.append(peak)
            cpus.append(cpu)
        shown = ", ".join(f"{w:.2f}" for w in walls)
        print(f"  {label}: {shown} s (CPU {', '.join(f'{c:.2f}' for c in cpus)})", file=sys.stderr)
        return statistics.median(walls), max(peaks), statistics.median(cpus)


def main() -> None:  # noqa: PLR0915 - one straight script
    """Generate the scenarios, run every tool, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--broken-events", type=int, default=200_000)
    parser.add_argument("--sessions", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--slow-peers", action="store_true", help="also pure-Python peers")
    parser.add_argument("--memory", action="store_true", help="also the 10M-event memory test")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="vrp-bench-"))
    timer = Timer(args.repeats)
    schema = tmp / "bundle.json"
    with schema.open("w") as out:
        subprocess.run([PY, "-m", "vrp_contract", "schema"], stdout=out, check=True)
    future = build_future(tmp)
    current = ROOT / "schema" / "v0.1"
    scenarios = {
        "clean (2% broken)": _generate(tmp / "clean.jsonl", args.events, args),
        "30% broken": _generate(tmp / "b30.jsonl", args.broken_events, args, "--broken", "0.3"),
        "100% broken": _generate(tmp / "b100.jsonl", args.broken_events, args, "--broken", "1"),
    }
    short = _generate(tmp / "short.jsonl", args.events, args, "--broken", "0", "--short-sessions")
    long_ = _generate(tmp / "long.jsonl", args.events, args, "--broken", "0")
    node = _node()
    vrp = [PY, "-m", "vrp_contract", "validate", "--format", "jsonl"]
    rows = []
    for name, events in scenarios.items():
        tools: dict[str, list[str]] = {}
        if node is not None:
            tools["ajv"] = ["node", str(node / "ajv_validate.mjs"), str(schema), str(events)]
            tools["ajv allErrors+output"] = [
                *["node", str(node / "ajv_all_errors.mjs"), str(schema), str(events)]
            ]
        peer = HERE / "peers"
        tools["jsonschema-rs"] = [
            PY,
            str(peer / "jsonschema_rs_check.py"),
            str(schema),
            str(events),
        ]
        if args.slow_peers:
            for peer_name, script in SLOW_PEERS.items():
                tools[peer_name] = [PY, str(peer / script), str(schema), str(events)]
        tools["vrp -j 1"] = [*vrp, "-j", "1", str(events)]
        tools["vrp default"] = [*vrp, str(events)]
        times = {tool: timer(f"{name}: {tool}", cmd) for tool, cmd in tools.items()}
        rows.append((name, sum(1 for _ in events.open("rb")), times))
    driver = [PY, str(HERE / "validate_revision.py")]
    rev_01 = timer("revision 0.1 (driver)", [*driver, str(current), "-f", "jsonl", str(long_)])
    rev_02 = timer("future revision (driver)", [*driver, str(future), "-f", "jsonl", str(long_)])
    long_t = timer("long sessions -j 1", [*vrp, "-j", "1", str(long_)])
    short_t = timer("short sessions -j 1", [*vrp, "-j", "1", str(short)])

    print(
        f"\n{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"seed {args.seed}, {args.sessions:,} open sessions, median of {args.repeats} runs\n"
    )
    names = list(rows[0][2])
    print("| scenario | events | " + " | ".join(f"{n} s" for n in names) + " | ", end="")
    print("-j 1 vs ajv | -j 1 vs ajv allErrors+output | default vs ajv | peak RSS MB (-j 1) |")
    print("|---|---:|" + "---:|" * (len(names) + 4))
    for name, count, times in rows:
        cells = " | ".join(f"{times[n][0]:.2f}" for n in names)
        one, default = times["vrp -j 1"][0], times["vrp default"][0]

        def ratio(peer: str, mine: float, times: dict[str, tuple[float, float]] = times) -> str:
            return f"{times[peer][0] / mine:.2f}x" if peer in times else "n/a"

        print(
            f"| {name} | {count:,} | {cells} | {ratio('ajv', one)} | "
            f"{ratio('ajv allErrors+output', one)} | {ratio('ajv', default)} | "
            f"{times['vrp -j 1'][1]:.0f} |"
        )
    print(
        "\nThe same runs in CPU seconds (user + system; on a busy machine the steadier measure):\n"
    )
    print("| scenario | " + " | ".join(f"{n} CPU s" for n in names) + " | ", end="")
    print("-j 1 vs ajv | -j 1 vs ajv allErrors+output |")
    print("|---|" + "---:|" * (len(names) + 2))
    for name, _count, times in rows:
        cells = " | ".join(f"{times[n][2]:.2f}" for n in names)
        one = times["vrp -j 1"][2]
        ajv = f"{times['ajv'][2] / one:.2f}x" if "ajv" in times else "n/a"
        all_ = times.get("ajv allErrors+output")
        print(f"| {name} | {cells} | {ajv} | {f'{all_[2] / one:.2f}x' if all_ else 'n/a'} |")
    print(
        f"\nFuture revision (every keyword family) vs revision 0.1, same {args.events:,} valid "
        f"events, one process: {rev_02[0]:.2f} s vs {rev_01[0]:.2f} s = "
        f"{rev_02[0] / rev_01[0]:.2f}x the time (CPU {rev_02[2]:.2f} s vs {rev_01[2]:.2f} s = "
        f"{rev_02[2] / rev_01[2]:.2f}x; target at most 1.25x)."
    )
    print(
        f"Short sessions ({args.events // 2:,} created and terminated) vs {args.sessions:,} long "
        f"sessions, {args.events:,} valid events each, one process: {short_t[0]:.2f} s vs "
        f"{long_t[0]:.2f} s = {short_t[0] / long_t[0]:.2f}x the time (CPU "
        f"{short_t[2] / long_t[2]:.2f}x; target at most 1.2x); peak "
        f"RSS {short_t[1]:.0f} MB vs {long_t[1]:.0f} MB."
    )
    if args.memory:
        big = _generate(tmp / "big.jsonl", 10_000_000, args)
        wall, peak, _ = _run([*vrp, str(big)])
        sessions = f"{args.sessions:,} open sessions"
        print(f"\n10,000,000 events, {sessions}: {wall:.1f} s, peak RSS {peak:.0f} MB")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
