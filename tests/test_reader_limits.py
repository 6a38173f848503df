"""Readers under hostile and damaged input: resource caps, special files, cut rows and codes.

The caps (:class:`tensionindex.io.ReadLimits`) are checked at their edges (a
line of exactly ``max_line_length`` characters is read, one more is not) and
on a compressed file that expands to one huge line, whose read must stop at
once in bounded memory.  Rows cut short (the issue's GDELT row of 27 of 61
fields whose EventCode ``139`` became ``13``) are left out and counted, never
read as another code; both engines agree on every case.
"""

from __future__ import annotations

import gzip
import importlib.util
import io
import json
import os
import threading
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensionindex as ti
import tensionindex.io as tio
from tensionindex.io import ReadLimits, ReadReport
from tensionindex.io._limits import BoundedText

# Damaged input is reported or refused, never warned about.
pytestmark = pytest.mark.filterwarnings("error")

DATA = Path(__file__).parent / "data"
V2 = DATA / "gdelt_v2_20191024143000_excerpt.export.CSV"
V1 = DATA / "gdelt_v1_mixed_excerpt.tsv"
GDELTPYR = DATA / "gdeltPyR_events2samps_excerpt.csv"
ICEWS = DATA / "icews_synthetic.tab"
POLECAT = DATA / "polecat_synthetic.txt"
ENGINES = [
    pytest.param("pyarrow", marks=pytest.mark.skipif(
        importlib.util.find_spec("pyarrow") is None, reason="needs pyarrow"
    )),
    "pandas",
]

# Positions of raw GDELT fields (the same in 1.0 and 2.0; GDELT codebooks).
EVENT_CODE, BASE_CODE, ROOT_CODE, GOLDSTEIN, NUM_SOURCES, SOURCEURL = 26, 27, 28, 30, 32, 60


def v2_rows() -> list[list[str]]:
    return [line.split("\t") for line in V2.read_text("utf-8").splitlines()]


def first_with(code_length: int) -> list[str]:
    """The first real V2 row between two countries whose EventCode has this many digits."""
    return next(
        row for row in v2_rows()
        if len(row[EVENT_CODE]) == code_length and row[7] and row[17] and row[7] != row[17]
    )


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("".join("\t".join(row) + "\n" for row in rows), encoding="utf-8")
    return path


# -- ReadLimits ---------------------------------------------------------------------------


def test_limits_have_documented_defaults_and_validate() -> None:
    limits = ReadLimits()
    assert (limits.max_line_length, limits.max_field_length, limits.special_files) == (
        1_048_576, 131_072, False
    )
    assert limits == tio.DEFAULT_LIMITS
    for bad in (0, -1, 1.5, True, "10"):
        with pytest.raises(ti.InvalidParameterError, match=r"The 'max_line_length' parameter of "
                           r"ReadLimits must be an integer number of characters >= 1\. Got"):
            ReadLimits(max_line_length=bad)  # type: ignore[arg-type]
    with pytest.raises(ti.InvalidParameterError, match=r"'special_files' parameter of ReadLimits "
                       r"must be True or False\. Got 1 instead"):
        ReadLimits(special_files=1)  # type: ignore[arg-type]
    with pytest.raises(ti.InvalidParameterError, match=r"max_field_length.*Got 0 instead"):
        replace(limits, max_field_length=0)


@pytest.mark.parametrize("read", [tio.read_gdelt, tio.iter_icews, ti.read_events])
def test_limits_of_the_wrong_type(read: object) -> None:
    with pytest.raises(ti.InvalidParameterError, match=r"The 'limits' parameter of "
                       r"(read_gdelt|iter_icews|read_events) must be a "
                       r"tensionindex\.io\.ReadLimits or None\. Got dict instead\."):
        read(V2, limits={"max_line_length": 10})  # type: ignore[operator]


# -- the line cap ---------------------------------------------------------------------------


