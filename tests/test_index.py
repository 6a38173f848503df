"""The engine (stability_index, contributions) against ground truth.

Ground truth is the naive reference in ``reference.py`` (plain loops over
events and days, written from the formulas) and pandas' own ``ewm`` and
``rolling`` windows; the layout and error paths are pinned explicitly.

Values must agree to ``rtol=1e-9`` plus ``atol = 1e-9 * max(1, sum |s_i|)``
(``reference.tolerance``).  Why the absolute part: the engine sums by a prefix
scan or a cumulative sum with subtractions, the reference by ``math.fsum``;
any summation order errs by a few ulps of the largest partial sum, which
sum |s_i| bounds.  Where positive and negative signals cancel, T is near 0
but that error is not, so a purely relative 1e-9 would fail on correct code.
"""

from __future__ import annotations

import datetime
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensionindex as ti
from reference import COLUMNS as INDEX_COLUMNS
from reference import assert_close, assert_index_close, reference_index, tolerance
from tensionindex.testing import configs, event, events

AGGREGATIONS = ("sum", "mean", "share")

DAY = pd.Timedelta(days=1)
KERNELS = ["exponential", "window"]

# The reference is O(days x events) in pure Python: keep its grids a little
# longer than the longest window (400 days), and cover multi-year spans with a
# few events only.
REFERENCE_EVENTS = events(max_size=15, max_span_days=430) | events(max_size=6)


def _check_layout(result: pd.DataFrame, config: ti.IndexConfig) -> None:
    assert list(result.columns) == list(INDEX_COLUMNS)
    assert isinstance(result["dyad"].dtype, pd.CategoricalDtype)
    assert result["date"].dtype == np.dtype("datetime64[ns]")
    assert result["events"].dtype == np.int64
    for name in ("signal", "tension", "stability", "information"):
        assert result[name].dtype == np.float64, name
    assert result["low_information"].dtype == np.bool_
    assert isinstance(result.index, pd.RangeIndex) and result.index.start == 0
    meta = result.attrs["tensionindex"]
    assert meta["fingerprint"] == config.fingerprint
    assert meta["config"] == config.to_dict()


@pytest.mark.parametrize("kernel", KERNELS)
@given(frame=REFERENCE_EVENTS, data=st.data())
def test_matches_reference(kernel: str, frame: pd.DataFrame, data: st.DataObject) -> None:
    """Engine == naive reference, directed or not, on the default or a trimmed grid.

    A trimmed grid starts after some events (they still count) and ends before
    some (they are ignored).
    """
    config = data.draw(
        configs(kernels=[kernel], aggregations=AGGREGATIONS, coded_settings=True), label="config"
    )
    grid: dict[str, object] = {}
    if len(frame) and data.draw(st.booleans(), label="trim"):
        first, last = frame["date"].min(), frame["date"].max()
        start = first + DAY * data.draw(st.integers(-30, (last - first).days), label="start")
        end = start + DAY * data.draw(st.integers(0, (last - start).days + 30), label="days")
        if data.draw(st.booleans(), label="dates as text"):
            grid = {"start": start.strftime("%Y-%m-%d"), "end": end.strftime("%Y-%m-%d")}
        else:
            grid = {"start": start, "end": end}
    # Events as a frame or as JSON-style records: both must score the same.
    events_in: pd.DataFrame | list[dict[str, object]] = frame
    if data.draw(st.booleans(), label="as records"):
        events_in = frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d")).to_dict("records")
    got = ti.stability_index(events_in, config, **grid)
    expected = reference_index(events_in, config, **grid)
    _check_layout(got, config)
    scale = got.attrs["tensionindex"]["scale"]
    assert_index_close(
        got,
        expected,
        atol=tolerance(frame, config),
        scale=scale,
        min_information=config.min_information,
    )


# -- pandas as an oracle -------------------------------------------------------


def _wide(result: pd.DataFrame, column: str) -> pd.DataFrame:
    """One column per dyad, one row per day.

    Every dyad spans the same days in one contiguous block (checked by
    test_output_layout_on_the_bundled_example), so a reshape does it.
    """
    labels = [str(d) for d in result["dyad"].cat.categories]
    values = result[column].to_numpy().reshape(len(labels), -1).T
    days = result["date"].iloc[: values.shape[0]]
    return pd.DataFrame(values, index=pd.DatetimeIndex(days), columns=labels)


