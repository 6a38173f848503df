"""Errors reachable through the public API are the library's own, naming the value."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti
from tensionindex.exceptions import InvalidParameterError


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        (ti.IndexConfig(), dict, r"The 'b' parameter of diff must be an IndexConfig"),
        ({"half_life": 3}, ti.IndexConfig(), r"The 'a' parameter of diff .* Got \{'half_life"),
    ],
)
def test_diff_names_the_argument_that_is_not_a_configuration(
    a: object, b: object, match: str
) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        ti.diff(a, b)  # type: ignore[arg-type]


def _row(**values: object) -> dict[str, object]:
    return {"date": "2024-01-01", "actor1": "CHN", "actor2": "USA",
            "event_type": "water_cannon", **values}


@pytest.mark.parametrize(
    ("rows", "match"),
    [
        ([_row(actor1="A-B", actor2="C"), _row(actor1="A", actor2="B-C")],
         r"Column 'actor1', row 0: got 'A-B'; expected an actor code without '-' or '>'"),
        ([_row(actor2="X->Y")], r"Column 'actor2', row 0: got 'X->Y'.*e\.g\. 'X__Y'"),
        ([_row(), _row(actor1={"code": "CHN"})],
         r"Column 'actor1', row 1: got \{'code': 'CHN'\}; expected a non-empty actor code"),
        ([_row(event_type=["water_cannon"])],
         r"Column 'event_type', row 0: got \['water_cannon'\]; expected an event type"),
    ],
    ids=["separator-in-code", "arrow-in-code", "dict-actor", "list-type"],
)
def test_values_that_cannot_be_actor_codes_or_types_are_named(
    rows: list[dict[str, object]], match: str
) -> None:
    with pytest.raises(ti.EventValidationError, match=match):
        ti.validate_events(rows, unknown_actors="keep")


@pytest.mark.parametrize("value", [[], {"name": "gdelt2"}, 5])
def test_a_dataset_that_is_not_a_name_is_named(value: object) -> None:
    # Found by the fuzz suite: a list in 'dataset' crashed in pd.factorize when scored.
    rows = [_row(dataset="icews"), _row(dataset=value)]
    with pytest.raises(ti.EventValidationError, match=r"Column 'dataset', row 1: got "):
        ti.score_records(rows)
    frame = pd.DataFrame(rows).astype({"dataset": "category"}) if value == 5 else None
    if frame is not None:  # a categorical column is checked by its categories
        with pytest.raises(ti.EventValidationError, match=r"Column 'dataset', row 1: got 5"):
            ti.validate_events(frame)
    assert ti.validate_events([_row(dataset=None)])["dataset"].isna().all()


def test_a_name_with_a_hyphen_resolves_to_its_code() -> None:
    events = ti.validate_events([_row(actor1="Guinea-Bissau")])
    assert events["actor1"].tolist() == ["GNB"]


@pytest.mark.parametrize("neutral", ["dyad", "source"])
def test_per_unit_weights_name_the_neutral_in_force_and_the_fix(neutral: str) -> None:
    scored = ti.score(ti.load_example("us-china-2024"), neutral=neutral)
    with pytest.raises(
        InvalidParameterError,
        match=(
            r"The 'per_unit_weight' parameter of ScoredEvents\.grouped is True, which needs "
            rf"neutral='zero'; these events are scored with neutral='{neutral}'\. Under "
            rf"neutral='{neutral}' each event's baseline mixes the weights of other event types"
            r".*Score with neutral='zero' for per-type weights "
            r"\(scored\.with_config\(neutral='zero'\) keeps the validated events\)"
        ),
    ):
        scored.grouped(per_unit_weight=True)
    # The fix the message gives works: the per-type parts add up to the index's tension.
    fixed = scored.with_config(neutral="zero")
    parts = fixed.grouped(per_unit_weight=True)
    index = fixed.index().pivot(index="dyad", columns="date", values="tension")
    np.testing.assert_allclose(
        parts.tension(), index.loc[list(parts.dyads)].to_numpy(), rtol=1e-12, atol=1e-9
    )


def test_per_unit_weights_by_category_name_the_by_given() -> None:
    scored = ti.score(ti.load_example("us-china-2024"))
    with pytest.raises(
        InvalidParameterError,
        match=r"is True, which needs by='event_type' \(weights belong to event types\)\. "
        r"Got by='category' instead\.",
    ):
        scored.grouped(by="category", per_unit_weight=True)


@pytest.mark.parametrize("neutral", ["dyad", "source"])
def test_calibrate_names_the_neutral_in_force_the_reason_and_the_fix(neutral: str) -> None:
    scored = ti.score(ti.load_example("us-china-2024"), neutral=neutral)
    target = pd.Series([55.0, 45.0], index=pd.to_datetime(["2024-03-01", "2024-04-01"]))
    baseline = {"dyad": "the dyad's other events", "source": "the other events of its source"}
    with pytest.raises(InvalidParameterError) as raised:
        ti.calibrate(scored, target, dyad="CHN-PHL")
    message = str(raised.value)
    # calibrate's own message, not the one of the ScoredEvents.grouped call inside it.
    assert "per_unit_weight" not in message
    assert re.fullmatch(
        rf"calibrate needs neutral='zero'; the configuration in force has neutral='{neutral}'\. "
        r"The fit is linear in per-unit parts: the tension split into one part per event type, "
        r"from that type's own events at weight 1, and these parts add up to the index only "
        rf"around a zero neutral\. Under neutral='{neutral}' each event counts from a baseline "
        rf"made of {baseline[neutral]}, so a type's weight moves the tension of events of other "
        r"types too\. Score with neutral='zero' and calibrate that: "
        r"scored\.with_config\(neutral=\"zero\"\) keeps the validated events \(for raw events, "
        r"pass neutral='zero'\)\.",
        message,
    ), message
    # The fix it gives runs.
    fitted, report = ti.calibrate(
        scored.with_config(neutral="zero"), target, dyad="CHN-PHL", folds=0, regularization=1
    )
    assert fitted.neutral == "zero"
    assert np.isfinite(report.rmse_after)
