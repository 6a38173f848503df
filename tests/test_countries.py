"""The country table, the alias table and country_codes: codes, dates, former states, crosswalk."""

from __future__ import annotations

import csv
import datetime
import re
import warnings
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti
from tensionindex.countries import (
    ALIAS_FILES,
    COUNTRY_COLUMNS,
    actor_table,
    builtin_aliases,
    is_code_shaped,
)


def _csv(name: str) -> list[dict[str, str]]:
    text = resources.files("tensionindex").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _aliases() -> list[dict[str, str]]:
    """Every row of the alias tables, with empty dates where a table has none."""
    rows = []
    for name in ALIAS_FILES:
        for row in _csv(name):
            rows.append({"valid_from": "", "valid_to": "", **row})
    return rows


TABLE = ti.country_codes()
STATES = TABLE[TABLE["kind"] == "state"]


def _day(text: str) -> int:
    return int(np.datetime64(text, "D").astype(np.int64))


# -- the table ------------------------------------------------------------------------


def test_the_table_has_its_columns_and_dtypes() -> None:
    assert tuple(TABLE.columns) == COUNTRY_COLUMNS
    assert str(TABLE["gw_code"].dtype) == "Int64" and str(TABLE["cow_code"].dtype) == "Int64"
    assert TABLE["valid_from"].dtype == np.dtype("datetime64[ns]")
    assert set(TABLE["kind"]) == {"state", "territory", "region", "organisation"}


def test_the_rows_of_a_code_never_overlap_and_run_forward() -> None:
    for code, rows in TABLE.groupby("iso3"):
        start = rows["valid_from"].fillna(pd.Timestamp.min)
        end = rows["valid_to"].fillna(pd.Timestamp.max)
        assert (start <= end).all(), code
        order = np.argsort(start.to_numpy())
        assert (start.to_numpy()[order][1:] > end.to_numpy()[order][:-1]).all(), code


def test_only_states_have_state_system_codes() -> None:
    others = TABLE[TABLE["kind"] != "state"]
    assert others[["gw_code", "cow_code"]].isna().all().all()
    assert others[["gw_letters", "cow_letters"]].isna().all().all()
    # Every state is in both lists, except the Holy See, which is in neither.
    missing = STATES[STATES["gw_code"].isna() | STATES["cow_code"].isna()]
    assert missing["iso3"].tolist() == ["VAT"]


def test_letter_codes_are_three_upper_case_letters() -> None:
    for column in ("gw_letters", "cow_letters"):
        letters = STATES[column].dropna()
        assert letters.str.fullmatch(r"[A-Z]{3}").all(), column


def test_gleditsch_ward_and_cow_codes_agree_except_where_the_lists_differ() -> None:
    coded = STATES.dropna(subset=["gw_code"])
    differ = coded[
        (coded["gw_code"] != coded["cow_code"]) | (coded["gw_letters"] != coded["cow_letters"])
    ]
    found = {
        (r.iso3, r.valid_from.year if pd.notna(r.valid_from) else None): (
            r.gw_code, r.gw_letters, r.cow_code, r.cow_letters
        )
        for r in differ.itertuples()
    }
    # Where the two lists disagree (Gleditsch & Ward 1999, and their list of
    # microstates; COW State System Membership v2016): unified Germany is GW's
    # German Federal Republic but COW's Germany; GW counts unified Yemen as the
    # Yemen Arab Republic, COW as a new state; COW's Serbia is Yugoslavia's 345;
    # GW numbers four Pacific microstates in its own 970s.
    assert found == {
        ("DEU", 1990): (260, "GFR", 255, "GMY"),
        ("YEM", None): (678, "YEM", 678, "YAR"),
        ("YEM", 1990): (678, "YEM", 679, "YEM"),
        ("SRB", 2006): (340, "SER", 345, "YUG"),
        ("KIR", 1979): (970, "KBI", 946, "KIR"),
        ("NRU", 1968): (971, "NAU", 970, "NAU"),
        ("TON", 1970): (972, "TON", 955, "TON"),
        ("TUV", 1978): (973, "TUV", 947, "TUV"),
    }


