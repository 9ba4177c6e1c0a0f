"""Word lists the stance rules share: stance predicates, scope blockers, countries.

Kept in one place so the actor rules (actors.py), the validators (validate.py) and their
tests read the same lists. Every list is small and hand-made for English news; none is
learned. The VADER baseline (floor for the classifier) lives in `vader_label`.
"""

from __future__ import annotations

from functools import lru_cache

SUPPORTIVE = "supportive"
OPPOSED = "opposed"

# Verbs whose subject takes a stance on their object. Value: (polarity, particle or "").
# The particle must follow the verb ("side with", "object to"); "" means a direct object.
_VERB_LEMMAS: dict[str, tuple[str, str]] = {
    "support": (SUPPORTIVE, ""),
    "back": (SUPPORTIVE, ""),
    "endorse": (SUPPORTIVE, ""),
    "praise": (SUPPORTIVE, ""),
    "welcome": (SUPPORTIVE, ""),
    "defend": (SUPPORTIVE, ""),
    "champion": (SUPPORTIVE, ""),
    "hail": (SUPPORTIVE, ""),
    "applaud": (SUPPORTIVE, ""),
    "commend": (SUPPORTIVE, ""),
    "embrace": (SUPPORTIVE, ""),
    "favour": (SUPPORTIVE, ""),
    "favor": (SUPPORTIVE, ""),
    "side": (SUPPORTIVE, "with"),
    "ally": (SUPPORTIVE, "with"),
    "oppose": (OPPOSED, ""),
    "condemn": (OPPOSED, ""),
    "criticise": (OPPOSED, ""),
    "criticize": (OPPOSED, ""),
    "reject": (OPPOSED, ""),
    "denounce": (OPPOSED, ""),
    "accuse": (OPPOSED, ""),
    "blame": (OPPOSED, ""),
    "slam": (OPPOSED, ""),
    "vilify": (OPPOSED, ""),
    "decry": (OPPOSED, ""),
    "deplore": (OPPOSED, ""),
    "fight": (OPPOSED, ""),
    "boycott": (OPPOSED, ""),
    "sanction": (OPPOSED, ""),
    "object": (OPPOSED, "to"),
    "protest": (OPPOSED, "against"),
    "campaign": (OPPOSED, "against"),
    "rail": (OPPOSED, "against"),
    "turn": (OPPOSED, "against"),
}
_IRREGULAR = {"fought": "fight", "fighting": "fight", "allied": "ally", "allies": "ally"}


