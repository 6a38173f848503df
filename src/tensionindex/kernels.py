"""Kernels: how a day's signal keeps counting on later days.

Pure numpy on dense ``(n_dyads, n_days)`` grids; no pandas, no loops over
events or days.  For a daily signal x(t) the tension is

    T(t) = sum over tau <= t of x(tau) * K(t - tau)

with ``K(D) = 2 ** (-D / half_life)`` (:class:`Exponential`) or ``K(D) = 1``
for ``0 <= D < window`` and 0 after (:class:`Window`).  One kernel is not a
sum of that form: :class:`CarryOver` carries each day's value into the next,
moved by the day's signal and held within ``[-bound, bound]`` (the style of
the Tsinghua index of China's relations with the great powers); it is not
linear in the signals (:attr:`Kernel.linear` is False).

Each kernel is a small frozen object that knows its own decay, how to turn
daily grids (or events) into tension, and how to fold the past into a compact
*carry* for the incremental :class:`~tensionindex.IndexState`.  A
configuration names its kernel (``IndexConfig(kernel="window")``) and
:func:`make_kernel` looks the name up in :data:`KERNELS`: this module is the
only place that tells kernels apart.  To add a kernel, subclass
:class:`Kernel`, implement its four methods and add it to :data:`KERNELS`
(and a test in ``tests/test_kernels.py`` comparing it with the naive sum
above).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar, NamedTuple

import numpy as np

from tensionindex._sums import exact_bincount

__all__ = [
    "KERNELS",
    "SCAN_BLOCK_DAYS",
    "Carried",
    "CarryOver",
    "Exponential",
    "Kernel",
    "Window",
    "add_carry_in",
    "decayed_cumsum",
    "exponential_tension",
    "kernel_from_dict",
    "make_kernel",
    "scan_block",
    "window_from_daily",
    "window_live",
    "window_tension",
]


class Carried(NamedTuple):
    """A kernel's carry (:meth:`Kernel.compress`): entries ``(dyad, day, value)`` and a start.

    ``start`` is None when every entry is a past cell (a daily signal) or a
    value to enter as one; for the exponential kernel it is the first day of
    the scan's block on the anchor, and the entries dated ``start - 1`` hold
    the value the scan carries into that block.
    """

    dyad: np.ndarray
    day: np.ndarray
    value: np.ndarray
    start: int | None


class Kernel(ABC):
    """How long, and how much, an event keeps counting: K(D) for an age of D days.

    Subclasses are frozen dataclasses whose fields are the kernel's settings
    (the configuration fields named in :attr:`settings`), so kernels compare
    and hash by value: events with equal kernels are computed together.
    """

    #: Name in :data:`KERNELS` and in ``IndexConfig(kernel=...)``.
    name: ClassVar[str]
    #: The configuration fields this kernel reads; the others change no number.
    settings: ClassVar[tuple[str, ...]]
    #: Whether :meth:`from_daily` reads the daily event counts (else ``count`` may be None).
    needs_counts: ClassVar[bool] = False
    #: Whether the tension is sum_i K(t - t_i) s_i exactly, so that it splits by
    #: event, type or category (contributions, parts, weight influence).
    linear: ClassVar[bool] = True

    @abstractmethod
    def weight(self, age_days: np.ndarray) -> np.ndarray:
        """K(D) for ages in days (0 for negative ages: no look-ahead)."""

    @property
    @abstractmethod
    def reach(self) -> float:
        """Days after which K is 0 (``math.inf`` when it never is)."""

    def decay_over(self, span_days: np.ndarray) -> np.ndarray | None:
        """K(D + span) / K(D) when it is the same for every age D >= 0, else None.

        A kernel without memory (:class:`Exponential`) shrinks every weight by
        the same factor over ``span_days`` days, whatever its age, so the
        contributions of past events on a later day are one vector scaled
        (what :func:`tensionindex.alerts` uses to rank its drivers).  Other
        kernels return None (the default).

        Examples
        --------
        >>> Exponential(30.0).decay_over(np.array([0, 30]))
        array([1. , 0.5])
        >>> Window(90).decay_over(np.array([30])) is None
        True
        """
        return None

    @abstractmethod
    def from_daily(
        self,
        daily: np.ndarray,
        count: np.ndarray | None,
        carry: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        *,
        overwrite: bool = False,
        first_day: int = 0,
    ) -> np.ndarray:
        """Tension grid from the ``(n_dyads, n_days)`` daily signal and event counts.

        ``carry`` holds ``(dyad, day, signal)`` of events before the grid
        (``day < 0``, relative to its first day), which enter through the
        kernel.  ``daily`` is not modified unless ``overwrite`` (the caller
        has no further use for it: the kernel may work in it).
        ``first_day`` is the grid's first day (days since 1970-01-01): the
        exponential kernel's scan cuts its blocks on fixed days, so that an
        :class:`~tensionindex.IndexState` resumed at a block's start repeats
        the same operations (:func:`decayed_cumsum`).
        """

    def information(
        self,
        count: np.ndarray,
        carry: tuple[np.ndarray, np.ndarray] | None = None,
        *,
        first_day: int = 0,
    ) -> np.ndarray:
        """sum_i K(t - t_i), the decayed number of events, from the daily count grid.

        ``carry`` holds ``(dyad, day)`` of the events before the grid.  By
        default the kernel applied to a signal of ones; kernels that count
        events anyway (:class:`Window`) do it in one pass.

        Examples
        --------
        >>> Exponential(1.0).information(np.array([[2, 0, 0]]))
        array([[2. , 1. , 0.5]])
        """
        ones = None if carry is None else (carry[0], carry[1], np.ones(len(carry[1])))
        return self.from_daily(
            count.astype(float), count, ones, overwrite=True, first_day=first_day
        )

    def with_information(
        self,
        daily: np.ndarray,
        count: np.ndarray,
        carry: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        *,
        overwrite: bool = False,
        first_day: int = 0,
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`from_daily` and :meth:`information` at once (kernels may share work)."""
        counted = None if carry is None else (carry[0], carry[1])
        tension = self.from_daily(daily, count, carry, overwrite=overwrite, first_day=first_day)
        return tension, self.information(count, counted, first_day=first_day)

    def from_events(
        self,
        dyad: np.ndarray,
        day: np.ndarray,
        signal: np.ndarray,
        *,
        n_dyads: int,
        n_days: int,
        first_day: int = 0,
    ) -> np.ndarray:
        """Tension grid of events (``day`` relative to the grid; < ``n_days``)."""
        inside = day >= 0
        daily = _grid(dyad[inside], day[inside], signal[inside], n_dyads, n_days)
        count = _counts(dyad[inside], day[inside], n_dyads, n_days)
        outside = ~inside
        carry = (dyad[outside], day[outside], signal[outside]) if outside.any() else None
        return self.from_daily(daily, count, carry, first_day=first_day)

    @abstractmethod
    def compress(
        self,
        dyad: np.ndarray,
        day: np.ndarray,
        values: np.ndarray,
        anchor: int,
        start: int | None = None,
    ) -> Carried:
        """The carry of past cells on day ``anchor``: what later days need of them.

        ``(dyad, day, values)`` are per dyad-day signals (days <= ``anchor``),
        with the entries of a previous carry of this kernel whose ``start``
        is given (None: every entry is a cell).  The result, given to
        :meth:`resume`, gives the same tension on a grid that starts after
        ``anchor`` as the cells themselves, to the last bit.  It is as small
        as the kernel allows: the value on the first day of the exponential
        scan's block and the cells since (:class:`Exponential`), the last
        ``window`` days (:class:`Window`), one value per dyad
        (:class:`CarryOver`).
        """

    def resume(
        self,
        carry: Carried,
        dyad: np.ndarray,
        day: np.ndarray,
        values: np.ndarray,
        *,
        first_day: int,
        n_dyads: int,
        n_days: int,
    ) -> np.ndarray:
        """Tension on the grid of ``n_days`` from ``first_day``: a carry, then later cells.

        ``carry`` is what :meth:`compress` returned; ``(dyad, day, values)``
        are per dyad-day signals after its anchor (absolute days, before the
        grid's end).  By default the carry's entries are events before the
        grid, as :meth:`from_events` takes them.

        Examples
        --------
        >>> kernel = Exponential(1.0)
        >>> carry = kernel.compress(np.array([0]), np.array([62]), np.array([8.0]), 63)
        >>> carry.start, carry.day.tolist(), carry.value.tolist()  # a block ends on day 63
        (64, [63], [4.0])
        >>> kernel.resume(carry, np.array([0]), np.array([65]), np.array([1.0]),
        ...               first_day=64, n_dyads=1, n_days=3)
        array([[2., 2., 1.]])
        """
        return self.from_events(
            np.concatenate([carry.dyad, dyad]),
            np.concatenate([carry.day, day]) - first_day,
            np.concatenate([carry.value, values]),
            n_dyads=n_dyads,
            n_days=n_days,
            first_day=first_day,
        )

    def to_dict(self) -> dict[str, Any]:
        """The kernel as plain JSON: its name and settings.

        Examples
        --------
        >>> Exponential(14.0).to_dict()
        {'name': 'exponential', 'half_life': 14.0}
        """
        # fields() leaves out the ClassVars (name, settings) that __dataclass_fields__ holds.
        settings = {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]
        return {"name": self.name, **settings}


