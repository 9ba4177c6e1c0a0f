"""The eval harness: hand-labelled fixtures, metrics, reports and regression gates.

`summarizer eval` calls `run_eval`; `summarizer eval compare` calls `compare_runs`.
"""

from .compare import compare_runs
from .runner import EvalReport, run_eval

__all__ = ["EvalReport", "compare_runs", "run_eval"]
