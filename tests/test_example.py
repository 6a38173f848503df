"""The bundled example us-china-2024: its coding, its sources, its spans and the seed case.

The seed case is the news report the example was coded from (US-China defence
contacts resuming in 2023-2024, the Chinese coast guard's water cannon at
Second Thomas Shoal).  The index must tell that story with the default weights:
CHN-PHL falls on the two water-cannon days of March 2024, CHN-USA rises on the
day of the Filoli summit and on the day of the Austin-Dong call, and stays
above neutral from the call to the end of the span the example monitors.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

import tensionindex as ti

EVENTS = ti.load_example("us-china-2024")
SPANS = ti.example_spans("us-china-2024").set_index("dyad")


def _dyad(frame: pd.DataFrame) -> pd.Series:
    pairs = zip(frame["actor1"].astype(str), frame["actor2"].astype(str), strict=True)
    return pd.Series(["-".join(sorted(pair)) for pair in pairs], index=frame.index)


def _stability(dyad: str) -> pd.Series:
    span = SPANS.loc[dyad]
    index = ti.stability_index(EVENTS, dyads=dyad, end=span["end"])
    return index.set_index("date")["stability"]


def _row(event_id: str) -> pd.Series:
    (position,) = EVENTS.index[EVENTS["event_id"] == event_id]
    return EVENTS.loc[position]


# -- the seed case ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "before", "after"),
    [("2024-03-05", 39.67, 6.12), ("2024-03-23", 13.67, 3.91)],
)
def test_chn_phl_falls_on_the_water_cannon_days_of_march_2024(
    day: str, before: float, after: float
) -> None:
    stability = _stability("CHN-PHL")
    today = pd.Timestamp(day)
    assert stability[today - pd.Timedelta(days=1)] == pytest.approx(before, abs=0.01)
    assert stability[today] == pytest.approx(after, abs=0.01)


@pytest.mark.parametrize(
    ("day", "before", "after"),
    [("2023-11-15", 40.16, 57.70), ("2024-04-16", 68.03, 80.81)],
)
def test_chn_usa_rises_on_the_filoli_summit_and_the_austin_dong_call(
    day: str, before: float, after: float
) -> None:
    stability = _stability("CHN-USA")
    today = pd.Timestamp(day)
    assert stability[today - pd.Timedelta(days=1)] == pytest.approx(before, abs=0.01)
    assert stability[today] == pytest.approx(after, abs=0.01)
    # The summit lifts CHN-USA across neutral; the call lifts it further.
    assert stability[today] > 50


def test_chn_usa_stays_above_neutral_from_the_austin_dong_call_to_the_end_of_its_span() -> None:
    # "After" the call means every day from the call to the last day the example
    # monitors CHN-USA (2024-07-31), three and a half months.
    after = _stability("CHN-USA")["2024-04-16":]
    assert after.index[-1] == SPANS.loc["CHN-USA", "end"]
    assert len(after) == 107
    assert (after > 50).all()
    assert after.min() == pytest.approx(56.42, abs=0.01)


def test_the_austin_dong_call_weighs_more_than_the_working_level_talks() -> None:
    # The article's headline, the first ministerial contact in 17 months, restarts
    # a suspended channel; the policy talks of January are working-level talks.
    why = ti.explain(EVENTS, "CHN-USA", "2024-04-16")
    weight = dict(zip(why["event_id"], why["weight"], strict=True))
    assert weight["ex-047"] == -7.0  # Austin-Dong call
    assert weight["ex-037"] == -7.0  # Brown-Liu call
    assert weight["ex-038"] == -3.5  # defence policy coordination talks
    assert weight["ex-047"] < weight["ex-038"]


# -- the coding ---------------------------------------------------------------------------------


def test_the_filoli_summit_is_coded_once() -> None:
    day = EVENTS[(EVENTS["date"] == "2023-11-15") & (_dyad(EVENTS) == "CHN-USA")]
    assert day["event_type"].astype(str).tolist() == ["leader_summit"]


def test_the_treaty_statements_reassure_manila() -> None:
    for event_id in ("ex-030", "ex-045"):
        row = _row(event_id)
        assert (row["actor1"], row["actor2"], row["event_type"]) == (
            "USA", "PHL", "cooperation_pledged"
        )  # fmt: skip
    warnings = EVENTS[(EVENTS["event_type"] == "warning") & (_dyad(EVENTS) == "CHN-USA")]
    assert warnings.empty


@pytest.mark.parametrize(
    ("event_id", "event_type"),
    [
        ("ex-006", "leader_summit"),  # the 3.5-hour virtual summit of 2021
        ("ex-018", "laser_pointing"),  # the laser incident
        ("ex-011", "visa_ban"),  # personal sanctions on Pelosi and her family
        ("ex-017", "hotline_unanswered"),  # Austin's call on the crisis line, declined
        ("ex-051", "cooperation_pledged"),  # a disputed provisional arrangement
        ("ex-005", "ministerial_talks"),  # defence ministers' call
    ],
)
def test_recoded_rows(event_id: str, event_type: str) -> None:
    assert _row(event_id)["event_type"] == event_type


def test_no_standing_non_answer_and_no_handshake_are_coded() -> None:
    ids = set(EVENTS["event_id"])
    # ex-046: China "has not yet agreed" to a meeting, a standing state, not a dated
    # refusal; ex-023: a handshake at a dinner, not talks; ex-033: the Filoli summit twice.
    assert not {"ex-023", "ex-033", "ex-046"} & ids
    assert not ((EVENTS["date"] == "2024-04-15") | (EVENTS["date"] == "2023-06-02")).any()


@pytest.mark.parametrize(
    ("date", "dyad", "event_type"),
    [
        ("2018-07-06", "CHN-USA", "tariffs_raised"),
        ("2018-09-24", "CHN-USA", "tariffs_raised"),
        ("2019-05-10", "CHN-USA", "tariffs_raised"),
        ("2019-09-01", "CHN-USA", "tariffs_raised"),
        ("2019-05-15", "CHN-USA", "export_controls"),  # Huawei on the Entity List
        ("2020-07-22", "CHN-USA", "consulate_closed"),  # Houston
        ("2020-07-24", "CHN-USA", "consulate_closed"),  # Chengdu
        ("2021-03-18", "CHN-USA", "ministerial_talks"),  # Anchorage
        ("2022-10-07", "CHN-USA", "export_controls"),  # chip controls
        ("2023-02-02", "CHN-USA", "airspace_incursion"),  # the balloon
        ("2023-02-03", "CHN-USA", "meeting_refused"),  # Blinken's trip postponed
        ("2023-05-10", "CHN-USA", "ministerial_talks"),  # Sullivan-Wang, Vienna
        ("2023-09-16", "CHN-USA", "ministerial_talks"),  # Sullivan-Wang, Malta
        ("2024-01-26", "CHN-USA", "ministerial_talks"),  # Sullivan-Wang, Bangkok
        ("2024-05-31", "CHN-USA", "ministerial_talks"),  # Austin-Dong, Singapore
        ("2019-06-09", "CHN-PHL", "ramming"),  # Reed Bank
        ("2021-11-16", "CHN-PHL", "water_cannon"),  # Second Thomas Shoal
        ("2023-12-09", "CHN-PHL", "water_cannon"),  # Scarborough Shoal
        ("2024-04-30", "CHN-PHL", "water_cannon"),  # Scarborough Shoal
        ("2023-01-04", "CHN-PHL", "leader_summit"),  # Marcos's state visit
        ("2023-04-08", "CHN-TWN", "military_exercise"),  # Joint Sword
        ("2024-05-23", "CHN-TWN", "military_exercise"),  # Joint Sword-2024A
    ],
)
def test_the_record_is_completed(date: str, dyad: str, event_type: str) -> None:
    found = EVENTS[(EVENTS["date"] == date) & (_dyad(EVENTS) == dyad)]
    assert event_type in set(found["event_type"].astype(str)), (date, dyad)


def test_every_row_names_a_public_source() -> None:
    assert EVENTS["event_id"].is_unique
    assert EVENTS["url"].notna().all()
    assert EVENTS["url"].str.match(r"https?://[^\s]+$").all()
    assert EVENTS["source"].notna().all()
    # Only built-in analyst types: the example shows the catalogue at work.
    analyst = set(ti.taxonomy(source="analyst")["event_type"])
    assert set(EVENTS["event_type"].astype(str)) <= analyst


# -- the spans ----------------------------------------------------------------------------------


def test_example_spans_declares_each_monitored_dyad() -> None:
    spans = ti.example_spans()
    assert list(spans.columns) == ["dyad", "start", "end", "covers"]
    assert spans["dyad"].tolist() == ["CHN-USA", "CHN-PHL", "CHN-TWN", "PHL-USA"]
    assert (spans["start"] < spans["end"]).all()
    assert str(spans["start"].dtype) == "datetime64[ns]"
    # TWN-USA has one context row (Pelosi's visit) and is not monitored.
    assert "TWN-USA" in set(_dyad(EVENTS)) and "TWN-USA" not in set(spans["dyad"])
    assert ti.examples() == ["us-china-2024"]  # the spans file is not an example


def test_every_span_holds_most_of_its_dyads_rows() -> None:
    dyads = _dyad(EVENTS)
    for dyad, span in SPANS.iterrows():
        dates = EVENTS.loc[dyads == dyad, "date"]
        inside = dates.between(span["start"], span["end"])
        assert inside.any(), dyad
        assert dates[inside].max() <= span["end"], dyad
    # Rows before a span are landmarks kept for context: the two CHN-PHL incidents
    # of 2019 and 2021, and nothing else.
    outside = EVENTS[(dyads == "CHN-PHL") & (EVENTS["date"] < SPANS.loc["CHN-PHL", "start"])]
    assert outside["event_id"].tolist() == ["ex-085", "ex-086"]


def test_example_spans_unknown_name() -> None:
    message = "Unknown example 'us-china'. Did you mean 'us-china-2024'?"
    with pytest.raises(ti.EventValidationError, match=re.escape(message)):
        ti.example_spans("us-china")
