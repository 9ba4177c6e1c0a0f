"""Articles from URLs: a careful fetcher (httpx2, the HTTP client the openai library ships with)
and the step from a fetched page to an Article through the same HTML path as files.

What a fetch guarantees, whatever the server does: it ends within `timeout` seconds in all
(a server that drips one byte a second is cut off too, not only one that stalls); the body is
at most `max_bytes` after decompression, checked against Content-Length before reading and
counted while reading (a gzip bomb stops at the cap); at most 5 redirects, each checked
against robots.txt when asked to; only HTML and plain text are read, anything else is refused
from its headers; the User-Agent names the tool. Every failure is an InputError with one
clear line (the batch turns it into an error row), never a traceback or a hang.

Fetches run on one private event loop thread (`Fetcher`), so blocking callers (the batch's
input reader, `Summarizer.summarize(url=...)`) and async callers share one connection pool,
one robots.txt cache and one per-host limit. Pages are kept in the response cache when one is
configured, so a re-run (or a resumed batch) reads them from disk instead of the network.
"""

from __future__ import annotations

import asyncio
import base64
import re
import time
import urllib.robotparser
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx2

from ..aio import LoopThread
from ..cache import Cache
from ..config import Settings
from ..errors import InputError
from ..events import DEFAULT, Emitter
from .article import DEFAULT_MAX_INPUT_CHARS, Article, decode_bytes
from .html import article_from_html

try:
    _VERSION = version("summarizer")
except PackageNotFoundError:  # a source tree that was never installed
    _VERSION = "0+unknown"

DEFAULT_USER_AGENT = f"summarizer/{_VERSION} (news article analysis; python-httpx2)"
# The token robots.txt groups are matched against.
ROBOTS_AGENT = "summarizer"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
_ROBOTS_MAX_BYTES = 500_000
_CACHE_PREFIX = "page:v1:"


def is_url(text: str) -> bool:
    """Whether `text` (stripped) is one http(s) URL and nothing else."""
    return _URL.fullmatch(text.strip()) is not None


@dataclass(frozen=True)
class FetchOptions:
    """How pages are fetched (each has a Settings field of the same meaning)."""

    timeout: float = 30.0
    max_bytes: int = 10_000_000
    per_host: int = 2
    respect_robots: bool = False
    user_agent: str = DEFAULT_USER_AGENT
    max_redirects: int = MAX_REDIRECTS

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchOptions:
        """The options the settings describe."""
        return cls(
            timeout=settings.fetch_timeout,
            max_bytes=settings.fetch_max_bytes,
            per_host=settings.fetch_per_host,
            respect_robots=settings.respect_robots,
            user_agent=settings.user_agent or DEFAULT_USER_AGENT,
        )


