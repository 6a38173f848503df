"""The command line: outputs, options, and one-line errors with exit status 2.

Numbers written as CSV or JSON are rounded to 4 decimal places (``--digits``),
so the library's values are compared after the same rounding.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import threading
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti
from reference import COLUMNS as INDEX_COLUMNS
from tensionindex import cli
from tensionindex.cli import main

EVENTS_CSV = """date,actor1,actor2,event_type,intensity,event_id,description
2024-03-05,CHN,PHL,water_cannon,2,e1,Coast guard water cannon at a resupply boat
2024-03-23,China,Philippines,water_cannon,1,e2,Second water cannon incident
2024-04-16,USA,CHN,military_hotline_call,1,e3,Defence ministers speak by video call
2024-04-30,US,PRC,official_visit,1,e4,Secretary of State visits Beijing
"""


@pytest.fixture
def events_file(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(EVENTS_CSV, encoding="utf-8")
    return path


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_score_writes_the_index_as_csv_to_stdout(
    events_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_cli(["score", str(events_file)], capsys)
    assert status == 0, err
    table = pd.read_csv(io.StringIO(out), parse_dates=["date"])
    expected = ti.stability_index(ti.read_events(events_file))
    assert list(table.columns) == list(INDEX_COLUMNS)
    assert len(table) == len(expected)
    # Rounded to 4 decimal places, as documented; read back, the same doubles.
    for column in ("signal", "tension", "stability", "information"):
        pd.testing.assert_series_equal(
            table[column], expected[column].round(4) + 0.0, check_exact=True, check_names=False
        )


def test_score_options_match_the_library(
    events_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_path = tmp_path / "out.json"
    status, _, err = run_cli(
        [
            "score",
            str(events_file),
            "--half-life",
            "7",
            "--scale",
            "5",
            "--directed",
            "--dyad",
            "CHN->PHL",
            "--start",
            "2024-03-10",
            "--end",
            "2024-04-01",
            "-o",
            str(out_path),
        ],
        capsys,
    )
    assert status == 0, err
    records = json.loads(out_path.read_text())
    expected = ti.stability_index(
        ti.read_events(events_file),
        half_life=7,
        scale=5,
        directed=True,
        dyads=["CHN->PHL"],
        start="2024-03-10",
        end="2024-04-01",
    )
    assert {r["dyad"] for r in records} == {"CHN->PHL"}
    assert len(records) == len(expected) == 23
    assert records[-1]["tension"] == round(expected["tension"].iloc[-1], 4)
    # JSON dates are dates, not midnight timestamps.
    assert [r["date"] for r in records[:2]] == ["2024-03-10", "2024-03-11"]


def test_score_with_window_kernel_and_config_file(
    events_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = tmp_path / "weights.toml"
    ti.IndexConfig(weights={"water_cannon": 12.0}).to_toml(config_path)
    status, out, err = run_cli(
        [
            "score",
            str(events_file),
            "--config",
            str(config_path),
            "--kernel",
            "window",
            "--window",
            "10",
        ],
        capsys,
    )
    assert status == 0, err
    table = pd.read_csv(io.StringIO(out))
    first = table[table["dyad"] == "CHN-PHL"].iloc[0]
    assert first["signal"] == pytest.approx(24.0)  # 12 * intensity 2
    row = table[(table["dyad"] == "CHN-PHL") & (table["date"] == "2024-03-15")].iloc[0]
    assert row["tension"] == pytest.approx(0.0)  # the 5 March event left the 10-day window


def test_score_parquet_output(
    events_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("pyarrow")
    out_path = tmp_path / "out.parquet"
    status, _, err = run_cli(["score", str(events_file), "-o", str(out_path)], capsys)
    assert status == 0, err
    assert set(pd.read_parquet(out_path)["dyad"].astype(str)) == {"CHN-PHL", "CHN-USA"}


def test_score_reads_stdin(
    events_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(EVENTS_CSV))
    status, out, err = run_cli(["score", "-", "--dyad", "CHN-USA"], capsys)
    assert status == 0, err
    assert set(pd.read_csv(io.StringIO(out))["dyad"]) == {"CHN-USA"}


def test_explain_lists_the_events_behind_a_value(
    events_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_cli(
        ["explain", str(events_file), "--dyad", "PHL-CHN", "--date", "2024-03-23"], capsys
    )
    assert status == 0, err
    table = pd.read_csv(io.StringIO(out))
    assert list(table["event_id"]) == ["e1", "e2"]  # largest contribution first
    index = ti.stability_index(ti.read_events(events_file))
    value = index[(index["dyad"] == "CHN-PHL") & (index["date"] == "2024-03-23")]["tension"].iloc[0]
    assert table["contribution"].sum() == pytest.approx(value, abs=1e-4)


def test_explain_a_month_lists_the_events_behind_its_mean(
    events_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["explain", str(events_file), "--dyad", "CHN-PHL", "--date", "2024-03-10"]
    status, out, err = run_cli([*args, "--freq", "MS"], capsys)
    assert status == 0, err
    table = pd.read_csv(io.StringIO(out))
    scored = ti.score(ti.read_events(events_file))
    month = scored.index(dyads="CHN-PHL", freq="MS").set_index("date")
    value = month.loc["2024-03-01", "tension_mean"]
    assert table["contribution"].sum() == pytest.approx(value, abs=1e-4)
    expected = scored.explain("CHN-PHL", "2024-03-10", freq="MS")
    assert list(table["event_id"]) == list(expected["event_id"])


def test_events_are_validated_by_the_reader_only(
    events_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import tensionindex.events
    import tensionindex.io

    calls = []
    validate = tensionindex.events.validate_events

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return validate(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tensionindex.events, "validate_events", counted)
    for module in list(sys.modules.values()):
        if (
            getattr(module, "validate_events", None) is validate
            and module is not tensionindex.events
        ):
            monkeypatch.setattr(module, "validate_events", counted)
    status, _, err = run_cli(["alerts", str(events_file), "--below", "45"], capsys)
    assert status == 0, err
    assert len(calls) == 1  # read_events; scored once, analysed without validating again


def test_taxonomy_command(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(["taxonomy", "--source", "analyst"], capsys)
    assert status == 0
    table = pd.read_csv(io.StringIO(out), dtype={"cameo": str})
    assert "water_cannon" in set(table["event_type"])
    assert len(table) == len(ti.taxonomy(source="analyst"))


def test_taxonomy_command_with_plover_profile(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(["taxonomy", "--profile", "plover", "--source", "analyst"], capsys)
    assert status == 0
    table = pd.read_csv(io.StringIO(out)).set_index("event_type")
    assert table.loc["water_cannon", "weight"] == pytest.approx(7.0)  # -PLOVER COERCE (-7)
    assert table.loc["leader_call", "weight"] == pytest.approx(-1.5)  # -PLOVER CONSULT/phone


def test_demo_prints_a_summary_of_each_dyad(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(["demo"], capsys)
    assert status == 0
    assert "CHN-USA" in out and "CHN-PHL" in out
    assert "what weighed on it" in out
    assert "water_cannon" in out or "physical_assault" in out
    # Each dyad over the span the example monitors it, no faded event listed.
    assert "monthly mean stability, 2023-01 .. 2024-07" in out  # CHN-PHL
    assert "TWN-USA" not in out  # not monitored
    assert "+0.00" not in out and "-0.00" not in out
    assert "-Goldstein value of each type's CAMEO code" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["score", "missing.csv"], r"Events file 'missing.csv' does not exist"),
        (
            ["score", "{events}", "--half-life", "-3"],
            r"error: --half-life must be a number > 0\. Got -3\.0 instead\.$",
        ),
        (
            ["score", "{events}", "--profile", "goldsten"],
            r"Unknown profile 'goldsten'\. Did you mean 'goldstein'\?",
        ),
        (["score", "{events}", "--dyad", "CHN-JPN"], r"No events for dyad 'CHN-JPN'"),
        (
            ["score", "{events}", "--start", "not-a-date"],
            r"error: --start must be a date such as '2024-04-16', "
            r"from 1678-01-01 to 2261-12-31\. Got 'not-a-date' instead\.$",
        ),
        (
            ["score", "{events}", "--end", "1500-01-01"],
            r"error: --end must be a date such as '2024-04-16', "
            r"from 1678-01-01 to 2261-12-31\. Got '1500-01-01' instead\.$",
        ),
        (
            ["explain", "{events}", "--dyad", "CHN-PHL", "--date", "someday"],
            r"error: --date must be a date such as '2024-04-16', "
            r"from 1678-01-01 to 2261-12-31\. Got 'someday' instead\.$",
        ),
        pytest.param(
            ["plot", "{events}", "-o", "{chart}", "--annotate", "-1"],
            r"error: --annotate must be an integer >= 0\. Got -1 instead\.$",
            marks=pytest.mark.skipif(
                importlib.util.find_spec("matplotlib") is None, reason="needs matplotlib"
            ),
        ),
        pytest.param(
            ["plot", "{events}", "-o", "chart.xlsx"],
            r"Cannot tell the image format of 'chart\.xlsx' from its extension '\.xlsx': "
            r"-o takes .*\.png",
            marks=pytest.mark.skipif(
                importlib.util.find_spec("matplotlib") is None, reason="needs matplotlib"
            ),
        ),
        (
            ["sensitivity", "{events}", "--draws", "0"],
            r"error: --draws must be an integer from 1 to \d+\. Got 0 instead\.$",
        ),
        (
            ["alerts", "{events}", "--below", "30", "--within-days", "0"],
            r"error: --within-days must be an integer >= 1\. Got 0 instead\.$",
        ),
        (
            ["score", "{events}", "-o", "index.xlsx"],
            r"Cannot tell the format of the output 'index\.xlsx' from its extension '\.xlsx': "
            r"-o takes a \.csv, \.json or \.parquet file\.$",
        ),
        (["score", "{events}", "--digits", "16"], r"--digits must be an integer from 0 to 15"),
        (
            ["score", "example:us-china"],
            r"Unknown example 'us-china'\. Did you mean 'us-china-2024'\?",
        ),
        (
            ["score", "us-china-2024"],
            r"Events file 'us-china-2024' does not exist\. Did you mean 'example:us-china-2024'\?",
        ),
        (
            ["score", "{tsv}"],
            r"Cannot tell the format of '.*events\.tsv' from its extension '\.tsv': EVENTS files "
            r"are \.csv, \.json or \.parquet; for other delimited text give --sep",
        ),
        (["score", "{folder}"], r"is a folder: give the events files in it"),
        (["score", "-", "-"], r"Standard input \(-\) can be read once"),
        (
            ["score", "--format", "gdelt", "example:us-china-2024"],
            r"example:us-china-2024 is a tensionindex events file, not GDELT data: drop --format "
            r"gdelt\.$",
        ),
        (
            ["score", "--format", "icews", "{events}", "--columns", "a=date"],
            r"--columns and --sep apply to tensionindex's own events files; --format icews reads "
            r"the ICEWS layout as published",
        ),
        (
            ["score", "example:us-china-2024", "--sep", ";"],
            r"Bundled examples are read as shipped",
        ),
        (
            ["score", "{renamed}"],
            r"Missing required column 'date'\. .* pass --columns your_column=date\.$",
        ),
        (
            ["score", "{renamed}", "--columns", "when=data"],
            r"--columns maps 'when' to 'data', which is not a canonical column\. "
            r"Did you mean 'date'",
        ),
        (
            ["score", "{bad}"],
            r"Column 'event_type', row 1: Unknown event type 'water_canon'\. "
            r"Did you mean 'water_cannon'\?",
        ),
        (
            ["score", "{events}", "--config", "{events}"],
            r"Cannot tell the format of configuration file",
        ),
    ],
)
def test_bad_input_is_one_line_on_stderr_with_status_2(
    args: list[str],
    message: str,
    events_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "date,actor1,actor2,event_type\n2024-01-01,USA,CHN,warning\n2024-01-02,CHN,PHL,water_canon\n"
    )
    chart = tmp_path / "chart.png"
    tsv = tmp_path / "events.tsv"
    tsv.write_text(EVENTS_CSV.replace(",", "\t"))
    folder = tmp_path / "folder"
    folder.mkdir()
    renamed = tmp_path / "renamed.csv"
    renamed.write_text(EVENTS_CSV.replace("date,", "when,", 1))
    args = [
        a.format(events=events_file, bad=bad, chart=chart, tsv=tsv, folder=folder, renamed=renamed)
        for a in args
    ]
    status, out, err = run_cli(args, capsys)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"tensionindex {args[0]}: error: ")
    assert "Traceback" not in err
    assert re.search(message, err.rstrip("\n")), err


@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_the_installed_command_runs_without_a_traceback(tmp_path: Path) -> None:
    """Run as a user would, in a new process, through ``python -m tensionindex``."""
    bad = tmp_path / "bad.csv"
    bad.write_text("date,actor1,actor2,event_type,intensity\n2024-01-01,USA,CHN,warning,-1\n")
    done = subprocess.run(
        [sys.executable, "-m", "tensionindex", "score", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "tensionindex score: error: Column 'intensity', row 0: got '-1'; "
        "expected a finite number >= 0. "
        "Fill missing values (e.g. df['intensity'].fillna(1)) and keep values in range."
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], r"^tensionindex: error: the following arguments are required: COMMAND"),
        (["scor"], r"^tensionindex: error: argument COMMAND: invalid choice: 'scor'"),
        (["score"], r"^tensionindex score: error: the following arguments are required: EVENTS"),
        (
            ["score", "{events}", "--half-life", "x"],
            r"^tensionindex score: error: argument --half-life: invalid float value: 'x'",
        ),
        (
            ["score", "{events}", "--kernel", "exp"],
            r"^tensionindex score: error: argument --kernel: invalid choice: 'exp'",
        ),
        (
            ["score", "{events}", "--half_life", "3"],
            r"^tensionindex score: error: unrecognized arguments: --half_life 3\. "
            r"Did you mean '--half-life'\?",
        ),
        (["explain", "{events}", "--dyad", "CHN-PHL"], r"required: --date"),
        (
            ["score", "{events}", "--columns", "when"],
            r"argument --columns: expected YOURS=CANONICAL pairs such as when=date,from=actor1; "
            r"got 'when'",
        ),
        (["score", "{events}", "--sep", "ab"], r"argument --sep: expected one character"),
        (["plot", "{events}"], r"^tensionindex plot: error: the following arguments are required"),
    ],
)
def test_argument_errors_are_one_line_without_the_usage(
    args: list[str], message: str, events_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_cli([a.format(events=events_file) for a in args], capsys)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert "usage:" not in err and "Traceback" not in err
    assert re.search(message, err), err
    assert err.rstrip().endswith("--help)")  # where the usage is


def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(["score", "--help"], capsys)
    assert status == 0
    assert out.startswith("usage: tensionindex score")
    assert "--columns" in out and "--digits" in out and "example:us-china-2024" in out
    status, out, _ = run_cli(["--version"], capsys)
    assert status == 0 and out.strip() == f"tensionindex {ti.__version__}"


def test_an_argument_error_in_a_new_process_is_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tensionindex", "score", "example:us-china-2024", "--kernel", "x"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("tensionindex score: error: argument --kernel: invalid choice: 'x'")


DATA = Path(__file__).parent / "data"
GEORGIA = sorted(str(p) for p in DATA.glob("georgia_*.csv"))


def test_score_coded_files_with_dedup_coverage_and_dyad(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run_cli(
        [
            "score",
            "--format",
            "gdelt",
            *GEORGIA,
            "--dedup",
            "one_a_day",
            "--aggregation",
            "mean",
            "--neutral",
            "zero",
            "--scale",
            "10",
            "--dyad",
            "GEO-RUS",
        ],
        capsys,
    )
    assert status == 0, err
    # No progress bar when stderr is not a terminal; no note on settings all given.
    assert err == ""
    table = pd.read_csv(io.StringIO(out), parse_dates=["date"])
    events = ti.read_gdelt(GEORGIA, dyads=["GEO-RUS"], deduplicate="one_a_day")
    expected = ti.stability_index(
        events, aggregation="mean", coverage=ti.read_report(events).coverage
    )
    assert list(table.columns) == [*expected.columns]
    np.testing.assert_array_equal(table["tension"], expected["tension"].round(4) + 0.0)
    assert table["covered"].tolist() == expected["covered"].tolist()
    assert set(table["dyad"]) == {"GEO-RUS"}


def test_explain_coded_files(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(
        ["explain", "--format", "gdelt", *GEORGIA, "--dyad", "RUS-GEO", "--date", "2012-12-31"],
        capsys,
    )
    assert status == 0, err
    table = pd.read_csv(io.StringIO(out), dtype={"event_id": str})
    assert set(table["event_type"].str.slice(0, 6)) == {"cameo:"}
    assert table["event_id"].notna().all()


def test_dedup_needs_a_coded_format(events_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(["score", str(events_file), "--dedup", "one_a_day"], capsys)
    assert status == 2
    assert "--dedup and --intensity-from apply to coded data" in err


def test_score_several_event_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = EVENTS_CSV.splitlines()
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("\n".join(lines[:3]) + "\n")
    second.write_text("\n".join([lines[0], *lines[3:]]) + "\n")
    status, out, err = run_cli(["score", str(first), str(second)], capsys)
    assert status == 0, err
    together = tmp_path / "all.csv"
    together.write_text(EVENTS_CSV)
    run_cli(["score", str(together)], capsys)  # warm the same path
    _, whole, _ = run_cli(["score", str(together)], capsys)
    assert out == whole


EXAMPLE = str(Path(ti.__file__).parent / "data" / "examples" / "us-china-2024.csv")


def first_event(scored: ti.ScoredEvents, dyad: str) -> str:
    """The day of the dyad's first event: where the output starts without --start."""
    events = scored.events
    pairs = [
        "-".join(sorted((str(a), str(b))))
        for a, b in zip(events["actor1"], events["actor2"], strict=True)
    ]
    day = events.loc[[p == dyad for p in pairs], "date"].min()
    return f"{day:%Y-%m-%d}"


