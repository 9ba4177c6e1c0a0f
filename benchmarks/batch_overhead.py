"""Per-article overhead of everything but the model call, in the batch path.

    .venv/bin/python benchmarks/batch_overhead.py [--articles 300] [--corpus synthetic|seeds]

Articles run one at a time (concurrency 1) through the full batch path (JSONL read as a
stream, Article validation, detectors and sentence numbering, prompt, instructor request
building, answer parsing and grounding validation, record assembly, row JSON written to the
output) against the fake OpenAI-compatible server in its own process with zero latency.
The model call is timed around the backend's `send` (one HTTP exchange through the openai
client: request encoding, round trip, response decoding); the overhead is wall time per
article minus that. The detector stage (Pipeline.prepare) is timed too, to show where the
rest goes. `--corpus synthetic` is five-sentence generated reports (~450 characters);
`--corpus seeds` cycles the user's seed articles in examples/ (2-18 KB each).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.api import Summarizer  # noqa: E402
from summarizer.batch import BatchOptions, arun_batch  # noqa: E402
from summarizer.config import load_settings  # noqa: E402
from summarizer.testing import FakeOpenAIServer, FaultPlan  # noqa: E402
from summarizer.testing.corpus import write_jsonl  # noqa: E402


class Timer:
    """Accumulated seconds and calls."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0

    def add(self, start: float) -> None:
        """Count one call that began at `start` (perf_counter)."""
        self.seconds += time.perf_counter() - start
        self.calls += 1

    def wrap_async(self, func: Any) -> Any:
        """A coroutine function timed into this timer."""

        async def timed(*args: Any) -> Any:
            start = time.perf_counter()
            try:
                return await func(*args)
            finally:
                self.add(start)

        return timed

    def wrap(self, func: Any) -> Any:
        """A function timed into this timer."""

        def timed(*args: Any) -> Any:
            start = time.perf_counter()
            try:
                return func(*args)
            finally:
                self.add(start)

        return timed


def instrument(summarizer: Summarizer) -> tuple[Timer, Timer, Timer]:
    """Time model calls, the detector stage and whole analyses (benchmark-only wrapping)."""
    model, prepare, analyse = Timer(), Timer(), Timer()
    backend: Any = summarizer.backend
    backend.send = model.wrap_async(backend.send)
    pipeline: Any = summarizer.pipeline
    pipeline.prepare = prepare.wrap(pipeline.prepare)
    pipeline.analyze = analyse.wrap_async(pipeline.analyze)
    return model, prepare, analyse


def write_rows(path: Path, texts: list[str], n: int) -> Path:
    """n JSONL rows cycling the given texts, each under its own id."""
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(n):
            handle.write(json.dumps({"id": f"a-{i:06d}", "text": texts[i % len(texts)]}) + "\n")
    return path


def measure(summarizer: Summarizer, src: Path, out: Path, n: int) -> list[float]:
    """One batch at concurrency 1; ms per article of each part, in the table's order."""
    options = BatchOptions(use_cache=False, progress=False)
    model, prepare, analyse = instrument(summarizer)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    stats = asyncio.run(arun_batch(summarizer.pipeline, [str(src)], out, options))
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    assert stats.ok == n, f"only {stats.ok} of {n} articles ok"
    per = 1000 / n
    return [
        wall * per,
        model.seconds * per,
        (wall - model.seconds) * per,
        (wall - analyse.seconds) * per,
        prepare.seconds * per,
        (analyse.seconds - model.seconds - prepare.seconds) * per,
        cpu * per,
    ]


LABELS = [
    "wall time",
    "model call (one HTTP exchange via the openai client: encode, round trip, decode)",
    "**overhead: everything else**",
    "- batch runner: JSONL read, Article, resume/shard plan, row JSON + write",
    "- detectors + sentence numbering (Pipeline.prepare)",
    "- prompt, instructor request/parse, validation + grounding, record",
    "process CPU time (client side, all of it)",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--corpus", choices=["synthetic", "seeds"], default="synthetic")
    args = parser.parse_args()
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    n = args.articles
    with (
        FakeOpenAIServer(FaultPlan(latency=0.0), subprocess=True) as server,
        tempfile.TemporaryDirectory() as tmp,
    ):
        settings = load_settings(
            backend="openai",
            base_url=server.url + "/v1",
            api_key="bench-key",
            model="fake-model",
            concurrency=1,
        )
        workdir = Path(tmp)
        warm = write_jsonl(workdir / "warm.jsonl", 10, start=10_000_000)
        options = BatchOptions(use_cache=False, progress=False)
        columns: list[tuple[str, list[float]]] = []
        if args.corpus == "seeds":
            # One run per seed (sizes differ fourfold), then all of them interleaved.
            seeds = sorted((ROOT / "examples").glob("*.txt"))
            texts = [p.read_text(encoding="utf-8") for p in seeds]
            runs = [
                (f"{p.name[:3]} ({len(t) / 1000:.1f} KB)", [t])
                for p, t in zip(seeds, texts, strict=True)
            ]
            runs.append(("all seeds", texts))
        else:
            runs = [("synthetic (~450 chars)", [])]
        for k, (label, run_texts) in enumerate(runs):
            summarizer = Summarizer(settings)
            asyncio.run(
                arun_batch(summarizer.pipeline, [str(warm)], workdir / f"warm{k}.out", options)
            )
            src = workdir / f"in{k}.jsonl"
            if run_texts:
                write_rows(src, run_texts, n)
            else:
                write_jsonl(src, n)
            columns.append((label, measure(summarizer, src, workdir / f"out{k}.jsonl", n)))
    print(f"{n} articles per column, concurrency 1, no cache, ms per article\n")
    print("| part | " + " | ".join(label for label, _ in columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for row, label in enumerate(LABELS):
        bold = label.startswith("**")
        cells = [f"**{v[row]:.2f}**" if bold else f"{v[row]:.2f}" for _, v in columns]
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
