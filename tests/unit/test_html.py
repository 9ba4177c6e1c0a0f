"""HTML input: visible text one block per line, trafilatura's main lines and metadata,
decoding, bad input, and the `summarizer flags` command on .html and .txt files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarizer.cli import cli
from summarizer.errors import InputError
from summarizer.inputs.html import article_from_html, decode_html, visible_text
from summarizer.quality import analyze_quality
from summarizer.schemas import FlagKind

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "quality"
PAGE = FIXTURES / "page.html"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_visible_text_one_block_per_line_without_scripts_styles_or_hidden() -> None:
    html = (
        "<html><head><title>T</title><style>p{}</style><script>var x=1;</script></head><body>"
        "<div>First <b>bold</b> and <a href='#'>linked</a> words.</div>"
        "<p>Second<br>third</p><ul><li>one</li><li>two</li></ul>"
        "<div hidden>secret</div><span style='display: none'>gone</span>"
        "<pre>a  b\nc</pre><!-- a comment --><noscript>enable js</noscript>"
        "<table><tr><td>cell 1</td><td>cell 2</td></tr></table>"
        "</body></html>"
    )
    assert visible_text(html).split("\n") == [
        "First bold and linked words.",
        "Second",
        "third",
        "one",
        "two",
        "a b",
        "c",
        "cell 1",
        "cell 2",
    ]


def test_visible_text_survives_deep_nesting_and_fragments() -> None:
    deep = "<div>" * 200 + "deep text" + "</div>" * 200
    assert visible_text(f"<html><body>{deep}</body></html>") == "deep text"
    # Beyond libxml2's depth limit the content is dropped, but nothing crashes.
    very_deep = "<div>" * 20000 + "x" + "</div>" * 20000
    assert isinstance(visible_text(f"<html><body>{very_deep}</body></html>"), str)
    assert visible_text("<p>Just a fragment</p>") == "Just a fragment"


def test_article_from_html_text_main_lines_and_metadata() -> None:
    article = article_from_html(PAGE.read_bytes(), article_id="tram")
    lines = article.lines
    assert article.id == "tram"
    assert lines[0] == "Skip to content"
    assert "This hidden promo text must never appear." not in article.text
    assert "window.tracking" not in article.text
    assert article.title == "Tram line to reopen after repairs"
    assert article.url == "https://gazette.example.com/news/tram-line-reopens"
    source = article.source
    assert source is not None
    assert [a.value for a in source.authors] == ["Anna Berg"]
    assert source.published is not None and source.published.value.startswith("2024-05-14")
    assert source.site_name is not None and source.site_name.value == "Example Gazette"
    main = [lines[n - 1] for n in article.main_lines or ()]
    assert main[0] == "Tram line to reopen after repairs"
    assert any(line.startswith("The city's oldest tram line") for line in main)
    assert any(line.startswith('"We know the closure') for line in main)
    assert not any(line.startswith(("Home", "Bus fares", "©", "Privacy")) for line in main)


def test_caller_title_and_url_win_over_metadata() -> None:
    article = article_from_html(
        PAGE.read_text(encoding="utf-8"), title="Mine", url="https://x.test/a"
    )
    assert (article.title, article.url) == ("Mine", "https://x.test/a")


def test_html_flags_explain_every_removed_line() -> None:
    article = article_from_html(PAGE.read_bytes())
    report = analyze_quality(article.text, notes=article.input_notes, main_lines=article.main_lines)
    spans = [(f.kind.value, f.start_line, f.end_line, f.removed) for f in report.flags]
    assert spans == [
        ("navigation_boilerplate", 1, 6, True),  # skip link + menu
        ("html_boilerplate", 8, 8, True),  # byline: trafilatura keeps it as metadata
        ("media_credit", 10, 10, True),  # figcaption with its photo credit
        ("navigation_boilerplate", 16, 16, True),  # share bar
        ("link_spam", 17, 20, True),  # related stories box
        ("navigation_boilerplate", 21, 22, True),  # copyright + footer links
    ]
    main = set(article.main_lines or ())
    covered = set()
    for f in report.flags:
        if f.removed:
            covered.update(range(f.start_line, f.end_line + 1))
    assert all(n in covered for n in range(1, len(article.lines) + 1) if n not in main)
    assert report.clean_text.split("\n")[0] == "Tram line to reopen after repairs"
    assert "Longer evening service" in report.clean_text


def test_declared_charset_is_used_and_noted() -> None:
    html = (
        '<html><head><meta charset="windows-1252"></head><body>'
        "<p>Caf\xe9 owners in the old town said on Monday that the new rules would hurt trade.</p>"
        "</body></html>"
    ).encode("cp1252")
    text, note = decode_html(html)
    assert "Café owners" in text
    assert note is not None and "windows-1252" in note
    article = article_from_html(html)
    assert "Café owners" in article.text
    assert article.input_notes and "windows-1252" in article.input_notes[0]


def test_undeclared_bad_bytes_never_crash() -> None:
    html = (
        b"<html><body><p>Broken \xff\xfe\xfa bytes in a paragraph about the harbour.</p>"
        b"</body></html>"
    )
    article = article_from_html(html)
    assert "harbour" in article.text
    assert article.input_notes  # the fallback decoding is reported, never silent


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        ("   \n ", "empty"),
        ("just some plain text without any markup at all", "no HTML markup"),
        (b"\x00\x01\x02binary\x00", "binary"),
        ("<html><body><script>only()</script></body></html>", "no visible text"),
    ],
)
def test_bad_html_input_raises_input_error(data: bytes | str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        article_from_html(data, article_id="bad")


def test_page_without_main_text_falls_back_to_plain_text_mode() -> None:
    article = article_from_html("<html><body><footer>Copyright</footer></body></html>")
    assert article.main_lines is None
    assert any(note.startswith("html:") for note in article.input_notes)
    report = analyze_quality(article.text, notes=article.input_notes, main_lines=article.main_lines)
    assert any(f.kind is FlagKind.html_boilerplate and not f.removed for f in report.flags)


def test_cli_flags_on_html_and_text_files(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(PAGE.read_bytes())
    (seed,) = EXAMPLES.glob("003_*.txt")
    runner = CliRunner()
    result = runner.invoke(cli, ["flags", str(page), str(seed)])
    assert result.exit_code == 0, result.output
    decoder = json.JSONDecoder()
    first, end = decoder.raw_decode(result.output)
    second, _ = decoder.raw_decode(result.output[end:].lstrip())
    assert first["id"] == "page" and first["clean_text"].startswith("Tram line to reopen")
    assert {f["kind"] for f in first["flags"]} >= {"html_boilerplate", "link_spam"}
    assert second["score"] < 100
    flag = second["flags"][0]
    assert (flag["kind"], flag["start_line"], flag["end_line"]) == (
        "navigation_boilerplate",
        1,
        3,
    )
    text_only = runner.invoke(cli, ["flags", "--text", str(seed)])
    assert text_only.exit_code == 0
    assert text_only.output.startswith("Syria's Assad meets Putin in Moscow\n")
    assert "Skip to content" not in text_only.output


def test_cli_flags_reports_unreadable_files(tmp_path: Path) -> None:
    bad = tmp_path / "empty.html"
    bad.write_bytes(b"")
    result = CliRunner().invoke(cli, ["flags", str(bad)])
    assert result.exit_code == 3
