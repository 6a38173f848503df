"""Pipeline benchmark: folders of GDELT 2.0 exports to dyad-days, against pandas and polars.

Usage::

    python benchmarks/bench_pipeline.py --quick   # 6 files of ~60k rows, 3 repeats (CI)
    python benchmarks/bench_pipeline.py           # 10, 100 and 300 files of ~60k rows

Synthetic GDELT 2.0 export files (61 tab-separated fields, no header) are
built, seeded, from the lines of the real excerpt in tests/data, as
benchmarks/bench_readers.py builds them.  Each pipeline then runs in a fresh
process (so that its peak resident memory, ``ru_maxrss``, is its own; the
files are in the page cache) and times itself after its imports:

* ``tensionindex``: ``read_gdelt(folder, fields="index")`` then
  ``stability_index(events, aggregation="mean")``, the user's path from files to
  the index (the columns the index reads, the read report, validation);
  ``ti, all fields``: the same with every column the reader returns;
* ``pandas``: ``read_csv(usecols=...)`` of the date, both countries, the event
  code and the Goldstein score, file by file with the default (C) engine, then
  a groupby to the events and mean score of each dyad-day;
* ``pandas+pyarrow``: the same with ``engine="pyarrow"``;
* ``pyarrow (parse)``: what the library's reader cannot go below: ``pyarrow.csv``
  reading the 15 columns ``read_gdelt`` returns, as text, and nothing else (timed; its
  dyad-days are then counted in arrow, untimed, for the comparison);
* ``polars``: ``scan_csv`` of the folder with the same columns, then
  ``group_by``, if polars is installed (a benchmark-only dependency);
* ``duckdb``: ``read_csv`` and ``GROUP BY`` in SQL, if duckdb is installed.

Every pipeline must give the same dyad-days (dyad, day, number of events):
they are compared by digest, and the run fails if any differs.  With
``--quick`` the run also fails if pandas+pyarrow's time over tensionindex's
falls below :data:`QUICK_FLOOR`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

EXCERPT = Path(__file__).parent.parent / "tests" / "data" / (
    "gdelt_v2_20191024143000_excerpt.export.CSV"
)

#: pandas+pyarrow's time over tensionindex's below which the quick profile fails.  The
#: target of issue 14 is 1.5 and is not reached (docs/performance.md says what limits it):
#: with fields="index" the quick profile measured 0.75-0.84 on an idle machine (0.52-0.63
#: with every column under a load average of 3-6, 0.19 before the byte path), so this floor
#: catches a fall back to reading every column or to the old path without failing on a
#: noisy run.
QUICK_FLOOR = 0.5

# Each script prints one JSON line: seconds, peak MB, rows read, dyad-days and their digest.
# Dyad-days are hashed the same way everywhere: sorted "dyad|YYYYMMDD|events" lines.
_DIGEST = """
import hashlib
def digest(dyads, days, events):
    lines = sorted(f"{d}|{t}|{int(n)}" for d, t, n in zip(dyads, days, events))
    return len(lines), hashlib.sha256("\\n".join(lines).encode()).hexdigest()[:16]
"""

_REPORT = """
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
n, key = digest(dyads, days, events)
print(json.dumps({"seconds": seconds, "peak_mb": peak, "rows": rows, "dyad_days": n,
                  "digest": key}))
