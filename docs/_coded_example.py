"""How readable the index is on real coded data, under old and new settings.

Reads the real samples beside the checkout (``../shared/data``: not shipped,
ICEWS is for research and education only) and prints, per dyad, the share of
days whose stability lies within [5, 95] and the median stability, under:

* ``sum``: the library's default, meant for curated events;
* ``mean, one_a_day``: the recommendation of version 0.1 for coded data;
* ``kernel_mean, dyad, auto, one_a_day``: what ``--format gdelt|icews|polecat``
  uses now (``aggregation="kernel_mean"``, ``neutral="dyad"``, ``scale="auto"``).

Run it from anywhere (a few seconds)::

    python docs/_coded_example.py

docs/data-sources.md quotes its output (section "The index on real coded
data"); tests/test_coded_data.py checks the readable range on the same files.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pandas as pd

import tensionindex as ti

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


def main() -> None:
    if not GEORGIA or not ICEWS.exists():
        raise SystemExit(f"needs the real samples in {SHARED} (see ../shared/README.md)")
    georgia = ti.read_gdelt(GEORGIA)
    title = "GDELT 1.0, events located in Georgia, June 2012 to February 2013"
    print(table(title, scored_runs(georgia, busiest(georgia))))
    print()
    icews = ti.read_icews(ICEWS)
    print(table("ICEWS sample (2018)", scored_runs(icews, busiest(icews))))


if __name__ == "__main__":
    main()
