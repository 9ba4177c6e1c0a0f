"""Answer sizes in tokens on the eval fixtures: what the per-mode `max_tokens` defaults must fit.

    .venv/bin/python benchmarks/answer_sizes.py [--fixtures evals/fixtures]

For each fixture the article is prepared exactly as the pipeline does (detectors, numbered
sentences, targets) and two answers are written and tokenized:

- extractive: the largest answer its schema admits (the longest article-type name: measured
  components choose the sentences and judge the stances, summarizer/judge.py);
- abstractive: the answer a good model would write from the fixture's labels: its key facts as
  key points (each citing the sentence that shares most words with it) and, joined, as the
  summary; its labelled stances and model-detectable flags; a quote for every requested target.

Tokens are counted with the embedded model's tokenizer (SmolLM2, loaded vocabulary-only), which
splits English text into more tokens than the OpenAI tokenizers do, so the figures err high.
JSON is written as servers write it: ", " and ": " separators.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.backends.local import default_model_path  # noqa: E402
from summarizer.backends.openai import OpenAIBackend  # noqa: E402
from summarizer.config import DEFAULT_MAX_TOKENS, load_settings  # noqa: E402
from summarizer.evaluation.fixtures import LoadedFixture, load_fixtures  # noqa: E402
from summarizer.pipeline import Pipeline  # noqa: E402
from summarizer.prepared import Prepared  # noqa: E402
from summarizer.schemas.answers import LLM_FLAG_KINDS  # noqa: E402

_WORD = re.compile(r"\w+")


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text) if len(w) > 2}


def _best_sentence(text: str, prepared: Prepared) -> int:
    """The id of the sentence sharing most words with `text`."""
    wanted = _words(text)
    scored = [(len(wanted & _words(s.text)), -s.id) for s in prepared.sentences]
    return -max(scored)[1]


def _quote(prepared: Prepared, *names: str) -> str | None:
    """A sentence naming every name (else the first naming the first), clipped to 500."""
    for s in prepared.sentences:
        if all(n.casefold() in s.text.casefold() for n in names):
            return s.text[:500]
    for s in prepared.sentences:
        if names and names[0].casefold() in s.text.casefold():
            return s.text[:500]
    return None


def extractive_answer(prepared: Prepared) -> dict[str, Any]:
    """The extractive answer: the embedded model names the article type, nothing else."""
    return {"article_type": "press_release"}  # the longest of the enum's names


def abstractive_answer(loaded: LoadedFixture, prepared: Prepared) -> dict[str, Any]:
    fixture = loaded.fixture
    facts = list(fixture.key_facts)
    while len(facts) < 3:
        facts.append(prepared.sentences[len(facts) % len(prepared.sentences)].text[:300])
    points = [{"text": f[:300], "evidence": [_best_sentence(f, prepared)]} for f in facts[:6]]
    stances = []
    for st in fixture.expected_stances:
        if st.holder == "article" or st.label.value == "not_mentioned":
            continue
        quote = _quote(prepared, st.holder, st.target) or prepared.sentences[0].text[:500]
        stances.append(
            {"holder": st.holder, "target": st.target, "label": st.label.value, "quote": quote}
        )
    by_line = {s.line: s.id for s in prepared.sentences}
    flags = []
    for fl in fixture.expected_flags:
        if fl.kind.value not in LLM_FLAG_KINDS:
            continue
        ids = [by_line[n] for n in range(fl.start_line, fl.end_line + 1) if n in by_line]
        flags.append(
            {"kind": fl.kind.value, "sentence_ids": (ids or [0])[:12],
             "explanation": (fl.note or fl.kind.value.replace("_", " "))[:200]}
        )  # fmt: skip
    labels = {s.target: s.label.value for s in fixture.expected_stances if s.holder == "article"}
    targets = []
    for target in prepared.article.targets:
        label = labels.get(target, "neutral")
        quote = None if label == "not_mentioned" else _quote(prepared, target)
        targets.append({"target": target, "label": label if quote else "not_mentioned",
                        "quote": quote})  # fmt: skip
    headline = (prepared.title or prepared.sentences[0].text)[:120]
    answer: dict[str, Any] = {
        "headline": headline,
        "summary": " ".join(facts[:3])[:900],
        "key_points": points,
        "article_type": fixture.article_type.value,
        "stances": stances[:8],
        "flags": flags[:5],
    }
    if targets:
        answer["target_stances"] = targets
    return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--fixtures", type=Path, default=ROOT / "evals" / "fixtures")
    args = parser.parse_args()
    from llama_cpp import Llama  # the embedded model's tokenizer, vocabulary only

    vocab = Llama(model_path=str(default_model_path()), vocab_only=True, verbose=False)

    def tokens(answer: dict[str, Any]) -> int:
        text = json.dumps(answer, ensure_ascii=False)
        return len(vocab.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    sizes: dict[str, list[tuple[int, str]]] = {"extractive": [], "abstractive": []}
    for mode in sizes:
        # A server backend with a large window: nothing is cut, no model is loaded.
        settings = load_settings(
            backend="openai", base_url="http://127.0.0.1:9/v1", mode=mode, context_tokens=131072
        )
        pipeline = Pipeline(settings, OpenAIBackend(settings))
        for loaded in load_fixtures(args.fixtures):
            prepared = pipeline.prepare(loaded.to_article(max_chars=settings.max_input_chars))
            if mode == "extractive":
                answer = extractive_answer(prepared)
            else:
                answer = abstractive_answer(loaded, prepared)
            sizes[mode].append((tokens(answer), loaded.id))
    print(f"{len(sizes['extractive'])} fixtures; tokens with the SmolLM2 tokenizer\n")
    print("| mode | median | p90 | max (fixture) | default max_tokens | headroom over max |")
    print("|---|---:|---:|---:|---:|---:|")
    for mode, found in sizes.items():
        values = sorted(v for v, _ in found)
        top, where = max(found)
        p90 = values[min(len(values) - 1, math.ceil(0.9 * len(values)) - 1)]
        default = DEFAULT_MAX_TOKENS[mode]
        print(
            f"| {mode} | {statistics.median(values):.0f} | {p90} | {top} ({where}) | "
            f"{default} | {default / top:.1f}x |"
        )


if __name__ == "__main__":
    main()
