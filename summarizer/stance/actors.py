"""Actor stances (holder -> target) from explicit wording inside one sentence.

A stance is emitted only when one sentence states it: the holder is the subject of a stance
predicate and the target its object. The constructions read (English news; see lexicon.py for
the word lists):

- verb:      "Turkey supports the rebels", "The agency objected to the application",
             "The Consumer Forum opposed the increase", "forces fighting Assad"
- passive:   "opposition fighters, supported by Turkey", "Assad's forces were backed by Russia"
- noun:      "Iran's support for Assad", "pledged Tehran's full support to Damascus",
             "launched a surprise offensive against the Syrian army", "its support for X"
- relation:  "Iran and Russia have been the main supporters of Assad's regime",
             "Russia, a key ally of Assad, ...", "Assad's allies, Iran and Russia",
             "Putin and Assad have long been allies"
- compound:  "Iran-backed armed groups", "Iranian-backed militias"

What blocks a stance (precision first):
- negation or a modal between holder and predicate ("did not condemn", "refused to back",
  "could support");
- a target inside a scope the predicate does not reach: the object's head is an effort,
  attack, threat, violation ... ("opposition to any efforts undermining Syria's sovereignty"
  is not opposition to Syria);
- a holder or target that is no actor: pronouns, indefinite common nouns ("immediate
  reconciliation");
- a stance of an entity toward itself or its own institution, country or capital
  (validate.self_stance: "Iranian President -> Iran", "Iran -> Iran's Foreign Ministry").

The same pair stated with both polarities in different sentences becomes `mixed`.
Confidence is per construction (see _CONFIDENCE); benchmarks/stance_dev.py reports how often
each level is right on the eval fixtures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..schemas import Sentence
from .lexicon import (
    LIGHT_VERBS,
    MODALS,
    NEGATIONS,
    OPPOSED,
    PROPERTY_HEADS,
    RELATION_NOUNS,
    SCOPE_BLOCKERS,
    STANCE_NOUNS,
    SUPPORTIVE,
    country_of_word,
    verb_forms,
)
from .mentions import TITLES, fold_chars
from .types import StanceJudgement
from .validate import Affiliations, entity_key, self_stance

_TOKEN = re.compile(
    r"[^\W_]+(?:[-.][^\W_]+|'(?!s\b)[^\W_]+)*(?='s\b)"
    r"|'s\b"
    r"|[^\W_]+(?=n't\b)"
    r"|n't\b"
    r"|[^\W_]+(?:[-.][^\W_]+|'[^\W_]+)*"
    r"|[^\w\s]",
    re.UNICODE,
)
_DETERMINERS = frozenset(
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
_SKIPPABLE = frozenset(
    """also strongly firmly openly publicly repeatedly reportedly long has have had is are
    was were been already previously once still now both all again steadfastly consistently
    largely initially always actively fully did does do will""".split()
)
_COPULAS = frozenset(
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
_QUOTE_TOKENS = frozenset("\"'")
# Capitalised sentence openers that are ordinary words, for articles too short to show them
# in lower case.
_COMMON_OPENERS = frozenset(
    """meanwhile however despite although though after before during since while when where
    recently earlier later today yesterday thousands hundreds dozens several many most some
    both all other others officials fighters rebels protesters teachers residents critics
    supporters analysts experts data researchers people police troops forces""".split()
)
_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|as|an|ar|at|az|ash)-(?=[A-Z])")
_TIME_WORDS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    june july august september october november december today yesterday tonight""".split()
)
# Words after which "back" is a particle ("take back the house"), not the verb "to back".
_BACK_PARTICLE_AFTER = frozenset(
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
_CONFIDENCE = {
    "verb": 0.85,
    "passive": 0.85,
    "noun": 0.85,
    "relation": 0.85,
    "compound": 0.8,
}
_COMMON_NOUN_PENALTY = 0.15
_MIXED_CONFIDENCE = 0.6


@dataclass(frozen=True)
class _Tok:
    text: str
    low: str
    start: int
    end: int
    cap: bool


@dataclass(frozen=True)
class _Phrase:
    start: int  # token index, inclusive
    end: int  # token index, inclusive
    text: str
    head: str
    possessor: str | None
    definite: bool
    proper: bool
    pronoun: bool


@dataclass
class _Found:
    holder: _Phrase
    target: _Phrase
    polarity: str
    construction: str
    sentence_id: int


@dataclass
class _Context:
    """What the whole article says about its words' case."""

    known_proper: set[str] = field(default_factory=set)  # capitalised inside a sentence
    known_lower: set[str] = field(default_factory=set)  # written in lower case somewhere

    def opener_is_name(self, word: str, following: str) -> bool:
        """Whether a capitalised sentence opener is a name: "Turkey is known as ..." yes,
        "Fighters backed by Turkey" no (the article also writes "fighters")."""
        low = word.lower()
        if low in _DETERMINERS or low in _STOP:
            return False
        if word in self.known_proper or low in country_of_word():
            return True
        if low in self.known_lower:
            return False
        return following[:1].isupper() or low not in _COMMON_OPENERS


def _tokens(text: str, ctx: _Context) -> list[_Tok]:
    folded = fold_chars(text).replace("“", '"').replace("”", '"')
    raw = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded)]
    out: list[_Tok] = []
    for i, (tok, a, b) in enumerate(raw):
        bare = _ARTICLE_PREFIX.sub("", tok)  # "al-Assad" is a name
        cap = bare[:1].isupper() and any(c.isalpha() for c in tok)
        sentence_start = i == 0 or raw[i - 1][0] in {'"', ":", "(", "'"}
        if cap and sentence_start and not (tok.isupper() and len(tok) > 1):
            following = raw[i + 1][0] if i + 1 < len(raw) else ""
            cap = ctx.opener_is_name(tok, following)
        out.append(_Tok(tok, tok.lower(), a, b, cap))
    return out


