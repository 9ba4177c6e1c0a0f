"""kill -9 a real `summarizer batch` process halfway, re-run it, and find every id exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from summarizer.testing import FakeOpenAIServer, FaultPlan
from summarizer.testing.corpus import write_jsonl

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
N = 120


def batch_command(src: Path, out: Path, url: str, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "summarizer", "batch", str(src), "-o", str(out),
        "--backend", "openai", "--base-url", url + "/v1", "--model", "fake-model",
        "--no-cache", "--concurrency", "4", "--no-progress", "--workers", str(workers),
    ]  # fmt: skip


def children_of(pid: int) -> list[int]:
    """Live processes whose parent is pid (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["OPENAI_API_KEY"] = "test-key"
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def complete_lines(path: Path) -> list[bytes]:
    data = path.read_bytes() if path.exists() else b""
    return data.split(b"\n")[:-1]  # whatever follows the last newline is not a row yet


@pytest.mark.parametrize("workers", [1, 2])
def test_sigkill_halfway_then_rerun_gives_every_id_once(tmp_path: Path, workers: int) -> None:
    src, out = write_jsonl(tmp_path / "in.jsonl", N), tmp_path / "out.jsonl"
    with FakeOpenAIServer(FaultPlan(latency=0.08)) as server:
        process = subprocess.Popen(
            batch_command(src, out, server.url, workers), env=child_env(), cwd=tmp_path
        )
        deadline = time.monotonic() + 120
        while len(complete_lines(out)) < N // 2:
            assert process.poll() is None, "the batch ended before it could be killed"
            assert time.monotonic() < deadline, "the batch made no progress"
            time.sleep(0.005)
        pool = children_of(process.pid)
        assert len(pool) == (workers if workers > 1 else 0)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        assert process.returncode == -signal.SIGKILL
        # Orphaned workers notice their input closing and exit on their own.
        deadline = time.monotonic() + 30
        while any(alive(pid) for pid in pool):
            assert time.monotonic() < deadline, "worker processes outlived the killed batch"
            time.sleep(0.05)

        survived = complete_lines(out)
        assert N // 2 <= len(survived) < N
        for line in survived:  # every complete line the killed run left is a whole row
            assert json.loads(line)["status"] == "ok"
        # A kill can also land inside a write; simulate that torn tail on top of the real kill.
        with open(out, "ab") as handle:
            handle.write(b'{"id": "art-000999", "status": "ok", "result": {"id": "art-0')
        time.sleep(0.5)  # let the server take in requests the dead client had already sent
        requests_before = server.stats()["requests"]

        rerun = subprocess.run(
            batch_command(src, out, server.url, workers), env=child_env(), cwd=tmp_path,
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert rerun.returncode == 0, rerun.stderr
        redone = server.stats()["requests"] - requests_before

    lines = out.read_bytes().split(b"\n")
    assert lines[-1] == b""
    rows = [json.loads(line) for line in lines[:-1]]  # every line is valid JSON
    ids = [r["id"] for r in rows]
    assert sorted(ids) == [f"art-{i:06d}" for i in range(N)]  # each id exactly once
    assert all(r["status"] == "ok" for r in rows)
    # Only the rows the killed run had not written were redone: no finished work repeated.
    assert redone == N - len(survived)
    assert f"{len(survived)} skipped" in rerun.stderr
    assert "partial last line" in rerun.stderr


def test_worker_children_leave_the_terminal_to_the_summary(tmp_path: Path) -> None:
    """The children share the user's stderr: a clean run shows the end-of-run summary only
    (once, `python -m` on a module the package had imported printed a RuntimeWarning per child).
    """
    src, out = write_jsonl(tmp_path / "in.jsonl", 20), tmp_path / "out.jsonl"
    with FakeOpenAIServer() as server:
        done = subprocess.run(
            batch_command(src, out, server.url, 2), env=child_env(), cwd=tmp_path,
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].startswith("batch: 20 articles"), done.stderr
    assert all(line.startswith("  ") for line in lines[1:]), done.stderr
    assert len(complete_lines(out)) == 20
