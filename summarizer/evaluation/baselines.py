"""Model-free baselines that every report shows beside the model's numbers.

- Lead-3: the first three sentences of the clean text (the text after the quality detectors
  removed boilerplate; the raw text when the detectors are unavailable). A summary that
  covers fewer key facts than Lead-3 adds nothing over copying the lede.
- Majority class: every expected stance gets the label most common among all expected
  stances of the fixture set. Computed on the whole set (it is an upper bound for a real
  majority baseline, which would have to guess the label without seeing the labels).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..lines import split_lines
from ..quality import analyze_quality
from ..schemas import StanceLabel
from ..sentences import split_sentences
from .fixtures import LoadedFixture
from .metrics import label_macro_f1, ratio

# Lead-3 is taken from the clean text (the detectors' output), as the pipeline sees it.
LEAD3_SOURCE = "clean"


def clean_text_of(text: str) -> tuple[str, str]:
    """The text with boilerplate lines removed, and which source it is (LEAD3_SOURCE)."""
    return analyze_quality(text).clean_text, LEAD3_SOURCE


def lead_sentences(text: str, n: int = 3) -> list[str]:
    """The first n sentences of a text, line by line."""
    out: list[str] = []
    for line in split_lines(text):
        for sentence in split_sentences(line):
            out.append(sentence)
            if len(out) == n:
                return out
    return out


def lead3(text: str) -> tuple[list[str], str]:
    """Lead-3 of the clean text, and the text source used."""
    clean, source = clean_text_of(text)
    return lead_sentences(clean, 3), source


@dataclass(frozen=True)
class MajorityBaseline:
    """The majority-class stance baseline over a fixture set."""

    label: StanceLabel | None
    n: int
    accuracy: float | None
    macro_f1: float | None


def majority_stance(fixtures: Sequence[LoadedFixture]) -> MajorityBaseline:
    """Predict the most common expected label for every expected stance (ties: by name)."""
    gold = [s.label for f in fixtures for s in f.fixture.expected_stances]
    if not gold:
        return MajorityBaseline(None, 0, None, None)
    counts = Counter(gold)
    label = min(counts, key=lambda lab: (-counts[lab], lab.value))
    pred = [label] * len(gold)
    return MajorityBaseline(
        label=label,
        n=len(gold),
        accuracy=ratio(counts[label], len(gold)),
        macro_f1=label_macro_f1(gold, pred),
    )