@given(frame=events(min_size=1, max_size=30), config=configs(kernels=["window"]))
def test_window_matches_pandas_rolling(frame: pd.DataFrame, config: ti.IndexConfig) -> None:
    """tension = rolling(window, min_periods=1).sum() of the daily signal."""
    result = ti.stability_index(frame, config)
    expected = _wide(result, "signal").rolling(config.window, min_periods=1).sum()
    assert_close(_wide(result, "tension"), expected, atol=tolerance(frame, config), what="tension")


@given(frame=events(min_size=1, max_size=30), config=configs(kernels=["exponential"]))
def test_exponential_matches_pandas_ewm(frame: pd.DataFrame, config: ti.IndexConfig) -> None:
    """tension = ewm(alpha = 1 - 2 ** (-1 / h), adjust=False).mean() / alpha.

    Of the daily signal reindexed to every day; with per-category half-lives,
    the sum of that over categories, each with its own h.  ewm(adjust=False)
    starts from y(0) = x(0), not alpha * x(0): the grid starts one day before
    the first event so that every series begins with a zero.
    """
    # The daily signal per dyad and category, computed here with pandas.
    resolved = config.resolve(frame["event_type"].tolist())
    intensity = frame["intensity"].to_numpy()
    f = {"linear": intensity, "log1p": np.log1p(intensity), "sqrt": np.sqrt(intensity)}
    signal = resolved.weight * resolved.multiplier * f[config.intensity_transform]
    if config.use_confidence:
        signal = signal * frame["confidence"].to_numpy()
    a1, a2 = frame["actor1"].astype(str), frame["actor2"].astype(str)
    dyad = a1 + "->" + a2 if config.directed else np.where(a1 < a2, a1 + "-" + a2, a2 + "-" + a1)
    scored = pd.DataFrame(
        {"dyad": dyad, "category": resolved.category, "date": frame["date"], "signal": signal}
    )
    days = pd.date_range(frame["date"].min() - DAY, frame["date"].max(), freq="D")
    daily = (
        scored.groupby(["date", "dyad", "category"])["signal"]
        .sum()
        .unstack(["dyad", "category"], fill_value=0.0)
        .reindex(days, fill_value=0.0)
    )

    parts = []
    half_life = pd.Series(
        [config.half_life_of(c) for c in daily.columns.get_level_values("category")],
        index=daily.columns,
    )
    for h in half_life.unique():
        alpha = 1.0 - 2.0 ** (-1.0 / h)
        parts.append(daily.loc[:, half_life == h].ewm(alpha=alpha, adjust=False).mean() / alpha)
    expected = pd.concat(parts, axis=1).T.groupby(level="dyad").sum().T

    result = ti.stability_index(frame, config, start=days[0])
    got = _wide(result, "tension")
    assert sorted(got.columns) == sorted(expected.columns)
    assert_close(got, expected[got.columns], atol=tolerance(frame, config), what="tension")


# -- simulated events with known answers ---------------------------------------


def test_events_before_start_count_and_after_end_are_ignored() -> None:
    # water_cannon weighs 7 (minus Goldstein -7.0 of CAMEO 170).
    events = [event("2024-01-01"), event("2024-01-31"), event("2024-03-01")]
    result = ti.stability_index(events, half_life=10, start="2024-01-11", end="2024-01-30")
    assert result["date"].iloc[0] == pd.Timestamp("2024-01-11")
    assert result["date"].iloc[-1] == pd.Timestamp("2024-01-30")
    assert result["events"].sum() == 0
    assert result["tension"].iloc[0] == pytest.approx(3.5, rel=1e-12)
    assert result["tension"].iloc[-1] == pytest.approx(7 * 2 ** (-29 / 10), rel=1e-12)


def test_window_kernel_counts_exactly_window_days() -> None:
    events = [event("2024-01-01", intensity=2.0, confidence=0.5)]
    result = ti.stability_index(events, kernel="window", window=3, end="2024-01-05")
    assert result["tension"].tolist() == [7.0, 7.0, 7.0, 0.0, 0.0]
    assert result["stability"].iloc[-1] == 50.0


