"""The index in one call: the public functions over :class:`~tensionindex.ScoredEvents`.

Each function here scores the events once (:func:`tensionindex.score`) and
asks one question of them: the common case of a notebook.  To ask several
questions of the same events, score them once and call the methods of the
:class:`~tensionindex.ScoredEvents` (``scored.index()``, ``scored.explain()``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from tensionindex._types import Normalize
from tensionindex.config import IndexConfig
from tensionindex.params import DateLike, Dates, Dyads, validate_params
from tensionindex.scored import NORMALIZE, RANGE, GroupedTension, score

__all__ = ["contributions", "explain", "grouped_tension", "stability_index", "vintages"]


@validate_params({**RANGE, **NORMALIZE, "as_of": [Dates()]})
def stability_index(
    events: pd.DataFrame | Sequence[Mapping[str, Any]],
    config: IndexConfig | None = None,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    dyads: Sequence[str] | str | None = None,
    coverage: pd.Series | Iterable[DateLike] | None = None,
    normalize: Normalize = "logistic",
    baseline: int = 365,
    as_of: DateLike | None = None,
    freq: str | None = None,
    columns: Mapping[str, str] | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """Compute the daily bilateral stability index of every dyad.

    Parameters
    ----------
    events : pandas.DataFrame or list of dict
        Events as accepted by :func:`validate_events` (validated here).
    config : IndexConfig, optional
        The configuration; ``IndexConfig()`` (the ``goldstein`` profile) by default.
    start, end : date-like, optional
        First and last day of the output (default: the first and last event).
        Events before ``start`` still count through the kernel; events after
        ``end`` are ignored.
    dyads : str or list of str, optional
        Only these dyads ("CHN-USA", or "USA->CHN" when directed).  The grid's
        default bounds still come from all events.
    coverage : pandas.Series or collection of dates, optional
        The days the source was collecting: a Series of record counts indexed
        by date (as ``ReadReport.coverage`` from the readers gives) or just the
        dates.  The result then gains a boolean ``covered`` column: a day
        without records is unmonitored, not calm.  Record counts are also the
        denominators of ``aggregation="share"``.
    normalize : {"logistic", "zscore", "percentile"}, default "logistic"
        What the ``stability`` column holds.  ``"logistic"``: 100 / (1 +
        exp(T / scale)), 0..100.  ``"zscore"``: minus the z-score of the
        tension against the dyad's own trailing ``baseline`` days (the days
        before, not the day itself; NaN until 30 days of baseline exist or
        where the baseline is constant); 0 is the dyad's normal, +2 unusually
        calm, -2 unusually tense.  ``"percentile"``: 100 times the share of the
        dyad's days so far (from the grid's start) whose tension was at least
        today's: 100 = calmest day yet.  Both compare dyads with very
        different volumes of events, and neither looks ahead.
    baseline : int, default 365
        Length in days of the trailing baseline of ``normalize="zscore"``.
    as_of : date-like, optional
        Use only events reported on or before this date (the events need a
        ``reported`` column): what the index read at the time.  See
        :func:`vintages`.
    freq : {"W", "MS", "QS", "YS"}, optional
        One row per dyad and week, month, quarter or year instead of per day
        (see :meth:`ScoredEvents.index`).
    columns : mapping of str to str, optional
        Your column names mapped to canonical ones, e.g. ``{"when": "date",
        "from": "actor1", "to": "actor2"}`` (see :func:`validate_events`).
    **overrides
        Configuration fields to change for this call, e.g. ``half_life=14``,
        ``kernel="window"``, ``weights={"water_cannon": 12.0}``, ``directed=True``.

    Returns
    -------
    pandas.DataFrame
        One row per dyad and day, sorted by dyad then date, with columns
        ``dyad``, ``date``, ``events`` (count that day), ``signal`` (x_d(t),
        after the configuration's daily aggregation), ``tension`` (T_d(t)) and
        ``stability`` (S_d(t), 0..100, 50 when T = 0, higher is more stable),
        then ``covered`` when ``coverage`` is given.
        ``result.attrs["tensionindex"]`` holds the configuration as a dict and
        its fingerprint.

    Raises
    ------
    EventValidationError
        For invalid events, dates or dyads.
    ConfigurationError
        For an invalid configuration or an unknown override.

    Notes
    -----
    The one-line path for ``score(events, config, coverage=coverage,
    as_of=as_of, columns=columns, **overrides).index(start=start, end=end,
    dyads=dyads, normalize=normalize, baseline=baseline)``: to ask several
    questions of the same events, :func:`score` them once.

    See Also
    --------
    score : validate and prepare events once, for many queries.
    explain : the events behind one value.
    contributions : tension split by category.

    Examples
    --------
    >>> import tensionindex as ti
    >>> events = [
    ...     {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL",
    ...      "event_type": "water_cannon"},
    ...     {"date": "2024-03-04", "actor1": "PHL", "actor2": "CHN",
    ...      "event_type": "critical_statement"},
    ... ]
    >>> ti.stability_index(events, half_life=2).iloc[:, :6]
          dyad       date  events  signal   tension  stability
    0  CHN-PHL 2024-03-01       1     7.0  7.000000  33.181223
    1  CHN-PHL 2024-03-02       0     0.0  4.949747  37.872235
    2  CHN-PHL 2024-03-03       0     0.0  3.500000  41.338242
    3  CHN-PHL 2024-03-04       1     2.0  4.474874  38.995833
    """
    scored = score(events, config, coverage=coverage, as_of=as_of, columns=columns, **overrides)
    return scored.index(
        start=start, end=end, dyads=dyads, normalize=normalize, baseline=baseline, freq=freq
    )


@validate_params(RANGE)
def contributions(
    events: pd.DataFrame | Sequence[Mapping[str, Any]],
    config: IndexConfig | None = None,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    dyads: Sequence[str] | str | None = None,
    coverage: pd.Series | Iterable[DateLike] | None = None,
    columns: Mapping[str, str] | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """Daily tension of each dyad split by event category.

    Parameters are those of :func:`stability_index` (``coverage`` serves only
    as the denominators of ``aggregation="share"`` here).

    Returns
    -------
    pandas.DataFrame
        Columns ``dyad``, ``date``, one column per category present in the
        events (in the catalogue's order) holding that category's part of the
        tension, and ``tension``, their sum (equal to
        :func:`stability_index`'s ``tension`` up to rounding).

    Examples
    --------
    >>> import tensionindex as ti
    >>> events = [
    ...     {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL",
    ...      "event_type": "water_cannon"},
    ...     {"date": "2024-03-02", "actor1": "PHL", "actor2": "CHN",
    ...      "event_type": "dialogue_resumed"},
    ... ]
    >>> ti.contributions(events, half_life=1)
          dyad       date  dialogue  gray_zone  tension
    0  CHN-PHL 2024-03-01       0.0        7.0      7.0
    1  CHN-PHL 2024-03-02      -7.0        3.5     -3.5
    """
    scored = score(events, config, coverage=coverage, columns=columns, **overrides)
    return scored.contributions(start=start, end=end, dyads=dyads)


@validate_params({"dyads": [Dyads()]})
def vintages(
    events: pd.DataFrame | Sequence[Mapping[str, Any]],
    dates: Iterable[DateLike],
    config: IndexConfig | None = None,
    *,
    dyads: Sequence[str] | str | None = None,
    columns: Mapping[str, str] | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """What the index read on each of ``dates``, using only the events known then.

    For each vintage date D the index is computed from the events reported on
    or before D (the events need a ``reported`` column) and read on day D
    itself, so late-reported events show up in later vintages only: the
    series analysts and backtests saw in real time.  ``columns`` renames your
    columns as in :func:`validate_events`.

    Returns
    -------
    pandas.DataFrame
        Columns ``vintage`` (the date D), ``dyad``, ``events_known`` (events
        of the dyad reported by D), ``tension`` and ``stability`` on day D.

    Examples
    --------
    >>> import tensionindex as ti
    >>> events = [
    ...     {"date": "2024-03-01", "reported": "2024-03-01", "actor1": "CHN", "actor2": "PHL",
    ...      "event_type": "water_cannon"},
    ...     {"date": "2024-03-02", "reported": "2024-03-05", "actor1": "CHN", "actor2": "PHL",
    ...      "event_type": "ramming"},
    ... ]
    >>> ti.vintages(events, ["2024-03-03", "2024-03-06"], half_life=1)
         vintage     dyad  events_known  tension  stability
    0 2024-03-03  CHN-PHL             1  1.75000  45.636131
    1 2024-03-06  CHN-PHL             2  0.79375  48.016666
    """
    return score(events, config, columns=columns, **overrides).vintages(dates, dyads=dyads)


@validate_params({"date": [Dates(optional=False)]})
def explain(
    events: pd.DataFrame | Sequence[Mapping[str, Any]],
    dyad: str,
    date: DateLike,
    config: IndexConfig | None = None,
    *,
    coverage: pd.Series | Iterable[DateLike] | None = None,
    columns: Mapping[str, str] | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """The events behind the tension of one dyad on one day, and how much each adds.

    The tension is T = sum_i s_i * g_i * K(date - t_i) over the dyad's events on
    or before ``date`` (g_i is the daily aggregation factor: 1 under the
    default ``aggregation="sum"``); each row is one term of that sum.

    The one-line path for ``score(events, config, coverage=coverage,
    columns=columns, **overrides).explain(dyad, date)``.

    Parameters
    ----------
    events : pandas.DataFrame or list of dict
        Events as accepted by :func:`validate_events`.
    dyad : str
        "CHN-USA" (undirected; order and country names such as "China" are
        accepted) or "USA->CHN" when ``directed=True``.
    date : date-like
        The day whose tension to explain.
    config : IndexConfig, optional
        The configuration; ``IndexConfig()`` by default.
    coverage : pandas.Series or collection of dates, optional
        Records of the source per day, the denominators of
        ``aggregation="share"``, as in :func:`stability_index`.
    columns : mapping of str to str, optional
        Your column names mapped to canonical ones, e.g. ``{"when": "date"}``
        (see :func:`validate_events`).
    **overrides
        Configuration fields to change for this call, as in :func:`stability_index`.

    Returns
    -------
    pandas.DataFrame
        One row per contributing event, sorted by absolute contribution
        (largest first), with columns ``date``, ``actor1``, ``actor2``,
        ``event_type``, ``label``, ``category``, ``weight``,
        ``category_multiplier``, ``intensity``, ``confidence``, ``signal``
        (s_i), ``aggregation`` (g_i), ``age_days``, ``decay`` (K),
        ``contribution`` (s_i * g_i * K), then
        the pass-through columns present (``event_id``, ``source``, ``url``,
        ``description``).  The contributions sum to the tension;
        ``result.attrs["tensionindex"]`` holds ``dyad``, ``date``,
        ``tension``, ``stability``, the configuration as a dict, its
        fingerprint and the library version.

    Examples
    --------
    >>> import tensionindex as ti
    >>> events = [
    ...     {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon",
    ...      "event_id": "a"},
    ...     {"date": "2024-03-31", "actor1": "PHL", "actor2": "CHN",
    ...      "event_type": "critical_statement", "event_id": "b"},
    ... ]
    >>> why = ti.explain(events, "PHL-CHN", "2024-03-31")
    >>> why[["event_id", "event_type", "signal", "decay", "contribution"]]
      event_id          event_type  signal  decay  contribution
    0        a        water_cannon     7.0    0.5           3.5
    1        b  critical_statement     2.0    1.0           2.0
    >>> why.attrs["tensionindex"]["tension"]
    5.5
    """
    scored = score(events, config, coverage=coverage, columns=columns, **overrides)
    return scored.explain(dyad, date)


@validate_params(RANGE)
def grouped_tension(
    events: pd.DataFrame | Sequence[Mapping[str, Any]],
    config: IndexConfig | None = None,
    *,
    by: str = "event_type",
    per_unit_weight: bool = False,
    start: DateLike | None = None,
    end: DateLike | None = None,
    dyads: Sequence[str] | str | None = None,
    coverage: pd.Series | Iterable[DateLike] | None = None,
    columns: Mapping[str, str] | None = None,
    **overrides: Any,
) -> GroupedTension:
    """Tension of every dyad and day, split by ``event_type`` or ``category``.

    The one-line path for ``score(events, ...).grouped(...)``; see
    :meth:`ScoredEvents.grouped`.
    """
    scored = score(events, config, coverage=coverage, columns=columns, **overrides)
    return scored.grouped(by=by, per_unit_weight=per_unit_weight, start=start, end=end, dyads=dyads)
