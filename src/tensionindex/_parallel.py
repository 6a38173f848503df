"""Two independent numpy steps at once, for archive-scale inputs.

numpy releases the GIL inside its loops (bincount, gathers, arithmetic,
reductions), so on a machine with two or more cores a second thread halves
the time of two independent steps over large arrays.  Results never depend
on whether a step ran in a thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

__all__ = ["THREADED_ROWS", "both", "each"]

#: From this many rows on, independent steps run in two threads: below, the
#: cost of starting a thread (~0.1 ms) is not worth it.
THREADED_ROWS = 1 << 20

_A = TypeVar("_A")
_B = TypeVar("_B")
_T = TypeVar("_T")


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


def each(function: Callable[[_T], _A], items: Iterable[_T], *, threaded: bool) -> Iterator[_A]:
    """``function(item)`` of every item, in order; two workers when ``threaded``.

    Each worker takes the next item when it is free, so that items of unequal
    cost keep both cores busy (fixed pairs would leave one waiting).  An
    exception is raised where its item's result is read.

    Examples
    --------
    >>> list(each(lambda x: x * x, [1, 2, 3], threaded=True))
    [1, 4, 9]
    """
    items = list(items)
    if not threaded or len(items) < 2:
        yield from map(function, items)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        yield from pool.map(function, items)
