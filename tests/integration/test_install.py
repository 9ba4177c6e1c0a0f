"""A non-editable `pip install .` into a fresh venv works from another directory: the prompt
templates and schemas ship inside the built package."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from ..conftest import ROOT, SEEDS

pytestmark = pytest.mark.integration


def run(args: list[str], cwd: Path) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_wheel_installs_and_runs_outside_the_source_tree(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        cwd=tmp_path)  # fmt: skip
    wheel = next(wheels.glob("summarizer-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "summarizer/py.typed" in names, "type information ships with the package"
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    run([str(py), "-m", "pip", "install", "-q", str(wheel)], cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = run([str(py), "-c", "import summarizer, sys; print(summarizer.__file__)"], elsewhere)
    assert str(env_dir) in where and str(ROOT) not in where
    schema = json.loads(run([str(env_dir / "bin" / "summarizer"), "schema"], elsewhere))
    assert "summary" in schema["properties"]
    versions = run(
        [str(py), "-c",
         "from summarizer.prompting import load_prompt;"
         "print(load_prompt('extractive').label, load_prompt('abstractive').label)"],
        elsewhere,
    )  # fmt: skip
    assert "extractive@" in versions and "abstractive@" in versions
    flags = json.loads(
        run([str(env_dir / "bin" / "summarizer"), "flags", str(SEEDS[3])], elsewhere)
    )
    assert flags["flags"] and "clean_text" in flags
