"""Peak memory of `summarizer batch` by input size: the input is streamed, not loaded.

    .venv/bin/python benchmarks/batch_memory.py [--sizes 1000 10000 100000] [--concurrency 32]

Each size runs the real command line (`python -m summarizer batch IN.jsonl -o OUT.jsonl`) in
a fresh process against the fake OpenAI-compatible server (its own process, zero latency, on
127.0.0.1) with the cache off, and reads that process's peak resident set size from
os.wait4. A second run on the finished output measures a full resume (every row skipped).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.testing import FakeOpenAIServer, FaultPlan  # noqa: E402
from summarizer.testing.corpus import write_jsonl  # noqa: E402


def run_batch_process(src: Path, out: Path, url: str, concurrency: int) -> tuple[float, float, int]:
    """Peak RSS (MiB), wall seconds and exit status of one `summarizer batch` process."""
    env = dict(os.environ, OPENAI_API_KEY="bench-key", PYTHONPATH=str(ROOT))
    command = [
        sys.executable, "-m", "summarizer", "batch", str(src), "-o", str(out),
        "--backend", "openai", "--base-url", url + "/v1", "--model", "fake-model",
        "--no-cache", "--concurrency", str(concurrency), "--no-progress",
    ]  # fmt: skip
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024, time.perf_counter() - start, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    rows = []
    with (
        FakeOpenAIServer(FaultPlan(latency=0.0), subprocess=True) as server,
        tempfile.TemporaryDirectory() as tmp,
    ):
        for size in args.sizes:
            src = write_jsonl(Path(tmp) / f"in-{size}.jsonl", size)
            out = Path(tmp) / f"out-{size}.jsonl"
            peak, wall, status = run_batch_process(src, out, server.url, args.concurrency)
            with open(out, "rb") as handle:
                lines = sum(1 for _ in handle)
            resume_peak, resume_wall, _ = run_batch_process(src, out, server.url, args.concurrency)
            rows.append(
                (
                    size,
                    src.stat().st_size,
                    out.stat().st_size,
                    lines,
                    status,
                    peak,
                    wall,
                    resume_peak,
                    resume_wall,
                )
            )
            print(f"  {size} articles: peak {peak:.0f} MiB, {wall:.0f} s", flush=True)
            out.unlink()
            src.unlink()
    print()
    header = ["articles", "input MB", "output MB", "rows", "exit", "peak RSS MiB", "wall s"]
    header += ["resume: peak RSS MiB", "resume: wall s"]
    print("| " + " | ".join(header) + " |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, in_bytes, out_bytes, lines, status, peak, wall, rpeak, rwall in rows:
        print(
            f"| {size:,} | {in_bytes / 1e6:.1f} | {out_bytes / 1e6:.1f} | {lines:,} | {status} "
            f"| {peak:.0f} | {wall:.0f} | {rpeak:.0f} | {rwall:.0f} |"
        )


if __name__ == "__main__":
    main()
