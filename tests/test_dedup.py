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
    navy_band = ti.EventTypeSpec(label="Navy band concert", category="dialogue", weight=-1)
    config = ti.IndexConfig(custom_types={"navy_band": navy_band})
    frame = _one_cluster(event_id=[1, 1]).assign(event_type="navy_band")
    kept, _ = deduplicate(frame, config=config)
    assert kept["event_type"].tolist() == ["navy_band"]
    with pytest.raises(ti.EventValidationError, match="navy_band"):
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


# -- across datasets -----------------------------------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tensionindex.dedup import (  # noqa: E402
    MERGE_REPORT_COLUMNS,
    deduplicate_across_datasets,
    event_families,
)

# The families of these types, read off the catalogue by hand (docs/multiple-sources.md):
# CAMEO root, or PLOVER type through the CAMEO-to-PLOVER table.
FAMILIES = {
    "cameo": {"cameo:042": "cameo:04", "cameo:043": "cameo:04", "cameo:046": "cameo:04",
              "leader_call": "cameo:04", "cameo:112": "cameo:11", "cameo:138": "cameo:13",
              "plover:CONSULT": "plover:CONSULT", "plover:CONSULT/phone": "plover:CONSULT",
              "plover:ACCUSE": "plover:ACCUSE", "cameo:010": "cameo:01"},
    "plover": {"cameo:042": "plover:CONSULT", "cameo:043": "plover:CONSULT",
               "cameo:046": "plover:CONSULT", "leader_call": "plover:CONSULT",
               "cameo:112": "plover:ACCUSE", "cameo:138": "plover:THREATEN",
               "plover:CONSULT": "plover:CONSULT", "plover:CONSULT/phone": "plover:CONSULT",
               "plover:ACCUSE": "plover:ACCUSE", "cameo:010": "cameo:01"},
}
DATASETS = ["gdelt2", "icews", "polecat"]


def _sources() -> pd.DataFrame:
    """Records of three datasets; ``tag`` names each row for the expectations.

    ===  ==========  =======  ==============  =======  =================================
    tag  date        dyad     type            dataset  fate (family "cameo")
    ===  ==========  =======  ==============  =======  =================================
    g1   06-01       USA>PRK  cameo:042       gdelt2   kept, with i1 (same root 04)
    i1   06-01       USA>PRK  cameo:043       icews    merged into g1
    g2   06-01       USA>PRK  cameo:046       gdelt2   kept alone: icews has one root-04
    i2   06-01       PRK>USA  cameo:043       icews    kept: other direction
    g3   06-02       USA>PRK  cameo:112       gdelt2   kept, with i3
    i3   06-02       USA>PRK  cameo:112       icews    merged into g3
    p1   06-01       USA>PRK  plover:CONSULT  polecat  kept: PLOVER family
    i4   06-03       USA>PRK  cameo:043       icews    kept: another day
    ===  ==========  =======  ==============  =======  =================================
    """
    return pd.DataFrame(
        {
            "date": ["2018-06-01"] * 4 + ["2018-06-02"] * 2 + ["2018-06-01", "2018-06-03"],
            "actor1": ["USA", "USA", "USA", "PRK", "USA", "USA", "USA", "USA"],
            "actor2": ["PRK", "PRK", "PRK", "USA", "PRK", "PRK", "PRK", "PRK"],
            "event_type": ["cameo:042", "cameo:043", "cameo:046", "cameo:043", "cameo:112",
                           "cameo:112", "plover:CONSULT", "cameo:043"],
            "confidence": [1.0, 0.5, 1.0, 1.0, 0.8, 0.9, 1.0, 1.0],
            "event_id": ["g1", "i1", "g2", "i2", "g3", "i3", "p1", "i4"],
            "dataset": ["gdelt2", "icews", "gdelt2", "icews", "gdelt2", "icews", "polecat",
                        "icews"],
        },
        index=range(100, 108),
    )


