"""Render the charts of the worked example on the curated China-partner events.

``docs/china-partners-chart.png``: the daily stability of CHN-JPN and CHN-USA
(top) and of China against the South China Sea claimants as one pooled group
beside CHN-PHL and CHN-VNM (bottom), 2010 to 2025, with the named grades.
``docs/china-partners-change.png``: the two partners that fell most and the two
that rose most from 1 January 2022 to 31 December 2024 (``ti.compare_dyads``),
with the events that moved them labelled.

The data (Hu & Wang, CC BY 4.0) are read from ``../shared/data/curated`` beside
the checkout; they are not shipped.  The events are mapped and scored by
``examples/china_partners.py``, so the charts show the numbers that script
prints.  Run from the repository root with the plot extra installed::

    python docs/_make_china_partners_chart.py
"""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import matplotlib

matplotlib.use("Agg")  # a script that writes a file needs no window

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from PIL import Image

import tensionindex as ti

DOCS = Path(__file__).resolve().parent
EXAMPLE = DOCS.parent / "examples" / "china_partners.py"
OVERVIEW = DOCS / "china-partners-chart.png"
CHANGE = DOCS / "china-partners-change.png"
MOVERS = 2  # partners drawn from each end of the ranking by change
DPI = 100


def load_example() -> ModuleType:
    """examples/china_partners.py as a module (examples are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("example_china_partners", EXAMPLE)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {EXAMPLE}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def save(fig: Figure, path: Path) -> None:
    """Write ``fig`` as a PNG of at most 256 colours.

    Anti-aliasing leaves thousands of shades in a chart of many lines, and a
    full-colour PNG of the overview is about 220 KB; with 256 colours (median cut,
    no dithering) the colours of the lines, markers and grades are kept exactly and
    the file is about a third of that.  Pillow comes with matplotlib.  No
    timestamp or software version is written, so the same data give the same bytes.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    buffer.seek(0)
    with Image.open(buffer) as image:
        image.convert("RGB").quantize(
            colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        ).save(path, format="PNG", optimize=True)
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KB)")


def overview(example: ModuleType, result: Any) -> Figure:
    """The index of two partners (top) and of the South China Sea group (bottom)."""
    scored, labels, claimants = result.scored, result.labels, result.claimants
    # One scored object for the bottom panel: the pooled group and two of its members,
    # each member a group of one (the same events, the same index as the dyad).
    neighbours = scored.by_group(
        {
            "CHN-SCS (pooled)": claimants,
            labels["Philippines"]: [labels["Philippines"]],
            labels["Vietnam"]: [labels["Vietnam"]],
        }
    )
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(12, 8), dpi=DPI, sharex=True, layout="constrained"
    )
    ti.plot_index(
        scored,
        dyads=[labels["Japan"], labels["United States"]],
        start="2010-01-01",
        end=example.LAST,
        annotate=4,
        grades=True,
        ax=top,
        # Through plot_index, which leaves room for its settings line under the title.
        title="China with Japan and the United States",
    )
    names = ", ".join(claimants)
    ti.plot_index(
        neighbours,
        dyads=["CHN-SCS (pooled)", labels["Philippines"], labels["Vietnam"]],
        start="2010-01-01",
        end=example.LAST,
        annotate=0,
        grades=True,
        ax=bottom,
        title=f"China with the South China Sea claimants: pooled group ({names}), and two members",
    )
    fig.suptitle(
        "Daily stability, 2010-2025: Hu & Wang's curated China-partner events (CC BY 4.0), "
        "mapped by examples/china_partners.py, half-life 90 days",
        fontsize="medium",
        x=0.01,
        ha="left",
    )
    return fig


def change(example: ModuleType, result: Any) -> Figure:
    """The two largest falls and the two largest rises over ``CHANGE``, drivers labelled."""
    scored, ranking = result.scored, result.change  # ranking: largest fall first
    movers = [*ranking["dyad"].head(MOVERS), *ranking["dyad"].tail(MOVERS)[::-1]]
    start, end = example.CHANGE
    fig, ax = plt.subplots(figsize=(12, 5), dpi=DPI, layout="constrained")
    ti.plot_index(
        scored,
        dyads=movers,
        start=start,
        end=end,
        annotate=6,
        grades=True,
        ax=ax,
        title=f"The largest falls and rises of stability from {start} to {end} "
        "(ti.compare_dyads; curated China-partner events, half-life 90 days)",
    )
    return fig


def main() -> None:
    example = load_example()
    if not (example.DATA / example.EVENTS_FILE).is_file():
        raise SystemExit(f"needs the curated China-partner events in {example.DATA}")
    result = example.run(example.DATA)
    save(overview(example, result), OVERVIEW)
    save(change(example, result), CHANGE)


if __name__ == "__main__":
    main()
