"""Alerts: crossings, sharp falls and sharp rises of the index, with the events behind them.

An alert compares the index on two days, ``start`` and ``date``, and its
drivers come from the exact attribution of the change of tension between them:
each event's contribution (the terms of :meth:`ScoredEvents.explain`) on
``date`` minus its contribution on ``start``.  These changes sum to
T(date) - T(start): a new event adds its whole contribution, an old one its
decay (negative for a past conflictual event, positive for a fading
cooperative one).

Alerts come in two directions.  Where the tension rose (the stability crossed
down through ``below``, dropped by ``drop``, or the tension rose by
``tension_rise``) the drivers are the events whose contribution rose most;
where it fell (the stability crossed up through ``above``, rose by ``rise``,
or the tension fell by ``tension_fall``) they are the events whose
contribution fell most: the same computation on the negated signals.  The
tension conditions still fire where the stability is saturated near 0 or 100
and no longer moves.

Everything runs on arrays: the index is computed once
(:meth:`ScoredEvents.index_grid`), crossings and moves are found on its
``(n_dyads, n_days)`` grids, and the attribution of every alert of a dyad
reads only that dyad's events.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd

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

__all__ = ["ALERT_COLUMNS", "ALERT_KINDS", "NEGLIGIBLE_SHARE", "AlertKind", "alerts"]

AlertKind: TypeAlias = Literal[
    "crossing", "drop", "crossing_up", "rise", "tension_rise", "tension_fall"
]
#: The kinds of alert, in the order alerts of one dyad and day are sorted.
ALERT_KINDS: tuple[AlertKind, ...] = (
    "crossing",
    "drop",
    "crossing_up",
    "rise",
    "tension_rise",
    "tension_fall",
)
# Codes (positions in ALERT_KINDS) of the kinds where the tension fell: their
# drivers are the events whose contribution fell most.
_EASING = np.array([2, 3, 5], dtype=np.int8)

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
    "above": [Interval(float, None, None), Instance((None,), "None")],
    "rise": [Interval(float, 0, None, closed="neither"), Instance((None,), "None")],
    "tension_rise": [Interval(float, 0, None, closed="neither"), Instance((None,), "None")],
    "tension_fall": [Interval(float, 0, None, closed="neither"), Instance((None,), "None")],
    "within_days": [Interval(int, 1, None)],
    "top": [Interval(int, 1, None)],
    "start": [Dates()],
    "end": [Dates()],
    **NORMALIZE,
}

#: A driver moves the tension by at least this share of all the events' moves
#: (alerts: of the total rise; compare_dyads: of the sum of absolute changes).
NEGLIGIBLE_SHARE = 0.01
_BLOCK = 1 << 21  # largest (alerts x events) block of the attribution held at once
_MARGIN = 1e-6  # relative slack when pruning drivers: rounding never hides one
_CACHED = 1 << 16  # (alerts x events) cells of one block of the search for fading drivers


@dataclass(frozen=True)
class _Found:
    """Alerts found on the grid: row of the dyad, columns (days) of ``date`` and ``start``."""

    row: np.ndarray
    date: np.ndarray
    start: np.ndarray
    kind: np.ndarray  # position in ALERT_KINDS

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


def _present(stability: np.ndarray) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """The finite cells, row by row: flat positions (None: every cell), values, same-row flags.

    ``same[i]`` tells whether present cell ``i + 1`` is on the row of cell ``i``
    (days without a value are skipped).  One pass over the grid, no copy when
    every cell has a value.
    """
    flat = stability.ravel()
    n_days = stability.shape[1]
    finite = np.isfinite(flat)
    if finite.all():
        same = np.ones(max(len(flat) - 1, 0), bool)
        same[n_days - 1 :: n_days] = False
        return None, flat, same
    at = np.flatnonzero(finite)
    rows = at // n_days
    return at, flat[at], rows[1:] == rows[:-1]


def _cells(at: np.ndarray | None, picked: np.ndarray, n_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of present cells ``picked``."""
    cell = picked if at is None else at[picked]
    return cell // n_days, cell % n_days


def _crossings(stability: np.ndarray, below: float, kind: int = 0) -> _Found:
    """Where a dyad's series goes from >= below on one day to < below on its next day.

    Upward crossings of a level L are the crossings of ``-stability`` below -L.
    """
    at, values, same = _present(stability)
    hit = same & (values[:-1] >= below) & (values[1:] < below)
    where = np.flatnonzero(hit)
    row, col = _cells(at, where + 1, stability.shape[1])
    _, before = _cells(at, where, stability.shape[1])
    return _Found(row, col, before, np.full(len(where), kind, np.int8))


