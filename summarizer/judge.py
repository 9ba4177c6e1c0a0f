"""Judgements made by measured components, without a language model: which sentences a summary
needs (selection/), where the article and its actors stand (stance/), the headline, and the
article type (genre.py).

These are what the local default path uses for every judgement the embedded 135M model made
worse than a constant guess (README, "How each judgement is made"). With a strong model in
abstractive mode the model makes these calls instead, and the same checks apply to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .config import Settings
from .genre import GenreJudgement
from .genre import judge as judge_genre
from .headline import fit_headline, headline_from_sentence
from .prepared import Prepared
from .schemas import (
    HeadlineMethod,
    KeyPoint,
    SelectionMethod,
    Sentence,
    Stance,
    StanceLabel,
    StanceMethod,
    Summary,
)
from .selection import is_weak, select
from .stance import StanceJudgement, actor_stances, article_stances

# A title longer than this is a page's <title> soup or a standfirst, not a headline.
MAX_TITLE_WORDS = 20


@dataclass(frozen=True)
class Judgements:
    """What the components decided for one article."""

    summary: Summary
    requested: list[Stance]  # one per requested target, in the caller's order
    actors: list[Stance]  # holder -> target stances stated in one sentence
    article_type: GenreJudgement | None = None  # the rules' genre (used when they decide it)


def headline_for(title: str | None, sentences: Sequence[Sentence]) -> tuple[str, HeadlineMethod]:
    """The article's title when it reads as one, else its lead sentence shortened: the first
    sentence that is prose (not a dateline, a question or a fragment left at the top)."""
    if title and len(title.split()) <= MAX_TITLE_WORDS:
        return fit_headline(title), HeadlineMethod.article_title  # words can be long
    lead = next((s for s in sentences if not is_weak(s.text)), sentences[0])
    return headline_from_sentence(lead.text), HeadlineMethod.lead


def to_stance(judgement: StanceJudgement, sentences: Sequence[Sentence]) -> Stance:
    """A component's judgement as a record stance, its evidence the sentence it names."""
    label = StanceLabel(judgement.label)
    sid = judgement.sentence_id if label is not StanceLabel.not_mentioned else None
    return Stance(
        holder=judgement.holder,
        target=judgement.target,
        label=label,
        evidence=sentences[sid].text if sid is not None else None,
        sentence_id=sid,
        requested=judgement.holder == "article",
        confidence=round(judgement.confidence, 4),
        method=StanceMethod(judgement.method),
    )


def select_summary(prepared: Prepared, settings: Settings) -> Summary:
    """Headline, summary text and key points from the trained sentence ranker."""
    sentences = prepared.sentences
    chosen = select(
        sentences,
        title=prepared.title,
        word_budget=settings.summary_words,
        max_points=settings.max_key_points,
    )
    ids = [s.id for s in chosen.key_points] or [sentences[0].id]
    scores = {s.id: s.score for s in chosen.key_points}
    summary_ids = chosen.summary_ids or sorted(ids[:3])
    headline, how = headline_for(prepared.title, sentences)
    return Summary(
        headline=headline,
        text=" ".join(sentences[i].text for i in summary_ids),
        key_points=[
            KeyPoint(text=sentences[i].text, evidence=[i], confidence=scores.get(i)) for i in ids
        ],
        method=SelectionMethod.ranker,
        headline_method=how,
    )


def requested_stances(prepared: Prepared, settings: Settings) -> list[Stance]:
    """The article's own stance toward each requested target, in the caller's order."""
    judged = article_stances(
        prepared.sentences,
        prepared.article.targets,
        min_confidence=settings.stance_min_confidence,
    )
    return [to_stance(j, prepared.sentences) for j in judged]


def actor_stances_of(prepared: Prepared, settings: Settings) -> list[Stance]:
    """Actor stances the rules find, those below the confidence threshold left out."""
    judged = actor_stances(prepared.sentences, min_confidence=settings.stance_min_confidence)
    return [to_stance(j, prepared.sentences) for j in judged]


def article_type_of(prepared: Prepared) -> GenreJudgement:
    """The article type by the rules, from the title, the input's lines (a kicker line or a
    breadcrumb may sit in boilerplate), the kept sentences, the detectors' flags and the URL."""
    return judge_genre(
        prepared.title,
        prepared.lines,
        prepared.sentences,
        prepared.quality.flags,
        url=prepared.article.url,
    )


def judge(prepared: Prepared, settings: Settings) -> Judgements:
    """Every judgement the components make for one prepared article. The article type only
    when the rules decide it: where the model names it, the rules' answer would be thrown away
    (they cost about as much as preparing the article: ~6 ms on a seed)."""
    by_rules = settings.resolved_article_type_judge == "rules"
    return Judgements(
        summary=select_summary(prepared, settings),
        requested=requested_stances(prepared, settings),
        actors=actor_stances_of(prepared, settings),
        article_type=article_type_of(prepared) if by_rules else None,
    )
