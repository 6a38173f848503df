"""examples/service.py: started on localhost, called over HTTP, answers as the library does."""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd
import pytest

import tensionindex as ti
from tensionindex.service import error_payload, score_records
from tensionindex.state import IndexState
from tensionindex.testing import event

pytestmark = pytest.mark.slow  # starts an HTTP server: `pytest -m slow`

EXAMPLE = Path(__file__).parents[1] / "examples" / "service.py"
TIMEOUT = 20  # seconds for any one request; the server is local


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("example_service", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


service = _load()


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    server = service.make_server("127.0.0.1", 0)  # any free port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=TIMEOUT)
    assert not thread.is_alive()


def _request(url: str, body: Any = None, *, raw: bytes | None = None) -> tuple[int, Any]:
    """(status, JSON answer) of a GET (no body) or a POST, bypassing any proxy."""
    data = raw if raw is not None else None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=TIMEOUT) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def _records() -> list[dict[str, Any]]:
    events = ti.load_example("us-china-2024")
    events["date"] = pd.to_datetime(events["date"]).dt.strftime("%Y-%m-%d")
    records: list[dict[str, Any]] = json.loads(events.to_json(orient="records"))
    return records


def test_health(url: str) -> None:
    assert _request(f"{url}/health") == (200, {"status": "ok", "version": ti.__version__})


def test_score_answers_what_the_library_gives(url: str) -> None:
    records = _records()
    body = {"records": records, "config": {"half_life": 14}, "end": "2024-12-31"}
    status, answer = _request(f"{url}/score", body)
    assert status == 200
    assert answer == score_records(records, {"half_life": 14}, end="2024-12-31")


def test_update_round_trips_the_state_through_the_client(url: str) -> None:
    records = sorted(_records(), key=lambda r: r["date"])
    halves = (
        [r for r in records if r["date"] < "2024-01-01"],
        [r for r in records if r["date"] >= "2024-01-01"],
    )
    memory = IndexState(half_life=14, late="correct", lookback=10)
    state = None
    for batch in halves:
        body: dict[str, Any] = {"state": state, "records": batch}
        if state is None:
            body.update(config={"half_life": 14}, late="correct", lookback=10)
        status, answer = _request(f"{url}/update", body)
        assert status == 200
        assert list(answer["rows"][0]) == [
            "dyad",
            "date",
            "events",
            "signal",
            "tension",
            "stability",
        ]
        rows = memory.update(batch)
        assert [r["tension"] for r in answer["rows"]] == rows["tension"].tolist()
        assert [r["date"] for r in answer["rows"]] == rows["date"].dt.strftime("%Y-%m-%d").tolist()
        state = answer["state"]
    status, answer = _request(
        f"{url}/update", {"state": state, "records": [], "until": "2025-01-05"}
    )
    memory.update([], until="2025-01-05")
    assert status == 200 and answer["state"] == memory.to_dict()
    # A late event within the lookback is corrected; one from before it is refused.
    status, answer = _request(
        f"{url}/update", {"state": answer["state"], "records": [event("2025-01-01")]}
    )
    assert status == 200 and answer["warnings"][-1].startswith("5 rows are for days emitted")
    status, answer = _request(
        f"{url}/update", {"state": answer["state"], "records": [event("2024-12-01")]}
    )
    assert status == 400 and answer["error"]["type"] == "EventValidationError"
    assert "is too late to correct" in answer["error"]["message"]


def test_library_errors_answer_400_with_the_error_payload(url: str) -> None:
    bad = [event("2024-03-01", "water_canon")]
    status, answer = _request(f"{url}/score", {"records": bad})
    with pytest.raises(ti.EventValidationError) as info:
        score_records(bad)
    assert (status, answer) == (400, error_payload(info.value))
    status, answer = _request(f"{url}/score", {"records": [], "config": {"half_lif": 3}})
    assert status == 400 and answer["error"]["type"] == "ConfigurationError"
    assert "Did you mean 'half_life'?" in answer["error"]["message"]
    status, answer = _request(f"{url}/update", {"state": {"kind": "x"}, "records": []})
    assert status == 400 and answer["error"]["message"].startswith("Not a saved IndexState")
    status, answer = _request(f"{url}/score", {"records": [], "start": "soon"})
    assert status == 400 and answer["error"]["type"] == "InvalidParameterError"
    assert answer["error"]["parameter"] == "start"
    assert answer["error"]["function"] == "score_records"


@pytest.mark.parametrize(
    ("path", "body", "raw", "status", "message"),
    [
        ("/score", None, b"{not json", 400, "The body is not valid JSON: Expecting property name"),
        ("/score", [1, 2], None, 400, "The request body must be a JSON object"),
        ("/score", {"record": []}, None, 400, "Unknown field 'record'. Did you mean 'records'?"),
        ("/update", {"state": None}, None, 400, "The request body needs 'records'"),
        ("/scores", {"records": []}, None, 404, "No POST endpoint '/scores'; try /score, /update."),
    ],
)
def test_malformed_requests_answer_with_a_clear_error(
    url: str, path: str, body: Any, raw: bytes | None, status: int, message: str
) -> None:
    got_status, answer = _request(f"{url}{path}", body, raw=raw)
    assert got_status == status
    assert answer["error"]["type"] == "BadRequest"
    assert answer["error"]["message"].startswith(message)


def test_unknown_get_is_404(url: str) -> None:
    status, answer = _request(f"{url}/nothing")
    assert status == 404 and answer["error"]["message"].startswith("No GET endpoint '/nothing'")


def test_an_unexpected_error_is_a_500_without_details(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(body: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setitem(service.ROUTES, "/score", broken)
    status, answer = _request(f"{url}/score", {"records": []})
    assert (status, answer) == (
        500,
        {"error": {"type": "InternalError", "message": "Internal error."}},
    )


def test_the_demonstration_runs(capsys: pytest.CaptureFixture[str]) -> None:
    service.main([])
    out = capsys.readouterr().out
    assert "GET /health: {'status': 'ok'" in out
    assert "A typo answers 400:" in out and "Did you mean 'water_cannon'?" in out
    assert "A bad date answers 400, naming 'start':" in out
