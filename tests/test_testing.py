"""The public hypothesis strategies in tensionindex.testing."""

from __future__ import annotations

import datetime
import importlib
import sys

import pandas as pd
import pytest
from hypothesis import given
from hypothesis.errors import InvalidArgument

import tensionindex as ti
from tensionindex.testing import ACTORS, configs, event_records, event_types, events

KNOWN_TYPES = frozenset(ti.taxonomy()["event_type"])


@given(frame=events())
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_events_are_valid_and_realistic(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == [
        "date", "actor1", "actor2", "event_type", "intensity", "confidence", "event_id",
        "description",
    ]
    assert len(frame) <= 30
    validated = ti.validate_events(frame)
    assert len(validated) == len(frame)
    assert set(frame["actor1"]) | set(frame["actor2"]) <= set(ACTORS)
    assert (frame["actor1"] != frame["actor2"]).all()
    assert set(frame["event_type"]) <= KNOWN_TYPES
    assert frame["intensity"].between(0, 5).all() and frame["confidence"].between(0, 1).all()
    assert frame["date"].between(pd.Timestamp("2018-01-01"), pd.Timestamp("2024-12-31")).all()
    assert frame["event_id"].is_unique


@given(
    frame=events(
        min_size=3,
        max_size=5,
        actors=["USA", "CHN"],
        types=["water_cannon", "plover:CONSULT/phone"],
        min_date=datetime.date(2024, 1, 1),
        max_date=datetime.date(2024, 12, 31),
        max_span_days=10,
    )
)
def test_events_respect_their_arguments(frame: pd.DataFrame) -> None:
    assert 3 <= len(frame) <= 5
    assert set(frame["actor1"]) | set(frame["actor2"]) <= {"USA", "CHN"}
    assert set(frame["event_type"]) <= {"water_cannon", "plover:CONSULT/phone"}
    assert frame["date"].min() >= pd.Timestamp("2024-01-01")
    assert frame["date"].max() <= pd.Timestamp("2024-12-31")
    assert (frame["date"].max() - frame["date"].min()).days <= 10


@given(records=event_records(max_size=5))
def test_event_records_are_json_style(records: list[dict[str, object]]) -> None:
    for record in records:
        assert isinstance(record["date"], str)
        datetime.date.fromisoformat(record["date"])
    assert len(ti.validate_events(records)) == len(records)


@given(key=event_types(sources=["plover"]))
def test_event_types_by_source(key: str) -> None:
    assert key.startswith("plover:") and key in KNOWN_TYPES


@given(config=configs(kernels=["window"], directed=True, category_settings=False))
def test_configs_respect_their_arguments(config: ti.IndexConfig) -> None:
    assert config.kernel == "window" and config.directed
    assert 1 <= config.window <= 400 and 0.5 <= config.scale <= 50
    assert not config.category_multipliers and not config.category_half_lives


@given(config=configs())
def test_configs_are_valid_and_round_trip(config: ti.IndexConfig) -> None:
    assert 0.5 <= config.half_life <= 365
    assert ti.IndexConfig.from_dict(config.to_dict()) == config


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: events(min_size=-1), r"The 'min_size' parameter of events must be an integer"),
        (lambda: events(min_size=3, max_size=2), r"'max_size' parameter of events must be an int"),
        (lambda: events(actors=["USA"]), r"'actors' parameter of events must be a sequence of at"),
        (
            lambda: event_records(
                min_date=datetime.date(2024, 1, 2), max_date=datetime.date(2024, 1, 1)
            ),
            r"'max_date' parameter of event_records must be a date on or after min_date",
        ),
        (lambda: events(types=[]), r"'types' parameter of events must be a non-empty sequence"),
        (lambda: event_types(sources=["gdelt"]), r"'sources' parameter of event_types must be"),
        (lambda: configs(kernels=["gaussian"]), r"'kernels' parameter of configs must be"),
        (lambda: configs(directed="yes"), r"'directed' parameter of configs must be True, False"),
    ],
)
def test_invalid_arguments(make: object, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        make()  # type: ignore[operator]


def test_without_hypothesis_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "hypothesis", None)  # makes `import hypothesis` fail
    for name in [m for m in sys.modules if m.startswith("tensionindex.testing")]:
        monkeypatch.delitem(sys.modules, name)
    testing = importlib.import_module("tensionindex.testing")
    assert testing.event("2024-03-05")["event_type"] == "water_cannon"  # the factory needs nothing
    with pytest.raises(
        ti.MissingDependencyError,
        match=r"tensionindex\.testing needs the optional dependency 'hypothesis'.*"
        r'pip install "tensionindex\[test\]"',
    ):
        testing.events()
