"""Facts of JSON, JSON Pointer and JSON Schema 2020-12 that the validator and the checker share.

Each is defined here once: the annotation and identifier keywords, JSON kind names, JSON
Pointer escaping (RFC 6901) and the line of each pointer in a JSON text, and the revision
version syntax.
"""

from __future__ import annotations

import json
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
    "pointer_lines",
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


_JSON_TOKEN = re.compile(
    r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|\s+',
    re.DOTALL,
)


def pointer_lines(text: str) -> dict[str, int]:  # noqa: C901 - one tokenizer loop
    """Map every JSON Pointer of a JSON document to the 1-based line its value starts on.

    Returns what it could map when `text` is not valid JSON (the caller already checked it).
    """
    out: dict[str, int] = {"": 1}
    line = 1
    # A stack of [pointer, kind, next index or pending key]; values are assigned as they start.
    stack: list[list[object]] = []
    key: str | None = None
    for m in _JSON_TOKEN.finditer(text):
        tok = m.group()
        if tok.isspace():
            line += tok.count("\n")
            continue
        if tok in ":,":
            continue
        if tok in "}]":
            if stack:
                stack.pop()
            continue
        if stack and stack[-1][1] == "obj" and key is None and tok.startswith('"'):
            key = _unquote(tok)
            line += tok.count("\n")
            continue
        here = ""
        if stack:
            parent = stack[-1]
            if parent[1] == "obj":
                here = f"{parent[0]}/{escape(key or '')}"
                key = None
            else:
                index = int(str(parent[2]))
                here = f"{parent[0]}/{index}"
                parent[2] = index + 1
            out.setdefault(here, line)
        if tok == "{":
            stack.append([here, "obj", 0])
        elif tok == "[":
            stack.append([here, "arr", 0])
        line += tok.count("\n")
    return out


def _unquote(token: str) -> str:
    return token[1:-1] if "\\" not in token else str(json.loads(token))
