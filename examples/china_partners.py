"""China and 25 partners, 2002-2025, from 712 hand-curated events.

Reads the curated China-partner events of Hu & Wang (see "Data" below),
turns each row into a tensionindex event with the shipped mapping
``examples/china_partners_mapping.csv``, scores them once and asks the scored
events six questions:

1. the index year by year for four partners;
2. the monthly CHN-JPN index around the nationalisation of the Senkaku
   (Diaoyu) islands in September 2012;
3. the index of China against the South China Sea claimants as a group
   (``scored.group_index``), weighted per event and per member dyad;
4. the dyads ranked over 2025 (``ti.compare_dyads``);
5. China's partners ranked by the change of stability from 2022 to 2024
   (``ti.compare_dyads`` from 1 January 2022 to 31 December 2024), with the
   events that drove each change and the yearly means of 2022 and 2024 beside
   them;
6. how the monthly index agrees with the monthly GDELT Goldstein series of
   the same data package (Spearman rank correlation), against the agreement
   with the other partners' GDELT series.

Every row of the data is mapped or reported as unmapped; a rule the mapping
cannot choose between is an error.  Dates are month precision (``YYYY-MM``)
and are passed as they are: ``validate_events`` reads them as months
(``date_precision`` "month") and the index places each event on the middle
day of its month (the default ``imprecise_dates="middle"``).

Data
----
Hu & Wang, "Choosing the Ruler: An Audience-Specific Audit of Measurement
Validity in Political Event Databases", replication package
(https://github.com/KelaoHu/eventdb-validity-audit, folder ``data/core``;
Zenodo doi:10.5281/zenodo.21862534), licensed CC BY 4.0
(https://creativecommons.org/licenses/by/4.0/).  The files are read as
published; the mapping to event types and everything computed here are ours.
The data are not shipped with tensionindex: the script looks for them in
``../shared/data/curated`` beside the checkout, or in the folder given as its
argument, and exits with a message (status 0) when they are absent.

Run it from the repository root::

    python examples/china_partners.py [FOLDER]

``docs/_make_china_partners_chart.py`` draws the charts of the worked example
from the results of :func:`run`.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

import tensionindex as ti

HERE = Path(__file__).resolve().parent
MAPPING = HERE / "china_partners_mapping.csv"
DATA = HERE.parent.parent / "shared" / "data" / "curated"
EVENTS_FILE = "events_712.csv"
GDELT_FILE = "gdelt_scores.csv"

#: The columns of the curated data that a rule of the mapping can match (empty cell: any value).
KEYS = ("event_category_en", "impact", "event_type_original", "visit_level")

CONFIG = ti.IndexConfig(
    custom_types={
        # Weight 2, as a critical statement and below a formal protest (3.5): the
        # curators judge these rows negative for the relationship, but neither side
        # acts against the other, so no built-in type (all of them acts) fits.
        "crisis_strain": ti.EventTypeSpec(
            label="A pandemic, accident or disaster strains relations without a hostile act",
            category="diplomatic_friction",
            weight=2.0,
        )
    },
    # Month-precision dates are up to half a month off; at 90 days that moves
    # an event's weight by about 2**(15/90) - 1 = 12% at most, and the sparse curated
    # events (a few a year per partner) still carry over from one to the next.
    half_life=90.0,
    name="china-partners-curated",
    description="Curated China-partner events (Hu & Wang), half-life 90 days.",
)

FIRST, LAST = "2002-01-01", "2025-12-31"
SHOWN = ("Japan", "United States", "Philippines", "Vietnam")
#: South China Sea claimants other than China (and Taiwan); Brunei has no events here.
CLAIMANTS = ("Philippines", "Vietnam", "Malaysia", "Indonesia", "Brunei")
RANKED = ("2024-12-31", "2025-12-31")
#: 2022 to 2024: the value entering 2022 and the value leaving 2024.  Month-precision
#: events sit on the middle day of their month, so the events counted between these two
#: days are exactly those of the 36 months 2022-01 to 2024-12.
CHANGE = ("2022-01-01", "2024-12-31")
#: Driving events reported per dyad in the ranking by change, and dyads shown in full
#: at each end of it.
CHANGE_DRIVERS = 3
CHANGE_SHOWN = 3
TOP_GDELT = 10


@dataclass(frozen=True)
class Example:
    """Everything the script computes, for printing and for tests."""

    events: pd.DataFrame  # the curated rows mapped, in tensionindex's input layout
    unmapped: pd.DataFrame  # the curated rows no rule of the mapping covers
    scored: ti.ScoredEvents
    labels: dict[str, str]  # partner name (country_en) to dyad label
    yearly: pd.DataFrame
    senkaku: pd.DataFrame
    group: dict[str, pd.DataFrame]  # weighting to yearly group index
    claimants: list[str]
    ranking: pd.DataFrame
    change: pd.DataFrame  # compare_dyads over CHANGE, by rank_change, with yearly means
    gdelt: pd.DataFrame  # Spearman rho per partner, matched and mismatched


def read_curated(folder: Path) -> pd.DataFrame:
    """The curated events as published: text columns, empty cells as ''."""
    return pd.read_csv(folder / EVENTS_FILE, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def read_mapping(path: Path = MAPPING) -> pd.DataFrame:
    """The mapping rules: an empty key cell matches any value."""
    mapping = pd.read_csv(path, dtype=str, keep_default_na=False)
    mapping["intensity"] = mapping["intensity"].astype(float)
    return mapping


def apply_mapping(
    curated: pd.DataFrame, mapping: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each curated row's event type and intensity from the most specific matching rule.

    A rule matches a row when each of its non-empty key cells equals the row's
    value; the rule with the most non-empty key cells wins.  Two winners are an
    error naming the row and the rules; rows that no rule matches are returned
    apart (never dropped silently).

    Returns
    -------
    (events, unmapped)
        ``events``: one row per mapped curated row with the columns
        ``validate_events`` reads (``date`` as ``YYYY-MM``, ``actor1`` = CHN, ``actor2`` =
        the partner, ``event_type``, ``intensity``, ``event_id``,
        ``description``, ``url``; the event id ``curated-N`` names line N of
        the file) and ``partner`` and ``rule`` (the rule's line in the mapping
        file, the header being line 1); ``unmapped``: the
        curated rows left over, with their line in the file in ``line``.
    """
    keys = mapping[list(KEYS)].to_numpy()
    given = keys != ""
    specificity = given.sum(axis=1)
    values = curated[list(KEYS)].to_numpy()
    chosen = np.full(len(curated), -1)
    for row, value in enumerate(values):
        matches = np.flatnonzero(((keys == value) | ~given).all(axis=1))
        if not len(matches):
            continue
        best = matches[specificity[matches] == specificity[matches].max()]
        if len(best) > 1:
            rules = ", ".join(str(rule + 2) for rule in best)
            raise ValueError(
                f"Line {row + 2} of {EVENTS_FILE} ({dict(zip(KEYS, value, strict=True))}) "
                f"matches the rules on lines {rules} of {MAPPING.name} equally: give one of "
                "them another key, or add a rule with more keys for this combination."
            )
        chosen[row] = best[0]
    mapped = chosen >= 0
    rules = mapping.iloc[chosen[mapped]]
    rows = curated[mapped]
    events = pd.DataFrame(
        {
            "date": rows["event_date"].to_numpy(),  # YYYY-MM: read as a month
            "actor1": "CHN",
            "actor2": rows["country_en"].to_numpy(),
            "event_type": rules["event_type"].to_numpy(),
            "intensity": rules["intensity"].to_numpy(),
            "event_id": [f"curated-{k + 2}" for k in np.flatnonzero(mapped)],
            "description": rows["event_name"].to_numpy(),
            "url": rows["source"].to_numpy(),
            "partner": rows["country_en"].to_numpy(),
            "rule": chosen[mapped] + 2,
        }
    )
    unmapped = curated[~mapped].assign(line=np.flatnonzero(~mapped) + 2)
    return events, unmapped


