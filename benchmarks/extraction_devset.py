"""Article-extraction devset: how well does clean_text match each page's gold article text?

    .venv/bin/python benchmarks/extraction_devset.py [DEVSET_DIR] [--pages N] [--dump DIR]
        [--fold-models DIR] [--show-lost]

DEVSET_DIR defaults to ../shared/devset/article-extraction (relative to the repository). It
holds html/<id>.html.gz and ground-truth.json ({id: {"articleBody": ...}}).

The metric is the Article Extraction Benchmark's, reimplemented here: both texts become
lowercase word tokens (`\\w+`), then the multiset of 4-token shingles (a text of 1-3 tokens
gives one shorter shingle, an empty text none). Per page: tp = shared shingles (min of the
counts), fp = extracted only, fn = gold only; precision = tp/(tp+fp), recall = tp/(tp+fn),
both 1 when the two texts are equal, 0 when one side is empty and the other not. Precision
is averaged over the pages where the extraction has shingles and recall over the pages
where the gold text has shingles (the benchmark's convention: an empty extraction lowers
recall but does not count in precision); F1 is the harmonic mean of the two averages.

The last column counts the gold lines of 12+ words (`gold_lines`: lines of the visible text
whose shingles are mostly in the gold text) that the system's text does not contain.

Rows:
  (a) ours from HTML: article_from_html -> analyze_quality(main_lines=...) -> clean_text
  (b) ours from the page's plain visible text: visible_text -> analyze_quality (plain-text
      mode, main_lines=None) -> clean_text: the case of an article scraped as text. The
      line classifier (summarizer/quality/lines.py) was trained on these 45 pages, so this
      row is in-sample; the honest figure is (b-cv).
  (b-cv) the same, each page analysed with the line model of the cross-validation fold that
      held it out (`--fold-models DIR`, written by training/train_lines.py --fold-models)
  (b-rules) the same with the rule detectors alone (no line classifier)
  (c) trafilatura.extract(html, include_comments=False), as the benchmark ran it
  (d) all visible text of the page, unfiltered (our visible_text)
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.inputs.html import article_from_html, visible_text  # noqa: E402
from summarizer.quality import analyze_quality  # noqa: E402
from summarizer.quality import lines as line_model  # noqa: E402

DEFAULT_DEVSET = ROOT.parent / "shared" / "devset" / "article-extraction"
_TOKEN = re.compile(r"\w+")
PUBLISHED = [
    ("trafilatura 2.0 (published, 181 pages)", None, None, 0.958),
    ("newspaper4k (published)", None, None, 0.949),
    ("readability-lxml (published)", None, None, 0.922),
    ("all visible text (published, html-text)", None, None, 0.665),
]


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of n-token shingles of lowercase word tokens."""
    tokens = _TOKEN.findall(text.lower())
    if not tokens:
        return Counter()
    if len(tokens) < n:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def gold_lines(lines: list[str], gold: str) -> list[bool]:
    """Which lines of the visible text belong to the gold article text.

    A line of 4+ tokens is gold when at least half of its 4-token shingles occur in the gold
    text. A shorter line (a subheading, "Photo") only when its tokens occur in the gold text
    followed or preceded by the tokens of its neighbouring line: "Share" between two
    paragraphs is not gold merely because the article says "share" somewhere.
    """
    g = _TOKEN.findall(gold.lower())
    grams = {n: {tuple(g[i : i + n]) for i in range(len(g) - n + 1)} for n in (1, 2, 3, 4)}
    toks = [_TOKEN.findall(line.lower()) for line in lines]
    nonempty = [i for i, t in enumerate(toks) if t]
    out = [False] * len(lines)
    for pos, i in enumerate(nonempty):
        t = toks[i]
        if len(t) >= 4:
            sh = [tuple(t[k : k + 4]) for k in range(len(t) - 3)]
            out[i] = 2 * sum(s in grams[4] for s in sh) >= len(sh)
            continue
        if tuple(t) not in grams[len(t)]:
            continue
        prev = toks[nonempty[pos - 1]][-3:] if pos > 0 else []
        nxt = toks[nonempty[pos + 1]][:3] if pos + 1 < len(nonempty) else []
        before, after = prev + t, t + nxt
        out[i] = (len(before) >= 4 and tuple(before[-4:]) in grams[4]) or (
            len(after) >= 4 and tuple(after[:4]) in grams[4]
        )
    return out


def long_gold_lost(lines: list[str], gold: str, kept: str) -> tuple[int, int]:
    """(gold lines of 12+ words missing from the kept text, gold lines of 12+ words)."""
    kept_lines = {line.strip() for line in kept.split("\n")}
    flags = gold_lines(lines, gold)
    long = [line for line, ok in zip(lines, flags, strict=True) if ok and len(line.split()) >= 12]
    return sum(1 for line in long if line.strip() not in kept_lines), len(long)


def page_scores(gold: str, pred: str) -> tuple[float | None, float | None]:
    """(precision, recall) of one page; None where the benchmark leaves the page out."""
    g, p = shingles(gold), shingles(pred)
    tp = sum((g & p).values())
    fp = sum(p.values()) - tp
    fn = sum(g.values()) - tp
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return precision, recall


