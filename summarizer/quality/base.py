"""Shared pieces of the detectors: the line-addressed Page, the Finding record, text helpers.

Every detector takes a Page and returns Findings. A Finding is the detector-side form of a
schemas Flag: 1-based inclusive line span, kind, severity, explanation, and whether the lines
are removed from the clean text. Evidence is filled in from the lines when the report is built.

All regexes in this package are compiled once at import and kept linear: no nested
quantifiers, and any bounded repetition is short. Per-line facts are computed once here so
that the detectors stay cheap (the target is hundreds of articles per second on one core).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from ..lines import split_lines
from ..months import LONG_MONTH_NAMES
from ..schemas import FlagKind, Severity

# A sentence ends with one of these (Latin, CJK, Arabic, Devanagari full stops included),
# possibly followed by closing quotes or brackets.
END_PUNCT = frozenset(".!?…。！？؟۔।")
CLOSERS = "\"'”’»)]}*_ "
# Closing quotes and brackets after a line's last word (fewer than CLOSERS: no markdown).
TAIL = "\"'”’»)] "
# A byline's opening word in the eight languages ("By Jane Doe", "Von ...", "Par ...").
BYLINE = re.compile(
    r"^(?:by|von|par|por|di|door|av|af|written by|posted by|reporting by|author:)\s+\S",
    re.IGNORECASE,
)
_LONG_MONTH = "(?:" + "|".join(sorted(map(re.escape, LONG_MONTH_NAMES), key=len, reverse=True))
_LONG_MONTH += ")"
# A date in a line: English month abbreviations or any of the eight languages' month names
# next to a day ("Nov 19", "10 de março", "14. Dezember"), numeric and ISO dates, weekdays.
DATE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}\b|"
    r"\b\d{1,2}\.? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|"
    # (The lookahead spares trying every month name at every word: four times faster.)
    rf"\b\d{{1,2}}(?:\.|º|er)?\s+(?:de\s+)?{_LONG_MONTH}\b|"
    rf"\b(?=\w{{4,}}\s+\d){_LONG_MONTH}\s+\d{{1,2}}\b|"
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|"
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)

# Leading list markers: bullets, dashes, or "1." / "2)" numbering.
_MARKER = re.compile(r"^\s*(?:[-*•·▪‣◦–—>]+|\d{1,3}[.)])\s+")
# Stripped from the edges of words (with digits: "2024" and "12" are not words).
_WORD_EDGE = "\"'“”‘’«»„‚‹›()[]{}<>.,;:!?…—–-*•·/\\|#@&%$€£+=~^_`0123456789"
# Stripped from the edges of tokens for the page vocabulary.
_EDGE_PUNCT = "\"'“”‘’«»„‚‹›()[]{}<>.,;:!?…—–-*•·/\\|#@&%$€£+=~^_`"


@functools.lru_cache(maxsize=2048)
def _gate(key: str) -> str:
    """The longest token of a prefilter key (the last of equals), "" when it has none.

    Keys must be whole words: the gate is looked up among the page's tokens.
    """
    best = ""
    for t in key.split():
        t = t.strip(_EDGE_PUNCT)
        if t and len(t) >= len(best):
            best = t
    return best


# Characters a list marker can start with (a cheap check before the regex).
_MARKER_FIRST = frozenset("-*•·▪‣◦–—>0123456789")
# Letters-only words: used for vocabulary checks (digits and punctuation are ignored).
_WORD = re.compile(r"[^\W\d_]+")
# Double quotation marks of several languages; apostrophes are left out on purpose, since
# they are mostly contractions and possessives, not quotes.
_DQUOTES = frozenset('"“”„«»「」')

_OPEN_QUOTES = frozenset("\"“„«‘'‚‹「")

SEVERITY_ORDER = {Severity.info: 0, Severity.warning: 1, Severity.critical: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One detector result: a 1-based inclusive line span and what is wrong with it."""

    kind: FlagKind
    severity: Severity
    start: int
    end: int
    explanation: str
    removed: bool
    # None: the evidence is the spanned lines. Set it to show only the offending part of a
    # long line (for example a call to action at the end of a prose paragraph).
    evidence: str | None = None


def wordset(words: str) -> frozenset[str]:
    """A frozenset of the whitespace-separated words of a vocabulary string."""
    return frozenset(words.split())


def strip_marker(s: str) -> str:
    """The line without a leading bullet or list number."""
    m = _MARKER.match(s)
    return s[m.end() :] if m else s


def words_of(s: str) -> list[str]:
    """Lowercase letter-only words of s."""
    return _WORD.findall(s.lower())


def ends_sentence(s: str) -> bool:
    """True when s ends with sentence punctuation (closing quotes and brackets skipped)."""
    t = s.rstrip(CLOSERS)
    return bool(t) and t[-1] in END_PUNCT


