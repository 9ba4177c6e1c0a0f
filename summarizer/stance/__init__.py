"""Stance components, each measured on labelled data (benchmarks/stance_dev.py).

- article_stances: the article's own stance toward requested targets (the sentence
  classifier trained on NewsMTSC, aggregated over the sentences that name the target);
- actor_stances: holder -> target stances stated inside one sentence (rules);
- self_stance, evidence_problem: checks for a stance a model proposes.
"""

from .actors import actor_stances, affiliations_of
from .article import DEFAULT_MIN_CONFIDENCE, agreement, article_stances
from .classifier import ModelFileError, load_model
from .mentions import Mention, find_mentions, find_spans
from .types import StanceJudgement
from .validate import evidence_problem, self_stance

__all__ = [
    "DEFAULT_MIN_CONFIDENCE",
    "Mention",
    "ModelFileError",
    "StanceJudgement",
    "actor_stances",
    "affiliations_of",
    "agreement",
    "article_stances",
    "evidence_problem",
    "find_mentions",
    "find_spans",
    "load_model",
    "self_stance",
]
