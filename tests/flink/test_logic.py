"""The job's steps in plain Python (no Flink): units cut files exactly as the validator reads them,
and decode + keyed fold, run in arrival order, give exactly the findings of `validate`."""

from __future__ import annotations

import gzip
from typing import TYPE_CHECKING, Any

import orjson
import pytest

from tests.flink import streams
from vrp_contract.flink.logic import NO_SESSION_KEY, JobLogic, LogicConfig
from vrp_contract.flink.units import plan_units, read_unit, sequence
from vrp_contract.stream.reader import InputError, LongLine, open_sources

if TYPE_CHECKING:
    from pathlib import Path


def _validator_lines(path: Path) -> list[bytes]:
    return [
        line
        for source in open_sources([str(path)], stdin=None)  # type: ignore[arg-type]
        for block in source.line_blocks()
        for line in block
    ]


@pytest.mark.parametrize("unit_bytes", [1, 7, 64, 1 << 20])
def test_units_cover_every_line_once_with_its_number(tmp_path, unit_bytes):
    path = tmp_path / "odd.jsonl"
    path.write_bytes(
        b'{"a":1}\n\n\r\n{"b":2}\r\nno newline at all \xff' + b"x" * 100 + b"\n\n" + b"end"
    )
    lines = [
        (number, raw)
        for unit in plan_units([str(path)], unit_bytes)
        for number, raw in read_unit(unit)
    ]
    expected = _validator_lines(path)
    assert [raw for _, raw in lines] == expected
    assert [number for number, _ in lines] == list(range(1, len(expected) + 1))


def test_a_gzip_file_is_one_unit_read_as_the_validator_reads_it(tmp_path):
    path = tmp_path / "day.jsonl.gz"
    path.write_bytes(gzip.compress(b"a\nb\n\nc"))
    units = plan_units([str(path)], 1)
    assert len(units) == 1
    assert units[0].gzip
    assert [raw for _, raw in read_unit(units[0])] == _validator_lines(path)


def test_an_empty_file_has_no_line_and_a_missing_one_is_an_input_error(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert [list(read_unit(u)) for u in plan_units([str(empty)])] == [[]]
    with pytest.raises(InputError, match=r"missing\.jsonl: does not exist"):
        plan_units([str(tmp_path / "missing.jsonl")])


def test_the_sequence_orders_files_then_lines():
    assert sequence(0, 5) < sequence(0, 6) < sequence(1, 1) < sequence(2, 0)


def _fold_like_the_job(logic: JobLogic, paths: list[Path]) -> set[streams.Triple]:
    """Decode every line, then fold each key in arrival order, as the keyed operator does."""
    state: dict[str, Any] = {}
    found = set()
    for index, path in enumerate(paths):
        for unit in plan_units([str(path)], 4096):
            for number, raw in read_unit(unit):
                item = logic.item(sequence(index, number), str(path), number, raw, 0)
                key = item[0]
                state[key], findings = logic.process(state.get(key), item)
                assert key != NO_SESSION_KEY or state[key] is None
                for finding in findings:
                    event = orjson.loads(logic.audit_json(finding))
                    found |= streams.audit_triples([event])
    return found


def test_decode_and_fold_give_the_findings_of_validate(tmp_path):
    cases = streams.write_cases(tmp_path / "cases.jsonl")
    generated = streams.write_generated(tmp_path / "generated.jsonl")
    logic = JobLogic(LogicConfig.create())
    expected = streams.validate_triples(cases, generated)
    assert _fold_like_the_job(logic, [cases, generated]) == expected
    rules = {rule for _, rule, _ in expected}
    stream_rules = {inv["id"] for inv in logic.validator.revision.invariants} - {
        "event.conforms",
        "session.id-stable",
    }
    assert stream_rules <= rules, stream_rules - rules
    assert {"input.not-json", "input.not-utf8", "input.blank-line"} <= rules


@pytest.mark.parametrize("unit_bytes", [1, 50, 1 << 20])
def test_units_skip_long_lines_as_the_validator_does(tmp_path, unit_bytes):
    path = tmp_path / "long.jsonl"
    path.write_bytes(b'{"a":1}\n' + b"x" * 300 + b"\n" + b'{"b":2}\n' + b"y" * 120)
    units = plan_units([str(path)], unit_bytes)
    got = [
        (n, (raw.size, raw.limit) if isinstance(raw, LongLine) else raw)
        for unit in units
        for n, raw in read_unit(unit, 100)
    ]
    assert got == [(1, b'{"a":1}'), (2, (300, 100)), (3, b'{"b":2}'), (4, (120, 100))]
    gz = tmp_path / "long.jsonl.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    (unit,) = plan_units([str(gz)], unit_bytes)
    assert [(n, getattr(raw, "size", raw)) for n, raw in read_unit(unit, 100)] == [
        (1, b'{"a":1}'),
        (2, 300),
        (3, b'{"b":2}'),
        (4, 120),
    ]
