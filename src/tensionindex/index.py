"""The vectorised core: validated events -> daily signals -> tension -> stability.

For event i of dyad d on day t_i the signal is

    s_i = w(type_i) * m(category_i) * f(intensity_i) * c_i

the daily signal x_d(t) is the sum of s_i over that dyad's events of day t,
the tension is the kernel-weighted sum of past daily signals (see
:mod:`tensionindex.kernels`) and the stability is the logistic

    S_d(t) = 100 / (1 + exp(T_d(t) / scale)).

Everything runs on integer codes and dense ``(n_dyads, n_days)`` grids at once:
no Python loop over events, days or dyads.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tensionindex._parallel import THREADED_ROWS, both
from tensionindex._types import Normalize
from tensionindex.config import IndexConfig, with_overrides
from tensionindex.events import _DAY_NS, _alias_map, validate_events
from tensionindex.exceptions import ConfigurationError, EventValidationError, did_you_mean
from tensionindex.kernels import (
    add_carry_in,
    decayed_cumsum,
    exponential_tension,
    window_from_daily,
    window_tension,
)
from tensionindex.taxonomy import known_categories

__all__ = ["contributions", "stability_index"]

RESULT_COLUMNS: tuple[str, ...] = ("dyad", "date", "events", "signal", "tension", "stability")

DateLike = str | pd.Timestamp | np.datetime64 | Any


@dataclass(frozen=True)
class Prepared:
    """Validated events reduced to the arrays the kernels need.

    Per-event arrays that only some callers need (the category of each event,
    the aggregation factors under "sum") are built on first use: at archive
    scale each costs 80 MB per 10 million events.
    """

    events: pd.DataFrame  # the validated events, for explain()
    dyad: np.ndarray  # dyad code per event (index into labels)
    labels: pd.Index  # dyad labels, sorted
    day: np.ndarray  # int64 days since 1970-01-01
    signal: np.ndarray  # what each event adds to its dyad's daily signal: s_i * g_i
    type_code: np.ndarray  # event type code per event (index into type_category)
    type_category: np.ndarray  # category name of each event type (object)
    config: IndexConfig
    raw_signal: np.ndarray  # s_i = w * m * f(intensity) * c
    aggregation: np.ndarray | None  # g_i, the daily aggregation factor; None under "sum"
    day_range: tuple[int, int]  # first and last event day, (0, -1) without events

    @property
    def factor(self) -> np.ndarray:
        """g_i for every event (ones under "sum")."""
        return np.ones(len(self.day)) if self.aggregation is None else self.aggregation

    @functools.cached_property
    def category(self) -> np.ndarray:
        """Category name per event (object)."""
        return np.asarray(self.type_category[self.type_code])


def _day_range(day: np.ndarray) -> tuple[int, int]:
    """First and last event day (the grid's default bounds); (0, -1) without events."""
    if len(day) == 0:
        return 0, -1
    return int(day.min()), int(day.max())


def intensity_transform(values: np.ndarray, how: str) -> np.ndarray:
    """f(intensity): ``linear`` (unchanged), ``log1p`` or ``sqrt``."""
    if how == "log1p":
        return np.asarray(np.log1p(values), dtype=float)
    if how == "sqrt":
        return np.asarray(np.sqrt(values), dtype=float)
    return values


def stability_from_tension(tension: np.ndarray, scale: float) -> np.ndarray:
    """S = 100 / (1 + exp(T / scale)) for any finite T, without overflow warnings.

    Exact to rounding in relative terms down to S ~ 1e-306; below, 0.

    Examples
    --------
    >>> stability_from_tension(np.array([0.0, 1e6, -1e6]), 10.0)
    array([ 50.,   0., 100.])
    """
    z = np.asarray(tension, dtype=float) / scale
    # exp overflows to inf above z ~ 709.8, where 100 / (1 + inf) = 0 and the exact
    # value is below 1e-306: the same to rounding, and four times faster than logaddexp.
    with np.errstate(over="ignore"):
        np.exp(z, out=z)
    z += 1.0
    return np.divide(100.0, z, out=z)


def dyad_codes(
    actor1: pd.Categorical, actor2: pd.Categorical, *, directed: bool
) -> tuple[np.ndarray, pd.Index]:
    """Integer dyad code per event and the sorted dyad labels.

    Undirected dyads join the two codes in alphabetical order with "-"
    ("CHN-USA"); directed ones are "ACTOR1->ACTOR2".
    """
    names = actor1.categories
    if not names.equals(actor2.categories):  # validate_events gives both the same categories
        raise EventValidationError(
            "actor1 and actor2 must share categories; validate the events first."
        )
    a, b = actor1.codes, actor2.codes  # small integers: int8 up to 127 actors
    if not directed:
        a, b = np.minimum(a, b), np.maximum(a, b)
    n = len(names)
    pair = a.astype(np.intp)
    pair *= n
    pair += b
    dense = n * n <= 4 * len(pair) + 1_000_000
    if dense:
        # Few actors: mark the pairs present in a dense table, O(events), no sort.
        keys = np.flatnonzero(np.bincount(pair, minlength=n * n))
    else:
        keys, codes = np.unique(pair, return_inverse=True)
    first, second = np.divmod(keys, n)
    joiner = "->" if directed else "-"
    labels = [f"{names[i]}{joiner}{names[j]}" for i, j in zip(first, second, strict=True)]
    # Sort by label text so the order is the same whatever the actor codes are.
    order = np.argsort(np.array(labels, dtype=object), kind="stable")
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    sorted_labels = pd.Index(np.array(labels, dtype=object)[order], dtype=object)
    if dense:
        lookup = np.empty(n * n, dtype=np.intp)
        lookup[keys] = rank  # pair -> rank of its label in one gather
        return lookup[pair], sorted_labels
    return rank[codes.ravel()], sorted_labels


def parse_dyad(dyad: str, *, directed: bool, aliases: Mapping[str, str] | None = None) -> str:
    """Canonical label of a dyad given as text ("USA-CHN", "China-US", "USA->CHN").

    Examples
    --------
    >>> parse_dyad("usa-china", directed=False)
    'CHN-USA'
    >>> parse_dyad("USA->CHN", directed=True)
    'USA->CHN'
    """
    if not isinstance(dyad, str):
        raise EventValidationError(f"A dyad is text such as 'CHN-USA'. Got {dyad!r} instead.")
    table = _alias_map(aliases)
    sep = "->" if "->" in dyad else "-"
    parts = [p.strip().upper() for p in dyad.split(sep)]
    if len(parts) != 2 or not all(parts):
        raise EventValidationError(
            f"Could not read the dyad {dyad!r}: write two actor codes joined by '-' "
            "(undirected, e.g. 'CHN-USA') or '->' (directed, e.g. 'USA->CHN')."
        )
    a, b = (table.get(p, p) for p in parts)
    if directed:
        return f"{a}->{b}"
    return "-".join(sorted((a, b)))


def _prepare(
    events: pd.DataFrame, config: IndexConfig, coverage: Coverage | None = None
) -> Prepared:
    types = events["event_type"].array
    resolved = config.resolve(types.categories)
    codes = types.codes

    def signal_and_day() -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
        per_type = np.asarray(resolved.weight * resolved.multiplier, dtype=float)
        # One new array, multiplied in place: s_i = w * m * f(intensity) * c.
        raw = per_type[codes]
        raw *= intensity_transform(events["intensity"].to_numpy(), config.intensity_transform)
        if config.use_confidence:
            raw *= events["confidence"].to_numpy()
        # Validated dates are midnight datetime64[ns]: whole days since 1970 by one division.
        day = events["date"].to_numpy().view(np.int64) // _DAY_NS
        return raw, day, _day_range(day)

    def dyads() -> tuple[np.ndarray, pd.Index]:
        actor1, actor2 = events["actor1"].array, events["actor2"].array
        return dyad_codes(actor1, actor2, directed=config.directed)

    threaded = len(events) >= THREADED_ROWS
    (raw, day, day_range), (dyad, labels) = both(signal_and_day, dyads, threaded=threaded)
    if config.aggregation == "sum":
        factor, signal = None, raw
    else:
        factor = aggregation_factor(dyad, day, config.aggregation, coverage)
        signal = raw * factor
    category = np.asarray(resolved.category, dtype=object)
    return Prepared(
        events, dyad, labels, day, signal, codes, category, config, raw, factor, day_range
    )


@dataclass(frozen=True)
class Coverage:
    """The days a source was collecting, and how many records it had on each."""

    days: np.ndarray  # int64 days since 1970-01-01, sorted, unique
    records: np.ndarray | None  # records per day, aligned with ``days``; None if unknown


def parse_coverage(coverage: object) -> Coverage | None:
    """Read ``coverage=``: a Series of record counts by date, or a collection of dates."""
    if coverage is None:
        return None
    if isinstance(coverage, pd.Series):
        try:
            dates = pd.to_datetime(coverage.index)
        except (ValueError, TypeError):
            raise EventValidationError(
                "coverage must be indexed by dates (a Series of record counts by day, as "
                "ReadReport.coverage gives) or be a collection of dates."
            ) from None
        counts = [float(c) for c in pd.to_numeric(coverage, errors="coerce")]
        bad = [not (math.isfinite(c) and c >= 0) for c in counts]
        if any(bad):
            position = bad.index(True)
            raise EventValidationError(
                f"coverage holds record counts by day; the count for {dates[position]:%Y-%m-%d} "
                f"is {counts[position]!r}. Expected a number >= 0."
            )
        days = dates.to_numpy().astype("datetime64[D]").astype(np.int64)
        table = pd.Series(counts, dtype=float).groupby(days).sum()
        table = table[table > 0]  # a day with no records is unmonitored
        return Coverage(table.index.to_numpy(np.int64), table.to_numpy(float))
    if isinstance(coverage, str) or not hasattr(coverage, "__iter__"):
        raise EventValidationError(
            f"coverage must be a collection of dates or a Series of record counts by date. "
            f"Got {type(coverage).__name__} instead."
        )
    days = np.unique(np.array([_day_of(value, "coverage") for value in coverage], dtype=np.int64))
    return Coverage(days, None)


def aggregation_factor(
    dyad: np.ndarray, day: np.ndarray, how: str, coverage: Coverage | None
) -> np.ndarray:
    """g_i: 1 (sum), 1 / events of the dyad that day (mean), 1 / records that day (share)."""
    if how == "sum" or len(day) == 0:
        return np.ones(len(day))
    if how == "mean":
        key = dyad.astype(np.int64) * (int(day.max()) - int(day.min()) + 1) + (day - day.min())
        codes, _ = pd.factorize(key)
        return 1.0 / np.bincount(codes)[codes]
    if coverage is not None and coverage.records is not None:
        where = np.searchsorted(coverage.days, day)
        found = where < len(coverage.days)
        found[found] = coverage.days[where[found]] == day[found]
        totals = np.where(found, coverage.records[np.minimum(where, len(coverage.days) - 1)], 0)
        short = totals < 1
        if short.any():
            missing = np.datetime64(int(day[np.flatnonzero(short)[0]]), "D")
            raise EventValidationError(
                f"aggregation='share' divides by the source's records of each day, but coverage "
                f"gives no records on {missing}, a day with events. Pass the coverage of the files "
                "the events were read from (ReadReport.coverage)."
            )
        return 1.0 / totals
    # Without record counts the events given are the source: divide by their number per day.
    codes, _ = pd.factorize(day)
    return 1.0 / np.bincount(codes)[codes]


def _day_of(value: DateLike, name: str) -> int:
    stamp: pd.Timestamp | None = None
    # pandas reads a number as nanoseconds since 1970 (20240101 -> 1970-01-01):
    # refuse numbers rather than silently score a grid from 1970.
    if not isinstance(value, bool | int | float | np.number):
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError, OverflowError):
            stamp = None
    if stamp is None or pd.isna(stamp):
        raise EventValidationError(
            f"The {name!r} parameter must be a date such as '2024-04-16'. Got {value!r} instead."
        )
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return int(np.datetime64(stamp.normalize().date(), "D").astype(np.int64))


