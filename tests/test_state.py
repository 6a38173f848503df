"""IndexState: batch by batch equals the whole index; late events; JSON round trips; errors."""

from __future__ import annotations

import copy
import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti
from reference import assert_index_close, tolerance
from tensionindex.state import IndexState
from tensionindex.testing import event

DAY = pd.Timedelta(days=1)


def _example() -> pd.DataFrame:
    events = ti.validate_events(ti.load_example("us-china-2024"))
    return events.sort_values("date", kind="stable").reset_index(drop=True)


def _by_days(events: pd.DataFrame, n_batches: int) -> list[pd.DataFrame]:
    """The events cut at day boundaries into about ``n_batches`` batches."""
    days = np.unique(events["date"].to_numpy())
    return [events[events["date"].isin(part)] for part in np.array_split(days, n_batches)]


def _latest(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """All emitted rows, the last emission of each dyad and day winning."""
    rows = pd.concat([f.assign(dyad=f["dyad"].astype(str)) for f in frames], ignore_index=True)
    rows = rows.drop_duplicates(["dyad", "date"], keep="last")
    return rows.sort_values(["dyad", "date"], kind="stable").reset_index(drop=True)


def _expected(events: Any, config: ti.IndexConfig, end: Any = None) -> pd.DataFrame:
    """stability_index on all events, each dyad from its first event on."""
    full = ti.stability_index(events, config, end=end)
    full["dyad"] = full["dyad"].astype(str)
    counted = full[full["events"] > 0]
    first = counted.groupby("dyad")["date"].min()
    keep = full["date"].to_numpy() >= first.reindex(full["dyad"]).to_numpy()
    return full[keep].reset_index(drop=True)


def _check(
    frames: list[pd.DataFrame], events: Any, config: ti.IndexConfig, end: Any = None
) -> None:
    assert_index_close(
        _latest(frames),
        _expected(events, config, end),
        atol=tolerance(events, config),
        scale=config.scale,
    )


CONFIGS = {
    "exponential-sum": ti.IndexConfig(),
    "exponential-mean-categories": ti.IndexConfig(
        aggregation="mean", half_life=20, category_half_lives={"gray_zone": 7, "dialogue": 60}
    ),
    "exponential-share-directed": ti.IndexConfig(aggregation="share", directed=True),
    "window-sum": ti.IndexConfig(kernel="window", window=30),
    "window-mean": ti.IndexConfig(kernel="window", window=7, aggregation="mean"),
    "window-share": ti.IndexConfig(kernel="window", window=90, aggregation="share"),
}


@pytest.mark.parametrize("late", ["reject", "correct"])
@pytest.mark.parametrize("name", list(CONFIGS))
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_batches_equal_the_whole_index_on_the_bundled_example(name: str, late: str) -> None:
    config = CONFIGS[name]
    events = _example()
    state = IndexState(config, late=late, lookback=45)  # type: ignore[arg-type]
    frames = [state.update(batch) for batch in _by_days(events, 12)]
    _check(frames, events, config)
    # Without late events every row is emitted once, in order.
    rows = pd.concat([f.assign(dyad=f["dyad"].astype(str)) for f in frames])
    assert not rows.duplicated(["dyad", "date"]).any()
    assert state.last_day == events["date"].max()
    assert state.dyads == tuple(sorted(_expected(events, config)["dyad"].unique()))


def test_each_update_returns_the_new_days_in_the_engine_layout() -> None:
    state = IndexState(half_life=2)
    first = state.update([event("2024-03-01"), event("2024-03-01", "ramming")])
    assert list(first.columns) == ["dyad", "date", "events", "signal", "tension", "stability"]
    assert first["events"].tolist() == [2] and first["signal"].tolist() == [16.2]
    later = state.update([event("2024-03-04", "leader_call", "USA", "CHN")])
    # CHN-PHL goes on from the day after the last emitted one; CHN-USA joins on its first event.
    assert later["dyad"].astype(str).tolist() == ["CHN-PHL"] * 3 + ["CHN-USA"]
    assert later["date"].dt.strftime("%d").tolist() == ["02", "03", "04", "04"]
    assert later["events"].dtype == np.int64
    assert later.attrs["tensionindex"]["fingerprint"] == ti.IndexConfig(half_life=2).fingerprint
    np.testing.assert_allclose(later["tension"].iloc[:3], 16.2 * 2.0 ** -np.array([0.5, 1, 1.5]))


def test_until_advances_with_decay_and_no_events() -> None:
    state = IndexState(half_life=10)
    state.update([event("2024-03-01")])
    rows = state.update([], until="2024-03-21")
    assert len(rows) == 20 and state.last_day == pd.Timestamp("2024-03-21")
    np.testing.assert_allclose(rows["tension"], 7.0 * 2.0 ** (-np.arange(1, 21) / 10), rtol=1e-12)
    assert (rows["events"] == 0).all() and (rows["signal"] == 0).all()
    expected = ti.stability_index([event("2024-03-01")], half_life=10, end="2024-03-21")
    np.testing.assert_allclose(rows["stability"], expected["stability"].iloc[1:], rtol=1e-12)
    # Until the same day again: nothing new.
    assert state.update([], until="2024-03-21").empty


def test_an_empty_batch_without_until_emits_nothing_and_does_not_advance() -> None:
    state = IndexState()
    assert state.update([]).empty and state.last_day is None
    assert state.update([], until="2024-03-01").empty and state.last_day is None  # no dyads yet
    state.update([event("2024-03-01")])
    empty = state.update(pd.DataFrame())
    assert empty.empty
    assert list(empty.columns) == ["dyad", "date", "events", "signal", "tension", "stability"]
    assert state.last_day == pd.Timestamp("2024-03-01")


def test_a_batch_may_span_many_days_and_come_in_any_order() -> None:
    events = _example()
    state = IndexState()
    shuffled = events.sample(frac=1.0, random_state=7)
    _check([state.update(shuffled)], events, ti.IndexConfig())


def test_window_tension_returns_to_exact_zero() -> None:
    state = IndexState(kernel="window", window=3)
    state.update([event("2024-03-01"), event("2024-03-02", "dialogue_resumed")])
    # 7 - 7 = 0 on the 3rd; the 7 leaves the window on the 4th, the -7 on the 5th.
    assert state.update([], until="2024-03-04")["tension"].tolist() == [0.0, -7.0]
    carry = state.to_dict()["kernels"][0]["carry"]
    assert carry["day"] == ["2024-03-02"]  # only the last window is kept
    assert state.update([], until="2024-03-06")["tension"].tolist() == [0.0, 0.0]
    assert state.to_dict()["kernels"][0]["carry"]["day"] == []


def test_late_event_is_rejected_by_default_and_the_state_is_unchanged() -> None:
    state = IndexState()
    state.update([event("2024-03-01"), event("2024-03-05", "threat", "USA", "CHN")])
    saved = state.to_dict()
    late = [event("2024-03-06"), event("2024-03-04", "ramming", "PHL", "CHN")]
    with pytest.raises(
        ti.EventValidationError,
        match=r"Row 1 of the batch, an event of dyad 'CHN-PHL' dated 2024-03-04, comes on or "
        r"before the last emitted day 2024-03-05 \(1 such events in the batch\)\. .*"
        r"late='correct'",
    ):
        state.update(late)
    assert state.to_dict() == saved
    with pytest.raises(ti.EventValidationError, match=r"dated 2024-03-05, comes on or before"):
        state.update([event("2024-03-05")])  # the last emitted day itself is closed


def test_late_event_beyond_the_lookback_is_refused() -> None:
    state = IndexState(late="correct", lookback=3)
    state.update([event("2024-03-01"), event("2024-03-10")])
    state.update([event("2024-03-08")])  # within the last 3 days: fine
    with pytest.raises(
        ti.EventValidationError,
        match=r"Row 0 of the batch, an event of dyad 'CHN-PHL' dated 2024-03-07, is too late to "
        r"correct: the last emitted day is 2024-03-10 and lookback=3 keeps the days from "
        r"2024-03-08 on\. Create the state with a longer lookback",
    ):
        state.update([event("2024-03-07")])


@pytest.mark.parametrize("kernel", ["exponential", "window"])
def test_late_events_reemit_the_rows_they_change(kernel: Any) -> None:
    config = ti.IndexConfig(kernel=kernel, window=5, half_life=3)
    events = [event("2024-03-01"), event("2024-03-06", "threat", "USA", "CHN")]
    state = IndexState(config, late="correct", lookback=10)
    frames = [state.update(events)]
    late = [event("2024-03-03", "ramming")]
    frames.append(state.update(late))
    # Only CHN-PHL changed, from the late event's day; no new day.
    assert frames[1]["dyad"].astype(str).unique().tolist() == ["CHN-PHL"]
    assert frames[1]["date"].min() == pd.Timestamp("2024-03-03")
    assert frames[1]["date"].max() == pd.Timestamp("2024-03-06")
    _check(frames, events + late, config)


def test_late_event_under_share_reemits_every_dyad_of_its_day() -> None:
    config = ti.IndexConfig(aggregation="share")
    events = [
        event("2024-03-02"),
        event("2024-03-02", "threat", "USA", "CHN"),
        event("2024-03-01", "warning", "JPN", "CHN"),
    ]
    state = IndexState(config, late="correct")
    frames = [state.update(events[:2]), state.update([], until="2024-03-04")]
    frames.append(state.update([event("2024-03-02", "threat", "JPN", "RUS")]))
    # The new event changes the day's denominator: CHN-PHL and CHN-USA are emitted again.
    assert sorted(frames[2]["dyad"].astype(str).unique()) == ["CHN-PHL", "CHN-USA", "JPN-RUS"]
    assert frames[2]["date"].min() == pd.Timestamp("2024-03-02")
    frames.append(state.update([events[2]]))  # a new dyad before every other one
    assert frames[3]["date"].min() == pd.Timestamp("2024-03-01")
    everything = [*events, event("2024-03-02", "threat", "JPN", "RUS")]
    _check(frames, everything, config, end="2024-03-04")


def test_the_open_day_takes_more_events_with_lookback_one() -> None:
    config = ti.IndexConfig(aggregation="mean")
    state = IndexState(config, late="correct", lookback=1)
    morning = [event("2024-03-01", "ramming"), event("2024-03-02")]
    evening = [event("2024-03-02", "dialogue_resumed")]
    frames = [state.update(morning), state.update(evening)]
    assert frames[1]["date"].tolist() == [pd.Timestamp("2024-03-02")]
    assert frames[1]["signal"].tolist() == [0.0]  # the mean of 7 and -7
    _check(frames, morning + evening, config)
    with pytest.raises(ti.EventValidationError, match=r"lookback=1 keeps the days from 2024-03-02"):
        state.update([event("2024-03-01")])


def test_until_must_not_go_back() -> None:
    state = IndexState()
    with pytest.raises(
        ti.EventValidationError,
        match=r"The 'until' date 2024-03-01 comes before the latest event of the batch "
        r"\(2024-03-04\); give an 'until' on or after it",
    ):
        state.update([event("2024-03-04")], until="2024-03-01")
    state.update([event("2024-03-04")])
    with pytest.raises(
        ti.EventValidationError,
        match=r"The 'until' date 2024-03-02 comes before the last emitted day 2024-03-04; a "
        r"state only moves forward",
    ):
        state.update([], until="2024-03-02")
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"The 'until' parameter of IndexState\.update must be a date such as "
        r"'2024-04-16', from 1678-01-01 to 2261-12-31, or None\. Got 20240305 instead\.",
    ):
        state.update([], until=20240305)


