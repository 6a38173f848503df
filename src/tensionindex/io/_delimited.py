"""Read delimited text in chunks of rows, every value as text, with pyarrow or pandas.

Both engines return the same frames: object columns holding ``str`` or
``None``, indexed by the 0-based number of the data row in the file, in
chunks of exactly ``chunksize`` rows (the last one shorter), and a column
:data:`WRONG_FIELDS` that holds, for each row whose number of fields is not
one the layout allows, that number (0 for the other rows).  The values of
such a row are all ``None``: a row cut short or run together with the next
is never read as if its fields were where the layout says.  Values are never
parsed here, so codes keep their leading zeros ("046", "010").

Files without quoting (raw GDELT, ICEWS) are read with ``QUOTE_NONE``
semantics: a ``"`` is an ordinary character.  With pyarrow they are parsed
by ``pyarrow.csv`` a block at a time; a block that it rejects because its rows
do not all have the same number of fields (GDELT 1.0 files mix rows of 57 and
58) is split field by field with ``pyarrow.compute`` instead.  Quoted files
are streamed by ``pyarrow.csv``, which hands rows of another length to a
handler that records them.  The pandas engine (for installations without
pyarrow) parses unquoted blocks with pandas' C parser after appending a
sentinel field to every line, whose column tells each row's number of fields
(pandas pads short rows); a block it cannot parse so is split with
``str.split``.  Quoted files go through Python's :mod:`csv` module.  In every
case a row may carry one empty field beyond the layout (a trailing
separator); blank lines are not rows.

Lines longer than :attr:`ReadLimits.max_line_length` are stopped by the
stream (:class:`tensionindex.io._limits.BoundedText`) before they are read;
values longer than :attr:`ReadLimits.max_field_length` in the kept columns
are errors here.
"""

from __future__ import annotations

import csv
import importlib
import io
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import IO, Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from tensionindex.exceptions import EventValidationError, require
from tensionindex.io._limits import DEFAULT_LIMITS, ReadLimits, field_too_long

__all__ = [
    "BYTE_BLOCK",
    "DEFAULT_CHUNKSIZE",
    "ENGINES",
    "WRONG_FIELDS",
    "Engine",
    "Layout",
    "check_chunksize",
    "first_line",
    "iter_frames",
    "iter_tables",
    "next_line",
    "prefixed",
    "resolve_engine",
    "row_label_layout",
    "split_line",
    "unique_names",
]

#: How delimited text is parsed: pyarrow when installed ("auto"), or forced.
Engine: TypeAlias = Literal["auto", "pyarrow", "pandas"]
ENGINES: tuple[Engine, ...] = ("auto", "pyarrow", "pandas")

#: Rows per chunk: about 20-40 MB of raw GDELT text.
DEFAULT_CHUNKSIZE = 100_000

#: The column of each frame that flags rows with a wrong number of fields (their count).
WRONG_FIELDS = "__tensionindex_wrong_fields__"

_BLOCK_CHARS = 1 << 23  # characters parsed at a time
BYTE_BLOCK = 1 << 22  # bytes of an unquoted file read and parsed at a time (the byte path)
_QUOTED_BLOCK_BYTES = 1 << 22  # bytes of quoted text pyarrow parses at a time (at least)
_ROW_LABEL = "__tensionindex_row_label__"  # unnamed first column (R row names)
_PANDAS_CELLS = 1_000_000  # values split at a time by the pandas engine (all fields are split)


@dataclass(frozen=True)
class Layout:
    """How to read one file: separator, quoting, field names and the fields to keep.

    ``field_counts`` are the numbers of fields a row may have (by default
    only ``len(names)``); a row with another number is flagged in
    :data:`WRONG_FIELDS`.
    """

    description: str
    sep: str
    quoted: bool
    names: tuple[str, ...]
    columns: tuple[str, ...]
    na_values: tuple[str, ...] = ()
    field_counts: tuple[int, ...] = ()

    @property
    def null_values(self) -> list[str]:
        return ["", *self.na_values]

    @property
    def allowed(self) -> tuple[int, ...]:
        """The numbers of fields a row may have."""
        return self.field_counts or (len(self.names),)


