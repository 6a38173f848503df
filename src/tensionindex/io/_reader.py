"""The one reader of coded event files, driven by a :class:`FormatSpec`.

Reading a file is the same for every format: sniff the layout from the first
line (:func:`detect`), parse the kept columns as text in chunks
(:func:`tensionindex.io._delimited.iter_frames`), then turn each chunk into
canonical events and a report (:func:`convert`).  Whatever differs between
GDELT, ICEWS and POLECAT is read from their specs in
:data:`tensionindex.io._formats.FORMATS`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import IO, Any, Literal, NamedTuple, TypeAlias
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from tensionindex.exceptions import EventValidationError
from tensionindex.io._common import (
    ArrowColumns,
    Chunk,
    Columns,
    Drops,
    FrameColumns,
    Reader,
    check_choice,
    chunk_report,
    country_codes,
    counts,
    daily_counts,
    dyad_labels,
    frame_of,
    iterate,
    known_event_types,
    parse_days,
    parse_dyads,
    read_all,
    stream,
    stripped,
)
from tensionindex.io._delimited import (
    BYTE_BLOCK,
    DEFAULT_CHUNKSIZE,
    WRONG_FIELDS,
    Layout,
    first_line,
    iter_frames,
    iter_tables,
    next_line,
    prefixed,
    row_label_layout,
    split_line,
    unique_names,
)
from tensionindex.io._formats import FORMATS
from tensionindex.io._limits import NeedsText, ReadLimits, line_blocks
from tensionindex.io._report import ReadReport
from tensionindex.io._spec import EventTypes, FormatSpec, Variant

__all__ = [
    "DEDUP_FIELDS",
    "FIELDS",
    "Detected",
    "Fields",
    "convert",
    "detect",
    "iter_format",
    "read_format",
]


def _plural(count: int) -> str:
    return "s" if count != 1 else ""


def _counts_text(variant: Variant) -> str:
    return " or ".join(str(count) for count, _ in variant.field_counts)


# -- layouts --------------------------------------------------------------------------


def _header_layout(
    spec: FormatSpec, fields: list[str], *, sep: str, quoted: bool, name: str, version: int | None
) -> tuple[Layout, dict[str, str], Variant]:
    replaced = spec.misplaced_header is not None and spec.misplaced_header in fields
    if replaced:
        fields = list(spec.variants[0].names)
    names = unique_names(fields)
    aliases = {other.casefold(): standard for other, standard in spec.aliases}
    # Standard name (case-folded) -> the file's spelling; the first of duplicates wins.
    lookup: dict[str, str] = {}
    for column in names:
        lookup.setdefault(aliases.get(column.casefold(), column).casefold(), column)
    missing = [c for c in spec.required if c.casefold() not in lookup]
    if missing:
        listed = f"column{_plural(len(missing))} {', '.join(map(repr, missing))}"
        if spec.header_key is not None:
            # The header was recognised by its key: say what else it should name.
            raise EventValidationError(
                f"The {spec.label} file {name!r} has a header row without the {listed}. "
                f"{spec.header_hint}"
            )
        shown = ", ".join(repr(f) for f in fields[:6]) + (", ..." if len(fields) > 6 else "")
        raise EventValidationError(
            f"The {spec.label} file {name!r} has no {listed}: its first line reads {shown}. "
            f"{spec.header_hint}"
        )
    markers = [v for v in spec.variants if v.header_marker is not None]
    variant = next(
        (v for v in markers if str(v.header_marker).casefold() in lookup),
        next(v for v in spec.variants if v.header_marker is None),
    )
    if version is not None and version != variant.version:
        raise EventValidationError(
            f"The {spec.label} file {name!r} has a {variant.title} header row, but version="
            f"{version} was given. Leave version=None to detect the layout."
        )
    present = [c.name for c in spec.columns if c.name.casefold() in lookup]
    sep_name = "tab" if sep == "\t" else "comma"
    layout = Layout(
        description=(
            f"{variant.title} with a header row ({len(names)} {sep_name}-separated columns"
            + (", header replaced by the standard names)" if replaced else ")")
        ),
        sep=sep,
        quoted=quoted,
        names=names,
        columns=tuple(lookup[c.casefold()] for c in present),
        na_values=spec.na_values,
        field_counts=(len(names),),
    )
    return layout, {lookup[c.casefold()]: c for c in present}, variant


def _headerless_layout(
    spec: FormatSpec, fields: list[str], *, sep: str, quoted: bool, name: str, version: int | None
) -> tuple[Layout, Variant]:
    count = len(fields)
    sep_name = "tab" if sep == "\t" else "comma"
    variant = next((v for v in spec.variants if count in dict(v.field_counts)), None)
    if variant is None:
        known = [pair for v in spec.variants for pair in v.field_counts]
        expected = [f"{n} ({what})" for n, what in known]
        expected[0] = expected[0].replace(" (", " fields (", 1)
        raise EventValidationError(
            f"Cannot tell the layout of the {spec.label} file {name!r}: its first row has "
            f"{count} {sep_name}-separated field{_plural(count)} and there is no header row "
            f"naming {spec.header_key}. Expected {', '.join(expected[:-1])} or {expected[-1]}, "
            f"or a header row. {spec.layout_hint}".rstrip()
        )
    if version is not None and version != variant.version:
        rows = [
            f"{v.title} rows {'have ' if i == 0 else ''}{_counts_text(v)}"
            + (" fields" if i == 0 else "")
            for i, v in enumerate(v for v in spec.variants if v.field_counts)
        ]
        raise EventValidationError(
            f"The {spec.label} file {name!r} has {count} fields per row, the layout of "
            f"{variant.title}, but version={version} was given ({', '.join(rows)}). "
            "Leave version=None to detect the layout."
        )
    layout = Layout(
        description=(
            f"{variant.title} export ({_counts_text(variant)} fields, {sep_name}-separated, "
            "no header row)"
        ),
        sep=sep,
        quoted=quoted,
        names=variant.names,
        columns=tuple(c.name for c in spec.columns),
        field_counts=tuple(count for count, _ in variant.field_counts),
    )
    return layout, variant


class Detected(NamedTuple):
    """What the first line of a file tells: its layout and how to read it."""

    layout: Layout
    renames: dict[str, str]  # the file's column names -> standard names
    header: bool  # the first line is a header row
    variant: Variant


def detect(spec: FormatSpec, line: str, *, name: str, version: int | None = None) -> Detected:
    """A file's layout from its first line: layout, renames, header row?, variant.

    Raises
    ------
    EventValidationError
        For a header row without a required column, a first row of no known
        length, or a layout other than the ``version`` asked for.
    """
    sep = "\t" if "\t" in line else ","
    quoted = sep == "," or spec.quote_tabs
    fields = [f.strip() for f in split_line(line, sep=sep, quoted=quoted, name=name)]
    key = None if spec.header_key is None else spec.header_key.casefold()
    if key is None or any(f.casefold() == key for f in fields):
        layout, renames, variant = _header_layout(
            spec, fields, sep=sep, quoted=quoted, name=name, version=version
        )
        return Detected(layout, renames, True, variant)
    layout, variant = _headerless_layout(
        spec, fields, sep=sep, quoted=quoted, name=name, version=version
    )
    return Detected(layout, {}, False, variant)


# -- values ---------------------------------------------------------------------------


def _sites(urls: np.ndarray) -> np.ndarray:
    """The site of each URL (host without "www."); non-URL text is kept as it is."""
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


def _ids(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Integer ids of objects by equality (``None`` gets the last id), and the number of ids."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    codes[codes < 0] = len(uniques)
    return codes, len(uniques) + 1


class _Coded(NamedTuple):
    """A column as codes into its distinct values: raw, and stripped (blank is None).

    Both value arrays end with a slot for code -1 (missing).
    """

    codes: np.ndarray
    raw: np.ndarray
    text: np.ndarray

    @classmethod
    def of(cls, columns: Columns, column: str) -> _Coded:
        codes, values = columns.coded(column)
        raw = np.array([*values, None], dtype=object)
        return cls(codes, raw, stripped(values))

    def rows(self, mask: np.ndarray) -> np.ndarray:
        """The stripped text of the rows under a mask."""
        out: np.ndarray = self.text[self.codes[mask]]
        return out


def _typed_keys(
    spec: EventTypes, types: _Coded, modes: _Coded
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per (type, mode) pair: keys, fell back to the base type?, "TYPE/mode" text; row codes.

    A (type, mode) pair missing from the taxonomy falls back to ``prefix +
    TYPE``; a type missing from it stays unknown (and is left out).
    """
    type_ids, n_types = _ids(types.text)
    mode_ids, n_modes = _ids(modes.text)
    # One code per (type, mode) pair of stripped values; None is the last id of each side.
    pair_codes = type_ids[types.codes] * n_modes + mode_ids[modes.codes]
    uniques, codes = np.unique(pair_codes, return_inverse=True)
    type_values = pd.factorize(types.text, use_na_sentinel=True)[1]
    mode_values = pd.factorize(modes.text, use_na_sentinel=True)[1]
    keys: list[str | None] = []
    fallback: list[bool] = []
    text: list[str | None] = []
    for pair in uniques:
        t, m = divmod(int(pair), n_modes)
        if t == n_types - 1:
            keys.append(None)
            fallback.append(False)
            text.append(None)
            continue
        base = spec.prefix + str(type_values[t]).strip().upper()
        full = base if m == n_modes - 1 else f"{base}/{str(mode_values[m]).strip().lower()}"
        text.append(full.removeprefix(spec.prefix))
        found = known_event_types(np.array([full, base], dtype=object))
        keys.append(base if found[1] and not found[0] else full)  # unknown: left out later
        fallback.append(bool(found[1] and not found[0]))
    return (
        np.array(keys, dtype=object),
        np.array(fallback, dtype=bool),
        np.array(text, dtype=object),
        np.asarray(codes).reshape(-1),
    )


