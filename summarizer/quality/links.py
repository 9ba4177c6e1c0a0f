"""Link spam: lists of link titles (related-story boxes, the same title twice per card),
and product/shop links.

Signals are structural: title-shaped lines (a few words, no final full stop) that come in
identical pairs, or stand in a list under a "Related" / "Read more" header (as teaser cards
too: each title with a one-sentence blurb and a time under it). A real bulleted list inside
an article is neither doubled nor under such a header, and is left alone.
(Teaser lists in a page footer without such a header are the frame module's business.)
"""

from __future__ import annotations

import re

from ..schemas import FlagKind, Severity
from .base import (
    Finding,
    Page,
    count_sentence_ends,
    ends_sentence,
    runs,
    teaser_blurb,
    title_end,
)
from .navigation import menu_item, ui_label
from .navigation_words import COMMENT_FORM

_RELATED_HEADER = re.compile(
    r"^(?:related(?: articles?| stories| posts| news| content| coverage| reading| links| topics)?|"
    r"read (?:also|next)(?: on| about| from)?|read more (?:on|about|from)\b.{0,40}|"
    r"more (?:from|on|stories|news|like this|in|about)\b.{0,40}|"
    r"you (?:may|might) (?:also )?(?:like|enjoy|be interested in)|"
    r"recommended(?: for you| stories| reading| articles)?|"
    r"popular(?: now| stories| posts| articles)?|"
    r"most (?:read|popular|viewed|shared|watched)(?: (?:in|on|from) [\w&'’ -]{1,30})?|"
    r"trending(?: now| stories| news)?|see also|further reading|what to read next|top stories|"
    r"latest(?: news| stories| articles| posts| videos)?|(?:related|more|top) videos|"
    r"editor'?s picks|more stories|also read|"
    r"recent posts|similar articles|weitere artikel|mehr zum thema|ähnliche artikel|"
    r"meistgelesen|das könnte sie auch interessieren|"
    r"à lire aussi|lire aussi|sur le même sujet|articles similaires|les plus lus|"
    r"te puede interesar|también te puede interesar|lee también|artículos relacionados|"
    r"noticias relacionadas|lo más leído|leggi anche|articoli correlati|i più letti|"
    r"leia também|artigos relacionados|posts relacionados|notícias relacionadas|"
    r"você (?:também )?pode gostar|mais lidas|gerelateerde artikelen|meest gelezen|lees ook|"
    r"czytaj (?:także|też)|podobne artykuły|najczęściej czytane|читайте также|"
    r"вам (?:также )?может быть интересно|похожие (?:статьи|новости)|"
    r"関連記事|新着記事|人気記事|おすすめ記事|関連ニュース|相关文章|相關文章|热门文章)\s*:?$",
    re.IGNORECASE,
)
# An inline link to another story, introduced by a label: "READ MORE: China plague...",
# "Related: Possible Water Plumes...", "Also on rt.com Journalists threatened...",
# "[Related: Salesforce keynote]", "Trends:Evo Morales news".
_RELATED_PREFIX = re.compile(
    r"^\[?(?:also on [\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b|"
    r"(?:read more|read next|related(?: articles?| stories| posts| coverage| content)?|see also|"
    r"also read|read also|also see|also|more|trends?|trending|recommended|further reading|"
    r"lesen sie auch|mehr zum thema|lire aussi|à lire aussi|leia também|leia mais|"
    r"lee también|leggi anche)\s*:)",
    re.IGNORECASE,
)
_INLINE_MAX_WORDS = 30
# A link's arrow before a title; a list bullet ("•", "-") is not one.
_CHEVRONS = ("»", "›", "►", "▸")
# Chevron links on a page from which the teaser under each one goes with it.
_CHEVRON_CARDS_MIN = 3
# An ellipsis glued to a word: the end of a title cut to fit a teaser card.
_CUT_TITLE = re.compile(r"\w(?:\.\.\.|…)$")
_SHOP = re.compile(
    r"\b(?:add to (?:cart|basket|bag)|buy now|shop now|order now|in stock|out of stock|"
    r"free shipping|free delivery|checkout|% off|on sale|shop the|best price|discount code|"
    r"coupon|promo code)\b",
    re.IGNORECASE,
)
_PRICE = re.compile(
    r"(?:[$€£¥₹]\s?\d[\d,.]{0,12}|\b\d[\d,.]{0,12}\s?(?:€|\$|usd|eur|gbp)\b)", re.IGNORECASE
)
_SHOP_KEYS = (
    "cart", "basket", "bag", "buy", "shop", "order now", "stock", "shipping", "delivery",
    "checkout", "% off", "sale", "best price", "discount", "coupon", "promo", "$", "€", "£",
    "¥", "₹", "usd", "eur", "gbp",
)  # fmt: skip
_TITLE_MAX_WORDS = 20
_BLURB_MAX_WORDS = 30
# Lines in a footer list between titles that may be dates, counts or "5 min read".
_META_MAX_WORDS = 4