def _inflections(lemma: str) -> set[str]:
    """Regular English forms of a verb lemma: support/supports/supported/supporting."""
    forms = {lemma}
    if lemma.endswith("e"):
        forms |= {lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    elif lemma.endswith("y") and lemma[-2] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    else:
        double = lemma + lemma[-1] if lemma in {"slam"} else lemma
        forms |= {lemma + "s", double + "ed", double + "ing"}
        if lemma.endswith(("ch", "sh", "s", "x")):
            forms.add(lemma + "es")
    return forms


@lru_cache(maxsize=1)
def verb_forms() -> dict[str, tuple[str, str, str]]:
    """Inflected form -> (lemma, polarity, particle)."""
    out: dict[str, tuple[str, str, str]] = {}
    for lemma, (polarity, particle) in _VERB_LEMMAS.items():
        for form in _inflections(lemma):
            out[form] = (lemma, polarity, particle)
    for form, lemma in _IRREGULAR.items():
        polarity, particle = _VERB_LEMMAS[lemma]
        out[form] = (lemma, polarity, particle)
    return out


# Nouns of stance followed by a preposition and the target: "support for", "opposition to".
STANCE_NOUNS: dict[str, tuple[str, frozenset[str]]] = {
    "support": (SUPPORTIVE, frozenset({"for", "to", "of", "behind"})),
    "backing": (SUPPORTIVE, frozenset({"for", "to", "of"})),
    "endorsement": (SUPPORTIVE, frozenset({"of", "for"})),
    "solidarity": (SUPPORTIVE, frozenset({"with"})),
    "opposition": (OPPOSED, frozenset({"to"})),
    "condemnation": (OPPOSED, frozenset({"of"})),
    "criticism": (OPPOSED, frozenset({"of"})),
    "hostility": (OPPOSED, frozenset({"to", "toward", "towards"})),
    "offensive": (OPPOSED, frozenset({"against", "on"})),
    "campaign": (OPPOSED, frozenset({"against"})),
    "war": (OPPOSED, frozenset({"against", "on"})),
    "protest": (OPPOSED, frozenset({"against"})),
    "protests": (OPPOSED, frozenset({"against"})),
}
# Nouns of a relation held by the subject: "X is a key ally of T", "X, a supporter of T".
RELATION_NOUNS: dict[str, str] = {
    "ally": SUPPORTIVE,
    "allies": SUPPORTIVE,
    "supporter": SUPPORTIVE,
    "supporters": SUPPORTIVE,
    "backer": SUPPORTIVE,
    "backers": SUPPORTIVE,
    "champion": SUPPORTIVE,
    "friend": SUPPORTIVE,
    "opponent": OPPOSED,
    "opponents": OPPOSED,
    "critic": OPPOSED,
    "critics": OPPOSED,
    "enemy": OPPOSED,
    "enemies": OPPOSED,
    "foe": OPPOSED,
    "foes": OPPOSED,
}
# Verbs that carry a stance noun: "voiced strong support for", "pledged Tehran's support to".
LIGHT_VERBS = frozenset(
    """express expressed expresses expressing voice voiced voices voicing pledge pledged
    pledges pledging reaffirm reaffirmed reaffirms reaffirming offer offered offers offering
    declare declared declares declaring announce announced announces signal signalled
    signaled show showed shown shows give gave given gives lend lent lends promise promised
    promises vow vowed vows reiterate reiterated reiterates stress stressed emphasised
    emphasized confirm confirmed launch launched launches launching lead led leads wage waged
    wages mount mounted stage staged begin began begun start started double doubling doubled
    step stepped continue continued maintain maintained""".split()
)
# Heads of an object phrase that put the target out of the stance's reach: opposing "efforts
# undermining Syria" is not opposing Syria; condemning "an attack on X" is not condemning X.
SCOPE_BLOCKERS = frozenset(
    """effort efforts attempt attempts attack attacks threat threats interference violation
    violations aggression undermining intrusion bid bids killing killings occupation invasion
    siege strike strikes sanctions pressure""".split()
)
# Abstract properties of an actor: support for "Syria's sovereignty" is support for Syria.
PROPERTY_HEADS = frozenset(
    """sovereignty integrity unity stability security independence survival right rights
    people""".split()
)
NEGATIONS = frozenset(
    "not n't never no nor neither without cannot refused refuses refusing declined declines "
    "failed fails stopped ceased".split()
)
MODALS = frozenset("may might could would should".split())

# Country -> its adjectives, capitals and metonyms (a small hand table for the actors the
# rules most often meet in international news; anything else relies on the names alone).
COUNTRIES: dict[str, tuple[str, ...]] = {
    "Iran": ("Iranian", "Tehran", "Persian"),
    "Syria": ("Syrian", "Damascus"),
    "Turkey": ("Turkish", "Ankara", "Türkiye", "Turkiye"),
    "Russia": ("Russian", "Moscow", "Kremlin"),
    "Israel": ("Israeli",),
    "Iraq": ("Iraqi", "Baghdad"),
    "Lebanon": ("Lebanese", "Beirut"),
    "China": ("Chinese", "Beijing"),
    "United States": ("American", "US", "U.S.", "USA", "Washington", "White House"),
    "United Kingdom": ("British", "UK", "U.K.", "Britain", "London", "Downing Street"),
    "Ukraine": ("Ukrainian", "Kyiv", "Kiev"),
    "France": ("French", "Paris", "Elysee"),
    "Germany": ("German", "Berlin"),
    "Saudi Arabia": ("Saudi", "Riyadh"),
    "Egypt": ("Egyptian", "Cairo"),
    "Jordan": ("Jordanian", "Amman"),
    "Qatar": ("Qatari", "Doha"),
    "Yemen": ("Yemeni", "Sanaa"),
    "Afghanistan": ("Afghan", "Kabul"),
    "Pakistan": ("Pakistani", "Islamabad"),
    "India": ("Indian", "New Delhi"),
    "Japan": ("Japanese", "Tokyo"),
    "Austria": ("Austrian", "Vienna"),
    "Bolivia": ("Bolivian", "La Paz"),
    "Venezuela": ("Venezuelan", "Caracas"),
    "Hong Kong": (),
    "European Union": ("EU", "Brussels"),
}


@lru_cache(maxsize=1)
def country_of_word() -> dict[str, str]:
    """Lower-cased country name, adjective, capital or metonym -> the country."""
    out: dict[str, str] = {}
    for country, words in COUNTRIES.items():
        out[country.lower()] = country
        for word in words:
            out[word.lower()] = country
    return out


def vader_label(compound: float, threshold: float = 0.05) -> str:
    """VADER's usual reading of a compound score: positive/negative beyond +/-threshold."""
    if compound >= threshold:
        return "positive"
    if compound <= -threshold:
        return "negative"
    return "neutral"
