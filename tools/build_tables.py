"""Rebuild the numeric tables in ``src/tensionindex/data`` from the shared raw files.

Run from the repository root, with the shared data folder beside the checkout::

    python tools/build_tables.py ../shared/data

This script is how the shipped tables were made; the package never reads the raw
files.  Their provenance is in ``src/tensionindex/data/PROVENANCE.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

OUT = Path(__file__).resolve().parents[1] / "src" / "tensionindex" / "data"


def build_cameo(raw: Path) -> None:
    read = dict(sep="\t", dtype=str, encoding="utf-8", keep_default_na=False)
    codes = pd.read_csv(raw / "cameo/gdelt_lookups_2021/CAMEO.eventcodes.txt", **read)
    scale = pd.read_csv(raw / "cameo/gdelt_lookups_2021/CAMEO.goldsteinscale.txt", **read)
    old = pd.read_csv(raw / "cameo/gdelt_lookups_2013/CAMEO.eventcodes.txt", **read)
    old_scale = pd.read_csv(raw / "cameo/gdelt_lookups_2013/CAMEO.goldsteinscale.txt", **read)
    table = codes.merge(scale, on="CAMEOEVENTCODE", how="outer", validate="one_to_one")
    # 2021 copy folds code 106 into the 1056 line; the 2013 copy still has it.
    missing = old.merge(old_scale, on="CAMEOEVENTCODE")
    missing = missing[~missing.CAMEOEVENTCODE.isin(table.CAMEOEVENTCODE)]
    table = pd.concat([table, missing], ignore_index=True)
    table.columns = ["code", "description", "goldstein"]
    table["description"] = (
        table["description"]
        .str.replace(r"106:\[-5\.0\] Demand withdrawal", "", regex=True)
        .str.replace("\u00d2hird\u00d3", "'third' ", regex=False)
        .str.replace(r"\s+", " ", regex=True)
        .str.strip()
    )
    table["goldstein"] = table["goldstein"].astype(float)
    table = table.sort_values("code", key=lambda s: s.str.ljust(4, " ")).reset_index(drop=True)
    table.to_csv(OUT / "cameo_goldstein.csv", index=False, lineterminator="\n")


def build_plover(raw: Path) -> None:
    scores = pd.read_csv(raw / "plover/plover_scores.tsv", sep="\t", keep_default_na=False)
    scores.to_csv(OUT / "plover_scores.csv", index=False, lineterminator="\n")
    mapping = pd.read_csv(
        raw / "cameo/other/CAMEO2PLOVER-2021.txt",
        sep=":",
        header=None,
        comment="#",
        names=["cameo", "plover"],
        dtype=str,
    )
    parts = mapping["plover"].str.split(",", expand=True).reindex(columns=[0, 1])
    out = pd.DataFrame(
        {
            "cameo": mapping["cameo"].str.strip(),
            "plover_type": parts[0].str.strip(),
            "plover_mode": parts[1].fillna("").str.strip(),
        }
    )
    # The source ends with a "~~~~~" separator line; keep only real codes.
    out = out[out["cameo"].str.fullmatch(r"\d{2,4}")]
    # The source lists code 08 twice (CONCEDE, then RETREAT); keep the first.
    out = out.drop_duplicates("cameo", keep="first")
    out.to_csv(OUT / "cameo_plover.csv", index=False, lineterminator="\n")


if __name__ == "__main__":
    raw = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
    build_cameo(raw)
    build_plover(raw)
