"""The phrase reader under the actor-stance rules: tokens, noun phrases, subjects, negation.

actors.py applies the stance constructions; this module only finds the pieces they name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..schemas import Sentence
from .lexicon import (
    LIGHT_VERBS,
    MODALS,
    NEGATIONS,
    PROPERTY_HEADS,
    SCOPE_BLOCKERS,
    country_of_word,
    verb_forms,
)
from .mentions import fold_chars

_TOKEN = re.compile(
    r"[^\W_]+(?:[-.][^\W_]+|'(?!s\b)[^\W_]+)*(?='s\b)"
    r"|'s\b"
    r"|[^\W_]+(?=n't\b)"
    r"|n't\b"
    r"|[^\W_]+(?:[-.][^\W_]+|'[^\W_]+)*"
    r"|[^\w\s]",
    re.UNICODE,
)
DETERMINERS = frozenset(
    "the a an any all its their his her our this that these those some both each every no "
    "another".split()
)
_DEFINITE = frozenset("the its their his her our this that these those".split())
_PRONOUNS = frozenset("he she it they we i you him her them us who which this that".split())
_STOP = frozenset(
    """in on at to for from by with without about into over under after before between
    during against since until through across toward towards amid among despite via per as
    throughout within beyond around near upon onto off out up down along behind inside
    outside following including except unlike whether yet nor
    like than of and or but while whereas because although though if when where which who
    whom whose that what is are was were be been being has have had do does did will would
    can could may might must shall should said says say told tells stated claimed added
    argued wrote according insisted noted warned announced explained not n't never also
    just only very so too then there here now already still again once even however
    meanwhile he she it they we i you him them us""".split()
)
SKIPPABLE = frozenset(
    """also strongly firmly openly publicly repeatedly reportedly long has have had is are
    was were been already previously once still now both all again steadfastly consistently
    largely initially always actively fully did does do will""".split()
)
COPULAS = frozenset(
    "is are was were be been being remains remain remained became become becomes".split()
)
_TO_VERBS = frozenset(
    """vowed vows pledged pledges promised promises continue continues continued decided
    agreed agrees intends intend plans plan wants want wanted moved move sought seeks""".split()
)
# Heads of a bare (determiner-less) common-noun phrase that still name an actor.
_ACTOR_HEADS = frozenset(
    """fighters rebels forces militias militia groups group troops insurgents protesters
    demonstrators government regime army opposition party teachers supporters factions
    officials authorities leaders residents workers unions""".split()
)
QUOTE_TOKENS = frozenset("\"'")
# Capitalised sentence openers that are ordinary words, for articles too short to show them
# in lower case.
_COMMON_OPENERS = frozenset(
    """meanwhile however despite although though after before during since while when where
    recently earlier later today yesterday thousands hundreds dozens several many most some
    both all other others officials fighters rebels protesters teachers residents critics
    supporters analysts experts data researchers people police troops forces""".split()
)
_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|as|an|ar|at|az|ash)-(?=[A-Z])")
TIME_WORDS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    june july august september october november december today yesterday tonight""".split()
)
# Words after which "back" is a particle ("take back the house"), not the verb "to back".
BACK_PARTICLE_AFTER = frozenset(
    """take took taken taking takes come came coming comes go went going goes bring brought
    fight fought hold held give gave pay paid get got look looked turn turned step stepped
    roll rolled cut set scale scaled call called write wrote push pushed pull pulled hit
    struck sit sat stand stood fall fell move moved send sent win won way""".split()
)
_QUANTIFIERS = frozenset("some many most all several one parts part much each both".split())
# Abstract objects of "support": data that "supported the existence of" plumes is no stance.
_ABSTRACT_HEADS = frozenset(
    """existence idea notion theory hypothesis claim claims view views conclusion possibility
    need case fact facts evidence finding findings""".split()
)

# Confidence by construction: how explicit the wording is. A lower value where a holder or
# target is a common noun phrase rather than a name.
CONFIDENCE = {
    "verb": 0.85,
    "passive": 0.85,
    "noun": 0.85,
    "relation": 0.85,
    "compound": 0.8,
}
COMMON_NOUN_PENALTY = 0.15
MIXED_CONFIDENCE = 0.6


