"""sensitivity() and weight_influence(): known answers, a brute-force oracle, every error.

Both take scored events (``ti.score(events)``) and, for the one-line path, raw
events.  The oracle for the bands reruns :func:`stability_index` once per draw
with the perturbed weights written into the configuration (no linearity used);
the oracle for the derivatives is a finite difference of
:func:`stability_index`.  Invariants on generated events are in
tests/properties/test_uncertainty_properties.py.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti
from tensionindex.analysis import uncertainty
from tensionindex.analysis.uncertainty import sensitivity, weight_influence
from tensionindex.testing import event


@pytest.fixture
def events() -> list[dict[str, object]]:
    # Default weights: water_cannon 7, protest_lodged 2, dialogue_resumed -7, ramming 9.2.
    return [
        event("2024-03-01"),
        event("2024-03-04", "protest_lodged", "PHL", "CHN", intensity=2, confidence=0.5),
        event("2024-03-06", "dialogue_resumed"),
        event("2024-03-08", "ramming"),
        event("2024-03-02", "dialogue_resumed", "USA", "CHN"),
        event("2024-03-05", "warning", "CHN", "USA"),
    ]


# -- sensitivity ----------------------------------------------------------------


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
    assert info["sensitivity"]["spread"] == 0.25 and info["sensitivity"]["draws"] == 50


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
    """Tension of every draw, one full stability_index run per draw (no linearity)."""
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
def test_quantiles_match_a_run_per_draw(events: list[dict[str, object]], draws: int) -> None:
    quantiles = (0.0, 0.1, 0.5, 0.9, 1.0)
    scored = ti.score(events, half_life=5)
    bands = sensitivity(scored, spread=0.4, draws=draws, seed=7, quantiles=quantiles)
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


def test_central_value_is_the_median_and_inside_the_band(
    events: list[dict[str, object]],
) -> None:
    bands = sensitivity(events, spread=1.0, draws=200, seed=3, quantiles=(0.05, 0.5, 0.95))
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
        [event("2024-03-01")], spread=0.2, draws=4000, seed=0, quantiles=(0.0, 0.25, 1.0)
    )
    assert bands["tension_q00"].iat[0] == pytest.approx(7 * 0.8, abs=0.01)
    assert bands["tension_q25"].iat[0] == pytest.approx(7 * 0.9, abs=0.05)
    assert bands["tension_q100"].iat[0] == pytest.approx(7 * 1.2, abs=0.01)


def test_signs_never_flip() -> None:
    conflict = [event("2024-03-01"), event("2024-03-02", "ramming")]
    bands = sensitivity(conflict, spread=1.0, draws=500, quantiles=(0.0, 1.0))
    assert (bands["tension_q00"] >= 0).all()
    calm = [event("2024-03-01", "dialogue_resumed"), event("2024-03-02", "leader_summit")]
    bands = sensitivity(calm, spread=1.0, draws=500, quantiles=(0.0, 1.0))
    assert (bands["tension_q100"] <= 0).all()


def test_zero_spread_and_one_draw_give_the_central_value(
    events: list[dict[str, object]],
) -> None:
    for bands in (
        sensitivity(events, spread=0.0, draws=7),
        sensitivity(events, spread=0.5, draws=1),
    ):
        for q in ("q05", "q50", "q95"):
            assert (bands[f"tension_{q}"] == bands["tension"]).all()
            assert (bands[f"stability_{q}"] == bands["stability"]).all()


def test_seeded(events: list[dict[str, object]]) -> None:
    first = sensitivity(events, draws=100, seed=11)
    pd.testing.assert_frame_equal(first, sensitivity(events, draws=100, seed=11))
    other = sensitivity(events, draws=100, seed=12)
    assert not np.allclose(first["tension_q05"], other["tension_q05"])
    generator = sensitivity(events, draws=100, seed=np.random.default_rng(11))
    pd.testing.assert_frame_equal(first, generator, check_like=False, check_exact=False)
    fresh = sensitivity(events, draws=100, seed=None)
    assert (fresh["tension_q05"] <= fresh["tension"]).all()


def test_blocks_do_not_change_the_result(
    events: list[dict[str, object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    scored = ti.score(events)
    whole = sensitivity(scored, draws=64)
    monkeypatch.setattr(uncertainty, "_BLOCK_FLOATS", 32 * 3)  # three cells a block
    pd.testing.assert_frame_equal(whole, sensitivity(scored, draws=64), rtol=1e-12)


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
    bands = sensitivity(ti.score([]), draws=10)
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


# -- weight_influence -------------------------------------------------------------


def test_influence_known_answer() -> None:
    # Half-life 30: on 31 March the water cannon (30 days old) counts 0.5 per unit of
    # weight, the protest (that day) counts 1.
    events = [event("2024-03-01"), event("2024-03-31", "protest_lodged", "PHL", "CHN")]
    table = weight_influence(ti.score(events), "PHL-CHN", "2024-03-31")
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
    assert table["label"].iat[1].startswith("Coast guard or maritime militia fire water cannon")
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
