"""The pyarrow engine's byte path against the text path and the pandas engine.

A raw (unquoted) file given by path is read by the pyarrow engine as bytes,
straight into arrow, and converted from dictionary codes and arrow numbers
(the byte path).  The same file given as an open stream goes through the text
path (decoded, capped line by line, re-encoded for pyarrow), and the pandas
engine parses text with pandas.  All three must give identical events and
identical reports, on the real excerpts and on generated files with the
damage real files have: rows cut short, bytes that are not UTF-8, padded
values, numbers pandas reads but pyarrow does not, long multi-byte lines.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti
import tensionindex.io as tio
from tensionindex.io import ReadLimits

pytest.importorskip("pyarrow")

DATA = Path(__file__).parent / "data"
V2 = DATA / "gdelt_v2_20191024143000_excerpt.export.CSV"
V2_2018 = DATA / "gdelt_v2_20180326044500_excerpt.export.CSV"
V1 = DATA / "gdelt_v1_mixed_excerpt.tsv"
GDELTPYR = DATA / "gdeltPyR_events2samps_excerpt.csv"


def _three_ways(path: Path, **options: Any) -> list[pd.DataFrame]:
    """The events of ``path`` by the byte path, the text path and the pandas engine."""
    byte_path = tio.read_gdelt(path, engine="pyarrow", **options)
    with open(str(path), "rb") as stream:  # an open stream is read as text
        text_path = tio.read_gdelt(stream, engine="pyarrow", **options)
    pandas = tio.read_gdelt(path, engine="pandas", **options)
    return [byte_path, text_path, pandas]


def _assert_identical(frames: list[pd.DataFrame]) -> None:
    first = frames[0]
    for other in frames[1:]:
        pd.testing.assert_frame_equal(first, other, check_exact=True)
        assert first.attrs == other.attrs


def _lines(path: Path) -> list[str]:
    return path.read_text("utf-8").splitlines()


def _first_kept(lines: list[str]) -> int:
    """The position among the excerpt's lines of the first row the reader keeps."""
    first_id = tio.read_gdelt(V2)["event_id"].iloc[0]
    return next(i for i, line in enumerate(lines) if line.split("\t")[0] == first_id)


