"""The one report object shared by every checker: a frozen, serialisable `Finding`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from importlib import resources
from typing import Any

__all__ = ["ExitCode", "Finding", "Severity", "finding_schema"]


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


def finding_schema() -> dict[str, Any]:
    """Return the published JSON Schema of a serialised `Finding`."""
    text = resources.files("vrp_contract").joinpath("data/finding.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
