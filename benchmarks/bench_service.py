"""The JSON API under load: requests per second from 1, 2 and 4 processes, and the JSON's share.

Usage::

    python benchmarks/bench_service.py --quick   # CI profile (under a minute), with checks
    python benchmarks/bench_service.py           # full profile, for docs/scaling.md

Two calls, each on payloads prepared once in the parent and handed to every
worker when it starts:

* ``score_records`` of 1,000 JSON records (5 countries, 10 dyads, three months:
  about 880 rows), answered as JSON text (``output="json"``);
* ``update_records`` of a day's batch (30 records) on a saved state of the
  same dyads: ``IndexState.from_dict``, ``IndexState.update`` and the new state
  and rows as JSON text, what a stateless service does per request.

Each worker of a ``ProcessPoolExecutor`` warms up, waits for a common start
time and loops over the payloads for a fixed time; requests per second are
the calls of all workers divided by that time.  Runs of 1, 2 and 4 processes
are interleaved and repeated, and the table gives medians, so that a busy
moment on a shared machine touches every setting.

The JSON share is measured in the parent, one process: the time to build the
answer's JSON text from the result (the index rows and, for an update, the
saved state) over the time of the whole call, each the median of many calls.
It is given for ``output="json"`` and for the dict answer followed by
``json.dumps`` (what a service that dumps the dict pays).

``--quick`` exits with 1 if the JSON share of either call under
``output="json"`` exceeds a quarter, or if 2 processes do not reach
``MIN_SPEEDUP_2`` times the requests per second of 1 (the machine's 2 cores
are shared: a floor with margin below the 1.7-2.1x measured when quiet).
While 2 processes fall short it measures them again, twice at most, since
other jobs on shared cores can hold the second core for a while.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import tensionindex as ti
from tensionindex import service
from tensionindex.service import score_records, update_records

ACTORS = ("CHN", "PHL", "USA", "JPN", "VNM")
PROCESSES = (1, 2, 4)
#: Largest share of a call that building its JSON answer may take.
MAX_JSON_SHARE = 0.25
#: Requests per second of 2 processes over 1, at least (quick profile).
MIN_SPEEDUP_2 = 1.2
CONFIG = {"half_life": 14}


def make_records(rng: random.Random, n: int, days: list[str]) -> list[dict[str, Any]]:
    """``n`` JSON event records between the ACTORS on the given days."""
    types = ti.taxonomy(source="analyst")["event_type"].tolist()
    records = []
    for _ in range(n):
        first, second = rng.sample(ACTORS, 2)
        records.append(
            {
                "date": rng.choice(days),
                "actor1": first,
                "actor2": second,
                "event_type": rng.choice(types),
                "intensity": rng.choice([0.5, 1.0, 2.0]),
            }
        )
    return records


def _days(start: str, n: int) -> list[str]:
    import pandas as pd

    return [f"{d:%Y-%m-%d}" for d in pd.date_range(start, periods=n, freq="D")]


def make_payloads(seed: int, n_payloads: int) -> dict[str, list[Any]]:
    """Score payloads (records) and update payloads (a saved state and a day's batch)."""
    rng = random.Random(seed)
    history = _days("2024-01-01", 88)
    scores = [make_records(rng, 1000, history) for _ in range(n_payloads)]
    updates = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for records in scores:
            saved = update_records(None, records, **CONFIG)["state"]
            saved = json.loads(json.dumps(saved))  # as a client sends it back
            updates.append((saved, make_records(rng, 30, ["2024-03-29"])))
    return {"score": scores, "update": updates}


def call(kind: str, payload: Any) -> str:
    """One request: the JSON text of the answer."""
    if kind == "score":
        return score_records(payload, CONFIG, output="json")
    saved, batch = payload
    return update_records(saved, batch, output="json")


# -- workers -------------------------------------------------------------------------------

_PAYLOADS: dict[str, list[Any]] = {}


def _init(payloads: dict[str, list[Any]]) -> None:
    warnings.simplefilter("ignore")  # saturation notes on random data: not the point here
    _PAYLOADS.update(payloads)


def _loop(kind: str, begin: float, seconds: float) -> int:
    """Calls of ``kind`` from ``begin`` (wall clock) for ``seconds``, after a warm-up."""
    payloads = _PAYLOADS[kind]
    for payload in payloads[:2]:
        call(kind, payload)
    while time.time() < begin:
        time.sleep(0.001)
    end = begin + seconds
    calls = 0
    while time.time() < end:
        call(kind, payloads[calls % len(payloads)])
        calls += 1
    return calls


def requests_per_second(
    processes: int, payloads: dict[str, list[Any]], seconds: float
) -> dict[str, float]:
    """Requests per second of each call from ``processes`` workers looping together."""
    rates = {}
    with ProcessPoolExecutor(processes, initializer=_init, initargs=(payloads,)) as pool:
        for i, kind in enumerate(("score", "update")):
            # Start together, after every worker has started (the first time) and warmed up.
            begin = time.time() + (0.5 + 0.2 * processes if i == 0 else 0.3)
            futures = [pool.submit(_loop, kind, begin, seconds) for _ in range(processes)]
            rates[kind] = sum(f.result() for f in futures) / seconds
    return rates


# -- the JSON share -------------------------------------------------------------------------


def _figures(
    whole: Callable[[str], Any], build: Callable[[str], Any], repeats: int
) -> dict[str, float]:
    """Medians in ms of a call and of building its answer, as JSON text and as a dict dumped.

    The four are timed in turn within each repeat, so that a busy moment of the shared
    machine touches all of them rather than the one that happened to be running.
    """
    steps: dict[str, Callable[[], object]] = {
        "call_json": lambda: whole("json"),
        "build_json": lambda: build("json"),
        "call_dict": lambda: json.dumps(whole("dict"), allow_nan=False),
        "build_dict": lambda: json.dumps(build("dict"), allow_nan=False),
    }
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(repeats):
        for name, step in steps.items():
            begin = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - begin)
    return {name: statistics.median(values) * 1e3 for name, values in times.items()}


