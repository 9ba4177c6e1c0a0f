"""Month names and abbreviations in the eight languages the detectors read (English, German,
French, Spanish, Italian, Dutch, Portuguese, Polish), for the metadata date parser and for
the detectors that must not take a dated line for a story title. A module of its own, with
no imports, so that both can use it without an import cycle."""

from __future__ import annotations

MONTHS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "januar", "jänner", "janvier", "janv", "enero", "ene", "gennaio",
        "gen", "januari", "janeiro", "styczeń", "stycznia", "sty"),
    2: ("february", "feb", "februar", "février", "fevrier", "févr", "febrero", "febbraio",
        "februari", "fevereiro", "fev", "luty", "lutego", "lut"),
    3: ("march", "mar", "märz", "maerz", "mär", "mars", "marzo", "maart", "mrt", "março",
        "marco", "marzec", "marca"),
    4: ("april", "apr", "avril", "avr", "abril", "abr", "aprile", "kwiecień", "kwietnia",
        "kwi"),
    5: ("may", "mai", "mayo", "maggio", "mag", "mei", "maio", "maj", "maja"),
    6: ("june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho", "czerwiec",
        "czerwca", "cze"),
    7: ("july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho", "lipiec",
        "lipca", "lip"),
    8: ("august", "aug", "août", "aout", "agosto", "ago", "augustus", "sierpień", "sierpnia",
        "sie"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "setiembre", "settembre",
        "set", "setembro", "wrzesień", "września", "wrz"),
    10: ("october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott",
         "outubro", "out", "październik", "października", "paź"),
    11: ("november", "nov", "novembre", "noviembre", "novembro", "listopad", "listopada",
         "lis"),
    12: ("december", "dec", "dezember", "dez", "décembre", "decembre", "déc", "diciembre",
         "dic", "dicembre", "dezembro", "grudzień", "grudnia", "gru"),
}  # fmt: skip
# name or abbreviation (lower case) -> month number
MONTH_OF = {name: n for n, names in MONTHS.items() for name in names}
# The full names (and four-letter-plus forms), which cannot be ordinary words next to a
# number the way "may", "mar" or "set" can.
LONG_MONTH_NAMES = frozenset(name for name in MONTH_OF if len(name) > 3)
