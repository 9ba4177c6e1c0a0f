"""The page frame of a scraped page (plain-text mode only): long menus above the article
and the footer below it.

Runs after the other detectors, because it uses what they found:

1. The article body is the stretch of lines where prose outweighs everything else (the
   maximum-sum segment, scoring prose lines by their words, other lines -3, lines other
   detectors removed as page frame -12). Teasers and comments after the footer cannot
   stretch it.
2. Above the body: a run of 6+ short link-like lines (1-4 words, no sentence punctuation)
   is a site menu. Below the body: the same with 8+ lines. (Above the body nothing else is
   touched but step 4's undated titles: a data-list article - a calendar, a results table -
   can sit there.)
3. Below the body, once a frame line that another detector removed has been passed (a
   share bar, a "Related" box, a menu, a call to action: the footer has started), every
   remaining short line that is not a sentence is footer too.

4. Below the body's last sentence: a list of other stories' titles, without a header to
   give it away (a "Related" header is the link-spam detector's): 3+ title-shaped lines in
   a row (6-20 words, no final full stop, no date in any of the eight languages; up to two
   short labels between them), each sharing less than half of its words with the body's
   prose. Above the body, the same with 4+ titles: a news site's top stories over the
   headline. A list that belongs to the article names what the article is about (a product
   list) or is dated (tour dates, a race calendar over its notes).
5. Below the body's first line: teaser cards without a header, 3+ in a row, each a title
   (4-20 words, no final full stop, no date) over a blurb of one to three sentences (at most
   50 words) or over its story's byline ("by Anmol"), the title sharing less than half of
   its words with the prose read so far (section labels such as "Deals" may stand between).
   An article's own sections under subheadings name what the article is about.

Sentences are never removed here but as a card's blurb, and bylines or datelines only as
a card's byline. With HTML input
trafilatura has already drawn the frame, so this module does nothing.
"""

from __future__ import annotations

from ..schemas import FlagKind, Severity
from .base import (
    BYLINE,
    DATE,
    Finding,
    Page,
    ends_sentence,
    runs,
    teaser_blurb,
    title_end,
)

_PROSE_CAP = 80
_OTHER = -3
_REMOVED = -12
_MENU_BEFORE = 6
_MENU_AFTER = 8
_TEASERS_MIN = 3
_TEASERS_ABOVE_MIN = 4
_TEASER_WORDS = (6, 20)
_TEASER_MAX_SHARED = 0.5
_LABEL_MAX_WORDS = 3
_LABELS_BETWEEN = 2
_CARDS_MIN = 3
_CARD_TITLE_WORDS = (4, 20)
_CARD_BYLINE_MAX_WORDS = 8


def _menu_short(page: Page, i: int) -> bool:
    """A menu-item shaped line: 1-4 words, short, no sentence end, not a byline or date."""
    s = page.stripped[i]
    if not 0 < page.n_words[i] <= 4 or len(s) > 40 or ends_sentence(s):
        return False
    return not (BYLINE.match(s) or DATE.search(s))


def _teaser_title(page: Page, i: int) -> bool:
    """A story title: 6-20 words without a final full stop (a question, an exclamation or
    a title cut short with an ellipsis count as titles), and without a date: a dated list
    below an article is its listing (tour dates, a calendar, a schedule)."""
    lo, hi = _TEASER_WORDS
    if not lo <= page.n_words[i] <= hi:
        return False
    s = page.stripped[i]
    if DATE.search(s):
        return False
    return title_end(s) or s.endswith(("...", "…"))


def _sentence(page: Page, i: int) -> bool:
    """A line of 8+ words that ends a sentence."""
    return page.n_words[i] >= 8 and ends_sentence(page.stripped[i])


def _teasers(
    page: Page, first: int, last: int, removed: set[int], *, above: bool = False
) -> list[tuple[int, int]]:
    """Lists of other stories' titles below the body (step 4 of the module docstring), or
    above it with `above`: the first and last title of each."""
    side = [i for i in page.nonblank if (i < first if above else i > last)]
    titles = {i for i in side if i not in removed and _teaser_title(page, i)}
    need = _TEASERS_ABOVE_MIN if above else _TEASERS_MIN
    if len(titles) < need:
        return []
    vocab = {
        w
        for i in page.nonblank
        if first <= i <= last and page.prose[i]
        for w in page.words(i)
        if len(w) >= 4
    }

    out: list[tuple[int, int]] = []
    run: list[int] = []  # the titles of the current list
    gap = 0  # short lines since its last title
    for i in [*side, -1]:
        if i in titles and _foreign(page, i, vocab):
            run.append(i)
            gap = 0
            continue
        if i >= 0 and page.n_words[i] <= _LABEL_MAX_WORDS and gap < _LABELS_BETWEEN:
            gap += 1  # a label, a time or a count between titles
            continue
        if len(run) >= need:
            out.append((run[0], run[-1]))
        run, gap = [], 0
    return out


