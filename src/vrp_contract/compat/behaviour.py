"""Behaviour rules: what an edit to the state machine, invariants or policy does to streams.

The same set semantics as the schema rules, over streams instead of single events: backward holds
when every stream valid under OLD is valid under NEW, forward when every stream valid under NEW is
valid under OLD. A change that lets more streams through breaks forward (a consumer still on OLD
rejects them); one that rejects streams OLD allowed breaks backward. What a change cannot be shown
to do either way breaks both, so nothing passes silently.

Nothing here names a state or an event type: every name comes from the two revisions' files.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from vrp_contract.compat._rule import declare
from vrp_contract.compat.behaviour_data import (
    BEHAVIOUR_FILES,
    INVARIANTS,
    POLICY,
    STATE_MACHINE,
    Behaviour,
    Invariant,
    Machine,
    read_behaviour,
)
from vrp_contract.compat.model import BACKWARD, BOTH, FORWARD, NONE, Change, Loc, escape
from vrp_contract.compat.values import same_value
from vrp_contract.compat.walk import UNCLASSIFIED

if TYPE_CHECKING:
    from vrp_contract.compat.sources import SchemaSet

__all__ = ["BEHAVIOUR_FILES", "behaviour_changes"]

_CAT = "behaviour"
TRANSITION = declare(
    "behaviour.transition",
    "A transition added to the state machine lets streams through that OLD rejects (breaks "
    "forward); a transition removed rejects streams OLD allowed (breaks backward).",
    directions=BOTH,
    category=_CAT,
)
STATE = declare(
    "behaviour.state",
    "A state removed rejects every stream that reached it (breaks backward); a state added only "
    "lets new streams through when a transition leads into it (then it breaks forward); a changed "
    "description never breaks.",
    directions=BOTH,
    category=_CAT,
)
RENAMED = declare(
    "behaviour.state-renamed",
    "A state renamed (one state removed and one added with the same transitions) breaks both "
    "directions: streams naming the old state are rejected by NEW, streams naming the new one by "
    "OLD.",
    directions=BOTH,
    category=_CAT,
)
INITIAL = declare(
    "behaviour.initial",
    "A different initial state breaks both directions: every session's first transition leaves "
    "from the initial state, so no stream with a transition reads the same under both.",
    directions=BOTH,
    category=_CAT,
)
TERMINAL = declare(
    "behaviour.terminal",
    "A state made terminal forbids every event after it (breaks backward); a state no longer "
    "terminal lets events follow it (breaks forward).",
    directions=BOTH,
    category=_CAT,
)
STATE_ROLE = declare(
    "behaviour.state-role",
    "A state's role changed (binding, recovery, attempt counting): a role that permits something "
    "in its states (binding a transport, resetting attempts) breaks forward when it gains a state "
    "and backward when it loses one; a role that constrains its states (bounded recovery time, "
    "counted attempts) the reverse.",
    directions=BOTH,
    category=_CAT,
)
EVENT_ROLE = declare(
    "behaviour.event-role",
    "An event type's role changed (which type creates a session, carries a transition, binds a "
    "transport), or where a session's key, clock or transition states are read: streams are "
    "folded differently, which breaks both directions; a bind role gained constrains that type "
    "(breaks backward), one lost frees it (breaks forward); the audit role never breaks.",
    directions=BOTH,
    category=_CAT,
)
INVARIANT = declare(
    "behaviour.invariant",
    "An invariant added rejects streams OLD allowed (breaks backward); an invariant removed lets "
    "streams through that OLD rejects (breaks forward).",
    directions=BOTH,
    category=_CAT,
)
MEANING = declare(
    "behaviour.invariant-meaning",
    "An invariant kept under its id with a different statement, check or `how` has a new meaning: "
    "which streams it rejects is unknown, so it breaks both directions (give it a new id, or "
    "declare it in revision.json `changed_invariants`); a changed reference (`source`) never "
    "breaks.",
    directions=BOTH,
    category=_CAT,
)
SEVERITY = declare(
    "behaviour.invariant-severity",
    "Only error findings fail a stream: raising an invariant's severity to error rejects streams "
    "OLD allowed (breaks backward); lowering it from error lets them through (breaks forward).",
    directions=BOTH,
    category=_CAT,
)
POLICY_BOUND = declare(
    "behaviour.policy",
    "A default policy bound tightened (a lower `max_*`, a higher `min_*`) rejects streams OLD "
    "allowed (breaks backward); relaxed, it lets streams through that OLD rejects (breaks "
    "forward); a bound added or removed counts as tightened or relaxed, any other edit breaks "
    "both.",
    directions=BOTH,
    category=_CAT,
)
EVENT_TYPE = declare(
    "behaviour.event-type",
    "An event type added lets streams through that OLD rejects (breaks forward: consumers on OLD "
    "must skip unknown types as tolerant readers); an event type removed breaks backward. A "
    "revision declares each added type in revision.json `added_event_types`.",
    directions=BOTH,
    category=_CAT,
)
UNDECLARED_TYPE = declare(
    "revision.event-type-undeclared",
    "The contract asks new event types to be introduced explicitly: a revision that adds an event "
    "type lists it in revision.json `added_event_types` with its reason, else the check fails.",
    directions=BOTH,
    category="revision",
    always=True,
)
REUSED_ID = declare(
    "revision.invariant-reused",
    "Invariant semantics are preserved: an invariant id whose statement, check, `how` or severity "
    "changed is a reused id unless revision.json `changed_invariants` declares it (with its "
    "reason); give the new meaning a new id instead.",
    directions=BOTH,
    category="revision",
    always=True,
)

DATA_INVALID = declare(
    "behaviour.data-invalid",
    "A behaviour data file satisfies its schema in the same revision (policy.default.json "
    "policy.schema.json, invariants.json invariants.schema.json, state-machine.json "
    "state-machine.schema.json; behaviour.json the package's behaviour.schema.json), and a "
    "default policy gives every bound: a file that breaks it is not compared, and the check "
    "fails whatever the mode.",
    directions=BOTH,
    category=_CAT,
    always=True,
)
INCONSISTENT = declare(
    "behaviour.inconsistent",
    "The state machine and behaviour data name only what the revision defines: every state a "
    "transition, role list or attempt list names is one of the states, each state is listed once "
    "and is a value of the session state enum, a terminal state has no outgoing transition, every "
    "event type a role names is in the event union; else the check fails whatever the mode.",
    directions=BOTH,
    category=_CAT,
    always=True,
)

_PERMITS = frozenset({"binding_states", "reset_on_entry"})
"""State roles that allow something in their states (more states: more streams valid)."""
_CONSTRAINS = frozenset({"recovery_states", "counted_on_entry"})
"""State roles that restrict their states (more states: fewer streams valid)."""
_SEVERITY_FAILS = "error"


def _q(value: Any) -> str:  # noqa: ANN401 - JSON
    """A value as JSON, for messages."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _names(names: Any) -> str:  # noqa: ANN401 - an iterable of names
    return ", ".join(sorted(names)) or "none"


