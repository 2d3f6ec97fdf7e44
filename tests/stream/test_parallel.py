"""`--jobs N` gives exactly the findings, in exactly the order, of `--jobs 1`."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests._support import ROOT, run_cli
from tests.stream.fuzz import lines as fuzz_lines
from vrp_contract.stream.reader import InputError

if TYPE_CHECKING:
    from collections.abc import Iterator


def _write(path: Path, lines: list[bytes]) -> str:
    path.write_bytes(b"".join(lines))
    return str(path)


@pytest.mark.parametrize("jobs", [2, 3])
def test_jobs_match_one_process(tmp_path: Path, jobs: int):
    first = _write(tmp_path / "a.jsonl", fuzz_lines(6000, seed=1))
    second = _write(tmp_path / "b.jsonl", fuzz_lines(6000, seed=2))
    demo = str(ROOT / "examples" / "demo.jsonl")
    args = ["validate", "--format", "jsonl", first, demo, second]
    one = run_cli(*args)
    many = run_cli(*args, "--jobs", str(jobs))
    assert many.code == one.code == 1
    assert many.out == one.out
    assert many.out.count("\n") > 1000
    text_one = run_cli("validate", first, demo, second).out
    text_many = run_cli("validate", "-j", str(jobs), first, demo, second).out
    assert "\nFAILED: 12,022 lines" in text_one
    assert text_many == text_one


def test_jobs_report_input_errors(tmp_path: Path):
    missing = run_cli("validate", "-j", "2", str(tmp_path / "nope.jsonl"))
    assert missing.code == 2
    assert "does not exist" in missing.err


def test_small_chunks_and_no_final_newline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from vrp_contract.stream import reader  # noqa: PLC0415

    monkeypatch.setattr(reader, "_BLOCK", 64)  # many chunks, lines cut across reads
    lines = fuzz_lines(300, seed=3)
    lines[-1] = lines[-1].rstrip(b"\r\n")
    path = _write(tmp_path / "c.jsonl", lines)
    one = run_cli("validate", "--format", "jsonl", path)
    many = run_cli("validate", "--format", "jsonl", "-j", "2", path)
    assert many.out == one.out
    assert (
        run_cli("validate", path).out.splitlines()[-1]
        == (run_cli("validate", "-j", "2", path).out.splitlines()[-1])
    )


def test_long_lines_are_skipped_alike_by_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from vrp_contract.stream import reader  # noqa: PLC0415

    monkeypatch.setattr(reader, "_BLOCK", 256)  # long lines over several reads
    lines = fuzz_lines(400, seed=6)
    for n in range(5, 400, 37):
        lines[n] = lines[n].rstrip(b"\n") + b" " * (150 + 40 * n) + b"\n"
    path = _write(tmp_path / "long.jsonl", lines)
    limit = ["--max-line-bytes", "300"]
    one = run_cli("validate", "--format", "jsonl", *limit, path)
    many = run_cli("validate", "--format", "jsonl", "-j", "3", *limit, path)
    assert many.out == one.out
    too_long = sum(len(line.rstrip(b"\n")) > 300 for line in lines)
    assert one.out.count('"input.line-too-long"') == too_long >= len(range(5, 400, 37))


def test_gzip_files_match_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from vrp_contract.stream import reader  # noqa: PLC0415

    monkeypatch.setattr(reader, "_BLOCK", 4096)  # several chunks per worker
    plain = b"".join(fuzz_lines(2000, seed=4))
    path = tmp_path / "d.jsonl.gz"
    path.write_bytes(gzip.compress(plain))
    one = run_cli("validate", "--format", "jsonl", str(path))
    many = run_cli("validate", "--format", "jsonl", "-j", "3", str(path))
    assert one.code == many.code == 1
    assert many.out == one.out
    assert many.out.count("\n") > 100


def test_a_corrupt_gzip_stops_both_modes_at_the_same_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from vrp_contract.stream import reader  # noqa: PLC0415

    monkeypatch.setattr(reader, "_BLOCK", 2048)
    data = gzip.compress(b"".join(fuzz_lines(3000, seed=5)))
    path = tmp_path / "e.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])  # truncated in the middle
    one = run_cli("validate", "--format", "jsonl", str(path))
    many = run_cli("validate", "--format", "jsonl", "-j", "2", str(path))
    assert one.code == many.code == 2
    assert "cannot read past line" in one.err
    assert many.err == one.err
    assert many.out == one.out  # the findings before the damage are all reported
    assert one.out.count("\n") > 10


@pytest.mark.parametrize("block", [1, 7, 64, 4096])
def test_chunks_hold_exactly_the_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int):
    from vrp_contract.stream import reader  # noqa: PLC0415

    monkeypatch.setattr(reader, "_BLOCK", block)
    data = b'{"a":1}\n\n' + b"x" * 300 + b"\n\r\n" + b"tail without newline"
    path = tmp_path / "f.jsonl"
    path.write_bytes(data)
    for source in reader.open_sources([str(path)], stdin=None):  # type: ignore[arg-type]
        chunks = list(source.chunks())
    assert b"".join(chunks) == data
    assert all(chunk.endswith(b"\n") for chunk in chunks[:-1])
    lines = [line for chunk in chunks for line in reader.split_lines(chunk)]
    assert lines == data.split(b"\n")


def test_stdin_uses_one_process():
    data = (ROOT / "examples" / "demo.jsonl").read_bytes()
    result = run_cli("validate", "-j", "2", "--format", "jsonl", stdin=data)
    assert result.code == 1
    assert len([json.loads(x) for x in result.out.splitlines()]) == 9


def test_jobs_auto_is_one_process_decoding_ahead_on_a_second_core(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from vrp_contract.stream import parallel  # noqa: PLC0415
    from vrp_contract.stream.reader import chunk_count  # noqa: PLC0415

    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1, 2}, raising=False)
    small = tmp_path / "small.jsonl"
    small.write_bytes(b"{}\n")
    big = tmp_path / "big.jsonl"
    with big.open("wb") as handle:
        handle.truncate(32 << 20)  # sparse: the size counts, not the disk
    assert chunk_count(32 << 20) == 8
    for paths in ([small], [big], [small, big], []):
        assert parallel.choose_jobs(0, list(map(str, paths))) == 1  # auto: no workers
    assert parallel.choose_jobs(5, [str(small)]) == 1  # one chunk: workers would only idle
    assert parallel.choose_jobs(5, [str(small), str(small)]) == 2  # one each, no more
    assert parallel.choose_jobs(2, [str(small), str(small)]) == 2
    assert parallel.choose_jobs(4, ["-"]) == 1
    fifo = tmp_path / "p.fifo"
    os.mkfifo(fifo)
    assert parallel.choose_jobs(4, [str(big), str(fifo)]) == 1
    assert parallel.choose_jobs(6, [str(big)]) == 6  # asked for: done
    assert parallel.choose_jobs(20, [str(big)]) == 8  # 8 chunks: never more workers
    assert parallel.decode_ahead_pays([str(big)])
    assert not parallel.decode_ahead_pays([str(small)])  # one chunk: nothing to overlap
    assert not parallel.decode_ahead_pays([str(big), str(fifo)])  # a pipe: lines, not chunks
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    assert not parallel.decode_ahead_pays([str(big)])  # one core: nothing to overlap with


def test_decoding_ahead_loses_no_chunk_before_a_read_error():
    from vrp_contract.stream.parallel import decoded_ahead  # noqa: PLC0415

    def chunks() -> Iterator[bytes]:
        yield b"a"
        yield b"b"
        raise InputError("x: cannot read past line 2")

    got: list[bytes] = []
    with pytest.raises(InputError):
        got.extend(decoded_ahead(bytes.upper, chunks()))
    assert got == [b"A", b"B"]
    assert list(decoded_ahead(bytes.upper, iter([b"a", b"b", b"c"]))) == [b"A", b"B", b"C"]
    assert list(decoded_ahead(bytes.upper, iter([]))) == []


def test_jobs_option_takes_auto_or_a_positive_number():
    assert run_cli("validate", "-j", "auto", str(ROOT / "examples" / "demo.jsonl")).code == 1
    for bad in ("0", "-1", "many"):
        result = run_cli("validate", "-j", bad, str(ROOT / "examples" / "demo.jsonl"))
        assert result.code == 2
        assert result.err.count("\n") == 1


def test_chunk_messages_round_trip_whatever_the_values():
    from vrp_contract.stream.parallel import _decode, _encode  # noqa: PLC0415

    records = [
        ("s1", "STATE_CHANGE", 7, "BIRTH", "ATTACHED"),
        ([("schema.type", "/ts_ms", "The field ...")], None, "s1", "MUTATION_TICK", "x"),
    ]
    assert _decode(_encode(records)) == records  # type: ignore[arg-type]
    beyond = [([("schema.maximum", "/ts_ms", "...")], None, "s", "MUTATION_TICK", 10**30)]
    assert _decode(_encode(beyond)) == beyond  # type: ignore[arg-type]


def test_progress_is_drawn_with_jobs_too(tmp_path: Path):
    path = _write(tmp_path / "h.jsonl", fuzz_lines(3000, seed=7))
    one = run_cli("validate", "--progress", "always", path)
    many = run_cli("validate", "--progress", "always", "-j", "2", path)
    assert "3,000 lines" in one.err
    assert "3,000 lines" in many.err
    assert many.out == one.out


@pytest.mark.parametrize("how", ["interrupt", "head"])
def test_stopping_early_leaves_no_traceback(tmp_path: Path, how: str):
    path = tmp_path / "big.jsonl"
    path.write_bytes((ROOT / "examples" / "demo.jsonl").read_bytes() * 20_000)  # 440,000 lines
    cmd = [sys.executable, "-m", "vrp_contract", "validate", "-j", "2", str(path)]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline()  # running, workers started
    if how == "interrupt":
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
    else:
        proc.stdout.close()  # like `| head -1`
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err
    assert proc.returncode == (130 if how == "interrupt" else 1)  # errors were found: not 0


def test_a_growing_file_is_read_as_it_was_when_the_run_began(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from vrp_contract.stream import reader  # noqa: PLC0415

    monkeypatch.setattr(reader, "_BLOCK", 1024)
    lines = fuzz_lines(2000, seed=8)
    head = b"".join(lines[:1500])
    path = tmp_path / "growing.jsonl"
    path.write_bytes(head)
    expected = run_cli("validate", "--format", "jsonl", str(path)).out
    real_open = reader.open_sources

    def open_then_grow(paths: list[str], stdin: object, *limit: int) -> object:
        for source in real_open(paths, stdin, *limit):  # type: ignore[arg-type]
            yield source
            with path.open("ab") as more:  # the producer appends while workers read
                more.write(b"".join(lines[1500:]))

    from vrp_contract.stream import parallel  # noqa: PLC0415

    monkeypatch.setattr(parallel, "open_sources", open_then_grow)
    grown = run_cli("validate", "--format", "jsonl", "-j", "2", str(path))
    assert grown.out == expected


def _children(pid: int) -> list[int]:
    try:
        text = (Path("/proc") / str(pid) / "task" / str(pid) / "children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _gone(pid: int) -> bool:
    """The process has ended (a zombie left for whoever adopted it counts as ended)."""
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in {"Z", "X"}


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_workers_end_when_the_parent_is_killed(tmp_path: Path):
    """`kill -9`, a container stop: the workers must not block forever on their full pipes."""
    line = b'{"ts_ms":1,"event_type":"MUTATION_TICK","session_id":"s","details":{"tick":1}}\n'
    path = tmp_path / "big.jsonl"
    path.write_bytes(line * 500_000)  # 40 MB: ten chunks, more than the pipes hold
    cmd = [sys.executable, "-m", "vrp_contract", "validate", "-j", "2", "-q", str(path)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        for _ in range(200):  # the workers start after the imports: up to 20 s on a busy machine
            workers = _children(proc.pid)
            if len(workers) == 2:
                break
            time.sleep(0.1)
        assert len(workers) == 2, "the workers did not start"
        os.kill(proc.pid, signal.SIGSTOP)  # the parent stops reading: the pipes fill up
        time.sleep(1.5)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 30
        while not all(map(_gone, workers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert all(map(_gone, workers)), "a worker outlived its parent"
    finally:
        for pid in [proc.pid, *workers]:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
