"""Generated author profiles written as prose: flagged in eight languages; real bylines and
bios are not.

Bodies are the article text of the eval fixtures (the longest span each fixture lists as
must_not_flag), so the property runs over real news prose in English, German and
Portuguese; profiles come from Faker (tests/unit/fake_profiles.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.inputs import split_lines
from summarizer.quality import analyze_quality
from summarizer.quality.author_block import profile_opening
from summarizer.quality.names import leading_name, person_name
from summarizer.schemas import FlagKind, Severity

from .fake_profiles import LOCALES, profile

FIXTURES = Path(__file__).resolve().parents[2] / "evals" / "fixtures"


def _bodies() -> list[tuple[str, list[str]]]:
    """(fixture id, lines) of each fixture's longest must_not_flag span, blank lines dropped."""
    out = []
    for path in sorted(FIXTURES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        spans = data.get("must_not_flag") or []
        if not spans:
            continue
        span = max(spans, key=lambda s: s["end_line"] - s["start_line"])
        lines = split_lines((path.parent / data["article"]).read_text(encoding="utf-8"))
        body = [ln for ln in lines[span["start_line"] - 1 : span["end_line"]] if ln.strip()]
        out.append((data["id"], body))
    return out


def _serious(text: str) -> list[tuple[str, int, int]]:
    return [
        (f.kind.value, f.start_line, f.end_line)
        for f in analyze_quality(text).flags
        if f.severity is not Severity.info
    ]


# Bodies that a detector already flags on their own say nothing about profiles (seed 004's
# longest span is SEO filler).
BODIES = [(name, body) for name, body in _bodies() if not _serious("\n".join(body))]


def test_enough_clean_bodies() -> None:
    assert len(BODIES) >= 20
    assert {"devset-pt-serelepe-blog", "written-german-nachtzug"} <= {n for n, _ in BODIES}


def _check_appended(body: list[str], block: list[str]) -> None:
    text = "\n".join([*body, "", *block])
    flags = analyze_quality(text).flags
    first = len(body) + 2  # the blank line, then the block
    block_lines = {first + k for k, line in enumerate(block) if line.strip()}
    fake = [f for f in flags if f.kind is FlagKind.fake_author_block]
    covered = {n for f in fake for n in range(f.start_line, f.end_line + 1)}
    assert block_lines <= covered, (block, fake)
    assert all(f.start_line >= first for f in fake)
    body_flags = [f for f in flags if f.start_line <= len(body) and f.severity is not Severity.info]
    assert body_flags == []


@settings(max_examples=150, derandomize=True, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**9), which=st.integers(min_value=0))
def test_any_faker_profile_after_an_article_is_flagged(seed: int, which: int) -> None:
    _, body = BODIES[which % len(BODIES)]
    _check_appended(body, profile(seed).lines)


@pytest.mark.parametrize("locale", LOCALES)
def test_each_language_is_flagged_with_the_name(locale: str) -> None:
    p = profile(7, locale)
    _, body = BODIES[0]
    _check_appended(body, p.lines)
    text = "\n".join([*body, "", *p.lines])
    (flag,) = [f for f in analyze_quality(text).flags if f.kind is FlagKind.fake_author_block]
    assert flag.removed
    assert "generated author profile written as prose" in flag.explanation


BODY = (
    "The port authority on Monday approved a plan to deepen two shipping channels, ending a "
    "review that lasted more than two years.\n"
    "The expansion will let larger container ships dock without waiting for the tide, the "
    "authority said in a statement.\n"
    "Environmental groups said they would study the decision before deciding whether to "
    "challenge it in court."
)

# Real closing lines and short bios: bylines, credits and bios with real contacts.
REAL_ENDINGS = [
    "Reporting by Jane Doe in Rotterdam; Editing by John Roe",
    "Additional reporting by Maria Rossi in Rome and Piotr Nowak in Warsaw.",
    "Lina Haddad is the BBC's Middle East correspondent, based in Beirut.",
    "Contact the author at jane.doe@reuters.com.",
    "Jane Doe is a Reuters correspondent covering shipping and trade in northern Europe.",
    "Miriam Okafor is a transport columnist at the Haldon Courier. Contact her at "
    "miriam.okafor@haldoncourier.co.uk or on 0113 496 0721.",
    "Louise Matsakis is a staff writer at WIRED covering Amazon, security, and online "
    "platforms. She was formerly an editor at Motherboard. She is based in New York. Send "
    "tips to louise_matsakis@wired.com or via Signal at 347-966-3806.",
    "Tom Rogan is a columnist for the Washington Examiner. Follow him on X @TomRogan.",
    "Priya Desai is Communications Manager at Norvale Robotics Ltd. Media contact: "
    "press@norvale-robotics.co.uk, +44 113 496 0721",
    "Anna Berg ist Korrespondentin der Zeitung in Brüssel. Sie berichtet seit 2019 über die "
    "EU-Kommission. Kontakt: anna.berg@zeitung.de",
    "Claire Martin est journaliste au service politique du Monde. Elle couvre l'Élysée "
    "depuis 2017. Contact : cmartin@lemonde.fr",
    "Lucía Gómez es corresponsal de EFE en Bruselas. Trabajó antes en la agencia en Rabat y "
    "en Argel. Contacto: lgomez@efe.es | +32 2 555 0100",
    "Marco Bianchi è giornalista presso Il Sole 24 Ore. Si occupa di energia e di mercati. "
    "Contatti: redazione@ilsole24ore.com",
    "Jan de Vries is verslaggever bij NRC. Hij schrijft over de rechtspraak en de politie. "
    "Mail: j.devries@nrc.nl",
    "Ana Souza é repórter na Folha de S.Paulo. Ela cobre economia desde 2015. Contato: "
    "ana.souza@grupofolha.com.br",
    "Jan Kowalski pracuje jako dziennikarz w PAP. Od 2018 roku relacjonuje obrady Sejmu. "
    "Kontakt: jan.kowalski@pap.pl, +48 22 509 22 22",
]


