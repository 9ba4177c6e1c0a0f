"""Synthetic news articles for tests and benchmarks: varied, deterministic, any number of them.

Each article names a unique reference code (`marker(i)`), so a FaultPlan script can target
one article by putting that code in `FaultPlan.scripts`.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

_CITIES = ["Lisbon", "Nairobi", "Osaka", "Quito", "Tallinn", "Perth", "Accra", "Bergen", "Cusco"]
_BODIES = ["city council", "port authority", "water board", "transit agency", "health service"]
_PEOPLE = ["Maria Okafor", "Daniel Weiss", "Aiko Tanaka", "Pedro Alves", "Sara Lindqvist"]
_TOPICS = [
    ("a new tram line", "construction is expected to take three years"),
    ("higher parking fees", "the extra revenue will fund road repairs"),
    ("a flood barrier", "engineers say it will protect two thousand homes"),
    ("a clinic expansion", "waiting times have doubled since last winter"),
    ("cheaper bus passes", "ridership fell sharply during the last year"),
]


def marker(i: int) -> str:
    """The unique reference code that article i mentions."""
    return f"QX{i:06d}"


def synthetic_article(i: int, *, paragraphs: int = 1) -> str:
    """A short, plausible news report; the same i always gives the same text."""
    rng = random.Random(i)
    city, body = rng.choice(_CITIES), rng.choice(_BODIES)
    person, other = rng.sample(_PEOPLE, 2)
    topic, reason = rng.choice(_TOPICS)
    votes, rise = rng.randint(5, 30), rng.randint(10, 40)
    lines = [
        f"The {body} of {city} approved {topic} on Tuesday after a vote of {votes} to 4.",
        f"Officials said {reason}, according to planning file {marker(i)}.",
        f"{person}, who chairs the committee, called the decision overdue and long awaited.",
        f"{other} opposed the plan and warned that costs could rise by {rise} percent.",
        f"The {body} will publish a detailed budget for {city} next month.",
    ]
    extra = [
        f"Residents of {city} raised questions about noise at a public meeting in week {k + 2}."
        for k in range(max(0, paragraphs - 1) * 3)
    ]
    return "\n\n".join([" ".join(lines[:2]), " ".join(lines[2:4]), lines[4], *extra]) + "\n"


def synthetic_rows(n: int, *, start: int = 0, targets: bool = False) -> Iterator[dict[str, object]]:
    """JSONL rows {"id", "text", ...} for articles start..start+n-1."""
    for i in range(start, start + n):
        row: dict[str, object] = {"id": f"art-{i:06d}", "text": synthetic_article(i)}
        if targets:
            row["targets"] = ["Maria Okafor", "Zanzibar Ferries"]
        yield row


def write_jsonl(path: Path, n: int, *, start: int = 0, targets: bool = False) -> Path:
    """Write n synthetic rows to a JSONL file (streamed, so n can be large)."""
    with open(path, "w", encoding="utf-8") as handle:
        for row in synthetic_rows(n, start=start, targets=targets):
            handle.write(json.dumps(row) + "\n")
    return path
