"""The native memory of terminated session ids (`vrp_contract_engine.Terminated`) against a model.

The model is the obvious one: an insertion-ordered dict of the last `capacity` ids. Ids come
from a small pool so that they repeat; the pool holds ids long enough to leave a slot's inline
bytes, non-ASCII ids, and lone surrogates (which JSON escapes can produce).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vrp_contract_engine import Terminated

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


@settings(max_examples=300, deadline=None)
@given(capacity=st.integers(0, 6), ops=ops)
def test_the_memory_remembers_the_last_ids_as_a_model_does(
    capacity: int, ops: list[tuple[bool, str, int]]
) -> None:
    memory, model = Terminated(capacity, ENDED), Model(capacity)
    for remember, sid, state in ops:
        if remember:
            memory.remember(sid, state)
            model.remember(sid, state)
        expected = model.ids.get(sid)
        assert memory.recall(sid) is (None if expected is None else ENDED[expected])
        assert len(memory) == len(model.ids)
    assert [(sid.decode("utf-8", "surrogatepass"), ended) for sid, ended in memory.items()] == [
        (sid, ENDED[state]) for sid, state in model.ids.items()
    ]


def test_a_large_memory_forgets_in_order_and_finds_every_remembered_id() -> None:
    memory = Terminated(100_000, ENDED)
    ids = [f"sess-{n:09d}" for n in range(250_000)]
    for n, sid in enumerate(ids):
        memory.remember(sid, n % 3)
    assert len(memory) == 100_000
    assert all(memory.recall(sid) is None for sid in ids[:150_000:97])
    assert all(memory.recall(sid) is ENDED[n % 3] for n, sid in enumerate(ids) if n >= 150_000)
    assert [sid for sid, _ in memory.items()][:2] == [b"sess-000150000", b"sess-000150001"]


def test_a_state_number_out_of_range_and_a_huge_capacity_are_refused() -> None:
    with pytest.raises(IndexError, match="terminal state number 3 of 3"):
        Terminated(2, ENDED).remember("a", 3)
    with pytest.raises(ValueError, match="cannot remember"):
        Terminated(2**40, ENDED)
    with pytest.raises(TypeError):
        Terminated(2, ENDED).recall(b"a")  # type: ignore[arg-type]
