"""Test helpers shipped with the package: a local OpenAI-compatible server with fault injection."""

from .fake_openai import FakeOpenAIServer, FaultPlan, always, build_answer

__all__ = ["FakeOpenAIServer", "FaultPlan", "always", "build_answer"]
