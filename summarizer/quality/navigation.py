"""Navigation boilerplate: skip links, menus, breadcrumbs, share bars, cookie and
subscription prompts, page-UI labels, and "Table of Contents" stubs.

Everything here is matched on short lines only (a menu item is a few words, not a
sentence), with one exception: cookie banners are sentences, recognised by the site
speaking about its own cookies. Lines of article prose are never matched.
"""

from __future__ import annotations

import bisect
import re

from ..schemas import FlagKind, Severity
from .base import Finding, Page, ends_sentence, in_double_quotes, runs, wordset
from .credits import AGENCIES, AGENCY_PHRASES

_SKIP_LINK = re.compile(
    r"^(?:skip|jump) (?:to|navigation|ahead)\b|^(?:zum inhalt|zur navigation|direkt zum|"
    r"aller au contenu|passer au contenu|aller à la navigation|saltar al contenido|"
    r"ir al contenido|vai al contenuto|salta al contenuto|pular para o conteúdo|"
    r"ir para o conteúdo|перейти к содержанию|перейти к основному|naar de inhoud|"
    r"przejdź do treści)",
    re.IGNORECASE,
)

# Menu and footer items. Strong items almost never stand alone in an article's text.
_MENU_STRONG = wordset(
    """home homepage login log-in logout sign-in sign-up signin signup register subscribe
    subscriptions newsletter newsletters menu search sitemap rss imprint impressum
    accessibility advertise careers faq faqs help contact cookies cookie-settings
    startseite accueil inicio главная kontakt datenschutz"""
)
_MENU_STRONG_PHRASES = frozenset(
    {
        "log in", "sign in", "sign up", "sign out", "log out", "my account", "about us",
        "contact us", "privacy policy", "privacy notice", "terms of use", "terms of service",
        "terms and conditions", "cookie policy", "cookie settings", "manage cookies",
        "do not sell my personal information", "do not sell or share my personal information",
        "your privacy choices", "all rights reserved", "follow us", "get the app",
        "download the app", "e-paper", "epaper", "back to top", "main menu", "more sections",
        "all sections", "site map", "help center", "customer service", "manage preferences",
    }
)  # fmt: skip
# Section names: menu items when several stand together, but common words on their own.
_MENU_WEAK = wordset(
    """news world politics business economy markets finance money tech technology science
    health sport sports football culture arts entertainment lifestyle life style travel food
    opinion opinions analysis video videos podcast podcasts photos gallery weather climate
    environment education local national international us uk europe asia africa americas
    africa middle east latest trending popular live more features magazine books music
    film tv media games gaming autos cars property real estate jobs obituaries events
    shop deals topics sections investigations explainers newsletters crosswords puzzles
    fashion beauty wellness home garden regions archive about"""
)
_MENU_WEAK_PHRASES = frozenset(
    {
        "middle east",
        "real estate",
        "most read",
        "most popular",
        "editor's picks",
        "top stories",
        "latest news",
        "breaking news",
        "world news",
        "local news",
        "fact check",
        "fact-check",
        "personal finance",
        "u.s.",
        "in pictures",
    }
)

# Page-UI labels that stand alone on a line of scraped text.
_UI_LABELS = frozenset(
    {
        "advertisement", "advertisements", "ad", "ads", "sponsored", "sponsored content",
        "promoted", "paid content", "anzeige", "werbung", "publicité", "publicidad",
        "pubblicità", "реклама", "story continues below advertisement",
        "article continues below advertisement", "continue reading below",
        "scroll to continue with content", "scroll to continue reading",
        "continue reading", "read more", "read full article", "show more", "load more",
        "see more", "view more", "more", "show less", "expand", "collapse", "close", "open",
        "toggle navigation", "navigation", "menu", "search", "search for", "go", "submit",
        "listen", "listen to this article", "listen to article", "play", "play video",
        "watch", "watch video", "watch now", "pause", "mute", "unmute", "image", "photo",
        "video", "audio", "gallery", "enlarge", "enlarge image", "fullscreen",
        "next", "previous", "prev", "next article", "previous article", "next story",
        "back", "back to top", "top", "loading", "loading...", "loading…", "please wait",
        "updated", "comments", "view comments", "add comment", "hide caption",
        "toggle caption", "caption", "skip advertisement", "remove ads", "ad feedback",
        "report an issue", "give feedback", "feedback", "weiterlesen", "mehr lesen",
        "learn more", "get short url", "short url", "copy link", "link copied",
        "print this article", "print article", "print this page", "view gallery",
        "lire la suite", "leer más", "leggi di più", "ver más",
    }
)  # fmt: skip
# "5 min read", "3-minute read", "Reading time: 4 minutes", "00:00 / 03:21".
_UI_PATTERN = re.compile(
    r"^(?:\d{1,3}[ -]?(?:min(?:ute)?s?|mins?)\.? read(?:ing)?(?: time)?|"
    r"(?:reading time|lesezeit|temps de lecture)\s*:?\s*\d{1,3}\s*\w{0,8}|"
    r"\d{1,2}:\d{2}(?:\s*/\s*\d{1,2}:\d{2})?|"
    r"(?:updated |posted )?\d{1,3}\s?(?:[smhd]|mins?|hrs?|minutes?|hours?|days?) ago|"
    r"\d[\d.,]{0,6}\s*[km]?\s*(?:comments?|shares?|views?|likes?))$",
    re.IGNORECASE,
)

