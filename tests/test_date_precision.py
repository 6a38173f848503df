"""Events dated to the week, month or year: reading them, placing them, spreading them.

The oracle is the naive reference (tests/reference.py), which reads the period
of each date on its own (calendar arithmetic in plain Python) and spreads an
event of n days as n events of s / n, one a day.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensionindex as ti
from reference import assert_index_close, reference_index, tolerance
from tensionindex.exceptions import EventValidationError, InvalidParameterError


def _event(date: str, event_type: str = "water_cannon", **extra: object) -> dict[str, object]:
    return {"date": date, "actor1": "CHN", "actor2": "PHL", "event_type": event_type, **extra}


# -- reading -------------------------------------------------------------------------


def test_text_dates_name_their_period_and_start_on_its_first_day() -> None:
    events = ti.validate_events(
        [_event("2024-03"), _event("2024"), _event("2024-W11"), _event("2024-03-01"),
         _event("2020W53")]
    )
    assert events["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-03-01", "2024-01-01", "2024-03-11", "2024-03-01", "2020-12-28",
    ]
    assert events["date_precision"].astype(str).tolist() == ["month", "year", "week", "day", "week"]
    assert list(events["date_precision"].cat.categories) == ["day", "week", "month", "year"]


def test_days_only_add_no_precision_column() -> None:
    events = ti.validate_events([_event("2024-03-05"), _event("2024-03-01")])
    assert "date_precision" not in events.columns


def test_a_precision_column_moves_dates_to_the_start_of_their_period() -> None:
    events = ti.validate_events(
        [
            _event("2024-03-17", date_precision="Month"),
            _event("2024-03-17", date_precision="week"),  # a Sunday: its Monday is the 11th
            _event("2024-03-17", date_precision="year"),
            _event("2024-03", date_precision=None),  # empty: read from the text
        ]
    )
    assert events["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-03-01", "2024-03-11", "2024-01-01", "2024-03-01",
    ]
    assert events["date_precision"].astype(str).tolist() == ["month", "week", "year", "month"]


def test_validated_events_validate_to_themselves_and_the_input_is_untouched() -> None:
    frame = pd.DataFrame([_event("2024-03"), _event("2023"), _event("2024-05-02")])
    before = frame.copy()
    once = ti.validate_events(frame)
    pd.testing.assert_frame_equal(frame, before)
    pd.testing.assert_frame_equal(ti.validate_events(once), once)


@pytest.mark.parametrize(
    ("date", "match"),
    [
        ("2024-13", r"Column 'date', row 0: got '2024-13'; expected a year .* Months run from 01"),
        ("2024-W60", r"got '2024-W60'.* ISO weeks from W01 to W52"),
        ("2023-W53", r"got '2023-W53'"),  # 2023 has 52 ISO weeks
    ],
)
def test_impossible_months_and_weeks_are_errors_naming_the_row(date: str, match: str) -> None:
    with pytest.raises(EventValidationError, match=match):
        ti.validate_events([_event(date)])


def test_a_precision_finer_than_the_text_is_an_error() -> None:
    with pytest.raises(
        EventValidationError,
        match=r"Column 'date_precision', row 1: got 'day'; expected at least 'month'",
    ):
        ti.validate_events([_event("2024-03-05"), _event("2024-03", date_precision="day")])


def test_an_unknown_precision_is_an_error_with_a_suggestion() -> None:
    with pytest.raises(EventValidationError, match=r"got 'mnth'.*Did you mean 'month'"):
        ti.validate_events([_event("2024-03", date_precision="mnth")])


def test_a_reported_date_must_be_a_day() -> None:
    with pytest.raises(EventValidationError, match=r"Column 'reported', row 0: got '2024-03'"):
        ti.validate_events([_event("2024-03", reported="2024-03")])


def test_an_integer_column_of_years_is_refused_with_the_text_hint() -> None:
    frame = pd.DataFrame([_event("x"), _event("x")]).assign(date=[2023, 2024])
    with pytest.raises(EventValidationError, match=r"for years, give them as text"):
        ti.validate_events(frame)


def test_period_lengths() -> None:
    events = ti.validate_events(
        [_event("2023-02"), _event("2024-02"), _event("2023"), _event("2024"), _event("2024-W01"),
         _event("2024-06-01")]
    )
    assert ti.scored.period_lengths(events).tolist() == [28, 29, 365, 366, 7, 1]


# -- placing -------------------------------------------------------------------------


def test_middle_places_an_event_on_the_middle_day_of_its_period() -> None:
    coarse = ti.score([_event("2024-03"), _event("2024-W11"), _event("2023")])
    assert sorted(np.asarray(coarse.day).astype("datetime64[D]").astype(str).tolist()) == [
        "2023-07-02", "2024-03-14", "2024-03-16",
    ]
    exact = ti.score([_event("2024-03-16"), _event("2024-03-14"), _event("2023-07-02")])
    pd.testing.assert_frame_equal(coarse.index(), exact.index())


def test_spread_gives_the_month_the_same_total_as_an_event_on_one_of_its_days() -> None:
    spread = ti.score([_event("2024-03"), _event("2024-06-10")], imprecise_dates="spread")
    daily = ti.score([_event("2024-03-09"), _event("2024-06-10")], imprecise_dates="spread")
    a = spread.index(freq="MS").set_index("date")
    b = daily.index(freq="MS").set_index("date")
    np.testing.assert_allclose(a["signal"], b["signal"], atol=1e-12)
    np.testing.assert_allclose(a["events"], b["events"], atol=1e-12)
    assert a.loc["2024-03-01", "events"] == 1.0
    # Day by day, 1/31 of the event on each day of March.
    march = spread.index(end="2024-03-31")
    np.testing.assert_allclose(march["events"], 1 / 31)
    np.testing.assert_allclose(march["signal"], 7.0 / 31)


def test_spread_explains_each_event_once_and_sums_to_the_value() -> None:
    scored = ti.score(
        [_event("2024-03"), _event("2024-03-20", "dialogue_resumed"), _event("2024")],
        imprecise_dates="spread",
    )
    index = scored.index().set_index("date")
    for day in ("2024-03-01", "2024-03-25", "2024-07-01", "2024-12-31"):
        why = scored.explain("CHN-PHL", day)
        assert why["contribution"].sum() == pytest.approx(index.loc[day, "tension"], abs=1e-9)
        assert len(why) == len(set(zip(why["date"], why["event_type"], strict=True)))
    month = scored.explain("CHN-PHL", "2024-03-10", freq="MS")
    meta = month.attrs["tensionindex"]
    period = scored.index(freq="MS").set_index("date").loc["2024-03-01"]
    assert meta["tension_end"] == pytest.approx(period["tension_end"], abs=1e-9)
    assert meta["tension_mean"] == pytest.approx(period["tension_mean"], abs=1e-9)
    assert meta["signal"] == pytest.approx(period["signal"], abs=1e-9)


def test_spread_week_explained_by_month_counts_only_its_days_in_the_month() -> None:
    # ISO week 2024-W13 runs from 25 March to 31 March; W14 from 1 to 7 April.
    scored = ti.score([_event("2024-W13"), _event("2024-W14")], imprecise_dates="spread")
    weekly = scored.index(freq="W").set_index("date")
    assert weekly["events"].tolist() == [1.0, 1.0]
    why = scored.explain("CHN-PHL", "2024-04-03", freq="MS")
    assert why.attrs["tensionindex"]["signal"] == pytest.approx(7.0)


@pytest.mark.parametrize("kernel", ["exponential", "window"])
@pytest.mark.parametrize("aggregation", ["sum", "kernel_mean"])
@pytest.mark.parametrize("mode", ["middle", "spread"])
def test_coarse_dates_equal_the_reference(kernel: str, aggregation: str, mode: str) -> None:
    records = [
        _event("2023-11"), _event("2024-01-15", "dialogue_resumed"), _event("2024"),
        _event("2024-W02", "military_exercise"), _event("2024-02-29"),
        {**_event("2024-02"), "actor2": "USA"}, {**_event("2024-03-03"), "actor2": "USA"},
    ]
    config = ti.IndexConfig(
        kernel=kernel, window=20, aggregation=aggregation, imprecise_dates=mode
    )
    got = ti.score(records, config).index()
    expected = reference_index(records, config)
    assert_index_close(got, expected, atol=tolerance(records, config), scale=config.scale)


_PERIODS = st.sampled_from(["day", "week", "month", "year"])


@st.composite
def _coarse_records(draw: st.DrawFn) -> list[dict[str, object]]:
    """Events between 2022 and 2024, some dated to their week, month or year."""
    n = draw(st.integers(1, 12))
    out = []
    for _ in range(n):
        day = datetime.date(2022, 1, 1) + datetime.timedelta(days=draw(st.integers(0, 1000)))
        kind = draw(_PERIODS)
        if kind == "day":
            text = day.isoformat()
        elif kind == "week":
            year, week, _ = day.isocalendar()
            text = f"{year}-W{week:02d}"
        elif kind == "month":
            text = day.strftime("%Y-%m")
        else:
            text = str(day.year)
        out.append(
            {
                "date": text,
                "actor1": "CHN",
                "actor2": draw(st.sampled_from(["PHL", "USA", "VNM"])),
                "event_type": draw(st.sampled_from(["water_cannon", "dialogue_resumed",
                                                    "military_exercise", "protest_lodged"])),
                "intensity": draw(st.sampled_from([0.5, 1.0, 2.0])),
            }
        )
    return out


@pytest.mark.slow  # about 8 s of examples against the naive reference (the cases above run fast)
@given(
    records=_coarse_records(),
    kernel=st.sampled_from(["exponential", "window"]),
    aggregation=st.sampled_from(["sum", "kernel_mean"]),
    neutral=st.sampled_from(["zero", "dyad"]),
    mode=st.sampled_from(["middle", "spread"]),
)
def test_any_mix_of_precisions_equals_the_reference(
    records: list[dict[str, object]], kernel: str, aggregation: str, neutral: str, mode: str
) -> None:
    config = ti.IndexConfig(
        kernel=kernel, half_life=20.0, window=45, aggregation=aggregation, neutral=neutral,
        imprecise_dates=mode,
    )
    got = ti.score(records, config).index()
    expected = reference_index(records, config)
    assert_index_close(got, expected, atol=tolerance(records, config), scale=config.scale)


@given(records=_coarse_records(), mode=st.sampled_from(["middle", "spread"]),
       cut=st.integers(0, 1000))
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_no_look_ahead_by_the_end_of_a_period(
    records: list[dict[str, object]], mode: str, cut: int
) -> None:
    """The index up to day D is the same without the events whose period starts after D."""
    events = ti.validate_events(records)
    day = np.datetime64("2022-01-01") + np.timedelta64(cut, "D")
    known = events[events["date"].to_numpy() <= day]
    if known.empty:
        return
    whole = ti.score(events, imprecise_dates=mode)
    part = ti.score(known, imprecise_dates=mode)
    start = str(part.index()["date"].min().date())
    if np.datetime64(start) > day:
        return  # the known events count only after D (middle of their period)
    a = whole.index(start=start, end=str(day), dyads=list(part.labels))
    b = part.index(start=start, end=str(day))
    np.testing.assert_allclose(a["tension"], b["tension"], rtol=1e-12, atol=1e-12)


def test_dedup_keeps_a_month_dated_event_once() -> None:
    events = ti.validate_events([_event("2024-03"), _event("2024-03"), _event("2024-04-02")])
    kept, _ = ti.deduplicate(events, how="one_a_day")
    assert len(kept) == 2
    assert kept["date_precision"].astype(str).tolist() == ["month", "day"]


def test_spread_refuses_daily_aggregations_and_day_only_analyses() -> None:
    with pytest.raises(InvalidParameterError, match=r"aggregation='mean' divides each day"):
        ti.score([_event("2024-03")], imprecise_dates="spread", aggregation="mean")
    scored = ti.score([_event("2024-03"), _event("2024-04-02")], imprecise_dates="spread")
    with pytest.raises(InvalidParameterError, match=r"alerts places each event on one day"):
        ti.alerts(scored, below=40)
    with pytest.raises(InvalidParameterError, match=r"IndexState places each event"):
        ti.IndexState(ti.IndexConfig(imprecise_dates="spread")).update([_event("2024-03")])
    # Under the default (middle) they run.
    ti.alerts(ti.score([_event("2024-03"), _event("2024-04-02")]), below=40)


def test_read_events_and_the_cli_accept_months(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "events.csv"
    pd.DataFrame([_event("2024-03"), _event("2024-05-02")]).to_csv(path, index=False)
    events = ti.read_events(path)
    assert events["date_precision"].astype(str).tolist() == ["month", "day"]
    from tensionindex.cli import main

    assert main(["score", str(path), "--imprecise-dates", "spread", "--freq", "MS",
                 "-o", str(Path(str(tmp_path)) / "out.csv")]) == 0
    out = pd.read_csv(Path(str(tmp_path)) / "out.csv")
    assert out["events"].tolist()[:3] == [1.0, 0.0, 1.0]


def test_the_dask_path_refuses_coarse_dates_by_name() -> None:
    dd = pytest.importorskip("dask.dataframe")
    import tensionindex.dask as tdask

    frame = pd.DataFrame([_event("2024-03"), _event("2024-04-02")])
    with pytest.raises(EventValidationError, match=r"dated to a week, month or year"):
        tdask.stability_index(dd.from_pandas(frame, npartitions=1)).compute(scheduler="sync")
    days = pd.DataFrame([_event("2024-03-05"), _event("2024-04-02")])
    result = tdask.stability_index(dd.from_pandas(days, npartitions=1)).compute(scheduler="sync")
    assert len(result) == 29


@pytest.mark.parametrize("kernel", ["exponential", "window"])
@pytest.mark.parametrize("aggregation", ["sum", "kernel_mean"])
def test_a_later_start_reads_the_same_values_with_spread_events(
    kernel: str, aggregation: str
) -> None:
    """Days of spread events before the grid count 1/n each in the carried information too."""
    scored = ti.score(
        [_event("2024-03"), _event("2024-03-20"), _event("2024-W15", "dialogue_resumed")],
        imprecise_dates="spread", aggregation=aggregation, kernel=kernel, half_life=10,
        window=40,
    )
    whole = scored.index(end="2024-05-01").set_index("date")
    late = scored.index(start="2024-03-25", end="2024-05-01").set_index("date")
    for column in ("tension", "information"):
        np.testing.assert_allclose(
            late[column], whole.loc[late.index, column], rtol=1e-12, atol=1e-12
        )
