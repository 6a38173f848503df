"""Results for people: readable tables on a terminal and in a notebook, and a wide view.

Every result of tensionindex is a plain :class:`pandas.DataFrame`, so that it
composes with the rest of a notebook.  This module adds views of them and
changes none:

- :func:`show` lays a result out for reading: numbers rounded, event types in
  words, and for :func:`~tensionindex.explain` a total line with the tension
  and the stability it gives.  In a notebook the view renders as an HTML
  table; printed, it is a fixed-width text table (what ``tensionindex
  explain`` prints on a terminal).  The result itself stays in ``.frame``.
- :func:`wide` turns an index (one row per dyad and day) into one row per
  date and one column per dyad: the shape for side-by-side reading and for
  ``.plot()``.
- :func:`config_html` is the notebook display of an
  :class:`~tensionindex.IndexConfig` (its ``_repr_html_``).
"""

from __future__ import annotations

import dataclasses
import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tensionindex.exceptions import EventValidationError
from tensionindex.params import Instance, Interval, validate_params

if TYPE_CHECKING:
    from tensionindex.config import IndexConfig

__all__ = ["Shown", "config_html", "settings_summary", "show", "wide"]

_ELLIPSIS = "…"
_DESCRIPTION_WIDTH = 60  # characters of a description in a text table, before any squeeze
_EVENT_WIDTH = 32  # characters of an event's words
_MAPPING_ITEMS = 8  # entries of a mapping listed in a configuration's display


@dataclass(frozen=True, eq=False)
class Shown:
    """A result laid out for reading: text when printed, HTML in a notebook.

    Made by :func:`show`; ``frame`` is the result itself, unchanged.

    Attributes
    ----------
    frame : pandas.DataFrame
        The result shown.
    title : str
        One line above the table.
    columns : tuple of str
        The column headers shown.
    rows : tuple of tuple of str
        The cells shown, already formatted.
    numeric : tuple of bool
        Per column, whether it holds numbers (right-aligned).
    total : tuple of str or None
        A total row under the table (:func:`explain` results), or None.
    notes : tuple of str
        Lines under the table.
    """

    frame: pd.DataFrame
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    total: tuple[str, ...] | None = None
    notes: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return self.to_text()

    def to_text(self, width: int | None = None) -> str:
        """The view as a fixed-width text table, at most ``width`` characters wide if given.

        Text columns are cut (ending in "…"), the widest first, until the
        table fits; numbers are never cut.
        """
        body = [*self.rows, *([self.total] if self.total is not None else [])]
        widths = [
            max([len(name), *(len(row[k]) for row in body)]) for k, name in enumerate(self.columns)
        ]
        if width is not None:
            _squeeze(widths, self.columns, self.numeric, width)

        def line(cells: Sequence[str]) -> str:
            parts = []
            for cell, size, right in zip(cells, widths, self.numeric, strict=True):
                cell = _cut(cell, size)
                parts.append(cell.rjust(size) if right else cell.ljust(size))
            return "  ".join(parts).rstrip()

        out = [self.title, ""] if self.title else []
        if not self.rows and self.total is None:  # nothing to tabulate: the notes say why
            return "\n".join([self.title, *self.notes])
        out.append(line(self.columns))
        out.append("  ".join("-" * size for size in widths))
        out += [line(row) for row in self.rows]
        if self.total is not None:
            out.append("  ".join("-" * size for size in widths))
            out.append(line(self.total))
        out += list(self.notes)
        return "\n".join(out)

    def _repr_html_(self) -> str:
        def cells(values: Sequence[str], tag: str) -> str:
            return "".join(
                f'<{tag} style="text-align:{"right" if right else "left"}">'
                f"{html.escape(value)}</{tag}>"
                for value, right in zip(values, self.numeric, strict=True)
            )

        parts = ['<div class="tensionindex-table">']
        if self.title:
            parts.append(f"<p><strong>{html.escape(self.title)}</strong></p>")
        if not self.rows and self.total is None:
            parts += [f"<p>{html.escape(note)}</p>" for note in self.notes]
            return "\n".join([*parts, "</div>"])
        parts.append("<table>")
        parts.append(f"<thead><tr>{cells(self.columns, 'th')}</tr></thead>")
        parts.append("<tbody>")
        parts += [f"<tr>{cells(row, 'td')}</tr>" for row in self.rows]
        parts.append("</tbody>")
        if self.total is not None:
            parts.append(
                '<tfoot><tr style="font-weight:bold;border-top:1px solid">'
                f"{cells(self.total, 'td')}</tr></tfoot>"
            )
        parts.append("</table>")
        parts += [f"<p>{html.escape(note)}</p>" for note in self.notes]
        parts.append("</div>")
        return "\n".join(parts)


