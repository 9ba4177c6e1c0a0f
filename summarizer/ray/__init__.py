"""Ray Data for summarizer: `analyze(ds, settings)` maps a Dataset of article rows to a Dataset
of JSONL rows, and `run_batch_ray` is `summarizer batch --engine ray`. Ray itself is an
optional extra (`pip install 'summarizer[ray]'`), imported only when one of these runs."""

from .engine import (
    DEFAULT_ACTORS,
    DEFAULT_WINDOW,
    RowActor,
    WorkActor,
    analyze,
    run,
    run_batch_ray,
)

__all__ = [
    "DEFAULT_ACTORS",
    "DEFAULT_WINDOW",
    "RowActor",
    "WorkActor",
    "analyze",
    "run",
    "run_batch_ray",
]
