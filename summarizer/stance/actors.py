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
Confidence is per construction (see phrases.CONFIDENCE); benchmarks/stance_dev.py reports how often
each level is right on the eval fixtures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..schemas import Sentence
from .lexicon import (
    LIGHT_VERBS,
    MODALS,
    NEGATIONS,
    OPPOSED,
    RELATION_NOUNS,
    STANCE_NOUNS,
    SUPPORTIVE,
    country_of_word,
    verb_forms,
)
from .mentions import TITLES, fold_chars
from .phrases import (
    BACK_PARTICLE_AFTER,
    COMMON_NOUN_PENALTY,
    CONFIDENCE,
    COPULAS,
    DETERMINERS,
    MIXED_CONFIDENCE,
    QUOTE_TOKENS,
    SKIPPABLE,
    TIME_WORDS,
    Context,
    Found,
    Phrase,
    Tok,
    appositive_name,
    conjuncts_left,
    conjuncts_right,
    find_subject,
    is_nominal,
    make_context,
    make_phrase,
    np_left,
    np_right,
    resolve_property,
    tokenize,
    valid_holder,
    valid_target,
)
from .types import StanceJudgement
from .validate import Affiliations, entity_key, self_stance


def _find_in_sentence(sentence: Sentence, ctx: Context) -> list[Found]:
    text = fold_chars(sentence.text).replace("“", '"').replace("”", '"')
    toks = tokenize(sentence.text, ctx)
    found: list[Found] = []

    def emit(holders: Iterable[Phrase], target: Phrase | None, pol: str, how: str) -> None:
        if target is None or not valid_target(target):
            return
        for h in holders:
            if valid_holder(h, toks) and h.start != target.start:
                found.append(Found(h, target, pol, how, sentence.id))

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
                emit(holders, np_right(toks, text, i + 2), pol, "noun")
            continue
        # Relation noun: "X is a key ally of T", "X, a supporter of T", "T's allies, A and B".
        if t.low in RELATION_NOUNS:
            found += _relations(toks, text, i, RELATION_NOUNS[t.low], sentence.id)
            continue
        # Compound: "Iran-backed armed groups".
        if "-" in t.text and t.low.endswith(("-backed", "-supported", "-allied")):
            prefix = t.text.rsplit("-", 1)[0]
            country = country_of_word().get(prefix.lower(), prefix if prefix[:1].isupper() else "")
            target = np_right(toks, text, i + 1)
            if country and target is not None and valid_target(target):
                holder = Phrase(i, i, country, country.lower(), None, True, True, False)
                found.append(Found(holder, target, SUPPORTIVE, "compound", sentence.id))
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
            while k >= 0 and (toks[k].low in SKIPPABLE | COPULAS or toks[k].low.endswith("ly")):
                k -= 1
            if k >= 0 and toks[k].low in NEGATIONS:
                continue
            if k >= 0 and toks[k].low == ",":
                k -= 1
            target = np_left(toks, text, k)
            holders = conjuncts_right(toks, text, i + 2)
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
        subject = find_subject(toks, text, i)
        if subject is None:
            continue
        holders, _end = subject
        if t.low.endswith("ing"):
            # A participle takes the phrase right before it ("forces fighting Assad") only.
            if _end != i - 1:
                continue
            holders = holders[-1:]
        target = np_right(toks, text, obj)
        if lemma == "blame" and target is not None:
            # "blamed the violence (plaguing Kabul) on X": the blame falls on X.
            ahead = list(range(target.end + 1, min(target.end + 5, len(toks))))
            on = next((k for k in ahead if toks[k].low == "on"), None)
            if on is not None and all(toks[k].low not in {",", ";", "."} for k in ahead if k < on):
                target = np_right(toks, text, on + 1)
        emit(holders, appositive_name(toks, text, target), pol, "verb")
    return found


def _can_precede_back(tok: Tok) -> bool:
    """The verb "back" follows a name, an auxiliary or "to"; not "take" ("take back")."""
    if tok.low in BACK_PARTICLE_AFTER:
        return False
    return tok.cap or tok.low in SKIPPABLE or tok.low in MODALS or tok.low in {"to", "and"}


def _possessor(toks: Sequence[Tok], text: str, end: int) -> Phrase | None:
    """The owner before "'s" at end+1: a run of capitalised words ("Iran's", "DE LEON's"), or
    a short common-noun phrase ("the Syrian government's")."""
    if end < 0:
        return None
    if toks[end].cap:
        k = end
        while k - 1 >= 0 and toks[k - 1].cap and toks[k - 1].low not in TIME_WORDS:
            k -= 1
        if k - 1 >= 0 and toks[k - 1].low in DETERMINERS:
            k -= 1
        return make_phrase(toks, text, k, end)
    return np_left(toks, text, end, max_len=4)


