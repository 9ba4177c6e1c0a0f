"""Scoring source metadata against an `expected_source:` block (proposal for the fixtures).

The block lists what the page states, field by field; a field left out is not scored.

    expected_source:
      authors: [{value: Troy L. Smith, line: 10}]   # names; [] = the page names no author
      fake_authors: []                              # names of generated author blocks
      published: {value: "2019-11-19T06:51:00-05:00", line: 8}   # null = not stated
      updated: null
      publisher: [cleveland.com, cleveland]         # accepted spellings (one or a list)
      site_name: [cleveland.com, cleveland]
      url: https://www.cleveland.com/...
      canonical_url: https://www.cleveland.com/...
      agencies: [{value: AP, line: 4}]              # canonical short names
      dateline: {value: "CLEVELAND, Ohio", line: 11}
      section: [Entertainment]
      tags: [doobie-brothers, rock-hall-2020]

A value is a string or `{value, line}`; `line` (1-based, in the fixture's article) says
where the text states it. Per field, a fixture is correct when:

- lists (authors, fake_authors, agencies, tags): the produced set equals the expected set
  (names compared without case, accents, dots and extra spaces; tags without case);
- dates: both null, or the same calendar day in the expected value's time zone (a produced
  datetime with an offset is converted to it; otherwise the written dates are compared);
  the day is what a newsroom filters on, and pages disagree with themselves on the minute;
- publisher, site_name, section, dateline: both null, or the produced value equals one of
  the accepted spellings after folding (case, accents, punctuation, a leading "the", legal
  forms such as LLC or Pty Ltd);
- url, canonical_url: both null, or equal without scheme, "www.", query and trailing slash.

Line accuracy: over the expected values that carry a line and were produced correctly,
the share whose produced value carries that same line.

Kept apart from the extractor's own helpers on purpose (see textnorm.py): the scorer must
not share a normaliser with the code it checks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..schemas.source import SourcedValue, SourceMetadata

LIST_FIELDS = ("authors", "fake_authors", "agencies", "tags")
DATE_FIELDS = ("published", "updated")
NAME_FIELDS = ("publisher", "site_name", "section", "dateline")
URL_FIELDS = ("url", "canonical_url")
FIELDS = (
    "authors",
    "fake_authors",
    "published",
    "updated",
    "publisher",
    "site_name",
    "url",
    "canonical_url",
    "agencies",
    "dateline",
    "section",
    "tags",
)


class ExpectedValue(BaseModel):
    """One expected value, and the article line that states it (when the text does)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: str = Field(min_length=1)
    line: int | None = Field(default=None, ge=1)


def _values(v: Any) -> Any:
    """Accept "x", {value, line} or lists of either."""
    if v is None:
        return None
    if isinstance(v, (str, dict)):
        return [v]
    return v


def _as_expected(items: Iterable[Any]) -> list[ExpectedValue]:
    out = []
    for item in items:
        if isinstance(item, ExpectedValue):
            out.append(item)
        elif isinstance(item, str):
            out.append(ExpectedValue(value=item))
        else:
            out.append(ExpectedValue.model_validate(item))
    return out


