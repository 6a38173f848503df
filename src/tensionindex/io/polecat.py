"""Read POLECAT event files (PLOVER-coded, Harvard Dataverse) into canonical events.

No POLECAT file could be stored with the project, so the layout below is the
one documented by POLECAT's users: the weekly and yearly ``ngecEvents*.txt``
files of the POLECAT Dataverse (doi:10.7910/DVN/AJGVIT) are tab-separated,
with a header row naming these columns (the intensity column is "Intensity"
in early files, "Event Intensity" later)::

    Event ID, Event Date, Event Type, Event Mode, Event Intensity, Quad Code,
    Contexts, Actor Name, Actor Country, Actor COW, Primary Actor Sector,
    Actor Sectors, Actor Title, Actor Name Raw, Wikipedia Actor ID,
    Recipient Name, Recipient Country, Recipient COW, Primary Recipient Sector,
    Recipient Sectors, Recipient Title, Recipient Name Raw,
    Wikipedia Recipient ID, Placename, City, District, Province, Country,
    Latitude, Longitude, GeoNames ID, Raw Placename, Feature Type, Source,
    Publication Date, Story People, Story Organizations, Story Locations,
    Language, Version

Countries are ISO 3166 alpha-3 codes; a side may list several, separated by
``;``; a missing value is written ``None``.  Some files carry a misplaced
"Headline" column name in their header (A. Beger, "POLECAT Event Data",
andybeger.com, 2024): those are read with the standard names above.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pandas as pd

from tensionindex._types import DedupMethod
from tensionindex.io._delimited import DEFAULT_CHUNKSIZE, Engine
from tensionindex.io._formats import POLECAT_COLUMNS
from tensionindex.io._limits import ReadLimits
from tensionindex.io._reader import Fields, iter_format, read_format
from tensionindex.io._report import ReadReport
from tensionindex.io._sources import SourceLike

__all__ = ["POLECAT_COLUMNS", "iter_polecat", "read_polecat"]


def iter_polecat(
    source: SourceLike,
    *,
    dyads: Sequence[str] | str | None = None,
    engine: Engine = "auto",
    chunksize: int = DEFAULT_CHUNKSIZE,
    limits: ReadLimits | None = None,
    fields: Fields = "all",
) -> Iterator[tuple[pd.DataFrame, ReadReport]]:
    """Read POLECAT event files chunk by chunk, in bounded memory (as :func:`iter_gdelt`).

    Takes the parameters of :func:`read_polecat`.

    Yields
    ------
    events, report : pandas.DataFrame and ReadReport
        Each chunk's validated events (see :func:`read_polecat`) and its report.

    Examples
    --------
    >>> import io
    >>> import tensionindex.io as tio
    >>> week = io.StringIO(
    ...     "Event ID\\tEvent Date\\tEvent Type\\tEvent Mode\\tActor Country\\t"
    ...     "Recipient Country\\tPublication Date\\n"
    ...     "e1\\t2023-01-02\\tCONSULT\\tphone\\tUSA\\tCHN\\t2023-01-03\\n"
    ... )
    >>> for events, report in tio.iter_polecat(week):
    ...     print(events["event_type"].tolist(), dict(report.daily_records))
    ['plover:CONSULT/phone'] {'2023-01-02': 1}
    """
    return iter_format(
        "polecat",
        source,
        caller="iter_polecat",
        dyads=dyads,
        engine=engine,
        chunksize=chunksize,
        limits=limits,
        fields=fields,
    )


def read_polecat(
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
    """Read POLECAT event files as canonical events.

    Parameters
    ----------
    source : path, glob pattern, open file, or list of these
        The weekly or yearly files, or their archives, as in :func:`read_gdelt`.
    dyads : str or list of str, optional
        Keep only these undirected dyads; other rows are counted as
        ``outside_dyads``.
    engine, chunksize, deduplicate, progress, limits, fields
        As in :func:`read_gdelt` (``limits``: :class:`ReadLimits`; ``fields="index"``:
        only the columns the index and the deduplication rule read).

    Returns
    -------
    pandas.DataFrame
        Canonical events in file order: ``date`` = Event Date,
        ``actor1``/``actor2`` = Actor Country / Recipient Country,
        ``event_type`` = ``"plover:"`` + Event Type (upper case) + ``"/"`` +
        Event Mode (lower case) when a mode is given, ``event_id`` = Event ID,
        ``source`` = Source, then ``polecat_intensity`` (Event Intensity),
        ``quad_code``, ``contexts``, ``actor_name``, ``recipient_name``,
        ``publication_date`` and ``dataset`` (``"polecat"``, a categorical).
        A type/mode pair missing from tensionindex's PLOVER table is read as
        its base type and counted in the report's ``fallback_event_types``.
        Rows with a number of fields other than the header's
        (``wrong_field_count``, listed in the report's
        ``wrong_field_counts``), without both countries, with several
        countries on one side, with the same country on both sides, with a
        type unknown to PLOVER or outside ``dyads`` are left out and counted.
        Coverage counts rows by Event Date, the index's own axis.

    Raises
    ------
    EventValidationError
        For a file without the POLECAT header row (the message lists the
        columns expected), a damaged value, a line or value over its cap in
        ``limits``, a named pipe or device, or an unreadable source.

    See Also
    --------
    iter_polecat : the same, chunk by chunk.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import tensionindex.io as tio
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "ngecEvents.DV.2023.txt"
    >>> _ = path.write_text(
    ...     "Event ID\\tEvent Date\\tEvent Type\\tEvent Mode\\tEvent Intensity\\t"
    ...     "Actor Country\\tRecipient Country\\tSource\\tPublication Date\\n"
    ...     "e1\\t2023-01-02\\tCOERCE\\tseize\\t-7\\tCHN\\tPHL\\tReuters\\t2023-01-03\\n"
    ...     "e2\\t2023-01-02\\tCONSULT\\tNone\\t4\\tUSA;JPN\\tCHN\\tAP\\t2023-01-03\\n"
    ... )
    >>> events = tio.read_polecat(path)
    >>> events[["date", "actor1", "actor2", "event_type", "polecat_intensity"]]
            date actor1 actor2         event_type  polecat_intensity
    0 2023-01-02    CHN    PHL  plover:COERCE/seize               -7.0
    >>> tio.read_report(events).dropped["several_actor_countries"]
    1
    """
    return read_format(
        "polecat",
        source,
        caller="read_polecat",
        dyads=dyads,
        engine=engine,
        chunksize=chunksize,
        deduplicate=deduplicate,
        progress=progress,
        limits=limits,
        fields=fields,
    )
