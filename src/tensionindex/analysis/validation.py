"""Validation against the record: turning points and external series.

Two questions an analyst asks before trusting a series:

* :func:`turning_point_hits`: around dated turning points of known direction
  (a crisis: "worse"; a summit that thawed relations: "better"), does the
  series move the right way, more often than it would around random dates?
  Each point compares the value just before the point's period with the
  value ``window`` steps after its end, as the series read on each of those
  days (no look-ahead); the baseline is the hit rate of the same points
  moved to random dates of their dyad's span (a permutation test).
* :func:`series_agreement`: how closely does the index follow another dated
  series (an expert index, a survey, a GDELT-derived monthly series), per
  dyad, once both are put on the same periods?

Both accept a :class:`~tensionindex.ScoredEvents` (the index is computed) or a
tidy frame of any series (``dyad``, ``date`` and a value column), so that
an external series can be checked against the same turning points.
See docs/validation.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from tensionindex.engine import stamp
from tensionindex.events import date_periods
from tensionindex.exceptions import InvalidParameterError
from tensionindex.params import Instance, Interval, Options, validate_params
from tensionindex.scored import FREQUENCIES, ScoredEvents

__all__ = ["DIRECTIONS", "series_agreement", "turning_point_hits"]

#: What a turning point expects of the relationship, and the sign of that move.
DIRECTIONS: Mapping[str, int] = {"worse": -1, "better": 1}

#: Largest number of permuted hit rates (permutations x points) kept in memory at once.
MAX_PERMUTED_CELLS = 50_000_000

_Series = ScoredEvents | pd.DataFrame


def _series(
    index: _Series, value: str, freq: str | None, function: str
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Per dyad: the days (period ends) of the series and its values, in date order.

    For scored events, the daily index (or ``index(freq=...)``, read at each
    period's end).  For a frame, its ``dyad``, ``date`` and ``value`` columns,
    each date stamped at the end of its period when ``freq`` is given (a
    monthly value is known once its month is over).
    """
    if isinstance(index, ScoredEvents):
        if index.config.neutral == "source":
            raise InvalidParameterError(
                f"{function} reads the index as it stood on each date, and neutral='source' "
                "centres every event on the mean of all events, later ones included. Use "
                "neutral='dyad' (a trailing baseline) or 'zero' for validation."
            )
        frame = index.index(freq=freq)
        column = value if freq is None else f"{value}_end"
        if column not in frame.columns:
            raise InvalidParameterError(
                f"The 'value' parameter of {function} must name a column of the index "
                f"('stability' or 'tension'). Got {value!r} instead."
            )
        frame = frame[["dyad", "date", column]].rename(columns={column: "value"})
    else:
        missing = [c for c in ("dyad", "date", value) if c not in index.columns]
        if missing:
            raise InvalidParameterError(
                f"The series given to {function} needs the columns 'dyad', 'date' and "
                f"{value!r} (the 'value' parameter); it lacks {missing}."
            )
        frame = index[["dyad", "date", value]].rename(columns={value: "value"})
        if frame["value"].isna().any() or not np.isfinite(
            pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
        ).all():
            row = int(np.flatnonzero(~np.isfinite(
                pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
            ))[0])
            raise InvalidParameterError(
                f"Column {value!r}, row {row} of the series given to {function}: got "
                f"{index[value].iloc[row]!r}; expected a finite number. Drop or fill it."
            )
    if pd.api.types.is_datetime64_any_dtype(frame["date"]):
        first = frame["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
        length = np.ones(len(first), np.int64)
    else:
        first, length = date_periods(frame["date"].astype(object).astype(str), "date")
    # A value of a period (a month of an external series) is known at the period's end.
    days = first + length - 1 if freq is None else _period_ends(first, freq)
    dyads = frame["dyad"].astype(str).to_numpy()
    values = frame["value"].to_numpy(dtype=float)
    out_days: dict[str, np.ndarray] = {}
    out_values: dict[str, np.ndarray] = {}
    for dyad in np.unique(dyads):
        mine = np.flatnonzero(dyads == dyad)
        order = mine[np.argsort(days[mine], kind="stable")]
        out_days[str(dyad)] = days[order]
        out_values[str(dyad)] = values[order]
    return out_days, out_values


def _period_ends(first_day: np.ndarray, freq: str) -> np.ndarray:
    """Last day of the period of ``freq`` holding each day (days since 1970-01-01)."""
    periods = pd.DatetimeIndex(first_day.astype("datetime64[D]")).to_period(FREQUENCIES[freq])
    ends = periods.end_time.to_numpy().astype("datetime64[D]")
    return np.asarray(ends.astype(np.int64))


@validate_params(
    {
        "window": [Interval(int, 0, 100_000), Instance((None,), "None")],
        "freq": [Options(tuple(FREQUENCIES)), Instance((None,), "None")],
        "value": [Instance((str,), "a column name")],
        "higher": [Options(tuple(DIRECTIONS))],
        "min_change": [Interval(float, 0.0, None)],
        "permutations": [Interval(int, 0, 1_000_000)],
        "seed": [Interval(int, 0, None)],
    },
    name="turning_point_hits",
)
def turning_point_hits(
    index: _Series,
    points: pd.DataFrame,
    *,
    window: int | None = None,
    freq: str | None = None,
    value: str = "stability",
    higher: str = "better",
    min_change: float = 0.0,
    permutations: int = 999,
    seed: int = 0,
) -> pd.DataFrame:
    """Whether the series moves the expected way around dated turning points.

    For each point (a dyad, a date of any precision, an expected direction)
    the change is the series' value ``window`` steps after the end of the
    point's period minus its last value before the period starts, both as
    the series read on those days: the index on day t depends only on events
    dated on or before t (the kernels never look ahead), and a period's value
    of an external series is taken as known at the period's end.  A point is
    a hit when the change has the expected sign and exceeds ``min_change``.

    The baseline moves every point to a random date in its dyad's series
    (same period length, same direction), ``permutations`` times, and gives
    the mean hit rate under random dates and a one-sided p-value,
    ``(1 + #{permuted rate >= observed}) / (1 + permutations)``.

    Parameters
    ----------
    index : ScoredEvents or pandas.DataFrame
        Scored events (the index is computed), or any series with columns
        ``dyad``, ``date`` and ``value``.
    points : pandas.DataFrame
        Columns ``dyad`` (as labelled in the series), ``date`` (a day
        ``"2016-07-12"``, a month ``"2016-07"``, an ISO week or a year) and
        ``direction`` (``"worse"`` or ``"better"``).  Other columns (a
        label, a source) are carried into the result.
    window : int, optional
        Steps of the series after the end of the point's period at which the
        value after is read: days for a daily series (default 30), periods
        for a periodic one (default 0: the end of the point's own period).
    freq : {"W", "MS", "QS", "YS"}, optional
        Read the index by period (``index(freq=...)``, values at period
        ends), or say that a frame's dates are periods.
    value : str, default "stability"
        The column compared: ``stability`` or ``tension`` of the index, or
        the frame's value column.
    higher : {"better", "worse"}, default "better"
        What a higher value means: "better" for stability or a
        cooperation score, "worse" for tension.
    min_change : float, default 0
        Smallest move in the expected direction that counts as a hit.
    permutations : int, default 999
        Random re-datings for the baseline (0: no baseline).
    seed : int, default 0
        Seed of the re-datings; equal seeds give equal baselines.

    Returns
    -------
    pandas.DataFrame
        One row per point: ``dyad``, ``date`` (first day of the point's
        period), ``direction``, ``before_date``, ``before``, ``after_date``,
        ``after``, ``change`` (in the series' units, signed so that positive
        means better), ``hit`` and the points' other columns.  Points outside
        their dyad's series (or whose dyad it lacks) have NaN values and
        ``hit`` False, and are counted in ``attrs["tensionindex"]["outside"]``.
        ``attrs["tensionindex"]`` holds ``hit_rate``, ``points`` (evaluated),
        ``baseline_rate``, ``p_value``, ``permutations``, ``seed`` and
        ``window``.

    Raises
    ------
    InvalidParameterError
        If a column is missing, a direction is unknown, a date cannot be
        read, or the memory for the permutations would exceed
        ``MAX_PERMUTED_CELLS``.

    Examples
    --------
    >>> import pandas as pd
    >>> import tensionindex as ti
    >>> scored = ti.score(ti.load_example("us-china-2024"))
    >>> points = pd.DataFrame({
    ...     "dyad": ["CHN-PHL", "CHN-USA"],
    ...     "date": ["2024-03-05", "2023-11-15"],
    ...     "direction": ["worse", "better"],
    ... })
    >>> hits = ti.turning_point_hits(scored, points, window=3, permutations=99)
    >>> hits["hit"].tolist()
    [True, True]
    >>> hits.attrs["tensionindex"]["hit_rate"]
    1.0
    """
    function = "turning_point_hits"
    missing = [c for c in ("dyad", "date", "direction") if c not in points.columns]
    if not isinstance(points, pd.DataFrame) or missing:
        raise InvalidParameterError(
            "The 'points' parameter of turning_point_hits must be a DataFrame with the "
            f"columns 'dyad', 'date' and 'direction'; it lacks {missing}."
        )
    direction = points["direction"].astype(str).str.strip().str.lower()
    unknown = ~direction.isin(list(DIRECTIONS))
    if unknown.any():
        row = int(np.flatnonzero(unknown.to_numpy())[0])
        raise InvalidParameterError(
            f"Column 'direction', row {row} of the points: got "
            f"{points['direction'].iloc[row]!r}; expected 'worse' or 'better'."
        )
    if window is None:
        window = 30 if freq is None else 0
    series_days, series_values = _series(index, value, freq, function)
    sign = DIRECTIONS[higher]
    first, length = date_periods(points["date"].astype(object).astype(str), "date")
    last = first + length - 1
    expected = direction.map(DIRECTIONS).to_numpy(dtype=np.int64)
    n = len(points)
    before_at = np.full(n, -1, np.int64)
    after_at = np.full(n, -1, np.int64)
    labels = points["dyad"].astype(str).to_numpy()
    out_before = np.full(n, np.nan)
    out_after = np.full(n, np.nan)
    before_date = np.full(n, np.datetime64("NaT"), "datetime64[D]")
    after_date = np.full(n, np.datetime64("NaT"), "datetime64[D]")
    for i in range(n):
        days = series_days.get(labels[i])
        if days is None:
            continue
        # The last value read before the period starts, and `window` steps after its end.
        b = int(np.searchsorted(days, first[i], side="left")) - 1
        e = int(np.searchsorted(days, last[i], side="left"))
        a = e + window
        if b < 0 or e >= len(days) or a >= len(days):
            continue
        before_at[i], after_at[i] = b, a
        vals = series_values[labels[i]]
        out_before[i], out_after[i] = vals[b], vals[a]
        before_date[i] = np.datetime64(int(days[b]), "D")
        after_date[i] = np.datetime64(int(days[a]), "D")
    change = sign * (out_after - out_before)
    inside = before_at >= 0
    hit = inside & (change * expected > min_change)
    rate = float(hit[inside].mean()) if inside.any() else float("nan")

    baseline, p_value = _permuted(
        series_days, series_values, labels[inside], (last - first)[inside],
        expected[inside], window, sign, min_change, rate, permutations, seed,
    )
    result = pd.DataFrame(
        {
            "dyad": labels,
            "date": first.astype("datetime64[D]").astype("datetime64[ns]"),
            "direction": direction.to_numpy(),
            "before_date": before_date.astype("datetime64[ns]"),
            "before": out_before,
            "after_date": after_date.astype("datetime64[ns]"),
            "after": out_after,
            "change": sign * (out_after - out_before),
            "hit": hit,
        }
    )
    for name in points.columns:
        if name not in ("dyad", "date", "direction"):
            result[name] = points[name].to_numpy()
    config = index.config if isinstance(index, ScoredEvents) else None
    summary: dict[str, Any] = {
        "hit_rate": rate,
        "points": int(inside.sum()),
        "outside": int((~inside).sum()),
        "baseline_rate": baseline,
        "p_value": p_value,
        "permutations": permutations,
        "seed": seed,
        "window": window,
        "freq": freq,
        "value": value,
    }
    if config is None:
        result.attrs["tensionindex"] = summary
        return result
    return stamp(result, config, **summary)


def _permuted(
    series_days: Mapping[str, np.ndarray],
    series_values: Mapping[str, np.ndarray],
    labels: np.ndarray,
    spans: np.ndarray,
    expected: np.ndarray,
    window: int,
    sign: int,
    min_change: float,
    observed: float,
    permutations: int,
    seed: int,
) -> tuple[float, float]:
    """Mean hit rate of the points at random dates of their dyad's series, and the p-value."""
    if permutations == 0 or len(labels) == 0:
        return float("nan"), float("nan")
    if permutations * len(labels) > MAX_PERMUTED_CELLS:
        raise InvalidParameterError(
            f"turning_point_hits would draw {permutations * len(labels):,} re-dated points, "
            f"more than MAX_PERMUTED_CELLS ({MAX_PERMUTED_CELLS:,}): lower 'permutations'."
        )
    rng = np.random.default_rng(seed)
    hits = np.zeros((permutations, len(labels)), bool)
    for i, label in enumerate(labels):
        days, values = series_days[label], series_values[label]
        # Positions whose period and window fit: the value before at s - 1, the
        # period starting the day after it, its end at the first step on or after.
        starts = np.arange(1, len(days))
        ends = np.searchsorted(days, days[starts - 1] + 1 + spans[i], side="left")
        fits = ends + window < len(days)
        starts, ends = starts[fits], ends[fits]
        if not len(starts):
            continue
        pick = rng.integers(0, len(starts), permutations)
        change = sign * (values[ends[pick] + window] - values[starts[pick] - 1])
        hits[:, i] = change * expected[i] > min_change
    rates = hits.mean(axis=1)
    baseline = float(rates.mean())
    p_value = float((1 + np.count_nonzero(rates >= observed - 1e-12)) / (1 + permutations))
    return baseline, p_value


@validate_params(
    {
        "freq": [Options(tuple(FREQUENCIES))],
        "value": [Instance((str,), "a column name")],
        "column": [Options(("stability_mean", "stability_end", "tension_mean", "tension_end"))],
        "higher": [Options(tuple(DIRECTIONS))],
        "min_periods": [Interval(int, 3, None)],
    },
    name="series_agreement",
)
def series_agreement(
    index: ScoredEvents,
    series: pd.DataFrame,
    *,
    freq: str = "MS",
    column: str = "stability_mean",
    value: str = "value",
    higher: str = "better",
    min_periods: int = 12,
) -> pd.DataFrame:
    """How closely the index follows another dated series, per dyad, period by period.

    The index is put on the periods of ``freq`` (``index(freq=...)``;
    ``column`` chooses the period's mean or end value); the series' dates are
    read as periods (``"2016-07"`` or any day in it).  Per dyad, over the
    periods both have, the Pearson and Spearman correlations, signed so that
    a positive value means both series call the same periods better (a
    series where higher is worse, such as tension, is given ``higher="worse"``).

    Parameters
    ----------
    index : ScoredEvents
        The scored events.
    series : pandas.DataFrame
        Columns ``dyad`` (labelled as in the index), ``date`` and ``value``.
    freq : {"W", "MS", "QS", "YS"}, default "MS"
        The periods both are compared on.
    column : {"stability_mean", "stability_end", "tension_mean", "tension_end"}
        The index column compared (default: the mean stability of the
        period, which suits a series averaged over the period).
    value : str, default "value"
        The series' value column.
    higher : {"better", "worse"}, default "better"
        What a higher value of the series means.
    min_periods : int, default 12
        Dyads with fewer common periods get NaN correlations.

    Returns
    -------
    pandas.DataFrame
        One row per dyad of the series: ``dyad``, ``periods`` (in common),
        ``pearson``, ``spearman``, ``first`` and ``last`` (the common
        periods' bounds), sorted by dyad; ``attrs["tensionindex"]`` adds
        the pooled correlations over all dyads' periods.

    Examples
    --------
    >>> import pandas as pd
    >>> import tensionindex as ti
    >>> scored = ti.score(ti.load_example("us-china-2024"))
    >>> own = scored.index(freq="MS")[["dyad", "date", "stability_mean"]]
    >>> series = own.rename(columns={"stability_mean": "value"})
    >>> agreement = ti.series_agreement(scored, series)
    >>> bool((agreement["spearman"] > 0.999).all())
    True
    """
    missing = [c for c in ("dyad", "date", value) if c not in series.columns]
    if missing:
        raise InvalidParameterError(
            f"The series given to series_agreement needs the columns 'dyad', 'date' and "
            f"{value!r}; it lacks {missing}."
        )
    if index.config.neutral == "source":
        raise InvalidParameterError(
            "series_agreement compares values as they stood in each period, and "
            "neutral='source' centres every event on the mean of all events, later ones "
            "included. Use neutral='dyad' or 'zero'."
        )
    ours = index.index(freq=freq)
    ours = ours.assign(dyad=ours["dyad"].astype(str))
    sign_index = 1.0 if column.startswith("stability") else -1.0
    first, _ = date_periods(series["date"].astype(object).astype(str), "date")
    period = pd.DatetimeIndex(first.astype("datetime64[D]")).to_period(FREQUENCIES[freq])
    theirs = pd.DataFrame(
        {
            "dyad": series["dyad"].astype(str).to_numpy(),
            "date": period.start_time.to_numpy().astype("datetime64[ns]"),
            "theirs": DIRECTIONS[higher] * pd.to_numeric(series[value], errors="coerce")
            .to_numpy(dtype=float),
        }
    )
    theirs = theirs.groupby(["dyad", "date"], as_index=False).agg(theirs=("theirs", "mean"))
    merged = ours[["dyad", "date", column]].merge(theirs, on=["dyad", "date"], how="inner")
    merged = merged[np.isfinite(merged[column]) & np.isfinite(merged["theirs"])]
    merged["ours"] = sign_index * merged[column]
    rows = []
    for dyad in sorted(theirs["dyad"].unique()):
        mine = merged[merged["dyad"] == dyad]
        n = len(mine)
        enough = n >= min_periods and mine["ours"].nunique() > 1 and mine["theirs"].nunique() > 1
        rows.append(
            {
                "dyad": dyad,
                "periods": n,
                "pearson": float(stats.pearsonr(mine["ours"], mine["theirs"])[0])
                if enough else np.nan,
                "spearman": float(stats.spearmanr(mine["ours"], mine["theirs"])[0])
                if enough else np.nan,
                "first": mine["date"].min() if n else pd.NaT,
                "last": mine["date"].max() if n else pd.NaT,
            }
        )
    out = pd.DataFrame(rows, columns=["dyad", "periods", "pearson", "spearman", "first", "last"])
    pooled_ok = len(merged) >= min_periods
    return stamp(
        out,
        index.config,
        freq=freq,
        column=column,
        higher=higher,
        pooled_periods=len(merged),
        pooled_pearson=float(stats.pearsonr(merged["ours"], merged["theirs"])[0])
        if pooled_ok else float("nan"),
        pooled_spearman=float(stats.spearmanr(merged["ours"], merged["theirs"])[0])
        if pooled_ok else float("nan"),
    )
