"""One SourceMetadata from the page's markup and its text.

The rule, field by field:

- published / updated: the markup's own statement (JSON-LD, meta tags) beats a date line
  in the text, which beats htmldate's and trafilatura's heuristics (on 2 of the 10 devset
  pages htmldate, given no URL, took a date from an image path: a day off).
- authors: the markup's bylines (JSON-LD, meta tags) when it has any, else the text's,
  else trafilatura's guess. A name that a generated author block introduces is never an
  author, wherever it came from.
- agencies: both, markup first, each once.
- publisher: the markup's, else the text's copyright line. dateline: the text's.
- site_name, url, canonical_url, section, tags: the markup's (text has none of them).
- Every markup value that also stands in the text gets that text line (a byline, a date
  line on the same day), so the record can point at it; its `from` stays the markup's.
- updated is the first candidate (same order as published) that is at least a minute after
  published: pages stamp both on first publication, and some stamp a "modified" time
  before the published one.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TypeVar

from ..quality.names import fold
from ..schemas.source import MetaOrigin, SourcedDate, SourcedValue, SourceMetadata
from .dates import instant

_STRUCTURED = frozenset({MetaOrigin.html_jsonld, MetaOrigin.html_meta, MetaOrigin.caller})
_MIN_UPDATE = timedelta(minutes=1)


def _key(name: str) -> str:
    return fold(name)


_V = TypeVar("_V", bound=SourcedValue)


def _with_line(v: _V, line: int | None) -> _V:
    if line is None or v.line is not None:
        return v
    return v.model_copy(update={"line": line})


def _same_day(a: SourcedDate, b: SourcedDate) -> bool:
    """Same calendar day, in b's time zone when both carry one."""
    ia, ib = instant(a.value), instant(b.value)
    if ia is not None and ib is not None and ia.tzinfo is not None and ib.tzinfo is not None:
        return ia.astimezone(ib.tzinfo).date() == ib.date()
    return a.value[:10] == b.value[:10]


def _candidates(html: SourcedDate | None, text: SourcedDate | None) -> list[SourcedDate]:
    """Dates in order of trust: the markup's own, the text's, then the heuristics'."""
    out: list[SourcedDate] = []
    if html is not None and html.from_ in _STRUCTURED:
        out.append(_with_line(html, text.line if text and _same_day(html, text) else None))
    if text is not None:
        out.append(text)
    if html is not None and html.from_ not in _STRUCTURED:
        out.append(html)
    return out


def later_than(updated: SourcedDate | None, published: SourcedDate | None) -> bool:
    """Is updated at least a minute after published (or on a later day, date-only)?"""
    if updated is None:
        return False
    if published is None:
        return True
    a, b = instant(updated.value), instant(published.value)
    if a is not None and b is not None and (a.tzinfo is None) == (b.tzinfo is None):
        return a - b >= _MIN_UPDATE
    return updated.value[:10] > published.value[:10]


def merge(html: SourceMetadata, text: SourceMetadata) -> SourceMetadata:
    """The page's metadata from its markup (html) and its visible text (text)."""
    fake = {_key(f.value) for f in text.fake_authors}
    text_lines = {_key(a.value): a.line for a in text.authors}
    structured = [a for a in html.authors if a.from_ in _STRUCTURED]
    if structured:
        authors = [_with_line(a, text_lines.get(_key(a.value))) for a in structured]
    elif text.authors:
        authors = list(text.authors)
    else:
        authors = [_with_line(a, text_lines.get(_key(a.value))) for a in html.authors]
    authors = [a for a in authors if _key(a.value) not in fake]

    agencies: list[SourcedValue] = []
    text_agency_lines = {a.value: a.line for a in text.agencies}
    for a in [*html.agencies, *text.agencies]:
        if all(a.value != b.value for b in agencies):
            agencies.append(_with_line(a, text_agency_lines.get(a.value)))

    found = _candidates(html.published, text.published)
    published = found[0] if found else None
    updated = next(
        (u for u in _candidates(html.updated, text.updated) if later_than(u, published)), None
    )

    return SourceMetadata(
        authors=authors,
        fake_authors=list(text.fake_authors),
        published=published,
        updated=updated,
        publisher=html.publisher or text.publisher,
        site_name=html.site_name or text.site_name,
        url=html.url or text.url,
        canonical_url=html.canonical_url or text.canonical_url,
        agencies=agencies,
        dateline=text.dateline or html.dateline,
        section=html.section or text.section,
        tags=list(html.tags or text.tags),
    )
