"""Turn one raw line into an event object, or into the input findings that explain why not."""

from __future__ import annotations

import contextlib
import gc
import json
import json.scanner
import re
import sys
from typing import TYPE_CHECKING, Any

import orjson

from vrp_contract.stream.reader import LongLine
from vrp_contract.vocabulary import escape, json_kind

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from vrp_contract.stream.types import Problem

__all__ = [
    "acyclic",
    "big_int_digits",
    "count_keys",
    "duplicate_problems",
    "find_duplicates",
    "json_kind",
    "long_line_problem",
    "may_repeat_keys",
    "parse_line",
]


_MAX_PREVIEW = 40
_MAX_DEPTH = 1100
"""More than the deepest nesting orjson parses (1,024 levels)."""


_LONG_DIGITS = re.compile(rb"\d{19}").search
"""A run of 19 digits: an integer that may not fit 64 bits, which orjson would read as a float."""
_JSON_WHITESPACE = b" \t\r\n"
"""The whitespace of RFC 8259 (not form feed or vertical tab, which `bytes.strip` also removes)."""


@contextlib.contextmanager
def big_int_digits() -> Iterator[None]:
    """Lift Python's limit on the digits of an integer converted from or to text, for a while.

    JSON puts no bound on integers; Python refuses more than 4,300 digits by default. Parsing
    and printing such a number takes longer, so the limit is lifted only where one is met.
    """
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(limit)


@contextlib.contextmanager
def acyclic() -> Iterator[None]:
    """Pause the cycle collector while a chunk's lines are decoded.

    They are tens of thousands of small containers, none in a cycle: otherwise the collector
    runs hundreds of times per chunk, scanning every live object each time. On the way out
    the objects the chunk left are moved to the oldest generation unscanned (`gc.freeze`, then
    `gc.unfreeze`, both constant time): else the collector's first run after resuming scans
    them all at once, a quarter of a second per 200,000 broken lines. Garbage among them is
    still collected, at the next full collection. A program that froze objects itself keeps
    them frozen: then they are left where they are.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _preview(raw: bytes) -> str:
    text = raw[:_MAX_PREVIEW].decode("utf-8", "replace")
    return repr(text + ("..." if len(raw) > _MAX_PREVIEW else ""))


def _slow_parse(raw: bytes) -> tuple[Any, Problem | None]:
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
        obj, error = _json_value(text)
    except RecursionError:
        return None, ("input.not-json", "", "The line nests JSON too deeply to be parsed.")
    if error is not None:
        return None, (
            "input.not-json",
            "",
            f"The line is not valid JSON: {error} in {_preview(raw)}.",
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


_SCAN: Callable[[str, int], tuple[Any, int]] = json.scanner.make_scanner(
    json.JSONDecoder(parse_constant=_reject_constant)  # type: ignore[arg-type] # typeshed: a context
)
"""The json module's scanner (C), refusing NaN and Infinity, which RFC 8259 does not allow."""
_SPACE = re.compile(r"[ \t\n\r]*")
"""JSON whitespace, as `json.decoder.WHITESPACE` matches it."""


def _skip_space(text: str, pos: int) -> int:
    """The position of the first character at or after `pos` that is not JSON whitespace."""
    space = _SPACE.match(text, pos)
    return pos if space is None else space.end()


def _json_value(text: str) -> tuple[Any, str | None]:
    """`json.loads(text)` of RFC 8259 JSON: (value, None), or (None, the message it raises).

    No NaN or Infinity; integers exact at any size. The errors `json.loads` raises from Python
    code (nothing where a value must be, text after the value) are returned without being
    raised: a stream of broken lines meets them once per line.
    """
    try:
        return _document(text)
    except json.JSONDecodeError as exc:
        return None, _said(exc)
    except ValueError:  # NaN or Infinity, or an integer of more than 4,300 digits (valid JSON)
        with big_int_digits():
            try:
                return _document(text)
            except ValueError as exc:
                return None, str(exc)


def _document(text: str) -> tuple[Any, str | None]:
    """`json.JSONDecoder.decode` with the errors of its own code as messages, not exceptions."""
    try:
        obj, end = _SCAN(text, _skip_space(text, 0))
    except StopIteration as stop:
        return None, _said(json.JSONDecodeError("Expecting value", text, stop.value))
    end = _skip_space(text, end)
    if end != len(text):
        return None, _said(json.JSONDecodeError("Extra data", text, end))
    return obj, None


