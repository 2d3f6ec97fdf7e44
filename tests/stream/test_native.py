"""The native line engine: every line it takes or hands back decodes as the reference does.

The differential tests (test_differential.py) compare 100,000 fuzzed lines and hypothesis events;
these are the lines where the engine's own representation (a flat tape of the line, strings
borrowed or unescaped, numbers as i64/u64/f64) could differ from Python's parse, and the
threaded path, which must not change a single item.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from vrp_contract.revisions import load_revision
from vrp_contract.stream.validator import StreamValidator

REVISION = load_revision()
FAST = StreamValidator(REVISION)
REFERENCE = StreamValidator(REVISION, engine="reference")

_BASE = '"ts_ms":1700000000000,"event_type":"MUTATION_TICK","session_id":"s1"'
_MOVE = (
    '"ts_ms":1700000000000,"event_type":"STATE_CHANGE","session_id":"s1",'
    '"details":{"from_state":"BIRTH","to_state":"ATTACHED","reason_code":"r"}'
)
TRICKY = [
    "{" + _BASE + ',"details":{"tick":1}}',
    "{" + _BASE + ',"details":{"tick":1},"session_id":"s2"}',  # a repeated key: last wins
    "{" + _BASE + ',"details":{"tick":1,"tick":2}}',  # repeated inside details
    "{" + _BASE + ',"details":{"tick":1,"\\u0074ick":2}}',  # the same key, escaped
    (
        '{"ts_ms":1700000000000,"event_type":"MUTATION_TICK","session_id":"s\\u00e9\\n",'
        '"details":{"tick":1}}'
    ),  # an escaped session id
    "{" + _BASE + ',"details":{"tick":18446744073709551616}}',  # past 64 bits
    "{" + _BASE + ',"details":{"tick":-9223372036854775809}}',  # below i64
    "{" + _BASE + ',"details":{"tick":18446744073709551615}}',  # u64 max
    "{" + _BASE + ',"details":{"tick":1e400}}',  # past float64
    (
        '{"ts_ms":1700000000000.0,"event_type":"MUTATION_TICK","session_id":"s1",'
        '"details":{"tick":1}}'
    ),  # a whole float clock
    (
        '{"ts_ms":1700000000000.5,"event_type":"MUTATION_TICK","session_id":"s1",'
        '"details":{"tick":1}}'
    ),
    "{" + _BASE + ',"details":{"tick":1,"x":"\\ud800"}}',  # a lone surrogate
    "\ufeff{" + _BASE + ',"details":{"tick":1}}',  # a byte order mark
    "{" + _BASE + ',"details":{"tick":1,"deep":' + "[" * 200 + "]" * 200 + "}}",
    "{" + _BASE + ',"details":{"tick":1,"deep":' + "[" * 1000 + "]" * 1000 + "}}",
    "{" + _BASE + ',"details":{"tick":1},"extra":' + "[" * 1000 + "]" * 1000 + "}",
    "{" + _MOVE + "}",
    "{" + _MOVE.replace("ATTACHED", "NOWHERE") + "}",
    "{" + _MOVE.replace('"s1"', '""') + "}",
    "{" + _BASE.replace("MUTATION_TICK", "NO_SUCH_TYPE") + "}",
    (
        '{"ts_ms":1700000000000,"event_type":"AUDIT_EVENT","session_id":"s1","node_id":"n",'
        '"details":{"invariant":"transport.single-active"}}'
    ),
    "[1,2]",
    "",
    "   ",
    '{"a":1} {"b":2}',
    "{" + _BASE + ',"details":{"tick":1}',
    "{" + _BASE + ',"details":{"tick":1}}\r',
    "{" + _BASE + ',"details":{"tick":1}}\x0c',  # form feed is not JSON whitespace
]


@pytest.mark.parametrize("line", TRICKY)
def test_a_tricky_line_decodes_as_the_reference_does(line: str):
    raw = line.encode("utf-8", "surrogatepass")
    got, expected = FAST.decoder()(raw), REFERENCE.explain(raw)
    if got[0].__class__ is str:
        assert expected[0] == [], "the engine accepted what the reference rejects"
        assert got == expected[1]
    else:
        assert got == expected


def test_threads_change_nothing():
    lines = [line.encode("utf-8", "surrogatepass") + b"\n" for _ in range(300) for line in TRICKY]
    one = FAST.chunk_decoder(1)(lines)
    assert FAST.chunk_decoder(2)(lines) == one
    assert FAST.chunk_decoder(4)(lines) == one
    assert len(one) == len(lines)


def test_a_session_id_with_escapes_is_unescaped():
    raw = json.dumps(
        {
            "ts_ms": 1,
            "event_type": "MUTATION_TICK",
            "session_id": 'a"b\\c\u00e9',
            "details": {"tick": 1},
        }
    ).encode()
    record: Any = FAST.decoder()(raw)
    assert record[0] == 'a"b\\c\u00e9'


@pytest.mark.parametrize("ending", [b"", b"\n", b"\n\n", b"\r\n"])
def test_a_block_is_cut_into_lines_as_split_lines_cuts_it(ending: bytes):
    from vrp_contract.stream.reader import split_lines  # noqa: PLC0415

    block = b"\n".join(line.encode("utf-8", "surrogatepass") for line in TRICKY) + ending
    expected = FAST.chunk_decoder()(split_lines(block))
    assert FAST.block_decoder()(block) == expected
    many = (block if block.endswith(b"\n") else block + b"\n") * 200
    assert FAST.block_decoder(2)(many) == FAST.chunk_decoder()(split_lines(many))
    reference = REFERENCE.block_decoder()(block)
    assert [_verdict(item) for item in reference] == [_verdict(item) for item in expected]


def _verdict(item: Any) -> tuple[Any, Any]:
    """(problems, fold record) of a decoded line, whichever form it took."""
    return ([], item) if item[0].__class__ is str else (item[0], item[1])
