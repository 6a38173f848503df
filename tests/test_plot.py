"""ti.plot_index(): the chart renders headless with the artists an analyst reads.

Expected values come from the inputs, not from the drawing code: line data
from ScoredEvents.index(), marker positions from the index at the events'
dates, the annotated events from the taxonomy's weights times intensity and
confidence (an oracle independent of explain()), band and change-point
positions from the frames given.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti
from tensionindex.plot import CATEGORY_COLORS

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import PathCollection, PolyCollection  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.legend import Legend  # noqa: E402
from matplotlib.text import Annotation  # noqa: E402

DYADS = ["CHN-PHL", "CHN-USA"]
START = "2023-01-01"


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return ti.load_example("us-china-2024")


@pytest.fixture(scope="module")
def scored(events: pd.DataFrame) -> ti.ScoredEvents:
    return ti.score(events)


@pytest.fixture(scope="module")
def result(scored: ti.ScoredEvents) -> pd.DataFrame:
    """The index drawn by default in these tests."""
    return scored.index(dyads=DYADS, start=START)


def plot(scored: object, config: ti.IndexConfig | None = None, **options: Any) -> Any:
    """plot_index of the two dyads from START, unless the test says otherwise."""
    options = {"dyads": DYADS, "start": START, **options}
    return ti.plot_index(scored, config, **options)  # type: ignore[arg-type]


def _lines(ax: Any, gid: str) -> list[Any]:
    return [line for line in ax.lines if line.get_gid() == gid]


def _annotations(ax: Any) -> list[Annotation]:
    return [text for text in ax.texts if isinstance(text, Annotation)]


def _event_collections(ax: Any) -> list[PathCollection]:
    return [c for c in ax.collections if isinstance(c, PathCollection) and c.get_gid() == "events"]


def _legend_texts(ax: Any) -> list[str]:
    legends = [a for a in ax.get_children() if isinstance(a, Legend)]
    return [t.get_text() for legend in legends for t in legend.get_texts()]


def _dyad_of(row: pd.Series) -> str:
    return "-".join(sorted((str(row["actor1"]), str(row["actor2"]))))


def _expected_events(events: pd.DataFrame, result: pd.DataFrame) -> pd.DataFrame:
    """The example's events on the plotted lines, with the oracle's day-of contribution."""
    table = events.assign(dyad=events.apply(_dyad_of, axis=1))
    table = table[table["dyad"].isin(DYADS) & (table["date"] >= pd.Timestamp(START))]
    table = table[table["date"] <= result["date"].max()]
    weights = ti.taxonomy().set_index("event_type")
    config = ti.IndexConfig()
    assert config.intensity_transform == "linear" and config.aggregation == "sum"
    assert config.use_confidence and not config.category_multipliers
    table = table.assign(
        category=[weights.loc[str(t), "category"] for t in table["event_type"]],
        contribution=[
            weights.loc[str(t), "weight"] * i * c
            for t, i, c in zip(
                table["event_type"], table["intensity"], table["confidence"], strict=True
            )
        ],
    )
    return table.reset_index(drop=True)


# --- rendering and the artists ------------------------------------------------------


def test_renders_to_png_headless(
    scored: ti.ScoredEvents, result: pd.DataFrame, tmp_path: Path
) -> None:
    bands = result.assign(
        stability_q05=result["stability"] - 5, stability_q95=result["stability"] + 5
    )
    changes = pd.DataFrame({"dyad": ["CHN-PHL"], "date": ["2024-03-05"]})
    ax = plot(scored, bands=bands, changepoints=changes)
    path = tmp_path / "chart.png"
    ax.figure.savefig(path, dpi=80)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 10_000


def test_one_line_per_dyad_with_the_index_values(
    scored: ti.ScoredEvents, result: pd.DataFrame
) -> None:
    ax = plot(scored)
    lines = _lines(ax, "stability")
    assert [line.get_label() for line in lines] == DYADS
    for line, dyad in zip(lines, DYADS, strict=True):
        part = result[result["dyad"] == dyad]
        np.testing.assert_array_equal(line.get_ydata(), part["stability"].to_numpy())
        np.testing.assert_array_equal(
            np.asarray(line.get_xdata(), dtype="datetime64[ns]"), part["date"].to_numpy()
        )
    assert [text for text in _legend_texts(ax) if text in DYADS] == DYADS


def test_neutral_line_axes_and_dates(scored: ti.ScoredEvents, result: pd.DataFrame) -> None:
    ax = plot(scored)
    (neutral,) = _lines(ax, "neutral")
    assert list(neutral.get_ydata()) == [50, 50]
    assert neutral.get_linestyle() == "--"
    assert neutral.get_label() == "neutral (50)"
    assert ax.get_ylim() == (0.0, 100.0)
    first, last = mdates.date2num(result["date"].min()), mdates.date2num(result["date"].max())
    assert ax.get_xlim() == pytest.approx((first, last))
    assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)
    assert "neutral (50)" in _legend_texts(ax)


def test_dyads_selects_and_accepts_any_spelling(scored: ti.ScoredEvents) -> None:
    ax = plot(scored, dyads="usa-china")
    assert [line.get_label() for line in _lines(ax, "stability")] == ["CHN-USA"]
    ax = plot(scored, dyads=["USA-CHN", "PHL-CHN", "CHN-USA"])
    assert [line.get_label() for line in _lines(ax, "stability")] == ["CHN-USA", "CHN-PHL"]


def test_every_dyad_by_default(scored: ti.ScoredEvents) -> None:
    ax = ti.plot_index(scored, annotate=0)
    labels = [line.get_label() for line in _lines(ax, "stability")]
    assert labels == [str(d) for d in scored.labels]
    n_markers = sum(len(c.get_offsets()) for c in _event_collections(ax))
    assert n_markers == len(scored.events)


def test_unknown_dyad_suggests_near_misses(scored: ti.ScoredEvents) -> None:
    with pytest.raises(
        ti.EventValidationError,
        match=r"No events for dyad 'CHN-PHI'\. Did you mean 'CHN-PHL'\? "
        r"Dyads in the events: CHN-PHL, CHN-TWN, CHN-USA",
    ):
        plot(scored, dyads=["CHN-USA", "CHN-PHI"])


def test_empty_dyads_is_an_error(scored: ti.ScoredEvents) -> None:
    with pytest.raises(
        ti.InvalidParameterError, match=r"The 'dyads' parameter of plot_index must be a dyad"
    ):
        plot(scored, dyads=[])


# --- events -------------------------------------------------------------------------


def test_event_markers_by_category_on_the_lines(
    scored: ti.ScoredEvents, result: pd.DataFrame, events: pd.DataFrame
) -> None:
    ax = plot(scored, annotate=0)
    expected = _expected_events(events, result)
    collections = _event_collections(ax)
    present = [c for c in ti.CATEGORIES if c in set(expected["category"])]
    assert [c.get_label() for c in collections] == [c.replace("_", " ") for c in present]
    stability = result.set_index(["dyad", "date"])["stability"]
    for collection, category in zip(collections, present, strict=True):
        assert to_hex(collection.get_facecolor()[0]) == CATEGORY_COLORS[category].lower()
        rows = expected[expected["category"] == category]
        offsets = collection.get_offsets()
        assert len(offsets) == len(rows)
        want = sorted(
            (mdates.date2num(d), stability[(dyad, d)])
            for dyad, d in zip(rows["dyad"], rows["date"], strict=True)
        )
        got = sorted(map(tuple, np.asarray(offsets)))
        np.testing.assert_allclose(got, want)
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "event category"
    assert [t.get_text() for t in legend.get_texts()] == [c.replace("_", " ") for c in present]


def test_category_palette_is_fixed_and_distinct() -> None:
    assert list(CATEGORY_COLORS) == list(ti.CATEGORIES)
    assert len(set(CATEGORY_COLORS.values())) == len(ti.CATEGORIES)


def test_top_contributions_are_annotated(
    scored: ti.ScoredEvents, result: pd.DataFrame, events: pd.DataFrame
) -> None:
    ax = plot(scored)
    expected = _expected_events(events, result)
    expected = expected.assign(size=expected["contribution"].abs())
    top = expected.sort_values(["size", "date"], ascending=[False, True], kind="stable").head(5)
    want = sorted(
        f"{str(t).replace('_', ' ')} {d.day} {d:%b %Y}"
        for t, d in zip(top["event_type"], top["date"], strict=True)
    )
    texts = _annotations(ax)
    assert len(texts) == 5
    assert sorted(" ".join(t.get_text().splitlines()) for t in texts) == want
    for text in texts:  # each text points at its event's marker on the line
        date, value = text.xy
        dyad = next(
            d
            for d in DYADS
            if (d, pd.Timestamp(date)) in set(zip(expected["dyad"], expected["date"], strict=True))
        )
        part = result[(result["dyad"] == dyad) & (result["date"] == pd.Timestamp(date))]
        assert value == pytest.approx(part["stability"].item())


@pytest.mark.parametrize("annotate", [0, 1, 3, 8])
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_annotation_count(
    scored: ti.ScoredEvents, result: pd.DataFrame, events: pd.DataFrame, annotate: int
) -> None:
    ax = plot(scored, annotate=annotate)
    n_events = len(_expected_events(events, result))
    assert len(_annotations(ax)) == min(annotate, n_events)


def test_fewer_events_than_annotate() -> None:
    two = [
        {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"},
        {"date": "2024-03-09", "actor1": "PHL", "actor2": "CHN", "event_type": "protest_lodged"},
    ]
    ax = ti.plot_index(two, annotate=5)  # raw events are scored once, here
    assert sorted(t.get_text().splitlines()[0] for t in _annotations(ax)) == [
        "protest lodged",
        "water cannon",
    ]


@pytest.mark.parametrize("bad", [-1, 2.5, True, "3"])
def test_bad_annotate(scored: ti.ScoredEvents, bad: object) -> None:
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"The 'annotate' parameter of plot_index must be an integer >= 0\. "
        rf"Got {bad!r} instead\.",
    ):
        plot(scored, annotate=bad)


def test_annotation_text_for_codes() -> None:
    coded = [
        {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "cameo:190"},
        {"date": "2024-03-02", "actor1": "CHN", "actor2": "PHL", "event_type": "cameo:0871"},
    ]
    ax = ti.plot_index(coded)
    assert sorted(t.get_text() for t in _annotations(ax)) == [
        "Declare truce, ceasefire\n2 Mar 2024",
        "Use conventional military force\n1 Mar 2024",
    ]


def test_annotations_do_not_overlap_when_rendered(scored: ti.ScoredEvents) -> None:
    # The example's 2024 cluster: several events within days of each other.
    fig, ax = plt.subplots(figsize=(10, 5), dpi=100, layout="constrained")
    plot(scored, annotate=6, ax=ax)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in _annotations(ax)]
    assert len(boxes) == 6
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
    frame = ax.get_window_extent(renderer)
    for box in boxes:
        assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1
        assert frame.y0 - 1 <= box.y0 and box.y1 <= frame.y1 + 1


def test_legends_stay_inside_the_saved_figure(events: pd.DataFrame) -> None:
    days = pd.date_range(START, "2024-07-21")
    ax = plot(ti.score(events, coverage=days[days.day != 1]))  # a new figure, constrained layout
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legends = [a for a in ax.get_children() if isinstance(a, Legend)]
    assert len(legends) == 2
    for legend in legends:
        box = legend.get_window_extent(renderer)
        assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1
        assert not box.overlaps(ax.get_window_extent(renderer))  # never over the data


def test_draws_into_a_subfigure(scored: ti.ScoredEvents) -> None:
    fig = plt.figure(figsize=(16, 5), layout="constrained")
    left, _ = fig.subfigures(1, 2)
    ax = left.subplots()
    assert plot(scored, ax=ax) is ax
    assert len(_annotations(ax)) == 5


def test_events_of_other_dyads_and_dates_are_left_out(
    scored: ti.ScoredEvents, result: pd.DataFrame, events: pd.DataFrame
) -> None:
    ax = plot(scored, dyads="CHN-USA", annotate=50)
    n_markers = sum(len(c.get_offsets()) for c in _event_collections(ax))
    expected = _expected_events(events, result)
    assert n_markers == (expected["dyad"] == "CHN-USA").sum()
    assert len(_annotations(ax)) == n_markers
    first = mdates.date2num(pd.Timestamp(START))
    assert all(mdates.date2num(t.xy[0]) >= first for t in _annotations(ax))


def test_no_events_on_the_days_drawn_draws_no_markers() -> None:
    two = [
        {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"},
        {"date": "2024-03-05", "actor1": "USA", "actor2": "CHN", "event_type": "warning"},
    ]
    ax = ti.plot_index(two, dyads="CHN-USA", end="2024-03-04")
    assert len(_lines(ax, "stability")) == 1
    assert _event_collections(ax) == [] and _annotations(ax) == []


def test_invalid_raw_events_raise_the_validation_error() -> None:
    bad = [{"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "water_canon"}]
    with pytest.raises(ti.EventValidationError, match=r"Did you mean 'water_cannon'\?"):
        ti.plot_index(bad)


def test_raw_events_draw_what_scored_events_draw(
    scored: ti.ScoredEvents, events: pd.DataFrame
) -> None:
    def drawn(ax: Any) -> list[Any]:
        lines = [(line.get_label(), list(line.get_ydata())) for line in _lines(ax, "stability")]
        return [lines, sorted(t.get_text() for t in _annotations(ax))]

    assert drawn(plot(events)) == drawn(plot(scored))


def test_scored_events_are_neither_validated_nor_explained_again(
    scored: ti.ScoredEvents, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tensionindex.events
    import tensionindex.scored

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("plot_index must work from the scored events")

    # Scoring validates through validated_and_days (validate_events calls it too).
    monkeypatch.setattr(tensionindex.scored, "validated_and_days", refuse)
    monkeypatch.setattr(tensionindex.events, "validated_and_days", refuse)
    monkeypatch.setattr(ti.ScoredEvents, "explain", refuse)
    assert len(_annotations(plot(scored))) == 5


def test_start_and_end_bound_the_lines_and_the_markers(
    scored: ti.ScoredEvents, events: pd.DataFrame
) -> None:
    ax = plot(scored, dyads="CHN-PHL", start="2024-03-01", end="2024-03-31", annotate=100)
    (line,) = _lines(ax, "stability")
    expected = scored.index(dyads="CHN-PHL", start="2024-03-01", end="2024-03-31")
    np.testing.assert_array_equal(line.get_ydata(), expected["stability"].to_numpy())
    table = events.assign(dyad=events.apply(_dyad_of, axis=1))
    march = table[(table["dyad"] == "CHN-PHL") & (table["date"].dt.strftime("%Y-%m") == "2024-03")]
    n_markers = sum(len(c.get_offsets()) for c in _event_collections(ax))
    assert n_markers == len(_annotations(ax)) == len(march) > 0


# --- configuration ------------------------------------------------------------------


def test_overrides_change_the_lines_and_the_markers_together(
    scored: ti.ScoredEvents, recwarn: pytest.WarningsRecorder
) -> None:
    ax = plot(scored, annotate=3, weights={"ramming": 40.0})
    assert [t.get_text().splitlines()[0] for t in _annotations(ax)] == ["ramming"] * 3
    heavy = scored.with_config(weights={"ramming": 40.0}).index(dyads="CHN-PHL", start=START)
    (line,) = [line for line in _lines(ax, "stability") if line.get_label() == "CHN-PHL"]
    np.testing.assert_array_equal(line.get_ydata(), heavy["stability"].to_numpy())
    assert not recwarn.list  # one object: the markers cannot disagree with the lines


def test_config_argument_is_used(scored: ti.ScoredEvents) -> None:
    config = ti.IndexConfig(weights={"accusation": 50.0})
    ax = plot(scored, config, annotate=1)
    assert _annotations(ax)[0].get_text().startswith("accusation\n")


def test_unknown_override(scored: ti.ScoredEvents) -> None:
    with pytest.raises(ti.ConfigurationError, match=r"Unknown setting 'half_lif'\. Did you mean"):
        plot(scored, half_lif=3)


@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_window_kernel_marks_every_event_with_its_day_of_contribution(
    scored: ti.ScoredEvents, events: pd.DataFrame
) -> None:
    # Under a 7-day window most events no longer count on the last day drawn;
    # each is still marked and ranked by what it added on the day it happened.
    windowed = scored.with_config(kernel="window", window=7)
    _, ax = plt.subplots(figsize=(24, 8), layout="constrained")
    plot(windowed, annotate=100, ax=ax)
    result = windowed.index(dyads=DYADS, start=START)
    expected = _expected_events(events, result)
    labelled = _annotations(ax)
    # Every event that finds a free place is labelled (those that do not are left out).
    assert 0.8 * len(expected) <= len(labelled) <= len(expected)
    top = plot(windowed, annotate=5)
    assert sorted(t.get_text() for t in _annotations(top)) == sorted(
        t.get_text() for t in _annotations(plot(scored, annotate=5))
    )


def test_directed_scoring(events: pd.DataFrame) -> None:
    directed = ti.score(events, directed=True)
    ax = plot(directed, dyads="CHN->PHL", annotate=100)
    assert [line.get_label() for line in _lines(ax, "stability")] == ["CHN->PHL"]
    table = events[(events["date"] >= pd.Timestamp(START))]
    n = ((table["actor1"] == "CHN") & (table["actor2"] == "PHL")).sum()
    assert len(_annotations(ax)) == n
    with pytest.raises(ti.EventValidationError, match=r"No events for dyad 'PHL->USA'"):
        plot(directed, dyads="PHL->USA")


def test_custom_category_gets_a_colour() -> None:
    config = ti.IndexConfig(
        custom_types={"navy_band": ti.EventTypeSpec(label="Concert", category="port", weight=-1)}
    )
    mine = [{"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "navy_band"}]
    ax = ti.plot_index(mine, config)
    (collection,) = _event_collections(ax)
    assert collection.get_label() == "port"
    assert to_hex(collection.get_facecolor()[0]) not in {
        c.lower() for c in CATEGORY_COLORS.values()
    }


# --- bands, change points, coverage ---------------------------------------------------


def _bands(result: pd.DataFrame, low: str, high: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "dyad": result["dyad"].astype(str),
            "date": result["date"],
            low: result["stability"] - 4,
            "stability_q50": result["stability"],
            high: result["stability"] + 6,
            "tension_q05": 0.0,  # other columns of sensitivity() are ignored
        }
    )


@pytest.mark.parametrize(
    ("low", "high", "label"),
    [
        ("stability_q05", "stability_q95", "5%–95% band"),
        ("stability_q02_5", "stability_q97_5", "2.5%–97.5% band"),
    ],
)
def test_bands_shade_lowest_to_highest_quantile(
    scored: ti.ScoredEvents, result: pd.DataFrame, low: str, high: str, label: str
) -> None:
    ax = plot(scored, bands=_bands(result, low, high))
    bands = [c for c in ax.collections if isinstance(c, PolyCollection) and c.get_gid() == "band"]
    assert len(bands) == len(DYADS)
    for band, dyad in zip(bands, DYADS, strict=True):
        y = band.get_paths()[0].vertices[:, 1]
        part = result[result["dyad"] == dyad]["stability"]
        assert y.min() == pytest.approx(part.min() - 4)
        assert y.max() == pytest.approx(part.max() + 6)
    assert label in _legend_texts(ax)


def test_bands_of_one_dyad_need_no_dyad_column(
    scored: ti.ScoredEvents, result: pd.DataFrame
) -> None:
    part = result[result["dyad"] == "CHN-USA"]
    bands = _bands(part, "stability_q05", "stability_q95").drop(columns="dyad")
    ax = plot(scored, dyads="CHN-USA", bands=bands)
    assert sum(c.get_gid() == "band" for c in ax.collections) == 1
    with pytest.raises(ti.EventValidationError, match=r"bands has no 'dyad' column, but 2 dyads"):
        plot(scored, bands=bands)


def test_bands_without_quantiles(scored: ti.ScoredEvents, result: pd.DataFrame) -> None:
    bands = result[["dyad", "date"]].assign(stability_q05=1.0)
    with pytest.raises(
        ti.EventValidationError,
        match=r"bands needs a 'date' column and two or more stability quantile columns",
    ):
        plot(scored, bands=bands)


def test_changepoints_are_vertical_lines(scored: ti.ScoredEvents) -> None:
    changes = pd.DataFrame(
        {
            "dyad": ["CHN-PHL", "CHN-USA", "PHL-USA"],  # the last dyad is not drawn
            "date": pd.to_datetime(["2024-03-05", "2023-11-15", "2024-01-01"]),
            "before": [30.0, 40.0, 50.0],
        }
    )
    ax = plot(scored, changepoints=changes)
    lines = _lines(ax, "changepoint")
    assert len(lines) == 2
    colors = {line.get_label(): line.get_color() for line in _lines(ax, "stability")}
    for line, dyad, date in zip(lines, changes["dyad"], changes["date"], strict=False):
        x0, x1 = line.get_xdata()
        assert mdates.date2num(x0) == mdates.date2num(x1) == mdates.date2num(date)
        assert line.get_color() == colors[dyad]
    assert "change point" in _legend_texts(ax)


def test_changepoints_without_dyad_and_without_date(scored: ti.ScoredEvents) -> None:
    ax = plot(scored, changepoints=pd.DataFrame({"date": ["2024-03-05"]}))
    assert len(_lines(ax, "changepoint")) == 1
    with pytest.raises(ti.EventValidationError, match=r"changepoints needs a 'date' column"):
        plot(scored, changepoints=pd.DataFrame({"day": ["2024-03-05"]}))
    with pytest.raises(
        ti.EventValidationError, match=r"The 'date' column of changepoints must hold dates"
    ):
        plot(scored, changepoints=pd.DataFrame({"date": ["soon"]}))


def test_unmonitored_days_are_shaded(events: pd.DataFrame) -> None:
    days = pd.date_range("2023-01-01", "2024-07-21")
    gaps = [("2023-03-10", "2023-04-19"), ("2024-01-02", "2024-01-02")]
    covered = days
    for first, last in gaps:
        covered = covered[(covered < first) | (covered > last)]
    ax = plot(ti.score(events, coverage=covered))
    spans = [p for p in ax.patches if p.get_gid() == "unmonitored"]
    assert len(spans) == len(gaps)
    for span, (first, last) in zip(spans, gaps, strict=True):
        x0, x1 = span.get_x(), span.get_x() + span.get_width()
        assert x0 == pytest.approx(mdates.date2num(pd.Timestamp(first)) - 0.5)
        assert x1 == pytest.approx(mdates.date2num(pd.Timestamp(last)) + 0.5)
    assert "unmonitored, not calm" in _legend_texts(ax)
    fully = ti.score(events, coverage=days)
    assert not [p for p in plot(fully).patches if p.get_gid() == "unmonitored"]


# --- inputs, composition, no global state -------------------------------------------


def test_draws_into_a_given_axes(scored: ti.ScoredEvents) -> None:
    fig, (left, right) = plt.subplots(1, 2)
    left.plot([0, 1], [0, 1], label="mine")
    assert plot(scored, ax=left) is left
    assert len(right.lines) == 0 and left.figure is fig
    assert "mine" in [line.get_label() for line in left.lines]


def test_a_new_figure_is_made_without_ax(scored: ti.ScoredEvents) -> None:
    before = plt.get_fignums()
    ax = plot(scored)
    assert len(plt.get_fignums()) == len(before) + 1
    assert ax.figure.get_layout_engine() is not None


def test_nothing_global_changes(scored: ti.ScoredEvents, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_show(*args: object, **kwargs: object) -> None:
        raise AssertionError("plot_index must not call show()")

    monkeypatch.setattr(plt, "show", no_show)
    params = dict(matplotlib.rcParams)
    backend = matplotlib.get_backend()
    plot(scored)
    assert dict(matplotlib.rcParams) == params
    assert matplotlib.get_backend() == backend


def test_wrong_types(scored: ti.ScoredEvents) -> None:
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"The 'ax' parameter of plot_index must be a matplotlib Axes or None .*"
        r"Got 'left' instead\.",
    ) as info:
        plot(scored, ax="left")
    assert isinstance(info.value, TypeError)
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"The 'bands' parameter of plot_index must be a DataFrame or None\. Got \{\}",
    ):
        plot(scored, bands={})
    with pytest.raises(ti.EventValidationError, match=r"Record 0 is a int, not a dict"):
        ti.plot_index([1, 2])  # type: ignore[list-item]


def test_an_index_result_is_refused_with_a_pointer_to_the_events(result: pd.DataFrame) -> None:
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"The 'scored' parameter of plot_index must be events scored with score\(events\), "
        r"or events\. Got a DataFrame of shape .* It looks like an index result",
    ):
        ti.plot_index(result)


def test_no_events_is_nothing_to_plot() -> None:
    with pytest.raises(ti.EventValidationError, match=r"There is nothing to plot"):
        ti.plot_index(ti.score([]))


def test_missing_matplotlib_gives_the_install_hint(
    scored: ti.ScoredEvents, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(
        ti.MissingDependencyError,
        match=r"plot_index\(\) needs the optional dependency 'matplotlib'.*"
        r'pip install "tensionindex\[plot\]"',
    ) as info:
        ti.plot_index(scored)
    assert isinstance(info.value, ImportError)


def test_importing_tensionindex_does_not_import_matplotlib() -> None:
    code = "import sys, tensionindex, tensionindex.plot\nprint('matplotlib' in sys.modules)\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_zscore_gets_its_own_axis(scored: ti.ScoredEvents) -> None:
    ax = ti.plot_index(scored, dyads=["CHN-USA"], normalize="zscore", baseline=60)
    neutral = [line for line in ax.get_lines() if line.get_gid() == "neutral"]
    assert neutral[0].get_ydata()[0] == 0.0
    assert "z-score" in ax.get_ylabel()
    (line,) = _lines(ax, "stability")
    expected = scored.index(dyads="CHN-USA", normalize="zscore", baseline=60)["stability"]
    np.testing.assert_array_equal(line.get_ydata(), expected.to_numpy())
    plt.close(ax.figure)


# --- low-information stretches --------------------------------------------------------


def _low_days(ax: Any) -> dict[str, set[np.datetime64]]:
    """The whole days under each dyad's veil (the half-day ends and NaN breaks left out)."""
    out: dict[str, set[np.datetime64]] = {}
    for line in _lines(ax, "low_information"):
        x = np.asarray(line.get_xdata(), dtype="datetime64[ns]")
        y = np.asarray(line.get_ydata(), dtype=float)
        whole = (x == x.astype("datetime64[D]")) & np.isfinite(y)
        out[str(line.get_label()).lstrip("_")] = set(x[whole])
    return out


