"""What a reader did with the rows it read: :class:`ReadReport`."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import pandas as pd

from tensionindex.exceptions import EventValidationError

__all__ = ["ATTRS_KEY", "DROP_REASONS", "ReadReport", "read_report"]

#: Key of ``events.attrs`` under which readers store their report (as a dict).
ATTRS_KEY = "tensionindex_read"

#: Why a row is left out, in the order the readers test them: a row left out
#: for several reasons is counted once, under the first.  The first two say
#: that a row is damaged (cut short, or run together with the next), so they
#: come before the choices about which rows to keep.
DROP_REASONS: tuple[str, ...] = (
    "wrong_field_count",
    "impossible_event_code",
    "missing_date",
    "missing_actor_country",
    "several_actor_countries",
    "unmapped_actor_country",
    "same_country",
    "outside_dyads",
    "missing_event_type",
    "unknown_event_type",
)


#: The report's mappings of a value to its number of rows.
_LISTS = (
    "unmapped_names",
    "unknown_event_types",
    "fallback_event_types",
    "wrong_field_counts",
    "impossible_event_codes",
)


def _frozen(mapping: Mapping[str, Any], value: type) -> Mapping[str, Any]:
    return MappingProxyType({str(k): value(v) for k, v in mapping.items()})


def _sum(mappings: Iterable[Mapping[str, int]], order: Iterable[str] = ()) -> dict[str, int]:
    total: dict[str, int] = dict.fromkeys(order, 0)
    for mapping in mappings:
        for key, count in mapping.items():
            total[key] = total.get(key, 0) + int(count)
    ordered = {k: total.pop(k) for k in order if k in total}
    ordered.update(sorted(total.items()))
    return ordered


@dataclasses.dataclass(frozen=True, kw_only=True, eq=True, repr=False)
class ReadReport:
    """What a reader read, kept and left out, and the days its source covered.

    Readers never drop a row silently: every row read is either kept or
    counted under one reason in :attr:`dropped`.  Reports of chunks or files
    add up with ``+`` (or :meth:`merge`), so ``iter_gdelt`` and friends can
    stream an archive and still give the totals.

    Parameters
    ----------
    format : str
        ``"gdelt"``, ``"icews"`` or ``"polecat"``.
    files : tuple of str
        The files read, in order (members of a zip archive as
        ``"archive.zip/member"``).
    layouts : mapping of str to str
        The layout detected in each file, e.g. ``"GDELT 2.0 export (61
        tab-separated fields, no header row)"``.
    rows_read : int
        Data rows read (header rows and blank lines are not rows).
    rows_kept : int
        Rows returned as events.
    dropped : mapping of str to int
        Rows left out, by reason (every reason of :data:`DROP_REASONS` is
        present, 0 when it did not occur): ``wrong_field_count`` (a row with a
        number of fields its layout does not have: a row cut short, or two
        rows run together; see :attr:`wrong_field_counts`),
        ``impossible_event_code`` (an event code that disagrees with the
        file's own coarser codes, such as GDELT's EventCode ``13`` beside
        EventBaseCode ``139``: a code cut short; see
        :attr:`impossible_event_codes`), ``missing_date``,
        ``missing_actor_country`` (an actor's country is empty),
        ``several_actor_countries`` (POLECAT lists several countries for one
        side), ``unmapped_actor_country`` (a country name that the alias table
        does not know; see :attr:`unmapped_names`), ``same_country`` (both
        sides are the same country: a domestic event), ``outside_dyads``
        (not one of the requested ``dyads``), ``missing_event_type`` and
        ``unknown_event_type`` (see :attr:`unknown_event_types`).
    unmapped_names : mapping of str to int
        Country names that could not be mapped to a code, with the number of
        rows left out because of each.
    unknown_event_types : mapping of str to int
        Event codes of the source that are not in tensionindex's taxonomy,
        with the number of rows left out because of each.
    fallback_event_types : mapping of str to int
        POLECAT type/mode pairs missing from the PLOVER table, read as their
        base type (kept, and counted here).
    wrong_field_counts : mapping of str to int
        The numbers of fields of the rows left out as ``wrong_field_count``
        (``"27"``: a GDELT 2.0 row cut after 27 of its 61 fields), with the
        number of rows of each.
    impossible_event_codes : mapping of str to int
        The codes of the rows left out as ``impossible_event_code``, each
        with the coarser codes beside it (``"13 (EventRootCode 13,
        EventBaseCode 139)"``), and the number of rows of each.
    daily_records : mapping of str to int
        Coverage: ISO day -> number of rows the source had that day, over all
        rows read (before anything is left out), by event date, the index's
        own axis (GDELT SQLDATE, ICEWS Event Date, POLECAT Event Date): a day
        no record is dated to is unmonitored, and the records dated to a day
        are the denominators of ``aggregation="share"``.  Rows without a date
        are read but not counted here, nor are rows of a wrong number of
        fields, whose date cannot be trusted.

    Examples
    --------
    >>> from tensionindex.io import ReadReport
    >>> a = ReadReport(format="gdelt", files=("a.CSV",), rows_read=10, rows_kept=4,
    ...                dropped={"same_country": 6}, daily_records={"2024-04-16": 10})
    >>> b = ReadReport(format="gdelt", files=("b.CSV",), rows_read=5, rows_kept=5,
    ...                daily_records={"2024-04-17": 5})
    >>> total = a + b
    >>> total.rows_read, total.rows_kept, total.rows_dropped, total.dropped["same_country"]
    (15, 9, 6, 6)
    >>> total
    ReadReport(format='gdelt', files=2, rows_read=15, rows_kept=9,
               dropped={'same_country': 6}, days=2)
    >>> total.coverage
    date
    2024-04-16    10
    2024-04-17     5
    Name: records, dtype: int64
    """

    format: str
    files: tuple[str, ...] = ()
    layouts: Mapping[str, str] = dataclasses.field(default_factory=dict)
    rows_read: int = 0
    rows_kept: int = 0
    dropped: Mapping[str, int] = dataclasses.field(default_factory=dict)
    unmapped_names: Mapping[str, int] = dataclasses.field(default_factory=dict)
    unknown_event_types: Mapping[str, int] = dataclasses.field(default_factory=dict)
    fallback_event_types: Mapping[str, int] = dataclasses.field(default_factory=dict)
    wrong_field_counts: Mapping[str, int] = dataclasses.field(default_factory=dict)
    impossible_event_codes: Mapping[str, int] = dataclasses.field(default_factory=dict)
    daily_records: Mapping[str, int] = dataclasses.field(default_factory=dict)

    # Mappings are not hashable; equality is what reports need.
    __hash__ = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "files", tuple(str(f) for f in self.files))
        put(self, "layouts", _frozen(self.layouts, str))
        put(self, "rows_read", int(self.rows_read))
        put(self, "rows_kept", int(self.rows_kept))
        put(self, "dropped", MappingProxyType(_sum([self.dropped], DROP_REASONS)))
        for name in _LISTS:
            put(self, name, _frozen(getattr(self, name), int))
        put(self, "daily_records", MappingProxyType(_sum([self.daily_records])))
        if self.rows_kept + self.rows_dropped != self.rows_read:
            raise EventValidationError(
                f"A ReadReport must account for every row: kept ({self.rows_kept}) + dropped "
                f"({self.rows_dropped}) != read ({self.rows_read})."
            )

    def __repr__(self) -> str:
        dropped = {reason: count for reason, count in self.dropped.items() if count}
        return (
            f"ReadReport(format={self.format!r}, files={len(self.files)}, "
            f"rows_read={self.rows_read}, rows_kept={self.rows_kept}, dropped={dropped}, "
            f"days={len(self.daily_records)})"
        )

    @property
    def rows_dropped(self) -> int:
        """Rows left out, over all reasons."""
        return sum(self.dropped.values())

    @property
    def coverage(self) -> pd.Series:
        """Rows the source had per day (see ``daily_records``), as a Series indexed by date."""
        days = pd.DatetimeIndex(list(self.daily_records), name="date").astype("datetime64[ns]")
        return pd.Series(
            list(self.daily_records.values()), index=days, dtype="int64", name="records"
        )

    @classmethod
    def merge(cls, reports: Iterable[ReadReport], *, format: str | None = None) -> ReadReport:
        """Add up reports of chunks or files (``format`` names an empty merge)."""
        reports = list(reports)
        formats = sorted({r.format for r in reports})
        if not formats:
            if format is None:
                raise EventValidationError("ReadReport.merge needs a report, or format=.")
            return cls(format=format)
        files: dict[str, None] = {}
        layouts: dict[str, str] = {}
        for report in reports:
            files.update(dict.fromkeys(report.files))
            layouts.update(report.layouts)
        return cls(
            format="+".join(formats),
            files=tuple(files),
            layouts=layouts,
            rows_read=sum(r.rows_read for r in reports),
            rows_kept=sum(r.rows_kept for r in reports),
            dropped=_sum((r.dropped for r in reports), DROP_REASONS),
            unmapped_names=_sum(r.unmapped_names for r in reports),
            unknown_event_types=_sum(r.unknown_event_types for r in reports),
            fallback_event_types=_sum(r.fallback_event_types for r in reports),
            wrong_field_counts=_sum(r.wrong_field_counts for r in reports),
            impossible_event_codes=_sum(r.impossible_event_codes for r in reports),
            daily_records=_sum(r.daily_records for r in reports),
        )

    def __add__(self, other: object) -> ReadReport:
        if not isinstance(other, ReadReport):
            return NotImplemented
        return ReadReport.merge([self, other])

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-friendly types (str keys, int counts, ISO days).

        ``rows_dropped`` is included for convenience; :meth:`from_dict` reads it back.
        """
        return {
            "format": self.format,
            "files": list(self.files),
            "layouts": dict(self.layouts),
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "rows_dropped": self.rows_dropped,
            "dropped": dict(self.dropped),
            "unmapped_names": dict(self.unmapped_names),
            "unknown_event_types": dict(self.unknown_event_types),
            "fallback_event_types": dict(self.fallback_event_types),
            "wrong_field_counts": dict(self.wrong_field_counts),
            "impossible_event_codes": dict(self.impossible_event_codes),
            "coverage": dict(self.daily_records),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReadReport:
        """Rebuild a report from :meth:`to_dict` output."""
        try:
            return cls(
                format=data["format"],
                files=tuple(data.get("files", ())),
                layouts=data.get("layouts", {}),
                rows_read=data["rows_read"],
                rows_kept=data["rows_kept"],
                dropped=data.get("dropped", {}),
                unmapped_names=data.get("unmapped_names", {}),
                unknown_event_types=data.get("unknown_event_types", {}),
                fallback_event_types=data.get("fallback_event_types", {}),
                wrong_field_counts=data.get("wrong_field_counts", {}),
                impossible_event_codes=data.get("impossible_event_codes", {}),
                daily_records=data.get("coverage", {}),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise EventValidationError(
                f"Not a read report (as made by ReadReport.to_dict): {exc!r}."
            ) from None

    def summary(self) -> str:
        """One line: files, rows read, kept and dropped by reason, days covered."""
        n_files = len(self.files)
        dropped = ", ".join(
            f"{reason.replace('_', ' ')} {count:,}"
            for reason, count in self.dropped.items()
            if count
        )
        days = list(self.daily_records)
        coverage = (
            f"{len(days):,} day{'s' if len(days) != 1 else ''} covered ({min(days)} to {max(days)})"
            if days
            else "no day covered"
        )
        return (
            f"Read {n_files:,} {self.format.upper()} file{'s' if n_files != 1 else ''}: "
            f"{self.rows_read:,} rows, kept {self.rows_kept:,}, dropped {self.rows_dropped:,}"
            + (f" ({dropped})" if dropped else "")
            + f"; {coverage}."
        )


def read_report(events: pd.DataFrame) -> ReadReport:
    """The :class:`ReadReport` of events returned by a reader.

    Parameters
    ----------
    events : pandas.DataFrame
        A result of :func:`read_gdelt`, :func:`read_icews` or
        :func:`read_polecat` (or a chunk of their ``iter_*`` versions).

    Returns
    -------
    ReadReport

    Raises
    ------
    EventValidationError
        If the frame carries no report (it did not come from a reader, or an
        operation dropped ``DataFrame.attrs``).

    Examples
    --------
    >>> import io
    >>> import tensionindex.io as tio
    >>> rows = ["Event ID\\tEvent Date\\tSource Country\\tCAMEO Code\\tTarget Country",
    ...         "7\\t2018-06-03\\tJapan\\t040\\tChina", "8\\t2018-06-03\\tChina\\t173\\tChina"]
    >>> report = tio.read_report(tio.read_icews(io.StringIO("\\n".join(rows))))
    >>> report.rows_read, report.rows_kept, report.dropped["same_country"]
    (2, 1, 1)
    """
    data = events.attrs.get(ATTRS_KEY) if isinstance(events, pd.DataFrame) else None
    if not isinstance(data, Mapping):
        raise EventValidationError(
            "These events carry no read report: read_report works on frames returned by "
            "read_gdelt, read_icews or read_polecat (operations that drop DataFrame.attrs, "
            "such as some merges, lose it; keep the report from the reader's result)."
        )
    return ReadReport.from_dict(data)
