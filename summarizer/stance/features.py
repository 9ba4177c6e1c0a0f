"""Features of one target mention in one sentence, shared by training and inference.

The same function builds the features when training/train_stance.py fits the model and when
the shipped classifier labels an article, so the two cannot drift apart. Every feature is a
string key with a float value (1.0 for indicators); the linear model is a weight per
(class, key).

What the features describe (why each is there, measured on NewsMTSC, see train_stance.py):
- the sentence's words and word pairs, with the target's own words replaced by "<t>" (the
  target's name says nothing about how it is portrayed; "<t> said" and "support <t>" do);
- the words in a window left and right of the mention, and the words right next to it
  (what the target does, what is done to it);
- cues of position and voice: the target opens the sentence (usually its subject), is the
  agent after "by", is inside a quotation, the sentence reports speech;
- a negation word shortly before the mention or in the sentence;
- optionally, lexicon scores of the sentence and of the window (VADER), when the model was
  trained with them (the model file says so).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import pairwise

from .mentions import fold_chars

TARGET = "<t>"
WINDOW = 6

_TOKEN = re.compile(
    r"[^\W_]+(?:-[^\W_]+)*(?=n't\b)"  # "do" of "don't"
    r"|n't\b"
    r"|'s\b"
    r"|[^\W_]+(?:[-'][^\W_]+)*"
    r"|[^\w\s]",
    re.UNICODE,
)
_NUMBER = re.compile(r"^\d[\d,.]*$")
NEGATIONS = frozenset(
    "not no never n't without nor neither none nobody nothing cannot hardly".split()
)
_REPORTING = frozenset(
    """said says say told tells stated states claimed claims added adds argued argues wrote
    writes according insisted insists noted notes warned warns announced announces
    explained explains""".split()
)
_QUOTES = frozenset('"')

# A lexicon scorer: text -> (positive, negative, compound), e.g. VADER's polarity_scores.
Scorer = Callable[[str], tuple[float, float, float]]


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Lower-cased tokens with their [start, end) offsets in `text`."""
    folded = fold_chars(text)
    out = []
    for m in _TOKEN.finditer(folded):
        tok = m.group().lower()
        if _NUMBER.match(tok):
            tok = "<num>"
        out.append((tok, m.start(), m.end()))
    return out


def inside_quotes(text: str, start: int) -> bool:
    """True when an odd number of double quotes precede `start` (a quotation is open)."""
    before = fold_chars(text[:start]).replace("\u201c", '"').replace("\u201d", '"')
    return before.count('"') % 2 == 1


def mention_features(
    text: str,
    span: tuple[int, int],
    other_spans: Sequence[tuple[int, int]] = (),
    scorer: Scorer | None = None,
) -> dict[str, float]:
    """Features of the target mentioned at `span` (other mentions of the same target in
    `other_spans` are masked too)."""
    tokens = tokenize(text)
    spans = [span, *other_spans]
    words: list[str] = []
    first = -1
    for i, (tok, a, b) in enumerate(tokens):
        in_target = any(a < e and s < b for s, e in spans)
        if first < 0 and a < span[1] and span[0] < b:
            first = i
        # Collapse a multi-token mention to one "<t>".
        if in_target:
            if words and words[-1] == TARGET:
                continue
            words.append(TARGET)
        else:
            words.append(tok)
    feats: dict[str, float] = {"bias": 1.0}
    if first < 0:  # the span falls between tokens: treat the sentence as a whole
        first = 0
    # Index of the main mention among the collapsed words.
    t_index = _collapsed_index(tokens, spans, first)
    content = [w for w in words if w != TARGET]
    for w in content:
        feats[f"u:{w}"] = 1.0
    for w1, w2 in pairwise(words):
        feats[f"b:{w1}|{w2}"] = 1.0
    left = [w for w in words[max(0, t_index - WINDOW) : t_index] if w != TARGET]
    right = [w for w in words[t_index + 1 : t_index + 1 + WINDOW] if w != TARGET]
    for w in left:
        feats[f"l:{w}"] = 1.0
    for w in right:
        feats[f"r:{w}"] = 1.0
    nxt = words[t_index + 1 : t_index + 3]
    if nxt and nxt[0] == "'s":
        feats["poss"] = 1.0
        nxt = nxt[1:]
    if nxt:
        feats[f"r1:{nxt[0]}"] = 1.0
    if t_index > 0:
        feats[f"l1:{words[t_index - 1]}"] = 1.0
        if t_index > 1:
            feats[f"l2:{words[t_index - 2]}|{words[t_index - 1]}"] = 1.0
    if t_index <= 1:
        feats["pos:first"] = 1.0
    if t_index > 0 and words[t_index - 1] == "by":
        feats["pos:agent"] = 1.0
    if any(w in NEGATIONS for w in left):
        feats["neg:left"] = 1.0
    if any(w in NEGATIONS for w in content):
        feats["neg:sent"] = 1.0
    if any(w in _REPORTING for w in content):
        feats["report"] = 1.0
    if inside_quotes(text, span[0]):
        feats["quote:in"] = 1.0
    elif any(w in _QUOTES for w in content):
        feats["quote:has"] = 1.0
    if scorer is not None:
        pos, neg, compound = scorer(text)
        feats["lex:pos"] = pos
        feats["lex:neg"] = neg
        feats["lex:compound"] = compound
        window = " ".join([*left, *right])
        if window:
            wpos, wneg, wcomp = scorer(window)
            feats["lexw:pos"] = wpos
            feats["lexw:neg"] = wneg
            feats["lexw:compound"] = wcomp
    return feats


def _collapsed_index(
    tokens: Sequence[tuple[str, int, int]], spans: Sequence[tuple[int, int]], first: int
) -> int:
    """Position of token `first` once every target run is collapsed into one token."""
    index = -1
    previous_target = False
    for i, (_tok, a, b) in enumerate(tokens):
        in_target = any(a < e and s < b for s, e in spans)
        if not (in_target and previous_target):
            index += 1
        previous_target = in_target
        if i == first:
            return index
    return max(index, 0)
