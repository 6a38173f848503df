"""changepoints() and segment(): regime changes of a series, against known answers.

Ground truth comes from series with known breaks (piecewise constant plus
seeded noise), from seeded events in known regimes, and from a naive
optimal-partitioning reference, which PELT must match exactly; changepoints()
of scored events is segment() of each dyad's signal on its days with events,
read from the tidy index.
"""

from __future__ import annotations

import itertools
import math
import sys

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti
from tensionindex.analysis.changepoints import (
    CHANGEPOINT_COLUMNS,
    CHANGEPOINT_METHODS,
    ChangepointMethod,
    default_penalty,
    segment,
)
from tensionindex.testing import event

METHODS = CHANGEPOINT_METHODS
LEVELS = (60.0, 40.0, 55.0, 30.0)
LENGTHS = (100, 80, 120, 65)
FIRST_DAY = pd.Timestamp("2023-01-01")
# The position of the first day of each new level.
BREAKS = np.cumsum(LENGTHS)[:-1]


def _steps(seed: int, noise: float = 3.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    clean = np.concatenate([np.full(n, v) for v, n in zip(LEVELS, LENGTHS, strict=True)])
    return clean + rng.normal(0.0, noise, len(clean))


def _optimal_partition(values: np.ndarray, penalty: float, min_size: int) -> list[int]:
    """Starts of the new segments minimising cost + penalty * changes, by plain loops.

    Optimal partitioning (Jackson et al. 2005): F(t) = min over s of
    F(s) + C(s, t) + penalty, with every segment at least min_size long.
    """
    n = len(values)
    best = [math.inf] * (n + 1)
    best[0] = -penalty
    last = [0] * (n + 1)
    for t in range(min_size, n + 1):
        for s in range(0, t - min_size + 1):
            if s != 0 and s < min_size:
                continue
            segment = values[s:t]
            mean = sum(segment) / len(segment)
            cost = sum((v - mean) ** 2 for v in segment)
            total = best[s] + cost + penalty
            if total < best[t]:
                best[t], last[t] = total, s
    starts = []
    t = n
    while t > 0:
        t = last[t]
        if t > 0:
            starts.append(t)
    return sorted(starts)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_finds_known_breaks_within_a_few_days(method: ChangepointMethod, seed: int) -> None:
    pytest.importorskip("ruptures")
    values = _steps(seed)
    found = segment(values, method=method)
    assert len(found) == len(BREAKS)
    assert np.abs(found - BREAKS).max() <= 3
    means = [values[a:b].mean() for a, b in zip([0, *found], [*found, len(values)], strict=True)]
    np.testing.assert_allclose(means, LEVELS, atol=2.0)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("seed", range(5))
def test_flat_series_with_noise_has_no_change(method: ChangepointMethod, seed: int) -> None:
    pytest.importorskip("ruptures")
    noise = np.random.default_rng(seed).normal(0.0, 3.0, 365)
    assert len(segment(50.0 + noise, method=method)) == 0


@pytest.mark.parametrize("method", METHODS)
def test_constant_series_has_no_change(method: ChangepointMethod) -> None:
    assert len(segment(np.full(100, 50.0), method=method, penalty=1e-9)) == 0


@pytest.mark.parametrize("seed", range(4))
def test_pelt_is_the_exact_optimum(seed: int) -> None:
    pytest.importorskip("ruptures")
    rng = np.random.default_rng(seed)
    values = np.repeat(rng.normal(0.0, 3.0, 6), 10) + rng.normal(0.0, 1.0, 60)
    penalty, min_size = 8.0, 4
    expected = _optimal_partition(values.tolist(), penalty, min_size)
    assert segment(values, penalty=penalty, min_size=min_size).tolist() == expected
    assert expected  # the reference found changes: the comparison means something


def test_default_penalty_does_not_depend_on_units() -> None:
    pytest.importorskip("ruptures")
    values = _steps(3)
    plain = segment(values)
    np.testing.assert_array_equal(segment(1000.0 * values - 7.0), plain)


def test_penalty_and_min_size_are_used() -> None:
    pytest.importorskip("ruptures")
    values = _steps(1)
    many = segment(values, penalty=1.0, min_size=5)
    assert len(many) > len(BREAKS)
    assert np.diff([0, *many, len(values)]).min() >= 5


def test_series_shorter_than_two_segments_has_no_change() -> None:
    pytest.importorskip("ruptures")
    values = np.r_[np.zeros(13), np.full(13, 10.0)]
    assert len(segment(values, min_size=14)) == 0
    assert segment(values, min_size=13).tolist() == [13]


# changepoints() of scored events -----------------------------------------------------


def _turn() -> list[dict[str, object]]:
    """Three incidents, then three cooperative events (event-day signals 7, 9.2, 7, -7, -8, -7)."""
    days = [(1, "water_cannon"), (4, "ramming"), (9, "water_cannon")]
    days += [(15, "dialogue_resumed"), (18, "agreement_signed"), (22, "dialogue_resumed")]
    return [event(f"2024-03-{day:02d}", kind, event_id=f"e{day}") for day, kind in days]


def test_a_turn_is_one_change_on_the_day_of_its_first_event() -> None:
    pytest.importorskip("ruptures")
    scored = ti.score(_turn())
    watched = {"start": "2024-02-01", "end": "2024-04-30"}
    found = ti.changepoints(scored, **watched)  # type: ignore[arg-type]
    assert list(found.columns) == list(CHANGEPOINT_COLUMNS)
    # By hand: the split after the third event day gains more than the default penalty.
    values = np.array([7.0, 9.2, 7.0, -7.0, -8.0, -7.0])
    gain = 3 * 3 / 6 * (values[:3].mean() - values[3:].mean()) ** 2
    assert gain > default_penalty(values)
    assert found.attrs["tensionindex"]["changepoints"]["penalty"] == {
        "CHN-PHL": pytest.approx(default_penalty(values), rel=1e-12)
    }
    assert len(found) == 1
    change = found.iloc[0]
    assert change["date"] == pd.Timestamp("2024-03-15")
    assert (change["before_start"], change["after_end"]) == (
        pd.Timestamp("2024-02-01"),
        pd.Timestamp("2024-04-30"),
    )
    # The levels are the mean stability of the index over each regime's days.
    stability = scored.index(**watched).set_index("date")["stability"]  # type: ignore[arg-type]
    assert change["before"] == pytest.approx(stability[:"2024-03-14"].mean(), rel=1e-12)
    assert change["after"] == pytest.approx(stability["2024-03-15":].mean(), rel=1e-12)
    assert change["change"] == change["after"] - change["before"]
    assert change["drivers"] == "dialogue_resumed 2024-03-15 (-7)"
    assert change["driver_rows"] == [3]
    assert change["event_ids"] == ["e15"]


def test_the_events_of_the_day_are_named_in_the_direction_of_the_change() -> None:
    pytest.importorskip("ruptures")
    events = _turn()
    # On the day of the turn, a protest (+3.5) next to two cooperative events.
    events.append(event("2024-03-15", "protest_lodged", "PHL", "CHN", event_id="p"))
    events.append(event("2024-03-15", "leader_call", event_id="c"))
    scored = ti.score(events, min_information=0.0)
    found = ti.changepoints(scored, start="2024-02-01", end="2024-04-30")
    assert list(found["date"]) == [pd.Timestamp("2024-03-15")]
    # Toward cooperation: the most negative signal first, the protest last.
    assert found["drivers"].iloc[0] == (
        "dialogue_resumed 2024-03-15 (-7); leader_call 2024-03-15 (-4.5); "
        "protest_lodged 2024-03-15 (+3.5)"
    )
    assert found["event_ids"].iloc[0] == ["e15", "c", "p"]
    top_one = ti.changepoints(scored, top=1, start="2024-02-01", end="2024-04-30")
    assert top_one["event_ids"].iloc[0] == ["e15"]
    assert top_one.attrs["tensionindex"]["changepoints"]["top"] == 1


def _regimes(seed: int) -> list[dict[str, object]]:
    """Seeded events in three regimes per dyad: incidents, cooperation, then a mix.

    Each event has an id; several may fall on one day.
    """
    rng = np.random.default_rng(seed)
    table = ti.taxonomy()
    named = table[~table["event_type"].str.contains(":")]
    conflict = named.loc[named["weight"] >= 4, "event_type"].to_numpy()
    cooperation = named.loc[named["weight"] <= -4, "event_type"].to_numpy()
    mixed = named["event_type"].to_numpy()
    events = []
    for pair in [("CHN", "PHL"), ("CHN", "USA")]:
        first = pd.Timestamp("2023-01-01")
        for types, days in [(conflict, 120), (cooperation, 90), (mixed, 150)]:
            offsets = np.sort(rng.integers(0, days, 40))
            for offset, kind in zip(offsets, rng.choice(types, len(offsets)), strict=True):
                when = first + pd.Timedelta(days=int(offset))
                events.append(
                    event(f"{when:%Y-%m-%d}", str(kind), *pair, event_id=f"e{len(events)}")
                )
            first += pd.Timedelta(days=days)
    return events


def _event_days(scored: ti.ScoredEvents) -> pd.DataFrame:
    """The days with events of each dyad and their summed signal, from the tidy index."""
    result = scored.index()
    return result.loc[result["events"] > 0, ["dyad", "date", "signal"]].assign(
        dyad=lambda f: f["dyad"].astype(str)
    )


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_every_change_point_is_a_day_with_events_and_names_them(
    method: ChangepointMethod, seed: int
) -> None:
    pytest.importorskip("ruptures")
    scored = ti.score(_regimes(seed))
    # The window compares 2 * min_size event days: too few at the default of 2.
    found = ti.changepoints(scored, method=method, top=50, min_size=5 if method == "window" else 2)
    assert len(found) >= 1
    days = _event_days(scored).set_index(["dyad", "date"])["signal"]
    frame = scored.events
    for _, change in found.iterrows():
        dyad, date = str(change["dyad"]), change["date"]
        assert (dyad, date) in days.index  # a day with events
        # The drivers are exactly that dyad's events of that day.
        named = frame.iloc[change["driver_rows"]]
        assert (named["date"] == date).all()
        pairs = zip(named["actor1"], named["actor2"], strict=True)
        assert {"-".join(sorted(pair)) for pair in pairs} == {dyad}
        on_day = scored.explain(dyad, date)
        on_day = on_day[on_day["age_days"] == 0]
        assert sorted(change["event_ids"]) == sorted(on_day["event_id"])
        assert math.fsum(on_day["contribution"]) == pytest.approx(days[(dyad, date)], abs=1e-9)
    if method != "window":
        # Each dyad's regimes: incidents, cooperation from 1 May 2023, a mix from 30 July.
        starts = [pd.Timestamp("2023-05-01"), pd.Timestamp("2023-07-30")]
        for _, dates in found.groupby("dyad", observed=True)["date"]:
            assert len(dates) == 2
            gaps = [abs(d - s) for d, s in zip(dates, starts, strict=True)]
            assert max(gaps) <= pd.Timedelta(days=14)


def test_random_events_without_regimes_have_no_change() -> None:
    pytest.importorskip("ruptures")
    rng = np.random.default_rng(5)
    types = ti.taxonomy()["event_type"].to_numpy()
    dates = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 540, 800), unit="D")
    events = [
        event(f"{when:%Y-%m-%d}", str(kind))
        for when, kind in zip(dates, rng.choice(types, len(dates)), strict=True)
    ]
    assert ti.changepoints(ti.score(events)).empty


