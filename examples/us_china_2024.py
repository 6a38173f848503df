"""US-China and China-Philippines stability, 2018-2024, and what drove it.

Scores the bundled example (events from a 2024 news report on US-China
defence contacts and China-Philippines incidents at Second Thomas Shoal,
completed from the public record) once with the default configuration, then
asks the scored events several questions: the monthly CHN-USA and CHN-PHL
series and, for each dyad, the events behind its lowest and its highest
stability.  Each dyad is read only over the span the example monitors it
(``ti.example_spans``): CHN-PHL from January 2023, CHN-USA from July 2018.

Run it from the repository root::

    python examples/us_china_2024.py
"""

from __future__ import annotations

import textwrap

import pandas as pd

import tensionindex as ti

DYADS = ("CHN-USA", "CHN-PHL")
TOP = 5


def within(result: pd.DataFrame, spans: pd.DataFrame, dyad: str) -> pd.DataFrame:
    """The rows of ``dyad`` over the span the example monitors it, indexed by date."""
    series = result[result["dyad"] == dyad].set_index("date")
    return series.loc[spans.at[dyad, "start"] : spans.at[dyad, "end"]]


def monthly(series: pd.DataFrame) -> pd.DataFrame:
    """Month-end stability, the month's lowest value and its number of events."""
    by_month = series.groupby(series.index.to_period("M"))
    return pd.DataFrame(
        {
            "end": by_month["stability"].last(),
            "low": by_month["stability"].min(),
            "events": by_month["events"].sum(),
        }
    )


def print_monthly(result: pd.DataFrame, spans: pd.DataFrame) -> None:
    tables = {dyad: monthly(within(result, spans, dyad)) for dyad in DYADS}
    months = sorted(set().union(*(t.index for t in tables.values())))
    header = "month    " + "".join(f"| {dyad:^24} " for dyad in DYADS)
    sub = "         " + "| month-end  lowest  events " * len(DYADS)
    print(header)
    print(sub)
    print("-" * len(sub))
    for month in months:
        cells = "".join(
            f"| {t.at[month, 'end']:9.1f}  {t.at[month, 'low']:6.1f}  {t.at[month, 'events']:6d} "
            if month in t.index
            else f"| {'not monitored':^24} "
            for t in tables.values()
        )
        print(f"{month!s:<9}{cells}")
    print()


def print_drivers(
    scored: ti.ScoredEvents, result: pd.DataFrame, spans: pd.DataFrame, dyad: str
) -> None:
    # Outside its span a dyad's stability drifts to 50 for lack of coding (nothing
    # to explain), so look for the extremes within the span.
    active = within(result, spans, dyad)
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
            print("  (never above 50, the neutral value, within its span)")
        print(
            f"  {'date':<10}  {'event type':<22} {'signal':>7} {'decay':>6} {'contrib':>8}"
            "  description"
        )
        faded = why["contribution"].abs() < 0.005  # old events decayed to nothing
        live = why[~faded]
        for row in live.head(TOP).itertuples():
            text = textwrap.shorten(str(row.description), width=70, placeholder="...")
            print(
                f"  {row.date:%Y-%m-%d}  {row.event_type:<22} {row.signal:+7.2f} "
                f"{row.decay:6.3f} {row.contribution:+8.2f}  {text}"
            )
        if len(live) > TOP:
            rest = live["contribution"].iloc[TOP:].sum()
            print(f"  ... and {len(live) - TOP} smaller contributions adding up to {rest:+.2f}")
        if faded.any():
            print(f"  ... and {int(faded.sum())} older events that have faded to nothing")
        print()


def main() -> None:
    events = ti.load_example("us-china-2024")
    config = ti.IndexConfig()  # the default profile: half-life 30 days, scale 10
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
    print("Stability: 50 = neutral, higher = more stable, lower = more tension.")
    spans = ti.example_spans("us-china-2024").set_index("dyad")
    for dyad in DYADS:
        start, end = spans.at[dyad, "start"], spans.at[dyad, "end"]
        print(f"{dyad} monitored {start:%Y-%m-%d} to {end:%Y-%m-%d}")
    print()

    print_monthly(result, spans)
    for dyad in DYADS:
        print_drivers(scored, result, spans, dyad)


if __name__ == "__main__":
    main()
