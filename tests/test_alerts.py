"""alerts(): crossings, drops and rises of the index, with the events that drove them.

Every expected date, size and driver below is worked out by hand from the
formulas (T = sum of s_i * 2^(-age / 30), S = 100 / (1 + e^(T / 10))), not read
off the code; on the bundled example, the alerts are checked against a naive
loop over the index and the drivers against the terms of ``explain``; the
improvements (``above``, ``rise``, ``tension_fall``) mirror the falls of the
same events with their weights negated.
"""

from __future__ import annotations

import math
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensionindex as ti
from tensionindex.analysis.alerts import ALERT_COLUMNS, ALERT_KINDS, _ranking
from tensionindex.testing import event


def _tension(*terms: tuple[float, int]) -> float:
    """Sum of weight * 2^(-age / 30) over (weight, age in days) pairs."""
    return float(sum(w * 2.0 ** (-age / 30.0) for w, age in terms))


def _stability(tension: float) -> float:
    return 100.0 / (1.0 + math.exp(tension / 10.0))


@pytest.fixture
def protest_then_cannon() -> list[dict[str, object]]:
    return [
        event("2024-03-01", "critical_statement", "PHL", "CHN", event_id="a"),  # +2
        event("2024-03-05", "water_cannon", event_id="b"),  # +7
    ]


def test_crossing_date_size_and_driver(protest_then_cannon: list[dict[str, object]]) -> None:
    found = ti.alerts(ti.score(protest_then_cannon), below=40, end="2024-03-20")
    before, after = _tension((2, 3)), _tension((2, 4), (7, 0))
    assert len(found) == 1
    alert = found.iloc[0]
    assert (alert["dyad"], alert["date"], alert["kind"], alert["start"]) == (
        "CHN-PHL",
        pd.Timestamp("2024-03-05"),
        "crossing",
        pd.Timestamp("2024-03-04"),
    )
    assert alert["size"] == pytest.approx(_stability(before) - _stability(after), rel=1e-12)
    assert alert["stability"] == pytest.approx(_stability(after), rel=1e-12)
    assert alert["tension_change"] == pytest.approx(after - before, rel=1e-12)
    # The protest's contribution only decays (a negative change): it did not drive the fall.
    assert alert["drivers"] == "water_cannon 2024-03-05 (+7)"
    assert alert["driver_rows"] == [1]
    assert alert["event_ids"] == ["b"]


def test_layout_and_types(protest_then_cannon: list[dict[str, object]]) -> None:
    scored = ti.score(protest_then_cannon)
    found = ti.alerts(scored, below=40, drop=5, end="2024-03-20")
    assert list(found.columns) == list(ALERT_COLUMNS)
    assert found["date"].dtype == "datetime64[ns]" and found["start"].dtype == "datetime64[ns]"
    # Every kind is a category, whichever were asked for: frames of several calls concatenate.
    assert list(found["kind"].cat.categories) == list(ALERT_KINDS)
    assert ALERT_KINDS[:2] == ("crossing", "drop")
    assert list(found["kind"]) == ["crossing", "drop"]  # same day: sorted by kind
    assert found.attrs["tensionindex"]["alerts"] == {
        "below": 40.0,
        "drop": 5.0,
        "above": None,
        "rise": None,
        "tension_rise": None,
        "tension_fall": None,
        "within_days": 7,
        "top": 3,
    }
    assert found.attrs["tensionindex"]["fingerprint"] == scored.fingerprint
    empty = ti.alerts(scored, below=1)
    assert empty.empty and list(empty.columns) == list(ALERT_COLUMNS)
    assert [str(t) for t in empty.dtypes] == [str(t) for t in found.dtypes]


def test_raw_events_are_the_one_line_path(protest_then_cannon: list[dict[str, object]]) -> None:
    scored = ti.alerts(ti.score(protest_then_cannon, half_life=9), below=45, drop=3)
    pd.testing.assert_frame_equal(
        ti.alerts(protest_then_cannon, below=45, drop=3, half_life=9), scored
    )
    # Overrides on scored events re-resolve the configuration without validating again.
    pd.testing.assert_frame_equal(
        ti.alerts(ti.score(protest_then_cannon), below=45, drop=3, half_life=9), scored
    )


def test_a_deepening_drop_is_one_alert_at_its_lowest_point() -> None:
    events = [event("2024-03-05", "water_cannon"), event("2024-03-07", "ramming")]  # +7, +9.2
    found = ti.alerts(ti.score(events), drop=10, start="2024-03-01", end="2024-04-30")
    # Stability is exactly 50 from 1 to 4 March: the latest of those days is the start.
    assert len(found) == 1
    alert = found.iloc[0]
    assert (alert["date"], alert["start"]) == (
        pd.Timestamp("2024-03-07"),
        pd.Timestamp("2024-03-04"),
    )
    low = _tension((7, 2), (9.2, 0))
    assert alert["size"] == pytest.approx(50.0 - _stability(low), rel=1e-12)
    assert alert["tension_change"] == pytest.approx(low, rel=1e-12)
    assert alert["drivers"] == (
        f"ramming 2024-03-07 (+9.2); water_cannon 2024-03-05 ({_tension((7, 2)):+.3g})"
    )
    assert alert["driver_rows"] == [1, 0]
    assert alert["event_ids"] == [None, None]  # the events have no event_id


