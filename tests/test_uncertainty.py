"""sensitivity() and weight_influence(): known answers, brute-force oracles, every error.

Both take scored events (``ti.score(events)``) and, for the one-line path, raw
events.  Two oracles check the bands.  For the weights alone, one
:func:`stability_index` run per draw with the perturbed weights written into
the configuration (no linearity used).  For the events, one run per draw on
the events that draw describes, written out as rows: an event counted twice
is two rows, a missed one none, a recoded one its new type, a moved one its
new date, each run with that draw's weights (and half-life); only the random
decisions (:func:`uncertainty._edits`, the model itself) are shared with the
code under test, none of its grids, tiles, blocks or kernels.  Invariants on
generated events are in tests/properties/test_uncertainty_properties.py.
"""

from __future__ import annotations

import dataclasses
import io
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti
from tensionindex.analysis import uncertainty
from tensionindex.analysis.uncertainty import sensitivity, weight_influence
from tensionindex.cli import main
from tensionindex.testing import event

#: The weights alone: the bands of tensionindex before the events varied.
WEIGHTS_ONLY: dict[str, Any] = {"event_noise": False}
#: The weights alone, each by ``spread`` around its value (not the published ranges).
SPREAD_ONLY: dict[str, Any] = {**WEIGHTS_ONLY, "weight_ranges": {}}
#: No event-level noise, spelled setting by setting.
NO_EVENT_NOISE: dict[str, Any] = {
    "omission": 0.0,
    "duplication": 0.0,
    "recoding": 0.0,
    "date_shift": 0.0,
    "confidence_draws": False,
}
#: Every source off (the weights too: no spread, no published ranges), so that one
#: source can be switched on alone.
NOTHING: dict[str, Any] = {**NO_EVENT_NOISE, "spread": 0.0, "weight_ranges": {}}


@pytest.fixture
def events() -> list[dict[str, object]]:
    # Default weights: water_cannon 7, protest_lodged 2, dialogue_resumed -7, ramming 9.2.
    return [
        event("2024-03-01"),
        event("2024-03-04", "protest_lodged", "PHL", "CHN", intensity=2, confidence=0.5),
        event("2024-03-06", "dialogue_resumed"),
        event("2024-03-08", "ramming"),
        event("2024-03-02", "dialogue_resumed", "USA", "CHN"),
        event("2024-03-05", "warning", "CHN", "USA", confidence=0.8),
    ]


# -- sensitivity: layout, provenance, old behaviour ---------------------------------


