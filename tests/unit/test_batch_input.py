"""Streaming batch input: JSONL rows, folders, files, stdin, bad rows as problems, shards."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from summarizer.batch import parse_shard, shard_of
from summarizer.errors import ConfigError, InputError
from summarizer.inputs import Article, sha256_text
from summarizer.inputs.stream import (
    InputItem,
    items_from_objects,
    iter_inputs,
    iter_jsonl,
)

TEXT = "The council approved the budget on Tuesday. Critics said it was too small."


def _jsonl(lines: Sequence[str | bytes]) -> io.BytesIO:
    raw = b"".join((x if isinstance(x, bytes) else x.encode()) + b"\n" for x in lines)
    return io.BytesIO(raw)


def test_rows_become_items_with_ids_from_the_row_or_the_content() -> None:
    rows = [
        json.dumps({"id": "a", "text": TEXT, "title": "T", "url": "u", "targets": ["council"]}),
        json.dumps({"id": 7, "html": "<p>" + TEXT + "</p>"}),
        json.dumps({"text": TEXT}),
    ]
    a, b, c = list(iter_jsonl(_jsonl(rows), "in.jsonl"))
    assert (a.id, a.source, a.title, a.url, a.targets, a.problem) == (
        "a",
        "in.jsonl:1",
        "T",
        "u",
        ("council",),
        None,
    )
    assert (b.id, b.html is not None, b.text) == ("7", True, None)
    assert c.id == sha256_text(TEXT)[:16] and c.source == "in.jsonl:3"
    article = a.build(max_chars=10_000)
    assert isinstance(article, Article) and article.id == "a" and article.targets == ("council",)
    assert c.build(max_chars=10_000).id == c.id  # same rule as Article.create's default id


def test_default_targets_apply_only_to_rows_naming_none() -> None:
    rows = [
        json.dumps({"id": "a", "text": TEXT}),
        json.dumps({"id": "b", "text": TEXT, "targets": ["x"]}),
    ]
    a, b = iter_jsonl(_jsonl(rows), "f")
    assert a.build(default_targets=["council"], max_chars=10_000).targets == ("council",)
    assert b.build(default_targets=["council"], max_chars=10_000).targets == ("x",)


@pytest.mark.parametrize(
    ("line", "item_id", "needle"),
    [
        (b"{not json", "f:1", "not valid JSON"),
        (b"[1, 2]", "f:1", "JSON list, not an object"),
        (b'"text"', "f:1", "JSON str, not an object"),
        (b'{"id": "a"}', "a", "no text"),
        (b'{"id": "a", "text": "   "}', "a", "no text"),
        (b'{"id": "a", "text": 5}', "a", "must be a string"),
        (b'{"id": ["a"], "text": "x y z"}', "f:1", '"id" must be'),
        (b'{"id": "", "text": "x y z"}', "f:1", '"id" must be'),
        (b'{"id": true, "text": "x y z"}', "f:1", '"id" must be'),
        (b'{"id": "a", "text": "x y z", "targets": "Iran"}', "a", "list of strings"),
        (b'{"id": "a", "text": "x y z", "targets": [1]}', "a", "list of strings"),
        (b'{"id": "a", "text": "x y z", "title": 3}', "a", '"title" must be a string'),
        (b'{"id": "a", "text": "caf\xe9"}', "f:1", "not valid UTF-8"),
    ],
)
def test_bad_rows_become_problems_naming_the_line(line: bytes, item_id: str, needle: str) -> None:
    (item,) = iter_jsonl(_jsonl([line]), "f")
    assert item.id == item_id
    assert item.problem is not None and item.problem.startswith("f:1: ") and needle in item.problem
    assert item.raw_sha256  # error rows can still be matched on resume
    with pytest.raises(InputError, match=re.escape(needle)):
        item.build(max_chars=10_000)


def test_blank_lines_are_skipped_but_line_numbers_stay_true() -> None:
    items = list(iter_jsonl(_jsonl(["", json.dumps({"id": "a", "text": TEXT}), "  ", "{bad"]), "f"))
    assert [(i.id, i.source) for i in items] == [("a", "f:2"), ("f:4", "f:4")]


def test_bom_on_the_first_line_is_accepted() -> None:
    (item,) = iter_jsonl(
        _jsonl([b"\xef\xbb\xbf" + json.dumps({"id": "a", "text": TEXT}).encode()]), "f"
    )
    assert item.problem is None and item.id == "a"


def test_jsonl_is_read_lazily() -> None:
    """The reader pulls one line per item, so a huge input is never loaded whole."""

    class CountingStream(io.BytesIO):
        reads = 0

        def readline(self, size: int | None = -1, /) -> bytes:
            CountingStream.reads += 1
            return super().readline(size)

    stream = CountingStream(
        b"".join(json.dumps({"id": str(i), "text": TEXT}).encode() + b"\n" for i in range(1000))
    )
    items = iter_jsonl(stream, "big")
    first = next(items)
    assert first.id == "0" and CountingStream.reads == 1
    next(items)
    assert CountingStream.reads == 2


def test_folders_files_and_stdin(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "b.txt").write_text(TEXT)
    (root / "a.md").write_text(TEXT)
    (root / "sub" / "c.html").write_text("<html><body><p>" + TEXT + "</p></body></html>")
    (root / "sub" / "rows.jsonl").write_text(json.dumps({"id": "r1", "text": TEXT}) + "\n")
    (root / "notes.csv").write_text("ignored")
    (root / ".hidden" / "x.txt").write_text(TEXT)
    (root / ".dot.txt").write_text(TEXT)
    single = tmp_path / "single.text"
    single.write_text(TEXT)
    stdin = _jsonl([json.dumps({"id": "s1", "text": TEXT})])
    items = list(iter_inputs([str(root), str(single), "-"], stdin=stdin))
    assert [i.id for i in items] == ["a", "b", "sub/c", "r1", "single", "s1"]
    assert items[2].source == str(root / "sub" / "c.html")
    assert items[3].source == f"{root / 'sub' / 'rows.jsonl'}:1"
    assert items[5].source == "<stdin>:1"
    built = items[1].build(max_chars=10_000)
    assert built.id == "b" and built.text == TEXT
    assert items[1].input_hash() == sha256_text(TEXT)


def test_missing_inputs_are_refused_before_anything_is_read(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.jsonl"):
        list(iter_inputs([str(tmp_path), str(tmp_path / "nope.jsonl")]))
    with pytest.raises(InputError, match="only once"):
        list(iter_inputs(["-", "-"]))
    with pytest.raises(InputError, match="no input"):
        list(iter_inputs([]))


def test_unreadable_file_is_a_problem_at_build_time(tmp_path: Path) -> None:
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    (item,) = iter_inputs([str(binary)])
    with pytest.raises(InputError, match="binary"):
        item.build(max_chars=10_000)
    assert item.input_hash()  # read from the file for the error row's resume key


def test_items_from_objects() -> None:
    article = Article.create(TEXT, id="given")
    given: list[Any] = [article, TEXT, {"id": "d", "text": TEXT}, "  ", 42, {"x": 1}]
    items = list(items_from_objects(given))
    assert [i.id for i in items[:3]] == ["given", sha256_text(TEXT)[:16], "d"]
    assert items[0].build(max_chars=10) is article
    assert [i.problem is not None for i in items] == [False, False, False, True, True, True]
    assert "got int" in (items[4].problem or "")


def test_parse_shard() -> None:
    assert parse_shard("0/1") == (0, 1)
    assert parse_shard(" 3/4 ") == (3, 4)
    for bad in ("4/4", "-1/4", "1/0", "1", "a/b", "1/2/3", ""):
        with pytest.raises(ConfigError):
            parse_shard(bad)


def test_shards_are_stable_disjoint_and_balanced() -> None:
    ids = [f"art-{i}" for i in range(4000)]
    counts = Counter(shard_of(i, 4) for i in ids)
    assert set(counts) == {0, 1, 2, 3}
    assert all(850 < n < 1150 for n in counts.values())
    assert shard_of("a", 1) == 0


def test_shard_values_are_pinned() -> None:
    """A change here would silently re-split every corpus between machines (and runs)."""
    assert [shard_of(x, 1000) for x in ("a", "art-000001", "ключ")] == [343, 505, 712]


def test_item_build_without_body_is_an_input_error() -> None:
    with pytest.raises(InputError):
        InputItem(id="x", source="s").build(max_chars=100)


def test_the_output_file_is_never_read_as_input(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT)
    out = folder / "results.jsonl"
    out.write_text(json.dumps({"id": "x", "status": "ok"}) + "\n")
    assert [i.id for i in iter_inputs([str(folder)], output=out)] == ["a"]
    assert [i.id for i in iter_inputs([str(folder)])] == ["a", "x"]
    with pytest.raises(InputError, match="also an input"):
        list(iter_inputs([str(out)], output=out))


def test_html_rows_and_files_go_through_the_html_extractor(tmp_path: Path) -> None:
    body = f"<body><article><p>{TEXT}</p></article></body>"
    page = f"<html><head><title>Budget</title></head>{body}</html>"
    (row,) = iter_jsonl(
        _jsonl([json.dumps({"id": "h", "html": page, "url": "https://x.test/a"})]), "f"
    )
    article = row.build(max_chars=100_000)
    assert article.id == "h" and "approved the budget" in article.text
    assert article.url == "https://x.test/a"
    html_file = tmp_path / "page.html"
    html_file.write_text(page)
    (item,) = iter_inputs([str(html_file)])
    assert item.build(max_chars=100_000).id == "page"