@dataclass(frozen=True)
class Exponential(Kernel):
    """K(D) = 2 ** (-D / half_life): a signal halves every ``half_life`` days.

    Examples
    --------
    >>> Exponential(30.0).weight(np.array([0, 30, 60]))
    array([1.  , 0.5 , 0.25])
    """

    half_life: float
    name: ClassVar[str] = "exponential"
    settings: ClassVar[tuple[str, ...]] = ("half_life", "category_half_lives")

    def weight(self, age_days: np.ndarray) -> np.ndarray:
        age = np.asarray(age_days, dtype=float)
        return np.where(age >= 0, np.exp2(-np.maximum(age, 0.0) / self.half_life), 0.0)

    @property
    def reach(self) -> float:
        return math.inf

    def decay_over(self, span_days: np.ndarray) -> np.ndarray:
        return np.exp2(-np.asarray(span_days, dtype=float) / self.half_life)

    def from_daily(
        self,
        daily: np.ndarray,
        count: np.ndarray | None,
        carry: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        *,
        overwrite: bool = False,
        first_day: int = 0,
    ) -> np.ndarray:
        # decayed_cumsum works in place: on a copy unless the caller gives daily up.
        tension = daily if overwrite and daily.dtype == float else np.array(daily, dtype=float)
        if carry is not None:
            add_carry_in(tension, *carry, self.half_life)
        return decayed_cumsum(tension, self.half_life, first_day=first_day)

    def from_events(
        self,
        dyad: np.ndarray,
        day: np.ndarray,
        signal: np.ndarray,
        *,
        n_dyads: int,
        n_days: int,
        first_day: int = 0,
    ) -> np.ndarray:
        # The daily counts are not needed: skip building them.
        return exponential_tension(
            dyad,
            day,
            signal,
            n_dyads=n_dyads,
            n_days=n_days,
            half_life=self.half_life,
            first_day=first_day,
        )

    def compress(
        self,
        dyad: np.ndarray,
        day: np.ndarray,
        values: np.ndarray,
        anchor: int,
        start: int | None = None,
    ) -> Carried:
        # The scan of decayed_cumsum, replayed up to the last block boundary on or
        # before the day after the anchor: the value T(b - 1) it carries into that
        # block, and the cells since b.  Resumed from b (resume), the scan repeats
        # the operations of one scan over all the days, so that the state's rows do
        # not depend on how the events were split into batches.
        block = scan_block(self.half_life)
        if block == 0:  # a prefix scan (half-lives under an hour): T(anchor) per dyad
            present = np.unique(dyad)
            decayed = values * np.exp2(-(anchor - day) / self.half_life)
            total = exact_bincount(dyad, decayed, int(dyad.max(initial=-1)) + 1)
            return Carried(present, np.full(len(present), anchor, np.int64), total[present], None)
        boundary = (anchor + 1) // block * block
        n = int(dyad.max(initial=-1)) + 1
        initial, cells = _split_carry(dyad, day, values, start, n)
        # Without a block start yet, the scan starts at the first cell.
        begin = int(day.min(initial=boundary)) if start is None else start
        if boundary <= begin:  # no block has ended since: the carry as it is
            return Carried(dyad, day, values, start)
        # Replay the scan up to the block boundary, keep the cells since.
        early = cells & (day < boundary)
        x = _grid(dyad[early], day[early] - begin, values[early], n, boundary - begin)
        value_on = decayed_cumsum(x, self.half_life, first_day=begin, carry=initial)[:, -1]
        keep = cells & (day >= boundary)
        present = np.flatnonzero(value_on)
        return Carried(
            np.concatenate([present, dyad[keep]]).astype(np.int64),
            np.concatenate([np.full(len(present), boundary - 1), day[keep]]).astype(np.int64),
            np.concatenate([value_on[present], values[keep]]).astype(float),
            boundary,
        )

    def resume(
        self,
        carry: Carried,
        dyad: np.ndarray,
        day: np.ndarray,
        values: np.ndarray,
        *,
        first_day: int,
        n_dyads: int,
        n_days: int,
    ) -> np.ndarray:
        late_start = carry.start is not None and carry.start > first_day
        if scan_block(self.half_life) == 0 or late_start:
            return super().resume(
                carry, dyad, day, values, first_day=first_day, n_dyads=n_dyads, n_days=n_days
            )
        # From the carry's block start, or its first cell: the scan of one batch,
        # operation for operation, where events before the grid would enter as a
        # carry-in rounded otherwise.
        initial, cells = _split_carry(carry.dyad, carry.day, carry.value, carry.start, n_dyads)
        if carry.start is None:
            earliest = min(carry.day.min(initial=first_day), day.min(initial=first_day))
            begin = int(min(first_day, earliest))
        else:
            begin = carry.start
        all_dyad = np.concatenate([carry.dyad[cells], dyad])
        all_day = np.concatenate([carry.day[cells], day]) - begin
        all_value = np.concatenate([carry.value[cells], values])
        x = _grid(all_dyad, all_day, all_value, n_dyads, first_day + n_days - begin)
        scan = decayed_cumsum(x, self.half_life, first_day=begin, carry=initial)
        return scan[:, first_day - begin :]


