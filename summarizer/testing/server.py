"""A real OpenAI-compatible HTTP server on 127.0.0.1 for tests and benchmarks, with fault injection.

It serves POST /v1/chat/completions, GET /v1/models, and the Files and Batch APIs
(/v1/files, /v1/batches: `batches`) over aiohttp, in a background thread
(`FakeOpenAIServer(plan)`) or in a child process (`FakeOpenAIServer(plan, subprocess=True)`,
which keeps the server off the client's GIL for benchmarks). Answers come from `answers`,
faults from the plan's scripts (`faults`).

Run it by hand: `python -m summarizer.testing.server --latency 0.2 --port 8000`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import random
import subprocess as sp
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from .answers import ParsedRequest, build_answer, parse_request, schema_invalid_answer
from .batches import BatchService, run_batch_text
from .faults import FaultPlan, outcome_at
from .hostile import chunked_invalid_answer, drop_connection
from .threaded import BackgroundApp

_STATUS = {"server_error": 500, "bad_gateway": 502, "unavailable": 503}


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
        # Per request number, between deciding an outcome and answering it (other requests
        # may be answered in between): a refusal's error, a truncated answer's budget.
        self.refusals: dict[int, tuple[int, dict[str, Any]]] = {}
        self.budgets: dict[int, int] = {}
        self.in_flight = 0
        self.counter = 0
        self.rng = random.Random(plan.seed)
        self.batches = BatchService(self)

    def build(self) -> web.Application:
        app = web.Application(client_max_size=256 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", self.chat)
        app.router.add_get("/v1/models", self.models)
        app.router.add_get("/_stats", self.stats_handler)
        self.batches.routes(app)
        return app

    async def models(self, _request: web.Request) -> web.Response:
        model: dict[str, Any] = {
            "id": self.plan.model, "object": "model", "created": 0, "owned_by": "fake"
        }  # fmt: skip
        if self.plan.advertise_context and self.plan.context_window:
            model["max_model_len"] = self.plan.context_window  # as vLLM lists it
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
        try:
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("body is not an object")
        except ValueError as exc:
            self.stats.requests += 1
            self.counter += 1
            return _error(400, f"invalid JSON body: {exc}", "invalid_request_error")
        outcome, parsed, number = self.decide(body)
        delay = self.plan.latency
        if self.plan.jitter:
            delay += self.rng.uniform(-self.plan.jitter, self.plan.jitter)
        if outcome == "slow":
            delay += self.plan.slow
        elif outcome == "timeout":
            delay += self.plan.hang
        if delay > 0:
            await asyncio.sleep(delay)
        if outcome == "timeout":
            drop_connection(request)  # no answer at all, however late the client reads
        if outcome == "echo_headers":
            echoed = json.dumps(dict(request.headers))
            return _error(400, f"bad request; headers received: {echoed}", "invalid_request")
        if outcome == "huge_answer_chunked":
            return await chunked_invalid_answer(request, self.plan.huge_bytes)
        status, payload, headers = self.answer(outcome, parsed, number)
        if isinstance(payload, str):
            return web.Response(status=status, text=payload, content_type="application/json")
        return web.json_response(payload, status=status, headers=headers)

    def decide(self, body: dict[str, Any]) -> tuple[str, ParsedRequest, int]:
        """Count one chat-completion request and pick its outcome from the article's script
        (HTTP requests and batch lines alike: they share each article's script)."""
        self.stats.requests += 1
        self.counter += 1
        if self.keep_requests:
            self.requests.append(body)
        parsed = parse_request(body)
        refusal = self._refusal(body, parsed)
        if refusal is not None:
            self.stats.outcomes["refused"] += 1
            self.refusals[self.counter] = refusal
            return "refused", parsed, self.counter
        key = hashlib.sha256(parsed.article_text.encode()).hexdigest()
        attempt = self.seen.get(key, 0)
        if attempt == 0:
            self.stats.articles += 1
        self.seen[key] = attempt + 1
        outcome = outcome_at(self.plan.script_for(parsed.article_text, key), attempt)
        self.stats.outcomes[outcome] += 1
        if outcome == "truncated":  # the answer will claim the whole budget
            budget = body.get("max_completion_tokens") or body.get("max_tokens") or 16
            self.budgets[self.counter] = int(budget)
        return outcome, parsed, self.counter

    def answer(
        self, outcome: str, parsed: ParsedRequest, number: int
    ) -> tuple[int, dict[str, Any] | str, dict[str, str]]:
        """Status, body (an object, or raw text for a mangled body) and headers of an outcome.
        Over HTTP a "timeout" never answers and "echo_headers" repeats the request's headers
        (see _chat); in a batch file they answer normally and with no headers."""
        if outcome == "echo_headers":
            body = _error_body(400, "bad request; headers received: {}", "invalid_request")
            return 400, body, {}
        if outcome == "rate_limit":
            headers = {
                "Retry-After": f"{self.plan.retry_after:g}",
                "retry-after-ms": str(int(self.plan.retry_after * 1000)),
            }
            body = _error_body(429, "Rate limit reached; slow down.", "rate_limit_exceeded")
            return 429, body, headers
        if outcome in _STATUS:
            return _STATUS[outcome], _error_body(500, f"injected {outcome}", "server_error"), {}
        if outcome == "invalid_request":  # a validation error answered as 500
            return 500, _error_body(500, "1 validation error: Input should be valid", ""), {}
        if outcome == "refused":  # a server-wide refusal decided in `decide`
            status, error = self.refusals.pop(number)
            return status, error, {}
        if outcome == "malformed_body":
            return 200, '{"id": "chatcmpl-broken", "choices": [{"mess', {}
        if outcome == "malformed_json":
            answer_text = '{"headline": "An answer that stops in the mid'
        elif outcome in ("huge_answer", "huge_answer_chunked", "long_answer"):
            size = self.plan.huge_bytes if outcome != "long_answer" else 200_000
            answer_text = '{"headline": "' + "blah " * (size // 5)
        elif outcome == "schema_invalid":
            answer_text = json.dumps(schema_invalid_answer(parsed))
        else:
            answer = build_answer(parsed, grounded=outcome != "ungrounded")
            answer_text = json.dumps(answer, ensure_ascii=False)
        reply = _completion(parsed, answer_text, number)
        if outcome == "truncated":  # cut at max_tokens, reported as finished
            _cut(reply, self.budgets.pop(number, 16))
        return 200, reply, {}

    def _refusal(
        self, body: dict[str, Any], parsed: ParsedRequest
    ) -> tuple[int, dict[str, Any]] | None:
        """The server-wide refusals of the plan: a style it lacks, a prompt over its window."""
        fmt = body.get("response_format")
        style = "tools" if body.get("tools") else "text"
        if isinstance(fmt, dict) and fmt.get("type") == "json_object":
            style = "json_object" if "schema" in fmt else "json"  # our two json_object styles
        elif isinstance(fmt, dict) and fmt.get("type"):
            style = str(fmt["type"])
        if style in self.plan.refuse_styles:  # llama-cpp-python's answer to json_schema
            return 500, _error_body(
                500,
                "1 validation error: {'type': 'literal_error', 'loc': ('body', "
                "'response_format', 'type'), 'msg': \"Input should be 'text' or "
                f"'json_object'\", 'input': '{style}'}}",
                "",
            )
        window = self.plan.context_window
        budget = int(body.get("max_completion_tokens") or body.get("max_tokens") or 0)
        prompt = max(1, parsed.prompt_chars // 4)
        if window is not None and prompt + budget > window:
            return 400, _error_body(
                400,
                f"This model's maximum context length is {window} tokens. However, you "
                f"requested {prompt + budget} tokens ({prompt} in the messages, {budget} in "
                "the completion). Please reduce the length of the messages or completion.",
                "context_length_exceeded",
            )
        return None


def _error_body(status: int, message: str, code: str) -> dict[str, Any]:
    kind = (
        "rate_limit_error"
        if status == 429
        else ("invalid_request_error" if status < 500 else "server_error")
    )
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def _error(status: int, message: str, code: str) -> web.Response:
    return web.json_response(_error_body(status, message, code), status=status)


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


def _cut(reply: dict[str, Any], budget: int) -> None:
    """Cut a reply's answer to half its text, claiming `budget` completion tokens."""
    message = reply["choices"][0]["message"]
    if message.get("tool_calls"):
        function = message["tool_calls"][0]["function"]
        function["arguments"] = function["arguments"][: len(function["arguments"]) // 2]
    else:
        message["content"] = (message["content"] or "")[: len(message["content"] or "") // 2]
    usage = reply["usage"]
    usage["completion_tokens"] = budget
    usage["total_tokens"] = usage["prompt_tokens"] + budget


_CHILD = "import sys; from summarizer.testing.server import main; main(sys.argv[1:])"


class FakeOpenAIServer(BackgroundApp):
    """The fake server as a context manager: `with FakeOpenAIServer(plan) as server: server.url`.

    `url` is the root (http://127.0.0.1:PORT); point an OpenAI client at `url + "/v1"`.
    """

    thread_name = "fake-openai"
    backlog = 1024

    def __init__(
        self,
        plan: FaultPlan | None = None,
        *,
        subprocess: bool = False,
        keep_requests: bool = False,
    ) -> None:
        super().__init__()
        self.plan = plan or FaultPlan()
        self.in_subprocess = subprocess
        self.keep_requests = keep_requests
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

    def _application(self) -> web.Application:
        self._app = _App(self.plan, keep_requests=self.keep_requests)
        return self._app.build()

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
        self._stop_thread()

    def run_batch_file(self, requests: Path, output: Path) -> None:
        """Answer a request file offline into an output file, as vLLM's `run-batch` does, with
        this server's responder and fault scripts (thread mode only)."""
        if self._app is None or self._loop is None or self.in_subprocess:
            raise RuntimeError("run_batch_file needs a started server in thread mode")
        app = self._app
        text_in = requests.read_text(encoding="utf-8")

        async def run() -> str:  # on the server's loop: the responder's state lives there
            return run_batch_text(app, text_in)

        text = asyncio.run_coroutine_threadsafe(run(), self._loop).result(600)
        output.write_text(text, encoding="utf-8")

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
    server.port = port
    url = await server._serve()
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
