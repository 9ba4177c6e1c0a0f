"""The Batch API commands: submit, status, cancel, collect (and their file-only variants)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..batch import BatchOptions, BatchStats, run_batch
from ..cache import DiskCache, default_cache_dir
from ..config import Settings, load_settings
from ..errors import ConfigError
from ..pipeline import Pipeline
from .collect import BatchAnswers, Repair
from .prepare import Limits, build_requests, call_params, submit_parts
from .provider import BatchProvider
from .results import ResultIndex
from .state import TERMINAL, BatchState, check_inputs_unchanged, load_state, run_digest, save_state


def _pipeline(settings: Settings, use_cache: bool) -> Pipeline:
    """The direct pipeline, with the response cache as `summarizer batch` opens it."""
    settings = settings.model_copy(update={"workers": 1})
    if not use_cache:
        return Pipeline.from_settings(settings.model_copy(update={"cache_dir": None}))
    cache = DiskCache(settings.cache_dir or default_cache_dir())
    return Pipeline.from_settings(
        settings.model_copy(update={"cache_dir": cache.path}), cache=cache
    )


def default_out_dir(digest: str) -> Path:
    """batch-<run digest>-<UTC time>: one folder per submission."""
    return Path(f"batch-{digest}-{datetime.now(timezone.utc):%Y%m%d-%H%M%S}")


def submit(
    inputs: list[str],
    settings: Settings,
    options: BatchOptions,
    *,
    out_dir: Path | None = None,
    limits: Limits | None = None,
    export: Path | None = None,
    output: Path | None = None,
) -> tuple[BatchState, Path]:
    """Write the request files and, unless exporting, upload them and start the batches.

    Returns the state and the path of its file (out_dir/state.json).
    """
    pipeline = _pipeline(settings, options.use_cache)
    if out_dir is None:
        digest = run_digest(pipeline.fingerprint(), call_params(pipeline.settings))
        out_dir = default_out_dir(digest)
    state_path = out_dir / "state.json"
    if state_path.exists():
        raise ConfigError(f"{state_path} exists: collect that run first, or pick another --out-dir")
    state = build_requests(
        pipeline, inputs, options, out_dir, limits=limits, export=export, output=output
    )
    if export is None and state.parts:
        submit_parts(state, state_path, BatchProvider(pipeline.settings))
    return state, state_path


def settings_for(state: BatchState, **overrides: Any) -> Settings:
    """The settings a run was submitted with; given overrides (not None) win, the key comes
    from the environment as usual (it is never stored)."""
    data = {k: v for k, v in state.settings.items() if k != "api_key"}
    data.update({k: v for k, v in overrides.items() if v is not None})
    data["workers"] = 1  # the answers are in this process; no worker pool
    return load_settings(**data)


def refresh(state: BatchState, state_path: Path, settings: Settings) -> BatchState:
    """Retrieve every submitted batch's status and save it."""
    if state.kind != "api":
        return state
    provider = BatchProvider(settings)
    for part in state.parts:
        if part.batch_id is not None and part.status not in TERMINAL:
            provider.refresh(part)
    save_state(state_path, state)
    return state


def cancel(state_path: Path, settings: Settings) -> BatchState:
    """Cancel every batch of the run that has not finished."""
    state = load_state(state_path)
    provider = BatchProvider(settings)
    for part in state.pending():
        provider.cancel(part)
    save_state(state_path, state)
    return state


def describe(state: BatchState) -> str:
    """A short table of the run's parts for the terminal."""
    lines = [
        f"run {state.digest}: {state.requests:,} requests in {len(state.parts)} part(s)"
        f" ({state.kind}); {state.skipped:,} already done, {state.cached:,} from the cache"
    ]
    for part in state.parts:
        counts = part.counts
        done = f"{counts.get('completed', 0):,}/{counts.get('total', part.requests):,} done"
        if counts.get("failed"):
            done += f", {counts['failed']:,} failed"
        ident = part.batch_id or Path(part.request_file).name
        lines.append(f"  part {part.index}: {ident} {part.status}: {done}")
    return "\n".join(lines)