class _Diff:
    """Collects the changes between two behaviours, with their files and pointers."""

    def __init__(self, old: Behaviour, new: Behaviour) -> None:
        self.old, self.new = old, new
        self.out: list[Change] = []

    def add(
        self,
        rule: str,
        dirs: tuple[str, ...],
        message: str,
        where: tuple[str, str, str, str],
        *,
        annotation: bool = False,
        **context: Any,  # noqa: ANN401 - JSON-ready facts
    ) -> None:
        old_rel, old_ptr, new_rel, new_ptr = where
        self.out.append(
            Change(
                rule,
                dirs,
                message,
                Loc(old_rel, old_ptr),
                Loc(new_rel, new_ptr),
                context,
                annotation,
            )
        )


def _renames(old: Machine, new: Machine) -> dict[str, str]:
    """Old name -> new name for states removed and added with the same transitions."""
    removed = [s for s in old.states if s not in new.states]
    added = [s for s in new.states if s not in old.states]

    def around(m: Machine, state: str, rename: dict[str, str]) -> frozenset[tuple[str, str]]:
        mapped = {(rename.get(a, a), rename.get(b, b)) for a, b in m.transitions}
        here = rename.get(state, state)
        return frozenset(t for t in mapped if here in t)

    pairs: dict[str, list[str]] = {}
    for r in removed:
        for a in added:
            same_edges = around(old, r, {r: a}) == around(new, a, {})
            same_text = bool(old.states[r]) and old.states[r] == new.states[a]
            if (same_edges and around(new, a, {})) or same_text:
                pairs.setdefault(r, []).append(a)
    targets = [a for cands in pairs.values() for a in cands]
    return {r: c[0] for r, c in pairs.items() if len(c) == 1 and targets.count(c[0]) == 1}


