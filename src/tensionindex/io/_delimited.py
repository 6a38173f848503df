"""Read delimited text in chunks of rows, every value as text, with pyarrow or pandas.

Both engines return the same frames: object columns holding ``str`` or
``None``, indexed by the 0-based number of the data row in the file, in
chunks of exactly ``chunksize`` rows (the last one shorter).  Values are
never parsed here, so codes keep their leading zeros ("046", "010").

Files without quoting (raw GDELT, ICEWS) are read with ``QUOTE_NONE``
semantics: a ``"`` is an ordinary character.  With pyarrow they are parsed
by ``pyarrow.csv`` a block at a time; a block that it rejects because its rows
do not all have the same number of fields (GDELT 1.0 files mix rows of 57 and
58) is split field by field with ``pyarrow.compute`` instead.  In both
engines a row with fewer fields than the layout gets missing values, and a
row with a non-empty field beyond the layout (or two fields beyond it) is an
error.
"""

from __future__ import annotations

import csv
import importlib
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import IO, Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from tensionindex.exceptions import EventValidationError, require

__all__ = [
    "DEFAULT_CHUNKSIZE",
    "ENGINES",
    "Engine",
    "Layout",
    "check_chunksize",
    "first_line",
    "iter_frames",
    "prefixed",
    "resolve_engine",
    "split_line",
    "unique_names",
]

#: How delimited text is parsed: pyarrow when installed ("auto"), or forced.
Engine: TypeAlias = Literal["auto", "pyarrow", "pandas"]
ENGINES: tuple[Engine, ...] = ("auto", "pyarrow", "pandas")

#: Rows per chunk: about 20-40 MB of raw GDELT text.
DEFAULT_CHUNKSIZE = 100_000

_BLOCK_CHARS = 1 << 23  # characters parsed at a time by pyarrow
_EXTRA = "__tensionindex_extra__"  # sentinel column: the first field beyond the layout
_ROW_LABEL = "__tensionindex_row_label__"  # unnamed first column (R row names)
_PANDAS_CELLS = 1_000_000  # values parsed at a time by pandas (all fields are read)


@dataclass(frozen=True)
class Layout:
    """How to read one file: separator, quoting, field names and the fields to keep."""

    description: str
    sep: str
    quoted: bool
    names: tuple[str, ...]
    columns: tuple[str, ...]
    na_values: tuple[str, ...] = ()

    @property
    def null_values(self) -> list[str]:
        return ["", *self.na_values]


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


def split_line(line: str, *, sep: str, quoted: bool) -> list[str]:
    """The fields of one line (a header, or the first data row)."""
    line = line.rstrip("\n").rstrip("\r")
    if quoted:
        return next(csv.reader([line], delimiter=sep), [])
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
            self._pending += chunk.encode("utf-8")
        count = min(size, len(self._pending))
        buffer[:count] = self._pending[:count]
        del self._pending[:count]
        return count


def _objects(series: pd.Series) -> np.ndarray:
    values: np.ndarray = series.to_numpy(dtype=object, copy=True)
    values[series.isna().to_numpy()] = None
    return values


def _too_many_fields(name: str, layout: Layout, row: int) -> EventValidationError:
    return EventValidationError(
        f"{name!r}, data row {row}: more fields than the {len(layout.names)} of its layout "
        f"({layout.description}). The file is damaged or not in this format."
    )


def _frame(columns: dict[str, np.ndarray], offset: int, n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {name: pd.Series(values, dtype=object) for name, values in columns.items()}
    ).set_axis(pd.RangeIndex(offset, offset + n), axis=0)


# -- pandas -------------------------------------------------------------------------


def _regroup(pieces: Iterator[Any], chunksize: int) -> Iterator[Any]:
    """Frames, arrow arrays or tables regrouped into pieces of exactly ``chunksize`` rows."""
    pending: list[Any] = []
    count = 0

    def joined() -> Any:
        first = pending[0]
        if isinstance(first, pd.DataFrame):
            return pd.concat(pending, ignore_index=True) if len(pending) > 1 else first
        import pyarrow as pa

        if isinstance(first, pa.Table):
            return pa.concat_tables(pending)
        return pa.concat_arrays(pending)

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