def _context(sentences: Sequence[Sentence]) -> _Context:
    """Which words the article capitalises mid-sentence, and which it writes in lower case."""
    ctx = _Context()
    for s in sentences:
        words = _TOKEN.findall(fold_chars(s.text))
        for i, w in enumerate(words):
            if w[:1].islower():
                ctx.known_lower.add(w)
            elif i > 0 and w[:1].isupper() and words[i - 1] not in {'"', ":", "(", "“", "."}:
                ctx.known_proper.add(w)
    return ctx


def _is_nominal(tok: _Tok) -> bool:
    if tok.low in _TIME_WORDS:
        return False  # "Trump's campaign Friday slammed": Friday is no part of the subject
    if tok.cap:
        return True
    if tok.low in _STOP or tok.low in _DETERMINERS or tok.low in verb_forms():
        return False
    if tok.low in LIGHT_VERBS or tok.low in _COPULAS:
        return False
    if tok.low.endswith("ly") and len(tok.low) > 4:
        return False
    return tok.low[:1].isalnum()


def _participle(tok: _Tok) -> bool:
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


def _phrase(toks: Sequence[_Tok], text: str, start: int, end: int) -> _Phrase | None:
    """The phrase toks[start..end] with its head, possessor and flags."""
    while start <= end and toks[start].low in _QUOTE_TOKENS:
        start += 1
    while end >= start and toks[end].low in _QUOTE_TOKENS | {"'s"}:
        end -= 1
    if start > end:
        return None
    body = toks[start : end + 1]
    definite = body[0].low in _DEFINITE
    possessor = None
    for k, t in enumerate(body):
        if t.low == "'s" and k > 0:
            p_start = 1 if body[0].low in _DETERMINERS else 0
            possessor = text[body[p_start].start : body[k - 1].end]
            definite = True
    content = [t for t in body if t.low not in _DETERMINERS and t.low not in _QUOTE_TOKENS]
    if not content:
        return None
    head = content[-1].low
    proper = any(t.cap for t in content)
    pronoun = len(content) == 1 and content[0].low in _PRONOUNS
    return _Phrase(
        start=start,
        end=end,
        text=text[toks[start].start : toks[end].end],
        head=head,
        possessor=possessor,
        definite=definite,
        proper=proper,
        pronoun=pronoun,
    )


