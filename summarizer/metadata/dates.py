"""Dates in page text ("July 25, 2024", "24.07.2024", "Published 11:34 PM EST Nov 19, 2019")
and in page metadata ("2019-11-20T09:29:08+0000"), as ISO 8601 strings.

Text dates are looked for only in the short lines around a byline (the callers choose the
lines), in eight languages' month names, day-first numeric forms and ISO form. A time next
to the date is kept, with its UTC offset when the line names a zone ("EST", "UTC", "+02:00").
A hand-written parser rather than dateparser: the extractor needs the position of the date
in its line (to tell "Published" from "Updated" and to cut a byline at its date) and must
not read dates out of prose; dateparser's search reads both "in March 2023" and "Monday".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from ..months import LONG_MONTH_NAMES, MONTH_OF

# Words of date lines that are never part of a person's name: labels, weekdays, months.
DATE_LABEL_WORDS = (
    frozenset(
        """published posted updated update modified last on at veröffentlicht aktualisiert
    publié publicado actualizado atualizado pubblicato aggiornato gepubliceerd bijgewerkt
    opublikowano zaktualizowano mon tue wed thu fri sat sun monday tuesday wednesday
    thursday friday saturday sunday montag dienstag mittwoch donnerstag freitag samstag
    sonntag lundi mardi mercredi jeudi vendredi samedi dimanche lunes martes miércoles
    jueves viernes sábado domingo lunedì martedì mercoledì giovedì venerdì sabato domenica
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag segunda terça quarta quinta
    sexta poniedziałek wtorek środa czwartek piątek sobota niedziela""".split()
    )
    | LONG_MONTH_NAMES
)
_MONTH = "(?:" + "|".join(sorted(map(re.escape, MONTH_OF), key=len, reverse=True)) + ")"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?!\d\d)"
_DAY = r"(?P<day>[0-3]?\d)"
# "July 25, 2024", "Nov. 20, 2019", "Wed, Nov 20 2019".
_MDY = rf"(?P<month>{_MONTH})\.?\s+{_DAY}(?:st|nd|rd|th)?\.?,?\s+{_YEAR}"
# "25 July 2024", "18 NOV 2019", "20 Nov, 2019", "14. Dezember 2024", "3 de março de 2024".
_DMY = rf"{_DAY}(?:\.|º|er|st|nd|rd|th)?\s+(?:de\s+)?(?P<month>{_MONTH})\.?,?\s+(?:de\s+)?{_YEAR}"
# "24.07.2024", "27/09/2018", "07/24/2024" (month first only when the day would be > 12).
_NUMERIC = r"(?P<n1>[0-3]?\d)[./](?P<n2>[01]?\d)[./]" + _YEAR
# "11/18/19" (US bylines: month first, two-digit year); only with slashes.
_US_SHORT = r"(?P<um>[01]?\d)/(?P<ud>[0-3]?\d)/(?P<uy>\d\d)(?![\d/])"
_ISO = r"(?P<iy>(?:19|20)\d\d)-(?P<im>[01]\d)-(?P<id>[0-3]\d)"
# Without a year ("Updated Nov 19, 6:55 AM", "November 18 at 4:46 PM"): only ever completed
# with the year of another date on the same page.
_MD_NO_YEAR = rf"(?P<month>{_MONTH})\.?\s+{_DAY}(?!\d)(?:st|nd|rd|th)?\b"

_DATE_RES = [
    re.compile(rf"(?<!\w){p}", re.IGNORECASE) for p in (_ISO, _MDY, _DMY, _NUMERIC, _US_SHORT)
]
_NO_YEAR_RE = re.compile(rf"(?<!\w){_MD_NO_YEAR}", re.IGNORECASE)
_TIME_BODY = (
    r"(?P<h>[0-2]?\d)[:.h](?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?(?:\.\d+)?\s*"
    r"(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?\s*(?:Uhr\s*)?"
    r"(?P<tz>UTC|GMT|Z|[ECMP][SD]T|HST|AKST|AKDT|BST|CEST|CET|MESZ|MEZ|WEST|WET|EEST|EET|"
    r"JST|AEST|AEDT|[+-]\d\d:?\d\d)?(?=$|[^A-Za-z]|[A-Z][a-z])"
)
_TIME = re.compile(r"(?<![\d:])" + _TIME_BODY)
# A time glued to the year before it ("Nov 20 20194:29 AM EST" on CNBC pages).
_GLUED_TIME = re.compile(_TIME_BODY)
_ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7,
    "MDT": -6, "PST": -8, "PDT": -7, "HST": -10, "AKST": -9, "AKDT": -8, "BST": 1, "CET": 1,
    "CEST": 2, "MEZ": 1, "MESZ": 2, "WET": 0, "WEST": 1, "EET": 2, "EEST": 3, "JST": 9,
    "AEST": 10, "AEDT": 11,
}  # fmt: skip
# How far from a date its time may stand (characters), before or after it.
_TIME_REACH = 28
_UPDATED = re.compile(
    r"\b(?:updated?|last updated|modified|aktualisiert|geändert|mis à jour|mise à jour|"
    r"actualizado|atualizado|aggiornato|bijgewerkt|zaktualizowano|aktualizacja)\b",
    re.IGNORECASE,
)
MIN_YEAR = 1990
# How far before a date its label may stand ("Updated 12:24 am EST, Wednesday, Nov 20").
_LABEL_REACH = 45


@dataclass(frozen=True)
class TextDate:
    """A date found in a line: ISO value, span in the line, and whether it is an update."""

    iso: str
    start: int
    end: int
    updated: bool
    has_year: bool
    month: int
    day: int


def _offset(tz: str | None) -> timezone | None:
    if not tz:
        return None
    if tz[0] in "+-":
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    hours = _ZONES.get(tz)
    return None if hours is None else timezone(timedelta(hours=hours))


def _time_near(line: str, start: int, end: int) -> re.Match[str] | None:
    """A time right after the date (first choice) or right before it."""
    if line[end : end + 1].isdigit():
        return _GLUED_TIME.match(line, end)
    after = _TIME.search(line, end, min(len(line), end + _TIME_REACH))
    if after:
        return after
    before = None
    for m in _TIME.finditer(line, max(0, start - _TIME_REACH), start):
        before = m
    return before


def _iso(d: date, time: re.Match[str] | None) -> str:
    if time is None:
        return d.isoformat()
    h, m = int(time.group("h")), int(time.group("m"))
    s = int(time.group("s") or 0)
    ampm = (time.group("ampm") or "").lower().replace(".", "").replace(" ", "")
    if ampm == "pm" and h < 12:
        h += 12
    elif ampm == "am" and h == 12:
        h = 0
    if h > 23:
        return d.isoformat()
    dt = datetime(d.year, d.month, d.day, h, m, s, tzinfo=_offset(time.group("tz")))
    return dt.isoformat()


def _label_updated(line: str, start: int, previous_end: int) -> bool:
    """Is the date at start labelled as an update ("Updated", "Aktualisiert", ...)?"""
    return bool(_UPDATED.search(line, max(previous_end, start - _LABEL_REACH), start))


def find_dates(line: str) -> list[TextDate]:
    """Every date in a short line, in order, with years; yearless dates marked has_year=False.

    The callers give only lines near a byline or title; prose lines are never searched.
    """
    found: list[tuple[int, int, date | None, int, int]] = []
    taken: list[tuple[int, int]] = []
    for rx in _DATE_RES:
        for m in rx.finditer(line):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            d = _date_of(m)
            if d is None:
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), m.end(), d, d.month, d.day))
    for m in _NO_YEAR_RE.finditer(line):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        month, day = MONTH_OF[m.group("month").lower()], int(m.group("day"))
        if 1 <= day <= 31:
            taken.append((m.start(), m.end()))
            found.append((m.start(), m.end(), None, month, day))
    found.sort()
    out: list[TextDate] = []
    prev_end = 0
    for start, end, d, month, day in found:
        updated = _label_updated(line, start, prev_end)
        if d is not None:
            out.append(TextDate(_iso(d, _time_near(line, start, end)), start, end, updated,
                                True, month, day))  # fmt: skip
        else:
            out.append(TextDate("", start, end, updated, False, month, day))
        prev_end = end
    return out


def complete_year(td: TextDate, year: int, line: str) -> str | None:
    """The ISO value of a yearless date, given the year of another date on the page."""
    try:
        d = date(year, td.month, td.day)
    except ValueError:
        return None
    return _iso(d, _time_near(line, td.start, td.end))


def _date_of(m: re.Match[str]) -> date | None:
    groups = m.groupdict()
    try:
        if groups.get("iy"):
            d = date(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
        elif groups.get("uy"):
            d = date(2000 + int(m.group("uy")), int(m.group("um")), int(m.group("ud")))
        elif groups.get("n1"):
            a, b, y = int(m.group("n1")), int(m.group("n2")), int(m.group("year"))
            day, month = (b, a) if b > 12 >= a else (a, b)
            d = date(y, month, day)
        else:
            month = MONTH_OF[m.group("month").lower()]
            d = date(int(m.group("year")), month, int(m.group("day")))
    except ValueError:
        return None
    return d if d.year >= MIN_YEAR else None


_ISO_VALUE = re.compile(
    r"^\s*(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?)?\s*$"
)


def normalize_iso(value: str, *, today: date | None = None) -> str | None:
    """An ISO 8601 value from page metadata, normalised ("2019-11-20T09:29:08+00:00").

    Accepts the forms pages print ("Z", "+0000", fractions of a second, date only); returns
    None for anything else and for placeholder dates ("0001-01-01", before 1990, or more
    than a day in the future).
    """
    m = _ISO_VALUE.match(value)
    if m is None:
        return None
    try:
        d = date(int(m.group("y")), int(m.group("mo")), int(m.group("d")))
    except ValueError:
        return None
    limit = (today or date.today()) + timedelta(days=1)
    if d.year < MIN_YEAR or d > limit:
        return None
    if m.group("h") is None:
        return d.isoformat()
    tz = m.group("tz")
    tzinfo: timezone | None = None
    if tz == "Z":
        tzinfo = timezone.utc
    elif tz:
        digits = tz[1:].replace(":", "").ljust(4, "0")
        sign = 1 if tz[0] == "+" else -1
        tzinfo = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))
    try:
        dt = datetime(d.year, d.month, d.day, int(m.group("h")), int(m.group("mi")),
                      int(m.group("s") or 0), tzinfo=tzinfo)  # fmt: skip
    except ValueError:
        return None
    return dt.isoformat()


def instant(value: str) -> datetime | None:
    """A normalised ISO value as a datetime (None for date-only values)."""
    if "T" not in value:
        return None
    return datetime.fromisoformat(value)
