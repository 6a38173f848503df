"""Events in: the canonical schema, actor aliases and validation.

Data enters tensionindex here and nowhere else.  :func:`validate_events`
checks every column once, names the first bad row when something is wrong,
and returns a *new* DataFrame in the canonical layout:

========== ================================================================
column     meaning
========== ================================================================
date       day of the event (datetime64, midnight; tz-aware input in UTC)
actor1     code of the actor that acts (upper-case, aliases resolved)
actor2     code of the actor acted upon
event_type a key of :func:`tensionindex.taxonomy` (or a custom type)
intensity  finite number >= 0 (default 1)
confidence number in [0, 1] (default 1)
========== ================================================================

followed by the optional pass-through columns ``event_id``, ``source``,
``url``, ``description`` and then any other columns of the input, unchanged.
"""

from __future__ import annotations

import csv
import datetime
import difflib
import functools
import io
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tensionindex._parallel import THREADED_ROWS, both
from tensionindex.catalogue import is_known, normalize_event_type, unknown_type_message
from tensionindex.exceptions import EventInputTypeError, EventValidationError, did_you_mean

if TYPE_CHECKING:
    from tensionindex.config import IndexConfig

__all__ = [
    "CANONICAL_COLUMNS",
    "PASS_THROUGH_COLUMNS",
    "actor_aliases",
    "empty_events",
    "validate_events",
]

REQUIRED_COLUMNS: tuple[str, ...] = ("date", "actor1", "actor2", "event_type")
CANONICAL_COLUMNS: tuple[str, ...] = (*REQUIRED_COLUMNS, "intensity", "confidence")
PASS_THROUGH_COLUMNS: tuple[str, ...] = ("event_id", "source", "url", "description", "dataset")

_DEFAULTS: dict[str, float] = {"intensity": 1.0, "confidence": 1.0}

# The days that datetime64[ns] can hold.
_FIRST_DAY = np.datetime64("1677-09-22", "D")
_LAST_DAY = np.datetime64("2262-04-11", "D")
_OUT_OF_RANGE_FIX = (
    "Dates outside this range do not fit pandas' datetime64[ns]: fix or drop the row."
)


@functools.cache
def _builtin_aliases() -> dict[str, str]:
    text = resources.files("tensionindex").joinpath("data", "actor_aliases.csv").read_text(
        encoding="utf-8"
    )
    return {row["alias"].strip().upper(): row["code"] for row in csv.DictReader(io.StringIO(text))}


def actor_aliases() -> dict[str, str]:
    """The built-in alias table: upper-cased common names to ISO 3166 alpha-3 codes.

    Examples
    --------
    >>> aliases = actor_aliases()
    >>> aliases["UNITED STATES"], aliases["PRC"], aliases["PHILIPPINES"]
    ('USA', 'CHN', 'PHL')
    """
    return dict(_builtin_aliases())


def alias_map_of(aliases: Mapping[str, str] | None) -> dict[str, str]:
    """The built-in actor aliases (name to code) with ``aliases`` merged over them."""
    table = _builtin_aliases()
    if not aliases:
        return table
    if not isinstance(aliases, Mapping):
        raise EventInputTypeError(
            f"aliases must be a mapping of names to codes. Got {type(aliases).__name__} instead."
        )
    merged = dict(table)
    for name, code in aliases.items():
        if not isinstance(name, str) or not isinstance(code, str) or not code.strip():
            raise EventValidationError(
                f"aliases must map names to non-empty code strings. Got {name!r}: {code!r}."
            )
        merged[name.strip().upper()] = code.strip().upper()
    return merged


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


def _canonical_dates(column: pd.Series) -> bool:
    """True if ``column`` is already datetime64[ns] at midnight, in range, without NaT.

    Three vectorised reductions: validated events pass through without a copy.
    NaT is the smallest int64, so the range check catches it.
    """
    if column.dtype != np.dtype("datetime64[ns]") or len(column) == 0:
        return False
    ns = column.to_numpy().view(np.int64)
    return bool(
        ns.min() >= _FIRST_NS and ns.max() <= _LAST_NS and not np.any(ns % DAY_NS)
    )


