"""alerts(): crossings and drops of the stability, with the events that drove them.

Every expected date, size and driver below is worked out by hand from the
formulas (T = sum of s_i * 2^(-age / 30), S = 100 / (1 + e^(T / 10))), not read
off the code.
"""

from __future__ import annotations

import math
import sys

import pandas as pd
import pytest

import tensionindex as ti
from tensionindex.analysis.alerts import ALERT_COLUMNS, alerts

DAY = pd.Timedelta(days=1)


def _event(
    date: str, event_type: str, actor1: str = "CHN", actor2: str = "PHL", **extra: object
) -> dict[str, object]:
    return {"date": date, "actor1": actor1, "actor2": actor2, "event_type": event_type, **extra}


def _tension(*terms: tuple[float, int]) -> float:
    """Sum of weight * 2^(-age / 30) over (weight, age in days) pairs."""
    return float(sum(w * 2.0 ** (-age / 30.0) for w, age in terms))


def _stability(tension: float) -> float:
    return 100.0 / (1.0 + math.exp(tension / 10.0))


@pytest.fixture
def protest_then_cannon() -> list[dict[str, object]]:
    return [
        _event("2024-03-01", "protest_lodged", "PHL", "CHN", event_id="a"),  # +2
        _event("2024-03-05", "water_cannon", event_id="b"),  # +7
    ]


def test_crossing_date_size_and_driver(protest_then_cannon: list[dict[str, object]]) -> None:
    result = ti.stability_index(protest_then_cannon, end="2024-03-20")
    found = alerts(result, protest_then_cannon, below=40)
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
    result = ti.stability_index(protest_then_cannon, end="2024-03-20")
    found = alerts(result, protest_then_cannon, below=40, drop=5)
    assert list(found.columns) == list(ALERT_COLUMNS)
    assert found["date"].dtype == "datetime64[ns]" and found["start"].dtype == "datetime64[ns]"
    assert list(found["kind"].cat.categories) == ["crossing", "drop"]
    assert list(found["kind"]) == ["crossing", "drop"]  # same day: sorted by kind
    assert found.attrs["tensionindex"]["alerts"] == {
        "below": 40.0,
        "drop": 5.0,
        "within_days": 7,
        "top": 3,
    }
    assert found.attrs["tensionindex"]["fingerprint"] == result.attrs["tensionindex"]["fingerprint"]
    empty = alerts(result, protest_then_cannon, below=1)
    assert empty.empty and list(empty.columns) == list(ALERT_COLUMNS)


def test_a_deepening_drop_is_one_alert_at_its_lowest_point() -> None:
    events = [_event("2024-03-05", "water_cannon"), _event("2024-03-07", "ramming")]  # +7, +9.2
    result = ti.stability_index(events, start="2024-03-01", end="2024-04-30")
    found = alerts(result, events, drop=10)
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
    events = [_event("2024-03-05", "water_cannon"), _event("2024-05-20", "water_cannon")]
    result = ti.stability_index(events, start="2024-03-01")
    found = alerts(result, events, drop=10)
    assert list(found["date"]) == [pd.Timestamp("2024-03-05"), pd.Timestamp("2024-05-20")]
    assert list(found["start"]) == [pd.Timestamp("2024-03-04"), pd.Timestamp("2024-05-19")]


def test_drop_counts_only_within_days() -> None:
    # A protest (+2) every day for 20 days lowers stability by at most 0.5 a day (scale 100):
    # a fall of 2 points takes more than 3 days.
    events = [_event(f"2024-03-{d:02d}", "protest_lodged") for d in range(5, 25)]
    config = ti.IndexConfig(kernel="window", window=1000, scale=100)
    result = ti.stability_index(events, config, start="2024-03-01")
    assert result["stability"].diff().min() > -0.5
    assert alerts(result, events, drop=2, within_days=3, config=config).empty
    within_10 = alerts(result, events, drop=2, within_days=10, config=config)
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
        "protest_lodged 2024-03-14 (+2); protest_lodged 2024-03-13 (+2); "
        "protest_lodged 2024-03-12 (+2)"
    )


def test_within_days_counts_calendar_days_when_rows_are_missing() -> None:
    events = [_event("2024-03-05", "water_cannon")]
    result = ti.stability_index(events, start="2024-03-01", end="2024-03-10")
    gappy = result[~result["date"].between("2024-03-02", "2024-03-04")]
    assert alerts(gappy, events, drop=10, within_days=3).empty  # 2 to 4 March are missing
    found = alerts(gappy, events, drop=10, within_days=4, below=40)
    assert list(found["kind"]) == ["crossing", "drop"]
    assert list(found["start"]) == [pd.Timestamp("2024-03-01")] * 2  # the row before


