"""One test for every declared parameter: an invalid value gives InvalidParameterError.

Functions declare their parameters' constraints with
:func:`tensionindex.params.validate_params`; this file finds every such table
among the public names (and the methods of ScoredEvents), calls the function
with one parameter replaced by a value its constraints refuse, and checks the
error names the function's parameter and the value, as scikit-learn's
``test_common`` does for every estimator.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti
from tensionindex import params
from tensionindex.params import TABLE_ATTRIBUTE, Dates, Dyads, Instance, Interval, Options
from tensionindex.testing import event

EVENTS = [
    event("2024-03-01", reported="2024-03-01"),
    event("2024-03-05", "protest_lodged", "PHL", "CHN", reported="2024-03-06"),
    event("2024-03-09", "dialogue_resumed", "USA", "CHN", reported="2024-03-09"),
]

# Valid arguments of each function, apart from the parameter under test.
SCORED = ti.score(EVENTS)
VALID: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "score": ((EVENTS,), {}),
    "deduplicate_across_datasets": (
        ([dict(e, dataset=d) for e, d in zip(EVENTS, ["gdelt2", "icews", "icews"], strict=True)],),
        {},
    ),
    "event_families": ((["cameo:042"],), {}),
    "country_codes": (("FRA",), {}),
    "tension_parts": ((SCORED,), {}),
    "plot_parts": ((SCORED,), {}),
    "source_agreement": (
        (
            ti.score(
                [
                    dict(e, dataset=d)
                    for e, d in zip(EVENTS, ["gdelt2", "icews", "icews"], strict=True)
                ]
            ),
        ),
        {},
    ),
    "stability_index": ((EVENTS,), {}),
    "contributions": ((EVENTS,), {}),
    "vintages": ((EVENTS, ["2024-03-06"]), {}),
    "explain": ((EVENTS, "CHN-PHL", "2024-03-05"), {}),
    "grouped_tension": ((EVENTS,), {}),
    "taxonomy": ((), {}),
    "alerts": ((SCORED,), {"below": 40}),
    "compare_dyads": ((SCORED,), {"start": "2024-03-01", "end": "2024-03-09"}),
    "grade": (([50.0],), {}),
    "sensitivity": ((SCORED,), {"draws": 5}),
    "weight_influence": ((SCORED, "CHN-PHL", "2024-03-05"), {}),
    "changepoints": ((SCORED,), {"dyads": "CHN-PHL"}),
    "asymmetry": ((SCORED,), {}),
    "calibrate": (
        (SCORED, pd.Series([50.0, 40.0], index=pd.to_datetime(["2024-03-01", "2024-03-05"]))),
        {"dyad": "CHN-PHL"},
    ),
    "plot_index": ((SCORED,), {}),
    "score_records": ((EVENTS,), {}),
    "update_records": ((None, EVENTS), {}),
    "turning_point_hits": (
        (
            SCORED,
            pd.DataFrame({"dyad": ["CHN-PHL"], "date": ["2024-03-05"], "direction": ["worse"]}),
        ),
        {"window": 1, "permutations": 9},
    ),
    "series_agreement": (
        (
            SCORED,
            pd.DataFrame(
                {"dyad": ["CHN-PHL"], "date": pd.to_datetime(["2024-03-01"]), "value": [1.0]}
            ),
        ),
        {"min_periods": 1},
    ),
    "show": ((SCORED.index(),), {}),
    "wide": ((SCORED.index(),), {}),
    "write_table": ((SCORED.index(), None), {"format": "csv"}),
}


def _declared() -> list[tuple[str, Callable[..., Any], str, list[params.Constraint]]]:
    found = []
    for name in ti.__all__:
        obj = getattr(ti, name)
        table = getattr(obj, TABLE_ATTRIBUTE, None)
        if callable(obj) and table:
            found += [(name, obj, p, list(c)) for p, c in table.items()]
    for method in ("index", "explain", "contributions", "vintages", "grouped"):
        table = getattr(getattr(ti.ScoredEvents, method), TABLE_ATTRIBUTE)
        bound = getattr(SCORED, method)
        found += [(f"ScoredEvents.{method}", bound, p, list(c)) for p, c in table.items()]
    return found


DECLARED = _declared()


def test_the_core_functions_declare_their_parameters() -> None:
    names = {name for name, *_ in DECLARED}
    assert {"score", "stability_index", "explain", "contributions", "vintages", "taxonomy"} <= names
    assert {"ScoredEvents.index", "ScoredEvents.explain"} <= names


def _call_args(name: str, function: Callable[..., Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    if name.startswith("ScoredEvents."):
        method = name.partition(".")[2]
        args = {"explain": ("CHN-PHL", "2024-03-05"), "vintages": (["2024-03-06"],)}
        return args.get(method, ()), {}
    if name not in VALID:
        pytest.skip(f"no valid call of {name} listed in VALID yet")
    return VALID[name]


def _refused_by_all(constraints: list[params.Constraint]) -> object:
    for constraint in constraints:
        value = constraint.invalid_example()
        if not any(c.accepts(value) for c in constraints):
            return value
    return object()


@pytest.mark.parametrize(
    ("name", "function", "parameter", "constraints"),
    DECLARED,
    ids=[f"{name}-{parameter}" for name, _, parameter, _ in DECLARED],
)
def test_an_invalid_value_names_the_function_and_the_parameter(
    name: str, function: Callable[..., Any], parameter: str, constraints: list[params.Constraint]
) -> None:
    args, kwargs = _call_args(name, function)
    value = _refused_by_all(constraints)
    signature = inspect.signature(function)
    bound = signature.bind_partial(*args, **kwargs)
    bound.arguments[parameter] = value
    with pytest.raises(ti.InvalidParameterError, match=rf"The '{parameter}' parameter of \S+"):
        function(*bound.args, **bound.kwargs)


@pytest.mark.parametrize(
    ("constraint", "good", "bad"),
    [
        (Interval(int, 1, None), [1, np.int64(5)], [0, 1.0, True, "1", None]),
        (
            Interval(float, 0, 1),
            [0, 0.5, 1, np.float32(0.25)],
            [-0.1, 1.5, math.nan, math.inf, True],
        ),
        (Interval(float, 0, None, closed="neither"), [1e-9], [0, -1]),
        (Options(("pelt", "binseg")), ["pelt"], ["PELT", None, 1]),
        (
            Dates(),
            [None, "2024-03-01", pd.Timestamp("2024-03-01"), np.datetime64("2024-03-01")],
            ["soon", 20240301, 1.5, True, "1600-01-01", "2300-01-01", np.datetime64("NaT")],
        ),
        (Dates(optional=False), ["2024-03-01"], [None]),
        (
            Dyads(),
            [None, "CHN-USA", ["CHN-USA", "CHN-PHL"]],
            [42, [], ["CHN-USA", 1], "", {"a": 1}],
        ),
        (Dyads(several=False), ["CHN-USA"], [["CHN-USA"]]),
        (Instance((int, None), "an integer or None"), [None, 3], ["3", True]),
    ],
)
def test_constraints_accept_and_refuse(
    constraint: params.Constraint, good: list[object], bad: list[object]
) -> None:
    assert all(constraint.accepts(v) for v in good)
    assert not any(constraint.accepts(v) for v in bad)
    assert not constraint.accepts(constraint.invalid_example())


def test_out_of_range_dates_are_refused_not_wrapped() -> None:
    # pandas' nanosecond range ends in 1677 and 2262: a date outside it used to wrap around.
    with pytest.raises(
        ti.InvalidParameterError, match=r"from 1678-01-01 to 2261-12-31.*'1600-01-01'"
    ):
        ti.stability_index(EVENTS, start="1600-01-01")


def test_the_error_is_a_value_and_a_type_error() -> None:
    with pytest.raises(ValueError, match="normalize"):
        SCORED.index(normalize="z")
    with pytest.raises(TypeError, match="normalize"):
        SCORED.index(normalize="z")
    with pytest.raises(ti.ConfigurationError, match=r"Did you mean 'zscore'\?"):
        SCORED.index(normalize="zscor")


def test_an_unknown_keyword_is_an_invalid_parameter() -> None:
    with pytest.raises(ti.InvalidParameterError, match=r"ScoredEvents\.index: .*'normalise'"):
        SCORED.index(normalise="zscore")  # type: ignore[call-arg]


def test_a_table_naming_a_missing_parameter_is_refused_at_definition() -> None:
    with pytest.raises(TypeError, match=r"has no parameters \['draw'\]"):

        @params.validate_params({"draw": [Interval(int, 1, None)]})
        def sample(draws: int = 1) -> int:
            return draws
