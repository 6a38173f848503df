"""examples/service.py: started on localhost, called over HTTP, answers as the library does.

The fast tests serve from threads (``workers=0``) with a short read timeout and
a small body cap; the slow ones (``pytest -m slow``) start worker processes,
50 concurrent clients, the ``--serve`` command and the demonstration.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd
import pytest

import tensionindex as ti
from tensionindex.service import error_payload, score_records
from tensionindex.state import IndexState
from tensionindex.testing import event

EXAMPLE = Path(__file__).parents[1] / "examples" / "service.py"
TIMEOUT = 20  # seconds for any one request; the server is local
READ_TIMEOUT = 0.5  # the fast server's, so that stalled clients are dropped quickly
CAP = 5_000  # the fast server's body cap, in bytes
GRID = 1_000  # the fast server's max_grid_cells


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("example_service", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


service = _load()


@contextlib.contextmanager
def _serve(**settings: Any) -> Iterator[str]:
    server = service.make_server("127.0.0.1", 0, **settings)  # any free port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=TIMEOUT)
    assert not thread.is_alive()


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    """A server that scores in its threads, with a short read timeout and a small cap."""
    settings = {
        "read_timeout": READ_TIMEOUT,
        "max_body_bytes": CAP,
        "max_connections": 4,
        "max_grid_cells": GRID,
    }
    with _serve(workers=0, **settings) as address:
        yield address


@pytest.fixture(scope="module")
def pool_url() -> Iterator[str]:
    """A server with two worker processes, as the example serves."""
    with _serve(workers=2) as address:
        yield address


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


@pytest.mark.slow
def test_health_is_answered_by_a_worker_process(pool_url: str) -> None:
    assert _request(f"{pool_url}/health") == (200, {"status": "ok", "version": ti.__version__})


@pytest.mark.slow
def test_score_answers_what_the_library_gives(pool_url: str) -> None:
    url = pool_url
    records = _records()
    body = {"records": records, "config": {"half_life": 14}, "end": "2024-12-31"}
    status, answer = _request(f"{url}/score", body)
    assert status == 200
    cap = service.MAX_GRID_CELLS  # the server's, in the configuration it answers with
    assert answer == score_records(
        records, {"half_life": 14, "max_grid_cells": cap}, end="2024-12-31"
    )


@pytest.mark.slow
def test_update_round_trips_the_state_through_the_client(pool_url: str) -> None:
    url = pool_url
    records = sorted(_records(), key=lambda r: r["date"])
    halves = (
        [r for r in records if r["date"] < "2024-01-01"],
        [r for r in records if r["date"] >= "2024-01-01"],
    )
    cap = service.MAX_GRID_CELLS
    memory = IndexState(half_life=14, late="correct", lookback=10, max_grid_cells=cap)
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


@pytest.mark.slow
def test_library_errors_answer_400_with_the_error_payload(pool_url: str) -> None:
    url = pool_url
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
        ("/score", None, b"", 400, "The request body must be a JSON object"),
        ("/score", None, b'{"records": "\xff"}', 400, "The body is not valid JSON: 'utf-8' codec"),
        (
            "/score",
            None,
            b"[" * 2500 + b"]" * 2500,
            400,
            "The body is not valid JSON: maximum recursion",
        ),
        (
            "/score",
            None,
            b'{"start": ' + b"9" * 4400 + b"}",
            400,
            "The body is not valid JSON: Exceeds",
        ),
    ],
)
def test_malformed_requests_answer_with_a_clear_error(
    url: str, path: str, body: Any, raw: bytes | None, status: int, message: str
) -> None:
    got_status, answer = _request(f"{url}{path}", body, raw=raw)
    assert got_status == status
    assert answer["error"]["type"] == "BadRequest"
    assert answer["error"]["message"].startswith(message)


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _raw(url: str, data: bytes, *, close: bool = False) -> tuple[int, dict[str, Any]]:
    """Send ``data`` as is on a new connection (``close``: then end the sending side) and
    read the answer until the server closes: (status, JSON body)."""
    with socket.create_connection(("127.0.0.1", _port(url)), timeout=TIMEOUT) as connection:
        connection.sendall(data)
        if close:
            connection.shutdown(socket.SHUT_WR)
        return _answer(connection)


def _answer(connection: socket.socket) -> tuple[int, dict[str, Any]]:
    """(status, JSON body) read from ``connection`` until the server closes it."""
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    assert b"Content-Type: application/json" in head
    return status, json.loads(body)


VALID = json.dumps({"records": [event("2024-03-01")]}).encode()


@pytest.mark.parametrize(
    ("headers", "body", "status", "message"),
    [
        (b"", VALID, 411, "Send the body with a Content-Length header"),
        (b"Transfer-Encoding: chunked\r\n", b"5\r\nhello\r\n0\r\n\r\n", 411, "Send the body"),
        # -1 once made the server read until the client closed, past any cap.
        (
            b"Content-Length: -1\r\n",
            VALID * 2,
            400,
            "The Content-Length header must be one whole number of bytes. Got '-1' instead.",
        ),
        (b"Content-Length: abc\r\n", VALID, 400, "The Content-Length header must be one whole"),
        (b"Content-Length: 1e3\r\n", VALID, 400, "The Content-Length header must be one whole"),
        (b"Content-Length: \xb2\r\n", VALID, 400, "The Content-Length header must be one whole"),
        (
            b"Content-Length: 5\r\nContent-Length: 6\r\n",
            VALID,
            400,
            "The Content-Length header must be one whole number of bytes. Got '5, 6' instead.",
        ),
        (
            b"Content-Length: 5001\r\n",
            VALID,
            413,
            "The body of 5001 bytes is over the cap of 5000 bytes (--max-body-bytes). "
            "Send the records in smaller batches.",
        ),
        (b"Content-Length: 1" + b"0" * 30 + b"\r\n", VALID, 413, "The body of 1000000"),
    ],
)
def test_hostile_content_length_is_answered_before_reading_the_body(
    url: str, headers: bytes, body: bytes, status: int, message: str
) -> None:
    # The connection stays open: a server that waited for more of the body would stall here.
    request = b"POST /score HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n" + body
    got, answer = _raw(url, request)
    assert got == status
    assert answer["error"]["type"] == "BadRequest"
    assert answer["error"]["message"].startswith(message)


def test_a_client_sending_more_than_the_cap_reads_the_413_not_a_reset(url: str) -> None:
    # The server discards what is still coming before it closes (for read_timeout at most).
    status, answer = _request(f"{url}/score", raw=b" " * 20_000_000)
    assert status == 413
    assert answer["error"]["message"].startswith("The body of 20000000 bytes is over the cap")


def test_a_body_shorter_than_its_content_length_is_a_400(url: str) -> None:
    request = b"POST /score HTTP/1.1\r\nContent-Length: 100\r\n\r\n" + VALID[:10]
    assert _raw(url, request, close=True) == (
        400,
        {
            "error": {
                "type": "BadRequest",
                "message": "The body ended after 10 of the 100 bytes its Content-Length "
                "announced. Send the whole body.",
            }
        },
    )


def test_a_content_length_with_leading_zeros_or_spaces_is_read(url: str) -> None:
    length = f"Content-Length:  000{len(VALID)} ".encode()
    status, answer = _raw(url, b"POST /score HTTP/1.0\r\n" + length + b"\r\n\r\n" + VALID)
    assert status == 200 and answer == score_records([event("2024-03-01")], max_grid_cells=GRID)


@pytest.mark.parametrize(
    ("request_line", "status", "message"),
    [
        (b"GET / x HTTP/1.0\r\n", 400, "Bad request syntax ('GET / x HTTP/1.0')"),
        (b"PUT /score HTTP/1.0\r\n", 501, "Unsupported method ('PUT')"),
        (b"GET /" + b"x" * 70_000 + b" HTTP/1.0\r\n", 414, "Request-URI Too Long"),
        (b"GET /health HTTP/1.0\r\n" + b"X: y\r\n" * 101, 431, "Too many headers"),
    ],
)
def test_the_http_parsers_errors_are_json_too(
    url: str, request_line: bytes, status: int, message: str
) -> None:
    assert _raw(url, request_line + b"\r\n") == (
        status,
        {"error": {"type": "BadRequest", "message": message}},
    )


def test_a_stalled_client_is_dropped_and_blocks_no_one(url: str) -> None:
    port = _port(url)
    # Two stalled clients: one in its headers, one in its body (4 connections at most).
    in_headers = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    in_headers.sendall(b"POST /score HTTP/1.0\r\nContent-Le")
    in_body = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    in_body.sendall(b"POST /score HTTP/1.0\r\nContent-Length: 100\r\n\r\n{")
    with in_headers, in_body:
        begin = time.monotonic()
        assert _request(f"{url}/health")[0] == 200
        assert time.monotonic() - begin < READ_TIMEOUT  # answered while the two stall
        status, answer = _answer(in_body)  # the server gives up on the body after the timeout
        assert status == 408
        assert answer["error"]["message"] == (
            "No bytes of the body came for 0.5 s (--read-timeout). "
            "Send the whole body without pauses."
        )
        assert in_headers.recv(65536) == b""  # closed without an answer, as http.server does
        assert time.monotonic() - begin < READ_TIMEOUT + 5


def test_beyond_max_connections_a_client_is_answered_503_at_once(url: str) -> None:
    port = _port(url)
    stalled = [socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) for _ in range(4)]
    try:
        time.sleep(0.1)  # the server accepts the four and holds them until the read timeout
        assert _raw(url, b"GET /health HTTP/1.0\r\n\r\n") == (
            503,
            {"error": {"type": "Unavailable", "message": "Too many connections; retry shortly."}},
        )
    finally:
        for connection in stalled:
            connection.close()
    # Closed or timed out, the four free their slots.
    deadline = time.monotonic() + READ_TIMEOUT + 5
    while _raw(url, b"GET /health HTTP/1.0\r\n\r\n")[0] == 503:
        assert time.monotonic() < deadline
        time.sleep(0.05)


# Over a second each: run in CI's slow step, beside the load test of .ci/run.
@pytest.mark.slow
@pytest.mark.parametrize("workers", [0, 2])
def test_fifty_concurrent_clients_are_all_answered(workers: int) -> None:
    bodies = [{"records": [event(f"2024-03-{day:02d}")]} for day in range(1, 26)]
    cap = service.MAX_GRID_CELLS
    expected = [score_records(body["records"], max_grid_cells=cap) for body in bodies]
    start = threading.Barrier(50)

    def client(i: int) -> tuple[int, Any]:
        start.wait(timeout=TIMEOUT)  # all connect at once: the listen backlog holds them
        return _request(f"{url}/score", bodies[i % len(bodies)])

    with _serve(workers=workers) as url, ThreadPoolExecutor(50) as pool:
        answers = list(pool.map(client, range(50)))
    assert answers == [(200, expected[i % len(bodies)]) for i in range(50)]


def test_an_answer_over_the_servers_grid_cap_is_a_400_that_names_it(url: str) -> None:
    records = [event("2024-01-01")]
    for config in (None, {"max_grid_cells": 10**9}):  # a client cannot raise the cap
        status, answer = _request(
            f"{url}/score", {"records": records, "end": "2026-12-31", "config": config}
        )
        assert status == 400 and answer["error"]["type"] == "InvalidParameterError"
        assert "more than max_grid_cells=1,000 of the configuration" in answer["error"]["message"]
    # Within the cap it answers, with the cap in the configuration; a lower one is kept.
    raised = {"max_grid_cells": 10**9}
    status, answer = _request(
        f"{url}/score", {"records": records, "end": "2026-01-01", "config": raised}
    )
    assert status == 200 and answer["config"]["max_grid_cells"] == GRID
    status, answer = _request(f"{url}/score", {"records": records, "config": {"max_grid_cells": 5}})
    assert status == 200 and answer["config"]["max_grid_cells"] == 5


def test_a_saved_state_cannot_raise_the_grid_cap(url: str) -> None:
    status, answer = _request(f"{url}/update", {"state": None, "records": [event("2024-01-01")]})
    assert status == 200 and answer["state"]["config"]["max_grid_cells"] == GRID
    state = answer["state"]
    state["config"]["max_grid_cells"] = 10**9  # not in the fingerprint: the client may edit it
    status, answer = _request(
        f"{url}/update", {"state": state, "records": [], "until": "2026-12-31"}
    )
    assert status == 400
    assert "more than max_grid_cells=1,000 of the configuration" in answer["error"]["message"]
    status, answer = _request(
        f"{url}/update", {"state": state, "records": [], "until": "2024-06-01"}
    )
    assert status == 200 and answer["state"]["config"]["max_grid_cells"] == GRID


def test_unknown_get_is_404(url: str) -> None:
    status, answer = _request(f"{url}/nothing")
    assert status == 404 and answer["error"]["message"].startswith("No GET endpoint '/nothing'")


def test_an_unexpected_error_is_a_500_without_details(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(body: Any, max_grid_cells: int) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setitem(service.ROUTES, "/score", broken)
    status, answer = _request(f"{url}/score", {"records": []})
    assert (status, answer) == (
        500,
        {"error": {"type": "InternalError", "message": "Internal error."}},
    )


@pytest.mark.slow
def test_a_dead_worker_is_a_500_and_health_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    def die(body: Any, max_grid_cells: int) -> Any:
        os._exit(1)  # as if killed, e.g. for memory

    monkeypatch.setitem(service.ROUTES, "/score", die)  # before the workers are forked
    with _serve(workers=1) as url:
        assert _request(f"{url}/health")[0] == 200
        internal = {"error": {"type": "InternalError", "message": "Internal error."}}
        assert _request(f"{url}/score", {"records": []}) == (500, internal)
        assert _request(f"{url}/health") == (500, internal)  # for a supervisor to restart it


@pytest.mark.slow
def test_the_demonstration_runs(capsys: pytest.CaptureFixture[str]) -> None:
    service.main([])
    out = capsys.readouterr().out
    assert "GET /health: {'status': 'ok'" in out
    assert "A typo answers 400:" in out and "Did you mean 'water_cannon'?" in out
    assert "A bad date answers 400, naming 'start':" in out


@pytest.mark.slow
def test_serve_stops_with_its_workers_on_sigterm() -> None:
    command = [sys.executable, str(EXAMPLE), "--serve", "--port", "0", "--workers", "2"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert server.stdout is not None and server.stderr is not None
    try:
        line = server.stdout.readline()
        assert line.startswith("Serving on http://127.0.0.1:") and "with 2 workers" in line
        url = line.split()[2]
        assert _request(f"{url}/health") == (200, {"status": "ok", "version": ti.__version__})
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
        workers = [int(pid) for pid in children.read_text().split()] if children.exists() else []
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=TIMEOUT) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert "GET /health" in server.stderr.read()  # the request log
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]  # Linux: joined
