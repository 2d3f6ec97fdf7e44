"""Word schema violations as findings: one explanation layer for every schema engine.

An engine (jsonschema-rs at run time, python-jsonschema as the reference in tests) reports each
violation as a `Violation`: the keyword, where it is in the event, where it is in the schema and,
for the keywords that name properties, which ones. `explain` puts them in one canonical order
(the schema's order, then the event's: what python-jsonschema yields) and words them, so the
findings do not depend on the engine that found them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NamedTuple

from vrp_contract.stream.parse import big_int_digits
from vrp_contract.vocabulary import pointer

if TYPE_CHECKING:
    from collections.abc import Sequence

    from vrp_contract.stream.types import Problem

__all__ = ["Violation", "explain", "pointer", "show"]

_JSON_TYPES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    type(None): "null",
}
_SHOW = 60
_ENCODE = json.JSONEncoder(ensure_ascii=False, default=repr).encode
_LAST = 1 << 30
"""Sorts after every real position (a path the schema walk cannot follow keeps engine order)."""

_CONSUME_NEXT = frozenset({"properties", "patternProperties", "prefixItems"})
"""Keywords whose next schema path item names the child, which is one step into the event."""
_CONSUME_HERE = frozenset(
    {
        "items",
        "additionalItems",
        "additionalProperties",
        "unevaluatedProperties",
        "unevaluatedItems",
        "contains",
    }
)
"""Keywords that apply one subschema to children of the event: one step into the event."""
_CONTAINERS = frozenset(
    {"properties", "patternProperties", "dependentSchemas", "$defs", "allOf", "anyOf", "oneOf"}
    | {"prefixItems"}
)
"""Keywords whose value holds subschemas by name or index (the next item picks one)."""


class Violation(NamedTuple):
    """One schema violation as an engine reports it."""

    keyword: str
    path: tuple[str | int, ...]
    """Where in the event (instance path)."""
    schema_path: tuple[str | int, ...]
    """Where in the variant's schema, ending with the keyword."""
    names: tuple[str, ...] = ()
    """`required`: the missing property; `additionalProperties` and `unevaluatedProperties`:
    the properties not allowed, in the event's order."""


def show(value: Any) -> str:  # noqa: ANN401
    """The value as JSON text (what the producer wrote), cut to 60 characters."""
    try:
        text = _ENCODE(value)
    except (ValueError, RecursionError):  # an integer of more than 4,300 digits; deep nesting
        with big_int_digits():
            text = _head(value, _SHOW)
    return text if len(text) <= _SHOW else text[: _SHOW - 3] + "..."


class _Text(str):
    """JSON punctuation on `_head`'s stack: written as it is."""

    __slots__ = ()


def _head(value: Any, size: int) -> str:  # noqa: ANN401
    """The JSON text `_ENCODE` writes for `value`, up to at least `size + 1` characters.

    Without recursion: parsers accept a nesting deeper than the encoder's recursion allows.
    """
    out: list[str] = []
    written = 0
    stack: list[Any] = [value]
    while stack and written <= size:
        node = stack.pop()
        text: str
        if node.__class__ is _Text:
            text = node
        elif node.__class__ is dict and node:
            text, parts = "{", [_Text("}")]
            for key, item in reversed(node.items()):
                parts += (item, _Text(_ENCODE(key) + ": "), _Text(", "))
            stack += parts[:-1]
        elif node.__class__ is list and node:
            text, parts = "[", [_Text("]")]
            for item in reversed(node):
                parts += (item, _Text(", "))
            stack += parts[:-1]
        else:
            text = _ENCODE(node)
        out.append(text)
        written += len(text)
    return "".join(out)


def _field(where: str) -> str:
    return f"field {where}" if where else "the event"


