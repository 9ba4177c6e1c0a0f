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


class _ModelCallError(SummarizerError):
    """A failure after the model was (maybe) called: how often, and the tokens it cost."""

    def __init__(self, message: str, *, article_id: str | None = None, attempts: int = 0) -> None:
        super().__init__(message, article_id=article_id)
        self.attempts = attempts
        # Failed calls are billed too; batch statistics and cost estimates count them.
        self.prompt_tokens = 0
        self.completion_tokens = 0

    def to_dict(self) -> dict[str, object]:
        return {
            "type": self.kind,
            "message": self.message,
            "attempts": self.attempts,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
        }


class BackendError(_ModelCallError):
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
        super().__init__(message, article_id=article_id, attempts=attempts)
        self.status_code = status_code


class GroundingError(_ModelCallError):
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
        super().__init__(message, article_id=article_id, attempts=attempts)
        self.fields = fields or []
        self.last_raw_output = last_raw_output

    def to_dict(self) -> dict[str, object]:
        return {
            **super().to_dict(),
            "fields": self.fields,
            "last_raw_output": self.last_raw_output,
        }
