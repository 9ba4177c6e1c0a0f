"""Text and name normalisation for scoring, kept apart from the pipeline's own helpers.

The eval re-checks what the pipeline claims (quotes, citations, names), so it must not reuse
the pipeline's normalisers: a bug there would otherwise hide itself from its own test.
"""

from __future__ import annotations

import re
import unicodedata

# Typographic quotes and primes folded to ASCII: the only liberty a verbatim quote gets,
# besides whitespace.
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_NON_ALNUM = re.compile(r"[^\w]+|_", re.UNICODE)

# Function words that carry no content; used by the lexical key-fact matcher only. German
# "war" and "die" are left out on purpose: in English they are content words.
_STOPWORD_TEXT = """
    a an the and or but if then than that this these those there their they them he she it its
    his her him we us our you your i me my of in on at to for from by with without about into
    over under after before between during as is are was were be been being has have had do
    does did not no nor so such can could will would shall should may might must also just only
    very more most less least much many some any all each every other another same own which who
    whom whose what when where why how while says said say according up down out off again
    further once here both few per via
    der das ein eine einer eines einem einen und oder aber mit von vom zu zur zum im am an
    auf für ist sind wird werden nach über bei aus dem den des sich als auch noch
    o os as um uma uns umas e ou de do da dos das em no na nos nas por para com que se é foi
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# Honorifics and function words dropped from names before they are compared.
_NAME_NOISE = frozenset(
    ("the", "a", "an", "mr", "mrs", "ms", "dr", "prof", "sir", "dame", "president", "prime",
     "minister", "gov", "governor", "sen", "senator", "rep", "chancellor", "king", "queen")
)  # fmt: skip


def fold(text: str) -> str:
    """NFKC, casefold, ASCII quotes and single spaces: the form used for substring checks."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return " ".join(text.casefold().split())


def normalize_quote(text: str) -> str:
    """Whitespace collapsed and typographic quotes folded, case kept (the verbatim rule)."""
    return " ".join(unicodedata.normalize("NFC", text).translate(_QUOTES).split())


def _strip_accents(text: str) -> str:
    """Remove combining marks so 'Erdoğan' and 'Erdogan' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_tokens(name: str) -> tuple[str, ...]:
    """A name as comparable tokens: accents, possessives, punctuation and honorifics removed."""
    text = _strip_accents(fold(name))
    text = re.sub(r"'s\b", "", text)
    tokens = [t for t in _NON_ALNUM.split(text) if t]
    kept = [t for t in tokens if t not in _NAME_NOISE]
    return tuple(kept or tokens)


def normalize_name(name: str) -> str:
    """The canonical spelling of a name for exact comparison."""
    return " ".join(name_tokens(name))


def _stem(word: str) -> str:
    """A deliberately crude English stem: 'captured'/'capturing'/'captures' meet."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> set[str]:
    """Stemmed lower-case content words, for lexical overlap (no stopwords, no 1-letter words)."""
    out: set[str] = set()
    for word in _WORD.findall(_strip_accents(fold(text))):
        if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        out.add(_stem(word))
    return out
