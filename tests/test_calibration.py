"""calibrate(): recovery of known weights from simulated events, the objective, every error.

The key test simulates events of a few types with random daily counts over two
years for one dyad, computes the target with :func:`stability_index` under
known ("true") weights, starts from a configuration whose weights differ, and
checks that calibration recovers the true weights.  calibrate takes scored
events (``ti.score(events)``), or raw events for the one-line path.  The regularised objective
is checked against the normal equations solved with numpy (tension) and
against a finite-difference optimality test (stability), both with the design
matrix built from full runs of :func:`stability_index`, not from the linear
shortcut the implementation uses.

The clean case of docs/calibration.md (eight types, the truth 0.5 to 1.8 times
the default weights, calibration from the defaults) pins the figures quoted
there: the default, strength chosen by cross-validation, recovers every
weight; the former default, regularization=1, does not.  The half-life
profile finds the half-life the target was made with, period averages
compared on days warn and ``freq=`` fixes them, and a fit worse out of sample
than its start warns.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti
from tensionindex.analysis.calibration import (
    HALF_LIFE_GRID,
    REGULARIZATION_GRID,
    CalibrationReport,
    calibrate,
)
from tensionindex.exceptions import CalibrationWarning

TRUE = {
    "water_cannon": 5.0,  # default 7
    "ramming": 11.0,  # default 9.2
    "protest_lodged": 3.0,  # default 2
    "dialogue_resumed": -4.0,  # default -7
    "military_talks": -1.5,  # default -2.5
}
HALF_LIFE = 20.0


def simulate(
    seed: int = 1, *, rate: float = 0.08, days: int = 730, types: tuple[str, ...] = tuple(TRUE)
) -> pd.DataFrame:
    """Events of one dyad: a Poisson number of events of each type on each day.

    The first type has an event on the first and on the last day, so the index's
    range is every day simulated.
    """
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2022-01-01", periods=days)
    counts = rng.poisson(rate, size=(days, len(types)))
    counts[[0, -1], 0] = np.maximum(counts[[0, -1], 0], 1)  # the grid spans all the days
    day, kind = np.nonzero(counts)
    repeat = counts[day, kind]
    actors = rng.integers(0, 2, size=int(repeat.sum()))
    return pd.DataFrame(
        {
            "date": np.repeat(dates[day], repeat),
            "actor1": np.where(actors == 0, "CHN", "PHL"),
            "actor2": np.where(actors == 0, "PHL", "CHN"),
            "event_type": np.repeat(np.array(types)[kind], repeat),
            "intensity": rng.choice([1.0, 1.0, 2.0], size=int(repeat.sum())),
        }
    )


def index_at(
    events: pd.DataFrame, dates: pd.DatetimeIndex, column: str, **overrides: object
) -> pd.Series:
    series = ti.stability_index(events, **overrides).set_index("date")[column]  # type: ignore[arg-type]
    return series.loc[dates]


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return simulate()


@pytest.fixture(scope="module")
def scored(events: pd.DataFrame) -> ti.ScoredEvents:
    return ti.score(events)


@pytest.fixture(scope="module")
def month_ends(events: pd.DataFrame) -> pd.DatetimeIndex:
    dates = pd.date_range("2022-01-31", "2023-12-31", freq="ME")
    assert dates[-1] <= events["date"].max()
    return dates


@pytest.fixture(scope="module")
def perturbed() -> ti.IndexConfig:
    # Same signs as the truth, every weight off by 30 % to 100 %.
    factors = dict(zip(TRUE, [1.5, 0.6, 1.4, 0.5, 2.0], strict=True))
    return ti.IndexConfig(half_life=HALF_LIFE, weights={k: TRUE[k] * f for k, f in factors.items()})


# -- recovery: the key test --------------------------------------------------------------


@pytest.mark.parametrize("on", ["stability", "tension"])
def test_recovers_the_true_weights(
    events: pd.DataFrame,
    scored: ti.ScoredEvents,
    month_ends: pd.DatetimeIndex,
    perturbed: ti.IndexConfig,
    on: str,
) -> None:
    target = index_at(events, month_ends, on, weights=TRUE, half_life=HALF_LIFE)
    fitted, report = calibrate(scored, target, perturbed, on=on, regularization=1e-6)  # type: ignore[arg-type]
    for event_type, weight in TRUE.items():
        assert fitted.weights[event_type] == pytest.approx(weight, rel=1e-3), event_type
        assert perturbed.weights[event_type] != pytest.approx(weight, rel=0.2)
    assert report.rmse_before > 2
    assert report.rmse_after < 1e-3
    assert report.correlation_after == pytest.approx(1.0, abs=1e-9)
    assert report.converged
    assert report.cv_rmse < 1e-2 < report.cv_rmse_before
    assert set(report.changes["status"]) == {"fitted"}
    # The fitted configuration reproduces the reported fit with the plain index.
    again = index_at(events, month_ends, on, config=fitted)
    np.testing.assert_allclose(again, report.series["after"], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(report.series["target"], target, rtol=0, atol=0)


def test_recovers_category_multipliers(
    events: pd.DataFrame, scored: ti.ScoredEvents, month_ends: pd.DatetimeIndex
) -> None:
    truth = {"gray_zone": 0.6, "diplomatic_friction": 2.5, "dialogue": 1.3}
    target = index_at(
        events, month_ends, "stability", category_multipliers=truth, half_life=HALF_LIFE
    )
    start = ti.IndexConfig(half_life=HALF_LIFE, category_multipliers={"dialogue": 0.5})
    fitted, report = calibrate(scored, target, start, fit="categories", regularization=1e-6)
    for category, multiplier in truth.items():
        assert fitted.category_multipliers[category] == pytest.approx(multiplier, rel=1e-3)
    assert set(report.changes["parameter"]) == set(truth)
    assert list(report.changes.columns) == [
        "parameter",
        "before",
        "after",
        "change",
        "lower",
        "upper",
        "status",
    ]
    assert report.changes.set_index("parameter").loc["dialogue", "before"] == 0.5
    assert dict(fitted.weights) == {}


def test_recovers_from_noisy_weekly_scores(events: pd.DataFrame, scored: ti.ScoredEvents) -> None:
    # Expert scores are noisy: with noise of 1 stability point the weights are still close.
    sundays = pd.date_range("2022-01-02", "2023-12-31", freq="W-SUN")
    clean = index_at(events, sundays, "stability", weights=TRUE, half_life=HALF_LIFE)
    noisy = clean + np.random.default_rng(5).normal(0, 1.0, len(clean))
    noisy = noisy.clip(0, 100)
    fitted, _ = calibrate(scored, noisy, half_life=HALF_LIFE, regularization=1e-3)
    for event_type, weight in TRUE.items():
        assert fitted.weights[event_type] == pytest.approx(weight, rel=0.15, abs=0.3)


# -- the clean case: the strength chosen by cross-validation ------------------------------

# Eight types; the truth is the default weight times these factors (0.5 to 1.8).
CLEAN_TYPES = (
    "water_cannon",
    "ramming",
    "protest_lodged",
    "dialogue_resumed",
    "military_talks",
    "risky_intercept",
    "vessel_seizure",
    "agreement_signed",
)
CLEAN_FACTORS = (0.5, 1.4, 1.8, 0.5, 0.7, 1.4, 0.7, 1.8)
MONTH_ENDS = pd.date_range("2022-01-31", "2023-12-31", freq="ME")


def relative_errors(fitted: ti.IndexConfig, truth: dict[str, float]) -> np.ndarray:
    return np.array([abs(fitted.weights[k] / v - 1) for k, v in truth.items()])


@pytest.fixture(scope="module")
def clean() -> tuple[pd.DataFrame, dict[str, float], pd.Series]:
    """Events, the true weights, and the daily stability they give (default configuration)."""
    defaults = ti.IndexConfig().resolve(list(CLEAN_TYPES)).weight
    truth = {t: float(w * f) for t, w, f in zip(CLEAN_TYPES, defaults, CLEAN_FACTORS, strict=True)}
    events = simulate(1, types=CLEAN_TYPES, rate=0.05)
    daily = ti.stability_index(events, weights=truth).set_index("date")["stability"]
    return events, truth, daily


@pytest.fixture(scope="module")
def clean_fit(
    clean: tuple[pd.DataFrame, dict[str, float], pd.Series],
) -> tuple[ti.IndexConfig, CalibrationReport]:
    events, _, daily = clean
    with warnings.catch_warnings():
        warnings.simplefilter("error", CalibrationWarning)  # a clean case warns of nothing
        return calibrate(ti.score(events), daily.loc[MONTH_ENDS])  # from the defaults


def test_the_default_recovers_the_weights(
    clean: tuple[pd.DataFrame, dict[str, float], pd.Series],
    clean_fit: tuple[ti.IndexConfig, CalibrationReport],
) -> None:
    _, truth, _ = clean
    fitted, report = clean_fit
    errors = relative_errors(fitted, truth)
    # Measured: median 0.18 %, largest 0.6 % (regularization 1e-4 chosen).
    assert np.median(errors) < 0.005 and errors.max() < 0.01
    assert report.regularization == 1e-4 and report.warnings == ()
    assert report.cv_rmse < 0.2 * report.cv_rmse_before  # measured 1.07 against 9.18
    assert fitted.scale == 10.0 and fitted.half_life == 30.0


def test_the_former_default_moves_weights_away_and_warns(
    clean: tuple[pd.DataFrame, dict[str, float], pd.Series],
) -> None:
    events, truth, daily = clean
    # regularization=1, the default before: with the revised analyst weights as the start,
    # measured median error 22 %, largest 50 %, against 0.1 % under the cross-validated
    # default (its warning is tested on noisy data below).
    old, report = calibrate(events, daily.loc[MONTH_ENDS], regularization=1.0)
    new, chosen = calibrate(events, daily.loc[MONTH_ENDS])
    errors, best = relative_errors(old, truth), relative_errors(new, truth)
    assert np.median(errors) > 0.15 and errors.max() > 0.4
    assert np.median(best) < 0.01 and best.max() < 0.01
    assert chosen.cv_rmse < report.cv_rmse


def test_the_cross_validation_curve(clean_fit: tuple[ti.IndexConfig, CalibrationReport]) -> None:
    _, report = clean_fit
    curve = report.cv_curve
    assert list(curve.columns) == ["half_life", "regularization", "cv_rmse", "chosen"]
    assert list(curve["regularization"]) == list(REGULARIZATION_GRID)
    assert (curve["half_life"] == 30.0).all() and curve["chosen"].sum() == 1
    best = curve.loc[curve["chosen"]].iloc[0]
    assert best["regularization"] == report.regularization
    assert best["cv_rmse"] == curve["cv_rmse"].min() == pytest.approx(report.cv_rmse, rel=1e-12)
    # On clean data every strength costs out-of-sample accuracy: the curve only rises.
    assert (np.diff(curve["cv_rmse"].to_numpy()) > 0).all()
    assert report.half_life_profile.empty
    data = json.loads(json.dumps(report.to_dict()))
    assert data["cv_curve"][0] == {
        "half_life": 30.0,
        "regularization": 1e-4,
        "cv_rmse": pytest.approx(best["cv_rmse"]),
        "chosen": True,
    }
    assert data["warnings"] == [] and data["scale"] == 10.0 and data["freq"] == "D"


# -- period averages ------------------------------------------------------------------------


def test_period_averages_compared_on_days_warn_and_freq_fixes_them(
    clean: tuple[pd.DataFrame, dict[str, float], pd.Series],
) -> None:
    events, truth, daily = clean
    scored = ti.score(events)
    monthly = daily.loc["2022-01":"2023-12"].resample("ME").mean()  # averages, dated month ends
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CalibrationWarning)
        wrong, report = calibrate(scored, monthly, regularization=1e-4)
    # Two warnings: out of sample worse than the start (measured 16.5 against 10.9), and:
    period = (
        r"The target's 24 dates are all month ends, as monthly series are dated, and "
        r"calibrate compared each value with the stability on that day; compared with the "
        r"mean stability of each month instead, the fit is clearly better \(cross-validated "
        r"RMSE [\d.e-]+ against [\d.]+\), as if the target held monthly averages\. If it does, "
        r"pass freq='MS': each value is then compared with the month's stability_mean of "
        r"index\(freq='MS'\)\. If the values are readings on those days, pass freq='D'\."
    )
    notes = [str(w.message) for w in caught if issubclass(w.category, CalibrationWarning)]
    assert report.warnings == tuple(notes) and len(notes) == 2
    assert "worse than the starting ones" in notes[0] and re.fullmatch(period, notes[1])
    assert relative_errors(wrong, truth).max() > 0.5  # measured: 160 %
    with warnings.catch_warnings():
        warnings.simplefilter("error", CalibrationWarning)
        fitted, report = calibrate(scored, monthly, freq="MS", regularization=1e-4)
    assert relative_errors(fitted, truth).max() < 0.01  # measured: 0.5 %
    assert report.freq == "MS"
    # The fit compared the target with stability_mean of index(freq="MS").
    by_month = scored.with_config(fitted).index(freq="MS").set_index("date")["stability_mean"]
    np.testing.assert_allclose(by_month.to_numpy(), report.series["after"], rtol=1e-9, atol=1e-9)
    assert "compared with monthly means" in fitted.description


def test_period_averages_pass_cross_validation_yet_warn(
    events: pd.DataFrame, scored: ti.ScoredEvents
) -> None:
    # Monthly averages dated month ends, compared on those days: cross-validation alone
    # approves (measured 6.23 -> 2.07) of weights off by up to 72 %; the dates give it away.
    daily = ti.stability_index(events, weights=TRUE, half_life=20).set_index("date")["stability"]
    monthly = daily.loc["2022-01":"2023-12"].resample("ME").mean()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CalibrationWarning)
        wrong, report = calibrate(scored, monthly, half_life=20)
    notes = [str(w.message) for w in caught if issubclass(w.category, CalibrationWarning)]
    assert len(notes) == 1 and "pass freq='MS'" in notes[0]
    assert report.warnings == tuple(notes)
    assert report.cv_rmse < 0.5 * report.cv_rmse_before
    assert relative_errors(wrong, TRUE).max() > 0.5
    fitted, report = calibrate(scored, monthly, half_life=20, freq="MS")
    assert relative_errors(fitted, TRUE).max() < 1e-3 and report.warnings == ()


def test_a_saturated_target_gives_no_period_warning(
    events: pd.DataFrame, scored: ti.ScoredEvents
) -> None:
    # With a half-life of 45 days the stability sits near 0 (standard deviation 0.04):
    # every comparison fits to hundredths of a point, and none is clearly better.
    target = index_at(events, MONTH_ENDS, "stability", weights=TRUE, half_life=45.0)
    assert target.std() < 0.1
    with warnings.catch_warnings():
        warnings.simplefilter("error", CalibrationWarning)
        _, report = calibrate(scored, target, regularization=1e-4)
    assert report.cv_rmse < 0.05


@pytest.mark.parametrize(
    ("rule", "freq", "how"),
    [("MS", "MS", "month starts"), ("W", "W", "week ends"), ("QE", "QS", "quarter ends")],
)
def test_period_averages_are_recognised_by_their_dates(
    events: pd.DataFrame, rule: str, freq: str, how: str
) -> None:
    daily = ti.stability_index(events, weights=TRUE, half_life=HALF_LIFE).set_index("date")
    target = daily["tension"].loc["2022-01-01":"2023-12-31"].resample(rule).mean()
    kwargs = {"on": "tension", "half_life": HALF_LIFE, "regularization": 1e-6}
    with pytest.warns(CalibrationWarning, match=rf"all {how}.* pass freq='{freq}'.*tension_mean"):
        calibrate(events, target, **kwargs)  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter("error", CalibrationWarning)
        fitted, _ = calibrate(events, target, freq=freq, **kwargs)  # type: ignore[arg-type]
        calibrate(events, target, freq="D", **kwargs)  # readings on those days: no check
    for event_type, weight in TRUE.items():
        assert fitted.weights[event_type] == pytest.approx(weight, rel=1e-4), event_type


def test_any_day_labels_its_period(events: pd.DataFrame, scored: ti.ScoredEvents) -> None:
    truth = scored.with_config(weights=TRUE, half_life=HALF_LIFE).index(freq="MS")
    target = truth.set_index("date")["tension_mean"]
    kwargs = {"on": "tension", "half_life": HALF_LIFE, "regularization": 1e-6, "freq": "MS"}
    starts, report = calibrate(scored, target, **kwargs)  # type: ignore[arg-type]
    middles, _ = calibrate(scored, target.set_axis(target.index + pd.Timedelta(days=14)), **kwargs)  # type: ignore[arg-type]
    assert dict(starts.weights) == pytest.approx(dict(middles.weights), rel=1e-9)
    assert dict(starts.weights) == pytest.approx(TRUE, rel=1e-6)
    assert report.rmse_after < 1e-4  # measured 4e-6: the pull of regularization=1e-6


def test_period_errors(scored: ti.ScoredEvents) -> None:
    two = pd.Series(
        [40.0, 45.0, 50.0], index=pd.to_datetime(["2022-03-01", "2022-03-31", "2022-05-01"])
    )
    with pytest.raises(
        ti.EventValidationError,
        match=r"With freq='MS' the target must have one value per month; it has two for the "
        r"month of 2022-03: 2022-03-01 and 2022-03-31\. Keep one value per month, or compare "
        r"on the days with freq='D'\.",
    ):
        calibrate(scored, two, freq="MS", folds=1)
    early = pd.Series([40.0, 45.0], index=pd.to_datetime(["2021-12-31", "2022-05-01"]))
    with pytest.raises(
        ti.EventValidationError,
        match=r"The target's months must overlap the index's range, 2022-01-01 to 2023-12-31 "
        r"\(the first and last event\); it has 2021-12-31, whose month 2021-12 lies outside\.",
    ):
        calibrate(scored, early, freq="MS", folds=1)


# -- a fit worse than its start ----------------------------------------------------------------


def test_a_fit_worse_out_of_sample_than_its_start_warns(
    events: pd.DataFrame, month_ends: pd.DatetimeIndex
) -> None:
    # The start is the truth; the target adds noise, which a weak pull fits.
    truth = index_at(events, month_ends, "stability", half_life=HALF_LIFE)
    # Seeded noise for which the weak pull overfits (most seeds do; 7 stopped with the
    # revised analyst weights).
    noisy = (truth + np.random.default_rng(8).normal(0, 3.0, len(truth))).clip(0, 100)
    with pytest.warns(
        CalibrationWarning,
        match=r"worse than the starting ones: .* regularize more: regularization='cv' chooses "
        r"the strength by the same folds\. Keep the starting configuration",
    ):
        _, report = calibrate(events, noisy, half_life=HALF_LIFE, regularization=1e-6)
    assert report.cv_rmse > report.cv_rmse_before
    with pytest.warns(CalibrationWarning, match=r"no strength tried \(0\.1 to 1\) beats leaving"):
        calibrate(events, noisy, half_life=HALF_LIFE, regularization=[0.1, 1.0])


# -- the half-life ---------------------------------------------------------------------------


def test_the_half_life_profile_finds_the_true_half_life(
    events: pd.DataFrame, month_ends: pd.DatetimeIndex, perturbed: ti.IndexConfig
) -> None:
    target = index_at(events, month_ends, "tension", weights=TRUE, half_life=45.0)
    fitted, report = calibrate(events, target, perturbed, on="tension", half_lives="grid")
    assert report.half_life == fitted.half_life == 45.0
    profile = report.half_life_profile
    assert list(profile.columns) == ["half_life", "regularization", "cv_rmse", "rmse", "chosen"]
    assert list(profile["half_life"]) == sorted({*HALF_LIFE_GRID, perturbed.half_life})
    assert profile.loc[profile["cv_rmse"].idxmin(), "half_life"] == 45.0
    # Measured RMSE 0.0023 (regularization 1e-4 chosen) against 9.1 at the starting 20 days.
    assert profile["chosen"].sum() == 1 and profile.loc[profile["chosen"], "rmse"].item() < 0.01
    # Away from the truth the error grows on both sides.
    below = profile.loc[profile["half_life"] <= 45.0, "cv_rmse"].to_numpy()
    above = profile.loc[profile["half_life"] >= 45.0, "cv_rmse"].to_numpy()
    assert (np.diff(below) < 0).all() and (np.diff(above) > 0).all()
    assert len(report.cv_curve) == len(profile) * len(REGULARIZATION_GRID)
    for event_type, weight in TRUE.items():
        assert fitted.weights[event_type] == pytest.approx(weight, rel=1e-3), event_type
    assert "half-life 45 days by profile" in fitted.description


def test_the_half_life_profile_on_the_stability(
    events: pd.DataFrame, month_ends: pd.DatetimeIndex, perturbed: ti.IndexConfig
) -> None:
    target = index_at(events, month_ends, "stability", weights=TRUE, half_life=14.0)
    fitted, report = calibrate(
        events, target, perturbed, half_lives=[10, 14, 30], regularization=1e-4
    )
    assert list(report.half_life_profile["half_life"]) == [10.0, 14.0, 20.0, 30.0]
    assert report.half_life == fitted.half_life == 14.0
    for event_type, weight in TRUE.items():
        assert fitted.weights[event_type] == pytest.approx(weight, rel=1e-3), event_type
    again = index_at(events, month_ends, "stability", config=fitted)
    np.testing.assert_allclose(again, report.series["after"], rtol=1e-9, atol=1e-9)


# -- weights and scale --------------------------------------------------------------------------


def test_weights_and_scale_are_not_separately_identified(
    events: pd.DataFrame, month_ends: pd.DatetimeIndex
) -> None:
    target = index_at(events, month_ends, "stability", weights=TRUE, half_life=HALF_LIFE)
    doubled = {k: 2 * v for k, v in TRUE.items()}
    same = index_at(events, month_ends, "stability", weights=doubled, half_life=HALF_LIFE, scale=20)
    np.testing.assert_allclose(same, target, rtol=1e-12)
    # With the scale held at 20 the fit finds the doubled weights, and fits as well.
    fitted, report = calibrate(events, target, half_life=HALF_LIFE, scale=20.0, regularization=1e-6)
    assert report.scale == fitted.scale == 20.0
    assert dict(fitted.weights) == pytest.approx(doubled, rel=1e-3)
    assert report.rmse_after < 1e-3
    assert "logistic scale held at 20" in fitted.description
    assert "scale=20 (held fixed)" in repr(report)


def test_an_auto_scale_is_held_and_written_into_the_fit(
    events: pd.DataFrame, month_ends: pd.DatetimeIndex
) -> None:
    scored = ti.score(events, half_life=HALF_LIFE, scale="auto")
    target = index_at(events, month_ends, "stability", weights=TRUE, half_life=HALF_LIFE)
    fitted, report = calibrate(scored, target, regularization=1e-6)
    assert report.scale == scored.scale != 10.0
    assert fitted.scale == report.scale
    assert dict(fitted.weights) == pytest.approx(
        {k: v * report.scale / 10.0 for k, v in TRUE.items()}, rel=1e-3
    )
    again = index_at(events, month_ends, "stability", config=fitted)
    np.testing.assert_allclose(again, report.series["after"], rtol=1e-9, atol=1e-9)
    # Left at "auto", the scale would follow the new weights and undo the fit.
    auto = index_at(
        events, month_ends, "stability", config=dataclasses.replace(fitted, scale="auto")
    )
    assert np.abs(auto.to_numpy() - report.series["after"].to_numpy()).max() > 1
    # The tension does not involve the scale: it stays "auto".
    tension = index_at(events, month_ends, "tension", weights=TRUE, half_life=HALF_LIFE)
    fitted, _ = calibrate(scored, tension, on="tension", regularization=1e-6)
    assert fitted.scale == "auto"


def test_reproducible(events: pd.DataFrame, month_ends: pd.DatetimeIndex) -> None:
    target = index_at(events, month_ends, "tension", weights=TRUE, half_life=HALF_LIFE)
    a, first = calibrate(events, target, on="tension", half_life=HALF_LIFE)
    b, second = calibrate(events, target, on="tension", half_life=HALF_LIFE)
    assert a == b
    for name in ("changes", "folds", "cv_curve", "series"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))


# -- the objective -----------------------------------------------------------------------


def _design(events: pd.DataFrame, dates: pd.DatetimeIndex, types: list[str]) -> np.ndarray:
    """Per-unit-weight tension of each type on the dates, from full runs of the index."""
    columns = []
    for event_type in types:
        weights = {t: (1.0 if t == event_type else 0.0) for t in types}
        columns.append(index_at(events, dates, "tension", weights=weights, half_life=HALF_LIFE))
    return np.column_stack(columns)


def test_tension_fit_solves_the_regularised_normal_equations(
    events: pd.DataFrame, month_ends: pd.DatetimeIndex, perturbed: ti.IndexConfig
) -> None:
    types = sorted(TRUE)
    design = _design(events, month_ends, types)
    noise = np.random.default_rng(2).normal(0, 2.0, len(month_ends))
    target = pd.Series(design @ np.array([TRUE[t] for t in types]) + noise, index=month_ends)
    lam = 0.5
    fitted, _ = calibrate(events, target, perturbed, on="tension", regularization=lam)
    start = np.array([perturbed.weights[t] for t in types])
    n, p = design.shape
    penalty = np.diag(lam * np.var(target.to_numpy()) / p / start**2)
    expected = np.linalg.solve(
        design.T @ design / n + penalty, design.T @ target.to_numpy() / n + penalty @ start
    )
    assert (np.sign(expected) == np.sign(start)).all()  # no sign constraint active
    got = np.array([fitted.weights[t] for t in types])
    np.testing.assert_allclose(got, expected, rtol=1e-8)


@pytest.mark.filterwarnings("ignore::tensionindex.exceptions.CalibrationWarning")
def test_stability_fit_is_a_local_minimum(
    events: pd.DataFrame, month_ends: pd.DatetimeIndex, perturbed: ti.IndexConfig
) -> None:
    types = sorted(TRUE)
    design = _design(events, month_ends, types)
    clean = index_at(events, month_ends, "stability", weights=TRUE, half_life=HALF_LIFE)
    target = (clean + np.random.default_rng(3).normal(0, 3.0, len(clean))).clip(0, 100)
    lam = 0.3
    fitted, report = calibrate(events, target, perturbed, regularization=lam)
    start = np.array([perturbed.weights[t] for t in types])
    y = target.to_numpy()

    def objective(theta: np.ndarray) -> float:
        stability = 100 / (1 + np.exp(design @ theta / 10))
        fit = np.mean((stability - y) ** 2)
        return float(fit + lam * np.var(y) / len(theta) * np.sum(((theta - start) / start) ** 2))

    theta = np.array([fitted.weights[t] for t in types])
    best = objective(theta)
    assert best == pytest.approx(
        report.rmse_after**2
        + lam * np.var(y) / len(types) * np.sum(((theta - start) / start) ** 2),
        rel=1e-9,
    )
    for k in range(len(types)):
        for step in (1e-3, -1e-3):
            moved = theta.copy()
            moved[k] += step * abs(start[k])
            if np.sign(moved[k]) == -np.sign(start[k]):
                continue  # outside the sign constraint
            assert objective(moved) >= best - 1e-12


def test_regularization_pulls_towards_the_start(
    events: pd.DataFrame, month_ends: pd.DatetimeIndex, perturbed: ti.IndexConfig
) -> None:
    target = index_at(events, month_ends, "stability", weights=TRUE, half_life=HALF_LIFE)
    distances = []
    for lam in (1e-4, 0.1, 10.0, 1e6):
        fitted, _ = calibrate(events, target, perturbed, regularization=lam, folds=0)
        distances.append(max(abs(fitted.weights[t] / perturbed.weights[t] - 1) for t in TRUE))
    assert distances == sorted(distances, reverse=True)
    assert distances[-1] < 1e-4


# -- constraints and bounds ------------------------------------------------------------------


def test_signs_are_kept(events: pd.DataFrame, month_ends: pd.DatetimeIndex) -> None:
    # In truth the talks raise tension; a cooperative weight may only go to 0.
    truth = {**TRUE, "military_talks": 4.0}
    target = index_at(events, month_ends, "stability", weights=truth, half_life=HALF_LIFE)
    fitted, report = calibrate(events, target, half_life=HALF_LIFE, regularization=1e-6)
    assert fitted.weights["military_talks"] == 0.0
    row = report.changes.set_index("parameter").loc["military_talks"]
    assert row["status"] == "at bound" and (row["lower"], row["upper"]) == (-np.inf, 0.0)
    assert all(fitted.weights[t] >= 0 for t in ("water_cannon", "ramming", "protest_lodged"))
    assert fitted.weights["dialogue_resumed"] <= 0


def test_zero_weights_stay_zero_unless_freed() -> None:
    # Under the PLOVER profile 'demand' weighs 0.
    plover = ti.load_profile("plover")
    events = simulate(types=("water_cannon", "demand"), rate=0.1)
    month_ends = pd.date_range("2022-01-31", "2023-12-31", freq="ME")
    truth = {"water_cannon": 6.0, "demand": 3.0}
    target = index_at(events, month_ends, "stability", config=plover, weights=truth)
    fitted, report = calibrate(events, target, plover, regularization=1e-6)
    assert fitted.weights.get("demand", 0.0) == 0.0
    assert report.changes.set_index("parameter").loc["demand", "status"] == "fixed"
    freed, report = calibrate(
        events, target, plover, regularization=1e-6, bounds={"Demand": (0, 8)}
    )
    assert freed.weights["demand"] == pytest.approx(3.0, rel=1e-3)
    assert freed.weights["water_cannon"] == pytest.approx(6.0, rel=1e-3)


@pytest.mark.filterwarnings("ignore::tensionindex.exceptions.CalibrationWarning")
def test_bounds(
    events: pd.DataFrame, month_ends: pd.DatetimeIndex, perturbed: ti.IndexConfig
) -> None:
    target = index_at(events, month_ends, "stability", weights=TRUE, half_life=HALF_LIFE)
    capped, report = calibrate(events, target, perturbed, bounds=(-10, 10), regularization=1e-6)
    assert capped.weights["ramming"] == 10.0  # truth 11
    assert report.changes.set_index("parameter").loc["ramming", "status"] == "at bound"
    assert report.changes.set_index("parameter").loc["dialogue_resumed", "lower"] == -10
    pinned, report = calibrate(
        events, target, perturbed, bounds={"water_cannon": (6.5, 6.5)}, regularization=1e-6
    )
    assert pinned.weights["water_cannon"] == 6.5
    assert report.changes.set_index("parameter").loc["water_cannon", "status"] == "fixed"
    # A category multiplier pair.
    capped, _ = calibrate(
        events, target, perturbed, fit="categories", bounds=(0.5, 1.2), regularization=1e-6
    )
    assert all(0.5 <= m <= 1.2 for m in capped.category_multipliers.values())


def test_types_without_data_are_left_alone(events: pd.DataFrame) -> None:
    # A ceasefire late in the series never reaches a target date before it.
    late = pd.concat(
        [
            events,
            simulate(types=("ceasefire",), rate=0.5, days=3).assign(
                date=pd.Timestamp("2024-01-05")
            ),
        ],
        ignore_index=True,
    )
    dates = pd.date_range("2022-01-31", "2023-12-31", freq="ME")
    target = index_at(late, dates, "stability", weights=TRUE, half_life=HALF_LIFE)
    fitted, report = calibrate(late, target, half_life=HALF_LIFE, regularization=1e-6)
    assert "ceasefire" not in fitted.weights
    assert report.changes.set_index("parameter").loc["ceasefire", "status"] == "no data"


# -- the report and the fitted configuration ------------------------------------------------


def test_report(
    events: pd.DataFrame, month_ends: pd.DatetimeIndex, perturbed: ti.IndexConfig
) -> None:
    target = index_at(events, month_ends, "stability", weights=TRUE, half_life=HALF_LIFE)
    target.name = "expert score"
    fitted, report = calibrate(events, target, perturbed, regularization=1e-6, folds=4)
    assert isinstance(report, CalibrationReport)
    assert (report.dyad, report.fit, report.on, report.n_dates) == (
        "CHN-PHL",
        "weights",
        "stability",
        24,
    )
    folds = report.folds
    assert list(folds["fold"]) == [1, 2, 3, 4]
    assert (folds["train_end"] < folds["test_start"]).all()
    assert (folds["train_start"] == month_ends[0]).all()
    assert folds["test_end"].iat[-1] == month_ends[-1]
    assert (folds["n_train"] + folds["n_test"]).iat[-1] == 24
    assert (
        folds["n_train"].iloc[1:].to_numpy()
        == folds["n_train"].iloc[:-1].to_numpy() + folds["n_test"].iloc[:-1].to_numpy()
    ).all()
    changes = report.changes
    assert list(changes.columns) == [
        "parameter",
        "label",
        "category",
        "before",
        "after",
        "change",
        "lower",
        "upper",
        "status",
    ]
    assert (np.diff(changes["change"].abs().to_numpy()) <= 0).all()
    # ramming moves most: from 11 * 0.6 = 6.6 back to 11.
    assert changes["parameter"].iat[0] == "ramming"
    assert changes["change"].iat[0] == pytest.approx(11 - 6.6, rel=1e-3)
    np.testing.assert_allclose(changes["after"] - changes["before"], changes["change"])
    assert fitted.half_life == HALF_LIFE
    assert fitted.name == "calibrated"
    assert "stability of CHN-PHL tracks target 'expert score' on 24 dates" in fitted.description
    assert perturbed.fingerprint in fitted.description
    assert report.fingerprint_before == perturbed.fingerprint
    assert report.fingerprint_after == fitted.fingerprint != perturbed.fingerprint
    data = json.loads(json.dumps(report.to_dict()))
    assert data["dyad"] == "CHN-PHL" and data["folds"][0]["train_start"] == "2022-01-31"
    assert data["changes"][0]["upper"] in (None, 0.0)
    assert data["cv_rmse"] == pytest.approx(report.cv_rmse)
    assert "CalibrationReport(dyad='CHN-PHL'" in repr(report)
    named, _ = calibrate(
        events, target, ti.IndexConfig(half_life=HALF_LIFE, name="house"), folds=0, regularization=1
    )
    assert named.name == "house (calibrated)"


def test_no_folds(events: pd.DataFrame, month_ends: pd.DatetimeIndex) -> None:
    target = index_at(events, month_ends, "stability", half_life=HALF_LIFE)
    _, report = calibrate(events, target, half_life=HALF_LIFE, folds=0, regularization=1)
    assert len(report.folds) == 0 and np.isnan(report.cv_rmse)
    assert len(report.cv_curve) == 0 and report.regularization == 1
    # The default weights already give the target: nothing moves.
    assert report.rmse_before < 1e-9 and report.changes["change"].abs().max() < 1e-6


def test_target_dates_are_days(events: pd.DataFrame, month_ends: pd.DatetimeIndex) -> None:
    target = index_at(events, month_ends, "stability", weights=TRUE, half_life=HALF_LIFE)
    stamped = target.copy()
    stamped.index = (month_ends + pd.Timedelta(hours=15)).tz_localize("Asia/Manila")
    a, _ = calibrate(events, target, half_life=HALF_LIFE, folds=0, regularization=1)
    b, _ = calibrate(events, stamped.iloc[::-1], half_life=HALF_LIFE, folds=0, regularization=1)
    assert dict(a.weights) == pytest.approx(dict(b.weights))
    strings = target.copy()
    strings.index = [d.strftime("%Y-%m-%d") for d in month_ends]
    c, _ = calibrate(events, strings, half_life=HALF_LIFE, folds=0, regularization=1)
    assert dict(a.weights) == pytest.approx(dict(c.weights))


def test_one_dyad_among_many(events: pd.DataFrame, month_ends: pd.DatetimeIndex) -> None:
    others = events.assign(actor1="USA", actor2="JPN")
    both = pd.concat([events, others], ignore_index=True)
    target = index_at(events, month_ends, "stability", weights=TRUE, half_life=HALF_LIFE)
    _, report = calibrate(both, target, dyad="Philippines-China", half_life=HALF_LIFE)
    assert report.dyad == "CHN-PHL"
    with pytest.raises(
        ti.EventValidationError,
        match=r"calibrate fits one dyad, and the events hold 2 \(CHN-PHL, JPN-USA\)\. "
        r"Pass one of them, e.g\. dyad='CHN-PHL'\.",
    ):
        calibrate(both, target, half_life=HALF_LIFE)


@pytest.mark.filterwarnings("ignore::tensionindex.exceptions.CalibrationWarning")
def test_scored_and_raw_events_give_the_same_fit(
    events: pd.DataFrame,
    scored: ti.ScoredEvents,
    month_ends: pd.DatetimeIndex,
    perturbed: ti.IndexConfig,
) -> None:
    target = index_at(events, month_ends, "stability", weights=TRUE, half_life=HALF_LIFE)
    for fit in ("weights", "categories"):
        kwargs = {"fit": fit, "folds": 2, "regularization": [1e-3, 1.0]}
        raw, raw_report = calibrate(events, target, perturbed, **kwargs)  # type: ignore[arg-type]
        again, report = calibrate(scored, target, perturbed, **kwargs)  # type: ignore[arg-type]
        assert again == raw
        pd.testing.assert_frame_equal(report.changes, raw_report.changes)
        pd.testing.assert_frame_equal(report.folds, raw_report.folds)
        pd.testing.assert_frame_equal(report.cv_curve, raw_report.cv_curve)
    # Overrides apply to the scored events' configuration.
    half, _ = calibrate(scored, target, half_life=HALF_LIFE, folds=0, regularization=1)
    again = calibrate(ti.score(events, half_life=HALF_LIFE), target, folds=0, regularization=1)
    assert half == again[0]
    assert half.half_life == HALF_LIFE


def test_coverage_only_with_raw_events(scored: ti.ScoredEvents, month_ends: object) -> None:
    target = pd.Series(50.0, index=month_ends)  # type: ignore[arg-type]
    with pytest.raises(ti.InvalidParameterError, match=r"coverage is given to score\(\)"):
        calibrate(scored, target, coverage=pd.date_range("2022-01-01", "2023-12-31"))


def test_scipy_is_imported_only_when_fitting() -> None:
    code = "import sys, tensionindex.analysis.calibration; print('scipy.optimize' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- errors ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def target(events: pd.DataFrame, month_ends: pd.DatetimeIndex) -> pd.Series:
    return index_at(events, month_ends, "stability", half_life=HALF_LIFE)


def _with_index(series: pd.Series, index: object) -> pd.Series:
    return pd.Series(series.to_numpy(), index=index)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (
            lambda t: t.to_frame("score"),
            ti.InvalidParameterError,
            r"The 'target' parameter of calibrate must be a pandas Series of reference values "
            r"indexed by date \(e\.g\. monthly expert scores\)\. Got a DataFrame of shape "
            r"\(24, 1\) instead\. Select one column, e\.g\. frame\['score'\]\.",
        ),
        (lambda t: list(t), ti.InvalidParameterError, r"Series .* Got \[\d.* instead\.$"),
        (lambda t: t.iloc[:0], ti.EventValidationError, r"The target series is empty"),
        (
            lambda t: t.reset_index(drop=True),
            ti.EventValidationError,
            r"The target series must be indexed by dates\. Got an index of int64 values "
            r"\(first 0\); set the dates as its index",
        ),
        (
            lambda t: _with_index(t, ["2022-01-31", "soon", *t.index[2:].astype(str)]),
            ti.EventValidationError,
            r"its index value 'soon' \(position 1\) is not a date",
        ),
        (
            lambda t: t.where(t.index != t.index[3]),
            ti.EventValidationError,
            r"The target series has no finite value on 2022-04-30 \(got nan\); drop or fill "
            r"the missing dates first, e\.g\. target\.dropna\(\)\.",
        ),
        (
            lambda t: t.astype(object).where(t.index != t.index[2], "calm"),
            ti.EventValidationError,
            r"The target series must hold numbers; its value on 2022-03-31 is 'calm'\.",
        ),
        (
            lambda t: t > 50,
            ti.EventValidationError,
            r"must hold numbers \(reference scores\)\. Got booleans instead\.",
        ),
        (
            lambda t: _with_index(t, t.index.where(t.index != t.index[1], t.index[0])),
            ti.EventValidationError,
            r"The target series has more than one value for 2022-01-31; the index is sampled "
            r"once a day\.",
        ),
        (
            lambda t: _with_index(t, t.index - pd.DateOffset(years=1)),
            ti.EventValidationError,
            r"The target's dates must lie within the index's range, 2022-01-01 to 2023-12-31 "
            r"\(the first and last event\); it has 2021-01-31\. Keep the dates inside, e\.g\. "
            r"target\.loc\['2022-01-01':'2023-12-31'\]\.",
        ),
        (
            lambda t: t + 100,
            ti.EventValidationError,
            r"With on='stability' the target must be on the stability scale, 0 to 100; its "
            r"value on \d{4}-\d\d-\d\d is 1\d\d\.?\d*\. Rescale",
        ),
        (
            lambda t: t.iloc[:3],
            ti.EventValidationError,
            r"folds=3 needs at least 4 target dates \(a first training block and one block per "
            r"fold\); the target has 3\. Pass fewer folds, or folds=0\.",
        ),
    ],
)
def test_target_errors(
    scored: ti.ScoredEvents,
    target: pd.Series,
    make: object,
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        calibrate(scored, make(target), half_life=HALF_LIFE)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"fit": "weight"},
            r"The 'fit' parameter of calibrate must be one of 'weights', 'categories'\. "
            r"Got 'weight' instead\. Did you mean 'weights'\?",
        ),
        (
            {"on": "stabilty"},
            r"'on' parameter .* Got 'stabilty' instead\. Did you mean 'stability'",
        ),
        (
            {"regularization": -1},
            r"The 'regularization' parameter of calibrate must be 'cv', a finite number >= 0, "
            r"or a non-empty list of such numbers\. Got -1 instead\.",
        ),
        ({"regularization": np.inf}, r"'regularization' .* Got inf instead"),
        ({"regularization": "CV"}, r"'regularization' .* Got 'CV' instead\. Did you mean 'cv'\?"),
        ({"regularization": []}, r"'regularization' .* Got \[\] instead\.$"),
        ({"regularization": [0.1, -1]}, r"'regularization' .* Got \[0\.1, -1\] instead"),
        (
            {"half_lives": [0, 14]},
            r"The 'half_lives' parameter of calibrate must be None, 'grid' or a non-empty list "
            r"of half-lives in days, each > 0\. Got \[0, 14\] instead\.",
        ),
        ({"half_lives": "grids"}, r"'half_lives' .* Got 'grids' instead\. Did you mean 'grid'\?"),
        ({"half_lives": 14}, r"'half_lives' .* Got 14 instead"),
        (
            {"freq": "M"},
            r"The 'freq' parameter of calibrate must be one of 'D', 'W', 'MS', 'QS', 'YS' or "
            r"None\. Got 'M' instead\. Did you mean 'MS'\?",
        ),
        (
            {"folds": 0},
            r"regularization='cv' chooses the strength by cross-validation, which needs "
            r"folds >= 1; got folds=0\. Pass folds=3 \(the default\), or give the strength, "
            r"e\.g\. regularization=1e-3\.",
        ),
        (
            {"folds": 0, "regularization": [0.1, 1.0]},
            r"regularization=\[0\.1, 1\.0\] chooses the strength by cross-validation",
        ),
        (
            {"folds": 0, "regularization": 1.0, "half_lives": "grid"},
            r"half_lives chooses the half-life by cross-validation, which needs folds >= 1; got "
            r"folds=0\. Pass folds=3 \(the default\), or set the half-life yourself, e\.g\. "
            r"half_life=14\.",
        ),
        (
            {"half_lives": "grid", "kernel": "window"},
            r"half_lives profiles the half-life of the exponential kernel, and the configuration "
            r"uses kernel='window'\. Score with kernel='exponential'",
        ),
        ({"folds": -1}, r"The 'folds' parameter of calibrate must be an integer >= 0\. Got -1"),
        ({"folds": True}, r"'folds' .* Got True instead"),
        (
            {"bounds": (5, 1)},
            r"The 'bounds' parameter of calibrate must be a \(low, high\) pair of numbers with "
            r"low <= high, or a mapping of names to pairs\. Got \(5, 1\) instead\.",
        ),
        ({"bounds": {3: (0, 1)}}, r"'bounds' .* Got \{3: \(0, 1\)\} instead"),
        ({"bounds": "wide"}, r"'bounds' .* Got 'wide' instead"),
        (
            {"bounds": {"water_canon": (0, 9)}},
            r"The 'bounds' parameter of calibrate names 'water_canon', which is not an event "
            r"type of the dyad's events\. Did you mean 'water_cannon'\? The event types are: ",
        ),
        (
            {"bounds": {"ramming": (0, np.nan)}},
            r"The \"bounds\['ramming'\]\" parameter of calibrate must be a \(low, high\) pair "
            r"of numbers with low <= high\. Got \(0, nan\) instead\.",
        ),
        (
            {"bounds": (-1, 2), "fit": "categories"},
            r"The 'bounds' parameter of calibrate must be a pair with low >= 0 \(category "
            r"multipliers\)\. Got \(-1, 2\) instead\.",
        ),
        ({"config": {"half_life": 3}}, r"'config' .* must be an IndexConfig or None"),
        ({"dyad": 7}, r"The 'dyad' parameter of calibrate must be a dyad such as 'CHN-USA'"),
        (
            {"bounds": (2, 10)},
            r"The 'bounds' parameter of calibrate, \(2, 10\), leaves no allowed value for "
            r"'dialogue_resumed', which must stay within \[-inf, 0\] \(its sign\)\.",
        ),
        (
            {"bounds": {"gray_zone": (-1, 2)}, "fit": "categories"},
            r"The \"bounds\['gray_zone'\]\" parameter of calibrate must be a pair with low >= 0 "
            r"\(multipliers\)\. Got \(-1, 2\) instead\.",
        ),
        (
            {"bounds": {"grey_zone": (0, 2)}, "fit": "categories"},
            r"names 'grey_zone', which is not a category of the dyad's events\. Did you mean "
            r"'gray_zone'\? The categories are: ",
        ),
        ({"halflife": 3}, r"Unknown setting 'halflife'\. Did you mean 'half_life'\?"),
    ],
)
def test_parameter_errors(
    scored: ti.ScoredEvents, target: pd.Series, kwargs: dict[str, object], message: str
) -> None:
    kwargs = {"config": ti.IndexConfig(half_life=HALF_LIFE), **kwargs}
    with pytest.raises(ti.ConfigurationError, match=message):
        calibrate(scored, target, **kwargs)  # type: ignore[arg-type]


def test_dyad_errors(events: pd.DataFrame, scored: ti.ScoredEvents, target: pd.Series) -> None:
    with pytest.raises(ti.EventValidationError, match=r"No events for dyad 'CHN-USA'"):
        calibrate(scored, target, dyad="CHN-USA")
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"The 'dyad' parameter of calibrate must be a dyad such as 'CHN-USA' \(or "
        r"'USA->CHN' when directed\)\. Got \['CHN-PHL'\] instead\.",
    ):
        calibrate(scored, target, dyad=["CHN-PHL"])  # type: ignore[arg-type]
    with pytest.raises(ti.EventValidationError, match=r"calibrate needs events: there are none"):
        calibrate(ti.score(events.iloc[:0]), target)


@pytest.mark.parametrize("neutral", ["dyad", "source"])
@pytest.mark.parametrize("given", ["scored", "raw", "config", "override"])
def test_a_neutral_other_than_zero_is_refused_before_any_work(
    events: pd.DataFrame, target: pd.Series, monkeypatch: pytest.MonkeyPatch, neutral: str,
    given: str,
) -> None:
    """However the neutral comes into force, the configuration alone refuses it.

    Neither the events are scored (as_scored) nor the target read: a target with a
    missing value, which calibrate refuses otherwise, gets the neutral's message.
    """
    scored_dyad = ti.score(events, neutral=neutral)
    calls = {
        "scored": (scored_dyad, {}),
        "raw": (events, {"neutral": neutral}),
        "config": (ti.score(events), {"config": ti.IndexConfig(neutral=neutral)}),
        "override": (ti.score(events), {"neutral": neutral}),
    }
    data, kwargs = calls[given]

    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("calibrate scored the events before checking the neutral")

    monkeypatch.setattr("tensionindex.analysis.calibration.as_scored", no_work)
    broken = target.copy()
    broken.iloc[3] = np.nan
    with pytest.raises(
        ti.InvalidParameterError,
        match=rf"^calibrate needs neutral='zero'; the configuration in force has "
        rf"neutral='{neutral}'\. The fit is linear in per-unit parts",
    ):
        calibrate(data, broken, **kwargs)  # type: ignore[arg-type]


def test_the_fix_for_the_neutral_gives_the_fit_under_neutral_zero(
    events: pd.DataFrame, target: pd.Series
) -> None:
    """scored.with_config(neutral="zero"), or neutral="zero" passed to calibrate, is the fix."""
    expected, _ = calibrate(ti.score(events), target, folds=0, regularization=1)
    scored_dyad = ti.score(events, neutral="dyad")
    fixed, _ = calibrate(scored_dyad.with_config(neutral="zero"), target, folds=0,
                         regularization=1)
    overridden, _ = calibrate(scored_dyad, target, neutral="zero", folds=0, regularization=1)
    assert fixed == expected
    assert overridden == expected
    assert fixed.neutral == "zero"


def test_nothing_to_fit(events: pd.DataFrame) -> None:
    first_day = events["date"].min()
    target = pd.Series([50.0], index=[first_day])
    # The only events of the first day are of types whose intensity is 0.
    quiet = events.assign(intensity=np.where(events["date"] == first_day, 0.0, events["intensity"]))
    with pytest.raises(
        ti.EventValidationError,
        match=r"No event of CHN-PHL reaches the index on the target's dates \(2022-01-01 to "
        r"2022-01-01\): there is nothing to fit\.",
    ):
        calibrate(quiet, target, folds=0, regularization=1)
