"""Issue 12, cases 6 and 13: the API key never reaches an error message, an error row, a log
line or a stats file, and third-party log lines stay off stderr unless asked for."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from summarizer.batch import BatchOptions, arun_batch
from summarizer.batch.stats import BatchStats
from summarizer.errors import BackendError, GroundingError, redact, redact_data, register_secret
from summarizer.logs import configure_logging
from tests.unit.test_batch_runner import StandIn, corpus, read_out

KEY = "sk-proj-Zq81tDemoKeyForTests0000"
ODD_KEY = "local-server-key-77"  # a configured key that looks like nothing in particular


@pytest.fixture(autouse=True)
def _registered() -> None:
    register_secret(ODD_KEY)


@pytest.mark.parametrize(
    "text",
    [
        f'{{"headers": {{"Authorization": "Bearer {KEY}", "Host": "x"}}}}',
        f"Authorization: Bearer {ODD_KEY}",
        f"{{'authorization': 'Bearer {ODD_KEY}'}}",
        f"the key {KEY} was rejected",
        f"api_key={ODD_KEY}&model=m",
        f'"x-api-key": "{ODD_KEY}"',
        f"http://user:{ODD_KEY}@proxy.local/v1",
        f"echoed: {ODD_KEY}",  # the registered key, in any context
    ],
)
def test_redact_removes_keys_in_every_shape(text: str) -> None:
    cleaned = redact(text)
    assert KEY not in cleaned and ODD_KEY not in cleaned and "***" in cleaned


def test_redact_leaves_ordinary_messages_alone() -> None:
    for text in [
        "the model's answer was cut off at max_tokens; raise --max-tokens",
        "HTTP 500: injected server_error",
        "no valid, grounded answer after 3 attempt(s); failing field(s): key_points",
        "the token limit is 640",
    ]:
        assert redact(text) == text


def test_redact_data_walks_nested_rows() -> None:
    data = {"error": {"message": f"Bearer {KEY}", "list": [f"key {KEY}"], "n": 3}}
    cleaned = json.dumps(redact_data(data))
    assert cleaned.count("***") == 2 and KEY not in cleaned and '"n": 3' in cleaned


def test_errors_redact_at_construction() -> None:
    error = BackendError(f"HTTP 400: headers {{'Authorization': 'Bearer {ODD_KEY}'}}")
    assert ODD_KEY not in error.message and ODD_KEY not in str(error)
    assert ODD_KEY not in json.dumps(error.to_dict())
    grounding = GroundingError("bad", last_raw_output=f'{{"headline": "{ODD_KEY}"}}')
    assert ODD_KEY not in json.dumps(grounding.to_dict())


def test_error_rows_are_scrubbed_whatever_raised(tmp_path: Path) -> None:
    failures: dict[str, BaseException] = {
        "a0": BackendError(f"echo: Authorization: Bearer {ODD_KEY}"),
        "a1": RuntimeError(f"a bug that prints the key {ODD_KEY}"),  # an internal_error row
    }
    out = tmp_path / "out.jsonl"
    stats = asyncio.run(
        arun_batch(
            StandIn(failures=failures),
            [str(corpus(tmp_path / "in.jsonl", 3))],
            out,
            BatchOptions(),
        )
    )
    assert stats.failed == 2
    text = out.read_text()
    assert ODD_KEY not in text and text.count("***") >= 2
    assert {r["error"]["type"] for r in read_out(out) if r["error"]} == {
        "backend_error",
        "internal_error",
    }


def test_stats_notes_are_scrubbed() -> None:
    stats = BatchStats(notes=[f"worker 0 said Bearer {ODD_KEY}"])
    assert ODD_KEY not in stats.render() and ODD_KEY not in json.dumps(stats.to_dict())


# ------------------------------------------------------------ 13. third-party log lines


@pytest.fixture
def logs() -> Iterator[None]:
    yield
    configure_logging()  # back to the defaults


@pytest.mark.usefixtures("logs")
def test_instructor_errors_are_quiet_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging()
    logging.getLogger("instructor.v2.retry").error("Max retries exceeded. Total attempts: 1")
    logging.getLogger("httpx").info("HTTP Request: POST http://x 200 OK")
    logging.getLogger("trafilatura.utils").error("parsed tree length: 0, wrong data type")
    logging.getLogger("summarizer.batch").warning(f"a warning of ours, Bearer {ODD_KEY}")
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["summarizer: WARNING: [summarizer.batch] a warning of ours, Bearer ***"]
