"""One article through the whole flow: quality detectors -> numbered sentences -> prompt ->
backend (validated, grounded answer) -> ArticleAnalysis with provenance."""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Protocol

from .article import Article, split_lines
from .backends import Backend, GenerationRequest
from .config import Settings
from .errors import InputError
from .grounding import (
    GroundingContext,
    StanceSlot,
    candidate_entities,
    name_in_text,
    normalize_quote,
    sentences_naming,
    stance_slots,
)
from .headline import headline_from_sentence
from .prompting import Prompt, load_prompt
from .quality import analyze_quality
from .schemas import (
    SCHEMA_VERSION,
    ArticleAnalysis,
    ArticleType,
    Flag,
    FlagKind,
    FlagSource,
    KeyPoint,
    Provenance,
    Quality,
    Sentence,
    Severity,
    Stance,
    StanceLabel,
    Summary,
)
from .schemas.answers import (
    AbstractiveAnswer,
    ExtractiveAnswer,
    abstractive_answer_model,
    extractive_answer_model,
)
from .sentences import number_sentences

try:
    SUMMARIZER_VERSION = version("summarizer")
except PackageNotFoundError:  # running from a source tree that was never installed
    SUMMARIZER_VERSION = "0+unknown"

# Tokens reserved beyond the article: instructions, and the error text of each re-ask.
_PROMPT_OVERHEAD_TOKENS = 700
_REASK_OVERHEAD_TOKENS = 300
_DEFAULT_MAX_TOKENS = {"extractive": 448, "abstractive": 1400}


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of this package's code, prompts and schemas: a cached record is reused only by the
    code that made it (a change to record assembly must not serve stale results)."""
    root = Path(__file__).resolve().parent
    files = []
    # followlinks: prompts/ and schemas/ are symlinks in a source checkout.
    for folder, dirs, names in os.walk(root, followlinks=True):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        files += [Path(folder, n) for n in names if n.endswith((".py", ".j2"))]
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class Cache(Protocol):
    """Where finished records are kept by content address."""

    def get(self, key: str) -> dict[str, Any] | None: ...

    def put(self, key: str, value: dict[str, Any]) -> None: ...


@dataclass
class Prepared:
    """An article made ready for the model: what it will see and how to check the answer."""

    article: Article
    quality: Quality
    sentences: list[Sentence]
    slots: list[StanceSlot]  # extractive: the stances the model may label
    model_targets: list[str]  # requested targets the model is asked about
    title: str | None


class Pipeline:
    """Runs articles through one backend with one prompt; holds no per-article state."""

    def __init__(self, settings: Settings, backend: Backend, cache: Cache | None = None) -> None:
        self.settings = settings
        self.backend = backend
        self.cache = cache
        self.mode = settings.resolved_mode
        self.prompt: Prompt = load_prompt(self.mode)
        self.max_tokens = settings.max_tokens or _DEFAULT_MAX_TOKENS[self.mode]

    # ------------------------------------------------------------------ identity

    def fingerprint(self) -> dict[str, str]:
        """What a stored result must match to be reused (resume) without any model call."""
        return {
            "backend": self.backend.name,
            "model": self.backend.model,
            "mode": self.mode,
            "prompt_version": self.prompt.label,
            "schema_version": SCHEMA_VERSION,
        }

    def cache_key(self, article: Article) -> str:
        """Content address of a result: everything that can change it, and nothing else."""
        s = self.settings
        material = {
            **self.fingerprint(),
            "summarizer": SUMMARIZER_VERSION,
            "code": code_fingerprint(),
            "params": [s.temperature, self.max_tokens, s.max_attempts, s.repeat_penalty, s.seed,
                       s.n_ctx, s.openai_mode, s.base_url],
            "text": article.sha256,
            "targets": list(article.targets),
            "title": article.title,
            "main_lines": list(article.main_lines) if article.main_lines is not None else None,
            "notes": list(article.input_notes),
        }  # fmt: skip
        blob = json.dumps(material, sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(blob.encode()).hexdigest()

    # ------------------------------------------------------------------ stages

    def prepare(self, article: Article) -> Prepared:
        """Detectors, clean text, numbered sentences, the context budget, targets and names."""
        report = analyze_quality(
            article.text, notes=article.input_notes, main_lines=article.main_lines
        )
        lines = split_lines(article.text)
        kept = list(report.kept_lines)
        flags = list(report.flags)
        sentences = _without_flagged_sentences(number_sentences(lines, kept), flags)
        if not sentences:
            raise InputError(
                "no article prose is left once boilerplate is removed "
                f"({len(flags)} flag(s): {', '.join(sorted({f.kind.value for f in flags}))})",
                article_id=article.id,
            )
        sentences, kept, overflow = self._fit_context(sentences, kept, lines)
        if overflow is not None:
            flags.append(overflow)
            flags.sort(key=lambda f: (f.start_line, f.kind.value))
        clean_text = "\n".join(lines[n - 1] for n in kept)
        quality = Quality(score=report.score, flags=flags, clean_text=clean_text)
        if self.mode == "extractive":
            # Targets the article never names become not_mentioned without asking the model.
            joined = " ".join(s.text for s in sentences)
            model_targets = [t for t in article.targets if name_in_text(t, joined)]
        else:  # a capable model can resolve aliases the name match misses
            model_targets = list(article.targets)
        slots = (
            stance_slots(sentences, candidate_entities(sentences))
            if self.mode == "extractive"
            else []
        )
        return Prepared(
            article=article,
            quality=quality,
            sentences=sentences,
            slots=slots,
            model_targets=model_targets,
            title=article.title or _title_line(lines, kept),
        )

    def _token_cost(self, text: str) -> int:
        counter = getattr(self.backend, "count_tokens", None)
        if callable(counter):
            return int(counter(text))
        return len(text) // 3 + 1  # conservative for English; other scripts err on the safe side

    def _fit_context(
        self, sentences: list[Sentence], kept: list[int], lines: list[str]
    ) -> tuple[list[Sentence], list[int], Flag | None]:
        """Keep whole lines of sentences while they fit the context; flag what was cut."""
        window = int(getattr(self.backend, "context_tokens", 8192))
        attempts = self.settings.max_attempts
        budget = (
            window
            - self.max_tokens * attempts
            - _PROMPT_OVERHEAD_TOKENS
            - _REASK_OVERHEAD_TOKENS * (attempts - 1)
        )
        used = 0
        fitting = 0  # how many leading sentences fit the budget
        for s in sentences:
            used += self._token_cost(f"[{s.id}] {s.text}\n")
            if used > budget:
                break
            fitting += 1
        if fitting == len(sentences):
            return sentences, kept, None
        cut_line = sentences[fitting].line
        keep_lines = [n for n in kept if n < cut_line]
        if not keep_lines:  # a single enormous line: keep the sentences that fit in it
            keep_lines, sentences_kept = [cut_line], sentences[:fitting]
        else:
            sentences_kept = [s for s in sentences if s.line < cut_line]
        dropped = [n for n in kept if n >= cut_line and n not in keep_lines] or [cut_line]
        flag = Flag(
            kind=FlagKind.context_overflow,
            source=FlagSource.rule,
            severity=Severity.warning,
            start_line=dropped[0],
            end_line=dropped[-1],
            evidence=_clip(lines[dropped[0] - 1]),
            explanation=(
                f"the article is longer than the model's context ({window} tokens); "
                f"{len(sentences) - len(sentences_kept)} of {len(sentences)} sentences from "
                f"line {dropped[0]} on were not shown to the model"
            ),
            removed=True,
        )
        return sentences_kept, keep_lines, flag

    def request(self, prepared: Prepared) -> GenerationRequest:
        """The structured call for a prepared article."""
        n = len(prepared.sentences)
        response_model: type[Any]
        if self.mode == "extractive":
            naming = {t: sentences_naming(prepared.sentences, t) for t in prepared.model_targets}
            response_model = extractive_answer_model(n, len(prepared.slots), naming)
        else:
            response_model = abstractive_answer_model(n, prepared.model_targets)
        messages = self.prompt.render(
            title=prepared.title,
            sentences=prepared.sentences,
            targets=prepared.model_targets,
            slots=prepared.slots,
        )
        grounding = GroundingContext(sentences=prepared.sentences)
        return GenerationRequest(
            messages=messages,
            response_model=response_model,
            context={"grounding": grounding, "slots": prepared.slots},
            max_attempts=self.settings.max_attempts,
            max_tokens=self.max_tokens,
            article_id=prepared.article.id,
        )

    async def analyze(self, article: Article) -> ArticleAnalysis:
        """The full flow for one article, consulting the cache first when there is one."""
        start = time.perf_counter()
        key = self.cache_key(article) if self.cache is not None else None
        if self.cache is not None and key is not None:
            hit = self.cache.get(key)
            if hit is not None:
                try:
                    record = ArticleAnalysis.model_validate(hit)
                except ValueError:
                    record = None  # a stale or corrupt entry is recomputed, never trusted
                if record is not None:
                    provenance = record.provenance.model_copy(update={"cached": True})
                    return record.model_copy(
                        update={"id": article.id, "url": article.url or record.url,
                                "provenance": provenance}
                    )  # fmt: skip
        prepared = self.prepare(article)
        generation = await self.backend.generate(self.request(prepared))
        latency_ms = int((time.perf_counter() - start) * 1000)
        provenance = Provenance(
            backend=self.backend.name,
            model=self.backend.model,
            mode=self.mode,
            prompt_name=self.prompt.name,
            prompt_version=self.prompt.label,
            schema_version=SCHEMA_VERSION,
            summarizer_version=SUMMARIZER_VERSION,
            input_sha256=article.sha256,
            prompt_tokens=generation.prompt_tokens,
            completion_tokens=generation.completion_tokens,
            attempts=generation.attempts,
            transient_retries=generation.transient_retries,
            latency_ms=latency_ms,
        )
        record = build_record(prepared, generation.value, provenance)
        if self.cache is not None and key is not None:
            self.cache.put(key, record.model_dump(mode="json"))
        return record


# ---------------------------------------------------------------------- record assembly


def build_record(prepared: Prepared, answer: Any, provenance: Provenance) -> ArticleAnalysis:
    """Turn a validated answer into the public record."""
    sentences = prepared.sentences
    if isinstance(answer, ExtractiveAnswer):
        summary, stances, article_type, llm_flags = _from_extractive(
            answer, sentences, prepared.title, prepared.slots
        )
    elif isinstance(answer, AbstractiveAnswer):
        summary, stances, article_type, llm_flags = _from_abstractive(answer, sentences)
    else:  # pragma: no cover - the request builds one of the two
        raise TypeError(f"unexpected answer type {type(answer).__name__}")
    stances = _with_requested(stances, answer, prepared, sentences)
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
        article_type=article_type,
        quality=quality,
        sentences=sentences,
        provenance=provenance,
    )


def _from_extractive(
    answer: Any, sentences: list[Sentence], title: str | None, slots: list[StanceSlot]
) -> tuple[Summary, list[Stance], ArticleType, list[Flag]]:
    ids = list(answer.key_sentences)
    points = [KeyPoint(text=sentences[i].text, evidence=[i]) for i in ids]
    lead = sorted(ids)[:3]
    # The small model writes no prose, and its ranking is weak: the headline is the title, or
    # the lead sentence (where news puts its main fact) cut to headline length.
    headline = (
        title if title and len(title.split()) <= 20 else headline_from_sentence(sentences[0].text)
    )
    summary = Summary(
        headline=headline,
        text=" ".join(sentences[i].text for i in lead),
        key_points=points,
    )
    stances: list[Stance] = []
    seen: set[tuple[str, str]] = set()
    for item in getattr(answer, "stances", []) or []:
        slot = slots[item.slot]
        pair = (slot.holder.casefold(), slot.target.casefold())
        if pair in seen:
            continue
        seen.add(pair)
        stances.append(
            Stance(
                holder=slot.holder,
                target=slot.target,
                label=StanceLabel(item.label),
                evidence=sentences[slot.sentence].text,
                sentence_id=slot.sentence,
            )
        )
    return summary, stances, answer.article_type, []


def _from_abstractive(
    answer: Any, sentences: list[Sentence]
) -> tuple[Summary, list[Stance], ArticleType, list[Flag]]:
    summary = Summary(
        headline=" ".join(answer.headline.split()),
        text=" ".join(answer.summary.split()),
        key_points=[KeyPoint(text=p.text, evidence=list(dict.fromkeys(p.evidence)))
                    for p in answer.key_points],
    )  # fmt: skip
    stances = [
        Stance(
            holder=s.holder,
            target=s.target,
            label=StanceLabel(s.label),
            evidence=s.quote,
            sentence_id=_sentence_of(s.quote, sentences),
        )
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
                evidence=_clip(" ".join(sentences[i].text for i in f.sentence_ids)),
                explanation=f.explanation,
            )
        )
    return summary, stances, answer.article_type, flags


def _with_requested(
    stances: list[Stance], answer: Any, prepared: Prepared, sentences: list[Sentence]
) -> list[Stance]:
    """Exactly one holder="article" stance per requested target, in the caller's order."""
    requested = {t.casefold() for t in prepared.article.targets}
    free = [s for s in stances if not (s.holder == "article" and s.target.casefold() in requested)]
    answered: dict[str, Stance] = {}
    for item in getattr(answer, "target_stances", None) or ():
        label = StanceLabel(item.label)
        if label is StanceLabel.not_mentioned:
            answered[item.target] = Stance(
                holder="article", target=item.target, label=label, requested=True
            )
            continue
        if hasattr(item, "sentence"):
            evidence, sid = sentences[item.sentence].text, item.sentence
        else:
            evidence, sid = item.quote, _sentence_of(item.quote, sentences)
        answered[item.target] = Stance(
            holder="article",
            target=item.target,
            label=label,
            evidence=evidence,
            sentence_id=sid,
            requested=True,
        )
    out = []
    for target in prepared.article.targets:
        out.append(
            answered.get(target)
            or Stance(
                holder="article", target=target, label=StanceLabel.not_mentioned, requested=True
            )
        )
    return out + free