@dataclass(frozen=True)
class Page:
    """A fetched page: where it was asked for, where it ended up, and its bytes."""

    url: str
    final_url: str
    status: int
    content_type: str  # media type without parameters, "" when the server sent none
    charset: str | None
    body: bytes
    fetched_at: float = field(default_factory=time.time)
    from_cache: bool = False

    @property
    def is_html(self) -> bool:
        """HTML by its header, or (no header) by the look of its first bytes."""
        if self.content_type:
            return self.content_type in HTML_TYPES
        return self.body.lstrip()[:1] == b"<"

    def to_json(self) -> dict[str, Any]:
        """The page as a cache entry."""
        return {
            "url": self.url,
            "final_url": self.final_url,
            "status": self.status,
            "content_type": self.content_type,
            "charset": self.charset,
            "fetched_at": self.fetched_at,
            "body": base64.b64encode(self.body).decode("ascii"),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Page:
        """Inverse of to_json; raises ValueError (or KeyError) for an entry of another shape."""
        return cls(
            url=str(data["url"]),
            final_url=str(data["final_url"]),
            status=int(data["status"]),
            content_type=str(data["content_type"]),
            charset=data.get("charset"),
            body=base64.b64decode(data["body"], validate=True),
            fetched_at=float(data["fetched_at"]),
            from_cache=True,
        )


def _media_type(header: str | None) -> tuple[str, str | None]:
    """("text/html", "utf-8") from 'text/html; charset=UTF-8'."""
    if not header:
        return "", None
    kind, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return kind.strip().lower(), charset


class Fetcher:
    """Fetches pages on a private event loop; `fetch` blocks, `afetch` awaits, `submit` returns
    a future. Close it to release the connections and the thread."""

    def __init__(
        self,
        options: FetchOptions | None = None,
        *,
        cache: Cache | None = None,
        events: Emitter | None = None,
    ) -> None:
        self.options = options or FetchOptions()
        self.cache = cache
        self.events = events or DEFAULT
        self._loop = LoopThread("summarizer-fetch")
        self._client: httpx2.AsyncClient | None = None
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._pending: set[Future[Page]] = set()

    def submit(self, url: str) -> Future[Page]:
        """Start fetching; the future's result is the Page, or an InputError."""
        future = self._loop.submit(self._guarded(url))
        self._pending.add(future)
        future.add_done_callback(self._pending.discard)
        return future

    def fetch(self, url: str) -> Page:
        """Fetch one page, blocking; raises InputError with a one-line reason."""
        return self.submit(url).result()

    async def afetch(self, url: str) -> Page:
        """Fetch one page from any event loop."""
        return await asyncio.wrap_future(self.submit(url))

    def close(self) -> None:
        """Cancel fetches still running, close the connections and stop the fetch thread."""
        for future in list(self._pending):
            future.cancel()  # whoever waits on it wakes up now, not at its timeout
        if self._client is not None:
            self._loop.run(self._client.aclose())
        self._client = None
        self._loop.close()

    # ---------------------------------------------------------------- on the fetch loop

    def _http(self) -> httpx2.AsyncClient:
        if self._client is None:
            total = self.options.timeout
            self._client = httpx2.AsyncClient(
                timeout=httpx2.Timeout(total, connect=min(total, 10.0)),
                follow_redirects=False,  # followed by hand: counted, robots-checked per hop
                headers={"User-Agent": self.options.user_agent,
                         "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"},
                trust_env=False,
            )  # fmt: skip
        return self._client

    async def _guarded(self, url: str) -> Page:
        """The whole fetch under one deadline; every failure becomes an InputError."""
        url = url.strip()
        try:
            return await asyncio.wait_for(self._fetch(url), self.options.timeout)
        except InputError:
            raise
        except (asyncio.TimeoutError, httpx2.TimeoutException):
            # httpx2's read timeout equals the deadline, so a stalled server trips either one
            # first: on Python 3.10 the read timeout won 3 runs in 10. Both say the same.
            reason = f"no complete answer within {self.options.timeout:g} s"
        except httpx2.DecodingError:
            reason = "the response body could not be decompressed (broken gzip/deflate)"
        except (httpx2.InvalidURL, httpx2.UnsupportedProtocol) as exc:
            reason = f"not a fetchable http(s) URL ({exc})"
        except httpx2.ConnectError as exc:
            reason = f"cannot connect ({exc or type(exc).__name__})"
        except httpx2.HTTPError as exc:
            reason = f"{type(exc).__name__}: {exc}"
        raise InputError(reason, article_id=url)

    async def _fetch(self, url: str) -> Page:
        started = time.perf_counter()
        if not is_url(url):
            raise InputError("not an http(s) URL", article_id=url)
        cached = self._cached(url)
        if cached is not None:
            self._report(cached, started, redirects=0)
            return cached
        current, seen = url, [url]
        for hop in range(self.options.max_redirects + 1):
            if self.options.respect_robots:
                await self._check_robots(url, current)
            page, location = await self._get(url, current)
            if page is not None:
                if self.cache is not None:
                    self.cache.put(_CACHE_PREFIX + url, page.to_json())
                self._report(page, started, redirects=hop)
                return page
            assert location is not None
            if location in seen:
                chain = " -> ".join([*seen[seen.index(location) :], location])
                raise InputError(f"redirect loop ({chain})", article_id=url)
            seen.append(location)
            current = location
        raise InputError(
            f"more than {self.options.max_redirects} redirects (last: {current})",
            article_id=url,
        )

    def _host_slot(self, target: str) -> asyncio.Semaphore:
        host = urlsplit(target).netloc.lower()
        slot = self._hosts.get(host)
        if slot is None:
            slot = self._hosts[host] = asyncio.Semaphore(self.options.per_host)
        return slot

    async def _get(self, url: str, target: str) -> tuple[Page | None, str | None]:
        """One GET: the page, or the next location of a redirect."""
        limit = self.options.max_bytes
        async with self._host_slot(target), self._http().stream("GET", target) as response:
            status = response.status_code
            if status in _REDIRECTS and response.headers.get("location"):
                location = urljoin(target, response.headers["location"])
                if urlsplit(location).scheme.lower() not in ("http", "https"):
                    raise InputError("redirected to a non-http URL", article_id=url)
                return None, location
            if status >= 400:
                reason = response.reason_phrase or "error"
                raise InputError(f"HTTP {status} {reason}", article_id=url)
            if status != 200:
                raise InputError(f"unexpected HTTP status {status}", article_id=url)
            kind, charset = _media_type(response.headers.get("content-type"))
            if kind and kind not in HTML_TYPES and kind not in TEXT_TYPES:
                raise InputError(
                    f"content type {kind} is not HTML or text; not read", article_id=url
                )
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise InputError(
                    f"page is {int(declared):,} bytes, over the limit of {limit:,} "
                    "(fetch_max_bytes); not read",
                    article_id=url,
                )
            body = bytearray()
            async for chunk in response.aiter_bytes():  # decompressed: a gzip bomb is counted
                body += chunk
                if len(body) > limit:
                    raise InputError(
                        f"page is over the limit of {limit:,} bytes (fetch_max_bytes); "
                        "stopped reading",
                        article_id=url,
                    )
        if not body.strip():
            raise InputError("the server sent an empty page", article_id=url)
        page = Page(url, str(response.url), status, kind, charset, bytes(body))
        return page, None

    def _cached(self, url: str) -> Page | None:
        if self.cache is None:
            return None
        entry = self.cache.get(_CACHE_PREFIX + url)
        if entry is None:
            return None
        try:
            return Page.from_json(entry)
        except (KeyError, TypeError, ValueError):
            return None  # an entry of another shape is fetched afresh

    def _report(self, page: Page, started: float, *, redirects: int) -> None:
        self.events.emit(
            "url.fetched",
            f"{page.url}: {len(page.body):,} bytes"
            + (" from the cache" if page.from_cache else f", HTTP {page.status}"),
            article_id=page.url,
            latency_ms=int((time.perf_counter() - started) * 1000),
            url=page.url,
            final_url=page.final_url,
            status=page.status,
            bytes=len(page.body),
            content_type=page.content_type or None,
            cached=page.from_cache,
            redirects=redirects,
        )

    async def _check_robots(self, url: str, target: str) -> None:
        """Refuse `target` when its site's robots.txt disallows it for our agent (RFC 9309)."""
        parts = urlsplit(target)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:  # one robots.txt request per site, however many pages wait for it
            rules = self._robots.get(origin)
            if rules is None:
                rules = self._robots[origin] = await self._load_robots(origin)
        if not rules.can_fetch(ROBOTS_AGENT, target):
            raise InputError(
                f"robots.txt of {origin} disallows fetching {parts.path or '/'} "
                "(--respect-robots is on)",
                article_id=url,
            )

    async def _load_robots(self, origin: str) -> urllib.robotparser.RobotFileParser:
        rules = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        try:
            async with (
                self._host_slot(origin),
                self._http().stream(
                    "GET", origin + "/robots.txt", follow_redirects=True
                ) as response,
            ):
                status = response.status_code
                body = bytearray()
                if status == 200:
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) > _ROBOTS_MAX_BYTES:
                            break
        except httpx2.HTTPError:
            status = 503  # unreachable: RFC 9309 says assume complete disallow
        if status in (401, 403) or status >= 500:
            rules.parse(["User-agent: *", "Disallow: /"])
        elif status >= 400:
            rules.parse([])  # no robots.txt: everything is allowed
        else:
            rules.parse(bytes(body).decode("utf-8", "replace").splitlines())
        return rules


