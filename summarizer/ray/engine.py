"""The Ray Data engine: the same pipeline as `map_batches` over a Ray Dataset, on a pool of
actors that each hold one pipeline (one loaded model for the local backend, one async client
for a server), with the driver writing the rows exactly as the in-process runner does.

The driver keeps everything that makes a batch resumable and exactly-once: it reads and plans
the input (summarizer.batch.plan: shards, duplicate ids, input errors, resume against the
output's index), hands the articles to Ray in windows, and writes every finished row through
the one JsonlWriter, counting it in the same BatchStats. Each window is one Dataset. Ray Data
restarts an actor that dies and retries the batch it held; should Ray still give up on a
window, each of its articles without a row gets a `worker_error` row (--retry-errors redoes
them), and a row that comes back twice is written once.

Ray is an optional dependency (`pip install 'summarizer[ray]'`), imported only inside the
functions that need it, so nothing else in the package pays for it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import json
import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..aio import LoopThread
from ..batch.drive import in_flight_limit
from ..batch.jsonl import write_json_atomic
from ..batch.output import OutputFile
from ..batch.plan import BatchOptions, plan
from ..batch.rows import BatchItem, Finished, WorkItem, analyse, error_row_for, finished
from ..batch.stats import BatchStats, RowOutcome
from ..batch.transport import article_from_json, article_to_json, settings_to_json
from ..cache import default_cache_dir
from ..config import Settings, load_settings
from ..errors import ConfigError
from ..inputs import check_inputs, iter_inputs
from ..inputs.article import sha256_text
from ..inputs.stream import item_from_row
from ..pipeline import Pipeline

# The package's parent folder: local Ray workers must import this very code, installed or not.
_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])
# Articles handed to Ray per Dataset. The driver plans and writes; bounded windows keep its
# memory flat in the input size (a window of 2,000 typical articles is ~10 MB).
DEFAULT_WINDOW = 2_000
DEFAULT_ACTORS = 2


def _ray() -> Any:
    """The ray module, or a ConfigError that says how to install it."""
    try:
        import ray
        import ray.data
    except ImportError:
        raise ConfigError(
            "--engine ray needs Ray Data: pip install 'summarizer[ray]' (or 'ray[data]')"
        ) from None
    return ray


class _Actor:
    """One pipeline and one private event loop per actor, built once and reused per batch."""

    def __init__(self, settings_json: dict[str, Any]) -> None:
        settings = Settings(**settings_json)
        self.pipeline = Pipeline.from_settings(settings)
        self.fingerprint = self.pipeline.fingerprint()
        self.limit = in_flight_limit(settings, None)
        self.loop = LoopThread("summarizer-ray-actor")

    def _run(self, items: Sequence[tuple[WorkItem | None, BatchItem | None]]) -> list[BatchItem]:
        async def all_rows() -> list[BatchItem]:
            gate = asyncio.Semaphore(self.limit)

            async def one(job: WorkItem | None, decided: BatchItem | None) -> BatchItem:
                if decided is not None:
                    return decided
                assert job is not None
                async with gate:
                    return await analyse(self.pipeline, job, self.fingerprint)

            return list(await asyncio.gather(*(one(j, d) for j, d in items)))

        return self.loop.run(all_rows())


class WorkActor(_Actor):
    """map_batches callable for the CLI engine: planned articles in, encoded rows out."""

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        jobs = [
            (WorkItem(id=str(i), source=str(s), article=article_from_json(json.loads(a))), None)
            for i, s, a in zip(batch["id"], batch["source"], batch["article"], strict=True)
        ]
        done = [finished(row) for row in self._run(jobs)]
        return {
            "id": [str(i) for i in batch["id"]],
            "line": [d.line for d in done],
            "outcome": [json.dumps(dataclasses.asdict(d.outcome)) for d in done],
        }


class RowActor(_Actor):
    """map_batches callable for `analyze`: JSONL-style input rows in, JSONL rows out."""

    def __call__(self, batch: Any) -> dict[str, list[str | None]]:
        settings = self.pipeline.settings
        jobs: list[tuple[WorkItem | None, BatchItem | None]] = []
        for row in batch.to_pylist():
            clean = {k: v for k, v in row.items() if v is not None}
            raw_sha = sha256_text(json.dumps(clean, sort_keys=True, default=str))
            item = item_from_row(clean, f"row {clean.get('id', '?')}", raw_sha)
            try:
                article = item.build(max_chars=settings.max_input_chars)
            except Exception as exc:
                error = getattr(exc, "to_dict", lambda: {"type": "internal_error"})()
                error["message"] = str(getattr(exc, "message", exc))
                decided = error_row_for(self.fingerprint, item.id, item.source, raw_sha, error)
                jobs.append((None, decided))
                continue
            jobs.append((WorkItem(id=item.id, source=item.source, article=article), None))
        rows = self._run(jobs)
        return {
            "id": [r.id for r in rows],
            "status": [r.status for r in rows],
            "result": [r.result.model_dump_json() if r.result else None for r in rows],
            "error": [json.dumps(r.error, ensure_ascii=False) if r.error else None for r in rows],
        }


def _map_args(settings: Settings, actors: int, batch_size: int | None) -> dict[str, Any]:
    ray = _ray()
    if actors < 1:
        raise ConfigError(f"--ray-actors must be at least 1, got {actors}")
    per_actor = in_flight_limit(settings, None)
    return {
        "fn_constructor_args": (settings_to_json(settings),),
        # Two rounds of in-flight articles per call: the actor's slots stay full while the
        # slowest articles of a batch finish.
        "batch_size": batch_size or max(1, 2 * per_actor),
        # Ray Data restarts a dead actor and retries the batch it held (its default).
        "compute": ray.data.ActorPoolStrategy(size=actors),
    }


def analyze(
    ds: Any,
    settings: Settings | None = None,
    *,
    actors: int = DEFAULT_ACTORS,
    batch_size: int | None = None,
    **overrides: Any,
) -> Any:
    """Analyse a Ray Dataset of JSONL-style rows ({"id", "text" | "html", "title"?, "url"?,
    "targets"?}); returns a Dataset of the JSONL rows: id, status, and result and error as
    JSON text (any record shape then writes to Parquet). Lazy, like every Dataset transform.
    """
    if settings is None:
        settings = load_settings(**overrides)
    elif overrides:
        settings = load_settings(**{**settings.model_dump(exclude_unset=True), **overrides})
    return ds.map_batches(
        RowActor, batch_format="pyarrow", **_map_args(settings, actors, batch_size)
    )


def _connect(address: str | None) -> bool:
    """Start or join Ray unless the caller already did; True when we started it."""
    ray = _ray()
    if ray.is_initialized():
        return False
    path = os.pathsep.join(filter(None, [_PACKAGE_PARENT, os.environ.get("PYTHONPATH")]))
    env = {"PYTHONPATH": path}
    if address is None:
        ray.init(runtime_env={"env_vars": env}, include_dashboard=False, log_to_driver=False)
    else:
        ray.init(address=address, log_to_driver=False)
    return True


def _crashed(item: WorkItem, fingerprint: dict[str, Any], why: str) -> Finished:
    error = {"type": "worker_error", "message": why, "attempts": 0}
    return finished(error_row_for(fingerprint, item.id, item.source, item.article.sha256, error))


def _window_rows(
    items: list[WorkItem], args: dict[str, Any], fingerprint: dict[str, Any], notes: list[str]
) -> Iterator[Finished]:
    """One window of articles through Ray; exactly one row per article, whatever happens."""
    ray = _ray()
    records = [
        {"id": it.id, "source": it.source,
         "article": json.dumps(article_to_json(it.article), ensure_ascii=False)}
        for it in items
    ]  # fmt: skip
    pending = {item.id: item for item in items}
    blocks = max(1, min(len(items), -(-len(items) // args["batch_size"])))
    ds = ray.data.from_items(records, override_num_blocks=blocks)
    try:
        for row in ds.map_batches(WorkActor, batch_format="numpy", **args).iter_rows():
            item = pending.pop(str(row["id"]), None)
            if item is None:
                continue  # delivered twice (a retried batch): the first row stands
            yield Finished(str(row["line"]), RowOutcome(**json.loads(str(row["outcome"]))))
    except Exception as exc:  # Ray gave up on the window: its remaining articles get rows
        notes.append(f"Ray stopped a window: {type(exc).__name__}: {str(exc)[:300]}")
    why = "Ray gave up on the window holding this article before it had a row"
    for item in pending.values():
        yield _crashed(item, fingerprint, why)


def run_batch_ray(
    pipeline: Pipeline,
    inputs: list[str],
    output: Path,
    options: BatchOptions,
    *,
    address: str | None = None,
    actors: int = DEFAULT_ACTORS,
    window: int = DEFAULT_WINDOW,
    batch_size: int | None = None,
) -> BatchStats:
    """`summarizer batch --engine ray`: the batch with Ray actors doing the analysis.

    `pipeline` gives the settings and the run's identity (resume keys); the actors build their
    own from the same settings. The output, resume, cache and statistics are the in-process
    runner's. Joins the running Ray, else `address` (auto, ray://...), else starts one.
    """
    check_inputs(inputs)
    settings = pipeline.settings
    args = _map_args(settings, actors, batch_size)
    fingerprint = pipeline.fingerprint()
    stats = BatchStats(backend=fingerprint["backend"], model=fingerprint["model"],
                       output=str(output), shard=options.shard)  # fmt: skip
    started_ray = _connect(address)  # before the output is touched: a bad address changes nothing
    context = _ray().data.DataContext.get_current()
    context.enable_progress_bars = False  # one line per operator per tick on a non-TTY
    started = time.perf_counter()
    try:
        # The in-process runner's output handling: checked, locked for the run, resumed,
        # compacted under the lock; a stream (stdout, a pipe) is written without resume.
        with OutputFile(output) as out:
            index = None if out.stream else out.index
            stats.notes.extend(out.notes())
            items = iter_inputs(inputs, output=None if out.stream else output)
            work = plan(items, fingerprint=fingerprint, options=options,
                        max_chars=settings.max_input_chars, stats=stats, index=index)  # fmt: skip
            batch: list[WorkItem] = []
            for item in itertools.chain(work, [None]):
                if isinstance(item, BatchItem):
                    done = finished(item)
                    out.write_line(done.line)
                    stats.record(done.outcome)
                    continue
                if item is not None:
                    batch.append(item)
                if batch and (item is None or len(batch) >= window):
                    for done in _window_rows(batch, args, fingerprint, stats.notes):
                        out.write_line(done.line)
                        stats.record(done.outcome)
                    batch = []
            out.compact()
    finally:
        if started_ray:
            _ray().shutdown()
    stats.wall_seconds = time.perf_counter() - started
    return stats


def run(
    inputs: list[str],
    output: Path,
    settings: Settings,
    options: BatchOptions,
    *,
    address: str | None = None,
    actors: int = DEFAULT_ACTORS,
    window: int = DEFAULT_WINDOW,
) -> BatchStats:
    """The CLI's entry: the response cache set up as `summarizer.api.run_batch` does it (on
    by default, in each actor's own process), then run_batch_ray, then --stats-json."""
    check_inputs(inputs)
    cache_dir = (settings.cache_dir or default_cache_dir()) if options.use_cache else None
    settings = settings.model_copy(update={"cache_dir": cache_dir, "workers": 1})
    stats = run_batch_ray(Pipeline.from_settings(settings), inputs, output, options,
                          address=address, actors=actors, window=window)  # fmt: skip
    if options.stats_json is not None:
        write_json_atomic(options.stats_json,
                           {**stats.to_dict(), "settings": settings.public_dict()})  # fmt: skip
    return stats
