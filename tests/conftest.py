"""Shared test set-up: paths, and the opt-in gate for live tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SEEDS = sorted(EXAMPLES.glob("*.txt"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Live tests call the real OpenAI API: they run only when explicitly asked for."""
    if os.environ.get("SUMMARIZER_LIVE_TESTS") == "1" and os.environ.get("OPENAI_API_KEY"):
        return
    skip = pytest.mark.skip(reason="live test: set SUMMARIZER_LIVE_TESTS=1 and OPENAI_API_KEY")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No summarizer or OpenAI settings leak in from the machine running the tests."""
    for name in list(os.environ):
        if name.startswith(("SUMMARIZER_", "OPENAI_")):
            monkeypatch.delenv(name, raising=False)
    return monkeypatch
