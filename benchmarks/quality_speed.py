"""Speed of the quality detectors: articles per second on one core for ~5 KB articles.

    .venv/bin/python benchmarks/quality_speed.py [DEVSET_DIR] [--rounds 5] [--size 5000]

Two mixes, each article cut or repeated to about --size characters on line boundaries:
"articles" - the five seed articles (examples/*.txt) and the devset's gold article texts,
the text a caller usually passes; "scraped pages" - windows of the devset pages' plain
visible text (menus, teasers and footers included, ~250 short lines per 5 KB: the worst
case for line-based detectors). The process is pinned to one CPU where the OS allows. The
figure is the median over rounds of analyze_quality(text) calls per second of process CPU
time (so that other load on a shared machine does not count), in plain-text mode
(main_lines=None).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.quality import analyze_quality  # noqa: E402

DEFAULT_DEVSET = ROOT.parent / "shared" / "devset" / "article-extraction"


def windows(text: str, size: int) -> list[str]:
    """Consecutive line windows of text of at least `size` characters (short text repeated)."""
    lines = text.split("\n")
    while sum(len(x) + 1 for x in lines) < size:
        lines = lines + lines
    out: list[str] = []
    cur: list[str] = []
    length = 0
    for line in lines:
        cur.append(line)
        length += len(line) + 1
        if length >= size:
            out.append("\n".join(cur))
            cur, length = [], 0
    return out or ["\n".join(cur)]


def article_mix(devset: Path, size: int) -> list[str]:
    """~size-character articles: the seeds and the devset's gold article texts."""
    mix: list[str] = []
    for path in sorted((ROOT / "examples").glob("*.txt")):
        mix.extend(windows(path.read_text(encoding="utf-8"), size)[:2])
    truth = devset / "ground-truth.json"
    if truth.is_file():
        for item in json.loads(truth.read_text(encoding="utf-8")).values():
            body = item.get("articleBody") or ""
            if body.strip():
                mix.extend(windows(body, size)[:2])
    return mix


def scraped_mix(devset: Path, size: int) -> list[str]:
    """~size-character windows of the devset pages' plain visible text."""
    mix: list[str] = []
    html_dir = devset / "html"
    if html_dir.is_dir():
        from summarizer.inputs.html import visible_text

        for path in sorted(html_dir.glob("*.html.gz")):
            mix.extend(windows(visible_text(gzip.decompress(path.read_bytes())), size)[:4])
    return mix


def rate(mix: list[str], rounds: int) -> list[float]:
    """analyze_quality calls per second over the mix, one figure per round."""
    for text in mix[:20]:  # warm-up: regex caches, lazy imports
        analyze_quality(text)
    rates: list[float] = []
    for _ in range(rounds):
        # CPU time of this process: on a shared machine, wall time would also count the
        # time other processes held the core.
        t0 = time.process_time()
        for text in mix:
            analyze_quality(text)
        rates.append(len(mix) / (time.process_time() - t0))
    return rates


def main() -> None:
    """Print the command, the mix and the figure."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("devset", nargs="?", type=Path, default=DEFAULT_DEVSET)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--size", type=int, default=5000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    print("command: " + " ".join([Path(sys.executable).name, *sys.argv]))
    print(f"one core, {args.rounds} rounds, load average {os.getloadavg()[0]:.2f}")
    for name, mix in (
        ("articles", article_mix(args.devset, args.size)),
        ("scraped pages", scraped_mix(args.devset, args.size)),
    ):
        if not mix:
            continue
        kb = sum(len(t.encode("utf-8")) for t in mix) / 1024 / len(mix)
        rates = rate(mix, args.rounds)
        print(
            f"{name}: {len(mix)} x {kb:.1f} KB: analyze_quality {statistics.median(rates):.0f} "
            f"articles/s (min {min(rates):.0f}, max {max(rates):.0f})"
        )


if __name__ == "__main__":
    main()
