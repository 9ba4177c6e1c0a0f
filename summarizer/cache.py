"""A content-addressed response cache on disk: one JSON file per key, written atomically.

Entries live at `<root>/<h[:2]>/<h[2:4]>/<h>.json` where `h` is the SHA-256 of the key, so
any key string is safe as a file name and no folder grows past a few thousand files. A write
goes to a temporary file in the same folder and is renamed over the entry with os.replace,
so readers in any process see either the old entry, the new one, or none: never a torn file,
not even after `kill -9`. An entry that cannot be read or parsed is treated as a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

# Bumped if the file layout ever changes, so an old cache folder is simply not seen.
_LAYOUT = "v1"


@runtime_checkable
class Cache(Protocol):
    """What the pipeline needs from a response cache."""

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored value for key, or None on a miss."""

    def put(self, key: str, value: dict[str, Any]) -> None:
        """Store value under key (overwriting any older value)."""


def default_cache_dir() -> Path:
    """`$XDG_CACHE_HOME/summarizer/responses`, else `~/.cache/summarizer/responses`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "summarizer" / "responses"


class DiskCache:
    """Content-addressed JSON cache in a folder; safe to share between processes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path).expanduser()
        self.root = self.path / _LAYOUT
        self.hits = 0
        self.misses = 0
        self.writes = 0

    def __repr__(self) -> str:
        return f"DiskCache({str(self.path)!r})"

    def _file(self, key: str) -> Path:
        """The entry file for a key."""
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        return self.root / digest[:2] / digest[2:4] / f"{digest}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored value for key, or None when absent, unreadable or corrupt."""
        try:
            data = self._file(key).read_bytes()
            entry = json.loads(data)
        except (OSError, ValueError):  # missing file, torn/garbled JSON, bad UTF-8
            self.misses += 1
            return None
        # The key is stored with the value, so a (practically impossible) hash collision or a
        # file copied into the wrong place reads as a miss rather than as someone else's answer.
        if not isinstance(entry, dict) or entry.get("key") != key:
            self.misses += 1
            return None
        value = entry.get("value")
        if not isinstance(value, dict):
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: dict[str, Any]) -> None:
        """Store value under key atomically; a failure to write is not an error for the caller."""
        target = self._file(key)
        payload = json.dumps({"key": key, "value": value}, ensure_ascii=False)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=target.parent)
        except OSError:
            return  # a read-only or full disk costs a cache miss later, never a failed article
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
            os.replace(tmp_name, target)
            self.writes += 1
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._file(key).is_file()

    def clear(self) -> int:
        """Delete every entry; return how many were removed."""
        removed = 0
        if not self.root.is_dir():
            return 0
        for entry in self.root.glob("*/*/*.json"):
            with contextlib.suppress(OSError):
                entry.unlink()
                removed += 1
        return removed
