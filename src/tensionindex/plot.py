"""Charts of scored events (matplotlib, the optional ``plot`` extra, imported only when drawing).

:func:`plot_index` draws what an analyst reads off scored events: the
stability of each dyad against the neutral 50, the events behind it coloured
by category, the few that moved it most, sensitivity bands, change points,
the days the source was not collecting and the stretches with too few events
behind the value (low information).  The series and the events come from one
:class:`~tensionindex.ScoredEvents` (:meth:`~tensionindex.ScoredEvents.index_grid`
and its per-event arrays), so the chart computes no index of its own and the
markers always belong to the lines they sit on.  It returns the matplotlib
``Axes`` so that a notebook can keep composing the chart.

:func:`plot_parts` draws the conflict and cooperation parts of each dyad's
tension (:func:`tension_parts`), one panel per dyad.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tensionindex._types import Normalize
from tensionindex.analysis.parts import tension_parts
from tensionindex.catalogue import CATEGORIES
from tensionindex.config import IndexConfig
from tensionindex.display import event_words, settings_summary
from tensionindex.exceptions import EventValidationError, InvalidParameterError, require
from tensionindex.params import (
    DateLike,
    Instance,
    Interval,
    invalid,
    parse_day,
    validate_params,
)
from tensionindex.scored import NORMALIZE, RANGE, IndexGrid, ScoredEvents, as_scored

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["CATEGORY_COLORS", "PART_COLORS", "plot_index", "plot_parts"]

#: Marker colour of each built-in category: Paul Tol's "muted" scheme, nine
#: colours told apart under the common colour-vision deficiencies, cool for the
#: cooperative categories and warm or dark for the conflictual ones.
CATEGORY_COLORS: dict[str, str] = dict(
    zip(
        CATEGORIES,
        (
            "#88CCEE",  # dialogue: cyan
            "#44AA99",  # agreement: teal
            "#117733",  # cooperation: green
            "#DDCC77",  # statement: sand
            "#999933",  # diplomatic_friction: olive
            "#AA4499",  # economic_coercion: purple
            "#332288",  # military_posture: indigo
            "#CC6677",  # gray_zone: rose
            "#882255",  # violence: wine
        ),
        strict=True,
    )
)
# Categories of custom event types (Tol's "light" scheme, then repeating).
_EXTRA_CATEGORY_COLORS = ("#EE8866", "#77AADD", "#EEDD88", "#FFAABB", "#BBCC33", "#AAAA00")
# Stability lines: near-black first, then Tol's "vibrant" scheme, dark enough
# that the category markers drawn on them stand out.
_LINE_COLORS = ("#222222", "#0077BB", "#EE7733", "#009988", "#EE3377", "#33BBEE", "#CC3311")

#: Fill colour of the two parts of :func:`plot_parts` (Paul Tol's "vibrant"
#: red and blue, told apart under the common colour-vision deficiencies).
PART_COLORS: dict[str, str] = {"conflict": "#CC3311", "cooperation": "#0077BB"}

_NS_PER_DAY = 86_400 * 10**9
_HALF_DAY = np.timedelta64(12, "h")
_MAX_LABEL = 32  # characters of an annotation's first line
_UNMONITORED = "0.88"  # light grey
_LOW_INFORMATION = "0.94"  # lighter grey: shading of plot_parts
# A white veil over a line's low-information stretches: the dyad's colour, faded.
_VEIL = {"color": "white", "alpha": 0.7, "linewidth": 2.4}
_LOW_INFORMATION_LABEL = "low information, not calm"

_FRAME_OR_NONE = "a DataFrame or None"
_PARAMETERS: dict[str, list[Any]] = {
    **RANGE,
    **NORMALIZE,
    "bands": [Instance((pd.DataFrame, None), _FRAME_OR_NONE)],
    "changepoints": [Instance((pd.DataFrame, None), _FRAME_OR_NONE)],
    "annotate": [Interval(int, 0, None)],
    "grades": [Instance((bool,), "True or False")],
    "title": [Instance((str, None), "a string or None")],
}


@dataclass(frozen=True)
class _Marked:
    """Events of the plotted dyads within the chart's days, one entry each, ready to draw."""

    dyad: np.ndarray  # the dyad's row in the chart's grid (labels sorted)
    date: np.ndarray  # datetime64[ns]
    stability: np.ndarray  # the dyad's stability that day: where the marker sits
    category: np.ndarray  # position in ``categories``
    categories: tuple[str, ...]
    contribution: np.ndarray  # s_i * g_i * K(0): to the tension on the day it happened
    event: np.ndarray  # position in the plotted events' arrays (the annotation text)


@dataclass(frozen=True)
class _Chart:
    """Everything drawn, computed before the first matplotlib call."""

    labels: list[str]  # the dyads, in the order drawn (and coloured)
    dates: np.ndarray  # datetime64[ns], the grid's days
    stability: dict[str, np.ndarray]  # per dyad, one value a day
    low_information: dict[str, np.ndarray] | None  # per dyad and day: too few events behind it
    covered: np.ndarray | None  # per day: whether the source was collecting
    marked: _Marked
    annotated: np.ndarray  # positions in ``marked`` of the events labelled, largest first
    texts: list[str]  # their labels
    scale: _Scale
    bands: pd.DataFrame | None
    changepoints: pd.DataFrame | None
    title: str  # the dyads and dates drawn
    provenance: str  # the settings and the fingerprint