def test_fading_cooperation_can_cross_and_is_the_driver() -> None:
    # A summit (-7) lifts stability above 60; its decay brings it down through 60 on day 24.
    events = [_event("2024-03-01", "leader_summit", "USA", "CHN", event_id="s")]
    result = ti.stability_index(events, end="2024-04-30")
    found = alerts(result, events, below=60)
    assert list(found["date"]) == [pd.Timestamp("2024-03-25")]
    rise = _tension((-7, 24)) - _tension((-7, 23))
    assert rise > 0
    assert found["drivers"].iloc[0] == f"leader_summit 2024-03-01 ({rise:+.3g})"
    assert found["event_ids"].iloc[0] == ["s"]


def test_a_series_that_starts_below_does_not_cross() -> None:
    events = [_event("2024-03-05", "water_cannon"), _event("2024-06-01", "water_cannon")]
    result = ti.stability_index(events)  # starts on 5 March at 33.2
    found = alerts(result, events, below=40)
    assert list(found["date"]) == [pd.Timestamp("2024-06-01")]


def test_top_and_negligible_drivers() -> None:
    events = [
        _event("2023-01-01", "dialogue_resumed"),  # long ago: its fading adds almost nothing
        _event("2024-03-05", "water_cannon"),
        _event("2024-03-05", "ramming"),
        _event("2024-03-05", "protest_lodged", "PHL", "CHN"),
    ]
    result = ti.stability_index(events, start="2024-03-01", end="2024-03-10")
    found = alerts(result, events, below=40, top=5)
    assert found["drivers"].iloc[0] == (
        "ramming 2024-03-05 (+9.2); water_cannon 2024-03-05 (+7); protest_lodged 2024-03-05 (+2)"
    )
    assert found["driver_rows"].iloc[0] == [2, 1, 3]
    assert alerts(result, events, below=40, top=1)["drivers"].iloc[0] == (
        "ramming 2024-03-05 (+9.2)"
    )


def test_rows_are_positions_in_the_events_given() -> None:
    frame = pd.DataFrame(
        [_event("2024-03-05", "protest_lodged"), _event("2024-03-09", "water_cannon")],
        index=[10, 20],
    )
    result = ti.stability_index(frame, start="2024-03-01")
    found = alerts(result, frame, below=40)
    assert found["driver_rows"].iloc[0] == [1]
    assert frame.iloc[found["driver_rows"].iloc[0]]["event_type"].tolist() == ["water_cannon"]


def test_tension_change_is_the_results(protest_then_cannon: list[dict[str, object]]) -> None:
    result = ti.stability_index(protest_then_cannon, end="2024-04-30", half_life=9)
    found = alerts(result, protest_then_cannon, below=45, drop=3, half_life=9)
    tension = result.set_index("date")["tension"]
    for _, alert in found.iterrows():
        expected = tension[alert["date"]] - tension[alert["start"]]
        assert alert["tension_change"] == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_dyads_and_directed_results() -> None:
    events = [
        _event("2024-03-05", "water_cannon"),
        _event("2024-03-06", "sanctions_imposed", "USA", "CHN"),
    ]
    result = ti.stability_index(events, start="2024-03-01", directed=True)
    found = alerts(result, events, below=40, directed=True)
    assert list(found["dyad"].astype(str)) == ["CHN->PHL", "USA->CHN"]
    only = alerts(result, events, below=40, dyads="USA->CHN", directed=True)
    assert list(only["dyad"].astype(str)) == ["USA->CHN"]
    assert only["drivers"].iloc[0] == "sanctions_imposed 2024-03-06 (+8)"


def test_share_aggregation_keeps_every_event_of_the_day() -> None:
    events = [
        _event("2024-03-05", "water_cannon"),
        _event("2024-03-05", "sanctions_imposed", "USA", "CHN"),
        _event("2024-03-05", "critical_statement", "USA", "CHN"),
    ]
    result = ti.stability_index(events, start="2024-03-01", aggregation="share", scale=1)
    found = alerts(result, events, dyads="CHN-PHL", below=45, aggregation="share", scale=1)
    # The day's three events share the denominator: the water cannon counts 7 / 3.
    assert found["drivers"].iloc[0] == "water_cannon 2024-03-05 (+2.33)"


def test_as_of_results_use_the_events_known_then() -> None:
    events = [
        _event("2024-03-05", "water_cannon", reported="2024-03-05"),
        _event("2024-03-07", "ramming", reported="2024-03-20"),
    ]
    result = ti.stability_index(events, start="2024-03-01", end="2024-03-10", as_of="2024-03-10")
    found = alerts(result, events, drop=10)
    assert list(found["drivers"]) == ["water_cannon 2024-03-05 (+7)"]


