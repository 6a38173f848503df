"""Fuzzing the readers: random bytes, mutated real lines and random JSON into every reader.

Whatever goes in, a reader either returns events or raises a documented error
(a :class:`tensionindex.TensionIndexError`); it never changes its input, and
never returns an infinite number or a row that does not add up in its report.
For truncated real GDELT lines the property is sharper: a row cut short is
never kept with a code other than its own (the ``cameo:13`` of a cut ``139``).

The real lines are those of the excerpts in tests/data (cut from the samples
of /work/shared/data) and, when it is there, the real ICEWS sample beside the
repository (skipped otherwise).  The default profile runs a few dozen
examples per test; ``pytest -m slow`` runs the longer searches.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tensionindex as ti
import tensionindex.io as tio
from tensionindex.io import ReadLimits

DATA = Path(__file__).parents[1] / "data"
GDELT_V2 = DATA / "gdelt_v2_20191024143000_excerpt.export.CSV"
GDELT_V1 = DATA / "gdelt_v1_mixed_excerpt.tsv"
GDELT_CSV = DATA / "gdeltPyR_events2samps_excerpt.csv"
ICEWS = DATA / "icews_synthetic.tab"
POLECAT = DATA / "polecat_synthetic.txt"
ICEWS_REAL = Path(__file__).parents[2] / ".." / "shared" / "data" / "icews" / (
    "events.2018.sample.tab"
)

READERS: dict[str, Callable[..., pd.DataFrame]] = {
    "gdelt": tio.read_gdelt,
    "icews": tio.read_icews,
    "polecat": tio.read_polecat,
}
ENGINES = ("pyarrow", "pandas")
# Small caps, so that random input reaches them too.
SMALL = ReadLimits(max_line_length=4_000, max_field_length=500)

# A reader warns about nothing it is not documented to warn about.
pytestmark = pytest.mark.filterwarnings("error")

fuzz = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# Each read of a real file takes a tenth of a second: a third of the profile's examples.
fuzz_reads = settings(
    fuzz, max_examples=max(10, settings.default.max_examples // 3)  # type: ignore[attr-defined]
)


def _lines(path: Path) -> list[str]:
    return path.read_text("utf-8").splitlines()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_events(events: pd.DataFrame) -> None:
    """What every reader's result must satisfy, whatever it read."""
    report = tio.read_report(events)
    assert report.rows_kept == len(events)
    assert report.rows_kept + report.rows_dropped == report.rows_read
    assert not events["date"].isna().any()
    for column in events.columns:
        values = events[column]
        if pd.api.types.is_float_dtype(values) or pd.api.types.is_integer_dtype(values):
            numbers = values.to_numpy(dtype="float64", na_value=np.nan)
            assert not np.isinf(numbers).any(), column
    for column in ("intensity", "confidence"):
        assert np.isfinite(events[column].to_numpy(dtype="float64")).all(), column


def _read_file(reader: str, path: Path, engine: str, limits: ReadLimits | None = None) -> None:
    """Read ``path``; a documented error is fine, anything else fails; the file is untouched."""
    before = _digest(path)
    try:
        events = READERS[reader](path, engine=engine, limits=limits)
    except ti.TensionIndexError:
        pass
    else:
        _check_events(events)
    assert _digest(path) == before


@pytest.fixture(scope="module")
def need_pyarrow() -> None:
    pytest.importorskip("pyarrow")


# -- random bytes ----------------------------------------------------------------------------


@fuzz
@given(
    data=st.binary(max_size=3_000),
    reader=st.sampled_from(sorted(READERS)),
    engine=st.sampled_from(ENGINES),
    compress=st.booleans(),
)
def test_random_bytes_give_events_or_a_documented_error(
    tmp_path: Path, need_pyarrow: None, data: bytes, reader: str, engine: str, compress: bool
) -> None:
    path = tmp_path / ("random.export.CSV.gz" if compress else "random.export.CSV")
    path.write_bytes(gzip.compress(data) if compress else data)
    _read_file(reader, path, engine, SMALL)


