"""Read ICEWS event files (the Harvard Dataverse ``events.YYYY.tab`` layout) into canonical events.

ICEWS files are tab-separated with a header row and no quoting; missing
values are empty or ``NA``.  Countries are full names ("United States",
"Occupied Palestinian Territory"), mapped to ISO 3166 alpha-3 codes with
tensionindex's alias table (:func:`tensionindex.actor_aliases`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pandas as pd

from tensionindex._types import DedupMethod
from tensionindex.io._delimited import DEFAULT_CHUNKSIZE, Engine
from tensionindex.io._formats import ICEWS_COLUMNS
from tensionindex.io._limits import ReadLimits
from tensionindex.io._reader import Fields, iter_format, read_format
from tensionindex.io._report import ReadReport
from tensionindex.io._sources import SourceLike

__all__ = ["ICEWS_COLUMNS", "iter_icews", "read_icews"]


def iter_icews(
    source: SourceLike,
    *,
    dyads: Sequence[str] | str | None = None,
    engine: Engine = "auto",
    chunksize: int = DEFAULT_CHUNKSIZE,
    limits: ReadLimits | None = None,
    fields: Fields = "all",
) -> Iterator[tuple[pd.DataFrame, ReadReport]]:
    """Read ICEWS event files chunk by chunk, in bounded memory.

    Parameters are those of :func:`read_icews`, and chunks come as from
    :func:`iter_gdelt`: the parameters are checked when this is called, and
    no more than ``chunksize`` raw rows are held at once.

    Yields
    ------
    events : pandas.DataFrame
        The kept rows of one chunk, validated (see :func:`read_icews`).
    report : ReadReport
        What the chunk read, kept and left out.

    Examples
    --------
    >>> import io
    >>> import tensionindex.io as tio
    >>> text = io.StringIO(
    ...     "Event ID\\tEvent Date\\tSource Country\\tCAMEO Code\\tTarget Country\\n"
    ...     "1\\t2018-06-01\\tChina\\t040\\tUnited States\\n"
    ...     "2\\t2018-06-02\\tNorth Korea\\t036\\tUnited States\\n"
    ... )
    >>> for events, report in tio.iter_icews(text, chunksize=1):
    ...     print(events["event_type"].tolist(), dict(report.daily_records))
    ['cameo:040'] {'2018-06-01': 1}
    ['cameo:036'] {'2018-06-02': 1}
    """
    return iter_format(
        "icews",
        source,
        caller="iter_icews",
        dyads=dyads,
        engine=engine,
        chunksize=chunksize,
        limits=limits,
        fields=fields,
    )


def read_icews(
    source: SourceLike,
    *,
    dyads: Sequence[str] | str | None = None,
    engine: Engine = "auto",
    chunksize: int = DEFAULT_CHUNKSIZE,
    deduplicate: DedupMethod | None = None,
    progress: bool = False,
    limits: ReadLimits | None = None,
    fields: Fields = "all",
) -> pd.DataFrame:
    """Read ICEWS event files as canonical events.

    Parameters
    ----------
    source : path, glob pattern, open file, or list of these
        As in :func:`read_gdelt` (folders, ``.zip`` and ``.gz`` included).
    dyads : str or list of str, optional
        Keep only these undirected dyads, e.g. ``["CHN-USA", "PRK-USA"]``;
        other rows are counted as ``outside_dyads``.
    engine, chunksize, deduplicate, progress, limits, fields
        As in :func:`read_gdelt`: the parser (identical results), the raw
        rows parsed at a time, a deduplication rule applied while reading,
        and a progress bar over the files; ``limits`` caps line and value
        length and refuses named pipes and devices (:class:`ReadLimits`);
        ``fields="index"`` keeps only the columns the index and the
        deduplication rule read.

    Returns
    -------
    pandas.DataFrame
        Canonical events in file order: ``date`` = Event Date,
        ``actor1``/``actor2`` = Source Country / Target Country mapped from
        full names to ISO 3166 alpha-3 codes with the alias table,
        ``event_type`` = ``"cameo:"`` + CAMEO Code (leading zeros kept),
        ``event_id`` = Event ID (not unique on its own in ICEWS: with the date
        it is), ``source`` = Publisher, then ``icews_intensity`` (ICEWS's
        Intensity, -10..10), ``story_id``, ``sentence_number``, ``event_text``,
        ``source_name``, ``target_name`` and ``dataset`` (``"icews"``, a
        categorical).  Rows with a number of fields other than the header's
        (``wrong_field_count``: a row cut short or run together with the
        next, listed in the report's ``wrong_field_counts``), without both
        countries, with the same country on both sides, with a country name the alias
        table does not know (counted as ``unmapped_actor_country``, the names
        listed in the report's ``unmapped_names``) or outside ``dyads`` are
        left out and counted; nothing else is dropped or deduplicated.  The
        report (``events.attrs["tensionindex_read"]``, :func:`read_report`)
        counts coverage by Event Date: ICEWS files events by event day.

    Raises
    ------
    EventValidationError
        For a file without the ICEWS header row (the message lists the
        columns expected), a damaged value (file, row, column and value), a
        line or value over its cap in ``limits`` (file, line or row, and the
        setting), a named pipe or device, or an unreadable source.

    See Also
    --------
    iter_icews : the same, chunk by chunk.
    actor_aliases : the country-name table; pass unknown spellings to
        :func:`validate_events` via ``aliases=`` after reading, or report them.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import tensionindex.io as tio
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "events.tab"
    >>> _ = path.write_text(
    ...     "Event ID\\tEvent Date\\tSource Name\\tSource Country\\tEvent Text\\tCAMEO Code\\t"
    ...     "Intensity\\tTarget Name\\tTarget Country\\tStory ID\\tSentence Number\\tPublisher\\n"
    ...     "1\\t2018-06-01\\tMike Pompeo\\tUnited States\\tConsult\\t040\\t1\\tKim Yong Chol\\t"
    ...     "North Korea\\t47400351\\t2\\tXinhua\\n"
    ...     "2\\t2018-06-01\\tGovernment\\tAtlantis\\tAccuse\\t112\\t-2\\tGovernment\\tChina\\t"
    ...     "47400352\\t1\\tXinhua\\n"
    ... )
    >>> events = tio.read_icews(path)
    >>> events[["date", "actor1", "actor2", "event_type", "icews_intensity"]]
            date actor1 actor2 event_type  icews_intensity
    0 2018-06-01    USA    PRK  cameo:040              1.0
    >>> dict(tio.read_report(events).unmapped_names)
    {'Atlantis': 1}
    """
    return read_format(
        "icews",
        source,
        caller="read_icews",
        dyads=dyads,
        engine=engine,
        chunksize=chunksize,
        deduplicate=deduplicate,
        progress=progress,
        limits=limits,
        fields=fields,
    )
