"""The command line: a thin layer over the Python API. Errors become messages here, only here."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from . import batchapi
from . import ray as ray_engine
from .api import Summarizer, run_batch
from .batch import BatchOptions, parse_shard
from .clikit import friendly_errors, json_logs, log_options, model_options, settings_from
from .errors import SummarizerError, redact
from .evaluation import compare_runs, run_eval
from .inputs import is_url, load_article, read_stdin_article
from .logs import configure_logging
from .quality import analyze_quality
from .schemas.export import SCHEMA_FILE, schema_json


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="summarizer")
def cli() -> None:
    """Evidence-grounded summaries, stances and source-quality flags for news articles."""
    configure_logging()  # third-party log lines off stderr; ours redacted


@cli.command()
@log_options
@click.argument("source", metavar="FILE|URL")
@click.option("--targets", "-t", multiple=True, help="A name to get the article's stance on.")
@click.option("--respect-robots", is_flag=True, default=None, help="Obey robots.txt for a URL.")
@model_options
def summarize(source: str, targets: tuple[str, ...], **kwargs: Any) -> None:
    """Analyse one article (text, Markdown or HTML file, an http(s) URL, or - for stdin);
    print JSON."""
    with friendly_errors():
        settings = settings_from(**kwargs)
        if is_url(source):
            summarizer = Summarizer(settings)
            result = summarizer.summarize(url=source.strip(), targets=targets)
        else:
            if source == "-":
                article = read_stdin_article(targets=targets, max_chars=settings.max_input_chars)
            else:
                path = Path(source)
                article = load_article(path, targets=targets, max_chars=settings.max_input_chars)
            result = Summarizer(settings).summarize(article)
        click.echo(result.model_dump_json(indent=2))


@cli.command()
@log_options
@click.option("--write", is_flag=True, help="Rewrite schemas/article_analysis.schema.json.")
def schema(write: bool) -> None:
    """Print the JSON Schema of the output record."""
    text = schema_json()
    if write:
        SCHEMA_FILE.write_text(text, encoding="utf-8")
        click.echo(f"wrote {SCHEMA_FILE}", err=True)
    else:
        click.echo(text, nl=False)


@cli.command()
@log_options
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--text", "text_only", is_flag=True, help="Print only the clean text.")
def flags(files: tuple[Path, ...], text_only: bool) -> None:
    """Source-quality flags, score and clean text for each FILE (no model is loaded)."""
    status = 0
    for path in files:
        try:
            article = load_article(path)
        except SummarizerError as exc:
            click.echo(f"summarizer: {path}: {redact(str(exc))}", err=True)
            status = 3
            continue
        report = analyze_quality(
            article.text, notes=article.input_notes, main_lines=article.main_lines
        )
        if text_only:
            click.echo(report.clean_text)
            continue
        quality = report.to_quality()
        payload = {"file": str(path), "id": article.id, **quality.model_dump(mode="json")}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    sys.exit(status)


@cli.command()
@log_options
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Output JSONL (resumed if it exists); - for stdout.",
)
@click.option("--concurrency", type=int, help="Articles in flight at once.")
@click.option(
    "--workers",
    type=int,
    help="Processes sharing the CPU work (server backends; default 1).",
)
@click.option("--force", is_flag=True, help="Redo articles already in OUTPUT.")
@click.option("--retry-errors", is_flag=True, help="Redo only the error rows of OUTPUT.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the response cache.")
@click.option("--shard", help="I/N: process a deterministic 1/N of the input (0-based I).")
@click.option("--targets", "-t", multiple=True, help="Targets for rows that name none.")
@click.option("--stats-json", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--progress/--no-progress", default=None, help="Default: on for a terminal.")
@click.option(
    "--respect-robots", is_flag=True, default=None, help="Obey robots.txt for URL inputs."
)
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local: this process (and --workers); ray: Ray Data actors.")  # fmt: skip
@click.option("--ray-address", help="Ray cluster to join (auto, ray://host:10001); default: "
              "the running one, else a new local Ray.")  # fmt: skip
@click.option("--ray-actors", type=int, default=ray_engine.DEFAULT_ACTORS, show_default=True,
              help="Actors, each holding one pipeline (--concurrency is per actor).")  # fmt: skip
@model_options
def batch(
    inputs: tuple[str, ...],
    output: Path,
    concurrency: int | None,
    workers: int | None,
    force: bool,
    retry_errors: bool,
    no_cache: bool,
    shard: str | None,
    targets: tuple[str, ...],
    stats_json: Path | None,
    progress: bool | None,
    engine: str,
    ray_address: str | None,
    ray_actors: int,
    **kwargs: Any,
) -> None:
    """Analyse many articles (files, folders, JSONL, lists of URLs, or - for stdin) into
    OUTPUT JSONL."""
    with friendly_errors():
        settings = settings_from(concurrency=concurrency, workers=workers, **kwargs)
        options = BatchOptions(
            force=force,
            retry_errors=retry_errors,
            use_cache=not no_cache,
            shard=parse_shard(shard) if shard else None,
            default_targets=targets,
            stats_json=stats_json,
            progress=progress,
        )
        if engine == "ray":
            stats = ray_engine.run(list(inputs), output, settings, options,
                                   address=ray_address, actors=ray_actors)  # fmt: skip
        else:
            stats = run_batch(list(inputs), output, settings, options)
        if not json_logs():  # under --log-json the batch.finished event carries the counts
            click.echo(stats.render(), err=True)
        sys.exit(0 if stats.failed == 0 else 1)


@cli.group(name="batch-api")
def batch_api() -> None:
    """Provider Batch APIs (OpenAI; vLLM run-batch files): half the price, same rows.

    submit prepares and sends every article; status shows progress; collect validates the
    answers, repairs failures through direct calls and writes the rows `batch` would write.
    """


@batch_api.command(name="submit")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Request files and state.json (default: batch-<run>-<time>).",
)
@click.option(
    "--export",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the request file here for an offline runner; send nothing.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Skip articles already done in OUTPUT (and make it collect's default).",
)
@click.option(
    "--max-requests",
    type=int,
    default=batchapi.MAX_REQUESTS,
    show_default=True,
    help="Requests per batch.",
)
@click.option(
    "--max-bytes",
    type=int,
    default=batchapi.MAX_BYTES,
    show_default=True,
    help="Request-file bytes per batch.",
)
@click.option("--no-cache", is_flag=True, help="Do not read or write the response cache.")
@click.option("--shard", help="I/N: a deterministic 1/N of the input (0-based I).")
@click.option("--targets", "-t", multiple=True, help="Targets for rows that name none.")
@model_options
def batch_api_submit(
    inputs: tuple[str, ...], out_dir: Path | None, export: Path | None, output: Path | None,
    max_requests: int, max_bytes: int, no_cache: bool, shard: str | None,
    targets: tuple[str, ...], **kwargs: Any,
) -> None:  # fmt: skip
    """Prepare INPUTS, write the request file(s), upload them and start the batches."""
    with friendly_errors():
        settings = settings_from(**kwargs)
        options = BatchOptions(use_cache=not no_cache, shard=parse_shard(shard) if shard else None,
                               default_targets=targets, progress=False)  # fmt: skip
        limits = batchapi.Limits(max_requests=max_requests, max_bytes=max_bytes)
        state, path = batchapi.submit(list(inputs), settings, options, out_dir=out_dir,
                                      limits=limits, export=export, output=output)  # fmt: skip
        click.echo(batchapi.describe(state), err=True)
        click.echo(f"state: {path}", err=True)
        click.echo(str(path))


@batch_api.command(name="status")
@click.argument("state", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--base-url", help="Override the server the batches were sent to.")
def batch_api_status(state: Path, base_url: str | None) -> None:
    """Retrieve and show the progress of a submitted run."""
    with friendly_errors():
        loaded = batchapi.load_state(state)
        settings = batchapi.settings_for(loaded, base_url=base_url)
        click.echo(batchapi.describe(batchapi.refresh(loaded, state, settings)))


@batch_api.command(name="cancel")
@click.argument("state", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--base-url", help="Override the server the batches were sent to.")
def batch_api_cancel(state: Path, base_url: str | None) -> None:
    """Cancel the run's unfinished batches (collect then repairs or records the rest)."""
    with friendly_errors():
        settings = batchapi.settings_for(batchapi.load_state(state), base_url=base_url)
        click.echo(batchapi.describe(batchapi.cancel(state, settings)))


