"""Line numbering: the one way every part of summarizer counts the input's lines.

Flags, sentences and metadata all cite 1-based input lines, so they must split alike.
"""

from __future__ import annotations

import re

# Lines are split on \r\n, \r or \n only. str.splitlines() would also split on form feeds,
# U+2028 and friends, and line numbers would then disagree with every editor and `wc -l`.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Split text into lines exactly as counted in the input (1-based: line n is index n-1)."""
    return _LINE_BREAK.split(text)