def _sentence_of(quote: str | None, sentences: list[Sentence]) -> int | None:
    """The id of the first sentence containing the quote (quotes may span sentences)."""
    if not quote:
        return None
    norm = normalize_quote(quote)
    for s in sentences:
        if norm in normalize_quote(s.text) or normalize_quote(s.text) in norm:
            return s.id
    return None


# Kinds whose evidence can be one sentence inside a line that otherwise holds prose; the line
# stays in clean_text (no prose is lost) but the flagged sentence is not shown to the model.
_SENTENCE_LEVEL_KINDS = frozenset(
    {FlagKind.call_to_action, FlagKind.chatbot_artifact, FlagKind.prompt_injection,
     FlagKind.media_credit, FlagKind.placeholder_text}
)  # fmt: skip


def _without_flagged_sentences(sentences: list[Sentence], flags: list[Flag]) -> list[Sentence]:
    """Drop sentences that a kept-line flag quotes in full, and number the rest afresh."""
    quoted = [
        normalize_quote(f.evidence.replace("…", " "))
        for f in flags
        if not f.removed and f.kind in _SENTENCE_LEVEL_KINDS and f.severity is not Severity.info
    ]
    if not quoted:
        return sentences
    kept = []
    for s in sentences:
        text = normalize_quote(s.text)
        if not any(text in q for q in quoted):
            kept.append(s)
    return [s.model_copy(update={"id": i}) for i, s in enumerate(kept)]


def _title_line(lines: list[str], kept: list[int]) -> str | None:
    """The first kept line when it reads as a title: short, no closing punctuation."""
    if len(kept) < 2:
        return None
    first = " ".join(lines[kept[0] - 1].split())
    if 3 <= len(first.split()) <= 20 and not first.endswith((".", "!", "?", ":", '"', "”")):
        return first
    return None


def _clip(text: str, limit: int = 300) -> str:
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
        import py3langid

        code, _score = py3langid.classify(sample)
    except Exception:
        return None
    return str(code)
