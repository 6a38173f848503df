"""Settings for coded news data: kernel_mean, baselines, information, auto scale, saturation.

These test the meaning of the settings (properties a methodologist would ask
for), not only the arithmetic, which tests/test_index.py checks against the
naive reference for every setting.
"""

from __future__ import annotations

import importlib.util
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensionindex as ti
from tensionindex.testing import configs, event
from tensionindex.testing import events as event_frames

START = pd.Timestamp("2023-01-01")
#: What the command line scores coded data with (--format gdelt, icews, polecat).
CODED = {"aggregation": "kernel_mean", "neutral": "dyad", "scale": "auto"}


def _records(every_days: int, days: int, per_report: int = 1) -> list[dict[str, object]]:
    """Identical USA-RUS records (``cameo:040``, consult: Goldstein +1) every ``every_days``."""
    return [
        event(str((START + pd.Timedelta(days=d)).date()), "cameo:040", "USA", "RUS")
        for d in range(0, days, every_days)
        for _ in range(per_report)
    ]


def _last(frame: pd.DataFrame, column: str = "tension") -> float:
    return float(frame[column].iloc[-1])


@given(
    frame=event_frames(min_size=1, max_size=25),
    config=configs(aggregations=["kernel_mean"], coded_settings=True),
    copies=st.integers(2, 5),
)
def test_kernel_mean_does_not_see_volume(
    frame: pd.DataFrame, config: ti.IndexConfig, copies: int
) -> None:
    """Every event reported ``copies`` times: the same index (without a prior)."""
    import dataclasses

    config = dataclasses.replace(config, prior_events=0.0, neutral="zero")
    once = ti.stability_index(frame, config)
    many = ti.stability_index(pd.concat([frame] * copies, ignore_index=True), config)
    # Where the decayed count has underflowed (years without events at a short
    # half-life) there is nothing left to average: the value is 0 by definition.
    alive = once["information"].to_numpy() > 1e-250
    np.testing.assert_allclose(many["tension"][alive], once["tension"][alive], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(
        many["information"][alive], copies * once["information"][alive], rtol=1e-9
    )


def test_the_prior_shrinks_quiet_stretches_and_fades_with_volume() -> None:
    """|T| grows with volume toward the prior-free value and never passes it."""
    free = _last(ti.stability_index(_records(1, 60), aggregation="kernel_mean", prior_events=0))
    values = [
        _last(ti.stability_index(_records(1, 60, n), aggregation="kernel_mean", prior_events=1))
        for n in (1, 2, 8)
    ]
    assert all(abs(v) < abs(free) for v in values)
    assert abs(values[0]) < abs(values[1]) < abs(values[2])
    assert abs(values[2] - free) < 0.01 * abs(free)


@pytest.mark.parametrize("every_days", [1, 7, 30])
def test_identical_records_read_the_same_whatever_their_frequency(every_days: int) -> None:
    """Daily, weekly or monthly reports of the same record: the record's signal, every day.

    Under ``mean`` these end a year at 98.8, 66.1 and 55.0 (volume through the
    kernel); under kernel_mean without a prior each reads exactly the record
    (52.5), with the default prior 52.4, 52.2 and 51.7.
    """
    index = ti.stability_index(_records(every_days, 365), aggregation="kernel_mean", prior_events=0)
    signal = float(ti.score(_records(1, 1)).raw_signal[0])
    np.testing.assert_allclose(index["tension"], signal, rtol=1e-12)


def test_mean_lets_volume_back_in_and_kernel_mean_does_not() -> None:
    """The issue's case: identical records, three frequencies, the last day of a year."""
    ends = {
        how: [
            _last(ti.stability_index(_records(k, 365), aggregation=how), "stability")
            for k in (1, 7, 30)
        ]
        for how in ("mean", "kernel_mean")
    }
    assert max(ends["mean"]) - min(ends["mean"]) > 10  # far apart
    assert max(ends["kernel_mean"]) - min(ends["kernel_mean"]) < 2.5  # the prior only


@given(
    frame=event_frames(min_size=1, max_size=25),
    config=configs(aggregations=["sum", "mean", "kernel_mean"], coded_settings=True),
    data=st.data(),
)
def test_explain_sums_to_the_index_under_coded_settings(
    frame: pd.DataFrame, config: ti.IndexConfig, data: st.DataObject
) -> None:
    scored = ti.score(frame, config)
    index = scored.index()
    row = index.iloc[data.draw(st.integers(0, len(index) - 1))]
    why = scored.explain(str(row["dyad"]), row["date"])
    meta = why.attrs["tensionindex"]
    assert meta["tension"] == pytest.approx(row["tension"], rel=1e-9, abs=1e-9)
    assert meta["information"] == pytest.approx(row["information"], rel=1e-9, abs=1e-12)
    assert meta["stability"] == pytest.approx(row["stability"], rel=1e-9, abs=1e-9)
    if config.neutral != "zero":
        np.testing.assert_allclose(
            why["contribution"],
            (why["signal"] - why["baseline"]) * why["aggregation"] * why["decay"],
            rtol=1e-12,
            atol=1e-12,
        )


@given(
    frame=event_frames(min_size=2, max_size=25),
    config=configs(aggregations=["kernel_mean", "sum"], coded_settings=True),
    data=st.data(),
)
def test_a_dyad_baseline_does_not_look_ahead(
    frame: pd.DataFrame, config: ti.IndexConfig, data: st.DataObject
) -> None:
    """The index up to a day is the same with or without the events after it."""
    import dataclasses

    config = dataclasses.replace(config, neutral="dyad", scale=10.0)
    days = frame["date"].sort_values()
    cut = days.iloc[data.draw(st.integers(0, len(days) - 1))]
    whole = ti.stability_index(frame, config, end=cut)
    early = ti.stability_index(frame[frame["date"] <= cut], config, start=days.iloc[0])
    whole = whole[whole["dyad"].astype(str).isin(early["dyad"].astype(str))]
    np.testing.assert_allclose(
        whole["tension"].to_numpy(), early["tension"].to_numpy(), rtol=1e-9, atol=1e-9
    )


def test_a_dyad_baseline_centres_a_dyads_usual_record_on_neutral() -> None:
    """The same cooperative record every day: only the first (with no past) moves the index.

    Every later record equals its dyad's trailing mean, so it adds 0; the first
    one fades, and the index returns to neutral.
    """
    index = ti.stability_index(
        _records(1, 120), aggregation="kernel_mean", neutral="dyad", neutral_days=30
    )
    scored = ti.score(_records(1, 120), neutral="dyad", neutral_days=30)
    np.testing.assert_allclose(scored.signal[1:], 0.0, atol=1e-12)
    tension = index["tension"].abs().to_numpy()
    assert (np.diff(tension) < 0).all()
    assert index["stability"].iloc[-1] == pytest.approx(50.0, abs=0.05)


def test_a_source_baseline_is_the_mean_event_of_each_dataset() -> None:
    rows = [
        event(date="2024-01-01", actor1="USA", actor2="RUS", event_type="cameo:042", dataset="a"),
        event(date="2024-01-01", actor1="USA", actor2="RUS", event_type="cameo:190", dataset="b"),
        event(date="2024-01-02", actor1="USA", actor2="RUS", event_type="cameo:042", dataset="a"),
    ]
    scored = ti.score(pd.DataFrame(rows), neutral="source")
    if "dataset" not in scored.events.columns:
        pytest.skip("validate_events does not keep a 'dataset' column yet")
    # Dataset a's events are all alike: each sits on its own baseline; b has one event.
    np.testing.assert_allclose(scored.signal, 0.0, atol=1e-12)


def test_dataset_confidence_scales_each_datasets_events() -> None:
    rows = [
        event(
            date="2024-01-01", actor1="CHN", actor2="PHL", event_type="water_cannon", dataset="x"
        ),
        event(
            date="2024-01-01", actor1="CHN", actor2="PHL", event_type="water_cannon", dataset="y"
        ),
    ]
    scored = ti.score(pd.DataFrame(rows), dataset_confidence={"x": 0.5})
    if "dataset" not in scored.events.columns:
        pytest.skip("validate_events does not keep a 'dataset' column yet")
    np.testing.assert_allclose(scored.raw_signal, [3.5, 7.0])
    unweighted = ti.score(pd.DataFrame(rows), dataset_confidence={"x": 0.5}, use_confidence=False)
    np.testing.assert_allclose(unweighted.raw_signal, [7.0, 7.0])


def test_information_is_the_decayed_number_of_events() -> None:
    rows = [event(date="2024-03-01", actor1="CHN", actor2="PHL", event_type="water_cannon")] * 3
    index = ti.stability_index(rows, half_life=2, end="2024-03-09")
    np.testing.assert_allclose(index["information"], 3 * 2.0 ** (-np.arange(9) / 2))
    # The default threshold: a quarter of one event (3 * 2 ** (-d / 2) < 0.25 from d = 8).
    assert index["low_information"].tolist() == [False] * 8 + [True]
    strict = ti.stability_index(rows, half_life=2, end="2024-03-05", min_information=1.0)
    assert strict["low_information"].tolist() == [False, False, False, False, True]


def test_a_quiet_dyad_is_flagged_not_calm() -> None:
    index = ti.stability_index(_records(60, 365), aggregation="kernel_mean", min_information=1.0)
    quiet = index[index["low_information"]]
    assert len(quiet) > 0.5 * len(index)
    assert (quiet["information"] < 1.0).all()


def test_auto_scale_puts_nine_informed_values_in_ten_inside_5_and_95() -> None:
    scored = ti.score(ti.load_example("us-china-2024"), scale="auto")
    index = scored.index()
    informed = index[~index["low_information"]]
    # The 90th percentile interpolates: at least 90% less one value lie inside.
    inside = (informed["stability"] >= 5 - 1e-6) & (informed["stability"] <= 95 + 1e-6)
    assert inside.mean() >= 0.9 - 1.0 / len(informed)
    assert index.attrs["tensionindex"]["scale"] == pytest.approx(scored.scale)
    high = np.quantile(informed["tension"].abs(), 0.9)
    assert scored.scale == pytest.approx(high / math.log(19.0))


def test_auto_scale_of_subnormal_signals_is_one_not_zero() -> None:
    """Found by the ci profile: a multiplier of 5e-324 left a scale of 0 and T / 0 = NaN."""
    events = pd.DataFrame(
        {
            "date": ["2018-01-01", "2018-01-06"],
            "actor1": ["USA", "CHN"],
            "actor2": ["CHN", "USA"],
            "event_type": ["warning", "warning"],
            "intensity": [1.0, 1.2],
        }
    )
    scored = ti.score(
        events,
        category_multipliers={"diplomatic_friction": 5e-324},
        kernel="window",
        window=1,
        neutral="source",
        neutral_days=1,
        scale="auto",
    )
    assert scored.scale == 1.0
    index = scored.index()
    assert np.isfinite(index["stability"]).all()
    why = scored.explain("CHN-USA", "2018-01-06")
    assert why.attrs["tensionindex"]["stability"] == pytest.approx(
        index.loc[index["date"] == "2018-01-06", "stability"].item()
    )


def test_auto_scale_is_the_same_for_every_query_of_one_scored_object() -> None:
    scored = ti.score(ti.load_example("us-china-2024"), scale="auto")
    one = scored.index(dyads="CHN-PHL", start="2024-01-01")
    assert one.attrs["tensionindex"]["scale"] == scored.index().attrs["tensionindex"]["scale"]


def test_saturation_warns_and_names_the_setting() -> None:
    rows = _records(1, 200)
    with pytest.warns(ti.SaturationWarning, match=r"RUS-USA \(100% of days\).*scale=\"auto\""):
        ti.stability_index(rows, scale=0.01)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ti.SaturationWarning)
        ti.stability_index(rows, scale="auto", aggregation="kernel_mean", neutral="dyad")
        ti.stability_index(rows, scale=0.01, saturation_share=1.0)  # silenced by the setting


