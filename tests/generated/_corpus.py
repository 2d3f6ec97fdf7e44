"""A corpus of events one edit away from the revision's vectors and the demo stream.

Used to prove that two checkers agree (the dispatching bundle and the revision's own schema; each
language's strict decoder and the Python reference) on far more than the hand-written vectors.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tests.generated._toolchain import REPO

if TYPE_CHECKING:
    from collections.abc import Iterator

    from vrp_contract.revisions import Revision

VALUES: list[Any] = [None, "", "x", 0, -1, 1.5, 2**63, 2**63 - 1, True, [], {}, {"k": 1}, "BIRTH"]


def corpus_seeds(revision: Revision) -> list[Any]:
    """The revision's valid and invalid events and every JSON line of examples/demo.jsonl."""
    seeds = [v["event"] for kind in ("valid", "invalid") for _, v in revision.examples(kind)]
    for line in (REPO / "examples" / "demo.jsonl").read_text("utf-8").splitlines():
        try:
            seeds.append(json.loads(line))
        except ValueError:
            continue
    return seeds


def _mutations(event: dict[str, Any], types: list[str]) -> Iterator[Any]:
    """Every event one edit away: a key removed or set to each value, a details key too, the type
    swapped for every other type, an unknown key added, the event wrapped in an array."""
    for key in event:
        yield {k: v for k, v in event.items() if k != key}
        for value in VALUES:
            yield {**event, key: value}
    details = event.get("details")
    if isinstance(details, dict):
        for key in details:
            yield {**event, "details": {k: v for k, v in details.items() if k != key}}
            for value in VALUES:
                yield {**event, "details": {**details, key: value}}
    for other in types:
        yield {**event, "event_type": other}
    yield {**event, "extra": 1}
    yield [event]


def corpus_mutations(revision: Revision) -> list[Any]:
    """Every mutation of every seed object (a few thousand events)."""
    return [
        m
        for seed in corpus_seeds(revision)
        if isinstance(seed, dict)
        for m in _mutations(seed, revision.event_types)
    ]
