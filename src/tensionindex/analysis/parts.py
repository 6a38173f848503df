"""Conflict and cooperation parts of the tension, and the four classic event-data classes.

The tension of a dyad on day t is a sum over event types k of the part that
type alone contributes, T(t) = sum_k T_k(t) (:meth:`ScoredEvents.grouped`,
exact under every kernel, aggregation and baseline).  Each type is on one
side: *conflict* when its weight in force is positive (it raises tension),
*cooperation* when it is negative; a type of weight 0 goes to the side of its
quad class.  So

    conflict(t)    = sum of T_k(t) over the conflict types,
    cooperation(t) = sum of T_k(t) over the cooperation types,
    conflict(t) + cooperation(t) = T(t).

The four classic event-data classes (verbal cooperation, material
cooperation, verbal conflict, material conflict; the "quad classes" of
:func:`tensionindex.catalogue.quad_classes`) split each day's events and
summed signal, so that the four counts add up to the index's ``events`` and
the four signals to its ``signal``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from tensionindex._sums import exact_bincount
from tensionindex.catalogue import QUAD_CLASSES, quad_classes, sides
from tensionindex.config import IndexConfig
from tensionindex.engine import Grid, empty_frame, grid_frame, stamp
from tensionindex.params import DateLike, Dates, Dyads, Instance, validate_params
from tensionindex.scored import ScoredEvents, as_scored

__all__ = ["PARTS_COLUMNS", "QUAD_EVENTS", "QUAD_SIGNALS", "tension_parts"]

#: The event count of each quad class: ``verbal_cooperation_events``, ...
QUAD_EVENTS: tuple[str, ...] = tuple(f"{q}_events" for q in QUAD_CLASSES)
#: The summed signal of each quad class: ``verbal_cooperation_signal``, ...
QUAD_SIGNALS: tuple[str, ...] = tuple(f"{q}_signal" for q in QUAD_CLASSES)
#: The columns of :func:`tension_parts` after ``dyad`` and ``date``.
PARTS_COLUMNS: tuple[str, ...] = (
    "conflict",
    "cooperation",
    "tension",
    "events",
    "signal",
    *QUAD_EVENTS,
    *QUAD_SIGNALS,
)

#: The parameters of :func:`tension_parts` and what each accepts.
PARTS_PARAMETERS: dict[str, list[Any]] = {
    "config": [Instance((IndexConfig, None), "an IndexConfig or None")],
    "start": [Dates()],
    "end": [Dates()],
    "dyads": [Dyads()],
}


@validate_params(PARTS_PARAMETERS, name="tension_parts")
def tension_parts(
    scored: ScoredEvents | pd.DataFrame | Sequence[Mapping[str, Any]],
    config: IndexConfig | None = None,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    dyads: Sequence[str] | str | None = None,
    coverage: pd.Series | Iterable[DateLike] | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """The tension of each dyad and day split into its conflict and cooperation parts.

    Parameters
    ----------
    scored : ScoredEvents, pandas.DataFrame or list of dict
        Events scored once with :func:`score`; raw events are scored here.
    config : IndexConfig, optional
        Another configuration for this call (default: the scored events').
    start, end : date-like, optional
        First and last day, as in :meth:`ScoredEvents.index`.  Events before
        ``start`` still count in the parts through the kernel, but only the
        events from ``start`` to ``end`` are counted in the daily columns.
    dyads : str or list of str, optional
        Only these dyads ("CHN-USA", or "USA->CHN" when directed).
    coverage : pandas.Series or collection of dates, optional
        Only with raw events: as given to :func:`score`.
    **overrides
        Configuration fields to change for this call, as in :func:`score`.

    Returns
    -------
    pandas.DataFrame
        One row per dyad and day, sorted by dyad then date, as
        :meth:`ScoredEvents.index`:

        - ``conflict``: the tension contributed by the event types of
          positive weight (in force); ``cooperation``: by those of negative
          weight (a type of weight 0 counts on the side of its quad class);
          ``tension``: their sum, the index's tension (up to rounding);
        - ``events`` and ``signal``: the day's events and summed signal, as
          the index's columns of those names;
        - ``<class>_events`` and ``<class>_signal`` for each quad class
          ``verbal_cooperation``, ``material_cooperation``,
          ``verbal_conflict`` and ``material_conflict``: the day's events of
          that class and their summed signal, which add up to ``events`` and
          ``signal``;

        then ``covered`` when the events were scored with a coverage.
        ``attrs["tensionindex"]`` holds the configuration, its fingerprint,
        the library version and the logistic ``scale`` in force.

    Raises
    ------
    EventValidationError
        For invalid raw events, or an unknown dyad (with suggestions).
    InvalidParameterError
        For an invalid parameter or date.
    ConfigurationError
        For an invalid configuration or an unknown override.

    See Also
    --------
    ScoredEvents.contributions : the tension split by event category.
    ScoredEvents.explain : the events behind one value.
    tensionindex.catalogue.quad_classes : the quad class of each event type.
    plot_parts : a chart of the two parts.

    Notes
    -----
    The side of an event type follows its weight in force (overrides
    included); its quad class describes the act and does not.  The two can
    disagree: CAMEO root 09 ("investigate") is material cooperation in
    GDELT's classes but has a negative Goldstein value, so its events count
    on the conflict side.  Under ``neutral="dyad"`` or ``"source"`` each
    event counts as its signal minus its baseline, so a part can change sign
    (cooperation below the usual level reads as tension); under the default
    ``neutral="zero"`` the conflict part is never negative and the
    cooperation part never positive.

    Examples
    --------
    >>> import tensionindex as ti
    >>> events = [
    ...     {"date": "2024-03-05", "actor1": "CHN", "actor2": "PHL",
    ...      "event_type": "water_cannon"},
    ...     {"date": "2024-03-06", "actor1": "PHL", "actor2": "CHN",
    ...      "event_type": "leader_call"},
    ... ]
    >>> parts = ti.tension_parts(events, half_life=1, end="2024-03-07")
    >>> parts[["date", "conflict", "cooperation", "tension"]]
            date  conflict  cooperation  tension
    0 2024-03-05      7.00         0.00      7.0
    1 2024-03-06      3.50        -4.50     -1.0
    2 2024-03-07      1.75        -2.25     -0.5
    >>> parts[["verbal_cooperation_events", "material_conflict_events"]].sum().tolist()
    [1, 1]
    """
    data = as_scored(scored, config, overrides, coverage=coverage)
    data.require_days("tension_parts")
    chosen = data.select(dyads)
    grid = data.grid(start, end)
    columns = [*PARTS_COLUMNS, *(["covered"] if data.coverage is not None else [])]
    extra = {"scale": data.scale}
    if grid is None or len(chosen.labels) == 0:
        empty = empty_frame(columns, chosen.labels)
        counts = {name: np.int64 for name in QUAD_EVENTS}
        return stamp(empty.astype(counts), data.config, **extra)
    grouped = chosen.grouped(by="event_type", start=start, end=end)
    side = sides(grouped.weights, quad_classes(grouped.groups, data.config.custom_types))
    conflict = np.zeros((len(chosen.labels), grid.n_days))
    cooperation = np.zeros_like(conflict)
    for k, part in enumerate(grouped.values):
        if side[k] == "conflict":
            conflict += part
        else:
            cooperation += part
    values: dict[str, np.ndarray] = {
        "conflict": conflict,
        "cooperation": cooperation,
        "tension": conflict + cooperation,
        **_daily_by_quad(chosen, grid),
    }
    if data.coverage is not None:
        days = grid.first_day + np.arange(grid.n_days)
        monitored = np.isin(days, data.coverage.days)
        values["covered"] = np.broadcast_to(monitored, conflict.shape)
    return stamp(grid_frame(chosen.labels, grid, values), data.config, **extra)


def _daily_by_quad(scored: ScoredEvents, grid: Grid) -> dict[str, np.ndarray]:
    """Events and summed signal per dyad and day, in total and per quad class, on ``grid``."""
    names = [str(name) for name in scored.events["event_type"].cat.categories]
    quad_of_type = np.array(
        [QUAD_CLASSES.index(q) for q in quad_classes(names, scored.config.custom_types)],
        dtype=np.intp,
    )
    n_dyads, n_days = len(scored.labels), grid.n_days
    column = scored.day - grid.first_day
    inside = (column >= 0) & (column < n_days)
    cell = scored.dyad[inside] * n_days + column[inside]
    signal = scored.signal[inside]
    quad = quad_of_type[scored.type_code[inside]]
    size = n_dyads * n_days
    shape = (n_dyads, n_days)
    out: dict[str, np.ndarray] = {
        "events": np.bincount(cell, minlength=size).astype(np.int64).reshape(shape),
        "signal": exact_bincount(cell, signal, size).reshape(shape),
    }
    # One pass over the events for all four classes: the class is the slowest index.
    flat = quad * size + cell
    n = len(QUAD_CLASSES)
    counts = np.bincount(flat, minlength=n * size).astype(np.int64).reshape(n, *shape)
    sums = exact_bincount(flat, signal, n * size).reshape(n, *shape)
    out.update({QUAD_EVENTS[q]: counts[q] for q in range(n)})
    out.update({QUAD_SIGNALS[q]: sums[q] for q in range(n)})
    return out
