"""The session fold: one pure step per event over the state of that event's session.

Everything it knows of the contract comes from the revision's data (`Behaviour`): no state or
event type is named here. The rules it runs are the functions registered in `stream.rules`; the
state changes of a session happen in one place, the advance (`_EVENT`). The step is generated
source, compiled once per fold: the rules' guards, the opening of a session and the advance are
inlined, so an event costs one Python call. The Flink job and the tests call `Fold.step`; the
one-process validator (`SessionTracker`) calls `Fold.in_table`, the same source with its session
table inlined.
The specification is docs/guides/session-fold.md.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass
from textwrap import indent
from typing import TYPE_CHECKING, Any

from vrp_contract.stream import rules as _rules

if TYPE_CHECKING:
    from vrp_contract_engine import Terminated

    from vrp_contract.revisions import Revision
    from vrp_contract.stream.policy import Policy
    from vrp_contract.stream.types import Problem, Record

__all__ = ["Behaviour", "Fold", "Session"]

Lines = Callable[[Iterable[Any], int], Generator[tuple[int, Any, Any], None, None]]
"""`lines(items, count)` of `Fold.in_table`: (line number, problems, item) of the lines with
problems, then (number of the last line, None, None)."""

_NONE: list[Problem] = []  # shared empty result (callers never mutate what step returns)


def _tokens(pointer: str) -> tuple[str, ...]:
    """The reference tokens of a JSON Pointer (RFC 6901)."""
    return tuple(t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:])


@dataclass(frozen=True)
class Behaviour:
    """A revision's behaviour data, compiled for lookups in the hot loop."""

    states: frozenset[str]
    initial: str
    terminal: frozenset[str]
    transitions: frozenset[tuple[str, str]]
    successors: Mapping[str, frozenset[str]]
    """The states each state may move to (every state a key): `dst in successors[src]` is
    `(src, dst) in transitions` without building a tuple, in the hot loop."""
    recovery_states: frozenset[str]
    binding_states: frozenset[str]
    creates: frozenset[str]
    moves: frozenset[str]
    binds: frozenset[str]
    audit: str
    audits: frozenset[str]
    counted: frozenset[str]
    resets: frozenset[str]
    session_key: tuple[str, ...]
    clock: tuple[str, ...]
    from_field: tuple[str, ...]
    to_field: tuple[str, ...]
    from_pointer: str
    to_pointer: str
    event_types: frozenset[str]

    @classmethod
    def from_revision(cls, revision: Revision) -> Behaviour:
        """Compile `state-machine.json` and `behaviour.json` of the revision."""
        sm, bh = revision.state_machine, revision.behaviour
        roles, fields, attempts = bh["event_roles"], bh["transition_fields"], bh["attempts"]
        transitions = frozenset((t["from"], t["to"]) for t in sm["transitions"])
        return cls(
            states=frozenset(s["name"] for s in sm["states"]),
            initial=sm["initial"],
            terminal=frozenset(sm["terminal"]),
            transitions=transitions,
            successors={
                s["name"]: frozenset(t for f, t in transitions if f == s["name"])
                for s in sm["states"]
            },
            recovery_states=frozenset(sm["recovery_states"]),
            binding_states=frozenset(sm["binding_states"]),
            creates=frozenset(roles["create"]),
            moves=frozenset(roles["transition"]),
            binds=frozenset(roles["bind"]),
            audit=roles["audit"][0],
            audits=frozenset(roles["audit"]),
            counted=frozenset(attempts["counted_on_entry"]),
            resets=frozenset(attempts["reset_on_entry"]),
            session_key=_tokens(bh["session_key"]),
            clock=_tokens(bh["clock"]),
            from_field=_tokens(fields["from"]),
            to_field=_tokens(fields["to"]),
            from_pointer=fields["from"],
            to_pointer=fields["to"],
            event_types=frozenset(revision.event_types),
        )

    def allowed_from(self, state: str) -> list[str]:
        """The states the transition table allows from `state`, sorted."""
        return sorted(self.successors.get(state, ()))


