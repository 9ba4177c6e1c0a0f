"""`summarizer eval compare A B`: what changed between two runs, metric by metric."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .gate import direction
from .report import fmt


def load_report(path: Path) -> dict[str, Any]:
    """A report.json, given the file itself or the run folder that holds it."""
    file = path / "report.json" if path.is_dir() else path
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read eval report {file}: {exc.strerror}") from None
    except ValueError as exc:
        raise ConfigError(f"{file} is not JSON: {exc}") from None
    if not isinstance(data, dict) or "metrics" not in data or "run" not in data:
        raise ConfigError(f"{file} is not an eval report (no 'run' and 'metrics')")
    return data


def _verdict(name: str, a: float | None, b: float | None) -> str:
    """'better', 'worse' or '' for a change from a to b."""
    way = direction(name)
    if a is None or b is None or way is None or abs(b - a) < 1e-9:
        return ""
    improved = b > a if way == "higher" else b < a
    return "better" if improved else "worse"


def _run_line(label: str, run: Mapping[str, Any]) -> str:
    """One line naming what a run was."""
    fp = run.get("fingerprint", {})
    return (
        f"{label}: {fp.get('backend')} / {fp.get('model')} / mode {fp.get('mode')} / prompt "
        f"{fp.get('prompt_version')} / schema {fp.get('schema_version')}; "
        f"{run.get('n_fixtures')} fixtures, hash {str(run.get('fixture_set_hash', ''))[:12]}; "
        f"key facts {run.get('key_fact_method')}; {run.get('created_at')}"
    )


def compare_runs(a: Path, b: Path) -> str:
    """A plain-text table of metric differences (B minus A) and the fixtures that changed."""
    ra, rb = load_report(a), load_report(b)
    lines = [_run_line("A", ra["run"]), _run_line("B", rb["run"])]
    if ra["run"].get("fixture_set_hash") != rb["run"].get("fixture_set_hash"):
        lines.append("warning: the fixture sets differ; per-metric differences mix two label sets")
    if ra["run"].get("key_fact_method") != rb["run"].get("key_fact_method"):
        lines.append("warning: key facts were matched differently; compare the lexical recall")
    ma, mb = ra["metrics"], rb["metrics"]
    names = [n for n in dict.fromkeys([*ma, *mb]) if direction(n) is not None]
    width = max(len(n) for n in names) if names else 10
    lines += ["", f"{'metric':<{width}}  {'A':>8}  {'B':>8}  {'B-A':>8}"]
    changed = 0
    for name in names:
        va, vb = ma.get(name), mb.get(name)
        delta = "" if va is None or vb is None else f"{vb - va:+.3f}"
        verdict = _verdict(name, va, vb)
        changed += bool(verdict)
        lines.append(f"{name:<{width}}  {fmt(va):>8}  {fmt(vb):>8}  {delta:>8}  {verdict}")
    lines.append("")
    lines.append(f"{changed} metric(s) changed.")
    fa = {f["id"]: f for f in ra.get("fixtures", [])}
    fb = {f["id"]: f for f in rb.get("fixtures", [])}
    diffs = []
    for fid in sorted(set(fa) | set(fb)):
        x, y = fa.get(fid), fb.get(fid)
        if x is None or y is None:
            diffs.append(f"  {fid}: only in {'B' if x is None else 'A'}")
            continue
        notes = []
        if (x["error_type"] or "ok") != (y["error_type"] or "ok"):
            notes.append(f"status {x['error_type'] or 'ok'} -> {y['error_type'] or 'ok'}")
        kx, ky = x["key_facts"]["covered"], y["key_facts"]["covered"]
        if kx != ky:
            notes.append(f"key facts {kx} -> {ky} of {y['key_facts']['total']}")
        lx, ly = set(x["leakage"]["leaked"]), set(y["leakage"]["leaked"])
        if lx != ly:
            notes.append(f"leaked {sorted(lx) or '-'} -> {sorted(ly) or '-'}")
        vx, vy = x["flags"].get("violations", 0), y["flags"].get("violations", 0)
        if vx != vy:
            notes.append(f"false alarms {vx} -> {vy}")
        sx = sum(p["correct"] for p in x["stances"]["pairs"])
        sy = sum(p["correct"] for p in y["stances"]["pairs"])
        if sx != sy:
            notes.append(f"correct stances {sx} -> {sy}")
        if notes:
            diffs.append(f"  {fid}: " + "; ".join(notes))
    lines.append("Fixtures that changed:" if diffs else "No fixture changed.")
    lines += diffs
    return "\n".join(lines)
