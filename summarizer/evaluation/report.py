"""Writing a run: report.json (everything), report.md (tables), report.html (self-contained).

The HTML page is rendered with jinja2 from templates/report.html.j2 with inline CSS and
inline SVG charts, so it opens from a CI artifact or an e-mail attachment with no network.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

# The metrics shown first, with their human names; everything else is in report.json.
_MAJ_ACC, _MAJ_F1 = "baseline.majority.stance_accuracy", "baseline.majority.stance_macro_f1"
_LEAD_KF, _LEAD_KF_LEX = "baseline.lead3.key_fact_recall", "baseline.lead3.key_fact_recall_lexical"
_LEAD_LEAK = "baseline.lead3.leakage_rate"
HEADLINE_METRICS: list[tuple[str, str, str | None]] = [
    ("schema_valid_rate", "Schema-valid rate", None),
    ("error_rate", "Error rate", None),
    ("article_type_accuracy", "Article-type accuracy", None),
    ("flags.precision", "Flags: precision (micro)", None),
    ("flags.recall", "Flags: recall (micro)", None),
    ("flags.f1", "Flags: F1 (micro)", None),
    ("flags.macro_f1", "Flags: F1 (macro over kinds)", None),
    ("flags.clean_body_rate", "Articles with no false alarm on prose", None),
    ("stances.accuracy", "Stances: accuracy (matched pairs)", None),
    ("stances.precision_actors", "Stances: precision of actor stances (matched)", None),
    ("stances.precision_confident", "Stances: precision at confidence >= 0.8", None),
    ("stances.macro_f1", "Stances: macro-F1 (matched pairs)", _MAJ_F1),
    ("stances.accuracy_all", "Stances: accuracy (all expected pairs)", _MAJ_ACC),
    ("stances.coverage", "Stances: coverage of expected pairs", None),
    ("stances.coverage_requested", "Stances: coverage, requested targets", None),
    ("stances.coverage_actors", "Stances: coverage, actor stances", None),
    ("summary.key_fact_recall", "Key-fact recall", _LEAD_KF),
    ("summary.key_fact_recall_lexical", "Key-fact recall (lexical)", _LEAD_KF_LEX),
    ("summary.leakage_rate", "Leakage rate (articles with forbidden strings)", _LEAD_LEAK),
    ("summary.grounding_rate", "Grounding rate (evidence that verifies)", None),
    ("source.all_fields", "Source metadata: fields right (text-stated labels)", None),
]
_BASELINE_NAMES = {
    _MAJ_F1: "majority class",
    _MAJ_ACC: "majority class",
    _LEAD_KF: "Lead-3",
    _LEAD_KF_LEX: "Lead-3",
    _LEAD_LEAK: "Lead-3",
}
_SERIES_COLOURS = ("#2f6fb2", "#c9822b", "#6a9f3a", "#9b59b6")


def fmt(value: Any, digits: int = 3) -> str:
    """A metric value for humans: '—' for undefined, fixed decimals for floats."""
    if value is None:
        return "—"
    if isinstance(value, float):
        if math.isnan(value):
            return "—"
        if value.is_integer() and abs(value) >= 10:
            return f"{int(value)}"
        return f"{value:.{digits}f}"
    return str(value)


# ---------------------------------------------------------------------------------- SVG


def bar_chart(
    rows: Sequence[tuple[str, Sequence[float | None]]],
    series: Sequence[str],
    *,
    max_value: float | None = None,
    unit: str = "",
    label_width: int = 230,
    width: int = 720,
) -> Markup:
    """A horizontal grouped bar chart as inline SVG (no scripts, no external assets)."""
    values = [v for _, vs in rows for v in vs if v is not None]
    top = max_value if max_value is not None else max(values, default=1.0) or 1.0
    bar_h, gap = 12, 8
    group_h = bar_h * len(series) + gap
    legend_h = 22
    height = legend_h + group_h * len(rows) + 10
    plot_w = width - label_width - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" class="chart">'
    ]
    for i, name in enumerate(series):
        x = label_width + i * 150
        colour = _SERIES_COLOURS[i % len(_SERIES_COLOURS)]
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="14" font-size="12">{escape(name)}</text>')
    for r, (label, vals) in enumerate(rows):
        y0 = legend_h + r * group_h
        parts.append(
            f'<text x="{label_width - 6}" y="{y0 + bar_h * len(series) / 2 + 4}" '
            f'font-size="12" text-anchor="end">{escape(label)}</text>'
        )
        for i, value in enumerate(vals):
            y = y0 + i * bar_h
            colour = _SERIES_COLOURS[i % len(_SERIES_COLOURS)]
            if value is None:
                parts.append(
                    f'<text x="{label_width + 4}" y="{y + bar_h - 2}" font-size="10" '
                    f'fill="#888">n/a</text>'
                )
                continue
            w = max(0.0, min(1.0, value / top)) * plot_w
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" '
                f'fill="{colour}"><title>{escape(label)}: {fmt(value)}{unit}</title></rect>'
            )
            parts.append(
                f'<text x="{label_width + w + 4:.1f}" y="{y + bar_h - 2}" font-size="10">'
                f"{fmt(value, 2)}{unit}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated label is escaped above


def _charts(data: Mapping[str, Any]) -> dict[str, Markup]:
    """The report's charts: where a picture reads faster than a table."""
    metrics = data["metrics"]
    fixtures = data["fixtures"]
    charts: dict[str, Markup] = {}
    charts["versus_baselines"] = bar_chart(
        [
            ("Key-fact recall", [metrics.get("summary.key_fact_recall"),
                                 metrics.get("baseline.lead3.key_fact_recall")]),
            ("Key-fact recall (lexical)", [metrics.get("summary.key_fact_recall_lexical"),
                                           metrics.get("baseline.lead3.key_fact_recall_lexical")]),
            ("Leakage rate", [metrics.get("summary.leakage_rate"),
                              metrics.get("baseline.lead3.leakage_rate")]),
            ("Stance accuracy (all pairs)", [metrics.get("stances.accuracy_all"),
                                             metrics.get("baseline.majority.stance_accuracy")]),
            ("Stance macro-F1", [metrics.get("stances.macro_f1"),
                                 metrics.get("baseline.majority.stance_macro_f1")]),
        ],
        ["model", "baseline (Lead-3 / majority)"],
        max_value=1.0,
    )  # fmt: skip
    kinds = data.get("flags_by_kind", {})
    if kinds:
        charts["flags"] = bar_chart(
            [(k, [c["precision"], c["recall"], c["f1"]]) for k, c in kinds.items()],
            ["precision", "recall", "F1"],
            max_value=1.0,
        )
    charts["key_facts"] = bar_chart(
        [(f["id"], [f["key_facts"]["recall"], f["lead3"]["recall"]]) for f in fixtures],
        ["model", "Lead-3"],
        max_value=1.0,
        label_width=280,
    )
    latency = [
        (f["id"], [None if f["provenance"] is None else f["provenance"]["latency_ms"] / 1000])
        for f in fixtures
    ]
    if any(v[0] is not None for _, v in latency):
        charts["latency"] = bar_chart(latency, ["latency (s)"], unit=" s", label_width=280)
    return charts


