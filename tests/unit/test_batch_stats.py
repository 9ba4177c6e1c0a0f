"""Batch statistics: counting, cost estimates, the summary text and its JSON form."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from summarizer.batch.stats import PRICES_PER_MTOK, BatchStats, RowOutcome, estimate_cost, price_for


def _ok(**kw: object) -> RowOutcome:
    """The outcome of an ok row, read from its provenance as the runner does."""
    base = {"prompt_tokens": 1000, "completion_tokens": 200, "attempts": 1,
            "transient_retries": 0, "cached": False}  # fmt: skip
    return RowOutcome.from_row(True, SimpleNamespace(**{**base, **kw}), None)


def _error(kind: str, **kw: object) -> RowOutcome:
    """The outcome of an error row, read from its error object as the runner does."""
    return RowOutcome.from_row(False, None, {"type": kind, "message": "m", **kw})


def test_price_lookup_handles_snapshots_and_unknown_models() -> None:
    assert price_for("gpt-4o-mini") == PRICES_PER_MTOK["gpt-4o-mini"]
    assert price_for("gpt-4o-mini-2024-07-18") == PRICES_PER_MTOK["gpt-4o-mini"]
    assert price_for("GPT-4o") == PRICES_PER_MTOK["gpt-4o"]  # not confused with gpt-4o-mini
    assert price_for("gpt-4o") != price_for("gpt-4o-mini")
    assert price_for("llama3:8b") is None
    assert set(PRICES_PER_MTOK) >= {
        "gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano",
        "o4-mini", "gpt-5", "gpt-5-mini", "gpt-5-nano",
    }  # fmt: skip


def test_cost_estimates() -> None:
    inp, out = PRICES_PER_MTOK["gpt-4.1-mini"]
    assert estimate_cost("openai", "gpt-4.1-mini", 2_000_000, 500_000) == pytest.approx(
        2 * inp + 0.5 * out
    )
    assert estimate_cost("local", "SmolLM2", 10**9, 10**9) == 0.0
    assert estimate_cost("openai", "fake-model", 10, 10) is None


def test_counts_tokens_only_for_real_calls() -> None:
    stats = BatchStats(backend="openai", model="gpt-4o-mini")
    stats.record(_ok())
    stats.record(_ok(transient_retries=2, attempts=2))
    stats.record(_ok(cached=True))  # costs nothing this run
    stats.record(_error("backend_error", attempts=7))
    stats.record(_error("grounding_error", attempts=3))
    stats.record(_error("backend_error"))
    stats.wall_seconds = 2.0
    assert (stats.ok, stats.failed, stats.cached, stats.processed) == (3, 3, 1, 6)
    assert (stats.prompt_tokens, stats.completion_tokens) == (2000, 400)
    assert stats.attempts == 3 + 10 and stats.transient_retries == 2
    assert stats.articles_per_second == 3.0
    assert stats.cost_usd == pytest.approx((2000 * 0.15 + 400 * 0.60) / 1e6)


def test_render_and_json_agree() -> None:
    stats = BatchStats(backend="openai", model="gpt-4o-mini", output="out.jsonl", shard=(1, 4))
    stats.record(_ok())
    stats.record(_error("grounding_error"))
    stats.skipped, stats.other_shard, stats.wall_seconds = 5, 9, 0.5
    stats.notes.append("dropped a partial last line")
    text = stats.render()
    assert "2 articles in 0.5 s (4.0 articles/s)" in text
    assert "ok 1, 1 failed (grounding_error 1), 5 skipped (already done)" in text
    assert "9 left to other shards" in text
    assert "1,000 in, 200 out; estimated cost $0.0003 (gpt-4o-mini)" in text
    assert "note: dropped a partial last line" in text
    data = json.loads(json.dumps(stats.to_dict()))
    assert data["articles"] == {
        "ok": 1,
        "failed": 1,
        "skipped_done": 5,
        "other_shards": 9,
        "cached": 0,
    }
    assert data["errors_by_type"] == {"grounding_error": 1}
    assert data["shard"] == "1/4" and data["articles_per_second"] == 4.0
    assert data["cost_usd"] == pytest.approx(0.00027)


def test_render_for_unknown_and_local_models() -> None:
    assert "cost unknown" in BatchStats(backend="openai", model="fake-model").render()
    assert BatchStats(backend="openai", model="fake-model").to_dict()["cost_usd"] is None
    assert "cost $0 (local model)" in BatchStats(backend="local", model="SmolLM2").render()
    assert BatchStats().articles_per_second == 0.0
