"""Invariants of deduplicate_across_datasets on generated records of several datasets.

The oracle is a naive reference written with plain loops over records: on each
directed dyad, event family and day, the k-th record of each dataset (in input
order) make one event, kept as the record of the preferred (or most reliable)
dataset, earliest first on ties, and listing every dataset that recorded it.
The other properties are those docs/multiple-sources.md states: every input
record is represented exactly once and never merged with a record of its own
dataset, the report adds up (``len(kept) == len(events) - merged``), merging
again changes nothing, and adding a dataset later gives the events of merging
all at once when each key holds at most one record per dataset.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensionindex as ti
from tensionindex.testing import events

pytestmark = pytest.mark.slow  # a long property run: `pytest -m slow`

DATASETS = ("gdelt2", "icews", "polecat")
FAMILIES = ("cameo", "plover")


@st.composite
def records(draw: st.DrawFn, max_size: int = 12) -> pd.DataFrame:
    """Events of up to three datasets, with the same event often recorded by several.

    Few actors and days so that keys collide; copies of rows under another
    dataset (the same event coded twice, possibly with another code of its
    family) and under the same dataset (repeats ``deduplicate`` would drop).
    """
    span = draw(st.sampled_from([0, 1, 5]), label="span in days")
    frame = draw(events(max_size=max_size, actors=("CHN", "USA", "PRK"), max_span_days=span))
    n = len(frame)
    frame["dataset"] = draw(st.lists(st.sampled_from(DATASETS), min_size=n, max_size=n))
    if n:
        copies = draw(st.lists(st.integers(0, n - 1), max_size=n), label="copied rows")
        extra = frame.iloc[copies].copy()
        extra["dataset"] = draw(
            st.lists(st.sampled_from(DATASETS), min_size=len(copies), max_size=len(copies))
        )
        extra["event_id"] = [f"c{i}" for i in range(len(copies))]
        frame = pd.concat([frame, extra], ignore_index=True)
        order = draw(st.permutations(range(len(frame))), label="row order")
        frame = frame.iloc[order].reset_index(drop=True)
    return frame


def _keys(frame: pd.DataFrame, family: str) -> list[tuple[Any, ...]]:
    families = ti.event_families(frame["event_type"].astype(str).tolist(), family=family)
    return list(
        zip(
            frame["actor1"].astype(str),
            frame["actor2"].astype(str),
            families,
            frame["date"],
            strict=True,
        )
    )


def _naive(frame: pd.DataFrame, family: str, rank: dict[str, float]) -> list[tuple[str, str, int]]:
    """(event_id kept, datasets listed, rows behind it), in input order of the kept rows."""
    datasets = frame["dataset"].astype(str).tolist()
    seen: Counter[tuple[Any, ...]] = Counter()
    clusters: dict[tuple[Any, ...], list[int]] = {}
    for position, key in enumerate(_keys(frame, family)):
        k = seen[(key, datasets[position])]
        seen[(key, datasets[position])] += 1
        clusters.setdefault((key, k), []).append(position)
    kept = []
    for members in clusters.values():
        chosen = min(members, key=lambda p: (rank[datasets[p]], p))
        listed = ";".join(sorted({datasets[p] for p in members}))
        kept.append((chosen, listed, len(members)))
    kept.sort()
    ids = frame["event_id"].astype(str).tolist()
    return [(ids[chosen], listed, size) for chosen, listed, size in kept]


def _found(kept: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(kept["event_id"].astype(str), kept["datasets"].astype(str), strict=True))


@given(frame=records(), family=st.sampled_from(FAMILIES), data=st.data())
def test_matches_a_naive_reference(frame: pd.DataFrame, family: str, data: st.DataObject) -> None:
    present = sorted(set(frame["dataset"]))
    how = data.draw(st.sampled_from(["input order", "prefer", "confidence"]), label="choice")
    options: dict[str, Any] = {}
    rank = dict.fromkeys(present, 0.0)
    if how == "prefer" and present:
        prefer = data.draw(st.permutations(present), label="prefer")
        prefer = prefer[: data.draw(st.integers(1, len(prefer)), label="listed")]
        options["prefer"] = prefer
        rank = {name: prefer.index(name) if name in prefer else len(prefer) for name in present}
    elif how == "confidence":
        confidence = {
            name: data.draw(st.sampled_from([0.25, 0.5, 1.0]), label=name) for name in present
        }
        options["config"] = ti.IndexConfig(dataset_confidence=confidence)
        rank = {name: -value for name, value in confidence.items()}
    before = frame.copy(deep=True)
    kept, report = ti.deduplicate_across_datasets(frame, family=family, **options)
    pd.testing.assert_frame_equal(frame, before)  # the caller's frame is untouched
    expected = _naive(frame, family, rank)
    assert _found(kept) == [(kept_id, listed) for kept_id, listed, _ in expected]
    # The report: one row per value of `datasets`, rows behind it, kept and merged.
    rows: Counter[str] = Counter()
    count: Counter[str] = Counter()
    for _, listed, size in expected:
        rows[listed] += size
        count[listed] += 1
    assert report["datasets"].tolist() == sorted(rows)
    assert report["rows"].tolist() == [rows[name] for name in sorted(rows)]
    assert report["kept"].tolist() == [count[name] for name in sorted(rows)]
    assert (report["merged"] == report["rows"] - report["kept"]).all()
    assert len(kept) == len(frame) - int(report["merged"].sum())


@given(frame=records(), family=st.sampled_from(FAMILIES))
def test_every_record_is_listed_once_and_never_merged_with_its_own_dataset(
    frame: pd.DataFrame, family: str
) -> None:
    """Per key and dataset, the kept rows listing the dataset are its records there."""
    kept, _ = ti.deduplicate_across_datasets(frame, family=family)
    recorded: Counter[tuple[Any, ...]] = Counter(
        zip(_keys(frame, family), frame["dataset"].astype(str), strict=True)
    )
    listed: Counter[tuple[Any, ...]] = Counter()
    for key, names in zip(_keys(kept, family), kept["datasets"].astype(str), strict=True):
        parts = names.split(";")
        assert len(parts) == len(set(parts)), names
        for name in parts:
            listed[(key, name)] += 1
    assert listed == recorded
    # The kept record is one of the datasets it lists, unchanged.
    for own, names in zip(kept["dataset"].astype(str), kept["datasets"].astype(str), strict=True):
        assert own in names.split(";")


@given(frame=records(), family=st.sampled_from(FAMILIES))
def test_merging_again_changes_nothing(frame: pd.DataFrame, family: str) -> None:
    once, _ = ti.deduplicate_across_datasets(frame, family=family)
    twice, report = ti.deduplicate_across_datasets(once, family=family)
    pd.testing.assert_frame_equal(twice, once)
    assert (report["merged"] == 0).all()


@given(frame=records(), family=st.sampled_from(FAMILIES), data=st.data())
def test_adding_a_dataset_later_is_merging_all_at_once(
    frame: pd.DataFrame, family: str, data: st.DataObject
) -> None:
    """With at most one record per dataset on each key, in any order of the datasets."""
    seen: set[tuple[Any, ...]] = set()
    first_of_key = []
    for key, name in zip(_keys(frame, family), frame["dataset"].astype(str), strict=True):
        first_of_key.append((key, name) not in seen)
        seen.add((key, name))
    frame = frame[pd.Series(first_of_key, index=frame.index, dtype=bool)].reset_index(drop=True)
    present = sorted(set(frame["dataset"]))
    if len(present) < 2:
        return
    prefer = list(data.draw(st.permutations(present), label="prefer"))
    later = data.draw(st.sampled_from(present), label="added later")
    first = frame[frame["dataset"] != later]
    staged, _ = ti.deduplicate_across_datasets(
        first, family=family, prefer=[name for name in prefer if name != later]
    )
    staged, _ = ti.deduplicate_across_datasets(
        pd.concat([staged, frame[frame["dataset"] == later]], ignore_index=True),
        family=family,
        prefer=prefer,
    )
    at_once, _ = ti.deduplicate_across_datasets(frame, family=family, prefer=prefer)
    # The same events, each the same record listing the same datasets (row order may
    # differ: the later dataset's rows came last).
    assert sorted(_found(staged)) == sorted(_found(at_once))
