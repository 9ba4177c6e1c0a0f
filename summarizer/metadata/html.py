"""Source metadata from an HTML page: JSON-LD, OpenGraph / article:* meta, htmldate, trafilatura.

Order of trust, per field (the first source that has a usable value wins):

- authors: JSON-LD author (Person names; an Organization that is a news agency becomes an
  agency, any other Organization is dropped), then meta author / article:author /
  parsely-author / dc.creator (URLs dropped), then trafilatura's author. Names go through
  the byline parser, so "Troy L. Smith, Cleveland.com" gives "Troy L. Smith" and an
  author "Reuters" gives the agency Reuters.
- published / updated: JSON-LD datePublished / dateModified, then article:published_time /
  article:modified_time / og:updated_time and the usual date metas, then htmldate (its
  original and its last-modified date). Placeholder dates ("0001-01-01", found on 2 of the
  10 devset pages) are dropped.
- publisher: JSON-LD publisher name, then dc.publisher. site_name: og:site_name (a URL
  there becomes its host name), then trafilatura's sitename.
- url: the caller's URL, then og:url. canonical_url: link rel=canonical, then JSON-LD
  url / mainEntityOfPage, then og:url.
- section: article:section, JSON-LD articleSection, parsely-section, then the JSON-LD
  breadcrumb's last level above the article. tags: article:tag, JSON-LD keywords,
  parsely-tags (never meta keywords, which are SEO lists rather than the page's tags).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import htmldate
from trafilatura.metadata import extract_metadata
from trafilatura.utils import load_html

from ..schemas.source import MetaOrigin, SourcedDate, SourcedValue, SourceMetadata
from .agencies import agency_name
from .bylines import parse_byline
from .dates import normalize_iso

HtmlElement = Any

_ARTICLE_TYPES = frozenset(
    {
        "newsarticle",
        "article",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "report",
        "scholarlyarticle",
        "techarticle",
    }
)
_PUBLISHED_METAS = (
    "article:published_time",
    "og:published_time",
    "published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "sailthru.date",
    "parsely-pub-date",
    "date",
)
_UPDATED_METAS = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "lastmod",
    "last-modified",
    "dcterms.modified",
)
_AUTHOR_METAS = ("author", "article:author", "parsely-author", "dc.creator", "sailthru.author")
_BYL_META = "byl"
_MAX_AUTHORS = 12


def _text(v: Any) -> str:
    """A JSON-LD value as one clean string ("" for anything that is not text)."""
    if isinstance(v, str):
        return " ".join(v.split())
    if isinstance(v, dict):
        return _text(v.get("name") or v.get("@id") or "")
    if isinstance(v, list) and v:
        return _text(v[0])
    return ""


def _value(value: str, origin: MetaOrigin) -> SourcedValue:
    return SourcedValue.model_validate({"value": value, "from": origin})


def _date(value: str, origin: MetaOrigin) -> SourcedDate:
    return SourcedDate.model_validate({"value": value, "from": origin})


def _is_url(s: str) -> bool:
    return s.startswith(("http://", "https://", "//", "www."))


# ---- JSON-LD --------------------------------------------------------------------------


def _json_objects(raw: str) -> Iterator[Any]:
    """Every JSON value in a script body: pages concatenate objects and append comments."""
    raw = raw.strip()
    for wrapper in ("<!--", "-->", "//<![CDATA[", "//]]>", "<![CDATA[", "]]>"):
        raw = raw.replace(wrapper, " ")
    decoder = json.JSONDecoder()
    pos = 0
    n = len(raw)
    while pos < n:
        while pos < n and raw[pos] not in "{[":
            pos += 1
        if pos >= n:
            return
        try:
            value, end = decoder.raw_decode(raw, pos)
        except ValueError:
            # Control characters inside strings are common; one lenient retry.
            try:
                value = json.loads(raw[pos:], strict=False)
            except ValueError:
                return
            yield value
            return
        yield value
        pos = end


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON-LD node: lists, @graph and nested mainEntity unrolled."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, list):
            stack.extend(reversed(v))
        elif isinstance(v, dict):
            yield v
            for key in ("@graph", "mainEntity"):
                if key in v:
                    stack.append(v[key])


def _types(node: dict[str, Any]) -> set[str]:
    t = node.get("@type")
    values = t if isinstance(t, list) else [t]
    return {v.lower().rsplit("/", 1)[-1] for v in values if isinstance(v, str)}


def jsonld_nodes(tree: HtmlElement) -> list[dict[str, Any]]:
    """All JSON-LD nodes of the page, in document order."""
    nodes: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        kind = (script.get("type") or "").lower()
        if "ld+json" not in kind or not script.text:
            continue
        for value in _json_objects(script.text):
            nodes.extend(_walk(value))
    return nodes


def _article_node(nodes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The NewsArticle (or Article, BlogPosting, ...) node; the first with the most fields."""
    best = None
    best_score = 0
    for node in nodes:
        if not _types(node) & _ARTICLE_TYPES:
            continue
        score = 1 + sum(
            1 for k in ("headline", "datePublished", "author", "publisher") if node.get(k)
        )
        if score > best_score:
            best, best_score = node, score
    return best


