"""What the model fills in: answer models built per article, so the JSON Schema (and with it
the decoding grammar of the local backend) admits only sentence ids that exist, names that
occur, and the caller's targets in order. Grounding validators run on every answer and a
failure goes back to the model as a re-ask. The validators find the article's
GroundingContext through `validation_context` (a ContextVar the backend sets around the call),
never through instructor's `context=`, which would render the article as a template."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any, Literal, cast

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    create_model,
    field_validator,
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
# A small model cannot keep a holder, a target and a sentence id consistent with each other,
# so the schema does it: stances are chosen from numbered slots whose sentence names both
# actors, and a requested target's evidence from the sentences that name it. The decoding
# grammar then admits only grounded answers; the validators still check, as a second line.


class _SlotStanceBase(_Answer):
    slot: int
    label: StanceWord

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> _SlotStanceBase:
        g = _grounding(info)
        slots = _context(info).get("slots")
        if g is None or slots is None:
            return self
        if not 0 <= self.slot < len(slots):
            raise ValueError(f"stance slot {self.slot} does not exist")
        slot = slots[self.slot]
        g.check_ids([slot.sentence], "stance")
        if not (g.mentions(slot.sentence, slot.holder) and g.mentions(slot.sentence, slot.target)):
            raise ValueError(f"stance slot {self.slot} is not supported by its sentence")
        return self


class _ExtractiveTargetBase(_Answer):
    target: str
    label: StanceWord
    sentence: int

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> _ExtractiveTargetBase:
        g = _grounding(info)
        if g is None:
            return self
        g.check_ids([self.sentence], f"stance on {self.target!r}")
        if not g.mentions(self.sentence, self.target):
            raise ValueError(
                f"stance on {self.target!r} cites sentence {self.sentence}, which does not "
                "name it; cite a sentence that does"
            )
        return self


class _ExtractiveBase(_Answer):
    key_sentences: list[int]
    article_type: ArticleType

    @field_validator("key_sentences")
    @classmethod
    def _distinct(cls, ids: list[int], info: ValidationInfo) -> list[int]:
        # A repeated id adds nothing; drop it, and re-ask only if too few distinct ids remain.
        unique = list(dict.fromkeys(ids))
        g = _grounding(info)
        needed = min(3, g.n_sentences) if g is not None else 1
        if len(unique) < needed:
            raise ValueError(f"key_sentences {ids} names fewer than {needed} distinct sentences")
        return unique

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> _ExtractiveBase:
        g = _grounding(info)
        if g is not None:
            g.check_ids(self.key_sentences, "key_sentences")
        return self


def extractive_answer_model(
    n_sentences: int, n_slots: int, target_sentences: dict[str, list[int]]
) -> type[_ExtractiveBase]:
    """The extractive answer for one article: the model only picks ids and labels from lists;
    it writes no prose. `target_sentences` maps each requested target the article names to
    the ids of the sentences that name it."""
    sid = _literal(list(range(n_sentences))) if n_sentences <= 400 else int
    n_key = min(3, n_sentences), min(5, n_sentences)
    fields: dict[str, Any] = {
        "key_sentences": (
            list[sid],  # type: ignore[valid-type]
            Field(min_length=n_key[0], max_length=n_key[1], description="Most important ids"),
        ),
        "article_type": (ArticleType, ...),
    }
    if n_slots:
        stance = create_model(
            "Stance", __base__=_SlotStanceBase, slot=(_literal(list(range(n_slots))), ...)
        )
        fields["stances"] = (list[stance], Field(max_length=min(4, n_slots)))
    else:  # no pair of actors shares a sentence: the only grounded answer is an empty list
        fields["stances"] = (list[_SlotStanceBase], Field(default_factory=list, max_length=0))
    if target_sentences:
        members = [
            create_model(
                f"TargetStance{i}",
                __base__=_ExtractiveTargetBase,
                target=(_literal([name]), ...),
                sentence=(_literal(ids[:60]), ...),
            )
            for i, (name, ids) in enumerate(target_sentences.items())
        ]
        fields["target_stances"] = (tuple[tuple(members)], ...)  # type: ignore[misc]
    model = create_model("ExtractiveAnswer", __base__=_ExtractiveBase, **fields)
    return cast(type[_ExtractiveBase], model)


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

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> _AbstractiveBase:
        g = _grounding(info)
        if g is not None:
            g.check_headline(self.headline)
            n_sent = len(self.summary.replace("...", ".").split(". "))
            if n_sent > 5:
                raise ValueError(f"summary has about {n_sent} sentences; write 2-4")
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
        members = [
            create_model(
                f"TargetStance{i}", __base__=_TargetAnswerBase, target=(_literal([name]), ...)
            )
            for i, name in enumerate(targets)
        ]
        fields["target_stances"] = (tuple[tuple(members)], ...)  # type: ignore[misc]
    model = create_model("AbstractiveAnswer", __base__=_AbstractiveBase, **fields)
    return cast(type[_AbstractiveBase], model)


ExtractiveAnswer = _ExtractiveBase
AbstractiveAnswer = _AbstractiveBase
SlotStanceAnswer = _SlotStanceBase
ExtractiveTargetAnswer = _ExtractiveTargetBase
AbstractiveTargetAnswer = _TargetAnswerBase
