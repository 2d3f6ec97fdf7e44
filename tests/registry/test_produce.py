"""Validate on produce: confluent-kafka's JSONSerializer with the schema `registry push` registered.

A real registry and a real broker: valid events reach the topic, invalid ones are refused by the
serializer before anything is sent (the topic's end offset counts the valid ones only).
"""

from __future__ import annotations

import time
import uuid

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext, SerializationError

from tests._support import run_cli
from vrp_contract import load_revision
from vrp_contract.stream import validate_event

TIMEOUT_S = 30.0
# Apicurio lacks the endpoint of the default (ASSOCIATED) subject naming, and about 1% of those
# calls never return: name subjects after the topic and bound every registry call.
SERDE_CONF = {
    "auto.register.schemas": False,
    "use.latest.version": True,
    "subject.name.strategy.type": "TOPIC",
}
READ_CONF = {"subject.name.strategy.type": "TOPIC"}


def _topic(bootstrap: str) -> str:
    topic = f"vrp-events-{uuid.uuid4().hex[:10]}"
    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    futures[topic].result(timeout=TIMEOUT_S)
    return topic


def _end_offset(bootstrap: str, topic: str) -> int:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"probe-{topic}"})
    try:
        _, high = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=TIMEOUT_S)
    finally:
        consumer.close()
    return int(high)


def _consume(bootstrap: str, topic: str, url: str, count: int) -> list[object]:
    registry = SchemaRegistryClient({"url": url, "timeout": 10})
    deserializer = JSONDeserializer(None, schema_registry_client=registry, conf=READ_CONF)
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"read-{topic}",
            "auto.offset.reset": "earliest",
        }
    )
    out: list[object] = []
    with registry:
        _read(consumer, deserializer, topic, count, out)
    return out


def _read(
    consumer: Consumer, deserializer: JSONDeserializer, topic: str, count: int, out: list[object]
) -> None:
    try:
        # assign, not subscribe: no group rebalance to wait for on a loaded machine
        consumer.assign([TopicPartition(topic, 0, 0)])
        deadline = time.monotonic() + 2 * TIMEOUT_S  # bounded
        while len(out) < count and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None or message.error() is not None:
                continue
            ctx = SerializationContext(topic, MessageField.VALUE)
            out.append(deserializer(message.value(), ctx))
    finally:
        consumer.close()


@pytest.mark.slow
def test_valid_events_pass_and_invalid_ones_are_refused_before_the_broker(
    registry_url, kafka_bootstrap
):
    topic = _topic(kafka_bootstrap)
    pushed = run_cli("registry", "push", "--url", registry_url, "--subject", f"{topic}-value")
    assert pushed.code == 0, pushed.out + pushed.err
    with SchemaRegistryClient({"url": registry_url, "timeout": 10}) as registry:
        _produce(registry, registry_url, kafka_bootstrap, topic)


def _produce(
    registry: SchemaRegistryClient, registry_url: str, kafka_bootstrap: str, topic: str
) -> None:
    serializer = JSONSerializer(None, registry, conf=SERDE_CONF)
    producer = Producer({"bootstrap.servers": kafka_bootstrap, "message.timeout.ms": 20000})
    ctx = SerializationContext(topic, MessageField.VALUE)
    revision = load_revision()
    invalid = [v["event"] for _, v in revision.examples("invalid") if validate_event(v["event"])]
    valid = [v["event"] for _, v in revision.examples("valid")]
    assert len(invalid) >= 20
    assert valid

    refused = 0
    for event in invalid:  # first, so a leak would show in the offsets
        with pytest.raises(SerializationError):
            producer.produce(topic, value=serializer(event, ctx))
        refused += 1
    producer.flush(TIMEOUT_S)
    assert _end_offset(kafka_bootstrap, topic) == 0

    for event in valid:
        producer.produce(topic, value=serializer(event, ctx))
    assert producer.flush(TIMEOUT_S) == 0
    assert refused == len(invalid)
    assert _end_offset(kafka_bootstrap, topic) == len(valid)
    assert _consume(kafka_bootstrap, topic, registry_url, len(valid)) == valid
