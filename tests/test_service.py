"""score_records, update_records and error_payload: JSON in, JSON out, from many threads."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti
from tensionindex import service
from tensionindex.service import error_payload, score_records, update_records
from tensionindex.state import IndexState
from tensionindex.testing import event


def _records() -> list[dict[str, Any]]:
    """The bundled example as JSON records, the way a client would send it."""
    events = ti.load_example("us-china-2024")
    events["date"] = pd.to_datetime(events["date"]).dt.strftime("%Y-%m-%d")
    records: list[dict[str, Any]] = json.loads(events.to_json(orient="records"))
    return records


def _assert_rows_equal(rows: list[dict[str, Any]], frame: pd.DataFrame) -> None:
    assert [r["dyad"] for r in rows] == frame["dyad"].astype(str).tolist()
    assert [r["date"] for r in rows] == frame["date"].dt.strftime("%Y-%m-%d").tolist()
    for name in ("events", "signal", "tension", "stability"):
        assert [r[name] for r in rows] == frame[name].tolist(), name


def test_score_records_equals_stability_index_and_is_plain_json() -> None:
    records = _records()
    out = score_records(records, half_life=14)
    assert list(out) == ["rows", "fingerprint", "config", "warnings", "version"]
    config = ti.IndexConfig(half_life=14)
    _assert_rows_equal(out["rows"], ti.stability_index(records, config))
    assert out["fingerprint"] == config.fingerprint and out["config"] == config.to_dict()
    assert out["version"] == ti.__version__ and out["warnings"] == []
    assert list(out["rows"][0]) == ["dyad", "date", "events", "signal", "tension", "stability"]
    assert type(out["rows"][0]["events"]) is int and type(out["rows"][0]["tension"]) is float
    # Every float survives JSON exactly, and the same input gives the same output.
    assert json.loads(json.dumps(out, allow_nan=False)) == out
    assert score_records(records, half_life=14) == out


def test_configuration_as_object_dict_or_overrides() -> None:
    records = [event("2024-03-01"), event("2024-03-03", "threat", "USA", "CHN")]
    config = ti.IndexConfig(kernel="window", window=7, aggregation="mean")
    expected = score_records(records, config)
    assert score_records(records, config.to_dict()) == expected
    assert score_records(records, {"kernel": "window", "window": 7}, aggregation="mean") == expected
    assert score_records(records, kernel="window", window=7, aggregation="mean") == expected


def test_start_end_and_dyads_narrow_the_rows() -> None:
    records = _records()
    out = score_records(records, start="2024-01-01", end="2024-01-31", dyads="China-US")
    frame = ti.stability_index(records, start="2024-01-01", end="2024-01-31", dyads="CHN-USA")
    _assert_rows_equal(out["rows"], frame)
    assert len(out["rows"]) == 31


def test_no_records_give_no_rows() -> None:
    out = score_records([])
    assert out["rows"] == [] and out["warnings"] == []


def test_warnings_note_repeated_ids_and_busy_days() -> None:
    records = [
        event("2024-03-01", event_id="a"),
        event("2024-03-01", event_id="a"),
        event("2024-03-02", event_id="b"),
        event("2024-03-02"),
    ]
    busy = [event("2024-03-05", "threat", "USA", "CHN") for _ in range(25)]
    out = score_records(records + busy)
    assert out["warnings"] == [
        "2 events share an event_id with another event. If they are reports of the same event, "
        "deduplicate them first (tensionindex.deduplicate).",
        "Up to 25 events for one dyad on one day with aggregation='sum': the index then follows "
        "the volume of reports. For coded news data use aggregation='mean' or 'share', or "
        "deduplicate first.",
    ]
    assert score_records(records + busy, aggregation="mean")["warnings"] == out["warnings"][:1]
    frame = pd.DataFrame(records)
    assert score_records(frame)["warnings"] == out["warnings"][:1]


def test_errors_are_raised_and_turn_into_json_payloads() -> None:
    with pytest.raises(ti.EventValidationError, match=r"Did you mean 'water_cannon'\?") as info:
        score_records([event("2024-03-01", "water_canon")])
    payload = error_payload(info.value)
    assert payload["error"]["type"] == "EventValidationError"
    assert payload["error"]["message"] == str(info.value)
    assert json.loads(json.dumps(payload)) == payload
    with pytest.raises(ti.EventInputTypeError, match=r"Got a single dict; wrap it in a list"):
        score_records(event("2024-03-01"))  # type: ignore[arg-type]
    with pytest.raises(ti.ConfigurationError, match=r"Unknown setting 'halflife'\. Did you mean"):
        score_records([event("2024-03-01")], halflife=3)
    with pytest.raises(ti.ConfigurationError, match=r"Unknown configuration setting 'kernal'"):
        score_records([event("2024-03-01")], {"kernal": "window"})
    with pytest.raises(
        ti.ConfigurationError, match=r"A configuration must be a mapping of settings\. Got str"
    ):
        score_records([event("2024-03-01")], "goldstein")  # type: ignore[arg-type]
    with pytest.raises(
        TypeError,
        match=r"error_payload takes an error raised by tensionindex \(a TensionIndexError\)\. "
        r"Got ValueError instead; let other exceptions become server errors\.",
    ):
        error_payload(ValueError("boom"))  # type: ignore[arg-type]


def test_bad_arguments_name_the_parameter_in_the_payload() -> None:
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"^The 'start' parameter of score_records must be a date such as '2024-04-16', "
        r"from 1678-01-01 to 2261-12-31, or None\. Got 'soon' instead\.$",
    ) as info:
        score_records([event("2024-03-01")], start="soon")
    payload = error_payload(info.value)
    assert payload == {
        "error": {
            "type": "InvalidParameterError",
            "message": str(info.value),
            "parameter": "start",
            "function": "score_records",
        }
    }
    with pytest.raises(ti.InvalidParameterError, match=r"The 'dyads' parameter of score_records"):
        score_records([event("2024-03-01")], dyads=42)  # type: ignore[arg-type]
    with pytest.raises(ti.InvalidParameterError, match=r"The 'until' parameter of update_records"):
        update_records(None, [], until="later")
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"The 'state' parameter of update_records must be a state saved by "
        r"IndexState\.to_dict\(\), or None\. Got 'abc' instead\.",
    ) as info:
        update_records("abc", [])  # type: ignore[arg-type]
    assert error_payload(info.value)["error"]["parameter"] == "state"


def test_other_errors_have_no_parameter_in_the_payload() -> None:
    with pytest.raises(ti.EventValidationError, match=r"No events for dyad 'CHN-JPN'") as info:
        score_records([event("2024-03-01")], dyads="CHN-JPN")
    assert set(error_payload(info.value)["error"]) == {"type", "message"}


# -- the JSON text: column by column, equal to json.dumps of the dict -------------------


def _reference_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as they were built before the column-wise builder: one dict per row."""
    dates = np.datetime_as_string(frame["date"].to_numpy().astype("datetime64[D]")).tolist()
    columns = (
        frame["dyad"].astype(str).tolist(),
        dates,
        frame["events"].to_numpy(np.int64).tolist(),
        frame["signal"].to_numpy(float).tolist(),
        frame["tension"].to_numpy(float).tolist(),
        frame["stability"].to_numpy(float).tolist(),
    )
    names = ("dyad", "date", "events", "signal", "tension", "stability")
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _hard_floats(rng: np.random.Generator, n: int) -> np.ndarray:
    """Finite floats of every kind: random bit patterns (subnormals, huge, tiny), signed
    zeros, powers of ten at the edges of repr's switch to exponents, and plain values."""
    bits = rng.integers(0, 2**63, n, dtype=np.int64).view(np.float64)
    bits = np.where(np.isfinite(bits), bits, 1.5)
    bits = bits * rng.choice([-1.0, 1.0], n)
    edges = np.array([0.0, -0.0, 1e16, 1e15, 9999999999999998.0, 1e-4, 1e-5, 5e-324, 0.1, 1 / 3])
    plain = rng.normal(size=n) * 50
    pool = np.concatenate([bits, edges, plain, np.round(plain, 2)])
    return rng.choice(pool, n)


