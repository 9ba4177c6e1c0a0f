"""Pydantic models of everything summarizer returns, and their exported JSON Schema."""

from .record import (
    SCHEMA_VERSION,
    ArticleAnalysis,
    ArticleType,
    Flag,
    FlagKind,
    FlagSource,
    KeyPoint,
    Provenance,
    Quality,
    Sentence,
    Severity,
    Stance,
    StanceLabel,
    Summary,
)

__all__ = [
    "SCHEMA_VERSION",
    "ArticleAnalysis",
    "ArticleType",
    "Flag",
    "FlagKind",
    "FlagSource",
    "KeyPoint",
    "Provenance",
    "Quality",
    "Sentence",
    "Severity",
    "Stance",
    "StanceLabel",
    "Summary",
]
