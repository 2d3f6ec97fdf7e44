"""The reader cuts every input into the same lines, whatever its block size and kind, and skips
lines over `--max-line-bytes` unkept (each one a `LongLine` in its place)."""

from __future__ import annotations

import gzip
import io
import os
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests._support import run_cli
from vrp_contract.flink.units import plan_units, read_unit
from vrp_contract.stream import reader
from vrp_contract.stream.reader import LongLine, Source, open_sources, read_lines, split_lines
from vrp_contract.stream.session import SessionTracker

if TYPE_CHECKING:
    from pathlib import Path


def _expected(content: bytes, limit: int) -> list[bytes | tuple[int, int]]:
    lines = content.split(b"\n")
    if not lines[-1]:
        lines.pop()
    return [(len(x), limit) if limit and len(x) > limit else x for x in lines]


def _got(source: Source) -> list[bytes | tuple[int, int]]:
    return [
        (line.size, line.limit) if line.__class__ is LongLine else bytes(line)
        for chunk in source.chunks()
        for line in split_lines(chunk)
    ]


@settings(max_examples=400, deadline=None)
@given(
    content=st.lists(st.sampled_from([b"a", b"bb", b"\n", b"\r", b"{}"]), max_size=80).map(
        b"".join
    ),
    block=st.integers(1, 12),
    limit=st.integers(0, 9),
)
def test_files_pipes_and_gzip_give_the_same_lines(content: bytes, block: int, limit: int) -> None:
    expected = _expected(content, limit)
    old = reader._BLOCK
    reader._BLOCK = block
    try:
        file = Source("f", io.BytesIO(content), len(content), max_line=limit)
        pipe = Source("-", io.BufferedReader(io.BytesIO(content)), None, max_line=limit)
        packed = gzip.GzipFile(fileobj=io.BytesIO(gzip.compress(content)), mode="rb")
        zipped = Source("z", packed, 1, max_line=limit)  # type: ignore[arg-type]
        assert _got(file) == expected
        assert _got(pipe) == expected
        assert _got(zipped) == expected
    finally:
        reader._BLOCK = old


def test_a_long_line_across_many_blocks_is_skipped_not_kept(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    with path.open("wb") as out:
        out.write(b'{"a":1}\n')
        out.write(b"x" * (9 << 20) + b"\n")  # 9 MiB: over two 4 MiB blocks
        out.write(b'{"b":2}\n')
    got = [_got(source) for source in open_sources([str(path)], None, 1 << 20)]  # type: ignore[arg-type]
    assert got == [[b'{"a":1}', (9 << 20, 1 << 20), b'{"b":2}']]


def test_a_stream_with_no_newline_runs_in_bounded_memory() -> None:
    """`validate /dev/zero`: no newline ever; the reader skips it at constant memory, forever."""
    if not os.path.exists("/dev/zero"):  # noqa: PTH110
        pytest.skip("no /dev/zero here")
    command = [sys.executable, "-m", "vrp_contract", "validate", "--max-line-bytes", "1048576"]
    proc = subprocess.Popen(
        [*command, "/dev/zero"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        peak = 0
        for _ in range(30):  # it never ends: sample its memory while it reads
            time.sleep(0.1)
            with open(f"/proc/{proc.pid}/status") as status:  # noqa: PTH123
                fields = dict(line.split(":", 1) for line in status)
            assert "VmHWM" in fields, "the validator ended"
            peak = max(peak, int(fields["VmHWM"].split()[0]))
        assert proc.poll() is None
        assert peak < 250_000, f"peak RSS {peak} kB"  # a 1 MiB limit, 1 MiB reads
    finally:
        proc.kill()
        proc.wait()


def test_a_limit_beyond_any_memory_is_no_limit() -> None:
    lines = [b"a" * 100 + b"\n", b"b"]
    for limit in (2**62, 2**63 - 1, 10**30):
        got = list(read_lines(io.BufferedReader(io.BytesIO(b"".join(lines))), limit))
        assert got == lines
    result = run_cli("validate", "--max-line-bytes", str(2**63 - 1), "-", stdin=b'{"a":1}\n')
    assert result.code == 1
    assert "Traceback" not in result.err


def test_the_message_gives_the_length_and_the_limit_in_words(tmp_path: Path) -> None:
    path = tmp_path / "two.jsonl"
    path.write_bytes(b"ab\n")
    result = run_cli("validate", "--max-line-bytes", "1", str(path))
    assert "The line is 2 bytes long, over the limit of 1 byte (--max-line-bytes)" in result.out


def test_a_flink_unit_starting_inside_a_long_line_skips_it_unkept(tmp_path: Path) -> None:
    import tracemalloc  # noqa: PLC0415

    path = tmp_path / "long.jsonl"
    path.write_bytes(b'{"a":1}\n' + b"x" * (80 << 20) + b'\n{"b":2}\n')
    second = [u for u in plan_units([str(path)], 16 << 20) if u.start > 0]
    tracemalloc.start()
    try:
        got = [(n, raw) for unit in second for n, raw in read_unit(unit, 1 << 20)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got == [(3, b'{"b":2}')]  # line 2 belongs to the first unit
    assert peak < 32 << 20, peak  # reads of 4 and 8 MiB, not the 80 MiB line


def test_a_remembered_count_the_memory_cannot_hold_is_refused() -> None:
    from vrp_contract import load_revision  # noqa: PLC0415
    from vrp_contract.stream.policy import load_policy  # noqa: PLC0415

    revision = load_revision()
    for bad in (-1, 2**32):
        with pytest.raises(ValueError, match="remember_terminated must be 0 to 4294967295"):
            SessionTracker(revision, load_policy(revision), remember_terminated=bad)
