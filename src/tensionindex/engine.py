"""The engine: per-event arrays -> daily grids -> tension -> stability, in numpy.

For event i of dyad d on day t_i the signal is

    s_i = w(type_i) * m(category_i) * f(intensity_i) * c_i

the daily signal x_d(t) is the sum of s_i * g_i over that dyad's events of day
t (g_i, the daily aggregation factor, is 1 under ``aggregation="sum"``), the
tension is the kernel-weighted sum of past daily signals (see
:mod:`tensionindex.kernels`) and the stability is the logistic

    S_d(t) = 100 / (1 + exp(T_d(t) / scale)).

Everything runs on integer codes and dense ``(n_dyads, n_days)`` grids at once:
no Python loop over events, days or dyads.  This module knows nothing of
DataFrames of events or of parameters: :mod:`tensionindex.scored` prepares the
arrays, and :class:`~tensionindex.IndexState` and :mod:`tensionindex.dask`
call the same functions on theirs, so that the aggregation factor, the
provenance stamp and the empty result frame each exist once.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tensionindex._parallel import THREADED_ROWS, both, each
from tensionindex._sums import exact_bincount, extent
from tensionindex.exceptions import EventValidationError, InvalidParameterError
from tensionindex.kernels import Kernel

__all__ = [
    "INFORMATION_COLUMNS",
    "MIN_BASELINE_DAYS",
    "RESULT_COLUMNS",
    "Grid",
    "aggregation_factor",
    "baseline_signal",
    "cell_index",
    "code_dtype",
    "daily_grids",
    "day_range",
    "dyad_codes",
    "empty_frame",
    "grid_bounds",
    "grid_frame",
    "group_tensions",
    "intensity_transform",
    "normalized",
    "row_chunks",
    "sort_by_group",
    "stability_from_tension",
    "stamp",
    "tension_grid",
]

#: Columns of the index, in order (of IndexState's index: these alone).
RESULT_COLUMNS: tuple[str, ...] = ("dyad", "date", "events", "signal", "tension", "stability")
#: Columns that follow them in the index of scored events: the decayed number
#: of events behind each value, and whether it is below ``min_information``.
INFORMATION_COLUMNS: tuple[str, ...] = ("information", "low_information")

#: Fewest days of trailing baseline before ``normalize="zscore"`` gives a value.
MIN_BASELINE_DAYS = 30


def day_range(day: np.ndarray) -> tuple[int, int]:
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


#: Days from 1677-09-22 to 2262-04-11, all that datetime64[ns] holds: no grid is
#: longer (queries' dates are refused outside it).
_MOST_DAYS = int((np.datetime64("2262-04-11") - np.datetime64("1677-09-22")).astype(int)) + 1


def code_dtype(n_dyads: int) -> type[np.signedinteger[Any]]:
    """int32 for dyad codes when every cell index ``dyad * n_days + day`` of any grid fits.

    A grid has at most :data:`_MOST_DAYS` (213,503) days, so with up to
    10,058 dyads a product of 32-bit codes never overflows; beyond, 64 bits.

    Examples
    --------
    >>> code_dtype(1_000).__name__, code_dtype(50_000).__name__
    ('int32', 'int64')
    """
    return np.int32 if n_dyads * _MOST_DAYS < 2**31 else np.int64


def cell_index(dyad: np.ndarray, day: np.ndarray, n_days: int, first_day: int) -> np.ndarray:
    """``dyad * n_days + (day - first_day)``, the flat cell of each event, as intp.

    intp because ``np.bincount`` takes nothing else (a 32-bit index would be
    copied to 64 bits by every bincount: measured slower).  Built chunk by
    chunk, every step in cache, without temporaries.

    Examples
    --------
    >>> cell_index(np.array([0, 2], np.int32), np.array([10, 11]), 5, 10)
    array([ 0, 11])
    """
    flat = np.empty(len(dyad), np.intp)
    for start in range(0, len(dyad), _CHUNK):
        part = flat[start : start + _CHUNK]
        np.multiply(dyad[start : start + _CHUNK], n_days, out=part, dtype=np.intp)
        part += day[start : start + _CHUNK]
        part -= first_day
    return flat


#: Events per chunk of the passes that run in cache (256 KiB of int64 each).
_CHUNK = 1 << 15


def dyad_codes(
    actor1: pd.Categorical, actor2: pd.Categorical, *, directed: bool
) -> tuple[np.ndarray, pd.Index]:
    """Integer dyad code per event and the sorted dyad labels.

    Undirected dyads join the two codes in alphabetical order with "-"
    ("CHN-USA"); directed ones are "ACTOR1->ACTOR2".  The codes are int32
    unless there are so many dyads that a cell index could overflow it
    (:func:`code_dtype`).
    """
    names = actor1.categories
    if not names.equals(actor2.categories):  # validate_events gives both the same categories
        raise EventValidationError(
            "actor1 and actor2 must share categories; validate the events first."
        )
    a, b = actor1.codes, actor2.codes  # small integers: int8 up to 127 actors
    n = len(names)
    dense = n * n <= 4 * len(a) + 1_000_000
    if dense:
        # Few actors: mark the pairs present in a dense table, O(events), no sort,
        # chunk by chunk in cache (no array of pairs the size of the events).
        present = np.zeros(n * n, dtype=bool)
        for part in row_chunks(len(a)):
            present[_pairs(a[part], b[part], n, directed)] = True
        keys = np.flatnonzero(present)
    else:
        keys, codes = np.unique(_pairs(a, b, n, directed), return_inverse=True)
    first, second = np.divmod(keys, n)
    joiner = "->" if directed else "-"
    labels = [f"{names[i]}{joiner}{names[j]}" for i, j in zip(first, second, strict=True)]
    # Sort by label text so the order is the same whatever the actor codes are.
    order = np.argsort(np.array(labels, dtype=object), kind="stable")
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    sorted_labels = pd.Index(np.array(labels, dtype=object)[order], dtype=object)
    small = code_dtype(len(keys))
    if not dense:
        return rank.astype(small)[codes.ravel()], sorted_labels
    lookup = np.empty(n * n, dtype=small)
    lookup[keys] = rank  # pair -> rank of its label in one gather
    dyad = np.empty(len(a), dtype=small)
    for part in row_chunks(len(a)):
        np.take(lookup, _pairs(a[part], b[part], n, directed), out=dyad[part], mode="clip")
    return dyad, sorted_labels


def row_chunks(n: int) -> Iterator[slice]:
    """Slices of rows covering ``range(n)``, each small enough for a few arrays to stay in cache.

    Examples
    --------
    >>> list(row_chunks(3))
    [slice(0, 3, None)]
    """
    for start in range(0, n, _CHUNK):
        yield slice(start, min(start + _CHUNK, n))


def _pairs(a: np.ndarray, b: np.ndarray, n: int, directed: bool) -> np.ndarray:
    """``a * n + b`` as intp (undirected: the smaller code first)."""
    if not directed:
        a, b = np.minimum(a, b), np.maximum(a, b)
    pair = np.multiply(a, n, dtype=np.intp)
    pair += b
    return np.asarray(pair)


def aggregation_factor(
    dyad: np.ndarray,
    day: np.ndarray,
    how: str,
    records: tuple[np.ndarray, np.ndarray] | None = None,
    n_events: np.ndarray | None = None,
) -> np.ndarray:
    """g_i: 1 (sum), 1 / events of the dyad that day (mean), 1 / records that day (share).

    ``records`` is the source's ``(days, records per day)``, sorted by day:
    the denominators of "share"; without it the events given are the source.
    ``n_events`` is the number of events each row stands for (default 1 each):
    :class:`~tensionindex.IndexState` passes its dyad-day cells.

    Examples
    --------
    >>> aggregation_factor(np.array([0, 0, 1]), np.array([5, 5, 5]), "mean")
    array([0.5, 0.5, 1. ])
    >>> aggregation_factor(np.array([0, 0, 1]), np.array([5, 5, 5]), "share")
    array([0.33333333, 0.33333333, 0.33333333])
    """
    if how == "sum" or len(day) == 0:
        return np.ones(len(day))
    if how == "mean":
        key = dyad.astype(np.int64) * (int(day.max()) - int(day.min()) + 1) + (day - day.min())
        codes, _ = pd.factorize(key)
        return 1.0 / np.bincount(codes, n_events)[codes]
    if records is not None:
        days, counts = records
        where = np.searchsorted(days, day)
        found = where < len(days)
        found[found] = days[where[found]] == day[found]
        totals = np.where(found, counts[np.minimum(where, len(days) - 1)], 0)
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
    return 1.0 / np.bincount(codes, n_events)[codes]


@dataclass(frozen=True)
class Grid:
    """The days of an index: ``n_days`` days from ``first_day`` (days since 1970-01-01)."""

    first_day: int
    n_days: int

    @property
    def dates(self) -> np.ndarray:
        """The grid's days as datetime64[ns]."""
        days = np.datetime64(self.first_day, "D") + np.arange(self.n_days)
        return days.astype("datetime64[ns]")


