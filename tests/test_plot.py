"""ti.plot_index(): the chart renders headless with the artists an analyst reads.

Expected values come from the inputs, not from the drawing code: line data
from the result, marker positions from the result at the events' dates, the
annotated events from the taxonomy's weights times intensity and confidence
(an oracle independent of explain()), band and change-point positions from
the frames given.
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
def result(events: pd.DataFrame) -> pd.DataFrame:
    return ti.stability_index(events, dyads=DYADS, start=START)


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
    result: pd.DataFrame, events: pd.DataFrame, tmp_path: Path
) -> None:
    bands = result.assign(
        stability_q05=result["stability"] - 5, stability_q95=result["stability"] + 5
    )
    changes = pd.DataFrame({"dyad": ["CHN-PHL"], "date": ["2024-03-05"]})
    ax = ti.plot_index(result, events=events, bands=bands, changepoints=changes)
    path = tmp_path / "chart.png"
    ax.figure.savefig(path, dpi=80)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 10_000


def test_one_line_per_dyad_with_the_results_values(result: pd.DataFrame) -> None:
    ax = ti.plot_index(result)
    lines = _lines(ax, "stability")
    assert [line.get_label() for line in lines] == DYADS
    for line, dyad in zip(lines, DYADS, strict=True):
        part = result[result["dyad"] == dyad]
        np.testing.assert_array_equal(line.get_ydata(), part["stability"].to_numpy())
        np.testing.assert_array_equal(
            np.asarray(line.get_xdata(), dtype="datetime64[ns]"), part["date"].to_numpy()
        )
    assert [line.get_label() for line in ax.get_legend().get_lines()][:2] == DYADS


def test_neutral_line_axes_and_dates(result: pd.DataFrame) -> None:
    ax = ti.plot_index(result)
    (neutral,) = _lines(ax, "neutral")
    assert list(neutral.get_ydata()) == [50, 50]
    assert neutral.get_linestyle() == "--"
    assert neutral.get_label() == "neutral (50)"
    assert ax.get_ylim() == (0.0, 100.0)
    first, last = mdates.date2num(result["date"].min()), mdates.date2num(result["date"].max())
    assert ax.get_xlim() == pytest.approx((first, last))
    assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)
    assert "neutral (50)" in _legend_texts(ax)


def test_dyads_selects_and_accepts_any_spelling(result: pd.DataFrame) -> None:
    ax = ti.plot_index(result, dyads="usa-china")
    assert [line.get_label() for line in _lines(ax, "stability")] == ["CHN-USA"]
    ax = ti.plot_index(result, dyads=["USA-CHN", "PHL-CHN", "CHN-USA"])
    assert [line.get_label() for line in _lines(ax, "stability")] == ["CHN-USA", "CHN-PHL"]


def test_unknown_dyad_suggests_near_misses(result: pd.DataFrame) -> None:
    with pytest.raises(
        ti.EventValidationError,
        match=r"No dyad 'CHN-PHI' in the result\. Did you mean 'CHN-PHL'\? "
        r"Dyads in the result: CHN-PHL, CHN-USA\.",
    ):
        ti.plot_index(result, dyads=["CHN-USA", "CHN-PHI"])


def test_empty_dyads_is_an_error(result: pd.DataFrame) -> None:
    with pytest.raises(ti.EventValidationError, match=r"'dyads' parameter of plot_index is empty"):
        ti.plot_index(result, dyads=[])


# --- events -------------------------------------------------------------------------


def test_event_markers_by_category_on_the_lines(result: pd.DataFrame, events: pd.DataFrame) -> None:
    ax = ti.plot_index(result, events=events, annotate=0)
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


def test_top_contributions_are_annotated(result: pd.DataFrame, events: pd.DataFrame) -> None:
    ax = ti.plot_index(result, events=events)
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


@pytest.mark.parametrize("annotate", [0, 1, 3, 100])
def test_annotation_count(result: pd.DataFrame, events: pd.DataFrame, annotate: int) -> None:
    ax = ti.plot_index(result, events=events, annotate=annotate)
    n_events = len(_expected_events(events, result))
    assert len(_annotations(ax)) == min(annotate, n_events)


def test_fewer_events_than_annotate() -> None:
    two = [
        {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"},
        {"date": "2024-03-09", "actor1": "PHL", "actor2": "CHN", "event_type": "protest_lodged"},
    ]
    ax = ti.plot_index(ti.stability_index(two), events=two, annotate=5)
    assert sorted(t.get_text().splitlines()[0] for t in _annotations(ax)) == [
        "protest lodged",
        "water cannon",
    ]


@pytest.mark.parametrize("bad", [-1, 2.5, True, "3"])
def test_bad_annotate(result: pd.DataFrame, bad: object) -> None:
    with pytest.raises(
        ti.ConfigurationError,
        match=r"The 'annotate' parameter of plot_index must be an integer >= 0\. "
        rf"Got {bad!r} instead\.",
    ):
        ti.plot_index(result, annotate=bad)  # type: ignore[arg-type]


def test_annotation_text_for_codes() -> None:
    coded = [
        {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "cameo:190"},
        {"date": "2024-03-02", "actor1": "CHN", "actor2": "PHL", "event_type": "cameo:0871"},
    ]
    ax = ti.plot_index(ti.stability_index(coded), events=coded)
    assert sorted(t.get_text() for t in _annotations(ax)) == [
        "Declare truce, ceasefire\n2 Mar 2024",
        "Use conventional military force\n1 Mar 2024",
    ]


def test_annotations_do_not_overlap_when_rendered(
    result: pd.DataFrame, events: pd.DataFrame
) -> None:
    # The example's 2024 cluster: several events within days of each other.
    fig, ax = plt.subplots(figsize=(10, 5), dpi=100, layout="constrained")
    ti.plot_index(result, events=events, annotate=6, ax=ax)
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
    result = ti.stability_index(events, dyads=DYADS, start=START, coverage=days[days.day != 1])
    ax = ti.plot_index(result, events=events)  # a new figure, constrained layout
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legends = [a for a in ax.get_children() if isinstance(a, Legend)]
    assert len(legends) == 2
    for legend in legends:
        box = legend.get_window_extent(renderer)
        assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1
        assert not box.overlaps(ax.get_window_extent(renderer))  # never over the data


def test_draws_into_a_subfigure(result: pd.DataFrame, events: pd.DataFrame) -> None:
    fig = plt.figure(layout="constrained")
    left, _ = fig.subfigures(1, 2)
    ax = left.subplots()
    assert ti.plot_index(result, events=events, ax=ax) is ax
    assert len(_annotations(ax)) == 5


def test_events_of_other_dyads_and_dates_are_left_out(
    result: pd.DataFrame, events: pd.DataFrame
) -> None:
    ax = ti.plot_index(result, dyads="CHN-USA", events=events, annotate=50)
    n_markers = sum(len(c.get_offsets()) for c in _event_collections(ax))
    expected = _expected_events(events, result)
    assert n_markers == (expected["dyad"] == "CHN-USA").sum()
    assert len(_annotations(ax)) == n_markers
    first = mdates.date2num(pd.Timestamp(START))
    assert all(mdates.date2num(t.xy[0]) >= first for t in _annotations(ax))


def test_no_events_of_the_plotted_dyads_draws_no_markers(result: pd.DataFrame) -> None:
    other = [{"date": "2024-03-01", "actor1": "USA", "actor2": "TWN", "event_type": "warning"}]
    ax = ti.plot_index(result, events=other)
    assert _event_collections(ax) == [] and _annotations(ax) == []


def test_invalid_events_raise_the_validation_error(result: pd.DataFrame) -> None:
    bad = [{"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "water_canon"}]
    with pytest.raises(ti.EventValidationError, match=r"Did you mean 'water_cannon'\?"):
        ti.plot_index(result, events=bad)


# --- configuration ------------------------------------------------------------------


def test_events_are_scored_with_the_results_configuration(events: pd.DataFrame) -> None:
    heavy = ti.stability_index(events, dyads=DYADS, start=START, weights={"ramming": 40.0})
    ax = ti.plot_index(heavy, events=events, annotate=3)
    assert [t.get_text().splitlines()[0] for t in _annotations(ax)] == ["ramming"] * 3


def test_overrides_pass_through_and_a_mismatch_warns(
    result: pd.DataFrame, events: pd.DataFrame
) -> None:
    with pytest.warns(UserWarning, match=r"the result was computed with [0-9a-f]{16}"):
        ax = ti.plot_index(result, events=events, annotate=1, weights={"military_talks": -99.0})
    assert _annotations(ax)[0].get_text().startswith("military talks\n")


def test_config_argument_is_used(result: pd.DataFrame, events: pd.DataFrame) -> None:
    config = ti.IndexConfig(weights={"accusation": 50.0})
    with pytest.warns(UserWarning, match="may not match the lines"):
        ax = ti.plot_index(result, events=events, annotate=1, config=config)
    assert _annotations(ax)[0].get_text().startswith("accusation\n")


def test_unknown_override(result: pd.DataFrame, events: pd.DataFrame) -> None:
    with pytest.raises(ti.ConfigurationError, match=r"Unknown setting 'half_lif'\. Did you mean"):
        ti.plot_index(result, events=events, half_lif=3)


def test_window_kernel_keeps_events_older_than_the_window(events: pd.DataFrame) -> None:
    windowed = ti.stability_index(events, dyads=DYADS, start=START, kernel="window", window=7)
    ax = ti.plot_index(windowed, events=events, annotate=100)
    assert len(_annotations(ax)) == len(_expected_events(events, windowed))


def test_directed_result(events: pd.DataFrame) -> None:
    directed = ti.stability_index(events, directed=True, start=START)
    ax = ti.plot_index(directed, dyads="CHN->PHL", events=events, annotate=100)
    assert [line.get_label() for line in _lines(ax, "stability")] == ["CHN->PHL"]
    table = events[(events["date"] >= pd.Timestamp(START))]
    n = ((table["actor1"] == "CHN") & (table["actor2"] == "PHL")).sum()
    assert len(_annotations(ax)) == n
    with pytest.raises(ti.EventValidationError, match=r"No dyad 'PHL->USA'"):
        ti.plot_index(directed, dyads="PHL->USA")


def test_custom_category_gets_a_colour() -> None:
    config = ti.IndexConfig(
        custom_types={"port_call": ti.EventTypeSpec(label="Port call", category="port", weight=-1)}
    )
    mine = [{"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "port_call"}]
    ax = ti.plot_index(ti.stability_index(mine, config), events=mine)
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
    result: pd.DataFrame, low: str, high: str, label: str
) -> None:
    ax = ti.plot_index(result, bands=_bands(result, low, high))
    bands = [c for c in ax.collections if isinstance(c, PolyCollection) and c.get_gid() == "band"]
    assert len(bands) == len(DYADS)
    for band, dyad in zip(bands, DYADS, strict=True):
        y = band.get_paths()[0].vertices[:, 1]
        part = result[result["dyad"] == dyad]["stability"]
        assert y.min() == pytest.approx(part.min() - 4)
        assert y.max() == pytest.approx(part.max() + 6)
    assert label in _legend_texts(ax)


def test_bands_of_one_dyad_need_no_dyad_column(result: pd.DataFrame) -> None:
    part = result[result["dyad"] == "CHN-USA"]
    bands = _bands(part, "stability_q05", "stability_q95").drop(columns="dyad")
    ax = ti.plot_index(result, dyads="CHN-USA", bands=bands)
    assert sum(c.get_gid() == "band" for c in ax.collections) == 1
    with pytest.raises(ti.EventValidationError, match=r"bands has no 'dyad' column, but 2 dyads"):
        ti.plot_index(result, bands=bands)


def test_bands_without_quantiles(result: pd.DataFrame) -> None:
    bands = result[["dyad", "date"]].assign(stability_q05=1.0)
    with pytest.raises(
        ti.EventValidationError,
        match=r"bands needs a 'date' column and two or more stability quantile columns",
    ):
        ti.plot_index(result, bands=bands)


def test_changepoints_are_vertical_lines(result: pd.DataFrame) -> None:
    changes = pd.DataFrame(
        {
            "dyad": ["CHN-PHL", "CHN-USA", "PHL-USA"],  # the last dyad is not drawn
            "date": pd.to_datetime(["2024-03-05", "2023-11-15", "2024-01-01"]),
            "before": [30.0, 40.0, 50.0],
        }
    )
    ax = ti.plot_index(result, changepoints=changes)
    lines = _lines(ax, "changepoint")
    assert len(lines) == 2
    colors = {line.get_label(): line.get_color() for line in _lines(ax, "stability")}
    for line, dyad, date in zip(lines, changes["dyad"], changes["date"], strict=False):
        x0, x1 = line.get_xdata()
        assert mdates.date2num(x0) == mdates.date2num(x1) == mdates.date2num(date)
        assert line.get_color() == colors[dyad]
    assert "change point" in _legend_texts(ax)


def test_changepoints_without_dyad_and_without_date(result: pd.DataFrame) -> None:
    ax = ti.plot_index(result, changepoints=pd.DataFrame({"date": ["2024-03-05"]}))
    assert len(_lines(ax, "changepoint")) == 1
    with pytest.raises(ti.EventValidationError, match=r"changepoints needs a 'date' column"):
        ti.plot_index(result, changepoints=pd.DataFrame({"day": ["2024-03-05"]}))
    with pytest.raises(
        ti.EventValidationError, match=r"The 'date' column of changepoints must hold dates"
    ):
        ti.plot_index(result, changepoints=pd.DataFrame({"date": ["soon"]}))


def test_unmonitored_days_are_shaded(events: pd.DataFrame) -> None:
    days = pd.date_range("2023-01-01", "2024-07-21")
    gaps = [("2023-03-10", "2023-04-19"), ("2024-01-02", "2024-01-02")]
    covered = days
    for first, last in gaps:
        covered = covered[(covered < first) | (covered > last)]
    result = ti.stability_index(events, dyads=DYADS, start=START, coverage=covered)
    ax = ti.plot_index(result)
    spans = [p for p in ax.patches if p.get_gid() == "unmonitored"]
    assert len(spans) == len(gaps)
    for span, (first, last) in zip(spans, gaps, strict=True):
        x0, x1 = span.get_x(), span.get_x() + span.get_width()
        assert x0 == pytest.approx(mdates.date2num(pd.Timestamp(first)) - 0.5)
        assert x1 == pytest.approx(mdates.date2num(pd.Timestamp(last)) + 0.5)
    assert "unmonitored, not calm" in _legend_texts(ax)
    fully = ti.stability_index(events, dyads=DYADS, start=START, coverage=days)
    assert not [p for p in ti.plot_index(fully).patches if p.get_gid() == "unmonitored"]


# --- inputs, composition, no global state -------------------------------------------


def test_draws_into_a_given_axes(result: pd.DataFrame) -> None:
    fig, (left, right) = plt.subplots(1, 2)
    left.plot([0, 1], [0, 1], label="mine")
    assert ti.plot_index(result, ax=left) is left
    assert len(right.lines) == 0 and left.figure is fig
    assert "mine" in [line.get_label() for line in left.lines]


def test_a_new_figure_is_made_without_ax(result: pd.DataFrame) -> None:
    before = plt.get_fignums()
    ax = ti.plot_index(result)
    assert len(plt.get_fignums()) == len(before) + 1
    assert ax.figure.get_layout_engine() is not None


def test_nothing_global_changes(
    result: pd.DataFrame, events: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_show(*args: object, **kwargs: object) -> None:
        raise AssertionError("plot_index must not call show()")

    monkeypatch.setattr(plt, "show", no_show)
    params = dict(matplotlib.rcParams)
    backend = matplotlib.get_backend()
    ti.plot_index(result, events=events)
    assert dict(matplotlib.rcParams) == params
    assert matplotlib.get_backend() == backend


def test_wrong_types(result: pd.DataFrame) -> None:
    with pytest.raises(TypeError, match=r"result must be the DataFrame that .*Got list instead"):
        ti.plot_index([1, 2])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"ax must be a matplotlib Axes or None\. Got str"):
        ti.plot_index(result, ax="left")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"bands must be a DataFrame or None\. Got dict"):
        ti.plot_index(result, bands={})  # type: ignore[arg-type]


def test_result_without_stability_or_rows(result: pd.DataFrame) -> None:
    with pytest.raises(ti.EventValidationError, match=r"the 'stability' column is missing"):
        ti.plot_index(result.drop(columns="stability"))
    with pytest.raises(ti.EventValidationError, match=r"The result has no rows"):
        ti.plot_index(result.iloc[:0])


def test_missing_matplotlib_gives_the_install_hint(
    result: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(
        ti.MissingDependencyError,
        match=r"plot_index\(\) needs the optional dependency 'matplotlib'.*"
        r'pip install "tensionindex\[plot\]"',
    ) as info:
        ti.plot_index(result)
    assert isinstance(info.value, ImportError)


def test_importing_tensionindex_does_not_import_matplotlib() -> None:
    code = "import sys, tensionindex, tensionindex.plot\nprint('matplotlib' in sys.modules)\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_zscore_results_get_their_own_axis() -> None:
    result = ti.stability_index(ti.load_example(), normalize="zscore", baseline=60)
    ax = ti.plot_index(result.dropna(), dyads=["CHN-USA"])
    neutral = [line for line in ax.get_lines() if line.get_gid() == "neutral"]
    assert neutral[0].get_ydata()[0] == 0.0
    assert "z-score" in ax.get_ylabel()
    plt.close(ax.figure)
