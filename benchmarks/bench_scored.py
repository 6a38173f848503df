"""Score once, analyse many: each query and analysis against the index itself, in one run.

Usage::

    python benchmarks/bench_scored.py --quick   # CI profile (200,000 events), with ceilings
    python benchmarks/bench_scored.py           # full profile (10,000,000 events), for docs

The events are scored once (:func:`tensionindex.score`); every case then
starts from the same :class:`~tensionindex.ScoredEvents` and is timed as a
multiple of ``scored.index()`` measured in the same run, so the ratios hold on
a noisy shared machine.  The targets of the issue that built this object:

============================================  ===========
case                                          at most
============================================  ===========
explain one dyad-date                         0.1x index
contributions                                 2x index
alerts                                        3x index
plot_index without drawing                    3x index
sensitivity, 200 draws                        3x index
============================================  ===========

Alerts are timed twice: with thresholds that a monitoring desk would set (the
0.1st percentile of the stability and drops of 60 points: about 1,300 alerts
over 1,000 dyads and 10 years, about one per dyad every eight years) and with dense ones
(the 10th percentile and drops of 20: about 53,000 alerts, each with its
drivers as text).  The number of alerts found is printed with the table.

The quick profile guards against regressions with ceilings of its own
(``QUICK_CEILINGS``, about twice what it measures): at 200,000 events an index
takes 20 ms, so fixed costs of a few milliseconds weigh more than at archive
scale, where the targets above apply.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import tensionindex as ti
from run import make_events, median_seconds

TARGETS = {
    "explain one dyad-date": 0.1,
    "contributions": 2.0,
    "alerts (desk)": 3.0,
    "alerts (dense)": 3.0,
    "plot_index without drawing": 3.0,
    "sensitivity, 200 draws": 3.0,
}
QUICK_CEILINGS = {
    "explain one dyad-date": 1.0,
    "contributions": 6.0,
    "alerts (desk)": 3.0,
    "alerts (dense)": 6.0,
    "plot_index without drawing": 6.0,
    "sensitivity, 200 draws": 6.0,
}


def _plot_case(scored: ti.ScoredEvents, dyads: list[str]) -> Callable[[], object]:
    """plot_index on one Agg Axes, cleared each time: the artists made, none rendered."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()

    def case() -> object:
        ax.cla()
        return ti.plot_index(scored, dyads=dyads, ax=ax)

    return case


def run(n_events: int, n_dyads: int, years: int, repeats: int) -> list[tuple[str, float, float]]:
    events = make_events(n_events, n_dyads, years)
    begin = time.perf_counter()
    scored = ti.score(events)
    score_s = time.perf_counter() - begin
    index_s = median_seconds(scored.index, repeats)
    first = str(scored.labels[0])
    last_day = str(np.datetime64(scored.span[1], "D"))
    two = [str(label) for label in scored.labels[:2]]
    stability = scored.index()["stability"].to_numpy()
    dense, sparse = float(np.percentile(stability, 10)), float(np.percentile(stability, 0.1))
    cases: dict[str, Callable[[], object]] = {
        "explain one dyad-date": lambda: scored.explain(first, last_day),
        "contributions": scored.contributions,
        "alerts (desk)": lambda: ti.alerts(scored, below=sparse, drop=60),
        "alerts (dense)": lambda: ti.alerts(scored, below=dense, drop=20),
        "plot_index without drawing": _plot_case(scored, two),
        "sensitivity, 200 draws": lambda: ti.sensitivity(scored, draws=200, dyads=two),
    }
    found = {
        "desk": len(ti.alerts(scored, below=sparse, drop=60)),
        "dense": len(ti.alerts(scored, below=dense, drop=20)),
    }
    print(f"alerts found: {found['desk']:,} (desk), {found['dense']:,} (dense)")
    rows = [("score (validate and prepare)", score_s, score_s / index_s)]
    rows.append(("index", index_s, 1.0))
    for name, case in cases.items():
        seconds = median_seconds(case, repeats)
        rows.append((name, seconds, seconds / index_s))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the small CI profile")
    args = parser.parse_args(argv)
    if args.quick:
        size, repeats, ceilings = (200_000, 100, 10), 5, QUICK_CEILINGS
    else:
        size, repeats, ceilings = (10_000_000, 1000, 10), 5, TARGETS
    rows = run(*size, repeats)
    print(f"{size[0]:,} events, {size[1]} dyads, {size[2]} years; medians of {repeats}")
    print("| case | seconds (median) | x index | target | fails above |")
    print("|---|---:|---:|---:|---:|")
    failures = []
    for name, seconds, ratio in rows:
        target, ceiling = TARGETS.get(name), ceilings.get(name)
        shown = "" if target is None else f"<= {target:g}x"
        limit = "" if ceiling is None else f"{ceiling:g}x"
        print(f"| {name} | {seconds:.4f} | {ratio:.3f} | {shown} | {limit} |")
        if ceiling is not None and ratio > ceiling:
            failures.append(f"{name}: {ratio:.2f}x the index, above {ceiling:g}x")
    for failure in failures:
        print("FAIL", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
