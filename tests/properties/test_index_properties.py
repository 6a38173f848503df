"""Invariants of the method, checked on hypothesis-generated events and configurations.

Values are compared with ``rtol=1e-9`` plus an absolute tolerance of
``1e-9 * max(1, sum |s_i|)``: two correct computations that add the same
terms in another order (a shuffled frame, a shifted grid, a carry-in) differ
by rounding of the order of the largest partial sum, which is bounded by
sum |s_i| and not by |T| (see ``reference.tolerance``).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensionindex as ti
from reference import assert_close, assert_index_close, signals, tolerance
from tensionindex.testing import configs, events

pytestmark = pytest.mark.slow  # a long property run: `pytest -m slow`

DAY = pd.Timedelta(days=1)

# Property tests score each example two or three times: keep frames modest.
EVENTS = events(max_size=15)
SOME_EVENTS = events(min_size=1, max_size=15)


def _series(result: pd.DataFrame, column: str) -> dict[str, np.ndarray]:
    """Each dyad's values of ``column``, by dyad label.

    Every dyad of a result spans the same days in one contiguous block
    (test_index checks that layout), so a reshape splits the column.
    """
    labels = [str(d) for d in result["dyad"].cat.categories]
    if not labels:
        return {}
    values = result[column].to_numpy().reshape(len(labels), -1)
    return dict(zip(labels, values, strict=True))


def _days(result: pd.DataFrame) -> pd.DatetimeIndex:
    n_dyads = len(result["dyad"].cat.categories)
    return pd.DatetimeIndex(result["date"].iloc[: len(result) // max(1, n_dyads)])


def _span(*frames: pd.DataFrame) -> dict[str, pd.Timestamp]:
    dates = pd.concat([f["date"] for f in frames])
    return {"start": dates.min(), "end": dates.max()}


def _close(got: object, expected: object, atol: float, what: str = "") -> None:
    assert_close(got, expected, atol=atol, what=what)


def _dyad_of(events: pd.DataFrame, directed: bool) -> pd.Series:
    """Dyad label of each event, built here from the definition."""
    a, b = events["actor1"].astype(str), events["actor2"].astype(str)
    if directed:
        return a + "->" + b
    return pd.Series(np.where(a < b, a + "-" + b, b + "-" + a), index=events.index, dtype=str)


@given(frame=EVENTS, config=configs(), data=st.data())
def test_row_order_does_not_matter(
    frame: pd.DataFrame, config: ti.IndexConfig, data: st.DataObject
) -> None:
    order = data.draw(st.permutations(range(len(frame))), label="row order")
    assert_index_close(
        ti.stability_index(frame.iloc[order], config),
        ti.stability_index(frame, config),
        atol=tolerance(frame, config),
        scale=config.scale,
    )


@given(first=SOME_EVENTS, second=SOME_EVENTS, config=configs())
def test_superposition(first: pd.DataFrame, second: pd.DataFrame, config: ti.IndexConfig) -> None:
    """Counts, signal and tension of A + B are those of A plus those of B."""
    grid = _span(first, second)
    both = ti.stability_index(pd.concat([first, second]), config, **grid)
    parts = [ti.stability_index(f, config, **grid) for f in (first, second)]
    atol = tolerance(pd.concat([first, second]), config)
    for column in ("events", "signal", "tension"):
        total = _series(both, column)
        a, b = (_series(p, column) for p in parts)
        assert set(total) == set(a) | set(b)
        for dyad, values in total.items():
            _close(values, a.get(dyad, 0.0) + b.get(dyad, 0.0), atol, f"{column} {dyad}")


@given(frame=EVENTS, config=configs(), factor=st.floats(-10.0, 10.0))
def test_linear_in_the_weights(frame: pd.DataFrame, config: ti.IndexConfig, factor: float) -> None:
    """Scaling every weight by k scales the signal and the tension by k."""
    types = sorted(set(frame["event_type"]))
    weights = dict(zip(types, config.resolve(types).weight * factor, strict=True))
    scaled = dataclasses.replace(config, weights={**config.weights, **weights})
    base = ti.stability_index(frame, config)
    result = ti.stability_index(frame, scaled)
    atol = max(1.0, abs(factor)) * tolerance(frame, config)
    _close(result["signal"], factor * base["signal"], atol, "signal")
    _close(result["tension"], factor * base["tension"], atol, "tension")


@given(frame=EVENTS, extra=events(min_size=1, max_size=1), config=configs(), data=st.data())
def test_a_positive_event_never_lowers_tension(
    frame: pd.DataFrame, extra: pd.DataFrame, config: ti.IndexConfig, data: st.DataObject
) -> None:
    """Adding an event with positive signal never lowers tension nor raises stability."""
    # Make the extra event's signal positive: positive weight, category
    # multiplier, intensity and confidence.
    event_type = str(extra["event_type"].iloc[0])
    category = str(config.resolve([event_type]).category[0])
    config = dataclasses.replace(
        config,
        weights={**config.weights, event_type: data.draw(st.floats(0.01, 10.0), label="weight")},
        category_multipliers={
            **config.category_multipliers,
            category: data.draw(st.floats(0.01, 3.0), label="multiplier"),
        },
    )
    extra = extra.assign(
        intensity=data.draw(st.floats(0.01, 5.0), label="intensity"),
        confidence=data.draw(st.floats(0.01, 1.0), label="confidence"),
    )
    assert signals(extra, config)[0].signal > 0

    grid = _span(frame, extra) if len(frame) else _span(extra)
    base = ti.stability_index(frame, config, **grid)
    more = ti.stability_index(pd.concat([frame, extra]), config, **grid)
    atol = tolerance(pd.concat([frame, extra]), config)
    tension, stability = _series(base, "tension"), _series(base, "stability")
    for dyad, values in _series(more, "tension").items():
        assert (values >= tension.get(dyad, 0.0) - atol).all(), dyad
    for dyad, values in _series(more, "stability").items():
        assert (values <= stability.get(dyad, 50.0) + atol * 25.0 / config.scale).all(), dyad


@given(frame=EVENTS, config=configs(), days=st.integers(-2000, 2000))
def test_shifting_all_dates_shifts_the_index(
    frame: pd.DataFrame, config: ti.IndexConfig, days: int
) -> None:
    shifted = frame.assign(date=frame["date"] + days * DAY)
    expected = ti.stability_index(frame, config)
    expected["date"] = expected["date"] + days * DAY
    assert_index_close(
        ti.stability_index(shifted, config),
        expected,
        atol=tolerance(frame, config),
        scale=config.scale,
    )


@given(frame=SOME_EVENTS, config=configs(), data=st.data())
def test_no_look_ahead(frame: pd.DataFrame, config: ti.IndexConfig, data: st.DataObject) -> None:
    """Events after day t change no value up to day t."""
    grid = _span(frame)
    n_days = (grid["end"] - grid["start"]).days + 1
    cutoff = data.draw(st.integers(0, n_days - 1), label="cutoff (days after the start)")
    everything = ti.stability_index(frame, config, **grid)
    past = frame[frame["date"] <= grid["start"] + cutoff * DAY]
    past_only = ti.stability_index(past, config, **grid)
    atol = tolerance(frame, config)
    for column in ("events", "signal", "tension"):
        known = _series(past_only, column)
        for dyad, values in _series(everything, column).items():
            expected = known.get(dyad, np.zeros(n_days))
            _close(values[: cutoff + 1], expected[: cutoff + 1], atol, f"{column} {dyad}")


@given(frame=SOME_EVENTS, config=configs(), data=st.data())
def test_start_only_trims(frame: pd.DataFrame, config: ti.IndexConfig, data: st.DataObject) -> None:
    """Values on the days both grids share do not depend on where the grid starts."""
    grid = _span(frame)
    start = grid["start"] + DAY * data.draw(
        st.integers(-30, (grid["end"] - grid["start"]).days), label="start offset"
    )
    full = ti.stability_index(frame, config, end=grid["end"])
    trimmed = ti.stability_index(frame, config, start=start, end=grid["end"])
    expected = full[full["date"] >= start].reset_index(drop=True)
    if start < grid["start"]:  # the trimmed grid starts earlier: compare the overlap
        trimmed = trimmed[trimmed["date"] >= grid["start"]].reset_index(drop=True)
    assert_index_close(trimmed, expected, atol=tolerance(frame, config), scale=config.scale)


@given(frame=EVENTS, config=configs(), data=st.data())
def test_swapping_actors(frame: pd.DataFrame, config: ti.IndexConfig, data: st.DataObject) -> None:
    """Undirected: swapping actor1 and actor2 of any events changes nothing.

    Directed: swapping them in every event swaps A->B and B->A.
    """
    flip = np.array(
        data.draw(st.lists(st.booleans(), min_size=len(frame), max_size=len(frame))), dtype=bool
    )
    if config.directed:
        flip[:] = True
    swapped = frame.assign(
        actor1=frame["actor1"].where(~flip, frame["actor2"]),
        actor2=frame["actor2"].where(~flip, frame["actor1"]),
    )
    result = ti.stability_index(swapped, config)
    expected = ti.stability_index(frame, config)
    if config.directed:
        reverse = {d: "->".join(reversed(d.split("->"))) for d in _series(expected, "signal")}
        expected = (
            expected.assign(dyad=expected["dyad"].astype(str).map(reverse))
            .sort_values(["dyad", "date"], kind="stable")
            .reset_index(drop=True)
        )
    assert_index_close(result, expected, atol=tolerance(frame, config), scale=config.scale)


@given(frame=SOME_EVENTS, others=EVENTS, config=configs(), data=st.data())
def test_dyads_are_independent(
    frame: pd.DataFrame, others: pd.DataFrame, config: ti.IndexConfig, data: st.DataObject
) -> None:
    """Events of other dyads leave a dyad's series unchanged."""
    dyad = data.draw(st.sampled_from(sorted(set(_dyad_of(frame, config.directed)))), label="dyad")
    if len(others):
        others = others[_dyad_of(others, config.directed) != dyad]
    grid = _span(frame, others) if len(others) else _span(frame)
    mine = ti.stability_index(frame, config, **grid, dyads=dyad)
    mixed = ti.stability_index(pd.concat([frame, others]), config, **grid)
    mixed = mixed[mixed["dyad"] == dyad].reset_index(drop=True)
    assert_index_close(mixed, mine, atol=tolerance(frame, config), scale=config.scale)


