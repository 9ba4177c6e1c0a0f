"""Train the plain-text line classifier (summarizer/quality/lines.py) and print its CV figures.

    .venv/bin/python training/train_lines.py [DEVSET_DIR] [--folds 5] [--seed 13]
        [--out summarizer/quality/data/line_model.json] [--fold-models DIR] [--no-write]

Data: the 45 pages of the article-extraction devset (DEVSET_DIR defaults to
../shared/devset/article-extraction). Each page's plain visible text is analysed by
`analyze_quality` inside `lines.recording()`, so the features are exactly what the detector
computes at run time, after the rule detectors. Labels: a non-blank line is article text
when `benchmarks/extraction_devset.gold_lines` says it belongs to the gold `articleBody`;
the page's headline (the line before the article that matches trafilatura's title for the
page) is labelled article text too, because the summary needs it (the eval fixtures forbid
flagging headlines) even though the benchmark's gold text leaves it out. Pages where the
rule detectors removed fewer than `min_removed` lines are left out: the model never runs on
them.

Model: scikit-learn LogisticRegression (C=1, balanced classes, lbfgs), each line weighted by
sqrt(1 + its tokens) since the benchmark counts tokens, not lines. Lines are then decoded as
a sequence (two-state Viterbi, see lines.LineModel) whose two parameters, the cost of a
switch between article and frame and a bonus per article line, are chosen on a grid for
recall first: the best F1 among the settings whose cross-validated recall stays at or above
RECALL_FLOOR (a removed article line costs more than a kept menu item). A line the
classifier scores at KEEP_ABOVE or more is always kept (fixed in advance, not tuned).

Honest figures: grouped k-fold across pages (seeded shuffle). In each fold the decoder's
parameters are chosen by an inner k-fold on the training pages only, the model is fitted on
the training pages, and the held-out pages are run through the real `analyze_quality` with
that model; the table is those out-of-fold clean texts scored by the benchmark's metric.
The shipped model is then fitted on all pages with the parameters chosen on the out-of-fold
probabilities. `--fold-models DIR` writes the fold models and `folds.json` for
`benchmarks/extraction_devset.py --fold-models` and `benchmarks/flags_fixtures.py
--fold-models`, which then score every devset page out of fold.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from extraction_devset import (  # noqa: E402
    _TOKEN,
    gold_lines,
    long_gold_lost,
    page_scores,
    summarise,
)

from summarizer.inputs.html import article_from_html, visible_text  # noqa: E402
from summarizer.lines import split_lines  # noqa: E402
from summarizer.quality import analyze_quality  # noqa: E402
from summarizer.quality import lines as line_model  # noqa: E402

DEFAULT_DEVSET = ROOT.parent / "shared" / "devset" / "article-extraction"
DEFAULT_OUT = line_model.MODEL_PATH
C = 1.0
MIN_REMOVED = line_model.MIN_REMOVED
KEEP_ABOVE = 0.6
RECALL_FLOOR = 0.955
# Article (True) / frame for each line, from the line probabilities and word counts.
Decoder = Callable[[Sequence[float], Sequence[int]], list[bool]]
Param = TypeVar("Param", float, tuple[float, float])
# (switch_cost, article_bias) pairs for the sequence decoder.
GRID = [(s, b) for s in (1.0, 2.0, 3.0, 4.0, 6.0) for b in (1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0)]


@dataclass
class PageData:
    """One devset page: its visible text, features, labels and the rules-only kept lines."""

    key: str
    text: str
    gold: str
    lines: list[str]
    nonblank: list[int]
    rows: list[list[float]]
    labels: list[int]
    tokens: list[int]
    words: list[int]
    kept: list[int]  # 1-based lines the rule detectors keep
    gated: bool


def _norm(s: str) -> str:
    return " ".join(_TOKEN.findall(s.lower()))


def headline_line(lines: list[str], nonblank: list[int], labels: list[int], title: str) -> int:
    """Position (in nonblank) of the headline: the closest line above the first article line
    whose text is the page title (or the title without a site suffix); -1 if none."""
    title = _norm(title)
    first = next((k for k, v in enumerate(labels) if v), None)
    if not title or first is None:
        return -1
    for k in range(first - 1, max(-1, first - 40), -1):
        t = _norm(lines[nonblank[k]])
        if len(t.split()) >= 3 and (t == title or title.startswith(t) or t.startswith(title)):
            return k
    return -1


def load_pages(devset: Path) -> list[PageData]:
    """Visible text, recorded features and labels of every devset page."""
    truth = json.loads((devset / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for path in sorted((devset / "html").glob("*.html.gz")):
        key = path.name.split(".")[0]
        html = gzip.decompress(path.read_bytes())
        gold = truth[key].get("articleBody", "") or ""
        text = visible_text(html)
        title = article_from_html(html).title or ""
        with line_model.recording() as seen:
            report = analyze_quality(text)
        rec = seen[0]
        lines = split_lines(text)
        nonblank = list(rec.page.nonblank)
        is_gold = gold_lines(lines, gold)
        labels = [int(is_gold[i]) for i in nonblank]
        head = headline_line(lines, nonblank, labels, title)
        if head >= 0:
            labels[head] = 1
        pages.append(
            PageData(
                key=key,
                text=text,
                gold=gold,
                lines=lines,
                nonblank=nonblank,
                rows=rec.rows,
                labels=labels,
                tokens=[len(_TOKEN.findall(lines[i])) for i in nonblank],
                words=[len(lines[i].split()) for i in nonblank],
                kept=list(report.kept_lines),
                gated=rec.gated,
            )
        )
    return pages


def fit(
    pages: list[PageData], params: tuple[float, float], meta: dict[str, object]
) -> line_model.LineModel:
    """A LineModel fitted on these pages (the gated ones)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    train = [p for p in pages if p.gated]
    x = np.array([r for p in train for r in p.rows])
    y = np.array([v for p in train for v in p.labels])
    w = np.array([math.sqrt(1 + t) for p in train for t in p.tokens])
    clf = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    clf.fit(x, y, sample_weight=w)
    return line_model.LineModel(
        weights=tuple(float(v) for v in clf.coef_[0]),
        bias=float(clf.intercept_[0]),
        switch_cost=params[0],
        article_bias=params[1],
        keep_above=KEEP_ABOVE,
        min_removed=MIN_REMOVED,
        meta=meta,
    )


