"""DiskCache: round trips, misses, corruption, odd keys, and concurrent writers in processes."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from summarizer.cache import Cache, DiskCache, default_cache_dir


def test_round_trip_and_miss(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    assert cache.get("k1") is None
    cache.put("k1", {"answer": [1, 2, 3], "text": "naïve ✓"})
    assert cache.get("k1") == {"answer": [1, 2, 3], "text": "naïve ✓"}
    assert "k1" in cache and "k2" not in cache
    assert (cache.hits, cache.misses, cache.writes) == (1, 1, 1)
    assert isinstance(cache, Cache)


def test_overwrite_keeps_latest(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    cache.put("k", {"v": 1})
    cache.put("k", {"v": 2})
    assert cache.get("k") == {"v": 2}
    # A fresh instance on the same folder (another process, a later run) sees it too.
    assert DiskCache(tmp_path).get("k") == {"v": 2}


def test_entries_are_sharded_and_leave_no_temp_files(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    for i in range(50):
        cache.put(f"key-{i}", {"i": i})
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) == 50
    assert all(p.suffix == ".json" and not p.name.startswith(".") for p in files)
    assert all(len(p.relative_to(tmp_path).parts) == 4 for p in files)  # v1/ab/cd/<hash>.json


@pytest.mark.parametrize("key", ["../../etc/passwd", "a/b\\c", "", "ключ", "x" * 5000, "nul\0byte"])
def test_any_key_string_is_safe(tmp_path: Path, key: str) -> None:
    root = tmp_path / "c"
    cache = DiskCache(root)
    cache.put(key, {"ok": True})
    assert cache.get(key) == {"ok": True}
    assert all(p.resolve().is_relative_to(root.resolve()) for p in tmp_path.rglob("*"))


def test_corrupt_or_foreign_entries_are_misses(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    cache.put("k", {"v": 1})
    entry = cache._file("k")
    garbage_entries = [
        b"",
        b'{"key": "k", "value": {"v": ',
        b"\xff\xfe\x00",
        b"[1, 2]",
        b'{"key": "other", "value": {"v": 1}}',
        b'{"key": "k", "value": [1]}',
    ]
    for garbage in garbage_entries:
        entry.write_bytes(garbage)
        assert cache.get("k") is None
    cache.put("k", {"v": 3})  # a corrupt entry is simply replaced
    assert cache.get("k") == {"v": 3}


def test_leftover_temp_file_from_a_killed_writer_is_harmless(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    cache.put("k", {"v": 1})
    (cache._file("k").parent / ".tmp-dead.json").write_text('{"key": "k", "val')
    assert cache.get("k") == {"v": 1}
    assert cache.clear() == 2
    assert cache.get("k") is None


def test_write_failure_is_swallowed(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = DiskCache(blocker)  # the cache root is a regular file: mkdir fails
    cache.put("k", {"v": 1})
    assert cache.get("k") is None


def test_default_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "summarizer" / "responses"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path.home() / ".cache" / "summarizer" / "responses"


def _hammer(root: str, worker: int, rounds: int) -> int:
    """Write and read one shared key many times; count reads that were not a whole value."""
    cache = DiskCache(Path(root))
    bad = 0
    big = "x" * 200_000  # large enough that a non-atomic write would be seen half done
    for i in range(rounds):
        cache.put("shared", {"worker": worker, "i": i, "blob": big})
        value = cache.get("shared")
        if value is None or value.get("blob") != big:
            bad += 1
    return bad


def test_concurrent_writers_in_processes_never_expose_torn_entries(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(3) as pool:
        results = pool.starmap(_hammer, [(str(tmp_path), w, 60) for w in range(3)])
    assert results == [0, 0, 0]
    assert DiskCache(tmp_path).get("shared") is not None
    assert not list(tmp_path.rglob(".tmp-*"))