def _split_carry(
    dyad: np.ndarray, day: np.ndarray, values: np.ndarray, start: int | None, n_dyads: int
) -> tuple[np.ndarray | None, np.ndarray]:
    """An exponential carry's T(start - 1) per dyad (None without a start), and its cells.

    The entries dated ``start - 1`` hold the value carried into the block; the
    others (all of them without a start) are daily cells.
    """
    if start is None:
        return None, np.full(len(day), True)
    at = day == start - 1
    initial = np.zeros(n_dyads)
    initial[dyad[at]] = values[at]
    return initial, day >= start


@dataclass(frozen=True)
class Window(Kernel):
    """K(D) = 1 for 0 <= D < window, then 0: a moving sum of the last ``window`` days.

    Examples
    --------
    >>> Window(90).weight(np.array([0, 89, 90]))
    array([1., 1., 0.])
    """

    window: int
    name: ClassVar[str] = "window"
    settings: ClassVar[tuple[str, ...]] = ("window",)
    # The live-event count restores exact zeros once every event has left the window.
    needs_counts: ClassVar[bool] = True

    def weight(self, age_days: np.ndarray) -> np.ndarray:
        age = np.asarray(age_days, dtype=float)
        return ((age >= 0) & (age < self.window)).astype(float)

    @property
    def reach(self) -> float:
        return float(self.window)

    def from_daily(
        self,
        daily: np.ndarray,
        count: np.ndarray | None,
        carry: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        *,
        overwrite: bool = False,
        first_day: int = 0,
    ) -> np.ndarray:
        if count is None:
            raise ValueError("the window kernel needs the daily event counts")
        return self.with_information(daily, count, carry)[0]

    def information(
        self,
        count: np.ndarray,
        carry: tuple[np.ndarray, np.ndarray] | None = None,
        *,
        first_day: int = 0,
    ) -> np.ndarray:
        # The events inside the window, counted exactly (integers in floats): one rolling sum.
        if carry is None:
            return window_live(count, self.window)
        return window_live(count, self.window, *carry)

    def with_information(
        self,
        daily: np.ndarray,
        count: np.ndarray,
        carry: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        *,
        overwrite: bool = False,
        first_day: int = 0,
    ) -> tuple[np.ndarray, np.ndarray]:
        # The live count both is the information and restores the exact zeros.
        if carry is None:
            live = window_live(count, self.window)
            return window_from_daily(daily, count, self.window, live=live), live
        live = window_live(count, self.window, carry[0], carry[1])
        return window_from_daily(daily, count, self.window, *carry, live=live), live

    def compress(
        self,
        dyad: np.ndarray,
        day: np.ndarray,
        values: np.ndarray,
        anchor: int,
        start: int | None = None,
    ) -> Carried:
        # Only the cells still inside the window after the anchor matter.
        keep = day > anchor - self.window
        return Carried(dyad[keep], day[keep], values[keep], None)