def test_low_information_stretches_are_veiled_where_the_index_says_so(
    scored: ti.ScoredEvents, result: pd.DataFrame
) -> None:
    if "low_information" not in result.columns:
        pytest.skip("the index has no low_information column")
    ax = plot(scored)
    veiled = _low_days(ax)
    low = 0
    for dyad in DYADS:
        part = result[result["dyad"] == dyad]
        expected = set(part.loc[part["low_information"], "date"].to_numpy())
        low += len(expected)
        assert veiled.get(dyad, set()) == expected, dyad
    assert low > 0  # the example is sparse: some days are low-information
    # The veil follows the line: its whole days sit on the dyad's stability.
    for line in _lines(ax, "low_information"):
        dyad = str(line.get_label()).lstrip("_")
        part = result[result["dyad"] == dyad].set_index("date")["stability"]
        x = np.asarray(line.get_xdata(), dtype="datetime64[ns]")
        y = np.asarray(line.get_ydata(), dtype=float)
        whole = (x == x.astype("datetime64[D]")) & np.isfinite(y)
        np.testing.assert_array_equal(y[whole], part.loc[x[whole]].to_numpy())
        assert line.get_zorder() > _lines(ax, "stability")[0].get_zorder()
    assert "low information, not calm" in _legend_texts(ax)
    # The stability lines themselves are drawn in full.
    for line, dyad in zip(_lines(ax, "stability"), DYADS, strict=True):
        np.testing.assert_array_equal(
            line.get_ydata(), result.loc[result["dyad"] == dyad, "stability"].to_numpy()
        )