def _wait(
    state: BatchState,
    state_path: Path,
    settings: Settings,
    poll: float,
    timeout: float,
    report: Callable[[str], None],
) -> None:
    deadline = time.monotonic() + timeout
    refresh(state, state_path, settings)
    while state.pending():
        if time.monotonic() >= deadline:
            raise ConfigError(f"{len(state.pending())} batch(es) still running after {timeout:g} s")
        report(describe(state))
        time.sleep(poll)
        refresh(state, state_path, settings)


def result_files(
    state: BatchState,
    state_path: Path,
    settings: Settings,
    *,
    wait: bool = False,
    poll: float = 30.0,
    timeout: float = 86_400.0,
    report: Callable[[str], None] = lambda _text: None,
) -> list[Path]:
    """Download every finished batch's output and error files (once) and list them."""
    if wait:
        _wait(state, state_path, settings, poll, timeout, report)
    else:
        refresh(state, state_path, settings)
    unsubmitted = [p.index for p in state.parts if p.batch_id is None]
    if unsubmitted or state.pending():
        raise ConfigError(
            f"{len(state.pending())} batch(es) still running and {len(unsubmitted)} not "
            "submitted; wait (collect --wait), or cancel them first"
        )
    provider = BatchProvider(settings)
    folder = state_path.parent
    for part in state.parts:
        for kind, file_id in (("output", part.output_file_id), ("errors", part.error_file_id)):
            target = folder / f"{kind}-{part.index:05d}.jsonl"
            if file_id is not None and str(target) not in part.result_files:
                provider.download(file_id, target)
                part.result_files.append(str(target))
                save_state(state_path, state)
    return [Path(f) for part in state.parts for f in part.result_files]


def collect(
    state_path: Path,
    output: Path | None,
    options: BatchOptions,
    *,
    repair: Repair = "direct",
    imports: list[Path] | None = None,
    wait: bool = False,
    poll: float = 30.0,
    report: Callable[[str], None] = lambda _text: None,
    **overrides: Any,
) -> BatchStats:
    """Validate the batch's answers, repair or record failures, and write the rows."""
    state = load_state(state_path)
    target = output or (Path(state.output) if state.output else None)
    if target is None:
        raise ConfigError("collect needs -o OUTPUT (no output was named at submit time)")
    check_inputs_unchanged(state)
    settings = settings_for(state, **overrides)
    if imports:
        files = list(imports)
    elif state.kind == "export":
        raise ConfigError("this run was exported: collect it with --import RESULTS.jsonl")
    else:
        files = result_files(state, state_path, settings, wait=wait, poll=poll, report=report)
    pipeline = _pipeline(settings, options.use_cache)
    if pipeline.fingerprint() != state.fingerprint or state.digest != run_digest(
        pipeline.fingerprint(), call_params(pipeline.settings)
    ):
        raise ConfigError(
            "the settings differ from those the batch was submitted with (model, mode, prompt "
            "or call parameters); collect with the same ones"
        )
    results = ResultIndex(files)
    analyzer = BatchAnswers(pipeline, results, state.digest, repair)
    shard = state.options.get("shard")
    run_options = replace(
        options,
        shard=(int(shard[0]), int(shard[1])) if shard else None,
        default_targets=tuple(state.options.get("default_targets") or ()),
    )
    stats = run_batch(analyzer, [r.path for r in state.inputs], target, run_options)
    stats.notes.append(
        f"batch: {analyzer.from_batch:,} answers as returned, {analyzer.repaired:,} articles "
        f"through direct calls ({len(results):,} result lines"
        + (f", {results.unreadable:,} unreadable" if results.unreadable else "")
        + ")"
    )
    return stats
