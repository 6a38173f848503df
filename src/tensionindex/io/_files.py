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
from tensionindex.exceptions import EventValidationError, require
from tensionindex.io._limits import (
    BoundedText,
    LineTooLong,
    ReadLimits,
    check_limits,
    check_regular,
    field_too_long,
)

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
         limits: ReadLimits) -> pd.DataFrame:
    # Everything as text: validation parses dates and numbers with row-level messages,
    # and codes such as CAMEO "046" keep their leading zeros.
    options: dict[str, Any] = {"dtype": str, "keep_default_na": False, "na_values": [""]}
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
        raise EventValidationError(f"Could not read {name!r} as CSV: {exc}") from None


def _read_raw(
    source: str | PathLike[str] | IO[Any], fmt: str, limits: ReadLimits, *, regular: bool = False
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
    frame = _csv(source, name, regular, limits)
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
    """
    caps = check_limits(limits, caller="read_events")
    if isinstance(path, str) and path == "-":
        fmt = _format_of(None, format)
        # Parquet is binary: read it from the byte stream under sys.stdin.
        stdin = getattr(sys.stdin, "buffer", sys.stdin) if fmt == "parquet" else sys.stdin
        raw = _read_raw(stdin, fmt, caps)
    elif hasattr(path, "read"):
        raw = _read_raw(path, _format_of(None, format), caps)
    else:
        fmt = _format_of(path, format)
        if not Path(path).exists():
            raise EventValidationError(f"Events file {str(path)!r} does not exist.")
        if Path(path).is_dir():
            raise EventValidationError(
                f"Events file {str(path)!r} is a folder; give the path of a file in it."
            )
        regular = check_regular(os.fspath(path), caps)
        raw = _read_raw(path, fmt, caps, regular=regular)
    return validate_events(raw, columns=columns, aliases=aliases, config=config)


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
        JSON is a list of records with ISO dates and 15 significant digits;
        Parquet needs pyarrow (``pip install "tensionindex[parquet]"``).

    Examples
    --------
    >>> import tensionindex as ti
    >>> result = ti.stability_index(
    ...     [{"date": "2024-04-16", "actor1": "USA", "actor2": "CHN", "event_type": "leader_call"}]
    ... )
    >>> ti.write_table(result, None)
    dyad,date,events,signal,tension,stability,information,low_information
    CHN-USA,2024-04-16,1,-4.5,-4.5,61.0639233949222,1.0,False
    """
    fmt = _format_of(path, format)
    if path is None:
        if fmt == "json":
            text = frame.to_json(orient="records", date_format="iso", double_precision=15)
            sys.stdout.write(text + "\n")
        else:
            frame.to_csv(sys.stdout, index=False, date_format="%Y-%m-%d")
        return
    if fmt == "parquet":
        require("pyarrow", extra="parquet", feature="Writing Parquet files")
        frame.to_parquet(path, index=False)
    elif fmt == "json":
        frame.to_json(path, orient="records", date_format="iso", double_precision=15, indent=1)
    else:
        frame.to_csv(path, index=False, date_format="%Y-%m-%d")
