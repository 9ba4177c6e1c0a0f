"""An aiohttp application served on 127.0.0.1 from a daemon thread with its own event loop:
the lifecycle the test servers share (the fake OpenAI server, the page server, the logging
proxy). Each says what it serves (`_application`) and what else it closes (`_close`)."""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType
from typing import TypeVar

from aiohttp import web

Served = TypeVar("Served", bound="BackgroundApp")

# Seconds to wait for the port to be bound, and for a stop to finish.
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


class BackgroundApp:
    """Serves `_application()` in a background thread; a context manager."""

    thread_name = "test-server"
    port = 0  # 0: any free port
    backlog = 128

    def __init__(self) -> None:
        self.url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    def _application(self) -> web.Application:
        """The app to serve (built on the serving loop)."""
        raise NotImplementedError

    async def _close(self) -> None:
        """Anything else to close after the listener (a client session)."""

    async def _serve(self) -> str:
        """Bind the app; returns the root URL. Hanging handlers must not hold up shutdown."""
        self._runner = web.AppRunner(self._application(), access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port, backlog=self.backlog)
        await site.start()
        host, bound = self._runner.addresses[0][:2]
        return f"http://{host}:{bound}"

    def _start_thread(self) -> None:
        """Serve in a daemon thread; return once the port is bound (or raise why not)."""
        ready = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                self.url = loop.run_until_complete(self._serve())
            except BaseException as exc:  # reported to the starting thread below
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=serve, name=self.thread_name, daemon=True)
        self._thread.start()
        ready.wait(START_TIMEOUT)
        if failure:
            raise failure[0]
        if not self.url:
            raise RuntimeError(f"{self.thread_name} did not start within {START_TIMEOUT:.0f} s")

    def _stop_thread(self) -> None:
        """Stop serving (idempotent); handlers still stalling are cancelled."""
        if self._loop is None or self._thread is None:
            return
        loop = self._loop
        asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(STOP_TIMEOUT)
        loop.call_soon_threadsafe(loop.stop)
        self._thread.join(STOP_TIMEOUT)
        self._loop = self._thread = None

    async def _shutdown(self) -> None:
        """Close the listener and what else there is, then end handlers still running."""
        if self._runner is not None:
            await self._runner.cleanup()
        await self._close()
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    def start(self: Served) -> Served:
        """Start serving; returns self once the port is bound."""
        self._start_thread()
        return self

    def stop(self) -> None:
        """Stop serving (idempotent)."""
        self._stop_thread()

    def __enter__(self: Served) -> Served:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
