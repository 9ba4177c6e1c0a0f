"""Bylines: "By Jane Doe and John Roe", "Jane Doe | Reuters", "Tom Davies Associated Press",
"VICTOR TANGERMANN, FUTURISM", "By HNN Staff | November 18, 2019".

A byline is split at its separators (comma, pipe, bullet, dash, slash, semicolon) and
conjunctions (and, und, et, y, e, en, i, &); each part is a person's name (by shape, see
quality.names), a news agency, a staff credit ("HNN Staff", "Redaktion") or, after the first
name, an affiliation ("Cleveland.com", "Sioux Falls Argus Leader", "transport columnist").
A line with a "By"-style marker needs only that; a line without one must open with a name
and carry a second sign that it is a byline (an agency, a date, a handle, an affiliation
after a separator, a second name), or stand next to a date line, so that a title-case
headline is not read as a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..quality.names import SENTENCE_STARTERS, is_initial, is_name_word, person_name
from .agencies import agency_name, find_agencies
from .dates import DATE_LABEL_WORDS

# "By", "Von", "Par", "Por", "Di", "Door", "Autor:", "Text:", "Written by", "Reporting by".
# Label-style markers ("Text:", "Autor:") need their colon: "Text Input" is no byline.
_MARKER = re.compile(
    r"^(?:(?:(?:written|reported|words|text|story|reporting)\s+by|by|von|par|por|di|door)"
    r"\b\s*:?\s*|(?:autor(?:in|ka|a)?|author|auteur|autore|text|texto|testo|tekst)\s*:\s*)",
    re.IGNORECASE,
)
# Words left between a byline and its date: "By Kashmira Gander On 11/13/19", "| ", "-".
_BEFORE_DATE = re.compile(
    r"(?:\s+(?:on|at|am|um|le|el|il|em|op|w|the|updated|published|posted|le|du))+\s*$|"
    r"[\s|•·,;:/\-–—]+$",
    re.IGNORECASE,
)
_BARE_MARKER = re.compile(r"^(?:by|von|par|por|di|door)\s*:?$", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*(?:[|•·;/,]|\s[-–—]\s|\s[-–—]$|^[-–—]\s)\s*")
_CONJUNCTIONS = re.compile(r"\s+(?:and|und|et|y|e|en|i|&)\s+")
_HANDLE = re.compile(r"@\w{2,30}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_STAFF = re.compile(
    r"^(?:[\w.&'-]+\s+){0,3}(?:staff|staff reports?|staff writers?|redaktion|rédaction|"
    r"redacción|redazione|redactie|redakcja|redação|newsroom|news desk|desk)$",
    re.IGNORECASE,
)
# Job titles after a name, glued or not ("By Meg JamesStaff Writer", "Jane Doe, Senior
# Correspondent"): cut from the name.
_ROLE = (
    r"(?:(?:Senior|Staff|Contributing|Chief|Political|Foreign|Special|Deputy|Managing|"
    r"Associate|Digital|Investigative|Science|Business|Sports|Health|Tech|White House|"
    r"Washington|News)\s+)*(?:Writer|Reporter|Correspondent|Editor|Columnist|Contributor|"
    r"Producer|Analyst|Journalist|Photographer|Intern)s?"
)
_ROLE_WORDS = _ROLE
_GLUED_ROLE = re.compile(rf"(?<=[a-z])(?={_ROLE}\b)")
_TRAILING_ROLE = re.compile(rf"\s+{_ROLE}$", re.IGNORECASE)
# A run of this many capitalised words is a name followed by an affiliation: four-word
# names exist ("María José García López"), five-word ones hardly in a byline.
_LONG_RUN = 5
_PHOTO_CREDIT = re.compile(r"^\(.*\)$|\S\s*/\s*\S|^(?:photo|image|foto|bild)\b", re.IGNORECASE)
_PARENS = re.compile(r"\(([^()]{1,60})\)")
_MAX_MARKED_WORDS = 20
_MAX_UNMARKED_WORDS = 12


@dataclass
class Byline:
    """What one byline line credits."""

    names: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    staff: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    marked: bool = False
    signs: int = 0  # confirmers for an unmarked byline

    def add_sign(self) -> None:
        """Count one more sign that the line is a byline (found by the caller)."""
        self.signs += 1

    @property
    def authors(self) -> list[str]:
        """Person names and staff credits, in order of appearance."""
        return [*self.names, *self.staff]


# Singular only: "Contributors" or "Editors" is a menu entry, "Contributing Writer" a role.
_ROLE_LINE = re.compile(rf"^(?:{_ROLE_WORDS})?(?<!s)\s*(?:@\w{{2,30}})?$", re.IGNORECASE)


def is_role_line(line: str) -> bool:
    """A line that only gives a job title and/or a handle ("Contributing Writer",
    "News reporter @TomGillespie1"): a name line above it is a byline."""
    s = line.strip()
    return bool(s) and bool(_ROLE_LINE.match(s))


def is_marked(line: str) -> bool:
    """Does the line open with a byline marker ("By", "Von", "Par", ...)?"""
    return bool(_MARKER.match(line.strip()))


def is_bare_marker(line: str) -> bool:
    """A line that is only "By" (the name follows on the next line of the page)."""
    return bool(_BARE_MARKER.match(line.strip()))


def _display(name: str) -> str:
    """A shouted name in title case ("VICTOR TANGERMANN" -> "Victor Tangermann")."""
    if name.isupper():
        return " ".join(w.capitalize() if len(w) > 1 else w for w in name.split())
    return name


def _split_name_and_rest(part: str) -> tuple[str, str] | None:
    """(name, rest) when part opens with a person's name; rest may be an affiliation."""
    tokens = part.split()
    found = person_name(tokens)
    if found is None:
        return None
    name, end = found
    words = name.split()
    name_words = [w for w in words if not is_initial(w)]
    if len(name_words) >= _LONG_RUN:
        # "Trevor J. Mitchell Sioux Falls Argus Leader": a long run of capitals is a name
        # and an affiliation; keep the first two name words (and initials between them).
        keep: list[str] = []
        seen = 0
        for w in words:
            if seen == 2:
                break
            keep.append(w)
            if not is_initial(w):
                seen += 1
        return " ".join(keep), " ".join(tokens[len(keep) :])
    return name, " ".join(tokens[end:])


