"""GDELT, ICEWS and POLECAT readers, checked against plain pandas on real excerpts.

The GDELT excerpts in tests/data are cut from the real samples; the ICEWS and POLECAT
files there are synthetic, in the real layouts, because those datasets may not be
redistributed (see tests/data/README.md).  Facts about the real ICEWS sample are
checked on it where it is, beside the repository, and skipped otherwise.
Every expected number here is computed independently: the raw text is read with
plain ``pandas.read_csv`` and the rule is applied by hand, not by the reader.
"""

from __future__ import annotations

import csv
import gzip
import importlib
import io
import json
import logging
import re
import runpy
import shutil
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti
import tensionindex.io as tio
from tensionindex.io import ReadReport

DATA = Path(__file__).parent / "data"
V2 = DATA / "gdelt_v2_20191024143000_excerpt.export.CSV"
V2_2018 = DATA / "gdelt_v2_20180326044500_excerpt.export.CSV"
V1 = DATA / "gdelt_v1_mixed_excerpt.tsv"
GEORGIA = DATA / "georgia_oct2012_excerpt.csv"
GEORGIA_ROWNAMES = DATA / "georgia_december12_excerpt.csv"
GDELTPYR = DATA / "gdeltPyR_events2samps_excerpt.csv"
ICEWS = DATA / "icews_synthetic.tab"  # made up, in the ICEWS layout (make_icews_fixture.py)
# The real ICEWS sample (SOURCES.md section 3), never copied into the repository.
ICEWS_REAL = (
    Path(__file__).parents[1] / ".." / "shared" / "data" / "icews" / "events.2018.sample.tab"
)
needs_real_icews = pytest.mark.skipif(
    not ICEWS_REAL.is_file(),
    reason=f"needs the real ICEWS sample at {ICEWS_REAL}, which the repository does not "
    "ship (ICEWS is licensed for research and education only)",
)
ICEWS_BOTH = [ICEWS, pytest.param(ICEWS_REAL, id="real", marks=needs_real_icews)]
POLECAT = DATA / "polecat_synthetic.txt"
GDELT_FILES = [V2, V2_2018, V1, GEORGIA, GEORGIA_ROWNAMES, GDELTPYR]

# Field positions in raw (headerless) GDELT rows, the same in 1.0 and 2.0 (GDELT codebooks).
RAW = {"GLOBALEVENTID": 0, "SQLDATE": 1, "Actor1CountryCode": 7, "Actor2CountryCode": 17,
       "EventCode": 26, "GoldsteinScale": 30, "NumSources": 32}


def plain_gdelt(path: Path) -> pd.DataFrame:
    """The excerpt read with plain pandas, as SOURCES.md says; GDELT's own column names."""
    if path.suffix == ".csv":
        # R wrote row names in some files: pandas then takes them as the index.
        frame = pd.read_csv(path, sep=",", header=0, dtype=str, encoding="utf-8",
                            na_values=["NA"])
        return frame.reset_index(drop=True)
    width = max(len(line.split("\t")) for line in path.read_text("utf-8").splitlines())
    frame = pd.read_csv(path, sep="\t", header=None, names=range(width), dtype=str,
                        quoting=csv.QUOTE_NONE, keep_default_na=False, na_values=[""])
    return frame.rename(columns={v: k for k, v in RAW.items()})


def plain_icews(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", header=0, dtype=str, encoding="utf-8",
                       quoting=csv.QUOTE_NONE, keep_default_na=False, na_values=["", "NA"])


def kept_by_hand(actor1: pd.Series, actor2: pd.Series) -> tuple[pd.Series, int, int]:
    """(kept mask, rows missing a country, same-country rows), the readers' rule by hand."""
    missing = actor1.isna() | actor2.isna()
    same = ~missing & (actor1 == actor2)
    return ~missing & ~same, int(missing.sum()), int(same.sum())


def undirected(actor1: pd.Series, actor2: pd.Series) -> pd.Series:
    return pd.Series(
        ["-".join(sorted((a, b))) for a, b in zip(actor1, actor2, strict=True)],
        index=actor1.index, dtype=object,
    )


def as_text(events: pd.DataFrame) -> pd.DataFrame:
    """Events with categorical columns as text, to compare frames read in pieces."""
    out = events.copy()
    for name in ("actor1", "actor2", "event_type"):
        out[name] = out[name].astype(str)
    return out


def gdelt_row(**fields: str) -> str:
    """One raw GDELT 2.0 line (61 tab-separated fields) with the given fields set."""
    row = [""] * 61
    defaults = {"GLOBALEVENTID": "1", "SQLDATE": "20191024", "Actor1CountryCode": "USA",
                "Actor2CountryCode": "CHN", "EventCode": "042", "GoldsteinScale": "1.9",
                "NumSources": "1"}
    positions = dict(RAW, NumMentions=31, NumArticles=33, AvgTone=34, IsRootEvent=25,
                     DATEADDED=59, SOURCEURL=60)
    values = {"NumMentions": "2", "NumArticles": "2", "AvgTone": "0.5", "IsRootEvent": "1",
              "DATEADDED": "20191024143000", "SOURCEURL": "https://www.example.org/a"}
    for name, value in {**defaults, **values, **fields}.items():
        row[positions[name]] = value
    return "\t".join(row) + "\n"


# -- layouts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "layout"),
    [
        (V2, "GDELT 2.0 export (61 fields, tab-separated, no header row)"),
        (V2_2018, "GDELT 2.0 export (61 fields, tab-separated, no header row)"),
        (V1, "GDELT 1.0 export (57 or 58 fields, tab-separated, no header row)"),
        (GEORGIA, "GDELT 1.0 with a header row (58 comma-separated columns)"),
        (GEORGIA_ROWNAMES, "GDELT 1.0 with a header row (58 comma-separated columns)"),
        (GDELTPYR, "GDELT 2.0 with a header row (62 comma-separated columns)"),
    ],
)
def test_gdelt_layout_is_detected(path: Path, layout: str) -> None:
    report = tio.read_report(tio.read_gdelt(path))
    assert dict(report.layouts) == {str(path): layout}


