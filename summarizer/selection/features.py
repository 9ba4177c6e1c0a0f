"""Sentence features for content selection: what a reader needs first, as numbers.

Every feature is computed from the article alone (plus its title when there is one), in plain
Python, so the shipped ranker needs no numpy at run time. The groups follow what decides a
news summary: position (news puts its news first: Lead-3 scores 40.3 ROUGE-1 on the CNN/DM
devset, as high as published systems of a decade ago), overlap with the title and with the
rest of the article (centrality), named entities, numbers, quotes, length, and the shapes of
weak candidates (questions to the reader, datelines, lines that end without prose).

All of them are computed; the shipped model file names the ones it uses. With entities,
numbers, attribution, datelines and the later position flags the out-of-fold summary ROUGE-1
was lower, not higher, on 150 stories (training/train_selection.py prints both feature sets),
so the shipped model leaves them out.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..grounding import STOPWORDS, content_words, fold_quotes, words

# Every feature this module computes; a model file names the subset it uses, in its own order.
FEATURE_NAMES: tuple[str, ...] = (
    "lead",  # the first candidate sentence
    "second",
    "third",
    "fourth",
    "fifth",
    "inv_position",  # 1 / (1 + rank among candidates)
    "rel_position",  # rank / number of candidates, 0 = first, 1 = last
    "log_words",
    "short",  # fewer than 8 words
    "long",  # more than 45 words
    "title_overlap",  # share of the title's content words the sentence holds (0: no title)
    "title_cover",  # share of the sentence's content words that are in the title
    "no_title",  # 1 when the article has no title (constant within an article)
    "lead_overlap",  # share of the sentence's content words that are in the lead sentence
    "centrality",  # share of the sentence's content words that recur in other sentences
    "centrality_weighted",  # recurring words weighted by how often they recur
    "top_words",  # how many of the article's 10 most repeated content words it holds
    "entities",  # capitalised words not at the start of the sentence (log1p)
    "top_entities",  # how many of the article's 5 most named capitalised words it holds
    "numbers",  # has a number
    "quote_share",  # share of its characters inside quotation marks
    "opens_with_quote",
    "said",  # attribution verb (said, told, according to)
    "question",  # ends with a question mark
    "no_terminal",  # ends without sentence punctuation: a caption, heading or fragment
    "dateline_only",  # nothing but a dateline, byline or credit
    "first_person",  # I/we/you outside quotes: commentary or an address to the reader
    "pronoun_start",  # opens with he/she/they/it/this: leans on the sentence before
    "when",  # names a day or time ("on Friday", "yesterday", "last night"): an event
)

_OPENING_QUOTES = "\"'“‘«"
_TERMINAL = re.compile(r"""[.!?…]["'”’)\]]*$""")
_QUOTED = re.compile(r"""["“”«»](.*?)["“”«»]|(?<!\w)[‘'](.*?)[’'](?!\w)""")
_SAID = re.compile(r"\b(?:said|says|told|according to|added|explained|stated)\b", re.I)
_NUMBER = re.compile(r"\d")
_PRONOUNS = frozenset({"he", "she", "they", "it", "this", "that", "these", "those", "his", "her",
                       "their", "its"})  # fmt: skip
