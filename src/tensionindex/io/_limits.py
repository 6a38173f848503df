"""Resource limits of the readers: :class:`ReadLimits`, and the streams that enforce them.

Every reader reads text a block at a time, so its memory is bounded by the
block size, the number of rows in a chunk, and the longest line.  The longest
line is the one bound the input controls: a 1 MB gzip file can expand to a
single line of 400 MB.  :class:`BoundedText` stops any line longer than
:attr:`ReadLimits.max_line_length` as it arrives, before the line is held in
memory, and the readers stop any value longer than
:attr:`ReadLimits.max_field_length`.  Named pipes and devices, which can block
forever (a pipe without a writer) or never end (``/dev/zero``), are refused
unless :attr:`ReadLimits.special_files` asks for them.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from tensionindex.exceptions import (
    EventValidationError,
    InvalidParameterError,
    LineTooLong,
)

__all__ = [
    "DEFAULT_LIMITS",
    "BoundedText",
    "LineTooLong",
    "NeedsText",
    "ReadLimits",
    "check_limits",
    "check_regular",
    "field_too_long",
    "line_blocks",
    "raise_csv_field_limit",
]

_SHOWN = 40  # characters of an over-long value quoted in messages


@dataclass(frozen=True, kw_only=True)
class ReadLimits:
    """Caps on what a reader accepts, so that no input exhausts memory or blocks forever.

    Pass one to any reader (``read_gdelt(path, limits=ReadLimits(...))``, and
    likewise ``iter_gdelt``, ``read_icews``, ``read_polecat``, their ``iter_*``
    versions and ``read_events``); the defaults are far above anything in the
    published files.  Change a cap with :func:`dataclasses.replace`.

    Parameters
    ----------
    max_line_length : int, default 1_048_576
        The longest line accepted, in characters (bytes, for ASCII text).  A
        longer line stops the read with an :class:`EventValidationError`
        naming the file, the line and this setting, as soon as the line
        passes the cap: at most this many characters of it are ever held in
        memory.  This is what bounds a compressed file that expands to one
        huge line (a "zip bomb").  GDELT's lines are about 1,000 characters.
    max_field_length : int, default 131_072
        The longest value accepted in a column the reader keeps, in
        characters (the field limit of Python's :mod:`csv` module, which the
        readers raise to this value and to ``max_line_length`` when they are
        larger).  A longer value is an error naming the file, the data row,
        the column and this setting.
    special_files : bool, default False
        Read named pipes, character devices and sockets given as paths.  By
        default they are refused with an error, since reading one can block
        forever (a pipe nobody writes to) or never end (``/dev/zero``).  With
        ``True`` they are read as streams, still within ``max_line_length``.
        An open file object passed as the source is always read.

    Raises
    ------
    InvalidParameterError
        If a cap is not an integer >= 1, or ``special_files`` is not a bool.

    Examples
    --------
    >>> import dataclasses
    >>> from tensionindex.io import ReadLimits
    >>> limits = ReadLimits()
    >>> limits.max_line_length, limits.max_field_length, limits.special_files
    (1048576, 131072, False)
    >>> dataclasses.replace(limits, max_line_length=10_000_000).max_line_length
    10000000
    >>> ReadLimits(max_field_length=0)
    Traceback (most recent call last):
    ...
    tensionindex.exceptions.InvalidParameterError: The 'max_field_length' parameter of \
ReadLimits must be an integer number of characters >= 1. Got 0 instead.
    """

    max_line_length: int = 1_048_576
    max_field_length: int = 131_072
    special_files: bool = False

    def __post_init__(self) -> None:
        for name in ("max_line_length", "max_field_length"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidParameterError(
                    f"The {name!r} parameter of ReadLimits must be an integer number of "
                    f"characters >= 1. Got {value!r} instead."
                )
        if not isinstance(self.special_files, bool):
            raise InvalidParameterError(
                "The 'special_files' parameter of ReadLimits must be True or False. "
                f"Got {self.special_files!r} instead."
            )


#: The limits a reader applies when none are given.
DEFAULT_LIMITS = ReadLimits()


def check_limits(limits: object, *, caller: str) -> ReadLimits:
    """``limits=`` of a reader: a :class:`ReadLimits`, or None for the defaults."""
    if limits is None:
        return DEFAULT_LIMITS
    if not isinstance(limits, ReadLimits):
        raise InvalidParameterError(
            f"The 'limits' parameter of {caller} must be a tensionindex.io.ReadLimits or None. "
            f"Got {type(limits).__name__} instead."
        )
    return limits


def _shown(text: str) -> str:
    return repr(text[:_SHOWN] + ("..." if len(text) > _SHOWN else ""))


def field_too_long(
    name: str, row: int, column: str, value: str, limit: int
) -> EventValidationError:
    """The error for a value longer than ``max_field_length``."""
    return EventValidationError(
        f"{name!r}, data row {row}, column {column!r}: a value of {len(value):,} characters "
        f"({_shown(value)}), longer than max_field_length={limit:,}. The file is damaged or not "
        "in this format; if such values are expected, pass "
        "limits=ReadLimits(max_field_length=...) with a larger number."
    )


def raise_csv_field_limit(limits: ReadLimits) -> None:
    """Let Python's csv module read fields up to the readers' caps.

    The csv module's limit (131,072 characters by default) is one setting for
    the whole process; it is only ever raised here, never lowered.
    """
    wanted = max(limits.max_field_length, limits.max_line_length)
    if csv.field_size_limit() < wanted:
        csv.field_size_limit(wanted)


_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def check_regular(path: str, limits: ReadLimits) -> bool:
    """Whether ``path`` is a regular file; a special file is an error unless allowed.

    Returns False for a special file that ``limits.special_files`` allows.

    Raises
    ------
    EventValidationError
        For a named pipe, a device or a socket, unless allowed.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise EventValidationError(f"Could not read {path!r}: {exc.strerror}.") from None
    if stat.S_ISREG(mode):
        return True
    if limits.special_files:
        return False
    kind = next((what for test, what in _KINDS if test(mode)), "not a regular file")
    raise EventValidationError(
        f"{path!r} is {kind}, not a regular file. Readers refuse named pipes, devices and "
        "sockets, whose reading can block forever or never end; pass "
        "limits=ReadLimits(special_files=True) to read it anyway (lines are still capped by "
        "max_line_length), or pass an open file object."
    )


