"""deduplicate: exact outputs of each rule on hand-made reports, the report, and every error."""

from __future__ import annotations

import copy
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti
from tensionindex.dedup import DEDUP_METHODS, REPORT_COLUMNS, deduplicate

CANONICAL = ["date", "actor1", "actor2", "event_type", "intensity", "confidence"]


def _reports() -> pd.DataFrame:
    """Eight reports with every kind of repetition, on a non-default index.

    =====  ==========  =======  =================  ==  ========  ==========================
    label  date        dyad     type               id  source    repeats
    =====  ==========  =======  =================  ==  ========  ==========================
    10     03-05       CHN>PHL  water_cannon       a   Reuters
    11     03-05       CHN>PHL  water_cannon       b   reuters   same outlet as 10
    12     03-05       CHN>PHL  water_cannon       b   AP        id of 11, same day
    13     03-05       PHL>CHN  water_cannon       c   AP        other direction
    14     03-05       CHN>PHL  ramming            d   Xinhua    other type
    15     03-06       CHN>PHL  water_cannon       a   AP        id of 10, next day (ICEWS)
    16     03-05       USA>CHN  hotline call       e   (none)
    17     03-05       USA>CHN  hotline call       f   (blank)   unknown source again
    =====  ==========  =======  =================  ==  ========  ==========================
    """
    wc, call = "water_cannon", "military_hotline_call"
    return pd.DataFrame(
        {
            "date": ["2024-03-05"] * 5 + ["2024-03-06", "2024-03-05", "2024-03-05"],
            "actor1": ["CHN", "CHN", "CHN", "PHL", "CHN", "CHN", "USA", "USA"],
            "actor2": ["PHL", "PHL", "PHL", "CHN", "PHL", "PHL", "CHN", "CHN"],
            "event_type": [wc, wc, wc, wc, "ramming", wc, call, call],
            "intensity": [2.0, 1.0, 1.0, 1.0, 3.0, 1.0, 1.0, 1.0],
            "confidence": [0.5, 0.9, 0.7, 1.0, 0.8, 0.6, 0.4, 0.3],
            "event_id": ["a", "b", "b", "c", "d", "a", "e", "f"],
            "source": ["Reuters", " reuters ", "AP", "AP", "Xinhua", "AP", None, ""],
            "url": [f"https://example.org/{i}" for i in range(8)],
            "note": [f"r{i}" for i in range(8)],
        },
        index=range(10, 18),
    )


def _rows(*positions: int) -> pd.DataFrame:
    """The expected kept events: those rows of _reports(), validated."""
    return ti.validate_events(_reports().iloc[list(positions)])


def _report(rows: list[tuple[str, int, int]], **extra: list[int]) -> pd.DataFrame:
    dyads = [r[0] for r in rows]
    raw = np.array([r[1] for r in rows], dtype=np.int64)
    kept = np.array([r[2] for r in rows], dtype=np.int64)
    columns = {"raw": raw, "kept": kept, "dropped": raw - kept}
    columns |= {k: np.array(v, dtype=np.int64) for k, v in extra.items()}
    categories = pd.Index(dyads, dtype=object)  # as stability_index labels dyads
    return pd.DataFrame({"dyad": pd.Categorical(dyads, categories=categories), **columns})


def _check_report(got: pd.DataFrame, expected: pd.DataFrame, method: str) -> None:
    pd.testing.assert_frame_equal(got, expected, check_categorical=True)
    assert got.attrs["method"] == method


# -- exact outputs -------------------------------------------------------------


def test_event_id_keeps_the_first_record_of_each_id() -> None:
    kept, report = deduplicate(_reports(), how="event_id")
    # 12 repeats 11's id; 15 repeats 10's (on another day, still the same id).
    pd.testing.assert_frame_equal(kept, _rows(0, 1, 3, 4, 6, 7))
    assert kept["intensity"].tolist() == [2.0, 1.0, 1.0, 3.0, 1.0, 1.0]  # the first's values
    _check_report(report, _report([("CHN-PHL", 6, 4), ("CHN-USA", 2, 2)]), "event_id")


