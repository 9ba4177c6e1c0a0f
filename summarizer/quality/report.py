"""Run the detectors, merge their findings into Flags, compute the score and the clean text.

Clean text: the input lines that no removing flag covers, in input order. Blank lines are
kept as paragraph separators, but a run of blank lines (including the gap a removed block
leaves) is collapsed to one, and blank lines at the start and end are dropped.

Score rule (also in the README): start at 100 and subtract, for every flag,

    penalty = BASE[severity] + SPAN[severity] * share

where `share` is the flag's non-blank lines over the input's non-blank lines, with
BASE = info 0.5, warning 3, critical 12 and SPAN = info 2, warning 20, critical 40. The
penalties of one kind add up to at most CAP[worst severity of that kind] = info 3,
warning 20, critical 40, so one noisy kind cannot sink a page alone. `html_boilerplate`
costs nothing: every web page has a frame around its article. The result is rounded and
clamped to 0..100; a page with no flag scores 100.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from ..schemas import Flag, FlagKind, Quality, Severity
from . import (
    author_block,
    chatbot,
    credits,
    cta,
    duplicates,
    frame,
    injection,
    lines,
    links,
    navigation,
    notes,
    placeholder,
    seo,
    truncation,
)
from .base import SEVERITY_ORDER, Finding, Page, runs

BASE = {Severity.info: 0.5, Severity.warning: 3.0, Severity.critical: 12.0}
SPAN = {Severity.info: 2.0, Severity.warning: 20.0, Severity.critical: 40.0}
CAP = {Severity.info: 3.0, Severity.warning: 20.0, Severity.critical: 40.0}
FREE_KINDS = frozenset({FlagKind.html_boilerplate})

# When two removing findings claim the same lines, the earlier kind here keeps them.
_PRIORITY = {
    kind: n
    for n, kind in enumerate(
        [
            FlagKind.prompt_injection,
            FlagKind.chatbot_artifact,
            FlagKind.fake_author_block,
            FlagKind.placeholder_text,
            FlagKind.link_spam,
            FlagKind.call_to_action,
            FlagKind.media_credit,
            FlagKind.navigation_boilerplate,
        ]
    )
}

_FRAME_KINDS = frozenset(
    {FlagKind.navigation_boilerplate, FlagKind.call_to_action, FlagKind.link_spam}
)

# Evidence longer than this is shortened: its head and tail joined by an ellipsis.
MAX_EVIDENCE = 400

# Detectors that only look at the page; order does not matter between them.
_DETECTORS: tuple[Callable[[Page], list[Finding]], ...] = (
    navigation.detect,
    credits.detect,
    author_block.detect,
    placeholder.detect,
    links.detect,
    cta.detect,
    chatbot.detect,
    injection.detect,
    seo.detect,
)


@dataclass(frozen=True)
class QualityReport:
    """Flags (sorted by start line, kind), score 0-100 and the clean text with its line map.

    `clean_text == "\\n".join(split_lines(text)[n - 1] for n in kept_lines)`.
    """

    flags: list[Flag]
    score: int
    clean_text: str
    kept_lines: list[int] = field(default_factory=list)

    def to_quality(self) -> Quality:
        """The schemas.Quality record for an ArticleAnalysis."""
        return Quality(score=self.score, flags=list(self.flags), clean_text=self.clean_text)


def _evidence(page: Page, f: Finding) -> str:
    """The flagged lines (or the detector's excerpt), shortened to MAX_EVIDENCE characters."""
    if f.evidence is not None:
        text = f.evidence
    else:
        # The lines as they are in the input (trailing spaces aside), blank ones left out.
        text = "\n".join(line.rstrip() for line in page.lines[f.start - 1 : f.end] if line.strip())
    if len(text) > MAX_EVIDENCE:
        text = text[: MAX_EVIDENCE - 130].rstrip() + " … " + text[-120:].lstrip()
    return text


def _html_boilerplate(page: Page, removed: set[int]) -> list[Finding]:
    """Cover every non-blank line outside trafilatura's main text that no flag removed yet."""
    if page.main is None:
        return []
    main = page.main
    left = [i for i in page.nonblank if i not in main and i not in removed]
    # runs() only joins lines that blank lines separate, so a run never covers a main line.
    return [_html_finding(page, a, b) for a, b in runs(left, page)]


def _html_finding(page: Page, a: int, b: int) -> Finding:
    """One html_boilerplate finding for 0-based lines a..b."""
    n = sum(1 for i in range(a, b + 1) if page.stripped[i])
    what = "this line is" if n == 1 else f"these {n} lines are"
    return Finding(
        FlagKind.html_boilerplate,
        Severity.info,
        a + 1,
        b + 1,
        f"trafilatura judged that {what} not part of the article (page frame, menus, "
        "teasers or comments); left out of the clean text",
        removed=True,
    )


def _resolve_overlaps(page: Page, findings: list[Finding]) -> list[Finding]:
    """Give each removed line to one removing finding (by kind priority, then position).

    A later removing finding is trimmed to the lines no earlier one claimed, or dropped when
    none are left. Critical findings are kept whole even inside another one (a
    placeholder bio inside a fake author block says something of its own), and findings
    that remove nothing are never touched.
    """
    keep = [f for f in findings if not f.removed]
    removing = sorted(
        (f for f in findings if f.removed),
        key=lambda f: (_PRIORITY.get(f.kind, 99), f.start, f.end),
    )
    claimed: set[int] = set()
    for f in removing:
        lines = [i for i in range(f.start - 1, f.end) if page.stripped[i]]
        free = [i for i in lines if i not in claimed]
        if f.severity is Severity.critical or len(free) == len(lines):
            keep.append(f)
        else:
            for a, b in runs(free, page):
                keep.append(
                    Finding(f.kind, f.severity, a + 1, b + 1, f.explanation, True, f.evidence)
                )
        claimed.update(lines)
    return keep


def _merge_navigation(page: Page, findings: list[Finding]) -> list[Finding]:
    """Join removing navigation findings that only blank lines separate into one flag.

    Menus, share bars and UI labels found by different rules often interleave line by line;
    one flag per stretch of page frame reads better. Other kinds keep their own spans.
    """
    nav = sorted(
        (f for f in findings if f.kind is FlagKind.navigation_boilerplate and f.removed),
        key=lambda f: (f.start, f.end),
    )
    rest = [f for f in findings if not (f.kind is FlagKind.navigation_boilerplate and f.removed)]
    merged: list[Finding] = []
    for f in nav:
        last = merged[-1] if merged else None
        if last is not None and (
            f.start - 1 <= last.end or page.prev_nonblank(f.start - 1) == last.end - 1
        ):
            why = last.explanation
            if f.explanation not in why:
                why = f"{why}; {f.explanation}"
            merged[-1] = Finding(
                last.kind, last.severity, last.start, max(last.end, f.end), why, True
            )
        else:
            merged.append(f)
    return rest + merged


def _frame_lines(page: Page, findings: list[Finding]) -> set[int]:
    """Removed lines that mark the page frame: menus, share bars, link lists, calls to action."""
    out: set[int] = set()
    for f in findings:
        if not f.removed or f.kind not in _FRAME_KINDS:
            continue
        # A single shop button can sit inside the article; a list of links cannot.
        if f.kind is FlagKind.link_spam and f.end - f.start < 2:
            continue
        out.update(i for i in range(f.start - 1, f.end) if page.stripped[i])
    return out


def _kept(page: Page, removed: set[int]) -> list[int]:
    """1-based kept lines: not removed, blank runs collapsed, no leading/trailing blanks."""
    kept: list[int] = []
    pending_blank = -1
    for i, s in enumerate(page.stripped):
        if i in removed:
            continue
        if not s:
            if kept and pending_blank < 0:
                pending_blank = i
            continue
        if pending_blank >= 0:
            kept.append(pending_blank + 1)
            pending_blank = -1
        kept.append(i + 1)
    return kept


def score_flags(flags: Sequence[Flag] | Sequence[Finding], page: Page) -> int:
    """The documented score rule (see the module docstring)."""
    total_lines = max(1, len(page.nonblank))
    per_kind: dict[FlagKind, float] = {}
    worst: dict[FlagKind, Severity] = {}
    for f in flags:
        kind = f.kind
        if kind in FREE_KINDS:
            continue
        start = f.start_line if isinstance(f, Flag) else f.start
        end = f.end_line if isinstance(f, Flag) else f.end
        n = sum(1 for s in page.stripped[start - 1 : end] if s) or 1
        share = min(1.0, n / total_lines)
        per_kind[kind] = per_kind.get(kind, 0.0) + BASE[f.severity] + SPAN[f.severity] * share
        if kind not in worst or SEVERITY_ORDER[f.severity] > SEVERITY_ORDER[worst[kind]]:
            worst[kind] = f.severity
    total = sum(min(p, CAP[worst[k]]) for k, p in per_kind.items())
    return max(0, min(100, round(100 - total)))


def analyze_quality(
    text: str,
    *,
    notes: Sequence[str] = (),
    main_lines: Collection[int] | None = None,
) -> QualityReport:
    """Source-quality flags, score and clean text for one article; deterministic, no model.

    `notes` are input-handling notes (each becomes a flag, never dropped). `main_lines` are
    the 1-based lines an HTML extractor judged to be the article: every other non-blank line
    is then removed and covered by a flag (a specific kind when a detector recognises it,
    else `html_boilerplate`). With `main_lines=None` the text is treated as plain text.
    """
    page = Page(text, main_lines)
    findings: list[Finding] = []
    for detect in _DETECTORS:
        findings.extend(detect(page))
    if page.main is not None:
        # Describing flags (not removing) about text the model never sees are only noise.
        findings = [
            f
            for f in findings
            if f.removed or any(page.in_main(i) for i in range(f.start - 1, f.end))
        ]
    findings = _resolve_overlaps(page, findings)
    removed: set[int] = set()
    for f in findings:
        if f.removed:
            removed.update(range(f.start - 1, f.end))
    # Passes that build on what is removed so far, in order.
    frame_lines = _frame_lines(page, findings)
    for second_pass in (
        _html_boilerplate,
        lambda p, r: frame.detect(p, r, frame_lines),
        lambda p, r: lines.detect(p, r, frame_lines),
        duplicates.detect,
    ):
        extra = second_pass(page, removed)
        for f in extra:
            removed.update(range(f.start - 1, f.end))
        findings.extend(extra)
        frame_lines.update(_frame_lines(page, extra))  # the footer is frame for what follows
    findings = _merge_navigation(page, findings)
    findings.extend(truncation.detect(page, removed))
    findings.extend(notes_findings(page, notes))
    flags = [
        Flag(
            kind=f.kind,
            severity=f.severity,
            start_line=f.start,
            end_line=f.end,
            evidence=_evidence(page, f),
            explanation=f.explanation,
            removed=f.removed,
        )
        for f in findings
    ]
    flags.sort(key=lambda fl: (fl.start_line, fl.kind.value, fl.end_line))
    # A merged navigation flag also spans the blank lines between its parts: they go with it
    # (a removed flag never covers a kept line; hypothesis found a blank one kept inside).
    for f in findings:
        if f.removed:
            removed.update(range(f.start - 1, f.end))
    kept = _kept(page, removed)
    clean = "\n".join(page.lines[n - 1] for n in kept)
    return QualityReport(
        flags=flags, score=score_flags(flags, page), clean_text=clean, kept_lines=kept
    )


def notes_findings(page: Page, input_notes: Sequence[str]) -> list[Finding]:
    """Input-handling notes as findings (see quality.notes)."""
    return notes.detect(page, input_notes)
