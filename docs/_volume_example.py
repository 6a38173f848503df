"""The worked examples of docs/data-sources.md, on the real GDELT excerpts in tests/data.

Two tables, each computed with the public API from files inside the repository:

* **Deduplication**: rows kept per dyad by each rule of ``deduplicate`` on the
  GDELT 2.0 update of 24 October 2019, 14:30 UTC, read twice (as overlapping
  downloads would be).
* **Volume**: the RUS-USA stability index of 1-4 October 2012 (GDELT 1.0
  events located in Georgia) under each daily aggregation.  The CHN-USA rows of
  the shipped excerpts are too few for a series (at most 12 in a file, on a few
  scattered days), so the example uses the dyad with the most rows: RUS-USA,
  42 rows over four consecutive days.

``docs/_generate_tables.py`` pastes both tables into docs/data-sources.md (and
``--check`` fails when they drift).  Run from anywhere::

    python docs/_volume_example.py
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

import tensionindex as ti

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
#: GDELT 1.0 events located in Georgia, October 2012 (R export with a header row).
GEORGIA = DATA / "georgia_oct2012_excerpt.csv"
#: One 15-minute GDELT 2.0 update, 24 October 2019, 14:30 UTC.
UPDATE = DATA / "gdelt_v2_20191024143000_excerpt.export.CSV"

VOLUME_DYAD = "RUS-USA"
#: Dyads whose rows the excerpt of UPDATE holds in full (tests/data/README.md).
DEDUP_DYADS = ["CHN-USA", "GBR-USA", "JPN-TKM", "NOR-RUS"]


def _table(header: list[str], rows: list[list[str]], align: str) -> str:
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join({"l": ":--", "r": "--:"}[a] for a in align) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def dedup_table() -> str:
    """Rows kept per dyad by each rule, on one GDELT update read twice."""
    once = ti.read_gdelt(UPDATE, dyads=DEDUP_DYADS)
    twice = ti.read_gdelt([UPDATE, UPDATE], dyads=DEDUP_DYADS)
    in_file = ti.deduplicate(once, how="one_a_day")[1].set_index("dyad")["raw"]
    kept = {}
    for how in ("event_id", "event_id_date", "one_a_day", "corroboration"):
        report = ti.deduplicate(twice, how=how)[1].set_index("dyad")
        kept[how] = report["kept"]
        if how == "corroboration":
            kept["sources"] = report["sources"]
    raw = ti.deduplicate(twice, how="event_id")[1].set_index("dyad")["raw"]
    rows = [
        [
            dyad,
            str(in_file[dyad]),
            str(raw[dyad]),
            *(str(kept[how][dyad]) for how in kept),
        ]
        for dyad in raw.index
    ]
    counts = _table(
        [
            "dyad",
            "rows in the file",
            "rows read (file twice)",
            "`event_id`",
            "`event_id_date`",
            "`one_a_day`",
            "`corroboration`",
            "its `sources`",
        ],
        rows,
        "lrrrrrrr",
    )
    return counts + "\n\n" + _chn_usa_signal()


def _chn_usa_signal() -> str:
    """CHN-USA daily signal on the update's own day, before and after ``one_a_day``."""
    chn_usa = ti.read_gdelt(UPDATE, dyads="CHN-USA")
    day = chn_usa["date"].max()  # the update's own day; one record is dated the day before
    rows = []
    for label, kept in (
        ("every record", chn_usa),
        ("`one_a_day`", ti.deduplicate(chn_usa, how="one_a_day")[0]),
    ):
        runs = {how: ti.stability_index(kept, aggregation=how) for how in ("sum", "mean")}
        on_day = {how: run[run["date"] == day].iloc[0] for how, run in runs.items()}
        rows.append(
            [
                label,
                str(on_day["sum"]["events"]),
                f"{on_day['sum']['signal']:.4g}",
                f"{on_day['mean']['signal']:.4g}",
            ]
        )
    return (
        f"CHN-USA daily signal on {day.day} {day:%B %Y} (default weights, intensity 1):\n\n"
        + _table(["CHN-USA rows", "records that day", '`"sum"`', '`"mean"`'], rows, "lrrr")
    )


def _settings() -> list[tuple[str, pd.DataFrame, dict[str, Any]]]:
    plain = ti.read_gdelt(GEORGIA, dyads=VOLUME_DYAD)
    sourced = ti.read_gdelt(GEORGIA, dyads=VOLUME_DYAD, intensity="NumSources")

    def one(events: pd.DataFrame) -> pd.DataFrame:
        return ti.deduplicate(events, how="one_a_day")[0]

    return [
        ('`"sum"` (the default), every row', plain, {}),
        ('`"sum"`, `one_a_day`', one(plain), {}),
        ('`"mean"`, every row', plain, {"aggregation": "mean"}),
        ('**`"mean"`, `one_a_day`**', one(plain), {"aggregation": "mean"}),
        (
            '`"mean"`, `one_a_day`, NumSources with `"log1p"`',
            one(sourced),
            {"aggregation": "mean", "intensity_transform": "log1p"},
        ),
    ]


def volume_table() -> str:
    """RUS-USA stability, 1-4 October 2012, under each aggregation (default kernel and scale)."""
    rows = []
    days: list[pd.Timestamp] = []
    for label, events, settings in _settings():
        result = ti.stability_index(events, **settings)
        stability = result["stability"]
        days = list(result["date"])
        rows.append(
            [
                label,
                str(len(events)),
                *(f"{value:.1f}" for value in stability),
                f"{stability.min():.1f}",
                f"{stability.median():.1f}",
                f"{stability.max():.1f}",
            ]
        )
    header = [
        "aggregation, deduplication",
        "rows",
        *(f"{day.day} {day:%b}" for day in days),
        "min",
        "median",
        "max",
    ]
    return _table(header, rows, "l" + "r" * (len(header) - 1))


def main() -> None:
    print(f"Deduplication: {UPDATE.name}, read twice\n")
    print(dedup_table())
    print(f"\nVolume: {VOLUME_DYAD} stability in {GEORGIA.name}\n")
    print(volume_table())


if __name__ == "__main__":
    main()
