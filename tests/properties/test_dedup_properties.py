"""Invariants of deduplicate on generated reports with repeated ids, days and outlets.

The oracle is a naive reference written with plain loops over records (which
also checks that the caller's frame is not modified); the other properties are
the issue's: every rule is idempotent, ``one_a_day`` never increases any count,
``corroboration`` keeps every key and accounts for every report, what is kept
does not depend on row order, and the report adds up.
"""

from __future__ import annotations

import urllib.parse
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensionindex as ti
from tensionindex.dedup import DEDUP_METHODS, DedupMethod, deduplicate
from tensionindex.testing import events

pytestmark = pytest.mark.slow  # a long property run: `pytest -m slow`

_OUTLETS = ("reuters.com", " Reuters.com", "apnews.com", "xinhuanet.com", "", None)
_URLS = (
    "https://www.reuters.com/world/1",
    "http://reuters.com/2?x=1",
    "https://apnews.com/3",
    "https://www.xinhuanet.com/4",
    "BBC Monitoring",
    "",
    None,
)
_DAY_KEY = ("actor1", "actor2", "event_type", "date")


@st.composite
def reports(draw: st.DrawFn, max_size: int = 15) -> pd.DataFrame:
    """Events as a coded archive delivers them: verbatim copies (overlapping files),
    ids reused by other records (ICEWS across releases), several reports of a
    dyad, type and day, and outlets named in ``source``, in ``url`` or nowhere."""
    span = draw(st.sampled_from([0, 2, 30]), label="span in days")
    frame = draw(events(max_size=max_size, max_span_days=span))
    if len(frame):
        copies = draw(st.lists(st.integers(0, len(frame) - 1), max_size=len(frame)))
        frame = pd.concat([frame, frame.iloc[copies]], ignore_index=True)
        order = draw(st.permutations(range(len(frame))))
        frame = frame.iloc[order].reset_index(drop=True)
        n = len(frame)
        ids = frame["event_id"].tolist()
        for target, donor in draw(
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=n // 2)
        ):
            ids[target] = ids[donor]
        frame["event_id"] = ids
    n = len(frame)
    where = draw(st.sampled_from(["source", "url", "nowhere"]), label="outlets in")
    if where == "source":
        values = draw(st.lists(st.sampled_from(_OUTLETS), min_size=n, max_size=n))
        frame["source"] = pd.Series(values, dtype=object)
    elif where == "url":
        values = draw(st.lists(st.sampled_from(_URLS), min_size=n, max_size=n))
        frame["url"] = pd.Series(values, dtype=object)
    return frame


REPORTS = reports()
HOW = pytest.mark.parametrize("how", DEDUP_METHODS)


# -- a naive reference -----------------------------------------------------------


def _outlet(record: dict[Any, Any], columns: pd.Index) -> str | None:
    if "source" in columns:
        value = record["source"]
        text = value.strip().lower() if isinstance(value, str) else ""
        return text or None
    if "url" in columns:
        value = record["url"]
        text = value.strip().lower() if isinstance(value, str) else ""
        if not text:
            return None
        host = urllib.parse.urlsplit(text if "//" in text else "//" + text).hostname or ""
        if host.startswith("www."):
            host = host[4:]
        return host or None
    return None


def _key(record: dict[Any, Any], how: str) -> tuple[Any, ...]:
    if how == "event_id":
        return (record["event_id"],)
    if how == "event_id_date":
        return (record["event_id"], record["date"])
    return tuple(record[c] for c in _DAY_KEY)


def naive_deduplicate(frame: pd.DataFrame, how: str) -> pd.DataFrame:
    """The rule written out with a loop over records: first of each key, plus clusters."""
    validated = ti.validate_events(frame)
    kept: dict[tuple[Any, ...], dict[Any, Any]] = {}
    outlets: dict[tuple[Any, ...], set[object]] = {}
    for position, record in enumerate(validated.to_dict("records")):
        key = _key(record, how)
        if key not in kept:
            kept[key] = {**record, "n_reports": 0}
            outlets[key] = set()
        cluster = kept[key]
        cluster["n_reports"] += 1
        if how == "corroboration":
            cluster["confidence"] = max(cluster["confidence"], record["confidence"])
        outlet = _outlet(record, validated.columns)
        outlets[key].add(("row", position) if outlet is None else outlet)
    rows = []
    for key, record in kept.items():
        if how == "corroboration":
            record["n_sources"] = len(outlets[key])
            record["intensity"] = float(record["n_sources"])
        else:
            del record["n_reports"]
        rows.append(record)
    return pd.DataFrame(rows)


