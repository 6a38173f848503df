"""Render docs/example-chart.png: the bundled example, CHN-USA and CHN-PHL, events annotated.

Run from the repository root with the plot extra installed:

    python docs/_make_chart.py

Only the public API is used, so the chart is what a notebook user gets.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # a script that writes a file needs no window

import matplotlib.pyplot as plt

import tensionindex as ti

OUT = Path(__file__).with_name("example-chart.png")


def main() -> None:
    scored = ti.score(ti.load_example("us-china-2024"))
    fig, ax = plt.subplots(figsize=(10, 5), dpi=120, layout="constrained")
    ti.plot_index(scored, dyads=["CHN-USA", "CHN-PHL"], start="2022-06-01", annotate=6, ax=ax)
    ax.set_title(
        "Bilateral stability, June 2022 to July 2024: bundled example us-china-2024 "
        "(Goldstein weights, 30-day half-life)",
        loc="left",
        fontsize="medium",
    )
    fig.savefig(OUT, dpi=120)
    plt.close(fig)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
