"""explain(): the events behind one value of the index, and its error messages.

That the contributions add up to stability_index's tension on generated
events is a property test (tests/properties/test_index_properties.py); here
are known answers, the layout and every error path.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti
from tensionindex.testing import event

EXPLAIN_COLUMNS = [
    "date",
    "actor1",
    "actor2",
    "event_type",
    "label",
    "category",
    "quad_class",
    "side",
    "weight",
    "category_multiplier",
    "intensity",
    "confidence",
    "signal",
    "aggregation",
    "age_days",
    "decay",
    "contribution",
]


@pytest.fixture
def events() -> list[dict[str, object]]:
    # Weights (minus Goldstein): water_cannon 7, critical_statement 2, dialogue_resumed -7.
    return [
        event("2024-03-01", event_id="a", description="water cannon at a resupply boat"),
        event("2024-03-31", "critical_statement", "PHL", "CHN", event_id="b",
              description="criticism"),
        event("2024-03-21", "dialogue_resumed", event_id="c", description="talks resume"),
        event("2024-04-02", event_id="d", description="after the date: left out"),
        event("2024-03-15", "dialogue_resumed", "USA", "CHN", event_id="e", description="other"),
    ]


def test_known_contributions(events: list[dict[str, object]]) -> None:
    why = ti.explain(events, "PHL-CHN", "2024-03-31")  # half-life 30 days by default
    assert why["event_id"].tolist() == ["c", "a", "b"]  # by |contribution|, largest first
    assert why["age_days"].tolist() == [10, 30, 0]
    np.testing.assert_allclose(why["decay"], [2 ** (-10 / 30), 0.5, 1.0], rtol=1e-15)
    np.testing.assert_allclose(why["signal"], [-7.0, 7.0, 2.0])
    np.testing.assert_allclose(why["contribution"], [-7.0 * 2 ** (-10 / 30), 3.5, 2.0], rtol=1e-15)
    assert why["category"].tolist() == ["dialogue", "gray_zone", "statement"]
    assert why["weight"].tolist() == [-7.0, 7.0, 2.0]
    tension = 3.5 + 2.0 - 7.0 * 2 ** (-10 / 30)
    meta = why.attrs["tensionindex"]
    assert meta["dyad"] == "CHN-PHL"
    assert meta["date"] == "2024-03-31"
    assert meta["tension"] == pytest.approx(tension, rel=1e-12)
    assert meta["stability"] == pytest.approx(100 / (1 + np.exp(tension / 10)), rel=1e-12)
    assert meta["fingerprint"] == ti.IndexConfig().fingerprint


def test_columns_and_pass_through(events: list[dict[str, object]]) -> None:
    frame = pd.DataFrame(events).assign(source="wire", url="https://example.org/x")
    why = ti.explain(frame, "CHN-PHL", "2024-03-31")
    assert list(why.columns) == [*EXPLAIN_COLUMNS, "event_id", "source", "url", "description"]
    assert why["date"].dtype == np.dtype("datetime64[ns]")
    assert why["age_days"].dtype == np.int64
    assert why.set_index("event_id").loc["a", "label"] == ti.taxonomy().set_index(
        "event_type"
    ).loc["water_cannon", "label"]
    bare = ti.explain([{k: v for k, v in e.items() if k != "description"} for e in events],
                      "CHN-PHL", "2024-03-31")
    assert list(bare.columns) == [*EXPLAIN_COLUMNS, "event_id"]


def test_matches_stability_index_on_the_bundled_example() -> None:
    events = ti.load_example("us-china-2024")
    index = ti.stability_index(events, half_life=14)
    for dyad in ["CHN-USA", "CHN-PHL"]:
        rows = index[index["dyad"] == dyad]
        row = rows.loc[rows["tension"].abs().idxmax()]
        why = ti.explain(events, dyad, row["date"], half_life=14)
        assert why["contribution"].sum() == pytest.approx(row["tension"], rel=1e-9, abs=1e-9)
        assert why.attrs["tensionindex"]["stability"] == pytest.approx(row["stability"], rel=1e-9)


def test_window_kernel_keeps_only_the_last_window_days(events: list[dict[str, object]]) -> None:
    why = ti.explain(events, "CHN-PHL", "2024-03-31", kernel="window", window=11)
    assert sorted(why["event_id"]) == ["b", "c"]  # ages 0 and 10; "a" is 30 days old
    assert (why["decay"] == 1.0).all()
    assert ti.explain(events, "CHN-PHL", "2024-03-31", kernel="window", window=10)[
        "event_id"
    ].tolist() == ["b"]


def test_category_half_lives(events: list[dict[str, object]]) -> None:
    why = ti.explain(events, "CHN-PHL", "2024-03-31", category_half_lives={"dialogue": 5})
    decay = dict(zip(why["event_id"], why["decay"], strict=True))
    assert decay["c"] == pytest.approx(0.25, rel=1e-15)  # 10 days at a 5-day half-life
    assert decay["a"] == pytest.approx(0.5, rel=1e-15)  # 30 days at the default 30


def test_directed(events: list[dict[str, object]]) -> None:
    why = ti.explain(events, "CHN->PHL", "2024-03-31", directed=True)
    assert sorted(why["event_id"]) == ["a", "c"]
    assert why.attrs["tensionindex"]["dyad"] == "CHN->PHL"
    assert ti.explain(events, "PHL->CHN", "2024-03-31", directed=True)["event_id"].tolist() == ["b"]


def test_dyad_and_date_spellings(events: list[dict[str, object]]) -> None:
    base = ti.explain(events, "CHN-PHL", "2024-03-31")
    for dyad, date in [
        ("Philippines-China", "2024-03-31"),
        ("phl - chn", pd.Timestamp("2024-03-31 23:00")),
        ("CHN-PHL", np.datetime64("2024-03-31")),
        ("CHN-PHL", pd.Timestamp("2024-03-31 10:00", tz="UTC")),
    ]:
        pd.testing.assert_frame_equal(ti.explain(events, dyad, date), base)


def test_before_the_first_event_nothing_contributes(events: list[dict[str, object]]) -> None:
    why = ti.explain(events, "CHN-PHL", "2024-02-01")
    assert why.empty
    assert list(why.columns) == [*EXPLAIN_COLUMNS, "event_id", "description"]
    assert why.attrs["tensionindex"]["tension"] == 0.0
    assert why.attrs["tensionindex"]["stability"] == 50.0


def test_overrides_equal_a_configuration(events: list[dict[str, object]]) -> None:
    config = ti.IndexConfig(half_life=10, weights={"water_cannon": 12.0}, scale=5)
    via_config = ti.explain(events, "CHN-PHL", "2024-03-31", config)
    via_overrides = ti.explain(
        events, "CHN-PHL", "2024-03-31", half_life=10, weights={"water_cannon": 12.0}, scale=5
    )
    pd.testing.assert_frame_equal(via_config, via_overrides)
    assert via_config.attrs == via_overrides.attrs
    assert via_config.set_index("event_id").loc["a", "signal"] == 12.0


def test_the_callers_events_are_not_modified(events: list[dict[str, object]]) -> None:
    frame = pd.DataFrame(events)
    before_frame, before_records = frame.copy(deep=True), copy.deepcopy(events)
    ti.explain(frame, "CHN-PHL", "2024-03-31")
    ti.explain(events, "CHN-PHL", "2024-03-31")
    pd.testing.assert_frame_equal(frame, before_frame)
    assert events == before_records


# -- errors -------------------------------------------------------------------------


def test_unknown_dyad_suggests_near_misses(events: list[dict[str, object]]) -> None:
    with pytest.raises(
        ti.EventValidationError,
        match=r"^No events for dyad 'CHN-PHX'\. Did you mean 'CHN-PHL'\? "
        r"Dyads in the events: CHN-PHL, CHN-USA\.$",
    ):
        ti.explain(events, "CHN-PHX", "2024-03-31")


def test_dyad_of_the_wrong_direction(events: list[dict[str, object]]) -> None:
    # The events have USA->CHN only.
    with pytest.raises(
        ti.EventValidationError,
        match=r"^No events for dyad 'CHN->USA'\. Did you mean 'USA->CHN' \(the other direction\)\? "
        r"Dyads in the events: CHN->PHL, PHL->CHN, USA->CHN\.$",
    ):
        ti.explain(events, "CHN->USA", "2024-03-31", directed=True)
    assert ti.explain(events, "USA->CHN", "2024-03-31", directed=True)["event_id"].tolist() == ["e"]


def test_no_events_at_all() -> None:
    with pytest.raises(
        ti.EventValidationError, match=r"^No events for dyad 'CHN-USA'\. There are no events\.$"
    ):
        ti.explain([], "CHN-USA", "2024-03-31")


@pytest.mark.parametrize("dyad", ["CHN", "CHN-PHL-USA", "-PHL", "CHN->"])
def test_unreadable_dyad(events: list[dict[str, object]], dyad: str) -> None:
    with pytest.raises(
        ti.EventValidationError,
        match=rf"^Could not read the dyad {dyad!r}: write two actor codes joined by '-'",
    ):
        ti.explain(events, dyad, "2024-03-31")


def test_dyad_must_be_text(events: list[dict[str, object]]) -> None:
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"^The 'dyad' parameter of explain must be a dyad such as 'CHN-USA' \(or "
        r"'USA->CHN' when directed\)\. Got 42 instead\.$",
    ):
        ti.explain(events, 42, "2024-03-31")  # type: ignore[arg-type]


@pytest.mark.parametrize("date", ["yesterday", "2024-02-30", None, 20240331, 1.5, True])
def test_bad_date(events: list[dict[str, object]], date: object) -> None:
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"^The 'date' parameter of explain must be a date such as '2024-04-16', "
        r"from 1678-01-01 to 2261-12-31\. Got .+ instead\.$",
    ):
        ti.explain(events, "CHN-PHL", date)


def test_unknown_override(events: list[dict[str, object]]) -> None:
    with pytest.raises(
        ti.ConfigurationError, match=r"^Unknown setting 'halflife'\. Did you mean 'half_life'\?"
    ):
        ti.explain(events, "CHN-PHL", "2024-03-31", halflife=10)


def test_invalid_override_value(events: list[dict[str, object]]) -> None:
    with pytest.raises(
        ti.ConfigurationError,
        match=r"^The 'half_life' parameter of IndexConfig must be a number > 0\. Got -3 instead\.$",
    ):
        ti.explain(events, "CHN-PHL", "2024-03-31", half_life=-3)
