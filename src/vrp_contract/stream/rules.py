"""The stream invariants: one small function per catalog id, each seeing one session and event.

A rule returns `(rule id, JSON Pointer, message)` when the event violates the invariant, else
None. Rules never change state; `SessionTracker` applies the event afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vrp_contract.stream.policy import Policy
    from vrp_contract.stream.session import Model, SessionState

__all__ = ["RULE_IDS", "Context"]

Problem = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Context:
    """What every rule may consult besides the session: the state machine and the policy."""

    model: Model
    policy: Policy
    assume_open_sessions: bool


def created_first_new(event_type: str, ctx: Context) -> Problem | None:
    """session.created-first: the first event of a session must be SESSION_CREATED."""
    if event_type == "SESSION_CREATED" or ctx.assume_open_sessions:
        return None
    return (
        "session.created-first",
        "/session_id",
        (
            f"{event_type} belongs to a session that was never created in this input "
            "(its first event must be SESSION_CREATED); later events of the session are checked "
            "from an unknown state. Use --assume-open-sessions for streams cut from the middle."
        ),
    )


def created_first_again() -> Problem:
    """session.created-first: SESSION_CREATED comes once, before any other event of the session."""
    return (
        "session.created-first",
        "/event_type",
        (
            "SESSION_CREATED arrives for a session that already has events; a session is created "
            "exactly once, by its first event."
        ),
    )


def terminated_final(event_type: str, sid: str) -> Problem:
    """session.terminated-final: nothing follows TERMINATED."""
    return (
        "session.terminated-final",
        "/event_type",
        f"{event_type} follows the termination of session {sid!r}; nothing may follow TERMINATED.",
    )


def ts_monotonic(sess: SessionState, ts: int, _ctx: Context) -> Problem | None:
    """session.ts-monotonic: ts_ms never decreases within a session."""
    if sess.last_ts is None or ts >= sess.last_ts:
        return None
    return (
        "session.ts-monotonic",
        "/ts_ms",
        (
            f"ts_ms {ts} is earlier than the session's previous event at {sess.last_ts} "
            f"({sess.last_ts - ts} ms back); ts_ms must never decrease within a session."
        ),
    )


def recovery_bounded_time(sess: SessionState, ts: int, ctx: Context) -> Problem | None:
    """recovery.bounded-time: at most max_recovery_ms continuously in DEGRADED/RECOVERING."""
    since = sess.recovery_since
    limit = ctx.policy.max_recovery_ms
    if since is None or sess.recovery_reported or ts - since <= limit:
        return None
    return (
        "recovery.bounded-time",
        "/ts_ms",
        (
            f"The session has been in {sess.state} (recovery) for {ts - since} ms since ts_ms "
            f"{since}, longer than the policy's max_recovery_ms of {limit}."
        ),
    )


def transition_explicit(sess: SessionState, src: str, dst: str, _ctx: Context) -> Problem | None:
    """transition.explicit: from_state equals the current state (no silent transitions)."""
    if sess.state is None or src == sess.state:
        return None
    return (
        "transition.explicit",
        "/details/from_state",
        (
            f"STATE_CHANGE {src} -> {dst} starts from {src}, but the session is in {sess.state}: "
            f"the transition {sess.state} -> {src} happened silently."
        ),
    )


def transition_allowed(_sess: SessionState, src: str, dst: str, ctx: Context) -> Problem | None:
    """transition.allowed: from_state -> to_state is in the transition table."""
    if (src, dst) in ctx.model.transitions:
        return None
    allowed = sorted(t for f, t in ctx.model.transitions if f == src)
    if src == dst:
        why = "self-transitions are not allowed"
    elif not allowed:
        why = f"nothing leaves {src}"
    else:
        why = f"from {src} the state machine allows only {', '.join(allowed)}"
    return (
        "transition.allowed",
        "/details/to_state",
        f"The transition {src} -> {dst} is not in the transition table: {why}.",
    )


def recovery_bounded_attempts(
    sess: SessionState, _src: str, dst: str, ctx: Context
) -> Problem | None:
    """recovery.bounded-attempts: at most max_recovery_attempts entries into RECOVERING."""
    limit = ctx.policy.max_recovery_attempts
    if dst != "RECOVERING" or sess.attempts + 1 <= limit:
        return None
    return (
        "recovery.bounded-attempts",
        "/details/to_state",
        (
            f"This is recovery attempt {sess.attempts + 1} since the session was last ATTACHED; "
            f"the policy's max_recovery_attempts is {limit}."
        ),
    )


def single_active(sess: SessionState, ctx: Context) -> Problem | None:
    """transport.single-active: PATH_SELECTED only unbound, or in BIRTH or RECOVERING."""
    if sess.state is None or sess.state in ctx.model.binding_states or sess.bound is not True:
        return None
    return (
        "transport.single-active",
        "/event_type",
        (
            f"PATH_SELECTED while the session is {sess.state} with an active binding: a second "
            "transport would be active at once (dual-active binding). Re-attach goes through "
            "RECOVERING."
        ),
    )


RULE_IDS = (
    "session.created-first",
    "session.terminated-final",
    "session.ts-monotonic",
    "recovery.bounded-time",
    "transition.explicit",
    "transition.allowed",
    "recovery.bounded-attempts",
    "transport.single-active",
)
"""The invariant ids the stream fold checks (the catalog entries with check = stream)."""
