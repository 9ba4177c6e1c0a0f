"""Operable in production, end to end against real local HTTP servers: --log-json on a
200-article fault batch is one JSON object per event whose per-article events account for
every row; the default stderr is one line per failed article; spans of a 10-article batch
carry the GenAI attributes; keys echoed by a server never reach the log."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from summarizer.api import Summarizer
from summarizer.cli import cli
from summarizer.config import load_settings
from summarizer.errors import BackendError
from summarizer.events import Event
from summarizer.testing import FakeOpenAIServer, FaultPlan, always
from summarizer.testing.corpus import marker, synthetic_article, write_jsonl
from summarizer.testing.web import SECRET_ECHO, PageServer
from tests.integration.test_batch_server import PERMANENT, TRANSIENT

pytestmark = pytest.mark.integration

KEY = "sk-test-0123456789abcdefSECRET"
ENV = {
    "OPENAI_API_KEY": KEY,
    "SUMMARIZER_TIMEOUT": "1",
    "SUMMARIZER_RETRY_MAX_WAIT": "0.1",
    "SUMMARIZER_MAX_TRANSIENT_RETRIES": "3",
    "SUMMARIZER_MAX_ATTEMPTS": "3",
}
TERMINAL = ("article.finished", "article.failed")


def fault_plan() -> tuple[FaultPlan, set[str]]:
    """The 200-article plan of test_batch_server: 30 transient faults, 10 permanent ones."""
    scripts: dict[str, list[str]] = {}
    failing: set[str] = set()
    n = 0
    for script, count in TRANSIENT.items():
        for _ in range(count):
            scripts[marker(n)] = list(script)
            n += 1
    for fault, (count, _type) in PERMANENT.items():
        for _ in range(count):
            scripts[marker(n)] = always(fault)
            failing.add(f"art-{n:06d}")
            n += 1
    plan = FaultPlan(scripts=scripts, hang=2.5, slow=0.3, retry_after=0.05, latency=0.01)
    return plan, failing


def batch(server: FakeOpenAIServer, src: Path, out: Path, *extra: str) -> Result:
    args = [
        "batch", str(src), "-o", str(out), "--backend", "openai", "--base-url",
        server.url + "/v1", "--model", "fake-model", "--no-cache", "--no-progress",
        "--concurrency", "32", *extra,
    ]  # fmt: skip
    return CliRunner(env=ENV).invoke(cli, args)


def rows_of(path: Path) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in map(json.loads, path.read_text().splitlines())}


def test_200_article_fault_batch_logs(tmp_path: Path) -> None:
    plan, failing = fault_plan()
    src = write_jsonl(tmp_path / "in.jsonl", 200, targets=True)
    with FakeOpenAIServer(plan) as server:
        logged = batch(server, src, tmp_path / "a.jsonl", "--log-json", "--log-level", "info")
        quiet = batch(server, src, tmp_path / "b.jsonl")
    assert logged.exit_code == quiet.exit_code == 1  # some rows failed

    # --log-json: every stderr line is one event object, nothing else.
    events = [json.loads(line) for line in logged.stderr.splitlines()]
    assert events and all({"time", "level", "event", "message"} <= set(e) for e in events)
    rows = rows_of(tmp_path / "a.jsonl")
    terminal = Counter(e["article_id"] for e in events if e["event"] in TERMINAL)
    assert set(terminal) == set(rows) and set(terminal.values()) == {1}  # one per row
    failed = {e["article_id"]: e for e in events if e["event"] == "article.failed"}
    assert set(failed) == failing == {i for i, r in rows.items() if r["status"] == "error"}
    for row_id, event in failed.items():
        assert event["error_type"] == rows[row_id]["error"]["type"]
        assert event["level"] == "warning" and event["attempt"] >= 1
    done = [e for e in events if e["event"] == "article.finished"]
    assert all(e["tokens"]["prompt"] > 0 and "latency_ms" in e for e in done)
    retries = [e for e in events if e["event"] == "model.retry"]
    reasks = [e for e in events if e["event"] == "model.reask"]
    assert retries and all(e["wait_s"] >= 0 and e["article_id"] for e in retries)
    assert reasks and all(e["fields"] for e in reasks)
    assert {"resume.scan", "batch.started", "batch.finished"} <= {e["event"] for e in events}
    assert events[-1]["event"] == "batch.finished" and events[-1]["failed"] == 10
    assert KEY not in logged.stderr

    # Default: one line per failed article, then the end-of-run summary; nothing else.
    lines = quiet.stderr.splitlines()
    logged_lines = [line for line in lines if line.startswith("summarizer: ")]
    assert len(logged_lines) == len(failing)
    named = {line.split("[", 1)[1].split("]", 1)[0] for line in logged_lines}
    assert named == failing
    assert all(line.startswith("summarizer: WARNING: article.failed [") for line in logged_lines)
    summary = lines[len(logged_lines) :]
    assert summary[0].startswith("batch: 200 articles") and all(
        line.startswith("  ") for line in summary[1:]
    )


def test_worker_processes_send_their_events_to_the_parent(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 30)
    plan = FaultPlan(scripts={marker(3): always("server_error"), marker(5): ["rate_limit"]})
    with FakeOpenAIServer(plan) as server:
        result = batch(
            server, src, tmp_path / "out.jsonl", "--workers", "2", "--log-json",
            "--log-level", "info",
        )  # fmt: skip
    assert result.exit_code == 1, result.stderr
    events = [json.loads(line) for line in result.stderr.splitlines()]
    rows = rows_of(tmp_path / "out.jsonl")
    terminal = Counter(e["article_id"] for e in events if e["event"] in TERMINAL)
    assert set(terminal) == set(rows) and set(terminal.values()) == {1}
    kinds = Counter(e["event"] for e in events)
    assert kinds["worker.started"] == 2 and kinds["worker.exited"] == 2
    assert kinds["model.retry"] >= 1  # relayed from inside a worker


def test_spans_of_a_ten_article_batch_carry_the_genai_attributes(span_exporter: Any) -> None:
    with FakeOpenAIServer() as server:
        settings = load_settings(
            backend="openai", base_url=server.url + "/v1", api_key="test-key", model="fake-model"
        )
        rows = list(Summarizer(settings).summarize_many([synthetic_article(i) for i in range(10)]))
    assert [r.status for r in rows] == ["ok"] * 10
    spans = span_exporter.get_finished_spans()
    articles = {s.context.span_id: s for s in spans if s.name == "summarizer.article"}
    calls = [s for s in spans if s.name == "chat fake-model"]
    assert len(articles) == 10 and len(calls) == 10
    assert {s.attributes["summarizer.article_id"] for s in articles.values()} == {
        r.id for r in rows
    }
    for span in articles.values():
        a = span.attributes
        assert a["gen_ai.system"] == "openai" and a["gen_ai.request.model"] == "fake-model"
        assert a["summarizer.attempts"] == 1 and "summarizer.flags" in a
        assert 0 <= a["summarizer.quality_score"] <= 100
    port = int(server.url.rsplit(":", 1)[1])
    for call in calls:
        c = call.attributes
        parent = articles[call.parent.span_id]
        assert c["summarizer.article_id"] == parent.attributes["summarizer.article_id"]
        assert c["gen_ai.operation.name"] == "chat" and c["gen_ai.system"] == "openai"
        assert c["gen_ai.request.model"] == "fake-model"
        assert c["gen_ai.response.model"] == "fake-model"
        assert c["gen_ai.usage.input_tokens"] > 0 and c["gen_ai.usage.output_tokens"] > 0
        assert (c["server.address"], c["server.port"]) == ("127.0.0.1", port)


def test_a_key_echoed_by_the_server_never_reaches_the_log(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(synthetic_article(1))
    token = SECRET_ECHO.split()[1]
    with PageServer() as site:
        base = ["summarize", str(article), "--backend", "openai", "--base-url",
                site.url + "/v1", "--model", "m"]  # fmt: skip
        for extra in ([], ["--log-json", "--log-level", "debug"]):
            result = CliRunner(env=ENV).invoke(cli, [*base, *extra])
            assert result.exit_code == 4, result.output
            assert "HTTP 500" in result.stderr and "Traceback" not in result.stderr
            assert KEY not in result.stderr and token not in result.stderr
            assert "Bearer ***" in result.stderr  # what was there is said, not what it was
        got: list[Event] = []
        settings = load_settings(
            backend="openai", base_url=site.url + "/v1", api_key=KEY, model="m",
            max_transient_retries=1, retry_max_wait=0.05,
        )  # fmt: skip
        with pytest.raises(BackendError):
            Summarizer(settings, on_event=got.append).summarize(synthetic_article(1))
    assert got and all(KEY not in repr(e) and token not in repr(e) for e in got)