@dataclass(frozen=True)
class CarryOver(Kernel):
    """T(t) = clip(T(t - 1) + x(t), -bound, bound): each day moves yesterday's value.

    Nothing decays: the value carries over unchanged until events move it,
    and it never leaves ``[-bound, bound]`` (what a signal would push past a
    bound is lost, so the first event in the other direction moves the value
    back at once).  This is the bounded carry-over of the Tsinghua index of
    China's relations with the great powers (Yan and Zhou 2004), applied day
    by day; see docs/methodology.md for how it compares with the published
    monthly method.  Not linear in the signals: :meth:`weight` is the 1 that
    each event adds before the bound is applied.

    Examples
    --------
    >>> CarryOver(10.0).from_daily(np.array([[4.0, 8.0, 0.0, -3.0]]), None)
    array([[ 4., 10., 10.,  7.]])
    """

    bound: float
    name: ClassVar[str] = "carryover"
    settings: ClassVar[tuple[str, ...]] = ("bound",)
    linear: ClassVar[bool] = False

    def weight(self, age_days: np.ndarray) -> np.ndarray:
        return (np.asarray(age_days, dtype=float) >= 0).astype(float)

    @property
    def reach(self) -> float:
        return math.inf

    def from_daily(
        self,
        daily: np.ndarray,
        count: np.ndarray | None,
        carry: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        *,
        overwrite: bool = False,
        first_day: int = 0,
    ) -> np.ndarray:
        n_dyads, n_days = daily.shape
        state = np.zeros(n_dyads)
        if carry is not None and len(carry[1]):
            state = self._walk(state, *carry)
        out = daily if overwrite and daily.dtype == float else np.array(daily, dtype=float)
        # One step per day, vectorised over dyads: the bound makes each day depend
        # on the clipped value of the day before, so there is no closed form.
        for t in range(n_days):
            state += out[:, t]
            np.clip(state, -self.bound, self.bound, out=state)
            out[:, t] = state
        return out

    def _walk(
        self, state: np.ndarray, dyad: np.ndarray, day: np.ndarray, signal: np.ndarray
    ) -> np.ndarray:
        """``state`` moved through the days of ``(dyad, day, signal)``, in day order."""
        days, where = np.unique(day, return_inverse=True)
        order = np.argsort(where, kind="stable")
        bounds = np.searchsorted(where[order], np.arange(len(days) + 1))
        for k in range(len(days)):
            rows = order[bounds[k] : bounds[k + 1]]
            state += exact_bincount(dyad[rows], signal[rows], len(state))
            np.clip(state, -self.bound, self.bound, out=state)
        return state

    def information(
        self,
        count: np.ndarray,
        carry: tuple[np.ndarray, np.ndarray] | None = None,
        *,
        first_day: int = 0,
    ) -> np.ndarray:
        # Nothing decays: every event so far (K = 1), no bound on the count.
        total = np.cumsum(count, axis=1, dtype=float)
        if carry is not None and len(carry[1]):
            total += np.bincount(carry[0], minlength=count.shape[0])[:, None]
        return total

    def compress(
        self,
        dyad: np.ndarray,
        day: np.ndarray,
        values: np.ndarray,
        anchor: int,
        start: int | None = None,
    ) -> Carried:
        # The value on the anchor day is all later days need of the past.
        present = np.unique(dyad)
        n = int(dyad.max(initial=-1)) + 1
        state = self._walk(np.zeros(n), dyad, day, values)
        return Carried(present, np.full(len(present), anchor, np.int64), state[present], None)


