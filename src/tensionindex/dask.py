"""The stability index of event archives larger than memory, on Dask.

:func:`stability_index` takes a dask DataFrame of events (a folder of Parquet
or CSV files, GDELT exports), puts every dyad's events in one partition and
scores each partition as the in-memory path does
(:meth:`ScoredEvents.from_validated <tensionindex.ScoredEvents.from_validated>`,
then :meth:`~tensionindex.ScoredEvents.index`) on one common grid of days,
with the engine's empty frame (:func:`tensionindex.engine.empty_frame`) and
provenance stamp (:func:`tensionindex.engine.stamp`).  The result equals
:func:`tensionindex.stability_index` on the same events, value for value.

Dask is an optional dependency (``pip install "tensionindex[dask]"``), imported
when the function is called: ``import tensionindex`` never imports this module.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from tensionindex import engine
from tensionindex._types import Normalize
from tensionindex.config import IndexConfig, with_overrides
from tensionindex.coverage import Coverage, parse_coverage
from tensionindex.dyads import parse_dyad, unknown_dyad_error
from tensionindex.events import empty_events, validate_events
from tensionindex.exceptions import (
    ConfigurationError,
    EventInputTypeError,
    EventValidationError,
    require,
)
from tensionindex.params import DateLike, Dates, Instance, Interval, day_of, validate_params
from tensionindex.scored import NORMALIZE, RANGE, ScoredEvents, known_by

__all__ = ["stability_index"]

#: A ``dask.dataframe.DataFrame``; dask is optional, so it is not imported to name it.
DaskDataFrame: TypeAlias = Any

_FEATURE = "tensionindex.dask"
_NAME = "tensionindex.dask.stability_index"
# Besides the canonical columns, each event carries through the shuffle its
# position in the input (partition number in the high bits), which restores the
# input order afterwards, and the output partition of its dyad.
_ROW = "_row"
_PART = "_part"
# Room for 2**40 rows per input partition and 2**23 partitions.
_ROW_BITS = 40


@dataclass(frozen=True)
class _Plan:
    """What the first pass over the archive found."""

    events_per_day: pd.Series  # int64 counts indexed by day (datetime64[ns]), sorted
    events_per_dyad: pd.Series  # int64 counts indexed by dyad label, sorted by label
    actors: pd.Index  # every actor code, sorted
    event_types: pd.Index  # every event type, sorted


@validate_params(
    {
        **RANGE,
        **NORMALIZE,
        "as_of": [Dates()],
        "npartitions": [Interval(int, 1, None), Instance((None,), "None")],
    },
    name=_NAME,
)
def stability_index(
    ddf: DaskDataFrame,
    config: IndexConfig | None = None,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    dyads: Sequence[str] | str | None = None,
    coverage: pd.Series | Iterable[DateLike] | None = None,
    normalize: Normalize = "logistic",
    baseline: int = 365,
    as_of: DateLike | None = None,
    npartitions: int | None = None,
    **overrides: Any,
) -> DaskDataFrame:
    """Compute the daily stability index of every dyad from a dask DataFrame of events.

    The same computation as :func:`tensionindex.stability_index`, for archives
    that do not fit in memory.  It runs in two passes over the data:

    1. during this call (it blocks, on the active scheduler or ``Client``), a
       cheap reduction: validate every partition and count its events per day
       and per dyad and list its actors and event types, which gives the
       common grid (first and last day), the dyads, and the per-day totals that
       ``aggregation="share"`` divides by;
    2. lazily, when the result is computed: validate again, shuffle so that
       each dyad's events are in one partition (dyads in label order, grouped
       to balance events and grid cells per partition), and score each
       partition with the in-memory engine on the common grid.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        Events with the columns :func:`tensionindex.validate_events` accepts
        (``date``, ``actor1``, ``actor2``, ``event_type``, optionally
        ``intensity``, ``confidence``, ``reported``; other columns are
        validated, then dropped before the shuffle, so read only the columns
        needed), e.g. from ``dask.dataframe.read_parquet`` on a folder, from
        ``dask.dataframe.read_csv`` on a glob, or ``dask.dataframe.from_map(
        tensionindex.read_gdelt, files)``.  Each partition is validated as the
        in-memory function validates a frame: same aliases, same normalisation,
        same errors, which name the partition.
    config : IndexConfig, optional
        The configuration; ``IndexConfig()`` (the ``goldstein`` profile) by default.
    start, end : date-like, optional
        First and last day of the output (default: the first and last event
        of the whole archive).  Events before ``start`` still count through
        the kernel; events after ``end`` are ignored.
    dyads : str or list of str, optional
        Only these dyads ("CHN-USA", or "USA->CHN" when directed); the other
        dyads' events are dropped before the shuffle.  The grid's default
        bounds and the totals of ``aggregation="share"`` still come from all
        events.
    coverage : pandas.Series or collection of dates, optional
        As in :func:`tensionindex.stability_index`: the days the source was
        collecting, or its record counts by day (the denominators of
        ``aggregation="share"``).  Adds the boolean ``covered`` column.  It is
        sent to every partition, so it should be a Series of one value per
        day, not per event.
    normalize : {"logistic", "zscore", "percentile"}, default "logistic"
        What the ``stability`` column holds; see :func:`tensionindex.stability_index`.
    baseline : int, default 365
        Trailing baseline in days of ``normalize="zscore"``.
    as_of : date-like, optional
        Use only events reported on or before this date (needs a ``reported``
        column).
    npartitions : int, optional
        Number of partitions of the result (default: that of ``ddf``), capped
        at the number of dyads.  Each holds whole dyads; fewer, larger
        partitions need more memory per task.
    **overrides
        Configuration fields to change for this call, e.g. ``half_life=14``,
        ``kernel="window"``, ``directed=True``.

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy; ``.compute()`` gives the frame :func:`tensionindex.stability_index`
        returns for the same events (columns ``dyad``, ``date``, ``events``,
        ``signal``, ``tension``, ``stability``, then ``covered`` with
        ``coverage``; ``dyad`` is categorical with every dyad of the result as
        its categories), in the same order, sorted by dyad then date, with
        the same ``attrs``.  Only the index differs: each partition numbers
        its rows from 0.  Write it out without collecting it with
        ``result.to_parquet(folder)``.

    Raises
    ------
    MissingDependencyError
        If dask (with its dataframe extra) is not installed.
    EventValidationError
        For invalid events (the message names the partition, and the row
        within it) or unknown dyads.
    InvalidParameterError
        For an invalid ``start``, ``end``, ``dyads``, ``normalize``,
        ``baseline``, ``as_of``, ``coverage`` or ``npartitions``.
    ConfigurationError
        For an invalid configuration or override.

    See Also
    --------
    tensionindex.stability_index : the in-memory function this one scales out.
    tensionindex.iter_gdelt : stream large files through one process instead.

    Notes
    -----
    ``aggregation="share"`` divides each event's signal by the number of
    records of its day over *all* dyads.  Without ``coverage`` those totals are
    the events of the whole archive per day, counted in the first pass and
    sent to every partition, so the result still equals the in-memory one.

    Results equal the in-memory function's exactly, not only to rounding:
    each dyad's events reach the engine in their input order (the order of
    ``ddf.compute()``), so every sum is taken in the same order.

    With a ``dask.distributed.Client`` open, both passes run on its cluster;
    the shuffle uses dask's default method there (peer-to-peer, which writes
    to disk), so the archive need not fit in the workers' memory.  A task
    holds one input partition, or one output partition: its dyads' events and
    their grid, about 100 bytes per dyad and day.  Input partitions of 100,000
    to 200,000 events suit workers with a few hundred MiB each.

    Examples
    --------
    >>> import dask
    >>> import dask.dataframe as dd
    >>> import pandas as pd
    >>> import tensionindex.dask
    >>> events = pd.DataFrame({
    ...     "date": ["2024-03-01", "2024-03-04", "2024-03-02"],
    ...     "actor1": ["CHN", "Philippines", "USA"],
    ...     "actor2": ["PHL", "China", "CHN"],
    ...     "event_type": ["water_cannon", "critical_statement", "military_hotline_call"],
    ... })
    >>> with dask.config.set(scheduler="synchronous"):
    ...     ddf = dd.from_pandas(events, npartitions=2)
    ...     result = tensionindex.dask.stability_index(ddf, half_life=2)
    ...     result.compute().reset_index(drop=True).iloc[:, :6]
          dyad       date  events  signal   tension  stability
    0  CHN-PHL 2024-03-01       1     7.0  7.000000  33.181223
    1  CHN-PHL 2024-03-02       0     0.0  4.949747  37.872235
    2  CHN-PHL 2024-03-03       0     0.0  3.500000  41.338242
    3  CHN-PHL 2024-03-04       1     2.0  4.474874  38.995833
    4  CHN-USA 2024-03-01       0     0.0  0.000000  50.000000
    5  CHN-USA 2024-03-02       1    -3.0 -3.000000  57.444252
    6  CHN-USA 2024-03-03       0     0.0 -2.121320  55.283503
    7  CHN-USA 2024-03-04       0     0.0 -1.500000  53.742985

    The same frame as in memory:

    >>> import tensionindex as ti
    >>> with dask.config.set(scheduler="synchronous"):
    ...     computed = result.compute().reset_index(drop=True)
    >>> computed.equals(ti.stability_index(events, half_life=2))
    True
    """
    dask: Any = require("dask", extra="dask", feature=_FEATURE)
    dd: Any = require("dask.dataframe", extra="dask", feature=_FEATURE)
    if not isinstance(ddf, dd.DataFrame):
        raise EventInputTypeError(
            "tensionindex.dask.stability_index takes a dask DataFrame of events. Got "
            f"{type(ddf).__name__} instead; for a pandas DataFrame use "
            "tensionindex.stability_index, or wrap it with dask.dataframe.from_pandas."
        )
    cfg = with_overrides(config, overrides)
    # Both need every dyad at once; each partition holds only some.
    for setting, value in (("scale", "auto"), ("neutral", "source")):
        if getattr(cfg, setting) == value:
            raise ConfigurationError(
                f"tensionindex.dask.stability_index cannot use {setting}={value!r}: it is computed "
                "from all the dyads together, and each partition holds only some. Compute it once "
                "in memory on a sample (ScoredEvents.scale, or the mean signal per event) and give "
                "the number instead."
            )
    covered = parse_coverage(coverage)  # read once, here: bad coverage fails now, not in a task
    as_of_day = None if as_of is None else np.datetime64(day_of(as_of, "as_of", _NAME), "D")
    parts = int(ddf.npartitions if npartitions is None else npartitions)

    # Pass 1, now: days, dyads, actors and event types of the whole archive, as
    # per-partition counts summed by a tree reduction (split_out=1, no shuffle).
    summaries = ddf.map_partitions(_summary, cfg, as_of, meta=_summary(empty_events(), cfg, None))
    plan = _plan(dask.compute(summaries.groupby(["kind", "key"])["count"].sum(split_out=1))[0])
    labels = _selected(plan, dyads, directed=cfg.directed)
    columns = [
        *engine.RESULT_COLUMNS,
        *engine.INFORMATION_COLUMNS,
        *(["covered"] if covered is not None else []),
    ]
    meta = engine.empty_frame(columns[2:], labels)
    # The in-memory result's attrs: configuration, fingerprint, version, normalize, as_of.
    extra: dict[str, Any] = {"normalize": normalize, "scale": float(cfg.scale)}
    if as_of_day is not None:
        extra["as_of"] = str(as_of_day)
    engine.stamp(meta, cfg, **extra)
    if len(plan.events_per_day) == 0:
        return dd.from_pandas(meta, npartitions=1)
    first, last = _bounds(plan, start, end)

    # Pass 2, lazy: every dyad's events in one partition, then the engine on each.
    weights = plan.events_per_dyad.reindex(labels).to_numpy(np.int64) + (last - first + 1)
    part_of_dyad = _partition_plan(labels, weights, parts)
    n_parts = int(part_of_dyad.max()) + 1
    keying = _Keying(cfg, as_of, part_of_dyad, plan.actors, plan.event_types, dyads is None)
    keyed = ddf.map_partitions(keying, meta=keying(empty_events()))
    # Partition p of the shuffled frame holds exactly the rows with _part == p.
    shuffled = keyed.set_index(_PART, divisions=(*range(n_parts), n_parts - 1))
    engine_coverage, covered_days = covered, None
    if cfg.aggregation == "share" and (covered is None or covered.records is None):
        # The denominators are the records of each day over all dyads: give every
        # partition the archive's counts (what the in-memory function counts).
        engine_coverage = parse_coverage(plan.events_per_day)
        covered_days = None if covered is None else covered.days
    score = _Scorer(
        config=cfg,
        actors=plan.actors,
        event_types=plan.event_types,
        start=start if start is not None else np.datetime64(first, "D"),
        end=end if end is not None else np.datetime64(last, "D"),
        coverage=engine_coverage,
        covered_days=covered_days,
        normalize=normalize,
        baseline=baseline,
        meta=meta,
    )
    return shuffled.map_partitions(score, meta=meta)


def _checked(
    part: pd.DataFrame,
    config: IndexConfig,
    as_of: DateLike | None,
    partition_info: Mapping[str, Any] | None,
) -> pd.DataFrame:
    """One partition validated as the in-memory function validates a frame."""
    number = 0 if partition_info is None else int(partition_info["number"])
    try:
        events = validate_events(part, config=config)
        if as_of is not None and len(events):  # an empty partition has no 'reported' either
            events = known_by(events, day_of(as_of, "as_of", _NAME))
    except EventValidationError as exc:
        # Row numbers in the message count from the start of the partition.
        raise type(exc)(f"In partition {number} of the dask DataFrame: {exc}") from None
    if len(events) == 0:
        return empty_events()  # the canonical dtypes, also when as_of removed every row
    if "date_precision" in events.columns:
        if events["date_precision"].cat.codes.to_numpy().any():
            raise EventValidationError(
                f"In partition {number} of the dask DataFrame: some events are dated to a "
                "week, month or year (column 'date_precision'), which the Dask path does not "
                "carry through its shuffle. Score them in memory (tensionindex.score), or "
                "give them a day first."
            )
        events = events.drop(columns="date_precision")
    return events


def _summary(
    part: pd.DataFrame,
    config: IndexConfig,
    as_of: DateLike | None,
    partition_info: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Pass 1 on one partition: events per day and per dyad, actors and event types."""
    events = _checked(part, config, as_of, partition_info)
    dyad, labels = engine.dyad_codes(
        events["actor1"].array, events["actor2"].array, directed=config.directed
    )
    days, per_day = np.unique(
        events["date"].to_numpy().astype("datetime64[D]").astype(np.int64), return_counts=True
    )
    groups: dict[str, tuple[pd.Index | np.ndarray, np.ndarray | None]] = {
        "day": (days.astype(str), per_day),
        "dyad": (labels, np.bincount(dyad, minlength=len(labels))),
        "actor": (events["actor1"].cat.categories, None),  # actor2 has the same categories
        "type": (events["event_type"].cat.categories, None),
    }
    kind: list[str] = []
    key: list[str] = []
    count: list[np.ndarray] = []
    for name, (keys, counts) in groups.items():
        kind += [name] * len(keys)
        key += [str(k) for k in keys]
        count.append(np.zeros(len(keys), np.int64) if counts is None else counts)
    return pd.DataFrame(
        {
            "kind": pd.Series(kind, dtype=str),
            "key": pd.Series(key, dtype=str),
            "count": np.concatenate(count).astype(np.int64),
        }
    )


