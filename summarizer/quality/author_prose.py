"""Fake author blocks written as prose (the label:value kind is in `author_block`).

Prose profiles. The same generators also write the profile as a paragraph: "<Name> is a
<job> at <Company>. <catch phrase>. <filler sentences>. Contact: <email> | <phone>", in the
page's language. The shape is a line that opens with a person's name, a copula or "works
as" in one of eight languages (en, de, fr, es, it, nl, pt, pl) and a job ending in a
preposition and a company; the block runs to its last contact line a few lines further on,
and it sits after the article (at most two prose lines follow it). A real short bio has the
same opening ("Jane Doe is a Reuters correspondent ...", "X is the BBC's Middle East
correspondent"), so the opening alone never flags: the block is scored on what a real bio
does not carry, and flagged at 3 points with at least one strong sign:

- strong (2 each): an e-mail that does not match the name (role addresses such as press@
  or newsroom@ are neutral) or uses a reserved example domain; filler prose after the
  opening, either placeholder Latin or word salad (at most 0.2 of its words are function
  words: the article bodies of the 24 eval fixtures score 0.29-0.44, the filler of 3,000
  Faker profiles has a median of 0.00-0.13 per locale and a 99th percentile of 0.12-0.30);
  a phone number beside a postal address;
- weak (1 each): contact details at all (e-mail or phone); a company with a legal form
  (GmbH, S.L., Sp. z o.o., LLC, ...).

"Reporting by ...; Editing by ...", "Additional reporting by ...", "Contact the author at
..." have no name-copula-job opening and are never candidates.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..schemas import FlagKind, Severity
from .base import Finding, Page, ends_sentence, words_of, wordset
from .names import PARTICLES, fold, is_initial, leading_name, name_tokens
from .placeholder import latin_share

# "is (a)", "works as (a)" in en, de, fr, es, it, nl, pt, pl: the verb after the name.
_COPULAS = wordset("is ist est es è é jest")
_WORKS_AS = frozenset(
    {
        ("works", "as"),
        ("is", "employed"),
        ("arbeitet", "als"),
        ("travaille", "comme"),
        ("trabaja", "como"),
        ("lavora", "come"),
        ("werkt", "als"),
        ("trabalha", "como"),
        ("pracuje", "jako"),
    }
)
_OPENING_VERBS = _COPULAS | {verb for verb, _ in _WORKS_AS}
# Prepositions that introduce the employer ("at", "bei", "chez", "presso", "w firmie", ...).
_EMPLOYER_PREPS = wordset(
    """at with for bei beim für chez pour au auprès en para presso per alla allo all' bij
    voor na no em pela pelo w we dla przy"""
)
# Lowercase words allowed between the preposition and the company ("at the", "w firmie").
_EMPLOYER_FILLERS = wordset(
    """the a an der die das einer dem la le les l' el los una un il lo de het een o a os as
    firmie spółce firma empresa société"""
)
_MAX_JOB_WORDS = 20
# Tokens a name can take before the copula ("Dott.ssa Maria Luisa de la Fuente y Ruiz").
_MAX_NAME_TOKENS = 9
# Legal forms of companies (lowercase, dots kept): a weak sign of a generated employer.
_LEGAL_FORMS = wordset(
    """inc inc. llc llc. ltd ltd. plc plc. corp corp. co. group gmbh ag kg kgaa e.g. e.v.
    ohg se sa s.a. sas s.a.s. sarl s.a.r.l. sl s.l. s.coop. spa s.p.a. srl s.r.l. s.n.c.
    bv b.v. nv n.v. vof ltda ltda. s/a eireli me sp. sp.k. s.c. z o.o. o.o."""
)
_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}")
_RESERVED_DOMAIN = re.compile(
    r"@(?:[\w-]+\.)*(?:example\.(?:com|org|net)|[\w-]+\.(?:example|test|invalid|localhost))$",
    re.IGNORECASE,
)
_ROLE_MAILBOXES = wordset(
    """info contact contacts press presse prensa stampa pers media news newsroom newsdesk
    desk editor editors editorial redaktion redazione redaccion redacción redactie redakcja
    redacao redação kontakt office hello team tips letters feedback support service mail
    admin webmaster noreply no-reply mailbox"""
)
# Digit runs with the usual separators, an optional +country prefix and an extension.
_PHONE = re.compile(r"(?<![\w@.])\+?\(?\d[\d ()./-]{5,20}\d(?:\s?(?:x|ext\.?)\s?\d{1,5})?(?!\w)")
# A postal code in one of the forms of the eight languages' countries, next to a town or
# after a comma: "ME 37746", "24158 Ochsenfurt", "Toledo, 47608", "45-237 Jarocin",
# "9828 NB, Bingelrade", "86834-497 Pastor". Matched after phone numbers are taken out, and
# only counted with a phone: a street address beside a phone number is private data.
_POSTCODE = re.compile(
    r"\b[A-Z]{2} \d{5}(?:-\d{4})?\b|\b\d{5}(?:-\d{3})?\s+[A-ZÀ-Ý]|,\s*\d{5}\b|"
    r"\b\d{2}-\d{3}\s+[A-ZÀ-Ý]|\b[1-9]\d{3}\s?[A-Z]{2}\b(?=,|\s+[A-Z])"
)
_HANDLE = re.compile(r"(?<![\w@])@\w{2,30}")
# Function words of the eight languages (articles, pronouns, prepositions, conjunctions,
# auxiliaries). See the module docstring for the shares real prose and filler reach.
_FUNCTION_WORDS = wordset(
    """the a an and or but of to in on at by for with from as is are was were be been has
    have had it its this that these he she they we his her their our not no which who when
    where also into about after than there will would can could
    der die das und ist nicht mit von zu den des dem ein eine einer eines einem einen im
    sich auf er sie es wir für bei nach aus über als auch wie am um wird wurde werden hat
    haben sind war noch nur aber oder wenn dass so vor zum zur durch seine ihre
    le la les et est une un du de que en des pas pour dans sur qui il elle ils son sa ses
    au aux avec par ce cette se ne plus mais ou sont a été était leur
    el los las y por con para una es se lo del al su sus que en un como más pero fue ha
    han sobre entre este esta sin o le
    di che è per non gli della delle del dei il lo la le un una con da nel nella si sono
    ha ed anche come più alla al ma suo sua lei lui
    o os um uma em não do da dos das ele ela seu sua com por para que se na no mais foi
    como mas ao à pelo pela
    het een van op niet hij zij ze zijn haar en de in is met voor dat die aan te bij er
    om ook als maar door naar werd wordt heeft
    i w z na do się nie że to jest od po jak ale dla przez ze za oraz jego jej a o być
    był była są który która które tak już"""
)
_SALAD_MIN_WORDS = 8
_SALAD_MAX_SHARE = 0.2
_BIO_HEADER = re.compile(
    r"^(?:about the author|about the writer|author|written by|über den autor|über die "
    r"autorin|zum autor|zur autorin|autor|autorin|à propos de l'auteur|à propos de "
    r"l’auteur|l'auteur|l’auteur|auteur|sobre el autor|sobre la autora|acerca del autor|"
    r"el autor|l'autore|l’autore|sull'autore|sull’autore|autore|over de auteur|over de "
    r"schrijver|sobre o autor|sobre a autora|o autor|o autorze|autorka)\b\s*:?\s*",
    re.IGNORECASE,
)
# How many non-blank lines after the opening a profile block can run (header to contact).
_PROFILE_WINDOW = 6
# At most this many prose lines may follow a profile block: it closes the article.
_MAX_PROSE_AFTER = 2
_THRESHOLD = 3


_EDGES = '"“”„«»()[]{},;:!?'


def _tokens_of(s: str) -> list[str]:
    """Whitespace tokens with sentence punctuation stripped from their ends (dots kept)."""
    return [t for t, _ in _spanned_tokens(s)]


def _spanned_tokens(s: str) -> list[tuple[str, int]]:
    """(token, offset just after the raw token in s) for _tokens_of's tokens."""
    out = []
    for m in re.finditer(r"\S+", s):
        t = m.group(0).strip(_EDGES)
        if t:
            out.append((t, m.end()))
    return out