def _random_frame(seed: int) -> pd.DataFrame:
    """An index-like frame: dyads by days, in any order, with hard floats."""
    rng = np.random.default_rng(seed)
    names = ["CHN-PHL", "USA-CHN", 'A"B-C\\D', "Zürich-東京", "X-Y\n"][: int(rng.integers(1, 6))]
    n = int(rng.integers(0, 400))
    dyads = rng.choice(names, n)
    days = pd.Timestamp("1900-01-01") + pd.to_timedelta(rng.integers(0, 80_000, n), unit="D")
    frame = pd.DataFrame(
        {
            "dyad": pd.Categorical(dyads, categories=names) if seed % 2 else dyads,
            "date": days,
            "events": rng.integers(0, 10**6, n),
            "signal": _hard_floats(rng, n),
            "tension": _hard_floats(rng, n),
            "stability": _hard_floats(rng, n),
        }
    )
    return frame


@pytest.mark.parametrize("seed", range(12))
def test_rows_and_their_json_text_equal_the_row_by_row_build(seed: int) -> None:
    frame = _random_frame(seed)
    expected = _reference_rows(frame)
    assert service._rows(frame) == expected
    text = service._rows_json(frame)
    assert text == json.dumps(expected, allow_nan=False)
    # Every float reads back bit for bit.
    back = json.loads(text)
    for name in ("signal", "tension", "stability"):
        got = np.array([row[name] for row in back], dtype=float)
        assert got.tobytes() == frame[name].to_numpy(float).tobytes(), name