def test_records_of_two_datasets_on_one_key_count_once() -> None:
    kept, report = deduplicate_across_datasets(_sources())
    assert kept["event_id"].tolist() == ["g1", "g2", "i2", "g3", "p1", "i4"]
    assert kept["datasets"].astype(str).tolist() == [
        "gdelt2;icews", "gdelt2", "icews", "gdelt2;icews", "polecat", "icews"
    ]
    # The kept record is the first one's, unchanged (its confidence, not the other's).
    assert kept["confidence"].tolist() == [1.0, 1.0, 1.0, 0.8, 1.0, 1.0]
    assert list(report.columns) == list(MERGE_REPORT_COLUMNS)
    assert report.to_dict("list") == {
        "datasets": ["gdelt2", "gdelt2;icews", "icews", "polecat"],
        "rows": [1, 4, 2, 1],
        "kept": [1, 2, 2, 1],
        "merged": [0, 2, 0, 0],
    }
    assert report.attrs == {"family": "cameo", "prefer": ("gdelt2", "icews", "polecat")}
    assert len(kept) == len(_sources()) - report["merged"].sum()


def test_plover_families_let_polecat_match_cameo_coded_records() -> None:
    kept, report = deduplicate_across_datasets(_sources(), family="plover")
    # p1 (CONSULT) now joins g1 and i1 on USA>PRK, 1 June.
    assert kept["event_id"].tolist() == ["g1", "g2", "i2", "g3", "i4"]
    assert kept["datasets"].astype(str).tolist()[0] == "gdelt2;icews;polecat"
    assert dict(zip(report["datasets"], report["merged"], strict=True))[
        "gdelt2;icews;polecat"
    ] == 2


def test_prefer_chooses_the_record_kept() -> None:
    kept, report = deduplicate_across_datasets(_sources(), prefer=["icews"])
    assert kept["event_id"].tolist() == ["i1", "g2", "i2", "i3", "p1", "i4"]
    assert kept["datasets"].astype(str).tolist()[0] == "gdelt2;icews"
    assert report.attrs["prefer"] == ("icews",)


def test_the_most_reliable_datasets_record_is_kept_by_default() -> None:
    if "dataset_confidence" not in {f.name for f in __import__("dataclasses").fields(
            ti.IndexConfig)}:
        pytest.skip("IndexConfig has no dataset_confidence field yet")
    config = ti.IndexConfig(dataset_confidence={"gdelt2": 0.4, "icews": 0.9})
    kept, report = deduplicate_across_datasets(_sources(), config=config)
    # polecat is not listed: it counts as 1, before icews (0.9) and gdelt2 (0.4).
    assert report.attrs["prefer"] == ("polecat", "icews", "gdelt2")
    assert kept["event_id"].tolist() == ["i1", "g2", "i2", "i3", "p1", "i4"]


def test_merging_again_changes_nothing_and_adding_a_dataset_later_is_the_same() -> None:
    once, _ = deduplicate_across_datasets(_sources())
    twice, report = deduplicate_across_datasets(once)
    pd.testing.assert_frame_equal(twice, once)
    assert report["merged"].sum() == 0
    # GDELT and ICEWS merged first, POLECAT added later: the same as all at once.
    events = _sources()
    first, _ = deduplicate_across_datasets(events[events["dataset"] != "polecat"],
                                           family="plover")
    polecat = ti.validate_events(events[events["dataset"] == "polecat"])
    later = pd.concat([first, polecat], ignore_index=True)
    merged, _ = deduplicate_across_datasets(later, family="plover")
    at_once, _ = deduplicate_across_datasets(events, family="plover")
    assert sorted(merged["event_id"]) == sorted(at_once["event_id"])
    assert dict(zip(merged["event_id"], merged["datasets"].astype(str), strict=True)) == dict(
        zip(at_once["event_id"], at_once["datasets"].astype(str), strict=True)
    )


def test_a_merged_row_never_takes_a_second_record_of_its_datasets() -> None:
    merged = pd.DataFrame({
        "date": ["2018-06-01"] * 3, "actor1": ["USA"] * 3, "actor2": ["PRK"] * 3,
        "event_type": ["cameo:042", "cameo:043", "cameo:040"],
        "dataset": ["gdelt2", "icews", "icews"],
        "datasets": ["gdelt2;icews", None, None],
    })
    kept, report = deduplicate_across_datasets(merged)
    # The first row stands for gdelt2 and icews: neither icews row may join it.
    assert kept["event_type"].astype(str).tolist() == ["cameo:042", "cameo:043", "cameo:040"]
    assert report["merged"].sum() == 0


