"""Alerts: threshold crossings and sharp drops of the index, with the events behind them.

An alert compares the stability on two days, ``start`` and ``date``, and its
drivers come from the exact attribution of the change of tension between them:
each event's contribution (the terms of :meth:`ScoredEvents.explain`) on
``date`` minus its contribution on ``start``.  These changes sum to
T(date) - T(start): a new event adds its whole contribution, an old one its
decay (negative for a past conflictual event, positive for a fading
cooperative one).

Everything runs on arrays: the index is computed once
(:meth:`ScoredEvents.index_grid`), crossings and drops are found on its
``(n_dyads, n_days)`` stability grid, and the attribution of every alert of a
dyad reads only that dyad's events.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd
from scipy.ndimage import maximum_filter1d

from tensionindex._types import Normalize
from tensionindex.config import IndexConfig
from tensionindex.engine import empty_frame, stamp
from tensionindex.exceptions import InvalidParameterError
from tensionindex.kernels import Kernel
from tensionindex.params import (
    DateLike,
    Dates,
    Dyads,
    Instance,
    Interval,
    validate_params,
)
from tensionindex.scored import NORMALIZE, IndexGrid, ScoredEvents, as_scored

__all__ = ["ALERT_COLUMNS", "ALERT_KINDS", "AlertKind", "alerts"]

AlertKind: TypeAlias = Literal["crossing", "drop"]
ALERT_KINDS: tuple[AlertKind, ...] = ("crossing", "drop")

ALERT_COLUMNS: tuple[str, ...] = (
    "dyad",
    "date",
    "kind",
    "start",
    "size",
    "stability",
    "tension_change",
    "drivers",
    "driver_rows",
    "event_ids",
)

#: The parameters of :func:`alerts` and what each accepts.
ALERTS_PARAMETERS: dict[str, list[Any]] = {
    "config": [Instance((IndexConfig, None), "an IndexConfig or None")],
    "dyads": [Dyads()],
    "below": [Interval(float, None, None), Instance((None,), "None")],
    "drop": [Interval(float, 0, None, closed="neither"), Instance((None,), "None")],
    "within_days": [Interval(int, 1, None)],
    "top": [Interval(int, 1, None)],
    "start": [Dates()],
    "end": [Dates()],
    **NORMALIZE,
}

_NEGLIGIBLE = 0.01  # drivers add at least this share of the total rise of tension
_BLOCK = 1 << 21  # largest (alerts x events) block of the attribution held at once
_CHUNK = 32  # alerts attributed together (they share the events up to their last date)


@dataclass(frozen=True)
class _Found:
    """Alerts found on the grid: row of the dyad, columns (days) of ``date`` and ``start``."""

    row: np.ndarray
    date: np.ndarray
    start: np.ndarray
    kind: np.ndarray  # 0 crossing, 1 drop

    @classmethod
    def none(cls) -> _Found:
        """No alerts."""
        empty = np.zeros(0, np.intp)
        return cls(empty, empty, empty, np.zeros(0, np.int8))

    @classmethod
    def join(cls, parts: Sequence[_Found]) -> _Found:
        """The alerts of all ``parts``."""
        row, date, start, kind = (
            np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)
        )
        return cls(row, date, start, kind)

    def take(self, order: np.ndarray) -> _Found:
        """The alerts in ``order``."""
        return _Found(self.row[order], self.date[order], self.start[order], self.kind[order])


def _present(stability: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of every finite value, row by row (days without a value are skipped)."""
    rows, cols = np.nonzero(np.isfinite(stability))
    return rows, cols


def _crossings(stability: np.ndarray, below: float) -> _Found:
    """Where a dyad's series goes from >= below on one day to < below on its next day."""
    rows, cols = _present(stability)
    values = stability[rows, cols]
    hit = (rows[1:] == rows[:-1]) & (values[:-1] >= below) & (values[1:] < below)
    at = np.flatnonzero(hit) + 1
    return _Found(rows[at], cols[at], cols[at - 1], np.zeros(len(at), np.int8))