class Session:
    """What the fold remembers of one session: a few machine words.

    `state` and `bound` are None when unknown (a session first seen mid-stream). `fresh` is true
    until the session's first event was applied; `closed` once it entered a terminal state.
    """

    __slots__ = (
        "attempts",
        "bound",
        "closed",
        "fresh",
        "last_ts",
        "recovery_reported",
        "recovery_since",
        "state",
    )

    def __init__(  # noqa: PLR0913, PLR0917 - the fields, positional: cheap to build
        self,
        state: str | None,
        bound: bool | None,
        last_ts: int | None = None,
        recovery_since: int | None = None,
        recovery_reported: bool = False,
        attempts: int = 0,
        fresh: bool = True,
        closed: bool = False,
    ) -> None:
        """A session in `state` (None: unknown); the order of the fields is `to_tuple()`'s."""
        self.state = state
        self.bound = bound
        self.last_ts = last_ts
        self.recovery_since = recovery_since
        self.recovery_reported = recovery_reported
        self.attempts = attempts
        self.fresh = fresh
        self.closed = closed

    def to_tuple(self) -> tuple[Any, ...]:
        """The session as a tuple of JSON-ready values (for state backends and other processes)."""
        return (
            self.state,
            self.bound,
            self.last_ts,
            self.recovery_since,
            self.recovery_reported,
            self.attempts,
            self.fresh,
            self.closed,
        )

    @classmethod
    def from_tuple(cls, data: tuple[Any, ...] | list[Any]) -> Session:
        """Rebuild a session from `to_tuple()`'s value."""
        return cls(*data)

    @classmethod
    def terminated(cls, state: str) -> Session:
        """A closed session that ended in `state` (what is left of a terminated session)."""
        return cls(state, None, fresh=False, closed=True)


class Fold:
    """The per-session step of one revision under one policy.

    `step` is pure in the sense that matters: it reads and changes only the session it is given,
    so a caller may keep sessions anywhere (a dict, Flink keyed state, another process).
    """

    def __init__(
        self,
        revision: Revision,
        policy: Policy,
        *,
        assume_open_sessions: bool = False,
        guards: bool = True,
    ) -> None:
        """Compile the behaviour of `revision` and the step that runs the registered rules.

        `guards=False` calls every rule on every event it applies to (the tests prove with it
        that the inlined guards only ever skip rules that would not fire).
        """
        self.behaviour = Behaviour.from_revision(revision)
        self.policy = policy
        self.assume_open_sessions = assume_open_sessions
        self.guards = guards
        self.step: Callable[[Session | None, Record], tuple[Session, list[Problem]]]
        self.record: Callable[..., Record | None] = _compile_record(self.behaviour)
        """`record(event, *, ts_valid=True)`: the fold record of a parsed event, or None.

        None when the event has no usable session (the schema check reports why). A clock value
        the schema rejected (`ts_valid=False`) takes no part in the session checks: one mistake,
        one finding. A whole float such as `2000.0` is an integer to JSON Schema, so it counts
        as one. Compiled from the behaviour's pointers (a hot path: every valid line); pure, so
        it may run in another process.
        """
        self.step = _compile(self)
        """Fold one event into its session (None: never seen); return it and the problems.

        Rules see the session as it was before the event, in the order the specification gives
        (open, clock, transition or bind); then the advance (`_EVENT`) applies the event. `step`
        reads and changes only the session it is given, so callers keep sessions anywhere (a
        dict, Flink keyed state, another process).
        """

    def memory(self, remember: int) -> Terminated:
        """An empty memory of the last `remember` terminated session ids, for `in_table`.

        It recalls an id as the closed `Session` of the terminal state the id ended in; its
        states are numbered as in `sorted(behaviour.terminal)`.
        """
        from vrp_contract_engine import Terminated  # noqa: PLC0415 - the Flink job needs no engine

        ended = [Session.terminated(state) for state in sorted(self.behaviour.terminal)]
        return Terminated(remember, ended)

    def in_table(
        self, table: dict[str, Session], memory: Terminated, seen: int = 0
    ) -> tuple[Callable[[Record], list[Problem]], Lines]:
        """The steps of a one-process session table: `step(record) -> problems` and `lines`.

        The same generated source as `step`, with the table's bookkeeping inlined: `step` costs
        one Python call per event, and `lines(items, count)` one per chunk of a validator's
        decoded lines (see `_TABLE_STEP`). `table` maps the id of every open session to its
        `Session`; `memory` (from `Fold.memory`) remembers a bounded number of terminated ids,
        forgetting the oldest in O(1). Open sessions keep a table of their own, small and hot,
        so the memory costs one lookup per new session, not per event. The count of sessions
        seen, starting at `seen`, is the generated code's global `seen`.
        """
        return _compile_table(self, table, memory, seen)


_RECORD = """
def record(event, *, ts_valid=True):
    sid = {sid}
    et = event.get("event_type")
    if sid.__class__ is not str or not sid or et.__class__ is not str or et not in event_types:
        return None
    src = dst = None
    if et in moves:
        src = {src}
        dst = {dst}
        if src.__class__ is not str or dst.__class__ is not str:
            src = dst = None
        elif src not in states or dst not in states:
            src = dst = None
    if not ts_valid:
        return sid, et, None, src, dst
    ts = {clock}
    if ts.__class__ is int:
        return sid, et, ts, src, dst
    if ts.__class__ is float and ts.is_integer():
        return sid, et, int(ts), src, dst
    return sid, et, None, src, dst
"""


