"""News agencies: canonical short names and the spellings that credit them.

A credit is only read where credits stand (bylines, datelines, agency credit lines at the
end of a story, the page's author metadata), never from running prose: "told Reuters" or
"an Associated Press journalist reported" names an agency without crediting it. Short
acronyms that are also ordinary words or places elsewhere ("AP", "PA", "AA", "CP") are
therefore safe here, because the callers only pass credit-shaped text.
"""

from __future__ import annotations

import re

# Canonical name -> spellings (matched case-insensitively, as whole words), wire services of
# the eight detector languages' countries and the large international ones.
AGENCIES: dict[str, tuple[str, ...]] = {
    "AP": ("AP", "Associated Press", "The Associated Press"),
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse", "Agence France"),
    "Reuters": ("Reuters", "Thomson Reuters"),
    "dpa": ("dpa", "Deutsche Presse-Agentur", "Deutsche Presse Agentur"),
    "Xinhua": ("Xinhua", "Xinhua News Agency"),
    "ANSA": ("ANSA", "Agenzia Nazionale Stampa Associata"),
    "EFE": ("EFE", "Agencia EFE"),
    "Europa Press": ("Europa Press",),
    "Lusa": ("Lusa", "Agência Lusa"),
    "Agência Brasil": ("Agência Brasil", "Agencia Brasil"),
    "ANP": ("ANP", "Algemeen Nederlands Persbureau"),
    "Belga": ("Belga",),
    "PAP": ("PAP", "Polska Agencja Prasowa"),
    "APA": ("APA", "Austria Presse Agentur"),
    "KNA": ("KNA",),
    "epd": ("epd", "Evangelischer Pressedienst"),
    "Keystone-SDA": ("Keystone-SDA", "SDA", "Keystone SDA"),
    "PA Media": ("PA Media", "Press Association", "PA"),
    "UPI": ("UPI", "United Press International"),
    "Bloomberg": ("Bloomberg", "Bloomberg News"),
    "Kyodo": ("Kyodo", "Kyodo News"),
    "Yonhap": ("Yonhap",),
    "TASS": ("TASS", "ITAR-TASS"),
    "RIA Novosti": ("RIA Novosti", "RIA"),
    "Interfax": ("Interfax",),
    "Anadolu": ("Anadolu", "Anadolu Agency", "AA"),
    "IRNA": ("IRNA",),
    "SANA": ("SANA",),
    "WAFA": ("WAFA",),
    "PTI": ("PTI", "Press Trust of India"),
    "ANI": ("ANI",),
    "IANS": ("IANS",),
    "AAP": ("AAP", "Australian Associated Press"),
    "CP": ("Canadian Press", "The Canadian Press", "CP"),
    "NTB": ("NTB",),
    "TT": ("TT Nyhetsbyrån",),
    "Ritzau": ("Ritzau",),
    "STT": ("STT",),
    "ČTK": ("ČTK", "CTK"),
    "MTI": ("MTI",),
    "Agerpres": ("Agerpres",),
    "Ukrinform": ("Ukrinform",),
    "Notimex": ("Notimex",),
    "Télam": ("Télam", "Telam"),
    "Antara": ("Antara",),
    "Bernama": ("Bernama",),
    "KCNA": ("KCNA",),
    "MENA": ("MENA",),
    "APS": ("APS",),
    "MAP": ("MAP",),
}

# Spellings longest first, so that "Associated Press" wins over "AP" inside the same text.
_SPELLINGS = sorted(
    ((spelling, name) for name, spellings in AGENCIES.items() for spelling in spellings),
    key=lambda sn: -len(sn[0]),
)
_PATTERN = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(s) for s, _ in _SPELLINGS) + r")(?![\w-])",
    re.IGNORECASE,
)
_BY_SPELLING = {s.casefold(): name for s, name in _SPELLINGS}
# Acronyms count only when written in capitals: "AP" is a credit, "ap" or "Map" is not.
_ACRONYMS = frozenset(
    s.casefold() for spellings in AGENCIES.values() for s in spellings if s.isupper()
)


def _spelled_right(spelled: str) -> bool:
    return spelled.casefold() not in _ACRONYMS or spelled.isupper()


def agency_name(text: str) -> str | None:
    """The canonical agency when text is exactly one of its spellings ("The Associated Press")."""
    t = " ".join(text.strip(" .,;:()[]-–—").split())
    name = _BY_SPELLING.get(t.casefold())
    return name if name is not None and _spelled_right(t) else None


def find_agencies(text: str) -> list[tuple[str, int, int]]:
    """(canonical name, start, end) of every agency spelling in credit-shaped text, in order."""
    return [
        (_BY_SPELLING[m.group(1).casefold()], m.start(1), m.end(1))
        for m in _PATTERN.finditer(text)
        if _spelled_right(m.group(1))
    ]
