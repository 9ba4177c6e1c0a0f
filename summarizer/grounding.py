"""Grounding checks: every id the model cites exists, every quote is verbatim, every point rests
on what it cites. The answer models in schemas/answers.py call these from their validators, so
a violation is a validation error that instructor sends back to the model."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from .schemas import Sentence
from .stance import affiliations_of, evidence_problem
from .stance.validate import Affiliations

_QUOTE_FOLDS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
}  # fmt: skip
_QUOTE_CHAR = re.compile("[" + "".join(_QUOTE_FOLDS) + "]")


def fold_quotes(text: str) -> str:
    """Typographic quotes as ASCII ones."""
    # A regex substitution calls Python only where a quote is; str.translate with a mapping
    # looks up every character and was 5x slower on article text.
    return _QUOTE_CHAR.sub(lambda m: _QUOTE_FOLDS[m.group()], text)


_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)
# A written headline longer than this is re-asked (the prompt asks for at most 15 words).
MAX_HEADLINE_WORDS = 18

# Words too common to show that two texts share content.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "then",
        "than",
        "that",
        "this",
        "these",
        "those",
        "there",
        "their",
        "they",
        "them",
        "he",
        "she",
        "it",
        "its",
        "his",
        "her",
        "him",
        "we",
        "us",
        "our",
        "you",
        "your",
        "i",
        "me",
        "my",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "without",
        "about",
        "into",
        "over",
        "under",
        "after",
        "before",
        "between",
        "during",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "not",
        "no",
        "nor",
        "so",
        "such",
        "can",
        "could",
        "will",
        "would",
        "shall",
        "should",
        "may",
        "might",
        "must",
        "also",
        "just",
        "only",
        "very",
        "more",
        "most",
        "less",
        "least",
        "much",
        "many",
        "some",
        "any",
        "all",
        "each",
        "every",
        "other",
        "another",
        "same",
        "own",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "why",
        "how",
        "while",
        "says",
        "said",
        "say",
        "according",
        "up",
        "down",
        "out",
        "off",
        "again",
        "further",
        "once",
        "here",
        "both",
        "few",
        "new",
        "one",
        "two",
        "per",
        "via",
    ]
)


def normalize_quote(text: str) -> str:
    """Fold typographic quotes to ASCII and collapse whitespace: the only liberties a quote gets."""
    return " ".join(fold_quotes(text).split())


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters and digits, keeping inner hyphens and apostrophes)."""
    return [w.lower() for w in _WORD.findall(fold_quotes(text))]


@lru_cache(maxsize=65_536)  # articles share most of their words; stemming is pure Python
def _stem(word: str) -> str:
    """A deliberately crude stem: 'pledges'/'pledged', 'urged'/'urges', 'Iran's'/'Iran' and
    'reconcile'/'reconciliation' meet. Over-merging is harmless for overlap scores."""
    word = word.removesuffix("'s").removesuffix("’s")
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    return word[:6]


def content_words(text: str) -> set[str]:
    """Stemmed words that carry meaning: no stopwords, no one-letter tokens."""
    # Each distinct word is stemmed once: articles repeat most of their words.
    return {_stem(w) for w in set(words(text)) if w not in STOPWORDS and len(w) > 1}


def overlap(claim: str, support: str) -> float:
    """Share of the claim's content words that also occur in the support text."""
    claimed = content_words(claim)
    if not claimed:
        return 0.0
    return len(claimed & content_words(support)) / len(claimed)


