"""changepoints() and segment(): regime changes of a series, against known answers.

Ground truth comes from series with known breaks (piecewise constant plus
seeded noise), from the window kernel (whose index is exactly piecewise
constant) and from a naive optimal-partitioning reference, which PELT must
match exactly; changepoints() of scored events is segment() of the index.
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
    default_penalty,
    segment,
)
from tensionindex.testing import event

METHODS = CHANGEPOINT_METHODS
LEVELS = (60.0, 40.0, 55.0, 30.0)
LENGTHS = (100, 80, 120, 65)
FIRST_DAY = pd.Timestamp("2023-01-01")
# The position of the first day of each new level.
BREAKS = np.cumsum(LENGTHS)[:-1]


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
    pytest.importorskip("ruptures")
    values = _steps(seed)
    found = segment(values, method=method)
    assert len(found) == len(BREAKS)
    assert np.abs(found - BREAKS).max() <= 3
    means = [values[a:b].mean() for a, b in zip([0, *found], [*found, len(values)], strict=True)]
    np.testing.assert_allclose(means, LEVELS, atol=2.0)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("seed", range(5))
def test_flat_series_with_noise_has_no_change(method: ChangepointMethod, seed: int) -> None:
    pytest.importorskip("ruptures")
    noise = np.random.default_rng(seed).normal(0.0, 3.0, 365)
    assert len(segment(50.0 + noise, method=method)) == 0


@pytest.mark.parametrize("method", METHODS)
def test_constant_series_has_no_change(method: ChangepointMethod) -> None:
    assert len(segment(np.full(100, 50.0), method=method, penalty=1e-9)) == 0


@pytest.mark.parametrize("seed", range(4))
def test_pelt_is_the_exact_optimum(seed: int) -> None:
    pytest.importorskip("ruptures")
    rng = np.random.default_rng(seed)
    values = np.repeat(rng.normal(0.0, 3.0, 6), 10) + rng.normal(0.0, 1.0, 60)
    penalty, min_size = 8.0, 4
    expected = _optimal_partition(values.tolist(), penalty, min_size)
    assert segment(values, penalty=penalty, min_size=min_size).tolist() == expected
    assert expected  # the reference found changes: the comparison means something


def test_default_penalty_does_not_depend_on_units() -> None:
    pytest.importorskip("ruptures")
    values = _steps(3)
    plain = segment(values)
    np.testing.assert_array_equal(segment(1000.0 * values - 7.0), plain)


def test_penalty_and_min_size_are_used() -> None:
    pytest.importorskip("ruptures")
    values = _steps(1)
    many = segment(values, penalty=1.0, min_size=5)
    assert len(many) > len(BREAKS)
    assert np.diff([0, *many, len(values)]).min() >= 5


def test_series_shorter_than_two_segments_has_no_change() -> None:
    pytest.importorskip("ruptures")
    values = np.r_[np.zeros(13), np.full(13, 10.0)]
    assert len(segment(values, min_size=14)) == 0
    assert segment(values, min_size=13).tolist() == [13]


# changepoints() of scored events -----------------------------------------------------


def test_window_kernel_gives_exact_dates_and_levels() -> None:
    pytest.importorskip("ruptures")
    # The window index is piecewise constant: 50, then 100 / (1 + e^0.7) for 60 days.
    scored = ti.score([event("2024-03-01")], kernel="window", window=60)
    found = ti.changepoints(scored, dyads="PHL-CHN", start="2024-01-01", end="2024-07-31")
    low = 100.0 / (1.0 + math.exp(0.7))
    assert list(found.columns) == list(CHANGEPOINT_COLUMNS)
    assert list(found["date"]) == [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-04-30")]
    np.testing.assert_allclose(found["before"], [50.0, low], rtol=1e-12)
    np.testing.assert_allclose(found["after"], [low, 50.0], rtol=1e-12)
    np.testing.assert_allclose(found["change"], found["after"] - found["before"])
    assert list(found["before_start"]) == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-03-01")]
    assert list(found["after_end"]) == [pd.Timestamp("2024-04-29"), pd.Timestamp("2024-07-31")]


def test_other_columns_and_directed_events() -> None:
    pytest.importorskip("ruptures")
    events = [event("2024-03-01"), event("2024-03-02", "protest_lodged", "PHL", "CHN")]
    scored = ti.score(events, kernel="window", window=40, directed=True)
    found = ti.changepoints(
        scored, dyads="CHN->PHL", column="tension", start="2024-01-01", end="2024-06-30"
    )
    assert list(found["date"]) == [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-04-10")]
    assert list(found["after"]) == [7.0, 0.0]


def _expected(scored: ti.ScoredEvents, column: str = "stability", **query: object) -> pd.DataFrame:
    """changepoints() by hand: segment() of each dyad's column of the tidy index."""
    result = scored.index(**query)  # type: ignore[arg-type]
    rows = []
    for dyad, part in result.groupby("dyad", observed=True):
        part = part.dropna(subset=[column])
        values, dates = part[column].to_numpy(dtype=float), part["date"].to_numpy()
        starts = segment(values).tolist()
        bounds = [0, *starts, len(values)]
        for k, p in enumerate(starts):
            before = values[bounds[k] : p].mean()
            after = values[p : bounds[k + 2]].mean()
            rows.append(
                (str(dyad), dates[p], before, after, dates[bounds[k]], dates[bounds[k + 2] - 1])
            )
    return pd.DataFrame(
        rows, columns=["dyad", "date", "before", "after", "before_start", "after_end"]
    )


