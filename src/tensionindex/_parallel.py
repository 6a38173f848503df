"""Two independent numpy steps at once, for archive-scale inputs.

numpy releases the GIL inside its loops (bincount, gathers, arithmetic,
reductions), so on a machine with two or more cores a second thread halves
the time of two independent steps over large arrays.  Results never depend
on whether a step ran in a thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

__all__ = ["THREADED_ROWS", "both"]

#: From this many rows on, independent steps run in two threads: below, the
#: cost of starting a thread (~0.1 ms) is not worth it.
THREADED_ROWS = 1 << 20

_A = TypeVar("_A")
_B = TypeVar("_B")


def both(first: Callable[[], _A], second: Callable[[], _B], *, threaded: bool) -> tuple[_A, _B]:
    """``(first(), second())``, the second in another thread when ``threaded``.

    If both raise, ``first``'s exception is the one raised, as it would be
    when they run one after the other.

    Examples
    --------
    >>> both(lambda: 1, lambda: 2, threaded=True)
    (1, 2)
    """
    if not threaded:
        return first(), second()
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        later = pool.submit(second)
        try:
            result = first()
        except BaseException:
            later.cancel()
            raise
        return result, later.result()