def test_kept_events_are_valid_and_the_callers_frame_is_untouched() -> None:
    events = _sources()
    before = events.copy(deep=True)
    kept, _ = deduplicate_across_datasets(events)
    pd.testing.assert_frame_equal(events, before)
    assert list(kept.columns[:6]) == CANONICAL
    assert kept.index.equals(pd.RangeIndex(len(kept)))
    pd.testing.assert_frame_equal(ti.validate_events(kept), kept)
    records, _ = deduplicate_across_datasets(events.to_dict("records"))
    pd.testing.assert_frame_equal(records, kept)


def test_empty_events_across_datasets() -> None:
    kept, report = deduplicate_across_datasets(_sources().iloc[:0])
    assert len(kept) == 0 and "datasets" in kept.columns
    assert len(report) == 0 and list(report.columns) == list(MERGE_REPORT_COLUMNS)


def test_events_without_a_dataset_column_are_refused() -> None:
    with pytest.raises(ti.EventValidationError,
                       match=r"needs a 'dataset' column .* events\.assign\(dataset='analyst'\)"):
        deduplicate_across_datasets(_sources().drop(columns="dataset"))


@pytest.mark.parametrize(
    ("value", "shown"), [(None, "None"), ("  ", "'  '"), ("gdelt2;icews", "'gdelt2;icews'")]
)
def test_every_row_needs_a_plain_dataset_name(value: Any, shown: str) -> None:
    events = _sources().astype({"dataset": object})
    events.loc[103, "dataset"] = value
    with pytest.raises(ti.EventValidationError,
                       match=rf"Column 'dataset', row 3 \(index label 103\): got "
                             rf"{re.escape(shown)}; expected the "
                             r"name of the row's dataset"):
        deduplicate_across_datasets(events)


def test_a_datasets_column_must_list_the_rows_own_dataset() -> None:
    events = _sources().assign(datasets="gdelt2")
    with pytest.raises(ti.EventValidationError,
                       match=r"Column 'datasets', row 1 \(index label 101\): got 'gdelt2'; "
                             r"expected the datasets "
                             r"behind a merged row .* own dataset 'icews'"):
        deduplicate_across_datasets(events)


def test_invalid_parameters_across_datasets() -> None:
    with pytest.raises(ti.InvalidParameterError,
                       match=r"'family' parameter of deduplicate_across_datasets .* "
                             r"Did you mean 'plover'\?"):
        deduplicate_across_datasets(_sources(), family="plovers")  # type: ignore[arg-type]
    with pytest.raises(ti.InvalidParameterError,
                       match=r"'prefer' parameter .* must list datasets of the events "
                             r"\('gdelt2', 'icews', 'polecat'\)\. Got 'icew' instead\. "
                             r"Did you mean 'icews'\?"):
        deduplicate_across_datasets(_sources(), prefer=["icew"])
    with pytest.raises(ti.InvalidParameterError, match=r"'prefer' parameter .* a list"):
        deduplicate_across_datasets(_sources(), prefer="icews")  # type: ignore[arg-type]
    with pytest.raises(ti.InvalidParameterError, match=r"'config' parameter"):
        deduplicate_across_datasets(_sources(), config={})  # type: ignore[arg-type]


def test_event_families_follow_the_catalogue() -> None:
    for family, table in FAMILIES.items():
        got = event_families(list(table), family=family)  # type: ignore[arg-type]
        assert got.tolist() == list(table.values()), family
    # From the catalogue itself: each analyst type's family is its CAMEO code's root.
    analyst = ti.taxonomy(source="analyst")
    roots = event_families(analyst["event_type"].tolist())
    assert roots.tolist() == ("cameo:" + analyst["cameo"].str[:2]).tolist()
    series = pd.Series(["cameo:042"], index=[7])
    assert event_families(series).index.tolist() == [7]
    custom = ti.IndexConfig(custom_types={"drone_flyover": ti.EventTypeSpec(
        label="Drone over an outpost", category="gray_zone", weight=4.0)})
    assert event_families(["drone_flyover"], config=custom).tolist() == ["category:gray_zone"]
    with pytest.raises(ti.EventValidationError, match=r"Unknown event type 'cameo:0431'"):
        event_families(["cameo:0431"])


