"""Finite results or clear errors for every finite input; grids that ask before they take."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tensionindex as ti
from tensionindex.exceptions import EventValidationError, InvalidParameterError
from tensionindex.kernels import decayed_cumsum


def _event(date: str, intensity: float = 1.0, **extra: object) -> dict[str, object]:
    return {"date": date, "actor1": "CHN", "actor2": "USA", "event_type": "water_cannon",
            "intensity": intensity, **extra}


@pytest.mark.parametrize("half_life", [0.2, 3.0, 30.0, 400.0])
@pytest.mark.parametrize("magnitude", [1.0, 1e150, 1e290, 1e305])
def test_the_exponential_scan_is_exact_over_the_range_of_floats(
    half_life: float, magnitude: float
) -> None:
    x = np.zeros((2, 3000))
    x[0, 2900] = magnitude  # late in a block: the scaled sum would overflow
    x[0, 2950] = 1.0
    x[1, 10] = magnitude / 7
    got = decayed_cumsum(x.copy(), half_life)
    assert np.isfinite(got).all()
    for row, (day, value) in ((0, (2900, magnitude)), (1, (10, magnitude / 7))):
        expected = value * 2.0 ** (-(2999 - day) / half_life)
        if row == 0:
            expected += 2.0 ** (-(2999 - 2950) / half_life)
        assert got[row, -1] == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_a_huge_event_late_on_a_long_grid_reads_its_true_value() -> None:
    records = [_event("2000-01-01"), _event("2024-06-01", 1e289)]
    index = ti.stability_index(records, half_life=3.0)
    assert index["tension"].iloc[-1] == pytest.approx(7e289, rel=1e-12)
    assert np.isfinite(index["tension"]).all()


def test_the_window_keeps_a_small_event_after_a_huge_one_leaves() -> None:
    records = [_event("2024-01-01", 1e17), _event("2024-01-02", 1.0)]
    index = ti.stability_index(records, kernel="window", window=2, end="2024-01-05")
    tension = index.set_index("date")["tension"]
    assert tension["2024-01-03"] == 7.0  # exactly: the 7e17 left, the 7 stays
    why = ti.explain(records, "CHN-USA", "2024-01-03", kernel="window", window=2)
    assert why["contribution"].sum() == tension["2024-01-03"]
    assert tension["2024-01-04"] == 0.0


def test_the_window_carry_keeps_a_small_event_after_a_huge_one_leaves() -> None:
    records = [_event("2024-01-01", 1e17), _event("2024-01-03", 1.0)]
    scored = ti.score(records, kernel="window", window=3)
    # The grid starts after both events: they enter as the carry.
    index = scored.index(start="2024-01-04", end="2024-01-07").set_index("date")["tension"]
    assert index.tolist() == [7.0, 7.0, 0.0, 0.0]


def test_signals_that_overflow_are_refused_with_the_row() -> None:
    with pytest.raises(EventValidationError, match=r"Row 1: the signal of this event .* inf"):
        ti.score([_event("2024-01-01", 1e300), _event("2024-01-02", 1e308)])
    with pytest.raises(EventValidationError, match=r"overflows a float"):
        ti.score([_event("2024-01-01", 1e308), _event("2024-01-02", 1e308)])
    # Large but summable: finite everywhere.
    index = ti.stability_index([_event("2024-01-01", 1e306), _event("2024-01-02", 1e306)])
    assert np.isfinite(index[["tension", "stability"]].to_numpy()).all()
    assert math.isfinite(float(ti.score([_event("2024-01-01", 1e306)], scale="auto").scale))


def test_a_grid_larger_than_max_grid_cells_is_refused_before_allocating() -> None:
    records = [_event("1800-01-01"), _event("2199-12-31")]
    with pytest.raises(
        InvalidParameterError,
        match=r"The index of 1 dyads over 146,097 days \(1800-01-01 to 2199-12-31\) would "
        r"hold 146,097 values .* more than max_grid_cells=1,000 .*\(start=, end=",
    ):
        ti.stability_index(records, max_grid_cells=1_000)
    scored = ti.score(records, max_grid_cells=1_000)
    assert len(scored.index(start="2199-12-01")) == 31  # a narrower grid fits
    with pytest.raises(InvalidParameterError, match=r"max_grid_cells=1,000"):
        scored.contributions()
    state = ti.IndexState(ti.IndexConfig(max_grid_cells=1_000))
    state.update([_event("2024-01-01")])
    with pytest.raises(InvalidParameterError, match=r"The update .* smaller steps of 'until'"):
        state.update([], until="2030-01-01")
    with pytest.raises(ti.ConfigurationError, match=r"'max_grid_cells' parameter"):
        ti.IndexConfig(max_grid_cells=0)
    # Not a number of the method: the fingerprint ignores it.
    assert ti.IndexConfig(max_grid_cells=10).fingerprint == ti.IndexConfig().fingerprint