def test_alerts_do_not_need_ruptures(
    protest_then_cannon: list[dict[str, object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ruptures", None)
    result = ti.stability_index(protest_then_cannon)
    assert len(alerts(result, protest_then_cannon, below=40)) == 1


def test_bundled_example() -> None:
    events = ti.load_example()
    result = ti.stability_index(events)
    found = alerts(result, events, dyads=["CHN-PHL"], below=10)
    # The stability of CHN-PHL first falls below 10 on 10 Dec 2023: ramming and water cannon.
    first = found.iloc[0]
    assert first["date"] == pd.Timestamp("2023-12-10")
    assert first["drivers"].startswith("ramming 2023-12-10 (+9.2); water_cannon 2023-12-10 (+7)")
    assert set(first["event_ids"]) == {"ex-035", "ex-036"}


# Error paths -------------------------------------------------------------------------


@pytest.fixture
def scored(
    protest_then_cannon: list[dict[str, object]],
) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    return ti.stability_index(protest_then_cannon), protest_then_cannon


def test_needs_a_condition(scored: tuple[pd.DataFrame, list[dict[str, object]]]) -> None:
    message = (
        r"alerts needs a condition: give below= \(a stability level to watch for crossings\), "
        r"drop= \(points lost within within_days days\), or both\."
    )
    with pytest.raises(ti.ConfigurationError, match=message):
        alerts(*scored)


BAD_PARAMETERS = [
    ({"below": float("nan")}, r"'below' parameter of alerts must be a finite number\. Got nan "),
    ({"below": "40"}, r"'below' parameter of alerts must be a finite number\. Got '40' instead"),
    ({"drop": 0}, r"'drop' parameter of alerts must be a finite number > 0\. Got 0 instead\."),
    ({"drop": -5.0}, r"'drop' parameter of alerts must be a finite number > 0\. Got -5\.0 "),
    ({"drop": 5, "within_days": 0}, r"'within_days' parameter of alerts must be an integer >= 1"),
    ({"drop": 5, "within_days": 1.5}, r"'within_days' parameter .* >= 1\. Got 1\.5 instead\."),
    ({"below": 40, "top": 0}, r"'top' parameter of alerts must be an integer >= 1\. Got 0 "),
]


@pytest.mark.parametrize(("settings", "message"), BAD_PARAMETERS)
def test_bad_parameters(
    scored: tuple[pd.DataFrame, list[dict[str, object]]],
    settings: dict[str, object],
    message: str,
) -> None:
    with pytest.raises(ti.ConfigurationError, match=message):
        alerts(*scored, **settings)  # type: ignore[arg-type]


def test_unknown_dyad(scored: tuple[pd.DataFrame, list[dict[str, object]]]) -> None:
    message = (
        r"No dyad 'CHN-PHM' in the result\. Did you mean 'CHN-PHL'\? "
        r"Dyads in the result: CHN-PHL\."
    )
    with pytest.raises(ti.EventValidationError, match=message):
        alerts(*scored, dyads=["CHN-PHM"], below=40)


def test_result_must_be_a_frame(scored: tuple[pd.DataFrame, list[dict[str, object]]]) -> None:
    message = (
        r"The 'result' parameter of alerts must be a DataFrame returned by stability_index\. "
        r"Got dict instead\."
    )
    with pytest.raises(ti.EventInputTypeError, match=message):
        alerts({}, scored[1], below=40)  # type: ignore[arg-type]


def test_refuses_another_configuration(
    protest_then_cannon: list[dict[str, object]],
) -> None:
    result = ti.stability_index(protest_then_cannon, half_life=10)
    message = (
        r"The result was computed with configuration [0-9a-f]+ but alerts was given "
        r"[0-9a-f]+ \(they differ in half_life\): the drivers would not add up to the result\. "
        r"Pass alerts the config and overrides that stability_index was given\."
    )
    with pytest.raises(ti.ConfigurationError, match=message):
        alerts(result, protest_then_cannon, below=40)


def test_refuses_events_that_do_not_reproduce_the_result(
    protest_then_cannon: list[dict[str, object]],
) -> None:
    result = ti.stability_index(protest_then_cannon)
    message = (
        r"The events do not reproduce the result: the tension of CHN-PHL on 2024-03-05 is "
        r"8\.82344 in the result but 7 from the events and configuration given to alerts\."
    )
    with pytest.raises(ti.EventValidationError, match=message):
        alerts(result, protest_then_cannon[1:], below=40)


def test_refuses_missing_stability_and_names_the_date(
    protest_then_cannon: list[dict[str, object]],
) -> None:
    result = ti.stability_index(protest_then_cannon, normalize="zscore", end="2024-06-30")
    message = (
        r"The 'stability' of CHN-PHL is nan on 2024-03-01 \(and on \d+ more days\)\. alerts "
        r"needs a finite value on every day it reads"
    )
    with pytest.raises(ti.EventValidationError, match=message):
        alerts(result, protest_then_cannon, below=-1)
    # Dropping those days is the explicit way to watch the others.
    kept = result.dropna(subset=["stability"])
    assert list(alerts(kept, protest_then_cannon, below=-100).columns) == list(ALERT_COLUMNS)