def test_settings_that_need_every_dyad_are_refused_by_the_state() -> None:
    for setting in ({"aggregation": "kernel_mean"}, {"neutral": "dyad"}, {"scale": "auto"}):
        with pytest.raises(ti.ConfigurationError, match="IndexState cannot score with"):
            ti.IndexState(**setting)


def test_new_settings_at_their_defaults_keep_the_fingerprint() -> None:
    assert (
        ti.IndexConfig(prior_events=1, min_information=0.25).fingerprint
        == ti.IndexConfig().fingerprint
    )
    # The prior only matters under kernel_mean; saturation_share changes no number.
    assert ti.IndexConfig(prior_events=3).fingerprint == ti.IndexConfig().fingerprint
    assert ti.IndexConfig(saturation_share=0.9).fingerprint == ti.IndexConfig().fingerprint
    assert (
        ti.IndexConfig(aggregation="kernel_mean", prior_events=3).fingerprint
        != ti.IndexConfig(aggregation="kernel_mean").fingerprint
    )


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"scale": "big"}, r"'scale' parameter of IndexConfig must be a number > 0 or 'auto'"),
        (
            {"neutral": "dyads"},
            r"'neutral' .* one of 'zero', 'dyad', 'source'.*Did you mean 'dyad'",
        ),
        ({"prior_events": -1}, r"'prior_events' .* >= 0\. Got -1"),
        ({"neutral_days": 0}, r"'neutral_days' .* from 1 to 100000\. Got 0"),
        ({"saturation_share": 1.5}, r"'saturation_share' .* > 0 and <= 1\. Got 1\.5"),
        ({"dataset_confidence": {"gdelt": 2}}, r"dataset_confidence\['gdelt'\].* from 0 to 1"),
        ({"min_information": float("nan")}, r"'min_information' .* finite number"),
    ],
)
def test_invalid_coded_settings_are_named(setting: dict[str, object], message: str) -> None:
    with pytest.raises(ti.ConfigurationError, match=message):
        ti.IndexConfig(**setting)