def _renamed(m: Machine, rename: dict[str, str]) -> Machine:
    def n(s: str) -> str:
        return rename.get(s, s)

    return Machine(
        {n(s): d for s, d in m.states.items()},
        n(m.initial) if m.initial is not None else None,
        frozenset(n(s) for s in m.terminal),
        frozenset((n(a), n(b)) for a, b in m.transitions),
        {k: frozenset(n(s) for s in v) for k, v in m.roles.items()},
        {
            (
                f"state:{n(k[6:])}"
                if k.startswith("state:")
                else "->".join(n(x) for x in k.split("->"))
            ): v
            for k, v in m.pointers.items()
        },
    )


def _machine(d: _Diff, old: Machine, new: Machine) -> dict[str, str]:  # noqa: C901, PLR0912
    sm = STATE_MACHINE
    rename = _renames(old, new)
    for r, a in sorted(rename.items()):
        d.add(
            RENAMED.id,
            BOTH,
            f"State {r} was renamed to {a}: streams that name {r} are "
            f"rejected by NEW, streams that name {a} by OLD.",
            (sm, old.pointers[f"state:{r}"], sm, new.pointers[f"state:{a}"]),
            old=r,
            new=a,
        )
    old = _renamed(old, rename)
    for s in sorted(set(old.states) - set(new.states)):
        reached = any(s in t for t in old.transitions)
        d.add(
            STATE.id,
            BACKWARD if reached else NONE,
            f"State {s} was removed; streams that reach it are no longer valid."
            if reached
            else f"State {s} was removed; no transition reached it.",
            (sm, old.pointers[f"state:{s}"], sm, "/states"),
            state=s,
        )
    for s in sorted(set(new.states) - set(old.states)):
        reached = any(s in t for t in new.transitions)
        d.add(
            STATE.id,
            FORWARD if reached else NONE,
            f"State {s} was added; streams that reach it are not valid under OLD."
            if reached
            else f"State {s} was added; no transition reaches it yet.",
            (sm, "/states", sm, new.pointers[f"state:{s}"]),
            state=s,
        )
    for s in sorted(set(old.states) & set(new.states)):
        if old.states[s] != new.states[s]:
            d.add(
                STATE.id,
                NONE,
                f"The description of state {s} changed; descriptions never break.",
                (
                    sm,
                    old.pointers[f"state:{s}"] + "/description",
                    sm,
                    new.pointers[f"state:{s}"] + "/description",
                ),
                annotation=True,
                state=s,
            )
    both = set(old.states) & set(new.states)
    for a, b in sorted(old.transitions - new.transitions):
        if a in both and b in both:
            d.add(
                TRANSITION.id,
                BACKWARD,
                f"Transition {a} -> {b} was removed; streams with that "
                "transition are no longer valid.",
                (sm, old.pointers[f"{a}->{b}"], sm, "/transitions"),
                transition=[a, b],
            )
    for a, b in sorted(new.transitions - old.transitions):
        if a in both and b in both:
            d.add(
                TRANSITION.id,
                FORWARD,
                f"Transition {a} -> {b} was added; streams with that "
                "transition are not valid under OLD.",
                (sm, "/transitions", sm, new.pointers[f"{a}->{b}"]),
                transition=[a, b],
            )
    if old.initial != new.initial:
        d.add(
            INITIAL.id,
            BOTH,
            f"The initial state changed from {old.initial} to {new.initial}; "
            "a session's first transition leaves from a different state.",
            (sm, "/initial", sm, "/initial"),
            old=old.initial,
            new=new.initial,
        )
    for s in sorted((new.terminal - old.terminal) & both):
        d.add(
            TERMINAL.id,
            BACKWARD,
            f"State {s} became terminal; streams with events after it are no longer valid.",
            (sm, "/terminal", sm, "/terminal"),
            state=s,
        )
    for s in sorted((old.terminal - new.terminal) & both):
        d.add(
            TERMINAL.id,
            FORWARD,
            f"State {s} is no longer terminal; events may now follow it, which OLD rejects.",
            (sm, "/terminal", sm, "/terminal"),
            state=s,
        )
    for role in sorted(old.roles.keys() | new.roles.keys()):
        _state_role(
            d,
            role,
            old.roles.get(role, frozenset()) & both,
            new.roles.get(role, frozenset()) & both,
            (sm, f"/{escape(role)}"),
        )
    return rename


