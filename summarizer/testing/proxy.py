"""A logging reverse proxy for OpenAI-compatible servers: counts and describes every request.

Put it between summarizer and a real server to see how many requests one article cost and
what each asked for (structured-output style, answer budget, strict flag) and got (status,
finish_reason, token counts). Used by the interop tests against llama-cpp-python's server.

    with LoggingProxy("http://127.0.0.1:8000") as proxy:
        ...  # point the client at proxy.url + "/v1"
        proxy.chat_requests()  # one ProxyEntry per POST .../chat/completions

By hand: `python -m summarizer.testing.proxy --upstream http://127.0.0.1:8000 --port 8001`
prints one JSON line per request.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any

import aiohttp
from aiohttp import web

from .threaded import BackgroundApp

# Headers that describe one hop, not the message (RFC 9110 7.6.1), plus those aiohttp sets.
_HOP = frozenset(
    {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
     "transfer-encoding", "upgrade", "host", "content-length", "content-encoding"}
)  # fmt: skip


@dataclass
class ProxyEntry:
    """One proxied request and its answer, as far as they concern structured output."""

    method: str
    path: str
    status: int
    seconds: float
    style: str | None = None  # json_schema, tools, json_object, text
    strict: bool | None = None
    max_tokens: int | None = None
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    error: str | None = None

    @property
    def is_chat(self) -> bool:
        """A chat-completion request (the ones that cost model time)."""
        return self.method == "POST" and self.path.rstrip("/").endswith("/chat/completions")


def describe_request(body: Any) -> dict[str, Any]:
    """Style, strict flag and budget of a chat-completion request body."""
    if not isinstance(body, dict):
        return {}
    style, strict = "text", None
    if body.get("tools"):
        style = "tools"
        function = (body["tools"][0] or {}).get("function") or {}
        strict = function.get("strict")
    fmt = body.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type"):
        style = str(fmt["type"])
        if style == "json_schema":
            strict = (fmt.get("json_schema") or {}).get("strict")
    budget = body.get("max_completion_tokens", body.get("max_tokens"))
    return {"style": style, "strict": strict, "max_tokens": budget}


def describe_response(status: int, body: Any) -> dict[str, Any]:
    """finish_reason and token counts of an answer, or the error message of a refusal."""
    if not isinstance(body, dict):
        return {}
    if status >= 400:
        error = body.get("error", body)
        message = error.get("message") if isinstance(error, dict) else error
        return {"error": " ".join(str(message or body).split())[:300]}
    out: dict[str, Any] = {}
    choices = body.get("choices")
    if isinstance(choices, list) and choices and isinstance(choices[0], dict):
        out["finish_reason"] = choices[0].get("finish_reason")
    usage = body.get("usage")
    if isinstance(usage, dict):
        out["prompt_tokens"] = usage.get("prompt_tokens")
        out["completion_tokens"] = usage.get("completion_tokens")
    return out


class LoggingProxy(BackgroundApp):
    """A reverse proxy on 127.0.0.1 in a background thread; `entries` lists what passed."""

    thread_name = "logging-proxy"

    def __init__(self, upstream: str, *, port: int = 0, echo: bool = False) -> None:
        super().__init__()
        self.upstream = upstream.rstrip("/")
        self.port = port
        self.echo = echo
        self.entries: list[ProxyEntry] = []
        self._lock = threading.Lock()
        self._session: aiohttp.ClientSession | None = None

    # -- the handler

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        assert self._session is not None
        start = time.perf_counter()
        data = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP}
        asked: dict[str, Any] = {}
        with contextlib.suppress(ValueError):
            asked = describe_request(json.loads(data)) if data else {}
        url = self.upstream + request.path_qs
        # No read timeout: a small model on a busy CPU may take minutes for one answer.
        async with self._session.request(
            request.method, url, data=data, headers=headers, allow_redirects=False
        ) as upstream:
            payload = await upstream.read()
            status = upstream.status
            reply_headers = {k: v for k, v in upstream.headers.items() if k.lower() not in _HOP}
        got: dict[str, Any] = {}
        with contextlib.suppress(ValueError):
            got = describe_response(status, json.loads(payload)) if payload else {}
        entry = ProxyEntry(
            method=request.method,
            path=request.path,
            status=status,
            seconds=round(time.perf_counter() - start, 3),
            **asked,
            **got,
        )
        with self._lock:
            self.entries.append(entry)
        if self.echo:
            print(json.dumps(asdict(entry)), flush=True)
        return web.Response(status=status, body=payload, headers=reply_headers)

    def _application(self) -> web.Application:
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=30)
        self._session = aiohttp.ClientSession(timeout=timeout)
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app

    async def _close(self) -> None:
        if self._session is not None:
            await self._session.close()

    # -- inspection

    def chat_requests(self) -> list[ProxyEntry]:
        """The chat-completion requests so far, in order."""
        with self._lock:
            return [e for e in self.entries if e.is_chat]

    def clear(self) -> None:
        """Forget what passed so far (one test case at a time)."""
        with self._lock:
            self.entries.clear()


def main(argv: list[str] | None = None) -> None:
    """Command line: proxy until Ctrl-C, one JSON line per request on stdout."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--upstream", required=True, help="e.g. http://127.0.0.1:8000")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    proxy = LoggingProxy(args.upstream, port=args.port, echo=True).start()
    print(f"proxying {proxy.url} -> {proxy.upstream}", file=sys.stderr, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        proxy.stop()


if __name__ == "__main__":
    main()
