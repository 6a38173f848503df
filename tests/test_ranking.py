"""compare_dyads (the comparison table) and grade (named bands of stability)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti

TYPES = ["water_cannon", "protest_lodged", "dialogue_resumed", "official_visit", "ramming"]
PAIRS = [("CHN", "PHL"), ("CHN", "USA"), ("PHL", "USA"), ("CHN", "VNM"), ("JPN", "CHN")]


def _random_events(seed: int, n: int = 60, ids: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 180, n), unit="D")
    pairs = [PAIRS[k] for k in rng.integers(0, len(PAIRS), n)]
    frame = pd.DataFrame(
        {
            "date": days,
            "actor1": [a for a, _ in pairs],
            "actor2": [b for _, b in pairs],
            "event_type": rng.choice(TYPES, n),
            "intensity": rng.integers(1, 4, n).astype(float),
        }
    )
    if ids:
        frame["event_id"] = [f"e{k}" for k in range(n)]
    return frame


def _changes_from_explain(scored: ti.ScoredEvents, dyad: str, start: str, end: str) -> pd.Series:
    """Each event's change of contribution, by event_id, from two explain() frames."""
    before = scored.explain(dyad, start).set_index("event_id")["contribution"]
    after = scored.explain(dyad, end).set_index("event_id")["contribution"]
    return after.sub(before, fill_value=0.0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ranking_equals_plain_pandas_on_the_index(seed: int) -> None:
    scored = ti.score(_random_events(seed), half_life=20)
    start, end = "2024-03-01", "2024-06-15"
    table = ti.compare_dyads(scored, start=start, end=end)
    index = scored.index(start="2024-01-01", end=end)
    at = {d: index[index["date"] == d].set_index("dyad") for d in (start, end)}
    expected = pd.DataFrame(
        {
            "stability_start": at[start]["stability"],
            "stability_end": at[end]["stability"],
            "tension_start": at[start]["tension"],
            "tension_end": at[end]["tension"],
            "information_end": at[end]["information"],
            "low_information": at[end]["low_information"],
        }
    )
    expected["stability_change"] = expected["stability_end"] - expected["stability_start"]
    expected["tension_change"] = expected["tension_end"] - expected["tension_start"]
    expected["rank_level"] = expected["stability_end"].rank(method="min").astype(int)
    expected["rank_change"] = expected["stability_change"].rank(method="min").astype(int)
    expected["rank_information"] = (
        expected["information_end"].rank(method="min", ascending=False).astype(int)
    )
    # events dated after start, up to and including end
    inside = index[index["date"] > start].groupby("dyad", observed=False)["events"].sum()
    expected["events"] = inside
    got = table.set_index("dyad").loc[expected.index]
    for column in expected.columns:
        if expected[column].dtype == float:
            np.testing.assert_allclose(got[column], expected[column], rtol=1e-9, atol=1e-9)
        else:
            assert got[column].tolist() == expected[column].tolist(), column
    # Sorted by level rank, then dyad.
    assert table["rank_level"].is_monotonic_increasing
    assert list(table.columns) == list(ti.analysis.ranking.COMPARISON_COLUMNS)


@pytest.mark.parametrize("seed", [3, 4])
def test_drivers_are_the_largest_changes_and_all_changes_sum_to_the_tension_change(
    seed: int,
) -> None:
    scored = ti.score(_random_events(seed), half_life=15)
    start, end = "2024-02-15", "2024-05-01"
    table = ti.compare_dyads(scored, start=start, end=end, top=3).set_index("dyad")
    for dyad, row in table.iterrows():
        changes = _changes_from_explain(scored, str(dyad), start, end)
        # With the rest, the drivers' changes make up the whole change of tension.
        assert changes.sum() == pytest.approx(row["tension_change"], abs=1e-9)
        rest = changes.drop(row["event_ids"]).sum()
        assert sum(row["driver_changes"]) + rest == pytest.approx(row["tension_change"], abs=1e-9)
        nonzero = changes[changes != 0]
        counted = nonzero[nonzero.abs() >= 0.01 * nonzero.abs().sum()]  # not negligible
        largest = counted.abs().sort_values(ascending=False)
        assert len(row["event_ids"]) == min(3, len(counted))
        np.testing.assert_allclose(
            np.abs(row["driver_changes"]), largest.iloc[: len(row["event_ids"])], rtol=1e-12
        )
        np.testing.assert_allclose(row["driver_changes"], changes.loc[row["event_ids"]], rtol=1e-12)
        # Rows point at the events themselves.
        assert scored.events["event_id"].iloc[row["driver_rows"]].tolist() == row["event_ids"]


def test_changes_under_one_percent_of_all_are_not_drivers() -> None:
    # CHN-TWN in the first half of 2024: the exercise of May 2024 adds 2.29; the
    # exercises of 2023 and 2022 fade by 0.011 and 7e-5, under 1% of all changes.
    scored = ti.score(ti.load_example("us-china-2024"))
    start, end = "2024-01-01", "2024-06-30"
    row = ti.compare_dyads(scored, start=start, end=end, dyads="CHN-TWN").iloc[0]
    changes = _changes_from_explain(scored, "CHN-TWN", start, end)
    assert (changes != 0).sum() == 3
    assert row["drivers"] == "military_exercise 2024-05-23 (+2.29)"
    assert row["driver_changes"] == [pytest.approx(changes.max())]


def test_driver_text_rows_and_identical_events_without_ids() -> None:
    water = {"actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"}
    events = [
        {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL",
         "event_type": "critical_statement"},
        {"date": "2024-03-10", **water},
        {"date": "2024-03-10", **water},  # the same event twice: two rows, two drivers
    ]
    scored = ti.score(events, half_life=10)
    table = ti.compare_dyads(scored, start="2024-03-05", end="2024-03-10")
    row = table.iloc[0]
    assert row["drivers"] == (
        "water_cannon 2024-03-10 (+7); water_cannon 2024-03-10 (+7); "
        "critical_statement 2024-03-01 (-0.444)"  # 2 * (0.5 ** 0.9 - 0.5 ** 0.4): it faded
    )
    assert row["driver_changes"][2] == pytest.approx(2 * (0.5**0.9 - 0.5**0.4))
    assert row["driver_rows"] == [1, 2, 0]
    assert row["event_ids"] == [None, None, None]
    assert row["events"] == 2


def test_a_dyad_without_events_before_start_starts_neutral() -> None:
    events = [
        {"date": "2024-01-05", "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"},
        {"date": "2024-03-10", "actor1": "CHN", "actor2": "USA", "event_type": "ramming"},
    ]
    table = ti.compare_dyads(events, start="2024-02-01", end="2024-03-10").set_index("dyad")
    usa = table.loc["CHN-USA"]
    assert usa["stability_start"] == 50.0 and usa["tension_start"] == 0.0
    assert usa["information_start"] == 0.0
    assert usa["tension_change"] == pytest.approx(usa["tension_end"])
    assert usa["grade_start"] == "normal"


def test_ties_share_the_smallest_rank() -> None:
    events = [
        {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"},
        {"date": "2024-03-01", "actor1": "CHN", "actor2": "VNM", "event_type": "water_cannon"},
        {"date": "2024-03-01", "actor1": "CHN", "actor2": "USA", "event_type": "ramming"},
    ]
    table = ti.compare_dyads(events, start="2024-02-01", end="2024-03-02").set_index("dyad")
    assert table["rank_level"].to_dict() == {"CHN-PHL": 2, "CHN-USA": 1, "CHN-VNM": 2}
    assert table["rank_information"].tolist() == [1, 1, 1]
    assert table.index.tolist() == ["CHN-USA", "CHN-PHL", "CHN-VNM"]


def test_dyads_top_and_provenance() -> None:
    scored = ti.score(_random_events(5))
    table = ti.compare_dyads(scored, start="2024-02-01", end="2024-04-01", dyads="phl-chn", top=0)
    assert table["dyad"].tolist() == ["CHN-PHL"]
    assert table.loc[0, "drivers"] == "" and table.loc[0, "event_ids"] == []
    assert table.attrs["tensionindex"]["compare"] == {
        "start": "2024-02-01",
        "end": "2024-04-01",
        "top": 0,
    }
    with pytest.raises(ti.EventValidationError, match="CHN-PHL"):
        ti.compare_dyads(scored, start="2024-02-01", end="2024-04-01", dyads="CHN-PHX")


def test_end_before_start_is_refused() -> None:
    scored = ti.score(_random_events(6))
    with pytest.raises(ti.InvalidParameterError, match=r"'end' must not be before 'start'.*swap"):
        ti.compare_dyads(scored, start="2024-04-01", end="2024-02-01")
    with pytest.raises(ti.InvalidParameterError, match=r"The 'top' parameter of compare_dyads"):
        ti.compare_dyads(scored, start="2024-02-01", end="2024-04-01", top=-1)


# -- grades ----------------------------------------------------------------------------------


def test_grade_bounds_are_inclusive_below_and_exclusive_above() -> None:
    bounds = [0, 15, 35, 45, 55, 70]
    names = ["confrontational", "tense", "cool", "normal", "good", "friendly"]
    values = [b for b in bounds] + [np.nextafter(b, -1.0) for b in bounds[1:]] + [100.0]
    got = ti.grade(values).tolist()
    assert got[: len(bounds)] == names  # each lower bound is in its own band
    assert got[len(bounds) : -1] == names[:-1]  # just below a bound: the band under it
    assert got[-1] == "friendly"  # 100 belongs to the last band


def test_grade_of_a_series_keeps_its_index_and_is_ordered() -> None:
    stability = pd.Series([80.0, np.nan, 10.0], index=["a", "b", "c"])
    named = ti.grade(stability)
    assert isinstance(named, pd.Series) and named.name == "grade"
    assert named.index.tolist() == ["a", "b", "c"]
    assert named.cat.ordered and named["a"] > named["c"]
    assert pd.isna(named["b"])
    assert list(named.cat.categories) == list(ti.IndexConfig().grades)


def test_grade_uses_the_configuration() -> None:
    config = ti.IndexConfig(grades={"high": 60, "low": 0})
    assert ti.grade(np.array([59.9, 60.0]), config).tolist() == ["low", "high"]


def test_grade_refuses_values_outside_0_100() -> None:
    with pytest.raises(
        ti.InvalidParameterError, match=r"numbers from 0 to 100.*Got -1\.5 at position 1"
    ):
        ti.grade([10.0, -1.5])
    with pytest.raises(ti.InvalidParameterError, match=r"The 'stability' parameter of grade"):
        ti.grade(["calm"])
    with pytest.raises(ti.InvalidParameterError, match=r"The 'config' parameter of grade"):
        ti.grade([10.0], config="goldstein")  # type: ignore[arg-type]


def test_the_table_grades_follow_the_configuration() -> None:
    scored = ti.score(_random_events(7), grades={"worse": 0, "better": 50})
    table = ti.compare_dyads(scored, start="2024-02-01", end="2024-04-01")
    expected = np.where(table["stability_end"] >= 50, "better", "worse")
    assert table["grade"].tolist() == expected.tolist()
    assert list(table["grade"].cat.categories) == ["worse", "better"]