def _dates(frame: pd.DataFrame, name: str = "date") -> np.ndarray | pd.Series:
    """The column as midnight datetime64[ns]: the column itself when it already is."""
    column = frame[name]
    if _canonical_dates(column):
        return _own(column)
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        parsed = column.dt.tz_convert("UTC").dt.tz_localize(None)
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
            f"pd.to_datetime(df[{name!r}].astype(str), format='%Y%m%d').",
        )
    elif column.isna().all():
        # An all-missing column (float NaN, None): reported as missing dates below.
        parsed = pd.Series(pd.NaT, index=column.index, dtype="datetime64[ns]")
    else:
        values = column.astype(object)
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
        failed = (parsed.isna() & values.notna()).to_numpy()
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
    return days.astype("datetime64[ns]")


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
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if (codes < 0).any():
        position = _first_true(codes < 0)
        raise bad_value_error(column, frame, position, frame[column].iloc[position], expected, fix)
    for i, value in enumerate(uniques):
        if not isinstance(value, str) or not value.strip():
            position = _first_true(codes == i)
            raise bad_value_error(column, frame, position, value, expected, fix)
    return codes, pd.Index(uniques, dtype=object)


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


def _actors(
    frame: pd.DataFrame, alias_map: Mapping[str, str]
) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    fix = "Every event needs both actors, as codes (e.g. 'USA') or names in the alias table."
    codes1, uniques1 = _codes(frame, "actor1", "a non-empty actor code such as 'CHN'", fix)
    codes2, uniques2 = _codes(frame, "actor2", "a non-empty actor code such as 'PHL'", fix)

    def canonical(values: pd.Index) -> list[str]:
        out = []
        for value in values:
            key = str(value).strip().upper()
            out.append(alias_map.get(key, key))
        return out

    names1, names2 = canonical(uniques1), canonical(uniques2)
    categories = pd.Index(sorted(set(names1) | set(names2)), dtype=object)
    actor1 = _recode(codes1, categories.get_indexer(pd.Index(names1, dtype=object)))
    actor2 = _recode(codes2, categories.get_indexer(pd.Index(names2, dtype=object)))
    same = actor1 == actor2
    if same.any():
        position = _first_true(same)
        raise EventValidationError(
            f"Columns 'actor1' and 'actor2', {_row(frame, position)}: both are "
            f"{categories[actor1[position]]!r} (from {frame['actor1'].iloc[position]!r} and "
            f"{frame['actor2'].iloc[position]!r}); expected two different actors. A bilateral "
            "index needs two sides: drop domestic events or fix the actor codes."
        )
    return actor1, actor2, categories


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
        which maps common country names to ISO 3166 alpha-3 codes.
    config : IndexConfig, optional
        Configuration whose custom event types are accepted.

    Returns
    -------
    pandas.DataFrame
        A new frame (the input is never modified) with a fresh RangeIndex and
        the canonical columns first: ``date`` (datetime64 at midnight; tz-aware
        values are converted to UTC first), ``actor1`` and ``actor2`` (stripped,
        upper-cased, aliases resolved; categorical), ``event_type`` (normalised
        key; categorical), ``intensity`` and ``confidence`` (float), then the
        pass-through columns present, then the other input columns.

    Raises
    ------
    EventValidationError
        If a column is missing or a value is invalid.  The message names the
        column, the first offending row and value, what was expected and how
        to fix it; unknown event types come with suggestions.

    See Also
    --------
    read_events : read and validate a CSV, JSON or Parquet file.

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
    """
    frame = _rename(_to_frame(data), columns)
    alias_table = alias_map_of(aliases)
    if len(frame) == 0:
        out = empty_events()
    else:
        _check_columns(frame)

        def the_rest() -> tuple[Any, ...]:
            actor1, actor2, actors = _actors(frame, alias_table)
            event_type, types = _event_types(frame, config)
            intensity = _numbers(frame, "intensity", low=0.0, high=None, default=1.0)
            confidence = _numbers(frame, "confidence", low=0.0, high=1.0, default=1.0)
            return actor1, actor2, actors, event_type, types, intensity, confidence

        # Dates first: with both wrong, the date error is the one reported.
        dates, rest = both(
            lambda: _dates(frame), the_rest, threaded=len(frame) >= THREADED_ROWS
        )
        actor1, actor2, actors, event_type, types, intensity, confidence = rest
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
    if "reported" in frame.columns and len(frame):
        # When each event became known (a feed's ingestion time, GDELT's DATEADDED):
        # the basis of as-of recomputation, so it is parsed and checked like `date`.
        out["reported"] = _dates(frame, "reported")
    used = {*CANONICAL_COLUMNS, "reported"}
    for name in [*PASS_THROUGH_COLUMNS, *frame.columns]:
        if name not in used and name in frame.columns:
            # A deep copy, so that later edits of the result never reach the caller.
            out[name] = frame[name].reset_index(drop=True).copy(deep=True)
            used.add(name)
    return out