def _event_keys(
    spec: EventTypes, columns: Columns, code: _Coded
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(keys, fell back?, labels of unknown types in the report) per distinct value; row codes."""
    if spec.mode_column is None:
        keys = np.array(
            [None if v is None else spec.prefix + v for v in code.text], dtype=object
        )
        return keys, np.zeros(len(keys), dtype=bool), keys, code.codes
    return _typed_keys(spec, code, _Coded.of(columns, spec.mode_column))


def _impossible_codes(
    spec: EventTypes, columns: Columns, code: _Coded
) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose code disagrees with the file's own coarser codes, and their labels.

    Each level column of ``spec.levels`` that the file has must hold the
    code's first characters (the whole code when shorter); a row where it
    holds anything else is impossible: its code was cut or shifted.  An empty
    level says nothing either way (files made by hand often leave it out).
    Labels ("13 (EventRootCode 13, EventBaseCode 139)")
    are made for those rows only.
    """
    n = len(code.codes)
    levels = [(c, size, _Coded.of(columns, c)) for c, size in spec.levels if columns.has(c)]
    bad = np.zeros(n, dtype=bool)
    labels = np.full(n, None, dtype=object)
    if not levels:
        return bad, labels
    present = np.array([t is not None for t in code.text], dtype=bool)
    for _, size, level in levels:
        # Compared as integer ids of text: each distinct code's expected level once.
        expected = np.array(
            [None if t is None else t[:size] for t in code.text], dtype=object
        )
        ids, _ = _ids(np.concatenate([expected, level.text]))
        code_ids, level_ids = ids[: len(expected)], ids[len(expected) :]
        level_present = np.array([t is not None for t in level.text], dtype=bool)
        bad |= (
            present[code.codes]
            & level_present[level.codes]
            & (code_ids[code.codes] != level_ids[level.codes])
        )
    for i in np.flatnonzero(bad):  # rare: damaged rows only
        beside = ", ".join(
            f"{c} {str(level.raw[level.codes[i]]).strip()}" for c, _, level in levels
        )
        labels[i] = f"{code.text[code.codes[i]]} ({beside})"
    return bad, labels


def _constant(value: str, categories: tuple[str, ...], n: int) -> pd.Series:
    """``value`` on ``n`` rows, as a categorical of ``categories``: one byte per row.

    The same categories in every chunk and file of a format, so that chunks
    and files concatenate as a categorical, not as text.
    """
    codes = np.full(n, categories.index(value), dtype=np.int8)
    return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(categories)))


