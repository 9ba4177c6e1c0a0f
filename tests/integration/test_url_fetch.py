"""URLs as input against a real local web server (summarizer.testing.web.PageServer): every way
a site misbehaves is one clear error or error row, never a hang or a traceback.

The timeouts here are hang guards with wide margins (a 3 s fetch limit against a server that
stalls for 30 s, for pages served in milliseconds), not measurements.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from summarizer.api import Summarizer, run_batch
from summarizer.batch import BatchOptions
from summarizer.cli import cli
from summarizer.config import load_settings
from summarizer.errors import InputError
from summarizer.inputs import Fetcher, FetchOptions, article_from_page
from summarizer.testing import FakeOpenAIServer
from summarizer.testing.web import ARTICLE_TITLE, PageServer

pytestmark = pytest.mark.integration

BAD = {  # path -> words the error must contain
    "/slow.html": "within 3 s",
    "/drip.html": "within 3 s",
    "/huge.html": "50,000,000 bytes, over the limit",
    "/huge-chunked.html": "over the limit",
    "/bomb.html": "over the limit",
    "/image.png": "content type image/png is not HTML or text",
    "/loop/a": "redirect loop",
    "/redirect/6": "more than 5 redirects",
    "/status/404": "HTTP 404",
    "/status/500": "HTTP 500",
    "/bad-gzip.html": "could not be decompressed",
    "/empty.html": "empty page",
}
GOOD = ("/article.html", "/gzip.html", "/latin1.html", "/latin1-undeclared.html", "/redirect/5")


@pytest.fixture(scope="module")
def site() -> Iterator[PageServer]:
    with PageServer(slow=30.0) as server:
        yield server


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    # 3 s: ten times what a local page needs on a loaded machine, a tenth of the stalls.
    f = Fetcher(FetchOptions(timeout=3.0, max_bytes=2_000_000))
    yield f
    f.close()


@pytest.mark.parametrize("path", sorted(BAD))
def test_each_bad_server_case_is_one_clear_error(
    site: PageServer, fetcher: Fetcher, path: str
) -> None:
    with pytest.raises(InputError) as info:
        fetcher.fetch(site.url + path)
    message = str(info.value)
    assert BAD[path] in message and "\n" not in message
    assert info.value.article_id == site.url + path


@pytest.mark.parametrize("path", GOOD)
def test_good_pages_become_articles(site: PageServer, fetcher: Fetcher, path: str) -> None:
    page = fetcher.fetch(site.url + path)
    article = article_from_page(page)
    assert article.title == ARTICLE_TITLE and "flood barrier" in article.text
    assert article.url == page.final_url
    if path.startswith("/redirect"):
        assert page.final_url == site.url + "/article.html"
    if path.startswith("/latin1"):
        assert "Müller" in article.text and article.input_notes  # an encoding_problem flag


def test_the_user_agent_names_the_tool(site: PageServer, fetcher: Fetcher) -> None:
    fetcher.fetch(site.url + "/article.html")
    assert site.user_agents[-1].startswith("summarizer/")


def test_robots_txt_is_obeyed_only_when_asked(site: PageServer) -> None:
    private = site.url + "/private/article.html"
    polite = Fetcher(FetchOptions(timeout=5.0, respect_robots=True))
    plain = Fetcher(FetchOptions(timeout=5.0))
    try:
        with pytest.raises(InputError, match=r"robots\.txt .* disallows"):
            polite.fetch(private)
        assert polite.fetch(site.url + "/article.html").status == 200
        assert plain.fetch(private).status == 200
    finally:
        polite.close()
        plain.close()


def test_at_most_per_host_fetches_at_once(site: PageServer) -> None:
    f = Fetcher(FetchOptions(timeout=10.0, per_host=2))
    try:
        site.max_in_flight = 0
        futures = [f.submit(f"{site.url}/pause/{i}") for i in range(8)]
        assert all(future.result(30).status == 200 for future in futures)
    finally:
        f.close()
    assert 1 <= site.max_in_flight <= 2


def settings_for(server: FakeOpenAIServer, **extra: Any) -> Any:
    return load_settings(
        backend="openai", base_url=server.url + "/v1", api_key="test-key", model="fake-model",
        timeout=5.0, retry_max_wait=0.1, max_transient_retries=1, fetch_timeout=3.0, **extra,
    )  # fmt: skip


def test_cli_summarize_a_url(site: PageServer, monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeOpenAIServer() as model:
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        monkeypatch.setenv("SUMMARIZER_FETCH_TIMEOUT", "3")
        base = ["--backend", "openai", "--base-url", model.url + "/v1", "--model", "fake-model"]
        ok = CliRunner().invoke(cli, ["summarize", site.url + "/redirect/2", *base])
        assert ok.exit_code == 0, ok.output
        record = json.loads(ok.stdout)
        assert record["url"] == site.url + "/article.html"  # the final URL, after redirects
        assert record["title"] == ARTICLE_TITLE and record["summary"]["key_points"]
        for path in ("/status/404", "/slow.html", "/image.png"):
            bad = CliRunner().invoke(cli, ["summarize", site.url + path, *base])
            assert bad.exit_code == 3, (path, bad.output)
            assert bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
            assert bad.stderr.startswith("summarizer: bad input: ")


def test_batch_of_urls_one_row_each_and_resume_from_the_page_cache(
    site: PageServer, tmp_path: Path
) -> None:
    good = [f"{site.url}/article.html", f"{site.url}/gzip.html", f"{site.url}/redirect/1"]
    bad = [f"{site.url}{p}" for p in ("/status/404", "/image.png", "/slow.html", "/loop/a")]
    listing = tmp_path / "pages.urls"
    listing.write_text("\n".join(["# today's links", *good, *bad]) + "\n")
    rows_file = tmp_path / "rows.jsonl"
    rows_file.write_text(json.dumps({"id": "row-1", "url": f"{site.url}/latin1.html"}) + "\n")
    out = tmp_path / "out.jsonl"
    with FakeOpenAIServer() as model:
        settings = settings_for(model, cache_dir=tmp_path / "cache")
        stats = run_batch([str(listing), str(rows_file)], out, settings, BatchOptions())
        rows = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
        assert len(rows) == 8 and stats.ok == 4 and stats.failed == 4
        assert rows["row-1"]["result"]["url"] == f"{site.url}/latin1.html"
        assert rows[good[2]]["result"]["url"] == f"{site.url}/article.html"
        messages = {rows[u]["error"]["message"] for u in bad}
        for words in ("HTTP 404", "image/png", "within 3 s", "redirect loop"):
            assert any(words in m for m in messages), words
        assert all(rows[u]["error"]["source"].startswith(str(listing)) for u in bad)
        hits = sum(site.hits.values())
        again = run_batch([str(listing), str(rows_file)], out, settings, BatchOptions())
        assert again.skipped == 8 and again.processed == 0
        # Good pages came from the page cache; only the failed ones were asked for again.
        assert sum(site.hits.values()) - hits <= len(bad) + 2  # loop/a also visits loop/b


def test_api_summarize_url_and_url_rows(site: PageServer) -> None:
    with FakeOpenAIServer() as model:
        s = Summarizer(settings_for(model))
        record = s.summarize(url=site.url + "/article.txt")
        assert record.url == site.url + "/article.txt" and record.id == site.url + "/article.txt"
        with pytest.raises(InputError, match="HTTP 500"):
            s.summarize(url=site.url + "/status/500")
        wanted = [
            {"id": "x", "url": site.url + "/article.html"},
            {"id": "y", "url": site.url + "/status/404"},
        ]
        rows = list(s.summarize_many(wanted))
    by_id = {r.id: r for r in rows}
    assert by_id["x"].status == "ok" and by_id["y"].status == "error"
    assert "HTTP 404" in str(by_id["y"].error)
