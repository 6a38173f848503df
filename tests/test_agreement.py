"""source_agreement: checked against plain pandas on the same daily signals; dataset reliability.

The oracle computes every number from the events alone: each event's signal is
its type's weight (``ti.taxonomy()``) times its confidence, daily sums come from
``groupby``, and the correlation is ``pandas.Series.corr``.
"""

from __future__ import annotations

import dataclasses
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti
from tensionindex.analysis.agreement import AGREEMENT_COLUMNS, DISAGREEMENT_COLUMNS

TYPES = ["cameo:042", "cameo:112", "cameo:138", "cameo:057", "cameo:190", "cameo:036"]
DYADS = [("USA", "PRK"), ("PRK", "USA"), ("CHN", "USA"), ("RUS", "UKR")]
DATASETS = ["gdelt2", "icews", "polecat"]


def _events(seed: int, n: int = 300, days: int = 30) -> pd.DataFrame:
    """Random events of three datasets; each dataset skips some days entirely."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2018-06-01")
    day = rng.integers(0, days, n)
    dataset = rng.choice(DATASETS, n)
    # A day a dataset did not collect: none of its records fall on it.
    gaps = {d: set(rng.choice(days, 4, replace=False).tolist()) for d in DATASETS}
    keep = np.array([int(t) not in gaps[s] for t, s in zip(day, dataset, strict=True)])
    pairs = np.array(DYADS, dtype=object)[rng.integers(0, len(DYADS), n)]
    frame = pd.DataFrame(
        {
            "date": (start + day).astype("datetime64[ns]"),
            "actor1": pairs[:, 0],
            "actor2": pairs[:, 1],
            "event_type": rng.choice(TYPES, n),
            "confidence": rng.choice([0.5, 1.0], n),
            "event_id": [f"e{i}" for i in range(n)],
            "dataset": dataset,
        }
    )
    return frame[keep].reset_index(drop=True)


def _oracle(
    events: pd.DataFrame,
    covered: dict[str, set[pd.Timestamp]] | None = None,
    start: str | None = None,
    end: str | None = None,
) -> tuple[dict[tuple[str, str, str], dict[str, Any]], dict[tuple[str, str, str], pd.DataFrame]]:
    """Per (dyad, a, b): the summary numbers, and both daily signals on the days both cover."""
    weight = ti.taxonomy().set_index("event_type")["weight"]
    ev = events.copy()
    ev["signal"] = ev["event_type"].map(weight) * ev["confidence"]
    ev["dyad"] = ["-".join(sorted(p)) for p in zip(ev["actor1"], ev["actor2"], strict=True)]
    days = {d: set(ev.loc[ev["dataset"] == d, "date"]) for d in DATASETS}
    days.update(covered or {})
    low = pd.Timestamp(start) if start else pd.Timestamp.min
    high = pd.Timestamp(end) if end else pd.Timestamp.max
    days = {d: {t for t in v if low <= t <= high} for d, v in days.items()}
    ev = ev[(ev["date"] >= low) & (ev["date"] <= high)]
    summary, daily = {}, {}
    for a, b in combinations(DATASETS, 2):
        both = sorted(days[a] & days[b])
        either = days[a] | days[b]
        for dyad in sorted(set(ev.loc[ev["dataset"].isin([a, b]), "dyad"])):
            mine = ev[ev["dyad"] == dyad]
            sides = {}
            for side, name in (("a", a), ("b", b)):
                rows = mine[(mine["dataset"] == name) & mine["date"].isin(both)]
                sides[f"signal_{side}"] = (
                    rows.groupby("date")["signal"].sum().reindex(both, fill_value=0.0)
                )
                sides[f"events_{side}"] = rows.groupby("date").size().reindex(both, fill_value=0)
            table = pd.DataFrame(sides, index=pd.DatetimeIndex(both, name="date"))
            daily[(dyad, a, b)] = table
            summary[(dyad, a, b)] = {
                "days_both": len(both),
                "days_either": len(either),
                "share_both": len(both) / len(either) if either else np.nan,
                "days_a": int((table["events_a"] > 0).sum()),
                "days_b": int((table["events_b"] > 0).sum()),
                "days_reported_both": int(
                    ((table["events_a"] > 0) & (table["events_b"] > 0)).sum()
                ),
                "events_a": int(table["events_a"].sum()),
                "events_b": int(table["events_b"].sum()),
                "signal_a": float(table["signal_a"].sum()),
                "signal_b": float(table["signal_b"].sum()),
                "correlation": table["signal_a"].corr(table["signal_b"]),
            }
    return summary, daily


Numbers = dict[tuple[str, str, str], dict[str, Any]]


def _check_summary(found: pd.DataFrame, expected: Numbers) -> None:
    assert list(found.columns) == list(AGREEMENT_COLUMNS)
    got = found.set_index(["dyad", "dataset_a", "dataset_b"])
    assert sorted(got.index) == sorted(expected)
    for key, numbers in expected.items():
        for name, value in numbers.items():
            np.testing.assert_allclose(got.at[key, name], value, rtol=1e-12, atol=1e-12,
                                       err_msg=f"{key} {name}")


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_summary_equals_plain_pandas_on_the_same_daily_signals(seed: int) -> None:
    events = _events(seed)
    found = ti.source_agreement(ti.score(events))
    expected, _ = _oracle(events)
    _check_summary(found.summary, expected)
    # The correlations are not all trivial: some are defined and some differ from +-1.
    r = found.summary["correlation"].dropna()
    assert len(r) > 5 and (r.abs() < 0.99).any()


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_largest_disagreements_and_the_events_behind_them(seed: int) -> None:
    events = _events(seed)
    found = ti.source_agreement(ti.score(events), top=3)
    _, daily = _oracle(events)
    assert list(found.disagreements.columns) == list(DISAGREEMENT_COLUMNS)
    got = found.disagreements.set_index(["dyad", "dataset_a", "dataset_b"])
    for key, table in daily.items():
        gap = (table["signal_a"] - table["signal_b"]).abs()
        # Largest first, earlier day first among equal gaps; days without a gap are no
        # disagreement.
        order = gap[gap > 1e-12].sort_values(ascending=False, kind="stable").index[:3]
        rows = got.loc[[key]] if key in got.index else got.iloc[:0]
        assert rows["date"].tolist() == list(order), key
        assert rows["rank"].tolist() == list(range(1, len(order) + 1))
        np.testing.assert_allclose(rows["signal_a"], table.loc[order, "signal_a"], atol=1e-12)
        np.testing.assert_allclose(rows["difference"],
                                   (table["signal_a"] - table["signal_b"]).loc[order], atol=1e-12)
        assert rows["events_b"].tolist() == table.loc[order, "events_b"].tolist()
    # Behind each disagreement: exactly the dyad's events of either side on that day.
    behind = found.events
    dyad = ["-".join(sorted(p)) for p in zip(events["actor1"], events["actor2"], strict=True)]
    labelled = events.assign(dyad=dyad)
    for row in found.disagreements.itertuples():
        expected = labelled[
            (labelled["dyad"] == row.dyad)
            & (labelled["date"] == row.date)
            & labelled["dataset"].isin([row.dataset_a, row.dataset_b])
        ]
        mine = behind[
            (behind["dyad"] == row.dyad)
            & (behind["dataset_a"] == row.dataset_a)
            & (behind["dataset_b"] == row.dataset_b)
            & (behind["rank"] == row.rank)
        ]
        assert sorted(mine["event_id"]) == sorted(expected["event_id"])
        assert mine["dataset"].isin([row.dataset_a, row.dataset_b]).all()
        side_a = mine[mine["dataset"] == row.dataset_a]["signal"].sum()
        assert side_a == pytest.approx(row.signal_a, abs=1e-12)
        # Largest |signal| first within each side.
        for _, side in mine.groupby("dataset"):
            assert side["signal"].abs().is_monotonic_decreasing


def test_coverage_from_reports_counts_quiet_covered_days_as_zero() -> None:
    events = _events(5)
    # ICEWS says it collected every day of June (a quiet covered day has signal 0), and
    # POLECAT only its first ten days.
    june = pd.date_range("2018-06-01", "2018-06-30")
    given = {"icews": pd.Series(1, index=june), "polecat": list(june[:10].strftime("%Y-%m-%d"))}
    found = ti.source_agreement(ti.score(events), dataset_coverage=given)
    expected, _ = _oracle(events, covered={"icews": set(june), "polecat": set(june[:10])})
    _check_summary(found.summary, expected)
    icews_gdelt = found.summary[found.summary["dataset_b"] == "icews"]
    assert (icews_gdelt["days_both"] == len(set(events.loc[events["dataset"] == "gdelt2",
                                                               "date"]))).all()


def test_start_end_dyads_and_raw_events() -> None:
    events = _events(7)
    scored = ti.score(events)
    window = ti.source_agreement(scored, start="2018-06-05", end="2018-06-20")
    expected, _ = _oracle(events, start="2018-06-05", end="2018-06-20")
    _check_summary(window.summary, expected)
    everything = ti.source_agreement(scored)
    one = ti.source_agreement(scored, dyads="usa-prk")  # names read as everywhere
    pd.testing.assert_frame_equal(
        one.summary,
        everything.summary[everything.summary["dyad"] == "PRK-USA"].reset_index(drop=True),
    )
    pair = ti.source_agreement(scored, datasets=["polecat", "icews"])
    assert set(zip(pair.summary["dataset_a"], pair.summary["dataset_b"], strict=True)) == {
        ("icews", "polecat")
    }
    raw = ti.source_agreement(events)
    pd.testing.assert_frame_equal(raw.summary, everything.summary)
    assert everything.summary.attrs["tensionindex"]["fingerprint"] == scored.fingerprint
    assert everything.summary.attrs["tensionindex"]["datasets"] == DATASETS


def test_directed_dyads_are_compared_direction_by_direction() -> None:
    events = _events(3)
    found = ti.source_agreement(ti.score(events, directed=True))
    assert {"USA->PRK", "PRK->USA"} <= set(found.summary["dyad"])
    undirected = ti.source_agreement(ti.score(events))
    assert "PRK-USA" in set(undirected.summary["dyad"])


def test_no_shared_day_gives_no_correlation_and_no_disagreement() -> None:
    events = pd.DataFrame({
        "date": ["2018-06-01", "2018-06-02", "2018-07-01"],
        "actor1": ["USA"] * 3, "actor2": ["PRK"] * 3,
        "event_type": ["cameo:042", "cameo:138", "cameo:042"],
        "dataset": ["icews", "icews", "gdelt2"],
    })
    found = ti.source_agreement(events)
    row = found.summary.iloc[0]
    assert (row["days_both"], row["days_either"], row["share_both"]) == (0, 3, 0.0)
    assert np.isnan(row["correlation"])
    assert len(found.disagreements) == 0 and len(found.events) == 0


def test_errors_name_the_parameter_and_the_fix() -> None:
    events = _events(0)
    with pytest.raises(ti.EventValidationError, match=r"needs a 'dataset' column"):
        ti.source_agreement(events.drop(columns="dataset"))
    with pytest.raises(ti.InvalidParameterError,
                       match=r"at least two datasets; .* hold 1: 'icews'"):
        ti.source_agreement(events[events["dataset"] == "icews"])
    with pytest.raises(ti.InvalidParameterError,
                       match=r"'datasets' parameter of source_agreement must list datasets of the "
                             r"events \('gdelt2', 'icews', 'polecat'\)\. Got 'icew' instead\. "
                             r"Did you mean 'icews'\?"):
        ti.source_agreement(events, datasets=["icew", "gdelt2"])
    with pytest.raises(ti.InvalidParameterError, match=r"'dataset_coverage' parameter .* 'gdelt'"):
        ti.source_agreement(events, dataset_coverage={"gdelt": ["2018-06-01"]})
    with pytest.raises(ti.InvalidParameterError, match=r"'top' parameter of source_agreement"):
        ti.source_agreement(events, top=-1)
    missing = events.astype({"dataset": object})
    missing.loc[2, "dataset"] = None
    with pytest.raises(ti.EventValidationError, match=r"Column 'dataset', row 2: got a missing"):
        ti.source_agreement(missing)


# -- per-dataset reliability in the configuration ------------------------------------------------

needs_dataset_confidence = pytest.mark.skipif(
    "dataset_confidence" not in {f.name for f in dataclasses.fields(ti.IndexConfig)},
    reason="IndexConfig has no dataset_confidence field yet",
)


@needs_dataset_confidence
def test_a_datasets_confidence_is_the_default_confidence_of_its_events() -> None:
    # No confidence column: every event's confidence is its dataset's (1 if not listed).
    events = _events(0).drop(columns="confidence")
    plain = ti.score(events)
    rated = ti.score(events, dataset_confidence={"icews": 0.5, "polecat": 0.0})
    factor = events["dataset"].map({"icews": 0.5, "polecat": 0.0}).fillna(1.0).to_numpy()
    np.testing.assert_allclose(rated.raw_signal, plain.raw_signal * factor, rtol=0, atol=1e-12)
    assert rated.fingerprint != plain.fingerprint
    # The index is linear in the signals: ICEWS alone at 0.5 gives half the tension.
    alone = events[events["dataset"] == "icews"]
    half = ti.stability_index(alone, dataset_confidence={"icews": 0.5})
    full = ti.stability_index(alone)
    np.testing.assert_allclose(half["tension"], full["tension"] * 0.5, atol=1e-9)
    # Reliability scales a dataset's signals alike: correlations do not move.
    a = ti.source_agreement(plain, datasets=["gdelt2", "icews"]).summary
    b = ti.source_agreement(rated, datasets=["gdelt2", "icews"]).summary
    np.testing.assert_allclose(a["correlation"], b["correlation"], rtol=1e-9)
    np.testing.assert_allclose(b["signal_b"], a["signal_b"] * 0.5, atol=1e-9)


@needs_dataset_confidence
def test_dataset_confidence_is_checked() -> None:
    with pytest.raises(ti.ConfigurationError, match=r"dataset_confidence"):
        ti.IndexConfig(dataset_confidence={"icews": 1.5})


# -- the real samples in ../shared/data --------------------------------------------------------

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
needs_shared = pytest.mark.skipif(
    not (SHARED / "icews" / "events.2018.sample.tab").is_file()
    or not (SHARED / "gdelt" / "v2_raw").is_dir(),
    reason=f"needs the real GDELT and ICEWS samples in {SHARED.resolve()}, which the "
    "repository does not ship (ICEWS is licensed for research and education only)",
)


@needs_shared
def test_the_real_samples_share_dyads_but_no_day() -> None:
    gdelt = ti.read_gdelt(
        [SHARED / "gdelt" / "v1_raw", SHARED / "gdelt" / "v2_raw",
         SHARED / "gdelt" / "derived" / "gdeltPyR_events2samps.csv"]
    )
    icews = ti.read_icews(SHARED / "icews" / "events.2018.sample.tab")
    assert dict(gdelt["dataset"].value_counts()) == {"gdelt2": 700 + 1210, "gdelt1": 139}
    assert (icews["dataset"] == "icews").all() and len(icews) == 1741  # SOURCES.md section 3
    events = pd.concat([gdelt, icews], ignore_index=True)
    found = ti.source_agreement(ti.score(events))
    summary = found.summary.set_index(["dyad", "dataset_a", "dataset_b"])
    # CHN-USA is in every dataset, yet no two datasets cover a common day.
    assert summary.at[("CHN-USA", "gdelt2", "icews"), "days_both"] == 0
    assert (summary["days_both"] == 0).all() and summary["correlation"].isna().all()
    assert len(found.disagreements) == 0
    kept, report = ti.deduplicate_across_datasets(events)
    assert report["merged"].sum() == 0 and len(kept) == len(events)
