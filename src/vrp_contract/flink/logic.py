"""What the Flink operators do to one line and one session, in plain Python (no Flink import).

The job (`vrp_contract.flink.job`) only wires these steps into a dataflow; the engine tests run the
job, and the unit tests call the steps directly. Decoding is the one-machine validator's decoder
(`StreamValidator.decoder()`), the per-session step is its fold, and findings become AUDIT_EVENTs
through the reporter's `audit_event`, so the engine cannot drift from `vrp-contract validate`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from vrp_contract import catalog
from vrp_contract.findings import Finding, Severity
from vrp_contract.reporters.events import audit_event
from vrp_contract.stream.fold import Fold, Session
from vrp_contract.stream.policy import Policy, load_policy
from vrp_contract.stream.reader import DEFAULT_MAX_LINE
from vrp_contract.stream.validator import StreamValidator

if TYPE_CHECKING:
    from collections.abc import Iterator

    from vrp_contract.stream.types import Problem, Record
    from vrp_contract.stream.validator import Decoded

__all__ = [
    "IDLE_RULE",
    "LATE_RULE",
    "NO_SESSION_KEY",
    "Item",
    "JobLogic",
    "LogicConfig",
    "SessionFold",
    "closed",
]

NO_SESSION_KEY = ""
"""The key of lines that belong to no session (not JSON, no session_id...): one stateless group."""
LATE_RULE = catalog.register(
    catalog.RuleInfo(
        "stream.late-event",
        "An event arrives after the stream's event time (watermark) has passed its ts_ms; a late "
        "event is folded in arrival order all the same and reported, never dropped silently.",
        Severity.WARNING,
        "engine",
    )
).id
IDLE_RULE = catalog.register(
    catalog.RuleInfo(
        "session.idle-timeout",
        "A session that sends no event for the idle timeout of event time is reported and its "
        "state freed (a later event of it is then the first of a session never created).",
        Severity.WARNING,
        "engine",
    )
).id

Item = tuple[str, int, str, int, Any, int]
"""One decoded line on its way to the keyed fold:
(key, arrival sequence, source, line, `Decoded`, event time in ms for the watermark)."""


@dataclass(frozen=True)
class LogicConfig:
    """Everything a worker needs to decode and fold as `vrp-contract validate` would (picklable)."""

    revision: str
    max_recovery_ms: int
    max_recovery_attempts: int
    assume_open_sessions: bool = False
    node_id: str = "vrp-contract"
    max_line: int = DEFAULT_MAX_LINE
    """The longest line of a file read whole (see `Source.max_line`)."""

    @classmethod
    def create(
        cls,
        revision: str | None = None,
        policy_path: str | None = None,
        *,
        assume_open_sessions: bool = False,
        max_line: int = DEFAULT_MAX_LINE,
    ) -> LogicConfig:
        """Resolve the revision and the policy file now, on the client: workers get the values."""
        validator = StreamValidator(revision)
        policy = load_policy(validator.revision, policy_path)
        return cls(
            validator.revision.name,
            policy.max_recovery_ms,
            policy.max_recovery_attempts,
            assume_open_sessions,
            max_line=max_line,
        )

    @property
    def policy(self) -> Policy:
        """The recovery policy."""
        return Policy(self.max_recovery_ms, self.max_recovery_attempts)


class SessionFold:
    """The validator's `Fold.step` over a state value that a state backend can store.

    The state is `Session.to_tuple()` (None: never seen), so Flink keeps it in a `ValueState`. A
    session that terminates keeps only what `SessionTracker` remembers of terminated sessions
    (`Session.terminated`), so a later event of it is reported as the one-process validator does.
    """

    def __init__(self, fold: Fold) -> None:
        """Step sessions with `fold`."""
        self.fold = fold

    def step(
        self, state: tuple[Any, ...] | None, rec: Record
    ) -> tuple[tuple[Any, ...], list[Problem]]:
        """Fold one event record into `state`; return the new state and the event's problems."""
        before = None if state is None else Session.from_tuple(state)
        if before is not None and before.closed:
            return state, self.fold.step(before, rec)[1]  # type: ignore[return-value]
        sess, problems = self.fold.step(before, rec)  # changes `before` in place
        if sess.closed:
            sess = Session.terminated(sess.state or "")
        return sess.to_tuple(), problems