@pytest.mark.parametrize(
    ("iso3", "gw", "cow", "cow_letters"),
    [
        # From the published lists (GW 1999 as revised; COW states2016.csv).
        ("USA", 2, 2, "USA"),
        ("CAN", 20, 20, "CAN"),
        ("GBR", 200, 200, "UKG"),
        ("FRA", 220, 220, "FRN"),
        ("CHN", 710, 710, "CHN"),
        ("TWN", 713, 713, "TAW"),
        ("PRK", 731, 731, "PRK"),
        ("KOR", 732, 732, "ROK"),
        ("JPN", 740, 740, "JPN"),
        ("PHL", 840, 840, "PHI"),
        ("IND", 750, 750, "IND"),
        ("PAK", 770, 770, "PAK"),
        ("ISR", 666, 666, "ISR"),
        ("PSE", None, None, None),
        ("IRN", 630, 630, "IRN"),
        ("UKR", 369, 369, "UKR"),
        ("COD", 490, 490, "DRC"),
        ("ZAF", 560, 560, "SAF"),
        ("AUS", 900, 900, "AUL"),
        ("AUT", 305, 305, "AUS"),
        ("XKX", 347, 347, "KOS"),
        ("SSD", 626, 626, "SSD"),
        ("TLS", 860, 860, "ETM"),
    ],
)
def test_codes_of_well_known_states(
    iso3: str, gw: int | None, cow: int | None, cow_letters: str | None
) -> None:
    row = ti.country_codes(iso3, origin="iso3")
    assert row["gw_code"].iloc[0] is pd.NA if gw is None else row["gw_code"].iloc[0] == gw
    assert row["cow_code"].iloc[0] is pd.NA if cow is None else row["cow_code"].iloc[0] == cow
    assert row["cow_letters"].iloc[0] == cow_letters


@pytest.mark.parametrize(
    ("iso3", "last_day", "successors"),
    [
        ("SUN", "1991-12-25", "RUS;UKR;BLR;MDA;EST;LVA;LTU;GEO;ARM;AZE;KAZ;KGZ;TJK;TKM;UZB"),
        ("YUG", "2006-06-04", "SRB;MNE;HRV;SVN;BIH;MKD;XKX"),
        ("CSK", "1992-12-31", "CZE;SVK"),
        ("DDR", "1990-10-02", "DEU"),
        ("YMD", "1990-05-21", "YEM"),
        ("RVN", "1975-04-30", "VNM"),
        ("ZAN", "1964-04-25", "TZA"),
    ],
)
def test_former_states_end_on_their_last_day_and_name_their_successors(
    iso3: str, last_day: str, successors: str
) -> None:
    row = TABLE[TABLE["iso3"] == iso3].iloc[-1]
    assert row["valid_to"] == pd.Timestamp(last_day)
    assert row["successors"] == successors
    assert set(successors.split(";")) <= set(TABLE["iso3"])
    # The day after, no row of the state is valid.
    after = (pd.Timestamp(last_day) + pd.Timedelta(days=1)).date()
    assert ti.country_codes(iso3, origin="iso3", to="iso3", date=after).isna().all()


def test_the_successor_starts_the_day_after_unification_or_dissolution() -> None:
    for earlier, later in [("SUN", "RUS"), ("DDR", "DEU"), ("CSK", "CZE"), ("CSK", "SVK")]:
        end = TABLE.loc[TABLE["iso3"] == earlier, "valid_to"].max()
        starts = TABLE.loc[TABLE["iso3"] == later, "valid_from"]
        assert (end + pd.Timedelta(days=1)) in set(starts), (earlier, later)


# -- the alias table --------------------------------------------------------------------


def test_every_alias_maps_to_a_code_of_the_table() -> None:
    codes = set(TABLE["iso3"])
    for row in _aliases():
        assert row["code"] in codes, row
    assert list(_csv("actor_aliases.csv")[0]) == ["alias", "code"]
    assert list(_csv("country_aliases.csv")[0]) == ["alias", "code", "valid_from", "valid_to"]