def _cut(text: str, size: int) -> str:
    return text if len(text) <= size else text[: max(size - 1, 0)] + _ELLIPSIS


def _squeeze(widths: list[int], names: Sequence[str], numeric: Sequence[bool], width: int) -> None:
    """Narrow the text columns, the widest first, until the table fits in ``width``."""
    total = sum(widths) + 2 * (len(widths) - 1)
    while total > width:
        text = [k for k, right in enumerate(numeric) if not right]
        if not text:
            return
        k = max(text, key=lambda i: widths[i])
        floor = max(len(names[k]), 6)
        if widths[k] <= floor:
            return
        step = min(widths[k] - floor, total - width)
        widths[k] -= step
        total -= step


_SHOW_PARAMETERS: dict[str, list[Any]] = {
    "table": [Instance((pd.DataFrame,), "a pandas DataFrame (a result of tensionindex)")],
    "rows": [Interval(int, 1, None), Instance((None,), "None")],
    "digits": [Interval(int, 0, 12)],
}


@validate_params(_SHOW_PARAMETERS, name="show")
def show(table: pd.DataFrame, *, rows: int | None = 20, digits: int = 2) -> Shown:
    """Lay a result out for reading: in a notebook an HTML table, printed a text table.

    The result is not changed (it stays in ``.frame``): this is a view, for
    reading, while the DataFrame is for computing.

    Parameters
    ----------
    table : pandas.DataFrame
        A result: of :func:`explain` / :meth:`ScoredEvents.explain` (one row
        per event; shown with the event types in words, the contributions and
        a total line giving the tension and stability), of :func:`diff` (the
        settings that differ), or any other table (an index, alerts, a
        sensitivity band...).
    rows : int or None, default 20
        The most rows shown; a note says how many more there are (and, for
        :func:`explain`, what they add together).  None shows every row.
    digits : int, default 2
        Decimal places of the numbers shown (decay factors get one more).

    Returns
    -------
    Shown
        ``print(shown)`` or ``shown.to_text(width)`` gives the text table; a
        notebook renders ``shown._repr_html_()``.

    See Also
    --------
    wide : the index with one column per dyad.

    Examples
    --------
    >>> import tensionindex as ti
    >>> from tensionindex.display import show
    >>> events = [
    ...     {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"},
    ...     {"date": "2024-03-31", "actor1": "PHL", "actor2": "CHN",
    ...      "event_type": "protest_lodged"},
    ... ]
    >>> weights = {"water_cannon": 8.0, "protest_lodged": 2.0}
    >>> why = ti.explain(events, "CHN-PHL", "2024-03-31", weights=weights)
    >>> print(show(why))
    CHN-PHL on 31 Mar 2024: the events behind the tension
    <BLANKLINE>
    date        actors    event           signal  age  decay  contribution
    ----------  --------  --------------  ------  ---  -----  ------------
    2024-03-01  CHN->PHL  water cannon      8.00   30  0.500         +4.00
    2024-03-31  PHL->CHN  protest lodged    2.00    0  1.000         +2.00
    ----------  --------  --------------  ------  ---  -----  ------------
    total       2 events                                             +6.00
    tension 6.00 gives stability 35.4 (0 most tense, 50 neutral, 100 most stable; scale 10)
    goldstein weights (2 set), half-life 30 days, scale 10; fingerprint ...
    """
    if _is_explanation(table):
        return _show_explanation(table, rows, digits)
    if list(table.columns) == ["setting", "a", "b"]:
        return _show_diff(table, rows, digits)
    return _show_table(table, rows, digits)


def _is_explanation(table: pd.DataFrame) -> bool:
    meta = table.attrs.get("tensionindex")
    return (
        isinstance(meta, Mapping)
        and {"dyad", "date", "tension"} <= set(meta)
        and {"contribution", "signal", "decay", "event_type"} <= set(table.columns)
    )


