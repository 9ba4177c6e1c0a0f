"""Every exception summarizer raises: one root, a few subclasses that carry context."""

from __future__ import annotations


class SummarizerError(Exception):
    """Root of all summarizer errors; `article_id` names the article when one is known."""

    kind = "error"

    def __init__(self, message: str, *, article_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.article_id = article_id

    def __str__(self) -> str:
        prefix = f"[{self.article_id}] " if self.article_id else ""
        return f"{prefix}{self.message}"

    def to_dict(self) -> dict[str, object]:
        """A JSON-safe description, used for batch error rows."""
        return {"type": self.kind, "message": self.message, "attempts": 0}


class ConfigError(SummarizerError):
    """The configuration cannot work: unknown backend, missing model file, bad value."""

    kind = "config_error"


class InputError(SummarizerError):
    """The article itself is unusable: empty, binary, undecodable, bad targets."""

    kind = "input_error"


class BackendError(SummarizerError):
    """The model could not be reached or refused the call, after all transient retries."""

    kind = "backend_error"

    def __init__(
        self,
        message: str,
        *,
        article_id: str | None = None,
        attempts: int = 0,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message, article_id=article_id)
        self.attempts = attempts
        self.status_code = status_code

    def to_dict(self) -> dict[str, object]:
        return {"type": self.kind, "message": self.message, "attempts": self.attempts}


class GroundingError(SummarizerError):
    """The model's answer never passed validation (schema or grounding) within the re-asks."""

    kind = "grounding_error"

    def __init__(
        self,
        message: str,
        *,
        article_id: str | None = None,
        attempts: int = 0,
        fields: list[str] | None = None,
        last_raw_output: str | None = None,
    ) -> None:
        super().__init__(message, article_id=article_id)
        self.attempts = attempts
        self.fields = fields or []
        self.last_raw_output = last_raw_output

    def to_dict(self) -> dict[str, object]:
        return {
            "type": self.kind,
            "message": self.message,
            "attempts": self.attempts,
            "fields": self.fields,
            "last_raw_output": self.last_raw_output,
        }
