"""Articles and settings as plain JSON: what crosses a process boundary (worker processes,
Ray actors). The key travels only this way, over private pipes or the cluster's own channel,
never through a log or a file."""

from __future__ import annotations

from typing import Any

from ..config import Settings
from ..inputs import Article
from ..schemas import SourceMetadata


def article_to_json(article: Article) -> dict[str, Any]:
    """The Article as plain JSON data."""
    return {
        "text": article.text,
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "targets": list(article.targets),
        "input_notes": list(article.input_notes),
        "main_lines": list(article.main_lines) if article.main_lines is not None else None,
        "source": article.source.model_dump(mode="json") if article.source else None,
    }


def article_from_json(data: dict[str, Any]) -> Article:
    """Inverse of article_to_json (the text was validated in the parent already)."""
    main_lines = data.get("main_lines")
    return Article(
        text=data["text"],
        id=data["id"],
        title=data.get("title"),
        url=data.get("url"),
        targets=tuple(data.get("targets") or ()),
        input_notes=tuple(data.get("input_notes") or ()),
        main_lines=tuple(main_lines) if main_lines is not None else None,
        source=SourceMetadata.model_validate(data["source"]) if data.get("source") else None,
    )


def settings_to_json(settings: Settings) -> dict[str, Any]:
    """Settings for a child process, the real key included (it travels over a private pipe)."""
    data = settings.model_dump(mode="json", exclude={"api_key"})
    data["api_key"] = settings.api_key.get_secret_value() if settings.api_key else None
    data["workers"] = 1
    return data
