"""How sure is the index of its weights: Monte Carlo bands and exact weight influence.

The tension of dyad d on day t is exactly linear in the event-type weights,

    T_d(t) = sum_k w_k U_k,d(t),

where U_k,d(t) is the tension that type k's events would give with weight 1
(their category multipliers, intensities, confidences, aggregation factors and
decay included).  :meth:`ScoredEvents.grouped` computes every U_k once, so
that a thousand sets of weights cost one matrix product rather than a
thousand runs of the index, and the partial derivative dT/dw_k is U_k itself,
exactly.  Both analyses take scored events (:func:`tensionindex.score`), so
the events are validated and prepared once, whatever else is asked of them.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from tensionindex.config import IndexConfig
from tensionindex.engine import Grid, empty_frame, grid_frame, stability_from_tension, stamp
from tensionindex.params import (
    Constraint,
    DateLike,
    Dates,
    Dyads,
    Instance,
    Interval,
    day_of,
    invalid,
    validate_params,
)
from tensionindex.scored import RANGE, GroupedTension, ScoredEvents, as_scored

__all__ = [
    "INFLUENCE_COLUMNS",
    "INFLUENCE_PARAMETERS",
    "MAX_DRAWS",
    "SENSITIVITY_PARAMETERS",
    "sensitivity",
    "weight_influence",
]

#: Largest number of draws of :func:`sensitivity`: 100,000 sets of weights
#: already pin a 0.1 % quantile to a few hundredths of its spread.
MAX_DRAWS: Final[int] = 100_000

#: Largest block of cells x draws held in memory at once (32 MB of float64).
_BLOCK_FLOATS = 1 << 22

INFLUENCE_COLUMNS: tuple[str, ...] = (
    "event_type",
    "label",
    "category",
    "weight",
    "d_tension",
    "d_stability",
    "elasticity",
    "rank",
)


def _is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _quantile_name(q: float) -> str:
    """Column suffix of a quantile: 0.05 -> 'q05', 0.5 -> 'q50', 0.025 -> 'q02_5', 1 -> 'q100'."""
    percent = round(q * 100, 10)
    whole = math.floor(percent)
    rest = f"{percent - whole:.10f}".rstrip("0").rstrip(".").removeprefix("0.")
    return f"q{whole:02d}" + (f"_{rest}" if rest and rest != "0" else "")


@dataclass(frozen=True)
class Quantiles(Constraint):
    """A non-empty sequence of distinct quantiles, each from 0 to 1.

    Distinct means distinct column names: 0.05 and 0.0500000000001 would both
    be ``q05``.

    Examples
    --------
    >>> Quantiles().accepts((0.05, 0.95)), Quantiles().accepts((0.1, 0.1))
    (True, False)
    """

    def accepts(self, value: object) -> bool:
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            return False
        values = list(value)
        if not values or not all(_is_real(q) and 0 <= float(q) <= 1 for q in values):
            return False
        names = [_quantile_name(float(q)) for q in values]
        return len(set(names)) == len(names)

    def describe(self) -> str:
        return "a non-empty sequence of distinct numbers from 0 to 1"

    def invalid_example(self) -> object:
        return (0.5, 1.5)


@dataclass(frozen=True)
class Period(Constraint):
    """A ``(start, end)`` pair of dates (a tuple or a list of two)."""

    def accepts(self, value: object) -> bool:
        return (
            isinstance(value, tuple | list)
            and len(value) == 2
            and all(Dates(optional=False).accepts(v) for v in value)
        )

    def describe(self) -> str:
        return "a (start, end) pair of dates"

    def invalid_example(self) -> object:
        return ("2024-03-01", "2024-03-02", "2024-03-03")


_CONFIG: list[Constraint] = [Instance((IndexConfig, None), "an IndexConfig or None")]

#: The parameters of :func:`sensitivity` and what each accepts.
SENSITIVITY_PARAMETERS: dict[str, list[Constraint]] = {
    "config": _CONFIG,
    "spread": [Interval(float, 0, 1)],
    "draws": [Interval(int, 1, MAX_DRAWS)],
    "seed": [
        Interval(int, 0, None),
        Instance((np.random.Generator, None), "a numpy Generator or None"),
    ],
    "quantiles": [Quantiles()],
    **RANGE,
}

#: The parameters of :func:`weight_influence` and what each accepts.
INFLUENCE_PARAMETERS: dict[str, list[Constraint]] = {
    "dyad": [Dyads(optional=False, several=False)],
    "date": [Dates(optional=False), Period()],
    "config": _CONFIG,
}


@validate_params(SENSITIVITY_PARAMETERS, name="sensitivity")
def sensitivity(
    scored: ScoredEvents | pd.DataFrame | Sequence[Mapping[str, Any]],
    config: IndexConfig | None = None,
    *,
    spread: float = 0.25,
    draws: int = 1000,
    seed: int | np.random.Generator | None = 0,
    quantiles: Sequence[float] = (0.05, 0.5, 0.95),
    start: DateLike | None = None,
    end: DateLike | None = None,
    dyads: Sequence[str] | str | None = None,
    coverage: pd.Series | Iterable[DateLike] | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """Bands of tension and stability when every event-type weight is uncertain.

    Each draw multiplies the weight of every event type present by its own
    independent factor ``1 + spread * u_k``, with ``u_k`` uniform on
    [-1, 1]: with the default ``spread=0.25`` each weight varies by up to
    ±25 % of its value.  A factor is never negative, so no weight changes
    sign (at ``spread=1`` a weight can shrink to 0).  One draw is one set of
    weights, shared by every dyad and day.  Draws come in mirrored pairs
    (``u`` and ``-u``; one extra draw with ``u = 0`` when ``draws`` is odd),
    so the central configuration's value is exactly the median of the draws
    and lies inside every band whose lower quantile is at most 0.5 and whose
    upper quantile is at least 0.5.

    Since the tension is linear in the weights, ``T = sum_k w_k U_k``, all
    draws come from one computation of the per-unit tensions ``U_k``
    (:meth:`ScoredEvents.grouped`) and a matrix product, in blocks of at most
    about four million values.  The mirrored pairs halve the work: the draws
    of a cell are ``±d`` for the deviations ``d`` of one half, so their
    quantiles come from the sorted ``|d|``.

    Parameters
    ----------
    scored : ScoredEvents, pandas.DataFrame or list of dict
        Events scored once with :func:`tensionindex.score`; raw events are
        scored here.
    config : IndexConfig, optional
        Another central configuration for this call (default: the scored
        events').
    spread : float, default 0.25
        Largest relative change of a weight, from 0 (no uncertainty: every
        band equals the central value) to 1.
    draws : int, default 1000
        Number of sets of weights drawn, from 1 to 100,000 (:data:`MAX_DRAWS`).
    seed : int, numpy.random.Generator or None, default 0
        Seed of the random draws: the same seed gives the same bands.
        ``None`` draws fresh entropy.
    quantiles : sequence of float, default (0.05, 0.5, 0.95)
        Quantiles of the draws to report, each from 0 to 1.
    start, end, dyads
        As in :meth:`ScoredEvents.index`.
    coverage : pandas.Series or collection of dates, optional
        Only with raw events, as in :func:`tensionindex.score` (the
        denominators of ``aggregation="share"``); scored events carry theirs.
    **overrides
        Configuration fields to change for this call, e.g. ``half_life=14``.

    Returns
    -------
    pandas.DataFrame
        One row per dyad and day, sorted by dyad then date, with columns
        ``dyad``, ``date``, ``tension`` and ``stability`` (the central
        configuration's values, equal to :meth:`ScoredEvents.index`'s up to
        rounding), then ``tension_qNN`` for each quantile (``tension_q05``,
        ``tension_q50``, ``tension_q95`` by default; ``q02_5`` for 0.025) and
        ``stability_qNN`` likewise.  Stability falls as tension rises, so its
        q-quantile is the logistic of the tension's (1 - q)-quantile, exactly.
        ``result.attrs["tensionindex"]`` holds the settings of the draws, the
        configuration and its fingerprint.

    Raises
    ------
    InvalidParameterError
        If ``spread``, ``draws``, ``seed``, ``quantiles``, ``start``, ``end``
        or ``dyads`` is invalid.
    ConfigurationError
        For an invalid configuration.
    EventValidationError
        For invalid raw events or a dyad without events.

    See Also
    --------
    weight_influence : which weights move one value most.
    ScoredEvents.index : the central values.

    Examples
    --------
    >>> import tensionindex as ti
    >>> scored = ti.score([
    ...     {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL",
    ...      "event_type": "water_cannon"},
    ...     {"date": "2024-03-02", "actor1": "PHL", "actor2": "CHN",
    ...      "event_type": "dialogue_resumed"},
    ... ], half_life=1)
    >>> bands = ti.sensitivity(scored, draws=200, quantiles=(0.05, 0.95))
    >>> bands[["tension", "tension_q05", "tension_q95"]].round(2)
       tension  tension_q05  tension_q95
    0      7.0         5.37         8.63
    1     -3.5        -5.52        -1.48
    """
    levels = tuple(float(q) for q in quantiles)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    data = as_scored(scored, config, overrides, coverage=coverage)
    grouped = data.grouped(per_unit_weight=True, start=start, end=end, dyads=dyads)
    cfg = grouped.config
    n_types, n_dyads, n_days = grouped.values.shape
    # Tension quantiles needed: q for the tension, 1 - q for the stability.
    needed = sorted({*levels, *(1.0 - q for q in levels)})
    # Relative changes of the weights, one row per mirrored pair of draws.
    u = rng.uniform(-1.0, 1.0, size=(draws // 2, n_types))
    steps = (spread * u) * grouped.weights  # change of each weight, per pair
    basis = grouped.values.reshape(n_types, n_dyads * n_days)
    deviation = _deviation_quantiles(basis, steps, draws, needed)
    central = grouped.tension()
    tension_q = {q: central + deviation[i].reshape(central.shape) for i, q in enumerate(needed)}
    columns: dict[str, np.ndarray] = {
        "tension": central,
        "stability": stability_from_tension(central, grouped.scale),
    }
    for q in levels:
        columns[f"tension_{_quantile_name(q)}"] = tension_q[q]
    for q in levels:
        columns[f"stability_{_quantile_name(q)}"] = stability_from_tension(
            tension_q[1.0 - q], grouped.scale
        )
    settings = {
        "distribution": "uniform factor 1 + spread * U(-1, 1), mirrored pairs",
        "spread": float(spread),
        "draws": int(draws),
        "seed": seed if seed is None or isinstance(seed, int) else repr(seed),
        "quantiles": list(levels),
    }
    if central.size == 0:
        frame = empty_frame(list(columns), grouped.dyads)
    else:
        first_day = int(grouped.dates[0].astype("datetime64[D]").astype(np.int64))
        frame = grid_frame(grouped.dyads, Grid(first_day, n_days), columns)
    return stamp(frame, cfg, sensitivity=settings)


def _deviation_quantiles(
    basis: np.ndarray, steps: np.ndarray, draws: int, needed: Sequence[float]
) -> np.ndarray:
    """Quantiles ``needed`` of each cell's deviations from the central tension, over the draws.

    ``basis`` is ``(n_types, n_cells)``, ``steps`` ``(pairs, n_types)``; the
    draws of a cell are ``d``, ``-d`` (``d = steps @ basis[:, cell]``) and a 0
    when ``draws`` is odd.  Such a set sorts as ``-a[::-1], (0), a`` for ``a``
    the sorted ``|d|``, so one sort of ``pairs`` values per cell gives every
    order statistic, and numpy's "linear" quantile is applied to them
    (exactly as :func:`numpy.quantile` would on the full set of draws).
    """
    n_cells = basis.shape[1]
    pairs = steps.shape[0]
    out = np.zeros((len(needed), n_cells))
    if pairs == 0 or n_cells == 0:
        return out  # one draw, the central one: no deviation
    odd = draws % 2
    # numpy's "linear" method: position (n - 1) q among the sorted draws.
    virtual = (draws - 1) * np.asarray(needed, dtype=float)
    below = np.floor(virtual).astype(np.intp)
    above = below + 1
    top = virtual >= draws - 1
    below[top] = above[top] = draws - 1
    gamma = virtual - np.where(top, -1, below)

    def order_statistic(size: np.ndarray, position: int) -> np.ndarray | float:
        """The ``position``-th smallest draw, from the sorted ``|d|`` of each cell."""
        if position < pairs:
            return -size[:, pairs - 1 - position]
        if position < pairs + odd:
            return 0.0
        return size[:, position - pairs - odd]

    block = max(1, _BLOCK_FLOATS // pairs)
    for first in range(0, n_cells, block):
        cells = slice(first, first + block)
        # (cells, pairs), C-ordered: each cell's deviations are one contiguous row to sort.
        size = basis[:, cells].T @ steps.T
        np.abs(size, out=size)
        size.sort(axis=1)
        for i in range(len(needed)):
            low = order_statistic(size, int(below[i]))
            high = order_statistic(size, int(above[i]))
            t = float(gamma[i])
            diff = np.subtract(high, low)
            # numpy's _lerp: from the nearer end, so that t = 0 and t = 1 are exact.
            out[i, cells] = high - diff * (1 - t) if t >= 0.5 else low + diff * t
    return out


def _period(date: DateLike | tuple[DateLike, DateLike]) -> tuple[int, int]:
    """(first, last) day of ``date``: one date, or a (start, end) pair (already checked)."""
    if isinstance(date, tuple | list):
        first = day_of(date[0], "date", "weight_influence")
        last = day_of(date[1], "date", "weight_influence")
        if last < first:
            raise invalid("weight_influence", "date", "a (start, end) pair with start <= end", date)
        return first, last
    day = day_of(date, "date", "weight_influence")
    return day, day


@validate_params(INFLUENCE_PARAMETERS, name="weight_influence")
def weight_influence(
    scored: ScoredEvents | pd.DataFrame | Sequence[Mapping[str, Any]],
    dyad: str,
    date: DateLike | tuple[DateLike, DateLike],
    config: IndexConfig | None = None,
    *,
    coverage: pd.Series | Iterable[DateLike] | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """Which event-type weights move one dyad's index most: exact partial derivatives.

    Since ``T = sum_k w_k U_k``, the derivative of the tension with respect to
    the weight of type k is the tension its events give per unit weight,
    ``dT/dw_k = U_k``, exactly, and that of the stability follows by the
    chain rule, ``dS/dw_k = S'(T) U_k`` with
    ``S'(T) = -S (100 - S) / (100 * scale)``.  Over a period the tension and
    the stability are averaged over its days (both ends included), and so are
    their derivatives.  Only the dyad's events are read (unless ``config`` or
    ``overrides`` ask for the events to be scored again).

    Parameters
    ----------
    scored : ScoredEvents, pandas.DataFrame or list of dict
        Events scored once with :func:`tensionindex.score`; raw events are
        scored here.
    dyad : str
        "CHN-USA" (order and country names accepted) or "USA->CHN" when
        ``directed=True``.
    date : date-like or (date-like, date-like)
        The day, or a ``(start, end)`` period whose daily values are averaged.
        Events after it do not count (no look-ahead).
    config : IndexConfig, optional
        Another configuration for this call (default: the scored events').
    coverage : pandas.Series or collection of dates, optional
        Only with raw events, as in :func:`tensionindex.score` (the
        denominators of ``aggregation="share"``).
    **overrides
        Configuration fields to change for this call, e.g. ``half_life=14``.

    Returns
    -------
    pandas.DataFrame
        One row per event type whose events reach the dyad's tension on that
        day (or on some day of the period), ranked by the absolute effect of a
        change of its weight on the stability, with columns ``event_type``,
        ``label``, ``category``, ``weight`` (in force), ``d_tension`` (dT/dw,
        tension points per weight point), ``d_stability`` (dS/dw),
        ``elasticity`` (``weight * d_tension / tension``: the type's share of
        the tension, summing to 1 over the rows; NaN when the tension is 0) and
        ``rank`` (1 = largest ``|d_stability|``).  ``result.attrs
        ["tensionindex"]`` holds the dyad, the dates, the (mean) tension and
        stability, the configuration and its fingerprint.  Empty when no event
        of the dyad reaches the period.

    Raises
    ------
    InvalidParameterError
        For an invalid dyad, date or period (one that ends before it starts).
    EventValidationError
        For invalid raw events or a dyad without events.
    ConfigurationError
        For an invalid configuration.

    See Also
    --------
    sensitivity : bands over random sets of weights.
    ScoredEvents.explain : the events behind one value.

    Examples
    --------
    >>> import tensionindex as ti
    >>> scored = ti.score([
    ...     {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL",
    ...      "event_type": "water_cannon"},
    ...     {"date": "2024-03-31", "actor1": "PHL", "actor2": "CHN",
    ...      "event_type": "protest_lodged"},
    ... ])
    >>> table = ti.weight_influence(scored, "CHN-PHL", "2024-03-31")
    >>> table[["event_type", "weight", "d_tension", "d_stability", "elasticity"]].round(3)
           event_type  weight  d_tension  d_stability  elasticity
    0  protest_lodged     2.0        1.0        -2.32       0.364
    1    water_cannon     7.0        0.5        -1.16       0.636
    """
    first, last = _period(date)
    data = as_scored(scored, config, overrides, coverage=coverage)
    grouped = data.grouped(
        per_unit_weight=True,
        start=np.datetime64(first, "D"),
        end=np.datetime64(last, "D"),
        dyads=dyad,
    )
    cfg = grouped.config
    label = str(grouped.dyads[0])
    unit = grouped.values[:, 0, :]  # (n_types, n_days): U_k(t)
    tension = grouped.tension()[0]
    stability = stability_from_tension(tension, grouped.scale)
    slope = -stability * (100.0 - stability) / (100.0 * grouped.scale)  # dS/dT, each day
    d_tension = unit.mean(axis=1)
    d_stability = (unit * slope).mean(axis=1)
    mean_tension = float(tension.mean())
    when: dict[str, str] = (
        {"date": str(np.datetime64(first, "D"))}
        if first == last
        else {"start": str(np.datetime64(first, "D")), "end": str(np.datetime64(last, "D"))}
    )
    info = {
        "dyad": label,
        **when,
        "tension": mean_tension,
        "stability": float(stability.mean()),
    }
    return stamp(_influence_table(grouped, d_tension, d_stability, mean_tension), cfg, **info)


def _influence_table(
    grouped: GroupedTension,
    d_tension: np.ndarray,
    d_stability: np.ndarray,
    tension: float,
) -> pd.DataFrame:
    reach = np.flatnonzero(np.any(grouped.values[:, 0, :] != 0, axis=1))
    names = [grouped.groups[k] for k in reach]
    resolved = grouped.config.resolve(names)
    weight = grouped.weights[reach]
    slope_t, slope_s = d_tension[reach], d_stability[reach]
    elasticity = weight * slope_t / tension if tension != 0 else np.full(len(reach), np.nan)
    # Largest |dS/dw| first; ties by |dT/dw|, then by name, so the order is stable.
    order = sorted(range(len(reach)), key=lambda i: (-abs(slope_s[i]), -abs(slope_t[i]), names[i]))
    frame = pd.DataFrame(
        {
            "event_type": pd.array([names[i] for i in order], dtype=object),
            "label": pd.array([resolved.label[i] for i in order], dtype=object),
            "category": pd.array([resolved.category[i] for i in order], dtype=object),
            "weight": weight[order],
            "d_tension": slope_t[order],
            "d_stability": slope_s[order],
            "elasticity": np.asarray(elasticity, dtype=float)[order],
            "rank": np.arange(1, len(order) + 1, dtype=np.int64),
        },
        columns=list(INFLUENCE_COLUMNS),
    )
    return frame
