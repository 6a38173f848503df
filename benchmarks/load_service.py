"""Load test of examples/service.py on localhost: every answer checked, latency and memory printed.

Usage::

    python benchmarks/load_service.py                  # CI: 2,000 requests from 50 clients
    python benchmarks/load_service.py --workers 0      # the same, scored in the server's threads
    python benchmarks/load_service.py --prefork 2      # 2 pre-forked threaded servers, no pool
    python benchmarks/load_service.py --gil            # score_records: threads against processes

The service is started as ``python examples/service.py --serve --port 0`` (any
free port).  Each client thread sends requests one after another, a new
connection each (the service speaks HTTP/1.0), drawn in a seeded order from a
set of bodies built once: ``/score`` and ``/update`` requests of a few events
each and, by default, one in five invalid (a misspelt event type, a bad date,
an unknown setting, a negative lookback, five centuries of days, a damaged state, an
unknown field, text that is not JSON).
Every answer is checked: a 200 must equal what a direct ``score_records`` or
``update_records`` call gives, a 400 must carry the library's error (as
``error_payload`` writes it) or the service's own message.  Any wrong or
missing answer, or an unexpected error in the server's log, exits with 1.

Printed: requests per second, latency percentiles (connection to last byte,
measured by the client, which shares the machine with the server) and the
server's peak resident memory: ``getrusage`` of its process tree once it has
stopped (the largest single process) and, on Linux, the sum of each process's
peak (``VmHWM``; pages shared after ``fork`` count in each).

``--gil`` measures what the choice of processes rests on: calls of
``score_records`` per second on the same bodies from 1 and 8 threads and from
1 and 2 processes.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tensionindex as ti
from tensionindex.service import error_payload, score_records, update_records

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "service.py"
ACTORS = ("CHN", "PHL", "USA", "JPN", "VNM")
#: The server's --max-grid-cells: a 200 equals a direct call with this max_grid_cells.
GRID_CELLS = 100_000

# A pre-forked server, for comparison with the example's process pool: the
# example's threaded server with no pool (workers=0), its listening socket
# shared by several forked processes, each a whole server with its own GIL.
PREFORK = r"""
import importlib.util, os, signal, sys
spec = importlib.util.spec_from_file_location("service", sys.argv[1])
service = importlib.util.module_from_spec(spec)
spec.loader.exec_module(service)
server = service.make_server("127.0.0.1", 0, workers=0, max_grid_cells=int(sys.argv[3]))
server.socket.setblocking(False)  # a process that loses the race for a connection moves on
print(f"Serving on http://127.0.0.1:{server.server_address[1]}", flush=True)
children = []
for _ in range(int(sys.argv[2])):
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        server.serve_forever()
    children.append(pid)
signal.signal(signal.SIGTERM, lambda signum, frame: [os.kill(pid, signum) for pid in children])
for pid in children:
    os.waitpid(pid, 0)
"""


@dataclass(frozen=True)
class Case:
    """One request body and the answer it must get."""

    path: str
    raw: bytes
    status: int
    expected: Any = None  # the whole JSON answer, when known
    message: str = ""  # else: the start of the error message

    def check(self, status: int, data: bytes) -> str | None:
        """What is wrong with an answer, or None."""
        if status != self.status:
            return f"status {status}, expected {self.status}: {data[:200]!r}"
        try:
            got = json.loads(data)
        except ValueError:
            return f"not JSON: {data[:200]!r}"
        if self.expected is not None:
            return None if got == self.expected else f"a different answer: {data[:200]!r}"
        message = got.get("error", {}).get("message", "") if isinstance(got, dict) else ""
        return None if message.startswith(self.message) else f"message {message[:200]!r}"


def _records(rng: random.Random, n_events: int) -> list[dict[str, Any]]:
    types = ti.taxonomy(source="analyst")["event_type"].tolist()
    records = []
    for _ in range(n_events):
        first, second = rng.sample(ACTORS, 2)
        records.append(
            {
                "date": f"2024-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}",
                "actor1": first,
                "actor2": second,
                "event_type": rng.choice(types),
                "intensity": rng.choice([0.5, 1.0, 2.0]),
            }
        )
    return records


def _expected(call: Callable[[], dict[str, Any]]) -> tuple[int, Any]:
    """The status and JSON answer a direct library call gives."""
    try:
        payload, status = call(), 200
    except ti.TensionIndexError as exc:
        payload, status = error_payload(exc), 400
    return status, json.loads(json.dumps(payload, allow_nan=False))


def _library_case(path: str, body: dict[str, Any]) -> Case:
    """A body and the answer of the library called directly, with the server's grid cap."""
    config = {**body.get("config", {}), "max_grid_cells": GRID_CELLS}
    if path == "/score":
        fields = {k: v for k, v in body.items() if k not in ("records", "config")}
        status, expected = _expected(lambda: score_records(body["records"], config, **fields))
    else:  # a new state only, so that the configuration applies
        fields = {k: v for k, v in body.items() if k not in ("state", "records", "config")}
        status, expected = _expected(
            lambda: update_records(body["state"], body["records"], config=config, **fields)
        )
    return Case(path, json.dumps(body).encode(), status, expected)