@dataclass
class GroundingContext:
    """What validators need to check an answer against the article the model saw."""

    sentences: list[Sentence]
    # Minimum share of a key point's content words that its cited sentences must contain.
    min_point_overlap: float = 0.5
    min_headline_overlap: float = 0.6
    _joined: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._joined = normalize_quote(" ".join(s.text for s in self.sentences))

    @cached_property
    def _vocab(self) -> set[str]:
        """The article's content words, computed on first use (only headline checks need it)."""
        return content_words(self._joined)

    @property
    def n_sentences(self) -> int:
        """How many sentences the model was shown."""
        return len(self.sentences)

    def check_ids(self, ids: Iterable[int], what: str) -> None:
        """Every cited id must name a sentence the model saw."""
        bad = [i for i in ids if not 0 <= i < len(self.sentences)]
        if bad:
            raise ValueError(
                f"{what} cites sentence ids {bad} but the article has sentences "
                f"0..{len(self.sentences) - 1} only"
            )

    def sentence(self, sid: int) -> str:
        """The text of sentence `sid` (after check_ids)."""
        return self.sentences[sid].text

    def check_quote(self, quote: str, what: str) -> None:
        """A quote must occur verbatim in the article (whitespace and quote marks aside)."""
        norm = normalize_quote(quote)
        if len(norm) < 8:
            raise ValueError(f"{what} quote {quote!r} is too short to be evidence")
        if norm not in self._joined:
            raise ValueError(
                f"{what} quote {quote[:80]!r} does not occur verbatim in the article; "
                "copy the exact words of one sentence"
            )

    def check_supported(self, text: str, ids: Sequence[int], what: str) -> None:
        """A written point must share content with the sentences it cites."""
        support = " ".join(self.sentence(i) for i in ids)
        share = overlap(text, support)
        if share < self.min_point_overlap:
            raise ValueError(
                f"{what} {text[:80]!r} shares only {share:.0%} of its content words with the "
                f"sentences it cites {list(ids)}; cite the sentences that state it"
            )

    def check_headline(self, headline: str) -> None:
        """A headline must be made of the article's own content words."""
        n_words = len(headline.split())
        # The prompt asks for at most 15 words; 3 more are tolerated before a re-ask.
        if n_words > MAX_HEADLINE_WORDS:
            raise ValueError(
                f"headline has {n_words} words, over the limit of {MAX_HEADLINE_WORDS}; "
                "use at most 15"
            )
        # The article's vocabulary is computed once per article, not once per check.
        claimed = content_words(headline)
        share = len(claimed & self._vocab) / len(claimed) if claimed else 0.0
        if share < self.min_headline_overlap:
            raise ValueError(
                f"headline {headline!r} uses words the article does not contain "
                f"({share:.0%} found); write it from the article's words"
            )

    def mentions(self, sid: int, name: str) -> bool:
        """True when sentence `sid` names `name` (any distinctive word of it)."""
        return name_in_text(name, self.sentence(sid))

    def in_article(self, name: str) -> bool:
        """True when the article names `name` (any distinctive word of it)."""
        return name_in_text(name, self._joined)

    @cached_property
    def _affiliations(self) -> Affiliations:
        """Who the article ties to which country ("Iranian President Masoud Pezeshkian")."""
        return affiliations_of(self.sentences)

    def check_stance(self, holder: str, target: str, quote: str, label: str) -> None:
        """An actor stance must not be toward the holder itself (or its own institution or
        country), and its quote must name both with the target inside the stance's reach."""
        problem = evidence_problem(
            holder, target, quote, label=label, affiliations=self._affiliations
        )
        if problem is not None:
            raise ValueError(f"stance {holder!r} -> {target!r}: {problem}")


def _name_parts(word: str) -> list[str]:
    """A word and, for hyphenated names, its parts: "al-Assad" -> al-assad, assad."""
    parts = [word]
    if "-" in word:
        parts += [p for p in word.split("-") if len(p) > 2]
    return [_stem(p) for p in parts]


def name_in_text(name: str, text: str) -> bool:
    """Whether any distinctive word of a name occurs in text ("Bashar al-Assad" ~ "Assad's")."""
    keys = {p for w in words(name) if w not in STOPWORDS and len(w) > 2 for p in _name_parts(w)}
    if not keys:
        return False
    return any(p in keys for w in words(text) for p in _name_parts(w))
