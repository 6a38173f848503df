"""Group indices: ScoredEvents.by_group and ScoredEvents.group_index."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given

import tensionindex as ti
from tensionindex.testing import configs, events

EXAMPLE = ti.load_example("us-china-2024")


def _quiet(frame_of: object) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ti.SaturationWarning)
        return frame_of()  # type: ignore[operator, no-any-return]


@given(frame=events(min_size=1, max_size=30), config=configs(coded_settings=True))
def test_a_group_of_one_dyad_is_that_dyad(frame: pd.DataFrame, config: ti.IndexConfig) -> None:
    scored = ti.score(frame, config.__class__(**{**config.to_dict(), "scale": 10.0}))
    label = str(scored.labels[0])
    alone = _quiet(lambda: scored.index(dyads=label))
    grouped = _quiet(lambda: scored.group_index({label: label}))
    cols = ["events", "signal", "tension", "stability", "information"]
    np.testing.assert_allclose(grouped[cols], alone[cols], rtol=1e-9, atol=1e-9)


@given(frame=events(min_size=1, max_size=30))
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_under_sum_a_pooled_group_adds_its_members(frame: pd.DataFrame) -> None:
    scored = ti.score(frame)
    labels = [str(d) for d in scored.labels]
    pooled = _quiet(lambda: scored.group_index({"all": labels}))
    daily = _quiet(lambda: scored.index())
    summed = daily.groupby("date")[["events", "signal", "tension"]].sum()
    np.testing.assert_allclose(
        pooled[["events", "signal", "tension"]], summed, rtol=1e-9, atol=1e-9 * max(1, len(frame))
    )


def test_equal_weight_per_dyad_is_the_mean_of_the_members() -> None:
    scored = ti.score(EXAMPLE)
    members = ["CHN-PHL", "CHN-TWN", "CHN-USA"]
    got = scored.group_index({"CHN": "CHN-*"}, weighting="dyad")
    daily = scored.index(dyads=members)
    mean = daily.groupby("date")["tension"].mean()
    np.testing.assert_allclose(got["tension"], mean, rtol=1e-12, atol=1e-12)
    assert (got["members"] == 3).all()
    assert got.attrs["tensionindex"]["weighting"] == "dyad"


def test_membership_can_change_over_time() -> None:
    scored = ti.score(EXAMPLE)
    groups = {"g": [("CHN-PHL", None, "2023-12-31"), ("CHN-USA", "2024-01-01", None)]}
    pooled = scored.by_group(groups)
    days = pooled.events["date"]
    dyads = pooled.events["actor1"].astype(str) + pooled.events["actor2"].astype(str)
    assert (days[dyads.str.contains("PHL")] <= "2023-12-31").all()
    assert (days[dyads.str.contains("USA")] >= "2024-01-01").all()
    by_dyad = scored.group_index(groups, weighting="dyad")
    members = by_dyad.set_index("date")["members"]
    assert members.loc["2023-12-31"] == 1 and members.loc["2024-01-01"] == 1


def test_monthly_equal_weight_keeps_the_members_on_each_months_last_day() -> None:
    scored = ti.score(EXAMPLE)
    groups = {"g": [("CHN-PHL", None, "2024-02-14"), ("CHN-USA", "2024-01-01", None)]}
    daily = scored.group_index(groups, weighting="dyad").set_index("date")
    monthly = scored.group_index(groups, weighting="dyad", freq="MS")
    ends = monthly["date"] + pd.offsets.MonthEnd(0)
    ends = ends.where(ends <= daily.index[-1], daily.index[-1])  # the last month is cut short
    np.testing.assert_array_equal(monthly["members_end"], daily.loc[ends, "members"])
    np.testing.assert_array_equal(monthly["tension_end"], daily.loc[ends, "tension"])
    assert set(monthly["members_end"]) == {1, 2}


def test_group_explain_names_the_member_events() -> None:
    pooled = ti.score(EXAMPLE).by_group({"scs": ["CHN-PHL", "CHN-TWN"]})
    index = pooled.index()
    why = pooled.explain("scs", "2024-06-17")
    assert why["contribution"].sum() == pytest.approx(
        index.set_index("date").loc["2024-06-17", "tension"], rel=1e-9
    )
    pairs = {frozenset(p) for p in zip(why["actor1"], why["actor2"], strict=True)}
    assert pairs <= {frozenset({"CHN", "PHL"}), frozenset({"CHN", "TWN"})}


def test_groups_by_period() -> None:
    scored = ti.score(EXAMPLE)
    for weighting in ("event", "dyad"):
        monthly = scored.group_index({"CHN": "CHN-*"}, weighting=weighting, freq="MS")
        assert monthly["date"].dt.day.eq(1).all() and "tension_mean" in monthly


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ({"g": "XYZ-*"}, r"'XYZ-\*' of group 'g' matches no dyad"),
        ({"g": ("CHN-PHL", "2024-01-01")}, r"\(dyad, start, end\)"),
        ({"g": [42]}, r"must be a dyad such as 'CHN-PHL'"),
        ({}, "at least one group"),
        ({"g": "CHN-JPN"}, "CHN-JPN"),
    ],
)
def test_bad_groups_are_named(groups: dict[str, object], message: str) -> None:
    with pytest.raises(ti.TensionIndexError, match=message):
        ti.score(EXAMPLE).by_group(groups)  # type: ignore[arg-type]


def test_unknown_group_and_weighting_are_errors() -> None:
    scored = ti.score(EXAMPLE)
    with pytest.raises(ti.InvalidParameterError, match="Unknown group"):
        scored.group_index({"g": "CHN-*"}, dyads="h")
    with pytest.raises(ti.InvalidParameterError, match=r"'weighting'.*'event', 'dyad'"):
        scored.group_index({"g": "CHN-*"}, weighting="members")
