"""HTML input: the page's visible text, one block per line, and trafilatura's view of the article.

`article_from_html` returns an Article whose `text` is *all* visible text of the page (so
every flag can point at a line of it) and whose `main_lines` are the lines trafilatura's
extraction kept. The quality detectors then explain every line that is left out.
"""

from __future__ import annotations

import bisect
import copy
import re
from collections.abc import Sequence
from typing import Any

import trafilatura
from trafilatura.utils import decode_file, load_html

from ..errors import InputError
from ..metadata import extract_from_tree
from .article import DEFAULT_MAX_INPUT_CHARS, Article, decode_labelled

# An lxml.html element; typed loosely so that no lxml stubs are needed.
HtmlElement = Any

# Elements whose content is never rendered as page text.
_SKIP_TAGS = frozenset(
    {
        "head", "title", "script", "style", "noscript", "template", "meta", "link", "base",
        "svg", "math", "iframe", "object", "embed", "canvas", "audio", "video", "source",
        "track", "map", "select", "option", "optgroup", "datalist", "textarea", "input",
        "img", "picture", "param", "frame", "frameset",
    }
)  # fmt: skip
# Elements that start a new line of visible text; everything else flows inline.
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
        "html", "legend", "li", "main", "menu", "nav", "noframes", "ol", "p", "pre",
        "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
        "button", "label",
    }
)  # fmt: skip
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
# Control characters other than tab / newline: never part of visible text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAG = re.compile(r"<\s*[a-zA-Z!/?]")
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I
)
_TOKEN = re.compile(r"\w+")
# Anchor length for aligning extracted text with the visible text, in word tokens.
_ANCHOR = 5
# A visible line is "main" when at least this share of its word tokens were aligned.
_MAIN_SHARE = 0.5
# Raw HTML above this multiple of max_chars is refused before parsing: 10 MB at the default
# 2M-character limit, nine times the largest of the 45 devset pages (1.1 MB; median 122 KB).
# Issue 12: a 20 MB row, then accepted (the factor was 100), took 28 s and 863 MB of parsing,
# extraction and alignment before its text was found to be over the limit.
_MAX_HTML_FACTOR = 5
# libxml2's HTML parser stops descending at this depth; text nested deeper is never seen.
_PARSER_MAX_DEPTH = 255
_ANY_TAG = re.compile(r"<[^<>]{0,2000}>")


def decode_html(data: bytes, *, article_id: str | None = None) -> tuple[str, str | None]:
    """Decode HTML bytes: UTF-8, else the declared charset, else detection; bad bytes never raise.

    Returns the text and, when the page was not clean UTF-8, a note saying how it was decoded.
    """
    got = decode_labelled(data, article_id=article_id, what="HTML input")
    if isinstance(got, str):
        return got, None
    first_bad = got
    declared = _META_CHARSET.search(data[:8192])
    if declared:
        name = declared.group(1).decode("ascii", "replace")
        try:
            text = data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            return (
                text,
                f"input is not valid UTF-8 (byte {first_bad}); decoded as {name} (declared)",
            )
    text = decode_file(data)  # trafilatura's charset detection, with a lossy fallback
    if "\ufffd" in text:
        note = (
            f"input is not valid UTF-8 (byte {first_bad}); undecodable bytes replaced with U+FFFD"
        )
    else:
        note = f"input is not valid UTF-8 (byte {first_bad}); decoded by charset detection"
    return text, note


def _parse(html: str, *, article_id: str | None = None) -> HtmlElement:
    """Parse HTML text into an lxml tree, or raise InputError when it is not HTML."""
    if not html.strip():
        raise InputError("HTML input is empty", article_id=article_id)
    if not _TAG.search(html[:100_000]):
        raise InputError("input has no HTML markup (no tags found)", article_id=article_id)
    html = _CONTROL.sub("", html)
    tree = load_html(html)
    if tree is None:
        # trafilatura refuses fragments without an <html> tag; wrap and retry.
        tree = load_html(f"<html><body>{html}</body></html>")
    if tree is None:
        raise InputError("input could not be parsed as HTML", article_id=article_id)
    return tree


def html_byte_limit(max_chars: int) -> int:
    """The most bytes (or characters) of raw HTML read for an article of max_chars."""
    return _MAX_HTML_FACTOR * max_chars


