"""Expand a reader's ``source`` into an ordered list of inputs, and open them as text.

A source is a path, a folder (every file in it, sorted by name), a glob
pattern, an open file, or a list of any of these.  ``.gz`` files and ``.zip``
archives (every member file, sorted by name) are read directly.  Named pipes,
devices and sockets given as paths are refused unless
:attr:`ReadLimits.special_files` allows them (folders and patterns only ever
list regular files).
"""

from __future__ import annotations

import contextlib
import glob
import gzip
import io
import os
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeAlias, cast

from tensionindex.exceptions import EventInputTypeError, EventValidationError
from tensionindex.io._limits import DEFAULT_LIMITS, ReadLimits, check_regular

__all__ = ["READ_ERRORS", "Input", "SourceLike", "expand_sources", "open_text"]

#: What a source may be: paths, glob patterns, open files, or a list of them.
SourceLike: TypeAlias = (
    "str | os.PathLike[str] | IO[Any] | Sequence[str | os.PathLike[str] | IO[Any]]"
)

#: Errors that mean "this file cannot be read" (missing, truncated, bad archive).
READ_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error, zipfile.BadZipFile)

_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class Input:
    """One file to read: a display name and a way to open it as bytes (or text)."""

    name: str
    open: Callable[[], contextlib.AbstractContextManager[IO[Any]]]
    reopenable: bool = True  # a file (not the caller's stream) can be read again


@contextlib.contextmanager
def _borrowed(stream: IO[Any]) -> Iterator[IO[Any]]:
    # The caller's open file: read it, never close it.
    yield stream


def _open_path(path: str) -> Callable[[], contextlib.AbstractContextManager[IO[Any]]]:
    if path.lower().endswith(".gz"):
        return lambda: cast(IO[bytes], gzip.open(path, "rb"))
    return lambda: open(path, "rb")


def _zip_member(path: str, member: str) -> Callable[[], contextlib.AbstractContextManager[IO[Any]]]:
    @contextlib.contextmanager
    def opener() -> Iterator[IO[Any]]:
        with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
            yield stream

    return opener


def _zip_inputs(path: str) -> list[Input]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = sorted(
                info.filename
                for info in archive.infolist()
                if not info.is_dir()
                and not info.filename.startswith("__MACOSX/")
                and not Path(info.filename).name.startswith(".")
            )
    except READ_ERRORS as exc:
        raise EventValidationError(
            f"Could not open the zip archive {path!r}: {exc}. Check that the download is complete."
        ) from None
    if not members:
        raise EventValidationError(f"The zip archive {path!r} holds no files.")
    return [Input(f"{path}/{member}", _zip_member(path, member)) for member in members]


def _file_inputs(path: str) -> list[Input]:
    if path.lower().endswith(".zip"):
        return _zip_inputs(path)
    return [Input(path, _open_path(path))]


def _expand_one(item: object, *, caller: str, limits: ReadLimits) -> list[Input]:
    if hasattr(item, "read"):
        stream: IO[Any] = item  # type: ignore[assignment]
        name = getattr(stream, "name", None)
        label = name if isinstance(name, str) else "<stream>"
        return [Input(label, lambda: _borrowed(stream), reopenable=False)]
    if not isinstance(item, str | os.PathLike):
        raise EventInputTypeError(
            f"The 'source' parameter of {caller} must be a path, a glob pattern, an open file, "
            f"or a list of these. Got {type(item).__name__} instead."
        )
    path = os.fspath(item)
    if not isinstance(path, str):
        raise EventInputTypeError(
            f"The 'source' parameter of {caller} takes text paths, not bytes."
        )
    if os.path.isdir(path):
        names = sorted(
            entry.name
            for entry in os.scandir(path)
            if entry.is_file() and not entry.name.startswith(".")
        )
        if not names:
            raise EventValidationError(f"The folder {path!r} holds no files to read.")
        return [i for name in names for i in _file_inputs(os.path.join(path, name))]
    if os.path.isfile(path):
        return _file_inputs(path)
    if isinstance(item, str) and _GLOB_CHARS & set(item):
        matches = sorted(m for m in glob.glob(item, recursive=True) if os.path.isfile(m))
        if not matches:
            raise EventValidationError(
                f"No file matches the pattern {item!r}. Check the folder and the pattern "
                "(e.g. 'data/*.export.CSV.zip')."
            )
        return [i for match in matches for i in _file_inputs(match)]
    if os.path.exists(path):
        check_regular(path, limits)  # raises unless special files are allowed
        return [Input(path, _open_path(path), reopenable=False)]  # a pipe is read once
    raise EventValidationError(f"The file {path!r} does not exist.")


def expand_sources(
    source: object, *, caller: str, limits: ReadLimits = DEFAULT_LIMITS
) -> list[Input]:
    """The inputs a source stands for, in reading order.

    Raises
    ------
    EventValidationError
        For a missing file, a pattern that matches nothing, an empty folder,
        an unreadable zip archive, an empty list, or a named pipe, device or
        socket that ``limits`` does not allow; each message names the path.
    """
    if isinstance(source, str | os.PathLike) or hasattr(source, "read"):
        return _expand_one(source, caller=caller, limits=limits)
    if isinstance(source, bytes):
        raise EventInputTypeError(
            f"The 'source' parameter of {caller} takes text paths, not bytes."
        )
    if isinstance(source, Sequence | set | frozenset | Iterator):
        items = list(source)
        if not items:
            raise EventValidationError(f"The 'source' parameter of {caller} is an empty list.")
        return [i for item in items for i in _expand_one(item, caller=caller, limits=limits)]
    raise EventInputTypeError(
        f"The 'source' parameter of {caller} must be a path, a glob pattern, an open file, "
        f"or a list of these. Got {type(source).__name__} instead."
    )


@contextlib.contextmanager
def open_text(item: Input) -> Iterator[IO[str]]:
    """Open an input as UTF-8 text, lines ending at ``\\n`` (a leading BOM is skipped).

    Bytes that are not UTF-8 become U+FFFD rather than stopping the read: a
    stray byte in a news headline must not cost a day of events.  Open text
    files are read as they are.
    """
    with item.open() as stream:
        if isinstance(stream.read(0), str):
            yield stream
            return
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="\n")
        try:
            yield text
        finally:
            # Leave the underlying stream to its owner (the with-block, or the caller).
            with contextlib.suppress(ValueError):
                text.detach()