def _lookup(tokens: tuple[str, ...], name: str = "event", depth: int = 0) -> str:
    """A Python expression for the value at `tokens` below `name` (None where absent)."""
    head = f"{name}.get({tokens[0]!r})"
    if len(tokens) == 1:
        return head
    inner = f"_n{depth}"
    rest = _lookup(tokens[1:], inner, depth + 1)
    return f"({rest} if ({inner} := {head}).__class__ is dict else None)"


def _compile_record(b: Behaviour) -> Callable[..., Record | None]:
    """Build the record function of a behaviour, its JSON Pointers as inline lookups."""
    source = _RECORD.format(
        sid=_lookup(b.session_key),
        src=_lookup(b.from_field),
        dst=_lookup(b.to_field),
        clock=_lookup(b.clock),
    )
    folded = b.event_types - b.audits  # an audit reports on a session: it is not part of it
    scope: dict[str, Any] = {"event_types": folded, "moves": b.moves, "states": b.states}
    exec(compile(source, "<fold record>", "exec"), scope)  # noqa: S102 - generated from data
    record: Callable[..., Record | None] = scope["record"]
    return record


_OPEN = """\
if et in creates:
    sess.state = initial
    sess.bound = False
else:
    sess.state = sess.bound = None
sess.last_ts = sess.recovery_since = None
sess.recovery_reported = sess.closed = False
sess.attempts = 0
sess.fresh = True
"""
"""A session's first event opens it (`sess`, a new or a spare `Session`, every field set here):
in the initial state when it is a create event."""

_EVENT = """\
{any}
if ts is not None:
    {clock}
if dst is not None:
    {transition}
    {advance}
    if dst in recovery_states:
        if sess.state not in recovery_states:
            sess.recovery_since = ts
            sess.recovery_reported = False
    else:
        sess.recovery_since = None
    sess.state = dst
    if dst in counted:
        sess.attempts += 1
    elif dst in resets:
        sess.attempts = 0
    if dst in terminal:
        sess.closed = True
        {close}
elif et in binds:
    {bind}
    {advance}
    sess.bound = True
else:
    {advance}
"""
"""One event of an open session: the rules, then the advance (the only place a session changes).

Rules see the session as it was before the event: `{any}`, `{clock}`, `{transition}` and
`{bind}` are the rules' guarded calls; each branch then advances the session by the event, so
an event tests its kind once. `{close}` is what the caller does with a session that has just
terminated (nothing for `Fold.step`; the table's bookkeeping for `Fold.in_table`).
"""

_ADVANCE = """\
sess.fresh = False
if ts is not None:
    sess.last_ts = ts
if out is not NONE and not episode.isdisjoint([p[0] for p in out]):
    sess.recovery_reported = True
"""
"""The advance every event makes; a once-per-episode rule that fired marks the episode."""

_CLOSE_IN_TABLE = """\
del table[sid]
keep(sess)
memorize(sid, {number})
"""
"""A terminated session leaves the open sessions; its id joins the memory of terminated ids.

Its `Session` object is kept as a spare for a session opened later: a short session then costs
no allocation, and the cycle collector sees no churn. Spares past `SPARES` are dropped once per
call of `step` or `lines`, not per session. The memory
(`vrp_contract_engine.Terminated`, native) keeps a copy of the id's bytes and forgets the oldest
id past its capacity; `{number}` is the number of the terminal state `dst` in its list.
"""
SPARES = 1024

_STEP = """
def step(sess, rec):
    sid, et, ts, src, dst = rec
    if sess is None:
        sess = new(Session)
        {open}
    elif sess.closed:
        out = NONE
        {closed}
        return sess, out
    out = NONE
    {event}
    return sess, out
"""

_ADMIT_IN_TABLE = """\
sess = reuse() if spares else new(Session)
{open}
table[sid] = sess
"""
"""A new id of the table: a spare `Session` (or a new one) is opened and enters the table."""

_TABLE_STEP = """
def step(rec):
    global seen
    sid, et, ts, src, dst = rec
    sess = get(sid)
    if sess is None:
        {recall}
        if sess is not None:
            out = NONE
            {closed}
            return out
        {admit}
        seen += 1
    out = NONE
    {event}
    if len(spares) > SPARES:
        del spares[SPARES:]
    return out


def lines(items, count):
    global seen, reached
    opened = 0
    try:
        for item in items:
            count += 1
            if item[0].__class__ is str:
                rec = item
                first = NONE
            else:
                first = item[0]
                rec = item[1]
                if rec is None:
                    if first:
                        yield count, first, item
                    continue
            sid, et, ts, src, dst = rec
            sess = get(sid)
            if sess is None:
                {recall}
                if sess is not None:
                    out = NONE
                    {closed}
                    if out is not NONE or first:
                        yield count, first + out, item
                    continue
                {admit}
                opened += 1
            out = NONE
            {event}
            if out is not NONE or first:
                yield count, first + out, item
    finally:
        reached = count
        seen += opened
        del spares[SPARES:]
    yield count, None, None
"""
"""`step(record) -> problems`, and `lines(items, count)`: the same fold over a validator's decoded
lines (a record, or an explanation `(problems, record or None, ...)`), numbered from `count + 1`,
yielding `(number, problems, item)` for each line with problems, in order, and finally
`(number of the last line, None, None)`: one Python call per chunk rather than per event. The
global `reached` is the number of the last line folded when `lines` ended (also by an error of
`items`)."""

