"""The stream validator: schema and invariants over JSON Lines, yielding findings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vrp_contract.findings import Finding, Severity
from vrp_contract.revisions import load_revision
from vrp_contract.stream.parse import parse_line
from vrp_contract.stream.policy import Policy, load_policy
from vrp_contract.stream.schema_check import SchemaChecker
from vrp_contract.stream.session import SessionTracker

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from vrp_contract.revisions import Revision
    from vrp_contract.stream.reader import Source

__all__ = ["StreamSummary", "StreamValidator"]

_WARNINGS = frozenset({"input.blank-line"})


@dataclass
class StreamSummary:
    """Counts of one validation run; `lines == valid + invalid` always holds."""

    revision: str
    sources: list[str] = field(default_factory=list)
    lines: int = 0
    valid: int = 0
    invalid: int = 0
    errors: int = 0
    warnings: int = 0
    sessions: int = 0
    open_sessions: int = 0
    by_rule: Counter[str] = field(default_factory=Counter)

    @property
    def failed(self) -> bool:
        """True when at least one error finding was reported."""
        return self.errors > 0

    def as_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data."""
        return {
            "revision": self.revision,
            "sources": self.sources,
            "lines": self.lines,
            "valid": self.valid,
            "invalid": self.invalid,
            "errors": self.errors,
            "warnings": self.warnings,
            "sessions": self.sessions,
            "open_sessions": self.open_sessions,
            "by_rule": dict(sorted(self.by_rule.items())),
        }

    def text_lines(self) -> list[str]:
        """A verdict line, then one line per rule that fired."""
        verdict = "FAILED" if self.failed else "OK"
        counts = f"{_n(self.lines, 'line')} ({self.valid:,} valid, {self.invalid:,} invalid)"
        found = f"{_n(self.errors, 'error')}, {_n(self.warnings, 'warning')}"
        sessions = f"{_n(self.sessions, 'session')} ({self.open_sessions:,} still open)"
        out = [f"{verdict}: {counts}, {found}, {sessions}, against revision {self.revision}."]
        out.extend(f"  {n:>9,}  {rule}" for rule, n in sorted(self.by_rule.items()))
        return out


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


class StreamValidator:
    """Validates event streams against one revision: schema per event, invariants per session.

    Sessions carry over from one source to the next, so a day split into hourly files can be
    checked as one stream by passing the files in order.
    """

    def __init__(
        self,
        revision: Revision | str | None = None,
        *,
        policy: Policy | None = None,
        assume_open_sessions: bool = False,
        remember_terminated: int = 200_000,
    ) -> None:
        """Prepare the schema checker and an empty session table."""
        self.revision = (
            revision
            if revision is None or not isinstance(revision, str)
            else load_revision(revision)
        ) or load_revision()
        self.policy = policy or load_policy(self.revision)
        self.schema = SchemaChecker(self.revision)
        self.tracker = SessionTracker(
            self.revision,
            self.policy,
            assume_open_sessions=assume_open_sessions,
            remember_terminated=remember_terminated,
        )
        self.summary = StreamSummary(self.revision.name)
        self._severity = {inv["id"]: Severity(inv["severity"]) for inv in self.revision.invariants}

    def check_source(self, source: Source) -> Iterator[Finding]:
        """Yield the findings of every line of `source`, in line order."""
        return self.iter_findings((raw for _, raw in source.lines()), source.name)

    def iter_findings(self, lines: Iterable[bytes | str], source: str = "-") -> Iterator[Finding]:
        """Yield the findings of every line (bytes or str, with or without line terminators)."""
        summary = self.summary
        summary.sources.append(source)
        schema, tracker = self.schema, self.tracker
        for number, raw in enumerate(lines, 1):
            data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else raw
            if data[-1:] == b"\n":  # lines straight from a file keep their terminator
                data = data.rstrip(b"\r\n")
            obj, problems = parse_line(data)
            if obj is not None:
                if not schema.is_valid(obj):
                    problems.extend(schema.problems(obj))
                problems.extend(tracker.observe(obj))
            summary.lines += 1
            if not problems:
                summary.valid += 1
                continue
            summary.invalid += 1
            yield from self._findings(problems, obj, source, number)
            summary.sessions = tracker.seen
        summary.sessions = tracker.seen
        summary.open_sessions = tracker.open_sessions

    def _findings(
        self,
        problems: list[tuple[str, str, str]],
        obj: Any,  # noqa: ANN401 - a parsed JSON value
        source: str,
        number: int,
    ) -> Iterator[Finding]:
        summary = self.summary
        sid = obj.get("session_id") if obj is not None else None
        context: dict[str, Any] = {}
        if obj is not None:
            for key in ("event_type", "ts_ms"):
                value = obj.get(key)
                if isinstance(value, (str, int)) and not isinstance(value, bool):
                    context[key] = value
        for rule, pointer, message in problems:
            severity = self._severity.get(
                rule, Severity.WARNING if rule in _WARNINGS else Severity.ERROR
            )
            if severity is Severity.ERROR:
                summary.errors += 1
            else:
                summary.warnings += 1
            summary.by_rule[rule] += 1
            yield Finding(
                rule=rule,
                severity=severity,
                message=message,
                pointer=pointer,
                source=source,
                line=number,
                session_id=sid if isinstance(sid, str) else None,
                context=context,
            )


def validate_event(event: Any, revision: Revision | str | None = None) -> list[Finding]:  # noqa: ANN401
    """Return the schema findings of one event (a parsed JSON value); empty means valid.

    Only the event itself is checked: session invariants need a stream (`StreamValidator`).
    """
    rev = load_revision(revision) if not hasattr(revision, "registry") else revision
    checker = _checker(rev)  # type: ignore[arg-type]
    if not isinstance(event, dict):
        kind = type(event).__name__
        return [
            Finding(
                "input.not-object", Severity.ERROR, f"The value is a {kind}, not an event object."
            )
        ]
    return [
        Finding(rule, Severity.ERROR, message, pointer)
        for rule, pointer, message in checker.problems(event)
    ]


_CHECKERS: dict[str, SchemaChecker] = {}


def _checker(revision: Revision) -> SchemaChecker:
    if revision.name not in _CHECKERS:
        _CHECKERS[revision.name] = SchemaChecker(revision)
    return _CHECKERS[revision.name]