def test_signal_formula_with_transform_multiplier_and_confidence() -> None:
    events = [event("2024-01-01", intensity=3.0, confidence=0.25)]
    result = ti.stability_index(
        events, intensity_transform="sqrt", category_multipliers={"gray_zone": 2.0}
    )
    assert result["signal"].iloc[0] == pytest.approx(7.0 * 2.0 * np.sqrt(3.0) * 0.25, rel=1e-15)
    unweighted = ti.stability_index(events, use_confidence=False, intensity_transform="log1p")
    assert unweighted["signal"].iloc[0] == pytest.approx(7.0 * np.log1p(3.0), rel=1e-15)


def test_extreme_tension_gives_bounded_stability_without_warnings() -> None:
    events = [
        event("2024-01-01", intensity=1e6),
        event("2024-01-02", "dialogue_resumed", intensity=1e6),
        event("2024-01-03", "dialogue_resumed", intensity=1e6),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = ti.stability_index(
            events, weights={"water_cannon": 1e6}, scale=0.5, half_life=1e-3
        )
    assert result["stability"].tolist() == [0.0, 100.0, 100.0]


def test_overrides_equal_an_explicit_configuration() -> None:
    events = [event("2024-01-01"), event("2024-01-09", "dialogue_resumed")]
    config = ti.IndexConfig(half_life=14, kernel="window", window=5, directed=True)
    via_overrides = ti.stability_index(
        events, half_life=14, kernel="window", window=5, directed=True
    )
    pd.testing.assert_frame_equal(via_overrides, ti.stability_index(events, config))
    assert via_overrides.attrs == ti.stability_index(events, config).attrs


# -- output layout ---------------------------------------------------------------


@pytest.mark.parametrize("directed", [False, True])
def test_output_layout_on_the_bundled_example(directed: bool) -> None:
    # (test_matches_reference checks the layout on generated events too.)
    events = ti.load_example("us-china-2024")
    config = ti.IndexConfig(directed=directed, half_life=14)
    result = ti.stability_index(events, config)
    _check_layout(result, config)
    assert ti.IndexConfig.from_dict(result.attrs["tensionindex"]["config"]) == config

    # Sorted by dyad (as text) then date, every dyad on the same daily grid
    # from the first to the last event.
    labels = result["dyad"].astype(str)
    keys = list(zip(labels, result["date"], strict=True))
    assert keys == sorted(keys)
    assert list(result["dyad"].cat.categories) == sorted(labels.unique())
    days = pd.date_range(events["date"].min(), events["date"].max(), freq="D")
    assert len(result) == labels.nunique() * len(days)
    for _, group in result.groupby("dyad", observed=True):
        assert group["date"].tolist() == list(days)
    assert result["events"].sum() == len(events)


def test_dyad_labels() -> None:
    events = [
        event("2024-01-01") | {"actor1": "USA", "actor2": "CHN"},
        event("2024-01-02") | {"actor1": "China", "actor2": "United States"},
    ]
    undirected = ti.stability_index(events)
    assert undirected["dyad"].astype(str).unique().tolist() == ["CHN-USA"]
    directed = ti.stability_index(events, directed=True)
    assert directed["dyad"].astype(str).unique().tolist() == ["CHN->USA", "USA->CHN"]


@pytest.mark.parametrize(
    "empty",
    [[], pd.DataFrame(columns=["date", "actor1", "actor2", "event_type"])],
    ids=["records", "frame"],
)
def test_empty_input_gives_empty_result(empty: object) -> None:
    result = ti.stability_index(empty, start="2024-01-01", end="2024-01-31")
    assert result.empty
    assert list(result.columns) == list(INDEX_COLUMNS)
    assert result["date"].dtype == np.dtype("datetime64[ns]")
    assert result["events"].dtype == np.int64
    assert result["tension"].dtype == np.float64
    assert result.attrs["tensionindex"]["fingerprint"] == ti.IndexConfig().fingerprint
    assert ti.contributions(empty).empty


# -- start and end ---------------------------------------------------------------


def test_end_before_start_is_an_error() -> None:
    events = [event("2024-01-01"), event("2024-02-01")]
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"The 'end' date 2024-01-10 comes before the 'start' date 2024-01-20; "
        "give an end on or after the start",
    ):
        ti.stability_index(events, start="2024-01-20", end="2024-01-10")