_CALL = """\
if {guard}:
    p = rule_{n}(sess, rec, fold)
    if p is not None:
        out = [*out, (id_{n}, *p)]
"""


def _fill(template: str, **blocks: str) -> str:
    """`template` with each line that is only `{name}` replaced by that block, indented as it."""
    out = []
    for line in template.splitlines(keepends=True):
        name = line.strip()
        if name[:1] == "{" and name[-1:] == "}":
            out.append(indent(blocks[name[1:-1]], line[: len(line) - len(line.lstrip())]))
        else:
            out.append(line)
    return "".join(out)


def _source(
    fold: Fold, template: str, close: str = "", recall: str = ""
) -> tuple[str, dict[str, Any]]:
    """The source of a step (`template`) and its scope: the rules' guards inlined in order.

    Generated code, as `dataclasses` and `namedtuple` do: the guards are the rules' own
    pre-filters (`stream.rules`), so the common event costs a few comparisons and no call; the
    opening of a session and the advance are inlined too, so an event costs one Python call.
    """
    b = fold.behaviour
    scope: dict[str, Any] = {
        "NONE": _NONE,
        "Session": Session,
        "new": object.__new__,
        "fold": fold,
        "b": b,
        "policy": fold.policy,
        "episode": _rules.EPISODE_RULES,
        "creates": b.creates,
        "initial": b.initial,
        "recovery_states": b.recovery_states,
        "counted": b.counted,
        "resets": b.resets,
        "terminal": b.terminal,
        "binds": b.binds,
    }
    blocks: dict[str, list[str]] = {k: [] for k in ("closed", "any", "clock", "transition", "bind")}
    for n, rule in enumerate(_rules.REGISTRY):
        scope[f"rule_{n}"], scope[f"id_{n}"] = rule.check, rule.id
        guard = rule.guard if fold.guards else "True"
        blocks[rule.on].append(_CALL.format(guard=guard, n=n))
    text = {k: "".join(v) or "pass\n" for k, v in blocks.items()}
    source = _fill(
        template,
        open=_OPEN,
        admit=_fill(_ADMIT_IN_TABLE, open=_OPEN),
        recall=recall,
        closed=text["closed"],
        event=_fill(_EVENT, advance=_ADVANCE, close=close, **text),
    )
    return source, scope


def _compile(fold: Fold) -> Callable[[Session | None, Record], tuple[Session, list[Problem]]]:
    """Build `fold.step` from the registered rules."""
    source, scope = _source(fold, _STEP)
    exec(compile(source, "<fold step>", "exec"), scope)  # noqa: S102 - generated from data
    step: Callable[[Session | None, Record], tuple[Session, list[Problem]]] = scope["step"]
    return step


def _compile_table(
    fold: Fold, table: dict[str, Session], memory: Terminated, seen: int
) -> tuple[Callable[[Record], list[Problem]], Lines]:
    """Build `step` and `lines` of `Fold.in_table`: the same source, the session table inlined."""
    terminal = sorted(fold.behaviour.terminal)
    # one terminal state (the common case): no lookup of its number
    number = "0" if len(terminal) == 1 else "numbers[dst]"
    close = _CLOSE_IN_TABLE.format(number=number)
    source, scope = _source(fold, _TABLE_STEP, close, "sess = recall(sid)\n")
    spares: list[Session] = []
    scope.update(
        table=table,
        get=table.get,
        spares=spares,
        keep=spares.append,
        reuse=spares.pop,
        SPARES=SPARES,
        recall=memory.recall,
        memorize=memory.remember,
        numbers={state: n for n, state in enumerate(terminal)},
        seen=seen,
        reached=0,
    )
    # the loop reads the names of its scope from a closure, cheaper than globals in the hot
    # loop; `seen` and `reached` stay globals (the tracker reads them)
    names = [k for k in scope if k not in {"seen", "reached"}]
    cut = source.index("\ndef lines(")
    source = (
        f"{source[:cut]}\ndef make_lines({', '.join(names)}):\n"
        f"{indent(source[cut:], '    ')}    return lines\n"
    )
    exec(compile(source, "<fold step in a table>", "exec"), scope)  # noqa: S102 - from data
    return scope["step"], scope["make_lines"](**{k: scope[k] for k in names})