def _number(value: object, digits: int, *, signed: bool = False) -> str:
    """A number rounded for reading; "" for a missing one; never "-0.00"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return f"{int(value):+d}" if signed else str(int(value))
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        return str(number)
    rounded = round(number, digits) + 0.0  # -0.0 reads as 0
    return f"{rounded:+.{digits}f}" if signed else f"{rounded:.{digits}f}"


def event_words(event_type: str, label: str, limit: int = _EVENT_WIDTH) -> str:
    """An event type for people: an analyst key in words, a CAMEO/PLOVER code by its label.

    Examples
    --------
    >>> event_words("water_cannon", "Coast guard ... fire water cannon")
    'water cannon'
    >>> event_words("cameo:190", "Use conventional military force, not specified below")
    'Use conventional military force'
    """
    if ":" in event_type:  # CAMEO and PLOVER keys are codes: the catalogue's words
        words = str(label).split(", not specified")[0]
    else:
        words = event_type.replace("_", " ")
    return _cut(words.strip(), limit)


def _show_explanation(table: pd.DataFrame, rows: int | None, digits: int) -> Shown:
    meta = table.attrs["tensionindex"]
    day = pd.Timestamp(meta["date"])
    limit = len(table) if rows is None else rows
    shown = table.iloc[:limit]
    labels = shown["label"] if "label" in shown.columns else shown["event_type"]
    columns: list[tuple[str, list[str], bool]] = [
        ("date", [f"{pd.Timestamp(d):%Y-%m-%d}" for d in shown["date"]], False),
        (
            "actors",
            [f"{a}->{b}" for a, b in zip(shown["actor1"], shown["actor2"], strict=True)],
            False,
        ),
        (
            "event",
            [
                event_words(str(t), str(lab))
                for t, lab in zip(shown["event_type"], labels, strict=True)
            ],
            False,
        ),
        ("signal", [_number(v, digits) for v in shown["signal"]], True),
    ]
    factors = table["aggregation"] if "aggregation" in table.columns else None
    if factors is not None and not np.allclose(factors.to_numpy(float), 1.0):
        factor_cells = [_number(v, digits + 1) for v in shown["aggregation"]]
        columns.append(("aggregation", factor_cells, True))
    if "age_days" in shown.columns:
        columns.append(("age", [_number(v, 0) for v in shown["age_days"]], True))
    columns += [
        ("decay", [_number(v, digits + 1) for v in shown["decay"]], True),
        ("contribution", [_number(v, digits, signed=True) for v in shown["contribution"]], True),
    ]
    for name in ("event_id", "description"):
        if name in shown.columns:
            width = _DESCRIPTION_WIDTH if name == "description" else _EVENT_WIDTH
            values = ["" if pd.isna(v) else _cut(str(v), width) for v in shown[name]]
            columns.append((name, values, False))
    names = tuple(name for name, _, _ in columns)
    total_row = [""] * len(names)
    total_row[0] = "total"
    total_row[1] = f"{len(table)} event" + ("" if len(table) == 1 else "s")
    total_row[names.index("contribution")] = _number(
        float(table["contribution"].sum()), digits, signed=True
    )
    notes = []
    if len(table) > limit:
        rest = table["contribution"].iloc[limit:]
        notes.append(
            f"{len(rest)} more event{'s' if len(rest) != 1 else ''} add "
            f"{_number(float(rest.sum()), digits, signed=True)} together."
        )
    stability = meta.get("stability")
    scale = meta.get("scale")
    line = f"tension {_number(meta['tension'], digits)}"
    if stability is not None:
        line += f" gives stability {_number(stability, 1)}"
        line += " (0 most tense, 50 neutral, 100 most stable"
        line += f"; scale {scale:.3g})" if isinstance(scale, float | int) else ")"
    notes.append(line)
    config = meta.get("config")
    settings = _settings_of(config, scale)
    fingerprint = meta.get("fingerprint")
    if settings or fingerprint:
        notes.append("; ".join(p for p in (settings, f"fingerprint {fingerprint}") if p))
    return Shown(
        frame=table,
        title=f"{meta['dyad']} on {day:%d %b %Y}: the events behind the tension".replace(
            " 0", " ", 1
        ),
        columns=names,
        rows=tuple(zip(*(values for _, values, _ in columns), strict=True)),
        numeric=tuple(right for _, _, right in columns),
        total=tuple(total_row),
        notes=tuple(notes),
    )


def _settings_of(config: object, scale: object) -> str:
    """:func:`settings_summary` of a configuration given as a dict (a result's attrs)."""
    if not isinstance(config, Mapping):
        return ""
    from tensionindex.config import IndexConfig

    try:
        built = IndexConfig.from_dict(config)
    except (ValueError, TypeError):  # attrs edited by hand: no summary rather than an error
        return ""
    return settings_summary(built, float(scale) if isinstance(scale, int | float) else None)


def _value_text(value: object, digits: int) -> str:
    if isinstance(value, float | np.floating):
        return f"{float(value):g}"
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={_value_text(v, digits)}" for k, v in value.items()) or "{}"
    return "" if value is None else str(value)


def _show_diff(table: pd.DataFrame, rows: int | None, digits: int) -> Shown:
    limit = len(table) if rows is None else rows
    n = len(table)
    title = (
        "No settings differ"
        if n == 0
        else f"{n} setting{'s' if n != 1 else ''} differ{'s' if n == 1 else ''}"
    )
    notes = []
    if n == 0:
        notes.append("The two configurations give the same numbers and carry the same metadata.")
    elif n > limit:
        notes.append(f"{n - limit} more settings differ.")
    body = tuple(
        (str(s), _value_text(a, digits), _value_text(b, digits))
        for s, a, b in table.iloc[:limit].itertuples(index=False)
    )
    names = ("setting", "a", "b")
    return Shown(table, title, names, body, (False, False, False), None, tuple(notes))


def _cell(value: object, digits: int) -> str:
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}" if value == value.normalize() else str(value)
    if isinstance(value, list | tuple | np.ndarray):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float | int | np.number | bool | np.bool_) or value is None:
        return _number(value, digits)
    return "" if pd.isna(value) else str(value)  # type: ignore[call-overload]


