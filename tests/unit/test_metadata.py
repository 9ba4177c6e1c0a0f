"""Source metadata: dates, bylines, agencies, text and HTML extraction, merge, the schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from summarizer.inputs import split_lines
from summarizer.metadata import extract_from_html, extract_from_text, merge
from summarizer.metadata.agencies import agency_name, find_agencies
from summarizer.metadata.bylines import parse_byline
from summarizer.metadata.dates import find_dates, normalize_iso
from summarizer.quality import analyze_quality
from summarizer.schemas import Flag, FlagKind, Severity
from summarizer.schemas.source import MetaOrigin, SourcedDate, SourcedValue, SourceMetadata

from .fake_profiles import profile

SEEDS = Path(__file__).resolve().parents[2] / "evals" / "fixtures" / "articles"


def _seed(n: int) -> list[str]:
    (path,) = SEEDS.glob(f"seed-00{n}_*.txt")
    return split_lines(path.read_text(encoding="utf-8"))


def _values(vs: list[SourcedValue]) -> list[tuple[str, str, int | None]]:
    return [(v.value, v.from_.value, v.line) for v in vs]


# ---- dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("July 25, 2024", "2024-07-25"),
        ("24.07.2024", "2024-07-24"),
        ("Published 25 July 2024 12:03", "2024-07-25T12:03:00"),
        ("Published 11:34 PM EST Nov 19, 2019", "2019-11-19T23:34:00-05:00"),
        ("Nov. 20, 2019, 9:28 AM UTC", "2019-11-20T09:28:00+00:00"),
        ("Published Wed, Nov 20 20194:29 AM ESTUpdated an hour ago", "2019-11-20T04:29:00-05:00"),
        ("18 NOV 2019", "2019-11-18"),
        ("Veröffentlicht am 14. Dezember 2024, 20.12 Uhr", "2024-12-14T20:12:00"),
        ("Publié le 3 mars 2024", "2024-03-03"),
        ("Publicado el 3 de marzo de 2024", "2024-03-03"),
        ("Pubblicato il 5 maggio 2023", "2023-05-05"),
        ("Gepubliceerd op 12 maart 2024", "2024-03-12"),
        ("Publicado em 3 de março de 2024", "2024-03-03"),
        ("Opublikowano 7 listopada 2023", "2023-11-07"),
        ("By Justine Coleman - 11/18/19 11:04 PM EST", "2019-11-18T23:04:00-05:00"),
        ("11.14.2019 09:00 AM", "2019-11-14T09:00:00"),
    ],
)
def test_find_dates(line: str, expected: str) -> None:
    dates = [d for d in find_dates(line) if d.has_year]
    assert dates[0].iso == expected
    assert not dates[0].updated


def test_updated_label_and_yearless_update() -> None:
    (published, updated) = find_dates(
        "By HNN Staff | November 18, 2019 at 2:26 PM HST - Updated November 18 at 4:46 PM"
    )
    assert (published.iso, published.updated) == ("2019-11-18T14:26:00-10:00", False)
    assert (updated.has_year, updated.updated) == (False, True)


def test_no_dates_in_plain_words() -> None:
    assert find_dates("The set may march on") == []
    assert find_dates("Call 0113 496 0721 today") == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-11-20T09:29:08+0000", "2019-11-20T09:29:08+00:00"),
        ("2019-11-19T11:51:32.556Z", "2019-11-19T11:51:32+00:00"),
        ("2018-09-27T09:00:40+00:00", "2018-09-27T09:00:40+00:00"),
        ("2019-11-19", "2019-11-19"),
        ("0001-01-01T00:00:00Z", None),
        ("2999-01-01", None),
        ("November 20, 2019 12:32", None),
    ],
)
def test_normalize_iso(value: str, expected: str | None) -> None:
    assert normalize_iso(value) == expected


# ---- agencies and bylines -----------------------------------------------------------


def test_agencies_by_spelling_and_case() -> None:
    assert agency_name("The Associated Press") == "AP"
    assert agency_name("Agence France-Presse") == "AFP"
    assert agency_name("dpa") == "dpa"
    assert agency_name("ap") is None  # acronyms only in capitals
    assert agency_name("Reuters file") is None
    assert [a for a, _, _ in find_agencies("es/rmt (AP, AFP, Reuters)")] == ["AP", "AFP", "Reuters"]
    assert find_agencies("Map of the area") == []


@pytest.mark.parametrize(
    ("line", "authors", "agencies"),
    [
        ("By Troy L. Smith, Cleveland.com", ["Troy L. Smith"], []),
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"], []),
        ("Jane Doe | Reuters", ["Jane Doe"], ["Reuters"]),
        ("Tom Davies Associated Press", ["Tom Davies"], ["AP"]),
        ("By Reuters", [], ["Reuters"]),
        ("VICTOR TANGERMANN, FUTURISM", ["Victor Tangermann"], []),
        ("Lisa Kaczke and Trevor J. Mitchell Sioux Falls Argus Leader",
         ["Lisa Kaczke", "Trevor J. Mitchell"], []),
        ("By Meg JamesStaff Writer", ["Meg James"], []),
        ("Von Anna Berg und Jan Kowalski, dpa", ["Anna Berg", "Jan Kowalski"], ["dpa"]),
        ("Par Claire Martin (AFP)", ["Claire Martin"], ["AFP"]),
        ("Por Lucía Gómez | EFE", ["Lucía Gómez"], ["EFE"]),
        ("Door Jan de Vries, ANP", ["Jan de Vries"], ["ANP"]),
        ("Autor: Piotr Nowak, PAP", ["Piotr Nowak"], ["PAP"]),
        ("By HNN Staff", ["HNN Staff"], []),
    ],
)  # fmt: skip
def test_parse_byline(line: str, authors: list[str], agencies: list[str]) -> None:
    byline = parse_byline(line)
    assert byline is not None
    assert (byline.authors, byline.agencies) == (authors, agencies)


@pytest.mark.parametrize(
    "line",
    [
        "Syria's Assad meets Putin in Moscow",
        "Doobie Brothers to reunite with Michael McDonald for Blossom show",
        "(Reed Saxon / Associated Press)",
        "Leonhard Foeger / Reuters file",
        "Text Input:",
        "By the end of the year, prices had doubled.",
        "ConnectWiseHP Toner and InkRSAVeeamWasabi",
    ],
)
def test_not_bylines(line: str) -> None:
    byline = parse_byline(line)
    assert byline is None or not byline.signs


# ---- text ---------------------------------------------------------------------------

WIRE = "\n".join(
    [
        "Port authority approves harbour expansion after two-year review",
        "By Jane Doe and John Roe",
        "Published 3 March 2025 10:15 GMT",
        "ROTTERDAM, March 3 (Reuters) - The port authority on Monday approved a plan to "
        "deepen two shipping channels, ending a review that lasted more than two years.",
        "The expansion will let larger container ships dock without waiting for the tide, "
        "the authority said.",
        "Environmental groups said they would study the decision before deciding whether to "
        "challenge it, a spokesperson told AFP.",
        '"We have listened to every objection and changed the plan where it made sense," '
        "the chair said.",
        "Reporting by Jane Doe; Editing by Mark Potter",
        "Related stories",
        "Dock strike ends after pay deal",
        "By Anna Smith",
        "July 1, 2024",
        "© 2025 Harbour Times Ltd. All rights reserved.",
    ]
)


def test_wire_story_from_text() -> None:
    meta = extract_from_text(split_lines(WIRE))
    assert _values(meta.authors) == [
        ("Jane Doe", "text-byline", 2),
        ("John Roe", "text-byline", 2),
    ]
    assert (meta.published and meta.published.value) == "2025-03-03T10:15:00+00:00"
    assert meta.published is not None and meta.published.line == 3
    assert _values(meta.agencies) == [("Reuters", "text-dateline", 4)]  # not "told AFP"
    assert meta.dateline is not None
    assert (meta.dateline.value, meta.dateline.line) == ("ROTTERDAM", 4)
    assert meta.publisher is not None
    assert (meta.publisher.value, meta.publisher.from_) == (
        "Harbour Times Ltd",
        MetaOrigin.text_copyright,
    )


BLOG = "\n".join(
    [
        "Uma palinha das brincadeiras musicais do grupo Serelepe",
        "Carlos Nadalim 27/09/2018 Comente! Alfabetização, Brinquedos e Brincadeiras, Música",
        "Tempo de leitura: 1 minuto",
        "Nunca ouviu as sensacionais brinquedorias musicais do grupo Serelepe, de Belo "
        "Horizonte? Assista a uma palinha e cante junto com as crianças da escola.",
        "O grupo canta parlendas, trava-línguas e cantigas de roda com instrumentos feitos "
        "pelas próprias crianças, e o resultado é uma festa.",
        "Vale a pena ouvir com os filhos e repetir as brincadeiras em casa, no carro ou na "
        "hora de dormir, sem pressa nenhuma.",
    ]
)


def test_a_byline_the_line_classifier_removed_as_metadata_is_still_read() -> None:
    # The line classifier drops bylines and datelines from the clean text with an info flag
    # (page metadata, devset-pt-serelepe-blog); they are still read as the byline and date.
    lines = split_lines(BLOG)
    info = Flag(
        kind=FlagKind.navigation_boilerplate,
        severity=Severity.info,
        start_line=2,
        end_line=2,
        evidence=lines[1],
        explanation="line classifier: a byline",
        removed=True,
    )
    for flags in ([], [info]):
        meta = extract_from_text(lines, flags=flags)
        assert _values(meta.authors) == [("Carlos Nadalim", "text-byline", 2)]
        assert meta.published is not None
        assert (meta.published.value, meta.published.line) == ("2018-09-27", 2)


GERMAN = "\n".join(
    [
        "Neuer Nachtzug verbindet Leipzig mit Mailand",
        "Von Anna Berg, dpa",
        "24.07.2024",
        "Leipzig – Ab dem 14. Dezember fährt dreimal pro Woche ein Nachtzug von Leipzig über "
        "München nach Mailand, teilte die Betreibergesellschaft mit.",
        "Der Zug verlässt Leipzig montags, mittwochs und freitags am Abend und erreicht "
        "Mailand am Morgen.",
        "Angeboten werden Sitzplätze, Liegewagen und Schlafwagenabteile mit eigener Dusche "
        "für drei Personen.",
        "dh/rs (dpa, AFP)",
    ]
)


def test_german_story_from_text() -> None:
    meta = extract_from_text(split_lines(GERMAN))
    assert _values(meta.authors) == [("Anna Berg", "text-byline", 2)]
    assert meta.published is not None
    assert (meta.published.value, meta.published.line) == ("2024-07-24", 3)
    assert _values(meta.agencies) == [("dpa", "text-byline", 2), ("AFP", "text-credit", 7)]
    assert meta.dateline is not None and meta.dateline.value == "Leipzig"


def test_ap_dateline_and_closing_credit() -> None:
    text = (
        "Turkey and Syria hold talks\n"
        "ANKARA (AP) — Turkish and Syrian officials met on Monday for the first direct talks "
        "in more than a decade, the foreign ministry said.\n"
        "The meeting took place in the capital and lasted about three hours, officials said "
        "after it ended.\n"
        "Both sides said they would meet again next month to continue the discussions.\n"
        "Copyright 2024 The Associated Press. All rights reserved."
    )
    meta = extract_from_text(split_lines(text))
    assert _values(meta.agencies) == [("AP", "text-dateline", 2)]
    assert meta.publisher is None  # an agency's copyright names no publisher
    assert meta.authors == []


def test_seed_003_date_and_agencies() -> None:
    meta = extract_from_text(_seed(3))
    assert meta.published is not None
    assert (meta.published.value, meta.published.line) == ("2024-07-25", 7)
    assert meta.published.from_ is MetaOrigin.text_date
    assert _values(meta.agencies) == [
        ("AP", "text-credit", 43),
        ("AFP", "text-credit", 43),
        ("Reuters", "text-credit", 43),
    ]
    assert meta.authors == []  # "es/rmt" are editors' initials


def test_seed_004_fake_author_is_never_an_author() -> None:
    lines = _seed(4)
    flags = analyze_quality("\n".join(lines)).flags
    assert any(f.kind is FlagKind.fake_author_block and f.start_line == 89 for f in flags)
    meta = extract_from_text(lines, flags=flags)
    assert meta.authors == []
    assert _values(meta.fake_authors) == [("Lenny Carter", "text-author-block", 91)]


@pytest.mark.parametrize("n", [0, 1, 2])
def test_clean_wire_seeds_carry_no_invented_metadata(n: int) -> None:
    meta = extract_from_text(_seed(n))
    assert (meta.authors, meta.agencies, meta.published, meta.publisher) == ([], [], None, None)
    assert (meta.dateline is not None) == (n == 0)  # "ERBIL, Kurdistan Region of Iraq -"


def test_prose_profile_name_is_a_fake_author() -> None:
    p = profile(3, "de_DE")
    text = "\n".join([*GERMAN.splitlines()[:6], "", *p.lines])
    meta = extract_from_text(split_lines(text))
    (fake,) = meta.fake_authors
    # The name without honorific or degree ("Prof. Jörgen Ehlert B.Eng." -> "Jörgen Ehlert").
    assert len(fake.value.split()) >= 2
    assert set(fake.value.split()) <= set(p.name.split())
    assert fake.from_ is MetaOrigin.text_author_block
    assert all(a.value != fake.value for a in meta.authors)


# ---- HTML ---------------------------------------------------------------------------

PAGE = """<html><head>
<link rel="canonical" href="https://news.example.org/world/port-expansion">
<meta property="og:site_name" content="https://www.harbourtimes.example">
<meta property="og:url" content="https://news.example.org/world/port-expansion?utm=x">
<meta property="article:section" content="World">
<meta property="article:tag" content="ports, shipping">
<meta property="article:tag" content="Rotterdam">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "NewsArticle", "headline": "Port authority approves expansion",
   "datePublished": "2025-03-03T10:15:00Z", "dateModified": "2025-03-03T12:40:00Z",
   "author": [{"@type": "Person", "name": "Jane Doe, Harbour Times"},
              {"@type": "Organization", "name": "Reuters"},
              {"@type": "Organization", "name": "Harbour Times"}],
   "publisher": {"@type": "Organization", "name": "Harbour Times"},
   "keywords": ["ignored", "because article:tag is there"]}]}