def _plan(totals: pd.Series) -> _Plan:
    """The summed pass-1 counts, indexed by (kind, key), taken apart."""

    def part(kind: str) -> pd.Series:
        found = totals[totals.index.get_level_values(0) == kind].droplevel(0)
        found.index = pd.Index([str(k) for k in found.index], dtype=object)
        return found.astype(np.int64).sort_index()

    days = part("day")
    days.index = pd.Index(
        np.array([int(k) for k in days.index], np.int64).astype("datetime64[D]"),
        dtype="datetime64[ns]",
    )
    return _Plan(
        days.sort_index().rename(None),
        part("dyad").rename(None),
        part("actor").index,
        part("type").index,
    )


@dataclass(frozen=True)
class _Keying:
    """Pass 2 on one partition: the events, keyed by the partition their dyad goes to.

    Actors and event types travel as integer codes into the archive's sorted
    codes and types (partitions with different categories meet in the
    shuffle), with each event's position in the input.  Dyads not in
    ``part_of_dyad`` (not asked for with ``dyads=``) are dropped.
    """

    config: IndexConfig
    as_of: DateLike | None
    part_of_dyad: pd.Series
    actors: pd.Index
    event_types: pd.Index
    every_dyad: bool  # every dyad must be in the plan (no dyads= selection)

    def __call__(
        self, part: pd.DataFrame, partition_info: Mapping[str, Any] | None = None
    ) -> pd.DataFrame:
        events = _checked(part, self.config, self.as_of, partition_info)
        number = 0 if partition_info is None else int(partition_info["number"])
        dyad, labels = engine.dyad_codes(
            events["actor1"].array, events["actor2"].array, directed=self.config.directed
        )
        target = self.part_of_dyad.reindex(labels).to_numpy(float)
        actors = self.actors.get_indexer(events["actor1"].cat.categories)
        types = self.event_types.get_indexer(events["event_type"].cat.categories)
        if (actors < 0).any() or (types < 0).any() or (self.every_dyad and np.isnan(target).any()):
            raise EventValidationError(
                f"Partition {number} of the dask DataFrame holds events that were not there "
                "when the archive was first read: its files changed while it was scored. "
                "Score it again once it is complete."
            )
        target = target[dyad]
        keep = ~np.isnan(target)
        out = pd.DataFrame(
            {
                "date": events["date"],
                "actor1": actors[events["actor1"].cat.codes].astype(np.int32),
                "actor2": actors[events["actor2"].cat.codes].astype(np.int32),
                "event_type": types[events["event_type"].cat.codes].astype(np.int32),
                "intensity": events["intensity"],
                "confidence": events["confidence"],
                _ROW: (number << _ROW_BITS) + np.arange(len(events), dtype=np.int64),
                _PART: np.where(keep, target, -1).astype(np.int64),
            }
        )
        return out if keep.all() else out[keep].reset_index(drop=True)


