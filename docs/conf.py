"""Sphinx configuration: the Markdown pages of docs/ plus an API reference from the docstrings.

Build from the repository root, with the ``docs`` extra installed::

    python -m pip install -e ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html

The API page (``api.rst``, not committed) is written here on every build from
``tensionindex.__all__`` (see ``_api.py``): one autosummary table per group of
``__all__``, each name reached as ``tensionindex.<name>``, the way users import
it, so moving code between modules inside the package changes nothing here.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS))  # for _api

import _api  # noqa: E402

import tensionindex  # noqa: E402

project = "tensionindex"
author = "The tensionindex developers"
copyright = "the tensionindex developers"
version = release = tensionindex.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]

# -- The pages ------------------------------------------------------------------
# index.md stays plain Markdown that reads well on GitHub; Sphinx gets its table
# of contents appended here instead of a {toctree} block showing up there as code.
PAGES = [
    "methodology", "data-sources", "multiple-sources", "countries", "analysis",
    "uncertainty", "calibration", "validation", "scaling", "performance", "architecture",
    "api",
]  # fmt: skip

myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
# The pages link to files outside docs/ (examples/, the bundled data's README),
# which GitHub renders and Sphinx cannot resolve; those links stay as written.
suppress_warnings = ["myst.xref_missing"]

# -- API reference ----------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_typehints = "none"  # types are in the numpydoc Parameters sections
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks: set[str] = set()
nitpicky = False

# -- HTML -------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"tensionindex {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_static_path: list[str] = []


def _api_page() -> str:
    lines = [
        ".. Written by docs/conf.py from tensionindex.__all__ on every build; do not edit.",
        "",
        "API reference",
        "=============",
        "",
        ".. currentmodule:: tensionindex",
        "",
        "Everything public is importable from ``tensionindex`` and listed in its",
        "``__all__``; the groups are the ones of ``__all__``.",
        "",
    ]
    for group, items in _api.grouped().items():
        lines += [group, "-" * len(group), "", ".. autosummary::", "   :toctree: generated", ""]
        lines += [f"   {item.name}" for item in items]
        lines.append("")
    return "\n".join(lines)


def _write_api_page() -> None:
    page = DOCS / "api.rst"
    text = _api_page()
    # Rewrite only on change, so an incremental build does not re-read it needlessly.
    if not page.exists() or page.read_text(encoding="utf-8") != text:
        page.write_text(text, encoding="utf-8")


_write_api_page()  # before autosummary scans the sources for its stubs


def _append_toctree(app: Any, docname: str, source: list[str]) -> None:
    if docname == root_doc:
        source[0] += "\n\n```{toctree}\n:hidden:\n\n" + "\n".join(PAGES) + "\n```\n"


def setup(app: Any) -> None:
    app.connect("source-read", _append_toctree)
