"""Worker processes for server backends: the batch's CPU work spread over several cores.

One process parses answers, validates and assembles records at about 170 articles/s at
most (README, "Batch"; benchmarks/batch_throughput.py); a fast server outruns that. With
`workers > 1` the batch runner keeps reading, planning and writing in the parent and hands
each article to one of N child processes, each with its own pipeline and event loop.

The protocol is JSON lines over the children's stdin/stdout. Parent to child: one line of
settings (the key included: a private pipe, never a log), then one line per article. Child
to parent: per article, a header line (`n`, the statistics outcome) followed by the output
row exactly as it goes into the JSONL file, so the parent writes it without re-encoding.
A child whose parent dies sees its stdin close and exits; a child that dies leaves error
rows for the articles it held, never lost ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
import threading
from collections.abc import AsyncGenerator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..config import Settings
from ..errors import BackendError
from ..events import DEFAULT, Emitter, Event
from ..logs import configure_logging
from ..pipeline import Pipeline
from .rows import Finished, WorkItem, analyse, error_row_for, finished
from .stats import RowOutcome
from .transport import article_from_json, article_to_json, settings_to_json

# The folder holding the package: a child must import this very code, installed or not.
_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])
# One line may carry a whole article (max_input_chars is 2 MB of text; JSON escaping can
# double it); asyncio's default line limit is 64 KiB.
_LINE_LIMIT = 64 * 1024 * 1024


# ---------------------------------------------------------------------------- parent side


@dataclass
class _Child:
    """One worker process and the articles it holds."""

    number: int
    process: asyncio.subprocess.Process
    held: dict[int, WorkItem]
    alive: bool = True


class WorkerPool:
    """N worker processes: `submit` hands one an article, `next_finished` and `drain` give
    back the encoded rows (and error rows for what a dying worker held)."""

    def __init__(
        self,
        settings: Settings,
        workers: int,
        fingerprint: dict[str, Any],
        *,
        events: Emitter | None = None,
    ) -> None:
        self.settings = settings
        self.workers = workers
        self.fingerprint = fingerprint
        self.events = events or DEFAULT
        self._children: list[_Child] = []
        self._finished: asyncio.Queue[Finished | None] = asyncio.Queue()
        self._readers: list[asyncio.Task[None]] = []
        self._ended = 0  # end-of-child markers taken from the queue
        self.notes: list[str] = []

    async def start(self) -> None:
        """Spawn the children and hand each its settings."""
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_PARENT, env.get("PYTHONPATH")]))
        # Children send their events to us (forward_level: what anyone here listens to), and
        # we log them and hand them to the hooks: one stream of events, one log format.
        config = {"settings": settings_to_json(self.settings),
                  "forward_level": self.events.threshold()}  # fmt: skip
        line = json.dumps(config) + "\n"
        for number in range(self.workers):
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "summarizer.batch.worker_process",
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                env=env,
                limit=_LINE_LIMIT,
            )
            assert process.stdin is not None
            process.stdin.write(line.encode())
            child = _Child(number=number, process=process, held={})
            self.events.emit(
                "worker.started", f"worker {number} started (pid {process.pid})",
                worker=number, pid=process.pid,
            )  # fmt: skip
            self._children.append(child)
            self._readers.append(asyncio.create_task(self._read(child)))

    def alive(self) -> int:
        """How many children still take articles."""
        return sum(c.alive for c in self._children)

    async def submit(self, n: int, item: WorkItem) -> None:
        """Send one article to the least busy live child."""
        live = [c for c in self._children if c.alive]
        if not live:
            raise BackendError("every worker process has exited; see the messages above")
        child = min(live, key=lambda c: len(c.held))
        child.held[n] = item
        line = json.dumps(
            {"n": n, "id": item.id, "source": item.source,
             "article": article_to_json(item.article)},
            ensure_ascii=False,
        )  # fmt: skip
        stdin = child.process.stdin
        assert stdin is not None
        try:
            stdin.write(line.encode("utf-8", "surrogatepass") + b"\n")
            await stdin.drain()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the reader task sees the child's end and turns what it held into error rows

    async def next_finished(self) -> Finished | None:
        """The next finished row, or None when a child has ended (its rows all came first)."""
        got = await self._finished.get()
        if got is None:
            self._ended += 1
        return got

    async def _read(self, child: _Child) -> None:
        """Collect a child's rows; when it ends, account for every article it still held."""
        stdout = child.process.stdout
        assert stdout is not None
        try:
            while True:
                header = await stdout.readline()
                if not header:
                    break
                if header.startswith(b'{"event"'):
                    self.events.deliver(Event.from_wire(json.loads(header)["event"]))
                    continue
                row = await stdout.readline()
                if not row.endswith(b"\n"):
                    break  # cut off mid-row: the article counts as held, below
                meta = json.loads(header)
                item = child.held.pop(int(meta["n"]), None)
                if item is None:
                    continue
                outcome = RowOutcome(**meta["outcome"])
                self._finished.put_nowait(Finished(row.decode("utf-8").rstrip("\n"), outcome))
        except (ValueError, KeyError, TypeError) as exc:
            self.notes.append(f"worker {child.number} sent an unreadable message: {exc}")
            with contextlib.suppress(ProcessLookupError):
                child.process.kill()  # out of step with us: nothing more it sends can be trusted
        code = await child.process.wait()
        child.alive = False
        self.events.emit(
            "worker.exited",
            f"worker {child.number} exited with code {code}"
            + (f" holding {len(child.held)} article(s)" if child.held else ""),
            level=logging.WARNING if code or child.held else logging.INFO,
            worker=child.number, exit_code=code, held=len(child.held),
        )  # fmt: skip
        for item in child.held.values():
            self.events.emit(
                "article.failed", "worker_error: the worker process exited with the article",
                level=logging.WARNING, article_id=item.id, error_type="worker_error", attempt=0,
            )  # fmt: skip
        if child.held:
            self.notes.append(
                f"worker {child.number} exited with code {code} holding "
                f"{len(child.held)} article(s); they have error rows (--retry-errors redoes them)"
            )
        for item in child.held.values():
            self._finished.put_nowait(_crashed_row(item, code, self.fingerprint))
        child.held.clear()
        self._finished.put_nowait(None)

    async def drain(self) -> AsyncGenerator[Finished, None]:
        """Close the children's input, then yield whatever they still finish."""
        for child in self._children:
            stdin = child.process.stdin
            if stdin is not None and not stdin.is_closing():
                with contextlib.suppress(OSError):
                    stdin.close()
        while self._ended < len(self._children):
            got = await self.next_finished()
            if got is not None:
                yield got

    async def close(self) -> None:
        """Stop every child (used when the batch is interrupted)."""
        for child in self._children:
            if child.process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    child.process.kill()
        for task in self._readers:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=10)


