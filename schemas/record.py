"""The public output record: one ArticleAnalysis per article.

Field names here are the public contract. Any change to them, their types or their
bounds bumps SCHEMA_VERSION, and `schemas/article_analysis.schema.json` is regenerated
with `python -m summarizer schema --write`.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .source import SourceMetadata

SCHEMA_VERSION = "2.0.0"


class FlagKind(str, Enum):
    """What is wrong with a span of the source page."""

    navigation_boilerplate = "navigation_boilerplate"
    media_credit = "media_credit"
    fake_author_block = "fake_author_block"
    placeholder_text = "placeholder_text"
    link_spam = "link_spam"
    call_to_action = "call_to_action"
    seo_filler = "seo_filler"
    duplicate_content = "duplicate_content"
    truncated_text = "truncated_text"
    chatbot_artifact = "chatbot_artifact"
    prompt_injection = "prompt_injection"
    # Added beyond the list: input problems that must never pass silently.
    encoding_problem = "encoding_problem"
    context_overflow = "context_overflow"
    html_boilerplate = "html_boilerplate"


class Severity(str, Enum):
    info = "info"
    warning = "warning"
    critical = "critical"


class FlagSource(str, Enum):
    rule = "rule"
    llm = "llm"


class ArticleType(str, Enum):
    news_report = "news_report"
    analysis = "analysis"
    opinion = "opinion"
    press_release = "press_release"
    promotional = "promotional"
    other = "other"


class StanceLabel(str, Enum):
    supportive = "supportive"
    opposed = "opposed"
    neutral = "neutral"
    mixed = "mixed"
    not_mentioned = "not_mentioned"


class StanceMethod(str, Enum):
    """The component that made a stance judgement (README: "How each judgement is made")."""

    classifier = "classifier"  # sentence classifier trained on NewsMTSC, shipped in the package
    lexicon = "lexicon"  # VADER over the sentences naming the target
    rules = "rules"  # explicit wording in one sentence; or no mention at all (not_mentioned)
    llm = "llm"  # proposed by a language model, checked by the grounding validators


class SelectionMethod(str, Enum):
    """How the summary text and key points were chosen."""

    ranker = "ranker"  # sentences ranked by the model trained on CNN/DM highlights
    llm = "llm"  # written by a language model, each point checked against its citations


class HeadlineMethod(str, Enum):
    """Where the headline came from."""

    article_title = "title"  # the article's own title
    lead = "lead"  # the lead sentence, shortened at a clause boundary
    llm = "llm"  # written by a language model from the article's words


class ArticleTypeMethod(str, Enum):
    """What decided the article type."""

    llm = "llm"
    rules = "rules"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


LineNo = Annotated[int, Field(ge=1, description="1-based line number in the input text")]


class Flag(_Record):
    """One source-quality finding with the input lines it spans."""

    kind: FlagKind
    source: FlagSource = FlagSource.rule
    severity: Severity
    start_line: LineNo
    end_line: LineNo
    evidence: str = Field(description="The flagged lines (may be shortened with an ellipsis)")
    explanation: str
    removed: bool = Field(
        default=False, description="True when these lines were left out of clean_text"
    )

    @model_validator(mode="after")
    def _ordered_span(self) -> Flag:
        if self.end_line < self.start_line:
            raise ValueError("end_line must not be before start_line")
        return self


class Quality(_Record):
    score: int = Field(ge=0, le=100, description="100 = clean page; see README for the rule")
    flags: list[Flag] = Field(default_factory=list)
    clean_text: str = Field(description="The text the model saw: input minus removed lines")


class Sentence(_Record):
    """A numbered sentence as the model saw it; citations point at `id`."""

    id: int = Field(ge=0)
    line: LineNo
    text: str


class KeyPoint(_Record):
    text: str = Field(min_length=1)
    evidence: list[int] = Field(min_length=1, description="Sentence ids this point rests on")
    confidence: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="ranker: estimated probability that the sentence belongs in a summary; "
        "null for points a language model wrote",
    )


class Summary(_Record):
    headline: str = Field(min_length=1, max_length=160)
    text: str = Field(min_length=1)
    key_points: list[KeyPoint] = Field(
        min_length=1,
        max_length=6,
        description="3-6 points, most important first; fewer only for very short articles",
    )
    method: SelectionMethod = Field(description="how the summary text and key points were made")
    headline_method: HeadlineMethod


class Stance(_Record):
    """Who stands where on whom, with a verbatim quote from the article."""

    holder: str = Field(min_length=1, description='"article" for the article\'s own stance')
    target: str = Field(min_length=1)
    label: StanceLabel
    evidence: str | None = Field(
        default=None, description="Verbatim quote from the article; null only for not_mentioned"
    )
    sentence_id: int | None = Field(default=None, ge=0)
    requested: bool = Field(default=False, description="True for a target the caller named")
    confidence: float = Field(
        ge=0.0,
        le=1.0,
        description="How likely the label is right, as estimated by the method (calibrated on "
        "held-out data for classifier; per construction for rules; for llm the classifier's "
        "agreement with the label on the evidence sentence)",
    )
    method: StanceMethod

    @model_validator(mode="after")
    def _evidence_matches_label(self) -> Stance:
        if self.label is StanceLabel.not_mentioned:
            if self.evidence is not None:
                raise ValueError("a not_mentioned stance carries no evidence")
        elif not self.evidence:
            raise ValueError("a stance needs a verbatim evidence quote")
        return self


class Provenance(_Record):
    backend: str
    model: str
    mode: str = Field(description="extractive (sentence choice) or abstractive (written prose)")
    prompt_name: str
    prompt_version: str
    schema_version: str = SCHEMA_VERSION
    summarizer_version: str
    input_sha256: str
    prompt_tokens: int = Field(ge=0)
    completion_tokens: int = Field(ge=0)
    attempts: int = Field(ge=0, description="Model calls made, counting validation re-asks")
    transient_retries: int = Field(ge=0, description="Retries of timeouts, 429s and 5xx")
    latency_ms: int = Field(ge=0)
    cached: bool = False
    article_type_method: ArticleTypeMethod
    structured_output_mode: str | None = Field(
        default=None,
        description=(
            "How the server was asked for JSON: json_schema, tools, json_object, json or md_json "
            "(suffix _strict when the schema was enforced with strict: true); null for local"
        ),
    )


class ArticleAnalysis(_Record):
    """One validated, grounded analysis of one article."""

    id: str
    title: str | None = None
    url: str | None = None
    language: str | None = Field(default=None, description="ISO 639-1 code")
    summary: Summary
    stances: list[Stance] = Field(default_factory=list)
    article_type: ArticleType
    quality: Quality
    sentences: list[Sentence] = Field(
        default_factory=list, description="The numbered sentences every citation refers to"
    )
    source: SourceMetadata = Field(
        default_factory=SourceMetadata,
        description="Who wrote it, when, for which outlet, from which agency",
    )
    provenance: Provenance