def resolve_engine(engine: object, *, caller: str) -> Literal["pyarrow", "pandas"]:
    """The engine to use; ``"pyarrow"`` without pyarrow raises an install hint."""
    if engine not in ENGINES:
        raise EventValidationError(
            f"The 'engine' parameter of {caller} must be one of 'auto', 'pyarrow' or 'pandas'. "
            f"Got {engine!r} instead."
        )
    if engine == "pandas":
        return "pandas"
    if engine == "pyarrow":
        require("pyarrow", extra="parquet", feature=f"{caller}(engine='pyarrow')")
        return "pyarrow"
    try:
        importlib.import_module("pyarrow.compute")
        importlib.import_module("pyarrow.csv")
    except ImportError:
        return "pandas"
    return "pyarrow"


def check_chunksize(chunksize: object, *, caller: str) -> int:
    """``chunksize`` as an int >= 1, or the scikit-learn-style error."""
    if isinstance(chunksize, bool) or not isinstance(chunksize, int | np.integer) or chunksize < 1:
        raise EventValidationError(
            f"The 'chunksize' parameter of {caller} must be an integer number of rows >= 1. "
            f"Got {chunksize!r} instead."
        )
    return int(chunksize)


def _csv_failure(name: str, line: int, exc: csv.Error) -> EventValidationError:
    text = str(exc)
    hint = (
        " A quoted value runs past max_field_length and max_line_length (a quote that is "
        "never closed?); if it is meant to, pass limits=ReadLimits(max_field_length=...) "
        "with a larger number."
        if "field limit" in text
        else " The file is damaged or not in this format."
    )
    return EventValidationError(f"Could not read {name!r}, line {line}: {text}.{hint}")


def split_line(line: str, *, sep: str, quoted: bool, name: str = "<file>") -> list[str]:
    """The fields of one line (a header, or the first data row)."""
    line = line.rstrip("\n").rstrip("\r")
    if quoted:
        try:
            return next(csv.reader([line], delimiter=sep, strict=False), [])
        except csv.Error as exc:
            raise _csv_failure(name, 1, exc) from None
    return line.split(sep)


def unique_names(names: Sequence[str]) -> tuple[str, ...]:
    """Header names made unique the way pandas does ("a", "a.1", ...)."""
    used: set[str] = set()
    suffix: dict[str, int] = {}
    out: list[str] = []
    for name in names:
        candidate, k = name, suffix.get(name, 0)
        while candidate in used:
            k += 1
            candidate = f"{name}.{k}"
        suffix[name] = k
        used.add(candidate)
        out.append(candidate)
    return tuple(out)


def first_line(text: IO[str]) -> str | None:
    """The first non-blank line (blank lines are not rows), or None for an empty file."""
    while True:
        line = text.readline()
        if not line:
            return None
        if line.rstrip("\n").rstrip("\r"):
            return line


class _Prefixed(io.TextIOBase):
    """A text stream that first returns ``prefix`` (a line already read), then ``stream``."""

    def __init__(self, prefix: str, stream: IO[str]) -> None:
        super().__init__()
        self._prefix = prefix
        self._stream = stream

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        if size is None or size < 0:
            out, self._prefix = self._prefix + self._stream.read(), ""
            return out
        if self._prefix:
            out, self._prefix = self._prefix[:size], self._prefix[size:]
            return out
        return self._stream.read(size)

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        if self._prefix:
            cut = self._prefix.find("\n")
            if cut >= 0:
                out, self._prefix = self._prefix[: cut + 1], self._prefix[cut + 1 :]
                return out
            out, self._prefix = self._prefix, ""
            return out + self._stream.readline()
        return self._stream.readline()


def prefixed(prefix: str, stream: IO[str]) -> IO[str]:
    """``stream`` with ``prefix`` (e.g. a first data line used to sniff the layout) in front."""
    return _Prefixed(prefix, stream)  # type: ignore[return-value]


