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
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Sequence
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from tensionindex.dyads import parse_dyad
from tensionindex.exceptions import (
    ConfigurationError,
    EventInputTypeError,
    EventValidationError,
    did_you_mean,
    require,
)

__all__ = ["CHANGEPOINT_METHODS", "ChangepointMethod", "changepoints"]

ChangepointMethod: TypeAlias = Literal["pelt", "binseg", "window"]
CHANGEPOINT_METHODS: tuple[ChangepointMethod, ...] = ("pelt", "binseg", "window")

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


def _parameter_error(function: str, name: str, expected: str, value: object) -> ConfigurationError:
    if isinstance(value, np.generic):
        value = value.item()
    return ConfigurationError(
        f"The {name!r} parameter of {function} must be {expected}. Got {value!r} instead."
    )


def _positive_number(function: str, name: str, value: object) -> float:
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise _parameter_error(function, name, "a finite number > 0", value)
    number = float(value)
    if not (math.isfinite(number) and number > 0):
        raise _parameter_error(function, name, "a finite number > 0", value)
    return number


def _integer(function: str, name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
        raise _parameter_error(function, name, f"an integer >= {minimum}", value)
    if int(value) < minimum:
        raise _parameter_error(function, name, f"an integer >= {minimum}", value)
    return int(value)


def _labels(result: pd.DataFrame) -> list[str]:
    dyads = result["dyad"]
    if isinstance(dyads.dtype, pd.CategoricalDtype):
        present = set(dyads.astype(str).unique())
        return [str(c) for c in dyads.cat.categories if str(c) in present]
    return sorted({str(d) for d in dyads.unique()})


def _check_result(result: object, columns: Sequence[str], function: str) -> pd.DataFrame:
    """A frame with the columns of a stability_index result that ``function`` reads."""
    if not isinstance(result, pd.DataFrame):
        raise EventInputTypeError(
            f"The 'result' parameter of {function} must be a DataFrame returned by "
            f"stability_index. Got {type(result).__name__} instead."
        )
    for name in ("dyad", "date", *columns):
        if name not in result.columns:
            raise EventValidationError(
                f"The result passed to {function} has no {name!r} column."
                + did_you_mean(name, [str(c) for c in result.columns])
                + " Pass the DataFrame that stability_index returns (columns: dyad, date, "
                "events, signal, tension, stability)."
            )
    for name in columns:
        dtype = result[name].dtype
        if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
            numeric = [
                str(c)
                for c in result.columns
                if pd.api.types.is_numeric_dtype(result[c].dtype)
                and not pd.api.types.is_bool_dtype(result[c].dtype)
            ]
            raise EventValidationError(
                f"{function} reads numbers from the {name!r} column, which holds {dtype}. "
                f"Numeric columns of the result: {', '.join(numeric) or 'none'}."
            )
    return result


def _dyad_label(result: pd.DataFrame, dyad: object, function: str) -> str:
    """The label of ``dyad`` among the result's dyads, or an error with suggestions."""
    if not isinstance(dyad, str):
        raise EventInputTypeError(
            f"The 'dyad' parameter of {function} must be text such as 'CHN-USA' "
            f"(or 'USA->CHN' for a directed result). Got {dyad!r} instead."
        )
    labels = _labels(result)
    label = parse_dyad(dyad, directed="->" in dyad)
    if label in labels:
        return label
    if not labels:
        raise EventValidationError(f"No dyad {label!r} in the result: it holds no dyads.")
    directed = any("->" in lab for lab in labels)
    hint = did_you_mean(label, labels)
    if directed and "->" not in label:
        first, _, second = label.partition("-")
        hint = (
            " The result is directed (scored with directed=True): "
            f"write {f'{first}->{second}'!r} or {f'{second}->{first}'!r}."
        )
    elif not directed and "->" in label:
        hint = (
            " The result is undirected: write "
            f"{parse_dyad(label.replace('->', '-'), directed=False)!r}, "
            "or score the events with directed=True."
        )
    shown = ", ".join(labels[:20]) + (" ..." if len(labels) > 20 else "")
    raise EventValidationError(
        f"No dyad {label!r} in the result.{hint} Dyads in the result: {shown}."
    )


def _series(
    result: pd.DataFrame, label: str, column: str, function: str
) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """One dyad's dates (sorted, unique) and finite values of ``column``."""
    rows = result[(result["dyad"].astype(str) == label).to_numpy()]
    try:
        dates = pd.DatetimeIndex(pd.to_datetime(rows["date"]))
    except (ValueError, TypeError):
        raise EventValidationError(
            f"The 'date' column of the result passed to {function} must hold dates."
        ) from None
    order = np.argsort(dates.to_numpy(), kind="stable")
    dates = dates[order]
    values = rows[column].to_numpy(dtype=float)[order]
    repeated = dates.duplicated()
    if repeated.any():
        day = dates[repeated][0]
        raise EventValidationError(
            f"The result holds {int((dates == day).sum())} rows for {label} on {day:%Y-%m-%d}; "
            f"{function} needs one row per dyad and day, as stability_index returns."
        )
    bad = ~np.isfinite(values)
    if bad.any():
        where = np.flatnonzero(bad)
        more = f" (and on {len(where) - 1} more days)" if len(where) > 1 else ""
        raise EventValidationError(
            f"The {column!r} of {label} is {values[where[0]]} on {dates[where[0]]:%Y-%m-%d}"
            f"{more}. {function} needs a finite value on every day it reads: drop those "
            f"days to work on the others (result.dropna(subset=[{column!r}])), or use "
            "another column. normalize='zscore' leaves NaN until 30 days of baseline exist "
            "and where the baseline is constant."
        )
    return dates, values


def _empty(categories: Sequence[str]) -> pd.DataFrame:
    no_dates = np.array([], dtype="datetime64[ns]")
    return pd.DataFrame(
        {
            "dyad": pd.Categorical([], categories=pd.Index(list(categories), dtype=object)),
            "date": no_dates,
            "before": np.array([], dtype=float),
            "after": np.array([], dtype=float),
            "change": np.array([], dtype=float),
            "before_start": no_dates,
            "after_end": no_dates,
        }
    )


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


def changepoints(
    result: pd.DataFrame,
    dyad: str,
    *,
    column: str = "stability",
    method: ChangepointMethod = "pelt",
    penalty: float | None = None,
    min_size: int = 14,
) -> pd.DataFrame:
    """Regime changes in one dyad's series: the days its mean level shifted.

    The series is cut into segments of at least ``min_size`` days, each with
    its own mean, minimising the squared deviations from the segment means
    plus ``penalty`` per change (a change in mean; see the module notes).

    Parameters
    ----------
    result : pandas.DataFrame
        A :func:`stability_index` result (any frame with ``dyad``, ``date``
        and ``column``; one row per dyad and day).
    dyad : str
        "CHN-USA" (either order, country names accepted) or "USA->CHN" for a
        directed result.
    column : str, default "stability"
        The numeric column to segment, e.g. ``"tension"`` or ``"signal"``
        (the daily signal: changes in the rate of events).
    method : {"pelt", "binseg", "window"}, default "pelt"
        ``"pelt"``: the exact optimum (Killick et al. 2012).  ``"binseg"``:
        binary segmentation, greedy.  ``"window"``: compares the two halves of
        a window of ``2 * min_size`` days sliding along the series.
    penalty : float, optional
        The cost of one more change, in squared units of ``column`` (> 0).
        Default: 3 * sigma^2 * ln(n), with sigma^2 the variance of the series
        and n its number of days; scaling the series leaves the change points
        unchanged.  Lower it to see smaller changes.
    min_size : int, default 14
        Shortest segment (regime), in days (rows of the dyad), >= 1.

    Returns
    -------
    pandas.DataFrame
        One row per change, in date order, with columns ``dyad``, ``date``
        (the first day of the new regime), ``before`` and ``after`` (mean of
        ``column`` over the regime before and the one after), ``change``
        (after - before), ``before_start`` (first day of the regime before)
        and ``after_end`` (last day of the regime after).  Empty when nothing
        changed, the series is flat, or it has fewer than ``2 * min_size``
        days.  ``attrs["tensionindex"]`` keeps the result's configuration and
        adds ``changepoints``: the column, method, penalty used, min_size and
        number of days.

    Raises
    ------
    EventValidationError
        If the dyad is not in the result (with suggestions), a column is
        missing or not numeric, the dyad has two rows for one day, or the
        series holds NaN or infinite values (the message names the first date).
    ConfigurationError
        If ``method``, ``penalty`` or ``min_size`` is invalid.
    MissingDependencyError
        If ruptures is not installed (``pip install "tensionindex[changepoints]"``).

    See Also
    --------
    alerts : threshold crossings and sharp drops, with the events behind them.
    stability_index : the series segmented here.

    Notes
    -----
    The index decays smoothly after each event, so a long decay can appear as
    a staircase of small changes on days without events; compare the dates
    with the result's ``events`` column, or segment ``column="signal"``.
    Days missing from the result (rows dropped) are skipped: ``min_size`` then
    counts rows, and dates stay the real dates of the rows.

    Examples
    --------
    >>> import tensionindex as ti
    >>> from tensionindex.analysis.changepoints import changepoints
    >>> events = [{"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL",
    ...            "event_type": "water_cannon"}]
    >>> result = ti.stability_index(events, kernel="window", window=60,
    ...                             start="2024-01-01", end="2024-07-31")
    >>> found = changepoints(result, "CHN-PHL")
    >>> found[["date", "before", "after", "change"]]
            date     before      after     change
    0 2024-03-01  50.000000  33.181223 -16.818777
    1 2024-04-30  33.181223  50.000000  16.818777
    """
    function = "changepoints"
    if not isinstance(column, str):
        raise _parameter_error(function, "column", "a column name", column)
    if method not in CHANGEPOINT_METHODS:
        listed = ", ".join(repr(m) for m in CHANGEPOINT_METHODS)
        raise ConfigurationError(
            f"The 'method' parameter of {function} must be one of {listed}. "
            f"Got {method!r} instead."
            + (did_you_mean(method, CHANGEPOINT_METHODS) if isinstance(method, str) else "")
        )
    beta = None if penalty is None else _positive_number(function, "penalty", penalty)
    size = _integer(function, "min_size", min_size, 1)
    frame = _check_result(result, [column], function)
    label = _dyad_label(frame, dyad, function)
    dates, values = _series(frame, label, column, function)
    categories = _labels(frame)
    n = len(values)
    if beta is None:
        beta = default_penalty(values)
    spread = float(np.ptp(values)) if n else 0.0
    flat = spread <= _FLAT * max(1.0, float(np.max(np.abs(values))) if n else 1.0)
    if n < 2 * size or flat:
        positions: list[int] = []
    else:
        # Centre and scale for the numerics of the cost's cumulative sums; the l2
        # cost scales by the variance, so the penalty does too.
        variance = float(np.var(values))
        scaled = (values - values.mean()) / math.sqrt(variance)
        positions = _breakpoints(scaled, method, beta / variance, size)
    out = _empty(categories)
    if positions:
        bounds = [0, *positions, n]
        means = np.array([values[a:b].mean() for a, b in itertools.pairwise(bounds)])
        where = np.array(positions)
        previous = np.array(bounds[:-2])
        following = np.array(bounds[2:]) - 1
        stamps = dates.to_numpy().astype("datetime64[ns]")
        out = pd.DataFrame(
            {
                "dyad": pd.Categorical(
                    [label] * len(positions), categories=pd.Index(categories, dtype=object)
                ),
                "date": stamps[where],
                "before": means[:-1],
                "after": means[1:],
                "change": means[1:] - means[:-1],
                "before_start": stamps[previous],
                "after_end": stamps[following],
            }
        )
    source = result.attrs.get("tensionindex", {})
    out.attrs["tensionindex"] = {
        **(dict(source) if isinstance(source, dict) else {}),
        "changepoints": {
            "dyad": label,
            "column": column,
            "method": method,
            "penalty": beta,
            "min_size": size,
            "n_days": n,
        },
    }
    return out