# A short sub-heading over a profile ("About the author", "Socials").
_HEADER = re.compile(
    r"^(?:detail author|author details?|about the author|author|profile|author profile|"
    r"socials?|social media|social profiles?|contact|contact info|"
    r"instagram|twitter|x|facebook|linkedin|tiktok|youtube|pinterest|threads|github)\s*:?$",
    re.IGNORECASE,
)


def header_line(page: Page, i: int) -> bool:
    """A short sub-heading inside or just above a profile block."""
    s = page.stripped[i]
    return page.n_words[i] <= 3 and not ends_sentence(s) and bool(_HEADER.match(s.strip("•*- ")))


class Opening(NamedTuple):
    """A profile's opening sentence: the person, the employer, where the sentence ends."""

    name: str
    company: str
    end: int  # offset in the text given to profile_opening, just after the sentence


def profile_opening(text: str) -> Opening | None:
    """The opening when text starts like a profile: "<Name> is a <job> at <Company>".

    The copula or "works as" must follow the name directly, the job is 1-20 words without
    a sentence end, and the employer is a preposition, up to two articles and a
    capitalised word (or particles and one: "van de Plas").
    """
    lead = len(text) - len(text.lstrip())
    s = text.strip()
    header = _BIO_HEADER.match(s)
    if header:
        lead += header.end()
        s = s[header.end() :]
    spanned = _spanned_tokens(s[:600])
    tokens = [t for t, _ in spanned]
    name = None
    k = -1
    for j in range(1, min(len(tokens) - 1, _MAX_NAME_TOKENS + 1)):
        first = tokens[j].lower()
        if first in _COPULAS:
            k = j + 1
            if first == "is" and tokens[j + 1].lower() == "employed":
                k = j + 2
        elif (first, tokens[j + 1].lower()) in _WORKS_AS:
            k = j + 2
        else:
            continue
        name = leading_name(tokens, j)
        break
    if name is None or k < 0:
        return None
    for m in range(k + 1, min(len(tokens), k + 1 + _MAX_JOB_WORDS)):
        prev = tokens[m - 1]
        if prev.endswith((".", "!", "?")) and len(prev) > 2 and not _legal_form(prev):
            return None
        if tokens[m].lower() not in _EMPLOYER_PREPS:
            continue
        c = m + 1
        while c < len(tokens) and c <= m + 2 and tokens[c].lower() in _EMPLOYER_FILLERS:
            c += 1
        if c < len(tokens) and _company_word(tokens, c):
            last = _company_end(tokens, c)
            company = " ".join(tokens[c : last + 1]).rstrip(".!?")
            return Opening(name, company, lead + spanned[last][1])
    return None