def test_v1_file_mixes_57_and_58_field_rows() -> None:
    raw = plain_gdelt(V1)
    n_fields = V1.read_text("utf-8").splitlines()
    counts = pd.Series([len(line.split("\t")) for line in n_fields]).value_counts()
    assert set(counts.index) == {57, 58}  # the excerpt holds both layouts
    events = tio.read_gdelt(V1)
    kept, _, _ = kept_by_hand(raw["Actor1CountryCode"], raw["Actor2CountryCode"])
    # SOURCEURL is field 58: the backfile rows have none.
    expected_urls = raw.loc[kept, 57].tolist()
    assert [None if pd.isna(u) else u for u in events["url"]] == [
        None if pd.isna(u) else u for u in expected_urls
    ]
    assert events["url"].isna().any() and events["url"].notna().any()


def test_version_can_be_forced() -> None:
    pd.testing.assert_frame_equal(tio.read_gdelt(V2, version=2), tio.read_gdelt(V2))
    pd.testing.assert_frame_equal(tio.read_gdelt(V1, version=1), tio.read_gdelt(V1))


@pytest.mark.parametrize(
    ("path", "version", "pattern"),
    [
        (V2, 1, r"has 61 fields per row, the layout of GDELT 2\.0, but version=1"),
        (V1, 2, r"the layout of GDELT 1\.0, but version=2"),
        (GEORGIA, 2, r"has a GDELT 1\.0 header row, but version=2"),
    ],
)
def test_forced_version_that_does_not_fit_is_an_error(
    path: Path, version: int, pattern: str
) -> None:
    with pytest.raises(ti.EventValidationError, match=pattern):
        tio.read_gdelt(path, version=version)  # type: ignore[arg-type]


def test_unknown_layout_names_file_fields_and_expected_layouts(tmp_path: Path) -> None:
    path = tmp_path / "20191024143000.mentions.CSV"
    path.write_text("\t".join(["x"] * 16) + "\n")
    pattern = (
        r"20191024143000\.mentions\.CSV'.*first row has 16 tab-separated fields.*"
        r"57 fields \(GDELT 1\.0 historical backfile\), 58 \(GDELT 1\.0 daily export\) or 61 "
        r"\(GDELT 2\.0 export\)"
    )
    with pytest.raises(ti.EventValidationError, match=pattern):
        tio.read_gdelt(path)


def test_header_without_a_needed_column_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("GLOBALEVENTID,SQLDATE,Actor1CountryCode\n1,20191024,USA\n")
    with pytest.raises(ti.EventValidationError, match=r"header row without the columns "
                                                      r"'Actor2CountryCode', 'IsRootEvent'"):
        tio.read_gdelt(path)


def test_r_row_names_are_skipped_as_pandas_does() -> None:
    # december12.csv has one more field per row than its header (R's row names).
    raw = plain_gdelt(GEORGIA_ROWNAMES)
    kept, _, _ = kept_by_hand(raw["Actor1CountryCode"], raw["Actor2CountryCode"])
    events = tio.read_gdelt(GEORGIA_ROWNAMES)
    assert events["event_id"].tolist() == raw.loc[kept, "GLOBALEVENTID"].tolist()
    assert events["date"].tolist() == pd.to_datetime(raw.loc[kept, "SQLDATE"]).tolist()


# -- values ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", GDELT_FILES)
def test_event_codes_keep_their_leading_zeros(path: Path) -> None:
    raw = plain_gdelt(path)
    kept, _, _ = kept_by_hand(raw["Actor1CountryCode"], raw["Actor2CountryCode"])
    events = tio.read_gdelt(path)
    codes = raw.loc[kept, "EventCode"]
    assert (events["event_type"].astype(str) == ("cameo:" + codes).to_numpy()).all()
    assert codes.str.startswith("0").any()  # there are codes such as "042" to lose


def test_gdelt_columns_and_types() -> None:
    events = tio.read_gdelt(V2)
    assert list(events.columns) == [
        "date", "actor1", "actor2", "event_type", "intensity", "confidence", "event_id",
        "source", "url", "dataset", "NumMentions", "NumSources", "NumArticles", "IsRootEvent",
        "GoldsteinScale", "AvgTone", "DATEADDED",
    ]
    assert str(events["NumSources"].dtype) == "Int64"
    assert events["GoldsteinScale"].dtype == np.float64
    assert (events["DATEADDED"] == pd.Timestamp("2019-10-24 14:30:00")).all()
    assert (events["intensity"] == 1.0).all() and (events["confidence"] == 1.0).all()
    first = events.iloc[0]
    assert first["url"].startswith("http")
    assert first["source"] == re.sub(r"^www\.", "", first["url"].split("/")[2])


def test_gdelt_source_is_the_site_without_www(tmp_path: Path) -> None:
    path = tmp_path / "a.export.CSV"
    path.write_text(gdelt_row(SOURCEURL="https://WWW.Example.co.uk:8080/x?y=1")
                    + gdelt_row(SOURCEURL="BBC Monitoring", GLOBALEVENTID="2"))
    events = tio.read_gdelt(path)
    assert events["source"].tolist() == ["example.co.uk", "BBC Monitoring"]


def test_intensity_from_a_volume_field() -> None:
    raw = plain_gdelt(V2)
    kept, _, _ = kept_by_hand(raw["Actor1CountryCode"], raw["Actor2CountryCode"])
    events = tio.read_gdelt(V2, intensity="NumSources")
    assert events["intensity"].tolist() == raw.loc[kept, "NumSources"].astype(float).tolist()


