"""Placeholder text: lorem ipsum and pseudo-Latin filler, and generated word salad.

Pseudo-Latin is recognised by vocabulary: the share of a line's words that are Latin
filler words. A real quote with a Latin phrase ("alea iacta est", "de facto") has a small
share; filler has nearly all of its words in the list. Word salad is a long line of words
with almost no function words, on a page that is otherwise normal prose.
"""

from __future__ import annotations

import re

from ..schemas import FlagKind, Severity
from .base import Finding, Page, excerpt, runs, words_of, wordset

# Latin words that filler generators draw from (Cicero's "De finibus" and the classic
# typesetting sample). Words that are also everyday English ("a", "in", "do", "at", "id",
# "ex", "hic") are left out so that English prose never scores.
LATIN = wordset(
    """lorem ipsum dolor dolore dolorem doloremque dolores doloribus dolorum sit amet
    consectetur consectetuer adipiscing adipisci elit sed eiusmod tempor tempora tempore
    temporibus incididunt ut labore laboris laborum laboriosam et dolore magna magnam magni
    aliqua aliquam aliquid aliquip enim minim minima minus veniam quis quisquam quidem
    nostrud nostrum exercitation exercitationem ullamco ullam nisi commodo commodi consequat
    consequatur consequuntur duis aute irure reprehenderit voluptate voluptas voluptatem
    voluptates voluptatibus voluptatum velit esse cillum eu fugiat fugit fuga nulla pariatur
    excepteur sint occaecat occaecati cupidatat cupiditate non proident sunt culpa qui
    officia officiis deserunt mollit mollitia anim est laborum accusamus accusantium alias
    animi aperiam architecto asperiores aspernatur assumenda atque aut autem beatae
    blanditiis corporis corrupti cum cumque debitis delectus deleniti dicta dignissimos
    distinctio ducimus ea eaque earum eius eligendi eos eum eveniet excepturi expedita
    explicabo facere facilis harum illo illum impedit incidunt inventore ipsa ipsam iste
    itaque iure iusto libero maiores maxime molestiae molestias nam natus necessitatibus
    nemo neque nesciunt nihil nobis numquam obcaecati odio odit omnis optio perferendis
    perspiciatis placeat porro possimus praesentium provident quae quaerat quam quas quasi
    quia quibusdam quo quod quos ratione recusandae reiciendis rem repellat repellendus
    repudiandae rerum saepe sapiente sequi similique soluta suscipit tenetur totam unde vel
    veritatis vero vitae ab ad nisl nunc mauris vestibulum pellentesque praesent fusce
    donec aenean curabitur phasellus integer nullam morbi etiam cras vivamus quisque
    maecenas sapien lectus tellus tortor risus augue felis ante diam ligula justo lacus
    orci massa eros nibh odio arcu leo urna purus metus neque turpis mi dui erat semper
    ultrices ultricies viverra faucibus tincidunt sollicitudin malesuada fermentum"""
)
_MIN_WORDS = 4
_LATIN_SHARE = 0.6
# An unfilled template slot: "[Insert quote from the head librarian]", "[TK]", "[Your name]".
_SLOT = re.compile(
    r"\[(?:insert|add|include|enter|paste|your|placeholder|todo|tk|tbd|tbc|xx+|name of|"
    r"quote from|link to)\b[^\]\n]{0,150}\]",
    re.IGNORECASE,
)

# Function words of English and a few other languages written with spaces; a line of 15+
# words with (almost) none of them is not a sentence in any of them.
_FUNCTION = wordset(
    """the a an and or but of to in on at by for with from as is are was were be been has
    have had it its this that these those he she they we you i his her their our not no
    which who whom what when where while if than then so also into over after before about
    said says will would can could should may might
    der die das und ist nicht mit von zu den des dem ein eine im sich auf
    le la les et est une un du de que en des pas pour dans sur qui
    el los las y por con para una es se lo del al
    il di che è per non gli della
    o os um uma em não do da
    het een van op niet"""
)
_SALAD_MIN_WORDS = 15
_SALAD_MAX_FUNCTION_SHARE = 0.04
# The page must read as prose in one of those languages before lines are judged by them.
_PAGE_MIN_FUNCTION_SHARE = 0.25


def latin_share(text: str) -> float:
    """Share of text's words that are Latin filler vocabulary (0 below four words)."""
    words = words_of(text[:5000])
    if len(words) < _MIN_WORDS:
        return 0.0
    return sum(1 for w in words if w in LATIN) / len(words)


def _page_is_prose(page: Page) -> bool:
    """Enough function words overall to judge a single line by them."""
    sample = words_of(" ".join(page.stripped)[:20_000])
    if len(sample) < 50:
        return False
    return sum(1 for w in sample if w in _FUNCTION) / len(sample) >= _PAGE_MIN_FUNCTION_SHARE


def detect(page: Page) -> list[Finding]:
    """Critical removing findings for pseudo-Latin lines; warnings for word salad."""
    latin: list[int] = []
    salad: list[int] = []
    english: bool | None = None
    # Filler uses many different Latin words; a page with few of them has no filler line.
    check_latin = len(page.vocab & LATIN) >= 3
    for i in page.nonblank:
        if page.n_words[i] < _MIN_WORDS:
            continue
        s = page.stripped[i]
        if check_latin:
            words = page.words(i)
            hits = sum(1 for w in words if w in LATIN)
            if len(words) >= _MIN_WORDS and hits >= _LATIN_SHARE * len(words):
                latin.append(i)
                continue
        if page.n_words[i] >= _SALAD_MIN_WORDS and "," not in s[:400]:
            words = page.words(i)
            if len(words) < _SALAD_MIN_WORDS:
                continue
            function = sum(1 for w in words if w in _FUNCTION) / len(words)
            if function <= _SALAD_MAX_FUNCTION_SHARE:
                if english is None:
                    english = _page_is_prose(page)
                if english:
                    salad.append(i)
    out = [
        Finding(
            FlagKind.placeholder_text,
            Severity.critical,
            a + 1,
            b + 1,
            "pseudo-Latin placeholder text (lorem-ipsum vocabulary), not real content",
            removed=True,
        )
        for a, b in runs(latin, page)
    ]
    out.extend(
        Finding(
            FlagKind.placeholder_text,
            Severity.warning,
            a + 1,
            b + 1,
            "word salad: a long run of words with no grammar (no function words) on a "
            "page of normal prose, likely generated filler",
            removed=True,
        )
        for a, b in runs(salad, page)
    )
    out.extend(_slots(page, set(latin) | set(salad)))
    return out


def _slots(page: Page, taken: set[int]) -> list[Finding]:
    """Unfilled template slots: the line is removed when the slot is all it says (critical:
    the page was published from a template without being checked); a slot inside a
    sentence is flagged and the line kept."""
    out: list[Finding] = []
    if "[" not in page.text_lower:
        return out
    for i in page.nonblank:
        s = page.stripped[i]
        if i in taken or "[" not in s or len(s) > 5000:
            continue
        m = _SLOT.search(s)
        if m is None:
            continue
        rest = (s[: m.start()] + s[m.end() :]).strip(" \"'“”‘’«».,;:!?-–—()")
        alone = len(rest.split()) <= 3
        out.append(
            Finding(
                FlagKind.placeholder_text,
                Severity.critical if alone else Severity.warning,
                i + 1,
                i + 1,
                "unfilled template slot ("
                + m.group(0)[:60]
                + ("), the whole line: removed" if alone else ") inside a sentence; kept"),
                removed=alone,
                evidence=None if alone else excerpt(s, m.start(), m.end()),
            )
        )
    return out
