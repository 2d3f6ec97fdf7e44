"""The behaviour of one side of a comparison, read from its data files as plain sets and maps.

A revision folder states its behaviour in `state-machine.json`, `invariants.json`,
`policy.default.json` and `behaviour.json` (for revision 0.1 the last one lives beside the released
folder, in `schema/supplements/v0.1/`). `read_behaviour(side)` returns one `Behaviour` per side;
a part whose file is missing is None, and a file that cannot be read as its part is reported in
`unreadable` (the rules then leave it to the fail-closed `unclassified` finding).

A data file that breaks its schema in the same folder (`policy.default.json`, `invariants.json`:
`vrp_contract.revision_data.DATA_SCHEMAS`) is `invalid` and is not compared; every name the state
machine and behaviour data use that the folder does not define is one of `problems`. Both are
the revision loader's own checks (`vrp_contract.revision_data`), so compat, `validate` and
`scripts/generate.py` refuse the same data.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vrp_contract.revision_data import (
    DATA_SCHEMAS,
    PACKAGE_SCHEMAS,
    Problem,
    behaviour_problems,
    package_schema,
    schema_problem,
    session_states,
)

if TYPE_CHECKING:
    from vrp_contract.compat.sources import SchemaSet

__all__ = [
    "BEHAVIOUR_FILES",
    "DISCRIMINATOR",
    "Behaviour",
    "Invariant",
    "Machine",
    "behaviour_source",
    "read_behaviour",
]

STATE_MACHINE = "state-machine.json"
INVARIANTS = "invariants.json"
POLICY = "policy.default.json"
BEHAVIOUR = "behaviour.json"
BEHAVIOUR_FILES = (STATE_MACHINE, INVARIANTS, POLICY, BEHAVIOUR)
"""The data files whose changes the behaviour rules classify."""
DISCRIMINATOR = "event_type"
"""The envelope property whose `const` names an event type in each branch of the entry union."""


@dataclass(frozen=True)
class Machine:
    """The state machine: states (name -> description), initial, terminal, transitions, roles."""

    states: dict[str, str]
    initial: str | None
    terminal: frozenset[str]
    transitions: frozenset[tuple[str, str]]
    roles: dict[str, frozenset[str]]
    """`recovery_states`, `binding_states`, ...: every list of state names beside the table."""
    pointers: dict[str, str] = field(compare=False)
    """Where each state (`state:NAME`) and transition (`FROM->TO`) is in the file."""


@dataclass(frozen=True)
class Invariant:
    """One invariant catalog entry, as far as its meaning goes."""

    id: str
    statement: str
    severity: str
    check: str
    how: str
    rest: dict[str, Any]
    """Every other field (`source`, ...): references for readers, not meaning."""
    pointer: str


@dataclass
class Behaviour:
    """Everything one side states about streams, beyond the schema of a single event."""

    machine: Machine | None = None
    invariants: dict[str, Invariant] | None = None
    policy: dict[str, Any] | None = None
    roles: dict[str, Any] | None = None
    """behaviour.json without `$schema`/`$comment`/`revision`."""
    behaviour_source: str = BEHAVIOUR
    """Where behaviour.json was read: the folder's own file or the released supplement."""
    event_types: dict[str, str] | None = None
    """Event type name -> the pointer of its branch in the entry schema."""
    declared: dict[str, dict[str, str]] = field(default_factory=dict)
    """revision.json declarations: `added_event_types` / `changed_invariants`, name -> reason."""
    unreadable: dict[str, str] = field(default_factory=dict)
    """File -> why it could not be read as behaviour data."""
    invalid: dict[str, tuple[str, str]] = field(default_factory=dict)
    """File -> (pointer, sentence): the first way it breaks its schema in the folder."""
    problems: list[Problem] = field(default_factory=list)
    """Names the state machine and behaviour data use that the folder does not define."""


class _ShapeError(ValueError):
    """A data file that does not have the shape its part needs."""


def _names(value: Any, what: str) -> list[str]:  # noqa: ANN401 - JSON
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _ShapeError(f"{what} is not a list of names")
    return list(value)