def _selected(plan: _Plan, dyads: Sequence[str] | str | None, *, directed: bool) -> pd.Index:
    """Labels of the dyads in the result, sorted, as the in-memory function selects them."""
    present = pd.Index([str(label) for label in plan.events_per_dyad.index], dtype=object)
    if dyads is None:
        return present
    wanted = [dyads] if isinstance(dyads, str) else list(dyads)
    labels = [parse_dyad(d, directed=directed) for d in wanted]
    missing = [label for label in labels if label not in present]
    if missing:
        raise unknown_dyad_error(missing[0], present, directed=directed)
    return pd.Index(sorted(set(labels)), dtype=object)


def _bounds(plan: _Plan, start: DateLike | None, end: DateLike | None) -> tuple[int, int]:
    """First and last day of the common grid, in days since 1970, checked as in memory."""
    days = plan.events_per_day.index.to_numpy().astype("datetime64[D]").astype(np.int64)
    return engine.grid_bounds(
        None if start is None else day_of(start, "start", _NAME),
        None if end is None else day_of(end, "end", _NAME),
        int(days[0]),
        int(days[-1]),
    )


def _partition_plan(labels: pd.Index, weights: np.ndarray, parts: int) -> pd.Series:
    """Target partition of each dyad: runs of dyads in label order of about equal weight.

    A dyad's weight is its number of events plus its number of grid days, the
    two things its task holds in memory.
    """
    parts = min(parts, len(labels))
    before = np.cumsum(weights) - weights
    raw = (before * parts) // max(int(weights.sum()), 1)
    # A dyad heavier than a partition's share leaves gaps in the numbering: close them.
    _, compact = np.unique(raw, return_inverse=True)
    return pd.Series(compact.astype(np.int64), index=labels)