@batch_api.command(name="collect")
@click.argument("state", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--repair",
    type=click.Choice(["direct", "none"]),
    default="direct",
    show_default=True,
    help="Re-ask failed lines through direct calls, or leave error rows.",
)
@click.option(
    "--import",
    "imports",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Result file(s) of an offline runner (vLLM run-batch); no Files API.",
)
@click.option("--wait", is_flag=True, help="Poll until every batch has finished.")
@click.option("--poll", type=float, default=30.0, show_default=True, help="Seconds between polls.")
@click.option("--base-url", help="Server for status, downloads and repairs.")
@click.option("--concurrency", type=int, help="Repairs in flight at once.")
@click.option("--force", is_flag=True, help="Rewrite articles already in OUTPUT.")
@click.option("--retry-errors", is_flag=True, help="Rewrite only the error rows of OUTPUT.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the response cache.")
@click.option("--stats-json", type=click.Path(dir_okay=False, path_type=Path))
def batch_api_collect(
    state: Path, output: Path | None, repair: str, imports: tuple[Path, ...], wait: bool,
    poll: float, base_url: str | None, concurrency: int | None, force: bool,
    retry_errors: bool, no_cache: bool, stats_json: Path | None,
) -> None:  # fmt: skip
    """Validate the answers and write one row per article into OUTPUT JSONL."""
    with friendly_errors():
        options = BatchOptions(force=force, retry_errors=retry_errors, use_cache=not no_cache,
                               stats_json=stats_json, progress=False)  # fmt: skip
        stats = batchapi.collect(
            state, output, options, repair="none" if repair == "none" else "direct",
            imports=list(imports), wait=wait, poll=poll,
            report=lambda text: click.echo(text, err=True),
            base_url=base_url, concurrency=concurrency,
        )  # fmt: skip
        click.echo(stats.render(), err=True)
        sys.exit(0 if stats.failed == 0 else 1)