def _title_like(page: Page, i: int) -> bool:
    """A link-title shaped line: 2-20 words, no final full stop, not running prose."""
    s = page.stripped[i]
    w = page.n_words[i]
    if not 2 <= w <= _TITLE_MAX_WORDS or len(s) > 200:
        return False
    if _CUT_TITLE.search(s):  # a title cut to fit its card: "... as Hurri..."
        return True
    return title_end(s)


def _doubled_titles(page: Page) -> list[tuple[int, int, int]]:
    """Runs of 2+ consecutive identical title pairs: (start, end, pairs)."""
    out: list[tuple[int, int, int]] = []
    nb = page.nonblank
    k = 0
    while k < len(nb) - 1:
        pairs = 0
        j = k
        while (
            j + 1 < len(nb)
            and page.lower[nb[j]] == page.lower[nb[j + 1]]
            and page.words(nb[j])
            and _title_like(page, nb[j])
        ):
            pairs += 1
            j += 2
        if pairs >= 2:
            out.append((nb[k], nb[j - 1], pairs))
            k = j
        else:
            k += 1
    return out


def _stops_list(page: Page, j: int) -> bool:
    """A page-interface label or menu item ("View Comments", "Disclaimer"): a related list
    does not run on past it, so that the footer after it keeps its own kind."""
    norm = page.norm(j)
    if COMMENT_FORM.search(page.stripped[j]):
        return True  # the comment form under the box
    if any(ch.isdigit() for ch in norm):
        return False  # a card's time or count ("2 hours ago", "12 comments")
    return page.n_words[j] <= 4 and (ui_label(norm) or menu_item(norm) == 2)


def _inline_links(page: Page, taken: set[int]) -> list[int]:
    """Lines that are a labelled link to another story ("READ MORE: ...") or a title behind a
    link chevron ("» Horários dos Treinos e Corridas da F1")."""
    out = []
    for i in page.nonblank:
        if i in taken or page.n_words[i] > _INLINE_MAX_WORDS:
            continue
        s = page.stripped[i]
        m = _RELATED_PREFIX.match(s)
        labelled = m is not None and page.n_words[i] >= 2 and len(s) > m.end() + 3
        chevron = s[:1] in _CHEVRONS and 2 <= page.n_words[i] <= _TITLE_MAX_WORDS
        if labelled or (chevron and title_end(s)):
            out.append(i)
    chevrons = [i for i in out if page.stripped[i][:1] in _CHEVRONS]
    if len(chevrons) >= _CHEVRON_CARDS_MIN:
        # A box of such links: each may carry its teaser under it.
        for i in chevrons:
            j = page.next_nonblank(i)
            if j < len(page.lines) and j not in taken and _chevron_blurb(page, j):
                out.append(j)
    return sorted(set(out))


def _chevron_blurb(page: Page, j: int) -> bool:
    """A teaser under a chevron link (base.teaser_blurb), not another link."""
    s = page.stripped[j]
    return s[:1] not in _CHEVRONS and teaser_blurb(s, page.n_words[j])


