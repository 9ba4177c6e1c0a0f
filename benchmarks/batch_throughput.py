"""Batch throughput against a model server with fixed latency: articles/s by concurrency.

    .venv/bin/python benchmarks/batch_throughput.py [--latency 0.2] [--concurrency 1 8 32 128]
        [--workers 1 2] [--engine local|ray] [--ray-actors 2]

The fake OpenAI-compatible server (summarizer.testing.server) runs in its own process on
127.0.0.1 and answers every request after --latency seconds with a valid, grounded answer, so
the ideal rate at concurrency C is C / latency. Each run is the full batch path: a JSONL file
read as a stream, the real Summarizer with its openai backend (instructor, validation,
grounding, detectors), one output row written per article; no cache. The figure is
articles / wall time of the run (Summarizer construction and a warm-up run excluded).
With --workers N > 1 the run includes starting N worker processes; that start-up (measured
as the wall time of a one-article batch with the same workers, minus one latency) is
printed, and a second rate excludes it.

With --engine ray the same batches run through `summarizer batch --engine ray` on a local Ray
started once (`ray.init(num_cpus=2)`, not timed) with --ray-actors actors, concurrency per
actor (the concurrency column is the total); the last column is the time until the first row
was written: the run's start-up (a Dataset, its actor pool, each actor's imports and
pipeline) plus the first batch.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.api import Summarizer  # noqa: E402
from summarizer.batch import BatchOptions, arun_batch  # noqa: E402
from summarizer.config import load_settings  # noqa: E402
from summarizer.pipeline import Pipeline  # noqa: E402
from summarizer.ray import run_batch_ray  # noqa: E402  (imports Ray itself only when run)
from summarizer.testing import FakeOpenAIServer, FaultPlan  # noqa: E402
from summarizer.testing.corpus import write_jsonl  # noqa: E402


async def close_clients(summarizer: Summarizer) -> None:
    """Close the summarizer's HTTP clients inside the loop that opened them."""
    closer = getattr(summarizer, "aclose", None)
    if closer is not None:
        await closer()
        return
    for client in list(getattr(summarizer.backend, "_clients", {}).values()):
        await client.close()


async def run_once(
    url: str, concurrency: int, n: int, workdir: Path, start: int, workers: int = 1
) -> tuple[float, int]:
    """Wall seconds and ok rows of one batch of n fresh articles."""
    settings = load_settings(
        backend="openai",
        base_url=url + "/v1",
        api_key="bench-key",
        model="fake-model",
        concurrency=concurrency,
        workers=workers,
    )
    summarizer = Summarizer(settings)
    src = write_jsonl(workdir / f"in-{workers}-{concurrency}-{start}.jsonl", n, start=start)
    out = workdir / f"out-{workers}-{concurrency}-{start}.jsonl"
    options = BatchOptions(use_cache=False, progress=False)
    try:
        stats = await arun_batch(summarizer.pipeline, [str(src)], out, options)
    finally:
        await close_clients(summarizer)
    return stats.wall_seconds, stats.ok


