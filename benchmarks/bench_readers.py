"""Reader benchmark: many GDELT files scored in bounded memory, against plain pandas.

Usage::

    python benchmarks/bench_readers.py --quick   # 2 and 6 files of ~20k rows
    python benchmarks/bench_readers.py           # 4 and 16 files of ~60k rows

Synthetic GDELT 2.0 daily files are built (seeded) from the real excerpt in
tests/data, then read two ways, each in a fresh process so that its peak
resident memory (``ru_maxrss``) is its own:

* ``library``: ``read_gdelt(files, dyads=["CHN-USA"], deduplicate="one_a_day")``
  (the dyad filter and the one-a-day rule applied chunk by chunk), then
  ``stability_index`` with the reported coverage;
* ``baseline``: what an analyst writes with pandas alone: read every file
  whole (all 61 columns as text), concatenate, then filter the dyad.

The library's peak memory must not grow with the number of files; the
baseline's does.  Times are printed for information, with their ratio.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

EXCERPT = Path(__file__).parent.parent / "tests" / "data" / (
    "gdelt_v2_20191024143000_excerpt.export.CSV"
)

LIBRARY = """
import json, resource, sys, time
import tensionindex as ti
files = sys.argv[1:]
start = time.perf_counter()
# The user's path: read with the dyad filter, deduplicating as the chunks arrive,
# then score with the coverage the reader reports.
events = ti.read_gdelt(files, dyads=["CHN-USA"], deduplicate="one_a_day", chunksize=20_000)
result = ti.stability_index(events, coverage=ti.read_report(events).coverage, aggregation="mean")
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
raw = sum(row["raw"] for row in events.attrs["tensionindex_dedup"]["dyads"])
print(json.dumps({"seconds": seconds, "peak_mb": peak, "events": raw, "kept": len(events)}))
"""

BASELINE = """
import csv, json, resource, sys, time
import pandas as pd
files = sys.argv[1:]
start = time.perf_counter()
frames = [pd.read_csv(f, sep="\\t", header=None, dtype=str, quoting=csv.QUOTE_NONE,
                      keep_default_na=False, na_values=[""]) for f in files]
raw = pd.concat(frames, ignore_index=True)
a, b = raw[7], raw[17]
mask = ((a == "CHN") & (b == "USA")) | ((a == "USA") & (b == "CHN"))
counts = raw[mask].groupby(1).size()
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "events": int(counts.sum())}))
"""


def make_files(folder: Path, n_files: int, rows: int, seed: int = 0) -> list[Path]:
    """Daily files of ``rows`` rows drawn (seeded) from the real excerpt's lines."""
    lines = EXCERPT.read_text("utf-8").splitlines(keepends=True)
    rng = np.random.default_rng(seed)
    paths = []
    for day in range(n_files):
        pick = rng.integers(0, len(lines), rows)
        path = folder / f"201910{day + 1:02d}000000.export.CSV"
        path.write_text("".join(lines[i] for i in pick), encoding="utf-8")
        paths.append(path)
    return paths


def run(script: str, files: list[Path]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", script, *map(str, files)],
        check=True, capture_output=True, text=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small CI profile")
    args = parser.parse_args()
    counts, rows = ((2, 6), 20_000) if args.quick else ((4, 16), 60_000)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        files = make_files(Path(tmp), max(counts), rows)
        for n in counts:
            lib = run(LIBRARY, files[:n])
            base = run(BASELINE, files[:n])
            assert lib["events"] == base["events"], (lib, base)
            results[n] = (lib, base)
            print(
                f"{n:3d} files x {rows:,} rows: library {lib['seconds']:.2f} s, "
                f"peak {lib['peak_mb']:.0f} MB | pandas {base['seconds']:.2f} s, "
                f"peak {base['peak_mb']:.0f} MB | speed ratio "
                f"{base['seconds'] / lib['seconds']:.2f}"
            )
    small, large = (results[n][0]["peak_mb"] for n in counts)
    growth = large / small
    print(f"library peak memory, {counts[1]} files vs {counts[0]}: x{growth:.2f}")
    # Bounded memory: more files must not mean (much) more memory.
    if growth > 1.3:
        print("FAIL: the library's peak memory grows with the number of files")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