def _trailing_max(known: np.ndarray, w: int) -> np.ndarray:
    """Max of the ``w`` days before each day, along rows (-inf before the first day).

    Doubling: after the pass of length k each cell holds the max of the k
    cells ending at it; two such windows overlapping cover any length.
    """
    lagged = np.empty((known.shape[0], known.shape[1] + 1))
    lagged[:, 0] = -np.inf  # a day before the first: the window ends the day before
    lagged[:, 1:] = known
    k = 1
    while 2 * k <= w:
        lagged[:, k:] = np.maximum(lagged[:, k:], lagged[:, :-k])
        k *= 2
    if k < w:
        lagged[:, w - k :] = np.maximum(lagged[:, w - k :], lagged[:, : -(w - k)])
    return lagged[:, :-1]


def _drops(stability: np.ndarray, drop: float, within_days: int, kind: int = 1) -> _Found:
    """The largest fall of each episode of falls >= drop.

    The fall on day t is max S(s) - S(t) over the days s in [t - within_days, t)
    that have a value; consecutive days with a value and a fall >= drop make
    one episode.  ``start`` is the latest of the window's highest days.  Rises
    are the falls of the negated series (``start``: the latest lowest day);
    the series may be the stability or the tension.
    """
    w = within_days
    n_days = stability.shape[1]
    at, values, same = _present(stability)
    known = stability if at is None else np.where(np.isfinite(stability), stability, -np.inf)
    highest = _trailing_max(known, w).ravel()
    if at is not None:
        highest = highest[at]
    with np.errstate(invalid="ignore"):
        fall = highest - values
    cells = np.flatnonzero(fall >= drop)  # -inf on a first day: no fall
    if not len(cells):
        return _Found.none()
    # Consecutive present cells of one row that fall make one episode.
    first = np.ones(len(cells), bool)
    first[1:] = (cells[1:] != cells[:-1] + 1) | ~same[cells[:-1]]
    begins = np.flatnonzero(first)
    falls = fall[cells]
    # The first day of each episode with its largest fall.
    largest = np.repeat(np.maximum.reduceat(falls, begins), np.diff(np.r_[begins, len(cells)]))
    best = np.flatnonzero(falls == largest)
    episode = np.cumsum(first)[best]
    picked = cells[best[np.r_[True, episode[1:] != episode[:-1]]]]
    row, col = _cells(at, picked, n_days)
    starts = np.empty(len(picked), np.intp)
    step = max(1, _BLOCK // w)
    top = highest[picked]
    for a in range(0, len(picked), step):
        r, c = row[a : a + step], col[a : a + step]
        # Days c - w ... c - 1 (none before the first day).
        days = c[:, None] - w + np.arange(w)
        window = np.where(days >= 0, known[r[:, None], np.maximum(days, 0)], -np.inf)
        latest = np.argmax((window == top[a : a + step, None])[:, ::-1], axis=1)
        starts[a : a + step] = c - 1 - latest
    return _Found(row, col, starts, np.full(len(picked), kind, np.int8))


@dataclass(frozen=True)
class _Drivers:
    text: list[str]
    rows: list[list[int]]
    ids: list[list[Any]]


def _ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(owner, index)`` of every index in ``[lo[k], hi[k])``, owner ``k``, in order."""
    count = np.maximum(hi - lo, 0)
    owner = np.repeat(np.arange(len(lo)), count)
    offset = np.repeat(lo - (np.cumsum(count) - count), count)
    return owner, np.arange(len(owner)) + offset


@dataclass(frozen=True)
class _Events:
    """Events of the dyads with alerts, sorted by dyad then day, searchable by (dyad, day).

    ``row`` numbers the dyads with alerts; ``key`` is ``row * span + day - base``
    (sorted), so one ``searchsorted`` finds the events of a dyad up to a day.
    """

    row: np.ndarray
    day: np.ndarray
    signal: np.ndarray
    position: np.ndarray  # row of scored.events
    base: int
    span: int

    @property
    def key(self) -> np.ndarray:
        # row * span + (day - base), in one array (the inputs are 10M long at scale),
        # of 32 bits when it fits: half the memory to write and to search.
        largest = (int(self.row.max(initial=0)) + 1) * self.span
        dtype = np.int32 if largest < np.iinfo(np.int32).max else np.int64
        key = np.subtract(self.day, self.base, dtype=dtype)
        key += np.multiply(self.row, self.span, dtype=dtype)
        return np.asarray(key)

    def take(self, keep: np.ndarray) -> _Events:
        return _Events(
            self.row[keep],
            self.day[keep],
            self.signal[keep],
            self.position[keep],
            self.base,
            self.span,
        )

    def after(self, key: np.ndarray, row: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Index of the first event of dyad ``row`` after ``day`` (its first event if none)."""
        relative = np.clip(day - self.base, -1, self.span - 2)
        wanted = (row * self.span + relative).astype(key.dtype, copy=False)
        return np.asarray(np.searchsorted(key, wanted, side="right"))


def _sorted_events(scored: ScoredEvents, codes: np.ndarray, last_day: int) -> _Events:
    """The events of dyads ``codes`` up to ``last_day``, sorted by dyad then day.

    Read from the scored events' own order by dyad and day
    (:meth:`ScoredEvents.events_by_dyad_and_day`, sorted once per scored
    object); events of one dyad and day stay in event order.
    """
    by = scored.events_by_dyad_and_day()
    codes = np.asarray(codes)
    starts, ends = by.bounds[codes], by.bounds[codes + 1]
    lengths = ends - starts
    if len(codes) == len(scored.labels):  # every dyad (codes sorted): the whole arrays
        position, day, signal = by.order, by.day, by.signal
    else:  # contiguous slices, no random gathers
        spans = list(zip(starts.tolist(), ends.tolist(), strict=True))
        position, day, signal = (
            np.concatenate([a[lo:hi] for lo, hi in spans] or [a[:0]])
            for a in (by.order, by.day, by.signal)
        )
    row = np.repeat(np.arange(len(codes), dtype=np.intp), lengths)
    if last_day < scored.day_range[1]:
        keep = day <= last_day
        position, row, day, signal = position[keep], row[keep], day[keep], signal[keep]
        base = int(day.min(initial=last_day))
    else:  # every event kept, and each dyad's earliest day is its first event's
        firsts = (np.cumsum(lengths) - lengths)[lengths > 0]
        base = int(np.min(day[firsts], initial=last_day))
    return _Events(row, day, signal, position, base, last_day - base + 2)


def _change(
    kernel: Kernel,
    signal: np.ndarray,
    day: np.ndarray,
    d1: np.ndarray,
    d0: np.ndarray,
    a1: np.ndarray,
    a0: np.ndarray,
) -> np.ndarray:
    """s K(d1 - t) a1 - s K(d0 - t) a0: an event's change of contribution (as explain() terms).

    ``a1`` and ``a0`` are the aggregation on each day: 1, or under
    ``kernel_mean`` 1 / (information + prior_events).
    """
    return np.asarray(signal * kernel.weight(d1 - day) * a1 - signal * kernel.weight(d0 - day) * a0)


def _rise(alert: np.ndarray, delta: np.ndarray, n_alerts: int) -> np.ndarray:
    """Per alert, the sum of the positive changes."""
    positive = np.where(delta > 0, delta, 0.0)
    return np.bincount(alert, weights=positive, minlength=n_alerts).astype(float)


def _candidates(
    kernel: Kernel,
    events: _Events,
    row: np.ndarray,
    days: tuple[np.ndarray, np.ndarray],
    scales: tuple[np.ndarray, np.ndarray],
    top: int,
    cooperative: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """Driver candidates of every alert among ``events`` (of one kernel) and the total rise.

    Returns ``((alert, event, delta), total)``: every event whose change can be
    positive and among the largest, and per alert the sum of the positive
    changes of all the events.  The events that change are the new ones
    (``d0 < t <= d1``) and old ones still weighing on ``d0``: within the
    kernel's reach when it is finite; for a kernel without memory (one
    factor f = K(d1 - d0) for every age, :meth:`Kernel.decay_over`) an old
    event changes by (f - 1) times its contribution on ``d0``, so only the
    cooperative events (those that rise) with the largest contributions on
    ``d0`` are read, and their total from the tension of the cooperative
    events alone, ``cooperative(row, day)`` (minus the signals that fall).  ``days``
    is ``(d1, d0)`` and ``scales`` ``(a1, a0)`` per alert (see :func:`_change`):
    under ``kernel_mean`` an old event's factor is f * a1 / a0, still one per alert.
    """
    (d1, d0), (a1, a0) = days, scales
    key = events.key
    end = events.after(key, row, d1)
    old_end = events.after(key, row, d0)
    factor = kernel.decay_over(d1 - d0)
    if factor is not None:
        factor = np.divide(factor * a1, a0, out=np.full(len(a0), 2.0), where=a0 > 0)
    if factor is None or np.any(factor >= 1.0):
        reach = kernel.reach
        # Events at least ``reach`` days old on d0 weigh 0 on both days.
        since = d0 - math.ceil(reach) if math.isfinite(reach) else np.full_like(d0, events.base - 1)
        first = events.after(key, row, since)
        alert, event = _ranges(first, end)
        delta = _change(
            kernel,
            events.signal[event],
            events.day[event],
            d1[alert],
            d0[alert],
            a1[alert],
            a0[alert],
        )
        return (alert, event, delta), _rise(alert, delta, len(row))
    alert, event = _ranges(old_end, end)
    delta = _change(
        kernel, events.signal[event], events.day[event], d1[alert], d0[alert], a1[alert], a0[alert]
    )
    total = _rise(alert, delta, len(row))
    negative = np.flatnonzero(events.signal < 0)
    if not len(negative):
        return (alert, event, delta), total
    # Positions among these events stand in for rows of the events: not read below.
    rising = _Events(
        events.row[negative],
        events.day[negative],
        events.signal[negative],
        negative,
        events.base,
        events.span,
    )
    # Their total rise (1 - f) * N(d0), N the tension of the cooperative events alone
    # (of the scored events, kept on them from one call to the next).
    fade = (1.0 - factor) * a0
    total += fade * cooperative(row, d0)
    found = [(alert, event, delta)]
    old = _largest_fades(kernel, rising, key[negative], row, d0, fade, total, top)
    if len(old[0]):
        # Back to positions among all the events of this kernel.
        index = negative[old[1]]
        found.append(
            (
                old[0],
                index,
                _change(
                    kernel,
                    events.signal[index],
                    events.day[index],
                    d1[old[0]],
                    d0[old[0]],
                    a1[old[0]],
                    a0[old[0]],
                ),
            )
        )
    alert, event, delta = (np.concatenate(p) for p in zip(*found, strict=True))
    return (alert, event, delta), total


def _older_ceiling(
    kernel: Kernel, rising: _Events, d0: np.ndarray
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """A bound on |c_i| on d0 over the events of a dyad up to each event, for alerts.

    ``ceiling(event, alert)`` >= max |s_i| K(d0 - t_i) over the events i <= ``event``
    of its dyad: those events are no younger than ``event`` and the kernel
    does not grow with age, so the dyad's largest |s| times K at the age of
    ``event`` bounds them.  Looser than a running maximum of the decayed
    signals, but one reduction per dyad instead of a pass with logarithms
    over every event; the caller widens its window until the bound is small.
    """
    magnitude = np.abs(rising.signal)
    starts = np.flatnonzero(np.r_[True, rising.row[1:] != rising.row[:-1]])
    largest = np.zeros(int(rising.row.max(initial=-1)) + 1)
    if len(magnitude):
        largest[rising.row[starts]] = np.maximum.reduceat(magnitude, starts)

    def ceiling(event: np.ndarray, alert: np.ndarray) -> np.ndarray:
        age = d0[alert] - rising.day[event]
        return np.asarray(largest[rising.row[event]] * kernel.weight(age) * (1.0 + _MARGIN))

    return ceiling


def _largest_fades(
    kernel: Kernel,
    rising: _Events,
    key: np.ndarray,
    row: np.ndarray,
    d0: np.ndarray,
    fade: np.ndarray,
    total: np.ndarray,
    top: int,
) -> tuple[np.ndarray, np.ndarray]:
    """``(alert, event)``: the old cooperative events that may drive each alert.

    ``key`` is ``rising.key`` (computed by the caller from all the events).

    For a kernel without memory an old event's change is ``fade`` times minus
    its contribution c on d0, so the drivers among them are the most negative
    c.  Each alert reads its latest ``width`` events first; the older ones
    are skipped when the largest of their contributions on d0
    (:func:`_older_ceiling`) changes less than the ``top``-th candidate found or
    1% of the total (with a margin for rounding: the exact changes are
    compared later).  Alerts where that does not hold read four times as many.
    """
    end = rising.after(key, row, d0)
    begin = rising.after(key, row, np.full_like(d0, rising.base - 1))
    ceiling = _older_ceiling(kernel, rising, d0)
    pending = np.flatnonzero(end > begin)
    # 64 first: on dense data most alerts needed more than 16 (a round spared).
    width = max(4 * top, 64)
    found: list[tuple[np.ndarray, np.ndarray]] = []
    while len(pending):
        # Blocks of alerts whose (alerts x width) arrays stay in cache: every
        # step is row by row, and a block of 512 KB per array is read several times
        # (measured on 52,691 alerts: 0.12 s, against 0.17-0.35 s in one block).
        step = max(1, _CACHED // width)
        left = []
        for a in range(0, len(pending), step):
            part = pending[a : a + step]
            lo = np.maximum(begin[part], end[part] - width)
            alert, event, done = _fades_of(
                kernel, rising, part, (lo, begin[part], end[part]), d0, (fade, total), top, ceiling
            )
            found.append((alert, event))
            left.append(part[~done])
        pending = np.concatenate(left)
        width *= 4
    alert, event = (
        (np.concatenate(p) for p in zip(*found, strict=True))
        if found
        else (np.zeros(0, np.intp),) * 2
    )
    return alert, event


def _fades_of(
    kernel: Kernel,
    rising: _Events,
    pending: np.ndarray,
    window: tuple[np.ndarray, np.ndarray, np.ndarray],
    d0: np.ndarray,
    needs: tuple[np.ndarray, np.ndarray],
    top: int,
    ceiling: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One block of :func:`_largest_fades`: events ``[lo, p)`` of alerts ``pending``.

    ``window`` is ``(lo, b, p)`` per alert (``b``: its dyad's first event);
    ``needs`` is ``(fade, total)`` of every alert.  Returns ``(alert, event,
    done)``: the candidates found and whether each alert needs no older event.
    """
    lo, b, p = window
    fade, total = needs[0][pending], needs[1][pending]
    span = int((p - lo).max())
    index = lo[:, None] + np.arange(span)
    valid = index < p[:, None]
    index = np.where(valid, index, lo[:, None])
    # Ages are >= 0 here (events up to d0), where K(age) is decay_over(age): one exp2.
    age = d0[pending, None] - rising.day[index]
    weight = kernel.decay_over(age)
    assert weight is not None  # a kernel without memory
    weight *= rising.signal[index]
    contribution = np.where(valid, weight, 0.0)
    kth = np.partition(contribution, top - 1, axis=1)[:, top - 1] if span >= top else 0.0
    # The smallest change a driver can have: the top-th found, or 1% of the total.
    need = np.maximum(-np.minimum(kth, 0.0) * fade, NEGLIGIBLE_SHARE * total)
    need *= 1.0 - _MARGIN
    outside = lo > b
    bound = ceiling(np.maximum(lo - 1, 0), pending) * fade
    done = ~outside | (bound * (1.0 + _MARGIN) < need)
    keep = valid & done[:, None] & (-contribution * fade[:, None] >= need[:, None])
    keep &= contribution < 0
    at, column = np.nonzero(keep)
    return pending[at], index[at, column], done


def _aggregation_on(
    scored: ScoredEvents, grid: IndexGrid, found: _Found
) -> tuple[np.ndarray, np.ndarray]:
    """Per alert, (a1, a0): 1, or under ``kernel_mean`` 1 / (information + prior) on each day."""
    if scored.config.aggregation != "kernel_mean":
        ones = np.ones(len(found.row))
        return ones, ones
    prior = scored.config.prior_events
    scales = []
    for column in (found.date, found.start):
        divisor = grid.decayed_count[found.row, column] + prior
        scales.append(np.divide(1.0, divisor, out=np.zeros(len(divisor)), where=divisor > 0))
    return scales[0], scales[1]


def _terms(
    scored: ScoredEvents, found: _Found, grid: IndexGrid, top: int, sign: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(alert, row, day, change)`` of the ``top`` drivers of each alert of ``found``.

    ``sign=1``: the events whose contribution rose most; ``sign=-1``: the same
    on the negated signals, so the events whose contribution fell most (their
    ``change`` is then minus theirs, > 0).  Sorted by alert, then by rank.
    """
    n = len(found.row)
    first = grid.grid.first_day
    # Alerts are sorted by dyad: number the dyads with alerts 0, 1, ...
    dyads, row = np.unique(found.row, return_inverse=True)
    codes = scored.labels.get_indexer(grid.labels[dyads])
    d1 = (first + found.date).astype(np.int64)
    d0 = (first + found.start).astype(np.int64)
    watched = _sorted_events(scored, codes, int(d1.max()))
    if sign < 0:
        watched = replace(watched, signal=-watched.signal)
    distinct, per_type = scored.kernels()
    parts = []
    total = np.zeros(n)
    if len(distinct) == 1:
        groups = [(distinct[0], watched)]
    else:
        kernel_of = per_type[scored.type_code[watched.position]]
        groups = [(k, watched.take(kernel_of == i)) for i, k in enumerate(distinct)]
    scales = _aggregation_on(scored, grid, found)
    for number, (kernel, mine) in enumerate(groups):
        # The events that rise when they fade: cooperative ones (or, for falls, conflict).
        def cooperative(at_row: np.ndarray, at_day: np.ndarray, k: int = number) -> np.ndarray:
            return -sign * _sided_at(scored, k, int(-sign), codes[at_row], at_day)

        (alert, event, change), rise = _candidates(
            kernel, mine, row, (d1, d0), scales, top, cooperative
        )
        total += rise
        parts.append((alert, mine.position[event], mine.day[event], change))
    alert, row, day, delta = [np.concatenate(p) for p in zip(*parts, strict=True)]
    # An event adding under 1% of the total rise (typically the fading of an old
    # cooperative event) did not drive the alert; explain() lists every term.
    keep = (delta > 0) & (delta >= NEGLIGIBLE_SHARE * total[alert])
    alert, row, day, delta = alert[keep], row[keep], day[keep], delta[keep]
    # Largest rise first; among equal rises, the later event first, then the earlier row
    # (day and row in one key).
    later_first = (np.int64(day.max(initial=0)) - day).astype(np.int64) << 32 | row
    order = _ranking(alert, delta, later_first)
    alert, row, day, delta = alert[order], row[order], day[order], delta[order]
    bounds = np.searchsorted(alert, np.arange(n + 1))
    keep = np.arange(len(alert)) - bounds[alert] < top
    return alert[keep], row[keep], day[keep], delta[keep]


def _ranking(alert: np.ndarray, delta: np.ndarray, later: np.ndarray) -> np.ndarray:
    """``np.lexsort((later, -delta, alert))``, by one sort of one packed key when it fits.

    Each key is replaced by its dense rank (ties keep one rank) and the three
    ranks are packed into an int64, ``alert`` in the high bits: one quicksort
    of 64-bit integers, where lexsort takes three stable sorts (measured on
    234,000 drivers: 66 ms for lexsort).  Rows equal in all three keys are
    equal rows, so their order does not matter.  Keys too many to pack fall
    back to lexsort.
    """
    _, by_delta = np.unique(-delta, return_inverse=True)
    _, by_later = np.unique(later, return_inverse=True)
    ranks = (alert, by_delta.ravel(), by_later.ravel())
    bits = [max(int(rank.max(initial=0)).bit_length(), 1) for rank in ranks]
    if sum(bits) > 63:
        return np.lexsort((later, -delta, alert))
    key = ranks[0].astype(np.int64) << (bits[1] + bits[2])
    key |= ranks[1].astype(np.int64) << bits[2]
    key |= ranks[2]
    return np.argsort(key)


def _sided_at(
    scored: ScoredEvents, kernel: int, side: int, code: np.ndarray, day: np.ndarray
) -> np.ndarray:
    """:meth:`ScoredEvents.sided_tension` of dyads ``code`` on ``day`` (any day).

    Only for a kernel without memory: after the last event, the last day's
    value decayed by :meth:`Kernel.decay_over`; before the first, 0.
    """
    first, last = scored.day_range
    grid = scored.sided_tension(kernel, side)
    value = grid[code, np.clip(day, first, last) - first]
    value[day < first] = 0.0
    later = day > last
    if later.any():
        factor = scored.kernels()[0][kernel].decay_over(day[later] - last)
        assert factor is not None  # only kernels without memory get here
        value[later] *= factor
    return np.asarray(value)


def _drivers(scored: ScoredEvents, found: _Found, grid: IndexGrid, top: int) -> _Drivers:
    """The ``top`` drivers of every alert: text, rows and ids.

    For an alert where the tension rose, the events whose contribution rose
    most; where it fell (``_EASING`` kinds), those whose contribution fell
    most, with their (negative) change.
    """
    n = len(found.row)
    easing = np.isin(found.kind, _EASING)
    if not easing.any():
        alert, row, day, delta = _terms(scored, found, grid, top, 1.0)
    else:
        parts = []
        for sign, mask in ((1.0, ~easing), (-1.0, easing)):
            which = np.flatnonzero(mask)
            if len(which):
                a, r, d, x = _terms(scored, found.take(which), grid, top, sign)
                parts.append((which[a], r, d, sign * x))
        alert, row, day, delta = (np.concatenate(p) for p in zip(*parts, strict=True))
        order = np.argsort(alert, kind="stable")  # keeps each alert's ranking
        alert, row, day, delta = alert[order], row[order], day[order], delta[order]
    bounds = np.searchsorted(alert, np.arange(n + 1))
    events = scored.events
    types = events["event_type"].cat
    names = np.asarray(types.categories.astype(str), dtype=object)[types.codes.to_numpy()[row]]
    # Each distinct day written once: drivers share a few thousand days.
    days, on = np.unique(day, return_inverse=True)
    when = np.datetime_as_string(days.astype("datetime64[D]")).astype(object)[on]
    pieces = [
        "%s %s (%+.3g)" % piece  # noqa: UP031 (a third faster than an f-string here)
        for piece in zip(names.tolist(), when.tolist(), delta.tolist(), strict=True)
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
    fall = stability[found.row, found.start] - stability[found.row, found.date]
    change = tension[found.row, found.date] - tension[found.row, found.start]
    # The move that raised the alert, > 0: in stability points, or in tension points.
    kind = found.kind
    size = np.select([kind <= 1, kind <= 3, kind == 4], [fall, -fall, change], -change)
    return pd.DataFrame(
        {
            "dyad": pd.Categorical.from_codes(codes, categories=scored.labels),
            "date": (first + found.date).astype("datetime64[D]").astype("datetime64[ns]"),
            "kind": pd.Categorical.from_codes(found.kind, categories=pd.Index(ALERT_KINDS)),
            "start": (first + found.start).astype("datetime64[D]").astype("datetime64[ns]"),
            "size": size,
            "stability": stability[found.row, found.date],
            "tension_change": change,
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
    above: float | None = None,
    rise: float | None = None,
    tension_rise: float | None = None,
    tension_fall: float | None = None,
    within_days: int = 7,
    top: int = 3,
    start: DateLike | None = None,
    end: DateLike | None = None,
    normalize: Normalize = "logistic",
    baseline: int = 365,
    coverage: pd.Series | Iterable[DateLike] | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """Threshold crossings and sharp drops or rises of the index, with the events that drove them.

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
    above : float, optional
        Alert when the stability goes from ``<= above`` on one day to
        ``> above`` on the next (``kind="crossing_up"``): the mirror of ``below``.
    rise : float, optional
        Alert when the stability rises by at least ``rise`` points (> 0)
        within ``within_days`` days (``kind="rise"``), by episodes as for ``drop``.
    tension_rise, tension_fall : float, optional
        Alert when the tension rises (``kind="tension_rise"``) or falls
        (``kind="tension_fall"``) by at least this many tension points (> 0)
        within ``within_days`` days, by episodes as for ``drop``.  They work
        where the stability is saturated near 0 or 100 and barely moves.
    within_days : int, default 7
        The span of a drop or a rise, in days (>= 1).
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
        One row per alert, sorted by dyad, date and kind (in the order of
        ``ALERT_KINDS``), with columns:

        - ``dyad``, ``date`` (the day the stability crossed, or the day the
          largest move completed), ``kind`` (``"crossing"``, ``"drop"``,
          ``"crossing_up"``, ``"rise"``, ``"tension_rise"`` or
          ``"tension_fall"``; a categorical with all six);
        - ``start``: the day compared with: the day before for a crossing, the
          highest day of the window for a drop or a tension fall, the lowest
          for a rise or a tension rise (the latest such day);
        - ``size``: how far the index moved from ``start`` to ``date``, > 0:
          in stability points for crossings, drops and rises (stability on
          ``start`` minus on ``date`` for a fall), in tension points for
          ``tension_rise`` and ``tension_fall``;
        - ``stability``: the stability on ``date``;
        - ``tension_change``: T(date) - T(start), the sum of every event's
          change of contribution;
        - ``drivers``: the ``top`` events whose contribution to the tension
          rose most (``crossing``, ``drop``, ``tension_rise``) or fell most
          (``crossing_up``, ``rise``, ``tension_fall``), as text, e.g.
          ``"water_cannon 2024-03-23 (+7)"`` or ``"leader_summit 2023-11-15 (-7)"``
          (the change in tension points); events moving it by less than 1% of
          the total of such changes are left out (:meth:`ScoredEvents.explain`
          lists every term);
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
        If no condition (``below``, ``drop``, ``above``, ``rise``,
        ``tension_rise``, ``tension_fall``) is given, or a parameter is invalid.
    EventValidationError
        If a dyad has no events (with suggestions), or raw events are invalid.

    See Also
    --------
    ScoredEvents.explain : the events behind one value of the index.
    changepoints : regime changes of the events.

    Notes
    -----
    A series that starts below ``below`` alerts only once it has come back
    above and crossed again (and one that starts above ``above`` once it
    has come back down).  A long, slow slide is one episode; its alert
    reports the largest fall within ``within_days`` days.  The stability is
    bounded: near 0 or 100 a new incident or summit moves it by a fraction of
    a point, so a ``drop`` or a ``rise`` there cannot fire; the same move of
    the tension can (``tension_rise``, ``tension_fall``).

    Examples
    --------
    >>> import tensionindex as ti
    >>> events = [
    ...     {"date": "2024-03-01", "actor1": "PHL", "actor2": "CHN",
    ...      "event_type": "critical_statement", "event_id": "a"},
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

    A summit ten days later is an improvement; its drivers lowered the tension
    (the summit, and the fading of the water cannon since the day before):

    >>> events.append({"date": "2024-03-15", "actor1": "CHN", "actor2": "PHL",
    ...                "event_type": "leader_summit", "event_id": "c"})
    >>> better = ti.alerts(ti.score(events), above=40, rise=10, end="2024-03-20")
    >>> better[["date", "kind", "start", "size", "stability"]]
            date         kind      start       size  stability
    0 2024-03-15  crossing_up 2024-03-14  17.179761  49.992068
    1 2024-03-15         rise 2024-03-08  19.484785  49.992068
    >>> better.loc[0, "drivers"], better.loc[0, "event_ids"]
    ('leader_summit 2024-03-15 (-7); water_cannon 2024-03-05 (-0.13)', ['c', 'b'])
    """
    conditions = {
        "below": below,
        "drop": drop,
        "above": above,
        "rise": rise,
        "tension_rise": tension_rise,
        "tension_fall": tension_fall,
    }
    if all(value is None for value in conditions.values()):
        raise InvalidParameterError(
            "alerts needs a condition: give below= or above= (a stability level to watch "
            "for crossings), drop= or rise= (stability points lost or gained within "
            "within_days days), tension_rise= or tension_fall= (tension points gained or "
            "lost within within_days days), or several."
        )
    data = as_scored(scored, config, overrides, coverage=coverage)
    data.require_days("alerts")
    grid = data.index_grid(
        start=start,
        end=end,
        dyads=dyads,
        normalize=normalize,
        baseline=baseline,
        information=False,  # read under kernel_mean only, which computes it anyway
    )
    parts = [_Found.none()]
    if grid.grid.n_days > 0:
        parts += _find(grid, conditions, int(within_days))
    found = _Found.join(parts)
    out = _frame(data, grid, found, int(top)) if len(found.row) else _empty(data.labels)
    thresholds: dict[str, Any] = {
        name: None if value is None else float(value) for name, value in conditions.items()
    }
    thresholds |= {"within_days": int(within_days), "top": int(top)}
    extra: dict[str, Any] = {"normalize": normalize, "alerts": thresholds}
    if data.as_of is not None:
        extra["as_of"] = str(np.datetime64(data.as_of, "D"))
    return stamp(out, data.config, **extra)


def _find(
    grid: IndexGrid, conditions: Mapping[str, float | None], within_days: int
) -> list[_Found]:
    """The alerts of every condition given, on the stability or the tension grid."""
    code = {kind: k for k, kind in enumerate(ALERT_KINDS)}
    stability, tension = grid.stability, grid.tension
    found = []
    below, drop = conditions["below"], conditions["drop"]
    above, rise = conditions["above"], conditions["rise"]
    if below is not None:
        found.append(_crossings(stability, float(below), code["crossing"]))
    if drop is not None:
        found.append(_drops(stability, float(drop), within_days, code["drop"]))
    # Upward moves are the downward moves of the negated series.
    if above is not None:
        found.append(_crossings(-stability, -float(above), code["crossing_up"]))
    if rise is not None:
        found.append(_drops(-stability, float(rise), within_days, code["rise"]))
    if conditions["tension_rise"] is not None:
        size = float(conditions["tension_rise"])
        found.append(_drops(-tension, size, within_days, code["tension_rise"]))
    if conditions["tension_fall"] is not None:
        size = float(conditions["tension_fall"])
        found.append(_drops(tension, size, within_days, code["tension_fall"]))
    return found
