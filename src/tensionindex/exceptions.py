"""The exceptions tensionindex raises.

Every error subclasses :class:`TensionIndexError` and also the built-in
exception a caller would already catch for that kind of problem (``ValueError``
for bad values, ``ImportError`` for a missing optional dependency), so existing
handlers keep working.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import IO

__all__ = [
    "CalibrationWarning",
    "ConfigurationError",
    "EventInputTypeError",
    "EventValidationError",
    "InvalidParameterError",
    "LineTooLong",
    "MissingDependencyError",
    "SaturationWarning",
    "TensionIndexError",
    "did_you_mean",
]

_SHOWN = 40  # characters of an over-long line quoted in messages


class TensionIndexError(Exception):
    """Base class of every error raised by tensionindex."""


class EventValidationError(TensionIndexError, ValueError):
    """Events that cannot be scored: a missing column, a bad value, an unknown type.

    The message names the column, the first offending row (its position and
    value), what was expected and how to fix it.
    """


class LineTooLong(EventValidationError):
    """A line of an input file longer than the reader's ``max_line_length``.

    Raised by every reader (``read_events``, ``read_gdelt``, ``read_icews``,
    ``read_polecat`` and their ``iter_*`` versions) as soon as a line passes
    :attr:`tensionindex.ReadLimits.max_line_length`, so that at most that many
    characters of it are ever held in memory: a damaged file, one that is not
    text, or a small compressed file that expands to one huge line stops at
    once.  The message names the file, the line (or the character it starts
    at), the setting and the fix.  It is an :class:`EventValidationError`, so
    handlers of bad input catch it too.

    Readers stream text without counting lines, so a line is first known by
    the character at which it starts; the reader fills in its number
    (:meth:`at_line`) by counting again in a file it can reopen.

    Attributes
    ----------
    name : str
        The file (or stream) being read.
    limit : int
        The ``max_line_length`` in force, in characters.
    offset : int
        The position of the line's first character in the text, from 0.
    head : str
        The line's first characters, quoted in the message.
    line : int or None
        The line's number, from 1, when known.

    Examples
    --------
    >>> import io
    >>> import tensionindex as ti
    >>> text = "date,actor1,actor2,event_type\\n" + "x" * 200 + "\\n"
    >>> limits = ti.ReadLimits(max_line_length=100)
    >>> try:
    ...     ti.read_events(io.StringIO(text), format="csv", limits=limits)
    ... except ti.exceptions.LineTooLong as error:
    ...     print(error.limit, error.offset, error.line)
    100 30 None
    """

    def __init__(self, name: str, limit: int, offset: int, head: str, line: int | None = None):
        self.name, self.limit, self.offset, self.head, self.line = name, limit, offset, head, line
        where = f"line {line}: longer" if line is not None else (
            f"a line starting at character {offset + 1:,} is longer"
        )
        shown = repr(head[:_SHOWN] + ("..." if len(head) > _SHOWN else ""))
        super().__init__(
            f"{name!r}, {where} than max_line_length={limit:,} characters (it starts "
            f"{shown}). The file is damaged, is not text (for example a compressed file "
            "that expands to one huge line) or is not in this format; if such lines are "
            "expected, pass limits=ReadLimits(max_line_length=...) with a larger number."
        )

    def at_line(self, text: IO[str]) -> LineTooLong:
        """The same error, with the line's number counted in ``text`` (the file reopened)."""
        count, left = 0, self.offset
        while left > 0 and (piece := text.read(min(left, 1 << 22))):
            count += piece.count("\n")
            left -= len(piece)
        return LineTooLong(self.name, self.limit, self.offset, self.head, count + 1)


class EventInputTypeError(EventValidationError, TypeError):
    """Events (or ``columns=``/``aliases=``) given as the wrong kind of object.

    Also a ``TypeError``, so handlers written for the built-in error keep working.
    """


class ConfigurationError(TensionIndexError, ValueError):
    """A configuration value, file or profile that is invalid."""


class InvalidParameterError(ConfigurationError, TypeError):
    """A parameter of a call that is invalid: a wrong type, a value out of range, an unknown option.

    Raised by :mod:`tensionindex.params` for every public function, with a
    message naming the function, the parameter, what it accepts and the value
    given.  It is a :class:`ConfigurationError` (a call's parameters are its
    configuration) and so a ``ValueError``, and also a ``TypeError``, as in
    scikit-learn, so that handlers written for either built-in keep working.
    """


class MissingDependencyError(TensionIndexError, ImportError):
    """An optional dependency needed by the requested feature is not installed."""


class SaturationWarning(UserWarning):
    """An index that sits at 0 or 100 most of the time and so says little.

    Given when a dyad spends more than ``saturation_share`` of its days within
    1 point of 0 or 100; the message names the setting to change.  Silence it
    with :func:`warnings.filterwarnings` if the saturation is intended.
    """


class CalibrationWarning(UserWarning):
    """A calibration whose result should not be trusted as it stands.

    Given by :func:`tensionindex.calibrate` when the fitted configuration
    predicts held-out target dates worse than the starting one, or when the
    target looks like period averages (monthly, say) while it is compared with
    the index on single days; the message says what to change.
    """


def did_you_mean(value: str, choices: Iterable[str], *, n: int = 3) -> str:
    """Return ``" Did you mean 'a' or 'b'?"`` for near misses, or ``""``.

    Examples
    --------
    >>> did_you_mean("water_canon", ["water_cannon", "ramming"])
    " Did you mean 'water_cannon'?"
    >>> did_you_mean("zzz", ["water_cannon"])
    ''
    """
    matches = difflib.get_close_matches(str(value), list(choices), n=n, cutoff=0.6)
    if not matches:
        return ""
    quoted = [f"'{m}'" for m in matches]
    joined = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f" Did you mean {joined}?"


def require(module: str, *, extra: str, feature: str) -> object:
    """Import an optional dependency, or raise an install hint naming the extra."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - exercised via monkeypatch in tests
        raise MissingDependencyError(
            f"{feature} needs the optional dependency '{module}', which is not installed. "
            f'Install it with: pip install "tensionindex[{extra}]"'
        ) from exc
