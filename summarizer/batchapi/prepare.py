"""Submit: every article prepared exactly as the direct path prepares it, one request line each,
split into parts by the provider's limits, uploaded and started as batches (or exported for
an offline runner such as vLLM's `run-batch`)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..backends.openai import OpenAIBackend
from ..batch.jsonl import OutputIndex, scan_output
from ..batch.plan import BatchOptions, plan
from ..batch.rows import BatchItem
from ..batch.stats import BatchStats
from ..config import Settings
from ..errors import ConfigError, InputError
from ..inputs import check_inputs, iter_inputs
from ..pipeline import Pipeline
from .provider import BatchProvider
from .state import BatchState, InputRecord, Part, custom_id, hash_input, run_digest, save_state
from .wire import Wire, encode_line

# OpenAI's Batch API: at most 50,000 requests and 200 MB per input file. The byte limit keeps
# headroom for the multipart envelope and for providers that count MiB differently.
MAX_REQUESTS = 50_000
MAX_BYTES = 190 * 1000 * 1000


@dataclass(frozen=True)
class Limits:
    """Per-batch limits; the requests are split into as many parts as they need."""

    max_requests: int = MAX_REQUESTS
    max_bytes: int = MAX_BYTES

    def __post_init__(self) -> None:
        if self.max_requests < 1 or self.max_bytes < 1024:
            raise ConfigError("batch limits must allow at least 1 request and 1 KB per batch")


class PartWriter:
    """Request lines into files, starting a new file before a limit would be crossed."""

    def __init__(self, name: Callable[[int], Path], limits: Limits) -> None:
        self.name = name
        self.limits = limits
        self.parts: list[Part] = []
        self._handle: Any = None

    def add(self, line: bytes) -> None:
        """Append one request line to the current part (a new one when it would not fit)."""
        part = self.parts[-1] if self.parts else None
        full = part is not None and (
            part.requests >= self.limits.max_requests
            or part.bytes + len(line) > self.limits.max_bytes
        )
        if part is None or full:
            self._open()
            part = self.parts[-1]
        self._handle.write(line)
        part.requests += 1
        part.bytes += len(line)

    def _open(self) -> None:
        self.close()
        path = self.name(len(self.parts) + 1)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = open(path, "wb")  # noqa: SIM115 - closed by close()
        self.parts.append(Part(index=len(self.parts) + 1, request_file=str(path), requests=0,
                               bytes=0))  # fmt: skip

    def close(self) -> None:
        """Flush and close the current file."""
        if self._handle is not None:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            self._handle = None


def call_params(settings: Settings) -> dict[str, Any]:
    """The call parameters that change an answer (the server address does not)."""
    return {
        "temperature": settings.temperature,
        "max_tokens": settings.max_tokens,
        "max_attempts": settings.max_attempts,
        "seed": settings.seed,
        "n_ctx": settings.n_ctx,
        "openai_mode": settings.openai_mode,
    }


def part_namer(out_dir: Path, export: Path | None) -> Callable[[int], Path]:
    """Where part k's request file goes: out_dir/requests-0000k.jsonl, or the export file
    (its later parts beside it as NAME-0000k.SUFFIX)."""
    if export is None:
        return lambda k: out_dir / f"requests-{k:05d}.jsonl"
    return lambda k: export if k == 1 else export.with_name(f"{export.stem}-{k:05d}{export.suffix}")


def build_requests(
    pipeline: Pipeline,
    inputs: list[str],
    options: BatchOptions,
    out_dir: Path,
    *,
    limits: Limits | None = None,
    export: Path | None = None,
    output: Path | None = None,
) -> BatchState:
    """Write the request files and the state file (out_dir/state.json); send nothing yet.

    Articles already done in `output` (same input and run), answered by the response cache,
    or decided without the model (input errors, duplicate ids) get no request: collect
    writes their rows as the direct path would.
    """
    if "-" in inputs:
        raise ConfigError("the Batch API re-reads its inputs at collect time: stdin cannot be one")
    check_inputs(inputs)
    settings = pipeline.settings
    backend = pipeline.backend
    if not isinstance(backend, OpenAIBackend):
        raise ConfigError("the Batch API needs --backend openai (OpenAI or a compatible server)")
    if not pipeline.calls_model:
        raise ConfigError(
            "with --article-type-judge rules the extractive path makes no model call, so there "
            "is nothing to send: use `summarizer batch`"
        )
    fingerprint = pipeline.fingerprint()
    state = BatchState(
        kind="export" if export is not None else "api",
        created=time.time(),
        digest=run_digest(fingerprint, call_params(settings)),
        fingerprint=fingerprint,
        settings={k: v for k, v in settings.public_dict().items() if k != "api_key"},
        options={
            "shard": list(options.shard) if options.shard else None,
            "default_targets": list(options.default_targets),
        },
        inputs=[InputRecord(path=p, sha256=hash_input(p)) for p in inputs],
        output=str(output) if output is not None else None,
    )
    index: OutputIndex | None = scan_output(output) if output is not None else None
    stats = BatchStats()
    wire = Wire(settings, backend)
    writer = PartWriter(part_namer(out_dir, export), limits or Limits())
    work = plan(iter_inputs(inputs), fingerprint=fingerprint, options=options,
                max_chars=settings.max_input_chars, stats=stats, index=index)  # fmt: skip
    try:
        for item in work:
            if isinstance(item, BatchItem):
                continue
            article = item.article
            cache = pipeline.cache
            if cache is not None and cache.get(pipeline.cache_key(article)) is not None:
                state.cached += 1
                continue
            try:
                prepared = pipeline.prepare(article)
            except InputError:
                continue  # collect raises the same error for it and writes its error row
            body = wire.body(pipeline.request(prepared))
            writer.add(encode_line(custom_id(article, state.digest), body))
            state.requests += 1
    finally:
        writer.close()
    state.parts = writer.parts
    state.skipped = stats.skipped
    save_state(out_dir / "state.json", state)
    return state


def submit_parts(state: BatchState, state_path: Path, provider: BatchProvider) -> None:
    """Upload and start every part not started yet, saving the state after each."""
    for part in state.parts:
        if part.batch_id is not None:
            continue
        metadata = {"summarizer_run": state.digest, "part": f"{part.index}/{len(state.parts)}"}
        provider.submit(part, metadata)
        save_state(state_path, state)