def test_event_id_is_the_default() -> None:
    kept, report = deduplicate(_reports())
    pd.testing.assert_frame_equal(kept, deduplicate(_reports(), how="event_id")[0])
    assert report.attrs["method"] == "event_id"


def test_event_id_date_treats_an_id_on_another_day_as_another_event() -> None:
    kept, report = deduplicate(_reports(), how="event_id_date")
    pd.testing.assert_frame_equal(kept, _rows(0, 1, 3, 4, 5, 6, 7))
    _check_report(report, _report([("CHN-PHL", 6, 5), ("CHN-USA", 2, 2)]), "event_id_date")


def test_one_a_day_keeps_one_record_per_directed_dyad_type_and_day() -> None:
    kept, report = deduplicate(_reports(), how="one_a_day")
    # 11 and 12 repeat 10's key; 17 repeats 16's.  13 is the other direction, 14
    # another type, 15 another day: all kept.
    pd.testing.assert_frame_equal(kept, _rows(0, 3, 4, 5, 6))
    _check_report(report, _report([("CHN-PHL", 6, 4), ("CHN-USA", 2, 1)]), "one_a_day")


def test_corroboration_weights_each_cluster_by_its_independent_sources() -> None:
    kept, report = deduplicate(_reports(), how="corroboration")
    expected = _rows(0, 3, 4, 5, 6).assign(
        # 10-12: Reuters twice (case and spaces do not matter) and AP: two sources.
        # 16-17: no source, so each counts as one.
        intensity=[2.0, 1.0, 1.0, 1.0, 2.0],
        confidence=[0.9, 1.0, 0.8, 0.6, 0.4],  # the largest in each cluster
        n_reports=np.array([3, 1, 1, 1, 2], dtype=np.int64),
        n_sources=np.array([2, 1, 1, 1, 2], dtype=np.int64),
    )
    pd.testing.assert_frame_equal(kept, expected)
    # Everything else comes from the first report of the cluster.
    assert kept["event_id"].tolist() == ["a", "c", "d", "a", "e"]
    assert kept["note"].tolist() == ["r0", "r3", "r4", "r5", "r6"]
    _check_report(
        report,
        _report([("CHN-PHL", 6, 4), ("CHN-USA", 2, 1)], sources=[5, 2]),
        "corroboration",
    )


def test_output_columns_keep_the_canonical_order() -> None:
    expected = [*CANONICAL, "event_id", "source", "url", "note"]
    for how in DEDUP_METHODS:
        kept, report = deduplicate(_reports(), how=how)
        added = ["n_reports", "n_sources"] if how == "corroboration" else []
        assert list(kept.columns) == expected + added, how
        assert isinstance(kept.index, pd.RangeIndex) and kept.index.start == 0
        assert list(report.columns[:4]) == list(REPORT_COLUMNS)


@pytest.mark.parametrize("how", DEDUP_METHODS)
def test_output_is_a_valid_canonical_events_frame(how: str) -> None:
    kept, _ = deduplicate(_reports(), how=how)  # type: ignore[arg-type]
    # Validating again changes nothing: same dtypes and the same (unused-free) categories.
    pd.testing.assert_frame_equal(ti.validate_events(kept), kept)
    assert kept["actor1"].cat.categories.equals(kept["actor2"].cat.categories)


def test_corroborated_events_score_with_the_configured_intensity_transform() -> None:
    kept, _ = deduplicate(_reports(), how="corroboration")
    config = ti.IndexConfig(intensity_transform="log1p", use_confidence=False)
    result = ti.stability_index(kept, config, dyads="CHN-USA")
    weight = float(config.resolve(["military_hotline_call"]).weight[0])
    # One cluster with two sources: signal = weight * log1p(2).
    assert result["signal"].iloc[0] == pytest.approx(weight * np.log1p(2.0))


# -- sources -------------------------------------------------------------------


