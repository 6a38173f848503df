"""Incremental updates: the index advanced batch by batch, as a service receives events.

:class:`IndexState` holds what the index needs to go on from the last day it
emitted, and nothing more (see :mod:`tensionindex.state_schema` for the data
and its JSON form):

* for each kernel of the configuration (one per distinct kernel, e.g. one
  per half-life when categories have half-lives of their own), the kernel's
  *carry* on the state's anchor day, as :meth:`Kernel.compress
  <tensionindex.kernels.Kernel.compress>` folds the past: for the exponential
  kernel the value its scan carries into the current block and the daily
  signals since, the daily signals of the last ``window`` days for the window
  kernel;
* with ``late="correct"``, the *history* of the last ``lookback`` emitted
  days: each dyad-day's event count and its summed signals before daily
  aggregation, per kernel, from which a late event's day (and, under
  ``"mean"`` and ``"share"``, the aggregation factors of that day) can be
  recomputed.

Each update prepares the batch as :func:`tensionindex.score` does
(:meth:`ScoredEvents.from_validated`), computes the daily aggregation factors
with the engine's :func:`~tensionindex.engine.aggregation_factor`, and scores
the new days with each kernel's own :meth:`Kernel.resume
<tensionindex.kernels.Kernel.resume>`, from the carry and the history.  So the
rows equal those of :func:`tensionindex.stability_index` on all the events so
far, and do not depend on how the events were split into batches, to the last
bit (tests/properties/test_determinism.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from tensionindex._sums import exact_bincount
from tensionindex.config import IndexConfig, with_overrides
from tensionindex.engine import (
    RESULT_COLUMNS,
    Grid,
    aggregation_factor,
    check_grid_size,
    empty_frame,
    stability_from_tension,
    stamp,
)
from tensionindex.events import validate_events
from tensionindex.exceptions import ConfigurationError, EventValidationError
from tensionindex.params import DateLike, Dates, day_of, invalid, validate_params
from tensionindex.scored import ScoredEvents
from tensionindex.state_schema import (
    LATE,
    MAX_LOOKBACK,
    PARAMS,
    Carry,
    Cells,
    Late,
    Snapshot,
    combine,
    decode,
    encode,
    iso,
    kernels_of,
    open_days,
)

__all__ = ["LATE", "MAX_ADVANCE_DAYS", "MAX_LOOKBACK", "IndexState", "Late"]

#: Furthest an update may advance past the last emitted day, in days (100 years):
#: every dyad gets a row per day, so a mistyped ``until`` would fill memory.
MAX_ADVANCE_DAYS = 36_525


def _check_incremental(config: IndexConfig) -> None:
    """Refuse the settings that the state's carries cannot hold."""
    problems = [
        (
            config.aggregation == "kernel_mean",
            "aggregation='kernel_mean'",
            "it divides by the decayed number of events, a second carry the state does not keep",
        ),
        (
            config.neutral != "zero",
            f"neutral={config.neutral!r}",
            "each event's baseline needs the dyad's (or every dyad's) earlier events",
        ),
        (config.scale == "auto", "scale='auto'", "it is computed from every dyad's whole history"),
    ]
    for refused, setting, why in problems:
        if refused:
            raise ConfigurationError(
                f"IndexState cannot score with {setting}: {why}. Use tensionindex.score(...) "
                "on the events, or another setting for the state."
            )


