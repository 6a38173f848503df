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
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import IO, Any, Literal, TypeAlias
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from tensionindex._types import DedupMethod
from tensionindex.exceptions import EventValidationError
from tensionindex.io._common import (
    Chunk,
    Drops,
    Reader,
    check_choice,
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
    prefixed,
    split_line,
    unique_names,
)
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
#: GDELT volume fields that can serve as the events' intensity.
GdeltIntensity: TypeAlias = Literal["NumSources", "NumArticles", "NumMentions"]
INTENSITY_FIELDS: tuple[GdeltIntensity, ...] = ("NumSources", "NumArticles", "NumMentions")

# Column names of the raw exports, from GDELT's header files as shipped by gdeltPyR
# (utils/schema_csvs/GDELT_1.0_event_Column_Labels_Header_Row_Sep2016.tsv and
# GDELT_2.0_Events_Column_Labels_Header_Row_Sep2016.csv; see
# ../shared/data/gdelt/schema and SOURCES.md section 2e).  The 1.0 historical
# backfile is the 1.0 layout without its last field, SOURCEURL.
GDELT1_COLUMNS: tuple[str, ...] = (
    'GLOBALEVENTID', 'SQLDATE', 'MonthYear', 'Year', 'FractionDate', 'Actor1Code',
    'Actor1Name', 'Actor1CountryCode', 'Actor1KnownGroupCode', 'Actor1EthnicCode',
    'Actor1Religion1Code', 'Actor1Religion2Code', 'Actor1Type1Code', 'Actor1Type2Code',
    'Actor1Type3Code', 'Actor2Code', 'Actor2Name', 'Actor2CountryCode',
    'Actor2KnownGroupCode', 'Actor2EthnicCode', 'Actor2Religion1Code',
    'Actor2Religion2Code', 'Actor2Type1Code', 'Actor2Type2Code', 'Actor2Type3Code',
    'IsRootEvent', 'EventCode', 'EventBaseCode', 'EventRootCode', 'QuadClass',
    'GoldsteinScale', 'NumMentions', 'NumSources', 'NumArticles', 'AvgTone',
    'Actor1Geo_Type', 'Actor1Geo_FullName', 'Actor1Geo_CountryCode', 'Actor1Geo_ADM1Code',
    'Actor1Geo_Lat', 'Actor1Geo_Long', 'Actor1Geo_FeatureID', 'Actor2Geo_Type',
    'Actor2Geo_FullName', 'Actor2Geo_CountryCode', 'Actor2Geo_ADM1Code', 'Actor2Geo_Lat',
    'Actor2Geo_Long', 'Actor2Geo_FeatureID', 'ActionGeo_Type', 'ActionGeo_FullName',
    'ActionGeo_CountryCode', 'ActionGeo_ADM1Code', 'ActionGeo_Lat', 'ActionGeo_Long',
    'ActionGeo_FeatureID', 'DATEADDED', 'SOURCEURL',
)  # fmt: skip
GDELT2_COLUMNS: tuple[str, ...] = (
    'GLOBALEVENTID', 'SQLDATE', 'MonthYear', 'Year', 'FractionDate', 'Actor1Code',
    'Actor1Name', 'Actor1CountryCode', 'Actor1KnownGroupCode', 'Actor1EthnicCode',
    'Actor1Religion1Code', 'Actor1Religion2Code', 'Actor1Type1Code', 'Actor1Type2Code',
    'Actor1Type3Code', 'Actor2Code', 'Actor2Name', 'Actor2CountryCode',
    'Actor2KnownGroupCode', 'Actor2EthnicCode', 'Actor2Religion1Code',
    'Actor2Religion2Code', 'Actor2Type1Code', 'Actor2Type2Code', 'Actor2Type3Code',
    'IsRootEvent', 'EventCode', 'EventBaseCode', 'EventRootCode', 'QuadClass',
    'GoldsteinScale', 'NumMentions', 'NumSources', 'NumArticles', 'AvgTone',
    'Actor1Geo_Type', 'Actor1Geo_FullName', 'Actor1Geo_CountryCode', 'Actor1Geo_ADM1Code',
    'Actor1Geo_ADM2Code', 'Actor1Geo_Lat', 'Actor1Geo_Long', 'Actor1Geo_FeatureID',
    'Actor2Geo_Type', 'Actor2Geo_FullName', 'Actor2Geo_CountryCode', 'Actor2Geo_ADM1Code',
    'Actor2Geo_ADM2Code', 'Actor2Geo_Lat', 'Actor2Geo_Long', 'Actor2Geo_FeatureID',
    'ActionGeo_Type', 'ActionGeo_FullName', 'ActionGeo_CountryCode', 'ActionGeo_ADM1Code',
    'ActionGeo_ADM2Code', 'ActionGeo_Lat', 'ActionGeo_Long', 'ActionGeo_FeatureID',
    'DATEADDED', 'SOURCEURL',
)  # fmt: skip

