"""Command-line plumbing shared by every command: option groups, settings, logging, errors.

Kept apart from cli.py so the commands read as a list of what the tool does; only cli.py
imports this module.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from .config import Settings, load_settings
from .errors import ConfigError, InputError, OutputError, SummarizerError, redact
from .events import DEFAULT
from .logs import LEVELS, configure_logging

F = TypeVar("F", bound=Callable[..., Any])


def model_options(func: F) -> F:
    """Options shared by every command that talks to a model."""
    options = [
        click.option("--backend", type=click.Choice(["local", "openai"]), help="Model backend."),
        click.option("--model", help="Model name (openai backend) or label (local)."),
        click.option(
            "--model-path",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Any GGUF file for the local backend.",
        ),
        click.option("--base-url", help="OpenAI-compatible server, e.g. http://localhost:8000/v1."),
        click.option("--mode", type=click.Choice(["extractive", "abstractive"])),
        click.option("--max-attempts", type=int, help="Validation attempts per article."),
        click.option(
            "--max-tokens",
            type=int,
            help="Answer budget in tokens (default: extractive 64, abstractive 1536).",
        ),
        click.option(
            "--context-tokens",
            type=int,
            help="The model's context window (default: local 8192; servers: as they state).",
        ),
        click.option(
            "--openai-mode",
            type=click.Choice(["json_schema", "tools", "json_object", "json", "md_json"]),
            help="First structured-output style to ask a server for (default tools); a "
            "refused one falls back to the next in this order.",
        ),
        click.option(
            "--strict/--no-strict",
            default=None,
            help="Strict schemas (strict: true); default: on for api.openai.com only.",
        ),
        click.option(
            "--article-type-judge",
            type=click.Choice(["rules", "llm"]),
            help="Extractive mode: the article type by rules (no model call) or by the model "
            "(default: rules on the local backend, llm on servers).",
        ),
        click.option(
            "--stance-min-confidence",
            type=float,
            help="Below this confidence an actor stance is left out and a requested target's "
            "stance becomes neutral (default 0.6).",
        ),
        click.option(
            "--summary-words", type=int, help="Word budget of the extractive summary (75)."
        ),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="Response cache folder.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


_SETTING_OPTIONS = (
    "backend", "model", "model_path", "base_url", "mode", "max_attempts", "cache_dir",
    "concurrency", "workers", "respect_robots", "max_tokens", "context_tokens", "openai_mode",
    "strict", "article_type_judge", "stance_min_confidence", "summary_words",
)  # fmt: skip
_LOG_META = "summarizer.log"


def settings_from(**kwargs: Any) -> Settings:
    given = {k: kwargs.get(k) for k in _SETTING_OPTIONS}
    ctx = click.get_current_context(silent=True)
    level, as_json = ctx.meta.get(_LOG_META, (None, None)) if ctx is not None else (None, None)
    return load_settings(**given, log_level=level, log_json=as_json)


def log_options(func: F) -> F:
    """--log-level and --log-json for a command; logging is set up before the command runs.

    Precedence as for every setting: the flag, else SUMMARIZER_LOG_LEVEL / SUMMARIZER_LOG_JSON,
    else warnings and errors only, one line each.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, log_level: str | None, log_json: bool, **kwargs: Any) -> Any:
        level = log_level or os.environ.get("SUMMARIZER_LOG_LEVEL") or "warning"
        env_json = os.environ.get("SUMMARIZER_LOG_JSON", "").strip().lower()
        as_json = log_json or env_json in {"1", "true", "yes", "on"}
        try:
            configure_logging(level, json=as_json)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="SUMMARIZER_LOG_LEVEL") from None
        click.get_current_context().meta[_LOG_META] = (level.lower(), as_json)
        return func(*args, **kwargs)

    wrapper = click.option(
        "--log-json", is_flag=True, help="Log one JSON object per event (to stderr)."
    )(wrapper)
    level_option = click.option(
        "--log-level",
        type=click.Choice(list(LEVELS), case_sensitive=False),
        help="Log events at this level and above to stderr (default: warning).",
    )
    return level_option(wrapper)  # type: ignore[return-value]


def json_logs() -> bool:
    """Whether this command logs JSON (then stderr carries nothing else)."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(_LOG_META, (None, False))[1])


def fail(kind: str, text: str, code: int) -> None:
    """One line on stderr (a JSON event under --log-json), then exit with `code`."""
    if json_logs():
        DEFAULT.emit("command.failed", text, level=logging.ERROR, error_type=kind, exit_code=code)
    else:
        click.echo(redact(f"summarizer: {text}"), err=True)  # a server may echo the key
    sys.exit(code)


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Turn library errors into one clear line on stderr and a distinct exit status."""
    try:
        yield
    except OutputError as exc:
        fail(exc.kind, f"output: {exc}", 2)
    except ConfigError as exc:
        fail(exc.kind, f"configuration error: {exc}", 2)
    except InputError as exc:
        fail(exc.kind, f"bad input: {exc}", 3)
    except SummarizerError as exc:
        fail(exc.kind, f"{exc.kind}: {exc}", 4)
    except KeyboardInterrupt:
        fail("interrupted", "interrupted", 130)