def _show_table(table: pd.DataFrame, rows: int | None, digits: int) -> Shown:
    limit = len(table) if rows is None else rows
    shown = table.iloc[:limit]
    names = tuple(str(c) for c in table.columns)
    numeric = tuple(
        pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c])
        for c in table.columns
    )
    body = tuple(
        tuple(_cell(value, digits) for value in row) for row in shown.itertuples(index=False)
    )
    notes = []
    if len(table) > limit:
        notes.append(f"{len(table) - limit} more rows of {len(table)}.")
    meta = table.attrs.get("tensionindex")
    title = ""
    if isinstance(meta, Mapping) and meta.get("fingerprint"):
        settings = _settings_of(meta.get("config"), meta.get("scale"))
        title = "; ".join(p for p in (settings, f"fingerprint {meta['fingerprint']}") if p)
    return Shown(table, title, names, body, numeric, None, tuple(notes))


def settings_summary(config: IndexConfig, scale: float | None = None) -> str:
    """The settings that shape a chart or a table, in one short line.

    ``scale`` is the logistic scale in force (:attr:`ScoredEvents.scale`),
    needed when the configuration says ``scale="auto"``.

    Examples
    --------
    >>> import tensionindex as ti
    >>> settings_summary(ti.IndexConfig())
    'goldstein weights, half-life 30 days, scale 10'
    >>> settings_summary(ti.IndexConfig(kernel="window", window=60, aggregation="kernel_mean",
    ...                                 neutral="dyad", scale="auto"), scale=3.21)
    'goldstein weights, 60-day window, kernel_mean aggregation, neutral=dyad, scale 3.21 (auto)'
    """
    parts = [f"'{config.name}'"] if config.name else []
    weights = f"{config.default_weights} weights"
    if config.weights:
        weights += f" ({len(config.weights)} set)"
    parts.append(weights)
    if config.kernel == "window":
        parts.append(f"{config.window}-day window")
    elif config.kernel == "carryover":
        parts.append(
            f"carryover kernel, half-life {config.half_life:g} days, bound {config.bound:g}"
        )
    else:
        parts.append(f"half-life {config.half_life:g} days")
    if config.aggregation != "sum":
        parts.append(f"{config.aggregation} aggregation")
    if config.neutral != "zero":
        parts.append(f"neutral={config.neutral}")
    if config.directed:
        parts.append("directed")
    if config.scale == "auto":
        parts.append("scale auto" if scale is None else f"scale {scale:.3g} (auto)")
    else:
        parts.append(f"scale {float(config.scale):.3g}")
    return ", ".join(parts)


def _mapping_text(value: Mapping[Any, Any]) -> str:
    items = [f"{k} {_value_text(v, 2)}" for k, v in value.items()]
    if len(items) > _MAPPING_ITEMS:
        items = [*items[:_MAPPING_ITEMS], f"{_ELLIPSIS} and {len(items) - _MAPPING_ITEMS} more"]
    return ", ".join(items)