class Pieces(io.TextIOBase):
    """A text stream that returns at most ``size`` characters per read, as a pipe does."""

    def __init__(self, text: str, size: int) -> None:
        self._text, self._size, self._at = text, size, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        size = self._size if size is None or size < 0 else min(size, self._size)
        out = self._text[self._at : self._at + size]
        self._at += len(out)
        return out

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        end = self._text.find("\n", self._at)
        stop = len(self._text) if end < 0 else end + 1
        if size is not None and size >= 0:
            stop = min(stop, self._at + size)
        out = self._text[self._at : stop]
        self._at = stop
        return out


def longest_line(text: str) -> int:
    return max(len(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


@given(
    lines=st.lists(st.text(alphabet="ab\t", max_size=40), max_size=12),
    ends=st.sampled_from(["\n", "\r\n", "\r"]),
    limit=st.integers(1, 45),
    size=st.integers(1, 64),
    by_line=st.booleans(),
)
def test_bounded_text_stops_exactly_the_lines_over_the_cap(
    lines: list[str], ends: str, limit: int, size: int, by_line: bool
) -> None:
    text = ends.join(lines)
    bounded = BoundedText(Pieces(text, size), limit=limit, name="t")
    read = bounded.readline if by_line else (lambda: bounded.read(size))
    out: list[str] = []
    try:
        while piece := read():
            out.append(piece)
    except ti.EventValidationError as exc:
        assert longest_line(text) > limit
        assert f"longer than max_line_length={limit:,}" in str(exc)
        return
    assert longest_line(text) <= limit
    assert "".join(out) == text


def test_line_cap_error_names_the_file_line_start_and_setting(tmp_path: Path) -> None:
    path = tmp_path / "long.export.CSV"
    row = "\t".join(first_with(3))
    path.write_text(row + "\n" + "x" * 3_000 + "\n", encoding="utf-8")
    assert len(row) < 2_000
    with pytest.raises(ti.EventValidationError, match=r"long\.export\.CSV', line 2: longer than "
                       r"max_line_length=2,000 characters \(it starts 'xxxx.*'\)\..*pass "
                       r"limits=ReadLimits\(max_line_length=\.\.\.\)"):
        tio.read_gdelt(path, limits=ReadLimits(max_line_length=2_000))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("path", [V2, GDELTPYR, V1])
def test_a_line_of_exactly_the_cap_is_read(path: Path, engine: str) -> None:
    text = path.read_text("utf-8")
    longest = longest_line(text)
    exact = tio.read_gdelt(path, engine=engine, limits=ReadLimits(max_line_length=longest))
    pd.testing.assert_frame_equal(exact, tio.read_gdelt(path, engine=engine))
    with pytest.raises(ti.EventValidationError,
                       match=rf"longer than max_line_length={longest - 1:,}"):
        tio.read_gdelt(path, engine=engine, limits=ReadLimits(max_line_length=longest - 1))


def _bomb(path: Path, megabytes: int) -> Path:
    """A gzip file that expands to one line of ``megabytes`` MB (no tab, no line end)."""
    piece = b"20191024 USA CHN 042 https://www.example.org/a " * 1_000
    with gzip.open(path, "wb", compresslevel=1) as out:
        for _ in range(megabytes * 1_000_000 // len(piece)):
            out.write(piece)
    return path


@pytest.mark.parametrize("engine", ENGINES)
def test_a_compressed_file_of_one_huge_line_stops_at_once_in_bounded_memory(
    tmp_path: Path, engine: str
) -> None:
    path = _bomb(tmp_path / "bomb.export.CSV.gz", 40)
    assert path.stat().st_size < 1_000_000
    tracemalloc.start()
    try:
        with pytest.raises(ti.EventValidationError, match=r"bomb\.export\.CSV\.gz', line 1: "
                           r"longer than max_line_length=1,048,576"):
            tio.read_gdelt(path, engine=engine)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The 40 MB line is never held: a few copies of the cap at most.
    assert peak < 16 * 2**20


def test_read_events_stops_a_huge_line_from_a_compressed_file_or_a_stream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _bomb(tmp_path / "bomb.csv.gz", 5)
    limits = ReadLimits(max_line_length=100_000)
    with pytest.raises(ti.EventValidationError, match=r"bomb\.csv\.gz', line 1: longer than "
                       r"max_line_length=100,000"):
        ti.read_events(path, format="csv", limits=limits)
    with gzip.open(path, "rt") as text:
        monkeypatch.setattr("sys.stdin", text)
        # A stream cannot be read again to count its lines: the line is placed by character.
        with pytest.raises(ti.EventValidationError, match=r"a line starting at character 1 is "
                           r"longer than max_line_length=100,000"):
            ti.read_events("-", limits=limits)
    plain = tmp_path / "long.csv"
    plain.write_text("date,actor1,actor2,event_type\n" + "2024-04-16,USA,CHN," + "x" * 500 + "\n")
    with pytest.raises(ti.EventValidationError, match=r"long\.csv', line 2: longer than "
                       r"max_line_length=100"):
        ti.read_events(plain, limits=ReadLimits(max_line_length=100))


def test_read_events_reads_compressed_csv(tmp_path: Path) -> None:
    text = "date,actor1,actor2,event_type\n2024-04-16,USA,CHN,leader_call\n"
    expected = ti.read_events(io.StringIO(text))
    gz = tmp_path / "events.csv.gz"
    gz.write_bytes(gzip.compress(text.encode()))
    pd.testing.assert_frame_equal(ti.read_events(gz, format="csv"), expected)
    zst = tmp_path / "events.csv.zst"
    zst.write_bytes(b"")
    with pytest.raises(ti.EventValidationError, match=r"cannot expand .*events\.csv\.zst'.*"
                       r"\.gz, \.bz2, \.xz and \.zip"):
        ti.read_events(zst, format="csv")


# -- the value cap -------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_a_value_over_the_cap_names_file_row_column_and_setting(
    tmp_path: Path, engine: str
) -> None:
    row = first_with(3)
    long = list(row)
    long[SOURCEURL] = "https://example.org/" + "a" * 300
    path = write_rows(tmp_path / "url.export.CSV", [row, row, long])
    limits = ReadLimits(max_field_length=200)
    with pytest.raises(ti.EventValidationError, match=r"url\.export\.CSV', data row 3, column "
                       r"'SOURCEURL': a value of 320 characters \('https://example\.org/aaa.*'\), "
                       r"longer than max_field_length=200\..*"
                       r"ReadLimits\(max_field_length=\.\.\.\)"):
        tio.read_gdelt(path, engine=engine, limits=limits)  # type: ignore[arg-type]
    assert len(tio.read_gdelt(path, engine=engine, limits=replace(limits, max_field_length=320)))


@pytest.mark.parametrize("engine", ENGINES)
def test_a_value_over_the_cap_in_a_quoted_file(tmp_path: Path, engine: str) -> None:
    lines = GDELTPYR.read_text("utf-8").splitlines()
    rows = lines[1:5]
    rows[3] += "z" * 700  # the URL, the last field, of the fourth data row
    path = tmp_path / "quoted.csv"
    path.write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
    with pytest.raises(ti.EventValidationError, match=r"quoted\.csv', data row 4, column "
                       r"'SOURCEURL': a value of \d+ characters.*max_field_length=500"):
        tio.read_gdelt(path, engine=engine, limits=ReadLimits(max_field_length=500))


def test_read_events_value_cap_in_csv_and_json(tmp_path: Path) -> None:
    limits = ReadLimits(max_field_length=50)
    csv_path = tmp_path / "events.csv"
    csv_path.write_text("date,actor1,actor2,event_type,notes\n"
                        "2024-04-16,USA,CHN,leader_call,short\n"
                        f"2024-04-17,USA,CHN,leader_call,{'n' * 80}\n")
    with pytest.raises(ti.EventValidationError, match=r"events\.csv', row 1, column 'notes': a "
                       r"value of 80 characters.*max_field_length=50"):
        ti.read_events(csv_path, limits=limits)
    json_path = tmp_path / "events.json"
    json_path.write_text(json.dumps([{"date": "2024-04-16", "actor1": "USA", "actor2": "CHN",
                                      "event_type": "leader_call", "url": "u" * 60}]))
    with pytest.raises(ti.EventValidationError, match=r"events\.json', record 0, key 'url': a "
                       r"value of 60 characters.*max_field_length=50"):
        ti.read_events(json_path, limits=limits)


# -- special files --------------------------------------------------------------------------


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


@needs_fifo
@pytest.mark.parametrize("read", [tio.read_gdelt, tio.read_icews, ti.read_events])
def test_a_named_pipe_is_refused_at_once(tmp_path: Path, read: object) -> None:
    fifo = tmp_path / "events.csv"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(ti.EventValidationError, match=r"events\.csv' is a named pipe, not a "
                       r"regular file\..*limits=ReadLimits\(special_files=True\)"):
        read(fifo)  # type: ignore[operator]
    assert time.monotonic() - started < 5  # refused before anything is opened


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_is_refused_or_stopped_by_the_line_cap() -> None:
    with pytest.raises(ti.EventValidationError, match=r"'/dev/zero' is a character device"):
        ti.read_events("/dev/zero", format="csv")
    with pytest.raises(ti.EventValidationError, match=r"'/dev/zero' is a character device"):
        tio.read_gdelt("/dev/zero")
    allowed = ReadLimits(special_files=True, max_line_length=10_000)
    for read in (tio.read_gdelt, lambda p, **k: ti.read_events(p, format="csv", **k)):
        with pytest.raises(ti.EventValidationError, match=r"'/dev/zero', a line starting at "
                           r"character 1 is longer than max_line_length=10,000"):
            read("/dev/zero", limits=allowed)
    with pytest.raises(ti.EventValidationError, match=r"as JSON: it starts with '\\x00'"):
        ti.read_events("/dev/zero", format="json", limits=allowed)


@needs_fifo
def test_a_named_pipe_is_read_when_allowed(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.export.CSV"
    os.mkfifo(fifo)
    text = V2.read_bytes()
    writer = threading.Thread(target=lambda: fifo.write_bytes(text))
    writer.start()
    try:
        events = tio.read_gdelt(fifo, limits=ReadLimits(special_files=True))
    finally:
        writer.join(timeout=10)
    expected = tio.read_gdelt(V2)
    pd.testing.assert_frame_equal(events.reset_index(drop=True), expected)


def test_an_open_file_is_always_read_and_never_closed() -> None:
    with V2.open("rb") as handle:
        events = tio.read_gdelt(handle)
        assert not handle.closed
    assert len(events) == len(tio.read_gdelt(V2))
    with (DATA / "events_small.csv").open("rb") as handle:
        ti.read_events(handle, format="csv")
        assert not handle.closed


# -- rows of a wrong number of fields ----------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_the_issue_row_cut_after_27_fields_is_left_out_never_read_as_cameo_13(
    tmp_path: Path, engine: str
) -> None:
    whole = first_with(3)
    assert whole[EVENT_CODE] == "139"
    cut = [*whole[:26], whole[EVENT_CODE][:2]]  # 27 of 61 fields, "139" cut to "13"
    path = write_rows(tmp_path / "cut.export.CSV", [whole, cut, whole])
    events = tio.read_gdelt(path, engine=engine)  # type: ignore[arg-type]
    assert events["event_type"].astype(str).tolist() == ["cameo:139", "cameo:139"]
    report = tio.read_report(events)
    assert report.rows_read == 3 and report.rows_kept == 2
    assert report.dropped["wrong_field_count"] == 1
    assert dict(report.wrong_field_counts) == {"27": 1}
    # Its date is not trusted either: coverage counts the two whole rows.
    assert sum(report.daily_records.values()) == 2
    assert "wrong field count 1" in report.summary()


@pytest.mark.parametrize("engine", ENGINES)
def test_field_counts_are_those_of_the_layout(tmp_path: Path, engine: str) -> None:
    v1 = [line.split("\t") for line in V1.read_text("utf-8").splitlines()]
    long58 = next(row for row in v1 if len(row) == 58)
    short57 = next(row for row in v1 if len(row) == 57)
    # A GDELT 1.0 file: 57 and 58 fields are rows, 56 and 59 are not.
    rows = [long58, short57, long58[:56], [*long58, "extra"], [*long58, ""], long58]
    path = write_rows(tmp_path / "v1.tsv", rows)
    report = tio.read_report(tio.read_gdelt(path, engine=engine))  # type: ignore[arg-type]
    assert report.rows_read == 6
    assert report.dropped["wrong_field_count"] == 2  # a trailing empty field is allowed
    assert dict(report.wrong_field_counts) == {"56": 1, "59": 1}
    # A GDELT 2.0 file: only 61.
    v2 = v2_rows()
    rows = [v2[0], v2[1][:58], v2[2][:57], v2[3]]
    report = tio.read_report(tio.read_gdelt(write_rows(tmp_path / "v2.export.CSV", rows),
                                            engine=engine))  # type: ignore[arg-type]
    assert dict(report.wrong_field_counts) == {"58": 1, "57": 1}


@pytest.mark.parametrize("engine", ENGINES)
def test_rows_of_another_length_in_header_files(tmp_path: Path, engine: str) -> None:
    for source, read in [(ICEWS, tio.read_icews), (POLECAT, tio.read_polecat)]:
        lines = source.read_text("utf-8").splitlines()
        sep = "\t"
        rows = [lines[0], lines[1], sep.join(lines[2].split(sep)[:7]), lines[3] + sep + "x",
                lines[4]]
        path = tmp_path / source.name
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        report = tio.read_report(read(path, engine=engine))
        assert report.rows_read == 4
        n = len(lines[0].split(sep))
        assert dict(report.wrong_field_counts) == {"7": 1, str(n + 1): 1}, source.name


@pytest.mark.parametrize("engine", ENGINES)
def test_quoted_rows_of_another_length_keep_the_numbering(tmp_path: Path, engine: str) -> None:
    lines = GDELTPYR.read_text("utf-8").splitlines()
    head, body = lines[0], lines[1:9]
    body[1] = ",".join(body[1].split(",")[:20])  # data row 2: cut short
    body[3] = body[3] + ","  # data row 4: a trailing separator, allowed
    body[4] = body[4] + ",x,y"  # data row 5: two fields too many
    path = tmp_path / "quoted.csv"
    path.write_text("\n".join([head, *body]) + "\n", encoding="utf-8")
    events = tio.read_gdelt(path, engine=engine)  # type: ignore[arg-type]
    report = tio.read_report(events)
    assert report.rows_read == 8 and report.dropped["wrong_field_count"] == 2
    assert dict(report.wrong_field_counts) == {"20": 1, "64": 1}
    # The same events as the file without the two damaged rows (and the comma).
    clean = tmp_path / "clean.csv"
    body[3] = body[3][:-1]
    clean.write_text("\n".join([head, *body[:1], *body[2:4], *body[5:]]) + "\n", "utf-8")
    pd.testing.assert_frame_equal(
        events.drop(columns=["dataset"]),
        tio.read_gdelt(clean, engine=engine).drop(columns=["dataset"]),  # type: ignore[arg-type]
    )
    # A damaged value after the skipped rows is named by its own row number.
    fields = body[6].split(",")
    fields[1] = "2017130"
    body[6] = ",".join(fields)
    path.write_text("\n".join([head, *body]) + "\n", encoding="utf-8")
    with pytest.raises(ti.EventValidationError, match=r"data row 7, column 'SQLDATE': got "
                       r"'2017130'"):
        tio.read_gdelt(path, engine=engine)  # type: ignore[arg-type]


def test_engines_agree_on_damaged_rows(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    rng = np.random.default_rng(3)
    lines = V2.read_text("utf-8").splitlines()
    picked = [lines[i] for i in rng.integers(0, len(lines), 200)]
    for i in rng.integers(1, len(picked), 20):
        picked[i] = picked[i][: rng.integers(1, len(picked[i]))]
    path = tmp_path / "damaged.export.CSV"
    path.write_text("\n".join(picked) + "\n", encoding="utf-8")
    a = tio.read_gdelt(path, engine="pyarrow", chunksize=37)
    b = tio.read_gdelt(path, engine="pandas", chunksize=37)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs == b.attrs
    assert tio.read_report(a).dropped["wrong_field_count"] >= 15


@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_engines_agree_on_odd_lines_and_small_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pyarrow")
    from tensionindex.io import _delimited

    v1 = [line for line in V1.read_text("utf-8").splitlines() if line.count("\t") == 57]
    # Blank, white and cut lines, a trailing tab, the pandas engine's sentinel, a NUL in
    # a URL, a field too many; CRLF line ends.
    odd = [v1[0], "", v1[1], "   ", v1[2] + "\t", v1[3][:100], "\ue000\ue001\t" + v1[4],
           v1[5] + "\x00", v1[6] + "\tx", v1[7]]
    path = tmp_path / "odd.tsv"
    path.write_bytes("\r\n".join(odd * 30).encode("utf-8"))
    lines = GDELTPYR.read_text("utf-8").splitlines()
    rows = [line if i % 7 else ",".join(line.split(",")[:9]) for i, line in enumerate(lines[1:])]
    quoted = tmp_path / "quoted.csv"
    quoted.write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
    # Small blocks: damaged rows fall in many blocks (and pyarrow batches) and across them.
    monkeypatch.setattr(_delimited, "_BLOCK_CHARS", 5_000)
    monkeypatch.setattr(_delimited, "_QUOTED_BLOCK_BYTES", 20_000)
    # Per copy: the white line, the cut line, the sentinel (a field more) and "x".
    for target, damaged in ((path, 30 * 4), (quoted, len(range(0, len(rows), 7)))):
        a = tio.read_gdelt(target, engine="pyarrow", chunksize=13)
        b = tio.read_gdelt(target, engine="pandas", chunksize=13)
        pd.testing.assert_frame_equal(a, b)
        assert a.attrs == b.attrs
        report = tio.read_report(a)
        assert report.dropped["wrong_field_count"] == damaged, target.name


# -- impossible codes ----------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_a_code_that_disagrees_with_its_base_and_root_is_impossible(
    tmp_path: Path, engine: str
) -> None:
    whole = first_with(3)
    cut = list(whole)
    cut[EVENT_CODE] = "13"  # "139" cut, the row padded back to 61 fields
    shifted = list(whole)
    shifted[ROOT_CODE] = "04"
    bare = list(whole)
    bare[BASE_CODE] = bare[ROOT_CODE] = ""  # hand-made rows without the levels: not checked
    four = list(whole)
    four[EVENT_CODE], four[BASE_CODE], four[ROOT_CODE] = "0251", "025", "02"  # level three
    path = write_rows(tmp_path / "codes.export.CSV", [whole, cut, shifted, bare, four])
    events = tio.read_gdelt(path, engine=engine)  # type: ignore[arg-type]
    assert events["event_type"].astype(str).tolist() == ["cameo:139", "cameo:139", "cameo:0251"]
    report = tio.read_report(events)
    assert report.dropped["impossible_event_code"] == 2
    assert dict(report.impossible_event_codes) == {
        "13 (EventRootCode 13, EventBaseCode 139)": 1,
        "139 (EventRootCode 04, EventBaseCode 139)": 1,
    }


def test_impossible_codes_come_before_other_reasons_and_header_files_without_levels(
    tmp_path: Path,
) -> None:
    whole = first_with(3)
    domestic = list(whole)
    domestic[17] = domestic[7]
    domestic[EVENT_CODE] = "13"
    report = tio.read_report(tio.read_gdelt(write_rows(tmp_path / "d.export.CSV",
                                                      [whole, domestic])))
    assert report.dropped["impossible_event_code"] == 1 and report.dropped["same_country"] == 0
    header = "GLOBALEVENTID,SQLDATE,Actor1CountryCode,Actor2CountryCode,IsRootEvent,EventCode,"
    header += "GoldsteinScale,NumMentions,NumSources,NumArticles,AvgTone,DATEADDED"
    row = "1,20191024,USA,CHN,1,13,-4,1,1,1,0.5,20191024"
    path = tmp_path / "bigquery.csv"
    path.write_text(header + "\n" + row + "\n")
    events = tio.read_gdelt(path)
    assert events["event_type"].astype(str).tolist() == ["cameo:13"]


# -- numbers that are no numbers -----------------------------------------------------------------


@pytest.mark.parametrize(("field", "value", "expected"), [
    (GOLDSTEIN, "inf", "a finite number"),
    (GOLDSTEIN, "-1e999", "a finite number"),
    (NUM_SOURCES, "1e30", "an integer"),
    (NUM_SOURCES, "nan", "an integer"),
])
def test_numbers_must_be_finite(tmp_path: Path, field: int, value: str, expected: str) -> None:
    row = list(first_with(3))
    row[field] = value
    path = write_rows(tmp_path / "n.export.CSV", [first_with(3), row])
    with pytest.raises(ti.EventValidationError, match=rf"data row 2, .*got '{value}'; expected "
                       rf"{expected}\."):
        tio.read_gdelt(path)
    if field == NUM_SOURCES:  # as the intensity, a number that must be finite too
        with pytest.raises(ti.EventValidationError, match=rf"got '{value}'; expected a"):
            tio.read_gdelt(path, intensity="NumSources")


# -- read_events: JSON and Parquet -------------------------------------------------------------


def test_read_events_json_too_deep_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ti.EventValidationError, match=r"deep\.json' as JSON: its lists and "
                       r"objects are nested deeper than Python's JSON parser can follow"):
        ti.read_events(path)


@pytest.mark.parametrize(("value", "what"), [
    ({"a": 1}, r"a JSON object with the keys 'a'"),
    ([1, 2], r"a JSON list of 2 items"),
])
def test_read_events_json_values_must_be_flat(tmp_path: Path, value: object, what: str) -> None:
    path = tmp_path / "events.json"
    record = {"date": "2024-04-16", "actor1": "USA", "actor2": "CHN", "event_type": "leader_call"}
    path.write_text(json.dumps([record, {**record, "url": value}]))
    with pytest.raises(ti.EventValidationError, match=rf"events\.json', record 1, key 'url': got "
                       rf"{what}; every value of an event record must be text"):
        ti.read_events(path)


def test_read_events_parquet_of_nested_values(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    path = tmp_path / "events.parquet"
    pd.DataFrame({"date": ["2024-04-16"], "actor1": ["USA"], "actor2": ["CHN"],
                  "event_type": ["leader_call"], "url": [[1, 2]]}).to_parquet(path)
    with pytest.raises(ti.EventValidationError, match=r"events\.parquet', row 0, column 'url': "
                       r"got .*a list or mapping"):
        ti.read_events(path)


# -- the report ----------------------------------------------------------------------------------


def test_report_counts_round_trip_and_add_up() -> None:
    a = ReadReport(format="gdelt", rows_read=3, rows_kept=1,
                   dropped={"wrong_field_count": 1, "impossible_event_code": 1},
                   wrong_field_counts={"27": 1}, impossible_event_codes={"13 (x)": 1})
    b = ReadReport(format="gdelt", rows_read=2, rows_kept=1, dropped={"wrong_field_count": 1},
                   wrong_field_counts={"27": 1})
    total = a + b
    assert dict(total.wrong_field_counts) == {"27": 2}
    assert dict(total.impossible_event_codes) == {"13 (x)": 1}
    assert ReadReport.from_dict(total.to_dict()) == total
    assert list(tio.DROP_REASONS[:2]) == ["wrong_field_count", "impossible_event_code"]
