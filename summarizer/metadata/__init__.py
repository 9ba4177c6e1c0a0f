"""Source metadata: bylines, dates, publisher, URLs, agencies, section and tags of a page.

    from summarizer.metadata import extract_from_text, extract_from_html, merge
    text_meta = extract_from_text(lines, flags=report.flags)     # plain text (line-addressed)
    html_meta = extract_from_html(html, url)                     # JSON-LD, meta tags, htmldate
    meta = merge(html_meta, text_meta)                           # see merge.py for the rule

Every value carries where it came from (`from`) and, when it was read from the text (or
also stands there), its 1-based input line. Importing this package does not import
trafilatura or htmldate; extract_from_html does.
"""

from .html import extract_from_html, extract_from_tree
from .merge import merge
from .text import extract_from_text

__all__ = ["extract_from_html", "extract_from_text", "extract_from_tree", "merge"]
