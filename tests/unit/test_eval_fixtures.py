"""The eval fixture set: every fixture validates, and the schema refuses incoherent labels."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from summarizer.errors import ConfigError
from summarizer.evaluation.fixtures import (
    Fixture,
    check_against_text,
    fixture_files,
    fixture_set_hash,
    load_fixture,
    load_fixtures,
)
from summarizer.schemas import ArticleType, FlagKind
from tests.conftest import copy_fixtures

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "evals" / "fixtures"
FIXTURE_FILES = fixture_files(FIXTURES)


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[p.stem for p in FIXTURE_FILES])
def test_every_fixture_validates_against_its_article(path: Path) -> None:
    loaded = load_fixture(path)
    fx = loaded.fixture
    assert fx.id == path.stem, "the file name and the id must agree"
    assert loaded.article_path.is_relative_to(FIXTURES), "articles live beside the fixtures"
    assert fx.source, "every fixture names where its text came from"
    # Labels of real prose exist wherever there is prose to protect.
    assert fx.must_not_flag, "at least the article body must be protected"
    n_lines = len(loaded.lines)
    for span in fx.must_not_flag:
        assert span.end_line <= n_lines
    # A required flag never contradicts a must-not range (the model validator enforces it).
    assert 1 <= len(fx.key_facts) <= 6


def test_the_set_covers_what_the_issue_asks_for() -> None:
    loaded = load_fixtures(FIXTURES)
    ids = {f.id for f in loaded}
    assert len(loaded) >= 20
    assert sum(i.startswith("seed-") for i in ids) == 5
    assert sum(i.startswith("devset-") for i in ids) >= 8
    types = {f.fixture.article_type for f in loaded}
    assert {ArticleType.opinion, ArticleType.press_release, ArticleType.news_report} <= types
    kinds = {e.kind for f in loaded for e in f.fixture.expected_flags if not e.optional}
    for kind in (
        FlagKind.prompt_injection,
        FlagKind.chatbot_artifact,
        FlagKind.truncated_text,
        FlagKind.fake_author_block,
        FlagKind.placeholder_text,
        FlagKind.link_spam,
    ):
        assert kind in kinds, kind
    # Required only where a model reads the whole article; labelled, as an optional flag.
    labelled = {e.kind for f in loaded for e in f.fixture.expected_flags}
    assert FlagKind.context_overflow in labelled
    assert sum(f.fixture.expected_source is not None for f in loaded) >= 15
    assert any(f.fixture.language != "en" for f in loaded)
    assert any(len(f.text) < 300 for f in loaded), "a very short article"
    assert any(len(f.text) > 30_000 for f in loaded), "an article longer than the local context"
    devset = [f for f in loaded if f.id.startswith("devset-")]
    assert all(f.fixture.source and "devset/" in f.fixture.source for f in devset)


def test_seed_labels_catch_the_traits_the_seed_readme_lists() -> None:
    seed3 = load_fixture(FIXTURES / "seed-003-dw-assad-putin.yaml").fixture
    spans = {(e.kind, e.start_line, e.end_line) for e in seed3.expected_flags}
    assert (FlagKind.navigation_boilerplate, 1, 3) in spans
    assert (FlagKind.media_credit, 12, 13) in spans
    assert (FlagKind.media_credit, 43, 43) in spans
    assert {"Valeriy Sharifulin", "IMAGO", "es/rmt"} <= set(seed3.forbidden_strings)
    seed4 = load_fixture(FIXTURES / "seed-004-seo-aleppo-iran.yaml").fixture
    spans = {(e.kind, e.start_line, e.end_line) for e in seed4.expected_flags}
    assert (FlagKind.fake_author_block, 89, 119) in spans
    assert (FlagKind.link_spam, 77, 87) in spans
    assert (FlagKind.call_to_action, 75, 75) in spans
    assert {"Lenny Carter", "maximo.kuhlman", "Aleppo Soap"} <= set(seed4.forbidden_strings)


def _minimal(**extra: object) -> dict[str, object]:
    return {
        "id": "t-1",
        "article": "a.txt",
        "source": "test",
        "article_type": "news_report",
        "key_facts": ["A fact."],
        **extra,
    }


def test_a_required_flag_inside_must_not_flag_is_refused() -> None:
    with pytest.raises(ValueError, match="overlaps must_not_flag"):
        Fixture.model_validate(
            _minimal(
                expected_flags=[{"kind": "link_spam", "start_line": 3, "end_line": 5}],
                must_not_flag=[{"start_line": 5, "end_line": 9}],
            )
        )
    # The same span as an optional label is allowed: it may be flagged, need not be.
    Fixture.model_validate(
        _minimal(
            expected_flags=[
                {"kind": "link_spam", "start_line": 3, "end_line": 5, "optional": True}
            ],
            must_not_flag=[{"start_line": 5, "end_line": 9}],
        )
    )


@pytest.mark.parametrize(
    "bad",
    [
        {"expected_flags": [{"kind": "link_spam", "start_line": 5, "end_line": 4}]},
        {"expected_flags": [{"kind": "no_such_kind", "start_line": 1, "end_line": 1}]},
        {"expected_stances": [{"holder": "a", "target": "b", "label": "angry"}]},
        {"key_facts": []},
        {"id": "Has Spaces"},
        {"surprise_field": 1},
        {
            "expected_stances": [
                {"holder": "A", "target": "B", "label": "neutral"},
                {"holder": "a", "target": "b", "label": "opposed"},
            ]
        },
    ],
)
def test_malformed_fixtures_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="validation error"):  # a pydantic ValidationError
        Fixture.model_validate(_minimal(**bad))


def test_labels_are_checked_against_the_text() -> None:
    fixture = Fixture.model_validate(
        _minimal(
            expected_flags=[{"kind": "link_spam", "start_line": 2, "end_line": 4}],
            forbidden_strings=["Lenny Carter", "Nobody Here"],
        )
    )
    problems = check_against_text(fixture, "one\ntwo\nby  LENNY\ncarter")
    assert problems == ["forbidden string 'Nobody Here' does not occur in the article"]
    problems = check_against_text(fixture, "one\ntwo")
    assert any("past line 2" in p for p in problems)


def test_set_hash_changes_with_any_label_or_article_byte(tmp_path: Path) -> None:
    folder = copy_fixtures(
        tmp_path / "fixtures", ("written-very-short-library", "written-truncated-ferry")
    )
    before = fixture_set_hash(load_fixtures(folder))
    assert before == fixture_set_hash(load_fixtures(folder)), "the hash is deterministic"
    article = folder / "articles" / "written-very-short-library.txt"
    article.write_text(article.read_text() + " ", encoding="utf-8")
    after_article = fixture_set_hash(load_fixtures(folder))
    assert after_article != before
    label = folder / "written-truncated-ferry.yaml"
    label.write_text(label.read_text().replace("label: opposed", "label: mixed"))
    assert fixture_set_hash(load_fixtures(folder)) != after_article


def test_duplicate_ids_and_missing_articles_are_config_errors(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text("Some text.", encoding="utf-8")
    for name in ("one", "two"):
        (tmp_path / f"{name}.yaml").write_text(
            yaml.safe_dump(_minimal(article="articles/a.txt")), encoding="utf-8"
        )
    with pytest.raises(ConfigError, match="used by"):
        load_fixtures(tmp_path)
    (tmp_path / "two.yaml").write_text(
        yaml.safe_dump(_minimal(id="t-2", article="articles/none.txt")), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="cannot read article"):
        load_fixtures(tmp_path)


def test_committed_baselines_match_the_fixture_set() -> None:
    """Changing a fixture without renewing the baselines fails here, before any model runs."""
    from summarizer.evaluation.gate import load_baseline

    current = fixture_set_hash(load_fixtures(FIXTURES))
    baselines = sorted((ROOT / "evals" / "baselines").glob("*.json"))
    for path in baselines:
        stored = load_baseline(path)
        assert stored.fixture_set_hash == current, (
            f"{path.name} was recorded on another fixture set; renew it: {stored.renew_with}"
        )
