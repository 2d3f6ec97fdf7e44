"""`--jobs N`: decode lines on N worker processes, fold sessions in order in this one.

Everything expensive about a line is stateless: parsing it, checking it against the schema and,
for a rejected line, explaining it (`StreamValidator.decoder`). Every worker reads every input
itself and cuts it into the same chunks (`Source.chunks` depends on the content only); worker
`w` of `N` decodes chunks `w, w+N, w+2N...` and sends them back pickled (what costs this
process least). This process receives chunk `k` from worker `k mod N`, so chunks arrive in input
order, and runs the session fold (a dictionary lookup and a few comparisons a line). Findings,
their order and the summary are therefore those of one process, by construction.

No threads and no task queue: this process only receives, and a worker that runs ahead blocks on
its pipe, so memory stays bounded (about one chunk per worker) whatever the input size.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from vrp_contract.stream.parse import acyclic
from vrp_contract.stream.reader import (
    DEFAULT_MAX_LINE,
    InputError,
    chunk_count,
    open_sources,
    regular_files,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from multiprocessing.connection import Connection

    from vrp_contract.findings import Finding
    from vrp_contract.stream.validator import Decoded, StreamValidator

__all__ = [
    "ProgressHook",
    "WorkerConfig",
    "choose_jobs",
    "counted",
    "decode_ahead_pays",
    "decoded_ahead",
    "parallel_findings",
]

T = TypeVar("T")


class ProgressHook(Protocol):
    """Told after each folded chunk of `path` how many lines it held; `done` at a file's end."""

    def __call__(self, path: str, lines: int, *, done: bool) -> None:
        """Count `lines` more lines of `path`."""


@dataclass(frozen=True)
class WorkerConfig:
    """Everything a worker needs to decode lines exactly as the parent would."""

    revision: str
    engine: str
    paths: tuple[str, ...]
    sizes: tuple[int, ...]
    """Of each path when the run began: a file that grows meanwhile is read up to there."""
    index: int
    jobs: int
    max_line: int
    """`Source.max_line` of every source."""


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover - not Linux


def choose_jobs(requested: int, paths: list[str]) -> int:
    """Return how many worker processes to use; `requested` 0 means choose (`--jobs auto`).

    Only regular files can be read by several workers at once; anything else uses one process.
    Never more workers than the input has chunks (a worker without a chunk only costs a fork),
    and one process when there is a single chunk. Auto chooses one process: with the native
    engine, decoding the next chunk on a thread (`decoded_ahead`) beats workers, which pay for
    pickling every record and for a second engine; `--jobs N` still asks for N workers.
    """
    if not regular_files(paths) or not requested:
        return 1
    return min(requested, _chunks_in(paths))


def decode_ahead_pays(paths: list[str]) -> bool:
    """True when `--jobs auto` should decode the next chunk on a thread (`decoded_ahead`).

    It pays for regular files of more than one chunk on a machine with a second core; a pipe's
    chunks are single lines, for which a thread's hand-over costs more than it saves.
    """
    if _cores() < 2 or not regular_files(paths):
        return False
    return _chunks_in(paths) > 1


def _chunks_in(paths: list[str]) -> int:
    return sum(chunk_count(Path(path).stat().st_size) for path in paths)


def decoded_ahead(decode: Callable[[bytes], T], chunks: Iterable[bytes]) -> Iterator[T]:
    """Yield `decode(chunk)` for each chunk in order, decoding the next one on a thread meanwhile.

    The native engine decodes without the GIL, so the caller folds chunk `k` while chunk `k+1`
    is decoded: two cores at work in one process, with at most two chunks in flight. A read
    error comes after every chunk read before it, as without the thread.
    """
    with ThreadPoolExecutor(1, thread_name_prefix="vrp-decode") as pool:
        pending: Future[T] | None = None
        source = iter(chunks)
        while True:
            try:
                chunk = next(source)
            except StopIteration:
                break
            except BaseException:
                if pending is not None:
                    yield pending.result()
                raise
            ahead = pool.submit(decode, chunk)
            if pending is not None:
                yield pending.result()
            pending = ahead
        if pending is not None:
            yield pending.result()


# One message per chunk from a worker to the parent: a kind byte, then its body.
_CHUNK, _END, _ERROR = b"P", b"E", b"X"


