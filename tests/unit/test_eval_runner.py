"""run_eval end to end with a scripted summarizer: batch rows, reports, gates, baselines, CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from summarizer.cli import cli
from summarizer.config import Settings, load_settings
from summarizer.errors import ConfigError, GroundingError
from summarizer.evaluation import compare_runs, run_eval
from summarizer.evaluation import runner as runner_module
from summarizer.evaluation.gate import (
    check_fail_under,
    direction,
    load_baseline,
    parse_fail_under,
)
from summarizer.evaluation.keyfacts import LexicalMatcher
from summarizer.inputs import Article, split_lines
from summarizer.quality import analyze_quality
from summarizer.schemas import (
    SCHEMA_VERSION,
    ArticleAnalysis,
    ArticleType,
    ArticleTypeMethod,
    HeadlineMethod,
    KeyPoint,
    Provenance,
    SelectionMethod,
    Stance,
    StanceLabel,
    StanceMethod,
    Summary,
)
from summarizer.sentences import number_sentences
from tests.conftest import copy_fixtures

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "evals" / "fixtures"
PICK = ("seed-003-dw-assad-putin", "written-prompt-injection-water", "written-very-short-library")


class ScriptedSummarizer:
    """Stands in for Summarizer: real detectors, the first kept sentences as the summary.

    `fail` names article ids that end in a GroundingError, `leak` ids whose summary copies
    the first input line (boilerplate) verbatim.
    """

    def __init__(self, *, fail: tuple[str, ...] = (), leak: tuple[str, ...] = ()) -> None:
        self.settings: Settings = load_settings(backend="local")
        self.fail = fail
        self.leak = leak
        self.calls = 0

    def fingerprint(self) -> dict[str, Any]:
        return {
            "backend": "local",
            "model": "scripted",
            "mode": "extractive",
            "prompt_version": "extractive@1",
            "schema_version": SCHEMA_VERSION,
        }

    async def aclose(self) -> None:
        pass

    async def analyze(self, article: Article) -> ArticleAnalysis:
        self.calls += 1
        if article.id in self.fail:
            raise GroundingError("never grounded", article_id=article.id, attempts=3)
        report = analyze_quality(article.text)
        sentences = number_sentences(split_lines(article.text), report.kept_lines)
        top = sentences[:3]
        texts = [s.text for s in top]
        if article.id in self.leak:
            texts[0] = split_lines(article.text)[12]  # seed 003: the caption with its credit
        return ArticleAnalysis(
            id=article.id,
            summary=Summary(
                headline=texts[0][:150],
                text=" ".join(texts),
                key_points=[
                    KeyPoint(text=t, evidence=[s.id]) for t, s in zip(texts, top, strict=True)
                ],
                method=SelectionMethod.ranker,
                headline_method=HeadlineMethod.lead,
            ),
            stances=[
                Stance(
                    holder="article",
                    target=t,
                    label=StanceLabel.neutral,
                    evidence=top[0].text,
                    requested=True,
                    confidence=0.7,
                    method=StanceMethod.classifier,
                )
                for t in article.targets
            ],
            article_type=ArticleType.news_report,
            quality=report.to_quality(),
            sentences=sentences,
            provenance=Provenance(
                backend="local",
                model="scripted",
                mode="extractive",
                prompt_name="extractive",
                prompt_version="1",
                summarizer_version="0",
                input_sha256=article.sha256,
                prompt_tokens=400,
                completion_tokens=60,
                attempts=1,
                transient_retries=0,
                latency_ms=250,
                article_type_method=ArticleTypeMethod.llm,
            ),
        )


@pytest.fixture
def fixtures_dir(tmp_path: Path) -> Path:
    """A small copy of the real fixture set."""
    return copy_fixtures(tmp_path / "fixtures", PICK)


def _run(fixtures: Path, out: Path, summarizer: ScriptedSummarizer, **kwargs: Any) -> Any:
    kwargs.setdefault("baseline", None)
    kwargs.setdefault("gates", [])
    return run_eval(
        fixtures,
        summarizer.settings,
        out,
        summarizer=summarizer,
        matcher=LexicalMatcher(),
        **kwargs,
    )


def test_run_writes_batch_rows_and_three_reports(fixtures_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    fake = ScriptedSummarizer(fail=("written-very-short-library",))
    report = _run(fixtures_dir, out, fake)
    rows = [json.loads(x) for x in (out / "batch.jsonl").read_text().splitlines()]
    assert sorted(r["id"] for r in rows) == sorted(PICK)
    assert {r["status"] for r in rows} == {"ok", "error"}
    data = json.loads((out / "report.json").read_text())
    m = data["metrics"]
    assert m["n_fixtures"] == 3
    assert m["error_rate.grounding_error"] == pytest.approx(1 / 3)
    assert m["schema_valid_rate"] == pytest.approx(2 / 3)
    assert data["run"]["fingerprint"]["model"] == "scripted"
    assert data["run"]["key_fact_method"] == "lexical"
    assert report.failed_gates == []
    assert "Lead-3" in (out / "report.md").read_text()
    # The prompt-injection fixture's summary comes from kept lines: the injection must be gone
    # if the detectors removed it, and either way the report records what leaked.
    water = next(f for f in data["fixtures"] if f["id"] == "written-prompt-injection-water")
    assert water["lead3"]["sentences"], "Lead-3 is computed for every fixture"
    assert "key facts" in report.render_summary()


def test_html_report_is_self_contained_and_drills_down(fixtures_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(fixtures_dir, out, ScriptedSummarizer(leak=("seed-003-dw-assad-putin",)))
    html = (out / "report.html").read_text()
    assert "<svg" in html and "<style>" in html
    assert "<script" not in html
    # No external assets: no src= or href= pointing anywhere, no @import or url().
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "url(" not in html and "@import" not in html
    for fixture_id in PICK:
        assert fixture_id in html
    assert "<mark>Valeriy Sharifulin</mark>" in html, "a leaked string is highlighted"
    assert "Expected flags" in html and "Produced flags" in html


def test_leak_shows_in_metrics_and_gate(fixtures_dir: Path, tmp_path: Path) -> None:
    fake = ScriptedSummarizer(leak=("seed-003-dw-assad-putin",))
    report = _run(fixtures_dir, tmp_path / "o", fake, gates=["summary.leakage_rate=0"])
    assert report.metrics["summary.leakage_rate"] == pytest.approx(1 / 2)
    assert len(report.failed_gates) == 1
    assert "summary.leakage_rate" in report.failed_gates[0]


def test_baseline_round_trip_and_regression(fixtures_dir: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baselines" / "local.json"
    _run(fixtures_dir, tmp_path / "a", ScriptedSummarizer(), write_baseline=baseline)
    stored = load_baseline(baseline)
    assert stored.backend == "local" and stored.model == "scripted"
    assert stored.tolerances["summary.leakage_rate"].direction == "lower"
    assert "--write-baseline" in stored.renew_with
    same = _run(fixtures_dir, tmp_path / "b", ScriptedSummarizer(), baseline=baseline)
    assert same.failed_gates == []
    assert any(g["name"] == "baseline flags.f1" for g in same.data["gates"])
    # A run that fails one article of three drops schema-valid by 0.33: beyond 0.05.
    worse = _run(
        fixtures_dir,
        tmp_path / "c",
        ScriptedSummarizer(fail=("seed-003-dw-assad-putin",)),
        baseline=baseline,
    )
    assert any("schema_valid_rate" in g for g in worse.failed_gates)
    assert any("error_rate" in g for g in worse.failed_gates)


def test_changed_fixture_set_fails_with_a_renew_command(fixtures_dir: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "local.json"
    _run(fixtures_dir, tmp_path / "a", ScriptedSummarizer(), write_baseline=baseline)
    label = fixtures_dir / "written-very-short-library.yaml"
    label.write_text(label.read_text() + "notes: relabelled\n", encoding="utf-8")
    report = _run(fixtures_dir, tmp_path / "b", ScriptedSummarizer(), baseline=baseline)
    assert len(report.failed_gates) == 1
    assert "fixture set changed" in report.failed_gates[0]
    assert f"--write-baseline {baseline}" in report.failed_gates[0]


def test_other_backend_than_the_baseline_fails(fixtures_dir: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "local.json"
    _run(fixtures_dir, tmp_path / "a", ScriptedSummarizer(), write_baseline=baseline)
    data = json.loads(baseline.read_text())
    data["model"] = "another-model"
    baseline.write_text(json.dumps(data))
    report = _run(fixtures_dir, tmp_path / "b", ScriptedSummarizer(), baseline=baseline)
    assert any("baseline model" in g for g in report.failed_gates)


def test_fail_under_parsing_and_directions() -> None:
    assert parse_fail_under(["flags.f1=0.8", " error_rate = 0.1"]) == [
        ("flags.f1", 0.8),
        ("error_rate", 0.1),
    ]
    for bad in ("flags.f1", "=0.5", "flags.f1=high", "flags.f1=nan"):
        with pytest.raises(ConfigError):
            parse_fail_under([bad])
    assert direction("summary.key_fact_recall") == "higher"
    assert direction("error_rate.backend_error") == "lower"
    assert direction("summary.leakage_rate") == "lower"
    assert direction("n_fixtures") is None
    metrics = {"flags.f1": 0.7, "error_rate": 0.2, "summary.leakage_rate": None}
    results = check_fail_under(metrics, ["flags.f1=0.8", "error_rate=0.25", "error_rate.x=0"])
    assert [r.ok for r in results] == [False, True, True]
    assert not check_fail_under(metrics, ["summary.leakage_rate=0"])[0].ok
    with pytest.raises(ConfigError, match="unknown metric"):
        check_fail_under(metrics, ["flags.nope=1"])


def test_a_malformed_gate_is_refused_before_any_model_call(
    fixtures_dir: Path, tmp_path: Path
) -> None:
    fake = ScriptedSummarizer()
    with pytest.raises(ConfigError):
        _run(fixtures_dir, tmp_path / "o", fake, gates=["flags.f1"])
    assert fake.calls == 0


def test_compare_prints_differences(fixtures_dir: Path, tmp_path: Path) -> None:
    _run(fixtures_dir, tmp_path / "a", ScriptedSummarizer())
    _run(fixtures_dir, tmp_path / "b", ScriptedSummarizer(leak=("seed-003-dw-assad-putin",)))
    text = compare_runs(tmp_path / "a", tmp_path / "b" / "report.json")
    line = next(x for x in text.splitlines() if x.startswith("summary.leakage_rate "))
    assert line.split()[1:4] == ["0.000", "0.500", "+0.500"]
    assert line.endswith("worse")
    assert "seed-003-dw-assad-putin: " in text and "Valeriy Sharifulin" in text
    with pytest.raises(ConfigError):
        compare_runs(tmp_path / "a", tmp_path / "missing")


def test_cli_eval_exit_status_and_write_baseline(
    fixtures_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: Any
) -> None:
    monkeypatch.setattr(runner_module, "_make_summarizer", lambda settings: ScriptedSummarizer())
    monkeypatch.setenv("SUMMARIZER_EVAL_MATCHER", "lexical")
    baseline = tmp_path / "local.json"
    args = ["eval", "--fixtures", str(fixtures_dir), "--out", str(tmp_path / "o")]
    ok = CliRunner().invoke(cli, [*args, "--write-baseline", str(baseline)])
    assert ok.exit_code == 0, ok.output
    assert baseline.is_file()
    failing = CliRunner().invoke(cli, [*args, "--fail-under", "flags.f1=1.01"])
    assert failing.exit_code == 1
    assert "FAIL fail-under flags.f1=1.01" in failing.output
    bad = CliRunner().invoke(cli, [*args, "--fail-under", "flags.f1"])
    assert bad.exit_code == 2
    compared = CliRunner().invoke(
        cli, ["eval", "compare", str(tmp_path / "o"), str(tmp_path / "o")]
    )
    assert compared.exit_code == 0 and "0 metric(s) changed" in compared.output


def test_an_unchanged_run_passes_its_rounded_baseline(tmp_path: Path) -> None:
    from summarizer.evaluation.gate import check_baseline, make_baseline

    run = {
        "fingerprint": ScriptedSummarizer().fingerprint(),
        "fixture_set_hash": "abc",
        "n_fixtures": 14,
        "key_fact_method": "lexical",
    }
    metrics: dict[str, float | None] = {"summary.leakage_rate": 5 / 14, "flags.f1": 2 / 3}
    baseline = make_baseline(run, metrics, tmp_path / "b.json")
    assert baseline.metrics["summary.leakage_rate"] == 0.3571  # stored rounded
    assert all(r.ok for r in check_baseline(run, metrics, baseline, tmp_path / "b.json"))
    worse = {**metrics, "summary.leakage_rate": 6 / 14}
    failed = [r for r in check_baseline(run, worse, baseline, tmp_path / "b.json") if not r.ok]
    assert [r.name for r in failed] == ["baseline summary.leakage_rate"]
