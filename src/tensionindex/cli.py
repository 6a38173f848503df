"""The ``tensionindex`` command: parse arguments, call the library, write output.

Each subcommand reads the events (validated by the reader), scores them once
into a :class:`~tensionindex.ScoredEvents` and asks it, or an analysis of it,
one question.  Any error, bad arguments included, prints one line to stderr
in the command line's own terms (``--half-life``, not ``half_life=``) and
exits with status 2, without a traceback.

The command starts light: ``import tensionindex`` loads each part on first
use, and a command imports only what it needs (``tensionindex taxonomy``
loads no reader, and writes CSV without them).

Output is for people when it can be: ``explain`` on a terminal prints a
table with a total line, tables written as CSV or JSON are rounded to
``--digits`` decimal places (4 by default; Parquet keeps every digit), JSON
dates are dates, and ``-o`` says what it wrote.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import shutil
import stat
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd

import tensionindex as ti
from tensionindex.coverage import parse_coverage
from tensionindex.exceptions import did_you_mean
from tensionindex.params import parse_day

# Readers (tensionindex.io) are imported by the commands that read, through ``ti``'s
# lazy attributes, never here: a command that reads nothing loads none of them.

_SPARKS = "▁▂▃▄▅▆▇█"

#: Decimal places of the numbers in CSV and JSON output unless --digits says otherwise.
DIGITS = 4
#: Decimal places of the table ``explain`` prints on a terminal.
TABLE_DIGITS = 2
#: Rows of that table; the rest are summed in a note (CSV has them all).
TABLE_ROWS = 20

_TABLE_SUFFIXES = {".csv": "csv", ".json": "json", ".parquet": "parquet", ".pq": "parquet"}
_EXAMPLE = "example:"
_NS_PER_DAY = 86_400 * 10**9


class _UsageError(Exception):
    """Bad arguments: one line, with the command that refused them."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (``--help`` gives the usage)."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(self.prog, message)


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
        help="events files (.csv, .json, .parquet), - for standard input, or a bundled "
        f"example ({', '.join(_EXAMPLE + name for name in ti.examples())}); with --format, "
        "coded data files, folders, globs, .gz or .zip archives, or - for standard input",
    )
    group = parser.add_argument_group("events files")
    group.add_argument(
        "--columns",
        type=_column_pairs,
        action="append",
        metavar="YOURS=CANONICAL",
        help="rename your columns, e.g. --columns when=date,from=actor1,to=actor2 (repeatable)",
    )
    group.add_argument(
        "--sep",
        type=_separator,
        metavar="CHAR",
        help="field separator of delimited text (any extension), e.g. ';' or tab",
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
    group.add_argument(
        "--special-files",
        action="store_true",
        help="also read EVENTS that are named pipes, devices or sockets (refused by default: "
        "reading one can block forever or never end); lines stay capped in length",
    )


def _output_options(parser: argparse.ArgumentParser, *, what: str = "the table") -> None:
    group = parser.add_argument_group("output")
    group.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help=f"write {what} to a .csv, .json or .parquet file (default: CSV to stdout)",
    )
    group.add_argument(
        "--digits",
        type=int,
        metavar="N",
        help=f"decimal places of the numbers in CSV and JSON output (default {DIGITS}; "
        "Parquet keeps every digit)",
    )


def _scale(text: str) -> float | str:
    """--scale: a number, or "auto"."""
    if text == "auto":
        return text
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'auto', got {text!r}") from None


def _column_pairs(text: str) -> list[tuple[str, str]]:
    """--columns: "when=date,from=actor1" as [("when", "date"), ("from", "actor1")]."""
    pairs = []
    for item in text.split(","):
        yours, equals, canonical = item.partition("=")
        if not equals or not yours.strip() or not canonical.strip():
            raise argparse.ArgumentTypeError(
                f"expected YOURS=CANONICAL pairs such as when=date,from=actor1; got {item!r}"
            )
        pairs.append((yours.strip(), canonical.strip()))
    return pairs


_NAMED_SEPARATORS = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


def _separator(text: str) -> str:
    """--sep: one character, or tab (also written \\t), comma, semicolon or pipe."""
    sep = _NAMED_SEPARATORS.get(text.lower(), text)
    if len(sep) != 1:
        raise argparse.ArgumentTypeError(
            f"expected one character, or tab, comma, semicolon or pipe; got {text!r}"
        )
    return sep


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