def summarise(pairs: list[tuple[float | None, float | None]]) -> tuple[float, float, float]:
    """Average precision, average recall, F1 of the two."""
    ps = [p for p, _ in pairs if p is not None]
    rs = [r for _, r in pairs if r is not None]
    precision = statistics.fmean(ps) if ps else 0.0
    recall = statistics.fmean(rs) if rs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def ours_from_html(html: bytes) -> str:
    """(a) clean text of the HTML pipeline."""
    article = article_from_html(html)
    return analyze_quality(
        article.text, notes=article.input_notes, main_lines=article.main_lines
    ).clean_text


def ours_from_text(html: bytes) -> str:
    """(b) clean text of the plain-text pipeline run on the page's visible text."""
    return analyze_quality(visible_text(html)).clean_text


def rules_from_text(html: bytes) -> str:
    """(b-rules) the plain-text pipeline without the line classifier."""
    with line_model.without_model():
        return analyze_quality(visible_text(html)).clean_text


def trafilatura_raw(html: bytes) -> str:
    """(c) trafilatura alone, with the options the benchmark used."""
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


def all_visible(html: bytes) -> str:
    """(d) every visible line of the page."""
    return visible_text(html)


def _by_key(system: Callable[[bytes], str]) -> Callable[[str, bytes], str]:
    """A system that ignores the page id (only the fold system needs it)."""

    def run(_key: str, html: bytes) -> str:
        return system(html)

    return run


def fold_system(folds: Path) -> Callable[[str, bytes], str]:
    """(b-cv) each page through the fold model that held it out of training."""
    index = json.loads((folds / "folds.json").read_text(encoding="utf-8"))
    model_of = {
        page: line_model.LineModel.load(folds / entry["model"])
        for entry in index["folds"]
        for page in entry["test"]
    }

    def run(key: str, html: bytes) -> str:
        with line_model.using_model(model_of[key]):
            return analyze_quality(visible_text(html)).clean_text

    return run


SYSTEMS: list[tuple[str, Callable[[bytes], str]]] = [
    ("(a) ours from HTML (trafilatura + detectors)", ours_from_html),
    ("(b) ours from plain visible text (detectors + line model, in-sample)", ours_from_text),
    ("(b-rules) ours from plain visible text, rule detectors only", rules_from_text),
    ("(c) trafilatura.extract from HTML", trafilatura_raw),
    ("(d) all visible text, unfiltered", all_visible),
]
CV_NAME = "(b-cv) ours from plain visible text, line model out of fold"


def main() -> None:
    """Print the markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("devset", nargs="?", type=Path, default=DEFAULT_DEVSET)
    parser.add_argument("--pages", type=int, default=0, help="only the first N pages")
    parser.add_argument("--dump", type=Path, help="write each system's text per page here")
    parser.add_argument("--fold-models", type=Path, help="add the out-of-fold row (b-cv)")
    parser.add_argument("--show-lost", action="store_true", help="list lost 12+-word lines")
    args = parser.parse_args()
    truth = json.loads((args.devset / "ground-truth.json").read_text(encoding="utf-8"))
    paths = sorted((args.devset / "html").glob("*.html.gz"))
    if args.pages:
        paths = paths[: args.pages]
    systems: list[tuple[str, Callable[[str, bytes], str]]] = [
        (name, _by_key(fn)) for name, fn in SYSTEMS
    ]
    if args.fold_models:
        systems.insert(2, (CV_NAME, fold_system(args.fold_models)))
    results: dict[str, list[tuple[float | None, float | None]]] = {n: [] for n, _ in systems}
    seconds: dict[str, float] = dict.fromkeys(results, 0.0)
    lost: dict[str, list[int]] = {n: [0, 0] for n, _ in systems}
    for path in paths:
        key = path.name.split(".")[0]
        gold = truth[key].get("articleBody", "") or ""
        html = gzip.decompress(path.read_bytes())
        visible = visible_text(html).split("\n")
        for name, system in systems:
            t0 = time.perf_counter()
            try:
                pred = system(key, html)
            except Exception as exc:  # a crash counts as an empty extraction, and is shown
                print(f"{key[:12]} {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
                pred = ""
            seconds[name] += time.perf_counter() - t0
            results[name].append(page_scores(gold, pred))
            n_lost, n_long = long_gold_lost(visible, gold, pred)
            lost[name][0] += n_lost
            lost[name][1] += n_long
            if args.show_lost and n_lost and name.startswith("(b"):
                kept = {line.strip() for line in pred.split("\n")}
                flags = gold_lines(visible, gold)
                for line, ok in zip(visible, flags, strict=True):
                    if ok and len(line.split()) >= 12 and line.strip() not in kept:
                        print(f"lost {name[:9]} {key[:12]}: {line[:100]}", file=sys.stderr)
            if args.dump:
                out = args.dump / name[1 : name.index(")")]
                out.mkdir(parents=True, exist_ok=True)
                (out / f"{key[:12]}.txt").write_text(pred, encoding="utf-8")
    print(f"Devset: {args.devset} ({len(paths)} pages)\n")
    print("| system | precision | recall | F1 | 12+-word gold lines lost | s/page |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, _ in systems:
        p, r, f = summarise(results[name])
        per_page = seconds[name] / max(1, len(paths))
        print(
            f"| {name} | {p:.3f} | {r:.3f} | {f:.3f} | {lost[name][0]}/{lost[name][1]} "
            f"| {per_page:.3f} |"
        )
    for name, _, _, f1 in PUBLISHED:
        print(f"| {name} | | | {f1:.3f} | | |")


if __name__ == "__main__":
    main()
