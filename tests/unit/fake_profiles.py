"""Generated author profiles written as prose, in eight languages, for the detector tests.

The shape follows the generated blocks seen on SEO pages (seed 004 has the label:value
form): "<Name> is a <job> at <Company>. <catch phrase>. <filler>. Contact: <email> |
<phone>", in the page's language, on one line or several, with or without a heading.
Every value comes from Faker, seeded, so a failing example can be rebuilt from its seed.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass

from faker import Faker

LOCALES = ("en_US", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_BR", "pl_PL")

# Opening templates: name, job, company. Two per language ("is" and "works as").
_OPENINGS = {
    "en_US": ("{name} is a {job} at {company}.", "{name} works as a {job} at {company}."),
    "de_DE": ("{name} ist {job} bei {company}.", "{name} arbeitet als {job} bei {company}."),
    "fr_FR": ("{name} est {job} chez {company}.", "{name} travaille comme {job} chez {company}."),
    "es_ES": ("{name} es {job} en {company}.", "{name} trabaja como {job} en {company}."),
    "it_IT": ("{name} è {job} presso {company}.", "{name} lavora come {job} presso {company}."),
    "nl_NL": ("{name} is {job} bij {company}.", "{name} werkt als {job} bij {company}."),
    "pt_BR": ("{name} é {job} na {company}.", "{name} trabalha como {job} na {company}."),
    "pl_PL": ("{name} jest {job} w {company}.", "{name} pracuje jako {job} w firmie {company}."),
}
_HEADINGS = {
    "en_US": "About the author",
    "de_DE": "Über den Autor",
    "fr_FR": "À propos de l'auteur",
    "es_ES": "Sobre el autor",
    "it_IT": "L'autore",
    "nl_NL": "Over de auteur",
    "pt_BR": "Sobre o autor",
    "pl_PL": "O autorze",
}
_CONTACT = {
    "en_US": "Contact",
    "de_DE": "Kontakt",
    "fr_FR": "Contact",
    "es_ES": "Contacto",
    "it_IT": "Contatti",
    "nl_NL": "Contact",
    "pt_BR": "Contato",
    "pl_PL": "Kontakt",
}


@dataclass(frozen=True)
class Profile:
    """A generated block: its lines, the name it introduces, and its locale."""

    lines: list[str]
    name: str
    locale: str


@functools.cache
def _faker(locale: str) -> Faker:
    """One Faker per locale (building one loads its providers); reseeded for every profile."""
    return Faker(locale)


def profile(seed: int, locale: str | None = None) -> Profile:
    """One generated prose profile; layout, heading and contact form vary with the seed."""
    rnd = random.Random(seed)
    loc = locale or rnd.choice(LOCALES)
    fake = _faker(loc)
    fake.seed_instance(seed)
    name = fake.name()
    job = fake.job().rstrip(".")
    company = fake.company()
    opening = rnd.choice(_OPENINGS[loc]).format(name=name, job=job, company=company)
    filler = [fake.catch_phrase().rstrip(".") + "."]
    if rnd.random() < 0.5:
        bs = fake.bs()
        filler.append(bs[:1].upper() + bs[1:] + ".")
    filler.append(fake.paragraph(nb_sentences=rnd.randint(2, 4)))
    email = rnd.choice((fake.email, fake.free_email, fake.company_email))()
    phone = fake.phone_number()
    contact_parts = [email, phone]
    if rnd.random() < 0.3:
        contact_parts.append(fake.address().replace("\n", ", "))
    sep = rnd.choice((" | ", " · ", ", ", " / "))
    contact = f"{_CONTACT[loc]}: " + sep.join(contact_parts)
    layout = rnd.randrange(4)
    if layout == 0:  # one paragraph
        lines = [" ".join([opening, *filler, contact])]
    elif layout == 1:  # one line per part
        lines = [opening, *filler, contact]
    elif layout == 2:  # opening and filler together, contact apart
        lines = [" ".join([opening, *filler]), contact]
    else:  # blank lines between the parts, as scraped pages print them
        lines = []
        for part in (" ".join([opening, filler[0]]), " ".join(filler[1:]), contact):
            lines.extend([part, ""])
        lines.pop()
    if rnd.random() < 0.4:
        lines = [_HEADINGS[loc] + rnd.choice(("", ":")), *lines]
    return Profile(lines=lines, name=name, locale=loc)