#: The kernels by name, as ``IndexConfig(kernel=...)`` spells them.
KERNELS: Mapping[str, type[Kernel]] = {
    "exponential": Exponential,
    "window": Window,
    "carryover": CarryOver,
}


def make_kernel(name: str, *, half_life: float, window: int, bound: float = 30.0) -> Kernel:
    """The kernel called ``name`` with the settings it reads.

    Examples
    --------
    >>> make_kernel("window", half_life=30.0, window=90)
    Window(window=90)
    >>> make_kernel("carryover", half_life=30.0, window=90, bound=9.0)
    CarryOver(bound=9.0)
    """
    kind = KERNELS[name]
    given: dict[str, Any] = {
        "half_life": float(half_life),
        "window": int(window),
        "bound": float(bound),
    }
    fields = kind.__dataclass_fields__  # type: ignore[attr-defined]
    return kind(**{k: v for k, v in given.items() if k in fields})


def kernel_from_dict(data: Mapping[str, Any]) -> Kernel:
    """Rebuild a kernel saved with :meth:`Kernel.to_dict`."""
    settings = {k: v for k, v in data.items() if k != "name"}
    kind = KERNELS[str(data["name"])]
    return kind(**settings)


def _grid(
    dyad: np.ndarray, day: np.ndarray, signal: np.ndarray, n_dyads: int, n_days: int
) -> np.ndarray:
    """Sum ``signal`` into a dense grid; ``day`` must lie in ``[0, n_days)``."""
    flat = dyad.astype(np.int64) * n_days + day
    # Exact per cell: the same grid in any row order.
    return exact_bincount(flat, signal, n_dyads * n_days).reshape(n_dyads, n_days)


def exponential_tension(
    dyad: np.ndarray,
    day: np.ndarray,
    signal: np.ndarray,
    *,
    n_dyads: int,
    n_days: int,
    half_life: float,
    first_day: int = 0,
) -> np.ndarray:
    """Exponentially decayed tension on the grid ``[0, n_days)``.

    ``day`` is each event's day relative to the grid's first day; events with
    ``day < 0`` happened before the grid and enter as a decayed carry-in on
    day 0.  Events with ``day >= n_days`` must be removed by the caller.

    The recursion T(t) = a * T(t-1) + x(t), a = 2 ** (-1 / half_life), is
    solved for all dyads at once by :func:`decayed_cumsum` (``first_day``: the
    grid's first day, where its blocks fall).
    """
    if len(day) and day.min() >= 0:  # nothing before the grid: no copies
        grid = _grid(dyad, day, signal, n_dyads, n_days)
        return decayed_cumsum(grid, half_life, first_day=first_day)
    inside = day >= 0
    tension = _grid(dyad[inside], day[inside], signal[inside], n_dyads, n_days)
    add_carry_in(tension, dyad, day, signal, half_life)
    return decayed_cumsum(tension, half_life, first_day=first_day)


