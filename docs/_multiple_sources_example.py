"""The worked example of docs/multiple-sources.md, on the real samples in ../shared/data.

Every number on that page between ``<!-- generated:NAME -->`` markers is printed
by this script with the public API, from the GDELT and ICEWS samples described
in ../shared/data/SOURCES.md (which the repository does not ship: ICEWS is
licensed for research and education only):

* ``datasets``: what each reader read and kept, per dataset, and the days
  each dataset covers;
* ``overlap``: the dyads GDELT and ICEWS both hold, and what the agreement
  report and cross-dataset deduplication make of them (the samples share no
  day, and the report says so);
* ``simulated`` and ``disagreements``: a second source simulated from the
  nine months of GDELT 1.0 events located in Georgia (a seeded 30 % of the
  records, each coded by its CAMEO root only), so that the numbers of a real
  overlap can be shown and checked: deduplication must merge every simulated
  record, and the agreement report measures how well a 30 % sample tracks the
  whole.

Usage, from the repository root::

    python docs/_multiple_sources_example.py           # print the tables
    python docs/_multiple_sources_example.py --write   # paste them into the page
    python docs/_multiple_sources_example.py --check   # exit 1 if the page is out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import tensionindex as ti

DOCS = Path(__file__).resolve().parent
PAGE = DOCS / "multiple-sources.md"
SHARED = DOCS.parent / ".." / "shared" / "data"
GDELT1 = [SHARED / "gdelt" / "v1_raw", SHARED / "gdelt" / "derived" / "georgia_gdelt1_monthly"]
GDELT2 = [SHARED / "gdelt" / "v2_raw", SHARED / "gdelt" / "derived" / "gdeltPyR_events2samps.csv"]
ICEWS = SHARED / "icews" / "events.2018.sample.tab"
GEORGIA = SHARED / "gdelt" / "derived" / "georgia_gdelt1_monthly"
SEED = 2024
SHARE = 0.3


def _table(header: list[str], rows: list[list[str]], align: str) -> str:
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join({"l": ":--", "r": "--:"}[a] for a in align) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _read() -> dict[str, pd.DataFrame]:
    return {
        "gdelt1": ti.read_gdelt(GDELT1),
        "gdelt2": ti.read_gdelt(GDELT2),
        "icews": ti.read_icews(ICEWS),
    }


def datasets_table(read: dict[str, pd.DataFrame]) -> str:
    """Rows read and kept, and days covered, per dataset."""
    rows = []
    for name, events in read.items():
        report = ti.read_report(events)
        days = report.coverage.index
        assert set(events["dataset"].astype(str)) == {name}
        rows.append([
            f"`{name}`",
            f"{len(report.files)}",
            f"{report.rows_read:,}",
            f"{report.rows_kept:,}",
            f"{days.min():%Y-%m-%d} to {days.max():%Y-%m-%d}",
            f"{len(days)}",
        ])
    return _table(
        ["dataset", "files", "rows read", "events kept", "event dates", "days covered"],
        rows,
        "lrrrlr",
    )


#: The dyads SOURCES.md highlights in both the GDELT and the ICEWS samples.
HIGHLIGHTED = ["CHN-USA", "PRK-USA", "RUS-USA", "RUS-UKR", "ISR-PSE", "IND-PAK"]


def overlap_table(read: dict[str, pd.DataFrame]) -> str:
    """The dyads GDELT and ICEWS both hold, and what the agreement report makes of them."""
    events = pd.concat(read.values(), ignore_index=True)
    coverage = {name: ti.read_report(e).coverage for name, e in read.items()}
    found = ti.source_agreement(ti.score(events), dataset_coverage=coverage)
    summary = found.summary[found.summary["dataset_b"] == "icews"].set_index(
        ["dyad", "dataset_a"]
    )
    # The dyads with events in both a GDELT dataset and ICEWS.
    shared = summary[[d in _shared_dyads(read, g) for d, g in summary.index]]
    assert (shared["days_both"] == 0).all() and shared["correlation"].isna().all()
    rows = []
    for dyad in HIGHLIGHTED:
        for gdelt in ("gdelt1", "gdelt2"):
            if (dyad, gdelt) not in shared.index:
                continue
            row = shared.loc[(dyad, gdelt)]
            counts = [int((_dyads(read[d]) == dyad).sum()) for d in (gdelt, "icews")]
            rows.append([
                dyad, f"`{gdelt}`", f"{counts[0]}", f"{counts[1]}", f"{row['days_both']}",
                f"{row['days_either']}", f"{row['share_both']:.2f}",
                "n/a" if np.isnan(row["correlation"]) else f"{row['correlation']:.2f}",
            ])
    kept, report = ti.deduplicate_across_datasets(events)
    merged = int(report["merged"].sum())
    by_gdelt = {g: len(_shared_dyads(read, g)) for g in ("gdelt1", "gdelt2")}
    head = (
        f"{len(_shared_dyads(read))} dyads have events in ICEWS and in a GDELT sample "
        f"({by_gdelt['gdelt1']} with `gdelt1`, {by_gdelt['gdelt2']} with `gdelt2`). On every "
        "one of them the datasets cover no common day, so the correlation is undefined and "
        "there is no disagreement to show. The dyads SOURCES.md highlights:\n\n"
    )
    table = _table(
        ["dyad", "GDELT dataset", "GDELT events", "ICEWS events", "days both cover",
         "days either covers", "share of days", "correlation"],
        rows,
        "llrrrrrr",
    )
    return (
        head
        + table
        + f"\n\nCross-dataset deduplication of all {len(events):,} events: {merged} merged, "
        f"{len(kept):,} kept."
    )


def _dyads(events: pd.DataFrame) -> pd.Series:
    pairs = zip(events["actor1"].astype(str), events["actor2"].astype(str), strict=True)
    return pd.Series(["-".join(sorted(p)) for p in pairs], index=events.index)


def _shared_dyads(read: dict[str, pd.DataFrame], gdelt: str | None = None) -> set[str]:
    icews = set(_dyads(read["icews"]))
    names = [gdelt] if gdelt else ["gdelt1", "gdelt2"]
    return {d for n in names for d in set(_dyads(read[n])) & icews}


def _simulated() -> tuple[pd.DataFrame, pd.DataFrame]:
    """GDELT 1.0 (Georgia) and a seeded 30 % of its records coded by CAMEO root only."""
    georgia = ti.read_gdelt(GEORGIA)
    rng = np.random.default_rng(SEED)
    picked = np.sort(rng.choice(len(georgia), int(SHARE * len(georgia)), replace=False))
    sim = georgia.iloc[picked].reset_index(drop=True)
    sim["event_type"] = sim["event_type"].astype(str).str[:8]  # "cameo:042" -> "cameo:04"
    sim["dataset"] = "sim"
    sim["event_id"] = "sim-" + sim["event_id"].astype(str)
    return georgia, sim


def simulated_table() -> str:
    """Deduplication and agreement of GDELT 1.0 with its simulated 30 % root-coded copy."""
    georgia, sim = _simulated()
    events = pd.concat([georgia, sim], ignore_index=True)
    kept, report = ti.deduplicate_across_datasets(events)
    merged = int(report["merged"].sum())
    # Each simulated record has its original on the same key: all must merge.
    assert merged == len(sim), (merged, len(sim))
    found = ti.source_agreement(ti.score(events))
    top = found.summary.sort_values("events_a", ascending=False, kind="stable").head(6)
    rows = [
        [
            row.dyad, f"{row.events_a}", f"{row.events_b}", f"{row.days_both}",
            f"{row.share_both:.2f}", f"{row.days_reported_both}", f"{row.correlation:.2f}",
        ]
        for row in top.itertuples()
    ]
    head = (
        f"{len(georgia):,} GDELT 1.0 events (`gdelt1`) and {len(sim):,} simulated ones "
        f"(`sim`, seed {SEED}): cross-dataset deduplication merges {merged:,} "
        f"(every simulated record) and keeps {len(kept):,}.\n\n"
    )
    return head + _table(
        ["dyad", "gdelt1 events", "sim events", "days both cover", "share of days",
         "days both report the dyad", "correlation"],
        rows,
        "lrrrrrr",
    )


def disagreements_table() -> str:
    """RUS-USA: the three days on which the two differ most, and what lies behind them."""
    georgia, sim = _simulated()
    events = pd.concat([georgia, sim], ignore_index=True)
    found = ti.source_agreement(ti.score(events), dyads="RUS-USA", top=3)
    rows = []
    for row in found.disagreements.itertuples():
        behind = found.events[found.events["rank"] == row.rank]
        types = behind.groupby("dataset")["event_type"].agg(lambda s: ", ".join(s.value_counts(
            sort=True).head(3).index))
        rows.append([
            f"{row.date:%Y-%m-%d}", f"{row.signal_a:.1f}", f"{row.signal_b:.1f}",
            f"{row.difference:.1f}", f"{row.events_a}", f"{row.events_b}",
            types.get("gdelt1", ""), types.get("sim", ""),
        ])
    return _table(
        ["day", "gdelt1 signal", "sim signal", "difference", "gdelt1 events", "sim events",
         "gdelt1's most frequent types", "sim's most frequent types"],
        rows,
        "lrrrrrll",
    )


def blocks() -> dict[str, str]:
    read = _read()
    return {
        "datasets": datasets_table(read),
        "overlap": overlap_table(read),
        "simulated": simulated_table(),
        "disagreements": disagreements_table(),
    }


def render(text: str, found: dict[str, str]) -> str:
    for name, body in found.items():
        pattern = re.compile(
            rf"(<!-- generated:{name} -->\n).*?(\n<!-- /generated:{name} -->)", re.DOTALL
        )
        if not pattern.search(text):
            raise SystemExit(f"{PAGE.name} has no block {name!r}")
        text = pattern.sub(lambda m, body=body: m.group(1) + body + m.group(2), text)
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="paste the tables into the page")
    mode.add_argument("--check", action="store_true", help="exit 1 if the page is out of date")
    args = parser.parse_args()
    if not ICEWS.is_file():
        print(f"The samples are not in {SHARED.resolve()}: nothing to compute.", file=sys.stderr)
        return 0 if args.check else 1
    found = blocks()
    if not (args.write or args.check):
        for name, body in found.items():
            print(f"## {name}\n\n{body}\n")
        return 0
    text = PAGE.read_text(encoding="utf-8")
    new = render(text, found)
    if args.check:
        if new != text:
            print(f"{PAGE.name} is out of date: run python {Path(__file__).name} --write")
            return 1
        print(f"{PAGE.name}: generated tables are up to date")
        return 0
    PAGE.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
