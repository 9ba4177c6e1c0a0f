"""Collect: the batch's answers validated like direct answers, failures repaired through direct
calls, and the rows written by the batch runner itself (resume, cache, stats, one writer).

`BatchAnswers` is an Analyzer (summarizer.batch.rows) whose `analyze` takes an article's
answer from the result files instead of calling the model, so `summarizer.batch.run_batch`
drives it over the re-read inputs exactly as it drives the direct pipeline: the same plan
(shard, duplicate ids, input errors, resume), the same error rows, the same JSONL writer.

Counting matches the direct path, so the rows match too. A batch line that reached the model
counts as the first call (its tokens, and its answer's validation); a line that failed the
way the direct path retries (429, 5xx, a timeout, a mangled body) counts as the first
transient try, and the repair gets one transient retry fewer; an answer that fails
validation is re-asked with instructor's own re-ask messages and one attempt fewer. A line
that never ran (expired, cancelled, missing) is no try at all: its article is asked afresh.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Literal

from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException

from ..backends.base import (
    CallLog,
    Generation,
    GenerationRequest,
    translate_failure,
)
from ..backends.openai import OpenAIBackend
from ..config import Settings
from ..errors import BackendError, ConfigError
from ..inputs import Article
from ..pipeline import Pipeline
from ..schemas import ArticleAnalysis
from .results import LineResult, ResultIndex
from .state import custom_id
from .wire import Wire

Repair = Literal["direct", "none"]


class BatchAnswers:
    """An Analyzer over a batch's results; `repair="direct"` re-asks failures directly."""

    def __init__(
        self, pipeline: Pipeline, results: ResultIndex, digest: str, repair: Repair
    ) -> None:
        if not isinstance(pipeline.backend, OpenAIBackend):
            raise ConfigError("collecting a batch needs the openai backend")
        self.pipeline = pipeline
        self.results = results
        self.digest = digest
        self.repair = repair
        settings = pipeline.settings
        self.wire = Wire(settings, pipeline.backend)
        self.style = settings.openai_mode
        self.backend: OpenAIBackend = pipeline.backend
        # After a failed line the direct path would have had one transient retry fewer left.
        fewer = max(0, settings.max_transient_retries - 1)
        self.after_failed_line = OpenAIBackend(
            settings.model_copy(update={"max_transient_retries": fewer})
        )
        self.from_batch = 0  # answers taken from the batch as they were
        self.repaired = 0  # articles that needed a direct call

    @property
    def settings(self) -> Settings:
        """The pipeline's settings."""
        return self.pipeline.settings

    def fingerprint(self) -> dict[str, str]:
        """The run's identity, as the direct pipeline's."""
        return self.pipeline.fingerprint()

    async def aclose(self) -> None:
        """Close both backends' clients on the running loop."""
        await self.pipeline.aclose()
        await self.after_failed_line.aclose()

    async def analyze(self, article: Article) -> ArticleAnalysis:
        """The record of one article from its batch answer (or its repair)."""
        start = time.perf_counter()
        cached = self.pipeline.cached(article)
        if cached is not None:
            return cached
        # From here on as Pipeline.analyze does it, with the batch's answer for the model's.
        pipeline = self.pipeline
        prepared = pipeline.prepare(article)
        judgements = pipeline.judge(prepared)
        request = pipeline.request(prepared)
        line = self.results.get(custom_id(article, self.digest))
        generation = await self._answer(request, line)
        return pipeline.finish(article, prepared, judgements, generation, start)

    async def _answer(self, request: GenerationRequest, line: LineResult | None) -> Generation:
        prior = CallLog()
        if line is None or line.completion is None:
            if line is not None and line.tried:
                prior.transient_retries = 1
                if not line.transient or self.settings.max_transient_retries == 0:
                    raise self._line_error(line, prior, request)
                return await self._direct(request, prior, self.after_failed_line, line)
            return await self._direct(request, prior, self.backend, line)
        completion = line.completion
        prior.record(completion)
        try:
            value = self.wire.parse(request, completion)
        except IncompleteOutputException as exc:
            raise translate_failure(exc, prior, request.article_id) from exc
        except ValueError as exc:  # pydantic's ValidationError and JSONDecodeError alike
            if self.repair == "none" or request.max_attempts <= 1:
                final = InstructorRetryException(
                    str(exc), last_completion=completion, n_attempts=1, total_usage=0
                )
                final.__cause__ = exc
                raise translate_failure(final, prior, request.article_id) from exc
            follow = GenerationRequest(
                messages=self.wire.reask_messages(request, completion, exc),
                response_model=request.response_model,
                context=request.context,
                max_attempts=request.max_attempts - 1,
                max_tokens=request.max_tokens,
                article_id=request.article_id,
            )
            return await self._direct(follow, prior, self.backend, line)
        self.from_batch += 1
        return Generation(
            value=value,
            prompt_tokens=prior.prompt_tokens,
            completion_tokens=prior.completion_tokens,
            attempts=1,
            structured_output_mode=self.style,
            raw_output=prior.last_output,
        )

    async def _direct(
        self,
        request: GenerationRequest,
        prior: CallLog,
        backend: OpenAIBackend,
        line: LineResult | None,
    ) -> Generation:
        """Continue the article through direct calls, counting on from what the batch did."""
        if self.repair == "none":
            raise self._line_error(line, prior, request)
        self.repaired += 1

        return await backend.generate(dataclasses.replace(request, prior=prior))

    @staticmethod
    def _line_error(
        line: LineResult | None, prior: CallLog, request: GenerationRequest
    ) -> BackendError:
        """The error row's error for a line left unrepaired."""
        if line is None:
            message = "batch: no answer for this article in the batch's results"
        elif line.completion is not None:
            message = "batch: the answer failed validation and was not re-asked (--repair none)"
        else:
            message = line.message
        error = BackendError(
            message,
            article_id=request.article_id,
            attempts=prior.calls + prior.transient_retries,
            status_code=line.status_code if line is not None else None,
        )
        error.prompt_tokens, error.completion_tokens = prior.prompt_tokens, prior.completion_tokens
        return error
