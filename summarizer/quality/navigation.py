"""Navigation boilerplate: skip links, menus, breadcrumbs, share bars, cookie and
subscription prompts, page-UI labels, and "Table of Contents" stubs.

Everything here is matched on short lines only (a menu item is a few words, not a
sentence), with one exception: cookie banners are sentences, recognised by the site
speaking about its own cookies. Lines of article prose are never matched.
"""

from __future__ import annotations

import bisect

from ..schemas import FlagKind, Severity
from .base import Finding, Page, ends_sentence, in_double_quotes, runs
from .navigation_words import (
    AGENCY_NAMES,
    AGENCY_WORDS,
    BYLINE,
    COMMENT_FORM,
    COMMENT_FORM_KEYS,
    COMMENT_FORM_MAX_WORDS,
    COOKIE_BUTTON,
    COOKIE_BUTTON_MAX_WORDS,
    COOKIE_KEYS,
    COOKIE_MAX_WORDS,
    COOKIE_SENTENCE,
    COPYRIGHT,
    CRUMB_CHARS,
    CRUMB_SEP,
    FIELD_LABEL,
    HOME,
    MARKUP,
    MENU_STRONG,
    MENU_STRONG_PHRASES,
    MENU_WEAK,
    MENU_WEAK_PHRASES,
    NAME_AGENCY,
    NEWSLETTER_HEADING_WORDS,
    NEWSLETTER_LINES,
    NEWSLETTER_WORDS,
    RESERVED,
    ROW_BY_FIRST,
    SHARE_CORE,
    SHARE_VOCAB,
    SITE_TERMS,
    SITE_TERMS_KEYS,
    SITE_TERMS_MAX_WORDS,
    SITE_TERMS_OPENING_MAX_WORDS,
    SKIP_KEYS,
    SKIP_LINK,
    SUBSCRIBE,
    SUBSCRIBE_KEYS,
    SUBSCRIBE_MAX_WORDS,
    TAG,
    TAG_ITEM_MAX_WORDS,
    TAG_ITEMS_MIN,
    TAG_SPLIT,
    TAGS_KEYS,
    TAGS_LABEL,
    TOC,
    TOC_KEYS,
    TOC_MAX_ENTRY_WORDS,
    UI_LABELS,
    UI_PATTERN,
    UI_STARTS,
)

# How far into its line a notice may start and still open it (a bullet, an asterisk).
_OPENING_CHARS = 3


def menu_item(s: str) -> int:
    """2 for a strong menu item, 1 for a section name, 0 otherwise (s is normalised)."""
    return _menu_item(s)


def ui_label(norm: str) -> bool:
    """A page-interface label ("Read more", "View Comments", "5 min read")."""
    return _ui_label(norm)


def _menu_item(s: str) -> int:
    """2 for a strong menu item, 1 for a section name, 0 otherwise (s is normalised)."""
    if s in MENU_STRONG or s in MENU_STRONG_PHRASES:
        return 2
    if s in MENU_WEAK or s in MENU_WEAK_PHRASES:
        return 1
    return 0


def _short(page: Page, i: int, max_words: int = 4) -> bool:
    """A short line without sentence punctuation: menu-item shaped."""
    s = page.stripped[i]
    return 0 < page.n_words[i] <= max_words and len(s) <= 40 and not ends_sentence(s)


def _share_bar(page: Page, i: int) -> bool:
    """Every word is share/print/e-mail vocabulary and at least one is a share word."""
    s = page.stripped[i]
    # "linkedin:" is a label heading (a profile block's), not a share button.
    if len(s) > 120 or s.endswith(":"):
        return False
    words = page.words(i)
    if not words or len(words) > 12 or SHARE_CORE.isdisjoint(words):
        return False
    return all(w in SHARE_VOCAB for w in words)


def _menu_row(norm: str) -> bool:
    """A footer row of 2+ account/legal links run together ("Terms of Service Privacy
    Notice"): the line parses completely into known strong menu phrases."""
    words = norm.replace("|", " ").replace("·", " ").replace("•", " ").split()
    if not 3 <= len(words) <= 16:
        return False
    if words[0] not in ROW_BY_FIRST:
        return False
    items = k = 0
    while k < len(words):
        for phrase in ROW_BY_FIRST.get(words[k], ()):
            n = len(phrase)
            if tuple(words[k : k + n]) == phrase:
                k += n
                items += 1
                break
        else:
            return False
    return items >= 2


