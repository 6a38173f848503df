"""Alerts: threshold crossings and sharp drops of the index, with the events behind them.

An alert compares the stability on two days, ``start`` and ``date``, and its
drivers come from the exact attribution of the change of tension between them:
each event's contribution (:func:`tensionindex.explain`) on ``date`` minus its
contribution on ``start``.  These changes sum to T(date) - T(start): a new
event adds its whole contribution, an old one its decay (negative for a past
conflictual event, positive for a fading cooperative one).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from tensionindex.analysis.changepoints import (
    _check_result,
    _dyad_label,
    _integer,
    _labels,
    _parameter_error,
    _positive_number,
    _series,
)
from tensionindex.config import IndexConfig, with_overrides
from tensionindex.events import validate_events
from tensionindex.exceptions import ConfigurationError, EventValidationError
from tensionindex.index import explain
from tensionindex.params import DateLike, day_of
from tensionindex.scored import known_by

__all__ = ["ALERT_KINDS", "AlertKind", "alerts"]

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

_NEGLIGIBLE = 0.01  # drivers add at least this share of the total rise of tension
_KEY = "event_id"  # explain passes this column through: it carries each event's row


@dataclass(frozen=True)
class _Found:
    dyad: str
    date: pd.Timestamp
    kind: AlertKind
    start: pd.Timestamp
    size: float
    stability: float


def _crossings(dates: pd.DatetimeIndex, values: np.ndarray, below: float) -> list[tuple[int, int]]:
    """(row, previous row) where the series goes from >= below to < below."""
    rows = np.flatnonzero((values[:-1] >= below) & (values[1:] < below)) + 1
    return [(int(i), int(i) - 1) for i in rows]


def _drops(
    dates: pd.DatetimeIndex, values: np.ndarray, drop: float, within_days: int
) -> list[tuple[int, int]]:
    """(row, start row) of the largest fall in each episode of falls >= drop.

    The fall on day t is max S(s) - S(t) over the days s in [t - within_days, t);
    consecutive days with a fall >= drop make one episode.
    """
    window = pd.Timedelta(days=within_days)
    # A time-based window, so that days missing from the result are not counted.
    highest = pd.Series(values, index=dates).rolling(window, closed="left").max().to_numpy()
    with np.errstate(invalid="ignore"):
        fall = highest - values
        hit = fall >= drop  # NaN on the first day: no fall
    first = np.searchsorted(dates.to_numpy(), (dates - window).to_numpy(), side="left")
    found = []
    edges = np.flatnonzero(np.diff(np.concatenate(([0], hit.astype(np.int8), [0]))))
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        i = int(a + np.argmax(fall[a:b]))
        # The latest of the window's highest days (the max is one of the values, exactly).
        start = int(first[i] + np.flatnonzero(values[first[i] : i] == highest[i])[-1])
        found.append((i, start))
    return found


def _number(function: str, name: str, value: object) -> float:
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise _parameter_error(function, name, "a finite number", value)
    number = float(value)
    if not math.isfinite(number):
        raise _parameter_error(function, name, "a finite number", value)
    return number


def _check_config(result: pd.DataFrame, config: IndexConfig) -> None:
    """Refuse a configuration other than the one the result was computed with."""
    stamp = result.attrs.get("tensionindex")
    if not isinstance(stamp, Mapping) or "fingerprint" not in stamp:
        return
    if stamp["fingerprint"] == config.fingerprint:
        return
    theirs = stamp.get("config", {})
    ours = config.to_dict()
    differ = [
        k
        for k in ours
        if k not in ("name", "description")
        and isinstance(theirs, Mapping)
        and theirs.get(k) != ours[k]
    ]
    detail = f" (they differ in {', '.join(differ)})" if differ else ""
    raise ConfigurationError(
        f"The result was computed with configuration {stamp['fingerprint']} but alerts was "
        f"given {config.fingerprint}{detail}: the drivers would not add up to the result. "
        "Pass alerts the config and overrides that stability_index was given."
    )


def _dyad_of_events(events: pd.DataFrame, directed: bool) -> np.ndarray:
    a = events["actor1"].astype(str).to_numpy(dtype=object)
    b = events["actor2"].astype(str).to_numpy(dtype=object)
    if directed:
        return np.asarray(a + "->" + b, dtype=object)
    return np.asarray(np.where(a < b, a + "-" + b, b + "-" + a), dtype=object)


def _tension_on(
    keyed: pd.DataFrame,
    dyad: str,
    day: pd.Timestamp,
    config: IndexConfig,
    coverage: object,
) -> tuple[pd.Series, float, float]:
    """Each event's contribution (by row key), their sum and their absolute sum."""
    why = explain(keyed, dyad, day, config, coverage=coverage)  # type: ignore[arg-type]
    parts = pd.Series(
        why["contribution"].to_numpy(dtype=float), index=why[_KEY].to_numpy(dtype=np.int64)
    )
    return parts, float(why.attrs["tensionindex"]["tension"]), float(parts.abs().sum())