def test_layout_and_central_values(events: list[dict[str, object]]) -> None:
    bands = sensitivity(ti.score(events, half_life=5), draws=50)
    assert list(bands.columns) == [
        "dyad",
        "date",
        "tension",
        "stability",
        "tension_q05",
        "tension_q50",
        "tension_q95",
        "stability_q05",
        "stability_q50",
        "stability_q95",
    ]
    plain = ti.stability_index(events, half_life=5)
    pd.testing.assert_frame_equal(bands[["dyad", "date"]], plain[["dyad", "date"]])
    np.testing.assert_allclose(bands["tension"], plain["tension"], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(bands["stability"], plain["stability"], rtol=1e-12)
    info = bands.attrs["tensionindex"]
    assert info["fingerprint"] == ti.IndexConfig(half_life=5).fingerprint
    settings = info["sensitivity"]
    assert settings["spread"] == 0.25 and settings["draws"] == 50 and settings["seed"] == 0
    assert settings["includes"] == [
        "weights",
        "omission",
        "duplication",
        "recoding",
        "date_shift",
        "confidence",
    ]
    assert settings["method"] == "recomputed"
    assert (settings["omission"], settings["duplication"], settings["recoding"]) == (
        0.15,
        0.15,
        0.15,
    )
    assert (settings["date_shift"], settings["shift_days"]) == (0.3, 3)
    assert settings["confidence_draws"] is True
    assert settings["half_life_range"] is None and settings["scale_range"] is None


@pytest.mark.parametrize(
    ("kwargs", "config", "includes", "method"),
    [
        (WEIGHTS_ONLY, {}, ["weights"], "linear"),
        (NO_EVENT_NOISE, {}, ["weights"], "linear"),
        ({**WEIGHTS_ONLY, "scale_range": (5, 20)}, {}, ["weights", "scale"], "linear"),
        ({**NOTHING, "half_life_range": (20, 40)}, {}, ["half_life"], "recomputed"),
        ({**NOTHING, "omission": 0.1}, {}, ["omission"], "recomputed"),
        # The index does not weigh by confidence: drawing it would change what it counts.
        (
            {},
            {"use_confidence": False},
            ["weights", "omission", "duplication", "recoding", "date_shift"],
            "recomputed",
        ),
        ({**NOTHING}, {}, [], "linear"),
        # The bounded carry-over is no sum of events: every draw through the kernel.
        (WEIGHTS_ONLY, {"kernel": "carryover"}, ["weights"], "recomputed"),
        # Baselines made of other events: every draw rebuilt and scored again.
        (
            {},
            {"neutral": "dyad"},
            ["weights", "omission", "duplication", "recoding", "date_shift", "confidence"],
            "rescored",
        ),
        (WEIGHTS_ONLY, {"neutral": "source"}, ["weights"], "rescored"),
        ({**NOTHING}, {"neutral": "dyad", "aggregation": "kernel_mean"}, [], "rescored"),
    ],
)
def test_provenance_says_what_the_bands_include(
    events: list[dict[str, object]],
    kwargs: dict[str, Any],
    config: dict[str, Any],
    includes: list[str],
    method: str,
) -> None:
    settings = sensitivity(ti.score(events, **config), draws=10, **kwargs).attrs["tensionindex"][
        "sensitivity"
    ]
    assert settings["includes"] == includes
    assert settings["method"] == method
    assert set(settings["includes"]) <= set(uncertainty.SOURCES)


def test_scored_raw_and_overrides_agree(events: list[dict[str, object]]) -> None:
    scored = ti.score(events)
    bands = sensitivity(scored, draws=30, half_life=5)
    pd.testing.assert_frame_equal(bands, sensitivity(events, draws=30, half_life=5))
    pd.testing.assert_frame_equal(bands, sensitivity(ti.score(events, half_life=5), draws=30))
    config = ti.IndexConfig(half_life=5)
    pd.testing.assert_frame_equal(bands, sensitivity(scored, config, draws=30))


def test_coverage_only_with_raw_events(events: list[dict[str, object]]) -> None:
    days = pd.date_range("2024-03-01", "2024-03-08")
    raw = sensitivity(events, draws=10, coverage=days)
    pd.testing.assert_frame_equal(
        raw, sensitivity(ti.score(events, coverage=days), draws=10), check_like=True
    )
    with pytest.raises(ti.InvalidParameterError, match=r"coverage is given to score\(\)"):
        sensitivity(ti.score(events), draws=10, coverage=days)


def _brute_force(
    events: list[dict[str, object]], spread: float, draws: int, seed: int, **overrides: object
) -> np.ndarray:
    """Tension of every draw of the weights, one full stability_index run per draw."""
    config = ti.IndexConfig(**overrides)  # type: ignore[arg-type]
    types = [str(t) for t in ti.validate_events(events)["event_type"].cat.categories]
    weights = config.resolve(types).weight
    u = np.random.default_rng(seed).uniform(-1.0, 1.0, size=(draws // 2, len(types)))
    factors = [*(1 + spread * u), *(1 - spread * u)] + ([np.ones(len(types))] * (draws % 2))
    runs = [
        ti.stability_index(events, config, weights=dict(zip(types, weights * f, strict=True)))[
            "tension"
        ].to_numpy()
        for f in factors
    ]
    return np.array(runs)


@pytest.mark.parametrize("draws", [40, 41])
@pytest.mark.parametrize("quiet", [WEIGHTS_ONLY, NO_EVENT_NOISE])
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_weight_quantiles_match_a_run_per_draw(
    events: list[dict[str, object]], draws: int, quiet: dict[str, Any]
) -> None:
    # Without event noise the bands are those of the weights alone, exactly as before.
    quantiles = (0.0, 0.1, 0.5, 0.9, 1.0)
    scored = ti.score(events, half_life=5)
    bands = sensitivity(
        scored, spread=0.4, draws=draws, seed=7, quantiles=quantiles, weight_ranges={}, **quiet
    )
    runs = _brute_force(events, 0.4, draws, 7, half_life=5)
    for q in quantiles:
        name = uncertainty._quantile_name(q)
        expected = np.quantile(runs, q, axis=0)
        np.testing.assert_allclose(bands[f"tension_{name}"], expected, rtol=1e-9, atol=1e-9)
        # Stability falls with tension: its q-quantile is S of the (1 - q)-quantile.
        np.testing.assert_allclose(
            bands[f"stability_{name}"],
            100 / (1 + np.exp(np.quantile(runs, 1 - q, axis=0) / 10)),
            rtol=1e-9,
            atol=1e-9,
        )
    # The extreme quantiles are the extreme draws, in stability too.
    stability_runs = 100 / (1 + np.exp(runs / 10))
    np.testing.assert_allclose(bands["stability_q00"], stability_runs.min(axis=0), rtol=1e-9)
    np.testing.assert_allclose(bands["stability_q100"], stability_runs.max(axis=0), rtol=1e-9)


def test_zero_event_noise_is_the_weights_only_result_exactly(
    events: list[dict[str, object]],
) -> None:
    scored = ti.score(events)
    old = sensitivity(scored, draws=101, seed=5, **WEIGHTS_ONLY)
    settings = old.attrs["tensionindex"].pop("sensitivity")
    new = sensitivity(scored, draws=101, seed=5, **NO_EVENT_NOISE)
    new.attrs["tensionindex"].pop("sensitivity")
    pd.testing.assert_frame_equal(old, new, check_exact=True)
    assert settings["event_noise"] is False and settings["omission"] == 0.0


@pytest.mark.parametrize("draws", [1, 2, 3, 10, 11, 64])
def test_quantiles_are_numpys_on_every_draw(draws: int) -> None:
    # The sorted |deviation| of the mirrored pairs gives numpy's quantiles bit for bit.
    rng = np.random.default_rng(draws)
    basis = rng.normal(size=(6, 50))
    basis[:, :3] = 0.0  # cells no event reaches yet
    steps = rng.normal(size=(draws // 2, 6))
    needed = sorted({0.0, 0.001, 0.025, 0.1, 1 / 3, 0.5, 2 / 3, 0.9, 0.975, 0.999, 1.0})
    half = steps @ basis
    every = np.concatenate([half, -half, np.zeros((draws % 2, 50))])
    expected = np.quantile(every, needed, axis=0)
    got = uncertainty._deviation_quantiles(basis, steps, draws, needed)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("draws", [1, 2, 7, 200])
def test_sorted_quantiles_are_numpys(draws: int) -> None:
    rng = np.random.default_rng(draws)
    rows = rng.normal(size=(40, draws))
    rows[:5] = 0.0
    rows[5:10] = np.round(rows[5:10])  # ties
    needed = [0.0, 0.001, 0.05, 0.25, 0.5, 2 / 3, 0.95, 1.0]
    expected = np.quantile(rows, needed, axis=1)
    np.testing.assert_array_equal(uncertainty._sorted_quantiles(rows.copy(), needed), expected)


def test_central_value_is_the_median_and_inside_the_band(
    events: list[dict[str, object]],
) -> None:
    bands = sensitivity(
        events, spread=1.0, draws=200, seed=3, quantiles=(0.05, 0.5, 0.95), **SPREAD_ONLY
    )
    assert (bands["tension_q50"] == bands["tension"]).all()
    assert (bands["stability_q50"] == bands["stability"]).all()
    assert (bands["tension_q05"] <= bands["tension"]).all()
    assert (bands["tension"] <= bands["tension_q95"]).all()
    assert (bands["stability_q05"] <= bands["stability"]).all()
    assert (bands["stability"] <= bands["stability_q95"]).all()
    # ... and the bands are not degenerate where there is tension.
    moving = bands["tension"] != 0
    assert (bands.loc[moving, "tension_q95"] > bands.loc[moving, "tension_q05"]).all()


def test_uniform_factor_on_a_single_type() -> None:
    # One water cannon: T = 7 * factor, factor uniform on [1 - spread, 1 + spread].
    bands = sensitivity(
        [event("2024-03-01")],
        spread=0.2,
        draws=4000,
        seed=0,
        quantiles=(0.0, 0.25, 1.0),
        **SPREAD_ONLY,
    )
    assert bands["tension_q00"].iat[0] == pytest.approx(7 * 0.8, abs=0.01)
    assert bands["tension_q25"].iat[0] == pytest.approx(7 * 0.9, abs=0.05)
    assert bands["tension_q100"].iat[0] == pytest.approx(7 * 1.2, abs=0.01)


def test_weights_never_change_sign() -> None:
    conflict = [event("2024-03-01"), event("2024-03-02", "ramming")]
    calm = [event("2024-03-01", "dialogue_resumed"), event("2024-03-02", "leader_summit")]
    for noise in (WEIGHTS_ONLY, {"recoding": 0.0}):
        bands = sensitivity(conflict, spread=1.0, draws=500, quantiles=(0.0, 1.0), **noise)
        assert (bands["tension_q00"] >= 0).all()
        bands = sensitivity(calm, spread=1.0, draws=500, quantiles=(0.0, 1.0), **noise)
        assert (bands["tension_q100"] <= 0).all()
    # Recoded within its category, a resumed dialogue can read as a suspended one (+7).
    bands = sensitivity(calm, draws=500, quantiles=(0.0, 1.0), **{**NOTHING, "recoding": 1.0})
    assert bands["tension_q100"].max() > 0


def test_zero_spread_and_one_draw_give_the_central_value(
    events: list[dict[str, object]],
) -> None:
    for bands in (
        sensitivity(events, spread=0.0, draws=7, **SPREAD_ONLY),
        sensitivity(events, spread=0.5, draws=1, **SPREAD_ONLY),
        sensitivity(events, draws=7, **NOTHING),
    ):
        for q in ("q05", "q50", "q95"):
            assert (bands[f"tension_{q}"] == bands["tension"]).all()
            assert (bands[f"stability_{q}"] == bands["stability"]).all()


# -- sensitivity: the events ------------------------------------------------------------


#: Every setting of the draws at its default, as uncertainty._plan takes them.
DEFAULTS: dict[str, Any] = {
    "spread": 0.25,
    "event_noise": True,
    "omission": 0.15,
    "duplication": 0.15,
    "recoding": 0.15,
    "date_shift": 0.30,
    "shift_days": 3,
    "confidence_draws": True,
    "weight_ranges": None,
    "half_life_range": None,
    "scale_range": None,
}


def _event_runs(
    events: list[dict[str, object]],
    draws: int,
    seed: int,
    start: str,
    end: str,
    overrides: dict[str, Any],
    coverage: pd.Series | None = None,
    **settings: Any,
) -> tuple[np.ndarray, np.ndarray]:
    """Tension and scale of every draw, one stability_index run per draw on its own events.

    The draw's events are written out as rows: an event counted twice is two
    rows, a missed one none; a recoded one gets its new type, a moved one its
    new date, a kept one confidence 1 when confidences are drawn.  Each run
    is a whole index of its own, so under ``neutral="dyad"`` or ``"source"``
    every baseline is the one of that draw's rows.
    """
    scored = ti.score(events, coverage=coverage, **overrides)
    cfg = scored.config
    plan = uncertainty._plan(scored, **{**DEFAULTS, **settings})
    types = uncertainty._types(scored, plan)
    key = int(np.random.default_rng(seed).integers(0, 2**64, dtype=np.uint64))
    every = np.arange(draws)
    confidence = scored.events["confidence"].to_numpy(dtype=float) if plan.confidence else None
    edits = uncertainty._edits(
        plan, types, key, every, np.arange(len(scored)), scored.type_code, confidence
    )
    weights = uncertainty._weights(types, plan, key, every)
    half_lives = (
        None
        if plan.half_life is None
        else uncertainty._log_uniform(key, uncertainty._HALF_LIFE, every, plan.half_life)
    )
    scales = (
        np.full(draws, cfg.scale)
        if plan.scale is None
        else uncertainty._log_uniform(key, uncertainty._SCALE, every, plan.scale)
    )
    grid = pd.MultiIndex.from_product(
        [list(scored.labels), pd.date_range(start, end)], names=["dyad", "date"]
    )
    frame = scored.events[list(ti.CANONICAL_COLUMNS)]
    runs = []
    for d in range(draws):
        rows = []
        for i in range(len(frame)):
            for _ in range(int(edits.count[d, i])):
                row = frame.iloc[i].to_dict()
                row["event_type"] = types.names[edits.type_index[d, i]]
                if edits.shift is not None:
                    row["date"] += pd.Timedelta(days=int(edits.shift[d, i]))
                if plan.confidence:
                    row["confidence"] = 1.0
                rows.append(row)
        config = dataclasses.replace(cfg, weights=dict(zip(types.names, weights[d], strict=True)))
        if half_lives is not None:
            ratio = half_lives[d] / cfg.half_life
            config = dataclasses.replace(
                config,
                half_life=half_lives[d],
                category_half_lives={k: v * ratio for k, v in cfg.category_half_lives.items()},
            )
        tension = pd.Series(0.0, index=grid)
        if rows:
            out = ti.stability_index(
                pd.DataFrame(rows), config, start=start, end=end, coverage=coverage
            )
            found = out.assign(dyad=out["dyad"].astype(str)).set_index(["dyad", "date"])
            tension = found["tension"].reindex(grid, fill_value=0.0)
        runs.append(tension.to_numpy())
    return np.array(runs), scales


@pytest.mark.parametrize(
    ("overrides", "settings"),
    [
        ({"half_life": 5}, {}),
        ({"half_life": 5}, {"spread": 0.6, "omission": 0.3, "duplication": 0.3}),
        ({"half_life": 5, "aggregation": "mean"}, {}),
        ({"kernel": "window", "window": 4, "aggregation": "kernel_mean"}, {}),
        ({"half_life": 5, "category_half_lives": {"gray_zone": 2.0}}, {}),
        ({"half_life": 5}, {"half_life_range": (3.0, 9.0)}),
        ({"half_life": 5}, {"scale_range": (5.0, 20.0), "shift_days": 6}),
        ({"half_life": 5, "use_confidence": False}, {}),
        ({"half_life": 5}, {"weight_ranges": {"water_cannon": (6.0, 12.0)}, "recoding": 0.5}),
        # The bounded carry-over is not a sum of events: recomputed, weights alone too.
        ({"kernel": "carryover", "bound": 8.0}, {}),
        ({"kernel": "carryover", "bound": 8.0}, {"event_noise": False}),
        # Baselines of each draw's own events: rescored.
        ({"half_life": 5, "neutral": "dyad", "aggregation": "kernel_mean"}, {}),
        ({"half_life": 5, "neutral": "source", "aggregation": "mean"}, {"scale_range": (5, 20)}),
        ({"half_life": 5, "neutral": "dyad"}, {"half_life_range": (3.0, 9.0)}),
    ],
)
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_event_quantiles_match_a_run_per_draw(
    events: list[dict[str, object]], overrides: dict[str, Any], settings: dict[str, Any]
) -> None:
    # The grid starts after the first events: they enter through the kernel's carry.
    quantiles = (0.0, 0.1, 0.5, 0.9, 1.0)
    start, end = "2024-03-03", "2024-03-12"
    bands = sensitivity(
        ti.score(events, **overrides),
        draws=16,
        seed=4,
        quantiles=quantiles,
        start=start,
        end=end,
        **settings,
    )
    runs, scales = _event_runs(events, 16, 4, start, end, overrides, **settings)
    for q in quantiles:
        name = uncertainty._quantile_name(q)
        np.testing.assert_allclose(
            bands[f"tension_{name}"], np.quantile(runs, q, axis=0), rtol=1e-9, atol=1e-9
        )
        if "scale_range" in settings:  # each draw its own scale: quantiles of S itself
            expected = np.quantile(100 / (1 + np.exp(runs / scales[:, None])), q, axis=0)
        else:  # one scale: S of the tension's (1 - q)-quantile
            expected = 100 / (1 + np.exp(np.quantile(runs, 1 - q, axis=0) / scales[0]))
        np.testing.assert_allclose(bands[f"stability_{name}"], expected, rtol=1e-9, atol=1e-9)


def _peers_of(event_type: str) -> set[str]:
    """The other analyst types of ``event_type``'s category, as the catalogue has them."""
    table = ti.taxonomy()
    category = table.set_index("event_type").loc[event_type, "category"]
    mine = table[(table["source"] == "analyst") & (table["category"] == category)]
    return set(mine["event_type"]) - {event_type}


def test_draws_follow_their_probabilities() -> None:
    # 200,000 (draw, event) decisions: each rate within five standard errors.
    scored = ti.score([event("2024-03-01", confidence=0.7), event("2024-03-02")])
    plan = uncertainty._plan(
        scored,
        spread=0.25,
        event_noise=True,
        omission=0.1,
        duplication=0.2,
        recoding=0.3,
        date_shift=0.4,
        shift_days=3,
        confidence_draws=True,
        weight_ranges=None,
        half_life_range=None,
        scale_range=None,
    )
    types = uncertainty._types(scored, plan)
    n = 100_000
    items = np.array([0, 1])
    confidence = np.array([0.7, 1.0])
    edits = uncertainty._edits(plan, types, 99, np.arange(n), items, scored.type_code, confidence)

    def near(share: float, p: float) -> bool:
        return abs(share - p) <= 5 * math.sqrt(p * (1 - p) / n)

    sure = edits.count[:, 1]  # confidence 1: missed, doubled or once
    assert near(float(np.mean(sure == 0)), 0.1) and near(float(np.mean(sure == 2)), 0.2)
    # Kept with probability 0.7, independently of being missed or doubled.
    doubt = edits.count[:, 0]
    assert near(float(np.mean(doubt == 0)), 1 - 0.9 * 0.7)
    assert near(float(np.mean(doubt == 2)), 0.2 * 0.7)
    recoded = edits.type_index[:, 0] != scored.type_code[0]
    assert near(float(np.mean(recoded)), 0.3)
    peers = {types.names[t] for t in np.unique(edits.type_index[:, 0])} - {"water_cannon"}
    assert peers == _peers_of("water_cannon")
    for peer in peers:  # each equally likely
        chosen = types.names.index(peer)
        assert near(float(np.mean(edits.type_index[:, 0] == chosen)), 0.3 / len(peers))
    assert edits.shift is not None
    shift = edits.shift.ravel()
    assert near(float(np.mean(shift != 0)), 0.4)
    assert set(np.unique(shift)) == {-3, -2, -1, 0, 1, 2, 3}
    for days in (-3, -1, 2, 3):
        assert abs(float(np.mean(shift == days)) - 0.4 / 6) <= 5 * math.sqrt(0.07 / (2 * n))
    # Decisions are independent of each other: recoding does not follow omission.
    both = float(np.mean((sure == 0) & recoded))
    assert abs(both - 0.1 * 0.3) <= 5 * math.sqrt(0.03 / n)


def test_random_numbers_depend_on_draw_and_event_only() -> None:
    draws, items = np.arange(50), np.array([3, 8, 1_000_000_007, 2**39])
    every = uncertainty._random_bits(12345, 0, draws, items)
    some = uncertainty._random_bits(12345, 0, draws[10:20], items[[1, 3]])
    np.testing.assert_array_equal(some, every[10:20][:, [1, 3]])
    other = uncertainty._random_bits(12345, 1, draws, items)  # another stream
    assert not np.any(other == every)
    # The high 32 bits of 40,000 words: uniform over 20 bins.
    words = uncertainty._random_bits(7, 0, np.arange(200), np.arange(200)).ravel()
    counts = np.bincount((words >> np.uint64(32)).astype(np.int64) * 20 >> 32, minlength=20)
    assert (np.abs(counts - 2000) < 5 * math.sqrt(2000)).all()


def test_no_noise_through_the_kernel_gives_the_central_value(
    events: list[dict[str, object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Recomputed with nothing drawn, every quantile is the index, for every kernel.
    configs = [
        {"half_life": 5},
        {"half_life": 5, "aggregation": "mean"},
        {"aggregation": "share"},
        {"kernel": "window", "window": 3},
        {"kernel": "window", "window": 3, "aggregation": "kernel_mean"},
        {"half_life": 5, "category_half_lives": {"gray_zone": 2.0}},
    ]
    monkeypatch.setattr(uncertainty, "_sums_events", lambda chosen: False)
    for overrides in configs:
        bands = sensitivity(ti.score(events, **overrides), draws=5, start="2024-03-03", **NOTHING)
        assert bands.attrs["tensionindex"]["sensitivity"]["method"] == "recomputed"
        for q in ("q05", "q95"):
            np.testing.assert_allclose(bands[f"tension_{q}"], bands["tension"], atol=1e-12)
            np.testing.assert_allclose(bands[f"stability_{q}"], bands["stability"], atol=1e-10)


def test_events_spread_over_their_month() -> None:
    spread = [
        event("2024-03", "water_cannon"),
        event("2024-03-20", "protest_lodged", "PHL", "CHN"),
    ]
    scored = ti.score(spread, imprecise_dates="spread", half_life=10)
    still = sensitivity(scored, draws=5, half_life_range=(10.0, 10.0), **NOTHING)
    assert still.attrs["tensionindex"]["sensitivity"]["method"] == "recomputed"
    np.testing.assert_allclose(still["tension_q95"], still["tension"], atol=1e-12)
    bands = sensitivity(scored, draws=200)
    assert (bands["tension_q05"] <= bands["tension_q50"]).all()
    assert (bands["tension_q50"] <= bands["tension_q95"]).all()
    assert (bands["tension_q95"] > bands["tension_q05"]).any()


@pytest.mark.parametrize("neutral", ["zero", "dyad", "source"])
def test_every_event_missed_is_the_index_without_events(
    events: list[dict[str, object]], neutral: str
) -> None:
    bands = sensitivity(
        events, draws=20, quantiles=(0.0, 1.0), omission=1.0, duplication=0.0, neutral=neutral
    )
    for q in ("q00", "q100"):
        assert (bands[f"tension_{q}"] == 0.0).all()
        assert (bands[f"stability_{q}"] == 50.0).all()


def test_duplication_alone_only_adds() -> None:
    # Conflict events counted once or twice: never below the index, never above double.
    conflict = [
        event("2024-03-01"),
        event("2024-03-03", "ramming"),
        event("2024-03-03", "protest_lodged", "PHL", "CHN"),
    ]
    bands = sensitivity(
        conflict,
        draws=300,
        quantiles=(0.0, 0.5, 1.0),
        half_life=2,
        **{**NOTHING, "duplication": 0.5},
    )
    assert (bands["tension_q00"] >= bands["tension"] - 1e-12).all()
    assert (bands["tension_q100"] <= 2 * bands["tension"] + 1e-12).all()
    assert (bands["tension_q100"] > bands["tension"]).all()
    one = sensitivity(
        [event("2024-03-01")],
        draws=300,
        quantiles=(0.0, 0.25, 1.0),
        **{**NOTHING, "duplication": 0.5},
    )
    assert (one["tension_q00"].iat[0], one["tension_q100"].iat[0]) == (7.0, 14.0)


def test_a_confidence_is_the_chance_the_event_counts() -> None:
    # Confidence 0.5: the index counts half the water cannon; each draw all of it or none.
    doubtful = [event("2024-03-01", confidence=0.5)]
    bands = sensitivity(
        doubtful,
        draws=2000,
        quantiles=(0.0, 0.4, 0.6, 1.0),
        **{**NOTHING, "confidence_draws": True},
    )
    assert bands["tension"].iat[0] == 3.5
    got = bands[["tension_q00", "tension_q40", "tension_q60", "tension_q100"]].iloc[0]
    assert list(got) == [0.0, 0.0, 7.0, 7.0]


def test_a_recoded_event_takes_a_peer_of_its_category() -> None:
    # Water cannon among the analyst gray-zone types: its peers' weights, from least to most.
    weights = ti.IndexConfig().resolve(sorted(_peers_of("water_cannon"))).weight
    bands = sensitivity(
        [event("2024-03-01")],
        draws=400,
        quantiles=(0.0, 1.0),
        **{**NOTHING, "recoding": 1.0},
    )
    ends = (bands["tension_q00"].iat[0], bands["tension_q100"].iat[0])
    assert ends == (weights.min(), weights.max())
    cameo = sensitivity(
        [event("2024-03-01", "cameo:0871")], draws=50, quantiles=(0.0, 1.0), **NOTHING
    )
    assert cameo["tension_q00"].iat[0] == cameo["tension"].iat[0]


def test_a_moved_date_counts_from_its_new_day() -> None:
    # Half-life 1: moved 1 or 2 days earlier it has decayed to 3.5 or 1.75 on its day;
    # moved later it does not count yet.
    bands = sensitivity(
        [event("2024-03-05")],
        draws=400,
        start="2024-03-05",
        end="2024-03-05",
        quantiles=(0.0, 0.4, 0.6, 1.0),
        half_life=1,
        **{**NOTHING, "date_shift": 1.0, "shift_days": 2},
    )
    row = bands.iloc[0]
    assert row["tension"] == 7.0
    assert (row["tension_q00"], row["tension_q40"]) == (0.0, 0.0)
    assert row["tension_q60"] in (1.75, 3.5) and row["tension_q100"] == 3.5


def test_weight_ranges() -> None:
    one = [event("2024-03-01")]
    ranged = {"water_cannon": (6.0, 10.0)}
    # The linear path: weights from the range, mirrored about its middle, 8.
    linear = sensitivity(
        one, draws=2001, quantiles=(0.0, 0.5, 1.0), weight_ranges=ranged, **WEIGHTS_ONLY
    )
    row = linear.iloc[0]
    assert row["tension"] == 7.0 and row["tension_q50"] == 8.0
    assert row["tension_q00"] == pytest.approx(6.0, abs=0.01)
    assert row["tension_q100"] == pytest.approx(10.0, abs=0.01)
    recomputed = sensitivity(
        one,
        draws=2000,
        quantiles=(0.0, 1.0),
        weight_ranges={"Water_Cannon": (6.0, 10.0)},  # spelled as any event type is
        half_life_range=(30.0, 30.0),
        **NO_EVENT_NOISE,
    )
    assert recomputed["tension_q00"].iat[0] == pytest.approx(6.0, abs=0.01)
    assert recomputed["tension_q100"].iat[0] == pytest.approx(10.0, abs=0.01)
    assert recomputed.attrs["tensionindex"]["sensitivity"]["weight_ranges"] == {
        "water_cannon": [6.0, 10.0]
    }
    # Types without a range vary by spread.
    two = [event("2024-03-01"), event("2024-03-01", "ramming")]
    both = sensitivity(
        two, spread=0.0, draws=50, quantiles=(0.0, 1.0), weight_ranges=ranged, **WEIGHTS_ONLY
    )
    assert both["tension_q00"].iat[0] == pytest.approx(6.0 + 9.2, abs=0.1)


def test_a_default_range_table_applies_where_the_weight_lies_inside(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(uncertainty, "DEFAULT_WEIGHT_RANGES", {"water_cannon": (6.0, 10.0)})
    one = [event("2024-03-01")]
    bands = sensitivity(one, spread=0.0, draws=101, quantiles=(0.5,), **WEIGHTS_ONLY)
    assert bands["tension_q50"].iat[0] == 8.0  # the middle of the table's range
    # A weight the configuration moved out of the range falls back to spread (0 here).
    moved = sensitivity(
        one, spread=0.0, draws=101, quantiles=(0.5,), weights={"water_cannon": 12.0}, **WEIGHTS_ONLY
    )
    assert moved["tension_q50"].iat[0] == 12.0
    assert moved.attrs["tensionindex"]["sensitivity"]["weight_ranges"] == {}


def test_the_default_ranges_are_the_analyst_tables() -> None:
    table = ti.taxonomy(source="analyst").set_index("event_type")
    ranged = table.dropna(subset=["weight_low", "weight_high"])
    assert len(ranged) > 50
    assert dict(uncertainty.DEFAULT_WEIGHT_RANGES) == {
        name: (row["weight_low"], row["weight_high"]) for name, row in ranged.iterrows()
    }
    # Used by default: one water cannon (7, range 6 to 8.5) spans the published range.
    bands = sensitivity([event("2024-03-01")], draws=2001, quantiles=(0.0, 1.0), **WEIGHTS_ONLY)
    low, high = uncertainty.DEFAULT_WEIGHT_RANGES["water_cannon"]
    assert bands["tension_q00"].iat[0] == pytest.approx(low, abs=0.02)
    assert bands["tension_q100"].iat[0] == pytest.approx(high, abs=0.02)
    ranges = bands.attrs["tensionindex"]["sensitivity"]["weight_ranges"]
    assert ranges["water_cannon"] == [low, high]


def test_half_life_range() -> None:
    # One water cannon 10 days on: 7 * 2 ** (-10 / h), h log-uniform on [20, 40].
    bands = sensitivity(
        [event("2024-03-01")],
        draws=2000,
        end="2024-03-11",
        quantiles=(0.0, 0.5, 1.0),
        half_life=30,
        half_life_range=(20.0, 40.0),
        **NOTHING,
    )
    last = bands.iloc[-1]
    assert last["tension_q00"] == pytest.approx(7 * 2 ** (-10 / 20), rel=1e-3)
    assert last["tension_q100"] == pytest.approx(7 * 2 ** (-10 / 40), rel=1e-3)
    assert last["tension_q50"] == pytest.approx(7 * 2 ** (-10 / math.sqrt(800)), rel=1e-2)
    assert bands.iloc[0]["tension_q00"] == 7.0  # the day itself: no decay yet


def test_scale_range_moves_only_the_stability(events: list[dict[str, object]]) -> None:
    bands = sensitivity(events, draws=400, scale_range=(5.0, 20.0), **WEIGHTS_ONLY)
    plain = sensitivity(events, draws=400, **WEIGHTS_ONLY)
    for q in ("q05", "q50", "q95"):
        np.testing.assert_array_equal(bands[f"tension_{q}"], plain[f"tension_{q}"])
    assert (
        (bands["stability_q95"] - bands["stability_q05"])
        >= (plain["stability_q95"] - plain["stability_q05"]) - 1e-9
    ).all()
    # With the weights fixed, the stability moves between S(T / 5) and S(T / 20).
    fixed = sensitivity(
        events, draws=400, spread=0.0, scale_range=(5.0, 20.0), quantiles=(0.0, 1.0), **SPREAD_ONLY
    )
    tension = fixed["tension"].to_numpy()
    ends = np.sort([100 / (1 + np.exp(tension / 5)), 100 / (1 + np.exp(tension / 20))], axis=0)
    assert (ends[0] - 1e-9 <= fixed["stability_q00"]).all()
    assert (fixed["stability_q100"] <= ends[1] + 1e-9).all()
    np.testing.assert_allclose(fixed["stability_q00"], ends[0], atol=0.5)
    np.testing.assert_allclose(fixed["stability_q100"], ends[1], atol=0.5)


def test_seeded(events: list[dict[str, object]]) -> None:
    for noise in ({}, WEIGHTS_ONLY):
        first = sensitivity(events, draws=100, seed=11, **noise)
        pd.testing.assert_frame_equal(first, sensitivity(events, draws=100, seed=11, **noise))
        other = sensitivity(events, draws=100, seed=12, **noise)
        assert not np.allclose(first["tension_q05"], other["tension_q05"])
        generator = sensitivity(events, draws=100, seed=np.random.default_rng(11), **noise)
        pd.testing.assert_frame_equal(first, generator, check_like=False, check_exact=False)
        fresh = sensitivity(events, draws=100, seed=None, **noise)
        assert (fresh["tension_q05"] <= fresh["tension_q50"]).all()
        assert (fresh["tension_q50"] <= fresh["tension_q95"]).all()


def test_blocks_do_not_change_the_result(
    events: list[dict[str, object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    scored = ti.score(events)
    whole = sensitivity(scored, draws=64, **WEIGHTS_ONLY)
    noisy = sensitivity(scored, draws=24, half_life_range=(20.0, 40.0))
    monkeypatch.setattr(uncertainty, "_BLOCK_FLOATS", 32 * 3)  # three cells a block
    pd.testing.assert_frame_equal(whole, sensitivity(scored, draws=64, **WEIGHTS_ONLY), rtol=1e-12)
    # Tiles of one day of one dyad, blocks of one draw: the same draws, to rounding.
    monkeypatch.setattr(uncertainty, "_WORKING_FLOATS", 1)
    cut = sensitivity(scored, draws=24, half_life_range=(20.0, 40.0))
    pd.testing.assert_frame_equal(noisy, cut, rtol=1e-9, atol=1e-12)


def test_a_dyad_has_the_same_bands_alone(events: list[dict[str, object]]) -> None:
    scored = ti.score(events)
    every = sensitivity(scored, draws=50)
    alone = sensitivity(scored, draws=50, dyads="CHN-USA")
    mine = every[every["dyad"] == "CHN-USA"].reset_index(drop=True)
    mine["dyad"] = mine["dyad"].astype(str)
    alone["dyad"] = alone["dyad"].astype(str)
    pd.testing.assert_frame_equal(mine, alone, check_exact=True)


def test_recoding_among_more_than_127_types() -> None:
    # pandas codes the event types in int8: a recoded event must reach the types
    # after the 127th (the 57 + 107 peers of cameo:01 and cameo:10 come first here).
    frame = pd.DataFrame(
        [event("2018-01-01", "ministerial_talks", "USA", "CHN") for _ in range(6)]
        + [event("2018-01-14", "cameo:01", "USA", "PHL"), event("2018-01-14", "cameo:10")]
    )
    scored = ti.score(frame, kernel="window", window=1)
    plan = uncertainty._plan(
        scored,
        spread=0.0,
        event_noise=True,
        omission=0.0,
        duplication=0.0,
        recoding=1.0,
        date_shift=0.0,
        shift_days=3,
        confidence_draws=False,
        weight_ranges=None,
        half_life_range=None,
        scale_range=None,
    )
    types = uncertainty._types(scored, plan)
    talks = types.peer_ids[types.peer_start[2] : types.peer_start[2] + types.n_peers[2]]
    assert types.names[2] == "ministerial_talks" and talks.min() > 127
    edits = uncertainty._edits(
        plan, types, 5, np.arange(200), np.arange(6), scored.type_code[:6], None
    )
    dialogue = {t for t in ti.taxonomy().query("category == 'dialogue'")["event_type"]}
    recoded = {types.names[t] for t in np.unique(edits.type_index)}
    assert recoded <= dialogue - {"ministerial_talks"} and len(recoded) == 8
    every = sensitivity(scored, draws=7, seed=0)
    alone = sensitivity(scored, draws=7, seed=0, dyads="CHN-USA")
    mine = every[every["dyad"] == "CHN-USA"].reset_index(drop=True)
    np.testing.assert_array_equal(mine["tension_q05"], alone["tension_q05"])


def test_the_events_widen_the_bands_on_the_example() -> None:
    # The measurement of the issue: CHN-USA on 2023-11-15, 90 % bands of the stability
    # (docs/_uncertainty_example.py prints the figures of docs/uncertainty.md).
    scored = ti.score(ti.load_example("us-china-2024"))
    weights = sensitivity(scored, dyads="CHN-USA", **WEIGHTS_ONLY)
    both = sensitivity(scored, dyads="CHN-USA")
    day = weights["date"] == "2023-11-15"
    low, high = weights.loc[day, ["stability_q05", "stability_q95"]].iloc[0]
    wide_low, wide_high = both.loc[day, ["stability_q05", "stability_q95"]].iloc[0]
    assert wide_low < low < high < wide_high
    assert (wide_high - wide_low) > 3 * (high - low)
    # ... and on every day with tension, in the mean.
    moving = weights["tension"] != 0
    width = (weights["tension_q95"] - weights["tension_q05"])[moving].mean()
    wider = (both["tension_q95"] - both["tension_q05"])[moving].mean()
    assert wider > 2 * width


# -- sensitivity under neutral="dyad" and "source": every draw rebuilt and scored again ----

#: Configurations whose baselines are made of other events, with settings of the draws.
RESCORED: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({"neutral": "dyad", "half_life": 5}, {}),
    (
        {"neutral": "dyad", "neutral_days": 3, "half_life": 5},
        {"spread": 0.6, "omission": 0.3, "duplication": 0.3, "shift_days": 5},
    ),
    ({"neutral": "dyad", "half_life": 5, "aggregation": "kernel_mean"}, {}),
    ({"neutral": "dyad", "half_life": 5, "aggregation": "mean"}, {"recoding": 0.6}),
    ({"neutral": "dyad", "kernel": "window", "window": 4, "aggregation": "kernel_mean"}, {}),
    ({"neutral": "dyad", "half_life": 5, "category_half_lives": {"gray_zone": 2.0}}, {}),
    ({"neutral": "dyad", "kernel": "carryover", "bound": 8.0}, {"event_noise": False}),
    ({"neutral": "source", "half_life": 5}, {}),
    ({"neutral": "source", "half_life": 5, "aggregation": "kernel_mean"}, {"recoding": 0.5}),
    ({"neutral": "source", "half_life": 5, "aggregation": "mean", "use_confidence": False}, {}),
    ({"neutral": "source", "half_life": 5}, {"event_noise": False}),
]


def _drawn(
    scored: ti.ScoredEvents, draws: int, seed: int, start: str, end: str, **settings: Any
) -> np.ndarray:
    """Every draw's tension, ``(draws, dyads x days)``, as sensitivity computes it (one tile)."""
    plan = uncertainty._plan(scored, **{**DEFAULTS, **settings})
    key = int(np.random.default_rng(seed).integers(0, 2**64, dtype=np.uint64))
    drawing = uncertainty._drawing(scored, scored, plan, key, draws)
    grid = scored.grid(start, end)
    assert grid is not None
    tile = uncertainty._Tile(0, len(scored.labels), grid.first_day, grid.n_days, 0)
    return drawing.tension(tile, drawing.picked(tile), np.arange(draws))


@pytest.mark.parametrize(("overrides", "settings"), RESCORED)
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_a_rescored_draw_is_the_index_of_its_events(
    events: list[dict[str, object]], overrides: dict[str, Any], settings: dict[str, Any]
) -> None:
    # Bit for bit: each draw's rows are scored as stability_index scores the same rows
    # written out (the grid starts after the first events: they enter through the carry).
    start, end = "2024-03-03", "2024-03-12"
    runs, _ = _event_runs(events, 10, 4, start, end, overrides, **settings)
    got = _drawn(ti.score(events, **overrides), 10, 4, start, end, **settings)
    np.testing.assert_array_equal(got, runs)
    assert np.ptp(runs, axis=0).max() > 0  # the draws differ: not the central value ten times


@pytest.mark.parametrize("neutral", ["dyad", "source"])
def test_a_rescored_draw_with_its_own_half_life(
    events: list[dict[str, object]], neutral: str
) -> None:
    # Each draw's half-life runs through one recursion with a rate per draw: to rounding.
    overrides, settings = {"neutral": neutral, "half_life": 5}, {"half_life_range": (3.0, 9.0)}
    start, end = "2024-03-03", "2024-03-12"
    runs, _ = _event_runs(events, 10, 4, start, end, overrides, **settings)
    got = _drawn(ti.score(events, **overrides), 10, 4, start, end, **settings)
    np.testing.assert_allclose(got, runs, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("neutral", ["dyad", "source"])
def test_a_rescored_draw_under_share_divides_by_the_days_records(
    events: list[dict[str, object]], neutral: str
) -> None:
    # The source's records of each day: missing or doubling an event does not change them.
    records = pd.Series(np.arange(2, 14), index=pd.date_range("2024-03-01", "2024-03-12"))
    overrides = {"neutral": neutral, "half_life": 5, "aggregation": "share"}
    start, end = "2024-03-03", "2024-03-12"
    runs, _ = _event_runs(events, 10, 4, start, end, overrides, coverage=records, date_shift=0.0)
    scored = ti.score(events, coverage=records, **overrides)
    got = _drawn(scored, 10, 4, start, end, date_shift=0.0)
    np.testing.assert_array_equal(got, runs)


def test_a_moved_event_keeps_the_share_of_its_recorded_day() -> None:
    # Four records on 1 March, one on 2 March, none on 29 February: the water cannon
    # counts 7/4 wherever a draw moves it (stability_index would refuse 29 February).
    records = pd.Series([4, 1], index=pd.to_datetime(["2024-03-01", "2024-03-02"]))
    bands = sensitivity(
        [event("2024-03-01")],
        draws=200,
        quantiles=(0.0, 1.0),
        coverage=records,
        end="2024-03-02",
        neutral="dyad",
        aggregation="share",
        **{**NOTHING, "date_shift": 1.0, "shift_days": 1},
    )
    assert bands.attrs["tensionindex"]["sensitivity"]["method"] == "rescored"
    second = bands.iloc[1]
    assert second["tension"] == pytest.approx(7 / 4 * 2 ** (-1 / 30), rel=1e-12)
    assert second["tension_q100"] == pytest.approx(7 / 4, rel=1e-12)
    assert second["tension_q00"] == pytest.approx(7 / 4 * 2 ** (-2 / 30), rel=1e-12)


def test_a_missed_event_changes_the_baseline_of_the_next() -> None:
    # Two water cannons a day apart, half-life 1: the second is its dyad's usual (7 - 7 = 0)
    # while the first is there; a draw that misses the first counts the second in full.
    # Multiplicities alone (neutral="zero") would never give more than 3.5 on 2 March.
    two = [event("2024-03-01"), event("2024-03-02")]
    bands = sensitivity(
        two,
        draws=200,
        quantiles=(0.0, 1.0),
        half_life=1,
        neutral="dyad",
        **{**NOTHING, "omission": 0.5},
    )
    second = bands.iloc[1]
    assert second["tension"] == pytest.approx(3.5)
    assert (second["tension_q00"], second["tension_q100"]) == pytest.approx((0.0, 7.0))


@pytest.mark.parametrize(
    "overrides",
    [
        {"neutral": "dyad", "half_life": 5},
        {"neutral": "dyad", "half_life": 5, "aggregation": "mean"},
        {"neutral": "dyad", "aggregation": "share"},
        {"neutral": "dyad", "kernel": "window", "window": 3, "aggregation": "kernel_mean"},
        {"neutral": "source", "half_life": 5, "aggregation": "kernel_mean"},
        {"neutral": "source", "half_life": 5, "category_half_lives": {"gray_zone": 2.0}},
        {"neutral": "source", "kernel": "carryover", "bound": 8.0},
    ],
)
def test_rescored_with_nothing_drawn_is_the_index(
    events: list[dict[str, object]], overrides: dict[str, Any]
) -> None:
    bands = sensitivity(ti.score(events, **overrides), draws=5, start="2024-03-03", **NOTHING)
    assert bands.attrs["tensionindex"]["sensitivity"]["method"] == "rescored"
    for q in ("q05", "q95"):
        np.testing.assert_array_equal(bands[f"tension_{q}"], bands["tension"])
        np.testing.assert_array_equal(bands[f"stability_{q}"], bands["stability"])


@pytest.mark.parametrize("neutral", ["dyad", "source"])
def test_rescored_bands_do_not_depend_on_tiles_blocks_or_dyads(
    events: list[dict[str, object]], neutral: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scored = ti.score(events, neutral=neutral, aggregation="kernel_mean", scale="auto")
    whole = sensitivity(scored, draws=24, seed=3)
    pd.testing.assert_frame_equal(whole, sensitivity(scored, draws=24, seed=3), check_exact=True)
    assert not np.allclose(
        whole["tension_q05"], sensitivity(scored, draws=24, seed=4)["tension_q05"]
    )
    alone = sensitivity(scored, draws=24, seed=3, dyads="CHN-USA")
    mine = whole[whole["dyad"] == "CHN-USA"].reset_index(drop=True)
    mine["dyad"] = mine["dyad"].astype(str)
    alone["dyad"] = alone["dyad"].astype(str)
    # A dyad's baselines are the same alone (to rounding: the sums run over fewer rows).
    pd.testing.assert_frame_equal(mine, alone, rtol=1e-9, atol=1e-12)
    # Tiles of three cells, blocks of one draw: the same draws.
    monkeypatch.setattr(uncertainty, "_BLOCK_FLOATS", 24 * 3)
    monkeypatch.setattr(uncertainty, "_WORKING_FLOATS", 1)
    pd.testing.assert_frame_equal(
        whole, sensitivity(scored, draws=24, seed=3), rtol=1e-9, atol=1e-12
    )


def test_rescored_provenance_says_why(events: list[dict[str, object]]) -> None:
    settings = sensitivity(ti.score(events, neutral="dyad"), draws=5).attrs["tensionindex"][
        "sensitivity"
    ]
    assert settings["method"] == "rescored"
    assert settings["method_reason"].startswith("neutral='dyad': an event's baseline is made of")
    plain = sensitivity(ti.score(events), draws=5).attrs["tensionindex"]["sensitivity"]
    assert plain["method"] == "recomputed" and "per-event" not in plain["method_reason"]


def test_influence_refuses_a_baseline_made_of_other_events(
    events: list[dict[str, object]],
) -> None:
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"weight_influence needs neutral='zero': with neutral='dyad' each event's signal "
        r"is measured from a baseline made of the other events' weights, so the tension does "
        r"not split into one part per event type\. Score with neutral='zero' for this "
        r"analysis; sensitivity takes any neutral\.",
    ):
        weight_influence(ti.score(events, neutral="dyad"), "CHN-PHL", "2024-03-05")
    with pytest.raises(ti.InvalidParameterError, match=r"with neutral='source' each event's"):
        weight_influence(events, "CHN-PHL", "2024-03-05", neutral="source")


# -- the command line on coded data (its recommended neutral="dyad", kernel_mean) -----------

#: Real GDELT rows (excerpts of the Georgia files, tests/data/README.md).
GEORGIA = sorted(str(p) for p in (Path(__file__).parent / "data").glob("georgia_*.csv"))
#: The real ICEWS sample beside the repository (not shipped: research licence).
ICEWS_SAMPLE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "icews"
ICEWS_SAMPLE = ICEWS_SAMPLE / "events.2018.sample.tab"
CODED = {"aggregation": "kernel_mean", "neutral": "dyad", "scale": "auto"}
#: Every digit in the command line's CSV (it rounds to 4 decimal places by default).
DIGITS = ["--digits", "15"]


def _command_line(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[pd.DataFrame, str]:
    status = main(args)
    out, err = capsys.readouterr()
    assert status == 0, err
    return pd.read_csv(io.StringIO(out), parse_dates=["date"]), err


def test_the_command_line_on_coded_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert GEORGIA, "tests/data/georgia_*.csv are part of the repository"
    table, err = _command_line(
        ["sensitivity", "--format", "gdelt", *GEORGIA, "--draws", "40", "--seed", "5", *DIGITS],
        capsys,
    )
    assert "using the recommended aggregation=kernel_mean, neutral=dyad, scale=auto" in err
    events = ti.read_gdelt(GEORGIA, deduplicate="one_a_day")
    scored = ti.score(events, coverage=ti.read_report(events).coverage, **CODED)
    expected = sensitivity(scored, draws=40, seed=5)
    assert expected.attrs["tensionindex"]["sensitivity"]["method"] == "rescored"
    assert list(table.columns) == list(expected.columns)
    assert len(table) == len(expected) == 5 * 83
    for column in expected.columns[2:]:
        np.testing.assert_allclose(table[column], expected[column], rtol=1e-9, atol=1e-12)
    assert (table["tension_q05"] <= table["tension_q95"]).all()
    assert (table["tension_q95"] > table["tension_q05"]).any()


@pytest.mark.skipif(
    not ICEWS_SAMPLE.is_file(), reason="needs ../shared/data/icews (the real ICEWS sample)"
)
def test_the_command_line_on_the_icews_sample(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["sensitivity", "--format", "icews", str(ICEWS_SAMPLE), "--dyad", "PRK-USA"]
    table, _ = _command_line([*args, "--draws", "30", *DIGITS], capsys)
    # Read as the command line reads it: that dyad's events only (so is the automatic scale).
    events = ti.read_icews(ICEWS_SAMPLE, deduplicate="one_a_day", dyads=["PRK-USA"])
    scored = ti.score(events, coverage=ti.read_report(events).coverage, **CODED)
    expected = sensitivity(scored, dyads="PRK-USA", draws=30, seed=0)
    assert len(table) == len(expected) > 0
    np.testing.assert_allclose(table["stability_q95"], expected["stability_q95"], rtol=1e-9)
    assert (table["stability_q95"] > table["stability_q05"]).all()


def test_quantile_column_names(events: list[dict[str, object]]) -> None:
    bands = sensitivity(events, draws=10, quantiles=(0.975, 0.025, 0.001, 1))
    assert list(bands.columns[4:]) == [
        "tension_q97_5",
        "tension_q02_5",
        "tension_q00_1",
        "tension_q100",
        "stability_q97_5",
        "stability_q02_5",
        "stability_q00_1",
        "stability_q100",
    ]


def test_settings_pass_through(events: list[dict[str, object]]) -> None:
    scored = ti.score(events)
    bands = sensitivity(
        scored, draws=10, dyads="usa-china", start="2024-03-03", end="2024-03-12", half_life=3
    )
    assert set(bands["dyad"].astype(str)) == {"CHN-USA"}
    assert bands["date"].min() == pd.Timestamp("2024-03-03")
    assert bands["date"].max() == pd.Timestamp("2024-03-12")
    plain = ti.stability_index(
        events, dyads="CHN-USA", start="2024-03-03", end="2024-03-12", half_life=3
    )
    np.testing.assert_allclose(bands["tension"], plain["tension"], rtol=1e-12, atol=1e-12)
    config = ti.IndexConfig(weights={"water_cannon": 20.0})
    assert sensitivity(scored, config, draws=10)["tension"].max() > bands["tension"].max()
    several = sensitivity(scored, draws=10, dyads=["CHN-USA", "CHN-PHL"])
    assert set(several["dyad"].astype(str)) == {"CHN-USA", "CHN-PHL"}


def test_no_events() -> None:
    for noise in ({}, WEIGHTS_ONLY):
        bands = sensitivity(ti.score([]), draws=10, **noise)
        assert len(bands) == 0
        assert list(bands.columns[:4]) == ["dyad", "date", "tension", "stability"]
        assert len(bands.columns) == 10
        assert bands["date"].dtype == "datetime64[ns]" and bands["tension_q05"].dtype == float


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"spread": -0.1},
            r"The 'spread' parameter of sensitivity must be a finite number from 0 to 1\. "
            r"Got -0\.1 instead\.",
        ),
        ({"spread": 1.5}, r"'spread' .* Got 1\.5 instead"),
        ({"spread": math.nan}, r"'spread' .* Got nan instead"),
        ({"spread": "0.2"}, r"'spread' .* Got '0\.2' instead"),
        ({"spread": True}, r"'spread' .* Got True instead"),
        (
            {"draws": 0},
            r"The 'draws' parameter of sensitivity must be an integer from 1 to 100000\. "
            r"Got 0 instead\.",
        ),
        # Refused at once, before 7.5 GiB of draws is allocated.
        ({"draws": 10**9}, r"'draws' .* from 1 to 100000\. Got 1000000000 instead"),
        ({"draws": uncertainty.MAX_DRAWS + 1}, r"'draws' .* Got 100001 instead"),
        ({"draws": 2.5}, r"'draws' .* Got 2\.5 instead"),
        ({"draws": True}, r"'draws' .* Got True instead"),
        (
            {"quantiles": ()},
            r"The 'quantiles' parameter of sensitivity must be a non-empty "
            r"sequence of distinct numbers from 0 to 1\. Got \(\) instead\.",
        ),
        ({"quantiles": (0.5, 1.2)}, r"'quantiles' .* Got \(0\.5, 1\.2\) instead"),
        ({"quantiles": 0.5}, r"'quantiles' .* Got 0\.5 instead"),
        ({"quantiles": "0.5"}, r"'quantiles' .* Got '0\.5' instead"),
        ({"quantiles": (0.1, 0.1)}, r"'quantiles' .* distinct .* Got \(0\.1, 0\.1\) instead"),
        (
            {"seed": -1},
            r"The 'seed' parameter of sensitivity must be an integer >= 0 or a numpy "
            r"Generator or None\. Got -1 instead\.",
        ),
        ({"seed": "a"}, r"'seed' .* Got 'a' instead"),
        ({"dyads": 42}, r"The 'dyads' parameter of sensitivity must be a dyad .* Got 42"),
        ({"start": "someday"}, r"The 'start' parameter of sensitivity must be a date"),
        ({"config": "goldstein"}, r"'config' .* must be an IndexConfig or None"),
        ({"halflife": 3}, r"Unknown setting 'halflife'\. Did you mean 'half_life'\?"),
        (
            {"omission": -0.1},
            r"The 'omission' parameter of sensitivity must be a finite number from 0 to 1\. "
            r"Got -0\.1 instead\.",
        ),
        ({"duplication": 1.1}, r"'duplication' .* from 0 to 1\. Got 1\.1 instead"),
        ({"recoding": "often"}, r"'recoding' .* Got 'often' instead"),
        ({"date_shift": math.inf}, r"'date_shift' .* Got inf instead"),
        (
            {"omission": 0.6, "duplication": 0.5},
            r"The 'duplication' parameter of sensitivity must be at most 1 - omission = 0\.4 "
            r"\(an event is either missed, counted twice or counted once\)\. Got 0\.5 instead\.",
        ),
        (
            {"shift_days": 0},
            r"The 'shift_days' parameter of sensitivity must be an integer from 1 to 365\. "
            r"Got 0 instead\.",
        ),
        ({"shift_days": 2.5}, r"'shift_days' .* Got 2\.5 instead"),
        (
            {"event_noise": "yes"},
            r"The 'event_noise' parameter of sensitivity must be True or False\. "
            r"Got 'yes' instead\.",
        ),
        ({"confidence_draws": 1}, r"'confidence_draws' .* True or False\. Got 1 instead"),
        (
            {"weight_ranges": {"water_cannon": (9, 5)}},
            r"The 'weight_ranges' parameter of sensitivity must be a mapping of event type to "
            r"a \(low, high\) pair of finite weights with low <= high, or None\. Got "
            r"\{'water_cannon': \(9, 5\)\} instead\. The range of 'water_cannon', \(9, 5\), "
            r"is not a \(low, high\) pair with low <= high\.",
        ),
        ({"weight_ranges": [("water_cannon", 5, 9)]}, r"'weight_ranges' .* Got \[\("),
        ({"weight_ranges": {"water_cannon": (5, math.nan)}}, r"'weight_ranges' .* nan"),
        (
            {"weight_ranges": {"water_canon": (5, 9)}},
            r"The 'weight_ranges' parameter of sensitivity must name event types: Unknown "
            r"event type 'water_canon'\. Did you mean 'water_cannon'\?",
        ),
        (
            {"weight_ranges": {"water_cannon": (8, 9)}},
            r"The 'weight_ranges' parameter of sensitivity is \(8\.0, 9\.0\), which does not "
            r"contain the weight of 'water_cannon' in force, 7: the bands would not describe "
            r"this index\. Give a range that contains 7\.",
        ),
        (
            {"half_life_range": (0, 40)},
            r"The 'half_life_range' parameter of sensitivity must be a \(low, high\) pair of "
            r"finite numbers with 0 < low <= high, or None\. Got \(0, 40\) instead\.",
        ),
        ({"half_life_range": (40, 20)}, r"'half_life_range' .* Got \(40, 20\) instead"),
        ({"half_life_range": 30}, r"'half_life_range' .* Got 30 instead"),
        (
            {"half_life_range": (35, 40)},
            r"The 'half_life_range' parameter of sensitivity is \(35\.0, 40\.0\), which does "
            r"not contain the half-life in force, 30: .* Give a range that contains 30\.",
        ),
        ({"scale_range": (1, 5)}, r"'scale_range' .* does not contain the scale in force, 10"),
        (
            {"kernel": "window", "half_life_range": (20, 40)},
            r"The 'half_life_range' parameter of sensitivity varies the half-life of the "
            r"exponential kernel, and kernel='window' has none\. Leave half_life_range=None "
            r"with this kernel\.",
        ),
        # Under every neutral (the rescored draws) the same checks, the same messages.
        (
            {"neutral": "dyad", "kernel": "window", "half_life_range": (20, 40)},
            r"The 'half_life_range' parameter of sensitivity varies the half-life of the "
            r"exponential kernel, and kernel='window' has none\.",
        ),
        (
            {"neutral": "source", "omission": 0.6, "duplication": 0.5},
            r"The 'duplication' parameter of sensitivity must be at most 1 - omission = 0\.4 ",
        ),
        (
            {"neutral": "dyad", "weight_ranges": {"water_cannon": (8, 9)}},
            r"The 'weight_ranges' parameter of sensitivity is \(8\.0, 9\.0\), which does not "
            r"contain the weight of 'water_cannon' in force, 7",
        ),
        ({"neutral": "dyad", "draws": 0}, r"The 'draws' parameter of sensitivity must be an "),
        (
            {"neutral": "sideways"},
            r"The 'neutral' parameter of IndexConfig must be one of 'zero', 'dyad', 'source'\. "
            r"Got 'sideways' instead\.",
        ),
    ],
)
def test_sensitivity_errors(
    events: list[dict[str, object]], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ti.ConfigurationError, match=message):
        sensitivity(ti.score(events), **kwargs)  # type: ignore[arg-type]


def test_sensitivity_unknown_dyad(events: list[dict[str, object]]) -> None:
    with pytest.raises(ti.EventValidationError, match=r"No events for dyad 'JPN-USA'"):
        sensitivity(ti.score(events), dyads="JPN-USA", draws=10)


def test_the_range_constraints() -> None:
    ranges, positive = uncertainty.WeightRanges(), uncertainty.PositiveRange()
    assert ranges.accepts(None) and ranges.accepts({"cameo:190": (-10, 10.5)})
    assert not ranges.accepts({1: (1, 2)}) and not ranges.accepts({"a": (1, 2, 3)})
    assert not ranges.accepts({"a": (True, 2)}) and not ranges.accepts("water_cannon")
    assert ranges.hint({1: (1, 2)}) == " The key 1 is not an event type name."
    assert ranges.hint("x") == "" and ranges.hint({"a": (1, 2)}) == ""
    assert positive.accepts((1e-9, 1e-9)) and positive.accepts([1, 2])
    assert not positive.accepts((-1, 2)) and not positive.accepts((1, math.inf))
    for constraint in (ranges, positive):
        assert not constraint.accepts(constraint.invalid_example())


# -- weight_influence -------------------------------------------------------------


def test_influence_known_answer() -> None:
    # Half-life 30: on 31 March the water cannon (30 days old) counts 0.5 per unit of
    # weight, the protest (that day) counts 1.
    events = [event("2024-03-01"), event("2024-03-31", "protest_lodged", "PHL", "CHN")]
    weights = {"protest_lodged": 2.0, "water_cannon": 7.0}  # whatever the catalogue says
    table = weight_influence(ti.score(events, weights=weights), "PHL-CHN", "2024-03-31")
    assert list(table.columns) == list(uncertainty.INFLUENCE_COLUMNS)
    assert list(table["event_type"]) == ["protest_lodged", "water_cannon"]
    np.testing.assert_allclose(table["d_tension"], [1.0, 0.5])
    tension = 2.0 + 3.5
    stability = 100 / (1 + math.exp(tension / 10))
    slope = -stability * (100 - stability) / (100 * 10)
    np.testing.assert_allclose(table["d_stability"], [slope, 0.5 * slope])
    np.testing.assert_allclose(table["elasticity"], [2 / 5.5, 3.5 / 5.5])
    assert list(table["rank"]) == [1, 2]
    assert list(table["weight"]) == [2.0, 7.0]
    assert list(table["category"]) == ["diplomatic_friction", "gray_zone"]
    labels = ti.taxonomy().set_index("event_type")["label"]
    assert list(table["label"]) == [labels["protest_lodged"], labels["water_cannon"]]
    info = table.attrs["tensionindex"]
    assert info["dyad"] == "CHN-PHL" and info["date"] == "2024-03-31"
    assert info["tension"] == pytest.approx(5.5)
    assert info["stability"] == pytest.approx(stability)


def _stability_at(events: object, dyad: str, date: str, **overrides: object) -> tuple[float, float]:
    row = ti.stability_index(events, dyads=dyad, start=date, end=date, **overrides)  # type: ignore[arg-type]
    return float(row["tension"].iat[0]), float(row["stability"].iat[0])


def test_influence_is_a_finite_difference(events: list[dict[str, object]]) -> None:
    overrides = {"half_life": 4.0, "category_multipliers": {"gray_zone": 1.5}}
    table = weight_influence(ti.score(events), "CHN-PHL", "2024-03-09", **overrides)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(
        table,
        weight_influence(events, "CHN-PHL", "2024-03-09", **overrides),  # type: ignore[arg-type]
    )
    assert set(table["event_type"]) == {
        "water_cannon",
        "protest_lodged",
        "dialogue_resumed",
        "ramming",
    }
    for row in table.itertuples():
        base_t, _ = _stability_at(events, "CHN-PHL", "2024-03-09", **overrides)
        step = 1e-4
        up_t, up_s = _stability_at(
            events,
            "CHN-PHL",
            "2024-03-09",
            weights={row.event_type: row.weight + step},
            **overrides,
        )
        down_t, down_s = _stability_at(
            events,
            "CHN-PHL",
            "2024-03-09",
            weights={row.event_type: row.weight - step},
            **overrides,
        )
        plus_one, _ = _stability_at(
            events, "CHN-PHL", "2024-03-09", weights={row.event_type: row.weight + 1}, **overrides
        )
        assert plus_one - base_t == pytest.approx(row.d_tension, rel=1e-9, abs=1e-12)
        assert (up_t - down_t) / (2 * step) == pytest.approx(row.d_tension, rel=1e-7)
        assert (up_s - down_s) / (2 * step) == pytest.approx(row.d_stability, rel=1e-6)
    assert table["elasticity"].sum() == pytest.approx(1.0)
    ranked = table["d_stability"].abs().to_numpy()
    assert (np.diff(ranked) <= 0).all()


def test_influence_over_a_period_is_the_mean_of_the_days(
    events: list[dict[str, object]],
) -> None:
    days = pd.date_range("2024-03-02", "2024-03-09")
    scored = ti.score(events, half_life=4)
    period = weight_influence(scored, "CHN-PHL", ("2024-03-02", "2024-03-09"))
    daily = [weight_influence(scored, "CHN-PHL", d) for d in days]
    for row in period.itertuples():
        per_day = [
            t.set_index("event_type")[["d_tension", "d_stability"]]
            .reindex([row.event_type])
            .fillna(0.0)
            .iloc[0]
            for t in daily
        ]
        assert row.d_tension == pytest.approx(np.mean([p["d_tension"] for p in per_day]))
        assert row.d_stability == pytest.approx(np.mean([p["d_stability"] for p in per_day]))
    info = period.attrs["tensionindex"]
    assert (info["start"], info["end"]) == ("2024-03-02", "2024-03-09")
    plain = ti.stability_index(
        events, dyads="CHN-PHL", start="2024-03-02", end="2024-03-09", half_life=4
    )
    assert info["tension"] == pytest.approx(plain["tension"].mean())
    assert info["stability"] == pytest.approx(plain["stability"].mean())
    assert period["elasticity"].sum() == pytest.approx(1.0)


def test_influence_does_not_look_ahead(events: list[dict[str, object]]) -> None:
    before = weight_influence(ti.score(events), "CHN-PHL", "2024-03-05")
    later = [*events, event("2024-03-20", "armed_clash")]
    pd.testing.assert_frame_equal(
        before, weight_influence(ti.score(later), "CHN-PHL", "2024-03-05")
    )
    assert "ramming" not in set(before["event_type"])  # 8 March: after the date


def test_influence_zero_tension_and_empty() -> None:
    # +7 and -7 on the same day: T = 0, so the elasticity is undefined.
    events = [event("2024-03-01"), event("2024-03-01", "dialogue_resumed")]
    scored = ti.score(events)
    table = weight_influence(scored, "CHN-PHL", "2024-03-01")
    assert table["elasticity"].isna().all()
    np.testing.assert_allclose(table["d_tension"], [1.0, 1.0])
    np.testing.assert_allclose(table["d_stability"], [-2.5, -2.5])  # S'(0) = -100 / (4 * 10)
    early = weight_influence(scored, "CHN-PHL", "2024-02-01")
    assert len(early) == 0 and list(early.columns) == list(uncertainty.INFLUENCE_COLUMNS)
    assert early.attrs["tensionindex"]["tension"] == 0.0


def test_influence_directed() -> None:
    events = [event("2024-03-01"), event("2024-03-01", "protest_lodged", "PHL", "CHN")]
    table = weight_influence(ti.score(events), "CHN->PHL", "2024-03-01", directed=True)
    assert list(table["event_type"]) == ["water_cannon"]
    assert table.attrs["tensionindex"]["dyad"] == "CHN->PHL"
    scored = ti.score(events, directed=True)
    pd.testing.assert_frame_equal(
        table, weight_influence(scored, "China->Philippines", "2024-03-01")
    )


def test_influence_reads_only_its_dyad(events: list[dict[str, object]]) -> None:
    # Other dyads' events change nothing, and a selection of the scored events suffices.
    scored = ti.score(events)
    table = weight_influence(scored, "CHN-PHL", "2024-03-09")
    alone = scored.select("CHN-PHL")
    pd.testing.assert_frame_equal(table, weight_influence(alone, "CHN-PHL", "2024-03-09"))


@pytest.mark.parametrize(
    ("dyad", "date", "error", "message"),
    [
        ("JPN-USA", "2024-03-05", ti.EventValidationError, r"No events for dyad 'JPN-USA'"),
        (
            ["CHN-PHL"],
            "2024-03-05",
            ti.InvalidParameterError,
            r"The 'dyad' parameter of weight_influence must be a dyad such as 'CHN-USA' "
            r"\(or 'USA->CHN' when directed\)\. Got \['CHN-PHL'\] instead\.",
        ),
        (
            "CHN-PHL",
            "someday",
            ti.InvalidParameterError,
            r"The 'date' parameter of weight_influence must be a date such as '2024-04-16', "
            r"from 1678-01-01 to 2261-12-31 or a \(start, end\) pair of dates\. "
            r"Got 'someday' instead\.",
        ),
        (
            "CHN-PHL",
            ("2024-03-09", "2024-03-01"),
            ti.InvalidParameterError,
            r"The 'date' parameter of weight_influence must be a \(start, end\) pair with "
            r"start <= end\. Got \('2024-03-09', '2024-03-01'\) instead\.",
        ),
        (
            "CHN-PHL",
            ("2024-03-01", "2024-03-02", "2024-03-03"),
            ti.InvalidParameterError,
            r"or a \(start, end\) pair of dates\. Got \('2024-03-01', '2024-03-02', "
            r"'2024-03-03'\) instead\.",
        ),
        (
            "CHN-PHL",
            ("2024-03-01", "later"),
            ti.InvalidParameterError,
            r"or a \(start, end\) pair of dates\. Got \('2024-03-01', 'later'\) instead\.",
        ),
    ],
)
def test_influence_errors(
    events: list[dict[str, object]],
    dyad: object,
    date: object,
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        weight_influence(ti.score(events), dyad, date)  # type: ignore[arg-type]
