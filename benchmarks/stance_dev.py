"""Stance components measured: NewsMTSC sentences, the eval fixtures, and speed.

    .venv/bin/python benchmarks/stance_dev.py [--newsmtsc DIR] [--fixtures DIR] [--rounds 5]

(a) NewsMTSC devtest_rw (1,146 target mentions, held out from training and calibration):
    accuracy, macro-F1 and per-class F1 of the majority class, VADER over the sentence that
    mentions the target (compound, +/-0.05), and the shipped classifier; then the
    classifier's precision at each confidence level and its abstention rate at the default
    min_confidence (a non-neutral label below it becomes neutral).
(b) The eval fixtures (evals/fixtures): sentences exactly as the pipeline numbers them
    (Pipeline.prepare with a stub backend: detectors -> kept lines -> number_sentences; no
    model), stances from the components, scored with the eval's own matcher
    (summarizer.evaluation.metrics.match_stances / stance_scores). Requested targets get
    the targets only, as the pipeline passes them; a second row passes the fixture aliases.
(c) Speed of the whole stance step (article_stances for the targets + actor_stances) on one
    core, per ~5 KB article, process CPU time, median over rounds (model loading excluded
    and reported apart).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.config import Settings  # noqa: E402
from summarizer.evaluation.baselines import majority_stance  # noqa: E402
from summarizer.evaluation.fixtures import ARTICLE_HOLDER, LoadedFixture, load_fixtures  # noqa: E402
from summarizer.evaluation.metrics import StancePair, match_stances, stance_scores  # noqa: E402
from summarizer.pipeline import Pipeline  # noqa: E402
from summarizer.schemas import Sentence, Stance, StanceLabel, StanceMethod  # noqa: E402
from summarizer.stance import (  # noqa: E402
    DEFAULT_MIN_CONFIDENCE,
    StanceJudgement,
    actor_stances,
    article_stances,
)
from summarizer.stance.classifier import (  # noqa: E402
    CLASSES,
    default_model,
    lexicon_scorer,
    load_model,
)
from summarizer.stance.lexicon import vader_label  # noqa: E402

DEFAULT_NEWSMTSC = ROOT.parent / "shared" / "devset" / "newsmtsc"
POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}


# ----------------------------------------------------------------------------- (a) NewsMTSC


def load_mentions(path: Path) -> list[tuple[str, tuple[int, int], str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for t in row["targets"]:
            out.append((row["sentence_normalized"], (t["from"], t["to"]), POLARITY[t["polarity"]]))
    return out


def scores(gold: Sequence[str], pred: Sequence[str]) -> tuple[float, float, dict[str, float]]:
    per = {}
    for c in CLASSES:
        tp = sum(g == c == p for g, p in zip(gold, pred, strict=True))
        n_p, n_g = pred.count(c), gold.count(c)
        prec = tp / n_p if n_p else 0.0
        rec = tp / n_g if n_g else 0.0
        per[c] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    return acc, sum(per.values()) / len(per), per


def newsmtsc_table(folder: Path) -> None:
    data = load_mentions(folder / "devtest_rw.jsonl")
    gold = [label for _t, _s, label in data]
    vader = lexicon_scorer("vader")
    model = default_model()
    probs = [model.predict_proba(text, span) for text, span, _ in data]
    pred = [max(p, key=p.__getitem__) for p in probs]
    conf = [p[q] for p, q in zip(probs, pred, strict=True)]
    abstained = [
        q if q == "neutral" or c >= DEFAULT_MIN_CONFIDENCE else "neutral"
        for q, c in zip(pred, conf, strict=True)
    ]
    train_gold = [label for _t, _s, label in load_mentions(folder / "train.jsonl")]
    majority = max(CLASSES, key=train_gold.count)
    rows = [
        (f"majority class ({majority}, from train)", [majority] * len(gold)),
        (
            "VADER compound over the mention's sentence, +/-0.05",
            [vader_label(vader(t)[2]) for t, _s, _ in data],
        ),
        ("classifier (shipped), argmax", pred),
        (f"classifier (shipped), abstaining below {DEFAULT_MIN_CONFIDENCE}", abstained),
    ]
    print(f"(a) NewsMTSC devtest_rw, {len(data)} target mentions (sentence level)\n")
    print("| component | accuracy | macro-F1 | F1 negative | F1 neutral | F1 positive |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, p in rows:
        acc, f1, per = scores(gold, p)
        print(
            f"| {name} | {acc:.3f} | {f1:.3f} | "
            + " | ".join(f"{per[c]:.3f}" for c in CLASSES)
            + " |"
        )
    print("\nshipped classifier, precision by emitted confidence (held-out devtest_rw):\n")
    print("| confidence >= | judgements | share | precision |")
    print("|---:|---:|---:|---:|")
    for level in (0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        kept = [g == q for g, q, c in zip(gold, pred, conf, strict=True) if c >= level]
        prec = f"{sum(kept) / len(kept):.3f}" if kept else "-"
        print(f"| {level:.1f} | {len(kept)} | {len(kept) / len(gold):.0%} | {prec} |")
    n_abst = sum(
        q != "neutral" and c < DEFAULT_MIN_CONFIDENCE for q, c in zip(pred, conf, strict=True)
    )
    print(
        f"\nabstention at min_confidence {DEFAULT_MIN_CONFIDENCE}: {n_abst} of {len(gold)} "
        f"judgements ({n_abst / len(gold):.1%}) turn from a polar label to neutral\n"
    )


# ----------------------------------------------------------------------------- (b) fixtures


class _StubBackend:
    """Enough of a backend for Pipeline.prepare; it is never asked to generate."""

    name = "stub"
    model = "none"
    context_tokens = 10**7

    async def generate(self, request: Any) -> Any:
        raise RuntimeError("the stance benchmark runs no model")


def fixture_sentences(folder: Path) -> list[tuple[LoadedFixture, list[Sentence]]]:
    settings = Settings(backend="local", mode="extractive")
    pipe = Pipeline(settings, _StubBackend())  # type: ignore[arg-type]
    out = []
    for item in load_fixtures(folder):
        prepared = pipe.prepare(item.to_article(max_chars=settings.max_input_chars))
        out.append((item, prepared.sentences))
    return out


def to_stances(
    judgements: Sequence[StanceJudgement], sentences: Sequence[Sentence]
) -> list[Stance]:
    text = {s.id: s.text for s in sentences}
    return [
        Stance(
            holder=j.holder,
            target=j.target,
            label=StanceLabel(j.label),
            evidence=None if j.sentence_id is None else text[j.sentence_id],
            sentence_id=j.sentence_id,
            requested=j.holder == ARTICLE_HOLDER,
            confidence=j.confidence,
            method=StanceMethod(j.method),
        )
        for j in judgements
    ]


System = Callable[[LoadedFixture, list[Sentence]], list[StanceJudgement]]


def fixture_table(items: list[tuple[LoadedFixture, list[Sentence]]]) -> None:
    fixtures = [f for f, _ in items]
    majority = majority_stance(fixtures)

    def article_only(method: str, with_aliases: bool) -> System:
        def run(item: LoadedFixture, sentences: list[Sentence]) -> list[StanceJudgement]:
            fx = item.fixture
            aliases = {t: fx.aliases.get(t, ()) for t in fx.targets} if with_aliases else None
            return article_stances(sentences, fx.targets, aliases=aliases, method=method)

        return run

    def with_actors(base: System) -> System:
        def run(item: LoadedFixture, sentences: list[Sentence]) -> list[StanceJudgement]:
            return base(item, sentences) + actor_stances(sentences)

        return run

    systems: list[tuple[str, System]] = [
        ("VADER article stances (lexicon), no actors", article_only("lexicon", False)),
        ("classifier article stances, no actors", article_only("classifier", False)),
        ("actor rules only", lambda item, sentences: actor_stances(sentences)),
        (
            "**shipped: classifier article + actor rules**",
            with_actors(article_only("classifier", False)),
        ),
        (
            "shipped, fixture aliases passed for targets",
            with_actors(article_only("classifier", True)),
        ),
    ]
    print(f"(b) eval fixtures: {len(items)} fixtures, {majority.n} expected stance pairs\n")
    print(
        "| system | accuracy_all | accuracy (matched) | coverage | requested: accuracy | "
        "actors: coverage | actors: precision (matched) | actor stances produced |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| majority class ({majority.label.value if majority.label else '-'}) for every pair "
        f"| {majority.accuracy:.3f} | {majority.accuracy:.3f} | 1.000 | | | | |"
    )
    detail: list[StancePair] = []
    graded: list[tuple[StanceJudgement, bool]] = []  # shipped: matched judgements, right or not
    for name, system in systems:
        pairs: list[StancePair] = []
        produced_actor = 0
        shipped = name.startswith("**shipped")
        for item, sentences in items:
            judgements = system(item, sentences)
            produced_actor += sum(j.holder != ARTICLE_HOLDER for j in judgements)
            stances = to_stances(judgements, sentences)
            got, _extra = match_stances(item.fixture, stances)
            pairs += got
            if shipped:
                source = {id(st): j for st, j in zip(stances, judgements, strict=True)}
                graded += [(source[id(p.produced)], p.correct) for p in got if p.produced]
        st = stance_scores(pairs)
        req = [p for p in pairs if p.expected.holder == ARTICLE_HOLDER]
        act = [p for p in pairs if p.expected.holder != ARTICLE_HOLDER]
        act_matched = [p for p in act if p.produced is not None]
        req_acc = sum(p.correct for p in req) / len(req)
        act_cov = len(act_matched) / len(act)
        act_prec = (
            f"{sum(p.correct for p in act_matched) / len(act_matched):.3f}" if act_matched else "-"
        )
        print(
            f"| {name} | {st.accuracy_all:.3f} | {st.accuracy or 0:.3f} | {st.coverage:.3f} | "
            f"{req_acc:.3f} | {act_cov:.3f} | {act_prec} ({len(act_matched)}) | {produced_actor} |"
        )
        if shipped:
            detail = pairs
    print(
        "\nshipped system, matched judgements by emitted confidence (few: a check, not a proof):\n"
    )
    print("| judgements | confidence >= | matched | right |")
    print("|---|---:|---:|---:|")
    for what, keep in (
        ("article (requested)", lambda j: j.holder == ARTICLE_HOLDER),
        ("actors (rules)", lambda j: j.holder != ARTICLE_HOLDER),
    ):
        for level in (0.0, 0.5, 0.6, 0.8):
            hits = [ok for j, ok in graded if keep(j) and j.confidence >= level]
            share = f"{sum(hits) / len(hits):.3f}" if hits else "-"
            print(f"| {what} | {level:.1f} | {len(hits)} | {share} |")
    print("\nshipped system, expected pairs and what was produced:\n")
    for p in detail:
        got = (
            "-"
            if p.produced is None
            else f"{p.produced.holder} -> {p.produced.target}: {p.produced.label.value}"
        )
        mark = "ok" if p.correct else ("MISS" if p.produced is None else "WRONG")
        want = f"{p.expected.holder} -> {p.expected.target}: {p.expected.label.value}"
        print(f"  {mark:5} {want}  | {got}")
    print()


def seeds_check(items: list[tuple[LoadedFixture, list[Sentence]]]) -> None:
    """Every actor stance the rules produce on the five seeds, for reading."""
    print("actor stances on the seeds (holder -> target: label, confidence, sentence):\n")
    for item, sentences in items:
        if not item.id.startswith("seed-"):
            continue
        print(f"  {item.id}")
        for j in actor_stances(sentences, limit=20):
            print(f"    {j.holder} -> {j.target}: {j.label} {j.confidence} [s{j.sentence_id}]")
    print()


def newsmtsc_actor_listing(folder: Path) -> None:
    """Actor stances the rules find in NewsMTSC sentences (no actor-pair labels exist there):
    printed for reading, as an out-of-fixture check of precision."""
    found = []
    for split in ("devtest_rw", "devtest_mt"):
        texts = [
            json.loads(line)["sentence_normalized"]
            for line in (folder / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        for k in range(0, len(texts), 20):  # 20 sentences at a time, like a short article
            chunk = [Sentence(id=i, line=i + 1, text=t) for i, t in enumerate(texts[k : k + 20])]
            found += [(j, chunk[j.sentence_id or 0].text) for j in actor_stances(chunk, limit=50)]
    print(f"(d) actor stances in NewsMTSC devtest_rw + devtest_mt sentences: {len(found)}\n")
    for j, text in found:
        print(f"  {j.holder} -> {j.target}: {j.label} {j.confidence} || {text[:140]}")
    print()


# ----------------------------------------------------------------------------- (c) speed


def speed(items: list[tuple[LoadedFixture, list[Sentence]]], rounds: int, size: int) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    t0 = time.process_time()
    load_model()  # uncached: what the first article of a process pays
    lexicon_scorer.__wrapped__("vader")
    load_ms = (time.process_time() - t0) * 1000
    docs: list[tuple[list[Sentence], tuple[str, ...]]] = []
    for item, sentences in items:
        if not item.fixture.targets:
            continue
        picked: list[Sentence] = []
        chars = 0
        while chars < size:
            for s in sentences:
                picked.append(Sentence(id=len(picked), line=s.line, text=s.text))
                chars += len(s.text) + 1
                if chars >= size:
                    break
        docs.append((picked, item.fixture.targets))
    per_round = []
    for _ in range(rounds):
        start = time.process_time()
        for sentences, targets in docs:
            article_stances(sentences, targets)
            actor_stances(sentences)
        per_round.append((time.process_time() - start) * 1000 / len(docs))
    print(
        f"(c) speed: {len(docs)} articles of ~{size} characters, one core: "
        f"{statistics.median(per_round):.1f} ms per article for the whole stance step "
        f"(article_stances for its targets + actor_stances; median of {rounds} rounds); "
        f"loading the model and lexicon once per process: {load_ms:.0f} ms"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--newsmtsc", type=Path, default=DEFAULT_NEWSMTSC)
    parser.add_argument("--fixtures", type=Path, default=ROOT / "evals" / "fixtures")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--skip-newsmtsc", action="store_true")
    parser.add_argument(
        "--list-newsmtsc-actors",
        action="store_true",
        help="print (d): actor stances found in NewsMTSC sentences",
    )
    args = parser.parse_args(argv)
    if not args.skip_newsmtsc:
        newsmtsc_table(args.newsmtsc)
    items = fixture_sentences(args.fixtures)
    fixture_table(items)
    seeds_check(items)
    speed(items, args.rounds, args.size)
    if args.list_newsmtsc_actors:
        newsmtsc_actor_listing(args.newsmtsc)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
