"""The chat-completion request of an article, and the checking of its answer, exactly as the
direct path does them, for requests that travel in a file instead of an HTTP call.

The direct path hands instructor `messages`, `max_tokens` and the answer model; instructor's
request handler for the configured mode adds the tool or `response_format` definition, and
the backend adds `model`, `temperature` and `seed`. Here the same handlers build the same body,
parse an answer with the same validators (the article's GroundingContext made visible through
`validation_context`), and write the same re-ask messages when an answer fails, so a repaired
article reaches the model exactly as its second direct attempt would.
"""

from __future__ import annotations

import json
from typing import Any, cast

from instructor.processing.response import handle_response_model, process_response
from instructor.v2.core.mode import Mode
from instructor.v2.core.providers import Provider
from instructor.v2.core.registry import mode_registry
from openai.types.chat import ChatCompletion
from pydantic import BaseModel

from ..backends.base import GenerationRequest, instructor_model
from ..backends.openai import OpenAIBackend
from ..backends.servers import INSTRUCTOR_MODE
from ..backends.transport import ArticleCall
from ..config import Settings
from ..schemas.answers import validation_context


class Wire:
    """Request bodies, answer parsing and re-asks for one structured-output mode."""

    def __init__(self, settings: Settings, backend: OpenAIBackend) -> None:
        self.style = settings.openai_mode
        self.mode = Mode[INSTRUCTOR_MODE[self.style]]
        self.backend = backend

    def _prepared(self, request: GenerationRequest) -> tuple[type[BaseModel], dict[str, Any]]:
        """instructor's view of the request: its response model and the create kwargs."""
        prepared, kwargs = handle_response_model(
            instructor_model(request.response_model),
            self.mode,
            messages=request.messages,
            max_tokens=request.max_tokens,
        )
        return cast(type[BaseModel], prepared), kwargs

    def body(self, request: GenerationRequest) -> dict[str, Any]:
        """The JSON body the direct path would POST to /chat/completions for this request."""
        _model, kwargs = self._prepared(request)
        call = ArticleCall(request=request, mode=self.style, budget=request.max_tokens)
        return self.backend.request_body(kwargs, call)

    def parse(self, request: GenerationRequest, completion: ChatCompletion) -> BaseModel:
        """The validated, grounded answer in a completion; raises what instructor would raise
        (a ValidationError or JSONDecodeError for a bad answer, IncompleteOutputException for
        one cut off at max_tokens)."""
        model, _kwargs = self._prepared(request)
        with validation_context(request.context):
            value = process_response(
                completion,
                response_model=model,
                stream=False,
                validation_context=None,
                strict=True,
                mode=self.mode,
            )
        return cast(BaseModel, value)

    def reask_messages(
        self, request: GenerationRequest, completion: ChatCompletion, error: Exception
    ) -> list[dict[str, Any]]:
        """The messages of the next attempt after `completion` failed with `error`: the
        answer and the validation error appended, as instructor's retry loop does it."""
        _model, kwargs = self._prepared(request)
        handlers = mode_registry.get_handlers(Provider.OPENAI, self.mode)
        reasked = handlers.reask_handler(kwargs=kwargs, response=completion, exception=error)
        return cast(list[dict[str, Any]], reasked["messages"])


def encode_line(custom_id: str, body: dict[str, Any]) -> bytes:
    """One line of a Batch API request file (also vLLM's `run-batch` input format)."""
    line = {"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions", "body": body}
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
