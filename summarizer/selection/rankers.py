"""Sentence scorers: the trained linear ranker that ships, and the baselines it was measured
against (Lead-N position order, hand-set heuristic weights).

Every scorer maps an article's candidate sentences to scores in [0, 1], one per candidate. The
trained ranker's score is a probability: that the sentence belongs to the greedy ROUGE oracle
of the article (the sentences that best reproduce the human highlights), from a logistic
regression on the CNN/DM devset (training/train_selection.py). Inference is plain Python over
a small JSON file of coefficients; scikit-learn is needed only to train.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Protocol

from .features import FEATURE_NAMES, Candidate, article_features

MODEL_FORMAT = "summarizer.selection.linear/1"
MODEL_FILE = "ranker.json"


class Scorer(Protocol):
    """Scores an article's candidate sentences; higher means a reader needs it sooner."""

    @property
    def name(self) -> str:
        """What the record's `method` calls this scorer."""
        ...

    def score(self, candidates: Sequence[Candidate], title: str | None) -> list[float]:
        """One score in [0, 1] per candidate, in the candidates' order."""
        ...


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(frozen=True)
class LeadScorer:
    """Position only: the first sentence scores highest (Lead-N as a scorer)."""

    name: str = "lead"

    def score(self, candidates: Sequence[Candidate], title: str | None) -> list[float]:
        """1, 1/2, 1/3, ... in article order."""
        return [1.0 / (1 + i) for i in range(len(candidates))]


# Hand-set weights: position first, then title and centrality, then penalties for the shapes
# of weak candidates. Kept as a measured baseline: -0.66 ROUGE-1 against Lead-3 where the
# trained ranker gains +0.87 out of fold, no title (benchmarks/content_selection.py).
HEURISTIC_WEIGHTS: Mapping[str, float] = {
    "lead": 2.0,
    "second": 0.6,
    "third": 0.3,
    "inv_position": 1.0,
    "title_overlap": 1.5,
    "centrality": 1.0,
    "top_entities": 0.25,
    "numbers": 0.2,
    "quote_share": -0.6,
    "short": -0.5,
    "question": -1.0,
    "no_terminal": -1.0,
    "dateline_only": -2.0,
    "first_person": -0.5,
}
HEURISTIC_BIAS = -2.5


@dataclass(frozen=True)
class HeuristicScorer:
    """Hand-set feature weights squashed to [0, 1] (not calibrated)."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(HEURISTIC_WEIGHTS))
    bias: float = HEURISTIC_BIAS
    name: str = "heuristic"

    def score(self, candidates: Sequence[Candidate], title: str | None) -> list[float]:
        """Logistic of the weighted feature sum."""
        rows = article_features(candidates, title)
        return [
            _sigmoid(self.bias + sum(w * row[f] for f, w in self.weights.items())) for row in rows
        ]


@dataclass(frozen=True)
class LinearModel:
    """Logistic regression over standardised features, as stored in the model file.

    Its probability is P(the sentence is in the article's greedy ROUGE oracle); out of fold it
    is calibrated within a few points in every band the benchmark prints.
    """

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        sizes = {len(self.features), len(self.mean), len(self.scale), len(self.coef)}
        if len(sizes) != 1:
            raise ValueError(f"model file is inconsistent: vector lengths {sorted(sizes)}")
        if any(s <= 0 for s in self.scale):
            raise ValueError("model file has a non-positive feature scale")
        unknown = set(self.features) - set(FEATURE_NAMES)
        if unknown:
            raise ValueError(f"model uses features this code does not compute: {sorted(unknown)}")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinearModel:
        """Build from the JSON form (see to_dict); the format tag must match."""
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"not a {MODEL_FORMAT} model: format={data.get('format')!r}")
        return cls(
            features=tuple(str(f) for f in data["features"]),
            mean=tuple(float(v) for v in data["mean"]),
            scale=tuple(float(v) for v in data["scale"]),
            coef=tuple(float(v) for v in data["coef"]),
            intercept=float(data["intercept"]),
            meta=dict(data.get("meta", {})),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON form written by the training script."""
        return {
            "format": MODEL_FORMAT,
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "meta": dict(self.meta),
        }

    def probability(self, row: Mapping[str, float]) -> float:
        """P(the sentence is in the article's ROUGE oracle) for one feature mapping."""
        z = self.intercept
        for name, mu, sd, w in zip(self.features, self.mean, self.scale, self.coef, strict=True):
            z += w * (row[name] - mu) / sd
        return _sigmoid(z)


@dataclass(frozen=True)
class LinearScorer:
    """The trained ranker: calibrated probabilities from a LinearModel."""

    model: LinearModel
    name: str = "ranker"

    def score(self, candidates: Sequence[Candidate], title: str | None) -> list[float]:
        """The model's probability for each candidate."""
        return [self.model.probability(row) for row in article_features(candidates, title)]


def load_model(path: str | None = None) -> LinearModel:
    """The model file at `path`, or the one shipped in summarizer/selection/data/."""
    if path is None:
        text = (resources.files("summarizer.selection") / "data" / MODEL_FILE).read_text("utf-8")
    else:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    return LinearModel.from_dict(json.loads(text))


@lru_cache(maxsize=1)
def default_scorer() -> LinearScorer:
    """The shipped ranker, loaded once per process."""
    return LinearScorer(load_model())
