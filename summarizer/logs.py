"""Logging: one logger tree under `summarizer`, one line per record, plain or JSON, keys redacted.

The library itself only attaches a NullHandler, so an application that embeds summarizer
sees nothing unless it configures logging (its root handlers then receive our records, which
carry the structured event in `record.summarizer_event`). The command line calls
`configure_logging`, which writes to stderr and also takes over the loggers of instructor,
openai and the HTTP clients: their lines either say what our own events already say
("API call failed on attempt 2") or are transport detail, so they are quietened unless the
user asks for more (see THIRD_PARTY_LEVELS).

Keys are never logged: every line is passed through `errors.redact` on its way out, which
removes the configured API keys (`errors.register_secret`) and anything shaped like a bearer
token or an OpenAI-style key, wherever it appears (a server may echo request headers in an
error body).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone
from typing import Any, TextIO

from .errors import redact

LOGGER_NAME = "summarizer"
# Loggers of the libraries under us. openai >= 3 moved to httpx2/httpcore2; older ones use
# httpx/httpcore; trafilatura and its helpers warn about pages they cannot parse.
THIRD_PARTY = (
    "instructor", "openai", "httpx", "httpx2", "httpcore", "httpcore2", "trafilatura",
    "htmldate", "courlan", "charset_normalizer",
)  # fmt: skip
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING,
          "error": logging.ERROR}  # fmt: skip
# Our level -> theirs. At the default (warning) they are silent: instructor logs every failed
# attempt at ERROR, which would print a second, unformatted line per failed article.
THIRD_PARTY_LEVELS = {
    logging.DEBUG: logging.INFO,
    logging.INFO: logging.WARNING,
    logging.WARNING: logging.CRITICAL,
    logging.ERROR: logging.CRITICAL,
}

logging.getLogger(LOGGER_NAME).addHandler(logging.NullHandler())

# ------------------------------------------------------------------------------- formatting


def iso_time(seconds: float) -> str:
    """UTC time with milliseconds, ISO 8601: what log shippers parse without configuration."""
    moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _one_line(text: str) -> str:
    return text.replace("\r", "").replace("\n", " | ")


def _exception_text(record: logging.LogRecord) -> str | None:
    if not record.exc_info or record.exc_info[1] is None:
        return None
    exc = record.exc_info[1]
    return f"{type(exc).__name__}: {exc}"


def record_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The JSON object of a record: the event's fields, or the plain fields of a foreign line."""
    to_dict = getattr(getattr(record, "summarizer_event", None), "to_dict", None)
    if callable(to_dict):
        data: dict[str, Any] = to_dict()
    else:
        data = {
            "time": iso_time(record.created),
            "level": record.levelname.lower(),
            "event": "log",
            "logger": record.name,
            "message": record.getMessage(),
        }
    error = _exception_text(record)
    if error:
        data["exception"] = error
    return data


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, event, article_id, attempt, backend, model,
    latency_ms, tokens, error_type, message and the event's own fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = json.dumps(record_fields(record), ensure_ascii=False, default=str)
        return redact(line)


class TextFormatter(logging.Formatter):
    """`summarizer: LEVEL: event [article] message`, always one line."""

    def format(self, record: logging.LogRecord) -> str:
        event = getattr(record, "summarizer_event", None)
        if event is not None:
            name = getattr(event, "name", "")
            article = getattr(event, "article_id", None)
            where = f" [{article}]" if article else ""
            body = f"{name}{where} {record.getMessage()}".rstrip()
        else:
            body = f"[{record.name}] {record.getMessage()}"
        error = _exception_text(record)
        if error:
            body += f" ({error})"
        return redact(_one_line(f"summarizer: {record.levelname}: {body}"))


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time of the record (test runners swap it)."""

    summarizer_owned = True

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream)
        self._fixed = stream

    @property
    def stream(self) -> TextIO:
        return self._fixed if self._fixed is not None else sys.stderr

    @stream.setter
    def stream(self, value: TextIO | None) -> None:
        self._fixed = value


def parse_level(level: str | int | None) -> int:
    """A level name (debug, info, warning, error; any case) or number; None means warning."""
    if level is None:
        return logging.WARNING
    if isinstance(level, int):
        return level
    try:
        return LEVELS[level.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown log level {level!r}; use one of {', '.join(LEVELS)}") from None


def configure_logging(
    level: str | int | None = "warning", *, json: bool = False, stream: TextIO | None = None
) -> logging.Handler:
    """Send summarizer's records (and, quietened, those of the libraries under it) to stderr.

    Safe to call again: the handler it installed before is replaced, never stacked.
    `stream` defaults to the current sys.stderr at each write. Returns the handler.
    """
    number = parse_level(level)
    handler = _StderrHandler(stream)
    handler.setFormatter(JsonFormatter() if json else TextFormatter())
    theirs = THIRD_PARTY_LEVELS.get(number, logging.CRITICAL if number > logging.INFO else number)
    for name, wanted in [(LOGGER_NAME, number), *((n, theirs) for n in THIRD_PARTY)]:
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if getattr(h, "summarizer_owned", False)]:
            logger.removeHandler(old)
        logger.addHandler(handler)
        logger.setLevel(wanted)
        logger.propagate = False
    return handler
