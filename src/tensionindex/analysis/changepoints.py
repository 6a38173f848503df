"""Change points: the days a dyad's events changed regime, and the events of those days.

A change point is found on the events, not on the index.  The series cut is
the dyad's daily signal on the days that have events: one value per event day,
the sum of the signals s_i of that day's events (the ``signal`` column of the
index on the days where ``events > 0``).  It depends on the events and the
weights only: the kernel, half-life and window decay the index but do not move
a change point, and every change point is a day with events, whose events
are named.

Segmenting the index itself (as tensionindex 0.1 did) puts change points on
days without events: a smooth decay after an incident is followed by a
staircase of constant levels, and under the window kernel the index steps
when an event *leaves* the window (90 days after it), not when something
happened.

The event-day series is cut into segments of at least ``min_size`` values,
each summarised by its mean, by minimising the penalised least-squares cost

    sum over segments of sum_t (y_t - mean of the segment)^2  +  beta * (number of changes)

(a change in mean, the ``l2`` cost of ruptures).  ``method="pelt"`` finds the
exact minimum (Killick, Fearnhead and Eckley 2012), ``"binseg"`` approximates it
by binary segmentation and ``"window"`` by a sliding window; all three are run
by ruptures (Truong, Oudre and Vayatis 2020), an optional dependency.

The default penalty is beta = 3 * sigma^2 * ln(n), the penalty the R
changepoint package uses for its default MBIC with a change in mean (Zhang and
Siegmund 2007), with sigma^2 the variance of the series itself: what sigma^2
would be if the series had no change.  On a few dozen event days it keeps only
strong changes; a smaller ``penalty`` describes the series in more regimes, at
the price of finding some in pure noise (see "Change points" in
docs/analysis.md).

:func:`changepoints` reads the scored events (:meth:`ScoredEvents.index_grid`
and :meth:`ScoredEvents.events_by_dyad_and_day`); :func:`segment` cuts any
series of numbers.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from tensionindex._types import Normalize
from tensionindex.config import IndexConfig
from tensionindex.engine import empty_frame, stamp
from tensionindex.exceptions import require
from tensionindex.params import (
    DateLike,
    Dates,
    Dyads,
    Instance,
    Interval,
    Options,
    invalid,
    validate_params,
)
from tensionindex.scored import NORMALIZE, IndexGrid, ScoredEvents, as_scored

__all__ = [
    "CHANGEPOINT_COLUMNS",
    "CHANGEPOINT_METHODS",
    "SERIES_COLUMNS",
    "ChangepointMethod",
    "changepoints",
    "default_penalty",
    "segment",
]

ChangepointMethod: TypeAlias = Literal["pelt", "binseg", "window"]
CHANGEPOINT_METHODS: tuple[ChangepointMethod, ...] = ("pelt", "binseg", "window")

SeriesColumn: TypeAlias = Literal["stability", "tension", "signal", "events"]
#: The columns of the index whose level around each change :func:`changepoints` reports.
SERIES_COLUMNS: tuple[SeriesColumn, ...] = ("stability", "tension", "signal", "events")

CHANGEPOINT_COLUMNS: tuple[str, ...] = (
    "dyad",
    "date",
    "before",
    "after",
    "change",
    "before_start",
    "after_end",
    "drivers",
    "driver_rows",
    "event_ids",
)

#: The factor k of the default penalty k * sigma^2 * ln(n): R changepoint's MBIC for a mean.
PENALTY_FACTOR = 3.0
# A series that varies by less than this, relative to max(1, its largest |value|), is flat.
_FLAT = 1e-9

#: The parameters of :func:`segment` and what each accepts.
SEGMENT_PARAMETERS: dict[str, list[Any]] = {
    "method": [Options(CHANGEPOINT_METHODS)],
    "penalty": [Interval(float, 0, None, closed="neither"), Instance((None,), "None")],
    "min_size": [Interval(int, 1, None)],
}

#: The parameters of :func:`changepoints` and what each accepts.
CHANGEPOINTS_PARAMETERS: dict[str, list[Any]] = {
    "config": [Instance((IndexConfig, None), "an IndexConfig or None")],
    "dyads": [Dyads()],
    "column": [Options(SERIES_COLUMNS)],
    **SEGMENT_PARAMETERS,
    "top": [Interval(int, 1, None)],
    "start": [Dates()],
    "end": [Dates()],
    **NORMALIZE,
}


def default_penalty(values: np.ndarray) -> float:
    """beta = 3 * sigma^2 * ln(n), sigma^2 the variance of the series (the MBIC term of a mean).

    Examples
    --------
    >>> default_penalty(np.array([1.0, 3.0, 1.0, 3.0]))  # 3 * 1 * ln 4
    4.1588830833596715
    """
    n = len(values)
    return float(PENALTY_FACTOR * np.var(values) * math.log(n)) if n > 1 else 0.0


def _breakpoints(
    scaled: np.ndarray, method: ChangepointMethod, penalty: float, min_size: int
) -> list[int]:
    """Positions where a new segment starts (0 < p < n), from ruptures."""
    rpt: Any = require("ruptures", extra="changepoints", feature="changepoints()")
    signal = scaled.reshape(-1, 1)
    if method == "pelt":
        # KernelCPD with the linear kernel is PELT on exactly the l2 cost, in C.
        algo = rpt.KernelCPD(kernel="linear", min_size=min_size)
    elif method == "binseg":
        algo = rpt.Binseg(model="l2", min_size=min_size, jump=1)
    else:
        algo = rpt.Window(width=2 * min_size, model="l2", min_size=min_size, jump=1)
    ends = algo.fit(signal).predict(pen=penalty)
    return sorted(int(p) for p in ends if 0 < int(p) < len(scaled))


@validate_params(SEGMENT_PARAMETERS, name="segment")
def segment(
    values: np.ndarray | Sequence[float],
    *,
    method: ChangepointMethod = "pelt",
    penalty: float | None = None,
    min_size: int = 14,
) -> np.ndarray:
    """Where a series changes its mean: the positions at which new segments start.

    Minimises the squared deviations from the segment means plus ``penalty``
    per change, over segments of at least ``min_size`` values (see the
    module notes).

    Parameters
    ----------
    values : array-like of float
        The series, one finite value per step.
    method, penalty
        As in :func:`changepoints`.
    min_size : int, default 14
        Shortest segment, in values (>= 1).

    Returns
    -------
    numpy.ndarray
        Sorted positions p (0 < p < n) where a new segment starts: empty when
        nothing changed, the series is flat, or it has fewer than
        ``2 * min_size`` values.

    Raises
    ------
    InvalidParameterError
        If ``values`` is not a one-dimensional series of finite numbers, or
        another parameter is invalid.
    MissingDependencyError
        If ruptures is not installed (``pip install "tensionindex[changepoints]"``).

    Examples
    --------
    >>> segment([0.0] * 20 + [10.0] * 20, min_size=5)
    array([20])
    """
    try:
        series = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        series = None
    if series is None or series.ndim != 1 or not np.isfinite(series).all():
        raise invalid("segment", "values", "a one-dimensional series of finite numbers", values)
    beta = default_penalty(series) if penalty is None else float(penalty)
    return _segment(series, method, beta, min_size)


def _segment(
    series: np.ndarray, method: ChangepointMethod, beta: float, min_size: int
) -> np.ndarray:
    """:func:`segment` of a finite series with penalty ``beta`` (parameters already checked)."""
    n = len(series)
    spread = float(np.ptp(series)) if n else 0.0
    if n < 2 * min_size or spread <= _FLAT * max(1.0, float(np.max(np.abs(series)))):
        return np.zeros(0, dtype=np.intp)
    # Centre and scale for the numerics of the cost's cumulative sums; the l2
    # cost scales by the variance, so the penalty does too.
    variance = float(np.var(series))
    scaled = (series - series.mean()) / math.sqrt(variance)
    return np.asarray(_breakpoints(scaled, method, beta / variance, min_size), dtype=np.intp)


@validate_params(CHANGEPOINTS_PARAMETERS, name="changepoints")
def changepoints(
    scored: ScoredEvents | pd.DataFrame | Sequence[Mapping[str, Any]],
    config: IndexConfig | None = None,
    *,
    dyads: Sequence[str] | str | None = None,
    column: SeriesColumn = "stability",
    method: ChangepointMethod = "pelt",
    penalty: float | None = None,
    min_size: int = 2,
    top: int = 3,
    start: DateLike | None = None,
    end: DateLike | None = None,
    normalize: Normalize = "logistic",
    baseline: int = 365,
    coverage: pd.Series | Iterable[DateLike] | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """Regime changes in each dyad's events: the days they shifted, and the events of those days.

    Each dyad's daily signal on the days with events (one value per such
    day: the sum of its events' signals) is cut into segments of at least
    ``min_size`` event days, each with its own mean, minimising the squared
    deviations from the segment means plus ``penalty`` per change (a change
    in mean; see the module notes).  Every change point is therefore a day
    with events, and it does not depend on the kernel: only on the events
    and their weights.

    Parameters
    ----------
    scored : ScoredEvents, pandas.DataFrame or list of dict
        Events scored once with :func:`score`; raw events are scored here.
    config : IndexConfig, optional
        Another configuration for this call (default: the scored events').
    dyads : str or list of str, optional
        Only these dyads ("CHN-USA" in either order, country names accepted,
        or "USA->CHN" when directed; default: every dyad).
    column : {"stability", "tension", "signal", "events"}, default "stability"
        The column of :meth:`ScoredEvents.index` whose mean over the regime
        before and the regime after each change is reported in ``before``
        and ``after``.  It does not change where the changes are.
    method : {"pelt", "binseg", "window"}, default "pelt"
        ``"pelt"``: the exact optimum (Killick et al. 2012).  ``"binseg"``:
        binary segmentation, greedy.  ``"window"``: compares the two halves of
        a window of ``2 * min_size`` event days sliding along the series.
    penalty : float, optional
        The cost of one more change, in squared units of the signal (> 0).
        Default: 3 * sigma^2 * ln(n), with sigma^2 the variance of the
        dyad's event-day series and n its number of event days; scaling
        the weights leaves the change points unchanged.  Lower it to see
        smaller changes.
    min_size : int, default 2
        Shortest regime, in days with events (>= 1).
    top : int, default 3
        How many of the change day's events to name per change (>= 1).
    start, end : date-like, optional
        The days watched, as in :meth:`ScoredEvents.index` (default: the
        first and last event); only their events are segmented.
    normalize : {"logistic", "zscore", "percentile"}, default "logistic"
        The stability reported, as in :meth:`ScoredEvents.index`; days
        where it has no value (the first 30 days of ``"zscore"``) are left
        out of the means.
    baseline : int, default 365
        Days of trailing baseline of ``normalize="zscore"``.
    coverage : pandas.Series or collection of dates, optional
        Only with raw events: as given to :func:`score`.
    **overrides
        Configuration fields to change for this call, as in :func:`score`.

    Returns
    -------
    pandas.DataFrame
        One row per change, sorted by dyad then date, with columns:

        - ``dyad``, ``date``: the first day of the new regime, a day with
          events;
        - ``before``, ``after``: the mean of ``column`` over the days of the
          regime before and of the one after (the days from one change to
          the day before the next; the first regime starts on ``start``, the
          last ends on ``end``), ``change``: after - before;
        - ``before_start``: the first day of the regime before,
          ``after_end``: the last day of the regime after;
        - ``drivers``: up to ``top`` events of the dyad on ``date``, as
          text with their signal, e.g. ``"leader_summit 2023-11-15 (-7)"``:
          the events pulling the signal most in the direction of the change
          first (the most negative when the new regime is more cooperative);
        - ``driver_rows``: their rows in ``scored.events`` (a list of int);
        - ``event_ids``: their ``event_id`` (a list; None where the events
          have no id).

        A dyad has no rows when nothing changed, its series is flat, or it
        has fewer than ``2 * min_size`` event days.
        ``attrs["tensionindex"]`` holds the configuration and
        ``changepoints``: the dyads, column, method, penalty used per dyad,
        min_size, top, and the number of days and of event days per dyad.

    Raises
    ------
    EventValidationError
        If a dyad has no events (with suggestions), or raw events are invalid.
    InvalidParameterError
        If a parameter is invalid.
    MissingDependencyError
        If ruptures is not installed (``pip install "tensionindex[changepoints]"``).

    See Also
    --------
    segment : the same on any series of numbers.
    alerts : threshold crossings, sharp drops and rises, with the events behind them.

    Notes
    -----
    The event-day series leaves out the days without events, so the time
    between events does not count: a regime is a run of events with a
    different mean signal, however spread out.  With a few dozen event days
    the default penalty keeps only strong changes; see "Change points" in
    docs/analysis.md for what a lower penalty finds, in the example and in
    pure noise.

    Examples
    --------
    >>> import tensionindex as ti
    >>> events = [
    ...     {"date": f"2024-03-{day:02d}", "actor1": "CHN", "actor2": "PHL",
    ...      "event_type": kind, "event_id": f"e{day}"}
    ...     for day, kind in [(1, "water_cannon"), (4, "ramming"), (9, "water_cannon"),
    ...                       (15, "dialogue_resumed"), (18, "agreement_signed"),
    ...                       (22, "dialogue_resumed")]
    ... ]
    >>> found = ti.changepoints(ti.score(events), start="2024-02-01", end="2024-04-30")
    >>> found[["date", "drivers", "event_ids"]]
            date                            drivers event_ids
    0 2024-03-15  dialogue_resumed 2024-03-15 (-7)     [e15]
    """
    require("ruptures", extra="changepoints", feature="changepoints()")
    data = as_scored(scored, config, overrides, coverage=coverage)
    grid = data.index_grid(
        start=start,
        end=end,
        dyads=dyads,
        normalize=normalize,
        baseline=baseline,
        information=False,  # none of SERIES_COLUMNS
    )
    levels = np.asarray(getattr(grid, column), dtype=float)
    n_days = grid.grid.n_days
    penalties: dict[str, float] = {}
    counts: dict[str, int] = {}
    found: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
    for r, label in enumerate(str(x) for x in grid.labels):
        days = np.flatnonzero(grid.events[r] > 0)
        values = np.asarray(grid.signal[r, days], dtype=float)
        beta = default_penalty(values) if penalty is None else float(penalty)
        penalties[label], counts[label] = beta, len(values)
        positions = _segment(values, method, beta, int(min_size))
        if len(positions):
            cuts = np.r_[0, positions, len(values)]
            means = np.array([values[a:b].mean() for a, b in itertools.pairwise(cuts)])
            found.append((r, days[positions], means[:-1], means[1:]))
    out = _frame(data, grid, levels, found, int(top)) if found else _empty(data.labels)
    used = {
        "dyads": list(penalties),
        "column": column,
        "method": method,
        "penalty": penalties,
        "min_size": int(min_size),
        "top": int(top),
        "n_days": dict.fromkeys(penalties, n_days),
        "n_event_days": counts,
    }
    return stamp(out, data.config, normalize=normalize, changepoints=used)


def _mean(values: np.ndarray) -> float:
    """Mean of the finite values (NaN if none)."""
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if len(finite) else math.nan


def _frame(
    scored: ScoredEvents,
    grid: IndexGrid,
    levels: np.ndarray,
    found: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]],
    top: int,
) -> pd.DataFrame:
    """One row per change: dates, levels of ``levels`` around it, the events of its day.

    ``found`` holds, per dyad with changes: its row in ``grid``, the columns
    (days) of its changes and the mean event-day signal before and after each.
    """
    dates = grid.dates.to_numpy()
    n_days = grid.grid.n_days
    codes = scored.labels.get_indexer(grid.labels)
    row, column, before, after, first, last, direction = ([] for _ in range(7))
    for r, at, signal_before, signal_after in found:
        edges = np.r_[0, at, n_days]
        means = [_mean(levels[r, a:b]) for a, b in itertools.pairwise(edges)]
        row += [codes[r]] * len(at)
        column += at.tolist()
        before += means[:-1]
        after += means[1:]
        first += edges[:-2].tolist()
        last += (edges[2:] - 1).tolist()
        direction += np.where(signal_after >= signal_before, 1.0, -1.0).tolist()
    day = grid.grid.first_day + np.asarray(column, dtype=np.int64)
    drivers = _day_events(scored, np.asarray(row), day, np.asarray(direction), top)
    levels_before, levels_after = np.asarray(before), np.asarray(after)
    return pd.DataFrame(
        {
            "dyad": pd.Categorical.from_codes(row, categories=scored.labels),
            "date": dates[column],
            "before": levels_before,
            "after": levels_after,
            "change": levels_after - levels_before,
            "before_start": dates[first],
            "after_end": dates[last],
            "drivers": np.asarray(drivers[0], dtype=object),
            "driver_rows": pd.Series(drivers[1], dtype=object).to_numpy(),
            "event_ids": pd.Series(drivers[2], dtype=object).to_numpy(),
        }
    )


def _day_events(
    scored: ScoredEvents, codes: np.ndarray, days: np.ndarray, direction: np.ndarray, top: int
) -> tuple[list[str], list[list[int]], list[list[Any]]]:
    """The ``top`` events of dyad ``codes[k]`` on day ``days[k]``: text, rows and ids.

    Ordered by signal in ``direction[k]`` (+1: the largest first, -1: the
    most negative first), then in event order.
    """
    by = scored.events_by_dyad_and_day()
    events = scored.events
    types = events["event_type"].cat
    names = np.asarray(types.categories.astype(str), dtype=object)[types.codes.to_numpy()]
    has_ids = "event_id" in events.columns
    ids = events["event_id"].to_numpy(dtype=object) if has_ids else None
    text: list[str] = []
    rows: list[list[int]] = []
    found_ids: list[list[Any]] = []
    for code, day, sign in zip(codes.tolist(), days.tolist(), direction.tolist(), strict=True):
        lo, hi = int(by.bounds[code]), int(by.bounds[code + 1])
        a = lo + int(np.searchsorted(by.day[lo:hi], day, side="left"))
        b = lo + int(np.searchsorted(by.day[lo:hi], day, side="right"))
        order = np.argsort(-sign * by.signal[a:b], kind="stable")[:top]
        picked = by.order[a:b][order]
        when = str(np.datetime64(day, "D"))
        text.append(
            "; ".join(
                f"{names[p]} {when} ({s:+.3g})"
                for p, s in zip(picked.tolist(), by.signal[a:b][order].tolist(), strict=True)
            )
        )
        rows.append(picked.tolist())
        found_ids.append(
            [None if ids is None or pd.isna(ids[p]) else ids[p] for p in picked.tolist()]
        )
    return text, rows, found_ids


def _empty(labels: pd.Index) -> pd.DataFrame:
    out = empty_frame(CHANGEPOINT_COLUMNS[2:], list(labels))
    out["before_start"] = out["after_end"] = np.array([], dtype="datetime64[ns]")
    out["drivers"] = pd.Series([], dtype=str)  # text, as pandas infers it for the found rows
    return out
