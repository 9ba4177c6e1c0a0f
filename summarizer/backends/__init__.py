"""Model backends: each turns a GenerationRequest into a validated answer."""

from __future__ import annotations

from ..config import Settings
from .base import Backend, BaseBackend, Generation, GenerationRequest
from .local import LocalBackend
from .openai import OpenAIBackend

__all__ = ["Backend", "BaseBackend", "Generation", "GenerationRequest", "make_backend"]


def make_backend(settings: Settings) -> Backend:
    """The backend the settings select (loading a model waits for the first call)."""
    if settings.resolved_backend == "local":
        local = LocalBackend(settings)
        if settings.resolved_mode != "extractive" or settings.resolved_article_type_judge == "llm":
            local.require_model()  # it will be called: a missing model is an error now
        return local
    return OpenAIBackend(settings)
