"""The exported JSON Schema of ArticleAnalysis, kept beside the models and tested against them."""

from __future__ import annotations

import json
from pathlib import Path

from .record import SCHEMA_VERSION, ArticleAnalysis

SCHEMA_FILE = Path(__file__).with_name("article_analysis.schema.json")


def schema_json() -> str:
    """The JSON Schema of the output record, as committed in SCHEMA_FILE."""
    schema = ArticleAnalysis.model_json_schema()
    schema["$id"] = f"https://summarizer.invalid/schemas/article_analysis/{SCHEMA_VERSION}"
    schema["x-schema-version"] = SCHEMA_VERSION
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
