"""The validate command's rough edges: stdin on a terminal, binary and empty input, BOM, -q."""

from __future__ import annotations

import io
import json
import random
import re
from typing import TYPE_CHECKING

import pytest

from tests._support import ROOT, run_cli
from vrp_contract.cli import _COMMANDS, main
from vrp_contract.cli._io import IO
from vrp_contract.cli.validate_cmd import NOT_JSONL_RUN

if TYPE_CHECKING:
    from pathlib import Path

DEMO = str(ROOT / "examples" / "demo.jsonl")
CREATED = b'{"ts_ms":1,"event_type":"SESSION_CREATED","session_id":"s"}\n'
NOTE = "does not look like JSON Lines"


class _TerminalStdin(io.BytesIO):
    def isatty(self) -> bool:
        return True


def _on_terminal(*args: str, typed: bytes) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["validate", *args], IO(_TerminalStdin(typed), out, err))
    return code, out.getvalue(), err.getvalue()


def test_reading_stdin_from_a_terminal_says_so_first():
    code, out, err = _on_terminal(typed=CREATED)
    assert code == 0
    assert err.splitlines()[0] == (
        "vrp-contract validate: note: reading JSON Lines from standard input (the terminal); "
        "type or paste events, end with Ctrl-D, or pass a file: vrp-contract validate FILE.jsonl"
    )
    assert out.startswith("OK: 1 line")
    _, _, explicit = _on_terminal("-", typed=CREATED)
    assert "reading JSON Lines from standard input" in explicit
    _, _, with_file = _on_terminal(DEMO, typed=b"")
    assert "standard input" not in with_file
    assert "standard input" not in run_cli("validate", stdin=CREATED).err  # a pipe


def _binary(lines: int, seed: int = 7) -> bytes:
    rnd = random.Random(seed)
    body = [bytes([0xFF, *(rnd.randrange(128, 256) for _ in range(30))]) for _ in range(lines)]
    return b"\n".join(body) + b"\n"


def test_binary_input_is_said_once_not_to_be_json_lines_and_every_line_counts(tmp_path: Path):
    path = tmp_path / "blob.bin"
    path.write_bytes(_binary(300))
    result = run_cli("validate", "--format", "jsonl", str(path))
    assert result.code == 1
    findings = [json.loads(x) for x in result.out.splitlines()]
    assert len(findings) == 300
    assert {f["rule"] for f in findings} == {"input.not-utf8"}
    assert result.err.count(NOTE) == 1
    assert f"{path}: lines 1 to {NOT_JSONL_RUN} are not JSON" in result.err
    text = run_cli("validate", str(path))
    assert "FAILED: 300 lines (0 valid, 300 invalid)" in text.out


def test_the_note_comes_once_per_input_and_also_with_workers(tmp_path: Path):
    first, second = tmp_path / "a.bin", tmp_path / "b.bin"
    first.write_bytes(_binary(50, 1))
    second.write_bytes(CREATED + _binary(50, 2))
    for jobs in ("1", "2"):
        result = run_cli("validate", "-j", jobs, str(first), str(second))
        assert result.err.count(NOTE) == 2, jobs
        assert f"{second}: lines 2 to {NOT_JSONL_RUN + 1} are not JSON" in result.err
        assert "101 lines (1 valid, 100 invalid)" in result.out


def test_a_few_bad_lines_among_events_are_no_binary_input():
    bad = b"not json\n" * (NOT_JSONL_RUN - 1)
    result = run_cli("validate", stdin=CREATED + bad + CREATED.replace(b'"s"', b'"t"') + bad)
    assert result.code == 1
    assert NOTE not in result.err


def test_empty_input_warns_but_is_not_an_error(tmp_path: Path):
    result = run_cli("validate", stdin=b"")
    assert result.code == 0
    assert result.err == (
        "vrp-contract validate: warning: the input (stdin) holds no lines: nothing was validated.\n"
    )
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert f"the input ({empty}) holds no lines" in run_cli("validate", str(empty)).err
    assert "holds no lines" not in run_cli("validate", stdin=CREATED).err


def test_a_byte_order_mark_is_explained_for_people():
    result = run_cli("validate", "--format", "jsonl", stdin=b"\xef\xbb\xbf" + CREATED)
    [finding] = [json.loads(x) for x in result.out.splitlines()]
    assert finding["rule"] == "input.not-json"
    assert finding["message"] == (
        "The line starts with a byte order mark (BOM, bytes EF BB BF), which JSON Lines does not "
        "allow; save the file as UTF-8 without BOM."
    )
    assert "utf-8-sig" not in result.out


def test_the_rule_table_has_a_header():
    lines = run_cli("validate", DEMO).out.splitlines()
    verdict = next(i for i, x in enumerate(lines) if x.startswith("FAILED: "))
    assert lines[verdict + 1].split() == ["findings", "rule"]
    rows = lines[verdict + 2 :]
    assert rows
    assert all(re.fullmatch(r"\s+\d[\d,]*  [a-z.-]+", row) for row in rows)


def test_quiet_is_visibly_quieter_on_the_demo():
    loud = run_cli("validate", DEMO).out.splitlines()
    quiet = run_cli("validate", "-q", DEMO).out.splitlines()
    assert len(quiet) < len(loud)
    assert quiet[-1].startswith("FAILED: 22 lines")
    assert all(": error " in line for line in quiet[:-1])
    assert not any(line.startswith(" ") for line in quiet)  # no rule table
    warned = run_cli("validate", "-q", stdin=b"\n" + CREATED)
    assert warned.code == 0
    assert warned.out == ""  # a warning only: nothing to say


@pytest.mark.parametrize("command", ["validate", "compat", "schema", "vendor"])
def test_help_lists_exit_codes_and_the_default_format(command: str):
    result = run_cli(command, "--help")
    assert result.code == 0
    text = result.out
    assert "exit codes:" in text
    assert re.search(r"^  0  ", text, re.MULTILINE)
    assert re.search(r"^  2  usage, input or output error", text, re.MULTILINE)
    assert re.search(r"^  130  interrupted \(Ctrl-C\)$", text, re.MULTILINE)
    if command != "schema":
        assert re.search(r"^default format( \(--check\))?: text$", text, re.MULTILINE)


def test_no_command_names_the_commands():
    result = run_cli()
    assert result.code == 2
    names = ", ".join(_COMMANDS)
    assert result.err == (
        "vrp-contract: error: the following arguments are required: COMMAND "
        f"({names}; see vrp-contract --help)\n"
    )
    assert names.startswith("validate, schema, compat")


def test_a_mistyped_option_gets_the_closest_one_in_one_line():
    result = run_cli("validate", "--formt", "jsonl", "-")
    assert result.code == 2
    assert result.err == (
        "vrp-contract: error: validate: unrecognized arguments: --formt (did you mean --format?)\n"
    )
    far = run_cli("schema", "--zzz")
    assert far.err == "vrp-contract: error: schema: unrecognized arguments: --zzz\n"
