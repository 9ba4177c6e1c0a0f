"""Many articles through one pipeline: planning, driving, worker processes, the JSONL output.

Nothing here builds a model or imports the public API: callers hand in a ready pipeline
(see `summarizer.api.run_batch` and `Summarizer.summarize_many`).
"""

from .drive import asummarize_many, in_flight_limit, summarize_many
from .plan import BatchOptions, parse_shard, shard_of
from .rows import Analyzer, BatchItem
from .runner import arun_batch, run_batch
from .stats import BatchStats

__all__ = [
    "Analyzer",
    "BatchItem",
    "BatchOptions",
    "BatchStats",
    "arun_batch",
    "asummarize_many",
    "in_flight_limit",
    "parse_shard",
    "run_batch",
    "shard_of",
    "summarize_many",
]