@fuzz
@given(
    data=st.binary(max_size=3_000),
    fmt=st.sampled_from(["csv", "json", "parquet"]),
    stream=st.booleans(),
)
def test_random_bytes_into_read_events(
    tmp_path: Path, need_pyarrow: None, data: bytes, fmt: str, stream: bool
) -> None:
    path = tmp_path / f"random.{fmt}"
    path.write_bytes(data)
    try:
        if stream:
            with path.open("rb") as handle:
                ti.read_events(handle, format=fmt, limits=SMALL)
                assert not handle.closed
        else:
            ti.read_events(path, limits=SMALL)
    except ti.TensionIndexError:
        pass
    assert path.read_bytes() == data


# -- mutated real lines ---------------------------------------------------------------------


_SOURCES = {
    "gdelt-v2": ("gdelt", GDELT_V2),
    "gdelt-v1": ("gdelt", GDELT_V1),
    "gdelt-csv": ("gdelt", GDELT_CSV),
    "icews": ("icews", ICEWS),
    "polecat": ("polecat", POLECAT),
}


def _mutate(lines: list[str], draw: st.DrawFn) -> list[str]:
    """A few random edits of real lines: cuts, joins, dropped or doubled separators, noise."""
    lines = list(lines)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        kind = draw(st.sampled_from(["cut", "join", "drop_sep", "add_sep", "noise", "quote"]))
        if kind == "cut":
            lines[i] = line[: draw(st.integers(0, len(line)))]
        elif kind == "join" and i + 1 < len(lines):
            lines[i : i + 2] = [line + lines[i + 1]]
        elif kind in ("drop_sep", "add_sep"):
            sep = "\t" if "\t" in line else ","
            at = [k for k, c in enumerate(line) if c == sep] or [0]
            k = draw(st.sampled_from(at))
            lines[i] = line[:k] + line[k + 1 :] if kind == "drop_sep" else line[:k] + sep + line[k:]
        elif kind == "noise":
            k = draw(st.integers(0, len(line)))
            lines[i] = line[:k] + draw(st.text(max_size=8)) + line[k:]
        elif kind == "quote":
            k = draw(st.integers(0, len(line)))
            lines[i] = line[:k] + '"' + line[k:]
    return lines


@fuzz_reads
@given(source=st.sampled_from(sorted(_SOURCES)), engine=st.sampled_from(ENGINES), data=st.data())
def test_mutated_real_lines_give_events_or_a_documented_error(
    tmp_path: Path, need_pyarrow: None, source: str, engine: str, data: st.DataObject
) -> None:
    reader, path = _SOURCES[source]
    lines = _lines(path)
    header, body = (lines[:1], lines[1:]) if reader != "gdelt" or path == GDELT_CSV else ([], lines)
    picked = data.draw(st.lists(st.sampled_from(body), min_size=1, max_size=12))
    mutated = _mutate(picked, data.draw)
    target = tmp_path / path.name
    target.write_text("\n".join(header + mutated) + "\n", encoding="utf-8")
    _read_file(reader, target, engine)


@pytest.mark.skipif(not ICEWS_REAL.is_file(), reason=f"needs the real ICEWS sample at {ICEWS_REAL}")
@fuzz_reads
@given(engine=st.sampled_from(ENGINES), data=st.data())
def test_mutated_real_icews_lines(
    tmp_path: Path, need_pyarrow: None, engine: str, data: st.DataObject
) -> None:
    lines = _lines(ICEWS_REAL)
    picked = data.draw(st.lists(st.sampled_from(lines[1:200]), min_size=1, max_size=12))
    target = tmp_path / "events.tab"
    target.write_text("\n".join([lines[0], *_mutate(picked, data.draw)]) + "\n", encoding="utf-8")
    _read_file("icews", target, engine)


def _gdelt_fields(line: str) -> list[str]:
    return line.split("\t")


