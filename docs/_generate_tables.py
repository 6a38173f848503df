"""Regenerate the tables in docs/methodology.md, docs/data-sources.md and docs/index.md.

Every number in the generated blocks comes from the public API
(``taxonomy``, ``stability_index``, ``explain``, ``contributions``, the
readers and ``deduplicate``, on the bundled example and on the real excerpts
in tests/data), so the pages show what the shipped tables and engine give,
and ``--check`` notices when they change.  The API table of docs/index.md
lists ``tensionindex.__all__`` with each name's docstring summary (see
``docs/_api.py``), so a new public name appears there on the next run.  Each
block sits between

    <!-- generated:NAME -->  ...  <!-- /generated:NAME -->

markers and is replaced in place; the rest of the file is left alone.  The
blocks of docs/data-sources.md are the tables printed by
``docs/_volume_example.py``.

Usage, from the repository root::

    python docs/_generate_tables.py          # rewrite the blocks
    python docs/_generate_tables.py --check  # exit 1 if a block is out of date
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd

import tensionindex as ti

DOCS = Path(__file__).resolve().parent
DOC = DOCS / "methodology.md"
SOURCES_DOC = DOCS / "data-sources.md"
INDEX_DOC = DOCS / "index.md"


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
    """All analyst event types: default weight, range and reason, and the `plover` weight."""
    goldstein = ti.taxonomy(source="analyst").set_index("event_type")
    plover = ti.taxonomy(ti.load_profile("plover"), source="analyst").set_index("event_type")
    cameo = ti.taxonomy(source="cameo").set_index("cameo")
    plover_keys = set(ti.taxonomy(source="plover")["plover"])

    rows = []
    fallback, remapped, revised = [], [], []
    for key, row in goldstein.iterrows():
        mark = ""
        if row["plover"] not in plover_keys:  # mode absent from the score table
            mark += "\u2020"
            fallback.append(key)
        mapped = cameo.at[row["cameo"], "plover"]
        if mapped != row["plover"]:
            mark += "\u2021"
            remapped.append(f"`{key}` ({row['cameo']} \u2192 {mapped})")
        published = cameo.at[row["cameo"], "goldstein_weight"]
        weight = _num(row["weight"])
        if row["weight"] != published:
            weight = f"**{weight}**"
            revised.append(key)
        per = "" if row["unit"] == "event" else f" per {row['unit']}"
        rows.append(
            [
                f"`{key}`",
                row["category"],
                row["label"],
                row["cameo"],
                _num(-published),
                weight + per,
                f"{_num(row['weight_low'])} to {_num(row['weight_high'])}",
                row["reason"],
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
            "Range",
            "Why",
            "PLOVER type/mode",
            "`plover` weight",
        ],
        rows,
        "llllrrlllr",
    )
    notes = [
        f"{len(rows)} analyst event types. *Goldstein* is the value GDELT's table gives the "
        "CAMEO code; *Default weight* is the weight in force in the default (`goldstein`) "
        "profile: minus the Goldstein value, except the "
        f"{len(revised)} weights in **bold**, which the table sets itself for the reason "
        "given; *Range* is the plausible range of the default weight (`weight_low` and "
        "`weight_high` in `taxonomy()`); *`plover` weight* is the weight in the `plover` "
        "profile, minus the PLOVER score of the type/mode shown (the table's weight for "
        "a type counted per aircraft)."
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


# Two CHN-USA events on 1 March (signals +2 and +8), one CHN-PHL event that day (+7)
# and one CHN-USA event on 3 March (+2): the example of "Daily aggregation".
AGGREGATION_EVENTS = [
    {"date": "2024-03-01", "actor1": "CHN", "actor2": "USA", "event_type": "critical_statement"},
    {"date": "2024-03-01", "actor1": "USA", "actor2": "CHN", "event_type": "embargo"},
    {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"},
    {"date": "2024-03-03", "actor1": "CHN", "actor2": "USA", "event_type": "critical_statement"},
]
AGGREGATION_COVERAGE = pd.Series(
    [100, 40, 50], index=pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-03"])
)


def aggregation_example() -> str:
    """The daily signal x_d(t) of a small example under each aggregation."""
    events = AGGREGATION_EVENTS
    runs = {
        '`"sum"`': ti.stability_index(events),
        '`"mean"`': ti.stability_index(events, aggregation="mean"),
        '`"share"`, no counts': ti.stability_index(events, aggregation="share"),
        '`"share"`, `coverage=` 100/40/50': ti.stability_index(
            events, aggregation="share", coverage=AGGREGATION_COVERAGE
        ),
    }
    base = next(iter(runs.values()))
    rows = []
    for position in np.flatnonzero(base["events"].to_numpy()):
        dyad, day = str(base["dyad"].iloc[position]), base["date"].iloc[position]
        # A one-day window keeps exactly the day's own events, each with its s_i.
        own = ti.explain(events, dyad, day, kernel="window", window=1)["signal"]
        rows.append(
            [
                dyad,
                f"{day.day} {day:%b}",
                ", ".join(f"{s:+g}" for s in sorted(own)),
                *(f"{run['signal'].iloc[position]:.4g}" for run in runs.values()),
            ]
        )
    table = _table(["dyad", "day", "s_i", *runs], rows, "lllrrrr")
    why = ti.explain(events, "CHN-USA", "2024-03-01", aggregation="mean")
    tension = why.attrs["tensionindex"]["tension"]
    terms = " + ".join(
        f"{r.signal:g} \u00d7 {r.aggregation:g} \u00d7 {r.decay:g}" for r in why.itertuples()
    )
    factors = ", ".join(f"{g:g}" for g in why["aggregation"])
    return (
        table + '\n\nUnder `"share"` without counts, N(1 Mar) = 3 events (two CHN-USA, one '
        "CHN-PHL) and N(3 Mar) = 1. "
        + f'`ti.explain(events, "CHN-USA", "2024-03-01", aggregation="mean")` gives '
        f"{len(why)} rows with `aggregation` (g_i) {factors}: the contributions {terms} sum "
        f"to T = {tension:g}."
    )


def steady_state() -> str:
    """Tension and stability after a year of one constant daily signal (exponential kernel)."""
    half_life = ti.IndexConfig().half_life
    scale = ti.IndexConfig().scale
    wide = round(1 / (1 - 2 ** (-1 / half_life)))
    days = pd.date_range("2024-01-01", periods=365, freq="D")
    rows = []
    for daily in (-2.0, -1.0, -0.5, 0.5, 1.0, 2.0):
        events = pd.DataFrame(
            {"date": days, "actor1": "AAA", "actor2": "BBB", "event_type": "leader_call"}
        )
        settings = {"weights": {"leader_call": daily}, "aggregation": "mean"}
        last = ti.stability_index(events, **settings).iloc[-1]
        wider = ti.stability_index(events, scale=wide, **settings).iloc[-1]
        rows.append(
            [
                f"{daily:+g}",
                f"{last['tension']:.1f}",
                f"{last['stability']:.2f}",
                f"{wider['stability']:.2f}",
            ]
        )
    return _table(
        [
            "daily signal, every day",
            "T after 365 days",
            f"S, scale {scale:g}",
            f"S, scale {wide}",
        ],
        rows,
        "rrrr",
    )


def _volume_example() -> ModuleType:
    """docs/_volume_example.py, loaded as a module (docs/ is not a package)."""
    spec = importlib.util.spec_from_file_location("_volume_example", DOCS / "_volume_example.py")
    if spec is None or spec.loader is None:
        raise SystemExit("cannot load docs/_volume_example.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dedup_counts() -> str:
    return str(_volume_example().dedup_table())


def volume() -> str:
    return str(_volume_example().volume_table())


def _load_api() -> ModuleType:
    """docs/_api.py, loaded as a module (docs/ is not a package); docs/conf.py shares it."""
    spec = importlib.util.spec_from_file_location("_api", DOCS / "_api.py")
    if spec is None or spec.loader is None:
        raise SystemExit("cannot load docs/_api.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _markdown(summary: str) -> str:
    """A docstring summary in Markdown: roles and ``literals`` become `code`."""
    summary = re.sub(r":(?:[\w-]+:)+`~?([^`]+)`", r"`\1`", summary)
    return summary.replace("``", "`")


def api_table() -> str:
    """Every name of ``tensionindex.__all__``, by group, with its docstring summary."""
    rows = []
    count = 0
    for group, items in _load_api().grouped().items():
        for position, item in enumerate(items):
            rows.append([group if position == 0 else "", f"`{item.name}`", _markdown(item.summary)])
            count += 1
    return _table(["Group", "Name", "What it is"], rows, "lll") + (
        f"\n\n{count} public names, generated from `tensionindex.__all__` and the docstrings "
        "by `docs/_generate_tables.py`."
    )


BLOCKS: dict[Path, dict[str, Callable[[], str]]] = {
    DOC: {
        "aggregation-example": aggregation_example,
        "steady-state": steady_state,
        "worked-example": worked_example,
        "event-types": event_types,
        "stability-scale": stability_scale,
        "cameo-categories": cameo_categories,
        "plover-categories": plover_categories,
    },
    SOURCES_DOC: {
        "dedup-counts": dedup_counts,
        "volume": volume,
    },
    INDEX_DOC: {
        "api-table": api_table,
    },
}


def render(text: str, doc: Path = DOC) -> str:
    for name, build in BLOCKS[doc].items():
        pattern = re.compile(
            rf"(<!-- generated:{name} -->\n)(?:.*?\n)?(<!-- /generated:{name} -->)", re.DOTALL
        )
        if not pattern.search(text):
            raise SystemExit(f"{doc.name}: no '<!-- generated:{name} -->' block")
        body = build()
        text = pattern.sub(
            lambda m, body=body: m.group(1) + "\n" + body + "\n\n" + m.group(2), text
        )
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a block is out of date")
    args = parser.parse_args()
    # The tables show toy events near 0 and 100 on purpose: no saturation warning.
    warnings.simplefilter("ignore", ti.SaturationWarning)
    stale = 0
    for doc in BLOCKS:
        current = doc.read_text(encoding="utf-8")
        updated = render(current, doc)
        if args.check:
            if updated != current:
                print(f"{doc} is out of date: run python docs/_generate_tables.py", file=sys.stderr)
                stale += 1
            else:
                print(f"{doc.name}: generated tables are up to date")
        elif updated != current:
            doc.write_text(updated, encoding="utf-8")
            print(f"rewrote the generated tables in {doc}")
        else:
            print(f"{doc.name}: already up to date")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