def test_invalid_events_raise_the_validation_error() -> None:
    state = IndexState()
    with pytest.raises(ti.EventValidationError, match=r"Did you mean 'water_cannon'\?"):
        state.update([event("2024-03-01", "water_canon")])
    assert state.last_day is None


def test_custom_types_and_overrides_are_used() -> None:
    spec = {"navy_band": {"label": "A navy band performs", "category": "dialogue", "weight": -3}}
    state = IndexState(custom_types=spec, scale=5)
    rows = state.update([event("2024-03-01", "navy_band")])
    assert rows["signal"].tolist() == [-3.0]
    assert state.config.scale == 5.0
    np.testing.assert_allclose(rows["stability"], 100 / (1 + np.exp(-3 / 5)))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"late": "rejct"},
            r"The 'late' parameter of IndexState must be one of 'reject', "
            r"'correct'\. Got 'rejct' instead\. Did you mean 'reject' or 'correct'\?",
        ),
        ({"late": None}, r"The 'late' parameter .* Got None instead\.$"),
        (
            {"lookback": 0},
            r"The 'lookback' parameter of IndexState must be an integer from 1 to 100000\. "
            r"Got 0 instead\.",
        ),
        ({"lookback": 2.5}, r"'lookback' .* Got 2\.5 instead\."),
        ({"lookback": True}, r"'lookback' .* Got True instead\."),
        ({"half_lfe": 3}, r"Unknown setting 'half_lfe'\. Did you mean 'half_life'\?"),
        ({"half_life": -1}, r"The 'half_life' parameter of IndexConfig must be a number > 0"),
    ],
)
def test_invalid_parameters_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ti.ConfigurationError, match=message):
        IndexState(**kwargs)


