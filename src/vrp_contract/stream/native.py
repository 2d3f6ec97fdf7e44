"""The native line engine (`vrp_contract_engine`, Rust), set up from a revision's data.

Per chunk of raw lines, one call parses each line, dispatches on the event type to its variant,
gives the variant's verdict (jsonschema-rs' engine, the `jsonschema` crate, on the parsed value:
no Python object is built for it) and cuts out the fold record of a valid event. Everything it
knows comes from here: the inlined variant schemas `FastChecker` compiles, the revision's schema
files (for `$ref`s), and the behaviour's pointers and roles. Any line it cannot judge exactly
comes back through a callback with the violations it found, and Python explains it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
import vrp_contract_engine

if TYPE_CHECKING:
    from collections.abc import Callable

    from vrp_contract.revisions import Revision
    from vrp_contract.stream.fold import Behaviour
    from vrp_contract.stream.schema_check import FastChecker

__all__ = ["EngineViolation", "LineEngine"]

EngineViolation = tuple[str, tuple[str | int, ...], tuple[str | int, ...], tuple[str, ...]]
"""One violation as the engine reports it: the fields of `explain.Violation`, in order."""


class LineEngine:
    """The native engine of one revision and behaviour."""

    def __init__(self, revision: Revision, checker: FastChecker, behaviour: Behaviour) -> None:
        """Compile the variants `checker` checks and the record `behaviour` describes."""
        folded = behaviour.event_types - behaviour.audits
        variants = [
            (et, _text(schema), et in folded, et in behaviour.moves)
            for et, schema in checker.schemas.items()
        ]
        resources = [
            (doc["$id"], _text(doc))
            for doc in map(revision.schema_file, revision.files())
            if "$id" in doc
        ]
        self._engine = vrp_contract_engine.Engine(
            variants,
            _text(checker.envelope),
            resources,
            sorted(behaviour.states),
            list(behaviour.session_key),
            list(behaviour.clock),
            list(behaviour.from_field),
            list(behaviour.to_field),
        )

    def decode(
        self,
        lines: list[bytes],
        explain: Callable[[bytes, list[EngineViolation] | None], Any],
        threads: int = 1,
    ) -> list[Any]:
        """One item per line: a fold record, an unfolded valid event, or `explain(line, found)`.

        `threads` above 1 judges parts of the chunk side by side without the GIL.
        """
        return self._engine.decode(lines, explain, threads)

    def decode_block(
        self,
        block: bytes,
        explain: Callable[[bytes, list[EngineViolation] | None], Any],
        threads: int = 1,
    ) -> list[Any]:
        """`decode` of a block of whole lines, cut as `reader.split_lines` cuts them.

        A line becomes a bytes object only where `explain` needs one.
        """
        return self._engine.decode_block(block, explain, threads)


def _text(schema: object) -> str:
    return orjson.dumps(schema).decode("utf-8")
