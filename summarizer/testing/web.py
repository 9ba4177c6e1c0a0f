"""A real HTTP server on 127.0.0.1 serving news pages and every way a site can misbehave.

`PageServer()` runs an aiohttp app in a background thread (like FakeOpenAIServer). Routes:

- /article.html, /article.txt: a short news report as HTML and as plain text
- /latin1.html: the report in ISO-8859-1, charset in the Content-Type header only
- /latin1-undeclared.html: ISO-8859-1 bytes, no charset anywhere
- /gzip.html: the report gzip-compressed (Content-Encoding: gzip); /bad-gzip.html: broken gzip
- /slow.html: no answer for `slow` seconds; /drip.html: headers, then one byte every 0.2 s
- /huge.html: declares 50 MB; /huge-chunked.html: streams without a length until cut off
- /bomb.html: 20 KB of gzip that inflates to 20 MB
- /image.png: a PNG; /empty.html: 200 with an empty body
- /redirect/N: N redirects, then the article; /loop/a <-> /loop/b: a redirect loop
- /status/CODE: that status (404, 500, ...)
- /robots.txt: disallows /private/ for every agent; /private/article.html
- /pause/N.html: the article after `pause` seconds (counts requests in flight)
- /v1/chat/completions: an OpenAI-style 500 whose body echoes the request's Authorization
  header plus another bearer token (for the never-log-a-key tests)

The article text is written for these tests (no third-party content).
"""

from __future__ import annotations

import asyncio
import gzip
from collections import Counter
from functools import lru_cache
from typing import Any

from aiohttp import web

from .threaded import BackgroundApp

ARTICLE_TITLE = "Harbour town opens a flood barrier after six years of work"
ARTICLE_PARAGRAPHS = (
    "The town council of Westhaven opened a new flood barrier on Tuesday, six years after "
    "a storm surge flooded more than two hundred homes along the harbour.",
    "Mayor Ingrid Solberg said the barrier would protect the old town from surges up to "
    "three metres high, and thanked the engineers who worked through two winters.",
    "The project cost 48 million euros, of which the national government paid two thirds. "
    "Residents had asked for the barrier since the flood of 2018.",
    "Critics on the council said the money would have been better spent on moving the "
    "lowest streets inland, but the plan passed with a large majority last spring.",
    "The barrier will be tested twice a year, and the first full closure is planned for "
    "the autumn storm season.",
)
LATIN1_SENTENCE = "Café owner Søren Müller said the façade of his café is finally safe."
SECRET_ECHO = "Bearer sk-echoedsecret0123456789abcdef"  # noqa: S105 - a fake, to be redacted


def article_html(extra: str = "") -> str:
    """The test article as an HTML page with a little site frame around it."""
    body = "\n".join(f"<p>{p}</p>" for p in ARTICLE_PARAGRAPHS)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{ARTICLE_TITLE}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{ARTICLE_TITLE}</h1>{body}{extra}</article>"
        "<footer>Copyright Westhaven Gazette</footer></body></html>"
    )


def article_text() -> str:
    """The test article as plain text."""
    return ARTICLE_TITLE + "\n\n" + "\n\n".join(ARTICLE_PARAGRAPHS) + "\n"


_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


@lru_cache(maxsize=1)
def _bomb_body() -> bytes:
    """~20 KB of gzip that inflates to 20 MB (made once per process, before serving)."""
    return gzip.compress(b"<html><body><p>" + b"a" * 20_000_000, compresslevel=9)


