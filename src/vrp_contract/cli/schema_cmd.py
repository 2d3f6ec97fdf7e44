"""`vrp-contract schema`: print a revision's schema for tools in other languages."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from vrp_contract.cli._io import UsageError
from vrp_contract.findings import ExitCode
from vrp_contract.revisions import (
    RevisionDataError,
    UnknownRevisionError,
    list_revisions,
    load_revision,
)

if TYPE_CHECKING:
    import argparse

    from vrp_contract.cli._io import IO

NAME = "schema"
HELP = "Print the self-contained (bundled) event schema of a revision on stdout."
EPILOG = """\
exit codes:
  0  printed
  2  usage, input or output error: unknown revision, no such file in the revision, a full disk
  130  interrupted (Ctrl-C)

output: JSON (the bundle, or the file given with --file); --list prints tab-separated text"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `schema`."""
    parser.add_argument("--revision", "-r", help="revision to print (default: the latest)")
    parser.add_argument(
        "--list", action="store_true", help="list the revisions (name, label, status) instead"
    )
    parser.add_argument(
        "--file",
        metavar="REL",
        help="print one source file of the revision (e.g. state-machine.json) instead",
    )


def run(args: argparse.Namespace, io: IO) -> ExitCode:
    """Print the bundle, one file, or the revision list."""
    if args.list:
        for rev in list_revisions():
            label, status = rev.manifest.get("label", ""), rev.manifest.get("status", "")
            io.stdout.write(f"{rev.name}\t{label}\t{status}\n")
        return ExitCode.OK
    try:
        rev = load_revision(args.revision)
    except UnknownRevisionError as exc:
        raise UsageError(str(exc)) from None
    if args.file:
        parts = args.file.replace("\\", "/").split("/")
        if args.file.startswith("/") or ".." in parts or not args.file.endswith(".json"):
            msg = "--file takes a .json file inside the revision (e.g. state-machine.json)"
            raise UsageError(f"{msg}, not {args.file!r}")
        try:
            doc = rev.data_file(args.file)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise UsageError(f"revision {rev.name} has no file {args.file!r}") from None
        except RevisionDataError as exc:
            raise UsageError(str(exc)) from None
    else:
        try:
            doc = rev.bundle()
        except RevisionDataError as exc:
            raise UsageError(str(exc)) from None
    io.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    return ExitCode.OK
