"""ScoredEvents: prepared once, the same numbers as scoring again for every question."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensionindex as ti
from reference import COLUMNS as INDEX_COLUMNS
from tensionindex import events as events_module
from tensionindex.testing import configs, event
from tensionindex.testing import events as event_frames

EXAMPLE = ti.load_example("us-china-2024")


@given(frame=event_frames(min_size=1, max_size=40), config=configs())
def test_the_index_of_scored_events_is_the_one_line_index(
    frame: pd.DataFrame, config: ti.IndexConfig
) -> None:
    scored = ti.score(frame, config)
    pd.testing.assert_frame_equal(scored.index(), ti.stability_index(frame, config))


@given(frame=event_frames(min_size=1, max_size=40), first=configs(), second=configs())
def test_with_config_equals_scoring_again(
    frame: pd.DataFrame, first: ti.IndexConfig, second: ti.IndexConfig
) -> None:
    again = ti.score(frame, first).with_config(second)
    assert again.config == second
    pd.testing.assert_frame_equal(again.index(), ti.score(frame, second).index())


@given(frame=event_frames(min_size=1, max_size=40), config=configs(), data=st.data())
def test_explain_sums_to_the_tension_of_the_index(
    frame: pd.DataFrame, config: ti.IndexConfig, data: st.DataObject
) -> None:
    scored = ti.score(frame, config)
    index = scored.index()
    row = index.iloc[data.draw(st.integers(0, len(index) - 1))]
    why = scored.explain(str(row["dyad"]), row["date"])
    assert why.attrs["tensionindex"]["tension"] == pytest.approx(row["tension"], rel=1e-9, abs=1e-9)
    assert why.attrs["tensionindex"]["fingerprint"] == config.fingerprint


@given(frame=event_frames(min_size=1, max_size=40), config=configs())
def test_kept_orders_and_counts_match_the_events(
    frame: pd.DataFrame, config: ti.IndexConfig
) -> None:
    """What a scored object keeps for later calls is what a pass over the events gives."""
    scored = ti.score(frame, config)
    by = scored.events_by_dyad_and_day()
    keys = list(zip(scored.dyad[by.order].tolist(), scored.day[by.order].tolist(), strict=True))
    assert keys == sorted(keys)
    np.testing.assert_array_equal(by.day, scored.day[by.order])
    np.testing.assert_array_equal(by.signal, scored.signal[by.order])
    np.testing.assert_array_equal(
        np.diff(by.bounds), np.bincount(scored.dyad, minlength=len(scored.labels))
    )
    codes, categories = scored.category_codes()
    assert scored.category_codes()[0] is codes  # kept, not recomputed
    np.testing.assert_array_equal(
        scored._group_counts(codes, len(categories)), np.bincount(codes, minlength=len(categories))
    )
    types = scored.type_code
    np.testing.assert_array_equal(
        scored._group_counts(types, len(scored.type_category)),
        np.bincount(types, minlength=len(scored.type_category)),
    )


def test_contributions_on_and_off_the_grid_agree() -> None:
    """Grids inside the events (a comparison per group) and around them (a sort) agree."""
    scored = ti.score(EXAMPLE)
    inside = scored.contributions(start="2024-01-01", end="2024-06-30")
    around = scored.contributions()
    around = around[(around["date"] >= "2024-01-01") & (around["date"] <= "2024-06-30")]
    columns = [c for c in inside.columns if c not in ("dyad", "date")]
    np.testing.assert_allclose(
        inside[columns].to_numpy(), around[columns].to_numpy(), rtol=1e-9, atol=1e-9
    )


def test_with_config_does_not_validate_again() -> None:
    scored = ti.score(EXAMPLE)
    with mock.patch.object(
        events_module, "validate_events", side_effect=AssertionError("validated again")
    ):
        other = scored.with_config(half_life=7, kernel="window", directed=True)
        other.index()
        other.explain("CHN->PHL", "2024-06-17")
    assert other.config.directed


def test_queries_do_not_validate_again() -> None:
    scored = ti.score(EXAMPLE)
    calls = []
    real = events_module.validated_and_days

    def counting(*args: object, **kwargs: object) -> Any:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    # score() validates through validated_and_days (validate_events calls it too).
    with (
        mock.patch("tensionindex.scored.validated_and_days", counting),
        mock.patch("tensionindex.events.validated_and_days", counting),
    ):
        scored.index()
        scored.explain("CHN-PHL", "2024-06-17")
        scored.contributions()
        scored.grouped(per_unit_weight=True)
        scored.select("CHN-USA").index()
    assert calls == []


def test_a_dyad_selection_keeps_the_grid_of_all_events() -> None:
    scored = ti.score(EXAMPLE)
    everything = scored.index()
    one = scored.select("CHN-PHL").index()
    expected = everything[everything["dyad"] == "CHN-PHL"].reset_index(drop=True)
    np.testing.assert_array_equal(one["date"], expected["date"])
    np.testing.assert_array_equal(one["tension"], expected["tension"])
    assert len(scored.select("CHN-PHL")) == int((scored.dyad == scored.code_of("CHN-PHL")).sum())


def test_explain_reads_only_the_dyads_events() -> None:
    scored = ti.score(EXAMPLE)
    picked = scored.positions("PHL-CHN")
    assert set(scored.events.iloc[picked]["actor1"].astype(str)) <= {"CHN", "PHL"}
    np.testing.assert_array_equal(scored.positions("CHN-PHL"), picked)


def test_scored_events_are_frozen_and_keep_the_callers_data() -> None:
    frame = EXAMPLE.copy()
    before = frame.copy()
    scored = ti.score(frame)
    with pytest.raises(dataclasses.FrozenInstanceError):
        scored.config = ti.IndexConfig()  # type: ignore[misc]
    scored.with_config(half_life=3).index()
    pd.testing.assert_frame_equal(frame, before)


def test_one_object_serves_many_threads() -> None:
    scored = ti.score(EXAMPLE)
    expected = scored.index()
    results: list[pd.DataFrame] = []

    def work() -> None:
        results.append(scored.index())
        scored.explain("CHN-USA", "2024-04-16")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        pd.testing.assert_frame_equal(result, expected)


def test_score_of_scored_events_applies_the_overrides() -> None:
    scored = ti.score(EXAMPLE)
    assert ti.score(scored) is scored
    assert ti.score(scored, half_life=9).config.half_life == 9


def test_as_of_cuts_the_events_reported_later() -> None:
    events = [
        event("2024-03-01", reported="2024-03-01"),
        event("2024-03-02", "ramming", reported="2024-03-05"),
    ]
    scored = ti.score(events, as_of="2024-03-03", half_life=1)
    assert len(scored) == 1
    assert scored.index().attrs["tensionindex"]["as_of"] == "2024-03-03"
    pd.testing.assert_frame_equal(
        scored.index(), ti.stability_index(events, as_of="2024-03-03", half_life=1)
    )


def test_vintages_of_scored_events_are_the_one_line_vintages() -> None:
    events = [
        event("2024-03-01", reported="2024-03-01"),
        event("2024-03-02", "ramming", reported="2024-03-05"),
        event("2024-03-04", "protest_lodged", "USA", "CHN", reported="2024-03-04"),
    ]
    dates = ["2024-03-03", "2024-03-04", "2024-03-06"]
    got = ti.score(events, half_life=1).vintages(dates)
    assert got["events_known"].tolist() == [1, 1, 1, 2, 1]
    pd.testing.assert_frame_equal(got, ti.vintages(events, dates, half_life=1))


def test_custom_types_must_stay_known_under_a_new_config() -> None:
    custom = ti.IndexConfig(
        custom_types={
            "fishing_militia_swarm": {
                "label": "Militia swarm",
                "category": "gray_zone",
                "weight": 6.0,
            }
        }
    )
    scored = ti.score([event("2024-03-01", "fishing_militia_swarm")], custom)
    with pytest.raises(ti.EventValidationError, match=r"row 0: Unknown event type"):
        scored.with_config(ti.IndexConfig())


def test_the_repr_says_what_is_inside() -> None:
    text = repr(ti.score(EXAMPLE))
    assert text.startswith("<ScoredEvents: 88 events, 2018-07-06 to 2024-07-21; dyads CHN-PHL")
    assert ti.IndexConfig().fingerprint in text


def test_no_events_give_empty_answers() -> None:
    scored = ti.score(pd.DataFrame(columns=["date", "actor1", "actor2", "event_type"]))
    assert len(scored) == 0
    assert scored.index().empty
    assert list(scored.index().columns) == list(INDEX_COLUMNS)
    assert scored.contributions().empty


def test_score_resolves_actor_names_with_the_callers_choices() -> None:
    """Unknown names: an error by default, kept and counted on request, or resolved by a hook."""
    rows = [event("2024-03-05", actor2="Phillipines")]
    with pytest.raises(ti.EventValidationError, match=r"Phillipines.*Did you mean 'PHL'"):
        ti.score(rows)
    kept = ti.score(rows, unknown_actors="keep")
    assert list(kept.labels) == ["CHN-PHILLIPINES"]
    assert kept.events.attrs["tensionindex_actors"]["unknown_actors"] == {"PHILLIPINES": 1}
    seen: list[tuple[str, object]] = []

    def resolver(value: str, day: object) -> str | None:
        seen.append((value, day))
        return "PHL" if value.upper().startswith("PHIL") else None

    resolved = ti.score(rows, actor_resolver=resolver)
    assert list(resolved.labels) == ["CHN-PHL"] and len(seen) == 1
    with pytest.raises(ti.InvalidParameterError, match="unknown_actors"):
        ti.score(rows, unknown_actors="ignore")


def test_the_two_sides_add_up_to_the_tension_and_are_kept() -> None:
    scored = ti.score(ti.load_example("us-china-2024"), category_half_lives={"gray_zone": 9.0})
    grid = scored.index_grid()
    assert grid.grid.first_day == scored.day_range[0]
    kernels, _ = scored.kernels()
    total = sum(scored.sided_tension(k, side) for k in range(len(kernels)) for side in (1, -1))
    np.testing.assert_allclose(total, grid.tension, rtol=1e-12, atol=1e-9)
    assert (scored.sided_tension(0, 1) >= 0).all() and (scored.sided_tension(0, -1) <= 0).all()
    assert scored.sided_tension(0, 1) is scored.sided_tension(0, 1)  # computed once


def test_the_sides_refuse_events_spread_over_their_periods() -> None:
    scored = ti.score(
        [{"date": "2024-03", "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"}],
        imprecise_dates="spread",
    )
    with pytest.raises(ti.InvalidParameterError, match=r"sided_tension places each event on one"):
        scored.sided_tension(0, 1)


@given(frame=event_frames(min_size=1, max_size=20), config=configs())
def test_an_index_grid_without_information_has_the_same_index(
    frame: pd.DataFrame, config: ti.IndexConfig
) -> None:
    scored = ti.score(frame, config)
    full = scored.index_grid()
    lean = scored.index_grid(information=False)
    for name in ("events", "signal", "tension", "stability"):
        np.testing.assert_array_equal(getattr(lean, name), getattr(full, name))
    if config.aggregation == "kernel_mean":  # the tension needs it: computed anyway
        np.testing.assert_array_equal(lean.decayed_count, full.decayed_count)
    else:
        assert lean.information is None
        with pytest.raises(ti.InvalidParameterError, match=r"information=True"):
            lean.decayed_count  # noqa: B018


@given(frame=event_frames(min_size=1, max_size=30), config=configs())
def test_groups_read_from_the_kept_order_equal_groups_found_by_comparison(
    frame: pd.DataFrame, config: ti.IndexConfig
) -> None:
    from tensionindex.engine import group_tensions

    scored = ti.score(frame, config)
    if scored.spread is not None or not scored._linear():
        return
    codes, categories = scored.category_codes()
    kernels = [scored.config.kernel_of(c) for c in categories]
    grid = scored.grid(None, None)
    assert grid is not None
    args = (scored.dyad, scored.day, scored.signal, codes, kernels, len(scored.labels), grid)
    found = dict(group_tensions(*args))
    counts = np.bincount(codes, minlength=len(kernels))
    kept = dict(group_tensions(*args, counts, scored._by_group(codes, len(kernels))))
    assert found.keys() == kept.keys()
    for k, tension in found.items():
        np.testing.assert_array_equal(kept[k], tension)
