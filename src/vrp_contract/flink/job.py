"""The validator as an Apache Flink job: lines in, AUDIT_EVENTs out, one keyed fold per session.

    source (files: byte-range units | Kafka topic, with partition and offset)
      -> decode (the validator's decoder, parallel, stateless)
      -> timestamps and watermarks (a separate step after the source)
      -> key_by(session_id)
      -> KeyedProcessFunction: the validator's fold over a ValueState per session;
         late events to a side output, idle sessions by event-time timer
      -> AUDIT_EVENT JSON lines -> files (FileSink) | Kafka topic (transactional, exactly-once)

Files run in BATCH mode. Batch execution sorts a keyed input by key and timestamp, and that sort is
not stable, so the timestamp of a line is its arrival sequence (file index, line number): each
session is folded in input order, as by `vrp-contract validate`. A Kafka topic runs in STREAMING
mode with `ts_ms` as event time: records reach the fold in partition order (a session lives in one
partition when producers key by session_id), the watermark trails the largest `ts_ms` by the
out-of-orderness bound, an event behind the watermark is late, and a session silent for the idle
timeout is reported and its state freed. See docs/guides/deployment.md.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import astuple, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyflink.common import Configuration, Duration, Types, WatermarkStrategy
from pyflink.common.serialization import Encoder, SimpleStringSchema
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import (
    CheckpointingMode,
    FlatMapFunction,
    KeyedProcessFunction,
    MapFunction,
    OutputTag,
    RuntimeExecutionMode,
    StreamExecutionEnvironment,
)
from pyflink.datastream.connectors.base import DeliveryGuarantee
from pyflink.datastream.connectors.file_system import FileSink, OutputFileConfig
from pyflink.datastream.connectors.kafka import KafkaRecordSerializationSchema, KafkaSink
from pyflink.datastream.state import MapStateDescriptor, ValueStateDescriptor
from pyflink.table import StreamTableEnvironment

from vrp_contract.flink.logic import IDLE_RULE, LATE_RULE, JobLogic, LogicConfig, closed
from vrp_contract.flink.units import DEFAULT_UNIT_BYTES, Unit, plan_units, read_unit, sequence
from vrp_contract.kafka_io import source_name

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pyflink.datastream import DataStream

__all__ = ["END_OF_INPUT", "JobSpec", "KafkaSpec", "build", "connector_jar", "run"]

NO_CLOCK = -1
"""The event-time candidate of a line without a usable `ts_ms` of its own."""
END_OF_INPUT = 2**63 - 1
"""The watermark Flink sends when a bounded input ends: timers that fire then are not idleness."""
CONNECTOR_JAR_ENV = "VRP_FLINK_KAFKA_JAR"
_CONNECTOR_GLOB = "flink-sql-connector-kafka-*.jar"
_PICKLED = Types.PICKLED_BYTE_ARRAY()
_UNIT = Types.TUPLE([Types.INT(), Types.STRING(), Types.LONG(), Types.LONG(), Types.BOOLEAN()])


@dataclass(frozen=True)
class KafkaSpec:
    """A topic on a broker; `bounded` stops at the offsets that were the latest at start."""

    bootstrap: str
    topic: str
    group_id: str = "vrp-contract-flink"
    bounded: bool = False
    from_earliest: bool = True
    properties: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class JobSpec:
    """One job: the inputs (files or a topic), the output (a directory or a topic), the settings."""

    logic: LogicConfig
    files: tuple[str, ...] = ()
    kafka_in: KafkaSpec | None = None
    out_dir: str | None = None
    kafka_out: KafkaSpec | None = None
    parallelism: int = 2
    out_of_orderness_ms: int = 60_000
    idle_timeout_ms: int = 86_400_000
    max_future_ms: int = 3_600_000
    partition_idle_ms: int = 60_000
    order: str = "arrival"
    """How a session's records of a topic are folded: `arrival` or `event-time` (see `_Fold`)."""
    """A source instance without records for this long stops holding the watermark back (a
    quiet partition, or more instances than partitions)."""
    checkpoint_ms: int = 5_000
    transaction_timeout_ms: int = 600_000
    transactional_id_prefix: str = "vrp-contract-audit"
    unit_bytes: int = DEFAULT_UNIT_BYTES
    connector: str | None = None
    job_name: str = "vrp-contract validate"

    def __post_init__(self) -> None:
        """Exactly one input and one output."""
        if bool(self.files) == (self.kafka_in is not None):
            raise ValueError("give either input files or an input topic")
        if (self.out_dir is None) == (self.kafka_out is None):
            raise ValueError("give either an output directory or an output topic")


