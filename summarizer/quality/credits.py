"""Media credits: photo credits and their captions, bare short/share URLs, editor initials
and agency lines ("es/rmt (AP, AFP, Reuters)").

A credit is recognised by its shape: a label ("Image:", "Photo:", "Foto:") followed by a
short name-like tail, a "Name/AGENCY" pair, a line that is only a URL, or initials
separated by slashes. A credit run into the end of a line ("...remarksImage: X/Y/Z")
makes the text before it a caption when that text is short; a long sentence before a
run-in credit is kept (flagged, not removed), since it may be article prose.
"""

from __future__ import annotations

import re

from ..schemas import FlagKind, Severity
from .base import Finding, Page, ends_sentence, excerpt, quoted, runs, wordset

_CREDIT_LABEL = (
    r"(?:image|images|photo|photos|photograph|photography|picture|pictures|pic|foto|fotos|"
    r"bild|bilder|credit|credits|photo credit|image credit|image source|copyright|"
    r"fotografía|imagen|immagine|crédit photo|crédits photo|source image)"
)
# A whole line that is a credit: "Image: A. Name/AGENCY", "Photo: Reuters", "© AFP".
_CREDIT_LINE = re.compile(
    rf"^(?:{_CREDIT_LABEL}\s*(?::|©)|©|\(c\)|\((?:photo|image|picture)s? (?:by|credit|courtesy)\b)"
    r"\s*([^\n]{1,150})$",
    re.IGNORECASE,
)
_CREDIT_BY = re.compile(
    r"^\(?(?:photo|image|picture|video)s? (?:by|courtesy(?: of)?|credit)\s*:?\s+\S[^\n]{0,150}$",
    re.IGNORECASE,
)
# A credit run into the end of the previous text: "...remarksImage: Valeriy Sharifulin/IMAGO/SNA".
# The label is capitalised and glued to a word or set off by a space; the tail is short.
_RUN_IN = re.compile(
    r"(?:(?<=[^\s:])|\s)(Image|Images|Photo|Photos|Foto|Fotos|Bild|Picture|Credit|Photograph)"
    r"\s?:\s?([^:\n]{2,100})$"
)
AGENCIES = wordset(
    """ap afp reuters dpa epa kna epd efe ansa xinhua tass ria upi pa ians pti ani bloomberg
    getty gettyimages imago sna anadolu aa sipa zuma shutterstock alamy istock
    picture-alliance ap/dpa keystone belga anp abaca rex eyevine bbc cnn dw nyt"""
)
AGENCY_PHRASES = (
    "getty images", "picture alliance", "picture-alliance", "associated press",
    "press association", "via reuters", "via getty", "ap photo", "afp photo", "reuters/",
    "/reuters", "/afp", "/ap", "/imago", "/dpa", "/epa", "/getty", "imago images",
)  # fmt: skip
_AGENCIES = AGENCIES
_AGENCY_PHRASES = AGENCY_PHRASES
_URL_ONLY = re.compile(
    r"^(?:(?:short ?link|short url|permalink|link|url|share link|kurz-url|kurzlink)\s*:\s*)?"
    r"<?(?:https?://|www\.)\S{3,2000}>?$",
    re.IGNORECASE,
)
# Credits at the end of a caption, after its last sentence: "... (Source: NASA)",
# "... plumes. (NASA's Goddard Space Flight Center/David Ladd)", "... 2019. © Reuters / David
# Mercado", "... Austria.Leonhard Foeger / Reuters file".
_TAIL_CREDIT = re.compile(
    r"(?<=[.!?\"”’)])\s*(?P<credit>"
    r"\((?i:source|credit|photo|image|picture|foto|bild|quelle)s?\s*:\s*[^()]{2,80}\)|"
    r"\([A-Z][^()]{1,80}/\s?[A-Z][^()]{1,60}\)|"
    r"©\s?[A-Z][^©]{1,80}|"
    r"[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){0,3} ?/ ?(?:Reuters|AP|AFP|EPA|dpa|Getty Images|"
    r"Bloomberg|Shutterstock|AP Photo|Xinhua|Anadolu|Sipa|Zuma|Imago)(?: file| pool| photo)?"
    r")\s*$"
)
# Syndication notes: "This article was originally published by Futurism. Read the original
# article." (a credit for the text, as a photo credit is for the image).
_SYNDICATION = re.compile(
    r"^(?:this (?:article|story|piece|post|report) (?:was |is |has been )?(?:originally |first )"
    r"(?:published|appeared|posted)|originally (?:published|appeared) (?:by|in|on|at)|"
    r"(?:republished|reprinted) (?:with permission )?from)\b",
    re.IGNORECASE,
)
_SYNDICATION_MAX_WORDS = 30
# "Michael Conroy, AP", "Natalie Naccache | Bloomberg | Getty Images": a name and agencies.
_NAME_PARTS = re.compile(r"\s*[,|]\s*")
# Editor initials: "es/rmt", "dh/rs (dpa, AFP)", "(jsi/sms)".
_INITIALS = re.compile(r"^\(?[a-z]{1,4}(?:/[a-z]{1,4}){1,3}\)?(?:\s*\(([^()\n]{1,80})\))?$")
# Agency-only lines: "(AP, AFP, Reuters)", "— AFP", "With AFP", "-- Reuters".
_AGENCY_LINE = re.compile(
    r"^(?:with|mit|avec|con|—|–|-|--)?\s*\(?([^()\n]{1,80})\)?$", re.IGNORECASE
)
_SPLIT_AGENCIES = re.compile(r"\s*(?:,|/|&|\band\b|\bund\b|\bet\b|\by\b)\s*", re.IGNORECASE)
# First characters of a standalone credit line (its label, "©" or "(Photo by").
_CREDIT_FIRST = frozenset("IiPpFfBbCcSs©(")
_AGENCY_GLUE = frozenset({"with", "mit", "avec", "con", "and", "und", "et", "y"})
# Credit labels a run-in credit starts with (case-sensitive, as they appear glued to text).
_RUN_IN_LABELS = ("Image", "Photo", "Foto", "Bild", "Picture", "Credit")
# Text before a run-in credit longer than this may be article prose: kept.
_MAX_CAPTION_WORDS = 30
# A news-agency photo caption: a description dated with the weekday and the full date,
# "... speaks with a business owner during a campaign stop, Tuesday, Nov. 19, 2019, in
# Columbia, S.C." Article prose names the day alone ("on Tuesday"); when it gives the full
# date it usually reports speech or plans, hence the verbs that rule a line out.
_CAPTION_DATE = re.compile(
    r"(?:,|\bon) (?:mon|tues|wednes|thurs|fri|satur|sun)day,? "
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}\b",
    re.IGNORECASE,
)
_CAPTION_NOT = re.compile(r"\b(?:said|says|say|will|would|told|according)\b", re.IGNORECASE)
_CAPTION_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_AGENCY_CAPTION_WORDS = (10, 60)
_MAX_CREDIT_WORDS = 10
_EXTRA_AGENCIES = frozenset(
    {
        "bloomberg",
        "associated press",
        "the associated press",
        "getty images",
        "afp via getty images",
    }
)


