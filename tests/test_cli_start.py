"""What the command line and ``import tensionindex`` load at start: no reader they do not use.

Each check runs in a fresh interpreter, since this test session has long
imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _loaded(code: str) -> dict[str, list[str]]:
    """The tensionindex and pyarrow modules loaded after ``code``, from a new process."""
    done = _run(
        code
        + textwrap.dedent(
            """
            import json, sys
            names = sorted(sys.modules)
            print(json.dumps({
                "tensionindex": [m for m in names if m.split(".")[0] == "tensionindex"],
                "pyarrow": [m for m in names if m.split(".")[0] == "pyarrow"],
            }), file=sys.stderr)
            """
        )
    )
    assert done.returncode == 0, done.stderr
    loaded: dict[str, list[str]] = json.loads(done.stderr.strip().splitlines()[-1])
    return loaded


TAXONOMY = """
import sys
from tensionindex.cli import main
status = main(["taxonomy"])
assert status == 0, status
"""

# What pandas loads of pyarrow by itself for a table of text, whatever tensionindex does:
# pandas 3 stores strings in pyarrow arrays when pyarrow is installed.
PANDAS_ALONE = """
import io
import pandas as pd
pd.DataFrame({"a": ["x", "y"], "b": [1.5, 2.0]}).to_csv(io.StringIO(), index=False)
"""


@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_taxonomy_loads_no_reader() -> None:
    loaded = _loaded(TAXONOMY)
    readers = [m for m in loaded["tensionindex"] if m.startswith("tensionindex.io")]
    assert readers == []
    assert "tensionindex.cli" in loaded["tensionindex"]  # the check looks at the right process
    # Any pyarrow module loaded is one pandas loads for text columns on its own.
    assert set(loaded["pyarrow"]) <= set(_loaded(PANDAS_ALONE)["pyarrow"])


@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_taxonomy_runs_without_pyarrow_and_writes_the_same_table() -> None:
    normal = _run(TAXONOMY)
    blocked = _run('import sys\nsys.modules["pyarrow"] = None  # import pyarrow fails\n' + TAXONOMY)
    assert normal.returncode == 0 and blocked.returncode == 0, blocked.stderr
    assert blocked.stdout == normal.stdout
    assert normal.stdout.startswith("event_type,")


@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_import_tensionindex_loads_no_reader_until_one_is_used() -> None:
    loaded = _loaded("import tensionindex as ti\nassert 'read_gdelt' in dir(ti)\n")
    assert loaded["tensionindex"] == ["tensionindex"]
    used = _loaded(
        "import tensionindex as ti\nfrom tensionindex.io import read_gdelt\n"
        "assert ti.read_gdelt is read_gdelt\n"
    )
    assert "tensionindex.io.gdelt" in used["tensionindex"]


@pytest.mark.parametrize("command", [["--help"], ["taxonomy", "--help"], ["score", "--help"]])
@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_help_loads_no_reader(command: list[str]) -> None:
    loaded = _loaded(
        "from tensionindex.cli import main\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main({command!r}) == 0\n"
    )
    assert not [m for m in loaded["tensionindex"] if m.startswith("tensionindex.io")]