def json_shares(payloads: dict[str, list[Any]], repeats: int) -> dict[str, dict[str, float]]:
    """Per call: the whole call and its JSON building, in ms, for both kinds of answer."""
    from tensionindex.state import IndexState

    records = payloads["score"][0]
    config = service._config(CONFIG, {})
    scored = ti.score(records, config)
    frame = scored.index()
    score_rest = {
        "fingerprint": scored.fingerprint,
        "config": scored.config.to_dict(),
        "warnings": [],
        "version": ti.__version__,
    }
    saved, batch = payloads["update"][0]
    state = IndexState.from_dict(saved)
    rows = state.update(batch)

    def update_rest() -> dict[str, Any]:
        return {
            "state": state.to_dict(),
            "fingerprint": state.config.fingerprint,
            "warnings": [],
            "version": ti.__version__,
        }

    out = {
        "score_records": _figures(
            lambda output: score_records(records, CONFIG, output=output),
            lambda output: service._answer(frame, score_rest, output),
            repeats,
        ),
        "update_records": _figures(
            lambda output: update_records(saved, batch, output=output),
            lambda output: service._answer(rows, update_rest(), output),
            repeats,
        ),
    }
    return out


def scaling(
    payloads: dict[str, list[Any]], seconds: float, repeats: int
) -> dict[int, dict[str, list[float]]]:
    """Requests per second of each call, per number of processes, over ``repeats`` rounds."""
    rates: dict[int, dict[str, list[float]]] = {n: {"score": [], "update": []} for n in PROCESSES}
    for _ in range(repeats):  # interleaved, so a busy moment touches every setting
        for n in PROCESSES:
            for kind, rate in requests_per_second(n, payloads, seconds).items():
                rates[n][kind].append(rate)
    return rates


