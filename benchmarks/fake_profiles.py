"""Prose fake-author profiles: detection per locale, and false alarms on real text.

    .venv/bin/python benchmarks/fake_profiles.py [--n 2000] [--seed 0]

Each of n Faker profiles (tests/unit/fake_profiles.py: eight locales, four layouts, with or
without a heading and a postal address) is appended to one of the eval fixtures' article
bodies (the bodies test_author_block.py uses). A profile counts as caught when
fake_author_block flags cover all its non-blank lines and start after the body; a body
false alarm is any warning or critical flag on the body. The hand-written real bylines and
bios of the tests are appended the same way; a false alarm there is any fake_author_block.
Deterministic for a given --seed. Dev figures: the detector was written against this
generator. With ../shared present, the 45 devset pages' visible text is checked too
(real pages: none has a generated author block).
"""

from __future__ import annotations

import argparse
import gzip
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.inputs.html import visible_text  # noqa: E402
from summarizer.quality import analyze_quality  # noqa: E402
from summarizer.schemas import FlagKind, Severity  # noqa: E402
from tests.unit.fake_profiles import LOCALES, profile  # noqa: E402
from tests.unit.test_author_block import BODIES, BODY, REAL_ENDINGS  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args(argv)
    rnd = random.Random(args.seed)
    caught: Counter[str] = Counter()
    total: Counter[str] = Counter()
    body_alarms = 0
    for _ in range(args.n):
        p = profile(rnd.randrange(10**9))
        _, body = BODIES[rnd.randrange(len(BODIES))]
        flags = analyze_quality("\n".join([*body, "", *p.lines])).flags
        first = len(body) + 2
        want = {first + k for k, line in enumerate(p.lines) if line.strip()}
        fake = [f for f in flags if f.kind is FlagKind.fake_author_block]
        got = {n for f in fake for n in range(f.start_line, f.end_line + 1)}
        total[p.locale] += 1
        caught[p.locale] += int(want <= got and all(f.start_line >= first for f in fake))
        body_alarms += any(
            f.start_line <= len(body) and f.severity is not Severity.info for f in flags
        )
    print("| locale | caught | profiles |")
    print("|---|---:|---:|")
    for loc in LOCALES:
        print(f"| {loc} | {caught[loc]} | {total[loc]} |")
    print(f"| all | {sum(caught.values())} | {sum(total.values())} |")
    print(f"\nbodies with a warning/critical flag after a profile was appended: {body_alarms}")
    real = sum(
        any(f.kind is FlagKind.fake_author_block for f in analyze_quality(f"{BODY}\n{e}").flags)
        for e in REAL_ENDINGS
    )
    print(f"real bylines/bios flagged fake_author_block: {real} of {len(REAL_ENDINGS)}")
    pages = sorted((args.shared / "devset" / "article-extraction" / "html").glob("*.html.gz"))
    if pages:
        flagged = sum(
            any(
                f.kind is FlagKind.fake_author_block
                for f in analyze_quality(visible_text(gzip.decompress(p.read_bytes()))).flags
            )
            for p in pages
        )
        print(
            f"devset pages (visible text) with a fake_author_block flag: {flagged} of {len(pages)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