_FIELD_COUNTS = {57: 1, 58: 1, 61: 2}
_KEEP: tuple[str, ...] = (
    "GLOBALEVENTID",
    "SQLDATE",
    "Actor1CountryCode",
    "Actor2CountryCode",
    "IsRootEvent",
    "EventCode",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "DATEADDED",
    "SOURCEURL",
)
_OPTIONAL = frozenset({"SOURCEURL"})
_INTEGERS = ("NumMentions", "NumSources", "NumArticles", "IsRootEvent")
_FLOATS = ("GoldsteinScale", "AvgTone")


def _detect(
    line: str, *, name: str, version: GdeltVersion | None
) -> tuple[Layout, dict[str, str], bool]:
    """The layout of a file from its first line: (layout, renames to GDELT names, header?)."""
    sep = "\t" if "\t" in line else ","
    quoted = sep == ","
    sep_name = "tab" if sep == "\t" else "comma"
    fields = [f.strip() for f in split_line(line, sep=sep, quoted=quoted)]
    if any(f.upper() == "GLOBALEVENTID" for f in fields):
        names = unique_names(fields)
        lookup: dict[str, str] = {}
        for column in names:
            lookup.setdefault(column.upper(), column)
        missing = [c for c in _KEEP if c.upper() not in lookup and c not in _OPTIONAL]
        if missing:
            raise EventValidationError(
                f"The GDELT file {name!r} has a header row without the column"
                f"{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}. "
                f"A GDELT events file names {', '.join(_KEEP)} (among others)."
            )
        detected: int = 2 if "ACTOR1GEO_ADM2CODE" in lookup else 1
        if version is not None and version != detected:
            raise EventValidationError(
                f"The GDELT file {name!r} has a GDELT {detected}.0 header row, but version="
                f"{version} was given. Leave version=None to detect the layout."
            )
        present = [c for c in _KEEP if c.upper() in lookup]
        layout = Layout(
            description=(
                f"GDELT {detected}.0 with a header row ({len(names)} {sep_name}-separated columns)"
            ),
            sep=sep,
            quoted=quoted,
            names=names,
            columns=tuple(lookup[c.upper()] for c in present),
            # Exports written by R (e.g. the GDELTtools package) mark missing values NA.
            na_values=("NA",),
        )
        return layout, {lookup[c.upper()]: c for c in present}, True
    count = len(fields)
    detected = _FIELD_COUNTS.get(count, 0)
    if not detected:
        raise EventValidationError(
            f"Cannot tell the layout of the GDELT file {name!r}: its first row has {count} "
            f"{sep_name}-separated field{'s' if count != 1 else ''} and there is no header row "
            "naming GLOBALEVENTID. Expected 57 fields (GDELT 1.0 historical backfile), 58 "
            "(GDELT 1.0 daily export) or 61 (GDELT 2.0 export), or a header row. Is it a GDELT "
            "events file (not a mentions or GKG file)?"
        )
    if version is not None and version != detected:
        raise EventValidationError(
            f"The GDELT file {name!r} has {count} fields per row, the layout of GDELT "
            f"{detected}.0, but version={version} was given (GDELT 1.0 rows have 57 or 58 "
            "fields, GDELT 2.0 rows 61). Leave version=None to detect the layout."
        )
    if detected == 1:
        names, description = GDELT1_COLUMNS, "GDELT 1.0 export (57 or 58 fields"
    else:
        names, description = GDELT2_COLUMNS, "GDELT 2.0 export (61 fields"
    layout = Layout(
        description=f"{description}, {sep_name}-separated, no header row)",
        sep=sep,
        quoted=quoted,
        names=names,
        columns=_KEEP,
    )
    return layout, {}, False