def test_separate_episodes_give_separate_alerts() -> None:
    events = [event("2024-03-05", "water_cannon"), event("2024-05-20", "water_cannon")]
    found = ti.alerts(ti.score(events), drop=10, start="2024-03-01")
    assert list(found["date"]) == [pd.Timestamp("2024-03-05"), pd.Timestamp("2024-05-20")]
    assert list(found["start"]) == [pd.Timestamp("2024-03-04"), pd.Timestamp("2024-05-19")]


def test_drop_counts_only_within_days() -> None:
    # A critical statement (+2) every day for 20 days lowers stability by at most 0.5 a day
    # (scale 100): a fall of 2 points takes more than 3 days.
    events = [event(f"2024-03-{d:02d}", "critical_statement") for d in range(5, 25)]
    scored = ti.score(events, ti.IndexConfig(kernel="window", window=1000, scale=100))
    result = scored.index(start="2024-03-01")
    assert result["stability"].diff().min() > -0.5
    assert ti.alerts(scored, drop=2, within_days=3, start="2024-03-01").empty
    within_10 = ti.alerts(scored, drop=2, within_days=10, start="2024-03-01")
    assert len(within_10) == 1
    alert = within_10.iloc[0]
    # Falls shrink as stability leaves 50, so the episode's largest is its first.
    assert (alert["date"], alert["start"]) == (
        pd.Timestamp("2024-03-14"),
        pd.Timestamp("2024-03-04"),
    )
    series = result.set_index("date")["stability"]
    assert alert["size"] == pytest.approx(series[alert["start"]] - series[alert["date"]])
    assert alert["drivers"] == (
        "critical_statement 2024-03-14 (+2); critical_statement 2024-03-13 (+2); "
        "critical_statement 2024-03-12 (+2)"
    )


def test_fading_cooperation_can_cross_and_is_the_driver() -> None:
    # A summit (-7) lifts stability above 60; its decay brings it down through 60 on day 24.
    events = [event("2024-03-01", "leader_summit", "USA", "CHN", event_id="s")]
    found = ti.alerts(ti.score(events), below=60, end="2024-04-30")
    assert list(found["date"]) == [pd.Timestamp("2024-03-25")]
    rise = _tension((-7, 24)) - _tension((-7, 23))
    assert rise > 0
    assert found["drivers"].iloc[0] == f"leader_summit 2024-03-01 ({rise:+.3g})"
    assert found["event_ids"].iloc[0] == ["s"]


def test_a_series_that_starts_below_does_not_cross() -> None:
    events = [event("2024-03-05", "water_cannon"), event("2024-06-01", "water_cannon")]
    found = ti.alerts(ti.score(events), below=40)  # starts on 5 March at 33.2
    assert list(found["date"]) == [pd.Timestamp("2024-06-01")]


def test_top_and_negligible_drivers() -> None:
    events = [
        event("2023-01-01", "dialogue_resumed"),  # long ago: its fading adds almost nothing
        event("2024-03-05", "water_cannon"),
        event("2024-03-05", "ramming"),
        event("2024-03-05", "critical_statement", "PHL", "CHN"),
    ]
    scored = ti.score(events)
    window = {"start": "2024-03-01", "end": "2024-03-10"}
    found = ti.alerts(scored, below=40, top=5, **window)
    assert found["drivers"].iloc[0] == (
        "ramming 2024-03-05 (+9.2); water_cannon 2024-03-05 (+7); "
        "critical_statement 2024-03-05 (+2)"
    )
    assert found["driver_rows"].iloc[0] == [2, 1, 3]
    top_one = ti.alerts(scored, below=40, top=1, **window)
    assert top_one["drivers"].iloc[0] == "ramming 2024-03-05 (+9.2)"


def test_rows_are_rows_of_the_scored_events() -> None:
    frame = pd.DataFrame(
        [event("2024-03-05", "protest_lodged"), event("2024-03-09", "water_cannon")],
        index=[10, 20],
    )
    scored = ti.score(frame)
    found = ti.alerts(scored, below=40, start="2024-03-01")
    assert found["driver_rows"].iloc[0] == [1]
    assert frame.iloc[found["driver_rows"].iloc[0]]["event_type"].tolist() == ["water_cannon"]
    assert scored.events.iloc[[1]]["event_type"].astype(str).tolist() == ["water_cannon"]


