"""Everything that turns files, folders, JSONL rows, stdin and HTML into `Article`s."""

from ..lines import split_lines
from .article import DEFAULT_MAX_INPUT_CHARS, Article, normalize_targets, sha256_text
from .files import HTML_SUFFIXES, load_article, read_stdin_article
from .html import article_from_html
from .stream import InputItem, check_inputs, items_from_objects, iter_inputs, resolve_urls
from .url import Fetcher, FetchOptions, Page, article_from_page, is_url

__all__ = [
    "DEFAULT_MAX_INPUT_CHARS",
    "HTML_SUFFIXES",
    "Article",
    "FetchOptions",
    "Fetcher",
    "InputItem",
    "Page",
    "article_from_html",
    "article_from_page",
    "check_inputs",
    "is_url",
    "items_from_objects",
    "iter_inputs",
    "load_article",
    "normalize_targets",
    "read_stdin_article",
    "resolve_urls",
    "sha256_text",
    "split_lines",
]
