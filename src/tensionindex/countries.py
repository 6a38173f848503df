"""Country codes that know about time: the country table, actor names and a crosswalk.

The country table (``data/countries.csv``) has one row per country and period
in which its codes stay the same: every state of the Gleditsch–Ward (GW) and
Correlates of War (COW) state lists that was independent at some time since
1946, with both lists' numeric and letter codes, every other ISO 3166-1 entity
(territories, with no GW or COW code), the regions among CAMEO's country codes
and a few international organisations.  ``valid_from`` and ``valid_to`` are the
first and last day of the row (empty: before 1946, or still valid).  States
that no longer exist keep their own code until their last day: the Soviet
Union (SUN), Yugoslavia (YUG), Czechoslovakia (CSK), East Germany (DDR), South
Yemen (YMD), South Vietnam (RVN), Zanzibar (ZAN).  A state that was renamed or
recoded keeps one code (Zaire is COD, Burma MMR), so that its dyads' histories
run through the change.

Actor names resolve through the alias tables (``data/actor_aliases.csv``, common
names; ``data/country_aliases.csv``, former names and codes) and the table's
names; a few aliases hold only between two dates (``"Russia"`` is the Soviet
Union from 1922-12-30 to 1991-12-25).  :func:`country_codes`
converts between ISO 3166 alpha-3 codes, GW and COW codes and names, at a date
if one is given.  See ``docs/countries.md`` for the rules and the sources.
"""

from __future__ import annotations

import csv
import datetime
import difflib
import functools
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

import numpy as np
import pandas as pd

from tensionindex.exceptions import InvalidParameterError
from tensionindex.params import Dates, Instance, Options, invalid, parse_day, validate_params

__all__ = [
    "ALIAS_FILES",
    "CODE_COLUMNS",
    "COUNTRY_COLUMNS",
    "ORIGINS",
    "ActorTable",
    "CountryColumn",
    "Origin",
    "actor_table",
    "builtin_aliases",
    "country_codes",
    "is_code_shaped",
]

#: The columns of the country table, in order.
COUNTRY_COLUMNS: tuple[str, ...] = (
    "iso3",
    "name",
    "kind",
    "gw_code",
    "gw_letters",
    "cow_code",
    "cow_letters",
    "valid_from",
    "valid_to",
    "successors",
)

CountryColumn = Literal["iso3", "name", "gw_code", "gw_letters", "cow_code", "cow_letters"]
Origin = Literal["auto", "iso3", "gw_code", "gw_letters", "cow_code", "cow_letters"]

#: The columns :func:`country_codes` converts to (its ``to=``).
CODE_COLUMNS: tuple[str, ...] = ("iso3", "name", "gw_code", "gw_letters", "cow_code", "cow_letters")
#: What :func:`country_codes` converts from (its ``origin=``).
ORIGINS: tuple[str, ...] = ("auto", "iso3", "gw_code", "gw_letters", "cow_code", "cow_letters")

_EPOCH = datetime.date(1970, 1, 1)
# A value written as a code: 2 to 4 upper-case letters or digits, at least one letter.
_CODE_SHAPE = re.compile(r"(?=[0-9]*[A-Z])[A-Z0-9]{2,4}")


def is_code_shaped(value: str) -> bool:
    """Whether ``value`` (stripped, as given) is written as a code: 2-4 upper-case letters/digits.

    Examples
    --------
    >>> is_code_shaped("XYZ"), is_code_shaped("C001"), is_code_shaped("xyz"), is_code_shaped("365")
    (True, True, False, False)
    """
    return _CODE_SHAPE.fullmatch(value) is not None


def _day(text: str) -> int | None:
    return None if not text else (datetime.date.fromisoformat(text) - _EPOCH).days


def _date(day: int | None) -> str:
    return "" if day is None else (_EPOCH + datetime.timedelta(days=day)).isoformat()


@dataclass(frozen=True)
class _Row:
    """One row of the country table, with dates as days since 1970-01-01."""

    iso3: str
    name: str
    kind: str
    gw_code: int | None
    gw_letters: str
    cow_code: int | None
    cow_letters: str
    start: int | None
    end: int | None
    successors: tuple[str, ...]

    def valid_on(self, day: int) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("tensionindex").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@functools.cache