def _encode(decoded: list[Decoded]) -> bytes:
    """Encode a chunk's decoded lines for the parent.

    Pickle: the parent, which folds every line, is the bottleneck, and unpickling a chunk of
    records costs it half what msgpack does (pickle writes each event type and state name once
    per chunk and refers to it after), for more work in the workers, which have it to spare.
    """
    return _CHUNK + pickle.dumps(decoded, protocol=pickle.HIGHEST_PROTOCOL)


def _decode(message: bytes) -> list[Decoded]:
    with acyclic():
        return pickle.loads(memoryview(message)[1:])  # type: ignore[no-any-return]  # noqa: S301 - our own worker


def _serve(conn: Connection, config: WorkerConfig, inherited: list[Connection]) -> None:
    """Worker: decode the chunks this worker owns, source by source; then say where it ended.

    `inherited`: the read ends of the pipes that existed when this worker was forked (its own
    among them). Closed first, so that the parent is the only reader of this worker's pipe:
    when it dies, however it dies (`kill`, a container stop), the next send fails and this
    worker ends, instead of blocking forever on a pipe it holds open itself.
    """
    for reader in inherited:
        reader.close()
    from vrp_contract.stream.validator import StreamValidator  # noqa: PLC0415 - in the worker

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops us
    decode = StreamValidator(config.revision, engine=config.engine).block_decoder()
    try:
        sources = open_sources(list(config.paths), None, config.max_line)  # type: ignore[arg-type]
        for source, size in zip(sources, config.sizes, strict=True):
            source.limit = size
            for number, chunk in enumerate(source.chunks()):
                if number % config.jobs == config.index:
                    conn.send_bytes(_encode(decode(chunk)))
            conn.send_bytes(_END)  # the end of this source
    except InputError as exc:
        conn.send_bytes(_ERROR + str(exc).encode("utf-8", "surrogateescape"))
    except (BrokenPipeError, ConnectionResetError):
        pass  # the parent stopped reading (`| head`, an error, Ctrl-C): nothing left to do
    finally:
        conn.close()


def _chunks(conns: list[Connection]) -> Iterator[list[Decoded]]:
    """Yield one source's decoded chunks in input order, taking chunk `k` from worker `k mod N`."""
    ended = 0
    number = 0
    while ended < len(conns):
        message = conns[number % len(conns)].recv_bytes()
        number += 1
        if message == _END:  # this worker has no more chunks: the others end in turn
            ended += 1
        elif message[:1] == _ERROR:
            raise InputError(message[1:].decode("utf-8", "surrogateescape"))
        else:
            yield _decode(message)


def counted(chunks: Iterable[list[T]], tell: Callable[[int], object]) -> Iterator[list[T]]:
    """Yield the chunks, telling `tell` the length of each before it is yielded."""
    for chunk in chunks:
        tell(len(chunk))
        yield chunk


def _told(
    chunks: Iterator[list[Decoded]], path: str, progress: ProgressHook
) -> Iterator[list[Decoded]]:
    yield from counted(chunks, lambda lines: progress(path, lines, done=False))
    progress(path, 0, done=True)


def parallel_findings(
    validator: StreamValidator,
    paths: list[str],
    jobs: int,
    progress: ProgressHook | None = None,
    max_line: int = DEFAULT_MAX_LINE,
) -> Iterator[Finding]:
    """Validate the files `paths` with `jobs` decoding processes; same findings as `--jobs 1`.

    `progress(path, lines, done)` is called after each chunk is folded, with its number of
    lines, and once more with `done` true at the end of each file. `max_line` is the sources'
    `Source.max_line`.
    """
    # the sizes now (and a missing file fails fast, before any process starts)
    sizes = [source.size or 0 for source in open_sources(paths, stdin=None)]  # type: ignore[arg-type]
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    conns: list[Connection] = []
    procs = []
    try:
        for index in range(jobs):
            config = WorkerConfig(
                validator.revision.name,
                validator.engine,
                tuple(paths),
                tuple(sizes),
                index,
                jobs,
                max_line,
            )
            parent, child = ctx.Pipe(duplex=False)
            proc = ctx.Process(  # type: ignore[attr-defined]
                target=_serve, args=(child, config, [*conns, parent]), daemon=True
            )
            proc.start()
            child.close()
            conns.append(parent)
            procs.append(proc)
        for path in paths:
            chunks = _chunks(conns)
            if progress is not None:
                chunks = _told(chunks, path, progress)
            yield from validator.fold(chunks, path)
    except EOFError:
        raise InputError("a --jobs worker process ended unexpectedly") from None
    finally:
        for conn in conns:
            conn.close()
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
            proc.join()
