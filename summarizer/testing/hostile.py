"""The fake server's HTTP-only faults that need the connection itself (issue 12): a "timeout"
that drops the connection instead of answering late, and an oversized answer sent in chunks
without a Content-Length, so that the client's read cap, not a header check, must stop it."""

from __future__ import annotations

import asyncio
from typing import NoReturn

from aiohttp import web


def drop_connection(request: web.Request) -> NoReturn:
    """End the exchange with no answer: a client reading late sees a closed connection."""
    if request.transport is not None:
        request.transport.close()
    raise asyncio.CancelledError


async def chunked_invalid_answer(request: web.Request, size: int) -> web.StreamResponse:
    """An invalid answer of `size` bytes sent in chunks, without a Content-Length."""
    response = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    await response.write(b'{"id": "chatcmpl-huge", "choices": [{"message": {"content": "')
    chunk = b"blah " * 13_107  # 64 KiB
    sent = 0
    try:
        while sent < size:
            await response.write(chunk)
            sent += len(chunk)
        await response.write(b'"}}]}')
        await response.write_eof()
    except (ConnectionResetError, RuntimeError):
        pass  # the client stopped reading at its cap, as it should
    return response