def _utf8(text: str) -> bytes:
    # Text given as str can hold lone surrogates, which UTF-8 cannot: they become "?".
    return text.encode("utf-8", errors="replace")


class _Utf8Bytes(io.RawIOBase):
    """Bytes (UTF-8) of a text stream, for pyarrow's CSV reader."""

    def __init__(self, text: IO[str]) -> None:
        super().__init__()
        self._text = text
        self._pending = bytearray()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = len(buffer)
        while len(self._pending) < size:
            chunk = self._text.read(max(size, 1 << 16))
            if not chunk:
                break
            self._pending += _utf8(chunk)
        count = min(size, len(self._pending))
        buffer[:count] = self._pending[:count]
        del self._pending[:count]
        return count


def _text_blocks(text: IO[str]) -> Iterator[str]:
    """The stream in blocks of about ``_BLOCK_CHARS`` characters, each ending at a line end.

    The stream bounds the length of a line, and so the tail carried over.
    """
    tail = ""
    while True:
        block = text.read(_BLOCK_CHARS)
        if not block:
            if tail:
                yield tail
            return
        block = tail + block
        cut = max(block.rfind("\n"), block.rfind("\r"))
        if cut < 0:
            tail = block
            continue
        tail = block[cut + 1 :]
        yield block[: cut + 1]


def _lines(block: str) -> list[str]:
    """The non-blank lines of a block; line ends are \\n, \\r\\n or \\r, as in CSV readers."""
    if "\r" in block:
        block = block.replace("\r\n", "\n").replace("\r", "\n")
    return list(filter(None, block.split("\n")))


def _wrong(counts: np.ndarray, extra_is_null: np.ndarray, layout: Layout) -> np.ndarray:
    """Each row's number of fields where the layout does not allow it, else 0.

    One null field beyond the layout (a trailing separator) is allowed.
    """
    n = len(layout.names)
    fields = np.where((counts == n + 1) & extra_is_null, n, counts)
    wrong: np.ndarray = np.where(np.isin(fields, layout.allowed), 0, counts).astype(np.int64)
    return wrong


def _regroup(pieces: Iterable[Any], chunksize: int) -> Iterator[Any]:
    """Frames or arrow tables regrouped into pieces of exactly ``chunksize`` rows."""
    pending: list[Any] = []
    count = 0

    def joined() -> Any:
        first = pending[0]
        if isinstance(first, pd.DataFrame):
            return pd.concat(pending, ignore_index=True) if len(pending) > 1 else first
        import pyarrow as pa

        return pa.concat_tables(pending)

    def head(whole: Any, start: int, stop: int | None) -> Any:
        if isinstance(whole, pd.DataFrame):
            return whole.iloc[start:stop].reset_index(drop=True)
        return whole.slice(start, None if stop is None else stop - start)

    for piece in pieces:
        if len(piece) == 0:
            continue
        pending.append(piece)
        count += len(piece)
        while count >= chunksize:
            whole = joined()
            yield head(whole, 0, chunksize)
            rest = head(whole, chunksize, None)
            pending, count = ([rest] if len(rest) else []), len(rest)
    if count:
        yield joined()


def _longest_check(
    column: str, values: np.ndarray, *, offset: int, name: str, limit: int
) -> None:
    """Raise for the first value of an object array longer than ``limit`` characters."""
    if max(map(len, filter(None, values.tolist())), default=0) <= limit:
        return
    position = next(i for i, v in enumerate(values) if v is not None and len(v) > limit)
    raise field_too_long(name, offset + position + 1, column, values[position], limit)


# -- pandas -------------------------------------------------------------------------

# Appended to every unquoted line before pandas parses a block, so that the column
# it lands in tells each row's number of fields (pandas pads short rows with empty
# values).  Private-use characters; a block that holds them is split in Python.
_SENTINEL = "\ue000\ue001"
_END1, _END2 = "__tensionindex_end1__", "__tensionindex_end2__"