def test_start_after_the_last_event_needs_an_end() -> None:
    events = [event("2024-01-01")]
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"The 'start' date 2024-06-01 comes after the last event \(2024-01-01\)",
    ):
        ti.stability_index(events, start="2024-06-01")
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"The 'end' date 2023-06-01 comes before the first event \(2024-01-01\)",
    ):
        ti.stability_index(events, end="2023-06-01")
    # With an end the carry-in is scored.
    result = ti.stability_index(events, start="2024-01-31", end="2024-01-31")
    assert result["tension"].tolist() == pytest.approx([3.5])


@pytest.mark.parametrize("name", ["start", "end"])
@pytest.mark.parametrize("value", ["2024-13-45", "soon", object(), 20240101, 1.5e18])
def test_unreadable_start_or_end_is_an_error(name: str, value: object) -> None:
    with pytest.raises(
        ti.InvalidParameterError,
        match=rf"^The '{name}' parameter of stability_index must be a date such as '2024-04-16', "
        r"from 1678-01-01 to 2261-12-31, or None\. Got .* instead\.$",
    ):
        ti.stability_index([event("2024-01-01")], **{name: value})


def test_start_and_end_accept_datetimes_and_drop_the_time_of_day() -> None:
    events = [event("2024-01-01"), event("2024-01-05")]
    base = ti.stability_index(events, start="2024-01-02", end="2024-01-04")
    for start, end in [
        (datetime.date(2024, 1, 2), datetime.date(2024, 1, 4)),
        (pd.Timestamp("2024-01-02 18:30"), np.datetime64("2024-01-04T23:59")),
        (pd.Timestamp("2024-01-02 01:00", tz="UTC"), pd.Timestamp("2024-01-04 09:00+08:00")),
    ]:
        pd.testing.assert_frame_equal(ti.stability_index(events, start=start, end=end), base)


# -- dyad selection ---------------------------------------------------------------


@given(frame=events(min_size=1, max_size=15), config=configs(), data=st.data())
def test_dyad_selection_equals_filtering(
    frame: pd.DataFrame, config: ti.IndexConfig, data: st.DataObject
) -> None:
    start, end = frame["date"].min(), frame["date"].max()
    full = ti.stability_index(frame, config, start=start, end=end)
    labels = list(full["dyad"].cat.categories)
    chosen = data.draw(st.lists(st.sampled_from(labels), min_size=1, unique=True), label="dyads")
    picked = ti.stability_index(frame, config, start=start, end=end, dyads=chosen)
    assert list(picked["dyad"].cat.categories) == sorted(chosen)
    expected = full[full["dyad"].isin(chosen)].reset_index(drop=True)
    assert_index_close(picked, expected, atol=tolerance(frame, config), scale=config.scale)


def test_dyad_selection_accepts_names_and_either_order() -> None:
    events = [
        event("2024-01-01") | {"actor1": "USA", "actor2": "CHN"},
        event("2024-01-02"),
    ]
    for spelling in ["CHN-USA", "usa-china", "United States - PRC", ["USA-CHN"]]:
        result = ti.stability_index(events, dyads=spelling)
        assert result["dyad"].astype(str).unique().tolist() == ["CHN-USA"]
    directed = ti.stability_index(events, directed=True, dyads="USA->CHN")
    assert directed["dyad"].astype(str).unique().tolist() == ["USA->CHN"]


def test_unknown_dyad_is_an_error_with_suggestions() -> None:
    events = [event("2024-01-01") | {"actor1": "USA", "actor2": "CHN"}, event("2024-01-02")]
    with pytest.raises(
        ti.EventValidationError,
        match=r"No events for dyad 'CHN-USB'\. Did you mean 'CHN-USA'.*"
        r"Dyads in the events: CHN-PHL, CHN-USA\.",
    ):
        ti.stability_index(events, dyads="CHN-USB")
    with pytest.raises(
        ti.EventValidationError,
        match=r"No events for dyad 'CHN->USA'\. Did you mean 'USA->CHN' \(the other direction\)\?",
    ):
        ti.stability_index(events, directed=True, dyads="CHN->USA")
    with pytest.raises(ti.EventValidationError, match=r"Could not read the dyad 'CHN'"):
        ti.stability_index(events, dyads="CHN")


# -- contributions ------------------------------------------------------------------


