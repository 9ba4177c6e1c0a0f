"""Issue 12, cases 4, 5, 7, 8 and 9: one bad input costs one row, never the batch, and fair
input (UTF-16 with a BOM, a page with deeply nested markup) gets a fair answer."""

from __future__ import annotations

import asyncio
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from summarizer.batch import BatchOptions, arun_batch, summarize_many
from summarizer.errors import InputError
from summarizer.inputs import article_from_html, load_article, normalize_targets
from summarizer.inputs.article import decode_bytes
from summarizer.inputs.stream import iter_inputs, iter_jsonl
from tests.unit.test_batch_runner import StandIn, read_out

TEXT = "The council approved the budget on Tuesday. Critics said it was too small."
DEEP = "[" * 2000 + "]" * 2000  # issue 12: RecursionError, and the rows after it never ran


def rows_of(tmp_path: Path, inputs: list[Path], **options: Any) -> dict[str, dict[str, Any]]:
    out = tmp_path / "out.jsonl"
    asyncio.run(arun_batch(StandIn(), [str(p) for p in inputs], out, BatchOptions(**options)))
    rows = read_out(out)
    assert len(rows) == len({r["id"] for r in rows})
    return {r["id"]: r for r in rows}


def row(row_id: str, **fields: Any) -> str:
    return json.dumps({"id": row_id, "text": TEXT, **fields})


# ------------------------------------------------------------ 4. deep nesting


def test_a_line_nested_2000_deep_is_an_error_row_and_the_batch_goes_on(tmp_path: Path) -> None:
    # A deep object in a field of an otherwise good row.
    deep_field = row("deep-field")[:-1] + ', "x": ' + '{"a": ' * 1500 + "1" + "}" * 1501
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join([row("a"), DEEP, deep_field, row("b")]) + "\n")
    rows = rows_of(tmp_path, [src])
    assert rows["a"]["status"] == rows["b"]["status"] == "ok"
    for line in (2, 3):
        error = rows[f"{src}:{line}"]["error"]
        assert error["type"] == "input_error" and "nested too deeply" in error["message"]
    assert len(rows) == 4


def test_a_deep_dict_through_the_python_api_is_an_error_item() -> None:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(5000):
        node["a"] = {}
        node = node["a"]
    items = list(summarize_many(StandIn(), [{"id": "deep", "text": TEXT, "x": deep}, TEXT]))
    assert sorted(i.status for i in items) == ["error", "ok"]


def test_a_huge_line_is_skipped_without_reading_it_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("summarizer.inputs.linereader.MAX_LINE_BYTES", 1000)
    data = (row("a") + "\n" + row("big", pad="x" * 5000) + "\n" + row("b") + "\n").encode()
    items = list(iter_jsonl(io.BytesIO(data), "in.jsonl"))
    assert [i.id for i in items] == ["a", "in.jsonl:2", "b"]
    assert items[1].problem is not None and "over 1,000 bytes" in items[1].problem


# ------------------------------------------------------------ 5. symlink loops, pipes


def test_a_symlink_loop_in_a_folder_is_an_error_row_beside_the_good_files(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "dir"
    folder.mkdir()
    (folder / "good.txt").write_text(TEXT)
    (folder / "x.txt").symlink_to("x.txt")  # issue 12: RuntimeError: Symlink loop, no rows
    (folder / "a.txt").symlink_to("b.txt")
    (folder / "b.txt").symlink_to("a.txt")
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to("..")  # a folder loop: not followed
    os.mkfifo(folder / "pipe.txt")  # would block the walk if it were opened
    rows = rows_of(tmp_path, [folder])
    assert rows["good"]["status"] == "ok"
    for name in ("x", "a", "b"):
        assert "symlink loop" in rows[name]["error"]["message"], rows[name]
    assert "not a regular file" in rows["pipe"]["error"]["message"]
    assert len(rows) == 5


def test_an_unlistable_folder_is_an_error_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "dir"
    (folder / "locked").mkdir(parents=True)
    (folder / "good.txt").write_text(TEXT)
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:  # as for a folder without read permission (root has all)
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items = list(iter_inputs([str(folder)]))
    problems = [i.problem for i in items if i.problem]
    assert len(items) == 2 and problems and "cannot list folder: Permission denied" in problems[0]


def test_a_given_symlink_loop_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "x.txt").symlink_to("x.txt")
    with pytest.raises(InputError, match="symlink that leads nowhere or loops"):
        list(iter_inputs([str(tmp_path / "x.txt")]))


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with open(big, "wb") as handle:
        handle.truncate(50_000_000)  # sparse: 50 MB that costs nothing to make
    with pytest.raises(InputError, match="50,000,000 bytes, over the input limit of 4,000"):
        load_article(big, max_chars=1000)


