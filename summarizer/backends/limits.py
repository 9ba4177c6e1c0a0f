"""A cap on how much of a server's answer is read, and on how long an answer may be.

Issue 12: a server that answered with 5 MB of invalid text had the whole body read, parsed,
and sent back in every re-ask (13 requests of 5.25 MB). An answer to a request for at most
`max_tokens` tokens cannot honestly be that long, so:

- `capped_http_client` gives the openai client an HTTP client whose response hook refuses a
  body over `max_bytes`: at once from its Content-Length, else while the body is read (the
  stream is wrapped), so no more than the cap is ever held in memory;
- `refuse_overlong_answer` refuses an answer text longer than `max_tokens` can produce as it
  arrives, before instructor validates it, so it never goes back to the model in a re-ask
  (nor is it retried with a doubled budget: the server ignored the budget it had).

Both raise errors that are neither transient nor a validation failure: no retry, no re-ask.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx2
import openai

from ..errors import BackendError
from .base import raw_text

# Bytes of a chat-completion body allowed per requested token, and the floor of the cap. A
# JSON answer of 640 tokens is about 2.5 KB on the fake server and on OpenAI; the envelope
# (ids, usage, the tool call) adds well under 1 KB. 1 MiB is hundreds of times that.
MIN_RESPONSE_BYTES = 1 << 20
BYTES_PER_TOKEN = 64
# The longest answer text max_tokens tokens can make: real vocabularies average 3-5
# characters per token, and the longest single tokens are a few dozen characters.
CHARS_PER_TOKEN = 16


class ResponseTooLarge(openai.OpenAIError):
    """The server's response body is over the size cap (an OpenAIError: openai passes it on
    as it is, instead of wrapping it as a connection error that would be retried)."""


def response_cap(max_tokens: int) -> int:
    """The largest response body, in bytes, read for a request of `max_tokens`."""
    return max(MIN_RESPONSE_BYTES, BYTES_PER_TOKEN * max_tokens)


class _CappedStream(httpx2.AsyncByteStream):
    """A response body that raises ResponseTooLarge once more than `cap` bytes arrived."""

    def __init__(self, inner: httpx2.AsyncByteStream, cap: int) -> None:
        self._inner = inner
        self._cap = cap

    async def __aiter__(self) -> AsyncIterator[bytes]:
        seen = 0
        async for chunk in self._inner:
            seen += len(chunk)
            if seen > self._cap:
                raise ResponseTooLarge(
                    f"the server's response is over {self._cap:,} bytes; stopped reading it"
                )
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


def _hook(cap: int) -> Any:
    async def cap_response(response: httpx2.Response) -> None:
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > cap:
            raise ResponseTooLarge(
                f"the server's response is {int(length):,} bytes, over the {cap:,}-byte cap"
            )
        if isinstance(response.stream, httpx2.AsyncByteStream):
            response.stream = _CappedStream(response.stream, cap)

    return cap_response


def capped_http_client(max_bytes: int, **kwargs: Any) -> Any:
    """openai's default async HTTP client, plus the response-size cap (kwargs pass through)."""
    return openai.DefaultAsyncHttpxClient(event_hooks={"response": [_hook(max_bytes)]}, **kwargs)


def check_answer_length(text: str, max_tokens: int) -> str | None:
    """Why an answer text is too long for `max_tokens` to have produced it, or None."""
    limit = CHARS_PER_TOKEN * max_tokens
    if max_tokens <= 0 or len(text) <= limit:
        return None
    return (
        f"the model's answer is {len(text):,} characters, more than max_tokens={max_tokens} "
        f"can produce (at most {limit:,}); the server ignored max_tokens, and the answer was "
        "not sent back in a re-ask"
    )


def refuse_overlong_answer(
    response: Any, max_tokens: int, article_id: str | None, attempts: int
) -> None:
    """Raise BackendError for an answer longer than max_tokens can make: checked as it
    arrives, so it is neither retried with a larger budget nor sent back in a re-ask."""
    reason = check_answer_length(raw_text(response), max_tokens)
    if reason is not None:
        raise BackendError(reason, article_id=article_id, attempts=attempts)
