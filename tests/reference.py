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
K(D) = 1 for 0 <= D < window; under the carry-over kernel
T_d(t) = clip(T_d(t - 1) + x_d(t), -bound, bound) instead (and I_d(t) counts
every event so far).  With ``neutral`` each s_i is replaced by
s_i - b_i (b_i the mean signal of the dyad's events on the ``neutral_days``
days before t_i, or of all events); the information is
I_d(t) = sum of K(t - t_i) over the events of d, and under ``kernel_mean``
T_d(t) = sum of s_i K(t - t_i) / (I_d(t) + prior_events).  ``scale="auto"``
is the 90th percentile of |T| over the dyad-days with I >= min_information,
divided by ln 19.
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

COLUMNS = (
    "dyad",
    "date",
    "events",
    "signal",
    "tension",
    "stability",
    "information",
    "low_information",
)


@dataclass(frozen=True)
class Signal:
    """One event reduced to what the formulas need."""

    dyad: str
    day: int  # proleptic Gregorian ordinal
    signal: float
    category: str
    span: int = 1  # days the event is spread over from ``day`` on (imprecise_dates="spread")
    share: float = 1  # what it counts for in the event counts (1/span per day when spread)


Events = pd.DataFrame | Iterable[Mapping[str, Any]]


def _records(events: Events) -> list[dict[str, Any]]:
    if isinstance(events, pd.DataFrame):
        wanted = (
            "date", "actor1", "actor2", "event_type", "intensity", "confidence", "date_precision"
        )
        names = [name for name in wanted if name in events.columns]
        columns = [events[name].tolist() for name in names]
        return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]
    return [dict(record) for record in events]