def _largest_share(shares: dict[str, dict[str, float]]) -> float:
    """The largest share of a call spent building its JSON text (``output="json"``)."""
    return max(figures["build_json"] / figures["call_json"] for figures in shares.values())


def _speedup(rates: dict[int, dict[str, list[float]]]) -> float:
    """Requests per second of score_records from 2 processes over 1 (medians)."""
    return statistics.median(rates[2]["score"]) / statistics.median(rates[1]["score"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="the CI profile, with checks")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    seconds, repeats, calls = (1.5, 3, 50) if args.quick else (5.0, 5, 300)

    warnings.simplefilter("ignore")
    payloads = make_payloads(args.seed, n_payloads=4 if args.quick else 8)
    n_rows = len(json.loads(call("score", payloads["score"][0]))["rows"])
    shares = json_shares(payloads, calls)
    for attempt in range(2 if args.quick else 0):
        if _largest_share(shares) <= MAX_JSON_SHARE:
            break
        # A busy moment of the shared cores can slow one measurement: measure again.
        print(
            f"the JSON share measured {_largest_share(shares):.0%} (load average "
            f"{os.getloadavg()[0]:.1f}); measuring again ({attempt + 1} of 2)",
            file=sys.stderr,
        )
        shares = json_shares(payloads, calls)
    rates = scaling(payloads, seconds, repeats)
    for attempt in range(2 if args.quick else 0):
        if _speedup(rates) >= MIN_SPEEDUP_2:
            break
        # Other jobs on the shared cores can take the second core for a while: measure again.
        print(
            f"2 processes gave {_speedup(rates):.2f}x one (load average "
            f"{os.getloadavg()[0]:.1f}); measuring again ({attempt + 1} of 2)",
            file=sys.stderr,
        )
        rates = scaling(payloads, seconds, repeats)

    print(
        f"score_records: 1,000 records, {n_rows} rows; update_records: a day's batch of 30 "
        f"records on a saved state of the same dyads. Medians of {repeats} runs of "
        f"{seconds:g} s ({os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f})"
    )
    print(
        f"{'processes':>9}  {'score req/s':>11}  {'x 1 proc':>8}  {'update req/s':>12}  "
        f"{'x 1 proc':>8}"
    )
    base = {kind: statistics.median(rates[1][kind]) for kind in ("score", "update")}
    for n in PROCESSES:
        score_rate = statistics.median(rates[n]["score"])
        update_rate = statistics.median(rates[n]["update"])
        print(
            f"{n:>9}  {score_rate:>11,.0f}  {score_rate / base['score']:>7.2f}x  "
            f"{update_rate:>12,.0f}  {update_rate / base['update']:>7.2f}x"
        )
    print(f"\nJSON building, one process (median of {calls} calls each):")
    print(f"{'call':<15}  {'answer':<26}  {'call ms':>7}  {'JSON ms':>7}  {'share':>5}")
    failures = []
    for name, figures in shares.items():
        for label, whole, build in (
            ('output="json"', figures["call_json"], figures["build_json"]),
            ("dict, then json.dumps", figures["call_dict"], figures["build_dict"]),
        ):
            share = build / whole
            print(f"{name:<15}  {label:<26}  {whole:>7.2f}  {build:>7.2f}  {share:>5.0%}")
            if label.startswith("output") and share > MAX_JSON_SHARE:
                failures.append(f"{name}: JSON building is {share:.0%} of the call")
    speedup = _speedup(rates)
    if speedup < MIN_SPEEDUP_2:
        failures.append(f"score_records: 2 processes give {speedup:.2f}x one process")
    if args.quick and failures:
        for failure in failures:
            print(
                f"FAILED: {failure} (limit: share <= {MAX_JSON_SHARE:.0%}, 2 processes >= "
                f"{MIN_SPEEDUP_2}x)",
                file=sys.stderr,
            )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
