"""validate_events: the canonical layout, aliases, dates, defaults and every error message."""

from __future__ import annotations

import copy
import datetime
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensionindex as ti
from reference import COLUMNS as INDEX_COLUMNS

CANONICAL = ["date", "actor1", "actor2", "event_type", "intensity", "confidence"]
PANDAS_3 = int(pd.__version__.split(".")[0]) >= 3


def _records() -> list[dict[str, object]]:
    return [
        {"date": "2024-03-05", "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"},
        {"date": "2024-04-16", "actor1": "USA", "actor2": "CHN", "event_type": "leader_call"},
        {"date": "2024-04-30", "actor1": "USA", "actor2": "CHN", "event_type": "official_visit"},
    ]


def _frame(**columns: object) -> pd.DataFrame:
    """Three valid events, with some columns replaced."""
    frame = pd.DataFrame(_records())
    for name, values in columns.items():
        frame[name] = values
    return frame


def _raises(frame_or_records: object, *fragments: str, **kwargs: object) -> None:
    """validate_events fails with a message that contains every fragment, in order."""
    pattern = ".*".join(re.escape(f) for f in fragments)
    with pytest.raises(ti.EventValidationError, match=pattern):
        ti.validate_events(frame_or_records, **kwargs)  # type: ignore[arg-type]


# -- the canonical layout ------------------------------------------------------


def test_canonical_columns_order_and_dtypes() -> None:
    out = ti.validate_events(_frame())
    assert list(out.columns) == CANONICAL
    assert tuple(out.columns) == ti.CANONICAL_COLUMNS
    assert out["date"].dtype == np.dtype("datetime64[ns]")
    for name in ("actor1", "actor2", "event_type"):
        assert isinstance(out[name].dtype, pd.CategoricalDtype), name
    assert out["intensity"].dtype == np.float64
    assert out["confidence"].dtype == np.float64
    assert isinstance(out.index, pd.RangeIndex) and out.index.start == 0
    # Both actor columns share one set of categories (the engine codes dyads from them).
    assert out["actor1"].cat.categories.equals(out["actor2"].cat.categories)
    assert out["date"].tolist() == [
        pd.Timestamp("2024-03-05"),
        pd.Timestamp("2024-04-16"),
        pd.Timestamp("2024-04-30"),
    ]
    assert out["event_type"].astype(str).tolist() == [
        "water_cannon",
        "leader_call",
        "official_visit",
    ]


def test_list_of_records_gives_the_same_frame_as_a_dataframe() -> None:
    from_records = ti.validate_events(_records())
    from_frame = ti.validate_events(pd.DataFrame(_records()))
    pd.testing.assert_frame_equal(from_records, from_frame)


def test_validating_validated_events_changes_nothing() -> None:
    once = ti.validate_events(_frame(intensity=[2.0, 0.5, 1.0], description=["a", "b", "c"]))
    twice = ti.validate_events(once)
    pd.testing.assert_frame_equal(once, twice)


def test_event_types_are_normalised() -> None:
    out = ti.validate_events(
        _frame(event_type=[" Water_Cannon ", "CAMEO:046", "PLOVER:consult/Phone"])
    )
    assert out["event_type"].astype(str).tolist() == [
        "water_cannon",
        "cameo:046",
        "plover:CONSULT/phone",
    ]


# -- the caller's object is never modified ---------------------------------------


def _variants() -> dict[str, pd.DataFrame]:
    raw = _frame(intensity=[2, 1, 1], description=["x", "y", "z"], note=["n1", "n2", "n3"])
    labelled = raw.copy()
    labelled.index = pd.Index(["e1", "e2", "e3"])
    return {
        "raw text": raw,
        "canonical dtypes": ti.validate_events(raw),
        "non-default index": labelled,
        "numpy datetimes": raw.assign(date=pd.to_datetime(raw["date"]) + pd.Timedelta(hours=5)),
        "tz-aware datetimes": raw.assign(
            date=pd.to_datetime(raw["date"]).dt.tz_localize("Asia/Manila")
        ),
    }


@pytest.mark.parametrize("kind", list(_variants()))
def test_input_frame_is_never_modified(kind: str) -> None:
    frame = _variants()[kind]
    before = frame.copy(deep=True)
    out = ti.validate_events(frame)
    assert out is not frame
    pd.testing.assert_frame_equal(frame, before)
    # Editing the result must not reach the caller's frame either.
    out.loc[0, "intensity"] = 99.0
    out.loc[0, "confidence"] = 0.0
    out.loc[0, "date"] = pd.Timestamp("2000-01-01")
    out.loc[0, "description"] = "edited"
    out.loc[0, "note"] = "edited"
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize("kind", list(_variants()))
def test_editing_the_input_later_never_reaches_the_result(kind: str) -> None:
    # Canonical columns pass through without a copy (copy-on-write): an edit of the
    # caller's frame after validation must leave the validated events as they were.
    frame = _variants()[kind].copy(deep=True)
    out = ti.validate_events(frame)
    before = out.copy(deep=True)
    first = frame.index[0]
    frame.loc[first, "intensity"] = 99.0
    frame.loc[first, "confidence"] = 0.0
    frame.loc[first, "date"] = frame["date"].iloc[1]
    frame.loc[first, "actor1"] = frame["actor1"].iloc[1]
    pd.testing.assert_frame_equal(out, before)


