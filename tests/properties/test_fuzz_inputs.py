"""Fuzz: arbitrary JSON-like values into configurations, records and saved states.

Whatever arrives through the JSON API (a configuration, event records, a
saved IndexState), the library answers with a result or with one of its own
errors (a TensionIndexError, which the service turns into HTTP 400): never a
TypeError, KeyError, RecursionError or a NaN in the output, and never an
edit of the caller's data.
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tensionindex as ti
from tensionindex.exceptions import TensionIndexError

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(
        ["2024-03-05", "2024-03", "2024", "CHN", "PHL", "water_cannon", "exponential", "auto",
         "cameo:190", "kernel_mean", "1e308", "-1", "", " "]
    )
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                               max_size=4),
    max_leaves=12,
)
_SETTINGS = [f.name for f in ti.IndexConfig.__dataclass_fields__.values()]
_FIELDS = ["date", "actor1", "actor2", "event_type", "intensity", "confidence", "reported",
           "date_precision", "event_id", "url", "dataset"]


def _finite(payload: dict[str, Any]) -> None:
    """No NaN or infinity anywhere in a JSON answer."""
    text = json.dumps(payload, allow_nan=True)
    assert "NaN" not in text and "Infinity" not in text


@st.composite
def _configs(draw: st.DrawFn) -> dict[str, Any]:
    """Mostly real setting names, with any values (sometimes nested deeply)."""
    keys = st.sampled_from(_SETTINGS) | st.text(max_size=8)
    return draw(st.dictionaries(keys, _JSON, max_size=4))


@st.composite
def _records(draw: st.DrawFn) -> list[Any]:
    good = {"date": "2024-03-05", "actor1": "CHN", "actor2": "PHL",
            "event_type": "water_cannon"}
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        row = dict(good)
        for key in draw(st.lists(st.sampled_from(_FIELDS), max_size=3)):
            row[key] = draw(_JSON)
        rows.append(row if draw(st.integers(0, 9)) else draw(_JSON))
    return rows


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(config=_configs())
def test_any_configuration_is_a_configuration_or_a_configuration_error(
    config: dict[str, Any],
) -> None:
    before = copy.deepcopy(config)
    try:
        made = ti.IndexConfig.from_dict(config)
    except TensionIndexError:
        return
    finally:
        assert config == before or _has_nan(before)
    assert isinstance(made.fingerprint, str)
    assert ti.IndexConfig.from_json(made.to_json()) == made


def _has_nan(value: Any) -> bool:
    """NaN != NaN: such inputs cannot be compared for equality after the call."""
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, dict):
        return any(_has_nan(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_nan(v) for v in value)
    return False


@pytest.mark.slow
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(text=st.text(max_size=200), depth=st.integers(0, 3_000))
def test_any_toml_or_json_text_parses_or_is_a_configuration_error(text: str, depth: int) -> None:
    for candidate in (text, "a = " + "[" * depth + "]" * depth, "[" * depth + "]" * depth):
        for reader in (ti.IndexConfig.from_toml, ti.IndexConfig.from_json):
            with contextlib.suppress(TensionIndexError):  # anything else fails the test
                reader(candidate)


@pytest.mark.slow
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=60)
@given(records=_records(), config=st.none() | _configs())
def test_any_records_score_or_give_a_library_error(records: list[Any], config: Any) -> None:
    before = copy.deepcopy(records)
    try:
        answer = ti.score_records(records, config)
    except TensionIndexError as exc:
        payload = ti.error_payload(exc)
        assert payload["error"]["message"]
        return
    finally:
        assert records == before or _has_nan(before)
    _finite(answer)


@pytest.fixture(scope="module")
def saved_state() -> dict[str, Any]:
    records = [
        {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"},
        {"date": "2024-03-05", "actor1": "CHN", "actor2": "USA", "event_type": "leader_call"},
    ]
    answer = ti.update_records(None, records)
    return dict(answer["state"])


def _mutate(value: Any, path: list[int], replacement: Any) -> Any:
    """``value`` with the part that ``path`` picks (by position) replaced."""
    if not path or not isinstance(value, dict | list) or not value:
        return replacement
    keys = list(value) if isinstance(value, dict) else list(range(len(value)))
    key = keys[path[0] % len(keys)]
    out = dict(value) if isinstance(value, dict) else list(value)
    out[key] = _mutate(value[key], path[1:], replacement)
    return out


@pytest.mark.slow
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
          deadline=None, max_examples=80)
@given(path=st.lists(st.integers(0, 50), max_size=6), replacement=_JSON)
def test_a_damaged_saved_state_is_refused_by_name(
    saved_state: dict[str, Any], path: list[int], replacement: Any
) -> None:
    damaged = _mutate(saved_state, path, replacement)
    record = [{"date": "2024-03-09", "actor1": "CHN", "actor2": "PHL",
               "event_type": "water_cannon"}]
    try:
        answer = ti.update_records(damaged, record)
    except TensionIndexError:
        return
    _finite(answer)
    assert np.isfinite([row["stability"] for row in answer["rows"]]).all()
