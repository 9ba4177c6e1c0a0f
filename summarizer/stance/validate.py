"""Checks for a proposed actor stance: pure functions for the rules and the answer validators.

- `self_stance(holder, target)`: True when the stance would be an entity's toward itself, its
  own institution, country or capital ("Iran -> Iran's Foreign Ministry", "Iranian President
  -> Iran", "Iran -> Tehran"; with `affiliations`, also "Pezeshkian -> Iran"). A country
  toward its own leader ("Syria -> Assad") is *not* self: it stands when a sentence says so.
- `evidence_problem(holder, target, sentence)`: why a quoted sentence cannot carry the stance
  (it does not name both, the pair is a self-stance, the target sits inside a scope the
  stance does not reach, or the stance predicate is negated), or None when it can.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from itertools import pairwise

from .lexicon import (
    COUNTRIES,
    NEGATIONS,
    RELATION_NOUNS,
    SCOPE_BLOCKERS,
    STANCE_NOUNS,
    country_of_word,
)
from .lexicon import verb_forms as _verb_forms
from .mentions import GENERIC_HEADS, TITLES, find_spans, fold_chars

# Person key -> countries the article ties them to (actors.affiliations_of builds it).
Affiliations = Mapping[str, frozenset[str]]

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*", re.UNICODE)
_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|as|an|ar|at|az|ash)-", re.IGNORECASE)
_INSTITUTION_HEADS = GENERIC_HEADS | frozenset(
    """ministry minister president consulate embassy officials diplomats military troops
    forces leadership spokesperson spokesman state administration authorities""".split()
)
# Heads of a governing body: "Assad's regime" is Assad, "the Syrian government" Syria.
_RULING_HEADS = frozenset("regime government administration authorities leadership".split())
_SCOPE_WORDS = SCOPE_BLOCKERS | frozenset(
    "undermining undermine undermines threatening targeting violating against".split()
)
_DETERMINERS = frozenset("the a an its their his her".split())


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", fold_chars(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_words(name: str) -> list[str]:
    """A name's comparable words: folded, possessives, determiners and titles dropped."""
    words = [w.removesuffix("'s") for w in _WORD.findall(_plain(name))]
    kept = [w for w in words if w not in _DETERMINERS and w not in TITLES]
    return kept or words


def entity_key(name: str) -> str:
    """One key per actor: a country by any of its names ("Tehran" -> iran), else the last
    word without an Arabic article prefix ("Bashar al-Assad" and "Assad's" -> assad).

    An institution is keyed with its owner, not by its head noun alone, which would make
    "the Syrian army" and "the Russian army" one actor (a stance of one toward the other was
    then dropped as a self-stance): "Syrian army" -> "syria army", "Iran's Foreign Ministry"
    -> "iran ministry" ("foreign" goes with the titles). A governing body stands for whoever
    it belongs to, so that a stance toward "Assad's regime" and one toward "Assad" are one
    pair, not two: "Assad regime" -> assad, "the Syrian government" -> syria.
    """
    country = country_of(name)
    if country:
        return country.lower()
    words = name_words(name)
    if not words:
        return _plain(name).strip()
    if len(words) >= 2 and words[-1] in _RULING_HEADS:
        return entity_key(" ".join(words[:-1]))
    if len(words) >= 2 and words[-1] in _INSTITUTION_HEADS:
        table = country_of_word()
        owner = [_strip_article(table.get(w, w).lower()) for w in words[:-1]]
        return " ".join([*owner, words[-1]])
    return _strip_article(words[-1])


def _strip_article(word: str) -> str:
    """The word without an Arabic article prefix: "al-assad" -> "assad"."""
    last = _ARTICLE_PREFIX.sub("", word)
    return last.split("-")[-1] if last.startswith(("al-", "el-")) else last


def country_of(name: str) -> str | None:
    """The country a name stands for when the whole name is a country, capital or metonym
    ("Tehran", "Iran's", "the Kremlin"; not "Iranian president")."""
    words = [w.removesuffix("'s") for w in _WORD.findall(_plain(name))]
    words = [w for w in words if w not in _DETERMINERS]
    return country_of_word().get(" ".join(words))


