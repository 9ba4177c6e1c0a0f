from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.errors import InputError
from summarizer.inputs import Article, load_article, normalize_targets, split_lines
from summarizer.inputs.article import decode_bytes


def test_lines_split_only_on_real_line_breaks() -> None:
    assert split_lines("a\r\nb\rc\nd\u2028e\x0cf") == ["a", "b", "c", "d\u2028e\x0cf"]


@pytest.mark.parametrize("text", ["", "   \n\t  \n", "\n\n"])
def test_empty_text_is_refused_clearly(text: str) -> None:
    with pytest.raises(InputError, match="empty"):
        Article.create(text)


def test_binary_text_is_refused() -> None:
    with pytest.raises(InputError, match="binary"):
        Article.create("PK\x03\x04\x00\x00" + "x" * 50)
    with pytest.raises(InputError, match="binary"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_oversized_text_is_refused_with_the_limit() -> None:
    with pytest.raises(InputError, match="over the limit"):
        Article.create("word " * 2000, max_chars=5000)


def test_non_utf8_bytes_decode_with_a_note() -> None:
    text, note = decode_bytes("Café société – naïve résumé".encode("cp1252"))
    assert "Caf" in text and note is not None and "not valid UTF-8" in note
    text, note = decode_bytes("plain ünïcode".encode())
    assert note is None and text == "plain ünïcode"


def test_targets_are_stripped_and_checked_and_duplicates_refused() -> None:
    assert normalize_targets([" Iran ", "Bashar  al-Assad"]) == ("Iran", "Bashar al-Assad")
    # Issue 12: duplicates were merged silently (fewer stances than names asked for).
    with pytest.raises(InputError, match=r"targets name 'Iran' twice \('Iran' and 'iran'\)"):
        normalize_targets([" Iran ", "iran", "Bashar  al-Assad"])
    with pytest.raises(InputError, match=r"targets name 'Iran' twice; give each target once"):
        normalize_targets(["Iran", "Iran"])
    with pytest.raises(InputError, match="empty"):
        normalize_targets(["Iran", "  "])
    with pytest.raises(InputError, match="list of names"):
        normalize_targets("Iran")


def test_id_defaults_to_a_hash_and_file_id_to_the_stem(tmp_path: Path) -> None:
    article = Article.create("Some news. More news.")
    assert len(article.id) == 16 and article.sha256.startswith(article.id)
    path = tmp_path / "story-1.txt"
    path.write_bytes(b"Latin-1 caf\xe9 news story with enough words.")
    loaded = load_article(path)
    assert loaded.id == "story-1"
    assert loaded.input_notes and "not valid UTF-8" in loaded.input_notes[0]


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_article(tmp_path / "nope.txt")