def test_custom_types_and_categories() -> None:
    config = ti.IndexConfig(
        custom_types={
            "navy_band": {
                "label": "A navy band performs",
                "category": "port_visits",
                "weight": -2.5,
            }
        },
        category_half_lives={"port_visits": 3.0},
        category_multipliers={"port_visits": 2.0},
    )
    events = [
        event("2024-03-01", "navy_band") | {"actor1": "USA", "actor2": "PHL"},
        event("2024-03-02", "navy_band") | {"actor1": "PHL", "actor2": "USA"},
        event("2024-03-03") | {"actor1": "USA", "actor2": "PHL"},
    ]
    result = ti.stability_index(events, config, end="2024-03-10")
    expected = reference_index(events, config, end="2024-03-10")
    assert_index_close(result, expected, atol=1e-12, scale=config.scale)
    assert result["tension"].iloc[3] == pytest.approx(
        -5.0 * (2 ** (-3 / 3) + 2 ** (-2 / 3)) + 7.0 * 2 ** (-1 / 30), rel=1e-12
    )
    parts = ti.contributions(events, config, end="2024-03-10")
    assert list(parts.columns) == ["dyad", "date", "gray_zone", "port_visits", "tension"]
    assert parts["port_visits"].iloc[4] == pytest.approx(-5.0 * (2 ** (-4 / 3) + 2 ** (-3 / 3)))


def test_contributions_known_values() -> None:
    events = [event("2024-03-01"), event("2024-03-02", "dialogue_resumed")]
    parts = ti.contributions(events, half_life=1, category_half_lives={"dialogue": 2})
    assert list(parts.columns) == ["dyad", "date", "dialogue", "gray_zone", "tension"]
    assert parts["gray_zone"].tolist() == pytest.approx([7.0, 3.5])
    assert parts["dialogue"].tolist() == pytest.approx([0.0, -7.0])
    assert parts["tension"].tolist() == pytest.approx([7.0, -3.5])


# -- the index by period (freq=) ------------------------------------------------------

ALIASES = {"W": "W-SUN", "MS": "M", "QS": "Q", "YS": "Y"}


@pytest.mark.parametrize("freq", list(ALIASES))
@given(
    frame=events(min_size=1, max_size=30),
    config=configs(aggregations=["sum", "mean", "kernel_mean"], coded_settings=True),
    data=st.data(),
)
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_periods_summarise_the_daily_index(
    freq: str, frame: pd.DataFrame, config: ti.IndexConfig, data: st.DataObject
) -> None:
    """index(freq=...) is the daily index grouped by calendar period, as plain pandas does it."""
    scored = ti.score(frame, config)
    grid: dict[str, object] = {}
    if data.draw(st.booleans(), label="cut"):
        first, last = frame["date"].min(), frame["date"].max()
        grid = {"start": first + DAY * data.draw(st.integers(0, (last - first).days))}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ti.SaturationWarning)
        daily = scored.index(**grid)
        got = scored.index(freq=freq, **grid)
    period = daily["date"].dt.to_period(ALIASES[freq]).dt.start_time
    grouped = daily.assign(period=period).groupby(["dyad", "period"], observed=True, sort=True)
    expected = pd.DataFrame(
        {
            "days": grouped.size(),
            "events": grouped["events"].sum(),
            "signal": grouped["signal"].sum(),
            "tension_end": grouped["tension"].last(),
            "stability_end": grouped["stability"].last(),
            "tension_mean": grouped["tension"].mean(),
            "stability_mean": grouped["stability"].mean(),
            "information_end": grouped["information"].last(),
            "low_information": grouped["low_information"].last(),
        }
    ).reset_index()
    assert list(got.columns) == [
        "dyad",
        "date",
        "days",
        "events",
        "signal",
        "mean_signal",
        "tension_end",
        "stability_end",
        "tension_mean",
        "stability_mean",
        "information_end",
        "low_information",
    ]
    assert len(got) == len(expected)
    assert (got["date"].to_numpy() == expected["period"].to_numpy()).all()
    assert (got["days"].to_numpy() == expected["days"].to_numpy()).all()
    assert (got["events"].to_numpy() == expected["events"].to_numpy()).all()
    assert (got["low_information"].to_numpy() == expected["low_information"].to_numpy()).all()
    atol = tolerance(frame, config)
    for name in ("signal", "tension_end", "tension_mean", "information_end"):
        assert_close(got[name], expected[name], atol=atol, what=name)
    for name in ("stability_end", "stability_mean"):
        assert_close(got[name], expected[name], atol=1e-7, what=name)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(got["events"] > 0, got["signal"] / got["events"], np.nan)
    np.testing.assert_allclose(got["mean_signal"], mean, rtol=1e-12)
    assert got.attrs["tensionindex"]["freq"] == freq


