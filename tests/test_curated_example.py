"""examples/china_partners.py: the mapping, the script, and what it says about real curated data.

The mapping tests run everywhere.  The tests on the data need Hu & Wang's
curated China-partner events (CC BY 4.0) in ../shared/data/curated beside the
checkout, as CI has them; without them they are skipped.  So are the tests of
the charts of docs/_make_china_partners_chart.py, which also need matplotlib.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "china_partners.py"
CHART = Path(__file__).resolve().parents[1] / "docs" / "_make_china_partners_chart.py"
CURATED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "curated"
HAVE_DATA = (CURATED / "events_712.csv").is_file() and (CURATED / "gdelt_scores.csv").is_file()
needs_data = pytest.mark.skipif(
    not HAVE_DATA, reason="needs ../shared/data/curated (Hu & Wang's curated China-partner events)"
)


def _load_file(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


example = _load_file(EXAMPLE, "example_china_partners")


def _curated(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    """Curated rows with the four key columns and the columns the mapping copies."""
    frame = pd.DataFrame(rows, columns=list(example.KEYS))
    return frame.assign(
        country_en="Japan", event_date="2012-09", event_name="an event", source="https://x"
    )


# -- the mapping (no data needed) ----------------------------------------------------


@pytest.fixture(scope="module")
def mapping() -> pd.DataFrame:
    return example.read_mapping()


def test_every_rule_names_a_known_type_a_positive_intensity_and_a_reason(
    mapping: pd.DataFrame,
) -> None:
    known = set(ti.taxonomy(example.CONFIG)["event_type"])
    assert set(mapping["event_type"]) <= known
    assert np.isfinite(mapping["intensity"]).all()
    assert (mapping["intensity"] > 0).all()
    assert (mapping["reason"].str.len() > 20).all()
    assert set(mapping["impact"]) == {"positive", "neutral", "negative"}
    assert not mapping.duplicated(list(example.KEYS)).any()


def test_the_weight_of_every_rule_has_the_sign_of_its_impact(mapping: pd.DataFrame) -> None:
    """Positive and neutral rows are contacts or cooperation (weight < 0: less tension);
    negative rows raise the tension.  A rule pointing the wrong way would invert a row."""
    weights = ti.taxonomy(example.CONFIG).set_index("event_type")["weight"]
    signed = mapping["event_type"].map(weights) * mapping["intensity"]
    negative = mapping["impact"] == "negative"
    assert (signed[negative] > 0).all(), mapping[negative & (signed <= 0)]
    assert (signed[~negative] < 0).all(), mapping[~negative & (signed >= 0)]


def test_the_most_specific_rule_wins_and_unmapped_rows_are_returned(
    mapping: pd.DataFrame,
) -> None:
    curated = _curated(
        ("High-level visit", "positive", "leader_visit", "state_head"),
        ("High-level visit", "positive", "leader_visit", "government_head"),
        ("High-level visit", "positive", "diplomatic", ""),
        ("High-level visit", "positive", "leader_visit", ""),
        ("Sovereignty dispute", "negative", "military", ""),
        ("Sovereignty dispute", "negative", "territorial", ""),
        ("Sovereignty dispute", "positive", "territorial", ""),
        ("Something new", "negative", "", ""),
    )
    events, unmapped = example.apply_mapping(curated, mapping)
    assert events[["event_type", "intensity"]].values.tolist() == [
        ["leader_summit", 1.0],
        ["leader_summit", 0.75],
        ["ministerial_talks", 1.0],
        ["leader_summit", 1.0],
        ["show_of_force", 1.0],
        ["cameo:170", 1.0],
    ]
    assert events["event_id"].tolist() == [f"curated-{line}" for line in range(2, 8)]
    assert (events["actor1"] == "CHN").all()
    assert (events["date"] == "2012-09").all()  # passed as written: a month
    assert unmapped["line"].tolist() == [8, 9]
    assert unmapped["event_category_en"].tolist() == ["Sovereignty dispute", "Something new"]


def test_two_equally_specific_rules_are_an_error(mapping: pd.DataFrame) -> None:
    curated = _curated(("High-level visit", "positive", "diplomatic", "state_head"))
    with pytest.raises(ValueError, match=r"Line 2 of events_712.csv .* matches the rules on lines"):
        example.apply_mapping(curated, mapping)


def test_without_the_data_the_script_says_so_and_succeeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert example.main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"not in {tmp_path}" in out
    assert "eventdb-validity-audit" in out


# -- the real data -------------------------------------------------------------------


@pytest.fixture(scope="module")
def result() -> Any:
    return example.run(CURATED)


@pytest.fixture(scope="module")
def monthly(result: Any) -> pd.DataFrame:
    index = result.scored.index(freq="MS", start=example.FIRST, end=example.LAST)
    return index.pivot(index="date", columns="dyad", values="stability_mean")


@needs_data
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_every_category_and_impact_of_the_data_has_a_rule_and_every_row_is_mapped(
    result: Any, mapping: pd.DataFrame
) -> None:
    curated = example.read_curated(CURATED)
    seen = set(curated[["event_category_en", "impact"]].itertuples(index=False, name=None))
    ruled = set(mapping[["event_category_en", "impact"]].itertuples(index=False, name=None))
    assert seen <= ruled, seen - ruled
    assert result.unmapped.empty
    assert len(result.events) == len(curated) == 712
    assert len(result.scored.events) == 712
    # The months go in as written and come out as month-precision events.
    assert (result.scored.events["date_precision"] == "month").all()
    assert (result.scored.events["date"].dt.day == 1).all()
    assert len(result.labels) == 25


@needs_data
def test_japan_is_less_stable_in_2012_13_than_in_2018_19(monthly: pd.DataFrame) -> None:
    """The nationalisation of the Senkaku islands (2012-09) and the East China Sea air
    defence zone (2013-11) against the Li and Abe visits of 2018: the curated record of
    both periods, and every account of them, has the second far warmer."""
    japan = monthly["CHN-JPN"]
    tense, warm = japan["2012":"2013"].mean(), japan["2018":"2019"].mean()
    assert tense < warm - 5, (tense, warm)
    assert japan["2012-10"].iloc[0] < japan["2012-08"].iloc[0] - 10  # the nationalisation month


@needs_data
def test_the_philippines_is_less_stable_in_the_arbitration_year_than_after(
    monthly: pd.DataFrame,
) -> None:
    """The tribunal's ruling (2016-07) before Duterte's visit to Beijing (2016-10) and
    the visits and Belt and Road fora of 2017-2018."""
    philippines = monthly["CHN-PHL"]
    before, after = philippines["2016-01":"2016-09"].mean(), philippines["2017":"2018"].mean()
    assert before < 50 < after, (before, after)


@needs_data
def test_the_united_states_is_least_stable_in_the_trade_war(monthly: pd.DataFrame) -> None:
    """Tariffs, the ZTE ban and the trade war (2018-2019) are the curated record's only
    run of negative US events; no other year comes close."""
    usa = monthly["CHN-USA"]
    by_year = usa.groupby(usa.index.year).mean()
    assert by_year.idxmin() == 2018
    assert by_year[[2018, 2019]].max() < by_year.drop([2018, 2019]).min() - 5


@needs_data
def test_the_south_china_sea_group_pools_its_members(result: Any) -> None:
    assert result.claimants == ["CHN-PHL", "CHN-VNM", "CHN-MYS", "CHN-IDN"]
    pooled = result.group["event"].set_index("date")
    members = result.scored.events["actor2"].isin(["PHL", "VNM", "MYS", "IDN"])
    assert pooled["events"].sum() == members.sum()
    by_dyad = result.group["dyad"].set_index("date")
    # Under "sum" the pooled tension is the sum of the members' and the per-dyad
    # tension their mean: four members, so the two differ by a factor of four.
    np.testing.assert_allclose(pooled["tension_end"], 4 * by_dyad["tension_end"], atol=1e-9)


@needs_data
def test_the_ranking_covers_every_dyad_once(result: Any) -> None:
    ranking = result.ranking
    assert sorted(ranking["dyad"]) == sorted(result.labels.values())
    assert ranking["rank_level"].tolist() == sorted(ranking["rank_level"])
    assert ranking.iloc[0]["stability_end"] == ranking["stability_end"].min()
    # Mexico's tariffs of December 2025, counted on the middle day of the month.
    assert ranking.iloc[0]["dyad"] == "CHN-MEX"
    assert ranking.iloc[0]["drivers"].startswith("trade_restrictions 2025-12-16")


# -- partners ranked by change, 2022 to 2024 ----------------------------------------


@needs_data
def test_the_ranking_by_change_covers_every_dyad_and_counts_the_36_months(result: Any) -> None:
    """Every dyad once, largest fall first, and ``events`` the rows of 2022-01 to 2024-12:
    counted here from the curated file itself, not from the scored events."""
    change = result.change
    assert example.CHANGE == ("2022-01-01", "2024-12-31")
    assert change.attrs["tensionindex"]["compare"]["start"] == "2022-01-01"
    assert change.attrs["tensionindex"]["compare"]["end"] == "2024-12-31"
    assert sorted(change["dyad"]) == sorted(result.labels.values())
    assert change["rank_change"].is_monotonic_increasing
    assert change["stability_change"].is_monotonic_increasing
    curated = example.read_curated(CURATED)
    inside = curated["event_date"].between("2022-01", "2024-12")
    expected = curated[inside]["country_en"].map(result.labels).value_counts()
    counted = change.set_index("dyad")["events"]
    assert counted.sum() == inside.sum()
    assert counted.to_dict() == expected.reindex(counted.index, fill_value=0).to_dict()


@needs_data
def test_the_yearly_means_beside_the_ranking_are_the_means_of_the_daily_index(
    result: Any,
) -> None:
    daily = result.scored.index(start="2022-01-01", end="2024-12-31")
    daily = daily.pivot(index="date", columns="dyad", values="stability")
    change = result.change.set_index("dyad")
    np.testing.assert_allclose(change["mean_first"], daily.loc["2022"].mean()[change.index])
    np.testing.assert_allclose(change["mean_last"], daily.loc["2024"].mean()[change.index])


def _drivers(row: pd.Series, scored: Any) -> pd.DataFrame:
    """The driving events of one ranking row: their change, then their own columns."""
    events = scored.events.iloc[list(row["driver_rows"])]
    return events.assign(change=list(row["driver_changes"])).reset_index(drop=True)


@needs_data
def test_canada_and_mexico_fall_most_and_the_events_that_drove_it_are_named(
    result: Any,
) -> None:
    """The fading of the release of Meng Wanzhou and the two Michaels (2021-09) and
    Canada's surtax on Chinese electric cars (2024-10); Mexico's tariffs of 2024, the
    December round above all.  Nobody else falls by more than eight points (Belgium,
    third, by about six)."""
    change = result.change.set_index("dyad")
    assert list(change.index[:2]) == ["CAN-CHN", "CHN-MEX"]
    assert (change["stability_change"].iloc[:2] < -12).all()
    assert change["stability_change"].iloc[2] > -8
    assert change.loc["CAN-CHN", ["grade_start", "grade"]].tolist() == ["good", "cool"]
    assert change.loc["CHN-MEX", ["grade_start", "grade"]].tolist() == ["normal", "cool"]

    canada = _drivers(change.loc["CAN-CHN"], result.scored)
    assert canada["event_type"].tolist()[:2] == ["agreement_signed", "sanctions_imposed"]
    assert canada["description"][0] == "Meng Released / Michaels Freed"
    assert canada["description"][1] == "Canada imposes 100% surtax on Chinese-made EVs"
    assert canada["date"][0] < pd.Timestamp("2022-01-01")  # a driver from before the period
    assert (canada["change"][:2] > 3).all()  # both raised the tension by more than 3 points
    # The changes of all of a dyad's events sum to its tension change; Canada's other
    # events (2019, late 2022) had all but faded on both days.
    total = change.loc["CAN-CHN", "tension_change"]
    assert canada["change"].sum() == pytest.approx(total, abs=0.05)

    mexico = _drivers(change.loc["CHN-MEX"], result.scored)
    assert mexico["event_type"].tolist() == [
        "trade_restrictions",
        "cameo:044",
        "trade_restrictions",
    ]
    assert mexico["date"].dt.strftime("%Y-%m").tolist() == ["2024-12", "2024-11", "2024-04"]
    # December's round, 15 days before the end, still counts at 2**(-15/90) of its weight.
    assert mexico["change"][0] > 4 * abs(mexico["change"][1:]).max()
    # The text column names the same events, each on the middle day of its month.
    assert change.loc["CHN-MEX", "drivers"].startswith(
        "trade_restrictions 2024-12-16 (+4.9); cameo:044 2024-11-15"
    )
    # The ids point back to the lines of the curated file that the events came from.
    curated = example.read_curated(CURATED)
    for ids, frame in (
        (change.loc["CAN-CHN", "event_ids"], canada),
        (change.loc["CHN-MEX", "event_ids"], mexico),
    ):
        lines = [int(i.removeprefix("curated-")) for i in ids]
        assert curated["event_name"].iloc[[line - 2 for line in lines]].tolist() == (
            frame["description"].tolist()
        )


@needs_data
def test_vietnam_rises_most_and_australia_rises_on_the_fading_of_aukus(result: Any) -> None:
    change = result.change.set_index("dyad")
    assert change.index[-1] == "CHN-VNM"
    assert change.loc["CHN-VNM", "stability_change"] > 15
    assert change.loc["CHN-VNM", "grade"] == "friendly"
    vietnam = _drivers(change.loc["CHN-VNM"], result.scored)
    assert vietnam["event_type"][0] == "economic_cooperation"
    assert vietnam["date"][0].strftime("%Y-%m") == "2024-12"
    # Australia's largest driver is no event of the period: AUKUS (2021-09) fading out,
    # about half of its fall in tension; it rises from cool to good, fourth of all.
    australia = _drivers(change.loc["AUS-CHN"], result.scored)
    assert australia["description"][0] == "AUKUS security pact announced"
    assert australia["date"][0] < pd.Timestamp("2022-01-01")
    assert australia["change"][0] < -2  # its fading lowered the tension by 2 points
    assert australia["change"][0] / change.loc["AUS-CHN", "tension_change"] > 0.4
    assert change.loc["AUS-CHN", ["grade_start", "grade"]].tolist() == ["cool", "good"]
    assert change.loc["AUS-CHN", "rank_change"] >= len(change) - 3


@needs_data
def test_a_point_comparison_and_the_yearly_means_can_disagree(result: Any) -> None:
    """The two days compared see only what the kernel still remembers on each.  Russia's
    state visit and joint statement of February 2022 came after the first day and had
    faded by the last, so the ranking has Russia a little up while its 2024 mean is the
    largest fall of any yearly mean; Canada's 2024 mean is within two points of 2022's
    (the 5G ban held 2022 down, the surtax came late in 2024) while its two days show
    the largest fall."""
    change = result.change.set_index("dyad")
    by_mean = change["mean_last"] - change["mean_first"]
    assert by_mean.idxmin() == "CHN-RUS" and by_mean["CHN-RUS"] < -5
    assert change.loc["CHN-RUS", "stability_change"] > 0
    assert abs(by_mean["CAN-CHN"]) < 2
    assert change.loc["CAN-CHN", "stability_change"] < -15
    # Where the two agree: Vietnam and Malaysia rise most either way.
    assert set(by_mean.nlargest(2).index) == {"CHN-VNM", "CHN-MYS"}


@needs_data
def test_the_philippines_is_flagged_quiet_not_steady_in_the_ranking_by_change(
    result: Any,
) -> None:
    """No Philippine event after November 2023 in the data, so the 2024 confrontations at
    Second Thomas Shoal are not in it: a change near zero that the ranking marks as
    resting on almost no information."""
    philippines = result.scored.events[result.scored.events["partner"] == "Philippines"]
    assert philippines["date"].max() == pd.Timestamp("2023-11-01")
    row = result.change.set_index("dyad").loc["CHN-PHL"]
    assert abs(row["stability_change"]) < 1
    assert row["low_information"] and row["information_end"] < 0.1
    assert row["events"] == 4


# -- the charts (docs/_make_china_partners_chart.py) ---------------------------------


@pytest.fixture(scope="module")
def chart_script() -> ModuleType:
    pytest.importorskip("matplotlib")
    return _load_file(CHART, "docs_china_partners_chart")


def _stability_lines(ax: Any) -> list[str]:
    return [line.get_label() for line in ax.lines if line.get_gid() == "stability"]


@needs_data
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_the_overview_chart_draws_two_partners_and_the_south_china_sea_group(
    result: Any, chart_script: ModuleType
) -> None:
    plt = pytest.importorskip("matplotlib.pyplot")
    fig = chart_script.overview(example, result)
    try:
        top, bottom = fig.axes
        assert _stability_lines(top) == ["CHN-JPN", "CHN-USA"]
        assert _stability_lines(bottom) == ["CHN-SCS (pooled)", "CHN-PHL", "CHN-VNM"]
        labels = [" ".join(text.get_text().splitlines()) for text in top.texts]
        # The largest single-day contributions: Japan's Senkaku disputes of 2010 and 2012.
        assert "Coerce 15 Sep 2010" in labels and "Coerce 15 Sep 2012" in labels
        assert "friendly" in labels and "confrontational" in labels  # the grades
        # The pooled line is the group index of the script (weighting="event"), day by day.
        pooled = next(line for line in bottom.lines if line.get_label() == "CHN-SCS (pooled)")
        group = result.scored.group_index(
            {"CHN-SCS": result.claimants}, start="2010-01-01", end=example.LAST
        )
        np.testing.assert_allclose(pooled.get_ydata(), group["stability"])
    finally:
        plt.close(fig)


@needs_data
def test_the_change_chart_draws_the_two_largest_falls_and_rises_over_the_period(
    result: Any, chart_script: ModuleType
) -> None:
    plt = pytest.importorskip("matplotlib.pyplot")
    import matplotlib.dates as mdates

    fig = chart_script.change(example, result)
    try:
        (ax,) = fig.axes
        assert _stability_lines(ax) == ["CAN-CHN", "CHN-MEX", "CHN-VNM", "CHN-MYS"]
        first, last = (mdates.num2date(x).date().isoformat() for x in ax.get_xlim())
        assert (first, last) == example.CHANGE
        labels = [" ".join(text.get_text().splitlines()) for text in ax.texts]
        assert "sanctions imposed 16 Oct 2024" in labels  # Canada's surtax
        assert "economic cooperation 16 Dec 2024" in labels  # Vietnam's railway protocol
        assert "leader summit 15 Sep 2024" in labels  # the King of Malaysia's state visit
    finally:
        plt.close(fig)


@needs_data
@pytest.mark.slow  # renders both charts: about 2 s
def test_every_chart_title_sits_clear_of_the_settings_line_under_it(
    result: Any, chart_script: ModuleType
) -> None:
    # A title set on the Axes after plot_index lands on plot_index's settings line
    # (configuration and fingerprint); given as title= it gets the room above it.
    plt = pytest.importorskip("matplotlib.pyplot")
    from matplotlib.text import Text

    for fig in (chart_script.overview(example, result), chart_script.change(example, result)):
        try:
            fig.canvas.draw()
            renderer = fig.canvas.get_renderer()
            for ax in fig.axes:
                settings = next(t for t in ax.texts if t.get_gid() == "provenance")
                title = next(
                    t
                    for t in ax.get_children()
                    if isinstance(t, Text)
                    and t is not settings
                    and t.get_text() == ax.get_title(loc="left")
                )
                assert title.get_text()
                assert not title.get_window_extent(renderer).overlaps(
                    settings.get_window_extent(renderer)
                ), title.get_text()
        finally:
            plt.close(fig)


@needs_data
@pytest.mark.slow  # renders and writes both charts twice: about 6 s
def test_the_chart_script_writes_small_deterministic_pngs(
    chart_script: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("matplotlib")
    sizes = {}
    for run in ("first", "second"):
        folder = tmp_path / run
        folder.mkdir()
        monkeypatch.setattr(chart_script, "OVERVIEW", folder / "overview.png")
        monkeypatch.setattr(chart_script, "CHANGE", folder / "change.png")
        chart_script.main()
        sizes[run] = {path.name: path.read_bytes() for path in sorted(folder.iterdir())}
    assert sizes["first"] == sizes["second"]
    for name, data in sizes["first"].items():
        assert data.startswith(b"\x89PNG"), name
        assert len(data) < 150 * 1024, (name, len(data))


@needs_data
def test_the_index_agrees_with_gdelt_for_the_own_partner_more_than_for_others(
    result: Any,
) -> None:
    """GDELT's monthly Goldstein index and the curated index share no input; the
    curated series is flat at 50 in most months.  What should hold if both follow the
    relationship: a dyad's index agrees better with its own partner's GDELT series than
    with other partners' (which a common trend would not give), clearly so for the busy
    pairs whose curated record has both warm and tense episodes.  It does not hold for
    every pair: CHN-IDN (rho about 0) and CHN-RUS (negative) are discussed in
    docs/analysis.md."""
    table = result.gdelt.set_index("partner")
    assert len(table) == 25 and (table["months"] == 288).all()
    assert table["rho"].mean() > table["others"].mean() + 0.1
    assert (table["rank"] == 1).sum() >= 6  # chance would give about 1 in 25
    for partner in ("Japan", "United States", "Vietnam", "Philippines"):
        assert table.at[partner, "rho"] > 0.25, partner
        assert table.at[partner, "rank"] <= 2, partner


@needs_data
@pytest.mark.slow  # the whole script twice: about 3 s
def test_the_script_runs_and_prints_the_same_numbers_twice(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert example.main([]) == 0
    first = capsys.readouterr().out
    assert example.main([str(CURATED)]) == 0
    assert capsys.readouterr().out == first
    assert "712 rows mapped, 0 unmapped" in first
    assert "5. Partners ranked by the change of stability from 2022-01-01 to 2024-12-31" in first
    assert "6. Agreement with GDELT" in first
