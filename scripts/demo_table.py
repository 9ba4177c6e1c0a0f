"""Print a short table of a batch output: headline, type, stance and flag counts per article."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table


def main(path: Path) -> int:
    """Render one row per JSONL line; error rows show their error type."""
    table = Table(title=str(path), show_lines=False)
    for column in ("id", "headline", "type (by)", "stances", "flags", "score", "calls", "s"):
        table.add_column(column, overflow="fold")
    failed = 0
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            result = row.get("result")
            if row.get("status") != "ok" or not result:
                failed += 1
                error = row.get("error") or {}
                table.add_row(
                    row.get("id", "?"),
                    f"[red]{error.get('type')}: {str(error.get('message'))[:80]}",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                )
                continue
            quality = result["quality"]
            warn = sum(1 for f in quality["flags"] if f["severity"] != "info")
            prov = result["provenance"]
            table.add_row(
                row["id"][:24],
                result["summary"]["headline"],
                f"{result['article_type']} ({prov['article_type_method']})",
                str(len(result["stances"])),
                f"{len(quality['flags'])} ({warn} warn+)",
                str(quality["score"]),
                str(prov["attempts"]),
                f"{prov['latency_ms'] / 1000:.1f}",
            )
    Console(width=160).print(table)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