def closed(state: tuple[Any, ...] | None) -> bool:
    """True when `state` is that of a terminated session."""
    return state is not None and Session.from_tuple(state).closed


class JobLogic:
    """The per-line and per-session work of the job, built once per worker from a `LogicConfig`."""

    def __init__(self, config: LogicConfig) -> None:
        """Load the revision and build the decoder and the fold."""
        self.config = config
        self.validator = StreamValidator(config.revision, policy=config.policy)
        self.decode = self.validator.decoder()
        self.fold = SessionFold(
            Fold(
                self.validator.revision,
                config.policy,
                assume_open_sessions=config.assume_open_sessions,
            )
        )
        self.invariants = frozenset(inv["id"] for inv in self.validator.revision.invariants)

    def item(self, seq: int, source: str, line: int, raw: bytes, fallback_ms: int) -> Item:
        """Decode one raw line (without its newline) into the item the keyed fold receives.

        `fallback_ms` is the event time of a line without a usable `ts_ms` (the job's "no clock"
        marker on a topic, the sequence in batch mode).
        """
        decoded: Decoded = self.decode(raw)
        args: Any = decoded if decoded[0].__class__ is str else decoded[1]
        key = args[0] if args is not None else NO_SESSION_KEY
        ts = args[2] if args is not None else None
        return key, seq, source, line, decoded, ts if ts is not None else fallback_ms

    def process(
        self, state: tuple[Any, ...] | None, item: Item
    ) -> tuple[tuple[Any, ...] | None, list[Finding]]:
        """Fold one item into its session's state; return the new state and the findings."""
        _, _, source, line, decoded, _ = item
        if decoded[0].__class__ is str:
            problems: list[Problem] = []
            args, sid, event_type, ts = decoded, decoded[0], decoded[1], decoded[2]
        else:
            problems, args, sid, event_type, ts = decoded
        if args is not None:
            state, more = self.fold.step(state, args)
            problems = problems + more
        if not problems:
            return state, []
        return state, list(self._findings(problems, sid, event_type, ts, source, line))

    def _findings(  # noqa: PLR0913, PLR0917 - the parts of one line's identity
        self,
        problems: list[Problem],
        sid: object,
        event_type: object,
        ts: object,
        source: str,
        line: int,
    ) -> Iterator[Finding]:
        # the validator's own wording of findings (severity from the revision's catalog)
        return self.validator._findings(problems, sid, event_type, ts, source, line)  # noqa: SLF001

    def special(self, rule: str, item: Item, message: str) -> Finding:
        """A finding of the engine itself (late event, idle session) about `item`'s event."""
        _, _, source, line, decoded, _ = item
        sid, event_type, ts = (
            (decoded[0], decoded[1], decoded[2])
            if decoded[0].__class__ is str
            else (decoded[2], decoded[3], decoded[4])
        )
        context: dict[str, Any] = {}
        if event_type.__class__ is str:
            context["event_type"] = event_type
        if ts.__class__ is int:
            context["ts_ms"] = ts
        return Finding(
            rule=rule,
            severity=catalog.severity(rule, self.validator.revision),
            message=message,
            pointer="/ts_ms",
            source=source,
            line=line,
            session_id=sid if sid.__class__ is str else None,
            context=context,
        )

    def audit_json(self, finding: Finding) -> str:
        """The finding as one AUDIT_EVENT JSON line (without newline)."""
        event = audit_event(
            finding,
            self.invariants,
            self.validator.tracker.fold.behaviour.audit,
            self.config.node_id,
        )
        return orjson.dumps(event).decode()