_SHRINK = (
    "Ask for fewer days (start=, end=: a stray early event stretches the grid), fewer "
    "dyads (dyads=), or raise max_grid_cells if the memory is there."
)


def check_grid_size(
    n_dyads: int, grid: Grid, limit: int, what: str = "The index", fix: str = _SHRINK
) -> None:
    """Refuse a grid of more than ``limit`` cells before allocating it, saying how to shrink it.

    Examples
    --------
    >>> check_grid_size(4950, Grid(-62091, 146097), 50_000_000)
    Traceback (most recent call last):
    ...
    tensionindex.exceptions.InvalidParameterError: The index of 4,950 dyads over 146,097 days ...
    """
    cells = n_dyads * grid.n_days
    if cells > limit:
        first = np.datetime64(grid.first_day, "D")
        last = np.datetime64(grid.first_day + grid.n_days - 1, "D")
        raise InvalidParameterError(
            f"{what} of {n_dyads:,} dyads over {grid.n_days:,} days ({first} to {last}) "
            f"would hold {cells:,} values per column (about {cells * 8 / 2**20:,.0f} MiB "
            f"each), more than max_grid_cells={limit:,} of the configuration. {fix}"
        )


def grid_bounds(
    start: int | None, end: int | None, first_event: int, last_event: int
) -> tuple[int, int]:
    """First and last day of a query's grid: ``start``/``end`` (days) or the events' own.

    Examples
    --------
    >>> grid_bounds(None, 20, 10, 30)
    (10, 20)
    """
    first = start if start is not None else first_event
    last = end if end is not None else last_event
    if last < first:
        first_text, last_text = np.datetime64(first, "D"), np.datetime64(last, "D")
        if start is not None and end is not None:
            problem = f"The 'end' date {last_text} comes before the 'start' date {first_text}"
        elif start is not None:
            problem = f"The 'start' date {first_text} comes after the last event ({last_text})"
        else:
            problem = f"The 'end' date {last_text} comes before the first event ({first_text})"
        raise InvalidParameterError(f"{problem}; give an end on or after the start.")
    return first, last


