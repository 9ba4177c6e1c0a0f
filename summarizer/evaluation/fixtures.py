"""Eval fixtures: the pydantic model of one hand-labelled fixture, loading, and the set's hash.

A fixture is a YAML (or JSON) file next to the article text it labels. Line numbers in its
labels are 1-based and inclusive, counted in the article file exactly as stored (the same
rule as every flag the pipeline emits). `docs: evals/LABELLING.md` explains each label.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import ConfigError
from ..inputs import Article, split_lines
from ..schemas import ArticleType, FlagKind, Severity, StanceLabel
from .source import ExpectedSource

FIXTURE_SUFFIXES = frozenset({".yaml", ".yml", ".json"})
ARTICLE_HOLDER = "article"
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LineSpan(_Model):
    """A 1-based inclusive range of lines of the stored article file."""

    start_line: int = Field(ge=1)
    end_line: int = Field(ge=1)
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> LineSpan:
        if self.end_line < self.start_line:
            raise ValueError(f"end_line {self.end_line} is before start_line {self.start_line}")
        return self

    def overlaps(self, start: int, end: int) -> bool:
        """True when this span shares at least one line with start..end."""
        return self.start_line <= end and start <= self.end_line


class ExpectedFlag(LineSpan):
    """A flag a good detector raises on these lines.

    `alt_kinds` lists kinds that are equally defensible for the span (a related-links list
    may fairly be called link_spam or navigation_boilerplate); `optional` marks a flag that
    may be raised but is not required (it is never a miss, and never a false alarm).
    `max_severity` caps what counts as a hit: an article that only *reports* on prompt
    injection may get an info note on its quote, but a warning there is a false alarm.
    """

    kind: FlagKind
    alt_kinds: tuple[FlagKind, ...] = ()
    severity: Severity | None = None
    max_severity: Severity | None = None
    optional: bool = False

    @property
    def kinds(self) -> frozenset[FlagKind]:
        """Every kind that counts as a hit on this span."""
        return frozenset((self.kind, *self.alt_kinds))


class ExpectedStance(_Model):
    """Who stands where on whom; names are matched after normalisation, aliases included."""

    holder: str = Field(min_length=1)
    target: str = Field(min_length=1)
    label: StanceLabel
    holder_aliases: tuple[str, ...] = ()
    target_aliases: tuple[str, ...] = ()
    note: str | None = None


class Fixture(_Model):
    """One hand-labelled article: what a good analysis must find, cover and avoid."""

    id: str
    article: str = Field(description="Path of the article text, relative to the fixture file")
    source: str | None = Field(default=None, description="Where the text came from")
    title: str | None = None
    url: str | None = None
    language: str = Field(default="en", pattern=r"^[a-z]{2}$")
    article_type: ArticleType
    # Other genres a careful reader could defend (an SEO explainer: analysis or other).
    alt_article_types: tuple[ArticleType, ...] = ()
    tags: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    # Entity-wide aliases: key = a name used in expected_stances, value = other spellings.
    aliases: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    expected_flags: tuple[ExpectedFlag, ...] = ()
    must_not_flag: tuple[LineSpan, ...] = ()
    expected_stances: tuple[ExpectedStance, ...] = ()
    key_facts: tuple[str, ...] = Field(min_length=1, max_length=6)
    forbidden_strings: tuple[str, ...] = ()
    # What the text states of its source (authors, dates, agencies, dateline); see source.py.
    expected_source: ExpectedSource | None = None
    notes: str | None = None

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("id must be a lowercase slug: a-z, 0-9, '.', '_', '-'")
        return value

    @model_validator(mode="after")
    def _coherent(self) -> Fixture:
        for flag in self.expected_flags:
            if flag.optional:
                continue
            for span in self.must_not_flag:
                if flag.overlaps(span.start_line, span.end_line):
                    raise ValueError(
                        f"required {flag.kind.value} flag {flag.start_line}-{flag.end_line} "
                        f"overlaps must_not_flag {span.start_line}-{span.end_line}"
                    )
        pairs = [(s.holder.casefold(), s.target.casefold()) for s in self.expected_stances]
        if len(pairs) != len(set(pairs)):
            raise ValueError("expected_stances repeats a (holder, target) pair")
        return self

    @property
    def article_types(self) -> frozenset[ArticleType]:
        """Every article_type that counts as correct."""
        return frozenset((self.article_type, *self.alt_article_types))

    def holder_names(self, stance: ExpectedStance) -> tuple[str, ...]:
        """The holder's name and every alias for it."""
        return (stance.holder, *stance.holder_aliases, *self.aliases.get(stance.holder, ()))

    def target_names(self, stance: ExpectedStance) -> tuple[str, ...]:
        """The target's name and every alias for it."""
        return (stance.target, *stance.target_aliases, *self.aliases.get(stance.target, ()))


