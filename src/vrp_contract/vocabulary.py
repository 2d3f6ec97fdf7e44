"""Facts of JSON, JSON Pointer and JSON Schema 2020-12 that the validator and the checker share.

Each is defined here once: the annotation and identifier keywords, JSON kind names, JSON
Pointer escaping (RFC 6901) and the revision version syntax.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "ANNOTATIONS",
    "CONTENT",
    "IDENTIFIERS",
    "escape",
    "json_kind",
    "pointer",
    "version_of",
]

ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "examples",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$comment",
    }
)
"""The meta-data vocabulary of 2020-12, plus `$comment`: they never change validation."""
CONTENT = frozenset({"format", "contentEncoding", "contentMediaType", "contentSchema"})
"""The format and content vocabularies: annotations by default in 2020-12."""
IDENTIFIERS = frozenset({"$id", "$schema", "$anchor", "$dynamicAnchor", "$vocabulary"})
"""Keywords that name or locate a schema rather than constrain an instance."""

_KINDS = {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}
_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?$")


def json_kind(value: Any) -> str:  # noqa: ANN401 - any parsed JSON value
    """Name the JSON kind of a parsed value: object, array, string, number, boolean or null."""
    if value is None:
        return "null"
    return "object" if isinstance(value, dict) else _KINDS.get(type(value), type(value).__name__)


def escape(token: str) -> str:
    """Escape one JSON Pointer reference token (RFC 6901)."""
    if "~" in token or "/" in token:
        return token.replace("~", "~0").replace("/", "~1")
    return token


def pointer(path: Iterable[str | int]) -> str:
    """The JSON Pointer of a path of keys and indexes."""
    return "".join("/" + escape(item if isinstance(item, str) else str(item)) for item in path)


def version_of(name: str | None) -> tuple[int, int, int] | None:
    """Parse a revision name (`0.1`, `v0.1`, `1.2.3`) into (major, minor, patch), else None."""
    m = _VERSION.match(name or "")
    return (int(m[1]), int(m[2]), int(m[3] or 0)) if m else None