def _rows() -> tuple[_Row, ...]:
    return tuple(
        _Row(
            iso3=r["iso3"],
            name=r["name"],
            kind=r["kind"],
            gw_code=int(r["gw_code"]) if r["gw_code"] else None,
            gw_letters=r["gw_letters"],
            cow_code=int(r["cow_code"]) if r["cow_code"] else None,
            cow_letters=r["cow_letters"],
            start=_day(r["valid_from"]),
            end=_day(r["valid_to"]),
            successors=tuple(s for s in r["successors"].split(";") if s),
        )
        for r in _read("countries.csv")
    )


@functools.cache
def _rows_of() -> dict[str, tuple[_Row, ...]]:
    """The rows of each code, oldest first (a row without a start is the oldest)."""
    found: dict[str, list[_Row]] = {}
    for row in _rows():
        found.setdefault(row.iso3, []).append(row)
    return {
        code: tuple(sorted(rows, key=lambda r: -(10**9) if r.start is None else r.start))
        for code, rows in found.items()
    }


#: The alias tables: common names (part of every configuration fingerprint, so
#: that saved states stay valid it is only ever extended with care), then the
#: former names and codes, other ISO names and the dated aliases of the country table.
ALIAS_FILES: tuple[str, ...] = ("actor_aliases.csv", "country_aliases.csv")


@functools.cache
def _alias_rows() -> tuple[tuple[str, str, int | None, int | None], ...]:
    """(upper-cased alias, code, first day or None, last day or None) of the alias tables."""
    return tuple(
        (
            r["alias"].strip().upper(),
            r["code"],
            _day(r.get("valid_from") or ""),
            _day(r.get("valid_to") or ""),
        )
        for name in ALIAS_FILES
        for r in _read(name)
    )


@functools.cache
def builtin_aliases() -> dict[str, str]:
    """Upper-cased names and codes to codes: the undated aliases, then the table's names.

    Codes of the table map to themselves only where an alias does not say
    otherwise; a name dated in the alias table (``"Russia"`` in 1922-1991)
    appears here with its undated code.
    """
    table: dict[str, str] = {}
    for alias, code, start, end in _alias_rows():
        if start is None and end is None:
            table.setdefault(alias, code)
    for row in _rows():
        table.setdefault(row.name.upper(), row.iso3)
    return table


@dataclass(frozen=True)
class ActorTable:
    """How actor values resolve to codes: the built-in tables with a caller's aliases over them.

    ``static`` maps upper-cased names and codes to codes whatever the date;
    ``dated`` holds the aliases that apply between two days only (they win
    over ``static`` on those days); ``ends`` gives the last day of each state
    that no longer exists; ``known`` is every code the tables know.
    """

    static: Mapping[str, str]
    dated: Mapping[str, tuple[tuple[int | None, int | None, str], ...]]
    ends: Mapping[str, int]
    known: frozenset[str]
    _names: Mapping[str, str] = field(default_factory=dict, repr=False)

    def needs_date(self, key: str) -> bool:
        """Whether the code of ``key`` (upper-cased) can depend on the event's date."""
        return key in self.dated or self.static.get(key) in self.ends

    def choices(self, key: str, days: np.ndarray) -> tuple[list[str | None], np.ndarray]:
        """The codes ``key`` can have, and which of them it has on each of ``days``.

        ``days`` are days since 1970-01-01; a choice of ``None`` means no code
        on that day.  Vectorised: one comparison per dated alias of ``key``.
        """
        options: list[str | None] = [self.static.get(key)]
        which = np.zeros(len(days), dtype=np.int8)
        for start, end, code in self.dated.get(key, ()):
            inside = np.ones(len(days), dtype=bool)
            if start is not None:
                inside &= days >= start
            if end is not None:
                inside &= days <= end
            which[inside] = len(options)
            options.append(code)
        return options, which

    def at(self, key: str, days: np.ndarray) -> np.ndarray:
        """The code of ``key`` on each of ``days`` (days since 1970-01-01), ``None`` if none.

        Examples
        --------
        >>> table = actor_table()
        >>> days = np.array(["1985-01-01", "2005-01-01"], dtype="datetime64[D]").astype(int)
        >>> table.at("RUSSIA", days).tolist(), table.at("SOVIET UNION", days).tolist()
        (['SUN', 'RUS'], ['SUN', 'SUN'])
        """
        options, which = self.choices(key, days)
        codes: np.ndarray = np.array(options, dtype=object)[which]
        return codes

    def name_of(self, code: str) -> str:
        """``"Soviet Union (SUN)"``, or the code alone when the table has no name for it."""
        name = self._names.get(code)
        return f"{name} ({code})" if name else code

    def ended_message(self, code: str) -> str:
        """What to say of an event after the last day of ``code``'s state."""
        rows = _rows_of().get(code, ())
        last = _date(self.ends[code])
        successors = rows[-1].successors if rows else ()
        said = f"{self.name_of(code)} ended on {last}."
        if successors:
            listed = ", ".join(self.name_of(s) for s in successors)
            said += f" For later events name one of its successors: {listed}."
        return said

    def suggestion(self, value: str) -> str:
        """``" Did you mean 'PHL' (Philippines)?"`` for near misses of names and codes, or ``""``.

        Examples
        --------
        >>> actor_table().suggestion("Phillipines")
        " Did you mean 'PHL' (Philippines)?"
        """
        key = value.strip().upper()
        matches = difflib.get_close_matches(key, list(self.static), n=8, cutoff=0.75)
        codes = list(dict.fromkeys(self.static[m] for m in matches))[:3]
        if not codes:
            return ""
        shown = [f"'{c}'" + (f" ({self._names[c]})" if c in self._names else "") for c in codes]
        joined = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
        return f" Did you mean {joined}?"


