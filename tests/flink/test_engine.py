"""The Flink job on a real mini-cluster and a real Kafka broker gives exactly the findings of
`vrp-contract validate` on the same input, as (session, rule, event) triples.

Two engine jobs only (each costs 15-20 s of start-up): JSONL files to JSONL files (BATCH), and
Kafka topic to Kafka topic (STREAMING, transactional sink, read_committed consumer).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.flink import streams

pyflink = pytest.importorskip(
    "pyflink", reason="the flink extra is not installed (make setup-flink)"
)
kafka = pytest.importorskip("confluent_kafka", reason="the flink extra is not installed")


from tests.flink.kafka_helpers import consume, create_topics, produce  # noqa: E402
from vrp_contract.flink.job import connector_jar  # noqa: E402
from vrp_contract.flink.logic import LATE_RULE  # noqa: E402

if shutil.which("java") is None:
    pytest.skip("java is not installed", allow_module_level=True)
try:
    connector_jar()
except FileNotFoundError as exc:  # pragma: no cover - depends on the machine
    if os.environ.get("VRP_REQUIRE_TOOLCHAINS") == "1":
        raise
    pytest.skip(str(exc), allow_module_level=True)

JOB_TIMEOUT_S = 600


def _flink(*args: str) -> subprocess.CompletedProcess[str]:
    """`vrp-contract flink ...` in its own process, as a user runs it (the JVM ends with it)."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "vrp_contract", "flink", *args],
        capture_output=True,
        text=True,
        timeout=JOB_TIMEOUT_S,
        check=False,
    )
    print(f"flink {args[0]} job: {time.monotonic() - started:.1f} s")
    return done


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("engine")
    cases = streams.write_cases(root / "cases.jsonl")
    generated = streams.write_generated(root / "generated.jsonl")
    expected, count = streams.validate_findings(cases, generated)
    assert len(expected) > 200
    return cases, generated, expected, count


def _read_dir(out: Path) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for path in sorted(out.rglob("*.jsonl")):
        events.extend(json.loads(line) for line in path.read_text("utf-8").splitlines())
    return events


def test_files_job_gives_the_findings_of_validate(inputs, tmp_path):
    cases, generated, expected, count = inputs
    long_lines = tmp_path / "long.jsonl"  # a line over --max-line-bytes, skipped as validate does
    long_lines.write_bytes(
        b'{"ts_ms":1,"event_type":"SESSION_CREATED","session_id":"long-1"}\n'
        + b"x" * (2 << 20)
        + b'\n{"ts_ms":2,"event_type":"MUTATION_TICK","session_id":"long-1"}\n'
    )
    files = [str(cases), str(generated), str(long_lines)]
    limit = ["--max-line-bytes", str(1 << 20)]
    out = tmp_path / "audit"
    run = _flink("run", *files, *limit, "--output-dir", str(out), "-p", "2")
    assert run.returncode == 1, run.stderr[-3000:]
    events = _read_dir(out)
    assert f"{len(events):,} AUDIT_EVENTs" in run.stderr
    assert len(events) == count + 1  # no duplicate either
    skipped = [e for e in events if "input.line-too-long" in json.dumps(e)]
    assert len(skipped) == 1
    assert streams.audit_triples([e for e in events if e not in skipped]) == expected
    # the same audit stream as `validate --format events`, event for event
    one = subprocess.run(
        [sys.executable, "-m", "vrp_contract", "validate", "-f", "events", *limit, *files],
        capture_output=True,
        check=False,
    )
    ours = sorted(json.dumps(event, sort_keys=True) for event in events)
    theirs = [json.dumps(json.loads(x), sort_keys=True) for x in one.stdout.splitlines()]
    assert ours == sorted(theirs)


def _partition_clocks(where: dict[Any, tuple[str, int]]) -> dict[Any, tuple[Any, int]]:
    """(path, line) -> (its ts_ms, the largest ts_ms before it in its partition)."""
    lines: dict[str, list[tuple[int, str, int]]] = {}
    for (source, offset), (path, number) in where.items():
        lines.setdefault(source, []).append((offset, path, number))
    texts: dict[str, list[bytes]] = {}
    out: dict[Any, tuple[Any, int]] = {}
    for placed in lines.values():
        top = -1
        for _, path, number in sorted(placed):
            if path not in texts:
                texts[path] = Path(path).read_bytes().split(b"\n")
            try:
                ts = json.loads(texts[path][number - 1]).get("ts_ms")
            except (ValueError, AttributeError):
                ts = None
            if isinstance(ts, float) and ts.is_integer():
                ts = int(ts)  # a whole float is an integer to JSON Schema, and to the fold
            ts = ts if isinstance(ts, int) and not isinstance(ts, bool) else None
            out[(path, number)] = (ts, top)
            if ts is not None:
                top = max(top, ts)
    return out


