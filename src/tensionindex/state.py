"""Incremental updates: the index advanced batch by batch, as a service receives events.

:class:`IndexState` holds what the index needs to go on from the last day it
emitted, and nothing more:

* the *carry*: under the exponential kernel, each dyad's tension on the
  state's anchor day, one value per half-life in the configuration (each
  category decays with its own); under the window kernel, the daily signals of
  each dyad's last ``window`` days before the anchor;
* with ``late="correct"``, the *history* of the last ``lookback`` emitted days:
  each dyad-day's event count and its summed signals before daily aggregation,
  from which a late event's day (and, under ``"mean"`` and ``"share"``, the
  aggregation factors of that day) can be recomputed.

Each update scores the new days with the engine's own kernels
(:func:`tensionindex.kernels.exponential_tension` and
:func:`~tensionindex.kernels.window_tension`), entering the carry and the
history as events dated before the new days, which the kernels decay into the
first of them.  So the rows equal those of :func:`tensionindex.stability_index`
on all the events so far, to rounding.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from tensionindex.config import IndexConfig, with_overrides
from tensionindex.engine import RESULT_COLUMNS, stability_from_tension
from tensionindex.events import validate_events
from tensionindex.exceptions import ConfigurationError, EventValidationError, did_you_mean
from tensionindex.kernels import exponential_tension, window_tension
from tensionindex.params import DateLike, day_of
from tensionindex.scored import ScoredEvents

__all__ = ["IndexState", "Late"]

Late: TypeAlias = Literal["reject", "correct"]
LATE: tuple[Late, ...] = ("reject", "correct")

#: Most days of history a state keeps for corrections (about 270 years).
MAX_LOOKBACK = 100_000
_KIND = "tensionindex.IndexState"
_SCHEMA = 1
_EPOCH = np.datetime64(0, "D")


@dataclass(frozen=True)
class _Cells:
    """Sparse dyad-days: one row per dyad and day with at least one event.

    ``values`` has one column per half-life group: summed signals before daily
    aggregation in the history, final daily signals in the window carry.
    """

    dyad: np.ndarray  # int64 code into the state's dyad labels
    day: np.ndarray  # int64 days since 1970-01-01
    count: np.ndarray  # int64 events that day
    values: np.ndarray  # float, (n_cells, n_groups)

    @staticmethod
    def empty(n_groups: int) -> _Cells:
        none = np.zeros(0, np.int64)
        return _Cells(none, none, none, np.zeros((0, n_groups)))

    def __len__(self) -> int:
        return len(self.day)

    def take(self, keep: np.ndarray) -> _Cells:
        return _Cells(self.dyad[keep], self.day[keep], self.count[keep], self.values[keep])

    def recode(self, mapping: np.ndarray) -> _Cells:
        return _Cells(mapping[self.dyad], self.day, self.count, self.values)


def _combine(parts: Sequence[_Cells], n_groups: int) -> _Cells:
    """Sum cells with the same dyad and day; the result is sorted by dyad, then day."""
    dyad = np.concatenate([p.dyad for p in parts])
    if len(dyad) == 0:
        return _Cells.empty(n_groups)
    day = np.concatenate([p.day for p in parts])
    count = np.concatenate([p.count for p in parts])
    values = np.concatenate([p.values for p in parts])
    first = int(day.min())
    width = int(day.max()) - first + 1
    keys, which = np.unique(dyad * width + (day - first), return_inverse=True)
    which = which.ravel()
    summed = np.empty((len(keys), n_groups))
    for g in range(n_groups):  # a handful of half-life groups, not events
        summed[:, g] = np.bincount(which, weights=values[:, g], minlength=len(keys))
    counts = np.bincount(which, weights=count, minlength=len(keys)).astype(np.int64)
    codes, offsets = np.divmod(keys, width)
    return _Cells(codes.astype(np.int64), offsets + first, counts, summed)


def _half_lives(config: IndexConfig) -> tuple[float, ...]:
    """One tension carry per distinct half-life (a single one under the window kernel)."""
    if config.kernel == "window":
        return (config.half_life,)
    return tuple(sorted({config.half_life, *config.category_half_lives.values()}))


def _iso(day: int) -> str:
    return str(_EPOCH + np.timedelta64(int(day), "D"))


def _fail(name: str, expected: str, value: object) -> ConfigurationError:
    return ConfigurationError(
        f"The {name!r} parameter of IndexState must be {expected}. Got {value!r} instead."
    )


def _check_late(late: object) -> Late:
    for choice in LATE:
        if late == choice:
            return choice
    raise ConfigurationError(
        "The 'late' parameter of IndexState must be one of 'reject', 'correct'. "
        f"Got {late!r} instead." + (did_you_mean(late, LATE) if isinstance(late, str) else "")
    )


def _check_lookback(lookback: object) -> int:
    days = (
        float(lookback)
        if isinstance(lookback, numbers.Real) and not isinstance(lookback, bool | np.bool_)
        else 0.0
    )
    if not (math.isfinite(days) and days.is_integer() and 1 <= days <= MAX_LOOKBACK):
        raise _fail("lookback", f"an integer number of days from 1 to {MAX_LOOKBACK}", lookback)
    return int(days)


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
    ConfigurationError
        For an invalid ``late``, ``lookback``, configuration or override.

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
    ...      "event_type": "protest_lodged"},
    ... ])
          dyad       date  events  signal   tension  stability
    0  CHN-PHL 2024-03-02       0     0.0  4.949747  37.872235
    1  CHN-PHL 2024-03-03       0     0.0  3.500000  41.338242
    2  CHN-PHL 2024-03-04       1     2.0  4.474874  38.995833
    >>> state.last_day
    Timestamp('2024-03-04 00:00:00')
    """

    __slots__ = (
        "_carry",
        "_config",
        "_first",
        "_half_lives",
        "_history",
        "_labels",
        "_last",
        "_late",
        "_lookback",
        "_window",
    )

    def __init__(
        self,
        config: IndexConfig | None = None,
        *,
        late: Late = "reject",
        lookback: int = 30,
        **overrides: Any,
    ) -> None:
        cfg = with_overrides(config, overrides)
        self._config = cfg
        self._late = _check_late(late)
        self._lookback = _check_lookback(lookback)
        self._half_lives = _half_lives(cfg)
        n_groups = len(self._half_lives)
        self._labels: tuple[str, ...] = ()
        self._first = np.zeros(0, np.int64)
        self._last: int | None = None
        self._carry = np.zeros((n_groups, 0))
        self._window = _Cells.empty(1)
        self._history = _Cells.empty(n_groups)

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
        return None if self._last is None else pd.Timestamp(_iso(self._last))

    @property
    def dyads(self) -> tuple[str, ...]:
        """The dyads seen so far, sorted."""
        return self._labels

    def _anchor(self) -> int | None:
        """The day of the carry: days after it are in the history (``"correct"``)."""
        if self._last is None:
            return None
        return self._last - (self._lookback if self._late == "correct" else 0)

    def __repr__(self) -> str:
        last = "None" if self._last is None else _iso(self._last)
        return (
            f"IndexState(dyads={len(self._labels)}, last_day={last}, late={self._late!r}, "
            f"lookback={self._lookback}, fingerprint={self._config.fingerprint!r})"
        )

    # -- updating --------------------------------------------------------------

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
            not come before the batch's latest event or the last emitted day.
            By default the state advances to the latest event of the batch.

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
        0  CHN-USA 2024-03-02       1    -1.0     -1.0  52.497919
        """
        cfg = self._config
        validated = validate_events(events, config=cfg)
        until_day = None if until is None else day_of(until, "until", "IndexState.update")
        if until_day is not None and self._last is not None and until_day < self._last:
            raise EventValidationError(
                f"The 'until' date {_iso(until_day)} comes before the last emitted day "
                f"{_iso(self._last)}; a state only moves forward. Late events go in a batch "
                "of their own (with late='correct')."
            )
        if len(validated) == 0:
            if until_day is None or self._last is None or until_day == self._last:
                return self._stamp(_empty_rows())
            names: list[str] = []
            dyad = day = group = np.zeros(0, np.int64)
            raw = np.zeros(0)
        else:
            prepared = ScoredEvents.from_validated(validated, cfg)
            names = [str(label) for label in prepared.labels]
            dyad = np.asarray(prepared.dyad, np.int64)
            day = np.asarray(prepared.day, np.int64)
            raw = np.asarray(prepared.raw_signal, float)
            group = self._group_of(np.asarray(prepared.category))
            latest = int(day.max())
            if until_day is not None and until_day < latest:
                raise EventValidationError(
                    f"The 'until' date {_iso(until_day)} comes before the latest event of the "
                    f"batch ({_iso(latest)}); give an 'until' on or after it, or leave it out."
                )
            self._check_late_events(names, dyad, day)
        # The new last day: the latest event, 'until', or (late events only) the old one.
        candidates = [int(day.max())] if len(day) else []
        candidates += [d for d in (until_day, self._last) if d is not None]
        new_last = max(candidates)
        return self._advance(names, dyad, day, raw, group, new_last)

    def _group_of(self, category: np.ndarray) -> np.ndarray:
        """Index of each event's half-life in ``self._half_lives``."""
        if len(self._half_lives) == 1:
            return np.zeros(len(category), np.int64)
        names, which = np.unique(category.astype(str), return_inverse=True)
        per_name = np.array(
            [self._half_lives.index(self._config.half_life_of(str(c))) for c in names],
            dtype=np.int64,
        )
        return per_name[which.ravel()]

    def _check_late_events(self, names: list[str], dyad: np.ndarray, day: np.ndarray) -> None:
        if self._last is None:
            return
        late = day <= self._last
        if not late.any():
            return
        if self._late == "reject":
            row = int(np.flatnonzero(late)[0])
            raise EventValidationError(
                f"Row {row} of the batch, an event of dyad {names[dyad[row]]!r} dated "
                f"{_iso(int(day[row]))}, comes on or before the last emitted day "
                f"{_iso(self._last)} ({int(late.sum())} such events in the batch). Emitted days "
                "are final with late='reject': send each day's events before advancing past "
                "it, or create the state with late='correct' to apply late events and emit "
                "the corrected rows."
            )
        anchor = self._last - self._lookback
        too_old = day <= anchor
        if too_old.any():
            row = int(np.flatnonzero(too_old)[0])
            raise EventValidationError(
                f"Row {row} of the batch, an event of dyad {names[dyad[row]]!r} dated "
                f"{_iso(int(day[row]))}, is too late to correct: the last emitted day is "
                f"{_iso(self._last)} and lookback={self._lookback} keeps the days from "
                f"{_iso(anchor + 1)} on. Create the state with a longer lookback, or score "
                "all events again with stability_index."
            )

    def _advance(
        self,
        names: list[str],
        dyad: np.ndarray,
        day: np.ndarray,
        raw: np.ndarray,
        group: np.ndarray,
        new_last: int,
    ) -> pd.DataFrame:
        cfg = self._config
        n_groups = len(self._half_lives)
        # Dyad codes of the union of known and new dyads, sorted by label as in the engine.
        labels = pd.Index(sorted(set(self._labels) | set(names)), dtype=object)
        old_codes = labels.get_indexer(pd.Index(self._labels, dtype=object)).astype(np.int64)
        event_dyad = labels.get_indexer(pd.Index(names, dtype=object)).astype(np.int64)[dyad]
        n_dyads = len(labels)
        known = np.zeros(n_dyads, bool)
        known[old_codes] = True

        first = np.full(n_dyads, np.iinfo(np.int64).max)
        first[old_codes] = self._first
        np.minimum.at(first, event_dyad, day)
        carry = np.zeros((n_groups, n_dyads))
        carry[:, old_codes] = self._carry

        values = np.zeros((len(day), n_groups))
        values[np.arange(len(day)), group] = raw
        batch = _Cells(event_dyad, day, np.ones(len(day), np.int64), values)
        cells = _combine([self._history.recode(old_codes), batch], n_groups)
        window = self._window.recode(old_codes)

        # Daily aggregation factor g of each dyad-day (see index.aggregation_factor).
        if cfg.aggregation == "mean":
            factor = 1.0 / cells.count
        elif cfg.aggregation == "share":
            _, which = np.unique(cells.day, return_inverse=True)
            factor = 1.0 / np.bincount(which.ravel(), weights=cells.count)[which.ravel()]
        else:
            factor = np.ones(len(cells))
        daily = cells.values * factor[:, None]

        # First day to emit per dyad: the day after the last emitted one, a new dyad's
        # first event, or the first day a late event changed.
        if self._last is None:
            start = first.copy()
        else:
            start = np.where(known, self._last + 1, first)
            late = day <= self._last
            if late.any():
                np.minimum.at(start, event_dyad[late], day[late])
                if cfg.aggregation == "share":  # the denominator of those days changed
                    hit = np.isin(cells.day, np.unique(day[late]))
                    np.minimum.at(start, cells.dyad[hit], cells.day[hit])
        grid_first = int(start.min()) if n_dyads else new_last + 1
        n_days = max(0, new_last - grid_first + 1)

        # The kernels take the carry and the history as events dated before the grid.
        tension = np.zeros((n_dyads, n_days))
        anchor = self._anchor()
        if n_days == 0:
            pass
        elif cfg.kernel == "window":
            tension = window_tension(
                np.concatenate([window.dyad, cells.dyad]),
                np.concatenate([window.day, cells.day]) - grid_first,
                np.concatenate([window.values[:, 0], daily[:, 0]]),
                n_dyads=n_dyads,
                n_days=n_days,
                window=cfg.window,
            )
        else:
            # Before the first update there is no carry.
            carried = np.arange(n_dyads if anchor is not None else 0, dtype=np.int64)
            carry_day = np.full(len(carried), anchor if anchor is not None else 0, np.int64)
            for g, half_life in enumerate(self._half_lives):
                tension += exponential_tension(
                    np.concatenate([cells.dyad, carried]),
                    np.concatenate([cells.day, carry_day]) - grid_first,
                    np.concatenate([daily[:, g], carry[g, : len(carried)]]),
                    n_dyads=n_dyads,
                    n_days=n_days,
                    half_life=half_life,
                )

        on_grid = cells.day >= grid_first
        flat = cells.dyad[on_grid] * n_days + (cells.day[on_grid] - grid_first)
        signal = np.bincount(flat, weights=daily[on_grid].sum(axis=1), minlength=n_dyads * n_days)
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
                "stability": stability_from_tension(chosen, cfg.scale),
            }
        )

        # Move the anchor: days up to it are final and leave the history.
        new_anchor = new_last - (self._lookback if self._late == "correct" else 0)
        frozen = cells.day <= new_anchor
        if cfg.kernel == "window":
            fresh = _Cells(
                cells.dyad[frozen], cells.day[frozen], cells.count[frozen], daily[frozen][:, :1]
            )
            window = _combine([window, fresh], 1)
            window = window.take(window.day > new_anchor - cfg.window)
        else:
            for g, half_life in enumerate(self._half_lives):
                if anchor is not None:
                    carry[g] *= np.exp2(-(new_anchor - anchor) / half_life)
                age = new_anchor - cells.day[frozen]
                carry[g] += np.bincount(
                    cells.dyad[frozen],
                    weights=daily[frozen, g] * np.exp2(-age / half_life),
                    minlength=n_dyads,
                )
        history = cells.take(~frozen) if self._late == "correct" else _Cells.empty(n_groups)

        self._labels = tuple(str(label) for label in labels)
        self._first = first
        self._last = new_last
        self._carry = carry
        self._window = window
        self._history = history
        return self._stamp(result)

    def _stamp(self, result: pd.DataFrame) -> pd.DataFrame:
        from tensionindex import __version__

        result.attrs["tensionindex"] = {
            "config": self._config.to_dict(),
            "fingerprint": self._config.fingerprint,
            "version": __version__,
        }
        return result

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
            Keys ``kind``, ``schema``, ``version`` (of tensionindex),
            ``config``, ``fingerprint``, ``late``, ``lookback``, ``last_day``
            (ISO date or None), ``dyads`` and ``first_day`` (per dyad),
            ``half_lives``, ``carry`` (per half-life, per dyad: the tension on
            the anchor day, exponential kernel), ``window`` (window kernel:
            the daily signals of the last ``window`` days before the anchor)
            and ``history`` (``late="correct"``: per dyad-day of the last
            ``lookback`` days, the event count and the summed signals per
            half-life before daily aggregation).

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
        """
        from tensionindex import __version__

        def cells(part: _Cells, name: str) -> dict[str, Any]:
            return {
                "dyad": part.dyad.tolist(),
                "day": [_iso(d) for d in part.day.tolist()],
                "events": part.count.tolist(),
                name: part.values.T.tolist(),
            }

        window = self._config.kernel == "window"
        return {
            "kind": _KIND,
            "schema": _SCHEMA,
            "version": __version__,
            "config": self._config.to_dict(),
            "fingerprint": self._config.fingerprint,
            "late": self._late,
            "lookback": self._lookback,
            "last_day": None if self._last is None else _iso(self._last),
            "dyads": list(self._labels),
            "first_day": [_iso(d) for d in self._first.tolist()],
            "half_lives": list(self._half_lives),
            "carry": [] if window else self._carry.tolist(),
            "window": cells(self._window, "signal") if window else None,
            "history": cells(self._history, "raw"),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IndexState:
        """Rebuild a state saved with :meth:`to_dict`.

        Parameters
        ----------
        data : dict
            What :meth:`to_dict` returned (possibly through JSON).

        Returns
        -------
        IndexState
            A state that continues exactly where the saved one stopped.

        Raises
        ------
        ConfigurationError
            If ``data`` is not a saved state, is damaged, or its
            configuration's fingerprint differs from the one saved with it
            (the configuration was edited, or this version of tensionindex
            ships other weight tables): rebuild the state from the events.

        Examples
        --------
        >>> from tensionindex.state import IndexState
        >>> IndexState.from_dict(IndexState(half_life=14).to_dict()).config.half_life
        14.0
        """
        if not isinstance(data, Mapping) or data.get("kind") != _KIND:
            raise ConfigurationError(
                "Not a saved IndexState: expected the dict that IndexState.to_dict() returns "
                f"(with kind={_KIND!r}). Got {_describe(data)} instead."
            )
        if data.get("schema") != _SCHEMA:
            raise ConfigurationError(
                f"The saved IndexState has schema {data.get('schema')!r}; this version of "
                f"tensionindex reads schema {_SCHEMA}. Rebuild the state from the events."
            )
        try:
            return cls._load(data)
        except ConfigurationError:
            raise
        except (KeyError, TypeError, ValueError, IndexError, OverflowError) as exc:
            problem = f"missing key {exc.args[0]!r}" if isinstance(exc, KeyError) else str(exc)
            raise ConfigurationError(
                f"The saved IndexState is damaged: {problem}. Save it again with "
                "IndexState.to_dict(), or rebuild it from the events."
            ) from None

    @classmethod
    def _load(cls, data: Mapping[str, Any]) -> IndexState:
        config = IndexConfig.from_dict(data["config"])
        saved = data["fingerprint"]
        if config.fingerprint != saved:
            raise ConfigurationError(
                f"The saved IndexState was made with configuration fingerprint {saved!r}, but "
                f"its configuration now has fingerprint {config.fingerprint!r} (saved with "
                f"tensionindex {data.get('version')!r}): the configuration or the shipped "
                "weight tables changed, so its carry no longer matches. Rebuild the state by "
                "scoring the events again."
            )
        state = cls(config, late=data["late"], lookback=data["lookback"])
        n_groups = len(state._half_lives)
        if [float(h) for h in data["half_lives"]] != list(state._half_lives):
            raise ValueError("its half-lives do not match its configuration")
        labels = [str(label) for label in data["dyads"]]
        if labels != sorted(set(labels)):
            raise ValueError("its dyads are not sorted and unique")
        n_dyads = len(labels)
        first = _days(data["first_day"])
        if len(first) != n_dyads:
            raise ValueError("'first_day' does not have one date per dyad")
        last = None if data["last_day"] is None else int(_days([data["last_day"]])[0])
        if config.kernel == "window":
            carry = np.zeros((n_groups, n_dyads))
            window = _cells(data["window"], "signal", 1, n_dyads)
        else:
            carry = _floats(data["carry"]).reshape(n_groups, n_dyads)
            window = _Cells.empty(1)
        history = _cells(data["history"], "raw", n_groups, n_dyads)
        if (last is None) != (n_dyads == 0):
            raise ValueError("it has dyads but no last day, or a last day but no dyads")
        state._labels = tuple(labels)
        state._first = first
        state._last = last
        state._carry = carry
        state._window = window
        state._history = history
        return state


def _describe(value: object) -> str:
    if isinstance(value, Mapping):
        return f"a dict with kind={value.get('kind')!r}"
    return f"a {type(value).__name__}"


def _days(values: object) -> np.ndarray:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError("dates must be a list of ISO dates such as '2024-03-01'")
    return np.array(values, dtype="datetime64[D]").astype(np.int64)


def _floats(values: object) -> np.ndarray:
    array = np.array(values, dtype=float)
    if not np.isfinite(array).all():
        raise ValueError("it holds a number that is not finite")
    return array


def _ints(values: object) -> np.ndarray:
    if not isinstance(values, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in values
    ):
        raise ValueError("counts and dyad codes must be lists of integers")
    return np.array(values, dtype=np.int64)


def _cells(data: Mapping[str, Any], name: str, n_groups: int, n_dyads: int) -> _Cells:
    dyad, count = _ints(data["dyad"]), _ints(data["events"])
    day = _days(data["day"])
    values = _floats(data[name]).reshape(n_groups, len(day)).T
    if not (len(dyad) == len(day) == len(count)):
        raise ValueError(f"its {name} cells have lists of different lengths")
    if len(dyad) and (dyad.min() < 0 or dyad.max() >= n_dyads or count.min() < 1):
        raise ValueError("a cell names an unknown dyad or counts no events")
    return _Cells(dyad, day, count, np.ascontiguousarray(values))


def _empty_rows() -> pd.DataFrame:
    out: dict[str, Any] = {
        "dyad": pd.Categorical([], categories=pd.Index([], dtype=object)),
        "date": np.array([], dtype="datetime64[ns]"),
    }
    for name in RESULT_COLUMNS[2:]:
        out[name] = np.array([], dtype=np.int64 if name == "events" else float)
    return pd.DataFrame(out)
