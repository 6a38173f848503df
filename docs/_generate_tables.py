"""Regenerate the tables in docs/methodology.md from the library itself.

Every number in the generated blocks comes from the public API
(``taxonomy``, ``stability_index``, ``explain``, ``contributions`` and the
bundled example), so the page shows what the shipped tables and engine give,
and ``--check`` notices when they change.  Each block sits between

    <!-- generated:NAME -->  ...  <!-- /generated:NAME -->

markers and is replaced in place; the rest of the file is left alone.

Usage, from the repository root::

    python docs/_generate_tables.py          # rewrite the blocks
    python docs/_generate_tables.py --check  # exit 1 if a block is out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

import tensionindex as ti

DOC = Path(__file__).resolve().parent / "methodology.md"


def _num(value: float) -> str:
    """One decimal, with no "-0.0" (the tables negate scores, and -0.0 is noise)."""
    return f"{float(value) + 0.0:.1f}"


def _small(value: float) -> str:
    """Four decimals, or two significant digits for values too small to show."""
    return f"{value:.4f}" if abs(value) >= 1e-3 else f"{value:.1e}"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|")


def _table(header: list[str], rows: list[list[str]], align: str) -> str:
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join({"l": ":--", "r": "--:", "c": ":-:"}[a] for a in align) + "|")
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def event_types() -> str:
    """All analyst event types with both published default weights."""
    goldstein = ti.taxonomy(source="analyst").set_index("event_type")
    plover = ti.taxonomy(ti.load_profile("plover"), source="analyst").set_index("event_type")
    cameo = ti.taxonomy(source="cameo").set_index("cameo")
    plover_keys = set(ti.taxonomy(source="plover")["plover"])

    rows = []
    fallback, remapped = [], []
    for key, row in goldstein.iterrows():
        mark = ""
        if row["plover"] not in plover_keys:  # mode absent from the score table
            mark += "\u2020"
            fallback.append(key)
        mapped = cameo.at[row["cameo"], "plover"]
        if mapped != row["plover"]:
            mark += "\u2021"
            remapped.append(f"`{key}` ({row['cameo']} \u2192 {mapped})")
        rows.append(
            [
                f"`{key}`",
                row["category"],
                row["label"],
                row["cameo"],
                _num(-row["goldstein_weight"]),
                _num(row["weight"]),
                row["plover"] + mark,
                _num(plover.at[key, "weight"]),
            ]
        )
    table = _table(
        [
            "Event type",
            "Category",
            "Label",
            "CAMEO",
            "Goldstein",
            "Default weight",
            "PLOVER type/mode",
            "`plover` weight",
        ],
        rows,
        "llllrrlr",
    )
    notes = [
        f"{len(rows)} analyst event types. *Goldstein* is the value GDELT's table gives the "
        "CAMEO code; *Default weight* is the weight in force in the default (`goldstein`) "
        "profile, minus the Goldstein value; *`plover` weight* is the weight in the `plover` "
        "profile, minus the PLOVER score of the type/mode shown."
    ]
    if fallback:
        notes.append(
            "\u2020 Mode absent from the PLOVER score table: the type's base score is used ("
            + ", ".join(f"`{k}`" for k in fallback)
            + ")."
        )
    if remapped:
        notes.append(
            "\u2021 The catalogue's own PLOVER choice differs from what CAMEO2PLOVER gives "
            "the CAMEO code (shown in brackets): " + "; ".join(remapped) + "."
        )
    return table + "\n\n" + "\n\n".join(notes)


def stability_scale() -> str:
    """Stability at multiples of the scale, computed by the engine on one event."""
    scale = ti.IndexConfig().scale
    rows = []
    for ratio in (-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3):
        tension = ratio * scale
        event = {"date": "2024-01-01", "actor1": "AAA", "actor2": "BBB", "event_type": "warning"}
        result = ti.stability_index([event], weights={"warning": tension})
        rows.append(
            [
                f"{ratio:+g} \u00d7 scale" if ratio else "0",
                _num(tension),
                f"{result['stability'].iloc[0]:.1f}",
            ]
        )
    return _table(["T", f"T when scale = {scale:g}", "S"], rows, "rrr")


def cameo_categories() -> str:
    """Category of each CAMEO root code, and the codes that depart from their root."""
    cameo = ti.taxonomy(source="cameo").set_index("cameo")
    roots = [code for code in cameo.index if len(code) == 2]
    rows = [
        [code, cameo.at[code, "label"].capitalize(), cameo.at[code, "category"]] for code in roots
    ]
    table = _table(["Root", "CAMEO root", "Category"], rows, "llc")

    exceptions: dict[tuple[str, str], list[str]] = {}
    for code, row in cameo.iterrows():
        root_category = cameo.at[code[:2], "category"]
        if len(code) > 2 and row["category"] != root_category:
            exceptions.setdefault((root_category, row["category"]), []).append(code)
    lines = [
        f"- {', '.join(codes)}: {new} (root: {old})"
        for (old, new), codes in sorted(exceptions.items(), key=lambda kv: kv[1][0])
    ]
    return (
        table
        + "\n\nCodes whose category differs from their root's "
        + f"({sum(len(v) for v in exceptions.values())} of {len(cameo)}):\n\n"
        + "\n".join(lines)
    )


def plover_categories() -> str:
    plover = ti.taxonomy(source="plover")
    types = plover["plover"].str.partition("/")[0]
    by_type = plover.assign(type=types).groupby("type", sort=False)["category"].unique()
    rows = [[f"`{t}`", ", ".join(cats)] for t, cats in by_type.items()]
    return _table(["PLOVER type", "Category"], rows, "ll")


def worked_example() -> str:
    """explain() and contributions() on the lowest CHN-PHL value of the bundled example."""
    dyad = "CHN-PHL"
    events = ti.load_example("us-china-2024")
    result = ti.stability_index(events, dyads=dyad).set_index("date")
    day = result["stability"].idxmin()
    why = ti.explain(events, dyad, day)
    info = why.attrs["tensionindex"]
    top = why.head(5)
    rows = [
        [
            f"{r.date:%Y-%m-%d}",
            f"`{r.event_type}`",
            _num(r.weight),
            f"{r.intensity:g}",
            f"{r.confidence:g}",
            f"{r.signal:.2f}",
            str(r.age_days),
            f"{r.decay:.4f}",
            f"{r.contribution:.4f}",
        ]
        for r in top.itertuples()
    ]
    table = _table(
        [
            "date",
            "event_type",
            "w",
            "intensity",
            "c",
            "signal",
            "age_days",
            "decay",
            "contribution",
        ],
        rows,
        "llrrrrrrr",
    )
    rest = why["contribution"].iloc[len(top) :].sum()
    split = ti.contributions(events, dyads=dyad).set_index("date").loc[day]
    parts = [
        f"{name} {_small(split[name])}"
        for name in split.index
        if name not in ("dyad", "tension") and abs(split[name]) > 0
    ]
    return (
        f'`ti.explain(events, "{dyad}", "{day:%Y-%m-%d}")`, the five largest of '
        f"{len(why)} rows:\n\n"
        + table
        + f"\n\nThe other {len(why) - len(top)} rows add {rest:.4f}; all {len(why)} sum to "
        f"T = {info['tension']:.4f}, the `tension` that `stability_index` reports for that day "
        f"({result.at[day, 'tension']:.4f}), and S = {info['stability']:.2f}. "
        f"`ti.contributions` splits the same value by category: " + "; ".join(parts) + "."
    )


BLOCKS: dict[str, Callable[[], str]] = {
    "worked-example": worked_example,
    "event-types": event_types,
    "stability-scale": stability_scale,
    "cameo-categories": cameo_categories,
    "plover-categories": plover_categories,
}


def render(text: str) -> str:
    for name, build in BLOCKS.items():
        pattern = re.compile(
            rf"(<!-- generated:{name} -->\n)(?:.*?\n)?(<!-- /generated:{name} -->)", re.DOTALL
        )
        if not pattern.search(text):
            raise SystemExit(f"{DOC.name}: no '<!-- generated:{name} -->' block")
        body = build()
        text = pattern.sub(
            lambda m, body=body: m.group(1) + "\n" + body + "\n\n" + m.group(2), text
        )
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a block is out of date")
    args = parser.parse_args()
    current = DOC.read_text(encoding="utf-8")
    updated = render(current)
    if args.check:
        if updated != current:
            print(f"{DOC} is out of date: run python docs/_generate_tables.py", file=sys.stderr)
            return 1
        print(f"{DOC.name}: generated tables are up to date")
        return 0
    if updated != current:
        DOC.write_text(updated, encoding="utf-8")
        print(f"rewrote the generated tables in {DOC}")
    else:
        print(f"{DOC.name}: already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
