"""`vrp-contract revision`: start the next contract revision, or release a draft one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from vrp_contract.cli._io import UsageError
from vrp_contract.findings import ExitCode
from vrp_contract.lifecycle import (
    LifecycleError,
    ReleaseRefusedError,
    new_revision,
    release_date,
    release_revision,
)

if TYPE_CHECKING:
    import argparse

    from vrp_contract.cli._io import IO

NAME = "revision"
HELP = (
    "Start the next contract revision from the latest (`revision new [VERSION]`) or release a "
    "draft after its checks pass (`revision release VERSION`)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the `new` and `release` actions."""
    parser.add_argument("action", choices=["new", "release"], help="what to do")
    parser.add_argument(
        "version",
        nargs="?",
        metavar="VERSION",
        help="the revision (e.g. 0.2); `new` defaults to the next minor of the latest",
    )
    parser.add_argument(
        "--repo",
        default=".",
        metavar="DIR",
        help="the vrp-contract checkout holding schema/ (default: the current directory)",
    )
    parser.add_argument(
        "--date", metavar="YYYY-MM-DD", help="release date to record (default: today, UTC)"
    )


def run(args: argparse.Namespace, io: IO) -> ExitCode:
    """Scaffold or release; 0 done, 1 a check refused the release, 2 bad input."""
    repo = Path(args.repo)
    if args.action == "release" and args.version is None:
        raise UsageError("revision release needs the VERSION to release (e.g. 0.2)")
    if args.date is not None and args.action != "release":
        raise UsageError("--date works with release only")
    if args.date is not None:
        try:
            release_date(args.date)
        except LifecycleError as exc:
            raise UsageError(f"revision release: {exc}") from None
    try:
        if args.action == "new":
            made = new_revision(repo, args.version)
            if not made.created:
                io.stdout.write(
                    f"{made.folder} already exists ({made.status} revision {made.version}); "
                    "nothing was changed.\n"
                )
                return ExitCode.OK
            io.stdout.write(
                f"Created {made.folder} (draft revision {made.version}) from {made.source}: "
                f"{made.files} files, every $id rewritten.\n"
                "Next: edit it, declare new event types and changed invariants in its "
                "revision.json, run `python scripts/generate.py`, add a CHANGELOG.md entry, then "
                f"`vrp-contract revision release {made.version}`.\n"
            )
            return ExitCode.OK
        done = release_revision(repo, args.version, today=args.date)
    except LifecycleError as exc:
        io.stderr.write(f"vrp-contract: error: revision {args.action}: {exc}\n")
        return ExitCode.FINDINGS if isinstance(exc, ReleaseRefusedError) else ExitCode.USAGE
    for step in done.steps:
        io.stdout.write(f"ok: {step}\n")
    io.stdout.write(f"Released revision {done.version} on {done.date} ({done.folder}).\n")
    return ExitCode.OK
