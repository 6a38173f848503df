"""Read events from CSV, JSON or Parquet files and write results to them."""

from __future__ import annotations

import bz2
import contextlib
import functools
import gzip
import importlib.util
import io
import json
import lzma
import os
import sys
import zipfile
from collections.abc import Callable, Iterator, Mapping
from os import PathLike
from pathlib import Path
from typing import IO, Any, cast

import numpy as np
import pandas as pd

from tensionindex.events import validate_events
from tensionindex.exceptions import EventValidationError, InvalidParameterError, require
from tensionindex.io._limits import (
    BoundedText,
    LineTooLong,
    ReadLimits,
    check_limits,
    check_regular,
    field_too_long,
)
from tensionindex.params import Instance, describe_value, validate_params

__all__ = ["read_events", "write_table"]

_FORMATS = {".csv": "csv", ".json": "json", ".parquet": "parquet", ".pq": "parquet"}

#: Compressed CSV that read_events opens itself, so that the line cap applies to the
#: expanded text; pandas would expand it whole.
_OPENERS: dict[str, Callable[[str, str], Any]] = {
    ".gz": gzip.open,
    ".bz2": bz2.open,
    ".xz": lzma.open,
}
_UNSUPPORTED = (".zst", ".tar", ".tgz")

#: Characters of a JSON stream read before its first character is checked.
_JSON_PEEK = 1 << 16


#: Characters that cannot separate fields: CSV's quote, line ends, and NUL (which the
#: parsers take for the end of text).
_NOT_SEPARATORS = frozenset('"\r\n\x00')
#: Separators a one-column header is checked for, to suggest sep= when it was missed.
_LIKELY_SEPARATORS = {"\t": "'\\t'", ";": "';'", "|": "'|'", ",": "','"}


def _check_sep(sep: object, fmt: str) -> str:
    """``sep=`` of read_events: one character that can separate the fields of CSV text."""
    if not isinstance(sep, str) or len(sep) != 1 or sep in _NOT_SEPARATORS:
        shown = describe_value(sep)
        raise InvalidParameterError(
            "The 'sep' parameter of read_events must be one character that separates "
            "fields, such as ',' (the default), ';', '\\t' (tab) or '|'; not a double "
            f"quote, a line end or NUL. Got {shown} instead."
        )
    if sep != "," and fmt != "csv":
        raise InvalidParameterError(
            f"The 'sep' parameter of read_events applies to delimited text (format='csv'); "
            f"this file is read as {fmt}. Got {sep!r} instead: leave sep out, or pass "
            "format='csv' for delimited text."
        )
    return sep


