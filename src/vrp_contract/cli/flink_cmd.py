"""`vrp-contract flink run`: the validator as an Apache Flink job (needs `vrp-contract[flink]`)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from vrp_contract.cli._arguments import add_max_line_argument, whole
from vrp_contract.cli._io import UsageError
from vrp_contract.cli._registry_source import add_registry_arguments, revision_name
from vrp_contract.findings import ExitCode
from vrp_contract.revisions import RevisionDataError, UnknownRevisionError
from vrp_contract.stream import InputError, PolicyError

if TYPE_CHECKING:
    import argparse

    from vrp_contract.cli._io import IO

NAME = "flink"
HELP = (
    "Run the validator as an Apache Flink job (local mini-cluster): JSONL files or a Kafka topic "
    "in, findings out as AUDIT_EVENTs to a directory of JSONL files or to a Kafka topic "
    "(exactly-once). Needs the flink extra: pip install 'vrp-contract[flink]'."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare `flink run` and its options."""
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    run = sub.add_parser("run", help="run the job to its end (files, --bounded) or until stopped")
    run.add_argument("paths", nargs="*", metavar="PATH", help="JSON Lines files (gzip or not)")
    run.add_argument("--bootstrap", metavar="HOST:PORT", help="Kafka bootstrap servers")
    run.add_argument("--input-topic", metavar="TOPIC", help="read events from this Kafka topic")
    run.add_argument("--output-topic", metavar="TOPIC", help="write AUDIT_EVENTs to this topic")
    run.add_argument(
        "--output-dir", metavar="DIR", help="write AUDIT_EVENTs as JSONL part files under DIR"
    )
    run.add_argument(
        "--bounded",
        action="store_true",
        help="stop at the input topic's latest offsets at start (else follow it)",
    )
    run.add_argument(
        "--group-id", default="vrp-contract-flink", help="Kafka consumer group of the job"
    )
    run.add_argument("--revision", "-r", help="contract revision (default: the latest)")
    add_registry_arguments(run)
    run.add_argument("--policy", metavar="FILE", help="recovery policy JSON")
    run.add_argument(
        "--assume-open-sessions",
        action="store_true",
        help="accept events of sessions not created in the input",
    )
    add_max_line_argument(run)
    run.add_argument("--parallelism", "-p", type=whole, default=2, help="(default: 2)")
    run.add_argument(
        "--order",
        choices=("arrival", "event-time"),
        default="arrival",
        help="fold a session's records of a topic as they arrive (as validate does; default), "
        "or by ts_ms once the watermark passes them (out-of-order events within the bound are "
        "put back in order, not reported)",
    )
    run.add_argument(
        "--out-of-orderness-ms",
        type=whole,
        default=60_000,
        metavar="MS",
        help="how far ts_ms may run behind the largest seen before an event is late "
        "(watermark bound; default 60000)",
    )
    run.add_argument(
        "--idle-timeout-ms",
        type=whole,
        default=86_400_000,
        metavar="MS",
        help="event time after a session's last event at which it is reported idle and its "
        "state freed (default 86400000, one day)",
    )
    run.add_argument(
        "--max-future-ms",
        type=whole,
        default=3_600_000,
        metavar="MS",
        help="a ts_ms further than this ahead of its Kafka record's timestamp does not move event "
        "time (default 3600000)",
    )
    run.add_argument(
        "--checkpoint-ms",
        type=whole,
        default=5_000,
        metavar="MS",
        help="checkpoint interval; the output topic's transactions commit on checkpoints "
        "(default 5000)",
    )
    run.add_argument(
        "--transaction-timeout-ms",
        type=whole,
        default=600_000,
        metavar="MS",
        help="the sink producer's transaction.timeout.ms; at most the broker's "
        "transaction.max.timeout.ms (default 600000)",
    )
    run.add_argument("--connector-jar", metavar="JAR", help="flink-sql-connector-kafka jar")


