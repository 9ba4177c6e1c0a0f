"""Real servers' habits, replayed by the fake server over real HTTP: a refused structured-output
style, a validation error answered as 500, a cut answer reported as finished, a small context
stated only in errors (or in /v1/models, as vLLM does). The real CLI in a subprocess: request
counts from the server, and stderr exactly one line per failed article (issue 16)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from summarizer.api import Summarizer
from summarizer.config import load_settings
from summarizer.testing import FakeOpenAIServer, FaultPlan, always
from summarizer.testing.corpus import marker, synthetic_article, write_jsonl

from ..conftest import ROOT

pytestmark = pytest.mark.integration

LONG = "\n".join(synthetic_article(i) for i in range(30))  # ~2,500 tokens of distinct prose


def cli(server: FakeOpenAIServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMARIZER_", "OPENAI_"))}
    env.update(PYTHONPATH=str(ROOT), SUMMARIZER_RETRY_MAX_WAIT="0.05", SUMMARIZER_TIMEOUT="20")
    command = [sys.executable, "-m", "summarizer.cli", *args]
    command += ["--base-url", server.url + "/v1", "--model", "fake-model"]
    command += ["--no-progress"] if args[0] == "batch" else []
    return subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=300, check=False
    )


def summarize_file(tmp_path: Path, text: str, name: str = "a.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_refused_json_schema_falls_back_in_two_requests_and_stderr_stays_quiet(
    tmp_path: Path,
) -> None:
    plan = FaultPlan(refuse_styles=["json_schema"])
    with FakeOpenAIServer(plan) as server:
        article = str(summarize_file(tmp_path, synthetic_article(1)))
        done = cli(server, "summarize", article, "--openai-mode", "json_schema")
        served = server.stats()
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # a fallback is no failure: nothing on stderr
    assert served["requests"] == 2 and served["outcomes"] == {"refused": 1, "ok": 1}
    provenance = json.loads(done.stdout)["provenance"]
    assert provenance["structured_output_mode"] == "tools" and provenance["attempts"] == 2


def test_a_batch_learns_the_refusal_once(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 12)
    with FakeOpenAIServer(FaultPlan(refuse_styles=["json_schema"], latency=0.05)) as server:
        out = str(tmp_path / "out.jsonl")
        done = cli(
            server, "batch", str(src), "-o", out, "--no-cache", "--openai-mode", "json_schema"
        )
        served = server.stats()
    assert done.returncode == 0, done.stderr
    assert served["outcomes"] == {"refused": 1, "ok": 12}


@pytest.mark.parametrize(
    ("plan", "requests", "message"),
    [
        (FaultPlan(refuse_styles=["json_schema", "tools", "json_object", "json"]), 4,
         "accepts none of the structured-output styles"),
        (FaultPlan(scripts={marker(1): always("invalid_request")}), 1, "HTTP 500: 1 validation"),
        (FaultPlan(scripts={marker(1): always("truncated")}), 2, "raise --max-tokens"),
    ],
)  # fmt: skip
def test_failures_cost_few_requests_and_one_line_of_stderr(
    tmp_path: Path, plan: FaultPlan, requests: int, message: str
) -> None:
    with FakeOpenAIServer(plan) as server:
        article = str(summarize_file(tmp_path, synthetic_article(1)))
        done = cli(server, "summarize", article, "--openai-mode", "json_schema")
        served = server.stats()
    assert done.returncode == 4
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("summarizer: backend_error:"), done.stderr
    assert message in lines[0]
    assert served["requests"] == requests


def test_a_cut_answer_gets_one_larger_budget(tmp_path: Path) -> None:
    plan = FaultPlan(scripts={marker(1): ["truncated"]})
    with FakeOpenAIServer(plan, keep_requests=True) as server:
        summarizer = Summarizer(settings(server, max_tokens=300, openai_mode="tools"))
        result = summarizer.summarize(synthetic_article(1))
        budgets = [r["max_tokens"] for r in server.requests]
        grew_messages = len(server.requests[1]["messages"]) > len(server.requests[0]["messages"])
    assert budgets == [300, 600] and not grew_messages  # a retry, not a re-ask
    assert result.provenance.attempts == 2


def settings(server: FakeOpenAIServer, **extra: Any) -> Any:
    return load_settings(
        backend="openai",
        base_url=server.url + "/v1",
        api_key="k",
        model="fake-model",
        **{"retry_max_wait": 0.05, "timeout": 20.0, **extra},
    )


def test_a_context_stated_only_in_errors_is_learnt_and_the_article_cut() -> None:
    with FakeOpenAIServer(FaultPlan(context_window=2048)) as server:
        record = Summarizer(settings(server, mode="abstractive", max_tokens=400)).summarize(LONG)
        served = server.stats()
    overflow = [f for f in record.quality.flags if f.kind.value == "context_overflow"]
    assert overflow and "(2048 tokens)" in overflow[0].explanation
    assert served["requests"] == 2  # the refused prompt, then the article cut to fit
    assert record.provenance.attempts == 2


def test_a_context_listed_by_the_server_is_used_before_the_first_request() -> None:
    plan = FaultPlan(context_window=2048, advertise_context=True)
    with FakeOpenAIServer(plan) as server:
        record = Summarizer(settings(server, mode="abstractive", max_tokens=400)).summarize(LONG)
        served = server.stats()
    assert any(f.kind.value == "context_overflow" for f in record.quality.flags)
    assert served["requests"] == 1 and record.provenance.attempts == 1


def test_a_configured_context_wins_over_the_server() -> None:
    plan = FaultPlan(context_window=100_000, advertise_context=True)
    with FakeOpenAIServer(plan) as server:
        chosen = settings(server, mode="abstractive", max_tokens=400, context_tokens=2048)
        record = Summarizer(chosen).summarize(LONG)
    overflow = [f for f in record.quality.flags if f.kind.value == "context_overflow"]
    assert overflow and "(2048 tokens)" in overflow[0].explanation