# -- real coded data (../shared, beside the checkout; not shipped) ------------------

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
GEORGIA = sorted((SHARED / "gdelt" / "derived" / "georgia_gdelt1_monthly").glob("*.csv"))


@pytest.mark.skipif(
    not GEORGIA, reason="needs ../shared/data/gdelt/derived/georgia_gdelt1_monthly (real GDELT)"
)
def test_real_gdelt_reads_in_a_readable_range_under_the_recommended_settings() -> None:
    """Nine months of GDELT 1.0 located in Georgia: the four busiest dyads.

    Under ``sum`` the index sits at 0 or 100 most of the time; under the settings
    ``--format gdelt`` uses, at least 90% of each dyad's days lie within [5, 95]
    and the median is within 25 points of neutral.
    """
    events = ti.deduplicate(ti.read_gdelt(GEORGIA), how="one_a_day")[0]
    scored = ti.score(events)
    busiest = pd.Series(scored.dyad).value_counts().head(4).index
    dyads = [str(scored.labels[code]) for code in busiest]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ti.SaturationWarning)
        plain = scored.index(dyads=dyads)
    recommended = scored.with_config(**CODED).index(dyads=dyads)
    for dyad in dyads:
        old = plain.loc[plain["dyad"] == dyad, "stability"]
        new = recommended.loc[recommended["dyad"] == dyad, "stability"]
        assert old.between(5, 95).mean() < 0.5, dyad
        assert new.between(5, 95).mean() >= 0.9, dyad
        assert abs(new.median() - 50) < 25, dyad


