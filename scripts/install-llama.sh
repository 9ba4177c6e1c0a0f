#!/usr/bin/env bash
# Build llama-cpp-python for this CPU family and install it into the given Python environment.
#
# PyPI ships llama-cpp-python as source only. A native build (-march=native) on these machines
# crashes with "Illegal instruction" at the first decode: the CPU advertises AMX, which the
# sandbox refuses. So we build for a fixed, portable x86-64 feature set instead, never take a
# wheel from pip's cache (its key ignores CMAKE_ARGS), and keep our own wheel folder keyed by
# version + flags, so a rebuild happens only when either changes.
set -euo pipefail

PYTHON=${1:-.venv/bin/python}
VERSION=${LLAMA_CPP_VERSION:-0.3.36}
FLAGS=${LLAMA_CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON}
KEY=$(printf '%s|%s' "$VERSION" "$FLAGS" | sha256sum | cut -c1-16)
WHEEL_DIR=${SUMMARIZER_WHEEL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/summarizer/wheels}/llama-cpp-python-$VERSION-$KEY

installed=$("$PYTHON" - <<PY 2>/dev/null || true
import importlib.metadata as m, pathlib
try:
    d = m.distribution("llama-cpp-python")
    marker = pathlib.Path(d.locate_file("llama_cpp")) / ".summarizer-build-key"
    print(d.version + ":" + (marker.read_text().strip() if marker.exists() else ""))
except m.PackageNotFoundError:
    pass
PY
)
if [[ "$installed" == "$VERSION:$KEY" ]]; then
    echo "llama-cpp-python $VERSION ($KEY) already installed"
    exit 0
fi

if ! ls "$WHEEL_DIR"/llama_cpp_python-*.whl >/dev/null 2>&1; then
    echo "building llama-cpp-python $VERSION with CMAKE_ARGS='$FLAGS' (about 5 minutes on 2 cores)"
    tmp=$(mktemp -d)
    CMAKE_ARGS="$FLAGS" FORCE_CMAKE=1 "$PYTHON" -m pip wheel --no-cache-dir --no-deps \
        --no-binary llama-cpp-python -w "$tmp" "llama-cpp-python==$VERSION"
    mkdir -p "$WHEEL_DIR"
    mv "$tmp"/llama_cpp_python-*.whl "$WHEEL_DIR"/
    rm -rf "$tmp"
fi
"$PYTHON" -m pip install --no-cache-dir --force-reinstall --no-deps "$WHEEL_DIR"/llama_cpp_python-*.whl
# Its runtime dependencies, from the index as usual.
"$PYTHON" -m pip install "numpy>=1.20" "diskcache>=5.6" "typing-extensions>=4.5" "jinja2>=2.11.3"
pkg_dir=$("$PYTHON" -c 'import llama_cpp, os; print(os.path.dirname(llama_cpp.__file__))')
echo "$KEY" > "$pkg_dir/.summarizer-build-key"
echo "llama-cpp-python $VERSION installed from $WHEEL_DIR"