def _state_role(
    d: _Diff, role: str, old: frozenset[str], new: frozenset[str], where: tuple[str, str]
) -> None:
    gained, lost = new - old, old - new
    if not gained and not lost:
        return
    if role in _PERMITS:
        dirs = (FORWARD if gained else NONE) + (BACKWARD if lost else NONE)
        effect = "permits more in them" if gained else "permits less"
    elif role in _CONSTRAINS:
        dirs = (BACKWARD if gained else NONE) + (FORWARD if lost else NONE)
        effect = "constrains them"
    else:
        dirs, effect = BOTH, "has an effect the rules do not know"
    dirs = tuple(sorted(set(dirs)))
    text = (
        f"{role} changed from [{_names(old)}] to [{_names(new)}] (gained: {_names(gained)}; "
        f"lost: {_names(lost)}); this role {effect}."
    )
    rel, ptr = where
    d.add(
        STATE_ROLE.id,
        dirs,
        text,
        (rel, ptr, rel, ptr),
        role=role,
        gained=sorted(gained),
        lost=sorted(lost),
    )


def _roles(
    d: _Diff,
    old: dict[str, Any],
    new: dict[str, Any],
    rename: dict[str, str],
    states: frozenset[str] | None,
) -> None:
    rel_old, rel_new = d.old.behaviour_source, d.new.behaviour_source
    attempts_old = {
        k: frozenset(rename.get(str(s), str(s)) for s in v)
        for k, v in (old.get("attempts") or {}).items()
        if isinstance(v, list)
    }
    attempts_new = {
        k: frozenset(str(s) for s in v)
        for k, v in (new.get("attempts") or {}).items()
        if isinstance(v, list)
    }
    for key in sorted(attempts_old.keys() | attempts_new.keys()):
        was, now = attempts_old.get(key, frozenset()), attempts_new.get(key, frozenset())
        if states is not None:  # a state added or removed is reported with the state
            was, now = was & states, now & states
        if was != now:
            ptr = f"/attempts/{escape(key)}"
            before = len(d.out)
            _state_role(d, key, was, now, (rel_new, ptr))
            d.out[before:] = [
                Change(c.rule, c.directions, c.message, Loc(rel_old, ptr), c.new, c.context)
                for c in d.out[before:]
            ]
    roles_old, roles_new = old.get("event_roles") or {}, new.get("event_roles") or {}
    for role in sorted(roles_old.keys() | roles_new.keys()):
        a: set[str] = set(roles_old.get(role) or [])
        b: set[str] = set(roles_new.get(role) or [])
        if a == b:
            continue
        gained, lost = b - a, a - b
        if role == "audit":
            dirs = NONE
        elif role == "bind":
            dirs = tuple(sorted(set((BACKWARD if gained else NONE) + (FORWARD if lost else NONE))))
        else:
            dirs = BOTH
        ptr = f"/event_roles/{escape(role)}"
        d.add(
            EVENT_ROLE.id,
            dirs,
            f"The event types in the {role} role changed from [{_names(a)}] to [{_names(b)}].",
            (rel_old, ptr, rel_new, ptr),
            role=role,
            gained=sorted(gained),
            lost=sorted(lost),
        )
    for key in sorted((old.keys() | new.keys()) - {"event_roles", "attempts"}):
        if not same_value(old.get(key), new.get(key)):
            ptr = f"/{escape(key)}"
            d.add(
                EVENT_ROLE.id,
                BOTH,
                f"{key} changed from {_q(old.get(key))} to "
                f"{_q(new.get(key))}; events are folded into sessions differently.",
                (rel_old, ptr, rel_new, ptr),
                key=key,
            )


_RANK = {"info": 0, "warning": 1, "error": 2}