def _markup(s: str) -> bool:
    """An HTML tag fragment left in the text (at most a few words of text besides tags)."""
    if not MARKUP.match(s):
        return False
    return len(TAG.sub(" ", s).split()) <= 3


def _byline(page: Page, i: int) -> bool:
    """A byline: "By Jane Doe[, Agency]" or "Jane Doe, Reuters", above the article text or
    in its first lines (a closing "By ..." credit is left to the other rules)."""
    s = page.body[i]
    if page.n_words[i] > 14 or (ends_sentence(s) and not s.endswith(".")):
        return False
    if i > page.first_prose and (
        bisect.bisect_left(page.nonblank, i) - bisect.bisect_left(page.nonblank, page.first_prose)
        > 3
    ):
        return False
    if BYLINE.match(s.rstrip(".")):
        return True
    m = NAME_AGENCY.match(s)
    if m is None:
        return False
    agency = m.group("agency").strip().lower()
    return agency in AGENCY_NAMES or any(a in agency for a in AGENCY_WORDS)


def _breadcrumb(s: str) -> bool:
    """Home › Section › Subsection, or a row of menu items separated by pipes or bullets."""
    if len(s) > 200 or len(s.split()) > 16:
        return False
    parts = [p.strip().lower() for p in CRUMB_SEP.split(s) if p.strip()]
    if len(parts) < 3 or any(len(p.split()) > 4 for p in parts):
        return False
    if parts[0] in HOME:
        return True
    # Rows separated by "/" are too often dates, credits or fractions.
    if " / " in s and not any(sep in s for sep in "›»|•·→"):
        return False
    scores = [_menu_item(p) for p in parts]
    return sum(1 for x in scores if x) >= 0.6 * len(parts) and max(scores) >= 1


def _line_findings(page: Page) -> dict[str, list[int]]:
    """0-based line indexes per single-line reason."""
    hits: dict[str, list[int]] = {
        "markup": [],
        "skip": [],
        "share": [],
        "cookie": [],
        "subscribe": [],
        "ui": [],
        "crumb": [],
        "copyright": [],
        "comment_form": _comment_form(page),
        "tags": _tag_box(page),
    }
    skip = set(page.lines_with(SKIP_KEYS))
    share = set(page.lines_with(SHARE_CORE))
    subscribe = set(page.lines_with(SUBSCRIBE_KEYS))
    cookie = set(page.lines_with(COOKIE_KEYS))
    copyright = set(page.lines_with(("©", "copyright", "(c)", "rights reserved", "right reserved")))
    terms = set(page.lines_with(SITE_TERMS_KEYS))
    for i in page.nonblank:
        s = page.stripped[i]
        w = page.n_words[i]
        if w > COOKIE_MAX_WORDS:
            if i in terms and _site_terms(page, i):
                hits["copyright"].append(i)
            continue
        body = page.body[i]
        reason = ""
        if s[:1] == "<" and _markup(s):
            reason = "markup"
        elif w <= 8 and i in skip and SKIP_LINK.match(body):
            reason = "skip"
        elif w <= 12 and i in share and _share_bar(page, i):
            reason = "share"
        elif w <= 8 and _ui_label(page.norm(i)):
            reason = "ui"
        elif (
            w <= SUBSCRIBE_MAX_WORDS
            and i in subscribe
            and SUBSCRIBE.match(body)
            and not _article_like(page, i)
        ):
            reason = "subscribe"
        elif i in cookie and _cookie(page, i):
            reason = "cookie"
        elif (w <= 16 and CRUMB_CHARS.search(s) and _breadcrumb(s)) or (
            3 <= w <= 16 and not ends_sentence(s) and _menu_row(page.norm(i))
        ):
            reason = "crumb"
        elif (
            w <= 30
            and i in copyright
            and (RESERVED.search(s) or (COPYRIGHT.match(s) and not page.prose[i]))
        ) or (i in terms and _site_terms(page, i)):
            reason = "copyright"
        if reason:
            hits[reason].append(i)
    hits["subscribe"] = sorted({*hits["subscribe"], *_newsletter_pitch(page, subscribe)})
    return hits


def _site_terms(page: Page, i: int) -> bool:
    """The site's legal small print: a SITE_TERMS notice (not quoted) on a line of at most
    SITE_TERMS_MAX_WORDS words, or of at most SITE_TERMS_OPENING_MAX_WORDS when the notice
    opens the line (the whole paragraph is then the notice)."""
    s = page.stripped[i]
    w = page.n_words[i]
    if w > SITE_TERMS_OPENING_MAX_WORDS:
        return False
    m = SITE_TERMS.search(s)
    if m is None or in_double_quotes(s, m.start()):
        return False
    return w <= SITE_TERMS_MAX_WORDS or m.start() <= _OPENING_CHARS