def test_properties_and_repr() -> None:
    state = IndexState(late="correct", lookback=5)
    assert (state.late, state.lookback, state.last_day, state.dyads) == ("correct", 5, None, ())
    state.update([event("2024-03-01")])
    assert repr(state) == (
        "IndexState(dyads=1, last_day=2024-03-01, late='correct', lookback=5, "
        f"fingerprint={ti.IndexConfig().fingerprint!r})"
    )


# -- JSON ---------------------------------------------------------------------


@pytest.mark.parametrize("late", ["reject", "correct"])
@pytest.mark.parametrize("name", list(CONFIGS))
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_a_state_saved_as_json_mid_stream_gives_identical_later_rows(name: str, late: str) -> None:
    config = CONFIGS[name]
    batches = _by_days(_example(), 8)
    kept = IndexState(config, late=late, lookback=20)  # type: ignore[arg-type]
    for batch in batches[:4]:
        kept.update(batch)
    text = json.dumps(kept.to_dict(), allow_nan=False)
    restored = IndexState.from_dict(json.loads(text))
    assert restored.to_dict() == kept.to_dict()
    for batch in batches[4:]:
        pd.testing.assert_frame_equal(restored.update(batch), kept.update(batch))
    pd.testing.assert_frame_equal(
        restored.update([], until="2025-01-31"), kept.update([], until="2025-01-31")
    )