class PageServer(BackgroundApp):
    """The server as a context manager: `with PageServer() as site: site.url + "/article.html"`."""

    thread_name = "page-server"

    def __init__(self, *, slow: float = 30.0, pause: float = 0.2) -> None:
        super().__init__()
        self.slow = slow
        self.pause = pause
        self.hits: Counter[str] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0  # of /pause/ requests (others may stall on purpose)
        self.user_agents: list[str] = []

    # ------------------------------------------------------------------------- handlers

    def _application(self) -> web.Application:
        app = web.Application()
        routes = [
            ("/article.html", self._article),
            ("/article.txt", self._text),
            ("/latin1.html", self._latin1),
            ("/latin1-undeclared.html", self._latin1_undeclared),
            ("/gzip.html", self._gzip),
            ("/bad-gzip.html", self._bad_gzip),
            ("/bomb.html", self._bomb),
            ("/slow.html", self._slow),
            ("/drip.html", self._drip),
            ("/huge.html", self._huge),
            ("/huge-chunked.html", self._huge_chunked),
            ("/image.png", self._image),
            ("/empty.html", self._empty),
            ("/redirect/{n}", self._redirect),
            ("/loop/{side}", self._loop_redirect),
            ("/status/{code}", self._status),
            ("/robots.txt", self._robots),
            ("/private/article.html", self._article),
            ("/pause/{n}", self._pause),
        ]
        for path, handler in routes:
            app.router.add_get(path, self._counted(handler))
        app.router.add_post("/v1/chat/completions", self._echo_key)
        return app

    def _counted(self, handler: Any) -> Any:
        async def wrapped(request: web.Request) -> web.StreamResponse:
            self.hits[request.path] += 1
            self.user_agents.append(request.headers.get("User-Agent", ""))
            paused = request.path.startswith("/pause/")
            self.in_flight += paused
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                response: web.StreamResponse = await handler(request)
                return response
            finally:
                self.in_flight -= paused

        return wrapped

    async def _article(self, _request: web.Request) -> web.Response:
        return web.Response(text=article_html(), content_type="text/html", charset="utf-8")

    async def _text(self, _request: web.Request) -> web.Response:
        return web.Response(text=article_text(), content_type="text/plain", charset="utf-8")

    async def _latin1(self, _request: web.Request) -> web.Response:
        page = article_html(f"<p>{LATIN1_SENTENCE}</p>").replace("<meta charset='utf-8'>", "")
        return web.Response(
            body=page.encode("latin-1"), headers={"Content-Type": "text/html; charset=ISO-8859-1"}
        )

    async def _latin1_undeclared(self, _request: web.Request) -> web.Response:
        page = article_html(f"<p>{LATIN1_SENTENCE}</p>").replace("<meta charset='utf-8'>", "")
        return web.Response(body=page.encode("latin-1"), headers={"Content-Type": "text/html"})

    async def _gzip(self, _request: web.Request) -> web.Response:
        body = gzip.compress(article_html().encode("utf-8"))
        headers = {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}
        return web.Response(body=body, headers=headers)

    async def _bad_gzip(self, _request: web.Request) -> web.Response:
        headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
        return web.Response(body=b"\x1f\x8b\x08\x00 this is not gzip at all" * 20, headers=headers)

    async def _bomb(self, _request: web.Request) -> web.Response:
        body = _bomb_body()
        headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
        return web.Response(body=body, headers=headers)

    async def _slow(self, _request: web.Request) -> web.Response:
        await asyncio.sleep(self.slow)
        return await self._article(_request)

    async def _drip(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        try:
            for _ in range(int(self.slow / 0.2)):
                await response.write(b"<")
                await asyncio.sleep(0.2)
        except ConnectionError:
            pass  # the client gave up, as it should
        return response

    async def _huge(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.content_length = 50_000_000
        await response.prepare(request)
        await response.write(b"<html><body>" + b"x" * 65_536)
        return response  # the client must refuse it from the header alone

    async def _huge_chunked(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        chunk = b"<p>" + b"filler text " * 5_000 + b"</p>\n"
        try:
            for _ in range(1_000):  # ~60 MB at most; the client stops long before
                await response.write(chunk)
        except ConnectionError:
            pass  # the client stopped reading at its limit, as it should
        return response

    async def _image(self, _request: web.Request) -> web.Response:
        return web.Response(body=_PNG, content_type="image/png")

    async def _empty(self, _request: web.Request) -> web.Response:
        return web.Response(body=b"", content_type="text/html")

    async def _redirect(self, request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        target = "/article.html" if n <= 1 else f"/redirect/{n - 1}"
        raise web.HTTPFound(target)

    async def _loop_redirect(self, request: web.Request) -> web.Response:
        other = "b" if request.match_info["side"] == "a" else "a"
        raise web.HTTPMovedPermanently(f"/loop/{other}")

    async def _status(self, request: web.Request) -> web.Response:
        code = int(request.match_info["code"])
        return web.Response(status=code, text=f"status {code}", content_type="text/html")

    async def _robots(self, _request: web.Request) -> web.Response:
        return web.Response(text="User-agent: *\nDisallow: /private/\n", content_type="text/plain")

    async def _pause(self, _request: web.Request) -> web.Response:
        await asyncio.sleep(self.pause)
        return await self._article(_request)

    async def _echo_key(self, request: web.Request) -> web.Response:
        echoed = request.headers.get("Authorization", "")
        message = f"upstream refused: headers were Authorization: {echoed}; proxy {SECRET_ECHO}"
        body = {"error": {"message": message, "type": "server_error", "code": "echo"}}
        return web.json_response(body, status=500)

    # ------------------------------------------------------------------------ lifecycle

    def start(self) -> PageServer:
        """Serve in a background thread; returns once the port is bound."""
        _bomb_body()  # made now, so that no request waits for it
        self._start_thread()
        return self
