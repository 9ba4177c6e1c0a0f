"""The fake server's Files and Batch APIs, and an offline batch runner in vLLM's `run-batch` style.

Each request line of a batch is answered by the same responder as POST /v1/chat/completions,
under the same per-article fault script, so a repair through direct calls continues the
article's script where its batch line left it. Batch-level faults (expired, partial, failed)
come from `FaultPlan.batch_outcomes`. A batch runs lazily: each retrieval while it is
"in_progress" runs a share of its lines, the retrieval after `batch_polls` ends it, and a
cancel stops it with the lines run so far.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiohttp import web

from .answers import ParsedRequest
from .faults import FaultPlan


class Responder(Protocol):
    """What a batch needs of the server: its plan, and the chat-completion responder."""

    plan: FaultPlan

    def decide(self, body: dict[str, Any]) -> tuple[str, ParsedRequest, int]: ...

    def answer(
        self, outcome: str, parsed: ParsedRequest, number: int
    ) -> tuple[int, dict[str, Any] | str, dict[str, str]]: ...


def run_line(app: Responder, request: Any) -> tuple[dict[str, Any], bool]:
    """The output line for one request line, and whether it is a success (HTTP 200)."""
    custom_id = request.get("custom_id") if isinstance(request, dict) else None
    body = request.get("body") if isinstance(request, dict) else None
    if not isinstance(body, dict):
        error = {"code": "invalid_request", "message": "the line has no request body"}
        return {"id": "batch_req_invalid", "custom_id": custom_id, "response": None,
                "error": error}, False  # fmt: skip
    outcome, parsed, number = app.decide(body)
    if outcome == "timeout":  # a line is answered, late: the upstream call timed out
        status: int = 408
        payload: dict[str, Any] | str = {
            "error": {"message": "request timed out", "type": "timeout", "code": "timeout"}
        }
    else:
        status, payload, _headers = app.answer(outcome, parsed, number)
    response = {"status_code": status, "request_id": f"req_{number}", "body": payload}
    line = {"id": f"batch_req_{number}", "custom_id": custom_id, "response": response,
            "error": None}  # fmt: skip
    return line, status == 200


def run_batch_text(app: Responder, text: str) -> str:
    """Answer every line of a request file into one output file (vLLM `run-batch` style:
    successes and failures alike in the output)."""
    out = []
    for raw in text.splitlines():
        if raw.strip():
            line, _ok = run_line(app, json.loads(raw))
            out.append(json.dumps(line, ensure_ascii=False))
    return "".join(f"{line}\n" for line in out)


@dataclass
class _File:
    id: str
    filename: str
    purpose: str
    data: bytes
    created_at: int = field(default_factory=lambda: int(time.time()))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "object": "file", "bytes": len(self.data),
                "created_at": self.created_at, "filename": self.filename,
                "purpose": self.purpose, "status": "processed"}  # fmt: skip


@dataclass
class _Batch:
    id: str
    input_file_id: str
    endpoint: str
    completion_window: str
    metadata: dict[str, Any] | None
    lines: list[Any]
    fault: str
    status: str = "in_progress"
    polls: int = 0
    done: int = 0  # lines run so far
    output: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    output_file_id: str | None = None
    error_file_id: str | None = None
    created_at: int = field(default_factory=lambda: int(time.time()))

    def to_dict(self) -> dict[str, Any]:
        failed_batch = self.status == "failed"
        return {
            "id": self.id, "object": "batch", "endpoint": self.endpoint,
            "input_file_id": self.input_file_id, "completion_window": self.completion_window,
            "status": self.status, "created_at": self.created_at,
            "output_file_id": self.output_file_id, "error_file_id": self.error_file_id,
            "errors": {"object": "list", "data": [
                {"code": "injected_failure", "message": "the batch failed (injected)"}
            ]} if failed_batch else None,
            "request_counts": {"total": len(self.lines), "completed": len(self.output),
                               "failed": len(self.errors)},
            "metadata": self.metadata,
        }  # fmt: skip


class BatchService:
    """/v1/files and /v1/batches on the fake server's application."""

    def __init__(self, app: Responder) -> None:
        self.app = app
        self.files: dict[str, _File] = {}
        self.batches: dict[str, _Batch] = {}

    def routes(self, application: web.Application) -> None:
        """Register the endpoints."""
        router = application.router
        router.add_post("/v1/files", self.create_file)
        router.add_get("/v1/files/{file_id}", self.get_file)
        router.add_get("/v1/files/{file_id}/content", self.file_content)
        router.add_post("/v1/batches", self.create_batch)
        router.add_get("/v1/batches/{batch_id}", self.get_batch)
        router.add_post("/v1/batches/{batch_id}/cancel", self.cancel_batch)

    def _store(self, filename: str, purpose: str, data: bytes) -> _File:
        file = _File(id=f"file-{len(self.files) + 1:06d}", filename=filename, purpose=purpose,
                     data=data)  # fmt: skip
        self.files[file.id] = file
        return file

    async def create_file(self, request: web.Request) -> web.Response:
        form = await request.post()
        upload, purpose = form.get("file"), str(form.get("purpose") or "")
        if not isinstance(upload, web.FileField):
            return _bad(400, "a multipart 'file' field is required")
        file = self._store(upload.filename or "upload.jsonl", purpose, upload.file.read())
        return web.json_response(file.to_dict())

    async def get_file(self, request: web.Request) -> web.Response:
        file = self.files.get(request.match_info["file_id"])
        return web.json_response(file.to_dict()) if file else _bad(404, "no such file")

    async def file_content(self, request: web.Request) -> web.Response:
        file = self.files.get(request.match_info["file_id"])
        if file is None:
            return _bad(404, "no such file")
        return web.Response(body=file.data, content_type="application/octet-stream")

    async def create_batch(self, request: web.Request) -> web.Response:
        body = await request.json()
        file = self.files.get(str(body.get("input_file_id")))
        if file is None:
            return _bad(400, "input_file_id names no uploaded file")
        outcomes = self.app.plan.batch_outcomes
        number = len(self.batches)
        batch = _Batch(
            id=f"batch_{number + 1:06d}",
            input_file_id=file.id,
            endpoint=str(body.get("endpoint")),
            completion_window=str(body.get("completion_window")),
            metadata=body.get("metadata"),
            lines=[json.loads(raw) for raw in file.data.decode().splitlines() if raw.strip()],
            fault=outcomes[number] if number < len(outcomes) else "completed",
        )
        self.batches[batch.id] = batch
        return web.json_response(batch.to_dict())

    async def get_batch(self, request: web.Request) -> web.Response:
        batch = self.batches.get(request.match_info["batch_id"])
        if batch is None:
            return _bad(404, "no such batch")
        if batch.status == "in_progress":
            self._advance(batch)
        return web.json_response(batch.to_dict())

    async def cancel_batch(self, request: web.Request) -> web.Response:
        batch = self.batches.get(request.match_info["batch_id"])
        if batch is None:
            return _bad(404, "no such batch")
        if batch.status == "in_progress":
            self._finish(batch, "cancelled")
        return web.json_response(batch.to_dict())

    def _advance(self, batch: _Batch) -> None:
        """Run the share of lines this retrieval stands for; end the batch after the last."""
        batch.polls += 1
        if batch.fault == "failed":
            if batch.polls > self.app.plan.batch_polls:
                batch.status = "failed"
            return
        total = len(batch.lines)
        stop = total
        if batch.fault in ("expired", "partial"):
            stop = int(total * self.app.plan.batch_done_share)
        final = batch.polls > self.app.plan.batch_polls
        share = batch.polls / (self.app.plan.batch_polls + 1)
        upto = stop if final else min(stop, math.floor(total * share))
        for request in batch.lines[batch.done : upto]:
            line, ok = run_line(self.app, request)
            (batch.output if ok else batch.errors).append(json.dumps(line, ensure_ascii=False))
        batch.done = max(batch.done, upto)
        if final:
            if batch.fault == "expired":
                for request in batch.lines[batch.done :]:
                    batch.errors.append(json.dumps(_expired_line(request)))
            self._finish(batch, "expired" if batch.fault == "expired" else "completed")

    def _finish(self, batch: _Batch, status: str) -> None:
        batch.status = status
        if batch.output:
            data = "".join(f"{line}\n" for line in batch.output).encode()
            batch.output_file_id = self._store(f"{batch.id}_output.jsonl", "batch_output",
                                               data).id  # fmt: skip
        if batch.errors:
            data = "".join(f"{line}\n" for line in batch.errors).encode()
            batch.error_file_id = self._store(f"{batch.id}_errors.jsonl", "batch_output",
                                              data).id  # fmt: skip


def _expired_line(request: Any) -> dict[str, Any]:
    custom_id = request.get("custom_id") if isinstance(request, dict) else None
    message = "This request could not be executed before the completion window expired."
    return {"id": f"batch_req_expired_{custom_id}", "custom_id": custom_id, "response": None,
            "error": {"code": "batch_expired", "message": message}}  # fmt: skip


def _bad(status: int, message: str) -> web.Response:
    body = {"error": {"message": message, "type": "invalid_request_error", "code": None}}
    return web.json_response(body, status=status)
