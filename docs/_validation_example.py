"""The figures of docs/validation.md: the curated China-partner index against GDELT.

Every table of docs/validation.md between ``<!-- generated:NAME -->`` markers is
printed by this script from the curated China-partner events of Hu & Wang and the
GDELT-derived monthly series of the same package (``../shared/data/curated`` beside
the checkout; CC BY 4.0, see ../shared/data/SOURCES.md).  The events are read,
mapped and scored by the functions of ``examples/china_partners.py``, imported from
that file, so the index checked here is the index of the worked example.

* ``agreement`` and ``pooled``: ``ti.series_agreement`` of each partner's monthly
  mean stability with the partner's GDELT series, and two baselines of what chance
  gives: the same index against the other partners' GDELT series, and against its
  own partner's series shifted in time by a year or more (circularly, so that the
  autocorrelation of both series is kept);
* ``points``: turning points derived from the curators' own columns (category and
  impact), not from the mapping or the weights;
* ``hits`` and ``variants``: ``ti.turning_point_hits`` of the GDELT series (an
  independent record) and of the index (partly circular) around those points, with
  the permutation baseline, for three definitions of the points;
* ``coverage``, ``correlates``, ``falls`` and ``philippines``: where the agreement
  is weak, and what the curated record holds there.

Usage, from the repository root::

    python docs/_validation_example.py           # print the tables
    python docs/_validation_example.py --write   # paste them into the page
    python docs/_validation_example.py --check   # exit 1 if the page is out of date
    python docs/_validation_example.py --data FOLDER   # the curated data elsewhere
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

import tensionindex as ti

DOCS = Path(__file__).resolve().parent
PAGE = DOCS / "validation.md"
EXAMPLE_FILE = DOCS.parent / "examples" / "china_partners.py"


def _load_example() -> ModuleType:
    """examples/china_partners.py as a module (examples/ is not a package)."""
    spec = importlib.util.spec_from_file_location("docs_validation_china_partners", EXAMPLE_FILE)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {EXAMPLE_FILE}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up by name
    spec.loader.exec_module(module)
    return module


example = _load_example()

#: Negative rows of these categories mark a month that turned worse: acts of one
#: government against the other (a standoff, a tariff, a protest, an export ban).
WORSE = (
    "Sovereignty dispute",
    "Economic sanction / tariff barrier",
    "Diplomatic protest / friction",
    "Tech control / export restriction",
)
#: Positive rows of these categories mark a month that turned better: relations
#: formally raised to a named partnership.
BETTER = ("Strategic partnership upgrade",)
#: Visits, meetings and calls: what the curated record holds most of.
CONTACTS = (
    "High-level visit",
    "Multilateral / third-party meeting",
    "Remote talk / virtual meeting",
)
PERMUTATIONS = 9999
SEED = 0
GDELT_WINDOWS = (0, 1, 2)
INDEX_WINDOWS = (0, 1)
#: GDELT's own series is shifted by at least this many months against the index.
SHIFT_MIN = 12
#: Partners with at most this many negative rows form the "few negative events" group.
FEW_NEGATIVE = 3
#: GDELT's largest monthly moves: each partner's lowest and highest 5% of changes.
LARGEST_MOVES = 0.05
#: A month whose mean stability is within this many points of 50 is quiet.
QUIET = 1.0
#: The drift of a series: its mean over the last years minus its mean over the first.
EARLY, LATE = ("2002-01-01", "2009-12-31"), ("2018-01-01", "2025-12-31")


@dataclass(frozen=True)
class Data:
    """The curated events scored as in the worked example, and GDELT's series."""

    curated: pd.DataFrame  # the rows as published, with ``dyad`` and ``month`` added
    scored: ti.ScoredEvents
    labels: dict[str, str]  # partner name (country_en) to dyad label
    gdelt: pd.DataFrame  # gdelt_scores.csv as published (three Index_Type)
    series: pd.DataFrame  # "Aggregated": dyad, date (YYYY-MM), Index_Value

    @cached_property
    def series_by_day(self) -> pd.DataFrame:
        """``series`` with each month as its first day.

        ``turning_point_hits(freq="MS")`` reads a month's value at the month's end
        either way; datetimes spare it parsing 7,200 strings on every call.
        """
        return self.series.assign(date=pd.to_datetime(self.series["date"] + "-01"))

    @cached_property
    def monthly(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Mean stability and GDELT's value, months by dyad, as ``ti.series_agreement``
        pairs them.

        The index over the span of the events (``index(freq="MS")``, 2002-01 to
        2025-12; the first and the last month are means of the days from the
        middle day, on which their events sit), and GDELT's "Aggregated" series on
        those months.  Dyads in label order.
        """
        ours = self.scored.index(freq="MS")
        ours = ours.assign(dyad=ours["dyad"].astype(str))
        ours = ours.pivot(index="date", columns="dyad", values="stability_mean")
        theirs = self.series_by_day.pivot(index="date", columns="dyad", values="Index_Value")
        dyads = sorted(self.labels.values())
        return ours.reindex(columns=dyads), theirs.reindex(index=ours.index, columns=dyads)


@dataclass(frozen=True)
class Figures:
    """Everything the page reports."""

    agreement: pd.DataFrame  # per partner
    pooled: dict[str, float]
    points: pd.DataFrame  # the turning points of the main definition
    hits: pd.DataFrame  # GDELT and the index, by window and direction
    variants: pd.DataFrame  # the hit rates under other definitions of the points
    coverage: pd.DataFrame  # per partner
    correlates: pd.DataFrame  # Spearman, across partners, of rho with coverage
    groups: pd.DataFrame  # rho of partners with few and with more negative rows
    falls: pd.DataFrame  # GDELT's largest monthly moves and the curated record
    philippines: dict[str, Any]


def load(folder: Path = example.DATA) -> Data:
    """Read, map and score the curated events as the worked example does, and read GDELT."""
    curated = example.read_curated(folder)
    events, unmapped = example.apply_mapping(curated, example.read_mapping())
    if len(unmapped):
        raise ValueError(
            f"{len(unmapped)} curated rows have no rule in {example.MAPPING.name} (first: line "
            f"{unmapped['line'].iloc[0]}); the figures assume every row is mapped: add a rule."
        )
    scored = ti.score(events, example.CONFIG)
    partners = scored.events.drop_duplicates("partner")
    labels = {
        str(name): scored.label_of(f"CHN-{code}")
        for name, code in zip(partners["partner"], partners["actor2"], strict=True)
    }
    labels = dict(sorted(labels.items()))
    curated = curated.assign(dyad=curated["country_en"].map(labels), month=curated["event_date"])
    gdelt = pd.read_csv(
        folder / example.GDELT_FILE, encoding="utf-8-sig", dtype={"YearMonth": str}
    )
    aggregated = gdelt[gdelt["Index_Type"] == "Aggregated"]
    unknown = sorted(set(aggregated["Partner"]) - set(labels))
    if unknown:
        raise ValueError(f"GDELT partners without curated events: {unknown}")
    series = pd.DataFrame(
        {
            "dyad": aggregated["Partner"].map(labels).to_numpy(),
            "date": aggregated["YearMonth"].to_numpy(),
            "Index_Value": aggregated["Index_Value"].to_numpy(dtype=float),
        }
    )
    return Data(curated, scored, labels, gdelt, series)


# -- turning points --------------------------------------------------------------------

Masks = tuple[pd.Series, pd.Series]  # worse, better: one flag per curated row


def conflict_and_upgrades(curated: pd.DataFrame) -> Masks:
    """The main definition: negative rows of ``WORSE``, positive rows of ``BETTER``."""
    category, impact = curated["event_category_en"], curated["impact"]
    return (
        (impact == "negative") & category.isin(WORSE),
        (impact == "positive") & category.isin(BETTER),
    )


def every_negative_and_positive(curated: pd.DataFrame) -> Masks:
    """Every negative row is worse, every positive row (routine visits included) better."""
    return curated["impact"] == "negative", curated["impact"] == "positive"


def conflict_and_state_meetings(curated: pd.DataFrame) -> Masks:
    """The main definition, with positive visits and meetings of heads of state as better."""
    worse, better = conflict_and_upgrades(curated)
    state = (
        (curated["impact"] == "positive")
        & (curated["visit_level"] == "state_head")
        & curated["event_category_en"].isin(CONTACTS)
    )
    return worse, better | state


DEFINITIONS: dict[str, Callable[[pd.DataFrame], Masks]] = {
    "conflict categories / partnership upgrades (main)": conflict_and_upgrades,
    "conflict categories / upgrades and positive state-level meetings": (
        conflict_and_state_meetings
    ),
    "every negative row / every positive row": every_negative_and_positive,
}


def turning_points(
    curated: pd.DataFrame, define: Callable[[pd.DataFrame], Masks] = conflict_and_upgrades
) -> pd.DataFrame:
    """One point per partner and month holding a row that ``define`` marks worse or better.

    A month marked both ways is dropped (its direction is unknown) and counted in
    ``attrs["dropped"]``.  Columns: ``dyad``, ``date`` (``YYYY-MM``), ``direction``,
    ``partner``, ``rows`` (curated rows behind the point) and ``event`` (the
    curators' name of the first of them).
    """
    worse, better = define(curated)
    parts = []
    for direction, mask in (("worse", worse), ("better", better)):
        grouped = curated[mask].groupby(["dyad", "month"], sort=True)
        part = grouped.agg(
            partner=("country_en", "first"), rows=("country_en", "size"),
            event=("event_name", "first"),
        ).reset_index()  # fmt: skip
        parts.append(part.rename(columns={"month": "date"}).assign(direction=direction))
    points = pd.concat(parts, ignore_index=True)
    points = points[["dyad", "date", "direction", "partner", "rows", "event"]]
    both = points.duplicated(["dyad", "date"], keep=False)
    points = points[~both].sort_values(["dyad", "date"]).reset_index(drop=True)
    points.attrs["dropped"] = int(both.sum() // 2)
    return points


def _hit_row(series: str, window: int, direction: str, hits: pd.DataFrame) -> dict[str, Any]:
    meta = hits.attrs["tensionindex"]
    inside = hits["before"].notna()
    expected = hits["direction"].map({"worse": -1.0, "better": 1.0})
    return {
        "series": series,
        "window": window,
        "direction": direction,
        "points": meta["points"],
        "outside": meta["outside"],
        "hits": int(hits["hit"].sum()),
        "hit_rate": meta["hit_rate"],
        "baseline_rate": meta["baseline_rate"],
        "p_value": meta["p_value"],
        "median_move": float((hits["change"] * expected)[inside].median()),
    }


def hit_rates(data: Data, points: pd.DataFrame) -> pd.DataFrame:
    """``ti.turning_point_hits`` of GDELT and of the index: all points, then each direction.

    GDELT (``value="Index_Value"``, ``freq="MS"``) compares the month before the
    point with the point's month (window 0) and with the months after it; the
    index is read at month ends (``freq="MS"``: ``stability_end``).
    ``median_move``: the median change in the expected direction, in the series'
    units (Goldstein points for GDELT, stability points for the index).
    """
    rows = []
    gdelt = data.series_by_day
    for direction in ("both", "worse", "better"):
        chosen = points if direction == "both" else points[points["direction"] == direction]
        for window in GDELT_WINDOWS:
            hits = ti.turning_point_hits(
                gdelt, chosen, value="Index_Value", freq="MS", window=window,
                permutations=PERMUTATIONS, seed=SEED,
            )  # fmt: skip
            rows.append(_hit_row("GDELT", window, direction, hits))
        for window in INDEX_WINDOWS:
            hits = ti.turning_point_hits(
                data.scored, chosen, freq="MS", window=window, permutations=PERMUTATIONS,
                seed=SEED,
            )  # fmt: skip
            rows.append(_hit_row("index", window, direction, hits))
    table = pd.DataFrame(rows)
    order = {"GDELT": 0, "index": 1}
    table = table.sort_values(
        ["series", "window"], key=lambda c: c.map(order) if c.name == "series" else c,
        kind="stable",
    )  # fmt: skip
    return table.reset_index(drop=True)


def variant_rates(data: Data, main: pd.DataFrame, hits: pd.DataFrame) -> pd.DataFrame:
    """The hit rates at window 0 under each definition of ``DEFINITIONS``.

    The main definition's rates are those of ``hits`` (the table of
    :func:`hit_rates` for its points, ``main``), not computed again.
    """

    def reported(series: str) -> dict[str, Any]:
        row = hits[
            (hits["series"] == series) & (hits["window"] == 0) & (hits["direction"] == "both")
        ].iloc[0]
        return {name: row[name] for name in ("hit_rate", "baseline_rate", "p_value")}

    rows = []
    series = data.series_by_day
    for name, define in DEFINITIONS.items():
        if define is conflict_and_upgrades:
            points, gdelt, index = main, reported("GDELT"), reported("index")
        else:
            points = turning_points(data.curated, define)
            gdelt = ti.turning_point_hits(
                series, points, value="Index_Value", freq="MS", window=0,
                permutations=PERMUTATIONS, seed=SEED,
            ).attrs["tensionindex"]  # fmt: skip
            index = ti.turning_point_hits(
                data.scored, points, freq="MS", window=0, permutations=PERMUTATIONS, seed=SEED
            ).attrs["tensionindex"]
        rows.append(
            {
                "definition": name,
                "worse": int((points["direction"] == "worse").sum()),
                "better": int((points["direction"] == "better").sum()),
                "dropped": points.attrs["dropped"],
                "gdelt_rate": gdelt["hit_rate"],
                "gdelt_baseline": gdelt["baseline_rate"],
                "gdelt_p": gdelt["p_value"],
                "index_rate": index["hit_rate"],
                "index_baseline": index["baseline_rate"],
            }
        )
    return pd.DataFrame(rows)


# -- agreement -------------------------------------------------------------------------


def _correlations(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson's r of the columns of x with the same columns of y (rows: observations)."""
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    y = (y - y.mean(axis=0)) / y.std(axis=0)
    return np.asarray((x * y).mean(axis=0))


def baselines(data: Data) -> tuple[dict[str, float], pd.Series, dict[str, np.ndarray]]:
    """Pooled and per-partner Spearman under the two baselines, from ranks.

    Spearman's rho is Pearson's r of the ranks (ties share their mean rank).
    Moving a partner's GDELT series to another dyad, or shifting it circularly in
    time, moves its ranks with it; so both baselines are computed on the ranks
    once taken.  Cross-partner: the 24 cyclic reassignments of the 25 GDELT
    series (dyad i gets the series of dyad i + k), which together pair every
    dyad with every other partner's series once.  Shifted: every series moved by
    s months (wrapping round), s from ``SHIFT_MIN`` to 288 - ``SHIFT_MIN``, the
    same s for all partners in the pooled figure.  The p-values are
    ``(1 + #{baseline >= observed}) / (1 + #baselines)``.

    Returns the summary, the per-partner p-values of the shifts, and the
    baselines themselves: ``cross`` (pooled, k = 1..24), ``shifts`` (s),
    ``shifted`` (pooled, per s) and ``per_shift`` (s by dyad, dyads sorted).
    """
    ours, theirs = data.monthly
    x, y = ours.to_numpy(), theirs.to_numpy()
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError(
            "The rank baselines need a value for every month of every partner in both "
            "series; series_agreement would compare fewer months than they do."
        )
    months, dyads = x.shape
    # Pooled: ranks over all partner-months at once.
    pooled_x = stats.rankdata(x, axis=None)
    pooled_y = stats.rankdata(y, axis=None).reshape(y.shape)

    def pooled(ranks: np.ndarray) -> float:
        return float(np.corrcoef(pooled_x, ranks.ravel())[0, 1])

    observed = pooled(pooled_y)
    cross = np.array(
        [pooled(pooled_y[:, (np.arange(dyads) + k) % dyads]) for k in range(1, dyads)]
    )
    shifts = np.arange(SHIFT_MIN, months - SHIFT_MIN + 1)
    shifted = np.array([pooled(np.roll(pooled_y, s, axis=0)) for s in shifts])
    # Per partner: ranks within each partner's months.
    own_x, own_y = stats.rankdata(x, axis=0), stats.rankdata(y, axis=0)
    rho = _correlations(own_x, own_y)
    per_shift = np.array([_correlations(own_x, np.roll(own_y, s, axis=0)) for s in shifts])
    p_shift = (1 + (per_shift >= rho - 1e-12).sum(axis=0)) / (1 + len(shifts))
    summary = {
        "pooled_spearman": observed,
        "cross_mean": float(cross.mean()),
        "cross_max": float(cross.max()),
        "cross_count": len(cross),
        "shift_mean": float(shifted.mean()),
        "shift_max": float(shifted.max()),
        "shift_count": len(shifts),
        "shift_p": float((1 + (shifted >= observed - 1e-12).sum()) / (1 + len(shifts))),
        "partner_shift_mean": float(per_shift.mean()),
    }
    arrays = {"cross": cross, "shifts": shifts, "shifted": shifted, "per_shift": per_shift}
    return summary, pd.Series(p_shift, index=ours.columns, name="p_shift"), arrays


def agreement(data: Data) -> tuple[pd.DataFrame, dict[str, float]]:
    """Per partner: ``ti.series_agreement`` beside the two baselines; and the pooled figures."""
    table = ti.series_agreement(
        data.scored, data.series, freq="MS", column="stability_mean", value="Index_Value"
    )
    meta = table.attrs["tensionindex"]
    # The example's table of each index against every partner's GDELT series, on the
    # months series_agreement compares (the span of the events), for "others" and "rank".
    others = example.gdelt_agreement(
        data.scored, data.labels, data.gdelt, data.scored.index(freq="MS")
    )
    summary, p_shift, _ = baselines(data)
    summary.update(
        pooled_library=meta["pooled_spearman"],
        pooled_pearson=meta["pooled_pearson"],
        pooled_periods=meta["pooled_periods"],
        mean_rho=float(table["spearman"].mean()),
        median_rho=float(table["spearman"].median()),
        mean_others=float(others["others"].mean()),
        ranked_first=int((others["rank"] == 1).sum()),
        partners=len(table),
        shift_p_05=int((p_shift <= 0.05).sum()),
        above_every_shift=int((p_shift <= 1 / (1 + summary["shift_count"]) + 1e-12).sum()),
    )
    table = table.merge(
        others[["dyad", "partner", "events", "rho", "others", "rank"]], on="dyad"
    )
    table["p_shift"] = table["dyad"].map(p_shift)
    table = table.sort_values(["spearman", "dyad"], ascending=[False, True])
    return table.reset_index(drop=True), summary


# -- coverage ----------------------------------------------------------------------------


def coverage(data: Data, agreement: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """Per partner: what the curated record holds, beside rho and GDELT's hits at its points.

    ``quiet``: the share of months whose mean stability is within ``QUIET`` of 50;
    ``gdelt_drift`` and ``index_drift``: the mean of ``LATE`` minus the mean of
    ``EARLY`` (Goldstein points, stability points).
    """
    ours, theirs = data.monthly
    years = ours.index.year.nunique()
    gdelt_hits = ti.turning_point_hits(
        data.series_by_day, points, value="Index_Value", freq="MS", window=0, permutations=0
    )
    rows = []
    for name, dyad in data.labels.items():
        mine = data.curated[data.curated["dyad"] == dyad]
        hits = gdelt_hits[gdelt_hits["dyad"] == dyad]
        rows.append(
            {
                "partner": name,
                "dyad": dyad,
                "events": len(mine),
                "per_year": len(mine) / years,
                "contacts": float(mine["event_category_en"].isin(CONTACTS).mean()),
                "negative": int((mine["impact"] == "negative").sum()),
                "points": len(hits),
                "gdelt_hits": int(hits["hit"].sum()),
                "months_with_events": mine["month"].nunique(),
                "quiet": float(((ours[dyad] - 50).abs() < QUIET).mean()),
                "index_sd": float(ours[dyad].std()),
                "gdelt_sd": float(theirs[dyad].std()),
                "gdelt_drift": _drift(theirs[dyad]),
                "index_drift": _drift(ours[dyad]),
                "last": mine["month"].max(),
            }
        )
    table = pd.DataFrame(rows)
    table = table.merge(agreement[["dyad", "spearman"]], on="dyad")
    table = table.sort_values(["spearman", "dyad"], ascending=[False, True])
    return table.reset_index(drop=True)


def _drift(monthly: pd.Series) -> float:
    return float(monthly[slice(*LATE)].mean() - monthly[slice(*EARLY)].mean())


CORRELATES = {
    "negative": "negative rows",
    "points": "turning points (main definition)",
    "index_sd": "standard deviation of the monthly index",
    "events": "events",
    "months_with_events": "months with at least one event",
    "contacts": "share of visits, meetings and calls",
    "quiet": "share of quiet months (within 1 point of 50)",
    "gdelt_sd": "standard deviation of GDELT's monthly series",
}


def correlates(cover: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Spearman, across the 25 partners, of rho with each coverage measure; and two groups."""
    rows = [
        {"measure": label, "spearman": float(stats.spearmanr(cover[name], cover["spearman"])[0])}
        for name, label in CORRELATES.items()
    ]
    few = cover["negative"] <= FEW_NEGATIVE
    groups = pd.DataFrame(
        [
            {
                "group": label,
                "partners": int(mask.sum()),
                "median_rho": float(cover.loc[mask, "spearman"].median()),
                "lowest": float(cover.loc[mask, "spearman"].min()),
                "highest": float(cover.loc[mask, "spearman"].max()),
                "names": ", ".join(cover.loc[mask, "partner"]),
            }
            for label, mask in (
                (f"{FEW_NEGATIVE + 1} or more negative rows", ~few),
                (f"{FEW_NEGATIVE} or fewer negative rows", few),
            )
        ]
    )
    return pd.DataFrame(rows), groups


def largest_moves(data: Data) -> pd.DataFrame:
    """GDELT's largest monthly falls and rises per partner, and what the curated record holds.

    Per partner, the months whose change from the month before is among its
    ``LARGEST_MOVES`` lowest (falls) or highest (rises).  For each set: how many
    months hold a curated event, how many one of the expected sign, against the
    share of all partner-months that do; and the index read at those months as
    turning points (``ti.turning_point_hits``, window 0: does the index move the
    same way in the same month?).
    """
    _, theirs = data.monthly
    change = theirs.diff()
    months = data.curated.assign(date=pd.to_datetime(data.curated["month"] + "-01"))

    def held(impact: str | None) -> pd.DataFrame:
        rows = months if impact is None else months[months["impact"] == impact]
        counts = rows.groupby(["date", "dyad"]).size().unstack()
        return counts.reindex(index=theirs.index, columns=theirs.columns).fillna(0) > 0

    any_event = held(None)
    out = []
    for direction, impact, mask in (
        ("worse", "negative", change.le(change.quantile(LARGEST_MOVES))),
        ("better", "positive", change.ge(change.quantile(1 - LARGEST_MOVES))),
    ):
        signed = held(impact)
        stacked = mask.stack()
        chosen = stacked[stacked].index
        points = pd.DataFrame(
            {
                "dyad": chosen.get_level_values("dyad"),
                "date": chosen.get_level_values("date").strftime("%Y-%m"),
                "direction": direction,
            }
        )
        hits = ti.turning_point_hits(
            data.scored, points, freq="MS", window=0, permutations=PERMUTATIONS, seed=SEED
        ).attrs["tensionindex"]
        out.append(
            {
                "direction": direction,
                "months": int(mask.to_numpy().sum()),
                "with_event": int((mask & any_event).to_numpy().sum()),
                "with_signed": int((mask & signed).to_numpy().sum()),
                "base_event": float(any_event.to_numpy().mean()),
                "base_signed": float(signed.to_numpy().mean()),
                "index_rate": hits["hit_rate"],
                "index_baseline": hits["baseline_rate"],
                "index_p": hits["p_value"],
            }
        )
    return pd.DataFrame(out)


def philippines(data: Data) -> dict[str, Any]:
    """The missing Philippine events of 2024-2025, in GDELT's series and in the index."""
    dyad = data.labels["Philippines"]
    ours, theirs = data.monthly
    gdelt = theirs[dyad]
    yearly = gdelt.groupby(gdelt.index.year).mean()
    gap = slice("2024-01-01", "2025-12-31")
    own = data.series[data.series["dyad"] == dyad]
    whole = ti.series_agreement(data.scored, own, value="Index_Value")
    through_2023 = ti.series_agreement(data.scored, own[own["date"] <= "2023-12"],
                                       value="Index_Value")
    return {
        "last_event": data.curated.loc[data.curated["dyad"] == dyad, "month"].max(),
        "gdelt_2024": float(yearly[2024]),
        "gdelt_2025": float(yearly[2025]),
        "lowest_years": [int(year) for year in yearly.nsmallest(2).index],
        "third_lowest": float(yearly.nsmallest(3).iloc[-1]),
        "gdelt_mean_before": float(gdelt[:"2023-12-31"].mean()),
        "gdelt_percentile": float(gdelt.rank(pct=True)[gap].mean()),
        "index_mean_gap": float(ours[dyad][gap].mean()),
        "index_percentile": float(ours[dyad].rank(pct=True)[gap].mean()),
        "rho_whole": float(whole["spearman"].iloc[0]),
        "rho_through_2023": float(through_2023["spearman"].iloc[0]),
        "months_through_2023": int(through_2023["periods"].iloc[0]),
    }


def compute(data: Data) -> Figures:
    """Every figure of the page."""
    table, pooled = agreement(data)
    points = turning_points(data.curated)
    cover = coverage(data, table, points)
    correlated, groups = correlates(cover)
    hits = hit_rates(data, points)
    return Figures(
        agreement=table,
        pooled=pooled,
        points=points,
        hits=hits,
        variants=variant_rates(data, points, hits),
        coverage=cover,
        correlates=correlated,
        groups=groups,
        falls=largest_moves(data),
        philippines=philippines(data),
    )


# -- the page ----------------------------------------------------------------------------


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> str:
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join({"l": ":--", "r": "--:"}[a] for a in align) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _p(value: float) -> str:
    return f"{value:.4f}" if value < 0.001 else f"{value:.3f}"


def agreement_table(figures: Figures) -> str:
    rows = [
        [
            row.partner, f"`{row.dyad}`", f"{row.events}", f"{row.spearman:+.3f}",
            f"{row.pearson:+.3f}", f"{row.others:+.3f}", f"{row.rank}", _p(row.p_shift),
        ]
        for row in figures.agreement.itertuples()
    ]  # fmt: skip
    return _table(
        ["partner", "dyad", "events", "Spearman", "Pearson", "mean Spearman, other partners' "
         "GDELT", "rank of own among 25", "p, own GDELT shifted"],
        rows,
        "llrrrrrr",
    )  # fmt: skip


def pooled_table(figures: Figures) -> str:
    pooled = figures.pooled
    rows = [
        ["Spearman, own partner's GDELT series (pooled)", f"{pooled['pooled_spearman']:+.3f}",
         f"{pooled['pooled_periods']:,} partner-months"],
        ["Pearson, the same", f"{pooled['pooled_pearson']:+.3f}", ""],
        ["Spearman, other partners' series", f"{pooled['cross_mean']:+.3f} (mean), "
         f"{pooled['cross_max']:+.3f} (highest)", f"{pooled['cross_count']} reassignments"],
        ["Spearman, own series shifted by 12 to 276 months", f"{pooled['shift_mean']:+.3f} "
         f"(mean), {pooled['shift_max']:+.3f} (highest)", f"{pooled['shift_count']} shifts; "
         f"p = {_p(pooled['shift_p'])}"],
        ["per partner: mean Spearman with the own series", f"{pooled['mean_rho']:+.3f}",
         f"median {pooled['median_rho']:+.3f}"],
        ["per partner: mean Spearman with other partners' series",
         f"{pooled['mean_others']:+.3f}", f"own series first for {pooled['ranked_first']} of "
         f"{pooled['partners']}"],
        ["per partner: mean Spearman with the own series shifted",
         f"{pooled['partner_shift_mean']:+.3f}", ""],
        ["partners agreeing better than 95% of the shifts of their own series (p ≤ 0.05)",
         f"{pooled['shift_p_05']}", f"of {pooled['partners']}; chance: about "
         f"{0.05 * pooled['partners']:.2g}"],
        ["partners agreeing better than every shift", f"{pooled['above_every_shift']}",
         f"of {pooled['partners']}"],
    ]  # fmt: skip
    return _table(["measure", "value", "over"], rows, "lrl")


def points_table(figures: Figures) -> str:
    points = figures.points
    rows = []
    for direction in ("worse", "better"):
        mine = points[points["direction"] == direction]
        rows.append([
            direction, f"{int(mine['rows'].sum())}", f"{len(mine)}", f"{mine['dyad'].nunique()}",
            f"{mine['date'].min()} to {mine['date'].max()}",
        ])
    rows.append([
        "both in one month (dropped)", "", f"{points.attrs['dropped']}", "", "",
    ])
    return _table(
        ["direction", "curated rows", "points (partner-months)", "partners", "months"],
        rows,
        "lrrrl",
    )


def hits_table(figures: Figures) -> str:
    rows = []
    for row in figures.hits.itertuples():
        units = "Goldstein" if row.series == "GDELT" else "stability"
        rows.append([
            row.series, f"{row.window}", row.direction, f"{row.points}",
            f"{row.hits}", f"{row.hit_rate:.3f}", f"{row.baseline_rate:.3f}", _p(row.p_value),
            f"{row.median_move:+.2f} {units}",
        ])
    return _table(
        ["series", "window (months)", "direction", "points", "hits", "hit rate",
         "baseline (random months)", "p", "median move, expected way"],
        rows,
        "lrlrrrrrr",
    )  # fmt: skip


def variants_table(figures: Figures) -> str:
    rows = [
        [
            row.definition, f"{row.worse}", f"{row.better}", f"{row.dropped}",
            f"{row.gdelt_rate:.3f}", f"{row.gdelt_baseline:.3f}", _p(row.gdelt_p),
            f"{row.index_rate:.3f}", f"{row.index_baseline:.3f}",
        ]
        for row in figures.variants.itertuples()
    ]  # fmt: skip
    return _table(
        ["worse / better", "worse", "better", "dropped", "GDELT hit rate", "baseline", "p",
         "index hit rate", "baseline"],
        rows,
        "lrrrrrrrr",
    )  # fmt: skip


def coverage_table(figures: Figures) -> str:
    rows = [
        [
            row.partner, f"{row.spearman:+.3f}", f"{row.events}", f"{row.per_year:.1f}",
            f"{row.contacts:.0%}", f"{row.negative}", f"{row.gdelt_hits}/{row.points}",
            f"{row.months_with_events}", f"{row.quiet:.0%}", f"{row.gdelt_drift:+.2f}",
            f"{row.index_drift:+.1f}", row.last,
        ]
        for row in figures.coverage.itertuples()
    ]  # fmt: skip
    return _table(
        ["partner", "Spearman", "events", "per year", "visits, meetings, calls", "negative",
         "GDELT hits / points", "months with events (of 288)", "quiet months",
         "drift, GDELT", "drift, index", "last event"],
        rows,
        "lrrrrrrrrrrl",
    )  # fmt: skip


def correlates_table(figures: Figures) -> str:
    rows = [[row.measure, f"{row.spearman:+.2f}"] for row in figures.correlates.itertuples()]
    table = _table(["measure, per partner", "Spearman with the partner's agreement"], rows, "lr")
    groups = [
        [
            row.group, f"{row.partners}", f"{row.median_rho:+.3f}",
            f"{row.lowest:+.3f} to {row.highest:+.3f}", row.names,
        ]
        for row in figures.groups.itertuples()
    ]  # fmt: skip
    return table + "\n\n" + _table(
        ["partners with", "partners", "median Spearman", "range", "who"], groups, "lrrrl"
    )


def falls_table(figures: Figures) -> str:
    rows = []
    for row in figures.falls.itertuples():
        label = "falls" if row.direction == "worse" else "rises"
        rows.append([
            f"largest {label}", f"{row.months}",
            f"{row.with_event} ({row.with_event / row.months:.1%}; all months "
            f"{row.base_event:.1%})",
            f"{row.with_signed} ({row.with_signed / row.months:.1%}; all months "
            f"{row.base_signed:.1%})",
            f"{row.index_rate:.3f}", f"{row.index_baseline:.3f}", _p(row.index_p),
        ])
    return _table(
        ["GDELT's 5% per partner", "partner-months", "with a curated event",
         "with a curated event of the sign (" + "negative / positive)",
         "index hit rate", "baseline", "p"],
        rows,
        "lrrrrrr",
    )  # fmt: skip


def philippines_table(figures: Figures) -> str:
    ph = figures.philippines
    years = " and ".join(str(year) for year in ph["lowest_years"])
    rows = [
        ["last curated Philippine event", ph["last_event"]],
        ["GDELT, yearly mean 2024 / 2025", f"{ph['gdelt_2024']:+.2f} / {ph['gdelt_2025']:+.2f}"],
        ["GDELT, its two lowest years; the third", f"{years}; {ph['third_lowest']:+.2f}"],
        ["GDELT, mean of 2002-2023", f"{ph['gdelt_mean_before']:+.2f}"],
        ["GDELT, mean percentile of the 24 months of 2024-2025", f"{ph['gdelt_percentile']:.2f}"],
        ["index, mean stability 2024-2025", f"{ph['index_mean_gap']:.1f}"],
        ["index, mean percentile of those months", f"{ph['index_percentile']:.2f}"],
        ["Spearman over 2002-2025 / over 2002-2023",
         f"{ph['rho_whole']:+.3f} / {ph['rho_through_2023']:+.3f} "
         f"({ph['months_through_2023']} months)"],
    ]  # fmt: skip
    return _table(["CHN-PHL", "value"], rows, "lr")


def blocks(figures: Figures) -> dict[str, str]:
    return {
        "pooled": pooled_table(figures),
        "agreement": agreement_table(figures),
        "points": points_table(figures),
        "hits": hits_table(figures),
        "variants": variants_table(figures),
        "coverage": coverage_table(figures),
        "correlates": correlates_table(figures),
        "philippines": philippines_table(figures),
        "falls": falls_table(figures),
    }


def render(text: str, found: dict[str, str]) -> str:
    """``text`` with each generated block replaced by its new body."""
    for name, body in found.items():
        pattern = re.compile(
            rf"(<!-- generated:{name} -->\n).*?(\n<!-- /generated:{name} -->)", re.DOTALL
        )
        if not pattern.search(text):
            raise SystemExit(f"{PAGE.name} has no block {name!r}")
        text = pattern.sub(lambda m, body=body: m.group(1) + body + m.group(2), text)
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="paste the tables into the page")
    mode.add_argument("--check", action="store_true", help="exit 1 if the page is out of date")
    parser.add_argument("--data", type=Path, default=example.DATA, help="the curated data")
    args = parser.parse_args(argv)
    folder: Path = args.data
    if not (folder / example.EVENTS_FILE).is_file() or not (folder / example.GDELT_FILE).is_file():
        print(
            f"The curated China-partner data are not in {folder} (looked for "
            f"{example.EVENTS_FILE} and {example.GDELT_FILE}): nothing to compute. They are "
            "not shipped: get data/core from https://github.com/KelaoHu/eventdb-validity-audit "
            "(CC BY 4.0) and pass --data FOLDER.",
            file=sys.stderr,
        )
        return 0 if args.check else 1
    found = blocks(compute(load(folder)))
    if not (args.write or args.check):
        for name, body in found.items():
            print(f"## {name}\n\n{body}\n")
        return 0
    text = PAGE.read_text(encoding="utf-8")
    new = render(text, found)
    if args.check:
        if new != text:
            print(f"{PAGE.name} is out of date: run python docs/{Path(__file__).name} --write")
            return 1
        print(f"{PAGE.name}: generated tables are up to date")
        return 0
    PAGE.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