def _check_args(args: argparse.Namespace) -> None:
    """Refuse a command line that cannot make one job (one input, one output)."""
    if bool(args.paths) == bool(args.input_topic):
        raise UsageError("flink run: give input files or --input-topic (one of them)")
    if bool(args.output_dir) == bool(args.output_topic):
        raise UsageError("flink run: give --output-dir or --output-topic (one of them)")
    if (args.input_topic or args.output_topic) and not args.bootstrap:
        raise UsageError("flink run: a Kafka topic needs --bootstrap HOST:PORT")
    if args.bounded and not args.input_topic:
        raise UsageError("flink run: --bounded applies to --input-topic only")
    if args.order != "arrival" and not args.input_topic:
        raise UsageError("flink run: --order event-time applies to --input-topic only")
    if args.parallelism < 1:
        raise UsageError("flink run: --parallelism must be at least 1")
    if args.output_dir and Path(args.output_dir).exists() and any(Path(args.output_dir).iterdir()):
        raise UsageError(f"flink run: {args.output_dir}: the output directory is not empty")


def _spec(args: argparse.Namespace) -> object:
    from vrp_contract.flink.job import JobSpec, KafkaSpec  # noqa: PLC0415 - needs the extra
    from vrp_contract.flink.logic import LogicConfig  # noqa: PLC0415
    from vrp_contract.flink.units import plan_units  # noqa: PLC0415

    _check_args(args)
    if args.paths:
        try:
            plan_units(list(args.paths))  # every input is checked before the JVM starts
        except InputError as exc:
            raise UsageError(f"flink: {exc}") from None
    try:
        logic = LogicConfig.create(
            revision_name(args),
            args.policy,
            assume_open_sessions=args.assume_open_sessions,
            max_line=args.max_line_bytes,
        )
    except (UnknownRevisionError, RevisionDataError, PolicyError) as exc:
        raise UsageError(str(exc)) from None
    kafka_in = (
        KafkaSpec(args.bootstrap, args.input_topic, args.group_id, bounded=args.bounded)
        if args.input_topic
        else None
    )
    kafka_out = KafkaSpec(args.bootstrap, args.output_topic) if args.output_topic else None
    return JobSpec(
        logic,
        files=tuple(args.paths),
        kafka_in=kafka_in,
        out_dir=str(Path(args.output_dir).resolve()) if args.output_dir else None,
        kafka_out=kafka_out,
        parallelism=args.parallelism,
        out_of_orderness_ms=args.out_of_orderness_ms,
        idle_timeout_ms=args.idle_timeout_ms,
        max_future_ms=args.max_future_ms,
        order=args.order,
        checkpoint_ms=max(args.checkpoint_ms, 100),
        transaction_timeout_ms=args.transaction_timeout_ms,
        connector=args.connector_jar,
    )


def run(args: argparse.Namespace, io: IO) -> ExitCode:
    """Build and run the job; exit 1 when the output directory received AUDIT_EVENTs."""
    try:
        from py4j.protocol import Py4JError  # noqa: PLC0415 - the extra is optional

        from vrp_contract.flink import job  # noqa: PLC0415
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in {"pyflink", "py4j"}:  # both come with the extra
            raise UsageError(
                "flink: PyFlink is not installed; install the extra: "
                "pip install 'vrp-contract[flink]'"
            ) from None
        raise
    if shutil.which("java") is None:
        raise UsageError("flink: java (17 or newer) is not on PATH; Flink runs on the JVM")
    try:
        spec = _spec(args)
        job.connector_jar(args.connector_jar)
        job.run(spec)  # type: ignore[arg-type]
    except UsageError:
        raise
    except (InputError, FileNotFoundError) as exc:
        raise UsageError(f"flink: {exc}") from None
    except Py4JError as exc:  # a failed job surfaces as a Py4J error with a Java stack
        raise UsageError(f"flink: the job failed: {_root_cause(exc)}") from None
    if args.output_dir:
        written = sum(
            sum(1 for _ in path.open("rb"))
            for path in Path(args.output_dir).rglob("*.jsonl")
            if path.is_file()
        )
        io.stderr.write(f"flink: {written:,} AUDIT_EVENTs written under {args.output_dir}\n")
        return ExitCode.FINDINGS if written else ExitCode.OK
    io.stderr.write(f"flink: the job ended; AUDIT_EVENTs are on topic {args.output_topic}\n")
    return ExitCode.OK


def _root_cause(exc: BaseException) -> str:
    """The last 'Caused by' line of a Java stack (or the Python message), on one line."""
    text = str(exc)
    causes = [line.strip() for line in text.splitlines() if line.strip().startswith("Caused by:")]
    line = causes[-1].removeprefix("Caused by:").strip() if causes else text.strip()
    first = line.splitlines()[0] if line else type(exc).__name__
    return first[:500]