@given(
    frame=SOME_EVENTS,
    config=configs(kernels=["exponential"], category_settings=False),
    half_life=st.integers(1, 120),
    quiet_days=st.integers(0, 30),
)
def test_tension_halves_after_one_half_life(
    frame: pd.DataFrame, config: ti.IndexConfig, half_life: int, quiet_days: int
) -> None:
    """With no new events, T(t0 + h) = T(t0) / 2 (exponential kernel, integer h)."""
    config = dataclasses.replace(config, half_life=half_life)
    t0 = frame["date"].max() + quiet_days * DAY
    result = ti.stability_index(frame, config, end=t0 + half_life * DAY)
    at_t0 = len(_days(result)) - 1 - half_life
    for dyad, tension in _series(result, "tension").items():
        _close(tension[-1], tension[at_t0] / 2, tolerance(frame, config), dyad)


@given(frame=SOME_EVENTS, config=configs(), zero=st.sampled_from(["weights", "multipliers"]))
def test_zero_weights_give_stability_50(
    frame: pd.DataFrame, config: ti.IndexConfig, zero: str
) -> None:
    if zero == "weights":
        weights = dict.fromkeys(sorted(set(frame["event_type"])), 0.0)
        config = dataclasses.replace(config, weights={**config.weights, **weights})
    else:
        config = dataclasses.replace(config, category_multipliers=dict.fromkeys(ti.CATEGORIES, 0.0))
    result = ti.stability_index(frame, config)
    assert (result["tension"] == 0.0).all()
    assert (result["stability"] == 50.0).all()


