"""A revision's behaviour as neutral tables: what every language's behaviour generator reads.

`tables(revision)` reads `state-machine.json`, `behaviour.json`, `invariants.json`,
`policy.default.json` and the event union of one revision (the same files the Python fold reads,
see docs/guides/session-fold.md) and returns one frozen `Tables`:

- `revision`: the revision name, `"0.1"`;
- `states`: `StateRow`s in file order: `name`, `description` and the roles `initial`, `terminal`,
  `binding` (`binding_states`), `recovery` (`recovery_states`), `counted`
  (`attempts.counted_on_entry`), `reset` (`attempts.reset_on_entry`);
- `initial`: the state a created session starts in;
- `transitions`: `(from, to)` pairs in file order; `allowed_from(state)` lists one state's targets;
- `event_types`: `EventRow`s in the order of the union: `name` and the roles `create`,
  `transition`, `bind`, `audit` (`behaviour.json` `event_roles`);
- `pointers`: `Pointers`: `session_key`, `clock`, `event_type` (the union's discriminator),
  `transition_from`, `transition_to` (JSON Pointers into an event);
- `policy`: `PolicyRow`s of `policy.default.json` in file order: `name`, integer `value`;
- `invariants`: `InvariantRow`s of `invariants.json` in file order: `id`, `severity`,
  `statement`, `check`;
- `rules`: `RuleRow`s, one per `check: stream` invariant, in file order: `id`, `severity` (of a
  finding, as `vrp_contract.catalog.severity` decides it), `statement` and `pointers` (the
  `Pointers` fields its findings point at; `session.created-first` points at the session key for
  a session never created, at the event type for a second creation).

Every session checker (the generated ones and the hand-written engines driven by them) implements
the rules in `ENGINE_RULES`; `tables()` raises `GeneratorError` when a revision declares a stream
invariant no engine implements, so a new rule is an engine change, never a silent gap. Everything
else (states, transitions, event roles, pointers, policy) is data: a new revision regenerates.

`Tables.to_json()` is the same content as one JSON object. `suite_json(revision)` is the behaviour
suite (`streams/`) as one JSON document, `behaviour-suite.json` in every language artifact (beside
the vectors): `{"//": DO-NOT-EDIT header, "revision", "cases": [{"name", "description",
"assume_open_sessions", "policy" (null: the default), "pass", "fail" (the exact JSON Lines text),
"expected" (the findings of "fail": line, rule, pointer, session_id)}]}`. `suite_files(revision)`
is the same suite as `{path relative to streams/: bytes}`.

Identifier helpers turn contract names into names of each language: `words("session.created-first")
== ["session", "created", "first"]`, then `pascal`, `camel`, `upper_snake`.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from scripts.codegen.common import GeneratorError, dump_json, header_lines
from vrp_contract import catalog
from vrp_contract.revisions import RevisionDataError

if TYPE_CHECKING:
    from importlib.abc import Traversable

    from vrp_contract.revisions import Revision

__all__ = [
    "ENGINE_RULES",
    "EVENT_TYPE_POINTER",
    "EventRow",
    "InvariantRow",
    "Pointers",
    "PolicyRow",
    "RuleRow",
    "StateRow",
    "Tables",
    "camel",
    "pascal",
    "suite_files",
    "suite_json",
    "tables",
    "upper_snake",
    "words",
]

EVENT_TYPE_POINTER = "/event_type"
"""The discriminator of every revision's event union (`properties.event_type.const`)."""

ENGINE_RULES: dict[str, tuple[str, ...]] = {
    "session.created-first": ("session_key", "event_type"),
    "session.terminated-final": ("event_type",),
    "session.ts-monotonic": ("clock",),
    "recovery.bounded-time": ("clock",),
    "transition.explicit": ("transition_from",),
    "transition.allowed": ("transition_to",),
    "recovery.bounded-attempts": ("transition_to",),
    "transport.single-active": ("event_type",),
}
"""The stream rules the session fold implements, with the `Pointers` fields they report at."""


@dataclass(frozen=True)
class StateRow:
    """One state and its roles in the fold."""

    name: str
    description: str
    initial: bool
    terminal: bool
    binding: bool
    recovery: bool
    counted: bool
    reset: bool


@dataclass(frozen=True)
class EventRow:
    """One event type and the part of a session it changes."""

    name: str
    create: bool
    transition: bool
    bind: bool
    audit: bool


@dataclass(frozen=True)
class Pointers:
    """JSON Pointers into an event: where the fold reads its record, where findings point."""

    session_key: str
    clock: str
    event_type: str
    transition_from: str
    transition_to: str


@dataclass(frozen=True)
class PolicyRow:
    """One default policy value."""

    name: str
    value: int


@dataclass(frozen=True)
class InvariantRow:
    """One invariant of the catalog (any `check`)."""

    id: str
    severity: str
    statement: str
    check: str


@dataclass(frozen=True)
class RuleRow:
    """One stream rule: an invariant with `check: stream` that the fold reports."""

    id: str
    severity: str
    statement: str
    pointers: tuple[str, ...]


@dataclass(frozen=True)
class Tables:
    """The behaviour of one revision, as neutral tables (see the module docstring)."""

    revision: str
    states: tuple[StateRow, ...]
    initial: str
    transitions: tuple[tuple[str, str], ...]
    event_types: tuple[EventRow, ...]
    pointers: Pointers
    policy: tuple[PolicyRow, ...]
    invariants: tuple[InvariantRow, ...]
    rules: tuple[RuleRow, ...]

    def allowed_from(self, state: str) -> list[str]:
        """The states `state` may move to, in table order."""
        return [dst for src, dst in self.transitions if src == state]

    def to_json(self) -> dict[str, Any]:
        """The tables as one JSON object (tuples become arrays)."""
        data = asdict(self)
        data["transitions"] = [{"from": f, "to": t} for f, t in self.transitions]
        return data


