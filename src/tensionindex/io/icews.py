"""Read ICEWS event files (the Harvard Dataverse ``events.YYYY.tab`` layout) into canonical events.

ICEWS files are tab-separated with a header row and no quoting; missing
values are empty or ``NA``.  Countries are full names ("United States",
"Occupied Palestinian Territory"), mapped to ISO 3166 alpha-3 codes with
tensionindex's alias table (:func:`tensionindex.actor_aliases`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import IO, Any, Literal

import numpy as np
import pandas as pd

from tensionindex._types import DedupMethod
from tensionindex.exceptions import EventValidationError
from tensionindex.io._common import (
    Chunk,
    Drops,
    Reader,
    chunk_report,
    country_codes,
    counts,
    dyad_labels,
    frame_of,
    iterate,
    known_event_types,
    parse_days,
    parse_dyads,
    parse_numbers,
    prefixed_keys,
    read_all,
    stream,
    text_column,
)
from tensionindex.io._delimited import (
    DEFAULT_CHUNKSIZE,
    Engine,
    Layout,
    first_line,
    iter_frames,
    split_line,
    unique_names,
)
from tensionindex.io._report import ReadReport
from tensionindex.io._sources import SourceLike

__all__ = ["ICEWS_COLUMNS", "iter_icews", "read_icews"]

#: The columns of an ICEWS events file (Harvard Dataverse doi:10.7910/DVN/28075).
ICEWS_COLUMNS: tuple[str, ...] = (
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Sectors",
    "Source Country",
    "Event Text",
    "CAMEO Code",
    "Intensity",
    "Target Name",
    "Target Sectors",
    "Target Country",
    "Story ID",
    "Sentence Number",
    "Publisher",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
)
_REQUIRED = ("Event ID", "Event Date", "Source Country", "Target Country", "CAMEO Code")
_KEEP = (
    *_REQUIRED,
    "Intensity",
    "Story ID",
    "Sentence Number",
    "Publisher",
    "Event Text",
    "Source Name",
    "Target Name",
)


def _detect(line: str, *, name: str) -> tuple[Layout, dict[str, str]]:
    sep = "\t" if "\t" in line else ","
    quoted = sep == ","
    fields = [f.strip() for f in split_line(line, sep=sep, quoted=quoted)]
    names = unique_names(fields)
    lookup: dict[str, str] = {}
    for column in names:
        lookup.setdefault(column.casefold(), column)
    missing = [c for c in _REQUIRED if c.casefold() not in lookup]
    if missing:
        shown = ", ".join(repr(f) for f in fields[:6]) + (", ..." if len(fields) > 6 else "")
        raise EventValidationError(
            f"The ICEWS file {name!r} has no column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(map(repr, missing))}: its first line reads {shown}. ICEWS files start "
            f"with a header row naming {', '.join(map(repr, ICEWS_COLUMNS[:8]))}, ... "
            "(Harvard Dataverse doi:10.7910/DVN/28075)."
        )
    present = [c for c in _KEEP if c.casefold() in lookup]
    layout = Layout(
        description=(
            f"ICEWS events with a header row ({len(names)} "
            f"{'tab' if sep == chr(9) else 'comma'}-separated columns)"
        ),
        sep=sep,
        quoted=quoted,
        names=names,
        columns=tuple(lookup[c.casefold()] for c in present),
        na_values=("NA",),
    )
    return layout, {lookup[c.casefold()]: c for c in present}


def _convert(raw: pd.DataFrame, *, name: str, layout: str, dyads: frozenset[str] | None) -> Chunk:
    n = len(raw)
    offset = int(raw.index[0]) if n else 0

    def col(column: str) -> np.ndarray:
        if column in raw.columns:
            return text_column(raw, column)
        return np.full(n, None, dtype=object)

    dates = parse_days(
        col("Event Date"),
        formats=("%Y-%m-%d", "%Y%m%d"),
        column="Event Date",
        name=name,
        offset=offset,
        expected="a date written YYYY-MM-DD",
        pattern=r"\d{4}-?\d{2}-?\d{2}",
    )
    raw1, raw2 = col("Source Country"), col("Target Country")
    actor1, unmapped1, _ = country_codes(raw1, names_only=True)
    actor2, unmapped2, _ = country_codes(raw2, names_only=True)
    drops = Drops(n)
    drops.drop("missing_date", np.isnat(dates))
    drops.drop("missing_actor_country", pd.isna(raw1) | pd.isna(raw2))
    unmapped = drops.drop("unmapped_actor_country", unmapped1 | unmapped2)
    unmapped_names = counts(
        np.concatenate([raw1, raw2]), np.concatenate([unmapped & unmapped1, unmapped & unmapped2])
    )
    drops.drop("same_country", actor1 == actor2)
    if dyads is not None:
        inside = pd.Series(dyad_labels(actor1, actor2), dtype=object).isin(dyads).to_numpy()
        drops.drop("outside_dyads", ~inside)
    code = col("CAMEO Code")
    drops.drop("missing_event_type", pd.isna(code))
    keys = prefixed_keys("cameo:", code)
    unknown = drops.drop("unknown_event_type", ~known_event_types(keys))

    keep = drops.keep
    rows = np.flatnonzero(keep) + offset + 1
    columns: dict[str, Any] = {
        "date": dates[keep],
        "actor1": actor1[keep],
        "actor2": actor2[keep],
        "event_type": keys[keep],
        "event_id": col("Event ID")[keep],
        "source": col("Publisher")[keep],
        "icews_intensity": parse_numbers(
            col("Intensity")[keep], integer=False, column="Intensity", name=name, rows=rows
        ),
        "story_id": col("Story ID")[keep],
        "sentence_number": parse_numbers(
            col("Sentence Number")[keep],
            integer=True,
            column="Sentence Number",
            name=name,
            rows=rows,
        ),
        "event_text": col("Event Text")[keep],
        "source_name": col("Source Name")[keep],
        "target_name": col("Target Name")[keep],
    }
    report = chunk_report(
        "icews",
        name,
        layout,
        rows_read=n,
        drops=drops,
        coverage=dates,
        unmapped_names=unmapped_names,
        unknown_event_types=counts(keys, unknown),
    )
    return Chunk(frame_of(columns), report)


def _reader(dyads: frozenset[str] | None) -> Reader:
    def read(
        name: str, text: IO[str], engine: Literal["pyarrow", "pandas"], chunksize: int
    ) -> Iterator[Chunk]:
        line = first_line(text)
        empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in _KEEP})
        if line is None:
            yield _convert(empty, name=name, layout="empty file", dyads=dyads)
            return
        layout, renames = _detect(line, name=name)
        produced = False
        for raw in iter_frames(
            text, layout, engine=engine, chunksize=chunksize, name=name, header=True
        ):
            produced = True
            yield _convert(
                raw.rename(columns=renames), name=name, layout=layout.description, dyads=dyads
            )
        if not produced:
            yield _convert(empty, name=name, layout=layout.description, dyads=dyads)

    return read


def iter_icews(
    source: SourceLike,
    *,
    dyads: Sequence[str] | str | None = None,
    engine: Engine = "auto",
    chunksize: int = DEFAULT_CHUNKSIZE,
) -> Iterator[tuple[pd.DataFrame, ReadReport]]:
    """Read ICEWS event files chunk by chunk, in bounded memory.

    Parameters are those of :func:`read_icews`.  The source is expanded and
    the parameters checked when this is called; files are opened one at a
    time, and no more than ``chunksize`` raw rows are held at once.

    Yields
    ------
    events : pandas.DataFrame
        The kept rows of one chunk, validated (see :func:`read_icews`), with the
        chunk's report in ``events.attrs["tensionindex_read"]``.  Every file
        yields at least one chunk, possibly with no rows.
    report : ReadReport
        What the chunk read, kept and left out; reports add up with ``+``,
        and the total is logged (INFO, logger ``"tensionindex"``) at the end.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import tensionindex.io as tio
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "events.tab"
    >>> _ = path.write_text(
    ...     "Event ID\\tEvent Date\\tSource Country\\tCAMEO Code\\tTarget Country\\n"
    ...     "1\\t2018-06-01\\tChina\\t040\\tUnited States\\n"
    ...     "2\\t2018-06-02\\tNorth Korea\\t036\\tUnited States\\n"
    ... )
    >>> for events, report in tio.iter_icews(path, chunksize=1):
    ...     print(events["event_type"].tolist(), dict(report.daily_records))
    ['cameo:040'] {'2018-06-01': 1}
    ['cameo:036'] {'2018-06-02': 1}
    """
    chunks = stream(
        source,
        _reader(parse_dyads(dyads, caller="iter_icews")),
        caller="iter_icews",
        engine=engine,
        chunksize=chunksize,
    )
    return iterate(chunks, fmt="icews")


def read_icews(
    source: SourceLike,
    *,
    dyads: Sequence[str] | str | None = None,
    engine: Engine = "auto",
    chunksize: int = DEFAULT_CHUNKSIZE,
    deduplicate: DedupMethod | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Read ICEWS event files as canonical events.

    Parameters
    ----------
    source : path, glob pattern, open file, or list of these
        As in :func:`read_gdelt` (folders, ``.zip`` and ``.gz`` included).
    dyads : str or list of str, optional
        Keep only these undirected dyads, e.g. ``["CHN-USA", "PRK-USA"]``;
        other rows are counted as ``outside_dyads``.
    engine : {"auto", "pyarrow", "pandas"}, default "auto"
        How the text is parsed (identical results).
    chunksize : int, default 100_000
        Raw rows parsed at a time.
    deduplicate : {"event_id", "event_id_date", "one_a_day", "corroboration"}, optional
        Apply :func:`tensionindex.deduplicate` while reading.  The id and
        one-a-day rules run chunk by chunk, so memory follows the distinct
        events kept rather than the number of files; the report of raw and kept
        rows per dyad is in ``events.attrs["tensionindex_dedup"]``.
    progress : bool, default False
        Draw a progress bar over the files on stderr (only on a terminal).

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
        ``source_name`` and ``target_name``.  Rows without both countries,
        with the same country on both sides, with a country name the alias
        table does not know (counted as ``unmapped_actor_country``, the names
        listed in the report's ``unmapped_names``) or outside ``dyads`` are
        left out and counted; nothing else is dropped or deduplicated.  The
        report (``events.attrs["tensionindex_read"]``, :func:`read_report`)
        counts coverage by Event Date: ICEWS files events by event day.

    Raises
    ------
    EventValidationError
        For a file without the ICEWS header row (the message lists the
        columns expected), a damaged value (file, row, column and value), or
        an unreadable source.

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
    chunks = stream(
        source,
        _reader(parse_dyads(dyads, caller="read_icews")),
        caller="read_icews",
        engine=engine,
        chunksize=chunksize,
        progress=progress,
    )
    return read_all(chunks, fmt="icews", deduplicate=deduplicate)
