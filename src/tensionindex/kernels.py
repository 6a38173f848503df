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
from typing import Any, ClassVar

import numpy as np

from tensionindex._sums import exact_bincount

__all__ = [
    "KERNELS",
    "CarryOver",
    "Exponential",
    "Kernel",
    "Window",
    "add_carry_in",
    "decayed_cumsum",
    "exponential_tension",
    "kernel_from_dict",
    "make_kernel",
    "window_from_daily",
    "window_live",
    "window_tension",
]


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
    ) -> np.ndarray:
        """Tension grid from the ``(n_dyads, n_days)`` daily signal and event counts.

        ``carry`` holds ``(dyad, day, signal)`` of events before the grid
        (``day < 0``, relative to its first day), which enter through the
        kernel.  ``daily`` is not modified unless ``overwrite`` (the caller
        has no further use for it: the kernel may work in it).
        """

    def information(
        self, count: np.ndarray, carry: tuple[np.ndarray, np.ndarray] | None = None
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
        return self.from_daily(count.astype(float), count, ones, overwrite=True)

    def with_information(
        self,
        daily: np.ndarray,
        count: np.ndarray,
        carry: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        *,
        overwrite: bool = False,
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`from_daily` and :meth:`information` at once (kernels may share work)."""
        counted = None if carry is None else (carry[0], carry[1])
        tension = self.from_daily(daily, count, carry, overwrite=overwrite)
        return tension, self.information(count, counted)

    def from_events(
        self, dyad: np.ndarray, day: np.ndarray, signal: np.ndarray, *, n_dyads: int, n_days: int
    ) -> np.ndarray:
        """Tension grid of events (``day`` relative to the grid; < ``n_days``)."""
        inside = day >= 0
        daily = _grid(dyad[inside], day[inside], signal[inside], n_dyads, n_days)
        count = _counts(dyad[inside], day[inside], n_dyads, n_days)
        outside = ~inside
        carry = (dyad[outside], day[outside], signal[outside]) if outside.any() else None
        return self.from_daily(daily, count, carry)

    @abstractmethod
    def compress(
        self, dyad: np.ndarray, day: np.ndarray, values: np.ndarray, anchor: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The carry of past cells on day ``anchor``: what later days need of them.

        ``(dyad, day, values)`` are per dyad-day signals (days <= ``anchor``);
        the result, given again as events before a grid that starts after
        ``anchor``, gives the same tension on that grid as the cells
        themselves.  It is as small as the kernel allows: one value per dyad
        (exponential) or the last ``window`` days (window).
        """

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
    ) -> np.ndarray:
        # decayed_cumsum works in place: on a copy unless the caller gives daily up.
        tension = daily if overwrite and daily.dtype == float else np.array(daily, dtype=float)
        if carry is not None:
            add_carry_in(tension, *carry, self.half_life)
        return decayed_cumsum(tension, self.half_life)

    def from_events(
        self, dyad: np.ndarray, day: np.ndarray, signal: np.ndarray, *, n_dyads: int, n_days: int
    ) -> np.ndarray:
        # The daily counts are not needed: skip building them.
        return exponential_tension(
            dyad, day, signal, n_dyads=n_dyads, n_days=n_days, half_life=self.half_life
        )

    def compress(
        self, dyad: np.ndarray, day: np.ndarray, values: np.ndarray, anchor: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # T(anchor) per dyad: decayed from then on, it is all later days need.
        present = np.unique(dyad)
        decayed = values * np.exp2(-(anchor - day) / self.half_life)
        total = exact_bincount(dyad, decayed, int(dyad.max(initial=-1)) + 1)
        return present, np.full(len(present), anchor, np.int64), total[present]


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
    ) -> np.ndarray:
        if count is None:
            raise ValueError("the window kernel needs the daily event counts")
        return self.with_information(daily, count, carry)[0]

    def information(
        self, count: np.ndarray, carry: tuple[np.ndarray, np.ndarray] | None = None
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
    ) -> tuple[np.ndarray, np.ndarray]:
        # The live count both is the information and restores the exact zeros.
        if carry is None:
            live = window_live(count, self.window)
            return window_from_daily(daily, count, self.window, live=live), live
        live = window_live(count, self.window, carry[0], carry[1])
        return window_from_daily(daily, count, self.window, *carry, live=live), live

    def compress(
        self, dyad: np.ndarray, day: np.ndarray, values: np.ndarray, anchor: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # Only the cells still inside the window after the anchor matter.
        keep = day > anchor - self.window
        return dyad[keep], day[keep], values[keep]


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
        self, count: np.ndarray, carry: tuple[np.ndarray, np.ndarray] | None = None
    ) -> np.ndarray:
        # Nothing decays: every event so far (K = 1), no bound on the count.
        total = np.cumsum(count, axis=1, dtype=float)
        if carry is not None and len(carry[1]):
            total += np.bincount(carry[0], minlength=count.shape[0])[:, None]
        return total

    def compress(
        self, dyad: np.ndarray, day: np.ndarray, values: np.ndarray, anchor: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # The value on the anchor day is all later days need of the past.
        present = np.unique(dyad)
        n = int(dyad.max(initial=-1)) + 1
        state = self._walk(np.zeros(n), dyad, day, values)
        return present, np.full(len(present), anchor, np.int64), state[present]


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
) -> np.ndarray:
    """Exponentially decayed tension on the grid ``[0, n_days)``.

    ``day`` is each event's day relative to the grid's first day; events with
    ``day < 0`` happened before the grid and enter as a decayed carry-in on
    day 0.  Events with ``day >= n_days`` must be removed by the caller.

    The recursion T(t) = a * T(t-1) + x(t), a = 2 ** (-1 / half_life), is
    solved for all dyads at once by :func:`decayed_cumsum`.
    """
    if len(day) and day.min() >= 0:  # nothing before the grid: no copies
        return decayed_cumsum(_grid(dyad, day, signal, n_dyads, n_days), half_life)
    inside = day >= 0
    tension = _grid(dyad[inside], day[inside], signal[inside], n_dyads, n_days)
    add_carry_in(tension, dyad, day, signal, half_life)
    return decayed_cumsum(tension, half_life)


def add_carry_in(
    grid: np.ndarray, dyad: np.ndarray, day: np.ndarray, signal: np.ndarray, half_life: float
) -> None:
    """Add to day 0 of ``grid`` the decayed signals of events before it (``day < 0``)."""
    before = day < 0
    if before.any():
        carry = signal[before] * np.exp2(day[before] / half_life)
        grid[:, 0] += exact_bincount(dyad[before], carry, grid.shape[0])


#: Longest block of the blocked scan, in days: bounds the temporary array.
_BLOCK_DAYS = 4096


def decayed_cumsum(x: np.ndarray, half_life: float) -> np.ndarray:
    """Solve T(t) = a * T(t-1) + x(t), a = 2 ** (-1 / half_life), along axis 1, in place.

    Within a block of B days, T(b + k) = a^k * (a * T(b - 1) + sum_{j <= k} x(b + j) a^-j):
    one scaled cumulative sum per block, vectorised over dyads, with the last
    value carried to the next block.  B is capped so that a^-B stays below
    2^500, and below what the largest daily value leaves before a scaled sum
    of B of them could overflow (values near the largest float get short
    blocks: the result is exact to rounding over the whole range of floats);
    the rounding error is of order B ulps of the sum of absolute
    contributions.  For half-lives under a few hours of a day, or values so
    large that blocks would be tiny, a parallel prefix scan (log2(n_days)
    passes, no scaling) is used.

    Examples
    --------
    >>> decayed_cumsum(np.array([[4.0, 0.0, 0.0, 2.0]]), half_life=1.0)
    array([[4. , 2. , 1. , 2.5]])
    """
    n_days = x.shape[1]
    # Headroom: |scaled partial sums| <= B * peak * 2^(B / h) must stay below 2^1000.
    peak = max(float(x.max(initial=0.0)), -float(x.min(initial=0.0)), 1.0)
    room = 1000.0 - math.log2(peak) - math.log2(_BLOCK_DAYS)
    block = int(min(n_days, _BLOCK_DAYS, 500 * half_life, max(room, 0.0) * half_life))
    if block < 16:
        step = 1
        while step < n_days:
            # The right-hand side is evaluated first, so it reads the old values.
            x[:, step:] += np.exp2(-step / half_life) * x[:, :-step]
            step *= 2
        return x
    ages = np.arange(block)
    up, down = np.exp2(ages / half_life), np.exp2(-ages / half_life)
    decay_one_day = np.exp2(-1.0 / half_life)
    carry = np.zeros(x.shape[0])
    for first in range(0, n_days, block):
        part = x[:, first : first + block]
        width = part.shape[1]
        part *= up[:width]
        np.cumsum(part, axis=1, out=part)
        part += (carry * decay_one_day)[:, None]
        part *= down[:width]
        carry = part[:, -1].copy()
    return x


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
