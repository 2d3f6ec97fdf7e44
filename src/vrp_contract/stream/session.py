"""One process's session table: open sessions in a dict, terminated ids in a bounded memory.

The per-event logic is `Fold.step`; this module only keeps the sessions between events.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from vrp_contract.stream.fold import Fold, Session

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision
    from vrp_contract.stream.policy import Policy
    from vrp_contract.stream.types import Problem, Record

__all__ = ["SessionTracker"]


class SessionTracker:
    """Folds events into per-session state, across interleaved sessions, yielding problems.

    Memory is bounded by the open sessions plus a bounded memory of recently terminated ids
    (`remember_terminated`, oldest forgotten first, O(1) per event); an event of a forgotten
    terminated session is reported as an event of a session never created.
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
        self.fold = Fold(revision, policy, assume_open_sessions=assume_open_sessions)
        self.sessions: dict[str, Session] = {}
        self.terminated: OrderedDict[str, str] = OrderedDict()
        """Recently terminated ids and the terminal state each ended in, oldest first."""
        self.remember_terminated = remember_terminated
        self.seen = 0

    def record(self, event: dict[str, Any], *, ts_valid: bool = True) -> Record | None:
        """The fold record of a parsed event (see `Fold.record`)."""
        return self.fold.record(event, ts_valid=ts_valid)

    def step(self, rec: Record) -> list[Problem]:
        """Fold one event record into its session; return the event's problems."""
        sid = rec[0]
        sess = self.sessions.get(sid)
        if sess is not None:
            sess, problems = self.fold.step(sess, rec)
            if sess.closed:
                del self.sessions[sid]
                self._remember(sid, sess)
            return problems
        ended = self.terminated.get(sid)
        if ended is not None:
            return self.fold.step(Session.terminated(ended), rec)[1]
        self.seen += 1
        sess, problems = self.fold.step(None, rec)
        if sess.closed:
            self._remember(sid, sess)
        else:
            self.sessions[sid] = sess
        return problems

    def _remember(self, sid: str, sess: Session) -> None:
        memory = self.terminated
        memory[sid] = sess.state or ""
        if len(memory) > self.remember_terminated:
            memory.popitem(last=False)

    @property
    def open_sessions(self) -> int:
        """Sessions seen and not terminated."""
        return len(self.sessions)
