"""The shipped sentence-level stance classifier: a linear model read from gzipped JSON.

training/train_stance.py fits a multinomial logistic regression on NewsMTSC and writes its
weights to data/stance_model.json.gz; inference is a dot product over the features of
features.mention_features, in plain Python (no numpy, no scikit-learn at run time). The
output probabilities are temperature-scaled with the temperature fitted on NewsMTSC
devtest_mt, so `confidence` (the top probability) is calibrated on data other than the
devtest_rw split the benchmark reports on.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from .features import Scorer, mention_features

CLASSES: tuple[str, str, str] = ("negative", "neutral", "positive")
MODEL_PATH = Path(__file__).resolve().parent / "data" / "stance_model.json.gz"


class ModelFileError(RuntimeError):
    """The model file is missing or is not a stance model this code can read."""


@dataclass(frozen=True)
class LinearStanceModel:
    """Weights per feature (one per class), the calibration temperature, and the lexicon the
    model was trained with (None, or "vader")."""

    weights: Mapping[str, Sequence[float]]
    temperature: float
    lexicon: str | None = None

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> LinearStanceModel:
        """Build from the decoded JSON; ModelFileError when it is not a format-1 model."""
        if payload.get("format") != 1 or tuple(payload.get("classes", ())) != CLASSES:
            raise ModelFileError("not a format-1 stance model with classes " + "/".join(CLASSES))
        weights = payload.get("weights")
        temperature = payload.get("temperature")
        if not isinstance(weights, dict) or not isinstance(temperature, int | float):
            raise ModelFileError("stance model has no weights or temperature")
        if temperature <= 0:
            raise ModelFileError(f"stance model temperature {temperature} is not positive")
        for key, row in weights.items():
            if not isinstance(row, list) or len(row) != len(CLASSES):
                raise ModelFileError(f"stance model weight row {key!r} is malformed")
        lexicon = payload.get("lexicon")
        return cls(weights=weights, temperature=float(temperature), lexicon=lexicon)

    def logits(self, features: Mapping[str, float]) -> list[float]:
        """Raw class scores of a feature mapping."""
        z = [0.0, 0.0, 0.0]
        for key, value in features.items():
            row = self.weights.get(key)
            if row is not None:
                z[0] += row[0] * value
                z[1] += row[1] * value
                z[2] += row[2] * value
        return z

    def probabilities(self, features: Mapping[str, float]) -> dict[str, float]:
        """Calibrated class probabilities of a feature mapping."""
        z = [v / self.temperature for v in self.logits(features)]
        top = max(z)
        exp = [math.exp(v - top) for v in z]
        total = sum(exp)
        return {c: e / total for c, e in zip(CLASSES, exp, strict=True)}

    def predict_proba(
        self,
        text: str,
        span: tuple[int, int],
        other_spans: Sequence[tuple[int, int]] = (),
        scorer: Scorer | None = None,
    ) -> dict[str, float]:
        """Calibrated probabilities of negative / neutral / positive toward the target
        mentioned at `span` of `text`."""
        if scorer is None and self.lexicon is not None:
            scorer = lexicon_scorer(self.lexicon)
        return self.probabilities(mention_features(text, span, other_spans, scorer=scorer))


def load_model(path: Path = MODEL_PATH) -> LinearStanceModel:
    """Read a model file; ModelFileError says what is wrong (no network, no pickle)."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            payload = json.load(fh)
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"cannot read stance model {path}: {exc}") from exc
    if not isinstance(payload, dict):
        raise ModelFileError(f"stance model {path} is not a JSON object")
    return LinearStanceModel.from_payload(payload)


@lru_cache(maxsize=1)
def default_model() -> LinearStanceModel:
    """The shipped model, read once per process."""
    return load_model(MODEL_PATH)


@lru_cache(maxsize=2)
def lexicon_scorer(name: str) -> Scorer:
    """A lexicon scorer by name; only "vader" (the vaderSentiment package's lexicon) exists."""
    if name != "vader":
        raise ModelFileError(f"unknown lexicon {name!r}")
    analyzer = SentimentIntensityAnalyzer()

    def score(text: str) -> tuple[float, float, float]:
        s = analyzer.polarity_scores(text)
        return float(s["pos"]), float(s["neg"]), float(s["compound"])

    return score
