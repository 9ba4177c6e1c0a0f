"""A real OpenAI-compatible HTTP server on 127.0.0.1 for tests and benchmarks, with fault injection.

It serves POST /v1/chat/completions and GET /v1/models over aiohttp, in a background thread
(`FakeOpenAIServer(plan)`) or in a child process (`FakeOpenAIServer(plan, subprocess=True)`,
which keeps the server off the client's GIL for benchmarks). Its default answer is valid and
grounded: it reads the numbered sentences between <article> and </article> in the request and
fills in the answer schema the request carries (tool parameters or response_format).

Faults are deterministic. Each article (identified by the hash of its <article> block, which
stays the same across re-asks and retries) gets a *script*: the outcomes of its 1st, 2nd, ...
request, then "ok" for ever after; a script whose last outcome ends in "!" repeats that outcome
for ever. Scripts come from `FaultPlan.scripts` (the first key that occurs in the article text
wins) or, for `FaultPlan.rate` of the remaining articles, from a seeded draw.

Outcomes: ok, slow (extra delay), rate_limit (429 + Retry-After), server_error (500),
bad_gateway (502), unavailable (503), timeout (hang past the client timeout), malformed_body
(an HTTP body that is not JSON), malformed_json (answer text that is not JSON), schema_invalid
(valid JSON, wrong fields), ungrounded (right shape, citations that do not exist).

Run it by hand: `python -m summarizer.testing.fake_openai --latency 0.2 --port 8000`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import random
import re
import subprocess as sp
import sys
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

OUTCOMES = frozenset(
    {
        "ok",
        "slow",
        "rate_limit",
        "server_error",
        "bad_gateway",
        "unavailable",
        "timeout",
        "malformed_body",
        "malformed_json",
        "schema_invalid",
        "ungrounded",
    }
)
_STATUS = {"server_error": 500, "bad_gateway": 502, "unavailable": 503}
_SENTENCE_LINE = re.compile(r"^\[(\d+)\] ?(.*)$")
_WORD = re.compile(r"\w+")
_ARTICLE_OPEN = re.compile(r"^\s*<article>\s*$", re.M)


def always(outcome: str) -> list[str]:
    """A script that gives `outcome` to every request for the article."""
    return [f"{outcome}!"]


@dataclass
class FaultPlan:
    """What the server does: latency for everyone, and per-article fault scripts."""

    latency: float = 0.0  # seconds before every answer
    jitter: float = 0.0  # +/- this much, drawn per request from the seed
    retry_after: float = 0.05  # seconds announced in 429 answers
    hang: float = 30.0  # how long a "timeout" request stalls before answering
    slow: float = 1.0  # extra delay of a "slow" outcome
    scripts: dict[str, list[str]] = field(default_factory=dict)  # marker in article -> script
    rate: float = 0.0  # share of other articles that draw a script from random_scripts
    random_scripts: list[list[str]] = field(
        default_factory=lambda: [["rate_limit"], ["server_error"], ["malformed_json"]]
    )
    seed: int = 0
    model: str = "fake-model"

    def __post_init__(self) -> None:
        for script in [*self.scripts.values(), *self.random_scripts]:
            for outcome in script:
                if outcome.rstrip("!") not in OUTCOMES:
                    raise ValueError(f"unknown outcome {outcome!r}; known: {sorted(OUTCOMES)}")

    def script_for(self, article_text: str, article_key: str) -> list[str]:
        """The outcome script of one article."""
        for marker, script in self.scripts.items():
            if marker in article_text:
                return script
        if self.rate > 0:
            draw = _unit(f"{self.seed}:rate:{article_key}")
            if draw < self.rate:
                pick = int(_unit(f"{self.seed}:pick:{article_key}") * len(self.random_scripts))
                return self.random_scripts[min(pick, len(self.random_scripts) - 1)]
        return []

    def to_json(self) -> str:
        """The plan as JSON (to hand to a server subprocess)."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> FaultPlan:
        """Inverse of to_json."""
        return cls(**json.loads(text))