def _cards(page: Page, first: int, removed: set[int]) -> list[tuple[int, int]]:
    """Runs of teaser cards after the body's first line (step 5 of the module docstring):
    the first and last line of each."""
    lines = [i for i in page.nonblank if i >= first and i not in removed]
    vocab: set[str] = set()  # words of the prose read so far, outside cards

    pending: list[int] = []  # prose lines read but not yet in vocab (built when needed)

    def foreign(i: int) -> bool:
        for j in pending:
            vocab.update(page.words(j))  # short words too: only 4+-letter ones are looked up
        pending.clear()
        return _foreign(page, i, vocab)

    out: list[tuple[int, int]] = []
    cards: list[tuple[int, int]] = []  # (title, tail) of the current run
    gap = 0
    k = 0
    while k <= len(lines):
        i = lines[k] if k < len(lines) else -1
        nxt = lines[k + 1] if k + 1 < len(lines) else -1
        if (
            i >= 0
            and nxt >= 0
            and _card_title(page, i)
            and _card_tail(page, nxt)
            and not (DATE.search(page.stripped[i]) or BYLINE.match(page.stripped[i]))
            and foreign(i)
        ):
            cards.append((i, nxt))
            gap = 0
            k += 2
            continue
        if i >= 0 and cards and page.n_words[i] <= _LABEL_MAX_WORDS and gap < _LABELS_BETWEEN:
            gap += 1  # a section label between cards ("Deals")
            k += 1
            continue
        if len(cards) >= _CARDS_MIN:
            out.append((cards[0][0], cards[-1][1]))
        cards, gap = [], 0
        if i >= 0 and page.prose[i]:
            pending.append(i)
        k += 1
    return out


def _foreign(page: Page, i: int, vocab: set[str]) -> bool:
    """Another story's title: fewer than _TEASER_MAX_SHARED of its 4+-letter words are in
    the article's vocabulary."""
    words = [w for w in page.words(i) if len(w) >= 4]
    shared = sum(1 for w in words if w in vocab)
    return bool(words) and shared < _TEASER_MAX_SHARED * len(words)


def _card_title(page: Page, i: int) -> bool:
    """A card's title: 4-20 words, title-shaped (or cut short). (Undated and not a byline:
    checked by the caller, once the blurb under it is there.)"""
    s = page.stripped[i]
    if not _CARD_TITLE_WORDS[0] <= page.n_words[i] <= _CARD_TITLE_WORDS[1]:
        return False
    return title_end(s) or s.endswith(("...", "…"))


def _card_tail(page: Page, j: int) -> bool:
    """What follows a card's title: a blurb (base.teaser_blurb) or the story's byline ("by
    Anmol")."""
    s = page.stripped[j]
    if BYLINE.match(s):
        return page.n_words[j] <= _CARD_BYLINE_MAX_WORDS
    return teaser_blurb(s, page.n_words[j])


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
    # 4. Other stories' titles below the body.
    # The titles can close the body themselves: a list of them reads as a hard-wrapped
    # paragraph when one asks a question. The article ends with its last sentence.
    end = max(
        (
            i
            for i in page.nonblank
            if first <= i <= last and i not in removed and _sentence(page, i)
        ),
        default=last,
    )
    teasers = [
        i
        for a, b in [
            *_teasers(page, first, end, removed),
            *_teasers(page, first, end, removed, above=True),
        ]
        for i in range(a, b + 1)
        if page.stripped[i] and i not in removed and i not in taken
    ]
    taken.update(teasers)
    # 5. Teaser cards below the body's start.
    teasers += [
        i
        for a, b in _cards(page, first, removed)
        for i in range(a, b + 1)
        if page.stripped[i] and i not in removed and i not in taken
    ]
    taken.update(teasers)
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
        if page.n_words[i] <= 20 and not ends_sentence(s) and not BYLINE.match(s):
            footer.append(i)
    return [
        *_removing(FlagKind.navigation_boilerplate, runs(sorted(menu), page),
                   "site menu: a long run of short link-like lines outside the article body"),
        *_removing(FlagKind.navigation_boilerplate, runs(footer, page),
                   "page footer: short link-like lines below the end of the article, after "
                   "boilerplate already found there"),
        *_removing(FlagKind.link_spam, runs(teasers, page),
                   "list of other stories' titles outside the article's prose (they share few "
                   "words with it), not article text"),
    ]  # fmt: skip


def _removing(kind: FlagKind, spans: list[tuple[int, int]], why: str) -> list[Finding]:
    """Warnings that remove these 0-based spans."""
    return [Finding(kind, Severity.warning, a + 1, b + 1, why, removed=True) for a, b in spans]
