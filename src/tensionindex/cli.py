"""The ``tensionindex`` command: parse arguments, call the library, write output.

Each subcommand reads the events (validated by the reader), scores them once
into a :class:`~tensionindex.ScoredEvents` and asks it, or an analysis of it,
one question.  Bad input prints one line to stderr and exits with status 2,
without a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

import tensionindex as ti
from tensionindex.coverage import parse_coverage

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
    group.add_argument("--kernel", choices=["exponential", "window", "carryover"])
    group.add_argument("--window", type=int, metavar="DAYS", help="window length in days")
    group.add_argument(
        "--bound",
        type=float,
        metavar="T",
        help="largest |tension| of the carryover kernel (default 30)",
    )
    group.add_argument(
        "--scale",
        type=_scale,
        help="logistic scale of the stability index: a number > 0, or auto (from the data)",
    )
    group.add_argument(
        "--directed", action="store_true", default=None, help="score A->B and B->A apart"
    )
    group.add_argument(
        "--aggregation",
        choices=["sum", "mean", "share", "kernel_mean"],
        help="how a dyad's events combine (kernel_mean suits coded news data)",
    )
    group.add_argument(
        "--neutral",
        choices=["zero", "dyad", "source"],
        help="what a neutral event is: signal 0, the dyad's usual event, or the source's",
    )
    group.add_argument(
        "--prior-events",
        type=float,
        metavar="N",
        help="pseudo-events at the baseline under kernel_mean (default 1)",
    )
    group.add_argument(
        "--intensity-transform", choices=["linear", "log1p", "sqrt"], help="f(intensity)"
    )
    group.add_argument(
        "--imprecise-dates",
        choices=["middle", "spread"],
        help="events dated to a week, month or year ('2024-03'): on the middle day of the "
        "period (default) or spread over its days",
    )


def _input_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "events",
        nargs="+",
        metavar="EVENTS",
        help="events files (.csv, .json, .parquet; - for CSV on stdin), or coded data files, "
        "folders, globs, .gz or .zip archives with --format",
    )
    group = parser.add_argument_group("coded event data")
    group.add_argument(
        "--format",
        choices=["events", "gdelt", "icews", "polecat"],
        default="events",
        help="format of EVENTS (default: tensionindex's own event files)",
    )
    group.add_argument(
        "--dedup",
        choices=["event_id", "event_id_date", "one_a_day", "corroboration"],
        help="deduplicate while reading",
    )
    group.add_argument(
        "--intensity-from",
        choices=["NumSources", "NumArticles", "NumMentions"],
        help="GDELT field to use as each event's intensity",
    )


def _scale(text: str) -> float | str:
    """--scale: a number, or "auto"."""
    if text == "auto":
        return text
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'auto', got {text!r}") from None


#: What coded news data (--format gdelt, icews or polecat) is scored with unless
#: told otherwise: volume-proof, centred on each dyad's usual event, readable scale.
CODED_DEFAULTS: dict[str, Any] = {"aggregation": "kernel_mean", "neutral": "dyad", "scale": "auto"}
#: And read with: one record per dyad, event code and day.
CODED_DEDUP = "one_a_day"


def _coded_defaults(args: argparse.Namespace) -> dict[str, Any]:
    """The recommended settings for coded data that the command line leaves open; said once."""
    if getattr(args, "format", "events") == "events" or args.config or args.profile:
        return {}
    chosen = {k: v for k, v in CODED_DEFAULTS.items() if getattr(args, k) is None}
    if args.dedup is None:
        args.dedup = CODED_DEDUP
        chosen["dedup"] = CODED_DEDUP
    if chosen and not getattr(args, "_said", False):
        listed = ", ".join(f"{k}={v}" for k, v in chosen.items())
        print(
            f"tensionindex {args.command}: coded data (--format {args.format}): using the "
            f"recommended {listed}; override with --aggregation, --neutral, --scale or --dedup, "
            "or give --config/--profile.",
            file=sys.stderr,
        )
        args._said = True
    chosen.pop("dedup", None)
    return chosen


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
        "bound": args.bound,
        "scale": args.scale,
        "directed": args.directed,
        "aggregation": args.aggregation,
        "neutral": args.neutral,
        "prior_events": args.prior_events,
        "intensity_transform": args.intensity_transform,
        "imprecise_dates": args.imprecise_dates,
    }
    changes = {k: v for k, v in changes.items() if v is not None}
    changes = {**_coded_defaults(args), **changes}
    return dataclasses.replace(config, **changes) if changes else config


_READERS = {"gdelt": ti.read_gdelt, "icews": ti.read_icews, "polecat": ti.read_polecat}


def _events(args: argparse.Namespace, config: ti.IndexConfig) -> tuple[pd.DataFrame, Any]:
    """Read the EVENTS files in their format; returns the events and their coverage."""
    files = args.events
    if args.format == "events":
        if args.dedup or args.intensity_from:
            raise ti.ConfigurationError(
                "--dedup and --intensity-from apply to coded data: add --format gdelt, icews "
                "or polecat (or run tensionindex.deduplicate on your events)."
            )
        parts = [ti.read_events(path, config=config) for path in files]
        events = (
            parts[0]
            if len(parts) == 1
            else ti.validate_events(pd.concat(parts, ignore_index=True), config=config)
        )
        return events, None
    options: dict[str, Any] = {"deduplicate": args.dedup, "progress": True}
    if args.dyad:
        # Narrow while reading, so the whole archive is never held in memory.
        options["dyads"] = [args.dyad] if isinstance(args.dyad, str) else args.dyad
    if args.intensity_from:
        if args.format != "gdelt":
            raise ti.ConfigurationError("--intensity-from is a GDELT field: use --format gdelt.")
        options["intensity"] = args.intensity_from
    source = files[0] if len(files) == 1 else files
    events = _READERS[args.format](source, **options)
    return events, ti.read_report(events).coverage


def _scored(args: argparse.Namespace, config: ti.IndexConfig) -> ti.ScoredEvents:
    """The EVENTS files, read (and so validated) once, scored once under ``config``."""
    events, coverage = _events(args, config)
    return ti.ScoredEvents.from_validated(events, config, parse_coverage(coverage))


def _score(args: argparse.Namespace) -> None:
    scored = _scored(args, _config(args))
    index = scored.index(start=args.start, end=args.end, dyads=args.dyad, freq=args.freq)
    if args.grades:
        named = index["stability" if args.freq is None else "stability_end"]
        index["grade"] = ti.grade(named, scored.config).astype(object)
    ti.write_table(index, args.output)


def _explain(args: argparse.Namespace) -> None:
    scored = _scored(args, _config(args))
    ti.write_table(scored.explain(args.dyad, args.date), args.output)


def _sensitivity(args: argparse.Namespace) -> None:
    table = ti.sensitivity(
        _scored(args, _config(args)),
        spread=args.spread,
        draws=args.draws,
        seed=args.seed,
        start=args.start,
        end=args.end,
        dyads=args.dyad,
    )
    ti.write_table(table, args.output)


def _changepoints(args: argparse.Namespace) -> None:
    table = ti.changepoints(
        _scored(args, _config(args)),
        dyads=args.dyad,
        method=args.method,
        penalty=args.penalty,
        min_size=args.min_size,
        top=args.top,
        start=args.start,
        end=args.end,
    )
    _write_with_lists(table, args.output)


def _alerts(args: argparse.Namespace) -> None:
    table = ti.alerts(
        _scored(args, _config(args)),
        dyads=args.dyad,
        below=args.below,
        drop=args.drop,
        above=args.above,
        rise=args.rise,
        tension_rise=args.tension_rise,
        tension_fall=args.tension_fall,
        within_days=args.within_days,
        top=args.top,
        start=args.start,
        end=args.end,
    )
    _write_with_lists(table, args.output)


def _write_with_lists(table: pd.DataFrame, output: str | None) -> None:
    """Write a table whose driver_rows and event_ids are lists: one text cell each in CSV."""
    for column in ("driver_rows", "event_ids"):
        table[column] = [";".join(str(v) for v in values) for values in table[column]]
    ti.write_table(table, output)


def _asymmetry(args: argparse.Namespace) -> None:
    table = ti.asymmetry(
        _scored(args, _config(args)), start=args.start, end=args.end, dyads=args.dyad
    )
    ti.write_table(table, args.output)


def _plot(args: argparse.Namespace) -> None:
    scored = _scored(args, _config(args))
    _save_chart(scored, args.output, args.dyad, args.annotate, start=args.start, end=args.end)


def _save_chart(
    scored: ti.ScoredEvents,
    path: str,
    dyads: Sequence[str] | None,
    annotate: int,
    *,
    start: str | None = None,
    end: str | None = None,
) -> None:
    # The one place that picks a backend: a command writes files, it shows no window.
    from tensionindex.exceptions import require

    require("matplotlib", extra="plot", feature="tensionindex plot")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(12, 6), layout="constrained")
    try:
        ti.plot_index(scored, dyads=dyads, start=start, end=end, annotate=annotate, ax=ax)
        figure.savefig(path, dpi=100)
    finally:
        plt.close(figure)
    print(f"wrote {path}", file=sys.stderr)


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


def _drivers(scored: ti.ScoredEvents, dyad: str, date: pd.Timestamp, top: int) -> list[str]:
    table = scored.explain(dyad, date).head(top)
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
    events = ti.load_example(args.example)  # validated
    scored = ti.ScoredEvents.from_validated(events, config)
    result = scored.index()
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
            print("\n".join(_drivers(scored, str(dyad), low_date, args.top)))
        if series.max() > 50:
            print(f"  highest {series.max():5.1f} on {high_date:%Y-%m-%d}; what lifted it:")
            print("\n".join(_drivers(scored, str(dyad), high_date, args.top)))
        print()
    print("Explain any value:  tensionindex explain EVENTS --dyad CHN-PHL --date 2024-03-23")
    if args.chart:
        _save_chart(scored, args.chart, ["CHN-USA", "CHN-PHL"], 5)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``tensionindex`` command."""
    parser = argparse.ArgumentParser(
        prog="tensionindex",
        description="Score dated bilateral events into a rolling stability index.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {ti.__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    score = sub.add_parser("score", help="compute the daily index of every dyad")
    _input_options(score)
    _config_options(score)
    score.add_argument(
        "--dyad", action="append", metavar="DYAD", help="only this dyad, e.g. CHN-USA (repeatable)"
    )
    score.add_argument("--start", metavar="DATE", help="first day of the output")
    score.add_argument("--end", metavar="DATE", help="last day of the output")
    score.add_argument(
        "--freq",
        choices=["W", "MS", "QS", "YS"],
        help="one row per week, month, quarter or year instead of per day",
    )
    score.add_argument(
        "--grades",
        action="store_true",
        help="add a 'grade' column naming the stability's band (the configuration's grades; "
        "with --freq, of stability_end)",
    )
    score.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="output .csv, .json or .parquet (default: CSV to stdout)",
    )
    score.set_defaults(run=_score)

    explain = sub.add_parser("explain", help="list the events behind one value")
    _input_options(explain)
    explain.add_argument("--dyad", required=True, metavar="DYAD")
    explain.add_argument("--date", required=True, metavar="DATE")
    _config_options(explain)
    explain.add_argument("-o", "--output", metavar="OUT")
    explain.set_defaults(run=_explain)

    def analysis(name: str, help_text: str, run: Any) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=help_text)
        _input_options(parser)
        _config_options(parser)
        parser.add_argument("--dyad", action="append", metavar="DYAD", help="only this dyad")
        parser.add_argument("--start", metavar="DATE")
        parser.add_argument("--end", metavar="DATE")
        parser.add_argument("-o", "--output", metavar="OUT")
        parser.set_defaults(run=run)
        return parser

    sens = analysis("sensitivity", "bands of the index under uncertain weights", _sensitivity)
    sens.add_argument("--spread", type=float, default=0.25, help="relative spread of weights")
    sens.add_argument("--draws", type=int, default=1000)
    sens.add_argument("--seed", type=int, default=0)

    cps = analysis(
        "changepoints", "regime changes in each dyad's events, naming them", _changepoints
    )
    cps.add_argument("--method", default="pelt", choices=["pelt", "binseg", "window"])
    cps.add_argument("--penalty", type=float, help="default: MBIC-type, from the series' variance")
    cps.add_argument("--min-size", type=int, default=2, help="shortest regime, in days with events")
    cps.add_argument("--top", type=int, default=3, help="events named per change")

    alert = analysis("alerts", "threshold crossings, sharp drops and rises, with drivers", _alerts)
    alert.add_argument("--below", type=float, help="alert when stability falls below this")
    alert.add_argument("--drop", type=float, help="alert on a fall of this many points")
    alert.add_argument("--above", type=float, help="alert when stability rises above this")
    alert.add_argument("--rise", type=float, help="alert on a rise of this many points")
    alert.add_argument("--tension-rise", type=float, help="alert on a tension rise of this much")
    alert.add_argument("--tension-fall", type=float, help="alert on a tension fall of this much")
    alert.add_argument("--within-days", type=int, default=7)
    alert.add_argument("--top", type=int, default=3, help="drivers listed per alert")

    analysis("asymmetry", "who drives each dyad's tension: the two directions", _asymmetry)

    chart = analysis("plot", "draw the index and its events to an image file", _plot)
    chart.set_defaults(output=None)
    chart.add_argument("--annotate", type=int, default=5, help="events to label")
    for action in chart._actions:
        if action.dest == "output":
            action.required = True
            action.help = "image file to write (.png, .svg, .pdf)"

    taxonomy = sub.add_parser("taxonomy", help="print the event types and their weights")
    taxonomy.add_argument("--source", choices=["analyst", "cameo", "plover", "custom"])
    _config_options(taxonomy)
    taxonomy.add_argument("-o", "--output", metavar="OUT")
    taxonomy.set_defaults(run=_taxonomy)

    demo = sub.add_parser("demo", help="score the bundled example and summarise it")
    demo.add_argument("--example", default="us-china-2024", help="bundled example to score")
    demo.add_argument("--top", type=int, default=3, help="events to show per extreme")
    demo.add_argument("--min-events", type=int, default=3, help="skip dyads with fewer events")
    demo.add_argument("--chart", metavar="PNG", help="also draw CHN-USA and CHN-PHL to this file")
    demo.set_defaults(run=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ti.SaturationWarning)
            args.run(args)
        for warning in caught:
            if issubclass(warning.category, ti.SaturationWarning):
                message = " ".join(str(warning.message).split())
                print(f"tensionindex {args.command}: warning: {message}", file=sys.stderr)
            else:
                warnings.showwarning(
                    warning.message, warning.category, warning.filename, warning.lineno
                )
    except BrokenPipeError:  # e.g. `tensionindex score ... | head`
        return 0
    except (ti.TensionIndexError, ValueError, OSError) as exc:
        message = " ".join(str(exc).split())
        print(f"tensionindex {args.command}: error: {message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
