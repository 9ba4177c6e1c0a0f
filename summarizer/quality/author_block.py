"""Fake author blocks: generated author profiles, as label:value boxes or as prose.

Label:value boxes. The structural signal is a run of "Label : value" lines (Name,
Username, Email, Birthdate, Address, Phone, Company, Job, Bio, url, followers, ...) with at
least three distinct labels, possibly broken by short sub-headings ("Socials",
"instagram:"). Such a block is never article prose, so it is removed. It is critical when it
also shows that it was generated: a username, handle or e-mail that does not match the name,
private fields no real byline publishes (birthdate, home address, phone), a
placeholder-Latin bio, or follower counts. A real byline ("By Jane Doe, Reuters") or a bio
sentence has no label:value shape.

Prose profiles are found by `author_prose`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..schemas import FlagKind, Severity
from .author_prose import header_line, profile_opening, prose_blocks
from .base import Finding, Page, ends_sentence, strip_marker, words_of
from .placeholder import latin_share

_LABEL = re.compile(
    r"^\s*(?:[-*•·▪‣◦]\s*)?"
    r"(name|full name|user ?name|handle|e-?mail(?: address)?|birth ?date|birthday|"
    r"date of birth|dob|age|address|phone(?: number)?|tel|telephone|mobile|company|employer|"
    r"job(?: title)?|occupation|position|bio|biography|about|url|website|web|followers|"
    r"following|friends|posts|likes|location|city|country|gender|joined|member since|"
    r"nickname|social|twitter|instagram|facebook|linkedin|tiktok|youtube)"
    r"\s*:\s*(\S.{0,2000})$",
    re.IGNORECASE,
)
# Fields no byline publishes. Phone and address are left out: press-release contact boxes
# list them for real.
_PRIVATE = frozenset(
    {"birthdate", "birth date", "birthday", "date of birth", "dob", "age", "gender"}
)
_HANDLE_LABELS = frozenset({"username", "user name", "handle", "nickname"})
_MIN_LABELS = 3
# Short non-label lines allowed inside a block ("Socials", "linkedin:") before it ends.
_MAX_GAP_LINES = 4


def _tokens(s: str) -> set[str]:
    """Lowercase letter runs of at least 3 letters: comparable name parts."""
    return {w for w in words_of(s) if len(w) >= 3}


def _handle_matches(name: str, handle: str) -> bool:
    """Does a username, e-mail local part or URL handle plausibly belong to this name?"""
    parts = _tokens(name)
    h = handle.lower()
    if not parts:
        return True
    if any(p in h for p in parts):
        return True
    # Initials-based handles ("jdoe", "j.doe") count as matching.
    initials = "".join(p[0] for p in parts)
    return len(initials) >= 2 and initials in h.replace(".", "").replace("_", "")


def detect(page: Page) -> list[Finding]:
    """Removing findings for generated profile blocks: label:value boxes, then prose ones."""
    out = _label_blocks(page)
    covered: set[int] = set()
    for f in out:
        covered.update(range(f.start - 1, f.end))
    out.extend(prose_blocks(page, covered))
    return out


def block_name(lines: Sequence[str]) -> tuple[int, str] | None:
    """(index, name) of the person a generated profile block introduces, if it names one.

    Looks for a "Name : ..." field, then for a prose opening ("<Name> is a <job> at ...").
    The metadata extractor reports this name as a fake author, never as an author.
    """
    for k, line in enumerate(lines):
        m = _LABEL.match(line.strip())
        if m and " ".join(m.group(1).lower().split()) in ("name", "full name"):
            return k, m.group(2).strip()
    for k, line in enumerate(lines):
        opening = profile_opening(strip_marker(line.strip()))
        if opening is not None:
            return k, opening.name
    return None


def _label_blocks(page: Page) -> list[Finding]:
    """Critical (or warning) removing findings for label:value profile blocks."""
    labels: dict[int, tuple[str, str]] = {}
    for i in page.nonblank:
        s = page.stripped[i]
        if len(s) > 2100:
            continue
        m = _LABEL.match(s)
        if m:
            labels[i] = (" ".join(m.group(1).lower().split()), m.group(2).strip())
    if len(labels) < _MIN_LABELS:
        return []
    out: list[Finding] = []
    blocks: list[list[int]] = []
    current: list[int] = []
    gap = 0
    for i in page.nonblank:
        if i in labels:
            current.append(i)
            gap = 0
        elif (
            current
            and gap < _MAX_GAP_LINES
            and page.n_words[i] <= 3
            and not ends_sentence(page.stripped[i])
        ):
            current.append(i)
            gap += 1
        else:
            if current:
                blocks.append(current)
            current, gap = [], 0
    if current:
        blocks.append(current)
    for block in blocks:
        # Trailing sub-headings belong to the block only when a label follows them.
        while block and block[-1] not in labels:
            block.pop()
        fields = [labels[i] for i in block if i in labels]
        if len({k for k, _ in fields}) < _MIN_LABELS:
            continue
        start = block[0]
        # Pull in a heading right above ("Detail Author:", "About the author").
        prev = page.prev_nonblank(start)
        if prev >= 0 and (
            header_line(page, prev)
            or (page.n_words[prev] <= 3 and page.stripped[prev].endswith(":"))
        ):
            start = prev
        out.append(_finding(page, start, block[-1], fields))
    return out


def _finding(page: Page, start: int, end: int, fields: list[tuple[str, str]]) -> Finding:
    """Build the finding for one block, with the signs that it was generated."""
    signs: list[str] = []
    names = [v for k, v in fields if k in ("name", "full name")]
    name = names[0] if names else ""
    if name:
        for k, v in fields:
            handle = ""
            if k in _HANDLE_LABELS:
                handle = v
            elif k in ("email", "e-mail", "email address", "e-mail address"):
                handle = v.split("@")[0]
            elif k == "url" and "/" in v:
                handle = v.rstrip("/").rsplit("/", 1)[-1]
            if handle and not _handle_matches(name, handle):
                signs.append(f"{k} {handle!r} does not match the name {name!r}")
    private = sorted({k for k, _ in fields if k in _PRIVATE})
    if private:
        signs.append("private fields no real byline publishes (" + ", ".join(private) + ")")
    placeholder_bios = [
        k for k, v in fields if k in ("bio", "biography", "about") and latin_share(v) >= 0.6
    ]
    if placeholder_bios:
        signs.append(f"{len(placeholder_bios)} placeholder-Latin bio(s)")
    if any(k in ("followers", "following") for k, _ in fields):
        signs.append("social-media profiles with follower counts")
    severity = Severity.critical if signs else Severity.warning
    labels = sorted({k for k, _ in fields})
    explanation = (
        f"generated author/profile block ({len(fields)} label:value fields: {', '.join(labels)})"
    )
    if signs:
        explanation += "; signs it is made up: " + "; ".join(signs[:6])
    return Finding(FlagKind.fake_author_block, severity, start + 1, end + 1, explanation, True)
