"""Invariants of sensitivity() and weight_influence() on generated events and configurations.

* The central configuration's value lies inside every band whose quantiles
  straddle 0.5, for any seed and spread (and is exactly its median).
* With ``spread=0`` every band is the central value.
* Each partial derivative equals a finite difference of
  :func:`stability_index` with that one weight changed: exactly (to rounding)
  for the tension, which is linear in the weights, and to second order for
  the stability.

Configurations are drawn over every daily aggregation: the index is linear in
the weights whatever the aggregation, since the aggregation factors do not
depend on the weights.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensionindex as ti
from reference import tolerance
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
    bands = sensitivity(scored, spread=spread, draws=draws, seed=seed, quantiles=quantiles)
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
        ti.score(frame), config, spread=0.0, draws=9, seed=seed, quantiles=(0.0, 1.0)
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
