"""Dask benchmark: an archive of Parquet files larger than the workers' memory, scored.

Usage::

    python benchmarks/bench_dask.py --quick     # 8 files x 100k events, under ~30 s
    python benchmarks/bench_dask.py             # 100 files x 160k events, about 90 s
    python benchmarks/bench_dask.py --threads   # the same, also with the threaded scheduler

A seeded archive of synthetic events (16 million over 1,000 dyads and 10
years; 800,000 over 100 dyads and 2 years in the quick profile) is written as
Parquet files, one slice of time per file as event exports come, then scored
in up to three ways, each in a fresh process so that its peak resident memory
is its own:

* ``in-memory``: ``pd.read_parquet(folder)`` then :func:`tensionindex.stability_index`,
  the baseline, possible here because this machine has the memory for it;
* ``dask threads``: :func:`tensionindex.dask.stability_index` on
  ``dd.read_parquet(folder)`` with the threaded scheduler, in one process
  (the quick profile, ``--threads``, or when ``distributed`` is missing);
* ``dask cluster``: the same code under a ``dask.distributed.Client`` on a
  ``LocalCluster`` of two worker processes, each with a memory limit, the two
  together less than the archive takes as pandas frames.

Every case writes its index to Parquet (the dask cases without collecting it
in the client) and the outputs are checked to be identical, value for value.
Peak memory is ``ru_maxrss`` of the case's process and, for the cluster, the
largest resident memory of any worker process, sampled every 50 ms.  "pass 1"
is the eager first pass (validation and counts) inside the dask call.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

PROFILES: dict[str, dict[str, Any]] = {
    "quick": {"files": 8, "rows": 100_000, "dyads": 100, "years": 2, "limit_mb": 450},
    "full": {"files": 100, "rows": 160_000, "dyads": 1000, "years": 10, "limit_mb": 450},
}
WORKERS = 2

CASE = r"""
import json, resource, sys, threading, time
from pathlib import Path

case, folder, out, workers, limit_mb = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), \
    int(sys.argv[5])
import pandas as pd
import tensionindex as ti

worker_peak = 0.0
stop = threading.Event()


def sample():
    # The largest resident memory of any child process (the cluster's workers).
    global worker_peak
    import psutil
    me = psutil.Process()
    while not stop.is_set():
        for child in me.children(recursive=True):
            try:
                worker_peak = max(worker_peak, child.memory_info().rss / 2**20)
            except psutil.Error:
                pass
        stop.wait(0.05)


start = time.perf_counter()
if case == "in-memory":
    events = pd.read_parquet(folder)
    result = ti.stability_index(events)
    result.to_parquet(out, index=False)
    planned = 0.0
else:
    import dask
    import dask.dataframe as dd
    import tensionindex.dask

    if case == "dask cluster":
        from distributed import Client, LocalCluster

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                               memory_limit=f"{limit_mb}MiB", dashboard_address=None,
                               processes=True, silence_logs=40)
        client = Client(cluster)
        start = time.perf_counter()  # cluster start-up is not the library's time
        context = dask.config.set({})  # dask's defaults: the peer-to-peer shuffle
    else:
        context = dask.config.set(scheduler="threads", num_workers=workers)
    with context:
        result = tensionindex.dask.stability_index(dd.read_parquet(folder))
        planned = time.perf_counter() - start
        result.to_parquet(out, write_index=False)
seconds = time.perf_counter() - start
if case == "dask cluster":
    client.close()
    cluster.close()
    stop.set()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "pass1": planned, "peak_mb": peak,
                  "worker_peak_mb": worker_peak}))