def _crashed_row(item: WorkItem, code: int, fingerprint: dict[str, Any]) -> Finished:
    """The error row of an article whose worker died before answering."""
    message = f"the worker process exited (code {code}) while this article was in flight"
    error = {"type": "worker_error", "message": message, "attempts": 0}
    return finished(error_row_for(fingerprint, item.id, item.source, item.article.sha256, error))


# ----------------------------------------------------------------------------- child side


async def _stdin_reader() -> asyncio.StreamReader:
    """stdin as an asyncio stream."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=_LINE_LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


def _protocol_channel() -> BinaryIO:
    """The pipe to the parent; anything else printing to stdout is sent to stderr instead."""
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print must not break a row
    return channel


_CHANNEL_LOCK = threading.Lock()


def _send(channel: BinaryIO, header: dict[str, Any], row: str) -> None:
    """Write one result (two lines) to the parent."""
    data = json.dumps(header).encode() + b"\n" + row.encode("utf-8", "surrogatepass") + b"\n"
    with _CHANNEL_LOCK:
        channel.write(data)
        channel.flush()


def _relay(channel: BinaryIO) -> Any:
    """An event hook that sends each event to the parent as one line of its own."""

    def send(event: Event) -> None:
        data = json.dumps({"event": event.to_wire()}, default=str).encode() + b"\n"
        with _CHANNEL_LOCK:
            channel.write(data)
            channel.flush()

    return send


async def _serve() -> int:
    """The child's life: settings, then articles until stdin closes."""
    channel = _protocol_channel()
    reader = await _stdin_reader()
    first = await reader.readline()
    if not first:
        return 0
    config = json.loads(first)
    settings = Settings(**config["settings"])
    # Nothing is logged here: the parent logs what we relay, in its own format.
    relay = Emitter([_relay(channel)], log=False, min_level=int(config.get("forward_level", 0)))
    pipeline = Pipeline.from_settings(settings, events=relay)
    fingerprint = pipeline.fingerprint()
    tasks: set[asyncio.Task[None]] = set()

    async def run(n: int, item: WorkItem) -> None:
        done = finished(await analyse(pipeline, item, fingerprint))
        _send(channel, {"n": n, "outcome": asdict(done.outcome)}, done.line)

    try:
        while line := await reader.readline():
            message = json.loads(line)
            item = WorkItem(
                id=message["id"],
                source=message["source"],
                article=article_from_json(message["article"]),
            )
            task = asyncio.create_task(run(int(message["n"]), item))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.gather(*tasks)
    except BrokenPipeError:
        return 1  # the parent is gone; nobody is left to write for
    finally:
        await pipeline.aclose()
    return 0


def main() -> None:
    """Entry point of a worker process (run by `python -m summarizer.batch.worker_process`)."""
    configure_logging()  # the child's stderr is the user's terminal: the same quiet rules
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(asyncio.run(_serve()))
