"""The same events in any row order give the same index, to the last bit.

Floating-point addition is not associative: summed in another order, the
events of one dyad and day can give a sum that differs in its last bits, and
before per-cell sums were made exact (``tensionindex._sums``) 27 of 7,665
values of an index differed with the row order.  These properties compare
with ``check_exact=True``: no tolerance.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tensionindex as ti
from tensionindex._sums import exact_bincount
from tensionindex.testing import configs, events

DATA = Path(__file__).resolve().parent.parent / "data"
CONFIGS = configs(aggregations=("sum", "mean", "share", "kernel_mean"))


def _shuffled(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    order = np.random.default_rng(seed).permutation(len(frame))
    return frame.iloc[order].reset_index(drop=True)


def _by_dyad(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.assign(dyad=rows["dyad"].astype(str))
    return rows.sort_values(["dyad", "date"], kind="stable").reset_index(drop=True)


def _index(frame: pd.DataFrame, config: ti.IndexConfig, **kwargs: object) -> pd.DataFrame:
    return _by_dyad(ti.score(frame, config, **kwargs).index())


@settings(deadline=None)
@given(
    frame=events(min_size=3, max_size=40),
    config=CONFIGS,
    seed=st.integers(0, 2**32 - 1),
)
def test_any_row_order_gives_the_same_index(
    frame: pd.DataFrame, config: ti.IndexConfig, seed: int
) -> None:
    expected = _index(frame, config)
    pd.testing.assert_frame_equal(
        _index(_shuffled(frame, seed), config), expected, check_exact=True
    )


@settings(deadline=None)
@given(
    frame=events(min_size=3, max_size=40),
    neutral=st.sampled_from(["dyad", "source"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_baselines_do_not_depend_on_the_row_order(
    frame: pd.DataFrame, neutral: str, seed: int
) -> None:
    config = ti.IndexConfig(neutral=neutral, aggregation="kernel_mean")
    expected = _index(frame, config)
    pd.testing.assert_frame_equal(
        _index(_shuffled(frame, seed), config), expected, check_exact=True
    )


@pytest.mark.parametrize("name", ["exponential", "half-lives", "mean", "window"])
def test_a_state_gives_the_rows_of_the_index_bit_for_bit(name: str) -> None:
    # The same scan (blocks on fixed days) and the same exact daily sums.
    from tensionindex.state import IndexState

    events = ti.load_example("us-china-2024")
    config = ti.IndexConfig(**STATE_CONFIGS[name])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ti.SaturationWarning)
        rows = _by_dyad(IndexState(config).update(events))
        index = _by_dyad(ti.stability_index(events, config))
    # The state starts each dyad at its own first event; the index at the first of all.
    keys = pd.MultiIndex.from_frame(rows[["dyad", "date"]].astype({"dyad": str}))
    index = index.set_index(index["dyad"].astype(str).rename("dyad")).set_index("date", append=True)
    np.testing.assert_array_equal(index.loc[keys, "tension"].to_numpy(), rows["tension"].to_numpy())


@settings(deadline=None)
@given(
    values=st.lists(
        st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300),
        min_size=1,
        max_size=60,
    ),
    bins=st.integers(1, 4),
    seed=st.integers(0, 2**32 - 1),
)
def test_exact_bincount_is_order_free_and_never_worse_than_a_plain_sum(
    values: list[float], bins: int, seed: int
) -> None:
    weights = np.array(values)
    index = np.arange(len(values)) % bins
    sums = exact_bincount(index, weights, bins)
    order = np.random.default_rng(seed).permutation(len(values))
    np.testing.assert_array_equal(exact_bincount(index[order], weights[order], bins), sums)
    plain = np.bincount(index, weights, bins)
    for b in range(bins):
        exact = math.fsum(weights[index == b])
        scale = math.fsum(abs(v) for v in weights[index == b])
        # Within a few roundings of the exact sum, as close as a plain sum or closer.
        assert abs(sums[b] - exact) <= max(abs(plain[b] - exact), 4 * 2.0**-52 * scale)


def test_a_shuffled_gdelt_file_gives_the_same_index_bit_for_bit() -> None:
    events = ti.read_gdelt(DATA / "gdelt_v2_20191024143000_excerpt.export.CSV")
    for config in (
        ti.IndexConfig(),
        ti.IndexConfig(aggregation="kernel_mean", neutral="dyad", scale="auto"),
        ti.IndexConfig(kernel="window", window=7),
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ti.SaturationWarning)
            expected = _index(events, config)
            for seed in range(3):
                pd.testing.assert_frame_equal(
                    _index(_shuffled(events, seed), config), expected, check_exact=True
                )


def test_score_records_json_does_not_depend_on_the_record_order() -> None:
    records = ti.load_example("us-china-2024").assign(
        date=lambda f: f["date"].dt.strftime("%Y-%m-%d")
    )
    rows = json.loads(records.to_json(orient="records"))
    expected = json.dumps(ti.score_records(rows), sort_keys=True)
    for seed in range(3):
        order = np.random.default_rng(seed).permutation(len(rows))
        shuffled = [rows[i] for i in order]
        assert json.dumps(ti.score_records(shuffled), sort_keys=True) == expected


STATE_CONFIGS = {
    "exponential": {},
    "half-lives": {"half_life": 40.0, "category_half_lives": {"gray_zone": 3.0}},
    "mean": {"aggregation": "mean", "half_life": 7.0},
    "window": {"kernel": "window", "window": 30},
    "carryover": {"kernel": "carryover", "bound": 12.0},
}


@pytest.mark.parametrize("late", ["reject", "correct"])
@pytest.mark.parametrize("name", list(STATE_CONFIGS))
def test_state_batches_give_the_rows_of_one_batch_bit_for_bit(name: str, late: str) -> None:
    # The exponential scan cuts its blocks on fixed days and the carry resumes it at a
    # block's start, so any split (and a JSON round trip between batches) repeats the
    # operations of one batch (docs/methodology.md, "The recursion").
    from tensionindex.state import IndexState

    events = ti.load_example("us-china-2024").sort_values("date", kind="stable")
    days = events["date"].drop_duplicates().tolist()
    config = ti.IndexConfig(**STATE_CONFIGS[name])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ti.SaturationWarning)
        whole = IndexState(config, late=late, lookback=20).update(events)  # type: ignore[arg-type]
        n = len(days)
        for at in ([n // 8], [n // 2, n // 2 + 1], [n // 10, 2 * n // 3, 9 * n // 10]):
            cuts = [days[i] for i in at]
            state = IndexState(config, late=late, lookback=20)  # type: ignore[arg-type]
            rows, since = [], None
            for cut in [*cuts, None]:
                mine = events["date"] >= since if since is not None else events["date"].notna()
                if cut is not None:
                    mine &= events["date"] < cut
                rows.append(state.update(events[mine]))
                state = IndexState.from_dict(json.loads(json.dumps(state.to_dict())))
                since = cut
            split = pd.concat(rows, ignore_index=True)
            pd.testing.assert_frame_equal(_by_dyad(split), _by_dyad(whole), check_exact=True)


@settings(deadline=None)
@given(
    values=st.lists(
        st.floats(allow_nan=False, allow_infinity=False, min_value=-1e250, max_value=1e250),
        min_size=3,
        max_size=40,
    ),
    seed=st.integers(0, 2**32 - 1),
)
def test_the_threaded_path_of_exact_bincount_gives_the_same_bits(
    values: list[float], seed: int
) -> None:
    # Values spread over many orders of magnitude need many bands, cut two at a time
    # with the second summed in another thread at archive scale: forced here on small
    # inputs, it must give the serial result to the last bit, in any order.
    import tensionindex._sums as sums

    weights = np.array(values)
    index = np.arange(len(values)) % 3
    serial = exact_bincount(index, weights, 3)
    order = np.random.default_rng(seed).permutation(len(values))
    original = sums.THREADED_ROWS
    sums.THREADED_ROWS = 0
    try:
        threaded = exact_bincount(index[order], weights[order], 3)
    finally:
        sums.THREADED_ROWS = original
    np.testing.assert_array_equal(threaded, serial)
