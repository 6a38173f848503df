"""Charts of the index (matplotlib, the optional ``plot`` extra, imported only when drawing).

:func:`plot_index` draws what an analyst reads off a result: the stability of
each dyad against the neutral 50, the events behind it coloured by category,
the few that moved it most, sensitivity bands, change points and the days the
source was not collecting.  It draws what the library computes (the result
given, contributions from :func:`explain`), computes no index of its own, and
returns the matplotlib ``Axes`` so that a notebook can keep composing the chart.
"""

from __future__ import annotations

import dataclasses
import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tensionindex.catalogue import CATEGORIES
from tensionindex.config import IndexConfig, with_overrides
from tensionindex.dyads import parse_dyad
from tensionindex.events import validate_events
from tensionindex.exceptions import (
    ConfigurationError,
    EventValidationError,
    did_you_mean,
    require,
)
from tensionindex.index import explain

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["CATEGORY_COLORS", "plot_index"]

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

_RESULT_COLUMNS = ("dyad", "date", "stability")
_MAX_LABEL = 32  # characters of an annotation's first line
_UNMONITORED = "0.88"  # light grey


@dataclass(frozen=True)
class _Marked:
    """Events of the plotted dyads, one row each, ready to draw."""

    dyad: np.ndarray  # dyad label (object)
    date: np.ndarray  # datetime64[ns]
    stability: np.ndarray  # the dyad's stability that day: where the marker sits
    category: np.ndarray  # object
    contribution: np.ndarray  # to the tension on the day the event happened
    text: np.ndarray  # annotation text (object)