def test_the_saved_dict_holds_what_the_docs_say() -> None:
    state = IndexState(half_life=20, category_half_lives={"gray_zone": 5}, late="correct")
    state.update([event("2024-03-01"), event("2024-03-02", "leader_call", "USA", "CHN")])
    saved = state.to_dict()
    assert saved["kind"] == "tensionindex.IndexState" and saved["schema"] == 2
    assert saved["fingerprint"] == state.config.fingerprint
    assert saved["config"] == state.config.to_dict()
    assert saved["last_day"] == "2024-03-02" and saved["dyads"] == ["CHN-PHL", "CHN-USA"]
    assert saved["first_day"] == ["2024-03-01", "2024-03-02"]
    # One carry per distinct kernel, each saved as the kernel object's dict.
    assert [k["kernel"] for k in saved["kernels"]] == [
        {"name": "exponential", "half_life": 20.0},
        {"name": "exponential", "half_life": 5.0},
    ]
    empty = {"dyad": [], "day": [], "value": []}
    assert [k["carry"] for k in saved["kernels"]] == [empty, empty]  # both days still open
    assert saved["history"] == {
        "dyad": [0, 1],
        "day": ["2024-03-01", "2024-03-02"],
        "kernel": [1, 0],  # water_cannon is gray_zone (5 days), leader_call dialogue
        "events": [1, 1],
        "raw": [7.0, -4.5],
    }
    rejecting = IndexState(half_life=20)
    rejecting.update([event("2024-03-01"), event("2024-03-02", "ramming")])
    assert rejecting.to_dict()["kernels"] == [
        {
            "kernel": {"name": "exponential", "half_life": 20.0},
            # The exponential scan's block of these days started on 2024-02-23 (day
            # 19,776 = 309 x 64) and has not ended: the cells themselves.
            "carry": {"dyad": [0, 0], "day": ["2024-03-01", "2024-03-02"], "value": [7.0, 9.2]},
        }
    ]
    # Once the block has ended (2024-04-26 is day 19,839 = 310 x 64 - 1), the value
    # the scan carries into the next one, and the first day of that block.
    rejecting.update([], until="2024-04-26")
    carry = rejecting.to_dict()["kernels"][0]["carry"]
    assert carry["day"] == ["2024-04-26"] and carry["start"] == "2024-04-27"
    assert carry["value"] == pytest.approx([(7.0 * 2 ** (-1 / 20) + 9.2) * 2 ** (-55 / 20)])
    assert rejecting.to_dict()["history"]["day"] == []


