"""`vrp-contract vendor`: copy a revision into a service's tree with a lock; check such a copy."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from vrp_contract.cli._io import UsageError
from vrp_contract.findings import ExitCode
from vrp_contract.reporters import formats_for, get_reporter
from vrp_contract.revisions import UnknownRevisionError, load_revision
from vrp_contract.vendor import LOCK_NAME, VendorError, check_vendored, vendor_revision

if TYPE_CHECKING:
    import argparse

    from vrp_contract.cli._io import IO

NAME = "vendor"
HELP = (
    "Copy a revision's files (schemas, bundle, state machine, invariants, policy, behaviour "
    f"data, vectors) into DIR with a lock ({LOCK_NAME}), or check such a copy with --check."
)
EPILOG = f"""\
examples:
  vrp-contract vendor --revision 0.1 contract/vrp/v0.1  write (or update) the copy and its lock
  vrp-contract vendor --check contract/vrp/v0.1         in CI: exit 1 when it was edited or stale
  (not under a top-level vendor/: Go modules, Composer and Bundler own that folder)

exit codes:
  0  written; with --check: every file matches {LOCK_NAME} and this package
  1  --check only: a file was edited, is missing or unexpected, or the copy is stale
  2  usage, input or output error (unknown revision, a non-empty folder without a lock, a bad
     lock, a full disk)
  130  interrupted (Ctrl-C)

default format (--check): text"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `vendor`."""
    parser.add_argument("dir", metavar="DIR", help="the folder holding the vendored revision")
    parser.add_argument(
        "--revision",
        "-r",
        help="revision to vendor (default: the latest); with --check, the revision DIR must hold",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when DIR differs from its lock or from this package",
    )
    parser.add_argument(
        "--format",
        "-f",
        choices=formats_for(NAME),
        default="text",
        help="output format of --check (default: text)",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="print only the findings")


def run(args: argparse.Namespace, io: IO) -> ExitCode:
    """Vendor a revision into DIR, or check DIR."""
    target = Path(args.dir)
    try:
        if args.check:
            return _check(args, io, target)
        try:
            revision = load_revision(args.revision)
        except UnknownRevisionError as exc:
            raise UsageError(str(exc)) from None
        result = vendor_revision(revision, target)
    except VendorError as exc:
        raise UsageError(f"vendor: {exc}") from None
    for rel in result.removed:
        io.stdout.write(f"removed {target / rel} (not in revision {result.revision})\n")
    for rel in result.unexpected:
        io.stderr.write(f"note: {target / rel} is not part of the vendored revision\n")
    if not args.quiet:
        label = revision.manifest.get("label", revision.name)
        io.stdout.write(
            f"vendored revision {revision.name} ({label}): {result.files} files and {LOCK_NAME} "
            f"in {target}\n"
        )
    return ExitCode.OK


def _check(args: argparse.Namespace, io: IO, target: Path) -> ExitCode:
    findings, summary = check_vendored(target, args.revision)
    reporter = get_reporter(args.format)(io.stdout, quiet=args.quiet)
    reporter.start({"command": NAME, "folder": str(target), "revision": summary.revision})
    for finding in findings:
        reporter.finding(finding)
    reporter.finish(summary)
    return ExitCode.FINDINGS if summary.failed else ExitCode.OK