def _drops(stability: np.ndarray, drop: float, within_days: int) -> _Found:
    """The largest fall of each episode of falls >= drop.

    The fall on day t is max S(s) - S(t) over the days s in [t - within_days, t)
    that have a value; consecutive days with a value and a fall >= drop make
    one episode.  ``start`` is the latest of the window's highest days.
    """
    w = within_days
    known = np.where(np.isfinite(stability), stability, -np.inf)
    # Shift by one day (the window ends the day before) and take a trailing max of w days.
    shifted = np.full(known.shape, -np.inf)
    shifted[:, 1:] = known[:, :-1]
    highest = maximum_filter1d(
        shifted, w, axis=1, mode="constant", cval=-np.inf, origin=(w - 1) // 2
    )
    rows, cols = _present(stability)
    with np.errstate(invalid="ignore"):
        fall = highest[rows, cols] - stability[rows, cols]
    hit = fall >= drop  # -inf on a first day: no fall
    first = hit.copy()
    first[1:] &= ~(hit[:-1] & (rows[1:] == rows[:-1]))
    episode = np.cumsum(first) - 1
    cells = np.flatnonzero(hit)
    if not len(cells):
        return _Found.none()
    # The first day of each episode with its largest fall.
    order = np.lexsort((cells, -fall[cells], episode[cells]))
    picked = cells[order[np.r_[True, np.diff(episode[cells][order]) != 0]]]
    row, col = rows[picked], cols[picked]
    starts = np.empty(len(picked), np.intp)
    step = max(1, _BLOCK // w)
    padded = np.concatenate([np.full((known.shape[0], w), -np.inf), known], axis=1)
    for a in range(0, len(picked), step):
        r, c = row[a : a + step], col[a : a + step]
        # padded[r, c + j] is day c - w + j: the w days before day c.
        window = padded[r[:, None], c[:, None] + np.arange(w)]
        top = window == highest[r, c][:, None]
        starts[a : a + step] = c - 1 - np.argmax(top[:, ::-1], axis=1)
    return _Found(row, col, starts, np.ones(len(picked), np.int8))


@dataclass(frozen=True)
class _Drivers:
    text: list[str]
    rows: list[list[int]]
    ids: list[list[Any]]


def _attribute(
    scored: ScoredEvents,
    kernels: tuple[tuple[Kernel, ...], np.ndarray],
    label: str,
    date: np.ndarray,
    start: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each event's change of contribution between ``start`` and ``date``, for one dyad.

    The contribution of event i on day D is s_i * g_i * K(D - t_i), the term
    :meth:`ScoredEvents.explain` lists.  ``date`` must be sorted.  Returns
    ``(alert, row, day, delta)`` of the events whose change is a driver
    candidate (positive and at least 1% of the alert's total rise); ``alert``
    indexes ``date``, ``row`` is a row of ``scored.events``.
    """
    positions = scored.positions(label)
    positions = positions[np.argsort(scored.day[positions], kind="stable")]
    day = scored.day[positions]
    signal = scored.signal[positions]
    distinct, per_type = kernels
    kernel_of = per_type[scored.type_code[positions]]
    found: list[tuple[np.ndarray, ...]] = []
    # Small chunks of alerts in date order, so that each reads only the events up to its dates.
    step = max(1, min(_CHUNK, _BLOCK // max(1, len(positions))))
    for a in range(0, len(date), step):
        d1, d0 = date[a : a + step], start[a : a + step]
        days, at = np.unique(np.concatenate([d1, d0]), return_inverse=True)
        upto = int(np.searchsorted(day, days[-1], side="right"))
        contribution = np.empty((len(days), upto))
        age = days[:, None] - day[:upto]
        if len(distinct) == 1:
            contribution[:] = signal[:upto] * distinct[0].weight(age)
        else:
            for k, kernel in enumerate(distinct):
                mine = np.flatnonzero(kernel_of[:upto] == k)
                contribution[:, mine] = signal[mine] * kernel.weight(age[:, mine])
        delta = contribution[at[: len(d1)]] - contribution[at[len(d1) :]]
        total = np.where(delta > 0, delta, 0.0).sum(axis=1)
        # An event adding under 1% of the total rise (typically the fading of an old
        # cooperative event) did not drive the alert; explain() lists every term.
        keep = (delta > 0) & (delta >= _NEGLIGIBLE * total[:, None])
        alert, event = np.nonzero(keep)
        found.append((alert + a, positions[event], day[event], delta[alert, event]))
    return tuple(np.concatenate(parts) for parts in zip(*found, strict=True))  # type: ignore[return-value]


def _drivers(scored: ScoredEvents, found: _Found, grid: IndexGrid, top: int) -> _Drivers:
    """The ``top`` events whose contribution rose most for every alert: text, rows and ids."""
    n = len(found.row)
    if len(scored.labels) > 1:
        scored.index_by_dyad()
    kernels = scored.kernels()
    first = grid.grid.first_day
    parts = []
    for r in np.unique(found.row):
        mine = np.flatnonzero(found.row == r)
        label = str(grid.labels[r])
        alert, row, day, delta = _attribute(
            scored, kernels, label, first + found.date[mine], first + found.start[mine]
        )
        parts.append((mine[alert], row, day, delta))
    alert, row, day, delta = [np.concatenate(p) for p in zip(*parts, strict=True)]
    # Largest rise first; among equal rises, the later event first, then the earlier row.
    order = np.lexsort((row, -day, -delta, alert))
    alert, row, day, delta = alert[order], row[order], day[order], delta[order]
    bounds = np.searchsorted(alert, np.arange(n + 1))
    keep = np.arange(len(alert)) - bounds[alert] < top
    alert, row, day, delta = alert[keep], row[keep], day[keep], delta[keep]
    bounds = np.searchsorted(alert, np.arange(n + 1))
    events = scored.events
    types = events["event_type"].cat
    names = np.asarray(types.categories.astype(str), dtype=object)[types.codes.to_numpy()[row]]
    when = np.datetime_as_string(day.astype("datetime64[D]"))
    pieces = [
        f"{name} {on} ({change:+.3g})"
        for name, on, change in zip(names.tolist(), when.tolist(), delta.tolist(), strict=True)
    ]
    rows: list[int] = np.asarray(row).tolist()
    if "event_id" in events.columns:
        values = events["event_id"].to_numpy(dtype=object)[row]
        values[pd.isna(values)] = None
        ids = values.tolist()
    else:
        ids = [None] * len(row)
    spans = list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))
    return _Drivers(
        ["; ".join(pieces[a:b]) for a, b in spans],
        [rows[a:b] for a, b in spans],
        [ids[a:b] for a, b in spans],
    )


def _frame(scored: ScoredEvents, grid: IndexGrid, found: _Found, top: int) -> pd.DataFrame:
    """The alerts found, with their drivers, sorted by dyad, date and kind."""
    order = np.lexsort((found.kind, found.date, found.row))
    found = found.take(order)
    drivers = _drivers(scored, found, grid, top)
    first = grid.grid.first_day
    stability, tension = grid.stability, grid.tension
    codes = scored.labels.get_indexer(grid.labels)[found.row]
    return pd.DataFrame(
        {
            "dyad": pd.Categorical.from_codes(codes, categories=scored.labels),
            "date": (first + found.date).astype("datetime64[D]").astype("datetime64[ns]"),
            "kind": pd.Categorical.from_codes(found.kind, categories=pd.Index(ALERT_KINDS)),
            "start": (first + found.start).astype("datetime64[D]").astype("datetime64[ns]"),
            "size": stability[found.row, found.start] - stability[found.row, found.date],
            "stability": stability[found.row, found.date],
            "tension_change": tension[found.row, found.date] - tension[found.row, found.start],
            "drivers": np.asarray(drivers.text, dtype=object),
            "driver_rows": pd.Series(drivers.rows, dtype=object).to_numpy(),
            "event_ids": pd.Series(drivers.ids, dtype=object).to_numpy(),
        }
    )


def _empty(labels: pd.Index) -> pd.DataFrame:
    out = empty_frame(ALERT_COLUMNS[2:], list(labels))
    out["kind"] = pd.Categorical([], categories=list(ALERT_KINDS))
    out["drivers"] = pd.Series([], dtype=str)  # text, as pandas infers it for the found rows
    return out


@validate_params(ALERTS_PARAMETERS, name="alerts")
def alerts(
    scored: ScoredEvents | pd.DataFrame | Sequence[Mapping[str, Any]],
    config: IndexConfig | None = None,
    *,
    dyads: Sequence[str] | str | None = None,
    below: float | None = None,
    drop: float | None = None,
    within_days: int = 7,
    top: int = 3,
    start: DateLike | None = None,
    end: DateLike | None = None,
    normalize: Normalize = "logistic",
    baseline: int = 365,
    coverage: pd.Series | Iterable[DateLike] | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """Threshold crossings and sharp drops of the stability, with the events that drove them.

    Parameters
    ----------
    scored : ScoredEvents, pandas.DataFrame or list of dict
        Events scored once with :func:`score`; raw events are scored here.
    config : IndexConfig, optional
        Another configuration for this call (default: the scored events').
    dyads : str or list of str, optional
        Only these dyads ("CHN-USA", or "USA->CHN" when directed; default: every dyad).
    below : float, optional
        Alert when the stability goes from ``>= below`` on one day to
        ``< below`` on the next (``kind="crossing"``).
    drop : float, optional
        Alert when the stability falls by at least ``drop`` points (> 0) within
        ``within_days`` days (``kind="drop"``).  Consecutive days that meet
        the condition make one episode and one alert: the largest such fall
        of the episode.
    within_days : int, default 7
        The span of a drop, in days (>= 1).
    top : int, default 3
        How many driving events to report per alert (>= 1).
    start, end : date-like, optional
        The days watched, as in :meth:`ScoredEvents.index` (default: the
        first and last event).
    normalize : {"logistic", "zscore", "percentile"}, default "logistic"
        The stability watched, as in :meth:`ScoredEvents.index`; days where
        it has no value (the first 30 days of ``"zscore"``) are skipped.
    baseline : int, default 365
        Days of trailing baseline of ``normalize="zscore"``.
    coverage : pandas.Series or collection of dates, optional
        Only with raw events: as given to :func:`score`.
    **overrides
        Configuration fields to change for this call, as in :func:`score`.

    Returns
    -------
    pandas.DataFrame
        One row per alert, sorted by dyad, date and kind, with columns:

        - ``dyad``, ``date`` (the day the stability crossed, or the day the
          largest fall completed), ``kind`` (``"crossing"`` or ``"drop"``);
        - ``start``: the day compared with: the day before for a crossing, the
          highest day of the window for a drop;
        - ``size``: stability on ``start`` minus stability on ``date`` (> 0);
        - ``stability``: the stability on ``date``;
        - ``tension_change``: T(date) - T(start), the sum of every event's
          change of contribution;
        - ``drivers``: the ``top`` events whose contribution to the tension
          rose most, as text, e.g. ``"water_cannon 2024-03-23 (+7)"`` (the
          rise in tension points); events adding less than 1% of the total
          rise are left out (:meth:`ScoredEvents.explain` lists every term);
        - ``driver_rows``: their rows in ``scored.events`` (a list of int;
          the positions in the events given to :func:`score`, unless
          ``as_of`` left some out);
        - ``event_ids``: their ``event_id`` (a list; None where the events have
          no id).

        ``attrs["tensionindex"]`` holds the configuration and ``alerts``:
        the thresholds used.

    Raises
    ------
    InvalidParameterError
        If neither ``below`` nor ``drop`` is given, or a parameter is invalid.
    EventValidationError
        If a dyad has no events (with suggestions), or raw events are invalid.

    See Also
    --------
    ScoredEvents.explain : the events behind one value of the index.
    changepoints : regime changes of the index.

    Notes
    -----
    A series that starts below ``below`` alerts only once it has come back
    above and crossed again.  A long, slow slide is one episode; its alert
    reports the largest fall within ``within_days`` days.

    Examples
    --------
    >>> import tensionindex as ti
    >>> events = [
    ...     {"date": "2024-03-01", "actor1": "PHL", "actor2": "CHN",
    ...      "event_type": "protest_lodged", "event_id": "a"},
    ...     {"date": "2024-03-05", "actor1": "CHN", "actor2": "PHL",
    ...      "event_type": "water_cannon", "event_id": "b"},
    ... ]
    >>> scored = ti.score(events)
    >>> found = ti.alerts(scored, below=40, drop=10, end="2024-03-20")
    >>> found[["date", "kind", "start", "size", "stability"]]
            date      kind      start       size  stability
    0 2024-03-05  crossing 2024-03-04  16.079108  29.269218
    1 2024-03-05      drop 2024-03-04  16.079108  29.269218
    >>> found.loc[0, "drivers"], found.loc[0, "event_ids"]
    ('water_cannon 2024-03-05 (+7)', ['b'])
    """
    if below is None and drop is None:
        raise InvalidParameterError(
            "alerts needs a condition: give below= (a stability level to watch for "
            "crossings), drop= (points lost within within_days days), or both."
        )
    data = as_scored(scored, config, overrides, coverage=coverage)
    grid = data.index_grid(
        start=start, end=end, dyads=dyads, normalize=normalize, baseline=baseline
    )
    parts = [_Found.none()]
    if grid.grid.n_days == 0:
        below = drop = None
    if below is not None:
        parts.append(_crossings(grid.stability, float(below)))
    if drop is not None:
        parts.append(_drops(grid.stability, float(drop), int(within_days)))
    found = _Found.join(parts)
    out = _frame(data, grid, found, int(top)) if len(found.row) else _empty(data.labels)
    thresholds = {
        "below": None if below is None else float(below),
        "drop": None if drop is None else float(drop),
        "within_days": int(within_days),
        "top": int(top),
    }
    extra: dict[str, Any] = {"normalize": normalize, "alerts": thresholds}
    if data.as_of is not None:
        extra["as_of"] = str(np.datetime64(data.as_of, "D"))
    return stamp(out, data.config, **extra)
