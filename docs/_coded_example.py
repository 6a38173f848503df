"""How readable the index is on real coded data, under old and new settings.

Reads the real samples beside the checkout (``../shared/data``: not shipped,
ICEWS is for research and education only) and prints, per dyad, the share of
days whose stability lies within [5, 95] and the median stability, under:

* ``sum``: the library's default, meant for curated events;
* ``mean, one_a_day``: the recommendation of version 0.1 for coded data;
* ``kernel_mean, dyad, auto, one_a_day``: what ``--format gdelt|icews|polecat``
  uses now (``aggregation="kernel_mean"``, ``neutral="dyad"``, ``scale="auto"``).

Run it from anywhere (a few seconds)::

    python docs/_coded_example.py           # print the tables
    python docs/_coded_example.py --write   # paste them into docs/data-sources.md
    python docs/_coded_example.py --check   # exit 1 if the page is out of date

docs/data-sources.md quotes its output between ``<!-- generated:coded-data -->``
markers (section "The index on real coded data"); tests/test_coded_data.py
checks that the page is current and the readable range on the same files.
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

import tensionindex as ti

PAGE = Path(__file__).resolve().parent / "data-sources.md"
#: The page's block between <!-- generated:coded-data --> and <!-- /generated:coded-data -->.
BLOCK = "coded-data"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
GEORGIA = sorted((SHARED / "gdelt" / "derived" / "georgia_gdelt1_monthly").glob("*.csv"))
ICEWS = SHARED / "icews" / "events.2018.sample.tab"
CURATED = SHARED / "curated" / "events_712.csv"

SETTINGS: dict[str, tuple[str | None, dict[str, Any]]] = {
    "`sum` (default)": (None, {}),
    "`mean`, `one_a_day` (0.1)": ("one_a_day", {"aggregation": "mean"}),
    "`kernel_mean`, `dyad`, `auto`, `one_a_day` (now)": (
        "one_a_day",
        {"aggregation": "kernel_mean", "neutral": "dyad", "scale": "auto"},
    ),
}


def readable(index: pd.DataFrame) -> pd.DataFrame:
    """Per dyad: days, share of days within [5, 95], median stability."""
    inside = index["stability"].between(5.0, 95.0)
    grouped = index.assign(inside=inside).groupby("dyad", observed=True)
    return pd.DataFrame(
        {
            "days": grouped.size(),
            "inside": grouped["inside"].mean(),
            "median": grouped["stability"].median(),
        }
    )


def scored_runs(events: pd.DataFrame, dyads: list[str]) -> dict[str, pd.DataFrame]:
    """The index of ``dyads`` under each of SETTINGS (all dyads scored together)."""
    out = {}
    for name, (dedup, settings) in SETTINGS.items():
        kept = events if dedup is None else ti.deduplicate(events, how=dedup)[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ti.SaturationWarning)
            index = ti.score(kept, **settings).index(dyads=dyads)
        out[name] = readable(index)
    return out


def table(title: str, runs: dict[str, pd.DataFrame]) -> str:
    names = list(runs)
    dyads = list(runs[names[0]].index)
    lines = [
        f"**{title}**",
        "",
        "| dyad | days | " + " | ".join(f"{n}: in [5, 95], median" for n in names) + " |",
        "|:--|--:|" + "--:|" * len(names),
    ]
    for dyad in dyads:
        cells = [
            f"{runs[n].loc[dyad, 'inside']:.0%}, {runs[n].loc[dyad, 'median']:.1f}" for n in names
        ]
        days = int(runs[names[0]].loc[dyad, "days"])
        lines.append(f"| {dyad} | {days} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def busiest(events: pd.DataFrame, n: int = 4) -> list[str]:
    """The ``n`` dyads with the most records."""
    scored = ti.score(events)
    counts = pd.Series(scored.dyad).value_counts().head(n)
    return [str(scored.labels[code]) for code in counts.index]


def have_samples() -> bool:
    """Whether the real samples this script reads are beside the checkout."""
    return bool(GEORGIA) and ICEWS.is_file()


def tables() -> str:
    """Both tables, as the page quotes them (GDELT first, then ICEWS)."""
    georgia = ti.read_gdelt(GEORGIA)
    title = "GDELT 1.0, events located in Georgia, June 2012 to February 2013"
    icews = ti.read_icews(ICEWS)
    return "\n\n".join(
        [
            table(title, scored_runs(georgia, busiest(georgia))),
            table("ICEWS sample (2018)", scored_runs(icews, busiest(icews))),
        ]
    )


def render(text: str, body: str) -> str:
    """``text`` with the generated block replaced by ``body``."""
    pattern = re.compile(
        rf"(<!-- generated:{BLOCK} -->\n).*?(\n<!-- /generated:{BLOCK} -->)", re.DOTALL
    )
    if not pattern.search(text):
        raise SystemExit(f"{PAGE.name} has no block {BLOCK!r}")
    return pattern.sub(lambda m: m.group(1) + "\n" + body + "\n" + m.group(2), text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="paste the tables into the page")
    mode.add_argument("--check", action="store_true", help="exit 1 if the page is out of date")
    args = parser.parse_args(argv)
    if not have_samples():
        print(f"needs the real samples in {SHARED} (see ../shared/README.md)", file=sys.stderr)
        return 0 if args.check else 1
    body = tables()
    if not (args.write or args.check):
        print(body)
        return 0
    text = PAGE.read_text(encoding="utf-8")
    new = render(text, body)
    if args.check:
        if new != text:
            print(f"{PAGE.name} is out of date: run python docs/{Path(__file__).name} --write")
            return 1
        print(f"{PAGE.name}: the coded-data tables are up to date")
        return 0
    PAGE.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
