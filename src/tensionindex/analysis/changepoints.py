"""Change points: the days a dyad's index moved to a new level, and the levels around them.

A series of n days is cut into segments of at least ``min_size`` days, each
summarised by its mean, by minimising the penalised least-squares cost

    sum over segments of sum_t (y_t - mean of the segment)^2  +  beta * (number of changes)

(a change in mean, the ``l2`` cost of ruptures).  ``method="pelt"`` finds the
exact minimum (Killick, Fearnhead and Eckley 2012), ``"binseg"`` approximates it
by binary segmentation and ``"window"`` by a sliding window; all three are run
by ruptures (Truong, Oudre and Vayatis 2020), an optional dependency.

The default penalty is beta = 3 * sigma^2 * ln(n), the penalty the R
changepoint package uses for its default MBIC with a change in mean (Zhang and
Siegmund 2007), with sigma^2 the variance of the series itself: what sigma^2
would be if the series had no change.  The index has no measurement noise to
estimate (it moves smoothly between events), so estimators of noise built for
piecewise-constant data, such as the MAD of first differences, see almost none
and would cut every decay into many regimes (see "Change points" in docs/analysis.md).

:func:`changepoints` reads the series of scored events
(:meth:`ScoredEvents.index_grid`); :func:`segment` cuts any series of numbers.
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
from tensionindex.scored import NORMALIZE, ScoredEvents, as_scored

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
#: The series of the index that :func:`changepoints` can segment.
SERIES_COLUMNS: tuple[SeriesColumn, ...] = ("stability", "tension", "signal", "events")

CHANGEPOINT_COLUMNS: tuple[str, ...] = (
    "dyad",
    "date",
    "before",
    "after",
    "change",
    "before_start",
    "after_end",
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
    method, penalty, min_size
        As in :func:`changepoints`.

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
    min_size: int = 14,
    start: DateLike | None = None,
    end: DateLike | None = None,
    normalize: Normalize = "logistic",
    baseline: int = 365,
    coverage: pd.Series | Iterable[DateLike] | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """Regime changes in each dyad's series: the days its mean level shifted.

    Each dyad's daily series is cut into segments of at least ``min_size``
    days, each with its own mean, minimising the squared deviations from the
    segment means plus ``penalty`` per change (a change in mean; see the
    module notes).

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
        The series to segment: a column of :meth:`ScoredEvents.index`
        (``"signal"``, the daily signal, shows changes in the rate of events).
    method : {"pelt", "binseg", "window"}, default "pelt"
        ``"pelt"``: the exact optimum (Killick et al. 2012).  ``"binseg"``:
        binary segmentation, greedy.  ``"window"``: compares the two halves of
        a window of ``2 * min_size`` days sliding along the series.
    penalty : float, optional
        The cost of one more change, in squared units of ``column`` (> 0).
        Default: 3 * sigma^2 * ln(n), with sigma^2 the variance of the dyad's
        series and n its number of days; scaling the series leaves the change
        points unchanged.  Lower it to see smaller changes.
    min_size : int, default 14
        Shortest segment (regime), in days with a value, >= 1.
    start, end : date-like, optional
        The days segmented, as in :meth:`ScoredEvents.index` (default: the
        first and last event).
    normalize : {"logistic", "zscore", "percentile"}, default "logistic"
        The stability segmented, as in :meth:`ScoredEvents.index`; days
        where it has no value (the first 30 days of ``"zscore"``) are left
        out: ``min_size`` counts the other days, and dates stay real dates.
    baseline : int, default 365
        Days of trailing baseline of ``normalize="zscore"``.
    coverage : pandas.Series or collection of dates, optional
        Only with raw events: as given to :func:`score`.
    **overrides
        Configuration fields to change for this call, as in :func:`score`.

    Returns
    -------
    pandas.DataFrame
        One row per change, sorted by dyad then date, with columns ``dyad``,
        ``date`` (the first day of the new regime), ``before`` and ``after``
        (mean of ``column`` over the regime before and the one after),
        ``change`` (after - before), ``before_start`` (first day of the regime
        before) and ``after_end`` (last day of the regime after).  A dyad has
        no rows when nothing changed, its series is flat, or it has fewer
        than ``2 * min_size`` days.  ``attrs["tensionindex"]`` holds the
        configuration and ``changepoints``: the dyads, column, method,
        penalty used per dyad, min_size and number of days per dyad.

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
    alerts : threshold crossings and sharp drops, with the events behind them.

    Notes
    -----
    The index decays smoothly after each event, so a long decay can appear as
    a staircase of small changes on days without events; compare the dates
    with the index's ``events`` column, or segment ``column="signal"``.

    Examples
    --------
    >>> import tensionindex as ti
    >>> events = [{"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL",
    ...            "event_type": "water_cannon"}]
    >>> scored = ti.score(events, kernel="window", window=60)
    >>> found = ti.changepoints(scored, dyads="CHN-PHL", start="2024-01-01", end="2024-07-31")
    >>> found[["date", "before", "after", "change"]]
            date     before      after     change
    0 2024-03-01  50.000000  33.181223 -16.818777
    1 2024-04-30  33.181223  50.000000  16.818777
    """
    data = as_scored(scored, config, overrides, coverage=coverage)
    grid = data.index_grid(
        start=start, end=end, dyads=dyads, normalize=normalize, baseline=baseline
    )
    series = getattr(grid, column)
    dates = grid.dates.to_numpy()
    penalties: dict[str, float] = {}
    days: dict[str, int] = {}
    frames = []
    for r, label in enumerate(str(x) for x in grid.labels):
        present = np.isfinite(series[r])
        values = np.asarray(series[r][present], dtype=float)
        when = dates[present]
        beta = default_penalty(values) if penalty is None else float(penalty)
        penalties[label], days[label] = beta, len(values)
        positions = _segment(values, method, beta, int(min_size))
        if not len(positions):
            continue
        bounds = [0, *positions.tolist(), len(values)]
        means = np.array([values[a:b].mean() for a, b in itertools.pairwise(bounds)])
        code = data.labels.get_loc(label)
        frames.append(
            pd.DataFrame(
                {
                    "dyad": pd.Categorical.from_codes(
                        np.full(len(positions), code), categories=data.labels
                    ),
                    "date": when[positions],
                    "before": means[:-1],
                    "after": means[1:],
                    "change": means[1:] - means[:-1],
                    "before_start": when[bounds[:-2]],
                    "after_end": when[np.array(bounds[2:]) - 1],
                }
            )
        )
    if frames:
        out = pd.concat(frames, ignore_index=True)
    else:
        out = empty_frame(CHANGEPOINT_COLUMNS[2:], list(data.labels))
        out["before_start"] = out["after_end"] = np.array([], dtype="datetime64[ns]")
    used = {
        "dyads": list(penalties),
        "column": column,
        "method": method,
        "penalty": penalties,
        "min_size": int(min_size),
        "n_days": days,
    }
    return stamp(out, data.config, normalize=normalize, changepoints=used)
