"""Kernels: how a day's signal keeps counting on later days.

Pure numpy on dense ``(n_dyads, n_days)`` grids; no pandas, no loops over
events or days.  For a daily signal x(t) the tension is

    T(t) = sum over tau <= t of x(tau) * K(t - tau)

with ``K(D) = 2 ** (-D / half_life)`` (exponential) or ``K(D) = 1`` for
``0 <= D < window`` and 0 after (window).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "add_carry_in",
    "decay",
    "decayed_cumsum",
    "exponential_tension",
    "window_from_daily",
    "window_tension",
]


def decay(age_days: np.ndarray, *, kernel: str, half_life: float, window: int) -> np.ndarray:
    """K(D) for ages in days (D >= 0), as :mod:`tensionindex.explain` reports it.

    Examples
    --------
    >>> decay(np.array([0, 30, 60]), kernel="exponential", half_life=30, window=90)
    array([1.  , 0.5 , 0.25])
    >>> decay(np.array([0, 89, 90]), kernel="window", half_life=30, window=90)
    array([1., 1., 0.])
    """
    age = np.asarray(age_days, dtype=float)
    if kernel == "exponential":
        return np.exp2(-age / half_life)
    return ((age >= 0) & (age < window)).astype(float)


def _grid(
    dyad: np.ndarray, day: np.ndarray, signal: np.ndarray, n_dyads: int, n_days: int
) -> np.ndarray:
    """Sum ``signal`` into a dense grid; ``day`` must lie in ``[0, n_days)``."""
    flat = dyad.astype(np.int64) * n_days + day
    total = np.bincount(flat, weights=signal, minlength=n_dyads * n_days)
    # bincount returns integers when there is nothing to count, weights or not.
    return total.astype(float, copy=False).reshape(n_dyads, n_days)


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
        grid[:, 0] += np.bincount(dyad[before], weights=carry, minlength=grid.shape[0])


#: Longest block of the blocked scan, in days: bounds the temporary array.
_BLOCK_DAYS = 4096


def decayed_cumsum(x: np.ndarray, half_life: float) -> np.ndarray:
    """Solve T(t) = a * T(t-1) + x(t), a = 2 ** (-1 / half_life), along axis 1, in place.

    Within a block of B days, T(b + k) = a^k * (a * T(b - 1) + sum_{j <= k} x(b + j) a^-j):
    one scaled cumulative sum per block, vectorised over dyads, with the last
    value carried to the next block.  B is capped so that a^-B stays below
    2^500 (no overflow); the rounding error is of order B ulps of the sum of
    absolute contributions.  For half-lives under a few hours of a day, where
    blocks would be tiny, a parallel prefix scan (log2(n_days) passes) is used.

    Examples
    --------
    >>> decayed_cumsum(np.array([[4.0, 0.0, 0.0, 2.0]]), half_life=1.0)
    array([[4. , 2. , 1. , 2.5]])
    """
    n_days = x.shape[1]
    block = int(min(n_days, _BLOCK_DAYS, 500 * half_life))
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
    return window_from_daily(
        daily, count, window, dyad[outside], day[outside], signal[outside]
    )


def window_from_daily(
    daily: np.ndarray,
    count: np.ndarray,
    window: int,
    carry_dyad: np.ndarray | None = None,
    carry_day: np.ndarray | None = None,
    carry_signal: np.ndarray | None = None,
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
    live = _rolling_sum(count, window)
    if carry_day is not None and len(carry_day):
        assert carry_dyad is not None and carry_signal is not None
        expiry = carry_day + window
        keep = expiry > 0  # still in the window on the grid's first day
        dyad, signal, expiry = carry_dyad[keep], carry_signal[keep], expiry[keep]
        ending = expiry < n_days
        first = np.zeros(len(dyad), dtype=np.int64)
        steps = _grid(dyad, first, signal, n_dyads, n_days)
        steps -= _grid(dyad[ending], expiry[ending], signal[ending], n_dyads, n_days)
        tension += np.cumsum(steps, axis=1)
        entered = _counts(dyad, first, n_dyads, n_days)
        entered -= _counts(dyad[ending], expiry[ending], n_dyads, n_days)
        live += np.cumsum(entered, axis=1)
    tension[live == 0] = 0.0
    return tension


def _rolling_sum(x: np.ndarray, window: int) -> np.ndarray:
    """Sum of the last ``window`` columns up to each column (a new array)."""
    total = np.cumsum(x, axis=1)
    if window < x.shape[1]:
        earlier = total[:, :-window].copy()
        total[:, window:] -= earlier
    return total


def _counts(dyad: np.ndarray, day: np.ndarray, n_dyads: int, n_days: int) -> np.ndarray:
    flat = dyad.astype(np.int64) * n_days + day
    return np.bincount(flat, minlength=n_dyads * n_days).reshape(n_dyads, n_days)
