"""`summarizer batch --engine ray` on a local Ray (2 CPUs) against the fake server: the same rows
as the in-process runner under faults, an actor killed mid-run, and `summarizer.ray.analyze`.

Ray starts once for the module (about 15 s on the shared 2-core machine)."""

from __future__ import annotations

import copy
import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import ray
from click.testing import CliRunner

from summarizer.api import run_batch
from summarizer.batch import BatchOptions
from summarizer.cli import cli
from summarizer.config import Settings, load_settings
from summarizer.ray import analyze
from summarizer.ray import run as run_ray
from summarizer.schemas import ArticleAnalysis
from summarizer.testing import FakeOpenAIServer, FaultPlan, always
from summarizer.testing.corpus import marker, synthetic_rows, write_jsonl

pytestmark = pytest.mark.integration

# A generous client timeout: rows are compared exactly, so no ordinary answer may time out on
# a loaded machine. An injected "timeout" fails by its dropped connection after a short stall
# (summarizer.testing.faults), whatever the client's own timer says, with retries to spare.
FAST = {"timeout": 30.0, "retry_max_wait": 0.1, "max_transient_retries": 6, "max_attempts": 3}
PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])


@pytest.fixture(scope="module", autouse=True)
def local_ray() -> Iterator[None]:
    path = os.pathsep.join(filter(None, [PACKAGE_PARENT, os.environ.get("PYTHONPATH")]))
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": path}})  # fmt: skip
    yield
    ray.shutdown()


def settings_for(server: FakeOpenAIServer, **extra: Any) -> Settings:
    return load_settings(backend="openai", base_url=server.url + "/v1", api_key="test-key",
                         model="fake-model", **{**FAST, **extra})  # fmt: skip


def comparable(path: Path) -> dict[str, dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    out = {}
    for row in rows:
        row = copy.deepcopy(row)
        if row["result"] is not None:
            row["result"]["provenance"].pop("latency_ms")
        out[row["id"]] = row
    assert len(out) == len(rows), "an id has two rows"
    return out


def differences(a: Any, b: Any, path: str = "") -> dict[str, Any]:
    """The leaves where two JSON values differ, by path."""
    if isinstance(a, dict) and isinstance(b, dict):
        out: dict[str, Any] = {}
        for key in sorted(set(a) | set(b)):
            out.update(differences(a.get(key), b.get(key), f"{path}.{key}"))
        return out
    return {} if a == b else {path: (a, b)}


def fault_plan() -> FaultPlan:
    """40 of 200 articles get faults: 30 transient (each must end ok), 10 permanent."""
    transient = [["rate_limit"], ["server_error", "server_error"], ["bad_gateway"],
                 ["timeout"], ["malformed_body"], ["malformed_json"], ["schema_invalid"],
                 ["ungrounded"], ["slow"], ["unavailable"]] * 3  # fmt: skip
    permanent = [always(f) for f in ("server_error", "malformed_body", "rate_limit",
                                     "schema_invalid", "ungrounded", "malformed_json")]  # fmt: skip
    permanent += [always("server_error"), always("schema_invalid")] * 2
    scripts = {marker(n): s for n, s in enumerate(transient + permanent)}
    return FaultPlan(scripts=scripts, hang=0.3, slow=0.3, retry_after=0.05, latency=0.01)


def test_200_articles_with_faults_give_the_in_process_rows(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 200, targets=True)
    local_out, ray_out = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    options = BatchOptions(use_cache=False, progress=False)
    with FakeOpenAIServer(fault_plan()) as server:
        local = run_batch([str(src)], local_out, settings_for(server, concurrency=16), options)
    with FakeOpenAIServer(fault_plan()) as server:
        stats = run_ray([str(src)], ray_out, settings_for(server, concurrency=16), options,
                        actors=2, window=120)  # fmt: skip
        served = server.stats()
    want, got = comparable(local_out), comparable(ray_out)
    assert len(got) == 200 and set(got) == set(want)
    assert {k: differences(got[k], want[k]) for k in got if got[k] != want[k]} == {}
    assert stats.ok == local.ok == 190 and stats.failed == 10
    assert stats.errors_by_type == local.errors_by_type
    assert stats.prompt_tokens == local.prompt_tokens and served["articles"] == 200
    # Resume holds: a second run does nothing.
    again = run_ray([str(src)], ray_out, settings_for(server, concurrency=16), options)
    assert again.skipped == 200 and again.processed == 0


def _map_workers() -> list[int]:
    """PIDs of live Ray Data actor processes of our map_batches."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if b"MapWorker(MapBatches(WorkActor))" in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def test_an_actor_killed_mid_run_loses_and_doubles_nothing(tmp_path: Path) -> None:
    n = 80
    src, out = write_jsonl(tmp_path / "in.jsonl", n), tmp_path / "out.jsonl"
    killed: list[int] = []

    def kill_one_actor() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not killed:
            workers = _map_workers()
            if len(workers) == 2 and out.exists() and out.stat().st_size > 0:
                os.kill(workers[0], signal.SIGKILL)
                killed.append(workers[0])
            time.sleep(0.02)

    with FakeOpenAIServer(FaultPlan(latency=0.3)) as server:
        killer = threading.Thread(target=kill_one_actor)
        killer.start()
        stats = run_ray([str(src)], out, settings_for(server, concurrency=4),
                        BatchOptions(use_cache=False, progress=False), actors=2)  # fmt: skip
        killer.join()
    assert killed, "no actor was killed"
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["id"] for r in rows) == [f"art-{i:06d}" for i in range(n)]
    assert stats.processed == n
    # Ray restarts the actor and retries its batch; anything it still gave up on is an
    # ordinary error row.
    assert all(r["status"] == "ok" or r["error"]["type"] == "worker_error" for r in rows)


def test_cli_engine_ray_and_the_dataset_entry_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 6)
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    with FakeOpenAIServer() as server:
        args = ["batch", str(src), "-o", str(tmp_path / "out.jsonl"), "--engine", "ray",
                "--ray-actors", "1", "--backend", "openai", "--base-url", server.url + "/v1",
                "--model", "fake-model", "--no-cache",
                "--stats-json", str(tmp_path / "s.json")]  # fmt: skip
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        assert json.loads((tmp_path / "s.json").read_text())["articles"]["ok"] == 6
        rows = [*synthetic_rows(3), {"id": "empty", "text": "  "}]
        ds = analyze(ray.data.from_items(rows), settings_for(server), actors=1)
        out = {row["id"]: row for row in ds.take_all()}
    assert set(out) == {"art-000000", "art-000001", "art-000002", "empty"}
    assert out["empty"]["status"] == "error" and out["empty"]["result"] is None
    assert json.loads(out["empty"]["error"])["type"] == "input_error"
    record = ArticleAnalysis.model_validate_json(out["art-000001"]["result"])
    assert record.id == "art-000001" and out["art-000001"]["error"] is None
