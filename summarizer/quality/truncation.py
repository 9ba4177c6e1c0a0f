"""Truncated text: the article's last line of prose stops mid-sentence or mid-word.

Only the last non-blank line that survives the removals is checked, and only when it reads
as running text (a long line): a heading, a date or a short label at the end is normal.
The flag describes the article and removes nothing.
"""

from __future__ import annotations

import re

from ..schemas import FlagKind, Severity
from .base import CLOSERS, Finding, Page, ends_sentence, excerpt
from .credits import run_in_credit

# Teaser endings: an ellipsis, "[...]" or "Read more" after cut text.
_ELLIPSIS_END = re.compile(r"(?:\.\.\.|…|\[\s*(?:\.\.\.|…)\s*\])\s*$")
_HYPHEN_END = re.compile(r"\w[-‐]$")
# A line this long without final punctuation is prose that was cut, not a heading.
_MIN_WORDS = 12


def detect(page: Page, removed: set[int]) -> list[Finding]:
    """A warning on the last kept line when it is prose that stops without ending."""
    last = -1
    for i in reversed(page.nonblank):
        if i not in removed and page.in_main(i):
            last = i
            break
    if last < 0:
        return []
    s = page.stripped[last]
    if page.n_words[last] < _MIN_WORDS:
        return []
    cut = run_in_credit(s)
    if cut > 0:
        # A photo credit glued to the end is not where the sentence stops.
        s = s[:cut].rstrip()
    if _ELLIPSIS_END.search(s):
        why = "ends with an ellipsis after cut-off text"
    elif _HYPHEN_END.search(s):
        why = "stops in the middle of a word"
    elif not ends_sentence(s) and s.rstrip(CLOSERS)[-1:] not in ":;,—–":
        last_word = s.split()[-1]
        why = f"stops mid-sentence (last word {last_word!r}, no final punctuation)"
    elif s.rstrip(CLOSERS)[-1:] in ",;—–":
        why = "stops after a comma or dash, mid-sentence"
    else:
        return []
    return [
        Finding(
            FlagKind.truncated_text,
            Severity.warning,
            last + 1,
            last + 1,
            f"the article's last line {why}: the text looks truncated; kept as is",
            removed=False,
            evidence=excerpt(s, max(0, len(s) - 120), len(s), context=0),
        )
    ]
