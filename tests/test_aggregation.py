"""Daily aggregation (sum, mean, share), coverage, and grid bounds under ``dyads=``."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti

# Two CHN-USA events on 1 March (signals +2 and +8), one CHN-PHL event that day (+7),
# and one CHN-USA event on 3 March (+2).
EVENTS = [
    {"date": "2024-03-01", "actor1": "CHN", "actor2": "USA", "event_type": "critical_statement"},
    {"date": "2024-03-01", "actor1": "USA", "actor2": "CHN", "event_type": "embargo"},
    {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"},
    {"date": "2024-03-03", "actor1": "CHN", "actor2": "USA", "event_type": "critical_statement"},
]


def _series(result: pd.DataFrame, dyad: str, column: str) -> list[float]:
    return result.loc[result["dyad"] == dyad, column].tolist()


def test_sum_adds_the_events_of_a_day() -> None:
    result = ti.stability_index(EVENTS, kernel="window", window=1)
    assert _series(result, "CHN-USA", "signal") == [10.0, 0.0, 2.0]


def test_mean_averages_the_events_of_a_dyad_and_day() -> None:
    result = ti.stability_index(EVENTS, kernel="window", window=1, aggregation="mean")
    assert _series(result, "CHN-USA", "signal") == [5.0, 0.0, 2.0]
    assert _series(result, "CHN-PHL", "signal") == [7.0, 0.0, 0.0]


def test_share_divides_by_the_days_records_in_the_events() -> None:
    result = ti.stability_index(EVENTS, kernel="window", window=1, aggregation="share")
    # Three events on 1 March in all, one on 3 March.
    assert _series(result, "CHN-USA", "signal") == pytest.approx([10 / 3, 0.0, 2.0])
    assert _series(result, "CHN-PHL", "signal") == pytest.approx([7 / 3, 0.0, 0.0])


def test_share_divides_by_the_sources_records_from_coverage() -> None:
    coverage = pd.Series(
        [100, 40, 50], index=pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-03"])
    )
    result = ti.stability_index(
        EVENTS, kernel="window", window=1, aggregation="share", coverage=coverage
    )
    assert _series(result, "CHN-USA", "signal") == pytest.approx([0.1, 0.0, 0.04])
    assert _series(result, "CHN-USA", "covered") == [True, True, True]


def test_share_refuses_coverage_without_records_on_an_event_day() -> None:
    coverage = pd.Series([100], index=pd.to_datetime(["2024-03-01"]))
    with pytest.raises(
        ti.EventValidationError,
        match=r"coverage gives no records on 2024-03-03, a day with events",
    ):
        ti.stability_index(EVENTS, aggregation="share", coverage=coverage)


@pytest.mark.parametrize("aggregation", ["sum", "mean", "share"])
@pytest.mark.parametrize("kernel", ["exponential", "window"])
def test_explain_stays_exact_under_every_aggregation(aggregation: str, kernel: str) -> None:
    result = ti.stability_index(EVENTS, kernel=kernel, window=2, aggregation=aggregation)
    for dyad in ("CHN-USA", "CHN-PHL"):
        for day in ("2024-03-01", "2024-03-02", "2024-03-03"):
            why = ti.explain(EVENTS, dyad, day, kernel=kernel, window=2, aggregation=aggregation)
            value = result[(result["dyad"] == dyad) & (result["date"] == day)]["tension"].iloc[0]
            assert math.fsum(why["contribution"]) == pytest.approx(value, rel=1e-12, abs=1e-12)
            assert np.allclose(
                why["contribution"], why["signal"] * why["aggregation"] * why["decay"]
            )


def test_explain_reports_the_aggregation_factor() -> None:
    why = ti.explain(EVENTS, "CHN-USA", "2024-03-01", aggregation="mean")
    assert sorted(why["aggregation"]) == [0.5, 0.5]
    assert why.attrs["tensionindex"]["config"]["aggregation"] == "mean"
    assert why.attrs["tensionindex"]["version"] == ti.__version__


def test_contributions_sum_to_tension_under_mean() -> None:
    parts = ti.contributions(EVENTS, aggregation="mean")
    total = ti.stability_index(EVENTS, aggregation="mean")
    np.testing.assert_allclose(parts["tension"], total["tension"], rtol=1e-12)


def test_coverage_marks_unmonitored_days_without_changing_values() -> None:
    plain = ti.stability_index(EVENTS)
    marked = ti.stability_index(EVENTS, coverage=["2024-03-01", "2024-03-03"])
    assert list(marked.columns) == [*plain.columns, "covered"]
    pd.testing.assert_frame_equal(marked[plain.columns], plain)
    assert _series(marked, "CHN-USA", "covered") == [True, False, True]
    assert marked["covered"].dtype == bool


def test_coverage_errors_are_specific() -> None:
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"^The 'coverage' parameter must be a collection of dates; item 1 is 'someday', "
        r"not a date such as '2024-04-16'",
    ):
        ti.stability_index(EVENTS, coverage=["2024-03-01", "someday"])
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"^The 'coverage' parameter must be a collection of dates or a Series",
    ):
        ti.stability_index(EVENTS, coverage="2024-03-01")
    bad = pd.Series([1.0, -2.0], index=pd.to_datetime(["2024-03-01", "2024-03-02"]))
    with pytest.raises(ti.InvalidParameterError, match=r"the count for 2024-03-02 is -2\.0"):
        ti.stability_index(EVENTS, coverage=bad)


def test_dyads_selection_keeps_the_grid_of_all_events() -> None:
    everything = ti.stability_index(EVENTS, half_life=3)
    one = ti.stability_index(EVENTS, half_life=3, dyads="CHN-PHL")
    expected = everything[everything["dyad"] == "CHN-PHL"].reset_index(drop=True)
    np.testing.assert_array_equal(one["date"], expected["date"])
    np.testing.assert_allclose(one["tension"], expected["tension"], rtol=1e-15)


def test_window_tension_returns_to_exactly_zero() -> None:
    rng = np.random.default_rng(7)
    values = rng.normal(size=200)
    events = pd.DataFrame(
        {
            "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(200) % 40, unit="D"),
            "actor1": "CHN",
            "actor2": "USA",
            "event_type": "critical_statement",
            "intensity": np.abs(values) * 3.3,
        }
    )
    result = ti.stability_index(events, kernel="window", window=5, end="2024-03-31")
    quiet = result[result["date"] > pd.Timestamp("2024-02-13")]
    assert (quiet["tension"] == 0.0).all()
    assert (quiet["stability"] == 50.0).all()


def test_a_coverage_day_with_zero_records_is_unmonitored() -> None:
    coverage = pd.Series(
        [3, 0, 1], index=pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-03"])
    )
    result = ti.stability_index(EVENTS, coverage=coverage)
    assert _series(result, "CHN-USA", "covered") == [True, False, True]