def _legal_form(token: str) -> bool:
    """Is the token a company's legal form ("GmbH", "S.L.", "Sp.k.", "Inc.")?"""
    low = token.lower()
    return low in _LEGAL_FORMS or low.rstrip(".") in _LEGAL_FORMS


def _company_end(tokens: list[str], c: int) -> int:
    """Index of the employer's last token: the first sentence end from tokens[c] on.

    A legal form's dot ends the sentence only before a word that is not another legal form
    ("GmbH & Co. KGaA." runs on; "Norvale Robotics Ltd. Media contact" stops at "Ltd.").
    """
    limit = min(len(tokens), c + 12)
    for i in range(c, limit):
        t = tokens[i]
        if not t.endswith((".", "!", "?")) or is_initial(t):
            continue
        if not _legal_form(t):
            return i
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if not (_legal_form(nxt) or nxt in ("&", "+", "und", "and", "e", "y", "et", "i", "z")):
            return i
    return limit - 1


def _company_word(tokens: list[str], c: int) -> bool:
    """A capitalised word or number ("'s Gravensande"), maybe after particles ("van de Plas")."""
    for t in tokens[c : c + 3]:
        if t[:1].isupper() or t[:1].isdigit() or t.startswith("'") or t.endswith("'"):
            return True
        # Particles and short connectors of Faker's noble surnames ("auch Schlauchin").
        if t not in PARTICLES and len(t) > 4:
            return False
    return False


def _contact_line(s: str) -> bool:
    """Does the line carry an e-mail, a phone number or a social handle?"""
    return bool(_EMAIL.search(s) or _phone_numbers(s) or _HANDLE.search(s))


def _phone_numbers(s: str) -> list[str]:
    """Phone-like digit runs of 9-15 digits.

    Phone numbers of the eight languages' countries have 9-12 digits with the area code;
    postal codes ("86834-497") and dates have at most 8.
    """
    out = []
    for m in _PHONE.finditer(s):
        digits = sum(ch.isdigit() for ch in m.group(0))
        if 9 <= digits <= 15:
            out.append(m.group(0))
    return out


def _without_contacts(s: str) -> str:
    """s with e-mail addresses and phone numbers blanked out."""
    s = _EMAIL.sub(" ", s)
    for phone in _phone_numbers(s):
        s = s.replace(phone, " ")
    return s


def _surname_in(name: str, local: str) -> bool:
    """Does an e-mail local part plausibly belong to the name?

    A piece of the local part (split at dots, dashes, underscores and digits; accents
    folded) must start or end with one of the surnames ("jane.doe", "jdoe", "doe1977",
    "lgomez" for Lucía Gómez), or be the initials. A given name alone is no match (Faker
    builds addresses from the same pools of given names), nor is a surname buried inside
    another word ("ryan" in "bryanholmes").
    """
    words = [t for t in _tokens_of(name) if t[:1].isupper()]
    surnames = name_tokens(" ".join(words[1:])) if len(words) > 1 else name_tokens(name)
    initials = fold("".join(t[0] for t in words))
    for raw in re.split(r"[._\-+\d]+", local):
        piece = fold(raw)
        if not piece:
            continue
        if any(piece.startswith(p) or piece.endswith(p) for p in surnames):
            return True
        if len(initials) >= 2 and piece == initials:
            return True
    return False


