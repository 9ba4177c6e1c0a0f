"""Reading one article from a file or stdin: text, Markdown, and HTML (through trafilatura)."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError
from .article import DEFAULT_MAX_INPUT_CHARS, Article, decode_bytes
from .html import article_from_html, html_byte_limit

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
    is_html = path.suffix.lower() in HTML_SUFFIXES
    # Refuse absurd files before reading them: 4 bytes per character is UTF-8's worst case
    # (markup is bulkier: HTML gets the limit article_from_html applies).
    limit = html_byte_limit(max_chars) if is_html else 4 * max_chars
    data = read_limited(path, limit, article_id=article_id)
    if is_html:
        return article_from_html(data, article_id=article_id, targets=targets, max_chars=max_chars)
    text, note = decode_bytes(data, article_id=article_id)
    return Article.create(
        text,
        id=article_id,
        targets=targets,
        max_chars=max_chars,
        input_notes=(note,) if note else (),
    )


def read_limited(path: Path, limit: int, *, article_id: str | None = None) -> bytes:
    """The bytes of a file, refusing one over `limit` bytes before reading it into memory.

    A regular file's size is checked first; a pipe or device (`<(curl ...)`, /dev/stdin) is
    read up to one byte past the limit, so /dev/zero cannot exhaust memory.
    """
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISREG(info.st_mode) and info.st_size > limit:
                size = info.st_size
            else:
                data = handle.read(limit + 1)
                size = len(data)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(f"cannot read {path}: {reason}", article_id=article_id) from None
    if size > limit:
        raise InputError(
            f"{path} is {size:,}{'+' if size == limit + 1 else ''} bytes, over the input limit "
            f"of {limit:,}",
            article_id=article_id,
        )
    return data


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
