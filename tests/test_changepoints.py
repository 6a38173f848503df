"""changepoints(): regime changes of one dyad's series, against known answers.

Ground truth comes from series with known breaks (piecewise constant plus
seeded noise), from the window kernel (whose index is exactly piecewise
constant) and from a naive optimal-partitioning reference, which PELT must
match exactly.
"""

from __future__ import annotations

import math
import sys

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti
from tensionindex.analysis.changepoints import (
    CHANGEPOINT_COLUMNS,
    CHANGEPOINT_METHODS,
    ChangepointMethod,
    changepoints,
)

METHODS = CHANGEPOINT_METHODS
LEVELS = (60.0, 40.0, 55.0, 30.0)
LENGTHS = (100, 80, 120, 65)
FIRST_DAY = pd.Timestamp("2023-01-01")
# The first day of each new level.
BREAKS = [FIRST_DAY + pd.Timedelta(days=int(d)) for d in np.cumsum(LENGTHS)[:-1]]


def _frame(values: np.ndarray, dyad: str = "CHN-USA", first: str = "2023-01-01") -> pd.DataFrame:
    """A stability_index-shaped frame holding one dyad's series."""
    return pd.DataFrame(
        {
            "dyad": pd.Categorical([dyad] * len(values)),
            "date": pd.date_range(first, periods=len(values)).astype("datetime64[ns]"),
            "stability": np.asarray(values, dtype=float),
        }
    )


