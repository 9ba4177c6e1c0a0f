"""Person names by shape: capitalised words, initials, name particles, honorifics, suffixes.

Shared by the fake-author-block detector (whose prose profiles open with a name) and the
byline extractor in summarizer.metadata. No name lists: a name is 2-5 capitalised words,
optionally with initials ("Troy L. Smith"), particles ("Benício da Cunha", "van Vliet",
"al-Assad"), a leading honorific ("Dr.", "Dott.ssa", "inż.") and a trailing degree
("MBA.", "B.Sc.", "Jr."), which are dropped from the returned name. The honorific and
particle sets cover the eight languages the detectors are tested on (en, de, fr, es, it, nl,
pt, pl) and what Faker's person providers print in them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from .base import wordset

HONORIFICS = wordset(
    """mr mr. mrs mrs. ms ms. miss mx mx. dr dr. prof prof. sir dame rev rev. hon hon.
    herr frau dipl.-ing. dipl.-kfm. univ.prof. mag. ing. b.sc. m.sc.
    m. mme mme. mlle mlle. me me. pr
    sr sr. sra sra. srta srta. dra dra. d. dña. don dña
    sig sig. sig.ra sig.ra. dott dott. dott.ssa dott.ssa. avv avv. arch. geom. rag.
    dhr dhr. mevr mevr. drs drs. ir ir. mr. ing.
    pan pani inż inż. mgr mgr. lek. hab."""
)
SUFFIXES = wordset(
    """jr jr. sr sr. ii iii iv v md md. dds dvm phd ph.d. mba mba. b.sc. m.sc. b.a. m.a.
    b.eng. m.eng. bsc msc ba ma llm mfa b.ed. m.ed. dipl. esq esq."""
)
# Capitalised at the start of a sentence, never a name: articles, demonstratives and
# prepositions of the eight languages.
SENTENCE_STARTERS = wordset(
    """the a an in on at this that these those his her its our their there here when after
    der die das den dem ein eine im am zum zur bei nach für ist es sie er wir
    le la les un une des du au aux ce cette il elle dans pour sur
    el los las una unos en por para este esta
    il lo gli uno nel nella per questo questa
    het een dit deze dat
    os um uma na no em este esta
    ten ta to ci w we z na po"""
)
PARTICLES = wordset(
    """van von der den de del della delle dei di da das dos do du la le les ten ter te zu
    vom zur af bin ibn al el st. st san santa"""
)
_APOSTROPHES = "'’"
# Characters allowed inside a name word besides letters.
_INNER = frozenset("-'’.")
MAX_NAME_WORDS = 5


def is_initial(tok: str) -> bool:
    """'J.', 'J', 'J.R.' or 'J.-P.': one-letter capitals, each with an optional full stop."""
    parts = [p for p in tok.replace("-", ".").split(".") if p]
    return 0 < len(parts) <= 3 and all(len(p) == 1 and p.isupper() for p in parts)


def is_name_word(tok: str) -> bool:
    """A capitalised word that can be part of a person's name (not an initial)."""
    if len(tok) < 2 or not tok[0].isalpha():
        return False
    if not tok[0].isupper():
        # "al-Assad", "d'Alema", "l'Hôpital": a lowercase particle glued to a capital.
        head, sep, rest = tok.partition("-")
        if not sep:
            for a in _APOSTROPHES:
                head, sep, rest = tok.partition(a)
                if sep:
                    break
        if not (sep and head.lower() in {"al", "el", "d", "l", "ad", "as", "ash", "ben"}):
            return False
        tok = rest
        if len(tok) < 2 or not tok[0].isupper():
            return False
    if tok.endswith("."):
        # "Wm." and other abbreviations are not name words; initials are handled apart.
        return False
    if tok.endswith(("'s", "’s")):
        # "Syria's Assad": a possessive is no part of a name.
        return False
    if not (all(ch.isalpha() or ch in _INNER for ch in tok) and any(ch.islower() for ch in tok)):
        return False
    return _inner_capitals_ok(tok)


# Prefixes after which a name carries a second capital: "McDonald", "MacKenzie", "DeVito",
# "LaGuardia", "O'Brien" (apostrophes and hyphens start a new part anyway).
_CAMEL_PREFIXES = ("mc", "mac", "de", "di", "da", "la", "le", "van", "von", "du", "fitz")


def _inner_capitals_ok(tok: str) -> bool:
    """At most one inner capital per part, and only after a name prefix ("McDonald").

    Brand names and glued words are not names: "ConnectWiseHP", "JamesStaff", "AddThis".
    """
    for part in re.split(r"[-'’]", tok):
        inner = [k for k, ch in enumerate(part) if k > 0 and ch.isupper()]
        if not inner:
            continue
        if len(inner) > 1 or part[: inner[0]].lower() not in _CAMEL_PREFIXES:
            return False
    return True


