"""The learned line classifier (summarizer/quality/lines.py): the shipped model, the decoder,
where it runs, and what it removes on a scraped page (tests/fixtures/quality/scraped_page.txt,
written for these tests)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.lines import split_lines
from summarizer.quality import analyze_quality
from summarizer.quality import lines as line_model
from summarizer.quality.base import Page
from summarizer.quality.line_guards import keep_headline
from summarizer.schemas import FlagKind, Severity

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "quality"
SCRAPED = (FIXTURES / "scraped_page.txt").read_text(encoding="utf-8")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_shipped_model_loads_and_matches_the_feature_set() -> None:
    model = line_model.default_model()
    assert model is not None
    assert model.features == line_model.FEATURES
    assert len(model.weights) == len(line_model.FEATURES)
    assert 0.0 < model.keep_above < 1.0
    assert line_model.MODEL_PATH.stat().st_size < 100_000
    # JSON round trip.
    again = line_model.LineModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again == model


def test_a_model_trained_on_other_features_is_refused() -> None:
    data = line_model.default_model()
    assert data is not None
    bad = data.to_dict()
    bad["features"] = bad["features"][:-1]
    bad["weights"] = bad["weights"][:-1]
    with pytest.raises(ValueError, match="different feature set"):
        line_model.LineModel.from_dict(bad)


def test_features_are_one_vector_per_non_blank_line() -> None:
    with line_model.recording() as seen:
        analyze_quality(SCRAPED)
    (rec,) = seen
    assert rec.gated
    assert len(rec.rows) == len(rec.page.nonblank)
    assert all(len(row) == len(line_model.FEATURES) for row in rec.rows)
    assert all(isinstance(x, float) for row in rec.rows for x in row)


def test_viterbi_smooths_lone_lines_towards_their_neighbours() -> None:
    tokens = [20] * 7
    # A doubtful line amid article lines is kept; a doubtful one amid frame lines is not.
    assert line_model.viterbi([0.9, 0.9, 0.9, 0.35, 0.9, 0.9, 0.9], tokens, 3.0, 1.5)[3]
    assert not line_model.viterbi([0.1, 0.1, 0.1, 0.55, 0.1, 0.1, 0.1], tokens, 3.0, 1.5)[3]
    # Without a switch cost the decoder follows each line's own odds (plus the bias).
    assert line_model.viterbi([0.1, 0.9, 0.1], [5, 5, 5], 0.0, 0.0) == [False, True, False]


def test_decode_never_drops_a_line_the_classifier_is_sure_of() -> None:
    model = line_model.default_model()
    assert model is not None
    probs = [0.05, 0.05, model.keep_above + 0.01, 0.05, 0.05]
    assert model.decode(probs, [10] * 5)[2]


def test_scraped_page_keeps_the_story_and_drops_the_frame() -> None:
    report = analyze_quality(SCRAPED)
    lines = split_lines(SCRAPED)
    kept = {lines[n - 1] for n in report.kept_lines}
    story = [lines[n - 1] for n in (19, 20, 21, 22, 23, 25)]
    assert all(len(line.split()) >= 15 for line in story)
    assert all(line in kept for line in story)
    # The closing paragraph after the "Advertisement" label continues the story.
    assert any(line.startswith("The regional council") for line in kept)
    # The headline stays; menu, byline, dateline, share bar, teasers and footer go.
    assert "Ferry operator adds night crossings to the islands after record summer" in kept
    for gone in (
        "Sign in",
        "By Anna Kovac, Reuters",
        "Published 10:02 AM EST Jun 3, 2025",
        "Facebook",
        "Rail strike called off after last-minute pay offer",
        "Unions accepted the offer late on Monday, ending a dispute that had lasted four months.",
        "Terms of Use",
    ):
        assert gone not in kept, gone
    # Every removed line is covered by a removing flag, and the classifier's flags say so.
    removed = {n for f in report.flags if f.removed for n in range(f.start_line, f.end_line + 1)}
    assert all(n in removed for n in range(1, len(lines) + 1) if lines[n - 1].strip()
               and n not in report.kept_lines)  # fmt: skip
    assert any("line classifier" in f.explanation for f in report.flags)


def test_byline_and_dateline_flags_are_info() -> None:
    report = analyze_quality(SCRAPED)
    byline = [f for f in report.flags if f.start_line <= 13 <= f.end_line]
    assert byline
    assert all(f.severity is Severity.info for f in byline)


def test_the_classifier_only_runs_on_plain_text_with_a_page_frame() -> None:
    lines = split_lines(SCRAPED)
    html_mode = analyze_quality(SCRAPED, main_lines=range(19, 26))
    assert not any("line classifier" in f.explanation for f in html_mode.flags)
    # A short page (fewer than MIN_LINES lines) is left to the rules.
    short = "\n".join(lines[:4] + lines[18:23])
    assert not any("line classifier" in f.explanation for f in analyze_quality(short).flags)


@pytest.mark.parametrize("prefix", ["000", "001", "002"])
def test_clean_seed_articles_are_not_touched(prefix: str) -> None:
    (path,) = EXAMPLES.glob(f"{prefix}_*.txt")
    text = path.read_text(encoding="utf-8")
    report = analyze_quality(text)
    assert not any("line classifier" in f.explanation for f in report.flags)


def test_without_model_and_using_model_switch_the_classifier() -> None:
    with line_model.without_model():
        rules_only = analyze_quality(SCRAPED)
    assert not any("line classifier" in f.explanation for f in rules_only.flags)
    model = line_model.default_model()
    assert model is not None
    # A model that calls every line article text removes nothing.
    keep_all = line_model.LineModel(
        weights=(0.0,) * len(line_model.FEATURES),
        bias=5.0,
        switch_cost=model.switch_cost,
        article_bias=model.article_bias,
    )
    with line_model.using_model(keep_all):
        kept_all = analyze_quality(SCRAPED)
    assert not any("line classifier" in f.explanation for f in kept_all.flags)
    assert len(kept_all.clean_text) > len(analyze_quality(SCRAPED).clean_text)


def test_kinds_of_removed_lines_follow_place_and_shape() -> None:
    paragraph = (
        "The council said on Monday that the new library would open in the spring, after "
        "two years of building work and a long argument about the cost of the project."
    )
    page = Page(
        "\n".join(
            [
                "Library to open in the spring",  # 0
                "By Jane Doe",  # 1
                paragraph,  # 2
                "The old reading room, restored after fifty years, is seen from the gallery.",  # 3
                "Bus fares to rise for the third year running",  # 4
                paragraph,  # 5
                "Mayor defends budget as protests continue",  # 6
                "Operators blamed fuel costs and falling passenger numbers.",  # 7
                "School meals plan gets government backing",  # 8
                "Contact us",  # 9
                "The material on this site may not be reproduced without permission.",  # 10
                "Community rules apply to all content you upload to this site.",  # 11
            ]
        )
    )
    rank = {i: k for k, i in enumerate(page.nonblank)}
    kinds = line_model._kinds  # the rule under test
    lo, hi = 2, 5
    assert kinds(page, [1], lo, hi, rank) == [FlagKind.navigation_boilerplate]  # byline
    assert kinds(page, [3], lo, hi, rank) == [FlagKind.media_credit]  # caption inside
    assert kinds(page, [4], lo, hi, rank) == [FlagKind.link_spam]  # inline story link
    # Below the article: from the first story title to the last one is a link list ...
    assert kinds(page, [6, 7, 8, 9], lo, hi, rank) == [FlagKind.link_spam] * 3 + [
        FlagKind.navigation_boilerplate
    ]
    # ... and legal sentences are not.
    assert kinds(page, [10, 11], lo, hi, rank) == [FlagKind.navigation_boilerplate] * 2


def test_the_headline_is_kept_above_a_kept_photo_caption() -> None:
    paragraph = (
        "The council said on Monday that the new library would open in the spring, after "
        "two years of building work and a long argument about the cost of the project."
    )
    lines = [
        "Menu",  # 0
        "Library to open in the spring",  # 1
        "Updated Nov 19, 6:55 AM",  # 2
        "The old reading room is seen from the gallery.",  # 3: caption, kept by the decoder
        "By Jane Doe",  # 4
        paragraph,  # 5
    ]
    page = Page("\n".join(lines))
    article = [False, False, False, True, False, True]
    keep_headline(page, {0}, article)
    assert article == [False, True, False, True, False, True]
    # A kept line above the article that is not a caption (a standfirst without a full
    # stop) is taken as the headline already there: nothing above it is added.
    lines[3] = "A new home for the town's books after two years of building work"
    article = [False, False, False, True, False, True]
    keep_headline(Page("\n".join(lines)), {0}, article)
    assert article == [False, False, False, True, False, True]
