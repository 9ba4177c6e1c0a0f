"""Batch API request-file build rate: articles/s and file size per 1,000 articles.

    .venv/bin/python benchmarks/batchapi_requests.py [--articles 2000] [--rounds 3]
        [--openai-mode tools json_schema] [--mode abstractive extractive]

Each round is the real `summarizer batch-api submit --export` path without the CLI: a JSONL
file of synthetic news reports (summarizer.testing.corpus, ~450 characters each) read as a
stream, planned, prepared (detectors, numbered sentences, prompt, answer schema) and written as
request lines with the body instructor builds for the mode; nothing is sent. The figure is
articles / wall time of the best round (the first round also pays imports and warm-up).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.batch import BatchOptions  # noqa: E402
from summarizer.batchapi import build_requests  # noqa: E402
from summarizer.config import load_settings  # noqa: E402
from summarizer.pipeline import Pipeline  # noqa: E402
from summarizer.testing.corpus import write_jsonl  # noqa: E402


def one_round(src: Path, work: Path, openai_mode: str, mode: str) -> tuple[float, int, int]:
    """Wall seconds, requests and bytes of one request-file build."""
    settings = load_settings(backend="openai", api_key="bench-key", model="gpt-4o-mini",
                             openai_mode=openai_mode, mode=mode)  # fmt: skip
    pipeline = Pipeline.from_settings(settings)
    out = Path(tempfile.mkdtemp(dir=work))
    started = time.perf_counter()
    state = build_requests(pipeline, [str(src)], BatchOptions(use_cache=False), out,
                           export=out / "requests.jsonl")  # fmt: skip
    wall = time.perf_counter() - started
    return wall, state.requests, sum(p.bytes for p in state.parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--openai-mode", nargs="+", default=["tools", "json_schema"])
    parser.add_argument("--mode", nargs="+", default=["abstractive", "extractive"])
    args = parser.parse_args()
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"{args.articles} synthetic articles, best of {args.rounds} rounds\n")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        src = write_jsonl(work / "in.jsonl", args.articles, targets=True)
        for openai_mode in args.openai_mode:
            for mode in args.mode:
                runs = [one_round(src, work, openai_mode, mode) for _ in range(args.rounds)]
                walls = [r[0] for r in runs]
                _wall, requests, size = runs[0]
                rows.append((openai_mode, mode, requests, min(walls), statistics.median(walls),
                             size))  # fmt: skip
                print(f"  {openai_mode}/{mode}: {requests / min(walls):.0f} articles/s", flush=True)
    print()
    print("| request style | mode | articles | articles/s (best) | articles/s (median) "
          "| MB per 1,000 articles |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|")
    for openai_mode, mode, requests, best, median, size in rows:
        print(
            f"| {openai_mode} | {mode} | {requests:,} | {requests / best:.0f} "
            f"| {requests / median:.0f} | {size / requests * 1000 / 1e6:.2f} |"
        )


if __name__ == "__main__":
    main()
