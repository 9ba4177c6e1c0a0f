"""The output file a batch run holds: checked, locked for the run, or streamed.

Issue 12 found three ways a run could lose data or never end here: two runs on one output
both appended (600 rows, every id twice); `-o /dev/full` was read without end (13 GB
resident) and `-o /dev/null` ended in an fsync traceback; `-o -` wrote a file named "-".
So a regular output is locked with an exclusive `flock` for the whole run, compaction
included, and anything that is not a regular file is a stream: written to, never read.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path
from types import TracebackType

from ..errors import OutputError
from .jsonl import JsonlWriter, OutputIndex, compact, scan_output

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows; the lock is then skipped
    fcntl = None  # type: ignore[assignment]

# The name that means standard output (streamed: nothing to resume from, nothing to lock).
STDOUT_NAME = "-"


def _lock(fd: int, path: Path) -> None:
    """Take an exclusive, non-blocking flock on fd, or raise OutputError naming the file."""
    if fcntl is None:  # pragma: no cover - no flock on this platform
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise OutputError(
            f"another summarizer batch is writing to {path}; wait for it to finish, or "
            "choose another --output"
        ) from None
    except OSError:  # pragma: no cover - a file system without locks (some network mounts)
        return


def _same_file(fd: int, path: Path) -> bool:
    """Whether fd still is the file at path (a compaction may have replaced it meanwhile)."""
    try:
        now = os.stat(path)
    except OSError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino)


def _describe(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


class _TextStreamWriter:
    """Whole lines to whatever object sys.stdout is now, flushed one by one."""

    def write_line(self, line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def close(self) -> None:
        sys.stdout.flush()


class OutputFile:
    """The batch's output while a run writes it: checked, locked, indexed, appended to.

    Use as a context manager. A regular file (or a new one) is locked with `flock` for the
    whole run, so a second run on it stops at once with an OutputError; its rows are indexed
    for resume (`index`), and `compact` runs while the lock is still held, so no other run can
    append to the file that compaction replaces. Anything else (stdout as "-", /dev/null, a
    pipe, a terminal) is a stream: written to, never read, locked, compacted or synced.
    Every OSError of opening and writing becomes an OutputError (exit status 2, no traceback).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stream = False
        self.index = OutputIndex()
        self._fd: int | None = None
        self._writer: JsonlWriter | _TextStreamWriter | None = None

    @property
    def display_name(self) -> str:
        """How the output is named in messages and statistics."""
        return "<stdout>" if str(self.path) == STDOUT_NAME else str(self.path)

    def open(self) -> OutputFile:
        """Open, check and lock the output; raises OutputError (nothing changed) when unusable."""
        if str(self.path) == STDOUT_NAME:
            self._open_stdout()
            return self
        try:
            info: os.stat_result | None = os.stat(self.path)
        except FileNotFoundError:
            info = None
        except OSError as exc:  # a symlink loop, a folder we may not enter
            raise OutputError(f"cannot use the output {self.path}: {_describe(exc)}") from None
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise OutputError(f"the output {self.path} is a folder; give a file name")
        try:
            if info is not None and not stat.S_ISREG(info.st_mode):
                self._start_stream(os.open(self.path, os.O_WRONLY | os.O_APPEND))
                return self
            self._open_regular()
        except OSError as exc:
            self.close()
            raise OutputError(
                f"cannot write the output file {self.path}: {_describe(exc)}"
            ) from None
        except BaseException:
            self.close()
            raise
        return self

    def _start_stream(self, fd: int) -> None:
        self.stream = True
        self._fd = fd
        self._writer = JsonlWriter(self.path, fd=fd, sync=False)

    def _open_stdout(self) -> None:
        sys.stdout.flush()
        try:
            fd = os.dup(sys.stdout.fileno())
        except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation: no real fd
            self.stream = True  # a replaced sys.stdout (a notebook, click's CliRunner)
            self._writer = _TextStreamWriter()
            return
        self._start_stream(fd)

    def _open_regular(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(20):
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            self._fd = fd
            _lock(fd, self.path)
            if _same_file(fd, self.path):
                break
            # Another run compacted (replaced) the file between our open and our lock.
            self._fd = None
            os.close(fd)
        else:  # pragma: no cover - twenty replacements in a row
            raise OutputError(f"the output {self.path} keeps being replaced by another process")
        self.index = scan_output(self.path)
        self._writer = JsonlWriter(self.path, fd=fd)

    def write_line(self, line: str) -> None:
        """Append one row (see JsonlWriter.write_line); a failed write is an OutputError."""
        if self._writer is None:
            raise ValueError("write to an output that is not open")
        try:
            self._writer.write_line(line)
        except OSError as exc:
            raise OutputError(
                f"cannot write to the output {self.display_name}: {_describe(exc)}"
            ) from None

    def notes(self) -> list[str]:
        """What opening the output did that the run's summary should say: a torn last row
        dropped, blank lines removed, or rows streamed without resume and compaction. Both
        engines (in-process and Ray) report the same notes."""
        out: list[str] = []
        if self.stream:
            what = "standard output" if self.display_name == "<stdout>" else self.display_name
            out.append(
                f"rows were streamed to {what}: no resume and no compaction (use a regular "
                "file as --output for those)"
            )
            return out
        if self.index.repaired_bytes:
            out.append(
                f"dropped a partial last line ({self.index.repaired_bytes:,} bytes) "
                "left by an interrupted run"
            )
        if self.index.invalid_lines:
            out.append(f"{self.index.invalid_lines:,} blank lines in the output were removed")
        return out

    def compact(self) -> int:
        """Drop superseded rows (regular files only, lock still held); returns lines dropped."""
        if self.stream or not self.index.stale_lines:
            return 0
        try:
            if self._writer is not None:
                self._writer.close()  # rows on disk before the rewrite reads them
            return compact(self.path, self.index.stale_lines)
        except OSError as exc:
            raise OutputError(f"cannot compact the output {self.path}: {_describe(exc)}") from None

    def close(self) -> None:
        """Flush and close; releases the lock (idempotent)."""
        writer, self._writer = self._writer, None
        fd, self._fd = self._fd, None
        try:
            if writer is not None:
                with contextlib.suppress(OSError):
                    writer.close()
        finally:
            if fd is not None:
                os.close(fd)

    def __enter__(self) -> OutputFile:
        return self.open()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