"""

# Every script imports what it uses before it starts the clock (tensionindex imports its
# modules lazily: asking for the functions imports them; pyarrow's CSV reader too).
LIBRARY = """
import json, resource, sys, time
import pyarrow.compute, pyarrow.csv
import tensionindex as ti
ti.read_gdelt, ti.stability_index, ti.read_report
""" + _DIGEST + """
folder, fields = sys.argv[1], sys.argv[2]
start = time.perf_counter()
events = ti.read_gdelt(folder, fields=fields)
index = ti.stability_index(events, aggregation="mean")
seconds = time.perf_counter() - start
rows = ti.read_report(events).rows_read
active = index[index["events"] > 0]
dyads = active["dyad"].astype(str)
days = active["date"].dt.strftime("%Y%m%d")
events = active["events"]
""" + _REPORT

# Columns of a GDELT 2.0 export: SQLDATE, Actor1CountryCode, Actor2CountryCode,
# EventCode, GoldsteinScale.
PANDAS = """
import csv, json, resource, sys, time
from pathlib import Path
import pandas as pd
import pyarrow.compute, pyarrow.csv
""" + _DIGEST + """
folder, engine = sys.argv[1], sys.argv[2]
start = time.perf_counter()
options = dict(sep="\\t", header=None, usecols=[1, 7, 17, 26, 30], engine=engine,
               dtype={1: str, 7: str, 17: str, 26: str, 30: float})
if engine == "c":
    options["quoting"] = csv.QUOTE_NONE  # raw exports never quote; pyarrow's engine doesn't
parts, rows = [], 0
for path in sorted(Path(folder).iterdir()):
    frame = pd.read_csv(path, **options).set_axis(["day", "a", "b", "code", "g"], axis=1)
    rows += len(frame)
    a, b = frame["a"], frame["b"]
    frame = frame[a.notna() & b.notna() & (a != b)]
    a, b = frame["a"], frame["b"]
    dyad = a.where(a < b, b) + "-" + b.where(a < b, a)
    parts.append(frame.groupby([dyad, frame["day"]])["g"].agg(["size", "sum"]))
total = pd.concat(parts).groupby(level=[0, 1]).sum()
mean = total["sum"] / total["size"]
seconds = time.perf_counter() - start
dyads = total.index.get_level_values(0)
days = total.index.get_level_values(1)
events = total["size"]
""" + _REPORT

# The floor of the library's own parse: pyarrow.csv reading the 15 columns read_gdelt
# keeps (as text).  The clock stops after the parse; the dyad-days are then counted in
# arrow for the digest only.
ARROW = """
import json, resource, sys, time
from pathlib import Path
import pyarrow as pa, pyarrow.compute as pc, pyarrow.csv as pacsv
""" + _DIGEST + """
folder = sys.argv[1]
start = time.perf_counter()
kept = [0, 1, 7, 17, 25, 26, 27, 28, 30, 31, 32, 33, 34, 59, 60]  # read_gdelt's columns
names = [f"f{i}" for i in range(61)]
read = pacsv.ReadOptions(column_names=names, block_size=1 << 20)
parse = pacsv.ParseOptions(delimiter="\\t", quote_char=False)
convert = pacsv.ConvertOptions(include_columns=[names[i] for i in kept],
                               column_types={names[i]: pa.string() for i in kept},
                               strings_can_be_null=True)
tables = [pacsv.read_csv(path, read_options=read, parse_options=parse,
                         convert_options=convert) for path in sorted(Path(folder).iterdir())]
seconds = time.perf_counter() - start
parts, rows = [], 0
for table in tables:
    rows += table.num_rows
    a, b = table["f7"], table["f17"]
    table = table.filter(pc.and_(pc.is_valid(a), pc.and_(pc.is_valid(b), pc.not_equal(a, b))))
    a, b = table["f7"], table["f17"]
    low = pc.less(a, b)
    dyad = pc.binary_join_element_wise(pc.if_else(low, a, b), pc.if_else(low, b, a), "-")
    grouped = pa.table({"dyad": dyad, "day": table["f1"], "g": table["f30"].cast(pa.float64())})
    parts.append(grouped.group_by(["dyad", "day"]).aggregate([("g", "count"), ("g", "sum")]))
total = pa.concat_tables(parts).group_by(["dyad", "day"]).aggregate(
    [("g_count", "sum"), ("g_sum", "sum")])
dyads, days, events = (total[c].to_pylist() for c in ("dyad", "day", "g_count_sum"))
""" + _REPORT

POLARS = """
import json, resource, sys, time
import polars as pl
""" + _DIGEST + """
folder = sys.argv[1]
start = time.perf_counter()
wanted = {"f1": "day", "f7": "a", "f17": "b", "f26": "code", "f30": "goldstein"}
frame = pl.scan_csv(f"{folder}/*", separator="\\t", has_header=False, quote_char=None,
                    infer_schema=False, new_columns=[f"f{i}" for i in range(61)])
