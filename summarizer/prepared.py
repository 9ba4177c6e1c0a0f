"""An article made ready for the model: the hand-off from preparation to record assembly."""

from __future__ import annotations

from dataclasses import dataclass

from .grounding import StanceSlot
from .inputs import Article
from .schemas import Quality, Sentence


@dataclass
class Prepared:
    """What the model will see of an article, and what checking and assembling its answer need."""

    article: Article
    quality: Quality
    sentences: list[Sentence]
    slots: list[StanceSlot]  # extractive: the stances the model may label
    model_targets: list[str]  # requested targets the model is asked about
    title: str | None