@pytest.mark.parametrize(
    ("column", "query"),
    [
        ("stability", {}),
        ("tension", {"start": "2022-01-01"}),
        ("stability", {"normalize": "zscore"}),
    ],
)
def test_every_dyad_is_segment_of_its_series(column: str, query: dict[str, object]) -> None:
    pytest.importorskip("ruptures")
    scored = ti.score(ti.load_example())
    found = ti.changepoints(scored, column=column, **query)  # type: ignore[arg-type]
    expected = _expected(scored, column, **query)
    assert len(expected) > 5
    got = found.assign(dyad=found["dyad"].astype(str)).drop(columns="change")
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_bundled_example_runs_and_records_what_it_did() -> None:
    pytest.importorskip("ruptures")
    scored = ti.score(ti.load_example())
    found = ti.changepoints(scored, dyads="CHN-PHL")
    assert not found.empty
    assert found["date"].is_monotonic_increasing
    assert set(found["dyad"].astype(str)) == {"CHN-PHL"}
    assert list(found["dyad"].cat.categories) == list(scored.labels)
    assert found.attrs["tensionindex"]["fingerprint"] == scored.fingerprint
    # The regime before the first change is the quiet years before any CHN-PHL event.
    assert found["before"].iloc[0] == pytest.approx(50.0)
    series = scored.index(dyads="CHN-PHL")["stability"].to_numpy()
    used = found.attrs["tensionindex"]["changepoints"]
    assert used["penalty"]["CHN-PHL"] == pytest.approx(3.0 * np.var(series) * math.log(len(series)))
    assert used["penalty"]["CHN-PHL"] == default_penalty(series)
    assert used | {"penalty": None} == {
        "dyads": ["CHN-PHL"],
        "column": "stability",
        "method": "pelt",
        "penalty": None,
        "min_size": 14,
        "n_days": {"CHN-PHL": len(series)},
    }


def test_dyads_by_name_in_either_order_and_several() -> None:
    pytest.importorskip("ruptures")
    scored = ti.score(ti.load_example())
    expected = ti.changepoints(scored, dyads="CHN-USA")
    for spelling in ("USA-CHN", "China-US", "usa-china", ["usa-china"]):
        pd.testing.assert_frame_equal(ti.changepoints(scored, dyads=spelling), expected)
    both = ti.changepoints(scored, dyads=["CHN-USA", "CHN-PHL"])
    assert list(both["dyad"].astype(str).unique()) == ["CHN-PHL", "CHN-USA"]
    assert len(both) == len(expected) + len(ti.changepoints(scored, dyads="CHN-PHL"))


def test_raw_events_are_the_one_line_path() -> None:
    pytest.importorskip("ruptures")
    events = ti.load_example()
    pd.testing.assert_frame_equal(
        ti.changepoints(events, dyads="CHN-PHL", half_life=10),
        ti.changepoints(ti.score(events, half_life=10), dyads="CHN-PHL"),
    )


def test_nothing_to_segment() -> None:
    scored = ti.score([event("2024-03-01")])
    found = ti.changepoints(scored)  # one day
    assert found.empty and list(found.columns) == list(CHANGEPOINT_COLUMNS)
    assert found["before_start"].dtype == "datetime64[ns]"
    assert ti.changepoints(ti.score([])).empty


# Error paths -------------------------------------------------------------------------


