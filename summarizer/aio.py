"""Running async code from synchronous callers: one private event loop in a daemon thread.

Sync entry points (`Summarizer.summarize`, `summarize_many`) must work in a plain script and
inside a running loop (a notebook) alike, and async HTTP clients must keep one loop for their
whole life. A loop of our own in a thread gives both.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")


async def _await(awaitable: Awaitable[T]) -> T:
    return await awaitable


class LoopThread:
    """A private event loop running in a daemon thread, started on first use."""

    def __init__(self, name: str = "summarizer-loop") -> None:
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(
                    target=self._loop.run_forever, name=self._name, daemon=True
                )
                self._thread.start()
            return self._loop

    def run(self, awaitable: Coroutine[Any, Any, T] | Awaitable[T]) -> T:
        """Run a coroutine (or any awaitable) to completion on the private loop."""
        return self.submit(awaitable).result()

    def submit(self, awaitable: Coroutine[Any, Any, T] | Awaitable[T]) -> Future[T]:
        """Start a coroutine on the private loop; its result arrives in the returned future."""
        coro = awaitable if asyncio.iscoroutine(awaitable) else _await(awaitable)
        return asyncio.run_coroutine_threadsafe(coro, self._running_loop())

    def close(self) -> None:
        """Finish async generators and the default executor, then stop the loop and thread."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(loop.shutdown_asyncgens(), loop).result()
            asyncio.run_coroutine_threadsafe(loop.shutdown_default_executor(), loop).result()
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join()
            loop.close()
