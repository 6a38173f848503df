"""The command line: outputs, options, and one-line errors with exit status 2."""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti
from reference import COLUMNS as INDEX_COLUMNS
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
    pd.testing.assert_series_equal(
        table["stability"],
        expected["stability"].reset_index(drop=True),
        check_exact=False,
        rtol=1e-9,
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
    assert records[-1]["tension"] == pytest.approx(expected["tension"].iloc[-1], rel=1e-12)


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
    assert table["contribution"].sum() == pytest.approx(value, rel=1e-9)


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


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["score", "missing.csv"], r"Events file 'missing.csv' does not exist"),
        (
            ["score", "{events}", "--half-life", "-3"],
            r"'half_life' parameter of IndexConfig must be a number > 0\. Got -3\.0",
        ),
        (
            ["score", "{events}", "--profile", "goldsten"],
            r"Unknown profile 'goldsten'\. Did you mean 'goldstein'\?",
        ),
        (["score", "{events}", "--dyad", "CHN-JPN"], r"No events for dyad 'CHN-JPN'"),
        (
            ["score", "{events}", "--start", "not-a-date"],
            r"The 'start' parameter of ScoredEvents\.index must be a date such as '2024-04-16', "
            r"from 1678-01-01 to 2261-12-31, or None\. Got 'not-a-date' instead\.$",
        ),
        (
            ["explain", "{events}", "--dyad", "CHN-PHL", "--date", "someday"],
            r"The 'date' parameter of explain must be a date such as '2024-04-16', "
            r"from 1678-01-01 to 2261-12-31\. Got 'someday' instead\.$",
        ),
        pytest.param(
            ["plot", "{events}", "-o", "{chart}", "--annotate", "-1"],
            r"The 'annotate' parameter of plot_index must be an integer >= 0\. Got -1 instead\.$",
            marks=pytest.mark.skipif(
                importlib.util.find_spec("matplotlib") is None, reason="needs matplotlib"
            ),
        ),
        (
            ["sensitivity", "{events}", "--draws", "0"],
            r"The 'draws' parameter of sensitivity must be an integer from 1 to \d+\. "
            r"Got 0 instead\.$",
        ),
        (
            ["alerts", "{events}", "--below", "30", "--within-days", "0"],
            r"The 'within_days' parameter of alerts must be an integer >= 1\. Got 0 instead\.$",
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
    args = [a.format(events=events_file, bad=bad, chart=chart) for a in args]
    status, out, err = run_cli(args, capsys)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"tensionindex {args[0]}: error: ")
    assert "Traceback" not in err
    import re

    assert re.search(message, err.rstrip("\n")), err


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


def test_argparse_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["score"])
    assert exit_info.value.code == 2
    assert "EVENTS" in capsys.readouterr().err


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
    np.testing.assert_allclose(table["tension"], expected["tension"], rtol=1e-12)
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


def test_sensitivity_command(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(
        ["sensitivity", EXAMPLE, "--dyad", "CHN-PHL", "--draws", "50", "--spread", "0.5"], capsys
    )
    assert status == 0, err
    table = pd.read_csv(io.StringIO(out))
    expected = ti.sensitivity(
        ti.score(ti.read_events(EXAMPLE)), dyads=["CHN-PHL"], draws=50, spread=0.5, seed=0
    )
    np.testing.assert_allclose(table["stability_q05"], expected["stability_q05"], rtol=1e-12)
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
    np.testing.assert_allclose(table["asymmetry"], expected["asymmetry"], rtol=1e-12)


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
    np.testing.assert_allclose(table["stability"], expected["stability"], rtol=1e-9)


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
    expected = ti.stability_index(ti.read_events(EXAMPLE), freq="MS", dyads="CHN-PHL")
    assert list(table.columns) == list(expected.columns)
    np.testing.assert_allclose(table["tension_mean"], expected["tension_mean"], rtol=1e-9)


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
