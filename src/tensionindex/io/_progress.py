"""Progress over the files of a multi-file read: on a terminal, or in a notebook.

On a terminal a small bar is drawn on stderr.  Under a Jupyter kernel stderr
is not a terminal, so nothing would show; there, when tqdm is installed, its
notebook-aware bar (``tqdm.auto.tqdm``) is used instead.  tqdm is optional
and imported only then; without it a notebook read shows nothing, as before.
Logs and pipes never receive control characters.
"""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

_WIDTH = 24


def _in_kernel() -> bool:
    """Whether the code runs under a Jupyter kernel (ipykernel loaded and a kernel running).

    Looks only at modules already imported: never imports IPython or
    ipykernel itself, so a plain script pays nothing.
    """
    if "ipykernel" not in sys.modules:
        return False
    ipython = sys.modules.get("IPython")
    get_ipython = getattr(ipython, "get_ipython", None)
    if get_ipython is None:
        return False
    try:
        shell = get_ipython()
    except Exception:  # an IPython in a state we do not know: no notebook bar
        return False
    return getattr(shell, "kernel", None) is not None


def _notebook_bar() -> Callable[..., Any] | None:
    """``tqdm.auto.tqdm`` under a Jupyter kernel when tqdm is installed, else None."""
    if not _in_kernel():
        return None
    try:
        module = importlib.import_module("tqdm.auto")
    except ImportError:  # tqdm is optional: no bar in the notebook, as without it
        return None
    bar: Callable[..., Any] | None = getattr(module, "tqdm", None)
    return bar


def with_progress(items: Iterable[T], *, total: int, label: str, enabled: bool) -> Iterator[T]:
    """Yield ``items``, showing progress over them as each one starts.

    Nothing is shown unless ``enabled`` and there are at least two items.
    Under a Jupyter kernel with tqdm installed, a ``tqdm.auto.tqdm`` bar
    (tqdm's notebook widget, or its text bar where widgets are missing)
    counts the files; otherwise ``label [####....] k/total`` is drawn on
    stderr when it is a terminal, and nothing at all when it is not, so logs
    and pipes never receive control characters.
    """
    if not enabled or total < 2:
        yield from items
        return
    notebook = _notebook_bar()
    if notebook is not None:
        bar = notebook(items, total=total, desc=label, unit="file")
        try:
            yield from bar
        finally:
            bar.close()
        return
    stream = sys.stderr
    if not stream.isatty():
        yield from items
        return
    started = time.monotonic()
    for done, item in enumerate(items):
        filled = _WIDTH * done // total
        bar_text = "#" * filled + "." * (_WIDTH - filled)
        stream.write(
            f"\r{label} [{bar_text}] {done}/{total} files, {time.monotonic() - started:.0f} s"
        )
        stream.flush()
        yield item
    stream.write(
        f"\r{label} [{'#' * _WIDTH}] {total}/{total} files, {time.monotonic() - started:.0f} s\n"
    )
    stream.flush()
