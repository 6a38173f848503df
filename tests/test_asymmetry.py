"""asymmetry(): the balance of a dyad's two directed tensions, on known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti
from tensionindex.analysis.asymmetry import ASYMMETRY_COLUMNS
from tensionindex.testing import event

asymmetry = ti.asymmetry


def test_known_values() -> None:
    # CHN -> PHL water cannon (+7) on day 1, PHL -> CHN criticism (+2) on day 2; half-life 1 day.
    events = [
        event("2024-03-05", "water_cannon", "CHN", "PHL"),
        event("2024-03-06", "critical_statement", "PHL", "CHN"),
    ]
    out = asymmetry(ti.score(events, half_life=1), start="2024-03-04", end="2024-03-08")
    assert list(out.columns) == list(ASYMMETRY_COLUMNS)
    assert list(out["dyad"].astype(str)) == ["CHN-PHL"] * 5
    np.testing.assert_allclose(out["tension_ab"], [0, 7, 3.5, 1.75, 0.875])
    np.testing.assert_allclose(out["tension_ba"], [0, 0, 2, 1, 0.5])
    # 0 before any event, +1 when only CHN acts, then (3.5 - 2) / 5.5 while both decay alike.
    np.testing.assert_allclose(out["asymmetry"], [0, 1, 1.5 / 5.5, 1.5 / 5.5, 1.5 / 5.5])


def test_a_is_the_alphabetically_first_code() -> None:
    events = [event("2024-03-05", "critical_statement", "PHL", "CHN")]
    out = asymmetry(events)
    assert list(out["dyad"].astype(str)) == ["CHN-PHL"]
    assert (out["tension_ab"].iloc[0], out["tension_ba"].iloc[0]) == (0.0, 2.0)
    assert out["asymmetry"].iloc[0] == -1.0


def test_cooperation_is_negative_tension() -> None:
    # Only CHN cooperates: its tension is negative, so the ratio is -1.
    events = [event("2024-03-05", "dialogue_resumed", "CHN", "USA")]
    out = asymmetry(events)
    assert out["tension_ab"].iloc[0] == -7.0
    assert out["asymmetry"].iloc[0] == -1.0


def test_matches_the_directed_index_and_sums_to_the_undirected_one() -> None:
    scored = ti.score(ti.load_example())
    out = asymmetry(scored)
    directed = ti.stability_index(ti.load_example(), directed=True)
    directed = directed.set_index(["dyad", "date"])["tension"]
    undirected = scored.index().set_index(["dyad", "date"])["tension"]
    assert set(out["dyad"].astype(str)) == set(undirected.index.get_level_values(0))
    for label, part in out.groupby("dyad", observed=True):
        first, second = str(label).split("-")
        dates = part["date"]
        for column, key in (
            ("tension_ab", f"{first}->{second}"),
            ("tension_ba", f"{second}->{first}"),
        ):
            if key in directed.index.get_level_values(0):
                expected = directed.loc[key].reindex(dates).to_numpy()
            else:
                expected = np.zeros(len(part))
            np.testing.assert_array_equal(part[column].to_numpy(), expected)
        total = part["tension_ab"].to_numpy() + part["tension_ba"].to_numpy()
        np.testing.assert_allclose(total, undirected.loc[str(label)].reindex(dates), atol=1e-9)


def test_directed_setting_is_always_on() -> None:
    events = [
        event("2024-03-05", "water_cannon", "CHN", "PHL"),
        event("2024-03-06", "critical_statement", "PHL", "CHN"),
    ]
    plain = asymmetry(events)
    pd.testing.assert_frame_equal(asymmetry(events, directed=False), plain)
    pd.testing.assert_frame_equal(asymmetry(events, ti.IndexConfig(directed=False)), plain)
    assert plain.attrs["tensionindex"]["config"]["directed"] is True
    # Scored events, undirected or directed, give the same: they are re-read, not re-validated.
    pd.testing.assert_frame_equal(asymmetry(ti.score(events)), plain)
    pd.testing.assert_frame_equal(asymmetry(ti.score(events, directed=True)), plain)


def test_dyads_sorted_and_selected() -> None:
    events = [
        event("2024-03-05", "water_cannon", "CHN", "PHL"),
        event("2024-03-06", "sanctions_imposed", "USA", "CHN"),
    ]
    out = asymmetry(events)
    assert list(out["dyad"].cat.categories) == ["CHN-PHL", "CHN-USA"]
    assert out.groupby("dyad", observed=True).size().tolist() == [2, 2]  # one grid for all
    only = asymmetry(events, dyads="United States-China")
    assert list(only["dyad"].astype(str)) == ["CHN-USA", "CHN-USA"]
    np.testing.assert_array_equal(only["asymmetry"], [0.0, -1.0])


def test_coverage_marks_unmonitored_days() -> None:
    events = [event("2024-03-05", "water_cannon", "CHN", "PHL")]
    out = asymmetry(events, end="2024-03-07", coverage=["2024-03-05", "2024-03-07"])
    assert list(out["covered"]) == [True, False, True]
    scored = ti.score(events, coverage=["2024-03-05", "2024-03-07"])
    pd.testing.assert_frame_equal(asymmetry(scored, end="2024-03-07"), out)
    empty = asymmetry(ti.score([], coverage=["2024-03-05"]))
    assert list(empty.columns) == [*ASYMMETRY_COLUMNS, "covered"]


def test_no_events() -> None:
    out = asymmetry([])
    assert out.empty and list(out.columns) == list(ASYMMETRY_COLUMNS)


def test_unknown_dyad() -> None:
    events = [event("2024-03-05", "water_cannon", "CHN", "PHL")]
    message = (
        r"No events for dyad 'CHN-PHM'\. Did you mean 'CHN-PHL'\? Dyads in the events: "
        r"CHN-PHL\."
    )
    with pytest.raises(ti.EventValidationError, match=message):
        asymmetry(events, dyads=["CHN-PHM"])
    with pytest.raises(ti.EventValidationError, match=r"No events for dyad 'CHN-PHL'\. There are"):
        asymmetry([], dyads="CHN-PHL")


def test_bad_settings_are_the_index_errors() -> None:
    events = [event("2024-03-05", "water_cannon", "CHN", "PHL")]
    with pytest.raises(ti.ConfigurationError, match=r"Unknown setting 'half_lif'\. Did you mean"):
        asymmetry(events, half_lif=3)
    with pytest.raises(ti.InvalidParameterError, match=r"The 'end' date 2024-03-01 comes before"):
        asymmetry(events, end="2024-03-01")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"start": "soon"}, r"The 'start' parameter of asymmetry must be a date such as"),
        ({"dyads": 42}, r"The 'dyads' parameter of asymmetry must be a dyad such as 'CHN-USA'"),
        ({"config": "goldstein"}, r"'config' parameter of asymmetry must be an IndexConfig or No"),
    ],
)
def test_bad_parameters(settings: dict[str, object], message: str) -> None:
    scored = ti.score([event("2024-03-05", "water_cannon", "CHN", "PHL")])
    with pytest.raises(ti.InvalidParameterError, match=message):
        asymmetry(scored, **settings)  # type: ignore[arg-type]
    with pytest.raises(ti.InvalidParameterError, match=r"coverage is given to score\(\)"):
        asymmetry(scored, coverage=["2024-03-05"])