def test_intensity_must_be_a_volume_field() -> None:
    with pytest.raises(ti.EventValidationError, match=r"The 'intensity' parameter of read_gdelt "
                       r"must be one of None, 'NumSources', 'NumArticles' or 'NumMentions'\. "
                       r"Got 'AvgTone' instead\."):
        tio.read_gdelt(V2, intensity="AvgTone")  # type: ignore[arg-type]


def test_damaged_value_names_file_row_column_and_value(tmp_path: Path) -> None:
    path = tmp_path / "bad.export.CSV"
    path.write_text(gdelt_row() + gdelt_row(SQLDATE="2019102"))
    with pytest.raises(ti.EventValidationError, match=r"bad\.export\.CSV', data row 2, column "
                       r"'SQLDATE': got '2019102'; expected a date written YYYYMMDD"):
        tio.read_gdelt(path)
    path.write_text(gdelt_row(NumSources="many"))
    with pytest.raises(ti.EventValidationError, match=r"data row 1, column 'NumSources': got "
                       r"'many'; expected an integer"):
        tio.read_gdelt(path)


@pytest.mark.parametrize("engine", ["pandas", "pyarrow"])
def test_row_with_too_many_fields_is_left_out_and_counted(tmp_path: Path, engine: str) -> None:
    if engine == "pyarrow":
        pytest.importorskip("pyarrow")
    path = tmp_path / "long.export.CSV"
    path.write_text(gdelt_row() + gdelt_row(GLOBALEVENTID="2").rstrip("\n") + "\textra\n")
    events = tio.read_gdelt(path, engine=engine)  # type: ignore[arg-type]
    assert events["event_id"].tolist() == ["1"]
    report = tio.read_report(events)
    assert report.dropped["wrong_field_count"] == 1
    assert dict(report.wrong_field_counts) == {"62": 1}


def test_bytes_that_are_not_utf8_are_replaced(tmp_path: Path) -> None:
    path = tmp_path / "latin.export.CSV"
    line = gdelt_row(SOURCEURL="https://example.org/caf\xe9").encode("latin-1")
    path.write_bytes(line)
    events = tio.read_gdelt(path)
    assert events["url"].tolist() == ["https://example.org/caf\ufffd"]


def test_empty_file_gives_no_events_but_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "empty.export.CSV"
    path.write_text("")
    events = tio.read_gdelt([path, V2])
    report = tio.read_report(events)
    assert report.files == (str(path), str(V2))
    assert len(events) == len(tio.read_gdelt(V2))
    alone = tio.read_gdelt(path)
    assert len(alone) == 0 and "NumSources" in alone.columns
    assert tio.read_report(alone).rows_read == 0


# -- what is left out, counted against plain pandas ---------------------------------------


@pytest.mark.parametrize("path", GDELT_FILES)
def test_gdelt_drop_counts_match_plain_pandas(path: Path) -> None:
    raw = plain_gdelt(path)
    kept, missing, same = kept_by_hand(raw["Actor1CountryCode"], raw["Actor2CountryCode"])
    events = tio.read_gdelt(path)
    report = tio.read_report(events)
    assert report.rows_read == len(raw)
    assert report.dropped["missing_actor_country"] == missing
    assert report.dropped["same_country"] == same
    assert report.rows_kept == int(kept.sum()) == len(events)
    assert report.rows_kept + report.rows_dropped == report.rows_read
    assert events["event_id"].tolist() == raw.loc[kept, "GLOBALEVENTID"].tolist()
    assert events["actor1"].astype(str).tolist() == raw.loc[kept, "Actor1CountryCode"].tolist()


@pytest.mark.parametrize("path", ICEWS_BOTH)
def test_icews_drop_counts_match_plain_pandas(path: Path) -> None:
    raw = plain_icews(path)
    table = ti.actor_aliases()
    actor1 = raw["Source Country"].str.upper().map(table)
    actor2 = raw["Target Country"].str.upper().map(table)
    kept, missing, same = kept_by_hand(actor1, actor2)
    events = tio.read_icews(path)
    report = tio.read_report(events)
    assert (report.rows_read, report.rows_kept) == (len(raw), int(kept.sum()))
    assert report.dropped["missing_actor_country"] == missing
    assert report.dropped["same_country"] == same
    assert events["event_id"].tolist() == raw.loc[kept, "Event ID"].tolist()
    assert events["actor2"].astype(str).tolist() == actor2[kept].tolist()
    assert (events["event_type"].astype(str) == ("cameo:" + raw.loc[kept, "CAMEO Code"])
            .to_numpy()).all()
    assert events["icews_intensity"].tolist() == raw.loc[kept, "Intensity"].astype(float).tolist()
    assert events["source"].tolist() == raw.loc[kept, "Publisher"].tolist()
    assert report.dropped["missing_actor_country"] > 0 and report.dropped["same_country"] > 0


@needs_real_icews
def test_real_icews_sample_reads_as_sources_md_counts() -> None:
    # Counts from ../shared/data/SOURCES.md section 3, made there without this package.
    events = tio.read_icews(ICEWS_REAL)
    report = tio.read_report(events)
    assert (report.rows_read, report.rows_kept) == (3705, 1741)
    assert report.dropped["missing_actor_country"] == 3705 - 3337
    assert dict(report.daily_records) == {"2018-06-01": 2359, "2018-06-02": 1346}
    pairs = events.groupby(["actor1", "actor2"], observed=True).size()
    assert (pairs[("USA", "CHN")], pairs[("CHN", "USA")]) == (71, 30)
    assert (pairs[("USA", "PRK")], pairs[("PRK", "USA")]) == (181, 131)


@pytest.mark.parametrize("path", ICEWS_BOTH)
def test_every_icews_country_name_maps(path: Path) -> None:
    raw = plain_icews(path)
    names = set(raw["Source Country"].dropna()) | set(raw["Target Country"].dropna())
    table = ti.actor_aliases()
    assert {n for n in names if n.upper() not in table} == set()
    assert len(names) == (148 if path == ICEWS_REAL else 21)
    report = tio.read_report(tio.read_icews(path))
    assert dict(report.unmapped_names) == {}
    assert report.dropped["unmapped_actor_country"] == 0