@functools.cache
def _builtin_table() -> ActorTable:
    rows_of = _rows_of()
    static: dict[str, str] = {}
    # A code of the table is that code, then the aliases, then the table's names.
    for code in rows_of:
        static[code] = code
    for key, code in builtin_aliases().items():
        static.setdefault(key, code)
    dated: dict[str, list[tuple[int | None, int | None, str]]] = {}
    for alias, code, start, end in _alias_rows():
        if start is not None or end is not None:
            dated.setdefault(alias, []).append((start, end, code))
    ends = {
        code: rows[-1].end
        for code, rows in rows_of.items()
        if rows[-1].kind == "state" and rows[-1].end is not None
    }
    known = frozenset(static.values()) | {code for values in dated.values() for *_, code in values}
    return ActorTable(
        static=static,
        dated={k: tuple(v) for k, v in dated.items()},
        ends=ends,
        known=known,
        _names={code: rows[-1].name for code, rows in rows_of.items()},
    )


def actor_table(aliases: Mapping[str, str] | None = None) -> ActorTable:
    """The built-in actor table, with ``aliases`` (upper-cased names to codes) over it.

    A caller's alias applies at every date and wins over a dated built-in one:
    ``{"RUSSIA": "RUS"}`` keeps Russia as RUS before 1992 too.
    """
    table = _builtin_table()
    if not aliases:
        return table
    static = {**table.static, **aliases}
    dated = {k: v for k, v in table.dated.items() if k not in aliases}
    return ActorTable(
        static=static,
        dated=dated,
        ends=table.ends,
        known=table.known | frozenset(aliases.values()),
        _names=table._names,
    )


# -- the crosswalk ----------------------------------------------------------------------


def _as_list(values: object) -> tuple[list[Any], pd.Index | None]:
    """The values as a list, and the index of the result (``None``: the values themselves)."""
    if isinstance(values, pd.Series):
        return values.tolist(), values.index
    if isinstance(values, str | int | np.integer) or not isinstance(values, Iterable):
        return [values], None
    return list(values), None


def _days_of(date: object, n: int) -> list[int | None]:
    if date is None:
        return [None] * n
    if isinstance(date, str) or not isinstance(date, Iterable):
        day = parse_day(date)
        if day is None:
            raise invalid("country_codes", "date", Dates().describe(), date)
        return [day] * n
    dates = list(date.tolist() if isinstance(date, pd.Series | pd.Index | np.ndarray) else date)
    if len(dates) != n:
        raise InvalidParameterError(
            f"The 'date' parameter of country_codes must be one date or one date per value. "
            f"Got {len(dates)} dates for {n} values instead."
        )
    days: list[int | None] = []
    for value in dates:
        day = parse_day(value)
        if day is None:
            raise invalid("country_codes", "date", "dates such as '2024-04-16'", value)
        days.append(day)
    return days