def test_missing_value_in_a_categorical_column_names_its_row() -> None:
    frame = ti.validate_events(_frame())
    frame.loc[2, "actor2"] = np.nan
    _raises(frame, "Column 'actor2', row 2: got nan", "non-empty actor code")


def test_unused_categories_are_dropped_from_canonical_columns() -> None:
    frame = ti.validate_events(_frame()).iloc[1:].reset_index(drop=True)
    out = ti.validate_events(frame)
    assert list(out["actor1"].cat.categories) == ["CHN", "USA"]
    assert list(out["event_type"].cat.categories) == ["leader_call", "official_visit"]
    assert out["event_type"].astype(str).tolist() == ["leader_call", "official_visit"]


def test_input_frame_with_columns_mapping_is_not_renamed() -> None:
    frame = _frame().rename(columns={"date": "when"})
    before = frame.copy(deep=True)
    ti.validate_events(frame, columns={"when": "date"})
    pd.testing.assert_frame_equal(frame, before)
    assert "when" in frame.columns


def test_input_records_are_never_modified() -> None:
    records = _records()
    records[1]["intensity"] = 2  # only some records have the optional key
    records[2]["description"] = "visit"
    before = copy.deepcopy(records)
    out = ti.validate_events(records)
    assert records == before
    out.loc[1, "intensity"] = 50.0
    assert records == before


# -- columns= --------------------------------------------------------------------


def test_columns_maps_caller_names_to_canonical_ones() -> None:
    frame = _frame().rename(
        columns={"date": "when", "actor1": "from", "actor2": "to", "event_type": "kind"}
    )
    frame["strength"] = [1.0, 2.0, 3.0]
    out = ti.validate_events(
        frame,
        columns={
            "when": "date",
            "from": "actor1",
            "to": "actor2",
            "kind": "event_type",
            "strength": "intensity",
        },
    )
    assert list(out.columns) == CANONICAL
    assert out["intensity"].tolist() == [1.0, 2.0, 3.0]
    pd.testing.assert_frame_equal(
        out.drop(columns="intensity"), ti.validate_events(_frame()).drop(columns="intensity")
    )


def test_columns_target_must_be_canonical() -> None:
    _raises(
        _frame(),
        "columns maps 'date' to 'dat', which is not a canonical column.",
        "Did you mean 'date'",
        "Canonical columns: date, actor1, actor2, event_type, intensity, confidence",
        columns={"date": "dat"},
    )


def test_columns_source_must_be_in_the_input() -> None:
    _raises(
        _frame(),
        "columns names 'dte', which is not a column of the input.",
        "Did you mean 'date'?",
        "The input has: date, actor1, actor2, event_type.",
        columns={"dte": "date"},
    )


def test_columns_that_collide_after_mapping() -> None:
    frame = _frame(when=["2024-01-01"] * 3)
    _raises(
        frame,
        "Column 'date' appears more than once (after applying columns=).",
        columns={"when": "date"},
    )


def test_columns_must_be_a_mapping() -> None:
    with pytest.raises(TypeError, match=re.escape("Got list instead.")):
        ti.validate_events(_frame(), columns=["date"])  # type: ignore[arg-type]
    _raises(_frame(), "columns must map your column names to canonical ones", columns=["x"])


# -- actors and aliases ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("United States", "USA"),
        ("US", "USA"),
        ("U.S.", "USA"),
        ("united states", "USA"),
        ("China", "CHN"),
        ("PRC", "CHN"),
        ("Philippines", "PHL"),
        ("  philippines ", "PHL"),
    ],
)
def test_builtin_aliases(name: str, code: str) -> None:
    other = "JPN"
    out = ti.validate_events(_frame(actor1=[name] * 3, actor2=[other] * 3))
    assert out["actor1"].astype(str).tolist() == [code] * 3
    assert ti.actor_aliases()[name.strip().upper()] == code


def test_codes_are_stripped_and_upper_cased() -> None:
    out = ti.validate_events(_frame(actor1=[" chn", "usa ", "Usa"], actor2=["phl", " cHn ", "CHN"]))
    assert out["actor1"].astype(str).tolist() == ["CHN", "USA", "USA"]
    assert out["actor2"].astype(str).tolist() == ["PHL", "CHN", "CHN"]


def test_unknown_codes_written_as_codes_pass_through_and_are_listed() -> None:
    out = ti.validate_events(_frame(actor1=["XYZ", " XYZ ", "C001"]))
    assert out["actor1"].astype(str).tolist() == ["XYZ", "XYZ", "C001"]
    assert out.attrs["tensionindex_actors"] == {"unknown_actors": {"XYZ": 2, "C001": 1}}
    # Known codes leave no report behind.
    assert "tensionindex_actors" not in ti.validate_events(_frame()).attrs


def test_an_unknown_value_not_written_as_a_code_is_a_name() -> None:
    # Lower case, spaces, punctuation, digits alone or more than four characters.
    for value in ("xyz", "Middle Kingdom", "U.S.A.A", "ABCDE"):
        _raises(_frame(actor1=["CHN", "USA", value]), f"Column 'actor1', row 2: got {value!r};")


def test_aliases_extend_the_builtin_table() -> None:
    frame = _frame(actor1=["Uncle Sam", "Middle Kingdom", "US"])
    frame["actor2"] = ["Manila", "Uncle Sam", "Manila"]
    out = ti.validate_events(
        frame, aliases={"Uncle Sam": "usa", " middle kingdom ": "CHN", "MANILA": "PHL"}
    )
    assert out["actor1"].astype(str).tolist() == ["USA", "CHN", "USA"]
    assert out["actor2"].astype(str).tolist() == ["PHL", "USA", "PHL"]
    # The built-in table itself is not changed by a call with aliases=.
    assert "UNCLE SAM" not in ti.actor_aliases()


