"""Invariants of asymmetry() on hypothesis-generated events and configurations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given

import tensionindex as ti
from reference import assert_close, tolerance
from tensionindex.testing import configs, events

asymmetry = ti.asymmetry

pytestmark = pytest.mark.slow  # a long property run: `pytest -m slow`

EVENTS = events(max_size=15)


def _swapped(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["actor1"], out["actor2"] = frame["actor2"], frame["actor1"]
    return out


@given(frame=EVENTS, config=configs(aggregations=("sum", "mean", "share")))
def test_swapping_the_actors_flips_the_sign(frame: pd.DataFrame, config: ti.IndexConfig) -> None:
    plain = asymmetry(frame, config)
    swapped = asymmetry(_swapped(frame), config)
    assert plain["dyad"].astype(str).tolist() == swapped["dyad"].astype(str).tolist()
    assert plain["date"].tolist() == swapped["date"].tolist()
    np.testing.assert_array_equal(swapped["tension_ab"], plain["tension_ba"])
    np.testing.assert_array_equal(swapped["tension_ba"], plain["tension_ab"])
    np.testing.assert_array_equal(swapped["asymmetry"], -plain["asymmetry"])


@given(frame=EVENTS, config=configs(aggregations=("sum", "mean", "share")))
def test_bounded_and_as_defined(frame: pd.DataFrame, config: ti.IndexConfig) -> None:
    out = asymmetry(frame, config)
    ratio = out["asymmetry"].to_numpy()
    assert np.all(np.isfinite(ratio)) and np.all(np.abs(ratio) <= 1.0)
    ab, ba = out["tension_ab"].to_numpy(), out["tension_ba"].to_numpy()
    both_zero = (ab == 0) & (ba == 0)
    assert np.all(ratio[both_zero] == 0)
    np.testing.assert_allclose(ratio * (np.abs(ab) + np.abs(ba)), ab - ba, rtol=1e-12, atol=1e-300)


@given(frame=EVENTS, config=configs(aggregations=("sum", "share")))
def test_the_two_directions_add_up_to_the_undirected_tension(
    frame: pd.DataFrame, config: ti.IndexConfig
) -> None:
    """Under "sum" and "share" the daily factors g_i do not depend on direction, and the
    index is linear in the signals: A->B plus B->A is A-B.  ("mean" divides by the events
    of each direction, so it does not add up.)"""
    scored = ti.score(frame, config)
    out = asymmetry(scored)
    undirected = scored.with_config(directed=False).index()
    assert out["dyad"].astype(str).tolist() == undirected["dyad"].astype(str).tolist()
    total = out["tension_ab"].to_numpy() + out["tension_ba"].to_numpy()
    # Rounding is bounded by ulps of sum |s_i|, not of |T| (see reference.tolerance).
    assert_close(total, undirected["tension"], atol=tolerance(frame, config))