class IndexState:
    """The stability index kept up to date batch by batch, for services.

    Feed it batches of events in date order with :meth:`update`; each call
    returns the index rows of the days it advanced, equal (to rounding) to the
    rows :func:`stability_index` gives on all the events received so far.
    The state is small and bounded, and :meth:`to_dict` turns it into plain
    JSON so that a stateless service can keep it between calls.

    Parameters
    ----------
    config : IndexConfig, optional
        The configuration; ``IndexConfig()`` (the ``goldstein`` profile) by
        default.
    late : {"reject", "correct"}, default "reject"
        What to do with an event dated on or before the last emitted day.
        ``"reject"``: raise :class:`EventValidationError` naming the event's
        dyad, its date and the last emitted day; emitted rows are final.
        ``"correct"``: apply it and emit again, with corrected values, every
        row it changes (see :meth:`update`), as long as it falls within the
        last ``lookback`` emitted days.
    lookback : int, default 30
        With ``late="correct"``, how many of the last emitted days can still
        take late events, in days (1 to 100000); the state keeps each dyad's
        event counts and signals for those days.  ``lookback=1`` keeps only
        the last emitted day open, e.g. today while events are still coming
        in.  Ignored with ``late="reject"``.
    **overrides
        Configuration fields to change, e.g. ``half_life=14``,
        ``kernel="window"``, ``aggregation="mean"``.

    Raises
    ------
    InvalidParameterError
        For an invalid ``late`` or ``lookback``.
    ConfigurationError
        For an invalid configuration or override.

    See Also
    --------
    stability_index : the whole index from all events at once.
    update_records : one update as JSON in, JSON out.

    Notes
    -----
    The index is the logistic ``stability`` of :func:`stability_index`
    (``normalize="logistic"``) without ``coverage=``: under
    ``aggregation="share"`` a day's denominator is the number of events the
    state received for that day, across all dyads.

    The state is not safe to update from several threads at once; give each
    request its own state (``IndexState.from_dict``), as a stateless service
    does.

    Examples
    --------
    >>> from tensionindex.state import IndexState
    >>> state = IndexState(half_life=2)
    >>> state.update([
    ...     {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL",
    ...      "event_type": "water_cannon"},
    ... ])
          dyad       date  events  signal  tension  stability
    0  CHN-PHL 2024-03-01       1     7.0      7.0  33.181223
    >>> state.update([
    ...     {"date": "2024-03-04", "actor1": "PHL", "actor2": "CHN",
    ...      "event_type": "critical_statement"},
    ... ])
          dyad       date  events  signal   tension  stability
    0  CHN-PHL 2024-03-02       0     0.0  4.949747  37.872235
    1  CHN-PHL 2024-03-03       0     0.0  3.500000  41.338242
    2  CHN-PHL 2024-03-04       1     2.0  4.474874  38.995833
    >>> state.last_day
    Timestamp('2024-03-04 00:00:00')
    """

    __slots__ = ("_config", "_kernels", "_late", "_lookback", "_now")

    @validate_params(PARAMS, name="IndexState")
    def __init__(
        self,
        config: IndexConfig | None = None,
        *,
        late: Late = "reject",
        lookback: int = 30,
        **overrides: Any,
    ) -> None:
        self._config = with_overrides(config, overrides)
        _check_incremental(self._config)
        self._late: Late = late
        self._lookback = int(lookback)
        self._kernels = kernels_of(self._config)
        self._now = Snapshot.empty(len(self._kernels))

    # -- what the state holds ------------------------------------------------

    @property
    def config(self) -> IndexConfig:
        """The configuration the state scores with."""
        return self._config

    @property
    def late(self) -> Late:
        """``"reject"`` or ``"correct"``: what happens to events for emitted days."""
        return self._late

    @property
    def lookback(self) -> int:
        """Days before the last emitted day, inclusive, that take late events (``"correct"``)."""
        return self._lookback

    @property
    def last_day(self) -> pd.Timestamp | None:
        """The last day emitted so far, or None before the first event."""
        last = self._now.last
        return None if last is None else pd.Timestamp(iso(last))

    @property
    def dyads(self) -> tuple[str, ...]:
        """The dyads seen so far, sorted."""
        return self._now.labels

    def __repr__(self) -> str:
        last = self._now.last
        return (
            f"IndexState(dyads={len(self._now.labels)}, "
            f"last_day={'None' if last is None else iso(last)}, late={self._late!r}, "
            f"lookback={self._lookback}, fingerprint={self._config.fingerprint!r})"
        )

    # -- updating --------------------------------------------------------------

    @validate_params({"until": [Dates()]}, name="IndexState.update")
    def update(
        self,
        events: pd.DataFrame | Sequence[Mapping[str, Any]],
        *,
        until: DateLike | None = None,
    ) -> pd.DataFrame:
        """Add a batch of events and return the index rows of the days it advanced.

        Parameters
        ----------
        events : pandas.DataFrame or list of dict
            The new events, as accepted by :func:`validate_events`; their
            order within the batch does not matter.  May be empty.
        until : date-like, optional
            Advance to this day even without events on it (the tension decays
            meanwhile): a service calls ``update([], until=today)``.  It must
            not come before the batch's latest event or the last emitted day,
            nor more than :data:`MAX_ADVANCE_DAYS` (36525, 100 years) after
            the last emitted day (or, for a new state, the batch's first
            event).  By default the state advances to the latest event of the
            batch.

        Returns
        -------
        pandas.DataFrame
            Columns ``dyad``, ``date``, ``events``, ``signal``, ``tension``,
            ``stability`` as in :func:`stability_index`, sorted by dyad then
            date.  For every dyad seen so far: the days after the last emitted
            day up to the new one (the latest event, or ``until``).  A dyad
            seen for the first time starts on the day of its first event.
            With ``late="correct"``, each dyad whose values a late event
            changes is emitted again from the first changed day (its late
            event's day; under ``aggregation="share"`` also every dyad with
            events on that day, whose denominator changed): a row with the
            same dyad and date replaces the one emitted before.  Nothing is
            emitted, and the state does not advance, for an empty batch
            without ``until``.

        Raises
        ------
        EventValidationError
            For invalid events or dates; for an event dated on or before the
            last emitted day under ``late="reject"``, or before the last
            ``lookback`` days under ``late="correct"`` (the message names the
            dyad, the date and the last emitted day); for ``until`` before
            the batch's latest event or the last emitted day.  The state is
            unchanged after an error.
        InvalidParameterError
            For an ``until`` that is not a date, or too far ahead.

        Examples
        --------
        >>> from tensionindex.state import IndexState
        >>> state = IndexState(half_life=1, late="correct", lookback=7)
        >>> first = state.update([{"date": "2024-03-01", "actor1": "CHN",
        ...                        "actor2": "PHL", "event_type": "water_cannon"}],
        ...                      until="2024-03-02")
        >>> state.update([{"date": "2024-03-02", "actor1": "USA", "actor2": "CHN",
        ...                "event_type": "leader_call"}])
              dyad       date  events  signal  tension  stability
        0  CHN-USA 2024-03-02       1    -4.5     -4.5  61.063923
        """
        cfg = self._config
        last = self._now.last
        validated = validate_events(events, config=cfg)
        until_day = None if until is None else day_of(until, "until", "IndexState.update")
        if until_day is not None and last is not None and until_day < last:
            raise EventValidationError(
                f"The 'until' date {iso(until_day)} comes before the last emitted day "
                f"{iso(last)}; a state only moves forward. Late events go in a batch "
                "of their own (with late='correct')."
            )
        if len(validated) == 0:
            if until_day is None or last is None or until_day == last:
                return stamp(empty_frame(RESULT_COLUMNS[2:]), cfg)
            self._check_reach(until, until_day, last, "the last emitted day")
            none = np.zeros(0, np.int64)
            return self._advance([], none, none, np.zeros(0), none, until_day)
        prepared = ScoredEvents.from_validated(validated, cfg)
        prepared.require_days("IndexState")
        names = [str(label) for label in prepared.labels]
        dyad = np.asarray(prepared.dyad, np.int64)
        day = np.asarray(prepared.day, np.int64)
        # Each event's kernel, grouped as ScoredEvents.kernels() groups them.
        found, per_type = prepared.kernels()
        position = np.array([self._kernels.index(k) for k in found], dtype=np.int64)
        kernel = position[per_type[prepared.type_code]]
        latest = int(day.max())
        if until_day is not None:
            if until_day < latest:
                raise EventValidationError(
                    f"The 'until' date {iso(until_day)} comes before the latest event of the "
                    f"batch ({iso(latest)}); give an 'until' on or after it, or leave it out."
                )
            if last is None:
                self._check_reach(until, until_day, int(day.min()), "the batch's first event")
            else:
                self._check_reach(until, until_day, last, "the last emitted day")
        self._check_late_events(names, dyad, day)
        # The new last day: the latest event, 'until', or (late events only) the old one.
        new_last = max(d for d in (latest, until_day, last) if d is not None)
        raw = np.asarray(prepared.raw_signal, float)
        return self._advance(names, dyad, day, raw, kernel, new_last)

    @staticmethod
    def _check_reach(until: DateLike, until_day: int, since: int, what: str) -> None:
        if until_day - since > MAX_ADVANCE_DAYS:
            raise invalid(
                "IndexState.update",
                "until",
                f"a date at most {MAX_ADVANCE_DAYS} days (100 years) after {what} "
                f"({iso(since)}): every dyad gets a row per day",
                until,
            )

    def _check_late_events(self, names: list[str], dyad: np.ndarray, day: np.ndarray) -> None:
        last = self._now.last
        if last is None:
            return
        late = day <= last
        if not late.any():
            return
        if self._late == "reject":
            row = int(np.flatnonzero(late)[0])
            raise EventValidationError(
                f"Row {row} of the batch, an event of dyad {names[dyad[row]]!r} dated "
                f"{iso(int(day[row]))}, comes on or before the last emitted day "
                f"{iso(last)} ({int(late.sum())} such events in the batch). Emitted days "
                "are final with late='reject': send each day's events before advancing past "
                "it, or create the state with late='correct' to apply late events and emit "
                "the corrected rows."
            )
        anchor = last - self._lookback
        too_old = day <= anchor
        if too_old.any():
            row = int(np.flatnonzero(too_old)[0])
            raise EventValidationError(
                f"Row {row} of the batch, an event of dyad {names[dyad[row]]!r} dated "
                f"{iso(int(day[row]))}, is too late to correct: the last emitted day is "
                f"{iso(last)} and lookback={self._lookback} keeps the days from "
                f"{iso(anchor + 1)} on. Create the state with a longer lookback, or score "
                "all events again with stability_index."
            )

    def _advance(
        self,
        names: list[str],
        dyad: np.ndarray,
        day: np.ndarray,
        raw: np.ndarray,
        kernel: np.ndarray,
        new_last: int,
    ) -> pd.DataFrame:
        cfg, now = self._config, self._now
        # Dyad codes of the union of known and new dyads, sorted by label as in the engine.
        labels = pd.Index(sorted(set(now.labels) | set(names)), dtype=object)
        old_codes = labels.get_indexer(pd.Index(now.labels, dtype=object)).astype(np.int64)
        event_dyad = labels.get_indexer(pd.Index(names, dtype=object)).astype(np.int64)[dyad]
        n_dyads = len(labels)
        known = np.zeros(n_dyads, bool)
        known[old_codes] = True

        first = np.full(n_dyads, np.iinfo(np.int64).max)
        first[old_codes] = now.first
        np.minimum.at(first, event_dyad, day)
        carries = [carry.recode(old_codes) for carry in now.carries]
        batch = Cells(event_dyad, day, kernel, np.ones(len(day), np.int64), raw)
        cells = combine([now.history.recode(old_codes), batch])
        # The engine's daily aggregation factor g, from the events of each dyad-day.
        factor = aggregation_factor(cells.dyad, cells.day, cfg.aggregation, n_events=cells.count)
        daily = cells.value * factor

        # First day to emit per dyad: the day after the last emitted one, a new dyad's
        # first event, or the first day a late event changed.
        if now.last is None:
            start = first.copy()
        else:
            start = np.where(known, now.last + 1, first)
            late = day <= now.last
            if late.any():
                np.minimum.at(start, event_dyad[late], day[late])
                if cfg.aggregation == "share":  # the denominator of those days changed
                    hit = np.isin(cells.day, np.unique(day[late]))
                    np.minimum.at(start, cells.dyad[hit], cells.day[hit])
        grid_first = int(start.min()) if n_dyads else new_last + 1
        n_days = max(0, new_last - grid_first + 1)
        check_grid_size(
            n_dyads,
            Grid(grid_first, n_days),
            cfg.max_grid_cells,
            "The update",
            "Advance the state in smaller steps of 'until', or raise max_grid_cells.",
        )

        # Each kernel takes its carry and its history as events dated before the grid.
        tension = np.zeros((n_dyads, n_days))
        for k, (model, carry) in enumerate(zip(self._kernels, carries, strict=True)):
            mine = cells.kernel == k
            if n_days == 0 or not (len(carry) or mine.any()):
                continue
            tension += model.resume(
                carry.carried(),
                cells.dyad[mine],
                cells.day[mine],
                daily[mine],
                first_day=grid_first,
                n_dyads=n_dyads,
                n_days=n_days,
            )

        on_grid = cells.day >= grid_first
        flat = cells.dyad[on_grid] * n_days + (cells.day[on_grid] - grid_first)
        signal = exact_bincount(flat, daily[on_grid], n_dyads * n_days)
        count = np.bincount(flat, weights=cells.count[on_grid], minlength=n_dyads * n_days)
        emit = np.arange(n_days)[None, :] >= (start - grid_first)[:, None]
        rows_dyad, rows_day = np.nonzero(emit)
        picked = rows_dyad * n_days + rows_day
        chosen = tension.ravel()[picked]
        result = pd.DataFrame(
            {
                "dyad": pd.Categorical.from_codes(rows_dyad, categories=labels),
                "date": (np.datetime64(grid_first, "D") + rows_day).astype("datetime64[ns]"),
                "events": count[picked].astype(np.int64),
                "signal": signal[picked].astype(float),
                "tension": chosen,
                "stability": stability_from_tension(chosen, float(cfg.scale)),
            }
        )

        # Move the anchor: days up to it are final, leave the history and fold into
        # each kernel's carry.
        new_anchor = new_last - open_days(self._late, self._lookback)
        frozen = cells.day <= new_anchor
        folded = []
        for k, (model, carry) in enumerate(zip(self._kernels, carries, strict=True)):
            mine = frozen & (cells.kernel == k)
            compressed = model.compress(
                np.concatenate([carry.dyad, cells.dyad[mine]]),
                np.concatenate([carry.day, cells.day[mine]]),
                np.concatenate([carry.value, daily[mine]]),
                new_anchor,
                carry.start,
            )
            folded.append(Carry(*compressed))
        history = cells.take(~frozen) if self._late == "correct" else Cells.empty()
        self._now = Snapshot(
            tuple(str(label) for label in labels), first, new_last, tuple(folded), history
        )
        return stamp(result, cfg)

    # -- JSON ------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The state as a plain, JSON-serialisable dict.

        Floats are Python floats, which :func:`json.dumps` writes with enough
        digits to read back exactly, so a state saved and loaded between two
        updates gives the same rows as one kept in memory.  The dict holds the
        configuration and its fingerprint, checked by :meth:`from_dict`.

        Returns
        -------
        dict
            Keys ``kind`` ("tensionindex.IndexState"), ``schema`` (2),
            ``version`` (of tensionindex), ``config``, ``fingerprint``,
            ``late``, ``lookback``, ``last_day`` (ISO date or None), ``dyads``
            and ``first_day`` (per dyad); ``kernels``: one entry per distinct
            kernel of the configuration, ``{"kernel": Kernel.to_dict(),
            "carry": {"dyad", "day", "value"}}``, the kernel's carry on the
            anchor day (the last emitted day, or ``lookback`` days before it
            with ``late="correct"``) to enter as events before the next days;
            and ``history`` (``late="correct"``: per dyad, day and kernel of
            the days after the anchor, ``dyad``, ``day``, ``kernel`` (position
            in ``kernels``), ``events`` and ``raw``, the summed signals
            before daily aggregation).

        Examples
        --------
        >>> import json
        >>> from tensionindex.state import IndexState
        >>> state = IndexState()
        >>> _ = state.update([{"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL",
        ...                    "event_type": "water_cannon"}])
        >>> saved = json.dumps(state.to_dict())
        >>> restored = IndexState.from_dict(json.loads(saved))
        >>> restored.to_dict() == state.to_dict()
        True
        >>> state.to_dict()["kernels"]
        [{'kernel': {'name': 'exponential', 'half_life': 30.0}, 'carry': {'dyad': [0], 'day': ['2024-03-01'], 'value': [7.0]}}]
        """  # noqa: E501
        return encode(self._config, self._late, self._lookback, self._now)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IndexState:
        """Rebuild a state saved with :meth:`to_dict`.

        Parameters
        ----------
        data : dict
            What :meth:`to_dict` returned (possibly through JSON).  A state
            saved by tensionindex 0.1 (schema 1, one carry per half-life) is
            converted: it goes on as it would have.

        Returns
        -------
        IndexState
            A state that continues exactly where the saved one stopped.

        Raises
        ------
        ConfigurationError
            If ``data`` is not a saved state, has an unknown schema, is
            damaged, or its configuration's fingerprint differs from the one
            saved with it (the configuration was edited, or this version of
            tensionindex ships other weight tables): rebuild the state from
            the events.

        Examples
        --------
        >>> from tensionindex.state import IndexState
        >>> IndexState.from_dict(IndexState(half_life=14).to_dict()).config.half_life
        14.0
        """
        config, late, lookback, snapshot = decode(data)
        state = cls(config, late=late, lookback=lookback)
        state._now = snapshot
        return state