def test_aliases_must_map_to_non_empty_codes() -> None:
    _raises(
        _frame(),
        "aliases must map names to non-empty code strings. Got 'Uncle Sam': ' '.",
        aliases={"Uncle Sam": " "},
    )


def test_aliases_must_be_a_mapping() -> None:
    with pytest.raises(TypeError, match=re.escape("aliases must be a mapping of names to codes")):
        ti.validate_events(_frame(), aliases=[("US", "USA")])  # type: ignore[arg-type]


# -- dates ------------------------------------------------------------------------


def test_tz_aware_text_is_converted_to_utc_then_to_the_day() -> None:
    out = ti.validate_events(
        _frame(date=["2024-04-16T23:30:00-05:00", "2024-04-17T06:30:00+08:00", "2024-04-16"])
    )
    assert out["date"].tolist() == [
        pd.Timestamp("2024-04-17"),  # 04:30 UTC on the 17th
        pd.Timestamp("2024-04-16"),  # 22:30 UTC on the 16th
        pd.Timestamp("2024-04-16"),
    ]


def test_tz_aware_datetime_column_is_converted_to_utc() -> None:
    local = pd.Series(pd.to_datetime(["2024-04-16 23:30"] * 3)).dt.tz_localize("America/New_York")
    out = ti.validate_events(_frame(date=local))
    assert out["date"].tolist() == [pd.Timestamp("2024-04-17")] * 3
    assert out["date"].dtype == np.dtype("datetime64[ns]")


def test_datetimes_with_times_become_midnight() -> None:
    stamps = pd.to_datetime(["2024-04-16 00:00:00", "2024-04-16 13:45:10", "2024-04-16 23:59:59"])
    out = ti.validate_events(_frame(date=stamps))
    assert out["date"].tolist() == [pd.Timestamp("2024-04-16")] * 3


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_datetime_resolutions_are_accepted(unit: str) -> None:
    stamps = pd.Series(pd.to_datetime(["2024-04-16 10:00"] * 3)).astype(f"datetime64[{unit}]")
    out = ti.validate_events(_frame(date=stamps))
    assert out["date"].tolist() == [pd.Timestamp("2024-04-16")] * 3
    assert out["date"].dtype == np.dtype("datetime64[ns]")


def test_date_objects_are_accepted() -> None:
    out = ti.validate_events(
        _frame(
            date=[
                datetime.date(2024, 4, 16),
                datetime.datetime(2024, 4, 16, 8, 0),
                pd.Timestamp("2024-04-16 12:00"),
            ]
        )
    )
    assert out["date"].tolist() == [pd.Timestamp("2024-04-16")] * 3


def test_unparseable_date() -> None:
    _raises(
        _frame(date=["2024-03-05", "2024-13-01", "2024-04-30"]),
        "Column 'date', row 1: got '2024-13-01'; expected ISO 8601 text such as '2024-04-16'",
        "pandas.to_datetime(..., format=...)",
    )


def test_mixed_date_formats_name_the_first_non_iso_row() -> None:
    _raises(
        _frame(date=["2024-03-05", "2024-03-06", "16/04/2024"]),
        "Column 'date', row 2: got '16/04/2024'",
    )


def test_numeric_date() -> None:
    _raises(
        _frame(date=[20240305, 20240416, 20240430]),
        "Column 'date', row 0: got 20240305; expected a date such as '2024-04-16'",
        "Numbers are not dates",
        "format='%Y%m%d'",
    )


def test_numeric_date_names_the_first_number_not_a_missing_row() -> None:
    _raises(
        _frame(date=[np.nan, 20240416.0, 20240430.0]),
        "Column 'date', row 1: got 20240416.0; expected a date",
        "Numbers are not dates",
    )


def test_number_among_text_dates() -> None:
    _raises(
        _frame(date=["2024-03-05", 5, "2024-04-30"]),
        "Column 'date', row 1: got 5; expected ISO 8601 text such as '2024-04-16'",
        "Convert the column with pandas.to_datetime before validating.",
    )


@pytest.mark.parametrize(
    ("dates", "shown"),
    [
        (pd.Series(["2024-03-05", None, "2024-04-30"], dtype=object), "None"),
        # pandas 3 text columns hold None as NaN; pandas 2 keeps None in an object column.
        (["2024-03-05", None, "2024-04-30"], "nan" if PANDAS_3 else "None"),
        (pd.to_datetime(["2024-03-05", None, "2024-04-30"]), "NaT"),
    ],
    ids=["None", "None in text", "NaT"],
)
def test_missing_date(dates: object, shown: str) -> None:
    _raises(
        _frame(date=dates),
        f"Column 'date', row 1: got {shown}; expected a date.",
        "Every event needs a date: fill it in or drop the row",
    )


def test_all_missing_dates_are_reported_as_missing() -> None:
    _raises(
        _frame(date=[np.nan] * 3),
        "Column 'date', row 0: got nan; expected a date.",
        "Every event needs a date",
    )