def _newsletter_pitch(page: Page, candidates: set[int]) -> list[int]:
    """The rest of a newsletter box above its button ("Subscribe", "Sign up"): a heading of
    at most NEWSLETTER_HEADING_WORDS words that names e-mails, a newsletter or alerts, and
    the (at most NEWSLETTER_LINES) pitch lines between it and the button. Without such a
    heading nothing is taken: a sentence above a lone button may be the article's."""
    out: list[int] = []
    for i in sorted(candidates):
        if page.n_words[i] > 3 or not SUBSCRIBE.match(page.body[i]):
            continue
        box: list[int] = []
        j = page.prev_nonblank(i)
        for _ in range(NEWSLETTER_LINES + 1):
            if j < 0:
                break
            s = page.stripped[j]
            short = page.n_words[j] <= NEWSLETTER_HEADING_WORDS and not ends_sentence(s)
            if short and not NEWSLETTER_WORDS.isdisjoint(page.words(j)):
                out += [j, *box]
                break
            box.append(j)
            j = page.prev_nonblank(j)
    return out


def _comment_form(page: Page) -> list[int]:
    """A comment form's notices ("Your email address will not be published. Required fields
    are marked *") and the field labels ("Name *") within three lines of one."""
    notices = [
        i
        for i, s, m in page.first_matches(COMMENT_FORM_KEYS, COMMENT_FORM)
        if page.n_words[i] <= COMMENT_FORM_MAX_WORDS and not in_double_quotes(s, m.start())
    ]
    if not notices:
        return []
    out = set(notices)
    for i in page.nonblank:
        if page.n_words[i] <= 4 and FIELD_LABEL.match(page.stripped[i]):
            k = bisect.bisect_left(notices, i)
            near = [notices[j] for j in (k - 1, k) if 0 <= j < len(notices)]
            rank = bisect.bisect_left(page.nonblank, i)
            if any(abs(rank - bisect.bisect_left(page.nonblank, n)) <= 3 for n in near):
                out.add(i)
    return sorted(out)


def _tag_list(s: str) -> bool:
    """Keywords: 3+ short items separated by commas, pipes or bullets, no sentence."""
    if ends_sentence(s) and not s.endswith("..."):
        return False
    items = [x for x in TAG_SPLIT.split(s) if x]
    return len(items) >= TAG_ITEMS_MIN and all(
        1 <= len(x.split()) <= TAG_ITEM_MAX_WORDS for x in items
    )


def _tag_box(page: Page) -> list[int]:
    """A tag box: "Tags" alone with the keyword list on the next line, or "Tags: a, b, c"."""
    out: list[int] = []
    for i in page.lines_with(TAGS_KEYS):
        s = page.stripped[i]
        m = TAGS_LABEL.match(s)
        if m is None:
            continue
        rest = s[m.end() :].strip()
        if not rest:
            j = page.next_nonblank(i)
            if j < len(page.lines) and _tag_list(page.stripped[j]):
                out += [i, j]
        elif s[m.end() - 1 : m.end()] == ":" and _tag_list(rest):
            out.append(i)
    return out


def _ui_label(norm: str) -> bool:
    """A page-interface label: a known one, or a reading time / player time / count."""
    if norm in UI_LABELS:
        return True
    # Every pattern alternative has a digit, or starts with one of these words.
    if not any(ch.isdigit() for ch in norm[:40]) and not norm.startswith(UI_STARTS):
        return False
    return UI_PATTERN.match(norm) is not None


def _cookie(page: Page, i: int) -> bool:
    """A cookie banner sentence or button, not a sentence of an article about cookies."""
    s = page.stripped[i]
    if page.n_words[i] <= COOKIE_BUTTON_MAX_WORDS and COOKIE_BUTTON.search(s):
        return True
    m = COOKIE_SENTENCE.search(s)
    if m is None:
        return False
    return not in_double_quotes(s, m.start()) and not _article_like(page, i)


def _article_like(page: Page, i: int) -> bool:
    """A long sentence inside the article (prose) rather than a standalone prompt."""
    return page.prose[i] and page.first_prose < i < page.last_prose and page.n_words[i] > 15


