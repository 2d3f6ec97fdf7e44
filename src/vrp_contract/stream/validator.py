"""The stream validator: schema and invariants over JSON Lines, yielding findings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from inspect import GEN_CLOSED, getgeneratorstate
from typing import TYPE_CHECKING, Any, Union

import orjson

from vrp_contract import catalog
from vrp_contract.findings import Finding, Severity, line_finding
from vrp_contract.revisions import load_revision
from vrp_contract.stream.explain import Violation
from vrp_contract.stream.native import LineEngine
from vrp_contract.stream.parallel import counted, decoded_ahead
from vrp_contract.stream.parse import acyclic, duplicate_problems, json_kind, parse_line
from vrp_contract.stream.policy import Policy, load_policy
from vrp_contract.stream.reader import LongLine, ReadError, split_lines
from vrp_contract.stream.schema_check import FastChecker, ReferenceChecker, SchemaChecker
from vrp_contract.stream.session import SessionTracker

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from vrp_contract.revisions import Revision
    from vrp_contract.stream.native import EngineViolation
    from vrp_contract.stream.reader import Source
    from vrp_contract.stream.types import Problem, Record

__all__ = ["StreamSummary", "StreamValidator"]

Explained = tuple[list["Problem"], "Record | None", Any, Any, Any]
Decoded = Union["Record", Explained]
"""One decoded line: fold arguments (accepted by the fast path) or an explanation."""
_ERROR = Severity.ERROR


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
    forgotten: int = 0
    """Terminated session ids forgotten past `remembered` (not in `as_dict`: a hint for people)."""
    remembered: int = 0
    """How many terminated ids the run remembers (`--remember-terminated`)."""

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
        """A verdict line, then a table of the findings per rule (a header, one row per rule)."""
        verdict = "FAILED" if self.failed else "OK"
        counts = f"{_n(self.lines, 'line')} ({self.valid:,} valid, {self.invalid:,} invalid)"
        found = f"{_n(self.errors, 'error')}, {_n(self.warnings, 'warning')}"
        sessions = f"{_n(self.sessions, 'session')} ({self.open_sessions:,} still open)"
        out = [f"{verdict}: {counts}, {found}, {sessions}, against revision {self.revision}."]
        if self.by_rule:
            out.append(f"  {'findings':>9}  rule")
            out.extend(f"  {n:>9,}  {rule}" for rule, n in sorted(self.by_rule.items()))
        if self.forgotten and self.by_rule[_CREATED_FIRST]:
            out.append(
                f"Note: {_n(self.forgotten, 'terminated session id')} forgotten past the last "
                f"{self.remembered:,} (--remember-terminated); an event of a forgotten session "
                f"is reported as {_CREATED_FIRST}."
            )
        return out


_CREATED_FIRST = "session.created-first"


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
        engine: str = "fast",
    ) -> None:
        """Prepare the checkers and an empty session table.

        `engine="reference"` checks every line with python-jsonschema instead of jsonschema-rs;
        the findings are the same, only slower (the differential tests compare the two).
        `RevisionDataError` (`vrp_contract.revisions`) when a data file of the revision is
        broken (`Revision.check_data`).
        """
        self.revision = (
            revision
            if revision is None or not isinstance(revision, str)
            else load_revision(revision)
        ) or load_revision()
        self.revision.check_data()  # RevisionDataError: a broken data file, one line
        self.policy = policy or load_policy(self.revision)
        if engine not in {"fast", "reference"}:
            raise ValueError(f"unknown engine {engine!r}: fast or reference")
        self.engine = engine
        self.schema: FastChecker | ReferenceChecker = (
            FastChecker(self.revision) if engine == "fast" else ReferenceChecker(self.revision)
        )
        self._clock = str(self.revision.behaviour["clock"])
        self.tracker = SessionTracker(
            self.revision,
            self.policy,
            assume_open_sessions=assume_open_sessions,
            remember_terminated=remember_terminated,
        )
        self.native = (
            LineEngine(self.revision, self.schema, self.tracker.fold.behaviour)
            if isinstance(self.schema, FastChecker)
            else None
        )
        """The native line engine (None with the reference engine)."""
        self.summary = StreamSummary(self.revision.name)
        self._severity: dict[str, Severity] = {}
        """Severity by rule id, from the catalog (cached: findings can be millions)."""

    def check_source(
        self,
        source: Source,
        *,
        ahead: bool = False,
        on_chunk: Callable[[int], object] | None = None,
    ) -> Iterator[Finding]:
        """Yield the findings of every line of `source`, in line order.

        `ahead`: decode the next chunk on a thread while this one is folded (`decoded_ahead`:
        for regular files on a machine with a second core; the findings are the same).
        `on_chunk(lines)` is told the number of lines of each chunk before it is folded.
        """
        decode = self.block_decoder()
        read = source.chunks(count=False)  # `fold` counts the lines: a read error gets its number
        chunks = decoded_ahead(decode, read) if ahead else map(decode, read)
        if on_chunk is not None:
            chunks = counted(chunks, on_chunk)
        return self.fold(chunks, source.name)

    def check_blocks(self, blocks: Iterable[list[bytes]], source: str = "-") -> Iterator[Finding]:
        """Yield the findings of consecutive blocks of raw lines (the lines of one source).

        Each block is decoded whole (see `chunk_decoder`); a pipe's blocks are single lines, so
        a live stream still gets its findings as it goes.
        """
        return self.fold(map(self.chunk_decoder(), blocks), source)

    def iter_findings(self, lines: Iterable[bytes | str], source: str = "-") -> Iterator[Finding]:
        """Yield the findings of every line (bytes or str, with or without line terminators).

        Lines are consumed one at a time, so a live iterable gets its findings as it goes.
        """
        raw = (x.encode("utf-8", "surrogateescape") if x.__class__ is str else x for x in lines)
        return self.fold([map(self.decoder(), raw)], source)  # type: ignore[arg-type]

    def chunk_decoder(self, threads: int = 1) -> Callable[[list[bytes]], list[Decoded]]:
        """Return the stateless per-chunk function: one fold record or explanation per line.

        A fold record is a `Record` (its first item a str); an explanation is `explain`'s tuple
        (its first item the list of problems). `--jobs` runs this in worker processes.

        With the fast engine, the native engine (`stream.native`) parses, dispatches on the
        event type (the union is discriminated), checks and cuts the record of every line in
        one call per chunk, with `threads` threads; the lines it does not accept come back to
        `explain`. The cycle collector is paused meanwhile (see `acyclic`).
        """
        if self.native is None:
            explain = self.explain

            def explain_all(lines: list[bytes]) -> list[Decoded]:
                with acyclic():
                    return list(map(explain, lines))

            return explain_all
        decode, from_engine, explain = self.native.decode, self._from_engine, self.explain

        def decode_chunk(lines: list[bytes]) -> list[Decoded]:
            with acyclic():
                if b"" in lines and any(line.__class__ is LongLine for line in lines):
                    return [  # a rare chunk: a line the reader skipped as too long
                        explain(x) if x.__class__ is LongLine else decode([x], from_engine)[0]
                        for x in lines
                    ]
                return decode(lines, from_engine, threads)

        return decode_chunk

    def block_decoder(self, threads: int = 1) -> Callable[[bytes], list[Decoded]]:
        """Return `chunk_decoder` for a block of whole lines (a chunk of a source).

        The lines are cut as `reader.split_lines` cuts them; the native engine does it itself.
        """
        explain = self.explain
        if self.native is None:
            explain_all = self.chunk_decoder()
            return lambda block: explain_all(split_lines(block))
        decode, from_engine = self.native.decode_block, self._from_engine

        def decode_block(block: bytes) -> list[Decoded]:
            if block.__class__ is LongLine:  # a line the reader skipped as too long
                return [explain(block)]
            with acyclic():
                return decode(block, from_engine, threads)

        return decode_block

    def decoder(self) -> Callable[[bytes], Decoded]:
        """Return the stateless per-line function (`chunk_decoder` of one line)."""
        if self.native is None:
            return self.explain
        decode, from_engine, explain = self.native.decode, self._from_engine, self.explain

        def decode_line(raw: bytes) -> Decoded:
            if raw.__class__ is LongLine:
                return explain(raw)
            item: Decoded = decode([raw], from_engine)[0]
            return item

        return decode_line

    def _from_engine(self, raw: bytes, found: list[EngineViolation] | None) -> Explained:
        """Explain a line the native engine did not accept, with the violations it found."""
        if found is None:
            return self.explain(raw)
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError:  # the engine parsed it: only Python's limits differ
            return self.explain(raw)
        return self._explained(raw, obj, found=list(map(Violation._make, found)))

    def fold(self, chunks: Iterable[Iterable[Decoded]], source: str = "-") -> Iterator[Finding]:
        """Feed decoded lines, chunk by chunk in input order, through the session fold.

        This is the only stateful step; it yields the findings of each line as it goes. The
        tracker's `lines` folds a whole chunk in one call and stops only at lines with problems (a
        lazy chunk is read one line at a time); a chunk of one line (a pipe's) takes one `step`.
        """
        summary = self.summary
        summary.sources.append(source)
        tracker = self.tracker
        step, lines = tracker.step, tracker.lines
        count = invalid = 0
        folding = None
        try:
            item: Any  # the Decoded union, narrowed by its first element below
            for chunk in chunks:
                if chunk.__class__ is list and len(chunk) == 1:
                    folding = None
                    count += 1
                    item = chunk[0]
                    if item[0].__class__ is str:  # accepted by the fast path
                        problems = step(item)
                    else:
                        problems = item[0] if item[1] is None else item[0] + step(item[1])
                    if problems:
                        invalid += 1
                        yield from self._findings(problems, *_identity(item), source, count)
                    continue
                # the last tuple of a chunk is (its last line number, None, None)
                folding = lines(chunk, count)
                for number, problems, item in folding:
                    count = number
                    if problems is not None:
                        invalid += 1
                        yield from self._findings(problems, *_identity(item), source, number)
        except ReadError as exc:
            if exc.before is not None:
                raise
            raise exc.after_line(count) from None  # every line read before it was folded
        finally:
            if folding is not None and getgeneratorstate(folding) == GEN_CLOSED:  # ended (error?)
                count = tracker.reached
            summary.lines += count
            summary.valid += count - invalid
            summary.invalid += invalid
            summary.sessions = tracker.seen
            summary.open_sessions = tracker.open_sessions
            summary.remembered = tracker.remember_terminated
            summary.forgotten = max(0, tracker.seen - tracker.open_sessions - summary.remembered)

    def explain(self, raw: bytes) -> Explained:
        """The stateless half of the reference path: input and schema problems, fold arguments.

        Returns (problems, step arguments or None, session_id, event_type, ts_ms); it reads no
        session state, so `--jobs` runs it in worker processes.
        """
        if raw[-1:] == b"\n":
            raw = raw.rstrip(b"\r\n")
        obj, problems = parse_line(raw)
        if obj is None:
            return problems, None, None, None, None
        return self._explained(raw, obj, problems)

    def _explained(
        self,
        raw: bytes,
        obj: dict[str, Any],
        problems: list[Problem] | None = None,
        found: list[Violation] | None = None,
    ) -> Explained:
        """`explain` of a line already parsed into the object `obj` (`found`: its violations)."""
        if problems is None:
            problems = duplicate_problems(raw, obj)
        problems.extend(self.schema.problems(obj, found))
        clock = self._clock
        ts_valid = True
        for problem in problems:
            if problem[1] == clock:
                ts_valid = False
                break
        args = self.tracker.record(obj, ts_valid=ts_valid)
        # the clock as the fold reads it (a whole float is an integer), else as written
        ts = obj.get("ts_ms") if args is None or args[2] is None else args[2]
        return problems, args, obj.get("session_id"), obj.get("event_type"), ts

    def _findings(  # noqa: PLR0913, PLR0917 - the parts of one line's identity
        self,
        problems: list[Problem],
        /,
        sid: object,
        event_type: object,
        ts: object,
        source: str,
        number: int,
    ) -> Iterator[Finding]:
        """The findings of one line's problems, counted in the summary.

        A line has few: they are built at once, without a generator per line.
        """
        summary = self.summary
        by_rule = summary.by_rule
        severities = self._severity
        context: dict[str, Any] = {}
        if event_type.__class__ is str:
            context["event_type"] = event_type
        if ts.__class__ is int:
            context["ts_ms"] = ts
        session = sid if sid.__class__ is str else None
        out: list[Finding] = []
        for rule, pointer, message in problems:
            severity = severities.get(rule)
            if severity is None:
                severity = severities[rule] = catalog.severity(rule, self.revision)
            if severity is _ERROR:
                summary.errors += 1
            else:
                summary.warnings += 1
            by_rule[rule] += 1
            out.append(
                line_finding(rule, severity, message, pointer, source, number, session, context)
            )
        return iter(out)


def _identity(item: Any) -> tuple[object, object, object]:  # noqa: ANN401 - a Decoded
    """The session id, event type and clock of a decoded line, as its findings name them."""
    if item[0].__class__ is str:  # a fold record
        return item[0], item[1], item[2]
    return item[2], item[3], item[4]  # an explanation


def validate_event(event: Any, revision: Revision | str | None = None) -> list[Finding]:  # noqa: ANN401
    """Return the schema findings of one event (a parsed JSON value); empty means valid.

    Only the event itself is checked: session invariants need a stream (`StreamValidator`).
    """
    rev = load_revision(revision) if not hasattr(revision, "registry") else revision
    checker = _checker(rev)  # type: ignore[arg-type]
    if not isinstance(event, dict):
        message = f"The value is a JSON {json_kind(event)}, not an event object."
        return [Finding("input.not-object", Severity.ERROR, message)]
    return [
        Finding(rule, catalog.severity(rule, rev), message, pointer)  # type: ignore[arg-type]
        for rule, pointer, message in checker.problems(event)
    ]


_CHECKERS: dict[str, SchemaChecker] = {}


def _checker(revision: Revision) -> SchemaChecker:
    if revision.name not in _CHECKERS:
        _CHECKERS[revision.name] = SchemaChecker(revision)
    return _CHECKERS[revision.name]
