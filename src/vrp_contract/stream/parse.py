"""Turn one raw line into an event object, or into the input findings that explain why not."""

from __future__ import annotations

import json
import sys
from typing import Any

import orjson

__all__ = [
    "LineProblem",
    "count_keys",
    "duplicate_keys",
    "find_duplicates",
    "json_kind",
    "parse_line",
]

LineProblem = tuple[str, str, str]
"""(rule, pointer, message) for a line that is not a usable event."""

_MAX_PREVIEW = 40
_MAX_DEPTH = 1100
"""More than the deepest nesting orjson parses (1,024 levels)."""


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _preview(raw: bytes) -> str:
    text = raw[:_MAX_PREVIEW].decode("utf-8", "replace")
    return repr(text + ("..." if len(raw) > _MAX_PREVIEW else ""))


def _slow_parse(raw: bytes) -> tuple[Any, LineProblem | None]:
    """Parse what orjson refused: report bad UTF-8 or bad JSON precisely, accept big integers."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, (
            "input.not-utf8",
            "",
            (
                f"The line is not valid UTF-8: byte 0x{raw[exc.start]:02x} at byte offset "
                f"{exc.start} cannot be decoded."
            ),
        )
    if text.startswith("\ufeff"):
        return None, (
            "input.not-json",
            "",
            (
                "The line starts with a byte order mark (BOM, bytes EF BB BF), which JSON Lines "
                "does not allow; save the file as UTF-8 without BOM."
            ),
        )
    try:
        obj = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        return None, ("input.not-json", "", "The line nests JSON too deeply to be parsed.")
    except ValueError as exc:
        return None, (
            "input.not-json",
            "",
            f"The line is not valid JSON: {exc} in {_preview(raw)}.",
        )
    bad = _lone_surrogate(obj)
    if bad is not None:
        return None, (
            "input.not-utf8",
            "",
            (
                f"The line is not valid Unicode: the escape \\u{ord(bad):04x} is a lone "
                "surrogate, which no UTF-8 text can hold."
            ),
        )
    return obj, None


def _lone_surrogate(obj: Any) -> str | None:  # noqa: ANN401
    """Return the first lone surrogate in any key or string of a parsed value, if any."""
    stack = [obj]
    while stack:
        node = stack.pop()
        if node.__class__ is dict:
            stack.extend(node)
            stack.extend(node.values())
        elif node.__class__ is list:
            stack.extend(node)
        elif node.__class__ is str:
            try:
                node.encode("utf-8")
            except UnicodeEncodeError as exc:
                return str(node[exc.start])
    return None


def count_keys(obj: Any) -> int:  # noqa: ANN401
    """Count object keys in a parsed JSON value, without recursion (input may nest deeply)."""
    count = 0
    stack = [obj]
    while stack:
        node = stack.pop()
        if node.__class__ is dict:
            count += len(node)
            stack.extend(v for v in node.values() if v.__class__ in (dict, list))
        else:
            stack.extend(v for v in node if v.__class__ in (dict, list))
    return count


def duplicate_keys(raw: bytes, obj: Any) -> list[tuple[str, str, int]]:  # noqa: ANN401
    """Return (pointer of object, key, occurrences) for every duplicated key in the line.

    Cheap proof first: each key contributes one `:` outside strings, so when the line has exactly
    as many `:` bytes as the parsed value has keys, no key was lost to a duplicate. Only lines
    that fail this test (duplicates, or colons inside strings) are parsed again, pair by pair.
    """
    if raw.count(b":") == count_keys(obj):
        return []
    return find_duplicates(raw)


def find_duplicates(raw: bytes) -> list[tuple[str, str, int]]:
    """Parse `raw` (valid JSON) pair by pair; return (pointer of object, key, occurrences)."""
    dups: list[tuple[int, str, int]] = []

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(pairs)
        if len(out) != len(pairs):
            seen: dict[str, int] = {}
            for key, _ in pairs:
                seen[key] = seen.get(key, 0) + 1
            dups.extend((id(out), k, n) for k, n in seen.items() if n > 1)
        return out

    # `raw` parsed already (orjson goes 1,024 levels deep), so the recursive json module gets
    # room for that depth plus the frames below us, and no more.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(limit + _MAX_DEPTH)
    try:
        reparsed = json.loads(raw, object_pairs_hook=hook)
    finally:
        sys.setrecursionlimit(limit)
    if not dups:
        return []
    paths = _object_paths(reparsed)
    return [(paths.get(oid, ""), key, n) for oid, key, n in dups]


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _object_paths(root: Any) -> dict[int, str]:  # noqa: ANN401
    """Map id() of every object in a parsed value to its JSON Pointer."""
    paths: dict[int, str] = {}
    stack: list[tuple[Any, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            paths[id(node)] = path
            stack.extend((v, f"{path}/{_escape(k)}") for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, f"{path}/{i}") for i, v in enumerate(node))
    return paths


_KINDS = {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}


def json_kind(value: Any) -> str:  # noqa: ANN401
    """Name the JSON kind of a parsed value: object, array, string, number, boolean or null."""
    if value is None:
        return "null"
    return "object" if isinstance(value, dict) else _KINDS.get(type(value), type(value).__name__)


def parse_line(raw: bytes) -> tuple[Any, list[LineProblem]]:
    """Parse one line; return (object or None, problems). Problems never stop the stream."""
    if not raw.strip():
        return None, [
            ("input.blank-line", "", "The line is blank; JSON Lines holds one event per line.")
        ]
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        obj, problem = _slow_parse(raw)
        if problem is not None:
            return None, [problem]
    if obj.__class__ is not dict:
        return None, [
            (
                "input.not-object",
                "",
                f"The line holds a JSON {json_kind(obj)}, not an event object.",
            )
        ]
    problems: list[LineProblem] = [
        (
            "input.duplicate-key",
            f"{where}/{_escape(key)}",
            (
                f"The key {key!r} appears {count} times in one object; JSON parsers disagree on "
                "which value wins, so the event is ambiguous."
            ),
        )
        for where, key, count in duplicate_keys(raw, obj)
    ]
    return obj, problems