def test_date_outside_the_datetime64_range() -> None:
    # Out-of-range days must be refused, not silently wrapped by the cast to nanoseconds.
    _raises(
        _frame(date=["2024-03-05", "2024-04-16", "2999-01-01"]),
        "Column 'date', row 2: got '2999-01-01'; expected a date from 1677-09-22 to 2262-04-11.",
    )
    _raises(
        _frame(date=[datetime.date(1500, 6, 1)] * 3),
        "Column 'date', row 0: got datetime.date(1500, 6, 1); expected a date from 1677-09-22",
    )
    # A malformed date is reported before an out-of-range one, on pandas 2 as on 3.
    _raises(
        _frame(date=["2999-01-01T00:00+05:00", "2024-04-16", "2024-13-01"]),
        "Column 'date', row 2: got '2024-13-01'; expected ISO 8601 text",
    )
    _raises(
        _frame(date=["2024-04-16", "1066-10-14T09:00+01:00", "2024-04-16"]),
        "Column 'date', row 1: got '1066-10-14T09:00+01:00'; expected a date from 1677-09-22",
    )


# -- actors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"), [("", "''"), ("   ", "'   '"), (None, "None"), (5, "5")]
)
def test_bad_actor(value: object, shown: str) -> None:
    _raises(
        _frame(actor2=pd.Series(["PHL", value, "CHN"], dtype=object)),
        f"Column 'actor2', row 1: got {shown}; expected a non-empty actor code such as 'PHL'.",
        "Every event needs both actors",
    )


def test_same_actor_on_both_sides() -> None:
    _raises(
        _frame(actor2=["PHL", "CHN", "USA"]),
        "Columns 'actor1' and 'actor2', row 2: both are 'USA' (from 'USA' and 'USA');",
        "expected two different actors",
        "drop domestic events or fix the actor codes",
    )


def test_same_actor_after_aliasing() -> None:
    _raises(
        _frame(actor1=["CHN", "US", "USA"], actor2=["PHL", "USA", "CHN"]),
        "Columns 'actor1' and 'actor2', row 1: both are 'USA' (from 'US' and 'USA');",
    )
    _raises(
        _frame(actor1=["CHN", "USA", "Uncle Sam"], actor2=["PHL", "CHN", "u.s."]),
        "row 2: both are 'USA' (from 'Uncle Sam' and 'u.s.')",
        aliases={"Uncle Sam": "USA"},
    )


# -- event types ----------------------------------------------------------------------


def test_unknown_event_type_suggests_near_misses() -> None:
    _raises(
        _frame(event_type=["water_cannon", "leader_call", "oficial_visit"]),
        "Column 'event_type', row 2: Unknown event type 'oficial_visit'.",
        "Did you mean 'official_visit'",
        "See tensionindex.taxonomy()",
        "IndexConfig(custom_types=...)",
    )


def test_unknown_event_type_without_near_miss() -> None:
    with pytest.raises(ti.EventValidationError) as info:
        ti.validate_events(_frame(event_type=["zzzz_qqq"] * 3))
    message = str(info.value)
    assert "Did you mean" not in message
    assert re.search(
        re.escape("Column 'event_type', row 0: Unknown event type 'zzzz_qqq'."), message
    )


def test_cameo_code_without_leading_zero_suggests_the_zero_padded_code() -> None:
    _raises(_frame(event_type=["cameo:46"] * 3), "Unknown event type 'cameo:46'.", "'cameo:046'")


@pytest.mark.parametrize(("value", "shown"), [("", "''"), (None, "None"), (7, "7")])
def test_missing_or_non_text_event_type(value: object, shown: str) -> None:
    _raises(
        _frame(event_type=pd.Series(["water_cannon", "leader_call", value], dtype=object)),
        f"Column 'event_type', row 2: got {shown}; expected an event type such as 'water_cannon'",
    )


def test_custom_event_types_are_accepted_with_their_config() -> None:
    config = ti.IndexConfig(
        custom_types={
            "navy_band": {"label": "Navy band concert", "category": "cooperation", "weight": -2.0}
        }
    )
    frame = _frame(event_type=["navy_band", "Navy_Band", "water_cannon"])
    out = ti.validate_events(frame, config=config)
    assert out["event_type"].astype(str).tolist() == ["navy_band", "navy_band", "water_cannon"]
    _raises(frame, "Column 'event_type', row 0: Unknown event type 'navy_band'.")


# -- intensity and confidence -----------------------------------------------------------


def test_defaults_for_intensity_and_confidence() -> None:
    out = ti.validate_events(_frame())
    assert out["intensity"].tolist() == [1.0, 1.0, 1.0]
    assert out["confidence"].tolist() == [1.0, 1.0, 1.0]


def test_records_without_the_optional_key_get_the_default() -> None:
    records = _records()
    records[0]["intensity"] = 2.5
    records[2]["confidence"] = 0.25
    out = ti.validate_events(records)
    assert out["intensity"].tolist() == [2.5, 1.0, 1.0]
    assert out["confidence"].tolist() == [1.0, 1.0, 0.25]


def test_explicit_null_in_a_record_is_an_error() -> None:
    records = _records()
    records[0]["intensity"] = 2.5
    records[1]["intensity"] = None
    _raises(records, "Column 'intensity', row 1: got nan; expected a finite number >= 0.")


def test_numbers_given_as_text_are_parsed() -> None:
    out = ti.validate_events(_frame(intensity=["2", "0.5", "1e1"], confidence=["1", "0", ".5"]))
    assert out["intensity"].tolist() == [2.0, 0.5, 10.0]
    assert out["confidence"].tolist() == [1.0, 0.0, 0.5]


