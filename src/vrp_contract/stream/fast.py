"""The accepting fast path: a msgspec decoder compiled from the revision's event schemas.

msgspec parses and type-checks an event in one pass, several times faster than parsing alone
followed by jsonschema. It is used only to *accept*: a line it accepts is one jsonschema accepts
(the compiler below refuses any schema construct it cannot translate exactly, and duplicate
keys, which msgspec would silently resolve, are ruled out separately). A line it rejects goes to
the reference path (`parse_line` + `SchemaChecker`), which decides and explains. The
differential test in tests/stream/test_differential.py holds this promise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

import msgspec

from vrp_contract.stream.parse import count_keys, find_duplicates

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = ["FastDecoder", "UnsupportedSchemaError"]

JSON = dict[str, Any]
Check = Callable[[Any], bool]
Record = tuple[str, str, int, str | None, str | None]
"""(session_id, event_type, ts_ms, from_state, to_state) of an accepted event."""

_ANNOTATIONS = frozenset({"title", "description", "examples", "$comment", "deprecated"})
_ENVELOPE = ("ts_ms", "event_type", "session_id", "node_id", "reason_code", "details")
_ALWAYS = frozenset({"ts_ms", "event_type", "session_id"})
_SCALAR_KEYWORDS = frozenset({"type", "minLength", "maxLength", "minimum", "maximum", "enum"})


class UnsupportedSchemaError(ValueError):
    """The schema uses a construct the fast path cannot translate exactly."""


def _scalar(schema: JSON) -> tuple[Any, Check]:
    """Translate a scalar schema into (msgspec type, equivalent predicate on decoded values)."""
    extra = set(schema) - _SCALAR_KEYWORDS - _ANNOTATIONS
    if extra:
        raise UnsupportedSchemaError(f"keywords {sorted(extra)}")
    kind = schema.get("type")
    if "enum" in schema:
        values = schema["enum"]
        if kind != "string" or not all(isinstance(v, str) for v in values):
            raise UnsupportedSchemaError("non-string enum")
        allowed = frozenset(values)
        return Literal[tuple(values)], lambda v: v.__class__ is str and v in allowed
    if kind == "string":
        lo, hi = schema.get("minLength", 0), schema.get("maxLength")
        meta = msgspec.Meta(min_length=lo, max_length=hi) if lo or hi is not None else None
        typ: Any = Annotated[str, meta] if meta else str
        return typ, lambda v: v.__class__ is str and lo <= len(v) and (hi is None or len(v) <= hi)
    if kind == "integer":
        ge, le = schema.get("minimum"), schema.get("maximum")
        if not all(b is None or isinstance(b, int) for b in (ge, le)):
            raise UnsupportedSchemaError("non-integer bounds")
        typ = Annotated[int, msgspec.Meta(ge=ge, le=le)]
        return (
            typ,
            lambda v: v.__class__ is int and (ge is None or v >= ge) and (le is None or v <= le),
        )
    raise UnsupportedSchemaError(f"type {kind!r}")


class _Compiler:
    def __init__(self, revision: Revision) -> None:
        self.revision = revision

    def resolve(self, schema: JSON, base: str) -> JSON:
        if "$ref" not in schema:
            return schema
        if set(schema) - {"$ref"} - _ANNOTATIONS:
            raise UnsupportedSchemaError("$ref with sibling constraints")
        resolved: JSON = self.revision.registry.resolver(base).lookup(schema["$ref"]).contents
        return resolved

    def details(self, schema: JSON, base: str) -> list[tuple[str, bool, Check]]:
        """Checks for the keys of an open `details` object: (key, required, predicate)."""
        extra = set(schema) - {"type", "properties", "required"} - _ANNOTATIONS
        if schema.get("type") != "object" or extra:
            raise UnsupportedSchemaError(f"details keywords {sorted(extra)}")
        required = set(schema.get("required", ()))
        props = schema.get("properties", {})
        if not required <= set(props):
            raise UnsupportedSchemaError("required key without a property schema")
        return [
            (key, key in required, _scalar(self.resolve(sub, base))[1])
            for key, sub in props.items()
        ]

    def variant(self, event_type: str, schema: JSON) -> tuple[type, list[tuple[str, bool, Check]]]:
        base = schema["$id"]
        allowed = {"type", "properties", "required", "additionalProperties", "$schema", "$id"}
        if schema.get("additionalProperties") is not False or set(schema) - allowed - _ANNOTATIONS:
            raise UnsupportedSchemaError("the event object must be closed and plain")
        required = set(schema["required"])
        if tuple(schema["properties"]) != _ENVELOPE or not required >= _ALWAYS:
            raise UnsupportedSchemaError("the fast path knows the 0.x envelope only")
        fields: list[Any] = []
        details: list[tuple[str, bool, Check]] = []
        for name, sub in schema["properties"].items():
            if name == "event_type":
                if sub.get("const") != event_type:
                    raise UnsupportedSchemaError("event_type is not the variant's const")
                continue
            if name == "details":
                details = self.details(sub, base)
                typ: Any = dict[str, Any]
            else:
                typ = _scalar(self.resolve(sub, base))[0]
            if name in required:
                fields.append((name, typ))
            else:
                fields.append((name, typ | msgspec.UnsetType, msgspec.UNSET))
        fields.sort(key=lambda f: len(f) == 3)  # required fields first, as msgspec wants
        cls = msgspec.defstruct(
            "Fast" + event_type.title().replace("_", ""),
            fields,
            tag_field="event_type",
            tag=event_type,
            forbid_unknown_fields=True,
        )
        if "details" in required and not details:
            raise UnsupportedSchemaError("required details without keys")
        return cls, details


class FastDecoder:
    """Decode one raw line into a `Record` when it is certainly a schema-valid event, else None."""

    def __init__(self, revision: Revision) -> None:
        """Compile the revision; raises `Unsupported` when the schema is beyond the fast path."""
        compiler = _Compiler(revision)
        self.kinds: dict[type, tuple[str, list[tuple[str, bool, Check]]]] = {}
        for event_type, schema in revision.variants.items():
            cls, details = compiler.variant(event_type, schema)
            self.kinds[cls] = (event_type, details)
        self._decode = msgspec.json.Decoder(Union[tuple(self.kinds)]).decode  # noqa: UP007
        self.decode = self._build()
        """The per-line function: `decode(raw)` is `self(raw)` without the method call."""

    @classmethod
    def for_revision(cls, revision: Revision) -> FastDecoder | None:
        """Return the fast decoder of `revision`, or None when its schema is not supported."""
        try:
            return cls(revision)
        except UnsupportedSchemaError:
            return None

    def __call__(self, raw: bytes) -> Record | None:
        """Return the fold record of a valid event line, or None to use the reference path."""
        return self.decode(raw)

    def _build(self) -> Callable[[bytes], Record | None]:  # noqa: C901 - one flat pass per line
        """Return the per-line function, with everything it needs bound as locals (hot loop)."""
        decode, kinds, unset = self._decode, self.kinds, msgspec.UNSET

        def record(raw: bytes) -> Record | None:  # noqa: C901 - flat on purpose
            try:
                ev: Any = decode(raw)
            except Exception:  # noqa: BLE001 - bad UTF-8, deep nesting, anything: reference decides
                return None
            event_type, checks = kinds[ev.__class__]
            keys = 3
            if ev.node_id is not unset:
                keys += 1
            if ev.reason_code is not unset:
                keys += 1
            details = ev.details
            if details is not unset:
                keys += 1 + len(details)
                if checks:
                    for key, required, check in checks:
                        value = details.get(key, unset)
                        if value is unset:
                            if required:
                                return None
                        elif not check(value):
                            return None
            colons = raw.count(b":")
            if colons != keys:
                # Nested objects, colons inside strings, or a duplicate key (which msgspec
                # resolves silently): count exactly; look for duplicates only if still different.
                exact = keys if details is unset else keys - len(details) + count_keys(details)
                if colons != exact and find_duplicates(raw):
                    return None
            if event_type == "STATE_CHANGE":
                return (
                    ev.session_id,
                    event_type,
                    ev.ts_ms,
                    details["from_state"],
                    details["to_state"],
                )
            return ev.session_id, event_type, ev.ts_ms, None, None

        return record
