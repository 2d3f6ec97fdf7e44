"""One process's session table: open sessions, and a bounded memory of terminated ids.

The per-event logic is the fold's (`Fold.in_table`: `Fold.step` with this table inlined); this
module only keeps the sessions between events.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from vrp_contract.stream.fold import Fold, Lines, Session

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from vrp_contract_engine import Terminated

    from vrp_contract.revisions import Revision
    from vrp_contract.stream.policy import Policy
    from vrp_contract.stream.types import Problem, Record

__all__ = ["MAX_REMEMBERED", "SessionTracker"]

MAX_REMEMBERED = 2**32 - 1
"""The most terminated ids a tracker remembers (the native memory numbers its slots in 32 bits)."""


class SessionTracker:
    """Folds events into per-session state, across interleaved sessions, yielding problems.

    Memory is bounded by the open sessions plus a bounded memory of recently terminated ids
    (`remember_terminated`, oldest forgotten first, O(1) per event); an event of a forgotten
    terminated session is reported as an event of a session never created. Open sessions have a
    table of their own (small and hot); the terminated ids are in a native memory
    (`vrp_contract_engine.Terminated`, see `Fold.memory`), asked once per new session id.
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
        if not 0 <= remember_terminated <= MAX_REMEMBERED:
            msg = f"remember_terminated must be 0 to {MAX_REMEMBERED}, not {remember_terminated}"
            raise ValueError(msg)
        self._table: dict[str, Session] = {}
        """The open sessions by id."""
        self._memory: Terminated | None = None
        """The remembered terminated ids (made by the first fold)."""
        self._remember = remember_terminated
        self.step: Callable[[Record], list[Problem]]
        """Fold one event record into its session; return the event's problems."""
        self.lines: Lines
        """Fold a chunk of decoded lines (see `Fold.in_table`)."""
        self.fold = Fold(revision, policy, assume_open_sessions=assume_open_sessions)

    @property
    def fold(self) -> Fold:
        """The fold; setting another one (the tests' unguarded fold) keeps the sessions."""
        return self._fold

    @fold.setter
    def fold(self, fold: Fold) -> None:
        seen = self.seen if hasattr(self, "step") else 0
        self._fold = fold
        if self._memory is None:
            self._memory = fold.memory(self._remember)
        self.step, self.lines = fold.in_table(self._table, self._memory, seen)

    def record(self, event: dict[str, Any], *, ts_valid: bool = True) -> Record | None:
        """The fold record of a parsed event (see `Fold.record`)."""
        return self._fold.record(event, ts_valid=ts_valid)

    @property
    def remember_terminated(self) -> int:
        """How many terminated ids are remembered (for `session.terminated-final`)."""
        return self._remember

    @property
    def seen(self) -> int:
        """Sessions seen (opened) so far."""
        seen: int = self.step.__globals__["seen"]
        return seen

    @property
    def reached(self) -> int:
        """The number of the last line folded by the last `lines` call that ended."""
        reached: int = self.lines.__globals__["reached"]
        return reached

    @property
    def open_sessions(self) -> int:
        """Sessions seen and not terminated."""
        return len(self._table)

    @property
    def sessions(self) -> Mapping[str, Session]:
        """The open sessions by id, read only (a terminated session's object is reused later)."""
        return MappingProxyType(self._table)

    @property
    def terminated(self) -> dict[str, str]:
        """The remembered terminated ids, oldest first, and the state each ended in (a copy)."""
        items = self._memory.items() if self._memory is not None else []
        return {sid.decode("utf-8", "surrogatepass"): s.state for sid, s in items}