def make_cases(n_valid: int, invalid_share: float, seed: int) -> list[Case]:
    """Distinct request bodies: ``n_valid`` valid ones and about ``invalid_share`` invalid."""
    rng = random.Random(seed)
    cases = []
    for i in range(n_valid):
        body = {"records": _records(rng, rng.randint(1, 8))}
        body["config"] = {"half_life": rng.choice([7, 14, 30])}
        if i % 4 == 3:
            cases.append(_library_case("/update", {"state": None, **body}))
        else:
            cases.append(_library_case("/score", body))
    some = _records(rng, 3)
    invalid = [
        _library_case("/score", {"records": [{**some[0], "event_type": "water_canon"}]}),
        _library_case("/score", {"records": some, "start": "soon"}),
        _library_case("/score", {"records": some, "config": {"half_lif": 3}}),
        _library_case("/update", {"state": None, "records": some, "lookback": -1}),
        # Five centuries of one dyad: over the server's cap, which a client cannot raise.
        _library_case(
            "/score",
            {
                "records": some,
                "start": "1700-01-01",
                "end": "2200-12-31",
                "config": {"max_grid_cells": 10**9},
            },
        ),
        Case("/update", b'{"state": {"kind": "x"}, "records": []}', 400, message="Not a saved"),
        Case("/score", b'{"record": []}', 400, message="Unknown field 'record'."),
        Case("/score", b'{"records": [', 400, message="The body is not valid JSON"),
    ]
    if any(case.status != 400 for case in invalid):  # the benchmark's own premise
        raise RuntimeError("An invalid body is accepted by the library: fix the benchmark.")
    n_invalid = round(n_valid * invalid_share / (1 - invalid_share))
    return cases + [invalid[i % len(invalid)] for i in range(n_invalid)]