def add_carry_in(
    grid: np.ndarray, dyad: np.ndarray, day: np.ndarray, signal: np.ndarray, half_life: float
) -> None:
    """Add to day 0 of ``grid`` the decayed signals of events before it (``day < 0``)."""
    before = day < 0
    if before.any():
        carry = signal[before] * np.exp2(day[before] / half_life)
        grid[:, 0] += exact_bincount(dyad[before], carry, grid.shape[0])


#: Longest block of the blocked scan, in days.  Blocks start on multiples of their
#: length counted from 1970-01-01, whatever the grid's first day, so that a scan
#: resumed at a block's start (an IndexState's carry) repeats the operations of a
#: scan over all the days.  64 days keep a block of 1,000 dyads in a core's cache.
_BLOCK_DAYS = 64
#: The longest block of :func:`decayed_cumsum`: a carry's ``start`` lies within it.
SCAN_BLOCK_DAYS = _BLOCK_DAYS


def scan_block(half_life: float, peak: float = 1.0) -> int:
    """Days per block of :func:`decayed_cumsum` (a power of two), or 0 for its prefix scan.

    At most 64 days and 500 half-lives (so that 2 ** (B / half_life) stays below
    2 ** 500), and short enough that B scaled values of magnitude ``peak`` cannot
    overflow: it depends on the data only for values above about 1e140.

    Examples
    --------
    >>> scan_block(30.0), scan_block(0.05), scan_block(0.01)
    (64, 16, 0)
    """
    room = 1000.0 - math.log2(max(peak, 1.0)) - math.log2(_BLOCK_DAYS)
    limit = min(_BLOCK_DAYS, 500.0 * half_life, max(room, 0.0) * half_life)
    if limit < 16:
        return 0
    return 1 << math.floor(math.log2(limit))


def decayed_cumsum(
    x: np.ndarray,
    half_life: float,
    *,
    first_day: int = 0,
    carry: np.ndarray | None = None,
) -> np.ndarray:
    """Solve T(t) = a * T(t-1) + x(t), a = 2 ** (-1 / half_life), along axis 1, in place.

    Within a block of days starting on day b, T(b + k) = a^k * (a * T(b - 1) +
    sum_{j <= k} x(b + j) a^-j): one scaled cumulative sum per block,
    vectorised over dyads, with the last value carried to the next block.
    Blocks end before the days that are multiples of B (``first_day`` is
    column 0's day, counted from 1970-01-01): the first block runs from
    column 0 to the first such day, the others are B days long.  A scan
    resumed on one of those days with ``carry`` = T(b - 1) so repeats the
    operations of one scan over all the days, to the last bit, and an event
    on the first day of a grid keeps its value exactly.  B
    (:func:`scan_block`) is at most 64 days and keeps a^-B below 2^500 and
    the scaled sums below overflow, so the result is exact to rounding over
    the whole range of floats; the rounding error is of order
    B ulps of the sum of absolute contributions.  For half-lives under an
    hour, or values so large that blocks would be tiny, a parallel prefix
    scan (log2(n_days) passes, no scaling) is used.

    Examples
    --------
    >>> decayed_cumsum(np.array([[4.0, 0.0, 0.0, 2.0]]), half_life=1.0)
    array([[4. , 2. , 1. , 2.5]])
    >>> decayed_cumsum(np.array([[0.0, 2.0]]), half_life=1.0, carry=np.array([8.0]))
    array([[4., 4.]])
    """
    n_days = x.shape[1]
    # Headroom: |scaled partial sums| <= B * peak * 2^(B / h) must stay below 2^1000.
    peak = max(float(x.max(initial=0.0)), -float(x.min(initial=0.0)), 1.0)
    if carry is not None:
        peak = max(peak, float(np.abs(carry).max(initial=0.0)))
    block = scan_block(half_life, peak)
    decay_one_day = np.exp2(-1.0 / half_life)
    if block == 0:
        if carry is not None and n_days:
            x[:, 0] += carry * decay_one_day
        step = 1
        while step < n_days:
            # The right-hand side is evaluated first, so it reads the old values.
            x[:, step:] += np.exp2(-step / half_life) * x[:, :-step]
            step *= 2
        return x
    ages = np.arange(block)
    up, down = np.exp2(ages / half_life), np.exp2(-ages / half_life)
    value = np.zeros(x.shape[0]) if carry is None else np.asarray(carry, dtype=float)
    # Up to the next multiple of B: a short first block, whole blocks, a short last one.
    head = min((block - first_day % block) % block, n_days)
    whole = (n_days - head) // block
    if head:
        value = _scan_block(x[:, :head], value, up, down, decay_one_day)
    if whole:
        # The scalings of all whole blocks in one pass each over the grid (rows of
        # whole blocks are contiguous), the scaled sums block by block: the same
        # operations on every value as :func:`_scan_block`, so the same bits.
        region = x[:, head : head + whole * block]
        region *= np.tile(up, whole)
        blocks = region.reshape(x.shape[0], whole, block)
        if whole > 4 * x.shape[0] and np.may_share_memory(blocks, x):
            # Few dyads over many blocks: every block's sums at once, then only the
            # values carried from block to block one at a time.
            np.cumsum(blocks, axis=2, out=blocks)
            last = blocks[:, :, -1].copy()
            into = np.empty_like(last)
            for k in range(whole):
                into[:, k] = value * decay_one_day
                value = (last[:, k] + into[:, k]) * down[-1]
            blocks += into[:, :, None]
        else:
            for k in range(whole):
                part = region[:, k * block : (k + 1) * block]
                np.cumsum(part, axis=1, out=part)
                part += (value * decay_one_day)[:, None]
                value = part[:, -1] * down[-1]
        region *= np.tile(down, whole)
    if head + whole * block < n_days:
        _scan_block(x[:, head + whole * block :], value, up, down, decay_one_day)
    return x


