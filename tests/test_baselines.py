"""normalize= (logistic, zscore, percentile), as_of= and vintages()."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensionindex as ti
from tensionindex.testing import configs, events


def _daily_events(days: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, days, 80), unit="D")
    return pd.DataFrame(
        {
            "date": dates,
            "reported": dates + pd.to_timedelta(rng.integers(0, 5, 80), unit="D"),
            "actor1": "CHN",
            "actor2": rng.choice(["USA", "PHL"], 80),
            "event_type": rng.choice(["water_cannon", "dialogue_resumed", "warning"], 80),
        }
    )


def test_zscore_is_minus_the_trailing_z_of_tension() -> None:
    frame = _daily_events(200)
    plain = ti.stability_index(frame)
    scored = ti.stability_index(frame, normalize="zscore", baseline=60)
    for dyad in ("CHN-PHL", "CHN-USA"):
        tension = plain.loc[plain["dyad"] == dyad, "tension"].reset_index(drop=True)
        past = tension.shift(1).rolling(60, min_periods=30)
        expected = -(tension - past.mean()) / past.std()
        got = scored.loc[scored["dyad"] == dyad, "stability"].reset_index(drop=True)
        pd.testing.assert_series_equal(got, expected, check_names=False, rtol=1e-9)
        assert got.iloc[:30].isna().all()  # no baseline yet: NaN, not a made-up value
    assert scored.attrs["tensionindex"]["normalize"] == "zscore"


def test_percentile_is_the_share_of_days_so_far_at_least_as_tense() -> None:
    frame = _daily_events(120)
    plain = ti.stability_index(frame)
    scored = ti.stability_index(frame, normalize="percentile")
    tension = plain.loc[plain["dyad"] == "CHN-PHL", "tension"].to_numpy()
    got = scored.loc[scored["dyad"] == "CHN-PHL", "stability"].to_numpy()
    expected = [100 * np.mean(tension[: t + 1] >= tension[t]) for t in range(len(tension))]
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert ((got > 0) & (got <= 100)).all()


def test_normalize_never_looks_ahead() -> None:
    frame = _daily_events(200)
    cut = pd.Timestamp("2023-05-01")
    for how in ("zscore", "percentile"):
        full = ti.stability_index(frame, normalize=how, baseline=60, end="2023-07-19")
        early = ti.stability_index(frame[frame["date"] <= cut], normalize=how, baseline=60, end=cut)
        merged = full.merge(early, on=["dyad", "date"], suffixes=("", "_early"))
        np.testing.assert_allclose(merged["stability"], merged["stability_early"], rtol=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"normalize": "z"}, r"'normalize' parameter of stability_index must be one of"),
        ({"normalize": "zscore", "baseline": 5}, r"'baseline' parameter .* from 30 to 100000"),
        ({"normalize": "zscore", "baseline": 60.5}, r"Got 60\.5 instead"),
    ],
)
def test_normalize_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ti.ConfigurationError, match=message):
        ti.stability_index(_daily_events(50), **kwargs)  # type: ignore[arg-type]


def test_as_of_uses_only_events_reported_by_then() -> None:
    frame = _daily_events(100)
    as_of = pd.Timestamp("2023-02-15")
    got = ti.stability_index(frame, as_of=as_of)
    known = frame[frame["reported"] <= as_of].drop(columns="reported")
    expected = ti.stability_index(known)
    pd.testing.assert_frame_equal(got, expected, check_like=False)
    assert got.attrs["tensionindex"]["as_of"] == "2023-02-15"


def test_as_of_needs_reported_dates() -> None:
    frame = _daily_events(30).drop(columns="reported")
    with pytest.raises(ti.EventValidationError, match=r"as_of needs .* add a 'reported' column"):
        ti.stability_index(frame, as_of="2023-01-10")


@given(events(min_size=1, max_size=12), configs(), st.integers(0, 400))
def test_as_of_after_every_report_is_the_plain_index(
    frame: pd.DataFrame, config: ti.IndexConfig, lag: int
) -> None:
    reported = frame.assign(reported=frame["date"] + pd.Timedelta(days=lag % 7))
    latest = reported["reported"].max() + pd.Timedelta(days=lag)
    got = ti.stability_index(reported, config, as_of=latest)
    plain = ti.stability_index(frame, config)
    pd.testing.assert_frame_equal(got, plain)


def test_vintages_read_each_day_with_what_was_known() -> None:
    frame = _daily_events(60)
    dates = ["2023-01-20", "2023-02-10", "2023-03-01"]
    table = ti.vintages(frame, dates)
    assert list(table.columns) == ["vintage", "dyad", "events_known", "tension", "stability"]
    for row in table.itertuples(index=False):
        known = frame[frame["reported"] <= row.vintage].drop(columns="reported")
        index = ti.stability_index(known, end=row.vintage)
        value = index[(index["dyad"] == row.dyad) & (index["date"] == row.vintage)]
        assert row.tension == pytest.approx(value["tension"].iloc[0], rel=1e-12, abs=1e-12)
        assert row.events_known == int(index.loc[index["dyad"] == row.dyad, "events"].sum())