@given(frame=EVENTS, config=configs(), magnitude=st.sampled_from([1.0, 1e3, 1e6, 1e12]))
def test_stability_is_bounded_and_decreasing_in_tension(
    frame: pd.DataFrame, config: ti.IndexConfig, magnitude: float
) -> None:
    types = sorted(set(frame["event_type"]))
    weights = dict(zip(types, config.resolve(types).weight * magnitude, strict=True))
    config = dataclasses.replace(config, weights={**config.weights, **weights})
    result = ti.stability_index(frame, config)
    stability = result["stability"].to_numpy()
    assert not np.isnan(stability).any()
    assert ((stability >= 0.0) & (stability <= 100.0)).all()
    # Monotone up to a few ulps of 100: exp and log1p are faithfully, not
    # correctly, rounded.
    by_tension = stability[np.argsort(result["tension"].to_numpy(), kind="stable")]
    assert (np.diff(by_tension) <= 1e-12).all()
    assert (stability[result["tension"].to_numpy() == 0.0] == 50.0).all()


@given(frame=SOME_EVENTS, config=configs(), data=st.data())
def test_explain_sums_to_the_tension(
    frame: pd.DataFrame, config: ti.IndexConfig, data: st.DataObject
) -> None:
    grid = _span(frame)
    offset = data.draw(st.integers(-5, (grid["end"] - grid["start"]).days + 60), label="date")
    date = grid["start"] + offset * DAY
    index = ti.stability_index(frame, config, start=grid["start"] - 5 * DAY, end=date)
    tensions = _series(index, "tension")
    dyad = data.draw(st.sampled_from(sorted(tensions)), label="dyad")
    tension = tensions[dyad][-1]
    why = ti.explain(frame, dyad, date, config)
    atol = tolerance(frame, config)
    _close(why["contribution"].sum(), tension, atol)
    _close(why.attrs["tensionindex"]["tension"], tension, atol)
    stability = _series(index, "stability")[dyad][-1]
    _close(why.attrs["tensionindex"]["stability"], stability, atol * 25.0 / config.scale)
    _close(why["contribution"], why["signal"] * why["decay"], atol)
    assert (why["date"] <= date).all()
    assert why.attrs["tensionindex"]["fingerprint"] == config.fingerprint