_UI_STARTS = ("reading time", "lesezeit", "temps de lecture")
# Share / print / e-mail bars: every word on the line comes from this vocabulary.
_SHARE_CORE = wordset(
    """share shares sharing tweet tweets email e-mail mail print facebook twitter whatsapp
    linkedin pinterest reddit telegram flipboard messenger tumblr bluesky threads
    mastodon permalink bookmark teilen drucken partager imprimer compartir imprimir
    condividi stampa"""
)
_SHARE_VOCAB = _SHARE_CORE | wordset(
    """on this the a an article story page post via to link url copy copied opens in new
    window tab click x sms more options gift save saved share-this or and with your friend
    friends e mail e-mail print-friendly version auf per sur"""
)

# Cookie banners speak about the site's own cookies in the first person, or are buttons.
_COOKIE_SENTENCE = re.compile(
    r"\b(?:we|this (?:web)?site|our (?:web)?site|this page|our partners)"
    r" (?:and our partners )?(?:use|uses|are using|is using|may use) cookies\b|"
    r"\bby (?:continuing to (?:browse|use)|using) (?:this|our) (?:web)?site,? "
    r"you (?:agree|accept|consent)\b",
    re.IGNORECASE,
)
_COOKIE_BUTTON = re.compile(
    r"\baccept (?:all )?cookies\b|\b(?:reject|decline|refuse) (?:all|cookies|non-essential)\b|"
    r"\bmanage (?:your )?(?:cookie|consent|privacy) (?:settings|preferences|choices)\b|"
    r"\bcookies? (?:settings|preferences|consent|banner|notice|policy)\b",
    re.IGNORECASE,
)
_COOKIE_BUTTON_MAX_WORDS = 8
_COOKIE_MAX_WORDS = 80

# Subscription and log-in prompts: short standalone lines only.
_SUBSCRIBE = re.compile(
    r"^(?:subscribe|sign up|register|log ?in|sign in|join|become a (?:member|subscriber)|"
    r"already (?:a subscriber|a member|have an account|registered)|create (?:a |your )?"
    r"(?:free )?account|get (?:full|unlimited) access|unlock (?:this|full|unlimited)|"
    r"(?:start|try) (?:your )?(?:free )?trial|you (?:have|'ve) (?:reached|read)|"
    r"this (?:article|story|content) is (?:for|available to|exclusive to|reserved for) "
    r"(?:subscribers|members)|to continue reading|support (?:our|independent) journalism|"
    r"(?:get|sign up for) (?:our|the) (?:\w+ )?newsletter|"
    r"(?:don't|do not) miss (?:a|any|the)|want more\b)",
    re.IGNORECASE,
)
_SUBSCRIBE_MAX_WORDS = 25

_TOC = re.compile(
    r"^(?:table of contents|contents|in this (?:article|story|post)|jump to|on this page|"
    r"inhalt|inhaltsverzeichnis|sommaire|table des matières|índice|contenido|indice|"
    r"содержание)\s*:?$",
    re.IGNORECASE,
)
_TOC_MAX_ENTRY_WORDS = 14
_TOC_KEYS = (
    "contents", "in this article", "in this story", "in this post", "jump to", "on this page",
    "inhalt", "inhaltsverzeichnis", "sommaire", "table des",
    "índice", "contenido", "indice", "содержание",
)  # fmt: skip

