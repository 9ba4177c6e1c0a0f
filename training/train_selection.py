"""Train the content-selection ranker shipped in summarizer/selection/data/ranker.json.

    .venv/bin/python training/train_selection.py [--devset PATH] [--folds 5] [--seed 0]
        [--c 1.0] [--out summarizer/selection/data/ranker.json] [--check]

Label: whether a sentence is in the greedy ROUGE oracle of its story (up to 3 sentences that
most raise ROUGE-1 + ROUGE-2 F1 against the human highlights). Model: logistic regression on
standardised features (summarizer/selection/features.py), so its output is a probability
that the sentence is one a human summary needs. Each story is shown twice, with its title (the
Daily Mail URL slug) and without, so one model serves articles with and without a title.

Prints the k-fold (by story, seeded) out-of-fold figures first: those are the honest ones.
The shipped model is then fitted on all stories. lbfgs has no randomness: the same data give
the same file byte for byte (`--check` compares instead of writing).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from summarizer.selection import FEATURE_NAMES, LinearModel, LinearScorer, select  # noqa: E402
from training.selection_common import (  # noqa: E402
    DEFAULT_C,
    DEFAULT_DEVSET,
    MODEL_FEATURES,
    ORACLE_SIZE,
    Rouge,
    Story,
    fit_model,
    load_stories,
    oracle_ids,
    out_of_fold_models,
    with_title,
)

DEFAULT_OUT = REPO / "summarizer" / "selection" / "data" / "ranker.json"
VIEWS = (True, False)


def log_loss(pairs: Sequence[tuple[float, int]]) -> float:
    """Mean negative log-likelihood of the labels."""
    eps = 1e-12
    return -statistics.fmean(
        math.log(max(eps, p)) if y else math.log(max(eps, 1 - p)) for p, y in pairs
    )


def auc(pairs: Sequence[tuple[float, int]]) -> float:
    """Area under the ROC curve (rank statistic, ties counted half)."""
    ranked = sorted(pairs)
    pos = sum(y for _, y in pairs)
    neg = len(pairs) - pos
    rank_sum = 0.0
    i = 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        avg_rank = (i + j + 1) / 2  # 1-based ranks i+1..j
        rank_sum += avg_rank * sum(y for _, y in ranked[i:j])
        i = j
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


def cv_row(
    shown: Sequence[Story],
    models: Sequence[LinearModel],
    oracles: Sequence[Sequence[int]],
    rouge: Rouge,
) -> dict[str, float]:
    """Out-of-fold figures: probability quality against the oracle, summary ROUGE."""
    pairs: list[tuple[float, int]] = []
    ours: list[dict[str, float]] = []
    lead: list[dict[str, float]] = []
    for story, model, oracle in zip(shown, models, oracles, strict=True):
        scorer = LinearScorer(model)
        probs = scorer.score(story.candidates, story.title)
        pairs += [(p, int(s.id in oracle)) for p, s in zip(probs, story.sentences, strict=True)]
        sel = select(story.sentences, title=story.title, scorer=scorer)
        ours.append(rouge.score([story.sentences[i].text for i in sel.summary_ids],
                                story.reference))  # fmt: skip
        lead.append(rouge.score([s.text for s in story.sentences[:3]], story.reference))
    return {
        "log_loss": log_loss(pairs),
        "auc": auc(pairs),
        **{k: statistics.fmean(r[k] for r in ours) for k in ("r1", "r2", "rl")},
        **{f"lead3_{k}": statistics.fmean(r[k] for r in lead) for k in ("r1", "r2", "rl")},
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--c", type=float, default=DEFAULT_C)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="compare with --out, do not write")
    args = parser.parse_args(argv)

    rouge = Rouge()
    stories = load_stories(args.devset, titles=True)
    oracles = [oracle_ids(s, rouge) for s in stories]
    n_sent = sum(len(s.sentences) for s in stories)
    print(
        f"{len(stories)} stories, {n_sent} sentences, {sum(map(len, oracles))} oracle sentences "
        f"(greedy, up to {ORACLE_SIZE}); lead sentence in the oracle for "
        f"{sum(0 in o for o in oracles)}/{len(stories)} stories; "
        f"{sum(s.title is not None for s in stories)} have a slug title"
    )

    print(f"\n{args.folds}-fold cross-validation by story (seed {args.seed}), out of fold:")
    print(
        "| features | shown | log-loss | AUC | summary R-1 | R-2 | R-Lsum "
        "| Lead-3 R-1 | R-2 | R-Lsum |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    cv: dict[str, dict[str, float]] = {}
    feature_sets = {"shipped": MODEL_FEATURES, f"all {len(FEATURE_NAMES)}": FEATURE_NAMES}
    for set_name, features in feature_sets.items():
        models = out_of_fold_models(
            stories,
            oracles,
            k=args.folds,
            seed=args.seed,
            c=args.c,
            features=features,
            train_views=VIEWS,
        )
        for keep in VIEWS:
            label = "with slug title" if keep else "without title"
            row = cv_row([with_title(s, keep) for s in stories], models, oracles, rouge)
            if set_name == "shipped":
                cv[label] = {k: round(v, 4) for k, v in row.items()}
            print(
                f"| {set_name} | {label} | {row['log_loss']:.4f} | {row['auc']:.4f} "
                f"| {row['r1']:.2f} | {row['r2']:.2f} | {row['rl']:.2f} | {row['lead3_r1']:.2f} "
                f"| {row['lead3_r2']:.2f} | {row['lead3_rl']:.2f} |"
            )

    views: list[Story] = [with_title(s, keep) for keep in VIEWS for s in stories]
    labels = [o for _keep in VIEWS for o in oracles]
    meta = {
        "label": f"in the greedy ROUGE-1+2 oracle of up to {ORACLE_SIZE} sentences",
        "trained_on": "CNN/DM FRANK devset, 150 stories (shared/devset/cnndm-frank)",
        "stories": len(stories),
        "sentences": n_sent,
        "views": "each story with its URL-slug title and without",
        "c": args.c,
        "cv": {"folds": args.folds, "seed": args.seed, "out_of_fold": cv},
        "script": "training/train_selection.py",
    }
    model = fit_model(views, labels, c=args.c, meta=meta)
    print("\nShipped model (all stories), standardised coefficients, largest first:")
    for name, w in sorted(zip(model.features, model.coef, strict=True), key=lambda t: -abs(t[1])):
        print(f"  {name:22s} {w:+.3f}")
    print(f"  {'(intercept)':22s} {model.intercept:+.3f}")

    text = json.dumps(model.to_dict(), indent=1) + "\n"
    if args.check:
        same = args.out.read_text(encoding="utf-8") == text
        print(f"\n{args.out}: {'identical' if same else 'DIFFERS from this run'}")
        sys.exit(0 if same else 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"\nwrote {args.out} ({len(text)} bytes)")


if __name__ == "__main__":
    main()
