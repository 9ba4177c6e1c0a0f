"""Headlines without a model: the article's own title line, else its lead cut to a headline's
length."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from .metadata.dates import find_dates

MAX_WORDS = 15
# Summary.headline's schema limit. Fifteen words can be longer (one 161-letter "word" made
# record assembly raise a ValidationError; found by the fuzz tier, issue 12).
MAX_CHARS = 160
# "ERBIL, Kurdistan Region of Iraq - " / "LONDON (Reuters) — ": a dateline, not news.
_DATELINE = re.compile(
    r"^[A-Z][A-Z .'’-]{2,40}(?:,[^-–—:]{0,60})?(?:\s*\([^)]{1,40}\))?\s*[-–—:]\s+"
)
_QUOTE_CHARS = "\"'“”‘’«»"
# Places where a long sentence can end early and still read as a statement.
_BREAKS = re.compile(
    r",|;|:| - | – | — |\s(?:which|who|while|after|as|amid|following|because|but|according)\s"
)


# "In a dramatic escalation of the war, Turkey has ...": the news is after the comma.
_INTRO = re.compile(
    r"^(?:In|As|After|Despite|Following|Amid|With|On|At|During|While|Since|Although|Though|"
    r"When|Before|Meanwhile|However|Earlier|Later|Last|This|Shortly)\b[^,]{0,90},\s+(?=\S)"
)


def fit_headline(text: str, max_chars: int = MAX_CHARS) -> str:
    """text, cut at a word boundary (or inside one enormous word) to at most max_chars."""
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    space = cut.rfind(" ")
    if space >= max_chars // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + "…"


def headline_from_sentence(sentence: str, max_words: int = MAX_WORDS) -> str:
    """A headline of at most `max_words` words (and MAX_CHARS characters) made only of the
    sentence's own words."""
    return fit_headline(_headline(sentence, max_words))


def _headline(sentence: str, max_words: int) -> str:
    text = _DATELINE.sub("", " ".join(sentence.split()), count=1).strip()
    if len(text.split()) > max_words:
        rest = _INTRO.sub("", text, count=1)
        if rest != text and len(rest.split()) >= 5:
            text = rest[0].upper() + rest[1:]
    words = text.split()
    if len(words) <= max_words:
        return text.rstrip(" .")
    limit = len(" ".join(words[:max_words]))
    cut = None
    for match in _BREAKS.finditer(text):
        if match.start() > limit:
            break
        if len(text[: match.start()].split()) >= 6:
            cut = match.start()
    if cut is not None:
        return text[:cut].strip(" ,;:-–—" + _QUOTE_CHARS)
    return " ".join(words[:max_words]).rstrip(",;:-–—") + "…"


# Lines at a page's top that look like titles and are not: a consent banner, a press-release
# slug, markup left in the text (all seen in the eval fixtures' page tops).
_NOT_TITLE = re.compile(
    r"^(?:welcome to\b|for immediate release\b|skip to\b|advertisement\b|photo\b|image\b)"
    r"|[<>{}]|https?://",
    re.IGNORECASE,
)
_CLOSING = (".", "!", "?", ":", '"', "”", ")")
_WEEKDAY = re.compile(r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?", re.IGNORECASE)
# How far down the kept lines a title may sit (below a dateline, a byline or a date).
_TITLE_SEARCH_LINES = 4


def _shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) > 0.7


def _reads_as_title(text: str) -> bool:
    words = text.split()
    if not 3 <= len(words) <= 20 or text.endswith(_CLOSING):
        return False
    dates = find_dates(text)
    weekday = _WEEKDAY.match(text)
    if dates and dates[0].start <= (weekday.end() if weekday else 0):
        return False  # a line that opens with a date is a page's date stamp
    if _NOT_TITLE.search(text) or _shouting(text):
        return False
    wordy = sum(any(c.isalpha() for c in w) for w in words)
    return wordy / len(words) >= 0.6  # not a time stamp or a row of numbers


def title_line(lines: Sequence[str], kept: Sequence[int], skip: Collection[int] = ()) -> str | None:
    """The article's title when its text opens with one: among the first kept lines, before
    the first line of prose, a short line without closing punctuation that is not a banner,
    a slug, markup or a time stamp. `skip`: lines known to be a byline, date or dateline."""
    if len(kept) < 2:
        return None
    for n in kept[:_TITLE_SEARCH_LINES]:
        text = " ".join(lines[n - 1].split())
        if n in skip or not text:
            continue
        if _reads_as_title(text):
            return text
        if text.endswith((".", "!", "?")) and len(text.split()) > 20:
            return None  # prose has begun: a title below it is not the article's
    return None
