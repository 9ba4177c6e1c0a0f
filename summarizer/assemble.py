"""Record assembly: a validated answer, the components' judgements and the prepared article
become an ArticleAnalysis."""

from __future__ import annotations

from collections.abc import Sequence

import py3langid

from .grounding import normalize_quote
from .judge import Judgements
from .prepared import Prepared
from .schemas import (
    ArticleAnalysis,
    Flag,
    FlagKind,
    FlagSource,
    HeadlineMethod,
    KeyPoint,
    Provenance,
    SelectionMethod,
    Sentence,
    Severity,
    Stance,
    StanceLabel,
    StanceMethod,
    Summary,
)
from .schemas.answers import AbstractiveAnswer, AbstractiveTargetAnswer, ExtractiveAnswer
from .stance import agreement
from .stance.article import NOT_MENTIONED_CONFIDENCE


def build_record(
    prepared: Prepared,
    answer: ExtractiveAnswer | AbstractiveAnswer,
    provenance: Provenance,
    judgements: Judgements | None = None,
) -> ArticleAnalysis:
    """Turn a validated answer (and, on the extractive path, the components' judgements) into
    the public record. Both paths fill the same fields; `method` says who made each call."""
    sentences = prepared.sentences
    llm_flags: list[Flag] = []
    if isinstance(answer, ExtractiveAnswer):
        if judgements is None:  # pragma: no cover - the pipeline always judges extractively
            raise ValueError("an extractive record needs the components' judgements")
        summary = judgements.summary
        stances = [*judgements.requested, *judgements.actors]
    else:
        summary, actor_stances, llm_flags = _from_abstractive(answer, sentences)
        stances = [*_requested_from_llm(answer, prepared), *actor_stances]
    quality = prepared.quality
    if llm_flags:
        merged = sorted([*quality.flags, *llm_flags], key=lambda f: (f.start_line, f.kind.value))
        quality = quality.model_copy(update={"flags": merged})
    return ArticleAnalysis(
        id=prepared.article.id,
        title=prepared.title,
        url=prepared.article.url,
        language=detect_language(quality.clean_text),
        summary=summary,
        stances=stances,
        article_type=answer.article_type,
        quality=quality,
        sentences=sentences,
        source=prepared.source,
        provenance=provenance,
    )


def _llm_stance(
    holder: str, target: str, label: StanceLabel, quote: str | None, sentences: list[Sentence]
) -> Stance:
    """A stance a language model proposed (and the validators accepted), with the measured
    classifier's agreement on its evidence sentence as the confidence."""
    sid = _sentence_of(quote, sentences)
    if label is StanceLabel.not_mentioned:
        confidence = NOT_MENTIONED_CONFIDENCE
    elif sid is None:
        confidence = 0.0
    else:
        confidence = agreement(sentences[sid], target, label.value)
    return Stance(
        holder=holder,
        target=target,
        label=label,
        evidence=quote if label is not StanceLabel.not_mentioned else None,
        sentence_id=sid,
        requested=holder == "article",
        confidence=confidence,
        method=StanceMethod.llm,
    )


def _from_abstractive(
    answer: AbstractiveAnswer, sentences: list[Sentence]
) -> tuple[Summary, list[Stance], list[Flag]]:
    summary = Summary(
        headline=" ".join(answer.headline.split()),
        text=" ".join(answer.summary.split()),
        key_points=[KeyPoint(text=p.text, evidence=list(dict.fromkeys(p.evidence)))
                    for p in answer.key_points],
        method=SelectionMethod.llm,
        headline_method=HeadlineMethod.llm,
    )  # fmt: skip
    stances = [
        _llm_stance(s.holder, s.target, StanceLabel(s.label), s.quote, sentences)
        for s in answer.stances
    ]
    flags = []
    for f in answer.flags:
        lines = sorted({sentences[i].line for i in f.sentence_ids})
        flags.append(
            Flag(
                kind=FlagKind(f.kind),
                source=FlagSource.llm,
                severity=Severity.warning if f.kind == "prompt_injection" else Severity.info,
                start_line=lines[0],
                end_line=lines[-1],
                evidence=clip(" ".join(sentences[i].text for i in f.sentence_ids)),
                explanation=f.explanation,
            )
        )
    return summary, stances, flags


def _requested_from_llm(answer: AbstractiveAnswer, prepared: Prepared) -> list[Stance]:
    """Exactly one holder="article" stance per requested target, in the caller's order."""
    given: Sequence[AbstractiveTargetAnswer] = getattr(answer, "target_stances", None) or ()
    by_target = {item.target: item for item in given}
    out = []
    for target in prepared.article.targets:
        item = by_target.get(target)
        label = StanceLabel(item.label) if item else StanceLabel.not_mentioned
        quote = item.quote if item else None
        out.append(_llm_stance("article", target, label, quote, prepared.sentences))
    return out


def _sentence_of(quote: str | None, sentences: list[Sentence]) -> int | None:
    """The id of the first sentence containing the quote (quotes may span sentences)."""
    if not quote:
        return None
    norm = normalize_quote(quote)
    for s in sentences:
        text = normalize_quote(s.text)
        if norm in text or text in norm:
            return s.id
    return None


def clip(text: str, limit: int = 300) -> str:
    """Whitespace folded, cut to `limit` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the clean text (py3langid), or None when it cannot tell."""
    # 1,000 characters of prose identify a language as well as the whole text, and
    # py3langid's cost grows with length (0.33 ms here, 1.3 ms for 4,000 characters).
    sample = text[:1000]
    if len(sample.strip()) < 20:
        return None
    try:
        code, _score = py3langid.classify(sample)
    except Exception:
        return None
    return str(code)