def connector_jar(explicit: str | None = None) -> Path:
    """The Flink Kafka connector jar: `explicit`, $VRP_FLINK_KAFKA_JAR, or .cache/flink/lib."""
    candidates: list[Path] = []
    for given in (explicit, os.environ.get(CONNECTOR_JAR_ENV)):
        if given:
            path = Path(given)
            if not path.is_file():
                raise FileNotFoundError(f"{path}: the Flink Kafka connector jar does not exist")
            return path.resolve()
    for root in (Path.cwd(), Path(__file__).resolve().parents[3]):
        candidates.extend(sorted((root / ".cache" / "flink" / "lib").glob(_CONNECTOR_GLOB)))
    if not candidates:
        raise FileNotFoundError(
            "the Flink Kafka connector jar is not fetched: run `make setup-flink` or pass "
            f"--connector-jar (or set {CONNECTOR_JAR_ENV})"
        )
    return candidates[-1].resolve()


# ---------------------------------------------------------------- operators (run in the workers)


class _ReadUnits(FlatMapFunction):  # type: ignore[misc]
    """A file unit in, its decoded lines out (files mode)."""

    def __init__(self, config: LogicConfig) -> None:
        self.config = config
        self.logic: JobLogic | None = None

    def open(self, runtime_context: Any) -> None:  # noqa: ANN401, ARG002 - Flink's signature
        self.logic = JobLogic(self.config)

    def flat_map(self, value: tuple[int, str, int, int, bool]) -> Iterator[Any]:
        assert self.logic is not None  # noqa: S101 - set in open()
        item = self.logic.item
        unit = Unit(*value)
        for line, raw in read_unit(unit, self.config.max_line):
            seq = sequence(unit.file_index, line)
            yield item(seq, unit.path, line, raw, seq)


class _DecodeRecord(MapFunction):  # type: ignore[misc]
    """A Kafka record (value, partition, offset, timestamp) in, its decoded line out.

    The item's event-time candidate is its `ts_ms`, or -1 (no clock of its own) when the line has
    no usable `ts_ms` or one more than `max_future_ms` ahead of the record's own timestamp: such a
    line must not drag the watermark (a `ts_ms` of 2**63-1 is schema-valid).
    """

    def __init__(self, config: LogicConfig, topic: str, max_future_ms: int) -> None:
        self.config = config
        self.topic = topic
        self.max_future_ms = max_future_ms
        self.logic: JobLogic | None = None

    def open(self, runtime_context: Any) -> None:  # noqa: ANN401, ARG002 - Flink's signature
        self.logic = JobLogic(self.config)

    def map(self, value: Any) -> Any:  # noqa: ANN401 - a Flink Row
        assert self.logic is not None  # noqa: S101 - set in open()
        raw, partition, offset, timestamp = value[0], value[1], value[2], value[3]
        source = source_name(self.topic, partition)
        item = self.logic.item(offset, source, offset + 1, bytes(raw or b""), NO_CLOCK)
        if timestamp is not None and item[5] > timestamp.to_epoch_milli() + self.max_future_ms:
            item = (*item[:5], NO_CLOCK)
        return item


class _ItemTime(TimestampAssigner):  # type: ignore[misc]
    """`ts_ms` as event time; a line without a clock of its own gets the latest time seen."""

    def __init__(self) -> None:
        self.latest = 0

    def extract_timestamp(self, value: Any, record_timestamp: int) -> int:  # noqa: ANN401, ARG002
        ts = int(value[5])
        if ts == NO_CLOCK:
            return self.latest
        self.latest = max(self.latest, ts)
        return ts


class _WallClock(TimestampAssigner):  # type: ignore[misc]
    """The audit records' own Kafka timestamp: when they are written, not the event time.

    A record's timestamp decides the broker's segment rolling and time-based retention: audits
    stamped with `ts_ms` of days ago would be deleted as soon as their segment rolls.
    """

    def extract_timestamp(self, value: Any, record_timestamp: int) -> int:  # noqa: ANN401, ARG002
        return int(time.time() * 1000)


class _SeqTime(TimestampAssigner):  # type: ignore[misc]
    def extract_timestamp(self, value: Any, record_timestamp: int) -> int:  # noqa: ANN401, ARG002
        return int(value[1])


LATE = OutputTag("late-events", Types.STRING())