def _domains(urls: np.ndarray) -> np.ndarray:
    """The site of each SOURCEURL (host without "www."); non-URL text is kept as it is."""
    codes, uniques = pd.factorize(urls, use_na_sentinel=True)
    sites: list[str | None] = []
    for url in uniques:
        try:
            host = urlsplit(url).hostname
        except ValueError:  # e.g. a malformed IPv6 netloc
            host = None
        if host:
            sites.append(host.removeprefix("www."))
        else:
            # GDELT 1.0 names some non-web sources in SOURCEURL ("BBC Monitoring").
            sites.append(url)
    return np.array([*sites, None], dtype=object)[codes]


def _convert(
    raw: pd.DataFrame,
    *,
    name: str,
    layout: str,
    dyads: frozenset[str] | None,
    intensity: GdeltIntensity | None,
) -> Chunk:
    n = len(raw)
    offset = int(raw.index[0]) if n else 0

    def col(column: str) -> np.ndarray:
        if column in raw.columns:
            return text_column(raw, column)
        return np.full(n, None, dtype=object)

    def days(
        column: str, formats: tuple[str, ...], pattern: str, expected: str, keep_time: bool = False
    ) -> np.ndarray:
        return parse_days(
            col(column),
            formats=formats,
            column=column,
            name=name,
            offset=offset,
            expected=expected,
            pattern=pattern,
            keep_time=keep_time,
        )

    sqldate = days("SQLDATE", ("%Y%m%d",), r"\d{8}", "a date written YYYYMMDD")
    added = days(
        "DATEADDED",
        ("%Y%m%d%H%M%S", "%Y%m%d"),
        r"\d{8}(\d{6})?",
        "a date written YYYYMMDD or YYYYMMDDHHMMSS",
        keep_time=True,
    )
    # Coverage is counted on the index's own axis, the event date (SQLDATE): a day
    # to which no record of the files read is dated is unmonitored, and the
    # records dated to a day are the denominators of aggregation="share".
    coverage = sqldate

    raw1, raw2 = col("Actor1CountryCode"), col("Actor2CountryCode")
    actor1, unmapped1, _ = country_codes(raw1, names_only=False)
    actor2, unmapped2, _ = country_codes(raw2, names_only=False)
    drops = Drops(n)
    drops.drop("missing_date", np.isnat(sqldate))
    drops.drop("missing_actor_country", pd.isna(raw1) | pd.isna(raw2))
    unmapped = drops.drop("unmapped_actor_country", unmapped1 | unmapped2)
    unmapped_names = counts(
        np.concatenate([raw1, raw2]), np.concatenate([unmapped & unmapped1, unmapped & unmapped2])
    )
    drops.drop("same_country", actor1 == actor2)
    if dyads is not None:
        inside = pd.Series(dyad_labels(actor1, actor2), dtype=object).isin(dyads).to_numpy()
        drops.drop("outside_dyads", ~inside)
    code = col("EventCode")
    drops.drop("missing_event_type", pd.isna(code))
    keys = prefixed_keys("cameo:", code)
    unknown = drops.drop("unknown_event_type", ~known_event_types(keys))

    keep = drops.keep
    rows = np.flatnonzero(keep) + offset + 1
    urls = col("SOURCEURL")[keep]

    def number(column: str, integer: bool) -> pd.Series:
        return parse_numbers(
            col(column)[keep], integer=integer, column=column, name=name, rows=rows
        )

    columns: dict[str, Any] = {
        "date": sqldate[keep],
        "actor1": actor1[keep],
        "actor2": actor2[keep],
        "event_type": keys[keep],
    }
    if intensity is not None:
        columns["intensity"] = number(intensity, integer=False)
    columns |= {"event_id": col("GLOBALEVENTID")[keep], "source": _domains(urls), "url": urls}
    columns |= {c: number(c, integer=True) for c in _INTEGERS}
    columns |= {c: number(c, integer=False) for c in _FLOATS}
    columns["DATEADDED"] = added[keep]
    report = chunk_report(
        "gdelt",
        name,
        layout,
        rows_read=n,
        drops=drops,
        coverage=coverage,
        unmapped_names=unmapped_names,
        unknown_event_types=counts(keys, unknown),
    )
    return Chunk(frame_of(columns), report)


