"""The `vrp-contract` command line: parse arguments, call the library, map errors to exit codes.

Each sub-command is one module with `NAME`, `HELP`, `add_arguments(parser)` and
`run(args, io) -> ExitCode`; adding a command is adding its module to `_COMMANDS`.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import importlib
import sys
import textwrap
from typing import TYPE_CHECKING

from vrp_contract._version import __version__
from vrp_contract.cli._io import IO, UsageError
from vrp_contract.findings import ExitCode

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import ModuleType

__all__ = ["build_parser", "main"]

_COMMANDS = ("validate", "schema", "compat", "revision", "vendor", "registry", "flink")


def _load(name: str) -> ModuleType:
    return importlib.import_module(f"vrp_contract.cli.{name}_cmd")


_EXIT_CODES = """\
exit codes:
  0  no error finding
  1  at least one error finding
  2  usage, input or output error (one line on stderr, never a traceback)
  130  interrupted (Ctrl-C)"""


def _epilog(cmd: argparse.ArgumentParser) -> str:
    """The exit codes and, for a command with `--format`, its default format."""
    default = cmd.get_default("format")
    return _EXIT_CODES + (f"\n\ndefault format: {default}" if default else "")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        command = self.prog.removeprefix("vrp-contract").strip()
        if not command and "required: COMMAND" in message:
            message += f" ({', '.join(_COMMANDS)}; see vrp-contract --help)"
        raise UsageError(f"{command}: {message}" if command else message)


class _Version(argparse.Action):
    """`--version`: the package's version and its native engine's (imported only then)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,  # noqa: ARG002
        values: object,  # noqa: ARG002
        option_string: str | None = None,  # noqa: ARG002
    ) -> None:
        from vrp_contract_engine import __version__ as engine  # noqa: PLC0415 - rarely needed

        print(f"{parser.prog} {__version__} (native engine {engine})")  # as argparse's own
        parser.exit()


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Return the argument parser with every available sub-command.

    `only`: the command about to run; the other commands' modules (and what they import) are
    then not loaded, and their sub-parsers stay bare.
    """
    parser = _Parser(
        prog="vrp-contract",
        description="The VRP event contract: validate event streams, print schemas, "
        "check schema compatibility.",
    )
    parser.add_argument(
        "--version", action=_Version, nargs=0, help="show the package's and the engine's version"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in _COMMANDS:
        if only is not None and name != only:
            sub.add_parser(name)
            continue
        module = _load(name)
        cmd = sub.add_parser(
            module.NAME,
            help=module.HELP,
            description=textwrap.fill(module.HELP, 78),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(cmd)
        cmd.epilog = getattr(module, "EPILOG", None) or _epilog(cmd)
        cmd.set_defaults(_run=module.run)
    return parser


def _unrecognized(parser: argparse.ArgumentParser, command: str | None, unknown: list[str]) -> str:
    """What argparse says of arguments no parser took, with the closest option of the command."""
    options: list[str] = list(parser._option_string_actions)  # noqa: SLF001 - argparse's own table
    for action in parser._actions:  # noqa: SLF001
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:  # noqa: SLF001
            options = list(action.choices[command]._option_string_actions)  # noqa: SLF001
    message = f"unrecognized arguments: {' '.join(unknown)}"
    guesses = difflib.get_close_matches(unknown[0].split("=", 1)[0], options, n=1)
    if guesses:
        message += f" (did you mean {guesses[0]}?)"
    return f"{command}: {message}" if command else message


def _parse(argv: list[str]) -> argparse.Namespace:
    """The parsed command line; an argument no parser takes is a `UsageError` with a guess."""
    command = argv[0] if argv and argv[0] in _COMMANDS else None
    parser = build_parser(command)
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        raise UsageError(_unrecognized(parser, command, unknown))
    return args


def main(
    argv: Sequence[str] | None = None,
    io: IO | None = None,
) -> int:
    """Run the command line with `argv` (default: `sys.argv[1:]`) and return the exit code."""
    io = io or IO.from_sys()
    try:
        with contextlib.redirect_stdout(io.stdout):  # --help and --version write to `io`
            args = _parse(list(sys.argv[1:] if argv is None else argv))
        code = int(args._run(args, io))  # noqa: SLF001 - set by build_parser
        io.stdout.flush()  # a full disk shows here at the latest, not in the interpreter's exit
    except UsageError as exc:
        io.stderr.write(f"vrp-contract: error: {exc}\n")
        return ExitCode.USAGE
    except BrokenPipeError:  # `vrp-contract ... | head`: the reader left, nothing to report
        sys.stderr = None  # silence the interpreter's own flush error at exit
        return ExitCode.OK
    except KeyboardInterrupt:
        io.stderr.write("vrp-contract: interrupted\n")
        return 130
    except OSError as exc:  # no command lets one escape but for its output: a full disk, EIO
        io.abandon_stdout()
        where = f"{exc.filename}: " if exc.filename else "cannot write the output: "
        io.stderr.write(f"vrp-contract: error: {where}{exc.strerror or exc}\n")
        return ExitCode.USAGE
    except SystemExit as exc:  # argparse --help / --version
        return int(exc.code or 0)
    return code
