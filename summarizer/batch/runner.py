"""A batch run: stream articles in, analyse up to N at once, append one JSONL row each.

Reading (inputs.stream), the crash-safe output file (jsonl), planning (plan), driving
(drive), the statistics (stats) and the worker processes (workers) live in their own
modules; this one ties them to one output file and one end-of-run summary.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import time
from collections.abc import AsyncGenerator, Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ..cache import DiskCache
from ..config import Settings
from ..errors import redact_data
from ..events import DEFAULT, Emitter
from ..inputs import (
    Fetcher,
    FetchOptions,
    check_inputs,
    iter_inputs,
    normalize_targets,
    resolve_urls,
)
from .drive import drive, drive_pool, in_flight_limit
from .jsonl import write_json_atomic
from .output import OutputFile
from .plan import BatchOptions, Work, plan
from .rows import Analyzer, Finished, finished
from .stats import BatchStats
from .workers import WorkerPool


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


async def arun_batch(
    analyzer: Analyzer,
    inputs: list[str],
    output: Path,
    options: BatchOptions,
    *,
    stdin: BinaryIO | None = None,
    events: Emitter | None = None,
) -> BatchStats:
    """The batch itself, with a ready analyzer: see run_batch."""
    events = events or DEFAULT
    check_inputs(inputs)
    settings = analyzer.settings
    limit = in_flight_limit(
        settings, None
    )  # before the output is touched: a bad setting changes nothing
    fingerprint = analyzer.fingerprint()
    # A bad --targets list is one mistake to fix, not one error row per article.
    normalize_targets(options.default_targets)
    # Checked (a file that is not ours is refused untouched), locked against a second run
    # until the compaction below, or opened as a stream when it is not a regular file.
    with OutputFile(output) as out:
        stats = BatchStats(
            backend=str(fingerprint.get("backend", settings.resolved_backend)),
            model=str(fingerprint.get("model", "")),
            output=out.display_name,
            shard=options.shard,
        )
        index = out.index
        stats.notes.extend(out.notes())
        events.emit(
            "resume.scan",
            f"{len(index):,} rows already in {out.display_name}",
            rows=len(index), repaired_bytes=index.repaired_bytes,
            invalid_lines=index.invalid_lines, force=options.force,
            retry_errors=options.retry_errors,
        )  # fmt: skip
        events.emit(
            "batch.started",
            f"{len(inputs)} input(s) -> {out.display_name}; {limit} in flight, "
            f"{settings.workers} process(es)",
            inputs=list(inputs), output=out.display_name, concurrency=limit,
            workers=settings.workers,
        )  # fmt: skip
        fetcher = page_fetcher(settings, events)
        items = iter_inputs(inputs, stdin=stdin, output=None if out.stream else output)
        work = plan(
            resolve_urls(items, fetcher, limit),
            fingerprint=fingerprint,
            options=options,
            max_chars=settings.max_input_chars,
            stats=stats,
            index=None if out.stream else index,
            events=events,
        )
        started = time.perf_counter()
        pool = (
            WorkerPool(settings, settings.workers, fingerprint, events=events)
            if settings.workers > 1
            else None
        )
        try:
            with _progress_bar(_want_progress(options)) as update:
                if pool is not None:
                    await pool.start()
                rows = _finished_rows(analyzer, work, limit, fingerprint, pool)
                async with contextlib.aclosing(rows):
                    async for done in rows:
                        out.write_line(done.line)
                        stats.record(done.outcome)
                        update(stats)
        finally:
            fetcher.close()  # first: an input read waiting on a fetch ends at once
            if pool is not None:
                await pool.close()
                stats.notes.extend(pool.notes)
        # Only after a complete run (an interrupted run keeps the old rows it had not replaced
        # yet), and with the lock still held: no other run can append to the replaced file.
        out.compact()
    stats.wall_seconds = time.perf_counter() - started
    events.emit(
        "batch.finished",
        f"{stats.ok:,} ok, {stats.failed:,} failed, {stats.skipped:,} skipped "
        f"in {stats.wall_seconds:.1f} s",
        level=logging.INFO,
        latency_ms=int(stats.wall_seconds * 1000),
        prompt_tokens=stats.prompt_tokens,
        completion_tokens=stats.completion_tokens,
        ok=stats.ok, failed=stats.failed, skipped=stats.skipped, cached=stats.cached,
    )  # fmt: skip
    return stats


def page_fetcher(settings: Settings, events: Emitter) -> Fetcher:
    """The fetcher for URL inputs; pages go into the response cache when the run has one."""
    cache = DiskCache(settings.cache_dir) if settings.cache_dir is not None else None
    return Fetcher(FetchOptions.from_settings(settings), cache=cache, events=events)


async def _finished_rows(
    analyzer: Analyzer,
    work: Iterator[Work],
    limit: int,
    fingerprint: dict[str, Any],
    pool: WorkerPool | None,
) -> AsyncGenerator[Finished, None]:
    """Encoded rows as articles finish, from this process or from the worker pool."""
    if pool is None:
        async with contextlib.aclosing(
            drive(analyzer, work, limit=limit, fingerprint=fingerprint)
        ) as rows:
            async for item in rows:
                yield finished(item)
    else:
        async with contextlib.aclosing(drive_pool(pool, work, limit=limit)) as pooled:
            async for done in pooled:
                yield done


async def _run_and_close(
    analyzer: Analyzer,
    inputs: list[str],
    output: Path,
    options: BatchOptions,
    events: Emitter | None,
) -> BatchStats:
    """arun_batch, then release the analyzer's connections while their event loop still runs."""
    try:
        return await arun_batch(analyzer, inputs, output, options, events=events)
    finally:
        await analyzer.aclose()  # pooled HTTP clients belong to this loop


def run_batch(
    analyzer: Analyzer,
    inputs: list[str],
    output: Path,
    options: BatchOptions,
    *,
    events: Emitter | None = None,
) -> BatchStats:
    """Analyse every article of the inputs into the JSONL file `output`, resuming by default.

    Raises InputError for an input path that does not exist and ConfigError for unusable
    settings; per-article failures become error rows and are counted in the returned stats.
    `events` receives the batch's own events (resume decisions, rows decided before any
    model call, workers); pass the pipeline's emitter so that one sink sees everything.
    """
    check_inputs(inputs)
    stats = asyncio.run(_run_and_close(analyzer, inputs, output, options, events))
    if options.stats_json is not None:
        data = {**stats.to_dict(), "settings": analyzer.settings.public_dict()}
        write_json_atomic(options.stats_json, redact_data(data))
    return stats