def test_the_window_carry_is_the_kernels_own() -> None:
    state = IndexState(kernel="window", window=3, category_half_lives={"gray_zone": 5})
    state.update([event("2024-03-01"), event("2024-03-03", "ramming")])
    (entry,) = state.to_dict()["kernels"]  # half-lives do not make window kernels differ
    assert entry == {
        "kernel": {"name": "window", "window": 3},
        "carry": {"dyad": [0, 0], "day": ["2024-03-01", "2024-03-03"], "value": [7.0, 9.2]},
    }
    state.update([], until="2024-03-04")
    assert state.to_dict()["kernels"][0]["carry"]["day"] == ["2024-03-03"]


# -- how far a state may advance --------------------------------------------------------


def test_until_more_than_a_century_ahead_is_refused() -> None:
    state = IndexState()
    state.update([event("2024-03-01")])
    saved = state.to_dict()
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"The 'until' parameter of IndexState\.update must be a date at most 36525 days "
        r"\(100 years\) after the last emitted day \(2024-03-01\): every dyad gets a row per "
        r"day\. Got '2124-03-03' instead\.",
    ):
        state.update([], until="2124-03-03")
    assert state.to_dict() == saved
    with pytest.raises(ti.InvalidParameterError, match=r"after the last emitted day"):
        state.update([event("2024-03-02")], until="2200-01-01")
    assert len(state.update([], until="2124-03-02")) == 36_525  # exactly the limit is fine


def test_until_too_far_after_the_first_batch_is_refused() -> None:
    state = IndexState()
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"at most 36525 days \(100 years\) after the batch's first event \(2024-03-01\)",
    ):
        state.update([event("2024-03-01"), event("2024-03-05")], until="2261-01-01")
    assert state.last_day is None


# -- JSON: schema 1 (tensionindex 0.1) ---------------------------------------------------

