"""A small JSON web service for the index, on the standard library alone.

Three endpoints, each a thin wrapper around one library call:

``GET /health``
    ``{"status": "ok", "version": "..."}``.
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
is wrong); anything else is a 500 whose details stay in the server's log.  The server handles each
request in its own thread, which is safe because the library calls share no
mutable state.

Run it from the repository root::

    python examples/service.py                    # a demonstration: start, call, stop
    python examples/service.py --serve --port 8000

and try ``curl -s localhost:8000/score -d '{"records": [{"date": "2024-03-01",
"actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"}]}'``.
"""

from __future__ import annotations

import argparse
import difflib
import json
import logging
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pandas as pd

import tensionindex as ti
from tensionindex.service import error_payload, score_records, update_records

logger = logging.getLogger("tensionindex.example.service")

#: Largest request body accepted, in bytes.
MAX_BODY_BYTES = 50_000_000

SCORE_FIELDS = ("records", "config", "start", "end", "dyads")
UPDATE_FIELDS = ("state", "records", "until", "config", "late", "lookback")


class BadRequest(Exception):
    """A request the service cannot read: not JSON, or not the expected object."""


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


def score(body: Any) -> dict[str, Any]:
    """POST /score."""
    fields = _fields(body, SCORE_FIELDS)
    return score_records(
        fields["records"],
        fields.get("config"),
        start=fields.get("start"),
        end=fields.get("end"),
        dyads=fields.get("dyads"),
    )


def update(body: Any) -> dict[str, Any]:
    """POST /update."""
    fields = _fields(body, UPDATE_FIELDS)
    return update_records(
        fields.get("state"),
        fields["records"],
        until=fields.get("until"),
        config=fields.get("config"),
        late=fields.get("late"),
        lookback=fields.get("lookback"),
    )


ROUTES = {"/score": score, "/update": update}


class Handler(BaseHTTPRequestHandler):
    """Routes requests to the library and writes JSON answers."""

    server_version = f"tensionindex/{ti.__version__}"

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, allow_nan=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _bad(self, status: int, message: str) -> None:
        self._send(status, {"error": {"type": "BadRequest", "message": message}})

    def do_GET(self) -> None:  # the name http.server calls
        if self.path == "/health":
            self._send(200, {"status": "ok", "version": ti.__version__})
        else:
            self._bad(404, f"No GET endpoint {self.path!r}; try GET /health.")

    def do_POST(self) -> None:  # the name http.server calls
        route = ROUTES.get(self.path)
        if route is None:
            self._bad(404, f"No POST endpoint {self.path!r}; try {', '.join(ROUTES)}.")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._bad(413, f"The body is larger than {MAX_BODY_BYTES} bytes; send smaller batches.")
            return
        try:
            body = json.loads(self.rfile.read(length) or b"null")
            self._send(200, route(body))
        except json.JSONDecodeError as exc:
            self._bad(400, f"The body is not valid JSON: {exc.msg} at position {exc.pos}.")
        except BadRequest as exc:
            self._bad(400, str(exc))
        except ti.TensionIndexError as exc:
            self._send(400, error_payload(exc))
        except Exception:
            logger.exception("Unexpected error on %s", self.path)
            self._send(500, {"error": {"type": "InternalError", "message": "Internal error."}})

    def log_message(self, format: str, *args: Any) -> None:  # the base class's names
        logger.info("%s - %s", self.address_string(), format % args)


def make_server(host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """A server bound to ``host:port`` (port 0: any free port); call ``serve_forever``."""
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


def _call(url: str, body: Any = None) -> Any:
    """POST ``body`` as JSON (GET when None) and read the JSON answer, without proxies."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as answer:
        return json.loads(answer.read())


def demonstrate() -> None:
    """Start the service on a free port, call each endpoint, stop it."""
    events = ti.load_example("us-china-2024")
    events["date"] = pd.to_datetime(events["date"]).dt.strftime("%Y-%m-%d")
    records = json.loads(events.to_json(orient="records"))
    server = make_server(port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
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
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--serve", action="store_true", help="serve until interrupted")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    if not args.serve:
        demonstrate()
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    server = make_server(args.host, args.port)
    print(f"Serving on http://{args.host}:{server.server_address[1]} (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