"""


def make_archive(folder: Path, *, files: int, rows: int, dyads: int, years: int) -> None:
    """Seeded synthetic events, one Parquet file per slice, every dyad in every file."""
    import tensionindex as ti

    types = ti.taxonomy(source="analyst")["event_type"].to_numpy()
    n_actors = int(np.ceil((1 + np.sqrt(1 + 8 * dyads)) / 2))
    codes = np.array([f"C{i:03d}" for i in range(n_actors)], dtype=object)
    pairs = np.array([(i, j) for i in range(n_actors) for j in range(i + 1, n_actors)])[:dyads]
    folder.mkdir(parents=True)
    for number in range(files):
        rng = np.random.default_rng(number)
        pick = pairs[rng.integers(0, len(pairs), rows)]
        flip = rng.random(rows) < 0.5
        # Files are slices of time, as exports are; dates inside a slice are random.
        first = number * 365 * years // files
        width = max(1, 365 * years // files)
        days = np.sort(first + rng.integers(0, width, rows))
        frame = pd.DataFrame(
            {
                "date": (np.datetime64("2010-01-01") + days).astype("datetime64[ns]"),
                "actor1": codes[np.where(flip, pick[:, 0], pick[:, 1])],
                "actor2": codes[np.where(flip, pick[:, 1], pick[:, 0])],
                "event_type": types[rng.integers(0, len(types), rows)],
                "intensity": rng.gamma(2.0, 0.5, rows),
                "confidence": rng.uniform(0.5, 1.0, rows),
            }
        )
        frame.to_parquet(folder / f"events-{number:03d}.parquet", index=False)


def run_case(case: str, folder: Path, out: Path, limit_mb: int) -> dict[str, float]:
    command = [sys.executable, "-c", CASE, case, str(folder), str(out), str(WORKERS), str(limit_mb)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired as exc:
        raise SystemExit(f"case {case!r} did not finish in 15 minutes") from exc
    if done.returncode != 0:
        raise SystemExit(f"case {case!r} failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def same_output(expected: Path, got: Path) -> bool:
    """The dask output, read back, equals the in-memory one value for value."""

    def read(path: Path) -> pd.DataFrame:
        frame = pd.read_parquet(path)
        frame["dyad"] = frame["dyad"].astype(str)
        return frame.sort_values(["dyad", "date"], kind="stable").reset_index(drop=True)

    try:
        pd.testing.assert_frame_equal(read(got), read(expected), check_exact=True)
    except AssertionError as exc:
        print(f"MISMATCH {got.name}: {exc}", file=sys.stderr)
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small archive, under ~30 s")
    parser.add_argument(
        "--threads", action="store_true", help="time the threaded scheduler in the full profile too"
    )
    args = parser.parse_args(argv)
    profile = PROFILES["quick" if args.quick else "full"]
    try:
        import distributed  # noqa: F401
    except ImportError:
        cases = ["in-memory", "dask threads"]
        print("distributed is not installed: threaded scheduler only (pip install distributed)")
    else:
        # The full profile keeps to about two minutes: the cluster case only.
        threads = ["dask threads"] if args.quick or args.threads else []
        cases = ["in-memory", *threads, "dask cluster"]

    work = Path(tempfile.mkdtemp(prefix="tensionindex-bench-dask-"))
    try:
        began = time.perf_counter()
        folder = work / "archive"
        make_archive(
            folder,
            files=profile["files"],
            rows=profile["rows"],
            dyads=profile["dyads"],
            years=profile["years"],
        )
        n_events = profile["files"] * profile["rows"]
        on_disk = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
        frames = sum(
            pd.read_parquet(path).memory_usage(deep=True).sum() / 2**20
            for path in sorted(folder.iterdir())
        )
        limit, total_limit = profile["limit_mb"], profile["limit_mb"] * WORKERS
        print(
            f"archive: {profile['files']} Parquet files, {n_events:,} events, "
            f"{profile['dyads']} dyads, {profile['years']} years: {on_disk:.0f} MiB on disk, "
            f"{frames:.0f} MiB as pandas frames (written in {time.perf_counter() - began:.1f} s)"
        )
        if "dask cluster" in cases:
            print(
                f"cluster: LocalCluster, {WORKERS} worker processes x 1 thread, memory limit "
                f"{limit} MiB each, {total_limit} MiB in all (the archive as frames is "
                f"{frames / total_limit:.2f} x that)"
            )
        results = {}
        for case in cases:
            results[case] = run_case(case, folder, work / f"out-{case.replace(' ', '-')}", limit)
        baseline = results["in-memory"]["seconds"]
        header = (
            f"{'case':<14} {'seconds':>8} {'pass 1 s':>9} {'events/s':>11} {'peak MiB':>9} "
            f"{'worker peak MiB':>16} {'x in-memory time':>17} {'same output':>12}"
        )
        print(header)
        print("-" * len(header))
        all_same = True
        for case, row in results.items():
            same = case == "in-memory" or same_output(
                work / "out-in-memory", work / f"out-{case.replace(' ', '-')}"
            )
            all_same &= same
            worker = f"{row['worker_peak_mb']:.0f}" if row["worker_peak_mb"] else "-"
            first = f"{row['pass1']:.2f}" if row["pass1"] else "-"
            print(
                f"{case:<14} {row['seconds']:>8.2f} {first:>9} {n_events / row['seconds']:>11,.0f} "
                f"{row['peak_mb']:>9.0f} {worker:>16} {row['seconds'] / baseline:>17.2f} "
                f"{'yes' if same else 'NO':>12}"
            )
        print(f"total {time.perf_counter() - began:.1f} s")
        return 0 if all_same else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
