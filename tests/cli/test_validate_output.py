"""`validate` writes findings to a regular file through a big buffer: the same bytes, at once."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from typing import TYPE_CHECKING

from vrp_contract.cli._io import IO
from vrp_contract.cli.validate_cmd import FILE_BUFFER, _to_file

if TYPE_CHECKING:
    from pathlib import Path

CLI = [sys.executable, "-m", "vrp_contract", "validate", "-j", "1"]
EVENT = '{"ts_ms":"1700000000000","event_type":"SESSION_CREATED","session_id":"s-é%d"}'


def _broken(path: Path, lines: int) -> None:
    """Lines that each give findings, cut lines among them: several MiB of output."""
    rows = [(EVENT % n)[: (n % 3 + 1) * 30] if n % 4 == 0 else EVENT % n for n in range(lines)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_a_regular_file_gets_the_bytes_a_pipe_gets(tmp_path: Path):
    events = tmp_path / "broken.jsonl"
    _broken(events, 12_000)
    for fmt in ("jsonl", "text"):
        piped = subprocess.run(
            [*CLI, "--format", fmt, str(events)], capture_output=True, check=False, timeout=120
        )
        target = tmp_path / f"out.{fmt}"
        with target.open("wb") as out:
            to_file = subprocess.run(
                [*CLI, "--format", fmt, str(events)],
                stdout=out,
                stderr=subprocess.PIPE,
                check=False,
                timeout=120,
            )
        assert piped.returncode == to_file.returncode == 1
        assert len(piped.stdout) > 2 * FILE_BUFFER  # the buffer fills and is written many times
        assert target.read_bytes() == piped.stdout
        assert to_file.stderr == piped.stderr


def test_only_a_regular_file_gets_the_big_buffer(tmp_path: Path):
    text = io.StringIO()
    assert _to_file(IO(io.BytesIO(), text, io.StringIO())).stdout is text
    read, write = os.pipe()
    try:
        with open(write, "w", encoding="utf-8", closefd=False) as pipe:
            assert _to_file(IO(io.BytesIO(), pipe, io.StringIO())).stdout is pipe
    finally:
        os.close(read)
        os.close(write)
    with (tmp_path / "out").open("w", encoding="latin-1", errors="replace") as regular:
        regular.write("before ")  # written out before the buffered stream takes over
        buffered = _to_file(IO(io.BytesIO(), regular, io.StringIO())).stdout
        assert buffered is not regular
        assert isinstance(buffered, io.TextIOWrapper)
        assert (buffered.encoding, buffered.errors) == ("latin-1", "replace")
        assert buffered.fileno() == regular.fileno()
        buffered.write("é€\n")
        buffered.flush()
    assert (tmp_path / "out").read_bytes() == b"before \xe9?\n"
