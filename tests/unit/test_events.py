"""Events from the real pipeline (scripted model, real instructor loop) and the batch layer:
what a hook receives is what the log shows."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from summarizer.api import Summarizer
from summarizer.batch import BatchOptions
from summarizer.batch.runner import arun_batch
from summarizer.cache import DiskCache
from summarizer.config import load_settings
from summarizer.errors import GroundingError
from summarizer.events import Emitter, Event
from summarizer.logs import THIRD_PARTY, configure_logging
from summarizer.pipeline import Pipeline
from tests.conftest import ScriptedBackend

ARTICLE = """Iran pledged full support to Damascus on Monday.
Turkey urged Bashar al-Assad's government to reconcile with the opposition.
The clashes killed over 400 people in less than a week, a monitor said.
Iranian officials downplayed the fall of Aleppo."""

GOOD = json.dumps({"article_type": "news_report"})
BAD_TYPE = json.dumps({"article_type": "gossip"})  # not an article type: a re-ask


def make(outputs: list[str], **overrides: Any) -> tuple[Summarizer, list[Event]]:
    got: list[Event] = []
    # The model call is what these tests watch: the model names the article type.
    settings = load_settings(backend="local", article_type_judge="llm", **overrides)
    s = Summarizer(settings, backend_instance=ScriptedBackend(outputs), on_event=got.append)
    return s, got


def names(events: list[Event]) -> list[str]:
    return [e.name for e in events]


def test_a_finished_article_reports_started_call_finished(clean_env: pytest.MonkeyPatch) -> None:
    s, got = make([GOOD])
    record = s.summarize(ARTICLE, id="a1")
    assert names(got) == ["article.started", "model.call", "article.finished"]
    assert {e.article_id for e in got} == {"a1"}
    assert {(e.backend, e.model) for e in got} == {("scripted", "script-1")}
    done = got[-1]
    assert done.attempt == 1 and done.tokens == {"prompt": 100, "completion": 20}
    assert done.data["quality_score"] == record.quality.score
    assert done.data["flags"] == len(record.quality.flags) and done.data["cached"] is False
    assert done.latency_ms is not None and done.latency_ms >= 0
    assert got[1].attempt == 1 and got[1].level == logging.DEBUG


def test_a_reask_names_the_fields_that_failed(clean_env: pytest.MonkeyPatch) -> None:
    s, got = make([BAD_TYPE, GOOD])
    record = s.summarize(ARTICLE, id="a1")
    assert record.provenance.attempts == 2
    assert names(got) == [
        "article.started", "model.call", "model.reask", "model.call", "article.finished",
    ]  # fmt: skip
    reask = got[2]
    assert reask.attempt == 1 and reask.data["fields"] == ["article_type"]
    assert "article_type" in reask.message
    assert [e.attempt for e in got if e.name == "model.call"] == [1, 2]


def test_a_failure_is_one_failed_event_at_the_level_the_caller_chose(
    clean_env: pytest.MonkeyPatch,
) -> None:
    s, got = make([BAD_TYPE] * 3)
    with pytest.raises(GroundingError):
        s.summarize(ARTICLE, id="a1")
    failed = [e for e in got if e.name == "article.failed"]
    assert len(failed) == 1 and names(got)[-1] == "article.failed"
    assert failed[0].error_type == "grounding_error" and failed[0].attempt == 3
    # Summarizer.summarize raises to its caller: below warning, so it is not printed twice.
    assert failed[0].level == logging.INFO
    assert [e.attempt for e in got if e.name == "model.reask"] == [1, 2]

    backend = ScriptedBackend([BAD_TYPE] * 3)
    settings = load_settings(backend="local", article_type_judge="llm")
    pipeline = Pipeline(settings, backend, events=Emitter([got.append]))
    with pytest.raises(GroundingError):
        asyncio.run(pipeline.analyze(s._article(ARTICLE, None, {"id": "a2"})))
    assert got[-1].name == "article.failed" and got[-1].level == logging.WARNING


def test_a_cache_hit_is_reported_and_costs_no_call(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    got: list[Event] = []
    settings = load_settings(backend="local")
    backend = ScriptedBackend([GOOD])
    s = Summarizer(
        settings, cache=DiskCache(tmp_path), backend_instance=backend, on_event=got.append
    )
    s.summarize(ARTICLE, id="a1")
    got.clear()
    record = s.summarize(ARTICLE, id="a1")
    assert record.provenance.cached
    assert names(got) == ["article.started", "article.cache_hit", "article.finished"]
    assert got[-1].data["cached"] is True


class Collect(logging.Handler):
    """Keeps records (attached to a logger directly: caplog's root handler would miss records
    once a CLI test in the same process has configured logging, which stops propagation)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_hook_that_raises_is_reported_once_and_breaks_nothing(
    clean_env: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []

    def broken(event: Event) -> None:
        calls.append(event.name)
        raise RuntimeError("hook bug")

    settings = load_settings(backend="local")
    s = Summarizer(settings, backend_instance=ScriptedBackend([GOOD, GOOD]), on_event=broken)
    collect = Collect()
    logger = logging.getLogger("summarizer.hooks")
    logger.addHandler(collect)
    try:
        s.summarize(ARTICLE, id="a1")
        s.summarize(ARTICLE, id="a2")
    finally:
        logger.removeHandler(collect)
    assert calls.count("article.finished") == 2
    warnings = [r for r in collect.records if "hook bug" in r.getMessage()]
    assert len(warnings) == 1


def test_nothing_is_built_for_an_event_nobody_listens_to() -> None:
    quiet = Emitter(log=False)
    assert quiet.emit("article.started", "x") is None
    assert not quiet.listening(logging.ERROR)
    heard: list[Event] = []
    picky = Emitter([heard.append], min_level=logging.WARNING)
    picky.emit("article.started", "x")
    picky.emit("article.failed", "y", level=logging.WARNING)
    assert names(heard) == ["article.failed"] and picky.threshold() == logging.WARNING


def test_events_cross_a_process_boundary_unchanged() -> None:
    event = Event(
        name="model.retry", level=20, message="HTTP 429", time=1.5, article_id="a",
        attempt=2, prompt_tokens=3, data={"wait_s": 0.25, "status_code": 429},
    )  # fmt: skip
    assert Event.from_wire(json.loads(json.dumps(event.to_wire()))) == event


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + "not json\n")
    return path


