"""A small progress bar on stderr for multi-file reads (drawn only on a terminal)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

_WIDTH = 24


def with_progress(items: Iterable[T], *, total: int, label: str, enabled: bool) -> Iterator[T]:
    """Yield ``items``, drawing ``label [####....] k/total`` on stderr as each one starts.

    Nothing is drawn unless ``enabled`` and stderr is a terminal, so logs and
    pipes never receive control characters.
    """
    stream = sys.stderr
    if not enabled or total < 2 or not stream.isatty():
        yield from items
        return
    started = time.monotonic()
    for done, item in enumerate(items):
        filled = _WIDTH * done // total
        bar = "#" * filled + "." * (_WIDTH - filled)
        stream.write(f"\r{label} [{bar}] {done}/{total} files, {time.monotonic() - started:.0f} s")
        stream.flush()
        yield item
    stream.write(
        f"\r{label} [{'#' * _WIDTH}] {total}/{total} files, {time.monotonic() - started:.0f} s\n"
    )
    stream.flush()
