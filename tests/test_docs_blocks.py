"""Every code block of README.md and docs/*.md runs as written, in order.

The blocks of one page run top to bottom in one namespace and in one
temporary working directory, as a reader pasting them into one notebook
would run them:

* ``python`` blocks run as code; a block of ``>>>`` lines runs as a doctest,
  its printed output compared (ELLIPSIS, NORMALIZE_WHITESPACE, NUMBER);
* ``bash`` blocks: each ``tensionindex ...`` command runs as a subprocess
  (``python -m tensionindex``), each ``python examples/NAME.py ...`` too, and
  must exit 0; every other command is one that CI runs itself (installation,
  the test suite, docs scripts that rewrite the repository), listed in
  :data:`RUN_ELSEWHERE` with the reason and the line of ``.ci/run`` or the
  test that runs it, which is checked, so the list cannot rot;
* ``text`` and plain blocks are output and are not run.

The working directory holds ``tests/data`` (the samples the tests use) and,
beside it, ``../shared`` when the checkout has it, so the paths the pages
give from the repository root work and nothing is written into the checkout.
A page that needs ``../shared/data`` says so and is skipped without it; one
that needs an optional package (dask, pyarrow: in the test extra) is skipped
without it too.
"""

from __future__ import annotations

import contextlib
import doctest
import os
import re
import shlex
import subprocess
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CI_SCRIPT = REPO / ".ci" / "run"

#: Pages not run yet, and why.
NOT_RUN: dict[str, str] = {}

#: Pages whose Python blocks do not run as written yet, and why (to be fixed, then removed).
PYTHON_OPEN: dict[str, str] = {}

#: Pages whose blocks take long (real data, thousands of draws): run with -m slow.
SLOW = {"docs/analysis.md", "docs/validation.md", "docs/calibration.md", "docs/scaling.md"}

#: Pages whose blocks import optional packages beyond the plot extra: skipped without them.
NEEDS_PACKAGES = {"docs/scaling.md": ("dask.dataframe", "pyarrow")}

#: Pages whose blocks read ../shared/data (not shipped): skipped without it.
NEEDS_SHARED = {"docs/validation.md"}
#: Single blocks that read ../shared/data, found by a line of their code: left out without it.
NEEDS_SHARED_BLOCKS = {("docs/analysis.md", 'folder = Path("../shared/data/curated")')}


@dataclass(frozen=True)
class Elsewhere:
    """A shell command of a page that the test does not run, and who does."""

    reason: str
    ci: str | None = None  # a line of .ci/run that runs it
    test: str | None = None  # or a test file that runs or checks it (path, text in it)
    text: str | None = None


#: Shell commands run by CI itself rather than here, keyed by (page, command).
RUN_ELSEWHERE: dict[tuple[str, str], Elsewhere] = {
    ("README.md", "python -m pip install . && tensionindex demo"): Elsewhere(
        "installs the package into the environment",
        ci="python -m pip install --quiet . && tensionindex demo",
    ),
    ("README.md", 'python -m pip install -e ".[test]" && python -m pytest'): Elsewhere(
        "installs the test extra and runs the whole suite, this test included",
        ci='python -m pip install --quiet -e ".[test]" && python -m pytest',
    ),
    ("docs/analysis.md", "python docs/_make_china_partners_chart.py"): Elsewhere(
        "rewrites the committed PNGs in docs/ (the page says CI does not run it); the test "
        "of the curated example draws the same charts",
        test="tests/test_curated_example.py",
        text="_make_china_partners_chart.py",
    ),
    ("docs/validation.md", "python docs/_validation_example.py --write"): Elsewhere(
        "rewrites docs/validation.md; the test of the curated validation checks that the "
        "page is current (what --check does)",
        test="tests/test_validation_curated.py",
        text="_validation_example.py --write",
    ),
}
# The benchmarks of docs/performance.md: CI runs each one's quick profile as written;
# the full profiles take minutes and gigabytes and only reproduce the page's tables.
_FULL = "the full profile takes minutes and gigabytes; CI runs its quick profile"
_QUICK = "a quick benchmark with ratio floors: CI runs it as written"
RUN_ELSEWHERE |= {
    ("docs/performance.md", "python benchmarks/run.py"): Elsewhere(
        _FULL, ci="python benchmarks/run.py --quick"
    ),
    ("docs/performance.md", "python benchmarks/run.py --quick"): Elsewhere(
        _QUICK, ci="python benchmarks/run.py --quick"
    ),
    ("docs/performance.md", "python benchmarks/bench_readers.py"): Elsewhere(
        _FULL, ci="python benchmarks/bench_readers.py --quick"
    ),
    ("docs/performance.md", "python benchmarks/bench_pipeline.py"): Elsewhere(
        _FULL, ci="python benchmarks/bench_pipeline.py --quick"
    ),
    ("docs/performance.md", "python benchmarks/bench_pipeline.py --quick"): Elsewhere(
        _QUICK, ci="python benchmarks/bench_pipeline.py --quick"
    ),
    ("docs/performance.md", "python benchmarks/bench_engine.py"): Elsewhere(
        _FULL, ci="python benchmarks/bench_engine.py --quick"
    ),
    ("docs/performance.md", "python benchmarks/bench_engine.py --quick"): Elsewhere(
        _QUICK, ci="python benchmarks/bench_engine.py --quick"
    ),
}