# "© 2024 Example Gazette", "Copyright 2019 ...", "... All rights reserved."
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)\s*(?:\d{4}|[A-Z])", re.IGNORECASE)
_RESERVED = re.compile(r"\ball rights reserved\b", re.IGNORECASE)
_CRUMB_CHARS = re.compile(r"[›»>→/|•·]")
# A line that is an HTML tag (or a run of them) left in scraped text: a tracking pixel,
# an embed, a stray "<div ...>". Its text content, if any, is at most a few words.
_MARKUP = re.compile(
    r"^(?:<(?:img|div|span|script|iframe|a|p|br|hr|link|meta|source|picture|figure|noscript|"
    r"style|input|button|svg|path|ins|video|audio|embed|object|param|section|article|header|"
    r"footer|nav|aside|ul|li|table|tr|td)\b[^<>]{0,2000}/?>|</[a-z]{1,10}>)",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^<>]{1,2000}>")
# Bylines: "By Jane Doe", "By Jane Doe, Reuters", "by Tom Rogan", "Jane Doe, Reuters",
# "Jane Doe | Reuters". Metadata, not a defect: removed with an info flag.
_BYLINE = re.compile(
    r"^(?:[Bb]y|BY|[Vv]on|[Pp]ar|[Pp]or|[Dd]oor)\s+(?:the\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,4}"
    r"(?:\s*(?:,|\||and|&|und|et|y)\s*[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,4}){0,3}$"
)
_NAME_AGENCY = re.compile(
    r"^[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){1,3}\s*[,|]\s*(?P<agency>[^,|]{2,40})$"
)
# Prefilter keys (whole words or phrases) for the regex checks below.
_SKIP_KEYS = (
    "skip", "jump", "zum inhalt", "zur navigation", "direkt", "aller", "passer", "saltar",
    "ir al", "vai", "salta", "pular", "ir para", "перейти", "naar", "przejdź",
)  # fmt: skip
_SUBSCRIBE_KEYS = (
    "subscribe", "sign up", "register", "log in", "login", "sign in", "join", "become",
    "already", "create", "get full", "get unlimited", "unlock", "trial", "you have",
    "you've", "this article", "this story", "this content", "to continue", "support",
    "newsletter", "miss", "want more",
)  # fmt: skip
_COOKIE_KEYS = ("cookie", "cookies", "by continuing", "by using")
# Breadcrumb separators. "/" only counts when the first item says "Home".
_CRUMB_SEP = re.compile(r"\s+(?:›|»|>|→|/|\||•|·)\s+|\s*[›»→]\s*")
_HOME = frozenset({"home", "homepage", "start", "startseite", "accueil", "inicio", "главная"})
_AGENCY_NAMES = AGENCIES
_AGENCY_WORDS = (*AGENCY_PHRASES, "associated press", "news service", "news agency", "staff")
# Menu phrases a footer row is made of, longest first (for the greedy parse in _menu_row).
_ROW_PHRASES = sorted(
    (tuple(p.split()) for p in _MENU_STRONG_PHRASES | _MENU_STRONG), key=len, reverse=True
)
_ROW_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _phrase in _ROW_PHRASES:
    _ROW_BY_FIRST.setdefault(_phrase[0], []).append(_phrase)


def menu_item(s: str) -> int:
    """2 for a strong menu item, 1 for a section name, 0 otherwise (s is normalised)."""
    return _menu_item(s)


def ui_label(norm: str) -> bool:
    """A page-interface label ("Read more", "View Comments", "5 min read")."""
    return _ui_label(norm)


def _menu_item(s: str) -> int:
    """2 for a strong menu item, 1 for a section name, 0 otherwise (s is normalised)."""
    if s in _MENU_STRONG or s in _MENU_STRONG_PHRASES:
        return 2
    if s in _MENU_WEAK or s in _MENU_WEAK_PHRASES:
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
    if not words or len(words) > 12 or _SHARE_CORE.isdisjoint(words):
        return False
    return all(w in _SHARE_VOCAB for w in words)


