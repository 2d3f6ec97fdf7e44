"""The slow path of a line orjson cannot take words it exactly as the json module would.

`_json_value` returns the errors the json decoder raises from Python code instead of raising
them; `parse_line` asks orjson only about a line that can hold an object.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import orjson
import pytest

from vrp_contract.stream.parse import (
    _json_value,
    _reject_constant,
    _slow_parse,
    big_int_digits,
    duplicate_problems,
    json_kind,
    parse_line,
)

if TYPE_CHECKING:
    from vrp_contract.stream.types import Problem

EVENTS = [
    b'{"ts_ms":1700000000741,"event_type":"SESSION_CREATED","session_id":"s-1","node_id":"n"}',
    (
        b'{"ts_ms": 1, "event_type": "STATE_CHANGE", "details": {"from_state": "BIRTH", "x": [1, '
        b'2.5, -0, 1e400, true, null, "\\u00e9\\ud83d\\ude00"]}}'
    ),
    b'[{"a": {}}, [], "x", 12345678901234567890123]',
]
OTHERS = [
    b"",
    b" \t",
    b"null",
    b"true",
    b'"}"',
    b"1}",
    b"{}}",
    b'{"a":1} {"b":2}',
    b'{"a":1},',
    b'{"a":1,}',
    b'{"a":NaN}',
    b'{"a":-Infinity}',
    b"Infinity",
    b'{"a":' + b"9" * 5000 + b"}",
    b'{"a":' + b"9" * 5000 + b"} x",
    b'{"a":"\\ud800"}',
    b'{"a":"\\q"}',
    b'{"a":"tab\there"}',
    b"\xef\xbb\xbf{}",
    b'{"a":"\xff"}',
    b"\x00\x01}",
    b"[" * 3000 + b"]" * 3000,
    b'{"a":' * 3000 + b"1" + b"}" * 3000,
    b'{"a":1,"a":2}',
    b'{"a":1}\x0c',
    b'{"a":1}\xc2\xa0',
    b' {"a":1} \t\r',
    b'{"a":1}\r}',
    b'{"a":{"b":1,"b":1},"c":":"}',
]


def _cases() -> list[bytes]:
    """Every prefix of some events (a cut line), and lines of every other kind."""
    return [event[:n] for event in EVENTS for n in range(len(event) + 1)] + OTHERS


_DECODE = json.JSONDecoder(parse_constant=_reject_constant).decode


def _json_loads(text: str) -> tuple[Any, str | None]:
    """What the json module's decoder gives, integers of any size included: (value, None) or
    (None, its message)."""
    with big_int_digits():
        try:
            return _DECODE(text), None
        except RecursionError:
            return "recursion", None
        except json.JSONDecodeError as exc:  # worded for one line: no "line 1 column"
            at = "" if exc.msg.endswith(" at") else " at"
            return None, f"{exc.msg}{at} character {exc.colno}"
        except ValueError as exc:
            return None, str(exc)


@pytest.mark.parametrize("raw", _cases(), ids=range(len(_cases())))
def test_the_json_module_would_give_the_same_value_or_message(raw):
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    try:
        got = _json_value(text)
    except RecursionError:
        got = ("recursion", None)
    with big_int_digits():  # to compare integers of 5,000 digits
        assert got == _json_loads(text)


def _orjson_first(raw: bytes) -> tuple[Any, list[Problem]]:
    """parse_line as it was: orjson first for every line, the slow path for what it refuses."""
    if not raw.strip(b" \t\r\n"):
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
        message = f"The line holds a JSON {json_kind(obj)}, not an event object."
        return None, [("input.not-object", "", message)]
    return obj, duplicate_problems(raw, obj)


@pytest.mark.parametrize("raw", _cases(), ids=range(len(_cases())))
def test_a_line_not_ending_an_object_skips_orjson_with_the_same_result(raw):
    with big_int_digits():
        assert parse_line(raw) == _orjson_first(raw)
