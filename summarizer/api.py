"""The Python API: `summarize(text)` for one-off use, `Summarizer` to reuse a loaded model,
`run_batch` for a JSONL batch with resume and cache."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from .aio import LoopThread
from .backends import Backend
from .batch import BatchItem, BatchOptions, BatchStats, asummarize_many, summarize_many
from .batch import run_batch as run_batch_with
from .cache import Cache, DiskCache, default_cache_dir
from .config import Settings, load_settings
from .inputs import Article, check_inputs, normalize_targets
from .pipeline import Pipeline
from .schemas import ArticleAnalysis


class Summarizer:
    """Analyses articles with one configured backend; load once, call many times.

    Keyword overrides take precedence over environment variables, which take precedence over
    defaults (see Settings). `Summarizer(backend="openai", model="gpt-4o-mini")`,
    `Summarizer(base_url="http://localhost:8000/v1", model="qwen2.5")`,
    `Summarizer(model_path="big.gguf", mode="abstractive")`.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        cache: Cache | None = None,
        backend_instance: Backend | None = None,
        **overrides: Any,
    ) -> None:
        if settings is None:
            settings = load_settings(**overrides)
        elif overrides:
            settings = load_settings(**{**settings.model_dump(exclude_unset=True), **overrides})
        self.settings = settings
        self.pipeline = Pipeline.from_settings(settings, cache=cache, backend=backend_instance)
        self.backend = self.pipeline.backend
        self._loop = LoopThread()

    def __repr__(self) -> str:
        return f"Summarizer(backend={self.backend.name!r}, model={self.backend.model!r})"

    # ---------------------------------------------------------------- one article

    async def asummarize(
        self, article: Article | str, *, targets: Sequence[str] | None = None, **fields: Any
    ) -> ArticleAnalysis:
        """Analyse one article (an Article, or text plus id/title/url)."""
        return await self.pipeline.analyze(self._article(article, targets, fields))

    def summarize(
        self, article: Article | str, *, targets: Sequence[str] | None = None, **fields: Any
    ) -> ArticleAnalysis:
        """Blocking form of asummarize."""
        prepared = self._article(article, targets, fields)
        return self._loop.run(self.pipeline.analyze(prepared))

    def _article(
        self, article: Article | str, targets: Sequence[str] | None, fields: dict[str, Any]
    ) -> Article:
        if isinstance(article, Article):
            if targets is not None:
                return replace(article, targets=normalize_targets(targets, article_id=article.id))
            return article
        return Article.create(
            article, targets=targets, max_chars=self.settings.max_input_chars, **fields
        )

    # ---------------------------------------------------------------- many articles

    def summarize_many(
        self, articles: Iterable[Article | str | dict[str, Any]], *, concurrency: int | None = None
    ) -> Iterator[BatchItem]:
        """Analyse many articles; yields one row per article as each finishes."""
        return summarize_many(self.pipeline, articles, concurrency=concurrency)

    def asummarize_many(
        self, articles: Iterable[Article | str | dict[str, Any]], *, concurrency: int | None = None
    ) -> AsyncIterator[BatchItem]:
        """Async form of summarize_many."""
        return asummarize_many(self.pipeline, articles, concurrency=concurrency)

    async def aclose(self) -> None:
        """Release the backend's connections for the running event loop."""
        await self.pipeline.aclose()

    # ---------------------------------------------------------------- identity

    def fingerprint(self) -> dict[str, str]:
        """backend, model, mode, prompt and schema versions: what resume compares."""
        return self.pipeline.fingerprint()

    def cache_key(self, article: Article) -> str:
        """The content address of this article's result under this configuration."""
        return self.pipeline.cache_key(article)


_DEFAULT: dict[tuple[tuple[str, Any], ...], Summarizer] = {}
_DEFAULT_LOCK = threading.Lock()


def summarize(
    text: str | Article, *, targets: Sequence[str] | None = None, **overrides: Any
) -> ArticleAnalysis:
    """Analyse one article with a Summarizer reused across calls with the same overrides."""
    key = tuple(sorted((k, v) for k, v in overrides.items() if v is not None))
    with _DEFAULT_LOCK:
        instance = _DEFAULT.get(key)
        if instance is None:
            instance = _DEFAULT[key] = Summarizer(**overrides)
    return instance.summarize(text, targets=targets)


def run_batch(
    inputs: list[str], output: Path, settings: Settings, options: BatchOptions
) -> BatchStats:
    """Analyse every article of the inputs into the JSONL file `output`, resuming by default.

    The response cache is on unless `options.use_cache` is False: in `settings.cache_dir`, else
    the default folder. Raises InputError for an input path that does not exist and
    ConfigError for unusable settings; per-article failures become error rows.
    """
    check_inputs(inputs)  # a typo in a path is reported before any model is set up
    cache: DiskCache | None = None
    if options.use_cache:
        cache = DiskCache(settings.cache_dir or default_cache_dir())
        settings = settings.model_copy(update={"cache_dir": cache.path})
    else:
        # Also clear the folder from the settings, so nothing below opens a cache on its own.
        settings = settings.model_copy(update={"cache_dir": None})
    return run_batch_with(Pipeline.from_settings(settings, cache=cache), inputs, output, options)