def test_kafka_job_topic_to_topic_gives_the_findings_of_validate(inputs, kafka_bootstrap):
    cases, generated, expected, count = inputs
    name = uuid.uuid4().hex[:8]
    topic_in, topic_out = f"events-{name}", f"audit-{name}"
    create_topics(kafka_bootstrap, (topic_in, 2), (topic_out, 1))
    where = produce(kafka_bootstrap, topic_in, [cases, generated])
    started_ms = int(time.time() * 1000)
    run = _flink(
        "run",
        "--bootstrap",
        kafka_bootstrap,
        "--input-topic",
        topic_in,
        "--output-topic",
        topic_out,
        "--bounded",
        "--checkpoint-ms",
        "1000",
        "-p",
        "2",
    )
    assert run.returncode == 0, run.stderr[-3000:]
    stamps: list[int] = []
    events = consume(kafka_bootstrap, topic_out, count, stamps)
    # audit records carry the time they were written, never the event time (ts_ms of 2023):
    # the broker's time-based segment rolling and retention would delete them at once
    assert min(stamps) >= started_ms - 1_000, (min(stamps), started_ms)
    found = streams.audit_triples(events, where)
    late = {t for t in found if t[1] == LATE_RULE}
    assert sorted(found - late - expected, key=str) == []
    assert sorted(expected - found, key=str) == []
    assert len(events) == count + len(late)  # exactly once: none lost, none twice
    # every late report is justified: the event's ts_ms is behind the out-of-orderness bound
    # (60 s) of an event that came before it in its own partition (the watermark is lower still)
    # (whether an event is behind the watermark depends on when the periodic watermark was sent:
    # the followed-topic test below makes one late for certain)
    clock = _partition_clocks(where)
    for _, _, place in late:
        ts, before = clock[place]
        assert ts is not None, place
        assert ts < before - 60_000, (place, ts, before)


def _lines(*events: dict[str, Any]) -> bytes:
    return b"".join(json.dumps(event).encode() + b"\n" for event in events)


def test_a_followed_topic_reports_a_silent_session_once_and_frees_it(kafka_bootstrap, tmp_path):
    t0 = 1_700_000_000_000
    name = uuid.uuid4().hex[:8]
    topic_in, topic_out = f"events-{name}", f"audit-{name}"
    create_topics(kafka_bootstrap, (topic_in, 1), (topic_out, 1))
    first = tmp_path / "first.jsonl"
    first.write_bytes(
        _lines(
            {"ts_ms": t0, "event_type": "SESSION_CREATED", "session_id": "quiet"},
            {"ts_ms": t0 + 1_000, "event_type": "MUTATION_TICK", "session_id": "quiet"},
            {"ts_ms": t0 + 2_000, "event_type": "SESSION_CREATED", "session_id": "ended"},
            {
                "ts_ms": t0 + 3_000,
                "event_type": "STATE_CHANGE",
                "session_id": "ended",
                "reason_code": "R",
                "details": {"from_state": "BIRTH", "to_state": "TERMINATED"},
            },
            {"ts_ms": t0 + 4_000, "event_type": "SESSION_CREATED", "session_id": "busy"},
            # an hour later: the watermark passes the idle timers of `quiet` and `ended`
            {"ts_ms": t0 + 3_600_000, "event_type": "MUTATION_TICK", "session_id": "busy"},
        )
    )
    where = produce(kafka_bootstrap, topic_in, [first])
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "vrp_contract", "flink", "run", "-p", "1"),
            *("--bootstrap", kafka_bootstrap, "--input-topic", topic_in),
            *("--output-topic", topic_out, "--checkpoint-ms", "1000"),
            *("--idle-timeout-ms", "600000", "--out-of-orderness-ms", "1000"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its JVM too: stopped below by the group id of this process
    )
    try:
        audits = consume(kafka_bootstrap, topic_out, 1)
        assert [(a["reason_code"], a["session_id"]) for a in audits] == [
            ("session.idle-timeout", "quiet")
        ]
        assert where[(audits[0]["details"]["source"], audits[0]["details"]["line"])][1] == 2
        # its state is gone: a later event of it is the first of a session never created
        later = tmp_path / "later.jsonl"
        # and an event of `busy` from before the idle timer that fired: behind the watermark
        later.write_bytes(
            _lines(
                {"ts_ms": t0 + 3_600_001, "event_type": "MUTATION_TICK", "session_id": "quiet"},
                {"ts_ms": t0 + 5_000, "event_type": "MUTATION_TICK", "session_id": "busy"},
            )
        )
        produce(kafka_bootstrap, topic_in, [later])
        audits = consume(kafka_bootstrap, topic_out, 4)
        assert (audits[0]["reason_code"], audits[0]["session_id"]) == (
            "session.idle-timeout",
            "quiet",
        )
        assert sorted((a["reason_code"], a["session_id"]) for a in audits[1:]) == [
            ("session.created-first", "quiet"),
            ("session.ts-monotonic", "busy"),
            (LATE_RULE, "busy"),
        ]
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        if proc.stderr:
            proc.stderr.close()


def test_event_time_order_folds_each_session_by_ts_within_the_bound(kafka_bootstrap, tmp_path):
    shuffled = streams.write_shuffled(tmp_path / "shuffled.jsonl")
    ordered, origin = streams.in_event_time_order(shuffled, tmp_path / "ordered.jsonl")
    # what `validate` finds once each session is in ts_ms order, named by the shuffled lines
    expected = {
        (sid, rule, (str(shuffled), origin[line]))
        for sid, rule, (_, line) in streams.validate_triples(ordered)
    }
    in_arrival_order = streams.validate_triples(shuffled)
    assert "session.ts-monotonic" in {rule for _, rule, _ in in_arrival_order - expected}
    name = uuid.uuid4().hex[:8]
    topic_in, topic_out = f"events-{name}", f"audit-{name}"
    create_topics(kafka_bootstrap, (topic_in, 2), (topic_out, 1))
    where = produce(kafka_bootstrap, topic_in, [shuffled])
    run = _flink(
        *("run", "--bootstrap", kafka_bootstrap, "--input-topic", topic_in, "--bounded"),
        *("--output-topic", topic_out, "--checkpoint-ms", "1000", "-p", "2"),
        *("--order", "event-time", "--out-of-orderness-ms", "600000"),
    )
    assert run.returncode == 0, run.stderr[-3000:]
    events = consume(kafka_bootstrap, topic_out, len(expected))
    found = streams.audit_triples(events, where)
    assert sorted(found - expected, key=str) == []
    assert sorted(expected - found, key=str) == []
    assert len(events) == len(expected)
