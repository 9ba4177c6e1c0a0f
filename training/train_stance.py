"""Train the target-dependent sentence stance classifier shipped in summarizer/stance/data/.

Data: NewsMTSC (Hamborg and Donnay, EACL 2021), as laid out in the shared devset folder:
train.jsonl fits the weights, devtest_mt.jsonl chooses the regularisation strength and fits
the calibration temperature, devtest_rw.jsonl is only ever used to report. Polarity 2.0 /
4.0 / 6.0 becomes negative / neutral / positive.

The model is a multinomial logistic regression (scikit-learn, a dev dependency used here
only) over summarizer.stance.features.mention_features; the coefficients of the features
seen at least `--min-count` times in train are written, rounded, to a gzipped JSON file that
summarizer.stance.classifier reads with the standard library alone.

    python training/train_stance.py [--data DIR] [--out FILE] [--lexicon vader|none]

Deterministic: the lbfgs solver has no random state, the data order is the files' order, and
the C grid and temperature grid are fixed; two runs write byte-identical files.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.stance.classifier import CLASSES, MODEL_PATH  # noqa: E402
from summarizer.stance.features import Scorer, mention_features  # noqa: E402

DATA = Path("/work/shared/devset/newsmtsc")
POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
C_GRID = (0.3, 1.0, 3.0)
SEED = 13


@dataclass(frozen=True)
class Example:
    text: str
    span: tuple[int, int]
    label: str


def load(path: Path) -> list[Example]:
    """One example per (sentence, target) pair."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            for t in row["targets"]:
                out.append(
                    Example(
                        row["sentence_normalized"], (t["from"], t["to"]), POLARITY[t["polarity"]]
                    )
                )
    return out