@pytest.mark.parametrize("ending", REAL_ENDINGS)
def test_real_bylines_and_bios_are_not_fake_blocks(ending: str) -> None:
    text = f"{BODY}\n{ending}"
    kinds = [f.kind for f in analyze_quality(text).flags]
    assert FlagKind.fake_author_block not in kinds


def test_profile_inside_the_article_is_not_flagged() -> None:
    # The generated shape, but the article goes on after it: a person introduced in a report.
    block = profile(11, "en_US").lines
    text = "\n".join([BODY, *block, BODY, BODY])
    assert FlagKind.fake_author_block not in [f.kind for f in analyze_quality(text).flags]


def test_prose_profile_is_critical_with_its_signs() -> None:
    text = (
        f"{BODY}\n"
        "Lenny Carter is a Set and Exhibit Designer at O'Reilly, Jerde and Mitchell Ltd. "
        "Et culpa temporibus sit. Voluptas est officiis ut laboriosam.\n"
        "Contact: oconner.salvatore@kuhic.com | +1-228-694-5539 | 44687 Lucinda Flat, Port "
        "Lowell, IN 17169"
    )
    (flag,) = [f for f in analyze_quality(text).flags if f.kind is FlagKind.fake_author_block]
    assert (flag.start_line, flag.end_line, flag.severity) == (4, 5, Severity.critical)
    for sign in ("does not match the name", "placeholder-Latin", "postal address", "legal form"):
        assert sign in flag.explanation


def test_heading_above_the_profile_is_part_of_the_flag() -> None:
    text = (
        f"{BODY}\nÜber den Autor\n"
        "Karsten Wieloch ist Fleischer bei Oderwald GmbH. Was Himmel nie. Schnee freuen "
        "Stück. Mich schreien schaffen helfen kalt.\n"
        "Kontakt: junckante@example.org | +49(0)8063608377"
    )
    (flag,) = [f for f in analyze_quality(text).flags if f.kind is FlagKind.fake_author_block]
    assert (flag.start_line, flag.end_line) == (4, 6)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Lenny Carter is a Designer at O'Reilly, Jerde and Mitchell.",
         ("Lenny Carter", "O'Reilly Jerde and Mitchell")),
        ("Gereon Hölzenbecher MBA. ist Schornsteinfeger bei Schacht Beer GmbH & Co. KGaA.",
         ("Gereon Hölzenbecher", "Schacht Beer GmbH & Co. KGaA")),
        ("Matthijs Dekker werkt als Freight forwarder bij van Vliet NV.",
         ("Matthijs Dekker", "van Vliet NV")),
        ("Benício da Cunha é Médico anatomopatologista na Teixeira.",
         ("Benício da Cunha", "Teixeira")),
        ("pan Leonard Wylegała pracuje jako Technik w firmie Spółdzielnia Kustosz.",
         ("Leonard Wylegała", "Spółdzielnia Kustosz")),
        ("Dott.ssa Amanda Solari è Financial manager presso Piovani, Porzio e Dossi Group.",
         ("Amanda Solari", "Piovani Porzio e Dossi Group")),
        ("Charles Peltier est ingénieur chez Dupuis. Le droit de concrétiser vos projets.",
         ("Charles Peltier", "Dupuis")),
        ("Lucas Barroso Jara trabaja como Buzo en María Sancho Sureda S.L.",
         ("Lucas Barroso Jara", "María Sancho Sureda S.L")),
        ("Jane Doe is the BBC's Middle East correspondent.", None),
        ("The FBI is joining the investigation at Syracuse University.", None),
        ("Reporting by Jane Doe; Editing by John Roe", None),
        ("In Berlin ist die Lage bei Regen ruhig.", None),
    ],
)  # fmt: skip
def test_profile_opening(line: str, expected: tuple[str, str] | None) -> None:
    got = profile_opening(line)
    if expected is None:
        assert got is None
    else:
        assert got is not None
        assert got[0] == expected[0]
        assert got.company == expected[1]


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        ("Troy L. Smith , Cleveland.com", ("Troy L. Smith", 3)),
        ("Dr. Jane Doe Jr. of Reuters", ("Jane Doe", 4)),
        ("VICTOR TANGERMANN FUTURISM", ("VICTOR TANGERMANN FUTURISM", 3)),
        ("Benício da Cunha", ("Benício da Cunha", 3)),
        ("Bashar al-Assad said", ("Bashar al-Assad", 2)),
        ("Syria's Assad meets Putin", None),
        ("Jane", None),
        ("the council said", None),
    ],
)
def test_person_name(tokens: str, expected: tuple[str, int] | None) -> None:
    assert person_name(tokens.split()) == expected


def test_leading_name_accepts_long_noble_names_but_not_prose() -> None:
    toks = "Feline Coreth von und zu Coredo und Starkenberg werkt".split()
    assert leading_name(toks, 8) == "Feline Coreth von und zu Coredo und Starkenberg"
    assert leading_name("Sylvie VI werkt".split(), 2) == "Sylvie"
    assert leading_name("In Berlin ist".split(), 2) is None
