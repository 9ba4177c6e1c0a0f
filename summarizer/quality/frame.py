"""The page frame of a scraped page (plain-text mode only): long menus above the article
and the footer below it.

Runs after the other detectors, because it uses what they found:

1. The article body is the stretch of lines where prose outweighs everything else (the
   maximum-sum segment, scoring prose lines by their words, other lines -3, lines other
   detectors removed as page frame -12). Teasers and comments after the footer cannot
   stretch it.
2. Above the body: a run of 6+ short link-like lines (1-4 words, no sentence punctuation)
   is a site menu. Below the body: the same with 8+ lines. (Nothing else above the body is
   touched: a data-list article - a calendar, a results table - can sit there.)
3. Below the body, once a frame line that another detector removed has been passed (a
   share bar, a "Related" box, a menu, a call to action: the footer has started), every
   remaining short line that is not a sentence is footer too.

Sentences are never removed here, and neither are bylines or datelines. With HTML input
trafilatura has already drawn the frame, so this module does nothing.
"""

from __future__ import annotations

import re

from ..schemas import FlagKind, Severity
from .base import Finding, Page, ends_sentence, runs

_BYLINE = re.compile(
    r"^(?:by|von|par|por|di|door|av|af|written by|posted by|reporting by|author:)\s+\S",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}\b|"
    r"\b\d{1,2}\.? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|"
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|"
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)
_PROSE_CAP = 80
_OTHER = -3
_REMOVED = -12
_MENU_BEFORE = 6
_MENU_AFTER = 8


def _menu_short(page: Page, i: int) -> bool:
    """A menu-item shaped line: 1-4 words, short, no sentence end, not a byline or date."""
    s = page.stripped[i]
    if not 0 < page.n_words[i] <= 4 or len(s) > 40 or ends_sentence(s):
        return False
    return not (_BYLINE.match(s) or _DATE.search(s))


def body_span(page: Page, removed: set[int], frame: set[int]) -> tuple[int, int] | None:
    """0-based first and last line of the maximum-sum segment of non-blank lines: prose lines
    score their words (capped), other lines a small penalty, page-frame lines a large one.
    The line classifier reads the same span as a feature."""
    best = cur = 0.0
    best_span: tuple[int, int] | None = None
    start = -1
    for i in page.nonblank:
        if i in frame:
            score = float(_REMOVED)
        elif i in removed:
            score = float(_OTHER)
        elif page.prose[i]:
            score = float(min(page.n_words[i], _PROSE_CAP))
        else:
            score = float(_OTHER)
        if cur <= 0:
            cur, start = score, i
        else:
            cur += score
        if cur > best:
            best, best_span = cur, (start, i)
    return best_span


def detect(page: Page, removed: set[int], frame: set[int]) -> list[Finding]:
    """Warnings that remove menu runs and footer lines around the article body.

    `removed`: lines other detectors removed. `frame`: those of them that mark the page
    frame (menus, share bars, link lists, calls to action), as opposed to a credit or a
    shop button that may sit inside the article.
    """
    if page.main is not None:
        return []
    body = body_span(page, removed, frame)
    if body is None:
        return []
    first, last = body
    menu: list[int] = []
    footer: list[int] = []
    # 2. Runs of menu-shaped lines (already-removed lines count towards a run).
    run: list[int] = []

    def close() -> None:
        if run:
            before = run[-1] < first
            after = run[0] > last
            if (before and len(run) >= _MENU_BEFORE) or (after and len(run) >= _MENU_AFTER):
                menu.extend(i for i in run if i not in removed)
        run.clear()

    for i in page.nonblank:
        if i in removed or _menu_short(page, i):
            run.append(i)
        else:
            close()
    close()
    taken = set(menu)
    # 3. The footer: after the first removed line below the body.
    started = False
    for i in page.nonblank:
        if i <= last:
            continue
        if i in frame:
            started = True
        if i in removed:
            continue
        if not started or i in taken or page.prose[i]:
            continue
        s = page.stripped[i]
        if page.n_words[i] <= 20 and not ends_sentence(s) and not _BYLINE.match(s):
            footer.append(i)
    out = [
        Finding(
            FlagKind.navigation_boilerplate,
            Severity.warning,
            a + 1,
            b + 1,
            "site menu: a long run of short link-like lines outside the article body",
            removed=True,
        )
        for a, b in runs(sorted(menu), page)
    ]
    out.extend(
        Finding(
            FlagKind.navigation_boilerplate,
            Severity.warning,
            a + 1,
            b + 1,
            "page footer: short link-like lines below the end of the article, after "
            "boilerplate already found there",
            removed=True,
        )
        for a, b in runs(footer, page)
    )
    return out
