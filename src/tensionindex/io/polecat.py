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

__all__ = ["POLECAT_COLUMNS", "iter_polecat", "read_polecat"]

#: The documented columns of a POLECAT events file (see the module docstring).
POLECAT_COLUMNS: tuple[str, ...] = (
    "Event ID",
    "Event Date",
    "Event Type",
    "Event Mode",
    "Event Intensity",
    "Quad Code",
    "Contexts",
    "Actor Name",
    "Actor Country",
    "Actor COW",
    "Primary Actor Sector",
    "Actor Sectors",
    "Actor Title",
    "Actor Name Raw",
    "Wikipedia Actor ID",
    "Recipient Name",
    "Recipient Country",
    "Recipient COW",
    "Primary Recipient Sector",
    "Recipient Sectors",
    "Recipient Title",
    "Recipient Name Raw",
    "Wikipedia Recipient ID",
    "Placename",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
    "GeoNames ID",
    "Raw Placename",
    "Feature Type",
    "Source",
    "Publication Date",
    "Story People",
    "Story Organizations",
    "Story Locations",
    "Language",
    "Version",
)
_REQUIRED = ("Event ID", "Event Date", "Event Type", "Actor Country", "Recipient Country")
_KEEP = (
    *_REQUIRED,
    "Event Mode",
    "Event Intensity",
    "Quad Code",
    "Contexts",
    "Actor Name",
    "Recipient Name",
    "Source",
    "Publication Date",
)
_ALIASES = {"intensity": "Event Intensity"}  # the early name of the column
_DATE_PATTERN = r"\d{4}-\d{2}-\d{2}([ T].*)?|\d{8}"
_DATE_FORMATS = ("ISO8601", "%Y%m%d")


def _detect(line: str, *, name: str) -> tuple[Layout, dict[str, str], bool]:
    sep = "\t" if "\t" in line else ","
    fields = [f.strip() for f in split_line(line, sep=sep, quoted=True)]
    standard = False
    if "Headline" in fields:
        # Header and rows disagree in these files: the rows follow the standard layout.
        fields, standard = list(POLECAT_COLUMNS), True
    names = unique_names(fields)
    lookup: dict[str, str] = {}
    for column in names:
        key = column.casefold()
        lookup.setdefault(_ALIASES.get(key, column).casefold(), column)
    missing = [c for c in _REQUIRED if c.casefold() not in lookup]
    if missing:
        shown = ", ".join(repr(f) for f in fields[:6]) + (", ..." if len(fields) > 6 else "")
        raise EventValidationError(
            f"The POLECAT file {name!r} has no column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(map(repr, missing))}: its first line reads {shown}. POLECAT files start "
            f"with a header row naming {', '.join(map(repr, POLECAT_COLUMNS[:5]))}, ... "
            "(Harvard Dataverse doi:10.7910/DVN/AJGVIT)."
        )
    present = [c for c in _KEEP if c.casefold() in lookup]
    layout = Layout(
        description=(
            f"POLECAT events with a header row ({len(names)} "
            f"{'tab' if sep == chr(9) else 'comma'}-separated columns"
            + (", header replaced by the standard names)" if standard else ")")
        ),
        sep=sep,
        quoted=True,
        names=names,
        columns=tuple(lookup[c.casefold()] for c in present),
        na_values=("None",),
    )
    return layout, {lookup[c.casefold()]: c for c in present}, standard