def config_html(config: IndexConfig) -> str:
    """An :class:`IndexConfig` as an HTML table: the notebook display of a configuration.

    One row per setting, the ones that differ from ``IndexConfig()`` in bold,
    under a line with the name and the fingerprint.

    Examples
    --------
    >>> import tensionindex as ti
    >>> page = config_html(ti.IndexConfig(half_life=14))
    >>> "<strong>14</strong>" in page and ti.IndexConfig(half_life=14).fingerprint in page
    True
    """
    from tensionindex.config import IndexConfig

    default = IndexConfig()
    rows = []
    for spec in dataclasses.fields(config):
        value = getattr(config, spec.name)
        if spec.name in ("name", "description") and not value:
            continue
        if spec.name == "custom_types":
            described = {
                k: ", ".join([t.category, f"weight {t.weight:g}", *([t.mode] if t.mode else [])])
                for k, t in value.items()
            }
            text = _mapping_text({k: f"({d})" for k, d in described.items()})
        elif isinstance(value, Mapping):
            text = _mapping_text(value)
        else:
            text = _value_text(value, 2)
        cell = html.escape(text) if text else "&mdash;"
        if value != getattr(default, spec.name):
            cell = f"<strong>{cell}</strong>"
        rows.append(
            f'<tr><td style="text-align:left"><code>{spec.name}</code></td>'
            f'<td style="text-align:left">{cell}</td></tr>'
        )
    head = "IndexConfig" + (f" {html.escape(repr(config.name))}" if config.name else "")
    return "\n".join(
        [
            '<div class="tensionindex-config">',
            f"<p><strong>{head}</strong>, fingerprint <code>{config.fingerprint}</code> "
            "(settings that differ from the defaults in bold)</p>",
            "<table>",
            '<thead><tr><th style="text-align:left">setting</th>'
            '<th style="text-align:left">value</th></tr></thead>',
            "<tbody>",
            *rows,
            "</tbody>",
            "</table>",
            "</div>",
        ]
    )


_WIDE_PARAMETERS: dict[str, list[Any]] = {
    "index": [Instance((pd.DataFrame,), "an index result (a DataFrame with dyad and date)")],
    "value": [Instance((str,), "a column name such as 'stability'")],
}


@validate_params(_WIDE_PARAMETERS, name="wide")
def wide(index: pd.DataFrame, value: str = "stability") -> pd.DataFrame:
    """The index with one row per date and one column per dyad.

    Parameters
    ----------
    index : pandas.DataFrame
        A result with ``dyad`` and ``date`` columns: :meth:`ScoredEvents.index`,
        :func:`stability_index` (also with ``freq=``), :func:`sensitivity`...
    value : str, default "stability"
        The column spread out, e.g. ``"tension"``, or ``"stability_mean"``
        of an index by month.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``date``, one column per dyad in the order of ``index``;
        a plain DataFrame (``.plot()``, ``.resample("MS").mean()``, ...).
        ``attrs`` are those of ``index``.

    Raises
    ------
    EventValidationError
        If ``index`` lacks ``dyad``, ``date`` or ``value`` (the message lists
        the columns it has), or holds a dyad twice on one date.

    Examples
    --------
    >>> import tensionindex as ti
    >>> from tensionindex.display import wide
    >>> events = [
    ...     {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"},
    ...     {"date": "2024-03-02", "actor1": "USA", "actor2": "CHN", "event_type": "leader_call"},
    ... ]
    >>> weights = {"water_cannon": 8.0, "leader_call": -2.0}
    >>> index = ti.stability_index(events, half_life=1, end="2024-03-03", weights=weights)
    >>> wide(index, "tension")
    dyad        CHN-PHL  CHN-USA
    date
    2024-03-01      8.0      0.0
    2024-03-02      4.0     -2.0
    2024-03-03      2.0     -1.0
    """
    missing = [c for c in ("dyad", "date", value) if c not in index.columns]
    if missing:
        numbers = [str(c) for c in index.columns if pd.api.types.is_numeric_dtype(index[c])]
        raise EventValidationError(
            f"wide needs the columns 'dyad', 'date' and {value!r} of an index result; "
            f"{missing[0]!r} is missing. Its value columns: {', '.join(numbers) or 'none'}."
        )
    doubled = index.duplicated(["dyad", "date"])
    if doubled.any():
        row = int(np.flatnonzero(doubled.to_numpy())[0])
        raise EventValidationError(
            f"wide needs one row per dyad and date; row {row} repeats dyad "
            f"{index['dyad'].iloc[row]!r} on {pd.Timestamp(index['date'].iloc[row]):%Y-%m-%d}. "
            "Spread one result at a time (or drop the duplicates first)."
        )
    order = list(dict.fromkeys(str(d) for d in index["dyad"]))
    out = pd.DataFrame(
        {"dyad": index["dyad"].astype(str).to_numpy(), "date": index["date"], value: index[value]}
    ).pivot(index="date", columns="dyad", values=value)
    out = out[order]
    out.columns = pd.Index(order, name="dyad")
    out.attrs = dict(index.attrs)
    return out