def _np_right(
    toks: Sequence[_Tok], text: str, i: int, max_len: int = 7, proper_only: bool = False
) -> _Phrase | None:
    """The noun phrase that starts at token i (the object of a predicate); `proper_only`
    reads names only (an agent after "by" ends where the names end)."""
    j = i
    n = len(toks)
    while j < n and toks[j].low in _QUOTE_TOKENS:
        j += 1
    # "some of the rebels": the quantifier is not the target.
    if j + 1 < n and toks[j].low in _QUANTIFIERS and toks[j + 1].low == "of":
        j += 2
        i = j
    if j < n and toks[j].low in _DETERMINERS:
        j += 1
    first_content = j
    end = -1
    while j < n and j - i < max_len:
        t = toks[j]
        if t.low in _QUOTE_TOKENS:
            j += 1
            continue
        if t.low == "'s" and end >= 0:
            end = j
            j += 1
            continue
        if t.low == "of" and end >= 0 and toks[end].cap and j + 1 < n and toks[j + 1].cap:
            j += 1
            continue
        if not _is_nominal(t) or (proper_only and not t.cap):
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
    return _phrase(toks, text, i, end)


def _np_left(toks: Sequence[_Tok], text: str, j: int, max_len: int = 8) -> _Phrase | None:
    """The noun phrase that ends at token j (a subject or the target of a passive)."""
    if j < 0 or not (_is_nominal(toks[j]) or toks[j].low in _QUOTE_TOKENS | {"'s"}):
        return None
    k = j
    while k - 1 >= 0 and j - (k - 1) < max_len:
        t = toks[k - 1]
        if _participle(t) and not (k - 2 >= 0 and _is_nominal(toks[k - 2])):
            break  # "pledged Tehran's": a verb, not a modifier
        if _is_nominal(t) or t.low in {"'s"} or t.low in _QUOTE_TOKENS:
            k -= 1
            continue
        if t.low == "of" and k - 2 >= 0 and _is_nominal(toks[k - 2]):
            k -= 1
            continue
        if t.low in _DETERMINERS:
            k -= 1
        break
    return _phrase(toks, text, k, j)


def _conjuncts_left(toks: Sequence[_Tok], text: str, first: _Phrase) -> list[_Phrase]:
    """`first` and the named phrases coordinated before it: "Iran and Russia", "A, B and C",
    "A, B, and C". In "Russia and Iran, and Turkey" only Turkey: the ", and" opens a new
    clause, not a list."""
    out = [first]
    k = first.start - 1
    seen_and = False
    while k >= 1:
        if toks[k].low == "and" and not seen_and:
            oxford = toks[k - 1].low == ","
            prev = _np_left(toks, text, k - 2 if oxford else k - 1)
            if prev is None or not prev.proper:
                break
            if oxford and not (prev.start >= 1 and toks[prev.start - 1].low == ","):
                break  # ", and" without a comma list before it
            seen_and = True
        elif toks[k].low == "," and seen_and:
            prev = _np_left(toks, text, k - 1)
            if prev is None or not prev.proper:
                break
        else:
            break
        out.insert(0, prev)
        k = prev.start - 1
    return out


def _conjuncts_right(toks: Sequence[_Tok], text: str, i: int) -> list[_Phrase]:
    """Named phrases coordinated from token i on ("by Russia, Iran, and its allied groups");
    the list ends with the phrase after "and"."""
    out: list[_Phrase] = []
    while i < len(toks):
        np = _np_right(toks, text, i, proper_only=True)
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
            np = _np_right(toks, text, i, proper_only=True)
            if np is not None:
                out.append(np)
            break
    return out


def _negated(toks: Sequence[_Tok], start: int, end: int) -> bool:
    """A negation or modal among tokens start..end-1."""
    return any(t.low in NEGATIONS or t.low in MODALS for t in toks[max(start, 0) : end])