@validate_params(_PARAMETERS, name="plot_index")
def plot_index(
    scored: ScoredEvents | pd.DataFrame | Sequence[Mapping[str, Any]],
    config: IndexConfig | None = None,
    *,
    dyads: Sequence[str] | str | None = None,
    start: DateLike | None = None,
    end: DateLike | None = None,
    normalize: Normalize = "logistic",
    baseline: int = 365,
    bands: pd.DataFrame | None = None,
    changepoints: pd.DataFrame | None = None,
    annotate: int = 5,
    grades: bool = False,
    title: str | None = None,
    ax: Axes | None = None,
    **overrides: Any,
) -> Axes:
    """Draw the stability index of one or more dyads, with the events behind it.

    One line per dyad on a 0-100 axis with a dashed neutral line at 50 and
    real dates below.  Each event of a drawn dyad is a marker on its line,
    coloured by category, and the ``annotate`` events that added most to the
    tension on the day they happened are labelled.  Sensitivity bands,
    change points and unmonitored days are drawn when known, and the
    stretches of a line with too little information behind them (the index's
    ``low_information`` column) are faded.

    Parameters
    ----------
    scored : ScoredEvents, pandas.DataFrame or list of dict
        Events scored once with :func:`score`; raw events are scored here
        (with ``config`` and ``overrides``).  The lines are
        :meth:`ScoredEvents.index_grid` and the markers the same events, so
        they always agree.  If the events were scored with ``coverage=``, the
        days on which the source was not collecting are shaded grey: the
        index there is unmonitored, not calm.
    config : IndexConfig, optional
        Score under this configuration instead of the one of ``scored``
        (see :meth:`ScoredEvents.with_config`; the events are not validated
        again).
    dyads : str or list of str, optional
        The dyads to draw, in this order, in any spelling :func:`score`
        accepts ("USA-CHN", "China-US"; "USA->CHN" when directed).  Default:
        every dyad, sorted.
    start, end : date-like, optional
        First and last day drawn.  Default: the first event of the dyads
        drawn (so that a dyad whose events begin late is not drawn as years
        of a flat 50 before them) and the last event of all.  Events before
        ``start`` still count through the kernel, but only events from
        ``start`` to ``end`` are marked.
    normalize : {"logistic", "zscore", "percentile"}, default "logistic"
        What the lines show, as in :meth:`ScoredEvents.index`; the axis and
        its neutral line follow.
    baseline : int, default 365
        Days of trailing baseline of ``normalize="zscore"``.
    bands : pandas.DataFrame, optional
        Uncertainty bands with columns ``dyad``, ``date`` and two or more
        stability quantile columns named by percentile, as
        :func:`sensitivity` gives them (``stability_q05`` and
        ``stability_q95``; ``stability_q02_5`` for 2.5%); the lowest and
        highest quantile are shaded in the dyad's colour.  Other columns are
        ignored, and ``dyad`` may be left out when one dyad is drawn.
    changepoints : pandas.DataFrame, optional
        A ``date`` column, and optionally ``dyad``: a dotted vertical line at
        each date (in the dyad's colour when given; change points of dyads
        not drawn are skipped).
    annotate : int, default 5
        How many events to label: those with the largest absolute
        contribution to their dyad's tension on the day they happened
        (``signal`` times the daily ``aggregation`` factor times the kernel's
        weight at age 0, as in :meth:`ScoredEvents.explain`).  0 labels none.
        Labels never overlap each other and stay inside the Axes: one that
        finds no free place near its marker is left out (ask for fewer, or
        draw a larger figure).
    grades : bool, default False
        Draw the bounds of the named bands of the configuration's ``grades``
        (see :func:`grade`) as faint horizontal lines, each band's name at
        the left edge (logistic stability only).
    title : str, optional
        The title, at the top left.  Default: the dyads drawn (or their
        number, beyond three) and the first and last day; ``""`` draws none.
        The settings that shape the lines and the configuration's
        fingerprint are printed under it in any case, so that a chart copied
        into a report still says how it was made.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes.  By default a new 10 x 5 inch figure with a
        constrained layout is made with ``matplotlib.pyplot``.
    **overrides
        Configuration fields to change, as in :func:`score`.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn into.  The stability lines carry the dyad as their
        label, the event markers (one scatter collection per category) the
        category; every artist added has a ``gid``: ``"stability"``,
        ``"neutral"``, ``"events"``, ``"annotation"``, ``"band"``,
        ``"changepoint"``, ``"unmonitored"``, ``"low_information"``,
        ``"grade"`` or ``"provenance"`` (the settings line), so it can be
        restyled.  The title is ``ax.get_title(loc="left")``.

    Raises
    ------
    MissingDependencyError
        If matplotlib is not installed (``pip install "tensionindex[plot]"``).
    InvalidParameterError
        For a bad ``annotate``, ``dyads``, date, ``bands``, ``changepoints``
        or ``ax``, ``grades=True`` with a normalization other than
        ``"logistic"``, or an index result given instead of events.
    EventValidationError
        For an unknown dyad (with suggestions), nothing to draw, a ``bands``
        or ``changepoints`` frame without the columns it needs or with
        unreadable dates, or invalid raw events.
    ConfigurationError
        For an unknown configuration override.

    See Also
    --------
    score : the events scored once, for this chart and every other query.
    ScoredEvents.explain : the events behind one value, and their contributions.
    sensitivity : the bands.
    changepoints : the change points.

    Notes
    -----
    The legends sit outside the Axes, on the right, so that they never hide
    data, in two columns when one would be taller than the Axes; a
    constrained layout (the default for a new figure) or
    ``savefig(..., bbox_inches="tight")`` keeps them on the page.  Date
    ticks follow the span drawn, down to one a day: never hours.  Nothing
    global is changed: no backend is selected, no ``rcParams`` are set and
    ``pyplot.show()`` is not called.

    A low-information stretch (the decayed number of events behind the value
    below the configuration's ``min_information``) is drawn under a white
    veil, in a faded colour: the dyad is quiet there, which is not the same
    as calm.  The stretch covers each such day and half a day on either
    side; ``min_information=0`` as an override draws every line in full.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import tensionindex as ti
    >>> scored = ti.score(ti.load_example("us-china-2024"))
    >>> ax = ti.plot_index(scored, dyads=["CHN-PHL", "CHN-USA"], start="2023-01-01", annotate=3)
    >>> [line.get_label() for line in ax.lines if line.get_gid() == "stability"]
    ['CHN-PHL', 'CHN-USA']
    >>> [" ".join(t.get_text().splitlines()) for t in ax.texts if t.get_gid() == "annotation"]
    ['physical assault 17 Jun 2024', 'water cannon 5 Mar 2024', 'water cannon 23 Mar 2024']
    >>> ax.get_title(loc="left")
    'CHN-PHL, CHN-USA: stability, 1 Jan 2023 to 21 Jul 2024'
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "provenance"]
    ['goldstein weights, half-life 30 days, scale 10 · fingerprint ...']
    >>> ax.figure.savefig("chart.png", dpi=120)  # doctest: +SKIP
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    require("matplotlib", extra="plot", feature="plot_index()")
    import matplotlib.axes

    if ax is not None and not isinstance(ax, matplotlib.axes.Axes):
        raise invalid(
            "plot_index",
            "ax",
            "a matplotlib Axes or None (make one with fig, ax = matplotlib.pyplot.subplots())",
            ax,
        )
    if (
        isinstance(scored, pd.DataFrame)
        and "stability" in scored.columns
        and "actor1" not in scored.columns
    ):
        error = invalid(
            "plot_index", "scored", "events scored with score(events), or events", scored
        )
        raise InvalidParameterError(
            f"{error} It looks like an index result: pass the events it was computed from "
            "(plot_index reads the index from them)."
        )
    if grades and normalize != "logistic":
        raise InvalidParameterError(
            "The 'grades' parameter of plot_index names bands of the logistic stability "
            f"(0 to 100). Got grades=True with normalize={normalize!r}; use "
            "normalize='logistic' or leave grades off."
        )
    data = as_scored(scored, config, overrides)
    # Everything is computed before the first matplotlib call, so that a bad
    # input leaves no half-drawn chart (and the preparation can be timed alone).
    chart = _prepare(
        data,
        dyads=dyads,
        start=start,
        end=end,
        normalize=normalize,
        baseline=baseline,
        bands=bands,
        changepoints=changepoints,
        annotate=annotate,
    )
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(10, 5), layout="constrained")
    colors = {d: _LINE_COLORS[i % len(_LINE_COLORS)] for i, d in enumerate(chart.labels)}
    handles: list[Any] = []
    if chart.covered is not None:
        handles += _draw_unmonitored(ax, chart.dates, chart.covered)
    if chart.bands is not None:
        handles += _draw_bands(ax, chart.bands, colors)
    handles += _draw_lines(ax, chart, colors)
    if chart.low_information is not None:
        handles += _draw_low_information(ax, chart)
    if chart.changepoints is not None:
        handles += _draw_changepoints(ax, chart.changepoints, colors)
    category_handles = _draw_events(ax, chart.marked)
    _style_axes(ax, chart.dates, chart.scale)
    _draw_titles(ax, chart.title if title is None else title, chart.provenance)
    if grades:
        _draw_grades(ax, data.config.grades)
    _draw_legends(ax, handles, category_handles)
    _refit_date_ticks([ax], chart.dates)
    if len(chart.annotated):
        _annotate(ax, chart.marked, chart.annotated, chart.texts)
    return ax


_PARTS_PARAMETERS: dict[str, list[Any]] = {**RANGE}


@validate_params(_PARTS_PARAMETERS, name="plot_parts")
def plot_parts(
    scored: ScoredEvents | pd.DataFrame | Sequence[Mapping[str, Any]],
    config: IndexConfig | None = None,
    *,
    dyads: Sequence[str] | str | None = None,
    start: DateLike | None = None,
    end: DateLike | None = None,
    ax: Axes | Sequence[Axes] | None = None,
    **overrides: Any,
) -> list[Axes]:
    """Draw the conflict and cooperation parts of each dyad's tension, one panel per dyad.

    In each panel the conflict part (events that raise tension) is filled
    above zero and the cooperation part (events that lower it) below, from
    :func:`tension_parts`; the tension, their sum, is the dark line between
    them.  Stretches with too few events behind the value (the index's
    ``low_information``) and days the source was not collecting are shaded.

    Parameters
    ----------
    scored : ScoredEvents, pandas.DataFrame or list of dict
        Events scored once with :func:`score`; raw events are scored here.
    config : IndexConfig, optional
        Score under this configuration instead (see
        :meth:`ScoredEvents.with_config`).
    dyads : str or list of str, optional
        The dyads to draw, one panel each, in this order (any spelling
        :func:`score` accepts).  Default: every dyad, sorted.
    start, end : date-like, optional
        First and last day drawn (default: the first event of the dyads
        drawn, and the last event of all).
    ax : matplotlib.axes.Axes or sequence of Axes, optional
        Draw into these Axes, one per dyad (an Axes alone for one dyad).  By
        default a new figure with one panel per dyad, sharing the date axis,
        is made with ``matplotlib.pyplot``.
    **overrides
        Configuration fields to change, as in :func:`score`.

    Returns
    -------
    list of matplotlib.axes.Axes
        One per dyad, in the order drawn, each titled with its dyad (the
        first also with the settings and fingerprint, at its top right).  The
        artists carry a ``gid``: ``"conflict"`` and ``"cooperation"`` (the
        two fills), ``"tension"`` (the line), ``"zero"``,
        ``"low_information"`` and ``"unmonitored"`` (the shaded spans).

    Raises
    ------
    MissingDependencyError
        If matplotlib is not installed (``pip install "tensionindex[plot]"``).
    InvalidParameterError
        For a bad date or ``ax``.
    EventValidationError
        For an unknown dyad (with suggestions), nothing to draw, or invalid
        raw events.

    See Also
    --------
    tension_parts : the numbers drawn.
    plot_index : the stability index with the events behind it.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import tensionindex as ti
    >>> scored = ti.score(ti.load_example("us-china-2024"))
    >>> axes = ti.plot_parts(scored, dyads=["CHN-PHL", "CHN-USA"], start="2023-01-01")
    >>> [ax.get_title(loc="left") for ax in axes]
    ['CHN-PHL', 'CHN-USA']
    >>> axes[0].figure.savefig("parts.png", dpi=120)  # doctest: +SKIP
    >>> import matplotlib.pyplot as plt
    >>> plt.close(axes[0].figure)
    """
    require("matplotlib", extra="plot", feature="plot_parts()")
    import matplotlib.axes

    data = as_scored(scored, config, overrides)
    if dyads is None:
        labels = [str(label) for label in data.labels]
    else:
        wanted = [dyads] if isinstance(dyads, str) else list(dyads)
        labels = list(dict.fromkeys(data.label_of(d) for d in wanted))
    given: list[Any] | None = None
    if ax is not None:
        given = [ax] if isinstance(ax, matplotlib.axes.Axes) else _axes_list(ax)
        if len(given) != len(labels) or not all(
            isinstance(a, matplotlib.axes.Axes) for a in given
        ):
            raise invalid(
                "plot_parts",
                "ax",
                f"a matplotlib Axes per dyad drawn ({len(labels)}), or None",
                ax,
            )
    # Everything computed before the first matplotlib call.
    chosen = data.select(None if dyads is None else labels)
    start = _own_start(chosen, dyads, start, end)
    parts = tension_parts(chosen, start=start, end=end)
    found = chosen.index_grid(start=start, end=end)
    if found.grid.n_days == 0:
        raise EventValidationError(
            "There is nothing to plot: the events scored are empty. Were there any events "
            "for the dyads and dates asked for?"
        )
    rows = found.labels.get_indexer(pd.Index(labels, dtype=object))
    low = _low_information(chosen, found)
    covered = None
    if chosen.coverage is not None:
        days = found.grid.first_day + np.arange(found.grid.n_days)
        covered = np.isin(days, chosen.coverage.days)
    n_days = found.grid.n_days
    columns = {name: parts[name].to_numpy() for name in ("conflict", "cooperation", "tension")}
    provenance = _provenance(chosen)
    if given is None:
        import matplotlib.pyplot as plt

        _, grid_axes = plt.subplots(
            len(labels),
            1,
            figsize=(10, 1.0 + 2.2 * len(labels)),
            sharex=True,
            squeeze=False,
            layout="constrained",
        )
        given = list(grid_axes[:, 0])
    dates = found.grid.dates
    for panel, (label, row) in enumerate(zip(labels, rows, strict=True)):
        target = given[panel]
        cells = slice(row * n_days, (row + 1) * n_days)
        handles: list[Any] = []
        if covered is not None:
            handles += _draw_unmonitored(target, dates, covered)
        if low is not None:
            handles += _shade_low_information(target, dates, low[row])
        handles += _draw_parts(target, dates, {k: v[cells] for k, v in columns.items()})
        _date_axis(target, dates)
        target.set_title(label, loc="left", fontsize="medium")
        if panel == 0:
            target.set_title(provenance, loc="right", fontsize="x-small", color="0.4")
        target.set_ylabel("tension")
        target.grid(axis="y", color="0.92", linewidth=0.8)
        target.set_axisbelow(True)
        if panel == 0:
            target.legend(
                handles=handles,
                loc="upper left",
                bbox_to_anchor=(1.01, 1.0),
                borderaxespad=0.0,
                frameon=False,
                fontsize="small",
            )
    _refit_date_ticks(given, dates)
    return given


def _axes_list(value: object) -> list[Any]:
    """The items of ``value`` (a sequence or an array of Axes); ``[value]`` for anything else."""
    if isinstance(value, np.ndarray):
        return list(value.ravel())
    if isinstance(value, Sequence) and not isinstance(value, str):
        return list(value)
    return [value]


def _shade_low_information(ax: Any, dates: np.ndarray, flags: np.ndarray) -> list[Any]:
    """Shade runs of low-information days, each day and half a day on either side."""
    from matplotlib.patches import Patch

    if not flags.any():
        return []
    for first, stop in zip(*_runs(flags), strict=True):
        span = ax.axvspan(
            dates[first] - _HALF_DAY,
            dates[stop - 1] + _HALF_DAY,
            facecolor=_LOW_INFORMATION,
            edgecolor="none",
            zorder=0,
        )
        span.set_gid("low_information")
    return [Patch(facecolor=_LOW_INFORMATION, edgecolor="0.8", label=_LOW_INFORMATION_LABEL)]


def _draw_parts(ax: Any, dates: np.ndarray, values: dict[str, np.ndarray]) -> list[Any]:
    """The two parts as fills from zero, the tension as a line; the legend handles."""
    handles = []
    for name in ("conflict", "cooperation"):
        handles.append(
            ax.fill_between(
                dates,
                0.0,
                values[name],
                facecolor=PART_COLORS[name],
                alpha=0.55,
                linewidth=0,
                zorder=1,
                label=f"{name} part",
                gid=name,
            )
        )
    (line,) = ax.plot(
        dates, values["tension"], color="#222222", linewidth=1.2, zorder=2, label="tension"
    )
    line.set_gid("tension")
    zero = ax.axhline(0.0, color="0.45", linewidth=0.8, zorder=1.5)
    zero.set_gid("zero")
    return [*handles, line]


def _prepare(
    scored: ScoredEvents,
    *,
    dyads: Sequence[str] | str | None,
    start: DateLike | None,
    end: DateLike | None,
    normalize: Normalize,
    baseline: int,
    bands: pd.DataFrame | None,
    changepoints: pd.DataFrame | None,
    annotate: int,
) -> _Chart:
    """The data of the chart: series, markers, annotations, bands and change points."""
    if dyads is None:
        labels = [str(label) for label in scored.labels]
    else:
        wanted = [dyads] if isinstance(dyads, str) else list(dyads)
        labels = list(dict.fromkeys(scored.label_of(d) for d in wanted))
    chosen = scored.select(None if dyads is None else labels)
    start = _own_start(chosen, dyads, start, end)
    found = chosen.index_grid(start=start, end=end, normalize=normalize, baseline=baseline)
    if found.grid.n_days == 0:
        raise EventValidationError(
            "There is nothing to plot: the events scored are empty. Were there any events "
            "for the dyads and dates asked for?"
        )
    rows = found.labels.get_indexer(pd.Index(labels, dtype=object))
    stability = {label: found.stability[row] for label, row in zip(labels, rows, strict=True)}
    low = _low_information(chosen, found)
    low_information = (
        None
        if low is None
        else {label: low[row] for label, row in zip(labels, rows, strict=True)}
    )
    covered = None
    if chosen.coverage is not None:
        days = found.grid.first_day + np.arange(found.grid.n_days)
        covered = np.isin(days, chosen.coverage.days)
    marked = _mark_events(chosen, found)
    annotated = _largest(marked, annotate)
    return _Chart(
        labels=labels,
        dates=found.grid.dates,
        stability=stability,
        low_information=low_information,
        covered=covered,
        marked=marked,
        annotated=annotated,
        texts=_annotation_texts(chosen, marked.event[annotated]),
        scale=_Scale.of(normalize),
        bands=None if bands is None else _check_bands(bands, labels),
        changepoints=None if changepoints is None else _check_changepoints(changepoints, labels),
        title=_title(labels, found.grid.dates, normalize),
        provenance=_provenance(chosen),
    )


def _own_start(
    chosen: ScoredEvents,
    dyads: Sequence[str] | str | None,
    start: DateLike | None,
    end: DateLike | None,
) -> DateLike | None:
    """``start``, or when dyads are picked and no start is given, their first event's day.

    The grid of :class:`ScoredEvents` starts at the first event of all the
    events scored (so that a dyad's values do not depend on the others asked
    for); a chart of a few dyads starts where their own events do, unless
    ``end`` comes before that.
    """
    if start is not None or dyads is None or len(chosen.day) == 0:
        return start
    first = int(chosen.day_range[0])
    last = None if end is None else parse_day(end)
    if last is not None and last < first:
        return None
    return np.datetime64(first, "D")


def _when(day: np.datetime64) -> str:
    stamp = pd.Timestamp(day)
    return f"{stamp.day} {stamp:%b %Y}"


def _title(labels: list[str], dates: np.ndarray, normalize: Normalize) -> str:
    """The default title: the dyads (their number, beyond three) and the days drawn."""
    who = ", ".join(labels) if len(labels) <= 3 else f"{len(labels)} dyads"
    what = {"zscore": "stability (z-score)", "percentile": "stability (percentile)"}.get(
        normalize, "stability"
    )
    if not len(dates):
        return f"{who}: {what}"
    first, last = _when(dates[0]), _when(dates[-1])
    return f"{who}: {what}, {first}" + ("" if first == last else f" to {last}")


def _provenance(scored: ScoredEvents) -> str:
    """The settings that shape the lines and the fingerprint that pins them."""
    return f"{settings_summary(scored.config, scored.scale)} · fingerprint {scored.fingerprint}"


def _draw_titles(ax: Any, title: str, provenance: str) -> None:
    """The title at the top left, and under it, just above the Axes, the settings line.

    The settings line breaks before the fingerprint when it would run past
    the figure's right edge (its width estimated from the font size: any
    backend).
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.transforms import offset_copy

    small = FontProperties(size="x-small").get_size_in_points()
    figure = ax.figure.figure
    room = (figure.bbox.x1 - ax.get_window_extent().x0) * 72.0 / figure.dpi
    if 0.55 * small * len(provenance) > room:
        provenance = provenance.replace(" · ", "\n")
    lines = provenance.count("\n") + 1
    # Points, not Axes fractions: the line keeps its place however the figure is sized.
    above = offset_copy(ax.transAxes, fig=ax.figure, y=4.0, units="points")
    ax.text(
        0.0,
        1.0,
        provenance,
        transform=above,
        ha="left",
        va="bottom",
        fontsize="x-small",
        color="0.4",
        gid="provenance",
        # The title above it keeps its room in a layout; a long line must not squeeze
        # the Axes sideways.
        in_layout=False,
    )
    if title:
        ax.set_title(title, loc="left", fontsize="medium", pad=8.0 + 1.3 * small * lines)