@pytest.mark.parametrize(
    ("column", "value", "shown", "expected"),
    [
        ("intensity", np.nan, "nan", "a finite number >= 0"),
        ("intensity", np.inf, "inf", "a finite number >= 0"),
        ("intensity", -1.0, "-1.0", "a finite number >= 0"),
        ("confidence", 1.5, "1.5", "a finite number >= 0 and <= 1"),
        ("confidence", -0.1, "-0.1", "a finite number >= 0 and <= 1"),
        ("confidence", np.nan, "nan", "a finite number >= 0 and <= 1"),
    ],
)
def test_out_of_range_numbers(column: str, value: float, shown: str, expected: str) -> None:
    _raises(
        _frame(**{column: [1.0, value, 0.5]}),
        f"Column {column!r}, row 1: got {shown}; expected {expected}.",
        f"Fill missing values (e.g. df[{column!r}].fillna(1)) and keep values in range.",
    )


def test_non_numeric_text() -> None:
    _raises(
        _frame(intensity=["1", "high", "2"]),
        "Column 'intensity', row 1: got 'high'; expected a finite number >= 0.",
        "pd.to_numeric(df['intensity'])",
    )


def test_booleans_are_not_numbers() -> None:
    _raises(
        _frame(confidence=[True, False, True]),
        "Column 'confidence', row 0: got True; expected a finite number >= 0 and <= 1.",
        "Give numbers, not True/False.",
    )


def test_non_default_index_labels_are_shown() -> None:
    frame = _frame(intensity=[1.0, 2.0, -3.0])
    frame.index = pd.Index(["e1", "e2", "e3"])
    _raises(frame, "Column 'intensity', row 2 (index label 'e3'): got -3.0;")
    shuffled = _frame(actor1=["CHN", "", "USA"]).set_axis([10, 11, 12])
    _raises(shuffled, "Column 'actor1', row 1 (index label 11): got '';")


# -- missing and misspelt columns --------------------------------------------------------


def test_missing_column_with_near_miss() -> None:
    _raises(
        _frame().rename(columns={"date": "dte"}),
        "Missing required column 'date'. Did you mean 'dte'?",
        "The input has: dte, actor1, actor2, event_type.",
        "pass columns={'your_column': 'date'}",
    )


def test_missing_column_without_near_miss() -> None:
    frame = _frame().drop(columns="event_type")
    with pytest.raises(ti.EventValidationError) as info:
        ti.validate_events(frame)
    assert "Did you mean" not in str(info.value)
    assert re.search(
        re.escape("Missing required column 'event_type'. The input has: date, actor1, actor2."),
        str(info.value),
    )


@pytest.mark.parametrize(
    ("typo", "name"),
    [("intesity", "intensity"), ("Confidance", "confidence"), ("descripton", "description")],
)
def test_misspelt_optional_column(typo: str, name: str) -> None:
    _raises(
        _frame(**{typo: ["1", "1", "1"]}),
        f"Column {typo!r} looks like a misspelling of {name!r}, which is absent.",
        f"pass columns={{{typo!r}: {name!r}}}",
    )


# -- pass-through and extra columns ---------------------------------------------------------


def test_pass_through_then_extra_columns_in_order() -> None:
    frame = pd.DataFrame(
        {
            "note": ["n1", "n2", "n3"],
            "description": ["d1", "d2", "d3"],
            **pd.DataFrame(_records()).to_dict(orient="list"),
            "url": ["u1", "u2", "u3"],
            "event_id": ["e1", "e2", "e3"],
            "zeta": [1, 2, 3],
            "source": ["s1", "s2", "s3"],
        }
    )
    out = ti.validate_events(frame)
    assert list(out.columns) == [
        *CANONICAL,
        "event_id",
        "source",
        "url",
        "description",
        "note",
        "zeta",
    ]
    assert out["event_id"].tolist() == ["e1", "e2", "e3"]
    assert out["zeta"].tolist() == [1, 2, 3]
    assert out["description"].tolist() == ["d1", "d2", "d3"]


def test_pass_through_values_follow_their_rows_with_a_non_default_index() -> None:
    frame = _frame(description=["a", "b", "c"]).set_axis([30, 10, 20])
    out = ti.validate_events(frame)
    assert out["description"].tolist() == ["a", "b", "c"]
    assert out["actor1"].astype(str).tolist() == ["CHN", "USA", "USA"]


# -- wrong kinds of input ------------------------------------------------------------------


def test_non_dict_record() -> None:
    _raises(
        [_records()[0], ["2024-01-01", "USA", "CHN", "warning"]],
        "Record 1 is a list, not a dict. Pass events as a list of dicts such as",
    )


def test_single_dict() -> None:
    _raises(_records()[0], "Got a single dict; wrap it in a list")


@pytest.mark.parametrize(("data", "name"), [(42, "int"), ("events.csv", "str"), (None, "NoneType")])
def test_wrong_type(data: object, name: str) -> None:
    _raises(
        data,
        "validate_events takes a pandas DataFrame or a list of dicts (JSON records).",
        f"Got {name} instead.",
    )


def test_wrong_type_is_also_a_type_error() -> None:
    # Handlers written for the built-in exception keep working.
    with pytest.raises(TypeError, match="Got int instead"):
        ti.validate_events(42)  # type: ignore[arg-type]


def test_event_validation_error_is_a_value_error() -> None:
    assert issubclass(ti.EventValidationError, ValueError)
    assert issubclass(ti.EventValidationError, ti.TensionIndexError)
    with pytest.raises(ValueError, match="Missing required column 'date'"):
        ti.validate_events(_frame().drop(columns="date"))


