"""Output rows: one per input article, ok or error, and the resume key each is written under."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticSerializationError

from ..config import Settings
from ..errors import SummarizerError, redact_data
from ..inputs import Article
from ..schemas import ArticleAnalysis
from .jsonl import KEY_FIELDS, RunKey
from .stats import RowOutcome


class BatchItem(BaseModel):
    """One output row: the analysis of one article, or why there is none."""

    model_config = ConfigDict(extra="forbid")

    id: str
    status: Literal["ok", "error"]
    result: ArticleAnalysis | None = None
    error: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class WorkItem:
    """An article to analyse, with what its error row needs."""

    id: str
    source: str
    article: Article


@dataclass(frozen=True, slots=True)
class Finished:
    """One output row, encoded, with its statistics."""

    line: str
    outcome: RowOutcome


def run_key(fingerprint: dict[str, Any], input_sha256: str) -> RunKey:
    """The resume key of this run for one input."""
    return (
        input_sha256,
        fingerprint.get("prompt_version"),
        fingerprint.get("schema_version"),
        fingerprint.get("model"),
        fingerprint.get("mode"),
    )


def error_row(row_id: str, error: dict[str, Any], source: str, key: RunKey) -> BatchItem:
    """An error row carrying its input location and the resume key it was produced under.

    Every error row passes here, so this is where its texts are scrubbed of credentials.
    """
    error = redact_data(error)
    error.setdefault("attempts", 0)
    error["source"] = source
    error.update(zip(KEY_FIELDS, key, strict=True))
    return BatchItem(id=row_id, status="error", result=None, error=error)


def error_row_for(
    fingerprint: dict[str, Any], row_id: str, source: str, input_sha256: str, error: dict[str, Any]
) -> BatchItem:
    """The error row of an article, under this run's resume key."""
    return error_row(row_id, error, source, run_key(fingerprint, input_sha256))


def finished(item: BatchItem) -> Finished:
    """A row encoded for the output file, with its statistics.

    A string no encoding can hold (an unpaired surrogate that slipped through the readers)
    must not cost the batch: the row is then written with JSON escapes, still one line.
    """
    provenance = item.result.provenance if item.result is not None else None
    outcome = RowOutcome.from_row(item.result is not None, provenance, item.error)
    try:
        line = item.model_dump_json()
    except PydanticSerializationError:
        line = json.dumps(item.model_dump(mode="json"), ensure_ascii=True)
    return Finished(line, outcome)


class Analyzer(Protocol):
    """What the batch layer needs from the pipeline: settings, identity, one article, close."""

    @property
    def settings(self) -> Settings: ...

    def fingerprint(self) -> dict[str, str]: ...

    async def analyze(self, article: Article) -> ArticleAnalysis: ...

    async def aclose(self) -> None: ...


async def analyse(analyzer: Analyzer, job: WorkItem, fingerprint: dict[str, Any]) -> BatchItem:
    """Run one article; every failure, expected or not, becomes an error row."""
    try:
        result = await analyzer.analyze(job.article)
    except SummarizerError as exc:
        error = exc.to_dict()
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a bug below us must cost one row, not the batch
        error = {"type": "internal_error", "message": f"{type(exc).__name__}: {exc}"}
    else:
        return BatchItem(id=job.id, status="ok", result=result, error=None)
    return error_row_for(fingerprint, job.id, job.source, job.article.sha256, error)
