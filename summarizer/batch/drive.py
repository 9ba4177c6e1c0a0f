"""Driving many articles at once: up to N in flight, rows yielded as each one finishes.

Every article ends as exactly one row, ok or error: no exception from one article stops the
others. The analyzer is handed in ready-made (a Pipeline), so nothing here builds models.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from ..aio import LoopThread
from ..cache import DiskCache
from ..config import Settings
from ..errors import BackendError, ConfigError
from ..events import Emitter
from ..inputs import Article, Fetcher, FetchOptions, items_from_objects, resolve_urls
from .plan import BatchOptions, Work, plan
from .rows import Analyzer, BatchItem, Finished, WorkItem, analyse, finished
from .stats import BatchStats
from .workers import WorkerPool

# The local backend runs one generation at a time in-process; a second article in flight lets
# sentence splitting, detectors and validation overlap with it without oversubscribing 2 cores.
LOCAL_IN_FLIGHT = 2


_END = object()


class ReadAhead:
    """Pulls the plan in a reader thread, one item ahead.

    Reading and parsing the next input (a file, an HTML page, a blocking stdin) must never
    stall the requests in flight, and reading one item ahead refills a freed slot at once.
    """

    def __init__(self, work: Iterator[Work]) -> None:
        self._work = work
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="summarizer-input")
        self._ahead: Future[object] | None = self._pool.submit(next, work, _END)

    async def next(self) -> Work | None:
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


async def drive(
    analyzer: Analyzer,
    work: Iterator[Work],
    *,
    limit: int,
    fingerprint: dict[str, Any],
) -> AsyncGenerator[BatchItem, None]:
    """Keep up to `limit` articles in flight over a lazily pulled plan; yield rows as they end."""
    done: asyncio.Queue[BatchItem] = asyncio.Queue()
    running: set[asyncio.Task[None]] = set()  # for cancellation only
    # Counted by hand: a task's done-callback may not have run yet when its row is taken
    # from the queue, so len(running) can overstate the work still in flight.
    outstanding = 0
    exhausted = False

    async def run(job: WorkItem) -> None:
        done.put_nowait(await analyse(analyzer, job, fingerprint))

    ahead = ReadAhead(work)
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


async def drive_pool(
    pool: WorkerPool, work: Iterator[Work], *, limit: int
) -> AsyncGenerator[Finished, None]:
    """Like drive, with the articles analysed by worker processes."""
    outstanding = 0
    serial = 0
    exhausted = False
    ahead = ReadAhead(work)
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
        async with contextlib.aclosing(pool.drain()) as drained:
            async for got in drained:
                yield got
    finally:
        await ahead.close()


def in_flight_limit(settings: Settings, concurrency: int | None) -> int:
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
    analyzer: Analyzer,
    articles: Iterable[Article | str | dict[str, Any]],
    *,
    concurrency: int | None = None,
    events: Emitter | None = None,
) -> AsyncGenerator[BatchItem, None]:
    """Analyse many articles concurrently; yield one BatchItem per article as each finishes.

    `articles` is consumed lazily. Strings are article texts; dicts are rows as in a JSONL
    input ({"id", "text" | "html", "title", "url", "targets"}; a row with a `url` and no
    text or html is fetched). Duplicate ids and unusable inputs come back as error items,
    never as exceptions.
    """
    settings = analyzer.settings
    fingerprint = analyzer.fingerprint()
    limit = in_flight_limit(settings, concurrency)
    cache = DiskCache(settings.cache_dir) if settings.cache_dir is not None else None
    fetcher = Fetcher(FetchOptions.from_settings(settings), cache=cache, events=events)
    work = plan(
        resolve_urls(items_from_objects(articles), fetcher, limit),
        fingerprint=fingerprint,
        options=BatchOptions(),
        max_chars=settings.max_input_chars,
        stats=BatchStats(),
        events=events,
    )
    # Closed explicitly: when the caller stops early, the articles in flight are cancelled
    # now, not whenever the event loop gets round to finalising the inner generator.
    try:
        async with contextlib.aclosing(
            drive(analyzer, work, limit=limit, fingerprint=fingerprint)
        ) as rows:
            async for item in rows:
                yield item
    finally:
        fetcher.close()


def summarize_many(
    analyzer: Analyzer,
    articles: Iterable[Article | str | dict[str, Any]],
    *,
    concurrency: int | None = None,
    events: Emitter | None = None,
) -> Generator[BatchItem, None, None]:
    """Blocking counterpart of asummarize_many: yields items as they finish.

    The event loop runs in a private helper thread, so this also works when the caller
    already has a running loop (a notebook). Stopping the iteration early cancels the
    articles still in flight.
    """
    agen = asummarize_many(analyzer, articles, concurrency=concurrency, events=events)
    runner = LoopThread("summarizer-batch")
    try:
        while True:
            try:
                item = runner.run(agen.__anext__())
            except StopAsyncIteration:
                return
            yield item
    finally:
        try:
            runner.run(agen.aclose())
            runner.run(analyzer.aclose())  # clients opened on this private loop
        finally:
            runner.close()