def test_an_endless_device_is_read_only_up_to_the_limit() -> None:
    with pytest.raises(InputError, match="over the input limit"):
        load_article(Path("/dev/zero"), max_chars=1000)


# ------------------------------------------------------------ 7. UTF-16 and UTF-32


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be"])
def test_bom_marked_text_decodes_without_a_note(encoding: str) -> None:
    text = "Le conseil s’est réuni lundi. Le budget a été voté, a dit le maire."
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-32-be": b"\x00\x00\xfe\xff"}
    data = bom.get(encoding, b"") + text.encode(encoding)
    assert decode_bytes(data) == (text, None)


def test_a_bom_that_lies_is_an_input_error() -> None:
    with pytest.raises(InputError, match="UTF-16 byte-order mark but is not valid UTF-16"):
        decode_bytes(b"\xff\xfe" + "hello".encode("utf-16-le") + b"\x00")


def test_utf16_files_and_jsonl_give_one_row_per_input(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "u16.txt").write_bytes(TEXT.encode("utf-16"))
    (tmp_path / "in" / "u32.md").write_bytes(TEXT.encode("utf-32"))
    (tmp_path / "in" / "page.html").write_bytes(
        f"<html><body><p>{TEXT}</p></body></html>".encode("utf-16")
    )
    lines = row("r1") + "\r\n" + row("r2") + "\r\n"
    (tmp_path / "in" / "rows.jsonl").write_bytes(lines.encode("utf-16"))
    rows = rows_of(tmp_path, [tmp_path / "in"])
    assert sorted(rows) == ["page", "r1", "r2", "u16", "u32"]  # issue 12: one row became two
    assert all(r["status"] == "ok" for r in rows.values()), rows


# ------------------------------------------------------------ 8. HTML size and nesting


def test_an_html_row_over_the_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    para = "<p>" + " ".join([TEXT] * 3) + "</p>"
    html = "<html><body>" + para * (20_000_000 // len(para)) + "</body></html>"
    with pytest.raises(
        InputError, match=r"HTML input is [\d,]+ characters, over the limit of 10,000,000"
    ):
        article_from_html(html)


def test_visible_text_over_the_limit_is_refused_before_extraction() -> None:
    para = "<p>" + " ".join([TEXT] * 3) + "</p>"
    html = "<html><body>" + para * 200 + "</body></html>"
    refused = r"the page's visible text is [\d,]+ characters, over the limit of 10,000"
    with pytest.raises(InputError, match=refused):
        article_from_html(html, max_chars=10_000)


def test_text_nested_below_the_parsers_depth_limit_is_explained() -> None:
    html = "<html><body>" + "<div>" * 100_000 + TEXT + "</div>" * 100_000 + "</body></html>"
    with pytest.raises(InputError, match="nests elements deeper than the parser's limit"):
        article_from_html(html)
    with pytest.raises(InputError, match=r"^HTML page has no visible text$"):
        article_from_html("<html><body>" + "<div>" * 300 + "</div>" * 300 + "</body></html>")


# ------------------------------------------------------------ 9. duplicate targets


def test_duplicate_targets_are_an_error_row_not_a_silent_merge(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(row("dup", targets=["Iran", " IRAN "]) + "\n" + row("fine") + "\n")
    rows = rows_of(tmp_path, [src])
    assert rows["fine"]["status"] == "ok"
    assert "targets name 'Iran' twice ('Iran' and 'IRAN')" in rows["dup"]["error"]["message"]


def test_duplicate_default_targets_stop_the_batch_before_it_starts(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(row("a") + "\n")
    with pytest.raises(InputError, match="twice"):
        rows_of(tmp_path, [src], default_targets=("Iran", "iran"))
    assert not (tmp_path / "out.jsonl").exists()
    assert normalize_targets(["Iran", "Syria"]) == ("Iran", "Syria")
