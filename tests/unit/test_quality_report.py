"""QualityReport invariants: clean text and kept lines, blank lines, notes, HTML main lines,
the score rule, and hostile input (huge lines, control characters, 100k lines, CRLF)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from summarizer.inputs import split_lines
from summarizer.quality import QualityReport, analyze_quality
from summarizer.schemas import FlagKind, Quality, Severity

ARTICLE = "\n".join(
    [
        "Skip to content",
        "",
        "Harbour bridge to close for repairs",
        "",
        "The harbour bridge will close for six weeks from June so that engineers can replace "
        "its cables, the city said.",
        "",
        "",
        "Photo: John Smith/Reuters",
        "",
        "Ferries will run every ten minutes during the closure, and parking near the piers "
        "will be free.",
        "",
    ]
)


def _check_invariants(text: str, report: QualityReport) -> None:
    lines = split_lines(text)
    assert report.clean_text == "\n".join(lines[n - 1] for n in report.kept_lines)
    assert report.kept_lines == sorted(set(report.kept_lines))
    assert 0 <= report.score <= 100
    keys = [(f.start_line, f.kind.value) for f in report.flags]
    assert keys == sorted(keys)
    for f in report.flags:
        assert 1 <= f.start_line <= f.end_line <= len(lines)
        if f.removed:
            assert not set(range(f.start_line, f.end_line + 1)) & set(report.kept_lines)
    # No run of blank lines, and none at either end.
    kept = [lines[n - 1].strip() for n in report.kept_lines]
    if kept:
        assert kept[0] and kept[-1]
    assert all(a or b for a, b in itertools.pairwise(kept))


def test_blank_runs_collapse_and_removed_gaps_close() -> None:
    report = analyze_quality(ARTICLE)
    _check_invariants(ARTICLE, report)
    assert report.kept_lines == [3, 4, 5, 6, 10]
    assert report.clean_text == (
        "Harbour bridge to close for repairs\n\n"
        "The harbour bridge will close for six weeks from June so that engineers can replace "
        "its cables, the city said.\n\n"
        "Ferries will run every ten minutes during the closure, and parking near the piers "
        "will be free."
    )


def test_crlf_input_gives_the_same_spans_as_lf() -> None:
    crlf = ARTICLE.replace("\n", "\r\n")
    a, b = analyze_quality(ARTICLE), analyze_quality(crlf)
    assert [(f.kind, f.start_line, f.end_line) for f in a.flags] == [
        (f.kind, f.start_line, f.end_line) for f in b.flags
    ]
    assert a.kept_lines == b.kept_lines
    assert "\r" not in b.clean_text
    _check_invariants(crlf, b)


def test_empty_and_whitespace_input() -> None:
    for text in ["", "   ", "\n\n\n", " \t \n \r\n"]:
        report = analyze_quality(text)
        assert report.flags == [] and report.kept_lines == [] and report.clean_text == ""
        assert report.score == 100


def test_to_quality_is_a_valid_schema_record() -> None:
    report = analyze_quality(ARTICLE)
    quality = report.to_quality()
    assert isinstance(quality, Quality)
    assert Quality.model_validate_json(quality.model_dump_json()) == quality
    assert quality.clean_text == report.clean_text and quality.score == report.score


def test_encoding_note_with_replacement_characters_spans_those_lines() -> None:
    text = "A clean first line.\nCaf\ufffd opens in the old town.\nThe last line is fine."
    note = "input is not valid UTF-8 (byte 40); undecodable bytes replaced with U+FFFD"
    (flag,) = analyze_quality(text, notes=[note]).flags
    assert (flag.kind, flag.severity, flag.start_line, flag.end_line) == (
        FlagKind.encoding_problem,
        Severity.warning,
        2,
        2,
    )
    assert not flag.removed and "U+FFFD" in flag.explanation


def test_charset_note_spans_the_whole_text_as_info() -> None:
    text = "\nFirst line.\nSecond line.\n"
    (flag,) = analyze_quality(
        text, notes=["input is not valid UTF-8 (byte 3); decoded as cp1252"]
    ).flags
    assert (flag.kind, flag.severity, flag.start_line, flag.end_line) == (
        FlagKind.encoding_problem,
        Severity.info,
        2,
        3,
    )


def test_every_note_becomes_a_flag() -> None:
    notes = ["html: trafilatura found no main text", "something unexpected happened", "  "]
    flags = analyze_quality("One line of text.", notes=notes).flags
    assert len(flags) == 3
    assert {f.kind for f in flags} == {FlagKind.html_boilerplate, FlagKind.encoding_problem}
    assert not any(f.removed for f in flags)


def test_main_lines_cover_every_other_line_with_a_removing_flag() -> None:
    text = "\n".join(
        [
            "Home",  # 1 menu word, outside main
            "Weather: 12 degrees",  # 2 nothing a detector knows: html_boilerplate
            "Harbour bridge to close for repairs",  # 3 main
            "The harbour bridge will close for six weeks from June, the city said.",  # 4 main
            "",
            "Share",  # 6 main, but a share button: removed anyway
            "Most read: five things to do this weekend",  # 7 outside main
        ]
    )
    report = analyze_quality(text, main_lines=[3, 4, 6])
    _check_invariants(text, report)
    assert report.kept_lines == [3, 4]
    removed = set()
    for f in report.flags:
        if f.removed:
            removed.update(range(f.start_line, f.end_line + 1))
    assert {1, 2, 6, 7} <= removed
    html = [f for f in report.flags if f.kind is FlagKind.html_boilerplate]
    assert all(f.severity is Severity.info and f.removed for f in html)


def test_html_boilerplate_costs_no_score() -> None:
    text = "Menu line\nThe bridge will close for six weeks from June, the city said on Monday."
    assert analyze_quality(text, main_lines=[2]).score == 100


def test_score_rule_is_the_documented_one() -> None:
    # One warning over 1 of 4 non-blank lines: 100 - (3 + 20 * 0.25) = 92.
    text = "\n".join(
        [
            "Bridge to close for repairs in June",
            "The harbour bridge will close for six weeks from June, the city said on Monday.",
            "Ferries will run every ten minutes during the closure, officials added.",
            "Photo: John Smith/Reuters",
        ]
    )
    report = analyze_quality(text)
    assert [(f.kind, f.severity) for f in report.flags] == [
        (FlagKind.media_credit, Severity.warning)
    ]
    assert report.score == 92


def test_score_caps_one_kind() -> None:
    prose = "The council approved the budget on Monday after a long debate, officials said."
    credits = [f"Photo: Person Number{i}/Reuters" for i in range(30)]
    text = "\n".join([prose, *credits, prose.replace("Monday", "Tuesday")])
    report = analyze_quality(text)
    assert report.score == 80  # media_credit capped at 20


@pytest.mark.parametrize(
    "text",
    [
        "a" * 1_000_000,
        ("word " * 200_000).strip(),
        "Ignore " * 100_000,
        "(" * 200_000 + "x",
        "Image: " + "A/" * 100_000,
        "\n".join(["Share"] * 100_000),
        "\n".join(f"Line {i} of a very long list" for i in range(100_000)),
        "\x01\x02\x03 control \x07 characters\x1b[31m red \x7f",
        "\u202e\u200b\ufeff mixed directions \u2028 and separators",
    ],
)
@pytest.mark.timeout(300)  # a guard against hangs, not a speed figure (benchmarks/quality_speed.py)
def test_hostile_input_finishes_and_is_consistent(text: str) -> None:
    report = analyze_quality(text)  # a hang (catastrophic backtracking) hits the timeout mark
    _check_invariants(text, report)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=80),
            st.sampled_from(
                [
                    "",
                    "Share",
                    "Home",
                    "Photo: A B/Reuters",
                    "es/rmt (AP, AFP, Reuters)",
                    "Lorem ipsum dolor sit amet consectetur adipiscing elit",
                    "Ignore previous instructions.",
                    "The minister said on Monday that the plan would go ahead as agreed.",
                    "• Name : Jo",
                    "• Email : x@y.z",
                    "• Phone : 1",
                    "Related stories",
                ]
            ),
        ),
        max_size=40,
    ),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
# Found by a random run: merged share-bar flags spanned a blank line that was kept.
@example(["0" * 41, "0", "0", "0", "0", "SHARE", "", "0", "0 0 0 0 0 0 0 ."], "\n")
def test_invariants_hold_for_any_text(parts: list[str], sep: str) -> None:
    text = sep.join(parts)
    report = analyze_quality(text)
    _check_invariants(text, report)
