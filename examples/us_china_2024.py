"""US-China and China-Philippines stability, 2018-2024, and what drove it.

Scores the bundled example (events from a 2024 news report on US-China
defence contacts and China-Philippines incidents at Second Thomas Shoal) once
with the default configuration, then asks the scored events several
questions: the monthly CHN-USA and CHN-PHL series and, for each dyad, the
events behind its lowest and its highest stability.

Run it from the repository root::

    python examples/us_china_2024.py
"""

from __future__ import annotations

import textwrap

import pandas as pd

import tensionindex as ti

DYADS = ("CHN-USA", "CHN-PHL")
TOP = 5


def monthly(result: pd.DataFrame, dyad: str) -> pd.DataFrame:
    """Month-end stability, the month's lowest value and its number of events."""
    series = result[result["dyad"] == dyad].set_index("date")
    by_month = series.groupby(series.index.to_period("M"))
    return pd.DataFrame(
        {
            "end": by_month["stability"].last(),
            "low": by_month["stability"].min(),
            "events": by_month["events"].sum(),
        }
    )


def print_monthly(result: pd.DataFrame) -> None:
    tables = {dyad: monthly(result, dyad) for dyad in DYADS}
    months = tables[DYADS[0]].index
    header = "month    " + "".join(f"| {dyad:^24} " for dyad in DYADS)
    sub = "         " + "| month-end  lowest  events " * len(DYADS)
    print(header)
    print(sub)
    print("-" * len(sub))
    for month in months:
        cells = "".join(
            f"| {t.at[month, 'end']:9.1f}  {t.at[month, 'low']:6.1f}  {t.at[month, 'events']:6d} "
            for t in tables.values()
        )
        print(f"{month!s:<9}{cells}")
    print()


def print_drivers(scored: ti.ScoredEvents, result: pd.DataFrame, dyad: str) -> None:
    series = result[result["dyad"] == dyad].set_index("date")
    # Before a dyad's first event its stability is a flat 50 (nothing to
    # explain), so look for the extremes from that first event on.
    active = series[series["events"].cumsum() > 0]
    for which, day in (
        ("lowest", active["stability"].idxmin()),
        ("highest", active["stability"].idxmax()),
    ):
        why = scored.explain(dyad, day)  # reads only this dyad's events
        info = why.attrs["tensionindex"]
        print(
            f"{dyad}: {which} stability {info['stability']:.1f} on {day:%Y-%m-%d} "
            f"(tension {info['tension']:+.2f}, the sum of {len(why)} event contributions)"
        )
        if which == "highest" and info["stability"] < 50:
            print("  (never above 50, the neutral value, after its first event)")
        print(
            f"  {'date':<10}  {'event type':<22} {'signal':>7} {'decay':>6} {'contrib':>8}"
            "  description"
        )
        for row in why.head(TOP).itertuples():
            text = textwrap.shorten(str(row.description), width=70, placeholder="...")
            print(
                f"  {row.date:%Y-%m-%d}  {row.event_type:<22} {row.signal:+7.2f} "
                f"{row.decay:6.3f} {row.contribution:+8.2f}  {text}"
            )
        if len(why) > TOP:
            rest = why["contribution"].iloc[TOP:].sum()
            print(f"  ... and {len(why) - TOP} smaller contributions adding up to {rest:+.2f}")
        print()


def main() -> None:
    events = ti.load_example("us-china-2024")
    config = ti.IndexConfig()  # the "goldstein" profile: half-life 30 days, scale 10
    scored = ti.score(events, config)  # validated and prepared once, for every query below
    result = scored.index()

    first, last = events["date"].min(), events["date"].max()
    print(
        f"{len(events)} events, {first:%Y-%m-%d} to {last:%Y-%m-%d}; "
        f"dyads: {', '.join(result['dyad'].cat.categories)}"
    )
    print(
        f"configuration fingerprint {scored.fingerprint} "
        f"(tensionindex {result.attrs['tensionindex']['version']})"
    )
    print("Stability: 50 = neutral, higher = more stable, lower = more tension.\n")

    print_monthly(result)
    for dyad in DYADS:
        print_drivers(scored, result, dyad)


if __name__ == "__main__":
    main()