@dataclass(frozen=True)
class Tok:
    text: str
    low: str
    start: int
    end: int
    cap: bool


@dataclass(frozen=True)
class Phrase:
    start: int  # token index, inclusive
    end: int  # token index, inclusive
    text: str
    head: str
    possessor: str | None
    definite: bool
    proper: bool
    pronoun: bool


@dataclass
class Found:
    holder: Phrase
    target: Phrase
    polarity: str
    construction: str
    sentence_id: int


@dataclass
class Context:
    """What the whole article says about its words' case."""

    known_proper: set[str] = field(default_factory=set)  # capitalised inside a sentence
    known_lower: set[str] = field(default_factory=set)  # written in lower case somewhere

    def opener_is_name(self, word: str, following: str) -> bool:
        """Whether a capitalised sentence opener is a name: "Turkey is known as ..." yes,
        "Fighters backed by Turkey" no (the article also writes "fighters")."""
        low = word.lower()
        if low in DETERMINERS or low in _STOP:
            return False
        if word in self.known_proper or low in country_of_word():
            return True
        if low in self.known_lower:
            return False
        return following[:1].isupper() or low not in _COMMON_OPENERS


def tokenize(text: str, ctx: Context) -> list[Tok]:
    folded = fold_chars(text).replace("“", '"').replace("”", '"')
    raw = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded)]
    out: list[Tok] = []
    for i, (tok, a, b) in enumerate(raw):
        bare = _ARTICLE_PREFIX.sub("", tok)  # "al-Assad" is a name
        cap = bare[:1].isupper() and any(c.isalpha() for c in tok)
        sentence_start = i == 0 or raw[i - 1][0] in {'"', ":", "(", "'"}
        if cap and sentence_start and not (tok.isupper() and len(tok) > 1):
            following = raw[i + 1][0] if i + 1 < len(raw) else ""
            cap = ctx.opener_is_name(tok, following)
        out.append(Tok(tok, tok.lower(), a, b, cap))
    return out


def make_context(sentences: Sequence[Sentence]) -> Context:
    """Which words the article capitalises mid-sentence, and which it writes in lower case."""
    ctx = Context()
    for s in sentences:
        words = _TOKEN.findall(fold_chars(s.text))
        for i, w in enumerate(words):
            if w[:1].islower():
                ctx.known_lower.add(w)
            elif i > 0 and w[:1].isupper() and words[i - 1] not in {'"', ":", "(", "“", "."}:
                ctx.known_proper.add(w)
    return ctx


def is_nominal(tok: Tok) -> bool:
    if tok.low in TIME_WORDS:
        return False  # "Trump's campaign Friday slammed": Friday is no part of the subject
    if tok.cap:
        return True
    if tok.low in _STOP or tok.low in DETERMINERS or tok.low in verb_forms():
        return False
    if tok.low in LIGHT_VERBS or tok.low in COPULAS:
        return False
    if tok.low.endswith("ly") and len(tok.low) > 4:
        return False
    return tok.low[:1].isalnum()


def _participle(tok: Tok) -> bool:
    return not tok.cap and tok.low.endswith(("ing", "ed"))


# Lower-case words that continue a phrase after a name ("Assad regime", "Syrian rebels").
_NOUNS_AFTER_NAME = frozenset(
    """regime government administration forces army troops militias militia rebels fighters
    officials ministry party campaign line plan council authority agency opposition
    leadership groups group team company bill law act proposal deal agreement nomination
    appointment policy policies budget program programme scheme project reform reforms tax
    tariffs ban order decision strategy presidency doctrine initiative amendment resolution
    treaty pipeline wall""".split()
)
_DEMONYM = re.compile(r"^[A-Z][a-z]+(?:an|ese|ish|i|ic)$")