def gdelt_agreement(
    scored: ti.ScoredEvents, labels: dict[str, str], gdelt: pd.DataFrame, monthly: pd.DataFrame
) -> pd.DataFrame:
    """Spearman rho of each partner's monthly mean stability with GDELT's monthly series.

    ``rho`` pairs a dyad with its own partner's GDELT series (Index_Type
    "Aggregated"); ``others`` is the mean rho of the same dyad with the other
    partners' GDELT series and ``rank`` the place of the own series among all
    of them (1: the own series agrees best).  A trend or a calendar common to
    all partners would raise ``others`` as much as ``rho``.
    """
    aggregated = gdelt[gdelt["Index_Type"] == "Aggregated"]
    theirs = aggregated.pivot(index="YearMonth", columns="Partner", values="Index_Value")
    theirs.index = pd.to_datetime(theirs.index + "-01")
    ours = monthly.pivot(index="date", columns="dyad", values="stability_mean")
    partners = list(labels)
    ours = ours[[labels[name] for name in partners]]
    theirs = theirs.reindex(index=ours.index, columns=partners)
    # Spearman's rho is Pearson's r of the ranks (ties share their mean rank).
    rho = np.corrcoef(ours.rank().to_numpy().T, theirs.rank().to_numpy().T)
    rho = rho[: len(partners), len(partners) :]  # ours (rows) against theirs (columns)
    own = np.diag(rho)
    off = ~np.eye(len(partners), dtype=bool)
    table = pd.DataFrame(
        {
            "partner": partners,
            "dyad": [labels[name] for name in partners],
            "events": [int(scored.events["partner"].eq(name).sum()) for name in partners],
            "months": theirs.notna().sum().to_numpy(),
            "rho": own,
            "others": np.where(off, rho, 0.0).sum(axis=1) / (len(partners) - 1),
            "rank": (rho >= own[:, None]).sum(axis=1),
        }
    )
    table = table.sort_values(["events", "partner"], ascending=[False, True])
    return table.reset_index(drop=True)


