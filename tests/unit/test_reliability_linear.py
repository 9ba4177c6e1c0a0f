"""Issue 12, case 10: every step before the first model request is linear in the input.

No timing assertions: each test runs a size at which the quadratic code measured here would
take many minutes (44.6 s for 200,000 lines in the issue, growing fourfold per doubling),
while the linear code takes seconds, and pytest-timeout turns a regression into a failure
instead of a hang.
"""

from __future__ import annotations

import pytest

from summarizer.backends.base import BaseBackend
from summarizer.config import Settings
from summarizer.inputs import Article
from summarizer.pipeline import Pipeline, _without_flagged_sentences
from summarizer.schemas import Flag, FlagKind, FlagSource, Sentence, Severity


class BigWindow(BaseBackend):
    """A backend that is never called: a server model's window, the default token estimate."""

    name = "stub"
    model = "stub"

    def __init__(self, window: int = 128_000) -> None:
        self.window = window

    @property
    def context_tokens(self) -> int:
        return self.window


def pipeline(window: int = 128_000) -> Pipeline:
    settings = Settings(backend="openai", api_key="k", max_input_chars=50_000_000)
    return Pipeline(settings, BigWindow(window))


@pytest.mark.timeout(120)
def test_fit_context_on_200000_lines() -> None:
    """The old `n not in keep_lines` list test: about 90,000 kept lines checked for each of
    110,000 cut ones, 10^10 comparisons."""
    n = 200_000
    sentences = [Sentence.model_construct(id=i, line=i + 1, text=f"Line {i}.") for i in range(n)]
    kept = list(range(1, n + 1))
    lines = [s.text for s in sentences]
    fitted, keep, flag = pipeline(window=600_000)._fit_context(sentences, kept, lines)
    assert flag is not None and flag.kind is FlagKind.context_overflow
    assert len(fitted) == len(keep) and 50_000 < len(keep) < n
    assert flag.start_line == keep[-1] + 1 and flag.end_line == n


@pytest.mark.timeout(120)
def test_dropping_flagged_sentences_on_40000_lines() -> None:
    """One call to action per paragraph: every sentence used to be compared with every flag."""
    n = 40_000
    sentences, flags = [], []
    for line in range(1, n + 1):
        base = 2 * (line - 1)
        text = f"The council met on day {line}."
        sentences.append(Sentence.model_construct(id=base, line=line, text=text))
        text = f"Subscribe now, reader {line}!"
        sentences.append(Sentence.model_construct(id=base + 1, line=line, text=text))
        flags.append(
            Flag.model_construct(
                kind=FlagKind.call_to_action,
                source=FlagSource.rule,
                severity=Severity.warning,
                start_line=line,
                end_line=line,
                evidence=f"Subscribe now, reader {line}!",
                explanation="a call to action",
                removed=False,
            )
        )
    kept = _without_flagged_sentences(sentences, flags)
    assert len(kept) == n and all(s.text.startswith("The council") for s in kept)
    assert [s.id for s in kept[:3]] == [0, 1, 2]


@pytest.mark.timeout(300)
def test_prepare_200000_short_lines() -> None:
    """The issue's case end to end: 200,000 short lines (2.5 MB) through every step of prepare
    and the request it builds (detectors, sentences, context fit, answer schema, prompt)."""
    text = "\n".join(f"Line {i}." for i in range(200_000))  # unique: none is a duplicate
    pipe = pipeline()
    prepared = pipe.prepare(Article.create(text, id="many", max_chars=50_000_000))
    request = pipe.request(prepared)
    assert prepared.sentences and request.messages
    overflow = [f for f in prepared.quality.flags if f.kind is FlagKind.context_overflow]
    assert overflow  # 2.5 MB is more than the 128k-token window: cut and flagged, not lost