def _related_lists(page: Page, taken: set[int]) -> list[tuple[int, int, int]]:
    """A "Related"/"Read more" header followed by 2+ title lines: (start, end, titles).

    The list ends at the last title before a line that is neither a title nor a short
    date/count line; trailing short lines are not taken.
    """
    out: list[tuple[int, int, int]] = []
    used = set(taken)
    for i in page.nonblank:
        if i in used or page.n_words[i] > 8:
            continue
        if not _RELATED_HEADER.match(page.body[i].strip().rstrip(".…:»›> ")):
            continue
        end = i
        titles = 0
        last_title = i
        first = page.next_nonblank(i)
        # Teaser cards: the first title has its blurb right under it, and so may every title.
        cards = first < len(page.lines) and _card(page, first)
        j = first
        while j < len(page.lines) and j not in used and not _stops_list(page, j):
            if _list_title(page, j):
                titles += 1
                last_title = j
            elif cards and _card(page, page.prev_nonblank(j)) and j != first:
                last_title = j  # the blurb of the card above
            elif not (
                0 < page.n_words[j] <= _META_MAX_WORDS and not ends_sentence(page.stripped[j])
            ):
                break
            end = j
            j = page.next_nonblank(j)
        end = last_title
        if titles >= 2:
            out.append((i, end, titles))
            used.update(range(i, end + 1))
    return out


def _card(page: Page, i: int) -> bool:
    """A teaser card's title: a title line with a one-sentence blurb of at most
    _BLURB_MAX_WORDS right under it."""
    if i < 0 or not _list_title(page, i):
        return False
    j = page.next_nonblank(i)
    if j >= len(page.lines):
        return False
    s = page.stripped[j]
    return page.n_words[j] <= _BLURB_MAX_WORDS and ends_sentence(s) and count_sentence_ends(s) == 1


def _list_title(page: Page, i: int) -> bool:
    """A title in a link list or a teaser card: title-shaped, 3+ words."""
    return _title_like(page, i) and page.n_words[i] >= 3


def _headline(page: Page, i: int) -> bool:
    """A teaser headline: 3-20 words, no final full stop, mostly capitalised words."""
    if not _list_title(page, i):
        return False
    return _headline_cased(page.stripped[i])


def _headline_cased(s: str) -> bool:
    """Most words start with a capital (or are not words): English headline casing."""
    words = s.split()
    caps = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    return caps >= 0.6 * len(words)


def _shop_lines(page: Page, taken: set[int]) -> list[int]:
    """Product / shop links: shop vocabulary (or a price) on a short non-prose line."""
    out: list[int] = []
    for i in page.lines_with(_SHOP_KEYS):
        if i in taken or page.n_words[i] > 20 or page.prose[i]:
            continue
        s = page.stripped[i]
        if _SHOP.search(s) or (_PRICE.search(s) and page.n_words[i] <= 8 and i > page.last_prose):
            out.append(i)
    return out


def _spam(a: int, b: int, why: str) -> Finding:
    """A link-spam warning over 0-based lines a..b that removes them from the clean text."""
    return Finding(FlagKind.link_spam, Severity.warning, a + 1, b + 1, why, True)


def detect(page: Page) -> list[Finding]:
    """Link-spam findings: warnings that remove the listed lines."""
    out: list[Finding] = []
    taken: set[int] = set()
    for a, b, pairs in _doubled_titles(page):
        out.append(_spam(a, b, f"list of {pairs} link titles, each repeated twice (link cards), "
                               "not article text"))  # fmt: skip
        taken.update(range(a, b + 1))
    for a, b, n in _related_lists(page, taken):
        out.append(_spam(a, b, f"'related / read more' box with {n} link titles, not article text"))
        taken.update(range(a, b + 1))
    inline = _inline_links(page, taken)
    for a, b in runs(inline, page):
        out.append(_spam(a, b, "labelled link to another story ('Read more:', 'Related:', "
                               "'Also on ...'), not article text"))  # fmt: skip
    taken.update(inline)
    for a, b in runs(_shop_lines(page, taken), page):
        out.append(_spam(a, b, "product / shop link, not article text"))
    return out