def vader_scorer() -> Scorer:
    """VADER's sentence scores as (pos, neg, compound)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()

    def score(text: str) -> tuple[float, float, float]:
        s = analyzer.polarity_scores(text)
        return s["pos"], s["neg"], s["compound"]

    return score


def featurize(data: Sequence[Example], scorer: Scorer | None) -> list[dict[str, float]]:
    return [mention_features(e.text, e.span, scorer=scorer) for e in data]


def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> tuple[float, dict[str, float]]:
    per = {}
    for c in CLASSES:
        tp = sum(g == c and p == c for g, p in zip(gold, pred, strict=True))
        n_p = sum(p == c for p in pred)
        n_g = sum(g == c for g in gold)
        prec = tp / n_p if n_p else 0.0
        rec = tp / n_g if n_g else 0.0
        per[c] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return sum(per.values()) / len(per), per


def softmax_t(logits: Sequence[float], temperature: float) -> list[float]:
    scaled = [v / temperature for v in logits]
    top = max(scaled)
    exp = [math.exp(v - top) for v in scaled]
    total = sum(exp)
    return [v / total for v in exp]


def fit_temperature(logits: Sequence[Sequence[float]], gold_idx: Sequence[int]) -> float:
    """The temperature minimising negative log-likelihood on the calibration split (grid)."""
    best_t, best_nll = 1.0, float("inf")
    for step in range(40, 401, 5):
        t = step / 100
        nll = -sum(
            math.log(max(softmax_t(z, t)[g], 1e-12)) for z, g in zip(logits, gold_idx, strict=True)
        )
        if nll < best_nll:
            best_t, best_nll = t, nll
    return best_t


def precision_at(
    conf: Sequence[float], right: Sequence[bool], level: float
) -> tuple[float | None, int]:
    kept = [r for c, r in zip(conf, right, strict=True) if c >= level]
    return (sum(kept) / len(kept) if kept else None), len(kept)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--lexicon", choices=["vader", "none"], default="vader")
    parser.add_argument("--min-count", type=int, default=2)
    parser.add_argument("--dry-run", action="store_true", help="print figures, write nothing")
    args = parser.parse_args(argv)

    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    np.random.seed(SEED)
    train = load(args.data / "train.jsonl")
    calib = load(args.data / "devtest_mt.jsonl")
    test = load(args.data / "devtest_rw.jsonl")
    scorer = vader_scorer() if args.lexicon == "vader" else None
    x_train_d = featurize(train, scorer)
    counts: Counter[str] = Counter(k for d in x_train_d for k in d)
    keep = {k for k, n in counts.items() if n >= args.min_count}
    x_train_d = [{k: v for k, v in d.items() if k in keep} for d in x_train_d]
    vec = DictVectorizer(sparse=True, sort=True)
    x_train = vec.fit_transform(x_train_d)
    x_calib = vec.transform(featurize(calib, scorer))
    y_train = [CLASSES.index(e.label) for e in train]
    y_calib = [CLASSES.index(e.label) for e in calib]
    print(
        f"train {len(train)} mentions, {len(keep)} features (min count {args.min_count}); "
        f"calibration (devtest_mt) {len(calib)}; test (devtest_rw) {len(test)}; "
        f"lexicon {args.lexicon}"
    )

    best: tuple[float, float, Any] | None = None
    for c in C_GRID:
        model = LogisticRegression(C=c, max_iter=3000, fit_intercept=False)
        model.fit(x_train, y_train)
        pred = [CLASSES[i] for i in model.predict(x_calib)]
        f1, _ = macro_f1([e.label for e in calib], pred)
        print(f"  C={c:<5} devtest_mt macro-F1 {f1:.3f}")
        if best is None or f1 > best[0]:
            best = (f1, c, model)
    assert best is not None
    _, c_best, model = best
    logits_calib = model.decision_function(x_calib).tolist()
    temperature = fit_temperature(logits_calib, y_calib)
    print(f"chosen C={c_best}; calibration temperature {temperature:.2f} (NLL on devtest_mt)")

    # Export: per feature the weight vector, rounded; features with no weight left are dropped.
    names = vec.get_feature_names_out().tolist()
    coef = model.coef_  # (classes, features)
    weights: dict[str, list[float]] = {}
    for j, name in enumerate(names):
        w = [round(float(coef[k, j]), 4) for k in range(len(CLASSES))]
        if max(abs(v) for v in w) >= 0.002:
            weights[name] = w
    payload = {
        "format": 1,
        "classes": list(CLASSES),
        "lexicon": args.lexicon if scorer is not None else None,
        "temperature": temperature,
        "trained_on": "NewsMTSC train.jsonl (fhamborg/NewsMTSC b9d9b797)",
        "C": c_best,
        "weights": dict(sorted(weights.items())),
    }
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()

    # Report with the exported (rounded, pruned) weights, through the runtime code path.
    from summarizer.stance.classifier import LinearStanceModel

    shipped = LinearStanceModel.from_payload(payload)
    report(shipped, test, scorer, "devtest_rw (held out)")
    report(shipped, calib, scorer, "devtest_mt (calibration split)")
    if not args.dry_run:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with gzip.GzipFile(filename="", mode="wb", fileobj=args.out.open("wb"), mtime=0) as fh:
            fh.write(blob)
        print(
            f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB, {len(weights)} features)"
        )
    return 0


def report(model: Any, data: Sequence[Example], scorer: Scorer | None, what: str) -> None:
    probs = [model.predict_proba(e.text, e.span, scorer=scorer) for e in data]
    pred = [max(p, key=p.__getitem__) for p in probs]
    gold = [e.label for e in data]
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    f1, per = macro_f1(gold, pred)
    print(
        f"{what}: accuracy {acc:.3f} macro-F1 {f1:.3f} "
        + " ".join(f"F1[{c}] {per[c]:.3f}" for c in CLASSES)
    )
    conf = [p[q] for p, q in zip(probs, pred, strict=True)]
    right = [g == q for g, q in zip(gold, pred, strict=True)]
    for level in (0.5, 0.6, 0.7, 0.8, 0.9):
        prec, n = precision_at(conf, right, level)
        shown = "-" if prec is None else f"{prec:.3f}"
        print(f"    confidence >= {level:.1f}: precision {shown} on {n} ({n / len(data):.0%})")


if __name__ == "__main__":
    raise SystemExit(main())