def _plover_keys(types: np.ndarray, modes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``plover:TYPE/mode`` keys: (keys, fell back to the base type?, raw "TYPE/mode" text).

    A (type, mode) pair missing from tensionindex's PLOVER table falls back
    to ``plover:TYPE``; a type missing from it stays unknown (and is left out).
    """
    type_codes, type_values = pd.factorize(types, use_na_sentinel=True)
    mode_codes, mode_values = pd.factorize(modes, use_na_sentinel=True)
    # One code per (type, mode) pair; -1 (missing) becomes the last value of each side.
    pair_codes = (type_codes % (len(type_values) + 1)) * (len(mode_values) + 1) + (
        mode_codes % (len(mode_values) + 1)
    )
    uniques, codes = np.unique(pair_codes, return_inverse=True)
    keys: list[str | None] = []
    fallback: list[bool] = []
    text: list[str | None] = []
    for pair in uniques:
        t, m = divmod(int(pair), len(mode_values) + 1)
        if t == len(type_values):
            keys.append(None)
            fallback.append(False)
            text.append(None)
            continue
        base = "plover:" + str(type_values[t]).strip().upper()
        full = base if m == len(mode_values) else f"{base}/{str(mode_values[m]).strip().lower()}"
        text.append(full.removeprefix("plover:"))
        found = known_event_types(np.array([full, base], dtype=object))
        if found[0]:
            keys.append(full)
            fallback.append(False)
        elif found[1]:
            keys.append(base)
            fallback.append(True)
        else:
            keys.append(full)  # unknown: left out and counted by the caller
            fallback.append(False)
    return (
        np.array(keys, dtype=object)[codes],
        np.array(fallback, dtype=bool)[codes],
        np.array(text, dtype=object)[codes],
    )


def _convert(raw: pd.DataFrame, *, name: str, layout: str, dyads: frozenset[str] | None) -> Chunk:
    n = len(raw)
    offset = int(raw.index[0]) if n else 0

    def col(column: str) -> np.ndarray:
        if column in raw.columns:
            return text_column(raw, column)
        return np.full(n, None, dtype=object)

    def days(column: str) -> np.ndarray:
        return parse_days(
            col(column),
            formats=_DATE_FORMATS,
            column=column,
            name=name,
            offset=offset,
            expected="a date written YYYY-MM-DD",
            pattern=_DATE_PATTERN,
        )

    dates = days("Event Date")
    published = days("Publication Date")
    coverage = dates  # the index's axis: records dated to each day (see gdelt.py)

    raw1, raw2 = col("Actor Country"), col("Recipient Country")
    actor1, unmapped1, several1 = country_codes(raw1, names_only=False, several_sep=";")
    actor2, unmapped2, several2 = country_codes(raw2, names_only=False, several_sep=";")
    drops = Drops(n)
    drops.drop("missing_date", np.isnat(dates))
    drops.drop("missing_actor_country", pd.isna(raw1) | pd.isna(raw2))
    drops.drop("several_actor_countries", several1 | several2)
    unmapped = drops.drop("unmapped_actor_country", unmapped1 | unmapped2)
    unmapped_names = counts(
        np.concatenate([raw1, raw2]), np.concatenate([unmapped & unmapped1, unmapped & unmapped2])
    )
    drops.drop("same_country", actor1 == actor2)
    if dyads is not None:
        inside = pd.Series(dyad_labels(actor1, actor2), dtype=object).isin(dyads).to_numpy()
        drops.drop("outside_dyads", ~inside)
    keys, fell_back, pair = _plover_keys(col("Event Type"), col("Event Mode"))
    drops.drop("missing_event_type", pd.isna(keys))
    unknown = drops.drop("unknown_event_type", ~known_event_types(keys))

    keep = drops.keep
    rows = np.flatnonzero(keep) + offset + 1
    columns: dict[str, Any] = {
        "date": dates[keep],
        "actor1": actor1[keep],
        "actor2": actor2[keep],
        "event_type": keys[keep],
        "event_id": col("Event ID")[keep],
        "source": col("Source")[keep],
        "polecat_intensity": parse_numbers(
            col("Event Intensity")[keep],
            integer=False,
            column="Event Intensity",
            name=name,
            rows=rows,
        ),
        "quad_code": col("Quad Code")[keep],
        "contexts": col("Contexts")[keep],
        "actor_name": col("Actor Name")[keep],
        "recipient_name": col("Recipient Name")[keep],
        "publication_date": published[keep],
    }
    report = chunk_report(
        "polecat",
        name,
        layout,
        rows_read=n,
        drops=drops,
        coverage=coverage,
        unmapped_names=unmapped_names,
        unknown_event_types=counts(pair, unknown),
        fallback_event_types=counts(pair, keep & fell_back),
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
        layout, renames, _ = _detect(line, name=name)
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


def iter_polecat(
    source: SourceLike,
    *,
    dyads: Sequence[str] | str | None = None,
    engine: Engine = "auto",
    chunksize: int = DEFAULT_CHUNKSIZE,
) -> Iterator[tuple[pd.DataFrame, ReadReport]]:
    """Read POLECAT event files chunk by chunk, in bounded memory.

    Parameters are those of :func:`read_polecat`.  The source is expanded and
    the parameters checked when this is called; files are opened one at a
    time, and no more than ``chunksize`` raw rows are held at once.

    Yields
    ------
    events : pandas.DataFrame
        The kept rows of one chunk, validated (see :func:`read_polecat`), with the
        chunk's report in ``events.attrs["tensionindex_read"]``.  Every file
        yields at least one chunk, possibly with no rows.
    report : ReadReport
        What the chunk read, kept and left out; reports add up with ``+``,
        and the total is logged (INFO, logger ``"tensionindex"``) at the end.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import tensionindex.io as tio
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "ngecEvents.DV.2023.txt"
    >>> _ = path.write_text(
    ...     "Event ID\\tEvent Date\\tEvent Type\\tEvent Mode\\tActor Country\\t"
    ...     "Recipient Country\\tPublication Date\\n"
    ...     "e1\\t2023-01-02\\tCONSULT\\tphone\\tUSA\\tCHN\\t2023-01-03\\n"
    ... )
    >>> for events, report in tio.iter_polecat(path):
    ...     print(events["event_type"].tolist(), dict(report.daily_records))
    ['plover:CONSULT/phone'] {'2023-01-02': 1}
    """
    chunks = stream(
        source,
        _reader(parse_dyads(dyads, caller="iter_polecat")),
        caller="iter_polecat",
        engine=engine,
        chunksize=chunksize,
    )
    return iterate(chunks, fmt="polecat")


def read_polecat(
    source: SourceLike,
    *,
    dyads: Sequence[str] | str | None = None,
    engine: Engine = "auto",
    chunksize: int = DEFAULT_CHUNKSIZE,
    deduplicate: DedupMethod | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Read POLECAT event files as canonical events.

    Parameters
    ----------
    source : path, glob pattern, open file, or list of these
        As in :func:`read_gdelt` (folders, ``.zip`` and ``.gz`` included).
    dyads : str or list of str, optional
        Keep only these undirected dyads; other rows are counted as
        ``outside_dyads``.
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
        ``actor1``/``actor2`` = Actor Country / Recipient Country,
        ``event_type`` = ``"plover:"`` + Event Type (upper case) + ``"/"`` +
        Event Mode (lower case) when a mode is given, ``event_id`` = Event ID,
        ``source`` = Source, then ``polecat_intensity`` (Event Intensity),
        ``quad_code``, ``contexts``, ``actor_name``, ``recipient_name`` and
        ``publication_date``.  A type/mode pair missing from tensionindex's
        PLOVER table is read as its base type and counted in the report's
        ``fallback_event_types``.  Rows without both countries, with several
        countries on one side, with the same country on both sides, with a
        type unknown to PLOVER or outside ``dyads`` are left out and counted.
        Coverage counts rows by Event Date, the index's own axis.

    Raises
    ------
    EventValidationError
        For a file without the POLECAT header row (the message lists the
        columns expected), a damaged value, or an unreadable source.

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
    chunks = stream(
        source,
        _reader(parse_dyads(dyads, caller="read_polecat")),
        caller="read_polecat",
        engine=engine,
        chunksize=chunksize,
        progress=progress,
    )
    return read_all(chunks, fmt="polecat", deduplicate=deduplicate)
