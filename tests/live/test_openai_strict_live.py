"""Opt-in: OpenAI's strict structured outputs with our schemas, and a reasoning model.

    SUMMARIZER_LIVE_TESTS=1 OPENAI_API_KEY=... pytest tests/live/test_openai_strict_live.py

OpenAI refuses (HTTP 400) a strict schema outside its subset, so an accepted request in each
style is the live check of summarizer/backends/strict.py; the unit tests check the same rules
offline. SUMMARIZER_LIVE_MODEL (default gpt-4o-mini) and SUMMARIZER_LIVE_REASONING_MODEL
(default o4-mini) choose the models.
"""

from __future__ import annotations

import os

import pytest

from summarizer.api import Summarizer
from summarizer.backends.servers import forget_servers
from summarizer.inputs import load_article

from ..conftest import SEEDS
from ..integration.test_local_model import TARGETS

pytestmark = pytest.mark.live


@pytest.mark.parametrize("openai_mode", ["json_schema", "tools"])
@pytest.mark.parametrize("mode", ["abstractive", "extractive"])
def test_strict_schemas_are_accepted_in_both_styles(mode: str, openai_mode: str) -> None:
    forget_servers()
    model = os.environ.get("SUMMARIZER_LIVE_MODEL", "gpt-4o-mini")
    s = Summarizer(backend="openai", model=model, mode=mode, openai_mode=openai_mode)
    result = s.summarize(load_article(SEEDS[1], targets=TARGETS))
    assert result.provenance.structured_output_mode == f"{openai_mode}_strict"
    assert result.provenance.attempts <= 2  # accepted at once: no refused request
    requested = [st.target for st in result.stances if st.requested]
    assert requested == TARGETS


def test_a_reasoning_model_takes_max_completion_tokens_and_no_temperature() -> None:
    forget_servers()
    model = os.environ.get("SUMMARIZER_LIVE_REASONING_MODEL", "o4-mini")
    s = Summarizer(backend="openai", model=model, mode="abstractive")
    result = s.summarize(load_article(SEEDS[0], targets=TARGETS))
    # OpenAI answers max_tokens or temperature=0 for these models with a 400; none was sent.
    assert result.provenance.attempts <= 2
    assert result.provenance.structured_output_mode == "tools_strict"
