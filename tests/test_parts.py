"""tension_parts(): the conflict and cooperation parts of the tension, and the quad classes.

Expected values come from known answers (a half-life of one day halves each
part daily), from the index itself (the parts add up to its tension, the
class columns to its events and signal), from the index of the conflict
events scored alone (linearity, under ``sum``), from pandas grouping the
events by the taxonomy's quad class, and from explain() rows split by side.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tensionindex as ti
from tensionindex._types import AGGREGATIONS
from tensionindex.analysis.parts import PARTS_COLUMNS, QUAD_EVENTS, QUAD_SIGNALS
from tensionindex.catalogue import QUAD_CLASSES, quad_classes, sides
from tensionindex.testing import configs, event, events

tension_parts = ti.tension_parts


def _close(found: np.ndarray, expected: np.ndarray, scale: np.ndarray) -> None:
    """Equal to 1e-9 of the size of the terms summed (exact up to rounding)."""
    np.testing.assert_array_less(np.abs(found - expected), 1e-9 * (scale + 1.0) + 1e-12)


# -- known answers ---------------------------------------------------------------------


def test_known_values() -> None:
    # Water cannon (+7, material conflict) on day 1, leader call (-4.5, verbal
    # cooperation) on day 2; a half-life of one day halves each part daily.
    events_ = [
        event("2024-03-05", "water_cannon", "CHN", "PHL"),
        event("2024-03-06", "leader_call", "PHL", "CHN"),
    ]
    out = tension_parts(ti.score(events_, half_life=1), start="2024-03-04", end="2024-03-08")
    assert list(out.columns) == ["dyad", "date", *PARTS_COLUMNS]
    assert list(out["dyad"].astype(str)) == ["CHN-PHL"] * 5
    np.testing.assert_allclose(out["conflict"], [0, 7, 3.5, 1.75, 0.875])
    np.testing.assert_allclose(out["cooperation"], [0, 0, -4.5, -2.25, -1.125])
    np.testing.assert_allclose(out["tension"], [0, 7, -1.0, -0.5, -0.25])
    assert out["events"].tolist() == [0, 1, 1, 0, 0]
    assert out["material_conflict_events"].tolist() == [0, 1, 0, 0, 0]
    assert out["verbal_cooperation_events"].tolist() == [0, 0, 1, 0, 0]
    assert out["material_conflict_signal"].tolist() == [0, 7, 0, 0, 0]
    assert out["verbal_cooperation_signal"].tolist() == [0, 0, -4.5, 0, 0]
    for name in ("material_cooperation", "verbal_conflict"):
        assert (out[f"{name}_events"] == 0).all() and (out[f"{name}_signal"] == 0).all()


def test_dtypes_and_provenance() -> None:
    scored = ti.score(ti.load_example("us-china-2024"))
    out = tension_parts(scored, dyads="CHN-PHL")
    assert isinstance(out["dyad"].dtype, pd.CategoricalDtype)
    assert out["date"].dtype == "datetime64[ns]"
    for name in ("events", *QUAD_EVENTS):
        assert out[name].dtype == np.int64, name
    for name in ("conflict", "cooperation", "tension", "signal", *QUAD_SIGNALS):
        assert out[name].dtype == np.float64, name
    stamp = out.attrs["tensionindex"]
    assert stamp["fingerprint"] == scored.fingerprint
    assert stamp["scale"] == scored.scale


def test_the_example_matches_the_index_and_its_parts_have_their_signs() -> None:
    scored = ti.score(ti.load_example("us-china-2024"))
    out = tension_parts(scored)
    index = scored.index()
    assert out[["dyad", "date"]].equals(index[["dyad", "date"]])
    np.testing.assert_allclose(out["tension"], index["tension"], rtol=0, atol=1e-12)
    assert (out["events"] == index["events"]).all()
    np.testing.assert_array_equal(out["signal"], index["signal"])
    # Under neutral="zero" conflict only adds tension and cooperation only removes it.
    assert (out["conflict"] >= 0).all() and (out["cooperation"] <= 0).all()
    assert out["conflict"].max() > 0 and out["cooperation"].min() < 0


# -- the two parts -----------------------------------------------------------------------


def test_the_conflict_part_is_the_index_of_the_conflict_events_alone() -> None:
    # Under "sum" and neutral "zero" the index is linear in the events: the conflict
    # part is the tension of the positive-weight events scored on their own.
    frame = ti.load_example("us-china-2024")
    weight = ti.taxonomy().set_index("event_type")["weight"]
    positive = frame["event_type"].map(weight) > 0
    start, end = frame["date"].min(), frame["date"].max()
    out = tension_parts(frame).set_index(["dyad", "date"])
    alone = ti.score(frame[positive]).index(start=start, end=end).set_index(["dyad", "date"])
    found = out["conflict"].reindex(alone.index)
    np.testing.assert_allclose(found, alone["tension"], rtol=1e-12, atol=1e-12)
    # A dyad with no conflict events has a conflict part of zero.
    only_cooperative = set(out.index.get_level_values(0)) - set(alone.index.get_level_values(0))
    for dyad in only_cooperative:
        assert (out.loc[dyad, "conflict"] == 0).all()


def test_explain_rows_split_by_side_add_up_to_the_parts() -> None:
    # The columns explain() can gain: each row's quad class and side, by the
    # catalogue's functions; summed per side they give the parts of that day.
    scored = ti.score(ti.load_example("us-china-2024"), neutral="dyad")
    out = tension_parts(scored).set_index(["dyad", "date"])
    config = scored.config
    for dyad, date in [("CHN-PHL", "2024-06-17"), ("CHN-USA", "2023-11-15")]:
        why = scored.explain(dyad, date)
        quad = quad_classes(why["event_type"], config.custom_types)
        side = sides(why["weight"], quad)
        row = out.loc[(dyad, pd.Timestamp(date))]
        for name in ("conflict", "cooperation"):
            total = math.fsum(why["contribution"][side == name])
            assert total == pytest.approx(row[name], rel=1e-12, abs=1e-12), (dyad, date, name)


def test_a_weight_override_moves_a_type_to_the_other_side() -> None:
    events_ = [event("2024-03-05", "water_cannon")]
    out = tension_parts(events_, weights={"water_cannon": -4.0})
    assert out["conflict"].tolist() == [0.0]
    assert out["cooperation"].tolist() == [-4.0]
    # The quad class describes the act: still material conflict.
    assert out["material_conflict_events"].tolist() == [1]
    assert out["material_conflict_signal"].tolist() == [-4.0]


def test_a_zero_weight_type_goes_to_the_side_of_its_quad_class() -> None:
    # cameo:010 (make statement, Goldstein 0) is verbal cooperation; under a dyad
    # baseline its events count as 0 - b_i, on the cooperation side.
    events_ = [
        event("2024-03-01", "water_cannon"),
        event("2024-03-02", "cameo:010"),
        event("2024-03-03", "cameo:010"),
    ]
    scored = ti.score(events_, neutral="dyad", half_life=2)
    out = tension_parts(scored)
    index = scored.index()
    np.testing.assert_allclose(out["tension"], index["tension"], rtol=1e-12, atol=1e-12)
    plain = tension_parts(ti.score(events_[:1], neutral="dyad", half_life=2), end="2024-03-03")
    # The statements add their centred signal to the cooperation part only.
    assert not np.allclose(out["cooperation"], plain["cooperation"])
    np.testing.assert_allclose(out["conflict"], plain["conflict"], rtol=1e-12, atol=1e-12)


def test_custom_types_count_by_their_weight_and_category() -> None:
    config = ti.IndexConfig(
        custom_types={
            "joint_patrol": {"label": "Joint patrol", "category": "cooperation", "weight": -3},
            "drone_overflight": {"label": "Drone flies over", "category": "naval", "weight": 2},
        }
    )
    events_ = [event("2024-03-01", "joint_patrol"), event("2024-03-01", "drone_overflight")]
    out = tension_parts(events_, config)
    assert out["conflict"].tolist() == [2.0]
    assert out["cooperation"].tolist() == [-3.0]
    assert out["material_cooperation_events"].tolist() == [1]
    assert out["material_conflict_events"].tolist() == [1]
    assert out["material_cooperation_signal"].tolist() == [-3.0]


def test_quad_classes_match_pandas_grouping_by_the_taxonomy() -> None:
    frame = ti.load_example("us-china-2024")
    scored = ti.score(frame)
    out = tension_parts(scored).set_index(["dyad", "date"])
    table = ti.taxonomy().set_index("event_type")
    pairs = zip(frame["actor1"], frame["actor2"], strict=True)
    data = frame.assign(
        dyad=["-".join(sorted(pair)) for pair in pairs],
        quad=frame["event_type"].map(table["quad_class"]),
        signal=frame["event_type"].map(table["weight"]) * frame["intensity"] * frame["confidence"],
    )
    counts = data.groupby(["dyad", "date", "quad"]).size().unstack(fill_value=0)
    sums = data.groupby(["dyad", "date", "quad"])["signal"].sum().unstack(fill_value=0.0)
    for quad in QUAD_CLASSES:
        expected = counts.get(quad, pd.Series(0, index=counts.index))
        found = out[f"{quad}_events"].reindex(expected.index)
        assert (found == expected).all(), quad
        expected_sum = sums.get(quad, pd.Series(0.0, index=sums.index))
        np.testing.assert_allclose(out[f"{quad}_signal"].reindex(expected_sum.index), expected_sum)
    # Days without events have no events of any class.
    quiet = out["events"] == 0
    assert (out.loc[quiet, list(QUAD_EVENTS)] == 0).all().all()


def test_start_bounds_the_counts_but_not_the_parts() -> None:
    events_ = [event("2024-03-01", "water_cannon"), event("2024-03-03", "ramming")]
    scored = ti.score(events_, half_life=1)
    out = tension_parts(scored, start="2024-03-02", end="2024-03-03")
    assert out["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-02", "2024-03-03"]
    # The water cannon of 1 March still counts through the kernel ...
    assert out["conflict"].iloc[0] == pytest.approx(3.5)
    # ... but not among the days' events.
    assert out["events"].tolist() == [0, 1]
    assert out["material_conflict_events"].tolist() == [0, 1]


def test_directed_dyads() -> None:
    events_ = [
        event("2024-03-05", "water_cannon", "CHN", "PHL"),
        event("2024-03-05", "leader_call", "PHL", "CHN"),
    ]
    out = tension_parts(events_, directed=True)
    assert list(out["dyad"].astype(str)) == ["CHN->PHL", "PHL->CHN"]
    assert out["conflict"].tolist() == [7.0, 0.0]
    assert out["cooperation"].tolist() == [0.0, -4.5]
    only = tension_parts(events_, directed=True, dyads="PHL->CHN")
    assert list(only["dyad"].astype(str)) == ["PHL->CHN"]


def test_coverage_gives_the_covered_column() -> None:
    events_ = [event("2024-03-01"), event("2024-03-03")]
    out = tension_parts(events_, coverage=["2024-03-01", "2024-03-03"])
    assert out["covered"].tolist() == [True, False, True]
    assert "covered" not in tension_parts(events_).columns


def test_raw_events_give_what_scored_events_give() -> None:
    frame = ti.load_example("us-china-2024")
    pd.testing.assert_frame_equal(
        tension_parts(frame, half_life=14), tension_parts(ti.score(frame, half_life=14))
    )
    pd.testing.assert_frame_equal(
        tension_parts(ti.score(frame), half_life=14), tension_parts(ti.score(frame, half_life=14))
    )


def test_no_events_give_an_empty_frame_with_the_columns() -> None:
    out = tension_parts(ti.score([]))
    assert len(out) == 0
    assert list(out.columns) == ["dyad", "date", *PARTS_COLUMNS]
    assert out["verbal_conflict_events"].dtype == np.int64
    assert out["conflict"].dtype == np.float64


def test_the_caller_data_is_not_modified() -> None:
    frame = ti.load_example("us-china-2024")
    before = frame.copy()
    tension_parts(frame)
    pd.testing.assert_frame_equal(frame, before)


# -- errors --------------------------------------------------------------------------------


def test_unknown_dyad_suggests_near_misses() -> None:
    scored = ti.score(ti.load_example("us-china-2024"))
    with pytest.raises(ti.EventValidationError, match=r"CHN-PHX.*Did you mean 'CHN-PHL'"):
        tension_parts(scored, dyads="CHN-PHX")


def test_bad_parameters() -> None:
    scored = ti.score([event("2024-03-01")])
    with pytest.raises(
        ti.InvalidParameterError,
        match=re.escape("The 'config' parameter of tension_parts must be an IndexConfig or None"),
    ):
        tension_parts(scored, "goldstein")  # type: ignore[arg-type]
    with pytest.raises(
        ti.InvalidParameterError, match=r"The 'start' parameter of tension_parts must be"
    ):
        tension_parts(scored, start="soon")
    with pytest.raises(ti.ConfigurationError, match=r"half_lif"):
        tension_parts(scored, half_lif=3)
    with pytest.raises(ti.InvalidParameterError, match=r"coverage is given to score\(\)"):
        tension_parts(scored, coverage=["2024-03-01"])


# -- properties ------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::tensionindex.exceptions.SaturationWarning")
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    events(max_size=25),
    configs(aggregations=AGGREGATIONS, coded_settings=True),
    st.booleans(),
)
def test_parts_add_up_to_the_index(
    frame: pd.DataFrame, config: ti.IndexConfig, bounded: bool
) -> None:
    scored = ti.score(frame, config)
    options = {}
    if bounded and len(frame):
        # A grid that starts after the first event and ends before the last.
        first, last = frame["date"].min(), frame["date"].max()
        options = {"start": first + (last - first) / 3, "end": last - (last - first) / 3}
    out = tension_parts(scored, **options)
    index = scored.index(**options)
    assert out[["dyad", "date"]].equals(index[["dyad", "date"]])
    conflict, cooperation = out["conflict"].to_numpy(), out["cooperation"].to_numpy()
    size = np.abs(conflict) + np.abs(cooperation)
    _close(conflict + cooperation, index["tension"].to_numpy(), size)
    _close(out["tension"].to_numpy(), index["tension"].to_numpy(), size)
    # The class counts add up to the day's events, their signals to its signal.
    assert (out["events"] == index["events"]).all()
    assert (out[list(QUAD_EVENTS)].sum(axis=1) == index["events"]).all()
    signals = out[list(QUAD_SIGNALS)].to_numpy()
    _close(signals.sum(axis=1), index["signal"].to_numpy(), np.abs(signals).sum(axis=1))
    _close(out["signal"].to_numpy(), index["signal"].to_numpy(), np.abs(signals).sum(axis=1))
    if config.neutral == "zero":
        assert (conflict >= -1e-12 * (size + 1)).all()
        assert (cooperation <= 1e-12 * (size + 1)).all()


@given(events(max_size=20), configs(aggregations=AGGREGATIONS, coded_settings=True))
def test_explain_split_by_side_gives_the_parts(frame: pd.DataFrame, config: ti.IndexConfig) -> None:
    scored = ti.score(frame, config)
    if not len(scored):
        return
    out = tension_parts(scored)
    k = len(out) // 2
    dyad, date = str(out["dyad"].iloc[k]), out["date"].iloc[k]
    why = scored.explain(dyad, date)
    side = sides(why["weight"], quad_classes(why["event_type"], config.custom_types))
    for name in ("conflict", "cooperation"):
        total = math.fsum(why["contribution"][side == name])
        expected = out[name].iloc[k]
        assert abs(total - expected) <= 1e-9 * (abs(why["contribution"]).sum() + 1.0), name