def test_no_alias_or_name_means_two_codes_at_once() -> None:
    undated: dict[str, str] = {}
    for row in _aliases():
        key = row["alias"].strip().upper()
        if not row["valid_from"] and not row["valid_to"]:
            assert undated.setdefault(key, row["code"]) == row["code"], key
    codes = set(TABLE["iso3"])
    for key, code in undated.items():
        assert key not in codes or key == code, key  # an alias never re-maps a code
    for name, code in zip(TABLE["name"], TABLE["iso3"], strict=True):
        assert undated.get(name.upper(), code) == code, name
    # Dated aliases of one name never overlap.
    dated: dict[str, list[tuple[int, int]]] = {}
    for row in _aliases():
        if row["valid_from"] or row["valid_to"]:
            start = _day(row["valid_from"]) if row["valid_from"] else -(10**9)
            end = _day(row["valid_to"]) if row["valid_to"] else 10**9
            for other in dated.setdefault(row["alias"].upper(), []):
                assert end < other[0] or start > other[1], row
            dated[row["alias"].upper()].append((start, end))


def test_russia_is_the_soviet_union_exactly_while_it_existed() -> None:
    (row,) = [r for r in _aliases() if r["alias"] == "Russia" and r["valid_to"]]
    sun = TABLE[TABLE["iso3"] == "SUN"].iloc[0]
    assert (pd.Timestamp(row["valid_from"]), pd.Timestamp(row["valid_to"])) == (
        sun["valid_from"],
        sun["valid_to"],
    )
    assert builtin_aliases()["RUSSIA"] == "RUS"


def test_every_table_name_and_code_resolves_to_its_code() -> None:
    static = actor_table().static
    for name, code in zip(TABLE["name"], TABLE["iso3"], strict=True):
        assert static[name.upper()] == code
        assert static[code] == code


def test_the_table_agrees_with_pycountry() -> None:
    pycountry = pytest.importorskip("pycountry", reason="pycountry is not installed")
    assert {c.alpha_3 for c in pycountry.countries} <= set(TABLE["iso3"])
    ours = set(TABLE.loc[TABLE["kind"].isin(["state", "territory"]), "iso3"])
    former = {c.alpha_3 for c in pycountry.historic_countries}
    # Beyond ISO 3166-1: its former codes we keep, Kosovo's user-assigned XKX, and two
    # former states ISO never coded (South Vietnam, Zanzibar) under their COW letters.
    extra = ours - {c.alpha_3 for c in pycountry.countries}
    assert extra - former == {"XKX", "RVN", "ZAN"}
    static = actor_table().static
    for country in pycountry.countries:
        for attribute in ("name", "common_name"):
            name = getattr(country, attribute, None)
            if name:
                assert static.get(name.upper()) == country.alpha_3, name


# -- actor resolution at a date ----------------------------------------------------------


def test_dated_resolution() -> None:
    table = actor_table()
    days = np.array([_day(d) for d in ("1922-12-29", "1922-12-30", "1991-12-25", "1991-12-26")])
    assert table.at("RUSSIA", days).tolist() == ["RUS", "SUN", "SUN", "RUS"]
    assert table.at("RUS", days).tolist() == ["RUS"] * 4  # a code is taken as given
    cs = np.array([_day(d) for d in ("1990-01-01", "1995-01-01", "2004-01-01")])
    assert table.at("CS", cs).tolist() == ["CSK", None, "YUG"]
    assert table.needs_date("SOVIET UNION") and table.needs_date("RUSSIA")
    assert not table.needs_date("CHINA") and not table.needs_date("ZAIRE")


def test_a_callers_alias_wins_over_a_dated_one() -> None:
    table = actor_table({"RUSSIA": "RUS"})
    assert table.at("RUSSIA", np.array([_day("1985-01-01")])).tolist() == ["RUS"]
    assert not table.needs_date("RUSSIA")
    assert "RUSSIA" in actor_table().dated  # the built-in table is unchanged