def article_from_page(
    page: Page,
    *,
    article_id: str | None = None,
    title: str | None = None,
    targets: Sequence[str] | None = None,
    max_chars: int = DEFAULT_MAX_INPUT_CHARS,
) -> Article:
    """The Article of a fetched page: HTML through article_from_html, text as text.

    The record keeps the final URL (after redirects). A charset named in the HTTP header is
    honoured when the body is not UTF-8, with a note (an encoding_problem flag), as for
    files whose charset had to be found.
    """
    article_id = article_id or page.url
    body, notes = page.body, []
    try:
        text: str | None = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = None
        if page.charset:
            try:
                text = body.decode(page.charset)
                notes.append(
                    f"input is not valid UTF-8 (byte {exc.start}); decoded as {page.charset} "
                    "(HTTP header)"
                )
            except (LookupError, UnicodeDecodeError):
                text = None
    if page.is_html:
        # Text decoded here from the header's charset, else the bytes: UTF-8, a <meta>
        # charset or detection, exactly as for an HTML file.
        article = article_from_html(
            text if notes and text is not None else body,
            article_id=article_id,
            url=page.final_url,
            title=title,
            targets=targets,
            max_chars=max_chars,
        )
        return replace(article, input_notes=(*notes, *article.input_notes)) if notes else article
    if text is None:
        text, note = decode_bytes(body, article_id=article_id)
        notes.extend([note] if note else [])
    return Article.create(
        text,
        id=article_id,
        title=title,
        url=page.final_url,
        targets=targets,
        max_chars=max_chars,
        input_notes=notes,
    )