def title_end(s: str) -> bool:
    """True when s ends the way a title does: without sentence punctuation, or with a
    question or exclamation mark (a headline may ask or exclaim, not end with a full stop)."""
    return not ends_sentence(s) or s.rstrip(TAIL).endswith(("?", "!"))


_SENTENCE_END = re.compile(r"[.!?…。！？؟۔।](?=[\s\"'”’»)\]]|$)")


def count_sentence_ends(s: str) -> int:
    """How many sentence-ending punctuation marks are followed by a space, a closer or the end."""
    return len(_SENTENCE_END.findall(s))


# A teaser's blurb under its title (a card's, a chevron link's): 5-50 words, one to three
# sentences.
BLURB_WORDS = (5, 50)
BLURB_SENTENCES = 3


def teaser_blurb(s: str, words: int) -> bool:
    """Does a line of `words` words read as a teaser's blurb (see BLURB_WORDS)?"""
    if not BLURB_WORDS[0] <= words <= BLURB_WORDS[1] or not ends_sentence(s):
        return False
    return count_sentence_ends(s) <= BLURB_SENTENCES


def in_double_quotes(line: str, pos: int) -> bool:
    """True when position pos of line lies inside a double-quoted passage."""
    opened = False
    for ch in line[:pos]:
        if ch in _DQUOTES:
            opened = not opened
    return opened


def quoted(line: str, pos: int) -> bool:
    """True when the text at pos is quoted: inside double quotes, or right after a quote mark."""
    j = pos - 1
    while j >= 0 and line[j] == " ":
        j -= 1
    if j >= 0 and line[j] in _OPEN_QUOTES:
        return True
    return in_double_quotes(line, pos)


def _cjk_count(s: str) -> int:
    """Number of CJK / kana / hangul characters (languages written without spaces)."""
    return sum(1 for ch in s if "\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af")


