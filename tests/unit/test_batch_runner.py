"""The batch runner's own logic (planning, resume, concurrency, error rows), driven by a
stand-in analyser so each behaviour is pinned down exactly. The same runner against the real
Summarizer and a real HTTP server is covered in tests/integration/test_batch_server.py."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from summarizer.batch import (
    BatchItem,
    BatchOptions,
    arun_batch,
    asummarize_many,
    in_flight_limit,
    summarize_many,
)
from summarizer.batch.drive import LOCAL_IN_FLIGHT
from summarizer.batch.runner import _want_progress
from summarizer.batch.transport import article_from_json, article_to_json, settings_to_json
from summarizer.config import Settings
from summarizer.errors import BackendError, ConfigError, GroundingError, InputError
from summarizer.inputs import Article
from summarizer.schemas import (
    SCHEMA_VERSION,
    ArticleAnalysis,
    ArticleType,
    ArticleTypeMethod,
    HeadlineMethod,
    KeyPoint,
    Provenance,
    Quality,
    SelectionMethod,
    SourceMetadata,
    Summary,
)
from summarizer.schemas.source import MetaOrigin, SourcedDate, SourcedValue
from summarizer.testing.corpus import synthetic_article


class StandIn:
    """Analyses instantly (or after `delays[id]`), fails for ids in `failures`, counts calls.

    `hold[id] = n` keeps that article in flight until n other analyses have finished: an
    order of completion that does not depend on how busy the machine is.
    """

    def __init__(
        self,
        *,
        concurrency: int = 4,
        model: str = "m",
        failures: dict[str, BaseException] | None = None,
        delays: dict[str, float] | None = None,
        default_delay: float = 0.0,
        hold: dict[str, int] | None = None,
    ) -> None:
        self.settings = Settings(backend="openai", api_key="k", concurrency=concurrency)
        self.model = model
        self.failures = failures or {}
        self.delays = delays or {}
        self.default_delay = default_delay
        self.calls: list[str] = []
        self.cancelled: list[str] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.hold = hold or {}
        self.finished = 0
        self._condition: asyncio.Condition | None = None

    def _turn(self) -> asyncio.Condition:
        """Signalled whenever an analysis finishes (made in the running loop on first use)."""
        if self._condition is None:
            self._condition = asyncio.Condition()
        return self._condition

    def fingerprint(self) -> dict[str, Any]:
        return {"backend": "openai", "model": self.model, "mode": "abstractive",
                "prompt_version": "abstractive@1", "schema_version": SCHEMA_VERSION}  # fmt: skip

    async def aclose(self) -> None:
        self.closed = getattr(self, "closed", 0) + 1

    async def analyze(self, article: Article) -> ArticleAnalysis:
        self.calls.append(article.id)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delays.get(article.id, self.default_delay))
            if article.id in self.hold:
                async with self._turn():
                    await self._turn().wait_for(lambda: self.finished >= self.hold[article.id])
        except asyncio.CancelledError:
            self.cancelled.append(article.id)
            raise
        finally:
            self.in_flight -= 1
            self.finished += 1
            if self.hold:
                async with self._turn():
                    self._turn().notify_all()
        if article.id in self.failures:
            raise self.failures[article.id]
        return record_for(article, self.model)


def record_for(article: Article, model: str = "m") -> ArticleAnalysis:
    """A minimal valid record for an article."""
    return ArticleAnalysis(
        id=article.id,
        summary=Summary(
            headline="Headline", text="Text.", key_points=[KeyPoint(text="k", evidence=[0])],
            method=SelectionMethod.ranker, headline_method=HeadlineMethod.lead,
        ),
        article_type=ArticleType.news_report,
        quality=Quality(score=100, flags=[], clean_text=article.text),
        provenance=Provenance(
            backend="openai", model=model, mode="abstractive", prompt_name="abstractive",
            prompt_version="abstractive@1", summarizer_version="0", input_sha256=article.sha256,
            prompt_tokens=100, completion_tokens=20, attempts=1, transient_retries=0, latency_ms=1,
            article_type_method=ArticleTypeMethod.llm,
        ),
    )  # fmt: skip


def write_rows(path: Path, rows: list[dict[str, Any] | str]) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write((row if isinstance(row, str) else json.dumps(row)) + "\n")
    return path


def corpus(path: Path, n: int) -> Path:
    return write_rows(path, [{"id": f"a{i}", "text": synthetic_article(i)} for i in range(n)])


def read_out(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def run(stand_in: StandIn, inputs: list[Path], out: Path, **options: Any) -> Any:
    return asyncio.run(arun_batch(stand_in, [str(p) for p in inputs], out, BatchOptions(**options)))


def test_every_input_line_gets_exactly_one_row(tmp_path: Path) -> None:
    src = write_rows(
        tmp_path / "in.jsonl",
        [
            {"id": "a", "text": synthetic_article(1)},
            "{broken",
            {"id": "b"},
            {"id": "a", "text": synthetic_article(2)},  # duplicate id: first one wins
            [1, 2],  # type: ignore[list-item]
            {"id": "c", "text": synthetic_article(3), "targets": "Iran"},
            {"id": "d", "text": synthetic_article(4)},
        ],
    )
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "e.txt").write_text(synthetic_article(5))
    (folder / "empty.txt").write_text("   \n")
    stand_in = StandIn()
    out = tmp_path / "out.jsonl"
    stats = run(stand_in, [src, folder], out)
    rows = {r["id"]: r for r in read_out(out)}
    assert len(rows) == len(read_out(out)) == 9
    assert sorted(stand_in.calls) == ["a", "d", "e"]
    assert {k for k, r in rows.items() if r["status"] == "ok"} == {"a", "d", "e"}
    assert (
        rows["a"]["result"]["provenance"]["input_sha256"]
        == Article.create(synthetic_article(1)).sha256
    )
    expect_errors = {
        f"{src}:2": ("input_error", "not valid JSON"),
        "b": ("input_error", f"{src}:3: row has no text"),
        f"a@{src}:4": ("duplicate_id", "duplicate id 'a'"),
        f"{src}:5": ("input_error", "JSON list, not an object"),
        "c": ("input_error", "list of strings"),
        "empty": ("input_error", "empty"),
    }
    for row_id, (kind, needle) in expect_errors.items():
        error = rows[row_id]["error"]
        assert rows[row_id]["status"] == "error" and rows[row_id]["result"] is None
        assert error["type"] == kind and needle in error["message"], error
        assert error["source"] and error["input_sha256"]
        assert error["model"] == "m" and error["schema_version"] == SCHEMA_VERSION
    assert stats.ok == 3 and stats.failed == 6
    assert stats.errors_by_type == {"input_error": 5, "duplicate_id": 1}


def test_model_failures_become_error_rows_and_the_batch_goes_on(tmp_path: Path) -> None:
    failures: dict[str, BaseException] = {
        "a1": BackendError("HTTP 500", attempts=7, status_code=500),
        "a2": GroundingError("no grounded answer", attempts=3, fields=["key_points"]),
        "a3": RuntimeError("a bug"),
        "a4": InputError("no prose left"),
    }
    stand_in = StandIn(failures=failures)
    out = tmp_path / "out.jsonl"
    stats = run(stand_in, [corpus(tmp_path / "in.jsonl", 8)], out)
    rows = {r["id"]: r for r in read_out(out)}
    assert len(rows) == 8
    assert rows["a1"]["error"]["type"] == "backend_error" and rows["a1"]["error"]["attempts"] == 7
    assert rows["a2"]["error"]["type"] == "grounding_error" and rows["a2"]["error"]["fields"] == [
        "key_points"
    ]
    assert rows["a3"]["error"]["type"] == "internal_error"
    assert rows["a3"]["error"]["message"] == "RuntimeError: a bug"
    assert rows["a4"]["error"]["type"] == "input_error"
    assert all(rows[f"a{i}"]["status"] == "ok" for i in (0, 5, 6, 7))
    assert stats.failed == 4 and stats.ok == 4


def test_rows_validate_as_batch_items(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    run(StandIn(failures={"a0": BackendError("x")}), [corpus(tmp_path / "in.jsonl", 3)], out)
    for line in out.read_text().splitlines():
        item = BatchItem.model_validate_json(line)
        assert (item.result is None) == (item.status == "error") == (item.error is not None)


def test_resume_skips_finished_ids_including_errors(tmp_path: Path) -> None:
    src, out = corpus(tmp_path / "in.jsonl", 6), tmp_path / "out.jsonl"
    run(StandIn(failures={"a2": BackendError("down")}), [src], out)
    again = StandIn()
    stats = run(again, [src], out)
    assert again.calls == []
    assert stats.skipped == 6 and stats.processed == 0
    assert len(read_out(out)) == 6


def test_retry_errors_redoes_only_error_rows_and_replaces_them(tmp_path: Path) -> None:
    src, out = corpus(tmp_path / "in.jsonl", 6), tmp_path / "out.jsonl"
    run(StandIn(failures={"a2": BackendError("down"), "a4": GroundingError("x")}), [src], out)
    retry = StandIn()
    stats = run(retry, [src], out, retry_errors=True)
    assert sorted(retry.calls) == ["a2", "a4"]
    assert stats.skipped == 4
    rows = read_out(out)
    assert sorted(r["id"] for r in rows) == [f"a{i}" for i in range(6)]  # compacted: once each
    assert all(r["status"] == "ok" for r in rows)


def test_force_redoes_everything_and_keeps_each_id_once(tmp_path: Path) -> None:
    src, out = corpus(tmp_path / "in.jsonl", 5), tmp_path / "out.jsonl"
    run(StandIn(), [src], out)
    forced = StandIn()
    run(forced, [src], out, force=True)
    assert sorted(forced.calls) == [f"a{i}" for i in range(5)]
    assert sorted(r["id"] for r in read_out(out)) == [f"a{i}" for i in range(5)]


def test_changed_input_or_model_is_redone(tmp_path: Path) -> None:
    src, out = corpus(tmp_path / "in.jsonl", 4), tmp_path / "out.jsonl"
    run(StandIn(), [src], out)
    rows = [{"id": f"a{i}", "text": synthetic_article(i)} for i in range(4)]
    rows[1]["text"] = synthetic_article(99)
    write_rows(src, rows)  # type: ignore[arg-type]
    changed = StandIn()
    run(changed, [src], out)
    assert changed.calls == ["a1"]
    other_model = StandIn(model="m2")
    run(other_model, [src], out)
    assert sorted(other_model.calls) == ["a0", "a1", "a2", "a3"]
    final = read_out(out)
    assert len(final) == 4 and {r["result"]["provenance"]["model"] for r in final} == {"m2"}


def test_fixed_bad_row_is_redone_but_unchanged_bad_row_is_not(tmp_path: Path) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_rows(src, [{"id": "a", "text": synthetic_article(1)}, {"id": "b"}])
    run(StandIn(), [src], out)
    second = StandIn()
    stats = run(second, [src], out)
    assert second.calls == [] and stats.skipped == 2
    write_rows(
        src, [{"id": "a", "text": synthetic_article(1)}, {"id": "b", "text": synthetic_article(2)}]
    )
    third = StandIn()
    run(third, [src], out)
    assert third.calls == ["b"]
    assert {r["id"]: r["status"] for r in read_out(out)} == {"a": "ok", "b": "ok"}


def test_torn_last_line_is_repaired_and_its_article_redone(tmp_path: Path) -> None:
    src, out = corpus(tmp_path / "in.jsonl", 5), tmp_path / "out.jsonl"
    run(StandIn(), [src], out)
    data = out.read_bytes()
    last_id = json.loads(data.splitlines()[-1])["id"]
    out.write_bytes(data[:-40])  # as if killed in the middle of writing the last row
    redo = StandIn()
    stats = run(redo, [src], out)
    assert redo.calls == [last_id]
    assert any("partial last line" in note for note in stats.notes)
    rows = read_out(out)
    assert sorted(r["id"] for r in rows) == [f"a{i}" for i in range(5)]


def test_concurrency_is_bounded_and_rows_come_in_completion_order(tmp_path: Path) -> None:
    # a1 finishes after the 10 others, a0 after a1 too: it holds a slot all along.
    stand_in = StandIn(concurrency=3, hold={"a1": 10, "a0": 11}, default_delay=0.001)
    out = tmp_path / "out.jsonl"
    run(stand_in, [corpus(tmp_path / "in.jsonl", 12)], out)
    ids = [r["id"] for r in read_out(out)]
    assert stand_in.max_in_flight == 3
    assert ids[-2:] == ["a1", "a0"]  # the slow ones finish last, nothing waits for them
    assert len(ids) == 12


async def test_input_is_pulled_lazily() -> None:
    pulled = 0

    def articles() -> Iterator[str]:
        nonlocal pulled
        for i in range(10_000):
            pulled += 1
            yield synthetic_article(i)

    stand_in = StandIn(concurrency=4, default_delay=0.01)
    agen = asummarize_many(stand_in, articles(), concurrency=4)
    first = await agen.__anext__()
    assert first.status == "ok"
    assert pulled <= 6  # the in-flight window plus one, not the whole input
    await agen.aclose()
    assert stand_in.in_flight == 0


def test_shards_partition_the_input(tmp_path: Path) -> None:
    src = corpus(tmp_path / "in.jsonl", 60)
    seen: list[str] = []
    for index in range(3):
        out = tmp_path / f"out{index}.jsonl"
        stats = run(StandIn(), [src], out, shard=(index, 3))
        ids = [r["id"] for r in read_out(out)]
        assert 5 < len(ids) < 40 and stats.other_shard == 60 - len(ids)
        seen += ids
    assert sorted(seen) == sorted(f"a{i}" for i in range(60))


def test_interrupted_force_run_keeps_old_rows_then_finishes_clean(tmp_path: Path) -> None:
    src, out = corpus(tmp_path / "in.jsonl", 10), tmp_path / "out.jsonl"
    run(StandIn(), [src], out)

    async def interrupted() -> None:
        stand_in = StandIn(concurrency=2, default_delay=0.05)
        task = asyncio.create_task(arun_batch(stand_in, [str(src)], out, BatchOptions(force=True)))
        # Polling the file is the point: it is what an outside observer of the run can see.
        while len(out.read_text().splitlines()) < 13:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(interrupted())
    ids = [r["id"] for r in read_out(out)]
    assert set(ids) == {f"a{i}" for i in range(10)} and len(ids) > 10  # nothing lost
    run(StandIn(), [src], out)  # a normal run afterwards compacts to one row per id
    assert sorted(r["id"] for r in read_out(out)) == sorted(f"a{i}" for i in range(10))


def test_summarize_many_yields_every_article_once() -> None:
    stand_in = StandIn(concurrency=4, failures={"x": BackendError("down")})
    inputs: list[Article | str | dict[str, Any]] = [
        Article.create(synthetic_article(1), id="art"),
        synthetic_article(2),
        {"id": "x", "text": synthetic_article(3)},
        {"id": "art", "text": synthetic_article(4)},
        "",
    ]
    items = list(summarize_many(stand_in, inputs))
    assert len(items) == 5
    by_status = sorted((i.status, (i.error or {}).get("type")) for i in items)
    assert by_status == [
        ("error", "backend_error"), ("error", "duplicate_id"), ("error", "input_error"),
        ("ok", None), ("ok", None),
    ]  # fmt: skip
    assert all(isinstance(i, BatchItem) for i in items)


def test_summarize_many_stops_early_and_cancels_in_flight_work() -> None:
    stand_in = StandIn(concurrency=4, default_delay=0.05, delays={"a0": 0.0})
    gen = summarize_many(
        stand_in, ({"id": f"a{i}", "text": synthetic_article(i)} for i in range(100))
    )
    first = next(gen)
    assert first.id == "a0"
    gen.close()
    assert len(stand_in.calls) < 10
    assert stand_in.in_flight == 0 and stand_in.cancelled


async def test_summarize_many_works_inside_a_running_loop() -> None:
    stand_in = StandIn()
    items = list(summarize_many(stand_in, [synthetic_article(i) for i in range(5)]))
    assert [i.status for i in items] == ["ok"] * 5


async def test_asummarize_many_respects_its_concurrency_argument() -> None:
    stand_in = StandIn(concurrency=16, default_delay=0.01)
    items = [
        i
        async for i in asummarize_many(
            stand_in, [synthetic_article(i) for i in range(20)], concurrency=2
        )
    ]
    assert len(items) == 20 and stand_in.max_in_flight == 2


def test_in_flight_limits() -> None:
    remote = Settings(backend="openai", api_key="k", concurrency=32)
    assert in_flight_limit(remote, None) == 32 and in_flight_limit(remote, 5) == 5
    local = Settings(backend="local", concurrency=32)
    assert in_flight_limit(local, None) == LOCAL_IN_FLIGHT == 2
    assert in_flight_limit(local, 1) == 1
    with pytest.raises(ConfigError, match="at least 1"):
        in_flight_limit(remote, 0)
    with pytest.raises(ConfigError, match="server backends"):
        in_flight_limit(Settings(backend="local", workers=2), None)
    assert (
        in_flight_limit(Settings(backend="openai", api_key="k", workers=4, concurrency=9), None)
        == 9
    )


def test_work_items_cross_the_process_boundary_unchanged() -> None:
    article = Article.create(
        "Caf\u00e9 owners in Lyon protested.\n\nThe mayor disagreed.\n",
        id="a1",
        title="T",
        url="https://example.org/a",
        targets=["mayor"],
        input_notes=("decoded as cp1252",),
        main_lines=[1, 3],
        source=SourceMetadata(
            authors=[SourcedValue(value="X", from_=MetaOrigin.html_meta)],
            published=SourcedDate(value="2024-05-14", from_=MetaOrigin.html_jsonld),
        ),
    )
    wire = json.loads(json.dumps(article_to_json(article)))
    assert article_from_json(wire) == article
    settings = Settings(backend="openai", api_key="sk-secret", workers=3, concurrency=5)
    data = settings_to_json(settings)
    rebuilt = Settings(**data)
    assert rebuilt.api_key is not None and rebuilt.api_key.get_secret_value() == "sk-secret"
    assert rebuilt.workers == 1 and rebuilt.concurrency == 5  # a worker never spawns workers


def test_progress_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _want_progress(BatchOptions(progress=True)) is True
    assert _want_progress(BatchOptions(progress=False)) is False
    monkeypatch.setenv("CI", "true")
    assert _want_progress(BatchOptions()) is False


def test_progress_display_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.jsonl"
    run(StandIn(), [corpus(tmp_path / "in.jsonl", 3)], out, progress=True)
    assert "articles" in capsys.readouterr().err
    assert len(read_out(out)) == 3


def test_unwritable_output_is_a_config_error(tmp_path: Path) -> None:
    src = corpus(tmp_path / "in.jsonl", 2)
    with pytest.raises(ConfigError, match="is a folder"):
        run(StandIn(), [src], tmp_path)  # a folder, not a file


def test_articles_without_ids_are_named_by_their_content() -> None:
    texts = [synthetic_article(1), synthetic_article(2)]
    items = list(summarize_many(StandIn(), [Article(text=t) for t in texts]))
    assert sorted(i.id for i in items) == sorted(Article.create(t).id for t in texts)
    assert all(i.status == "ok" and i.result is not None and i.result.id == i.id for i in items)