def _format_of(path: str | PathLike[str] | None, fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in ("csv", "json", "parquet"):
            raise EventValidationError(
                f"Unknown file format {fmt!r}: use 'csv', 'json' or 'parquet'."
            )
        return fmt
    if path is None:
        return "csv"
    suffix = Path(path).suffix.lower()
    if suffix not in _FORMATS:
        raise EventValidationError(
            f"Cannot tell the format of {str(path)!r} from its extension {suffix!r}: "
            "use a .csv, .json or .parquet file, or pass format='csv'|'json'|'parquet'."
        )
    return _FORMATS[suffix]


def _name_of(source: object) -> str:
    # A file object's .name ("<stdin>"), else the full path (Path.name would drop the folder).
    if hasattr(source, "read"):
        name = getattr(source, "name", "<file>")
        return name if isinstance(name, str) else "<file>"
    return str(source)


@contextlib.contextmanager
def _opened(source: str | PathLike[str] | IO[Any], binary: bool) -> Iterator[IO[Any]]:
    """An open stream of ``source``: the caller's file object, or the file, expanded."""
    if hasattr(source, "read"):
        yield cast(IO[Any], source)
        return
    path = os.fspath(source)
    suffix = Path(path).suffix.lower()
    if suffix in _OPENERS:
        with _OPENERS[suffix](path, "rb") as stream:
            yield cast(IO[Any], stream)
    elif suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [i for i in archive.infolist() if not i.is_dir()]
            if len(members) != 1:
                raise EventValidationError(
                    f"The zip archive {path!r} holds {len(members)} files; read_events reads "
                    "an archive of one file (extract the one you want)."
                )
            with archive.open(members[0]) as stream:
                yield stream
    else:
        with open(path, "rb") as stream:
            yield stream


@contextlib.contextmanager
def _text_of(stream: IO[Any]) -> Iterator[IO[str]]:
    """``stream`` as strict UTF-8 text (a leading BOM skipped); text streams as they are."""
    if isinstance(stream.read(0), str):
        yield cast(IO[str], stream)
        return
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        yield text
    finally:
        # The stream is the caller's (or the with-block's): the wrapper must not close it.
        with contextlib.suppress(ValueError):
            text.detach()


def _not_utf8(name: str, fmt: str, exc: UnicodeDecodeError) -> EventValidationError:
    return EventValidationError(
        f"Could not read {name!r} as {fmt}: it is not UTF-8 text ({exc.reason} at byte "
        f"{exc.start})."
    )


def _check_text_lengths(frame: pd.DataFrame, name: str, limit: int) -> None:
    """Raise for the first text value of ``frame`` longer than ``max_field_length``."""
    for column in frame.columns:
        values = frame[column]
        if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            continue
        try:
            lengths = values.str.len()
        except AttributeError:  # not text (a column of other objects): nothing to measure
            continue
        longest = lengths.max()
        if pd.notna(longest) and longest > limit:
            position = int(np.flatnonzero((lengths > limit).fillna(False).to_numpy(bool))[0])
            message = str(field_too_long(name, position, str(column), values.iloc[position], limit))
            raise EventValidationError(message.replace(", data row ", ", row ", 1))


def _check_flat_columns(frame: pd.DataFrame, name: str) -> None:
    """Raise for a column of lists, arrays or mappings (nested Parquet types)."""
    for column in frame.columns:
        values = frame[column]
        if not pd.api.types.is_object_dtype(values):
            continue
        nested = values.map(lambda v: isinstance(v, list | tuple | dict | np.ndarray)).to_numpy()
        if nested.any():
            position = int(np.flatnonzero(nested)[0])
            raise EventValidationError(
                f"{name!r}, row {position}, column {str(column)!r}: got {values.iloc[position]!r}, "
                "a list or mapping; every value of an events file must be text, a number, a "
                "date, true/false or missing. Flatten the column before reading."
            )


def _parquet(source: str | PathLike[str] | IO[Any], name: str, regular: bool) -> pd.DataFrame:
    require("pyarrow", extra="parquet", feature="Reading Parquet files")
    try:
        if regular or (hasattr(source, "seekable") and cast(IO[Any], source).seekable()):
            frame = pd.read_parquet(cast(Any, source))
        else:
            # A pipe: check the magic number before reading it whole.
            with _opened(source, binary=True) as stream:
                head = stream.read(4)
                if head != b"PAR1":
                    raise EventValidationError(
                        f"Could not read {name!r} as Parquet: it does not start with the "
                        f"Parquet magic number PAR1 (it starts {head!r})."
                    )
                frame = pd.read_parquet(io.BytesIO(head + stream.read()))
    except (OSError, ValueError, TypeError) as exc:
        if isinstance(exc, EventValidationError):
            raise
        raise EventValidationError(f"Could not read {name!r} as Parquet: {exc}") from None
    _check_flat_columns(frame, name)
    return frame


def _json_text(source: str | PathLike[str] | IO[Any], name: str, regular: bool) -> str:
    if regular and not hasattr(source, "read"):
        return Path(cast(str, source)).read_text("utf-8")
    with _opened(source, binary=False) as stream, _text_of(stream) as text:
        head = text.read(_JSON_PEEK)
        # A stream that never ends (a pipe, a device) is read whole only if it starts as
        # a list or an object would.
        start = head.lstrip(" \t\r\n\ufeff")[:1]
        if start not in ("[", "{", ""):
            raise EventValidationError(
                f"Could not read {name!r} as JSON: it starts with {start!r}, not a list or an "
                'object. Expected a list of records such as [{"date": "2024-04-16", ...}].'
            )
        return head + text.read()


def _flat_records(data: list[Any], name: str, limit: int) -> None:
    """Raise for a record value that is a list or an object, or longer than ``limit``."""
    for position, record in enumerate(data):
        if not isinstance(record, dict):
            continue  # validate_events names records that are not objects
        for key, value in record.items():
            if isinstance(value, list | dict):
                # Described, not printed: the value may be nested hundreds of levels deep.
                what = (
                    f"a JSON list of {len(value)} item{'s' if len(value) != 1 else ''}"
                    if isinstance(value, list)
                    else f"a JSON object with the keys {', '.join(map(repr, list(value)[:3]))}"
                    + (", ..." if len(value) > 3 else "")
                )
                raise EventValidationError(
                    f"{name!r}, record {position}, key {key!r}: got {what}; every value of an "
                    "event record must be text, a number, true/false or null."
                )
            if isinstance(value, str) and len(value) > limit:
                message = str(field_too_long(name, position, str(key), value, limit))
                raise EventValidationError(
                    message.replace(", data row ", ", record ", 1).replace(", column ", ", key ", 1)
                )


def _json(source: str | PathLike[str] | IO[Any], name: str, regular: bool,
          limits: ReadLimits) -> list[Any]:
    try:
        data = json.loads(_json_text(source, name, regular))
    except UnicodeDecodeError as exc:
        raise _not_utf8(name, "JSON", exc) from None
    except json.JSONDecodeError as exc:
        raise EventValidationError(
            f"Could not read {name!r} as JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}. Expected a list of records such as "
            '[{"date": "2024-04-16", "actor1": "USA", "actor2": "CHN", "event_type": "..."}].'
        ) from None
    except RecursionError:
        raise EventValidationError(
            f"Could not read {name!r} as JSON: its lists and objects are nested deeper than "
            f"Python's JSON parser can follow (about {sys.getrecursionlimit():,} levels). "
            "Event records are a list of flat objects: "
            '[{"date": "2024-04-16", "actor1": "USA", "actor2": "CHN", "event_type": "..."}].'
        ) from None
    if isinstance(data, Mapping) and isinstance(data.get("events"), list):
        data = data["events"]
    if not isinstance(data, list):
        raise EventValidationError(
            f"{name!r} holds a JSON {type(data).__name__}; expected a list of event "
            'records (or an object with an "events" list).'
        )
    _flat_records(data, name, limits.max_field_length)
    # validate_events checks each record and fills absent optional keys with defaults.
    return data


def _bytes_within(path: str, limit: int) -> bool:
    """Whether every line of the file has at most ``limit`` bytes (a line end in every window).

    A line of at most ``limit`` bytes has at most ``limit`` characters, so a
    file that passes needs no decoding to pass the line cap.
    """
    run = 0  # bytes since the last line end
    with open(path, "rb") as stream:
        while block := stream.read(1 << 23):
            pos, n = 0, len(block)
            while pos + (limit - run) + 1 <= n:
                stop = pos + (limit - run) + 1
                end = max(block.rfind(b"\n", pos, stop), block.rfind(b"\r", pos, stop))
                if end < 0:
                    return False
                pos, run = end + 1, 0
            end = max(block.rfind(b"\n", pos), block.rfind(b"\r", pos))
            run = n - end - 1 if end >= pos else run + n - pos
    return True


def _scan_lines(path: str, name: str, limits: ReadLimits) -> None:
    """Raise for a line of the file longer than ``max_line_length`` (bounded memory)."""
    if os.path.getsize(path) <= limits.max_line_length:
        return  # no line can be longer than the file
    if _bytes_within(path, limits.max_line_length):
        return
    try:
        with open(path, encoding="utf-8", errors="replace", newline="") as text:
            bounded = BoundedText(text, limit=limits.max_line_length, name=name)
            while bounded.read(1 << 23):
                pass
    except LineTooLong as exc:
        with open(path, encoding="utf-8", errors="replace", newline="") as text:
            raise exc.at_line(text) from None


def _csv(source: str | PathLike[str] | IO[Any], name: str, regular: bool,
         limits: ReadLimits, sep: str = ",") -> pd.DataFrame:
    # Everything as text: validation parses dates and numbers with row-level messages,
    # and codes such as CAMEO "046" keep their leading zeros.
    options: dict[str, Any] = {
        "sep": sep, "dtype": str, "keep_default_na": False, "na_values": [""]
    }
    suffix = "" if hasattr(source, "read") else Path(cast(str, source)).suffix.lower()
    if suffix in _UNSUPPORTED:
        raise EventValidationError(
            f"read_events cannot expand {name!r}: it reads .gz, .bz2, .xz and .zip files "
            "(one CSV file inside). Expand the file first."
        )
    plain = regular and suffix not in (*_OPENERS, ".zip")
    try:
        if plain:
            _scan_lines(cast(str, source), name, limits)
            if _pyarrow_reads_text():
                # pyarrow's parser gives the same frame eight times faster (pandas' C
                # parser makes a Python string of every field).  A file it cannot read
                # goes to the C parser below, whose errors name the line.
                try:
                    fast: pd.DataFrame = pd.read_csv(
                        source, engine="pyarrow", compression=None, **options
                    )
                    return fast
                except Exception:  # any failure: the C parser below reports it
                    pass
            frame: pd.DataFrame = pd.read_csv(source, compression=None, **options)
            return frame
        # Streams, pipes and compressed files: read through the line cap.
        try:
            with _opened(source, binary=True) as stream, _text_of(stream) as text:
                bounded = BoundedText(text, limit=limits.max_line_length, name=name)
                streamed: pd.DataFrame = pd.read_csv(bounded, **options)
                return streamed
        except LineTooLong as exc:
            if not regular:
                raise  # a stream or a pipe cannot be read again to count its lines
            with _opened(source, binary=True) as stream, _text_of(stream) as text:
                raise exc.at_line(text) from None
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except (
        pd.errors.ParserError, UnicodeDecodeError, OSError, EOFError, zipfile.BadZipFile
    ) as exc:
        what = "CSV" if sep == "," else f"text separated by {sep!r}"
        raise EventValidationError(f"Could not read {name!r} as {what}: {exc}") from None


def _check_one_column(frame: pd.DataFrame, name: str, sep: str) -> None:
    """Raise when the whole header is one column holding another likely separator."""
    if len(frame.columns) != 1:
        return
    header = str(frame.columns[0])
    for other, shown in _LIKELY_SEPARATORS.items():
        if other != sep and other in header:
            raise EventValidationError(
                f"{name!r} reads as one column, {header[:60]!r}, with fields separated by "
                f"{sep!r}; its header holds {shown} characters instead. Pass sep={shown} "
                "(--sep on the command line)."
            )


def _read_raw(
    source: str | PathLike[str] | IO[Any],
    fmt: str,
    limits: ReadLimits,
    *,
    regular: bool = False,
    sep: str = ",",
) -> pd.DataFrame | list[Any]:
    """The file's content as a frame, or (JSON) as the list of records.

    ``regular`` says that ``source`` is the path of a regular file (read
    whole); anything else (stdin, an open file, an allowed pipe or device) is
    read as a stream.
    """
    name = _name_of(source)
    if fmt == "parquet":
        return _parquet(source, name, regular)
    if fmt == "json":
        return _json(source, name, regular, limits)
    frame = _csv(source, name, regular, limits, sep)
    _check_one_column(frame, name, sep)
    _check_text_lengths(frame, name, limits.max_field_length)
    return frame


@functools.cache
def _pyarrow_reads_text() -> bool:
    """Whether ``pd.read_csv(engine="pyarrow", dtype=str)`` keeps every field as its text.

    Only pandas 3 with pyarrow 25 or later has pyarrow parse the fields as text: older
    versions infer types and cast back, so "046" comes back as "46", "3" as "3.0" and
    an empty cell as "nan" or "None".
    """
    if importlib.util.find_spec("pyarrow") is None:
        return False
    probe = io.BytesIO(b"code,gap\n046,\n")
    try:
        frame = pd.read_csv(probe, engine="pyarrow", dtype=str, keep_default_na=False,
                            na_values=[""])
    except Exception:  # a broken pyarrow: the C parser reads everything
        return False
    return frame["code"].tolist() == ["046"] and bool(frame["gap"].isna().all())


def read_events(
    path: str | PathLike[str] | IO[str],
    *,
    format: str | None = None,
    columns: Mapping[str, str] | None = None,
    aliases: Mapping[str, str] | None = None,
    config: Any = None,
    limits: ReadLimits | None = None,
    sep: str = ",",
) -> pd.DataFrame:
    """Read events from a CSV, JSON (records) or Parquet file and validate them.

    Parameters
    ----------
    path : path or file object
        The file; ``"-"`` reads CSV (or ``format``) from standard input.  A
        CSV file may be compressed (``.gz``, ``.bz2``, ``.xz``, or a ``.zip``
        holding one file; pass ``format="csv"``).
    format : {"csv", "json", "parquet"}, optional
        Defaults to the file's extension.  Parquet needs the optional
        dependency pyarrow (``pip install "tensionindex[parquet]"``).
    columns, aliases, config
        As in :func:`validate_events`.
    limits : ReadLimits, optional
        Caps on what is read (:class:`tensionindex.io.ReadLimits`): CSV lines
        longer than ``max_line_length`` characters and text values longer
        than ``max_field_length`` are errors; a named pipe or device is
        refused unless ``special_files=True``.  Standard input, open files,
        pipes and compressed files are read through the line cap as they
        stream in; a JSON stream must start as a list or an object does.
    sep : str, default ","
        The character between fields of delimited text: ``";"`` for the CSV of
        locales that write decimal commas, ``"\\t"`` for tab-separated files,
        ``"|"``...  Any extension is then read as delimited text unless
        ``format`` says otherwise (a ``.tsv`` or ``.txt`` file needs no
        ``format``).  Quoting is CSV's (double quotes), and every field is read
        as text, as with commas.

    Returns
    -------
    pandas.DataFrame
        Validated events in the canonical layout.

    Raises
    ------
    EventValidationError
        If the file cannot be read or its events are invalid: a missing
        file, a folder, a named pipe or device (unless allowed), text that is
        not UTF-8, a malformed or too deeply nested JSON document, a record
        value that is a list or an object (or a Parquet column of them), a
        line or value over its cap (the message names the file, the line or
        row, and the setting to change).
    InvalidParameterError
        If ``sep`` is not one character that can separate fields (a quote, a
        space, a backslash or a line end cannot), or is given for JSON or
        Parquet.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import tensionindex as ti
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "events.csv"
    >>> _ = path.write_text(
    ...     "date,actor1,actor2,event_type\\n2024-04-16,USA,CHN,military_hotline_call\\n"
    ... )
    >>> ti.read_events(path)[["date", "actor1", "actor2", "event_type"]]
            date actor1 actor2             event_type
    0 2024-04-16    USA    CHN  military_hotline_call

    Text with another separator, here semicolons and a decimal point:

    >>> _ = path.write_text(
    ...     "date;actor1;actor2;event_type;intensity\\n2024-04-16;USA;CHN;leader_call;1.5\\n"
    ... )
    >>> ti.read_events(path, sep=";")[["date", "event_type", "intensity"]]
            date   event_type  intensity
    0 2024-04-16  leader_call        1.5
    """
    caps = check_limits(limits, caller="read_events")
    if isinstance(path, str) and path == "-":
        fmt = _format_of(None, format)
        _check_sep(sep, fmt)
        # Parquet is binary: read it from the byte stream under sys.stdin.
        stdin = getattr(sys.stdin, "buffer", sys.stdin) if fmt == "parquet" else sys.stdin
        raw = _read_raw(stdin, fmt, caps, sep=sep)
    elif hasattr(path, "read"):
        fmt = _format_of(None, format)
        _check_sep(sep, fmt)
        raw = _read_raw(path, fmt, caps, sep=sep)
    else:
        # Another separator names delimited text whatever the extension (.tsv, .txt),
        # unless the extension says JSON or Parquet, which _check_sep then refuses.
        named = _FORMATS.get(Path(path).suffix.lower())
        delimited = sep != "," and format is None and named not in ("json", "parquet")
        fmt = "csv" if delimited else _format_of(path, format)
        _check_sep(sep, fmt)
        if not Path(path).exists():
            raise EventValidationError(f"Events file {str(path)!r} does not exist.")
        if Path(path).is_dir():
            raise EventValidationError(
                f"Events file {str(path)!r} is a folder; give the path of a file in it."
            )
        regular = check_regular(os.fspath(path), caps)
        raw = _read_raw(path, fmt, caps, regular=regular, sep=sep)
    return validate_events(raw, columns=columns, aliases=aliases, config=config)


def _json_value(value: Any) -> Any:
    """``json.dumps``'s fallback for what ``tolist`` leaves: numpy scalars, dates, arrays."""
    if isinstance(value, np.generic):
        return _json_value(value.item())
    if isinstance(value, np.ndarray):
        return [_json_value(v) for v in value.tolist()]
    if isinstance(value, pd.Timestamp | np.datetime64):
        return None if pd.isna(value) else pd.Timestamp(value).isoformat()
    if isinstance(value, float):
        return value if np.isfinite(value) else None
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if hasattr(value, "isoformat"):  # datetime.date and friends
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _json_column(values: pd.Series) -> list[Any]:
    """One column as JSON-ready Python values: days as ISO dates, missing and non-finite as null."""
    if pd.api.types.is_datetime64_any_dtype(values):
        times = pd.Series(pd.to_datetime(values))
        known = times.dropna()
        midnight = getattr(times.dt, "tz", None) is None and bool(
            (known == known.dt.normalize()).all()
        )
        text = times.dt.strftime("%Y-%m-%d") if midnight else times.map(
            lambda t: t.isoformat() if pd.notna(t) else None
        )
        return [None if pd.isna(t) else str(t) for t in text.tolist()]
    if pd.api.types.is_float_dtype(values):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        # tolist gives Python floats, which json writes as their shortest exact repr.
        return [v if np.isfinite(v) else None for v in numbers.tolist()]
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_integer_dtype(values):
        return [None if pd.isna(v) else v for v in values.astype(object).tolist()]
    return [None if _missing(v) else v for v in values.astype(object).tolist()]


def _missing(value: Any) -> bool:
    """A scalar that pandas calls missing (lists and arrays are values, never missing)."""
    if isinstance(value, list | tuple | dict | np.ndarray):
        return False
    return bool(pd.isna(value))


def _json_records(frame: pd.DataFrame) -> str:
    """``frame`` as a JSON list of records, one record a line."""
    names = [str(name) for name in frame.columns]
    columns = [_json_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
    lines = [
        json.dumps(dict(zip(names, row, strict=True)), default=_json_value, allow_nan=False,
                   ensure_ascii=False)
        for row in zip(*columns, strict=True)
    ] if columns else ["{}"] * len(frame)
    return "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n"


@validate_params(
    {
        "frame": [Instance((pd.DataFrame,), "a pandas DataFrame (a result table such as "
                           "stability_index's or explain's)")],
        "path": [Instance((str, os.PathLike, None), "a file path (str or os.PathLike), or "
                          "None for standard output")],
    },
    name="write_table",
)
def write_table(
    frame: pd.DataFrame, path: str | PathLike[str] | None, *, format: str | None = None
) -> None:
    """Write a result table as CSV (default; to stdout when ``path`` is None), JSON or Parquet.

    Parameters
    ----------
    frame : pandas.DataFrame
        A result of :func:`stability_index`, :func:`explain`, :func:`taxonomy`...
    path : path, optional
        Output file; its extension (``.csv``, ``.json``, ``.parquet``) picks the
        format unless ``format`` is given.  None writes to standard output.
    format : {"csv", "json", "parquet"}, optional
        CSV writes dates as ``2024-04-16`` and numbers in full (``repr``).
        JSON is a list of records, one a line: dates as ISO dates
        (``"2024-04-16"``; date-times as ``"2024-04-16T05:30:00"`` when a
        column has a time of day, with their offset when time-zone aware),
        numbers in full precision (Python's shortest ``repr`` that reads back
        as the same float, so a JSON file round-trips exactly), missing or
        non-finite values as ``null``.  Round for people first (the command
        line's ``--digits``).  Parquet keeps the types; it needs pyarrow
        (``pip install "tensionindex[parquet]"``).

    Raises
    ------
    InvalidParameterError
        If ``frame`` is not a DataFrame or ``path`` is not a path or None.
    EventValidationError
        If the format is unknown, from ``format`` or the extension.

    Examples
    --------
    >>> import tensionindex as ti
    >>> result = ti.stability_index(
    ...     [{"date": "2024-04-16", "actor1": "USA", "actor2": "CHN", "event_type": "leader_call"}]
    ... )
    >>> ti.write_table(result, None)
    dyad,date,events,signal,tension,stability,information,low_information
    CHN-USA,2024-04-16,1,-4.5,-4.5,61.0639233949222,1.0,False
    >>> ti.write_table(result[["dyad", "date", "stability"]], None, format="json")
    [
    {"dyad": "CHN-USA", "date": "2024-04-16", "stability": 61.0639233949222}
    ]
    """
    fmt = _format_of(path, format)
    if fmt == "json":
        text = _json_records(frame)
        if path is None:
            sys.stdout.write(text)
        else:
            Path(path).write_text(text, encoding="utf-8")
        return
    if path is None:
        frame.to_csv(sys.stdout, index=False, date_format="%Y-%m-%d")
        return
    if fmt == "parquet":
        require("pyarrow", extra="parquet", feature="Writing Parquet files")
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False, date_format="%Y-%m-%d")