def _menu_row(norm: str) -> bool:
    """A footer row of 2+ account/legal links run together ("Terms of Service Privacy
    Notice"): the line parses completely into known strong menu phrases."""
    words = norm.replace("|", " ").replace("·", " ").replace("•", " ").split()
    if not 3 <= len(words) <= 16:
        return False
    if words[0] not in _ROW_BY_FIRST:
        return False
    items = k = 0
    while k < len(words):
        for phrase in _ROW_BY_FIRST.get(words[k], ()):
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
    if not _MARKUP.match(s):
        return False
    return len(_TAG.sub(" ", s).split()) <= 3


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
    if _BYLINE.match(s.rstrip(".")):
        return True
    m = _NAME_AGENCY.match(s)
    if m is None:
        return False
    agency = m.group("agency").strip().lower()
    return agency in _AGENCY_NAMES or any(a in agency for a in _AGENCY_WORDS)


def _breadcrumb(s: str) -> bool:
    """Home › Section › Subsection, or a row of menu items separated by pipes or bullets."""
    if len(s) > 200 or len(s.split()) > 16:
        return False
    parts = [p.strip().lower() for p in _CRUMB_SEP.split(s) if p.strip()]
    if len(parts) < 3 or any(len(p.split()) > 4 for p in parts):
        return False
    if parts[0] in _HOME:
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
    }
    skip = set(page.lines_with(_SKIP_KEYS))
    share = set(page.lines_with(_SHARE_CORE))
    subscribe = set(page.lines_with(_SUBSCRIBE_KEYS))
    cookie = set(page.lines_with(_COOKIE_KEYS))
    copyright = set(page.lines_with(("©", "copyright", "(c)", "rights reserved")))
    for i in page.nonblank:
        s = page.stripped[i]
        w = page.n_words[i]
        if w > _COOKIE_MAX_WORDS:
            continue
        body = page.body[i]
        reason = ""
        if s[:1] == "<" and _markup(s):
            reason = "markup"
        elif w <= 8 and i in skip and _SKIP_LINK.match(body):
            reason = "skip"
        elif w <= 12 and i in share and _share_bar(page, i):
            reason = "share"
        elif w <= 8 and _ui_label(page.norm(i)):
            reason = "ui"
        elif (
            w <= _SUBSCRIBE_MAX_WORDS
            and i in subscribe
            and _SUBSCRIBE.match(body)
            and not _article_like(page, i)
        ):
            reason = "subscribe"
        elif i in cookie and _cookie(page, i):
            reason = "cookie"
        elif (w <= 16 and _CRUMB_CHARS.search(s) and _breadcrumb(s)) or (
            3 <= w <= 16 and not ends_sentence(s) and _menu_row(page.norm(i))
        ):
            reason = "crumb"
        elif (
            w <= 30
            and i in copyright
            and (_RESERVED.search(s) or (_COPYRIGHT.match(s) and not page.prose[i]))
        ):
            reason = "copyright"
        if reason:
            hits[reason].append(i)
    return hits


def _ui_label(norm: str) -> bool:
    """A page-interface label: a known one, or a reading time / player time / count."""
    if norm in _UI_LABELS:
        return True
    # Every pattern alternative has a digit, or starts with one of these words.
    if not any(ch.isdigit() for ch in norm[:40]) and not norm.startswith(_UI_STARTS):
        return False
    return _UI_PATTERN.match(norm) is not None


def _cookie(page: Page, i: int) -> bool:
    """A cookie banner sentence or button, not a sentence of an article about cookies."""
    s = page.stripped[i]
    if page.n_words[i] <= _COOKIE_BUTTON_MAX_WORDS and _COOKIE_BUTTON.search(s):
        return True
    m = _COOKIE_SENTENCE.search(s)
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
    for i in page.lines_with(_TOC_KEYS):
        if page.n_words[i] > 5 or not _TOC.match(page.norm(i) or "-"):
            continue
        if later is None:
            later = {}
            for k in page.nonblank:
                if page.n_words[k] <= _TOC_MAX_ENTRY_WORDS:
                    later.setdefault(page.norm(k), []).append(k)
        # Entries: following short lines that reappear later as headings.
        end = i
        j = page.next_nonblank(i)
        while (
            j < len(page.lines)
            and page.n_words[j] <= _TOC_MAX_ENTRY_WORDS
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
        "copyright": "copyright notice of the site (page footer), not article text",
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