class _Fold(KeyedProcessFunction):  # type: ignore[misc]
    """The validator's fold per session; findings out as AUDIT_EVENT JSON lines.

    `order="arrival"` folds each record when it arrives. `order="event-time"` (topics only) holds
    a session's records until the watermark passes their `ts_ms`, then folds them by
    (`ts_ms`, offset): out-of-order events within the bound are put back in order instead of
    reported. In both, a record already behind the watermark is folded at once and reported late.
    """

    def __init__(
        self, config: LogicConfig, idle_timeout_ms: int, *, streaming: bool, order: str
    ) -> None:
        self.config = config
        self.idle_timeout_ms = idle_timeout_ms
        self.streaming = streaming
        self.by_event_time = streaming and order == "event-time"
        self.logic: JobLogic | None = None

    def open(self, runtime_context: Any) -> None:  # noqa: ANN401 - Flink's signature
        self.logic = JobLogic(self.config)
        self.session = runtime_context.get_state(ValueStateDescriptor("session", _PICKLED))
        self.timer = runtime_context.get_state(ValueStateDescriptor("idle-timer", Types.LONG()))
        self.last = runtime_context.get_state(ValueStateDescriptor("last-event", _PICKLED))
        self.held = runtime_context.get_map_state(
            MapStateDescriptor("held-events", Types.LONG(), _PICKLED)
        )

    def process_element(self, value: Any, ctx: Any) -> Iterator[Any]:  # noqa: ANN401
        logic = self.logic
        assert logic is not None  # noqa: S101 - set in open()
        if not self.streaming or not value[0]:
            before = self.session.value()
            state, findings = logic.process(before, value)
            for finding in findings:
                yield logic.audit_json(finding)
            if state is not before:
                self.session.update(state)
            return
        timers = ctx.timer_service()
        event_ms = int(ctx.timestamp())
        watermark = timers.current_watermark()
        if event_ms <= watermark:
            late = logic.special(
                LATE_RULE,
                value,
                f"The event's ts_ms ({event_ms}) is behind the job's watermark ({watermark}) when "
                "it arrived: it was folded in arrival order, after later events.",
            )
            yield LATE, logic.audit_json(late)
        elif self.by_event_time:
            held = self.held.get(event_ms)
            self.held.put(event_ms, [*(held or ()), value])
            timers.register_event_time_timer(event_ms)
            return
        yield from self._apply(value, event_ms, timers)

    def _apply(self, value: Any, event_ms: int, timers: Any) -> Iterator[str]:  # noqa: ANN401
        """Fold one record, emit its findings, move the idle timer."""
        logic = self.logic
        assert logic is not None  # noqa: S101 - set in open()
        state, findings = logic.process(self.session.value(), value)
        for finding in findings:
            yield logic.audit_json(finding)
        self.session.update(state)
        if closed(state):
            self.last.clear()  # what is left is the memory of a terminated id
        else:
            self.last.update(value)
        due = max(event_ms, timers.current_watermark()) + self.idle_timeout_ms
        if due >= END_OF_INPUT:
            return  # folded as a bounded input ends (held events): no time left to be idle in
        old = self.timer.value()
        if old is None or due > old:
            if old is not None:
                timers.delete_event_time_timer(old)
            timers.register_event_time_timer(due)
            self.timer.update(due)

    def on_timer(self, timestamp: int, ctx: Any) -> Iterator[str]:  # noqa: ANN401
        logic = self.logic
        assert logic is not None  # noqa: S101 - set in open()
        timers = ctx.timer_service()
        if self.by_event_time:
            due = sorted(t for t in self.held.keys() if t <= timestamp)  # noqa: SIM118 - MapState
            ready = [(t, item) for t in due for item in sorted(self.held.get(t), key=_arrival)]
            for t in due:
                self.held.remove(t)
            for t, item in ready:
                yield from self._apply(item, t, timers)
        if self.timer.value() != timestamp:
            return
        self.timer.clear()
        if timers.current_watermark() >= END_OF_INPUT:
            return  # a bounded input ended: the session is still open, not silent
        last = self.last.value()
        self.session.clear()
        self.last.clear()
        if last is None:
            return  # a terminated session's memory, forgotten after the idle timeout
        yield logic.audit_json(
            logic.special(
                IDLE_RULE,
                last,
                f"The session sent no event for {self.idle_timeout_ms} ms of event time after "
                "this one; its state was freed.",
            )
        )


def _arrival(item: Any) -> int:  # noqa: ANN401
    return int(item[1])


# ---------------------------------------------------------------- the dataflow


def _environment(spec: JobSpec, *, streaming: bool) -> StreamExecutionEnvironment:
    conf = Configuration()
    conf.set_string("python.execution-mode", "process")
    # A failure ends the run with its cause (a supervisor such as a Flink cluster restarts jobs).
    conf.set_string("restart-strategy.type", "none")
    env = StreamExecutionEnvironment.get_execution_environment(conf)
    env.set_python_executable(sys.executable)  # else workers start the system `python`
    env.set_parallelism(spec.parallelism)
    env.add_jars(connector_jar(spec.connector).as_uri())
    if streaming:
        env.set_runtime_mode(RuntimeExecutionMode.STREAMING)
        env.enable_checkpointing(spec.checkpoint_ms, CheckpointingMode.EXACTLY_ONCE)
    else:
        env.set_runtime_mode(RuntimeExecutionMode.BATCH)
    return env