class ExpectedSource(BaseModel):
    """The `expected_source:` block of a fixture; a field left out is not scored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    authors: list[ExpectedValue] | None = None
    fake_authors: list[ExpectedValue] | None = None
    published: ExpectedValue | None = None
    updated: ExpectedValue | None = None
    publisher: list[ExpectedValue] | None = None
    site_name: list[ExpectedValue] | None = None
    url: ExpectedValue | None = None
    canonical_url: ExpectedValue | None = None
    agencies: list[ExpectedValue] | None = None
    dateline: list[ExpectedValue] | None = None
    section: list[ExpectedValue] | None = None
    tags: list[ExpectedValue] | None = None

    @field_validator(*LIST_FIELDS, *NAME_FIELDS, mode="before")
    @classmethod
    def _lists(cls, v: Any) -> Any:
        v = _values(v)
        return None if v is None else _as_expected(v)

    @field_validator(*DATE_FIELDS, *URL_FIELDS, mode="before")
    @classmethod
    def _single(cls, v: Any) -> Any:
        if isinstance(v, str):
            return ExpectedValue(value=v)
        return v

    @field_validator("published", "updated")
    @classmethod
    def _iso(cls, v: ExpectedValue | None) -> ExpectedValue | None:
        if v is not None:
            datetime.fromisoformat(v.value)
        return v


# ---- normalisation ------------------------------------------------------------------

_LEGAL = re.compile(
    r"\b(?:llc|inc|ltd|pty|plc|gmbh|ag|sa|s\.a|corp|co|company|group)\b\.?", re.IGNORECASE
)


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.casefold())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w\s]|_", " ", s).split())


def norm_name(s: str) -> str:
    """A person's or agency's name: folded, dots and hyphens gone ("Trevor J. Mitchell")."""
    return _fold(s.replace(".", " "))


def norm_org(s: str) -> str:
    """An organisation, section or place: folded, leading "the" and legal forms dropped."""
    s = _LEGAL.sub(" ", s)
    folded = _fold(s)
    return folded[4:] if folded.startswith("the ") else folded


def norm_url(s: str) -> str:
    """A URL without scheme, "www.", query, fragment and trailing slash; host lowercased."""
    parts = urlsplit(s.strip())
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}"


def _day(value: str, zone_of: str | None = None) -> str:
    """The calendar day of an ISO value, in the zone of zone_of when both carry one."""
    if "T" not in value:
        return value[:10]
    dt = datetime.fromisoformat(value)
    if zone_of and "T" in zone_of:
        ref = datetime.fromisoformat(zone_of)
        if dt.tzinfo is not None and ref.tzinfo is not None:
            dt = dt.astimezone(ref.tzinfo)
    return dt.date().isoformat()


def same_day(expected: str, produced: str) -> bool:
    """Do the two ISO values fall on the same day (in the expected value's zone)?"""
    return _day(produced, expected) == _day(expected)


# ---- scoring ------------------------------------------------------------------------


@dataclass
class FieldScore:
    """One field of one fixture: correct or not, and its line checks."""

    correct: bool
    lines_right: int = 0
    lines_total: int = 0
    produced: str = ""
    expected: str = ""


def _line_check(expected: Sequence[ExpectedValue], produced: Mapping[str, SourcedValue],
                key: Any) -> tuple[int, int]:  # fmt: skip
    right = total = 0
    for e in expected:
        if e.line is None:
            continue
        p = produced.get(key(e.value))
        if p is None:
            continue
        total += 1
        right += int(p.line == e.line)
    return right, total


def _show(values: Iterable[SourcedValue]) -> str:
    return ", ".join(v.value for v in values)


def score_field(name: str, expected: ExpectedSource, produced: SourceMetadata) -> FieldScore:
    """Score one field (see the module docstring for the rule)."""
    exp: Any = getattr(expected, name)
    got: Any = getattr(produced, name)
    if name in LIST_FIELDS:
        key = (lambda s: s.casefold()) if name == "tags" else norm_name
        want = {key(e.value) for e in exp}
        have = {key(v.value): v for v in got}
        right, total = _line_check(exp, have, key)
        return FieldScore(set(have) == want, right, total, _show(got), _show(exp))
    if name in DATE_FIELDS:
        if exp is None or got is None:
            return FieldScore(exp is None and got is None, 0, 0, got.value if got else "",
                              exp.value if exp else "")  # fmt: skip
        ok = same_day(exp.value, got.value)
        total = int(exp.line is not None and ok)
        right = int(total == 1 and got.line == exp.line)
        return FieldScore(ok, right, total, got.value, exp.value)
    if name in URL_FIELDS:
        if exp is None or got is None:
            return FieldScore(exp is None and got is None, produced=got.value if got else "")
        return FieldScore(norm_url(exp.value) == norm_url(got.value), 0, 0, got.value, exp.value)
    # publisher, site_name, section, dateline: one of the accepted spellings.
    accepted = exp or []
    if not accepted or got is None:
        return FieldScore(not accepted and got is None, 0, 0, got.value if got else "",
                          _show_expected(accepted))  # fmt: skip
    ok = norm_org(got.value) in {norm_org(e.value) for e in accepted}
    lines = [e.line for e in accepted if e.line is not None]
    total = int(ok and bool(lines))
    right = int(total == 1 and got.line in lines)
    return FieldScore(ok, right, total, got.value, _show_expected(accepted))


def _show_expected(values: Sequence[ExpectedValue]) -> str:
    return " | ".join(e.value for e in values)


def score_source(expected: ExpectedSource, produced: SourceMetadata) -> dict[str, FieldScore]:
    """Every field the expected block lists, scored."""
    return {
        name: score_field(name, expected, produced)
        for name in FIELDS
        if name in expected.model_fields_set
    }


@dataclass
class SourceReport:
    """Per-field accuracy and line accuracy over a set of fixtures."""

    scored: dict[str, int] = field(default_factory=dict)
    correct: dict[str, int] = field(default_factory=dict)
    lines_right: int = 0
    lines_total: int = 0
    misses: list[tuple[str, str, str, str]] = field(default_factory=list)

    def add(self, fixture_id: str, scores: Mapping[str, FieldScore]) -> None:
        for name, s in scores.items():
            self.scored[name] = self.scored.get(name, 0) + 1
            self.correct[name] = self.correct.get(name, 0) + int(s.correct)
            self.lines_right += s.lines_right
            self.lines_total += s.lines_total
            if not s.correct:
                self.misses.append((fixture_id, name, s.expected, s.produced))

    def accuracy(self, name: str) -> float | None:
        n = self.scored.get(name, 0)
        return self.correct.get(name, 0) / n if n else None

    def overall(self) -> float | None:
        n = sum(self.scored.values())
        return sum(self.correct.values()) / n if n else None

    def line_accuracy(self) -> float | None:
        return self.lines_right / self.lines_total if self.lines_total else None


def load_expected(data: Mapping[str, Any]) -> dict[str, ExpectedSource]:
    """fixture id -> ExpectedSource, from the mapping of evals/expected_source.yaml."""
    return {str(k): ExpectedSource.model_validate(v) for k, v in data.items()}
