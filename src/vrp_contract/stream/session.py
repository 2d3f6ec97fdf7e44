"""Per-session state and the fold that feeds each event through the invariant rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vrp_contract.stream import rules

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision
    from vrp_contract.stream.policy import Policy

__all__ = ["Model", "SessionState", "SessionTracker"]

Problem = tuple[str, str, str]
"""(rule id, JSON Pointer, message)."""
FoldArgs = tuple[str, str, int | None, str | None, str | None]
"""(session_id, event_type, ts_ms, from_state, to_state): what the fold needs of one event."""


@dataclass(frozen=True)
class Model:
    """The state machine of a revision, compiled for lookups."""

    states: frozenset[str]
    initial: str
    terminal: frozenset[str]
    transitions: frozenset[tuple[str, str]]
    recovery_states: frozenset[str]
    binding_states: frozenset[str]

    @classmethod
    def from_revision(cls, revision: Revision) -> Model:
        """Compile `state-machine.json` of the revision."""
        sm = revision.state_machine
        return cls(
            states=frozenset(s["name"] for s in sm["states"]),
            initial=sm["initial"],
            terminal=frozenset(sm["terminal"]),
            transitions=frozenset((t["from"], t["to"]) for t in sm["transitions"]),
            recovery_states=frozenset(sm["recovery_states"]),
            binding_states=frozenset(sm["binding_states"]),
        )


class SessionState:
    """What the validator remembers of one open session (a few machine words)."""

    __slots__ = ("attempts", "bound", "last_ts", "recovery_reported", "recovery_since", "state")

    def __init__(self, state: str | None, *, bound: bool | None) -> None:
        """Start in `state` (None: unknown, for streams cut from the middle)."""
        self.state = state
        self.bound = bound
        self.last_ts: int | None = None
        self.recovery_since: int | None = None
        self.recovery_reported = False
        self.attempts = 0


class SessionTracker:
    """Folds events into per-session state, across interleaved sessions, yielding problems.

    Memory is bounded by the open sessions plus a bounded memory of recently terminated ids
    (`remember_terminated`); an event of a forgotten terminated session is reported as an event
    of a session never created.
    """

    def __init__(
        self,
        revision: Revision,
        policy: Policy,
        *,
        assume_open_sessions: bool = False,
        remember_terminated: int = 200_000,
    ) -> None:
        """Track sessions of `revision` under `policy`."""
        self.ctx = rules.Context(Model.from_revision(revision), policy, assume_open_sessions)
        self.event_types = frozenset(revision.event_types)
        self.sessions: dict[str, SessionState] = {}
        self.terminated: dict[str, None] = {}
        self.remember_terminated = remember_terminated
        self.seen = 0

    def fold_args(self, event: dict[str, Any], *, ts_valid: bool = True) -> FoldArgs | None:
        """Return the `step` arguments of a parsed event, or None when it has no usable session.

        A `ts_ms` the schema rejected (`ts_valid=False`) takes no part in the session checks: one
        mistake, one finding. A whole float such as `2000.0` is an integer to JSON Schema, so it
        counts as one. Pure (no session state is read), so it may run in another process.
        """
        sid = event.get("session_id")
        event_type = event.get("event_type")
        if sid.__class__ is not str or not sid or event_type.__class__ is not str:
            return None  # not attributable to a session: the schema check reports it
        if event_type not in self.event_types:
            return None
        ts = event.get("ts_ms")
        src = dst = None
        if event_type == "STATE_CHANGE":
            details = event.get("details")
            if details.__class__ is dict:
                states = self.ctx.model.states
                src, dst = details.get("from_state"), details.get("to_state")
                if src.__class__ is not str or dst.__class__ is not str:
                    src = dst = None
                elif src not in states or dst not in states:
                    src = dst = None  # the schema check reports unknown states
        if not ts_valid:
            ts = None
        elif ts.__class__ is float and ts.is_integer():
            ts = int(ts)
        return sid, event_type, ts if ts.__class__ is int else None, src, dst

    def step(  # noqa: C901, PLR0912 - the hot loop stays flat on purpose
        self, sid: str, event_type: str, ts: int | None, src: str | None, dst: str | None
    ) -> list[Problem]:
        """Advance session `sid` by one event; `src`/`dst` are the states of a STATE_CHANGE.

        This is the hot loop of the validator: the common, violation-free case costs a dict
        lookup and a few comparisons. Each `if` below is a cheap pre-filter for one rule of
        `rules`; the rule itself decides and words the finding.
        """
        out: list[Problem] = []
        sess = self.sessions.get(sid)
        if sess is None:
            if sid in self.terminated:
                return [rules.terminated_final(event_type, sid)]
            sess = self._open(sid, event_type, out)
        elif event_type == "SESSION_CREATED":
            out.append(rules.created_first_again())
        ctx = self.ctx
        if ts is not None:
            last = sess.last_ts
            if last is not None and ts < last:
                self._add(out, rules.ts_monotonic(sess, ts, ctx))
            since = sess.recovery_since
            if since is not None and ts - since > ctx.policy.max_recovery_ms:
                problem = rules.recovery_bounded_time(sess, ts, ctx)
                if problem is not None:
                    out.append(problem)
                    sess.recovery_reported = True  # once per recovery episode
            sess.last_ts = ts
        if src is not None and dst is not None:
            if src != sess.state and sess.state is not None:
                self._add(out, rules.transition_explicit(sess, src, dst, ctx))
            if (src, dst) not in ctx.model.transitions:
                self._add(out, rules.transition_allowed(sess, src, dst, ctx))
            if dst == "RECOVERING":
                self._add(out, rules.recovery_bounded_attempts(sess, src, dst, ctx))
            self._enter(sess, sid, dst, ts)
        elif event_type == "PATH_SELECTED":
            if sess.bound:
                self._add(out, rules.single_active(sess, ctx))
            sess.bound = True
        return out

    @staticmethod
    def _add(out: list[Problem], problem: Problem | None) -> None:
        if problem is not None:
            out.append(problem)

    def _open(self, sid: str, event_type: str, out: list[Problem]) -> SessionState:
        self.seen += 1
        self._add(out, rules.created_first_new(event_type, self.ctx))
        fresh = event_type == "SESSION_CREATED"
        sess = SessionState(
            self.ctx.model.initial if fresh else None, bound=False if fresh else None
        )
        self.sessions[sid] = sess
        return sess

    def _enter(self, sess: SessionState, sid: str, dst: str, ts: int | None) -> None:
        model = self.ctx.model
        was_recovering = sess.state in model.recovery_states
        sess.state = dst
        if dst in model.recovery_states:
            if not was_recovering:
                sess.recovery_since, sess.recovery_reported = ts, False
        else:
            sess.recovery_since = None
        if dst == "RECOVERING":
            sess.attempts += 1
        elif dst == "ATTACHED":
            sess.attempts = 0
        if dst in model.terminal:
            del self.sessions[sid]
            self.terminated[sid] = None
            if len(self.terminated) > self.remember_terminated:
                del self.terminated[next(iter(self.terminated))]

    @property
    def open_sessions(self) -> int:
        """Sessions seen and not terminated."""
        return len(self.sessions)