KERNELS = [
    {"half_life": 7},
    {"kernel": "window", "window": 90},
    {"kernel": "window", "window": 20},
    {"category_half_lives": {"cooperation": 5, "gray_zone": 60}},
    {"aggregation": "kernel_mean", "scale": "auto"},
]


@pytest.mark.parametrize(
    "settings", KERNELS, ids=["7-day", "window-90", "window-20", "per-category", "kernel-mean"]
)
def test_change_points_do_not_move_when_the_kernel_changes(settings: dict[str, object]) -> None:
    pytest.importorskip("ruptures")
    where = ["dyad", "date", "before_start", "after_end", "drivers", "driver_rows", "event_ids"]
    for events, penalty in [(ti.load_example(), 50.0), (_regimes(3), None)]:
        reference = ti.changepoints(ti.score(events), penalty=penalty)
        assert len(reference) >= 4
        found = ti.changepoints(ti.score(events, **settings), penalty=penalty)  # type: ignore[arg-type]
        pd.testing.assert_frame_equal(found[where], reference[where])
        # The levels around them are the index's own: those move with the kernel.
        assert not np.allclose(found["before"], reference["before"])


def test_the_index_itself_put_change_points_on_days_without_events() -> None:
    # What segmenting the decayed index (tensionindex 0.1) did on CHN-USA: 4 of its 18
    # changes on quiet days; under a 90-day window, 6 of 15, each exactly 90 days after
    # an event (the event leaving the window).
    pytest.importorskip("ruptures")
    events = ti.load_example("us-china-2024")
    for settings, count, quiet, echoes in [
        ({}, 18, 4, 0),
        ({"kernel": "window", "window": 90}, 15, 6, 6),
    ]:
        scored = ti.score(events, **settings)  # type: ignore[arg-type]
        index = scored.index(dyads="CHN-USA")
        dates = index["date"].to_numpy()
        busy = set(index.loc[index["events"] > 0, "date"])
        old = [pd.Timestamp(dates[p]) for p in segment(index["stability"].to_numpy())]
        assert len(old) == count
        assert sum(d not in busy for d in old) == quiet
        assert sum(d - pd.Timedelta(days=90) in busy for d in old) == echoes
        # Now: every change is a day with events, the same under both kernels.
        new = ti.changepoints(scored, dyads="CHN-USA", penalty=50)
        assert len(new) > 0 and all(d in busy for d in new["date"])
        assert not any(d - pd.Timedelta(days=90) in busy for d in new["date"])
    # The thaw starts at the Bali meeting, not before it.
    assert pd.Timestamp("2022-11-14") in set(new["date"])


