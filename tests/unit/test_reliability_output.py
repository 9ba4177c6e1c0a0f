"""Issue 12, cases 1-3: the batch output never destroys a file, never reads without end, and
never has two writers. Driven through the real runner (arun_batch) and the real CLI."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from summarizer.batch import BatchOptions, arun_batch
from summarizer.batch import output as output_module
from summarizer.batch.jsonl import compact, write_json_atomic
from summarizer.batch.output import OutputFile
from summarizer.cli import cli
from summarizer.errors import ConfigError, OutputError
from tests.unit.test_batch_runner import StandIn, corpus, read_out

ROOT = Path(__file__).resolve().parents[2]


def run(inputs: list[Path], out: Path, **options: Any) -> Any:
    return asyncio.run(
        arun_batch(StandIn(), [str(p) for p in inputs], out, BatchOptions(**options))
    )


# ------------------------------------------------------------ 1. a file that is not ours


@pytest.mark.parametrize("force", [False, True])
def test_a_notes_file_as_output_is_refused_untouched(tmp_path: Path, force: bool) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"notes 1\nnotes 2\nfinal")  # issue 12: this was emptied, exit 0
    before = notes.stat()
    with pytest.raises(OutputError, match=r"not a summarizer output.*left untouched"):
        run([corpus(tmp_path / "in.jsonl", 2)], notes, force=force)
    after = notes.stat()
    assert notes.read_bytes() == b"notes 1\nnotes 2\nfinal"
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_cli_refuses_a_foreign_output_with_exit_2(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    src = corpus(tmp_path / "in.jsonl", 1)
    result = CliRunner().invoke(
        cli, ["batch", str(src), "-o", str(notes), "--force", "--backend", "openai",
              "--base-url", "http://127.0.0.1:9/v1", "--no-cache"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "summarizer: output:" in result.output and "left untouched" in result.output
    assert "Traceback" not in result.output
    assert notes.read_text() == "my notes\n"


def test_an_output_of_ours_is_still_resumed(tmp_path: Path) -> None:
    src, out = corpus(tmp_path / "in.jsonl", 3), tmp_path / "out.jsonl"
    run([src], out)
    with open(out, "ab") as handle:
        handle.write(b"\n")  # a stray blank line is no one's data
    again = run([src], out)
    assert again.skipped == 3 and len(read_out(out)) == 3


def test_opening_an_output_says_what_it_repaired(tmp_path: Path) -> None:
    # One list of notes for both engines (the Ray engine once reported the torn row only).
    src, out = corpus(tmp_path / "in.jsonl", 3), tmp_path / "out.jsonl"
    run([src], out)
    with open(out, "ab") as handle:
        handle.write(b'\n\n{"id": "torn", "sta')  # two blank lines, then a torn row
    again = run([src], out)
    assert again.skipped == 3 and len(read_out(out)) == 3
    assert again.notes[:2] == [
        "dropped a partial last line (19 bytes) left by an interrupted run",
        "2 blank lines in the output were removed",
    ]
    with OutputFile(Path(os.devnull)) as stream:
        assert stream.notes() == [
            f"rows were streamed to {os.devnull}: no resume and no compaction "
            "(use a regular file as --output for those)"
        ]


# ------------------------------------------------------------ 2. outputs that are not files


def test_dev_null_is_written_as_a_stream_without_resume(tmp_path: Path) -> None:
    stats = run([corpus(tmp_path / "in.jsonl", 3)], Path(os.devnull))
    assert stats.ok == 3 and stats.skipped == 0
    assert any("streamed" in note and "no resume" in note for note in stats.notes)


def test_dev_zero_is_never_read(tmp_path: Path) -> None:
    # Reading it for resume grew without end (issue 12); it is written to, never read.
    stats = run([corpus(tmp_path / "in.jsonl", 2)], Path("/dev/zero"))
    assert stats.ok == 2


def test_dev_full_is_a_clear_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot write to the output /dev/full: No space left"):
        run([corpus(tmp_path / "in.jsonl", 2)], Path("/dev/full"))


def test_a_fifo_output_gets_every_row(tmp_path: Path) -> None:
    fifo = tmp_path / "rows.pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    async def main() -> Any:
        loop = asyncio.get_running_loop()
        reader = loop.run_in_executor(None, lambda: received.append(fifo.read_bytes()))
        stats = await arun_batch(
            StandIn(), [str(corpus(tmp_path / "in.jsonl", 4))], fifo, BatchOptions()
        )
        await reader
        return stats

    stats = asyncio.run(main())
    assert stats.ok == 4
    assert sorted(json.loads(x)["id"] for x in received[0].splitlines()) == [
        "a0", "a1", "a2", "a3"
    ]  # fmt: skip
    assert fifo.exists() and not fifo.is_file()  # still a pipe, not replaced by a file


def test_dash_means_stdout(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    stats = run([corpus(tmp_path / "in.jsonl", 2)], Path("-"))
    rows = [json.loads(x) for x in capfd.readouterr().out.splitlines()]
    assert sorted(r["id"] for r in rows) == ["a0", "a1"] and stats.output == "<stdout>"
    assert not (tmp_path / "-").exists()  # issue 12: a file named "-" was written


def test_cli_dash_writes_rows_to_stdout_and_the_summary_to_stderr(tmp_path: Path) -> None:
    """A real process: rows go to file descriptor 1 (CliRunner's capture depends on the click
    version: 8.3.3's stand-in stdout reports the real descriptor), the summary to stderr."""
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "x", "text": ""}\n')  # an input error: no model needed
    env = {
        **os.environ,
        "OPENAI_API_KEY": "test-key",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [sys.executable, "-m", "summarizer", "batch", str(src), "-o", "-", "--backend", "openai",
         "--base-url", "http://127.0.0.1:9/v1", "--no-cache", "--no-progress"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["id"], r["status"]) for r in rows] == [("x", "error")]
    assert "\nbatch: 1 articles" in done.stderr, done.stderr  # after the failed article's line