def countries_in(name: str) -> set[str]:
    """Countries named by any word (or word pair) of a phrase ("Iran's Foreign Ministry")."""
    table = country_of_word()
    words = name_words(name)
    found = {table[w] for w in words if w in table}
    found |= {table[f"{a} {b}"] for a, b in pairwise(words) if f"{a} {b}" in table}
    return found


def _is_institution(name: str) -> bool:
    words = [w.removesuffix("'s") for w in _WORD.findall(_plain(name))]
    return any(w in _INSTITUTION_HEADS for w in words)


def self_stance(holder: str, target: str, affiliations: Affiliations | None = None) -> bool:
    """True when holder and target are one actor, or one belongs to the other's country."""
    hk, tk = entity_key(holder), entity_key(target)
    if hk == tk:
        return True
    h_country, t_country = country_of(holder), country_of(target)
    if h_country and t_country:
        return h_country == t_country
    if h_country and h_country in countries_in(target) and _is_institution(target):
        return True  # Iran -> Iran's Foreign Ministry, Iran -> Iranian forces
    if t_country and t_country in countries_in(holder) and _is_institution(holder):
        return True  # Iranian President -> Iran, Iran's Foreign Ministry -> Tehran
    # Pezeshkian (Iranian President) -> Iran
    return bool(t_country and affiliations and t_country in affiliations.get(hk, frozenset()))


def _name_spans(sentence: str, name: str) -> list[tuple[int, int]]:
    """Where a sentence names `name`; a country also by its adjective, capital or metonym."""
    spans = find_spans(sentence, name)
    country = country_of(name)
    if not spans and country:
        for word in (country, *COUNTRIES[country]):
            spans += find_spans(sentence, word)
    return sorted(spans)


def _tokens_before(text: str, start: int, limit: int = 6) -> list[str]:
    """Up to `limit` lower-cased words before `start`, stopping at clause punctuation."""
    chunk = re.split(r"[,;:()\"]", fold_chars(text[:start]))[-1]
    return [w.lower() for w in _WORD.findall(chunk)][-limit:]


def in_blocked_scope(sentence: str, span: tuple[int, int]) -> bool:
    """True when the mention at span sits inside a phrase like "efforts undermining X",
    "any attack on X" or "a threat to X": a stance on that phrase is not one on X."""
    before = _tokens_before(sentence, span[0], limit=4)
    return any(w in _SCOPE_WORDS for w in before)


def _negated_predicate(sentence: str, start: int, end: int) -> bool:
    """A stance word between start and end with a negation at most 3 words before it."""
    words = [w.lower() for w in _WORD.findall(fold_chars(sentence[start:end]))]
    verbs = _verb_forms()
    for i, w in enumerate(words):
        if w in verbs or w in STANCE_NOUNS or w in RELATION_NOUNS:
            window = words[max(0, i - 3) : i]
            if any(x in NEGATIONS or x.endswith("n't") for x in window):
                return True
    return False


def evidence_problem(
    holder: str,
    target: str,
    sentence: str,
    *,
    label: str | None = None,
    affiliations: Affiliations | None = None,
) -> str | None:
    """Why `sentence` cannot be the evidence for holder -> target (None: it can)."""
    if self_stance(holder, target, affiliations):
        return f"{holder!r} -> {target!r} is a stance of an actor toward itself or its own side"
    h_spans = _name_spans(sentence, holder)
    if not h_spans:
        return f"the evidence sentence does not name the holder {holder!r}"
    t_spans = _name_spans(sentence, target)
    if not t_spans:
        return f"the evidence sentence does not name the target {target!r}"
    if all(in_blocked_scope(sentence, s) for s in t_spans):
        return (
            f"{target!r} appears only inside a phrase such as 'efforts undermining ...' or "
            "'an attack on ...': a stance on that phrase is not a stance on the target"
        )
    if label in {"supportive", "opposed"}:
        start = min(s[0] for s in h_spans)
        end = max(s[1] for s in t_spans)
        if start < end and _negated_predicate(sentence, start, end):
            return f"the stance wording between {holder!r} and {target!r} is negated"
    return None