def _expected(scored: ti.ScoredEvents, column: str = "stability", **query: object) -> pd.DataFrame:
    """changepoints() by hand: segment() of each dyad's event days in the tidy index."""
    result = scored.index(**query)  # type: ignore[arg-type]
    rows = []
    for dyad, part in result.groupby("dyad", observed=True):
        busy = part[part["events"] > 0]
        starts = segment(busy["signal"].to_numpy(dtype=float), min_size=2, penalty=40.0)
        changes = list(busy["date"].iloc[starts])
        edges = [part["date"].iloc[0], *changes, part["date"].iloc[-1] + pd.Timedelta(days=1)]
        means = [
            part.loc[(part["date"] >= a) & (part["date"] < b), column].mean()
            for a, b in itertools.pairwise(edges)
        ]
        for k, date in enumerate(changes):
            rows.append(
                (
                    str(dyad),
                    date,
                    means[k],
                    means[k + 1],
                    edges[k],
                    edges[k + 2] - pd.Timedelta(days=1),
                )
            )
    return pd.DataFrame(
        rows, columns=["dyad", "date", "before", "after", "before_start", "after_end"]
    )


@pytest.mark.parametrize(
    ("column", "query"),
    [
        ("stability", {}),
        ("tension", {"start": "2022-01-01"}),
        ("stability", {"normalize": "zscore"}),
        ("events", {"end": "2023-12-31"}),
    ],
)
def test_every_dyad_is_segment_of_its_event_days(column: str, query: dict[str, object]) -> None:
    pytest.importorskip("ruptures")
    scored = ti.score(ti.load_example())
    found = ti.changepoints(scored, column=column, penalty=40.0, **query)  # type: ignore[arg-type]
    expected = _expected(scored, column, **query)
    assert len(expected) >= 5
    got = found.assign(dyad=found["dyad"].astype(str))[expected.columns]
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_directed_events() -> None:
    pytest.importorskip("ruptures")
    events = [{**e, "actor1": "CHN", "actor2": "PHL"} for e in _turn()]
    events += [event("2024-03-02", "protest_lodged", "PHL", "CHN")] * 4
    scored = ti.score(events, directed=True)
    found = ti.changepoints(scored, dyads="CHN->PHL", column="tension")
    assert list(found["date"]) == [pd.Timestamp("2024-03-15")]
    # The other direction's events are not that dyad's: one day, nothing to cut.
    assert ti.changepoints(scored, dyads="PHL->CHN").empty


