"""Checks of a revision's data files: each against its schema, and the behaviour as one whole.

Defined once, used by the revision loader (`vrp_contract.revisions.Revision` raises
`RevisionDataError`, so `validate` and `schema` end in a one-line input error), by the
compatibility checker (a data file that breaks its schema is unreadable; an inconsistent behaviour
is a `behaviour.inconsistent` finding) and by `scripts/generate.py` (a `GeneratorError`).

- `DATA_SCHEMAS`: which schema file of the revision each data file must satisfy;
- `schema_problem(rel, doc, schema, registry)`: the first way `doc` breaks its schema, as
  `(pointer, sentence)`, or None; a default policy must also give every bound its schema defines
  (a policy file given to `validate --policy` overrides it key by key, so the default is complete);
- `behaviour_problems(...)`: every name the state machine and behaviour data use that the
  revision does not define, a state listed twice, a terminal state with an outgoing transition,
  a state the session state enum lacks; each a `Problem` `(file, pointer, sentence)`;
- `vector_problem(kind, doc)`: why an example vector (`examples/valid|invalid/*.json`) does not
  have the vector format `VECTOR_FORMAT`, or None;
- `session_states(schema, resolve)`: the values a state name may take, from the state-machine
  schema (the enum its `states[].name` refers to);
- `ref_cycle(starts, follow)`: a chain of `$ref`s that never reaches a schema (`A` is only a
  `$ref` to `B`, `B` only a `$ref` to `A`): validators recurse forever, bundles dangle and a
  comparison reads the type as "any". The revision loader, the bundle and compat refuse it.

Nothing here names a state or an event type: every name comes from the revision's files.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeVar

from vrp_contract.vocabulary import escape, pointer_lines

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable

    import referencing

__all__ = [
    "DATA_SCHEMAS",
    "PACKAGE_SCHEMAS",
    "Problem",
    "RevisionDataError",
    "behaviour_problems",
    "located",
    "package_schema",
    "ref_cycle",
    "schema_problem",
    "session_states",
    "vector_problem",
]

C = TypeVar("C")
Problem = tuple[str, str, str]
"""(file relative to the revision, JSON Pointer into it, one full sentence)."""

DATA_SCHEMAS = {
    "policy.default.json": "policy.schema.json",
    "invariants.json": "invariants.schema.json",
    "state-machine.json": "state-machine.schema.json",
}
"""Data file -> the schema file of the same revision it must satisfy."""
PACKAGE_SCHEMAS = {"behaviour.json": "behaviour.schema.json"}
"""Data file -> the schema file of this package (`vrp_contract/data`) it must satisfy."""
_COMPLETE = frozenset({"policy.default.json"})
"""Data files that must give every property their schema defines."""
_FIXED_KEYS = frozenset({"states", "initial", "terminal", "transitions"})
"""state-machine.json keys that are not a list of states with a role."""


VECTOR_FORMAT = (
    'an example vector is {"description": TEXT, "event": EVENT}, and one under examples/invalid '
    'adds "error": {"rule": RULE ID, "pointer": JSON POINTER} (docs/guides/revision-example.md)'
)
"""The example vector format, as the error message states it."""


_KIND_NAMES = {str: "string", dict: "object", object: "JSON value"}


def vector_problem(kind: str, doc: Any) -> str | None:  # noqa: ANN401 - any parsed JSON
    """Why `doc` is not an example vector of `kind` (`valid`, `invalid`), else None."""
    if not isinstance(doc, dict):
        return f"{VECTOR_FORMAT}; this file holds no JSON object."
    wanted: dict[str, type] = {"description": str, "event": object}
    if kind == "invalid":
        wanted["error"] = dict
    for key, kind_of in wanted.items():
        if key not in doc:
            hint = '; a bare event goes under "event"' if "event_type" in doc else ""
            return f'{VECTOR_FORMAT}; this file has no "{key}"{hint}.'
        if not isinstance(doc[key], kind_of):
            return f'{VECTOR_FORMAT}; its "{key}" is not a {_KIND_NAMES[kind_of]}.'
    error = doc.get("error")
    if kind == "invalid" and not (
        isinstance(error, dict) and all(isinstance(error.get(k), str) for k in ("rule", "pointer"))
    ):
        return f'{VECTOR_FORMAT}; its "error" lacks a string "rule" or "pointer".'
    return None


class RevisionDataError(ValueError):
    """A revision data file that cannot be used; the message names the file, line and field."""


def located(path: str, text: str | None, pointer: str, message: str) -> str:
    """`path:line: field POINTER: message` (the line of the pointer, else of its nearest parent)."""
    line = None
    if text is not None:
        lines = pointer_lines(text)
        probe = pointer
        while line is None:
            line = lines.get(probe)
            if not probe:
                break
            probe = probe.rsplit("/", 1)[0]
    where = f"{path}:{line}" if line is not None else path
    field = f"field {pointer}" if pointer else "(top level)"
    return f"{where}: {field}: {message}"


def package_schema(name: str) -> dict[str, Any]:
    """The schema of this package that data file `name` must satisfy (`PACKAGE_SCHEMAS`)."""
    path = resources.files("vrp_contract").joinpath("data", PACKAGE_SCHEMAS[name])
    schema: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return schema


def _schema_name(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1]  # a supplement's file has the name of the revision's
    if name in PACKAGE_SCHEMAS:
        return f"{PACKAGE_SCHEMAS[name]} (of vrp-contract)"
    return DATA_SCHEMAS.get(name, "its schema")


def schema_problem(
    rel: str,
    doc: Any,  # noqa: ANN401 - any parsed JSON
    schema: dict[str, Any],
    registry: referencing.Registry[Any] | None = None,
) -> tuple[str, str] | None:
    """The first way data file `rel` breaks `schema`, as (JSON Pointer, sentence); else None."""
    import jsonschema  # noqa: PLC0415 - a slow import, only when data files are read

    if isinstance(doc, dict):
        doc = {k: v for k, v in doc.items() if k != "$schema"}
    kwargs: dict[str, Any] = {} if registry is None else {"registry": registry}
    validator = jsonschema.Draft202012Validator(schema, **kwargs)
    error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
    if error is not None:
        where = "".join(f"/{escape(str(p))}" for p in error.absolute_path)
        message = error.message
        if error.validator == "enum":
            allowed = ", ".join(map(str, error.validator_value))
            message = f"{error.instance!r} is not one of {allowed}"
        return where, f"{message}; {rel} must satisfy {_schema_name(rel)}."
    if rel in _COMPLETE and isinstance(doc, dict):
        missing = [k for k in schema.get("properties", {}) if k not in doc]
        if missing:
            return "", (
                f"the default policy gives no value for {', '.join(missing)}; a default policy "
                "states every bound its schema defines."
            )
    return None


def ref_cycle(
    starts: Iterable[tuple[str, str, C]],
    follow: Callable[[str, C], tuple[Any, str, C]],
) -> list[str] | None:
    """The first `$ref` chain that comes back to itself before reaching a schema, else None.

    `starts` are `(label, $ref, context)`: where a `$ref` is written (e.g. `common.schema.json#
    /$defs/NodeId`), its value and what `follow` needs to resolve it; `follow($ref, context)`
    returns `(target, label of the target, context inside the target)`. A target that is itself
    a `$ref` (with or without annotations beside it) is followed. The chain is returned as labels,
    the repeated one last: `[NodeId, A, B, A]`.
    """
    for label, first_ref, first_context in starts:
        chain, seen = [label], {label}
        ref, context = first_ref, first_context
        while True:
            target, where, context = follow(ref, context)
            chain.append(where)
            if where in seen:
                return chain
            seen.add(where)
            next_ref = target.get("$ref") if isinstance(target, dict) else None
            if not isinstance(next_ref, str):
                break
            ref = next_ref
    return None


def session_states(schema: dict[str, Any], resolve: Callable[[str], Any]) -> frozenset[str] | None:
    """The values a state name may take: the enum `states[].name` refers to (None: no enum)."""
    try:
        node = schema["properties"]["states"]["items"]["properties"]["name"]
    except (KeyError, TypeError):
        return None
    for _ in range(8):  # a short chain of references, never a cycle
        if not isinstance(node, dict):
            return None
        if isinstance(node.get("enum"), list):
            return frozenset(str(v) for v in node["enum"])
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return None
        node = resolve(ref)
    return None


def _list(doc: Any, key: str) -> list[tuple[int, str]]:  # noqa: ANN401 - any parsed JSON
    value = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, str)]


def behaviour_problems(  # noqa: C901, PLR0912, PLR0913 - one pass over each list of names
    machine: dict[str, Any],
    behaviour: dict[str, Any] | None,
    event_types: Collection[str] | None,
    enum: Collection[str] | None,
    *,
    machine_file: str = "state-machine.json",
    behaviour_file: str = "behaviour.json",
    enum_file: str = "common.schema.json",
) -> list[Problem]:
    """Every inconsistency of a revision's state machine and behaviour data (see the docstring)."""
    out: list[Problem] = []
    sm = machine_file
    states: dict[str, int] = {}
    for i, entry in enumerate(machine.get("states") or []):
        name = entry.get("name") if isinstance(entry, dict) else entry
        if not isinstance(name, str):
            continue
        if name in states:
            out.append((sm, f"/states/{i}/name", (
                f"State {name} is listed twice in states (also at /states/{states[name]}); "
                "list each state once."
            )))  # fmt: skip
            continue
        states[name] = i
        if enum is not None and name not in enum:
            out.append((sm, f"/states/{i}/name", (
                f"State {name} is not a value of the session state enum in {enum_file}; add it "
                "there too, or no event can name it."
            )))  # fmt: skip

    def unknown(where: str, name: str, what: str) -> None:
        out.append((sm, where, f"{what} names state {name}, which is not one of the states."))

    initial = machine.get("initial")
    if isinstance(initial, str) and initial not in states:
        out.append((sm, "/initial", f"The initial state {initial} is not one of the states."))
    terminal = {name for _, name in _list(machine, "terminal")}
    for key, value in machine.items():
        if key in _FIXED_KEYS - {"terminal"} or not isinstance(value, list):
            continue
        for i, name in _list(machine, key):
            if name not in states:
                unknown(f"/{escape(key)}/{i}", name, f"The list {key}")
    for i, entry in enumerate(machine.get("transitions") or []):
        if not isinstance(entry, dict):
            continue
        for end in ("from", "to"):
            name = entry.get(end)
            if isinstance(name, str) and name not in states:
                arrow = f"{entry.get('from')} -> {entry.get('to')}"
                unknown(f"/transitions/{i}/{end}", name, f"Transition {arrow}")
        source = entry.get("from")
        if source in terminal and source in states:
            out.append((sm, f"/transitions/{i}", (
                f"Transition {source} -> {entry.get('to')} leaves terminal state {source}; "
                "a terminal state has no outgoing transition."
            )))  # fmt: skip
    if behaviour is None:
        return out
    attempts = behaviour.get("attempts")
    for key in sorted(attempts) if isinstance(attempts, dict) else []:
        for i, name in _list(attempts, key):
            if name not in states:
                out.append((behaviour_file, f"/attempts/{escape(key)}/{i}", (
                    f"The list attempts.{key} names state {name}, which is not one of the "
                    f"states of {sm}."
                )))  # fmt: skip
    roles = behaviour.get("event_roles")
    for role in sorted(roles) if isinstance(roles, dict) and event_types is not None else []:
        for i, name in _list(roles, role):
            if event_types is not None and name not in event_types:
                out.append((behaviour_file, f"/event_roles/{escape(role)}/{i}", (
                    f"The {role} role names event type {name}, which the revision's event "
                    "union does not define."
                )))  # fmt: skip
    return out
