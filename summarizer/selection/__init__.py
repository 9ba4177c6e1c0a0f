"""Content selection: which sentences of an article a summary needs, and how sure we are.

The local default used to let a 135M LLM pick key sentences; it picked ids 1-3 whatever the
article said. This package ranks sentences with a small logistic model trained on CNN/DM
stories against their human highlights (training/train_selection.py, figures in
benchmarks/content_selection.py) and turns the ranking into a summary and key points.
"""

from __future__ import annotations

from .features import FEATURE_NAMES, Candidate, article_features, is_weak
from .rankers import (
    HeuristicScorer,
    LeadScorer,
    LinearModel,
    LinearScorer,
    Scorer,
    default_scorer,
    load_model,
)
from .selector import DEFAULT_WORD_BUDGET, Scored, Selection, near_duplicate, select

__all__ = [
    "DEFAULT_WORD_BUDGET",
    "FEATURE_NAMES",
    "Candidate",
    "HeuristicScorer",
    "LeadScorer",
    "LinearModel",
    "LinearScorer",
    "Scored",
    "Scorer",
    "Selection",
    "article_features",
    "default_scorer",
    "is_weak",
    "load_model",
    "near_duplicate",
    "select",
]