def _unit(text: str) -> float:
    """A deterministic number in [0, 1) from a string."""
    digest = hashlib.sha256(text.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def outcome_at(script: list[str], n: int) -> str:
    """The outcome of the n-th (0-based) request of an article under its script."""
    if n < len(script):
        return script[n].rstrip("!")
    if script and script[-1].endswith("!"):
        return script[-1].rstrip("!")
    return "ok"


# ------------------------------------------------------------------------ reading requests


@dataclass
class ParsedRequest:
    """What the responder needs from a chat-completion request."""

    sentences: list[tuple[int, str]]
    article_text: str
    targets: list[str]
    schema: dict[str, Any] | None
    style: str  # "tools" or "content"
    tool_name: str | None
    model: str
    prompt_chars: int


def _message_text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def parse_request(body: dict[str, Any]) -> ParsedRequest:
    """Find the article, targets and answer schema in a chat-completion request body."""
    messages = body.get("messages") or []
    texts = [_message_text(m) for m in messages if isinstance(m, dict)]
    # The article block opens with a line of its own; the system prompt merely mentions the tag.
    user = next((t for t in texts if _ARTICLE_OPEN.search(t)), "")
    sentences: list[tuple[int, str]] = []
    targets: list[str] = []
    inside = False
    block: list[str] = []
    for line in user.splitlines():
        stripped = line.strip()
        if stripped == "<article>":
            inside = True
            continue
        if stripped == "</article>":
            inside = False
            continue
        if inside:
            block.append(line)
            match = _SENTENCE_LINE.match(line)
            if match:
                sentences.append((int(match.group(1)), match.group(2)))
            elif sentences:  # a sentence that spans lines
                sid, text = sentences[-1]
                sentences[-1] = (sid, f"{text}\n{line}")
        elif line.startswith("Targets: "):
            with contextlib.suppress(ValueError):
                parsed = json.loads(line[len("Targets: ") :])
                targets = [str(t) for t in parsed] if isinstance(parsed, list) else []
    schema: dict[str, Any] | None = None
    style, tool_name = "content", None
    tools = body.get("tools")
    if isinstance(tools, list) and tools:
        function = tools[0].get("function", {})
        schema, style, tool_name = function.get("parameters"), "tools", function.get("name")
    else:
        fmt = body.get("response_format")
        if isinstance(fmt, dict):
            schema = (fmt.get("json_schema") or {}).get("schema") or fmt.get("schema")
        if not isinstance(schema, dict):
            # JSON and Markdown-JSON styles put the schema into the prompt text instead.
            schema = next((found for t in texts if (found := _schema_in_text(t))), None)
    return ParsedRequest(
        sentences=sentences,
        article_text="\n".join(block),
        targets=targets,
        schema=schema if isinstance(schema, dict) else None,
        style=style,
        tool_name=tool_name,
        model=str(body.get("model") or ""),
        prompt_chars=sum(len(t) for t in texts),
    )


def _schema_in_text(text: str) -> dict[str, Any] | None:
    """The first JSON object in a text that looks like a JSON Schema (has "properties")."""
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start >= 0:
        try:
            obj, _end = decoder.raw_decode(text, start)
        except ValueError:
            obj = None
        if isinstance(obj, dict) and isinstance(obj.get("properties"), dict):
            return obj
        start = text.find("{", start + 1)
    return None


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local $ref."""
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = schema
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        return target if isinstance(target, dict) else {}
    return node


def schema_targets(schema: dict[str, Any]) -> list[str] | None:
    """The target names a schema's target_stances demands, in order (None: no such field)."""
    prop = (schema.get("properties") or {}).get("target_stances")
    if not isinstance(prop, dict):
        return None
    names: list[str] = []
    for item in prop.get("prefixItems") or []:
        target = (_resolve(schema, item).get("properties") or {}).get("target") or {}
        if "const" in target:
            names.append(str(target["const"]))
        elif target.get("enum"):
            names.append(str(target["enum"][0]))
    return names


# -------------------------------------------------------------------------- building answers


def _clip_words(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut or text[:limit]


def _mentions(sentence: str, target: str) -> bool:
    """Whether a sentence names the target (case-insensitive; or a distinctive word of it)."""
    low = sentence.casefold()
    if target.casefold() in low:
        return True
    words = set(_WORD.findall(low))
    return any(w in words for w in _WORD.findall(target.casefold()) if len(w) > 3)


def build_answer(request: ParsedRequest, *, grounded: bool = True) -> dict[str, Any]:
    """A valid answer to the request's schema; grounded=False cites sentences that do not exist."""
    sents = request.sentences or [(0, "")]
    ids = [sid for sid, _ in sents]
    text = dict(sents)
    # Key points need content; skip sentences too short to make one when there is a choice.
    usable = [sid for sid, s in sents if len(s.strip()) >= 5 and _WORD.search(s)] or ids
    first3 = usable[:3] if len(usable) >= min(3, len(ids)) else ids[:3]
    schema = request.schema or {}
    properties = schema.get("properties")
    extractive = (
        "key_sentences" in properties
        if isinstance(properties, dict)
        else "key_sentences" in json.dumps(schema)
    )
    wanted = schema_targets(schema) if schema else None
    targets = wanted if wanted is not None else request.targets
    lead_words = " ".join(text[ids[0]].split()).split(" ")
    filler = " ".join(" ".join(text[i].split()) for i in ids[1:]).split(" ")
    headline_words = lead_words[:15]
    while len(" ".join(headline_words)) < 8 and filler:
        headline_words.append(filler.pop(0))  # a too-short lead sentence borrows words
    headline = _clip_words(" ".join(headline_words), 110)
    missing = max(ids) + 50  # an id no article shown has
    answer: dict[str, Any]
    if extractive:
        answer = {
            "key_sentences": first3 if grounded else [missing, missing + 1, missing + 2],
            "headline": _clip_words(" ".join(lead_words[:10]), 85),
            "article_type": "news_report",
            "stances": [],
            "target_stances": [],
        }
        for target in targets:
            where = next((sid for sid, s in sents if _mentions(s, target)), ids[0])
            answer["target_stances"].append(
                {"target": target, "label": "neutral", "sentence": where if grounded else missing}
            )
    else:
        summary = " ".join(" ".join(text[i].split()) for i in ids[:2])
        extra = iter(ids[2:])
        while len(summary) < 20:
            nxt = next(extra, None)
            if nxt is None:
                summary = (summary + " " + summary).strip() or "No article text was given."
                break
            summary += " " + " ".join(text[nxt].split())
        answer = {
            "headline": headline,
            "summary": _clip_words(summary, 880),
            "key_points": [
                {"text": _clip_words(text[i], 290), "evidence": [i if grounded else missing]}
                for i in first3
            ],
            "article_type": "news_report",
            "stances": [],
            "target_stances": [],
            "flags": [],
        }
        for target in targets:
            found = next((s for _sid, s in sents if target.casefold() in s.casefold()), None)
            if found is None:
                entry: dict[str, Any] = {"target": target, "label": "not_mentioned", "quote": None}
            elif grounded:
                entry = {"target": target, "label": "neutral", "quote": _clip_words(found, 480)}
            else:
                entry = {
                    "target": target,
                    "label": "neutral",
                    "quote": "words this article never said",
                }
            answer["target_stances"].append(entry)
    if isinstance(properties, dict):  # answer exactly the fields the schema asks for
        answer = {k: v for k, v in answer.items() if k in properties}
    return answer


def _schema_invalid(request: ParsedRequest) -> dict[str, Any]:
    """Valid JSON in the wrong shape: wrong types, required fields missing, an unknown field."""
    return {"headline": 42, "key_sentences": "all of them", "unexpected": True}


# ----------------------------------------------------------------------------------- server


@dataclass
class ServerStats:
    """Counters kept by a running server (also served at GET /_stats)."""

    requests: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    articles: int = 0
    max_in_flight: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe copy."""
        return {
            "requests": self.requests,
            "outcomes": dict(self.outcomes),
            "articles": self.articles,
            "max_in_flight": self.max_in_flight,
        }


class _App:
    """The request handlers and their state; lives on the server's event loop only."""

    def __init__(self, plan: FaultPlan, *, keep_requests: bool = False) -> None:
        self.plan = plan
        self.keep_requests = keep_requests
        self.requests: list[dict[str, Any]] = []
        self.stats = ServerStats()
        self.seen: dict[str, int] = {}
        self.in_flight = 0
        self.counter = 0
        self.rng = random.Random(plan.seed)

    def build(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", self.chat)
        app.router.add_get("/v1/models", self.models)
        app.router.add_get("/_stats", self.stats_handler)
        return app

    async def models(self, _request: web.Request) -> web.Response:
        model = {"id": self.plan.model, "object": "model", "created": 0, "owned_by": "fake"}
        return web.json_response({"object": "list", "data": [model]})

    async def stats_handler(self, _request: web.Request) -> web.Response:
        return web.json_response(self.stats.to_dict())

    async def chat(self, request: web.Request) -> web.StreamResponse:
        self.in_flight += 1
        self.stats.max_in_flight = max(self.stats.max_in_flight, self.in_flight)
        try:
            return await self._chat(request)
        finally:
            self.in_flight -= 1

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        self.stats.requests += 1
        self.counter += 1
        number = self.counter
        try:
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("body is not an object")
        except ValueError as exc:
            return _error(400, f"invalid JSON body: {exc}", "invalid_request_error")
        if self.keep_requests:
            self.requests.append(body)
        parsed = parse_request(body)
        key = hashlib.sha256(parsed.article_text.encode()).hexdigest()
        attempt = self.seen.get(key, 0)
        if attempt == 0:
            self.stats.articles += 1
        self.seen[key] = attempt + 1
        outcome = outcome_at(self.plan.script_for(parsed.article_text, key), attempt)
        self.stats.outcomes[outcome] += 1
        delay = self.plan.latency
        if self.plan.jitter:
            delay += self.rng.uniform(-self.plan.jitter, self.plan.jitter)
        if outcome == "slow":
            delay += self.plan.slow
        elif outcome == "timeout":
            delay += self.plan.hang
        if delay > 0:
            await asyncio.sleep(delay)
        if outcome == "rate_limit":
            response = _error(429, "Rate limit reached; slow down.", "rate_limit_exceeded")
            response.headers["Retry-After"] = f"{self.plan.retry_after:g}"
            response.headers["retry-after-ms"] = str(int(self.plan.retry_after * 1000))
            return response
        if outcome in _STATUS:
            return _error(_STATUS[outcome], f"injected {outcome}", "server_error")
        if outcome == "malformed_body":
            return web.Response(
                status=200,
                text='{"id": "chatcmpl-broken", "choices": [{"mess',
                content_type="application/json",
            )
        if outcome == "malformed_json":
            answer_text = '{"headline": "An answer that stops in the mid'
        elif outcome == "schema_invalid":
            answer_text = json.dumps(_schema_invalid(parsed))
        else:
            answer = build_answer(parsed, grounded=outcome != "ungrounded")
            answer_text = json.dumps(answer, ensure_ascii=False)
        return web.json_response(_completion(parsed, answer_text, number))


def _error(status: int, message: str, code: str) -> web.Response:
    kind = (
        "rate_limit_error"
        if status == 429
        else ("invalid_request_error" if status < 500 else "server_error")
    )
    body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    return web.json_response(body, status=status)


def _completion(parsed: ParsedRequest, answer_text: str, number: int) -> dict[str, Any]:
    """A chat.completion carrying the answer the way the request asked for it."""
    message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
    if parsed.style == "tools":
        message["tool_calls"] = [
            {
                "id": f"call_{number}",
                "type": "function",
                "function": {"name": parsed.tool_name or "answer", "arguments": answer_text},
            }
        ]
    else:
        message["content"] = answer_text
    prompt_tokens = max(1, parsed.prompt_chars // 4)
    completion_tokens = max(1, len(answer_text) // 4)
    return {
        "id": f"chatcmpl-{number}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": parsed.model,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


_CHILD = "import sys; from summarizer.testing.fake_openai import main; main(sys.argv[1:])"


class FakeOpenAIServer:
    """The fake server as a context manager: `with FakeOpenAIServer(plan) as server: server.url`.

    `url` is the root (http://127.0.0.1:PORT); point an OpenAI client at `url + "/v1"`.
    """

    def __init__(
        self,
        plan: FaultPlan | None = None,
        *,
        subprocess: bool = False,
        keep_requests: bool = False,
    ) -> None:
        self.plan = plan or FaultPlan()
        self.in_subprocess = subprocess
        self.keep_requests = keep_requests
        self.url = ""
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._app: _App | None = None
        self._process: sp.Popen[str] | None = None

    # -- lifecycle

    def start(self) -> FakeOpenAIServer:
        """Start serving; returns self once the port is bound."""
        if self.in_subprocess:
            self._start_process()
        else:
            self._start_thread()
        return self

    def _start_thread(self) -> None:
        ready = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                self.url = loop.run_until_complete(self._serve())
            except BaseException as exc:  # reported to start() below
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=serve, name="fake-openai", daemon=True)
        self._thread.start()
        ready.wait(30)
        if failure:
            raise failure[0]
        if not self.url:
            raise RuntimeError("fake OpenAI server did not start within 30 s")

    async def _serve(self, port: int = 0) -> str:
        self._app = _App(self.plan, keep_requests=self.keep_requests)
        # Hanging "timeout" handlers must not hold up shutdown for long.
        self._runner = web.AppRunner(self._app.build(), access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port, backlog=1024)
        await site.start()
        host, bound = self._runner.addresses[0][:2]
        return f"http://{host}:{bound}"

    def _start_process(self) -> None:
        # The child must import this very package, installed or not.
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        self._process = sp.Popen(  # noqa: S603 - our own module, fixed arguments
            # -c rather than -m: the package __init__ already imports this module.
            [sys.executable, "-c", _CHILD, "--plan", self.plan.to_json()],
            stdin=sp.PIPE,
            stdout=sp.PIPE,
            text=True,
            env=env,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline().strip()
        if not line.startswith("http://"):
            self._process.kill()
            raise RuntimeError(f"fake OpenAI server failed to start: {line!r}")
        self.url = line

    def stop(self) -> None:
        """Stop serving (idempotent)."""
        if self._process is not None:
            process, self._process = self._process, None
            with contextlib.suppress(OSError):
                if process.stdin:
                    process.stdin.close()  # the child exits when its stdin closes
            try:
                process.wait(5)
            except sp.TimeoutExpired:
                process.kill()
                process.wait()
        if self._loop is not None and self._thread is not None:
            loop = self._loop
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(10)
            loop.call_soon_threadsafe(loop.stop)
            self._thread.join(10)
            self._loop = self._thread = None

    async def _shutdown(self) -> None:
        """Close the listener, then end handlers still stalling (injected hangs)."""
        if self._runner is not None:
            await self._runner.cleanup()
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- inspection

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Request bodies received so far (thread mode with keep_requests=True only)."""
        return list(self._app.requests) if self._app is not None else []

    def stats(self) -> dict[str, Any]:
        """The server's counters: requests, outcomes by kind, distinct articles, peak in flight."""
        if self._app is not None and not self.in_subprocess:
            loop = self._loop
            assert loop is not None

            async def snapshot() -> dict[str, Any]:
                assert self._app is not None
                return self._app.stats.to_dict()

            return asyncio.run_coroutine_threadsafe(snapshot(), loop).result(10)
        with urllib.request.urlopen(f"{self.url}/_stats", timeout=10) as response:  # noqa: S310
            data: dict[str, Any] = json.load(response)
            return data


# ------------------------------------------------------------------------------ entry point


async def _main_async(plan: FaultPlan, port: int) -> None:
    server = FakeOpenAIServer(plan)
    url = await server._serve(port)
    print(url, flush=True)
    loop = asyncio.get_running_loop()
    # Serve until stdin closes: the parent closing it, or dying, ends this process too.
    await loop.run_in_executor(None, sys.stdin.read)
    await server._shutdown()


def main(argv: list[str] | None = None) -> None:
    """Command line: serve until stdin closes (or Ctrl-C)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--plan", help="FaultPlan as JSON")
    parser.add_argument("--latency", type=float, help="seconds before every answer")
    parser.add_argument("--rate", type=float, help="share of articles given a random fault script")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    plan = FaultPlan.from_json(args.plan) if args.plan else FaultPlan()
    for name in ("latency", "rate", "seed"):
        value = getattr(args, name)
        if value is not None:
            setattr(plan, name, value)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main_async(plan, args.port))


if __name__ == "__main__":
    main()