@given(frame=SOME_EVENTS, config=configs(), data=st.data())
def test_contributions_split_the_tension_by_category(
    frame: pd.DataFrame, config: ti.IndexConfig, data: st.DataObject
) -> None:
    """The category columns sum to the tension; each is its category's events alone."""
    parts = ti.contributions(frame, config)
    index = ti.stability_index(frame, config)
    atol = tolerance(frame, config)
    categories = list(parts.columns[2:-1])
    assert list(parts.columns[:2]) == ["dyad", "date"] and parts.columns[-1] == "tension"
    pd.testing.assert_frame_equal(parts[["dyad", "date"]], index[["dyad", "date"]])
    _close(parts[categories].sum(axis=1), index["tension"], atol, "sum of categories")
    _close(parts["tension"], index["tension"], atol, "tension")
    assert parts.attrs["tensionindex"]["fingerprint"] == config.fingerprint

    resolved = config.resolve(frame["event_type"].tolist())
    assert categories == [c for c in ti.CATEGORIES if c in set(resolved.category)]
    category = data.draw(st.sampled_from(categories), label="category")
    alone = ti.stability_index(frame[resolved.category == category], config, **_span(frame))
    expected = _series(alone, "tension")
    for dyad, values in _series(parts, category).items():
        _close(values, expected.get(dyad, 0.0), atol, f"{category} {dyad}")