def _classify(part: str, out: Byline, *, first: bool) -> bool:
    """Add one part to out; False when the part cannot be in a byline at this place."""
    part = part.strip(" .:-–—()[]")
    if not part:
        return True
    role = _TRAILING_ROLE.search(part)
    if role and role.start() > 0:
        out.affiliations.append(part[role.start() :].strip())
        part = part[: role.start()]
    agency = agency_name(part)
    if agency:
        out.agencies.append(agency)
        return True
    if _STAFF.match(part):
        out.staff.append(part)
        return True
    # "Tom Davies Associated Press": a name with an agency run on.
    hits = find_agencies(part)
    if hits and hits[-1][2] == len(part) and hits[-1][1] > 0:
        name_part = part[: hits[-1][1]].strip(" ,")
        split = _split_name_and_rest(name_part)
        if split and not split[1]:
            out.names.append(_display(split[0]))
            out.agencies.append(hits[-1][0])
            return True
    if not first and _organisation(part):
        # "By Jane Doe, Harbour Times": a publication after a name, not a second person.
        out.affiliations.append(part)
        return True
    split = _split_name_and_rest(part)
    if split is None and out.marked and first and out.signs and _single_name(part):
        # "by Regan September 15, 2014": blogs sign with one name; only after a marker.
        out.names.append(part)
        return True
    if split:
        name, rest = split
        words = [w.strip(".,").lower() for w in name.split()]
        if words[0] in SENTENCE_STARTERS or any(w in DATE_LABEL_WORDS for w in words):
            return False
        if rest and not out.marked and not _affiliation(rest):
            return False
        out.names.append(_display(name))
        if rest:
            out.affiliations.append(rest)
        return True
    if first:
        return False
    if out.marked or _affiliation(part):
        out.affiliations.append(part)
        return True
    return False


