"""The stream invariants: one registered function per invariant id of the revision's catalog.

A rule sees the session as it was before the event, the event's record and the fold (its
behaviour data and policy), and returns (JSON Pointer, message) when the event violates the
invariant, else None; the fold adds the rule's id, which is written once, at registration.
Rules never change a session: `Fold.advance` applies the event afterwards. `on` says when the
fold runs a rule (`any` event of an open session, events with a `clock` value, `transition`
or `bind` events, events of a `closed` session). `guard` is the rule's cheap pre-filter, a
Python expression over `sess`, `et`, `ts`, `src`, `dst`, `b` (the behaviour) and `policy` that
is true whenever the rule may fire: the fold compiles the guards inline into its step, so the
common, violation-free event costs a few comparisons and no rule call.

Adding a rule is one function here plus one folder in the revision's behaviour suite (`streams/`);
tests/stream/test_cases.py checks that each registered rule has both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from vrp_contract.stream.fold import Fold, Session
    from vrp_contract.stream.types import Record

__all__ = ["EPISODE_RULES", "REGISTRY", "RULE_IDS", "Check", "Found", "StreamRule", "stream_rule"]

Check = Callable[["Session", "Record", "Fold"], "Found | None"]
Found = tuple[str, str]
"""What a rule finds: (JSON Pointer into the event, message); the fold adds the rule's id."""
When = Literal["any", "clock", "transition", "bind", "closed"]


@dataclass(frozen=True)
class StreamRule:
    """One registered stream rule: the invariant id, when the fold runs it, and its check."""

    id: str
    on: When
    check: Check
    guard: str = "True"
    once_per_episode: bool = False
    """Reported at most once per recovery episode (the fold marks the episode)."""


REGISTRY: list[StreamRule] = []
"""Every stream rule, in the order the fold runs them within one `on` group."""


def stream_rule(
    rule_id: str, *, on: When, guard: str = "True", once_per_episode: bool = False
) -> Callable[[Check], Check]:
    """Register the decorated function as the check of invariant `rule_id`."""

    def register(check: Check) -> Check:
        if any(r.id == rule_id and r.on == on for r in REGISTRY):
            msg = f"duplicate stream rule {rule_id!r} for {on!r} events"
            raise ValueError(msg)
        compile(guard, rule_id, "eval")  # a syntax error shows at import, naming the rule
        REGISTRY.append(StreamRule(rule_id, on, check, guard, once_per_episode))
        return check

    return register


def _names(names: frozenset[str] | list[str]) -> str:
    return " or ".join(sorted(names))


@stream_rule("session.terminated-final", on="closed")
def terminated_final(sess: Session, rec: Record, _fold: Fold) -> Found | None:
    """Nothing follows a terminal state."""
    return (
        "/event_type",
        f"{rec[1]} follows the termination of session {rec[0]!r}; nothing may follow {sess.state}.",
    )


@stream_rule(
    "session.created-first",
    on="any",
    guard="sess.fresh != (et in b.creates)",  # a first event creating nothing, or a 2nd creation
)
def created_first(sess: Session, rec: Record, fold: Fold) -> Found | None:
    """A session's first event creates it, and a create event comes only first."""
    creates = fold.behaviour.creates
    if sess.fresh:
        if rec[1] in creates or fold.assume_open_sessions:
            return None
        return (
            "/session_id",
            (
                f"{rec[1]} belongs to a session that was never created in this input "
                f"(its first event must be {_names(creates)}); later events of the session are "
                "checked from an unknown state. Use --assume-open-sessions for streams cut from "
                "the middle."
            ),
        )
    if rec[1] not in creates:
        return None
    return (
        "/event_type",
        (
            f"{rec[1]} arrives for a session that already has events; a session is created "
            "exactly once, by its first event."
        ),
    )