def _pandas_frames(
    text: IO[str], layout: Layout, *, chunksize: int, name: str
) -> Iterator[pd.DataFrame]:
    def fail(exc: Exception) -> EventValidationError:
        return EventValidationError(
            f"Could not read {name!r} as {layout.description}: {exc}".rstrip()
        )

    # usecols would be cheaper, but pandas then rejects chunks in which no row reaches
    # the last name (GDELT 1.0 backfile rows stop one field short) and silently drops
    # extra fields; so every field is read, in chunks of about a million values.
    inner = max(1, min(chunksize, _PANDAS_CELLS // (len(layout.names) + 1)))
    try:
        reader = pd.read_csv(
            text,
            sep=layout.sep,
            header=None,
            names=[*layout.names, _EXTRA],
            index_col=False,
            dtype=str,
            quoting=csv.QUOTE_MINIMAL if layout.quoted else csv.QUOTE_NONE,
            keep_default_na=False,
            na_values=layout.null_values,
            skip_blank_lines=True,
            chunksize=inner,
            engine="c",
        )
    except pd.errors.EmptyDataError:
        return
    except (pd.errors.ParserError, ValueError) as exc:
        raise fail(exc) from None

    def pieces() -> Iterator[pd.DataFrame]:
        offset = 0
        with reader:
            while True:
                try:
                    chunk = next(reader)
                except (StopIteration, pd.errors.EmptyDataError):
                    return
                except (pd.errors.ParserError, ValueError) as exc:
                    raise fail(exc) from None
                extra = chunk[_EXTRA].notna().to_numpy()
                if extra.any():
                    raise _too_many_fields(name, layout, offset + int(np.flatnonzero(extra)[0]) + 1)
                offset += len(chunk)
                yield pd.DataFrame(
                    {c: pd.Series(_objects(chunk[c]), dtype="object") for c in layout.columns}
                )

    offset = 0
    for frame in _regroup(pieces(), chunksize):
        frame.index = pd.RangeIndex(offset, offset + len(frame))
        offset += len(frame)
        yield frame


# -- pyarrow ------------------------------------------------------------------------


def _parse_options(layout: Layout) -> Any:
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
    )


def _table_frames(tables: Iterator[Any], layout: Layout, chunksize: int) -> Iterator[pd.DataFrame]:
    """Arrow tables regrouped into frames of ``chunksize`` rows, indexed by data row."""
    offset = 0
    for table in _regroup(tables, chunksize):
        n = table.num_rows
        yield _frame(
            {c: table.column(c).to_numpy(zero_copy_only=False) for c in layout.columns}, offset, n
        )
        offset += n


def _text_blocks(text: IO[str]) -> Iterator[str]:
    """The stream in blocks of about ``_BLOCK_CHARS`` characters, each ending at a line end."""
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


def _split_block(block: str, layout: Layout, *, offset: int, name: str) -> Any:
    """Fields of a block whose rows may be ragged, as an arrow table of ``layout.columns``.

    Line ends are those of the CSV readers (\\n, \\r\\n or \\r), blank lines are
    skipped, short rows get nulls, and a row with a non-empty field beyond the
    layout (or two fields beyond it) is an error, as in the pandas engine.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    lines = [line for line in block.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line]
    lists = pc.split_pattern(pa.array(lines, pa.large_string()), layout.sep)
    bounds = lists.offsets.to_numpy()
    lengths = np.diff(bounds)
    values = lists.values
    nulls = pa.array(layout.null_values, pa.large_string())

    def field(index: int) -> Any:
        present = lengths > index
        taken = values.take(pa.array(bounds[:-1] + index, mask=~present))
        return pc.if_else(pc.is_in(taken, value_set=nulls), None, taken)

    extra = field(len(layout.names)).is_valid().to_numpy(zero_copy_only=False)
    extra |= lengths > len(layout.names) + 1
    if extra.any():
        raise _too_many_fields(name, layout, offset + int(np.flatnonzero(extra)[0]) + 1)
    return pa.table({c: field(layout.names.index(c)) for c in layout.columns})


def _arrow_unquoted(
    text: IO[str], layout: Layout, *, chunksize: int, name: str
) -> Iterator[pd.DataFrame]:
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
    # Rows of the full layout, or all one field short (GDELT 1.0 backfile files).
    attempts = [
        pacsv.ReadOptions(column_names=list(names), block_size=1 << 24)
        for names in (layout.names, layout.names[:-1])
        if names
    ]

    def parse(block: str, rows: int) -> Any:
        data = block.encode("utf-8")
        for read_options in attempts:
            try:
                return pacsv.read_csv(
                    io.BytesIO(data),
                    read_options=read_options,
                    parse_options=parse_options,
                    convert_options=convert_options,
                )
            except pa.ArrowInvalid:
                continue
        # pyarrow's CSV reader wants the same number of fields in every row of a block,
        # and GDELT 1.0 files can mix 57 and 58: split such a block field by field.
        return _split_block(block, layout, offset=rows, name=name)

    def tables() -> Iterator[Any]:
        rows = 0
        for block in _text_blocks(text):
            table = parse(block, rows)
            rows += table.num_rows
            yield table.cast(pa.schema([(c, pa.large_string()) for c in layout.columns]))

    yield from _table_frames(tables(), layout, chunksize)


def _arrow_quoted(
    text: IO[str], layout: Layout, *, chunksize: int, name: str
) -> Iterator[pd.DataFrame]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    def fail(exc: Exception) -> EventValidationError:
        return EventValidationError(f"Could not read {name!r} as {layout.description}: {exc}")

    try:
        reader = pacsv.open_csv(
            io.BufferedReader(_Utf8Bytes(text), buffer_size=1 << 20),
            read_options=pacsv.ReadOptions(column_names=list(layout.names), block_size=1 << 22),
            parse_options=_parse_options(layout),
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
            return
        raise fail(exc) from None

    def batches() -> Iterator[Any]:
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                return
            except pa.ArrowInvalid as exc:
                raise fail(exc) from None
            yield pa.Table.from_batches([batch])

    yield from _table_frames(batches(), layout, chunksize)


def iter_frames(
    text: IO[str],
    layout: Layout,
    *,
    engine: Literal["pyarrow", "pandas"],
    chunksize: int,
    name: str,
    header: bool = False,
) -> Iterator[pd.DataFrame]:
    """Chunks of ``chunksize`` rows of ``layout.columns``, as text (``None`` when missing).

    ``text`` is positioned at the first data row (after the header row, if
    ``header``).  As in pandas, when the data rows of a file with a header
    have one field more than the header, the first field is an unnamed row
    label (R's ``write.csv`` writes row names so) and is skipped.
    """
    line = first_line(text)
    if line is None:
        return
    fields = split_line(line, sep=layout.sep, quoted=layout.quoted)
    n = len(layout.names)
    if header and len(fields) == n + 1:
        layout = replace(layout, names=unique_names([_ROW_LABEL, *layout.names]))
        n += 1
    # pandas would take a first row longer than the names for index columns: check it here.
    if len(fields) > n + 1 or (len(fields) == n + 1 and fields[n] not in layout.null_values):
        raise _too_many_fields(name, layout, 1)
    text = prefixed(line, text)
    if engine == "pandas":
        yield from _pandas_frames(text, layout, chunksize=chunksize, name=name)
    elif layout.quoted:
        yield from _arrow_quoted(text, layout, chunksize=chunksize, name=name)
    else:
        yield from _arrow_unquoted(text, layout, chunksize=chunksize, name=name)