class BoundedText(io.TextIOBase):
    """A text stream that stops at the first line longer than ``limit`` characters.

    Reads are checked as they pass: a line (ended by ``\\n``, ``\\r\\n`` or
    ``\\r``) that grows past ``limit`` raises :class:`LineTooLong` at once, so
    at most ``limit`` characters of it (plus one read) are ever held.  The
    check looks for a line end in every window of ``limit + 1`` characters
    with ``str.rfind``, so it costs a pass of ``memchr`` over the text, not a
    loop over lines; ``readline`` never asks the underlying stream for more
    than the rest of the cap.
    """

    def __init__(self, stream: IO[str], *, limit: int, name: str) -> None:
        super().__init__()
        self._stream = stream
        self._limit = limit
        self._name = name
        self._run = 0  # characters since the last line end
        self._head = ""  # the first characters of the current line, for messages
        self._offset = 0  # characters read before the current text

    def readable(self) -> bool:
        return True

    def _check(self, text: str) -> None:
        n = len(text)
        limit = self._limit
        has_cr = "\r" in text
        pos, run = 0, self._run

        def last_end(start: int, stop: int) -> int:
            found = text.rfind("\n", start, stop)
            return max(found, text.rfind("\r", start, stop)) if has_cr else found

        while True:
            # A line end must come within the next (limit - run) + 1 characters.
            stop = pos + (limit - run) + 1
            if stop > n:
                end = last_end(pos, n)
                break
            end = last_end(pos, stop)
            if end < 0:
                head = (self._head + text[pos : pos + _SHOWN]) if run else text[pos : pos + _SHOWN]
                raise LineTooLong(self._name, limit, self._offset + pos - run, head)
            pos, run = end + 1, 0
        if end >= pos:
            self._run = n - end - 1
            self._head = text[end + 1 : end + 1 + _SHOWN]
        else:
            self._run = run + n - pos
            if len(self._head) < _SHOWN:
                self._head += text[pos : pos + _SHOWN - len(self._head)]
        self._offset += n

    def read(self, size: int | None = -1) -> str:
        if size is None or size < 0:
            pieces = []
            while piece := self.read(1 << 22):
                pieces.append(piece)
            return "".join(pieces)
        text = self._stream.read(size)
        self._check(text)
        return text

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        # Never more than the rest of the cap and its line end: a 400 MB line is not read.
        wanted = self._limit - self._run + 2
        if size is not None and size >= 0:
            wanted = min(wanted, size)
        text = self._stream.readline(wanted)
        self._check(text)
        return text


class NeedsText(Exception):  # a signal between the readers, never shown to users
    """The bytes of a file must be read as text after all.

    The byte path (:func:`line_blocks`) counts bytes, the cap counts
    characters; a line of more bytes than the cap may still be within it, so
    the reader reads the file again as text (:class:`BoundedText`), which
    decides exactly.  It is also raised for layouts the byte path does not
    read (quoted files) before anything is yielded.
    """


def _longest_within(block: bytearray, stop: int, limit: int) -> bool:
    """Whether each line of ``block[:stop]`` (ending at a line end) has at most ``limit`` bytes."""
    has_cr = block.find(b"\r", 0, stop) >= 0
    pos = 0
    # As BoundedText: a line end must come within every window of limit + 1 bytes.
    while pos + limit + 1 <= stop:
        end = block.rfind(b"\n", pos, pos + limit + 1)
        if has_cr:
            end = max(end, block.rfind(b"\r", pos, pos + limit + 1))
        if end < 0:
            return False
        pos = end + 1
    return True


def line_blocks(stream: IO[bytes], *, limit: int, size: int) -> Iterator[memoryview]:
    """The bytes of ``stream`` in blocks of whole lines, about ``size`` bytes each.

    A leading UTF-8 byte order mark is left out, as the text path's
    ``utf-8-sig`` decoding does.  Lines end at ``\\n``, ``\\r\\n`` or
    ``\\r``; at most ``size`` bytes and one line (itself at most ``limit``
    bytes) are held at a time.  Each block is read into a buffer of its own
    behind the line it continues, and handed on as a view: no copy.

    Raises
    ------
    NeedsText
        As soon as a line runs past ``limit`` bytes: it may be longer than
        ``limit`` characters, which only the text path can tell.
    """
    tail = stream.read(3)
    tail = tail.removeprefix(b"\xef\xbb\xbf")
    while True:
        buffer = bytearray(len(tail) + size)
        buffer[: len(tail)] = tail
        view = memoryview(buffer)
        filled = len(tail)
        while filled < len(buffer):
            got = stream.readinto(view[filled:])  # type: ignore[attr-defined]
            if not got:
                break
            filled += got
        if filled == len(tail):  # the end of the stream
            if tail:
                yield memoryview(tail)
            return
        cut = max(buffer.rfind(b"\n", 0, filled), buffer.rfind(b"\r", 0, filled)) + 1
        if filled - cut > limit or not _longest_within(buffer, cut, limit):
            raise NeedsText
        tail = bytes(view[cut:filled])
        if cut:
            yield view[:cut]
