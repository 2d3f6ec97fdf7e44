"""The native memory of terminated session ids (`vrp_contract_engine.Terminated`) against a model.

The model is the obvious one: an insertion-ordered dict of the last `capacity` ids. Ids come
from a small pool so that they repeat; the pool holds ids long enough to leave a slot's inline
bytes, non-ASCII ids, and lone surrogates (which JSON escapes can produce). The memory's index is
sized up front or grown from one bucket (`reserve=1`), and ids may have hashes that all pick the
first or the last bucket (a `str` subclass), so that every id past the 15th overflows into the
next buckets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vrp_contract_engine import Terminated

if TYPE_CHECKING:
    from collections.abc import Sequence

POOL = [
    "a",
    "b",
    "",
    "sess-0000001",
    "x" * 22,
    "x" * 23,
    "y" * 200,
    "é",
    "\u00e9\u00e9",
    "\ud800",
    "\udfff\ud800",
    "😀",
    "\ud83d\ude00",  # two lone surrogates: not the same id as the emoji above
]
ENDED = [object(), object(), object()]

ops = st.lists(
    st.tuples(st.booleans(), st.sampled_from(POOL), st.integers(0, len(ENDED) - 1)),
    max_size=60,
)


class Model:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.ids: dict[str, int] = {}

    def remember(self, sid: str, state: int) -> None:
        if not self.capacity:
            return
        if sid in self.ids:  # it keeps its place
            self.ids[sid] = state
            return
        if len(self.ids) == self.capacity:
            del self.ids[next(iter(self.ids))]
        self.ids[sid] = state


class Colliding(str):
    """An id whose hash picks the first bucket or the last (its low 32 bits 0 or all ones).

    Ids overflow from the first bucket into the next ones, and from the last into the first;
    the high bits, where the tag comes from, take a few values only, so tags repeat too.
    """

    __slots__ = ()

    def __hash__(self) -> int:
        h = str.__hash__(self)
        return ((h % 1000) << 32) | (0xFFFF_FFFF if h % 2 else 0)


def _check(memory: Terminated, capacity: int, ops: Sequence[tuple[bool, str, int]]) -> None:
    recall, remember = memory.recall, memory.remember
    model = Model(capacity)
    for do_remember, sid, state in ops:
        if do_remember:
            remember(sid, state)
            model.remember(sid, state)
        expected = model.ids.get(sid)
        assert recall(sid) is (None if expected is None else ENDED[expected])
        assert len(memory) == len(model.ids)
    assert [(sid.decode("utf-8", "surrogatepass"), ended) for sid, ended in memory.items()] == [
        (sid, ENDED[state]) for sid, state in model.ids.items()
    ]


@pytest.mark.parametrize("reserve", [None, 1])
@settings(max_examples=300, deadline=None)
@given(capacity=st.integers(0, 6), ops=ops)
def test_the_memory_remembers_the_last_ids_as_a_model_does(
    reserve: int | None, capacity: int, ops: list[tuple[bool, str, int]]
) -> None:
    _check(Terminated(capacity, ENDED, reserve=reserve), capacity, ops)


many = st.lists(
    st.tuples(st.booleans(), st.integers(0, 79).map(lambda n: Colliding(f"id-{n}")), st.just(1)),
    min_size=40,
    max_size=300,
)


@settings(max_examples=100, deadline=None)
@given(capacity=st.integers(10, 60), reserve=st.sampled_from([None, 1, 200]), ops=many)
def test_ids_that_overflow_their_bucket_are_found_and_forgotten_as_a_model_does(
    capacity: int, reserve: int | None, ops: list[tuple[bool, str, int]]
) -> None:
    _check(Terminated(capacity, ENDED, reserve=reserve), capacity, ops)


def test_a_large_memory_forgets_in_order_and_finds_every_remembered_id() -> None:
    memory = Terminated(100_000, ENDED)
    ids = [f"sess-{n:09d}" for n in range(250_000)]
    for n, sid in enumerate(ids):
        memory.remember(sid, n % 3)
    assert len(memory) == 100_000
    assert all(memory.recall(sid) is None for sid in ids[:150_000:97])
    assert all(memory.recall(sid) is ENDED[n % 3] for n, sid in enumerate(ids) if n >= 150_000)
    assert [sid for sid, _ in memory.items()][:2] == [b"sess-000150000", b"sess-000150001"]


def test_an_index_grown_from_one_bucket_finds_every_overflowing_id() -> None:
    ids = [Colliding(f"id-{n}") for n in range(200)]
    ops = [(True, sid, 1) for sid in ids] + [(False, sid, 1) for sid in ids]
    _check(Terminated(60, ENDED, reserve=1), 60, ops)


def test_a_state_number_out_of_range_and_a_huge_capacity_are_refused() -> None:
    with pytest.raises(IndexError, match="terminal state number 3 of 3"):
        Terminated(2, ENDED).remember("a", 3)
    with pytest.raises(ValueError, match="cannot remember"):
        Terminated(2**40, ENDED)
    with pytest.raises(TypeError):
        Terminated(2, ENDED).recall(b"a")  # type: ignore[arg-type]
