"""SEO filler: padded, generic prose with no reporting, written around a search topic.

Rules can see its stock phrasing: "this article delves into", "a complex tapestry",
"cannot be overstated", "in conclusion", "plays a pivotal role"... News reports use one of
these now and then; filler uses them in paragraph after paragraph. A paragraph is marked
when its phrases weigh 3 or more, and the page is flagged only when at least two paragraphs
are marked. The flag describes the prose and removes nothing (the model may add its own
seo_filler flag with evidence). When 40% or more of the page's paragraphs are marked, one
warning spans the first to the last marked paragraph; otherwise info flags cover groups of
marked paragraphs that only headings separate.
"""

from __future__ import annotations

import re

from ..schemas import FlagKind, Severity
from .base import Finding, Page, ends_sentence, wordset

# Weight 2: phrases that on their own say "generated around a keyword".
_STRONG = re.compile(
    r"\b(?:delves?|delving) (?:into|deeper)\b|\btapestry\b|\bcannot be overstated\b|"
    r"\bin conclusion\b|\bthis (?:article|guide|post|blog post) (?:delves|explores|examines|"
    r"will explore|aims|takes a (?:closer|deep) look|will (?:delve|examine|discuss))\b|"
    r"\bin this (?:article|guide|post),? (?:we|you)\b|\btestament to\b|\bsteeped in\b|"
    r"\binextricably (?:linked|tied|intertwined)\b|"
    r"\bessential for anyone (?:seeking|looking|who)\b|"
    r"\bnavigat(?:e|ing) the (?:complex|intricate|ever-changing)\b|"
    r"\bin today'?s (?:fast-paced|digital|ever-changing|modern|interconnected) world\b|"
    r"\bever-(?:evolving|changing) landscape\b|\blook no further\b|\bwhether you(?:'re| are) a\b|"
    r"\ba (?:deeper|closer) look\b|\bmultifaceted\b|\bunpack(?:s|ing)? (?:the|this)\b|"
    r"\bembark(?:s|ed|ing)? on (?:a|the|this) (?:journey|path|long road)\b|\bstands as a\b|"
    r"\bserves as a (?:reminder|testament|beacon)\b|\ba glimpse into\b|"
    r"\bgrasp(?:ing)? the (?:intricate|complex|nuanced)\b|\bkey takeaways\b"
)
# Weight 1: words filler leans on, common enough in real writing to need company.
_WEAK = re.compile(
    r"\b(?:pivotal|unwavering|profound(?:ly)?|intricate|intricately|nuanced|interplay|"
    r"underscores?|underscoring|poignant|enduring|crucial|paramount|myriad|plethora|realm|"
    r"landscape|shaping|multi-layered|comprehensive|resilience|indelible|vibrant|bustling|"
    r"intertwined|overarching|cornerstone|monumental|glimmer|grim reality|shifting|"
    r"dynamics|imperatives?|calculus)\b"
)
# Words one of which every strong phrase contains, and the weak cue words themselves:
# paragraphs are tokenised once and the regexes only run where a cue is present.
_STRONG_CUES = wordset(
    """delve delves delving tapestry overstated conclusion article guide post testament
    steeped inextricably essential navigate navigating today ever evolving changing look
    whether deeper closer multifaceted unpack unpacks unpacking embark embarks embarked
    embarking stands serves glimpse grasp grasping takeaways"""
)
_WEAK_CUES = wordset(
    """pivotal unwavering profound profoundly intricate intricately nuanced interplay
    underscore underscores underscoring poignant enduring crucial paramount myriad plethora
    realm landscape shaping multi-layered comprehensive resilience indelible vibrant
    bustling intertwined overarching cornerstone monumental glimmer reality shifting dynamics
    imperative imperatives calculus"""
)
_PARAGRAPH_WEIGHT = 3
_MIN_PARAGRAPH_WORDS = 15
_MIN_MARKED = 2
# Share of the page's prose paragraphs that must be marked for a warning.
_WARNING_SHARE = 0.4


def _found(pattern: re.Pattern[str], s: str, lower: str) -> list[str]:
    """The pattern's matches in s, as written in s.

    The patterns are lowercase and run over the lowercased text: three times faster than
    re.IGNORECASE here. Spans carry over when lowercasing kept the length (it nearly always
    does); otherwise the same pattern runs case-insensitively on s itself.
    """
    if len(lower) == len(s):
        return [s[m.start() : m.end()] for m in pattern.finditer(lower)]
    return [m.group(0) for m in re.finditer(pattern.pattern, s, re.IGNORECASE)]


def _weight(s: str, words: list[str]) -> tuple[int, list[str]]:
    """Stock-phrase weight of a paragraph and the phrases found (strong ones first)."""
    lower = s.lower()
    strong = [] if _STRONG_CUES.isdisjoint(words) else _found(_STRONG, s, lower)
    weak = [] if _WEAK_CUES.isdisjoint(words) else _found(_WEAK, s, lower)
    return 2 * len(strong) + len(weak), strong + weak


def detect(page: Page) -> list[Finding]:
    """Info/warning findings over marked paragraphs; nothing is removed."""
    marked: dict[int, list[str]] = {}
    paragraphs = 0
    for i in page.nonblank:
        if not page.prose[i] or page.n_words[i] < _MIN_PARAGRAPH_WORDS or not page.in_main(i):
            continue
        paragraphs += 1
        s = page.stripped[i]
        if len(s) > 50_000:
            s = s[:50_000]
        weight, phrases = _weight(s, page.words(i))
        if weight >= _PARAGRAPH_WEIGHT:
            marked[i] = phrases
    if len(marked) < _MIN_MARKED:
        return []
    if len(marked) >= _WARNING_SHARE * paragraphs:
        # Filler throughout the body: one warning from the first to the last marked paragraph.
        return [_finding(page, sorted(marked), marked, paragraphs, Severity.warning)]
    # Otherwise info flags over groups of marked paragraphs that only blank lines or
    # headings separate.
    groups: list[list[int]] = []
    for i in sorted(marked):
        if groups and _only_headings_between(page, groups[-1][-1], i):
            groups[-1].append(i)
        else:
            groups.append([i])
    return [_finding(page, g, marked, paragraphs, Severity.info) for g in groups]


def _finding(
    page: Page, group: list[int], marked: dict[int, list[str]], paragraphs: int, severity: Severity
) -> Finding:
    """One seo_filler finding spanning the marked paragraphs of group."""
    phrases: list[str] = []
    for i in group:
        for p in marked[i]:
            p = p.lower()
            if p not in phrases:
                phrases.append(p)
    shown = ", ".join(f"'{p}'" for p in phrases[:8]) + ("…" if len(phrases) > 8 else "")
    lines = ", ".join(str(i + 1) for i in group[:20]) + ("…" if len(group) > 20 else "")
    return Finding(
        FlagKind.seo_filler,
        severity,
        group[0] + 1,
        group[-1] + 1,
        f"padded generic prose built on stock phrases ({shown}) in {len(group)} of the page's "
        f"{paragraphs} paragraphs (lines {lines}); describes the text, nothing removed",
        removed=False,
        evidence=" … ".join(page.stripped[i][:100] for i in group[:3]),
    )


def _only_headings_between(page: Page, a: int, b: int) -> bool:
    """True when only blank lines and short heading lines lie between lines a and b."""
    for j in range(a + 1, b):
        s = page.stripped[j]
        if s and (page.n_words[j] > 14 or ends_sentence(s)):
            return False
    return True