@dataclass(frozen=True)
class LoadedFixture:
    """A validated fixture with its article text read from disk."""

    fixture: Fixture
    path: Path
    article_path: Path
    text: str

    @property
    def id(self) -> str:
        """The fixture id (also the article id in batch output)."""
        return self.fixture.id

    @property
    def lines(self) -> list[str]:
        """The article lines; line n (1-based) is lines[n - 1]."""
        return split_lines(self.text)

    def to_article(self, *, max_chars: int) -> Article:
        """The Article the pipeline is run on, with the fixture's id, title, url and targets."""
        return Article.create(
            self.text,
            id=self.fixture.id,
            title=self.fixture.title,
            url=self.fixture.url,
            targets=list(self.fixture.targets) or None,
            max_chars=max_chars,
        )


def fixture_files(folder: Path) -> list[Path]:
    """The fixture files of a folder (not recursive: article texts live in a subfolder)."""
    if not folder.is_dir():
        raise ConfigError(f"fixture folder not found: {folder}")
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in FIXTURE_SUFFIXES)


def _read_mapping(path: Path) -> dict[str, Any]:
    """Parse one fixture file into a mapping."""
    raw = path.read_text(encoding="utf-8")
    data = json.loads(raw) if path.suffix == ".json" else yaml.safe_load(raw)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a fixture must be a mapping, got {type(data).__name__}")
    return data


def check_against_text(fixture: Fixture, text: str) -> list[str]:
    """Problems with labels that only the article text can reveal (empty list: none)."""
    problems: list[str] = []
    n_lines = len(split_lines(text))
    spans: list[tuple[str, LineSpan]] = [("flag", f) for f in fixture.expected_flags]
    spans += [("must_not_flag", s) for s in fixture.must_not_flag]
    for what, span in spans:
        if span.end_line > n_lines:
            problems.append(f"{what} {span.start_line}-{span.end_line} is past line {n_lines}")
    folded = " ".join(text.split()).casefold()
    for needle in fixture.forbidden_strings:
        # A forbidden string the article never contains cannot leak from it: a label typo.
        if " ".join(needle.split()).casefold() not in folded:
            problems.append(f"forbidden string {needle!r} does not occur in the article")
    return problems


def load_fixture(path: Path) -> LoadedFixture:
    """Read and validate one fixture and its article; ConfigError says what is wrong."""
    try:
        fixture = Fixture.model_validate(_read_mapping(path))
    except (ValidationError, yaml.YAMLError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: invalid fixture: {exc}") from None
    article_path = (path.parent / fixture.article).resolve()
    try:
        text = article_path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read article {fixture.article}: {exc}") from None
    problems = check_against_text(fixture, text)
    if problems:
        raise ConfigError(f"{path}: " + "; ".join(problems))
    return LoadedFixture(fixture=fixture, path=path, article_path=article_path, text=text)


def load_fixtures(folder: Path) -> list[LoadedFixture]:
    """Every fixture of a folder, validated; ids must be unique."""
    loaded = [load_fixture(p) for p in fixture_files(folder)]
    if not loaded:
        raise ConfigError(f"no fixtures (*.yaml, *.yml, *.json) in {folder}")
    seen: dict[str, Path] = {}
    for item in loaded:
        if item.id in seen:
            raise ConfigError(f"fixture id {item.id!r} is used by {seen[item.id]} and {item.path}")
        seen[item.id] = item.path
    return loaded


def fixture_set_hash(fixtures: Iterable[LoadedFixture]) -> str:
    """SHA-256 over every fixture file and article text, by name: any label edit changes it."""
    digest = hashlib.sha256()
    for item in sorted(fixtures, key=lambda f: f.path.name):
        for name, path in ((item.path.name, item.path), (item.fixture.article, item.article_path)):
            data = path.read_bytes()
            # Length-prefixed so that moving bytes between files cannot keep the same hash.
            digest.update(f"{name}\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()