def _check_tension(
    result_tension: pd.Series | None,
    dyad: str,
    day: pd.Timestamp,
    tension: float,
    gross: float,
) -> None:
    """Refuse events that do not reproduce the result's tension.

    Rounding is bounded by ulps of ``gross``, the sum of |contributions|, not of |T|.
    """
    if result_tension is None or day not in result_tension.index:
        return
    expected = float(result_tension.loc[day])
    if abs(expected - tension) > 1e-7 * (1.0 + gross + abs(expected)):
        raise EventValidationError(
            f"The events do not reproduce the result: the tension of {dyad} on {day:%Y-%m-%d} "
            f"is {expected:.6g} in the result but {tension:.6g} from the events and "
            "configuration given to alerts. Pass alerts the events, config, overrides and "
            "coverage that stability_index was given."
        )


def _drivers(
    delta: pd.Series, events: pd.DataFrame, ids: pd.Series | None, top: int
) -> tuple[str, list[int], list[Any]]:
    """The ``top`` events whose contribution rose most: text, rows and ids.

    ``delta`` is indexed by row of ``events`` (the validated events).
    """
    rising = delta[delta > 0]
    # An event adding under 1% of the total rise (typically the fading of an old
    # cooperative event) did not drive the alert; explain() lists every term.
    rising = rising[rising >= _NEGLIGIBLE * rising.sum()]
    rows_of = rising.index.to_numpy(dtype=np.int64)
    # Largest rise first; among equal rises, the later event first, then the earlier row.
    order = pd.DataFrame(
        {"delta": rising.to_numpy(), "date": events["date"].to_numpy()[rows_of], "row": rows_of}
    ).sort_values(["delta", "date", "row"], ascending=[False, False, True], kind="stable")
    picked = order.head(top)
    rows = [int(r) for r in picked["row"]]
    text = "; ".join(
        f"{events['event_type'].iloc[r]} {events['date'].iloc[r]:%Y-%m-%d} ({d:+.3g})"
        for r, d in zip(rows, picked["delta"], strict=True)
    )
    found_ids: list[Any] = []
    for r in rows:
        value = None if ids is None else ids.iloc[r]
        found_ids.append(None if value is None or pd.isna(value) else value)
    return text, rows, found_ids


def _empty() -> pd.DataFrame:
    no_dates = np.array([], dtype="datetime64[ns]")
    return pd.DataFrame(
        {
            "dyad": pd.Categorical([]),
            "date": no_dates,
            "kind": pd.Categorical([], categories=list(ALERT_KINDS)),
            "start": no_dates,
            "size": np.array([], dtype=float),
            "stability": np.array([], dtype=float),
            "tension_change": np.array([], dtype=float),
            "drivers": np.array([], dtype=object),
            "driver_rows": np.array([], dtype=object),
            "event_ids": np.array([], dtype=object),
        }
    )


