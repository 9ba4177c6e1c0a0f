"""Where a sentence names a target: character spans of the name, its aliases and short forms.

grounding.name_in_text answers "does this text name X?" by any distinctive word; a stance
classifier needs more: *where* the mention is, so it can read the words around it. This
module turns a name (plus caller aliases) into surface forms and finds them with one compiled
regular expression per name, returning spans in the original text.

Surface forms of a name:
- the name and each alias as given;
- for a person-like name ("Bashar al-Assad", "Vladimir Putin", "Recep Tayyip Erdogan"): the
  last word ("al-Assad", "Putin", "Erdogan"), that word without an Arabic article prefix
  ("Assad"), and first + last ("Bashar Assad");
- for a lower-case description of three or more words ("ring road widening"): the words
  before the last ("ring road");
- for an organisation-like name whose last word is a generic head ("Brookmere Water",
  "Chinese Communist Party", "United States"): its initials when there are two or more
  capitalised words ("CCP", "US") and its first word when that word is distinctive
  ("Brookmere"; not "United" or "Chinese").

Forms with a capital letter match case-sensitively ("Turkey", not "turkey"); all-lowercase
names ("tram line") match in any case. Accents are ignored on both sides ("Erdoğan" finds
"Erdogan"), and typographic apostrophes count as "'", so "Assad's" and "Assad’s" both hold a
mention of Assad. Pronouns are not resolved: a sentence that only says "he" is not a mention.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..schemas import Sentence

# Last words that make a name an organisation, place or thing rather than a person: a
# short form by last word would be generic ("Party", "States", "Water").
GENERIC_HEADS = frozenset(
    """agency alliance army assembly association authority bank board brothers bureau campaign
    center centre church city coalition college commission committee company congress corp
    corporation council court department emirates federation ferries force forces forum front
    foundation fund government group groups guard homes inc institute kingdom league ltd
    media ministry movement nations network news office organisation organization parliament
    party police railways regime republic robotics school service services society states
    station studios systems team times union university water""".split()
)
# Capitalised first words that name no one by themselves ("United States", "Chinese ...").
_COMMON_FIRST = frozenset(
    """united national new south north east west great royal state federal central democratic
    republican american european international islamic arab chinese russian british french
    german iranian syrian turkish israeli indian global world first general free people
    popular supreme high the""".split()
)
# Titles stripped from the front of a name before short forms are made.
TITLES = frozenset(
    """president prime minister foreign interior defence defense secretary spokesperson
    spokesman spokeswoman gov governor sen senator rep chancellor king queen prince mr mrs ms
    dr prof sir dame general gen lt col colonel ambassador mayor chair chairman chairwoman
    ceo leader speaker superintendent judge justice pope sheikh emir ayatollah""".split()
)
# Prefixes of Arabic surnames that a short form may drop ("al-Assad" -> "Assad").
_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|as|an|ar|at|az|ash)[-‐]", re.IGNORECASE)


def _fold_char(ch: str) -> str:
    """One non-ASCII character folded: an apostrophe-like mark to "'", an accented letter to
    its base letter, anything else unchanged."""
    if ch in "’‘ʼ′`´":
        return "'"
    base = unicodedata.normalize("NFKD", ch)
    return base[0] if base and ord(base[0]) < 0x300 and len(base[0]) == 1 else ch


# Folded forms of the non-ASCII characters met so far, for str.translate.
_FOLDED: dict[int, str] = {}


def fold_chars(text: str) -> str:
    """Accents removed and apostrophes/quotes made ASCII, one character for one character, so
    offsets into the folded text are offsets into the original.

    Stance rules fold each sentence several times; a translate table (filled as characters
    appear) keeps that cheap, where a Python loop per character took ~40% of the actor step.
    """
    if text.isascii():
        return text
    for ch in set(text):
        if ord(ch) >= 128 and ord(ch) not in _FOLDED:
            _FOLDED[ord(ch)] = _fold_char(ch)
    return text.translate(_FOLDED)


@dataclass(frozen=True)
class Mention:
    """One occurrence of a target in one sentence: [start, end) characters of its text."""

    sentence_id: int
    start: int
    end: int
    text: str


def _strip_titles(tokens: list[str]) -> list[str]:
    """Leading articles and titles dropped ("President Bashar al-Assad" -> Bashar al-Assad)."""
    i = 0
    while i < len(tokens) - 1 and tokens[i].lower().strip(".") in TITLES | {"the"}:
        i += 1
    return tokens[i:]


def _is_capitalised(token: str) -> bool:
    """True for "Assad", "al-Assad" and "Hay'at"; False for "line" and "al"."""
    bare = _ARTICLE_PREFIX.sub("", token)
    return bool(bare) and bare[0].isupper()


def name_forms(name: str, aliases: Iterable[str] = ()) -> list[str]:
    """Every surface form that counts as a mention of `name`, longest first."""
    forms: set[str] = set()
    for given in (name, *aliases):
        given = " ".join(fold_chars(given).split())
        if len(given) < 2:
            continue
        forms.add(given)
        tokens = _strip_titles(given.split())
        forms.add(" ".join(tokens))
        if len(tokens) < 2:
            continue
        if all(t.islower() for t in tokens):
            # A lower-case description: its first words name the thing ("ring road" of
            # "ring road widening"); two-word descriptions keep both words.
            if len(tokens) >= 3:
                forms.add(" ".join(tokens[:-1]))
            continue
        capitals = [t for t in tokens if _is_capitalised(t)]
        last = tokens[-1]
        if not _is_capitalised(last):
            continue
        if last.lower() in GENERIC_HEADS:
            if len(capitals) >= 2:
                forms.add("".join(t[0] for t in capitals))
            first = tokens[0]
            if first.lower() not in _COMMON_FIRST and len(first) > 3:
                forms.add(first)
            continue
        # Person-like: last word, the last word without its article prefix, first + last.
        forms.add(last)
        bare = _ARTICLE_PREFIX.sub("", last)
        if bare != last and len(bare) > 2:
            forms.add(bare)
            forms.add(f"{tokens[0]} {bare}")
    return sorted((f for f in forms if len(f) >= 2), key=lambda f: (-len(f), f))


@dataclass(frozen=True)
class _Matcher:
    exact: re.Pattern[str] | None
    folded: re.Pattern[str] | None

    def spans(self, folded_text: str) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        for pattern in (self.exact, self.folded):
            if pattern is not None:
                found += [(m.start(), m.end()) for m in pattern.finditer(folded_text)]
        # Longest first, then drop spans overlapping a kept one ("Bashar Assad" over "Assad").
        found.sort(key=lambda s: (s[0] - s[1], s[0]))
        kept: list[tuple[int, int]] = []
        for start, end in found:
            if all(end <= a or start >= b for a, b in kept):
                kept.append((start, end))
        return sorted(kept)


_GAP = r"[\s\"'“”«»]+"


def _alternation(forms: Sequence[str]) -> str:
    # Words of a form may be separated by quote marks too: '“interim” government'.
    body = "|".join(re.escape(f).replace(r"\ ", _GAP) for f in forms)
    return rf"(?<!\w)(?:{body})(?!\w)"


@lru_cache(maxsize=4096)
def _matcher(name: str, aliases: tuple[str, ...]) -> _Matcher:
    forms = name_forms(name, aliases)
    cased = [f for f in forms if any(c.isupper() for c in f)]
    lower = [f for f in forms if not any(c.isupper() for c in f)]
    return _Matcher(
        exact=re.compile(_alternation(cased)) if cased else None,
        folded=re.compile(_alternation(lower), re.IGNORECASE) if lower else None,
    )


def find_spans(text: str, name: str, aliases: Sequence[str] = ()) -> list[tuple[int, int]]:
    """Non-overlapping [start, end) spans in `text` where `name` (or an alias/short form)
    occurs, in text order."""
    return _matcher(name, tuple(aliases)).spans(fold_chars(text))


def find_mentions(
    sentences: Sequence[Sentence], name: str, aliases: Sequence[str] = ()
) -> list[Mention]:
    """Every mention of `name` in the sentences, in order."""
    matcher = _matcher(name, tuple(aliases))
    out: list[Mention] = []
    for sentence in sentences:
        for start, end in matcher.spans(fold_chars(sentence.text)):
            out.append(Mention(sentence.id, start, end, sentence.text[start:end]))
    return out