def _position(container: Any, item: str | int) -> int:  # noqa: ANN401
    """Where `item` is in a JSON object (its key order) or array; `_LAST` when absent."""
    if isinstance(container, list):
        return item if isinstance(item, int) and 0 <= item < len(container) else _LAST
    if container.__class__ is dict:
        for index, key in enumerate(container):
            if key == item:
                return index
    return _LAST


def _order(v: Violation, schema: Any, event: Any) -> tuple[int, ...]:  # noqa: ANN401
    """The canonical order of a violation: python-jsonschema's, whatever the engine's.

    The schema is walked along the violation's schema path: keywords and subschemas count by
    their position in the schema, children of the event by their position in the event.
    """
    key: list[int] = []
    node: Any = schema
    inst: Any = event
    step = 0
    path = v.path
    spath: tuple[Any, ...] = v.schema_path
    container: str | None = None  # the keyword whose value `node` is, when it holds subschemas
    for item in spath:
        if node.__class__ not in (dict, list):
            key.append(_LAST)
            break
        key.append(_position(node, item))
        try:
            node = node[item]
        except (KeyError, IndexError, TypeError):
            key.append(_LAST)
            break
        consume = container in _CONSUME_NEXT or (container is None and item in _CONSUME_HERE)
        container = (
            item if container is None and isinstance(item, str) and item in _CONTAINERS else None
        )
        if consume and step < len(path):
            key.append(_position(inst, path[step]))
            try:
                inst = inst[path[step]]
            except (KeyError, IndexError, TypeError):
                break
            step += 1
    return tuple(key)


def _at(node: Any, path: Sequence[str | int]) -> Any:  # noqa: ANN401
    """The value at `path` in a parsed JSON value; None when the path leads nowhere."""
    for item in path:
        try:
            node = node[item]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def explain(  # noqa: PLR0913 - the violations and what words them
    violations: list[Violation],
    schema: dict[str, Any],
    event: dict[str, Any],
    *,
    subject: str,
    known: str,
    memo: dict[Any, Any] | None = None,
) -> list[Problem]:
    """Word the violations of `event` against the variant `schema`, in canonical order.

    `subject` names the event in messages ("the STATE_CHANGE event"); `known` lists the
    revision's event types for an unknown one. A value of the wrong type breaks every other
    keyword at its place too: one mistake, one finding. `memo` (owned by the caller, for the
    schemas `subject` names) keeps each violation's `_Plan`: the wording the schema alone
    decides, all of it or the sentence around the offending value, which is filled in per line
    (a broken producer repeats its mistakes, rarely its values).
    """
    if len(violations) > 1:
        violations = sorted(violations, key=lambda v: _order(v, schema, event))
        mistyped = {v[1] for v in violations if v[0] == "type"}
    else:
        mistyped = None
    out: list[Problem] = []
    for v in violations:
        keyword, path = v[0], v[1]
        if mistyped and keyword != "type" and path in mistyped:
            continue
        if keyword in _NAMED:
            if len(v[3]) > 1 and keyword != "required":
                v = _in_event_order(v, event)  # noqa: PLW2901
            inst = None
        else:
            inst = _at(event, path)
        plan = None if memo is None else memo.get((v, subject))
        if plan is None:
            plan = _plan(v, schema, subject, known)
            if memo is not None:
                if len(memo) >= _MEMO:
                    memo.clear()
                memo[v, subject] = plan
        if isinstance(plan, list):
            out.extend(plan)
        else:
            out.append(_filled(plan, inst))
    return out


def _in_event_order(v: Violation, event: dict[str, Any]) -> Violation:
    """`v` naming its properties in the event's order, whatever order the engine reports."""
    named = set(v.names)
    obj = _at(event, v.path)
    if obj.__class__ is not dict:
        return v
    return v._replace(names=tuple(k for k in obj if k in named))


_NAMED = frozenset({"required", "additionalProperties", "unevaluatedProperties"})
"""Keywords worded from the property names alone, not from the value."""
_MEMO = 4096


