"""Score once, analyse many: events validated and reduced to arrays, once.

:func:`score` validates the events, applies the configuration and reduces
them to the per-event arrays the engine needs, in a frozen
:class:`ScoredEvents`.  Every query (the index, an explanation, contributions,
vintages) and every analysis (alerts, charts, sensitivity, calibration,
change points, asymmetry) starts from that object, so none of them validates
or prepares the events again, and none has to check that a result frame
agrees with the events it came from: they are one object.

The flow::

    events --validate_events--> validated frame --score--> ScoredEvents
    ScoredEvents.index() / .explain() / .contributions() / .vintages() / .grouped()
    alerts(scored), plot_index(scored), sensitivity(scored), ...
"""

from __future__ import annotations

import functools
import math
import sys
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from tensionindex._parallel import THREADED_ROWS, both
from tensionindex._types import NORMALIZE_OPTIONS, Normalize
from tensionindex.catalogue import (
    is_known,
    known_categories,
    quad_classes,
    sides,
    unknown_type_message,
)
from tensionindex.config import IndexConfig, with_overrides
from tensionindex.coverage import Coverage, parse_coverage
from tensionindex.dyads import parse_dyad, unknown_dyad_error
from tensionindex.engine import (
    INFORMATION_COLUMNS,
    MIN_BASELINE_DAYS,
    RESULT_COLUMNS,
    Grid,
    aggregation_factor,
    baseline_signal,
    check_grid_size,
    daily_grids,
    day_range,
    dyad_codes,
    empty_frame,
    grid_bounds,
    grid_frame,
    group_tensions,
    information_grid,
    intensity_transform,
    normalized,
    row_chunks,
    sort_by_group,
    stability_from_tension,
    stamp,
    tension_and_information,
    tension_grid,
)
from tensionindex.events import (
    DAY_NS,
    PASS_THROUGH_COLUMNS,
    ActorResolver,
    UnknownActors,
    period_lengths_of,
    validated_and_days,
)
from tensionindex.exceptions import EventValidationError, InvalidParameterError, SaturationWarning
from tensionindex.kernels import Kernel
from tensionindex.params import (
    DateLike,
    Dates,
    Dyads,
    Instance,
    Interval,
    Options,
    day_of,
    validate_params,
)

__all__ = ["GroupedTension", "IndexGrid", "ScoredEvents", "as_scored", "score"]

#: Quantile of |tension| that ``scale="auto"`` maps to stability 5 or 95.
AUTO_SCALE_QUANTILE = 0.9
#: Points from 0 or 100 within which a value counts as saturated.
SATURATION_POINTS = 1.0

EXPLAIN_COLUMNS: tuple[str, ...] = (
    "date",
    "actor1",
    "actor2",
    "event_type",
    "label",
    "category",
    "quad_class",
    "side",
    "weight",
    "category_multiplier",
    "intensity",
    "confidence",
    "signal",
    "aggregation",
    "age_days",
    "decay",
    "contribution",
)

# The constraints of the query parameters, shared by the methods and the one-line functions.
RANGE: dict[str, list[Any]] = {"start": [Dates()], "end": [Dates()], "dyads": [Dyads()]}
#: Output periods of ``index(freq=...)``: pandas offset aliases and the periods they stand for.
FREQUENCIES: dict[str, str] = {"W": "W-SUN", "MS": "M", "QS": "Q-DEC", "YS": "Y-DEC"}
#: Columns of the index by period, after ``dyad`` and ``date`` (the period's first day).
PERIOD_COLUMNS: tuple[str, ...] = (
    "days",
    "events",
    "signal",
    "mean_signal",
    "tension_end",
    "stability_end",
    "tension_mean",
    "stability_mean",
    "information_end",
    "low_information",
)
NORMALIZE: dict[str, list[Any]] = {
    "normalize": [Options(NORMALIZE_OPTIONS)],
    "baseline": [Interval(int, MIN_BASELINE_DAYS, 100_000)],
}


@dataclass(frozen=True)
class IndexGrid:
    """The index of some dyads as ``(n_dyads, n_days)`` arrays: what analyses read.

    ``events`` (count), ``signal`` (daily signal after aggregation),
    ``tension``, ``stability`` (under ``normalize``) and ``information``
    (sum_i K(t - t_i), the decayed number of events behind each value; None
    when :meth:`ScoredEvents.index_grid` was asked not to compute it), one
    row per dyad of ``labels`` and one column per day of ``grid``.
    """

    labels: pd.Index
    grid: Grid
    events: np.ndarray
    signal: np.ndarray
    tension: np.ndarray
    stability: np.ndarray
    information: np.ndarray | None  # the decayed number of events behind each value

    @property
    def decayed_count(self) -> np.ndarray:
        """:attr:`information`, which must have been computed.

        Examples
        --------
        >>> import tensionindex as ti
        >>> scored = ti.score(ti.load_example("us-china-2024"))
        >>> scored.index_grid(dyads="CHN-PHL").decayed_count.shape[0]
        1
        >>> scored.index_grid(dyads="CHN-PHL", information=False).decayed_count
        Traceback (most recent call last):
        ...
        tensionindex.exceptions.InvalidParameterError: This IndexGrid was computed without ...
        """
        if self.information is None:
            raise InvalidParameterError(
                "This IndexGrid was computed without its information grid "
                "(index_grid(information=False)); ask index_grid(information=True) for it."
            )
        return self.information

    @property
    def dates(self) -> pd.DatetimeIndex:
        """The days of the grid."""
        return pd.DatetimeIndex(self.grid.dates)


@dataclass(frozen=True)
class GroupedTension:
    """Tension split by event type or category, on the grid of the index.

    ``values[k]`` is the tension that group ``k`` alone contributes; the
    tension is ``sum_k values[k]``, or ``sum_k weights[k] * values[k]`` when the
    groups were computed per unit weight (the index is linear in the weights).
    """

    groups: tuple[str, ...]
    dyads: pd.Index
    dates: np.ndarray  # datetime64[ns], one per day of the grid
    values: np.ndarray  # (n_groups, n_dyads, n_days)
    weights: np.ndarray  # the weight in force for each event type (NaN for categories)
    config: IndexConfig
    scale: float  # the logistic scale in force (ScoredEvents.scale)

    def tension(self, weights: np.ndarray | None = None) -> np.ndarray:
        """The (n_dyads, n_days) tension for ``weights`` (default: the configuration's)."""
        w = self.weights if weights is None else np.asarray(weights, dtype=float)
        return np.tensordot(w, self.values, axes=1)


class ByDyadAndDay(NamedTuple):
    """The events in order of dyad, then day (:meth:`ScoredEvents.events_by_dyad_and_day`)."""

    order: np.ndarray  # positions in ScoredEvents.events
    bounds: np.ndarray  # dyad k's events are order[bounds[k]:bounds[k + 1]]
    day: np.ndarray  # ScoredEvents.day[order]
    signal: np.ndarray  # ScoredEvents.signal[order]