@fuzz_reads
@given(engine=st.sampled_from(ENGINES), data=st.data())
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_a_row_cut_short_is_never_kept_with_another_code(
    tmp_path: Path, need_pyarrow: None, engine: str, data: st.DataObject
) -> None:
    path = data.draw(st.sampled_from([GDELT_V2, GDELT_V1]))
    lines = _lines(path)
    # The first row is kept whole: a file's layout is told from it (a cut one is an error).
    picked = data.draw(st.lists(st.sampled_from(lines), min_size=2, max_size=8))
    cut = data.draw(st.integers(1, len(picked) - 1))
    line = picked[cut]
    picked[cut] = line[: data.draw(st.integers(1, len(line) - 1))]
    target = tmp_path / path.name
    target.write_text("\n".join(picked) + "\n", encoding="utf-8")
    fields = len(_gdelt_fields(picked[cut]))
    allowed = fields in ((57, 58) if path == GDELT_V1 else (61,))
    try:
        events = tio.read_gdelt(target, engine=engine)  # type: ignore[arg-type]
    except ti.EventValidationError as exc:
        # Only a cut inside the last field leaves a row of a valid length, whose value
        # (a date cut to "2") is then damaged: an error naming it.
        assert allowed and "data row" in str(exc)
        return
    _check_events(events)
    # Every event kept is one of the rows as written, with its own code.
    whole = {(f[0], "cameo:" + f[26]) for f in map(_gdelt_fields, lines)}
    kept = set(zip(events["event_id"], events["event_type"].astype(str), strict=True))
    assert kept <= whole
    if not allowed:
        report = tio.read_report(events)
        assert report.dropped["wrong_field_count"] >= 1
        assert str(fields) in report.wrong_field_counts


# -- JSON records ---------------------------------------------------------------------------


_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=20,
)
_RECORD = st.fixed_dictionaries(
    {
        "date": st.sampled_from(["2024-04-16", "2024-02-30", "16/04/2024", ""]) | _JSON,
        "actor1": st.sampled_from(["USA", "China", "A-B", ""]) | _JSON,
        "actor2": st.sampled_from(["CHN", "PHL"]) | _JSON,
        "event_type": st.sampled_from(["leader_call", "cameo:046", "nonsense"]) | _JSON,
    },
    optional={"url": _JSON, "intensity": _JSON, "confidence": _JSON},
)


@fuzz
@given(document=st.lists(_RECORD, max_size=5) | _JSON)
def test_random_json_records_give_events_or_a_documented_error(
    tmp_path: Path, document: Any
) -> None:
    path = tmp_path / "events.json"
    text = json.dumps(document)
    path.write_bytes(text.encode("utf-8"))
    try:
        events = ti.read_events(path)
    except ti.TensionIndexError:
        pass
    else:
        assert np.isfinite(events["intensity"].to_numpy(dtype="float64")).all()
        assert np.isfinite(events["confidence"].to_numpy(dtype="float64")).all()
    assert path.read_bytes() == text.encode("utf-8")


def _nested(depth: int, where: str) -> str:
    deep = "[" * depth + "]" * depth
    if where == "top":
        return deep
    record = '{"date": "2024-04-16", "actor1": "USA", "actor2": "CHN", "event_type": "leader_call"'
    return "[" + record + ', "url": ' + deep + "}]"


@fuzz
@given(depth=st.integers(1_001, 20_000), where=st.sampled_from(["top", "value"]))
def test_json_nested_past_a_thousand_levels_is_a_clear_error(
    tmp_path: Path, depth: int, where: str
) -> None:
    path = tmp_path / "deep.json"
    path.write_text(_nested(depth, where), encoding="utf-8")
    # Too deep for Python's parser, or parsed and then refused as a record that is no
    # object, or as a value that is a list: never a RecursionError.
    pattern = r"deep\.json.*nested deeper|Record 0 is a list|deep\.json.*a JSON list"
    with pytest.raises(ti.EventValidationError, match=pattern):
        ti.read_events(path)