def _pick(rows: Iterable[_Row], day: int | None) -> _Row | None:
    """The row valid on ``day``, or without a day the newest row."""
    rows = list(rows)
    if not rows:
        return None
    if day is None:
        return max(rows, key=lambda r: -(10**9) if r.start is None else r.start)
    valid = [r for r in rows if r.valid_on(day)]
    return valid[-1] if valid else None


@functools.cache
def _rows_by(column: str) -> dict[Any, tuple[_Row, ...]]:
    found: dict[Any, list[_Row]] = {}
    for row in _rows():
        key = getattr(row, column)
        if key not in (None, ""):
            found.setdefault(key, []).append(row)
    return {key: tuple(rows) for key, rows in found.items()}


def _find(value: object, origin: str, day: int | None) -> _Row | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if origin in ("gw_code", "cow_code"):
        try:
            number = int(value)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return None
        return _pick(_rows_by(origin).get(number, ()), day)
    if isinstance(value, bool) or not isinstance(value, str):
        if origin == "auto" and isinstance(value, int | np.integer):
            raise InvalidParameterError(
                f"country_codes got the number {value!r} with origin='auto', which could be a "
                "Gleditsch-Ward or a Correlates of War code: pass origin='gw_code' or "
                "origin='cow_code'."
            )
        return None
    key = value.strip().upper()
    if origin in ("gw_letters", "cow_letters"):
        return _pick(_rows_by(origin).get(key, ()), day)
    if origin == "auto":
        table = _builtin_table()
        code = table.static.get(key) if day is None else table.at(key, np.array([day]))[0]
    else:
        code = key
    return None if code is None else _pick(_rows_of().get(code, ()), day)


def _frame(rows: list[_Row | None], index: pd.Index) -> pd.DataFrame:
    def column(name: str) -> list[Any]:
        return [None if r is None else getattr(r, name) for r in rows]

    def dates(name: str) -> pd.Series:
        days = [None if r is None else getattr(r, name) for r in rows]
        values = [np.datetime64("NaT") if d is None else np.datetime64(_date(d)) for d in days]
        return pd.Series(np.array(values, dtype="datetime64[ns]"), index=index)

    def text(name: str) -> pd.Series:
        return pd.Series([v or None for v in column(name)], index=index, dtype=object)

    return pd.DataFrame(
        {
            "iso3": text("iso3"),
            "name": text("name"),
            "kind": text("kind"),
            "gw_code": pd.Series(column("gw_code"), index=index, dtype="Int64"),
            "gw_letters": text("gw_letters"),
            "cow_code": pd.Series(column("cow_code"), index=index, dtype="Int64"),
            "cow_letters": text("cow_letters"),
            "valid_from": dates("start"),
            "valid_to": dates("end"),
            "successors": pd.Series(
                [None if r is None or not r.successors else ";".join(r.successors) for r in rows],
                index=index,
                dtype=object,
            ),
        }
    )