def test_a_single_low_information_day_is_veiled_half_a_day_each_side() -> None:
    # Two water cannons on day 0, half-life 1: information 2, 1, 0.5, ... so with
    # min_information 1 days 2.. are low-information; one more event on day 4 lifts day 4.
    events = [
        {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"},
        {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"},
        {"date": "2024-03-04", "actor1": "CHN", "actor2": "PHL", "event_type": "ramming"},
        {"date": "2024-03-04", "actor1": "CHN", "actor2": "PHL", "event_type": "ramming"},
    ]
    scored = ti.score(events, half_life=1, min_information=1.0)
    index = scored.index()
    if "low_information" not in index.columns:
        pytest.skip("the index has no low_information column")
    assert index["low_information"].tolist() == [False, False, True, False]
    ax = ti.plot_index(scored, annotate=0)
    (veil,) = _lines(ax, "low_information")
    x = np.asarray(veil.get_xdata(), dtype="datetime64[ns]")
    day = np.datetime64("2024-03-03", "ns")
    half = np.timedelta64(12, "h")
    assert list(x[:3]) == [day - half, day, day + half]
    y = np.asarray(veil.get_ydata(), dtype=float)
    s = index["stability"].to_numpy()
    np.testing.assert_allclose(y[:3], [(s[1] + s[2]) / 2, s[2], (s[2] + s[3]) / 2])
    assert np.isnan(y[3])


def test_min_information_zero_draws_every_line_in_full(scored: ti.ScoredEvents) -> None:
    if "min_information" not in ti.IndexConfig().to_dict():
        pytest.skip("the configuration has no min_information")
    ax = plot(scored, min_information=0)
    assert not _lines(ax, "low_information")
    assert "low information, not calm" not in _legend_texts(ax)


# --- plot_parts -------------------------------------------------------------------------


def _fill(ax: Any, gid: str) -> Any:
    (found,) = [c for c in ax.collections if c.get_gid() == gid]
    return found


def test_parts_one_panel_per_dyad_with_the_parts_drawn(scored: ti.ScoredEvents) -> None:
    axes = ti.plot_parts(scored, dyads=DYADS, start=START)
    assert [ax.get_title(loc="left") for ax in axes] == DYADS
    assert len({ax.figure for ax in axes}) == 1
    assert axes[0].figure.get_layout_engine() is not None
    parts = ti.tension_parts(scored, dyads=DYADS, start=START)
    for ax, dyad in zip(axes, DYADS, strict=True):
        part = parts[parts["dyad"] == dyad]
        (line,) = _lines(ax, "tension")
        np.testing.assert_array_equal(line.get_ydata(), part["tension"].to_numpy())
        np.testing.assert_array_equal(
            np.asarray(line.get_xdata(), dtype="datetime64[ns]"), part["date"].to_numpy()
        )
        # Each fill runs from 0 to its part: its extremes are the part's.
        for name, extreme in (("conflict", np.max), ("cooperation", np.min)):
            fill = _fill(ax, name)
            y = np.concatenate([path.vertices[:, 1] for path in fill.get_paths()])
            assert extreme(y) == pytest.approx(extreme([0.0, *part[name]]))
            assert to_hex(fill.get_facecolor()[0]) == ti.plot.PART_COLORS[name].lower()
        assert [line.get_ydata()[0] for line in _lines(ax, "zero")] == [0.0]
    legend = _legend_texts(axes[0])
    assert {"conflict part", "cooperation part", "tension"} <= set(legend)
    assert not _legend_texts(axes[1])


def test_parts_shade_the_low_information_days(scored: ti.ScoredEvents) -> None:
    index = scored.index(dyads="CHN-PHL", start=START)
    if "low_information" not in index.columns:
        pytest.skip("the index has no low_information column")
    (ax,) = ti.plot_parts(scored, dyads="CHN-PHL", start=START)
    spans = [p for p in ax.patches if p.get_gid() == "low_information"]
    low = index["low_information"].to_numpy()
    edges = np.diff(np.concatenate(([0], low.astype(int), [0])))
    firsts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    assert len(spans) == len(firsts) > 0
    dates = index["date"].to_numpy()
    for span, first, stop in zip(spans, firsts, stops, strict=True):
        assert span.get_x() == pytest.approx(mdates.date2num(dates[first]) - 0.5)
        end = span.get_x() + span.get_width()
        assert end == pytest.approx(mdates.date2num(dates[stop - 1]) + 0.5)
    assert "low information, not calm" in _legend_texts(ax)


def test_parts_draw_into_given_axes(scored: ti.ScoredEvents) -> None:
    _, (left, right) = plt.subplots(1, 2)
    assert ti.plot_parts(scored, dyads=DYADS, ax=[left, right]) == [left, right]
    assert _lines(left, "tension") and _lines(right, "tension")
    _, one = plt.subplots()
    assert ti.plot_parts(scored, dyads="CHN-USA", ax=one) == [one]
    _, grid = plt.subplots(2, 1)
    assert ti.plot_parts(scored, dyads=DYADS, ax=grid) == list(grid)


def test_parts_wrong_inputs(scored: ti.ScoredEvents) -> None:
    _, one = plt.subplots()
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"The 'ax' parameter of plot_parts must be a matplotlib Axes per dyad drawn \(2\)",
    ):
        ti.plot_parts(scored, dyads=DYADS, ax=one)
    with pytest.raises(ti.InvalidParameterError, match=r"Got 'left' instead"):
        ti.plot_parts(scored, dyads="CHN-USA", ax="left")  # type: ignore[arg-type]
    with pytest.raises(ti.EventValidationError, match=r"Did you mean 'CHN-PHL'"):
        ti.plot_parts(scored, dyads="CHN-PHX")
    with pytest.raises(ti.EventValidationError, match=r"There is nothing to plot"):
        ti.plot_parts(ti.score([]))
    with pytest.raises(
        ti.InvalidParameterError, match=r"The 'start' parameter of plot_parts must be"
    ):
        ti.plot_parts(scored, start="soon")


def test_parts_unmonitored_days_are_shaded(events: pd.DataFrame) -> None:
    days = pd.date_range(START, "2024-07-21")
    covered = days[(days < "2023-03-10") | (days > "2023-04-19")]
    (ax,) = ti.plot_parts(ti.score(events, coverage=covered), dyads="CHN-USA", start=START)
    spans = [p for p in ax.patches if p.get_gid() == "unmonitored"]
    assert len(spans) == 1
    assert spans[0].get_x() == pytest.approx(mdates.date2num(pd.Timestamp("2023-03-10")) - 0.5)


def test_parts_missing_matplotlib_gives_the_install_hint(
    scored: ti.ScoredEvents, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(
        ti.MissingDependencyError,
        match=r"plot_parts\(\) needs the optional dependency 'matplotlib'",
    ):
        ti.plot_parts(scored)


@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_grades_draw_the_band_bounds_and_names(scored: ti.ScoredEvents) -> None:
    assert not [a for a in (*plot(scored).lines, *plt.gca().texts) if a.get_gid() == "grade"]
    config = ti.IndexConfig(grades={"bad": 0, "middling": 40, "fine": 60})
    ax = plot(scored, config, grades=True)
    lines = _lines(ax, "grade")
    assert [line.get_ydata()[0] for line in lines] == [40.0, 60.0]
    texts = [t for t in ax.texts if t.get_gid() == "grade"]
    assert [t.get_text() for t in texts] == ["bad", "middling", "fine"]
    assert [t.get_position()[1] for t in texts] == [20.0, 50.0, 80.0]
    # The stability lines are the same with or without the bands.
    plain = _lines(plot(scored, config), "stability")
    for a, b in zip(_lines(ax, "stability"), plain, strict=True):
        np.testing.assert_array_equal(a.get_ydata(), b.get_ydata())


def test_grades_need_the_logistic_stability(scored: ti.ScoredEvents) -> None:
    with pytest.raises(ti.InvalidParameterError, match=r"'grades' .* normalize='zscore'"):
        plot(scored, grades=True, normalize="zscore")


# --- titles, date ticks, the dyads' own first day, labels that do not pile up -------------


def _day_text(day: pd.Timestamp) -> str:
    return f"{day.day} {day:%b %Y}"


def _provenance(ax: Any) -> list[str]:
    return [t.get_text() for t in ax.texts if t.get_gid() == "provenance"]


@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_the_default_title_names_the_dyads_and_days(
    scored: ti.ScoredEvents, result: pd.DataFrame
) -> None:
    ax = plot(scored)
    last = _day_text(result["date"].max())
    assert ax.get_title(loc="left") == f"CHN-PHL, CHN-USA: stability, 1 Jan 2023 to {last}"
    many = ti.plot_index(scored, start=START)
    assert many.get_title(loc="left").startswith(f"{len(scored.labels)} dyads: stability, ")
    z = plot(scored, normalize="zscore")
    assert "stability (z-score)" in z.get_title(loc="left")


def test_the_settings_line_names_the_settings_and_the_fingerprint(scored: ti.ScoredEvents) -> None:
    (line,) = _provenance(plot(scored))
    settings = "goldstein weights, half-life 30 days, scale 10"
    assert line == f"{settings} · fingerprint {scored.fingerprint}"
    windowed = scored.with_config(kernel="window", window=14, scale=4)
    (line,) = _provenance(plot(windowed))
    assert "14-day window" in line and "scale 4" in line
    assert line.endswith(f"fingerprint {windowed.fingerprint}")
    assert windowed.fingerprint != scored.fingerprint


def test_title_replaces_the_default_and_empty_draws_none(scored: ti.ScoredEvents) -> None:
    ax = plot(scored, title="Second Thomas Shoal")
    assert ax.get_title(loc="left") == "Second Thomas Shoal"
    bare = plot(scored, title="")
    assert bare.get_title(loc="left") == ""
    assert len(_provenance(bare)) == 1  # the settings are said in any case
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"The 'title' parameter of plot_index must be a string or None\. Got 3 instead\.",
    ):
        plot(scored, title=3)


@pytest.mark.parametrize(("width", "lines"), [(10, 1), (6, 1), (4.5, 2)])
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_title_and_settings_line_do_not_overlap(
    scored: ti.ScoredEvents, width: float, lines: int
) -> None:
    fig, ax = plt.subplots(figsize=(width, 3), layout="constrained")
    plot(scored, ax=ax, annotate=0)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (line,) = [t for t in ax.texts if t.get_gid() == "provenance"]
    # Broken before the fingerprint only when it would leave the figure.
    assert len(line.get_text().splitlines()) == lines
    box = line.get_window_extent(renderer)
    assert box.x1 <= fig.bbox.x1
    title = ax._left_title  # what ax.set_title(loc="left") sets
    assert title.get_text()
    assert not title.get_window_extent(renderer).overlaps(box)
    assert box.y0 >= ax.get_window_extent(renderer).y1


@pytest.mark.parametrize("days", [1, 2, 5])
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_a_chart_of_a_few_days_ticks_days_not_hours(days: int) -> None:
    events = [
        {"date": str(day.date()), "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"}
        for day in pd.date_range("2024-03-01", periods=days)
    ]
    fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
    ti.plot_index(events, ax=ax)
    fig.canvas.draw()
    ticks = ax.get_xticks()
    assert len(ticks) >= 2
    np.testing.assert_array_equal(ticks, np.round(ticks))  # matplotlib dates count days
    assert not any(":" in t.get_text() for t in ax.get_xticklabels())


@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_date_tick_labels_do_not_touch_on_a_narrow_chart(scored: ti.ScoredEvents) -> None:
    for size in [(5, 3), (8, 4), (12, 6)]:
        fig, ax = plt.subplots(figsize=size, layout="constrained")
        ti.plot_index(scored, dyads="CHN-PHL", start="2022-01-01", ax=ax)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        boxes = [
            t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()
        ]
        assert len(boxes) >= 2, size
        for a, b in itertools.combinations(boxes, 2):
            assert not a.overlaps(b), (size, a, b)
        plt.close(fig)


def _first_event(events: pd.DataFrame, dyad: str) -> pd.Timestamp:
    pairs = events.apply(_dyad_of, axis=1)
    return pd.Timestamp(events.loc[pairs == dyad, "date"].min())


@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_dyads_drawn_start_at_their_own_first_event(
    scored: ti.ScoredEvents, events: pd.DataFrame
) -> None:
    first = _first_event(events, "CHN-PHL")
    assert first > events["date"].min()  # the file starts earlier
    ax = ti.plot_index(scored, dyads="PHL-CHN")
    (line,) = _lines(ax, "stability")
    assert pd.Timestamp(line.get_xdata()[0]) == first
    assert mdates.num2date(ax.get_xlim()[0]).date() == first.date()
    # Every dyad: the file's first event; a start given wins; an end before the dyad's
    # first event draws from the file's start rather than fail.
    (everything, *_) = _lines(ti.plot_index(scored), "stability")
    assert pd.Timestamp(everything.get_xdata()[0]) == events["date"].min()
    (given,) = _lines(ti.plot_index(scored, dyads="CHN-PHL", start="2020-01-01"), "stability")
    assert pd.Timestamp(given.get_xdata()[0]) == pd.Timestamp("2020-01-01")
    early = first - pd.Timedelta(days=1)
    (before,) = _lines(ti.plot_index(scored, dyads="CHN-PHL", end=early), "stability")
    assert pd.Timestamp(before.get_xdata()[0]) == events["date"].min()


def test_parts_start_at_their_own_first_event_and_say_the_settings(
    scored: ti.ScoredEvents, events: pd.DataFrame
) -> None:
    (ax,) = ti.plot_parts(scored, dyads="CHN-PHL")
    (line,) = [line for line in ax.lines if line.get_gid() == "tension"]
    assert pd.Timestamp(line.get_xdata()[0]) == _first_event(events, "CHN-PHL")
    assert ax.get_title(loc="right").endswith(f"fingerprint {scored.fingerprint}")


def test_labels_do_not_pile_up_on_a_crowded_small_chart(scored: ti.ScoredEvents) -> None:
    fig, ax = plt.subplots(figsize=(6, 3), dpi=100, layout="constrained")
    ti.plot_index(scored, start=START, annotate=30, ax=ax)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in _annotations(ax)]
    assert 3 <= len(boxes) < 30  # some fit; the rest are left out rather than piled up
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
    frame = ax.get_window_extent(renderer)
    for box in boxes:
        assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1
        assert frame.y0 - 1 <= box.y0 and box.y1 <= frame.y1 + 1


def test_legends_do_not_overlap_on_a_small_chart(scored: ti.ScoredEvents) -> None:
    fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
    ti.plot_index(scored, start=START, ax=ax)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    series, categories = [a for a in ax.get_children() if isinstance(a, Legend)]
    assert not series.get_window_extent(renderer).overlaps(
        categories.get_window_extent(renderer)
    )
    for legend in (series, categories):
        assert not legend.get_window_extent(renderer).overlaps(ax.get_window_extent(renderer))
