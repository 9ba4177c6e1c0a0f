"""Opt-in: the real OpenAI API.

Run with SUMMARIZER_LIVE_TESTS=1 OPENAI_API_KEY=... pytest -m live tests/live
"""

from __future__ import annotations

import os

import pytest

from summarizer.api import Summarizer
from summarizer.inputs import load_article
from summarizer.schemas import StanceLabel

from ..conftest import SEEDS
from ..integration.test_local_model import TARGETS

pytestmark = pytest.mark.live


def test_openai_abstractive_analysis_is_grounded() -> None:
    model = os.environ.get("SUMMARIZER_LIVE_MODEL", "gpt-4o-mini")
    s = Summarizer(backend="openai", model=model)
    article = load_article(SEEDS[0], targets=TARGETS)
    result = s.summarize(article)
    assert result.provenance.mode == "abstractive"
    assert 3 <= len(result.summary.key_points) <= 6
    requested = [st for st in result.stances if st.requested]
    assert [st.target for st in requested] == TARGETS
    assert all(st.label is not StanceLabel.not_mentioned for st in requested)