def test_tension_change_is_the_index(protest_then_cannon: list[dict[str, object]]) -> None:
    scored = ti.score(protest_then_cannon, half_life=9)
    found = ti.alerts(scored, below=45, drop=3, end="2024-04-30")
    tension = scored.index(end="2024-04-30").set_index("date")["tension"]
    assert len(found) == 2
    for _, alert in found.iterrows():
        expected = tension[alert["date"]] - tension[alert["start"]]
        assert alert["tension_change"] == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_dyads_and_directed_events() -> None:
    events = [
        event("2024-03-05", "water_cannon"),
        event("2024-03-06", "embargo", "USA", "CHN"),
    ]
    scored = ti.score(events, directed=True)
    found = ti.alerts(scored, below=40, start="2024-03-01")
    assert list(found["dyad"].astype(str)) == ["CHN->PHL", "USA->CHN"]
    only = ti.alerts(scored, below=40, dyads="USA->CHN", start="2024-03-01")
    assert list(only["dyad"].astype(str)) == ["USA->CHN"]
    assert list(only["dyad"].cat.categories) == ["CHN->PHL", "USA->CHN"]
    assert only["drivers"].iloc[0] == "embargo 2024-03-06 (+8)"


def test_share_aggregation_keeps_every_event_of_the_day() -> None:
    events = [
        event("2024-03-05", "water_cannon"),
        event("2024-03-05", "sanctions_imposed", "USA", "CHN"),
        event("2024-03-05", "critical_statement", "USA", "CHN"),
    ]
    scored = ti.score(events, aggregation="share", scale=1)
    found = ti.alerts(scored, dyads="CHN-PHL", below=45, start="2024-03-01")
    # The day's three events share the denominator: the water cannon counts 7 / 3.
    assert found["drivers"].iloc[0] == "water_cannon 2024-03-05 (+2.33)"


def test_as_of_uses_the_events_known_then() -> None:
    events = [
        event("2024-03-05", "water_cannon", reported="2024-03-05"),
        event("2024-03-07", "ramming", reported="2024-03-20"),
    ]
    scored = ti.score(events, as_of="2024-03-10")
    found = ti.alerts(scored, drop=10, start="2024-03-01", end="2024-03-10")
    assert list(found["drivers"]) == ["water_cannon 2024-03-05 (+7)"]
    assert found.attrs["tensionindex"]["as_of"] == "2024-03-10"


def test_zscore_skips_the_days_without_a_value() -> None:
    # The z-score has no value for the first 30 days: the series starts after them.
    scored = ti.score(ti.load_example())
    found = ti.alerts(scored, below=-1.5, normalize="zscore")
    series = scored.index(normalize="zscore").dropna(subset=["stability"])
    expected = []
    for dyad, part in series.groupby("dyad", observed=True):
        values, dates = part["stability"].to_numpy(), part["date"].to_numpy()
        expected += [
            (str(dyad), dates[i])
            for i in range(1, len(values))
            if values[i - 1] >= -1.5 and values[i] < -1.5
        ]
    assert expected
    assert list(zip(found["dyad"].astype(str), found["date"].to_numpy(), strict=True)) == expected
    assert found.attrs["tensionindex"]["normalize"] == "zscore"


def test_several_kernels() -> None:
    # Protests fade with a 5-day half-life, the rest with 30 days.
    events = [
        event("2024-03-01", "water_cannon", event_id="a"),
        event("2024-03-03", "protest_lodged", "PHL", "CHN", event_id="b"),
        event("2024-03-10", "ramming", event_id="c"),
        event("2024-03-12", "dialogue_resumed", event_id="d"),
    ]
    scored = ti.score(events, category_half_lives={"diplomatic_friction": 5.0})
    found = ti.alerts(scored, drop=5, within_days=10, top=5)
    _check_against_explain(scored, found, top=5)


