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
about two bincounts instead of one.  The limbs are cut in chunks that stay in
cache (every step of a chunk before the next chunk), so that cutting reads the
values once and writes each band once, and the two bands of a pair are summed
at once in two threads at archive scale (bincount releases the GIL).  A bin
of one or two values has an order-free plain sum (``a + b == b + a``): when
no bin holds more than two values, the plain bincount is returned.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from tensionindex._parallel import THREADED_ROWS, both

__all__ = ["exact_bincount", "extent"]

#: Values per chunk of the passes that run in cache: 256 KiB of float64 per array.
_CHUNK = 1 << 15


def extent(values: np.ndarray) -> tuple[float, float]:
    """The largest ``|x|`` and the smallest nonzero ``|x|`` (inf when all are 0).

    Chunk by chunk, so that the values are read once and ``|x|`` never needs
    an array of their size.

    Examples
    --------
    >>> extent(np.array([0.0, -3.0, 0.5]))
    (3.0, 0.5)
    """
    top, smallest = 0.0, math.inf
    buffer = np.empty(min(len(values), _CHUNK))
    for start in range(0, len(values), _CHUNK):
        chunk = values[start : start + _CHUNK]
        part = np.abs(chunk, out=buffer[: len(chunk)])
        top = max(top, float(part.max()))
        low = float(part.min())
        if low == 0.0:  # zeros carry no bits: the smallest nonzero magnitude sets the last band
            low = float(np.min(part, where=part > 0, initial=math.inf))
        smallest = min(smallest, low)
    return top, smallest


def exact_bincount(
    index: np.ndarray,
    weights: np.ndarray,
    size: int,
    *,
    most: int | None = None,
    magnitudes: tuple[float, float] | None = None,
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
    magnitudes : tuple of float, optional
        ``extent(weights)``, when the caller computed it (say, in a thread
        beside the counts).

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
    top, smallest = extent(values) if magnitudes is None else magnitudes
    if top == 0.0:
        return np.zeros(size)
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
    # Each band's per-bin sum is exact; two bands at a time (two threads at
    # archive scale), added to the total band after band, highest first.  Only
    # two bands are held at once (and the remainder when more follow).
    total: np.ndarray | None = None
    threaded = len(values) >= THREADED_ROWS
    first = np.empty_like(values)
    second = np.empty_like(values) if bands > 1 else None
    rest = np.empty_like(values) if bands > 2 else None
    for k in range(1, bands + 1, 2):
        magic = _magic(exponent - k * bits), _magic(exponent - (k + 1) * bits)
        _cut(values if k == 1 else rest, first, second, rest, magic, bands - k)  # type: ignore[arg-type]
        if bands - k >= 1:
            sums = both(
                functools.partial(np.bincount, index, first, size),
                functools.partial(np.bincount, index, second, size),
                threaded=threaded,
            )
            # The first band's sums start the total: bincount's own array,
            # where adding it to zeros would touch a fresh grid (and 0 + x is x:
            # bincount never gives -0.0).
            total = _add(total, sums[0])
            total += sums[1]
        else:
            total = _add(total, np.bincount(index, first, size))
    assert total is not None
    return np.ldexp(total, -shift) if shift else total


def _add(total: np.ndarray | None, band: np.ndarray) -> np.ndarray:
    """``total + band`` in ``total``'s memory, or ``band`` itself when there is no total yet."""
    if total is None:
        return band
    total += band
    return total


def _magic(exponent: int) -> float:
    """``1.5 * 2**52 * q`` for the quantum ``q = 2**exponent``: ``(x + c) - c`` rounds to it.

    ``(x + c) - c`` rounds ``x`` to the nearest multiple of ``q`` whenever
    ``|x| < 2**51 * q``: two passes, where divide, ``rint`` and multiply would
    take three.
    """
    return 1.5 * math.ldexp(1.0, exponent + 52)


def _cut(
    source: np.ndarray,
    first: np.ndarray,
    second: np.ndarray | None,
    rest: np.ndarray | None,
    magic: tuple[float, float],
    after: int,
) -> None:
    """Cut a pair of bands: ``first`` and ``second`` limbs of ``source``, and its ``rest``.

    ``after`` is the number of bands after the first of the pair: 0 (only
    ``first``), 1 (``second`` is the last band, rounded), or more (``rest``
    keeps what the next pair cuts; it may be ``source`` itself).  Chunk by
    chunk, every step in cache.
    """
    one, two = magic
    for start in range(0, len(source), _CHUNK):
        part = slice(start, start + _CHUNK)
        x, a = source[part], first[part]
        np.add(x, one, out=a)
        a -= one
        if after == 0:
            continue
        assert second is not None
        b = second[part]
        if after == 1:  # the last band: what is left, rounded
            np.subtract(x, a, out=b)
            b += two
            b -= two
            continue
        assert rest is not None
        r = rest[part]
        np.subtract(x, a, out=r)  # x is no longer read: r may be x itself
        np.add(r, two, out=b)
        b -= two
        r -= b