@pytest.mark.skipif(
    not GEORGIA, reason="needs ../shared/data/gdelt/derived/georgia_gdelt1_monthly (real GDELT)"
)
def test_the_default_warns_on_real_gdelt() -> None:
    """The issue's case: RUS-USA at 0 or 100 on 175 of 269 days under the default."""
    events = ti.read_gdelt(GEORGIA, dyads="RUS-USA")
    with pytest.warns(ti.SaturationWarning, match=r"RUS-USA \(65% of days\)"):
        index = ti.stability_index(events)
    assert int((index["stability"] > 99).sum()) == 175


ICEWS_SAMPLE = SHARED / "icews" / "events.2018.sample.tab"
CODED_EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "_coded_example.py"


@pytest.mark.slow  # reads nine months of GDELT and the ICEWS sample: over a second
@pytest.mark.skipif(
    not GEORGIA or not ICEWS_SAMPLE.is_file(),
    reason="needs ../shared/data (real GDELT located in Georgia and the ICEWS 2018 sample)",
)
def test_data_sources_quotes_what_the_coded_example_measures() -> None:
    """docs/data-sources.md's table of the index on real coded data is the script's output.

    The table once went stale when a default changed (min_information 1 -> 0.25
    moved the auto scale and the GDELT medians) and nothing noticed.
    """
    spec = importlib.util.spec_from_file_location("docs_coded_example", CODED_EXAMPLE)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = script
    spec.loader.exec_module(script)
    text = script.PAGE.read_text(encoding="utf-8")
    assert script.render(text, script.tables()) == text, (
        "docs/data-sources.md is out of date: run python docs/_coded_example.py --write"
    )