def _reader(
    version: GdeltVersion | None, dyads: frozenset[str] | None, intensity: GdeltIntensity | None
) -> Reader:
    def read(
        name: str, text: IO[str], engine: Literal["pyarrow", "pandas"], chunksize: int
    ) -> Iterator[Chunk]:
        line = first_line(text)
        empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in _KEEP})
        if line is None:
            yield _convert(empty, name=name, layout="empty file", dyads=dyads, intensity=intensity)
            return
        layout, renames, header = _detect(line, name=name, version=version)
        if not header:
            text = prefixed(line, text)
        produced = False
        for raw in iter_frames(
            text, layout, engine=engine, chunksize=chunksize, name=name, header=header
        ):
            produced = True
            yield _convert(
                raw.rename(columns=renames),
                name=name,
                layout=layout.description,
                dyads=dyads,
                intensity=intensity,
            )
        if not produced:
            yield _convert(
                empty, name=name, layout=layout.description, dyads=dyads, intensity=intensity
            )

    return read


def _chunks(
    source: SourceLike,
    caller: str,
    version: object,
    dyads: object,
    intensity: object,
    engine: object,
    chunksize: object,
    *,
    progress: bool = False,
) -> Iterator[Chunk]:
    if version is not None:
        check_choice(version, (None, 1, 2), name="version", caller=caller)
    if intensity is not None:
        check_choice(intensity, (None, *INTENSITY_FIELDS), name="intensity", caller=caller)
    wanted = parse_dyads(dyads, caller=caller)
    reader = _reader(version, wanted, intensity)  # type: ignore[arg-type]
    return stream(
        source, reader, caller=caller, engine=engine, chunksize=chunksize, progress=progress
    )


def iter_gdelt(
    source: SourceLike,
    *,
    version: GdeltVersion | None = None,
    dyads: Sequence[str] | str | None = None,
    intensity: GdeltIntensity | None = None,
    engine: Engine = "auto",
    chunksize: int = DEFAULT_CHUNKSIZE,
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
    chunks = _chunks(source, "iter_gdelt", version, dyads, intensity, engine, chunksize)
    return iterate(chunks, fmt="gdelt")


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
        IsRootEvent (nullable integers), GoldsteinScale, AvgTone (floats) and
        DATEADDED (a timestamp).  Rows without both actor countries, or with
        the same country on both sides, and rows outside ``dyads`` are left out
        and counted; nothing else is dropped or deduplicated.
        ``events.attrs["tensionindex_read"]`` holds the :class:`ReadReport` as
        a dict (get it back with :func:`read_report`); its coverage counts the
        rows read (kept or not) dated to each day (SQLDATE).  A one-line summary is logged at
        INFO level to the ``"tensionindex"`` logger.

    Raises
    ------
    EventValidationError
        For a missing file, a pattern that matches nothing, an unreadable
        archive, a layout that is not GDELT's (the message names the file,
        the fields seen and the layouts expected), or a damaged value (the
        message names the file, row, column and value).

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
    chunks = _chunks(
        source, "read_gdelt", version, dyads, intensity, engine, chunksize, progress=progress
    )
    return read_all(chunks, fmt="gdelt", deduplicate=deduplicate)
