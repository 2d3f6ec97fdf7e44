"""Kafka for the one-process validator: read events from a topic, write AUDIT_EVENTs to a topic.

`vrp-contract validate --bootstrap HOST:PORT --input-topic T [--output-topic A] [--follow]` uses
this module (it needs the Python Kafka client: `pip install 'vrp-contract[kafka]'`).

- **Input**: every partition of the topic, from the consumer group's committed offsets (the
  earliest when it has none). A bounded run stops at the end offsets the topic had when it began;
  `--follow` keeps polling until interrupted. Records are folded in partition order (producers
  key by `session_id`, so a session lives in one partition and its events keep their order).
  A finding's `source` is `kafka:<topic>/<partition>` and its `line` the record's offset + 1, as
  in the Flink job.
- **Output**: AUDIT_EVENTs (`reporters.events.audit_event`, the Flink job's function) keyed by
  session. Reading a topic and writing a topic is one Kafka transaction per polled batch that
  also commits the consumed offsets, so a consumer that reads committed sees each audit exactly
  once even when the validator is killed and started again (it resumes from the last commit).
"""

from __future__ import annotations

import contextlib
import signal
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

import orjson

from vrp_contract.reporters.events import audit_event

if TYPE_CHECKING:
    from collections.abc import Iterator

    from vrp_contract.findings import Finding
    from vrp_contract.stream.validator import StreamValidator

__all__ = ["KafkaError", "KafkaSettings", "kafka_findings", "source_name"]

POLL_S = 0.5
BATCH = 5_000
IDLE_POLLS_TO_END = 20
"""A bounded run whose remaining partitions yield nothing for this many polls in a row ends with
an error instead of waiting forever (records deleted by retention, a partition gone)."""


class KafkaError(Exception):
    """The broker or topic cannot be used (message names the topic and the cause)."""


@dataclass(frozen=True)
class KafkaSettings:
    """Where to read and write; `follow` reads until interrupted."""

    bootstrap: str
    input_topic: str
    output_topic: str | None = None
    group_id: str = "vrp-contract-validate"
    follow: bool = False


def source_name(topic: str, partition: int) -> str:
    """The `source` of findings about a record of `topic`'s `partition`."""
    return f"kafka:{topic}/{partition}"


def _client() -> Any:  # noqa: ANN401 - the optional module
    try:
        import confluent_kafka  # noqa: PLC0415 - optional dependency
    except ModuleNotFoundError:
        raise KafkaError(
            "the Kafka client is not installed: pip install 'vrp-contract[kafka]'"
        ) from None
    return confluent_kafka


def kafka_findings(validator: StreamValidator, settings: KafkaSettings) -> Iterator[Finding]:
    """Validate the records of the input topic; yield findings; write audits when asked."""
    ck = _client()
    consumer = ck.Consumer(
        {
            "bootstrap.servers": settings.bootstrap,
            "group.id": settings.group_id,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            "isolation.level": "read_committed",
            "enable.partition.eof": True,
        }
    )
    producer = None
    try:
        topic = settings.input_topic
        partitions = _partitions(consumer, topic)
        starts, ends = {}, {}
        for p in partitions:
            low, high = consumer.get_watermark_offsets(ck.TopicPartition(topic, p), 30)
            committed = consumer.committed([ck.TopicPartition(topic, p)], 30)[0].offset
            starts[p], ends[p] = (committed if committed >= 0 else low), high
        consumer.assign([ck.TopicPartition(topic, p, starts[p]) for p in partitions])
        if settings.output_topic is not None:
            producer = ck.Producer(
                {
                    "bootstrap.servers": settings.bootstrap,
                    "transactional.id": f"vrp-contract-validate:{settings.group_id}:"
                    f"{settings.input_topic}",
                    "transaction.timeout.ms": 60_000,
                }
            )
            producer.init_transactions(30)
        done = {p for p in partitions if starts[p] >= ends[p]}
        bounded = None if settings.follow else ends
        yield from _loop(ck, validator, settings, consumer, producer, bounded, done)
    except ck.KafkaException as exc:
        raise KafkaError(f"topic {settings.input_topic}: {exc.args[0].str()}") from None
    finally:
        with contextlib.suppress(Exception):
            consumer.close()


