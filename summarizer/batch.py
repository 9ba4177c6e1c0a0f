"""The batch runner: stream articles in, analyse up to N at once, append one JSONL row each.

Reading (batch_input), the crash-safe output file (jsonl), the statistics (stats) and the
worker processes (workers) live in their own modules; this one plans the work (shard,
duplicates, resume) and drives the concurrent calls, in this process or through the workers.
Every article ends as exactly one row, ok or error: no exception from one article stops the
others.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, Protocol

from pydantic import BaseModel, ConfigDict

from .article import Article
from .batch_input import (
    InputItem,
    check_inputs,
    items_from_objects,
    iter_inputs,
    parse_shard,
    shard_of,
)
from .cache import DiskCache, default_cache_dir
from .config import Settings
from .errors import BackendError, ConfigError, InputError, SummarizerError
from .jsonl import KEY_FIELDS, JsonlWriter, OutputIndex, RunKey, compact, key_digest, scan_output
from .schemas import ArticleAnalysis
from .stats import BatchStats, RowOutcome
from .workers import Finished, WorkerPool, WorkItem

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = [
    "BatchItem",
    "BatchOptions",
    "BatchStats",
    "asummarize_many",
    "parse_shard",
    "run_batch",
    "summarize_many",
]

# The local backend runs one generation at a time in-process; a second article in flight lets
# sentence splitting, detectors and validation overlap with it without oversubscribing 2 cores.
LOCAL_IN_FLIGHT = 2


class BatchItem(BaseModel):
    """One output row: the analysis of one article, or why there is none."""

    model_config = ConfigDict(extra="forbid")

    id: str
    status: Literal["ok", "error"]
    result: ArticleAnalysis | None = None
    error: dict[str, Any] | None = None


@dataclass(frozen=True)
class BatchOptions:
    """How `run_batch` treats existing output, the cache, sharding and the terminal."""

    force: bool = False
    retry_errors: bool = False
    use_cache: bool = True
    shard: tuple[int, int] | None = None
    default_targets: tuple[str, ...] = ()
    stats_json: Path | None = None
    progress: bool | None = None


class SupportsAnalyse(Protocol):
    """The part of Summarizer the runner uses."""

    @property
    def settings(self) -> Settings: ...

    def fingerprint(self) -> dict[str, Any]: ...

    async def asummarize(self, article: Article) -> ArticleAnalysis: ...


_Work = WorkItem | BatchItem  # a job to run, or a row that is already decided (an input error)


# ------------------------------------------------------------------------------ planning


def _run_key(fingerprint: dict[str, Any], input_sha256: str) -> RunKey:
    """The resume key of this run for one input."""
    return (
        input_sha256,
        fingerprint.get("prompt_version"),
        fingerprint.get("schema_version"),
        fingerprint.get("model"),
        fingerprint.get("mode"),
    )


def error_row_for(
    fingerprint: dict[str, Any], row_id: str, source: str, input_sha256: str, error: dict[str, Any]
) -> BatchItem:
    """The error row of an article, under this run's resume key."""
    return _error_row(row_id, error, source, _run_key(fingerprint, input_sha256))


def finished(item: BatchItem) -> Finished:
    """A row encoded for the output file, with its statistics."""
    provenance = item.result.provenance if item.result is not None else None
    outcome = RowOutcome.from_row(item.result is not None, provenance, item.error)
    return Finished(item.model_dump_json(), outcome)


def _error_row(row_id: str, error: dict[str, Any], source: str, key: RunKey) -> BatchItem:
    """An error row carrying its input location and the resume key it was produced under."""
    error.setdefault("attempts", 0)
    error["source"] = source
    error.update(zip(KEY_FIELDS, key, strict=True))
    return BatchItem(id=row_id, status="error", result=None, error=error)


def _is_done(index: OutputIndex | None, row_id: str, key: RunKey, options: BatchOptions) -> bool:
    """Whether the output already holds a row for this id that this run would reproduce."""
    if index is None or options.force:
        return False
    info = index.rows.get(row_id)
    if info is None or info.key != key_digest(key):
        return False
    return info.ok or not options.retry_errors


