"""How sure is the index of its weights: Monte Carlo bands and exact weight influence.

The tension of dyad d on day t is exactly linear in the event-type weights,

    T_d(t) = sum_k w_k U_k,d(t),

where U_k,d(t) is the tension that type k's events would give with weight 1
(their category multipliers, intensities, confidences, aggregation factors and
decay included).  :func:`tensionindex.index.grouped_tension` computes every
U_k once, so that a thousand sets of weights cost one matrix product rather
than a thousand runs of the index, and the partial derivative dT/dw_k is U_k
itself, exactly.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeGuard

import numpy as np
import pandas as pd

from tensionindex.config import IndexConfig
from tensionindex.engine import stability_from_tension
from tensionindex.engine import stamp as _index_stamp
from tensionindex.exceptions import ConfigurationError, EventValidationError
from tensionindex.index import grouped_tension
from tensionindex.params import DateLike, day_of
from tensionindex.scored import GroupedTension

__all__ = ["sensitivity", "weight_influence"]

#: Largest block of draws x cells held in memory at once (32 MB of float64).
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


def _fail(function: str, name: str, expected: str, value: object) -> ConfigurationError:
    if isinstance(value, np.generic):
        value = value.item()
    return ConfigurationError(
        f"The {name!r} parameter of {function} must be {expected}. Got {value!r} instead."
    )


def _real(value: object) -> TypeGuard[numbers.Real]:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _check_spread(spread: object) -> float:
    if not _real(spread) or not 0 <= float(spread) <= 1:
        raise _fail("sensitivity", "spread", "a number from 0 to 1", spread)
    return float(spread)


def _check_draws(draws: object) -> int:
    if isinstance(draws, bool | np.bool_) or not isinstance(draws, numbers.Integral):
        raise _fail("sensitivity", "draws", "an integer >= 1", draws)
    if int(draws) < 1:
        raise _fail("sensitivity", "draws", "an integer >= 1", draws)
    return int(draws)


def _check_quantiles(quantiles: object) -> tuple[float, ...]:
    expected = "a non-empty sequence of distinct numbers from 0 to 1"
    if isinstance(quantiles, str) or not isinstance(quantiles, Iterable):
        raise _fail("sensitivity", "quantiles", expected, quantiles)
    values = list(quantiles)
    if not values or not all(_real(q) and 0 <= float(q) <= 1 for q in values):
        raise _fail("sensitivity", "quantiles", expected, quantiles)
    out = tuple(float(q) for q in values)
    names = [_quantile_name(q) for q in out]
    if len(set(names)) < len(names):
        raise _fail("sensitivity", "quantiles", expected, quantiles)
    return out


def _check_seed(seed: object) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if (
        isinstance(seed, numbers.Integral)
        and not isinstance(seed, bool | np.bool_)
        and int(seed) >= 0
    ):
        return np.random.default_rng(int(seed))
    raise _fail("sensitivity", "seed", "an integer >= 0, a numpy Generator or None", seed)


def _quantile_name(q: float) -> str:
    """Column suffix of a quantile: 0.05 -> 'q05', 0.5 -> 'q50', 0.025 -> 'q02_5', 1 -> 'q100'."""
    percent = round(q * 100, 10)
    whole = math.floor(percent)
    rest = f"{percent - whole:.10f}".rstrip("0").rstrip(".").removeprefix("0.")
    return f"q{whole:02d}" + (f"_{rest}" if rest and rest != "0" else "")


def _stamp(frame: pd.DataFrame, config: IndexConfig, **extra: Any) -> pd.DataFrame:
    """The index's provenance (configuration, fingerprint, version), after ``extra``."""
    stamped = _index_stamp(frame, config)
    stamped.attrs["tensionindex"] = {**extra, **stamped.attrs["tensionindex"]}
    return stamped


