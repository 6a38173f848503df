"""Time-zone-aware timestamps: the UTC date by default, the local date on request."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

import tensionindex as ti


def _rows(*dates: object) -> list[dict[str, object]]:
    return [{"date": d, "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"}
            for d in dates]


@pytest.mark.parametrize(
    ("text", "utc", "local"),
    [
        ("2024-03-05T00:30:00+08:00", "2024-03-04", "2024-03-05"),  # half past midnight, Manila
        ("2024-03-05T23:30:00-05:00", "2024-03-06", "2024-03-05"),
        ("2024-03-05T23:30:00Z", "2024-03-05", "2024-03-05"),
        ("2024-03-05 06:00:00+0530", "2024-03-05", "2024-03-05"),
        ("2024-03-05", "2024-03-05", "2024-03-05"),
        ("2024-03", "2024-03-01", "2024-03-01"),
    ],
)
def test_text_timestamps(text: str, utc: str, local: str) -> None:
    assert str(ti.validate_events(_rows(text))["date"].dt.date[0]) == utc
    assert str(ti.validate_events(_rows(text), local_dates=True)["date"].dt.date[0]) == local


def test_aware_columns_and_objects() -> None:
    frame = pd.DataFrame(_rows("2024-03-05T00:30:00+08:00"))
    frame["date"] = pd.to_datetime(frame["date"])
    assert str(ti.validate_events(frame)["date"].dt.date[0]) == "2024-03-04"
    assert str(ti.validate_events(frame, local_dates=True)["date"].dt.date[0]) == "2024-03-05"
    manila = datetime.timezone(datetime.timedelta(hours=8))
    moment = datetime.datetime(2024, 3, 5, 0, 30, tzinfo=manila)
    assert str(ti.validate_events(_rows(moment), local_dates=True)["date"].dt.date[0]) == (
        "2024-03-05"
    )


def test_reported_follows_the_same_rule_and_the_flag_is_checked() -> None:
    rows = _rows("2024-03-05T00:30:00+08:00")
    rows[0]["reported"] = "2024-03-06T00:10:00+08:00"
    events = ti.validate_events(rows, local_dates=True)
    assert str(events["reported"].dt.date[0]) == "2024-03-06"
    with pytest.raises(ti.InvalidParameterError, match=r"'local_dates' parameter .* True or False"):
        ti.validate_events(rows, local_dates="yes")  # type: ignore[arg-type]
