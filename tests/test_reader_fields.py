"""``fields="index"``: the readers keep only the columns the index reads.

The lean read must give exactly the columns it keeps of the full read, the
same report, and the same index, with every engine, with a deduplication rule
(whose columns it then keeps) and with an intensity column.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import tensionindex as ti
import tensionindex.io as tio

DATA = Path(__file__).parent / "data"
INDEX_COLUMNS = ["date", "actor1", "actor2", "event_type", "intensity", "confidence", "dataset"]

CASES: list[tuple[str, Callable[..., pd.DataFrame], Path, dict[str, Any]]] = [
    ("gdelt2", tio.read_gdelt, DATA / "gdelt_v2_20191024143000_excerpt.export.CSV", {}),
    ("gdelt1", tio.read_gdelt, DATA / "gdelt_v1_mixed_excerpt.tsv", {}),
    ("gdeltPyR", tio.read_gdelt, DATA / "gdeltPyR_events2samps_excerpt.csv", {}),
    (
        "gdelt-volume",
        tio.read_gdelt,
        DATA / "gdelt_v1_mixed_excerpt.tsv",
        {"intensity": "NumSources"},
    ),
    ("icews", tio.read_icews, DATA / "icews_synthetic.tab", {}),
    ("polecat", tio.read_polecat, DATA / "polecat_synthetic.txt", {}),
]


def _engines() -> list[str]:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return ["pandas"]
    return ["pandas", "pyarrow"]


@pytest.mark.parametrize("engine", _engines())
@pytest.mark.parametrize(("name", "reader", "path", "options"), CASES, ids=[c[0] for c in CASES])
def test_the_lean_read_is_the_full_read_narrowed(
    name: str, reader: Callable[..., pd.DataFrame], path: Path, options: dict[str, Any], engine: str
) -> None:
    full = reader(path, engine=engine, **options)
    lean = reader(path, engine=engine, fields="index", **options)
    assert list(lean.columns) == INDEX_COLUMNS
    pd.testing.assert_frame_equal(lean, full[INDEX_COLUMNS], check_exact=True)
    assert tio.read_report(lean) == tio.read_report(full)
    pd.testing.assert_frame_equal(ti.stability_index(lean), ti.stability_index(full))


@pytest.mark.parametrize(
    ("how", "kept"),
    [("event_id", ["event_id"]), ("one_a_day", []), ("corroboration", ["source", "url"])],
)
def test_a_deduplication_rule_keeps_the_columns_it_reads(how: str, kept: list[str]) -> None:
    path = DATA / "gdelt_v2_20191024143000_excerpt.export.CSV"
    full = tio.read_gdelt(path, deduplicate=how)
    lean = tio.read_gdelt(path, deduplicate=how, fields="index")
    extra = [c for c in lean.columns if c not in INDEX_COLUMNS]
    assert set(kept) <= set(extra) <= {*kept, "n_reports", "n_sources"}
    pd.testing.assert_frame_equal(lean, full[list(lean.columns)], check_exact=True)
    assert tio.read_report(lean) == tio.read_report(full)


def test_chunks_are_lean_too() -> None:
    path = DATA / "gdelt_v2_20191024143000_excerpt.export.CSV"
    chunks = list(tio.iter_gdelt(path, fields="index", chunksize=50))
    assert len(chunks) > 1
    assert all(list(events.columns) == INDEX_COLUMNS for events, _ in chunks)


def test_an_unknown_fields_value_is_refused_by_name() -> None:
    with pytest.raises(ti.TensionIndexError, match=r"fields.*'some'"):
        tio.read_gdelt(DATA / "gdelt_v2_20191024143000_excerpt.export.CSV", fields="some")  # type: ignore[arg-type]