def _object_matrix(rows: list[list[str]], width: int) -> np.ndarray:
    """Rows (lists of up to ``width`` fields) as a 2-D object array padded with None."""
    from pandas._libs import lib

    build = getattr(lib, "to_object_array", None)  # what pd.DataFrame(rows) uses, in C
    if build is None:  # pragma: no cover - a future pandas without it
        matrix = pd.DataFrame(rows, dtype=object).reindex(columns=range(width)).to_numpy()
        matrix[pd.isna(matrix)] = None
        return matrix
    built: np.ndarray = build(rows, min_width=width)
    return built


def _nulls(column: np.ndarray, nulls: Sequence[str]) -> np.ndarray:
    """Where an object array is missing or holds one of the null texts (compared, not hashed)."""
    missing: np.ndarray = pd.isna(column)
    for text in nulls:
        missing |= column == text
    return missing


def _rows_frame(rows: list[list[str]], layout: Layout) -> pd.DataFrame:
    """Kept columns (``None`` when missing) and :data:`WRONG_FIELDS` of a list of rows."""
    n = len(layout.names)
    counts = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    for i in np.flatnonzero(counts > n + 1):
        rows[i] = rows[i][: n + 1]  # rare: only the fields the checks look at
    matrix = _object_matrix(rows, n + 1)
    nulls = layout.null_values
    wrong = _wrong(counts, _nulls(matrix[:, n], nulls), layout)
    bad = wrong > 0
    out: dict[str, Any] = {}
    for c in layout.columns:
        column: np.ndarray = matrix[:, layout.names.index(c)].copy()
        column[bad | _nulls(column, nulls)] = None
        out[c] = pd.Series(column, dtype=object)
    out[WRONG_FIELDS] = wrong
    return pd.DataFrame(out)


def _sentinel_frame(text: str, layout: Layout) -> pd.DataFrame | None:
    """An unquoted block (line ends normalised) parsed by pandas' C parser, or None.

    Each line gets one more field, the sentinel: the column it lands in is the
    row's number of fields.  None when the block has blank lines, the
    sentinel or NUL characters, or a row that pandas refuses (more than one
    field beyond the layout): such blocks are split in Python.
    """
    if not text or _SENTINEL in text or "\n\n" in text or text[0] == "\n" or "\x00" in text:
        return None
    sep, n = layout.sep, len(layout.names)
    end = text.find("\n")
    if text[: end if end >= 0 else len(text)].count(sep) > n:
        return None  # a first row of two fields too many: pandas would drop fields, warning
    body = text.replace("\n", sep + _SENTINEL + "\n")
    if not body.endswith("\n"):
        body += sep + _SENTINEL
    try:
        frame = pd.read_csv(
            io.StringIO(body),
            sep=sep,
            header=None,
            names=[*layout.names, _END1, _END2],
            index_col=False,
            dtype=object,  # Python strings as parsed: pandas 3's "str" would convert them
            quoting=csv.QUOTE_NONE,
            keep_default_na=False,
            na_values=layout.null_values,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError):
        return None
    counts = np.full(len(frame), -1, dtype=np.int64)
    last = {n: frame[_END1].to_numpy(dtype=object), n + 1: frame[_END2].to_numpy(dtype=object)}
    for count in layout.allowed:
        if count < n:
            last[count] = frame[layout.names[count]].to_numpy(dtype=object)
    for count, values in last.items():
        counts[values == _SENTINEL] = count
    unknown = np.flatnonzero(counts < 0)
    if len(unknown):  # rows of another length: rare, counted from their lines
        lines = text.split("\n")
        counts[unknown] = [lines[i].count(sep) + 1 for i in unknown]
    wrong = _wrong(counts, pd.isna(last[n]), layout)
    bad = wrong > 0
    out: dict[str, Any] = {}
    for c in layout.columns:
        column = frame[c].to_numpy(dtype=object, copy=True)
        # The sentinel in a column ends a row of that many fields: the value is missing.
        column[bad | pd.isna(column) | (column == _SENTINEL)] = None
        out[c] = pd.Series(column, dtype=object)
    out[WRONG_FIELDS] = wrong
    return pd.DataFrame(out)