@validate_params(
    {
        "origin": [Options(ORIGINS)],
        "to": [Options(CODE_COLUMNS), Instance((None,), "None")],
        "date": [
            Dates(),
            Instance((list, tuple, np.ndarray, pd.Series, pd.Index), "a list of dates"),
        ],
    }
)
def country_codes(
    values: object = None,
    *,
    origin: Origin = "auto",
    to: CountryColumn | None = None,
    date: object = None,
) -> pd.Series | pd.DataFrame:
    """Convert country codes and names: ISO 3166 alpha-3, Gleditsch–Ward, Correlates of War.

    Parameters
    ----------
    values : str, int or list-like of them, optional
        What to convert.  Without values, the whole country table is returned
        (only its rows valid on ``date`` when a date is given).
    origin : {"auto", "iso3", "gw_code", "gw_letters", "cow_code", "cow_letters"}, default "auto"
        What the values are.  ``"auto"`` reads text as :func:`validate_events`
        reads actors: codes, the alias table's names and the table's names,
        case-insensitively (numbers need ``"gw_code"`` or ``"cow_code"``).
    to : {"iso3", "name", "gw_code", "gw_letters", "cow_code", "cow_letters"}, optional
        The column wanted; by default every column of the table.
    date : date or list of dates, optional
        The day (one for all values, or one per value) at which to convert: a
        value then gets the row valid on that day, or missing values if none
        is (a state not yet or no longer independent; see ``valid_from``,
        ``valid_to``).  Without a date a value gets its newest row.

    Returns
    -------
    pandas.Series or pandas.DataFrame
        One entry per value, indexed by the values (or by the index of a
        Series given as ``values``); missing where nothing matches.  Numeric
        codes are ``Int64``, dates ``datetime64``.  With ``to=None`` the
        columns are ``iso3``, ``name``, ``kind`` (``"state"``, ``"territory"``,
        ``"region"`` or ``"organisation"``), ``gw_code``, ``gw_letters``,
        ``cow_code``, ``cow_letters``, ``valid_from``, ``valid_to`` (first
        and last day of the row; missing: before 1946, or still valid) and
        ``successors`` (of a state that ended, ``;``-separated).

    Raises
    ------
    InvalidParameterError
        For an unknown ``origin`` or ``to``, a date that is not one, dates
        not one per value, or numbers with ``origin="auto"``.

    See Also
    --------
    validate_events : resolves actor names with the same tables, at each event's date.

    Notes
    -----
    With a date, a value whose state has no row valid on that day is missing
    here, while :func:`validate_events` still writes the code the name
    resolves to, since every event needs an actor: "Ukraine" in an event of
    1985 becomes ``UKR`` (a Soviet republic then, with no row of its own
    before 1991-08-24), and ``country_codes("Ukraine", date="1985-06-01")``
    is missing.  Names of a state that continued under another code resolve
    on the day: "Russia" in 1985 is ``SUN``, as here.

    Examples
    --------
    >>> import tensionindex as ti
    >>> ti.country_codes(["Zaire", "USSR", "East Germany", "PHL"], to="cow_code")
    Zaire           490
    USSR            365
    East Germany    265
    PHL             840
    Name: cow_code, dtype: Int64

    Codes that changed over time need a date: Germany's COW code, the state
    behind Gleditsch–Ward's number 365.

    >>> ti.country_codes(["DEU", "DEU"], origin="iso3", to="cow_code",
    ...                  date=["1980-06-01", "2000-06-01"])
    DEU    260
    DEU    255
    Name: cow_code, dtype: Int64
    >>> ti.country_codes([365, 365], origin="gw_code", to="iso3",
    ...                  date=["1985-06-01", "2005-06-01"])
    365    SUN
    365    RUS
    Name: iso3, dtype: object
    >>> ti.country_codes(["Ukraine", "Russia"], to="iso3", date="1985-06-01")
    Ukraine    None
    Russia      SUN
    Name: iso3, dtype: object
    >>> ti.country_codes("Soviet Union", date="2005-06-01")[["iso3", "valid_to"]]
                 iso3 valid_to
    Soviet Union  None      NaT
    >>> table = ti.country_codes()
    >>> table.loc[table["iso3"] == "SUN", ["name", "valid_from", "valid_to"]]
                name valid_from   valid_to
    75  Soviet Union 1922-12-30 1991-12-25
    """
    if values is None:
        rows: list[_Row | None] = list(_rows())
        if date is not None:
            day = parse_day(date)
            if day is None:
                raise invalid(
                    "country_codes", "date", "one date when no values are given", date
                )
            rows = [r for r in rows if r is not None and r.valid_on(day)]
        table = _frame(rows, pd.RangeIndex(len(rows)))
        return table if to is None else table[to]
    items, index = _as_list(values)
    days = _days_of(date, len(items))
    cache: dict[tuple[Any, int | None], _Row | None] = {}
    found = []
    for value, day in zip(items, days, strict=True):
        key = (value if isinstance(value, str | int) else repr(value), day)
        if key not in cache:
            cache[key] = _find(value, origin, day)
        found.append(cache[key])
    if index is None:
        index = pd.Index(items, dtype=object)
    table = _frame(found, index)
    return table if to is None else table[to]