def _kafka_lines(env: StreamExecutionEnvironment, spec: JobSpec, kafka: KafkaSpec) -> DataStream:
    t_env = StreamTableEnvironment.create(env)
    options = {
        "connector": "kafka",
        "topic": kafka.topic,
        "properties.bootstrap.servers": kafka.bootstrap,
        "properties.group.id": kafka.group_id,
        "properties.isolation.level": "read_committed",
        "scan.startup.mode": "earliest-offset" if kafka.from_earliest else "group-offsets",
        "format": "raw",
    }
    if not kafka.from_earliest:
        options["properties.auto.offset.reset"] = "earliest"
    if kafka.bounded:
        options["scan.bounded.mode"] = "latest-offset"
    options.update({f"properties.{k}": v for k, v in kafka.properties.items()})
    with_clause = ", ".join(f"'{_sql(k)}' = '{_sql(v)}'" for k, v in options.items())
    t_env.execute_sql(
        "CREATE TEMPORARY TABLE vrp_events ("
        " `line` BYTES,"
        " `partition` INT METADATA VIRTUAL,"
        " `offset` BIGINT METADATA VIRTUAL,"
        " `record_ts` TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL"
        f") WITH ({with_clause})"
    )
    rows = t_env.to_data_stream(t_env.from_path("vrp_events"))
    decode = _DecodeRecord(spec.logic, kafka.topic, spec.max_future_ms)
    return rows.map(decode, output_type=_PICKLED).name("decode")


def _sql(text: str) -> str:
    return text.replace("'", "''")


def build(spec: JobSpec) -> StreamExecutionEnvironment:
    """Build the job's dataflow; `env.execute()` runs it."""
    streaming = spec.kafka_in is not None
    env = _environment(spec, streaming=streaming)
    if spec.kafka_in is not None:
        items = _kafka_lines(env, spec, spec.kafka_in)
        strategy = (
            WatermarkStrategy.for_bounded_out_of_orderness(
                Duration.of_millis(spec.out_of_orderness_ms)
            )
            .with_idleness(Duration.of_millis(spec.partition_idle_ms))
            .with_timestamp_assigner(_ItemTime())
        )
    else:
        # plain tuples: the Java side unpickles the collection and knows no Python classes
        units = [astuple(unit) for unit in plan_units(list(spec.files), spec.unit_bytes)]
        items = (
            env.from_collection(units, type_info=_UNIT)
            .rebalance()
            .flat_map(_ReadUnits(spec.logic), output_type=_PICKLED)
            .name("read and decode")
        )
        # Not `from_source(..., strategy)`: a Python timestamp assigner there is ignored.
        strategy = WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(_SeqTime())
    stamped = items.assign_timestamps_and_watermarks(strategy)
    folded = (
        stamped.key_by(lambda item: item[0], key_type=Types.STRING())
        .process(
            _Fold(spec.logic, spec.idle_timeout_ms, streaming=streaming, order=spec.order),
            output_type=Types.STRING(),
        )
        .name("fold sessions")
    )
    audits = folded.union(folded.get_side_output(LATE)) if streaming else folded
    if spec.kafka_out is not None:
        out = spec.kafka_out
        sink = (
            KafkaSink.builder()
            .set_bootstrap_servers(out.bootstrap)
            .set_record_serializer(
                KafkaRecordSerializationSchema.builder()
                .set_topic(out.topic)
                .set_value_serialization_schema(SimpleStringSchema())
                .build()
            )
            .set_delivery_guarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .set_transactional_id_prefix(spec.transactional_id_prefix)
            .set_property("transaction.timeout.ms", str(spec.transaction_timeout_ms))
        )
        for key, value in out.properties.items():
            sink = sink.set_property(key, value)
        stamped_now = audits.assign_timestamps_and_watermarks(
            WatermarkStrategy.no_watermarks().with_timestamp_assigner(_WallClock())
        )
        stamped_now.sink_to(sink.build()).name("audit topic")
    else:
        assert spec.out_dir is not None  # noqa: S101 - checked in JobSpec
        file_sink = (
            FileSink.for_row_format(spec.out_dir, Encoder.simple_string_encoder("UTF-8"))
            .with_output_file_config(
                OutputFileConfig.builder()
                .with_part_prefix("audit")
                .with_part_suffix(".jsonl")
                .build()
            )
            .build()
        )
        audits.sink_to(file_sink).name("audit files")
    return env


def run(spec: JobSpec) -> None:
    """Build the job and run it to its end (files, a bounded topic) or until cancelled."""
    build(spec).execute(spec.job_name)