def probabilities(model: line_model.LineModel, page: PageData) -> list[float]:
    """The model's probability of article text for each non-blank line of the page."""
    return [model.probability(r) for r in page.rows]


def two_state(params: tuple[float, float]) -> Decoder:
    """The shipped decoder with these (switch_cost, article_bias): Viterbi, and a line the
    classifier scores at KEEP_ABOVE or more kept whatever its neighbours."""

    def decode(probs: Sequence[float], words: Sequence[int]) -> list[bool]:
        article = line_model.viterbi(probs, words, *params)
        return [a or q >= KEEP_ABOVE for a, q in zip(article, probs, strict=True)]

    return decode


def approx_scores(
    pages: list[PageData], probs: dict[str, list[float]], decode: Decoder
) -> tuple[float, float, float]:
    """Benchmark P, R, F1 when the decoder's frame lines are dropped from the rules' clean
    text (an approximation of the pipeline: the duplicate pass is not re-run), for choosing
    the decoder's parameters only."""
    pairs = []
    for p in pages:
        drop: set[int] = set()
        if p.gated:
            keep = decode(probs[p.key], p.words)
            drop = {i + 1 for i, a in zip(p.nonblank, keep, strict=True) if not a}
        text = "\n".join(p.lines[n - 1] for n in p.kept if n not in drop)
        pairs.append(page_scores(p.gold, text))
    return summarise(pairs)


def choose(
    pages: list[PageData], probs: dict[str, list[float]], options: Sequence[tuple[Param, Decoder]]
) -> Param:
    """The option with the best F1 among those whose recall stays at or above RECALL_FLOOR
    (recall first); the best recall when none does."""
    scored = [(approx_scores(pages, probs, decode), param) for param, decode in options]
    ok = [(f1, param) for (_, recall, f1), param in scored if recall >= RECALL_FLOOR]
    if ok:
        return max(ok)[1]
    return max((recall, param) for (_, recall, _), param in scored)[1]


def choose_params(pages: list[PageData], probs: dict[str, list[float]]) -> tuple[float, float]:
    """The decoder parameters of GRID chosen by `choose`."""
    return choose(pages, probs, [(params, two_state(params)) for params in GRID])


def folds_of(pages: list[PageData], k: int, seed: int) -> list[list[PageData]]:
    """k groups of pages, a seeded shuffle dealt round-robin."""
    order = list(pages)
    random.Random(seed).shuffle(order)
    return [order[f::k] for f in range(k)]


