"""Parameter validation: one declared table of constraints per public function.

In the spirit of scikit-learn's ``sklearn.utils._param_validation``: a
function declares what each parameter accepts, as a list of constraints, and
:func:`validate_params` checks every call against that table before the
function body runs.  A value is valid when any one of its constraints accepts
it; otherwise an :class:`~tensionindex.exceptions.InvalidParameterError` names
the function, the parameter, what it accepts and the value given, in one
sentence::

    The 'draws' parameter of sensitivity must be an integer from 1 to 100000.
    Got 0 instead.

The tables are attached to the functions (``function.__tensionindex_params__``)
so that one test can feed every public function an invalid value of every
declared parameter (``tests/test_params.py``).

Units
-----
Every duration parameter of the library is in days:

=====================  ======================  ==========================================
parameter              accepts                 meaning
=====================  ======================  ==========================================
``half_life``          number > 0              days for a signal to halve (exponential)
``window``             integer 1..36500        days a signal counts in full (window)
``baseline``           integer 30..100000      trailing days of ``normalize="zscore"``
``within_days``        integer >= 1            days over which an alert's drop is measured
``min_size``           integer >= 1            shortest regime of change-point detection
``lookback``           integer 1..100000       days of late events an ``IndexState`` keeps
=====================  ======================  ==========================================

Dates (``start``, ``end``, ``date``, ``as_of``, ``until``, ``dates``) are
anything :class:`pandas.Timestamp` reads as a day (``"2024-04-16"``, a
``datetime.date``, a ``Timestamp``), between 1678-01-01 and 2261-12-31 (the
days pandas can represent in nanoseconds); time zones are converted to UTC and
the time of day is dropped.  Numbers are refused: pandas would read
``20240416`` as nanoseconds since 1970.
"""

from __future__ import annotations

import datetime as _dt
import functools
import inspect
import math
import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

import numpy as np
import pandas as pd

from tensionindex.exceptions import InvalidParameterError, did_you_mean

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "TABLE_ATTRIBUTE",
    "Constraint",
    "DateLike",
    "Dates",
    "Dyads",
    "Instance",
    "Interval",
    "Options",
    "check",
    "day_of",
    "describe_value",
    "invalid",
    "parse_day",
    "validate_params",
]

DateLike = str | pd.Timestamp | np.datetime64 | _dt.date | Any

F = TypeVar("F", bound=Callable[..., Any])

#: First and last day (days since 1970-01-01) that datetime64[ns] represents in full.
FIRST_DAY: Final[int] = int(np.datetime64("1678-01-01", "D").astype(np.int64))
LAST_DAY: Final[int] = int(np.datetime64("2261-12-31", "D").astype(np.int64))