async def test_batch_events_account_for_every_row_and_resume(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    rows = [{"id": "a", "text": ARTICLE}, {"id": "b", "text": ARTICLE + "\nMore."},
            {"id": "a", "text": "duplicate"}, {"id": "c", "text": "   "}]  # fmt: skip
    src = _write(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    got: list[Event] = []
    events = Emitter([got.append])
    settings = load_settings(backend="local", concurrency=2)
    pipeline = Pipeline(settings, ScriptedBackend([GOOD, GOOD]), events=events)
    options = BatchOptions(use_cache=False, progress=False)
    await arun_batch(pipeline, [str(src)], out, options, events=events)
    written = {json.loads(line)["id"] for line in out.read_text().splitlines()}
    terminal = [e for e in got if e.name in ("article.finished", "article.failed")]
    assert sorted(e.article_id or "" for e in terminal) == sorted(written)
    assert len(terminal) == len(written) == 5
    failed = {e.article_id: e.error_type for e in got if e.name == "article.failed"}
    assert failed == {
        f"a@{src}:3": "duplicate_id", "c": "input_error", f"{src}:5": "input_error",
    }  # fmt: skip
    assert names(got)[:2] == ["resume.scan", "batch.started"]
    assert names(got)[-1] == "batch.finished" and got[-1].data["ok"] == 2

    got.clear()
    await arun_batch(pipeline, [str(src)], out, options, events=events)
    assert sorted(e.article_id or "" for e in got if e.name == "resume.skipped") == sorted(written)
    assert not [e for e in got if e.name.startswith("article.")]
    got.clear()
    pipeline.backend = ScriptedBackend([GOOD, GOOD])
    forced = BatchOptions(use_cache=False, progress=False, force=True)
    await arun_batch(pipeline, [str(src)], out, forced, events=events)
    redo = {e.article_id: e.data["reason"] for e in got if e.name == "resume.redo"}
    assert redo == {"a": "forced", "b": "forced"}


def test_hooks_and_the_json_log_see_the_same_events(
    clean_env: pytest.MonkeyPatch,
) -> None:
    saved = {n: (logging.getLogger(n).level, list(logging.getLogger(n).handlers),
                 logging.getLogger(n).propagate) for n in ["summarizer", *THIRD_PARTY]}  # fmt: skip
    out = io.StringIO()
    try:
        configure_logging("debug", json=True, stream=out)
        s, got = make([BAD_TYPE, GOOD])
        s.summarize(ARTICLE, id="a1")
    finally:
        for name, (level, handlers, propagate) in saved.items():
            logger = logging.getLogger(name)
            logger.setLevel(level)
            logger.handlers[:] = handlers
            logger.propagate = propagate
    logged = [json.loads(line) for line in out.getvalue().splitlines()]
    ours = [row for row in logged if row["event"] != "log"]
    assert [row["event"] for row in ours] == names(got)
    assert [row.get("attempt") for row in ours] == [e.attempt for e in got]