a, b = pl.col("a"), pl.col("b")
counted = (
    frame.select([pl.col(c).alias(n) for c, n in wanted.items()])
    .with_columns(pl.col("goldstein").cast(pl.Float64))
    .with_columns(rows=pl.len())
    .filter(a.is_not_null() & b.is_not_null() & (a != b))
    .with_columns(dyad=pl.when(a < b).then(a + "-" + b).otherwise(b + "-" + a))
    .group_by(["dyad", "day"])
    .agg(pl.len().alias("events"), pl.col("goldstein").mean(), pl.col("rows").first())
    .collect()
)
seconds = time.perf_counter() - start
rows = int(counted["rows"].max())
dyads, days, events = counted["dyad"], counted["day"], counted["events"]
""" + _REPORT

DUCKDB = """
import json, resource, sys, time
import duckdb
""" + _DIGEST + """
folder = sys.argv[1]
start = time.perf_counter()
# The 61 columns as a literal map (DuckDB 2 refuses a subquery in a table function).
columns = "{" + ", ".join(f"'column{i:02d}': 'VARCHAR'" for i in range(61)) + "}"
query = f'''
WITH raw AS (
  SELECT column01 AS day, column07 AS a, column17 AS b, CAST(column30 AS DOUBLE) AS g
  FROM read_csv('{folder}/*', delim='\\t', header=false, quote='', escape='',
                all_varchar=true, columns={columns})
), kept AS (
  SELECT day, least(a, b) || '-' || greatest(a, b) AS dyad, g FROM raw
  WHERE a IS NOT NULL AND b IS NOT NULL AND a <> b
)
SELECT dyad, day, count(*) AS events, avg(g) AS goldstein,
       (SELECT count(*) FROM raw) AS rows
FROM kept GROUP BY dyad, day
'''
result = duckdb.sql(query).fetchall()
seconds = time.perf_counter() - start
rows = result[0][4] if result else 0
dyads = [r[0] for r in result]
days = [r[1] for r in result]
events = [r[2] for r in result]
""" + _REPORT


def make_files(folder: Path, n_files: int, rows: int, seed: int = 0) -> None:
    """Export files of ``rows`` real lines of the excerpt each, drawn with a seed.

    The excerpt holds one quarter-hour of GDELT, so few dyad-days: each line
    drawn gets a day of the 90 before the export (SQLDATE) and, when both its
    countries are given, two countries of the excerpt, so that the folder has
    the thousands of dyad-days of a real one.  Everything else is as read.
    """
    lines = [line.split("\t") for line in EXCERPT.read_text("utf-8").splitlines(keepends=True)]
    countries = sorted({f[i] for f in lines for i in (7, 17) if f[i]})
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    first = np.datetime64("2019-07-26")
    days = [str(first + k).replace("-", "") for k in range(90)]
    for number in range(n_files):
        pick = rng.integers(0, len(lines), rows)
        day = rng.integers(0, len(days), rows)
        sides = rng.integers(0, len(countries), (rows, 2))
        out = []
        for i, d, (a, b) in zip(pick.tolist(), day.tolist(), sides.tolist(), strict=True):
            fields = list(lines[i])
            fields[1] = days[d]
            if fields[7] and fields[17]:
                fields[7], fields[17] = countries[a], countries[b]
            out.append("\t".join(fields))
        # 15-minute export names, one a quarter-hour apart.
        stamp = np.datetime64("2019-10-24T00:00") + np.timedelta64(15 * number, "m")
        name = str(stamp).replace("-", "").replace("T", "").replace(":", "") + "00.export.CSV"
        (folder / name).write_text("".join(out), encoding="utf-8")


def run(script: str, *args: str) -> dict[str, float | str]:
    out = subprocess.run(
        [sys.executable, "-c", script, *args], check=True, capture_output=True, text=True
    )
    result: dict[str, float | str] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def pipelines() -> dict[str, tuple[str, tuple[str, ...]]]:
    found = {
        "tensionindex": (LIBRARY, ("index",)),
        "ti, all fields": (LIBRARY, ("all",)),
        "pandas": (PANDAS, ("c",)),
        "pandas+pyarrow": (PANDAS, ("pyarrow",)),
        "pyarrow (parse)": (ARROW, ()),
    }
    for name, script in (("polars", POLARS), ("duckdb", DUCKDB)):
        if importlib.util.find_spec(name) is None:
            print(f"({name} is not installed: its column is left out; pip install {name})")
        else:
            found[name] = (script, ())
    return found


def measure(folder: Path, repeats: int) -> dict[str, dict[str, float | str]]:
    """Each pipeline's median seconds over ``repeats`` fresh processes, and its largest peak."""
    results: dict[str, dict[str, float | str]] = {}
    runs: dict[str, list[dict[str, float | str]]] = {}
    chosen = pipelines()
    for _ in range(repeats):  # interleaved, so that a busy moment hits every pipeline
        for name, (script, args) in chosen.items():
            runs.setdefault(name, []).append(run(script, str(folder), *args))
    for name, done in runs.items():
        digests = {r["digest"] for r in done}
        assert len(digests) == 1, (name, digests)
        results[name] = {
            **done[0],
            "seconds": statistics.median(float(r["seconds"]) for r in done),
            "peak_mb": max(float(r["peak_mb"]) for r in done),
        }
    return results


