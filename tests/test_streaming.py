"""Deduplicating while reading gives what reading, then deduplicating, gives."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import tensionindex as ti

DATA = Path(__file__).parent / "data"
GEORGIA = sorted(DATA.glob("georgia_*.csv"))
GDELT_V2 = sorted(DATA.glob("gdelt_v2_*.export.CSV"))


@pytest.mark.parametrize("how", ["event_id", "one_a_day", "corroboration"])
@pytest.mark.parametrize("chunksize", [7, 100_000])
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_streaming_dedup_equals_reading_then_deduplicating(how: str, chunksize: int) -> None:
    files = [*GEORGIA, *GDELT_V2]
    everything = ti.read_gdelt(files)
    expected, expected_report = ti.deduplicate(everything, how=how)  # type: ignore[arg-type]
    streamed = ti.read_gdelt(files, deduplicate=how, chunksize=chunksize)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(streamed, expected, check_categorical=False)
    report = pd.DataFrame(streamed.attrs["tensionindex_dedup"]["dyads"])
    expected_report = expected_report.astype({"dyad": str}).reset_index(drop=True)
    pd.testing.assert_frame_equal(
        report[["dyad", "raw", "kept", "dropped"]],
        expected_report[["dyad", "raw", "kept", "dropped"]],
        check_dtype=False,
    )
    assert report["raw"].sum() == len(everything)


def test_the_same_data_in_one_file_or_several_scores_the_same(tmp_path: Path) -> None:
    lines = GDELT_V2[0].read_text(encoding="utf-8").splitlines(keepends=True)
    whole = tmp_path / "whole.export.CSV"
    whole.write_text("".join(lines), encoding="utf-8")
    parts = []
    for i, start in enumerate(range(0, len(lines), 40)):
        part = tmp_path / f"part{i:02d}.export.CSV"
        part.write_text("".join(lines[start : start + 40]), encoding="utf-8")
        parts.append(part)
    one = ti.read_gdelt(whole)
    many = ti.read_gdelt(parts)
    pd.testing.assert_frame_equal(one, many, check_categorical=False)
    coverage = ti.read_report(one).coverage
    pd.testing.assert_series_equal(coverage, ti.read_report(many).coverage)
    pd.testing.assert_frame_equal(
        ti.stability_index(one, coverage=coverage, aggregation="share"),
        ti.stability_index(many, coverage=coverage, aggregation="share"),
    )


def test_unknown_dedup_rule_is_refused_before_reading() -> None:
    with pytest.raises(ti.ConfigurationError, match=r"Did you mean 'one_a_day'\?"):
        ti.read_gdelt(GEORGIA, deduplicate="one_a_dya")  # type: ignore[arg-type]