def test_bundled_example_records_what_it_did() -> None:
    pytest.importorskip("ruptures")
    scored = ti.score(ti.load_example())
    found = ti.changepoints(scored, dyads="CHN-USA", penalty=50)
    assert not found.empty
    assert found["date"].is_monotonic_increasing
    assert set(found["dyad"].astype(str)) == {"CHN-USA"}
    assert list(found["dyad"].cat.categories) == list(scored.labels)
    assert found.attrs["tensionindex"]["fingerprint"] == scored.fingerprint
    # The regime before the first change starts on the first day watched.
    assert found["before_start"].iloc[0] == pd.Timestamp("2018-07-06")
    index = scored.index(dyads="CHN-USA")
    signal = index.loc[index["events"] > 0, "signal"].to_numpy()
    default = ti.changepoints(scored, dyads="CHN-USA")
    used = default.attrs["tensionindex"]["changepoints"]
    assert used["penalty"]["CHN-USA"] == default_penalty(signal)
    assert used["penalty"]["CHN-USA"] == pytest.approx(3.0 * np.var(signal) * math.log(len(signal)))
    assert used | {"penalty": None} == {
        "dyads": ["CHN-USA"],
        "column": "stability",
        "method": "pelt",
        "penalty": None,
        "min_size": 2,
        "top": 3,
        "n_days": {"CHN-USA": len(index)},
        "n_event_days": {"CHN-USA": len(signal)},
    }
    # 50 event days: no change is strong enough for the default penalty.
    assert default.empty


