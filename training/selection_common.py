"""What the content-selection training script and benchmark share: the CNN/DM devset as
numbered sentences, ROUGE as the devset README prescribes, the greedy oracle labels, seeded
folds by story, and the logistic fit that becomes summarizer/selection/data/ranker.json.

Dev-only: needs scikit-learn and rouge-score (the `dev` extra), never imported by the package.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarizer.schemas import Sentence
from summarizer.selection.features import Candidate, article_features, vectors
from summarizer.selection.rankers import LinearModel
from summarizer.sentences import split_sentences

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DEVSET = REPO.parent / "shared" / "devset" / "cnndm-frank" / "articles.jsonl"
ORACLE_SIZE = 3  # sentences in the greedy oracle (as BertSumExt labels CNN/DM)
DEFAULT_C = 1.0  # inverse L2 strength on standardised features; fixed before looking at CV
# The features the shipped model uses: position, length, title, centrality, quotes and the
# weak-candidate shapes. Adding entities, numbers, attribution, datelines, lead overlap and
# later position flags (all of FEATURE_NAMES) lowered out-of-fold summary ROUGE-1 by 0.3-0.4
# (41.12 -> 40.78 without a title), though their AUC against the oracle was no worse.
MODEL_FEATURES: tuple[str, ...] = (
    "lead", "second", "third", "inv_position", "rel_position", "log_words", "short", "long",
    "title_overlap", "title_cover", "no_title", "centrality", "top_words", "opens_with_quote",
    "quote_share", "question", "no_terminal", "first_person",
)  # fmt: skip

_DM_SLUG = re.compile(r"/article-\d+/([^/?#]+?)(?:\.html)?$")


@dataclass(frozen=True)
class Story:
    """One devset story: its sentences as the production splitter numbers them."""

    id: str
    url: str
    title: str | None  # the Daily Mail URL slug, when `titles` was asked for
    sentences: list[Sentence]
    reference: list[str]  # the highlights, one sentence each

    @property
    def candidates(self) -> list[Candidate]:
        """Every sentence as a selection candidate."""
        return [Candidate(id=s.id, text=s.text) for s in self.sentences]


def title_from_url(url: str) -> str | None:
    """A Daily Mail story's headline as its URL slug spells it ("Gary-Locke-set-confirmed-..."),
    or None (CNN slugs are section labels, not headlines)."""
    match = _DM_SLUG.search(url)
    if "dailymail.co.uk" not in url or not match:
        return None
    return match.group(1).replace("-", " ")


def load_stories(path: Path = DEFAULT_DEVSET, *, titles: bool = False) -> list[Story]:
    """The devset stories in file order; `titles` adds the URL-slug title where there is one."""
    stories = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            sentences = [
                Sentence(id=i, line=1, text=t)
                for i, t in enumerate(split_sentences(row["article"]))
            ]
            reference = [s for hl in row["highlights"].splitlines() for s in split_sentences(hl)]
            stories.append(
                Story(
                    id=row["id"],
                    url=row["url"],
                    title=title_from_url(row["url"]) if titles else None,
                    sentences=sentences,
                    reference=reference,
                )
            )
    return stories


class Rouge:
    """ROUGE-1/2/Lsum F1 with stemming (rouge-score); Lsum reads one sentence per line."""

    def __init__(self) -> None:
        from rouge_score import rouge_scorer

        self._scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
        self._fast = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)

    def score(self, summary: Sequence[str], reference: Sequence[str]) -> dict[str, float]:
        """F1 of each measure, x100 as papers report them."""
        scores = self._scorer.score("\n".join(reference), "\n".join(summary))
        return {
            "r1": 100 * scores["rouge1"].fmeasure,
            "r2": 100 * scores["rouge2"].fmeasure,
            "rl": 100 * scores["rougeLsum"].fmeasure,
        }

    def r12(self, summary: Sequence[str], reference: Sequence[str]) -> float:
        """ROUGE-1 F1 + ROUGE-2 F1 (the greedy oracle's objective)."""
        scores = self._fast.score("\n".join(reference), "\n".join(summary))
        return float(scores["rouge1"].fmeasure + scores["rouge2"].fmeasure)


def oracle_ids(story: Story, rouge: Rouge, size: int = ORACLE_SIZE) -> list[int]:
    """Greedy oracle: add the sentence that most raises R1+R2 F1, while it rises, up to `size`."""
    chosen: list[int] = []
    best = 0.0
    texts = [s.text for s in story.sentences]
    while len(chosen) < size:
        gains = [
            (rouge.r12([texts[j] for j in sorted([*chosen, i])], story.reference), i)
            for i in range(len(texts))
            if i not in chosen
        ]
        if not gains:
            break
        value, pick = max(gains, key=lambda g: (g[0], -g[1]))
        if value <= best:
            break
        chosen.append(pick)
        best = value
    return chosen


def design(
    stories: Sequence[Story],
    oracles: Sequence[Sequence[int]],
    features: Sequence[str] = MODEL_FEATURES,
) -> tuple[Any, Any]:
    """Feature matrix and 0/1 oracle labels over every sentence of the stories."""
    import numpy as np

    rows: list[list[float]] = []
    labels: list[int] = []
    for story, oracle in zip(stories, oracles, strict=True):
        rows += vectors(article_features(story.candidates, story.title), features)
        labels += [int(s.id in oracle) for s in story.sentences]
    return np.asarray(rows, dtype=float), np.asarray(labels, dtype=int)


def fit_model(
    stories: Sequence[Story],
    oracles: Sequence[Sequence[int]],
    *,
    c: float = DEFAULT_C,
    features: Sequence[str] = MODEL_FEATURES,
    meta: dict[str, Any] | None = None,
) -> LinearModel:
    """Logistic regression of oracle membership on standardised features (lbfgs has no
    randomness: the same stories always give the same coefficients)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x, y = design(stories, oracles, features)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=c, max_iter=5000)
    clf.fit((x - mean) / scale, y)
    return LinearModel(
        features=tuple(features),
        mean=tuple(round(float(v), 6) for v in mean),
        scale=tuple(round(float(v), 6) for v in scale),
        coef=tuple(round(float(v), 6) for v in np.asarray(clf.coef_)[0]),
        intercept=round(float(np.asarray(clf.intercept_)[0]), 6),
        meta=meta or {},
    )


def folds(n: int, k: int, seed: int) -> list[list[int]]:
    """k disjoint folds of story indices, shuffled by `seed` (k-fold by story)."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]


def out_of_fold_models(
    stories: Sequence[Story],
    oracles: Sequence[Sequence[int]],
    *,
    k: int,
    seed: int,
    c: float = DEFAULT_C,
    features: Sequence[str] = MODEL_FEATURES,
    train_views: Sequence[bool] = (True,),
) -> list[LinearModel]:
    """For each story, the model fitted on the other folds (k-fold by story, seeded).

    `train_views` says how each training story is shown: True with its title (when it has
    one), False without; (True, False) shows it both ways so that one model serves articles
    with and without a title.
    """
    models: list[LinearModel | None] = [None] * len(stories)
    for fold in folds(len(stories), k, seed):
        held = set(fold)
        train = [i for i in range(len(stories)) if i not in held]
        views = [with_title(stories[i], v) for v in train_views for i in train]
        labels = [oracles[i] for v in train_views for i in train]
        model = fit_model(views, labels, c=c, features=features)
        for i in fold:
            models[i] = model
    return [m for m in models if m is not None]


def with_title(story: Story, keep: bool) -> Story:
    """The story as it is, or without its title."""
    if keep or story.title is None:
        return story
    return Story(story.id, story.url, None, story.sentences, story.reference)