def _steps(seed: int, noise: float = 3.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    clean = np.concatenate([np.full(n, v) for v, n in zip(LEVELS, LENGTHS, strict=True)])
    return clean + rng.normal(0.0, noise, len(clean))


def _optimal_partition(values: np.ndarray, penalty: float, min_size: int) -> list[int]:
    """Starts of the new segments minimising cost + penalty * changes, by plain loops.

    Optimal partitioning (Jackson et al. 2005): F(t) = min over s of
    F(s) + C(s, t) + penalty, with every segment at least min_size long.
    """
    n = len(values)
    best = [math.inf] * (n + 1)
    best[0] = -penalty
    last = [0] * (n + 1)
    for t in range(min_size, n + 1):
        for s in range(0, t - min_size + 1):
            if s != 0 and s < min_size:
                continue
            segment = values[s:t]
            mean = sum(segment) / len(segment)
            cost = sum((v - mean) ** 2 for v in segment)
            total = best[s] + cost + penalty
            if total < best[t]:
                best[t], last[t] = total, s
    starts = []
    t = n
    while t > 0:
        t = last[t]
        if t > 0:
            starts.append(t)
    return sorted(starts)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_finds_known_breaks_within_a_few_days(method: ChangepointMethod, seed: int) -> None:
    found = changepoints(_frame(_steps(seed)), "CHN-USA", method=method)
    assert len(found) == len(BREAKS)
    off = (found["date"] - pd.DatetimeIndex(BREAKS)).dt.days.abs()
    assert off.max() <= 3
    np.testing.assert_allclose(found["before"], LEVELS[:-1], atol=2.0)
    np.testing.assert_allclose(found["after"], LEVELS[1:], atol=2.0)
    np.testing.assert_allclose(found["change"], found["after"] - found["before"])


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("seed", range(5))
def test_flat_series_with_noise_has_no_change(method: ChangepointMethod, seed: int) -> None:
    noise = np.random.default_rng(seed).normal(0.0, 3.0, 365)
    assert changepoints(_frame(50.0 + noise), "CHN-USA", method=method).empty


@pytest.mark.parametrize("method", METHODS)
def test_constant_series_has_no_change(method: ChangepointMethod) -> None:
    found = changepoints(_frame(np.full(100, 50.0)), "CHN-USA", method=method, penalty=1e-9)
    assert found.empty
    assert list(found.columns) == list(CHANGEPOINT_COLUMNS)


def test_window_kernel_gives_exact_dates_and_levels() -> None:
    # The window index is piecewise constant: 50, then 100 / (1 + e^0.7) for 60 days.
    events = [
        {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"}
    ]
    result = ti.stability_index(
        events, kernel="window", window=60, start="2024-01-01", end="2024-07-31"
    )
    found = changepoints(result, "PHL-CHN")
    low = 100.0 / (1.0 + math.exp(0.7))
    assert list(found["date"]) == [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-04-30")]
    np.testing.assert_allclose(found["before"], [50.0, low], rtol=1e-12)
    np.testing.assert_allclose(found["after"], [low, 50.0], rtol=1e-12)
    assert list(found["before_start"]) == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-03-01")]
    assert list(found["after_end"]) == [pd.Timestamp("2024-04-29"), pd.Timestamp("2024-07-31")]


@pytest.mark.parametrize("seed", range(4))
def test_pelt_is_the_exact_optimum(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = np.repeat(rng.normal(0.0, 3.0, 6), 10) + rng.normal(0.0, 1.0, 60)
    penalty, min_size = 8.0, 4
    expected = _optimal_partition(values.tolist(), penalty, min_size)
    found = changepoints(_frame(values), "CHN-USA", penalty=penalty, min_size=min_size)
    days = (found["date"] - FIRST_DAY).dt.days.tolist()
    assert days == expected
    assert expected  # the reference found changes: the comparison means something


def test_default_penalty_is_3_sigma2_log_n_and_recorded() -> None:
    values = _steps(0)
    found = changepoints(_frame(values), "CHN-USA")
    used = found.attrs["tensionindex"]["changepoints"]
    assert used["penalty"] == pytest.approx(3.0 * np.var(values) * math.log(len(values)))
    assert used | {"penalty": None} == {
        "dyad": "CHN-USA",
        "column": "stability",
        "method": "pelt",
        "penalty": None,
        "min_size": 14,
        "n_days": len(values),
    }


def test_default_penalty_does_not_depend_on_units() -> None:
    values = _steps(3)
    plain = changepoints(_frame(values), "CHN-USA")
    scaled = changepoints(_frame(1000.0 * values - 7.0), "CHN-USA")
    assert list(scaled["date"]) == list(plain["date"])
    np.testing.assert_allclose(scaled["change"], 1000.0 * plain["change"])


def test_penalty_and_min_size_are_used() -> None:
    values = _steps(1)
    many = changepoints(_frame(values), "CHN-USA", penalty=1.0, min_size=5)
    assert len(many) > len(BREAKS)
    segments = np.diff([0, *(many["date"] - FIRST_DAY).dt.days, len(values)])
    assert segments.min() >= 5


def test_series_shorter_than_two_segments_has_no_change() -> None:
    values = np.r_[np.zeros(13), np.full(13, 10.0)]
    assert changepoints(_frame(values), "CHN-USA", min_size=14).empty
    assert len(changepoints(_frame(values), "CHN-USA", min_size=13)) == 1


def test_dates_are_real_dates_when_days_are_missing() -> None:
    values = np.r_[np.zeros(30), np.full(30, 10.0)]
    frame = _frame(values)
    gappy = frame.drop(index=range(10, 20))  # ten days missing before the break
    found = changepoints(gappy, "CHN-USA", min_size=5)
    assert list(found["date"]) == [FIRST_DAY + pd.Timedelta(days=30)]
    assert list(found["before_start"]) == [FIRST_DAY]


def test_rows_in_any_order_and_other_dyads() -> None:
    values = np.r_[np.zeros(30), np.full(30, 10.0)]
    both = pd.concat([_frame(values), _frame(-values, dyad="CHN-PHL")], ignore_index=True)
    both["dyad"] = both["dyad"].astype("category")
    shuffled = both.sample(frac=1.0, random_state=0)
    found = changepoints(shuffled, "CHN-USA")
    assert list(found["date"]) == [FIRST_DAY + pd.Timedelta(days=30)]
    assert list(found["change"]) == [10.0]
    assert str(found["dyad"].iloc[0]) == "CHN-USA"
    assert list(found["dyad"].cat.categories) == ["CHN-PHL", "CHN-USA"]


def test_dyad_by_name_and_in_either_order() -> None:
    values = np.r_[np.zeros(30), np.full(30, 10.0)]
    expected = changepoints(_frame(values), "CHN-USA")
    for spelling in ("USA-CHN", "China-US", "usa-china"):
        pd.testing.assert_frame_equal(changepoints(_frame(values), spelling), expected)


def test_other_columns_and_directed_results() -> None:
    events = [
        {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"},
        {"date": "2024-03-02", "actor1": "PHL", "actor2": "CHN", "event_type": "protest_lodged"},
    ]
    result = ti.stability_index(
        events, kernel="window", window=40, start="2024-01-01", end="2024-06-30", directed=True
    )
    found = changepoints(result, "CHN->PHL", column="tension")
    assert list(found["date"]) == [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-04-10")]
    assert list(found["after"]) == [7.0, 0.0]


def test_bundled_example_runs_and_keeps_the_configuration() -> None:
    result = ti.stability_index(ti.load_example())
    found = changepoints(result, "CHN-PHL")
    assert not found.empty
    assert found["date"].is_monotonic_increasing
    assert found.attrs["tensionindex"]["fingerprint"] == result.attrs["tensionindex"]["fingerprint"]
    # The regime before the first change is the quiet years before any CHN-PHL event.
    assert found["before"].iloc[0] == pytest.approx(50.0)
    assert "changepoints" not in result.attrs["tensionindex"]  # the input is not modified


# Error paths -------------------------------------------------------------------------


@pytest.fixture
def steps() -> pd.DataFrame:
    return _frame(_steps(0))


def test_unknown_method(steps: pd.DataFrame) -> None:
    message = (
        r"The 'method' parameter of changepoints must be one of 'pelt', 'binseg', 'window'\. "
        r"Got 'pelf' instead\. Did you mean 'pelt'\?"
    )
    with pytest.raises(ti.ConfigurationError, match=message):
        changepoints(steps, "CHN-USA", method="pelf")  # type: ignore[arg-type]


@pytest.mark.parametrize("penalty", [0, -3.0, float("nan"), float("inf"), True, "3"])
def test_bad_penalty(steps: pd.DataFrame, penalty: object) -> None:
    message = (
        r"The 'penalty' parameter of changepoints must be a finite number > 0\. "
        r"Got .* instead\."
    )
    with pytest.raises(ti.ConfigurationError, match=message):
        changepoints(steps, "CHN-USA", penalty=penalty)  # type: ignore[arg-type]


@pytest.mark.parametrize("min_size", [0, 2.5, True, "14"])
def test_bad_min_size(steps: pd.DataFrame, min_size: object) -> None:
    message = r"The 'min_size' parameter of changepoints must be an integer >= 1\. Got .* instead\."
    with pytest.raises(ti.ConfigurationError, match=message):
        changepoints(steps, "CHN-USA", min_size=min_size)  # type: ignore[arg-type]


def test_bad_column_name(steps: pd.DataFrame) -> None:
    with pytest.raises(ti.ConfigurationError, match=r"The 'column' parameter of changepoints"):
        changepoints(steps, "CHN-USA", column=3)  # type: ignore[arg-type]
    message = (
        r"The result passed to changepoints has no 'stabilty' column\. "
        r"Did you mean 'stability'\?"
    )
    with pytest.raises(ti.EventValidationError, match=message):
        changepoints(steps, "CHN-USA", column="stabilty")


def test_column_that_is_not_numeric(steps: pd.DataFrame) -> None:
    steps["covered"] = True
    message = (
        r"changepoints reads numbers from the 'covered' column, which holds bool\. "
        r"Numeric columns of the result: stability\."
    )
    with pytest.raises(ti.EventValidationError, match=message):
        changepoints(steps, "CHN-USA", column="covered")


def test_result_must_be_a_frame_with_dyad_and_date(steps: pd.DataFrame) -> None:
    message = (
        r"The 'result' parameter of changepoints must be a DataFrame returned by "
        r"stability_index\. Got list instead\."
    )
    with pytest.raises(ti.EventInputTypeError, match=message):
        changepoints([1, 2, 3], "CHN-USA")  # type: ignore[arg-type]
    with pytest.raises(ti.EventValidationError, match=r"has no 'date' column\."):
        changepoints(steps.drop(columns="date"), "CHN-USA")


def test_unknown_dyad_suggests_near_misses(steps: pd.DataFrame) -> None:
    both = pd.concat([steps, _frame(_steps(1), dyad="CHN-PHL")], ignore_index=True)
    message = (
        r"No dyad 'CHN-PRK' in the result\. Did you mean 'CHN-PHL'.*\? "
        r"Dyads in the result: CHN-PHL, CHN-USA\."
    )
    with pytest.raises(ti.EventValidationError, match=message):
        changepoints(both, "CHN-PRK")
    with pytest.raises(ti.EventValidationError, match=r"No dyad 'CHN-USA' in the result: it"):
        changepoints(steps.iloc[:0], "CHN-USA")
    with pytest.raises(ti.EventInputTypeError, match=r"The 'dyad' parameter of changepoints"):
        changepoints(steps, None)  # type: ignore[arg-type]


def test_direction_hints(steps: pd.DataFrame) -> None:
    directed = _frame(_steps(0), dyad="USA->CHN")
    message = (
        r"No dyad 'CHN-USA' in the result\. The result is directed \(scored with "
        r"directed=True\): write 'CHN->USA' or 'USA->CHN'\."
    )
    with pytest.raises(ti.EventValidationError, match=message):
        changepoints(directed, "CHN-USA")
    message = r"No dyad 'USA->CHN' in the result\. The result is undirected: write 'CHN-USA'"
    with pytest.raises(ti.EventValidationError, match=message):
        changepoints(steps, "USA->CHN")


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_refuses_missing_values_and_names_the_date(steps: pd.DataFrame, bad: float) -> None:
    steps.loc[[40, 41, 90], "stability"] = bad
    message = (
        rf"The 'stability' of CHN-USA is {bad} on 2023-02-10 \(and on 2 more days\)\. "
        r"changepoints needs a finite value on every day it reads: drop those days"
    )
    with pytest.raises(ti.EventValidationError, match=message):
        changepoints(steps, "CHN-USA")
    # Dropping them is the explicit way to detect on the other days.
    assert len(changepoints(steps.dropna().query("stability < inf"), "CHN-USA")) == len(BREAKS)


def test_zscore_results_say_why_there_are_missing_values() -> None:
    events = ti.load_example()
    result = ti.stability_index(events, normalize="zscore")
    message = r"The 'stability' of CHN-PHL is nan on 2018-09-20 .*normalize='zscore' leaves NaN"
    with pytest.raises(ti.EventValidationError, match=message):
        changepoints(result, "CHN-PHL")


def test_two_rows_for_one_day(steps: pd.DataFrame) -> None:
    twice = pd.concat([steps, steps.iloc[[5]]], ignore_index=True)
    message = (
        r"The result holds 2 rows for CHN-USA on 2023-01-06; changepoints needs one row per "
        r"dyad and day"
    )
    with pytest.raises(ti.EventValidationError, match=message):
        changepoints(twice, "CHN-USA")


def test_missing_ruptures_gives_an_install_hint(
    steps: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ruptures", None)  # `import ruptures` now fails
    message = (
        r"changepoints\(\) needs the optional dependency 'ruptures', which is not installed\. "
        r'Install it with: pip install "tensionindex\[changepoints\]"'
    )
    with pytest.raises(ti.MissingDependencyError, match=message):
        changepoints(steps, "CHN-USA")
