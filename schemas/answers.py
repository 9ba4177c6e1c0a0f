"""What the model fills in. The abstractive answer is built per article, so its JSON Schema
admits only the caller's targets in order. Grounding validators run on every answer and a
failure goes back to the model as a re-ask. The validators find the article's
GroundingContext through `validation_context` (a ContextVar the backend sets around the
call), never through instructor's `context=`, which would render the article as a template."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any, ClassVar, Literal, cast

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    create_model,
    model_validator,
)

from .record import ArticleType

StanceWord = Literal["supportive", "opposed", "neutral", "mixed"]
TargetWord = Literal["supportive", "opposed", "neutral", "mixed", "not_mentioned"]
LLM_FLAG_KINDS = (
    "seo_filler",
    "call_to_action",
    "placeholder_text",
    "chatbot_artifact",
    "prompt_injection",
    "link_spam",
    "media_credit",
    "navigation_boilerplate",
    "fake_author_block",
    "duplicate_content",
)


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Validation context for the answer being parsed. Backends set it around the model call rather
# than passing instructor's `context=`, because instructor also renders every message as a
# Jinja2 template when given a context: an article containing "{{ 7*7 }}" reached the model as
# "49", and "{% ... %}" in an article would run.
_ACTIVE_CONTEXT: ContextVar[dict[str, Any] | None] = ContextVar("answer_context", default=None)


@contextmanager
def validation_context(context: dict[str, Any]) -> Iterator[None]:
    """Make `context` visible to answer validators for the duration of one model call."""
    token = _ACTIVE_CONTEXT.set(context)
    try:
        yield
    finally:
        _ACTIVE_CONTEXT.reset(token)


def _context(info: ValidationInfo) -> dict[str, Any]:
    """The validation context: given to model_validate directly, or set by the backend."""
    return info.context or _ACTIVE_CONTEXT.get() or {}


def _grounding(info: ValidationInfo) -> Any:
    """The GroundingContext of the article being answered; None outside a model call."""
    return _context(info).get("grounding")


def _literal(values: list[Any]) -> Any:
    """A Literal type over runtime values (each becomes an enum member of the schema)."""
    return Literal[tuple(values)]


# ---------------------------------------------------------------------------- extractive
#
# On the local default, measured components choose the summary sentences and judge stances
# (summarizer/judge.py); the small model only names the article's genre, an enum the decoding
# grammar enforces.


class ExtractiveAnswer(_Answer):
    """What the embedded model answers on the extractive path: the article type."""

    article_type: ArticleType


def extractive_answer_model() -> type[ExtractiveAnswer]:
    """The extractive answer (the same for every article)."""
    return ExtractiveAnswer


# --------------------------------------------------------------------------- abstractive


class KeyPointAnswer(_Answer):
    text: str = Field(min_length=5, max_length=300)
    evidence: list[int] = Field(min_length=1, max_length=4)

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> KeyPointAnswer:
        g = _grounding(info)
        if g is not None:
            g.check_ids(self.evidence, "key point")
            g.check_supported(self.text, self.evidence, "key point")
        return self


class StanceAnswer(_Answer):
    holder: str = Field(min_length=1, max_length=80)
    target: str = Field(min_length=1, max_length=80)
    label: StanceWord
    quote: str = Field(min_length=8, max_length=500)

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> StanceAnswer:
        g = _grounding(info)
        if g is None:
            return self
        g.check_quote(self.quote, f"stance {self.holder!r} -> {self.target!r}")
        for role, name in (("holder", self.holder), ("target", self.target)):
            if not (role == "holder" and name == "article") and not g.in_article(name):
                raise ValueError(f"stance {role} {name!r} is not named in the article")
        if self.holder != "article":
            g.check_stance(self.holder, self.target, self.quote, self.label)
        return self


class _TargetAnswerBase(_Answer):
    target: str
    label: TargetWord
    quote: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> _TargetAnswerBase:
        if self.label == "not_mentioned":
            if self.quote:
                raise ValueError(f"{self.target!r} is not_mentioned, so quote must be null")
            return self
        if not self.quote:
            raise ValueError(f"stance on {self.target!r} needs a verbatim quote")
        g = _grounding(info)
        if g is not None:
            g.check_quote(self.quote, f"stance on {self.target!r}")
        return self


class FlagAnswer(_Answer):
    kind: Literal[LLM_FLAG_KINDS]  # type: ignore[valid-type]
    sentence_ids: list[int] = Field(min_length=1, max_length=12)
    explanation: str = Field(min_length=5, max_length=200)

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> FlagAnswer:
        g = _grounding(info)
        if g is not None:
            g.check_ids(self.sentence_ids, f"{self.kind} flag")
        return self


class _AbstractiveBase(_Answer):
    headline: str = Field(min_length=8, max_length=120)
    summary: str = Field(min_length=20, max_length=900)
    key_points: list[KeyPointAnswer]
    article_type: ArticleType
    stances: list[StanceAnswer] = Field(default_factory=list, max_length=8)
    flags: list[FlagAnswer] = Field(default_factory=list, max_length=5)
    # The caller's targets, in order, for the per-article subclass that asks about them.
    requested_targets: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> _AbstractiveBase:
        g = _grounding(info)
        if g is not None:
            g.check_headline(self.headline)
            n_sent = len(self.summary.replace("...", ".").split(". "))
            if n_sent > 5:
                raise ValueError(f"summary has about {n_sent} sentences; write 2-4")
        return self

    @model_validator(mode="after")
    def _one_stance_per_target(self) -> _AbstractiveBase:
        """Each requested target exactly once, put in the caller's order.

        A list whose items name their target (an enum) rather than a tuple with one position per
        target: strict structured outputs have no tuples, so the order and the coverage are
        checked here, and a miss goes back to the model as a re-ask.
        """
        targets = type(self).requested_targets
        if not targets:
            return self
        given: list[_TargetAnswerBase] = list(getattr(self, "target_stances", None) or [])
        names = [item.target for item in given]
        missing = [t for t in targets if t not in names]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if missing or repeated:
            detail = "; ".join(
                part
                for part in (
                    f"missing {', '.join(map(repr, missing))}" if missing else "",
                    f"repeated {', '.join(map(repr, repeated))}" if repeated else "",
                )
                if part
            )
            raise ValueError(
                f"target_stances needs exactly one entry per target ({detail}); "
                f"the targets are {', '.join(map(repr, targets))}"
            )
        ordered = sorted(given, key=lambda item: targets.index(item.target))
        object.__setattr__(self, "target_stances", ordered)
        return self


def abstractive_answer_model(n_sentences: int, targets: list[str]) -> type[_AbstractiveBase]:
    """The abstractive answer for one article: written prose, every claim tied to ids/quotes."""
    return _abstractive_answer_model(n_sentences, tuple(targets))


@lru_cache(maxsize=512)
def _abstractive_answer_model(n_sentences: int, targets: tuple[str, ...]) -> type[_AbstractiveBase]:
    """Built once per shape: model creation and its schema cost milliseconds per article."""
    n_points = min(3, n_sentences), 6
    fields: dict[str, Any] = {
        "key_points": (
            list[KeyPointAnswer],
            Field(min_length=n_points[0], max_length=n_points[1]),
        ),
    }
    if targets:
        # One item per target, each naming its target from the enum of the caller's targets;
        # `_one_stance_per_target` checks that each occurs once. No tuple: see strict.py.
        stance = create_model(
            "TargetStance", __base__=_TargetAnswerBase, target=(_literal(list(targets)), ...)
        )
        fields["target_stances"] = (
            list[stance],
            Field(
                min_length=len(targets),
                max_length=len(targets),
                description="Exactly one entry per target, in the order the targets are listed",
            ),
        )
    model = create_model("AbstractiveAnswer", __base__=_AbstractiveBase, **fields)
    model.requested_targets = targets
    return cast(type[_AbstractiveBase], model)


AbstractiveAnswer = _AbstractiveBase
AbstractiveTargetAnswer = _TargetAnswerBase