def _masked_counts(values: np.ndarray, codes: np.ndarray, mask: np.ndarray) -> dict[str, int]:
    """:func:`counts` of per-value labels through each row's code, under a mask."""
    if not mask.any():
        return {}
    return counts(values[codes[mask]], np.ones(int(mask.sum()), dtype=bool))


# -- chunks ---------------------------------------------------------------------------


def convert(
    raw: pd.DataFrame | Columns,
    spec: FormatSpec,
    *,
    name: str,
    layout: str,
    dyads: frozenset[str] | None,
    dataset: str,
    intensity: str | None = None,
) -> Chunk:
    """Canonical events and the report of one chunk of text columns (standard names).

    ``raw`` is a frame of object columns indexed by data row, with
    :data:`WRONG_FIELDS`, or the same as :class:`Columns`.  ``dataset`` (one
    of ``spec.datasets``) fills the events' ``dataset`` column.
    """
    columns = raw if isinstance(raw, Columns) else FrameColumns(raw, WRONG_FIELDS)
    n, offset, wrong = columns.n, columns.offset, columns.wrong
    coded: dict[str, _Coded] = {}

    def column(key: str) -> _Coded:
        # Each column is coded once, however many roles and fields use it.
        if key not in coded:
            coded[key] = _Coded.of(columns, key)
        return coded[key]

    # Dates are parsed on every row read (the event date first): the event date is
    # also the coverage axis, counted before anything is left out.
    forms = {c.name: c.dates for c in spec.columns if c.dates is not None}
    dates: dict[str, np.ndarray] = {}
    for c in dict.fromkeys([spec.date, *forms]):
        form = forms[c]
        dates[c] = parse_days(
            column(c).codes,
            column(c).text,
            formats=form.formats,
            column=c,
            name=name,
            offset=offset,
            expected=form.expected,
            pattern=form.pattern,
            keep_time=form.keep_time,
        )
    days = dates[spec.date]

    actors = spec.actors
    side1, side2 = column(actors.columns[0]), column(actors.columns[1])
    # Countries mapped once per distinct raw value; rows compared as integer ids.
    mapped1, unmapped1, several1 = country_codes(
        side1.text, names_only=actors.names_only, several_sep=actors.several_sep
    )
    mapped2, unmapped2, several2 = country_codes(
        side2.text, names_only=actors.names_only, several_sep=actors.several_sep
    )
    ids, _ = _ids(np.concatenate([mapped1, mapped2]))
    id1, id2 = ids[: len(mapped1)][side1.codes], ids[len(mapped1) :][side2.codes]
    drops = Drops(n)
    drops.drop("wrong_field_count", wrong > 0)
    impossible, impossible_labels = _impossible_codes(
        spec.event_types, columns, column(spec.event_types.column)
    )
    impossible = drops.drop("impossible_event_code", impossible)
    drops.drop("missing_date", np.isnat(days))
    missing1 = np.array([t is None for t in side1.text], dtype=bool)[side1.codes]
    missing2 = np.array([t is None for t in side2.text], dtype=bool)[side2.codes]
    drops.drop("missing_actor_country", missing1 | missing2)
    drops.drop("several_actor_countries", several1[side1.codes] | several2[side2.codes])
    unmapped = drops.drop("unmapped_actor_country", unmapped1[side1.codes] | unmapped2[side2.codes])
    unmapped_names: dict[str, int] = {}
    if unmapped.any():
        unmapped_names = counts(
            np.concatenate(
                [side1.text[side1.codes[unmapped]], side2.text[side2.codes[unmapped]]]
            ),
            np.concatenate(
                [unmapped1[side1.codes[unmapped]], unmapped2[side2.codes[unmapped]]]
            ),
        )
    drops.drop("same_country", id1 == id2)
    if dyads is not None:
        pairs = dyad_labels(mapped1[side1.codes], mapped2[side2.codes])
        inside = pd.Series(pairs, dtype=object).isin(dyads).to_numpy()
        drops.drop("outside_dyads", ~inside)
    keys, fell_back, labels, key_codes = _event_keys(
        spec.event_types, columns, column(spec.event_types.column)
    )
    key_codes = np.where(key_codes < 0, len(keys) - 1, key_codes)
    drops.drop("missing_event_type", pd.isna(keys)[key_codes])
    unknown = drops.drop("unknown_event_type", ~known_event_types(keys)[key_codes])

    keep = drops.keep
    rows = np.flatnonzero(keep) + offset + 1
    kinds = spec.kinds
    values: dict[str, Any] = {}

    def kept(c: str) -> Any:
        # Numbers are parsed on the kept rows only: a damaged value in a row left
        # out anyway is no reason to stop.
        if c not in values:
            kind = kinds[c]
            if kind == "date":
                values[c] = dates[c][keep]
            elif kind == "text":
                values[c] = columns.texts(c, keep)
            else:
                values[c] = columns.numbers(
                    c, keep, integer=kind == "integer", name=name, numbers=rows
                )
        return values[c]

    out: dict[str, Any] = {
        "date": days[keep],
        "actor1": mapped1[side1.codes[keep]],
        "actor2": mapped2[side2.codes[keep]],
        "event_type": keys[key_codes[keep]],
    }
    if intensity is not None:
        # A float whatever the volume column's own kind (GDELT's counts are integers).
        out["intensity"] = columns.numbers(
            intensity, keep, integer=False, name=name, numbers=rows
        )
    for field in spec.fields:
        value = kept(field.column)
        out[field.output] = _sites(value) if field.derive == "site" else value
    out["dataset"] = _constant(dataset, spec.datasets, len(rows))
    report = chunk_report(
        spec.name,
        name,
        layout,
        rows_read=n,
        drops=drops,
        daily_records=daily_counts(days),
        unmapped_names=unmapped_names,
        unknown_event_types=_masked_counts(labels, key_codes, unknown),
        fallback_event_types=_masked_counts(labels, key_codes, keep & fell_back[key_codes]),
        wrong_field_counts=counts(wrong.astype(str).astype(object), wrong > 0)
        if (wrong > 0).any()
        else {},
        impossible_event_codes=counts(impossible_labels, impossible),
    )
    return Chunk(frame_of(out), report)


