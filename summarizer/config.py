"""One typed configuration object. Precedence: argument > environment variable > default."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigError

BackendName = Literal["local", "openai"]
Mode = Literal["extractive", "abstractive"]
ArticleTypeJudge = Literal["rules", "llm"]
# How an OpenAI-compatible server is asked for JSON; see backends/servers.py for the order in
# which a refused style falls back to the next.
OpenAIMode = Literal["json_schema", "tools", "json_object", "json", "md_json"]

# Answer budgets per mode, from the answer sizes measured on the 24 eval fixtures
# (benchmarks/answer_sizes.py, SmolLM2 tokenizer): the extractive answer names the article type
# (10 tokens at most; 64 is the floor of the setting), the largest abstractive answer written
# from the labels is 930 tokens (SmolLM2 itself wrote 827 for seed 000 on llama-cpp-python's
# server): 1.7x headroom. A cut answer is retried once with double the budget.
DEFAULT_MAX_TOKENS: dict[str, int] = {"extractive": 64, "abstractive": 1536}


class Settings(BaseSettings):
    """Everything that changes what or how summarizer computes.

    Each field reads `SUMMARIZER_<NAME>` from the environment; the OpenAI key and base URL
    also read the standard `OPENAI_API_KEY` / `OPENAI_BASE_URL`. Keyword arguments win.
    """

    model_config = SettingsConfigDict(
        env_prefix="SUMMARIZER_",
        populate_by_name=True,
        extra="forbid",
        validate_default=True,
    )

    backend: BackendName | None = Field(
        default=None, description="local or openai; default: openai when a key or base URL is set"
    )
    model: str | None = Field(default=None, description="Model name; default per backend")
    model_path: Path | None = Field(default=None, description="A GGUF file for the local backend")
    base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("base_url", "SUMMARIZER_BASE_URL", "OPENAI_BASE_URL"),
    )
    api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("api_key", "SUMMARIZER_API_KEY", "OPENAI_API_KEY"),
    )
    mode: Mode | None = Field(
        default=None, description="extractive or abstractive; default: extractive on local"
    )
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    max_tokens: int | None = Field(
        default=None,
        ge=64,
        le=16_384,
        description="Answer budget in tokens; default per mode (extractive 64, abstractive 1536)",
    )
    max_attempts: int = Field(default=3, ge=1, le=10, description="Validation attempts (re-asks)")
    max_transient_retries: int = Field(default=6, ge=0, le=20)
    retry_max_wait: float = Field(default=60.0, gt=0, description="Cap on one backoff sleep (s)")
    timeout: float = Field(default=120.0, gt=0, description="Seconds per model request")
    context_tokens: int | None = Field(
        default=None,
        ge=512,
        validation_alias=AliasChoices(
            "context_tokens", "n_ctx", "SUMMARIZER_CONTEXT_TOKENS", "SUMMARIZER_N_CTX"
        ),
        description=(
            "The model's context window in tokens (alias n_ctx). Local: the window the model is "
            "loaded with (default 8192). Servers: default read from the server, else 128k"
        ),
    )
    openai_mode: OpenAIMode = Field(
        default="tools",
        description="First structured-output style to try; refused styles fall back in order",
    )
    strict: bool | None = Field(
        default=None,
        description="Send strict schemas (strict: true); default on for api.openai.com only",
    )
    n_threads: int | None = Field(default=None, ge=1)
    repeat_penalty: float = Field(default=1.1, ge=1.0, le=2.0)
    seed: int = 0
    max_input_chars: int = Field(default=2_000_000, ge=1_000)
    cache_dir: Path | None = Field(default=None, description="Response cache; unset = no cache")
    concurrency: int = Field(default=8, ge=1, le=1024)
    workers: int = Field(
        default=1, ge=1, le=64, description="Batch worker processes (server backends only)"
    )
    summary_words: int = Field(
        default=75,
        ge=20,
        le=400,
        description="Word budget of the extractive summary text (human highlights: ~50 words)",
    )
    max_key_points: int = Field(
        default=6,
        ge=3,
        le=6,
        description="Most key points per article (one per 3 sentences of prose, at least 3)",
    )
    stance_min_confidence: float = Field(
        default=0.6,
        ge=0.0,
        le=1.0,
        description="Below this confidence an actor stance is dropped and a requested "
        "target's stance becomes neutral (abstain rather than guess)",
    )
    article_type_judge: ArticleTypeJudge | None = Field(
        default=None,
        description="Who names the article type in extractive mode: the rules of "
        "summarizer/genre.py (no model call at all) or the model (one call per article). "
        "Default: rules on the local backend, llm on servers. Abstractive mode always asks "
        "the model",
    )
    log_level: Literal["debug", "info", "warning", "error"] | None = Field(
        default=None, description="Log to stderr at this level; unset: the library logs nothing"
    )
    log_json: bool = Field(default=False, description="One JSON object per log line")
    fetch_timeout: float = Field(default=30.0, gt=0, description="Seconds for fetching one URL")
    fetch_max_bytes: int = Field(
        default=10_000_000, ge=1_000, description="Largest page body fetched (after gzip)"
    )
    fetch_per_host: int = Field(default=2, ge=1, le=64, description="Fetches at once per host")
    respect_robots: bool = Field(default=False, description="Obey robots.txt when fetching URLs")
    user_agent: str | None = Field(default=None, description="User-Agent for fetching URLs")

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_level(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("model_path")
    @classmethod
    def _model_path_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.expanduser().is_file():
            raise ValueError(f"model file not found: {value}")
        return value.expanduser() if value is not None else None

    @property
    def resolved_backend(self) -> BackendName:
        """The backend in effect: explicit, else openai when a key or base URL is configured."""
        if self.backend is not None:
            return self.backend
        if self.model_path is not None:
            return "local"
        return "openai" if (self.api_key or self.base_url) else "local"

    @property
    def n_ctx(self) -> int | None:
        """The context window as the local backend names it (same value as context_tokens)."""
        return self.context_tokens

    @property
    def resolved_max_tokens(self) -> int:
        """The answer budget in effect: explicit, else the default of the mode."""
        return self.max_tokens or DEFAULT_MAX_TOKENS[self.resolved_mode]

    @property
    def resolved_mode(self) -> Mode:
        """Extractive for the small embedded model, abstractive for server-hosted models."""
        if self.mode is not None:
            return self.mode
        return "extractive" if self.resolved_backend == "local" else "abstractive"

    @property
    def resolved_article_type_judge(self) -> ArticleTypeJudge:
        """Rules on the local backend: on the labelled pages they are never less accurate than
        the embedded 135M model, which costs ~4 s per article (benchmarks/article_type.py).
        A server's model keeps the call: no server model was measured against the rules."""
        if self.article_type_judge is not None:
            return self.article_type_judge
        return "rules" if self.resolved_backend == "local" else "llm"

    def public_dict(self) -> dict[str, Any]:
        """Settings as JSON-safe data with the key masked: safe for logs and stats files."""
        data = self.model_dump(mode="json", exclude={"api_key"})
        data["api_key"] = "***" if self.api_key else None
        return data


def load_settings(**overrides: Any) -> Settings:
    """Build Settings from keyword overrides (None means 'not given') over env and defaults."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)
    except ValueError as exc:  # pydantic.ValidationError is a ValueError
        raise ConfigError(_short_validation_message(exc)) from None


def _short_validation_message(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        parts = []
        for err in errors():
            loc = ".".join(str(p) for p in err.get("loc", ())) or "settings"
            parts.append(f"{loc}: {err.get('msg')}")
        return "invalid configuration: " + "; ".join(parts)
    return f"invalid configuration: {exc}"