def _select_dyads(prepared: Prepared, dyads: Sequence[str] | str | None) -> Prepared:
    if dyads is None:
        return prepared
    wanted = [dyads] if isinstance(dyads, str) else list(dyads)
    labels = [parse_dyad(d, directed=prepared.config.directed) for d in wanted]
    missing = [lab for lab in labels if lab not in prepared.labels]
    if missing:
        present = (
            f" Dyads in the events: {', '.join(prepared.labels[:20])}"
            + (" ..." if len(prepared.labels) > 20 else ".")
            if len(prepared.labels)
            else " There are no events."
        )
        first, _, second = missing[0].partition("->")
        reverse = f"{second}->{first}"
        hint = (
            f" Did you mean {reverse!r} (the other direction)?"
            if prepared.config.directed and reverse in prepared.labels
            else did_you_mean(missing[0], list(prepared.labels))
        )
        raise EventValidationError(f"No events for dyad {missing[0]!r}." + hint + present)
    keep_codes = prepared.labels.get_indexer(pd.Index(sorted(set(labels)), dtype=object))
    mask = np.isin(prepared.dyad, keep_codes)
    remap = np.full(len(prepared.labels), -1, dtype=np.int64)
    remap[keep_codes] = np.arange(len(keep_codes))
    return Prepared(
        prepared.events[mask].reset_index(drop=True),
        remap[prepared.dyad[mask]],
        prepared.labels[keep_codes],
        prepared.day[mask],
        prepared.signal[mask],
        prepared.type_code[mask],
        prepared.type_category,
        prepared.config,
        prepared.raw_signal[mask],
        None if prepared.aggregation is None else prepared.aggregation[mask],
        _day_range(prepared.day[mask]),
    )