def make_phrase(toks: Sequence[Tok], text: str, start: int, end: int) -> Phrase | None:
    """The phrase toks[start..end] with its head, possessor and flags."""
    while start <= end and toks[start].low in QUOTE_TOKENS:
        start += 1
    while end >= start and toks[end].low in QUOTE_TOKENS | {"'s"}:
        end -= 1
    if start > end:
        return None
    body = toks[start : end + 1]
    definite = body[0].low in _DEFINITE
    possessor = None
    for k, t in enumerate(body):
        if t.low == "'s" and k > 0:
            p_start = 1 if body[0].low in DETERMINERS else 0
            possessor = text[body[p_start].start : body[k - 1].end]
            definite = True
    content = [t for t in body if t.low not in DETERMINERS and t.low not in QUOTE_TOKENS]
    if not content:
        return None
    head = content[-1].low
    proper = any(t.cap for t in content)
    pronoun = len(content) == 1 and content[0].low in _PRONOUNS
    return Phrase(
        start=start,
        end=end,
        text=text[toks[start].start : toks[end].end],
        head=head,
        possessor=possessor,
        definite=definite,
        proper=proper,
        pronoun=pronoun,
    )


def np_right(
    toks: Sequence[Tok], text: str, i: int, max_len: int = 7, proper_only: bool = False
) -> Phrase | None:
    """The noun phrase that starts at token i (the object of a predicate); `proper_only`
    reads names only (an agent after "by" ends where the names end)."""
    j = i
    n = len(toks)
    while j < n and toks[j].low in QUOTE_TOKENS:
        j += 1
    # "some of the rebels": the quantifier is not the target.
    if j + 1 < n and toks[j].low in _QUANTIFIERS and toks[j + 1].low == "of":
        j += 2
        i = j
    if j < n and toks[j].low in DETERMINERS:
        j += 1
    first_content = j
    end = -1
    while j < n and j - i < max_len:
        t = toks[j]
        if t.low in QUOTE_TOKENS:
            j += 1
            continue
        if t.low == "'s" and end >= 0:
            end = j
            j += 1
            continue
        if t.low == "of" and end >= 0 and toks[end].cap and j + 1 < n and toks[j + 1].cap:
            j += 1
            continue
        if not is_nominal(t) or (proper_only and not t.cap):
            break
        if _participle(t) and j > first_content and toks[j - 1].low != "'s":
            break
        # After a name only a noun of a known kind continues the phrase.
        after_name = not t.cap and end >= 0 and toks[end].cap
        demonym = _DEMONYM.match(toks[end].text) or toks[end].low in country_of_word()
        if after_name and not (demonym or t.low in _NOUNS_AFTER_NAME):
            break
        end = j
        j += 1
    if end < 0:
        return None
    return make_phrase(toks, text, i, end)


def np_left(toks: Sequence[Tok], text: str, j: int, max_len: int = 8) -> Phrase | None:
    """The noun phrase that ends at token j (a subject or the target of a passive)."""
    if j < 0 or not (is_nominal(toks[j]) or toks[j].low in QUOTE_TOKENS | {"'s"}):
        return None
    k = j
    while k - 1 >= 0 and j - (k - 1) < max_len:
        t = toks[k - 1]
        if _participle(t) and not (k - 2 >= 0 and is_nominal(toks[k - 2])):
            break  # "pledged Tehran's": a verb, not a modifier
        if is_nominal(t) or t.low in {"'s"} or t.low in QUOTE_TOKENS:
            k -= 1
            continue
        if t.low == "of" and k - 2 >= 0 and is_nominal(toks[k - 2]):
            k -= 1
            continue
        if t.low in DETERMINERS:
            k -= 1
        break
    return make_phrase(toks, text, k, j)


def conjuncts_left(toks: Sequence[Tok], text: str, first: Phrase) -> list[Phrase]:
    """`first` and the named phrases coordinated before it: "Iran and Russia", "A, B and C",
    "A, B, and C". In "Russia and Iran, and Turkey" only Turkey: the ", and" opens a new
    clause, not a list."""
    out = [first]
    k = first.start - 1
    seen_and = False
    while k >= 1:
        if toks[k].low == "and" and not seen_and:
            oxford = toks[k - 1].low == ","
            prev = np_left(toks, text, k - 2 if oxford else k - 1)
            if prev is None or not prev.proper:
                break
            if oxford and not (prev.start >= 1 and toks[prev.start - 1].low == ","):
                break  # ", and" without a comma list before it
            seen_and = True
        elif toks[k].low == "," and seen_and:
            prev = np_left(toks, text, k - 1)
            if prev is None or not prev.proper:
                break
        else:
            break
        out.insert(0, prev)
        k = prev.start - 1
    return out