_WHEN = re.compile(
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day|\b(?:yesterday|today|tonight|last night|"
    r"this (?:morning|afternoon|evening|week))\b",
    re.I,
)
_CAPITALISED = re.compile(r"^[A-Z][\w'’-]*$")
_FIRST_PERSON = frozenset({"i", "we", "you", "your", "my", "our", "i'm", "we're", "you're"})
# "LONDON, England (CNN) --", "By . Daily Mail Reporter .", "Photo: Reuters": no news in it.
_DATELINE = re.compile(
    r"^\s*(?:\(CNN\)|By\b[^.]{0,60}\.?|PUBLISHED:.*|UPDATED:.*|"
    r"[A-Z][A-Z .'’-]{2,40}(?:,[^-–—:]{0,40})?(?:\s*\([^)]{1,40}\))?\s*[-–—:]*)\s*$"
)


@dataclass(frozen=True)
class Candidate:
    """One sentence with what the features need: its id and text."""

    id: int
    text: str


# Features, weak-candidate checks and the duplicate test all tokenise the same sentence;
# caching them per text took the selection from 15 to 10 ms per CNN/DM story (first sight).
@lru_cache(maxsize=16_384)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(words(text))


@lru_cache(maxsize=16_384)
def sentence_words(text: str) -> frozenset[str]:
    """The content words of a sentence (grounding.content_words), cached per text."""
    return frozenset(content_words(text))


def clear_caches() -> None:
    """Forget cached tokens (benchmarks time cold articles with it)."""
    _tokens.cache_clear()
    sentence_words.cache_clear()


def _quote_share(text: str) -> float:
    """Share of the sentence's characters that sit inside quotation marks."""
    inside = sum(len(m.group(0)) for m in _QUOTED.finditer(text))
    return min(1.0, inside / max(1, len(text)))


def _unquoted(text: str) -> str:
    """The sentence with quoted passages removed."""
    return _QUOTED.sub(" ", text)


def _capitalised(text: str) -> list[str]:
    """Capitalised words after the first word: names of people, places, organisations."""
    tokens = fold_quotes(text).split()[1:]
    out = []
    for token in tokens:
        word = token.strip(_OPENING_QUOTES + "\"'”’.,;:!?()[]")
        if _CAPITALISED.match(word) and word.lower() not in STOPWORDS:
            out.append(word.lower().removesuffix("'s"))
    return out


def _most_repeated(counts: Counter[str], n: int) -> set[str]:
    """The n most frequent words that occur more than once; ties by the word itself, so the
    result never depends on set iteration order (string hashing varies between processes)."""
    ranked = sorted((w for w, k in counts.items() if k > 1), key=lambda w: (-counts[w], w))
    return set(ranked[:n])


def is_dateline_only(text: str) -> bool:
    """True for a sentence that is nothing but a dateline, byline or credit."""
    return bool(_DATELINE.match(text)) or not _tokens(text)


def is_weak(text: str) -> bool:
    """A weak candidate: very short, dateline-only, a question, or no closing punctuation.

    Such sentences are chosen only when nothing better is left: a summary made of "Did you
    know?" or "Photo: Reuters" tells the reader nothing.
    """
    stripped = text.strip()
    n_words = len(_tokens(stripped))
    return (
        n_words < 5
        or is_dateline_only(stripped)
        or stripped.endswith("?")
        or not _TERMINAL.search(stripped)
    )


def article_features(
    candidates: Sequence[Candidate], title: str | None = None
) -> list[dict[str, float]]:
    """One feature mapping per candidate, in the candidates' order.

    Positions count candidates that are not weak (is_weak), so "lead" is the first sentence
    of prose a reader would see once boilerplate is gone: a page's title line or a dateline
    left at the top does not push the real lead down to second place. A weak candidate gets
    the position of the next sentence of prose.
    """
    weak = [is_weak(c.text) for c in candidates]
    positions = []
    strong = 0
    for flag in weak:
        positions.append(strong)
        strong += not flag
    n = max(1, strong)
    first = next((k for k, flag in enumerate(weak) if not flag), 0)
    word_sets = [sentence_words(c.text) for c in candidates]
    doc_freq: Counter[str] = Counter()
    for ws in word_sets:
        doc_freq.update(ws)
    top_words = _most_repeated(doc_freq, 10)
    caps = [set(_capitalised(c.text)) for c in candidates]
    cap_freq: Counter[str] = Counter()
    for cs in caps:
        cap_freq.update(cs)
    top_entities = _most_repeated(cap_freq, 5)
    title_words = content_words(title) if title else set()
    rows: list[dict[str, float]] = []
    for k, (cand, ws) in enumerate(zip(candidates, word_sets, strict=True)):
        i = positions[k]
        text = cand.text.strip()
        n_words = len(text.split())
        recurring = [doc_freq[w] - 1 for w in ws if doc_freq[w] > 1]
        tokens = _tokens(text)
        unquoted = _unquoted(text)
        rows.append(
            {
                "lead": float(i == 0),
                "second": float(i == 1),
                "third": float(i == 2),
                "fourth": float(i == 3),
                "fifth": float(i == 4),
                "inv_position": 1.0 / (1 + i),
                "rel_position": min(1.0, i / max(1, n - 1)),
                "log_words": math.log1p(n_words),
                "short": float(n_words < 8),
                "long": float(n_words > 45),
                "title_overlap": len(ws & title_words) / len(title_words) if title_words else 0.0,
                "title_cover": len(ws & title_words) / len(ws) if ws and title_words else 0.0,
                "no_title": float(not title_words),
                "lead_overlap": len(ws & word_sets[first]) / len(ws) if ws and k != first else 0.0,
                "centrality": len(recurring) / len(ws) if ws else 0.0,
                "centrality_weighted": (
                    sum(math.log1p(k) for k in recurring) / math.sqrt(len(ws)) if ws else 0.0
                ),
                "top_words": float(len(ws & top_words)),
                "entities": math.log1p(len(caps[k])),
                "top_entities": float(len(caps[k] & top_entities)),
                "numbers": float(bool(_NUMBER.search(text))),
                "quote_share": _quote_share(text),
                "opens_with_quote": float(text[:1] in _OPENING_QUOTES),
                "said": float(bool(_SAID.search(text))),
                "question": float(text.endswith("?")),
                "no_terminal": float(not _TERMINAL.search(text)),
                "dateline_only": float(is_dateline_only(text)),
                "first_person": float(
                    bool(
                        _FIRST_PERSON.intersection(tokens if unquoted == text else words(unquoted))
                    )
                ),
                "pronoun_start": float(bool(tokens) and tokens[0] in _PRONOUNS),
                "when": float(bool(_WHEN.search(text))),
            }
        )
    return rows


def vectors(
    rows: Sequence[dict[str, float]], names: Sequence[str] = FEATURE_NAMES
) -> list[list[float]]:
    """Feature mappings as vectors, in the order of `names`."""
    return [[row[name] for name in names] for row in rows]