def baseline_signal(
    dyad: np.ndarray,
    day: np.ndarray,
    raw: np.ndarray,
    how: str,
    days: int,
    dataset: np.ndarray | None = None,
) -> np.ndarray | None:
    """b_i: the signal of a usual event, subtracted from each event's signal.

    ``how="source"``: the mean signal per event of all the events (of each
    ``dataset`` code when given).  ``how="dyad"``: the mean signal of the
    dyad's events on the ``days`` days before the event's day, t_i - days to
    t_i - 1 (no look-ahead; 0 for an event with no such history).  ``"zero"``:
    None (no baseline).

    Examples
    --------
    >>> baseline_signal(np.array([0, 0, 0]), np.array([1, 2, 9]), np.array([2.0, 4.0, 1.0]),
    ...                 "dyad", 5)
    array([0., 2., 0.])
    >>> baseline_signal(np.array([0, 1]), np.array([1, 1]), np.array([2.0, 4.0]), "source", 5)
    array([3., 3.])
    """
    if how == "zero":
        return None
    if len(day) == 0:
        return np.zeros(0)
    if how == "source":
        groups = np.zeros(len(day), np.intp) if dataset is None else dataset
        counts = np.bincount(groups)
        totals = exact_bincount(groups, raw, len(counts), most=int(counts.max()))
        mean = np.divide(totals, counts, out=np.zeros(len(totals)), where=counts > 0)
        return np.asarray(mean[groups], dtype=float)
    # Keys dyad * span + (day - first + days) keep each dyad's window inside its own block.
    first = int(day.min())
    span = int(day.max()) - first + 1 + days
    key = dyad.astype(np.int64) * span + (day - first + days)
    # Sorted by key, then by value: the running sum adds each window's values in
    # one order whatever the row order (ties of key and value are interchangeable).
    order = np.lexsort((raw, key))
    ordered = key[order]
    total = np.concatenate(([0.0], np.cumsum(raw[order])))
    lo = np.searchsorted(ordered, key - days, side="left")
    hi = np.searchsorted(ordered, key, side="left")
    counts = hi - lo
    sums = total[hi] - total[lo]
    return np.asarray(np.divide(sums, counts, out=np.zeros(len(day)), where=counts > 0))