def _partitions(consumer: Any, topic: str) -> list[int]:  # noqa: ANN401
    meta = consumer.list_topics(topic, timeout=30)
    found = meta.topics.get(topic)
    if found is None or found.error is not None or not found.partitions:
        why = found.error.str() if found is not None and found.error is not None else "not found"
        raise KafkaError(f"topic {topic}: {why}")
    return sorted(found.partitions)


def _loop(  # noqa: C901, PLR0912, PLR0913, PLR0917 - one consume-check-produce loop
    ck: Any,  # noqa: ANN401
    validator: StreamValidator,
    settings: KafkaSettings,
    consumer: Any,  # noqa: ANN401
    producer: Any,  # noqa: ANN401
    ends: dict[int, int] | None,
    done: set[int],
) -> Iterator[Finding]:
    topic = settings.input_topic
    idle = 0
    invariants = frozenset(inv["id"] for inv in validator.revision.invariants)
    audit_type = validator.tracker.fold.behaviour.audit
    stop = _Stop()
    with stop:
        while not stop.requested and (ends is None or len(done) < len(ends)):
            messages = consumer.consume(BATCH, POLL_S)
            records: dict[int, list[tuple[int, bytes]]] = {}
            for msg in messages:
                err = msg.error()
                if err is not None:
                    if err.code() == ck.KafkaError._PARTITION_EOF:  # noqa: SLF001 - the client's name
                        if ends is not None and msg.offset() >= ends[msg.partition()]:
                            done.add(msg.partition())
                        continue
                    raise ck.KafkaException(err)
                part, offset = msg.partition(), msg.offset()
                if ends is not None and offset >= ends[part]:
                    done.add(part)
                    continue
                records.setdefault(part, []).append((offset, msg.value() or b""))
                if ends is not None and offset + 1 >= ends[part]:
                    done.add(part)
            if not records:
                idle += 1
                if ends is not None and idle > IDLE_POLLS_TO_END:
                    missing = sorted(set(ends) - done)
                    raise KafkaError(
                        f"topic {topic}: partitions {missing} end before the offsets they had "
                        "when the run began"
                    )
                continue
            idle = 0
            if producer is not None:
                producer.begin_transaction()
            for part, batch in sorted(records.items()):
                for finding in _check(validator, topic, part, batch):
                    if producer is not None:
                        event = audit_event(finding, invariants, audit_type)
                        producer.produce(
                            settings.output_topic,
                            orjson.dumps(event),
                            key=event["session_id"].encode("utf-8", "surrogateescape"),
                        )
                    yield finding
            positions = consumer.position(consumer.assignment())
            if producer is not None:
                producer.send_offsets_to_transaction(
                    positions, consumer.consumer_group_metadata(), 30
                )
                producer.commit_transaction(60)
            else:
                consumer.commit(offsets=positions, asynchronous=False)


def _check(
    validator: StreamValidator, topic: str, partition: int, batch: list[tuple[int, bytes]]
) -> Iterator[Finding]:
    """Fold one partition's records in order; a finding's line becomes its record's offset + 1."""
    from dataclasses import replace  # noqa: PLC0415

    source = source_name(topic, partition)
    sources = validator.summary.sources
    known = source in sources
    decoded = validator.chunk_decoder()([raw for _, raw in batch])  # one native call per batch
    for finding in validator.fold([decoded], source):
        assert finding.line is not None  # noqa: S101 - the fold numbers every finding
        yield replace(finding, line=batch[finding.line - 1][0] + 1)
    if known:
        sources.pop()  # one entry per partition in the summary, however many batches


class _Stop:
    """SIGTERM ends a follow run after the current batch (Ctrl-C raises as usual)."""

    def __init__(self) -> None:
        self.requested = False
        self._old: Any = None

    def __enter__(self) -> Self:
        with contextlib.suppress(ValueError):  # not the main thread
            self._old = signal.signal(signal.SIGTERM, self._handle)
        return self

    def _handle(self, signum: int, frame: object) -> None:
        del signum, frame
        self.requested = True

    def __exit__(self, *exc: object) -> None:
        if self._old is not None:
            signal.signal(signal.SIGTERM, self._old)
