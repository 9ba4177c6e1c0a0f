"""The Python API: `summarize(text)` for one-off use, `Summarizer` to reuse a loaded model,
`run_batch` for a JSONL batch with resume and cache."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from .aio import LoopThread
from .backends import Backend
from .batch import BatchItem, BatchOptions, BatchStats, asummarize_many, summarize_many
from .batch import run_batch as run_batch_with
from .batch.runner import page_fetcher
from .cache import Cache, DiskCache, default_cache_dir
from .config import Settings, load_settings
from .errors import InputError
from .events import Emitter, EventHook
from .inputs import Article, Fetcher, Page, article_from_page, check_inputs, normalize_targets
from .logs import configure_logging
from .pipeline import Pipeline
from .schemas import ArticleAnalysis


class Summarizer:
    """Analyses articles with one configured backend; load once, call many times.

    Keyword overrides take precedence over environment variables, which take precedence over
    defaults (see Settings). `Summarizer(backend="openai", model="gpt-4o-mini")`,
    `Summarizer(base_url="http://localhost:8000/v1", model="qwen2.5")`,
    `Summarizer(model_path="big.gguf", mode="abstractive")`.

    `on_event` is called with every `summarizer.events.Event` (article started, cache hit,
    finished, failed, retries, re-asks, fetches, ...): the same events the log shows, as
    objects. Setting `log_level` (or SUMMARIZER_LOG_LEVEL) also sends the log to stderr.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        cache: Cache | None = None,
        backend_instance: Backend | None = None,
        on_event: EventHook | None = None,
        **overrides: Any,
    ) -> None:
        if settings is None:
            settings = load_settings(**overrides)
        elif overrides:
            settings = load_settings(**{**settings.model_dump(exclude_unset=True), **overrides})
        self.settings = settings
        if settings.log_level is not None or settings.log_json:
            configure_logging(settings.log_level, json=settings.log_json)
        self.events = Emitter([on_event] if on_event is not None else [])
        self.pipeline = Pipeline.from_settings(
            settings, cache=cache, backend=backend_instance, events=self.events
        )
        self.backend = self.pipeline.backend
        self._loop = LoopThread()
        self._fetcher: Fetcher | None = None
        self._fetcher_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Summarizer(backend={self.backend.name!r}, model={self.backend.model!r})"

    # ---------------------------------------------------------------- one article

    async def asummarize(
        self,
        article: Article | str | None = None,
        *,
        url: str | None = None,
        targets: Sequence[str] | None = None,
        **fields: Any,
    ) -> ArticleAnalysis:
        """Analyse one article: an Article, text plus id/title/url, or `url=` alone to fetch
        the page (HTML or text) and analyse it; the record keeps the final URL."""
        if article is None:
            page = await self.fetcher().afetch(self._url(url))
            built = await asyncio.to_thread(self._page_article, page, targets, fields)
        else:
            built = self._article(article, targets, {**fields, "url": url})
        return await self.pipeline.analyze(built, failure_level=logging.INFO)

    def summarize(
        self,
        article: Article | str | None = None,
        *,
        url: str | None = None,
        targets: Sequence[str] | None = None,
        **fields: Any,
    ) -> ArticleAnalysis:
        """Blocking form of asummarize."""
        if article is None:
            page = self.fetcher().fetch(self._url(url))
            built = self._page_article(page, targets, fields)
        else:
            built = self._article(article, targets, {**fields, "url": url})
        # The exception reaches the caller: logged below warning, so it is not said twice.
        return self._loop.run(self.pipeline.analyze(built, failure_level=logging.INFO))

    def fetcher(self) -> Fetcher:
        """The page fetcher of this Summarizer (made on first use; pages cached with answers)."""
        with self._fetcher_lock:
            if self._fetcher is None:
                self._fetcher = page_fetcher(self.settings, self.events)
            return self._fetcher

    @staticmethod
    def _url(url: str | None) -> str:
        if not url:
            raise InputError("give an article (text or Article) or url=")
        return url

    def _page_article(
        self, page: Page, targets: Sequence[str] | None, fields: dict[str, Any]
    ) -> Article:
        return article_from_page(
            page,
            article_id=fields.get("id"),
            title=fields.get("title"),
            targets=targets,
            max_chars=self.settings.max_input_chars,
        )

    def _article(
        self, article: Article | str, targets: Sequence[str] | None, fields: dict[str, Any]
    ) -> Article:
        if fields.get("url") is None:
            fields.pop("url", None)
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
        """Analyse many articles; yields one row per article as each finishes.

        Dicts with a `url` and no text or html are fetched first."""
        return summarize_many(self.pipeline, articles, concurrency=concurrency, events=self.events)

    def asummarize_many(
        self, articles: Iterable[Article | str | dict[str, Any]], *, concurrency: int | None = None
    ) -> AsyncIterator[BatchItem]:
        """Async form of summarize_many."""
        return asummarize_many(self.pipeline, articles, concurrency=concurrency, events=self.events)

    async def aclose(self) -> None:
        """Release the backend's connections for the running event loop (and the fetcher's)."""
        await self.pipeline.aclose()
        with self._fetcher_lock:
            fetcher, self._fetcher = self._fetcher, None
        if fetcher is not None:
            await asyncio.to_thread(fetcher.close)

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
    text: str | Article | None = None,
    *,
    url: str | None = None,
    targets: Sequence[str] | None = None,
    **overrides: Any,
) -> ArticleAnalysis:
    """Analyse one article (or, with `url=` alone, the page at that URL) with a Summarizer
    reused across calls with the same overrides."""
    key = tuple(sorted((k, v) for k, v in overrides.items() if v is not None))
    with _DEFAULT_LOCK:
        instance = _DEFAULT.get(key)
        if instance is None:
            instance = _DEFAULT[key] = Summarizer(**overrides)
    return instance.summarize(text, url=url, targets=targets)


def run_batch(
    inputs: list[str],
    output: Path,
    settings: Settings,
    options: BatchOptions,
    *,
    on_event: EventHook | None = None,
) -> BatchStats:
    """Analyse every article of the inputs into the JSONL file `output`, resuming by default.

    The response cache is on unless `options.use_cache` is False: in `settings.cache_dir`, else
    the default folder. Raises InputError for an input path that does not exist and
    ConfigError for unusable settings; per-article failures become error rows. `on_event`
    receives every event of the run, worker processes' included.
    """
    check_inputs(inputs)  # a typo in a path is reported before any model is set up
    cache: DiskCache | None = None
    if options.use_cache:
        cache = DiskCache(settings.cache_dir or default_cache_dir())
        settings = settings.model_copy(update={"cache_dir": cache.path})
    else:
        # Also clear the folder from the settings, so nothing below opens a cache on its own.
        settings = settings.model_copy(update={"cache_dir": None})
    events = Emitter([on_event] if on_event is not None else [])
    pipeline = Pipeline.from_settings(settings, cache=cache, events=events)
    return run_batch_with(pipeline, inputs, output, options, events=events)
