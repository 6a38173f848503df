"""Render docs/parts-chart.png: conflict and cooperation parts on real GDELT data.

Nine months of GDELT 1.0 events located in Georgia (June 2012 to February 2013),
read from the real samples beside the checkout (``../shared/data``, not shipped),
deduplicated with ``one_a_day`` and scored with the settings the command line uses
for coded data (``kernel_mean``, ``neutral="dyad"``, ``scale="auto"``).  Shaded:
low-information stretches (``low_information``).  Run from the repository root
with the plot extra installed::

    python docs/_make_parts_chart.py
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # a script that writes a file needs no window

import matplotlib.pyplot as plt

import tensionindex as ti

OUT = Path(__file__).with_name("parts-chart.png")
GEORGIA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "gdelt" / "derived"
DYADS = ["GEO-RUS", "RUS-USA"]


def main() -> None:
    files = sorted((GEORGIA / "georgia_gdelt1_monthly").glob("*.csv"))
    if not files:
        raise SystemExit(f"needs the real GDELT samples in {GEORGIA}")
    events = ti.read_gdelt(files, deduplicate="one_a_day")
    coverage = ti.read_report(events).coverage
    scored = ti.score(
        events, coverage=coverage, aggregation="kernel_mean", neutral="dyad", scale="auto"
    )
    fig, axes = plt.subplots(len(DYADS), 1, figsize=(10, 6), dpi=120, layout="constrained")
    ti.plot_parts(scored, dyads=DYADS, ax=list(axes))
    fig.suptitle(
        "Conflict and cooperation parts: GDELT 1.0 events located in Georgia, "
        "Jun 2012 to Feb 2013 (kernel_mean, neutral='dyad')",
        fontsize="medium",
        x=0.01,
        ha="left",
    )
    fig.savefig(OUT, dpi=120)
    plt.close(fig)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