# Saved by tensionindex 0.1 after the first batch of the tests below.
CONFIG_1 = {
    "default_weights": "goldstein",
    "weights": {},
    "category_multipliers": {},
    "custom_types": {},
    "intensity_transform": "linear",
    "use_confidence": True,
    "aggregation": "sum",
    "kernel": "exponential",
    "half_life": 20.0,
    "category_half_lives": {"gray_zone": 5.0},
    "window": 90,
    "scale": 10.0,
    "directed": False,
    "name": "",
    "description": "",
}
# The fingerprints below are those of the configurations under the weight tables
# shipped now: a state saved under tables that have since changed is refused (see
# test_a_state_saved_under_other_weight_tables_is_refused), so the schema-1 cases
# carry the current ones.  Their events use cameo:041 (-1.0), whose weight the
# revision of the analyst table left alone.
SCHEMA_1_EXPONENTIAL = {
    "kind": "tensionindex.IndexState",
    "schema": 1,
    "version": "0.1.0",
    "config": CONFIG_1,
    "fingerprint": "0bf8f79d2af3b355",
    "late": "correct",
    "lookback": 3,
    "last_day": "2024-03-05",
    "dyads": ["CHN-PHL", "CHN-USA"],
    "first_day": ["2024-03-01", "2024-03-02"],
    "half_lives": [5.0, 20.0],
    "carry": [[6.093853943072869, 0.0], [0.0, -1.0]],
    "window": None,
    "history": {"dyad": [0], "day": ["2024-03-05"], "events": [1], "raw": [[9.2], [0.0]]},
}
SCHEMA_1_WINDOW = {
    **SCHEMA_1_EXPONENTIAL,
    "config": {**CONFIG_1, "kernel": "window", "half_life": 30.0, "category_half_lives": {},
               "window": 5},
    "fingerprint": "a53c48dd4001093f",
    "late": "reject",
    "lookback": 30,
    "last_day": "2024-03-06",
    "first_day": ["2024-03-01", "2024-03-04"],
    "half_lives": [30.0],
    "carry": [],
    "window": {"dyad": [0, 1], "day": ["2024-03-06", "2024-03-04"], "events": [1, 1],
               "signal": [[9.2, -1.0]]},
    "history": {"dyad": [], "day": [], "events": [], "raw": [[]]},
}  # fmt: skip
SCHEMA_1_CASES = {
    "exponential": (
        SCHEMA_1_EXPONENTIAL,
        [event("2024-03-01"), event("2024-03-02", "cameo:041", "USA", "CHN"),
         event("2024-03-05", "ramming")],
        [event("2024-03-04", "threat", "USA", "CHN"), event("2024-03-07")],
        # What tensionindex 0.1 emitted for the second batch.
        [11.509065, 17.019223, 6.066967, 5.860304, 5.660680, 5.467857],
    ),
    "window": (
        SCHEMA_1_WINDOW,
        [event("2024-03-01"), event("2024-03-04", "cameo:041", "USA", "CHN"),
         event("2024-03-06", "ramming")],
        [event("2024-03-09", "threat", "USA", "CHN")],
        [9.2, 9.2, 9.2, -1.0, -1.0, 7.0],
    ),
}  # fmt: skip


def test_a_state_saved_under_other_weight_tables_is_refused() -> None:
    # What tensionindex 0.1 saved: the same configuration, the weight tables before the
    # analyst table's revision (leader_call -1, protest_lodged 2 ...): its carry holds
    # signals weighed differently, so it must be rebuilt, not continued.
    saved = {**copy.deepcopy(SCHEMA_1_EXPONENTIAL), "fingerprint": "374fa42cff772056"}
    with pytest.raises(
        ti.ConfigurationError,
        match=r"fingerprint '374fa42cff772056', but its configuration now has fingerprint "
        r"'0bf8f79d2af3b355' .*the shipped weight tables changed",
    ):
        IndexState.from_dict(saved)


