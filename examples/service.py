"""A small JSON web service for the index, on the standard library alone.

Three endpoints, each a thin wrapper around one library call:

``GET /health``
    ``{"status": "ok", "version": "..."}``, answered by a worker process (so
    it also says the workers are alive).
``POST /score``
    Body ``{"records": [...], "config": {...}, "start": ..., "end": ..., "dyads": ...}``
    (all but ``records`` optional).  Answers with ``score_records``: the index
    rows, the configuration and its fingerprint, warnings and the version.
``POST /update``
    Body ``{"state": {...} or null, "records": [...], "until": ..., "config": {...},
    "late": ..., "lookback": ...}``.  Answers with ``update_records``: the new rows
    and the new state.  The service keeps nothing between requests: the client
    (or a database in front of it) stores the state and sends it back next time.

Bad input (invalid events, configuration, state or argument) is answered with
HTTP 400 and ``{"error": {"type": ..., "message": ...}}`` from
``error_payload`` (with ``"parameter"``, e.g. ``"start"``, when one argument
is wrong); anything else is a 500 whose details stay in the server's log.

Guarded for a port that anyone can reach:

* a body is read only with one ``Content-Length`` of whole bytes up to
  ``max_body_bytes`` (411, 400 or 413 otherwise), in chunks, never past it;
* each read from a client waits at most ``read_timeout`` seconds (408 then),
  so a stalled client frees its thread;
* the listen backlog holds 128 connections, and at most ``max_connections``
  are served at once (503 beyond);
* an answer covers at most ``max_grid_cells`` dyads x days: the library's
  setting, which a client may lower but not raise;
* every error, the HTTP parser's included, is a JSON ``{"error": ...}``.

``score_records`` holds the global interpreter lock: threads would take turns
on one core.  So threads only read and write the sockets, and a pool of
``workers`` processes parses, scores and writes the JSON (docs/scaling.md has
the measurements).

Run it from the repository root::

    python examples/service.py                    # a demonstration: start, call, stop
    python examples/service.py --serve --port 8000

and try ``curl -s localhost:8000/score -d '{"records": [{"date": "2024-03-01",
"actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"}]}'``.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import http.client
import json
import logging
import os
import signal
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pandas as pd

import tensionindex as ti
from tensionindex.service import error_payload, score_records, update_records

logger = logging.getLogger("tensionindex.example.service")

#: Largest request body accepted, in bytes (about 40,000 events of 250 bytes).
MAX_BODY_BYTES = 10_000_000
#: Seconds any one read from a client may wait before the request is dropped.
READ_TIMEOUT = 5.0
#: Dyads x days in one answer at most (about 800 bytes of a worker's memory each): the
#: library's ``max_grid_cells``, which a client's configuration may lower, not raise.
MAX_GRID_CELLS = 250_000
#: Connections served at once; more wait in the backlog or are answered 503.
MAX_CONNECTIONS = 64
CHUNK_BYTES = 1 << 16
INTERNAL = "Internal error."

SCORE_FIELDS = ("records", "config", "start", "end", "dyads")
UPDATE_FIELDS = ("state", "records", "until", "config", "late", "lookback")


class BadRequest(Exception):
    """A request the service cannot read: not JSON, or not the expected object."""


class Refused(Exception):
    """A request refused before its body is read, with its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _fields(body: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadRequest(f"The request body must be a JSON object with {allowed[:2]}.")
    for key in body:
        if key not in allowed:
            near = difflib.get_close_matches(key, allowed, n=1)
            hint = f" Did you mean {near[0]!r}?" if near else ""
            raise BadRequest(f"Unknown field {key!r}.{hint} Fields: {', '.join(allowed)}.")
    if "records" not in body:
        raise BadRequest("The request body needs 'records': a list of event objects.")
    return body


def _capped(config: Any, max_grid_cells: int) -> Any:
    """The client's configuration with ``max_grid_cells`` at most the server's."""
    if config is None:
        return {"max_grid_cells": max_grid_cells}
    if not isinstance(config, dict):
        return config  # not a configuration: the library says so
    given = config.get("max_grid_cells", max_grid_cells)
    if isinstance(given, int):  # an invalid value is the library's to refuse
        given = min(given, max_grid_cells)
    return {**config, "max_grid_cells": given}


def score(body: Any, max_grid_cells: int) -> str:
    """POST /score, answered as JSON text."""
    fields = _fields(body, SCORE_FIELDS)
    return score_records(
        fields["records"],
        _capped(fields.get("config"), max_grid_cells),
        start=fields.get("start"),
        end=fields.get("end"),
        dyads=fields.get("dyads"),
        output="json",  # the text json.dumps would write, built from the index's columns
    )


def update(body: Any, max_grid_cells: int) -> str:
    """POST /update, answered as JSON text."""
    fields = _fields(body, UPDATE_FIELDS)
    state, config = fields.get("state"), fields.get("config")
    if state is None or config is not None:  # a saved state's own configuration stays None
        config = _capped(config, max_grid_cells)
    if isinstance(state, dict) and "config" in state:  # the cap is not in the fingerprint
        state = {**state, "config": _capped(state["config"], max_grid_cells)}
    return update_records(
        state,
        fields["records"],
        until=fields.get("until"),
        config=config,
        late=fields.get("late"),
        lookback=fields.get("lookback"),
        output="json",
    )


ROUTES = {"/score": score, "/update": update}


def _json(status: int, payload: dict[str, Any]) -> tuple[int, bytes]:
    return status, json.dumps(payload, allow_nan=False).encode("utf-8")


def _bad(status: int, message: str) -> tuple[int, bytes]:
    return _json(status, {"error": {"type": "BadRequest", "message": message}})


def health() -> tuple[int, bytes]:
    """GET /health, as a status and a JSON body."""
    return _json(200, {"status": "ok", "version": ti.__version__})


def answer(path: str, raw: bytes, max_grid_cells: int) -> tuple[int, bytes]:
    """The status and JSON body answering ``POST path`` with the body ``raw``.

    Runs in a worker process: parsing, scoring and writing JSON all hold the
    interpreter lock.
    """
    try:
        body = json.loads(raw) if raw else None
    except json.JSONDecodeError as exc:
        return _bad(400, f"The body is not valid JSON: {exc.msg} at position {exc.pos}.")
    except (ValueError, RecursionError) as exc:  # not UTF-8, nested too deep, a huge integer
        return _bad(400, f"The body is not valid JSON: {exc}.")
    try:
        return 200, ROUTES[path](body, max_grid_cells).encode("utf-8")
    except BadRequest as exc:
        return _bad(400, str(exc))
    except ti.TensionIndexError as exc:
        return _json(400, error_payload(exc))


class Handler(BaseHTTPRequestHandler):
    """Reads requests within the server's limits and writes the workers' answers."""

    server: Server
    server_version = f"tensionindex/{ti.__version__}"

    def setup(self) -> None:
        self.timeout = self.server.read_timeout  # StreamRequestHandler sets it on the socket
        super().setup()

    def _send(self, status: int, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _run(self, func: Any, *args: Any) -> None:
        try:
            self._send(*self.server.run(func, *args))
        except Exception:
            logger.exception("Unexpected error on %s", self.path)
            self._send(*_json(500, {"error": {"type": "InternalError", "message": INTERNAL}}))

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The HTTP parser's errors (bad request line, unknown method...) in JSON too."""
        self.close_connection = True
        self._send(*_bad(code, message or HTTPStatus(code).phrase))

    def do_GET(self) -> None:  # the name http.server calls
        if self.path == "/health":
            self._run(health)
        else:
            self._send(*_bad(404, f"No GET endpoint {self.path!r}; try GET /health."))

    def do_POST(self) -> None:  # the name http.server calls
        if self.path not in ROUTES:
            self._send(*_bad(404, f"No POST endpoint {self.path!r}; try {', '.join(ROUTES)}."))
            return
        try:
            raw = self._body()
        except Refused as exc:
            self._send(*_bad(exc.status, str(exc)))
            self._linger()
            return
        except TimeoutError:
            message = f"No bytes of the body came for {self.timeout} s (--read-timeout)."
            self._send(*_bad(408, f"{message} Send the whole body without pauses."))
            return
        self._run(answer, self.path, raw, self.server.max_grid_cells)

    def _linger(self) -> None:
        """Discard what a client still sends, for up to ``read_timeout`` seconds in all.

        Closing with its body unread would reset the connection, and a client still
        sending would see the reset instead of the answer.
        """
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_WR)  # the answer is complete
        deadline = time.monotonic() + self.timeout
        with contextlib.suppress(OSError):  # a timeout or a reset ends it
            while time.monotonic() < deadline and self.rfile.read1(CHUNK_BYTES):
                pass

    def _body(self) -> bytes:
        """The body, read in chunks up to its Content-Length, which must be within the cap."""
        lengths = self.headers.get_all("Content-Length") or []
        if not lengths or "Transfer-Encoding" in self.headers:
            raise Refused(411, "Send the body with a Content-Length header (not chunked).")
        text, cap = lengths[0].strip(), self.server.max_body_bytes
        if len(set(lengths)) > 1 or not (text.isascii() and text.isdigit()):
            raise Refused(
                400,
                f"The Content-Length header must be one whole number of bytes. "
                f"Got {', '.join(lengths)!r} instead.",
            )
        if len(text.lstrip("0")) > len(str(cap)) or int(text) > cap:
            raise Refused(
                413,
                f"The body of {text} bytes is over the cap of {cap} bytes (--max-body-bytes). "
                "Send the records in smaller batches.",
            )
        length = int(text)
        chunks, left = [], length
        while left:
            chunk = self.rfile.read(min(left, CHUNK_BYTES))  # TimeoutError after read_timeout
            if not chunk:
                raise Refused(
                    400,
                    f"The body ended after {length - left} of the {length} bytes its "
                    "Content-Length announced. Send the whole body.",
                )
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def log_message(self, format: str, *args: Any) -> None:  # the base class's names
        logger.info("%s - %s", self.address_string(), format % args)


_BUSY = (
    b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: application/json\r\n"
    b"Connection: close\r\n\r\n"
    b'{"error": {"type": "Unavailable", "message": "Too many connections; retry shortly."}}'
)


class Server(ThreadingHTTPServer):
    """Threads read and write the sockets; ``workers`` processes score (0: in the threads)."""

    daemon_threads = True
    request_queue_size = 128  # the listen backlog: 50+ clients connecting at once wait, not reset

    def __init__(
        self,
        address: tuple[str, int],
        *,
        workers: int = 2,
        read_timeout: float = READ_TIMEOUT,
        max_body_bytes: int = MAX_BODY_BYTES,
        max_grid_cells: int = MAX_GRID_CELLS,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        self.read_timeout = read_timeout
        self.max_body_bytes = max_body_bytes
        self.max_grid_cells = max_grid_cells
        self.slots = threading.BoundedSemaphore(max_connections)
        super().__init__(address, Handler)
        self.pool = None
        if workers > 0:
            # Ctrl-C reaches the whole process group: only this process stops the workers.
            ignore_interrupts = (signal.SIGINT, signal.SIG_IGN)
            self.pool = ProcessPoolExecutor(
                workers, initializer=signal.signal, initargs=ignore_interrupts
            )
            self.pool.submit(int).result()  # start the workers now, before any thread

    def run(self, func: Any, *args: Any) -> tuple[int, bytes]:
        if self.pool is None:
            return func(*args)
        return self.pool.submit(func, *args).result()

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(blocking=False):
            with contextlib.suppress(OSError):  # the client may be gone already
                request.sendall(_BUSY)
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def server_close(self) -> None:
        super().server_close()
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def make_server(host: str = "127.0.0.1", port: int = 8000, **settings: Any) -> Server:
    """A server bound to ``host:port`` (port 0: any free port); call ``serve_forever``."""
    return Server((host, port), **settings)


def _call(url: str, body: Any = None) -> Any:
    """POST ``body`` as JSON (GET when None) and read the JSON answer, without proxies."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as answer:
        return json.loads(answer.read())


def demonstrate() -> None:
    """Start the service on a free port with two workers, call each endpoint, stop it."""
    events = ti.load_example("us-china-2024")
    events["date"] = pd.to_datetime(events["date"]).dt.strftime("%Y-%m-%d")
    records = json.loads(events.to_json(orient="records"))
    server = make_server(port=0, workers=2)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    url = f"http://127.0.0.1:{port}"
    try:
        print("GET /health:", _call(f"{url}/health"))

        scored = _call(f"{url}/score", {"records": records, "config": {"half_life": 14}})
        last = scored["rows"][-1]
        print(
            f"POST /score: {len(scored['rows'])} rows, fingerprint {scored['fingerprint']}; "
            f"last: {last['dyad']} {last['date']} stability {last['stability']:.2f}"
        )

        # A stateless client of /update keeps the state and sends it back each time.
        cut = "2024-01-01"
        halves = [r for r in records if r["date"] < cut], [r for r in records if r["date"] >= cut]
        state = None
        for batch in halves:
            body: dict[str, Any] = {"state": state, "records": batch}
            if state is None:
                body["config"] = {"half_life": 14}  # a new state; later ones carry their own
            answer = _call(f"{url}/update", body)
            state = answer["state"]
            print(
                f"POST /update: {len(batch)} events -> {len(answer['rows'])} new rows, "
                f"state up to {state['last_day']} ({len(json.dumps(state))} bytes of JSON)"
            )
        answer = _call(f"{url}/update", {"state": state, "records": [], "until": "2025-01-31"})
        print(f"POST /update until 2025-01-31: {len(answer['rows'])} rows of decay")

        try:
            _call(
                f"{url}/score",
                {
                    "records": [
                        {
                            "date": "2024-03-01",
                            "actor1": "CHN",
                            "actor2": "PHL",
                            "event_type": "water_canon",
                        }
                    ]
                },
            )
        except urllib.error.HTTPError as error:
            print(f"A typo answers {error.code}:", json.loads(error.read())["error"]["message"])
        try:
            _call(f"{url}/score", {"records": records, "start": "soon"})
        except urllib.error.HTTPError as error:
            detail = json.loads(error.read())["error"]
            print(f"A bad date answers {error.code}, naming {detail['parameter']!r}:")
            print(" ", detail["message"])

        # A header that would have the server read without end is refused before any read.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.putrequest("POST", "/score")
        connection.putheader("Content-Length", "-1")
        connection.endheaders()
        refused = connection.getresponse()
        print(f"Content-Length: -1 answers {refused.status}:", end=" ")
        print(json.loads(refused.read())["error"]["message"])
        connection.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--serve", action="store_true", help="serve until interrupted")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0: any free port")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="processes that score (default: one per core; 0: score in the threads)",
    )
    parser.add_argument("--read-timeout", type=float, default=READ_TIMEOUT, help="seconds")
    parser.add_argument("--max-body-bytes", type=int, default=MAX_BODY_BYTES)
    parser.add_argument(
        "--max-grid-cells",
        type=int,
        default=MAX_GRID_CELLS,
        help="dyads x days of one answer at most; a client may ask for less, not more",
    )
    parser.add_argument("--max-connections", type=int, default=MAX_CONNECTIONS)
    args = parser.parse_args(argv)
    if not args.serve:
        demonstrate()
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    server = make_server(
        args.host,
        args.port,
        workers=args.workers,
        read_timeout=args.read_timeout,
        max_body_bytes=args.max_body_bytes,
        max_grid_cells=args.max_grid_cells,
        max_connections=args.max_connections,
    )
    # SIGTERM (a service manager's stop) unwinds like Ctrl-C, so the workers stop too.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    host, port = server.server_address[:2]
    print(f"Serving on http://{host}:{port} with {args.workers} workers (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