@given(
    frame=events(min_size=1, max_size=25),
    config=configs(aggregations=["sum", "mean", "kernel_mean"], coded_settings=True),
    freq=st.sampled_from(list(ALIASES)),
    data=st.data(),
)
def test_explain_of_a_period_sums_to_its_values(
    frame: pd.DataFrame, config: ti.IndexConfig, freq: str, data: st.DataObject
) -> None:
    scored = ti.score(frame, config)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ti.SaturationWarning)
        periods = scored.index(freq=freq)
    row = periods.iloc[data.draw(st.integers(0, len(periods) - 1))]
    why = scored.explain(str(row["dyad"]), row["date"] + DAY, freq=freq)
    meta = why.attrs["tensionindex"]
    atol = tolerance(frame, config)
    assert meta["tension_mean"] == pytest.approx(row["tension_mean"], rel=1e-9, abs=atol)
    assert meta["tension_end"] == pytest.approx(row["tension_end"], rel=1e-9, abs=atol)
    assert meta["signal"] == pytest.approx(row["signal"], rel=1e-9, abs=atol)
    assert why["contribution"].sum() == pytest.approx(meta["tension_mean"], rel=1e-9, abs=atol)


def _net_cooperation_check(paths: list[str]) -> int:
    """Minus the monthly signal == the monthly sum of GoldsteinScale; returns the cells checked."""
    events = ti.read_gdelt(paths)
    monthly = ti.stability_index(events, freq="MS", use_confidence=False)
    raw = pd.concat([pd.read_csv(p, dtype={"EventCode": str}) for p in paths])
    raw = raw[raw["GLOBALEVENTID"].astype(str).isin(events["event_id"].astype(str))]
    a, b = raw["Actor1CountryCode"], raw["Actor2CountryCode"]
    raw = raw.assign(
        dyad=np.where(a < b, a + "-" + b, b + "-" + a),
        month=pd.to_datetime(raw["SQLDATE"].astype(str)).dt.to_period("M").dt.start_time,
    )
    expected = raw.groupby(["dyad", "month"])["GoldsteinScale"].sum()
    got = monthly.set_index([monthly["dyad"].astype(str), "date"])["signal"]
    np.testing.assert_allclose(-got.reindex(expected.index), expected, rtol=1e-12, atol=1e-9)
    # Months without records: no net cooperation either.
    rest = got[~got.index.isin(expected.index)]
    assert (rest == 0).all()
    return len(expected)


def test_monthly_goldstein_net_cooperation_is_minus_the_monthly_signal() -> None:
    """Real GDELT 1.0 (Georgia excerpt): minus the monthly signal == sum of GoldsteinScale.

    With the goldstein weights, aggregation "sum", intensity 1 and no
    confidence, an event's signal is minus the Goldstein value of its CAMEO
    code, so minus the summed signal of a month is the net cooperation of the
    event-data literature, computed here with plain pandas from the file's own
    GoldsteinScale column over the same rows.
    """
    excerpt = Path(__file__).parent / "data" / "georgia_oct2012_excerpt.csv"
    assert _net_cooperation_check([str(excerpt)]) == 2


SHARED_GEORGIA = sorted(
    (
        Path(__file__).resolve().parents[1].parent
        / "shared"
        / "data"
        / "gdelt"
        / "derived"
        / "georgia_gdelt1_monthly"
    ).glob("*.csv")
)


@pytest.mark.skipif(not SHARED_GEORGIA, reason="needs ../shared/data/gdelt (real GDELT, 9 months)")
def test_monthly_net_cooperation_over_nine_months_of_real_gdelt() -> None:
    assert _net_cooperation_check([str(p) for p in SHARED_GEORGIA]) > 100


def test_freq_must_be_a_known_period() -> None:
    with pytest.raises(ti.InvalidParameterError, match=r"'freq'.*'W', 'MS', 'QS', 'YS'.*'MS'"):
        ti.stability_index([event("2024-03-01")], freq="M")