def ranked_by_change(scored: ti.ScoredEvents) -> pd.DataFrame:
    """Every dyad ranked by the change of its stability over ``CHANGE`` (largest fall first).

    The rows of ``ti.compare_dyads`` (the values on the two days, the
    ``CHANGE_DRIVERS`` events whose contribution changed most, and their rows in
    ``scored.events``), sorted by ``rank_change``, with ``mean_first`` and
    ``mean_last``: the mean daily stability of the first and of the last year
    of the period.  The two days are a point reading (with a 90-day half-life, mostly
    the last two quarters before each); the yearly means ask how the whole year
    compared, and the two answers can differ.
    """
    start, end = CHANGE
    table = ti.compare_dyads(scored, start=start, end=end, top=CHANGE_DRIVERS)
    first, last = pd.Timestamp(start).year, pd.Timestamp(end).year
    yearly = scored.index(freq="YS", start=f"{first}-01-01", end=f"{last}-12-31")
    means = yearly.pivot(index="dyad", columns="date", values="stability_mean")
    table["mean_first"] = table["dyad"].map(means[pd.Timestamp(f"{first}-01-01")])
    table["mean_last"] = table["dyad"].map(means[pd.Timestamp(f"{last}-01-01")])
    table = table.sort_values(["rank_change", "dyad"], kind="stable")
    return table.reset_index(drop=True)


def run(folder: Path = DATA) -> Example:
    """Read, map, score and analyse the curated events in ``folder``."""
    curated = read_curated(folder)
    events, unmapped = apply_mapping(curated, read_mapping())
    scored = ti.score(events, CONFIG)
    partners = scored.events.drop_duplicates("partner")
    labels = {
        str(name): scored.label_of(f"CHN-{code}")
        for name, code in zip(partners["partner"], partners["actor2"], strict=True)
    }
    labels = dict(sorted(labels.items()))
    monthly = scored.index(freq="MS", start=FIRST, end=LAST)
    yearly = scored.index(freq="YS", start=FIRST, end=LAST, dyads=[labels[name] for name in SHOWN])
    senkaku = scored.index(freq="MS", start="2012-06-01", end="2013-06-30", dyads=labels["Japan"])
    claimants = [labels[name] for name in CLAIMANTS if name in labels]
    groups = {"CHN-SCS": claimants}
    group = {
        weighting: scored.group_index(groups, weighting=weighting, freq="YS", start=FIRST, end=LAST)
        for weighting in ("event", "dyad")
    }
    ranking = ti.compare_dyads(scored, start=RANKED[0], end=RANKED[1], top=1)
    change = ranked_by_change(scored)
    gdelt = pd.read_csv(folder / GDELT_FILE, encoding="utf-8-sig", dtype={"YearMonth": str})
    agreement = gdelt_agreement(scored, labels, gdelt, monthly)
    return Example(
        events,
        unmapped,
        scored,
        labels,
        yearly,
        senkaku,
        group,
        claimants,
        ranking,
        change,
        agreement,
    )


