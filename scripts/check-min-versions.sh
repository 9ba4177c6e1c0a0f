#!/usr/bin/env bash
# Prove the dependency floors: a fresh venv on the lowest supported Python (requires-python),
# every runtime dependency at exactly its `>=` floor from pyproject.toml (a pip constraints
# file made by scripts/floor_constraints.py), the `test` extra at current versions, then
# the unit tests, the OpenAI-backend tests against the fake server and the URL-fetch tests.
#
#   scripts/check-min-versions.sh                  # the default tests below
#   scripts/check-min-versions.sh tests/unit -x    # other pytest arguments
#
# MIN_PYTHON=/path/to/python overrides the interpreter search. The venv lives in a temporary
# folder and is removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
host_python=${HOST_PYTHON:-python3}  # reads pyproject.toml: needs tomllib (3.11+) or tomli

want=$("$host_python" scripts/floor_constraints.py --python)

# The interpreter: MIN_PYTHON, else a python$want on PATH or under pyenv (pyenv's shim for a
# version that is not selected exits non-zero, hence the probe), else python3 with a warning.
is_wanted() { "$1" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$want'.split('.'))))" 2>/dev/null; }
python=""
if [ -n "${MIN_PYTHON:-}" ]; then
    python=$MIN_PYTHON
else
    pyenv_root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
    for candidate in "python$want" "$pyenv_root"/versions/"$want".*/bin/python"$want"; do
        if is_wanted "$candidate"; then python=$candidate; break; fi
    done
    if [ -z "$python" ]; then
        python=python3
        echo "min-versions: WARNING: no Python $want found; testing the floors on $($python --version)" >&2
    fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"; echo "min-versions: cleaned up at $((SECONDS - started)) s"' EXIT
"$host_python" scripts/floor_constraints.py > "$work/constraints.txt"
echo "min-versions: $($python --version) with the floors:"
sed 's/^/  /' "$work/constraints.txt"

"$python" -m venv "$work/venv"
# pip's stderr minus this machine's notes about index folders that do not exist.
pip() {
    "$work/venv/bin/python" -m pip --disable-pip-version-check "$@" 2>"$work/pip.err" \
        || { cat "$work/pip.err" >&2; return 1; }
    grep -v "is ignored: it is neither a file nor a directory" "$work/pip.err" >&2 || true
}
pip install --quiet --constraint "$work/constraints.txt" --editable ".[test]"
pip check
echo "min-versions: installed in $((SECONDS - started)) s"

# Unit tests never build an openai or httpx2 client. These run the OpenAI backend (openai,
# instructor's request modes, tenacity's retries) against the fake server and the URL fetcher
# (httpx2) against a local page server, in about 30 s.
server=tests/integration/test_batch_server.py
default=(
    tests/unit
    tests/integration/test_url_fetch.py
    "$server::test_default_answers_pass_the_real_pipeline_in_every_request_style"
    "$server::test_summarize_many_against_the_server"
    "$server::test_asummarize_many_against_the_server"
    -q -p no:cacheprovider
)
[ $# -gt 0 ] || set -- "${default[@]}"
status=0
env -u PYTHONPATH "$work/venv/bin/python" -m pytest "$@" || status=$?
echo "min-versions: finished in $((SECONDS - started)) s (exit $status)"
exit "$status"