def _plan(
    items: Iterator[InputItem],
    *,
    fingerprint: dict[str, Any],
    options: BatchOptions,
    max_chars: int,
    stats: BatchStats,
    index: OutputIndex | None = None,
) -> Iterator[_Work]:
    """Filter the input to this shard, reject duplicates and bad rows, skip finished work."""
    # Ids seen so far: the one structure that grows with the input (tens of bytes per id).
    seen: set[str] = set()
    for item in items:
        if options.shard is not None and shard_of(item.id, options.shard[1]) != options.shard[0]:
            stats.other_shard += 1
            continue
        if item.id in seen:
            # The duplicate gets a row id of its own so each id in the output stays unique.
            row_id = f"{item.id}@{item.source}"
            key = _run_key(fingerprint, item.input_hash())
            if _is_done(index, row_id, key, options):
                stats.skipped += 1
                continue
            message = f"{item.source}: duplicate id {item.id!r}; the first occurrence was used"
            error = {"type": "duplicate_id", "message": message, "attempts": 0}
            yield _claim(index, _error_row(row_id, error, item.source, key))
            continue
        seen.add(item.id)
        try:
            article = item.build(default_targets=options.default_targets, max_chars=max_chars)
        except InputError as exc:
            key = _run_key(fingerprint, item.input_hash())
            if not _is_done(index, item.id, key, options):
                message = exc.message
                if not message.startswith(item.source):
                    message = f"{item.source}: {message}"
                error = {**exc.to_dict(), "message": message}
                yield _claim(index, _error_row(item.id, error, item.source, key))
            else:
                stats.skipped += 1
            continue
        except Exception as exc:  # a bug in a reader (e.g. the HTML extractor): still one row
            key = _run_key(fingerprint, item.input_hash())
            error = {"type": "internal_error", "message": f"{type(exc).__name__}: {exc}"}
            yield _claim(index, _error_row(item.id, error, item.source, key))
            continue
        if article.id != item.id:  # an Article made without an id is named by its content
            article = replace(article, id=item.id)
        if _is_done(index, item.id, _run_key(fingerprint, article.sha256), options):
            stats.skipped += 1
            continue
        if index is not None:
            index.supersede(item.id)
        yield WorkItem(id=item.id, source=item.source, article=article)


def _claim(index: OutputIndex | None, row: BatchItem) -> BatchItem:
    """Mark any older row of the same id as superseded by this one."""
    if index is not None:
        index.supersede(row.id)
    return row


# ------------------------------------------------------------------------------- running


async def analyse(
    summarizer: SupportsAnalyse, job: WorkItem, fingerprint: dict[str, Any]
) -> BatchItem:
    """Run one article; every failure, expected or not, becomes an error row."""
    try:
        result = await summarizer.asummarize(job.article)
    except SummarizerError as exc:
        error = exc.to_dict()
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a bug below us must cost one row, not the batch
        error = {"type": "internal_error", "message": f"{type(exc).__name__}: {exc}"}
    else:
        return BatchItem(id=job.id, status="ok", result=result, error=None)
    return error_row_for(fingerprint, job.id, job.source, job.article.sha256, error)


_END = object()


