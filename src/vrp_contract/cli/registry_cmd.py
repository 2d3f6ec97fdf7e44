"""`vrp-contract registry push|check`: the contract in a Confluent-compatible schema registry.

Parsing and printing only; `vrp_contract.registry` talks to the registry and decides.
"""

from __future__ import annotations

import json
import os
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING

from vrp_contract.cli._io import UsageError
from vrp_contract.compat import InputError, load_source
from vrp_contract.findings import ExitCode
from vrp_contract.registry import (
    COMPATIBILITY_LEVELS,
    Auth,
    RegistryClient,
    RegistryError,
    check,
    push,
)
from vrp_contract.registry.auth import ENV_PASSWORD, ENV_TOKEN, ENV_USERNAME
from vrp_contract.reporters import get_reporter
from vrp_contract.revisions import list_revisions, schema_root

if TYPE_CHECKING:
    import argparse

    from vrp_contract.cli._io import IO
    from vrp_contract.registry import CheckReport
    from vrp_contract.revisions import Revision

NAME = "registry"
HELP = (
    "Register the contract's revisions in a schema registry (Confluent-compatible API: "
    "Confluent, Apicurio, Redpanda) and check a revision against it."
)
ENV_URL = "VRP_REGISTRY_URL"
DEFAULT_LEVEL = "BACKWARD_TRANSITIVE"


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--url",
        default=os.environ.get(ENV_URL),
        help=f"the registry's Confluent-compatible API base URL (default: ${ENV_URL}); "
        "Apicurio: http://HOST:PORT/apis/ccompat/v7",
    )
    parser.add_argument("--subject", required=True, help="the subject, e.g. vrp-events-value")
    parser.add_argument(
        "--schema-dir",
        metavar="DIR",
        help="the folder of revisions (v0.1, v0.2, ...; default: this checkout's schema/)",
    )
    parser.add_argument("--ca-file", metavar="PEM", help="trust this CA bundle for https")
    parser.add_argument(
        "--insecure", action="store_true", help="do not verify the registry's TLS certificate"
    )
    parser.add_argument(
        "--timeout", type=float, default=10.0, metavar="S", help="seconds per request (10)"
    )
    parser.add_argument("--format", "-f", choices=["text", "json"], default="text")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare `registry push` and `registry check`."""
    parser.epilog = (
        f"Credentials come from the environment only: {ENV_TOKEN} (bearer token), or "
        f"{ENV_USERNAME} and {ENV_PASSWORD} (basic auth)."
    )
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = sub.add_parser(
        "push",
        help="register every revision in order (idempotent) and set the compatibility level",
        description="Register every revision (oldest first, up to --revision) under SUBJECT "
        "as its bundled schema; an already registered revision is not a new version.",
    )
    _common(p)
    p.add_argument("--revision", "-r", help="the last revision to register (default: all)")
    p.add_argument(
        "--compatibility",
        choices=COMPATIBILITY_LEVELS,
        default=DEFAULT_LEVEL,
        help=f"the subject's compatibility level (default: {DEFAULT_LEVEL})",
    )
    c = sub.add_parser(
        "check",
        help="would the registry accept the newest revision? its verdict beside compat's",
        description="Ask the registry whether the newest revision (or --revision) would be "
        "accepted under SUBJECT, and compare with vrp-contract compat on the same documents.",
    )
    _common(c)
    c.add_argument("--revision", "-r", help="the revision to check (default: the newest)")
    c.add_argument("--quiet", "-q", action="store_true", help="print only breaking findings")
    c.add_argument("--verbose", "-v", action="store_true", help="print rule details")


def _revisions(args: argparse.Namespace) -> list[Revision]:
    folder = Path(args.schema_dir) if args.schema_dir else None
    if folder is not None and not folder.is_dir():
        raise UsageError(f"--schema-dir {args.schema_dir}: no such folder")
    revisions = list_revisions(folder)
    where = args.schema_dir or str(schema_root())
    if not revisions:
        raise UsageError(f"{where}: no revision folders (v0.1, v0.2, ...)")
    if args.revision is None:
        return revisions
    wanted = args.revision.removeprefix("v")
    names = [r.name for r in revisions]
    if wanted not in names:
        raise UsageError(f"{where}: no revision {args.revision!r}; known: {', '.join(names)}")
    return revisions[: names.index(wanted) + 1]


def _client(args: argparse.Namespace, io: IO) -> RegistryClient:
    if not args.url:
        raise UsageError(f"give --url or set {ENV_URL}")
    if args.timeout <= 0:
        raise UsageError(f"--timeout must be positive, not {args.timeout:g}")
    if args.insecure:
        io.stderr.write(
            "vrp-contract: warning: --insecure: the registry's TLS certificate is not verified\n"
        )
    return RegistryClient(
        args.url,
        auth=Auth.from_env(),
        ca_file=args.ca_file,
        insecure=args.insecure,
        timeout=args.timeout,
    )


def run(args: argparse.Namespace, io: IO) -> ExitCode:
    """Push or check; 0 ok, 1 rejected or incompatible, 2 usage, input or connection error."""
    try:
        return _run(args, io)
    except UsageError as exc:
        raise UsageError(f"registry {args.action}: {exc}") from None


def _run(args: argparse.Namespace, io: IO) -> ExitCode:
    revisions = _revisions(args)
    for rev in revisions:  # an unreadable revision is an input error, before any request
        try:
            load_source(str(rev.root))  # names the file, line and column of bad JSON
            rev.bundle()
        except InputError as exc:
            raise UsageError(str(exc)) from None
        except (OSError, ValueError, KeyError, LookupError) as exc:
            raise UsageError(f"{rev.root}: cannot bundle revision {rev.name}: {exc}") from None
    try:
        client = _client(args, io)
        if args.action == "push":
            result = push(client, args.subject, revisions, args.compatibility)
            if args.format == "json":
                io.stdout.write(json.dumps(result.as_dict(), indent=2) + "\n")
            else:
                io.stdout.write("".join(line + "\n" for line in result.text_lines()))
            return ExitCode.FINDINGS if result.failed else ExitCode.OK
        report = check(client, args.subject, revisions[-1], revisions)
    except (RegistryError, InputError) as exc:
        raise UsageError(str(exc)) from None
    if args.format == "json":
        io.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        _print_check(report, args, io)
    return ExitCode.FINDINGS if report.failed else ExitCode.OK


def _print_check(report: CheckReport, args: argparse.Namespace, io: IO) -> None:
    out = io.stdout
    out.write(
        f"subject {report.subject}: compatibility {report.level} ({report.level_source} level), "
        f"checked as compat --mode {report.mode}\n"
    )
    for c in report.checks:
        out.write(f"revision {report.revision} against {c.label()}:\n")
        lines = StringIO()
        reporter = get_reporter("text")(lines, verbose=args.verbose, quiet=args.quiet)
        for finding in c.findings:
            reporter.finding(finding)
        out.write("".join(f"  {line}\n" for line in lines.getvalue().splitlines()))
        theirs = "compatible" if c.registry_ok else "INCOMPATIBLE"
        said = f" ({'; '.join(c.registry_messages)})" if c.registry_messages else ""
        out.write(f"  registry: {theirs}{said}\n")
        out.write(f"  vrp-contract: {c.pair_line(report.mode)}\n")
        why = c.why(report.mode, report.revision)
        if why:
            out.write(f"  they differ: {why}.\n")
    out.write(report.verdict() + "\n")
