"""Kafka client helpers of the tests (confluent-kafka, a real broker): topics, produce, consume."""

from __future__ import annotations

import json
import time
import uuid
from typing import TYPE_CHECKING, Any

import confluent_kafka as kafka
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

if TYPE_CHECKING:
    from pathlib import Path

CONSUME_TIMEOUT_S = 60


def create_topics(bootstrap: str, *specs: tuple[str, int]) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics([NewTopic(name, parts, 1) for name, parts in specs])
    for future in futures.values():
        future.result(timeout=30)  # else a producer auto-creates topics with one partition


def produce(bootstrap: str, topic: str, paths: list[Path]) -> dict[Any, tuple[str, int]]:
    """Each line keyed by its session_id (a session lives in one partition); returns where each
    input line landed: (kafka source, offset + 1) -> (path, line)."""
    producer = kafka.Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True})
    where = {}

    def landed(place: tuple[str, int]) -> Any:
        def callback(err: Any, msg: Any) -> None:
            assert err is None, err
            source = f"kafka:{topic}/{msg.partition()}"
            where[(source, msg.offset() + 1)] = place

        return callback

    for path in paths:
        for number, raw in enumerate(path.read_bytes().split(b"\n")[:-1], 1):
            try:
                sid = json.loads(raw).get("session_id")
            except (ValueError, AttributeError):
                sid = None
            key = sid.encode("utf-8") if isinstance(sid, str) and sid else None
            producer.produce(topic, raw, key=key, on_delivery=landed((str(path), number)))
            producer.poll(0)
    assert producer.flush(30) == 0
    return where


def consume(
    bootstrap: str, topic: str, count: int, stamps: list[int] | None = None
) -> list[dict[str, Any]]:
    consumer = kafka.Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"check-{uuid.uuid4()}",
            "auto.offset.reset": "earliest",
            "isolation.level": "read_committed",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe([topic])
    events: list[dict[str, Any]] = []
    deadline = time.monotonic() + CONSUME_TIMEOUT_S
    try:
        while time.monotonic() < deadline:
            msg = consumer.poll(1.0)
            if msg is None:
                if len(events) >= count:
                    break  # a quiet second after the expected count: nothing more is coming
                continue
            assert msg.error() is None, msg.error()
            event = json.loads(msg.value() or b"null")
            if stamps is not None:
                stamps.append(msg.timestamp()[1])
            events.append(event)
    finally:
        consumer.close()
    return events
