"""Batch throughput against a model server with fixed latency: articles/s by concurrency.

    .venv/bin/python benchmarks/batch_throughput.py [--latency 0.2] [--concurrency 1 8 32 128]

The fake OpenAI-compatible server (summarizer.testing.fake_openai) runs in its own process on
127.0.0.1 and answers every request after --latency seconds with a valid, grounded answer, so
the ideal rate at concurrency C is C / latency. Each run is the full batch path: a JSONL file
read as a stream, the real Summarizer with its openai backend (instructor, validation,
grounding, detectors), one output row written per article; no cache. The figure is
articles / wall time of the run (Summarizer construction and a warm-up run excluded).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.api import Summarizer  # noqa: E402
from summarizer.batch import BatchOptions, arun_batch  # noqa: E402
from summarizer.config import load_settings  # noqa: E402
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
    url: str, concurrency: int, n: int, workdir: Path, start: int
) -> tuple[float, int]:
    """Wall seconds and ok rows of one batch of n fresh articles."""
    settings = load_settings(
        backend="openai",
        base_url=url + "/v1",
        api_key="bench-key",
        model="fake-model",
        concurrency=concurrency,
    )
    summarizer = Summarizer(settings)
    src = write_jsonl(workdir / f"in-{concurrency}-{start}.jsonl", n, start=start)
    out = workdir / f"out-{concurrency}-{start}.jsonl"
    options = BatchOptions(use_cache=False, progress=False)
    try:
        stats = await arun_batch(summarizer, [str(src)], out, options)
    finally:
        await close_clients(summarizer)
    return stats.wall_seconds, stats.ok


async def measure(
    args: argparse.Namespace, url: str, workdir: Path
) -> list[tuple[int, int, int, float, float, float]]:
    """One row per concurrency level, after a warm-up batch (imports, first connections)."""
    await run_once(url, 4, 8, workdir, start=10_000_000)
    rows = []
    start = 0
    for concurrency in args.concurrency:
        n = max(20, int(concurrency * args.batches))
        wall, ok = await run_once(url, concurrency, n, workdir, start)
        start += n
        rows.append((concurrency, n, ok, wall, ok / wall, concurrency / args.latency))
        print(f"  concurrency {concurrency}: {ok / wall:.1f} articles/s", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32, 128])
    parser.add_argument("--batches", type=float, default=10, help="articles = C x this (min 20)")
    args = parser.parse_args()
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"server latency {args.latency * 1000:.0f} ms, separate process, 127.0.0.1\n")
    plan = FaultPlan(latency=args.latency)
    with FakeOpenAIServer(plan, subprocess=True) as server, tempfile.TemporaryDirectory() as tmp:
        rows = asyncio.run(measure(args, server.url, Path(tmp)))
    print()
    print("| concurrency | articles | ok | wall (s) | articles/s | ideal/s | % of ideal |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for concurrency, n, ok, wall, rate, ideal in rows:
        share = 100 * rate / ideal
        print(
            f"| {concurrency} | {n} | {ok} | {wall:.2f} | {rate:.1f} | {ideal:.0f} | {share:.0f}% |"
        )


if __name__ == "__main__":
    main()
