"""The source-metadata metric (summarizer.evaluation.source) and the expected labels."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from summarizer.evaluation.source import (
    ExpectedSource,
    SourceReport,
    load_expected,
    norm_name,
    norm_org,
    norm_url,
    same_day,
    score_source,
)
from summarizer.inputs import split_lines
from summarizer.schemas.source import MetaOrigin, SourcedDate, SourcedValue, SourceMetadata

EVALS = Path(__file__).resolve().parents[2] / "evals"


def _v(value: str, line: int | None = None) -> SourcedValue:
    return SourcedValue.model_validate(
        {"value": value, "from": MetaOrigin.text_byline, "line": line}
    )


def _d(value: str, line: int | None = None) -> SourcedDate:
    return SourcedDate.model_validate({"value": value, "from": MetaOrigin.text_date, "line": line})


def test_days_compare_in_the_expected_zone() -> None:
    # 02:46 UTC on the 19th is the afternoon of the 18th in Hawaii.
    assert same_day("2019-11-18T14:26:00-10:00", "2019-11-19T02:46:42+00:00")
    assert not same_day("2019-11-18T14:26:00-10:00", "2019-11-19")
    assert same_day("2019-11-18", "2019-11-18T23:59:00+05:30")  # date only: as written
    assert not same_day("2019-11-19T23:34:00-05:00", "2019-11-20T00:00:00")


def test_normalisers() -> None:
    assert norm_name("Trevor J. Mitchell") == norm_name("trevor j mitchell")
    assert norm_name("Lucía Gómez") == "lucia gomez"
    assert norm_org("ScienceAlert Pty Ltd") == norm_org("ScienceAlert")
    assert norm_org("The Detroit News") == "detroit news"
    assert norm_org("CNBC LLC") == "cnbc"
    assert norm_url("https://www.example.org/a/b/?x=1") == norm_url("http://example.org/a/b")


def test_scoring_rules_field_by_field() -> None:
    expected = ExpectedSource.model_validate(
        {
            "authors": [{"value": "Trevor J. Mitchell", "line": 4}, "Lisa Kaczke"],
            "published": {"value": "2019-11-19T10:02:00-05:00", "line": 5},
            "updated": None,
            "publisher": ["USA TODAY", "Gannett"],
            "agencies": [],
            "tags": ["Space"],
        }
    )
    produced = SourceMetadata(
        authors=[_v("Trevor J Mitchell", 4), _v("Lisa Kaczke", 4)],
        published=_d("2019-11-19T15:02:00+00:00", 9),
        updated=_d("2019-11-19T16:00:00+00:00"),
        publisher=_v("Gannett"),
        tags=[_v("space")],
    )
    scores = score_source(expected, produced)
    assert set(scores) == {"authors", "published", "updated", "publisher", "agencies", "tags"}
    assert scores["authors"].correct
    assert (scores["authors"].lines_right, scores["authors"].lines_total) == (1, 1)
    assert scores["published"].correct
    assert (scores["published"].lines_right, scores["published"].lines_total) == (0, 1)
    assert not scores["updated"].correct  # the page states no update
    assert scores["publisher"].correct
    assert scores["agencies"].correct
    assert scores["tags"].correct

    report = SourceReport()
    report.add("x", scores)
    assert report.accuracy("updated") == 0.0
    assert report.accuracy("authors") == 1.0
    assert report.accuracy("section") is None  # not scored
    assert report.line_accuracy() == 0.5
    assert report.misses == [("x", "updated", "", "2019-11-19T16:00:00+00:00")]


def test_expected_dates_must_be_iso() -> None:
    with pytest.raises(ValueError, match="Invalid isoformat"):
        ExpectedSource.model_validate({"published": "July 25, 2024"})


# Spellings the labelled lines use for the canonical agencies.
_AGENCY_SPELLINGS = {"AP": ("AP", "Associated Press"), "AFP": ("AFP",), "Reuters": ("Reuters",)}


def _fold(s: str) -> str:
    return " ".join(s.casefold().replace(".", " ").split())


@pytest.mark.parametrize("name", ["expected_source.yaml"])
def test_labels_point_at_lines_that_state_them(name: str) -> None:
    labels = load_expected(yaml.safe_load((EVALS / name).read_text(encoding="utf-8")))
    assert len(labels) == 18
    for fixture_id, exp in labels.items():
        fixture = yaml.safe_load((EVALS / "fixtures" / f"{fixture_id}.yaml").read_text())
        lines = split_lines((EVALS / "fixtures" / fixture["article"]).read_text(encoding="utf-8"))
        for field in ("authors", "fake_authors", "dateline"):
            for e in getattr(exp, field) or []:
                if e.line is not None:
                    assert _fold(e.value) in _fold(lines[e.line - 1]), (fixture_id, field, e)
        for e in exp.agencies or []:
            if e.line is not None:
                line = lines[e.line - 1]
                assert any(s in line for s in _AGENCY_SPELLINGS[e.value]), (fixture_id, e)
        for e in (exp.published, exp.updated):
            if e is not None and e.line is not None:
                assert 1 <= e.line <= len(lines)


def test_seed_requirements_are_labelled() -> None:
    labels = load_expected(yaml.safe_load((EVALS / "expected_source.yaml").read_text()))
    seed3 = labels["seed-003-dw-assad-putin"]
    assert seed3.published is not None
    assert (seed3.published.value, seed3.published.line) == ("2024-07-25", 7)
    assert [a.value for a in seed3.agencies or []] == ["AP", "AFP", "Reuters"]
    seed4 = labels["seed-004-seo-aleppo-iran"]
    assert seed4.authors == []
    assert [a.value for a in seed4.fake_authors or []] == ["Lenny Carter"]