def _names(where: str, value: Any) -> frozenset[str]:  # noqa: ANN401 - JSON value
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        msg = f"{where} must be a list of names"
        raise GeneratorError(msg)
    return frozenset(value)


def tables(revision: Revision) -> Tables:
    """Read the behaviour of `revision` into neutral tables; GeneratorError on inconsistent data.

    The data files are checked by the revision loader (`vrp_contract.revision_data`: the same
    check `validate` and `compat` make), so a name the revision does not define never gets here.
    """
    try:
        revision.check_data()
    except RevisionDataError as exc:
        raise GeneratorError(str(exc)) from None
    sm = revision.state_machine
    beh = revision.behaviour
    roles = {k: _names(f"behaviour.json event_roles.{k}", v) for k, v in beh["event_roles"].items()}
    attempts = beh["attempts"]
    counted = _names("behaviour.json attempts.counted_on_entry", attempts["counted_on_entry"])
    reset = _names("behaviour.json attempts.reset_on_entry", attempts["reset_on_entry"])
    terminal = _names("state-machine.json terminal", sm["terminal"])
    binding = _names("state-machine.json binding_states", sm["binding_states"])
    recovery = _names("state-machine.json recovery_states", sm["recovery_states"])
    states = tuple(
        StateRow(
            name=s["name"],
            description=s.get("description", ""),
            initial=s["name"] == sm["initial"],
            terminal=s["name"] in terminal,
            binding=s["name"] in binding,
            recovery=s["name"] in recovery,
            counted=s["name"] in counted,
            reset=s["name"] in reset,
        )
        for s in sm["states"]
    )
    transitions = tuple((t["from"], t["to"]) for t in sm["transitions"])
    events = tuple(
        EventRow(name, *(name in roles[r] for r in ("create", "transition", "bind", "audit")))
        for name in revision.event_types
    )
    pointers = Pointers(
        session_key=beh["session_key"],
        clock=beh["clock"],
        event_type=EVENT_TYPE_POINTER,
        transition_from=beh["transition_fields"]["from"],
        transition_to=beh["transition_fields"]["to"],
    )
    invariants = tuple(
        InvariantRow(i["id"], i["severity"], i["statement"], i["check"])
        for i in revision.invariants
    )
    stream = [i for i in invariants if i.check == "stream"]
    missing = sorted({i.id for i in stream} - ENGINE_RULES.keys())
    if missing:
        msg = (
            f"revision {revision.name} declares stream invariant(s) {', '.join(missing)} that no "
            "session checker implements yet (scripts/codegen/behaviour/common.py ENGINE_RULES)"
        )
        raise GeneratorError(msg)
    rules = tuple(  # a finding's severity is the catalog's decision (vrp_contract.catalog)
        RuleRow(i.id, str(catalog.severity(i.id, revision)), i.statement, ENGINE_RULES[i.id])
        for i in stream
    )
    policy = tuple(PolicyRow(k, int(v)) for k, v in revision.default_policy.items())
    return Tables(
        revision=revision.name,
        states=states,
        initial=sm["initial"],
        transitions=transitions,
        event_types=events,
        pointers=pointers,
        policy=policy,
        invariants=invariants,
        rules=rules,
    )


def suite_files(revision: Revision) -> dict[str, bytes]:
    """The behaviour suite of `revision` (`streams/`) as {path relative to it: content}."""
    out: dict[str, bytes] = {}
    folder = revision.resource("streams")
    if not folder.is_dir():
        return out
    stack: list[tuple[str, Traversable]] = [("", folder)]
    while stack:
        prefix, node = stack.pop()
        for child in node.iterdir():
            if child.is_dir():
                stack.append((f"{prefix}{child.name}/", child))
            else:
                out[prefix + child.name] = child.read_bytes()
    return dict(sorted(out.items()))


def suite_json(revision: Revision) -> str:
    """The behaviour suite of `revision` as one JSON document (see the module docstring)."""
    files = suite_files(revision)
    cases: list[dict[str, Any]] = []
    for name in sorted({rel.split("/", 1)[0] for rel in files if "/" in rel}):
        spec = json.loads(files[f"{name}/case.json"])
        expected = files[f"{name}/fail.expected.jsonl"].decode("utf-8").splitlines()
        cases.append(
            {
                "name": name,
                "description": spec.get("description", ""),
                "assume_open_sessions": bool(spec.get("assume_open_sessions", False)),
                "policy": spec.get("policy"),
                "pass": files[f"{name}/pass.jsonl"].decode("utf-8"),
                "fail": files[f"{name}/fail.jsonl"].decode("utf-8"),
                "expected": [json.loads(line) for line in expected if line.strip()],
            }
        )
    doc = {"//": " ".join(header_lines(revision)), "revision": revision.name, "cases": cases}
    return dump_json(doc)


def words(name: str) -> list[str]:
    """`session.created-first` -> `[session, created, first]`; `max_recovery_ms` likewise."""
    return [w for w in re.split(r"[^A-Za-z0-9]+", name) if w]


def pascal(name: str) -> str:
    """`RECOVERING` -> `Recovering`; `session.created-first` -> `SessionCreatedFirst`."""
    return "".join(w[:1].upper() + w[1:].lower() for w in words(name))


def camel(name: str) -> str:
    """`max_recovery_ms` -> `maxRecoveryMs`."""
    p = pascal(name)
    return p[:1].lower() + p[1:]


def upper_snake(name: str) -> str:
    """`session.created-first` -> `SESSION_CREATED_FIRST`."""
    return "_".join(w.upper() for w in words(name))