def _invariants(
    d: _Diff, old: dict[str, Invariant], new: dict[str, Invariant], declared: dict[str, str]
) -> None:
    inv = INVARIANTS
    for i in sorted(old.keys() - new.keys()):
        dirs = FORWARD if old[i].severity == _SEVERITY_FAILS else NONE
        d.add(
            INVARIANT.id,
            dirs,
            f"Invariant {i} was removed; streams that violate it are no longer rejected.",
            (inv, old[i].pointer, inv, "/invariants"),
            invariant=i,
        )
    for i in sorted(new.keys() - old.keys()):
        dirs = BACKWARD if new[i].severity == _SEVERITY_FAILS else NONE
        d.add(
            INVARIANT.id,
            dirs,
            f"Invariant {i} was added ({new[i].severity}); streams that "
            "violate it were valid under OLD.",
            (inv, "/invariants", inv, new[i].pointer),
            invariant=i,
        )
    for i in sorted(old.keys() & new.keys()):
        a, b = old[i], new[i]
        where = (inv, a.pointer, inv, b.pointer)
        fields = [f for f in ("statement", "check", "how") if getattr(a, f) != getattr(b, f)]
        meaning = bool(fields) or a.severity != b.severity
        if fields:
            d.add(
                MEANING.id,
                BOTH,
                f"Invariant {i} keeps its id but its {', '.join(fields)} "
                "changed, so which streams it rejects may differ.",
                where,
                invariant=i,
                fields=fields,
            )
        if a.severity != b.severity:
            fails_old, fails_new = a.severity == _SEVERITY_FAILS, b.severity == _SEVERITY_FAILS
            dirs = (
                BACKWARD
                if fails_new and not fails_old
                else FORWARD
                if fails_old and not fails_new
                else NONE
            )
            d.add(
                SEVERITY.id,
                dirs,
                f"The severity of invariant {i} changed from {a.severity} to {b.severity}.",
                where,
                invariant=i,
                old=a.severity,
                new=b.severity,
            )
        if not same_value(a.rest, b.rest):
            keys = sorted(
                k
                for k in a.rest.keys() | b.rest.keys()
                if not same_value(a.rest.get(k), b.rest.get(k))
            )
            d.add(
                MEANING.id,
                NONE,
                f"Invariant {i}: {', '.join(keys)} changed; references never break.",
                where,
                annotation=True,
                invariant=i,
                fields=keys,
            )
        if meaning and i not in declared:
            d.add(
                REUSED_ID.id,
                BOTH,
                f"Invariant id {i} is reused with a new meaning; give it a "
                "new id, or declare it in revision.json changed_invariants with the reason.",
                (inv, a.pointer, inv, b.pointer),
                invariant=i,
            )


def _policy(d: _Diff, old: dict[str, Any], new: dict[str, Any]) -> None:
    pol = POLICY
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None and same_value(a, b):
            continue
        ptr = f"/{escape(key)}"
        upper, lower = key.startswith("max_"), key.startswith("min_")
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (a, b))
        if a is None or b is None:
            what = "was added" if a is None else "was removed"
            tighter = (a is None) if (upper or lower) else None
        elif numbers and (upper or lower):
            what = f"changed from {_q(a)} to {_q(b)}"
            tighter = (b < a) if upper else (b > a)
        else:
            what, tighter = f"changed from {_q(a)} to {_q(b)}", None
        if tighter is None:
            dirs, effect = BOTH, "its effect on streams is unknown"
        elif tighter:
            dirs, effect = BACKWARD, "tightened: streams valid under OLD may now be rejected"
        else:
            dirs, effect = FORWARD, "relaxed: streams OLD rejects may now be valid"
        kind = "bound" if upper or lower else "setting"
        d.add(
            POLICY_BOUND.id,
            dirs,
            f"Default policy {kind} {key} {what}; {effect}.",
            (pol, ptr if a is not None else "", pol, ptr if b is not None else ""),
            key=key,
        )


def _event_types(  # noqa: PLR0913 - both sides' types and entry documents
    d: _Diff,
    old: dict[str, str],
    new: dict[str, str],
    entry_old: str,
    entry_new: str,
    *,
    revision: bool,
) -> None:
    declared = d.new.declared.get("added_event_types", {})
    for name in sorted(new.keys() - old.keys()):
        reason = declared.get(name)
        text = f"Event type {name} was added; consumers on OLD must skip it as an unknown type."
        if reason:
            text += f" Declared in revision.json: {reason}"
        where = (entry_old, "", entry_new, new[name])
        d.add(EVENT_TYPE.id, FORWARD, text, where, event_type=name, declared=name in declared)
        if revision and name not in declared:
            d.add(
                UNDECLARED_TYPE.id,
                BOTH,
                f"Event type {name} was added without being "
                "declared; list it in revision.json added_event_types with the reason.",
                ("revision.json", "", "revision.json", ""),
                event_type=name,
            )
    for name in sorted(old.keys() - new.keys()):
        d.add(
            EVENT_TYPE.id,
            BACKWARD,
            f"Event type {name} was removed; streams that carry it are no longer valid.",
            (entry_old, old[name], entry_new, ""),
            event_type=name,
        )


