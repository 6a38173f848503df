"""The vocabulary in which each event-data format is declared: :class:`FormatSpec`.

A format (GDELT, ICEWS, POLECAT) is data, not code: which columns its files
hold and how each is typed, how a file's layout is recognised, which columns
are the actors, the event date and the event code, and which further columns
the events carry.  One reader (:mod:`tensionindex.io._reader`) reads every
format from its spec; the specs themselves are in :mod:`tensionindex.io._formats`.

The column declarations are those a columnar parser needs: the names to keep
(``pyarrow.csv.ConvertOptions(include_columns=...)``) and the type of each
(``column_types``: text, integer, number, or a date with its ``strptime``
formats), so that a faster reader can be driven from the same specs.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal, TypeAlias

from tensionindex.exceptions import ConfigurationError

__all__ = [
    "Actors",
    "Column",
    "ColumnKind",
    "DateFormat",
    "EventTypes",
    "Field",
    "FormatSpec",
    "Variant",
]

#: How a column's text is read: kept as text, or parsed as an integer
#: (``Int64``), a number (``float64``) or a date (``datetime64[ns]``).
ColumnKind: TypeAlias = Literal["text", "integer", "number", "date"]

#: How an events column is derived from a file column: its value as parsed,
#: or (``"site"``) the host of a URL without ``www.``.
Derivation: TypeAlias = Literal["value", "site"]


def _fail(owner: str, parameter: str, expected: str, got: object) -> ConfigurationError:
    return ConfigurationError(
        f"The {parameter!r} parameter of {owner} must be {expected}. Got {got!r} instead."
    )


@dataclass(frozen=True)
class DateFormat:
    """How a date column is written.

    Parameters
    ----------
    formats : tuple of str
        ``strptime`` formats (or ``"ISO8601"``) tried in order.
    pattern : str
        A regular expression every value must match in full; it catches text
        that a format would still accept (pandas reads "2019102" as
        ``%Y%m%d``).
    expected : str
        What a value should look like, for error messages ("a date written
        YYYYMMDD").
    keep_time : bool, default False
        Keep the time of day; by default dates are cut to midnight.
    """

    formats: tuple[str, ...]
    pattern: str
    expected: str
    keep_time: bool = False


@dataclass(frozen=True)
class Column:
    """A column of the files that the reader keeps.

    Parameters
    ----------
    name : str
        The standard name; header rows are matched to it ignoring case (and
        through :attr:`FormatSpec.aliases`).
    kind : {"text", "integer", "number", "date"}, default "text"
        How the text is parsed.  Numbers are parsed on the rows kept; dates
        on every row read, since the event date is also the coverage axis.
    required : bool, default False
        A header row without this column is an error; an optional column
        missing from a file reads as missing values.
    dates : DateFormat, optional
        The formats of a ``"date"`` column (and only of one).
    """

    name: str
    kind: ColumnKind = "text"
    required: bool = False
    dates: DateFormat | None = None

    def __post_init__(self) -> None:
        if (self.kind == "date") != (self.dates is not None):
            raise _fail(
                f"Column({self.name!r})",
                "dates",
                "a DateFormat exactly when kind='date'",
                self.dates,
            )


@dataclass(frozen=True)
class Field:
    """An events column carried over from a file column.

    Parameters
    ----------
    output : str
        The name of the events column.
    column : str
        The file column (a :class:`Column` name) it comes from; its kind
        gives the events column's type.
    derive : {"value", "site"}, default "value"
        ``"site"`` keeps the host of a URL, without ``www.`` (text that is
        not a URL, such as GDELT's "BBC Monitoring", is kept as it is).
    """

    output: str
    column: str
    derive: Derivation = "value"


@dataclass(frozen=True)
class Actors:
    """Which columns are the two sides of an event, and how they become country codes.

    Parameters
    ----------
    columns : tuple of (str, str)
        The columns of ``actor1`` and ``actor2``.
    names_only : bool, default False
        Values are country names (ICEWS): one missing from the alias table is
        unmapped.  Otherwise any three-letter value is an ISO code in its own
        right.
    several_sep : str, optional
        The separator of a side that lists several countries (POLECAT's
        ``;``); such rows are left out as ``several_actor_countries``.
    """

    columns: tuple[str, str]
    names_only: bool = False
    several_sep: str | None = None


@dataclass(frozen=True)
class EventTypes:
    """How an event code becomes a key of tensionindex's taxonomy.

    Parameters
    ----------
    prefix : str
        The key prefix of the coding scheme, ``"cameo:"`` or ``"plover:"``.
    column : str
        The column of the code, kept as text (CAMEO's leading zeros matter).
    mode_column : str, optional
        A column refining the code (PLOVER's mode).  With one, keys read
        ``prefix + TYPE + "/" + mode`` (type upper-cased, mode lower-cased); a
        pair missing from the taxonomy falls back to ``prefix + TYPE`` and is
        counted as a fallback, and unknown pairs are reported without the
        prefix.  Without one, keys are ``prefix + code``.
    levels : tuple of (str, int), default ()
        Columns that repeat the code cut to a level of its hierarchy, each
        with the number of leading characters it holds (GDELT's
        ``("EventRootCode", 2)`` and ``("EventBaseCode", 3)``; a code shorter
        than that is repeated whole).  Where such a column is in the file, a
        row whose code disagrees with it (a code cut short, such as ``13``
        with base code ``139``) has an impossible code: it is left out as
        ``impossible_event_code``, never read as the shorter code.  An empty
        level value is not checked.
    """

    prefix: str
    column: str
    mode_column: str | None = None
    levels: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Variant:
    """One layout of a format: its full list of columns, and how files in it are told apart.

    Parameters
    ----------
    title : str
        Its name in layout descriptions and messages ("GDELT 2.0").
    names : tuple of str
        Every column of the layout, in file order.  A file without a header
        row is read with these names; a header row is read with its own.
    version : int, optional
        The value of a reader's ``version=`` that asks for this layout.
    field_counts : tuple of (int, str)
        Numbers of fields per row that identify a file without a header row
        as this layout, each with what such a file is ("GDELT 1.0 daily
        export").  Empty: files of this layout always have a header row.
    header_marker : str, optional
        A header row naming this column is of this layout; a header row that
        names no variant's marker is of the variant without one.
    dataset : str, optional
        The value of the events' ``dataset`` column for files of this layout
        (``"gdelt2"``); by default the format's name.
    """

    title: str
    names: tuple[str, ...]
    version: int | None = None
    field_counts: tuple[tuple[int, str], ...] = ()
    header_marker: str | None = None
    dataset: str | None = None


@dataclass(frozen=True, kw_only=True)
class FormatSpec:
    """Everything that makes one event-data format differ from another.

    One reader reads all formats from their specs, looked up by name in
    :data:`tensionindex.io._formats.FORMATS`.  The events it returns are
    ``date``, ``actor1``, ``actor2``, ``event_type``, then (on request) an
    ``intensity`` taken from a volume column, then :attr:`fields` in order,
    then ``dataset``: the :attr:`Variant.dataset` of the file's layout, the
    same on every row of a file (a categorical column whose categories are
    :attr:`datasets`).

    Parameters
    ----------
    name : str
        The format's key in the table and in reports (``"gdelt"``).
    label : str
        Its name in messages (``"GDELT"``).
    columns : tuple of Column
        The file columns to keep, with their kinds.  The required ones, in
        this order, are those a header row must name.
    variants : tuple of Variant
        The layouts; at least one.  The first is the one whose standard
        names replace a :attr:`misplaced_header`.
    date : str
        The column of the event date: the index's time axis, and the axis on
        which the report counts coverage.
    actors : Actors
        The two sides of each event.
    event_types : EventTypes
        The event code.
    fields : tuple of Field
        The further events columns, in order.
    header_key : str, optional
        A first line naming this column is a header row; any other first line
        is a data row of a variant with :attr:`Variant.field_counts`.  None:
        every file starts with a header row.
    header_hint : str
        The sentence that tells a user, in the error for a header row without
        a required column, what the format's header looks like.
    layout_hint : str, default ""
        A last sentence for the error about a first row of no known length.
    aliases : tuple of (str, str), default ()
        Other spellings of columns in header rows -> standard names.
    misplaced_header : str, optional
        A header row naming this column is known to be wrong (its rows
        follow the standard layout): it is replaced by the first variant's
        names.
    quote_tabs : bool, default False
        Tab-separated files use CSV quoting too.  By default only
        comma-separated ones do: raw exports never quote, so a ``"`` in a
        tab-separated file is text.
    na_values : tuple of str, default ()
        Text that means a missing value (besides the empty field) in files
        with a header row.
    volume_columns : tuple of str, default ()
        Columns a reader's ``intensity=`` may name.

    Raises
    ------
    ConfigurationError
        If a role, field or volume names a column that is not declared, the
        event date is not a date column, or there is no variant.

    Examples
    --------
    >>> from tensionindex.io._formats import FORMATS
    >>> spec = FORMATS["icews"]
    >>> spec.label, spec.date, spec.event_types.prefix
    ('ICEWS', 'Event Date', 'cameo:')
    >>> spec.required
    ('Event ID', 'Event Date', 'Source Country', 'Target Country', 'CAMEO Code')
    >>> spec.kinds["Sentence Number"]
    'integer'
    >>> FORMATS["gdelt"].datasets, spec.datasets
    (('gdelt1', 'gdelt2'), ('icews',))
    """

    name: str
    label: str
    columns: tuple[Column, ...]
    variants: tuple[Variant, ...]
    date: str
    actors: Actors
    event_types: EventTypes
    fields: tuple[Field, ...]
    header_key: str | None = None
    header_hint: str
    layout_hint: str = ""
    aliases: tuple[tuple[str, str], ...] = ()
    misplaced_header: str | None = None
    quote_tabs: bool = False
    na_values: tuple[str, ...] = ()
    volume_columns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        owner = f"FormatSpec({self.name!r})"
        if not self.variants:
            raise _fail(owner, "variants", "a non-empty tuple of Variant", self.variants)
        kinds = self.kinds
        roles = (
            self.date,
            *self.actors.columns,
            self.event_types.column,
            self.event_types.mode_column,
            *(column for column, _ in self.event_types.levels),
            *(f.column for f in self.fields),
            *self.volume_columns,
        )
        undeclared = [c for c in roles if c is not None and c not in kinds]
        if undeclared:
            raise _fail(owner, "columns", f"a tuple declaring {undeclared[0]!r}", self.columns)
        if kinds[self.date] != "date":
            raise _fail(owner, "date", "a column of kind 'date'", self.date)

    @property
    def kinds(self) -> dict[str, ColumnKind]:
        """Each column's kind, by name, in declaration order."""
        return {c.name: c.kind for c in self.columns}

    @property
    def required(self) -> tuple[str, ...]:
        """The columns a header row must name."""
        return tuple(c.name for c in self.columns if c.required)

    def for_index(self, *, intensity: str | None, outputs: frozenset[str]) -> FormatSpec:
        """The spec of a lean read: only what the index, ``intensity`` and ``outputs`` need.

        The event date, the actors, the event code columns, the ``intensity``
        column when given, and the :attr:`fields` whose output is in
        ``outputs`` (the columns a deduplication rule reads); every other
        column is neither parsed nor kept.  The read report is the same.

        Examples
        --------
        >>> from tensionindex.io._formats import FORMATS
        >>> lean = FORMATS["gdelt"].for_index(intensity=None, outputs=frozenset({"event_id"}))
        >>> [c.name for c in lean.columns], [f.output for f in lean.fields]
        (['GLOBALEVENTID', 'SQLDATE', 'Actor1CountryCode', 'Actor2CountryCode', \
'EventCode', 'EventBaseCode', 'EventRootCode'], ['event_id'])
        """
        fields = tuple(f for f in self.fields if f.output in outputs)
        needed = {
            self.date,
            *self.actors.columns,
            self.event_types.column,
            self.event_types.mode_column,
            *(column for column, _ in self.event_types.levels),
            *(f.column for f in fields),
            intensity,
        }
        return dataclasses.replace(
            self,
            columns=tuple(c for c in self.columns if c.name in needed),
            fields=fields,
            volume_columns=tuple(c for c in self.volume_columns if c in needed),
        )

    def dataset_of(self, variant: Variant) -> str:
        """The ``dataset`` of the events read from a file of ``variant``."""
        return self.name if variant.dataset is None else variant.dataset

    @property
    def datasets(self) -> tuple[str, ...]:
        """The ``dataset`` values of the format's layouts, in order, without repeats."""
        return tuple(dict.fromkeys(self.dataset_of(v) for v in self.variants))