def _one_cluster(**columns: list[Any]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame(
        {
            "date": ["2024-03-05"] * n,
            "actor1": ["CHN"] * n,
            "actor2": ["PHL"] * n,
            "event_type": ["water_cannon"] * n,
            **columns,
        }
    )


def test_without_a_source_column_the_url_domain_is_the_source() -> None:
    urls = [
        "https://www.Reuters.com/world/1",
        "http://reuters.com/2?page=3",
        "//www2.reuters.com:443/3",
        "reuters.com/4",
        "https://user@apnews.com/5",
        "BBC Monitoring",
        " bbc monitoring ",
        None,
        "",
    ]
    kept, report = deduplicate(_one_cluster(url=urls), how="corroboration")
    # reuters.com, apnews.com, "bbc monitoring" (a citation) and two rows without one.
    assert kept[["n_reports", "n_sources"]].to_numpy().tolist() == [[9, 5]]
    assert kept["url"].tolist() == [urls[0]]
    assert report["sources"].tolist() == [5]


def test_the_source_column_wins_over_urls() -> None:
    frame = _one_cluster(
        source=["Reuters", "Reuters", "AP"],
        url=["https://a.com/1", "https://b.com/2", "https://c.com/3"],
    )
    kept, _ = deduplicate(frame, how="corroboration")
    assert kept["n_sources"].tolist() == [2]


def test_without_source_or_url_every_row_is_a_source() -> None:
    kept, _ = deduplicate(_one_cluster(event_id=[1, 2, 3]), how="corroboration")
    assert kept[["intensity", "n_reports", "n_sources"]].to_numpy().tolist() == [[3.0, 3, 3]]


def test_corroborating_again_changes_nothing() -> None:
    once, _ = deduplicate(_reports(), how="corroboration")
    twice, report = deduplicate(once, how="corroboration")
    pd.testing.assert_frame_equal(twice, once)
    assert report["dropped"].tolist() == [0, 0]
    assert report["sources"].tolist() == [5, 2]


def test_merging_corroborated_runs_adds_reports_and_bounds_sources() -> None:
    frame = _one_cluster(source=["Reuters", "AP", "Reuters", "Xinhua"])
    first, _ = deduplicate(frame.iloc[:2], how="corroboration")  # Reuters, AP: 2 sources
    second, _ = deduplicate(frame.iloc[2:], how="corroboration")  # Reuters, Xinhua: 2
    merged, _ = deduplicate(pd.concat([first, second]), how="corroboration")
    assert merged["n_reports"].tolist() == [4]
    # Truly 3 sources; the first rows' labels are both Reuters and each run counted 2:
    # the documented lower bound is 2, never more than the truth.
    assert merged["n_sources"].tolist() == [2]
    assert deduplicate(frame, how="corroboration")[0]["n_sources"].tolist() == [3]


# -- the report ----------------------------------------------------------------


def test_report_of_directed_dyads() -> None:
    config = ti.IndexConfig(directed=True)
    _, report = deduplicate(_reports(), how="one_a_day", config=config)
    expected = _report([("CHN->PHL", 5, 3), ("PHL->CHN", 1, 1), ("USA->CHN", 2, 1)])
    _check_report(report, expected, "one_a_day")
    assert report.attrs == {"method": "one_a_day", "directed": True}


@pytest.mark.parametrize("how", DEDUP_METHODS)
def test_report_accounts_for_every_row(how: str) -> None:
    kept, report = deduplicate(_reports(), how=how)  # type: ignore[arg-type]
    assert (report["raw"] - report["kept"]).tolist() == report["dropped"].tolist()
    assert report["raw"].sum() == len(_reports())
    assert report["kept"].sum() == len(kept)
    assert report.attrs == {"method": how, "directed": False}


@pytest.mark.parametrize("how", DEDUP_METHODS)
def test_empty_events(how: str) -> None:
    empty = _reports().iloc[:0]
    kept, report = deduplicate(empty, how=how)  # type: ignore[arg-type]
    assert len(kept) == 0 and len(report) == 0
    assert list(kept.columns[:6]) == CANONICAL
    assert list(report.columns[:4]) == list(REPORT_COLUMNS)
    assert ("sources" in report.columns) == (how == "corroboration")
    assert ("n_sources" in kept.columns) == (how == "corroboration")


# -- inputs --------------------------------------------------------------------


@pytest.mark.parametrize("how", DEDUP_METHODS)
def test_the_callers_frame_is_not_modified(how: str) -> None:
    frame = _reports()
    before = frame.copy(deep=True)
    kept, _ = deduplicate(frame, how=how)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(frame, before)
    kept.loc[0, "note"] = "changed"
    kept.loc[0, "intensity"] = 99.0
    pd.testing.assert_frame_equal(frame, before)


def _records() -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in _reports().to_dict("records")]