def test_suggestions_name_the_code_and_the_country() -> None:
    table = actor_table()
    assert table.suggestion("Phillipines") == " Did you mean 'PHL' (Philippines)?"
    assert "'DEU' (Germany)" in table.suggestion("Germny")
    assert table.suggestion("qqqqqqqq") == ""


def test_ended_message_lists_the_successors() -> None:
    message = actor_table().ended_message("CSK")
    assert message == (
        "Czechoslovakia (CSK) ended on 1992-12-31. For later events name one of its "
        "successors: Czechia (CZE), Slovakia (SVK)."
    )


@pytest.mark.parametrize(
    ("value", "shaped"),
    [("USA", True), ("EU", True), ("C001", True), ("NATO", True), ("usa", False),
     ("Usa", False), ("X", False), ("ABCDE", False), ("365", False), ("U.S.", False)],
)  # fmt: skip
def test_what_is_written_as_a_code(value: str, shaped: bool) -> None:
    assert is_code_shaped(value) is shaped


# -- country_codes -------------------------------------------------------------------------


def test_codes_that_changed_over_time_follow_the_date() -> None:
    dates = ["1940-06-01", "1980-06-01", "2000-06-01"]
    assert ti.country_codes(["DEU"] * 3, origin="iso3", to="cow_code", date=dates).tolist() == [
        255, 260, 255
    ]
    assert ti.country_codes(["DEU"] * 3, origin="iso3", to="gw_code", date=dates).tolist() == [
        255, 260, 260
    ]
    got = ti.country_codes([678, 679, 680], origin="cow_code", to="iso3", date="1985-01-01")
    assert got.tolist() == ["YEM", None, "YMD"]
    dates = ["1999-03-24", "2010-01-01"]
    got = ti.country_codes([345, 345], origin="cow_code", to="iso3", date=dates)
    assert got.tolist() == ["YUG", "SRB"]


def test_without_a_date_a_value_gets_its_newest_row() -> None:
    assert ti.country_codes(["DEU"], origin="iso3", to="cow_code").tolist() == [255]
    assert ti.country_codes([365], origin="gw_code", to="iso3").tolist() == ["RUS"]
    assert ti.country_codes(["YUG"], origin="cow_letters", to="iso3").tolist() == ["SRB"]
    assert ti.country_codes(["Russia"], to="iso3").tolist() == ["RUS"]


def test_names_resolve_as_validate_events_resolves_them() -> None:
    got = ti.country_codes(
        ["Zaire", "Burma", "russia", " U.S. ", "East Germany", "Serbia and Montenegro"],
        to="iso3",
        date="1989-11-09",
    )
    assert got.tolist() == ["COD", "MMR", "SUN", "USA", "DDR", "YUG"]
    assert got.index.tolist()[0] == "Zaire"


def test_nothing_matches_gives_missing_values() -> None:
    got = ti.country_codes(["Phillipines", None, "Soviet Union"], date="2005-01-01")
    assert got.isna().all().all()
    assert ti.country_codes([99999], origin="gw_code", to="iso3").isna().all()