def alerts(
    result: pd.DataFrame,
    events: pd.DataFrame | Sequence[Mapping[str, Any]],
    *,
    dyads: Sequence[str] | str | None = None,
    below: float | None = None,
    drop: float | None = None,
    within_days: int = 7,
    config: IndexConfig | None = None,
    top: int = 3,
    coverage: pd.Series | Iterable[DateLike] | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """Threshold crossings and sharp drops of the stability, with the events that drove them.

    Parameters
    ----------
    result : pandas.DataFrame
        A :func:`stability_index` result of ``events``.
    events : pandas.DataFrame or list of dict
        The events the result was computed from.
    dyads : str or list of str, optional
        Only these dyads (default: every dyad of the result).
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
    config : IndexConfig, optional
        The configuration the result was computed with (checked against the
        result's fingerprint when it has one).
    top : int, default 3
        How many driving events to report per alert (>= 1).
    coverage : pandas.Series or collection of dates, optional
        As given to :func:`stability_index` (the denominators of
        ``aggregation="share"``).
    **overrides
        Configuration fields, as given to :func:`stability_index`.

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
          rise are left out (:func:`explain` lists every term);
        - ``driver_rows``: their positions in ``events`` (a list of int:
          ``events.iloc[rows]``);
        - ``event_ids``: their ``event_id`` (a list; None where the events have
          no id).

        ``attrs["tensionindex"]`` keeps the result's configuration and adds
        ``alerts``: the thresholds used.

    Raises
    ------
    ConfigurationError
        If neither ``below`` nor ``drop`` is given, a parameter is invalid, or
        the configuration differs from the result's.
    EventValidationError
        If a dyad is not in the result, the stability holds NaN (the message
        names the date), or the events do not reproduce the result's tension.

    See Also
    --------
    explain : the events behind one value of the index.
    changepoints : regime changes of the index.

    Notes
    -----
    A series that starts below ``below`` alerts only once it has come back
    above and crossed again.  A long, slow slide is one episode; its alert
    reports the largest fall within ``within_days`` days.

    Examples
    --------
    >>> import tensionindex as ti
    >>> from tensionindex.analysis.alerts import alerts
    >>> events = [
    ...     {"date": "2024-03-01", "actor1": "PHL", "actor2": "CHN",
    ...      "event_type": "protest_lodged", "event_id": "a"},
    ...     {"date": "2024-03-05", "actor1": "CHN", "actor2": "PHL",
    ...      "event_type": "water_cannon", "event_id": "b"},
    ... ]
    >>> result = ti.stability_index(events, end="2024-03-20")
    >>> found = alerts(result, events, below=40, drop=10)
    >>> found[["date", "kind", "start", "size", "stability"]]
            date      kind      start       size  stability
    0 2024-03-05  crossing 2024-03-04  16.079108  29.269218
    1 2024-03-05      drop 2024-03-04  16.079108  29.269218
    >>> found.loc[0, "drivers"], found.loc[0, "event_ids"]
    ('water_cannon 2024-03-05 (+7)', ['b'])
    """
    function = "alerts"
    threshold = None if below is None else _number(function, "below", below)
    fall = None if drop is None else _positive_number(function, "drop", drop)
    if threshold is None and fall is None:
        raise ConfigurationError(
            "alerts needs a condition: give below= (a stability level to watch for "
            "crossings), drop= (points lost within within_days days), or both."
        )
    span = _integer(function, "within_days", within_days, 1)
    count = _integer(function, "top", top, 1)
    frame = _check_result(result, ["stability"], function)
    cfg = with_overrides(config, overrides)
    _check_config(frame, cfg)
    if dyads is None:
        labels = _labels(frame)
    else:
        wanted = [dyads] if isinstance(dyads, str) else list(dyads)
        labels = list(dict.fromkeys(_dyad_label(frame, d, function) for d in wanted))

    found: list[_Found] = []
    for label in labels:
        dates, values = _series(frame, label, "stability", function)
        pairs: list[tuple[AlertKind, int, int]] = []
        if threshold is not None:
            pairs += [("crossing", i, j) for i, j in _crossings(dates, values, threshold)]
        if fall is not None:
            pairs += [("drop", i, j) for i, j in _drops(dates, values, fall, span)]
        found += [
            _Found(label, dates[i], kind, dates[j], float(values[j] - values[i]), float(values[i]))
            for kind, i, j in pairs
        ]

    out = _empty()
    if found:
        out = _explained(frame, events, found, cfg, coverage, count)
    out["dyad"] = pd.Categorical(out["dyad"], categories=pd.Index(_labels(frame), dtype=object))
    stamp = frame.attrs.get("tensionindex", {})
    out.attrs["tensionindex"] = {
        **(dict(stamp) if isinstance(stamp, Mapping) else {}),
        "alerts": {"below": threshold, "drop": fall, "within_days": span, "top": count},
    }
    return out


def _explained(
    result: pd.DataFrame,
    events: object,
    found: list[_Found],
    config: IndexConfig,
    coverage: object,
    top: int,
) -> pd.DataFrame:
    """The alerts with the exact attribution of each one's change of tension."""
    validated = validate_events(events, config=config)  # type: ignore[arg-type]
    ids = validated["event_id"] if "event_id" in validated.columns else None
    # Each event's row rides through explain as its event_id.
    keyed = validated.assign(**{_KEY: np.arange(len(validated), dtype=np.int64)})
    stamp = result.attrs.get("tensionindex", {})
    if isinstance(stamp, Mapping) and stamp.get("as_of") is not None:
        keyed = known_by(
            keyed, day_of(stamp["as_of"], "as_of", "alerts")
        )  # the events known when the result was read
    by_dyad = _dyad_of_events(keyed, config.directed)
    has_tension = "tension" in result.columns
    rows: list[dict[str, Any]] = []
    for dyad in dict.fromkeys(a.dyad for a in found):
        # Under "share" every event of a day sets the denominators; otherwise only the dyad's.
        own = keyed if config.aggregation == "share" else keyed[by_dyad == dyad]
        tension_of = None
        if has_tension:
            part = result[(result["dyad"].astype(str) == dyad).to_numpy()]
            tension_of = pd.Series(
                part["tension"].to_numpy(dtype=float), index=pd.DatetimeIndex(part["date"])
            )
        for alert in (a for a in found if a.dyad == dyad):
            after, t_after, gross_after = _tension_on(own, dyad, alert.date, config, coverage)
            before, t_before, gross_before = _tension_on(own, dyad, alert.start, config, coverage)
            _check_tension(tension_of, dyad, alert.date, t_after, gross_after)
            _check_tension(tension_of, dyad, alert.start, t_before, gross_before)
            delta = after.sub(before, fill_value=0.0)
            text, driver_rows, driver_ids = _drivers(delta, validated, ids, top)
            rows.append(
                {
                    "dyad": dyad,
                    "date": alert.date,
                    "kind": alert.kind,
                    "start": alert.start,
                    "size": alert.size,
                    "stability": alert.stability,
                    "tension_change": t_after - t_before,
                    "drivers": text,
                    "driver_rows": driver_rows,
                    "event_ids": driver_ids,
                }
            )
    out = pd.DataFrame(rows, columns=list(ALERT_COLUMNS))
    out["kind"] = pd.Categorical(out["kind"], categories=list(ALERT_KINDS))
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    out["start"] = pd.to_datetime(out["start"]).astype("datetime64[ns]")
    order = [str(d) for d in _labels(result)]
    out["_dyad"] = pd.Categorical(out["dyad"], categories=order)
    out = out.sort_values(["_dyad", "date", "kind"], kind="stable").drop(columns="_dyad")
    return out.reset_index(drop=True)