def _reader(
    spec: FormatSpec, version: int | None, dyads: frozenset[str] | None, intensity: str | None
) -> Reader:
    def chunk(raw: pd.DataFrame | Columns, layout: str, name: str, variant: Variant) -> Chunk:
        return convert(
            raw,
            spec,
            name=name,
            layout=layout,
            dyads=dyads,
            dataset=spec.dataset_of(variant),
            intensity=intensity,
        )

    def read(
        name: str,
        text: IO[str],
        engine: Literal["pyarrow", "pandas"],
        chunksize: int,
        limits: ReadLimits,
    ) -> Iterator[Chunk]:
        line = first_line(text)
        empty = pd.DataFrame({c.name: pd.Series([], dtype=object) for c in spec.columns})
        if line is None:
            yield chunk(empty, "empty file", name, spec.variants[0])
            return
        layout, renames, header, variant = detect(spec, line, name=name, version=version)
        if not header:
            text = prefixed(line, text)  # the sniffed line is the first data row
        produced = False
        for raw in iter_frames(
            text,
            layout,
            engine=engine,
            chunksize=chunksize,
            name=name,
            header=header,
            limits=limits,
        ):
            produced = True
            yield chunk(raw.rename(columns=renames), layout.description, name, variant)
        if not produced:
            yield chunk(empty, layout.description, name, variant)

    def read_bytes(
        name: str, stream: IO[bytes], chunksize: int, limits: ReadLimits
    ) -> Iterator[Chunk]:
        # The same steps as read(), on bytes; anything else is left to read().
        blocks = line_blocks(stream, limit=limits.max_line_length, size=BYTE_BLOCK)
        block = next(blocks, None)
        first = b"" if block is None else bytes(block)  # one copy a file, to search
        found = next_line(first, 0)
        if found is None:
            raise NeedsText  # an empty file, or a first line that is not in the first block
        line, start, end = found
        layout, renames, header, variant = detect(spec, line, name=name, version=version)
        if header:
            found = next_line(first, end)
            if found is None:
                raise NeedsText  # no data row in the first block
            line, start, _ = found
        layout = row_label_layout(layout, line, header=header, name=name)
        if layout.quoted:
            raise NeedsText
        tables = iter_tables(
            itertools.chain([memoryview(first)[start:]], blocks),
            layout,
            chunksize=chunksize,
            name=name,
            limits=limits,
        )
        for offset, table in tables:
            if renames:
                table = table.rename_columns(
                    [renames.get(c, c) for c in table.column_names]
                )
            columns = ArrowColumns(table, offset, WRONG_FIELDS)
            yield chunk(columns, layout.description, name, variant)

    return Reader(text=read, data=read_bytes)


