"""Entry module of a `--workers` child process: `python -m summarizer.batch.worker_process`.

Kept apart from workers.py because the package's __init__ already imports workers.py; running
that module with `-m` would execute it a second time as __main__ (runpy warns about it on the
child's stderr, which is the user's terminal, and the classes would exist twice).
"""

from __future__ import annotations

from .workers import main

if __name__ == "__main__":
    main()