def _machine(doc: Any) -> Machine:  # noqa: ANN401 - JSON
    if not isinstance(doc, dict) or not isinstance(doc.get("states"), list):
        raise _ShapeError('it has no "states" list')
    states: dict[str, str] = {}
    pointers: dict[str, str] = {}
    for i, entry in enumerate(doc["states"]):
        name = entry.get("name") if isinstance(entry, dict) else entry
        if not isinstance(name, str):
            raise _ShapeError(f"state {i} has no name")
        states[name] = str(entry.get("description", "")) if isinstance(entry, dict) else ""
        pointers[f"state:{name}"] = f"/states/{i}"
    transitions: set[tuple[str, str]] = set()
    for i, entry in enumerate(doc.get("transitions", [])):
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), str) for k in ("from", "to")
        ):
            raise _ShapeError(f'transition {i} lacks "from" or "to"')
        transitions.add((entry["from"], entry["to"]))
        pointers[f"{entry['from']}->{entry['to']}"] = f"/transitions/{i}"
    initial = doc.get("initial")
    if initial is not None and not isinstance(initial, str):
        raise _ShapeError('"initial" is not a state name')
    roles = {
        key: frozenset(_names(value, key))
        for key, value in doc.items()
        if key not in {"states", "initial", "terminal", "transitions"} and isinstance(value, list)
    }
    return Machine(
        states,
        initial,
        frozenset(_names(doc.get("terminal", []), "terminal")),
        frozenset(transitions),
        roles,
        pointers,
    )


def _invariants(doc: Any) -> dict[str, Invariant]:  # noqa: ANN401 - JSON
    entries = doc.get("invariants") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise _ShapeError('it has no "invariants" list')
    out: dict[str, Invariant] = {}
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise _ShapeError(f"invariant {i} has no id")
        known = {"id", "statement", "severity", "check", "how"}
        out[entry["id"]] = Invariant(
            entry["id"],
            str(entry.get("statement", "")),
            str(entry.get("severity", "error")),
            str(entry.get("check", "")),
            str(entry.get("how", "")),
            {k: v for k, v in entry.items() if k not in known},
            f"/invariants/{i}",
        )
    return out


def _plain(doc: Any) -> dict[str, Any]:  # noqa: ANN401 - JSON
    if not isinstance(doc, dict):
        raise _ShapeError("it is not a JSON object")
    return {k: v for k, v in doc.items() if not k.startswith("$") and k != "revision"}


def behaviour_source(side: SchemaSet) -> tuple[str, bytes] | None:
    """behaviour.json of a folder: its own file, else the released supplement beside it.

    The one place that knows where behaviour data lives; it becomes `Revision.behaviour` once
    compat reads revisions through `vrp_contract.revisions`.
    """
    if BEHAVIOUR in side.raw:
        return BEHAVIOUR, side.raw[BEHAVIOUR]
    for rel, data in side.extra.items():
        if posixpath.basename(rel) == BEHAVIOUR:
            return rel, data
    return None


def _event_types(side: SchemaSet) -> dict[str, str] | None:
    """The event types the entry schema's union names (by the `const` of the discriminator).

    The union is read through `$ref`s, `allOf` conjuncts and nested `anyOf`/`oneOf` (a branch
    wrapped as `{"anyOf": [{"$ref": ...}]}` is still that event type); each type is placed at
    its branch in the entry document.
    """
    entry = side.roots[0] if side.roots else None
    doc = side.docs.get(entry or "")
    if not isinstance(doc, dict):
        return None
    out: dict[str, str] = {}
    _union_types(side, doc, side.base[entry or ""], "", out, seen=set())
    return out or None