def _one_sided(d: _Diff, name: str, rel: str, old: object, new: object) -> bool:
    """A part present on one side only: fail closed (the file-set rules see schema files only)."""
    skipped = {*d.old.unreadable, *d.new.unreadable, *d.old.invalid, *d.new.invalid}
    if (old is None) == (new is None) or rel in skipped:
        return old is None or new is None  # nothing to compare (unreadable: reported once)
    what = "added" if old is None else "removed"
    d.add(
        UNCLASSIFIED.id,
        BOTH,
        f"The {name} ({rel}) was {what}; no rule compares behaviour "
        "with a side that states none, so review it by hand.",
        (rel, "", rel, ""),
        file=rel,
    )
    return True


def _data_problems(d: _Diff) -> None:
    """Report each side's invalid data files and inconsistent behaviour (fail closed)."""
    for label, side in (("OLD", d.old), ("NEW", d.new)):
        found = [
            (
                DATA_INVALID.id,
                rel,
                ptr,
                (
                    f"{rel} of {label} breaks its schema, so no rule compares it: at "
                    f"{ptr or 'the top level'}, {why}"
                ),
            )
            for rel, (ptr, why) in side.invalid.items()
        ]
        found += [(INCONSISTENT.id, rel, ptr, f"{label}: {m}") for rel, ptr, m in side.problems]
        for rule_id, rel, ptr, text in found:
            if label == "OLD":  # lines are NEW's: an OLD finding names its file only
                d.add(rule_id, BOTH, text, (rel, ptr, rel, ""), side="old", file=rel)
            else:
                d.add(rule_id, BOTH, text, (rel, "", rel, ptr), side="new", data_file=rel)


def behaviour_changes(old_side: SchemaSet, new_side: SchemaSet) -> tuple[list[Change], set[str]]:
    """The classified behaviour changes between two folders, and the data files they cover.

    Every other data file stays with the fail-closed data-file check; a behaviour file that is
    unreadable is `behaviour.data-invalid` (an error whatever the bump), one present on one side
    only `unclassified`.
    """
    if not (old_side.is_dir and new_side.is_dir):
        return [], set()
    old, new = read_behaviour(old_side), read_behaviour(new_side)
    d = _Diff(old, new)
    rename: dict[str, str] = {}
    if not _one_sided(d, "state machine", STATE_MACHINE, old.machine, new.machine):
        assert old.machine is not None  # noqa: S101 - checked above
        assert new.machine is not None  # noqa: S101
        rename = _machine(d, old.machine, new.machine)
    if not _one_sided(d, "invariant catalog", INVARIANTS, old.invariants, new.invariants):
        assert old.invariants is not None  # noqa: S101 - checked above
        assert new.invariants is not None  # noqa: S101
        _invariants(d, old.invariants, new.invariants, new.declared.get("changed_invariants", {}))
    if not _one_sided(d, "default policy", POLICY, old.policy, new.policy):
        assert old.policy is not None  # noqa: S101 - checked above
        assert new.policy is not None  # noqa: S101
        _policy(d, old.policy, new.policy)
    source = new.behaviour_source
    readable = source not in new.unreadable and old.behaviour_source not in old.unreadable
    readable = readable and source not in new.invalid and old.behaviour_source not in old.invalid
    if readable and not _one_sided(d, "behaviour data", source, old.roles, new.roles):
        assert old.roles is not None  # noqa: S101 - checked above
        assert new.roles is not None  # noqa: S101
        states = None
        if old.machine is not None and new.machine is not None:
            states = frozenset(rename.get(s, s) for s in old.machine.states) & frozenset(
                new.machine.states
            )
        _roles(d, old.roles, new.roles, rename, states)
    if old.event_types is not None and new.event_types is not None:
        _event_types(
            d,
            old.event_types,
            new.event_types,
            old_side.roots[0],
            new_side.roots[0],
            revision=new_side.revision is not None,
        )
    _data_problems(d)
    for label, side in (("OLD", old), ("NEW", new)):
        for rel, why in side.unreadable.items():  # an error whatever the bump, as data-invalid
            d.add(
                DATA_INVALID.id,
                BOTH,
                f"{rel} of {label} cannot be read as behaviour data ({why}), so no rule "
                "compares it.",
                (rel, "", rel, ""),
                file=rel,
            )
    return d.out, set(BEHAVIOUR_FILES)