def daily_grids(
    dyad: np.ndarray,
    day: np.ndarray,
    signal: np.ndarray,
    n_dyads: int,
    grid: Grid,
    events_range: tuple[int, int],
    shares: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Daily signal and event count, ``(n_dyads, n_days)``; events off the grid not counted.

    ``shares`` (optional) is what each row counts for instead of 1 (the
    days of an event spread over its period count 1/n each): the count grid
    is then float.

    Both are sums over the flat cell ``dyad * n_days + day``, the signal's
    (and the shares') exact in any row order (:func:`exact_bincount`).
    ``events_range`` is the first and last event day (:func:`day_range`).
    """
    first, last = events_range
    weights = signal
    flat = cell_index(dyad, day, grid.n_days, grid.first_day)
    if first < grid.first_day or last >= grid.first_day + grid.n_days:
        offset = day - grid.first_day
        inside = (offset >= 0) & (offset < grid.n_days)
        flat, weights = flat[inside], weights[inside]
        shares = None if shares is None else shares[inside]
    size = n_dyads * grid.n_days
    # The counts first: the most events in one cell sets how the sums are cut
    # into exact parts (exact_bincount), so that no row order changes a bit.
    # The signals' range, which sets the parts too, is read beside them.
    count, magnitudes = both(
        functools.partial(np.bincount, flat, None, size),
        functools.partial(extent, weights),
        threaded=len(flat) >= THREADED_ROWS,
    )
    most = int(count.max(initial=0))
    total = exact_bincount(flat, weights, size, most=most, magnitudes=magnitudes)
    if shares is not None:
        count = exact_bincount(flat, shares, size, most=most)
    shape = (n_dyads, grid.n_days)
    # bincount returns integers when there is nothing to count, weights or not.
    return (
        total.reshape(shape),
        count.astype(np.int64 if shares is None else float, copy=False).reshape(shape),
    )


def tension_grid(
    kernel: Kernel,
    daily: tuple[np.ndarray, np.ndarray],
    grid: Grid,
    events: tuple[np.ndarray, np.ndarray, np.ndarray],
    first_event: int,
    *,
    overwrite: bool = False,
) -> np.ndarray:
    """Tension of all events from their daily signal and count grids.

    ``events`` is ``(dyad, day, signal)`` of every event; only those before
    the grid (when ``first_event < grid.first_day``) are read again: they
    carry in through the kernel.  With ``overwrite`` the kernel may work in
    the daily signal grid (the caller has no further use for it).
    """
    signal, count = daily
    carry = _carry(events, grid, first_event)
    return kernel.from_daily(
        signal,
        count,
        carry,  # type: ignore[arg-type]
        overwrite=overwrite,
        first_day=grid.first_day,
    )


def _carry(
    events: tuple[np.ndarray, ...], grid: Grid, first_event: int
) -> tuple[np.ndarray, ...] | None:
    """The columns of the events before the grid, days relative to it (None: there are none)."""
    if first_event >= grid.first_day:
        return None
    dyad, day, *rest = events
    offset = day - grid.first_day
    before = offset < 0
    return (dyad[before], offset[before], *(column[before] for column in rest))


def tension_and_information(
    kernel: Kernel,
    daily: tuple[np.ndarray, np.ndarray],
    grid: Grid,
    events: tuple[np.ndarray, np.ndarray, np.ndarray],
    first_event: int,
    *,
    overwrite: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`tension_grid` and :func:`information_grid` in one call (kernels share work)."""
    signal, count = daily
    carry = _carry(events, grid, first_event)
    return kernel.with_information(
        signal,
        count,
        carry,  # type: ignore[arg-type]
        overwrite=overwrite,
        first_day=grid.first_day,
    )


def information_grid(
    kernel: Kernel,
    count: np.ndarray,
    grid: Grid,
    events: tuple[np.ndarray, np.ndarray],
    first_event: int,
) -> np.ndarray:
    """sum_i K(t - t_i), the decayed number of events, from the daily count grid.

    ``events`` is ``(dyad, day)`` of every event; as in :func:`tension_grid`
    only those before the grid are read again.
    """
    carry = _carry(events, grid, first_event)
    return kernel.information(count, carry, first_day=grid.first_day)  # type: ignore[arg-type]


def group_tensions(
    dyad: np.ndarray,
    day: np.ndarray,
    signal: np.ndarray,
    codes: np.ndarray,
    kernels: Sequence[Kernel],
    n_dyads: int,
    grid: Grid,
    counts: np.ndarray | None = None,
    order: np.ndarray | None = None,
) -> Iterator[tuple[int, np.ndarray]]:
    """``(k, tension grid)`` of each group k of events that has events.

    ``codes`` gives each event's group (0 .. len(kernels) - 1), computed with
    ``kernels[k]``; ``counts`` (optional) the number of events per group, and
    ``order`` (optional, with ``counts``) the events sorted by group, stably:
    ``np.argsort(codes, kind="stable")``, when the caller keeps it.
    When every event falls on the grid, each group's events are found by one
    comparison of the small codes: their positions ascend, so the gathers
    stream (measured at 10M events and nine groups: 0.10 s against 0.15 s
    for numpy's radix argsort of 8-bit codes, which also needs two random
    gathers), and each group's grid stays small enough to scatter into
    quickly.  Tried and measured slower: one taller grid of all groups (the
    scatter misses the cache), and one (dyads, days, groups) grid (its group
    columns are strided, and copying them out for a frame costs more).
    Events off the grid take the sort by group, then one slice per group.
    """
    n_groups = len(kernels)
    first, last = day_range(day)
    size = n_dyads * grid.n_days
    on_grid = first >= grid.first_day and last < grid.first_day + grid.n_days
    if counts is None:
        counts = np.bincount(codes, minlength=n_groups)
    ends = np.cumsum(counts)
    if on_grid:
        # Every event on the grid: its cell once; each group's events read from
        # the caller's kept order, or found by one comparison (ascending
        # positions either way: gathers that stream, where a sort by group on
        # every call would cost a radix pass and two random gathers).
        flat = cell_index(dyad, day, grid.n_days, grid.first_day)
        # No group has more events in a cell than all events have: one count
        # of every cell bounds each group's (exact_bincount needs only a
        # bound), where counting each group would allocate a grid per group.
        # Kernels that read counts still count their own group.
        counted = any(kernels[k].needs_counts for k in range(n_groups) if counts[k])
        most = None if counted else int(np.bincount(flat, None, size).max(initial=0))

        def one(k: int) -> np.ndarray:
            if order is None:
                mine = np.flatnonzero(codes == k)
            else:  # ascending positions too: the sort was stable
                mine = order[ends[k] - counts[k] : ends[k]]
            cells = flat[mine]
            count = None
            bound = most
            if bound is None:
                number = np.bincount(cells, None, size)
                bound = int(number.max(initial=0))
                if kernels[k].needs_counts:
                    count = number.reshape(n_dyads, grid.n_days)
            daily = exact_bincount(cells, signal[mine], size, most=bound)
            daily = daily.reshape(n_dyads, grid.n_days)
            return kernels[k].from_daily(daily, count, overwrite=True, first_day=grid.first_day)

        # Two workers at archive scale, each taking the next group when it is
        # free (bincount and the scans release the GIL): groups differ in size,
        # so a queue keeps both cores busy where fixed pairs left one waiting.
        present = [k for k in range(n_groups) if counts[k]]
        threaded = len(flat) >= THREADED_ROWS
        yield from zip(present, each(one, present, threaded=threaded), strict=True)
        return
    if order is None:
        order = sort_by_group(codes, n_groups)
    dyad, signal = dyad[order], signal[order]
    offset = day[order]
    offset -= grid.first_day
    for k, kernel in enumerate(kernels):
        part = slice(ends[k - 1] if k else 0, ends[k])
        if part.start == part.stop:
            continue
        args = dyad[part], offset[part], signal[part]
        keep = args[1] < grid.n_days
        if not keep.all():
            args = tuple(a[keep] for a in args)
        yield (
            k,
            kernel.from_events(
                *args, n_dyads=n_dyads, n_days=grid.n_days, first_day=grid.first_day
            ),
        )


def sort_by_group(codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Positions of the events sorted by group, stably (one radix sort of small codes).

    Examples
    --------
    >>> sort_by_group(np.array([2, 0, 2, 1, 0]), 3)
    array([1, 4, 3, 0, 2])
    """
    small = codes.astype(np.int8 if n_groups <= 127 else np.int16 if n_groups < 32_767 else np.intp)
    return np.asarray(np.argsort(small, kind="stable"))


def grid_frame(labels: pd.Index, grid: Grid, columns: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """The tidy frame of ``(n_dyads, n_days)`` grids: one row per dyad and day.

    ``dyad`` is categorical over ``labels`` and ``date`` datetime64[ns]; the
    rows are sorted by dyad, then date.
    """
    n_dyads = len(labels)
    code = np.int16 if n_dyads < 32_767 else np.int32  # the dtype pandas would pick
    out: dict[str, Any] = {
        "dyad": pd.Categorical.from_codes(
            np.repeat(np.arange(n_dyads, dtype=code), grid.n_days),
            categories=labels,
            validate=False,
        ),
        "date": np.tile(grid.dates, n_dyads),
    }
    # ravel() is a view of a new C-ordered grid, or a copy: either way the frame
    # can own it, so copy=False spares one more copy of every column.
    out.update({name: np.asarray(values).ravel() for name, values in columns.items()})
    return pd.DataFrame(out, copy=False)


def empty_frame(
    columns: Iterable[str],
    labels: Sequence[str] | pd.Index = (),
    *,
    first: Sequence[str] = ("dyad", "date"),
) -> pd.DataFrame:
    """A result with no rows and the right dtypes: the one empty frame of the library.

    ``first`` names the leading columns: ``dyad`` (categorical over
    ``labels``) and the date columns (datetime64[ns]); of ``columns``,
    ``events`` and ``events_known`` are int64, ``covered`` and
    ``low_information`` bool, names ending
    in "date" or equal to "vintage"/"start" datetime64[ns], ``kind`` and
    ``drivers`` text, and the rest float.

    Examples
    --------
    >>> [str(t) for t in empty_frame(["events", "tension"]).dtypes]
    ['category', 'datetime64[ns]', 'int64', 'float64']
    """
    out: dict[str, Any] = {}
    for name in (*first, *columns):
        if name == "dyad":
            out[name] = pd.Categorical([], categories=pd.Index(list(labels), dtype=object))
        elif name in ("date", "vintage", "start") or name.endswith("_date"):
            out[name] = np.array([], dtype="datetime64[ns]")
        elif name in ("events", "events_known"):
            out[name] = np.array([], dtype=np.int64)
        elif name in ("covered", "low_information"):
            out[name] = np.array([], dtype=bool)
        elif name in ("kind", "drivers", "driver_rows", "event_ids", "method"):
            out[name] = np.array([], dtype=object)
        else:
            out[name] = np.array([], dtype=float)
    return pd.DataFrame(out)


def normalized(tension: np.ndarray, scale: float, how: str, baseline: int) -> np.ndarray:
    """The stability column for ``normalize=`` (rows are dyads, columns days)."""
    if how == "logistic":
        return stability_from_tension(tension, scale)
    days = pd.DataFrame(tension.T)  # pandas windows run down the columns: one per dyad
    if how == "zscore":
        past = days.shift(1).rolling(baseline, min_periods=MIN_BASELINE_DAYS)
        mean, spread = past.mean(), past.std()
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (days - mean) / spread.where(spread > 1e-12 * (1 + mean.abs()))
        return np.asarray(-z.to_numpy().T, dtype=float)
    # Share of days so far with tension >= today's, from the rank of today among them.
    rank = days.expanding().rank(method="min", pct=True)
    seen = np.arange(1, len(days) + 1, dtype=float)[:, None]
    return np.asarray(100.0 * (1.0 - rank.to_numpy() + 1.0 / seen), dtype=float).T


def stamp(result: pd.DataFrame, config: Any, **extra: Any) -> pd.DataFrame:
    """Write the provenance into ``result.attrs["tensionindex"]`` and return ``result``.

    The configuration as a dict, its fingerprint and the library's version,
    then ``extra`` (what the call added: ``normalize``, ``as_of``, ...):
    enough to reproduce every number of the result.
    """
    from tensionindex import __version__

    result.attrs["tensionindex"] = {
        "config": config.to_dict(),
        "fingerprint": config.fingerprint,
        "version": __version__,
        **extra,
    }
    return result
