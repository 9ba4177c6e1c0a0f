"""Ray is an optional extra: importing the package, its CLI and its Ray module loads none of it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_nothing_imports_ray_until_a_ray_batch_runs() -> None:
    code = (
        "import sys, summarizer, summarizer.cli, summarizer.ray, summarizer.batchapi; "
        "print(sorted(m for m in sys.modules if m == 'ray' or m.startswith('ray.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "[]"