@dataclass(frozen=True, eq=False, repr=False)
class ScoredEvents:
    """Events validated, configured and reduced to arrays: the input of every query.

    Build it with :func:`score`; it is immutable, so one object can serve
    many queries and threads.  Per-event arrays are aligned with
    :attr:`events` (the validated events, a new frame: the caller's data is
    never modified).

    Attributes
    ----------
    events : pandas.DataFrame
        The validated events (see :func:`validate_events`).
    config : IndexConfig
        The configuration in force (with any overrides applied).
    labels : pandas.Index
        The dyads, sorted ("CHN-USA", or "USA->CHN" when directed).
    dyad, day : numpy.ndarray
        Per event: the dyad's position in ``labels``; the day (days since
        1970-01-01).
    raw_signal, signal : numpy.ndarray
        Per event: s_i = w * m * f(intensity) * c, and (s_i - b_i) * g_i
        (after the baseline b_i and the daily aggregation factor g_i).
    coverage : Coverage or None
        The days the source was collecting, if given.
    as_of : int or None
        The vintage day (days since 1970-01-01) if events were cut by ``as_of``.
    span : tuple of int
        First and last day of the events scored, before any :meth:`select`:
        the default bounds of every query's grid, so that a dyad's series is
        the same whether or not other dyads are asked for.
    usual : numpy.ndarray or None
        Per event: the baseline signal b_i (``neutral=`` of the
        configuration); None under ``neutral="zero"``.
    spread : numpy.ndarray or None
        Per event: the number of days n_i its signal is spread over, from
        ``day`` on (``imprecise_dates="spread"`` and events dated to a week,
        month or year; 1/n_i of the signal on each day); None when every
        event counts on one day.
    """

    events: pd.DataFrame
    config: IndexConfig
    labels: pd.Index
    dyad: np.ndarray
    day: np.ndarray
    raw_signal: np.ndarray
    signal: np.ndarray
    aggregation: np.ndarray | None  # g_i; None under "sum" (all ones)
    type_code: np.ndarray  # event type code per event (index into type_category)
    type_category: np.ndarray  # category name of each event type (object)
    day_range: tuple[int, int]  # first and last day of these events, (0, -1) without
    span: tuple[int, int]
    coverage: Coverage | None = None
    as_of: int | None = None
    usual: np.ndarray | None = None  # b_i, the baseline signal (None: neutral "zero")
    spread: np.ndarray | None = None  # days each event is spread over (None: one day each)
    _cache: dict[str, Any] = field(default_factory=dict, compare=False)

    # -- building ----------------------------------------------------------------

    @classmethod
    def from_validated(
        cls,
        events: pd.DataFrame,
        config: IndexConfig,
        coverage: Coverage | None = None,
    ) -> ScoredEvents:
        """Score events that :func:`validate_events` already returned (not checked again)."""
        return cls._build(events, config, coverage, None)

    @classmethod
    def _build(
        cls,
        events: pd.DataFrame,
        config: IndexConfig,
        coverage: Coverage | None,
        as_of: int | None,
        span: tuple[int, int] | None = None,
        *,
        day: np.ndarray | None = None,
    ) -> ScoredEvents:
        """Reduce validated events to arrays (the only place that does).

        ``day`` is each event's day if validation computed it (else divided here).
        """
        given_day = day
        types = events["event_type"].array
        resolved = config.resolve(types.categories)
        codes = types.codes

        def signal_and_day() -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
            per_type = np.asarray(resolved.weight * resolved.multiplier, dtype=float)
            # s_i = w * m * f(intensity) * c, chunk by chunk in cache into one new array.
            intensity = events["intensity"].to_numpy()
            confidence = events["confidence"].to_numpy() if config.use_confidence else None
            raw = np.empty(len(codes))
            # An overflow to inf is refused with the event's row (_check_magnitude).
            with np.errstate(over="ignore", invalid="ignore"):
                for part in row_chunks(len(codes)):
                    # mode="clip": no buffered copy (the codes are valid: validated).
                    chunk = np.take(per_type, codes[part], out=raw[part], mode="clip")
                    chunk *= intensity_transform(intensity[part], config.intensity_transform)
                    if confidence is not None:
                        chunk *= confidence[part]
                if confidence is not None:
                    reliability = dataset_reliability(events, config)
                    if reliability is not None:
                        raw *= reliability
            # Validated dates are midnight datetime64[ns]: whole days since 1970 by one division.
            day = given_day
            if day is None:
                day = events["date"].to_numpy().view(np.int64) // DAY_NS
            return raw, day, day_range(day)

        def dyads() -> tuple[np.ndarray, pd.Index]:
            actor1, actor2 = events["actor1"].array, events["actor2"].array
            return dyad_codes(actor1, actor2, directed=config.directed)

        threaded = len(events) >= THREADED_ROWS
        (raw, day, days), (dyad, labels) = both(signal_and_day, dyads, threaded=threaded)
        spread = None
        length = period_lengths(events)
        if length is not None:
            if config.imprecise_dates == "middle":
                day = day + (length - 1) // 2  # day 16 of a 31-day month
                days = day_range(day)
            else:
                _refuse_spread_with(config)
                spread = length
                days = (days[0], int((day + length - 1).max())) if len(day) else days
        usual = baseline_signal(
            dyad, day, raw, config.neutral, config.neutral_days, dataset_codes(events)
        )
        _check_magnitude(events, raw)
        centred = raw if usual is None else raw - usual
        factor, signal = cls._aggregate(dyad, day, centred, config, coverage)
        category = np.asarray(resolved.category, dtype=object)
        return cls(
            events,
            config,
            labels,
            dyad,
            day,
            raw,
            signal,
            factor,
            codes,
            category,
            days,
            days if span is None else span,
            coverage,
            as_of,
            usual,
            spread,
        )

    @staticmethod
    def _aggregate(
        dyad: np.ndarray,
        day: np.ndarray,
        raw: np.ndarray,
        config: IndexConfig,
        coverage: Coverage | None,
    ) -> tuple[np.ndarray | None, np.ndarray]:
        # kernel_mean divides by the decayed count on each day, not per event.
        if config.aggregation in ("sum", "kernel_mean"):
            return None, raw
        records = None
        if config.aggregation == "share" and coverage is not None and coverage.records is not None:
            records = (coverage.days, coverage.records)
        factor = aggregation_factor(dyad, day, config.aggregation, records)
        return factor, raw * factor

    def _take(self, mask: np.ndarray) -> ScoredEvents:
        """The events where ``mask`` holds, as if scored alone (labels, factors, span)."""
        events = self.events[mask].reset_index(drop=True)
        return ScoredEvents._build(events, self.config, self.coverage, self.as_of)

    # -- what it holds -------------------------------------------------------------

    @property
    def fingerprint(self) -> str:
        """The configuration's fingerprint: with the events, it fixes every number."""
        return self.config.fingerprint

    @property
    def factor(self) -> np.ndarray:
        """g_i for every event (ones under "sum")."""
        return np.ones(len(self.day)) if self.aggregation is None else self.aggregation

    @staticmethod
    def _day_range(day: np.ndarray, spread: np.ndarray | None) -> tuple[int, int]:
        """First and last day on which these events count (a spread event: its last day)."""
        first, last = day_range(day)
        if spread is not None and len(day):
            last = int((day + spread - 1).max())
        return first, last

    @functools.cached_property
    def _piece_layout(self) -> tuple[np.ndarray, np.ndarray]:
        """For the days of spread events: the event of each day, and its offset in the period."""
        assert self.spread is not None
        owner = np.repeat(np.arange(len(self.day)), self.spread)
        firsts = np.cumsum(self.spread) - self.spread
        offset = np.arange(len(owner)) - np.repeat(firsts, self.spread)
        return owner, offset

    def on_days(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(dyad, day, value)`` as the grids see them: per event, or per day of a spread event.

        A spread event of n days counts 1/n of ``values`` on each of its days.
        """
        if self.spread is None:
            return self.dyad, self.day, values
        owner, offset = self._piece_layout
        return self.dyad[owner], self.day[owner] + offset, (values / self.spread)[owner]

    def _linear(self) -> bool:
        """Whether every kernel in use sums events (tension = sum_i K s_i)."""
        kernels, _ = self.kernels()
        return all(k.linear for k in kernels) and self.config.kernel_of().linear

    def require_linear(self, what: str) -> None:
        """Refuse a kernel that is not a sum of events in ``what``, which splits the sum."""
        if not self._linear():
            raise InvalidParameterError(
                f"{what} needs the tension as a sum over events (sum of K * s), and "
                f"kernel={self.config.kernel!r} holds the value within bounds, which is not "
                "such a sum. Use kernel='exponential' or 'window' for this analysis."
            )

    def require_days(self, what: str) -> None:
        """Refuse events spread over their periods in ``what``, which reads each event's day."""
        if self.spread is not None:
            raise InvalidParameterError(
                f"{what} places each event on one day, and some events here are spread over "
                "their week, month or year (imprecise_dates='spread'). Score them with "
                "imprecise_dates='middle' (the default) for this analysis."
            )

    def kernel_weights(self, picked: np.ndarray, days: np.ndarray) -> np.ndarray:
        """K(t - t_i) of events ``picked`` (rows) on ``days`` (columns), 0 before the event.

        A spread event's weight is the mean of K over the days of its period
        (each day carries 1/n of it), so that sum_i s_i * weight is the grid's
        tension exactly.
        """
        kernels, per_type = self.kernels()
        code = per_type[self.type_code[picked]]
        if self.spread is None:
            owner = np.arange(len(picked))
            start = self.day[picked]
            share = np.ones(len(picked))
        else:
            n = self.spread[picked]
            owner = np.repeat(np.arange(len(picked)), n)
            start = np.repeat(self.day[picked], n) + (
                np.arange(len(owner)) - np.repeat(np.cumsum(n) - n, n)
            )
            share = 1.0 / n[owner]
        age = np.asarray(days)[None, :] - start[:, None]
        weight = np.zeros(age.shape)
        for k, kernel in enumerate(kernels):
            mine = code[owner] == k
            weight[mine] = kernel.weight(age[mine])
        weight[age < 0] = 0.0  # no look-ahead: an event counts from its own day on
        weight *= share[:, None]
        if self.spread is None:
            return weight
        out = np.zeros((len(picked), weight.shape[1]))
        np.add.at(out, owner, weight)
        return out

    @functools.cached_property
    def category(self) -> np.ndarray:
        """Category name per event (object)."""
        return np.asarray(self.type_category[self.type_code])

    def __len__(self) -> int:
        return len(self.day)

    def __repr__(self) -> str:
        first, last = self.day_range
        when = (
            f"{np.datetime64(first, 'D')} to {np.datetime64(last, 'D')}"
            if len(self)
            else "no events"
        )
        shown = ", ".join(str(label) for label in self.labels[:5])
        more = f", ... ({len(self.labels)} dyads)" if len(self.labels) > 5 else ""
        return (
            f"<ScoredEvents: {len(self)} events, {when}; dyads {shown or 'none'}{more}; "
            f"config {self.fingerprint}>"
        )

    def label_of(self, dyad: str) -> str:
        """The label of ``dyad`` among these events, or an error with suggestions.

        Accepts the spellings :func:`parse_dyad` reads ("usa-china", "USA->CHN").
        """
        if isinstance(dyad, str) and dyad in self.labels:
            return dyad  # an exact label, also a group name of by_group
        label = parse_dyad(dyad, directed=self.config.directed)
        if label not in self.labels:
            raise unknown_dyad_error(label, self.labels, directed=self.config.directed)
        return label

    def code_of(self, dyad: str) -> int:
        """The position of ``dyad`` in :attr:`labels` (its code in :attr:`dyad`)."""
        return int(self.labels.get_indexer(pd.Index([self.label_of(dyad)], dtype=object))[0])

    def positions(self, dyad: str) -> np.ndarray:
        """Positions (rows of :attr:`events`) of one dyad's events, in event order."""
        return np.flatnonzero(self.dyad == self.code_of(dyad))

    def events_by_dyad_and_day(self) -> ByDyadAndDay:
        """The events sorted by dyad, then day (ties in event order).

        Returns a :class:`ByDyadAndDay`: dyad ``k``'s events, in date order,
        are ``order[bounds[k]:bounds[k + 1]]``, and ``day`` and ``signal`` are
        the per-event arrays in that order.  Computed on first use and kept,
        so that analyses walking each dyad's history in time (alerts) sort
        and gather once per scored object, not once per call.  Two stable
        sorts of small integers (radix sorts in numpy), not a lexsort.
        """
        found = self._cache.get("by_dyad_day")
        if found is None:
            relative = self.day - self.day_range[0]
            wide = int(relative.max(initial=0)) >= 32_767
            by_day = np.argsort(relative.astype(np.int64 if wide else np.int16), kind="stable")
            small = np.int16 if len(self.labels) < 32_767 else np.int64
            order = by_day[np.argsort(self.dyad[by_day].astype(small), kind="stable")]
            counts = np.bincount(self.dyad, minlength=len(self.labels))
            bounds = np.concatenate(([0], np.cumsum(counts)))
            made = ByDyadAndDay(order, bounds, self.day[order], self.signal[order])
            found = self._cache.setdefault("by_dyad_day", made)
        return found  # type: ignore[no-any-return]

    def sided_tension(self, kernel: int, side: int) -> np.ndarray:
        """Tension of the events of one side alone, on every day of these events.

        sum_i K(t - t_i) s_i over the events whose type decays with kernel
        number ``kernel`` of :meth:`kernels` and whose signal has the sign of
        ``side`` (1: conflict, s > 0; -1: cooperation, s < 0), for every dyad
        and day from ``day_range[0]`` to ``day_range[1]`` (an
        ``(n_dyads, n_days)`` grid).  Computed on first use and kept, as
        :meth:`events_by_dyad_and_day` is: alerts read the old events of the
        other side from it on every call.  Events spread over their periods
        are refused (each event is read on its day).

        Examples
        --------
        >>> import tensionindex as ti
        >>> scored = ti.score(
        ...     [{"date": "2024-03-05", "actor1": "CHN", "actor2": "PHL",
        ...       "event_type": "water_cannon"},
        ...      {"date": "2024-03-06", "actor1": "PHL", "actor2": "CHN",
        ...       "event_type": "leader_call"}],
        ...     half_life=1,
        ... )
        >>> scored.sided_tension(0, 1), scored.sided_tension(0, -1)
        (array([[7. , 3.5]]), array([[ 0. , -4.5]]))
        """
        self.require_days("ScoredEvents.sided_tension")
        key = f"sided_tension_{kernel}_{side}"
        found = self._cache.get(key)
        if found is None:
            kernels, per_type = self.kernels()
            mine = np.flatnonzero((per_type[self.type_code] == kernel) & (self.signal * side > 0))
            first, last = self.day_range
            made = kernels[kernel].from_events(
                self.dyad[mine],
                self.day[mine] - first,
                self.signal[mine],
                n_dyads=len(self.labels),
                n_days=max(last - first + 1, 0),
                first_day=first,
            )
            found = self._cache.setdefault(key, made)
        return found  # type: ignore[no-any-return]

    # -- derived objects ------------------------------------------------------------

    def by_group(self, groups: Mapping[str, Sequence[Any] | str]) -> ScoredEvents:
        """The events of groups of dyads, scored as if each group were one dyad.

        A group index pools the events of its member dyads: China against the
        South China Sea claimants, one country against all its partners (the
        monadic index), a region.  Every query of the result (``index``,
        ``explain``, ``index(freq=...)``, the analyses) then reads the groups
        as its dyads, with every setting of the configuration applied to the
        group (its daily mean under ``"mean"``, its decayed mean per event
        under ``"kernel_mean"``, its own baseline under ``neutral="dyad"``;
        ``neutral="source"`` keeps the baseline of all the events scored):
        each event weighs as one event of the group.  For equal weight per
        member dyad, see :meth:`group_index`.

        Parameters
        ----------
        groups : mapping of str to members
            Group name to its members: a dyad label (``"CHN-PHL"``, any
            spelling :meth:`label_of` reads), ``"CHN-*"`` (every dyad of
            CHN), or ``(dyad, start, end)`` for a member during those days
            only (``None`` for an open end).  A list of them, or one.  An
            event counts for a group when its dyad is a member on the
            event's day; an event may count for several groups.

        Returns
        -------
        ScoredEvents
            Its labels are the group names (sorted); its ``events`` are the
            member events (repeated for each group they count for), so
            ``explain`` names the member dyad of every event (``actor1``,
            ``actor2``).

        Examples
        --------
        >>> import tensionindex as ti
        >>> scored = ti.score(ti.load_example("us-china-2024"))
        >>> neighbours = scored.by_group({"CHN-SCS": ["CHN-PHL", "CHN-TWN"], "CHN": "CHN-*"})
        >>> list(neighbours.labels)
        ['CHN', 'CHN-SCS']
        >>> row = neighbours.index(dyads="CHN-SCS", end="2024-03-05").iloc[-1]
        >>> bool(row["tension"] > 0)
        True
        """
        names = sorted(str(name) for name in groups)
        if not names:
            raise InvalidParameterError("by_group needs at least one group: {name: members}.")
        positions, codes = [], []
        for code, name in enumerate(names):
            where = np.flatnonzero(self._member_mask(name, groups[name]))
            positions.append(where)
            codes.append(np.full(len(where), code, dtype=np.intp))
        picked = np.concatenate(positions)
        group = np.concatenate(codes)
        cfg = self.config
        day, raw = self.day[picked], self.raw_signal[picked]
        events = self.events.iloc[picked].reset_index(drop=True)
        if cfg.neutral == "source":  # the source's baseline: from all the events, as scored
            usual = None if self.usual is None else self.usual[picked]
        else:
            datasets = dataset_codes(events)
            usual = baseline_signal(group, day, raw, cfg.neutral, cfg.neutral_days, datasets)
        centred = raw if usual is None else raw - usual
        factor, signal = self._aggregate(group, day, centred, cfg, self.coverage)
        return ScoredEvents(
            events,
            cfg,
            pd.Index(names, dtype=object),
            group,
            day,
            raw,
            signal,
            factor,
            self.type_code[picked],
            self.type_category,
            self._day_range(day, None if self.spread is None else self.spread[picked]),
            self.span,
            self.coverage,
            self.as_of,
            usual,
            None if self.spread is None else self.spread[picked],
        )

    def _members(
        self, group: str, members: Sequence[Any] | str
    ) -> list[tuple[np.ndarray, int, int]]:
        """``(dyad codes, first day, last day)`` of each member of a group (:meth:`by_group`)."""
        listed = [members] if isinstance(members, str | tuple) else list(members)
        out = []
        for member in listed:
            first, last = None, None
            if isinstance(member, tuple):
                if len(member) != 3:
                    raise InvalidParameterError(
                        f"A member of group {group!r} given as a tuple must be (dyad, start, end); "
                        f"got {member!r}."
                    )
                member, first, last = member
            if not isinstance(member, str):
                raise InvalidParameterError(
                    f"A member of group {group!r} must be a dyad such as 'CHN-PHL', 'CHN-*' or "
                    f"(dyad, start, end); got {member!r}."
                )
            if member.endswith("-*"):
                actor = member[:-2].strip().upper()
                separator = "->" if self.config.directed else "-"
                pairs = [str(label).split(separator) for label in self.labels]
                codes = np.array([k for k, pair in enumerate(pairs) if actor in pair], np.intp)
                if not len(codes):
                    raise InvalidParameterError(
                        f"The member {member!r} of group {group!r} matches no dyad: no event "
                        f"has the actor {actor!r}."
                    )
            else:
                codes = np.array([self.code_of(member)], np.intp)
            lo = -(2**62) if first is None else day_of(first, "start", "by_group")
            hi = 2**62 if last is None else day_of(last, "end", "by_group")
            out.append((codes, lo, hi))
        return out

    def _member_mask(self, group: str, members: Sequence[Any] | str) -> np.ndarray:
        """The events of a group's members, each on the days it is a member."""
        mask = np.zeros(len(self.day), bool)
        for codes, lo, hi in self._members(group, members):
            mask |= np.isin(self.dyad, codes) & (self.day >= lo) & (self.day <= hi)
        return mask

    @validate_params(
        {
            "weighting": [Options(("event", "dyad"))],
            **RANGE,
            "freq": [Options(tuple(FREQUENCIES)), Instance((None,), "None")],
        },
        name="ScoredEvents.group_index",
    )
    def group_index(
        self,
        groups: Mapping[str, Sequence[Any] | str],
        *,
        weighting: str = "event",
        start: DateLike | None = None,
        end: DateLike | None = None,
        dyads: Sequence[str] | str | None = None,
        freq: str | None = None,
    ) -> pd.DataFrame:
        """The index of groups of dyads, weighted per event or equally per member dyad.

        Parameters
        ----------
        groups : mapping of str to members
            As in :meth:`by_group`.
        weighting : {"event", "dyad"}, default "event"
            ``"event"``: the members' events pooled, each event one event of
            the group (:meth:`by_group`, then :meth:`index`; ``explain`` on
            the :meth:`by_group` result attributes it to events).
            ``"dyad"``: the mean of the member dyads' tensions on each day,
            over the members on that day, so a busy member does not drown a
            quiet one; its stability is the logistic of that mean (same
            scale as the dyads), and each member's share of it is its own
            tension divided by the number of members.
        start, end, freq
            As in :meth:`index`.
        dyads : str or list of str, optional
            Only these groups (by name).

        Returns
        -------
        pandas.DataFrame
            The columns of :meth:`index` (``dyad`` holding the group names),
            with ``members`` (member dyads on each day) under ``"dyad"``;
            with ``freq``, ``members_end`` (the members on the period's last
            day, beside ``tension_end``).

        Examples
        --------
        >>> import tensionindex as ti
        >>> scored = ti.score(ti.load_example("us-china-2024"))
        >>> groups = {"CHN-neighbours": ["CHN-PHL", "CHN-TWN"]}
        >>> by_dyad = scored.group_index(groups, weighting="dyad", end="2024-03-05")
        >>> int(by_dyad["members"].iloc[-1])
        2
        """
        if weighting == "event":
            pooled = self.by_group(groups)
            chosen = (
                None
                if dyads is None
                else [str(d) for d in ([dyads] if isinstance(dyads, str) else dyads)]
            )
            if chosen is not None:
                unknown = sorted(set(chosen) - set(pooled.labels))
                if unknown:
                    raise InvalidParameterError(
                        f"Unknown group(s) {unknown}; the groups are {list(pooled.labels)}."
                    )
            return pooled.index(start=start, end=end, dyads=chosen, freq=freq)
        names = sorted(str(name) for name in groups)
        if dyads is not None:
            wanted = {str(d) for d in ([dyads] if isinstance(dyads, str) else dyads)}
            unknown = sorted(wanted - set(names))
            if unknown:
                raise InvalidParameterError(f"Unknown group(s) {unknown}; the groups are {names}.")
            names = [n for n in names if n in wanted]
        found = self.index_grid(start=start, end=end)
        grid = found.grid
        days = grid.first_day + np.arange(grid.n_days)
        shape = (len(names), grid.n_days)
        members = np.zeros(shape)
        totals = {k: np.zeros(shape) for k in ("events", "signal", "tension", "information")}
        for g, name in enumerate(names):
            for codes, lo, hi in self._members(name, groups[name]):
                active = (days >= lo) & (days <= hi)
                for code in codes:
                    members[g] += active
                    totals["events"][g] += np.where(active, found.events[code], 0)
                    totals["signal"][g] += np.where(active, found.signal[code], 0.0)
                    totals["tension"][g] += np.where(active, found.tension[code], 0.0)
                    totals["information"][g] += np.where(active, found.decayed_count[code], 0.0)
        tension = np.divide(totals["tension"], members, out=np.zeros(shape), where=members > 0)
        merged = IndexGrid(
            pd.Index(names, dtype=object),
            grid,
            totals["events"].astype(np.int64),
            totals["signal"],
            tension,
            stability_from_tension(tension, self.scale),
            totals["information"],
        )
        values = {
            "events": merged.events,
            "signal": merged.signal,
            "tension": merged.tension,
            "stability": merged.stability,
            "information": merged.decayed_count,
            "low_information": low_information(merged.decayed_count, self.config.min_information),
        }
        extra: dict[str, Any] = {"scale": self.scale, "weighting": weighting}
        if freq is not None:
            extra["freq"] = freq
            ends = {"members": members.astype(np.int64)}
            return stamp(_by_period(merged, values, freq, ends), self.config, **extra)
        values["members"] = members.astype(np.int64)
        return stamp(grid_frame(merged.labels, grid, values), self.config, **extra)

    def select(self, dyads: Sequence[str] | str | None) -> ScoredEvents:
        """Only the events of ``dyads`` (one label or a list); ``None``: all.

        The grid's default bounds (:attr:`span`) still come from all events.
        """
        if dyads is None:
            return self
        wanted = [dyads] if isinstance(dyads, str) else list(dyads)
        labels = sorted({self.label_of(d) for d in wanted})
        keep_codes = self.labels.get_indexer(pd.Index(labels, dtype=object))
        if len(keep_codes) == len(self.labels):
            return self
        # One dyad: its positions; several: one pass marking them.
        mask = self.positions(labels[0]) if len(labels) == 1 else np.isin(self.dyad, keep_codes)
        remap = np.full(len(self.labels), -1, dtype=np.intp)
        remap[keep_codes] = np.arange(len(keep_codes))
        day = self.day[mask]
        return ScoredEvents(
            self.events.iloc[mask].reset_index(drop=True),
            self.config,
            self.labels[keep_codes],
            remap[self.dyad[mask]],
            day,
            self.raw_signal[mask],
            self.signal[mask],
            None if self.aggregation is None else self.aggregation[mask],
            self.type_code[mask],
            self.type_category,
            self._day_range(day, None if self.spread is None else self.spread[mask]),
            self.span,
            self.coverage,
            self.as_of,
            None if self.usual is None else self.usual[mask],
            None if self.spread is None else self.spread[mask],
        )

    def with_config(self, config: IndexConfig | None = None, **overrides: Any) -> ScoredEvents:
        """The same events under another configuration, without validating them again.

        ``config`` replaces the configuration (default: this one) and
        ``overrides`` change fields of it, as in :func:`score`.  Weights,
        kernels and dyads (``directed=``) are re-resolved from the validated
        events.

        Examples
        --------
        >>> import tensionindex as ti
        >>> scored = ti.score(ti.load_example("us-china-2024"))
        >>> scored.with_config(half_life=7).config.half_life
        7.0
        """
        cfg = with_overrides(self.config if config is None else config, overrides)
        if cfg == self.config:
            return self
        if cfg.custom_types != self.config.custom_types:
            types = self.events["event_type"].cat.categories
            for name in types:
                if not is_known(str(name), cfg.custom_types):
                    position = int(np.flatnonzero(self.events["event_type"].to_numpy() == name)[0])
                    raise EventValidationError(
                        f"Column 'event_type', row {position}: "
                        + unknown_type_message(str(name), cfg.custom_types)
                    )
        return ScoredEvents._build(self.events, cfg, self.coverage, self.as_of, self.span)

    # -- the engine -------------------------------------------------------------------

    def grid(self, start: DateLike | None = None, end: DateLike | None = None) -> Grid | None:
        """The days of a query: ``start``..``end``, by default the span of the events."""
        if len(self.day) == 0 and self.span[1] < self.span[0]:
            return None
        first, last = grid_bounds(
            None if start is None else day_of(start, "start", "score"),
            None if end is None else day_of(end, "end", "score"),
            *self.span,
        )
        return Grid(first, last - first + 1)

    def kernels(self) -> tuple[tuple[Kernel, ...], np.ndarray]:
        """The distinct kernels in use and each event type's position among them."""
        per_type = [self.config.kernel_of(str(c)) for c in self.type_category]
        distinct = tuple(dict.fromkeys(per_type))
        where = np.array([distinct.index(k) for k in per_type], dtype=np.intp)
        return distinct, where

    def _decayed(
        self,
        grid: Grid,
        daily: tuple[np.ndarray, np.ndarray],
        signal: np.ndarray,
        *,
        overwrite: bool = False,
    ) -> np.ndarray:
        """sum_i K(t - t_i) x_i on ``grid`` for per-event values x (``daily``: their day grids).

        With ``overwrite`` the kernel may work in ``daily[0]``.
        """
        kernels, per_type = self.kernels()
        dyad, day, value = self.on_days(signal)
        if len(kernels) <= 1:
            kernel = kernels[0] if kernels else self.config.kernel_of()
            first = self.day_range[0]
            return tension_grid(kernel, daily, grid, (dyad, day, value), first, overwrite=overwrite)
        # Categories with kernels of their own: one pass per kernel.
        total = np.zeros(daily[0].shape)
        codes = per_type[self.type_code]
        if self.spread is not None:
            codes = codes[self._piece_layout[0]]
        n_dyads = len(self.labels)
        for _, part in group_tensions(dyad, day, value, codes, kernels, n_dyads, grid):
            total += part
        return total

    def _tension(
        self, grid: Grid, *, information: bool = True
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
        """Daily signal, event count, tension and information grids of these events on ``grid``.

        Information is sum_i K(t - t_i), the decayed number of events; under
        ``kernel_mean`` the tension is sum_i K s_i / (information + prior_events).
        With ``information=False`` it is None, unless ``kernel_mean`` needs it.
        """
        daily = self._daily(grid, self.signal)
        kernels, _ = self.kernels()
        wanted = information or self.config.aggregation == "kernel_mean"
        decayed: np.ndarray | None = None
        if len(kernels) <= 1 and self.spread is None:
            kernel = kernels[0] if kernels else self.config.kernel_of()
            events = self.on_days(self.signal)
            if wanted:
                tension, decayed = tension_and_information(
                    kernel, daily, grid, events, self.day_range[0]
                )
            else:
                tension = tension_grid(kernel, daily, grid, events, self.day_range[0])
        else:  # kernels of their own per category, or days of spread events: one pass each
            tension = self._decayed(grid, daily, self.signal)
            if wanted:
                decayed = self._information(grid, daily[1])
        if self.config.aggregation == "kernel_mean":
            assert decayed is not None
            tension = _kernel_mean(tension, decayed + self.config.prior_events)
        return daily[0], daily[1], tension, decayed

    def _daily(self, grid: Grid, signal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Daily signal and event-count grids (a spread event: 1/n of both on each day)."""
        check_grid_size(len(self.labels), grid, self.config.max_grid_cells)
        dyad, day, value = self.on_days(signal)
        shares = None if self.spread is None else self.on_days(np.ones(len(self.day)))[2]
        n_dyads = len(self.labels)
        return daily_grids(dyad, day, value, n_dyads, grid, self.day_range, shares)

    def denominator(self, grid: Grid) -> np.ndarray | None:
        """Under ``kernel_mean``, information + prior_events on ``grid``; else None (1)."""
        if self.config.aggregation != "kernel_mean":
            return None
        _, count = self._daily(grid, np.ones(len(self.day)))
        return self._information(grid, count) + self.config.prior_events

    def _information(self, grid: Grid, count: np.ndarray) -> np.ndarray:
        """sum_i K(t - t_i) on ``grid``, the decayed number of events, from the daily counts."""
        kernels, _ = self.kernels()
        if len(kernels) <= 1 and self.spread is None:
            kernel = kernels[0] if kernels else self.config.kernel_of()
            dyad, day, _ = self.on_days(np.ones(len(self.day)))
            return information_grid(kernel, count, grid, (dyad, day), self.day_range[0])
        # The count grid is the daily "signal" of ones (1/n a day of a spread event, also
        # for those before the grid): decayed, the information.
        counts = (count.astype(float), count)
        return self._decayed(grid, counts, np.ones(len(self.day)), overwrite=True)

    @property
    def scale(self) -> float:
        """The logistic scale in force: the configuration's, or computed for ``"auto"``.

        ``"auto"``: the 90th percentile of the absolute tension over every dyad-day of
        these events (their whole span) whose information is at least
        ``min_information``, divided by ln 19, so that nine values in ten lie
        within [5, 95]; 1.0 if that percentile is rounding (at most 1e-9 times
        the largest event signal: signals that cancel) or so small that the scale
        would be subnormal (below ``sys.float_info.min``).  Computed once
        per scored object, from all its dyads, so that any query of it uses
        the same scale.
        """
        if self.config.scale != "auto":
            return float(self.config.scale)
        found = self._cache.get("scale")
        if found is None:
            grid = self.grid()
            value = 1.0
            if grid is not None and len(self.labels):
                _, _, tension, information = self._tension(grid)
                assert information is not None  # asked for by default
                low = low_information(information, self.config.min_information)
                informed = np.abs(tension[~low])
                # Below this, |T| is rounding (signals that cancel), not tension.
                noise = 1e-9 * float(np.abs(self.signal).max(initial=0.0))
                if len(informed):
                    high = float(np.quantile(informed, AUTO_SCALE_QUANTILE))
                    value = high / math.log(19.0) if high > noise else 1.0
                # Signals in the subnormal range (a multiplier of 5e-324, say) pass the
                # noise test, whose own bound underflows to 0, but their quotient by
                # ln 19 can round to 0 itself, and T / 0 is NaN: no usable scale.
                if not value >= sys.float_info.min:
                    value = 1.0
            found = self._cache.setdefault("scale", value)
        return float(found)

    def index_grid(
        self,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        dyads: Sequence[str] | str | None = None,
        normalize: Normalize = "logistic",
        baseline: int = 365,
        information: bool = True,
    ) -> IndexGrid:
        """The index as ``(n_dyads, n_days)`` arrays (see :meth:`index` for the parameters).

        With ``information=False`` the information grid is left out (None)
        unless the tension needs it (``kernel_mean``): one scan fewer for the
        analyses that read only the tension and the stability.
        """
        chosen = self.select(dyads)
        grid = self.grid(start, end)
        if grid is None or len(chosen.labels) == 0:
            none = np.zeros((len(chosen.labels), 0))
            return IndexGrid(
                chosen.labels, Grid(0, 0), none.astype(np.int64), none, none, none, none
            )
        signal, count, tension, decayed = chosen._tension(grid, information=information)
        stability = normalized(tension, self.scale, normalize, baseline)
        return IndexGrid(chosen.labels, grid, count, signal, tension, stability, decayed)

    # -- queries ------------------------------------------------------------------------

    @validate_params(
        {**RANGE, **NORMALIZE, "freq": [Options(tuple(FREQUENCIES)), Instance((None,), "None")]},
        name="ScoredEvents.index",
    )
    def index(
        self,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        dyads: Sequence[str] | str | None = None,
        normalize: Normalize = "logistic",
        baseline: int = 365,
        freq: str | None = None,
    ) -> pd.DataFrame:
        """The daily stability index of every dyad (or of ``dyads``).

        Parameters
        ----------
        start, end : date-like, optional
            First and last day of the output (default: the first and last
            event).  Events before ``start`` still count through the kernel;
            events after ``end`` are ignored.
        dyads : str or list of str, optional
            Only these dyads ("CHN-USA", or "USA->CHN" when directed).  The
            grid's default bounds still come from all events.
        normalize : {"logistic", "zscore", "percentile"}, default "logistic"
            What the ``stability`` column holds; see :func:`stability_index`.
        baseline : int, default 365
            Days of trailing baseline of ``normalize="zscore"``.
        freq : {"W", "MS", "QS", "YS"}, optional
            One row per dyad and period instead of per day: weeks (Monday to
            Sunday), months, quarters or years, labelled by their first day
            (see "Periods" in docs/methodology.md).  The columns are then
            ``dyad``, ``date`` (the period's first day), ``days`` (its days on
            the output grid: fewer for a period cut by ``start`` or
            ``end``), ``events``, ``signal`` (the summed daily signal),
            ``mean_signal`` (signal per event; NaN without events),
            ``tension_end`` and ``stability_end`` (on the period's last day
            on the grid), ``tension_mean`` and ``stability_mean`` (the means
            of the daily values over its days), ``information_end`` and
            ``low_information`` (at the end).  With the ``goldstein``
            weights and ``aggregation="sum"``, minus ``signal`` by month is
            the monthly Goldstein net cooperation of the literature.

        Returns
        -------
        pandas.DataFrame
            Columns ``dyad``, ``date``, ``events``, ``signal``, ``tension``,
            ``stability``, ``information`` (sum_i K(t - t_i), the decayed
            number of events behind the value) and ``low_information``
            (information below the configuration's ``min_information``: a
            quiet stretch, not a calm one), then ``covered`` when the events
            were scored with ``coverage``; one row per dyad and day, sorted by
            dyad then date.  ``attrs["tensionindex"]`` holds the
            configuration, its fingerprint, the library version and the
            logistic ``scale`` in force (computed under ``scale="auto"``).

        Warns
        -----
        SaturationWarning
            When a dyad's stability lies within 1 point of 0 or 100 on more
            than ``saturation_share`` of at least 30 days (logistic only).

        Examples
        --------
        >>> import tensionindex as ti
        >>> scored = ti.score([{"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL",
        ...                     "event_type": "water_cannon"}], half_life=1)
        >>> index = scored.index(end="2024-03-02")
        >>> index.iloc[:, :6]
              dyad       date  events  signal  tension  stability
        0  CHN-PHL 2024-03-01       1     7.0      7.0  33.181223
        1  CHN-PHL 2024-03-02       0     0.0      3.5  41.338242
        >>> index[["information", "low_information"]]
           information  low_information
        0          1.0            False
        1          0.5            False
        """
        base = (*RESULT_COLUMNS[2:], *INFORMATION_COLUMNS)
        columns = base if self.coverage is None else (*base, "covered")
        found = self.index_grid(
            start=start, end=end, dyads=dyads, normalize=normalize, baseline=baseline
        )
        extra: dict[str, Any] = {"normalize": normalize, "scale": self.scale}
        if self.as_of is not None:
            extra["as_of"] = str(np.datetime64(self.as_of, "D"))
        if found.grid.n_days == 0:
            if freq is not None:
                extra["freq"] = freq
                return stamp(empty_frame(PERIOD_COLUMNS), self.config, **extra)
            return stamp(empty_frame(columns), self.config, **extra)
        values: dict[str, np.ndarray] = {
            "events": found.events,
            "signal": found.signal,
            "tension": found.tension,
            "stability": found.stability,
            "information": found.decayed_count,
            "low_information": low_information(found.decayed_count, self.config.min_information),
        }
        if self.coverage is not None:
            days = found.grid.first_day + np.arange(found.grid.n_days)
            monitored = np.isin(days, self.coverage.days)
            values["covered"] = np.broadcast_to(monitored, found.tension.shape)
        if normalize == "logistic":
            self._warn_if_saturated(found)
        if freq is not None:
            extra["freq"] = freq
            return stamp(_by_period(found, values, freq), self.config, **extra)
        return stamp(grid_frame(found.labels, found.grid, values), self.config, **extra)

    def _warn_if_saturated(self, found: IndexGrid) -> None:
        """A :class:`SaturationWarning` naming the dyads pinned near 0 or 100."""
        stability = found.stability
        if stability.shape[1] < MIN_BASELINE_DAYS:
            return  # a few days say nothing of a series' habits
        pinned = (stability <= SATURATION_POINTS) | (stability >= 100.0 - SATURATION_POINTS)
        share = pinned.mean(axis=1)
        worst = np.flatnonzero(share > self.config.saturation_share)
        if not len(worst):
            return
        named = ", ".join(f"{found.labels[k]} ({share[k]:.0%} of days)" for k in worst[:5]) + (
            f" and {len(worst) - 5} more" if len(worst) > 5 else ""
        )
        hint = (
            'scale="auto"'
            if self.config.scale != "auto"
            else "a larger scale= (the auto scale is set by the other dyads)"
        )
        if self.config.aggregation not in ("kernel_mean",):
            hint += ', and for coded news data aggregation="kernel_mean" with neutral="dyad"'
        warnings.warn(
            f"The index sits within {SATURATION_POINTS:g} point of 0 or 100 on more than "
            f"{self.config.saturation_share:.0%} of the days for {named}: it says little there. "
            f"The logistic scale in force is {self.scale:.4g}; try {hint} "
            "(or raise saturation_share to silence this).",
            SaturationWarning,
            stacklevel=4,
        )

    @validate_params(
        {
            "dyad": [Dyads(optional=False, several=False)],
            "date": [Dates(optional=False)],
            "freq": [Options(tuple(FREQUENCIES)), Instance((None,), "None")],
        },
        name="explain",
    )
    def explain(self, dyad: str, date: DateLike, *, freq: str | None = None) -> pd.DataFrame:
        """The events behind the tension of one dyad on one day, and how much each adds.

        The tension is T = sum_i s_i * g_i * K(date - t_i) over the dyad's
        events on or before ``date``; each row is one term of that sum.  Only
        that dyad's events are read.  With ``freq`` the value explained is
        the period's mean tension (``tension_mean`` of ``index(freq=...)``)
        of the week, month, quarter or year containing ``date``.

        Parameters
        ----------
        dyad : str
            "CHN-USA", or "USA->CHN" when directed.
        date : date-like
            The day, or with ``freq`` any day of the period.
        freq : {"W", "MS", "QS", "YS"}, optional
            Explain a period of ``index(freq=freq)`` instead of a day: each
            event's ``decay`` is then the mean over the period's days of
            K(t - t_i) (times 1 / (information + prior) of each day under
            ``kernel_mean``), so that the contributions sum to
            ``tension_mean``; ``contribution_end`` (at the period's last day)
            sums to ``tension_end`` and ``in_period`` marks the events dated
            within the period, whose ``signal * aggregation`` (minus the
            baseline) sums to the period's ``signal``.  The period is cut to
            the span of the events, as the index by period is.

        Returns
        -------
        pandas.DataFrame
            One row per contributing event, sorted by absolute contribution
            (largest first): ``date``, ``actor1``, ``actor2``, ``event_type``,
            ``label``, ``category``, ``quad_class`` (verbal or material
            cooperation or conflict), ``side`` (``"conflict"`` for a
            positive weight, ``"cooperation"`` for a negative one; see
            :func:`tension_parts`), ``weight``, ``category_multiplier``,
            ``intensity``, ``confidence``, ``signal`` (s_i), ``aggregation``
            (g_i), ``age_days``, ``decay`` (K), ``contribution`` (s_i * g_i *
            K), then the pass-through columns present (``event_id``,
            ``source``, ``url``, ``description``).  ``attrs["tensionindex"]``
            holds ``dyad``, ``date``, ``tension``, ``stability``, the
            configuration, its fingerprint and the library version.

        Examples
        --------
        >>> import tensionindex as ti
        >>> scored = ti.score(ti.load_example("us-china-2024"))
        >>> why = scored.explain("CHN-PHL", "2024-06-17")
        >>> bool(abs(why["contribution"].sum() - why.attrs["tensionindex"]["tension"]) < 1e-9)
        True
        >>> month = scored.explain("CHN-PHL", "2024-03-15", freq="MS")
        >>> month.attrs["tensionindex"]["period"]
        ['2024-03-01', '2024-03-31']
        """
        cfg = self.config
        label = self.label_of(dyad)
        day = day_of(date, "date", "explain")
        if freq is not None:
            return self._explain_period(label, day, freq)
        candidates = self.positions(label)
        age = day - self.day[candidates]
        kernels, _ = self.kernels()
        reach = max((k.reach for k in kernels), default=math.inf)
        spread = 1 if self.spread is None else self.spread[candidates]
        keep = (age >= 0) & (age - (spread - 1) < reach)
        picked, age = candidates[keep], age[keep]
        factor = self.kernel_weights(picked, np.array([day]))[:, 0]
        # sum_i K: the information; kernel_mean divides every term by it plus the prior.
        information = math.fsum(factor)
        if cfg.aggregation == "kernel_mean":
            divisor = information + cfg.prior_events
            aggregation = np.full(len(picked), 1.0 / divisor if divisor > 0 else 0.0)
        elif self.aggregation is None:
            aggregation = np.ones(len(picked))
        else:
            aggregation = self.aggregation[picked]
        # signal holds (s_i - b_i) g_i; under kernel_mean g_i is the day's 1 / (I + prior).
        centred = self.signal[picked] * (aggregation if cfg.aggregation == "kernel_mean" else 1.0)
        out = self._explain_frame(picked, aggregation, age, factor, centred * factor)
        tension = math.fsum(out["contribution"])
        extra: dict[str, float] = {}
        if not self._linear():
            # The bound took off what the events' sum overshoots: said, not spread.
            held = self.select(label).index_grid(start=_date(day), end=_date(day))
            extra["bound_adjustment"] = float(held.tension[0, 0]) - tension
            tension = float(held.tension[0, 0])
        stability = float(stability_from_tension(np.array([tension]), self.scale)[0])
        return stamp(
            out,
            cfg,
            dyad=label,
            date=str(np.datetime64(day, "D")),
            tension=tension,
            stability=stability,
            information=information,
            scale=self.scale,
            **extra,
        )

    def _explain_frame(
        self,
        picked: np.ndarray,
        aggregation: np.ndarray,
        age: np.ndarray,
        decay: np.ndarray,
        contribution: np.ndarray,
        extra: Mapping[str, np.ndarray] | None = None,
    ) -> pd.DataFrame:
        """The rows of :meth:`explain` for events ``picked``, largest contribution first.

        ``extra`` columns (aligned with ``picked``) follow ``contribution``.
        """
        cfg = self.config
        frame = self.events.iloc[picked]
        # Look each event type up once, not once per event.
        types = frame["event_type"].cat
        by_type = cfg.resolve(types.categories)
        codes = types.codes.to_numpy()
        names = [str(t) for t in types.categories]
        quad_of_type = np.array(quad_classes(names, cfg.custom_types), dtype=object)
        side_of_type = sides(by_type.weight, quad_of_type)
        out = pd.DataFrame(
            {
                "date": frame["date"].to_numpy(),
                "actor1": frame["actor1"].astype(str).to_numpy(),
                "actor2": frame["actor2"].astype(str).to_numpy(),
                "event_type": frame["event_type"].astype(str).to_numpy(),
                "label": np.array(by_type.label, dtype=object)[codes],
                "category": by_type.category[codes],
                "quad_class": quad_of_type[codes],
                "side": np.asarray(side_of_type, dtype=object)[codes],
                "weight": by_type.weight[codes],
                "category_multiplier": by_type.multiplier[codes],
                "intensity": frame["intensity"].to_numpy(),
                "confidence": frame["confidence"].to_numpy(),
                "signal": self.raw_signal[picked],
                "aggregation": aggregation,
                "age_days": np.asarray(age).astype(np.int64),
                "decay": decay,
                "contribution": contribution,
                **(extra or {}),
            }
        )
        if self.usual is not None:
            # (s_i - b_i) * g_i * K: the baseline sits next to the signal it is taken from.
            out.insert(list(out.columns).index("signal") + 1, "baseline", self.usual[picked])
        for name in PASS_THROUGH_COLUMNS:
            if name in frame.columns:
                out[name] = frame[name].to_numpy()
        order = np.argsort(-np.abs(out["contribution"].to_numpy()), kind="stable")
        return out.iloc[order].reset_index(drop=True)

    def _explain_period(self, label: str, day: int, freq: str) -> pd.DataFrame:
        """:meth:`explain` of the mean tension of the period of ``freq`` containing ``day``."""
        cfg = self.config
        period = pd.Timestamp(np.datetime64(day, "D")).to_period(FREQUENCIES[freq])
        first = max(
            int(np.datetime64(period.start_time.date(), "D").astype(np.int64)), self.span[0]
        )
        last = min(int(np.datetime64(period.end_time.date(), "D").astype(np.int64)), self.span[1])
        if last < first:
            raise InvalidParameterError(
                f"The period of {np.datetime64(day, 'D')} ({period}) lies outside the events' "
                f"span, {np.datetime64(self.span[0], 'D')} to {np.datetime64(self.span[1], 'D')}."
            )
        candidates = self.positions(label)
        candidates = candidates[self.day[candidates] <= last]
        days = np.arange(first, last + 1)
        weight = self.kernel_weights(candidates, days)
        if cfg.aggregation == "kernel_mean":
            divisor = weight.sum(axis=0) + cfg.prior_events
            weight = np.divide(weight, divisor, out=np.zeros(weight.shape), where=divisor > 0)
        keep = weight.any(axis=1)
        picked, weight = candidates[keep], weight[keep]
        aggregation = (
            self.factor[picked] if cfg.aggregation != "kernel_mean" else np.ones(len(picked))
        )
        decay = weight.mean(axis=1)
        centred = self.signal[picked]
        # The share of each event's days inside the period (1 for an event of one day).
        n = np.ones(len(picked), np.int64) if self.spread is None else self.spread[picked]
        start = self.day[picked]
        inside = np.minimum(start + n - 1, last) - np.maximum(start, first) + 1
        share = np.clip(inside, 0, None) / n
        in_period = share > 0
        extra = {"contribution_end": centred * weight[:, -1], "in_period": in_period}
        age = last - self.day[picked]
        out = self._explain_frame(picked, aggregation, age, decay, centred * decay, extra)
        tension_mean = math.fsum(out["contribution"])
        tension_end = math.fsum(out["contribution_end"])
        adjustments: dict[str, float] = {}
        if not self._linear():
            held = self.select(label).index_grid(start=_date(first), end=_date(last)).tension[0]
            adjustments["bound_adjustment_mean"] = float(held.mean()) - tension_mean
            adjustments["bound_adjustment_end"] = float(held[-1]) - tension_end
            tension_mean, tension_end = float(held.mean()), float(held[-1])
        return stamp(
            out,
            cfg,
            dyad=label,
            freq=freq,
            period=[str(np.datetime64(first, "D")), str(np.datetime64(last, "D"))],
            tension_mean=tension_mean,
            tension_end=tension_end,
            signal=math.fsum(centred * share),
            stability_end=float(stability_from_tension(np.array([tension_end]), self.scale)[0]),
            scale=self.scale,
            **adjustments,
        )

    def type_counts(self) -> np.ndarray:
        """How many events each event type has (aligned with ``type_category``); kept."""
        found = self._cache.get("type_counts")
        if found is None:
            counts = np.bincount(self.type_code, minlength=len(self.type_category))
            found = self._cache.setdefault("type_counts", counts)
        return found  # type: ignore[no-any-return]

    def category_codes(self) -> tuple[np.ndarray, list[str]]:
        """Each event's category as a code into the categories present, in catalogue order.

        Computed on first use and kept (the configuration, and so each type's
        category, is fixed for this object).
        """
        found = self._cache.get("category_codes")
        if found is None:
            table, present = self._category_table()
            # One gather through a per-type table of small codes.
            found = self._cache.setdefault("category_codes", (table[self.type_code], present))
        return found  # type: ignore[no-any-return]

    def _category_table(self) -> tuple[np.ndarray, list[str]]:
        """Each event type's category code (among the categories present), and those categories."""
        catalogue = known_categories(self.config.custom_types)
        per_type = pd.Index(catalogue).get_indexer(pd.Index(self.type_category, dtype=object))
        # Which categories have events, from the types that do: no pass over events.
        used = self.type_counts() > 0
        present = sorted({int(c) for c, u in zip(per_type, used, strict=False) if u})
        remap = np.zeros(len(catalogue), dtype=np.int8 if len(catalogue) <= 127 else np.intp)
        remap[present] = np.arange(len(present))
        return remap[per_type], [catalogue[i] for i in present]

    def _group_counts(self, codes: np.ndarray, n_groups: int) -> np.ndarray:
        """Events per group when ``codes`` are the type or category codes (no pass over events)."""
        counts = self.type_counts()
        if codes is self.type_code:
            return np.asarray(counts)
        if codes is self.category_codes()[0]:
            table, _ = self._category_table()
            return np.bincount(table, counts, n_groups).astype(np.intp)
        return np.bincount(codes, minlength=n_groups)

    def _groups(
        self, grid: Grid, codes: np.ndarray, categories: Sequence[str], signal: np.ndarray
    ) -> Iterator[tuple[int, np.ndarray]]:
        """Tension per group of events; ``categories[k]`` picks group k's kernel."""
        self.require_linear("Splitting the tension by event type or category")
        check_grid_size(len(self.labels), grid, self.config.max_grid_cells)
        kernels = [self.config.kernel_of(str(c)) for c in categories]
        counts = self._group_counts(codes, len(kernels))
        dyad, day, value = self.on_days(signal)
        order = None
        if self.spread is not None:
            codes = codes[self._piece_layout[0]]
            counts = np.bincount(codes, minlength=len(kernels))
        else:
            order = self._by_group(codes, len(kernels))
        yield from group_tensions(
            dyad, day, value, codes, kernels, len(self.labels), grid, counts, order
        )

    def _by_group(self, codes: np.ndarray, n_groups: int) -> np.ndarray | None:
        """The events sorted by type or category (as ``codes`` are), stably; kept.

        Every split of the tension by type or category (contributions,
        sensitivity, calibration) reads each group's events: sorted once per
        scored object, where finding them costs a pass over all events per
        group and call.  None for other codes.
        """
        if codes is self.type_code:
            key = "by_type"
        elif codes is self.category_codes()[0]:
            key = "by_category"
        else:
            return None
        found = self._cache.get(key)
        if found is None:
            order = sort_by_group(codes, n_groups)
            if len(order) < np.iinfo(np.int32).max:  # half the memory kept
                order = order.astype(np.int32)
            found = self._cache.setdefault(key, order)
        return found  # type: ignore[no-any-return]

    @validate_params(RANGE, name="contributions")
    def contributions(
        self,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        dyads: Sequence[str] | str | None = None,
    ) -> pd.DataFrame:
        """Daily tension of each dyad split by event category.

        Returns
        -------
        pandas.DataFrame
            Columns ``dyad``, ``date``, one column per category present (in
            the catalogue's order) holding its part of the tension, and
            ``tension``, their sum (the index's ``tension`` up to rounding).

        Examples
        --------
        >>> import tensionindex as ti
        >>> scored = ti.score(ti.load_example("us-china-2024"))
        >>> parts = scored.contributions(dyads="CHN-PHL")
        >>> list(parts.columns[:2]), "tension" in parts.columns
        (['dyad', 'date'], True)
        """
        chosen = self.select(dyads)
        grid = self.grid(start, end)
        codes, categories = chosen.category_codes()
        if grid is None or len(chosen.labels) == 0:
            return stamp(empty_frame([*categories, "tension"]), self.config)
        parts = {
            categories[k]: t for k, t in chosen._groups(grid, codes, categories, chosen.signal)
        }
        divide = chosen.denominator(grid)
        if divide is not None:
            parts = {name: _kernel_mean(part, divide) for name, part in parts.items()}
        total = np.zeros((len(chosen.labels), grid.n_days))
        for part in parts.values():
            np.add(total, part, out=total)
        frame = grid_frame(chosen.labels, grid, {**parts, "tension": total})
        return stamp(frame, self.config)

    def unit_signal(self) -> np.ndarray:
        """s_i / w_i = m * f(intensity) * c * g: each event's signal per unit of weight."""
        cfg, events = self.config, self.events
        types = events["event_type"].cat
        multiplier = cfg.resolve(types.categories).multiplier[types.codes.to_numpy()]
        unit = multiplier * intensity_transform(
            events["intensity"].to_numpy(), cfg.intensity_transform
        )
        if cfg.use_confidence:
            unit = unit * events["confidence"].to_numpy()
            reliability = dataset_reliability(events, cfg)
            if reliability is not None:
                unit = unit * reliability
        return np.asarray(unit * self.factor, dtype=float)

    @validate_params(
        {"by": [Options(("event_type", "category"))], **RANGE}, name="ScoredEvents.grouped"
    )
    def grouped(
        self,
        *,
        by: str = "event_type",
        per_unit_weight: bool = False,
        start: DateLike | None = None,
        end: DateLike | None = None,
        dyads: Sequence[str] | str | None = None,
    ) -> GroupedTension:
        """Tension of every dyad and day, split by ``event_type`` or ``category``.

        With ``per_unit_weight=True`` (event types only) each type's part is
        computed with weight 1, so that any set of weights gives the tension
        exactly as ``result.tension(weights)``: the basis of sensitivity
        analysis and calibration, which need no recomputation per draw.
        """
        if per_unit_weight and by != "event_type":
            raise InvalidParameterError(
                "The 'per_unit_weight' parameter of ScoredEvents.grouped is True, which needs "
                f"by='event_type' (weights belong to event types). Got by={by!r} instead."
            )
        if per_unit_weight and self.config.neutral != "zero":
            neutral = self.config.neutral
            raise InvalidParameterError(
                "The 'per_unit_weight' parameter of ScoredEvents.grouped is True, which needs "
                f"neutral='zero'; these events are scored with neutral={neutral!r}. Under "
                f"neutral={neutral!r} each event's baseline mixes the weights of other event "
                "types, so the tension does not split into one part per type. Score with "
                "neutral='zero' for per-type weights (scored.with_config(neutral='zero') "
                "keeps the validated events), or leave per_unit_weight out."
            )
        chosen = self.select(dyads)
        grid = self.grid(start, end)
        cfg = self.config
        if by == "event_type":
            codes = chosen.type_code
            names = tuple(str(c) for c in chosen.events["event_type"].cat.categories)
            resolved = cfg.resolve(names)
            weights, categories = resolved.weight, [str(c) for c in resolved.category]
        else:
            codes, present = chosen.category_codes()
            names = tuple(present)
            weights, categories = np.full(len(names), np.nan), list(names)
        if grid is None or len(chosen.labels) == 0:
            empty = np.zeros((len(names), len(chosen.labels), 0))
            no_dates = np.array([], "datetime64[ns]")
            return GroupedTension(names, chosen.labels, no_dates, empty, weights, cfg, self.scale)
        signal = chosen.unit_signal() if per_unit_weight else chosen.signal
        values = np.zeros((len(names), len(chosen.labels), grid.n_days))
        for k, tension in chosen._groups(grid, codes, categories, signal):
            values[k] = tension
        divide = chosen.denominator(grid)
        if divide is not None:
            values = _kernel_mean(values, divide)
        return GroupedTension(names, chosen.labels, grid.dates, values, weights, cfg, self.scale)

    def known_by(self, as_of: DateLike) -> ScoredEvents:
        """The events reported on or before ``as_of``, scored alone (a vintage).

        Needs a ``reported`` column in the events.
        """
        day = day_of(as_of, "as_of", "score")
        cut = known_by(self.events, day)
        return ScoredEvents._build(cut, self.config, self.coverage, day)

    @validate_params({"dyads": [Dyads()]}, name="vintages")
    def vintages(
        self, dates: Iterable[DateLike], *, dyads: Sequence[str] | str | None = None
    ) -> pd.DataFrame:
        """What the index read on each of ``dates``, using only the events known then.

        For each vintage date D the index is computed from the events reported
        on or before D (the events need a ``reported`` column) and read on day
        D itself, so late-reported events show up in later vintages only.

        Returns
        -------
        pandas.DataFrame
            Columns ``vintage`` (the date D), ``dyad``, ``events_known``
            (events of the dyad reported by D and dated on or before it),
            ``tension`` and ``stability`` on day D.
        """
        if isinstance(dates, str) or not isinstance(dates, Iterable):
            raise InvalidParameterError(
                "The 'dates' parameter of vintages must be a list of dates such as "
                f"['2024-03-01', '2024-04-01']. Got {dates!r} instead."
            )
        require_reported(self.events)
        reported = self.events["reported"].to_numpy()
        frames = []
        for value in dates:
            day = day_of(value, "dates", "vintages")
            known = reported <= np.datetime64(day, "D").astype("datetime64[ns]")
            if not known.any() or (self.day[known] > day).all():
                continue
            subset = self._take(known)
            found = subset.index_grid(
                start=np.datetime64(day, "D"), end=np.datetime64(day, "D"), dyads=dyads
            )
            upto = subset.day <= day
            counts = np.bincount(subset.dyad[upto], minlength=len(subset.labels))
            codes = subset.labels.get_indexer(found.labels)
            frames.append(
                pd.DataFrame(
                    {
                        "vintage": np.repeat(found.grid.dates, len(found.labels)),
                        "dyad": np.asarray(found.labels, dtype=object),
                        "events_known": counts[codes].astype(np.int64),
                        "tension": found.tension[:, 0],
                        "stability": found.stability[:, 0],
                    }
                )
            )
        if not frames:
            empty = empty_frame(["events_known", "tension", "stability"], first=("vintage",))
            empty.insert(1, "dyad", np.array([], dtype=object))
            return empty
        return stamp(pd.concat(frames, ignore_index=True), self.config)


def require_reported(events: pd.DataFrame) -> None:
    """Refuse events without a ``reported`` column, saying how to add one."""
    if "reported" not in events.columns:
        raise EventValidationError(
            "as_of needs to know when each event became known: add a 'reported' column "
            "(the date it was reported or ingested; GDELT's DATEADDED) to the events."
        )


def low_information(information: np.ndarray, threshold: float) -> np.ndarray:
    """Where the information is below ``threshold``, to rounding (1e-9 relative).

    Information equal to the threshold (one fresh event against the
    threshold 1) counts as enough whatever the last bit of the sum.

    Examples
    --------
    >>> low_information(np.array([0.24, 0.25 * (1 - 1e-15), 0.3]), 0.25)
    array([ True, False, False])
    """
    return np.asarray(information < threshold * (1.0 - 1e-9))


def period_codes(first_day: int, n_days: int, freq: str) -> tuple[np.ndarray, pd.DatetimeIndex]:
    """Each day's period (0, 1, ...) and each period's first day, for ``freq``.

    Days are whole days since 1970-01-01 from ``first_day``; periods are
    calendar weeks (Monday to Sunday), months, quarters or years.
    """
    days = pd.DatetimeIndex((first_day + np.arange(n_days)).astype("datetime64[D]"))
    periods = days.to_period(FREQUENCIES[freq])
    codes, uniques = pd.factorize(periods, sort=True)
    return np.asarray(codes, dtype=np.intp), pd.PeriodIndex(uniques).start_time


def _by_period(
    found: IndexGrid,
    values: Mapping[str, np.ndarray],
    freq: str,
    at_end: Mapping[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """The daily grids of ``values`` summarised by period (see ``index(freq=...)``).

    ``at_end`` (optional): more daily grids, each read on the period's last
    day as a column ``<name>_end``.
    """
    codes, starts = period_codes(found.grid.first_day, found.grid.n_days, freq)
    firsts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    lasts = np.r_[firsts[1:], len(codes)] - 1
    days = np.diff(np.r_[firsts, len(codes)])

    def total(grid: np.ndarray) -> np.ndarray:
        return np.add.reduceat(np.asarray(grid, dtype=float), firsts, axis=1)

    events = np.add.reduceat(found.events, firsts, axis=1)
    if events.dtype.kind == "f":  # spread events: 1/n on each day, summed to rounding
        events = np.round(events, 9)
    signal = total(found.signal)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_signal = np.where(events > 0, signal / np.maximum(events, 1), np.nan)
    columns = {
        "days": np.broadcast_to(days, events.shape).astype(np.int64),
        "events": events if events.dtype.kind == "f" else events.astype(np.int64),
        "signal": signal,
        "mean_signal": mean_signal,
        "tension_end": found.tension[:, lasts],
        "stability_end": found.stability[:, lasts],
        "tension_mean": total(found.tension) / days,
        "stability_mean": total(found.stability) / days,
        "information_end": found.decayed_count[:, lasts],
        "low_information": np.asarray(values["low_information"])[:, lasts],
        **{f"{name}_end": grid[:, lasts] for name, grid in (at_end or {}).items()},
    }
    n_dyads, n_periods = events.shape
    out = {
        "dyad": pd.Categorical.from_codes(
            np.repeat(np.arange(n_dyads), n_periods), categories=found.labels
        ),
        "date": np.tile(starts.to_numpy().astype("datetime64[ns]"), n_dyads),
        **{name: np.asarray(grid).ravel() for name, grid in columns.items()},
    }
    return pd.DataFrame(out)


def _kernel_mean(total: np.ndarray, divisor: np.ndarray) -> np.ndarray:
    """total / divisor, and 0 where the divisor is 0 (no event yet and no prior: neutral)."""
    out = np.zeros(np.broadcast(total, divisor).shape)
    return np.asarray(np.divide(total, divisor, out=out, where=divisor > 0))


def dataset_codes(events: pd.DataFrame) -> np.ndarray | None:
    """Each event's dataset as a code (None without a ``dataset`` column)."""
    if "dataset" not in events.columns:
        return None
    codes, _ = pd.factorize(events["dataset"].astype(object).fillna(""), sort=True)
    return np.asarray(codes, dtype=np.intp)


def dataset_reliability(events: pd.DataFrame, config: IndexConfig) -> np.ndarray | None:
    """Per event, its dataset's confidence from ``config.dataset_confidence`` (None: all 1)."""
    if not config.dataset_confidence or "dataset" not in events.columns:
        return None
    names = events["dataset"].astype(object)
    table = pd.Series(dict(config.dataset_confidence), dtype=float)
    return np.asarray(names.map(table).fillna(1.0).to_numpy(dtype=float))


def _check_magnitude(events: pd.DataFrame, raw: np.ndarray) -> None:
    """Refuse signals whose sum overflows a float, naming the largest event.

    Every tension is bounded by the sum of |s_i| (the kernels weigh an event
    by at most 1), so when that sum is finite every value is, and when it is
    not the index would read inf or NaN: say so instead.
    """
    if len(raw) == 0:
        return
    # The largest |s_i| times their number bounds the sum: two reductions and no
    # array of |s_i| settle the usual case; the sum itself only near the limit.
    top = max(float(raw.max()), -float(raw.min()))
    if top * len(raw) < 1e300:  # also False for NaN
        return
    with np.errstate(over="ignore", invalid="ignore"):
        total = float(np.abs(raw).sum())
    if math.isfinite(total):
        return
    magnitude = np.abs(raw)
    row = int(np.nanargmax(np.where(np.isnan(magnitude), np.inf, magnitude)))
    event = events.iloc[row]
    raise EventValidationError(
        f"Row {row}: the signal of this event ({event['event_type']}, intensity "
        f"{float(event['intensity']):g}) is {float(raw[row]):g}, and the sum of the events' "
        "|signals| overflows a float (about 1.8e308): the index would read inf. Give "
        "intensities and weights of ordinary size (a signal is weight x category multiplier "
        "x f(intensity) x confidence)."
    )


def _date(day: int) -> np.datetime64:
    """Days since 1970-01-01 as a date, for the ``start``/``end`` of a query."""
    return np.datetime64(int(day), "D")


def period_lengths(events: pd.DataFrame) -> np.ndarray | None:
    """Days in each event's period (7 a week, 28 to 31 a month, 365 or 366 a year; 1 a day).

    None when the events have no ``date_precision`` column or every event is
    dated to the day.  Dates are at the start of their periods (as
    :func:`validate_events` leaves them).

    Examples
    --------
    >>> import tensionindex as ti
    >>> events = ti.validate_events([
    ...     {"date": d, "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"}
    ...     for d in ("2024-02", "2024", "2024-W11", "2024-03-05")
    ... ])
    >>> period_lengths(events)
    array([ 29, 366,   7,   1])
    """
    if "date_precision" not in events.columns:
        return None
    code = events["date_precision"].cat.codes.to_numpy()
    if not code.any():
        return None
    return period_lengths_of(events["date"].to_numpy(), code)


def _refuse_spread_with(config: IndexConfig) -> None:
    """Daily aggregations have no meaning for an event spread over many days: say so."""
    if config.aggregation in ("mean", "share"):
        raise InvalidParameterError(
            f"aggregation={config.aggregation!r} divides each day's events by that day's "
            "count, which an event spread over its week, month or year does not have. "
            "Use imprecise_dates='middle' (the default), or aggregation='sum' or "
            "'kernel_mean'."
        )


def known_by(events: pd.DataFrame, as_of: int) -> pd.DataFrame:
    """The validated events reported on or before day ``as_of`` (needs ``reported``)."""
    require_reported(events)
    day = np.datetime64(as_of, "D").astype("datetime64[ns]")
    kept: pd.DataFrame = events[events["reported"].to_numpy() <= day].reset_index(drop=True)
    return kept


@validate_params({"as_of": [Dates()], "unknown_actors": [Options(("error", "keep"))]}, name="score")
def score(
    events: pd.DataFrame | Sequence[Mapping[str, Any]],
    config: IndexConfig | None = None,
    *,
    coverage: pd.Series | Iterable[DateLike] | None = None,
    as_of: DateLike | None = None,
    unknown_actors: UnknownActors = "error",
    actor_resolver: ActorResolver | None = None,
    columns: Mapping[str, str] | None = None,
    **overrides: Any,
) -> ScoredEvents:
    """Validate and prepare events once, for any number of queries and analyses.

    Parameters
    ----------
    events : pandas.DataFrame or list of dict
        Events as accepted by :func:`validate_events` (validated here).
    config : IndexConfig, optional
        The configuration; ``IndexConfig()`` (the ``goldstein`` profile) by default.
    coverage : pandas.Series or collection of dates, optional
        The days the source was collecting: a Series of record counts indexed
        by date (as ``ReadReport.coverage`` gives) or just the dates.  The
        index then gains a boolean ``covered`` column, and record counts are
        the denominators of ``aggregation="share"``.
    as_of : date-like, optional
        Use only events reported on or before this date (the events need a
        ``reported`` column): what the index read at the time.
    unknown_actors : {"error", "keep"}, default "error"
        An actor name that no table resolves is an error with suggestions;
        ``"keep"`` keeps it as a code and counts it in
        ``scored.events.attrs["tensionindex_actors"]`` (see
        :func:`validate_events` and docs/countries.md).
    actor_resolver : callable, optional
        ``actor_resolver(value, date)`` gives the code of an actor value the
        tables do not resolve (None: unknown), e.g. another library's lookup.
    columns : mapping of str to str, optional
        Your column names mapped to canonical ones, e.g. ``{"when": "date"}``,
        as in :func:`validate_events`.  Only for raw events: scored events
        were renamed when they were validated.
    **overrides
        Configuration fields to change, e.g. ``half_life=14``,
        ``kernel="window"``, ``weights={"water_cannon": 12.0}``.

    Returns
    -------
    ScoredEvents
        Immutable; its methods are the queries (:meth:`ScoredEvents.index`,
        :meth:`~ScoredEvents.explain`, :meth:`~ScoredEvents.contributions`,
        :meth:`~ScoredEvents.vintages`, :meth:`~ScoredEvents.with_config`),
        and the analyses (:func:`alerts`, :func:`plot_index`,
        :func:`sensitivity`, ...) take it as their first argument.

    Examples
    --------
    >>> import tensionindex as ti
    >>> scored = ti.score(ti.load_example("us-china-2024"), half_life=30)
    >>> scored.index(dyads="CHN-PHL").shape[1]
    8
    >>> scored.explain("CHN-PHL", "2024-06-17").shape[0] > 0
    True
    """
    if isinstance(events, ScoredEvents):
        if columns is not None:
            raise InvalidParameterError(
                "The 'columns' parameter of score must be None for events already scored "
                f"(it renames the columns of raw events). Got {columns!r} instead."
            )
        return events.with_config(config, **overrides)
    cfg = with_overrides(config, overrides)
    # The days come from checking the dates: scoring does not divide the nanoseconds again.
    validated, day = validated_and_days(
        events,
        columns=columns,
        config=cfg,
        unknown_actors=unknown_actors,
        actor_resolver=actor_resolver,
    )
    as_of_day = None if as_of is None else day_of(as_of, "as_of", "score")
    if as_of_day is not None:
        validated, day = known_by(validated, as_of_day), None
    return ScoredEvents._build(validated, cfg, parse_coverage(coverage), as_of_day, day=day)


def as_scored(
    data: ScoredEvents | pd.DataFrame | Sequence[Mapping[str, Any]],
    config: IndexConfig | None = None,
    overrides: Mapping[str, Any] | None = None,
    *,
    coverage: object = None,
) -> ScoredEvents:
    """``data`` as a ScoredEvents: itself (under ``config``/``overrides`` if given), or scored.

    The analyses call this on their first argument, so they accept scored
    events (nothing is validated again) or raw events (scored once here).
    """
    if isinstance(data, ScoredEvents):
        if coverage is not None:
            raise InvalidParameterError(
                "coverage is given to score(), not to an analysis of scored events: "
                "score(events, coverage=...) and pass the result."
            )
        if config is None and not overrides:
            return data
        return data.with_config(config, **(overrides or {}))
    return score(data, config, coverage=coverage, **(overrides or {}))  # type: ignore[arg-type]
