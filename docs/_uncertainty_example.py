"""Print the figures of docs/uncertainty.md from the bundled example.

Every band of that page comes from this script (1000 draws, seed 0, the default
configuration), so that a change of the catalogue's weights or of the draws shows
up as a difference here.  Usage, from the repository root::

    python docs/_uncertainty_example.py
"""

from __future__ import annotations

import statistics
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
    "omission": 0.0,
    "duplication": 0.0,
    "recoding": 0.0,
    "date_shift": 0.0,
    "confidence_draws": False,
}
SOURCES: list[tuple[str, dict[str, Any]]] = [
    ("weights (±25 %)", {"event_noise": False}),
    ("omission and duplication", {**NOTHING, "omission": 0.15, "duplication": 0.15}),
    ("recoding", {**NOTHING, "recoding": 0.15}),
    ("date shifts", {**NOTHING, "date_shift": 0.30}),
    ("confidence", {**NOTHING, "confidence_draws": True}),
    ("all the events", {"spread": 0.0}),
    ("everything (the default)", {}),
    ("the default, half-life 20 to 45 days", {"half_life_range": (20, 45)}),
    ("the default, scale 7 to 14", {"scale_range": (7, 14)}),
]


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


if __name__ == "__main__":
    main()
