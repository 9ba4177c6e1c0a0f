"""Result files of a batch (OpenAI's output and error files, vLLM `run-batch` output), indexed
by custom_id without holding the answers in memory.

A line is `{"custom_id", "response": {"status_code", "body"} | null, "error": {...} | null}`.
What one means for the article:
- 200 with a chat completion: an answer, to be validated like a direct call's.
- 408/409/425/429 or 5xx, or a 200 whose body is no completion: one failed try of a transient
  kind; the direct path would have retried it, so a repair continues from there.
- any other 4xx: a refusal the direct path would not retry either.
- no response, only an error (expired, cancelled, not run): not a try at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openai.types.chat import ChatCompletion
from pydantic import ValidationError

_TRANSIENT_STATUS = frozenset({408, 409, 425, 429})


@dataclass(frozen=True)
class LineResult:
    """What the batch did with one request."""

    custom_id: str
    completion: ChatCompletion | None
    status_code: int | None = None
    message: str = ""
    tried: bool = False  # the request reached the model (it counts as a try)
    transient: bool = False  # a failure the direct path would have retried

    @property
    def ok(self) -> bool:
        """Whether the line carries a completion."""
        return self.completion is not None


def parse_line(data: Any) -> LineResult | None:
    """The result one output or error line stands for; None when it names no custom_id."""
    if not isinstance(data, dict) or not isinstance(data.get("custom_id"), str):
        return None
    custom_id = data["custom_id"]
    response = data.get("response")
    error = data.get("error")
    if not isinstance(response, dict):
        message = _message(error) or "the batch returned no response for this request"
        return LineResult(custom_id, None, message=f"batch: {message}")
    status = response.get("status_code")
    body = response.get("body")
    status = int(status) if isinstance(status, int) else None
    if status == 200:
        try:
            return LineResult(custom_id, ChatCompletion.model_validate(body), 200, tried=True)
        except ValidationError:
            return LineResult(custom_id, None, 200, "the response body is not a chat completion",
                              tried=True, transient=True)  # fmt: skip
    message = _message(body.get("error") if isinstance(body, dict) else None) or _message(error)
    transient = status is None or status in _TRANSIENT_STATUS or status >= 500
    return LineResult(custom_id, None, status, f"HTTP {status}: {message}"[:300], tried=True,
                      transient=transient)  # fmt: skip


def _message(error: Any) -> str:
    """An error object as "code: message" (either part may be missing)."""
    if isinstance(error, dict):
        parts = [str(error[k]) for k in ("code", "message") if error.get(k)]
        return ": ".join(parts)
    return str(error or "")


class ResultIndex:
    """custom_id -> where its line is, over several files; a success beats a failure, and a
    later line beats an earlier one of the same kind."""

    def __init__(self, files: Iterable[Path]) -> None:
        self.files = list(files)
        self._where: dict[str, tuple[int, int, bool]] = {}
        self.lines = 0
        self.unreadable = 0
        for number, path in enumerate(self.files):
            self._scan(number, path)

    def _scan(self, number: int, path: Path) -> None:
        with open(path, "rb") as handle:
            offset = 0
            for raw in handle:
                start, offset = offset, offset + len(raw)
                if not raw.strip():
                    continue
                self.lines += 1
                try:
                    result = parse_line(json.loads(raw))
                except ValueError:
                    result = None
                if result is None:
                    self.unreadable += 1
                    continue
                known = self._where.get(result.custom_id)
                if known is None or result.ok or not known[2]:
                    self._where[result.custom_id] = (number, start, result.ok)

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, custom_id: str) -> bool:
        return custom_id in self._where

    def get(self, custom_id: str) -> LineResult | None:
        """The result for a request, read from its file; None when the batch has no line."""
        where = self._where.get(custom_id)
        if where is None:
            return None
        number, offset, _ok = where
        with open(self.files[number], "rb") as handle:
            handle.seek(offset)
            return parse_line(json.loads(handle.readline()))
