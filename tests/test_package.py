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


def test_no_public_function_shares_its_name_with_a_submodule() -> None:
    # Importing a submodule binds it on the package: a function of the same name
    # would be shadowed.  So no public name is also a module of the package.
    import pkgutil

    modules = {m.name for m in pkgutil.iter_modules(ti.__path__)}
    assert not modules & set(ti.__all__)
    code = (
        "import tensionindex as ti, tensionindex.analysis.alerts, tensionindex.event_types; "
        "print([type(getattr(ti, n)).__name__ for n in "
        "('taxonomy', 'explain', 'alerts', 'asymmetry', 'changepoints')])"
    )
    assert _run(code) == str(["function"] * 5)


def test_dir_lists_the_public_names() -> None:
    assert dir(ti) == sorted(ti.__all__)


def test_no_private_name_is_imported_across_modules() -> None:
    import ast
    import pathlib

    root = pathlib.Path(ti.__file__).parent
    found = []
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tensionindex"):
                module = node.module or ""
                # A package's own private submodules (io/_spec.py) are its business.
                package = ".".join(path.relative_to(root.parent).with_suffix("").parts[:-1])
                private_module = module.rpartition(".")[2].startswith("_")
                inside = private_module and module.startswith(package + ".")
                for alias in node.names:
                    if alias.name.startswith("_") and alias.name != "__version__" and not inside:
                        found.append(f"{path.relative_to(root)}: {module}.{alias.name}")
    assert not found


def test_submodules_are_reachable_as_attributes() -> None:
    assert ti.kernels.Exponential is not None  # type: ignore[attr-defined]
    assert ti.io.read_gdelt is ti.read_gdelt  # type: ignore[attr-defined]


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'stability_indx'"):
        ti.stability_indx  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(AttributeError):
        ti._private  # type: ignore[attr-defined]  # noqa: B018