def post(port: int, case: Case, timeout: float) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(
            "POST", case.path, body=case.raw, headers={"Content-Type": "application/json"}
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def start_server(workers: int, prefork: int, log: Any) -> tuple[subprocess.Popen[str], int]:
    if prefork:
        command = [sys.executable, "-c", PREFORK, str(EXAMPLE), str(prefork), str(GRID_CELLS)]
    else:
        command = [sys.executable, str(EXAMPLE), "--serve", "--port", "0"]
        command += ["--workers", str(workers), "--max-grid-cells", str(GRID_CELLS)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True)
    assert server.stdout is not None
    line = server.stdout.readline()  # "Serving on http://127.0.0.1:PORT ..."; "" if it died
    if not line.startswith("Serving on http://"):
        server.kill()
        server.wait()
        raise SystemExit(f"The service did not start: {line!r}; see its log above.")
    return server, int(line.split()[2].rsplit(":", 1)[1])


def _tree_peak_kib(pid: int) -> tuple[int, int] | None:
    """(processes, summed VmHWM in KiB) of ``pid`` and its children, on Linux."""
    pids = [pid]
    try:
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        total = 0
        for each in pids:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
    except OSError:
        return None
    return len(pids), total


def load_test(args: argparse.Namespace) -> int:
    n_valid = 40
    cases = make_cases(n_valid, args.invalid_share, args.seed)
    rng = random.Random(args.seed)
    order = [rng.randrange(len(cases)) for _ in range(args.requests)]
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    next_request = iter(range(args.requests))

    with tempfile.TemporaryFile("w+") as log:
        server, port = start_server(args.workers, args.prefork, log)
        try:

            def client() -> None:
                while True:
                    with lock:
                        i = next(next_request, None)
                    if i is None:
                        return
                    case = cases[order[i]]
                    begin = time.perf_counter()
                    try:
                        status, data = post(port, case, args.timeout)
                        problem = case.check(status, data)
                    except (OSError, http.client.HTTPException) as exc:
                        problem = f"no answer: {exc!r}"
                    elapsed = time.perf_counter() - begin
                    with lock:
                        latencies.append(elapsed)
                        if problem:
                            failures.append(f"request {i} ({case.path}): {problem}")

            threads = [threading.Thread(target=client) for _ in range(args.clients)]
            begin = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - begin
            summed = _tree_peak_kib(server.pid)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                code = server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                code = server.wait()
        log.seek(0)
        server_log = log.read()

    if code != 0:
        failures.append(f"the server exited with {code}")
    if "Traceback" in server_log or "Unexpected error" in server_log:
        failures.append("the server logged an unexpected error")
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    largest_mib = largest / 1024 if sys.platform != "darwin" else largest / 2**20

    n_invalid = sum(cases[i].status != 200 for i in order)
    mode = (
        f"{args.prefork} pre-forked processes"
        if args.prefork
        else f"{args.workers} worker processes"
        if args.workers
        else "no worker processes (scored in threads)"
    )
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    print(
        f"examples/service.py with {mode}: {args.requests:,} requests "
        f"({args.requests - n_invalid:,} valid, {n_invalid:,} invalid) from {args.clients} clients"
    )
    print(f"  answered correctly  {args.requests - len(failures):,} of {args.requests:,}")
    print(f"  throughput          {args.requests / wall:,.0f} requests/s ({wall:.1f} s)")
    print(
        f"  latency             p50 {cuts[49] * 1e3:,.0f} ms, p99 {cuts[98] * 1e3:,.0f} ms, "
        f"max {max(latencies, default=0) * 1e3:,.0f} ms"
    )
    peak = f"  server peak RSS     {largest_mib:,.0f} MiB in its largest process"
    if summed is not None:
        peak += f"; {summed[1] / 1024:,.0f} MiB summed over its {summed[0]} processes"
    print(peak)
    if failures:
        print(f"FAILED: {len(failures)} wrong or missing answers; the first:", file=sys.stderr)
        for failure in failures[:10]:
            print("  " + failure, file=sys.stderr)
        if server_log.strip():
            print("server log (end):\n" + server_log[-3000:], file=sys.stderr)
        return 1
    return 0


def _score(body: dict[str, Any]) -> int:
    return len(score_records(body["records"], body["config"])["rows"])


def _calls_per_second(executor: Executor, bodies: list[dict[str, Any]], calls: int) -> float:
    list(executor.map(_score, bodies[:8]))  # warm up: start workers, fill caches
    begin = time.perf_counter()
    # In chunks of 10 calls, so that handing work to processes costs little next to it.
    list(executor.map(_score, [bodies[i % len(bodies)] for i in range(calls)], chunksize=10))
    return calls / (time.perf_counter() - begin)


def gil(args: argparse.Namespace) -> int:
    """Calls of score_records per second from threads and from processes, on the same bodies."""
    rng = random.Random(args.seed)
    bodies = [
        {"records": _records(rng, rng.randint(1, 8)), "config": {"half_life": 14}}
        for _ in range(40)
    ]
    setups: list[tuple[str, Callable[[], Executor]]] = [
        ("1 thread", lambda: ThreadPoolExecutor(1)),
        ("8 threads", lambda: ThreadPoolExecutor(8)),
        ("1 process", lambda: ProcessPoolExecutor(1)),
        ("2 processes", lambda: ProcessPoolExecutor(2)),
    ]
    rates: dict[str, list[float]] = {name: [] for name, _ in setups}
    for _ in range(args.repeats):  # interleaved, so a busy moment touches every setup
        for name, make in setups:
            with make() as executor:
                rates[name].append(_calls_per_second(executor, bodies, args.calls))
    base = statistics.median(rates["1 thread"])
    print(
        f"score_records on {len(bodies)} bodies of 1-8 events, {args.calls} calls, "
        f"median of {args.repeats} runs ({os.cpu_count()} cores)"
    )
    for name, _ in setups:
        rate = statistics.median(rates[name])
        line = f"  {name:<12} {rate:7,.0f} calls/s  {rate / base:4.2f}x one thread"
        if name == "2 processes":
            line += f", {rate / statistics.median(rates['1 process']):4.2f}x one process"
        print(line)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="the service's processes")
    parser.add_argument(
        "--prefork", type=int, default=0, help="serve with N pre-forked servers instead (POSIX)"
    )
    parser.add_argument("--invalid-share", type=float, default=0.2)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--gil", action="store_true", help="measure threads against processes")
    parser.add_argument("--calls", type=int, default=400, help="with --gil: calls per setup")
    parser.add_argument("--repeats", type=int, default=3, help="with --gil: runs per setup")
    args = parser.parse_args(argv)
    if not 0 <= args.invalid_share < 1:
        parser.error(f"--invalid-share must be in [0, 1); got {args.invalid_share}")
    return gil(args) if args.gil else load_test(args)


if __name__ == "__main__":
    sys.exit(main())
