"""Crash-safe JSONL output: whole-line appends, partial-line repair, the resume index, compaction.

The output file is only ever appended to, one complete line per `os.write` on an O_APPEND
descriptor, so after `kill -9` every complete line is a whole row and at most the last line
is cut short. `repair_partial_line` drops such a tail before the next run appends to the file;
`scan_output` builds the index that resume uses; `compact` rewrites the file atomically when
rows were superseded (by --force, --retry-errors or a changed input), so each id ends up
exactly once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

# How often (seconds) the writer asks the OS to put written rows on disk. kill -9 loses
# nothing that os.write returned from; fsync only matters for power loss, so it is batched.
_FSYNC_INTERVAL = 5.0
_TAIL_CHUNK = 1 << 16

# What makes two runs "the same" for resume: the input's hash, then the run's identity.
RunKey = tuple[str | None, str | None, str | None, str | None, str | None]
KEY_FIELDS = ("input_sha256", "prompt_version", "schema_version", "model", "mode")


def repair_partial_line(path: Path) -> int:
    """Truncate a trailing line that lacks its newline (a write cut by a crash).

    Returns the number of bytes dropped (0 when the file is missing, empty or whole).
    """
    try:
        handle = open(path, "r+b")  # noqa: SIM115 - closed below; needs truncate on the handle
    except FileNotFoundError:
        return 0
    with handle:
        size = handle.seek(0, os.SEEK_END)
        if size == 0:
            return 0
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return 0
        # Walk back in chunks to the last newline; everything after it is the torn row.
        end = size
        keep = 0
        while end > 0:
            start = max(0, end - _TAIL_CHUNK)
            handle.seek(start)
            chunk = handle.read(end - start)
            newline = chunk.rfind(b"\n")
            if newline >= 0:
                keep = start + newline + 1
                break
            end = start
        handle.truncate(keep)
        handle.flush()
        os.fsync(handle.fileno())
        return size - keep


def key_digest(key: RunKey) -> bytes:
    """A 16-byte digest of a resume key: what the index keeps per row, instead of five strings
    (about a tenth of the memory; a collision at 2**-128 is not a practical concern)."""
    blob = "\x1f".join("\x00" if v is None else v for v in key)
    return hashlib.blake2b(blob.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def row_key(row: dict[str, Any]) -> RunKey | None:
    """The resume key of an output row: from the result's provenance, or from an error row."""
    source: Any
    if row.get("status") == "ok":
        result = row.get("result")
        source = result.get("provenance") if isinstance(result, dict) else None
    else:
        source = row.get("error")
    if not isinstance(source, dict):
        return None
    values = tuple(source.get(name) for name in KEY_FIELDS)
    if not all(v is None or isinstance(v, str) for v in values):
        return None
    return values  # type: ignore[return-value]


@dataclass(slots=True)
class RowInfo:
    """What resume needs to know about one id's latest row in the output."""

    line: int  # 1-based line number in the output file
    ok: bool
    key: bytes | None  # key_digest of the row's resume key


@dataclass
class OutputIndex:
    """The rows already in an output file, by id (the last row of an id wins)."""

    rows: dict[str, RowInfo] = field(default_factory=dict)
    # Line numbers that must go at the next compaction: superseded rows and unreadable lines.
    stale_lines: set[int] = field(default_factory=set)
    lines: int = 0
    invalid_lines: int = 0
    repaired_bytes: int = 0

    def supersede(self, article_id: str) -> None:
        """Mark the current row of an id as replaced by a row about to be written."""
        info = self.rows.pop(article_id, None)
        if info is not None:
            self.stale_lines.add(info.line)

    def __len__(self) -> int:
        return len(self.rows)


def iter_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | None]]:
    """Each line of a JSONL file as (line number, parsed object or None when unusable)."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            try:
                obj = json.loads(raw)
            except ValueError:
                yield number, None
                continue
            ok = isinstance(obj, dict) and isinstance(obj.get("id"), str)
            yield number, obj if ok else None


def scan_output(path: Path) -> OutputIndex:
    """Repair a torn last line, then index the rows of an existing output file."""
    index = OutputIndex(repaired_bytes=repair_partial_line(path))
    if not path.exists():
        return index
    for number, row in iter_rows(path):
        index.lines = number
        if row is None:
            index.invalid_lines += 1
            index.stale_lines.add(number)
            continue
        row_id = row["id"]
        index.supersede(row_id)  # a later row of the same id replaces the earlier one
        key = row_key(row)
        digest = key_digest(key) if key is not None else None
        index.rows[row_id] = RowInfo(line=number, ok=row.get("status") == "ok", key=digest)
    return index


def compact(path: Path, drop_lines: set[int]) -> int:
    """Rewrite path without the given (1-based) lines, atomically; return lines dropped."""
    if not drop_lines or not path.exists():
        return 0
    dropped = 0
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
            for number, raw in enumerate(src, 1):
                if number in drop_lines or not raw.endswith(b"\n"):
                    dropped += 1
                    continue
                out.write(raw)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp_name, os.stat(path).st_mode & 0o777)
        # A crash before this line leaves the original untouched (plus a stray temp file);
        # after it, the compacted file. Never a mix.
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    return dropped


class JsonlWriter:
    """Appends whole lines to a file, each in one write, visible to readers as soon as written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd: int | None = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._last_sync = time.monotonic()
        self.written = 0

    def write_line(self, line: str) -> None:
        """Append one row; `line` must be a single line of JSON without its newline."""
        if self._fd is None:
            raise ValueError("write to a closed JsonlWriter")
        if "\n" in line or "\r" in line:
            # JSON encoders escape these inside strings; a raw one means a bug upstream.
            raise ValueError("a JSONL row must not contain a raw line break")
        data = (line + "\n").encode("utf-8")
        view = memoryview(data)
        while view:
            # One call nearly always writes it all; loop for the rare short write.
            written = os.write(self._fd, view)
            view = view[written:]
        self.written += 1
        now = time.monotonic()
        if now - self._last_sync >= _FSYNC_INTERVAL:
            os.fsync(self._fd)
            self._last_sync = now

    def close(self) -> None:
        """Flush to disk and close (idempotent)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write a small JSON file so it is either the old or the new content, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