def _subject(toks: Sequence[_Tok], text: str, i: int) -> tuple[list[_Phrase], int] | None:
    """The subject phrase(s) of a predicate at token i, and the index where it ends; None when
    negated or not found."""
    k = i - 1
    while k >= 0 and (
        toks[k].low in _SKIPPABLE or (toks[k].low.endswith("ly") and not toks[k].cap)
    ):
        k -= 1
    if k >= 0 and toks[k].low in NEGATIONS | MODALS:
        return None
    if k >= 1 and toks[k].low == "to" and toks[k - 1].low in _TO_VERBS:
        if _negated(toks, k - 3, k):
            return None
        k -= 2
        while k >= 0 and toks[k].low in _SKIPPABLE:
            k -= 1
    if k >= 0 and toks[k].low == ",":
        # "E, <appositive>, V": the named phrase before the appositive; "D, E, V": E.
        close = k
        open_ = close - 1
        while open_ >= 0 and toks[open_].low != ",":
            open_ -= 1
        inner = _np_left(toks, text, close - 1)
        if inner is not None and inner.start == open_ + 1 and inner.proper:
            return [inner], close - 1
        if open_ < 1:
            return None
        outer = _np_left(toks, text, open_ - 1)
        if outer is None:
            return None
        return _conjuncts_left(toks, text, outer), open_ - 1
    np = _np_left(toks, text, k)
    if np is None:
        return None
    if np.start > 0 and toks[np.start - 1].low == "by":
        return None  # "Data collected by NASA supported ...": NASA is no subject
    return _conjuncts_left(toks, text, np), k


def _valid_holder(np: _Phrase, toks: Sequence[_Tok]) -> bool:
    if np.pronoun:
        return False
    # A common-noun holder must be definite and open the sentence ("The agency objected").
    return np.proper or (np.definite and np.start == 0)


def _valid_target(np: _Phrase) -> bool:
    if np.pronoun or np.head in SCOPE_BLOCKERS or np.head in _ABSTRACT_HEADS:
        return False
    return np.proper or np.definite or np.head in _ACTOR_HEADS


def _appositive_name(toks: Sequence[_Tok], text: str, np: _Phrase | None) -> _Phrase | None:
    """A described target followed by its name ("Syria's strongman president, Bashar Assad")
    is that name."""
    if np is None or toks[np.end].cap or np.end + 2 >= len(toks) or toks[np.end + 1].low != ",":
        return np
    name = _np_right(toks, text, np.end + 2, proper_only=True)
    if name is None or not name.proper:
        return np
    after = toks[name.end + 1].low if name.end + 1 < len(toks) else "."
    return name if after in {",", ".", ";", ")"} else np


def _resolve_property(np: _Phrase) -> str:
    """Support for "Syria's sovereignty" is support for Syria: the possessor stands in."""
    if np.head in PROPERTY_HEADS and np.possessor:
        return np.possessor
    return np.text


