"""`vrp-contract validate` on a Kafka topic (a real broker): the findings of the same lines in a
file, AUDIT_EVENTs to a topic exactly once, bounded runs and follow mode, resuming by group."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import uuid
from typing import Any

import pytest

from tests.flink import streams

kafka = pytest.importorskip("confluent_kafka", reason="the kafka extra is not installed")

from tests._support import run_cli  # noqa: E402
from tests.flink.kafka_helpers import consume, create_topics, produce  # noqa: E402


def _names() -> tuple[str, str, str]:
    name = uuid.uuid4().hex[:8]
    return f"events-{name}", f"audit-{name}", f"group-{name}"


def _jsonl_triples(out: str, where: dict[Any, tuple[str, int]]) -> set[streams.Triple]:
    found: set[streams.Triple] = set()
    for line in out.splitlines():
        item = json.loads(line)
        if "rule" in item:
            found.add((item.get("session_id"), item["rule"], where[(item["source"], item["line"])]))
    return found


def test_a_topic_gives_the_findings_of_its_lines_and_audits_go_to_a_topic_once(
    kafka_bootstrap, tmp_path
):
    cases = streams.write_cases(tmp_path / "cases.jsonl")
    generated = streams.write_generated(tmp_path / "generated.jsonl", events=3000)
    expected, count = streams.validate_findings(cases, generated)
    topic_in, topic_out, group = _names()
    create_topics(kafka_bootstrap, (topic_in, 3), (topic_out, 1))
    where = produce(kafka_bootstrap, topic_in, [cases, generated])
    args = ["--bootstrap", kafka_bootstrap, "--input-topic", topic_in, "--group-id", group]
    run = run_cli("validate", "-f", "jsonl", *args, "--output-topic", topic_out)
    assert run.code == 1, run.err
    assert _jsonl_triples(run.out, where) == expected
    audits = consume(kafka_bootstrap, topic_out, count)
    assert len(audits) == count
    assert streams.audit_triples(audits, where) == expected
    # the group's offsets were committed with the audits: a second run has nothing left to do
    again = run_cli("validate", "-f", "jsonl", *args, "--output-topic", topic_out)
    assert again.code == 0, again.err
    assert '"rule"' not in again.out
    assert len(consume(kafka_bootstrap, topic_out, count)) == count


def test_follow_mode_checks_records_as_they_come_and_stops_on_sigterm(kafka_bootstrap, tmp_path):
    topic_in, topic_out, group = _names()
    create_topics(kafka_bootstrap, (topic_in, 1), (topic_out, 1))
    first = tmp_path / "first.jsonl"
    first.write_bytes(b'{"ts_ms":1,"event_type":"MUTATION_TICK","session_id":"orphan"}\n')
    later = tmp_path / "later.jsonl"
    later.write_bytes(b"not json\n")
    produce(kafka_bootstrap, topic_in, [first])
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "vrp_contract", "validate", "-f", "jsonl", "--follow"),
            *("--bootstrap", kafka_bootstrap, "--input-topic", topic_in, "--group-id", group),
            *("--output-topic", topic_out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert len(consume(kafka_bootstrap, topic_out, 1)) == 1
        produce(kafka_bootstrap, topic_in, [later])  # a record that arrives while it follows
        audits = consume(kafka_bootstrap, topic_out, 2)
        assert [a["reason_code"] for a in audits] == ["session.created-first", "input.not-json"]
        time.sleep(0.5)
        assert proc.poll() is None  # still following
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 1, err
    rules = [json.loads(x).get("rule") for x in out.splitlines()]
    assert rules[:2] == ["session.created-first", "input.not-json"]


def test_a_missing_topic_is_a_one_line_usage_error(kafka_bootstrap):
    run = run_cli("validate", "--bootstrap", kafka_bootstrap, "--input-topic", "no-such-topic")
    assert run.code == 2
    assert run.err.count("\n") == 1
    assert "no-such-topic" in run.err