def test_dyads_by_name_in_either_order_and_several() -> None:
    pytest.importorskip("ruptures")
    scored = ti.score(ti.load_example())
    expected = ti.changepoints(scored, dyads="CHN-USA", penalty=50)
    assert len(expected) > 0
    for spelling in ("USA-CHN", "China-US", "usa-china", ["usa-china"]):
        pd.testing.assert_frame_equal(ti.changepoints(scored, dyads=spelling, penalty=50), expected)
    both = ti.changepoints(scored, dyads=["CHN-USA", "CHN-PHL"], penalty=50)
    assert list(both["dyad"].astype(str).unique()) == ["CHN-PHL", "CHN-USA"]
    assert len(both) == len(expected) + len(ti.changepoints(scored, dyads="CHN-PHL", penalty=50))


def test_raw_events_are_the_one_line_path() -> None:
    pytest.importorskip("ruptures")
    events = ti.load_example()
    expected = ti.changepoints(ti.score(events, half_life=10), dyads="CHN-USA", penalty=50)
    assert len(expected) > 0
    pd.testing.assert_frame_equal(
        ti.changepoints(events, dyads="CHN-USA", half_life=10, penalty=50), expected
    )


def test_nothing_to_segment() -> None:
    pytest.importorskip("ruptures")
    scored = ti.score([event("2024-03-01")])
    found = ti.changepoints(scored)  # one day
    assert found.empty and list(found.columns) == list(CHANGEPOINT_COLUMNS)
    assert found["before_start"].dtype == "datetime64[ns]"
    assert ti.changepoints(ti.score([])).empty
    # Three event days cannot hold two regimes of two.
    three = ti.score([event(f"2024-03-0{d}", "ramming") for d in (1, 2, 3)])
    assert ti.changepoints(three, penalty=1e-6).empty
    assert len(ti.changepoints(three, penalty=1e-6, min_size=1)) == 0  # flat: one signal


def test_empty_and_found_frames_have_the_same_types() -> None:
    pytest.importorskip("ruptures")
    scored = ti.score(_turn())
    found = ti.changepoints(scored, start="2024-02-01", end="2024-04-30")
    empty = ti.changepoints(scored, penalty=1e6)
    assert empty.empty and not found.empty
    assert [str(t) for t in empty.dtypes] == [str(t) for t in found.dtypes]


# Error paths -------------------------------------------------------------------------


@pytest.fixture
def scored() -> ti.ScoredEvents:
    return ti.score([event("2024-03-01"), event("2024-06-01", "ramming")])