def _noun_holders(toks: Sequence[Tok], text: str, i: int) -> list[Phrase]:
    """Who holds the stance noun at token i: its possessor ("Iran's support"), the subject of
    the light verb that carries it ("voiced strong support", "launched a surprise offensive"),
    or both ("The Iranian president pledged Tehran's full support": the president and Tehran).
    A possessive pronoun ("its support", "their support") stands for that subject, or for the
    subject that opens the sentence."""
    k = i - 1
    while k >= 0 and not toks[k].cap and is_nominal(toks[k]) and toks[k].low not in {"'s"}:
        k -= 1  # adjectives: strong, full, steadfast, surprise
    while k >= 0 and toks[k].low in QUOTE_TOKENS:
        k -= 1
    holders: list[Phrase] = []
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
    elif k >= 0 and toks[k].low in DETERMINERS:
        k -= 1
    if k >= 0 and toks[k].low in LIGHT_VERBS:
        subject = find_subject(toks, text, k)
        if subject is None:
            return []  # a negated light verb: "did not voice support"
        holders += subject[0]
    elif pronoun_owner:
        holders += _sentence_subject(toks, text)
    return holders


def _sentence_subject(toks: Sequence[Tok], text: str) -> list[Phrase]:
    """The named phrase that opens the sentence and is followed by a verb, if any."""
    i = 0
    if len(toks) > 2 and toks[1].low == "," and not toks[0].cap:
        i = 2  # "Meanwhile, ..."
    np = np_right(toks, text, i)
    if np is None or not np.proper or np.end + 1 >= len(toks):
        return []
    after = toks[np.end + 1].low
    if after in COPULAS or after in {"has", "have", "had", "will", "would"} or after in LIGHT_VERBS:
        return [np]
    return []


def _relations(toks: Sequence[Tok], text: str, i: int, pol: str, sentence_id: int) -> list[Found]:
    out: list[Found] = []
    nxt = toks[i + 1].low if i + 1 < len(toks) else ""
    # Walk left over adjectives and a determiner: "the main", "a key", "long".
    k = i - 1
    while k >= 0 and not toks[k].cap and is_nominal(toks[k]):
        k -= 1
    possessed = k >= 0 and toks[k].low == "'s"
    if nxt == "of":
        target = np_right(toks, text, i + 2)
        if target is None or not valid_target(target):
            return out
        determiner = k >= 0 and toks[k].low in DETERMINERS
        if determiner:
            k -= 1
        holders: list[Phrase] = []
        if determiner and k >= 0 and toks[k].low == ",":  # "Russia, a key ally of Assad,"
            np = np_left(toks, text, k - 1)
            holders = [np] if np is not None else []
        else:
            j = k
            while j >= 0 and toks[j].low in {"known", "as", "seen", "long"}:
                j -= 1
            if j >= 0 and toks[j].low in COPULAS:
                subject = find_subject(toks, text, j + 1)
                if subject is not None:
                    holders = subject[0]
        for h in holders:
            if not h.pronoun and (h.proper or h.definite):
                out.append(Found(h, target, pol, "relation", sentence_id))
        return out
    if possessed and nxt == ",":  # "Assad's allies, Iran and Russia,"
        owner = np_left(toks, text, k - 1)
        holders = conjuncts_right(toks, text, i + 2)
        if owner is not None and owner.proper:
            for h in holders:
                if h.proper:
                    out.append(Found(h, owner, pol, "relation", sentence_id))
        return out
    if toks[i].low.endswith("s") and (i + 1 >= len(toks) or not is_nominal(toks[i + 1])):
        # "Putin and Assad have long been allies": each toward the other.
        j = k
        while j >= 0 and toks[j].low in SKIPPABLE | COPULAS:
            j -= 1
        np = np_left(toks, text, j)
        if np is None or j == k:
            return out
        pair = conjuncts_left(toks, text, np)
        if len(pair) == 2 and all(p.proper for p in pair):
            a, b = pair
            out.append(Found(a, b, pol, "relation", sentence_id))
            out.append(Found(b, a, pol, "relation", sentence_id))
    return out


def actor_name(phrase: str) -> str:
    """A holder/target phrase as a name: leading determiners, titles and country adjectives
    dropped while a capitalised name remains ("Iranian Foreign Minister Abbas Araghchi" ->
    "Abbas Araghchi"; "the Syrian government" -> "Syrian government")."""
    words = phrase.split()
    while len(words) > 1 and words[0].lower() in DETERMINERS:
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
    ctx = make_context(sentences)
    affiliations = affiliations_of(sentences)
    by_pair: dict[tuple[str, str], list[StanceJudgement]] = {}
    order: list[tuple[str, str]] = []
    for sentence in sentences:
        for f in _find_in_sentence(sentence, ctx):
            holder = actor_name(f.holder.text)
            target = actor_name(resolve_property(f.target))
            if not holder or not target or self_stance(holder, target, affiliations):
                continue
            confidence = CONFIDENCE[f.construction]
            if not (f.holder.proper and f.target.proper):
                confidence -= COMMON_NOUN_PENALTY
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
                best.holder, best.target, "mixed", MIXED_CONFIDENCE, "rules", best.sentence_id
            )
        if best.confidence >= min_confidence:
            out.append(best)
    out.sort(key=lambda j: -j.confidence)  # stable: ties keep article order
    return out[:limit]


__all__ = ["OPPOSED", "SUPPORTIVE", "actor_name", "actor_stances", "affiliations_of"]