#: Blocks not run, and why: found by a line of their code (checked to be there).
SKIPPED_BLOCKS = {
    ("docs/countries.md", "import country_converter as coco"): (
        "country_converter is GPL-3, installed by the user and never a dependency (and its "
        "release 1.3.2 fails on import under pandas 3)"
    ),
    ("docs/scaling.md", 'client = Client("tcp://scheduler-address:8786")'): (
        "needs a remote Dask cluster and an S3 bucket to read and write; "
        "tests/test_dask.py runs the same call on a local distributed cluster"
    ),
}

#: An opening fence, maybe inside a block quote or a list item: its prefix and language.
_FENCE = re.compile(r"^((?:> ?|\s)*)```([\w+-]*)\s*$")
_PYTHON = {"python", "pycon", "py"}
_SHELL = {"bash", "sh", "shell", "console"}
_OUTPUT = {"", "text"}


@dataclass(frozen=True)
class Block:
    page: str
    line: int  # of the first line of code, from 1
    language: str
    code: str


def blocks(page: str) -> list[Block]:
    """The fenced code blocks of a page, in order."""
    lines = (REPO / page).read_text(encoding="utf-8").splitlines()
    found, position = [], 0
    while position < len(lines):
        match = _FENCE.match(lines[position])
        if not match:
            position += 1
            continue
        prefix = match.group(1)
        end = position + 1
        while lines[end].removeprefix(prefix).rstrip() != "```":
            end += 1
        body = [line.removeprefix(prefix) for line in lines[position + 1 : end]]
        # A quoted block's empty lines may have lost the prefix's trailing space.
        body = [
            line.removeprefix(prefix.rstrip()) if line.strip() == ">" else line for line in body
        ]
        code = "\n".join(body) + "\n"
        found.append(Block(page, position + 2, match.group(2).lower(), code))
        position = end + 1
    return found


def pages() -> list[str]:
    names = ["README.md", *sorted(f"docs/{p.name}" for p in (REPO / "docs").glob("*.md"))]
    return names


def shell_commands(block: Block) -> list[str]:
    """The commands of a shell block: continuation lines joined, comments dropped."""
    joined = block.code.replace("\\\n", " ")
    commands = []
    for line in joined.splitlines():
        command = re.sub(r"(^|\s+)#.*$", "", line).strip()  # no '#' inside the commands
        if command:
            commands.append(" ".join(command.split()))
    return commands


# -- the pieces that keep the list honest -----------------------------------------------------


def test_every_block_has_a_known_language() -> None:
    for page in pages():
        for block in blocks(page):
            assert block.language in _PYTHON | _SHELL | _OUTPUT, (
                f"{page}:{block.line}: unknown block language {block.language!r}"
            )


def test_every_command_listed_as_run_elsewhere_is_on_its_page_and_run_there() -> None:
    ci = CI_SCRIPT.read_text(encoding="utf-8")
    for (page, command), where in RUN_ELSEWHERE.items():
        on_page = [c for b in blocks(page) if b.language in _SHELL for c in shell_commands(b)]
        assert command in on_page, f"{page} no longer has the command {command!r}"
        assert where.reason
        if where.ci is not None:
            assert where.ci in ci, f".ci/run no longer runs {where.ci!r} (for {command!r})"
        else:
            assert where.test is not None and where.text is not None
            source = (REPO / where.test).read_text(encoding="utf-8")
            assert where.text in source, f"{where.test} no longer mentions {where.text!r}"


def test_every_skipped_block_is_on_its_page() -> None:
    for (page, line), reason in SKIPPED_BLOCKS.items():
        assert reason
        assert any(line in block.code for block in blocks(page)), f"{page}: no {line!r}"
    for page, line in NEEDS_SHARED_BLOCKS:
        assert any(line in block.code for block in blocks(page)), f"{page}: no {line!r}"


def test_every_page_is_run() -> None:
    assert set(NOT_RUN) <= set(pages())
    assert not NOT_RUN  # every page runs: a page listed here again needs a reason and a fix


# -- running a page ----------------------------------------------------------------------------


