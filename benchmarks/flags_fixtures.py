"""Source-quality flags on the eval fixtures, without a model: the detectors alone.

    .venv/bin/python benchmarks/flags_fixtures.py [FIXTURE_DIR] [--fold-models DIR] [--show]

Runs `analyze_quality` on every fixture's article exactly as the pipeline does (the
fixture's Article: text, input notes, no HTML main lines) and scores the flags with the eval
harness's own matching (`evaluation.metrics.match_flags`, `flag_counts`, `merge_counts`,
`micro`), so the figures are the harness's `flags.*` metrics minus anything a model adds.

Printed: precision / recall / F1 per kind and pooled (micro), the clean-body rate (fixtures
with `must_not_flag` ranges and no warning/critical flag on them that hits no label) and the
false alarms on prose, then two leakage proxies for the summary's leakage: the share of
fixtures with `forbidden_strings` whose Lead-3 of the clean text (`evaluation.baselines`'s
Lead-3) contains one, and the share whose whole clean text still contains one.

`--fold-models DIR` (written by `training/train_lines.py --fold-models DIR`): each devset
fixture is analysed with the line model of the cross-validation fold that held its page out,
so the learned line classifier is scored out of fold on those pages; other fixtures use the
shipped model. Without it, the devset fixtures' pages are in the shipped model's training set.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.evaluation.baselines import lead_sentences  # noqa: E402
from summarizer.evaluation.fixtures import LoadedFixture, load_fixtures  # noqa: E402
from summarizer.evaluation.metrics import (  # noqa: E402
    KindCounts,
    flag_counts,
    leaked_strings,
    match_flags,
    merge_counts,
    micro,
    ratio,
)
from summarizer.quality import QualityReport, analyze_quality  # noqa: E402
from summarizer.schemas import FlagKind  # noqa: E402

DEFAULT_FIXTURES = ROOT / "evals" / "fixtures"


def page_key(item: LoadedFixture) -> str | None:
    """The devset page id a fixture was cut from (its source file name), or None."""
    source = item.fixture.source or ""
    if "article-extraction/html/" not in source:
        return None
    return source.rsplit("/", 1)[-1].split(".")[0]


def load_fold_models(folder: Path) -> dict[str, Path]:
    """Devset page id -> the fold model file that held that page out of training."""
    index = json.loads((folder / "folds.json").read_text(encoding="utf-8"))
    return {page: folder / entry["model"] for entry in index["folds"] for page in entry["test"]}


def analyse(item: LoadedFixture, model_file: Path | None) -> QualityReport:
    """analyze_quality on the fixture's Article, with a fold's line model if given."""
    article = item.to_article(max_chars=2_000_000)
    if model_file is None:
        return analyze_quality(
            article.text, notes=article.input_notes, main_lines=article.main_lines
        )
    from summarizer.quality import lines as line_model

    with line_model.using_model(line_model.LineModel.load(model_file)):
        return analyze_quality(
            article.text, notes=article.input_notes, main_lines=article.main_lines
        )


def fmt(x: float | None) -> str:
    """Three decimals, or a dash for an undefined rate."""
    return "-" if x is None else f"{x:.3f}"


def table(kinds: dict[FlagKind, KindCounts]) -> list[str]:
    """Markdown rows: one per kind, then the pooled (micro) row."""
    rows = [
        "| kind | produced | hit | expected | found | precision | recall | F1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, c in kinds.items():
        rows.append(
            f"| {kind.value} | {c.produced} | {c.produced_hit} | {c.expected} | "
            f"{c.expected_hit} | {fmt(c.precision)} | {fmt(c.recall)} | {fmt(c.f1)} |"
        )
    p = micro(kinds)
    rows.append(
        f"| **all (micro)** | {p.produced} | {p.produced_hit} | {p.expected} | "
        f"{p.expected_hit} | **{fmt(p.precision)}** | **{fmt(p.recall)}** | **{fmt(p.f1)}** |"
    )
    return rows


def main() -> None:
    """Print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("fixtures", nargs="?", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--fold-models", type=Path, help="score devset pages out of fold")
    parser.add_argument("--show", action="store_true", help="list misses and false alarms")
    args = parser.parse_args()
    fixtures = load_fixtures(args.fixtures)
    folds = load_fold_models(args.fold_models) if args.fold_models else {}
    per_fixture = []
    per_fixture_devset = []
    clean_body: list[bool] = []
    alarms = 0
    lead_leaks: list[bool] = []
    text_leaks: list[bool] = []
    for item in fixtures:
        key = page_key(item)
        report = analyse(item, folds.get(key) if key else None)
        fx = item.fixture
        match = match_flags(fx, report.flags)
        counts = flag_counts(fx, report.flags, match)
        per_fixture.append(counts)
        if key is not None:
            per_fixture_devset.append(counts)
        if fx.must_not_flag:
            clean_body.append(not match.violations)
        alarms += len(match.violations)
        if fx.forbidden_strings:
            lead = leaked_strings(fx.forbidden_strings, lead_sentences(report.clean_text, 3))
            anywhere = leaked_strings(fx.forbidden_strings, [report.clean_text])
            lead_leaks.append(bool(lead))
            text_leaks.append(bool(anywhere))
        if args.show:
            for e, hit in zip(fx.expected_flags, match.expected_hit, strict=True):
                if not hit and not e.optional:
                    print(f"miss  {item.id} {e.kind.value} {e.start_line}-{e.end_line} {e.note}")
            for i, (p, hit) in enumerate(zip(report.flags, match.produced_hit, strict=True)):
                if not hit:
                    tag = "ALARM" if i in match.violations else "extra"
                    print(f"{tag} {item.id} {p.kind.value} {p.start_line}-{p.end_line}")
            if fx.forbidden_strings:
                leaked = leaked_strings(fx.forbidden_strings, [report.clean_text])
                if leaked:
                    print(f"leak  {item.id} {leaked}")
    mode = "devset fixtures out of fold" if folds else "shipped line model"
    print(f"Fixtures: {args.fixtures} ({len(fixtures)}; {mode})\n")
    print("\n".join(table(merge_counts(per_fixture))))
    print()
    print(f"clean-body rate: {fmt(ratio(sum(clean_body), len(clean_body)))} "
          f"({sum(clean_body)}/{len(clean_body)} fixtures with must_not_flag ranges); "
          f"false alarms on prose: {alarms}")  # fmt: skip
    print(f"leakage proxy, Lead-3 of clean text: {fmt(ratio(sum(lead_leaks), len(lead_leaks)))} "
          f"({sum(lead_leaks)}/{len(lead_leaks)} fixtures with forbidden strings)")  # fmt: skip
    print(f"leakage proxy, anywhere in clean text: {fmt(ratio(sum(text_leaks), len(text_leaks)))} "
          f"({sum(text_leaks)}/{len(text_leaks)})")  # fmt: skip
    dev = micro(merge_counts(per_fixture_devset))
    print(f"devset fixtures only ({len(per_fixture_devset)}): precision {fmt(dev.precision)}, "
          f"recall {fmt(dev.recall)}, F1 {fmt(dev.f1)}")  # fmt: skip


if __name__ == "__main__":
    main()