#: The reader of each coded format, by its name in ``tensionindex`` (imported when used).
_READERS = {"gdelt": "read_gdelt", "icews": "read_icews", "polecat": "read_polecat"}
_LABELS = {"gdelt": "GDELT", "icews": "ICEWS", "polecat": "POLECAT"}


def _columns(args: argparse.Namespace) -> dict[str, str] | None:
    if not args.columns:
        return None
    return {yours: canonical for pairs in args.columns for yours, canonical in pairs}


def _check_inputs(args: argparse.Namespace) -> None:
    """Options that do not go together with EVENTS and --format: refused before any work."""
    files = args.events
    if files.count("-") > 1:
        raise ti.ConfigurationError("Standard input (-) can be read once: give - once in EVENTS.")
    if args.format == "events":
        if args.dedup or args.intensity_from:
            raise ti.ConfigurationError(
                "--dedup and --intensity-from apply to coded data: add --format gdelt, icews "
                "or polecat (or run tensionindex.deduplicate on your events)."
            )
        if (args.columns or args.sep) and any(f.startswith(_EXAMPLE) for f in files):
            raise ti.ConfigurationError(
                "Bundled examples are read as shipped: --columns and --sep apply to your own files."
            )
        return
    label = _LABELS[args.format]
    if args.columns or args.sep:
        raise ti.ConfigurationError(
            f"--columns and --sep apply to tensionindex's own events files; --format "
            f"{args.format} reads the {label} layout as published. Drop them."
        )
    for path in files:
        if path.startswith(_EXAMPLE):
            raise ti.ConfigurationError(
                f"{path} is a tensionindex events file, not {label} data: drop --format "
                f"{args.format}."
            )
    if args.intensity_from and args.format != "gdelt":
        raise ti.ConfigurationError("--intensity-from is a GDELT field: use --format gdelt.")


def _events(args: argparse.Namespace, config: ti.IndexConfig) -> tuple[pd.DataFrame, Any]:
    """Read the EVENTS files in their format; returns the events and their coverage."""
    files = args.events
    if args.format == "events":
        parts = [_read_events(path, args, config) for path in files]
        events = (
            parts[0]
            if len(parts) == 1
            else ti.validate_events(pd.concat(parts, ignore_index=True), config=config)
        )
        return events, None
    options: dict[str, Any] = {"deduplicate": args.dedup, "progress": True}
    # Commands that name events (explain, alerts, changepoints) keep their ids and
    # sources; the others read only the columns the index needs: faster and smaller.
    naming = args.command in ("explain", "alerts", "changepoints")
    options["fields"] = "all" if naming else "index"
    if args.dyad:
        # Narrow while reading, so the whole archive is never held in memory.
        options["dyads"] = [args.dyad] if isinstance(args.dyad, str) else args.dyad
    if args.intensity_from:
        options["intensity"] = args.intensity_from
    # Standard input as bytes: the readers decode it as they decode files.
    sources = [getattr(sys.stdin, "buffer", sys.stdin) if f == "-" else f for f in files]
    if args.special_files:
        options["limits"] = _special_limits()
    reader = getattr(ti, _READERS[args.format])
    events = reader(sources[0] if len(sources) == 1 else sources, **options)
    return events, ti.read_report(events).coverage


def _special_limits() -> Any:
    """The readers' limits with named pipes, devices and sockets allowed (--special-files)."""
    from tensionindex.io import ReadLimits

    return ReadLimits(special_files=True)


def _read_events(path: str, args: argparse.Namespace, config: ti.IndexConfig) -> pd.DataFrame:
    """One EVENTS argument: a bundled example, standard input or a file, validated once."""
    columns = _columns(args)
    if path.startswith(_EXAMPLE):
        return ti.load_example(path.removeprefix(_EXAMPLE))
    if path != "-":
        _check_events_file(path, sep_given=args.sep is not None)
    if args.sep is not None:
        return _read_delimited(path, args.sep, columns, config)
    if args.special_files:
        return ti.read_events(path, columns=columns, config=config, limits=_special_limits())
    return ti.read_events(path, columns=columns, config=config)


