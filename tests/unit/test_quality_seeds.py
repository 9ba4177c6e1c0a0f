"""The seed articles (examples/, identical to shared/seeds): every listed trait flagged with
its exact lines, no article prose removed, clean reports stay clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.inputs import split_lines
from summarizer.quality import analyze_quality
from summarizer.schemas import FlagKind, Severity

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _seed(prefix: str) -> str:
    (path,) = EXAMPLES.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _spans(text: str) -> list[tuple[str, int, int, bool]]:
    return [
        (f.kind.value, f.start_line, f.end_line, f.removed) for f in analyze_quality(text).flags
    ]


@pytest.mark.parametrize("prefix", ["000", "001", "002"])
def test_clean_news_reports_get_no_flag_and_keep_every_line(prefix: str) -> None:
    text = _seed(prefix)
    report = analyze_quality(text)
    assert report.flags == []
    assert report.score == 100
    assert report.clean_text == text


@pytest.mark.parametrize("prefix", ["000", "002"])
def test_000_and_002_have_no_warning_or_critical(prefix: str) -> None:
    flags = analyze_quality(_seed(prefix)).flags
    assert not [f for f in flags if f.severity is not Severity.info]


def test_003_scraped_page_traits_have_exact_spans() -> None:
    assert _spans(_seed("003")) == [
        ("navigation_boilerplate", 1, 3, True),  # Skip to content / main menu / more DW sites
        ("navigation_boilerplate", 11, 11, True),  # https://s.gtool.pro:443/https/p.dw.com/p/4ii5H
        ("media_credit", 12, 13, True),  # caption + "...remarksImage: Valeriy Sharifulin/IMAGO/SNA"
        ("media_credit", 43, 43, True),  # es/rmt (AP, AFP, Reuters)
    ]


def test_003_keeps_title_date_headings_and_every_paragraph() -> None:
    text = _seed("003")
    report = analyze_quality(text)
    lines = split_lines(text)
    kept = set(report.kept_lines)
    article = [5, 7, 9, 15, 17, 19, 21, 23, 25, 27, 29, 31, 33, 35, 37, 39, 41]
    assert all(n in kept for n in article)
    assert set(range(1, 4)) | {11, 12, 13, 43} == {
        n for n in range(1, len(lines) + 1) if lines[n - 1].strip() and n not in kept
    }
    # No flag touches a line of prose.
    for f in report.flags:
        assert not set(range(f.start_line, f.end_line + 1)) & set(article)
    assert report.clean_text.startswith("Syria's Assad meets Putin in Moscow\n\nJuly 25, 2024\n\n")
    assert "Image:" not in report.clean_text and "es/rmt" not in report.clean_text


def test_004_seo_page_traits_have_exact_spans() -> None:
    spans = _spans(_seed("004"))
    assert spans == [
        ("seo_filler", 3, 75, False),
        ("navigation_boilerplate", 7, 7, True),  # "Table of Contents" with no contents
        ("call_to_action", 75, 75, False),  # CTA sentence at the end of a prose paragraph
        ("link_spam", 77, 87, True),  # three link titles, each twice
        ("fake_author_block", 89, 119, True),  # Detail Author ... tiktok following
        ("placeholder_text", 99, 99, True),  # Bio : Et culpa temporibus sit...
        ("placeholder_text", 107, 107, True),
        ("placeholder_text", 117, 117, True),
    ]


def test_004_severities_and_explanations() -> None:
    flags = {(f.kind, f.start_line): f for f in analyze_quality(_seed("004")).flags}
    author = flags[(FlagKind.fake_author_block, 89)]
    assert author.severity is Severity.critical
    assert "maximo.kuhlman" in author.explanation  # username does not match "Lenny Carter"
    assert "follower" in author.explanation
    assert flags[(FlagKind.seo_filler, 3)].severity in {Severity.info, Severity.warning}
    cta = flags[(FlagKind.call_to_action, 75)]
    assert "share your thoughts" in cta.evidence and "comments below" in cta.evidence
    assert all(
        flags[(FlagKind.placeholder_text, n)].severity is Severity.critical for n in (99, 107, 117)
    )


def test_004_keeps_every_prose_line() -> None:
    text = _seed("004")
    lines = split_lines(text)
    report = analyze_quality(text)
    kept = set(report.kept_lines)
    prose = [n for n in range(1, 76) if lines[n - 1].strip() and n != 7]
    assert all(n in kept for n in prose)
    assert not kept & set(range(76, len(lines) + 1))
    assert "Lenny Carter" not in report.clean_text
    assert report.score < 40


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_clean_text_is_made_of_kept_lines(prefix: str) -> None:
    text = _seed(prefix)
    report = analyze_quality(text)
    lines = split_lines(text)
    assert report.clean_text == "\n".join(lines[n - 1] for n in report.kept_lines)
    for f in report.flags:
        assert f.evidence
        if f.removed:
            assert not set(range(f.start_line, f.end_line + 1)) & set(report.kept_lines)


def test_examples_match_shared_seeds_when_present() -> None:
    shared = EXAMPLES.parents[1] / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("shared/seeds not beside the repository")
    for path in EXAMPLES.glob("*.txt"):
        assert path.read_bytes() == (shared / path.name).read_bytes()