class Page:
    """The input text split into lines, with per-line facts every detector needs.

    Indexes are 0-based inside the Page; Findings use 1-based line numbers (index + 1).
    `main` is the set of 0-based indexes trafilatura judged to be the article (HTML input),
    or None for plain text.
    """

    __slots__ = (
        "_line_starts",
        "_norm",
        "_vocab",
        "_words",
        "blank_separated",
        "body",
        "first_prose",
        "last_prose",
        "lines",
        "lower",
        "main",
        "n_words",
        "nonblank",
        "prose",
        "stripped",
        "text_lower",
        "total_words",
    )

    def __init__(self, text: str, main_lines: Collection[int] | None = None) -> None:
        self.lines: list[str] = split_lines(text)
        n = len(self.lines)
        self.stripped: list[str] = [line.strip() for line in self.lines]
        self.lower: list[str] = [s.lower() for s in self.stripped]
        self.text_lower = "\n".join(self.lower)
        self._vocab: frozenset[str] | None = None
        self._line_starts: list[int] | None = None
        self._words: dict[int, list[str]] = {}
        self._norm: dict[int, str] = {}
        # The line without a leading bullet or list number.
        self.body: list[str] = [
            strip_marker(s) if s[:1] in _MARKER_FIRST else s for s in self.stripped
        ]
        self.n_words: list[int] = [len(s.split()) for s in self.stripped]
        self.nonblank: list[int] = [i for i, s in enumerate(self.stripped) if s]
        self.total_words = sum(self.n_words)
        self.main: frozenset[int] | None = (
            frozenset(m - 1 for m in main_lines if 1 <= m <= n) if main_lines is not None else None
        )
        self.prose: list[bool] = [self._is_prose(i) for i in range(n)]
        self._mark_wrapped_paragraphs()
        prose_idx = [i for i in range(n) if self.prose[i] and self.in_main(i)]
        self.first_prose = prose_idx[0] if prose_idx else n
        self.last_prose = prose_idx[-1] if prose_idx else -1
        # Scraped pages often put a blank line between blocks; adjacency of two non-blank
        # lines then means they belong together (a caption and its credit, say).
        followed = sum(1 for i in self.nonblank if i + 1 < n and not self.stripped[i + 1])
        self.blank_separated = len(self.nonblank) >= 4 and followed >= 0.6 * (
            len(self.nonblank) - 1
        )

    def _is_prose(self, i: int) -> bool:
        """Does line i read as running text (sentences), not a label, title or menu item?"""
        s = self.stripped[i]
        w = self.n_words[i]
        if w >= 8 and ends_sentence(s):
            return True
        if w >= 20:
            return True
        # Languages without spaces between words: count characters instead.
        return len(s) >= 30 and w < 8 and _cjk_count(s) >= 20

    def _mark_wrapped_paragraphs(self) -> None:
        """Mark the lines of hard-wrapped paragraphs (e-mail style text) as prose.

        A wrapped paragraph is a block of 2+ consecutive lines of 6+ words each, 25+ words
        in all, with at least one sentence end. Its lines rarely end a sentence themselves,
        so line by line they would not read as prose; the block does.
        """
        n = len(self.lines)
        i = 0
        while i < n:
            if self.n_words[i] < 6 or _MARKER.match(self.stripped[i]):
                i += 1
                continue
            j = i
            words = 0
            has_end = False
            while (
                j < n and self.n_words[j] >= 6 and not (j > i and _MARKER.match(self.stripped[j]))
            ):
                words += self.n_words[j]
                has_end = has_end or count_sentence_ends(self.stripped[j]) > 0
                j += 1
            if j - i >= 2 and words >= 25 and has_end:
                for k in range(i, j):
                    self.prose[k] = True
            i = j

    def words(self, i: int) -> list[str]:
        """Lowercase words of line i, edge punctuation and digits stripped (computed once).

        str.split plus strip, not a regex: several times faster on long lines, and the
        detectors only need words for vocabulary lookups ("e-mail" stays one word).
        """
        w = self._words.get(i)
        if w is None:
            w = self._words[i] = [
                t for t in (x.strip(_WORD_EDGE) for x in self.lower[i].split()) if t
            ]
        return w

    def norm(self, i: int) -> str:
        """Line i lowercased, without list marker or edge decoration, whitespace collapsed."""
        t = self._norm.get(i)
        if t is None:
            t = self.body[i].strip().strip("|•·›»>:–—-").strip().lower()
            if "  " in t or "\t" in t:
                t = " ".join(t.split())
            self._norm[i] = t
        return t

    @property
    def vocab(self) -> frozenset[str]:
        """Every whitespace-separated token of the text, lowercased, edge punctuation stripped."""
        if self._vocab is None:
            self._vocab = frozenset(w.strip(_EDGE_PUNCT) for w in set(self.text_lower.split()))
        return self._vocab

    def lines_with(self, keys: Iterable[str]) -> list[int]:
        """Sorted 0-based non-blank lines whose lowercase text contains any of keys.

        A cheap prefilter for the regex detectors. A key is only looked for line by line
        when its longest word is a token of the page (one set lookup); keys without letters
        ("<|", "##") are looked up in the whole text.
        """
        vocab = self.vocab
        present = []
        for key in keys:
            gate = _gate(key)
            if (gate in vocab) if gate else (key in self.text_lower):
                present.append(key)
        if not present:
            return []
        # Each occurrence is found with str.find over the whole text and mapped to its line.
        text = self.text_lower
        starts = self._starts()
        found: set[int] = set()
        for key in present:
            pos = text.find(key)
            while pos >= 0:
                i = bisect.bisect_right(starts, pos) - 1
                found.add(i)
                # One hit per line is enough: continue from the next line.
                pos = text.find(key, starts[i + 1]) if i + 1 < len(starts) else -1
        return sorted(found)

    def first_matches(
        self, keys: Iterable[str], pattern: re.Pattern[str], *, max_chars: int = 20_000
    ) -> Iterator[tuple[int, str, re.Match[str]]]:
        """(line, stripped text, first match) for each line that holds one of keys and a match.

        Lines longer than max_chars are skipped: a single line that long is not a phrase
        pasted into an article, and searching it would cost more than the page is worth.
        """
        for i in self.lines_with(keys):
            s = self.stripped[i]
            if len(s) > max_chars:
                continue
            m = pattern.search(s)
            if m:
                yield i, s, m

    def _starts(self) -> list[int]:
        """Offsets in text_lower where each line starts."""
        if self._line_starts is None:
            starts = [0]
            for line in self.lower[:-1]:
                starts.append(starts[-1] + len(line) + 1)
            self._line_starts = starts
        return self._line_starts

    def in_main(self, i: int) -> bool:
        """True when line i is part of the article (always true for plain text)."""
        return self.main is None or i in self.main

    def prev_nonblank(self, i: int) -> int:
        """Index of the closest non-blank line before i, or -1."""
        j = i - 1
        while j >= 0 and not self.stripped[j]:
            j -= 1
        return j

    def next_nonblank(self, i: int) -> int:
        """Index of the closest non-blank line after i, or len(lines)."""
        j = i + 1
        n = len(self.lines)
        while j < n and not self.stripped[j]:
            j += 1
        return j


def runs(indexes: Iterable[int], page: Page) -> list[tuple[int, int]]:
    """Group sorted 0-based line indexes into runs that only blank lines separate."""
    out: list[tuple[int, int]] = []
    start = prev = -2
    for i in indexes:
        if prev >= 0 and page.prev_nonblank(i) == prev:
            prev = i
            continue
        if prev >= 0:
            out.append((start, prev))
        start = prev = i
    if prev >= 0:
        out.append((start, prev))
    return out


def excerpt(text: str, start: int, end: int, *, context: int = 60) -> str:
    """text[start:end] with a little context on each side, elided with an ellipsis."""
    a = max(0, start - context)
    b = min(len(text), end + context)
    head = "…" if a > 0 else ""
    tail = "…" if b < len(text) else ""
    return f"{head}{text[a:b].strip()}{tail}"
