"""`vrp-contract compat`: is NEW compatible with OLD? Parsing only; the library decides."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vrp_contract.cli._io import UsageError
from vrp_contract.compat import InputError, Mode, check_all, compare
from vrp_contract.compat.sources import DIALECTS
from vrp_contract.findings import ExitCode
from vrp_contract.reporters import formats_for, get_reporter

if TYPE_CHECKING:
    import argparse

    from vrp_contract.cli._io import IO

NAME = "compat"
HELP = (
    "Check that NEW schemas accept what OLD accepted (backward), the reverse (forward) or both "
    "(full). OLD/NEW: a schema file, a revision folder or git:REF:PATH."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `compat`."""
    parser.add_argument(
        "old", nargs="?", metavar="OLD", help="the old schema (or FOLDER with --all)"
    )
    parser.add_argument("new", nargs="?", metavar="NEW", help="the new schema")
    parser.add_argument(
        "--mode",
        choices=[m.value for m in Mode],
        default=Mode.BACKWARD.value,
        help="which inclusion must hold (default: backward, new readers read old data)",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="OLD is a folder of revisions (v0.1, v0.2, ...): check every consecutive pair and "
        "every older revision against the newest",
    )
    parser.add_argument(
        "--base",
        metavar="REF",
        help="with --all: a git ref (e.g. origin/main) whose released revisions must be unchanged",
    )
    parser.add_argument(
        "--allow-unclassified",
        action="store_true",
        help="report changes no rule classifies as warnings instead of failing",
    )
    parser.add_argument(
        "--default-dialect",
        choices=list(DIALECTS),
        metavar="DIALECT",
        help="how to read schema files that declare no $schema: "
        + ", ".join(DIALECTS)
        + " (default: 2020-12)",
    )
    formats = formats_for(NAME)
    parser.add_argument("--format", "-f", choices=formats, default=formats[0], help="output format")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only breaking findings")
    parser.add_argument("--verbose", "-v", action="store_true", help="print rule details")


def run(args: argparse.Namespace, io: IO) -> ExitCode:
    """Compare, report, and return 0 (compatible), 1 (breaking) or 2 (bad input)."""
    if args.all:
        if args.old is None or args.new is not None:
            raise UsageError("compat --all takes exactly one FOLDER")
    elif args.old is None or args.new is None:
        raise UsageError("compat needs OLD and NEW (or --all FOLDER)")
    if args.base is not None and not args.all:
        raise UsageError("--base works with --all only")
    if args.default_dialect is not None and args.all:
        raise UsageError(
            "--default-dialect works with OLD and NEW only (revisions declare $schema)"
        )
    try:
        if args.all:
            report = check_all(
                args.old, args.mode, base=args.base, allow_unclassified=args.allow_unclassified
            )
        else:
            report = compare(
                str(args.old),
                str(args.new),
                args.mode,
                allow_unclassified=args.allow_unclassified,
                default_dialect=args.default_dialect,
            )
    except InputError as exc:
        raise UsageError(str(exc)) from None
    reporter = get_reporter(args.format)(io.stdout, verbose=args.verbose, quiet=args.quiet)
    reporter.start(
        {
            "command": NAME,
            "mode": args.mode,
            "old": args.old,
            "new": args.new,
            "all": args.all,
        }
    )
    for finding in report.findings:
        reporter.finding(finding)
    reporter.finish(report)
    return ExitCode.FINDINGS if report.failed else ExitCode.OK