@stream_rule(
    "session.ts-monotonic", on="clock", guard="sess.last_ts is not None and ts < sess.last_ts"
)
def ts_monotonic(sess: Session, rec: Record, _fold: Fold) -> Found | None:
    """The clock never goes back within a session."""
    last, ts = sess.last_ts, rec[2]
    if last is None or ts is None or ts >= last:
        return None
    return (
        "/ts_ms",
        (
            f"ts_ms {ts} is earlier than the session's previous event at {last} "
            f"({last - ts} ms back); ts_ms must never decrease within a session."
        ),
    )


@stream_rule(
    "recovery.bounded-time",
    on="clock",
    guard="sess.recovery_since is not None and ts - sess.recovery_since > policy.max_recovery_ms",
    once_per_episode=True,
)
def recovery_bounded_time(sess: Session, rec: Record, fold: Fold) -> Found | None:
    """A recovery episode lasts at most the policy's max_recovery_ms."""
    since, ts = sess.recovery_since, rec[2]
    limit = fold.policy.max_recovery_ms
    if since is None or ts is None or sess.recovery_reported or ts - since <= limit:
        return None
    return (
        "/ts_ms",
        (
            f"The session has been in {sess.state} (recovery) for {ts - since} ms since ts_ms "
            f"{since}, longer than the policy's max_recovery_ms of {limit}."
        ),
    )


@stream_rule("transition.explicit", on="transition", guard="src != sess.state")
def transition_explicit(sess: Session, rec: Record, fold: Fold) -> Found | None:
    """A transition starts from the state the session is in: no silent transitions."""
    src, dst = rec[3], rec[4]
    if sess.state is None or src is None or src == sess.state:
        return None
    return (
        fold.behaviour.from_pointer,
        (
            f"{rec[1]} {src} -> {dst} starts from {src}, but the session is in {sess.state}: "
            f"the transition {sess.state} -> {src} happened silently."
        ),
    )


# src and dst are states of the revision here: a record names a transition only then
@stream_rule("transition.allowed", on="transition", guard="dst not in b.successors[src]")
def transition_allowed(_sess: Session, rec: Record, fold: Fold) -> Found | None:
    """Every transition is in the revision's transition table."""
    src, dst = rec[3], rec[4]
    b = fold.behaviour
    if src is None or dst is None or (src, dst) in b.transitions:
        return None
    allowed = b.allowed_from(src)
    if src == dst:
        why = "self-transitions are not allowed"
    elif not allowed:
        why = f"nothing leaves {src}"
    else:
        why = f"from {src} the state machine allows only {', '.join(allowed)}"
    return (
        b.to_pointer,
        f"The transition {src} -> {dst} is not in the transition table: {why}.",
    )


@stream_rule("recovery.bounded-attempts", on="transition", guard="dst in b.counted")
def recovery_bounded_attempts(sess: Session, rec: Record, fold: Fold) -> Found | None:
    """At most max_recovery_attempts entries into a counted state between two resets."""
    b, limit = fold.behaviour, fold.policy.max_recovery_attempts
    if rec[4] not in b.counted or sess.attempts + 1 <= limit:
        return None
    return (
        b.to_pointer,
        (
            f"This is recovery attempt {sess.attempts + 1} since the session was last "
            f"{_names(b.resets)}; the policy's max_recovery_attempts is {limit}."
        ),
    )


@stream_rule("transport.single-active", on="bind", guard="sess.bound")
def single_active(sess: Session, rec: Record, fold: Fold) -> Found | None:
    """A transport is bound only while none is active, or in a binding state."""
    b = fold.behaviour
    if sess.bound is not True or sess.state is None or sess.state in b.binding_states:
        return None
    reattach = _names(b.binding_states - {b.initial})
    return (
        "/event_type",
        (
            f"{rec[1]} while the session is {sess.state} with an active binding: a second "
            f"transport would be active at once (dual-active binding). Re-attach goes through "
            f"{reattach}."
        ),
    )


RULE_IDS: tuple[str, ...] = tuple(dict.fromkeys(r.id for r in REGISTRY))
"""The invariant ids the stream fold checks, in registration order."""
EPISODE_RULES: frozenset[str] = frozenset(r.id for r in REGISTRY if r.once_per_episode)
"""Rules reported once per recovery episode."""