def _depth(root: HtmlElement) -> int:
    """How deep the element tree goes (iteratively: the tree may be hundreds deep)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(root, 1)]
    while stack:
        el, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in el)
    return deepest


def _no_text_error(html: str, tree: HtmlElement, article_id: str | None) -> InputError:
    """Why a page gave no visible text: really none, or text the parser never reached."""
    outside_tags = _ANY_TAG.sub(" ", html[:1_000_000])
    if outside_tags.strip() and _depth(tree) >= _PARSER_MAX_DEPTH:
        return InputError(
            "HTML page nests elements deeper than the parser's limit of "
            f"{_PARSER_MAX_DEPTH} levels and all of its text lies below that depth, where "
            "it cannot be read (no visible text was found above it)",
            article_id=article_id,
        )
    return InputError("HTML page has no visible text", article_id=article_id)


def _hidden(el: HtmlElement) -> bool:
    """True for elements the page hides from readers."""
    attrib = el.attrib
    # aria-hidden is not enough: it marks decorative parts that are still on screen.
    if "hidden" in attrib:
        return True
    style = attrib.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _tag_name(el: Any) -> str | None:
    """Lowercase tag name without namespace; None for comments and processing instructions."""
    tag = el.tag
    if not isinstance(tag, str):
        return None
    if tag[:1] == "{":
        tag = tag.rpartition("}")[2]
    return tag.lower()


def _render_lines(root: HtmlElement) -> list[str]:
    """All visible text under root, one block per line, whitespace collapsed, no blank lines."""
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            line = _SPACE.sub(" ", "".join(buf)).strip()
            buf.clear()
            if line:
                lines.append(line)

    # An explicit stack instead of recursion: hostile pages nest thousands of levels deep.
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        el, closing = stack.pop()
        tag = _tag_name(el)
        if closing:
            if tag in _BLOCK_TAGS:
                flush()
            if el.tail and el is not root:
                buf.append(el.tail)
            continue
        if tag is None or tag in _SKIP_TAGS or _hidden(el):
            if el.tail and el is not root:
                buf.append(el.tail)
            continue
        if tag == "br":
            flush()
            if el.tail:
                buf.append(el.tail)
            continue
        if tag == "pre":
            # Preformatted text keeps its own line breaks.
            flush()
            for raw in "".join(el.itertext()).splitlines():
                buf.append(raw)
                flush()
            if el.tail:
                buf.append(el.tail)
            continue
        if tag in _BLOCK_TAGS:
            flush()
        if el.text:
            buf.append(el.text)
        stack.append((el, True))
        stack.extend((child, False) for child in reversed(el))
    flush()
    return lines


def visible_text(html: str | bytes) -> str:
    """All visible text of an HTML page, one block per line (no scripts, styles, hidden parts)."""
    text = decode_html(html)[0] if isinstance(html, bytes) else html
    return "\n".join(_render_lines(_parse(text)))


def _align_main_lines(lines: Sequence[str], extracted: str) -> list[int]:
    """1-based lines of `lines` whose words trafilatura's extracted text contains, in order.

    Both sides are reduced to lowercase word tokens, so whitespace, list dashes and table
    pipes added by the extractor do not matter. Runs of extracted tokens are anchored on
    5-token shingles found in the visible text (the first occurrence after the previous
    match, so repeated phrases map in reading order) and then extended token by token. A
    visible line is main when at least half of its tokens were matched.
    """
    vis_tokens: list[str] = []
    vis_line: list[int] = []
    for n, line in enumerate(lines, start=1):
        for tok in _TOKEN.findall(line.lower()):
            vis_tokens.append(tok)
            vis_line.append(n)
    ext = _TOKEN.findall(extracted.lower())
    if not vis_tokens or not ext:
        return []
    k = min(_ANCHOR, len(ext))
    index: dict[tuple[str, ...], list[int]] = {}
    for p in range(len(vis_tokens) - k + 1):
        index.setdefault(tuple(vis_tokens[p : p + k]), []).append(p)
    covered = [False] * len(vis_tokens)
    cursor = 0
    i = 0
    while i <= len(ext) - k:
        positions = index.get(tuple(ext[i : i + k]))
        if not positions:
            i += 1
            continue
        j = bisect.bisect_left(positions, cursor)
        p = positions[j] if j < len(positions) else positions[0]
        length = k
        while (
            i + length < len(ext)
            and p + length < len(vis_tokens)
            and ext[i + length] == vis_tokens[p + length]
        ):
            length += 1
        for q in range(p, p + length):
            covered[q] = True
        cursor = p + length
        i += length
    total: dict[int, int] = {}
    hit: dict[int, int] = {}
    for q, n in enumerate(vis_line):
        total[n] = total.get(n, 0) + 1
        if covered[q]:
            hit[n] = hit.get(n, 0) + 1
    return [n for n in sorted(total) if hit.get(n, 0) >= _MAIN_SHARE * total[n]]


def _metadata(doc: Any) -> dict[str, str]:
    """The string metadata trafilatura found (title, author, date, url, sitename, ...)."""
    out: dict[str, str] = {}
    for key in (
        "title",
        "author",
        "date",
        "url",
        "sitename",
        "hostname",
        "description",
        "language",
    ):
        value = getattr(doc, key, None)
        if isinstance(value, str) and value.strip():
            out[key] = " ".join(value.split())
    for key in ("categories", "tags"):
        values = getattr(doc, key, None)
        if values:
            out[key] = ", ".join(str(v) for v in values)
    return out


def article_from_html(
    data: bytes | str,
    *,
    article_id: str | None = None,
    url: str | None = None,
    title: str | None = None,
    targets: Sequence[str] | None = None,
    max_chars: int = DEFAULT_MAX_INPUT_CHARS,
) -> Article:
    """Build an Article from HTML: visible text as `text`, trafilatura's article as `main_lines`.

    Title, author, date, url and site name come from trafilatura's metadata unless given.
    Raises InputError for empty, binary or non-HTML input, or a page with no visible text.
    """
    notes: list[str] = []
    limit = html_byte_limit(max_chars)
    if isinstance(data, bytes):
        if len(data) > limit:
            raise InputError(
                f"HTML input is {len(data):,} bytes, over the limit of {limit:,} "
                f"({_MAX_HTML_FACTOR} x max_input_chars)",
                article_id=article_id,
            )
        text, note = decode_html(data, article_id=article_id)
        if note:
            notes.append(note)
    elif isinstance(data, str):
        if len(data) > limit:
            raise InputError(
                f"HTML input is {len(data):,} characters, over the limit of {limit:,} "
                f"({_MAX_HTML_FACTOR} x max_input_chars)",
                article_id=article_id,
            )
        text = data
    else:
        raise InputError(
            f"HTML must be bytes or str, got {type(data).__name__}", article_id=article_id
        )
    tree = _parse(text, article_id=article_id)
    lines = _render_lines(tree)
    if not lines:
        raise _no_text_error(text, tree, article_id)
    visible = sum(len(line) + 1 for line in lines) - 1
    if visible > max_chars:  # before extraction and alignment, the slow part (seconds per MB)
        raise InputError(
            f"the page's visible text is {visible:,} characters, over the limit of "
            f"{max_chars:,} (raise max_input_chars to allow it)",
            article_id=article_id,
        )

    # A deep copy: trafilatura prunes the tree it is given, and the tree is cheap to copy.
    doc = trafilatura.bare_extraction(
        copy.deepcopy(tree),
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        deduplicate=False,
    )
    meta = _metadata(doc) if doc is not None else {}
    extracted = getattr(doc, "text", None) or ""
    main: list[int] | None = _align_main_lines(lines, extracted) if extracted.strip() else []
    if not main:
        # Without trafilatura's judgement, fall back to the plain-text detectors on every line
        # rather than dropping the whole page.
        main = None
        notes.append(
            "html: trafilatura found no main text in the page; all visible text was kept "
            "and only the plain-text detectors applied"
        )
    return Article.create(
        "\n".join(lines),
        id=article_id,
        title=title or meta.get("title"),
        url=url or meta.get("url"),
        targets=targets,
        max_chars=max_chars,
        input_notes=notes,
        main_lines=main,
        source=extract_from_tree(tree, url=url, document=doc),
    )