#: What a reader's ``fields=`` may be: every events column, or those the index reads.
FIELDS: tuple[str, ...] = ("all", "index")
Fields: TypeAlias = Literal["all", "index"]

#: The events columns each deduplication rule reads besides the index's own.
DEDUP_FIELDS: dict[str, tuple[str, ...]] = {
    "event_id": ("event_id",),
    "event_id_date": ("event_id",),
    "corroboration": ("source", "url"),
}


def _chunks(
    fmt: str,
    source: object,
    *,
    caller: str,
    dyads: object = None,
    engine: object = "auto",
    chunksize: object = DEFAULT_CHUNKSIZE,
    version: object = None,
    intensity: object = None,
    progress: object = False,
    limits: object = None,
    fields: object = "all",
    outputs: object = frozenset(),
) -> Iterator[Chunk]:
    spec = FORMATS[fmt]
    # Parameters are checked before any file is opened, in the order of read_gdelt's.
    if version is not None:
        versions = [v.version for v in spec.variants if v.version is not None]
        check_choice(version, (None, *versions), name="version", caller=caller)
    if intensity is not None:
        check_choice(intensity, (None, *spec.volume_columns), name="intensity", caller=caller)
    check_choice(fields, FIELDS, name="fields", caller=caller)
    if fields == "index":
        spec = spec.for_index(
            intensity=intensity,  # type: ignore[arg-type]  # checked above
            outputs=frozenset(outputs),  # type: ignore[call-overload]  # read_format gives one
        )
    reader = _reader(
        spec,
        version,  # type: ignore[arg-type]  # checked above
        parse_dyads(dyads, caller=caller),
        intensity,  # type: ignore[arg-type]  # checked above
    )
    return stream(
        source,
        reader,
        caller=caller,
        engine=engine,
        chunksize=chunksize,
        progress=bool(progress),
        limits=limits,
    )


def iter_format(
    fmt: str, source: object, *, caller: str, **params: object
) -> Iterator[tuple[pd.DataFrame, ReadReport]]:
    """What ``iter_<fmt>`` returns: validated events and the report of each chunk.

    ``params`` are the reader's own (``dyads``, ``engine``, ``chunksize``,
    ``limits``, and for GDELT ``version`` and ``intensity``), checked now.
    """
    return iterate(_chunks(fmt, source, caller=caller, **params), fmt=fmt)


def read_format(
    fmt: str, source: object, *, caller: str, deduplicate: str | None = None, **params: object
) -> pd.DataFrame:
    """What ``read_<fmt>`` returns: all validated events, with the merged report.

    ``params`` are as in :func:`iter_format`, and ``progress``.
    """
    # Under fields="index" the deduplication rule's own columns are read too.
    outputs = frozenset(DEDUP_FIELDS.get(deduplicate or "", ()))
    chunks = _chunks(fmt, source, caller=caller, outputs=outputs, **params)
    return read_all(chunks, fmt=fmt, deduplicate=deduplicate)