# -- empty input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "empty",
    [[], pd.DataFrame(), pd.DataFrame(columns=CANONICAL)],
    ids=["empty list", "empty DataFrame", "no rows"],
)
def test_empty_input_is_valid(empty: object) -> None:
    out = ti.validate_events(empty)  # type: ignore[arg-type]
    assert len(out) == 0
    assert list(out.columns) == CANONICAL
    assert out["date"].dtype == np.dtype("datetime64[ns]")
    assert out["intensity"].dtype == np.float64
    assert isinstance(out["event_type"].dtype, pd.CategoricalDtype)


def test_empty_input_keeps_pass_through_and_extra_columns() -> None:
    frame = pd.DataFrame(columns=[*CANONICAL, "note", "description"])
    out = ti.validate_events(frame)
    assert list(out.columns) == [*CANONICAL, "description", "note"]


def test_empty_input_scores_to_an_empty_index() -> None:
    result = ti.stability_index([])
    assert len(result) == 0
    assert list(result.columns) == list(INDEX_COLUMNS)
    assert result["date"].dtype == np.dtype("datetime64[ns]")
    empty_frame = ti.stability_index(pd.DataFrame(columns=CANONICAL))
    assert list(empty_frame.columns) == list(result.columns)
    assert len(empty_frame) == 0


# -- text columns parsed by pyarrow --------------------------------------------


