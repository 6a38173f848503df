"""The Markdown pages render as written: no stray control characters, no broken tables.

Two faults that running the code blocks (tests/test_docs_blocks.py) cannot see:
a formula written through a Python string without a raw prefix turns ``\\bar``,
``\\frac`` and ``\\text`` into a backspace, a form feed and a tab; and a blank
line inside a table cuts it, so the rows after it print as plain text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PAGES = [
    "README.md",
    *sorted(f"docs/{p.name}" for p in (REPO / "docs").glob("*.md")),
    *sorted(f"examples/{p.name}" for p in (REPO / "examples").glob("*.md")),
]
# Any C0 control character but the tab and the line end (tabs are checked outside code).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
DELIMITER_ROW = re.compile(r"^\|?\s*:?-+:?\s*\|")


def _prose_lines(text: str) -> list[tuple[int, str, str]]:
    """(line number, line, line before) of the lines outside fenced code blocks."""
    lines = text.splitlines()
    out = []
    fenced = False
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced:
            out.append((number, line, lines[number - 2] if number > 1 else ""))
    return out


def _control_lines(text: str) -> list[str]:
    """The lines holding a control character, or a tab outside code."""
    found = [
        f"line {n}: {line[:60]!r}"
        for n, line in enumerate(text.splitlines(), start=1)
        if CONTROL.search(line)
    ]
    return found + [f"line {n}: tab in prose" for n, line, _ in _prose_lines(text) if "\t" in line]


def _cut_rows(text: str) -> list[str]:
    """Table rows that open a block without a delimiter row under them."""
    lines = text.splitlines()
    cut = []
    for number, line, before in _prose_lines(text):
        if line.startswith("|") and not before.startswith("|"):
            after = lines[number] if number < len(lines) else ""
            if not DELIMITER_ROW.match(after):
                cut.append(f"line {number}: {line[:60]}")
    return cut


def test_every_page_is_found() -> None:
    assert {"README.md", "docs/methodology.md", "examples/README.md"} <= set(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_no_control_characters(page: str) -> None:
    found = _control_lines((REPO / page).read_text(encoding="utf-8"))
    assert not found, f"{page} holds control characters (a lost backslash?): {found}"


@pytest.mark.parametrize("page", PAGES)
def test_every_table_starts_with_a_header_and_a_delimiter_row(page: str) -> None:
    cut = _cut_rows((REPO / page).read_text(encoding="utf-8"))
    assert not cut, f"{page}: table rows outside a table (a blank line inside it?): {cut}"


def test_the_checks_catch_what_they_are_for() -> None:
    table = "| a | b |\n|---|---|\n| 1 | 2 |\n"
    assert _cut_rows(table) == []
    assert _cut_rows(table + "\n| 3 | 4 |\n") == ["line 5: | 3 | 4 |"]
    assert _cut_rows("```\n| in code |\n```\n") == []
    assert _control_lines("$\x08ar K$\n") == ["line 1: '$\\x08ar K$'"]
    assert _control_lines("$\\bar K$\n```\n\tcode\n```\n") == []
    assert _control_lines("a\tb\n") == ["line 1: tab in prose"]
