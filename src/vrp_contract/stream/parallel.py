"""`--jobs N`: validate files on N processes, with findings identical to one process.

Sessions are partitioned by a hash of `session_id`: every worker reads every line but fully
checks only the lines of its own sessions, so each session is folded by exactly one worker, in
order. The session id is taken from the raw bytes when that is unambiguous (exactly one
`"session_id"` key with a plain string value) and from a full parse otherwise; lines without a
usable session id belong to worker 0. Workers report findings in chunks of lines; the parent
merges the chunks by line number, so the output order is that of `--jobs 1`.
"""

from __future__ import annotations

import heapq
import multiprocessing
import re
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from vrp_contract.findings import Severity
from vrp_contract.stream.reader import InputError, open_sources

if TYPE_CHECKING:
    from collections.abc import Iterator
    from multiprocessing.connection import Connection

    from vrp_contract.findings import Finding
    from vrp_contract.stream.validator import StreamValidator

__all__ = ["WorkerConfig", "parallel_findings"]

CHUNK = 1 << 15
_SID = re.compile(rb'"session_id"\s*:\s*"([^"\\]*)"')
_KEY = b'"session_id"'


@dataclass(frozen=True)
class WorkerConfig:
    """Everything a worker needs to build a validator identical to the parent's."""

    revision: str
    policy: tuple[int, int]
    assume_open_sessions: bool
    remember_terminated: int
    engine: str


def owner(raw: bytes, jobs: int) -> int:
    """Return the worker (0..jobs-1) that checks this line; the same in every process."""
    if raw.count(_KEY) == 1:
        match = _SID.search(raw)
        if match is not None:
            return zlib.crc32(match[1]) % jobs
    try:
        sid = orjson.loads(raw).get("session_id")
    except (orjson.JSONDecodeError, AttributeError):
        return 0
    if sid.__class__ is not str:
        return 0
    return zlib.crc32(sid.encode("utf-8", "surrogatepass")) % jobs


def _build(config: WorkerConfig) -> StreamValidator:
    from vrp_contract.stream.policy import Policy  # noqa: PLC0415 - in the worker process
    from vrp_contract.stream.validator import StreamValidator  # noqa: PLC0415

    return StreamValidator(
        config.revision,
        policy=Policy(*config.policy),
        assume_open_sessions=config.assume_open_sessions,
        remember_terminated=config.remember_terminated,
        engine=config.engine,
    )


def _worker(
    conn: Connection, config: WorkerConfig, paths: list[str], index: int, jobs: int
) -> None:
    validator = _build(config)
    buffer: list[Finding] = []
    try:
        for source in open_sources(paths, stdin=None):  # type: ignore[arg-type]

            def mine(src: Any = source) -> Iterator[tuple[int, bytes]]:  # noqa: ANN401
                boundary = CHUNK
                for number, raw in src.lines():
                    if number > boundary:
                        conn.send(("chunk", buffer.copy()))
                        buffer.clear()
                        boundary += CHUNK
                    if owner(raw, jobs) == index:
                        yield number, raw

            before = (validator.summary.lines, validator.summary.valid)
            buffer.extend(validator.iter_numbered(mine(), source.name))
            summary = validator.summary
            counts = (summary.lines - before[0], summary.valid - before[1])
            conn.send(("end", buffer.copy(), counts, validator.tracker.seen, summary.open_sessions))
            buffer.clear()
    except InputError as exc:
        conn.send(("error", str(exc)))
    finally:
        conn.close()


def parallel_findings(validator: StreamValidator, paths: list[str], jobs: int) -> Iterator[Finding]:
    """Validate `paths` (files, not stdin) on `jobs` processes; findings in `--jobs 1` order.

    `validator` only configures the workers and receives the summary.
    """
    for _ in open_sources(paths, stdin=None):  # type: ignore[arg-type]
        pass  # fail fast on missing files, before starting any process
    config = WorkerConfig(
        validator.revision.name,
        (validator.policy.max_recovery_ms, validator.policy.max_recovery_attempts),
        validator.tracker.ctx.assume_open_sessions,
        validator.tracker.remember_terminated,
        "fast" if validator.fast is not None else "reference",
    )
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pipes, procs = [], []
    for index in range(jobs):
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(  # type: ignore[attr-defined]  # typeshed: BaseContext lacks Process
            target=_worker, args=(child, config, paths, index, jobs), daemon=True
        )
        proc.start()
        child.close()
        pipes.append(parent)
        procs.append(proc)
    try:
        for path in paths:
            yield from _merge_file(validator, path, pipes)
    finally:
        for proc in procs:
            proc.terminate() if proc.is_alive() else None
            proc.join()


def _merge_file(
    validator: StreamValidator, path: str, pipes: list[Connection]
) -> Iterator[Finding]:
    summary = validator.summary
    summary.sources.append(path)
    while True:
        messages = [pipe.recv() for pipe in pipes]
        for message in messages:
            if message[0] == "error":
                raise InputError(message[1])
        for finding in heapq.merge(*(m[1] for m in messages), key=lambda f: f.line or 0):
            if finding.severity is Severity.ERROR:
                summary.errors += 1
            else:
                summary.warnings += 1
            summary.by_rule[finding.rule] += 1
            yield finding
        if messages[0][0] == "end":
            lines = sum(m[2][0] for m in messages)
            valid = sum(m[2][1] for m in messages)
            summary.lines += lines
            summary.valid += valid
            summary.invalid += lines - valid
            summary.sessions = sum(m[3] for m in messages)
            summary.open_sessions = sum(m[4] for m in messages)
            return