class _ReadAhead:
    """Pulls the plan in a reader thread, one item ahead.

    Reading and parsing the next input (a file, an HTML page, a blocking stdin) must never
    stall the requests in flight, and reading one item ahead refills a freed slot at once.
    """

    def __init__(self, work: Iterator[_Work]) -> None:
        self._work = work
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="summarizer-input")
        self._ahead: Future[object] | None = self._pool.submit(next, work, _END)

    async def next(self) -> _Work | None:
        """The next planned item, or None at the end of the input."""
        if self._ahead is None:
            return None
        got = await asyncio.wrap_future(self._ahead)
        if got is _END:
            self._ahead = None
            return None
        self._ahead = self._pool.submit(next, self._work, _END)
        assert isinstance(got, (WorkItem, BatchItem))
        return got

    async def close(self) -> None:
        """Stop reading; a read in progress cannot be interrupted, so let it finish first."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        ahead, self._ahead = self._ahead, None
        if ahead is not None and not ahead.cancelled():
            with contextlib.suppress(BaseException):
                await asyncio.to_thread(ahead.result)


async def _drive(
    summarizer: SupportsAnalyse,
    work: Iterator[_Work],
    *,
    limit: int,
    fingerprint: dict[str, Any],
) -> AsyncIterator[BatchItem]:
    """Keep up to `limit` articles in flight over a lazily pulled plan; yield rows as they end."""
    done: asyncio.Queue[BatchItem] = asyncio.Queue()
    running: set[asyncio.Task[None]] = set()  # for cancellation only
    # Counted by hand: a task's done-callback may not have run yet when its row is taken
    # from the queue, so len(running) can overstate the work still in flight.
    outstanding = 0
    exhausted = False

    async def run(job: WorkItem) -> None:
        done.put_nowait(await analyse(summarizer, job, fingerprint))

    ahead = _ReadAhead(work)
    try:
        while True:
            while not exhausted and outstanding < limit:
                nxt = await ahead.next()
                if nxt is None:
                    exhausted = True
                elif isinstance(nxt, BatchItem):
                    yield nxt
                else:
                    task = asyncio.create_task(run(nxt))
                    running.add(task)
                    task.add_done_callback(running.discard)
                    outstanding += 1
            if exhausted and outstanding == 0:
                return
            item = await done.get()
            outstanding -= 1
            yield item
    finally:
        for task in running:
            task.cancel()
        if running:
            await asyncio.gather(*running, return_exceptions=True)
        await ahead.close()


async def _drive_pool(
    pool: WorkerPool, work: Iterator[_Work], *, limit: int
) -> AsyncIterator[Finished]:
    """Like _drive, with the articles analysed by worker processes."""
    outstanding = 0
    serial = 0
    exhausted = False
    ahead = _ReadAhead(work)
    try:
        while not exhausted:
            if outstanding < limit:
                nxt = await ahead.next()
                if nxt is None:
                    exhausted = True
                elif isinstance(nxt, BatchItem):
                    yield finished(nxt)
                else:
                    serial += 1
                    await pool.submit(serial, nxt)
                    outstanding += 1
                continue
            got = await pool.next_finished()
            if got is None:  # a worker ended early; its held articles came as error rows
                if not pool.alive():
                    raise BackendError("every worker process has exited; see the messages above")
                continue
            outstanding -= 1
            yield got
        # The input is exhausted: collect what the workers still hold.
        async for got in pool.drain():
            yield got
    finally:
        await ahead.close()


def _limit(settings: Settings, concurrency: int | None) -> int:
    """Articles in flight: N for a server backend, a small fixed number for the local model."""
    wanted = concurrency if concurrency is not None else settings.concurrency
    if wanted < 1:
        raise ConfigError(f"concurrency must be at least 1, got {wanted}")
    if settings.workers > 1 and settings.resolved_backend == "local":
        raise ConfigError(
            "--workers is for server backends; the local model already uses every core "
            "from one process, and a copy per worker would only compete for them"
        )
    return min(wanted, LOCAL_IN_FLIGHT) if settings.resolved_backend == "local" else wanted


async def asummarize_many(
    summarizer: SupportsAnalyse,
    articles: Iterable[Article | str | dict[str, Any]],
    *,
    concurrency: int | None = None,
) -> AsyncGenerator[BatchItem, None]:
    """Analyse many articles concurrently; yield one BatchItem per article as each finishes.

    `articles` is consumed lazily. Strings are article texts; dicts are rows as in a JSONL
    input ({"id", "text" | "html", "title", "url", "targets"}). Duplicate ids and unusable
    inputs come back as error items, never as exceptions.
    """
    settings = summarizer.settings
    fingerprint = summarizer.fingerprint()
    work = _plan(
        items_from_objects(articles),
        fingerprint=fingerprint,
        options=BatchOptions(),
        max_chars=settings.max_input_chars,
        stats=BatchStats(),
    )
    limit = _limit(settings, concurrency)
    async for item in _drive(summarizer, work, limit=limit, fingerprint=fingerprint):
        yield item


def summarize_many(
    summarizer: SupportsAnalyse,
    articles: Iterable[Article | str | dict[str, Any]],
    *,
    concurrency: int | None = None,
) -> Generator[BatchItem, None, None]:
    """Blocking counterpart of asummarize_many: yields items as they finish.

    The event loop runs in a private helper thread, so this also works when the caller
    already has a running loop (a notebook). Stopping the iteration early cancels the
    articles still in flight.
    """
    agen = asummarize_many(summarizer, articles, concurrency=concurrency)
    loop = asyncio.new_event_loop()
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="summarizer-batch")

    def step(make: Callable[[], Any]) -> Any:
        return pool.submit(loop.run_until_complete, make()).result()

    try:
        while True:
            try:
                item = step(agen.__anext__)
            except StopAsyncIteration:
                return
            yield item
    finally:
        try:
            step(agen.aclose)
            closer = getattr(summarizer, "aclose", None)  # clients opened on this private loop
            if closer is not None:
                step(closer)
            step(loop.shutdown_asyncgens)
            step(loop.shutdown_default_executor)
        finally:
            pool.submit(loop.close).result()
            pool.shutdown()


# --------------------------------------------------------------------------- run_batch


def _want_progress(options: BatchOptions) -> bool:
    """Progress only on an interactive terminal and never in CI, unless asked explicitly."""
    if options.progress is not None:
        return options.progress
    return sys.stderr.isatty() and not os.environ.get("CI")


@contextlib.contextmanager
def _progress_bar(enabled: bool) -> Iterator[Callable[[BatchStats], None]]:
    """A rich progress display on stderr; yields the function that refreshes it."""
    if not enabled:
        yield lambda _stats: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    progress: Progress = Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.completed:,}[/] articles"),
        BarColumn(bar_width=None),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    task = progress.add_task("", total=None)
    start = time.perf_counter()

    def update(stats: BatchStats) -> None:
        rate = stats.processed / max(time.perf_counter() - start, 1e-9)
        note = f"ok {stats.ok:,} · failed {stats.failed:,} · {rate:.1f}/s"
        if stats.skipped:
            note += f" · skipped {stats.skipped:,}"
        progress.update(task, completed=stats.processed, description=note)

    with progress:
        yield update
        # A finished run shows a full bar instead of a spinner frozen mid-turn.
        done = progress.tasks[0].completed
        progress.update(task, total=done, completed=done)


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write a small JSON file so it is either the old or the new content, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


async def arun_batch(
    summarizer: SupportsAnalyse,
    inputs: list[str],
    output: Path,
    options: BatchOptions,
    *,
    stdin: BinaryIO | None = None,
) -> BatchStats:
    """The batch itself, with a ready summarizer: see run_batch."""
    check_inputs(inputs)
    settings = summarizer.settings
    limit = _limit(settings, None)  # before the output is touched: a bad setting changes nothing
    fingerprint = summarizer.fingerprint()
    stats = BatchStats(
        backend=str(fingerprint.get("backend", settings.resolved_backend)),
        model=str(fingerprint.get("model", "")),
        output=str(output),
        shard=options.shard,
    )
    try:
        index = scan_output(output)
        writer = JsonlWriter(output)
    except OSError as exc:
        raise ConfigError(f"cannot write the output file {output}: {exc.strerror}") from None
    if index.repaired_bytes:
        stats.notes.append(
            f"dropped a partial last line ({index.repaired_bytes:,} bytes) "
            "left by an interrupted run"
        )
    if index.invalid_lines:
        stats.notes.append(f"{index.invalid_lines:,} unreadable lines in the output were removed")
    work = _plan(
        iter_inputs(inputs, stdin=stdin, output=output),
        fingerprint=fingerprint,
        options=options,
        max_chars=settings.max_input_chars,
        stats=stats,
        index=index,
    )
    started = time.perf_counter()
    pool = WorkerPool(settings, settings.workers, fingerprint) if settings.workers > 1 else None
    try:
        with writer, _progress_bar(_want_progress(options)) as update:
            if pool is not None:
                await pool.start()
            async for done in _finished_rows(summarizer, work, limit, fingerprint, pool):
                writer.write_line(done.line)
                stats.record(done.outcome)
                update(stats)
    finally:
        if pool is not None:
            await pool.close()
            stats.notes.extend(pool.notes)
    # Only after a complete run: an interrupted run keeps the old rows it had not replaced yet.
    if index.stale_lines:
        compact(output, index.stale_lines)
    stats.wall_seconds = time.perf_counter() - started
    return stats


async def _finished_rows(
    summarizer: SupportsAnalyse,
    work: Iterator[_Work],
    limit: int,
    fingerprint: dict[str, Any],
    pool: WorkerPool | None,
) -> AsyncIterator[Finished]:
    """Encoded rows as articles finish, from this process or from the worker pool."""
    if pool is None:
        async for item in _drive(summarizer, work, limit=limit, fingerprint=fingerprint):
            yield finished(item)
    else:
        async for done in _drive_pool(pool, work, limit=limit):
            yield done


async def _run_and_close(
    summarizer: SupportsAnalyse, inputs: list[str], output: Path, options: BatchOptions
) -> BatchStats:
    """arun_batch, then release the summarizer's connections while their event loop still runs."""
    try:
        return await arun_batch(summarizer, inputs, output, options)
    finally:
        closer = getattr(summarizer, "aclose", None)  # pooled HTTP clients belong to this loop
        if closer is not None:
            await closer()


def run_batch(
    inputs: list[str], output: Path, settings: Settings, options: BatchOptions
) -> BatchStats:
    """Analyse every article of the inputs into the JSONL file `output`, resuming by default.

    Raises InputError for an input path that does not exist and ConfigError for unusable
    settings; per-article failures become error rows and are counted in the returned stats.
    """
    check_inputs(inputs)
    cache: DiskCache | None = None
    if options.use_cache:
        cache = DiskCache(settings.cache_dir or default_cache_dir())
        settings = settings.model_copy(update={"cache_dir": cache.path})
    else:
        # Also clear the folder from the settings, so nothing below opens a cache on its own.
        settings = settings.model_copy(update={"cache_dir": None})
    from .api import Summarizer

    summarizer = Summarizer(settings, cache=cache)
    stats = asyncio.run(_run_and_close(summarizer, inputs, output, options))
    if options.stats_json is not None:
        _write_json_atomic(
            options.stats_json, {**stats.to_dict(), "settings": settings.public_dict()}
        )
    return stats
