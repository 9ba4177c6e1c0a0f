"""Model backends: each turns a GenerationRequest into a validated answer."""

from __future__ import annotations

from ..config import Settings
from .base import Backend, Generation, GenerationRequest

__all__ = ["Backend", "Generation", "GenerationRequest", "make_backend"]


def make_backend(settings: Settings) -> Backend:
    """The backend the settings select; imports only what that backend needs."""
    if settings.resolved_backend == "local":
        from .local import LocalBackend

        return LocalBackend(settings)
    from .openai import OpenAIBackend

    return OpenAIBackend(settings)
