"""Print a pip constraints file that pins each runtime dependency to its declared floor.

`name>=X` in pyproject.toml's [project] dependencies becomes `name==X`, so pip installs
exactly the lowest versions the project claims to work with, or fails when they cannot be
installed together. A dependency without a `>=` floor is an error: the floor is the claim
scripts/check-min-versions.sh tests. `--python` prints the lowest Python of requires-python.

Needs Python 3.11+ (tomllib) or the tomli package.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"

# name, optional [extras], version specifiers, optional ; environment marker
_REQUIREMENT = re.compile(
    r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([^;]*?)\s*(;.*)?$"
)


def floor_constraints(dependencies: list[str]) -> list[str]:
    """One `name==floor` line per dependency (its marker kept); SystemExit without a floor."""
    lines = []
    for dependency in dependencies:
        match = _REQUIREMENT.match(dependency)
        if match is None:
            raise SystemExit(f"cannot read the dependency {dependency!r}")
        name, specifiers, marker = match.group(1), match.group(2), match.group(3)
        floors = [s.strip()[2:].strip() for s in specifiers.split(",") if s.strip()[:2] == ">="]
        if len(floors) != 1:
            raise SystemExit(f"{dependency!r} has no single `>=` floor to test")
        lines.append(f"{name}=={floors[0]}" + (f" {marker}" if marker else ""))
    return lines


def main(argv: list[str]) -> int:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    if argv == ["--python"]:
        found = re.search(r">=\s*(\d+\.\d+)", project["requires-python"])
        if found is None:
            raise SystemExit("requires-python has no `>=` floor")
        print(found.group(1))
    elif not argv:
        print("\n".join(floor_constraints(project["dependencies"])))
    else:
        raise SystemExit("usage: floor_constraints.py [--python]")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