def _unquoted_pieces(text: IO[str], layout: Layout, inner: int) -> Iterator[pd.DataFrame]:
    for block in _text_blocks(text):
        normal = block.replace("\r\n", "\n").replace("\r", "\n") if "\r" in block else block
        frame = _sentinel_frame(normal, layout)
        if frame is not None:
            yield frame
            continue
        lines = list(filter(None, normal.split("\n")))
        for start in range(0, len(lines), inner):
            rows = list(map(str.split, lines[start : start + inner], itertools.repeat(layout.sep)))
            yield _rows_frame(rows, layout)


def _quoted_pieces(
    text: IO[str], layout: Layout, inner: int, *, name: str
) -> Iterator[pd.DataFrame]:
    # The csv module needs lines; universal newlines end them at \n, \r\n or \r.
    reader = csv.reader(
        itertools.chain.from_iterable(
            io.StringIO(block, newline=None) for block in _text_blocks(text)
        ),
        delimiter=layout.sep,
        quotechar='"',
        doublequote=True,
        strict=False,
    )
    rows = filter(None, reader)  # blank lines are not rows
    try:
        while piece := list(itertools.islice(rows, inner)):
            yield _rows_frame(piece, layout)
    except csv.Error as exc:
        raise _csv_failure(name, reader.line_num, exc) from None