# ---- meta tags ------------------------------------------------------------------------


def meta_tags(tree: HtmlElement) -> dict[str, list[str]]:
    """meta property/name/itemprop -> contents (lowercase keys, document order)."""
    out: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop")
        content = el.get("content")
        if not key or content is None:
            continue
        content = " ".join(content.split())
        if content:
            out.setdefault(key.strip().lower(), []).append(content)
    return out


def _canonical_link(tree: HtmlElement) -> str | None:
    for el in tree.iter("link"):
        rel = (el.get("rel") or "").lower().split()
        href = (el.get("href") or "").strip()
        if "canonical" in rel and href.startswith(("http://", "https://")):
            return href
    return None


# ---- fields ---------------------------------------------------------------------------


class _Names:
    """Authors and agencies from author fields, each kept once."""

    def __init__(self) -> None:
        self.authors: list[SourcedValue] = []
        self.agencies: list[SourcedValue] = []
        self._seen: set[str] = set()

    def add(self, raw: str, origin: MetaOrigin, *, organization: bool = False) -> None:
        raw = raw.strip()
        if not raw or _is_url(raw) or len(self.authors) >= _MAX_AUTHORS:
            return
        agency = agency_name(raw)
        if agency:
            self._agency(agency, origin)
            return
        if organization:
            return
        byline = parse_byline(raw if raw.lower().startswith("by ") else f"By {raw}", trusted=True)
        if byline is None:
            return
        for name in byline.authors:
            if name.casefold() not in self._seen:
                self._seen.add(name.casefold())
                self.authors.append(_value(name, origin))
        for agency in byline.agencies:
            self._agency(agency, origin)

    def _agency(self, name: str, origin: MetaOrigin) -> None:
        if name not in self._seen:
            self._seen.add(name)
            self.agencies.append(_value(name, origin))


def _jsonld_authors(node: dict[str, Any], names: _Names) -> None:
    authors = node.get("author") or node.get("creator")
    for a in authors if isinstance(authors, list) else [authors]:
        if isinstance(a, str):
            names.add(a, MetaOrigin.html_jsonld)
        elif isinstance(a, dict):
            organization = "organization" in _types(a) or "newsmediaorganization" in _types(a)
            name = a.get("name")
            for n in name if isinstance(name, list) else [name]:
                if isinstance(n, str):
                    names.add(n, MetaOrigin.html_jsonld, organization=organization)


def _keywords(v: Any) -> list[str]:
    if isinstance(v, str):
        return [k.strip() for k in v.split(",") if k.strip()]
    if isinstance(v, list):
        return [k for item in v for k in _keywords(item)]
    return []


def _tags(values: list[str]) -> list[str]:
    """Tags split at commas, each kept once (case-insensitively), in order."""
    out: list[str] = []
    seen: set[str] = set()
    for v in values:
        for tag in v.split(","):
            tag = " ".join(tag.split())
            if tag and tag.casefold() not in seen:
                seen.add(tag.casefold())
                out.append(tag)
    return out


def _site_name(raw: str) -> str:
    """og:site_name as a name: a URL there becomes its host ("hawaiinewsnow.com")."""
    if _is_url(raw):
        host = urlsplit(raw if "//" in raw else f"//{raw}").hostname or raw
        return host.removeprefix("www.")
    return raw


def _breadcrumb_section(nodes: list[dict[str, Any]]) -> str | None:
    """The last breadcrumb level above the article ("World news" in RT > World news > ...)."""
    for node in nodes:
        if "breadcrumblist" not in _types(node):
            continue
        items = node.get("itemListElement")
        if not isinstance(items, list):
            continue
        names = [_text(i.get("name") or i.get("item")) for i in items if isinstance(i, dict)]
        names = [n for n in names if n and not _is_url(n)]
        if len(names) >= 3:
            return names[-2]
    return None


def _htmldate(tree: HtmlElement, url: str | None) -> tuple[str | None, str | None]:
    """htmldate's (original, last-modified) dates, normalised; None where it finds none."""
    out: list[str | None] = []
    for original in (True, False):
        try:
            found = htmldate.find_date(
                copy.deepcopy(tree),
                url=url,
                original_date=original,
                outputformat="%Y-%m-%dT%H:%M:%S%z",
            )
        except Exception:  # htmldate raises on odd markup; a missing date is the answer
            found = None
        value = normalize_iso(found) if isinstance(found, str) else None
        if value is not None and value.endswith("T00:00:00"):
            # htmldate pads a bare date with midnight; say only what the page said.
            value = value[:10]
        out.append(value)
    return out[0], out[1]


