"""Source metadata of one article: who wrote it, when, for whom, from which agency.

What a newsroom filters on first. Every value says where it came from (`from`: the page's
JSON-LD, its meta tags, htmldate, trafilatura, or a kind of line in the text) and, when it
was read from the text, the 1-based input line (the same line numbering as quality flags).

Part of ArticleAnalysis (`source`); its field names are covered by record.SCHEMA_VERSION.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import Enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator


class MetaOrigin(str, Enum):
    """Where a metadata value came from."""

    html_jsonld = "html-jsonld"  # schema.org JSON-LD (NewsArticle and friends)
    html_meta = "html-meta"  # OpenGraph / article:* / name=author / link rel=canonical
    htmldate = "htmldate"  # htmldate's date search over the page
    trafilatura = "trafilatura"  # trafilatura's metadata (its own heuristics)
    caller = "caller"  # given by the caller (the URL the page was fetched from)
    text_byline = "text-byline"  # "By Jane Doe, Reuters", "Tom Davies Associated Press"
    text_dateline = "text-dateline"  # "DUBAI, Dec 2 (Reuters) -", "ANKARA (AP) —"
    text_date = "text-date"  # "July 25, 2024", "Published 11:34 PM EST Nov 19, 2019"
    text_credit = "text-credit"  # "es/rmt (AP, AFP, Reuters)", a closing "Reuters" line
    text_copyright = "text-copyright"  # "© 2019 Cleveland.com. All rights reserved."
    text_author_block = "text-author-block"  # a generated author/profile block


LineNo = Annotated[int, Field(ge=1, description="1-based line number in the input text")]


class SourcedValue(BaseModel):
    """One metadata value with its origin and, for text values, the input line."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        # The JSON key is `from`, a Python keyword: the attribute is `from_`.
        serialize_by_alias=True,
        validate_by_alias=True,
        validate_by_name=True,
    )

    value: str = Field(min_length=1)
    from_: MetaOrigin = Field(alias="from", description="where the value came from")
    line: LineNo | None = Field(
        default=None,
        description="the input line the value was read from (or where an HTML value also "
        "appears in the visible text); null when it is only in the markup",
    )


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class SourcedDate(SourcedValue):
    """An ISO 8601 date (YYYY-MM-DD) or datetime (with its UTC offset when the page gave one)."""

    @field_validator("value")
    @classmethod
    def _iso_8601(cls, v: str) -> str:
        if _ISO_DATE.match(v):
            date.fromisoformat(v)
            return v
        try:
            datetime.fromisoformat(v)
        except ValueError as exc:
            raise ValueError(f"not an ISO 8601 date or datetime: {v!r}") from exc
        return v


class SourceMetadata(BaseModel):
    """Bylines, dates, publisher, URLs, agencies, section and tags of one source page."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    authors: list[SourcedValue] = Field(
        default_factory=list, description="real bylines only, in page order"
    )
    fake_authors: list[SourcedValue] = Field(
        default_factory=list,
        description="names found in generated author/profile blocks (flagged "
        "fake_author_block); never reported as authors",
    )
    published: SourcedDate | None = None
    updated: SourcedDate | None = None
    publisher: SourcedValue | None = None
    site_name: SourcedValue | None = None
    url: SourcedValue | None = None
    canonical_url: SourcedValue | None = None
    agencies: list[SourcedValue] = Field(
        default_factory=list,
        description="news agencies credited for the story (canonical short names: AP, AFP, "
        "Reuters, dpa, ...), from credits, bylines and datelines; photo credits excluded",
    )
    dateline: SourcedValue | None = Field(
        default=None, description='the place of the dateline ("DUBAI", "CLEVELAND, Ohio")'
    )
    section: SourcedValue | None = None
    tags: list[SourcedValue] = Field(default_factory=list)

    def is_empty(self) -> bool:
        """True when nothing at all was found."""
        return not any(getattr(self, name) for name in type(self).model_fields)