# Last words of publication and organisation names ("Harbour Times", "Argus Leader").
_ORG_WORDS = frozenset(
    """times news post press journal herald gazette tribune daily weekly media group
    magazine network radio tv television online digital observer guardian telegraph
    chronicle courier leader star sun mail express review report reports insider wire
    today agency bureau desk staff service services inc ltd llc gmbh zeitung zeitschrift
    nachrichten journal quotidien presse noticias diario periódico giornale notizie
    corriere krant dagblad nieuws jornal notícias gazeta dziennik""".split()
)


def _organisation(part: str) -> bool:
    """Does the part end like a publication or organisation name ("Harbour Times")?

    Up to four words: a longer run is a name with its publication run on ("Trevor J.
    Mitchell Sioux Falls Argus Leader"), which the name splitter takes apart.
    """
    words = part.split()
    return 0 < len(words) <= 4 and words[-1].strip(".,").lower() in _ORG_WORDS


def _single_name(part: str) -> bool:
    """One capitalised name word ("Regan"), not a label or a date word."""
    words = part.split()
    return (
        len(words) == 1
        and is_name_word(words[0])
        and words[0].lower() not in SENTENCE_STARTERS
        and words[0].lower() not in DATE_LABEL_WORDS
    )


def _affiliation(text: str) -> bool:
    """Capitalised words or a domain ("Cleveland.com", "Sioux Falls Argus Leader")."""
    words = text.split()
    if not words or len(words) > 6:
        return False
    if len(words) == 1 and "." in words[0]:
        return True
    return all(w[:1].isupper() or w[:1].isdigit() or w in ("of", "de", "the") for w in words)


def parse_byline(text: str, *, date_at: int | None = None, trusted: bool = False) -> Byline | None:
    """The credits of a byline line, or None when the line is not a byline.

    date_at is where a date starts in the line (the byline is what comes before it; the
    date itself counts as a sign that the line is a byline). trusted: the text is an
    author field of the page's markup, where a one-word name ("Regan") is a name too.
    """
    signs = 0
    if date_at is not None:
        signs += 1
        if date_at > 0:
            text = text[:date_at]
            for _ in range(3):
                text = _BEFORE_DATE.sub("", text)
    if _HANDLE.search(text) or _EMAIL.search(text):
        signs += 1
        text = _HANDLE.sub(" ", _EMAIL.sub(" ", text))
    text = _PARENS.sub(r", \1", _URL.sub(" ", text)).strip(" |•·-–—,")
    text = _GLUED_ROLE.sub(" ", text)
    marker = _MARKER.match(text)
    if marker is None and _PHOTO_CREDIT.search(text):
        # "(Reed Saxon / Associated Press)", "Leonhard Foeger / Reuters file": photo credits.
        return None
    out = Byline(marked=marker is not None)
    if marker:
        text = text[marker.end() :]
    n_words = len(text.split())
    if n_words == 0 or n_words > (_MAX_MARKED_WORDS if out.marked else _MAX_UNMARKED_WORDS):
        return None
    if not out.marked and text.rstrip().endswith(("!", "?")):
        return None
    segments = [s for s in _SEPARATORS.split(text) if s.strip()]
    if len(segments) > 1:
        signs += 1
    # So far: a one-word name needs a date or a separator beside it (or trusted markup).
    out.signs = signs + int(trusted)
    first = True
    for segment in segments:
        parts = [p for p in _CONJUNCTIONS.split(segment) if p.strip()]
        for part in parts:
            if not _classify(part, out, first=first) and (first or not out.marked):
                return None
            first = False
    if not (out.names or out.agencies or out.staff):
        return None
    if out.agencies:
        signs += 1
    if len(out.names) > 1:
        signs += 1  # "Lisa Kaczke and Trevor J. Mitchell"
    out.signs = signs + int(trusted)
    return out
