"""The small state file of a Batch API run: what was sent, under which configuration, where.

It holds no article text and no key: the inputs are re-read at collect time (their hashes
here prove they did not change), and each request's `custom_id` carries the article id, the
run digest and the article's own hash, so an answer is only ever matched to the very input
and configuration it was asked for.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..errors import ConfigError
from ..inputs import Article

STATE_VERSION = 1
# Batch states after which nothing more will change (OpenAI's Batch API vocabulary).
TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})


class Part(BaseModel):
    """One request file and, through the Files API, one provider batch."""

    model_config = ConfigDict(extra="ignore")

    index: int
    request_file: str
    requests: int
    bytes: int
    file_id: str | None = None
    batch_id: str | None = None
    status: str = "prepared"  # the provider's batch status once submitted
    output_file_id: str | None = None
    error_file_id: str | None = None
    counts: dict[str, int] = Field(default_factory=dict)  # total, completed, failed
    result_files: list[str] = Field(default_factory=list)  # downloaded or imported


class InputRecord(BaseModel):
    """An input path as given, and the hash of what it held at submit time."""

    path: str
    sha256: str


class BatchState(BaseModel):
    """Everything collect needs besides the inputs themselves and the API key."""

    model_config = ConfigDict(extra="ignore")

    version: int = STATE_VERSION
    kind: Literal["api", "export"]
    created: float
    digest: str  # the run digest in every custom_id
    fingerprint: dict[str, str]
    settings: dict[str, Any]  # Settings.public_dict() minus the key
    options: dict[str, Any]  # shard, default targets
    inputs: list[InputRecord]
    parts: list[Part] = Field(default_factory=list)
    requests: int = 0
    skipped: int = 0  # already done in the output named at submit time
    cached: int = 0  # answered by the response cache: nothing sent
    output: str | None = None  # the output named at submit time, collect's default

    def pending(self) -> list[Part]:
        """Submitted parts whose batch has not reached a final state."""
        return [p for p in self.parts if p.batch_id and p.status not in TERMINAL]


def save_state(path: Path, state: BatchState) -> None:
    """Write the state atomically: the old content or the new, never half of either."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(state.model_dump_json(indent=2) + "\n")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def load_state(path: Path) -> BatchState:
    """Read a state file; ConfigError when it is missing or not one of ours."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        state = BatchState.model_validate(data)
    except FileNotFoundError:
        raise ConfigError(f"no batch state file at {path}") from None
    except ValueError as exc:
        raise ConfigError(f"{path} is not a batch state file: {str(exc)[:200]}") from None
    if state.version != STATE_VERSION:
        raise ConfigError(f"{path}: state version {state.version}, expected {STATE_VERSION}")
    return state


def run_digest(fingerprint: dict[str, str], params: dict[str, Any]) -> str:
    """12 hex digits naming the run: backend, model, mode, prompt, schema and call parameters."""
    blob = json.dumps({"fingerprint": fingerprint, "params": params}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def custom_id(article: Article, digest: str) -> str:
    """The request's id: article id, run digest and the article's own hash (12 hex each)."""
    return f"{article.id}#{digest}.{article.sha256[:12]}"


def hash_input(path: str) -> str:
    """SHA-256 of an input file, or of a folder's files (relative names and contents)."""
    root = Path(path)
    digest = hashlib.sha256()
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
    for file in files:
        digest.update(str(file.relative_to(root) if root.is_dir() else file.name).encode())
        digest.update(b"\0")
        with open(file, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


def check_inputs_unchanged(state: BatchState) -> None:
    """ConfigError when an input differs from what was submitted (its answers would not fit)."""
    for record in state.inputs:
        if not Path(record.path).exists():
            raise ConfigError(f"input {record.path} is gone; collect re-reads the inputs")
        if hash_input(record.path) != record.sha256:
            raise ConfigError(
                f"input {record.path} changed since it was submitted; its answers no longer "
                "match it (submit again, or restore the input)"
            )