def test_unmapped_icews_names_are_counted_and_listed(tmp_path: Path) -> None:
    lines = ICEWS.read_text("utf-8").splitlines(keepends=True)
    header, row = lines[0], lines[1].split("\t")
    row[4] = "Atlantis"  # Source Country
    path = tmp_path / "events.tab"
    path.write_text(header + "\t".join(row) + "".join(lines[2:5]))
    report = tio.read_report(tio.read_icews(path))
    assert report.dropped["unmapped_actor_country"] == 1
    assert dict(report.unmapped_names) == {"Atlantis": 1}
    assert report.rows_kept + report.rows_dropped == report.rows_read == 4


def test_icews_file_without_its_header_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "events.tab"
    path.write_text("".join(ICEWS.read_text("utf-8").splitlines(keepends=True)[1:4]))
    with pytest.raises(ti.EventValidationError, match=r"has no columns 'Event ID', "
                       r"'Event Date'.*ICEWS files start with a header row naming 'Event ID'"):
        tio.read_icews(path)


def test_icews_header_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "events.tab"
    path.write_bytes(b"\xef\xbb\xbf" + ICEWS.read_bytes())
    pd.testing.assert_frame_equal(tio.read_icews(path), tio.read_icews(ICEWS))


def test_icews_fixture_is_its_generator_output_in_the_icews_layout() -> None:
    from tensionindex.io.icews import ICEWS_COLUMNS

    written = runpy.run_path(str(DATA / "make_icews_fixture.py"))["render"]()
    assert written == ICEWS.read_bytes()
    header, first = written.decode("utf-8").split("\n")[:2]
    assert header.split("\t") == list(ICEWS_COLUMNS)
    assert len(first.split("\t")) == 20 and b'"' not in written and b"\r" not in written


# -- dyads -------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "dyads"), [
    (V2, ["CHN-USA", "GBR-USA"]),
    (GEORGIA, ["RUS-USA"]),
    (ICEWS, ["USA-CHN", "PRK-KOR"]),
])
def test_dyads_filter_while_reading(path: Path, dyads: list[str]) -> None:
    read = tio.read_icews if path == ICEWS else tio.read_gdelt
    everything = read(path)
    labels = undirected(everything["actor1"].astype(str), everything["actor2"].astype(str))
    wanted = {"-".join(sorted(d.split("-"))) for d in dyads}
    inside = labels.isin(wanted).to_numpy()
    narrowed = read(path, dyads=dyads)
    pd.testing.assert_frame_equal(
        as_text(narrowed), as_text(everything[inside].reset_index(drop=True))
    )
    report = tio.read_report(narrowed)
    assert report.dropped["outside_dyads"] == int((~inside).sum()) > 0
    assert report.rows_kept + report.rows_dropped == report.rows_read
    assert report.daily_records == tio.read_report(everything).daily_records


def test_dyads_accept_names_and_either_order() -> None:
    a = tio.read_gdelt(V2, dyads="usa-china")
    b = tio.read_gdelt(V2, dyads=["CHN-USA"])
    c = tio.read_gdelt(V2, dyads=["USA->CHN"])  # readers keep both directions
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)
    assert set(a["actor1"].astype(str)) == {"CHN", "USA"} and len(a) == 8


@pytest.mark.parametrize(("dyads", "pattern"), [
    (["CHNUSA"], r"The 'dyads' parameter of read_gdelt must list dyads as two country codes "
                 r"joined by '-', such as 'CHN-USA'\. Got 'CHNUSA' instead\."),
    (["CHN-PRC"], r"names the dyad 'CHN-PRC', whose two sides are the same country \(CHN\)"),
    ([], r"The 'dyads' parameter of read_gdelt is an empty list"),
    (42, r"The 'dyads' parameter of read_gdelt must be a dyad such as 'CHN-USA'"),
])
def test_bad_dyads_are_errors(dyads: object, pattern: str) -> None:
    with pytest.raises(ti.EventValidationError, match=pattern):
        tio.read_gdelt(V2, dyads=dyads)  # type: ignore[arg-type]


# -- sources -----------------------------------------------------------------------------


def test_sources_zip_gz_glob_list_folder_and_open_files(tmp_path: Path) -> None:
    expected = as_text(pd.concat([tio.read_gdelt(V2), tio.read_gdelt(V2_2018)],
                                 ignore_index=True))
    folder = tmp_path / "daily"
    folder.mkdir()
    shutil.copy(V2, folder / "a.export.CSV")
    shutil.copy(V2_2018, folder / "b.export.CSV")
    (folder / ".hidden").write_text("not read")
    gz = tmp_path / "b.export.CSV.gz"
    gz.write_bytes(gzip.compress(V2_2018.read_bytes()))
    archive = tmp_path / "both.zip"
    with zipfile.ZipFile(archive, "w") as zf:  # members are read sorted by name
        zf.write(V2_2018, "b.export.CSV")
        zf.write(V2, "a.export.CSV")
        zf.writestr("sub/", "")
    sources: list[Any] = [
        [V2, V2_2018],
        [str(V2), gz],
        folder,
        str(folder / "*.export.CSV"),
        archive,
        [V2, io.BytesIO(V2_2018.read_bytes())],
        [io.StringIO(V2.read_text("utf-8")), V2_2018],
    ]
    for source in sources:
        events = tio.read_gdelt(source)
        pd.testing.assert_frame_equal(as_text(events), expected)
    report = tio.read_report(tio.read_gdelt(archive))
    assert report.files == (f"{archive}/a.export.CSV", f"{archive}/b.export.CSV")


def test_open_files_are_not_closed(tmp_path: Path) -> None:
    with V2.open("rb") as handle:
        tio.read_gdelt(handle)
        assert not handle.closed
    with V2.open("r", encoding="utf-8") as text:
        assert len(tio.read_gdelt(text)) == len(tio.read_gdelt(V2))
        assert not text.closed


