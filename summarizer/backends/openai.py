"""OpenAI and every OpenAI-compatible server (vLLM, Ollama, llama.cpp server, LM Studio).

One article costs as few requests as the server allows (issue 16): transient failures are
retried with backoff; permanent ones (an invalid request, whatever its status code) are not;
a refused structured-output style falls back to the next (servers.FALLBACK_ORDER) and the one
that works is remembered for the process; an answer cut at its token budget is retried once
with a larger budget, never re-asked as if it were invalid; a prompt over the server's context
raises ContextWindowExceeded so the pipeline can cut the article to fit and try once more.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import json
import weakref
from typing import Any

import openai
from openai.types.chat import ChatCompletion
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from .. import events
from ..config import Settings
from ..errors import BackendError, ConfigError, ContextWindowExceeded, GroundingError
from .base import BaseBackend, CallLog, Generation, GenerationRequest, astructured_call
from .limits import capped_http_client, refuse_overlong_answer, response_cap
from .servers import (
    INSTRUCTOR_MODE,
    ask_context,
    classify,
    context_limit,
    facts,
    is_openai_api,
    model_family,
    modes_to_try,
    probing,
    server_key,
)
from .strict import full_schema_for, strict_schema_for
from .transport import (
    ArticleCall,
    BackoffHonouringRetryAfter,
    MalformedResponseError,
    ModeRefused,
    cut_short,
    fields_of,
    is_transient,
    last_validation_error,
    status_message,
    stopped_early,
)

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
# Assumed when neither the settings nor the server say (OpenAI's current models hold 128k).
DEFAULT_SERVER_CONTEXT = 128_000
# The largest answer budget a truncation retry asks for (Settings.max_tokens allows as much).
MAX_ANSWER_BUDGET = 16_384


def _report_retry(state: RetryCallState) -> None:
    """Tell the log, hooks and the call's span that a transient failure is retried, and when."""
    error = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    events.transient_retry(state.attempt_number, float(wait), error)