def test_sensitivity_command(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(
        ["sensitivity", EXAMPLE, "--dyad", "CHN-PHL", "--draws", "50", "--spread", "0.5"], capsys
    )
    assert status == 0, err
    table = pd.read_csv(io.StringIO(out))
    scored = ti.score(ti.read_events(EXAMPLE))
    expected = ti.sensitivity(
        scored,
        dyads=["CHN-PHL"],
        draws=50,
        spread=0.5,
        seed=0,
        start=first_event(scored, "CHN-PHL"),  # the dyad's own first event, without --start
    )
    np.testing.assert_array_equal(table["stability_q05"], expected["stability_q05"].round(4) + 0.0)
    assert (table["stability_q05"] <= table["stability"] + 1e-9).all()


def test_changepoints_command(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("ruptures")
    status, out, err = run_cli(
        ["changepoints", EXAMPLE, "--dyad", "CHN-USA", "--penalty", "50"], capsys
    )
    assert status == 0, err
    table = pd.read_csv(io.StringIO(out), parse_dates=["date"])
    scored = ti.score(ti.read_events(EXAMPLE))
    expected = ti.changepoints(scored, dyads="CHN-USA", penalty=50)
    assert len(expected) > 0
    assert table["date"].tolist() == expected["date"].tolist()
    assert set(table["dyad"]) <= {"CHN-USA"}


def test_score_says_the_auto_scale_it_fitted(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(["score", EXAMPLE, "--scale", "auto"], capsys)
    assert status == 0, err
    expected = ti.score(ti.read_events(EXAMPLE), scale="auto").scale
    found = re.search(r"scale auto = ([0-9.]+) for these events; give --scale ([0-9.]+)", err)
    assert found and float(found[1]) == pytest.approx(expected, rel=1e-3)
    # Given back, the fitted scale gives the same stabilities.
    status, again, err = run_cli(["score", EXAMPLE, "--scale", found[2]], capsys)
    assert status == 0, err
    first, second = (pd.read_csv(io.StringIO(text))["stability"] for text in (out, again))
    np.testing.assert_allclose(first, second, atol=0.02)


def test_actor_codes_outside_the_country_table_are_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "events.csv"
    pd.DataFrame(
        {
            "date": ["2024-03-05", "2024-03-06", "2024-03-07"],
            "actor1": ["CHN", "CHN", "CHN"],
            "actor2": ["PHI", "PHI", "PHL"],
            "event_type": ["water_cannon"] * 3,
        }
    ).to_csv(path, index=False)
    status, out, err = run_cli(["score", str(path)], capsys)
    assert status == 0, err
    assert "note: actor codes not in the country table, kept as they are: PHI (2 events)" in err
    assert set(pd.read_csv(io.StringIO(out))["dyad"]) == {"CHN-PHI", "CHN-PHL"}
    status, _, err = run_cli(["score", EXAMPLE], capsys)
    assert status == 0 and "not in the country table" not in err


def test_no_changepoint_says_which_penalty_found_none(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("ruptures")
    status, out, err = run_cli(["changepoints", EXAMPLE, "--dyad", "CHN-USA"], capsys)
    assert status == 0, err
    assert len(pd.read_csv(io.StringIO(out))) == 0
    assert re.search(
        r"no change point at the penalty of the default \(3 sigma\^2 ln n\): CHN-USA [0-9.]+; "
        r"a lower --penalty finds weaker changes",
        err,
    )


def test_changepoints_of_every_dyad_in_one_table(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("ruptures")
    status, out, err = run_cli(
        ["changepoints", EXAMPLE, "--start", "2022-01-01", "--penalty", "50"], capsys
    )
    assert status == 0, err
    table = pd.read_csv(io.StringIO(out), parse_dates=["date"])
    scored = ti.score(ti.read_events(EXAMPLE))
    expected = ti.changepoints(scored, start="2022-01-01", penalty=50)
    assert len(expected) > 0
    assert table["dyad"].tolist() == expected["dyad"].astype(str).tolist()
    assert table["date"].tolist() == expected["date"].tolist()
    assert table.columns[0] == "dyad"


def test_alerts_command(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(["alerts", EXAMPLE, "--below", "30"], capsys)
    assert status == 0, err
    table = pd.read_csv(io.StringIO(out))
    assert (table["kind"] == "crossing").all()
    assert table["event_ids"].str.startswith("ex-").all()
    expected = ti.alerts(ti.score(ti.read_events(EXAMPLE)), below=30)
    assert len(table) == len(expected) > 0


def test_alerts_between_dates(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(
        ["alerts", EXAMPLE, "--below", "30", "--start", "2024-01-01", "--dyad", "CHN-PHL"], capsys
    )
    assert status == 0, err
    table = pd.read_csv(io.StringIO(out), parse_dates=["date"])
    assert len(table) > 0 and (table["date"] >= pd.Timestamp("2024-01-01")).all()
    assert set(table["dyad"]) == {"CHN-PHL"}


def test_alerts_need_a_threshold(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(["alerts", EXAMPLE], capsys)
    assert status == 2
    assert "below" in err and "drop" in err


def test_asymmetry_command(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(
        ["asymmetry", EXAMPLE, "--dyad", "PHL-CHN", "--start", "2024-01-01"], capsys
    )
    assert status == 0, err
    table = pd.read_csv(io.StringIO(out), parse_dates=["date"])
    expected = ti.asymmetry(ti.score(ti.read_events(EXAMPLE)), dyads="CHN-PHL", start="2024-01-01")
    assert set(table["dyad"]) == {"CHN-PHL"}
    np.testing.assert_array_equal(table["asymmetry"], expected["asymmetry"].round(4) + 0.0)


@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_plot_command_and_demo_chart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    chart = tmp_path / "chart.png"
    status, _, err = run_cli(
        ["plot", EXAMPLE, "--dyad", "CHN-PHL", "--start", "2024-01-01", "-o", str(chart)], capsys
    )
    assert status == 0, err
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    demo = tmp_path / "demo.png"
    status, _, err = run_cli(["demo", "--chart", str(demo)], capsys)
    assert status == 0, err
    assert demo.stat().st_size > 10_000


def test_coded_data_gets_the_recommended_settings_and_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run_cli(["score", "--format", "gdelt", *GEORGIA, "--scale", "20"], capsys)
    assert status == 0, err
    assert err.count("\n") == 1
    assert "recommended aggregation=kernel_mean, neutral=dyad, dedup=one_a_day" in err
    table = pd.read_csv(io.StringIO(out), parse_dates=["date"])
    events = ti.read_gdelt(GEORGIA, deduplicate="one_a_day")
    expected = ti.stability_index(
        events,
        aggregation="kernel_mean",
        neutral="dyad",
        scale=20.0,
        coverage=ti.read_report(events).coverage,
    )
    np.testing.assert_array_equal(table["stability"], expected["stability"].round(4) + 0.0)


def test_a_saturated_index_is_one_warning_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(
        [
            "score",
            "--format",
            "gdelt",
            *GEORGIA,
            "--aggregation",
            "sum",
            "--neutral",
            "zero",
            "--scale",
            "0.5",
            "--dedup",
            "event_id",
        ],
        capsys,
    )
    assert status == 0, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("tensionindex score: warning: The index sits")
    assert "scale" in lines[0]


def test_score_by_month(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(["score", EXAMPLE, "--freq", "MS", "--dyad", "CHN-PHL"], capsys)
    assert status == 0, err
    table = pd.read_csv(io.StringIO(out), parse_dates=["date"])
    scored = ti.score(ti.read_events(EXAMPLE))
    start = first_event(scored, "CHN-PHL")
    expected = scored.index(freq="MS", dyads="CHN-PHL", start=start)
    assert list(table.columns) == list(expected.columns)
    np.testing.assert_array_equal(table["tension_mean"], expected["tension_mean"].round(4) + 0.0)


def test_score_grades_adds_the_named_band(
    events_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_cli(["score", str(events_file), "--grades"], capsys)
    assert status == 0, err
    table = pd.read_csv(io.StringIO(out), parse_dates=["date"])
    assert table.columns[-1] == "grade"
    assert table["grade"].tolist() == ti.grade(table["stability"]).tolist()
    assert {"tense", "normal", "good"} <= set(table["grade"])


def test_score_by_month_with_grades(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["score", EXAMPLE, "--freq", "MS", "--dyad", "CHN-PHL", "--grades"]
    status, out, err = run_cli(args, capsys)
    assert status == 0, err
    table = pd.read_csv(io.StringIO(out))
    assert table["grade"].tolist() == ti.grade(table["stability_end"]).tolist()


# --- standard input, coded data without --format, the bundled example --------------------

ICEWS = DATA / "icews_synthetic.tab"
POLECAT = DATA / "polecat_synthetic.txt"
GDELT_EXPORT = DATA / "gdelt_v2_20180326044500_excerpt.export.CSV"


def _stdin_bytes(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


@pytest.mark.parametrize(
    ("fmt", "path"), [("gdelt", GDELT_EXPORT), ("icews", ICEWS), ("polecat", POLECAT)]
)
def test_coded_data_from_standard_input(
    fmt: str, path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, from_file, err = run_cli(["score", "--format", fmt, str(path)], capsys)
    assert status == 0, err
    _stdin_bytes(monkeypatch, path.read_bytes())
    status, from_stdin, err = run_cli(["score", "--format", fmt, "-"], capsys)
    assert status == 0, err
    assert from_stdin == from_file
    assert len(pd.read_csv(io.StringIO(from_stdin))) > 0


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        (GDELT_EXPORT, "gdelt"),  # a GDELT 2.0 export: tab-separated, 61 fields, no header
        (DATA / "georgia_oct2012_excerpt.csv", "gdelt"),  # GDELT with its header, as .csv
        (DATA / "gdelt_v1_mixed_excerpt.tsv", "gdelt"),
        (ICEWS, "icews"),
        (POLECAT, "polecat"),
    ],
)
def test_coded_data_without_format_gets_the_hint(
    path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_cli(["score", str(path)], capsys)
    assert status == 2 and out == ""
    (line,) = err.splitlines()
    assert re.fullmatch(
        rf"tensionindex score: error: '.*' looks like {fmt.upper()} data \(\d+ fields a row\): "
        rf"add --format {fmt}\.",
        line,
    ), line


def test_a_folder_of_gdelt_files_without_format_gets_the_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "20180326.export.CSV").write_bytes(GDELT_EXPORT.read_bytes())
    status, _, err = run_cli(["score", str(tmp_path)], capsys)
    assert status == 2
    assert err.strip().endswith("is a folder: give the events files in it "
                                f"({tmp_path}/*.csv); looks like GDELT data (61 fields a row): "
                                "add --format gdelt.")


def test_the_bundled_example_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(["score", "example:us-china-2024", "--digits", "12"], capsys)
    assert status == 0, err
    table = pd.read_csv(io.StringIO(out), parse_dates=["date"])
    expected = ti.score(ti.load_example("us-china-2024")).index()
    assert len(table) == len(expected)
    np.testing.assert_array_equal(table["stability"], expected["stability"].round(12) + 0.0)


# Every command of the README's "Command line" section, with the bundled example for
# events.csv (the README's own events.csv is the user's file).
README_COMMANDS = [
    "score example:us-china-2024 --half-life 14 --dyad CHN-USA -o index.csv",
    "explain example:us-china-2024 --dyad CHN-PHL --date 2024-03-23",
    "taxonomy --source analyst",
    "sensitivity example:us-china-2024 --dyad CHN-PHL --draws 50",
    "changepoints example:us-china-2024 --dyad CHN-USA --penalty 50",
    "alerts example:us-china-2024 --below 30 --drop 15 --rise 15",
    "plot example:us-china-2024 --dyad CHN-PHL -o chart.png",
    "demo",
]


@pytest.mark.parametrize("command", README_COMMANDS)
def test_the_readme_commands_run_on_the_example(
    command: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    needs = {"plot": "matplotlib", "changepoints": "ruptures"}.get(command.split()[0])
    if needs is not None:
        pytest.importorskip(needs)
    monkeypatch.chdir(tmp_path)
    status, out, err = run_cli(command.split(), capsys)
    assert status == 0, err
    assert "error" not in err
    if " -o " in command:
        written = tmp_path / command.split()[-1]
        assert written.stat().st_size > 0
        assert "wrote" in err and str(written.name) in err
    else:
        assert out


# --- output for people ----------------------------------------------------------------------


def test_explain_on_a_terminal_prints_a_table_with_its_total(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["explain", EXAMPLE, "--dyad", "CHN-PHL", "--date", "2024-06-17"]
    status, piped, _ = run_cli(args, capsys)
    assert status == 0
    assert piped.startswith("date,actor1,actor2,event_type")  # CSV when piped
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "100")
    status, shown, err = run_cli(args, capsys)
    assert status == 0, err
    why = ti.score(ti.read_events(EXAMPLE)).explain("CHN-PHL", "2024-06-17")
    meta = why.attrs["tensionindex"]
    lines = shown.splitlines()
    assert lines[0] == "CHN-PHL on 17 Jun 2024: the events behind the tension"
    assert all(len(line) <= 100 for line in lines)
    assert "physical assault" in shown  # labels, not keys
    total = next(line for line in lines if line.startswith("total"))
    assert total.split()[1:] == [str(len(why)), "events", f"{meta['tension']:+.2f}"]
    assert (
        f"tension {meta['tension']:.2f} gives stability {meta['stability']:.1f} "
        "(0 most tense, 50 neutral, 100 most stable; scale 10)"
    ) in lines
    assert any(line.endswith(f"fingerprint {meta['fingerprint']}") for line in lines)
    # Numbers rounded for reading: two decimals.
    assert re.search(r"\+19\.00\b", shown) and "19.0000" not in shown


def test_explain_to_a_file_is_csv_even_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    path = tmp_path / "why.csv"
    args = ["explain", EXAMPLE, "--dyad", "CHN-PHL", "--date", "2024-06-17", "-o", str(path)]
    status, out, err = run_cli(args, capsys)
    assert status == 0 and out == ""
    table = pd.read_csv(path)
    assert len(table) == len(ti.score(ti.read_events(EXAMPLE)).explain("CHN-PHL", "2024-06-17"))
    assert err == f"tensionindex explain: wrote {len(table)} rows to {path}\n"


def test_digits_rounds_csv_and_json_and_parquet_keeps_every_digit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = ti.score(ti.read_events(EXAMPLE)).index(dyads="CHN-PHL", start="2024-01-01")
    args = ["score", EXAMPLE, "--dyad", "CHN-PHL", "--start", "2024-01-01"]
    status, out, _ = run_cli([*args, "--digits", "2"], capsys)
    assert status == 0
    text = out.splitlines()[1:]
    assert all(len(v.split(".")[-1]) <= 2 for line in text for v in line.split(",")[3:6])
    np.testing.assert_array_equal(
        pd.read_csv(io.StringIO(out))["stability"], expected["stability"].round(2) + 0.0
    )
    json_path = tmp_path / "index.json"
    status, _, _ = run_cli([*args, "-o", str(json_path)], capsys)
    records = json.loads(json_path.read_text())
    assert records[0]["date"] == "2024-01-01"
    assert [r["stability"] for r in records] == (expected["stability"].round(4) + 0.0).tolist()
    assert "e+" not in json_path.read_text() and "00000000" not in json_path.read_text()
    pytest.importorskip("pyarrow")
    parquet = tmp_path / "index.parquet"
    status, _, _ = run_cli([*args, "-o", str(parquet)], capsys)
    np.testing.assert_array_equal(pd.read_parquet(parquet)["stability"], expected["stability"])


def test_output_to_a_file_says_what_it_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "index.csv"
    status, out, err = run_cli(
        ["score", EXAMPLE, "--dyad", "CHN-PHL", "--start", "2024-01-01", "-o", str(path)], capsys
    )
    assert status == 0 and out == ""
    rows = len(pd.read_csv(path))
    last = ti.read_events(EXAMPLE)["date"].max()
    assert err == (
        f"tensionindex score: wrote {rows:,} rows (1 dyad, 2024-01-01 to {last:%Y-%m-%d}) "
        f"to {path}\n"
    )


def test_alerts_name_their_drivers_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_cli(["alerts", EXAMPLE, "--below", "30"], capsys)
    assert status == 0, err
    table = pd.read_csv(io.StringIO(out))
    columns = list(table.columns)
    assert columns[columns.index("drivers") + 1] == "driver_labels"
    keys = [d.split(" ")[0] for d in table["drivers"].str.split("; ").str[0]]
    firsts = table["driver_labels"].str.split(";").str[0]
    assert firsts.tolist() == [key.replace("_", " ") for key in keys]
    # In JSON the lists stay lists.
    path = tmp_path / "alerts.json"
    run_cli(["alerts", EXAMPLE, "--below", "30", "-o", str(path)], capsys)
    first = json.loads(path.read_text())[0]
    assert isinstance(first["driver_labels"], list) and isinstance(first["event_ids"], list)
    assert first["date"] == table["date"].iloc[0]


def test_alerts_of_coded_data_name_cameo_codes_by_their_label(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run_cli(
        ["alerts", "--format", "gdelt", *GEORGIA, "--rise", "0.1", "--top", "1"], capsys
    )
    assert status == 0, err
    table = pd.read_csv(io.StringIO(out))
    assert len(table) > 0
    codes = table["drivers"].str.split(" ").str[0]
    assert codes.str.startswith("cameo:").all()
    config = ti.IndexConfig()
    expected = [
        str(config.resolve([c]).label[0]).split(", not specified")[0][:31] for c in codes
    ]
    assert [label[:31] for label in table["driver_labels"]] == expected


# --- the grid of the dyads asked for, and the note on stray early events -------------------


STRAY = "date,actor1,actor2,event_type\n2015-01-01,CHN,USA,warning\n" + "".join(
    f"2024-{month:02d}-10,CHN,USA,leader_call\n2024-{month:02d}-12,CHN,PHL,water_cannon\n"
    for month in range(1, 13)
)


def test_the_dyads_asked_for_start_at_their_own_first_event(
    capsys: pytest.CaptureFixture[str],
) -> None:
    scored = ti.score(ti.read_events(EXAMPLE))
    file_start = f"{scored.events['date'].min():%Y-%m-%d}"

    def first_row(*args: str) -> str:
        status, out, err = run_cli(["score", EXAMPLE, *args], capsys)
        assert status == 0, err
        return str(pd.read_csv(io.StringIO(out))["date"].iloc[0])

    assert first_row("--dyad", "PHL-CHN") == first_event(scored, "CHN-PHL") > file_start
    assert first_row() == file_start
    assert first_row("--dyad", "CHN-PHL", "--start", "2020-01-01") == "2020-01-01"


def test_a_note_when_stray_early_events_stretch_the_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "stray.csv"
    path.write_text(STRAY)
    status, out, err = run_cli(["score", str(path)], capsys)
    assert status == 0
    assert err == (
        "tensionindex score: note: 1 event before 2015-01-01, then none for 9.0 years until "
        "2024-01-10; --start 2024-01-10 starts the output there.\n"
    )
    assert pd.read_csv(io.StringIO(out))["date"].iloc[0] == "2015-01-01"  # a note, no change
    # With --start, or for a dyad without stray events: no note.
    status, _, err = run_cli(["score", str(path), "--start", "2023-01-01"], capsys)
    assert status == 0 and err == ""
    status, _, err = run_cli(["score", str(path), "--dyad", "CHN-PHL"], capsys)
    assert status == 0 and err == ""
    status, _, err = run_cli(["score", str(path), "--dyad", "CHN-USA"], capsys)
    assert "1 event before 2015-01-01" in err


def test_plot_title_and_default_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("matplotlib")
    drawn: list[Any] = []
    plot_index = ti.plot_index

    def keep(*args: Any, **kwargs: Any) -> Any:
        ax = plot_index(*args, **kwargs)
        drawn.append((ax.get_title(loc="left"), ax.get_xlim(), kwargs))
        return ax

    monkeypatch.setattr(ti, "plot_index", keep)
    chart = tmp_path / "chart.png"
    status, _, err = run_cli(
        ["plot", EXAMPLE, "--dyad", "CHN-PHL", "-o", str(chart), "--title", "Shoal"], capsys
    )
    assert status == 0, err
    assert err.endswith(f"wrote {chart}\n")
    ((title, (left, _), kwargs),) = drawn
    assert title == "Shoal"
    first = first_event(ti.score(ti.read_events(EXAMPLE)), "CHN-PHL")
    assert kwargs["start"] == first
    import matplotlib.dates as mdates

    assert f"{mdates.num2date(left):%Y-%m-%d}" == first


# --- --columns and --sep, and columns= in the library ---------------------------------------


def test_columns_and_sep(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, expected, _ = run_cli(["score", str(_events_csv(tmp_path))], capsys)
    assert status == 0
    theirs = tmp_path / "theirs.txt"
    theirs.write_text(
        EVENTS_CSV.replace("date,actor1,actor2", "when,from,to", 1).replace(",", ";")
    )
    status, out, err = run_cli(
        [
            "score",
            str(theirs),
            "--sep",
            ";",
            "--columns",
            "when=date,from=actor1",
            "--columns",
            "to=actor2",
        ],
        capsys,
    )
    assert status == 0, err
    assert out == expected


def _events_csv(folder: Path) -> Path:
    path = folder / "events.csv"
    path.write_text(EVENTS_CSV)
    return path


def test_sep_tab_from_standard_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, expected, _ = run_cli(["score", str(_events_csv(tmp_path))], capsys)
    monkeypatch.setattr(sys, "stdin", io.StringIO(EVENTS_CSV.replace(",", "\t")))
    status, out, err = run_cli(["score", "-", "--sep", "tab"], capsys)
    assert status == 0, err
    assert out == expected


def test_the_missing_column_hint_works_where_it_is_given() -> None:
    # The error suggests columns=; score, stability_index and explain accept it.
    theirs = [
        {"when": "2024-03-05", "from": "CHN", "to": "PHL", "event_type": "water_cannon"},
        {"when": "2024-03-23", "from": "CHN", "to": "PHL", "event_type": "water_cannon"},
    ]
    with pytest.raises(ti.EventValidationError, match=r"pass columns=\{'your_column': 'date'\}"):
        ti.stability_index(theirs)
    columns = {"when": "date", "from": "actor1", "to": "actor2"}
    canonical = [
        {"date": e["when"], "actor1": e["from"], "actor2": e["to"], "event_type": e["event_type"]}
        for e in theirs
    ]
    pd.testing.assert_frame_equal(
        ti.stability_index(theirs, columns=columns), ti.stability_index(canonical)
    )
    pd.testing.assert_frame_equal(
        ti.explain(theirs, "CHN-PHL", "2024-03-23", columns=columns),
        ti.explain(canonical, "CHN-PHL", "2024-03-23"),
    )
    scored = ti.score(theirs, columns=columns)
    pd.testing.assert_frame_equal(scored.index(), ti.score(canonical).index())
    with pytest.raises(
        ti.InvalidParameterError,
        match=r"The 'columns' parameter of score must be None for events already scored",
    ):
        ti.score(scored, columns=columns)


# --- interruptions and warnings -------------------------------------------------------------


def test_an_interruption_is_one_line_and_status_130(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_taxonomy", interrupted)
    status, _, err = run_cli(["taxonomy"], capsys)
    assert status == 130
    assert err == "tensionindex taxonomy: interrupted\n"


def test_each_warning_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def warns(args: object) -> None:
        warnings.warn("The weights were fitted\n  to few months.", ti.CalibrationWarning, 2)

    monkeypatch.setattr(cli, "_taxonomy", warns)
    status, _, err = run_cli(["taxonomy"], capsys)
    assert status == 0
    assert err == "tensionindex taxonomy: warning: The weights were fitted to few months.\n"


# -- named pipes and devices: --special-files --------------------------------------------

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


def _fifo(folder: Path, name: str) -> Path:
    path = folder / name
    os.mkfifo(path)
    return path


def _write_later(path: Path, data: bytes) -> threading.Thread:
    """Write ``data`` into the pipe ``path`` once a reader opens it."""
    writer = threading.Thread(target=path.write_bytes, args=(data,), daemon=True)
    writer.start()
    return writer


def _score_of(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    status, out, err = run_cli(args, capsys)
    assert status == 0, err
    return out


@needs_fifo
def test_special_files_reads_events_from_a_named_pipe(
    events_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = _fifo(tmp_path, "piped.csv")
    writer = _write_later(fifo, EVENTS_CSV.encode())
    out = _score_of(["score", str(fifo), "--special-files"], capsys)
    writer.join(timeout=30)
    assert out == _score_of(["score", str(events_file)], capsys)


@needs_fifo
def test_special_files_reads_coded_data_from_a_named_pipe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = _fifo(tmp_path, "export.CSV")
    writer = _write_later(fifo, GDELT_EXPORT.read_bytes())
    out = _score_of(["score", "--format", "gdelt", str(fifo), "--special-files"], capsys)
    writer.join(timeout=30)
    assert out == _score_of(["score", "--format", "gdelt", str(GDELT_EXPORT)], capsys)


@needs_fifo
@pytest.mark.parametrize("fmt", [[], ["--format", "gdelt"], ["--sep", "tab"]])
def test_a_named_pipe_without_special_files_is_refused_at_once_naming_the_flag(
    fmt: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = _fifo(tmp_path, "piped.csv")  # nobody writes: opening it would block
    status, out, err = run_cli(["score", str(fifo), *fmt], capsys)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert re.fullmatch(
        r"tensionindex score: error: '.*piped\.csv' is a named pipe, not a regular file: "
        r"reading one can block forever or never end\. Give --special-files to read it "
        r"anyway \(lines stay capped in length\), or pipe it to standard input with -\.\n",
        err,
    )


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_device_without_special_files_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(["score", "/dev/zero", "--sep", ","], capsys)
    assert status == 2
    assert "'/dev/zero' is a character device" in err and "--special-files" in err


@needs_fifo
def test_the_readers_refusal_is_said_in_command_line_terms(tmp_path: Path) -> None:
    # The readers' own check, behind the command line's: its advice names the option.
    from tensionindex.io._limits import DEFAULT_LIMITS, check_regular

    fifo = _fifo(tmp_path, "piped.csv")
    with pytest.raises(ti.EventValidationError) as caught:
        check_regular(str(fifo), DEFAULT_LIMITS)
    parser = cli.build_parser()
    args = parser.parse_args(["score", str(fifo)])
    message = cli._in_cli_terms(str(caught.value), parser, args)
    assert "give --special-files to read it anyway" in message
    assert "or pipe it to standard input with -" in message
    assert "ReadLimits" not in message and "open file object" not in message


def test_special_files_is_in_the_help_of_each_reading_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for command in ("score", "explain", "sensitivity", "changepoints", "alerts", "plot"):
        assert main([command, "--help"]) == 0
        assert "--special-files" in capsys.readouterr().out, command


# -- CSV output: as write_table writes it ---------------------------------------------------


@pytest.mark.parametrize("to_file", [False, True])
def test_csv_output_is_what_write_table_writes(
    to_file: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = np.random.default_rng(3)
    table = pd.DataFrame(
        {
            "dyad": ["CHN-PHL", 'A,"B"', "X-Y"],
            "date": pd.to_datetime(["2024-03-01", "2024-03-02", "1999-12-31"]),
            "value": rng.normal(size=3) * 1e3,
            "flag": [True, False, True],
            "events": [1, 0, 7],
            "drivers": [[1, 2], [], [3]],
        }
    )
    path = tmp_path / "out.csv"
    args = cli.build_parser().parse_args(["taxonomy", *(["-o", str(path)] if to_file else [])])
    cli._write(table, args)
    written = path.read_text() if to_file else capsys.readouterr().out
    ti.write_table(cli._for_text(table, cli.DIGITS, "csv"), None)
    assert written == capsys.readouterr().out
