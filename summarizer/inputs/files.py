"""Reading one article from a file or stdin: text, Markdown, and HTML (through trafilatura)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError
from .article import DEFAULT_MAX_INPUT_CHARS, Article, decode_bytes
from .html import article_from_html

# Files read as HTML; every other file is read as text.
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})


def load_article(
    path: Path,
    *,
    targets: Sequence[str] | None = None,
    max_chars: int = DEFAULT_MAX_INPUT_CHARS,
    article_id: str | None = None,
) -> Article:
    """Read one article file; the id defaults to the file name without its suffix."""
    article_id = article_id or path.stem
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}", article_id=article_id) from None
    # Refuse absurd files before decoding them: 4 bytes per character is UTF-8's worst case.
    if len(data) > 4 * max_chars:
        raise InputError(
            f"{path} is {len(data):,} bytes, over the input limit", article_id=article_id
        )
    if path.suffix.lower() in HTML_SUFFIXES:
        return article_from_html(data, article_id=article_id, targets=targets, max_chars=max_chars)
    text, note = decode_bytes(data, article_id=article_id)
    return Article.create(
        text,
        id=article_id,
        targets=targets,
        max_chars=max_chars,
        input_notes=(note,) if note else (),
    )


def read_stdin_article(
    *, targets: Sequence[str] | None = None, max_chars: int = DEFAULT_MAX_INPUT_CHARS
) -> Article:
    """Read one article from standard input (bytes, so bad encodings are caught, not crashed on)."""
    data = sys.stdin.buffer.read(4 * max_chars + 1)
    if len(data) > 4 * max_chars:
        raise InputError("standard input is over the input limit", article_id="stdin")
    text, note = decode_bytes(data, article_id="stdin")
    return Article.create(
        text, targets=targets, max_chars=max_chars, input_notes=(note,) if note else ()
    )