def test_alerts_do_not_need_ruptures(
    protest_then_cannon: list[dict[str, object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ruptures", None)
    assert len(ti.alerts(ti.score(protest_then_cannon), below=40)) == 1


def test_bundled_example() -> None:
    found = ti.alerts(ti.score(ti.load_example()), dyads=["CHN-PHL"], below=10)
    # The stability of CHN-PHL first falls below 10 on 10 Dec 2023: ramming and water cannon.
    first = found.iloc[0]
    assert first["date"] == pd.Timestamp("2023-12-10")
    assert first["drivers"].startswith("ramming 2023-12-10 (+9.2); water_cannon 2023-12-10 (+7)")
    assert set(first["event_ids"]) == {"ex-035", "ex-036"}


# Improvements, and moves of the tension ------------------------------------------------


def test_upward_crossing_and_rise_by_hand(protest_then_cannon: list[dict[str, object]]) -> None:
    events = [*protest_then_cannon, event("2024-03-15", "leader_summit", event_id="c")]  # -7
    found = ti.alerts(ti.score(events), above=40, rise=10, end="2024-03-20")
    assert list(found["kind"]) == ["crossing_up", "rise"]
    assert list(found["date"]) == [pd.Timestamp("2024-03-15")] * 2
    before = _tension((2, 13), (7, 9))
    after = _tension((2, 14), (7, 10), (-7, 0))
    crossing = found.iloc[0]
    assert crossing["start"] == pd.Timestamp("2024-03-14")
    assert crossing["size"] == pytest.approx(_stability(after) - _stability(before), rel=1e-12)
    assert crossing["tension_change"] == pytest.approx(after - before, rel=1e-12)
    # The summit, then the fading of the water cannon; the protest fades by under 1% of the fall.
    fade = _tension((7, 10)) - _tension((7, 9))
    assert 0 < -_tension((2, 14)) + _tension((2, 13)) < 0.01 * (7 - fade)
    assert crossing["drivers"] == (
        f"leader_summit 2024-03-15 (-7); water_cannon 2024-03-05 ({fade:+.3g})"
    )
    assert crossing["driver_rows"] == [2, 1]
    assert crossing["event_ids"] == ["c", "b"]
    # The rise is measured from the lowest day of the week before: 8 March, after the cannon.
    rise = found.iloc[1]
    lowest = _tension((2, 7), (7, 3))
    assert rise["start"] == pd.Timestamp("2024-03-08")
    assert rise["size"] == pytest.approx(_stability(after) - _stability(lowest), rel=1e-12)


def test_upward_crossing_mirrors_the_downward_one() -> None:
    # Exactly 50 before any event: a crossing needs <= level, then > level (>= then < going down).
    events = [event("2024-03-10", "leader_summit"), event("2024-06-10", "water_cannon")]
    scored = ti.score(events)
    up = ti.alerts(scored, above=50, start="2024-03-01")
    assert list(up["date"]) == [pd.Timestamp("2024-03-10")]
    assert up["start"].iloc[0] == pd.Timestamp("2024-03-09")
    down = ti.alerts(scored, below=50, start="2024-03-01")
    # The summit's decay never takes the stability back to 50; the water cannon does, below.
    assert list(down["date"]) == [pd.Timestamp("2024-06-10")]
    # A series that starts above the level alerts only once it has come back down and up.
    assert ti.alerts(scored, above=55, start="2024-03-10").empty


def test_the_summit_is_flagged_as_an_improvement() -> None:
    scored = ti.score(ti.load_example("us-china-2024"))
    found = ti.alerts(scored, dyads="CHN-USA", rise=15)
    # Every leaders' summit, the Phase One deal, the Brown-Liu call that restarted the
    # military channel, and the leaders' call of April 2024 with the MMCA talks next day.
    assert list(found["date"]) == [
        pd.Timestamp(day)
        for day in ("2018-12-01", "2019-06-29", "2020-01-15", "2021-11-15", "2022-11-14",
                    "2023-11-15", "2023-12-21", "2024-04-03")
    ]  # fmt: skip
    filoli = found.set_index("date").loc[pd.Timestamp("2023-11-15")]
    assert filoli["kind"] == "rise" and filoli["size"] >= 15
    assert filoli["drivers"].startswith("leader_summit 2023-11-15 (-7)")
    assert filoli["event_ids"][0] == "ex-032"
    _check_against_explain(scored, found)
    crossings = ti.alerts(scored, dyads="CHN-USA", above=50, tension_fall=6, start="2023-01-01")
    assert {(str(k), d) for k, d in zip(crossings["kind"], crossings["date"], strict=True)} >= {
        ("crossing_up", pd.Timestamp("2023-11-15")),
        ("tension_fall", pd.Timestamp("2023-11-15")),
        ("tension_fall", pd.Timestamp("2024-04-16")),  # the Austin-Dong call
    }
    _check_against_explain(scored, crossings)


def _negated(events: pd.DataFrame) -> dict[str, float]:
    """Weights that negate every signal of ``events``."""
    table = ti.taxonomy().set_index("event_type")["weight"]
    return {str(t): -float(table[t]) for t in set(events["event_type"].astype(str))}


MIRROR = {"crossing": "crossing_up", "drop": "rise", "tension_rise": "tension_fall"}


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"kernel": "window", "window": 90},
        {"half_life": 7, "aggregation": "share"},
        {"aggregation": "kernel_mean", "scale": "auto"},
        {"category_half_lives": {"cooperation": 5, "gray_zone": 60}},
    ],
    ids=["exponential", "window", "share", "kernel-mean", "per-category"],
)
def test_an_improvement_mirrors_a_drop_on_negated_signals(settings: dict[str, object]) -> None:
    events = ti.load_example("us-china-2024")
    scored = ti.score(events, **settings)  # type: ignore[arg-type]
    mirrored = ti.score(events, weights=_negated(events), **settings)  # type: ignore[arg-type]
    np.testing.assert_array_equal(mirrored.signal, -scored.signal)
    falls = ti.alerts(scored, below=30, drop=12, tension_rise=6)
    rises = ti.alerts(mirrored, above=70, rise=12, tension_fall=6)
    assert set(falls["kind"]) == set(MIRROR)
    assert list(rises["dyad"]) == list(falls["dyad"])
    assert list(rises["date"]) == list(falls["date"])
    assert list(rises["start"]) == list(falls["start"])
    assert list(rises["kind"].astype(str)) == [MIRROR[k] for k in falls["kind"].astype(str)]
    np.testing.assert_allclose(rises["size"], falls["size"], rtol=1e-9)
    np.testing.assert_allclose(rises["stability"], 100.0 - falls["stability"], rtol=1e-9)
    np.testing.assert_array_equal(rises["tension_change"], -falls["tension_change"])
    # The same events drive both, by the same amounts with the opposite sign.
    assert list(rises["driver_rows"]) == list(falls["driver_rows"])
    assert list(rises["event_ids"]) == list(falls["event_ids"])
    assert list(rises["drivers"]) == [t.replace("(+", "(-") for t in falls["drivers"]]


