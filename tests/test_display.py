"""tensionindex.display: results laid out for people (text and HTML) and the wide view.

Expected values come from the results themselves (the explain frame and its
attrs, the index, the configuration), never from the display code.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti
from tensionindex.display import Shown, config_html, event_words, settings_summary, show, wide

WEIGHTS = {"water_cannon": 8.0, "ramming": 10.0, "leader_call": -2.0}
EVENTS = [
    {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon",
     "event_id": "a", "description": "Water cannon <at> a resupply boat & its crew"},
    {"date": "2024-03-01", "actor1": "PHL", "actor2": "CHN", "event_type": "ramming",
     "event_id": "b", "description": "Ramming"},
    {"date": "2024-03-05", "actor1": "CHN", "actor2": "PHL", "event_type": "leader_call",
     "event_id": "c", "description": "Call"},
    {"date": "2024-03-02", "actor1": "USA", "actor2": "CHN", "event_type": "leader_call",
     "event_id": "d", "description": "Call"},
]  # fmt: skip


@pytest.fixture(scope="module")
def scored() -> ti.ScoredEvents:
    return ti.score(EVENTS, weights=WEIGHTS, half_life=2)


@pytest.fixture(scope="module")
def why(scored: ti.ScoredEvents) -> pd.DataFrame:
    return scored.explain("CHN-PHL", "2024-03-05")


# --- explain --------------------------------------------------------------------------------


def test_explain_text_has_the_events_in_words_and_a_total(why: pd.DataFrame) -> None:
    meta = why.attrs["tensionindex"]
    text = show(why).to_text()
    lines = text.splitlines()
    assert lines[0] == "CHN-PHL on 5 Mar 2024: the events behind the tension"
    assert lines[2].split() == [
        "date", "actors", "event", "signal", "age", "decay", "contribution", "event_id",
        "description",
    ]  # fmt: skip
    body = lines[4 : 4 + len(why)]
    # One row per event, in the frame's order (largest contribution first).
    for line, row in zip(body, why.itertuples(index=False), strict=True):
        assert line.startswith(f"{row.date:%Y-%m-%d}  {row.actor1}->{row.actor2}")
        assert str(row.event_type).replace("_", " ") in line
        assert f"{row.contribution:+.2f}" in line and f"{row.decay:.3f}" in line
    total = lines[5 + len(why)]
    assert total.split() == ["total", str(len(why)), "events", f"{why['contribution'].sum():+.2f}"]
    assert (
        f"tension {meta['tension']:.2f} gives stability {meta['stability']:.1f} "
        "(0 most tense, 50 neutral, 100 most stable; scale 10)"
    ) in lines
    assert lines[-1] == (
        f"goldstein weights (3 set), half-life 2 days, scale 10; fingerprint {meta['fingerprint']}"
    )
    assert str(show(why)) == repr(show(why)) == text


def test_explain_html_has_the_values_the_total_and_escapes_text(why: pd.DataFrame) -> None:
    meta = why.attrs["tensionindex"]
    page = show(why)._repr_html_()
    assert page.count("<tr>") == len(why) + 1  # the header, the events
    assert "<tfoot>" in page and f"{why['contribution'].sum():+.2f}" in page
    assert f"tension {meta['tension']:.2f} gives stability {meta['stability']:.1f}" in page
    assert meta["fingerprint"] in page
    for row in why.itertuples(index=False):
        assert f"{row.contribution:+.2f}" in page and str(row.event_id) in page
    # Text is escaped, never markup.
    assert "<at>" not in page
    assert html.escape("Water cannon <at> a resupply boat & its crew") in page


def test_rows_beyond_the_limit_are_summed_in_a_note(why: pd.DataFrame) -> None:
    shown = show(why, rows=1)
    assert len(shown.rows) == 1
    rest = why["contribution"].iloc[1:].sum()
    assert f"{len(why) - 1} more events add {rest:+.2f} together." in shown.notes
    assert shown.total is not None and shown.total[1] == f"{len(why)} events"
    assert len(show(why, rows=None).rows) == len(why)


def test_digits_round_the_numbers(why: pd.DataFrame) -> None:
    three = show(why, digits=3).to_text()
    assert f"{why['contribution'].iloc[0]:+.3f}" in three
    assert f"{why['decay'].iloc[-1]:.4f}" in three  # decay: one more place


def test_width_cuts_text_columns_but_never_numbers(why: pd.DataFrame) -> None:
    text = show(why).to_text(width=90)
    lines = text.splitlines()
    table = lines[2 : 6 + len(why)]
    assert all(len(line) <= 90 for line in table)
    assert "…" in text
    for row in why.itertuples(index=False):
        assert f"{row.contribution:+.2f}" in text


def test_the_aggregation_factor_is_shown_when_it_is_not_one() -> None:
    same_day = [e for e in EVENTS if e["date"] == "2024-03-01"]
    why = ti.explain(same_day, "CHN-PHL", "2024-03-01", weights=WEIGHTS, aggregation="mean")
    shown = show(why)
    assert "aggregation" in shown.columns
    column = shown.columns.index("aggregation")
    assert [row[column] for row in shown.rows] == [f"{v:.3f}" for v in why["aggregation"]]
    assert "aggregation" not in show(ti.explain(same_day, "CHN-PHL", "2024-03-01")).columns


def test_coded_event_types_are_shown_by_their_label() -> None:
    events = [{"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "cameo:190"}]
    shown = show(ti.explain(events, "CHN-PHL", "2024-03-01"))
    event = shown.rows[0][shown.columns.index("event")]
    label = str(ti.IndexConfig().resolve(["cameo:190"]).label[0])
    assert event == event_words("cameo:190", label) == label.split(", not specified")[0][:32]


def test_the_frame_is_shown_unchanged(why: pd.DataFrame) -> None:
    before = why.copy()
    shown = show(why)
    assert shown.frame is why
    pd.testing.assert_frame_equal(why, before)
    assert type(why) is pd.DataFrame and isinstance(shown, Shown)


# --- diff and other tables ----------------------------------------------------------------


def test_diff_lists_the_settings_that_differ() -> None:
    changed = ti.IndexConfig(half_life=14, weights={"ramming": 12.0})
    table = ti.diff(ti.IndexConfig(), changed)
    shown = show(table)
    assert shown.title == f"{len(table)} settings differ"
    assert shown.rows == tuple(
        (str(s), f"{a:g}", f"{b:g}") for s, a, b in table.itertuples(index=False)
    )
    page = shown._repr_html_()
    assert "half_life" in page and "<td" in page and "14" in page and "12" in page
    same = show(ti.diff(ti.IndexConfig(), ti.IndexConfig()))
    assert same.title == "No settings differ"
    assert str(same) == (
        "No settings differ\n"
        "The two configurations give the same numbers and carry the same metadata."
    )
    assert "<table>" not in same._repr_html_()
    one = show(ti.diff(ti.IndexConfig(), ti.IndexConfig(half_life=7)))
    assert one.title == "1 setting differs"


def test_an_index_is_rounded_with_its_dates_and_fingerprint(scored: ti.ScoredEvents) -> None:
    index = scored.index()
    shown = show(index, rows=3, digits=1)
    assert shown.columns == tuple(index.columns)
    first = index.iloc[0]
    assert shown.rows[0][:2] == (str(first["dyad"]), f"{first['date']:%Y-%m-%d}")
    assert shown.rows[0][index.columns.get_loc("stability")] == f"{first['stability']:.1f}"
    assert shown.notes == (f"{len(index) - 3} more rows of {len(index)}.",)
    assert shown.title.endswith(f"fingerprint {scored.fingerprint}")
    numeric = dict(zip(shown.columns, shown.numeric, strict=True))
    assert numeric["stability"] and not numeric["dyad"] and not numeric["low_information"]


def test_list_cells_are_joined(scored: ti.ScoredEvents) -> None:
    found = ti.alerts(scored, above=52)
    assert len(found) > 0
    shown = show(found)
    column = list(found.columns).index("event_ids")
    assert shown.rows[0][column] == "; ".join(found["event_ids"].iloc[0])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"table": [1, 2]}, r"The 'table' parameter of show must be a pandas DataFrame"),
        ({"rows": 0}, r"The 'rows' parameter of show must be an integer >= 1 or None"),
        ({"digits": -1}, r"The 'digits' parameter of show must be an integer from 0 to 12"),
    ],
)
def test_show_refuses_bad_parameters(
    kwargs: dict[str, object], message: str, why: pd.DataFrame
) -> None:
    arguments: dict[str, object] = {"table": why, **kwargs}
    with pytest.raises(ti.InvalidParameterError, match=message):
        show(**arguments)  # type: ignore[arg-type]


# --- the configuration in a notebook -------------------------------------------------------


def test_config_html_lists_every_setting_with_the_changed_ones_in_bold() -> None:
    config = ti.IndexConfig(
        half_life=14,
        weights={"ramming": 12.0},
        name="<mine>",
        custom_types={"hospital_visit": {"label": "Visit", "category": "port", "weight": -1}},
    )
    page = config._repr_html_()
    assert page == config_html(config)
    assert config.fingerprint in page
    assert "<strong>14</strong>" in page and "<strong>ramming 12</strong>" in page
    assert "<strong>(port, weight -1)" not in page  # the mapping is one cell
    assert "hospital_visit (port, weight -1)" in page
    assert "&lt;mine&gt;" in page and "<mine>" not in page
    assert "<code>kernel</code>" in page and ">exponential<" in page  # unchanged: not bold
    rows = re.findall(r"<tr><td", page)
    assert len(rows) == len(config.to_dict()) - (0 if config.description else 1)


def test_long_mappings_are_cut_in_the_config_display() -> None:
    types = ti.taxonomy(source="analyst")["event_type"].astype(str).tolist()[:20]
    config = ti.IndexConfig(weights=dict.fromkeys(types, 1.0))
    assert "… and 12 more" in config_html(config)


@pytest.mark.parametrize(
    ("config", "scale", "expected"),
    [
        (ti.IndexConfig(), None, "goldstein weights, half-life 30 days, scale 10"),
        (
            ti.IndexConfig(default_weights="plover", kernel="window", window=30, directed=True),
            None,
            "plover weights, 30-day window, directed, scale 10",
        ),
        (
            ti.IndexConfig(kernel="carryover", bound=20, name="tsinghua"),
            None,
            "'tsinghua', goldstein weights, carryover kernel, half-life 30 days, bound 20, "
            "scale 10",
        ),
        (
            ti.IndexConfig(aggregation="kernel_mean", neutral="dyad", scale="auto"),
            2.345,
            "goldstein weights, half-life 30 days, kernel_mean aggregation, neutral=dyad, "
            "scale 2.35 (auto)",
        ),
        (ti.IndexConfig(scale="auto"), None, "goldstein weights, half-life 30 days, scale auto"),
    ],
)
def test_settings_summary(config: ti.IndexConfig, scale: float | None, expected: str) -> None:
    assert settings_summary(config, scale) == expected


# --- the wide view -----------------------------------------------------------------------


def test_wide_has_a_row_per_date_and_a_column_per_dyad(scored: ti.ScoredEvents) -> None:
    index = scored.index()
    table = wide(index)
    assert list(table.columns) == [str(d) for d in index["dyad"].unique()]
    assert table.columns.name == "dyad" and table.index.name == "date"
    assert type(table) is pd.DataFrame
    for dyad, part in index.groupby("dyad", observed=True):
        np.testing.assert_array_equal(
            table[str(dyad)].loc[part["date"]].to_numpy(), part["stability"].to_numpy()
        )
    assert table.attrs == index.attrs
    tension = wide(index, "tension")
    assert tension.loc["2024-03-01", "CHN-PHL"] == 8.0 + 10.0  # both directions, undirected


def test_wide_of_an_index_by_month(scored: ti.ScoredEvents) -> None:
    monthly = scored.index(freq="MS")
    table = wide(monthly, "stability_mean")
    assert table.shape == (1, len(scored.labels))
    with pytest.raises(ti.EventValidationError, match=r"'stability' is missing\. Its value"):
        wide(monthly)


def test_wide_refuses_what_it_cannot_spread(scored: ti.ScoredEvents) -> None:
    index = scored.index()
    with pytest.raises(ti.EventValidationError, match=r"'dyad' is missing"):
        wide(index.drop(columns="dyad"))
    doubled = pd.concat([index, index.iloc[:1]], ignore_index=True)
    with pytest.raises(
        ti.EventValidationError, match=rf"row {len(index)} repeats dyad 'CHN-PHL' on 2024-03-01"
    ):
        wide(doubled)
    with pytest.raises(ti.InvalidParameterError, match=r"The 'value' parameter of wide"):
        wide(index, value=3)  # type: ignore[arg-type]