def plot_index(
    result: pd.DataFrame,
    *,
    dyads: Sequence[str] | str | None = None,
    events: pd.DataFrame | Sequence[Any] | None = None,
    bands: pd.DataFrame | None = None,
    changepoints: pd.DataFrame | None = None,
    annotate: int = 5,
    ax: Axes | None = None,
    config: IndexConfig | None = None,
    **overrides: Any,
) -> Axes:
    """Draw the stability index of one or more dyads, with the events behind it.

    One line per dyad on a 0-100 axis with a dashed neutral line at 50 and
    real dates below.  Given ``events``, each event is a marker on its dyad's
    line, coloured by category, and the ``annotate`` events that added most
    to the tension on the day they happened are labelled.  Sensitivity bands,
    change points and unmonitored days are drawn when given.

    Parameters
    ----------
    result : pandas.DataFrame
        What :func:`stability_index` returns: at least ``dyad``, ``date`` and
        ``stability``.  If it has a ``covered`` column (``coverage=`` was
        given), the days on which a plotted dyad was not monitored are shaded
        grey: the index there is unmonitored, not calm.
    dyads : str or list of str, optional
        The dyads to draw, in any spelling :func:`stability_index` accepts
        ("USA-CHN", "China-US"; "USA->CHN" for a directed result).  Default:
        every dyad in ``result``.
    events : pandas.DataFrame or list of dict, optional
        Events, raw or validated, to mark on the lines.  Only events of the
        plotted dyads within the dates of ``result`` are drawn.
    bands : pandas.DataFrame, optional
        Uncertainty bands with columns ``dyad``, ``date`` and two or more
        stability quantile columns named by percentile, as a sensitivity
        analysis gives them (``stability_q05`` and ``stability_q95``;
        ``stability_q02_5`` for 2.5%); the lowest and highest quantile are
        shaded in the dyad's colour.  Other columns are ignored, and ``dyad``
        may be left out when one dyad is drawn.
    changepoints : pandas.DataFrame, optional
        A ``date`` column, and optionally ``dyad``: a dotted vertical line at
        each date (in the dyad's colour when given; change points of dyads
        not drawn are skipped).
    annotate : int, default 5
        How many events to label: those with the largest absolute
        contribution to their dyad's tension on the day they happened
        (``signal`` times the daily ``aggregation`` factor of
        :func:`explain`).  0 labels none.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes.  By default a new 10 x 5 inch figure with a
        constrained layout is made with ``matplotlib.pyplot``.
    config : IndexConfig, optional
        The configuration that scores ``events`` for the annotations.  By
        default the one recorded in ``result.attrs`` (so the labels match the
        lines), else ``IndexConfig()``.
    **overrides
        Configuration fields to change for scoring the events, as in
        :func:`stability_index`.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn into.  The stability lines carry the dyad as their
        label, the event markers (one scatter collection per category) the
        category; every artist added has a ``gid``: ``"stability"``,
        ``"neutral"``, ``"events"``, ``"annotation"``, ``"band"``,
        ``"changepoint"`` or ``"unmonitored"``, so it can be restyled.

    Raises
    ------
    MissingDependencyError
        If matplotlib is not installed (``pip install "tensionindex[plot]"``).
    EventValidationError
        For an unknown dyad (with suggestions), a frame without the columns
        it needs, unreadable dates or invalid events.
    ConfigurationError
        For a bad ``annotate`` or an unknown configuration override.
    TypeError
        If ``result``, ``bands`` or ``changepoints`` is not a DataFrame or
        ``ax`` not a matplotlib Axes.

    See Also
    --------
    stability_index : the series drawn.
    explain : the events behind one value, and their contributions.

    Notes
    -----
    The legends sit outside the Axes, on the right, so that they never hide
    data; a constrained layout (the default for a new figure) or
    ``savefig(..., bbox_inches="tight")`` keeps them on the page.  Nothing
    global is changed: no backend is selected, no ``rcParams`` are set and
    ``pyplot.show()`` is not called.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import tensionindex as ti
    >>> events = ti.load_example("us-china-2024")
    >>> result = ti.stability_index(events, dyads=["CHN-USA", "CHN-PHL"], start="2023-01-01")
    >>> ax = ti.plot_index(result, events=events, annotate=3)
    >>> [line.get_label() for line in ax.lines if line.get_gid() == "stability"]
    ['CHN-PHL', 'CHN-USA']
    >>> [" ".join(text.get_text().splitlines()) for text in ax.texts]
    ['physical assault 17 Jun 2024', 'water cannon 5 Mar 2024', 'water cannon 23 Mar 2024']
    >>> ax.figure.savefig("chart.png", dpi=120)  # doctest: +SKIP
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    require("matplotlib", extra="plot", feature="plot_index()")
    import matplotlib.axes

    frame = _check_result(result)
    if not isinstance(annotate, int | np.integer) or isinstance(annotate, bool) or annotate < 0:
        raise ConfigurationError(
            "The 'annotate' parameter of plot_index must be an integer >= 0. "
            f"Got {annotate!r} instead."
        )
    if ax is not None and not isinstance(ax, matplotlib.axes.Axes):
        raise TypeError(
            f"ax must be a matplotlib Axes or None. Got {type(ax).__name__} instead; "
            "make one with fig, ax = matplotlib.pyplot.subplots()."
        )
    available = list(frame["dyad"].drop_duplicates())
    directed = any("->" in label for label in available)
    chosen = _choose_dyads(dyads, available, directed=directed)
    colors = {d: _LINE_COLORS[i % len(_LINE_COLORS)] for i, d in enumerate(chosen)}
    series = {d: frame[frame["dyad"] == d].sort_values("date") for d in chosen}
    # Check every input before drawing, so that a bad one leaves no half-drawn chart.
    band_frame = _check_bands(bands, chosen) if bands is not None else None
    change_frame = _check_changepoints(changepoints, chosen) if changepoints is not None else None
    marked = (
        _mark_events(events, series, _scoring_config(result, config, overrides), directed)
        if events is not None
        else None
    )

    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(10, 5), layout="constrained")
    handles: list[Any] = []
    if "covered" in frame.columns:
        handles += _draw_unmonitored(ax, frame[frame["dyad"].isin(chosen)])
    if band_frame is not None:
        handles += _draw_bands(ax, band_frame, colors)
    scale = _Scale.of(result)
    handles += _draw_lines(ax, series, colors, scale)
    if change_frame is not None:
        handles += _draw_changepoints(ax, change_frame, colors)
    category_handles = _draw_events(ax, marked) if marked is not None else []
    _style_axes(ax, series, scale)
    _draw_legends(ax, handles, category_handles)
    if marked is not None and annotate and len(marked.date):
        _annotate(ax, marked, annotate)
    return ax


def _draw_unmonitored(ax: Any, frame: pd.DataFrame) -> list[Any]:
    """Shade runs of days on which some plotted dyad was not monitored."""
    from matplotlib.patches import Patch

    covered = frame.groupby("date", sort=True)["covered"].all()
    if covered.all():
        return []
    dates = covered.index.to_numpy("datetime64[ns]")
    off = ~covered.to_numpy(bool)
    edges = np.diff(np.concatenate(([0], off.astype(np.int8), [0])))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    half_day = np.timedelta64(12, "h")
    for start, stop in zip(starts, stops, strict=True):
        span = ax.axvspan(
            dates[start] - half_day,
            dates[stop - 1] + half_day,
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
    def of(result: pd.DataFrame) -> _Scale:
        meta = result.attrs.get("tensionindex", {})
        how = meta.get("normalize", "logistic") if isinstance(meta, dict) else "logistic"
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


def _draw_lines(
    ax: Any, series: dict[str, pd.DataFrame], colors: dict[str, str], scale: _Scale
) -> list[Any]:
    handles = []
    for dyad, part in series.items():
        (line,) = ax.plot(
            part["date"].to_numpy(),
            part["stability"].to_numpy(float),
            color=colors[dyad],
            linewidth=1.6,
            label=dyad,
            zorder=2,
            gid="stability",
        )
        handles.append(line)
    neutral = ax.axhline(
        scale.neutral,
        color="0.45",
        linestyle="--",
        linewidth=0.9,
        zorder=1.5,
        label=scale.neutral_label,
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
    for category in _category_order(marked.category):
        keep = marked.category == category
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


def _style_axes(ax: Any, series: dict[str, pd.DataFrame], scale: _Scale) -> None:
    mdates = _dates_module()

    first = min(part["date"].iloc[0] for part in series.values())
    last = max(part["date"].iloc[-1] for part in series.values())
    if first == last:  # one day: show it in the middle of three
        first, last = first - pd.Timedelta(days=1), last + pd.Timedelta(days=1)
    if scale.limits is not None:
        ax.set_ylim(*scale.limits)
    ax.set_xlim(first, last)
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_ylabel(scale.ylabel)
    ax.grid(axis="y", color="0.92", linewidth=0.8)
    ax.set_axisbelow(True)


def _draw_legends(ax: Any, handles: list[Any], category_handles: list[Any]) -> None:
    """Series legend top right and category legend bottom right, both outside the data."""
    common: dict[str, Any] = {"borderaxespad": 0.0, "frameon": False, "fontsize": "small"}
    legend = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), **common)
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
            **common,
        )


def _dates_module() -> Any:
    """``matplotlib.dates``, typed as Any: the module has no type hints."""
    import matplotlib.dates

    return matplotlib.dates


def _check_result(result: object) -> pd.DataFrame:
    if not isinstance(result, pd.DataFrame):
        raise TypeError(
            "result must be the DataFrame that tensionindex.stability_index returns. "
            f"Got {type(result).__name__} instead."
        )
    missing = [c for c in _RESULT_COLUMNS if c not in result.columns]
    if missing:
        raise EventValidationError(
            f"plot_index needs the columns dyad, date and stability of a stability_index "
            f"result; the {missing[0]!r} column is missing. Got columns: "
            f"{', '.join(map(str, result.columns))}."
        )
    if len(result) == 0:
        raise EventValidationError(
            "The result has no rows, so there is nothing to plot: were there any events "
            "for the dyads and dates asked for?"
        )
    frame = pd.DataFrame(
        {
            "dyad": result["dyad"].astype(str).to_numpy(),
            "date": _dates(result["date"], "date", "result"),
            "stability": pd.to_numeric(result["stability"], errors="coerce").to_numpy(float),
        }
    )
    if "covered" in result.columns:
        frame["covered"] = result["covered"].to_numpy(bool)
    return frame


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


def _choose_dyads(
    dyads: Sequence[str] | str | None, available: list[str], *, directed: bool
) -> list[str]:
    if dyads is None:
        return sorted(available)
    wanted = [dyads] if isinstance(dyads, str) else list(dyads)
    if not wanted:
        raise EventValidationError(
            "The 'dyads' parameter of plot_index is empty; give at least one dyad or None "
            "for all of them."
        )
    chosen: list[str] = []
    for dyad in wanted:
        label = parse_dyad(dyad, directed=directed)
        if label not in available:
            present = ", ".join(sorted(available)[:20]) + (" ..." if len(available) > 20 else "")
            raise EventValidationError(
                f"No dyad {label!r} in the result."
                + did_you_mean(label, available)
                + f" Dyads in the result: {present}."
            )
        if label not in chosen:
            chosen.append(label)
    return chosen


def _frame_of(value: object, name: str) -> pd.DataFrame:
    if not isinstance(value, pd.DataFrame):
        raise TypeError(f"{name} must be a DataFrame or None. Got {type(value).__name__} instead.")
    return value


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


def _check_bands(bands: object, chosen: list[str]) -> pd.DataFrame:
    frame = _frame_of(bands, "bands")
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


def _check_changepoints(changepoints: object, chosen: list[str]) -> pd.DataFrame:
    frame = _frame_of(changepoints, "changepoints")
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


def _scoring_config(
    result: pd.DataFrame, config: IndexConfig | None, overrides: dict[str, Any]
) -> IndexConfig:
    """The configuration that scores the events: given, else the result's own."""
    stamp = result.attrs.get("tensionindex", {})
    recorded = stamp.get("config") if isinstance(stamp, dict) else None
    base = config
    if base is None and isinstance(recorded, dict):
        try:
            base = IndexConfig.from_dict(recorded)
        except (ConfigurationError, TypeError):
            base = None
    cfg = with_overrides(base, overrides)
    fingerprint = stamp.get("fingerprint") if isinstance(stamp, dict) else None
    if isinstance(fingerprint, str) and fingerprint != cfg.fingerprint:
        warnings.warn(
            f"plot_index scores the events with configuration {cfg.fingerprint}, but the result "
            f"was computed with {fingerprint}: the annotated contributions may not match the "
            "lines. Pass the result's configuration (or none) to plot_index.",
            UserWarning,
            stacklevel=3,
        )
    return cfg


