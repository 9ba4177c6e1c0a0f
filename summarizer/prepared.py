"""An article made ready for the model: the hand-off from preparation to record assembly."""

from __future__ import annotations

from dataclasses import dataclass

from .inputs import Article
from .schemas import Quality, Sentence, SourceMetadata


@dataclass
class Prepared:
    """What the model will see of an article, and what checking and assembling its answer need."""

    article: Article
    quality: Quality
    sentences: list[Sentence]
    title: str | None
    source: SourceMetadata
    lines: list[str]  # the input's lines, as flag and sentence line numbers count them