# A naive reference: rows joined one by one to the first cluster of their key that lacks
# their dataset; each cluster keeps its preferred record.
def _naive(frame: pd.DataFrame, family: str, rank: dict[str, int]) -> list[tuple[str, str]]:
    clusters: list[tuple[tuple[Any, ...], set[str], list[int]]] = []
    rows = frame.reset_index(drop=True)
    for i, row in rows.iterrows():
        key = (row["actor1"], row["actor2"], FAMILIES[family][row["event_type"]], row["date"])
        for found_key, datasets, members in clusters:
            if found_key == key and row["dataset"] not in datasets:
                datasets.add(row["dataset"])
                members.append(int(i))
                break
        else:
            clusters.append((key, {row["dataset"]}, [int(i)]))
    kept = []
    for _, datasets, members in clusters:
        best = min(members, key=lambda m: (rank.get(rows.at[m, "dataset"], len(rank)), m))
        kept.append((best, ";".join(sorted(datasets))))
    return [(str(rows.at[m, "event_id"]), label) for m, label in sorted(kept)]


_ROWS = st.lists(
    st.tuples(
        st.sampled_from(["2018-06-01", "2018-06-02"]),
        st.sampled_from([("USA", "PRK"), ("PRK", "USA"), ("USA", "CHN")]),
        st.sampled_from(list(FAMILIES["cameo"])),
        st.sampled_from(DATASETS),
    ),
    max_size=30,
)


@pytest.mark.slow  # about 3 s of hypothesis examples against the naive merge
@given(rows=_ROWS, family=st.sampled_from(["cameo", "plover"]),
       prefer=st.sampled_from([None, ["icews"], ["polecat", "gdelt2"]]))
def test_merges_match_a_naive_reference(
    rows: list[tuple[str, tuple[str, str], str, str]], family: str, prefer: list[str] | None
) -> None:
    frame = pd.DataFrame(
        [{"date": d, "actor1": a, "actor2": b, "event_type": t, "dataset": s,
          "event_id": f"e{i}"} for i, (d, (a, b), t, s) in enumerate(rows)],
        columns=["date", "actor1", "actor2", "event_type", "dataset", "event_id"],
    )
    present = set(frame["dataset"])
    wanted = None if prefer is None else [p for p in prefer if p in present]
    kept, report = deduplicate_across_datasets(frame, family=family, prefer=wanted)  # type: ignore[arg-type]
    rank = {name: i for i, name in enumerate(wanted or [])}
    expected = _naive(frame, family, rank)
    assert list(zip(kept["event_id"], kept["datasets"].astype(str), strict=True)) == expected
    assert len(kept) == len(frame) - int(report["merged"].sum())
    assert int(report["rows"].sum()) == len(frame) and int(report["kept"].sum()) == len(kept)
    # Merged rows stand for their datasets: merging again changes nothing.
    again, _ = deduplicate_across_datasets(kept, family=family, prefer=wanted)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(again, kept)
    # Never two records of one dataset, never across dyads, directions, families or days:
    # per key, the events kept are as many as the largest dataset's records on it.
    if len(frame):
        keys = [frame["actor1"], frame["actor2"],
                frame["event_type"].map(FAMILIES[family]), frame["date"]]
        largest = frame.groupby([*keys, frame["dataset"]]).size().groupby(level=[0, 1, 2, 3]).max()
        kept_keys = [kept["actor1"].astype(str), kept["actor2"].astype(str),
                     kept["event_type"].astype(str).map(FAMILIES[family]),
                     kept["date"].dt.strftime("%Y-%m-%d")]
        per_key = kept.groupby(kept_keys).size()
        assert per_key.sort_index().tolist() == largest.sort_index().tolist()