@pytest.mark.parametrize(("make", "pattern"), [
    (lambda d: d / "nope.export.CSV", r"The file '.*nope\.export\.CSV' does not exist"),
    (lambda d: str(d / "*.zip"), r"No file matches the pattern '.*\*\.zip'"),
    (lambda d: d, r"The folder '.*' holds no files to read"),
    (lambda d: [], r"The 'source' parameter of read_gdelt is an empty list"),
])
def test_missing_sources_are_named(tmp_path: Path, make: Any, pattern: str) -> None:
    with pytest.raises(ti.EventValidationError, match=pattern):
        tio.read_gdelt(make(tmp_path))


def test_damaged_archives_are_named(tmp_path: Path) -> None:
    bad_zip = tmp_path / "day.export.CSV.zip"
    bad_zip.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ti.EventValidationError,
                       match=r"Could not open the zip archive '.*day\.export\.CSV\.zip'"):
        tio.read_gdelt(bad_zip)
    truncated = tmp_path / "day.export.CSV.gz"
    truncated.write_bytes(gzip.compress(V2.read_bytes())[:2000])
    with pytest.raises(ti.EventValidationError, match=r"Could not read '.*day\.export\.CSV\.gz'"):
        tio.read_gdelt(truncated)
    not_gzip = tmp_path / "plain.export.CSV.gz"
    not_gzip.write_bytes(V2.read_bytes()[:500])
    with pytest.raises(ti.EventValidationError, match=r"Could not read '.*plain\.export\.CSV\.gz'"):
        tio.read_gdelt(not_gzip)


def test_source_of_the_wrong_type() -> None:
    with pytest.raises(ti.EventValidationError, match=r"The 'source' parameter of read_icews "
                       r"must be a path, a glob pattern, an open file, or a list of these\. "
                       r"Got int instead\."):
        tio.read_icews(3)  # type: ignore[arg-type]


# -- engines -----------------------------------------------------------------------------


READERS = [(tio.read_gdelt, p) for p in GDELT_FILES] + [
    (tio.read_icews, ICEWS), (tio.read_polecat, POLECAT),
    # 3,705 rows in chunks of 7 take about 15 s: with the slow tests.
    pytest.param(tio.read_icews, ICEWS_REAL, marks=[needs_real_icews, pytest.mark.slow]),
]


@pytest.mark.parametrize(("read", "path"), READERS, ids=lambda x: getattr(x, "name", ""))
@pytest.mark.parametrize("chunksize", [7, 100_000])
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_pyarrow_and_pandas_engines_agree(read: Any, path: Path, chunksize: int) -> None:
    pytest.importorskip("pyarrow")
    a = read(path, engine="pyarrow", chunksize=chunksize)
    b = read(path, engine="pandas", chunksize=chunksize)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs == b.attrs


@pytest.mark.parametrize("path", [V1, GEORGIA, POLECAT])
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_engines_give_identical_raw_chunks(path: Path) -> None:
    pytest.importorskip("pyarrow")
    from tensionindex.io import _delimited, _sources

    item = _sources.expand_sources(path, caller="test")[0]
    frames = {}
    for engine in ("pyarrow", "pandas"):
        with _sources.open_text(item) as text:
            line = _delimited.first_line(text)
            assert line is not None
            sep = "\t" if "\t" in line else ","
            quoted = path != V1
            if path == V1:
                names: tuple[str, ...] = tuple(str(i) for i in range(58))
                text = _delimited.prefixed(line, text)
            else:
                names = _delimited.unique_names(
                    _delimited.split_line(line, sep=sep, quoted=quoted)
                )
            counts = (57, 58) if path == V1 else ()
            layout = _delimited.Layout("test", sep, quoted, names, names, ("NA", "None"), counts)
            frames[engine] = list(_delimited.iter_frames(
                text, layout, engine=engine, chunksize=5, name=str(path), header=path != V1
            ))
    assert len(frames["pyarrow"]) == len(frames["pandas"]) > 1
    for a, b in zip(frames["pyarrow"], frames["pandas"], strict=True):
        pd.testing.assert_frame_equal(a, b)
        assert len(a) <= 5 and all(a[c].dtype == object for c in names)
        assert (a[_delimited.WRONG_FIELDS] == 0).all()


def test_unknown_engine_and_chunksize_are_errors() -> None:
    with pytest.raises(ti.EventValidationError, match=r"The 'engine' parameter of read_gdelt "
                       r"must be one of 'auto', 'pyarrow' or 'pandas'\. Got 'fast' instead\."):
        tio.read_gdelt(V2, engine="fast")  # type: ignore[arg-type]
    with pytest.raises(ti.EventValidationError, match=r"The 'chunksize' parameter of iter_icews "
                       r"must be an integer number of rows >= 1\. Got 0 instead\."):
        tio.iter_icews(ICEWS, chunksize=0)


