"""The reporter interface: findings in, one output format out."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import orjson

from vrp_contract.stream.parse import big_int_digits

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import TextIO

    from vrp_contract.findings import Finding

__all__ = ["Reporter", "Summary", "json_line"]


def json_line(data: Any) -> str:  # noqa: ANN401
    """`data` as one line of compact JSON, newline included; integers exact at any size."""
    try:
        return orjson.dumps(data, option=orjson.OPT_APPEND_NEWLINE).decode()
    except TypeError:  # an integer beyond 64 bits, which orjson refuses
        pass
    try:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    except ValueError:  # more than 4,300 digits
        with big_int_digits():
            text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text + "\n"


class Summary(Protocol):
    """What a command knows at the end of a run; each command has its own implementation."""

    @property
    def failed(self) -> bool:
        """True when the run found at least one error."""
        ...

    def as_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data."""
        ...

    def text_lines(self) -> list[str]:
        """The summary as lines of human-readable text."""
        ...


class Reporter(ABC):
    """Turns a stream of findings into one output format; one subclass per format."""

    name: ClassVar[str]
    """The `--format` value."""
    commands: ClassVar[frozenset[str]]
    """The commands (`validate`, `compat`) that offer this format."""

    def __init__(self, out: TextIO, *, verbose: bool = False, quiet: bool = False) -> None:
        """Write to `out`; `quiet` keeps only error findings, `verbose` adds detail."""
        self.out = out
        self.verbose = verbose
        self.quiet = quiet
        self.meta: dict[str, Any] = {}

    def start(self, meta: Mapping[str, Any]) -> None:
        """Called once before the first finding with facts about the run (command, inputs)."""
        self.meta = dict(meta)

    def finding(self, finding: Finding) -> None:
        """Called for every finding, in order, as soon as it is found (quiet: errors only)."""
        if self.quiet and not finding.is_error:
            return
        self.write(finding)

    @abstractmethod
    def write(self, finding: Finding) -> None:
        """Report one finding that passed the quiet filter."""

    def finish(self, summary: Summary) -> None:  # noqa: B027 - optional hook
        """Called once at the end of the run."""