@dataclass(frozen=True)
class Grid:
    first_day: int
    n_days: int


def _grid(prepared: Prepared, start: DateLike | None, end: DateLike | None) -> Grid | None:
    if len(prepared.day) == 0:
        return None
    first, last = grid_bounds(start, end, *prepared.day_range)
    return Grid(first, last - first + 1)


def grid_bounds(
    start: DateLike | None, end: DateLike | None, first_event: int, last_event: int
) -> tuple[int, int]:
    """First and last day of the grid (days since 1970): ``start``/``end`` or the events'."""
    first = _day_of(start, "start") if start is not None else first_event
    last = _day_of(end, "end") if end is not None else last_event
    if last < first:
        first_text, last_text = np.datetime64(first, "D"), np.datetime64(last, "D")
        if start is not None and end is not None:
            problem = f"The 'end' date {last_text} comes before the 'start' date {first_text}"
        elif start is not None:
            problem = f"The 'start' date {first_text} comes after the last event ({last_text})"
        else:
            problem = f"The 'end' date {last_text} comes before the first event ({first_text})"
        raise EventValidationError(f"{problem}; give an end on or after the start.")
    return first, last


def _tension(
    prepared: Prepared,
    grid: Grid,
    half_life: float,
    daily: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """Tension grid of all events from their (n_dyads, n_days) daily signal and count.

    Only events before the grid, if any, are read again: they carry in.
    """
    config = prepared.config
    signal, count = daily
    early = prepared.day_range[0] < grid.first_day
    offset = prepared.day - grid.first_day if early else None
    if config.kernel == "window":
        if offset is None:
            return window_from_daily(signal, count, config.window)
        before = offset < 0
        return window_from_daily(
            signal,
            count,
            config.window,
            prepared.dyad[before],
            offset[before],
            prepared.signal[before],
        )
    tension = signal.copy()
    if offset is not None:
        add_carry_in(tension, prepared.dyad, offset, prepared.signal, half_life)
    return decayed_cumsum(tension, half_life)


def _group_tensions(
    prepared: Prepared, grid: Grid, codes: np.ndarray, half_lives: Sequence[float]
) -> Iterator[tuple[int, np.ndarray]]:
    """``(k, tension grid)`` of each group k of events that has events.

    ``codes`` gives each event's group (0 .. len(half_lives) - 1).  The events
    are sorted by group once (numpy's stable sort of small integers is a radix
    sort), so that each group is a slice: no pass over all events per group.
    """
    order = np.argsort(codes, kind="stable")
    ends = np.cumsum(np.bincount(codes, minlength=len(half_lives)))
    dyad, signal = prepared.dyad[order], prepared.signal[order]
    offset = prepared.day[order]
    offset -= grid.first_day
    n_dyads, n_days = len(prepared.labels), grid.n_days
    for k, half_life in enumerate(half_lives):
        part = slice(ends[k - 1] if k else 0, ends[k])
        if part.start == part.stop:
            continue
        args = dyad[part], offset[part], signal[part]
        keep = args[1] < n_days
        if not keep.all():
            args = tuple(a[keep] for a in args)  # type: ignore[assignment]
        if prepared.config.kernel == "window":
            tension = window_tension(
                *args, n_dyads=n_dyads, n_days=n_days, window=prepared.config.window
            )
        else:
            tension = exponential_tension(
                *args, n_dyads=n_dyads, n_days=n_days, half_life=half_life
            )
        yield k, tension


def _category_codes(prepared: Prepared) -> tuple[np.ndarray, list[str]]:
    """Each event's category as a code into the categories present, in catalogue order."""
    catalogue = known_categories(prepared.config.custom_types)
    per_type = pd.Index(catalogue).get_indexer(pd.Index(prepared.type_category, dtype=object))
    codes = per_type[prepared.type_code] if len(prepared.type_code) else np.zeros(0, np.intp)
    present = np.flatnonzero(np.bincount(codes, minlength=len(catalogue)))
    remap = np.zeros(len(catalogue), dtype=np.intp)
    remap[present] = np.arange(len(present))
    return remap[codes], [catalogue[i] for i in present]


def half_life_per_event(category: np.ndarray, config: IndexConfig) -> np.ndarray:
    """The half-life of each event's category, looked up once per distinct category."""
    names, which = np.unique(np.asarray(category, dtype=str), return_inverse=True)
    per_name = np.array([config.half_life_of(str(c)) for c in names], dtype=float)
    return per_name[which.ravel()]


def _daily(prepared: Prepared, grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Daily signal and event count on the grid (events before or after it are not counted).

    Both are ``np.bincount`` over the flat cell ``dyad * n_days + day``.  With
    events in random order every event is a cache miss on the grid, so at
    archive scale the two passes run at once: bincount releases the GIL.
    """
    first, last = prepared.day_range
    weights = prepared.signal
    # dyad * n_days + (day - first_day), built in one array without temporaries.
    flat = prepared.dyad * grid.n_days
    flat += prepared.day
    flat -= grid.first_day
    if first < grid.first_day or last >= grid.first_day + grid.n_days:
        offset = prepared.day - grid.first_day
        inside = (offset >= 0) & (offset < grid.n_days)
        flat, weights = flat[inside], weights[inside]
    size = len(prepared.labels) * grid.n_days
    signal, count = both(
        lambda: np.bincount(flat, weights, size),
        lambda: np.bincount(flat, None, size),
        threaded=len(flat) >= THREADED_ROWS,
    )
    # bincount returns integers when there is nothing to count, weights or not.
    return signal.astype(float, copy=False), count.astype(np.int64, copy=False)


def _frame(prepared: Prepared, grid: Grid, columns: Mapping[str, np.ndarray]) -> pd.DataFrame:
    n_dyads = len(prepared.labels)
    dates = np.datetime64(grid.first_day, "D") + np.arange(grid.n_days)
    code = np.int16 if n_dyads < 32_767 else np.int32  # the dtype pandas would pick
    out: dict[str, Any] = {
        "dyad": pd.Categorical.from_codes(
            np.repeat(np.arange(n_dyads, dtype=code), grid.n_days),
            categories=prepared.labels,
            validate=False,
        ),
        "date": np.tile(dates.astype("datetime64[ns]"), n_dyads),
    }
    # ravel() is a view of a new C-ordered grid, or a copy: either way the frame
    # can own it, so copy=False spares one more copy of every column.
    out.update({name: np.asarray(values).ravel() for name, values in columns.items()})
    return pd.DataFrame(out, copy=False)


def _empty(columns: Iterable[str]) -> pd.DataFrame:
    out: dict[str, Any] = {
        "dyad": pd.Categorical([], categories=pd.Index([], dtype=object)),
        "date": np.array([], dtype="datetime64[ns]"),
    }
    for name in columns:
        out[name] = np.array([], dtype=np.int64 if name == "events" else float)
    return pd.DataFrame(out)


NORMALIZE: tuple[Normalize, ...] = ("logistic", "zscore", "percentile")
_MIN_BASELINE_DAYS = 30


def check_normalize(normalize: object, baseline: object) -> None:
    if normalize not in NORMALIZE:
        raise ConfigurationError(
            "The 'normalize' parameter of stability_index must be one of 'logistic', "
            f"'zscore', 'percentile'. Got {normalize!r} instead."
            + (did_you_mean(normalize, NORMALIZE) if isinstance(normalize, str) else "")
        )
    if (
        isinstance(baseline, bool)
        or not isinstance(baseline, int | np.integer)
        or not (_MIN_BASELINE_DAYS <= baseline <= 100_000)
    ):
        raise ConfigurationError(
            "The 'baseline' parameter of stability_index must be an integer number of days "
            f"from {_MIN_BASELINE_DAYS} to 100000. Got {baseline!r} instead."
        )


def normalized(tension: np.ndarray, scale: float, how: str, baseline: int) -> np.ndarray:
    """The stability column for ``normalize=`` (rows are dyads, columns days)."""
    if how == "logistic":
        return stability_from_tension(tension, scale)
    days = pd.DataFrame(tension.T)  # pandas windows run down the columns: one per dyad
    if how == "zscore":
        past = days.shift(1).rolling(baseline, min_periods=_MIN_BASELINE_DAYS)
        mean, spread = past.mean(), past.std()
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (days - mean) / spread.where(spread > 1e-12 * (1 + mean.abs()))
        return np.asarray(-z.to_numpy().T, dtype=float)
    # Share of days so far with tension >= today's, from the rank of today among them.
    rank = days.expanding().rank(method="min", pct=True)
    seen = np.arange(1, len(days) + 1, dtype=float)[:, None]
    return np.asarray(100.0 * (1.0 - rank.to_numpy() + 1.0 / seen), dtype=float).T


def _stamp(result: pd.DataFrame, config: IndexConfig) -> pd.DataFrame:
    from tensionindex import __version__

    result.attrs["tensionindex"] = {
        "config": config.to_dict(),
        "fingerprint": config.fingerprint,
        "version": __version__,
    }
    return result


def prepare(
    events: object,
    config: IndexConfig | None,
    overrides: Mapping[str, Any],
    coverage: object = None,
    as_of: DateLike | None = None,
) -> Prepared:
    """Validate events, apply overrides and reduce to arrays (shared by the public functions)."""
    cfg = with_overrides(config, overrides)
    validated = validate_events(events, config=cfg)  # type: ignore[arg-type]
    if as_of is not None:
        validated = known_by(validated, as_of)
    return _prepare(validated, cfg, parse_coverage(coverage))


def known_by(events: pd.DataFrame, as_of: DateLike) -> pd.DataFrame:
    """The validated events reported on or before ``as_of`` (needs a ``reported`` column)."""
    if "reported" not in events.columns:
        raise EventValidationError(
            "as_of needs to know when each event became known: add a 'reported' column "
            "(the date it was reported or ingested; GDELT's DATEADDED) to the events."
        )
    day = np.datetime64(_day_of(as_of, "as_of"), "D").astype("datetime64[ns]")
    known = events["reported"].to_numpy() <= day
    kept: pd.DataFrame = events[known].reset_index(drop=True)
    return kept


def _scored(
    events: object,
    config: IndexConfig | None,
    overrides: Mapping[str, Any],
    *,
    start: DateLike | None,
    end: DateLike | None,
    dyads: Sequence[str] | str | None,
    coverage: object = None,
    as_of: DateLike | None = None,
) -> tuple[Prepared, Grid | None]:
    """Prepared events of the requested dyads and the grid.

    The grid's default bounds come from all events, so that a dyad's series is
    the same whether or not ``dyads=`` narrows the output.
    """
    everything = prepare(events, config, overrides, coverage, as_of)
    grid = _grid(everything, start, end)
    return _select_dyads(everything, dyads), grid


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

    See Also
    --------
    explain : the events behind one value.
    contributions : tension split by category.

    Examples
    --------
    >>> import tensionindex as ti
    >>> events = [
    ...     {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL",
    ...      "event_type": "water_cannon"},
    ...     {"date": "2024-03-04", "actor1": "PHL", "actor2": "CHN",
    ...      "event_type": "protest_lodged"},
    ... ]
    >>> ti.stability_index(events, half_life=2)
          dyad       date  events  signal   tension  stability
    0  CHN-PHL 2024-03-01       1     7.0  7.000000  33.181223
    1  CHN-PHL 2024-03-02       0     0.0  4.949747  37.872235
    2  CHN-PHL 2024-03-03       0     0.0  3.500000  41.338242
    3  CHN-PHL 2024-03-04       1     2.0  4.474874  38.995833
    """
    check_normalize(normalize, baseline)
    prepared, grid = _scored(
        events,
        config,
        overrides,
        start=start,
        end=end,
        dyads=dyads,
        coverage=coverage,
        as_of=as_of,
    )
    columns = RESULT_COLUMNS[2:] if coverage is None else (*RESULT_COLUMNS[2:], "covered")
    if grid is None or len(prepared.labels) == 0:
        return _stamp(_empty(columns), prepared.config)
    signal, count = _daily(prepared, grid)
    shape = (len(prepared.labels), grid.n_days)
    daily = signal.reshape(shape), count.reshape(shape)
    cfg = prepared.config
    if cfg.kernel == "window" or not cfg.category_half_lives:
        tension = _tension(prepared, grid, cfg.half_life, daily)
    else:
        # Categories with their own half-lives: one exponential kernel per half-life.
        codes, names = _category_codes(prepared)
        half_life, group = np.unique([cfg.half_life_of(c) for c in names], return_inverse=True)
        tension = np.zeros(shape)
        for _, part in _group_tensions(prepared, grid, group[codes], half_life.tolist()):
            tension += part
    stability = normalized(tension, prepared.config.scale, normalize, baseline)
    values = {"events": count, "signal": signal, "tension": tension, "stability": stability}
    covered = parse_coverage(coverage)
    if covered is not None:
        monitored = np.isin(grid.first_day + np.arange(grid.n_days), covered.days)
        values["covered"] = np.broadcast_to(monitored, tension.shape)
    result = _stamp(_frame(prepared, grid, values), prepared.config)
    result.attrs["tensionindex"]["normalize"] = normalize
    if as_of is not None:
        result.attrs["tensionindex"]["as_of"] = str(np.datetime64(_day_of(as_of, "as_of"), "D"))
    return result


@dataclass(frozen=True)
class GroupedTension:
    """Tension split by event type or category, on the grid of :func:`stability_index`.

    ``values[k]`` is the tension that group ``k`` alone contributes; the
    tension is ``sum_k values[k]``, or ``sum_k weights[k] * values[k]`` when the
    groups were computed per unit weight (the index is linear in the weights).
    """

    groups: tuple[str, ...]
    dyads: pd.Index
    dates: np.ndarray  # datetime64[ns], one per day of the grid
    values: np.ndarray  # (n_groups, n_dyads, n_days)
    weights: np.ndarray  # the weight in force for each event type (NaN for categories)
    config: IndexConfig

    def tension(self, weights: np.ndarray | None = None) -> np.ndarray:
        """The (n_dyads, n_days) tension for ``weights`` (default: the configuration's)."""
        w = self.weights if weights is None else np.asarray(weights, dtype=float)
        return np.tensordot(w, self.values, axes=1)


def _unit_signal(prepared: Prepared) -> np.ndarray:
    """s_i / w_i = m * f(intensity) * c * g: each event's signal per unit of its type's weight."""
    cfg, events = prepared.config, prepared.events
    types = events["event_type"].cat
    multiplier = cfg.resolve(types.categories).multiplier[types.codes.to_numpy()]
    unit = multiplier * intensity_transform(events["intensity"].to_numpy(), cfg.intensity_transform)
    if cfg.use_confidence:
        unit = unit * events["confidence"].to_numpy()
    return np.asarray(unit * prepared.factor, dtype=float)


def grouped_tension(
    events: pd.DataFrame | Sequence[Mapping[str, Any]],
    config: IndexConfig | None = None,
    *,
    by: str = "event_type",
    per_unit_weight: bool = False,
    start: DateLike | None = None,
    end: DateLike | None = None,
    dyads: Sequence[str] | str | None = None,
    coverage: object = None,
    **overrides: Any,
) -> GroupedTension:
    """Tension of every dyad and day, split by ``event_type`` or ``category``.

    With ``per_unit_weight=True`` (event types only) each type's part is
    computed with weight 1, so that any set of weights gives the tension
    exactly as ``result.tension(weights)``: the basis of sensitivity analysis
    and calibration, which need no recomputation per draw.
    """
    if by not in ("event_type", "category"):
        raise EventValidationError(
            f"The 'by' parameter of grouped_tension must be 'event_type' or 'category'. "
            f"Got {by!r} instead."
        )
    prepared, grid = _scored(
        events, config, overrides, start=start, end=end, dyads=dyads, coverage=coverage
    )
    cfg = prepared.config
    if by == "event_type":
        codes = prepared.type_code
        names = tuple(str(c) for c in prepared.events["event_type"].cat.categories)
        resolved = cfg.resolve(names)
        weights, categories = resolved.weight, resolved.category
    else:
        codes, present = _category_codes(prepared)
        names = tuple(present)
        weights, categories = np.full(len(names), np.nan), np.array(names, dtype=object)
    if grid is None or len(prepared.labels) == 0:
        empty = np.zeros((len(names), len(prepared.labels), 0))
        no_dates = np.array([], "datetime64[ns]")
        return GroupedTension(names, prepared.labels, no_dates, empty, weights, cfg)
    if per_unit_weight:
        if by != "event_type":
            raise EventValidationError("per_unit_weight=True needs by='event_type'.")
        prepared = dataclasses.replace(prepared, signal=_unit_signal(prepared))
    values = np.zeros((len(names), len(prepared.labels), grid.n_days))
    half_lives = [cfg.half_life_of(str(c)) for c in categories]
    for k, tension in _group_tensions(prepared, grid, codes, half_lives):
        values[k] = tension
    dates = (np.datetime64(grid.first_day, "D") + np.arange(grid.n_days)).astype("datetime64[ns]")
    return GroupedTension(names, prepared.labels, dates, values, weights, cfg)


def vintages(
    events: pd.DataFrame | Sequence[Mapping[str, Any]],
    dates: Iterable[DateLike],
    config: IndexConfig | None = None,
    *,
    dyads: Sequence[str] | str | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """What the index read on each of ``dates``, using only the events known then.

    For each vintage date D the index is computed from the events reported on
    or before D (the events need a ``reported`` column) and read on day D
    itself, so late-reported events show up in later vintages only: the
    series analysts and backtests saw in real time.

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
    cfg = with_overrides(config, overrides)
    validated = validate_events(events, config=cfg)
    frames = []
    for value in dates:
        day = np.datetime64(_day_of(value, "dates"), "D")
        known = known_by(validated, day)
        if len(known) == 0 or (known["date"].to_numpy() > day.astype("datetime64[ns]")).all():
            continue
        today = stability_index(known, cfg, start=day, end=day, dyads=dyads)
        counts = stability_index(known, cfg, end=day, dyads=dyads)
        known_per_dyad = counts.groupby("dyad", observed=True)["events"].sum()
        frames.append(
            pd.DataFrame(
                {
                    "vintage": today["date"].to_numpy(),
                    "dyad": today["dyad"].astype(str).to_numpy(),
                    "events_known": known_per_dyad.reindex(today["dyad"]).to_numpy(np.int64),
                    "tension": today["tension"].to_numpy(),
                    "stability": today["stability"].to_numpy(),
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            {
                "vintage": np.array([], "datetime64[ns]"),
                "dyad": np.array([], object),
                "events_known": np.array([], np.int64),
                "tension": np.array([], float),
                "stability": np.array([], float),
            }
        )
    return _stamp(pd.concat(frames, ignore_index=True), cfg)


def contributions(
    events: pd.DataFrame | Sequence[Mapping[str, Any]],
    config: IndexConfig | None = None,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    dyads: Sequence[str] | str | None = None,
    coverage: pd.Series | Iterable[DateLike] | None = None,
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
    prepared, grid = _scored(
        events, config, overrides, start=start, end=end, dyads=dyads, coverage=coverage
    )
    codes, categories = _category_codes(prepared)
    if grid is None or len(prepared.labels) == 0:
        return _stamp(_empty([*categories, "tension"]), prepared.config)
    half_lives = [prepared.config.half_life_of(c) for c in categories]
    parts = {categories[k]: t for k, t in _group_tensions(prepared, grid, codes, half_lives)}
    total = np.zeros((len(prepared.labels), grid.n_days))
    for part in parts.values():
        total += part
    return _stamp(_frame(prepared, grid, {**parts, "tension": total}), prepared.config)
