"""A learned line classifier for scraped plain text: article line, or page frame?

The rule detectors recognise what has a recognisable shape (menus, share bars, credits,
cookie prompts). From a page's plain visible text that left a third of the kept text outside
the article on the 45-page devset (precision 0.654 at recall 0.985): teaser lists for other
stories, author boxes, comment forms, bylines and datelines, footers. What gives those away
is structure, not vocabulary, so this module scores every non-blank line with a logistic
regression over 83 structural features (FEATURES):

- the line's shape: length (and length bins), sentence punctuation, capitalised-word share,
  digits and punctuation, separators, URLs and handles, words glued by a missing space
  ("URLCopied"), date, time and byline patterns;
- its place: relative position, distance (binned) before the first and after the last run of
  3+ consecutive prose lines (the article's core), the maximum-sum prose segment, the longest
  stretch of non-prose lines passed since the body started;
- its neighbourhood: prose share of the words within 2, 6 and 20 lines, short, title-like,
  dated and already-removed lines nearby, the neighbours' shape, runs of short lines and of
  title-like lines;
- lexical cohesion: the share of its words that recur in the core's lines (teasers are about
  other stories).

Lines are then decoded as a sequence (LineModel.decode: two-state Viterbi), so that a lone
teaser blurb amid menus goes with its neighbours, and so does a short subheading amid
paragraphs. Rules in line_guards.py guard the article: a sentence that continues it across
furniture the rules removed is kept (`bridge`), and so are the headline above its first
sentence and the standfirst under the headline (`keep_headline`).

Weights are trained by `training/train_lines.py` (scikit-learn, a dev dependency) on the
devset's pages and shipped as JSON in `data/line_model.json`; inference here is plain Python
(about 3-4 ms for a 5 KB scraped page). The figures the script prints are cross-validated
across pages (grouped 5-fold, seeded), so they are not memorised pages: F1 0.916 at recall
0.980 out of fold against 0.838 for the rules alone.

Where it runs: plain-text input only (with HTML, trafilatura has already drawn the frame),
after the rule detectors, and only on pages that show a page frame (at least MIN_REMOVED
lines already removed by the rules, and MIN_LINES non-blank lines): a clean article passed
as text is never touched. Nor are pages mostly in Chinese or Japanese script (more than
MAX_UNSEGMENTED_SHARE of the letters): the features count space-separated words, which are
whole phrases there, and the devset has one such page to learn from; the rules alone
decide (out of fold the model had removed 26-100% of that page's article, by fold seed).
Removed lines become warnings (info for bylines and datelines) with a kind from their place
and shape: `link_spam` for story titles below the article or inline in it, `media_credit`
for captions and credits, `navigation_boilerplate` for the rest.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..schemas import FlagKind, Severity
from .base import Finding, Page, runs
from .line_features import (
    FEATURES,
    columns,
    features,
)
from .line_guards import bridge, caption, keep_headline, keep_listing, link_title, meta

MODEL_PATH = Path(__file__).with_name("data") / "line_model.json"
# Pages where the rule detectors removed fewer lines than this, or shorter than MIN_LINES
# non-blank lines, show no page frame: the model is not run on them (nor trained on them).
# A short article with a photo credit and a share link is not a scraped page.
MIN_REMOVED = 3
MIN_LINES = 15
# Pages written mostly without spaces between words (Chinese, Japanese): the features count
# words, which there are whole phrases, so the model abstains (and is not trained on them).
MAX_UNSEGMENTED_SHARE = 0.3
_UNSPACED = re.compile("[\u3040-\u9fff]")
_LETTER = re.compile(r"[^\W\d_]")

# Features whose negative contribution is worth naming in a flag's explanation.
_REASONS = {
    "after_core": "below the end of the article's prose",
    "after_core_4_10": "below the end of the article's prose",
    "after_core_11_30": "well below the end of the article's prose",
    "after_core_31p": "far below the end of the article's prose",
    "after_body": "below the end of the article's prose",
    "before_core": "above the start of the article's prose",
    "before_body": "above the start of the article's prose",
    "before_core_4_10": "above the start of the article's prose",
    "before_core_11_30": "well above the start of the article's prose",
    "before_core_31p": "far above the start of the article's prose",
    "gap_max": "past a long stretch of page furniture",
    "removed_w3": "among lines already recognised as page furniture",
    "short_run": "in a run of short link-like lines",
    "short_w3": "among short link-like lines",
    "prose_w20": "in a part of the page with little running text",
    "ellipsis_end": "a cut-off teaser ending in an ellipsis",
    "separators": "separator characters of a menu or metadata row",
    "byline": "a byline",
    "time": "a timestamp",
    "copyright": "a copyright notice",
    "det_frame": "part of the page frame",
    "question_end": "a teaser question",
    "teaser": "a one-sentence teaser under a title",
    "cap_share": "title-cased like a link",
    "isolated_prose": "a lone sentence between link-like lines",
    "noend_run": "in a list of titles",
    "noend_w5": "among title-like lines",
    "lower_start": "a fragment",
}


@dataclass(frozen=True)
class LineModel:
    """Logistic-regression weights over FEATURES, the sequence decoder's two parameters and
    the page gate.

    Lines are not decided one by one: the most likely sequence of article / frame states is
    decoded (Viterbi), each line costing -weight * log P(state), weight = log(2 + tokens),
    plus `switch_cost` for every change of state and a bonus of `article_bias` per article
    line. A lone teaser blurb that looks like prose amid menus goes with its neighbours, and
    so does a short subheading amid paragraphs. On the devset's out-of-fold probabilities
    this decoding adds about 0.03 F1 over a per-line threshold at the same recall.
    `min_removed`: the model only runs on pages where the rule detectors already removed at
    least this many lines (evidence of a scraped page frame).
    """

    weights: tuple[float, ...]
    bias: float
    switch_cost: float
    article_bias: float
    keep_above: float = 0.6
    min_removed: int = MIN_REMOVED
    features: tuple[str, ...] = FEATURES
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.features != FEATURES:
            raise ValueError(
                "line model was trained on a different feature set "
                f"({len(self.features)} features, this code has {len(FEATURES)})"
            )
        if len(self.weights) != len(FEATURES):
            raise ValueError("line model: one weight per feature expected")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LineModel:
        """Build from the JSON form written by the training script."""
        return cls(
            weights=tuple(float(w) for w in data["weights"]),
            bias=float(data["bias"]),
            switch_cost=float(data["switch_cost"]),
            article_bias=float(data["article_bias"]),
            keep_above=float(data.get("keep_above", 0.6)),
            min_removed=int(data.get("min_removed", MIN_REMOVED)),
            features=tuple(data["features"]),
            meta=dict(data.get("meta", {})),
        )

    @classmethod
    def load(cls, path: Path) -> LineModel:
        """Read a model JSON file."""
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "features": list(self.features),
            "weights": [round(w, 5) for w in self.weights],
            "bias": round(self.bias, 5),
            "switch_cost": self.switch_cost,
            "article_bias": self.article_bias,
            "keep_above": self.keep_above,
            "min_removed": self.min_removed,
            "meta": self.meta,
        }

    def probability(self, row: Sequence[float]) -> float:
        """Probability that a line with these features is article text."""
        z = self.bias
        for x, w in zip(row, self.weights, strict=True):
            if x:
                z += x * w
        if z < -30:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))

    def probabilities(self, cols: dict[str, Sequence[float]]) -> list[float]:
        """Probability of article text for every line, from the feature columns."""
        m = len(cols[FEATURES[0]]) if cols else 0
        z = [self.bias] * m
        for name, w in zip(FEATURES, self.weights, strict=True):
            col = cols[name]
            if w and any(col):
                z = [a + w * x for a, x in zip(z, col, strict=True)]
        return [0.0 if v < -30 else 1.0 / (1.0 + math.exp(-v)) for v in z]

    def decode(self, probs: Sequence[float], tokens: Sequence[int]) -> list[bool]:
        """Article (True) / frame (False) for each line: the most likely state sequence
        (Viterbi), except that a line the classifier itself scores at `keep_above` or more
        is always article. A headline stands alone between a menu and a dateline; the
        decoder alone would fold it into the frame around it."""
        states = viterbi(probs, tokens, self.switch_cost, self.article_bias)
        return [a or p >= self.keep_above for a, p in zip(states, probs, strict=True)]


def viterbi(
    probs: Sequence[float], tokens: Sequence[int], switch_cost: float, article_bias: float
) -> list[bool]:
    """Two-state Viterbi decoding of line probabilities (see LineModel)."""
    cost = [0.0, 0.0]  # best cost of a path ending in frame (0) / article (1)
    back: list[tuple[int, int]] = []
    for p, t in zip(probs, tokens, strict=True):
        p = min(max(p, 1e-4), 1 - 1e-4)
        w = math.log(2 + t)
        emit0 = -w * math.log(1 - p)
        emit1 = -w * math.log(p) - article_bias
        stay0, move0 = cost[0], cost[1] + switch_cost
        stay1, move1 = cost[1], cost[0] + switch_cost
        from0 = 0 if stay0 <= move0 else 1
        from1 = 1 if stay1 <= move1 else 0
        cost = [min(stay0, move0) + emit0, min(stay1, move1) + emit1]
        back.append((from0, from1))
    state = 0 if cost[0] <= cost[1] else 1
    out = [False] * len(back)
    for k in range(len(back) - 1, -1, -1):
        out[k] = state == 1
        state = back[k][state]
    return out


@functools.lru_cache(maxsize=1)
def default_model() -> LineModel | None:
    """The shipped model, or None when its file is missing (the detector then does nothing)."""
    if not MODEL_PATH.is_file():
        return None
    return LineModel.load(MODEL_PATH)


_OVERRIDE: ContextVar[LineModel | None] = ContextVar("line_model_override", default=None)
_RECORDER: ContextVar[list[Recorded] | None] = ContextVar("line_model_recorder", default=None)
_DISABLED: ContextVar[bool] = ContextVar("line_model_disabled", default=False)


@dataclass(frozen=True)
class Recorded:
    """What the classifier saw on one page (for training): lines, features, the gate."""

    page: Page
    rows: list[list[float]]
    gated: bool


@contextmanager
def using_model(model: LineModel) -> Iterator[None]:
    """Use this model instead of the shipped one (cross-validation folds, experiments)."""
    token = _OVERRIDE.set(model)
    try:
        yield
    finally:
        _OVERRIDE.reset(token)


@contextmanager
def without_model() -> Iterator[None]:
    """Run the rule detectors alone (benchmarks compare against this)."""
    token = _DISABLED.set(True)
    try:
        yield
    finally:
        _DISABLED.reset(token)


@contextmanager
def recording() -> Iterator[list[Recorded]]:
    """Record the features of every page analysed inside the block, and remove nothing.

    The training script runs `analyze_quality` inside this block, so that the model is
    trained on exactly the features (and the rule detectors' removals) it sees at run time.
    """
    seen: list[Recorded] = []
    token = _RECORDER.set(seen)
    try:
        yield seen
    finally:
        _RECORDER.reset(token)


def _kinds(page: Page, run: list[int], lo: int, hi: int, rank: dict[int, int]) -> list[FlagKind]:
    """Flag kinds for a run of consecutive removed lines, from where it is and its shape.

    `lo`..`hi`: the first and last kept line of article prose (15+ words). Inside that
    stretch a removed sentence is a photo caption (media_credit) and a removed title an
    inline link to another story (link_spam); just above it, captions likewise. Below it a
    run whose lines are mostly story titles is a link list (link_spam). Bylines, datelines
    and everything else are page navigation (menus, labels, footers).
    """
    nav = FlagKind.navigation_boilerplate
    if lo < 0:
        return [nav] * len(run)
    if run[0] > hi:
        # A link list below the article: from its first story title to its last one (a
        # byline, date or teaser between titles belongs to the cards); labels and legal
        # lines before and after it are navigation.
        links = [n for n, i in enumerate(run) if link_title(page, i)]
        if len(links) < 2 or len(links) < 0.25 * (links[-1] - links[0] + 1):
            return [nav] * len(run)
        return [FlagKind.link_spam if links[0] <= n <= links[-1] else nav for n in range(len(run))]
    out = []
    for i in run:
        near = lo < i < hi or 0 < rank[lo] - rank[i] <= 6
        if meta(page, i):
            out.append(nav)
        elif near and caption(page, i):
            out.append(FlagKind.media_credit)
        elif lo < i < hi and link_title(page, i):
            out.append(FlagKind.link_spam)
        else:
            out.append(nav)
    return out


def _explain(
    model: LineModel, cols: dict[str, Sequence[float]], ks: list[int], p_max: float
) -> str:
    """Why lines were removed: the named features that pulled them furthest from article."""
    pull: dict[str, float] = {}
    for name, wgt in zip(FEATURES, model.weights, strict=True):
        phrase = _REASONS.get(name)
        if phrase is None or wgt == 0:
            continue
        c = wgt * sum(cols[name][k] for k in ks)
        if c < 0:
            pull[phrase] = pull.get(phrase, 0.0) + c
    top = [p for p, _ in sorted(pull.items(), key=lambda kv: kv[1])[:2]]
    why = "; ".join(top) if top else "structure of a page-frame line"
    return (
        f"line classifier: not article text (probability of article text at most "
        f"{p_max:.2f}, decoded with its neighbours): {why}"
    )


def unsegmented(page: Page) -> bool:
    """Is the page mostly in a script written without spaces between words?"""
    text = page.text_lower
    if text.isascii():
        return False
    # Kana and Han characters; Korean puts spaces between words and is not counted.
    unspaced = len(_UNSPACED.findall(text))
    if not unspaced:
        return False
    return unspaced > MAX_UNSEGMENTED_SHARE * len(_LETTER.findall(text))


def detect(page: Page, removed: set[int], frame: set[int]) -> list[Finding]:
    """Warnings that remove lines the classifier scores as page frame (plain text only).

    `removed`: 0-based lines already removed by the rule detectors; `frame`: those of them
    that mark the page frame. Returns nothing for HTML input, on pages without a frame (fewer
    than `min_removed` lines removed by the rules) or when no model is available.
    """
    if page.main is not None or _DISABLED.get():
        return []
    n_removed = sum(1 for i in removed if page.stripped[i])
    recorder = _RECORDER.get()
    if recorder is not None:
        gated = n_removed >= MIN_REMOVED and len(page.nonblank) >= MIN_LINES
        gated = gated and not unsegmented(page)
        recorder.append(Recorded(page, features(page, removed, frame) if gated else [], gated))
        return []
    model = _OVERRIDE.get() or default_model()
    if model is None or n_removed < model.min_removed or len(page.nonblank) < MIN_LINES:
        return []
    if unsegmented(page):
        return []
    cols = columns(page, removed, frame)
    probs = model.probabilities(cols)
    nb = page.nonblank
    article = model.decode(probs, [page.n_words[i] for i in nb])
    bridge(page, removed, frame, article)
    keep_headline(page, removed, article)
    keep_listing(page, removed, article)
    drop = [
        k
        for k, i in enumerate(nb)
        if i not in removed
        and not article[k]
        # A title printed twice in a row is left to the duplicate detector, which names it.
        and not (k > 0 and page.n_words[i] >= 4 and page.norm(nb[k - 1]) == page.norm(i))
    ]
    if not drop:
        return []
    # The article's extent, for telling an inline link from a list: kept lines of prose.
    kept_prose = [i for k, i in enumerate(nb) if article[k] and page.n_words[i] >= 15]
    lo, hi = (kept_prose[0], kept_prose[-1]) if kept_prose else (-1, -1)
    by_line = {nb[k]: k for k in drop}
    rank = {i: k for k, i in enumerate(nb)}
    kinds: dict[int, FlagKind] = {}
    for a, b in runs(sorted(by_line), page):
        run = [x for x in range(a, b + 1) if x in by_line]
        kinds.update(zip(run, _kinds(page, run, lo, hi, rank), strict=True))
    groups: list[list[int]] = []
    for a, b in runs(sorted(by_line), page):
        # One flag per stretch of lines of the same kind.
        for i in (x for x in range(a, b + 1) if x in by_line):
            if groups and groups[-1][-1] >= a and kinds[groups[-1][-1]] is kinds[i]:
                groups[-1].append(i)
            else:
                groups.append([i])
    out: list[Finding] = []
    for group in groups:
        ks = [by_line[i] for i in group]
        # Bylines and datelines are page metadata, not a defect of the page: info.
        metadata = kinds[group[0]] is FlagKind.navigation_boilerplate and all(
            meta(page, i) for i in group
        )
        out.append(
            Finding(
                kinds[group[0]],
                Severity.info if metadata else Severity.warning,
                group[0] + 1,
                group[-1] + 1,
                _explain(model, cols, ks, max(probs[k] for k in ks)),
                removed=True,
            )
        )
    return out
