"""`--jobs N`: decode lines on N worker processes, fold sessions in order in this one.

Everything expensive about a line is stateless: parsing it, checking it against the schema and,
for a rejected line, explaining it (`StreamValidator.decoder`). Workers do that for chunks of
about 4 MiB of lines; this process receives the decoded chunks in input order and runs the
session fold (a dictionary lookup and a few comparisons a line). Findings, their order and the
summary are therefore those of one process, by construction.
"""

from __future__ import annotations

import multiprocessing
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vrp_contract.stream.reader import open_sources

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from vrp_contract.findings import Finding
    from vrp_contract.stream.validator import Decoded, StreamValidator

__all__ = ["WorkerConfig", "parallel_findings"]

_IN_FLIGHT = 4
"""Chunks queued per worker: bounds memory whatever the input size."""


@dataclass(frozen=True)
class WorkerConfig:
    """Everything a worker needs to decode lines exactly as the parent would."""

    revision: str
    engine: str


_decode: Callable[[bytes], Decoded] | None = None


def _init(config: WorkerConfig) -> None:
    global _decode  # noqa: PLW0603 - one decoder per worker process
    from vrp_contract.stream.validator import StreamValidator  # noqa: PLC0415 - in the worker

    _decode = StreamValidator(config.revision, engine=config.engine).decoder()


def _decode_chunk(chunk: bytes) -> list[Decoded]:
    assert _decode is not None  # noqa: S101 - set by _init
    return list(map(_decode, chunk.split(b"\n")[:-1]))


def _bounded(chunks: Iterator[bytes], slots: threading.Semaphore) -> Iterator[bytes]:
    for chunk in chunks:
        slots.acquire()
        yield chunk


def _released(chunks: Iterator[list[Decoded]], slots: threading.Semaphore) -> Iterator[Decoded]:
    for chunk in chunks:
        slots.release()
        yield from chunk


def parallel_findings(validator: StreamValidator, paths: list[str], jobs: int) -> Iterator[Finding]:
    """Validate the files `paths` with `jobs` decoding processes; same findings as `--jobs 1`."""
    config = WorkerConfig(validator.revision.name, "fast" if validator.fast else "reference")
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ctx.Pool(jobs, initializer=_init, initargs=(config,)) as pool:
        for source in open_sources(paths, stdin=None):  # type: ignore[arg-type]
            slots = threading.Semaphore(_IN_FLIGHT * jobs)
            decoded = pool.imap(_decode_chunk, _bounded(source.blocks(), slots))

            yield from validator.fold(_released(decoded, slots), source.name)