def _mark_events(
    events: object,
    series: dict[str, pd.DataFrame],
    config: IndexConfig,
    directed: bool,
) -> _Marked:
    validated = validate_events(events, config=config)  # type: ignore[arg-type]
    a1 = validated["actor1"].astype(str).to_numpy(object)
    a2 = validated["actor2"].astype(str).to_numpy(object)
    labels = {
        f"{x}->{y}" if directed else "-".join(sorted((x, y))) for x, y in zip(a1, a2, strict=True)
    }
    # Contributions on the day of the event (age 0) do not depend on the kernel; under
    # the window kernel explain() would leave out events older than the window.
    scoring = (
        dataclasses.replace(config, kernel="exponential") if config.kernel == "window" else config
    )
    parts: list[pd.DataFrame] = []
    for dyad, part in series.items():
        if dyad not in labels:
            continue
        first, last = part["date"].iloc[0], part["date"].iloc[-1]
        why = explain(validated, dyad, last, scoring)
        why = why[why["date"] >= first]
        if not len(why):
            continue
        stability = part.set_index("date")["stability"]
        parts.append(
            pd.DataFrame(
                {
                    "dyad": dyad,
                    "date": why["date"].to_numpy("datetime64[ns]"),
                    "stability": stability.reindex(why["date"]).to_numpy(float),
                    "category": why["category"].to_numpy(object),
                    "contribution": (why["signal"] * why["aggregation"]).to_numpy(float),
                    "text": [
                        _annotation_text(t, lab, d)
                        for t, lab, d in zip(
                            why["event_type"], why["label"], why["date"], strict=True
                        )
                    ],
                }
            )
        )
    if not parts:
        empty = np.array([], dtype=object)
        return _Marked(
            empty, np.array([], "datetime64[ns]"), np.array([]), empty, np.array([]), empty
        )
    table = pd.concat(parts, ignore_index=True).sort_values(["date", "dyad"], kind="stable")
    return _Marked(
        table["dyad"].to_numpy(object),
        table["date"].to_numpy("datetime64[ns]"),
        table["stability"].to_numpy(float),
        table["category"].to_numpy(object),
        table["contribution"].to_numpy(float),
        table["text"].to_numpy(object),
    )