def _period(value: Any, precision: Any) -> tuple[int, int]:
    """First day (ordinal) and length in days of the period a date names.

    Text such as "2024-03", "2024" or "2024-W11", or a ``date_precision`` of
    week, month or year, names a period; anything else one day.
    """
    text = str(value).strip()
    kind = str(precision).strip().lower() if precision not in (None, "") else "day"
    if kind == "day":
        if len(text) == 4 and text.isdigit():
            kind = "year"
        elif len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
            kind = "month"
        elif "W" in text and len(text) <= 8:
            kind = "week"
    if kind == "week" and "W" in text:
        year, week = text.replace("-", "").split("W")
        first = datetime.date.fromisocalendar(int(year), int(week), 1)
        return first.toordinal(), 7
    if kind == "month" and len(text) == 7:
        text += "-01"
    if kind == "year" and len(text) == 4:
        text += "-01-01"
    day = datetime.date.fromordinal(_day(text))
    if kind == "week":
        return day.toordinal() - day.weekday(), 7
    if kind == "month":
        first = day.replace(day=1)
        following = (first.replace(year=first.year + 1, month=1) if first.month == 12
                     else first.replace(month=first.month + 1))
        return first.toordinal(), following.toordinal() - first.toordinal()
    if kind == "year":
        first = day.replace(month=1, day=1)
        return first.toordinal(), first.replace(year=first.year + 1).toordinal() - first.toordinal()
    return day.toordinal(), 1


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
        first, length = _period(record["date"], record.get("date_precision"))
        if config.imprecise_dates == "middle":
            out.append(Signal(dyad, first + (length - 1) // 2, signal, category))
        else:
            out.append(Signal(dyad, first, signal, category, span=length))
    return out


def spread(events: list[Signal]) -> list[Signal]:
    """Each event of n days as n events of signal s / n counting 1/n, one a day."""
    out = []
    for e in events:
        for offset in range(e.span):
            share = 1 if e.span == 1 else 1.0 / e.span
            out.append(Signal(e.dyad, e.day + offset, e.signal / e.span, e.category, share=share))
    return out


def centre(events: list[Signal], config: ti.IndexConfig) -> list[Signal]:
    """s_i - b_i under ``config.neutral``, one event at a time."""
    if config.neutral == "zero" or not events:
        return events
    if config.neutral == "source":
        mean = math.fsum(e.signal for e in events) / len(events)
        return [dataclasses.replace(e, signal=e.signal - mean) for e in events]
    out = []
    for e in events:
        history = [
            o.signal
            for o in events
            if o.dyad == e.dyad and e.day - config.neutral_days <= o.day < e.day
        ]
        usual = math.fsum(history) / len(history) if history else 0.0
        out.append(dataclasses.replace(e, signal=e.signal - usual))
    return out


def aggregate(events: list[Signal], how: str) -> list[Signal]:
    """Scale each signal by its daily aggregation factor, counting events one by one.

    ``mean`` divides by the number of events of the same dyad that day; ``share``
    by the number of events of any dyad that day (the events are the source).
    """
    if how in ("sum", "kernel_mean"):
        return events
    per_dyad_day: dict[tuple[str, int], int] = defaultdict(int)
    per_day: dict[int, int] = defaultdict(int)
    for e in events:
        per_dyad_day[(e.dyad, e.day)] += 1
        per_day[e.day] += 1
    out = []
    for e in events:
        n = per_dyad_day[(e.dyad, e.day)] if how == "mean" else per_day[e.day]
        out.append(dataclasses.replace(e, signal=e.signal / n))
    return out


def kernel(age_days: int, category: str, config: ti.IndexConfig) -> float:
    """K(D): how much a signal of ``age_days`` days ago counts today."""
    if age_days < 0:
        return 0.0
    if config.kernel == "window":
        return 1.0 if age_days < config.window else 0.0
    if config.kernel == "carryover":
        return 1.0  # nothing decays (the bound is applied in reference_index)
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
    events_list = spread(
        aggregate(centre(signals(events, config), config), config.aggregation)
    )
    if not events_list:
        return pd.DataFrame({name: [] for name in COLUMNS})
    first = _day(start) if start is not None else min(e.day for e in events_list)
    last = _day(end) if end is not None else max(e.day for e in events_list)

    # Daily signal per dyad and category: x_{d,c}(tau), and the daily counts.
    daily: dict[str, dict[str, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    counts: dict[str, dict[int, float]] = defaultdict(dict)
    per_category: dict[str, dict[str, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    for e in events_list:
        per_count = per_category[e.dyad][e.category]
        per_count[e.day] = per_count.get(e.day, 0) + e.share
        per_day = daily[e.dyad][e.category]
        per_day[e.day] = per_day.get(e.day, 0.0) + e.signal
        counts[e.dyad][e.day] = counts[e.dyad].get(e.day, 0) + e.share

    carried: dict[str, dict[int, float]] = {}
    if config.kernel == "carryover":
        # Day by day from each dyad's first event: yesterday's value plus today's
        # signal, held within [-bound, bound].
        for dyad, per_category_day in daily.items():
            value, walk = 0.0, {}
            days = [tau for per_day in per_category_day.values() for tau in per_day]
            for t in range(min(days), max(last, max(days)) + 1):
                today = math.fsum(per_day.get(t, 0.0) for per_day in per_category_day.values())
                value = min(max(value + today, -config.bound), config.bound)
                walk[t] = value
            carried[dyad] = walk
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
            if config.kernel == "carryover":
                tension = carried[dyad].get(t, 0.0)
            information = math.fsum(
                n * kernel(t - tau, category, config)
                for category, per_day in per_category[dyad].items()
                for tau, n in per_day.items()
                if tau <= t
            )
            if config.aggregation == "kernel_mean":
                divisor = information + config.prior_events
                tension = tension / divisor if divisor > 0 else 0.0
            out["dyad"].append(dyad)
            out["date"].append(t)
            out["events"].append(counts[dyad].get(t, 0))
            out["signal"].append(total_signal)
            out["tension"].append(tension)
            out["information"].append(information)
            # Below the threshold to rounding: equal to it counts as enough.
            low = information < config.min_information * (1.0 - 1e-9)
            out["low_information"].append(low)
    scale = config.scale
    if scale == "auto":
        # Over the whole span of the events, whatever start and end are asked for.
        whole = reference_index(events, dataclasses.replace(config, scale=1.0))
        informed = [
            abs(t)
            for t, i in zip(whole["tension"], whole["information"], strict=True)
            if i >= config.min_information * (1.0 - 1e-9)
        ]
        high = float(np.quantile(informed, 0.9)) if informed else 0.0
        # Rounding, not tension: 1e-9 times the largest event signal.
        noise = 1e-9 * max((abs(e.signal) for e in events_list), default=0.0)
        scale = high / math.log(19.0) if high > noise else 1.0
    out["stability"] = [stability(t, scale) for t in out["tension"]]
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
    got: pd.DataFrame,
    expected: pd.DataFrame,
    *,
    atol: float,
    scale: float,
    min_information: float = 0.25,
) -> None:
    """Same dyads, dates and counts; signal and tension within 1e-9 rel + ``atol``.

    Stability moves at most 25 / scale per unit of tension (the logistic's
    steepest slope), so its absolute tolerance is ``atol * 25 / scale``.
    """
    # IndexState's index has the first six columns only (no information).
    assert list(got.columns) in (list(COLUMNS), list(COLUMNS[:6]))
    assert len(got) == len(expected)
    assert (_labels(got["dyad"]) == _labels(expected["dyad"])).all(), "dyad"
    got_days = got["date"].to_numpy().astype("datetime64[D]")
    assert (got_days == expected["date"].to_numpy().astype("datetime64[D]")).all(), "date"
    # Counts are whole numbers, or sums of 1/n for the days of spread events.
    np.testing.assert_allclose(
        got["events"].to_numpy(dtype=float), expected["events"].to_numpy(dtype=float),
        rtol=0, atol=1e-9, err_msg="events",
    )
    for name in ("signal", "tension"):
        assert_close(got[name], expected[name], atol=atol, what=name)
    if "information" in got.columns:
        information = got["information"].to_numpy()
        assert_close(information, expected["information"], atol=1e-9, what="information")
        differ = got["low_information"].to_numpy() != expected["low_information"].to_numpy()
        # Only where the information sits on the threshold may rounding fall either side.
        edge = min_information * (1.0 - 1e-9)
        assert np.all(np.abs(information[differ] - edge) <= 1e-9), "low_information"
    stability_atol = atol * 25.0 / scale
    assert_close(got["stability"], expected["stability"], atol=stability_atol, what="stability")
