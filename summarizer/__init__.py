"""summarizer: schema-validated, evidence-grounded analyses of news articles.

from summarizer import summarize, Summarizer, analyze_quality
result = summarize(text, targets=["Iran"])          # embedded local model by default
s = Summarizer(backend="openai", model="gpt-4o-mini")
"""

from .api import Summarizer, run_batch, summarize
from .config import Settings, load_settings
from .errors import BackendError, ConfigError, GroundingError, InputError, SummarizerError
from .inputs import Article
from .quality import analyze_quality
from .schemas import SCHEMA_VERSION, ArticleAnalysis

__all__ = [
    "SCHEMA_VERSION",
    "Article",
    "ArticleAnalysis",
    "BackendError",
    "ConfigError",
    "GroundingError",
    "InputError",
    "Settings",
    "Summarizer",
    "SummarizerError",
    "analyze_quality",
    "load_settings",
    "run_batch",
    "summarize",
]