def table(n_files: int, results: dict[str, dict[str, float | str]]) -> str:
    rows = int(results["tensionindex"]["rows"])
    ours = float(results["tensionindex"]["seconds"])
    lines = [
        f"{n_files} files, {rows:,} rows, {int(results['tensionindex']['dyad_days']):,} dyad-days",
        f"  {'pipeline':<15} {'seconds':>8} {'rows/s':>11} {'peak MB':>8} {'vs tensionindex':>16}",
    ]
    for name, result in results.items():
        seconds = float(result["seconds"])
        lines.append(
            f"  {name:<15} {seconds:8.2f} {rows / seconds:11,.0f} "
            f"{float(result['peak_mb']):8.0f} {seconds / ours:15.2f}x"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small CI profile")
    parser.add_argument("--folder", type=Path, help="where to write the files (default: temp)")
    args = parser.parse_args()
    sizes, rows, repeats = ((6,), 60_000, 3) if args.quick else ((10, 100, 300), 60_000, 1)
    status = 0
    with tempfile.TemporaryDirectory(dir=args.folder) as tmp:
        peaks = {}
        for n_files in sizes:
            folder = Path(tmp) / f"{n_files}"
            make_files(folder, n_files, rows)
            results = measure(folder, repeats if n_files <= 10 else 1)
            print(table(n_files, results), flush=True)
            expected = results["tensionindex"]["digest"]
            differ = [n for n, r in results.items() if r["digest"] != expected]
            if differ:
                print(f"FAIL: dyad-days differ from tensionindex's in {', '.join(differ)}")
                status = 1
            peaks[n_files] = float(results["tensionindex"]["peak_mb"])
            ratio = float(results["pandas+pyarrow"]["seconds"]) / float(
                results["tensionindex"]["seconds"]
            )
            if args.quick and ratio < QUICK_FLOOR:
                print(f"FAIL: tensionindex is {ratio:.2f}x as fast as pandas+pyarrow, below the "
                      f"floor of {QUICK_FLOOR}x")
                status = 1
            for path in folder.glob("*"):  # disk: only one folder at a time
                path.unlink()
        if len(peaks) > 1:
            first, last = min(peaks), max(peaks)
            print(f"tensionindex peak memory, {last} files vs {first}: "
                  f"x{peaks[last] / peaks[first]:.2f}")
    return status


if __name__ == "__main__":
    sys.exit(main())
