"""Features of the line classifier (lines.py): the shape, place and neighbourhood of every
non-blank line of a scraped page, and its lexical cohesion with the article's core. The
module docstring of lines.py lists them and says why these."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence

from .base import BYLINE, DATE, TAIL, Page, count_sentence_ends, ends_sentence, title_end
from .frame import body_span

TIME = re.compile(
    r"\b\d{1,2}:\d{2}\b|\b\d{1,2} ?(?:[smhd]|mins?|hrs?|minutes?|hours?|days?) ago\b",
    re.IGNORECASE,
)
_URLISH = re.compile(r"https?://|www\.|\S@\S|(?:^|\s)@\w")
_GLUED = re.compile(r"[a-z][A-Z][a-z]")
CREDIT = re.compile(
    r"©|\(c\)|\b(?:image|photo|picture|foto|credit|copyright)s?\b\s*(?::|by|credit)|"
    r"getty|shutterstock|/\s?(?:reuters|afp|ap|epa|dpa)\b",
    re.IGNORECASE,
)
BRIDGE_MIN_WORDS = 12
HEADLINE_WINDOW = 10
_SEPARATOR = re.compile(r"[|•›»·/]")
_DIGIT = re.compile(r"\d")
_PUNCT = re.compile(r"[^\w\s]")
_DQ = frozenset('"“”„«»')

# Feature names, in the order `features` returns them.
FEATURES: tuple[str, ...] = (
    "log_words", "w1", "w2_3", "w4_7", "w8_14", "w15_29", "w30p", "ends_sentence",
    "sent_ends", "prose", "lower_start", "cap_share", "digit_share",
    "punct_share", "separators", "url", "glued", "dquote", "colon_end", "ellipsis_end",
    "question_end", "byline", "date", "time", "copyright", "det_removed",
    "det_frame", "pos", "in_body", "before_body", "after_body", "body_edge", "prose_in_body",
    "prose_outside", "short_in_body", "prose_w2", "prose_w6", "prose_w20", "short_w3",
    "removed_w3", "prev_prose", "next_prose", "prev_words", "next_words", "short_run",
    "teaser", "page_prose_share", "page_lines", "isolated_prose",
    "date_w5", "gap_max", "gap_count", "cohesion",
    "cohesion2", "long_run", "cohesion2_long", "in_core", "dist_core", "after_core",
    "before_core", "wrapped", "noend", "noend_w5", "noend_run", "prev_noend", "next_noend",
    "prev_short", "next_short", "prev_removed", "next_removed", "prev_dated", "next_dated",
    "prev2_prose", "next2_prose", "dated", "before_core_1_3", "before_core_4_10",
    "before_core_11_30", "before_core_31p", "after_core_1_3", "after_core_4_10",
    "after_core_11_30", "after_core_31p",
)  # fmt: skip


def _title_like(page: Page, i: int) -> bool:
    """Headline-shaped: 3-20 words, most capitalised, no final full stop."""
    w = page.n_words[i]
    s = page.stripped[i]
    if not 3 <= w <= 20:
        return False
    if not title_end(s):
        return False
    words = s.split()
    caps = sum(1 for x in words if x[:1].isupper() or not x[:1].isalpha())
    return caps >= 0.6 * len(words)


def _bins(d: int) -> tuple[float, float, float, float]:
    """One-hot distance bins 1-3, 4-10, 11-30, 31+ (all zero for distance 0)."""
    return (float(1 <= d <= 3), float(4 <= d <= 10), float(11 <= d <= 30), float(d >= 31))


def _prefix(values: Sequence[float]) -> list[float]:
    """Prefix sums: out[k] = sum(values[:k])."""
    return list(itertools.accumulate(values, initial=0.0))


def _true_runs(flags: Sequence[bool]) -> list[tuple[int, int]]:
    """The maximal runs of True values, as half-open (start, end) index pairs."""
    out: list[tuple[int, int]] = []
    start = -1
    for i, flag in enumerate(flags):
        if flag and start < 0:
            start = i
        elif not flag and start >= 0:
            out.append((start, i))
            start = -1
    if start >= 0:
        out.append((start, len(flags)))
    return out


def _run_lengths(flags: Sequence[bool]) -> list[int]:
    """For each position, the length of the run of True values it belongs to (0 if False)."""
    out = [0] * len(flags)
    for k, j in _true_runs(flags):
        out[k:j] = [j - k] * (j - k)
    return out


def features(page: Page, removed: set[int], frame: set[int]) -> list[list[float]]:
    """One feature vector (in FEATURES order) per non-blank line of the page.

    `removed`: 0-based lines the rule detectors removed; `frame`: those of them that mark
    the page frame (menus, share bars, link lists, calls to action).
    """
    cols = columns(page, removed, frame)
    if not cols:
        return []
    return [[float(x) for x in row] for row in zip(*(cols[name] for name in FEATURES), strict=True)]


def _window_share(num: list[float], den: list[float], m: int, r: int) -> list[float]:
    """For each k: (sum of num over k-r..k+r) / (sum of den there), from prefix sums."""
    out = []
    for k in range(m):
        a = k - r if k > r else 0
        b = k + r + 1 if k + r + 1 < m else m
        d = den[b] - den[a]
        out.append((num[b] - num[a]) / d if d else 0.0)
    return out


def _window_frac(num: list[float], m: int, r: int) -> list[float]:
    """For each k: mean of the values over k-r..k+r, from prefix sums."""
    out = []
    for k in range(m):
        a = k - r if k > r else 0
        b = k + r + 1 if k + r + 1 < m else m
        out.append((num[b] - num[a]) / (b - a))
    return out


def columns(page: Page, removed: set[int], frame: set[int]) -> dict[str, Sequence[float]]:
    """The features as columns: name -> one value per non-blank line (see FEATURES).

    Column-wise because it is about three times faster in plain Python than building each
    line's vector feature by feature (benchmarks/quality_speed.py).
    """
    nb = page.nonblank
    m = len(nb)
    if m == 0:
        return {}
    stripped = [page.stripped[i] for i in nb]
    words = [page.n_words[i] for i in nb]
    ends = [ends_sentence(s) for s in stripped]
    prose = [page.prose[i] for i in nb]
    # Line-level prose, without Page's hard-wrapped-paragraph marking (which on scraped
    # pages can turn a whole list of titles into "prose" when one of them ends with "?").
    line_prose = [(w >= 8 and e) or w >= 20 for w, e in zip(words, ends, strict=True)]
    noend = [3 <= w <= 20 and not e for w, e in zip(words, ends, strict=True)]
    short = [0 < w <= 4 and not e for w, e in zip(words, ends, strict=True)]
    rem = [i in removed for i in nb]
    title = [_title_like(page, i) for i in nb]
    n_digits = [len(_DIGIT.findall(s)) for s in stripped]
    lowers = [page.lower[i] for i in nb]
    # Every date and time pattern holds a digit or a weekday name: cheap prefilters.
    has_date = [
        (d > 0 or "day" in low) and DATE.search(s) is not None
        for s, d, low in zip(stripped, n_digits, lowers, strict=True)
    ]
    has_time = [
        d > 0 and TIME.search(s) is not None for s, d in zip(stripped, n_digits, strict=True)
    ]
    dated = [a or b for a, b in zip(has_date, has_time, strict=True)]

    pw = _prefix(words)
    pp = _prefix([w if p else 0 for w, p in zip(words, prose, strict=True)])

    span = body_span(page, removed, frame)
    b0, b1 = (nb.index(span[0]), nb.index(span[1])) if span is not None else (-1, -1)

    # Stretches of non-prose lines: the longest passed, and how many of 4+ lines, on the way
    # from the body's start to each line (down the page, and up for lines above the body).
    gap_max = [0] * m
    gap_count = [0] * m
    if b0 >= 0:
        best = n_gaps = run = 0
        for k in range(b0, m):
            run = 0 if prose[k] else run + 1
            if (k + 1 >= m or prose[k + 1]) and run >= 4:
                n_gaps += 1
            best = max(best, run)
            gap_max[k] = best
            gap_count[k] = n_gaps
        best = n_gaps = run = 0
        for k in range(b0 - 1, -1, -1):
            run = 0 if prose[k] else run + 1
            best = max(best, run)
            gap_max[k] = best
            if run == 4:
                n_gaps += 1
            gap_count[k] = n_gaps

    # The core: runs of 3+ consecutive prose lines (else the run with the most words).
    prose_runs = _true_runs(prose)
    core_runs = [r for r in prose_runs if r[1] - r[0] >= 3]
    if not core_runs and prose_runs:
        core_runs = [max(prose_runs, key=lambda r: sum(words[r[0] : r[1]]))]
    in_core = [False] * m
    for a, b in core_runs:
        for x in range(a, b):
            in_core[x] = True
    core_idx = [k for k in range(m) if in_core[k]]
    first_core = core_idx[0] if core_idx else -1
    last_core = core_idx[-1] if core_idx else -1
    dist_core = [0] * m
    if core_idx:
        nearest = 10**6
        for k in range(m):
            nearest = 0 if in_core[k] else nearest + 1
            dist_core[k] = nearest
        nearest = 10**6
        for k in range(m - 1, -1, -1):
            nearest = 0 if in_core[k] else nearest + 1
            dist_core[k] = min(dist_core[k], nearest)

    # Lexical cohesion with the core: the article's lines share names and topic words.
    lex = [{t for t in page.words(i) if len(t) >= 4} for i in nb]
    df: dict[str, int] = {}
    for k in core_idx:
        for t in lex[k]:
            df[t] = df.get(t, 0) + 1
    cohesion = [0.0] * m
    cohesion2 = [0.0] * m
    for k in range(m):
        if len(lex[k]) < 3:
            continue
        own = 1 if in_core[k] else 0
        cohesion[k] = sum(1 for t in lex[k] if df.get(t, 0) - own >= 1) / len(lex[k])
        cohesion2[k] = sum(1 for t in lex[k] if df.get(t, 0) - own >= 2) / len(lex[k])

    n_chars = [len(s) or 1 for s in stripped]
    tails = [s.rstrip(TAIL) for s in stripped]
    n_ends = [count_sentence_ends(s) for s in stripped]
    cap_share = []
    for s in stripped:
        initials = [t[0] for t in s.split() if t[0].isalpha()]
        cap_share.append(sum(map(str.isupper, initials)) / len(initials) if initials else 0.0)
    in_body = [b0 >= 0 and b0 <= k <= b1 for k in range(m)]
    prev_prose = [False, *prose[:-1]]
    next_prose = [*prose[1:], False]
    prev_title = [False, *title[:-1]]
    zeros = [0.0] * m
    before_core = [first_core - k if core_idx and k < first_core else 0 for k in range(m)]
    after_core = [k - last_core if core_idx and k > last_core else 0 for k in range(m)]
    before_bins = [_bins(d) for d in before_core]
    after_bins = [_bins(d) for d in after_core]

    def f(values: list[bool]) -> Sequence[float]:
        # Booleans are numbers (True == 1): no conversion needed.
        return values

    def shift(values: list[bool], by: int) -> Sequence[float]:
        if by > 0:  # the line `by` above
            return [False] * by + values[:-by]
        return values[-by:] + [False] * (-by)

    return {
        "log_words": [math.log1p(w) / 4 for w in words],
        "w1": f([w == 1 for w in words]),
        "w2_3": f([2 <= w <= 3 for w in words]),
        "w4_7": f([4 <= w <= 7 for w in words]),
        "w8_14": f([8 <= w <= 14 for w in words]),
        "w15_29": f([15 <= w <= 29 for w in words]),
        "w30p": f([w >= 30 for w in words]),
        "ends_sentence": f(ends),
        "sent_ends": [min(n, 4) / 4 for n in n_ends],
        "prose": f(prose),
        "lower_start": f([s[:1].islower() for s in stripped]),
        "cap_share": cap_share,
        "digit_share": [d / n for d, n in zip(n_digits, n_chars, strict=True)],
        "punct_share": [len(_PUNCT.findall(s)) / n for s, n in zip(stripped, n_chars, strict=True)],
        "separators": [min(len(_SEPARATOR.findall(s)), 3) / 3 for s in stripped],
        "url": f(
            [
                ("://" in s or "www." in s or "@" in s) and _URLISH.search(s) is not None
                for s in stripped
            ]
        ),
        "glued": f([_GLUED.search(s) is not None for s in stripped]),
        "dquote": f([not _DQ.isdisjoint(s) for s in stripped]),
        "colon_end": f([t.endswith(":") for t in tails]),
        "ellipsis_end": f([t.endswith(("...", "…")) for t in tails]),
        "question_end": f([t.endswith("?") for t in tails]),
        "byline": f([BYLINE.match(s) is not None for s in stripped]),
        "date": f(has_date),
        "time": f(has_time),
        "copyright": f(
            ["©" in s or "copyright" in low for s, low in zip(stripped, lowers, strict=True)]
        ),
        "det_removed": f(rem),
        "det_frame": f([i in frame for i in nb]),
        "pos": [k / m for k in range(m)],
        "in_body": f(in_body),
        "before_body": [math.log1p(b0 - k) / 5 if b0 >= 0 and k < b0 else 0.0 for k in range(m)],
        "after_body": [math.log1p(k - b1) / 5 if b0 >= 0 and k > b1 else 0.0 for k in range(m)],
        "body_edge": f([b0 >= 0 and (abs(k - b0) <= 2 or abs(k - b1) <= 2) for k in range(m)]),
        "prose_in_body": f([a and b for a, b in zip(in_body, prose, strict=True)]),
        "prose_outside": f([not a and b for a, b in zip(in_body, prose, strict=True)]),
        "short_in_body": f([a and b for a, b in zip(in_body, short, strict=True)]),
        "prose_w2": _window_share(pp, pw, m, 2),
        "prose_w6": _window_share(pp, pw, m, 6),
        "prose_w20": _window_share(pp, pw, m, 20),
        "short_w3": _window_frac(_prefix(short), m, 3),
        "removed_w3": _window_frac(_prefix(rem), m, 3),
        "prev_prose": f(prev_prose),
        "next_prose": f(next_prose),
        "prev_words": [0.0] + [math.log1p(w) / 4 for w in words[:-1]],
        "next_words": [math.log1p(w) / 4 for w in words[1:]] + [0.0],
        "short_run": [math.log1p(n) / 4 for n in _run_lengths(short)],
        "teaser": f(
            [
                e and n <= 1 and w <= 35 and t
                for e, n, w, t in zip(ends, n_ends, words, prev_title, strict=True)
            ]
        ),
        "page_prose_share": [sum(prose) / m] * m,
        "page_lines": [math.log1p(m) / 6] * m,
        "isolated_prose": f(
            [p and not a and not b for p, a, b in zip(prose, prev_prose, next_prose, strict=True)]
        ),
        "date_w5": _window_frac(_prefix(dated), m, 5),
        "gap_max": [math.log1p(g) / 4 for g in gap_max],
        "gap_count": [min(g, 4) / 4 for g in gap_count],
        "cohesion": cohesion,
        "cohesion2": cohesion2,
        "long_run": [math.log1p(n) / 3 for n in _run_lengths([w >= 10 for w in words])],
        "cohesion2_long": [c if w >= 10 else 0.0 for c, w in zip(cohesion2, words, strict=True)],
        "in_core": f(in_core),
        "dist_core": ([math.log1p(min(d, 1000)) / 4 for d in dist_core] if core_idx else [1.0] * m),
        "after_core": [math.log1p(d) / 4 if d else 0.0 for d in after_core],
        "before_core": [math.log1p(d) / 4 if d else 0.0 for d in before_core],
        "wrapped": f([p and not q for p, q in zip(prose, line_prose, strict=True)]),
        "noend": f(noend),
        "noend_w5": _window_frac(_prefix(noend), m, 5),
        "noend_run": [math.log1p(n) / 3 for n in _run_lengths(noend)],
        "prev_noend": shift(noend, 1),
        "next_noend": shift(noend, -1),
        "prev_short": shift(short, 1),
        "next_short": shift(short, -1),
        "prev_removed": shift(rem, 1),
        "next_removed": shift(rem, -1),
        "prev_dated": shift(dated, 1),
        "next_dated": shift(dated, -1),
        "prev2_prose": shift(prose, 2) if m > 2 else zeros,
        "next2_prose": shift(prose, -2) if m > 2 else zeros,
        "dated": f(dated),
        "before_core_1_3": [b[0] for b in before_bins],
        "before_core_4_10": [b[1] for b in before_bins],
        "before_core_11_30": [b[2] for b in before_bins],
        "before_core_31p": [b[3] for b in before_bins],
        "after_core_1_3": [b[0] for b in after_bins],
        "after_core_4_10": [b[1] for b in after_bins],
        "after_core_11_30": [b[2] for b in after_bins],
        "after_core_31p": [b[3] for b in after_bins],
    }