def _scan_block(
    part: np.ndarray, value: np.ndarray, up: np.ndarray, down: np.ndarray, decay: float
) -> np.ndarray:
    """One block of :func:`decayed_cumsum`, in place; returns its last column."""
    width = part.shape[1]
    part *= up[:width]
    np.cumsum(part, axis=1, out=part)
    part += (value * decay)[:, None]
    part *= down[:width]
    return part[:, -1].copy()


def window_tension(
    dyad: np.ndarray,
    day: np.ndarray,
    signal: np.ndarray,
    *,
    n_dyads: int,
    n_days: int,
    window: int,
) -> np.ndarray:
    """Sum of the signals of the last ``window`` days on the grid ``[0, n_days)``.

    ``day`` is relative to the grid's first day; events before it (``day < 0``)
    count from day 0 until they leave the window.  Events with ``day >=
    n_days`` must be removed by the caller.
    """
    inside = day >= 0
    daily = _grid(dyad[inside], day[inside], signal[inside], n_dyads, n_days)
    count = _counts(dyad[inside], day[inside], n_dyads, n_days)
    outside = ~inside
    return window_from_daily(daily, count, window, dyad[outside], day[outside], signal[outside])


def window_from_daily(
    daily: np.ndarray,
    count: np.ndarray,
    window: int,
    carry_dyad: np.ndarray | None = None,
    carry_day: np.ndarray | None = None,
    carry_signal: np.ndarray | None = None,
    *,
    live: np.ndarray | None = None,
) -> np.ndarray:
    """Window tension from the daily signal and event-count grids.

    T(t) = C(t) - C(t - window) with C the running sum of the daily signal
    along each row: one cumulative sum, no pass over events.  Events before the
    grid (``carry_*``, with ``carry_day < 0``) count from day 0 until day
    ``carry_day + window``.  The running sums leave rounding residue (~1e-15)
    once every event has left the window; counting live events exactly, in
    integers, restores the exact zero.

    Examples
    --------
    One dyad, events on days 0 and 2, a 2-day window; one more event, 1 day
    before the grid, still counts on day 0:

    >>> daily = np.array([[0.1, 0.0, 0.2, 0.0, 0.0]])
    >>> count = np.array([[1, 0, 1, 0, 0]])
    >>> window_from_daily(daily, count, 2)
    array([[0.1, 0.1, 0.2, 0.2, 0. ]])
    >>> window_from_daily(daily, count, 2, np.array([0]), np.array([-1]), np.array([5.0]))
    array([[5.1, 0.1, 0.2, 0.2, 0. ]])
    """
    n_dyads, n_days = daily.shape
    tension = _rolling_sum(daily, window)
    if carry_day is not None and len(carry_day):
        assert carry_dyad is not None and carry_signal is not None
        expiry = carry_day + window
        keep = expiry > 0  # still in the window on the grid's first day
        dyad, signal, expiry = carry_dyad[keep], carry_signal[keep], expiry[keep]
        tension += _carried(dyad, expiry, signal, n_dyads, n_days)
    if live is None:  # the caller may have counted them already (Window.with_information)
        live = window_live(count, window, carry_dyad, carry_day)
    tension[live == 0] = 0.0
    return tension


