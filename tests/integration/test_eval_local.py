"""The eval harness over the real local model: a small fixture subset, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.config import load_settings
from summarizer.evaluation import run_eval
from tests.conftest import copy_fixtures

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "evals" / "fixtures"
PICK = ("written-very-short-library", "seed-000-assad-pezeshkian-call")


def test_local_eval_on_two_fixtures(tmp_path: Path) -> None:
    folder = copy_fixtures(tmp_path / "fixtures", PICK)
    settings = load_settings(backend="local", cache_dir=tmp_path / "cache")
    out = tmp_path / "out"
    report = run_eval(
        folder, settings, out, baseline=None, gates=["schema_valid_rate=1", "error_rate=0"]
    )
    assert report.failed_gates == [], report.render_summary()
    m = report.metrics
    assert m["summary.grounding_rate"] == 1.0
    assert m["flags.clean_body_rate"] == 1.0, "clean articles get no false alarms"
    assert m["stances.coverage_requested"] == 1.0, "every requested target gets a stance"
    rows = [json.loads(x) for x in (out / "batch.jsonl").read_text().splitlines()]
    assert {r["id"] for r in rows} == set(PICK)
    assert all(r["result"]["provenance"]["backend"] == "local" for r in rows)
    # A second run is served from the cache: same numbers, no model time.
    again = run_eval(folder, settings, tmp_path / "out2", baseline=None, gates=[])
    assert again.data["run_stats"]["cached"] == len(PICK)
    assert again.metrics["summary.key_fact_recall"] == m["summary.key_fact_recall"]
