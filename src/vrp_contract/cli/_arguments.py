"""Argument types and options that several commands share (one definition each)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from vrp_contract.stream.reader import DEFAULT_MAX_LINE

if TYPE_CHECKING:
    from collections.abc import Callable


def _at_least(text: str, least: int, most: int | None = None) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"expected at least {least}, got {value}")
    if most is not None and value > most:
        raise argparse.ArgumentTypeError(f"expected at most {most}, got {value}")
    return value


def between(least: int, most: int) -> Callable[[str], int]:
    """An `argparse` type: a whole number from `least` to `most`."""

    def parse(text: str) -> int:
        return _at_least(text, least, most)

    return parse


def whole(text: str) -> int:
    """An `argparse` type: a whole number, 0 or more."""
    return _at_least(text, 0)


def positive(text: str) -> int:
    """An `argparse` type: a whole number, 1 or more."""
    return _at_least(text, 1)


def add_max_line_argument(parser: argparse.ArgumentParser) -> None:
    """`--max-line-bytes N`: the reader's `Source.max_line` (`validate`, `flink run`)."""
    parser.add_argument(
        "--max-line-bytes",
        type=whole,
        default=DEFAULT_MAX_LINE,
        metavar="N",
        help="skip a line longer than N bytes unread and report it as input.line-too-long, so "
        f"that no input exhausts memory (default: {DEFAULT_MAX_LINE}, 64 MiB; 0: no limit)",
    )