class _Sentence(NamedTuple):
    """A violation's wording around the offending value: `head`, the value, `tail`."""

    rule: str
    where: str
    head: str
    tail: str
    got: bool
    """True: the value as `got <its JSON type> <its JSON text>`; False: its JSON text alone."""


_Plan = list["Problem"] | _Sentence
"""What the schema alone decides of a violation's wording: all of it (the problems), or the
sentence around the offending value."""


def _filled(plan: _Sentence, inst: Any) -> Problem:  # noqa: ANN401
    """The problem worded by the sentence `plan` about the offending value `inst`."""
    rule, where, head, tail, got = plan
    if not got:
        return (rule, where, f"{head}{show(inst)}{tail}")
    if inst is None:
        return (rule, where, f"{head}got null{tail}")
    kind = _JSON_TYPES.get(type(inst), type(inst).__name__)
    return (rule, where, f"{head}got {kind} {show(inst)}{tail}")


def _plan(v: Violation, schema: dict[str, Any], subject: str, known: str) -> _Plan:
    """Word the violation `v` of the variant `schema` as far as the schema decides it."""
    where = pointer(v.path)
    parent: Any = _at(schema, v.schema_path[:-1])
    if parent.__class__ is not dict:
        parent = {}
    value: Any = parent.get(v.keyword)
    if v.keyword == "required":
        scope = f"{where} of {subject}" if where else subject
        return [
            (
                "schema.required",
                f"{where}/{pointer([name])[1:]}",
                f"Required property {name!r} is missing from {scope}.",
            )
            for name in v.names
        ]
    if v.keyword in {"additionalProperties", "unevaluatedProperties"}:
        allowed = ", ".join(parent.get("properties", {}))
        where_text = f"in {where}" if where else "at the top level of the event"
        hint = "; extensions belong in details" if not where else ""
        because = (
            f" (allowed: {allowed})"
            if v.keyword == "additionalProperties"
            else " (no subschema of the event's schema evaluates it)"
        )
        return [
            (
                "schema." + v.keyword,
                f"{where}/{pointer([name])[1:]}",
                f"Property {name!r} is not allowed {where_text}{because}{hint}.",
            )
            for name in v.names
        ]
    if v.keyword == "enum" and where == "/event_type":
        return _Sentence(
            "schema.unknown-event-type",
            where,
            "Unknown event_type ",
            f": revision {known}.",
            got=False,
        )
    sentence = _sentence(v.keyword, where, value)
    if isinstance(sentence, str):
        return [("schema." + v.keyword, where, sentence)]
    return _Sentence("schema." + v.keyword, where, sentence[0], sentence[1], got=True)


def _sentence(keyword: str, where: str, value: Any) -> str | tuple[str, str]:  # noqa: ANN401, PLR0911
    """The message of a `keyword` violation: whole, or the parts before and after `got ...`."""
    field = _field(where)
    if keyword == "type":
        expected = " or ".join(value) if isinstance(value, list) else value
        article = "an" if str(expected)[0] in "aeiou" else "a"
        return f"The {field} must be {article} {expected}, ", "."
    if keyword == "minLength" and value == 1:
        return f"The {field} must be a non-empty string."
    if keyword in {"minLength", "maxLength"}:
        bound = "at least" if keyword == "minLength" else "at most"
        return f"The {field} must be {bound} {value} characters long, ", "."
    if keyword in {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}:
        bound = {
            "minimum": "at least",
            "maximum": "at most",
            "exclusiveMinimum": "greater than",
            "exclusiveMaximum": "less than",
        }[keyword]
        return f"The {field} must be {bound} {value}, ", "."
    if keyword == "enum":
        return f"The {field} must be one of {', '.join(map(str, value))}; ", "."
    if keyword == "const":
        return f"The {field} must be {value!r}; ", "."
    if keyword == "pattern":
        return f"The {field} must match the regular expression {show(value)}; ", "."
    return f"The {field} is invalid ({keyword}): {keyword} {show(value)}; ", "."
