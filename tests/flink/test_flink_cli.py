"""`vrp-contract flink run` refuses a wrong command line: one line, exit 2, before any job."""

from __future__ import annotations

import pytest

from tests._support import run_cli

pytest.importorskip("pyflink", reason="the flink extra is not installed (make setup-flink)")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--output-dir", "{out}"], "give input files or --input-topic"),
        (["{file}", "--input-topic", "t", "--bootstrap", "h:1", "--output-dir", "{out}"], "one of"),
        (["{file}"], "give --output-dir or --output-topic"),
        (["--input-topic", "t", "--output-dir", "{out}"], "needs --bootstrap"),
        (["{file}", "--output-dir", "{out}", "--order", "event-time"], "--input-topic only"),
        (["{file}", "--output-dir", "{out}", "--bounded"], "--input-topic only"),
        (["{file}", "--output-dir", "{full}"], "is not empty"),
        (["{missing}", "--output-dir", "{out}"], "missing.jsonl: does not exist"),
        (["{file}", "--output-dir", "{out}", "--policy", "{missing}"], "cannot read the policy"),
        (["{file}", "--output-dir", "{out}", "-p", "0"], "--parallelism must be at least 1"),
    ],
)
def test_a_wrong_command_line_is_one_line_and_exit_2(tmp_path, args, says):
    (tmp_path / "in.jsonl").write_text(
        '{"ts_ms":1,"event_type":"SESSION_CREATED","session_id":"s"}\n'
    )
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("")
    places = {
        "file": str(tmp_path / "in.jsonl"),
        "out": str(tmp_path / "out"),
        "full": str(tmp_path / "full"),
        "missing": str(tmp_path / "missing.jsonl"),
    }
    run = run_cli("flink", "run", *(a.format(**places) for a in args))
    assert run.code == 2, run.err
    assert run.err.count("\n") == 1, run.err
    assert says in run.err
    assert not (tmp_path / "out").exists()