@dataclass(frozen=True)
class _Scorer:
    """The in-memory engine on one shuffled partition; picklable, for any scheduler."""

    config: IndexConfig
    actors: pd.Index
    event_types: pd.Index
    start: DateLike
    end: DateLike
    coverage: Coverage | None
    covered_days: np.ndarray | None  # the caller's days, when coverage holds other counts
    normalize: Normalize
    baseline: int
    meta: pd.DataFrame

    def __call__(self, part: pd.DataFrame) -> pd.DataFrame:
        if len(part) == 0:
            return self.meta.copy(deep=True)
        # The input order, so that every sum adds the same numbers in the same order.
        part = part.sort_values(_ROW, kind="stable")
        codes = {name: part[name].to_numpy() for name in ("actor1", "actor2", "event_type")}
        # The columns validate_events gives (dates in nanoseconds, categories shared
        # by actor1 and actor2): the partition is scored as validated events.
        events = pd.DataFrame(
            {
                "date": part["date"].to_numpy().astype("datetime64[ns]"),
                "actor1": pd.Categorical.from_codes(codes["actor1"], categories=self.actors),
                "actor2": pd.Categorical.from_codes(codes["actor2"], categories=self.actors),
                "event_type": pd.Categorical.from_codes(
                    codes["event_type"], categories=self.event_types
                ),
                "intensity": part["intensity"].to_numpy(),
                "confidence": part["confidence"].to_numpy(),
            }
        )
        scored = ScoredEvents.from_validated(events, self.config, self.coverage)
        result = scored.index(
            start=self.start, end=self.end, normalize=self.normalize, baseline=self.baseline
        )
        if self.covered_days is not None:
            days = result["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
            result["covered"] = np.isin(days, self.covered_days)
        result = result[list(self.meta.columns)]
        result.attrs = copy.deepcopy(self.meta.attrs)  # the same in every partition
        # One set of categories for the whole result: every dyad it holds.
        result["dyad"] = result["dyad"].cat.set_categories(self.meta["dyad"].cat.categories)
        return result
