"""Render docs/example-chart.png: the bundled example, CHN-USA and CHN-PHL, events annotated.

The chart covers the span both dyads are monitored (``ti.example_spans``).

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
DYADS = ("CHN-USA", "CHN-PHL")


def main() -> None:
    events = ti.load_example("us-china-2024")
    # Draw only the days both dyads are monitored: before 2023 the example holds a few
    # CHN-PHL landmarks, and the line would drift back to 50 for lack of coding.
    spans = ti.example_spans("us-china-2024").set_index("dyad").loc[list(DYADS)]
    start, end = spans["start"].max(), spans["end"].min()
    scored = ti.score(events)
    fig, ax = plt.subplots(figsize=(10, 5), dpi=120, layout="constrained")
    title = (
        f"Bilateral stability, {start:%B %Y} to {end:%B %Y}: bundled example us-china-2024"
    )
    ti.plot_index(scored, dyads=list(DYADS), start=start, end=end, annotate=6, ax=ax, title=title)
    fig.savefig(OUT, dpi=120)
    plt.close(fig)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