def extract_from_tree(
    tree: HtmlElement, *, url: str | None = None, document: Any = None
) -> SourceMetadata:
    """Source metadata of a parsed page (an lxml tree, as summarizer.inputs.html parses it).

    `document` is trafilatura's bare_extraction result for the page when the caller has
    one (its author and sitename are the last fallbacks); without it trafilatura's
    extract_metadata is run here on a copy of the tree.
    """
    nodes = jsonld_nodes(tree)
    article = _article_node(nodes) or {}
    metas = meta_tags(tree)

    def meta(*keys: str) -> str | None:
        for key in keys:
            for v in metas.get(key, []):
                if v.strip():
                    return v.strip()
        return None

    if document is None:
        document = _trafilatura_metadata(tree, url)

    names = _Names()
    _jsonld_authors(article, names)
    if not names.authors:
        for key in _AUTHOR_METAS:
            for v in metas.get(key, []):
                names.add(v, MetaOrigin.html_meta)
        byl = meta(_BYL_META)
        if byl:
            names.add(byl, MetaOrigin.html_meta)
    traf_author = getattr(document, "author", None)
    if not names.authors and not names.agencies and isinstance(traf_author, str):
        for part in traf_author.split(";"):
            names.add(part, MetaOrigin.trafilatura)

    published = _first_date(
        (_text(article.get("datePublished")), MetaOrigin.html_jsonld),
        (meta(*_PUBLISHED_METAS) or "", MetaOrigin.html_meta),
    )
    updated = _first_date(
        (_text(article.get("dateModified")), MetaOrigin.html_jsonld),
        (meta(*_UPDATED_METAS) or "", MetaOrigin.html_meta),
    )
    if published is None or updated is None:
        original, modified = _htmldate(tree, url)
        if published is None and original:
            published = _date(original, MetaOrigin.htmldate)
        if updated is None and modified:
            updated = _date(modified, MetaOrigin.htmldate)

    publisher = None
    pub = _text(article.get("publisher")) or meta("dc.publisher", "dcterms.publisher") or ""
    if pub and not _is_url(pub):
        origin = MetaOrigin.html_jsonld if article.get("publisher") else MetaOrigin.html_meta
        publisher = _value(pub, origin)

    site_name = None
    site = meta("og:site_name")
    if site:
        site_name = _value(_site_name(site), MetaOrigin.html_meta)
    elif isinstance(getattr(document, "sitename", None), str) and document.sitename.strip():
        site_name = _value(_site_name(document.sitename.strip()), MetaOrigin.trafilatura)

    page_url = None
    if url:
        page_url = _value(url, MetaOrigin.caller)
    elif meta("og:url") and _is_url(meta("og:url") or ""):
        page_url = _value(meta("og:url") or "", MetaOrigin.html_meta)

    canonical_url = None
    canon = _canonical_link(tree)
    ld_url = _text(article.get("url")) or _text(article.get("mainEntityOfPage"))
    if canon:
        canonical_url = _value(canon, MetaOrigin.html_meta)
    elif ld_url.startswith(("http://", "https://")):
        canonical_url = _value(ld_url, MetaOrigin.html_jsonld)
    elif (meta("og:url") or "").startswith(("http://", "https://")):
        canonical_url = _value(meta("og:url") or "", MetaOrigin.html_meta)

    section = None
    if meta("article:section"):
        section = _value(meta("article:section") or "", MetaOrigin.html_meta)
    elif _text(article.get("articleSection")):
        section = _value(_text(article.get("articleSection")), MetaOrigin.html_jsonld)
    elif meta("parsely-section"):
        section = _value(meta("parsely-section") or "", MetaOrigin.html_meta)
    else:
        crumb = _breadcrumb_section(nodes)
        if crumb:
            section = _value(crumb, MetaOrigin.html_jsonld)

    tags: list[SourcedValue] = []
    if metas.get("article:tag"):
        tags = [_value(t, MetaOrigin.html_meta) for t in _tags(metas["article:tag"])]
    elif _keywords(article.get("keywords")):
        tags = [
            _value(t, MetaOrigin.html_jsonld) for t in _tags(_keywords(article.get("keywords")))
        ]
    elif metas.get("parsely-tags"):
        tags = [_value(t, MetaOrigin.html_meta) for t in _tags(metas["parsely-tags"])]

    return SourceMetadata(
        authors=names.authors,
        published=published,
        updated=updated,
        publisher=publisher,
        site_name=site_name,
        url=page_url,
        canonical_url=canonical_url,
        agencies=names.agencies,
        section=section,
        tags=tags,
    )


def _first_date(*candidates: tuple[str, MetaOrigin]) -> SourcedDate | None:
    for raw, origin in candidates:
        value = normalize_iso(raw) if raw else None
        if value:
            return _date(value, origin)
    return None


def _trafilatura_metadata(tree: HtmlElement, url: str | None) -> Any:
    """trafilatura's metadata for the page (None when it fails)."""
    try:
        return extract_metadata(copy.deepcopy(tree), default_url=url)
    except Exception:  # trafilatura's heuristics raise on odd pages; metadata is optional
        return None


def extract_from_html(html: str, url: str | None = None) -> SourceMetadata:
    """Source metadata of an HTML page given as text (see extract_from_tree)."""
    tree = load_html(html)
    if tree is None:
        tree = load_html(f"<html><body>{html}</body></html>")
    if tree is None:
        return SourceMetadata()
    return extract_from_tree(tree, url=url)
