"""`vrp-contract validate`: check JSON Lines event streams against the contract."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from vrp_contract.cli._io import OutputError, UsageError
from vrp_contract.cli._progress import Progress
from vrp_contract.findings import ExitCode
from vrp_contract.reporters import formats_for, get_reporter
from vrp_contract.revisions import UnknownRevisionError, load_revision
from vrp_contract.stream import InputError, PolicyError, StreamValidator, load_policy, open_sources
from vrp_contract.stream.parallel import choose_jobs, parallel_findings

if TYPE_CHECKING:
    from vrp_contract.cli._io import IO
    from vrp_contract.reporters import Reporter

NAME = "validate"
HELP = (
    "Validate JSON Lines event streams (files, gzip files, or stdin): every event against the "
    "schema, every session against the invariants."
)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


def _jobs(text: str) -> int:
    if text == "auto":
        return 0  # `choose_jobs` decides
    try:
        return _positive(text)
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(f"{exc} (or auto)") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `validate`."""
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="JSON Lines files, gzip or not; '-' or none: stdin"
    )
    parser.add_argument("--revision", "-r", help="contract revision (default: the latest)")
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
        type=_positive,
        default=200_000,
        metavar="N",
        help="how many terminated session ids to remember for session.terminated-final "
        "(bounds memory; default: 200000)",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default=0,
        metavar="N",
        help="decode and schema-check files on N worker processes; same findings in the same "
        "order as one process. Default auto: one per core (at most 4) for regular files of 32 MiB "
        "or more, else 1. Pipes and stdin always use one process",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="print errors only")
    parser.add_argument(
        "--verbose", "-v", action="store_true", help="print each finding's context too"
    )
    parser.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="progress on stderr (auto: when stderr is a terminal)",
    )


def run(args: argparse.Namespace, io: IO) -> ExitCode:
    """Validate every input in order and report findings as they are found."""
    try:
        revision = load_revision(args.revision)
        policy = load_policy(revision, args.policy)
    except (UnknownRevisionError, PolicyError) as exc:
        raise UsageError(str(exc)) from None
    validator = StreamValidator(
        revision,
        policy=policy,
        assume_open_sessions=args.assume_open_sessions,
        remember_terminated=args.remember_terminated,
    )
    reporter = get_reporter(args.format)(io.stdout, verbose=args.verbose, quiet=args.quiet)
    reporter.start(
        {
            "command": NAME,
            "revision": revision.name,
            "invariants": [inv["id"] for inv in revision.invariants],
        }
    )
    progress = Progress.for_stream(io.stderr, args.progress)
    try:
        _check(args, io, validator, reporter, progress)
        progress.clear()
        reporter.finish(validator.summary)
        io.stdout.flush()  # a full disk or a closed pipe shows here at the latest
    except InputError as exc:
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


def _check(
    args: argparse.Namespace,
    io: IO,
    validator: StreamValidator,
    reporter: Reporter,
    progress: Progress,
) -> None:
    """Report the findings of every input, on worker processes where that pays."""
    jobs = choose_jobs(args.jobs, args.paths)
    if jobs > 1:

        def told(path: str, lines: int, *, done: bool) -> None:
            progress.advance(path, lines, final=done)

        for finding in parallel_findings(validator, args.paths, jobs, told):
            progress.clear()
            reporter.finding(finding)
        return
    for source in open_sources(args.paths, io.stdin):
        for finding in progress.track(source, validator):
            reporter.finding(finding)


def _flush(io: IO) -> None:
    """Flush the findings written before an input error; a failing output is abandoned."""
    try:
        io.stdout.flush()
    except OSError:
        io.abandon_stdout()
