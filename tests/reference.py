"""A naive reference implementation of the stability index, for tests only.

Written from the formulas of the method (issue 2, section 4) with plain Python
loops over events and days, and deliberately sharing no code with the engine
(:mod:`tensionindex.index`, :mod:`tensionindex.kernels`).  The configuration is
used only as the taxonomy it is: ``config.resolve([...])`` looks up each event
type's weight, category and category multiplier.

For event i of dyad d on day t_i::

    s_i    = w(type_i) * m(category_i) * f(intensity_i) * c_i
    x_d(t) = sum of s_i over the events of d on day t
    T_d(t) = sum over days tau <= t of x_d(tau) * K(t - tau)
    S_d(t) = 100 / (1 + exp(T_d(t) / scale))

with K(D) = 2 ** (-D / h) (each category with its own half-life h) or
K(D) = 1 for 0 <= D < window.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

import tensionindex as ti

COLUMNS = ("dyad", "date", "events", "signal", "tension", "stability")


@dataclass(frozen=True)
class Signal:
    """One event reduced to what the formulas need."""

    dyad: str
    day: int  # proleptic Gregorian ordinal
    signal: float
    category: str


Events = pd.DataFrame | Iterable[Mapping[str, Any]]


def _records(events: Events) -> list[dict[str, Any]]:
    if isinstance(events, pd.DataFrame):
        wanted = ("date", "actor1", "actor2", "event_type", "intensity", "confidence")
        names = [name for name in wanted if name in events.columns]
        columns = [events[name].tolist() for name in names]
        return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]
    return [dict(record) for record in events]


def _day(value: Any) -> int:
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return datetime.date(stamp.year, stamp.month, stamp.day).toordinal()


def _number(record: Mapping[str, Any], key: str, default: float) -> float:
    value = record.get(key, default)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return default
    return float(value)


def _actor(value: Any, aliases: Mapping[str, str]) -> str:
    code = str(value).strip().upper()
    return aliases.get(code, code)


def _intensity(value: float, how: str) -> float:
    if how == "linear":
        return value
    if how == "log1p":
        return math.log1p(value)
    if how == "sqrt":
        return math.sqrt(value)
    raise ValueError(how)


def signals(events: Events, config: ti.IndexConfig) -> list[Signal]:
    """The signal s_i, dyad key, day and category of every event, one at a time."""
    aliases = ti.actor_aliases()
    taxonomy: dict[str, tuple[float, float, str]] = {}  # looked up once per type
    out = []
    for record in _records(events):
        key = str(record["event_type"])
        if key not in taxonomy:
            looked_up = config.resolve([key])
            taxonomy[key] = (
                float(looked_up.weight[0]),
                float(looked_up.multiplier[0]),
                str(looked_up.category[0]),
            )
        weight, multiplier, category = taxonomy[key]
        intensity = _intensity(_number(record, "intensity", 1.0), config.intensity_transform)
        confidence = _number(record, "confidence", 1.0) if config.use_confidence else 1.0
        a = _actor(record["actor1"], aliases)
        b = _actor(record["actor2"], aliases)
        if config.directed:
            dyad = f"{a}->{b}"
        else:
            first, second = sorted([a, b])
            dyad = f"{first}-{second}"
        signal = weight * multiplier * intensity * confidence
        out.append(Signal(dyad, _day(record["date"]), signal, category))
    return out


def aggregate(events: list[Signal], how: str) -> list[Signal]:
    """Scale each signal by its daily aggregation factor, counting events one by one.

    ``mean`` divides by the number of events of the same dyad that day; ``share``
    by the number of events of any dyad that day (the events are the source).
    """
    if how == "sum":
        return events
    per_dyad_day: dict[tuple[str, int], int] = defaultdict(int)
    per_day: dict[int, int] = defaultdict(int)
    for e in events:
        per_dyad_day[(e.dyad, e.day)] += 1
        per_day[e.day] += 1
    out = []
    for e in events:
        n = per_dyad_day[(e.dyad, e.day)] if how == "mean" else per_day[e.day]
        out.append(Signal(e.dyad, e.day, e.signal / n, e.category))
    return out


def kernel(age_days: int, category: str, config: ti.IndexConfig) -> float:
    """K(D): how much a signal of ``age_days`` days ago counts today."""
    if age_days < 0:
        return 0.0
    if config.kernel == "window":
        return 1.0 if age_days < config.window else 0.0
    half_life = config.category_half_lives.get(category, config.half_life)
    return 2.0 ** (-age_days / half_life)


def stability(tension: float, scale: float) -> float:
    """100 / (1 + exp(T / scale)), naively; 0 where exp overflows."""
    try:
        return 100.0 / (1.0 + math.exp(tension / scale))
    except OverflowError:
        return 0.0


def reference_index(
    events: Events,
    config: ti.IndexConfig | None = None,
    *,
    start: Any = None,
    end: Any = None,
    **overrides: Any,
) -> pd.DataFrame:
    """The stability index computed naively; same columns as ``ti.stability_index``."""
    config = config if config is not None else ti.IndexConfig()
    if overrides:
        config = dataclasses.replace(config, **overrides)
    events_list = aggregate(signals(events, config), config.aggregation)
    if not events_list:
        return pd.DataFrame({name: [] for name in COLUMNS})
    first = _day(start) if start is not None else min(e.day for e in events_list)
    last = _day(end) if end is not None else max(e.day for e in events_list)

    # Daily signal per dyad and category: x_{d,c}(tau), and the daily counts.
    daily: dict[str, dict[str, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    for e in events_list:
        per_day = daily[e.dyad][e.category]
        per_day[e.day] = per_day.get(e.day, 0.0) + e.signal
        counts[e.dyad][e.day] = counts[e.dyad].get(e.day, 0) + 1

    out: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    for dyad in sorted(daily):
        for t in range(first, last + 1):
            terms = []
            total_signal = 0.0
            for category, per_day in daily[dyad].items():
                total_signal += per_day.get(t, 0.0)
                for tau, x in per_day.items():
                    if tau <= t:
                        terms.append(x * kernel(t - tau, category, config))
            tension = math.fsum(terms)
            out["dyad"].append(dyad)
            out["date"].append(t)
            out["events"].append(counts[dyad].get(t, 0))
            out["signal"].append(total_signal)
            out["tension"].append(tension)
            out["stability"].append(stability(tension, config.scale))
    frame = pd.DataFrame(out)
    epoch = datetime.date(1970, 1, 1).toordinal()
    days = np.array(out["date"], dtype=np.int64) - epoch
    frame["date"] = days.astype("datetime64[D]").astype("datetime64[ns]")
    return frame


def sum_abs_signal(events: Events, config: ti.IndexConfig) -> float:
    """sum |s_i|: the scale of the rounding error any summation order can make."""
    return math.fsum(abs(e.signal) for e in signals(events, config))


def tolerance(events: Events, config: ti.IndexConfig) -> float:
    """Absolute tolerance for tension and daily signal: 1e-9 * max(1, sum |s_i|).

    Engine and reference add the same terms in different orders (a prefix scan
    or a cumulative sum with subtractions versus ``math.fsum``).  The rounding
    error of any order is bounded by a few ulps of sum |s_i|, not of |T|: when
    positive and negative signals cancel, T can be near 0 while the error is
    not, so a purely relative 1e-9 would fail on correct code.
    """
    return 1e-9 * max(1.0, sum_abs_signal(events, config))


def assert_close(
    got: Any, expected: Any, *, atol: float, rtol: float = 1e-9, what: str = ""
) -> None:
    """``np.testing.assert_allclose``, with a fast path for the passing case."""
    a, b = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if a.shape == b.shape and bool(np.all(np.abs(a - b) <= atol + rtol * np.abs(b))):
        return
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=what)


def _labels(column: pd.Series) -> np.ndarray:
    if isinstance(column.dtype, pd.CategoricalDtype):
        names = np.asarray(column.cat.categories.astype(str), dtype=object)
        return names[column.cat.codes.to_numpy()]
    return np.asarray(column.astype(str), dtype=object)


def assert_index_close(
    got: pd.DataFrame, expected: pd.DataFrame, *, atol: float, scale: float
) -> None:
    """Same dyads, dates and counts; signal and tension within 1e-9 rel + ``atol``.

    Stability moves at most 25 / scale per unit of tension (the logistic's
    steepest slope), so its absolute tolerance is ``atol * 25 / scale``.
    """
    assert list(got.columns) == list(COLUMNS)
    assert len(got) == len(expected)
    assert (_labels(got["dyad"]) == _labels(expected["dyad"])).all(), "dyad"
    got_days = got["date"].to_numpy().astype("datetime64[D]")
    assert (got_days == expected["date"].to_numpy().astype("datetime64[D]")).all(), "date"
    assert (got["events"].to_numpy() == expected["events"].to_numpy()).all(), "events"
    for name in ("signal", "tension"):
        assert_close(got[name], expected[name], atol=atol, what=name)
    stability_atol = atol * 25.0 / scale
    assert_close(got["stability"], expected["stability"], atol=stability_atol, what="stability")
