"""Line-model variants tried for plain-text extraction and not shipped, scored out of fold.

    .venv/bin/python benchmarks/line_decoders.py [DEVSET_DIR] [--seed 13]

Reproduces the "also tried" table of the README's article-extraction section. Every row
runs the devset's pages through the real `analyze_quality`, each page with a line model
fitted without it (`training/train_lines.py`'s `fit`, the same features and weights), and
scores the clean text with the benchmark's metric (`extraction_devset.page_scores`).
Only the decoder and the training labels change between rows:

- the shipped two-state decoder (`lines.viterbi`), its parameters chosen inside each
  training fold as `training/train_lines.py` does;
- "one stretch": the article is a single run of lines, the maximum-sum segment of
  log(2 + words) * logit(p) + bias (a line outside it is frame); with the bias fixed for
  every fold, and with it chosen inside each training fold by the training script's rule
  (best F1 among the biases whose inner recall reaches the floor);
- the same trained on the gold lines alone, without the headline label;
- the two-state decoder at fixed parameters, 5-fold against leave-one-page-out (does a model
  trained on more pages do better?), and 5-fold with two other fold seeds (how much do the
  figures move with the split alone?).

Takes about a minute; needs scikit-learn (a dev dependency).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "training"))

from extraction_devset import gold_lines  # noqa: E402
from train_lines import (  # noqa: E402
    DEFAULT_DEVSET,
    Decoder,
    PageData,
    choose,
    choose_params,
    exact_scores,
    fit,
    folds_of,
    inner_probs,
    load_pages,
)

from summarizer.quality import lines as line_model  # noqa: E402

BIASES = (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0)
OTHER_SEEDS = (1, 2)


def one_stretch(probs: Sequence[float], words: Sequence[int], bias: float) -> list[bool]:
    """The maximum-sum run of lines; everything kept when no run scores above 0."""
    best = cur = 0.0
    span: tuple[int, int] | None = None
    start = 0
    for k, (p, w) in enumerate(zip(probs, words, strict=True)):
        p = min(max(p, 1e-4), 1 - 1e-4)
        x = math.log(2 + w) * math.log(p / (1 - p)) + bias
        if cur <= 0:
            cur, start = 0.0, k
        cur += x
        if cur > best:
            best, span = cur, (start, k)
    if span is None:
        return [True] * len(probs)
    return [span[0] <= k <= span[1] for k in range(len(probs))]


@dataclasses.dataclass(frozen=True)
class DecodedModel(line_model.LineModel):
    """A fitted line model whose decoder is swapped for another one."""

    decoder: Decoder | None = None

    def decode(self, probs: Sequence[float], tokens: Sequence[int]) -> list[bool]:
        if self.decoder is None:
            return super().decode(probs, tokens)
        return self.decoder(probs, tokens)


def with_decoder(model: line_model.LineModel, decoder: Decoder | None) -> DecodedModel:
    """The same weights and gate, decoded by `decoder`."""
    fields = {f.name: getattr(model, f.name) for f in dataclasses.fields(line_model.LineModel)}
    return DecodedModel(**fields, decoder=decoder)


def fold_models(
    pages: list[PageData], k: int, seed: int, params: tuple[float, float] = (6.0, 5.0)
) -> dict[str, line_model.LineModel]:
    """page -> the model fitted on the other folds."""
    out = {}
    for held in folds_of(pages, k, seed):
        keys = {p.key for p in held}
        model = fit([p for p in pages if p.key not in keys], params, {})
        out.update(dict.fromkeys(keys, model))
    return out


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("devset", nargs="?", type=Path, default=DEFAULT_DEVSET)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    pages = load_pages(args.devset)
    seed = args.seed
    rows: list[tuple[str, tuple[tuple[float, float, float], int, int]]] = []

    shipped: dict[str, line_model.LineModel] = {}
    stretch: dict[str, line_model.LineModel] = {}
    chosen = []
    for held in folds_of(pages, 5, seed):
        keys = {p.key for p in held}
        train = [p for p in pages if p.key not in keys]
        inner = inner_probs(train, 5, seed)
        model = fit(train, choose_params(train, inner), {})
        shipped.update(dict.fromkeys(keys, model))
        bias = choose(train, inner, [(b, partial(one_stretch, bias=b)) for b in BIASES])
        chosen.append(bias)
        stretch.update(dict.fromkeys(keys, with_decoder(model, partial(one_stretch, bias=bias))))
    rows.append(("shipped: two-state decoder, parameters chosen inside each training fold",
                 exact_scores(pages, shipped)))  # fmt: skip
    base = fold_models(pages, 5, seed)
    for bias in (3.0, 4.0, 5.0):
        fixed = {k: with_decoder(m, partial(one_stretch, bias=bias)) for k, m in base.items()}
        rows.append((f"one stretch, bias {bias:g} fixed for all folds", exact_scores(pages, fixed)))
    rows.append((f"one stretch, bias chosen inside each training fold ({chosen})",
                 exact_scores(pages, stretch)))  # fmt: skip

    gold_only = []
    for p in pages:
        is_gold = gold_lines(p.lines, p.gold)
        gold_only.append(dataclasses.replace(p, labels=[int(is_gold[i]) for i in p.nonblank]))
    plain = fold_models(gold_only, 5, seed)
    for bias in (1.0, 2.0, 3.0):
        fixed = {k: with_decoder(m, partial(one_stretch, bias=bias)) for k, m in plain.items()}
        rows.append(
            (f"one stretch, no headline label, bias {bias:g} fixed", exact_scores(pages, fixed))
        )

    rows.append(("two-state decoder (6, 5), 5-fold (36 training pages)", exact_scores(pages, base)))
    # How much the figures move with the split alone: the same folds' recipe, other seeds.
    for other in OTHER_SEEDS:
        rows.append((f"two-state decoder (6, 5), 5-fold, fold seed {other}",
                     exact_scores(pages, fold_models(pages, 5, other))))  # fmt: skip
    loo = fold_models(pages, len(pages), seed)
    rows.append(("two-state decoder (6, 5), leave-one-page-out (44 training pages)",
                 exact_scores(pages, loo)))  # fmt: skip

    print(f"Devset: {args.devset} ({len(pages)} pages), plain visible text, out of fold\n")
    print("| variant | precision | recall | F1 | 12+-word gold lines lost |")
    print("|---|---:|---:|---:|---:|")
    for name, ((precision, recall, f1), lost, _) in rows:
        print(f"| {name} | {precision:.3f} | {recall:.3f} | {f1:.3f} | {lost} |")


if __name__ == "__main__":
    main()