def _find_in_sentence(sentence: Sentence, ctx: _Context) -> list[_Found]:
    text = fold_chars(sentence.text).replace("“", '"').replace("”", '"')
    toks = _tokens(sentence.text, ctx)
    found: list[_Found] = []

    def emit(holders: Iterable[_Phrase], target: _Phrase | None, pol: str, how: str) -> None:
        if target is None or not _valid_target(target):
            return
        for h in holders:
            if _valid_holder(h, toks) and h.start != target.start:
                found.append(_Found(h, target, pol, how, sentence.id))

    verbs = verb_forms()
    # A title-case headline ("Gary Cohn Criticizes Trump's Response") capitalises its verbs.
    words = [t for t in toks if t.text[:1].isalpha() and len(t.text) > 3]
    headline = len(words) >= 3 and all(t.text[:1].isupper() for t in words)
    for i, t in enumerate(toks):
        nxt = toks[i + 1].low if i + 1 < len(toks) else ""
        # Stance noun: "X's (adj) support for T", "<light verb> (det) offensive against T".
        if t.low in STANCE_NOUNS and nxt in STANCE_NOUNS[t.low][1]:
            pol = STANCE_NOUNS[t.low][0]
            holders = _noun_holders(toks, text, i)
            if holders:
                emit(holders, _np_right(toks, text, i + 2), pol, "noun")
            continue
        # Relation noun: "X is a key ally of T", "X, a supporter of T", "T's allies, A and B".
        if t.low in RELATION_NOUNS:
            found += _relations(toks, text, i, RELATION_NOUNS[t.low], sentence.id)
            continue
        # Compound: "Iran-backed armed groups".
        if "-" in t.text and t.low.endswith(("-backed", "-supported", "-allied")):
            prefix = t.text.rsplit("-", 1)[0]
            country = country_of_word().get(prefix.lower(), prefix if prefix[:1].isupper() else "")
            target = _np_right(toks, text, i + 1)
            if country and target is not None and _valid_target(target):
                holder = _Phrase(i, i, country, country.lower(), None, True, True, False)
                found.append(_Found(holder, target, SUPPORTIVE, "compound", sentence.id))
            continue
        if t.low not in verbs:
            continue
        if i > 0 and t.text[:1].isupper() and not headline:
            continue  # "Best Supporting Actor": part of a name, not a predicate
        lemma, pol, particle = verbs[t.low]
        if t.low == "back" and (i == 0 or not _can_precede_back(toks[i - 1])):
            continue
        # Passive: "T (was) backed by H".
        if t.low.endswith("ed") and nxt == "by":
            k = i - 1
            while k >= 0 and (toks[k].low in _SKIPPABLE | _COPULAS or toks[k].low.endswith("ly")):
                k -= 1
            if k >= 0 and toks[k].low in NEGATIONS:
                continue
            if k >= 0 and toks[k].low == ",":
                k -= 1
            target = _np_left(toks, text, k)
            holders = _conjuncts_right(toks, text, i + 2)
            emit(holders, target, pol, "passive")
            continue
        # Adjectival "opposed to T" / verb with its particle / direct object.
        obj = i + 1
        if t.low == "opposed" and nxt == "to":
            obj = i + 2
        elif particle:
            if nxt != particle:
                continue
            obj = i + 2
        elif nxt in {"by", "for", "to", "of", "with", "as", "in", "on", "at"}:
            continue
        subject = _subject(toks, text, i)
        if subject is None:
            continue
        holders, _end = subject
        if t.low.endswith("ing"):
            # A participle takes the phrase right before it ("forces fighting Assad") only.
            if _end != i - 1:
                continue
            holders = holders[-1:]
        target = _np_right(toks, text, obj)
        if lemma == "blame" and target is not None:
            # "blamed the violence (plaguing Kabul) on X": the blame falls on X.
            ahead = list(range(target.end + 1, min(target.end + 5, len(toks))))
            on = next((k for k in ahead if toks[k].low == "on"), None)
            if on is not None and all(toks[k].low not in {",", ";", "."} for k in ahead if k < on):
                target = _np_right(toks, text, on + 1)
        emit(holders, _appositive_name(toks, text, target), pol, "verb")
    return found


def _can_precede_back(tok: _Tok) -> bool:
    """The verb "back" follows a name, an auxiliary or "to"; not "take" ("take back")."""
    if tok.low in _BACK_PARTICLE_AFTER:
        return False
    return tok.cap or tok.low in _SKIPPABLE or tok.low in MODALS or tok.low in {"to", "and"}


def _possessor(toks: Sequence[_Tok], text: str, end: int) -> _Phrase | None:
    """The owner before "'s" at end+1: a run of capitalised words ("Iran's", "DE LEON's"), or
    a short common-noun phrase ("the Syrian government's")."""
    if end < 0:
        return None
    if toks[end].cap:
        k = end
        while k - 1 >= 0 and toks[k - 1].cap and toks[k - 1].low not in _TIME_WORDS:
            k -= 1
        if k - 1 >= 0 and toks[k - 1].low in _DETERMINERS:
            k -= 1
        return _phrase(toks, text, k, end)
    return _np_left(toks, text, end, max_len=4)


