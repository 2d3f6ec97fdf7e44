"""Plain-language rendering of JSON Schema properties: type, constraints, description."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from vrp_site.md import code, table

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = ["Field", "fields", "fields_table", "resolve"]

JSON = dict[str, Any]
INT64_MAX = 2**63 - 1
# Link hook: turns an enum value into Markdown (e.g. a link to its event page), or None.
Linker = Callable[[str], str | None]


def resolve(revision: Revision, schema: JSON, base: str) -> JSON:
    """Return `schema` with a top-level `$ref` resolved; local keys win (JSON Schema 2020-12)."""
    ref = schema.get("$ref")
    if not isinstance(ref, str):
        return schema
    target = revision.registry.resolver().lookup(urljoin(base, ref)).contents
    merged: JSON = dict(target)
    merged.update({k: v for k, v in schema.items() if k != "$ref"})
    merged.setdefault("x-ref-title", target.get("title"))
    return merged


@dataclass(frozen=True)
class Field:
    """One property of an object schema, resolved."""

    name: str
    schema: JSON
    required: bool


def fields(revision: Revision, schema: JSON, base: str) -> list[Field]:
    """Return the properties of an object schema in declaration order."""
    required = set(schema.get("required", []))
    return [
        Field(name, resolve(revision, sub, base), name in required)
        for name, sub in schema.get("properties", {}).items()
    ]


def type_text(schema: JSON) -> str:
    """Return the type column: JSON type, int64 marker, and the named definition if any."""
    kind = schema.get("type", "any")
    text = " or ".join(kind) if isinstance(kind, list) else str(kind)
    if kind == "integer" and schema.get("maximum") == INT64_MAX:
        text = "integer (int64)"
    title = schema.get("x-ref-title")
    return f"{text}, {code(title)}" if title else text


def _values(schema: JSON, linker: Linker | None) -> list[str]:
    out: list[str] = []
    if "const" in schema:
        out.append("always " + code(schema["const"]))
    if "enum" in schema:
        values = [
            (linker(v) if linker and isinstance(v, str) else None) or code(v)
            for v in schema["enum"]
        ]
        out.append("one of " + ", ".join(values))
    return out


def constraints(schema: JSON, linker: Linker | None = None) -> str:
    """Return the constraints column: bounds, lengths, const, enum, closedness."""
    out = _values(schema, linker)
    for key, label in (
        ("minimum", "≥"),
        ("exclusiveMinimum", ">"),
        ("maximum", "≤"),
        ("exclusiveMaximum", "<"),
    ):
        if key in schema:
            out.append(f"{label} {schema[key]}")
    for key, label in (
        ("minLength", "length ≥"),
        ("maxLength", "length ≤"),
        ("minItems", "items ≥"),
    ):
        if key in schema:
            out.append(f"{label} {schema[key]}")
    if "pattern" in schema:
        out.append("matches " + code(schema["pattern"]))
    if "format" in schema:
        out.append("format " + code(schema["format"]))
    if schema.get("type") == "object" and schema.get("additionalProperties") is False:
        out.append("no other keys")
    elif schema.get("type") == "object" and "properties" in schema:
        out.append("other keys allowed")
    return "; ".join(out) or "—"


def fields_table(rows: list[Field], linker: Linker | None = None) -> str:
    """Return the field / type / required / constraints / description table."""
    return table(
        ["Field", "Type", "Required", "Constraints", "Description"],
        [
            [
                code(f.name),
                type_text(f.schema),
                "yes" if f.required else "no",
                constraints(f.schema, linker),
                str(f.schema.get("description", "")),
            ]
            for f in rows
        ],
    )