@pytest.mark.parametrize("name", list(SCHEMA_1_CASES))
def test_a_schema_1_state_is_converted_and_goes_on_as_before(name: str) -> None:
    saved, first, second, tension = SCHEMA_1_CASES[name]
    restored = IndexState.from_dict(copy.deepcopy(saved))
    assert restored.to_dict()["schema"] == 2
    fresh = IndexState(restored.config, late=restored.late, lookback=restored.lookback)
    fresh.update(first)
    got = restored.update(second)
    pd.testing.assert_frame_equal(got, fresh.update(second), rtol=1e-12)
    np.testing.assert_allclose(got["tension"], tension, atol=1e-6)


def test_a_schema_1_state_with_history_on_several_half_lives_keeps_its_counts() -> None:
    config = ti.IndexConfig(aggregation="mean", half_life=20, category_half_lives={"gray_zone": 5})
    saved = {
        **copy.deepcopy(SCHEMA_1_EXPONENTIAL),
        "config": config.to_dict(),
        "fingerprint": config.fingerprint,
        "history": {"dyad": [0], "day": ["2024-03-05"], "events": [3], "raw": [[9.2], [2.0]]},
    }
    restored = IndexState.from_dict(saved)
    history = restored.to_dict()["history"]
    assert (history["kernel"], history["events"], history["raw"]) == ([1, 0], [2, 1], [9.2, 2.0])
    # A late event on that day: the mean divides by the 4 events of the day.
    rows = restored.update([event("2024-03-05", "threat")])
    assert rows["signal"].iloc[0] == pytest.approx((9.2 + 2.0 + 7.0) / 4)


# -- JSON: damaged and foreign states -------------------------------------------------


def _saved() -> dict[str, Any]:
    state = IndexState(late="correct", kernel="window", window=10)
    state.update([event("2024-03-01"), event("2024-03-02", "leader_call", "USA", "CHN")])
    return state.to_dict()


def _saved_rejecting() -> dict[str, Any]:
    state = IndexState(kernel="window", window=10)
    state.update([event("2024-03-01"), event("2024-03-02", "leader_call", "USA", "CHN")])
    return state.to_dict()


def _saved_exponential() -> dict[str, Any]:
    """A state whose exponential carry has a start (its block has ended)."""
    state = IndexState(half_life=20)
    state.update([event("2024-03-01"), event("2024-03-02", "leader_call", "USA", "CHN")])
    state.update([], until="2024-04-27")  # the block of 2024-02-23 ends on 2024-04-26
    saved = state.to_dict()
    assert saved["kernels"][0]["carry"]["start"] == "2024-04-27"
    return saved


def _edited(path: tuple[Any, ...], value: Any, saved: dict[str, Any] | None = None) -> Any:
    saved = copy.deepcopy(_saved() if saved is None else saved)
    target: Any = saved
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return saved


