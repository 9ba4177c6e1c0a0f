"""Batch statistics: counts, tokens, estimated cost and speed, as text and as JSON."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..errors import redact

# USD per 1M tokens (input, output) at OpenAI's standard list prices when this table was
# last checked. An estimate only: it ignores cached-input discounts and the Batch API.
PRICES_PER_MTOK: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "o4-mini": (1.10, 4.40),
    "gpt-5": (1.25, 10.00),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5-nano": (0.05, 0.40),
}
# Dated snapshots ("gpt-4o-mini-2024-07-18") cost what their family does.
_SNAPSHOT = re.compile(r"-\d{4}-\d{2}-\d{2}$")


def price_for(model: str) -> tuple[float, float] | None:
    """(input, output) USD per 1M tokens for a known OpenAI model, else None."""
    name = model.strip().lower().removeprefix("openai/")
    return PRICES_PER_MTOK.get(_SNAPSHOT.sub("", name))


def estimate_cost(
    backend: str, model: str, prompt_tokens: int, completion_tokens: int
) -> float | None:
    """Estimated USD for the tokens: 0 on the local backend, None for an unknown model."""
    if backend == "local":
        return 0.0
    price = price_for(model)
    if price is None:
        return None
    return (prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000


@dataclass(frozen=True, slots=True)
class RowOutcome:
    """What the statistics need from one output row (small enough to pass between processes)."""

    ok: bool
    error_type: str | None = None
    cached: bool = False
    attempts: int = 0
    transient_retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @classmethod
    def from_row(cls, ok: bool, provenance: Any, error: dict[str, Any] | None) -> RowOutcome:
        """From a result's provenance (ok rows) or an error row's error object."""
        if ok:
            return cls(
                ok=True,
                cached=bool(getattr(provenance, "cached", False)),
                attempts=int(getattr(provenance, "attempts", 0) or 0),
                transient_retries=int(getattr(provenance, "transient_retries", 0) or 0),
                prompt_tokens=int(getattr(provenance, "prompt_tokens", 0) or 0),
                completion_tokens=int(getattr(provenance, "completion_tokens", 0) or 0),
            )
        error = error or {}
        return cls(
            ok=False,
            error_type=str(error.get("type") or "error"),
            attempts=int(error.get("attempts") or 0),
            prompt_tokens=int(error.get("prompt_tokens") or 0),
            completion_tokens=int(error.get("completion_tokens") or 0),
        )


@dataclass
class BatchStats:
    """What one batch run did; `render()` is the end-of-run summary, `to_dict()` its JSON."""

    backend: str = ""
    model: str = ""
    output: str | None = None
    shard: tuple[int, int] | None = None
    wall_seconds: float = 0.0
    ok: int = 0
    failed: int = 0
    skipped: int = 0  # already done in the output with the same input and run
    other_shard: int = 0  # read but left to another shard
    errors_by_type: Counter[str] = field(default_factory=Counter)
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    attempts: int = 0
    transient_retries: int = 0
    notes: list[str] = field(default_factory=list)

    def record(self, outcome: RowOutcome) -> None:
        """Count one written row."""
        if outcome.ok:
            self.ok += 1
            if outcome.cached:  # served from the cache: no model call, no cost this run
                self.cached += 1
                return
        else:
            self.failed += 1
            self.errors_by_type[outcome.error_type or "error"] += 1
        self.prompt_tokens += outcome.prompt_tokens
        self.completion_tokens += outcome.completion_tokens
        self.attempts += outcome.attempts
        self.transient_retries += outcome.transient_retries

    @property
    def processed(self) -> int:
        """Articles that got a new row this run."""
        return self.ok + self.failed

    @property
    def articles_per_second(self) -> float:
        """Throughput over the wall time of the run."""
        return self.processed / self.wall_seconds if self.wall_seconds > 0 else 0.0

    @property
    def cost_usd(self) -> float | None:
        """Estimated spend of this run's model calls; None when the model's price is unknown."""
        return estimate_cost(self.backend, self.model, self.prompt_tokens, self.completion_tokens)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe statistics (what --stats-json writes)."""
        return {
            "backend": self.backend,
            "model": self.model,
            "output": self.output,
            "shard": f"{self.shard[0]}/{self.shard[1]}" if self.shard else None,
            "articles": {
                "ok": self.ok,
                "failed": self.failed,
                "skipped_done": self.skipped,
                "other_shards": self.other_shard,
                "cached": self.cached,
            },
            "errors_by_type": dict(sorted(self.errors_by_type.items())),
            "tokens": {"prompt": self.prompt_tokens, "completion": self.completion_tokens},
            "model_attempts": self.attempts,
            "transient_retries": self.transient_retries,
            "cost_usd": None if self.cost_usd is None else round(self.cost_usd, 6),
            "wall_seconds": round(self.wall_seconds, 3),
            "articles_per_second": round(self.articles_per_second, 3),
            "notes": [redact(note) for note in self.notes],
        }

    def render(self) -> str:
        """The human summary printed at the end of a batch."""
        lines = [
            f"batch: {self.processed:,} articles in {self.wall_seconds:.1f} s "
            f"({self.articles_per_second:.1f} articles/s)"
        ]
        failed = f"{self.failed:,} failed"
        if self.errors_by_type:
            kinds = ", ".join(f"{k} {n:,}" for k, n in sorted(self.errors_by_type.items()))
            failed += f" ({kinds})"
        counts = f"  ok {self.ok:,}, {failed}"
        if self.skipped:
            counts += f", {self.skipped:,} skipped (already done)"
        if self.other_shard:
            counts += f", {self.other_shard:,} left to other shards"
        lines.append(counts)
        cost = self.cost_usd
        if cost is None:
            cost_text = f"cost unknown (no price for model {self.model!r})"
        elif self.backend == "local":
            cost_text = "cost $0 (local model)"
        else:
            cost_text = f"estimated cost ${cost:,.4f} ({self.model})"
        lines.append(
            f"  tokens: {self.prompt_tokens:,} in, {self.completion_tokens:,} out; {cost_text}"
        )
        if self.cached or self.transient_retries:
            cache_note = f"{self.cached:,} answers from cache"
            lines.append(f"  {cache_note}; {self.transient_retries:,} transient retries")
        if self.output:
            lines.append(f"  output: {self.output}")
        lines.extend(f"  note: {redact(note)}" for note in self.notes)
        return "\n".join(lines)
