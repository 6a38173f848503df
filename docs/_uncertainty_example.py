"""Print the figures of docs/uncertainty.md from the bundled example.

Every band of that page comes from this script (1000 draws, seed 0, the default
configuration), so that a change of the catalogue's weights or of the draws shows
up as a difference here.  Usage, from the repository root::

    python docs/_uncertainty_example.py
    python docs/_uncertainty_example.py --cost [GDELT files ...]

``--cost`` prints instead the CPU time per draw of each way the draws are
computed (the median of three runs of 1000 draws), on the example and, when
GDELT 1.0 files are given, on them as the command line reads coded data.
"""

from __future__ import annotations

import functools
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import tensionindex as ti

DATES = [
    ("CHN-USA", "2022-08-05"),
    ("CHN-USA", "2023-06-05"),
    ("CHN-USA", "2023-11-15"),
    ("CHN-USA", "2024-04-24"),
    ("CHN-PHL", "2023-08-05"),
    ("CHN-PHL", "2023-12-10"),
    ("CHN-PHL", "2024-03-05"),
    ("CHN-PHL", "2024-06-17"),
    ("CHN-PHL", "2024-06-30"),
    ("CHN-PHL", "2024-07-21"),
]
#: Every event-level source off, and the weights fixed: one source at a time is added.
NOTHING: dict[str, Any] = {
    "spread": 0.0,
    "weight_ranges": {},
    "omission": 0.0,
    "duplication": 0.0,
    "recoding": 0.0,
    "date_shift": 0.0,
    "confidence_draws": False,
}
SOURCES: list[tuple[str, dict[str, Any]]] = [
    ("weights (the published ranges)", {"event_noise": False}),
    ("weights (±25 %)", {"event_noise": False, "weight_ranges": {}}),
    ("omission and duplication", {**NOTHING, "omission": 0.15, "duplication": 0.15}),
    ("recoding", {**NOTHING, "recoding": 0.15}),
    ("date shifts", {**NOTHING, "date_shift": 0.30}),
    ("confidence", {**NOTHING, "confidence_draws": True}),
    ("all the events", {"spread": 0.0, "weight_ranges": {}}),
    ("everything (the default)", {}),
    ("the default, half-life 20 to 45 days", {"half_life_range": (20, 45)}),
    ("the default, scale 7 to 14", {"scale_range": (7, 14)}),
]


#: The command line's settings for coded data (tensionindex.cli.CODED_DEFAULTS).
CODED: dict[str, Any] = {"aggregation": "kernel_mean", "neutral": "dyad", "scale": "auto"}


def _band(bands: Any, dyad: str, date: str, what: str = "stability") -> tuple[float, float, float]:
    row = bands[(bands["dyad"] == dyad) & (bands["date"] == date)].iloc[0]
    return float(row[f"{what}_q05"]), float(row[f"{what}_q50"]), float(row[f"{what}_q95"])


def main() -> None:
    scored = ti.score(ti.load_example("us-china-2024"))
    weights = ti.sensitivity(scored, event_noise=False)
    both = ti.sensitivity(scored)
    print("includes:", both.attrs["tensionindex"]["sensitivity"]["includes"])
    print()
    print("| dyad | date | stability | weights only | median | weights and events | median |")
    print("|---|---|--:|--:|--:|--:|--:|")
    for dyad, date in DATES:
        central = both[(both["dyad"] == dyad) & (both["date"] == date)]["stability"].iloc[0]
        low, middle, high = _band(weights, dyad, date)
        wide_low, wide_middle, wide_high = _band(both, dyad, date)
        print(
            f"| {dyad} | {date} | {central:.1f} | {low:.1f} – {high:.1f} | {middle:.1f} "
            f"| {wide_low:.1f} – {wide_high:.1f} | {wide_middle:.1f} |"
        )
    print()
    print("CHN-USA on 2023-11-15, 90 % band of the stability, by source:")
    print("| includes | 90 % band of the stability |")
    print("|---|--:|")
    for name, settings in SOURCES:
        low, _, high = _band(ti.sensitivity(scored, dyads="CHN-USA", **settings), *DATES[2])
        print(f"| {name} | {low:.1f} – {high:.1f} |")
    # The command line's settings for coded data: baselines of each draw's own events.
    coded = ti.sensitivity(ti.score(ti.load_example("us-china-2024"), **CODED), dyads="CHN-USA")
    method = coded.attrs["tensionindex"]["sensitivity"]["method"]
    central = coded[coded["date"] == DATES[2][1]]["stability"].iloc[0]
    low, middle, high = _band(coded, *DATES[2])
    print(f"| coded settings ({method}) | {central:.1f} | {low:.1f} – {high:.1f} | {middle:.1f} |")
    for draws in (1000, 200):
        ends = [
            _band(ti.sensitivity(scored, dyads="CHN-USA", draws=draws, seed=seed), *DATES[2])
            for seed in range(20)
        ]
        spread_low = statistics.pstdev(e[0] for e in ends)
        spread_high = statistics.pstdev(e[2] for e in ends)
        print(
            f"{draws} draws, 20 seeds: standard deviation of the band's ends "
            f"{spread_low:.2f} and {spread_high:.2f}"
        )


def _cpu(run: Callable[[], object], repeats: int = 3) -> float:
    """Median CPU time of ``run``, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return statistics.median(times)


def cost(files: list[str]) -> None:
    """CPU time per draw of each method, on the example and on GDELT ``files``."""
    samples: dict[str, tuple[Any, Any]] = {"the example": (ti.load_example("us-china-2024"), None)}
    if files:
        events = ti.read_gdelt(files, deduplicate="one_a_day")
        samples[f"GDELT ({len(files)} files)"] = (events, ti.read_report(events).coverage)
    settings: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        ("linear (weights only)", {}, {"event_noise": False}),
        ("recomputed (the default)", {}, {}),
        ("recomputed (coded, neutral='zero')", {**CODED, "neutral": "zero"}, {}),
        ("rescored (coded, neutral='dyad')", CODED, {}),
        ("rescored (coded, neutral='source')", {**CODED, "neutral": "source"}, {}),
    ]
    print("| data | events | dyads x days | method | ms per draw | index, ms |")
    print("|---|--:|--:|---|--:|--:|")
    for name, (events, coverage) in samples.items():
        for label, config, options in settings:
            scored = ti.score(events, coverage=coverage, **config)
            _ = scored.scale  # computed once, before the clock starts
            per_draw = _cpu(functools.partial(ti.sensitivity, scored, **options)) / 1000
            index = _cpu(scored.index_grid)
            days = scored.index_grid().grid.n_days
            print(
                f"| {name} | {len(scored):,} | {len(scored.labels)} x {days} | {label} "
                f"| {1000 * per_draw:.2f} | {1000 * index:.1f} |"
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--cost"]:
        cost(sys.argv[2:])
    else:
        main()
