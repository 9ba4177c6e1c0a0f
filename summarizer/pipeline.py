"""One article through the flow: quality detectors -> numbered sentences -> prompt -> backend
(validated, grounded answer); `assemble` turns the answer into the record."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .assemble import build_record, clip
from .backends import Backend, Generation, GenerationRequest, make_backend
from .cache import Cache, DiskCache
from .config import Settings
from .errors import (
    BackendError,
    ConfigError,
    ContextWindowExceeded,
    GroundingError,
    InputError,
    register_secret,
)
from .events import Emitter, article_scope
from .grounding import GroundingContext, normalize_quote
from .headline import title_line
from .inputs import Article
from .judge import Judgements, judge
from .lines import split_lines
from .metadata import extract_from_text, merge
from .prepared import Prepared
from .prompting import Prompt, load_prompt
from .quality import analyze_quality
from .schemas import (
    SCHEMA_VERSION,
    ArticleAnalysis,
    ArticleTypeMethod,
    Flag,
    FlagKind,
    FlagSource,
    Provenance,
    Quality,
    Sentence,
    Severity,
    SourceMetadata,
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
# The prompt name and version recorded when the components make every judgement.
NO_PROMPT = "none"
# Opening sentences the small model reads to name the article type (title included, about
# 250 tokens): the genre shows in the opening, and prompt processing is most of its time.
ARTICLE_TYPE_SENTENCES = 8


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of this package's code, prompts, schemas and model files: a cached record is reused
    only by the code that made it (a change to record assembly must not serve stale results)."""
    root = Path(__file__).resolve().parent
    files = []
    # followlinks: prompts/ and schemas/ are symlinks in a source checkout.
    for folder, dirs, names in os.walk(root, followlinks=True):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        # Shipped model files count too: a retrained ranker or classifier changes results.
        files += [Path(folder, n) for n in names if n.endswith((".py", ".j2", ".json", ".gz"))]
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class Pipeline:
    """Runs articles through one backend with one prompt; holds no per-article state."""

    def __init__(
        self,
        settings: Settings,
        backend: Backend,
        cache: Cache | None = None,
        *,
        events: Emitter | None = None,
    ) -> None:
        self._settings = settings
        self.backend = backend
        self.cache = cache
        self.mode = settings.resolved_mode
        self.prompt: Prompt = load_prompt(self.mode)
        self.max_tokens = settings.resolved_max_tokens
        if settings.api_key is not None:
            register_secret(settings.api_key.get_secret_value())  # never in a log line
        # Where the model is served, for the spans' server.address (None: in-process).
        server = settings.base_url
        if server is None and backend.name == "openai":
            server = "https://api.openai.com/v1"
        self.events = events if events is not None else Emitter()
        self.events.bind(backend=backend.name, model=backend.model, server_url=server)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        cache: Cache | None = None,
        backend: Backend | None = None,
        events: Emitter | None = None,
    ) -> Pipeline:
        """The pipeline the settings describe; a cache folder in the settings opens a cache."""
        if cache is None and settings.cache_dir is not None:
            cache = DiskCache(Path(settings.cache_dir))
        return cls(settings, backend or make_backend(settings), cache, events=events)

    @property
    def settings(self) -> Settings:
        """The settings this pipeline was built with."""
        return self._settings

    @property
    def calls_model(self) -> bool:
        """False on the extractive path when the rules name the article type: every judgement
        is then made by the components, and no model is called (or even loaded)."""
        return self.mode != "extractive" or self._settings.resolved_article_type_judge == "llm"

    @property
    def prompt_name(self) -> str:
        """The prompt sent to the model; "none" when no model is called."""
        return self.prompt.name if self.calls_model else NO_PROMPT

    @property
    def prompt_label(self) -> str:
        """The prompt's name@version; "none" when no model is called. Part of the resume
        identity, so rows made with the model and without it are never taken for each other."""
        return self.prompt.label if self.calls_model else NO_PROMPT

    async def aclose(self) -> None:
        """Release the backend's connections for the running event loop."""
        await self.backend.aclose()

    # ------------------------------------------------------------------ identity

    def fingerprint(self) -> dict[str, str]:
        """What a stored result must match to be reused (resume) without any model call."""
        return {
            "backend": self.backend.name,
            "model": self.backend.model,
            "mode": self.mode,
            "prompt_version": self.prompt_label,
            "schema_version": SCHEMA_VERSION,
        }

    def cache_key(self, article: Article) -> str:
        """Content address of a result: everything that can change it, and nothing else."""
        s = self._settings
        material = {
            **self.fingerprint(),
            "summarizer": SUMMARIZER_VERSION,
            "code": code_fingerprint(),
            "params": [s.temperature, self.max_tokens, s.max_attempts, s.repeat_penalty, s.seed,
                       s.context_tokens, s.openai_mode, s.strict, s.base_url, s.summary_words,
                       s.max_key_points, s.stance_min_confidence,
                       s.resolved_article_type_judge],
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
        if self.mode == "abstractive":
            # The model reads every sentence: cut the article to its context, and say so.
            sentences, kept, overflow = self._fit_context(sentences, kept, lines)
            if overflow is not None:
                flags.append(overflow)
                flags.sort(key=lambda f: (f.start_line, f.kind.value))
        clean_text = "\n".join(lines[n - 1] for n in kept)
        quality = Quality(score=report.score, flags=flags, clean_text=clean_text)
        text_source = extract_from_text(lines, flags=report.flags, main_lines=article.main_lines)
        source = merge(article.source, text_source) if article.source else text_source
        return Prepared(
            article=article,
            quality=quality,
            sentences=sentences,
            title=article.title or title_line(lines, kept, skip=_metadata_lines(text_source)),
            source=source,
            lines=lines,
        )

    def _fit_context(
        self, sentences: list[Sentence], kept: list[int], lines: list[str]
    ) -> tuple[list[Sentence], list[int], Flag | None]:
        """Keep whole lines of sentences while they fit the context; flag what was cut."""
        window = self.backend.context_tokens
        budget = article_budget(window, self.max_tokens, self._settings.max_attempts)
        used = 0
        fitting = 0  # how many leading sentences fit the budget
        for s in sentences:
            used += self.backend.count_tokens(f"[{s.id}] {s.text}\n")
            if used > budget:
                break
            fitting += 1
        if fitting == len(sentences):
            return sentences, kept, None
        if fitting == 0:
            raise ConfigError(
                f"an answer budget of {self.max_tokens} tokens leaves no room for the article "
                f"in the model's {window}-token context; lower --max-tokens or use a model "
                "with a larger context (--context-tokens)"
            )
        cut_line = sentences[fitting].line
        keep_lines = [n for n in kept if n < cut_line]
        # Linear in the lines: a membership test on the keep_lines list here made 200,000
        # short lines take 44.6 s before the first request (issue 12).
        if not keep_lines:  # a single enormous line: keep the sentences that fit in it
            keep_lines, sentences_kept = [cut_line], sentences[:fitting]
            dropped = [n for n in kept if n > cut_line] or [cut_line]
        else:
            sentences_kept = [s for s in sentences if s.line < cut_line]
            dropped = [n for n in kept if n >= cut_line] or [cut_line]
        flag = Flag(
            kind=FlagKind.context_overflow,
            source=FlagSource.rule,
            severity=Severity.warning,
            start_line=dropped[0],
            end_line=dropped[-1],
            evidence=clip(lines[dropped[0] - 1]),
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
        response_model: type[Any]
        if self.mode == "extractive":
            # The small model only names the article type, from the title and the opening.
            response_model = extractive_answer_model()
            shown = prepared.sentences[:ARTICLE_TYPE_SENTENCES]
            targets: list[str] = []
        else:
            shown = prepared.sentences
            targets = list(prepared.article.targets)
            response_model = abstractive_answer_model(len(shown), targets)
        messages = self.prompt.render(title=prepared.title, sentences=shown, targets=targets)
        grounding = GroundingContext(sentences=prepared.sentences)
        return GenerationRequest(
            messages=messages,
            response_model=response_model,
            context={"grounding": grounding},
            max_attempts=self._settings.max_attempts,
            max_tokens=self.max_tokens,
            article_id=prepared.article.id,
            context_tokens=self.backend.context_tokens,
        )

    async def analyze(
        self, article: Article, *, failure_level: int = logging.WARNING
    ) -> ArticleAnalysis:
        """The full flow for one article, consulting the cache first when there is one.

        Started, cache-hit, finished and failed events (and the article's span) go through
        `self.events`; a failure is reported at `failure_level` and raised. A caller that
        hands the exception to its own caller passes a lower level, so the same failure
        is not printed twice.
        """
        with article_scope(self.events, article.id, failure_level=failure_level) as scope:
            record = self.cached(article)
            if record is not None:
                scope.cache_hit()
            else:
                start = time.perf_counter()
                prepared, generation = await self._generate(article)
                judgements = self.judge(prepared)
                record = self.finish(article, prepared, judgements, generation, start)
            scope.finished(record)
            return record

    def cached(self, article: Article) -> ArticleAnalysis | None:
        """The cached record for this article under this configuration, if any."""
        if self.cache is None:
            return None
        hit = self.cache.get(self.cache_key(article))
        if hit is None:
            return None
        try:
            record = ArticleAnalysis.model_validate(hit)
        except ValueError:
            return None  # a stale or corrupt entry is recomputed, never trusted
        provenance = record.provenance.model_copy(update={"cached": True})
        return record.model_copy(
            update={"id": article.id, "url": article.url or record.url, "provenance": provenance}
        )

    def judge(self, prepared: Prepared) -> Judgements | None:
        """The components' judgements: on the extractive path only (a strong model in
        abstractive mode makes these calls itself)."""
        return judge(prepared, self._settings) if self.mode == "extractive" else None

    def finish(
        self,
        article: Article,
        prepared: Prepared,
        judgements: Judgements | None,
        generation: Generation | None,
        started: float,
    ) -> ArticleAnalysis:
        """Provenance, the record, and its cache entry, once the model has answered
        (`started`: the perf_counter reading when the article's work began). No generation:
        the components made every judgement, the article type included (attempts 0)."""
        method = ArticleTypeMethod.llm
        if generation is None:
            if judgements is None or judgements.article_type is None:
                raise ValueError("a record without a model call needs the components' judgements")
            answer_by_rules = ExtractiveAnswer(article_type=judgements.article_type.article_type)
            generation = Generation(value=answer_by_rules, attempts=0)
            method = ArticleTypeMethod.rules
        latency_ms = int((time.perf_counter() - started) * 1000)
        provenance = Provenance(
            backend=self.backend.name,
            model=self.backend.model,
            mode=self.mode,
            prompt_name=self.prompt_name,
            prompt_version=self.prompt_label,
            schema_version=SCHEMA_VERSION,
            summarizer_version=SUMMARIZER_VERSION,
            input_sha256=article.sha256,
            prompt_tokens=generation.prompt_tokens,
            completion_tokens=generation.completion_tokens,
            attempts=generation.attempts,
            transient_retries=generation.transient_retries,
            latency_ms=latency_ms,
            article_type_method=method,
            structured_output_mode=generation.structured_output_mode,
        )
        answer = generation.value
        if not isinstance(answer, (ExtractiveAnswer, AbstractiveAnswer)):  # pragma: no cover
            raise TypeError(f"unexpected answer type {type(answer).__name__}")
        record = build_record(prepared, answer, provenance, judgements)
        if self.cache is not None:
            self.cache.put(self.cache_key(article), record.model_dump(mode="json"))
        return record

    async def _generate(self, article: Article) -> tuple[Prepared, Generation | None]:
        """Prepare and call the backend; when the backend learns that its context window is
        smaller than the one the article was cut for (stated by the server, or by its
        context_length_exceeded error), cut the article to the smaller window and try once more.
        No call (None) when the components make every judgement (`calls_model`).
        """
        if not self.calls_model:
            return self.prepare(article), None
        window = self.backend.context_tokens
        prepared = self.prepare(article)
        try:
            return prepared, await self.backend.generate(self.request(prepared))
        except ContextWindowExceeded as exc:
            if self.backend.context_tokens >= window:
                raise  # nothing learnt: cutting again would send the same prompt
            first = exc
        prepared = self.prepare(article)
        try:
            generation = await self.backend.generate(self.request(prepared))
        except (BackendError, GroundingError) as exc:
            exc.attempts += first.attempts
            raise
        generation.attempts += first.attempts  # the refused request counts as a call
        generation.prompt_tokens += first.prompt_tokens
        generation.completion_tokens += first.completion_tokens
        return prepared, generation


def article_budget(window: int, max_tokens: int, attempts: int) -> int:
    """Tokens the article's sentences may take in a window of `window` tokens.

    Room is kept for the instructions, the answer, and every re-ask (each re-ask adds the
    previous answer and the error to the prompt) while that leaves the article at least half
    of what a single attempt would allow; in a small window (a 4,096-token server with a
    1,536-token abstractive budget) the article keeps that half instead, and a re-ask that
    would not fit is refused by the backend with the last validation error.
    """
    single = window - max_tokens - _PROMPT_OVERHEAD_TOKENS
    every_reask = single - (attempts - 1) * (max_tokens + _REASK_OVERHEAD_TOKENS)
    return max(every_reask, single // 2)


# Kinds whose evidence can be one sentence inside a line that otherwise holds prose; the line
# stays in clean_text (no prose is lost) but the flagged sentence is not shown to the model.
_SENTENCE_LEVEL_KINDS = frozenset(
    {FlagKind.call_to_action, FlagKind.chatbot_artifact, FlagKind.prompt_injection,
     FlagKind.media_credit, FlagKind.placeholder_text}
)  # fmt: skip


def _without_flagged_sentences(sentences: list[Sentence], flags: list[Flag]) -> list[Sentence]:
    """Drop sentences that a kept-line flag quotes in full, and number the rest afresh.

    A sentence is compared only with the flags on its own line: comparing every sentence
    with every flag was quadratic (4,000 paragraphs, each ending in a call to action, took
    4.3 s here, 20 times the time of 1,000; issue 12 asks every step to be linear).
    """
    quoted: dict[int, list[str]] = {}
    for f in flags:
        if not f.removed and f.kind in _SENTENCE_LEVEL_KINDS and f.severity is not Severity.info:
            evidence = normalize_quote(f.evidence.replace("…", " "))
            for line in range(f.start_line, f.end_line + 1):
                quoted.setdefault(line, []).append(evidence)
    if not quoted:
        return sentences
    kept = []
    for s in sentences:
        here = quoted.get(s.line)
        if here is None or not any(normalize_quote(s.text) in q for q in here):
            kept.append(s)
    return [s.model_copy(update={"id": i}) for i, s in enumerate(kept)]


def _metadata_lines(source: SourceMetadata) -> set[int]:
    """Input lines that state a byline, a date or a dateline: never the article's title."""
    values = [*source.authors, *source.fake_authors, source.published, source.updated,
              source.dateline]  # fmt: skip
    return {v.line for v in values if v is not None and v.line is not None}