def _low_information(scored: ScoredEvents, found: IndexGrid) -> np.ndarray | None:
    """Per dyad and day, whether the value is low-information; None if the index has no such flag.

    The same test as the ``low_information`` column of :meth:`ScoredEvents.index`
    (information below ``min_information``), read from the grid the chart draws.
    """
    # Only an index that reports its information (and a configuration with a
    # threshold) has low-information stretches to show.
    information = getattr(found, "information", None)
    threshold = getattr(scored.config, "min_information", None)
    if information is None or threshold is None:
        return None
    return np.asarray(information < threshold, dtype=bool)


def _runs(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and one-past-last positions of each run of True in ``flags``."""
    edges = np.diff(np.concatenate(([0], flags.astype(np.int8), [0])))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def _stretches(
    dates: np.ndarray, values: np.ndarray, flags: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The path of ``values`` over the runs of ``flags``, half a day beyond each end.

    Runs are separated by NaN, so that one line draws them all; inside the
    grid the half-day ends sit halfway to the neighbouring value.
    """
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    for first, stop in zip(*_runs(flags), strict=True):
        x = list(dates[first:stop])
        y = list(values[first:stop])
        if first > 0:
            x.insert(0, dates[first] - _HALF_DAY)
            y.insert(0, (values[first - 1] + values[first]) / 2)
        if stop < len(values):
            x.append(dates[stop - 1] + _HALF_DAY)
            y.append((values[stop - 1] + values[stop]) / 2)
        xs.append(np.array([*x, x[-1]], dtype="datetime64[ns]"))
        ys.append(np.array([*y, np.nan], dtype=float))
    if not xs:
        return np.array([], dtype="datetime64[ns]"), np.array([], dtype=float)
    return np.concatenate(xs), np.concatenate(ys)


def _draw_low_information(ax: Any, chart: _Chart) -> list[Any]:
    """Fade each line where too few events stand behind it; one legend entry."""
    from matplotlib.lines import Line2D

    if chart.low_information is None or not any(f.any() for f in chart.low_information.values()):
        return []
    for dyad, flags in chart.low_information.items():
        if not flags.any():
            continue
        x, y = _stretches(chart.dates, chart.stability[dyad], flags)
        ax.plot(x, y, zorder=2.1, gid="low_information", label="_" + dyad, **_VEIL)
    return [Line2D([], [], color="0.75", linewidth=1.6, label=_LOW_INFORMATION_LABEL)]


def _mark_events(scored: ScoredEvents, found: IndexGrid) -> _Marked:
    """The events within the grid's days, placed on their dyad's line."""
    first, n_days = found.grid.first_day, found.grid.n_days
    column = scored.day - first
    lo, hi = scored.day_range
    if len(column) and (lo < first or hi >= first + n_days):
        event = np.flatnonzero((column >= 0) & (column < n_days))
        column, dyad, code = column[event], scored.dyad[event], scored.type_code[event]
        signal = scored.signal[event]
    else:  # every event is on the grid (no start or end given): no copies
        event = np.arange(len(column))
        dyad, code, signal = scored.dyad, scored.type_code, scored.signal
    # On the day it happened an event adds s_i * g_i * K(0): each category's kernel says K(0).
    kernels, per_type = scored.kernels()
    at_zero = np.array([float(k.weight(np.zeros(1))[0]) for k in kernels], dtype=float)
    contribution = signal if (at_zero == 1.0).all() else signal * at_zero[per_type[code]]
    # Categories as small integer codes: comparing object arrays of 10^5 names is slow.
    categories, category_of_type = np.unique(
        np.asarray(scored.type_category, dtype=str), return_inverse=True
    )
    flat = found.stability.reshape(-1)  # a view: one gather instead of a 2-D one
    return _Marked(
        dyad=dyad,
        date=((first + column) * _NS_PER_DAY).view("datetime64[ns]"),
        stability=flat[dyad * n_days + column],
        category=category_of_type.reshape(-1)[code],
        categories=tuple(str(c) for c in categories),
        contribution=contribution,
        event=event,
    )


def _largest(marked: _Marked, count: int) -> np.ndarray:
    """Positions of the ``count`` largest absolute contributions, largest first.

    Ties go to the earlier date, then to the dyad first in sorted order, then
    to the event first in the data.
    """
    size = np.abs(marked.contribution)
    n = len(size)
    if count == 0 or n == 0:
        return np.zeros(0, dtype=np.intp)
    if count < n:  # sort only the candidates: those at least as large as the count-th
        threshold = np.partition(size, n - count)[n - count]
        candidates = np.flatnonzero(size >= threshold)
    else:
        candidates = np.arange(n)
    order = np.lexsort(
        (
            marked.event[candidates],
            marked.dyad[candidates],
            marked.date[candidates],
            -size[candidates],
        )
    )
    return np.asarray(candidates[order][:count], dtype=np.intp)


def _annotation_texts(scored: ScoredEvents, events: np.ndarray) -> list[str]:
    """The labels of the events at positions ``events`` of ``scored``."""
    if not len(events):
        return []
    types = scored.events["event_type"].cat.categories
    names = [str(types[code]) for code in scored.type_code[events]]
    catalogue = scored.config.resolve(names).label
    dates = scored.day[events].astype("datetime64[D]")
    return [
        _annotation_text(name, str(label), pd.Timestamp(date))
        for name, label, date in zip(names, catalogue, dates, strict=True)
    ]


def _draw_unmonitored(ax: Any, dates: np.ndarray, covered: np.ndarray) -> list[Any]:
    """Shade runs of days on which the source was not collecting."""
    from matplotlib.patches import Patch

    if covered.all():
        return []
    for start, stop in zip(*_runs(~covered), strict=True):
        span = ax.axvspan(
            dates[start] - _HALF_DAY,
            dates[stop - 1] + _HALF_DAY,
            facecolor=_UNMONITORED,
            edgecolor="none",
            zorder=0,
        )
        span.set_gid("unmonitored")
    return [Patch(facecolor=_UNMONITORED, edgecolor="none", label="unmonitored, not calm")]


def _draw_bands(ax: Any, bands: pd.DataFrame, colors: dict[str, str]) -> list[Any]:
    """Shade the lowest to the highest quantile of each dyad's band."""
    from matplotlib.patches import Patch

    low, high = _band_columns(bands)
    for dyad, part in bands.groupby("dyad", sort=False):
        part = part.sort_values("date")
        ax.fill_between(
            part["date"].to_numpy(),
            part[low].to_numpy(float),
            part[high].to_numpy(float),
            color=colors[str(dyad)],
            alpha=0.18,
            linewidth=0,
            zorder=1,
            gid="band",
        )
    label = f"{_quantile_text(low)}–{_quantile_text(high)} band"
    return [Patch(facecolor="0.6", alpha=0.35, edgecolor="none", label=label)]


@dataclass(frozen=True)
class _Scale:
    """What the stability column holds, from ``normalize=`` of the result."""

    neutral: float
    neutral_label: str
    limits: tuple[float, float] | None
    ylabel: str

    @staticmethod
    def of(how: Normalize) -> _Scale:
        if how == "zscore":
            return _Scale(
                0.0, "own baseline (0)", None, "stability (z-score against the dyad's own baseline)"
            )
        if how == "percentile":
            return _Scale(
                50.0,
                "median day (50)",
                (0.0, 100.0),
                "stability (percentile of the dyad's own history)",
            )
        return _Scale(
            50.0, "neutral (50)", (0.0, 100.0), "stability (0 tense, 50 neutral, 100 stable)"
        )


def _draw_lines(ax: Any, chart: _Chart, colors: dict[str, str]) -> list[Any]:
    handles = []
    for dyad, values in chart.stability.items():
        (line,) = ax.plot(
            chart.dates,
            values,
            color=colors[dyad],
            linewidth=1.6,
            label=dyad,
            zorder=2,
            gid="stability",
        )
        handles.append(line)
    neutral = ax.axhline(
        chart.scale.neutral,
        color="0.45",
        linestyle="--",
        linewidth=0.9,
        zorder=1.5,
        label=chart.scale.neutral_label,
    )
    neutral.set_gid("neutral")
    return [*handles, neutral]


def _draw_changepoints(ax: Any, changes: pd.DataFrame, colors: dict[str, str]) -> list[Any]:
    from matplotlib.lines import Line2D

    if not len(changes):
        return []
    for date, dyad in zip(changes["date"], changes["dyad"], strict=True):
        vline = ax.axvline(
            np.datetime64(date, "ns"),
            color=colors.get(str(dyad), "0.3"),
            linestyle=":",
            linewidth=1.4,
            zorder=1.8,
        )
        vline.set_gid("changepoint")
    return [Line2D([], [], color="0.3", linestyle=":", linewidth=1.4, label="change point")]


def _draw_events(ax: Any, marked: _Marked) -> list[Any]:
    """One scatter collection per category, markers on the dyad's line."""
    handles = []
    present = np.bincount(marked.category, minlength=len(marked.categories)) > 0
    codes = {name: k for k, name in enumerate(marked.categories)}
    for category in _category_order([c for k, c in enumerate(marked.categories) if present[k]]):
        keep = marked.category == codes[category]
        handles.append(
            ax.scatter(
                marked.date[keep],
                marked.stability[keep],
                s=34,
                color=_category_color(category),
                edgecolors="white",
                linewidths=0.6,
                zorder=3,
                clip_on=False,  # a marker at 0 or 100 stays whole
                label=category.replace("_", " "),
                gid="events",
            )
        )
    return handles


def _style_axes(ax: Any, dates: np.ndarray, scale: _Scale) -> None:
    if scale.limits is not None:
        ax.set_ylim(*scale.limits)
    _date_axis(ax, dates)
    ax.set_ylabel(scale.ylabel)
    ax.grid(axis="y", color="0.92", linewidth=0.8)
    ax.set_axisbelow(True)


#: Spans of at most this many days get a tick every day (matplotlib's automatic
#: locator would tick hours on a chart of a few days).
_DAILY_TICKS_UP_TO = 10


#: Room a date tick label takes, in points: ConciseDateFormatter's labels ("2024",
#: "Mar", "15") at the default tick font, and a gap.
_TICK_ROOM = 40.0


def _date_axis(ax: Any, dates: np.ndarray) -> None:
    """The x limits and date ticks of a chart of ``dates``: one a day at the finest.

    As many ticks as fit the Axes' current width without their labels
    touching; call again once a layout has set the final width.
    """
    mdates = _dates_module()

    first, last = pd.Timestamp(dates[0]), pd.Timestamp(dates[-1])
    if first == last:  # one day: show it in the middle of three
        first, last = first - pd.Timedelta(days=1), last + pd.Timedelta(days=1)
    ax.set_xlim(first, last)
    width = ax.get_window_extent().width * 72.0 / ax.figure.figure.dpi
    fit = max(3, int(width // _TICK_ROOM))
    days = (last - first).days
    if days <= _DAILY_TICKS_UP_TO:
        locator = mdates.DayLocator(interval=max(1, -(-(days + 1) // fit)))
    else:
        # Fewer ticks than matplotlib's default minimum (5) on a narrow Axes: let it
        # fall back to coarser units rather than fail to find an interval.
        locator = mdates.AutoDateLocator(
            minticks=max(1, min(5, fit - 2)), maxticks=fit if fit < 11 else None
        )
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _refit_date_ticks(axes: Sequence[Any], dates: np.ndarray) -> None:
    """Lay the figure out (if it has a layout engine), then fit the ticks to the final width."""
    figure = axes[0].figure.figure
    if figure.get_layout_engine() is None:
        return
    figure.draw_without_rendering()
    for ax in axes:
        _date_axis(ax, dates)


def _draw_grades(ax: Any, bands: Mapping[str, float]) -> None:
    """Faint lines at the bands' lower bounds, each band's name at the left edge."""
    bounds = [*bands.values(), 100.0]
    across = ax.get_yaxis_transform()  # x in Axes fractions, y in data
    for name, low, high in zip(bands, bounds[:-1], bounds[1:], strict=True):
        if low > 0:
            ax.axhline(low, color="0.8", linewidth=0.6, zorder=0.5, gid="grade")
        ax.text(
            0.005,
            (low + high) / 2,
            name,
            transform=across,
            fontsize="x-small",
            color="0.55",
            va="center",
            ha="left",
            gid="grade",
        )


# Height of a legend row in font sizes: the text and matplotlib's default label spacing.
_LEGEND_ROW = 1.6
# Share of the Axes' height left to the legends once a layout has fitted titles and ticks.
_LEGEND_ROOM = 0.85


def _legend_columns(ax: Any, n_series: int, n_categories: int) -> tuple[int, int]:
    """Columns of the series and the category legend, so that together they fit the Axes.

    Heights are estimated from the font size (no renderer needed): one column
    each while both fit, then two for the categories, then two for both.
    """
    from matplotlib.font_manager import FontProperties

    row = _LEGEND_ROW * FontProperties(size="small").get_size_in_points()
    room = _LEGEND_ROOM * ax.get_window_extent().height * 72.0 / ax.figure.figure.dpi

    def height(series_columns: int, category_columns: int) -> float:
        categories = -(-n_categories // category_columns) + 1 if n_categories else 0
        return row * (-(-n_series // series_columns) + categories + 1)

    for columns in ((1, 1), (1, 2), (2, 2)):
        if height(*columns) <= room:
            return columns
    return 2, 3


def _draw_legends(ax: Any, handles: list[Any], category_handles: list[Any]) -> None:
    """Series legend top right and category legend bottom right, both outside the data."""
    common: dict[str, Any] = {"borderaxespad": 0.0, "frameon": False, "fontsize": "small"}
    series_columns, category_columns = _legend_columns(ax, len(handles), len(category_handles))
    legend = ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        ncols=series_columns,
        **common,
    )
    if category_handles:
        ax.add_artist(legend)  # a second legend() call would replace it
        # add_artist clips to the Axes, which would hide the legend from the layout engine.
        legend.set_clip_on(False)
        ax.legend(
            handles=category_handles,
            title="event category",
            title_fontsize="small",
            loc="lower left",
            bbox_to_anchor=(1.01, 0.0),
            alignment="left",
            ncols=category_columns,
            **common,
        )


def _dates_module() -> Any:
    """``matplotlib.dates``, typed as Any: the module has no type hints."""
    import matplotlib.dates

    return matplotlib.dates


def _dates(values: pd.Series, column: str, frame_name: str) -> np.ndarray:
    try:
        parsed = pd.to_datetime(values)
    except (ValueError, TypeError):
        parsed = pd.to_datetime(values, errors="coerce")
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    bad = np.flatnonzero(pd.isna(parsed).to_numpy())
    if len(bad):
        raise EventValidationError(
            f"The {column!r} column of {frame_name} must hold dates such as '2024-04-16'; "
            f"row {bad[0]} holds {values.iloc[bad[0]]!r}."
        )
    return np.asarray(parsed.dt.normalize().to_numpy(), dtype="datetime64[ns]")


def _dyad_column(frame: pd.DataFrame, name: str, chosen: list[str]) -> np.ndarray:
    """The dyad of each row, or the one dyad drawn when the frame has no ``dyad`` column."""
    if "dyad" in frame.columns:
        return frame["dyad"].astype(str).to_numpy(object)
    if len(chosen) == 1:
        return np.full(len(frame), chosen[0], dtype=object)
    raise EventValidationError(
        f"{name} has no 'dyad' column, but {len(chosen)} dyads are drawn: add a 'dyad' column "
        "or draw one dyad with dyads=."
    )


# Quantile columns as sensitivity() names them: the percentile, "_" for its decimals.
_BAND_COLUMN = re.compile(r"^stability_q(\d+)(?:_(\d+))?$")


def _band_percent(name: object) -> float | None:
    """5.0 for "stability_q05", 2.5 for "stability_q02_5", 100.0 for "stability_q100"."""
    match = _BAND_COLUMN.match(name) if isinstance(name, str) else None
    if match is None:
        return None
    return float(f"{match[1]}.{match[2] or 0}")


def _band_columns(frame: pd.DataFrame) -> tuple[str, str]:
    """The lowest and the highest quantile column."""
    percents = {str(c): _band_percent(c) for c in frame.columns}
    names = sorted(
        (c for c, p in percents.items() if p is not None), key=lambda c: percents[c] or 0
    )
    return names[0], names[-1]


def _quantile_text(name: str) -> str:
    return f"{_band_percent(name):g}%"


def _check_bands(frame: pd.DataFrame, chosen: list[str]) -> pd.DataFrame:
    quantiles = [c for c in frame.columns if _band_percent(c) is not None]
    if "date" not in frame.columns or len(quantiles) < 2:
        raise EventValidationError(
            "bands needs a 'date' column and two or more stability quantile columns such as "
            "stability_q05 and stability_q95 (as sensitivity() returns; the lowest and the "
            f"highest are shaded). Got columns: {', '.join(map(str, frame.columns))}."
        )
    out = pd.DataFrame({"dyad": _dyad_column(frame, "bands", chosen)})
    out["date"] = _dates(frame["date"], "date", "bands")
    for column in quantiles:
        out[column] = pd.to_numeric(frame[column], errors="coerce").to_numpy(float)
    return out[out["dyad"].isin(chosen)].reset_index(drop=True)


def _check_changepoints(frame: pd.DataFrame, chosen: list[str]) -> pd.DataFrame:
    if "date" not in frame.columns:
        raise EventValidationError(
            "changepoints needs a 'date' column (and optionally 'dyad'). Got columns: "
            f"{', '.join(map(str, frame.columns))}."
        )
    if "dyad" in frame.columns:
        dyad = frame["dyad"].astype(str).to_numpy(object)
    else:  # change points of no particular dyad: drawn in grey
        dyad = np.full(len(frame), "", dtype=object)
    out = pd.DataFrame({"dyad": dyad, "date": _dates(frame["date"], "date", "changepoints")})
    return out[(out["dyad"] == "") | out["dyad"].isin(chosen)].reset_index(drop=True)


def _annotation_text(event_type: str, label: str, date: pd.Timestamp) -> str:
    """Short text: the analyst type's key in words, else the catalogue label; then the date."""
    words = event_words(event_type, label, _MAX_LABEL)
    return f"{words}\n{pd.Timestamp(date):%d %b %Y}".replace("\n0", "\n")


def _category_order(categories: Sequence[str]) -> list[str]:
    present = set(categories)
    builtin = [c for c in CATEGORIES if c in present]
    return builtin + sorted(present - set(CATEGORIES))


def _category_color(category: str) -> str:
    if category in CATEGORY_COLORS:
        return CATEGORY_COLORS[category]
    # A stable colour per custom category name, whatever else is drawn.
    index = sum(category.encode()) % len(_EXTRA_CATEGORY_COLORS)
    return _EXTRA_CATEGORY_COLORS[index]


# Weights of the placement cost of an annotation (units: points and square points).
_COST_OUTSIDE = 10.0  # per square point of text outside the Axes
_COST_ON_TEXT = 20.0  # per square point over an earlier text
_COST_ON_MARKER = 2.0  # per square point over an annotated marker
_COST_ON_LINE = 8.0  # per 3-point stretch of a stability line under the text
_COST_DISTANCE = 2.0  # per point between the marker and the text
_COST_SIDEWAYS = 40.0  # per text width shifted sideways
_COST_OTHER_SIDE = 40.0  # for going to the less natural side (below a low point)
_COST_CROSSING = 2000.0  # per leader line crossed
_COST_THROUGH_TEXT = 600.0  # per earlier text the leader line runs through
_TOUCHING = 1.0  # square points two texts may share: their rounded corners touching
_BOX_PAD = 0.2  # padding of a label's box, in font sizes
_STEPS = (14.0, 30.0, 46.0, 62.0, 78.0, 94.0, 110.0, 126.0)  # points from the marker
_SHIFTS = (0.0, 0.35, -0.35, 0.7, -0.7)  # text widths sideways


def _annotate(ax: Any, marked: _Marked, order: np.ndarray, texts: list[str]) -> None:
    """Label the events at positions ``order`` of ``marked``, each where it hides least.

    Placement is greedy, in points from the Axes' corner, in the given order
    (the largest contribution first); each text tries positions above and below
    its marker, further out and sideways, and takes the cheapest by the
    ``_COST_*`` weights (overlapping texts and crossing leader lines cost
    most).  Texts are offset in points from their marker, so they stay
    attached however the figure is resized; the search uses the current
    layout, which is run first when the figure has a layout engine.
    """
    mdates = _dates_module()
    from matplotlib.font_manager import FontProperties

    figure = ax.figure.figure  # the root figure, also when ax is in a subfigure
    if figure.get_layout_engine() is not None:
        # The legends take room: place the texts on the final geometry.
        figure.draw_without_rendering()
    scale = 72.0 / figure.dpi  # display pixels -> points
    box = ax.get_window_extent()
    width, height = box.width * scale, box.height * scale

    def to_points(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        xy = ax.transData.transform(np.column_stack([x, y]))
        return np.asarray((xy - [box.x0, box.y0]) * scale, dtype=float)

    anchors = to_points(mdates.date2num(marked.date[order]), marked.stability[order])
    fontsize = FontProperties(size="x-small").get_size_in_points()
    scene = _Scene(
        width=width,
        height=height,
        curve=_line_points(ax, to_points),
        markers=np.column_stack([anchors - 4, anchors + 4]),
    )
    for (px, py), i, text in zip(anchors, order, texts, strict=True):
        if not (math.isfinite(px) and math.isfinite(py)):
            continue
        lines = text.splitlines()
        # Text size estimated from the font size: no renderer needed, any backend.
        w = max(len(line) for line in lines) * fontsize * 0.55 + 6
        h = len(lines) * fontsize * 1.25 + 4
        placed = scene.place(px, py, w, h, up_first=bool(marked.stability[i] < 60))
        if placed is None:  # no free place near its marker: left out rather than piled up
            continue
        rect, up = placed
        # The text is aligned to its anchor and its box's padding lies beyond: anchor it
        # the padding inside the rectangle, so that the drawn box is the one placed.
        pad = _BOX_PAD * fontsize
        cx, cy = (rect[0] + rect[2]) / 2, rect[1] + pad if up else rect[3] - pad
        ax.annotate(
            text,
            xy=(marked.date[i], marked.stability[i]),
            xytext=(cx - px, cy - py),
            textcoords="offset points",
            ha="center",
            va="bottom" if up else "top",
            fontsize=fontsize,
            linespacing=1.1,
            color="0.15",
            bbox={
                "boxstyle": f"round,pad={_BOX_PAD}",
                "facecolor": "white",
                "edgecolor": "0.8",
                "linewidth": 0.5,
                "alpha": 0.9,
            },
            arrowprops={
                "arrowstyle": "-",
                "color": "0.4",
                "linewidth": 0.7,
                "shrinkA": 0,
                "shrinkB": 3,
            },
            zorder=4,
            gid="annotation",
            # Placed on the final layout: a label must not move the Axes it was placed in.
            in_layout=False,
        )


@dataclass
class _Scene:
    """What annotation texts must avoid, in points from the Axes' corner.

    Rectangles and segments are rows ``(x0, y0, x1, y1)``.
    """

    width: float
    height: float
    curve: np.ndarray  # (n, 2) points along the stability lines
    markers: np.ndarray  # (n, 4) boxes around the annotated markers
    texts: np.ndarray = dataclasses.field(default_factory=lambda: np.empty((0, 4)))
    leaders: np.ndarray = dataclasses.field(default_factory=lambda: np.empty((0, 4)))

    def place(
        self, px: float, py: float, w: float, h: float, *, up_first: bool
    ) -> tuple[np.ndarray, bool] | None:
        """The cheapest box of size w x h for the marker at (px, py), and whether it is above.

        None when every candidate box overlaps a text placed before or leaves
        the Axes: labels never pile up.
        """
        step, shift, natural = (
            g.ravel() for g in np.meshgrid(_STEPS, _SHIFTS, [True, False], indexing="ij")
        )
        up = natural == up_first
        cx = np.minimum(np.maximum(px + shift * w, w / 2), self.width - w / 2)
        bottom = np.where(up, py + step, py - step - h)
        rects = np.column_stack([cx - w / 2, bottom, cx + w / 2, bottom + h])
        leaders = np.column_stack(
            [np.full_like(cx, px), np.full_like(cx, py), cx, np.where(up, bottom, bottom + h)]
        )
        frame = np.array([[0.0, 0.0, self.width, self.height]])
        # Only the curve points inside some candidate box can count: filter them
        # first, so that a chart of many long lines stays fast.
        x, y = self.curve[:, 0], self.curve[:, 1]
        low, high = rects.min(axis=0), rects.max(axis=0)
        near = self.curve[(x > low[0]) & (x < high[2]) & (y > low[1]) & (y < high[3])]
        on_line = (
            (near[:, 0] > rects[:, :1])
            & (near[:, 0] < rects[:, 2:3])
            & (near[:, 1] > rects[:, 1:2])
            & (near[:, 1] < rects[:, 3:4])
        ).sum(axis=1)
        on_text = _overlaps(rects, self.texts).sum(axis=1)
        outside = w * h - _overlaps(rects, frame)[:, 0]
        cost = (
            _COST_OUTSIDE * outside
            + _COST_ON_TEXT * on_text
            + _COST_ON_MARKER * _overlaps(rects, self.markers).sum(axis=1)
            + _COST_ON_LINE * on_line
            + _COST_DISTANCE * step
            + _COST_SIDEWAYS * np.abs(shift)
            + _COST_OTHER_SIDE * ~natural
            + _COST_CROSSING * _crossings(leaders, self.leaders).sum(axis=1)
            + _COST_THROUGH_TEXT * _through(leaders, self.texts).sum(axis=1)
        )
        cost[(on_text > _TOUCHING) | (outside > _TOUCHING)] = np.inf
        if not np.isfinite(cost).any():
            return None
        best = int(np.argmin(cost))  # the first of equals: nearest, then natural side
        self.texts = np.vstack([self.texts, rects[best]])
        self.leaders = np.vstack([self.leaders, leaders[best]])
        return rects[best], bool(up[best])


def _line_points(ax: Any, to_points: Any) -> np.ndarray:
    """Points every 3 pt along the stability lines, vertical jumps included, in points."""
    mdates = _dates_module()

    out = [np.empty((0, 2))]
    for line in ax.lines:
        if line.get_gid() != "stability":
            continue
        x = mdates.date2num(np.asarray(line.get_xdata()))
        xy = to_points(x, np.asarray(line.get_ydata(), dtype=float))
        xy = xy[np.isfinite(xy).all(axis=1)]
        if len(xy) < 2:
            out.append(xy)
            continue
        length = np.concatenate(([0.0], np.cumsum(np.hypot(*np.diff(xy, axis=0).T))))
        at = np.arange(0.0, length[-1] + 3.0, 3.0)
        along = [np.interp(at, length, xy[:, 0]), np.interp(at, length, xy[:, 1])]
        out.append(np.column_stack(along))
    return np.concatenate(out)


def _overlaps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(n, m) areas shared by the rectangles a (n, 4) and b (m, 4)."""
    wide = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0])
    tall = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1])
    return np.asarray(np.clip(wide, 0.0, None) * np.clip(tall, 0.0, None), dtype=float)


def _crossings(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(n, m) whether segment a[i] crosses segment b[j] (segments sharing an end do not)."""

    def side(s: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        cross = (s[..., 2] - s[..., 0]) * (y - s[..., 1]) - (s[..., 3] - s[..., 1]) * (
            x - s[..., 0]
        )
        return np.asarray(cross, dtype=float)

    sa, sb = a[:, None, :], b[None, :, :]
    return np.asarray(
        (side(sa, sb[..., 0], sb[..., 1]) * side(sa, sb[..., 2], sb[..., 3]) < 0)
        & (side(sb, sa[..., 0], sa[..., 1]) * side(sb, sa[..., 2], sa[..., 3]) < 0)
    )


def _through(segments: np.ndarray, rects: np.ndarray) -> np.ndarray:
    """(n, m) whether segment i runs through rectangle j (sampled at 24 points)."""
    t = np.linspace(0.0, 1.0, 24)[None, :, None]
    s = segments[:, None, None, :]
    x = s[..., 0] + t * (s[..., 2] - s[..., 0])
    y = s[..., 1] + t * (s[..., 3] - s[..., 1])
    r = rects[None, None, :, :]
    inside = (x > r[..., 0]) & (x < r[..., 2]) & (y > r[..., 1]) & (y < r[..., 3])
    return np.asarray(inside.any(axis=1))