</script>
<script type="application/ld+json">{"@type": "BreadcrumbList"} // trailing comment</script>
</head><body><h1>Port authority approves expansion</h1><p>By Jane Doe</p>
<p>ROTTERDAM (Reuters) - The port authority approved a plan on Monday.</p></body></html>"""


def test_html_metadata_from_jsonld_and_meta() -> None:
    meta = extract_from_html(PAGE, "https://news.example.org/world/port-expansion?ref=rss")
    assert _values(meta.authors) == [("Jane Doe", "html-jsonld", None)]
    assert _values(meta.agencies) == [("Reuters", "html-jsonld", None)]
    assert meta.published is not None and meta.published.value == "2025-03-03T10:15:00+00:00"
    assert meta.updated is not None and meta.updated.value == "2025-03-03T12:40:00+00:00"
    assert meta.publisher is not None and meta.publisher.value == "Harbour Times"
    assert meta.site_name is not None and meta.site_name.value == "harbourtimes.example"
    assert meta.url is not None and meta.url.from_ is MetaOrigin.caller
    assert meta.canonical_url is not None
    assert meta.canonical_url.value == "https://news.example.org/world/port-expansion"
    assert meta.section is not None and meta.section.value == "World"
    assert [t.value for t in meta.tags] == ["ports", "shipping", "Rotterdam"]


def test_placeholder_dates_fall_back_to_htmldate() -> None:
    page = """<html><head>
    <script type="application/ld+json">{"@type": "NewsArticle",
      "datePublished": "0001-01-01T00:00:00Z", "author": {}}</script>
    <meta name="author" content="https://example.org/staff/jane">
    </head><body><p>Text of the story.</p></body></html>"""
    meta = extract_from_html(page, "https://example.org/2019/11/19/story/")
    assert meta.published is not None
    assert (meta.published.value, meta.published.from_) == ("2019-11-19", MetaOrigin.htmldate)
    assert meta.authors == []  # an author URL is not a name


def test_breadcrumb_gives_the_section() -> None:
    page = """<html><head><script type="application/ld+json">
    {"@type": "BreadcrumbList", "itemListElement": [
      {"@type": "ListItem", "position": 1, "name": "RT"},
      {"@type": "ListItem", "position": 2, "name": "World news"},
      {"@type": "ListItem", "position": 3, "name": "The story"}]}
    </script></head><body><p>x</p></body></html>"""
    meta = extract_from_html(page)
    assert meta.section is not None and meta.section.value == "World news"


# ---- merge --------------------------------------------------------------------------


def _v(value: str, origin: MetaOrigin, line: int | None = None) -> SourcedValue:
    return SourcedValue.model_validate({"value": value, "from": origin, "line": line})


def _d(value: str, origin: MetaOrigin, line: int | None = None) -> SourcedDate:
    return SourcedDate.model_validate({"value": value, "from": origin, "line": line})


def test_merge_rule() -> None:
    html = SourceMetadata(
        authors=[_v("Jane Doe", MetaOrigin.html_jsonld), _v("Lenny Carter", MetaOrigin.html_meta)],
        published=_d("2019-11-19T11:51:32+00:00", MetaOrigin.html_jsonld),
        updated=_d("2019-11-19T11:51:50+00:00", MetaOrigin.html_jsonld),  # 18 s: no update
        publisher=_v("Cleveland.com", MetaOrigin.html_jsonld),
        agencies=[_v("AP", MetaOrigin.html_jsonld)],
        section=_v("Entertainment", MetaOrigin.html_meta),
    )
    text = SourceMetadata(
        authors=[_v("Jane Doe", MetaOrigin.text_byline, 10)],
        fake_authors=[_v("Lenny Carter", MetaOrigin.text_author_block, 91)],
        published=_d("2019-11-19T06:51:00-05:00", MetaOrigin.text_date, 8),
        publisher=_v("Advance Ohio", MetaOrigin.text_copyright, 24),
        agencies=[_v("AP", MetaOrigin.text_credit, 30), _v("AFP", MetaOrigin.text_credit, 30)],
        dateline=_v("CLEVELAND, Ohio", MetaOrigin.text_dateline, 11),
    )
    m = merge(html, text)
    assert _values(m.authors) == [("Jane Doe", "html-jsonld", 10)]  # fake name dropped
    assert m.published is not None
    assert (m.published.from_, m.published.line) == (MetaOrigin.html_jsonld, 8)
    assert m.updated is None
    assert m.publisher is not None and m.publisher.value == "Cleveland.com"
    assert _values(m.agencies) == [("AP", "html-jsonld", 30), ("AFP", "text-credit", 30)]
    assert m.dateline == text.dateline
    assert m.section == html.section


def test_merge_text_beats_heuristics_and_keeps_text_bylines() -> None:
    html = SourceMetadata(
        authors=[_v("Trevor J Mitchell", MetaOrigin.trafilatura)],
        published=_d("2019-11-18", MetaOrigin.htmldate),
    )
    text = SourceMetadata(
        authors=[_v("Lisa Kaczke", MetaOrigin.text_byline, 4)],
        published=_d("2019-11-19T10:02:00-05:00", MetaOrigin.text_date, 5),
    )
    m = merge(html, text)
    assert _values(m.authors) == [("Lisa Kaczke", "text-byline", 4)]
    assert m.published == text.published


# ---- schema -------------------------------------------------------------------------


def test_schema_serialises_from_and_round_trips() -> None:
    meta = extract_from_text(_seed(3))
    data = json.loads(meta.model_dump_json())
    assert data["published"] == {"value": "2024-07-25", "from": "text-date", "line": 7}
    assert SourceMetadata.model_validate(data) == meta
    schema = SourceMetadata.model_json_schema()
    assert "from" in schema["$defs"]["SourcedValue"]["properties"]


@pytest.mark.parametrize("bad", ["July 25, 2024", "2024-13-01", "yesterday"])
def test_dates_must_be_iso(bad: str) -> None:
    with pytest.raises(ValidationError):
        _d(bad, MetaOrigin.text_date, 1)
