"""Interop with a real OpenAI-compatible server: llama-cpp-python's own server
(`python -m llama_cpp.server`) running the embedded SmolLM2 GGUF with a 4,096-token context,
behind a logging proxy that counts the chat requests (issue 16).

What this server does that the fake one only replays: it refuses `response_format:
json_schema` with HTTP 500, reports a tool call cut at max_tokens as finished, states its
context window nowhere but in its context_length_exceeded error, and silently shortens
max_tokens to what is left of its window. The 135M model on two shared cores is slow
(~15 answer tokens/s), so the articles are short and abstractive answers get a small budget:
it is the request count and the error that are tested, not the prose.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from summarizer.api import Summarizer
from summarizer.backends.local import default_model_path
from summarizer.config import load_settings
from summarizer.errors import SummarizerError
from summarizer.testing import LoggingProxy
from summarizer.testing.corpus import synthetic_article

from ..conftest import ROOT, SEEDS

pytestmark = [pytest.mark.integration, pytest.mark.timeout(1200)]

N_CTX = 4096
SHORT = synthetic_article(5)  # five sentences: short prompts, quick answers
SEED_004 = next(p for p in SEEDS if p.name.startswith("004_"))  # 4,164 prompt tokens whole
SERVER_EXTRAS = ("llama_cpp", "fastapi", "uvicorn", "sse_starlette", "starlette_context")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoggingProxy]:
    """llama-cpp-python's server on the embedded model, behind a LoggingProxy."""
    missing = [m for m in SERVER_EXTRAS if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"llama-cpp-python's server extras are not installed: {missing}")
    port = _free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(default_model_path()),
        "--model_alias", "smollm2", "--n_ctx", str(N_CTX), "--n_threads", "2",
        "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    with log.open("w") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"llama_cpp.server did not start: {log.read_text()[-2000:]}")
                time.sleep(0.5)
        with LoggingProxy(f"http://127.0.0.1:{port}") as proxy:
            yield proxy
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def cli(proxy: LoggingProxy, *args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI in a fresh process (nothing learnt about the server yet)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMARIZER_", "OPENAI_"))}
    env.update(PYTHONPATH=str(ROOT), SUMMARIZER_TIMEOUT="600")
    command = [sys.executable, "-m", "summarizer.cli", *args]
    command += ["--base-url", proxy.url + "/v1", "--model", "smollm2"]
    return subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=1100, check=False
    )


def one_line_or_result(done: subprocess.CompletedProcess[str]) -> dict[str, Any] | None:
    """The record of a success, or None after exactly one clear line on stderr."""
    if done.returncode == 0:
        assert done.stderr == "", done.stderr
        record: dict[str, Any] = json.loads(done.stdout)
        return record
    lines = done.stderr.splitlines()
    assert done.returncode == 4 and len(lines) == 1, done.stderr
    assert lines[0].startswith(("summarizer: backend_error:", "summarizer: grounding_error:"))
    return None


def test_seed_004_extractive_succeeds_by_fitting_the_context(
    llama_server: LoggingProxy, tmp_path: Path
) -> None:
    """The whole article is 4,164 prompt tokens; the extractive path shows the model only its
    opening (the model names the article type), so it fits the 4,096-token window at once."""
    llama_server.clear()
    done = cli(llama_server, "summarize", str(SEED_004), "--mode", "extractive",
               "--openai-mode", "tools")  # fmt: skip
    record = one_line_or_result(done)
    assert record is not None, done.stderr
    chats = llama_server.chat_requests()
    assert [c.status for c in chats] == [200]
    assert (chats[0].prompt_tokens or 0) + (chats[0].max_tokens or 0) <= N_CTX


def test_seed_004_abstractive_is_cut_to_the_context_it_learns(
    llama_server: LoggingProxy, tmp_path: Path
) -> None:
    """The server states its window only in its context_length_exceeded error: the article is
    cut to that window (flagged) and sent once more; then a result, or one clear error after
    at most two more requests (a cut answer and its larger budget)."""
    llama_server.clear()
    done = cli(llama_server, "summarize", str(SEED_004), "--mode", "abstractive",
               "--openai-mode", "tools", "--max-tokens", "96")  # fmt: skip
    record = one_line_or_result(done)
    chats = llama_server.chat_requests()
    assert chats[0].status == 400 and "maximum context length is 4096" in (chats[0].error or "")
    assert 1 <= len(chats[1:]) <= 2 and all(c.status == 200 for c in chats[1:])
    assert all((c.prompt_tokens or 0) + (c.max_tokens or 0) <= N_CTX for c in chats[1:])
    if record is not None:
        flags = record["quality"]["flags"]
        assert any(f["kind"] == "context_overflow" and f"({N_CTX} tokens)" in f["explanation"]
                   for f in flags)  # fmt: skip


def test_json_schema_gives_a_result_through_fallback_in_two_requests(
    llama_server: LoggingProxy, tmp_path: Path
) -> None:
    article = tmp_path / "short.txt"
    article.write_text(SHORT, encoding="utf-8")
    llama_server.clear()
    done = cli(llama_server, "summarize", str(article), "--mode", "extractive",
               "--openai-mode", "json_schema")  # fmt: skip
    record = one_line_or_result(done)
    chats = llama_server.chat_requests()
    assert len(chats) <= 2 and chats[0].style == "json_schema" and chats[0].status == 500
    if record is not None:
        assert record["provenance"]["structured_output_mode"] == "tools"


def test_abstractive_gives_a_result_or_one_clear_error_in_two_requests(
    llama_server: LoggingProxy, tmp_path: Path
) -> None:
    article = tmp_path / "short.txt"
    article.write_text(SHORT, encoding="utf-8")
    llama_server.clear()
    done = cli(llama_server, "summarize", str(article), "--mode", "abstractive",
               "--openai-mode", "tools", "--max-tokens", "96")  # fmt: skip
    record = one_line_or_result(done)
    chats = llama_server.chat_requests()
    assert 1 <= len(chats) <= 2
    if record is None and len(chats) == 2:  # cut twice: a larger budget, not a re-ask
        assert [c.max_tokens for c in chats] == [96, 192]
        assert "--max-tokens" in done.stderr


@pytest.mark.parametrize("openai_mode", ["json_schema", "tools", "json_object", "json", "md_json"])
@pytest.mark.parametrize("mode", ["extractive", "abstractive"])
def test_every_style_and_mode_ends_in_a_result_or_one_error(
    llama_server: LoggingProxy, mode: str, openai_mode: str
) -> None:
    """In one process, as a batch would: at most max_attempts requests per article, plus one
    refused request the first time a style the server lacks is tried."""
    settings = load_settings(
        backend="openai", base_url=llama_server.url + "/v1", model="smollm2", mode=mode,
        openai_mode=openai_mode, max_attempts=2, timeout=600.0,
        max_tokens=96 if mode == "abstractive" else None,
    )  # fmt: skip
    llama_server.clear()
    try:
        record = Summarizer(settings).summarize(SHORT)
    except SummarizerError as exc:
        record, error = None, exc
    else:
        error = None
    chats = llama_server.chat_requests()
    refused = [c for c in chats if c.status >= 400]
    answered = [c for c in chats if c.status == 200]
    assert len(refused) <= 1 and len(answered) <= 2, [(c.style, c.status) for c in chats]
    if record is not None:
        used = record.provenance.structured_output_mode
        assert used == (openai_mode if openai_mode != "json_schema" else "tools")
    else:
        assert error is not None and "\n" not in str(error)