def _noun_holders(toks: Sequence[_Tok], text: str, i: int) -> list[_Phrase]:
    """Who holds the stance noun at token i: its possessor ("Iran's support"), the subject of
    the light verb that carries it ("voiced strong support", "launched a surprise offensive"),
    or both ("The Iranian president pledged Tehran's full support": the president and Tehran).
    A possessive pronoun ("its support", "their support") stands for that subject, or for the
    subject that opens the sentence."""
    k = i - 1
    while k >= 0 and not toks[k].cap and _is_nominal(toks[k]) and toks[k].low not in {"'s"}:
        k -= 1  # adjectives: strong, full, steadfast, surprise
    while k >= 0 and toks[k].low in _QUOTE_TOKENS:
        k -= 1
    holders: list[_Phrase] = []
    pronoun_owner = False
    if k >= 0 and toks[k].low == "'s":
        owner = _possessor(toks, text, k - 1)
        if owner is None:
            return []
        holders.append(owner)
        k = owner.start - 1
    elif k >= 0 and toks[k].low in {"its", "their", "his", "her"}:
        pronoun_owner = True
        k -= 1
    elif k >= 0 and toks[k].low == "no":
        return []
    elif k >= 0 and toks[k].low in _DETERMINERS:
        k -= 1
    if k >= 0 and toks[k].low in LIGHT_VERBS:
        subject = _subject(toks, text, k)
        if subject is None:
            return []  # a negated light verb: "did not voice support"
        holders += subject[0]
    elif pronoun_owner:
        holders += _sentence_subject(toks, text)
    return holders


def _sentence_subject(toks: Sequence[_Tok], text: str) -> list[_Phrase]:
    """The named phrase that opens the sentence and is followed by a verb, if any."""
    i = 0
    if len(toks) > 2 and toks[1].low == "," and not toks[0].cap:
        i = 2  # "Meanwhile, ..."
    np = _np_right(toks, text, i)
    if np is None or not np.proper or np.end + 1 >= len(toks):
        return []
    after = toks[np.end + 1].low
    if (
        after in _COPULAS
        or after in {"has", "have", "had", "will", "would"}
        or after in LIGHT_VERBS
    ):
        return [np]
    return []


def _relations(toks: Sequence[_Tok], text: str, i: int, pol: str, sentence_id: int) -> list[_Found]:
    out: list[_Found] = []
    nxt = toks[i + 1].low if i + 1 < len(toks) else ""
    # Walk left over adjectives and a determiner: "the main", "a key", "long".
    k = i - 1
    while k >= 0 and not toks[k].cap and _is_nominal(toks[k]):
        k -= 1
    possessed = k >= 0 and toks[k].low == "'s"
    if nxt == "of":
        target = _np_right(toks, text, i + 2)
        if target is None or not _valid_target(target):
            return out
        determiner = k >= 0 and toks[k].low in _DETERMINERS
        if determiner:
            k -= 1
        holders: list[_Phrase] = []
        if determiner and k >= 0 and toks[k].low == ",":  # "Russia, a key ally of Assad,"
            np = _np_left(toks, text, k - 1)
            holders = [np] if np is not None else []
        else:
            j = k
            while j >= 0 and toks[j].low in {"known", "as", "seen", "long"}:
                j -= 1
            if j >= 0 and toks[j].low in _COPULAS:
                subject = _subject(toks, text, j + 1)
                if subject is not None:
                    holders = subject[0]
        for h in holders:
            if not h.pronoun and (h.proper or h.definite):
                out.append(_Found(h, target, pol, "relation", sentence_id))
        return out
    if possessed and nxt == ",":  # "Assad's allies, Iran and Russia,"
        owner = _np_left(toks, text, k - 1)
        holders = _conjuncts_right(toks, text, i + 2)
        if owner is not None and owner.proper:
            for h in holders:
                if h.proper:
                    out.append(_Found(h, owner, pol, "relation", sentence_id))
        return out
    if toks[i].low.endswith("s") and (i + 1 >= len(toks) or not _is_nominal(toks[i + 1])):
        # "Putin and Assad have long been allies": each toward the other.
        j = k
        while j >= 0 and toks[j].low in _SKIPPABLE | _COPULAS:
            j -= 1
        np = _np_left(toks, text, j)
        if np is None or j == k:
            return out
        pair = _conjuncts_left(toks, text, np)
        if len(pair) == 2 and all(p.proper for p in pair):
            a, b = pair
            out.append(_Found(a, b, pol, "relation", sentence_id))
            out.append(_Found(b, a, pol, "relation", sentence_id))
    return out