@given(
    st.lists(
        st.one_of(
            st.floats(min_value=0, max_value=1e12, allow_nan=False).map(repr),
            st.integers(0, 10**9).map(str),
            st.sampled_from(["-0", "+3", ".5", "5.", "1e3", "1E-3", " 2", "0x10", "1,5", "abc"]),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_arrow_parsed_numbers_equal_pandas_to_numeric(texts: list[str]) -> None:
    pytest.importorskip("pyarrow")
    from tensionindex.events import _arrow_floats

    column = pd.Series(texts, dtype="str")
    parsed = _arrow_floats(column)
    coerced = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if parsed is None:
        return  # a value pyarrow refuses: pandas' parser then reports or accepts it
    np.testing.assert_array_equal(parsed, coerced)
    assert not np.signbit(parsed).any()  # "-0" is 0.0, as pandas reads it


def test_text_numbers_from_arrow_text_are_validated_like_any_text() -> None:
    pytest.importorskip("pyarrow")
    frame = _frame(intensity=pd.Series(["2", "0.5", "-1"], dtype="str"))
    _raises(frame, "Column 'intensity', row 2: got '-1'", "finite number >= 0")
    frame = _frame(intensity=pd.Series(["2", "x", "1"], dtype="str"))
    _raises(frame, "Column 'intensity', row 1: got 'x'")
    out = ti.validate_events(_frame(intensity=pd.Series(["2", "0.5", "1e1"], dtype="str")))
    assert out["intensity"].tolist() == [2.0, 0.5, 10.0]


def test_without_copy_on_write_canonical_columns_are_copied(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # pandas 2 shares memory without copy-on-write: the result must then own its data.
    from tensionindex import events as module

    frame = ti.validate_events(_frame(intensity=[2.0, 0.5, 1.0]))
    shared = ti.validate_events(frame)
    if module._copy_on_write():  # always in pandas 3; pandas 2 copies without the option
        assert np.shares_memory(shared["intensity"].to_numpy(), frame["intensity"].to_numpy())
    monkeypatch.setattr(module, "_copy_on_write", lambda: False)
    copied = ti.validate_events(frame)
    for name in ("date", "intensity", "confidence"):
        assert not np.shares_memory(copied[name].to_numpy(), frame[name].to_numpy()), name
    pd.testing.assert_frame_equal(copied, shared)


# -- actor names: time, near misses, unknown actors, resolvers ------------------------------


def _two(actor2: list[str], dates: list[str], actor1: str = "USA") -> pd.DataFrame:
    return pd.DataFrame(
        {"date": dates, "actor1": actor1, "actor2": actor2, "event_type": "leader_call"}
    )


def test_a_misspelt_name_is_an_error_with_its_near_miss() -> None:
    _raises(
        _frame(actor2=["Phillipines", "CHN", "CHN"]),
        "Column 'actor2', row 0: got 'Phillipines'; expected a country code such as 'PHL' or a "
        "name of the country table.",
        "No country code or name matches it. Did you mean 'PHL' (Philippines)?",
        "Correct the value, map it with aliases={'Phillipines': 'CODE'}, or pass "
        "unknown_actors='keep'",
    )


def test_the_first_row_with_an_unknown_name_is_reported_whichever_column() -> None:
    frame = _frame(actor1=["CHN", "Chinaa", "USA"], actor2=["Phillipines", "PHL", "CHN"])
    _raises(frame, "Column 'actor2', row 0: got 'Phillipines'")
    frame = _frame(actor1=["CHN", "Chinaa", "USA"], actor2=["PHL", "PHL", "Phillipines"])
    _raises(frame, "Column 'actor1', row 1: got 'Chinaa'", "Did you mean 'CHN' (China)?")


def test_a_number_as_an_actor_points_to_the_crosswalk() -> None:
    _raises(
        _frame(actor2=["PHL", "365", "CHN"]),
        "Column 'actor2', row 1: got '365'",
        "Numbers are not actor codes: convert Gleditsch-Ward or Correlates of War numbers with "
        "tensionindex.country_codes(values, origin='gw_code', to='iso3')",
    )


def test_keep_keeps_unknown_names_and_counts_them() -> None:
    frame = _frame(actor2=["Phillipines", "phillipines ", "Atlantis"])
    out = ti.validate_events(frame, unknown_actors="keep")
    assert out["actor2"].astype(str).tolist() == ["PHILLIPINES", "PHILLIPINES", "ATLANTIS"]
    assert out.attrs["tensionindex_actors"] == {"unknown_actors": {"PHILLIPINES": 2, "ATLANTIS": 1}}


def test_keep_still_refuses_a_state_after_its_end() -> None:
    _raises(
        _two(["Soviet Union"], ["2005-03-01"]),
        "Soviet Union (SUN) ended on 1991-12-25",
        unknown_actors="keep",
    )


@pytest.mark.parametrize(
    ("value", "dates", "codes"),
    [
        ("Russia", ["1922-12-29", "1922-12-30", "1985-03-11", "1991-12-25", "1991-12-26"],
         ["RUS", "SUN", "SUN", "SUN", "RUS"]),
        ("Soviet Union", ["1960-05-01", "1991-12-25"], ["SUN", "SUN"]),
        ("RUS", ["1985-03-11", "2005-03-11"], ["RUS", "RUS"]),
        ("Zaire", ["1965-01-01", "1990-01-01", "2005-01-01"], ["COD", "COD", "COD"]),
        ("ZAR", ["1990-01-01"], ["COD"]),
        ("East Germany", ["1989-11-09", "1990-10-02"], ["DDR", "DDR"]),
        ("Yugoslavia", ["1980-01-01", "1999-03-24", "2006-06-04"], ["YUG", "YUG", "YUG"]),
        ("Serbia and Montenegro", ["2004-01-01"], ["YUG"]),
        ("Czechoslovakia", ["1968-08-21"], ["CSK"]),
        ("CS", ["1968-08-21", "2004-01-01"], ["CSK", "YUG"]),
        ("South Vietnam", ["1968-01-30"], ["RVN"]),
        ("North Vietnam", ["1968-01-30", "1980-01-01"], ["VNM", "VNM"]),
        ("Burma", ["1980-01-01", "2020-01-01"], ["MMR", "MMR"]),
        ("Ukraine", ["1985-01-01", "2014-03-01"], ["UKR", "UKR"]),
    ],
)  # fmt: skip
def test_names_resolve_at_each_events_date(value: str, dates: list[str], codes: list[str]) -> None:
    out = ti.validate_events(_two([value] * len(dates), dates))
    assert out["actor2"].astype(str).tolist() == codes
    assert "tensionindex_actors" not in out.attrs


@pytest.mark.parametrize(
    ("value", "date", "message"),
    [
        ("Soviet Union", "2005-03-01",
         "'Soviet Union' for an event on 2005-03-01, but Soviet Union (SUN) ended on "
         "1991-12-25. For later events name one of its successors: Russia (RUS), Ukraine (UKR),"),
        ("SUN", "1991-12-26", "but Soviet Union (SUN) ended on 1991-12-25."),
        ("USSR", "1992-01-01", "aliases={'USSR': 'CODE'}"),
        ("East Germany", "1990-10-03",
         "German Democratic Republic (DDR) ended on 1990-10-02. For later events name one of its "
         "successors: Germany (DEU)."),
        ("Czechoslovakia", "1993-01-01", "successors: Czechia (CZE), Slovakia (SVK)."),
        ("Yugoslavia", "2010-01-01", "Yugoslavia (YUG) ended on 2006-06-04."),
        ("South Yemen", "1994-05-04", "South Yemen (YMD) ended on 1990-05-21."),
    ],
)  # fmt: skip
def test_a_state_named_after_its_end_is_an_error(value: str, date: str, message: str) -> None:
    frame = _two(["CHN", value, "CHN"], ["1980-01-01", date, "2020-01-01"])
    _raises(frame, "Column 'actor2', row 1: got", message)


def test_a_callers_alias_applies_at_every_date() -> None:
    frame = _two(["Russia", "Russia", "Soviet Union"], ["1985-01-01", "1995-01-01", "1985-01-01"])
    out = ti.validate_events(frame, aliases={"russia": "RUS", "Soviet Union": "RUS"})
    assert out["actor2"].astype(str).tolist() == ["RUS", "RUS", "RUS"]
    out = ti.validate_events(frame.iloc[[1]], aliases={"Hamas": "HAMAS"})
    assert out["actor2"].astype(str).tolist() == ["RUS"]


def test_a_dated_alias_out_of_its_dates_falls_back_to_a_code() -> None:
    out = ti.validate_events(_two(["CS"], ["1995-01-01"]))  # neither Czechoslovakia nor SCG
    assert out["actor2"].astype(str).tolist() == ["CS"]
    assert out.attrs["tensionindex_actors"] == {"unknown_actors": {"CS": 1}}


def test_validated_events_with_former_states_validate_again_unchanged() -> None:
    frame = _two(["Russia", "East Germany", "Russia"], ["1985-01-01", "1989-01-01", "2000-01-01"])
    once = ti.validate_events(frame)
    assert once["actor2"].astype(str).tolist() == ["SUN", "DDR", "RUS"]
    pd.testing.assert_frame_equal(ti.validate_events(once), once)


def test_the_resolver_is_asked_once_per_value_and_day() -> None:
    calls: list[tuple[str, datetime.date]] = []

    def resolver(value: str, day: datetime.date) -> str | None:
        calls.append((value, day))
        return {"Pinas": "phl", "Nippon": " JPN "}.get(value)

    frame = pd.DataFrame(
        {
            "date": ["2024-01-01", "2024-01-01", "2024-01-02", "2024-01-02"],
            "actor1": [" Pinas", "Pinas", "Nippon", "CHN"],
            "actor2": ["China", "Nippon", "CHN", "Pinas"],
            "event_type": "leader_call",
        }
    )
    out = ti.validate_events(frame, actor_resolver=resolver)
    assert out["actor1"].astype(str).tolist() == ["PHL", "PHL", "JPN", "CHN"]
    assert out["actor2"].astype(str).tolist() == ["CHN", "JPN", "CHN", "PHL"]
    assert sorted(calls) == [
        ("Nippon", datetime.date(2024, 1, 1)),
        ("Nippon", datetime.date(2024, 1, 2)),
        ("Pinas", datetime.date(2024, 1, 1)),
        ("Pinas", datetime.date(2024, 1, 2)),
    ]
    assert "tensionindex_actors" not in out.attrs


def test_a_name_the_resolver_does_not_know_is_still_unknown() -> None:
    frame = _frame(actor2=["Phillipines", "CHN", "CHN"])
    _raises(frame, "got 'Phillipines'", "Did you mean 'PHL'", actor_resolver=lambda v, d: None)
    out = ti.validate_events(frame, actor_resolver=lambda v, d: None, unknown_actors="keep")
    assert out.attrs["tensionindex_actors"] == {"unknown_actors": {"PHILLIPINES": 1}}
    # The resolver also sees codes the table does not know, and may decide by the date.
    frame = _two(["ABC", "ABC"], ["1999-12-31", "2000-01-01"])
    out = ti.validate_events(frame, actor_resolver=lambda v, d: "FRA" if d.year < 2000 else None)
    assert out["actor2"].astype(str).tolist() == ["FRA", "ABC"]
    assert out.attrs["tensionindex_actors"] == {"unknown_actors": {"ABC": 1}}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"unknown_actors": "drop"},
         "The 'unknown_actors' parameter of validate_events must be one of 'error', 'keep'. "
         "Got 'drop' instead."),
        ({"actor_resolver": {"Pinas": "PHL"}},
         "The 'actor_resolver' parameter of validate_events must be a callable (value, date) -> "
         "code or None, or None. Got {'Pinas': 'PHL'} instead."),
        ({"actor_resolver": lambda v, d: 42, "unknown_actors": "keep"},
         "The 'actor_resolver' parameter of validate_events must return a code (a non-empty "
         "string) or None. It returned 42 for 'Phillipines' on 2024-03-05."),
    ],
)  # fmt: skip
def test_bad_actor_parameters(kwargs: dict[str, object], message: str) -> None:
    frame = _frame(actor2=["Phillipines", "CHN", "CHN"])
    with pytest.raises(ti.InvalidParameterError, match=re.escape(message)):
        ti.validate_events(frame, **kwargs)  # type: ignore[arg-type]