def _saturated() -> list[dict[str, object]]:
    """Ten rammings on one day (T = 92, S = 0.01), an assault, then a summit."""
    events = [event("2024-03-01", "ramming", event_id=f"r{k}") for k in range(10)]
    events.append(event("2024-03-10", "physical_assault", event_id="assault"))  # +9.5
    events.append(event("2024-03-20", "leader_summit", "USA", "CHN", event_id="summit"))  # -7
    events.append(event("2024-03-20", "leader_summit", event_id="summit2"))
    return events


def test_tension_alerts_fire_where_the_stability_is_saturated() -> None:
    scored = ti.score(_saturated())
    watched = {"dyads": "CHN-PHL", "start": "2024-03-01", "end": "2024-03-25"}
    stability = scored.index(**watched)["stability"]  # type: ignore[arg-type]
    # Saturated: the assault and the summit move it by less than a point.
    assert stability.max() < 0.5
    assert ti.alerts(scored, drop=1, rise=1, **watched).empty  # type: ignore[arg-type]
    found = ti.alerts(
        scored,
        tension_rise=5,
        tension_fall=5,
        within_days=1,
        top=1,
        **watched,  # type: ignore[arg-type]
    )
    assert list(found["kind"]) == ["tension_rise", "tension_fall"]
    assault, summit = found.iloc[0], found.iloc[1]
    assert (assault["date"], assault["start"]) == (
        pd.Timestamp("2024-03-10"),
        pd.Timestamp("2024-03-09"),
    )
    rise = _tension((92, 9), (9.5, 0)) - _tension((92, 8))
    assert assault["size"] == pytest.approx(rise, rel=1e-12)
    assert assault["tension_change"] == pytest.approx(rise, rel=1e-12)
    assert assault["drivers"] == "physical_assault 2024-03-10 (+9.5)"
    assert summit["date"] == pd.Timestamp("2024-03-20")
    fall = _tension((92, 18), (9.5, 9)) - _tension((92, 19), (9.5, 10), (-7, 0))
    assert summit["size"] == pytest.approx(fall, rel=1e-12)
    assert summit["drivers"] == "leader_summit 2024-03-20 (-7)"
    assert summit["event_ids"] == ["summit2"]
    _check_against_explain(scored, found, top=1)


def test_tension_alerts_near_100() -> None:
    # The mirror: ten agreements (T = -80, S = 99.97), then an incident.
    events = [event("2024-03-01", "agreement_signed", event_id=f"a{k}") for k in range(10)]
    events.append(event("2024-03-10", "ramming", event_id="x"))
    scored = ti.score(events)
    watched = {"start": "2024-03-01", "end": "2024-03-20"}
    assert scored.index(**watched)["stability"].min() > 98.5  # type: ignore[arg-type]
    assert ti.alerts(scored, drop=1, **watched).empty  # type: ignore[arg-type]
    found = ti.alerts(scored, tension_rise=5, top=1, **watched)  # type: ignore[arg-type]
    assert list(found["date"]) == [pd.Timestamp("2024-03-10")]
    assert found["drivers"].iloc[0] == "ramming 2024-03-10 (+9.2)"


# Against independent computations on the bundled example ------------------------------


def _naive_falls(
    values: list[float], dates: list[pd.Timestamp], drop: float, within_days: int
) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """(date, start) of the largest fall of each run of days falling >= drop within the window."""
    found = []
    best: tuple[float, int, int] | None = None
    for i in range(len(values)):
        fall, start = -math.inf, -1
        for j in range(max(0, i - within_days), i):
            if values[j] - values[i] >= fall:
                fall, start = values[j] - values[i], j
        if fall >= drop:
            if best is None or fall > best[0]:
                best = (fall, i, start)
        elif best is not None:
            found.append((dates[best[1]], dates[best[2]]))
            best = None
    if best is not None:
        found.append((dates[best[1]], dates[best[2]]))
    return found