def actor_name(phrase: str) -> str:
    """A holder/target phrase as a name: leading determiners, titles and country adjectives
    dropped while a capitalised name remains ("Iranian Foreign Minister Abbas Araghchi" ->
    "Abbas Araghchi"; "the Syrian government" -> "Syrian government")."""
    words = phrase.split()
    while len(words) > 1 and words[0].lower() in _DETERMINERS:
        words = words[1:]
    countries = country_of_word()
    k = 0
    while k < len(words) - 1 and (
        words[k].lower().strip(".,") in TITLES or words[k].lower() in countries
    ):
        k += 1
    rest = words[k:]
    if k and rest and all(w[:1].isupper() for w in rest):
        words = rest
    # "international group Human Rights Watch" -> "Human Rights Watch"
    tail = len(words)
    while tail > 0 and words[tail - 1][:1].isupper():
        tail -= 1
    if 0 < tail < len(words) and all(w[:1].islower() for w in words[:tail]):
        words = words[tail:]
    return " ".join(words).strip(" ,\"'")


def affiliations_of(sentences: Sequence[Sentence]) -> Affiliations:
    """Person -> countries, from titles such as "Iranian President Masoud Pezeshkian" or
    "President Masoud Pezeshkian of Iran": what self_stance needs to know that Pezeshkian's
    stance toward Iran is his own country's."""
    countries = country_of_word()
    out: dict[str, set[str]] = {}
    pattern = re.compile(
        r"\b([A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){1,6})(?:\s+of\s+([A-Z][\w-]*(?:\s+[A-Z][\w-]*)?))?"
    )
    for s in sentences:
        for m in pattern.finditer(fold_chars(s.text)):
            words = m.group(1).split()
            found = {countries[w.lower()] for w in words[:-1] if w.lower() in countries}
            if m.group(2) and m.group(2).lower() in countries:
                found.add(countries[m.group(2).lower()])
            name_words = [
                w for w in words if w.lower() not in countries and w.lower() not in TITLES
            ]
            if found and name_words and any(w.lower() in TITLES for w in words):
                out.setdefault(entity_key(name_words[-1]), set()).update(found)
    return {k: frozenset(v) for k, v in out.items()}


def actor_stances(
    sentences: Sequence[Sentence], *, min_confidence: float = 0.5, limit: int = 8
) -> list[StanceJudgement]:
    """Stances of named actors toward each other, each stated inside one sentence."""
    ctx = _context(sentences)
    affiliations = affiliations_of(sentences)
    by_pair: dict[tuple[str, str], list[StanceJudgement]] = {}
    order: list[tuple[str, str]] = []
    for sentence in sentences:
        for f in _find_in_sentence(sentence, ctx):
            holder = actor_name(f.holder.text)
            target = actor_name(_resolve_property(f.target))
            if not holder or not target or self_stance(holder, target, affiliations):
                continue
            confidence = _CONFIDENCE[f.construction]
            if not (f.holder.proper and f.target.proper):
                confidence -= _COMMON_NOUN_PENALTY
            key = (entity_key(holder), entity_key(target))
            if key not in by_pair:
                order.append(key)
            by_pair.setdefault(key, []).append(
                StanceJudgement(
                    holder, target, f.polarity, round(confidence, 2), "rules", f.sentence_id
                )
            )
    out: list[StanceJudgement] = []
    for key in order:
        found = by_pair[key]
        labels = {j.label for j in found}
        best = max(found, key=lambda j: j.confidence)
        if labels == {SUPPORTIVE, OPPOSED}:
            best = StanceJudgement(
                best.holder, best.target, "mixed", _MIXED_CONFIDENCE, "rules", best.sentence_id
            )
        if best.confidence >= min_confidence:
            out.append(best)
    out.sort(key=lambda j: -j.confidence)  # stable: ties keep article order
    return out[:limit]


__all__ = ["OPPOSED", "SUPPORTIVE", "actor_name", "actor_stances", "affiliations_of"]