def test_records_are_accepted_and_not_modified() -> None:
    records = _records()
    before = copy.deepcopy(records)
    kept, _ = deduplicate(records, how="one_a_day")
    assert records == before
    pd.testing.assert_frame_equal(kept, deduplicate(_reports(), how="one_a_day")[0])


def test_custom_event_types_come_from_the_config() -> None:
    port_call = ti.EventTypeSpec(label="Port call", category="dialogue", weight=-1)
    config = ti.IndexConfig(custom_types={"port_call": port_call})
    frame = _one_cluster(event_id=[1, 1]).assign(event_type="port_call")
    kept, _ = deduplicate(frame, config=config)
    assert kept["event_type"].tolist() == ["port_call"]
    with pytest.raises(ti.EventValidationError, match="port_call"):
        deduplicate(frame)


# -- errors --------------------------------------------------------------------

_HOW = (
    "The 'how' parameter of deduplicate must be one of 'event_id', 'event_id_date', "
    "'one_a_day' or 'corroboration'. Got {} instead."
)


def test_unknown_how_suggests_near_misses() -> None:
    message = _HOW.format("'one_a_dya'") + " Did you mean 'one_a_day'?"
    with pytest.raises(ti.ConfigurationError, match=f"^{re.escape(message)}$"):
        deduplicate(_reports(), how="one_a_dya")  # type: ignore[arg-type]


@pytest.mark.parametrize("how", ["EVENT_ID", "id", None, 3, ["event_id"], np.array(["a", "b"])])
def test_unknown_how(how: object) -> None:
    with pytest.raises(ti.ConfigurationError, match=re.escape(_HOW.format(repr(how)))):
        deduplicate(_reports(), how=how)  # type: ignore[arg-type]


def test_unknown_how_is_reported_before_the_events_are_read() -> None:
    with pytest.raises(ti.ConfigurationError, match="'how' parameter of deduplicate"):
        deduplicate("not events", how="nope")  # type: ignore[arg-type]


def test_config_must_be_an_index_config() -> None:
    with pytest.raises(TypeError, match=r"config must be an IndexConfig or None\. Got dict"):
        deduplicate(_reports(), config={"directed": True})  # type: ignore[arg-type]


def test_invalid_events_are_reported_by_validation() -> None:
    with pytest.raises(ti.EventValidationError, match="Missing required column 'actor2'"):
        deduplicate(_reports().drop(columns="actor2"))


@pytest.mark.parametrize("how", ["event_id", "event_id_date"])
def test_ids_need_an_event_id_column(how: str) -> None:
    message = (
        f"deduplicate(how={how!r}) needs an 'event_id' column, and the events have none "
        "(columns: date, actor1, actor2, event_type, intensity, confidence, source, url, note). "
        "Name the id column 'event_id'"
    )
    with pytest.raises(ti.EventValidationError, match=re.escape(message)):
        deduplicate(_reports().drop(columns="event_id"), how=how)  # type: ignore[arg-type]
    # The day-based rules need no ids.
    deduplicate(_reports().drop(columns="event_id"), how="one_a_day")


