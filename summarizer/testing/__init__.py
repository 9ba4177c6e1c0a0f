"""Test helpers shipped with the package: a local OpenAI-compatible server with fault injection,
and a logging proxy for real servers."""

from .answers import build_answer
from .faults import FaultPlan, always
from .proxy import LoggingProxy, ProxyEntry
from .server import FakeOpenAIServer

__all__ = [
    "FakeOpenAIServer",
    "FaultPlan",
    "LoggingProxy",
    "ProxyEntry",
    "always",
    "build_answer",
]
