"""The judgement every stance component returns."""

from __future__ import annotations

from dataclasses import dataclass

LABELS = ("supportive", "opposed", "neutral", "mixed", "not_mentioned")
ARTICLE = "article"


@dataclass(frozen=True)
class StanceJudgement:
    """One stance: who (`holder`, "article" for the article's own), toward whom, which label.

    `confidence` is in [0, 1]; what it estimates depends on the method (see article.py for
    `classifier`, actors.py for `rules`). `sentence_id` is the sentence that carries the label
    (None for not_mentioned).
    """

    holder: str
    target: str
    label: str
    confidence: float
    method: str
    sentence_id: int | None

    def __post_init__(self) -> None:
        if self.label not in LABELS:
            raise ValueError(f"stance label {self.label!r} is not one of {', '.join(LABELS)}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} is outside [0, 1]")