_SPECIAL_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _check_special_files(args: argparse.Namespace) -> None:
    """Refuse named pipes, devices and sockets in EVENTS unless --special-files allows them.

    Checked before anything opens them: opening a pipe nobody writes to
    blocks, and reading ``/dev/zero`` never ends.
    """
    for path in args.events:
        try:
            mode = os.stat(path).st_mode
        except (OSError, ValueError):
            continue  # not there (yet): a glob, standard input, or an error said later
        kind = next((what for test, what in _SPECIAL_KINDS if test(mode)), None)
        if kind is not None and not args.special_files:
            raise ti.EventValidationError(
                f"{path!r} is {kind}, not a regular file: reading one can block forever or "
                "never end. Give --special-files to read it anyway (lines stay capped in "
                "length), or pipe it to standard input with -."
            )


def _check_events_file(path: str, *, sep_given: bool) -> None:
    """Refuse, in command-line terms, a path that is no events file; name coded data."""
    if not os.path.exists(path):
        near = did_you_mean(f"{_EXAMPLE}{path}", [_EXAMPLE + n for n in ti.examples()])
        raise ti.EventValidationError(f"Events file {path!r} does not exist.{near}")
    if not os.path.isdir(path) and not os.path.isfile(path):
        return  # a pipe or device that --special-files allows: a peek would consume it
    coded = _coded_hint(path)
    if os.path.isdir(path):
        raise ti.EventValidationError(
            f"{path!r} is a folder: give the events files in it ({os.path.join(path, '*.csv')})"
            + (
                f"; {coded}"
                if coded
                else ", or add --format gdelt, icews or polecat for a folder of coded data."
            )
        )
    if coded:
        raise ti.EventValidationError(f"{path!r} {coded}")
    suffix = Path(path).suffix.lower()
    if suffix not in _TABLE_SUFFIXES and not sep_given:
        raise ti.EventValidationError(
            f"Cannot tell the format of {path!r} from its extension {suffix or '(none)'!r}: "
            "EVENTS files are .csv, .json or .parquet; for other delimited text give --sep "
            "(e.g. --sep tab), and for GDELT, ICEWS or POLECAT files add --format gdelt, "
            "icews or polecat."
        )


def _first_line(path: str) -> str:
    """The first line of a plain, .gz or .zip file (at most 64 KiB), or "" if unreadable."""
    import gzip
    import zipfile

    try:
        if path.lower().endswith(".gz"):
            with gzip.open(path, "rb") as handle:
                raw = handle.readline(65536)
        elif path.lower().endswith(".zip"):
            with zipfile.ZipFile(path) as archive:
                names = [i.filename for i in archive.infolist() if not i.is_dir()]
                if not names:
                    return ""
                with archive.open(sorted(names)[0]) as member:
                    raw = member.readline(65536)
        else:
            with open(path, "rb") as handle:
                raw = handle.readline(65536)
    except (OSError, EOFError, zipfile.BadZipFile, ValueError):
        return ""
    return raw.decode("utf-8", errors="replace").strip()


def _coded_hint(path: str) -> str:
    """What to add when ``path`` looks like GDELT, ICEWS or POLECAT data; "" otherwise."""
    if os.path.isdir(path):
        names = sorted(e.path for e in os.scandir(path) if e.is_file())[:1]
        return _coded_hint(names[0]) if names else ""
    line = _first_line(path)
    if not line:
        return ""
    fields = [f.strip().strip('"') for f in line.split("\t" if "\t" in line else ",")]
    header = set(fields)
    if "GLOBALEVENTID" in header or (len(fields) in (57, 58, 61) and fields[0].isdigit()):
        what, fmt = "GDELT", "gdelt"
    elif {"Event ID", "CAMEO Code"} <= header:
        what, fmt = "ICEWS", "icews"
    elif {"Event ID", "Event Type"} <= header:
        what, fmt = "POLECAT", "polecat"
    else:
        return ""
    return f"looks like {what} data ({len(fields)} fields a row): add --format {fmt}."