class FirstRow:
    """Watches an output file and notes when its first row lands."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.at: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            if self.path.exists() and self.path.stat().st_size > 0:
                self.at = time.perf_counter()
                return
            time.sleep(0.005)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def run_ray_once(
    url: str, concurrency: int, n: int, workdir: Path, start: int, actors: int
) -> tuple[float, int, float]:
    """Wall seconds, ok rows, and seconds until the first row was written, of one Ray batch."""
    settings = load_settings(backend="openai", base_url=url + "/v1", api_key="bench-key",
                             model="fake-model", concurrency=concurrency)  # fmt: skip
    src = write_jsonl(workdir / f"in-ray-{concurrency}-{start}.jsonl", n, start=start)
    out = workdir / f"out-ray-{concurrency}-{start}.jsonl"
    options = BatchOptions(use_cache=False, progress=False)
    watcher = FirstRow(out)
    began = time.perf_counter()
    stats = run_batch_ray(Pipeline.from_settings(settings), [str(src)], out, options,
                          actors=actors, window=max(n, 1))  # fmt: skip
    ended = time.perf_counter()
    watcher.stop()
    first = watcher.at if watcher.at is not None else ended
    return stats.wall_seconds, stats.ok, first - began


def measure_ray(args: argparse.Namespace, url: str, workdir: Path) -> list[Row]:
    """The Ray engine's rows: actors x concurrency each, after a one-article warm-up. Its
    start-up (a Dataset, the actor pool, each actor's imports and pipeline) varies by seconds
    between runs on a busy machine; the table shows the time until the first row instead."""
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}})  # fmt: skip
    try:
        run_ray_once(url, 1, 1, workdir, 30_000_000, args.ray_actors)
        rows: list[Row] = []
        start = 0
        for concurrency in args.concurrency:
            total = concurrency * args.ray_actors
            n = max(20, int(total * args.batches))
            wall, ok, first = run_ray_once(url, concurrency, n, workdir, start, args.ray_actors)
            start += n
            ideal = total / args.latency
            rows.append((args.ray_actors, total, n, ok, wall, ok / wall, first, ideal))
            print(f"  ray {args.ray_actors} actors x {concurrency}: {ok / wall:.1f} articles/s, "
                  f"first row after {first:.1f} s", flush=True)  # fmt: skip
        return rows
    finally:
        ray.shutdown()


Row = tuple[int, int, int, int, float, float, float, float]


async def measure(args: argparse.Namespace, url: str, workdir: Path) -> list[Row]:
    """One row per (workers, concurrency), after a warm-up batch (imports, first connections)."""
    await run_once(url, 8, 40, workdir, start=10_000_000)
    rows: list[Row] = []
    start = 0
    for workers in args.workers:
        startup = 0.0
        if workers > 1:
            wall, _ = await run_once(url, 1, 1, workdir, 20_000_000 + workers, workers)
            startup = max(0.0, wall - args.latency)
            print(f"  {workers} workers: start-up {startup:.2f} s", flush=True)
        for concurrency in args.concurrency:
            n = max(20, int(concurrency * args.batches))
            wall, ok = await run_once(url, concurrency, n, workdir, start, workers)
            start += n
            ideal = concurrency / args.latency
            steady = ok / max(wall - startup, 1e-9)
            rows.append((workers, concurrency, n, ok, wall, ok / wall, steady, ideal))
            print(f"  workers {workers}, concurrency {concurrency}: {ok / wall:.1f} articles/s",
                  flush=True)  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32, 128])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batches", type=float, default=10, help="articles = C x this (min 20)")
    parser.add_argument("--engine", choices=["local", "ray"], default="local")
    parser.add_argument("--ray-actors", type=int, default=2)
    args = parser.parse_args()
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"server latency {args.latency * 1000:.0f} ms, separate process, 127.0.0.1\n")
    plan = FaultPlan(latency=args.latency)
    with FakeOpenAIServer(plan, subprocess=True) as server, tempfile.TemporaryDirectory() as tmp:
        if args.engine == "ray":
            rows = measure_ray(args, server.url, Path(tmp))
        else:
            rows = asyncio.run(measure(args, server.url, Path(tmp)))
    print()
    first = "ray actors" if args.engine == "ray" else "workers"
    concurrency = "concurrency (all actors)" if args.engine == "ray" else "concurrency"
    last = "first row after (s)" if args.engine == "ray" else "% of ideal without start-up"
    print(
        f"| {first} | {concurrency} | articles | ok | wall (s) | articles/s | ideal/s | "
        f"% of ideal | {last} |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for workers, concurrency, n, ok, wall, rate, steady, ideal in rows:
        tail = f"{100 * steady / ideal:.0f}%" if workers > 1 else ""
        if workers > 1 and ok / steady < wall / 2:  # start-up over half the wall time
            tail = "(start-up dominates)"
        if args.engine == "ray":
            tail = f"{steady:.1f}"  # seconds until the first row
        print(
            f"| {workers} | {concurrency} | {n} | {ok} | {wall:.2f} | {rate:.1f} | {ideal:.0f} "
            f"| {100 * rate / ideal:.0f}% | {tail} |"
        )


if __name__ == "__main__":
    main()