@pytest.fixture
def byte_path_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files the byte path read to the end."""
    from tensionindex.io import _reader

    calls: list[str] = []
    real = _reader.iter_tables

    def spy(*args: Any, **kwargs: Any) -> Any:
        yield from real(*args, **kwargs)
        calls.append(kwargs["name"])

    monkeypatch.setattr(_reader, "iter_tables", spy)
    return calls


@pytest.mark.parametrize("chunksize", [7, 100_000])
@pytest.mark.parametrize("path", [V2, V2_2018, V1])
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_the_byte_path_reads_the_real_excerpts_as_the_others_do(
    path: Path, chunksize: int, byte_path_calls: list[str]
) -> None:
    frames = _three_ways(path, chunksize=chunksize)
    _assert_identical(frames)
    assert byte_path_calls == [str(path)]  # the path was read by the byte path, once
    assert len(frames[0]) > 0


def test_quoted_files_are_read_as_text(byte_path_calls: list[str]) -> None:
    _assert_identical(_three_ways(GDELTPYR))
    assert byte_path_calls == []


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_generated_files_with_damage_read_alike(
    tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch, byte_path_calls: list[str]
) -> None:
    from tensionindex.io import _reader

    rng = np.random.default_rng(seed)
    lines = _lines(V2) + _lines(V2_2018)
    rows = []
    for i in rng.integers(0, len(lines), 3_000):
        fields = lines[i].split("\t")
        roll = rng.random()
        if roll < 0.02:
            fields = fields[: rng.integers(1, 60)]  # a row cut short
        elif roll < 0.04:
            fields[7] = f"  {fields[7]} "  # padded country
        elif roll < 0.06:
            fields[31] = rng.choice(["+3", "3.0", "1e1", " 4", "007"])  # NumMentions
        elif roll < 0.08:
            fields[30] = rng.choice(["-0.0", ".5", "5.", "2.5E+00"])  # GoldsteinScale
        elif roll < 0.10:
            fields[1] = ""  # no date
        elif roll < 0.20:
            fields[-1] += "<not UTF-8>"  # replaced by bytes below
        rows.append("\t".join(fields))
    text = "\n".join(rows) + "\n"
    path = tmp_path / "damaged.export.CSV"
    data = text.encode("utf-8")
    # Bytes that are not UTF-8 in a URL, and a byte order mark in front.
    data = b"\xef\xbb\xbf" + data.replace(b"<not UTF-8>", b"\xff\xfe\xc3")
    path.write_bytes(data)
    # Small blocks: damaged rows and bad bytes fall in many blocks.
    monkeypatch.setattr(_reader, "BYTE_BLOCK", 20_000 + seed * 7_919)
    frames = _three_ways(path, chunksize=333)
    _assert_identical(frames)
    assert byte_path_calls == [str(path)]
    report = tio.read_report(frames[0])
    assert report.dropped["wrong_field_count"] > 0 and report.dropped["missing_date"] > 0
    assert frames[0]["url"].str.contains("\ufffd").any()


@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_line_ends_and_blank_lines_read_alike(tmp_path: Path, byte_path_calls: list[str]) -> None:
    lines = _lines(V2)
    text = "\r\n".join(lines[:40]) + "\r\n\r\n\n" + "\r".join(lines[40:80]) + "\n   \n"
    path = tmp_path / "ends.export.CSV"
    path.write_bytes(("\n\n" + text).encode("utf-8"))
    _assert_identical(_three_ways(path, chunksize=9))
    assert byte_path_calls == [str(path)]


def test_a_long_multibyte_line_within_the_cap_is_read_by_the_text_path(
    tmp_path: Path, byte_path_calls: list[str]
) -> None:
    lines = _lines(V2)
    at = _first_kept(lines)
    fields = lines[at].split("\t")
    fields[-1] = "https://example.org/" + "\u4e2d" * 900  # 920 characters, 2,720 bytes
    long = lines[at] = "\t".join(fields)
    path = tmp_path / "wide.export.CSV"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    limits = ReadLimits(max_line_length=len(long))
    assert len(long.encode("utf-8")) > limits.max_line_length
    frames = _three_ways(path, limits=limits, chunksize=50)
    _assert_identical(frames)
    assert str(path) not in byte_path_calls  # more bytes than the cap: the text path decided
    assert frames[0]["url"].str.len().max() == 920
    shorter = ReadLimits(max_line_length=len(long) - 1)
    messages = []
    for engine in ("pyarrow", "pandas"):
        with pytest.raises(ti.EventValidationError) as caught:
            tio.read_gdelt(path, engine=engine, limits=shorter)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert re.search(rf"wide\.export\.CSV', line {at + 1}: longer than max_line_length=",
                     messages[0])


@pytest.mark.parametrize(("value", "expected"), [("nan", "a finite number"),
                                                  ("inf", "a finite number"),
                                                  ("0x10", "a finite number"),
                                                  ("1,5", "a finite number")])
def test_bad_numbers_in_kept_rows_are_the_same_error(
    tmp_path: Path, value: str, expected: str
) -> None:
    lines = _lines(V2)
    first = _first_kept(lines)  # gets the bad AvgTone (field 34)
    fields = lines[first].split("\t")
    fields[34] = value
    lines[first] = "\t".join(fields)
    path = tmp_path / "bad.export.CSV"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    messages = []
    for engine in ("pyarrow", "pandas"):
        with pytest.raises(ti.EventValidationError) as caught:
            tio.read_gdelt(path, engine=engine)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert f"data row {first + 1}, column 'AvgTone': got {value!r}; expected {expected}" in (
        messages[0]
    )


def test_a_bad_number_in_a_row_left_out_is_no_error(tmp_path: Path) -> None:
    lines = _lines(V2)
    domestic = next(i for i, line in enumerate(lines) if line.split("\t")[7] == "")
    fields = lines[domestic].split("\t")
    fields[34] = "not a number"
    lines[domestic] = "\t".join(fields)
    path = tmp_path / "left_out.export.CSV"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frames = _three_ways(path)
    _assert_identical(frames)
    pd.testing.assert_frame_equal(frames[0], tio.read_gdelt(V2), check_like=False)


def test_dyads_and_intensity_through_the_byte_path(byte_path_calls: list[str]) -> None:
    frames = _three_ways(V2, dyads=["USA-CHN", "GBR-SAU"], intensity="NumArticles")
    _assert_identical(frames)
    assert set(frames[0]["actor1"].astype(str)) <= {"USA", "CHN", "GBR", "SAU"}
    assert frames[0]["intensity"].dtype == np.float64


@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_the_text_path_takes_over_after_chunks_already_yielded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tensionindex.io import _reader

    lines = _lines(V2)
    fields = lines[_first_kept(lines)].split("\t")
    fields[-1] = "https://example.org/" + "\u00e9" * 1_500  # 1,520 characters, 3,020 bytes
    wide = "\t".join(fields)
    path = tmp_path / "late.export.CSV"
    path.write_text("\n".join([*lines, *lines, wide, *lines]) + "\n", encoding="utf-8")
    monkeypatch.setattr(_reader, "BYTE_BLOCK", 30_000)
    yielded: list[int] = []
    real = _reader.convert

    def counting(*args: Any, **kwargs: Any) -> Any:
        yielded.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(_reader, "convert", counting)
    limits = ReadLimits(max_line_length=2_000)
    frames = _three_ways(path, chunksize=20, limits=limits)
    _assert_identical(frames)
    chunks = -(-tio.read_report(frames[0]).rows_read // 20)
    # The byte path converted some chunks before the wide line; the text path the rest.
    assert chunks < yielded.count(1) - 2 * chunks < 2 * chunks
    assert frames[0]["url"].str.len().max() == 1_520
