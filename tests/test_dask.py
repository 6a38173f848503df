"""tensionindex.dask: the index of a dask DataFrame equals the in-memory index.

The oracle is :func:`tensionindex.stability_index` on the same events
collected into one pandas frame (``ddf.compute()``).  Results must be equal
exactly, not to a tolerance: the dask path feeds each dyad's events to the
same engine in their input order, on the same grid.  Events are spread so
that dyads are split across input partitions before the shuffle, with actor
names and aliases that only validation turns into codes.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tensionindex as ti
import tensionindex.dask
from reference import COLUMNS as INDEX_COLUMNS
from tensionindex.testing import configs, events

# Spellings that validation maps to CHN, USA, PHL, JPN, TWN and RUS.
SPELLINGS = {
    "CHN": ["CHN", "China", "PRC", " chn "],
    "USA": ["USA", "United States", "US"],
    "PHL": ["PHL", "Philippines"],
    "JPN": ["JPN", "Japan"],
    "TWN": ["TWN", "Taiwan"],
    "RUS": ["RUS", "Russia"],
}
TYPES = ["water_cannon", "ramming", "protest_lodged", "military_hotline_call", "cameo:046"]


@pytest.fixture
def dd() -> Iterator[Any]:
    """dask.dataframe, with the synchronous scheduler for the test."""
    dask = pytest.importorskip("dask")
    dataframe = pytest.importorskip("dask.dataframe")
    with dask.config.set(scheduler="synchronous"):
        yield dataframe


def _raw_events(n: int = 600, seed: int = 0, days: int = 200) -> pd.DataFrame:
    """Seeded events as a user has them: text dates, country names, aliases, stray case."""
    rng = np.random.default_rng(seed)
    codes = list(SPELLINGS)
    first = rng.integers(0, len(codes), n)
    second = (first + rng.integers(1, len(codes), n)) % len(codes)

    def spell(code_index: np.ndarray) -> list[str]:
        return [str(rng.choice(SPELLINGS[codes[i]])) for i in code_index]

    dates = np.datetime64("2023-01-01") + rng.integers(0, days, n)
    return pd.DataFrame(
        {
            "date": [str(d) for d in dates],
            "actor1": spell(first),
            "actor2": spell(second),
            "event_type": rng.choice(TYPES, n),
            "intensity": rng.gamma(2.0, 0.5, n).round(3),
            "confidence": rng.uniform(0.2, 1.0, n).round(2),
            "reported": [str(d + rng.integers(0, 20)) for d in dates],
            "event_id": [f"e{i}" for i in range(n)],
        }
    )


def _computed(result: Any) -> pd.DataFrame:
    frame: pd.DataFrame = result.compute()
    return frame.reset_index(drop=True)


def _check_equal(result: Any, expected: pd.DataFrame) -> None:
    """Equal to the in-memory result exactly, in its order and sorted by dyad and date."""
    got = _computed(result)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    by_dyad_date = got.sort_values(["dyad", "date"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(by_dyad_date, expected, check_exact=True)
    # The lazy frame's declared dtypes are those it computes to.
    pd.testing.assert_series_equal(result.dtypes, got.dtypes)
    assert got.attrs == expected.attrs  # configuration, fingerprint, normalize, as_of


def _split_dyads(ddf: Any, directed: bool) -> set[str]:
    """Dyads whose events sit in more than one input partition."""
    seen: dict[str, set[int]] = {}
    for number in range(ddf.npartitions):
        part = ti.validate_events(ddf.get_partition(number).compute())
        for dyad in ti.stability_index(part, directed=directed)["dyad"].unique():
            seen.setdefault(str(dyad), set()).add(number)
    return {dyad for dyad, parts in seen.items() if len(parts) > 1}


@pytest.mark.parametrize("kernel", ["exponential", "window"])
@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("aggregation", ["sum", "mean", "share"])
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_equals_in_memory(dd: Any, kernel: str, directed: bool, aggregation: str) -> None:
    raw = _raw_events()
    ddf = dd.from_pandas(raw, npartitions=5, sort=False)
    assert _split_dyads(ddf, directed), "the test needs dyads split across partitions"
    settings_ = {"kernel": kernel, "directed": directed, "aggregation": aggregation}
    result = ti.dask.stability_index(ddf, half_life=9, window=20, **settings_)
    _check_equal(result, ti.stability_index(raw, half_life=9, window=20, **settings_))


def test_each_output_partition_holds_whole_dyads_in_order(dd: Any) -> None:
    raw = _raw_events(seed=1)
    result = ti.dask.stability_index(dd.from_pandas(raw, npartitions=4, sort=False), directed=True)
    assert result.npartitions == 4
    parts = [result.get_partition(i).compute() for i in range(result.npartitions)]
    dyads = [list(dict.fromkeys(p["dyad"].astype(str))) for p in parts]
    assert all(dyads), "every output partition holds some dyads"
    flat = [d for group in dyads for d in group]
    assert flat == sorted(set(flat)), "each dyad in one partition, partitions in label order"


def test_npartitions_is_capped_at_the_number_of_dyads(dd: Any) -> None:
    raw = _raw_events(n=50, seed=2)
    raw = raw[raw["actor1"].isin(SPELLINGS["CHN"]) & raw["actor2"].isin(SPELLINGS["USA"])]
    result = ti.dask.stability_index(dd.from_pandas(raw, npartitions=3, sort=False))
    assert result.npartitions == 1
    _check_equal(result, ti.stability_index(raw))
    more = ti.dask.stability_index(dd.from_pandas(_raw_events(), npartitions=2), npartitions=7)
    assert more.npartitions == 7


@pytest.mark.parametrize(
    "options",
    [
        {"start": "2023-03-01", "end": "2023-05-31"},
        {"start": "2022-12-01"},
        {"end": "2023-02-01", "kernel": "window", "window": 15},
        {"dyads": ["United States-China", "PHL-CHN"]},
        {"dyads": "JPN->CHN", "directed": True},
        {"normalize": "zscore", "baseline": 40},
        {"normalize": "percentile"},
        {"as_of": "2023-04-01"},
        {"as_of": "2023-04-01", "aggregation": "share"},
        {"category_half_lives": {"gray_zone": 3.0}, "intensity_transform": "log1p"},
        {"weights": {"water_cannon": 12.0}, "use_confidence": False},
    ],
    ids=repr,
)
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_options_as_in_memory(dd: Any, options: dict[str, Any]) -> None:
    raw = _raw_events(seed=3)
    result = ti.dask.stability_index(dd.from_pandas(raw, npartitions=4, sort=False), **options)
    _check_equal(result, ti.stability_index(raw, **options))


@pytest.mark.parametrize("aggregation", ["sum", "share"])
@pytest.mark.parametrize("counts", [True, False], ids=["record counts", "dates only"])
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_coverage_as_in_memory(dd: Any, aggregation: str, counts: bool) -> None:
    raw = _raw_events(n=80, seed=4)
    days = pd.date_range("2023-01-01", "2023-07-19", freq="D")
    # Some days without events have no records either: unmonitored, not calm.
    quiet = ~days.isin(pd.to_datetime(raw["date"])) & (np.arange(len(days)) % 2 == 0)
    records = pd.Series(np.where(quiet, 0, np.arange(len(days)) % 7 * 10 + 5), index=days)
    coverage: Any = records if counts else iter(days[::2])  # an iterator is read only once
    expected = ti.stability_index(
        raw, aggregation=aggregation, coverage=records if counts else list(days[::2])
    )
    ddf = dd.from_pandas(raw, npartitions=3, sort=False)
    result = ti.dask.stability_index(ddf, aggregation=aggregation, coverage=coverage)
    _check_equal(result, expected)
    assert not expected["covered"].all()


# dask's Parquet reader itself calls reset_index(inplace=True), which pandas 3.1 deprecates.
@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index")
def test_reads_a_folder_of_parquet_files(dd: Any, tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    files = [_raw_events(n=300, seed=seed) for seed in range(4)]
    for number, frame in enumerate(files):
        frame["date"] = pd.to_datetime(frame["date"])  # a typed column, as Parquet keeps it
        frame.to_parquet(folder / f"part-{number:02d}.parquet", index=False)
    ddf = dd.read_parquet(folder)
    assert ddf.npartitions == 4
    expected = ti.stability_index(pd.concat(files, ignore_index=True), kernel="window")
    _check_equal(ti.dask.stability_index(ddf, kernel="window"), expected)


def test_reads_csv_files(dd: Any, tmp_path: Path) -> None:
    files = [_raw_events(n=200, seed=seed) for seed in (5, 6)]
    for number, frame in enumerate(files):
        frame.to_csv(tmp_path / f"events-{number}.csv", index=False)
    ddf = dd.read_csv(str(tmp_path / "events-*.csv"))
    expected = ti.stability_index(pd.concat(files, ignore_index=True), directed=True)
    _check_equal(ti.dask.stability_index(ddf, directed=True), expected)


def test_gdelt_files_read_by_the_library_reader(dd: Any) -> None:
    """One partition per file, each read by ti.read_gdelt: real coded data."""
    data = Path(__file__).parent / "data"
    files = [
        str(data / "gdelt_v2_20180326044500_excerpt.export.CSV"),
        str(data / "gdelt_v2_20191024143000_excerpt.export.CSV"),
    ]
    ddf = dd.from_map(ti.read_gdelt, files)
    expected = ti.stability_index(ti.read_gdelt(files), aggregation="mean")
    assert len(expected["dyad"].cat.categories) > 10
    _check_equal(ti.dask.stability_index(ddf, aggregation="mean"), expected)


def test_threaded_scheduler(dd: Any) -> None:
    import dask

    raw = _raw_events(n=2000, seed=7)
    with dask.config.set(scheduler="threads", num_workers=2):
        result = ti.dask.stability_index(dd.from_pandas(raw, npartitions=8, sort=False))
        _check_equal(result, ti.stability_index(raw))


@pytest.mark.slow  # starts a distributed cluster
def test_distributed_client(dd: Any) -> None:
    distributed = pytest.importorskip("distributed")
    raw = _raw_events(n=1500, seed=8)
    with distributed.Client(
        processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None
    ):
        result = ti.dask.stability_index(
            dd.from_pandas(raw, npartitions=6, sort=False), aggregation="share"
        )
        _check_equal(result, ti.stability_index(raw, aggregation="share"))


def _order_sensitive(days: int = 40) -> tuple[pd.DataFrame, ti.IndexConfig]:
    """Events whose plain daily sums depend on the order they are added in.

    Each day holds +1e16, +1 and -1e16 in that order, one per third of the
    frame: added in that order in floating point they make 0 (1e16 + 1
    rounds to 1e16), in the order +1e16, -1e16, +1 they make 1.  The engine's
    sums are exact (tensionindex._sums): 1, however the rows are split.
    """
    config = ti.IndexConfig(
        custom_types={
            "up": {"label": "Up", "category": "gray_zone", "weight": 1.0},
            "down": {"label": "Down", "category": "gray_zone", "weight": -1.0},
        }
    )
    dates = [str(d) for d in pd.date_range("2024-01-01", periods=days).date]
    thirds = [("up", 1e16), ("up", 1.0), ("down", 1e16)]
    frame = pd.DataFrame(
        [
            {"date": d, "actor1": "USA", "actor2": a, "event_type": kind, "intensity": size}
            for kind, size in thirds
            for d in dates
            for a in ("CHN", "JPN")
        ]
    )
    return frame, config


@pytest.mark.parametrize(
    "scheduler", ["synchronous", pytest.param("distributed", marks=pytest.mark.slow)]
)
def test_sums_that_rounding_would_lose_are_exact_in_any_partitioning(
    dd: Any, scheduler: str
) -> None:
    frame, config = _order_sensitive()
    expected = ti.stability_index(frame, config)
    assert (expected["signal"] == 1).all()
    ddf = dd.from_pandas(frame, npartitions=3, sort=False)  # one third per partition
    if scheduler == "synchronous":
        _check_equal(ti.dask.stability_index(ddf, config), expected)
        return
    distributed = pytest.importorskip("distributed")
    with distributed.Client(
        processes=False, n_workers=2, threads_per_worker=2, dashboard_address=None
    ):
        _check_equal(ti.dask.stability_index(ddf, config, npartitions=1), expected)


@pytest.mark.slow  # a long property run
@pytest.mark.skipif(importlib.util.find_spec("dask") is None, reason="needs dask")
@settings(max_examples=25)
@given(frame=events(max_size=40), config=configs(), npartitions=st.integers(1, 4))
def test_property_equals_in_memory(
    frame: pd.DataFrame, config: ti.IndexConfig, npartitions: int
) -> None:
    import dask
    import dask.dataframe as dd

    with dask.config.set(scheduler="synchronous"):
        ddf = dd.from_pandas(frame, npartitions=npartitions, sort=False)
        result = ti.dask.stability_index(ddf, config)
        _check_equal(result, ti.stability_index(frame, config))


# -- empty archives and errors -------------------------------------------------------------------


def test_no_events_gives_the_empty_result(dd: Any) -> None:
    raw = _raw_events(n=30, seed=9)
    none_known = ti.dask.stability_index(dd.from_pandas(raw, npartitions=2), as_of="2000-01-01")
    got = _computed(none_known)
    expected = ti.stability_index(raw, as_of="2000-01-01")
    assert list(got.columns) == list(INDEX_COLUMNS)
    assert len(got) == 0 and len(expected) == 0
    assert got.attrs == expected.attrs


def test_not_a_dask_dataframe(dd: Any) -> None:
    message = (
        "takes a dask DataFrame of events. Got DataFrame instead; for a pandas DataFrame use "
        "tensionindex.stability_index"
    )
    with pytest.raises(ti.EventInputTypeError, match=re.escape(message)):
        ti.dask.stability_index(_raw_events(n=5))


@pytest.mark.parametrize("value", [0, -2, 2.5, True, "4"])
def test_bad_npartitions(dd: Any, value: object) -> None:
    ddf = dd.from_pandas(_raw_events(n=5), npartitions=1)
    message = (
        "The 'npartitions' parameter of tensionindex.dask.stability_index must be an integer "
        f">= 1 or None. Got {value!r} instead."
    )
    with pytest.raises(ti.InvalidParameterError, match=re.escape(message)):
        ti.dask.stability_index(ddf, npartitions=value)  # type: ignore[arg-type]


def test_invalid_event_names_its_partition(dd: Any) -> None:
    raw = _raw_events(n=40)
    raw.loc[23, "event_type"] = "water_canon"
    ddf = dd.from_pandas(raw, npartitions=2)  # rows 20-39 in partition 1
    message = (
        r"^In partition 1 of the dask DataFrame: Column 'event_type', row 3 \(index label 23\): "
        r"Unknown event type 'water_canon'\. Did you mean 'water_cannon'\?"
    )
    with pytest.raises(ti.EventValidationError, match=message):
        ti.dask.stability_index(ddf)


@pytest.mark.parametrize(
    ("dyads", "directed", "message"),
    [
        ("CHN-USB", False, "No events for dyad 'CHN-USB'. Did you mean 'CHN-USA' or"),
        ("USA->JPN", True, "No events for dyad 'USA->JPN'. Did you mean 'JPN->USA' (the other "
         "direction)?"),
    ],
)  # fmt: skip
def test_unknown_dyad_as_in_memory(dd: Any, dyads: str, directed: bool, message: str) -> None:
    raw = _raw_events(n=80)
    raw = raw[~(raw["actor1"].isin(SPELLINGS["USA"]) & raw["actor2"].isin(SPELLINGS["JPN"]))]
    with pytest.raises(ti.EventValidationError, match=re.escape(message)) as in_memory:
        ti.stability_index(raw, dyads=dyads, directed=directed)
    ddf = dd.from_pandas(raw, npartitions=2)
    with pytest.raises(ti.EventValidationError) as scaled:
        ti.dask.stability_index(ddf, dyads=dyads, directed=directed)
    assert str(scaled.value) == str(in_memory.value)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"start": "2023-06-01", "end": "2023-05-01"}, "The 'end' date 2023-05-01 comes before "
         "the 'start' date 2023-06-01; give an end on or after the start."),
        ({"start": "2030-01-01"}, "The 'start' date 2030-01-01 comes after the last event"),
        ({"end": "2020-01-01"}, "The 'end' date 2020-01-01 comes before the first event"),
        ({"start": "someday"}, "must be a date such as '2024-04-16', from 1678-01-01 to "
         "2261-12-31, or None. Got 'someday' instead."),
    ],
)  # fmt: skip
def test_bad_dates_as_in_memory(dd: Any, options: dict[str, Any], message: str) -> None:
    raw = _raw_events(n=60)
    with pytest.raises(ti.InvalidParameterError, match=re.escape(message)):
        ti.stability_index(raw, **options)
    with pytest.raises(ti.InvalidParameterError, match=re.escape(message)):
        ti.dask.stability_index(dd.from_pandas(raw, npartitions=2), **options)


def test_bad_date_parameters_name_the_dask_function(dd: Any) -> None:
    ddf = dd.from_pandas(_raw_events(n=10), npartitions=1)
    for name in ("start", "end", "as_of"):
        message = f"The '{name}' parameter of tensionindex.dask.stability_index must be a date"
        with pytest.raises(ti.InvalidParameterError, match=re.escape(message)):
            ti.dask.stability_index(ddf, **{name: "someday"})


def test_bad_settings_fail_before_any_work(dd: Any) -> None:
    ddf = dd.from_pandas(_raw_events(n=10), npartitions=1)
    message = "Unknown setting 'half_lfe'. Did you mean 'half_life'?"
    with pytest.raises(ti.ConfigurationError, match=re.escape(message)):
        ti.dask.stability_index(ddf, half_lfe=3)
    with pytest.raises(
        ti.InvalidParameterError,
        match=re.escape(
            "The 'normalize' parameter of tensionindex.dask.stability_index must be one of "
            "'logistic', 'zscore', 'percentile'. Got 'z' instead."
        ),
    ):
        ti.dask.stability_index(ddf, normalize="z")  # type: ignore[arg-type]
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"The 'baseline' parameter of tensionindex\.dask\.stability_index must be an "
        r"integer from 30 to 100000\. Got 2 instead\.",
    ):
        ti.dask.stability_index(ddf, normalize="zscore", baseline=2)
    with pytest.raises(
        ti.InvalidParameterError,
        match="The 'coverage' parameter must be a collection of dates or a Series",
    ):
        ti.dask.stability_index(ddf, coverage="2024-01-01")


def test_missing_dask_gives_an_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes `import dask` raise ImportError.
    monkeypatch.setitem(sys.modules, "dask", None)
    message = (
        "tensionindex.dask needs the optional dependency 'dask', which is not installed. "
        'Install it with: pip install "tensionindex[dask]"'
    )
    with pytest.raises(ti.MissingDependencyError, match=re.escape(message)):
        tensionindex.dask.stability_index(None)


def test_import_tensionindex_does_not_import_dask() -> None:
    code = (
        "import sys, tensionindex\n"
        "print(sorted(m for m, module in sys.modules.items() if 'dask' in m and module))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
