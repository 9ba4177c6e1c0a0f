"""Logging: one line per record, JSON or text, third-party loggers quietened, keys redacted."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from summarizer.config import load_settings
from summarizer.errors import ConfigError, redact, register_secret
from summarizer.events import Emitter, Event
from summarizer.logs import THIRD_PARTY, configure_logging, parse_level


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Put the loggers configure_logging touches back as they were."""
    names = ["summarizer", *THIRD_PARTY]
    saved = {
        n: (logging.getLogger(n).level, list(logging.getLogger(n).handlers),
            logging.getLogger(n).propagate)
        for n in names
    }  # fmt: skip
    yield
    for name, (level, handlers, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.handlers[:] = handlers
        logger.propagate = propagate


def test_json_lines_carry_the_event_fields(restore_logging: None) -> None:
    out = io.StringIO()
    configure_logging("info", json=True, stream=out)
    emitter = Emitter(backend="openai", model="m1")
    emitter.emit(
        "article.failed",
        "backend_error: HTTP 500\nsecond line",
        level=logging.WARNING,
        article_id="a-1",
        attempt=3,
        latency_ms=12,
        prompt_tokens=100,
        completion_tokens=7,
        error_type="backend_error",
        source="in.jsonl:4",
    )
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert list(data)[:3] == ["time", "level", "event"]
    assert data["time"].endswith("Z") and data["level"] == "warning"
    assert data["event"] == "article.failed" and data["article_id"] == "a-1"
    assert (data["attempt"], data["backend"], data["model"]) == (3, "openai", "m1")
    assert data["latency_ms"] == 12 and data["tokens"] == {"prompt": 100, "completion": 7}
    assert data["error_type"] == "backend_error" and data["source"] == "in.jsonl:4"


def test_text_lines_are_one_line_and_name_the_article(restore_logging: None) -> None:
    out = io.StringIO()
    configure_logging("warning", stream=out)
    emitter = Emitter()
    emitter.emit("article.started", "started", article_id="a-1")  # info: below the level
    emitter.emit("article.failed", "bad\nthings", level=logging.WARNING, article_id="a-2")
    assert out.getvalue() == "summarizer: WARNING: article.failed [a-2] bad | things\n"


def test_third_party_loggers_are_quiet_by_default_and_routed_when_asked(
    restore_logging: None,
) -> None:
    out = io.StringIO()
    configure_logging("warning", stream=out)
    # instructor logs every failed attempt at ERROR: that would be a second line per article.
    logging.getLogger("instructor.v2.retry").error("API call failed on attempt 1: boom")
    logging.getLogger("httpx2").info("HTTP Request: POST ...")
    assert out.getvalue() == ""
    configure_logging("debug", json=True, stream=out)
    logging.getLogger("instructor.v2.retry").error("API call failed on attempt 1: boom")
    logging.getLogger("httpx2").info("HTTP Request: POST ...")
    logging.getLogger("httpx2").debug("too much detail")
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(r["event"], r["logger"], r["level"]) for r in rows] == [
        ("log", "instructor.v2.retry", "error"),
        ("log", "httpx2", "info"),
    ]


def test_configure_twice_replaces_the_handler(restore_logging: None) -> None:
    first, second = io.StringIO(), io.StringIO()
    configure_logging("info", stream=first)
    configure_logging("info", stream=second)
    owned = [h for h in logging.getLogger("summarizer").handlers if hasattr(h, "summarizer_owned")]
    assert len(owned) == 1
    Emitter().emit("batch.started", "go")
    assert first.getvalue() == "" and "batch.started go" in second.getvalue()


def test_keys_and_tokens_are_redacted_everywhere(restore_logging: None) -> None:
    register_secret("cfg-secret-0123456789")
    register_secret("k")  # too short to be a key: redacting it would mangle every word
    text = (
        "refused cfg-secret-0123456789; headers Authorization: Bearer abc.DEF-123456 and "
        "key sk-proj-AAAAbbbbCCCCdddd1234 in ?api_key=zzzzzzzz1234"
    )
    clean = redact(text)
    for secret in ("cfg-secret-0123456789", "abc.DEF-123456", "sk-proj-AAAA", "zzzzzzzz1234"):
        assert secret not in clean
    assert "Bearer ***" in clean and "refused ***" in clean and "key" in clean
    out = io.StringIO()
    configure_logging("info", json=True, stream=out)
    events: list[Event] = []
    Emitter([events.append]).emit("model.retry", text, detail=[text])
    logging.getLogger("openai").warning("echo: %s", text)  # a foreign line, redacted too
    assert "cfg-secret" not in out.getvalue() and "abc.DEF" not in out.getvalue()
    assert "cfg-secret" not in events[0].message and "abc.DEF" not in str(events[0].data)


def test_levels_and_settings() -> None:
    assert parse_level("INFO") == logging.INFO and parse_level(None) == logging.WARNING
    with pytest.raises(ValueError, match="unknown log level"):
        parse_level("loud")
    settings = load_settings(log_level="Debug", log_json=True)
    assert settings.log_level == "debug" and settings.log_json is True
    with pytest.raises(ConfigError, match="log_level"):
        load_settings(log_level="loud")
