"""`vrp-contract validate`: check JSON Lines event streams against the contract."""

from __future__ import annotations

import argparse
import io as _io
import os
import stat
from typing import TYPE_CHECKING

from vrp_contract.cli._arguments import add_max_line_argument, between, positive
from vrp_contract.cli._io import IO, OutputError, UsageError
from vrp_contract.cli._progress import Progress
from vrp_contract.cli._registry_source import add_registry_arguments, revision_name
from vrp_contract.findings import ExitCode
from vrp_contract.kafka_io import KafkaError, KafkaSettings, kafka_findings
from vrp_contract.reporters import formats_for, get_reporter
from vrp_contract.revisions import RevisionDataError, UnknownRevisionError, load_revision
from vrp_contract.stream import InputError, PolicyError, StreamValidator, load_policy, open_sources
from vrp_contract.stream.parallel import choose_jobs, decode_ahead_pays, parallel_findings
from vrp_contract.stream.session import MAX_REMEMBERED

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from vrp_contract.findings import Finding

NAME = "validate"
HELP = (
    "Validate JSON Lines event streams (files, gzip files, or stdin): every event against the "
    "schema, every session against the invariants."
)


def _jobs(text: str) -> int:
    if text == "auto":
        return 0  # `choose_jobs` decides
    try:
        return positive(text)
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(f"{exc} (or auto)") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `validate`."""
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="JSON Lines files, gzip or not; '-' or none: stdin"
    )
    parser.add_argument("--revision", "-r", help="contract revision (default: the latest)")
    add_registry_arguments(parser)
    parser.add_argument(
        "--format",
        "-f",
        choices=formats_for(NAME),
        default="text",
        help="output format (default: text)",
    )
    parser.add_argument(
        "--policy", metavar="FILE", help="recovery policy JSON overriding the revision's default"
    )
    parser.add_argument(
        "--assume-open-sessions",
        action="store_true",
        help="accept events of sessions not created in the input (streams cut mid-day); they "
        "start from an unknown state",
    )
    parser.add_argument(
        "--remember-terminated",
        type=between(1, MAX_REMEMBERED),
        default=200_000,
        metavar="N",
        help="how many terminated session ids to remember for session.terminated-final "
        "(bounds memory; default: 200000)",
    )
    add_max_line_argument(parser)
    parser.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default=0,
        metavar="N",
        help="decode and schema-check files on N worker processes; same findings in the same "
        "order as one process. Default auto: one process, which decodes the next chunk of a "
        "regular file on a second thread while it checks the sessions of this one (when there "
        "is a second core); 1: one process, one thread. Pipes and stdin always use one thread",
    )
    kafka = parser.add_argument_group("Kafka (needs vrp-contract[kafka])")
    kafka.add_argument("--bootstrap", metavar="HOST:PORT", help="Kafka bootstrap servers")
    kafka.add_argument(
        "--input-topic", metavar="TOPIC", help="read events from this topic instead of files"
    )
    kafka.add_argument(
        "--output-topic",
        metavar="TOPIC",
        help="also write each finding as an AUDIT_EVENT to this topic (exactly once: one "
        "transaction per batch with the consumed offsets)",
    )
    kafka.add_argument(
        "--follow",
        action="store_true",
        help="keep reading the input topic until interrupted (default: stop at its end)",
    )
    kafka.add_argument(
        "--group-id",
        default="vrp-contract-validate",
        help="consumer group: where a run resumes (default: vrp-contract-validate)",
    )
    parser.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="print error findings and the one-line verdict only: no warnings, no per-rule "
        "table, nothing at all when no error is found",
    )
    parser.add_argument(
        "--verbose", "-v", action="store_true", help="print each finding's context too"
    )
    parser.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="progress on stderr (auto: when stderr is a terminal)",
    )


_UNDECODABLE = frozenset({"input.not-utf8", "input.not-json", "input.blank-line"})
NOT_JSONL_RUN = 20
"""Consecutive lines that are not JSON after which the input is said not to look like JSON Lines."""


def watch_decoding(findings: Iterable[Finding], note: Callable[[str], None]) -> Iterator[Finding]:
    """Pass `findings` through; call `note` once per source after a run of undecodable lines.

    A binary file gets one finding per line (every line is still counted): after
    `NOT_JSONL_RUN` lines in a row that are not JSON, say once that the input does not look
    like JSON Lines at all, so the reader need not scroll through hundreds of findings to learn it.
    """
    noted: set[str] = set()
    source: str | None = None
    first = last = 0
    for finding in findings:
        yield finding
        if finding.line is None or finding.source in noted:
            continue
        if finding.rule not in _UNDECODABLE:
            first = last = 0
            continue
        if finding.source != source or finding.line > last + 1:
            source, first = finding.source, finding.line
        last = finding.line
        if last - first + 1 == NOT_JSONL_RUN:
            noted.add(str(source))
            note(
                f"{source}: lines {first:,} to {last:,} are not JSON; this input does not look "
                "like JSON Lines (one JSON object per line, UTF-8; gzip is recognised). Every "
                "line is still checked and counted."
            )


def _validator(args: argparse.Namespace) -> StreamValidator:
    """The validator the options ask for; a bad option is a usage error."""
    try:
        revision = load_revision(revision_name(args))
        revision.check_data()
        policy = load_policy(revision, args.policy)
    except (UnknownRevisionError, RevisionDataError, PolicyError) as exc:
        raise UsageError(str(exc)) from None
    for given, option in ((args.output_topic, "--output-topic"), (args.follow, "--follow")):
        if given and not args.input_topic:
            raise UsageError(f"validate: {option} goes with --input-topic")
    return StreamValidator(
        revision,
        policy=policy,
        assume_open_sessions=args.assume_open_sessions,
        remember_terminated=args.remember_terminated,
    )


FILE_BUFFER = 1 << 20
"""Bytes of findings written to a regular file at once (the default 8 KiB costs a system call
per 8 KiB: a tenth of a run whose every line is broken)."""


def _to_file(io: IO) -> IO:
    """`io`, writing stdout through a 1 MiB buffer when it is a regular file, else unchanged.

    Nobody reads a regular file while it grows line by line (a pipe or a terminal keeps its own
    buffering); the same encoding, the same bytes. Everything is flushed at the end of the run,
    and before each note on stderr, as before.
    """
    out = io.stdout
    if not isinstance(out, _io.TextIOWrapper):
        return io
    try:
        fd = out.fileno()
        regular = stat.S_ISREG(os.fstat(fd).st_mode)
        out.flush()
    except (OSError, ValueError):
        return io
    if not regular:
        return io
    buffered = open(  # noqa: SIM115 - lives as long as the run's IO; the descriptor stays open
        fd, "w", FILE_BUFFER, out.encoding, out.errors, closefd=False
    )
    return IO(io.stdin, buffered, io.stderr)


def run(args: argparse.Namespace, io: IO) -> ExitCode:
    """Validate every input in order and report findings as they are found."""
    io = _to_file(io)
    validator = _validator(args)
    revision = validator.revision
    reporter = get_reporter(args.format)(io.stdout, verbose=args.verbose, quiet=args.quiet)
    reporter.start(
        {
            "command": NAME,
            "revision": revision.name,
            "invariants": [inv["id"] for inv in revision.invariants],
            "audit_type": validator.tracker.fold.behaviour.audit,
        }
    )
    progress = Progress.for_stream(io.stderr, args.progress)

    def note(text: str, kind: str = "note") -> None:
        progress.clear()
        io.stdout.flush()
        io.stderr.write(f"vrp-contract validate: {kind}: {text}\n")
        io.stderr.flush()

    reads_stdin = not args.input_topic and (not args.paths or "-" in args.paths)
    if reads_stdin and _is_terminal(io.stdin):
        note(
            "reading JSON Lines from standard input (the terminal); type or paste events, end "
            "with Ctrl-D, or pass a file: vrp-contract validate FILE.jsonl"
        )
    try:
        for finding in watch_decoding(_findings(args, io, validator, progress), note):
            reporter.finding(finding)
        progress.clear()
        if validator.summary.lines == 0:
            inputs = ", ".join("stdin" if p == "-" else p for p in args.paths or ["-"])
            note(f"the input ({inputs}) holds no lines: nothing was validated.", "warning")
        reporter.finish(validator.summary)
        io.stdout.flush()  # a full disk or a closed pipe shows here at the latest
    except (InputError, KafkaError) as exc:
        progress.clear()
        _flush(io)
        raise UsageError(str(exc)) from None
    except BrokenPipeError:  # the reader left (`| head`): the findings so far decide
        io.abandon_stdout()
        if validator.summary.failed:
            return ExitCode.FINDINGS
        raise OutputError("the output was closed before the check finished") from None
    except OSError as exc:  # inputs fail as InputError: this is the output
        io.abandon_stdout()
        raise OutputError(f"cannot write the output: {exc.strerror or exc}") from None
    return ExitCode.FINDINGS if validator.summary.failed else ExitCode.OK


def _kafka(args: argparse.Namespace, validator: StreamValidator) -> Iterator[Finding]:
    if args.paths:
        raise UsageError("validate: give input files or --input-topic, not both")
    if not args.bootstrap:
        raise UsageError("validate: --input-topic needs --bootstrap HOST:PORT")
    settings = KafkaSettings(
        args.bootstrap, args.input_topic, args.output_topic, args.group_id, follow=args.follow
    )
    return kafka_findings(validator, settings)


def _findings(
    args: argparse.Namespace, io: IO, validator: StreamValidator, progress: Progress
) -> Iterator[Finding]:
    """Every finding of every input in order, on worker processes when that pays."""
    if args.input_topic:
        yield from _kafka(args, validator)
        return
    jobs = choose_jobs(args.jobs, args.paths)
    if jobs > 1:

        def told(path: str, lines: int, *, done: bool) -> None:
            progress.advance(path, lines, final=done)

        found = parallel_findings(validator, args.paths, jobs, told, args.max_line_bytes)
        for finding in found:
            progress.clear()
            yield finding
        return
    ahead = args.jobs == 0 and decode_ahead_pays(args.paths)  # auto: one process, two cores
    for source in open_sources(args.paths, io.stdin, args.max_line_bytes):
        yield from progress.track(source, validator, ahead=ahead)


def _flush(io: IO) -> None:
    """Flush the findings written before an input error; a failing output is abandoned."""
    try:
        io.stdout.flush()
    except OSError:
        io.abandon_stdout()


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):  # a closed or detached stdin
        return False