@pytest.fixture
def scored() -> ti.ScoredEvents:
    return ti.score([event("2024-03-01"), event("2024-06-01", "ramming")])


def test_unknown_method(scored: ti.ScoredEvents) -> None:
    message = (
        r"The 'method' parameter of changepoints must be one of 'pelt', 'binseg', 'window'\. "
        r"Got 'pelf' instead\. Did you mean 'pelt'\?"
    )
    with pytest.raises(ti.InvalidParameterError, match=message):
        ti.changepoints(scored, method="pelf")  # type: ignore[arg-type]


@pytest.mark.parametrize("penalty", [0, -3.0, float("nan"), float("inf"), True, "3"])
def test_bad_penalty(scored: ti.ScoredEvents, penalty: object) -> None:
    message = (
        r"The 'penalty' parameter of changepoints must be a finite number > 0 or None\. "
        r"Got .* instead\."
    )
    with pytest.raises(ti.InvalidParameterError, match=message):
        ti.changepoints(scored, penalty=penalty)  # type: ignore[arg-type]
    with pytest.raises(ti.InvalidParameterError, match=r"'penalty' parameter of segment must"):
        segment(_steps(0), penalty=penalty)  # type: ignore[arg-type]


@pytest.mark.parametrize("min_size", [0, 2.5, True, "14"])
def test_bad_min_size(scored: ti.ScoredEvents, min_size: object) -> None:
    message = r"The 'min_size' parameter of changepoints must be an integer >= 1\. Got .* instead\."
    with pytest.raises(ti.InvalidParameterError, match=message):
        ti.changepoints(scored, min_size=min_size)  # type: ignore[arg-type]


def test_bad_column(scored: ti.ScoredEvents) -> None:
    message = (
        r"The 'column' parameter of changepoints must be one of 'stability', 'tension', "
        r"'signal', 'events'\. Got 'stabilty' instead\. Did you mean 'stability'\?"
    )
    with pytest.raises(ti.InvalidParameterError, match=message):
        ti.changepoints(scored, column="stabilty")  # type: ignore[arg-type]
    with pytest.raises(ti.InvalidParameterError, match=r"The 'column' parameter of changepoints"):
        ti.changepoints(scored, column=3)  # type: ignore[arg-type]


def test_bad_dyads_and_configuration(scored: ti.ScoredEvents) -> None:
    message = r"No events for dyad 'CHN-PRK'\. Did you mean 'CHN-PHL'.*\? Dyads in the events: "
    with pytest.raises(ti.EventValidationError, match=message):
        ti.changepoints(scored, dyads="CHN-PRK")
    with pytest.raises(ti.InvalidParameterError, match=r"The 'dyads' parameter of changepoints"):
        ti.changepoints(scored, dyads=42)  # type: ignore[arg-type]
    # The dyad goes by name: a second positional argument is the configuration.
    message = r"The 'config' parameter of changepoints must be an IndexConfig or None\. Got 'CHN"
    with pytest.raises(ti.InvalidParameterError, match=message):
        ti.changepoints(scored, "CHN-PHL")  # type: ignore[arg-type]


def test_direction_hints() -> None:
    directed = ti.score([event("2024-03-01")], directed=True)
    message = r"No events for dyad 'PHL->CHN'\. Did you mean 'CHN->PHL' \(the other direction\)\?"
    with pytest.raises(ti.EventValidationError, match=message):
        ti.changepoints(directed, dyads="PHL->CHN")


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_segment_refuses_missing_values(bad: float) -> None:
    pytest.importorskip("ruptures")
    values = _steps(0)
    values[[40, 41, 90]] = bad
    message = (
        r"The 'values' parameter of segment must be a one-dimensional series of finite "
        r"numbers\. Got a ndarray of shape \(365,\) instead\."
    )
    with pytest.raises(ti.InvalidParameterError, match=message):
        segment(values)
    # Dropping them is the explicit way to detect on the other values.
    assert len(segment(values[np.isfinite(values)])) == len(BREAKS)


def test_missing_ruptures_gives_an_install_hint(
    scored: ti.ScoredEvents, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ruptures", None)  # `import ruptures` now fails
    message = (
        r"changepoints\(\) needs the optional dependency 'ruptures', which is not installed\. "
        r'Install it with: pip install "tensionindex\[changepoints\]"'
    )
    with pytest.raises(ti.MissingDependencyError, match=message):
        ti.changepoints(scored, start="2024-01-01", end="2024-12-31")
