"""The bounded carry-over kernel: yesterday's value, moved by today's signal, within bounds.

Oracles: a loop over days written here (one dyad at a time), and the naive
reference (tests/reference.py), which walks each dyad's days from its first
event.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensionindex as ti
from reference import assert_index_close, reference_index, tolerance
from tensionindex.exceptions import ConfigurationError, InvalidParameterError
from tensionindex.kernels import CarryOver, kernel_from_dict
from tensionindex.testing import event_records


def _walk(daily: np.ndarray, bound: float, start: np.ndarray | None = None) -> np.ndarray:
    out = np.zeros(daily.shape)
    for d in range(daily.shape[0]):
        value = 0.0 if start is None else float(start[d])
        for t in range(daily.shape[1]):
            value = min(max(value + daily[d, t], -bound), bound)
            out[d, t] = value
    return out


@pytest.mark.parametrize("seed", range(4))
def test_from_daily_is_the_day_by_day_walk(seed: int) -> None:
    rng = np.random.default_rng(seed)
    daily = rng.normal(0, 6, (3, 40)).round(1)
    np.testing.assert_allclose(CarryOver(10.0).from_daily(daily, None), _walk(daily, 10.0))


@pytest.mark.parametrize("seed", range(4))
def test_events_before_the_grid_walk_in_first(seed: int) -> None:
    rng = np.random.default_rng(seed)
    dyad, day = rng.integers(0, 3, 50), rng.integers(-30, 20, 50)
    signal = rng.normal(0, 6, 50).round(1)
    kernel = CarryOver(8.0)
    got = kernel.from_events(dyad, day, signal, n_dyads=3, n_days=20)
    whole = np.zeros((3, 50))
    np.add.at(whole, (dyad, day + 30), signal)
    np.testing.assert_allclose(got, _walk(whole, 8.0)[:, 30:])


@pytest.mark.parametrize("anchor", [-1, -7, -25])
def test_the_compressed_carry_gives_the_same_later_tension(anchor: int) -> None:
    rng = np.random.default_rng(-anchor)
    dyad, day = rng.integers(0, 3, 60), rng.integers(-30, 20, 60)
    signal = rng.normal(0, 6, 60).round(1)
    kernel = CarryOver(8.0)
    past = day <= anchor
    carry = kernel.compress(dyad[past], day[past], signal[past], anchor)
    later = ~past & (day >= 0)
    got = kernel.from_events(
        np.concatenate([carry[0], dyad[later]]),
        np.concatenate([carry[1], day[later]]),
        np.concatenate([carry[2], signal[later]]),
        n_dyads=3,
        n_days=20,
    )
    # Cells between the anchor and the grid also walk in: give them too.
    between = ~past & (day < 0)
    got_all = kernel.from_events(
        np.concatenate([carry[0], dyad[between], dyad[later]]),
        np.concatenate([carry[1], day[between], day[later]]),
        np.concatenate([carry[2], signal[between], signal[later]]),
        n_dyads=3,
        n_days=20,
    )
    expected = kernel.from_events(dyad, day, signal, n_dyads=3, n_days=20)
    np.testing.assert_allclose(got_all, expected)
    if not between.any():
        np.testing.assert_allclose(got, expected)


def test_information_counts_every_event_so_far() -> None:
    count = np.array([[1, 0, 2, 0]])
    np.testing.assert_array_equal(CarryOver(5.0).information(count), [[1.0, 1.0, 3.0, 3.0]])
    carry = (np.array([0, 0]), np.array([-3, -1]))
    np.testing.assert_array_equal(CarryOver(5.0).information(count, carry), [[3.0, 3, 5, 5]])


def test_to_dict_round_trips_and_the_fingerprint_reads_bound_only_when_in_use() -> None:
    kernel = CarryOver(9.0)
    assert kernel_from_dict(json.loads(json.dumps(kernel.to_dict()))) == kernel
    assert ti.IndexConfig(bound=5).fingerprint == ti.IndexConfig().fingerprint
    a = ti.IndexConfig(kernel="carryover", bound=5).fingerprint
    assert a != ti.IndexConfig(kernel="carryover", bound=6).fingerprint


@given(
    records=event_records(min_size=1, max_size=25, actors=("CHN", "PHL", "USA")),
    bound=st.sampled_from([3.0, 10.0, 40.0]),
    aggregation=st.sampled_from(["sum", "mean"]),
    neutral=st.sampled_from(["zero", "dyad"]),
    cut=st.booleans(),
)
def test_the_index_equals_the_reference(
    records: list[dict[str, object]], bound: float, aggregation: str, neutral: str, cut: bool
) -> None:
    config = ti.IndexConfig(
        kernel="carryover", bound=bound, aggregation=aggregation, neutral=neutral
    )
    scored = ti.score(records, config)
    start = None
    if cut:  # a grid that starts after some events: they walk in first
        days = sorted(pd.to_datetime([r["date"] for r in records]))
        start = str(days[len(days) // 2].date())
    got = scored.index(start=start)
    expected = reference_index(records, config, start=start)
    assert_index_close(got, expected, atol=tolerance(records, config), scale=config.scale)
    assert np.all(np.abs(got["tension"].to_numpy()) <= bound)


def test_each_month_moves_the_last_value_by_its_events_within_the_bound() -> None:
    """The Tsinghua reading: value(m) = clip(value(m - 1) + signal(m), -bound, bound)."""
    rows = [
        ("2024-01-10", "water_cannon"), ("2024-01-20", "water_cannon"),  # +14
        ("2024-02-05", "forces_mobilized"),  # +7.2 pushes past the bound
        ("2024-03-12", "dialogue_resumed"), ("2024-03-13", "leader_summit"),
        ("2024-05-02", "water_cannon"),
    ]
    records = [{"date": d, "actor1": "CHN", "actor2": "PHL", "event_type": t} for d, t in rows]
    scored = ti.score(records, kernel="carryover", bound=20)
    months = scored.index(freq="MS")
    value = 0.0
    for signal, end in zip(months["signal"], months["tension_end"], strict=True):
        value = min(max(value + signal, -20.0), 20.0)  # one sign per month: no clip inside
        assert end == pytest.approx(value, abs=1e-12)
    assert months["tension_end"].max() == 20.0


def test_explain_names_what_the_bound_held_back() -> None:
    scored = ti.score(ti.load_example("us-china-2024"), kernel="carryover", bound=20)
    index = scored.index(dyads="CHN-PHL").set_index("date")
    for day in ("2023-08-10", "2024-03-20", "2024-07-20"):
        why = scored.explain("CHN-PHL", day)
        meta = why.attrs["tensionindex"]
        assert meta["tension"] == pytest.approx(index.loc[day, "tension"], abs=1e-9)
        total = why["contribution"].sum() + meta["bound_adjustment"]
        assert total == pytest.approx(meta["tension"], abs=1e-9)
    month = scored.explain("CHN-PHL", "2024-03-20", freq="MS").attrs["tensionindex"]
    period = scored.index(dyads="CHN-PHL", freq="MS").set_index("date").loc["2024-03-01"]
    assert month["tension_end"] == pytest.approx(period["tension_end"], abs=1e-9)
    assert month["tension_mean"] == pytest.approx(period["tension_mean"], abs=1e-9)
    assert month["bound_adjustment_end"] < 0  # CHN-PHL sits at the upper bound in March 2024


def test_splits_of_the_sum_refuse_it_by_name() -> None:
    scored = ti.score(ti.load_example("us-china-2024"), kernel="carryover")
    with pytest.raises(InvalidParameterError, match=r"Splitting the tension .* kernel='carryover'"):
        scored.contributions()
    with pytest.raises(InvalidParameterError, match=r"not such a sum"):
        ti.tension_parts(scored)
    with pytest.raises(ConfigurationError, match=r"aggregation='kernel_mean' would divide"):
        ti.IndexConfig(kernel="carryover", aggregation="kernel_mean")
    with pytest.raises(ConfigurationError, match=r"'bound' parameter of IndexConfig"):
        ti.IndexConfig(kernel="carryover", bound=-1)


def test_index_state_in_batches_equals_the_whole() -> None:
    events = ti.load_example("us-china-2024").sort_values("date", kind="stable")
    config = ti.IndexConfig(kernel="carryover", bound=15)
    whole = ti.score(events, config).index()
    state = ti.IndexState(config)
    cut = len(events) // 2
    while events["date"].iloc[cut] == events["date"].iloc[cut - 1]:
        cut += 1  # a day's events go in one batch (late="reject")
    first = state.update(events.iloc[:cut])
    second = state.update(events.iloc[cut:])
    got = pd.concat([first, second], ignore_index=True)
    got = got.drop_duplicates(["dyad", "date"], keep="last")
    merged = whole.merge(got, on=["dyad", "date"], suffixes=("", "_state"))
    np.testing.assert_allclose(merged["tension"], merged["tension_state"], atol=1e-9)