# --------------------------------------------------------------------------------- HTML


def _environment() -> Environment:
    """The jinja2 environment for the packaged templates (HTML autoescaped)."""
    env = Environment(
        loader=PackageLoader("summarizer.evaluation", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = fmt
    env.filters["highlight"] = highlight
    return env


def highlight(text: str | None, needles: Sequence[str]) -> Markup:
    """Escape text and wrap each case-insensitive occurrence of the needles in <mark>."""
    if not text:
        return Markup("")
    wanted = sorted({n for n in needles if n}, key=len, reverse=True)
    if not wanted:
        return escape(text)
    # Matched on the raw text and escaped piece by piece, so a needle can never split an entity.
    pattern = re.compile("|".join(re.escape(n) for n in wanted), re.IGNORECASE)
    out, start = [], 0
    for match in pattern.finditer(text):
        out.append(str(escape(text[start : match.start()])))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        start = match.end()
    out.append(str(escape(text[start:])))
    return Markup("".join(out))  # noqa: S704 - built from escaped pieces only


def render_html(data: Mapping[str, Any]) -> str:
    """The self-contained HTML report."""
    metrics = data["metrics"]
    baseline = (data.get("baseline") or {}).get("metrics", {})
    headline = [
        {
            "key": key,
            "name": name,
            "value": metrics.get(key),
            "versus": None if ref is None else metrics.get(ref),
            "versus_name": None if ref is None else _BASELINE_NAMES.get(ref),
            "baseline": baseline.get(key),
        }
        for key, name, ref in HEADLINE_METRICS
    ]
    template = _environment().get_template("report.html.j2")
    return template.render(data=data, headline=headline, charts=_charts(data))


# ----------------------------------------------------------------------------- Markdown


def _md_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    """A GitHub-flavoured Markdown table."""

    def cell(value: Any) -> str:
        return (fmt(value) if not isinstance(value, str) else value).replace("|", "\\|")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def render_markdown(data: Mapping[str, Any]) -> str:
    """report.md: run, gates, headline metrics with baselines, per-kind and per-fixture tables."""
    run, metrics = data["run"], data["metrics"]
    fp = run["fingerprint"]
    baseline = (data.get("baseline") or {}).get("metrics", {})
    out = [
        "# Eval report",
        "",
        f"- backend `{fp.get('backend')}`, model `{fp.get('model')}`, mode `{fp.get('mode')}`, "
        f"prompt `{fp.get('prompt_version')}`, schema `{fp.get('schema_version')}`",
        f"- {run['n_fixtures']} fixtures from `{run['fixtures_dir']}`, fixture-set hash "
        f"`{run['fixture_set_hash'][:16]}`",
        f"- key facts matched `{run['key_fact_method']}`; Lead-3 from the {run['lead3_source']} "
        f"text; run took {run['duration_s']} s; {run['created_at']}",
        "",
        "## Gates",
        "",
    ]
    gates = data.get("gates", [])
    if not gates:
        out.append("No gates were requested.")
    out += [f"- {'PASS' if g['ok'] else '**FAIL**'} {g['name']}: {g['message']}" for g in gates]
    rows = [
        [
            name,
            metrics.get(key),
            "" if ref is None else f"{fmt(metrics.get(ref))} ({_BASELINE_NAMES.get(ref)})",
            baseline.get(key) if baseline else "",
        ]
        for key, name, ref in HEADLINE_METRICS
    ]
    out += ["", "## Metrics", ""]
    out += _md_table(["metric", "value", "model-free baseline", "committed baseline"], rows)
    out += ["", "## Flags by kind", ""]
    out += _md_table(
        ["kind", "precision", "recall", "F1", "produced (hit)", "expected (hit)"],
        [
            [k, c["precision"], c["recall"], c["f1"], f"{c['produced']} ({c['produced_hit']})",
             f"{c['expected']} ({c['expected_hit']})"]
            for k, c in data.get("flags_by_kind", {}).items()
        ],
    )  # fmt: skip
    st = data.get("stances", {})
    out += [
        "",
        "## Stances",
        "",
        f"{st.get('matched')} of {st.get('expected')} expected pairs matched, "
        f"{st.get('correct')} with the right label; majority-class label "
        f"`{st.get('majority_label')}`.",
        "",
    ]
    labels = sorted({lab for row in st.get("confusion", {}).values() for lab in row}
                    | set(st.get("confusion", {})))  # fmt: skip
    if labels:
        out += _md_table(
            ["expected \\ produced", *labels],
            [[g, *[str(st["confusion"].get(g, {}).get(p, 0)) for p in labels]] for g in labels],
        )
    errors = data.get("errors", {})
    out += ["", "## Errors", ""]
    out += [f"- {t}: {n}" for t, n in errors.items()] or ["None."]
    rs = data.get("run_stats", {})
    out += ["", "## Cost per article", ""]
    out += _md_table(
        ["measure", "mean", "median", "p90", "max", "total"],
        [
            [name, s.get("mean"), s.get("median"), s.get("p90"), s.get("max"), s.get("total")]
            for name, s in rs.items()
            if isinstance(s, dict)
        ],
    )
    out += ["", f"Cached results: {rs.get('cached', 0)}.", "", "## Fixtures", ""]
    out += _md_table(
        ["fixture", "status", "type ok", "key facts", "Lead-3", "leaked", "grounded",
         "flags hit", "false alarms"],
        [_fixture_row(f) for f in data["fixtures"]],
    )  # fmt: skip
    return "\n".join(out) + "\n"


def _yes_no(value: bool | None) -> str:
    """'yes', 'no' or '—'."""
    return "—" if value is None else ("yes" if value else "no")


def _fixture_row(f: Mapping[str, Any]) -> list[str]:
    """One row of the per-fixture Markdown table."""
    valid = bool(f["schema_valid"])
    total = f["key_facts"]["total"]
    return [
        f["id"],
        f["error_type"] or "ok",
        _yes_no(f["article_type"]["correct"]),
        f"{f['key_facts']['covered']}/{total}" if valid else "—",
        f"{f['lead3']['covered']}/{total}",
        ", ".join(f["leakage"]["leaked"]) or "—",
        f"{f['grounding']['verified']}/{f['grounding']['total']}" if valid else "—",
        _flags_hit(f),
        str(f["flags"].get("violations", 0)) if valid else "—",
    ]


def _flags_hit(fixture: Mapping[str, Any]) -> str:
    """'hit/required' for a fixture's expected flags."""
    expected = [e for e in fixture["flags"].get("expected", []) if not e["optional"]]
    if not fixture["schema_valid"]:
        return "—"
    return f"{sum(e['hit'] for e in expected)}/{len(expected)}"


# ------------------------------------------------------------------------------ summary


def render_summary(data: Mapping[str, Any], out: Path) -> str:
    """The terminal summary: key numbers, baselines, gate verdicts, where the files are."""
    m = data["metrics"]
    fp = data["run"]["fingerprint"]
    lines = [
        f"eval: {data['run']['n_fixtures']} fixtures, backend {fp.get('backend')} "
        f"({fp.get('model')}), prompt {fp.get('prompt_version')}",
        f"  schema-valid {fmt(m.get('schema_valid_rate'))}  errors {fmt(m.get('error_rate'))}"
        f"  article type {fmt(m.get('article_type_accuracy'))}",
        f"  flags P/R/F1 {fmt(m.get('flags.precision'))}/{fmt(m.get('flags.recall'))}/"
        f"{fmt(m.get('flags.f1'))}  clean prose {fmt(m.get('flags.clean_body_rate'))}",
        f"  stances acc {fmt(m.get('stances.accuracy'))} macro-F1 {fmt(m.get('stances.macro_f1'))}"
        f" coverage {fmt(m.get('stances.coverage'))}  (majority: acc "
        f"{fmt(m.get('baseline.majority.stance_accuracy'))})",
        f"  key facts {fmt(m.get('summary.key_fact_recall'))} ({data['run']['key_fact_method']};"
        f" Lead-3 {fmt(m.get('baseline.lead3.key_fact_recall'))})  leakage "
        f"{fmt(m.get('summary.leakage_rate'))}  grounding {fmt(m.get('summary.grounding_rate'))}",
        f"  latency mean {fmt(m.get('run.latency_ms_mean'), 0)} ms, tokens mean "
        f"{fmt(m.get('run.tokens_mean'), 0)}, attempts mean {fmt(m.get('run.attempts_mean'), 2)}",
    ]
    for gate in data.get("gates", []):
        lines.append(f"  {'PASS' if gate['ok'] else 'FAIL'} {gate['name']}: {gate['message']}")
    lines.append(f"  reports: {out / 'report.md'}, {out / 'report.html'}, {out / 'report.json'}")
    return "\n".join(lines)


def write_reports(data: Mapping[str, Any], out: Path) -> None:
    """Write report.json, report.md and report.html into out."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(
        json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out / "report.md").write_text(render_markdown(data), encoding="utf-8")
    (out / "report.html").write_text(render_html(data), encoding="utf-8")
