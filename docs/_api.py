"""The public API as the docs show it: ``tensionindex.__all__``, grouped and summarised.

Shared by ``docs/conf.py`` (which writes the autosummary page ``docs/api.rst``
at build time) and ``docs/_generate_tables.py`` (which writes the API table of
``docs/index.md``), so both list the same names under the same headings.

The groups are the comment lines inside the ``__all__ = [...]`` list of
``src/tensionindex/__init__.py`` (``# Configuration``, ``# Events in``, ...):
a name belongs to the last heading above it.  Each name's summary is the first
paragraph of its docstring; constants, whose own ``__doc__`` is their type's,
use the ``#:`` comment above their assignment or the string just below it, as
Sphinx's autodata does, and failing that their value when it is short.
Nothing here is maintained by hand: a name added to ``__all__`` shows up in
both places on the next run.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import io
import re
import tokenize
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tensionindex

PACKAGE = "tensionindex"


@dataclass(frozen=True)
class PublicName:
    group: str
    name: str
    kind: str  # "class", "exception", "function", "module" or "data"
    summary: str


def _all_groups(source: str) -> dict[str, str]:
    """Map each name in the ``__all__`` literal of ``source`` to its comment heading."""
    groups: dict[str, str] = {}
    group = "Other"
    inside = False
    depth = 0
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if not inside:
            if token.type == tokenize.NAME and token.string == "__all__" and token.start[1] == 0:
                inside = True
            continue
        if token.type == tokenize.OP and token.string in "([":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]":
            depth -= 1
            if depth == 0:
                break
        elif token.type == tokenize.COMMENT and depth == 1:
            text = token.string.lstrip("#").strip()
            own_line = token.line.strip() == token.string
            if text and own_line and not text.lower().startswith(("noqa", "type:")):
                group = text
        elif token.type == tokenize.STRING and depth == 1:
            groups[ast.literal_eval(token.string)] = group
    return groups


def _kind(value: Any) -> str:
    if isinstance(value, type):
        return "exception" if issubclass(value, BaseException) else "class"
    if isinstance(value, types.ModuleType):
        return "module"
    if callable(value):
        return "function"
    return "data"


def _first_paragraph(doc: str | None) -> str:
    text = inspect.cleandoc(doc or "").strip()
    return " ".join(text.split("\n\n", 1)[0].split())


def _attribute_doc(module_name: str, name: str) -> str:
    """The ``#:`` comment above, or the string literal below, ``name = ...`` in a module."""
    try:
        module = importlib.import_module(module_name)
        source = inspect.getsource(module)
    except (ImportError, OSError, TypeError):
        return ""
    lines = source.splitlines()
    tree = ast.parse(source)
    for position, node in enumerate(tree.body):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        if not any(isinstance(t, ast.Name) and t.id == name for t in targets):
            continue
        after = tree.body[position + 1] if position + 1 < len(tree.body) else None
        if (
            isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            return _first_paragraph(after.value.value)
        comment: list[str] = []
        row = node.lineno - 2
        while row >= 0 and re.match(r"\s*#:", lines[row]):
            comment.insert(0, lines[row].strip()[2:].strip())
            row -= 1
        return " ".join(comment)
    return ""


def _short_repr(value: Any, limit: int = 100) -> str:
    text = repr(value)
    return f"``{text}``" if len(text) <= limit else ""


def _owner(name: str) -> str:
    """The module that defines a public constant (``_LAZY`` of the package, else itself)."""
    lazy: dict[str, str] = getattr(tensionindex, "_LAZY", {})
    return lazy.get(name, PACKAGE)


def public_names() -> list[PublicName]:
    """Every name of ``tensionindex.__all__``, in its order, with group, kind and summary."""
    init = Path(inspect.getfile(tensionindex))
    groups = _all_groups(init.read_text(encoding="utf-8"))
    names = []
    for name in tensionindex.__all__:
        value = getattr(tensionindex, name)
        kind = _kind(value)
        if kind == "data":
            # Without a doc comment, a short value says what the constant is.
            summary = _attribute_doc(_owner(name), name) or _short_repr(value)
        else:
            summary = _first_paragraph(inspect.getdoc(value))
        names.append(PublicName(groups.get(name, "Other"), name, kind, summary))
    return names


def grouped() -> dict[str, list[PublicName]]:
    """``public_names()`` by group, groups in the order they first appear in ``__all__``."""
    out: dict[str, list[PublicName]] = {}
    for item in public_names():
        out.setdefault(item.group, []).append(item)
    return out
