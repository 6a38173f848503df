"""Read GDELT 1.0 and 2.0 event files into canonical events.

Layouts, detected per file from its first line:

* GDELT 1.0 historical backfile: 57 tab-separated fields, no header;
* GDELT 1.0 daily export: 58 fields (adds SOURCEURL), no header; a file may
  mix both (the rows without SOURCEURL get none);
* GDELT 2.0 export: 61 fields (adds three ADM2 codes), no header;
* any of these with a header row naming the columns (GLOBALEVENTID first),
  tab- or comma-separated, with extra columns allowed: exports from BigQuery,
  R (``NA`` for missing values) or gdeltPyR (an extra ``CAMEOCodeDescription``).

Raw exports never quote fields, so tab-separated files are read with
``QUOTE_NONE`` semantics; comma-separated files use standard CSV quoting.

A row with a number of fields its file's layout does not have (57 or 58 in
GDELT 1.0, 61 in 2.0, the header's count in files with a header row) is cut
short or run together with the next: it is left out and counted as
``wrong_field_count``.  A row whose EventCode disagrees with its own
EventBaseCode or EventRootCode (``13`` beside ``139``: a code cut short) is
left out as ``impossible_event_code``.  Neither is ever read as a shorter
code.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal, TypeAlias

import pandas as pd

from tensionindex._types import DedupMethod
from tensionindex.io._delimited import DEFAULT_CHUNKSIZE, Engine
from tensionindex.io._formats import GDELT1_COLUMNS, GDELT2_COLUMNS, GdeltIntensity
from tensionindex.io._limits import ReadLimits
from tensionindex.io._reader import Fields, iter_format, read_format
from tensionindex.io._report import ReadReport
from tensionindex.io._sources import SourceLike

__all__ = [
    "GDELT1_COLUMNS",
    "GDELT2_COLUMNS",
    "GdeltIntensity",
    "iter_gdelt",
    "read_gdelt",
]

GdeltVersion: TypeAlias = Literal[1, 2]


def iter_gdelt(
    source: SourceLike,
    *,
    version: GdeltVersion | None = None,
    dyads: Sequence[str] | str | None = None,
    intensity: GdeltIntensity | None = None,
    engine: Engine = "auto",
    chunksize: int = DEFAULT_CHUNKSIZE,
    limits: ReadLimits | None = None,
    fields: Fields = "all",
) -> Iterator[tuple[pd.DataFrame, ReadReport]]:
    """Read GDELT event files chunk by chunk, in bounded memory.

    Parameters are those of :func:`read_gdelt`.  The source is expanded and
    the parameters checked when this is called; files are opened one at a
    time as the iterator advances, and no more than ``chunksize`` raw rows
    are held at once.

    Yields
    ------
    events : pandas.DataFrame
        The kept rows of one chunk, validated (see :func:`read_gdelt`), with
        the chunk's report in ``events.attrs["tensionindex_read"]``.  Every
        file yields at least one chunk, possibly with no rows.
    report : ReadReport
        What the chunk read, kept and left out.  Reports add up with ``+``;
        the total is logged (INFO, logger ``"tensionindex"``) at the end.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import tensionindex.io as tio
    >>> row = ["1", "20191024"] + [""] * 5 + ["USA"] + [""] * 9 + ["CHN"] + [""] * 7
    >>> row += ["1", "042", "042", "04", "1", "1.9", "4", "1", "4", "-1.2"] + [""] * 24
    >>> row += ["20191024143000", "https://www.example.com/a"]
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "20191024143000.export.CSV"
    >>> _ = path.write_text("\\t".join(row) + "\\n")
    >>> for events, report in tio.iter_gdelt(path, chunksize=10_000):
    ...     print(len(events), report.rows_read, dict(report.daily_records))
    1 1 {'2019-10-24': 1}
    """
    return iter_format(
        "gdelt",
        source,
        caller="iter_gdelt",
        version=version,
        dyads=dyads,
        intensity=intensity,
        engine=engine,
        chunksize=chunksize,
        limits=limits,
        fields=fields,
    )


def read_gdelt(
    source: SourceLike,
    *,
    version: GdeltVersion | None = None,
    dyads: Sequence[str] | str | None = None,
    intensity: GdeltIntensity | None = None,
    engine: Engine = "auto",
    chunksize: int = DEFAULT_CHUNKSIZE,
    deduplicate: DedupMethod | None = None,
    progress: bool = False,
    limits: ReadLimits | None = None,
    fields: Fields = "all",
) -> pd.DataFrame:
    """Read GDELT 1.0 or 2.0 event files as canonical events.

    Parameters
    ----------
    source : path, glob pattern, open file, or list of these
        The files: a path, a folder (every file in it, sorted by name), a
        glob pattern such as ``"gdelt/2024*.export.CSV.zip"``, an open file,
        or a list of any of these.  ``.zip`` archives (every member, sorted)
        and ``.gz`` files are read directly.
    version : {1, 2}, optional
        Require this GDELT version; by default each file's layout is detected
        (57/58 fields: 1.0, 61: 2.0, or a header row).
    dyads : str or list of str, optional
        Keep only these undirected dyads, e.g. ``["CHN-USA", "CHN-PHL"]``
        (both directions are kept); other rows are counted as
        ``outside_dyads`` and never held in memory.
    intensity : {"NumSources", "NumArticles", "NumMentions"}, optional
        Use this volume field as the events' ``intensity`` (the
        configuration's intensity transform then applies).  By default every
        event has intensity 1.
    engine : {"auto", "pyarrow", "pandas"}, default "auto"
        How the text is parsed: pyarrow when installed (``pip install
        "tensionindex[parquet]"``), else pandas.  Both give identical results.
    chunksize : int, default 100_000
        Raw rows parsed at a time.
    deduplicate : {"event_id", "event_id_date", "one_a_day", "corroboration"}, optional
        Apply :func:`tensionindex.deduplicate` while reading.  The id and
        one-a-day rules run chunk by chunk, so memory follows the distinct
        events kept rather than the number of files; the report of raw and kept
        rows per dyad is in ``events.attrs["tensionindex_dedup"]``.
    progress : bool, default False
        Draw a progress bar over the files on stderr (only on a terminal).
    limits : ReadLimits, optional
        Caps that keep a damaged or hostile file from exhausting memory
        (:class:`tensionindex.io.ReadLimits`; by default lines of at most
        1,048,576 characters, values of at most 131,072, and no named pipes
        or devices).  A compressed file that expands to one huge line stops
        as soon as the line passes the cap.
    fields : {"all", "index"}, default "all"
        Which columns the events carry: all those listed under Returns, or
        (``"index"``) only those the index reads (``date``, ``actor1``,
        ``actor2``, ``event_type``, ``intensity``, ``confidence``,
        ``dataset``) and those ``deduplicate`` reads (``event_id``, or
        ``source`` and ``url``).  The other columns of the files are then not
        converted: on GDELT 2.0 exports the read is about 1.4x faster and
        holds about 28 bytes per kept event instead of about 375
        (docs/performance.md).  The report is the same.

    Returns
    -------
    pandas.DataFrame
        Canonical events (see :func:`validate_events`), in file order:
        ``date`` = SQLDATE, ``actor1``/``actor2`` = Actor1CountryCode /
        Actor2CountryCode, ``event_type`` = ``"cameo:"`` + EventCode (a string:
        leading zeros kept), ``intensity`` (1, or the ``intensity`` field),
        ``confidence`` 1, ``event_id`` = GLOBALEVENTID, ``source`` = the site of
        SOURCEURL (host without "www."), ``url`` = SOURCEURL (missing in 1.0
        backfile rows), then GDELT's own NumMentions, NumSources, NumArticles,
        IsRootEvent (nullable integers), GoldsteinScale, AvgTone (floats),
        DATEADDED (a timestamp), and ``dataset``: ``"gdelt1"`` or ``"gdelt2"``
        after the layout of the row's file (a categorical).  Rows of a wrong
        number of fields (``wrong_field_count``, their counts listed in the
        report's ``wrong_field_counts``), with an EventCode that disagrees
        with EventBaseCode or EventRootCode (``impossible_event_code``,
        listed in ``impossible_event_codes``), without both actor countries,
        or with the same country on both sides, and rows outside ``dyads``
        are left out and counted; nothing else is dropped or deduplicated.
        ``events.attrs["tensionindex_read"]`` holds the :class:`ReadReport` as
        a dict (get it back with :func:`read_report`); its coverage counts the
        rows read (kept or not) dated to each day (SQLDATE).  A one-line summary is logged at
        INFO level to the ``"tensionindex"`` logger.

    Raises
    ------
    EventValidationError
        For a missing file, a pattern that matches nothing, an unreadable
        archive, a named pipe or device (unless ``limits`` allows them), a
        layout that is not GDELT's (the message names the file, the fields
        seen and the layouts expected), a damaged value such as a date that
        is no date or a number that is not finite (the message names the
        file, row, column and value), or a line or value longer than its cap
        (the message names the file, the line or row, and the setting).
    InvalidParameterError
        For ``limits`` that is not a :class:`ReadLimits`.

    See Also
    --------
    iter_gdelt : the same, chunk by chunk, for archives larger than memory.
    read_report : the report of a reader's result.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import tensionindex as ti
    >>> import tensionindex.io as tio
    >>> def row(event_id, actor1, actor2, code, goldstein):
    ...     fields = [event_id, "20191024"] + [""] * 5 + [actor1] + [""] * 9 + [actor2]
    ...     fields += [""] * 7 + ["1", code, code, code[:2], "1", goldstein, "4", "2", "4"]
    ...     fields += ["-1.2"] + [""] * 24 + ["20191024143000", "https://www.example.com/a"]
    ...     return "\\t".join(fields) + "\\n"
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "20191024143000.export.CSV"
    >>> _ = path.write_text(row("1", "USA", "CHN", "042", "1.9")
    ...                     + row("2", "CHN", "CHN", "010", "0.0")
    ...                     + row("3", "", "PHL", "190", "-10.0"))
    >>> events = tio.read_gdelt(path, intensity="NumSources")
    >>> events[["date", "actor1", "actor2", "event_type", "intensity", "source"]]
            date actor1 actor2 event_type  intensity       source
    0 2019-10-24    USA    CHN  cameo:042        2.0  example.com
    >>> report = tio.read_report(events)
    >>> report.rows_read, report.dropped["same_country"], report.dropped["missing_actor_country"]
    (3, 1, 1)
    """
    return read_format(
        "gdelt",
        source,
        caller="read_gdelt",
        version=version,
        dyads=dyads,
        intensity=intensity,
        engine=engine,
        chunksize=chunksize,
        deduplicate=deduplicate,
        progress=progress,
        limits=limits,
        fields=fields,
    )