def _agency_list(s: str) -> bool:
    """True when s is nothing but news agency names ("AP, AFP, Reuters")."""
    parts = [p.strip(" .").lower() for p in _SPLIT_AGENCIES.split(s) if p.strip(" .")]
    return bool(parts) and len(parts) <= 8 and all(p in _AGENCIES for p in parts)


def _credit_tail(tail: str) -> bool:
    """Does the text after a credit label look like a credit (names, agencies), not a sentence?"""
    t = tail.strip()
    words = t.split()
    if not words or len(words) > _MAX_CREDIT_WORDS:
        return False
    low = t.lower()
    if "/" in t or any(a in low for a in _AGENCY_PHRASES):
        return True
    if _agency_list(t):
        return True
    # Two to six capitalised words, no sentence punctuation: a photographer's name.
    if ends_sentence(t) and len(words) > 3:
        return False
    caps = sum(1 for w in words if w[:1].isupper() or w[:1] in "©(")
    return caps >= max(1, len(words) - 1)


def _credit_line(body: str) -> bool:
    """A standalone credit line (body: the line without its list marker)."""
    if len(body) > 200:
        return False
    m = _CREDIT_LINE.match(body)
    if m and _credit_tail(m.group(1)):
        return True
    if _CREDIT_BY.match(body) and len(body.split()) <= 14:
        return True
    if "/" not in body and "hoto" not in body:
        return False
    low = body.lower()
    # "John Smith/Getty Images", "AP Photo/Jane Doe".
    return (
        len(body.split()) <= 8
        and not ends_sentence(body)
        and any(a in low for a in _AGENCY_PHRASES)
    )


def _initials_or_agency(page: Page, i: int) -> bool:
    """Editor initials with optional agencies, or a line of agency names only."""
    s = page.stripped[i]
    if len(s) > 100:
        return False
    if "/" in s:
        m = _INITIALS.match(s)
        if m:
            return m.group(1) is None or _agency_list(m.group(1))
    words = page.words(i)
    if not words or not all(w in _AGENCIES or w in _AGENCY_GLUE for w in words):
        return False
    agency = _AGENCY_LINE.match(s)
    return agency is not None and _agency_list(agency.group(1))


def run_in_credit(s: str) -> int:
    """Where a photo credit run into the end of s starts, or -1."""
    if len(s) > 2000:
        return -1
    if ":" in s and any(x in s for x in _RUN_IN_LABELS):
        m = _RUN_IN.search(s)
        if m and _credit_tail(m.group(2)):
            return m.start(1)
    tail = _tail_credit(s)
    return tail.start("credit") if tail else -1


def _tail_credit(s: str) -> re.Match[str] | None:
    """A credit after a caption's last sentence ("(Source: NASA)", "© Reuters / Name")."""
    if not s or s[-1] not in ")abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
        return None
    if "(" not in s[-90:] and "©" not in s[-90:] and "/" not in s[-60:]:
        return None
    return _TAIL_CREDIT.search(s, max(0, len(s) - 120))


