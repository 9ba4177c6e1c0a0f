"""Provider Batch APIs (OpenAI's, and vLLM's `run-batch` file format): the same articles, the
same prepared requests and the same validated rows as `summarizer batch`, at batch prices.

submit: prepare every article as the direct path does and write one request line each
(`prepare.py`, bodies built by instructor's own request handlers in `wire.py`), split by the
provider's limits, uploaded and started (`provider.py`), with a small state file (`state.py`).
collect: download the result files, validate each answer with the same models and grounding
validators, repair failures through direct calls, and write the rows through the batch runner
(`collect.py`, `results.py`). `run.py` ties the steps together for the CLI.
"""

from .collect import BatchAnswers, Repair
from .prepare import MAX_BYTES, MAX_REQUESTS, Limits, build_requests
from .results import LineResult, ResultIndex, parse_line
from .run import cancel, collect, describe, refresh, settings_for, submit
from .state import BatchState, Part, custom_id, load_state, run_digest
from .wire import Wire, encode_line

__all__ = [
    "MAX_BYTES",
    "MAX_REQUESTS",
    "BatchAnswers",
    "BatchState",
    "Limits",
    "LineResult",
    "Part",
    "Repair",
    "ResultIndex",
    "Wire",
    "build_requests",
    "cancel",
    "collect",
    "custom_id",
    "describe",
    "encode_line",
    "load_state",
    "parse_line",
    "refresh",
    "run_digest",
    "settings_for",
    "submit",
]