def _plain(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The columns to compare, with categories as plain text."""
    out = frame[columns].reset_index(drop=True)
    for name in ("actor1", "actor2", "event_type"):
        out[name] = out[name].astype(object).astype(str)
    return out


@HOW
@given(frame=REPORTS)
def test_matches_a_naive_reference(frame: pd.DataFrame, how: DedupMethod) -> None:
    before = frame.copy(deep=True)
    kept, _ = deduplicate(frame, how=how)
    pd.testing.assert_frame_equal(frame, before)  # the caller's frame is untouched
    expected = naive_deduplicate(frame, how)
    columns = [*_DAY_KEY, "event_id", "intensity", "confidence"]
    if how == "corroboration":
        columns += ["n_reports", "n_sources"]
    if len(expected) == 0:
        assert len(kept) == 0
        return
    pd.testing.assert_frame_equal(
        _plain(kept, columns), _plain(expected, columns), check_dtype=False
    )


# -- the properties --------------------------------------------------------


@HOW
@given(frame=REPORTS, directed=st.booleans())
def test_deduplication_is_idempotent(frame: pd.DataFrame, how: DedupMethod, directed: bool) -> None:
    config = ti.IndexConfig(directed=directed)
    once, _ = deduplicate(frame, how=how, config=config)
    twice, report = deduplicate(once, how=how, config=config)
    pd.testing.assert_frame_equal(twice, once)
    assert (report["dropped"] == 0).all()


def _day_counts(frame: pd.DataFrame) -> Counter[tuple[Any, ...]]:
    validated = ti.validate_events(frame)
    return Counter(
        zip(*(validated[c].astype(object) for c in _DAY_KEY), strict=True)
    )


@given(frame=REPORTS)
def test_one_a_day_never_increases_any_count(frame: pd.DataFrame) -> None:
    kept, _ = deduplicate(frame, how="one_a_day")
    before, after = _day_counts(frame), _day_counts(kept)
    assert set(after) == set(before)  # every directed dyad, type and day is still there
    for key, count in after.items():
        assert count == 1 <= before[key], key
    for column in ("intensity", "confidence"):
        # ... and no dyad, type or day gains weight: each kept row is one of its inputs.
        assert kept[column].sum() <= ti.validate_events(frame)[column].sum() + 1e-9


@given(frame=REPORTS)
def test_corroboration_keeps_every_key_and_accounts_for_every_report(
    frame: pd.DataFrame,
) -> None:
    kept, report = deduplicate(frame, how="corroboration")
    assert set(_day_counts(kept)) == set(_day_counts(frame))
    assert max(_day_counts(kept).values(), default=1) == 1
    assert kept["n_reports"].sum() == len(frame)
    assert (kept["n_sources"] >= 1).all() and (kept["n_sources"] <= kept["n_reports"]).all()
    np.testing.assert_array_equal(kept["intensity"], kept["n_sources"].astype(float))
    assert report["sources"].sum() == kept["n_sources"].sum()


def _kept_keys(kept: pd.DataFrame, how: str) -> set[tuple[Any, ...]]:
    columns = {
        "event_id": ["event_id"],
        "event_id_date": ["event_id", "date"],
        "one_a_day": list(_DAY_KEY),
        "corroboration": [*_DAY_KEY, "n_reports", "n_sources", "confidence"],
    }[how]
    return set(zip(*(kept[c].astype(object) for c in columns), strict=True))


@HOW
@given(frame=REPORTS, data=st.data())
def test_what_is_kept_does_not_depend_on_row_order(
    frame: pd.DataFrame, how: DedupMethod, data: st.DataObject
) -> None:
    order = data.draw(st.permutations(range(len(frame))), label="row order")
    kept, report = deduplicate(frame, how=how)
    shuffled_kept, shuffled_report = deduplicate(frame.iloc[order], how=how)
    # The keys kept (and, for clusters, their counts and confidence) are the same;
    # which row of a key survives follows the input order, by design.
    assert _kept_keys(shuffled_kept, how) == _kept_keys(kept, how)
    if how in ("one_a_day", "corroboration"):
        pd.testing.assert_frame_equal(shuffled_report, report)
    else:
        # An id reused in another dyad is kept in whichever dyad comes first, so only
        # the raw counts per dyad and the total kept are order-free.
        pd.testing.assert_series_equal(shuffled_report["raw"], report["raw"])
        assert shuffled_report["kept"].sum() == report["kept"].sum()


def _dyad(actor1: str, actor2: str, directed: bool) -> str:
    return f"{actor1}->{actor2}" if directed else "-".join(sorted((actor1, actor2)))


@HOW
@given(frame=REPORTS, directed=st.booleans())
def test_report_adds_up(frame: pd.DataFrame, how: DedupMethod, directed: bool) -> None:
    kept, report = deduplicate(frame, how=how, config=ti.IndexConfig(directed=directed))
    assert (report["raw"] - report["kept"] == report["dropped"]).all()
    assert (report["dropped"] >= 0).all()
    assert report["raw"].sum() == len(frame)
    assert report.attrs == {"method": how, "directed": directed}
    # Counted again from the rows, with dyad labels built here.
    raw = Counter(map(_dyad, frame["actor1"], frame["actor2"], [directed] * len(frame)))
    after = Counter(
        map(_dyad, kept["actor1"].astype(str), kept["actor2"].astype(str), [directed] * len(kept))
    )
    counts = report.assign(dyad=report["dyad"].astype(str)).set_index("dyad")
    assert counts.index.tolist() == sorted(raw)
    assert counts["raw"].to_dict() == dict(raw)
    assert counts.loc[counts["kept"] > 0, "kept"].to_dict() == dict(after)