# -- printing ------------------------------------------------------------------------


def print_intro(example: Example, curated_rows: int) -> None:
    scored = example.scored
    mapped = len(example.events)
    print(
        f"{curated_rows} curated events, {scored.events['partner'].nunique()} partners, "
        f"{scored.events['date'].min():%Y-%m} to {scored.events['date'].max():%Y-%m} "
        "(Hu & Wang, eventdb-validity-audit, CC BY 4.0)"
    )
    left = len(example.unmapped)
    print(
        f"Mapping {MAPPING.name}: {mapped} rows mapped, {left} unmapped"
        + (" (left out of the index):" if left else "")
    )
    for row in example.unmapped.itertuples():
        print(
            f"  unmapped line {row.line}: {row.event_category_en} / {row.impact}: {row.event_name}"
        )
    counts = scored.events["event_type"].value_counts()
    used = ", ".join(f"{name} {n}" for name, n in counts[counts > 0].items())
    print(textwrap.fill(f"Event types: {used}", width=100, subsequent_indent="  "))
    print(
        f"Configuration {CONFIG.name}: half-life {CONFIG.half_life:g} days, scale "
        f"{scored.scale:g}, fingerprint {scored.fingerprint}"
    )
    print("Stability: 50 = neutral, higher = more stable, lower = more tension.\n")


def print_yearly(example: Example) -> None:
    table = example.yearly.pivot(index="date", columns="dyad", values="stability_mean")
    table = table[[example.labels[name] for name in SHOWN]]
    events = example.yearly.pivot(index="date", columns="dyad", values="events")[table.columns]
    print("1. Mean stability by year (events in brackets)")
    print("year  " + "".join(f"{label:>15}" for label in table.columns))
    for year, row in table.iterrows():
        cells = "".join(
            f"{row[label]:9.1f} ({events.at[year, label]:2d})" for label in table.columns
        )
        print(f"{year:%Y}  {cells}")
    print()


def print_senkaku(example: Example) -> None:
    print(
        f"2. {example.labels['Japan']} by month, 2012-06 to 2013-06 (Senkaku nationalised 2012-09)"
    )
    print("month    events  stability_end  stability_mean")
    for row in example.senkaku.itertuples():
        print(
            f"{row.date:%Y-%m}  {row.events:6d}  {row.stability_end:13.1f}  "
            f"{row.stability_mean:14.1f}"
        )
    worst = example.senkaku.loc[example.senkaku["stability_mean"].idxmin(), "date"]
    why = example.scored.explain(example.labels["Japan"], worst, freq="MS")
    print(
        f"   the largest contributions to the tension of {worst:%Y-%m} "
        "(to its mean; to its last day):"
    )
    for row in why.head(3).itertuples():
        print(
            f"   {row.date:%Y-%m}  {row.event_type:<14} {row.contribution:+6.2f} "
            f"{row.contribution_end:+6.2f}  {row.description}"
        )
    print()


def print_group(example: Example) -> None:
    names = ", ".join(example.claimants)
    print(f"3. China and the South China Sea claimants as a group ({names}; no events with BRN)")
    event, dyad = example.group["event"], example.group["dyad"]
    print("year  events  pooled (per event)  mean of members (per dyad)")
    for (_, a), (_, b) in zip(event.iterrows(), dyad.iterrows(), strict=True):
        print(
            f"{a['date']:%Y}  {a['events']:6d}  {a['stability_mean']:18.1f}  "
            f"{b['stability_mean']:26.1f}"
        )
    print()


def print_ranking(example: Example) -> None:
    start, end = RANKED
    print(f"4. Dyads ranked on {end} (ti.compare_dyads, change from {start})")
    print(
        f"{'dyad':<8} {'start':>6} {'end':>6} {'change':>7} {'events':>6} {'info':>5}  "
        f"{'grade':<10} {'rank':>4} {'by change':>9}  main driver"
    )
    for row in example.ranking.itertuples():
        quiet = "*" if row.low_information else " "
        print(
            f"{row.dyad:<8} {row.stability_start:6.1f} {row.stability_end:6.1f} "
            f"{row.stability_change:+7.1f} {row.events:6d} {row.information_end:5.2f}{quiet} "
            f"{row.grade:<10} {row.rank_level:4d} {row.rank_change:9d}  {row.drivers}"
        )
    print(
        "   (info: decayed number of events behind the value on the last day; * below "
        f"{CONFIG.min_information:g}: quiet, not calm)\n"
    )


