"""What the GDELT, ICEWS and POLECAT readers share: sources, dyads, drops, dates, driving."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal

import numpy as np
import pandas as pd

from tensionindex.catalogue import builtin_event_types
from tensionindex.events import actor_aliases, validate_events
from tensionindex.exceptions import EventInputTypeError, EventValidationError
from tensionindex.io._delimited import check_chunksize, resolve_engine
from tensionindex.io._limits import (
    BoundedText,
    LineTooLong,
    NeedsText,
    ReadLimits,
    check_limits,
    raise_csv_field_limit,
)
from tensionindex.io._progress import with_progress
from tensionindex.io._report import ATTRS_KEY, DROP_REASONS, ReadReport
from tensionindex.io._sources import READ_ERRORS, Input, expand_sources, open_text

__all__ = [
    "ArrowColumns",
    "Chunk",
    "Columns",
    "Drops",
    "FrameColumns",
    "Reader",
    "check_choice",
    "chunk_report",
    "country_codes",
    "counts",
    "daily_counts",
    "dyad_labels",
    "frame_of",
    "iterate",
    "known_event_types",
    "parse_days",
    "parse_dyads",
    "parse_numbers",
    "prefixed_keys",
    "read_all",
    "stream",
    "stripped",
    "text_column",
]

logger = logging.getLogger("tensionindex")

#: Where readers leave the deduplication report: ``events.attrs[DEDUP_ATTRS_KEY]``.
DEDUP_ATTRS_KEY = "tensionindex_dedup"


@dataclass(frozen=True)
class Chunk:
    """Rows kept from one chunk of a file (not yet validated), and its report."""

    events: pd.DataFrame
    report: ReadReport


@dataclass(frozen=True)
class Reader:
    """How one format reads an open file, as text or (the byte path) as bytes.

    ``text(name, text, engine, chunksize, limits)`` reads any file;
    ``data(name, stream, chunksize, limits)`` reads the bytes of a file that
    can be opened again, for the pyarrow engine, and raises
    :class:`~tensionindex.io._limits.NeedsText` for what only text can
    decide (a line over the cap in bytes, a quoted layout, an empty file).
    """

    text: Callable[[str, IO[str], Literal["pyarrow", "pandas"], int, ReadLimits], Iterator[Chunk]]
    data: Callable[[str, IO[bytes], int, ReadLimits], Iterator[Chunk]] | None = None


# -- parameters -----------------------------------------------------------------------


def parse_dyads(dyads: object, *, caller: str) -> frozenset[str] | None:
    """Undirected dyad labels ("CHN-USA") from ``dyads=``, aliases resolved."""
    if dyads is None:
        return None
    items = [dyads] if isinstance(dyads, str) else dyads
    if not isinstance(items, Iterable):
        raise EventInputTypeError(
            f"The 'dyads' parameter of {caller} must be a dyad such as 'CHN-USA' or a list of "
            f"them. Got {type(dyads).__name__} instead."
        )
    table = actor_aliases()
    labels = set()
    for item in items:
        text = item if isinstance(item, str) else ""
        sep = "->" if "->" in text else "-"
        parts = [p.strip().upper() for p in text.split(sep)]
        if len(parts) != 2 or not all(parts):
            raise EventValidationError(
                f"The 'dyads' parameter of {caller} must list dyads as two country codes joined "
                f"by '-', such as 'CHN-USA'. Got {item!r} instead."
            )
        a, b = (table.get(p, p) for p in parts)
        if a == b:
            raise EventValidationError(
                f"The 'dyads' parameter of {caller} names the dyad {item!r}, whose two sides are "
                f"the same country ({a}). A dyad joins two different countries."
            )
        # Readers keep both directions: "USA->CHN" selects the undirected CHN-USA.
        labels.add("-".join(sorted((a, b))))
    if not labels:
        raise EventValidationError(f"The 'dyads' parameter of {caller} is an empty list.")
    return frozenset(labels)


def check_choice(value: object, choices: Sequence[object], *, name: str, caller: str) -> None:
    """Raise the scikit-learn-style error when ``value`` is not one of ``choices``."""
    if value in choices and not isinstance(value, bool):
        return
    quoted = [repr(c) for c in choices]
    listed = ", ".join(quoted[:-1]) + " or " + quoted[-1]
    raise EventValidationError(
        f"The {name!r} parameter of {caller} must be one of {listed}. Got {value!r} instead."
    )


# -- columns --------------------------------------------------------------------------


def text_column(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A raw text column as an object array of stripped ``str`` or ``None``."""
    values = frame[column].to_numpy(dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return stripped(uniques)[codes]  # code -1 picks the trailing None


def stripped(values: Sequence[Any] | np.ndarray) -> np.ndarray:
    """Distinct raw texts stripped (blank ones ``None``), with a trailing ``None`` for code -1."""
    return np.array([*(v.strip() or None for v in values), None], dtype=object)


#: The characters ``str.strip()`` removes (those for which ``str.isspace()`` is true).
_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


class Columns:
    """The raw text columns of one chunk, as the reader's conversion asks for them.

    ``n`` rows starting at data row ``offset`` (0-based), ``wrong`` the
    number of fields of each row whose count the layout does not allow (else
    0).  Columns are read three ways: :meth:`coded` (integer codes of the
    distinct raw values, for the columns of few values: dates, countries,
    codes), :meth:`texts` (stripped values of some rows) and :meth:`numbers`.
    :class:`FrameColumns` holds a frame of object columns (the pandas engine),
    :class:`ArrowColumns` an arrow table (the pyarrow engine); both give the
    same answers.
    """

    n: int
    offset: int
    wrong: np.ndarray

    def has(self, column: str) -> bool:
        raise NotImplementedError

    def coded(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """(codes, values): each row's position in ``values`` (-1 where missing), and the
        distinct raw texts (unstripped)."""
        raise NotImplementedError

    def texts(self, column: str, rows: np.ndarray) -> np.ndarray:
        """Stripped ``str`` (``None`` where missing or blank) of the rows under a mask."""
        raise NotImplementedError

    def numbers(
        self, column: str, rows: np.ndarray, *, integer: bool, name: str, numbers: np.ndarray
    ) -> pd.Series:
        """Numbers of the rows under a mask, as :func:`parse_numbers` reads their text.

        ``numbers`` holds the 1-based data-row number of each of those rows.
        """
        return parse_numbers(
            self.texts(column, rows), integer=integer, column=column, name=name, rows=numbers
        )


class FrameColumns(Columns):
    """The columns of a frame of object columns (``str`` or ``None``), indexed by data row."""

    def __init__(self, frame: pd.DataFrame, wrong_column: str) -> None:
        self.frame = frame
        self.n = len(frame)
        self.offset = int(frame.index[0]) if self.n else 0
        self.wrong = (
            frame[wrong_column].to_numpy(dtype=np.int64)
            if wrong_column in frame.columns
            else np.zeros(self.n, dtype=np.int64)
        )

    def has(self, column: str) -> bool:
        return column in self.frame.columns

    def coded(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        if column not in self.frame.columns:
            return np.full(self.n, -1, dtype=np.intp), np.array([], dtype=object)
        codes, uniques = pd.factorize(
            self.frame[column].to_numpy(dtype=object), use_na_sentinel=True
        )
        return codes, np.asarray(uniques, dtype=object)

    def texts(self, column: str, rows: np.ndarray) -> np.ndarray:
        if column not in self.frame.columns:
            return np.full(int(np.count_nonzero(rows)), None, dtype=object)
        values = self.frame[column].to_numpy(dtype=object)[rows]
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        out: np.ndarray = stripped(uniques)[codes]
        return out


class ArrowColumns(Columns):
    """The columns of an arrow table of text columns and the field-count column.

    Values stay in arrow until they are codes, numbers or the text of kept
    rows: only the distinct values of a coded column and the kept rows of a
    text column become Python strings.
    """

    def __init__(self, table: Any, offset: int, wrong_column: str) -> None:
        self.table = table
        self.n = table.num_rows
        self.offset = offset
        self.wrong = table.column(wrong_column).to_numpy().astype(np.int64)
        self._masks: dict[int, Any] = {}

    def has(self, column: str) -> bool:
        return column in self.table.column_names

    def coded(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        import pyarrow.compute as pc

        if column not in self.table.column_names:
            return np.full(self.n, -1, dtype=np.intp), np.array([], dtype=object)
        encoded = pc.dictionary_encode(self.table.column(column).combine_chunks())
        codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
        values = encoded.dictionary.to_numpy(zero_copy_only=False)
        return codes.astype(np.intp), np.asarray(values, dtype=object)

    def _stripped(self, column: str, rows: np.ndarray) -> Any:
        """The rows' values as an arrow array, stripped, blank ones null."""
        import pyarrow as pa
        import pyarrow.compute as pc

        values = self.table.column(column).combine_chunks()
        if not rows.all():
            values = values.filter(pa.array(rows))
        values = pc.utf8_trim(values, characters=_WHITESPACE)
        return pc.if_else(pc.equal(values, ""), pa.scalar(None, values.type), values)

    def texts(self, column: str, rows: np.ndarray) -> np.ndarray:
        if column not in self.table.column_names:
            return np.full(int(np.count_nonzero(rows)), None, dtype=object)
        out: np.ndarray = np.asarray(
            self._stripped(column, rows).to_numpy(zero_copy_only=False), dtype=object
        )
        return out

    def numbers(
        self, column: str, rows: np.ndarray, *, integer: bool, name: str, numbers: np.ndarray
    ) -> pd.Series:
        import pyarrow as pa

        if column not in self.table.column_names:
            return super().numbers(column, rows, integer=integer, name=name, numbers=numbers)
        try:
            parsed = self._stripped(column, rows).cast(pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            parsed = None
        if parsed is not None:
            values = parsed.to_numpy(zero_copy_only=False)
            present = parsed.is_valid().to_numpy(zero_copy_only=False)
            # What pandas refuses or the checks catch ("nan", "inf", an integer that is
            # not whole) goes the exact way, which names the first bad value.
            fine = np.isfinite(values) | ~present
            if integer:
                fine &= ~present | ((values == np.round(values)) & (np.abs(values) <= 2**53))
            if fine.all():
                floats = pd.Series(values, dtype="float64")
                return floats.astype("Int64") if integer else floats
        return super().numbers(column, rows, integer=integer, name=name, numbers=numbers)


def country_codes(
    values: np.ndarray, *, names_only: bool, several_sep: str | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Country codes of raw actor values, with masks for unmapped and multi-country values.

    Every value goes through the alias table (upper-cased), as validation
    would.  With ``names_only`` (ICEWS full names) a value missing from the
    table is unmapped; otherwise (GDELT, POLECAT codes) any value of three
    letters is a code in its own right, and other unknown values are unmapped.
    ``None`` (missing) maps to ``None``, neither unmapped nor several.
    """
    table = actor_aliases()
    mapped: list[str | None] = []
    unmapped: list[bool] = []
    several: list[bool] = []
    for value in values:
        if value is None:
            mapped.append(None)
            several.append(False)
            unmapped.append(False)
            continue
        key = str(value).strip().upper()
        many = several_sep is not None and several_sep in key
        code = None if many else table.get(key)
        if code is None and not many and not names_only and len(key) == 3 and key.isalpha():
            code = key
        mapped.append(code)
        several.append(many)
        unmapped.append(code is None and not many)
    return (
        np.array(mapped, dtype=object),
        np.array(unmapped, dtype=bool),
        np.array(several, dtype=bool),
    )


def dyad_labels(actor1: np.ndarray, actor2: np.ndarray) -> np.ndarray:
    """Undirected labels "A-B" (alphabetical) of code pairs; ``None`` where one is missing."""
    pairs = pd.MultiIndex.from_arrays([actor1, actor2])
    codes, uniques = pd.factorize(pairs, use_na_sentinel=True)
    labels = [
        None if pd.isna(a) or pd.isna(b) else "-".join(sorted((str(a), str(b)))) for a, b in uniques
    ]
    out: np.ndarray = np.array([*labels, None], dtype=object)[codes]
    return out


def prefixed_keys(prefix: str, values: np.ndarray) -> np.ndarray:
    """``prefix + value`` for each text value (``None`` stays ``None``)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    out: np.ndarray = np.array([*(prefix + str(u) for u in uniques), None], dtype=object)[codes]
    return out


def counts(values: np.ndarray, mask: np.ndarray) -> dict[str, int]:
    """How many rows under ``mask`` hold each value (missing values as "")."""
    if not mask.any():
        return {}
    picked = pd.Series(values[mask], dtype=object).fillna("")
    return {str(k): int(v) for k, v in picked.value_counts(sort=False).sort_index().items()}


def _bad_value(name: str, column: str, row: int, value: object, expected: str) -> Exception:
    return EventValidationError(
        f"{name!r}, data row {row}, column {column!r}: got {value!r}; expected {expected}. "
        "The file is damaged or not in this format."
    )


def parse_days(
    codes: np.ndarray,
    values: np.ndarray,
    *,
    formats: Sequence[str],
    column: str,
    name: str,
    offset: int,
    expected: str,
    pattern: str | None = None,
    keep_time: bool = False,
) -> np.ndarray:
    """Dates (datetime64[ns], at midnight unless ``keep_time``; NaT where missing) from text.

    ``values`` are the distinct stripped texts (``None`` for blank), with a
    last ``None`` for code -1, and ``codes`` each row's position among them:
    each distinct value is parsed once (a chunk holds few distinct days).  A
    value that is present but does not match ``pattern`` (a regular
    expression; pandas parses "2019102" as a %Y%m%d date) or is not a date in
    any of ``formats`` is an error naming the file, row, column and value.
    """
    present = np.array([v is not None for v in values], dtype=bool)
    text = pd.Series(values[present], dtype=object).astype(str)
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    bad = np.zeros(len(text), dtype=bool)
    if pattern is not None:
        bad = ~text.str.fullmatch(pattern).to_numpy(dtype=bool)
    todo = ~bad
    for fmt in formats:
        if not todo.any():
            break
        attempt = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        parsed[todo] = attempt.astype("datetime64[ns]")
        todo = todo & parsed.isna().to_numpy()
    bad |= todo
    if bad.any():
        wrong = np.zeros(len(values), dtype=bool)
        wrong[np.flatnonzero(present)[bad]] = True
        position = int(np.flatnonzero(wrong[codes])[0])
        raise _bad_value(name, column, offset + position + 1, values[codes[position]], expected)
    if not keep_time:
        parsed = parsed.dt.normalize()
    days = np.full(len(values), np.datetime64("NaT", "ns"), dtype="datetime64[ns]")
    days[present] = parsed.to_numpy(dtype="datetime64[ns]")
    out: np.ndarray = days[codes]  # code -1 picks the trailing NaT
    return out


def daily_counts(days: np.ndarray) -> dict[str, int]:
    """Rows per ISO day of dates (datetime64, NaT not counted); only the days are formatted."""
    present = days[~np.isnat(days)]
    if not len(present):
        return {}
    numbers = present.astype("datetime64[D]").astype(np.int64)
    low = int(numbers.min())
    if int(numbers.max()) - low < 1 << 20:
        per_day = np.bincount(numbers - low)
        seen = np.flatnonzero(per_day)
        found, totals = seen + low, per_day[seen]
    else:  # a span of millennia: counted by sorting instead
        found, totals = np.unique(numbers, return_counts=True)
    labels = np.datetime_as_string(found.astype("datetime64[D]"), unit="D")
    return {str(k): int(v) for k, v in zip(labels.tolist(), totals.tolist(), strict=True)}


def parse_numbers(
    values: np.ndarray, *, integer: bool, column: str, name: str, rows: np.ndarray
) -> pd.Series:
    """Numbers (``Int64`` or ``float64``, missing as NA/NaN) from text; bad text is an error.

    ``rows`` holds the 1-based data-row number of each value, for messages.
    """
    text = pd.Series(values, dtype=object)
    numbers = pd.to_numeric(text, errors="coerce").astype("float64")
    # "inf", "1e999" and integers past 2**53 parse, but are no count or score.
    bad = (numbers.isna() & text.notna()).to_numpy(copy=True)
    bad |= np.isinf(numbers.to_numpy())
    if integer:
        whole = numbers.notna() & (numbers == np.round(numbers)) & (numbers.abs() <= 2**53)
        bad |= (numbers.notna() & ~whole).to_numpy()
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        expected = "an integer" if integer else "a finite number"
        raise _bad_value(name, column, int(rows[position]), values[position], expected)
    if integer:
        return numbers.astype("Int64").reset_index(drop=True)
    return numbers.astype("float64").reset_index(drop=True)


# -- drops ----------------------------------------------------------------------------


class Drops:
    """Reasons to leave rows out, tested in order; each row counts under its first reason."""

    def __init__(self, n: int) -> None:
        self.keep = np.ones(n, dtype=bool)
        self.dropped: dict[str, int] = dict.fromkeys(DROP_REASONS, 0)

    def drop(self, reason: str, mask: np.ndarray) -> np.ndarray:
        """Leave out the kept rows under ``mask``; returns the rows newly left out."""
        hit: np.ndarray = self.keep & np.asarray(mask, dtype=bool)
        self.dropped[reason] += int(hit.sum())
        self.keep &= ~mask
        return hit


def known_event_types(keys: np.ndarray) -> np.ndarray:
    """Whether each key (or ``None``) is a built-in event type."""
    known = builtin_event_types()
    codes, uniques = pd.factorize(keys, use_na_sentinel=True)
    flags = np.array([u in known for u in uniques] + [False], dtype=bool)
    return flags[codes]


def chunk_report(
    fmt: str,
    name: str,
    layout: str,
    *,
    rows_read: int,
    drops: Drops,
    daily_records: Mapping[str, int],
    unmapped_names: Mapping[str, int] | None = None,
    unknown_event_types: Mapping[str, int] | None = None,
    fallback_event_types: Mapping[str, int] | None = None,
    wrong_field_counts: Mapping[str, int] | None = None,
    impossible_event_codes: Mapping[str, int] | None = None,
) -> ReadReport:
    """The report of one chunk; ``daily_records`` counts the rows read on each day."""
    return ReadReport(
        format=fmt,
        files=(name,),
        layouts={name: layout},
        rows_read=rows_read,
        rows_kept=int(drops.keep.sum()),
        dropped=drops.dropped,
        unmapped_names=unmapped_names or {},
        unknown_event_types=unknown_event_types or {},
        fallback_event_types=fallback_event_types or {},
        wrong_field_counts=wrong_field_counts or {},
        impossible_event_codes=impossible_event_codes or {},
        daily_records=daily_records,
    )


# -- driving --------------------------------------------------------------------------


def stream(
    source: object,
    reader: Reader,
    *,
    caller: str,
    engine: object,
    chunksize: object,
    progress: bool = False,
    limits: object = None,
) -> Iterator[Chunk]:
    """Check the parameters and expand the source now; read lazily, file by file."""
    resolved = resolve_engine(engine, caller=caller)
    rows = check_chunksize(chunksize, caller=caller)
    caps = check_limits(limits, caller=caller)
    inputs = expand_sources(source, caller=caller, limits=caps)

    def chunks() -> Iterator[Chunk]:
        raise_csv_field_limit(caps)
        for item in with_progress(inputs, total=len(inputs), label=caller, enabled=progress):
            yield from _read_input(item, reader, resolved, rows, caps)

    return chunks()


def _read_input(
    item: Input,
    reader: Reader,
    engine: Literal["pyarrow", "pandas"],
    chunksize: int,
    limits: ReadLimits,
) -> Iterator[Chunk]:
    emitted = 0
    try:
        if engine == "pyarrow" and reader.data is not None and item.reopenable:
            # The byte path: the file's bytes go to pyarrow as they are.  What only text
            # can decide sends the file to the text path, which yields the same chunks:
            # those already yielded are skipped.
            try:
                with item.open() as stream:
                    if not isinstance(stream.read(0), str):
                        for chunk in reader.data(item.name, stream, chunksize, limits):
                            yield chunk
                            emitted += 1
                        return
            except NeedsText:
                pass
        with open_text(item) as text:
            # Every read goes through the line cap: no line is held past it.
            bounded = BoundedText(text, limit=limits.max_line_length, name=item.name)
            chunks = reader.text(item.name, bounded, engine, chunksize, limits)  # type: ignore[arg-type]
            for number, chunk in enumerate(chunks):
                if number >= emitted:
                    yield chunk
    except LineTooLong as exc:
        if not item.reopenable:
            raise
        with open_text(item) as text:  # count the lines up to it only now, once
            raise exc.at_line(text) from None
    except READ_ERRORS as exc:
        raise EventValidationError(
            f"Could not read {item.name!r}: {exc}. Check that the file is complete and, for "
            ".gz and .zip files, not damaged."
        ) from None


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The frames one after another, empty ones left out (one kept if all are empty).

    Empty chunks (every row filtered out) would otherwise take part in the result's
    dtypes, which pandas 2.2 deprecates with a FutureWarning.
    """
    rows = [frame for frame in frames if len(frame)] or frames[:1]
    return pd.concat(rows, ignore_index=True)


def _validated(kept: pd.DataFrame, report: ReadReport) -> pd.DataFrame:
    try:
        events = validate_events(kept.reset_index(drop=True))
    except EventValidationError as exc:
        raise EventValidationError(f"In {', '.join(report.files)}: {exc}") from None
    events.attrs[ATTRS_KEY] = report.to_dict()
    return events


def iterate(chunks: Iterator[Chunk], *, fmt: str) -> Iterator[tuple[pd.DataFrame, ReadReport]]:
    """Validated events and the report of each chunk; logs the summary at the end."""
    total = ReadReport(format=fmt)
    for chunk in chunks:
        total = total + chunk.report
        yield _validated(chunk.events, chunk.report), chunk.report
    logger.info(total.summary())


#: Rules that compose chunk by chunk: keeping the first row of each key in every
#: chunk, then in their union, keeps exactly the rows kept from the whole input.
STREAMING_DEDUP = ("event_id", "event_id_date", "one_a_day")


def read_all(chunks: Iterator[Chunk], *, fmt: str, deduplicate: str | None = None) -> pd.DataFrame:
    """All kept rows as one validated frame carrying the merged report; logs the summary.

    With ``deduplicate`` set to a rule of :data:`STREAMING_DEDUP`, each chunk is
    deduplicated as it arrives and the rows held so far are compacted whenever
    they double, so memory follows the distinct events kept, not the files read.
    ``"corroboration"`` needs every report of a cluster at once: it runs on the
    kept rows at the end.
    """
    from tensionindex.dedup import DEDUP_METHODS
    from tensionindex.dedup import deduplicate as dedup

    if deduplicate is not None and deduplicate not in DEDUP_METHODS:
        dedup([], how=deduplicate)  # type: ignore[arg-type]  # raises the usual message
    streaming = deduplicate in STREAMING_DEDUP
    kept: list[pd.DataFrame] = []
    reports: list[ReadReport] = []
    raw_by_dyad: list[pd.DataFrame] = []
    held, compacted = 0, 0
    for chunk in chunks:
        reports.append(chunk.report)
        frame = chunk.events
        if streaming and len(frame):
            frame, counts = dedup(frame, how=deduplicate)  # type: ignore[arg-type]
            raw_by_dyad.append(counts[["dyad", "raw"]])
        kept.append(frame)
        held += len(frame)
        if streaming and held > max(2 * compacted, 200_000):
            merged, _ = dedup(_concat(kept), how=deduplicate)  # type: ignore[arg-type]
            kept, held, compacted = [merged], len(merged), len(merged)
    report = ReadReport.merge(reports, format=fmt)
    frame = _concat(kept) if kept else pd.DataFrame()
    events = _validated(frame, report)
    if deduplicate is not None:
        events, summary = dedup(events, how=deduplicate)  # type: ignore[arg-type]
        if streaming:
            raw = (
                pd.concat(raw_by_dyad).groupby("dyad", observed=True)["raw"].sum()
                if raw_by_dyad
                else pd.Series(dtype="int64")
            )
            # Labels as objects: mapping a categorical gives a categorical on pandas 2.
            summary["raw"] = summary["dyad"].astype(object).map(raw).fillna(0).astype("int64")
            summary["dropped"] = summary["raw"] - summary["kept"]
        events.attrs[ATTRS_KEY] = report.to_dict()
        events.attrs[DEDUP_ATTRS_KEY] = {"method": deduplicate, "dyads": summary.to_dict("records")}
    logger.info(report.summary())
    return events


def frame_of(columns: dict[str, Any]) -> pd.DataFrame:
    """A frame of equal-length columns (arrays or Series); text arrays stay ``object``."""
    out = {}
    for name, values in columns.items():
        if isinstance(values, pd.Series):
            out[name] = values.reset_index(drop=True)
        else:
            array = np.asarray(values)
            # pandas 3 would infer its "str" dtype from object arrays of text.
            out[name] = pd.Series(array, dtype=object if array.dtype == object else None)
    return pd.DataFrame(out)
