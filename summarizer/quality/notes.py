"""Input-handling notes (encoding fallback, HTML extraction) as flags: never dropped.

A note about decoding becomes an `encoding_problem` flag: a warning when bytes were replaced
with U+FFFD (text was lost), spanning the lines that hold a replacement character; an info
flag spanning the whole text when the input was decoded from another charset (nothing lost,
but the reader should know). A note about HTML extraction becomes an info `html_boilerplate`
flag, one about context limits a `context_overflow` flag; anything else an info
`encoding_problem` flag, so that no note is ever silently lost. Notes never remove lines.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..schemas import FlagKind, Severity
from .base import Finding, Page, runs

_REPLACEMENT = "\ufffd"


def _whole(page: Page) -> tuple[int, int]:
    """1-based span of the first to the last non-blank line (1..1 for empty text)."""
    if not page.nonblank:
        return 1, max(1, len(page.lines))
    return page.nonblank[0] + 1, page.nonblank[-1] + 1


def detect(page: Page, notes: Sequence[str]) -> list[Finding]:
    """One or more findings per note; see the module docstring for the mapping."""
    out: list[Finding] = []
    for raw in notes:
        note = " ".join(str(raw).split()) or "(empty input note)"
        low = note.lower()
        start, end = _whole(page)
        if low.startswith("html"):
            out.append(Finding(FlagKind.html_boilerplate, Severity.info, start, end, note, False))
            continue
        if "context" in low or "truncated to" in low:
            out.append(Finding(FlagKind.context_overflow, Severity.info, start, end, note, False))
            continue
        bad = [i for i in page.nonblank if _REPLACEMENT in page.lines[i]]
        if bad:
            for a, b in runs(bad, page):
                n = sum(page.lines[i].count(_REPLACEMENT) for i in range(a, b + 1))
                out.append(
                    Finding(
                        FlagKind.encoding_problem,
                        Severity.warning,
                        a + 1,
                        b + 1,
                        f"{note}; {n} character(s) on these lines could not be decoded",
                        False,
                    )
                )
            continue
        severity = Severity.warning if "u+fffd" in low or "replaced" in low else Severity.info
        out.append(Finding(FlagKind.encoding_problem, severity, start, end, note, False))
    return out
