"""Duplicate content: a paragraph or line that repeats an earlier one word for word.

Only lines that are still kept are compared, so the first copy that survives is the one
left in the clean text and later copies are removed: nothing of the article is lost. Only
sentences and paragraphs are compared: headings, "Share", dates and the bullet points of a
list (a feature repeated under each product) repeat legitimately.
"""

from __future__ import annotations

from ..schemas import FlagKind, Severity
from .base import Finding, Page, runs

# Lines shorter than this (in words and characters) are not compared.
_MIN_WORDS = 8
_MIN_CHARS = 40


def detect(page: Page, removed: set[int]) -> list[Finding]:
    """Warnings, removing, for later copies of kept lines (consecutive copies merged)."""
    first_seen: dict[str, int] = {}
    copies: dict[int, int] = {}
    for i in page.nonblank:
        if i in removed or not page.in_main(i):
            continue
        if page.n_words[i] < _MIN_WORDS or len(page.stripped[i]) < _MIN_CHARS:
            continue
        if not page.prose[i]:
            continue
        key = " ".join(page.words(i))
        if len(key) < _MIN_CHARS // 2:
            continue
        if key in first_seen:
            copies[i] = first_seen[key]
        else:
            first_seen[key] = i
    out: list[Finding] = []
    for a, b in runs(sorted(copies), page):
        originals = sorted({copies[i] + 1 for i in range(a, b + 1) if i in copies})
        where = ", ".join(str(n) for n in originals[:5]) + ("…" if len(originals) > 5 else "")
        out.append(
            Finding(
                FlagKind.duplicate_content,
                Severity.warning,
                a + 1,
                b + 1,
                f"repeats line(s) {where} word for word; the earlier copy is kept, "
                "this one removed",
                removed=True,
            )
        )
    return out