def _naive_alerts(
    result: pd.DataFrame, within_days: int, **conditions: float
) -> list[tuple[str, pd.Timestamp, str, pd.Timestamp]]:
    """(dyad, date, kind, start) by plain loops over each dyad's days.

    A rise is a fall of the negated series; a tension rise, a fall of minus the tension.
    """
    found = []
    for dyad, part in result.groupby("dyad", observed=True):
        dates = list(part["date"])
        stability = part["stability"].tolist()
        tension = part["tension"].tolist()
        for i in range(1, len(stability)):
            before, after = stability[i - 1], stability[i]
            if "below" in conditions and before >= conditions["below"] > after:
                found.append((str(dyad), dates[i], "crossing", dates[i - 1]))
            if "above" in conditions and before <= conditions["above"] < after:
                found.append((str(dyad), dates[i], "crossing_up", dates[i - 1]))
        moves = {
            "drop": stability,
            "rise": [-v for v in stability],
            "tension_rise": [-v for v in tension],
            "tension_fall": tension,
        }
        for kind, values in moves.items():
            if kind in conditions:
                for date, start in _naive_falls(values, dates, conditions[kind], within_days):
                    found.append((str(dyad), date, kind, start))
    return sorted(found, key=lambda a: (a[0], a[1], ALERT_KINDS.index(a[2])))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("conditions", "within_days"),
    [
        ({"below": 30, "drop": 15}, 7),
        ({"below": 20, "drop": 5}, 1),
        ({"below": 45, "drop": 10}, 30),
        ({"above": 55, "rise": 15, "tension_rise": 8, "tension_fall": 6}, 7),
        ({"above": 40, "rise": 5, "tension_fall": 3}, 1),
        ({"below": 45, "above": 45, "drop": 10, "rise": 10, "tension_rise": 10}, 30),
    ],
)
def test_alerts_match_a_naive_loop_over_the_index(
    conditions: dict[str, float], within_days: int
) -> None:
    scored = ti.score(ti.load_example("us-china-2024"))
    found = ti.alerts(scored, within_days=within_days, **conditions)  # type: ignore[arg-type]
    expected = _naive_alerts(scored.index(), within_days, **conditions)
    # Every condition fires somewhere: the comparison covers each kind asked for.
    named = {"below": "crossing", "above": "crossing_up"}
    assert {kind for _, _, kind, _ in expected} == {named.get(c, c) for c in conditions}
    got = list(
        zip(
            found["dyad"].astype(str),
            found["date"],
            found["kind"].astype(str),
            found["start"],
            strict=True,
        )
    )
    assert got == expected
    index = scored.index().set_index(["dyad", "date"])
    for _, alert in found.iterrows():
        on = index.loc[(str(alert["dyad"]), alert["date"])]
        was = index.loc[(str(alert["dyad"]), alert["start"])]
        assert alert["stability"] == on["stability"]
        assert alert["tension_change"] == on["tension"] - was["tension"]
        size = {
            "crossing": was["stability"] - on["stability"],
            "drop": was["stability"] - on["stability"],
            "crossing_up": on["stability"] - was["stability"],
            "rise": on["stability"] - was["stability"],
            "tension_rise": on["tension"] - was["tension"],
            "tension_fall": was["tension"] - on["tension"],
        }[alert["kind"]]
        assert alert["size"] == size > 0
        if alert["kind"] in conditions:  # a move: at least its threshold
            assert alert["size"] >= conditions[alert["kind"]]


# The kinds where the tension fell: their drivers are the events whose contribution fell most.
EASING = {"crossing_up", "rise", "tension_fall"}


def _check_against_explain(scored: ti.ScoredEvents, found: pd.DataFrame, top: int = 3) -> None:
    """Every alert's drivers and tension change, from the terms of explain() on both days.

    The events need an ``event_id``: it pairs each event's terms on the two days.
    """
    assert not found.empty
    row_of = pd.Series(np.arange(len(scored.events)), index=scored.events["event_id"])
    for _, alert in found.iterrows():
        dyad = str(alert["dyad"])
        after = scored.explain(dyad, alert["date"]).set_index("event_id")
        before = scored.explain(dyad, alert["start"]).set_index("event_id")
        ids = after.index.union(before.index)
        delta = after["contribution"].reindex(ids, fill_value=0.0) - before["contribution"].reindex(
            ids, fill_value=0.0
        )
        # Every event's change of contribution adds up to the change of the index.
        assert math.fsum(delta) == pytest.approx(alert["tension_change"], rel=1e-9, abs=1e-9)
        # The events that moved the tension the alert's way: down for an improvement.
        sign = -1.0 if alert["kind"] in EASING else 1.0
        moved = sign * delta
        moved = moved[moved > 0]
        moved = moved[moved >= 0.01 * moved.sum()]
        # A cooperative event that left the window rises (to 0) but is no term on the day.
        both = pd.concat([after, before])
        both = both[~both.index.duplicated()]
        terms = pd.DataFrame(
            {
                "moved": moved,
                "date": both["date"].reindex(moved.index),
                "event_type": both["event_type"].reindex(moved.index),
                "row": row_of.reindex(moved.index),
            }
        )
        terms = terms.sort_values(
            ["moved", "date", "row"], ascending=[False, False, True], kind="stable"
        )
        picked = terms.head(top)
        assert alert["drivers"] == "; ".join(
            f"{t} {d:%Y-%m-%d} ({sign * x:+.3g})"
            for t, d, x in zip(picked["event_type"], picked["date"], picked["moved"], strict=True)
        )
        assert alert["driver_rows"] == picked["row"].tolist()
        assert alert["event_ids"] == picked.index.tolist()