class OpenAIBackend(BaseBackend):
    """The async openai client wrapped by instructor; transient errors retried by tenacity."""

    name = "openai"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model = settings.model or DEFAULT_OPENAI_MODEL
        if settings.api_key is None and settings.base_url is None:
            raise ConfigError(
                "the openai backend needs OPENAI_API_KEY, or --base-url for a local server"
            )
        # One async client per event loop: pooled connections must not cross loops.
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, openai.AsyncOpenAI]
        self._clients = weakref.WeakKeyDictionary()
        self._key = server_key(settings.base_url, self.model)
        # Strict schemas by default only where they are known to be enforced: OpenAI's API.
        # Elsewhere the full schema (string bounds, tuples) constrains grammar-based decoders.
        self.strict = (
            settings.strict if settings.strict is not None else is_openai_api(settings.base_url)
        )

    @property
    def context_tokens(self) -> int:
        """Configured, else stated by the server (or its error), else OpenAI's 128k."""
        return (
            self.settings.context_tokens
            or facts(self._key).context_tokens
            or DEFAULT_SERVER_CONTEXT
        )

    def _client(self) -> openai.AsyncOpenAI:
        """The client for the running event loop, created on first use."""
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            settings = self.settings
            # Local servers (vLLM, Ollama) accept any key; the client library insists on one.
            key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"
            client = openai.AsyncOpenAI(
                api_key=key,
                base_url=settings.base_url,
                timeout=settings.timeout,
                max_retries=0,  # tenacity owns retries: counted and bounded in one place
                http_client=capped_http_client(response_cap(settings.resolved_max_tokens)),
            )
            self._clients[loop] = client
        return client

    async def aclose(self) -> None:
        """Close the HTTP client of the running event loop (open sockets otherwise linger)."""
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.close()

    async def send(self, body: dict[str, Any]) -> ChatCompletion:
        """POST one chat completion: a single HTTP exchange, no retries, no re-asks."""
        # The client's documented low-level `post` rather than the typed `create`: `create`
        # walks every message and the whole tool schema against its TypedDict annotations
        # (about 1 ms of CPU per call, benchmarks/batch_overhead.py), and the body instructor
        # builds is plain JSON already. Auth, base URL, timeout and error types are the same.
        try:
            return await self._client().post("/chat/completions", body=body, cast_to=ChatCompletion)
        except json.JSONDecodeError as exc:
            # A transport fault, not the model's answer: retry it, never re-ask the model.
            raise MalformedResponseError(f"the response body is not JSON ({exc.msg})") from None

    # ------------------------------------------------------------------ context window

    async def discover_context(self) -> int | None:
        """Ask the server for its context window once per process (unless configured).

        vLLM lists `max_model_len` in /v1/models, llama.cpp's server `n_ctx` in /props, Ollama
        the loaded model's window in /api/ps or `num_ctx` in /api/show. OpenAI's API is not
        asked. A server that states nothing is learnt from its first context error instead.
        """
        if self.settings.context_tokens or is_openai_api(self.settings.base_url):
            return self.settings.context_tokens
        known = facts(self._key)
        if known.context_checked:
            return known.context_tokens
        async with probing((*self._key, "context")):
            if not known.context_checked:
                found = await ask_context(self._client(), self.settings.base_url or "", self.model)
                if found is not None:
                    known.context_tokens = min(found, known.context_tokens or found)
                known.context_checked = True
        return known.context_tokens

    # ------------------------------------------------------------------ one article

    async def generate(self, request: GenerationRequest) -> Generation:
        """One structured answer; validation failures are re-asked by instructor.

        Tries the structured-output styles still open for this server, in the fixed order,
        until one is accepted; the refused requests count as attempts.
        """
        await self.discover_context()
        if request.context_tokens is not None and self.context_tokens < request.context_tokens:
            raise ContextWindowExceeded(
                f"the server's context window is {self.context_tokens} tokens, smaller than the "
                f"{request.context_tokens} the article was fitted to",
                article_id=request.article_id,
                limit=self.context_tokens,
            )
        refused: list[ModeRefused] = []
        for mode in modes_to_try(self._key, self.settings.openai_mode):
            call = ArticleCall(request=request, mode=mode, budget=request.max_tokens)
            try:
                generation = await astructured_call(
                    functools.partial(self._raw_create, call=call), INSTRUCTOR_MODE[mode], request
                )
            except ModeRefused as exc:
                refused.append(exc)
                continue
            except (BackendError, GroundingError) as exc:
                exc.attempts += sum(e.sent for e in refused)  # refused requests count too
                raise
            generation.attempts += sum(e.sent for e in refused)
            generation.structured_output_mode = self._mode_label(mode)
            return generation
        tried = ", ".join(e.mode for e in refused) or self.settings.openai_mode
        last = refused[-1].message if refused else "no structured-output style left to try"
        error = BackendError(
            f"the server accepts none of the structured-output styles tried ({tried}); "
            f"last refusal: {last}",
            article_id=request.article_id,
            attempts=sum(e.sent for e in refused),
        )
        raise error

    def _mode_label(self, mode: str) -> str:
        return f"{mode}_strict" if self.strict and mode in ("json_schema", "tools") else mode

    def _raw_create(self, log: CallLog, call: ArticleCall) -> Any:
        """The create function instructor drives: body shaping, retries, truncation, guards."""

        async def create(**kwargs: Any) -> Any:
            body = self.request_body(kwargs, call)
            call.phase = "reask" if call.answers else "first"
            if call.phase == "reask":
                self._check_reask_fits(body, call, log)
            call.sent_messages = len(body["messages"])
            response = await self._send_counted(body, call, log)
            refuse_overlong_answer(response, call.budget, call.request.article_id, log.calls + 1)
            family = facts(self._key).family or model_family(self.model)
            param = family.completion_tokens_param
            if cut_short(response, int(body[param]), call.mode):
                window = stopped_early(response, int(body[param]))
                if window is not None:  # the server's context ended: learn it, do not grow
                    if not self.settings.context_tokens:
                        known = facts(self._key)
                        known.context_tokens = min(window, known.context_tokens or window)
                    self._record(log, call, response)
                    raise self._truncation_error(response, call, log, by_context=True)
                grown = self._grown_budget(response, call, family.reasoning_allowance)
                self._record(log, call, response)  # billed, and counted as a model call
                if grown is None:
                    raise self._truncation_error(response, call, log)
                call.budget, call.grown, call.phase = grown, True, "grow"
                body[param] = grown + family.reasoning_allowance
                try:
                    response = await self._send_counted(body, call, log)
                except ContextWindowExceeded:  # the larger budget did not fit after all
                    raise self._truncation_error(response, call, log) from None
                if cut_short(response, int(body[param]), call.mode):
                    self._record(log, call, response)
                    raise self._truncation_error(response, call, log)
            self._record(log, call, response)
            usage = getattr(response, "usage", None)
            call.last_prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
            return response

        return create

    @staticmethod
    def _record(log: CallLog, call: ArticleCall, response: Any) -> None:
        """Count an answer: in the call log (provenance) and in this article's call."""
        log.record(response)
        call.answers += 1

    def request_body(self, kwargs: dict[str, Any], call: ArticleCall) -> dict[str, Any]:
        """The request body: instructor's, with our model, sampling and schema choices (strict
        schemas, the model family's token parameter). The Batch API's request files use it too,
        so a request sent in a file is the one the direct path would POST."""
        settings = self.settings
        family = facts(self._key).family or model_family(self.model)
        body = dict(kwargs)
        body.setdefault("model", self.model)
        body.pop("max_tokens", None)
        body[family.completion_tokens_param] = call.budget + family.reasoning_allowance
        if family.temperature:
            body.setdefault("temperature", settings.temperature)
        else:
            body.pop("temperature", None)
        if settings.seed is not None:
            body.setdefault("seed", settings.seed)
        if not family.system_messages:
            body["messages"] = [
                {**m, "role": "user"} if m.get("role") == "system" else m for m in body["messages"]
            ]
        model = call.request.response_model
        if call.mode == "json_schema" and self.strict:
            fmt = body.get("response_format") or {}
            name = (fmt.get("json_schema") or {}).get("name") or model.__name__
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": name, "schema": strict_schema_for(model), "strict": True},
            }
        elif call.mode == "tools" and self.strict and body.get("tools"):
            function = body["tools"][0]["function"]
            strict_function = {**function, "parameters": strict_schema_for(model), "strict": True}
            body["tools"] = [{"type": "function", "function": strict_function}]
        elif call.mode == "json_object":
            # llama.cpp and llama-cpp-python compile this schema into a decoding grammar.
            body["response_format"] = {"type": "json_object", "schema": full_schema_for(model)}
        return body

    async def _exchange(self, body: dict[str, Any], call: ArticleCall) -> ChatCompletion:
        """One HTTP exchange. While the style is not known to work on this server, exchanges
        go one at a time (per event loop), so a refusal is learnt once rather than by every
        article in flight; the lock is held for this one exchange only, never across backoff.
        """
        known = facts(self._key)
        if known.working_mode != call.mode:
            async with probing(self._key):
                if known.working_mode != call.mode:  # still unknown once the lock is ours
                    if call.mode in known.refused_modes:
                        raise ModeRefused(
                            f"{call.mode} was refused earlier by this server",
                            mode=call.mode,
                            article_id=call.request.article_id,
                            sent=False,
                        )
                    try:
                        response = await self.send(body)
                    except openai.APIStatusError as exc:
                        if classify(exc) == "mode_refused":
                            known.refused_modes.add(call.mode)
                        raise
                    known.working_mode = known.working_mode or call.mode
                    return response
        return await self.send(body)

    async def _send_counted(
        self, body: dict[str, Any], call: ArticleCall, log: CallLog
    ) -> ChatCompletion:
        """One request, transient failures retried; every other failure is ours to explain."""
        settings = self.settings
        article_id = call.request.article_id
        adapted = False
        timeouts = 0

        def worth_retrying(exc: BaseException) -> bool:
            # A timed-out request keeps a local server busy (llama-cpp-python does not cancel
            # it): 7 tries of a 400 s re-ask queued 7 generations (issue 16). One more try.
            nonlocal timeouts
            if isinstance(exc, openai.APITimeoutError):
                timeouts += 1
                return timeouts <= 1
            return is_transient(exc)

        while True:
            retrying = AsyncRetrying(
                retry=retry_if_exception(worth_retrying),
                stop=stop_after_attempt(settings.max_transient_retries + 1),
                wait=BackoffHonouringRetryAfter(settings.retry_max_wait),
                before_sleep=_report_retry,
                reraise=True,
            )
            try:
                async for attempt in retrying:
                    with attempt:
                        if attempt.retry_state.attempt_number > 1:
                            log.transient_retries += 1
                        return await self._exchange(body, call)
            except openai.APIStatusError as exc:
                kind = classify(exc)
                if kind in ("max_tokens_param", "temperature_param") and not adapted:
                    # A model the family table does not know yet: adapt once and remember.
                    adapted = True
                    self._adapt_family(kind, body)
                    continue
                raise self._status_error(exc, kind, body, call, log) from None
            except openai.APIConnectionError as exc:
                raise BackendError(
                    f"cannot reach the model server ({type(exc).__name__}) after "
                    f"{log.transient_retries + 1} tries",
                    article_id=article_id,
                    attempts=log.calls + log.transient_retries + 1,
                ) from None
            except MalformedResponseError as exc:
                raise BackendError(
                    f"{exc} after {log.transient_retries + 1} tries",
                    article_id=article_id,
                    attempts=log.calls + log.transient_retries + 1,
                ) from None

    def _adapt_family(self, kind: str, body: dict[str, Any]) -> None:
        known = facts(self._key)
        family = known.family or model_family(self.model)
        if kind == "max_tokens_param":
            budget = body.pop(family.completion_tokens_param)
            family = dataclasses.replace(family, completion_tokens_param="max_completion_tokens")
            body["max_completion_tokens"] = budget
        else:
            family = dataclasses.replace(family, temperature=False)
            body.pop("temperature", None)
        known.family = family

    def _status_error(
        self,
        exc: openai.APIStatusError,
        kind: str,
        body: dict[str, Any],
        call: ArticleCall,
        log: CallLog,
    ) -> BackendError | GroundingError:
        article_id = call.request.article_id
        attempts = log.calls + log.transient_retries + 1
        if kind == "mode_refused" and call.mode != "md_json":
            return ModeRefused(
                f"{call.mode} refused: {status_message(exc)}", mode=call.mode,
                article_id=article_id,
            )  # fmt: skip
        if kind == "context_exceeded":
            limit = context_limit(exc)
            known = facts(self._key)
            if limit is not None and not self.settings.context_tokens:
                known.context_tokens = min(limit, known.context_tokens or limit)
            if call.phase == "reask":  # the article fitted; the re-ask's growth did not
                why = ", and the server refused the re-ask as too long for its context"
                return self._reask_error(body, call, log, why)
            hint = "" if limit is not None else "; set --context-tokens to the server's window"
            error: BackendError = ContextWindowExceeded(
                f"the prompt does not fit the model's context: {status_message(exc)}{hint}",
                article_id=article_id,
                attempts=attempts,
                limit=limit,
            )
        else:
            error = BackendError(
                status_message(exc), article_id=article_id, attempts=attempts,
                status_code=exc.status_code,
            )  # fmt: skip
        error.status_code = exc.status_code
        return error

    # ------------------------------------------------------------------ budgets

    def _grown_budget(self, response: Any, call: ArticleCall, allowance: int) -> int | None:
        """The one larger budget a truncated answer is retried with, or None (no room)."""
        if call.grown:
            return None
        usage = getattr(response, "usage", None)
        prompt = int(getattr(usage, "prompt_tokens", 0) or 0)
        room = self.context_tokens - prompt - allowance - 8
        grown = min(call.budget * 2, MAX_ANSWER_BUDGET, room)
        return grown if grown > call.budget else None

    def _truncation_error(
        self, response: Any, call: ArticleCall, log: CallLog, *, by_context: bool = False
    ) -> BackendError:
        usage = getattr(response, "usage", None)
        used = int(getattr(usage, "completion_tokens", 0) or 0)
        prompt = int(getattr(usage, "prompt_tokens", 0) or 0)
        if by_context:
            where = (
                f"after {used} tokens, where the server's context ended ({prompt} prompt "
                f"tokens + {used})"
            )
        else:
            retried = ", also after one retry with double the budget" if call.grown else ""
            where = f"at its budget of {call.budget} tokens{retried}"
        error = BackendError(
            f"the model's answer was cut off {where}; raise --max-tokens (now "
            f"{self.settings.resolved_max_tokens}) or the server's context, or use a model "
            "that writes shorter answers",
            article_id=call.request.article_id,
            attempts=log.calls,
        )
        error.prompt_tokens, error.completion_tokens = log.prompt_tokens, log.completion_tokens
        return error

    def _check_reask_fits(self, body: dict[str, Any], call: ArticleCall, log: CallLog) -> None:
        """Refuse a re-ask past the article's budget of model calls (a retry of a cut answer
        counts), or one that cannot fit the context: the server would only reject it.

        The re-ask prompt is the last prompt plus what instructor appended since (the answer
        and the validation error), estimated from the last usage and the new messages' length.
        """
        if call.answers >= call.request.max_attempts:
            why = f" (--max-attempts {call.request.max_attempts})"
            raise self._reask_error(body, call, log, why)
        window = self.settings.context_tokens or facts(self._key).context_tokens
        if not window:
            return
        added = body["messages"][call.sent_messages :]
        estimate = call.last_prompt_tokens + self.count_tokens(
            json.dumps(added, ensure_ascii=False)
        )
        family = facts(self._key).family or model_family(self.model)
        if estimate + call.budget + family.reasoning_allowance > window:
            raise self._reask_error(
                body, call, log,
                f", and a re-ask (~{estimate} prompt tokens + {call.budget} for the answer) "
                f"does not fit the model's {window}-token context",
            )  # fmt: skip

    def _reask_error(
        self, body: dict[str, Any], call: ArticleCall, log: CallLog, why: str
    ) -> GroundingError:
        """The last answer was invalid and it cannot be re-asked (`why` says why not)."""
        problem = last_validation_error(body["messages"][call.sent_messages :])
        said = " ".join(problem.split())[:200]
        error = GroundingError(
            f"no valid, grounded answer after {log.calls} attempt(s){why}"
            + (f"; last problem: {said}" if said else ""),
            article_id=call.request.article_id,
            attempts=log.calls,
            fields=fields_of(problem),
            last_raw_output=log.last_output[:4000],
        )
        error.prompt_tokens, error.completion_tokens = log.prompt_tokens, log.completion_tokens
        return error