@contextlib.contextmanager
def _inside(directory: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(before)


def _workspace(tmp_path: Path) -> Path:
    """A working directory with tests/data, and ../shared beside it when there is one."""
    work = tmp_path / "work"
    (work / "tests").mkdir(parents=True)
    (work / "tests" / "data").symlink_to(REPO / "tests" / "data", target_is_directory=True)
    (work / "examples").symlink_to(REPO / "examples", target_is_directory=True)
    if SHARED.is_dir():
        (tmp_path / "shared").symlink_to(SHARED, target_is_directory=True)
    return work


def _run_python(block: Block, namespace: dict[str, Any]) -> None:
    source = block.code
    if source.lstrip().startswith(">>>"):
        test = doctest.DocTestParser().get_doctest(
            source, namespace, f"{block.page}:{block.line}", str(REPO / block.page), block.line - 1
        )
        flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
        flags |= doctest.OPTIONFLAGS_BY_NAME["NUMBER"]
        report: list[str] = []
        runner = doctest.DocTestRunner(optionflags=flags)
        runner.run(test, out=report.append, clear_globs=False)
        assert runner.failures == 0, "".join(report)
        return
    code = compile(source, f"{block.page}:{block.line}", "exec")
    exec(code, namespace)


def _run_shell(block: Block, work: Path) -> None:
    for command in shell_commands(block):
        if (block.page, command) in RUN_ELSEWHERE:
            continue
        words = shlex.split(command)
        if words[0] == "tensionindex":
            argv = [sys.executable, "-m", "tensionindex", *words[1:]]
        elif words[:1] == ["python"] and len(words) > 1 and words[1].startswith("examples/"):
            argv = [sys.executable, *words[1:]]
        elif words[:1] == ["python"] and len(words) > 1 and words[1].startswith("docs/_"):
            # The docs' own scripts find their files beside them; run them from the checkout
            # (those that write into it are in RUN_ELSEWHERE).
            argv = [sys.executable, str(REPO / words[1]), *words[2:]]
        else:
            pytest.fail(
                f"{block.page}:{block.line}: {command!r} is neither run here nor listed in "
                "RUN_ELSEWHERE with who runs it"
            )
        done = subprocess.run(
            argv,
            cwd=work,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "MPLBACKEND": "Agg"},
        )
        assert done.returncode == 0, (
            f"{block.page}:{block.line}: {command!r} exited {done.returncode}:\n{done.stderr}"
        )


def _run_page(page: str, tmp_path: Path, languages: set[str]) -> None:
    if page in NEEDS_SHARED and not (SHARED / "data").is_dir():
        pytest.skip(f"{page} reads ../shared/data, which this checkout does not have")
    for module in NEEDS_PACKAGES.get(page, ()):
        pytest.importorskip(module)
    work = _workspace(tmp_path)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    path = list(sys.path)  # a page may add examples/ to it, as a reader would
    import matplotlib

    matplotlib.use("Agg")
    with _inside(work), warnings.catch_warnings():
        # The pages show what a user sees; a warning they print is part of that.
        warnings.simplefilter("default")
        for block in blocks(page):
            if any(page == p and line in block.code for p, line in SKIPPED_BLOCKS):
                continue
            if not (SHARED / "data").is_dir() and any(
                page == p and line in block.code for p, line in NEEDS_SHARED_BLOCKS
            ):
                continue
            if block.language in _PYTHON & languages:
                _run_python(block, namespace)
            elif block.language in _SHELL & languages:
                _run_shell(block, work)
    sys.path[:] = path
    import matplotlib.pyplot as plt

    plt.close("all")


def _params(languages: set[str], *, slow: bool = False) -> list[Any]:
    params = []
    for page in pages():
        if not any(b.language in languages for b in blocks(page)):
            continue
        marks: list[Any] = []
        if page in NOT_RUN:
            marks.append(pytest.mark.skip(reason=NOT_RUN[page]))
        elif slow or page in SLOW:
            marks.append(pytest.mark.slow)
        params.append(pytest.param(page, marks=marks, id=page))
    return params


@pytest.mark.parametrize("page", _params(_PYTHON))
def test_the_python_blocks_of_a_page_run_in_order(page: str, tmp_path: Path) -> None:
    if page in PYTHON_OPEN:
        pytest.skip(PYTHON_OPEN[page])
    pytest.importorskip("matplotlib")
    _run_page(page, tmp_path, _PYTHON)


# The shell commands of the pages use only their own files and the bundled example,
# never what a Python block made, so they run apart: each one is a new process, which
# takes a second or more on its own, so this is a slow test.
@pytest.mark.parametrize("page", _params(_SHELL, slow=True))
def test_the_shell_commands_of_a_page_run(page: str, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    _run_page(page, tmp_path, _SHELL)