#: Below this, a live count made of fractions (days of spread events, 1/n each,
#: n <= 366) is rounding residue: no event is in the window.
_NO_EVENT = 1e-9


def window_live(
    count: np.ndarray,
    window: int,
    carry_dyad: np.ndarray | None = None,
    carry_day: np.ndarray | None = None,
) -> np.ndarray:
    """Number of events inside the window on each day: whole numbers, as floats.

    ``count`` is the daily event-count grid; events before the grid
    (``carry_day < 0``) count from day 0 until day ``carry_day + window``.
    Sums of integers below 2**53 are exact in floating point, so the zeros
    are exact zeros (and the result serves as the information directly).

    Examples
    --------
    >>> window_live(np.array([[1, 0, 2, 0, 0]]), 2, np.array([0]), np.array([-1]))
    array([[2., 1., 2., 2., 0.]])
    """
    n_dyads, n_days = count.shape
    live = _rolling_sum(count, window, dtype=float)
    if count.dtype.kind == "f":  # fractions: clear the residue they leave
        live[live < _NO_EVENT] = 0.0
    if carry_day is not None and len(carry_day):
        assert carry_dyad is not None
        expiry = carry_day + window
        keep = expiry > 0  # still in the window on the grid's first day
        dyad, expiry = carry_dyad[keep], expiry[keep]
        ending = expiry < n_days
        entered = _counts(dyad, np.zeros(len(dyad), dtype=np.int64), n_dyads, n_days)
        entered -= _counts(dyad[ending], expiry[ending], n_dyads, n_days)
        live += np.cumsum(entered, axis=1)
    return live


def _carried(
    dyad: np.ndarray, expiry: np.ndarray, signal: np.ndarray, n_dyads: int, n_days: int
) -> np.ndarray:
    """The part of events before the grid still in the window, day by day (a new array).

    C(t) = sum of s_i over the events whose window ends after t
    (``expiry > t``): a running sum from the right of what expires on each
    day, so a large signal leaving the window is never subtracted from a
    small one that stays.
    """
    last = np.minimum(expiry, n_days) - 1  # the last grid day each event counts on
    ending = _grid(dyad, last, signal, n_dyads, n_days)
    return np.cumsum(ending[:, ::-1], axis=1)[:, ::-1]


def _rolling_sum(x: np.ndarray, window: int, dtype: type | None = None) -> np.ndarray:
    """Sum of the last ``window`` columns up to each column (a new array).

    Whole numbers (counts, exact in integers or in floats below 2**53) take
    the running sum of x(t) - x(t - window) in one array.  Other values are
    never subtracted: the days are cut into blocks of ``window`` days, and
    the sum on day j of block k is the sum of block k up to j plus the sum
    of block k - 1 after j (two cumulative sums, one from each end), so a
    large value leaving the window cannot swallow a small one that stays
    (with the running difference, 1e17 then 1.0 would leave 0.0).

    Examples
    --------
    >>> _rolling_sum(np.array([[1e17, 1.0, 0.0, 0.0]]), 2)
    array([[1.e+17, 1.e+17, 1.e+00, 0.e+00]])
    """
    n_dyads, n_days = x.shape
    whole = np.issubdtype(x.dtype, np.integer)
    if window >= n_days or whole:
        total = np.array(x, dtype=dtype, copy=True)
        if window < n_days:
            np.subtract(total[:, window:], x[:, :-window], out=total[:, window:])
        return np.cumsum(total, axis=1, out=total)
    n_blocks = -(-n_days // window)
    blocks = np.zeros((n_dyads, n_blocks * window), dtype=dtype or x.dtype)
    blocks[:, :n_days] = x
    blocks = blocks.reshape(n_dyads, n_blocks, window)
    after = np.cumsum(blocks[:, :, ::-1], axis=2)[:, :, ::-1]  # sum of block k from j on
    np.cumsum(blocks, axis=2, out=blocks)  # sum of block k up to j
    blocks[:, 1:, :-1] += after[:, :-1, 1:]
    return blocks.reshape(n_dyads, n_blocks * window)[:, :n_days]


def _counts(dyad: np.ndarray, day: np.ndarray, n_dyads: int, n_days: int) -> np.ndarray:
    flat = dyad.astype(np.int64) * n_days + day
    return np.bincount(flat, minlength=n_dyads * n_days).reshape(n_dyads, n_days)