@cli.group(name="eval", invoke_without_command=True)
@log_options
@click.option(
    "--fixtures",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("evals/fixtures"),
    show_default=True,
)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("eval-out"))
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--fail-under", multiple=True, help="METRIC=VALUE gate; repeatable.")
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also record this run as the baseline FILE for its backend.",
)
@model_options
@click.pass_context
def eval_(
    ctx: click.Context,
    /,
    fixtures: Path,
    out: Path,
    baseline: Path | None,
    fail_under: tuple[str, ...],
    write_baseline: Path | None,
    **kwargs: Any,
) -> None:
    """Score a backend and prompt version against the hand-labelled fixtures."""
    if ctx.invoked_subcommand is not None:
        return
    with friendly_errors():
        settings = settings_from(**kwargs)
        report = run_eval(
            fixtures,
            settings,
            out,
            baseline=baseline,
            gates=list(fail_under),
            write_baseline=write_baseline,
        )
        click.echo(report.render_summary())
        sys.exit(1 if report.failed_gates else 0)


@eval_.command(name="compare")
@log_options
@click.argument("run_a", type=click.Path(path_type=Path))
@click.argument("run_b", type=click.Path(path_type=Path))
def eval_compare(run_a: Path, run_b: Path) -> None:
    """Print the metric differences between two eval runs (report.json or their folders)."""
    with friendly_errors():
        click.echo(compare_runs(run_a, run_b))


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="summarizer")


if __name__ == "__main__":
    main()