def test_a_folder_as_output_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a folder"):
        run([corpus(tmp_path / "in.jsonl", 1)], tmp_path)


def test_stats_json_to_a_device_writes_to_it_and_never_replaces_it(tmp_path: Path) -> None:
    # Written with a temporary file and os.replace, /dev/null would have become a regular
    # file when run as root.
    write_json_atomic(Path(os.devnull), {"a": 1})
    assert not Path(os.devnull).is_file()


# ------------------------------------------------------------ 3. two runs, one output


def test_a_second_run_on_a_locked_output_stops_with_a_message(tmp_path: Path) -> None:
    src, out = corpus(tmp_path / "in.jsonl", 3), tmp_path / "out.jsonl"
    with OutputFile(out):  # another run holds the output
        with pytest.raises(OutputError, match="another summarizer batch is writing to"):
            run([src], out)
        assert out.read_bytes() == b""
    stats = run([src], out)  # free again once the first run ends
    assert stats.ok == 3


def test_a_file_replaced_between_open_and_lock_is_reopened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another run may compact (replace) the output between our open and our lock; the rows
    must then go to the new file, not to the unlinked old one."""
    src, out = corpus(tmp_path / "in.jsonl", 2), tmp_path / "out.jsonl"
    run([src], out)
    real_lock = output_module._lock
    calls: list[int] = []

    def lock_after_a_compaction(fd: int, path: Path) -> None:
        if not calls:
            compact(path, {1})  # what the other run's compaction does
        calls.append(fd)
        real_lock(fd, path)

    monkeypatch.setattr(output_module, "_lock", lock_after_a_compaction)
    with OutputFile(out) as held:
        held.write_line(json.dumps({"id": "new", "status": "error", "error": {}}))
    assert len(calls) == 2  # locked, found the file replaced, reopened and locked again
    rows = [r["id"] for r in read_out(out)]
    assert len(rows) == 2 and rows[0] in {"a0", "a1"} and rows[1] == "new"


def test_cli_second_batch_exits_2(tmp_path: Path) -> None:
    src, out = corpus(tmp_path / "in.jsonl", 1), tmp_path / "out.jsonl"
    with OutputFile(out):
        result = CliRunner().invoke(
            cli, ["batch", str(src), "-o", str(out), "--backend", "openai",
                  "--base-url", "http://127.0.0.1:9/v1", "--no-cache"],
        )  # fmt: skip
    assert result.exit_code == 2
    assert "another summarizer batch is writing to" in result.output