def conjuncts_right(toks: Sequence[Tok], text: str, i: int) -> list[Phrase]:
    """Named phrases coordinated from token i on ("by Russia, Iran, and its allied groups");
    the list ends with the phrase after "and"."""
    out: list[Phrase] = []
    while i < len(toks):
        np = np_right(toks, text, i, proper_only=True)
        if np is None:
            break
        out.append(np)
        k = np.end + 1
        last = False
        if k < len(toks) and toks[k].low == ",":
            k += 1
        if k < len(toks) and toks[k].low == "and":
            k += 1
            last = True
        if k == np.end + 1:
            break
        i = k
        if last:
            np = np_right(toks, text, i, proper_only=True)
            if np is not None:
                out.append(np)
            break
    return out


def _negated(toks: Sequence[Tok], start: int, end: int) -> bool:
    """A negation or modal among tokens start..end-1."""
    return any(t.low in NEGATIONS or t.low in MODALS for t in toks[max(start, 0) : end])


def find_subject(toks: Sequence[Tok], text: str, i: int) -> tuple[list[Phrase], int] | None:
    """The subject phrase(s) of a predicate at token i, and the index where it ends; None when
    negated or not found."""
    k = i - 1
    while k >= 0 and (toks[k].low in SKIPPABLE or (toks[k].low.endswith("ly") and not toks[k].cap)):
        k -= 1
    if k >= 0 and toks[k].low in NEGATIONS | MODALS:
        return None
    if k >= 1 and toks[k].low == "to" and toks[k - 1].low in _TO_VERBS:
        if _negated(toks, k - 3, k):
            return None
        k -= 2
        while k >= 0 and toks[k].low in SKIPPABLE:
            k -= 1
    if k >= 0 and toks[k].low == ",":
        # "E, <appositive>, V": the named phrase before the appositive; "D, E, V": E.
        close = k
        open_ = close - 1
        while open_ >= 0 and toks[open_].low != ",":
            open_ -= 1
        inner = np_left(toks, text, close - 1)
        if inner is not None and inner.start == open_ + 1 and inner.proper:
            return [inner], close - 1
        if open_ < 1:
            return None
        outer = np_left(toks, text, open_ - 1)
        if outer is None:
            return None
        return conjuncts_left(toks, text, outer), open_ - 1
    np = np_left(toks, text, k)
    if np is None:
        return None
    if np.start > 0 and toks[np.start - 1].low == "by":
        return None  # "Data collected by NASA supported ...": NASA is no subject
    return conjuncts_left(toks, text, np), k


def valid_holder(np: Phrase, toks: Sequence[Tok]) -> bool:
    if np.pronoun:
        return False
    # A common-noun holder must be definite and open the sentence ("The agency objected").
    return np.proper or (np.definite and np.start == 0)


def valid_target(np: Phrase) -> bool:
    if np.pronoun or np.head in SCOPE_BLOCKERS or np.head in _ABSTRACT_HEADS:
        return False
    return np.proper or np.definite or np.head in _ACTOR_HEADS


def appositive_name(toks: Sequence[Tok], text: str, np: Phrase | None) -> Phrase | None:
    """A described target followed by its name ("Syria's strongman president, Bashar Assad")
    is that name."""
    if np is None or toks[np.end].cap or np.end + 2 >= len(toks) or toks[np.end + 1].low != ",":
        return np
    name = np_right(toks, text, np.end + 2, proper_only=True)
    if name is None or not name.proper:
        return np
    after = toks[name.end + 1].low if name.end + 1 < len(toks) else "."
    return name if after in {",", ".", ";", ")"} else np


def resolve_property(np: Phrase) -> str:
    """Support for "Syria's sovereignty" is support for Syria: the possessor stands in."""
    if np.head in PROPERTY_HEADS and np.possessor:
        return np.possessor
    return np.text
