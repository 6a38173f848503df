"""The ``tensionindex`` command: parse arguments, call the library, write output.

Bad input prints one line to stderr and exits with status 2, without a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

import tensionindex as ti

_SPARKS = "▁▂▃▄▅▆▇█"


def _config_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("configuration")
    group.add_argument("--config", metavar="FILE", help="configuration file (.toml or .json)")
    group.add_argument(
        "--profile", metavar="NAME", help=f"built-in profile: {', '.join(ti.profiles())}"
    )
    group.add_argument(
        "--half-life", type=float, metavar="DAYS", help="exponential half-life in days"
    )
    group.add_argument("--kernel", choices=["exponential", "window"])
    group.add_argument("--window", type=int, metavar="DAYS", help="window length in days")
    group.add_argument("--scale", type=float, help="logistic scale of the stability index")
    group.add_argument(
        "--directed", action="store_true", default=None, help="score A->B and B->A apart"
    )


def _config(args: argparse.Namespace) -> ti.IndexConfig:
    if args.config and args.profile:
        raise ti.ConfigurationError("Give either --config or --profile, not both.")
    if args.config:
        config = ti.load_config(args.config)
    elif args.profile:
        config = ti.load_profile(args.profile)
    else:
        config = ti.IndexConfig()
    changes: dict[str, Any] = {
        "half_life": args.half_life,
        "kernel": args.kernel,
        "window": args.window,
        "scale": args.scale,
        "directed": args.directed,
    }
    changes = {k: v for k, v in changes.items() if v is not None}
    return dataclasses.replace(config, **changes) if changes else config


def _score(args: argparse.Namespace) -> None:
    config = _config(args)
    events = ti.read_events(args.events, config=config)
    result = ti.stability_index(events, config, start=args.start, end=args.end, dyads=args.dyad)
    ti.write_table(result, args.output)


def _explain(args: argparse.Namespace) -> None:
    config = _config(args)
    events = ti.read_events(args.events, config=config)
    table = ti.explain(events, args.dyad, args.date, config)
    ti.write_table(table, args.output)


def _taxonomy(args: argparse.Namespace) -> None:
    table = ti.taxonomy(_config(args), source=args.source)
    ti.write_table(table, args.output)


def _sparkline(values: np.ndarray) -> str:
    # Stability is on a fixed 0..100 scale, so bars compare across dyads.
    levels = np.clip((values / 100.0 * len(_SPARKS)).astype(int), 0, len(_SPARKS) - 1)
    line = "".join(_SPARKS[i] for i in levels)
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        line.encode(encoding)
    except UnicodeEncodeError:
        line = "".join(" .:-=+*#"[i] for i in levels)
    return line


def _drivers(
    events: pd.DataFrame, dyad: str, date: pd.Timestamp, config: ti.IndexConfig, top: int
) -> list[str]:
    table = ti.explain(events, dyad, date, config).head(top)
    lines = []
    for row in table.itertuples(index=False):
        text = str(getattr(row, "description", "") or row.label)
        text = text if len(text) <= 72 else text[:71] + "…"
        lines.append(
            f"      {row.contribution:+6.2f}  {row.date:%Y-%m-%d}  {row.event_type:<22} {text}"
        )
    return lines


def _demo(args: argparse.Namespace) -> None:
    config = ti.load_profile("goldstein")
    events = ti.load_example(args.example)
    result = ti.stability_index(events, config)
    first, last = events["date"].min(), events["date"].max()
    print(f"tensionindex {ti.__version__} demo: example {args.example!r}")
    print(
        f"{len(events)} events, {first:%Y-%m-%d} to {last:%Y-%m-%d}; profile 'goldstein' "
        f"(weights = -Goldstein value of each type's CAMEO code), exponential kernel, "
        f"half-life {config.half_life:g} days, scale {config.scale:g}; "
        f"fingerprint {config.fingerprint}"
    )
    print("Stability runs from 0 (most tense) to 100 (most stable); 50 is neutral.\n")
    counts = result.groupby("dyad", observed=True)["events"].sum().sort_values(ascending=False)
    for dyad, n_events in counts.items():
        if n_events < args.min_events:
            continue
        rows = result[result["dyad"] == dyad].set_index("date")
        # Start each dyad's story at its first event rather than the shared grid start.
        series = rows.loc[rows["events"].gt(0).idxmax() :, "stability"]
        monthly = series.resample("MS").mean()
        print(f"{dyad}  ({n_events} events)")
        print(f"  monthly mean stability, {monthly.index[0]:%Y-%m} .. {monthly.index[-1]:%Y-%m}:")
        print(f"  {_sparkline(monthly.to_numpy())}")
        print(f"  latest {series.iloc[-1]:5.1f} on {series.index[-1]:%Y-%m-%d}")
        low_date, high_date = pd.Timestamp(series.idxmin()), pd.Timestamp(series.idxmax())  # type: ignore[arg-type]
        if series.min() < 50:
            print(f"  lowest {series.min():5.1f} on {low_date:%Y-%m-%d}; what weighed on it:")
            print("\n".join(_drivers(events, str(dyad), low_date, config, args.top)))
        if series.max() > 50:
            print(f"  highest {series.max():5.1f} on {high_date:%Y-%m-%d}; what lifted it:")
            print("\n".join(_drivers(events, str(dyad), high_date, config, args.top)))
        print()
    print("Explain any value:  tensionindex explain EVENTS --dyad CHN-PHL --date 2024-03-23")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``tensionindex`` command."""
    parser = argparse.ArgumentParser(
        prog="tensionindex",
        description="Score dated bilateral events into a rolling stability index.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {ti.__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    score = sub.add_parser("score", help="compute the daily index of every dyad")
    score.add_argument(
        "events", metavar="EVENTS", help="events file (.csv, .json, .parquet) or - for CSV on stdin"
    )
    _config_options(score)
    score.add_argument(
        "--dyad", action="append", metavar="DYAD", help="only this dyad, e.g. CHN-USA (repeatable)"
    )
    score.add_argument("--start", metavar="DATE", help="first day of the output")
    score.add_argument("--end", metavar="DATE", help="last day of the output")
    score.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="output .csv, .json or .parquet (default: CSV to stdout)",
    )
    score.set_defaults(run=_score)

    explain = sub.add_parser("explain", help="list the events behind one value")
    explain.add_argument("events", metavar="EVENTS")
    explain.add_argument("--dyad", required=True, metavar="DYAD")
    explain.add_argument("--date", required=True, metavar="DATE")
    _config_options(explain)
    explain.add_argument("-o", "--output", metavar="OUT")
    explain.set_defaults(run=_explain)

    taxonomy = sub.add_parser("taxonomy", help="print the event types and their weights")
    taxonomy.add_argument("--source", choices=["analyst", "cameo", "plover", "custom"])
    _config_options(taxonomy)
    taxonomy.add_argument("-o", "--output", metavar="OUT")
    taxonomy.set_defaults(run=_taxonomy)

    demo = sub.add_parser("demo", help="score the bundled example and summarise it")
    demo.add_argument("--example", default="us-china-2024", help="bundled example to score")
    demo.add_argument("--top", type=int, default=3, help="events to show per extreme")
    demo.add_argument("--min-events", type=int, default=3, help="skip dyads with fewer events")
    demo.set_defaults(run=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except BrokenPipeError:  # e.g. `tensionindex score ... | head`
        return 0
    except (ti.TensionIndexError, ValueError, OSError) as exc:
        message = " ".join(str(exc).split())
        print(f"tensionindex {args.command}: error: {message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