def name_credit(s: str) -> bool:
    """A credit line made of a person's name and agencies: "Michael Conroy, AP",
    "Natalie Naccache | Bloomberg | Getty Images" (also the shape of a byline)."""
    if len(s) > 80 or ("," not in s and "|" not in s) or ends_sentence(s):
        return False
    parts = [p for p in _NAME_PARTS.split(s) if p]
    if not 2 <= len(parts) <= 4 or len(s.split()) > 9:
        return False
    name = parts[0].split()
    if not 2 <= len(name) <= 4 or not all(w[:1].isupper() for w in name):
        return False
    rest = [p.lower() for p in parts[1:]]
    return all(p in _AGENCIES or any(a in p for a in _AGENCY_PHRASES) or p in _EXTRA_AGENCIES
               for p in rest)  # fmt: skip


def detect(page: Page) -> list[Finding]:
    """Media-credit findings (warnings, removing) and kept run-in credits (info)."""
    url_lines: list[int] = []
    initials: list[int] = []
    out: list[Finding] = []
    credit_at: list[tuple[int, str]] = []  # (line, "line" | "name" | "run-in" | "syndication")
    # Agency lines need an agency name somewhere on the page, or a slash (initials).
    agencies = not _AGENCIES.isdisjoint(page.vocab)
    for i in page.nonblank:
        s = page.stripped[i]
        w = page.n_words[i]
        body = page.body[i]
        if w <= 3 and ("://" in s or "www." in s) and _URL_ONLY.match(s):
            url_lines.append(i)
        elif w <= _SYNDICATION_MAX_WORDS and s[:1] in "TtOoRr" and _SYNDICATION.match(s):
            credit_at.append((i, "syndication"))
        elif w <= 10 and (agencies or "/" in s) and _initials_or_agency(page, i):
            initials.append(i)
        elif w <= 16 and (body[:1] in _CREDIT_FIRST or "/" in body) and _credit_line(body):
            credit_at.append((i, "line"))
        elif (
            w <= 9
            and name_credit(s)
            and (prev := page.prev_nonblank(i)) >= 0
            and page.n_words[prev] >= 6
            and (ends_sentence(page.stripped[prev]) or page.n_words[prev] >= 12)
        ):
            # A name and an agency right under a sentence: the photo credit of a caption
            # (at the top of an article the same shape is a byline; navigation takes it).
            credit_at.append((i, "name"))
        elif len(s) <= 2000 and (cut := run_in_credit(s)) > 0:
            if len(s[:cut].split()) <= _MAX_CAPTION_WORDS:
                credit_at.append((i, "run-in"))
            else:
                out.append(
                    Finding(
                        FlagKind.media_credit,
                        Severity.info,
                        i + 1,
                        i + 1,
                        "photo credit run into the end of a long line that may be article "
                        "prose (a long caption); the line is kept",
                        removed=False,
                        evidence=excerpt(s, cut, len(s)),
                    )
                )
    credited = {j for j, _ in credit_at}
    lo, hi = _AGENCY_CAPTION_WORDS
    for i in page.lines_with(_CAPTION_KEYS):
        s = page.stripped[i]
        if (
            lo <= page.n_words[i] <= hi
            and i not in credited
            and (m := _CAPTION_DATE.search(s)) is not None
            and not quoted(s, m.start())
            and _CAPTION_NOT.search(s) is None
        ):
            credit_at.append((i, "agency caption"))
    for a, b in runs(url_lines, page):
        out.append(
            Finding(
                FlagKind.navigation_boilerplate,
                Severity.warning,
                a + 1,
                b + 1,
                "bare short/share URL on a line of its own, not article text",
                removed=True,
            )
        )
    for a, b in runs(initials, page):
        out.append(
            Finding(
                FlagKind.media_credit,
                Severity.warning,
                a + 1,
                b + 1,
                "editor initials and news-agency credit line, not article text",
                removed=True,
            )
        )
    taken = set(url_lines) | set(initials)
    for i, how in credit_at:
        start = i
        prev = i - 1
        # The caption sits right above its credit, in the same block: only trusted on pages
        # whose blocks are separated by blank lines, where adjacency really means "together".
        if (
            how in ("line", "run-in")
            and page.blank_separated
            and prev >= 0
            and page.stripped[prev]
            and prev not in taken
            and 0 < page.n_words[prev] <= _MAX_CAPTION_WORDS
            and prev > 0
        ):
            start = prev
        what = {
            "line": "photo credit",
            "name": "photo credit (photographer and agency) under its caption",
            "syndication": "syndication note (where the article was first published)",
            "run-in": "image caption with its photo credit run into it",
            "agency caption": "image caption in news-agency style (a scene dated with the "
            "weekday and the full date)",
        }[how]
        if start < i:
            what = "image caption and photo credit"
        out.append(
            Finding(
                FlagKind.media_credit,
                Severity.warning,
                start + 1,
                i + 1,
                f"{what}, not article text",
                removed=True,
            )
        )
        taken.update(range(start, i + 1))
    return out
