"""Events in: the canonical schema, actor aliases and validation.

Data enters tensionindex here and nowhere else.  :func:`validate_events`
checks every column once, names the first bad row when something is wrong,
and returns a *new* DataFrame in the canonical layout:

========== ================================================================
column     meaning
========== ================================================================
date       day of the event (datetime64, midnight; tz-aware input in UTC)
actor1     code of the actor that acts (upper-case; names resolved to
           codes at the event's date, see :mod:`tensionindex.countries`)
actor2     code of the actor acted upon
event_type a key of :func:`tensionindex.taxonomy` (or a custom type)
intensity  finite number >= 0 (default 1)
confidence number in [0, 1] (default 1)
========== ================================================================

followed, when some dates name a week, month or year (``"2024-W11"``,
``"2024-03"``, ``"2024"``) or the input has the column, by ``date_precision``
(``day``, ``week``, ``month`` or ``year``; ``date`` is then the first day of
the period), and by the optional pass-through columns ``event_id``,
``source``, ``url``, ``description`` and then any other columns of the input,
unchanged.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from tensionindex._parallel import THREADED_ROWS, both
from tensionindex._types import DATE_PRECISIONS
from tensionindex.catalogue import is_known, normalize_event_type, unknown_type_message
from tensionindex.countries import ActorTable, actor_table, builtin_aliases, is_code_shaped
from tensionindex.exceptions import (
    EventInputTypeError,
    EventValidationError,
    InvalidParameterError,
    did_you_mean,
)
from tensionindex.params import Instance, Options, check

if TYPE_CHECKING:
    from tensionindex.config import IndexConfig

__all__ = [
    "ACTORS_ATTRS_KEY",
    "CANONICAL_COLUMNS",
    "PASS_THROUGH_COLUMNS",
    "ActorResolver",
    "UnknownActors",
    "actor_aliases",
    "empty_events",
    "validate_events",
]

REQUIRED_COLUMNS: tuple[str, ...] = ("date", "actor1", "actor2", "event_type")
CANONICAL_COLUMNS: tuple[str, ...] = (*REQUIRED_COLUMNS, "intensity", "confidence")
PASS_THROUGH_COLUMNS: tuple[str, ...] = ("event_id", "source", "url", "description", "dataset")

_DEFAULTS: dict[str, float] = {"intensity": 1.0, "confidence": 1.0}

#: What validate_events does with an actor that no code or name matches.
UnknownActors = Literal["error", "keep"]
#: A caller's resolver of actor values: (value as given, event day) -> code or None.
ActorResolver = Callable[[str, datetime.date], "str | None"]
#: Where validate_events lists the actors it kept without knowing them:
#: ``events.attrs[ACTORS_ATTRS_KEY] == {"unknown_actors": {code: rows}}``.
ACTORS_ATTRS_KEY = "tensionindex_actors"

# The days that datetime64[ns] can hold.
_FIRST_DAY = np.datetime64("1677-09-22", "D")
_LAST_DAY = np.datetime64("2262-04-11", "D")
_OUT_OF_RANGE_FIX = (
    "Dates outside this range do not fit pandas' datetime64[ns]: fix or drop the row."
)


def actor_aliases() -> dict[str, str]:
    """The built-in alias table: upper-cased names to ISO 3166 alpha-3 codes.

    Common names, ISO alpha-2 codes, former names and codes, and the names of
    the country table (:func:`country_codes`).  Aliases that hold only between
    two dates (``"Russia"`` is the Soviet Union, SUN, from 1922-12-30 to
    1991-12-25) appear with the code they have at other dates;
    :func:`validate_events` applies their dates.

    Examples
    --------
    >>> aliases = actor_aliases()
    >>> aliases["UNITED STATES"], aliases["PRC"], aliases["PHILIPPINES"], aliases["ZAIRE"]
    ('USA', 'CHN', 'PHL', 'COD')
    >>> aliases["SOVIET UNION"], aliases["RUSSIA"]
    ('SUN', 'RUS')
    """
    return dict(builtin_aliases())


def _user_aliases(aliases: Mapping[str, str] | None) -> dict[str, str]:
    """``aliases`` checked, with upper-cased names and codes."""
    if not aliases:
        return {}
    if not isinstance(aliases, Mapping):
        raise EventInputTypeError(
            f"aliases must be a mapping of names to codes. Got {type(aliases).__name__} instead."
        )
    checked = {}
    for name, code in aliases.items():
        if not isinstance(name, str) or not isinstance(code, str) or not code.strip():
            raise EventValidationError(
                f"aliases must map names to non-empty code strings. Got {name!r}: {code!r}."
            )
        checked[name.strip().upper()] = code.strip().upper()
    return checked


def alias_map_of(aliases: Mapping[str, str] | None) -> Mapping[str, str]:
    """Upper-cased names and codes to codes, whatever the date, with ``aliases`` over them."""
    return actor_table(_user_aliases(aliases)).static


def _row(frame: pd.DataFrame, position: int) -> str:
    """Describe a row by position, adding the index label when it differs."""
    label = frame.index[position]
    if isinstance(frame.index, pd.RangeIndex) and label == position:
        return f"row {position}"
    if isinstance(label, np.generic):
        label = label.item()  # 11, not np.int64(11)
    return f"row {position} (index label {label!r})"


def bad_value_error(
    column: str, frame: pd.DataFrame, position: int, value: object, expected: str, fix: str
) -> EventValidationError:
    """The error for a bad value in a column of events: the column, the row, the value, the fix."""
    if isinstance(value, np.generic):
        # Show -1 and nan, not numpy 2's reprs np.int64(-1) and np.float64(nan).
        value = value.item()
    return EventValidationError(
        f"Column {column!r}, {_row(frame, position)}: got {value!r}; expected {expected}. {fix}"
    )


def empty_events() -> pd.DataFrame:
    """An empty events frame with the canonical columns and dtypes."""
    empty = pd.Categorical([], categories=pd.Index([], dtype=object))
    return pd.DataFrame(
        {
            "date": pd.Series([], dtype="datetime64[ns]"),
            "actor1": empty,
            "actor2": empty,
            "event_type": empty,
            "intensity": pd.Series([], dtype=float),
            "confidence": pd.Series([], dtype=float),
        }
    )


def _to_frame(data: object) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, Mapping):
        raise EventInputTypeError(
            "validate_events takes a pandas DataFrame or a list of dicts (JSON records). "
            "Got a single dict; wrap it in a list, or build a DataFrame with pd.DataFrame(data)."
        )
    if isinstance(data, Iterable) and not isinstance(data, str | bytes):
        records = list(data)
        for position, record in enumerate(records):
            if not isinstance(record, Mapping):
                raise EventValidationError(
                    f"Record {position} is a {type(record).__name__}, not a dict. "
                    "Pass events as a list of dicts such as "
                    '{"date": "2024-04-16", "actor1": "USA", "actor2": "CHN", '
                    '"event_type": "military_hotline_call"}.'
                )
        if not records:
            return pd.DataFrame()
        frame = pd.DataFrame.from_records(records)
        # In JSON records an absent optional key means "use the default"; an explicit
        # null is still reported as a missing value by validation.
        for name, default in _DEFAULTS.items():
            if name in frame.columns:
                absent = np.fromiter((name not in r for r in records), bool, len(records))
                if absent.any():
                    frame[name] = frame[name].astype(object).where(~absent, default)
        return frame
    raise EventInputTypeError(
        "validate_events takes a pandas DataFrame or a list of dicts (JSON records). "
        f"Got {type(data).__name__} instead."
    )


def _rename(frame: pd.DataFrame, columns: Mapping[str, str] | None) -> pd.DataFrame:
    known = CANONICAL_COLUMNS + PASS_THROUGH_COLUMNS
    if columns:
        if not isinstance(columns, Mapping):
            raise EventInputTypeError(
                "columns must map your column names to canonical ones, e.g. "
                f"{{'when': 'date'}}. Got {type(columns).__name__} instead."
            )
        for source, target in columns.items():
            if target not in known:
                raise EventValidationError(
                    f"columns maps {source!r} to {target!r}, which is not a canonical column."
                    + did_you_mean(str(target), known)
                    + f" Canonical columns: {', '.join(known)}."
                )
            if source not in frame.columns:
                raise EventValidationError(
                    f"columns names {source!r}, which is not a column of the input."
                    + did_you_mean(str(source), [str(c) for c in frame.columns])
                    + f" The input has: {', '.join(map(str, frame.columns))}."
                )
        frame = frame.rename(columns=dict(columns))
    duplicated = frame.columns[frame.columns.duplicated()]
    if len(duplicated):
        raise EventValidationError(
            f"Column {duplicated[0]!r} appears more than once (after applying columns=). "
            "Keep one of them, or rename the others."
        )
    return frame


def _check_columns(frame: pd.DataFrame) -> None:
    present = [str(c) for c in frame.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        name = missing[0]
        near = did_you_mean(name, present)
        raise EventValidationError(
            f"Missing required column {name!r}.{near} The input has: {', '.join(present)}. "
            f"Rename your column, or pass columns={{'your_column': {name!r}}}."
        )
    # An absent optional column silently gets its default, so a misspelt one
    # ("intesity") would be lost: refuse near misses.
    for name in ("intensity", "confidence", *PASS_THROUGH_COLUMNS):
        if name in frame.columns:
            continue
        for other in present:
            if other not in CANONICAL_COLUMNS + PASS_THROUGH_COLUMNS and _close(other, name):
                raise EventValidationError(
                    f"Column {other!r} looks like a misspelling of {name!r}, which is absent. "
                    f"Rename it to {name!r}, or pass columns={{{other!r}: {name!r}}}; to keep it "
                    "as an extra column, give it a name that is not this close."
                )


def _close(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(None, a.lower(), b).ratio() >= 0.85


def _first_true(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _is_date_like(value: object) -> bool:
    """Text, a date/datetime/Timestamp, or a missing value (reported separately)."""
    return value is None or isinstance(value, str | datetime.date | np.datetime64) or (
        isinstance(value, float) and value != value
    ) or value is pd.NaT


def _outside_datetime64(value: object) -> bool:
    """True if ``value`` is a valid date (ISO 8601 text or a date) outside datetime64[ns].

    pandas 2 turns such a date into NaT while parsing, where pandas 3 parses it; this
    tells the two kinds of failure apart so both versions report the range.
    """
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            return False
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        try:
            value = value.astimezone(datetime.UTC)
        except OverflowError:  # beyond year 1 or 9999 in UTC: far outside the range
            return True
    if not isinstance(value, datetime.date):
        return False
    day = np.datetime64(datetime.date(value.year, value.month, value.day), "D")
    return bool(day < _FIRST_DAY or day > _LAST_DAY)


DAY_NS = 86_400 * 10**9
_FIRST_NS = int(_FIRST_DAY.astype("datetime64[ns]").astype(np.int64))
_LAST_NS = int(_LAST_DAY.astype("datetime64[ns]").astype(np.int64))


def _copy_on_write() -> bool:
    """Whether pandas copies on write: always from pandas 3, by option in pandas 2."""
    if int(pd.__version__.split(".")[0]) >= 3:
        return True
    return pd.options.mode.copy_on_write is True


def _own(column: pd.Series) -> pd.Series:
    """A column of the result made from a valid column of the caller's frame.

    Under copy-on-write it shares the caller's memory until either side is
    edited, then pandas copies: no copy, and an edit never reaches the other
    frame.  Without copy-on-write (pandas 2 by default) it must be a copy.
    """
    own = column.reset_index(drop=True)
    return own if _copy_on_write() else own.copy(deep=True)


#: Values per chunk of the midnight check: 2 MiB of int64, one pass in cache.
_CHUNK = 1 << 18


def _canonical_days(column: pd.Series) -> np.ndarray | None:
    """Days since 1970-01-01 if ``column`` is datetime64[ns] at midnight, in range, without NaT.

    Else None.  The days are what the engine needs (see :func:`score`), so
    the check is built on them: one division gives the days, and multiplying
    them back gives each value again only at midnight (compared chunk by chunk,
    in cache).  NaT is the smallest int64, so the range check catches it.
    """
    if column.dtype != np.dtype("datetime64[ns]") or len(column) == 0:
        return None
    ns = column.to_numpy().view(np.int64)
    if ns.min() < _FIRST_NS or ns.max() > _LAST_NS:
        return None
    day: np.ndarray = ns // DAY_NS
    back = np.empty(min(len(ns), _CHUNK), np.int64)
    for start in range(0, len(ns), _CHUNK):
        part = day[start : start + _CHUNK]
        whole = np.multiply(part, DAY_NS, out=back[: len(part)])
        if not np.array_equal(whole, ns[start : start + _CHUNK]):
            return None
    return day


_OFFSET = re.compile(r"(?:Z|[+-]\d{2}(?::?\d{2})?)\s*$")


def _wall_clock(value: object) -> object:
    """A time-zone-aware value as the local date and time it names (its offset dropped)."""
    if isinstance(value, str):
        return _OFFSET.sub("", value.strip()) if "T" in value or " " in value.strip() else value
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def _dates(
    frame: pd.DataFrame, name: str = "date", *, local: bool = False
) -> tuple[np.ndarray | pd.Series, np.ndarray | None, np.ndarray]:
    """The column as midnight datetime64[ns] (the column itself when it already is).

    Time-zone-aware values are converted to UTC, or with ``local`` taken as
    the local date they name (an event at 00:30 in Manila on 5 March is on
    5 March, not on 4 March in UTC).  Also the precision detected in text dates, codes into
    :data:`DATE_PRECISIONS` (``"2024-03"`` a month, ``"2024"`` a year,
    ``"2024-W11"`` an ISO week, each dated to its first day), or None when
    every date is a day.  Third, the dates as int64 days since 1970-01-01,
    which scoring reuses instead of dividing the nanoseconds again.
    """
    column = frame[name]
    precision: np.ndarray | None = None
    canonical = _canonical_days(column)
    if canonical is not None:
        return _own(column), None, canonical
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        parsed = column.dt.tz_localize(None) if local else (
            column.dt.tz_convert("UTC").dt.tz_localize(None)
        )
    elif pd.api.types.is_datetime64_dtype(column.dtype):
        parsed = column
    elif (
        pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype)
    ) and column.notna().any():
        position = _first_true(column.notna().to_numpy())
        raise bad_value_error(
            name, frame, position, column.iloc[position],
            "a date such as '2024-04-16' or a datetime value",
            "Numbers are not dates: for YYYYMMDD integers (GDELT's SQLDATE) convert with "
            f"pd.to_datetime(df[{name!r}].astype(str), format='%Y%m%d')"
            + (
                f"; for years, give them as text (df[{name!r}].astype(str)): '2024' is read as "
                "an event dated to its year."
                if _looks_like_years(column)
                else "."
            ),
        )
    elif column.isna().all():
        # An all-missing column (float NaN, None): reported as missing dates below.
        parsed = pd.Series(pd.NaT, index=column.index, dtype="datetime64[ns]")
    else:
        values = column.astype(object)
        if local:
            values = values.map(_wall_clock)
        # All text (as read from CSV) is known in one C pass; only a mix of kinds
        # needs each value looked at.
        all_text = pd.api.types.infer_dtype(values, skipna=True) == "string"
        bad_type = (
            np.zeros(len(values), bool)
            if all_text
            else np.fromiter((not _is_date_like(v) for v in values), bool, len(values))
        )
        if bad_type.any():
            position = _first_true(bad_type)
            raise bad_value_error(
                name, frame, position, values.iloc[position],
                "ISO 8601 text such as '2024-04-16' or a datetime value",
                "Convert the column with pandas.to_datetime before validating.",
            )
        try:
            parsed = pd.to_datetime(values, errors="coerce", utc=True, format="ISO8601")
        except (ValueError, TypeError, OverflowError):  # pragma: no cover - pandas-version quirk
            parsed = pd.to_datetime(values.astype(str), errors="coerce", utc=True, format="mixed")
        failed = (parsed.isna() & values.notna()).to_numpy().copy()
        # "2024-03" and "2024" parse as the first day of their period: only those
        # rows (and the failures, for "2024-W11") are looked at again, as text.
        maybe = np.flatnonzero(failed | (parsed.dt.day.to_numpy() == 1))
        if len(maybe):
            coarse_day, coarse_code = _coarse_dates(name, frame, values.iloc[maybe], maybe)
            found = coarse_code > 0
            if found.any():
                precision = np.zeros(len(values), np.int8)
                precision[maybe[found]] = coarse_code[found]
                failed[maybe[found]] = False
                fixed = parsed.dt.tz_localize(None).to_numpy().astype("datetime64[D]")
                fixed[maybe[found]] = coarse_day[found]
                parsed = pd.Series(fixed.astype("datetime64[ns]"), index=values.index)
                parsed = parsed.dt.tz_localize("UTC")
        if failed.any():
            failures = np.flatnonzero(failed)
            outside = np.fromiter(
                (_outside_datetime64(values.iloc[i]) for i in failures), bool, len(failures)
            )
            if outside.all():
                position = int(failures[0])
                raise bad_value_error(
                    name, frame, position, column.iloc[position],
                    f"a date from {_FIRST_DAY} to {_LAST_DAY}",
                    _OUT_OF_RANGE_FIX,
                )
            position = int(failures[~outside][0])
            raise bad_value_error(
                name, frame, position, values.iloc[position],
                "ISO 8601 text such as '2024-04-16' (or '2024-04-16T09:30:00+08:00')",
                "Fix the value, or parse the column yourself with "
                "pandas.to_datetime(..., format=...) before validating.",
            )
        parsed = parsed.dt.tz_localize(None)
    missing = parsed.isna().to_numpy()
    if missing.any():
        position = _first_true(missing)
        raise bad_value_error(
            name, frame, position, column.iloc[position], "a date",
            f"Every event needs a{' reported' if name == 'reported' else ''} date: "
            "fill it in or drop the row before validating.",
        )
    # pandas 3 parses to s/us resolution, where 2999-01-01 is valid; numpy's cast to
    # nanoseconds would silently wrap it, so check the range first.
    days: np.ndarray = parsed.to_numpy().astype("datetime64[D]")
    out_of_range = (days < _FIRST_DAY) | (days > _LAST_DAY)
    if out_of_range.any():
        position = _first_true(out_of_range)
        raise bad_value_error(
            name, frame, position, column.iloc[position],
            f"a date from {_FIRST_DAY} to {_LAST_DAY}",
            _OUT_OF_RANGE_FIX,
        )
    return days.astype("datetime64[ns]"), precision, days.view(np.int64)


def _looks_like_years(column: pd.Series) -> bool:
    """Whether a numeric column holds whole numbers that could be years (1000 to 2999)."""
    values = pd.to_numeric(column, errors="coerce").dropna().to_numpy(dtype=float)
    return bool(
        len(values)
        and np.all(values == np.round(values))
        and values.min() >= 1000
        and values.max() <= 2999
    )


_COARSE_PATTERN = r"^\s*(\d{4})(?:-(\d{2})|-?W(\d{2}))?\s*$"


def _coarse_dates(
    name: str, frame: pd.DataFrame, text: pd.Series, positions: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """First day and precision code of dates written as a year, month or ISO week.

    ``text`` holds the values of the rows at ``positions`` of ``frame``.
    Returns ``(day, code)`` per value of ``text`` (datetime64[D], int8 codes
    into :data:`DATE_PRECISIONS`); code 0 (and NaT) where the value is not
    such a date.  An impossible month or week is an error naming the row.
    """
    parts = text.astype(str).str.extract(_COARSE_PATTERN)
    year, month, week = (parts[k].to_numpy(dtype=object) for k in range(3))
    day = np.full(len(text), np.datetime64("NaT"), "datetime64[D]")
    code = np.zeros(len(text), np.int8)
    for i in np.flatnonzero(pd.notna(year)):
        y = int(year[i])
        try:
            if isinstance(month[i], str):
                first, code[i] = datetime.date(y, int(month[i]), 1), 2
            elif isinstance(week[i], str):
                first, code[i] = datetime.date.fromisocalendar(y, int(week[i]), 1), 1
            else:
                first, code[i] = datetime.date(y, 1, 1), 3
        except ValueError:
            raise bad_value_error(
                name, frame, int(positions[i]), text.iloc[i],
                "a year ('2024'), a month ('2024-03'), an ISO week ('2024-W11') or a day",
                "Months run from 01 to 12 and ISO weeks from W01 to W52 (W53 in long years).",
            ) from None
        day[i] = np.datetime64(first, "D")
    return day, code


def _floor_to_period(days: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """Each day moved to the first day of its ISO week (Monday), month or year."""
    out = days.astype("datetime64[D]")
    week, month, year = (precision == DATE_PRECISIONS.index(p) for p in ("week", "month", "year"))
    # 1970-01-01 was a Thursday: (days since then + 3) modulo 7 is 0 on Mondays.
    since = out[week].astype(np.int64)
    out[week] = (since - (since + 3) % 7).astype("datetime64[D]")
    out[month] = out[month].astype("datetime64[M]").astype("datetime64[D]")
    out[year] = out[year].astype("datetime64[Y]").astype("datetime64[D]")
    return out.astype("datetime64[ns]")


def period_lengths_of(start: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """Days in each period: 7 a week, 28 to 31 a month, 365 or 366 a year, 1 a day.

    ``start`` is the first day of each period (datetime64), ``precision`` its
    code into :data:`DATE_PRECISIONS`.
    """
    start = np.asarray(start).astype("datetime64[D]")
    length = np.ones(len(start), np.int64)
    week, month, year = (precision == DATE_PRECISIONS.index(p) for p in ("week", "month", "year"))
    length[week] = 7
    months = start[month].astype("datetime64[M]")
    length[month] = ((months + 1).astype("datetime64[D]") - start[month]).astype(np.int64)
    years = start[year].astype("datetime64[Y]")
    length[year] = ((years + 1).astype("datetime64[D]") - start[year]).astype(np.int64)
    return length


def date_periods(values: pd.Series, name: str = "date") -> tuple[np.ndarray, np.ndarray]:
    """First day (days since 1970-01-01) and length in days of the period each date names.

    Dates are read as :func:`validate_events` reads them: ``"2024-03-05"`` is
    a day, ``"2024-W11"`` a week, ``"2024-03"`` a month, ``"2024"`` a year.
    Errors name the column ``name`` and the row.

    Examples
    --------
    >>> first, length = date_periods(pd.Series(["2024-03", "2024-03-05"]))
    >>> first.astype("datetime64[D]").tolist(), length.tolist()
    ([datetime.date(2024, 3, 1), datetime.date(2024, 3, 5)], [31, 1])
    """
    frame = pd.DataFrame({name: values}).reset_index(drop=True)
    dates, precision, _ = _dates(frame, name)
    day = np.asarray(dates, dtype="datetime64[ns]").astype("datetime64[D]")
    if precision is None:
        return day.astype(np.int64), np.ones(len(day), np.int64)
    return day.astype(np.int64), period_lengths_of(day, precision)


def _date_precision(
    frame: pd.DataFrame, dates: np.ndarray | pd.Series, detected: np.ndarray | None
) -> tuple[np.ndarray | pd.Series, np.ndarray | None]:
    """The dates at the start of their periods, and the precision of each (None: all days).

    A ``date_precision`` column of the input (``day``, ``week``, ``month``
    or ``year``; empty cells: as read from the date) wins over what the text
    of the date says, unless it claims more precision than the text has.
    """
    if "date_precision" not in frame.columns:
        return dates, detected
    raw = frame["date_precision"]
    text = raw.astype(object).where(raw.notna(), "").astype(str).str.strip().str.lower()
    lookup = {name: float(code) for code, name in enumerate(DATE_PRECISIONS)}
    given = text.map(lookup).to_numpy(dtype=float)
    unknown = np.isnan(given) & (text != "").to_numpy()
    if unknown.any():
        position = _first_true(unknown)
        raise bad_value_error(
            "date_precision", frame, position, raw.iloc[position],
            "one of 'day', 'week', 'month', 'year' (or empty: read from the date)",
            "Fix the value or leave the cell empty."
            + did_you_mean(str(text.iloc[position]), list(DATE_PRECISIONS)),
        )
    base = np.zeros(len(frame), np.int8) if detected is None else detected
    finer = ~np.isnan(given) & (given < base)
    if finer.any():
        position = _first_true(finer)
        raise bad_value_error(
            "date_precision", frame, position, raw.iloc[position],
            f"at least {DATE_PRECISIONS[base[position]]!r}, the precision the date "
            f"{frame['date'].iloc[position]!r} is written to",
            "Give the full date, or the coarser precision.",
        )
    precision = np.where(np.isnan(given), base, given).astype(np.int8)
    days = np.asarray(dates, dtype="datetime64[ns]")
    return _floor_to_period(days, precision), precision


def _codes(
    frame: pd.DataFrame, column: str, expected: str, fix: str
) -> tuple[np.ndarray, pd.Index]:
    """Factorise a text column, validating each distinct value once."""
    values = frame[column]
    uniques: Any
    if isinstance(values.dtype, pd.CategoricalDtype):
        # Already coded (e.g. validated events): reuse the small integer codes and
        # keep the categories used; only a missing value (-1) needs the slow path.
        codes = values.cat.codes.to_numpy()
        if len(codes) and codes.min() < 0:
            position = _first_true(codes < 0)
            raise bad_value_error(column, frame, position, values.iloc[position], expected, fix)
        used = _used_codes(codes, len(values.cat.categories))
        present = np.flatnonzero(used)
        if len(present) < len(used):
            remap = np.full(len(used), -1, dtype=codes.dtype)
            remap[present] = np.arange(len(present))
            codes = remap[codes]
        uniques = np.asarray(values.cat.categories, dtype=object)[present]
    else:
        codes, uniques = _factorized(frame, column, expected, fix)
    if (codes < 0).any():
        position = _first_true(codes < 0)
        raise bad_value_error(column, frame, position, frame[column].iloc[position], expected, fix)
    for i, value in enumerate(uniques):
        if not isinstance(value, str) or not value.strip():
            position = _first_true(codes == i)
            raise bad_value_error(column, frame, position, value, expected, fix)
    return codes, pd.Index(uniques, dtype=object)


def _factorized(
    frame: pd.DataFrame, column: str, expected: str, fix: str
) -> tuple[np.ndarray, Any]:
    """``pd.factorize`` of a column (missing values coded -1); a list, dict or set is named."""
    values = frame[column]
    try:
        return pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # a list, dict or set among the values: unhashable
        position = _first_true(
            np.fromiter((isinstance(v, list | dict | set) for v in values), bool, len(values))
        )
        raise bad_value_error(
            column, frame, position, values.iloc[position], expected, fix
        ) from None


_PREFIX_ROWS = 1 << 16


def _used_codes(codes: np.ndarray, n_categories: int) -> np.ndarray:
    """Which of ``n_categories`` the non-negative ``codes`` use.

    When every category already occurs among the first rows, the answer is
    known without reading the rest (exact, and the common case for validated
    events); otherwise every code is counted.
    """
    used = np.bincount(codes[:_PREFIX_ROWS], minlength=n_categories) > 0
    if used.all() or len(codes) <= _PREFIX_ROWS:
        return used
    return np.bincount(codes, minlength=n_categories) > 0


@dataclass
class _ActorColumn:
    """One actor column factorised, with the code of each distinct value known so far."""

    name: str
    codes: np.ndarray
    uniques: pd.Index
    # The code of each distinct value, or None where it is found per row (it may
    # depend on the event's date, or on the caller's resolver).
    resolved: list[str | None]


def _unknown_name_fix(value: str, table: ActorTable) -> str:
    if value.strip().isdigit():
        hint = (
            " Numbers are not actor codes: convert Gleditsch-Ward or Correlates of War numbers "
            "with tensionindex.country_codes(values, origin='gw_code', to='iso3') (or "
            "origin='cow_code')."
        )
    else:
        hint = table.suggestion(value)
    return (
        "No country code or name matches it." + hint + " Correct the value, map it with "
        f"aliases={{{value.strip()!r}: 'CODE'}}, or pass unknown_actors='keep' to keep unknown "
        f"names as actors (listed in events.attrs[{ACTORS_ATTRS_KEY!r}])."
    )


_ACTOR_EXPECTED = "a country code such as 'PHL' or a name of the country table"


def _actors(
    frame: pd.DataFrame, table: ActorTable, *, keep: bool, resolver: bool
) -> tuple[_ActorColumn, _ActorColumn]:
    """The actor columns factorised, each distinct value resolved unless it needs a date.

    A value is looked up upper-cased and stripped: a code or name of the table
    (or of ``aliases=``) gives its code; one the table does not know is left
    to the resolver if there is one, else kept when written as a code (2-4
    upper-case letters or digits, as coded data and placeholders are), else
    kept with ``keep`` or reported, with the near misses.
    """
    fix = "Every event needs both actors, as codes (e.g. 'USA') or names in the alias table."
    columns = []
    errors: list[tuple[int, str, object]] = []
    for name, example in (("actor1", "'CHN'"), ("actor2", "'PHL'")):
        codes, uniques = _codes(frame, name, f"a non-empty actor code such as {example}", fix)
        resolved: list[str | None] = []
        unknown: list[int] = []
        for i, value in enumerate(uniques):
            text = str(value).strip()
            key = text.upper()
            if table.needs_date(key):
                resolved.append(None)
            elif key in table.static:
                resolved.append(table.static[key])
            elif resolver:
                resolved.append(None)
            elif keep or is_code_shaped(text):
                resolved.append(key)
            else:
                resolved.append(key)
                unknown.append(i)
        if unknown:
            position = _first_true(np.isin(codes, unknown))
            errors.append((position, name, frame[name].iloc[position]))
        columns.append(_ActorColumn(name, codes, uniques, resolved))
    if errors:
        position, name, value = min(errors, key=lambda e: e[0])
        raise bad_value_error(
            name, frame, position, value, _ACTOR_EXPECTED, _unknown_name_fix(str(value), table)
        )
    return columns[0], columns[1]


def _resolver_code(
    resolver: ActorResolver, value: str, day: int, cache: dict[tuple[str, int], str | None]
) -> str | None:
    if (value, day) not in cache:
        when = datetime.date(1970, 1, 1) + datetime.timedelta(days=day)
        code = resolver(value, when)
        if code is not None and (not isinstance(code, str) or not code.strip()):
            raise InvalidParameterError(
                "The 'actor_resolver' parameter of validate_events must return a code (a "
                f"non-empty string) or None. It returned {code!r} for {value!r} on {when}."
            )
        cache[(value, day)] = None if code is None else code.strip().upper()
    return cache[(value, day)]


def _finish_actors(
    frame: pd.DataFrame,
    columns: tuple[_ActorColumn, _ActorColumn],
    dates: np.ndarray | pd.Series | None,
    table: ActorTable,
    *,
    keep: bool,
    resolver: ActorResolver | None,
) -> tuple[np.ndarray, np.ndarray, pd.Index, dict[str, int]]:
    """Resolve the values that need each row's date, then code both columns alike.

    Only the rows of such values are looked at, vectorised per distinct value;
    a resolver is called once per distinct (value, day).  ``dates`` may be
    None when no value needs them.  Returns the codes of both columns, their
    categories and the rows of each actor kept unknown.
    """
    errors: list[tuple[int, str]] = []
    per_row: list[tuple[np.ndarray, list[str], np.ndarray] | None] = []
    unknown: set[str] = set()
    cache: dict[tuple[str, int], str | None] = {}
    for column in columns:
        values = column.uniques
        unknown.update(c for c in column.resolved if c is not None and c not in table.known)
        later = [i for i, code in enumerate(column.resolved) if code is None]
        if not later:
            per_row.append(None)
            continue
        wanted = np.zeros(len(values), dtype=bool)
        wanted[later] = True
        rows = np.flatnonzero(wanted[column.codes])
        which = column.codes[rows]
        days = np.asarray(dates)[rows].astype("datetime64[D]").astype(np.int64)
        # Each row's code as a position among the codes met in this column.
        position_of: dict[str, int] = {}
        chosen = np.empty(len(rows), dtype=np.int64)
        for i in later:
            at = np.flatnonzero(which == i)
            at_days = days[at]
            text = str(values[i]).strip()
            key = text.upper()
            codes, picked = table.choices(key, at_days)
            # Rows whose choice has no code: the resolver's, or unknown.
            resolved = np.full(len(at), -1, dtype=np.int64)
            for k, code in enumerate(codes):
                if code is None:
                    continue
                mine = picked == k
                end = table.ends.get(code)
                if end is not None:
                    late = mine & (at_days > end)
                    if late.any():
                        first = _first_true(late)
                        position = int(rows[at[first]])
                        errors.append((position, (
                            f"Column {column.name!r}, {_row(frame, position)}: got "
                            f"{frame[column.name].iloc[position]!r} for an event on "
                            f"{np.datetime64(int(at_days[first]), 'D')}, but "
                            f"{table.ended_message(code)} Fix the actor, or map the name with "
                            f"aliases={{{text!r}: 'CODE'}}."
                        )))
                resolved[mine] = position_of.setdefault(code, len(position_of))
            missing = np.flatnonzero(resolved < 0)
            if len(missing) and resolver is not None:
                for j in missing:
                    code = _resolver_code(resolver, text, int(at_days[j]), cache)
                    if code is not None:
                        resolved[j] = position_of.setdefault(code, len(position_of))
                missing = np.flatnonzero(resolved < 0)
            if len(missing):
                if keep or is_code_shaped(text):
                    resolved[missing] = position_of.setdefault(key, len(position_of))
                    unknown.add(key)
                else:
                    position = int(rows[at[missing[0]]])
                    errors.append((position, (
                        f"Column {column.name!r}, {_row(frame, position)}: got "
                        f"{frame[column.name].iloc[position]!r}; expected {_ACTOR_EXPECTED}. "
                        + _unknown_name_fix(text, table)
                    )))
            chosen[at] = resolved
        per_row.append((rows, list(position_of), chosen))
    if errors:
        raise EventValidationError(min(errors, key=lambda e: e[0])[1])
    found: set[str] = set()
    for column, rowwise in zip(columns, per_row, strict=True):
        found.update(code for code in column.resolved if code is not None)
        if rowwise is not None:
            found.update(rowwise[1])
    categories = pd.Index(sorted(found), dtype=object)
    coded = []
    for column, rowwise in zip(columns, per_row, strict=True):
        lookup = categories.get_indexer(pd.Index(column.resolved, dtype=object))
        if rowwise is None:
            coded.append(_recode(column.codes, lookup))
            continue
        out = lookup[column.codes]
        rows, options, chosen = rowwise
        out[rows] = categories.get_indexer(pd.Index(options, dtype=object))[chosen]
        coded.append(out)
    actor1, actor2 = coded
    same = actor1 == actor2
    if same.any():
        position = _first_true(same)
        raise EventValidationError(
            f"Columns 'actor1' and 'actor2', {_row(frame, position)}: both are "
            f"{categories[actor1[position]]!r} (from {frame['actor1'].iloc[position]!r} and "
            f"{frame['actor2'].iloc[position]!r}); expected two different actors. A bilateral "
            "index needs two sides: drop domestic events or fix the actor codes."
        )
    report: dict[str, int] = {}
    if unknown:
        counts = np.bincount(actor1, minlength=len(categories)) + np.bincount(
            actor2, minlength=len(categories)
        )
        counted = {code: int(counts[categories.get_loc(code)]) for code in unknown}
        report = dict(sorted(counted.items(), key=lambda item: (-item[1], item[0])))
    return actor1, actor2, categories, report


def _event_types(frame: pd.DataFrame, config: IndexConfig | None) -> tuple[np.ndarray, pd.Index]:
    codes, uniques = _codes(
        frame, "event_type", "an event type such as 'water_cannon' or 'cameo:046'",
        "Every event needs a type; see tensionindex.taxonomy() for the list.",
    )
    customs = config.custom_types if config is not None else {}
    names = [normalize_event_type(str(v)) for v in uniques]
    for i, name in enumerate(names):
        if not is_known(name, customs):
            position = _first_true(codes == i)
            raise EventValidationError(
                f"Column 'event_type', {_row(frame, position)}: "
                + unknown_type_message(name, customs)
            )
    categories = pd.Index(sorted(set(names)), dtype=object)
    return _recode(codes, categories.get_indexer(pd.Index(names, dtype=object))), categories


def _recode(codes: np.ndarray, lookup: np.ndarray) -> np.ndarray:
    """``lookup[codes]``, skipped when the lookup is the identity (already canonical codes)."""
    if np.array_equal(lookup, np.arange(len(lookup))):
        return codes
    return lookup[codes] if len(codes) else np.empty(0, np.intp)


def _numbers(
    frame: pd.DataFrame, column: str, *, low: float, high: float | None, default: float
) -> np.ndarray | pd.Series:
    """The column as valid floats: the column itself (no copy) when it already is."""
    if column not in frame.columns:
        return np.full(len(frame), default)
    raw = frame[column]
    expected = f"a finite number >= {low:g}" + ("" if high is None else f" and <= {high:g}")
    if pd.api.types.is_bool_dtype(raw.dtype):
        fix = "Give numbers, not True/False."
        raise bad_value_error(column, frame, 0, raw.iloc[0], expected, fix)
    if raw.dtype == np.dtype(float) and len(raw):
        values = raw.to_numpy()
        # min is NaN if any value is; two reductions clear a valid column at once.
        lo, hi = values.min(), values.max()
        if lo >= low and np.isfinite(hi) and (high is None or hi <= high):
            return _own(raw)
    if pd.api.types.is_numeric_dtype(raw.dtype):
        values = raw.to_numpy(dtype=float, na_value=np.nan)
    elif (parsed := _arrow_floats(raw)) is not None:
        values = parsed
    else:
        coerced = pd.to_numeric(raw, errors="coerce")
        unparsed = (coerced.isna() & raw.notna()).to_numpy()
        if unparsed.any():
            position = _first_true(unparsed)
            raise bad_value_error(column, frame, position, raw.iloc[position], expected,
                       f"Fix the value or convert the column with pd.to_numeric(df[{column!r}]).")
        values = _exact(raw, coerced.to_numpy(dtype=float, na_value=np.nan))
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(values) | (values < low)
        if high is not None:
            bad |= values > high
    if bad.any():
        position = _first_true(bad)
        fix = (
            f"Fill missing values (e.g. df[{column!r}].fillna({default:g})) "
            "and keep values in range."
        )
        raise bad_value_error(column, frame, position, raw.iloc[position], expected, fix)
    # to_numpy may return a read-only view of the caller's data: the result gets its own.
    return np.array(values, dtype=float)


def _exact(raw: pd.Series, coerced: np.ndarray) -> np.ndarray:
    """Numbers that ``pd.to_numeric`` accepted, each rounded to its nearest double.

    pandas 2's ``to_numeric`` can be a unit in the last place off for long decimals
    (pandas 3's is exact); Python's ``float`` is exact on the text it accepted.
    """
    if int(pd.__version__.split(".")[0]) >= 3:
        return coerced
    try:
        return np.asarray(raw.astype(float), dtype=float)
    except (ValueError, TypeError, OverflowError):  # text only to_numeric reads
        return coerced


def _categorical(codes: np.ndarray, categories: pd.Index) -> pd.Categorical:
    """A new categorical from checked codes (copied, as they may be the caller's own)."""
    n = len(categories)
    dtype = np.int8 if n < 127 else np.int16 if n < 32_767 else np.int32
    own: np.ndarray[Any, np.dtype[np.integer[Any]]] = codes.astype(dtype)  # always a copy
    return pd.Categorical.from_codes(own, categories=categories, validate=False)


def _arrow_floats(raw: pd.Series) -> np.ndarray | None:
    """Arrow-backed text (pandas' default for text read from CSV) parsed by pyarrow.

    Ten times faster than ``pd.to_numeric`` and exact (both round each decimal
    to the nearest double).  None when the column is not Arrow text or a value
    does not parse: ``pd.to_numeric`` then finds the row to report.
    """
    if not isinstance(raw.array, pd.arrays.ArrowStringArray):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        parsed = pc.cast(pa.chunked_array(pa.array(raw.array)), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None
    # A missing value becomes NaN (reported by the caller); + 0.0 turns Arrow's -0.0
    # for "-0" into the 0.0 that pd.to_numeric gives.
    return np.asarray(parsed.to_numpy(), dtype=float) + 0.0


def validate_events(
    data: pd.DataFrame | Sequence[Mapping[str, Any]],
    *,
    columns: Mapping[str, str] | None = None,
    aliases: Mapping[str, str] | None = None,
    config: IndexConfig | None = None,
    unknown_actors: UnknownActors = "error",
    actor_resolver: ActorResolver | None = None,
    local_dates: bool = False,
) -> pd.DataFrame:
    """Check events and return them as a new DataFrame in the canonical layout.

    Parameters
    ----------
    data : pandas.DataFrame or list of dict
        One row (or record) per event with at least ``date``, ``actor1``,
        ``actor2`` and ``event_type``; optionally ``intensity`` (default 1),
        ``confidence`` (default 1), ``event_id``, ``source``, ``url``,
        ``description`` and any other columns, which are kept unchanged.
    columns : mapping of str to str, optional
        Your column names mapped to canonical ones, e.g. ``{"when": "date"}``.
    aliases : mapping of str to str, optional
        Extra actor aliases (name to code) merged over the built-in table,
        which maps common country names to ISO 3166 alpha-3 codes.  They
        apply at every date and win over the built-in ones.
    config : IndexConfig, optional
        Configuration whose custom event types are accepted.
    unknown_actors : {"error", "keep"}, default "error"
        What to do with an actor name that matches no code or name of the
        country table, the alias table or ``aliases``: ``"error"`` raises,
        with the near misses (``'Phillipines'``: did you mean 'PHL'?);
        ``"keep"`` keeps it as an actor (upper-cased) and lists it in the
        result's ``attrs["tensionindex_actors"]``.  A value written as a code
        (2-4 upper-case letters or digits, such as GDELT's region codes or
        ``"C001"``) is kept and listed in either case.
    actor_resolver : callable, optional
        ``actor_resolver(value, date) -> code or None``, called with the
        value as given (stripped) and the event's day (a ``datetime.date``)
        for each value the tables do not resolve, once per distinct value and
        day: plug in another library (say, country_converter's
        ``coco.convert(value, to="ISO3", not_found=None)``).  ``None`` means
        unknown, as without a resolver.  Its codes are taken as they are.
    local_dates : bool, default False
        How a time-zone-aware timestamp (``"2024-03-05T00:30:00+08:00"``, a
        tz-aware column) becomes a day: by default its date in UTC (4 March
        here); with ``local_dates=True`` the local date it names (5 March: an
        event at half past midnight in Manila belongs to that Manila day).
        Applies to ``date`` and ``reported``; naive values are unchanged.

    Returns
    -------
    pandas.DataFrame
        A new frame (the input is never modified) with a fresh RangeIndex and
        the canonical columns first: ``date`` (datetime64 at midnight; tz-aware
        values are converted to UTC first), ``actor1`` and ``actor2`` (stripped,
        upper-cased, names resolved to codes at each event's date;
        categorical), ``event_type`` (normalised key; categorical),
        ``intensity`` and ``confidence`` (float), ``date_precision`` when
        some dates are written as a week (``"2024-W11"``), a month
        (``"2024-03"``) or a year (``"2024"``), or the input has a
        ``date_precision`` column (``day``, ``week``, ``month`` or ``year``;
        ``date`` is then the first day of the period; see
        ``IndexConfig(imprecise_dates=...)`` for where such an event counts),
        then the pass-through
        columns present, then the other input columns.  When actors were kept
        that the tables do not know, ``attrs["tensionindex_actors"]`` is
        ``{"unknown_actors": {code: rows}}``, most frequent first.

    Raises
    ------
    EventValidationError
        If a column is missing or a value is invalid.  The message names the
        column, the first offending row and value, what was expected and how
        to fix it; unknown event types and actor names come with suggestions.
        A state named after its end (``"Soviet Union"`` in 2005) is an error
        naming its last day and its successors.
    InvalidParameterError
        If ``unknown_actors`` is not "error" or "keep", ``actor_resolver`` is
        not callable, or the resolver returns something other than a code or
        None.

    See Also
    --------
    read_events : read and validate a CSV, JSON or Parquet file.
    country_codes : the country table, and conversion between code systems.

    Examples
    --------
    >>> import tensionindex as ti
    >>> events = ti.validate_events([
    ...     {"date": "2024-04-16", "actor1": "United States", "actor2": "PRC",
    ...      "event_type": "military_hotline_call"},
    ...     {"date": "2024-03-05", "actor1": "China", "actor2": "Philippines",
    ...      "event_type": "Water_Cannon", "intensity": 2},
    ... ])
    >>> events[["date", "actor1", "actor2", "event_type", "intensity"]]
            date actor1 actor2             event_type  intensity
    0 2024-04-16    USA    CHN  military_hotline_call        1.0
    1 2024-03-05    CHN    PHL           water_cannon        2.0
    >>> ti.validate_events([{"date": "2024-03-05", "actor1": "CHN", "actor2": "PHL",
    ...                      "event_type": "water_canon"}])
    Traceback (most recent call last):
    ...
    tensionindex.exceptions.EventValidationError: ... Did you mean 'water_cannon'? ...

    Names resolve at each event's date; a misspelt name is an error with its
    near misses, unless ``unknown_actors="keep"``:

    >>> records = [
    ...     {"date": day, "actor1": "USA", "actor2": "Russia", "event_type": "leader_summit"}
    ...     for day in ("1985-03-11", "1995-03-11")
    ... ]
    >>> ti.validate_events(records)["actor2"].tolist()
    ['SUN', 'RUS']
    >>> ti.validate_events([{"date": "2024-03-05", "actor1": "CHN", "actor2": "Phillipines",
    ...                      "event_type": "water_cannon"}])
    Traceback (most recent call last):
    ...
    tensionindex.exceptions.EventValidationError: Column 'actor2', row 0: got 'Phillipines'; ...
    ... Did you mean 'PHL' (Philippines)? ...
    >>> kept = ti.validate_events([{"date": "2024-03-05", "actor1": "CHN",
    ...                             "actor2": "Phillipines", "event_type": "water_cannon"}],
    ...                           unknown_actors="keep")
    >>> kept.attrs["tensionindex_actors"]
    {'unknown_actors': {'PHILLIPINES': 1}}

    Dates written as a month, a year or an ISO week name their period:

    >>> coarse = ti.validate_events([{"date": d, "actor1": "CHN", "actor2": "PHL",
    ...                               "event_type": "water_cannon"} for d in ("2024-03", "2024")])
    >>> coarse[["date", "date_precision"]]
            date date_precision
    0 2024-03-01          month
    1 2024-01-01           year
    """
    return validated_and_days(
        data,
        columns=columns,
        aliases=aliases,
        config=config,
        unknown_actors=unknown_actors,
        actor_resolver=actor_resolver,
        local_dates=local_dates,
    )[0]


def validated_and_days(
    data: pd.DataFrame | Sequence[Mapping[str, Any]],
    *,
    columns: Mapping[str, str] | None = None,
    aliases: Mapping[str, str] | None = None,
    config: IndexConfig | None = None,
    unknown_actors: UnknownActors = "error",
    actor_resolver: ActorResolver | None = None,
    local_dates: bool = False,
) -> tuple[pd.DataFrame, np.ndarray | None]:
    """:func:`validate_events`, and each event's day (int64 days since 1970-01-01).

    The days come from checking the dates (None when there are no events),
    so :func:`~tensionindex.score` does not divide the nanoseconds again.
    """
    check("validate_events", "unknown_actors", unknown_actors, [Options(("error", "keep"))])
    check("validate_events", "local_dates", local_dates, [Instance((bool,), "True or False")])
    if actor_resolver is not None and not callable(actor_resolver):
        check("validate_events", "actor_resolver", actor_resolver,
              [Instance((None,), "a callable (value, date) -> code or None, or None")])
    frame = _rename(_to_frame(data), columns)
    table = actor_table(_user_aliases(aliases))
    keep = unknown_actors == "keep"
    unknown: dict[str, int] = {}
    day: np.ndarray | None = None
    if len(frame) == 0:
        out = empty_events()
    else:
        _check_columns(frame)

        def finish(pending: tuple[_ActorColumn, _ActorColumn], dates: Any) -> Any:
            return _finish_actors(
                frame, pending, dates, table, keep=keep, resolver=actor_resolver
            )

        def the_rest() -> tuple[Any, ...]:
            pending = _actors(frame, table, keep=keep, resolver=actor_resolver is not None)
            # Unless a value's code depends on the day (or on the resolver), the actors
            # are done here, beside the dates.
            needs_dates = any(code is None for column in pending for code in column.resolved)
            actors = pending if needs_dates else finish(pending, None)
            event_type, types = _event_types(frame, config)
            intensity = _numbers(frame, "intensity", low=0.0, high=None, default=1.0)
            confidence = _numbers(frame, "confidence", low=0.0, high=1.0, default=1.0)
            return needs_dates, actors, event_type, types, intensity, confidence

        # Dates first: with both wrong, the date error is the one reported.
        (dates, detected, day), rest = both(
            lambda: _dates(frame, local=local_dates), the_rest,
            threaded=len(frame) >= THREADED_ROWS,
        )
        dates, precision = _date_precision(frame, dates, detected)
        if "date_precision" in frame.columns:
            day = None  # the given precisions may have moved dates to their periods' starts
        needs_dates, actors_of, event_type, types, intensity, confidence = rest
        if needs_dates:
            actors_of = finish(actors_of, dates)
        actor1, actor2, actors, unknown = actors_of
        # Codes were checked above, and columns that were already canonical come back
        # as the caller's own Series (see _own): no copy, yet an edit of either frame
        # never reaches the other.
        out = pd.DataFrame(
            {
                "date": dates,
                "actor1": _categorical(actor1, actors),
                "actor2": _categorical(actor2, actors),
                "event_type": _categorical(event_type, types),
                "intensity": intensity,
                "confidence": confidence,
            },
            copy=False,
        )
        if precision is not None:
            out["date_precision"] = pd.Categorical.from_codes(
                precision, categories=pd.Index(DATE_PRECISIONS)
            )
    if "reported" in frame.columns and len(frame):
        # When each event became known (a feed's ingestion time, GDELT's DATEADDED):
        # the basis of as-of recomputation, so it is parsed and checked like `date`.
        reported, coarse, _ = _dates(frame, "reported", local=local_dates)
        if coarse is not None and coarse.any():
            position = _first_true(coarse > 0)
            raise bad_value_error(
                "reported", frame, position, frame["reported"].iloc[position],
                "a day such as '2024-04-16'",
                "The day an event became known is a day; only 'date' may be a week, "
                "month or year.",
            )
        out["reported"] = reported
    if "dataset" in frame.columns:
        _check_dataset(frame)
    used = {*CANONICAL_COLUMNS, "reported", "date_precision"}
    for name in [*PASS_THROUGH_COLUMNS, *frame.columns]:
        if name not in used and name in frame.columns:
            # A deep copy, so that later edits of the result never reach the caller.
            out[name] = frame[name].reset_index(drop=True).copy(deep=True)
            used.add(name)
    if unknown:
        out.attrs[ACTORS_ATTRS_KEY] = {"unknown_actors": unknown}
    if len(out):
        _check_separators(out, frame)
    return out, day


def _check_dataset(frame: pd.DataFrame) -> None:
    """Refuse a ``dataset`` value that is not a name (text) or missing: it is grouped on."""
    values = frame["dataset"]
    expected = "a dataset name such as 'gdelt2' or 'icews' (text), or a missing value"
    fix = "Name each row's dataset with text, or leave it empty."
    if isinstance(values.dtype, pd.CategoricalDtype):
        names = list(values.cat.categories)
        codes = values.cat.codes.to_numpy()
    else:
        codes, uniques = _factorized(frame, "dataset", expected, fix)
        names = list(uniques)
    for k, name in enumerate(names):
        if not isinstance(name, str):
            position = _first_true(codes == k)
            raise bad_value_error("dataset", frame, position, name, expected, fix)


def _check_separators(out: pd.DataFrame, frame: pd.DataFrame) -> None:
    """Refuse actor codes holding a dyad label's separator ("A-B" with "C" reads as "A-B-C")."""
    categories = out["actor1"].cat.categories  # shared by both columns
    bad = {k for k, c in enumerate(categories) if "-" in str(c) or ">" in str(c)}
    if not bad:
        return
    for name in ("actor1", "actor2"):
        codes = out[name].cat.codes.to_numpy()
        hit = np.isin(codes, list(bad))
        if hit.any():
            position = _first_true(hit)
            bad_code = str(categories[codes[position]])
            raise bad_value_error(
                name, frame, position, frame[name].iloc[position],
                "an actor code without '-' or '>'",
                "Those characters separate the actors of a dyad label ('CHN-USA', "
                "'USA->CHN'), so 'A-B' with 'C' and 'A' with 'B-C' would read alike: "
                f"rename the actor (e.g. {bad_code.replace('-', '_').replace('>', '_')!r}), "
                "or map it to a code with aliases=.",
            )