def print_change(example: Example) -> None:
    start, end = CHANGE
    table = example.change
    first, last = pd.Timestamp(start).year, pd.Timestamp(end).year
    print(
        f"5. Partners ranked by the change of stability from {start} to {end} "
        "(ti.compare_dyads, largest fall first)"
    )
    print(
        f"{'dyad':<8} {'start':>6} {'end':>6} {'change':>7} {'events':>6} {'info':>5}  "
        f"{'grades':<16} {'mean ' + str(first):>9} {'mean ' + str(last):>9}  main driver"
    )
    for row in table.itertuples():
        quiet = "*" if row.low_information else " "
        grades = f"{row.grade_start}>{row.grade}"
        main_driver = row.drivers.split("; ")[0]
        print(
            f"{row.dyad:<8} {row.stability_start:6.1f} {row.stability_end:6.1f} "
            f"{row.stability_change:+7.1f} {row.events:6d} {row.information_end:5.2f}{quiet} "
            f"{grades:<16} {row.mean_first:9.1f} {row.mean_last:9.1f}  {main_driver}"
        )
    print(
        f"   (events: those of {first}-01 to {last}-12; info and *: as in 4; mean: the "
        "mean daily stability of the year)"
    )
    shown = pd.concat([table.head(CHANGE_SHOWN), table.tail(CHANGE_SHOWN).iloc[::-1]])
    print(
        f"   What moved the {CHANGE_SHOWN} largest falls and rises (change of each event's "
        f"contribution to the tension, {start} to {end}; + raised it):"
    )
    events = example.scored.events
    for row in shown.itertuples():
        print(f"   {row.dyad} {row.stability_change:+.1f}")
        for delta, at in zip(row.driver_changes, row.driver_rows, strict=True):
            event = events.iloc[at]
            print(
                f"     {event['date']:%Y-%m}  {event['event_type']:<20} {delta:+6.2f}  "
                f"{event['description']}"
            )
    print()


def print_gdelt(example: Example) -> None:
    table = example.gdelt
    print(
        "6. Agreement with GDELT (monthly Goldstein index, 'Aggregated', higher = more "
        "cooperative):\n   Spearman rho of the monthly mean stability with the partner's own "
        f"GDELT series, {FIRST[:7]} to {LAST[:7]}"
    )
    print(
        f"{'partner':<15} {'dyad':<8} {'events':>6} {'months':>6} {'rho':>6} "
        f"{'others':>7} {'rank':>6}"
    )
    for row in table.head(TOP_GDELT).itertuples():
        print(
            f"{row.partner:<15} {row.dyad:<8} {row.events:6d} {row.months:6d} {row.rho:+6.2f} "
            f"{row.others:+7.2f} {row.rank:3d}/{len(table)}"
        )
    print(
        f"All {len(table)} partners: median rho with the own series {table['rho'].median():+.2f}, "
        f"mean {table['rho'].mean():+.2f}; with the other partners' series, mean "
        f"{table['others'].mean():+.2f}; own series ranked first for "
        f"{int((table['rank'] == 1).sum())} of {len(table)}."
    )
    print(
        "   ('others': mean rho with the other 24 partners' GDELT series; 'rank': place of the "
        "own series\n   among all 25, 1 = agrees best.  Months are autocorrelated, so read rho, "
        "not a p-value.)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    folder = Path(args[0]) if args else DATA
    if not (folder / EVENTS_FILE).is_file() or not (folder / GDELT_FILE).is_file():
        print(
            f"The curated China-partner data are not in {folder} (looked for {EVENTS_FILE} and "
            f"{GDELT_FILE}).\nThey are not shipped with tensionindex: get data/core from "
            "https://github.com/KelaoHu/eventdb-validity-audit (CC BY 4.0) and pass its folder:\n"
            "    python examples/china_partners.py FOLDER\nNothing to do."
        )
        return 0
    example = run(folder)
    print_intro(example, len(read_curated(folder)))
    print_yearly(example)
    print_senkaku(example)
    print_group(example)
    print_ranking(example)
    print_change(example)
    print_gdelt(example)
    return 0


if __name__ == "__main__":
    sys.exit(main())