@pytest.mark.parametrize(
    ("ids", "shown"),
    [
        (pd.Series(["a", "b", None, "c", "d", "a", "e", "f"], range(10, 18), object), "None"),
        (["a", "b", "  ", "c", "d", "a", "e", "f"], "'  '"),
        (["a", "b", "", "c", "d", "a", "e", "f"], "''"),
        ([1.0, 2.0, np.nan, 3.0, 4.0, 1.0, 5.0, 6.0], "nan"),
        (pd.array([1, 2, None, 3, 4, 1, 5, 6], dtype="Int64"), "<NA>"),
    ],
)
@pytest.mark.parametrize("how", ["event_id", "event_id_date"])
def test_ids_must_not_be_missing(ids: Any, shown: str, how: str) -> None:
    message = (
        f"Column 'event_id', row 2 (index label 12): got {shown}; expected a non-empty event "
        f"id. deduplicate(how={how!r}) needs an id on every row: fill in the missing ids, drop "
        "those rows, or use how='one_a_day', which needs no ids."
    )
    frame = _reports().assign(event_id=ids)
    with pytest.raises(ti.EventValidationError, match=f"^{re.escape(message)}$"):
        deduplicate(frame, how=how)  # type: ignore[arg-type]


def test_missing_id_in_records_names_the_record_position() -> None:
    records = _records()
    del records[3]["event_id"]
    with pytest.raises(ti.EventValidationError, match=r"^Column 'event_id', row 3: got nan"):
        deduplicate(records)


@pytest.mark.parametrize("present", ["n_reports", "n_sources"])
def test_prior_counts_come_in_pairs(present: str) -> None:
    other = "n_sources" if present == "n_reports" else "n_reports"
    message = (
        f"Column {present!r} is present without {other!r}. Both are written by "
        "deduplicate(how='corroboration')"
    )
    frame = _reports().assign(**{present: 1})
    with pytest.raises(ti.EventValidationError, match=re.escape(message)):
        deduplicate(frame, how="corroboration")
    # Other rules carry the column through untouched.
    assert deduplicate(frame, how="one_a_day")[0][present].tolist() == [1] * 5


@pytest.mark.parametrize(
    ("column", "value", "shown"),
    [
        ("n_reports", 0, "0"),
        ("n_reports", 1.5, "1.5"),
        ("n_reports", np.nan, "nan"),
        ("n_sources", "x", "'x'"),
        ("n_sources", -1, "-1"),
    ],
)
def test_prior_counts_must_be_whole_numbers(column: str, value: Any, shown: str) -> None:
    counts = pd.Series([1] * 8, index=range(10, 18), dtype=object)
    counts[13] = value
    frame = _reports().assign(n_reports=2, n_sources=1).assign(**{column: counts})
    message = (
        f"Column {column!r}, row 3 (index label 13): got {shown}; expected a whole number >= 1. "
        f"{column!r} is the count written by deduplicate(how='corroboration')"
    )
    with pytest.raises(ti.EventValidationError, match=re.escape(message)):
        deduplicate(frame, how="corroboration")


def test_prior_counts_are_not_booleans() -> None:
    frame = _reports().assign(n_reports=True, n_sources=1)
    with pytest.raises(ti.EventValidationError, match=r"'n_reports', row 0 .*got True"):
        deduplicate(frame, how="corroboration")


def test_prior_sources_cannot_exceed_reports() -> None:
    frame = _reports().assign(n_reports=[2, 2, 2, 1, 2, 2, 2, 2], n_sources=2)
    message = (
        "Column 'n_sources', row 3 (index label 13): got 2; expected at most the row's "
        "n_reports (1). A cluster cannot have more distinct sources than reports"
    )
    with pytest.raises(ti.EventValidationError, match=re.escape(message)):
        deduplicate(frame, how="corroboration")


def test_prior_counts_are_checked_on_empty_input() -> None:
    frame = _reports().iloc[:0].assign(n_reports=pd.Series([], dtype=np.int64))
    with pytest.raises(ti.EventValidationError, match="'n_reports' is present without"):
        deduplicate(frame, how="corroboration")
