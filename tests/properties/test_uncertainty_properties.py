"""Invariants of sensitivity() and weight_influence() on generated events and configurations.

* With every weight ±spread (``weight_ranges={}``), the central configuration's
  value lies inside every band whose quantiles straddle 0.5, for any seed and
  spread (and is exactly its median); with ``spread=0`` every band is the
  central value.
* Each partial derivative equals a finite difference of
  :func:`stability_index` with that one weight changed: exactly (to rounding)
  for the tension, which is linear in the weights, and to second order for
  the stability.

Configurations are drawn over every daily aggregation: the index is linear in
the weights whatever the aggregation, since the aggregation factors do not
depend on the weights.

With the events drawn too (the default):

* Recomputed through the kernel with nothing drawn, every quantile is the
  index, for every kernel (the bounded carry-over too) and aggregation.
* Quantiles are ordered, for any seed and settings.
* Every event missed gives the index without events: tension 0, stability 50.
* Counting events once or twice (duplication alone) only adds to a tension
  made of non-negative signals, and at most doubles it.
* A dyad's bands are the same asked alone or with the others (the draws of an
  event depend on the seed, the event and the draw, nothing else).

These run over every ``neutral`` too: under ``"dyad"`` and ``"source"`` each
draw's events are rebuilt and scored again (their baselines are the draw's).
And, whatever the neutral, counting every event twice doubles the tension
under ``aggregation="sum"`` (each baseline is the mean of rows all doubled).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensionindex as ti
from reference import tolerance
from tensionindex.analysis import uncertainty
from tensionindex.analysis.uncertainty import sensitivity, weight_influence
from tensionindex.testing import configs, events

pytestmark = pytest.mark.slow  # a long property run: `pytest -m slow`

CONFIGS = configs(aggregations=("sum", "mean", "share"))


@given(
    frame=events(max_size=15),
    config=CONFIGS,
    spread=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32 - 1),
    draws=st.integers(1, 60),
    low=st.integers(0, 500).map(lambda k: k / 1000),
    high=st.integers(500, 1000).map(lambda k: k / 1000),
)
def test_band_contains_the_central_value(
    frame: pd.DataFrame,
    config: ti.IndexConfig,
    spread: float,
    seed: int,
    draws: int,
    low: float,
    high: float,
) -> None:
    quantiles = tuple(dict.fromkeys((low, 0.5, high)))
    scored = ti.score(frame, config)
    # Each weight ±spread (not the published ranges, which need not be centred on it).
    bands = sensitivity(
        scored,
        spread=spread,
        draws=draws,
        seed=seed,
        quantiles=quantiles,
        event_noise=False,
        weight_ranges={},
    )
    names = {q: bands.columns[4 + i].removeprefix("tension_") for i, q in enumerate(quantiles)}
    for what in ("tension", "stability"):
        central = bands[what]
        assert (bands[f"{what}_{names[low]}"] <= central).all()
        assert (central <= bands[f"{what}_{names[high]}"]).all()
        assert (bands[f"{what}_{names[0.5]}"] == central).all()


@given(frame=events(max_size=15), config=CONFIGS, seed=st.integers(0, 2**32 - 1))
def test_zero_spread_gives_the_central_value(
    frame: pd.DataFrame, config: ti.IndexConfig, seed: int
) -> None:
    bands = sensitivity(
        ti.score(frame),
        config,
        spread=0.0,
        draws=9,
        seed=seed,
        quantiles=(0.0, 1.0),
        event_noise=False,
        weight_ranges={},
    )
    for what in ("tension", "stability"):
        assert (bands[f"{what}_q00"] == bands[what]).all()
        assert (bands[f"{what}_q100"] == bands[what]).all()


def _with_weight(config: ti.IndexConfig, event_type: str, weight: float) -> ti.IndexConfig:
    return dataclasses.replace(config, weights={**config.weights, event_type: weight})


@given(frame=events(min_size=1, max_size=12), config=CONFIGS, data=st.data())
def test_influence_equals_a_finite_difference(
    frame: pd.DataFrame, config: ti.IndexConfig, data: st.DataObject
) -> None:
    result = ti.stability_index(frame, config)
    row = result.iloc[data.draw(st.integers(0, len(result) - 1), label="row")]
    dyad, date = str(row["dyad"]), row["date"]
    table = weight_influence(ti.score(frame, config), dyad, date)
    atol = tolerance(frame, config)
    assert abs(table.attrs["tensionindex"]["tension"] - row["tension"]) <= atol

    def index_with(event_type: str, weight: float) -> tuple[float, float]:
        changed = _with_weight(config, event_type, weight)
        out = ti.stability_index(frame, changed, dyads=dyad, start=date, end=date)
        return float(out["tension"].iat[0]), float(out["stability"].iat[0])

    for item in table.itertuples():
        # Tension: linear in the weight, so a unit step gives the derivative, to rounding.
        plus_one, _ = index_with(item.event_type, item.weight + 1.0)
        bound = atol + tolerance(frame, _with_weight(config, item.event_type, item.weight + 1))
        assert abs((plus_one - row["tension"]) - item.d_tension) <= bound
        if item.d_tension == 0:
            assert item.d_stability == 0
            continue
        # Stability: a central difference whose step moves T by 1e-4 * scale, so the
        # truncation error is ~1e-8 relative; rounding of S (~1e-13) and of T (atol,
        # through |dS/dT| <= 25 / scale) is divided by the step.
        # (At most 1e6: a subnormal multiplier makes d_tension ~1e-320.)
        step = 1e-4 * config.scale / max(abs(item.d_tension), 1e-10)
        _, up = index_with(item.event_type, item.weight + step)
        _, down = index_with(item.event_type, item.weight - step)
        rounding = (1e-13 + 25 / config.scale * atol) / step
        assert abs((up - down) / (2 * step) - item.d_stability) <= (
            1e-5 * abs(item.d_stability) + rounding
        )


# -- the events drawn --------------------------------------------------------------------

EVERY_KERNEL = configs(
    kernels=("exponential", "window", "carryover"),
    aggregations=("sum", "mean", "share", "kernel_mean"),
    coded_settings=True,  # neutral "zero", "dyad" or "source": draws rescored under the last two
)
NOTHING: dict[str, Any] = {
    "spread": 0.0,
    "event_noise": True,
    "omission": 0.0,
    "duplication": 0.0,
    "recoding": 0.0,
    "date_shift": 0.0,
    "shift_days": 3,
    "confidence_draws": False,
    "weight_ranges": {},  # no published ranges either: the weights fixed
    "half_life_range": None,
    "scale_range": None,
}


@given(frame=events(min_size=1, max_size=15), config=EVERY_KERNEL, data=st.data())
def test_nothing_drawn_through_the_kernel_is_the_index(
    frame: pd.DataFrame, config: ti.IndexConfig, data: st.DataObject
) -> None:
    scored = ti.score(frame, config)
    grid = scored.grid()
    assert grid is not None
    start = grid.first_day + data.draw(st.integers(0, grid.n_days - 1), label="start")
    grid = uncertainty.Grid(start, grid.first_day + grid.n_days - start)
    plan = uncertainty._plan(scored, **NOTHING)
    bands = uncertainty._recomputed_bands(scored, scored, grid, plan, 1, 3, [0.0, 1.0])
    central = bands.central
    bound = tolerance(frame, config) + 1e-9 * float(np.abs(central).max(initial=1.0))
    for quantile in bands.tension:
        assert np.abs(quantile - central).max(initial=0.0) <= bound


@given(
    frame=events(max_size=15),
    config=EVERY_KERNEL,
    seed=st.integers(0, 2**32 - 1),
    rates=st.tuples(*[st.floats(0.0, 0.5)] * 4),
    shift_days=st.integers(1, 10),
)
def test_quantiles_are_ordered(
    frame: pd.DataFrame,
    config: ti.IndexConfig,
    seed: int,
    rates: tuple[float, float, float, float],
    shift_days: int,
) -> None:
    omission, duplication, recoding, date_shift = rates
    bands = sensitivity(
        ti.score(frame, config),
        draws=21,
        seed=seed,
        quantiles=(0.0, 0.05, 0.5, 0.95, 1.0),
        omission=omission,
        duplication=duplication,
        recoding=recoding,
        date_shift=date_shift,
        shift_days=shift_days,
    )
    for what in ("tension", "stability"):
        columns = [f"{what}_q{q}" for q in ("00", "05", "50", "95", "100")]
        values = bands[columns].to_numpy()
        assert (np.diff(values, axis=1) >= 0).all()


@given(frame=events(max_size=15), config=EVERY_KERNEL, seed=st.integers(0, 2**32 - 1))
def test_every_event_missed_is_the_index_without_events(
    frame: pd.DataFrame, config: ti.IndexConfig, seed: int
) -> None:
    bands = sensitivity(
        ti.score(frame, config),
        draws=5,
        seed=seed,
        quantiles=(0.0, 1.0),
        omission=1.0,
        duplication=0.0,
    )
    for q in ("q00", "q100"):
        assert (bands[f"tension_{q}"] == 0.0).all()
        assert (bands[f"stability_{q}"] == 50.0).all()


CONFLICT = ("water_cannon", "ramming", "protest_lodged", "sanctions_imposed", "armed_clash")


@given(
    frame=events(max_size=15, types=CONFLICT),
    kernel=st.sampled_from(("exponential", "window", "carryover")),
    half_life=st.floats(0.5, 100.0),
    seed=st.integers(0, 2**32 - 1),
    duplication=st.floats(0.0, 1.0),
)
def test_duplication_alone_only_adds(
    frame: pd.DataFrame, kernel: str, half_life: float, seed: int, duplication: float
) -> None:
    # Non-negative signals (conflict types, default weights): T <= T' <= 2 T for
    # each count of 1 or 2; the carry-over bound (30) keeps the order.
    config = ti.IndexConfig(kernel=kernel, half_life=half_life, window=7)  # type: ignore[arg-type]
    bands = sensitivity(
        ti.score(frame, config),
        draws=15,
        seed=seed,
        quantiles=(0.0, 1.0),
        **{**NOTHING, "duplication": duplication},
    )
    tension = bands["tension"]
    slack = 1e-9 * (1.0 + tension.abs())
    assert (bands["tension_q00"] >= tension - slack).all()
    assert (bands["tension_q100"] <= 2 * tension + slack).all()


@given(frame=events(min_size=1, max_size=15), config=EVERY_KERNEL, seed=st.integers(0, 99))
def test_a_dyad_alone_has_the_same_bands(
    frame: pd.DataFrame, config: ti.IndexConfig, seed: int
) -> None:
    scored = ti.score(frame, config)
    dyad = str(scored.labels[0])
    every = sensitivity(scored, draws=7, seed=seed)
    alone = sensitivity(scored, draws=7, seed=seed, dyads=dyad)
    mine = every[every["dyad"] == dyad].reset_index(drop=True)
    mine["dyad"] = mine["dyad"].astype(str)
    alone["dyad"] = alone["dyad"].astype(str)
    if config.neutral == "zero":
        pd.testing.assert_frame_equal(mine, alone, check_exact=True)
        return
    # Rescored: the same draws, whose baselines are sums over fewer rows (to rounding).
    pd.testing.assert_frame_equal(
        mine, alone, check_exact=False, rtol=1e-9, atol=tolerance(frame, config)
    )


@given(
    frame=events(max_size=15),
    config=configs(aggregations=("sum",), coded_settings=True),
    seed=st.integers(0, 2**32 - 1),
)
def test_every_event_counted_twice_doubles_the_tension(
    frame: pd.DataFrame, config: ti.IndexConfig, seed: int
) -> None:
    # Under "sum", whatever the neutral: each event's baseline is the mean of rows
    # that are all doubled (the same mean), and every signal counts twice.
    bands = sensitivity(
        ti.score(frame, config),
        draws=3,
        seed=seed,
        quantiles=(0.0, 1.0),
        **{**NOTHING, "omission": 0.0, "duplication": 1.0},
    )
    twice = 2 * bands["tension"].to_numpy()
    bound = 2 * tolerance(frame, config)
    for q in ("q00", "q100"):
        assert np.abs(bands[f"tension_{q}"].to_numpy() - twice).max(initial=0.0) <= bound