def sensitivity(
    events: pd.DataFrame | Sequence[Mapping[str, Any]],
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
    draws come from one computation of the per-unit tensions ``U_k`` and a
    matrix product, in blocks of at most about four million values.

    Parameters
    ----------
    events : pandas.DataFrame or list of dict
        Events as accepted by :func:`tensionindex.validate_events`.
    config : IndexConfig, optional
        The central configuration; ``IndexConfig()`` by default.
    spread : float, default 0.25
        Largest relative change of a weight, from 0 (no uncertainty: every
        band equals the central value) to 1.
    draws : int, default 1000
        Number of sets of weights drawn (>= 1).
    seed : int, numpy.random.Generator or None, default 0
        Seed of the random draws: the same seed gives the same bands.
        ``None`` draws fresh entropy.
    quantiles : sequence of float, default (0.05, 0.5, 0.95)
        Quantiles of the draws to report, each from 0 to 1.
    start, end, dyads, coverage
        As in :func:`tensionindex.stability_index` (``coverage`` serves only
        as the denominators of ``aggregation="share"`` here).
    **overrides
        Configuration fields to change for this call, e.g. ``half_life=14``.

    Returns
    -------
    pandas.DataFrame
        One row per dyad and day, sorted by dyad then date, with columns
        ``dyad``, ``date``, ``tension`` and ``stability`` (the central
        configuration's values, equal to :func:`stability_index`'s up to
        rounding), then ``tension_qNN`` for each quantile (``tension_q05``,
        ``tension_q50``, ``tension_q95`` by default; ``q02_5`` for 0.025) and
        ``stability_qNN`` likewise.  Stability falls as tension rises, so its
        q-quantile is the logistic of the tension's (1 - q)-quantile, exactly.
        ``result.attrs["tensionindex"]`` holds the settings of the draws, the
        configuration and its fingerprint.

    Raises
    ------
    ConfigurationError
        If ``spread``, ``draws``, ``seed`` or ``quantiles`` is invalid, or for
        an invalid configuration.
    EventValidationError
        For invalid events, dates or dyads.

    See Also
    --------
    weight_influence : which weights move one value most.
    stability_index : the central values.

    Examples
    --------
    >>> from tensionindex.analysis.uncertainty import sensitivity
    >>> events = [
    ...     {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL",
    ...      "event_type": "water_cannon"},
    ...     {"date": "2024-03-02", "actor1": "PHL", "actor2": "CHN",
    ...      "event_type": "dialogue_resumed"},
    ... ]
    >>> bands = sensitivity(events, half_life=1, draws=200, quantiles=(0.05, 0.95))
    >>> bands[["tension", "tension_q05", "tension_q95"]].round(2)
       tension  tension_q05  tension_q95
    0      7.0         5.37         8.63
    1     -3.5        -5.52        -1.48
    """
    spread = _check_spread(spread)
    draws = _check_draws(draws)
    quantiles = _check_quantiles(quantiles)
    rng = _check_seed(seed)
    grouped = grouped_tension(
        events,
        config,
        per_unit_weight=True,
        start=start,
        end=end,
        dyads=dyads,
        coverage=coverage,
        **overrides,
    )
    cfg = grouped.config
    n_types, n_dyads, n_days = grouped.values.shape
    central = grouped.tension()
    # Tension quantiles needed: q for the tension, 1 - q for the stability.
    needed = sorted({*quantiles, *(1.0 - q for q in quantiles)})
    pairs = draws // 2
    # Relative changes of the weights, one row per mirrored pair of draws.
    u = rng.uniform(-1.0, 1.0, size=(pairs, n_types))
    steps = (spread * u) * grouped.weights  # change of each weight, per pair
    basis = grouped.values.reshape(n_types, n_dyads * n_days)
    n_cells = basis.shape[1]
    deviation_q = np.zeros((len(needed), n_cells))
    block = max(1, _BLOCK_FLOATS // draws)
    for first in range(0, n_cells, block):
        cells = slice(first, first + block)
        half = steps @ basis[:, cells]
        parts = [half, -half]
        if draws % 2:
            parts.append(np.zeros((1, half.shape[1])))
        # Quantiles of the exactly symmetric deviations: those at q <= 0.5 are <= 0
        # and those at q >= 0.5 are >= 0, so the central value is always in the band.
        deviation_q[:, cells] = np.quantile(np.concatenate(parts), needed, axis=0)
    flat_central = central.reshape(-1)
    tension_q = {q: flat_central + deviation_q[i] for i, q in enumerate(needed)}
    columns: dict[str, np.ndarray] = {
        "tension": flat_central,
        "stability": stability_from_tension(flat_central, cfg.scale),
    }
    for q in quantiles:
        columns[f"tension_{_quantile_name(q)}"] = tension_q[q]
    for q in quantiles:
        columns[f"stability_{_quantile_name(q)}"] = stability_from_tension(
            tension_q[1.0 - q], cfg.scale
        )
    frame = pd.DataFrame(
        {
            "dyad": pd.Categorical.from_codes(
                np.repeat(np.arange(n_dyads), n_days), categories=grouped.dyads
            ),
            "date": np.tile(grouped.dates, n_dyads),
            **columns,
        }
    )
    settings = {
        "distribution": "uniform factor 1 + spread * U(-1, 1), mirrored pairs",
        "spread": spread,
        "draws": draws,
        "seed": seed if seed is None or isinstance(seed, int) else repr(seed),
        "quantiles": list(quantiles),
    }
    return _stamp(frame, cfg, sensitivity=settings)


def _period(date: object) -> tuple[int, int]:
    """(first, last) day of ``date``: one date, or a (start, end) pair."""
    if isinstance(date, tuple | list):
        if len(date) != 2:
            raise EventValidationError(
                "The 'date' parameter of weight_influence must be a date or a (start, end) "
                f"pair of dates. Got {len(date)} values instead."
            )
        first, last = (
            day_of(date[0], "date", "weight_influence"),
            day_of(date[1], "date", "weight_influence"),
        )
        if last < first:
            raise EventValidationError(
                f"The period ({np.datetime64(first, 'D')}, {np.datetime64(last, 'D')}) of "
                "weight_influence ends before it starts; give (start, end) with start <= end."
            )
        return first, last
    day = day_of(date, "date", "weight_influence")
    return day, day


def weight_influence(
    events: pd.DataFrame | Sequence[Mapping[str, Any]],
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
    their derivatives.

    Parameters
    ----------
    events : pandas.DataFrame or list of dict
        Events as accepted by :func:`tensionindex.validate_events`.
    dyad : str
        "CHN-USA" (order and country names accepted) or "USA->CHN" when
        ``directed=True``.
    date : date-like or (date-like, date-like)
        The day, or a ``(start, end)`` period whose daily values are averaged.
        Events after it do not count (no look-ahead).
    config : IndexConfig, optional
        The configuration; ``IndexConfig()`` by default.
    coverage : pandas.Series or collection of dates, optional
        The denominators of ``aggregation="share"``, as in
        :func:`tensionindex.stability_index`.
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
    EventValidationError
        For invalid events, an unknown dyad or an invalid date or period.
    ConfigurationError
        For an invalid configuration.

    See Also
    --------
    sensitivity : bands over random sets of weights.
    explain : the events behind one value.

    Examples
    --------
    >>> from tensionindex.analysis.uncertainty import weight_influence
    >>> events = [
    ...     {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL",
    ...      "event_type": "water_cannon"},
    ...     {"date": "2024-03-31", "actor1": "PHL", "actor2": "CHN",
    ...      "event_type": "protest_lodged"},
    ... ]
    >>> table = weight_influence(events, "CHN-PHL", "2024-03-31")
    >>> table[["event_type", "weight", "d_tension", "d_stability", "elasticity"]].round(3)
           event_type  weight  d_tension  d_stability  elasticity
    0  protest_lodged     2.0        1.0        -2.32       0.364
    1    water_cannon     7.0        0.5        -1.16       0.636
    """
    if not isinstance(dyad, str):
        raise EventValidationError(
            f"The 'dyad' parameter of weight_influence must be one dyad such as 'CHN-USA'. "
            f"Got {dyad!r} instead."
        )
    first, last = _period(date)
    grouped = grouped_tension(
        events,
        config,
        per_unit_weight=True,
        start=np.datetime64(first, "D"),
        end=np.datetime64(last, "D"),
        dyads=dyad,
        coverage=coverage,
        **overrides,
    )
    cfg = grouped.config
    label = str(grouped.dyads[0])
    unit = grouped.values[:, 0, :]  # (n_types, n_days): U_k(t)
    tension = grouped.tension()[0]
    stability = stability_from_tension(tension, cfg.scale)
    slope = -stability * (100.0 - stability) / (100.0 * cfg.scale)  # dS/dT, each day
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
    return _stamp(_influence_table(grouped, d_tension, d_stability, mean_tension), cfg, **info)


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
