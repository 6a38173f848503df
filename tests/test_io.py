"""Files in and out: read_events, write_table and the bundled example."""

from __future__ import annotations

import io
import json
import re
import sys
import types
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti
from tensionindex.io._files import _pyarrow_reads_text

DATA = Path(__file__).parent / "data"

CSV_TEXT = """date,actor1,actor2,event_type,intensity,event_id,description
2024-03-05,China,Philippines,water_cannon,2,e1,Water cannon at a resupply boat
2024-03-23,CHN,PHL,cameo:046,1,e2,Talks at a third location
2024-04-16,US,PRC,military_hotline_call,1,e3,
"""


def _expected() -> pd.DataFrame:
    """What every reader must return for the events of CSV_TEXT."""
    return pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-03-05", "2024-03-23", "2024-04-16"]),
            "actor1": ["CHN", "CHN", "USA"],
            "actor2": ["PHL", "PHL", "CHN"],
            "event_type": ["water_cannon", "cameo:046", "military_hotline_call"],
            "intensity": [2.0, 1.0, 1.0],
        }
    )


def _check(events: pd.DataFrame) -> None:
    expected = _expected()
    assert list(events.columns[:6]) == list(ti.CANONICAL_COLUMNS)
    assert events["date"].tolist() == expected["date"].tolist()
    for name in ("actor1", "actor2", "event_type"):
        assert events[name].astype(str).tolist() == expected[name].tolist(), name
    assert events["intensity"].tolist() == expected["intensity"].tolist()
    assert events["event_id"].tolist() == ["e1", "e2", "e3"]


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    return path


def _raises(path: object, *fragments: str, **kwargs: object) -> None:
    pattern = ".*".join(re.escape(f) for f in fragments)
    with pytest.raises(ti.EventValidationError, match=pattern):
        ti.read_events(path, **kwargs)  # type: ignore[arg-type]


# -- CSV ------------------------------------------------------------------------------------


def test_read_csv(csv_file: Path) -> None:
    events = ti.read_events(csv_file)
    _check(events)
    # An empty cell is a missing value: kept as such in a pass-through column...
    assert events["description"].isna().tolist() == [False, False, True]
    assert ti.read_events(str(csv_file)).equals(events)


def test_empty_number_cell_is_an_error(tmp_path: Path) -> None:
    # ...and refused in intensity and confidence, as an explicit null in JSON is.
    path = tmp_path / "gap.csv"
    path.write_text(CSV_TEXT.replace(",cameo:046,1,", ",cameo:046,,"), encoding="utf-8")
    _raises(
        path,
        "Column 'intensity', row 1: got nan; expected a finite number >= 0.",
        "df['intensity'].fillna(1)",
    )


def test_csv_keeps_cameo_leading_zeros(tmp_path: Path) -> None:
    path = tmp_path / "cameo.csv"
    path.write_text(
        "date,actor1,actor2,event_type\n2024-01-01,USA,CHN,cameo:046\n"
        "2024-01-02,USA,CHN,cameo:010\n2024-01-03,USA,CHN,cameo:0871\n",
        encoding="utf-8",
    )
    events = ti.read_events(path)
    assert events["event_type"].astype(str).tolist() == ["cameo:046", "cameo:010", "cameo:0871"]


def test_csv_keeps_text_that_pandas_would_call_missing(tmp_path: Path) -> None:
    # "NA" is Namibia's ISO alpha-2 code, not a missing value.
    path = tmp_path / "na.csv"
    path.write_text("date,actor1,actor2,event_type\n2024-01-01,NA,USA,warning\n", encoding="utf-8")
    assert ti.read_events(path)["actor1"].astype(str).tolist() == ["NAM"]


def test_read_csv_from_a_data_file() -> None:
    events = ti.read_events(DATA / "events_small.csv")
    assert list(events.columns) == [*ti.CANONICAL_COLUMNS, "event_id", "description", "note"]
    assert events["date"].tolist() == list(
        pd.to_datetime(["2024-03-05", "2024-04-16", "2024-04-30", "2024-07-21"])
    )  # 09:30 at UTC+8 is 01:30 UTC, the same day
    assert events["actor1"].astype(str).tolist() == ["CHN", "USA", "USA", "PHL"]
    assert events["event_type"].astype(str).tolist()[-1] == "cameo:0871"
    assert events["intensity"].tolist() == [2.0, 1.0, 1.0, 1.0]
    assert events["confidence"].tolist() == [1.0, 0.9, 1.0, 0.8]
    assert events["description"][0] == "Coast guard fires water cannon, injuring crew"


