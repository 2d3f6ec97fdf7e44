"""Check one event object against the event schema of a revision, with precise messages.

The union is checked by dispatching on `event_type` to the one variant it names, so an error
says "PATH_SELECTED requires details.path_id" instead of "not valid under any of the given
schemas". The verdict is the union's verdict: the variants' `event_type` constants are distinct.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import jsonschema

if TYPE_CHECKING:
    from collections.abc import Iterator

    from vrp_contract.revisions import Revision
    from vrp_contract.stream.parse import LineProblem

__all__ = ["SchemaChecker"]

_JSON_TYPES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    type(None): "null",
}


def _pointer(path: Any) -> str:  # noqa: ANN401 - a deque of str/int
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _show(value: Any) -> str:  # noqa: ANN401
    """The value as JSON text (what the producer wrote), cut to 60 characters."""
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= 60 else text[:57] + "..."


def _field(pointer: str) -> str:
    return f"field {pointer}" if pointer else "the event"


class SchemaChecker:
    """Validates event objects against one revision; yields (rule, pointer, message) problems."""

    def __init__(self, revision: Revision) -> None:
        """Compile one validator per event type, plus the envelope for unknown types."""
        self.revision = revision
        registry = revision.registry
        cls = jsonschema.Draft202012Validator
        self.variants = {
            et: cls(revision.inlined(schema), registry=registry)
            for et, schema in revision.variants.items()
        }
        self.envelope = cls(revision.inlined(revision.envelope_schema), registry=registry)
        self.known = ", ".join(revision.event_types)

    def is_valid(self, event: dict[str, Any]) -> bool:
        """Return True when the event conforms to the revision."""
        event_type = event.get("event_type")
        validator = self.variants.get(event_type) if event_type.__class__ is str else None
        return validator is not None and validator.is_valid(event)

    def problems(self, event: dict[str, Any]) -> Iterator[LineProblem]:
        """Yield every schema problem of the event, in schema order."""
        event_type = event.get("event_type")
        validator = self.variants.get(event_type) if isinstance(event_type, str) else None
        if validator is None:
            validator = self.envelope
        errors = list(validator.iter_errors(event))
        # A value of the wrong type breaks every other keyword at its place too: one mistake,
        # one finding (null is not "an unknown event type", it is not a string at all).
        mistyped = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
        for error in errors:
            if error.validator != "type" and tuple(error.absolute_path) in mistyped:
                continue
            yield from self._explain(error, event_type)

    def _explain(
        self, error: jsonschema.ValidationError, event_type: object
    ) -> Iterator[LineProblem]:
        keyword = str(error.validator)
        where = _pointer(error.absolute_path)
        value: Any = error.validator_value
        inst = error.instance
        known = isinstance(event_type, str) and event_type in self.variants
        subject = f"the {event_type} event" if known else "the event"
        if keyword == "required":
            for name in value:
                if (
                    isinstance(inst, dict)
                    and name not in inst
                    and error.message.startswith(repr(name))
                ):
                    ptr = f"{where}/{name}"
                    scope = f"{where} of {subject}" if where else subject
                    yield (
                        "schema.required",
                        ptr,
                        f"Required property {name!r} is missing from {scope}.",
                    )
            return
        if keyword == "additionalProperties" and isinstance(inst, dict):
            schema = error.schema if isinstance(error.schema, dict) else {}
            allowed = schema.get("properties", {})
            for name in inst:
                if name not in allowed:
                    where_text = f"in {where}" if where else "at the top level of the event"
                    hint = "; extensions belong in details" if not where else ""
                    yield (
                        "schema.additionalProperties",
                        f"{where}/{name}",
                        (
                            f"Property {name!r} is not allowed {where_text} (allowed: "
                            f"{', '.join(allowed)}){hint}."
                        ),
                    )
            return
        if keyword == "enum" and where == "/event_type":
            yield (
                "schema.unknown-event-type",
                where,
                (
                    f"Unknown event_type {_show(inst)}: revision {self.revision.name} defines "
                    f"{self.known}."
                ),
            )
            return
        yield ("schema." + keyword, where, self._sentence(keyword, where, value, inst))

    @staticmethod
    def _sentence(keyword: str, where: str, value: Any, inst: Any) -> str:  # noqa: ANN401, PLR0911
        field = _field(where)
        kind = _JSON_TYPES.get(type(inst), type(inst).__name__)
        got = "got null" if inst is None else f"got {kind} {_show(inst)}"
        if keyword == "type":
            expected = " or ".join(value) if isinstance(value, list) else value
            article = "an" if str(expected)[0] in "aeiou" else "a"
            return f"The {field} must be {article} {expected}, {got}."
        if keyword == "minLength" and value == 1:
            return f"The {field} must be a non-empty string."
        if keyword in {"minLength", "maxLength"}:
            bound = "at least" if keyword == "minLength" else "at most"
            return f"The {field} must be {bound} {value} characters long, {got}."
        if keyword in {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}:
            bound = {
                "minimum": "at least",
                "maximum": "at most",
                "exclusiveMinimum": "greater than",
                "exclusiveMaximum": "less than",
            }[keyword]
            return f"The {field} must be {bound} {value}, {got}."
        if keyword == "enum":
            return f"The {field} must be one of {', '.join(map(str, value))}; {got}."
        if keyword == "const":
            return f"The {field} must be {value!r}; {got}."
        return f"The {field} is invalid ({keyword}): {error_text(keyword, value)}; {got}."


def error_text(keyword: str, value: Any) -> str:  # noqa: ANN401
    """Describe a keyword constraint the messages above do not special-case."""
    return f"{keyword} {_show(value)}"
