"""Every exception summarizer raises: one root, a few subclasses that carry context."""

from __future__ import annotations

import re
import threading
from typing import Any

# ---------------------------------------------------------------------------- redaction
# Messages may quote a server's error body, and a server may echo the request's headers:
# everything that leaves the process as text (log lines, events, CLI errors) goes through
# `redact`, and so does every error message when it is made and every error row (issue 12
# found the key three times on stderr for one failed `summarize`, and in every error row).

_SECRETS: set[str] = set()
_SECRETS_LOCK = threading.Lock()
_SECRET_PATTERN: re.Pattern[str] | None = None
# A shorter "secret" would mangle ordinary words (test keys such as "k" included).
_MIN_SECRET = 6
REDACTED = "***"
# Shapes of credentials, bounded and without nested quantifiers (linear in the text):
# Authorization header values, OpenAI-style keys, user:password in a URL, and name: value /
# name=value pairs whose name says it is a credential (header, JSON or query style).
_TOKEN_SHAPES = re.compile(
    r"\b(?P<scheme>bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}"
    r"|\bsk-[A-Za-z0-9_-]{12,}"
    r"|(?<=://)[^/\s:@]{1,200}:[^/\s@]{1,200}(?=@)"
    r"|(?P<name>\b(?:api[_-]?key|x-api-key|authorization|access[_-]?token|secret|password)"
    r"[\"']?\s*[:=]\s*[\"']?)(?!\*\*\*)"
    r"(?:(?P<inner>bearer|basic)\s+[^\s\"',;}]+|[^\s\"',;}]{3,})",
    re.IGNORECASE,
)


def register_secret(value: str | None) -> None:
    """Never let `value` (an API key) appear in a redacted text again, in this process."""
    global _SECRET_PATTERN
    if not value or len(value) < _MIN_SECRET:
        return
    with _SECRETS_LOCK:
        if value in _SECRETS:
            return
        _SECRETS.add(value)
        # Longest first, so a key that contains another is removed whole.
        ordered = sorted(_SECRETS, key=len, reverse=True)
        _SECRET_PATTERN = re.compile("|".join(re.escape(s) for s in ordered))


def _token_mask(match: re.Match[str]) -> str:
    scheme = match.group("scheme")
    if scheme:
        return f"{scheme} {REDACTED}"
    name = match.group("name")
    if name is None:
        return REDACTED
    inner = match.group("inner")
    return name + (f"{inner} {REDACTED}" if inner else REDACTED)


def redact(text: str) -> str:
    """`text` without registered keys, bearer tokens or key-shaped strings."""
    if not text:
        return text
    pattern = _SECRET_PATTERN
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    return _TOKEN_SHAPES.sub(_token_mask, text)


def redact_data(value: Any) -> Any:
    """`redact` applied to every string inside JSON-like data (dicts, lists, strings)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_data(v) for v in value]
    return value


class SummarizerError(Exception):
    """Root of all summarizer errors; `article_id` names the article when one is known."""

    kind = "error"

    def __init__(self, message: str, *, article_id: str | None = None) -> None:
        message = redact(message)
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


class OutputError(ConfigError):
    """The output cannot be used: not this tool's file, locked by another run, not writable.

    A ConfigError (exit status 2): nothing was analysed and nothing of the user's was changed.
    """

    kind = "output_error"


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


class ContextWindowExceeded(BackendError):
    """The prompt does not fit the model's context; `limit` is the window, when stated.

    The pipeline answers it by cutting the article to the limit (flagged context_overflow)
    and trying once more.
    """

    def __init__(
        self,
        message: str,
        *,
        article_id: str | None = None,
        attempts: int = 0,
        limit: int | None = None,
    ) -> None:
        super().__init__(message, article_id=article_id, attempts=attempts)
        self.limit = limit


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
        self.last_raw_output = redact(last_raw_output) if last_raw_output else last_raw_output

    def to_dict(self) -> dict[str, object]:
        return {
            **super().to_dict(),
            "fields": self.fields,
            "last_raw_output": self.last_raw_output,
        }
