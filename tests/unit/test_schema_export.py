from __future__ import annotations

import json

from summarizer.schemas import SCHEMA_VERSION, ArticleAnalysis
from summarizer.schemas.export import SCHEMA_FILE, schema_json


def test_committed_schema_matches_the_models() -> None:
    """Regenerate with `summarizer schema --write` (and bump SCHEMA_VERSION) after a change."""
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_json()


def test_schema_names_the_public_contract() -> None:
    schema = json.loads(schema_json())
    assert schema["x-schema-version"] == SCHEMA_VERSION
    props = schema["properties"]
    for field in (
        "id",
        "title",
        "language",
        "summary",
        "stances",
        "article_type",
        "quality",
        "provenance",
        "sentences",
    ):
        assert field in props
    assert set(ArticleAnalysis.model_fields) == set(props)