def describe_value(value: object) -> str:
    """``repr`` of a value for an error message: numpy scalars as plain Python, long text cut.

    Examples
    --------
    >>> describe_value(np.int64(14))
    '14'
    >>> len(describe_value("x" * 200))
    81
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.DataFrame | pd.Series | np.ndarray):
        return f"a {type(value).__name__} of shape {value.shape}"
    text = repr(value)
    return text if len(text) <= 80 else text[:80] + "…"


def invalid(function: str, name: str, expected: str, value: object) -> InvalidParameterError:
    """The error for ``value`` given as parameter ``name`` of ``function``.

    Examples
    --------
    >>> str(invalid("sensitivity", "draws", "an integer from 1 to 100000", 0))
    "The 'draws' parameter of sensitivity must be an integer from 1 to 100000. Got 0 instead."
    """
    return InvalidParameterError(
        f"The {name!r} parameter of {function} must be {expected}. "
        f"Got {describe_value(value)} instead."
    )


class Constraint:
    """What one parameter accepts: a test, a description and an example of a bad value."""

    def accepts(self, value: object) -> bool:
        """Whether ``value`` satisfies the constraint."""
        raise NotImplementedError

    def describe(self) -> str:
        """The accepted values, as the end of "must be ..."."""
        raise NotImplementedError

    def invalid_example(self) -> object:
        """A value this constraint refuses (used by the tests of every declared table)."""
        return object()

    def hint(self, value: object) -> str:
        """Extra advice for a refused value ("Did you mean ...?"), or ""."""
        return ""


def _is_bool(value: object) -> bool:
    return isinstance(value, bool | np.bool_)


@dataclass(frozen=True)
class Interval(Constraint):
    """A real or integer number in ``[left, right]`` (``None``: unbounded).

    ``closed`` says which ends belong: "both", "left", "right" or "neither".
    Booleans are never numbers here; ``int`` intervals accept numpy integers,
    ``float`` intervals any finite real (numpy scalars included).

    Examples
    --------
    >>> Interval(int, 1, None).accepts(3), Interval(int, 1, None).accepts(3.0)
    (True, False)
    >>> Interval(float, 0, None, closed="neither").describe()
    'a finite number > 0'
    """

    kind: type
    left: float | None
    right: float | None
    closed: str = "both"

    def accepts(self, value: object) -> bool:
        if _is_bool(value):
            return False
        if self.kind is int:
            if not isinstance(value, numbers.Integral):
                return False
        elif not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
            return False
        number = float(value) if self.kind is float else int(value)  # type: ignore[call-overload]
        if self.left is not None:
            low_open = self.closed in ("right", "neither")
            if number < self.left or (low_open and number == self.left):
                return False
        if self.right is not None:
            high_open = self.closed in ("left", "neither")
            if number > self.right or (high_open and number == self.right):
                return False
        return True

    def describe(self) -> str:
        noun = "an integer" if self.kind is int else "a finite number"
        low = ">" if self.closed in ("right", "neither") else ">="
        high = "<" if self.closed in ("left", "neither") else "<="

        def show(x: float) -> str:
            return f"{x:g}"

        if self.left is not None and self.right is not None:
            if low == ">=" and high == "<=":
                return f"{noun} from {show(self.left)} to {show(self.right)}"
            return f"{noun} {low} {show(self.left)} and {high} {show(self.right)}"
        if self.left is not None:
            return f"{noun} {low} {show(self.left)}"
        if self.right is not None:
            return f"{noun} {high} {show(self.right)}"
        return noun

    def invalid_example(self) -> object:
        if self.left is not None:
            return self.left - 1
        if self.right is not None:
            return self.right + 1
        return "not a number"


@dataclass(frozen=True)
class Options(Constraint):
    """One of a fixed set of strings; near misses get a "Did you mean" hint.

    Examples
    --------
    >>> Options(("pelt", "binseg")).describe()
    "one of 'pelt', 'binseg'"
    >>> Options(("pelt", "binseg")).hint("pelts")
    " Did you mean 'pelt'?"
    """

    options: tuple[str, ...]

    def accepts(self, value: object) -> bool:
        return isinstance(value, str) and value in self.options

    def describe(self) -> str:
        return "one of " + ", ".join(repr(o) for o in self.options)

    def invalid_example(self) -> object:
        return "no such option"

    def hint(self, value: object) -> str:
        return did_you_mean(value, self.options) if isinstance(value, str) else ""


@dataclass(frozen=True)
class Instance(Constraint):
    """An instance of one of ``types`` (``None`` among them accepts ``None``)."""

    types: tuple[type | None, ...]
    description: str

    def accepts(self, value: object) -> bool:
        if value is None:
            return None in self.types
        if _is_bool(value) and bool not in self.types:
            return False
        return isinstance(value, tuple(t for t in self.types if t is not None))

    def describe(self) -> str:
        return self.description

    def invalid_example(self) -> object:
        return object()


@dataclass(frozen=True)
class Dates(Constraint):
    """A date (see the module's table), or ``None`` when ``optional``."""

    optional: bool = True

    def accepts(self, value: object) -> bool:
        if value is None:
            return self.optional
        return parse_day(value) is not None

    def describe(self) -> str:
        return "a date such as '2024-04-16', from 1678-01-01 to 2261-12-31" + (
            ", or None" if self.optional else ""
        )

    def invalid_example(self) -> object:
        return "not a date"


@dataclass(frozen=True)
class Dyads(Constraint):
    """One dyad label ("CHN-USA", "USA->CHN") or a non-empty list of them; ``None``: all."""

    optional: bool = True
    several: bool = True

    def accepts(self, value: object) -> bool:
        if value is None:
            return self.optional
        if isinstance(value, str):
            return bool(value.strip())
        if not self.several or not isinstance(value, Iterable):
            return False
        if isinstance(value, Mapping):
            return False
        items = list(value)
        return bool(items) and all(isinstance(v, str) and v.strip() for v in items)

    def describe(self) -> str:
        if not self.several:
            return "a dyad such as 'CHN-USA' (or 'USA->CHN' when directed)"
        return (
            "a dyad such as 'CHN-USA' (or 'USA->CHN' when directed) or a list of them"
            + (", or None for every dyad" if self.optional else "")
        )

    def invalid_example(self) -> object:
        return 42


def parse_day(value: object) -> int | None:
    """Days since 1970-01-01 of a date-like value, or None if it is not one (see the table)."""
    # pandas reads a number as nanoseconds since 1970 (20240101 -> 1970-01-01):
    # refuse numbers rather than silently score a grid from 1970.
    if isinstance(value, bool | int | float | np.number) or value is None:
        return None
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return None
        day = int(value.astype("datetime64[D]").astype(np.int64))
        return day if FIRST_DAY <= day <= LAST_DAY else None
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        day = (value - _dt.date(1970, 1, 1)).days
        return day if FIRST_DAY <= day <= LAST_DAY else None
    try:
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    except (ValueError, TypeError, OverflowError):
        return None
    if pd.isna(stamp):
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    day = int(np.datetime64(stamp.date(), "D").astype(np.int64))
    return day if FIRST_DAY <= day <= LAST_DAY else None


def day_of(value: DateLike, name: str, function: str) -> int:
    """Days since 1970-01-01 of a date parameter, or an error naming it.

    Examples
    --------
    >>> day_of("1970-01-11", "start", "stability_index")
    10
    >>> day_of("1600-01-01", "start", "stability_index")
    Traceback (most recent call last):
    ...
    tensionindex.exceptions.InvalidParameterError: The 'start' parameter of stability_index ...
    """
    day = parse_day(value)
    if day is None:
        raise invalid(function, name, Dates(optional=False).describe(), value)
    return day


def check(function: str, name: str, value: object, constraints: Sequence[Constraint]) -> None:
    """Raise :class:`InvalidParameterError` unless one of ``constraints`` accepts ``value``."""
    if any(c.accepts(value) for c in constraints):
        return
    expected = " or ".join(c.describe() for c in constraints)
    hint = "".join(c.hint(value) for c in constraints)
    error = invalid(function, name, expected, value)
    raise InvalidParameterError(str(error) + hint)


#: Attribute under which :func:`validate_params` leaves a function's table.
TABLE_ATTRIBUTE = "__tensionindex_params__"


def validate_params(
    constraints: Mapping[str, Sequence[Constraint]], *, name: str | None = None
) -> Callable[[F], F]:
    """Decorate a function so that every call is checked against ``constraints``.

    ``constraints`` maps parameter names to the constraints any one of which
    a value must satisfy.  Parameters left at their default are not checked
    (defaults are valid by construction), so a call costs one signature
    binding plus the checks of the parameters actually passed.

    Examples
    --------
    >>> @validate_params({"draws": [Interval(int, 1, 100_000)]})
    ... def sample(draws=10):
    ...     return draws
    >>> sample(draws=5)
    5
    >>> sample(draws=0)
    Traceback (most recent call last):
    ...
    tensionindex.exceptions.InvalidParameterError: The 'draws' parameter of sample must be ...
    """

    def decorate(function: F) -> F:
        signature = inspect.signature(function)
        unknown = set(constraints) - set(signature.parameters)
        if unknown:  # a table naming a parameter the function lacks is a bug here
            raise TypeError(f"{function.__qualname__} has no parameters {sorted(unknown)}")
        shown = name or function.__qualname__

        @functools.wraps(function)
        def checked(*args: Any, **kwargs: Any) -> Any:
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError as exc:
                raise InvalidParameterError(f"{shown}: {exc}") from None
            for parameter, value in bound.arguments.items():
                rules = constraints.get(parameter)
                if rules is not None:
                    check(shown, parameter, value, rules)
            return function(*args, **kwargs)

        setattr(checked, TABLE_ATTRIBUTE, dict(constraints))
        return checked  # type: ignore[return-value]

    return decorate