def test_the_json_text_refuses_what_json_dumps_refuses() -> None:
    frame = _random_frame(1).head(3).copy()
    frame.loc[1, "tension"] = np.inf
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        json.dumps(_reference_rows(frame), allow_nan=False)
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        service._rows_json(frame)


@pytest.mark.parametrize("k", range(16))
def test_output_json_is_json_dumps_of_the_dict(k: int) -> None:
    records = _inputs(k)
    settings: dict[str, Any] = {"half_life": 5.0 + k % 11, "directed": k % 5 == 0}
    if k % 4 == 3:
        first = update_records(None, records[: len(records) // 2], late="correct", **settings)
        later = records[len(records) // 2 :]
        answer = update_records(first["state"], later, until="2024-02-10")
        text = json.dumps(answer, allow_nan=False)
        assert update_records(first["state"], later, until="2024-02-10", output="json") == text
    else:
        answer = score_records(records, start="2023-12-25", **settings)
        text = json.dumps(answer, allow_nan=False)
        assert score_records(records, start="2023-12-25", output="json", **settings) == text
    assert json.loads(text) == answer


def test_output_json_with_no_rows_and_a_bad_output() -> None:
    assert score_records([], output="json") == json.dumps(score_records([]), allow_nan=False)
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"The 'output' parameter of score_records must be one of 'dict', 'json'\. "
        r"Got 'text' instead\.",
    ):
        score_records([], output="text")  # type: ignore[call-overload]
    with pytest.raises(ti.InvalidParameterError, match=r"'output' parameter of update_records"):
        update_records(None, [], output="JSON")  # type: ignore[call-overload]


# -- update_records ---------------------------------------------------------------


def test_update_records_through_json_equals_a_state_kept_in_memory() -> None:
    records = _records()
    records.sort(key=lambda r: r["date"])
    halves = [records[: len(records) // 2], records[len(records) // 2 :]]
    # Cut between days, so that no event of the second half is late.
    while halves[1] and halves[1][0]["date"] == halves[0][-1]["date"]:
        halves[0].append(halves[1].pop(0))
    memory = IndexState(half_life=10)
    saved: dict[str, Any] | None = None
    for batch in halves:
        settings: dict[str, Any] = {"half_life": 10} if saved is None else {}
        out = update_records(saved, batch, **settings)
        out = json.loads(json.dumps(out, allow_nan=False))
        _assert_rows_equal(out["rows"], memory.update(batch))
        saved = out["state"]
        assert out["fingerprint"] == ti.IndexConfig(half_life=10).fingerprint
    out = update_records(saved, [], until="2025-01-10")
    _assert_rows_equal(out["rows"], memory.update([], until="2025-01-10"))
    assert out["state"] == memory.to_dict()


def test_update_records_notes_corrected_rows() -> None:
    first = update_records(
        None, [event("2024-03-01"), event("2024-03-04")], late="correct", lookback=7
    )
    assert first["state"]["late"] == "correct" and first["state"]["lookback"] == 7
    second = update_records(first["state"], [event("2024-03-02", "ramming")])
    assert [r["date"] for r in second["rows"]] == ["2024-03-02", "2024-03-03", "2024-03-04"]
    assert second["warnings"] == [
        "3 rows are for days emitted before, after late events: each replaces any earlier row "
        "with the same dyad and date."
    ]


def test_update_records_guards_the_saved_configuration() -> None:
    saved = update_records(None, [event("2024-03-01")], half_life=10)["state"]
    # The same configuration again is fine.
    assert update_records(saved, [event("2024-03-02")], half_life=10)["rows"]
    with pytest.raises(
        ti.ConfigurationError,
        match=r"The configuration given \(fingerprint '[0-9a-f]{16}'\) is not the one the saved "
        r"state was built with \('[0-9a-f]{16}'\)\. Leave config out",
    ):
        update_records(saved, [event("2024-03-02")], half_life=11)
    with pytest.raises(
        ti.ConfigurationError,
        match=r"The saved state has late='reject'; got late='correct'\. Leave late out",
    ):
        update_records(saved, [event("2024-03-02")], late="correct")
    with pytest.raises(ti.ConfigurationError, match=r"The saved state has lookback=30; got "):
        update_records(saved, [event("2024-03-02")], lookback=3)
    with pytest.raises(ti.ConfigurationError, match=r"Not a saved IndexState"):
        update_records({"rows": []}, [event("2024-03-02")])
    with pytest.raises(ti.EventValidationError, match=r"comes on or before the last emitted day"):
        update_records(saved, [event("2024-03-01")])


# -- threads ----------------------------------------------------------------------


ACTORS = ("CHN", "USA", "PHL", "JPN", "RUS")
TYPES = ("water_cannon", "leader_call", "threat", "cameo:046", "plover:COERCE", "ramming")


def _inputs(k: int) -> list[dict[str, Any]]:
    """Seeded events of a few dyads over a month, different for each k."""
    rng = np.random.default_rng(k)
    n = int(rng.integers(1, 25))
    days = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 30, n), unit="D")
    pairs = rng.choice(len(ACTORS), size=(n, 2))
    pairs[:, 1] = (pairs[:, 0] + 1 + pairs[:, 1] % (len(ACTORS) - 1)) % len(ACTORS)
    return [
        event(f"{day:%Y-%m-%d}", TYPES[t], ACTORS[a], ACTORS[b], intensity=float(q))
        for day, (a, b), t, q in zip(
            days, pairs, rng.integers(0, len(TYPES), n), rng.integers(0, 5, n), strict=True
        )
    ]


def _job(k: int) -> Any:
    """A different call for each k: its own events, configuration and function."""
    records = _inputs(k)
    settings: dict[str, Any] = {
        "half_life": 5.0 + k % 11,
        "aggregation": ("sum", "mean", "share")[k % 3],
        "kernel": ("exponential", "window")[k % 2],
    }
    if k % 4 == 3:
        records.sort(key=lambda r: str(r["date"]))
        middle = records[len(records) // 2]["date"]
        first = update_records(None, [r for r in records if r["date"] <= middle], **settings)
        return update_records(first["state"], [r for r in records if r["date"] > middle])
    return score_records(records, **settings)


@pytest.mark.slow  # about 6 s: many threads, many requests
def test_many_threads_get_what_one_thread_gets() -> None:
    # 8 threads x 50 calls over 40 different inputs: each input is scored by several
    # threads at once, next to calls on other inputs and configurations.
    distinct = 40
    alone = [_job(k) for k in range(distinct)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(lambda k: (k, _job(k % distinct)), range(400)))
    for k, result in together:
        assert result == alone[k % distinct]
    assert len({json.dumps(a) for a in alone}) == distinct  # the inputs really differ
