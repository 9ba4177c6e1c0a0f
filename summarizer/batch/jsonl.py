"""Crash-safe JSONL output: whole-line appends, partial-line repair, the resume index, compaction.

The output file is only ever appended to, one complete line per `os.write` on an O_APPEND
descriptor, so after `kill -9` every complete line is a whole row and at most the last line
is cut short. `repair_partial_line` drops such a tail before the next run appends to the file;
`scan_output` builds the index that resume uses; `compact` rewrites the file atomically when
rows were superseded (by --force, --retry-errors or a changed input), so each id ends up
exactly once.

An existing file that is not this tool's JSONL is refused before a byte of it changes:
`scan_output` raises OutputError (issue 12: a notes file given as the output was emptied).
Locking, streams and the file a run holds are in `output.py`.
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

from ..errors import OutputError

# How often (seconds) the writer asks the OS to put written rows on disk. kill -9 loses
# nothing that os.write returned from; fsync only matters for power loss, so it is batched.
_FSYNC_INTERVAL = 5.0
_TAIL_CHUNK = 1 << 16

# Every row this tool writes starts with these bytes (BatchItem's first field), with or
# without a space after the colon; a torn last line that does not is someone else's text.
_ROW_START = (b'{"id":', b'{"id" :', b'{"id": ')
# Ways a row's status can read; a JSON object with an id but another status is not a row.
_STATUSES = frozenset({"ok", "error"})

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


def parse_row(raw: bytes) -> dict[str, Any] | None:
    """One output line as a row of ours ({"id": str, "status": "ok" | "error", ...}), else None.

    Never raises: a line nested thousands deep is "not a row", not a RecursionError.
    """
    try:
        obj = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if isinstance(obj, dict) and isinstance(obj.get("id"), str) and obj.get("status") in _STATUSES:
        return obj
    return None


def iter_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | None]]:
    """Each line of a JSONL file as (line number, parsed row or None when not a row of ours)."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            yield number, parse_row(raw)


def _torn_row(tail: bytes) -> bool:
    """Whether a last line without its newline can be the start of a row cut by a crash."""
    head = tail[:7]
    return any(start.startswith(head) or head.startswith(start) for start in _ROW_START)


def scan_output(path: Path) -> OutputIndex:
    """Index the rows of an existing output file, then repair a torn last line.

    Raises OutputError, before changing anything, when the file holds lines that are not rows
    of this tool (a notes file, another tool's JSONL, binary data): resume would otherwise
    count them as damage and compaction would delete them. Blank lines are tolerated.
    """
    index = OutputIndex()
    if not path.exists():
        return index
    foreign: list[int] = []
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            index.lines = number
            if not raw.endswith(b"\n"):  # the last line, cut short: ours only if it looks it
                index.lines = number - 1
                if not _torn_row(raw.lstrip()):
                    foreign.append(number)
                break
            row = parse_row(raw)
            if row is None:
                if raw.strip():
                    foreign.append(number)
                    if len(foreign) >= 3:
                        break  # enough to refuse; no need to read a large foreign file
                index.invalid_lines += 1
                index.stale_lines.add(number)
                continue
            row_id = row["id"]
            index.supersede(row_id)  # a later row of the same id replaces the earlier one
            key = row_key(row)
            digest = key_digest(key) if key is not None else None
            index.rows[row_id] = RowInfo(line=number, ok=row.get("status") == "ok", key=digest)
    if foreign:
        where = ", ".join(str(n) for n in foreign[:3])
        lines = (
            f"lines {where} are not summarizer rows"
            if len(foreign) > 1
            else (f"line {where} is not a summarizer row")
        )
        raise OutputError(
            f"{path} exists and is not a summarizer output ({lines}); it was left untouched. "
            "Choose another --output, or move the file away (--force redoes rows, it never "
            "overwrites other files)"
        )
    index.repaired_bytes = repair_partial_line(path)
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
    """Appends whole lines to a file, each in one write, visible to readers as soon as written.

    Given a path it opens (and owns) an O_APPEND descriptor; given `fd` it writes to that
    descriptor and leaves closing it to its owner. `sync=False` (streams: stdout, a pipe,
    /dev/null) never calls fsync, which such files refuse.
    """

    def __init__(self, path: Path, *, fd: int | None = None, sync: bool = True) -> None:
        self.path = path
        self._owns_fd = fd is None
        if fd is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._fd: int | None = fd
        self._sync = sync
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
        if not self._sync:
            return
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
            if self._sync:
                os.fsync(fd)
        finally:
            if self._owns_fd:
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
    """Write a small JSON file so it is either the old or the new content, never half.

    A path that exists and is not a regular file (/dev/null, /dev/stdout, a pipe) is written
    to directly: replacing it would put a regular file where a device was (as root, that
    replaced /dev/null). An OSError becomes an OutputError (exit status 2, no traceback).
    """
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        if path.exists() and not path.is_file() and not path.is_dir():
            with open(path, "w", encoding="utf-8") as stream:
                stream.write(text)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write the file {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write the file {path}: {exc.strerror}") from None
        raise