def _union_types(  # noqa: PLR0913 - one node, where it is, and what was found
    side: SchemaSet,
    node: object,
    base: str,
    pointer: str,
    out: dict[str, str],
    *,
    seen: set[int],
) -> None:
    if not isinstance(node, dict) or id(node) in seen:
        return
    seen.add(id(node))
    prop = node.get("properties", {}).get(DISCRIMINATOR)
    if pointer and isinstance(prop, dict) and isinstance(prop.get("const"), str):
        out.setdefault(prop["const"], pointer)
    if isinstance(node.get("$ref"), str):
        target, _, _, target_base = side.resolve(base, node["$ref"])
        _union_types(side, target, target_base, pointer, out, seen=seen)
    for keyword in ("oneOf", "anyOf", "allOf"):
        branches = node.get(keyword)
        if isinstance(branches, list):
            for i, branch in enumerate(branches):
                _union_types(side, branch, base, f"{pointer}/{keyword}/{i}", out, seen=seen)


def _declared(manifest: dict[str, Any] | None) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for key, name_key in (("added_event_types", "name"), ("changed_invariants", "id")):
        entries = (manifest or {}).get(key, [])
        if isinstance(entries, list):
            out[key] = {
                str(e[name_key]): str(e.get("reason", ""))
                for e in entries
                if isinstance(e, dict) and isinstance(e.get(name_key), str)
            }
    return out


def read_behaviour(side: SchemaSet) -> Behaviour:
    """Read the behaviour parts a folder input has (a single schema file has none)."""
    out = Behaviour(declared=_declared(side.manifest))
    if not side.is_dir:
        return out
    out.event_types = _event_types(side)
    readers = ((STATE_MACHINE, "machine", _machine), (INVARIANTS, "invariants", _invariants),
               (POLICY, "policy", _plain))  # fmt: skip
    found: list[tuple[str, str, Any, bytes | None]] = [
        (rel, attr, fn, side.raw.get(rel)) for rel, attr, fn in readers
    ]
    source = behaviour_source(side)
    if source is not None:
        out.behaviour_source = source[0]
    found.append((out.behaviour_source, "roles", _plain, source[1] if source else None))
    parsed: dict[str, Any] = {}
    for rel, attr, fn, data in found:
        if data is None:
            continue
        try:
            parsed[attr] = json.loads(data)
            problem = _schema_problem(side, rel, parsed[attr])
            if problem is not None:
                out.invalid[rel] = problem
                continue
            setattr(out, attr, fn(parsed[attr]))
        except json.JSONDecodeError as exc:
            out.unreadable[rel] = (
                f"it is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
            )
        except (ValueError, _ShapeError, AttributeError, TypeError) as exc:
            out.unreadable[rel] = (
                str(exc) if isinstance(exc, _ShapeError) else "it is not valid JSON"
            )
    if out.machine is not None and isinstance(parsed.get("machine"), dict):
        roles = parsed.get("roles") if out.roles is not None else None
        out.problems = behaviour_problems(
            parsed["machine"],
            roles if isinstance(roles, dict) else None,
            out.event_types,
            _session_states(side),
            machine_file=STATE_MACHINE,
            behaviour_file=out.behaviour_source,
        )
    return out


def _schema_problem(side: SchemaSet, rel: str, doc: Any) -> tuple[str, str] | None:  # noqa: ANN401
    """The first way data file `rel` breaks its schema in the same folder (None: no schema)."""
    name = rel.rsplit("/", 1)[-1]  # behaviour.json may be the released supplement's
    if name in PACKAGE_SCHEMAS:
        return schema_problem(rel, doc, package_schema(name))
    schema = side.docs.get(DATA_SCHEMAS.get(rel, ""))
    if not isinstance(schema, dict):
        return None
    return schema_problem(rel, doc, schema, side.registry)


def _session_states(side: SchemaSet) -> frozenset[str] | None:
    """The session state enum the folder's state-machine schema refers to (None: none)."""
    rel = STATE_MACHINE.replace(".json", ".schema.json")
    schema = side.docs.get(rel)
    if not isinstance(schema, dict):
        return None
    from vrp_contract.compat.sources import InputError  # noqa: PLC0415 - no import cycle

    try:
        return session_states(schema, lambda ref: side.resolve(side.base[rel], ref)[0])
    except (InputError, KeyError):
        return None
