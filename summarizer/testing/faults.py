"""Fault scripts for the fake OpenAI-compatible server: which request of which article fails how.

Faults are deterministic. Each article (identified by the hash of its <article> block, which
stays the same across re-asks and retries) gets a *script*: the outcomes of its 1st, 2nd, ...
request, then "ok" for ever after; a script whose last outcome ends in "!" repeats that outcome
for ever. Scripts come from `FaultPlan.scripts` (the first key that occurs in the article text
wins) or, for `FaultPlan.rate` of the remaining articles, from a seeded draw.

Outcomes: ok, slow (extra delay), rate_limit (429 + Retry-After), server_error (500),
bad_gateway (502), unavailable (503), timeout (hang past the client timeout, then drop the
connection without an answer), malformed_body (an HTTP body that is not JSON), malformed_json
(answer text that is not JSON), schema_invalid (valid JSON, wrong fields), ungrounded (right
shape, citations that do not exist), truncated (the answer cut at max_tokens and reported as
finished, as llama-cpp-python reports a cut tool call), invalid_request (a 500 whose body says
the request is invalid, as llama-cpp-python answers a validation error), echo_headers (a 400
whose error message repeats the request's headers, Authorization included, as some proxies
do), huge_answer (an invalid answer of `huge_bytes`, with a Content-Length),
huge_answer_chunked (the same, chunked, no length), long_answer (an invalid answer of 200,000
characters: under any byte cap, over what max_tokens allows).

A "timeout" never answers over HTTP: a client that is itself stalled past the hang (a busy
machine) still sees a failed request, never a late success. It once answered after the hang,
and tests/integration/test_batch_server.py failed on a loaded machine when the client's event
loop woke up to the answer before its own timer (issue 12).

Batches (/v1/batches) answer each request line with the same scripts, and have faults of
their own, one per batch in creation order (`batch_outcomes`, then "completed"): completed,
expired (only the first `batch_done_share` of the lines ran; the rest are error lines
`batch_expired`), partial (completed, but the output file lacks the last lines), failed
(the batch never ran). A batch reports "in_progress" for its first `batch_polls` retrievals.

Server-wide behaviours of real servers (issue 16), beside the per-article scripts:
`refuse_styles` answers requests in those structured-output styles (json_schema, tools,
json_object, json) with llama-cpp-python's 500; `context_window` refuses a prompt plus
max_tokens over it with a context_length_exceeded error; `advertise_context` lists the window
in /v1/models as vLLM does (max_model_len).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

OUTCOMES = frozenset(
    {
        "ok",
        "slow",
        "rate_limit",
        "server_error",
        "bad_gateway",
        "unavailable",
        "timeout",
        "malformed_body",
        "malformed_json",
        "schema_invalid",
        "ungrounded",
        "truncated",
        "invalid_request",
        "echo_headers",
        "huge_answer",
        "huge_answer_chunked",
        "long_answer",
    }
)


BATCH_OUTCOMES = frozenset({"completed", "expired", "partial", "failed"})


def always(outcome: str) -> list[str]:
    """A script that gives `outcome` to every request for the article."""
    return [f"{outcome}!"]


@dataclass
class FaultPlan:
    """What the server does: latency for everyone, and per-article fault scripts."""

    latency: float = 0.0  # seconds before every answer
    jitter: float = 0.0  # +/- this much, drawn per request from the seed
    retry_after: float = 0.05  # seconds announced in 429 answers
    hang: float = 30.0  # how long a "timeout" request stalls before answering
    slow: float = 1.0  # extra delay of a "slow" outcome
    huge_bytes: int = 5_000_000  # size of a "huge_answer" body
    scripts: dict[str, list[str]] = field(default_factory=dict)  # marker in article -> script
    rate: float = 0.0  # share of other articles that draw a script from random_scripts
    random_scripts: list[list[str]] = field(
        default_factory=lambda: [["rate_limit"], ["server_error"], ["malformed_json"]]
    )
    seed: int = 0
    model: str = "fake-model"
    batch_outcomes: list[str] = field(default_factory=list)  # per batch: see BATCH_OUTCOMES
    batch_done_share: float = 0.5  # lines that ran in an expired or partial batch
    batch_polls: int = 1  # retrievals that still show "in_progress"
    refuse_styles: list[str] = field(default_factory=list)
    context_window: int | None = None
    advertise_context: bool = False

    def __post_init__(self) -> None:
        for script in [*self.scripts.values(), *self.random_scripts]:
            for outcome in script:
                if outcome.rstrip("!") not in OUTCOMES:
                    raise ValueError(f"unknown outcome {outcome!r}; known: {sorted(OUTCOMES)}")
        for outcome in self.batch_outcomes:
            if outcome not in BATCH_OUTCOMES:
                raise ValueError(
                    f"unknown batch outcome {outcome!r}; known: {sorted(BATCH_OUTCOMES)}"
                )

    def script_for(self, article_text: str, article_key: str) -> list[str]:
        """The outcome script of one article."""
        for marker, script in self.scripts.items():
            if marker in article_text:
                return script
        if self.rate > 0:
            draw = _unit(f"{self.seed}:rate:{article_key}")
            if draw < self.rate:
                pick = int(_unit(f"{self.seed}:pick:{article_key}") * len(self.random_scripts))
                return self.random_scripts[min(pick, len(self.random_scripts) - 1)]
        return []

    def to_json(self) -> str:
        """The plan as JSON (to hand to a server subprocess)."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> FaultPlan:
        """Inverse of to_json."""
        return cls(**json.loads(text))


def _unit(text: str) -> float:
    """A deterministic number in [0, 1) from a string."""
    digest = hashlib.sha256(text.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def outcome_at(script: list[str], n: int) -> str:
    """The outcome of the n-th (0-based) request of an article under its script."""
    if n < len(script):
        return script[n].rstrip("!")
    if script and script[-1].endswith("!"):
        return script[-1].rstrip("!")
    return "ok"