def _said(exc: json.JSONDecodeError) -> str:
    """The json module's message for one line, as "Expecting value at character 5".

    Its own "line 1 column 5 (char 4)" would read as a line number beside the stream's.
    """
    at = "" if exc.msg.endswith(" at") else " at"  # "Unterminated string starting at"
    return f"{exc.msg}{at} character {exc.colno}"


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
    push, pop = stack.append, stack.pop
    while stack:
        node = pop()
        if node.__class__ is dict:
            count += len(node)
            node = node.values()
        for value in node:
            kind = value.__class__
            if (kind is dict or kind is list) and value:
                push(value)
    return count


def may_repeat_keys(raw: bytes, obj: Any) -> bool:  # noqa: ANN401
    """False when the line `raw`, parsed into `obj`, certainly repeats no key in an object.

    Each key contributes one `:` outside strings, so when the line has exactly as many `:` bytes
    as the parsed value has keys, no key was lost to a duplicate. The keys are counted from the
    top down and the count stops as soon as it matches: a key count never exceeds the colons.
    """
    colons = raw.count(b":")
    if obj.__class__ is not dict:
        return colons != count_keys(obj)
    keys = len(obj)
    if colons == keys:
        return False
    for value in obj.values():
        if value.__class__ is dict:
            keys += len(value)
    return colons != keys and colons != count_keys(obj)


def find_duplicates(raw: bytes) -> list[tuple[str, str, int]]:
    """Parse `raw` (valid JSON) pair by pair; return (pointer of object, key, occurrences).

    An object is named by where it was written, also when it is the value of a key written
    twice and so not in the parsed value (`{"d": {"k": 1, "k": 2}, "d": {}}` names `/d`).
    """
    dups: list[tuple[int, str, int]] = []
    written: dict[int, list[tuple[str, Any]]] = {}

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(pairs)
        written[id(out)] = pairs  # every pair as written; it keeps every object alive (ids hold)
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
    paths = _object_paths(reparsed, written)
    return [(paths[oid], key, n) for oid, key, n in dups]


def _object_paths(root: Any, written: dict[int, list[tuple[str, Any]]]) -> dict[int, str]:  # noqa: ANN401
    """Map id() of every object in a parsed value to its JSON Pointer, by the pairs written."""
    paths: dict[int, str] = {}
    stack: list[tuple[Any, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            paths[id(node)] = path
            stack.extend((v, f"{path}/{escape(k)}") for k, v in written[id(node)])
        elif isinstance(node, list):
            stack.extend((v, f"{path}/{i}") for i, v in enumerate(node))
    return paths


_CLOSE = ord("}")


def long_line_problem(line: LongLine) -> Problem:
    """The finding of a line the reader skipped as too long."""
    return (
        "input.line-too-long",
        "",
        (
            f"The line is {line.size:,} bytes long, over the limit of {line.limit:,} "
            f"byte{'s' if line.limit != 1 else ''} (--max-line-bytes); it was skipped unread."
        ),
    )


def parse_line(raw: bytes) -> tuple[Any, list[Problem]]:
    """Parse one line; return (object or None, problems). Problems never stop the stream."""
    if raw.__class__ is LongLine:
        return None, [long_line_problem(raw)]
    body = raw.strip(_JSON_WHITESPACE)
    if not body:
        return None, [
            ("input.blank-line", "", "The line is blank; JSON Lines holds one event per line.")
        ]
    if body[-1] == _CLOSE:
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError:
            obj = None  # (a line orjson parses and that ends with `}` is an object, never None)
        if obj is not None and _LONG_DIGITS(raw):
            obj = None  # orjson reads an integer past 64 bits as a float: the json module's exact
    else:  # no object, not even JSON most often (a cut line): no use asking orjson
        obj = None
    if obj is None:
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
    return obj, duplicate_problems(raw, obj)


def duplicate_problems(raw: bytes, obj: dict[str, Any]) -> list[Problem]:
    """The `input.duplicate-key` problems of a line `raw` parsed into `obj` (usually none)."""
    if not may_repeat_keys(raw, obj):
        return []
    return [
        (
            "input.duplicate-key",
            f"{where}/{escape(key)}",
            (
                f"The key {key!r} appears {count} times in one object; JSON parsers disagree on "
                "which value wins, so the event is ambiguous."
            ),
        )
        for where, key, count in find_duplicates(raw)
    ]
