"""Everything that turns files, folders, JSONL rows, stdin and HTML into `Article`s."""

from ..lines import split_lines
from .article import DEFAULT_MAX_INPUT_CHARS, Article, normalize_targets, sha256_text
from .files import HTML_SUFFIXES, load_article, read_stdin_article
from .html import article_from_html
from .stream import InputItem, check_inputs, items_from_objects, iter_inputs

__all__ = [
    "DEFAULT_MAX_INPUT_CHARS",
    "HTML_SUFFIXES",
    "Article",
    "InputItem",
    "article_from_html",
    "check_inputs",
    "items_from_objects",
    "iter_inputs",
    "load_article",
    "normalize_targets",
    "read_stdin_article",
    "sha256_text",
    "split_lines",
]
