"""Read events from CSV, JSON or Parquet files and write results to them."""

from __future__ import annotations

import functools
import importlib.util
import io
import json
import sys
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import IO, Any, cast

import pandas as pd

from tensionindex.events import validate_events
from tensionindex.exceptions import EventValidationError, require

__all__ = ["read_events", "write_table"]

_FORMATS = {".csv": "csv", ".json": "json", ".parquet": "parquet", ".pq": "parquet"}


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


def _read_raw(source: str | PathLike[str] | IO[Any], fmt: str) -> pd.DataFrame | list[Any]:
    """The file's content as a frame, or (JSON) as the list of records."""
    # A file object's .name ("<stdin>"), else the full path (Path.name would drop the folder).
    name = getattr(source, "name", "<file>") if hasattr(source, "read") else source
    if fmt == "parquet":
        require("pyarrow", extra="parquet", feature="Reading Parquet files")
        try:
            return pd.read_parquet(cast(Any, source))
        except (OSError, ValueError, TypeError) as exc:
            raise EventValidationError(f"Could not read {str(name)!r} as Parquet: {exc}") from None
    if fmt == "json":
        try:
            if hasattr(source, "read"):
                text = cast(IO[Any], source).read()
            else:
                text = Path(cast(str, source)).read_text("utf-8")
            data = json.loads(text)
        except UnicodeDecodeError as exc:
            raise EventValidationError(
                f"Could not read {str(name)!r} as JSON: it is not UTF-8 text ({exc.reason} at "
                f"byte {exc.start})."
            ) from None
        except json.JSONDecodeError as exc:
            raise EventValidationError(
                f"Could not read {str(name)!r} as JSON: {exc.msg} at line {exc.lineno}, "
                f"column {exc.colno}. Expected a list of records such as "
                '[{"date": "2024-04-16", "actor1": "USA", "actor2": "CHN", "event_type": "..."}].'
            ) from None
        if isinstance(data, Mapping) and isinstance(data.get("events"), list):
            data = data["events"]
        if not isinstance(data, list):
            raise EventValidationError(
                f"{str(name)!r} holds a JSON {type(data).__name__}; expected a list of event "
                'records (or an object with an "events" list).'
            )
        # validate_events checks each record and fills absent optional keys with defaults.
        return data
    # Everything as text: validation parses dates and numbers with row-level messages,
    # and codes such as CAMEO "046" keep their leading zeros.
    options: dict[str, Any] = {"dtype": str, "keep_default_na": False, "na_values": [""]}
    if not hasattr(source, "read") and _pyarrow_reads_text():
        # pyarrow's parser gives the same frame eight times faster (pandas' C parser
        # makes a Python string of every field).  A file it cannot read goes to the C
        # parser below, whose errors name the line.
        try:
            fast: pd.DataFrame = pd.read_csv(source, engine="pyarrow", **options)
            return fast
        except Exception:  # any failure: the C parser below reports it
            pass
    try:
        frame: pd.DataFrame = pd.read_csv(source, **options)
        return frame
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise EventValidationError(f"Could not read {str(name)!r} as CSV: {exc}") from None


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
) -> pd.DataFrame:
    """Read events from a CSV, JSON (records) or Parquet file and validate them.

    Parameters
    ----------
    path : path or file object
        The file; ``"-"`` reads CSV (or ``format``) from standard input.
    format : {"csv", "json", "parquet"}, optional
        Defaults to the file's extension.  Parquet needs the optional
        dependency pyarrow (``pip install "tensionindex[parquet]"``).
    columns, aliases, config
        As in :func:`validate_events`.

    Returns
    -------
    pandas.DataFrame
        Validated events in the canonical layout.

    Raises
    ------
    EventValidationError
        If the file cannot be read or its events are invalid.

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
    if isinstance(path, str) and path == "-":
        fmt = _format_of(None, format)
        # Parquet is binary: read it from the byte stream under sys.stdin.
        stdin = getattr(sys.stdin, "buffer", sys.stdin) if fmt == "parquet" else sys.stdin
        raw = _read_raw(stdin, fmt)
    elif hasattr(path, "read"):
        raw = _read_raw(path, _format_of(None, format))
    else:
        fmt = _format_of(path, format)
        if not Path(path).exists():
            raise EventValidationError(f"Events file {str(path)!r} does not exist.")
        if Path(path).is_dir():
            raise EventValidationError(
                f"Events file {str(path)!r} is a folder; give the path of a file in it."
            )
        raw = _read_raw(path, fmt)
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
    CHN-USA,2024-04-16,1,-1.0,-1.0,52.497918747894,1.0,False
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
