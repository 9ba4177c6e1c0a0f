"""Source metadata from plain text: bylines, datelines, date lines, agency and copyright lines.

Where each thing is looked for (lines are the input lines; flags are the quality flags):

- The article body starts at the first prose line that at least two of the next five
  usable lines continue (a lone prose line in a menu or a teaser does not start it).
  "Usable" leaves out lines that a detector removed as navigation, link lists, calls to
  action, generated author blocks, placeholder text, chatbot text or injections.
- The header zone is fifteen usable lines above the body start (frame lines in between
  are kept too, up to 40 lines in all) and the non-prose lines inside the first two prose
  lines of the body (a byline between a caption and the first paragraph). Bylines and
  date lines are read there only, so a related-stories list with its own bylines and
  dates lower down is never read. Of several date lines there, the one nearest to the
  body start gives the date (a page clock or a teaser's date sits further up). A bare
  name line ("Jane Doe") is a byline only with a second sign (agency, date, handle,
  affiliation, another name, a job-title line below it); two inside a frame flag.
- Datelines ("DUBAI, Dec 2 (Reuters) -", "ANKARA (AP) —", "Indianapolis –") open one of
  the first prose lines of the body (six for a place in capitals, two otherwise).
- Agency credit lines ("es/rmt (AP, AFP, Reuters)", "Reuters", "Copyright 2019 The
  Associated Press") are the few short lines after the body's last prose line; a "First
  published on ..." line there gives the date when the header has none.
- The publisher comes from the last copyright line of the page ("© 2019 Cleveland.com").
- Names inside a fake_author_block flag are reported as fake_authors, never as authors.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence

from ..quality import analyze_quality
from ..quality.author_block import block_name
from ..quality.base import Page, ends_sentence
from ..schemas import Flag, FlagKind, Severity
from ..schemas.source import MetaOrigin, SourcedDate, SourcedValue, SourceMetadata
from .agencies import agency_name, find_agencies
from .bylines import is_bare_marker, is_marked, is_role_line, parse_byline
from .dates import TextDate, complete_year, find_dates

# Lines removed as these kinds are never bylines, dates or credits.
_UNUSABLE = frozenset(
    {
        FlagKind.navigation_boilerplate,
        FlagKind.link_spam,
        FlagKind.call_to_action,
        FlagKind.fake_author_block,
        FlagKind.placeholder_text,
        FlagKind.chatbot_artifact,
        FlagKind.prompt_injection,
    }
)
_HEADER_LINES = 15
_HEADER_SCAN = 40
# A dated line inside a frame flag ranks after every unflagged one.
_FLAGGED_PENALTY = 1000
_DATELINE_CAPS_LINES = 6
_DATELINE_MIXED_LINES = 2
_BODY_LOOKAHEAD = 5
_BODY_MIN_PROSE = 2
_TAIL_LINES = 4
_DATE_LINE_MAX_WORDS = 25
# Words a date line may carry besides its date, time and labels ("an hour ago").
_DATE_LINE_SPARE_WORDS = 4
_DATE_WORDS = re.compile(
    r"\b(?:published|posted|updated?|last|modified|on|at|am|um|le|el|il|op|em|w|"
    r"veröffentlicht|aktualisiert|publié|mis|à|jour|publicado|actualizado|atualizado|"
    r"pubblicato|aggiornato|gepubliceerd|bijgewerkt|opublikowano|zaktualizowano|"
    r"mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|"
    r"jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo|"
    r"lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica|maandag|dinsdag|woensdag|"
    r"donderdag|vrijdag|zaterdag|zondag|segunda|terça|quarta|quinta|sexta|feira|"
    r"poniedziałek|wtorek|środa|czwartek|piątek|sobota|niedziela|"
    r"am|pm|a\.m|p\.m|uhr|utc|gmt|[ecmp][sd]t|hst|cet|cest)\b\.?",
    re.IGNORECASE,
)
# PLACE [, region] [, date] [(AGENCY)] dash: the place opens with a word in capitals, or is
# one to three capitalised words right before the dash ("Indianapolis –", "Leipzig –").
_DATELINE = re.compile(
    r"^(?P<place>(?:[A-ZÀ-Ý][A-ZÀ-Ý'’.\-]+(?:\s+[A-ZÀ-Ý][A-ZÀ-Ý'’.\-]+){0,3}"
    r"(?:,\s*[A-ZÀ-Ý][\w'’.\-]*(?:\s+[\w'’.\-]+){0,4}?)?)"
    r"|[A-ZÀ-Ý][\w'’\-]+(?:\s+[A-ZÀ-Ý][\w'’\-]+){0,2})"
    r"(?:,\s*(?P<date>[\w. ]{3,24}?))?"
    r"\s*(?:\((?P<agency>[^()]{2,40})\))?"
    r"\s*(?:[-–—]{1,2}|:)\s+(?=\S)"
)
# A closing "First published on ..." line (CBS and others print it after the story).
_PUBLISHED_LABEL = re.compile(
    r"^(?:first |originally )?(?:published|posted|veröffentlicht|publié|publicado|"
    r"pubblicato|gepubliceerd|opublikowano)\b",
    re.IGNORECASE,
)
_EDITOR_INITIALS = re.compile(r"\(?\b[a-z]{1,4}(?:/[a-z]{1,4}){1,3}\b\)?")
_CREDIT_WORDS = frozenset(
    """with mit avec con com z additional reporting by contributed to this report from and
    und et y e copyright all rights reserved material may not be published broadcast
    rewritten or redistributed the source quelle fuente fonte bron źródło agencies agency
    agences agenturen wire services news via""".split()
)
_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|copyright)\s*(?:©|copyright)?\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*[.,]?\s*)?"
    r"(?P<org>.+?)"
    r"(?:[.,]?\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*[.,]?\s*(?:all rights reserved|alle rechte "
    r"vorbehalten|tous droits réservés|todos los derechos reservados|tutti i diritti "
    r"riservati|alle rechten voorbehouden|todos os direitos reservados|wszelkie prawa "
    r"zastrzeżone).*)?$",
    re.IGNORECASE,
)


def _prose_lines(page: Page) -> list[bool]:
    """Per line: running text, judged line by line.

    Page.prose also joins runs of 6+-word lines into one hard-wrapped paragraph, which on
    a scraped page turns headline, byline and date lines into "prose"; here a line is prose
    on its own (8+ words ending a sentence, or 20+ words), and a short line opening with
    "By" is a byline even when it ends in "a.m.". Hard-wrapped text, where almost no line
    qualifies on its own, keeps Page's judgement.
    """
    own = [
        not (page.n_words[i] <= _DATE_LINE_MAX_WORDS and is_marked(page.stripped[i]))
        and ((page.n_words[i] >= 8 and ends_sentence(page.stripped[i])) or page.n_words[i] >= 20)
        for i in range(len(page.lines))
    ]
    if sum(own) < 3 and sum(page.prose) >= 3:
        return list(page.prose)
    return own


_GENERATED = frozenset(
    {
        FlagKind.fake_author_block,
        FlagKind.placeholder_text,
        FlagKind.chatbot_artifact,
        FlagKind.prompt_injection,
    }
)


def _lines_of(flags: Iterable[Flag], kinds: frozenset[FlagKind]) -> set[int]:
    """0-based lines removed by flags of these kinds."""
    out: set[int] = set()
    for f in flags:
        if f.removed and f.kind in kinds:
            out.update(range(f.start_line - 1, f.end_line))
    return out


def _usable_lines(page: Page, flags: Iterable[Flag]) -> set[int]:
    """0-based non-blank lines that no frame, spam or generated-content flag removed. An
    info flag is the detectors naming page metadata (a byline or dateline the line
    classifier took out of the clean text): what this module reads, so it stays usable."""
    bad = _lines_of((f for f in flags if f.severity is not Severity.info), _UNUSABLE)
    return {i for i in page.nonblank if i not in bad}


def _body_start(page: Page, usable: list[int]) -> int | None:
    """Index into usable of the first prose line that the next lines continue."""
    for k, i in enumerate(usable):
        if not page.prose[i]:
            continue
        ahead = usable[k + 1 : k + 1 + _BODY_LOOKAHEAD]
        if sum(1 for j in ahead if page.prose[j]) >= _BODY_MIN_PROSE:
            return k
    for k, i in enumerate(usable):
        if page.prose[i]:
            return k
    return None


def _header_zone(page: Page, usable: list[int], start: int, generated: set[int]) -> list[int]:
    """0-based lines of the header zone around the body start (see the module docstring).

    Frame lines (navigation, link lists) stay in the zone but do not count towards its
    fifteen lines: on 2 of 12 held-out devset pages a byline or date line sat inside such a flag (a
    share bar or a teaser list running into it), and share bars of 10-35 lines stand
    between byline and body on others. Generated content (fake author blocks,
    placeholders, chatbot text, injections) is left out.
    """
    allowed = set(usable)
    zone: list[int] = []
    i = usable[start]
    counted = scanned = 0
    j = i - 1
    while j >= 0 and counted < _HEADER_LINES and scanned < _HEADER_SCAN:
        if page.stripped[j] and j not in generated:
            zone.append(j)
            scanned += 1
            counted += j in allowed
        j -= 1
    zone.reverse()
    prose = 0
    for j in range(i + 1, len(page.lines)):
        if not page.stripped[j] or j in generated:
            continue
        if page.prose[j]:
            prose += 1
            if prose >= 2:
                break
        else:
            zone.append(j)
    return zone


def _body_end(page: Page, usable: list[int], start: int) -> int:
    """0-based last prose line of the body run that starts at usable[start]."""
    allowed = set(usable)
    last = usable[start]
    gap = 0
    for j in range(usable[start] + 1, len(page.lines)):
        if not page.stripped[j]:
            continue
        if j in allowed and page.prose[j]:
            last = j
            gap = 0
            continue
        gap += 1
        if gap > 4:
            break
    return last


def _date_line_only(line: str, dates: list[TextDate]) -> bool:
    """Is the line a date line: little besides its dates, times, labels and weekdays?"""
    rest = line
    for d in reversed(dates):
        rest = rest[: d.start] + " " + rest[d.end :]
    rest = _DATE_WORDS.sub(" ", rest)
    rest = re.sub(r"\d{1,2}[:.h]\d{2}|\d+|[^\w\s]", " ", rest)
    return len(rest.split()) <= _DATE_LINE_SPARE_WORDS


def _value(value: str, origin: MetaOrigin, line: int | None) -> SourcedValue:
    return SourcedValue.model_validate({"value": value, "from": origin, "line": line})


def _date(value: str, origin: MetaOrigin, line: int | None) -> SourcedDate:
    return SourcedDate.model_validate({"value": value, "from": origin, "line": line})


class _Collector:
    """Values in page order, each kept once (the first line that gave it)."""

    def __init__(self) -> None:
        self.authors: list[SourcedValue] = []
        self.agencies: list[SourcedValue] = []
        self._author_keys: set[str] = set()
        self._agency_keys: set[str] = set()

    def author(self, name: str, origin: MetaOrigin, line: int) -> None:
        key = name.casefold()
        if key not in self._author_keys:
            self._author_keys.add(key)
            self.authors.append(_value(name, origin, line))

    def agency(self, name: str, origin: MetaOrigin, line: int) -> None:
        if name not in self._agency_keys:
            self._agency_keys.add(name)
            self.agencies.append(_value(name, origin, line))


def extract_from_text(
    lines: Sequence[str],
    *,
    flags: Sequence[Flag] | None = None,
    main_lines: Collection[int] | None = None,
) -> SourceMetadata:
    """Bylines, dates, agencies, dateline, publisher and fake authors read from the text.

    `lines` are the input lines (line n is lines[n - 1]); `flags` the quality flags of the
    same text (computed here when not given); `main_lines` the 1-based lines an HTML
    extractor kept, when the text is a page's visible text.
    """
    text = "\n".join(lines)
    if flags is None:
        flags = analyze_quality(text, main_lines=main_lines).flags
    page = Page(text, main_lines)
    page.prose = _prose_lines(page)  # this Page is ours: judge prose line by line
    fake = _fake_authors(page, flags)
    usable = sorted(_usable_lines(page, flags))
    out = _Collector()
    published: SourcedDate | None = None
    updated: SourcedDate | None = None
    dateline: SourcedValue | None = None
    start = _body_start(page, usable) if usable else None
    if start is not None:
        zone = _header_zone(page, usable, start, _lines_of(flags, _GENERATED))
        frame = set(page.nonblank) - set(usable)
        published, updated = _bylines_and_dates(page, zone, usable[start], frame, out)
        dateline, dl_date = _dateline(page, usable, start, out)
        if published is None and dl_date is not None:
            published = dl_date
        tail_published = _tail_credits(page, usable, start, out)
        if published is None:
            published = tail_published
    fake_keys = {f.value.casefold() for f in fake}
    return SourceMetadata(
        authors=[a for a in out.authors if a.value.casefold() not in fake_keys],
        fake_authors=fake,
        published=published,
        updated=updated,
        publisher=_publisher(page),
        agencies=out.agencies,
        dateline=dateline,
    )


def _fake_authors(page: Page, flags: Iterable[Flag]) -> list[SourcedValue]:
    """The names that generated author blocks introduce, with their lines."""
    out: list[SourcedValue] = []
    for f in flags:
        if f.kind is not FlagKind.fake_author_block:
            continue
        found = block_name(page.lines[f.start_line - 1 : f.end_line])
        if found is not None:
            k, name = found
            out.append(_value(name, MetaOrigin.text_author_block, f.start_line + k))
    return out


def _bylines_and_dates(
    page: Page, zone: list[int], body: int, frame: set[int], out: _Collector
) -> tuple[SourcedDate | None, SourcedDate | None]:
    """Read the header zone: bylines (and their agencies) and the published/updated dates.

    body is the 0-based body start line: of several dated lines, the nearest wins, lines
    inside frame flags (teaser lists with their own dates) only when no other line has one.
    """
    found: list[tuple[int, int, TextDate]] = []  # (distance to the body, line, date)
    for pos, i in enumerate(zone):
        s = page.stripped[i]
        if page.n_words[i] > _DATE_LINE_MAX_WORDS:
            continue
        dates = [] if page.prose[i] else find_dates(s)
        byline_text, byline_line = s, i
        if is_bare_marker(s) and pos + 1 < len(zone):
            nxt = zone[pos + 1]
            byline_text, byline_line = f"{s} {page.stripped[nxt]}", nxt
        byline = None
        if not page.prose[i] or page.n_words[i] <= 12:
            byline = parse_byline(byline_text, date_at=dates[0].start if dates else None)
            nxt = page.next_nonblank(byline_line)
            if byline is not None and nxt < len(page.lines) and is_role_line(page.stripped[nxt]):
                byline.add_sign()
            needed = 2 if i in frame else 1
            if byline is not None and not byline.marked and byline.signs < needed:
                # A bare "Jane Doe" line needs a sign, two inside a menu or teaser list:
                # menu entries and teaser labels ("Sign In Subscribe", "Car Reviews",
                # "Fred Barnes" in a columnists menu) have the same shape.
                byline = None
        if byline is not None and (byline.marked or not page.prose[i]):
            for name in byline.authors:
                out.author(name, MetaOrigin.text_byline, byline_line + 1)
            for agency in byline.agencies:
                out.agency(agency, MetaOrigin.text_byline, byline_line + 1)
        if dates and (byline is not None or _date_line_only(s, dates)):
            rank = abs(i - body) + (_FLAGGED_PENALTY if i in frame else 0)
            found.extend((rank, i, d) for d in dates)
    return _published_updated(page, sorted(found, key=lambda t: (t[0], t[1], t[2].start)))


def _published_updated(
    page: Page, found: list[tuple[int, int, TextDate]]
) -> tuple[SourcedDate | None, SourcedDate | None]:
    """The nearest dated published and updated values; a yearless update takes the year
    (and the zone offset) of the published date."""
    published: SourcedDate | None = None
    updated: SourcedDate | None = None
    for _, i, d in found:
        if d.has_year and not d.updated and published is None:
            published = _date(d.iso, MetaOrigin.text_date, i + 1)
        elif d.has_year and d.updated and updated is None:
            updated = _date(d.iso, MetaOrigin.text_date, i + 1)
    if updated is None and published is not None:
        for _, i, d in found:
            if d.has_year or not d.updated:
                continue
            value = complete_year(d, int(published.value[:4]), page.stripped[i])
            if value is None:
                continue
            offset = published.value[19:] if len(published.value) > 19 else ""
            if "T" in value and offset and len(value) == 19:
                value += offset
            updated = _date(value, MetaOrigin.text_date, i + 1)
            break
    if updated is not None and published is not None and updated.value <= published.value:
        updated = None
    return published, updated


def _dateline(
    page: Page, usable: list[int], start: int, out: _Collector
) -> tuple[SourcedValue | None, SourcedDate | None]:
    """The dateline opening one of the first prose lines of the body, if any.

    A place in capitals ("DUBAI, United Arab Emirates —") is looked for in the first six
    prose lines (a "Key Points" box may come first); a capitalised one ("Indianapolis –")
    only in the first two, where a sentence rarely opens with a name and a dash.
    """
    prose = [i for i in usable[start:] if page.prose[i]][:_DATELINE_CAPS_LINES]
    for n, i in enumerate(prose):
        s = page.stripped[i]
        m = _DATELINE.match(s)
        if m is None:
            continue
        place = m.group("place").strip(" ,")
        date_text = m.group("date") or ""
        head, sep, region = place.partition(",")
        if sep and find_dates(region):
            # "ROTTERDAM, March 3 (Reuters) -": the part after the comma is the date.
            place, date_text = head.strip(), region.strip()
        if n >= _DATELINE_MIXED_LINES and not place.split()[0].rstrip(",").isupper():
            continue
        if place.split()[0].rstrip(",").lower() in {"the", "a", "an", "but", "and"}:
            continue
        line = i + 1
        if m.group("agency"):
            for part in re.split(r"\s*[,/&]\s*", m.group("agency")):
                name = agency_name(part)
                if name:
                    out.agency(name, MetaOrigin.text_dateline, line)
        published = None
        if date_text:
            found = [d for d in find_dates(date_text) if d.has_year]
            if found:
                published = _date(found[0].iso, MetaOrigin.text_dateline, line)
        return _value(place, MetaOrigin.text_dateline, line), published
    return None, None


def _tail_credits(page: Page, usable: list[int], start: int, out: _Collector) -> SourcedDate | None:
    """Agency credit lines among the few lines after the body; a "First published" date."""
    end = _body_end(page, usable, start)
    tail = [j for j in page.nonblank if j > end][:_TAIL_LINES]
    published = None
    for j in tail:
        s = page.stripped[j]
        if published is None and _PUBLISHED_LABEL.match(s):
            dates = [d for d in find_dates(s) if d.has_year and not d.updated]
            if dates and _date_line_only(s, dates):
                published = _date(dates[0].iso, MetaOrigin.text_date, j + 1)
        if page.n_words[j] > 12 or (page.prose[j] and not s.lower().startswith("copyright")):
            continue
        hits = find_agencies(s)
        if not hits:
            continue
        rest = s
        for _, a, b in reversed(hits):
            rest = rest[:a] + " " + rest[b:]
        rest = _EDITOR_INITIALS.sub(" ", rest)
        words = [w for w in re.findall(r"[^\W\d_]+", rest.lower()) if w not in _CREDIT_WORDS]
        if len(words) > 1:
            continue
        for name, _, _ in hits:
            out.agency(name, MetaOrigin.text_credit, j + 1)
    return published


def _publisher(page: Page) -> SourcedValue | None:
    """The organisation named by the page's last copyright line (not a photo credit)."""
    found: SourcedValue | None = None
    for i in page.nonblank:
        s = page.stripped[i]
        if len(s) > 200 or not (
            s.startswith(("©", "(c)", "(C)")) or s.lower().startswith("copyright")
        ):
            continue
        m = _COPYRIGHT.match(s)
        if m is None:
            continue
        org = m.group("org").strip(" .,;:")
        org = re.split(r",\s+(?:a|an|the|une?|ein|eine)\s", org, maxsplit=1)[0]
        org = re.sub(r"^(?:©|copyright)\s*", "", org, flags=re.IGNORECASE)
        org = re.sub(r"\s*\d{4}(?:\s*[-–]\s*\d{4})?$", "", org).strip(" .,")
        if not org or "/" in org or agency_name(org) or len(org.split()) > 8:
            continue
        found = _value(org, MetaOrigin.text_copyright, i + 1)
    return found
