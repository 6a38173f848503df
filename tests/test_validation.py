"""Validation against the record: hits around turning points, agreement with a series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti
from tensionindex.analysis.validation import MAX_PERMUTED_CELLS
from tensionindex.exceptions import InvalidParameterError


@pytest.fixture(scope="module")
def example() -> pd.DataFrame:
    return ti.validate_events(ti.load_example("us-china-2024"))


def _points(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["dyad", "date", "direction"])


def test_hits_read_the_index_before_the_point_and_window_days_after(
    example: pd.DataFrame,
) -> None:
    scored = ti.score(example)
    points = _points(("CHN-PHL", "2024-03-05", "worse"), ("CHN-USA", "2023-11-15", "better"))
    hits = ti.turning_point_hits(scored, points, window=10, permutations=0)
    index = scored.index().set_index(["dyad", "date"])["stability"]
    assert hits["before_date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-04", "2023-11-14"]
    assert hits["after_date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-15", "2023-11-25"]
    for row in hits.itertuples():
        assert row.before == index[(row.dyad, row.before_date)]
        assert row.after == index[(row.dyad, row.after_date)]
        assert row.change == pytest.approx(row.after - row.before)
    assert hits["hit"].tolist() == [True, True]
    assert hits.attrs["tensionindex"]["hit_rate"] == 1.0
    assert np.isnan(hits.attrs["tensionindex"]["baseline_rate"])


@pytest.mark.parametrize("neutral", ["zero", "dyad"])
def test_the_values_are_those_the_index_read_on_the_day(
    example: pd.DataFrame, neutral: str
) -> None:
    """No look-ahead: each value equals the index of the events dated up to that day."""
    scored = ti.score(example, neutral=neutral)
    points = _points(
        ("CHN-PHL", "2023-08-05", "worse"), ("CHN-USA", "2024-04", "better"),
        ("CHN-USA", "2022-11-14", "better"),
    )
    hits = ti.turning_point_hits(scored, points, window=5, permutations=0)
    for row in hits.itertuples():
        for when, got in ((row.before_date, row.before), (row.after_date, row.after)):
            known = example[example["date"] <= when]
            then = ti.score(known, neutral=neutral).index(dyads=row.dyad, start=when, end=when)
            assert got == pytest.approx(float(then["stability"].iloc[0]), abs=1e-9)


def test_month_points_on_a_monthly_series_compare_month_ends() -> None:
    months = pd.period_range("2020-01", "2021-12", freq="M").astype(str)
    values = np.r_[np.zeros(12), np.ones(12)]  # better from 2021-01
    series = pd.DataFrame({"dyad": "CHN-JPN", "date": months, "value": values})
    points = _points(("CHN-JPN", "2021-01", "better"), ("CHN-JPN", "2020-06", "worse"))
    hits = ti.turning_point_hits(series, points, value="value", freq="MS", permutations=0)
    assert hits["before_date"].dt.strftime("%Y-%m-%d").tolist() == ["2020-12-31", "2020-05-31"]
    assert hits["after_date"].dt.strftime("%Y-%m-%d").tolist() == ["2021-01-31", "2020-06-30"]
    assert hits["change"].tolist() == [1.0, 0.0]
    assert hits["hit"].tolist() == [True, False]


def test_the_permutation_baseline_separates_signal_from_noise() -> None:
    rng = np.random.default_rng(3)
    days = pd.date_range("2010-01-01", periods=2000, freq="D")
    steps = np.zeros(len(days))
    turning = rng.choice(np.arange(100, 1900), 20, replace=False)
    direction = rng.choice([-1, 1], 20)
    for day, sign in zip(turning, direction, strict=True):
        steps[day:] += 5 * sign
    series = pd.DataFrame({"dyad": "A-B", "date": days, "value": steps})
    points = pd.DataFrame(
        {
            "dyad": "A-B",
            "date": days[turning].strftime("%Y-%m-%d"),
            "direction": np.where(direction > 0, "better", "worse"),
        }
    )
    found = ti.turning_point_hits(series, points, value="value", window=0, seed=1)
    meta = found.attrs["tensionindex"]
    assert meta["hit_rate"] == 1.0
    assert meta["baseline_rate"] < 0.1  # random days rarely hold a step
    assert meta["p_value"] == pytest.approx(1 / 1000)
    again = ti.turning_point_hits(series, points, value="value", window=0, seed=1)
    assert again.attrs["tensionindex"]["baseline_rate"] == meta["baseline_rate"]
    # A series of noise: no better than random dates.
    noise = series.assign(value=rng.normal(size=len(days)))
    blind = ti.turning_point_hits(noise, points, value="value", window=0, seed=1)
    assert blind.attrs["tensionindex"]["p_value"] > 0.05
    assert 0.3 < blind.attrs["tensionindex"]["baseline_rate"] < 0.7


def test_points_outside_the_series_are_counted_not_dropped(example: pd.DataFrame) -> None:
    scored = ti.score(example)
    points = _points(
        ("CHN-PHL", "1990-01-01", "worse"), ("CHN-RUS", "2024-01-01", "worse"),
        ("CHN-PHL", "2024-03-05", "worse"),
    )
    hits = ti.turning_point_hits(scored, points, permutations=0)
    assert len(hits) == 3
    assert hits["hit"].tolist() == [False, False, True]
    assert hits.attrs["tensionindex"]["outside"] == 2
    assert hits.attrs["tensionindex"]["points"] == 1


def test_errors_name_the_column_the_row_and_the_fix(example: pd.DataFrame) -> None:
    scored = ti.score(example)
    with pytest.raises(InvalidParameterError, match=r"lacks \['direction'\]"):
        ti.turning_point_hits(scored, pd.DataFrame({"dyad": ["CHN-PHL"], "date": ["2024"]}))
    with pytest.raises(InvalidParameterError, match=r"Column 'direction', row 1 .* got 'up'"):
        ti.turning_point_hits(scored, _points(("CHN-PHL", "2024", "worse"),
                                              ("CHN-PHL", "2024", "up")))
    with pytest.raises(InvalidParameterError, match=r"neutral='source' centres every event"):
        ti.turning_point_hits(ti.score(example, neutral="source"),
                              _points(("CHN-PHL", "2024", "worse")))
    with pytest.raises(InvalidParameterError, match=r"MAX_PERMUTED_CELLS"):
        many = _points(*[("CHN-PHL", "2024-03-05", "worse")] * 60)
        ti.turning_point_hits(scored, many, permutations=MAX_PERMUTED_CELLS // 50)
    with pytest.raises(InvalidParameterError, match=r"'window' parameter of turning_point_hits"):
        ti.turning_point_hits(scored, _points(("CHN-PHL", "2024", "worse")), window=-1)
    bad = pd.DataFrame({"dyad": ["A-B", "A-B"], "date": ["2020-01", "2020-02"],
                        "value": [1.0, np.nan]})
    with pytest.raises(InvalidParameterError, match=r"Column 'value', row 1 .* finite number"):
        ti.turning_point_hits(bad, _points(("A-B", "2020-02", "worse")), value="value")


def test_series_agreement_signs_and_pools(example: pd.DataFrame) -> None:
    scored = ti.score(example)
    own = scored.index(freq="MS")[["dyad", "date", "stability_mean"]]
    same = own.rename(columns={"stability_mean": "value"}).assign(
        date=lambda f: f["date"].dt.strftime("%Y-%m")
    )
    agreement = ti.series_agreement(scored, same)
    assert (agreement["pearson"] > 0.999).all()
    # A series where higher means worse, told so, agrees just as well.
    flipped = same.assign(value=-same["value"])
    assert (ti.series_agreement(scored, flipped, higher="worse")["pearson"] > 0.999).all()
    assert (ti.series_agreement(scored, flipped)["pearson"] < -0.999).all()
    # Tension columns are turned the same way round.
    by_tension = ti.series_agreement(scored, same, column="tension_mean")
    assert (by_tension["spearman"] > 0.99).all()
    assert ti.series_agreement(scored, same).attrs["tensionindex"]["pooled_pearson"] > 0.999
    short = ti.series_agreement(scored, same, min_periods=10_000)
    assert short["pearson"].isna().all()