def _pandas_frames(
    text: IO[str], layout: Layout, *, chunksize: int, name: str, limits: ReadLimits
) -> Iterator[pd.DataFrame]:
    inner = max(1, min(chunksize, _PANDAS_CELLS // (len(layout.names) + 1)))
    pieces = (
        _quoted_pieces(text, layout, inner, name=name)
        if layout.quoted
        else _unquoted_pieces(text, layout, inner)
    )
    offset = 0
    for frame in _regroup(pieces, chunksize):
        n = len(frame)
        for c in layout.columns:
            _longest_check(
                c, frame[c].to_numpy(), offset=offset, name=name, limit=limits.max_field_length
            )
        frame.index = pd.RangeIndex(offset, offset + n)
        offset += n
        yield frame


# -- pyarrow ------------------------------------------------------------------------


def _parse_options(layout: Layout, handler: Any = None) -> Any:
    """pyarrow's parse options: CSV quoting, or (unquoted) every ``"`` is text."""
    import pyarrow.csv as pacsv

    return pacsv.ParseOptions(
        delimiter=layout.sep,
        quote_char='"' if layout.quoted else False,
        double_quote=layout.quoted,
        escape_char=False,
        # Unquoted rows never span lines, which lets pyarrow parse blocks in parallel.
        newlines_in_values=layout.quoted,
        ignore_empty_lines=True,
        invalid_row_handler=handler,
    )


def _arrow_check(table: Any, layout: Layout, *, offset: int, name: str, limit: int) -> None:
    """Raise for the first value of a kept column longer than ``limit`` characters."""
    import pyarrow.compute as pc

    for c in layout.columns:
        # A value has no more characters than bytes: most columns are done with bytes.
        most = pc.max(pc.binary_length(table.column(c))).as_py()
        if most is None or most <= limit:
            continue
        lengths = pc.utf8_length(table.column(c))
        longest = pc.max(lengths).as_py()
        if longest is not None and longest > limit:
            position = int(np.flatnonzero(lengths.to_numpy(zero_copy_only=False) > limit)[0])
            value = table.column(c)[position].as_py()
            raise field_too_long(name, offset + position + 1, c, value, limit)


def _chunk_tables(
    tables: Iterable[Any], layout: Layout, *, chunksize: int, name: str, limits: ReadLimits
) -> Iterator[tuple[int, Any]]:
    """Arrow tables regrouped into ``chunksize`` rows, each with the data row it starts at."""
    offset = 0
    for table in _regroup(tables, chunksize):
        _arrow_check(table, layout, offset=offset, name=name, limit=limits.max_field_length)
        yield offset, table
        offset += table.num_rows


def _table_frames(
    tables: Iterable[Any], layout: Layout, *, chunksize: int, name: str, limits: ReadLimits
) -> Iterator[pd.DataFrame]:
    """Arrow tables regrouped into frames of ``chunksize`` rows, indexed by data row."""
    for offset, table in _chunk_tables(
        tables, layout, chunksize=chunksize, name=name, limits=limits
    ):
        n = table.num_rows
        columns: dict[str, Any] = {
            c: pd.Series(table.column(c).to_numpy(zero_copy_only=False), dtype=object)
            for c in layout.columns
        }
        columns[WRONG_FIELDS] = table.column(WRONG_FIELDS).to_numpy().astype(np.int64)
        yield pd.DataFrame(columns).set_axis(pd.RangeIndex(offset, offset + n), axis=0)


def _with_wrong(table: Any, wrong: np.ndarray | None = None) -> Any:
    """``table`` (of the kept columns) with its :data:`WRONG_FIELDS` column, 0 by default."""
    import pyarrow as pa

    if wrong is None:
        wrong = np.zeros(table.num_rows, dtype=np.int64)
    return table.append_column(WRONG_FIELDS, pa.array(wrong, pa.int64()))


def _kept(table: Any, layout: Layout) -> Any:
    import pyarrow as pa

    return table.select(list(layout.columns)).cast(
        pa.schema([(c, pa.large_string()) for c in layout.columns])
    )


def _split_block(lines: list[str], layout: Layout) -> Any:
    """Fields of unquoted lines whose numbers of fields differ, as an arrow table.

    Short rows get nulls; rows with a number of fields the layout does not
    allow get nulls everywhere and their count in :data:`WRONG_FIELDS`.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    lists = pc.split_pattern(pa.array(lines, pa.large_string()), layout.sep)
    bounds = lists.offsets.to_numpy()
    lengths = np.diff(bounds)
    values = lists.values
    nulls = pa.array(layout.null_values, pa.large_string())
    n = len(layout.names)

    def field(index: int, absent: np.ndarray) -> Any:
        taken = values.take(pa.array(bounds[:-1] + index, mask=absent))
        return pc.if_else(pc.is_in(taken, value_set=nulls), None, taken)

    extra = field(n, lengths <= n)
    wrong = _wrong(lengths, ~extra.is_valid().to_numpy(zero_copy_only=False), layout)
    bad = wrong > 0
    table = pa.table({c: field(layout.names.index(c), bad | (lengths <= layout.names.index(c)))
                      for c in layout.columns})
    return _with_wrong(table, wrong)


def _unquoted_parser(layout: Layout) -> Callable[[bytes | memoryview], Any]:
    """A function from a block of unquoted UTF-8 lines to an arrow table of the kept columns.

    Bytes that are not UTF-8 in a kept column are read as U+FFFD, as the
    text path reads them (the block is decoded with ``errors="replace"``).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    parse_options = _parse_options(layout)
    convert_options = pacsv.ConvertOptions(
        include_columns=list(layout.columns),
        include_missing_columns=True,  # a column past the end of short rows is null
        column_types=dict.fromkeys(layout.columns, pa.large_string()),
        null_values=layout.null_values,
        strings_can_be_null=True,
    )
    # pyarrow reads a block only if all its rows have as many fields as names: rows of
    # the full layout, or all one field short when the layout allows it (GDELT 1.0
    # backfile files); it refuses any other block, which is then split field by field.
    n = len(layout.names)
    attempts = [
        pacsv.ReadOptions(column_names=list(names), block_size=1 << 20)
        for names in (layout.names, layout.names[:-1])
        if names and len(names) in (n, *layout.allowed)
    ]

    def read(data: bytes | memoryview) -> Any:
        for read_options in attempts:
            try:
                table = pacsv.read_csv(
                    pa.BufferReader(data),
                    read_options=read_options,
                    parse_options=parse_options,
                    convert_options=convert_options,
                )
            except pa.ArrowInvalid:
                continue
            return _with_wrong(_kept(table, layout))
        return None

    def parse(data: bytes | memoryview) -> Any:
        table = read(data)
        if table is not None:
            return table
        text = bytes(data).decode("utf-8", errors="replace")
        repaired = _utf8(text)
        if repaired != data:  # not UTF-8: read as the text path reads it
            table = read(repaired)
            if table is not None:
                return table
        return _split_block(_lines(text), layout)

    return parse


def _arrow_unquoted(
    text: IO[str], layout: Layout, *, chunksize: int, name: str, limits: ReadLimits
) -> Iterator[pd.DataFrame]:
    tables = map(_unquoted_parser(layout), map(_utf8, _text_blocks(text)))
    yield from _table_frames(tables, layout, chunksize=chunksize, name=name, limits=limits)


class _Skipped:
    """Rows pyarrow's streaming reader handed over for their number of fields.

    pyarrow numbers them (data rows from 1, blank lines not counted) when it
    parses without threads; :meth:`merge` puts them back in place, read again
    with the csv module: as rows of nulls flagged in :data:`WRONG_FIELDS`, or,
    for a row with one empty field beyond the layout, as the row it is.
    """

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.rows: list[tuple[int | None, str]] = []

    def __call__(self, row: Any) -> str:
        number = row.number if isinstance(row.number, int) and row.number > 0 else None
        self.rows.append((number, str(row.text)))
        return "skip"

    def merge(self, table: Any, emitted: int, *, final: bool = False) -> Any:
        """``table``, the rows after the first ``emitted``, with the skipped rows among them."""
        import pyarrow as pa

        m = table.num_rows
        taken = 0
        while taken < len(self.rows):
            number = self.rows[taken][0]
            if not (final or number is None or number <= emitted + m + taken):
                break
            taken += 1
        if not taken:
            return table
        here, self.rows = self.rows[:taken], self.rows[taken:]
        total = m + taken
        spots = np.array([total if p is None else p - emitted - 1 for p, _ in here])
        if np.any(spots >= total) or np.any(np.diff(spots) <= 0) or np.any(spots < 0):
            spots = np.arange(m, total)  # unnumbered: after the rows of this batch
        placed = np.zeros(total, dtype=bool)
        placed[spots] = True
        order = np.empty(total, dtype=np.int64)
        order[~placed] = np.arange(m)
        order[placed] = m + np.arange(taken)
        rows = _quoted_rows([text for _, text in here], self.layout)
        return pa.concat_tables([table, rows]).take(pa.array(order))


def _quoted_rows(texts: list[str], layout: Layout) -> Any:
    """Rows of quoted text (one each), as an arrow table of the kept columns and WRONG_FIELDS."""
    import pyarrow as pa

    rows: list[list[str]] = []
    for text in texts:  # only rows of another number of fields: rare
        try:
            parsed = list(
                csv.reader(io.StringIO(text, newline=None), delimiter=layout.sep, strict=False)
            )
        except csv.Error:
            parsed = []
        rows.append(parsed[0] if len(parsed) == 1 else [text])
    frame = _rows_frame(rows, layout)
    return pa.table(
        {c: pa.array(frame[c].to_numpy(), pa.large_string()) for c in layout.columns}
        | {WRONG_FIELDS: pa.array(frame[WRONG_FIELDS].to_numpy(), pa.int64())}
    )


def _arrow_quoted(
    text: IO[str], layout: Layout, *, chunksize: int, name: str, limits: ReadLimits
) -> Iterator[pd.DataFrame]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    def fail(exc: Exception) -> EventValidationError:
        return EventValidationError(f"Could not read {name!r} as {layout.description}: {exc}")

    skipped = _Skipped(layout)
    # A block must hold at least one whole row: a line may be max_line_length long.
    block_size = max(_QUOTED_BLOCK_BYTES, 4 * limits.max_line_length + 4)
    try:
        reader = pacsv.open_csv(
            io.BufferedReader(_Utf8Bytes(text), buffer_size=1 << 20),
            # Without threads pyarrow numbers the rows it hands to the handler.
            read_options=pacsv.ReadOptions(
                column_names=list(layout.names), block_size=block_size, use_threads=False
            ),
            parse_options=_parse_options(layout, skipped),
            convert_options=pacsv.ConvertOptions(
                include_columns=list(layout.columns),
                column_types=dict.fromkeys(layout.columns, pa.large_string()),
                null_values=layout.null_values,
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as exc:
        if "Empty CSV file" in str(exc):
            reader = None
        else:
            raise fail(exc) from None

    def tables() -> Iterator[Any]:
        emitted = 0
        while reader is not None:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except pa.ArrowInvalid as exc:
                raise fail(exc) from None
            table = skipped.merge(_with_wrong(pa.Table.from_batches([batch])), emitted)
            emitted += table.num_rows
            yield table
        empty = pa.table(
            {c: pa.array([], pa.large_string()) for c in layout.columns}
            | {WRONG_FIELDS: pa.array([], pa.int64())}
        )
        yield skipped.merge(empty, emitted, final=True)

    yield from _table_frames(tables(), layout, chunksize=chunksize, name=name, limits=limits)


def row_label_layout(layout: Layout, line: str, *, header: bool, name: str) -> Layout:
    """``layout``, or with an unnamed first column when ``line`` (the first data row) has one.

    As in pandas, when the first data row of a file with a header has one
    field more than the header, the first field of every row is an unnamed
    row label (R's ``write.csv`` writes row names so) and is skipped.
    """
    fields = split_line(line, sep=layout.sep, quoted=layout.quoted, name=name)
    n = len(layout.names)
    if header and len(fields) == n + 1:
        return replace(
            layout, names=unique_names([_ROW_LABEL, *layout.names]), field_counts=(n + 1,)
        )
    return layout


def iter_frames(
    text: IO[str],
    layout: Layout,
    *,
    engine: Literal["pyarrow", "pandas"],
    chunksize: int,
    name: str,
    header: bool = False,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> Iterator[pd.DataFrame]:
    """Chunks of ``chunksize`` rows of ``layout.columns`` as text, and :data:`WRONG_FIELDS`.

    ``text`` is positioned at the first data row (after the header row, if
    ``header``); see :func:`row_label_layout` for files with row names.
    """
    line = first_line(text)
    if line is None:
        return
    layout = row_label_layout(layout, line, header=header, name=name)
    text = prefixed(line, text)
    if engine == "pandas":
        yield from _pandas_frames(text, layout, chunksize=chunksize, name=name, limits=limits)
    elif layout.quoted:
        yield from _arrow_quoted(text, layout, chunksize=chunksize, name=name, limits=limits)
    else:
        yield from _arrow_unquoted(text, layout, chunksize=chunksize, name=name, limits=limits)


def next_line(block: bytes, start: int) -> tuple[str, int, int] | None:
    """The first non-blank line of ``block`` from byte ``start``: (text, start, end), or None.

    Lines are cut as :func:`first_line` cuts them from text (at ``\\n``; a
    line of nothing but line ends is blank), and decoded as the text path
    decodes them.  None when no such line ends within the block.
    """
    while True:
        end = block.find(b"\n", start)
        if end < 0:
            return None
        line = block[start : end + 1]
        if line.rstrip(b"\n").rstrip(b"\r"):
            return line.decode("utf-8", errors="replace"), start, end + 1
        start = end + 1


def iter_tables(
    blocks: Iterable[bytes | memoryview],
    layout: Layout,
    *,
    chunksize: int,
    name: str,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> Iterator[tuple[int, Any]]:
    """Unquoted UTF-8 lines as arrow tables of ``chunksize`` rows, each with its first data row.

    The byte path of the pyarrow engine: ``blocks`` (of whole lines, e.g. from
    :func:`tensionindex.io._limits.line_blocks`) start at the first data
    row, and the tables hold what :func:`iter_frames` would give as frames:
    the kept columns as text (``large_string``, null where missing) and
    :data:`WRONG_FIELDS`.  Nothing is decoded to Python text.
    """
    tables = map(_unquoted_parser(layout), blocks)
    yield from _chunk_tables(tables, layout, chunksize=chunksize, name=name, limits=limits)
