"""Planning a batch: this shard's inputs, duplicate ids, bad rows and finished work skipped."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import ConfigError, InputError
from ..events import DEFAULT, Emitter
from ..inputs import InputItem
from .jsonl import OutputIndex, RunKey, key_digest
from .rows import BatchItem, WorkItem, error_row, run_key
from .stats import BatchStats

# A job to run, or a row that is already decided (an input error, a duplicate id).
Work = WorkItem | BatchItem


@dataclass(frozen=True)
class BatchOptions:
    """How a batch treats existing output, the cache, sharding and the terminal."""

    force: bool = False
    retry_errors: bool = False
    use_cache: bool = True
    shard: tuple[int, int] | None = None
    default_targets: tuple[str, ...] = ()
    stats_json: Path | None = None
    progress: bool | None = None


def is_done(index: OutputIndex | None, row_id: str, key: RunKey, options: BatchOptions) -> bool:
    """Whether the output already holds a row for this id that this run would reproduce."""
    if index is None or options.force:
        return False
    info = index.rows.get(row_id)
    if info is None or info.key != key_digest(key):
        return False
    return info.ok or not options.retry_errors


def redo_reason(
    index: OutputIndex | None, row_id: str, key: RunKey, options: BatchOptions
) -> str | None:
    """Why an id the output already holds is analysed again (None: the output has no row)."""
    info = index.rows.get(row_id) if index is not None else None
    if info is None:
        return None
    if options.force:
        return "forced"
    if info.key != key_digest(key):
        return "changed"  # the input, or the prompt, schema, model or mode
    return "retry_errors" if not info.ok else None


def plan(
    items: Iterator[InputItem],
    *,
    fingerprint: dict[str, Any],
    options: BatchOptions,
    max_chars: int,
    stats: BatchStats,
    index: OutputIndex | None = None,
    events: Emitter | None = None,
) -> Iterator[Work]:
    """Filter the input to this shard, reject duplicates and bad rows, skip finished work.

    Resume decisions are events (resume.skipped, resume.redo), and so is every error row
    decided here (article.failed): with the pipeline's events, one per row written.
    """
    events = events or DEFAULT
    for work in _plan(items, fingerprint, options, max_chars, stats, index, events):
        if isinstance(work, BatchItem):
            error = work.error or {}
            events.emit(
                "article.failed",
                f"{error.get('type')}: {error.get('message')}",
                level=logging.WARNING,
                article_id=work.id,
                error_type=str(error.get("type")),
                attempt=0,
                source=error.get("source"),
            )
        yield work


def _skip(events: Emitter, stats: BatchStats, row_id: str, source: str) -> None:
    stats.skipped += 1
    events.emit(
        "resume.skipped",
        "already in the output with the same input and configuration",
        article_id=row_id,
        source=source,
    )


def _plan(
    items: Iterator[InputItem],
    fingerprint: dict[str, Any],
    options: BatchOptions,
    max_chars: int,
    stats: BatchStats,
    index: OutputIndex | None,
    events: Emitter,
) -> Iterator[Work]:
    # Ids seen so far: the one structure that grows with the input (tens of bytes per id).
    seen: set[str] = set()
    for item in items:
        if options.shard is not None and shard_of(item.id, options.shard[1]) != options.shard[0]:
            stats.other_shard += 1
            continue
        if item.id in seen:
            # The duplicate gets a row id of its own so each id in the output stays unique.
            row_id = f"{item.id}@{item.source}"
            key = run_key(fingerprint, item.input_hash())
            if is_done(index, row_id, key, options):
                _skip(events, stats, row_id, item.source)
                continue
            message = f"{item.source}: duplicate id {item.id!r}; the first occurrence was used"
            error = {"type": "duplicate_id", "message": message, "attempts": 0}
            yield _claim(index, error_row(row_id, error, item.source, key))
            continue
        seen.add(item.id)
        try:
            article = item.build(default_targets=options.default_targets, max_chars=max_chars)
        except InputError as exc:
            key = run_key(fingerprint, item.input_hash())
            if not is_done(index, item.id, key, options):
                message = exc.message
                if not message.startswith(item.source):
                    message = f"{item.source}: {message}"
                error = {**exc.to_dict(), "message": message}
                yield _claim(index, error_row(item.id, error, item.source, key))
            else:
                _skip(events, stats, item.id, item.source)
            continue
        except Exception as exc:  # a bug in a reader (e.g. the HTML extractor): still one row
            key = run_key(fingerprint, item.input_hash())
            error = {"type": "internal_error", "message": f"{type(exc).__name__}: {exc}"}
            yield _claim(index, error_row(item.id, error, item.source, key))
            continue
        if article.id != item.id:  # an Article made without an id is named by its content
            article = replace(article, id=item.id)
        key = run_key(fingerprint, article.sha256)
        if is_done(index, item.id, key, options):
            _skip(events, stats, item.id, item.source)
            continue
        reason = redo_reason(index, item.id, key, options)
        if reason is not None:
            events.emit(
                "resume.redo", f"in the output already; analysed again ({reason})",
                article_id=item.id, reason=reason, source=item.source,
            )  # fmt: skip
        if index is not None:
            index.supersede(item.id)
        yield WorkItem(id=item.id, source=item.source, article=article)


def _claim(index: OutputIndex | None, row: BatchItem) -> BatchItem:
    """Mark any older row of the same id as superseded by this one."""
    if index is not None:
        index.supersede(row.id)
    return row


def parse_shard(spec: str) -> tuple[int, int]:
    """Parse "I/N" (0 <= I < N) into (I, N); raises ConfigError otherwise."""
    parts = spec.strip().split("/")
    try:
        if len(parts) != 2:
            raise ValueError
        index, count = int(parts[0]), int(parts[1])
    except ValueError:
        raise ConfigError(f"--shard must look like I/N (e.g. 0/4), got {spec!r}") from None
    if count < 1 or not 0 <= index < count:
        raise ConfigError(f"--shard {spec}: need 0 <= I < N and N >= 1")
    return index, count


def shard_of(item_id: str, count: int) -> int:
    """The shard (0..count-1) an id belongs to: a stable hash, the same on every machine."""
    digest = hashlib.blake2b(item_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count