def _menus(page: Page, taken: set[int]) -> list[tuple[int, int, int]]:
    """Runs of 3+ short menu-item lines: (start, end, number of items)."""
    out: list[tuple[int, int, int]] = []
    run: list[int] = []

    def close() -> None:
        if len(run) >= 3:
            items = [_menu_item(page.norm(j)) for j in run]
            hits = sum(1 for x in items if x)
            strong = sum(1 for x in items if x == 2)
            outside = run[-1] < page.first_prose or run[0] > page.last_prose
            # Section names alone could be a real list ("Health, Education, ..."): they need
            # either a strong item (Home, Log in, Subscribe) or a place outside the prose.
            if (
                hits >= 0.6 * len(run)
                and hits >= 3
                and (strong >= 2 or (strong >= 1 and outside) or outside)
            ):
                out.append((run[0], run[-1], len(run)))
        run.clear()

    for i in page.nonblank:
        if i not in taken and _short(page, i):
            run.append(i)
        else:
            close()
    close()
    return out


def _toc(page: Page) -> list[tuple[int, int, bool]]:
    """Table-of-contents headers: (start, end, has_entries)."""
    out: list[tuple[int, int, bool]] = []
    later: dict[str, list[int]] | None = None
    for i in page.lines_with(TOC_KEYS):
        if page.n_words[i] > 5 or not TOC.match(page.norm(i) or "-"):
            continue
        if later is None:
            later = {}
            for k in page.nonblank:
                if page.n_words[k] <= TOC_MAX_ENTRY_WORDS:
                    later.setdefault(page.norm(k), []).append(k)
        # Entries: following short lines that reappear later as headings.
        end = i
        j = page.next_nonblank(i)
        while (
            j < len(page.lines)
            and page.n_words[j] <= TOC_MAX_ENTRY_WORDS
            and not ends_sentence(page.stripped[j])
        ):
            again = [k for k in later.get(page.norm(j), []) if k > j]
            if not again:
                break
            end = j
            j = page.next_nonblank(j)
        out.append((i, end, end > i))
    return out


def detect(page: Page) -> list[Finding]:
    """Navigation findings: all warnings that remove whole short lines."""
    hits = _line_findings(page)
    reasons = {
        "markup": "markup fragment: an HTML tag left in the text (tracking pixel, embed)",
        "skip": "skip links (screen-reader navigation), not article text",
        "share": "share / print / e-mail bar, not article text",
        "cookie": "cookie consent prompt, not article text",
        "subscribe": "subscription or log-in prompt, not article text",
        "ui": "page interface label (ad marker, player control, reading time), not article text",
        "crumb": "breadcrumb or menu row, not article text",
        "copyright": "copyright notice or legal small print of the site (page footer), not "
        "article text",
        "comment_form": "comment form notice or field label (e-mail not published, required "
        "fields), not article text",
        "tags": "tag box (the site's keywords for the article), not article text",
    }
    out: list[Finding] = []
    taken: set[int] = set()
    for reason, idx in hits.items():
        taken.update(idx)
        for a, b in runs(idx, page):
            out.append(
                Finding(
                    FlagKind.navigation_boilerplate,
                    Severity.warning,
                    a + 1,
                    b + 1,
                    reasons[reason],
                    True,
                )
            )
    for a, b, n in _menus(page, taken):
        out.append(
            Finding(
                FlagKind.navigation_boilerplate,
                Severity.warning,
                a + 1,
                b + 1,
                f"site menu: {n} short lines of section and account links, not article text",
                True,
            )
        )
        taken.update(range(a, b + 1))
    # Plain text only: from HTML, trafilatura reads the byline as metadata, and the
    # html_boilerplate flag already covers it.
    bylines = [
        i
        for i in page.nonblank
        if page.main is None and i not in taken and 2 <= page.n_words[i] <= 14 and _byline(page, i)
    ]
    for a, b in runs(bylines, page):
        out.append(
            Finding(
                FlagKind.navigation_boilerplate,
                Severity.info,
                a + 1,
                b + 1,
                "byline (author and agency): page metadata, not article text",
                True,
            )
        )
    taken.update(bylines)
    for a, b, has_entries in _toc(page):
        if a in taken:
            continue
        why = (
            "table of contents repeating the article's own headings"
            if has_entries
            else "'Table of Contents' heading with no contents (a stub left by the page template)"
        )
        out.append(
            Finding(FlagKind.navigation_boilerplate, Severity.warning, a + 1, b + 1, why, True)
        )
    return out
