"""Numbered sentences: what the model cites, each tied to the input line it came from."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .schemas import Sentence

# Abbreviations that end in a period but rarely end a sentence in news text.
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "mt",
        "ft",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "gov",
        "sen",
        "rep",
        "rev",
        "hon",
        "pres",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "inc",
        "ltd",
        "co",
        "corp",
        "bros",
        "dept",
        "univ",
        "assn",
        "est",
        "approx",
        "no",
        "nos",
        "vol",
        "vs",
        "etc",
        "al",
        "fig",
    ]
)

# A candidate boundary: terminal punctuation, optional closing quotes/brackets, whitespace,
# then something that can open a sentence. The lookahead keeps the opener in the next sentence.
_BOUNDARY = re.compile(r"""([.!?…]+["'”’)\]]*)\s+(?=["'“‘(\[]?[A-Z0-9À-ÖØ-ÞĀ-ſА-ЯΑ-Ω])""")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def _is_abbreviation(chunk: str) -> bool:
    """True when the text before a period ends in an abbreviation or an initial ("J.", "U.S.")."""
    match = _WORD_BEFORE.search(chunk.rstrip(".!?…"))
    if not match:
        return False
    word = match.group(1)
    if "." in word:  # U.S, e.g, a.m
        return True
    return (len(word) == 1 and word.isupper()) or word.lower() in _ABBREVIATIONS


def split_sentences(line: str) -> list[str]:
    """Split one line of prose into sentences; a line without punctuation is one sentence."""
    text = " ".join(line.split())
    if not text:
        return []
    out: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end(1)
        piece = text[start:end]
        if match.group(1).startswith(".") and _is_abbreviation(text[start : match.start(1) + 1]):
            continue
        if len(piece.strip()) < 2:
            continue
        out.append(piece.strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def number_sentences(lines: Sequence[str], kept_lines: Sequence[int]) -> list[Sentence]:
    """Number the sentences of the kept input lines (1-based numbers into `lines`), in order."""
    sentences: list[Sentence] = []
    for line_no in kept_lines:
        for piece in split_sentences(lines[line_no - 1]):
            sentences.append(Sentence(id=len(sentences), line=line_no, text=piece))
    return sentences