CARRY = ("kernels", 0, "carry")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            [],
            r"Not a saved IndexState: expected the dict that IndexState\.to_dict\(\) returns "
            r"\(with kind='tensionindex\.IndexState'\)\. Got a list instead\.",
        ),
        ({"kind": "other"}, r"Not a saved IndexState: .* Got a dict with kind='other' instead\."),
        (
            _edited(("schema",), 3),
            r"The saved IndexState has schema 3; this version of tensionindex reads schema 2 "
            r"\(and converts schema 1\)\. Rebuild the state",
        ),
        (_edited(("schema",), True), r"The saved IndexState has schema True"),
        (
            _edited(("config", "window"), 11),
            r"The saved IndexState was made with configuration "
            r"fingerprint '[0-9a-f]{16}', but its configuration now has fingerprint "
            r"'[0-9a-f]{16}' \(saved with tensionindex '0\.1\.0'\): the configuration or the "
            r"shipped weight tables changed",
        ),
        (
            _edited(("fingerprint",), "0123456789abcdef"),
            r"made with configuration fingerprint '0123456789abcdef'",
        ),
        (
            _edited(("config", "halflife"), 3),
            r"Unknown configuration setting 'halflife'\. Did you mean 'half_life'\?",
        ),
        (_edited(("late",), "later"), r"The 'late' parameter of IndexState must be one of"),
        (
            _edited(("lookback",), 0),
            r"The 'lookback' parameter of IndexState must be an integer from 1 to 100000",
        ),
        (
            _edited(("history",), KeyError),
            r"The saved IndexState is damaged: missing key "
            r"'history'\. Save it again with IndexState\.to_dict\(\), or rebuild it",
        ),
        (_edited(("last_day",), "yesterday"), r"The saved IndexState is damaged: .*yesterday"),
        (
            _edited(("first_day",), ["2024-03-01"]),
            r"damaged: 'first_day' does not have one date per dyad",
        ),
        (_edited(("dyads",), ["CHN-USA", "CHN-PHL"]), r"damaged: its dyads are not sorted"),
        (_edited(("kernels",), []), r"damaged: its kernels do not match its configuration"),
        (
            _edited(("kernels", 0, "kernel", "window"), 11),
            r"damaged: its kernels do not match its configuration",
        ),
        (
            _edited(("kernels", 0, "kernel", "name"), "gaussian"),
            r"damaged: a kernel is not one of \['carryover', 'exponential', 'window'\]",
        ),
        (
            _edited(("history", "events"), [1, 0]),
            r"damaged: a history cell names an unknown dyad or counts no events",
        ),
        (_edited(("history", "dyad"), [0, 5]), r"damaged: a history cell names an unknown dyad"),
        (_edited(("history", "kernel"), [0, 1]), r"damaged: a history cell names an unknown kern"),
        (
            _edited(("history", "day"), ["2024-03-01", "2024-03-09"]),
            r"damaged: a history cell is dated outside the days the state keeps open",
        ),
        (
            _edited(("history", "dyad"), [0, 1.5]),
            r"damaged: counts and codes must be lists of integers",
        ),
        (_edited(("history", "dyad"), [0]), r"damaged: its history has lists of different lengths"),
        (
            _edited((*CARRY, "day"), [20240301], _saved_rejecting()),
            r"damaged: dates must be a list of ISO dates",
        ),
        (
            _edited((*CARRY, "day"), ["2024-03-01", "2024-03-05"], _saved_rejecting()),
            r"damaged: a carry is dated after the state's anchor day",
        ),
        (
            _edited((*CARRY, "dyad"), [0, 2], _saved_rejecting()),
            r"damaged: a carry names an unknown dyad",
        ),
        (
            _edited((*CARRY, "value"), [1.0], _saved_rejecting()),
            r"damaged: its carry has lists of different lengths",
        ),
        (
            _edited(("history", "raw"), [float("inf"), 1.0]),
            r"damaged: it holds a number that is not finite",
        ),
        (_edited(("last_day",), None), r"damaged: it has dyads but no last day"),
        (
            # A start far back would make the next update scan from 1700.
            _edited((*CARRY, "start"), "1700-01-01", _saved_exponential()),
            r"damaged: a carry's start is not within a block of the state's anchor day",
        ),
        (
            _edited((*CARRY, "start"), "2024-04-29", _saved_exponential()),
            r"damaged: a carry's start is not within a block of the state's anchor day",
        ),
        (
            _edited((*CARRY, "day"), ["2024-03-01", "2024-04-26"], _saved_exponential()),
            r"damaged: a carry has entries before its start",
        ),
        (
            _edited(("half_lives",), [7.0], copy.deepcopy(SCHEMA_1_EXPONENTIAL)),
            r"damaged: its half-lives do not match its configuration",
        ),
    ],
)
def test_a_damaged_or_foreign_state_is_refused(data: Any, message: str) -> None:
    with pytest.raises(ti.ConfigurationError, match=message):
        IndexState.from_dict(data)