def test_unknown_method(scored: ti.ScoredEvents) -> None:
    message = (
        r"The 'method' parameter of changepoints must be one of 'pelt', 'binseg', 'window'\. "
        r"Got 'pelf' instead\. Did you mean 'pelt'\?"
    )
    with pytest.raises(ti.InvalidParameterError, match=message):
        ti.changepoints(scored, method="pelf")  # type: ignore[arg-type]


@pytest.mark.parametrize("penalty", [0, -3.0, float("nan"), float("inf"), True, "3"])
def test_bad_penalty(scored: ti.ScoredEvents, penalty: object) -> None:
    message = (
        r"The 'penalty' parameter of changepoints must be a finite number > 0 or None\. "
        r"Got .* instead\."
    )
    with pytest.raises(ti.InvalidParameterError, match=message):
        ti.changepoints(scored, penalty=penalty)  # type: ignore[arg-type]
    with pytest.raises(ti.InvalidParameterError, match=r"'penalty' parameter of segment must"):
        segment(_steps(0), penalty=penalty)  # type: ignore[arg-type]


@pytest.mark.parametrize("min_size", [0, 2.5, True, "14"])
def test_bad_min_size(scored: ti.ScoredEvents, min_size: object) -> None:
    message = r"The 'min_size' parameter of changepoints must be an integer >= 1\. Got .* instead\."
    with pytest.raises(ti.InvalidParameterError, match=message):
        ti.changepoints(scored, min_size=min_size)  # type: ignore[arg-type]


def test_bad_column(scored: ti.ScoredEvents) -> None:
    message = (
        r"The 'column' parameter of changepoints must be one of 'stability', 'tension', "
        r"'signal', 'events'\. Got 'stabilty' instead\. Did you mean 'stability'\?"
    )
    with pytest.raises(ti.InvalidParameterError, match=message):
        ti.changepoints(scored, column="stabilty")  # type: ignore[arg-type]
    with pytest.raises(ti.InvalidParameterError, match=r"The 'column' parameter of changepoints"):
        ti.changepoints(scored, column=3)  # type: ignore[arg-type]


def test_bad_dyads_and_configuration(scored: ti.ScoredEvents) -> None:
    message = r"No events for dyad 'CHN-PRK'\. Did you mean 'CHN-PHL'.*\? Dyads in the events: "
    with pytest.raises(ti.EventValidationError, match=message):
        ti.changepoints(scored, dyads="CHN-PRK")
    with pytest.raises(ti.InvalidParameterError, match=r"The 'dyads' parameter of changepoints"):
        ti.changepoints(scored, dyads=42)  # type: ignore[arg-type]
    # The dyad goes by name: a second positional argument is the configuration.
    message = r"The 'config' parameter of changepoints must be an IndexConfig or None\. Got 'CHN"
    with pytest.raises(ti.InvalidParameterError, match=message):
        ti.changepoints(scored, "CHN-PHL")  # type: ignore[arg-type]


def test_direction_hints() -> None:
    directed = ti.score([event("2024-03-01")], directed=True)
    message = r"No events for dyad 'PHL->CHN'\. Did you mean 'CHN->PHL' \(the other direction\)\?"
    with pytest.raises(ti.EventValidationError, match=message):
        ti.changepoints(directed, dyads="PHL->CHN")


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_segment_refuses_missing_values(bad: float) -> None:
    pytest.importorskip("ruptures")
    values = _steps(0)
    values[[40, 41, 90]] = bad
    message = (
        r"The 'values' parameter of segment must be a one-dimensional series of finite "
        r"numbers\. Got a ndarray of shape \(365,\) instead\."
    )
    with pytest.raises(ti.InvalidParameterError, match=message):
        segment(values)
    # Dropping them is the explicit way to detect on the other values.
    assert len(segment(values[np.isfinite(values)])) == len(BREAKS)


def test_missing_ruptures_gives_an_install_hint(
    scored: ti.ScoredEvents, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ruptures", None)  # `import ruptures` now fails
    message = (
        r"changepoints\(\) needs the optional dependency 'ruptures', which is not installed\. "
        r'Install it with: pip install "tensionindex\[changepoints\]"'
    )
    with pytest.raises(ti.MissingDependencyError, match=message):
        ti.changepoints(scored, start="2024-01-01", end="2024-12-31")
