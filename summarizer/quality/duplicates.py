"""Duplicate content: a paragraph or line that repeats an earlier one word for word, a
dateline printed again at the foot of the page, and whole blocks of the page printed twice.

Only lines that are still kept are compared, so the first copy that survives is the one
left in the clean text and later copies are removed: nothing of the article is lost. Only
sentences and paragraphs are compared: headings, "Share", dates and the bullet points of a
list (a feature repeated under each product) repeat legitimately. Two exceptions: a dateline
("Published 10:02 AM EST Nov 19, 2019") that reappears verbatim is page furniture the second
time, and a block of 4+ consecutive lines that repeats an earlier block line for line (a
menu or footer printed twice by a scraped page) is flagged whether or not other detectors
removed it already, since the repetition is itself a trait of the page.
"""

from __future__ import annotations

import itertools
import re

from ..schemas import FlagKind, Severity
from .base import Finding, Page, ends_sentence, runs

# Lines shorter than this (in words and characters) are not compared.
_MIN_WORDS = 8
_MIN_CHARS = 40
# A dateline: a short line with a date and a time or a "published / updated" label.
_DATELINE = re.compile(
    r"\b(?:published|updated|posted|last modified)\b|\b\d{1,2}:\d{2}\b", re.IGNORECASE
)
_DATELINE_MAX_WORDS = 14
_DATELINE_KEYS = ("published", "updated", "posted", "modified", ":")
# Repeated blocks: this many consecutive lines, each earlier copies looked up (most recent).
_BLOCK_MIN_LINES = 4
_BLOCK_MAX_COPIES = 4


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
    for i, j in _repeated_datelines(page, removed) + _repeated_titles(page, removed):
        copies[i] = j
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
    if page.main is None:
        claimed = {i for f in out for i in range(f.start - 1, f.end)}
        for a, b, c in repeated_blocks(page):
            if any(i in claimed for i in range(a, b + 1)):
                continue
            n = sum(1 for i in range(a, b + 1) if page.stripped[i])
            out.append(
                Finding(
                    FlagKind.duplicate_content,
                    Severity.warning,
                    a + 1,
                    b + 1,
                    f"these {n} lines repeat lines {c + 1}-{c + 1 + (b - a)} block for block "
                    "(a menu or footer printed twice); removed",
                    removed=True,
                )
            )
    return out


def _repeated_titles(page: Page, removed: set[int]) -> list[tuple[int, int]]:
    """(copy, original) of a title-shaped line printed twice in a row (scraped pages often
    print the headline once as a link and once as the heading)."""
    out = []
    nb = page.nonblank
    for a, b in itertools.pairwise(nb):
        if b in removed or not page.in_main(b) or page.n_words[b] < 4 or page.prose[b]:
            continue
        if page.lower[a] == page.lower[b]:
            out.append((b, a))
    return out


def _repeated_datelines(page: Page, removed: set[int]) -> list[tuple[int, int]]:
    """(later copy, first copy) of kept dateline-shaped lines printed twice."""
    seen: dict[str, int] = {}
    out = []
    for i in page.lines_with(_DATELINE_KEYS):
        s = page.stripped[i]
        if page.n_words[i] > _DATELINE_MAX_WORDS or (ends_sentence(s) and not s[-1:].isdigit()):
            continue
        if not any(ch.isdigit() for ch in s) or not _DATELINE.search(s):
            continue
        key = page.lower[i]
        if key in seen:
            if i not in removed and page.in_main(i):
                out.append((i, seen[key]))
        else:
            seen[key] = i
    return out


def repeated_blocks(page: Page) -> list[tuple[int, int, int]]:
    """Blocks of 4+ consecutive non-blank lines that repeat an earlier block line for line:
    (first line, last line, first line of the earlier copy), all 0-based."""
    nb = page.nonblank
    keys = [page.lower[i] for i in nb]
    if len(set(keys)) > len(keys) - _BLOCK_MIN_LINES:
        return []  # fewer repeated lines than one block needs
    where: dict[str, list[int]] = {}
    run: dict[int, int] = {}  # offset -> length of the matching run ending at this rank
    found: list[tuple[int, int, int]] = []
    for k, key in enumerate(keys):
        new_run: dict[int, int] = {}
        for j in where.get(key, [])[-_BLOCK_MAX_COPIES:]:
            d = k - j
            new_run[d] = run.get(d, 0) + 1
        # Close the runs that stopped at the previous rank.
        for d, length in run.items():
            if d not in new_run and length >= _BLOCK_MIN_LINES:
                found.append((k - length, k - 1, k - length - d))
        run = new_run
        where.setdefault(key, []).append(k)
    for d, length in run.items():
        if length >= _BLOCK_MIN_LINES:
            found.append((len(keys) - length, len(keys) - 1, len(keys) - length - d))
    # Keep the longest of overlapping blocks.
    found.sort(key=lambda t: (-(t[1] - t[0]), t[0]))
    taken: set[int] = set()
    out = []
    for a, b, c in found:
        if any(x in taken for x in range(a, b + 1)):
            continue
        # A block must hold some text: four blank-ish one-word lines are not a block.
        if sum(page.n_words[nb[x]] for x in range(a, b + 1)) < 8:
            continue
        taken.update(range(a, b + 1))
        out.append((nb[a], nb[b], nb[c]))
    return sorted(out)