def is_upper_name_word(tok: str) -> bool:
    """An all-capitals word of a shouted byline ("VICTOR TANGERMANN")."""
    return len(tok) >= 2 and tok.isalpha() and tok.isupper()


def person_name(tokens: Sequence[str], start: int = 0) -> tuple[str, int] | None:
    """The person name that starts at tokens[start], and the index just after it.

    Honorifics before and degrees after the name are consumed but left out of the name.
    Needs at least two name words ("Jane Doe"; "Benício da Cunha"; "Troy L. Smith"); a
    trailing particle or initial does not count as the end of a name.
    """
    i = start
    n = len(tokens)
    while i < n and tokens[i].lower() in HONORIFICS:
        i += 1
    first = i
    if i < n and tokens[i].lower() in SENTENCE_STARTERS:
        # "The FBI", "In Berlin": an article or a preposition opens the sentence.
        return None
    words = 0
    last_name_end = -1
    shouted = i < n and is_upper_name_word(tokens[i])
    while i < n and i - first < MAX_NAME_WORDS + 2:
        tok = tokens[i]
        low = tok.lower()
        if (shouted and is_upper_name_word(tok)) or (not shouted and is_name_word(tok)):
            words += 1
            i += 1
            last_name_end = i
            if words >= MAX_NAME_WORDS:
                break
        elif words >= 1 and (is_initial(tok) or (low in PARTICLES and i + 1 < n)):
            i += 1
        else:
            break
    if words < 2 or last_name_end < 0:
        return None
    name = " ".join(tokens[first:last_name_end])
    end = last_name_end
    while end < n and tokens[end].lower().rstrip(",") in SUFFIXES:
        end += 1
    return name, end


def fold(s: str) -> str:
    """Lowercase ASCII letters of s, accents removed ("Gómez" -> "gomez", "Łódź" -> "lodz")."""
    s = s.lower().replace("ł", "l").replace("ß", "ss").replace("ø", "o").replace("æ", "ae")
    return "".join(ch for ch in unicodedata.normalize("NFKD", s) if ch.isascii() and (ch.isalpha()))


def name_tokens(name: str) -> set[str]:
    """Folded parts of a name of 3+ letters, for matching handles and e-mail addresses."""
    out: set[str] = set()
    for part in name.replace("-", " ").replace("'", " ").replace("’", " ").split():
        p = fold(part)
        if len(p) >= 3 and p not in PARTICLES:
            out.add(p)
    return out


_ROMAN = frozenset({"ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"})
# Short lowercase words that join the parts of long names ("von und zu", "y", "e").
_CONNECTORS = wordset("und zu y e i auch dit dite die het")
_MAX_PREFIX_TOKENS = 10


def leading_name(tokens: Sequence[str], stop: int) -> str | None:
    """The name when tokens[:stop] are all name-ish, else None (permissive, for openings).

    Name-ish: name words, initials, honorifics, degrees, roman numerals, particles and
    connectors ("Feline Coreth von und zu Coredo", "Sylvie VI", "Gisbert Dussen van"). At
    least one name word, and two name-ish tokens, are needed. Meant for a line whose next
    token is already known to be a copula, where a stray particle must not hide the name.
    """
    if not 2 <= stop <= _MAX_PREFIX_TOKENS:
        return None
    kept: list[str] = []
    words = 0
    shouted = False
    for tok in tokens[:stop]:
        low = tok.lower().rstrip(",")
        if low in HONORIFICS or low in SUFFIXES or low in _ROMAN:
            continue
        if not kept:
            if low in SENTENCE_STARTERS:
                return None
            shouted = is_upper_name_word(tok)
        if (is_upper_name_word(tok) if shouted else is_name_word(tok)) or _name_with_initial(tok):
            words += 1
            kept.append(tok)
        elif (
            is_initial(tok)
            or low in PARTICLES
            or low in _CONNECTORS
            or tok.startswith(("'", "’"))
            or tok.endswith(("'", "’"))
        ):
            if kept:
                kept.append(tok)
        else:
            return None
    while kept and not (
        is_name_word(kept[-1]) or is_upper_name_word(kept[-1]) or _name_with_initial(kept[-1])
    ):
        kept.pop()
    if words < 1 or not kept:
        return None
    return " ".join(kept)


def _name_with_initial(tok: str) -> bool:
    """A hyphenated given name shortened to an initial: "Klaus-D.", "Hans-H."."""
    head, sep, tail = tok.partition("-")
    return bool(sep) and is_name_word(head) and is_initial(tail)