def test_without_pyarrow(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def no_pyarrow(name: str, *args: Any) -> Any:
        if name.split(".")[0] == "pyarrow":
            raise ImportError(f"No module named {name!r}")
        return real(name, *args)

    expected = tio.read_gdelt(V2, engine="pandas")
    monkeypatch.setattr(importlib, "import_module", no_pyarrow)
    pd.testing.assert_frame_equal(tio.read_gdelt(V2), expected)  # "auto" falls back to pandas
    with pytest.raises(ti.MissingDependencyError,
                       match=r'pip install "tensionindex\[parquet\]"'):
        tio.read_gdelt(V2, engine="pyarrow")


# -- the index on real data, cross-checked with GDELT's own Goldstein values -----------------


@pytest.mark.parametrize(("path", "dyads"), [
    (V2, ["CHN-USA", "GBR-USA", "NOR-RUS", "JPN-TKM"]),
    (V2_2018, ["CHN-USA", "RUS-USA", "ISR-PSE"]),
    (GEORGIA, ["RUS-USA", "GEO-USA"]),
    (V1, ["CHN-USA", "RUS-USA", "ISR-USA"]),
])
def test_daily_signal_is_minus_the_sum_of_goldstein(path: Path, dyads: list[str]) -> None:
    raw = plain_gdelt(path)
    kept, _, _ = kept_by_hand(raw["Actor1CountryCode"], raw["Actor2CountryCode"])
    rows = raw[kept].copy()
    rows["dyad"] = undirected(rows["Actor1CountryCode"], rows["Actor2CountryCode"])
    rows["date"] = pd.to_datetime(rows["SQLDATE"], format="%Y%m%d")
    rows["goldstein"] = rows["GoldsteinScale"].astype(float)
    expected = rows[rows["dyad"].isin(dyads)].groupby(["dyad", "date"])["goldstein"].sum()
    assert len(expected) >= len(dyads)

    result = ti.stability_index(tio.read_gdelt(path), kernel="window", window=1)
    signal = result.set_index(["dyad", "date"])["signal"]
    got = signal.loc[expected.index]
    np.testing.assert_allclose(got.to_numpy(), -expected.to_numpy(), rtol=0, atol=1e-9)


def test_one_file_or_several_give_the_same_events_and_index(tmp_path: Path) -> None:
    lines = V2.read_text("utf-8").splitlines(keepends=True)
    parts = [lines[:50], lines[50:51], lines[51:140], lines[140:]]
    paths = []
    for i, part in enumerate(parts):
        paths.append(tmp_path / f"part{i}.export.CSV")
        paths[-1].write_text("".join(part))
    whole = tio.read_gdelt(V2)
    split = tio.read_gdelt(paths)
    pd.testing.assert_frame_equal(as_text(split), as_text(whole))
    a = ti.stability_index(whole, half_life=3)
    b = ti.stability_index(split, half_life=3)
    pd.testing.assert_frame_equal(a, b)
    assert tio.read_report(split).daily_records == tio.read_report(whole).daily_records


# -- chunks, reports, coverage, logging ----------------------------------------------------


def test_iter_gdelt_streams_in_chunks_that_add_up(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="tensionindex"):
        chunks = list(tio.iter_gdelt([V2, V2_2018], chunksize=50))
    whole = tio.read_gdelt([V2, V2_2018])
    reports = [report for _, report in chunks]
    assert [r.rows_read for r in reports] == [50, 50, 50, 50, 7, 50, 37]
    events = pd.concat([as_text(e) for e, _ in chunks], ignore_index=True)
    pd.testing.assert_frame_equal(events, as_text(whole))
    assert ReadReport.merge(reports) == tio.read_report(whole)
    for chunk_events, report in chunks:
        assert tio.read_report(chunk_events) == report
        assert report.rows_kept == len(chunk_events)
    summaries = [r.getMessage() for r in caplog.records if r.name == "tensionindex"]
    assert summaries == [tio.read_report(whole).summary()]
    assert summaries[0].startswith("Read 2 GDELT files: 294 rows, kept 100, dropped 194")


def test_readers_log_one_summary_and_never_print(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    with caplog.at_level(logging.INFO, logger="tensionindex"):
        tio.read_icews(ICEWS)
    assert capsys.readouterr() == ("", "")
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert len(messages) == 1
    assert messages[0].startswith("Read 1 ICEWS file: 273 rows, kept 188, dropped 85")


@pytest.mark.parametrize("path", [*GDELT_FILES, ICEWS, POLECAT])
def test_report_accounts_for_every_row_and_round_trips(path: Path) -> None:
    read = {ICEWS: tio.read_icews, POLECAT: tio.read_polecat}.get(path, tio.read_gdelt)
    events = read(path)
    report = tio.read_report(events)
    assert report.rows_kept + sum(report.dropped.values()) == report.rows_read
    assert report.rows_kept == len(events)
    data = json.loads(json.dumps(report.to_dict()))
    assert ReadReport.from_dict(data) == report
    assert events.attrs["tensionindex_read"] == data
    # Every row read here has a coverage day.
    assert report.coverage.sum() == report.rows_read
    assert report.coverage.index.is_monotonic_increasing


def test_coverage_counts_every_row_read_by_event_date() -> None:
    # Coverage is on the index's axis, the event date, over all rows read (kept or not).
    for path in (V2, V1, GEORGIA):
        raw = plain_gdelt(path)
        expected = pd.to_datetime(raw["SQLDATE"], format="%Y%m%d").dt.strftime("%Y-%m-%d")
        got = tio.read_report(tio.read_gdelt(path)).daily_records
        assert dict(got) == dict(sorted((k, int(v)) for k, v in expected.value_counts().items()))
    icews = plain_icews(ICEWS)["Event Date"].value_counts()
    assert dict(tio.read_report(tio.read_icews(ICEWS)).daily_records) == dict(
        sorted((k, int(v)) for k, v in icews.items())
    )


def test_read_report_needs_a_reader_result() -> None:
    with pytest.raises(ti.EventValidationError, match=r"These events carry no read report"):
        tio.read_report(ti.load_example())


def test_reports_add_up() -> None:
    a = tio.read_report(tio.read_gdelt(V2))
    b = tio.read_report(tio.read_gdelt(V2_2018))
    total = a + b
    assert total.rows_read == a.rows_read + b.rows_read
    assert total.files == (str(V2), str(V2_2018))
    assert total.dropped["missing_actor_country"] == (
        a.dropped["missing_actor_country"] + b.dropped["missing_actor_country"]
    )
    assert total == ReadReport.merge([a, b]) == tio.read_report(tio.read_gdelt([V2, V2_2018]))
    assert ReadReport.merge([], format="gdelt").rows_read == 0
    with pytest.raises(ti.EventValidationError, match=r"must account for every row"):
        ReadReport(format="gdelt", rows_read=3, rows_kept=1)


# -- POLECAT (synthetic file in the documented layout) --------------------------------------


def test_polecat_synthetic_file() -> None:
    events = tio.read_polecat(POLECAT)
    assert events["event_id"].tolist() == [
        "pc-001", "pc-002", "pc-003", "pc-004", "pc-005", "pc-010", "pc-012"
    ]
    assert events["event_type"].astype(str).tolist() == [
        "plover:COERCE/seize", "plover:CONSULT/phone", "plover:CONSULT/visit",
        "plover:ACCUSE", "plover:AGREE", "plover:MOBILIZE/troops", "plover:COOPERATE",
    ]
    assert events["actor1"].astype(str).tolist() == ["CHN", "USA", "AUS", "PHL", "USA", "CHN",
                                                     "USA"]
    assert events["actor2"].astype(str).tolist()[-1] == "PHL"  # "Philippines" via the aliases
    assert events["polecat_intensity"].tolist() == [-7.0, 2.0, 4.0, -2.0, 5.0, -6.0, 6.0]
    assert events["source"].tolist()[0] == "Reuters"
    report = tio.read_report(events)
    assert {k: v for k, v in report.dropped.items() if v} == {
        "missing_actor_country": 1, "several_actor_countries": 1,
        "unmapped_actor_country": 1, "same_country": 1, "unknown_event_type": 1,
    }
    assert dict(report.unmapped_names) == {"Atlantis": 1}
    assert dict(report.unknown_event_types) == {"OTHER": 1}
    assert dict(report.fallback_event_types) == {"AGREE/treaty": 1}
    # Coverage counts every row read by Event Date, the index's axis.
    by_hand = pd.read_csv(POLECAT, sep="\t", dtype=str)["Event Date"].value_counts()
    assert dict(report.daily_records) == dict(sorted((k, int(v)) for k, v in by_hand.items()))
    known = set(ti.taxonomy(source="plover")["event_type"])
    assert set(events["event_type"].astype(str)) <= known


def test_polecat_early_intensity_name_and_headline_header(tmp_path: Path) -> None:
    text = POLECAT.read_text("utf-8")
    early = tmp_path / "ngecEventsDV-2022-Jan.txt"
    early.write_text(text.replace("Event Intensity", "Intensity", 1))
    pd.testing.assert_frame_equal(tio.read_polecat(early), tio.read_polecat(POLECAT))
    header, body = text.split("\n", 1)
    misformatted = tmp_path / "ngecEvents.20230103.Release603.DV.txt"
    misformatted.write_text("Headline\t" + header + "\n" + body)
    pd.testing.assert_frame_equal(
        as_text(tio.read_polecat(misformatted)), as_text(tio.read_polecat(POLECAT))
    )


def test_polecat_file_without_its_columns_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "other.txt"
    path.write_text("id\tdate\tevent\n1\t2023-01-01\tCONSULT\n")
    with pytest.raises(ti.EventValidationError, match=r"has no columns 'Event ID', 'Event Date'"
                       r".*POLECAT files start with a header row naming 'Event ID'"):
        tio.read_polecat(path)


def test_polecat_dyads_and_iteration() -> None:
    narrowed = tio.read_polecat(POLECAT, dyads=["CHN-PHL"])
    assert narrowed["event_id"].tolist() == ["pc-001", "pc-004"]
    chunks = list(tio.iter_polecat(POLECAT, chunksize=5))
    assert [r.rows_read for _, r in chunks] == [5, 5, 2]
    assert ReadReport.merge(r for _, r in chunks) == tio.read_report(tio.read_polecat(POLECAT))


def test_small_blocks_and_backfile_only_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pyarrow")
    from tensionindex.io import _delimited

    backfile = tmp_path / "backfile.tsv"
    backfile.write_text("".join(
        line for line in V1.read_text("utf-8").splitlines(keepends=True)
        if line.count("\t") == 56
    ))
    expected = {p: tio.read_gdelt(p, engine="pandas") for p in (V1, V2, backfile)}
    assert expected[backfile]["url"].isna().all() and len(expected[backfile]) > 0
    # Blocks of a few lines: 58-field, 57-field and mixed blocks each take their path.
    monkeypatch.setattr(_delimited, "_BLOCK_CHARS", 3000)
    for path, frame in expected.items():
        pd.testing.assert_frame_equal(tio.read_gdelt(path, engine="pyarrow", chunksize=11), frame)


# -- format specs ------------------------------------------------------------------------


def test_every_reader_is_declared_in_the_table() -> None:
    from tensionindex.io._formats import FORMATS

    assert set(FORMATS) == {"gdelt", "icews", "polecat"}
    for name, spec in FORMATS.items():
        assert spec.name == name
        # Every declared column is in the format's documented layout(s).
        for variant in spec.variants:
            assert set(spec.kinds) <= set(variant.names), variant.title


def test_gdelt_layouts_put_fields_where_the_codebooks_do() -> None:
    from tensionindex.io._formats import GDELT1_COLUMNS, GDELT2_COLUMNS

    positions = dict(RAW, NumMentions=31, NumArticles=33, AvgTone=34, IsRootEvent=25)
    for names in (GDELT1_COLUMNS, GDELT2_COLUMNS):
        assert {c: names.index(c) for c in positions} == positions
    assert len(GDELT1_COLUMNS) == 58 and len(GDELT2_COLUMNS) == 61
    assert GDELT1_COLUMNS[56:] == ("DATEADDED", "SOURCEURL")
    assert GDELT2_COLUMNS[59:] == ("DATEADDED", "SOURCEURL")
    assert [GDELT2_COLUMNS.index(f"{side}_ADM2Code") for side in
            ("Actor1Geo", "Actor2Geo", "ActionGeo")] == [39, 47, 55]


def test_a_spec_must_declare_the_columns_it_uses() -> None:
    from dataclasses import replace

    from tensionindex.io._formats import ICEWS
    from tensionindex.io._spec import Column, Field

    with pytest.raises(ti.ConfigurationError, match=r"The 'columns' parameter of "
                       r"FormatSpec\('icews'\) must be a tuple declaring 'Notes'\."):
        replace(ICEWS, fields=(*ICEWS.fields, Field("notes", "Notes")))
    with pytest.raises(ti.ConfigurationError, match=r"The 'date' parameter of "
                       r"FormatSpec\('icews'\) must be a column of kind 'date'\. "
                       r"Got 'Event ID' instead\."):
        replace(ICEWS, date="Event ID")
    with pytest.raises(ti.ConfigurationError, match=r"The 'variants' parameter of "
                       r"FormatSpec\('icews'\) must be a non-empty tuple of Variant\."):
        replace(ICEWS, variants=())
    with pytest.raises(ti.ConfigurationError, match=r"The 'dates' parameter of "
                       r"Column\('Day'\) must be a DateFormat exactly when kind='date'\."):
        Column("Day", "date")


# -- the dataset column -----------------------------------------------------------------------

# Which GDELT layout each excerpt is in, by hand: the 57/58-field files and R's 58-column
# exports are GDELT 1.0; the 61-field exports and gdeltPyR's file (61 + 1 columns) are 2.0.
GDELT_DATASETS = {V2: "gdelt2", V2_2018: "gdelt2", V1: "gdelt1", GEORGIA: "gdelt1",
                  GEORGIA_ROWNAMES: "gdelt1", GDELTPYR: "gdelt2"}


@pytest.mark.parametrize("path", GDELT_FILES)
def test_gdelt_rows_name_the_dataset_of_their_layout(path: Path) -> None:
    events = tio.read_gdelt(path)
    assert len(events) > 0
    assert isinstance(events["dataset"].dtype, pd.CategoricalDtype)
    assert list(events["dataset"].cat.categories) == ["gdelt1", "gdelt2"]
    assert set(events["dataset"].astype(str)) == {GDELT_DATASETS[path]}
    # The layout the report names agrees with the dataset.
    layout = tio.read_report(events).layouts[str(path)]
    assert layout.startswith({"gdelt1": "GDELT 1.0", "gdelt2": "GDELT 2.0"}[GDELT_DATASETS[path]])


@pytest.mark.parametrize(
    ("read", "path", "dataset"),
    [(tio.read_icews, ICEWS, "icews"), (tio.read_polecat, POLECAT, "polecat")],
)
def test_icews_and_polecat_rows_name_their_dataset(read: Any, path: Path, dataset: str) -> None:
    events = read(path)
    assert len(events) > 0
    assert list(events["dataset"].cat.categories) == [dataset]
    assert (events["dataset"] == dataset).all()


def test_the_dataset_column_is_declared_in_the_format_specs() -> None:
    from tensionindex.io._formats import DATASETS, FORMATS

    assert DATASETS == ("gdelt1", "gdelt2", "icews", "polecat")
    gdelt = FORMATS["gdelt"]
    # Each GDELT version is its own dataset, and forcing the version gives it.
    assert {v.version: gdelt.dataset_of(v) for v in gdelt.variants} == {1: "gdelt1", 2: "gdelt2"}
    assert set(tio.read_gdelt(V2, version=2)["dataset"].astype(str)) == {"gdelt2"}
    assert set(tio.read_gdelt(V1, version=1)["dataset"].astype(str)) == {"gdelt1"}
    assert FORMATS["icews"].datasets == ("icews",) and FORMATS["polecat"].datasets == ("polecat",)


def test_files_of_both_gdelt_versions_keep_each_files_dataset() -> None:
    mixed = tio.read_gdelt([V1, V2, GEORGIA])
    alone = [tio.read_gdelt(p) for p in (V1, V2, GEORGIA)]
    expected = [GDELT_DATASETS[p] for p, f in zip((V1, V2, GEORGIA), alone, strict=True)
                for _ in range(len(f))]
    assert mixed["dataset"].astype(str).tolist() == expected
    # One set of categories for every file: the files concatenate as a categorical.
    assert isinstance(mixed["dataset"].dtype, pd.CategoricalDtype)
    pd.testing.assert_frame_equal(
        as_text(mixed), as_text(pd.concat(alone, ignore_index=True))
    )
    report = tio.read_report(mixed)
    assert report.rows_kept == len(mixed) == sum(len(f) for f in alone)
    assert report == ReadReport.merge(tio.read_report(f) for f in alone)


def test_empty_files_chunks_and_deduplication_keep_the_dataset_column(tmp_path: Path) -> None:
    path = tmp_path / "empty.export.CSV"
    path.write_text("")
    empty = tio.read_gdelt(path)
    assert len(empty) == 0 and "dataset" in empty.columns
    chunks = [events for events, _ in tio.iter_gdelt([V1, V2], chunksize=40)]
    assert all("dataset" in c.columns for c in chunks)
    joined = pd.concat(chunks, ignore_index=True)
    assert joined["dataset"].astype(str).tolist() == (
        tio.read_gdelt([V1, V2])["dataset"].astype(str).tolist()
    )
    kept = tio.read_gdelt([V1, V2], deduplicate="one_a_day")
    assert set(kept["dataset"].astype(str)) == {"gdelt1", "gdelt2"}
    assert isinstance(kept["dataset"].dtype, pd.CategoricalDtype)


def test_scored_events_and_explanations_carry_the_dataset() -> None:
    events = pd.concat([tio.read_gdelt(V2), tio.read_icews(ICEWS)], ignore_index=True)
    scored = ti.score(events)
    assert scored.events["dataset"].astype(str).tolist() == events["dataset"].astype(str).tolist()
    first = scored.events.iloc[0]
    why = scored.explain(
        "-".join(sorted((str(first["actor1"]), str(first["actor2"])))), first["date"]
    )
    assert "dataset" in why.columns and set(why["dataset"]) <= {"gdelt2", "icews"}