# -- CSV text -------------------------------------------------------------------------------


_CELLS = st.sampled_from(["2024-04-16", "USA", "CHN", "leader_call", "1", "inf", "nan", "", "NA",
                          '"a, b"', '"', "1e999", "-0"]) | st.text(max_size=6)


@fuzz
@given(rows=st.lists(st.lists(_CELLS, min_size=0, max_size=7), max_size=6),
       stream=st.booleans())
def test_random_csv_text_into_read_events(
    tmp_path: Path, rows: list[list[str]], stream: bool
) -> None:
    text = "date,actor1,actor2,event_type,intensity,confidence\n" + "\n".join(
        ",".join(row) for row in rows
    )
    path = tmp_path / "events.csv"
    path.write_bytes(text.encode("utf-8"))
    try:
        events = ti.read_events(io.StringIO(text) if stream else path, format="csv")
    except ti.TensionIndexError:
        pass
    else:
        assert np.isfinite(events["intensity"].to_numpy(dtype="float64")).all()
        assert np.isfinite(events["confidence"].to_numpy(dtype="float64")).all()
    assert path.read_bytes() == text.encode("utf-8")


# -- longer runs ----------------------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                   HealthCheck.too_slow])
@given(source=st.sampled_from(sorted(_SOURCES)), engine=st.sampled_from(ENGINES), data=st.data())
def test_mutated_real_lines_long_run(
    tmp_path: Path, need_pyarrow: None, source: str, engine: str, data: st.DataObject
) -> None:
    reader, path = _SOURCES[source]
    lines = _lines(path)
    header, body = (lines[:1], lines[1:]) if reader != "gdelt" or path == GDELT_CSV else ([], lines)
    picked = data.draw(st.lists(st.sampled_from(body), min_size=1, max_size=60))
    mutated = _mutate(_mutate(picked, data.draw), data.draw)
    target = tmp_path / path.name
    target.write_text("\n".join(header + mutated) + "\n", encoding="utf-8")
    _read_file(reader, target, engine, data.draw(st.sampled_from([None, SMALL])))


@pytest.mark.slow
@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                   HealthCheck.too_slow])
@given(data=st.binary(max_size=20_000), reader=st.sampled_from(sorted(READERS)),
       engine=st.sampled_from(ENGINES))
def test_random_bytes_long_run(
    tmp_path: Path, need_pyarrow: None, data: bytes, reader: str, engine: str
) -> None:
    path = tmp_path / "random.export.CSV"
    path.write_bytes(data)
    _read_file(reader, path, engine, SMALL)


@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_the_engines_agree_on_mutated_files(tmp_path: Path, need_pyarrow: None) -> None:
    """Both engines read the same damaged files to the same events and report (seeded)."""
    rng = np.random.default_rng(13)
    for reader, path in _SOURCES.values():
        lines = _lines(path)
        header, body = (lines[:1], lines[1:]) if reader != "gdelt" or path == GDELT_CSV else (
            [], lines)
        for trial in range(2):
            picked = [body[i] for i in rng.integers(0, len(body), 30)]
            for i in rng.integers(0, len(picked), 5):
                picked[i] = picked[i][: rng.integers(1, len(picked[i]))]
            target = tmp_path / f"{trial}-{path.name}"
            target.write_text("\n".join(header + picked) + "\n", encoding="utf-8")
            results = {}
            for engine in ENGINES:
                try:
                    results[engine] = READERS[reader](target, engine=engine, chunksize=9)
                except ti.TensionIndexError as exc:
                    results[engine] = str(exc)  # type: ignore[assignment]
            a, b = results["pyarrow"], results["pandas"]
            if isinstance(a, str) or isinstance(b, str):
                assert a == b, (path.name, trial)
                continue
            pd.testing.assert_frame_equal(a, b)
            assert a.attrs == b.attrs

