"""JSONL lines read from a byte stream, each at most MAX_LINE_BYTES, in UTF-8 or (announced by
a byte-order mark) UTF-16 or UTF-32.

A hostile file can hold a gigabyte line: iterating a file object would read it whole into
memory. These readers never hold more than MAX_LINE_BYTES of one line; an oversized line
comes out as None, and the lines after it as usual.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import BinaryIO

# A JSONL line longer than this is an error row, skipped without being held in memory: room
# for the largest article a row can carry (10 MB of HTML at the default limit) even with
# every character escaped, and far from the gigabyte line a hostile file can hold.
MAX_LINE_BYTES = 64 * 1024 * 1024
_CHUNK = 1 << 20


def binary_lines(stream: BinaryIO, first: bytes) -> Iterator[bytes | None]:
    """The lines of a byte stream (None for a line over MAX_LINE_BYTES, which is skipped)."""
    pending = first
    while True:
        if b"\n" in pending:  # the first bytes read may hold whole lines
            cut = pending.index(b"\n") + 1
            yield pending[:cut]
            pending = pending[cut:]
            continue
        raw = pending + stream.readline(MAX_LINE_BYTES + 1 - len(pending))
        pending = b""
        if not raw:
            return
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while True:  # the rest of the oversized line, a chunk at a time
                rest = stream.readline(_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield raw


def text_lines(stream: BinaryIO, first: bytes, encoding: str) -> Iterator[bytes | None]:
    """The lines of a UTF-16/UTF-32 stream (BOM included in `first`), re-encoded as UTF-8."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    partial: list[str] = []
    size = 0
    chunk = first
    while True:
        final = not chunk
        parts = decoder.decode(chunk, final=final).split("\n")
        for part in parts[:-1]:
            partial.append(part)
            yield None if size + len(part) > MAX_LINE_BYTES else "".join(partial).encode()
            partial, size = [], 0
        if size + len(parts[-1]) <= MAX_LINE_BYTES:  # an oversized line is counted, not kept
            partial.append(parts[-1])
        size += len(parts[-1])
        if final:
            break
        chunk = stream.read(_CHUNK)
    if size:
        yield None if size > MAX_LINE_BYTES else "".join(partial).encode()
