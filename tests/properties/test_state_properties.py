"""IndexState fed in random batches equals stability_index on all the events.

The rows a state emits, the last emission of each dyad and day winning, must
equal ``stability_index`` on every event received so far, each dyad from its
first event on, to ``rtol=1e-9`` plus the absolute tolerance of
``reference.tolerance`` (1e-9 * sum |s_i|: the engine and the state add the
same terms in different orders).  Configurations cover both kernels, the
three daily aggregations, category half-lives and directed dyads.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensionindex as ti
from reference import assert_index_close, tolerance
from tensionindex.state import LATE, IndexState, Late
from tensionindex.testing import configs, events

pytestmark = pytest.mark.slow  # a long property run: `pytest -m slow`

DAY = pd.Timedelta(days=1)
ALL_CONFIGS = configs(aggregations=("sum", "mean", "share"))
EVENTS = events(min_size=1, max_size=20)


def _latest(frames: list[pd.DataFrame]) -> pd.DataFrame:
    rows = pd.concat([f.assign(dyad=f["dyad"].astype(str)) for f in frames], ignore_index=True)
    rows = rows.drop_duplicates(["dyad", "date"], keep="last")
    return rows.sort_values(["dyad", "date"], kind="stable").reset_index(drop=True)


def _check(
    frames: list[pd.DataFrame], received: pd.DataFrame, config: ti.IndexConfig, end: pd.Timestamp
) -> None:
    """The emitted rows equal the whole index of ``received`` up to ``end``."""
    full = ti.stability_index(received, config, end=end)
    full["dyad"] = full["dyad"].astype(str)
    first = full[full["events"] > 0].groupby("dyad")["date"].min()
    expected = full[full["date"].to_numpy() >= first.reindex(full["dyad"]).to_numpy()]
    assert_index_close(
        _latest(frames),
        expected.reset_index(drop=True),
        atol=tolerance(received, config),
        scale=config.scale,
    )


def _day_batches(frame: pd.DataFrame, data: st.DataObject) -> list[tuple[pd.DataFrame, Any]]:
    """The events cut at random day boundaries, each batch with a random ``until``.

    ``until`` (or None) lies between the batch's last day and the day before
    the next batch's first day; an empty batch with only an ``until`` may
    come in between.
    """
    days = np.unique(frame["date"].to_numpy())
    cuts = data.draw(st.sets(st.integers(1, max(1, len(days) - 1)), max_size=5), label="cuts")
    groups = np.split(days, sorted(c for c in cuts if c < len(days)))
    batches: list[tuple[pd.DataFrame, Any]] = []
    for i, group in enumerate(groups):
        batch = frame[frame["date"].isin(group)]
        limit = groups[i + 1][0] - np.timedelta64(1, "D") if i + 1 < len(groups) else None
        room = 10 if limit is None else int((limit - group[-1]) // np.timedelta64(1, "D"))
        extra = data.draw(st.none() | st.integers(0, room), label="days after the batch")
        until = None if extra is None else pd.Timestamp(group[-1]) + extra * DAY
        if until is not None and data.draw(st.booleans(), label="until in a batch of its own"):
            batches += [(batch, None), (batch.iloc[:0], until)]
        else:
            batches.append((batch, until))
    return batches


@given(frame=EVENTS, config=ALL_CONFIGS, data=st.data())
def test_batches_in_date_order_equal_the_whole_index(
    frame: pd.DataFrame, config: ti.IndexConfig, data: st.DataObject
) -> None:
    late: Late = data.draw(st.sampled_from(LATE), label="late")
    state = IndexState(config, late=late, lookback=data.draw(st.integers(1, 40)))
    frames, end = [], frame["date"].max()
    for batch, until in _day_batches(frame, data):
        rows = state.update(batch, until=until)
        # In date order nothing is emitted twice, and rows come sorted by dyad then date.
        keys = rows.assign(dyad=rows["dyad"].astype(str))[["dyad", "date"]]
        assert keys.equals(keys.sort_values(["dyad", "date"], kind="stable"))
        frames.append(rows)
        end = max(end, until) if until is not None else end
    assert (
        not pd.concat([f.assign(dyad=f["dyad"].astype(str)) for f in frames])
        .duplicated(["dyad", "date"])
        .any()
    )
    assert state.last_day == end
    _check(frames, frame, config, end)


def _cuts(frame: pd.DataFrame, data: st.DataObject) -> list[int]:
    """Up to four positions at which to cut the rows into batches."""
    cuts = data.draw(st.sets(st.integers(1, max(1, len(frame) - 1)), max_size=4), label="cuts")
    return sorted(c for c in cuts if c < len(frame))


def _pieces(frame: pd.DataFrame, cuts: list[int]) -> list[pd.DataFrame]:
    bounds = [0, *cuts, len(frame)]
    return [frame.iloc[a:b] for a, b in itertools.pairwise(bounds)]


@given(frame=EVENTS, config=ALL_CONFIGS, data=st.data())
def test_late_events_in_any_order_are_corrected(
    frame: pd.DataFrame, config: ti.IndexConfig, data: st.DataObject
) -> None:
    """With a lookback longer than the events span, batches may come in any order."""
    order = data.draw(st.permutations(range(len(frame))), label="arrival order")
    cuts = _cuts(frame, data)
    state = IndexState(config, late="correct", lookback=3000)
    frames = [state.update(part) for part in _pieces(frame.iloc[order], cuts)]
    _check(frames, frame, config, frame["date"].max())


@given(frame=EVENTS, config=ALL_CONFIGS, data=st.data())
def test_late_events_within_a_short_lookback_are_corrected(
    frame: pd.DataFrame, config: ti.IndexConfig, data: st.DataObject
) -> None:
    """Events held back for a batch or more, fed while the lookback still covers their day."""
    lookback = data.draw(st.integers(1, 30), label="lookback")
    state = IndexState(config, late="correct", lookback=lookback)
    ordered = frame.sort_values("date", kind="stable")
    cuts = _cuts(frame, data)
    frames, received = [], []
    held = ordered.iloc[:0]
    for part in _pieces(ordered, cuts):
        batch = pd.concat([held, part])
        if state.last_day is not None:  # what the lookback still takes; the rest is never sent
            batch = batch[batch["date"] > state.last_day - lookback * DAY]
        hold = np.array(
            data.draw(st.lists(st.booleans(), min_size=len(batch), max_size=len(batch))), bool
        )
        frames.append(state.update(batch[~hold]))
        received.append(batch[~hold])
        held = batch[hold]
    everything = pd.concat(received)
    if len(everything):
        _check(frames, everything, config, everything["date"].max())


@given(frame=EVENTS, config=ALL_CONFIGS, data=st.data())
def test_a_state_saved_as_json_goes_on_exactly_as_the_one_kept_in_memory(
    frame: pd.DataFrame, config: ti.IndexConfig, data: st.DataObject
) -> None:
    late: Late = data.draw(st.sampled_from(LATE), label="late")
    kept = IndexState(config, late=late, lookback=data.draw(st.integers(1, 40)))
    batches = _day_batches(frame, data)
    saved_after = data.draw(st.integers(0, len(batches)), label="saved after batch")
    for batch, until in batches[:saved_after]:
        kept.update(batch, until=until)
    restored = IndexState.from_dict(json.loads(json.dumps(kept.to_dict(), allow_nan=False)))
    assert restored.to_dict() == kept.to_dict()
    for batch, until in batches[saved_after:]:
        pd.testing.assert_frame_equal(
            restored.update(batch, until=until), kept.update(batch, until=until)
        )