def inner_probs(pages: list[PageData], k: int, seed: int) -> dict[str, list[float]]:
    """Out-of-fold probabilities within these pages (for choosing the decoder's parameters)."""
    out: dict[str, list[float]] = {}
    for fold in folds_of(pages, k, seed):
        held = {p.key for p in fold}
        model = fit([p for p in pages if p.key not in held], GRID[0], {})
        for p in fold:
            out[p.key] = probabilities(model, p)
    return out


def exact_scores(
    pages: list[PageData], model_of: Mapping[str, line_model.LineModel | None]
) -> tuple[tuple[float, float, float], int, int]:
    """(P, R, F1), long gold lines lost, long gold lines: each page through analyze_quality
    with its model (None: rules only)."""
    pairs = []
    lost = total = 0
    for p in pages:
        model = model_of[p.key]
        if model is None:
            with line_model.without_model():
                clean = analyze_quality(p.text).clean_text
        else:
            with line_model.using_model(model):
                clean = analyze_quality(p.text).clean_text
        pairs.append(page_scores(p.gold, clean))
        a, b = long_gold_lost(p.lines, p.gold, clean)
        lost += a
        total += b
    return summarise(pairs), lost, total


def main() -> None:
    """Cross-validate, print the figures, fit and write the shipped model."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("devset", nargs="?", type=Path, default=DEFAULT_DEVSET)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--fold-models", type=Path, help="write the fold models here")
    parser.add_argument("--no-write", action="store_true", help="do not write the model")
    args = parser.parse_args()
    pages = load_pages(args.devset)
    gated = [p for p in pages if p.gated]
    n_lines = sum(len(p.rows) for p in gated)
    n_pos = sum(sum(p.labels) for p in gated)
    print(
        f"Devset: {args.devset}: {len(pages)} pages, {len(gated)} with a page frame "
        f"(>= {MIN_REMOVED} lines removed by the rules); {n_lines} lines, {n_pos} article"
    )
    folds = folds_of(pages, args.folds, args.seed)
    model_of: dict[str, line_model.LineModel | None] = {}
    oof: dict[str, list[float]] = {}
    index = []
    for f, held in enumerate(folds):
        keys = {p.key for p in held}
        train = [p for p in pages if p.key not in keys]
        params = choose_params(train, inner_probs(train, args.folds, args.seed))
        model = fit(train, params, {"fold": f, "test": sorted(keys)})
        print(f"fold {f}: {len(train)} training pages, switch cost {params[0]}, bias {params[1]}")
        for p in held:
            model_of[p.key] = model
            oof[p.key] = probabilities(model, p)
        if args.fold_models:
            args.fold_models.mkdir(parents=True, exist_ok=True)
            name = f"fold_{f}.json"
            (args.fold_models / name).write_text(json.dumps(model.to_dict()), encoding="utf-8")
            index.append({"model": name, "test": sorted(keys)})
    if args.fold_models:
        (args.fold_models / "folds.json").write_text(
            json.dumps({"folds": index, "seed": args.seed}, indent=1), encoding="utf-8"
        )
    rules, r_lost, r_total = exact_scores(pages, dict.fromkeys(model_of))
    cv, c_lost, c_total = exact_scores(pages, model_of)
    params = choose_params(pages, oof)
    meta: dict[str, object] = {
        "trained_on": f"{len(gated)} pages of the article-extraction devset",
        "C": C,
        "seed": args.seed,
        "folds": args.folds,
        "recall_floor": RECALL_FLOOR,
        "cv_precision": round(cv[0], 4),
        "cv_recall": round(cv[1], 4),
        "cv_f1": round(cv[2], 4),
    }
    final = fit(pages, params, meta)
    insample, i_lost, i_total = exact_scores(pages, dict.fromkeys(model_of, final))
    print(f"\nshipped decoder (chosen on out-of-fold probabilities): switch cost {params[0]}, "
          f"article bias {params[1]}\n")  # fmt: skip
    print("| plain visible text | precision | recall | F1 | 12+-word gold lines removed |")
    print("|---|---:|---:|---:|---:|")
    for name, (prec, rec, f1), lost, total in (
        ("rules only (no line model)", rules, r_lost, r_total),
        (f"rules + line model, {args.folds}-fold CV (out of fold)", cv, c_lost, c_total),
        ("rules + shipped line model (in-sample)", insample, i_lost, i_total),
    ):
        print(f"| {name} | {prec:.3f} | {rec:.3f} | {f1:.3f} | {lost}/{total} |")
    if not args.no_write:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(final.to_dict(), indent=None) + "\n", encoding="utf-8")
        print(f"\nwrote {args.out} ({args.out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
