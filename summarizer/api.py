"""The Python API: `summarize(text)` for one-off use, `Summarizer` to reuse a loaded model."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Coroutine, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .article import Article
from .backends import Backend, make_backend
from .config import Settings, load_settings
from .pipeline import Cache, Pipeline
from .schemas import ArticleAnalysis

if TYPE_CHECKING:
    from .batch import BatchItem

T = TypeVar("T")


class _LoopThread:
    """A private event loop in a daemon thread, so sync calls work even inside a running loop
    (notebooks) and async clients keep one loop for their whole life."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine to completion on the private loop."""
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._loop.run_forever, daemon=True).start()
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()


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
        if cache is None and settings.cache_dir is not None:
            from .cache import DiskCache

            cache = DiskCache(Path(settings.cache_dir))
        self.backend = backend_instance or make_backend(settings)
        self.pipeline = Pipeline(settings, self.backend, cache)
        self._loop = _LoopThread()

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
                from dataclasses import replace

                from .article import normalize_targets

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
        from .batch import summarize_many

        return summarize_many(self, articles, concurrency=concurrency)

    def asummarize_many(
        self, articles: Iterable[Article | str | dict[str, Any]], *, concurrency: int | None = None
    ) -> AsyncIterator[BatchItem]:
        """Async form of summarize_many."""
        from .batch import asummarize_many

        return asummarize_many(self, articles, concurrency=concurrency)

    async def aclose(self) -> None:
        """Release the backend's connections for the running event loop."""
        closer = getattr(self.backend, "aclose", None)
        if closer is not None:
            await closer()

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
