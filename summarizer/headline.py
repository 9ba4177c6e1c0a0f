"""Extractive headlines: a sentence the model chose, cut down to a headline's length."""

from __future__ import annotations

import re

MAX_WORDS = 15
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


def headline_from_sentence(sentence: str, max_words: int = MAX_WORDS) -> str:
    """A headline of at most `max_words` words made only of the sentence's own words."""
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