def test_drivers_are_the_exact_attribution_of_explain() -> None:
    scored = ti.score(ti.load_example("us-china-2024"))
    found = ti.alerts(scored, below=30, drop=15)
    assert len(found) == 38
    _check_against_explain(scored, found)


def test_drivers_under_the_window_kernel_and_share() -> None:
    scored = ti.score(ti.load_example("us-china-2024"), kernel="window", aggregation="share")
    _check_against_explain(scored, ti.alerts(scored, below=40, drop=10))


# Error paths -------------------------------------------------------------------------


@pytest.fixture
def scored(protest_then_cannon: list[dict[str, object]]) -> ti.ScoredEvents:
    return ti.score(protest_then_cannon)


def test_needs_a_condition(scored: ti.ScoredEvents) -> None:
    message = (
        r"alerts needs a condition: give below= or above= \(a stability level to watch for "
        r"crossings\), drop= or rise= \(stability points lost or gained within within_days "
        r"days\), tension_rise= or tension_fall= \(tension points gained or lost within "
        r"within_days days\), or several\."
    )
    with pytest.raises(ti.InvalidParameterError, match=message):
        ti.alerts(scored)


BAD_PARAMETERS = [
    ({"below": float("nan")}, r"'below' parameter of alerts must be a finite number or None\. "),
    ({"below": "40"}, r"'below' parameter of alerts must be a finite number or None\. Got '40' "),
    ({"drop": 0}, r"'drop' parameter of alerts must be a finite number > 0 or None\. Got 0 "),
    ({"drop": -5.0}, r"'drop' parameter of alerts must be a finite number > 0 or None\. Got -5\.0"),
    ({"drop": 5, "within_days": 0}, r"'within_days' parameter of alerts must be an integer >= 1"),
    ({"drop": 5, "within_days": 1.5}, r"'within_days' parameter .* >= 1\. Got 1\.5 instead\."),
    ({"below": 40, "top": 0}, r"'top' parameter of alerts must be an integer >= 1\. Got 0 "),
    ({"below": 40, "dyads": 7}, r"'dyads' parameter of alerts must be a dyad such as 'CHN-USA'"),
    ({"below": 40, "end": "soon"}, r"'end' parameter of alerts must be a date such as"),
    ({"below": 40, "normalize": "z"}, r"'normalize' parameter of alerts must be one of 'logis"),
    ({"above": float("inf")}, r"'above' parameter of alerts must be a finite number or None\. "),
    ({"rise": 0}, r"'rise' parameter of alerts must be a finite number > 0 or None\. Got 0 "),
    ({"rise": "5"}, r"'rise' parameter of alerts must be a finite number > 0 or None\. Got '5' "),
    (
        {"tension_rise": -1.0},
        r"'tension_rise' parameter of alerts must be a finite number > 0 or None\. Got -1\.0 ",
    ),
    (
        {"tension_fall": float("nan")},
        r"'tension_fall' parameter of alerts must be a finite number > 0 or None\. Got nan ",
    ),
]


@pytest.mark.parametrize(("settings", "message"), BAD_PARAMETERS)
def test_bad_parameters(scored: ti.ScoredEvents, settings: dict[str, object], message: str) -> None:
    with pytest.raises(ti.InvalidParameterError, match=message):
        ti.alerts(scored, **settings)  # type: ignore[arg-type]


def test_bad_configuration(scored: ti.ScoredEvents) -> None:
    message = r"The 'config' parameter of alerts must be an IndexConfig or None\. Got 'x' instead"
    with pytest.raises(ti.InvalidParameterError, match=message):
        ti.alerts(scored, "x", below=40)  # type: ignore[arg-type]
    with pytest.raises(ti.ConfigurationError, match=r"Unknown setting 'half_lif'\. Did you mean"):
        ti.alerts(scored, below=40, half_lif=3)


def test_unknown_dyad(scored: ti.ScoredEvents) -> None:
    message = (
        r"No events for dyad 'CHN-PHM'\. Did you mean 'CHN-PHL'\? Dyads in the events: CHN-PHL\."
    )
    with pytest.raises(ti.EventValidationError, match=message):
        ti.alerts(scored, dyads=["CHN-PHM"], below=40)


def test_coverage_belongs_to_score(scored: ti.ScoredEvents) -> None:
    with pytest.raises(ti.InvalidParameterError, match=r"coverage is given to score\(\)"):
        ti.alerts(scored, below=40, coverage=["2024-03-01"])