def _naive_actor(value: str, day: datetime.date, aliases: dict[str, str]) -> str:
    """One actor resolved by hand: the reference for the vectorised resolution."""
    key = value.strip().upper()
    if key in aliases:
        return aliases[key]
    rows = [r for r in _alias_rows() if r["alias"].strip().upper() == key]
    for row in rows:
        if row["valid_from"] or row["valid_to"]:
            start = row["valid_from"] or "0001-01-01"
            end = row["valid_to"] or "9999-12-31"
            if start <= day.isoformat() <= end:
                return row["code"]
    undated = [r["code"] for r in rows if not r["valid_from"] and not r["valid_to"]]
    if undated:
        return undated[0]
    table = ti.country_codes()
    named = table.loc[(table["iso3"] == key) | (table["name"].str.upper() == key), "iso3"]
    return str(named.iloc[0]) if len(named) else key


def _alias_rows() -> list[dict[str, str]]:
    import csv
    from importlib import resources

    rows = []
    for name in ("actor_aliases.csv", "country_aliases.csv"):
        text = resources.files("tensionindex").joinpath("data", name).read_text(encoding="utf-8")
        rows += [{"valid_from": "", "valid_to": "", **r} for r in csv.DictReader(text.splitlines())]
    return rows


@given(
    picks=st.lists(
        st.tuples(
            st.sampled_from(
                ["Russia", "russia ", "RUS", "China", "PRC", "Zaire", "CS", "C001", "Kosovo",
                 "East Germany", "Burma", "USA", "U.S.", "Yemen", "Serbia and Montenegro"]
            ),
            st.dates(datetime.date(1950, 1, 1), datetime.date(1990, 10, 2)),
        ),
        min_size=1,
        max_size=40,
    ),
    as_categories=st.booleans(),
)  # fmt: skip
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_vectorised_resolution_equals_resolving_each_row_by_hand(
    picks: list[tuple[str, datetime.date]], as_categories: bool
) -> None:
    values = [value for value, _ in picks]
    dates = [day.isoformat() for _, day in picks]
    frame = _two(values, dates, actor1="JPN")
    if as_categories:
        frame["actor2"] = frame["actor2"].astype("category")
    aliases = {"KOSOVO": "SRB"}
    out = ti.validate_events(frame, aliases={"Kosovo": "SRB"})
    expected = [_naive_actor(v, d, aliases) for v, d in picks]
    assert out["actor2"].astype(str).tolist() == expected