def _read_delimited(
    path: str, sep: str, columns: dict[str, str] | None, config: ti.IndexConfig
) -> pd.DataFrame:
    """Delimited text with ``sep`` as ``read_events`` reads CSV: every field as text."""
    source: Any = sys.stdin if path == "-" else path
    try:
        raw = pd.read_csv(source, sep=sep, dtype=str, keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError:
        raw = pd.DataFrame()
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ti.EventValidationError(
            f"Could not read {path!r} as text separated by {sep!r}: {exc}"
        ) from None
    return ti.validate_events(raw, columns=columns, config=config)


def _scored(args: argparse.Namespace, config: ti.IndexConfig) -> ti.ScoredEvents:
    """The EVENTS files, read (and so validated) once, scored once under ``config``."""
    events, coverage = _events(args, config)
    _note_unknown_actors(args, events)
    return ti.ScoredEvents.from_validated(events, config, parse_coverage(coverage))


def _note_unknown_actors(args: argparse.Namespace, events: pd.DataFrame) -> None:
    """Say which values written like codes are not in the country table (kept as they are).

    The library keeps them and lists them in the events' attrs; on the command line a
    misspelt code ("PHI" for PHL) would otherwise pass unseen as a dyad of its own.
    """
    from tensionindex.events import ACTORS_ATTRS_KEY

    unknown: dict[str, int] = events.attrs.get(ACTORS_ATTRS_KEY, {}).get("unknown_actors") or {}
    if not unknown:
        return
    ranked = sorted(unknown.items(), key=lambda item: (-item[1], item[0]))
    listed = ", ".join(f"{code} ({n} event{'s' if n != 1 else ''})" for code, n in ranked[:5])
    more = f" and {len(ranked) - 5} more" if len(ranked) > 5 else ""
    print(
        f"tensionindex {args.command}: note: actor codes not in the country table, kept as "
        f"they are: {listed}{more}; a misspelt code makes a dyad of its own.",
        file=sys.stderr,
    )


def _day(day: int) -> pd.Timestamp:
    return pd.Timestamp(int(day) * _NS_PER_DAY)


def _range(args: argparse.Namespace, scored: ti.ScoredEvents) -> tuple[str | None, str | None]:
    """``--start`` and ``--end`` of a query; without --start, the dyads' own first event.

    The library's grid starts at the first event of the whole file, so that a
    dyad's series does not depend on the others asked for; a reader of one
    dyad wants it from its own first event.  A note on stderr says when a few
    early events stretch the output by years.
    """
    start: str | None = args.start
    chosen = scored.select(args.dyad) if args.dyad else scored
    if start is None and len(chosen.day):
        first = int(chosen.day_range[0])
        last = None if args.end is None else parse_day(args.end)
        if args.dyad and (last is None or last >= first):
            start = f"{_day(first):%Y-%m-%d}"
        _note_stray_events(args, chosen)
    return start, args.end


def _note_stray_events(args: argparse.Namespace, scored: ti.ScoredEvents) -> None:
    """Say so when a few events lie years before all the others (1 in 10 or fewer)."""
    days = np.sort(scored.day)
    if len(days) < 3:
        return
    gaps = np.diff(days)
    k = int(np.argmax(gaps))
    span = int(days[-1] - days[0])
    early = k + 1
    if gaps[k] < 365 or gaps[k] * 3 < span or early > max(1, len(days) // 10):
        return
    resume = _day(days[k + 1])
    last = None if args.end is None else parse_day(args.end)
    if last is not None and last < days[k + 1]:
        return
    what = "1 event" if early == 1 else f"{early} events"
    print(
        f"tensionindex {args.command}: note: {what} before {_day(days[k]):%Y-%m-%d}, then none "
        f"for {gaps[k] / 365.25:.1f} years until {resume:%Y-%m-%d}; --start {resume:%Y-%m-%d} "
        "starts the output there.",
        file=sys.stderr,
    )


# -- output ------------------------------------------------------------------------------


def _output_format(path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in _TABLE_SUFFIXES:
        raise ti.ConfigurationError(
            f"Cannot tell the format of the output {path!r} from its extension "
            f"{suffix or '(none)'!r}: -o takes a .csv, .json or .parquet file."
        )
    return _TABLE_SUFFIXES[suffix]


def _for_text(table: pd.DataFrame, digits: int, fmt: str) -> pd.DataFrame:
    """A copy with the numbers rounded, dates as dates and (CSV) lists as text."""
    out = table.copy()
    for name in out.columns:
        column = out[name]
        if pd.api.types.is_float_dtype(column):
            out[name] = column.round(digits) + 0.0  # + 0.0: no "-0.0" in the output
        elif fmt == "json" and pd.api.types.is_datetime64_any_dtype(column):
            values = pd.to_datetime(column)
            midnight = bool((values.dropna() == values.dropna().dt.normalize()).all())
            text = values.dt.strftime("%Y-%m-%d" if midnight else "%Y-%m-%dT%H:%M:%S")
            out[name] = text.astype(object).where(values.notna(), None)
        elif fmt == "csv" and column.dtype == object and column.map(_is_list).any():
            out[name] = [";".join(map(str, v)) if _is_list(v) else v for v in column]
    return out


def _is_list(value: object) -> bool:
    return isinstance(value, list | tuple | np.ndarray)


def _write(table: pd.DataFrame, args: argparse.Namespace) -> None:
    """Write a result: CSV to stdout, or the -o file; rounded to --digits in CSV and JSON."""
    digits = DIGITS if args.digits is None else args.digits
    path = args.output
    fmt = "csv" if path is None else _output_format(path)
    out = table if fmt == "parquet" else _for_text(table, digits, fmt)
    if fmt == "json":
        # As write_table writes JSON, but with the digits asked for: its 15 decimal
        # places would print the rounded 14.72 as 14.720000000000001.
        out.to_json(path, orient="records", date_format="iso", double_precision=digits, indent=1)
    elif fmt == "csv":
        # As write_table writes CSV (tested equal), without importing the readers with it.
        out.to_csv(sys.stdout if path is None else path, index=False, date_format="%Y-%m-%d")
    else:
        ti.write_table(out, path)
    if path is not None:
        print(f"tensionindex {args.command}: wrote {_describe(table)} to {path}", file=sys.stderr)


def _describe(table: pd.DataFrame) -> str:
    rows = f"{len(table):,} row{'s' if len(table) != 1 else ''}"
    if len(table) and {"dyad", "date"} <= set(table.columns):
        dates = pd.to_datetime(table["date"])
        n = table["dyad"].nunique()
        rows += (
            f" ({n} dyad{'s' if n != 1 else ''}, {dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d})"
        )
    return rows


# -- commands ------------------------------------------------------------------------------


def _score(args: argparse.Namespace) -> None:
    scored = _scored(args, _config(args))
    start, end = _range(args, scored)
    index = scored.index(start=start, end=end, dyads=args.dyad, freq=args.freq)
    if scored.config.scale == "auto" and len(index):
        # The fitted scale depends on what was read (all dyads, or only --dyad): CSV and
        # JSON do not carry it, so say it, and how to keep it.
        print(
            f"tensionindex score: scale auto = {scored.scale:.4g} for these events; "
            f"give --scale {scored.scale:.4g} to read other files on the same scale.",
            file=sys.stderr,
        )
    if args.grades:
        named = index["stability" if args.freq is None else "stability_end"]
        index["grade"] = ti.grade(named, scored.config).astype(object)
    _write(index, args)


def _explain(args: argparse.Namespace) -> None:
    from tensionindex.display import show

    scored = _scored(args, _config(args))
    table = scored.explain(args.dyad, args.date, freq=args.freq)
    if args.output is None and sys.stdout.isatty():
        digits = TABLE_DIGITS if args.digits is None else args.digits
        width = shutil.get_terminal_size().columns
        print(show(table, rows=TABLE_ROWS, digits=digits).to_text(width=width))
        print("(every row and column as CSV: pipe the output, or give -o FILE)")
        return
    _write(table, args)


def _sensitivity(args: argparse.Namespace) -> None:
    scored = _scored(args, _config(args))
    start, end = _range(args, scored)
    table = ti.sensitivity(
        scored,
        spread=args.spread,
        draws=args.draws,
        seed=args.seed,
        start=start,
        end=end,
        dyads=args.dyad,
    )
    _write(table, args)


def _changepoints(args: argparse.Namespace) -> None:
    scored = _scored(args, _config(args))
    start, end = _range(args, scored)
    table = ti.changepoints(
        scored,
        dyads=args.dyad,
        method=args.method,
        penalty=args.penalty,
        min_size=args.min_size,
        top=args.top,
        start=start,
        end=end,
    )
    if not len(table):
        # An empty table is a finding, not a failure: say which penalty found nothing.
        used = table.attrs.get("tensionindex", {}).get("changepoints", {}).get("penalty", {})
        penalties = ", ".join(f"{dyad} {value:.3g}" for dyad, value in used.items())
        how = "the default (3 sigma^2 ln n)" if args.penalty is None else "--penalty"
        print(
            f"tensionindex changepoints: no change point at the penalty of {how}"
            + (f": {penalties}" if penalties else "")
            + "; a lower --penalty finds weaker changes.",
            file=sys.stderr,
        )
    _write(table, args)


def _alerts(args: argparse.Namespace) -> None:
    scored = _scored(args, _config(args))
    start, end = _range(args, scored)
    table = ti.alerts(
        scored,
        dyads=args.dyad,
        below=args.below,
        drop=args.drop,
        above=args.above,
        rise=args.rise,
        tension_rise=args.tension_rise,
        tension_fall=args.tension_fall,
        within_days=args.within_days,
        top=args.top,
        start=start,
        end=end,
    )
    position = list(table.columns).index("drivers") + 1
    table.insert(position, "driver_labels", _driver_labels(scored, table["driver_rows"]))
    _write(table, args)


def _driver_labels(scored: ti.ScoredEvents, rows: pd.Series) -> list[list[str]]:
    """The event type of each driver in words (a CAMEO or PLOVER code by its label)."""
    from tensionindex.display import event_words

    types = scored.events["event_type"].astype(str).to_numpy()
    distinct = sorted(set(types))
    words = dict(
        zip(
            distinct,
            (
                event_words(t, str(label))
                for t, label in zip(distinct, scored.config.resolve(distinct).label, strict=True)
            ),
            strict=True,
        )
    )
    return [[words[types[int(r)]] for r in drivers] for drivers in rows]


def _asymmetry(args: argparse.Namespace) -> None:
    scored = _scored(args, _config(args))
    start, end = _range(args, scored)
    _write(ti.asymmetry(scored, start=start, end=end, dyads=args.dyad), args)


def _plot(args: argparse.Namespace) -> None:
    _check_image(args.output)
    scored = _scored(args, _config(args))
    start, end = _range(args, scored)
    _save_chart(
        scored, args.output, args.dyad, args.annotate, start=start, end=end, title=args.title
    )


def _check_image(path: str) -> None:
    """Refuse an image file matplotlib cannot write, before any events are read."""
    from tensionindex.exceptions import require

    require("matplotlib", extra="plot", feature="tensionindex plot")
    from matplotlib.backend_bases import FigureCanvasBase

    kinds = FigureCanvasBase.get_supported_filetypes()
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in kinds:
        raise ti.ConfigurationError(
            f"Cannot tell the image format of {path!r} from its extension "
            f"{('.' + suffix) if suffix else '(none)'!r}: -o takes "
            f"{', '.join('.' + k for k in sorted(kinds))}."
        )


def _save_chart(
    scored: ti.ScoredEvents,
    path: str,
    dyads: Sequence[str] | None,
    annotate: int,
    *,
    start: str | None = None,
    end: str | None = None,
    title: str | None = None,
    command: str = "plot",
) -> None:
    # The one place that picks a backend: a command writes files, it shows no window.
    from tensionindex.exceptions import require

    require("matplotlib", extra="plot", feature="tensionindex plot")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(12, 6), layout="constrained")
    try:
        ti.plot_index(
            scored, dyads=dyads, start=start, end=end, annotate=annotate, title=title, ax=ax
        )
        figure.savefig(path, dpi=100)
    finally:
        plt.close(figure)
    print(f"tensionindex {command}: wrote {path}", file=sys.stderr)


def _taxonomy(args: argparse.Namespace) -> None:
    table = ti.taxonomy(_config(args), source=args.source)
    _write(table, args)


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
    table = scored.explain(dyad, date)
    # Events decayed to nothing would print as +0.00: they explain nothing.
    table = table[table["contribution"].abs() >= 0.005].head(top)
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
        f"(analyst types at their published weights, CAMEO codes at -Goldstein), "
        f"exponential kernel, "
        f"half-life {config.half_life:g} days, scale {config.scale:g}; "
        f"fingerprint {config.fingerprint}"
    )
    print("Stability runs from 0 (most tense) to 100 (most stable); 50 is neutral.")
    # Each dyad is read over the span the example monitors it: outside it the
    # index drifts back to 50 for lack of coding, which is not calm.
    spans = ti.example_spans(args.example).set_index("dyad")
    print("Each dyad is shown over the span the example monitors it (ti.example_spans).\n")
    counts = result.groupby("dyad", observed=True)["events"].sum().sort_values(ascending=False)
    for dyad, n_events in counts.items():
        if n_events < args.min_events or dyad not in spans.index:
            continue
        rows = result[result["dyad"] == dyad].set_index("date")
        rows = rows.loc[spans.at[dyad, "start"] : spans.at[dyad, "end"]]
        series = rows["stability"]
        monthly = series.resample("MS").mean()
        print(f"{dyad}  ({int(rows['events'].sum())} events)")
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
    print(
        f"Explain any value:  tensionindex explain {_EXAMPLE}{args.example} --dyad CHN-PHL "
        "--date 2024-03-23"
    )
    if args.chart:
        _save_chart(scored, args.chart, ["CHN-USA", "CHN-PHL"], 5, command="demo")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``tensionindex`` command."""
    parser = _Parser(
        prog="tensionindex",
        description="Score dated bilateral events into a rolling stability index.",
        epilog=f"Try it on the bundled example: tensionindex score {_EXAMPLE}us-china-2024",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {ti.__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    score = sub.add_parser("score", help="compute the daily index of every dyad")
    _input_options(score)
    _config_options(score)
    score.add_argument(
        "--dyad", action="append", metavar="DYAD", help="only this dyad, e.g. CHN-USA (repeatable)"
    )
    score.add_argument(
        "--start",
        metavar="DATE",
        help="first day of the output (default: the first event of the dyads asked for)",
    )
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
    _output_options(score, what="the index")
    score.set_defaults(run=_score)

    explain = sub.add_parser(
        "explain",
        help="list the events behind one value",
        description="List the events behind one value: a table with a total line on a "
        "terminal, CSV when piped or written with -o.",
    )
    _input_options(explain)
    explain.add_argument("--dyad", required=True, metavar="DYAD")
    explain.add_argument(
        "--date", required=True, metavar="DATE", help="the day (with --freq, any day of the period)"
    )
    explain.add_argument(
        "--freq",
        choices=["W", "MS", "QS", "YS"],
        help="explain the week, month, quarter or year holding --date (its mean tension, as "
        "'score --freq' gives it) instead of one day",
    )
    _config_options(explain)
    _output_options(explain, what="every row and column")
    explain.set_defaults(run=_explain)

    def analysis(name: str, help_text: str, run: Any) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=help_text)
        _input_options(parser)
        _config_options(parser)
        parser.add_argument("--dyad", action="append", metavar="DYAD", help="only this dyad")
        parser.add_argument(
            "--start", metavar="DATE", help="first day (default: the dyads' first event)"
        )
        parser.add_argument("--end", metavar="DATE")
        if name != "plot":
            _output_options(parser)
        parser.set_defaults(run=run)
        return parser

    sens = analysis(
        "sensitivity",
        "bands of the index under uncertain weights and events (missed, doubled, recoded, "
        "misdated)",
        _sensitivity,
    )
    sens.add_argument(
        "--spread",
        type=float,
        default=0.25,
        help="relative spread of the weights of types without a published range (analyst "
        "types are drawn from theirs: weight_low to weight_high in `tensionindex taxonomy`)",
    )
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
    chart.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="image file (.png, .svg, .pdf)"
    )
    chart.add_argument("--annotate", type=int, default=5, help="events to label")
    chart.add_argument(
        "--title",
        help="the chart's title (default: the dyads and dates; the settings and the "
        "fingerprint are always printed above the chart's right edge)",
    )

    taxonomy = sub.add_parser("taxonomy", help="print the event types and their weights")
    taxonomy.add_argument("--source", choices=["analyst", "cameo", "plover", "custom"])
    _config_options(taxonomy)
    _output_options(taxonomy)
    taxonomy.set_defaults(run=_taxonomy)

    demo = sub.add_parser("demo", help="score the bundled example and summarise it")
    demo.add_argument("--example", default="us-china-2024", help="bundled example to score")
    demo.add_argument("--top", type=int, default=3, help="events to show per extreme")
    demo.add_argument("--min-events", type=int, default=3, help="skip dyads with fewer events")
    demo.add_argument("--chart", metavar="PNG", help="also draw CHN-USA and CHN-PHL to this file")
    demo.set_defaults(run=_demo)
    return parser


def _subparser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            found: argparse.ArgumentParser = action.choices[command]
            return found
    return parser


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Parse ``argv``; unknown options are refused by their command, with near misses."""
    args, extra = parser.parse_known_args(argv)
    if extra:
        command = _subparser(parser, args.command)
        message = f"unrecognized arguments: {' '.join(extra)}"
        unknown = next((e.split("=")[0] for e in extra if e.startswith("-")), None)
        if unknown is not None:
            near = did_you_mean(unknown, [s for a in command._actions for s in a.option_strings])
            message += f".{near}" if near else ""
        raise _UsageError(command.prog, message)
    return args


# Library messages rewritten in the command line's terms (the option, not the parameter).
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"pass columns=\{'([^']*)': '([^']*)'\}"), r"pass --columns \1=\2"),
    (re.compile(r"\bcolumns (maps|names) "), r"--columns \1 "),
    (re.compile(r"after applying columns="), "after applying --columns"),
    (re.compile(r"pass format='csv'\|'json'\|'parquet'"), "give a .csv, .json or .parquet file"),
    (re.compile(r"pass limits=ReadLimits\(special_files=True\)"), "give --special-files"),
    (re.compile(r"or pass an open file object"), "or pipe it to standard input with -"),
)
# Library parameters whose option has another name.
_OPTION_OF = {"dyads": "dyad", "intensity": "intensity_from", "deduplicate": "dedup"}


