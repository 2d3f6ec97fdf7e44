"""The one report object shared by every checker: a frozen, serialisable `Finding`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from enum import IntEnum, StrEnum
from importlib import resources
from typing import Any

__all__ = ["ExitCode", "Finding", "Severity", "finding_schema", "line_finding"]


class Severity(StrEnum):
    """How bad a finding is; only `error` fails a check."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class ExitCode(IntEnum):
    """The exit codes of every `vrp-contract` command."""

    OK = 0
    FINDINGS = 1
    USAGE = 2


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in an event stream or between two schema revisions.

    `pointer` is a JSON Pointer into the event (validator) or into the NEW schema (compat);
    `old_pointer` is the pointer into the OLD schema. `line` is 1-based within `source`.
    """

    rule: str
    severity: Severity
    message: str
    pointer: str = ""
    source: str | None = None
    line: int | None = None
    session_id: str | None = None
    old_pointer: str | None = None
    directions: tuple[str, ...] = ()
    context: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)

    @property
    def is_error(self) -> bool:
        """True when this finding fails the check."""
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (see `finding_schema()`); unset optional fields are omitted."""
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": str(self.severity),
            "message": self.message,
            "pointer": self.pointer,
        }
        if self.source is not None:
            out["source"] = self.source
        if self.line is not None:
            out["line"] = self.line
        if self.session_id is not None:
            out["session_id"] = self.session_id
        if self.old_pointer is not None:
            out["old_pointer"] = self.old_pointer
        if self.directions:
            out["directions"] = list(self.directions)
        if self.context:
            out["context"] = self.context
        return out


_FIELDS = (
    "rule",
    "severity",
    "message",
    "pointer",
    "source",
    "line",
    "session_id",
    "old_pointer",
    "directions",
    "context",
)
if tuple(f.name for f in fields(Finding)) != _FIELDS:  # pragma: no cover - a maintainer's slip
    raise ImportError("Finding's fields changed: update line_finding in findings.py")
_NEW = object.__new__
(_RULE, _SEVERITY, _MESSAGE, _POINTER, _SOURCE, _LINE, _SESSION, _OLD, _DIRECTIONS, _CONTEXT) = (
    vars(Finding)[name].__set__ for name in _FIELDS
)
"""The slot setters of `Finding` (its frozen `__init__` reaches them by name, through
`object.__setattr__`)."""


def line_finding(  # noqa: PLR0913, PLR0917 - one argument per field of a stream finding
    rule: str,
    severity: Severity,
    message: str,
    pointer: str,
    source: str | None,
    line: int | None,
    session_id: str | None,
    context: dict[str, Any],
) -> Finding:
    """`Finding(rule, severity, message, pointer, source, line, session_id, context=context)`.

    The same object (equal, same type, still frozen), built about 2.5 times faster: the
    dataclass's `__init__` sets each of the ten fields through `object.__setattr__` by name, this
    sets the slots directly. For the validator's hot loop, which builds one per finding.
    """
    finding: Finding = _NEW(Finding)
    _RULE(finding, rule)
    _SEVERITY(finding, severity)
    _MESSAGE(finding, message)
    _POINTER(finding, pointer)
    _SOURCE(finding, source)
    _LINE(finding, line)
    _SESSION(finding, session_id)
    _OLD(finding, None)
    _DIRECTIONS(finding, ())
    _CONTEXT(finding, context)
    return finding


def finding_schema() -> dict[str, Any]:
    """Return the published JSON Schema of a serialised `Finding`."""
    text = resources.files("vrp_contract").joinpath("data/finding.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
