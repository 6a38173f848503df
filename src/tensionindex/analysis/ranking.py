"""Comparison tables: dyads ranked by level, by change and by information, and named grades.

:func:`compare_dyads` reads every dyad's index on two days, ``start`` and
``end``, and ranks the dyads three ways: by their stability on ``end`` (the
level), by how much it moved from ``start`` to ``end`` (the change) and by the
decayed number of events behind the value on ``end`` (the information).  The
events that drove each change come from the exact attribution of
:meth:`ScoredEvents.explain`: each event's contribution to the tension on
``end`` minus its contribution on ``start``.  These changes sum to
T(end) - T(start).

:func:`grade` names the stability with the bands of the configuration's
``grades`` (confrontational, tense, cool, normal, good, friendly by default).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from tensionindex.analysis.alerts import NEGLIGIBLE_SHARE
from tensionindex.config import IndexConfig
from tensionindex.engine import stamp
from tensionindex.events import PASS_THROUGH_COLUMNS
from tensionindex.exceptions import InvalidParameterError
from tensionindex.params import (
    DateLike,
    Dates,
    Dyads,
    Instance,
    Interval,
    day_of,
    invalid,
    validate_params,
)
from tensionindex.scored import ScoredEvents, as_scored

__all__ = ["COMPARISON_COLUMNS", "compare_dyads", "grade"]

#: The columns of :func:`compare_dyads`, in order.
COMPARISON_COLUMNS: tuple[str, ...] = (
    "dyad",
    "stability_start",
    "stability_end",
    "stability_change",
    "tension_start",
    "tension_end",
    "tension_change",
    "events",
    "information_start",
    "information_end",
    "low_information",
    "grade_start",
    "grade",
    "rank_level",
    "rank_change",
    "rank_information",
    "drivers",
    "driver_changes",
    "driver_rows",
    "event_ids",
)

# The event's own columns in explain(): matching them finds the event's row.
_EVENT_COLUMNS = ("date", "actor1", "actor2", "event_type", "intensity", "confidence")
_SEPARATOR = "\x1f"


@validate_params(
    {"config": [Instance((IndexConfig, None), "an IndexConfig or None")]}, name="grade"
)
def grade(stability: Any, config: IndexConfig | None = None) -> pd.Series | pd.Categorical[str]:
    """Name each stability value with the bands of the configuration's ``grades``.

    A band runs from its lower bound (included) to the next band's bound
    (excluded); the last band runs to 100 (included).  With the default
    bands: confrontational [0, 15), tense [15, 35), cool [35, 45), normal
    [45, 55), good [55, 70), friendly [70, 100].  The cut points are a
    convention for reading the logistic stability (50 is neutral, tension 0),
    not a measurement; set your own with ``IndexConfig(grades=...)``.

    Parameters
    ----------
    stability : pandas.Series or array-like of float
        Logistic stability values, 0 to 100 (``stability`` of
        :meth:`ScoredEvents.index`).  NaN gets no grade.
    config : IndexConfig, optional
        Whose ``grades`` to use (default: ``IndexConfig()``'s).

    Returns
    -------
    pandas.Series or pandas.Categorical
        An ordered categorical of band names, lowest band first: a Series
        named ``grade`` with the index of ``stability`` when given a Series,
        else a Categorical.

    Raises
    ------
    InvalidParameterError
        If a value is not a number or lies outside 0..100 (a z-score or
        percentile stability has no grade).

    Examples
    --------
    >>> import tensionindex as ti
    >>> ti.grade([0, 14.9, 15, 50, 70, 100]).tolist()
    ['confrontational', 'confrontational', 'tense', 'normal', 'friendly', 'friendly']
    >>> ti.grade([30, 80], ti.IndexConfig(grades={"low": 0, "high": 50})).tolist()
    ['low', 'high']
    """
    bands = (IndexConfig() if config is None else config).grades
    names = list(bands)
    bounds = np.fromiter(bands.values(), dtype=float, count=len(bands))
    try:
        values = np.atleast_1d(np.asarray(stability, dtype=float))
    except (TypeError, ValueError):
        raise invalid(
            "grade", "stability", "numbers from 0 to 100 (the logistic stability)", stability
        ) from None
    if values.ndim != 1:
        raise invalid("grade", "stability", "a one-dimensional array or Series", stability)
    outside = np.flatnonzero(~np.isnan(values) & ((values < 0) | (values > 100)))
    if len(outside):
        first = int(outside[0])
        raise InvalidParameterError(
            "The 'stability' parameter of grade must hold numbers from 0 to 100 (the "
            f"logistic stability). Got {float(values[first])!r} at position {first} instead; "
            "grades name the index computed with normalize='logistic'."
        )
    codes = np.searchsorted(bounds, values, side="right") - 1
    codes[np.isnan(values)] = -1
    named = pd.Categorical.from_codes(codes, categories=pd.Index(names), ordered=True)
    if isinstance(stability, pd.Series):
        labelled: pd.Series = pd.Series(named, index=stability.index, name="grade")
        return labelled
    return named


_COMPARE_PARAMETERS: dict[str, list[Any]] = {
    "config": [Instance((IndexConfig, None), "an IndexConfig or None")],
    "start": [Dates(optional=False)],
    "end": [Dates(optional=False)],
    "dyads": [Dyads()],
    "top": [Interval(int, 0, None)],
}


@validate_params(_COMPARE_PARAMETERS, name="compare_dyads")
def compare_dyads(
    scored: ScoredEvents | pd.DataFrame | Sequence[Mapping[str, Any]],
    config: IndexConfig | None = None,
    *,
    start: DateLike,
    end: DateLike,
    dyads: Sequence[str] | str | None = None,
    top: int = 3,
    **overrides: Any,
) -> pd.DataFrame:
    """Dyads ranked by level, by change from ``start`` to ``end`` and by information.

    Parameters
    ----------
    scored : ScoredEvents, pandas.DataFrame or list of dict
        Events scored once with :func:`score`; raw events are scored here.
    config : IndexConfig, optional
        Another configuration for this call (default: the scored events').
    start, end : date-like
        The two days compared (``start`` <= ``end``).  Events before
        ``start`` count through the kernel, as in :meth:`ScoredEvents.index`.
    dyads : str or list of str, optional
        Only these dyads (default: every dyad).
    top : int, default 3
        How many driving events to report per dyad (0: none).
    **overrides
        Configuration fields to change for this call, as in :func:`score`.

    Returns
    -------
    pandas.DataFrame
        One row per dyad, sorted by ``rank_level`` then dyad, with columns:

        - ``dyad``;
        - ``stability_start``, ``stability_end``, ``stability_change``
          (end minus start, in stability points: negative is a worsening);
        - ``tension_start``, ``tension_end``, ``tension_change`` (end minus
          start);
        - ``events``: the dyad's events dated after ``start`` and on or
          before ``end``;
        - ``information_start``, ``information_end`` (the decayed number of
          events behind each value) and ``low_information`` (on ``end``);
        - ``grade_start``, ``grade``: the named bands of the stability on
          ``start`` and on ``end`` (see :func:`grade`);
        - ``rank_level``: 1 for the lowest stability on ``end`` (the most
          tense); ``rank_change``: 1 for the largest fall of stability
          (the last rank is the largest improvement); ``rank_information``:
          1 for the most information on ``end``.  Ties share the smallest
          rank (1, 1, 3);
        - ``drivers``: the ``top`` events whose contribution to the tension
          changed most (in absolute value) from ``start`` to ``end``, as text
          such as ``"water_cannon 2024-03-23 (+7)"`` (the change in tension
          points: positive raised the tension, negative lowered it); events
          whose change is under 1% of the sum of every event's absolute
          change are left out, as in :func:`alerts`;
        - ``driver_changes``, ``driver_rows``, ``event_ids``: their changes
          of contribution, their rows in ``scored.events`` and their
          ``event_id`` (None where the events have no id), as lists.

        ``attrs["tensionindex"]`` holds the configuration and ``compare``:
        the dates and ``top``.

    Raises
    ------
    InvalidParameterError
        If ``end`` is before ``start``, or a parameter is invalid.
    EventValidationError
        If a dyad has no events (with suggestions), or raw events are invalid.

    See Also
    --------
    ScoredEvents.explain : every event's contribution on one day.
    alerts : sharp drops and crossings, with their drivers.

    Notes
    -----
    An event's change of contribution is its contribution to the tension on
    ``end`` minus that on ``start`` (0 where it does not count): a new event
    adds its whole contribution, an old one its decay.  The changes of all
    events sum to ``tension_change``; the drivers are the largest of them
    (events whose contribution did not change are never drivers; among equal
    changes the later event comes first, then the earlier row).  A dyad with
    no events on or before ``start`` starts at the neutral value (tension 0,
    stability 50, information 0): its change is all that its events did by
    ``end``.  The stability is the logistic one (0..100).

    Examples
    --------
    >>> import tensionindex as ti
    >>> scored = ti.score(ti.load_example("us-china-2024"))
    >>> table = ti.compare_dyads(scored, start="2024-01-01", end="2024-06-30", top=2)
    >>> table[["dyad", "stability_change", "rank_level", "rank_change", "grade"]].round(1)
          dyad  stability_change  rank_level  rank_change            grade
    0  CHN-PHL              -7.2           1            1  confrontational
    1  CHN-TWN              -5.7           2            2             cool
    2  TWN-USA              -0.0           3            5           normal
    3  PHL-USA              -4.0           4            3           normal
    4  CHN-USA              -2.7           5            4             good
    >>> table.loc[0, "drivers"]
    'physical_assault 2024-06-17 (+14.1); vessel_seizure 2024-06-17 (+6.81)'
    >>> table.loc[0, "event_ids"]
    ['ex-049', 'ex-050']
    """
    data = as_scored(scored, config, overrides)
    first = day_of(start, "start", "compare_dyads")
    last = day_of(end, "end", "compare_dyads")
    if last < first:
        raise InvalidParameterError(
            f"compare_dyads compares the index on 'end' with the index on 'start', so 'end' "
            f"must not be before 'start'. Got start={start!r} and end={end!r}; swap them."
        )
    if dyads is None:
        labels = [str(label) for label in data.labels]
    else:
        wanted = [dyads] if isinstance(dyads, str) else list(dyads)
        labels = sorted({data.label_of(d) for d in wanted})
    extra: dict[str, Any] = {
        "compare": {
            "start": str(np.datetime64(first, "D")),
            "end": str(np.datetime64(last, "D")),
            "top": int(top),
        }
    }
    if not labels:
        return stamp(_empty(data.config), data.config, **extra)
    chosen = data.select(labels)
    day_start = chosen.index(start=start, end=start).set_index("dyad").loc[labels]
    day_end = chosen.index(start=end, end=end).set_index("dyad").loc[labels]
    codes = data.labels.get_indexer(pd.Index(labels, dtype=object))
    new = (data.day > first) & (data.day <= last)
    counts = np.bincount(data.dyad[new], minlength=len(data.labels))[codes]
    change = day_end["stability"].to_numpy() - day_start["stability"].to_numpy()
    out = pd.DataFrame(
        {
            "dyad": np.asarray(labels, dtype=object),
            "stability_start": day_start["stability"].to_numpy(),
            "stability_end": day_end["stability"].to_numpy(),
            "stability_change": change,
            "tension_start": day_start["tension"].to_numpy(),
            "tension_end": day_end["tension"].to_numpy(),
            "tension_change": day_end["tension"].to_numpy() - day_start["tension"].to_numpy(),
            "events": counts.astype(np.int64),
            "information_start": day_start["information"].to_numpy(),
            "information_end": day_end["information"].to_numpy(),
            "low_information": day_end["low_information"].to_numpy(dtype=bool),
            "grade_start": grade(day_start["stability"].to_numpy(), data.config),
            "grade": grade(day_end["stability"].to_numpy(), data.config),
        }
    )
    out["rank_level"] = out["stability_end"].rank(method="min").astype(np.int64)
    out["rank_change"] = out["stability_change"].rank(method="min").astype(np.int64)
    out["rank_information"] = (
        out["information_end"].rank(method="min", ascending=False).astype(np.int64)
    )
    drivers = [_drivers(data, label, start, end, int(top)) for label in labels]
    for position, name in enumerate(("drivers", "driver_changes", "driver_rows", "event_ids")):
        out[name] = pd.Series([d[position] for d in drivers], dtype=object).to_numpy()
    out = out.sort_values(["rank_level", "dyad"], kind="stable").reset_index(drop=True)
    return stamp(out, data.config, **extra)


def _empty(config: IndexConfig) -> pd.DataFrame:
    out = pd.DataFrame({name: pd.Series([], dtype=object) for name in COMPARISON_COLUMNS})
    names = list(config.grades)
    for name in ("grade_start", "grade"):
        out[name] = pd.Categorical([], categories=names, ordered=True)
    return out


def _keys(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """One text key per event from its own columns, numbered among identical events."""
    parts = []
    for name in columns:
        column = frame[name]
        if name == "date":
            text = pd.Series(
                pd.to_datetime(column).to_numpy().astype("datetime64[ns]").astype(np.int64)
            ).astype(str)
        else:
            text = pd.Series(column.to_numpy(dtype=object)).astype(str)
        parts.append(text.to_numpy(dtype=object))
    key = pd.Series(parts[0], dtype=object)
    for more in parts[1:]:
        key = key + _SEPARATOR + pd.Series(more, dtype=object)
    # Identical events are told apart by their order, which explain() keeps.
    occurrence = key.groupby(key, sort=False).cumcount().astype(str)
    return key + _SEPARATOR + occurrence


def _contributions(
    data: ScoredEvents, label: str, date: DateLike, lookup: Mapping[str, int], columns: list[str]
) -> pd.Series:
    """Contribution of each event to the tension of ``label`` on ``date``, by event row."""
    why = data.explain(label, date)
    rows = _keys(why, columns).map(lookup)
    return pd.Series(why["contribution"].to_numpy(), index=rows.to_numpy(dtype=np.int64))


def _drivers(
    data: ScoredEvents, label: str, start: DateLike, end: DateLike, top: int
) -> tuple[str, list[float], list[int], list[Any]]:
    """The ``top`` events whose contribution changed most: text, changes, rows and ids."""
    if top == 0:
        return "", [], [], []
    events = data.events
    columns = [*_EVENT_COLUMNS, *(c for c in PASS_THROUGH_COLUMNS if c in events.columns)]
    positions = data.positions(label)
    mine = events.iloc[positions].reset_index(drop=True)
    lookup = dict(zip(_keys(mine, columns), positions.tolist(), strict=True))
    before = _contributions(data, label, start, lookup, columns)
    after = _contributions(data, label, end, lookup, columns)
    change = after.sub(before, fill_value=0.0)
    # An event moving the tension by under 1% of all the events' moves (the fading
    # of an old event, say) did not drive the change, as in alerts; explain() lists
    # every term.
    change = change[change.abs() >= NEGLIGIBLE_SHARE * change.abs().sum()]
    change = change[change != 0]
    rows = change.index.to_numpy(dtype=np.int64)
    days = data.day[rows]
    order = np.lexsort((rows, -days, -np.abs(change.to_numpy())))[:top]
    rows, days, delta = rows[order], days[order], change.to_numpy()[order]
    names = events["event_type"].astype(str).to_numpy()[rows]
    when = np.datetime_as_string(days.astype("datetime64[D]"))
    text = "; ".join(
        f"{name} {day} ({value:+.3g})"
        for name, day, value in zip(names.tolist(), when.tolist(), delta.tolist(), strict=True)
    )
    if "event_id" in events.columns:
        values = events["event_id"].to_numpy(dtype=object)[rows]
        ids = [None if pd.isna(v) else v for v in values.tolist()]
    else:
        ids = [None] * len(rows)
    return text, delta.tolist(), rows.tolist(), ids