def prose_blocks(page: Page, covered: set[int]) -> list[Finding]:
    """Removing findings for prose profile blocks after the article (see module docstring)."""
    # A cheap gate: an opening needs one of the copulas or "works as" verbs on the page.
    if not page.vocab & _OPENING_VERBS:
        return []
    out: list[Finding] = []
    n = len(page.lines)
    nonblank = [j for j in page.nonblank if j not in covered]
    pos = 0
    while pos < len(nonblank):
        i = nonblank[pos]
        pos += 1
        if page.n_words[i] < 5 or len(page.stripped[i]) > 3000:
            continue
        if not any(w in _OPENING_VERBS for w in page.words(i)[: _MAX_NAME_TOKENS + 1]):
            continue
        opening = profile_opening(page.body[i])
        if opening is None:
            continue
        end = _profile_end(page, i, nonblank[pos : pos + _PROFILE_WINDOW])
        prose_after = sum(1 for j in range(end + 1, n) if page.prose[j] and page.in_main(j))
        prose_before = sum(1 for j in range(i) if page.prose[j] and page.in_main(j))
        if prose_after > _MAX_PROSE_AFTER or prose_before == 0:
            continue
        more = [page.stripped[j] for j in range(i + 1, end + 1) if page.stripped[j]]
        score, strong, signs = _score_profile(opening, page.body[i], more)
        if score < _THRESHOLD or not strong:
            continue
        start = i
        prev = page.prev_nonblank(i)
        if (
            prev >= 0
            and prev not in covered
            and page.n_words[prev] <= 5
            and (_BIO_HEADER.fullmatch(page.stripped[prev]) or header_line(page, prev))
        ):
            start = prev
        explanation = (
            f"generated author profile written as prose ({opening.name!r} introduced with a "
            f"job and an employer, then {'; '.join(signs)})"
        )
        severity = Severity.critical if strong >= 2 else Severity.warning
        out.append(
            Finding(FlagKind.fake_author_block, severity, start + 1, end + 1, explanation, True)
        )
        while pos < len(nonblank) and nonblank[pos] <= end:
            pos += 1
    return out


def _profile_end(page: Page, i: int, window: list[int]) -> int:
    """Last line of the profile that opens at line i.

    The block runs to its last contact line among the next few non-blank lines (stopping
    at another opening); without one, it takes the adjacent filler lines only.
    """
    end = i
    for j in window:
        if profile_opening(page.body[j]) is not None:
            break
        if _contact_line(page.stripped[j]):
            end = j
    if end == i:
        for j in window:
            if page.prev_nonblank(j) != end or not _filler(page.stripped[j]):
                break
            end = j
    return end


def _filler(s: str) -> bool:
    """A line of generated filler: placeholder Latin or word salad."""
    return latin_share(s) >= 0.3 or _salad(s)


def _salad(text: str) -> bool:
    """Enough words with almost no function words: no sentence of any of the languages."""
    words = words_of(text)
    if len(words) < _SALAD_MIN_WORDS:
        return False
    return sum(1 for w in words if w in _FUNCTION_WORDS) / len(words) <= _SALAD_MAX_SHARE


def _score_profile(opening: Opening, first: str, more: list[str]) -> tuple[int, int, list[str]]:
    """(score, strong signs, descriptions) of a candidate block: its opening line and the rest."""
    name = opening.name
    text = "\n".join([first, *more])
    score = 0
    strong = 0
    signs: list[str] = []
    emails = _EMAIL.findall(text)
    phones = _phone_numbers(text)
    if emails or phones:
        score += 1
        signs.append("contact details (" + ", ".join([*emails[:2], *phones[:1]]) + ")")
    reserved = [e for e in emails if _RESERVED_DOMAIN.search(e)]
    foreign = [
        e
        for e in emails
        if e not in reserved
        and e.split("@")[0].lower() not in _ROLE_MAILBOXES
        and not _surname_in(name, e.split("@")[0])
    ]
    if reserved:
        score += 2
        strong += 1
        signs.append(f"an address at a reserved example domain ({reserved[0]})")
    elif foreign:
        score += 2
        strong += 1
        signs.append(f"an e-mail address that does not match the name ({foreign[0]})")
    # The filler: everything after the opening sentence, contact details taken out.
    rest = _without_contacts("\n".join([first[opening.end :], *more]))
    if latin_share(rest) >= 0.3:
        score += 2
        strong += 1
        signs.append("placeholder-Latin filler")
    elif _salad(rest):
        score += 2
        strong += 1
        signs.append("word-salad filler sentences")
    if phones and _POSTCODE.search(_without_contacts(text)):
        score += 2
        strong += 1
        signs.append("a phone number beside a postal address, which no real byline publishes")
    if any(_legal_form(t) for t in _tokens_of(opening.company)):
        score += 1
        signs.append(f"an employer with a legal form ({opening.company})")
    return score, strong, signs
