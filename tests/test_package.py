"""The package's public namespace, loaded on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest

import tensionindex as ti


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_import_loads_no_submodule_and_no_optional_dependency() -> None:
    code = (
        "import sys, tensionindex; "
        "print(sorted(m for m in sys.modules if m.startswith(('tensionindex.', 'scipy', "
        "'matplotlib', 'ruptures', 'dask', 'hypothesis'))))"
    )
    assert _run(code) == "[]"


def test_first_use_loads_what_it_needs_only() -> None:
    code = (
        "import sys, tensionindex as ti; ti.stability_index; "
        "print(any(m.startswith(('scipy.optimize', 'scipy.signal', 'matplotlib', 'ruptures', "
        "'dask')) for m in sys.modules))"
    )
    assert _run(code) == "False"


@pytest.mark.parametrize("name", ti.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(ti, name) is not None
    assert name in dir(ti)


def test_functions_named_like_their_modules_stay_functions() -> None:
    code = (
        "import tensionindex as ti, tensionindex.taxonomy, tensionindex.explain; "
        "import tensionindex.alerts, tensionindex.asymmetry, tensionindex.changepoints; "
        "print([callable(getattr(ti, n)) and not hasattr(getattr(ti, n), '__path__') "
        "and type(getattr(ti, n)).__name__ for n in "
        "('taxonomy', 'explain', 'alerts', 'asymmetry', 'changepoints')])"
    )
    assert _run(code) == str(["function"] * 5)


def test_submodules_are_reachable_as_attributes() -> None:
    assert ti.kernels.decay is not None  # type: ignore[attr-defined]
    assert ti.io.read_gdelt is ti.read_gdelt  # type: ignore[attr-defined]


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'stability_indx'"):
        ti.stability_indx  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(AttributeError):
        ti._private  # type: ignore[attr-defined]  # noqa: B018
