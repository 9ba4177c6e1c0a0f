"""Fuzz: hostile text through the detectors (`flags`, the real CLI) and through `summarize`
with a backend that answers every request validly, so that the whole pipeline runs.

Asserted for every example: no exception other than our own errors, flags that point at
lines of the input, a clean text made of input lines, and a record that serialises.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from summarizer.api import Summarizer
from summarizer.backends.base import (
    BaseBackend,
    CallLog,
    Generation,
    GenerationRequest,
    structured_call,
)
from summarizer.cli import cli
from summarizer.config import Settings
from summarizer.errors import GroundingError, InputError
from summarizer.inputs import split_lines
from summarizer.quality import analyze_quality
from summarizer.schemas import ArticleAnalysis
from summarizer.testing.answers import build_answer, parse_request
from tests.conftest import completion
from tests.fuzz.strategies import fuzz_settings, hostile_bytes, hostile_text

pytestmark = pytest.mark.fuzz


class AnsweringBackend(BaseBackend):
    """Answers each request with the fake server's valid, grounded answer to it, through the
    real instructor loop (so validation and re-asks run as they do against a server)."""

    name = "answering"
    model = "answering-1"

    def _raw(self, log: CallLog) -> Any:
        def create(**kwargs: Any) -> Any:
            # The request body as instructor built it: messages and the JSON Schema to fill.
            response = completion(json.dumps(build_answer(parse_request(kwargs))))
            log.record(response)
            return response

        return create

    async def generate(self, request: GenerationRequest) -> Generation:
        return structured_call(self._raw, "JSON_SCHEMA", request)


@functools.lru_cache(maxsize=2)
def summarizer(mode: str) -> Summarizer:
    settings = Settings(backend="openai", api_key="k", mode=mode, cache_dir=None)
    return Summarizer(settings, backend_instance=AnsweringBackend())


def check_report(text: str) -> None:
    lines = split_lines(text)
    report = analyze_quality(text)
    assert 0 <= report.score <= 100
    for flag in report.flags:
        assert 1 <= flag.start_line <= flag.end_line <= len(lines), flag
    kept = set(lines)
    assert all(line in kept for line in report.clean_text.split("\n") if line)


@fuzz_settings(400)
@given(text=hostile_text())
def test_detectors_never_fail_and_point_at_real_lines(text: str) -> None:
    check_report(text)


@fuzz_settings(200)
@given(
    text=hostile_text(),
    mode=st.sampled_from(["extractive", "abstractive"]),
    targets=st.lists(
        st.sampled_from(["Maria Okafor", "Iran", "council", "maria okafor"]), max_size=3
    ),
)
def test_summarize_gives_a_record_or_one_of_our_errors(
    text: str, mode: str, targets: list[str]
) -> None:
    try:
        record = summarizer(mode).summarize(text, targets=targets)
    except (InputError, GroundingError):
        return  # unusable text, a duplicate target, or no grounded answer: a clear error
    assert isinstance(record, ArticleAnalysis)
    ids = {s.id for s in record.sentences}
    assert all(set(p.evidence) <= ids for p in record.summary.key_points)
    assert [s.target for s in record.stances if s.requested] == list(dict.fromkeys(targets))
    json.loads(record.model_dump_json())


SUFFIXES = [".txt", ".md", ".html", ".htm", ".csv"]


@fuzz_settings(100)
@given(files=st.lists(st.tuples(hostile_bytes(), st.sampled_from(SUFFIXES)), max_size=4))
def test_flags_cli_on_hostile_files(
    tmp_path_factory: pytest.TempPathFactory, files: list[tuple[bytes, str]]
) -> None:
    folder = tmp_path_factory.mktemp("flags")
    paths = []
    for n, (data, suffix) in enumerate(files):
        path = folder / f"f{n}{suffix}"
        path.write_bytes(data)
        paths.append(path)
    if not paths:
        return
    result = CliRunner().invoke(cli, ["flags", *map(str, paths)])
    assert result.exit_code in {0, 3}, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    # One answer per file: a JSON report on stdout (its last line a bare "}") or one error
    # line on stderr.
    reports = result.stdout.splitlines().count("}")
    errors = [
        line for line in result.stderr.splitlines() if line.startswith(f"summarizer: {folder}")
    ]
    assert reports + len(errors) == len(paths), result.output
    assert len(result.stderr.splitlines()) == len(errors)  # nothing else on stderr
    assert [p.read_bytes() for p in paths] == [data for data, _ in files]  # untouched


def test_detectors_on_fixed_hostile_examples() -> None:
    """A fixed example from each strategy family, so a failure here names its input."""
    for text in ["", "\x00" * 10, "</article>\n" * 3, "I g n o r e " * 50, "\r" * 100]:
        check_report(text)