def _random_events(seed: int, n: int = 1200, days: int = 540) -> list[dict[str, object]]:
    """Seeded events of every type between three pairs of actors, each with an id."""
    rng = np.random.default_rng(seed)
    types = ti.taxonomy()["event_type"].to_numpy()
    pairs = [("CHN", "PHL"), ("CHN", "USA"), ("IND", "PAK")]
    dates = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, days, n), unit="D")
    return [
        event(
            f"{when:%Y-%m-%d}",
            str(types[k]),
            *pairs[p],
            intensity=float(x),
            event_id=f"e{i}",
        )
        for i, (when, k, p, x) in enumerate(
            zip(
                dates,
                rng.integers(0, len(types), n),
                rng.integers(0, len(pairs), n),
                rng.uniform(0.2, 3.0, n),
                strict=True,
            )
        )
    ]


# Each case takes about a second: all run with the slow tests (CI's slow step);
# test_drivers_are_the_exact_attribution_of_explain keeps the property in plain pytest.
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize(
    ("settings", "top"),
    [
        ({}, 3),
        ({"half_life": 4}, 1),
        ({"kernel": "window", "window": 20}, 3),
        ({"category_half_lives": {"cooperation": 5, "agreement": 120, "gray_zone": 60}}, 5),
        ({"aggregation": "kernel_mean", "scale": "auto"}, 3),
        ({"aggregation": "kernel_mean", "neutral": "dyad", "neutral_days": 60, "half_life": 7}, 2),
        ({"aggregation": "kernel_mean", "kernel": "window", "window": 20, "prior_events": 0}, 3),
    ],
    ids=[
        "exponential",
        "short-half-life",
        "window",
        "per-category-half-lives",
        "kernel-mean",
        "kernel-mean-dyad-neutral",
        "kernel-mean-window",
    ],
)
@pytest.mark.slow
def test_drivers_of_random_events_are_the_terms_of_explain(
    seed: int, settings: dict[str, object], top: int
) -> None:
    scored = ti.score(_random_events(seed), **settings)
    index = scored.index()
    stability, tension = index["stability"], index["tension"]
    below = float(np.percentile(stability, 5))
    above = float(np.percentile(stability, 95))
    spread, moves = float(np.std(stability)), float(np.std(np.diff(tension)))
    falls = ti.alerts(scored, below=below, drop=spread, tension_rise=3 * moves, top=top)
    rises = ti.alerts(scored, above=above, rise=spread, tension_fall=3 * moves, top=top)
    for found in (falls, rises):
        kinds = found["kind"].astype(str).to_numpy()
        for kind in np.unique(kinds):
            # Up to 7 alerts of each kind, spread over them: explain() twice per alert is slow.
            mine = np.flatnonzero(kinds == kind)
            checked = mine[np.unique(np.linspace(0, len(mine) - 1, 7).astype(int))]
            _check_against_explain(scored, found.iloc[checked], top=top)
    assert set(falls["kind"]) == {"crossing", "drop", "tension_rise"}
    assert set(rises["kind"]) == {"crossing_up", "rise", "tension_fall"}


def test_a_large_cooperative_event_long_before_still_drives_its_fading() -> None:
    # A summit 100 days back, then 20 small calls: its fading outweighs theirs and
    # 1% of the rise, though 20 later cooperative events come before it in time.
    events = [event("2024-01-01", "leader_summit", "CHN", "USA", intensity=50.0, event_id="s")]
    events += [
        event(f"2024-03-{day:02d}", "leader_call", "CHN", "USA", intensity=0.2, event_id=f"c{day}")
        for day in range(1, 21)
    ]
    events.append(event("2024-04-10", "sanctions_imposed", "CHN", "USA", event_id="x"))
    scored = ti.score(events)
    stability = scored.index().set_index("date")["stability"]
    found = ti.alerts(scored, below=float(stability["2024-04-09"]) - 1e-9)
    assert list(found["date"]) == [pd.Timestamp("2024-04-10")]
    assert found.loc[0, "event_ids"][:2] == ["x", "s"]
    _check_against_explain(scored, found)


@given(
    st.lists(
        st.tuples(
            st.integers(0, 6),
            st.sampled_from([0.5, 1.0, 1e-300, 3.25, 7e12]),  # few values: ties
            st.integers(0, 4),
        ),
        max_size=40,
    ),
    st.booleans(),
)
def test_drivers_are_ranked_as_lexsort_ranks_them(
    rows: list[tuple[int, float, int]], wide: bool
) -> None:
    # The packed key gives lexsort's order, ties included; keys too wide to
    # pack (alert numbers near 2**62) take lexsort itself.
    alert = np.array([r[0] for r in rows], dtype=np.intp) << (60 if wide else 0)
    delta = np.array([r[1] for r in rows])
    later = np.array([r[2] for r in rows], dtype=np.int64)
    expected = np.lexsort((later, -delta, alert))
    order = _ranking(alert, delta, later)
    for key in (alert, delta, later):
        np.testing.assert_array_equal(key[order], key[expected])
