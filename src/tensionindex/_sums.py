"""Sums per bin that do not depend on the order of the values.

``np.bincount(index, weights)`` adds each bin's values in the order they come:
floating-point addition is not associative, so the same events in another row
order can give a sum that differs in the last bits (measured before this
module: 27 of 7,665 values of an index).  :func:`exact_bincount` gives each bin
a value that depends only on the values of the call, not on their order.

How: with ``2**e`` above every ``|x|`` and at most ``m`` values in any bin,
each value is cut into *limbs*, the digits of ``x`` in base ``2**B`` below
``2**e``, ``B = 52 - ceil(log2(m + 1))``::

    x = l_1 + l_2 + ... + r,   l_k = round(r_(k-1) / q_k) * q_k,   q_k = 2**(e - k B).

Each cut is exact (:func:`_rounded`, then a difference of two floats on the
same grid).  A limb is an integer multiple of its quantum of at most
``2**B`` quanta, so the ``m`` limbs of a bin add up exactly in float64 in any
order: each band's per-bin sum is exact, hence order-free, and the bands are
added to the total from the highest down, one fixed sequence of roundings.
Bands are taken until the last bit of the smallest value is reached, so the
result is the exact sum rounded once per band: never less accurate than a
plain sum, except that values spanning more than about 2**900 lose the
bits of the smallest ones that a power-of-2 rescaling pushes below the
smallest float (the same way in every order).  This is the error-free splitting of Rump, Ogita
and Oishi (2008, "Accurate floating-point summation", SIAM J. Sci. Comput. 31)
with a fixed number of extractions.

With at most a few hundred values per bin ``B`` is over 40 bits and two bands
hold every bit of values spanning four orders of magnitude: the cost is then
about two bincounts instead of one.  A bin of one or two values has an
order-free plain sum (``a + b == b + a``): when no bin holds more than two
values, the plain bincount is returned.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

from tensionindex._parallel import THREADED_ROWS

__all__ = ["exact_bincount"]

def _rounded(values: np.ndarray, quantum: float, *, out: np.ndarray) -> np.ndarray:
    """``values`` rounded to the nearest multiples of ``quantum`` (a power of 2), into ``out``.

    ``(x + c) - c`` with ``c = 1.5 * 2**52 * quantum`` rounds ``x`` to a
    multiple of ``quantum`` whenever ``|x| < 2**51 * quantum``: two passes,
    where divide, ``rint`` and multiply would take three.  ``out`` may be
    ``values`` itself.
    """
    magic = 1.5 * 2.0**52 * quantum
    np.add(values, magic, out=out)
    out -= magic
    return out


def exact_bincount(
    index: np.ndarray, weights: np.ndarray, size: int, *, most: int | None = None
) -> np.ndarray:
    """``np.bincount(index, weights, size)`` with sums that do not depend on the order.

    Parameters
    ----------
    index : ndarray of int
        The bin of each value, in ``[0, size)``.
    weights : ndarray of float
        Finite values (the caller validated them).
    size : int
        Number of bins.
    most : int, optional
        The largest number of values in one bin, when the caller knows it
        (else counted here).

    Returns
    -------
    ndarray of float64
        Per-bin sums that depend only on the values, not on their order.

    Examples
    --------
    >>> values = np.array([1e16, 1.0, -1e16, 1.0, 0.1, 0.2, 0.3])
    >>> index = np.zeros(7, dtype=np.intp)
    >>> float(np.bincount(index, values, 1)[0])  # the first 1.0 is lost to 1e16
    1.6
    >>> float(exact_bincount(index, values, 1)[0])
    2.6
    >>> order = np.random.default_rng(0).permutation(7)
    >>> bool(exact_bincount(index[order], values[order], 1)[0] == 2.6)
    True
    """
    values = np.asarray(weights, dtype=float)
    if most is None:
        most = int(np.bincount(index, minlength=size).max(initial=0))
    if most <= 2:  # a + b == b + a: nothing to reorder
        return np.bincount(index, values, size).astype(float, copy=False)
    # One scratch array for |x|, reused below for the first band's limbs.
    scratch = np.abs(values)
    top = float(scratch.max())
    if top == 0.0:
        return np.zeros(size)
    smallest = float(scratch.min())
    if smallest == 0.0:  # zeros carry no bits: the smallest nonzero magnitude sets the last band
        smallest = float(np.min(scratch, where=scratch > 0, initial=math.inf))
    bits = 52 - math.ceil(math.log2(most + 1))
    exponent = math.frexp(top)[1]  # top < 2**exponent
    # Bits down to the last one of the smallest value, 52 below its leading bit.
    needed = exponent - (math.frexp(smallest)[1] - 53)
    bands = max(math.ceil(needed / bits), 1)
    # Scale by a power of 2 so that the rounding constant 1.5 * 2**52 * q_1
    # stays finite (huge values) and the last quantum stays a normal float
    # (tiny ones); only a range of values wider than floats can hold loses the
    # smallest bits, the same way in every order.
    shift = min(1020 - (exponent - bits + 54), 0)
    if not shift:
        shift = max(-1020 - (exponent - bands * bits), 0)
        shift = min(shift, 1020 - (exponent - bits + 54))
    if shift:
        values = np.ldexp(values, shift)
        exponent += shift
    bands = max(min(bands, (exponent + 1020) // bits), 1)
    # Each band's per-bin sum is exact; the bands are added to the total
    # highest first.  At archive scale a band's bincount runs in a second
    # thread (bincount releases the GIL) while the next band is cut.  The
    # scratch of |x| holds the first limbs, the last band is cut in the
    # remainder itself, and a second limb buffer exists only with three bands
    # or more: two arrays of the values' size for the usual two bands (four
    # before), however many bands, never more than three.
    total = np.zeros(size)
    threaded = len(values) >= THREADED_ROWS
    rest: np.ndarray | None = None
    free = [scratch]  # buffers for limbs whose bincount is done
    pending: Future[np.ndarray] | None = None
    held: np.ndarray | None = None  # the buffer the pending bincount reads
    pool: ThreadPoolExecutor | _Inline = ThreadPoolExecutor(1) if threaded else _Inline()
    with pool:
        for j in range(1, bands + 1):
            quantum = math.ldexp(1.0, exponent - j * bits)
            if j < bands:
                buffer = free.pop() if free else np.empty_like(values)
                limb = _rounded(values if rest is None else rest, quantum, out=buffer)
                if rest is None:  # the remainder gets an array of its own, once
                    rest = np.subtract(values, limb)
                else:
                    rest -= limb
            elif rest is None:  # a single band: its limbs go in the scratch
                limb = _rounded(values, quantum, out=free.pop())
            else:  # the last band is cut in the remainder itself
                limb = _rounded(rest, quantum, out=rest)
            if pending is not None:
                total += pending.result()
                if held is not None:
                    free.append(held)
            pending = pool.submit(np.bincount, index, limb, size)
            held = limb if j < bands else None
        assert pending is not None
        total += pending.result()
    return np.ldexp(total, -shift) if shift else total


class _Inline:
    """A stand-in for a one-worker pool that runs each task at once, in this thread."""

    def __enter__(self) -> _Inline:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def shutdown(self) -> None:
        return None

    def submit(self, func: Callable[..., np.ndarray], *args: Any) -> Future[np.ndarray]:
        done: Future[np.ndarray] = Future()
        done.set_result(func(*args))
        return done