def test_a_series_keeps_its_index_and_the_whole_table_at_a_date() -> None:
    values = pd.Series(["FRA", "CHN"], index=["a", "b"])
    got = ti.country_codes(values, origin="iso3", to="gw_code")
    assert got.index.tolist() == ["a", "b"] and got.tolist() == [220, 710]
    in_1980 = set(ti.country_codes(date="1980-01-01")["iso3"])
    assert {"SUN", "DDR", "CSK", "YUG", "USA", "ZWE"} <= in_1980
    assert not {"UKR", "CZE", "SVK", "SRB", "RVN", "ZAN"} & in_1980
    assert ti.country_codes(to="iso3").tolist() == TABLE["iso3"].tolist()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ti.country_codes("FRA", origin="iso2"),
         "The 'origin' parameter of country_codes must be one of 'auto', 'iso3'"),
        (lambda: ti.country_codes("FRA", to="gw"),
         "The 'to' parameter of country_codes must be one of 'iso3', 'name', 'gw_code'"),
        (lambda: ti.country_codes("FRA", date="soon"),
         "The 'date' parameter of country_codes must be a date such as '2024-04-16'"),
        (lambda: ti.country_codes(["FRA", "CHN"], date=["2000-01-01"]),
         "must be one date or one date per value. Got 1 dates for 2 values instead."),
        (lambda: ti.country_codes(["FRA"], date=["someday"]),
         "The 'date' parameter of country_codes must be dates such as '2024-04-16'. "
         "Got 'someday' instead."),
        (lambda: ti.country_codes([2]),
         "the number 2 with origin='auto', which could be a Gleditsch-Ward or a Correlates"),
        (lambda: ti.country_codes(date=["2000-01-01"]),
         "must be one date when no values are given"),
    ],
)  # fmt: skip
def test_bad_parameters(call: object, message: str) -> None:
    with pytest.raises(ti.InvalidParameterError, match=re.escape(message)):
        call()  # type: ignore[operator]


def test_a_near_miss_of_an_option_is_suggested() -> None:
    with pytest.raises(ti.InvalidParameterError, match=re.escape("Did you mean 'gw_code'")):
        ti.country_codes("FRA", to="gw_cod")  # type: ignore[arg-type]


def test_dates_may_be_dates_timestamps_or_text() -> None:
    for when in (datetime.date(1985, 1, 1), pd.Timestamp("1985-01-01"), "1985-01-01"):
        assert ti.country_codes("Russia", to="iso3", date=when).tolist() == ["SUN"]


# -- real coded data: every actor code it gives is in the tables --------------------------

DATA = Path(__file__).resolve().parent / "data"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _read(path: Path) -> pd.DataFrame:
    name = path.name.lower()
    reader = ti.read_icews if "icews" in name or name.endswith(".tab") else ti.read_gdelt
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return reader(path)


@pytest.mark.parametrize(
    "path",
    sorted(DATA.glob("gdelt*")) + sorted(DATA.glob("georgia*")) + sorted(DATA.glob("icews*.tab")),
    ids=lambda p: p.name,
)
def test_the_shipped_samples_have_no_unknown_actor(path: Path) -> None:
    events = _read(path)
    assert len(events) and "tensionindex_actors" not in events.attrs


def _shared_files() -> list[Path]:
    patterns = ["gdelt/v1_raw/*", "gdelt/v2_raw/*", "gdelt/derived/*.csv",
                "gdelt/derived/georgia_gdelt1_monthly/*.csv", "icews/*.tab"]  # fmt: skip
    return [path for pattern in patterns for path in sorted(SHARED.glob(pattern))]


@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared/data (real GDELT and ICEWS)")
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_the_real_samples_have_no_unknown_actor() -> None:
    files = _shared_files()
    assert files
    codes: set[str] = set()
    for path in files:
        events = _read(path)
        assert "tensionindex_actors" not in events.attrs, path.name
        codes |= set(events["actor1"].astype(str)) | set(events["actor2"].astype(str))
    # GDELT's CAMEO country codes beyond ISO 3166 are in the table (regions) or aliased.
    assert codes <= set(TABLE["iso3"])


def test_a_name_without_a_state_on_the_day_is_missing_here_and_its_code_in_events() -> None:
    # Ukraine has no row before 1991-08-24: country_codes says so, while an event
    # of 1985 still needs an actor and gets the code the name resolves to.
    assert pd.isna(ti.country_codes("Ukraine", to="iso3", date="1985-06-01").iloc[0])
    frame = pd.DataFrame(
        {
            "date": ["1985-06-01"],
            "actor1": ["Ukraine"],
            "actor2": ["Russia"],
            "event_type": ["leader_call"],
        }
    )
    out = ti.validate_events(frame)
    assert (str(out["actor1"].iloc[0]), str(out["actor2"].iloc[0])) == ("UKR", "SUN")
    assert ti.country_codes("Russia", to="iso3", date="1985-06-01").iloc[0] == "SUN"