def _in_cli_terms(message: str, parser: argparse.ArgumentParser, args: Any) -> str:
    """``message`` with library parameters the user gave as options named as those options."""
    for pattern, replacement in _REWRITES:
        message = pattern.sub(replacement, message)
    command = _subparser(parser, getattr(args, "command", ""))
    options = {
        a.dest: a.option_strings[-1]
        for a in command._actions
        if a.option_strings and a.dest != "help"
    }

    def option(match: re.Match[str]) -> str:
        dest = _OPTION_OF.get(match[1], match[1])
        given = getattr(args, dest, None)
        if dest not in options or given is None or given == command.get_default(dest):
            return match[0]
        return f"{options[dest]} must be {match[2]}"

    return re.sub(
        r"The '(\w+)' parameter of [\w.]+ must be (.*?)(?:,? or None)?(?=\. Got )",
        option,
        message,
    )


def _warn(command: str, caught: list[warnings.WarningMessage]) -> None:
    for warning in caught:
        message = " ".join(str(warning.message).split())
        print(f"tensionindex {command}: warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for any error)."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    try:
        args = _parse(parser, arguments)
    except _UsageError as exc:
        print(f"{exc.prog}: error: {exc} (see {exc.prog} --help)", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help and --version, printed by argparse
        return exc.code if isinstance(exc.code, int) else 0
    try:
        if getattr(args, "digits", None) is not None and not 0 <= args.digits <= 15:
            raise ti.ConfigurationError(
                f"--digits must be an integer from 0 to 15. Got {args.digits} instead."
            )
        if getattr(args, "output", None) is not None and args.command != "plot":
            _output_format(args.output)  # before any work: a typo costs no computation
        if hasattr(args, "events"):
            _check_inputs(args)
            _check_special_files(args)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)  # every one said, once a line
            args.run(args)
        _warn(args.command, caught)
    except BrokenPipeError:  # e.g. `tensionindex score ... | head`
        # Python would report the closed pipe again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except (ti.TensionIndexError, ValueError, OSError) as exc:
        message = _in_cli_terms(" ".join(str(exc).split()), parser, args)
        print(f"tensionindex {args.command}: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"tensionindex {args.command}: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
