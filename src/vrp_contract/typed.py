"""Typed events: strict decode and encode between JSON text and the generated dataclasses.

`decode(text_or_bytes)` is the one strict entry point: it parses the JSON (bad UTF-8, bad JSON,
duplicate keys and non-objects are refused), checks the event against the revision exactly as
the stream validator does (`validate_event`), and builds the dataclass. Any problem raises one
`DecodeError` carrying the rule id, the JSON Pointer and a sentence in JSON terms; an event type
the revision does not define raises `UnknownEventTypeError` (a `DecodeError`), so a tolerant
reader can skip it. `encode(event)` refuses any event that `decode` would refuse, with the same
error. The TypeScript, Go, Rust and Java bindings report the same rule ids and pointers.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from vrp_contract.generated import v0_1
from vrp_contract.generated.v0_1 import VrpEvent
from vrp_contract.revisions import load_revision
from vrp_contract.stream.parse import parse_line
from vrp_contract.stream.validator import validate_event
from vrp_contract.vocabulary import pointer

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "REVISION",
    "DecodeError",
    "EncodeError",
    "UnknownEventTypeError",
    "VrpEvent",
    "decode",
    "encode",
    "from_dict",
    "to_dict",
]

REVISION = "0.1"
"""The revision whose generated module (`vrp_contract.generated.v0_1`) these functions use."""

UNKNOWN_EVENT_TYPE = "schema.unknown-event-type"


class DecodeError(v0_1.DecodeError):
    """The input is not a valid event: `rule` (a catalog rule id), `pointer` and `message`.

    `str(error)` is `"<rule> at <pointer>: <message>"`; it is a ValueError.
    """

    def __init__(self, rule: str, pointer: str, message: str) -> None:
        """Keep the three parts; the string form names all of them."""
        super().__init__(pointer, message)
        self.args = (f"{rule} at {pointer or '/'}: {message}",)
        self.rule = rule
        self.message = message


class UnknownEventTypeError(DecodeError):
    """The event names an `event_type` this revision does not define (skip it to be tolerant)."""


class EncodeError(DecodeError):
    """`encode` was given an event that `decode` would refuse; same rule, pointer and message."""


def _raise(cls: type[DecodeError], rule: str, pointer: str, message: str) -> None:
    if rule == UNKNOWN_EVENT_TYPE and cls is DecodeError:
        cls = UnknownEventTypeError
    raise cls(rule, pointer, message)


def _check(data: Any, cls: type[DecodeError]) -> None:  # noqa: ANN401 - any parsed JSON value
    findings = validate_event(data, load_revision(REVISION))
    if findings:
        first = findings[0]
        _raise(cls, first.rule, first.pointer or "", first.message)


def decode(data: bytes | str) -> VrpEvent:
    """Decode one event from JSON text (bytes or str) into its dataclass; raise DecodeError."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    obj, problems = parse_line(raw.rstrip(b"\r\n"))
    if problems:
        rule, pointer, message = problems[0]
        _raise(DecodeError, rule, pointer, message)
    _check(obj, DecodeError)
    return v0_1.from_dict(obj)


def from_dict(data: Mapping[str, Any], *, validate: bool = True) -> VrpEvent:
    """Decode one parsed JSON event into its dataclass; raise DecodeError like `decode`.

    With `validate=False` only the generated loader checks it (the types, and the lengths and
    ranges of the schema); its `v0_1.DecodeError` names the pointer, not the rule id.
    """
    if validate:
        _check(data, DecodeError)
    return v0_1.from_dict(data)


def to_dict(event: VrpEvent) -> dict[str, Any]:
    """Encode an event to a JSON-ready dict, refusing (EncodeError) what `decode` would refuse."""
    data = v0_1.to_dict(event)
    _check(data, EncodeError)
    return data


def encode(event: VrpEvent) -> str:
    """Encode an event to compact JSON text, refusing (EncodeError) what `decode` would refuse.

    Also what JSON cannot hold: a number past the range of a float (`1e400` in open `details`
    decodes to infinity) cannot be written back as JSON text.
    """
    data = to_dict(event)
    found = _non_finite(data, ())
    if found is not None:
        path, number = found
        where = pointer(path)
        _raise(
            EncodeError,
            "input.not-json",
            where,
            f"The field {where} is {number!r}, which JSON cannot hold (only finite numbers): "
            "a number past the range of a 64-bit float cannot be written back.",
        )
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _non_finite(
    value: Any,  # noqa: ANN401 - any JSON value
    path: tuple[str | int, ...],
) -> tuple[tuple[str | int, ...], float] | None:
    """The path and value of the first infinite or NaN number in `value`, if any."""
    if value.__class__ is float and not math.isfinite(value):
        return path, value
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _non_finite(item, (*path, key))
        if found is not None:
            return found
    return None