def _annotation_text(event_type: str, label: str, date: pd.Timestamp) -> str:
    """Short text: the analyst type's key in words, else the catalogue label; then the date."""
    if ":" in event_type:  # CAMEO and PLOVER keys are codes: use the catalogue's words
        words = str(label).split(", not specified")[0]
    else:
        words = event_type.replace("_", " ")
    if len(words) > _MAX_LABEL:
        words = words[: _MAX_LABEL - 1].rstrip() + "…"
    return f"{words}\n{pd.Timestamp(date):%d %b %Y}".replace("\n0", "\n")


def _category_order(categories: np.ndarray) -> list[str]:
    present = {str(c) for c in categories}
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
_STEPS = (14.0, 30.0, 46.0, 62.0, 78.0, 94.0, 110.0, 126.0)  # points from the marker
_SHIFTS = (0.0, 0.35, -0.35, 0.7, -0.7)  # text widths sideways


def _annotate(ax: Any, marked: _Marked, count: int) -> None:
    """Label the ``count`` largest contributions, each where it hides least.

    Placement is greedy, in points from the Axes' corner: the largest
    contribution is placed first; each text tries positions above and below
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

    order = np.lexsort((marked.date, -np.abs(marked.contribution)))[:count]
    anchors = to_points(mdates.date2num(marked.date[order]), marked.stability[order])
    fontsize = FontProperties(size="x-small").get_size_in_points()
    scene = _Scene(
        width=width,
        height=height,
        curve=_line_points(ax, to_points),
        markers=np.column_stack([anchors - 4, anchors + 4]),
    )
    for (px, py), i in zip(anchors, order, strict=True):
        if not (math.isfinite(px) and math.isfinite(py)):
            continue
        text = str(marked.text[i])
        lines = text.splitlines()
        # Text size estimated from the font size: no renderer needed, any backend.
        w = max(len(line) for line in lines) * fontsize * 0.55 + 6
        h = len(lines) * fontsize * 1.25 + 4
        rect, up = scene.place(px, py, w, h, up_first=bool(marked.stability[i] < 60))
        cx, cy = (rect[0] + rect[2]) / 2, rect[1] if up else rect[3]
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
                "boxstyle": "round,pad=0.2",
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
    ) -> tuple[np.ndarray, bool]:
        """The cheapest box of size w x h for the marker at (px, py), and whether it is above."""
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
        on_line = (
            (self.curve[:, 0] > rects[:, :1])
            & (self.curve[:, 0] < rects[:, 2:3])
            & (self.curve[:, 1] > rects[:, 1:2])
            & (self.curve[:, 1] < rects[:, 3:4])
        ).sum(axis=1)
        cost = (
            _COST_OUTSIDE * (w * h - _overlaps(rects, frame)[:, 0])
            + _COST_ON_TEXT * _overlaps(rects, self.texts).sum(axis=1)
            + _COST_ON_MARKER * _overlaps(rects, self.markers).sum(axis=1)
            + _COST_ON_LINE * on_line
            + _COST_DISTANCE * step
            + _COST_SIDEWAYS * np.abs(shift)
            + _COST_OTHER_SIDE * ~natural
            + _COST_CROSSING * _crossings(leaders, self.leaders).sum(axis=1)
            + _COST_THROUGH_TEXT * _through(leaders, self.texts).sum(axis=1)
        )
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
