"""Test helpers shipped with the package: a local OpenAI-compatible server with fault injection."""

from .answers import build_answer
from .faults import FaultPlan, always
from .server import FakeOpenAIServer

__all__ = ["FakeOpenAIServer", "FaultPlan", "always", "build_answer"]