def test_read_csv_with_columns_and_aliases(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("when,from,to,kind\n2024-01-01,Uncle Sam,China,warning\n", encoding="utf-8")
    events = ti.read_events(
        path,
        columns={"when": "date", "from": "actor1", "to": "actor2", "kind": "event_type"},
        aliases={"Uncle Sam": "USA"},
    )
    assert events[["actor1", "actor2"]].astype(str).values.tolist() == [["USA", "CHN"]]


@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_fast_and_plain_csv_parsers_give_the_same_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # read_events parses paths with pyarrow when it is installed; the file spans
    # several of its 1 MB blocks, with quoted commas, quotes and line breaks in
    # descriptions, CAMEO codes with leading zeros, text that looks missing ("NA")
    # and empty cells.
    rng = np.random.default_rng(7)
    pytest.importorskip("pyarrow")
    n = 60_000
    pieces = np.array(['plain', '"a, b"', '"say ""hi"""', '"line\nbreak"', "NA", ""])
    lines = ["date,actor1,actor2,event_type,intensity,confidence,description"]
    for i in range(n):
        lines.append(
            f"2024-{1 + i % 12:02d}-{1 + i % 28:02d},CHN,{'USA' if i % 3 else 'PHL'},"
            f"{'cameo:046' if i % 2 else 'water_cannon'},{rng.gamma(2.0):.6g},"
            f"{rng.random():.3f},{pieces[i % len(pieces)]}"
        )
    path = tmp_path / "events.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 2 * 2**20
    engines: list[object] = []
    read_csv = pd.read_csv

    def spy(*args: object, **kwargs: object) -> object:
        engines.append(kwargs.get("engine"))
        return read_csv(*args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("tensionindex.io._files.pd.read_csv", spy)
    got = ti.read_events(path)
    # The fast parser read it, without falling back, where it keeps text as text.
    assert engines == (["pyarrow"] if _pyarrow_reads_text() else [None])
    plain = read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    expected = ti.validate_events(plain)
    pd.testing.assert_frame_equal(got, expected)
    assert got["description"].iloc[3] == "line\nbreak"


def test_invalid_csv_row_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(CSV_TEXT.replace("2024-03-23", "2024-02-30"), encoding="utf-8")
    _raises(path, "Column 'date', row 1: got '2024-02-30'; expected ISO 8601 text")


@pytest.mark.parametrize("text", ["", "date,actor1,actor2,event_type\n"], ids=["empty", "header"])
def test_empty_csv_gives_no_events(text: str, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text(text, encoding="utf-8")
    events = ti.read_events(path)
    assert len(events) == 0
    assert list(events.columns) == list(ti.CANONICAL_COLUMNS)


def test_csv_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(b"date,actor1,actor2,event_type\n2024-01-01,C\xf4te d'Ivoire,USA,warning\n")
    _raises(path, f"Could not read {str(path)!r} as CSV:", "can't decode byte 0xf4")


# -- JSON -------------------------------------------------------------------------------------


def _records() -> list[dict[str, object]]:
    return [
        {"date": "2024-03-05", "actor1": "China", "actor2": "Philippines",
         "event_type": "water_cannon", "intensity": 2, "event_id": "e1"},
        {"date": "2024-03-23", "actor1": "CHN", "actor2": "PHL", "event_type": "cameo:046",
         "event_id": "e2"},
        {"date": "2024-04-16", "actor1": "US", "actor2": "PRC",
         "event_type": "military_hotline_call", "intensity": 1, "event_id": "e3"},
    ]  # fmt: skip


def test_read_json_records(tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    path.write_text(json.dumps(_records()), encoding="utf-8")
    # A record without "intensity" gets the default, as with a list of dicts.
    _check(ti.read_events(path))


def test_read_json_object_with_events(tmp_path: Path) -> None:
    path = tmp_path / "events.JSON"
    path.write_text(json.dumps({"source": "test", "events": _records()}), encoding="utf-8")
    _check(ti.read_events(path))


def test_malformed_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[{"date": "2024-01-01",\n  actor1: "USA"}]', encoding="utf-8")
    _raises(
        path,
        f"Could not read {str(path)!r} as JSON: Expecting property name enclosed in double "
        "quotes at line 2, column 3. Expected a list of records such as",
    )


def test_json_that_is_not_a_list(tmp_path: Path) -> None:
    path = tmp_path / "scalar.json"
    path.write_text('{"date": "2024-01-01"}', encoding="utf-8")
    _raises(
        path,
        f"{str(path)!r} holds a JSON dict; expected a list of event records "
        '(or an object with an "events" list).',
    )


def test_json_list_of_non_records(tmp_path: Path) -> None:
    path = tmp_path / "rows.json"
    path.write_text('[["2024-01-01", "USA", "CHN", "warning"]]', encoding="utf-8")
    _raises(path, "Record 0 is a list, not a dict.")


def test_json_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.json"
    path.write_bytes(b'[{"actor1": "C\xf4te"}]')
    _raises(path, f"Could not read {str(path)!r} as JSON: it is not UTF-8 text")


# -- Parquet ------------------------------------------------------------------------------------


def test_read_parquet_of_raw_text(tmp_path: Path, csv_file: Path) -> None:
    pytest.importorskip("pyarrow")
    path = tmp_path / "events.parquet"
    pd.read_csv(csv_file, dtype=str).to_parquet(path)
    _check(ti.read_events(path))


def test_read_parquet_of_validated_events(tmp_path: Path, csv_file: Path) -> None:
    pytest.importorskip("pyarrow")
    events = ti.read_events(csv_file)
    path = tmp_path / "events.pq"
    events.to_parquet(path)
    back = ti.read_events(path)
    # pandas 2 reads a missing text cell as None from Parquet and as NaN from CSV.
    assert back.dtypes.equals(events.dtypes)
    pd.testing.assert_frame_equal(
        back.astype(object).where(back.notna(), None),
        events.astype(object).where(events.notna(), None),
    )


def test_bad_parquet(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    path = tmp_path / "garbage.parquet"
    path.write_text("not parquet", encoding="utf-8")
    _raises(path, f"Could not read {str(path)!r} as Parquet:")


def test_parquet_without_pyarrow_gives_an_install_hint(
    tmp_path: Path, csv_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "events.parquet"
    path.write_bytes(b"PAR1")  # the check comes before the file is read
    # None in sys.modules makes `import pyarrow` raise ImportError.
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    hint = re.escape('Install it with: pip install "tensionindex[parquet]"')
    with pytest.raises(ti.MissingDependencyError, match="Reading Parquet files needs the optional "
                       f"dependency 'pyarrow', which is not installed. {hint}"):  # fmt: skip
        ti.read_events(path)
    with pytest.raises(ImportError, match=hint):  # also an ImportError
        ti.write_table(ti.stability_index([]), tmp_path / "out.parquet")
    assert not (tmp_path / "out.parquet").exists()


# -- stdin --------------------------------------------------------------------------------------


def test_read_csv_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(CSV_TEXT))
    _check(ti.read_events("-"))


def test_read_json_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(_records())))
    _check(ti.read_events("-", format="json"))


def test_read_parquet_from_stdin(monkeypatch: pytest.MonkeyPatch, csv_file: Path) -> None:
    pytest.importorskip("pyarrow")
    buffer = io.BytesIO()
    ti.read_events(csv_file).to_parquet(buffer)
    # A text stream whose .buffer holds the bytes, like the real sys.stdin.
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(buffer.getvalue())))
    _check(ti.read_events("-", format="parquet"))


def test_read_from_a_file_object(csv_file: Path) -> None:
    with csv_file.open(encoding="utf-8") as handle:
        _check(ti.read_events(handle))


# -- paths and formats --------------------------------------------------------------------------


def test_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "events.xlsx"
    path.write_text("", encoding="utf-8")
    _raises(
        path,
        f"Cannot tell the format of {str(path)!r} from its extension '.xlsx': "
        "use a .csv, .json or .parquet file, or pass format='csv'|'json'|'parquet'.",
    )


def test_format_overrides_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "events.txt"
    path.write_text(CSV_TEXT, encoding="utf-8")
    _check(ti.read_events(path, format="csv"))


def test_unknown_format(csv_file: Path) -> None:
    _raises(csv_file, "Unknown file format 'xls': use 'csv', 'json' or 'parquet'.", format="xls")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.csv"
    _raises(path, f"Events file {str(path)!r} does not exist.")


def test_folder_instead_of_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "events.csv"
    folder.mkdir()
    _raises(folder, f"Events file {str(folder)!r} is a folder; give the path of a file in it.")


# -- write_table --------------------------------------------------------------------------------


@pytest.fixture
def result() -> pd.DataFrame:
    return ti.stability_index(ti.load_example("us-china-2024"), half_life=14)


def test_write_csv_round_trip(result: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    ti.write_table(result, path)
    # pandas 2's default float parser can be a unit in the last place off (pandas 3's
    # is exact and deprecates the option).
    exact = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
    back = pd.read_csv(path, parse_dates=["date"], **exact)  # type: ignore[call-overload]
    assert list(back.columns) == list(result.columns)
    assert back["dyad"].tolist() == result["dyad"].astype(str).tolist()
    assert back["date"].tolist() == result["date"].tolist()
    assert back["events"].tolist() == result["events"].tolist()
    for name in ("signal", "tension", "stability"):
        # CSV writes floats with repr precision: the round trip is exact.
        np.testing.assert_array_equal(back[name].to_numpy(), result[name].to_numpy())
    assert path.read_text(encoding="utf-8").splitlines()[1].split(",")[1] == "2018-07-06"


def test_read_events_parses_csv_numbers_exactly(tmp_path: Path) -> None:
    # Each decimal becomes its nearest double, whichever parser and pandas version.
    values = np.random.default_rng(3).gamma(2.0, size=2000)
    lines = ["date,actor1,actor2,event_type,intensity"]
    lines += [f"2024-04-16,CHN,PHL,water_cannon,{float(value)!r}" for value in values]
    path = tmp_path / "events.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    np.testing.assert_array_equal(ti.read_events(path)["intensity"].to_numpy(), values)
    frame = pd.read_csv(path, dtype=str)
    np.testing.assert_array_equal(ti.validate_events(frame)["intensity"].to_numpy(), values)


def test_write_json_round_trip(result: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    ti.write_table(result, path)
    records = json.loads(path.read_text(encoding="utf-8"))
    assert len(records) == len(result)
    assert list(records[0]) == list(result.columns)
    back = pd.DataFrame.from_records(records)
    assert pd.to_datetime(back["date"]).tolist() == result["date"].tolist()
    assert back["dyad"].tolist() == result["dyad"].astype(str).tolist()
    for name in ("signal", "tension", "stability"):
        np.testing.assert_allclose(back[name], result[name], rtol=1e-13, atol=1e-12)


def test_write_parquet_round_trip(result: pd.DataFrame, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    path = tmp_path / "out.parquet"
    ti.write_table(result, path)
    back = pd.read_parquet(path)
    pd.testing.assert_frame_equal(back, result.reset_index(drop=True), check_categorical=False)


def test_write_to_stdout(result: pd.DataFrame, capsys: pytest.CaptureFixture[str]) -> None:
    ti.write_table(result.head(2), None)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "dyad,date,events,signal,tension,stability,information,low_information"
    assert lines[1].startswith("CHN-PHL,2018-07-06,0,0.0,0.0,50.0")
    ti.write_table(result.head(2), None, format="json")
    records = json.loads(capsys.readouterr().out)
    assert [r["dyad"] for r in records] == ["CHN-PHL", "CHN-PHL"]


def test_write_unknown_extension_or_format(result: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    with pytest.raises(ti.EventValidationError, match=re.escape("from its extension '.xlsx'")):
        ti.write_table(result, path)
    with pytest.raises(ti.EventValidationError, match=re.escape("Unknown file format 'tsv'")):
        ti.write_table(result, None, format="tsv")
    assert not path.exists()


# -- the bundled example --------------------------------------------------------------------------


def test_examples_lists_the_bundled_example() -> None:
    assert "us-china-2024" in ti.examples()


def test_load_example() -> None:
    events = ti.load_example("us-china-2024")
    assert len(events) > 30
    assert list(events.columns[:6]) == list(ti.CANONICAL_COLUMNS)
    # Already valid: validating again changes nothing.
    pd.testing.assert_frame_equal(ti.validate_events(events), events)
    pairs = {
        "-".join(sorted(pair))
        for pair in zip(events["actor1"].astype(str), events["actor2"].astype(str), strict=True)
    }
    assert {"CHN-USA", "CHN-PHL"} <= pairs
    assert events["description"].notna().all()
    assert events["event_id"].is_unique
    assert events["date"].min() >= pd.Timestamp("2018-01-01")
    assert events["date"].max() <= pd.Timestamp("2024-12-31")
    assert ti.load_example().equals(events)  # the default name


def test_load_example_returns_a_fresh_frame() -> None:
    first = ti.load_example()
    first.loc[0, "intensity"] = 99.0
    assert ti.load_example().loc[0, "intensity"] != 99.0


def test_unknown_example_suggests() -> None:
    message = (
        "Unknown example 'us-china'. Did you mean 'us-china-2024'? The examples are: us-china-2024."
    )
    with pytest.raises(ti.EventValidationError, match=re.escape(message)):
        ti.load_example("us-china")


# -- read_events(sep=...) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sep", "name"), [(";", "events.csv"), ("\t", "events.tsv"), ("|", "events.txt")]
)
def test_read_events_with_another_separator(sep: str, name: str, tmp_path: Path) -> None:
    # The same events as csv_file, with another separator and an extension that is not .csv.
    rows = [
        "date,actor1,actor2,event_type,intensity,description",
        '2024-04-16,USA,CHN,military_hotline_call,1.5,"talks, at last"',
        "2024-04-20,PHL,CHN,water_cannon,2,",
    ]
    comma = tmp_path / "events.csv"
    comma.write_text("\n".join(rows) + "\n", encoding="utf-8")
    other = tmp_path / "other" / name
    other.parent.mkdir()
    # The description's comma stays inside its field: quoting is CSV's.
    other.write_text(
        "\n".join(row.replace(",", sep) if '"' not in row else
                  row.replace(",", sep).replace(f'talks{sep} at', "talks, at") for row in rows)
        + "\n",
        encoding="utf-8",
    )
    expected = ti.read_events(comma)
    pd.testing.assert_frame_equal(ti.read_events(other, sep=sep), expected)
    pd.testing.assert_frame_equal(ti.read_events(io.StringIO(other.read_text()), sep=sep),
                                  expected)
    assert ti.read_events(other, sep=sep)["description"].iloc[0] == "talks, at last"


def test_read_events_with_a_separator_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "date;actor1;actor2;event_type\n2024-04-16;USA;CHN;leader_call\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    events = ti.read_events("-", sep=";")
    assert events[["actor1", "actor2", "event_type"]].values.tolist() == [
        ["USA", "CHN", "leader_call"]
    ]


def test_read_events_with_a_separator_in_a_compressed_file(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "events.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        stream.write("date|actor1|actor2|event_type\n2024-04-16|USA|CHN|leader_call\n")
    assert ti.read_events(path, sep="|")["event_type"].tolist() == ["leader_call"]


@pytest.mark.parametrize("sep", [";;", "", '"', "\n", "\r", "\x00", 5, None, b";"])
def test_an_invalid_separator_is_named(sep: object, csv_file: Path) -> None:
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"The 'sep' parameter of read_events must be one character that separates "
        r"fields, such as ',' \(the default\), ';', '\\t' \(tab\) or '\|'; not a double quote, "
        r"a line end or NUL\. Got .+ instead\.",
    ):
        ti.read_events(csv_file, sep=sep)  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", ["json", "parquet"])
def test_a_separator_for_json_or_parquet_is_refused(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / f"events.{fmt}"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(
        ti.InvalidParameterError,
        match=rf"applies to delimited text \(format='csv'\); this file is read as {fmt}\. "
        r"Got ';' instead: leave sep out, or pass format='csv' for delimited text\.",
    ):
        ti.read_events(path, sep=";")


@pytest.mark.parametrize(
    ("text", "sep", "hint"),
    [
        ("date;actor1;actor2;event_type\n2024-04-16;USA;CHN;leader_call\n", ",", "';'"),
        ("date\tactor1\tactor2\tevent_type\n2024-04-16\tUSA\tCHN\tleader_call\n", ";", "'\\\\t'"),
    ],
    ids=["semicolons-read-as-commas", "tabs-read-as-semicolons"],
)
def test_a_missed_separator_is_suggested(text: str, sep: str, hint: str, tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        ti.EventValidationError,
        match=rf"reads as one column, .*, with fields separated by {re.escape(repr(sep))}; "
        rf"its header holds {hint} characters instead\. Pass sep={hint}",
    ):
        ti.read_events(path, sep=sep)


# -- write_table: JSON dates and numbers, and what it refuses ------------------------------------


def test_json_dates_are_iso_dates_and_numbers_round_trip_exactly(
    result: pd.DataFrame, tmp_path: Path
) -> None:
    path = tmp_path / "out.json"
    ti.write_table(result, path)
    text = path.read_text(encoding="utf-8")
    records = json.loads(text)
    assert records[0]["date"] == "2018-07-06"  # a day, not epoch milliseconds or a midnight
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["date"]) for r in records)
    back = pd.DataFrame.from_records(records)
    assert pd.to_datetime(back["date"]).tolist() == result["date"].tolist()
    for name in ("signal", "tension", "stability", "information"):
        # Full precision: every float reads back as the same double.
        np.testing.assert_array_equal(back[name].to_numpy(float), result[name].to_numpy(float))
    assert back["events"].tolist() == result["events"].tolist()
    assert back["low_information"].tolist() == result["low_information"].tolist()
    assert text.count("\n") == len(result) + 2  # one record a line, between [ and ]


def test_json_writes_times_zones_and_missing_values(capsys: pytest.CaptureFixture[str]) -> None:
    frame = pd.DataFrame(
        {
            "day": pd.to_datetime(["2024-04-16", None]),
            "time": pd.to_datetime(["2024-04-16 05:30", "2024-04-17 00:00"]),
            "manila": pd.to_datetime(["2024-04-16 00:30", "2024-04-17 00:00"]).tz_localize(
                "Asia/Manila"
            ),
            "x": [0.1 + 0.2, np.inf],
            "n": pd.array([1, None], dtype="Int64"),
            "ids": [["ex-001", "ex-002"], []],
        }
    )
    ti.write_table(frame, None, format="json")
    assert json.loads(capsys.readouterr().out) == [
        {"day": "2024-04-16", "time": "2024-04-16T05:30:00",
         "manila": "2024-04-16T00:30:00+08:00", "x": 0.30000000000000004, "n": 1,
         "ids": ["ex-001", "ex-002"]},
        {"day": None, "time": "2024-04-17T00:00:00", "manila": "2024-04-17T00:00:00+08:00",
         "x": None, "n": None, "ids": []},
    ]


def test_json_of_an_empty_table(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    ti.write_table(ti.stability_index([]), path)
    assert json.loads(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("frame", "path", "match"),
    [
        ([1, 2], None, r"The 'frame' parameter of write_table must be a pandas DataFrame "
         r"\(a result table such as stability_index's or explain's\)\. Got \[1, 2\] instead\."),
        (pd.Series([1.0]), None, r"The 'frame' parameter .* Got a Series of shape \(1,\)"),
        (pd.DataFrame({"a": [1]}), 5, r"The 'path' parameter of write_table must be a file "
         r"path \(str or os\.PathLike\), or None for standard output\. Got 5 instead\."),
    ],
    ids=["list", "series", "number-path"],
)
def test_write_table_names_an_argument_it_cannot_take(
    frame: object, path: object, match: str, tmp_path: Path
) -> None:
    with pytest.raises(ti.InvalidParameterError, match=match):
        ti.write_table(frame, path)  # type: ignore[arg-type]


# -- ReadLimits and LineTooLong are public ---------------------------------------------------------


def test_read_limits_and_line_too_long_are_public(tmp_path: Path) -> None:
    assert ti.ReadLimits is ti.io.ReadLimits
    assert ti.exceptions.LineTooLong is ti.LineTooLong
    assert issubclass(ti.exceptions.LineTooLong, ti.EventValidationError)
    assert {"ReadLimits", "LineTooLong"} <= set(ti.__all__)
    path = tmp_path / "events.csv"
    path.write_text("date,actor1,actor2,event_type\n" + "x" * 500 + "\n", encoding="utf-8")
    with pytest.raises(ti.exceptions.LineTooLong, match=r"line 2: longer than "
                       r"max_line_length=100 characters") as caught:
        ti.read_events(path, limits=ti.ReadLimits(max_line_length=100))
    assert (caught.value.limit, caught.value.line, caught.value.offset) == (100, 2, 30)


# -- progress over multi-file reads: terminal, notebook -----------------------------------------

GDELT_V2 = [
    Path(__file__).parent / "data" / "gdelt_v2_20191024143000_excerpt.export.CSV",
    Path(__file__).parent / "data" / "gdelt_v2_20180326044500_excerpt.export.CSV",
]


class _FakeBar:
    """Stands in for tqdm.auto.tqdm: records how it was built and what passed through."""

    made: ClassVar[list[_FakeBar]] = []

    def __init__(self, items: Any, **options: Any) -> None:
        self.items, self.options, self.seen, self.closed = items, options, 0, False
        _FakeBar.made.append(self)

    def __iter__(self) -> Any:
        for item in self.items:
            self.seen += 1
            yield item

    def close(self) -> None:
        self.closed = True


def _fake_module(name: str, **attributes: Any) -> types.ModuleType:
    module = types.ModuleType(name)
    for key, value in attributes.items():
        setattr(module, key, value)
    return module


def _fake_kernel(monkeypatch: pytest.MonkeyPatch, *, kernel: bool, tqdm: bool) -> None:
    shell = types.SimpleNamespace(kernel=object() if kernel else None)
    monkeypatch.setitem(sys.modules, "ipykernel", _fake_module("ipykernel"))
    monkeypatch.setitem(sys.modules, "IPython", _fake_module("IPython", get_ipython=lambda: shell))
    if tqdm:
        monkeypatch.setitem(sys.modules, "tqdm", _fake_module("tqdm"))
        monkeypatch.setitem(sys.modules, "tqdm.auto", _fake_module("tqdm.auto", tqdm=_FakeBar))
    else:
        monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm raises ImportError
        monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    _FakeBar.made = []


def test_progress_in_a_notebook_uses_tqdm_auto(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _fake_kernel(monkeypatch, kernel=True, tqdm=True)
    events = ti.read_gdelt(GDELT_V2, progress=True)
    assert len(_FakeBar.made) == 1
    bar = _FakeBar.made[0]
    assert bar.options == {"total": 2, "desc": "read_gdelt", "unit": "file"}
    assert (bar.seen, bar.closed) == (2, True)
    assert capsys.readouterr().err == ""  # no terminal bar besides
    pd.testing.assert_frame_equal(events, ti.read_gdelt(GDELT_V2))


def test_no_notebook_bar_without_a_kernel_tqdm_or_progress(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _fake_kernel(monkeypatch, kernel=False, tqdm=True)  # IPython in a terminal, not a kernel
    ti.read_gdelt(GDELT_V2, progress=True)
    _fake_kernel(monkeypatch, kernel=True, tqdm=True)
    ti.read_gdelt(GDELT_V2, progress=False)
    ti.read_gdelt(GDELT_V2[:1], progress=True)  # one file: no bar
    assert _FakeBar.made == []
    _fake_kernel(monkeypatch, kernel=True, tqdm=False)  # a kernel without tqdm: as before
    assert len(ti.read_gdelt(GDELT_V2, progress=True)) > 0
    assert capsys.readouterr().err == ""  # stderr is not a terminal here


def test_progress_on_a_terminal_is_drawn_on_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    from tensionindex.io._progress import with_progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    assert list(with_progress(["a", "b"], total=2, label="read_gdelt", enabled=True)) == ["a", "b"]
    drawn = terminal.getvalue()
    assert drawn.startswith("\rread_gdelt [........................] 0/2 files")
    assert "\rread_gdelt [########################] 2/2 files" in drawn
    assert drawn.endswith("\n")
