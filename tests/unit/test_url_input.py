"""URLs as input, without a network: recognising them in files and rows, resolving them through
a fetcher, and a fetched page becoming an Article (the fetching itself is tested against a
real local server in tests/integration/test_url_fetch.py)."""

from __future__ import annotations

import json
from concurrent.futures import Future
from pathlib import Path

import pytest

from summarizer.errors import InputError
from summarizer.inputs import Page, article_from_page, is_url, iter_inputs, resolve_urls
from summarizer.inputs.stream import InputItem, is_url_list, item_from_row
from summarizer.testing.web import LATIN1_SENTENCE, article_html, article_text


def test_is_url() -> None:
    assert is_url("https://example.org/news/a.html") and is_url("  http://127.0.0.1:8/x ")
    for text in ("example.org/a", "ftp://example.org/a", "http://", "see http://a.org", ""):
        assert not is_url(text), text


def test_url_lists_are_recognised_and_articles_are_not(tmp_path: Path) -> None:
    urls = tmp_path / "links.txt"
    urls.write_text("https://a.example/1\n\n# a comment line is not a URL\nhttps://b.example/2\n")
    assert not is_url_list(urls)  # every non-blank line must be a URL for a .txt
    urls.write_text("https://a.example/1\n\nhttps://b.example/2\n")
    assert is_url_list(urls)
    listed = tmp_path / "more.urls"
    listed.write_text("# seeds\nhttps://c.example/3\nnot a url\n")
    article = tmp_path / "story.txt"
    article.write_text("https://a.example/1\nThe mayor opened a bridge on Monday.\n")
    assert not is_url_list(article)
    items = list(iter_inputs([str(tmp_path)]))
    by_source = {i.source: i for i in items}
    first = by_source[f"{urls}:1"]
    assert first.url == "https://a.example/1" and first.needs_fetch
    assert by_source[f"{urls}:3"].id == "https://b.example/2"
    assert by_source[f"{listed}:2"].needs_fetch
    assert "not an http(s) URL" in (by_source[f"{listed}:3"].problem or "")
    assert by_source[str(article)].path == article  # an article file stays an article


def test_jsonl_rows_with_a_url_and_no_text_are_fetched() -> None:
    item = item_from_row({"id": "r1", "url": "https://a.example/x", "targets": ["EU"]}, "f:1", "h")
    assert item.needs_fetch and item.id == "r1" and item.targets == ("EU",)
    assert item_from_row({"url": "https://a.example/x"}, "f:2", "h").id == "https://a.example/x"
    with_text = item_from_row({"url": "https://a.example/x", "text": "Body."}, "f:3", "h")
    assert not with_text.needs_fetch and with_text.text == "Body."  # url is then metadata
    bad = item_from_row({"url": "mailto:x@y.z"}, "f:4", "h")
    assert bad.problem is not None and "no text" in bad.problem
    with pytest.raises(InputError, match="not fetched"):
        item.build(max_chars=10_000)


class StubFetcher:
    """Answers from a dict; anything else fails like a 404 (no network)."""

    def __init__(self, pages: dict[str, Page]) -> None:
        self.pages = pages
        self.asked: list[str] = []

    def submit(self, url: str) -> Future[Page]:
        self.asked.append(url)
        future: Future[Page] = Future()
        if url in self.pages:
            future.set_result(self.pages[url])
        else:
            future.set_exception(InputError("HTTP 404 Not Found", article_id=url))
        return future


def page(url: str, body: bytes, kind: str = "text/html", charset: str | None = None) -> Page:
    return Page(url=url, final_url=url + "?final", status=200, content_type=kind,
                charset=charset, body=body)  # fmt: skip


def test_resolve_urls_fetches_url_items_and_passes_the_rest(tmp_path: Path) -> None:
    good = "https://a.example/good"
    fetcher = StubFetcher({good: page(good, article_html().encode())})
    items = [
        InputItem(id="t", source="x:1", text="Plain text."),
        InputItem(id=good, source="x:2", url=good),
        InputItem(id="gone", source="x:3", url="https://a.example/gone"),
    ]
    out = {i.id: i for i in resolve_urls(items, fetcher, window=2)}  # type: ignore[arg-type]
    assert fetcher.asked == [good, "https://a.example/gone"]
    assert out["t"].text == "Plain text."
    article = out[good].build(max_chars=100_000)
    assert article.url == good + "?final" and article.title and "flood barrier" in article.title
    assert out["gone"].problem == "x:3: https://a.example/gone: HTTP 404 Not Found"


def test_pages_become_articles_through_the_html_and_text_paths() -> None:
    url = "https://a.example/p"
    html = article_from_page(page(url, article_html().encode(), charset="utf-8"))
    assert html.id == url and html.url == url + "?final" and html.main_lines
    assert not html.input_notes
    text = article_from_page(page(url, article_text().encode(), kind="text/plain"))
    assert text.text == article_text() and text.main_lines is None
    latin = article_html(f"<p>{LATIN1_SENTENCE}</p>").encode("latin-1")
    declared = article_from_page(page(url, latin, charset="iso-8859-1"))
    assert LATIN1_SENTENCE in declared.text
    assert any("iso-8859-1 (HTTP header)" in n for n in declared.input_notes)
    undeclared = article_from_page(page(url, latin, kind=""))  # no header: sniffed as HTML
    # Detection may guess a sibling code page (ø differs), but nothing is lost or crashes.
    assert "Müller" in undeclared.text and undeclared.input_notes


def test_a_page_survives_the_cache_round_trip() -> None:
    original = page("https://a.example/p", b"<html>\x00\xff</html>")
    again = Page.from_json(json.loads(json.dumps(original.to_json())))
    assert again.body == original.body and again.final_url == original.final_url
    assert again.from_cache and not original.from_cache
