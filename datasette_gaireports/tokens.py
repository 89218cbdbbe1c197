"""A report as a stream of cells in reading order, whatever its rendering.

Every reader turns its source into :class:`Token` objects: one per table
cell or text line, with its position. The table parser works on that stream
only, so one-cell-per-line dumps, ``|``-separated rows and HTML grids are
parsed by the same code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_PIPE = re.compile(r"[|｜]")


@dataclass(frozen=True)
class Token:
    """One cell (or line) of the source."""

    text: str
    line: int
    position: str
    row: int | None = None
    """Id of the table row the cell shares with its neighbours; ``None`` where
    the rendering has no row boundaries (one cell per line)."""


def _cells(line: str) -> list[str] | None:
    """The cells of a ``|`` or tab separated row; ``None`` for a line that is no row.

    A trailing ``|`` ends the row (``a | b |``), so the empty cell after it is
    dropped; a tab row keeps its trailing empty cells, which are blank cells
    of the row (a browser copies a row's last blank cell as a final tab).
    """
    s = line.strip(" \u3000\r\n")
    if _PIPE.search(s):
        parts = [p.strip() for p in _PIPE.split(s)]
        if parts and parts[-1] == "":
            parts.pop()
        if parts and parts[0] == "" and s[0] in "|｜":
            parts.pop(0)
        return parts
    if "\t" in s.strip():
        parts = [p.strip() for p in s.split("\t")]
        while parts and parts[0] == "":
            parts.pop(0)
        return parts
    return None


def text_tokens(text: str) -> Iterator[Token]:
    """Tokens of a plain-text dump.

    A line is one cell, except a line with ``|`` or tab separators holding
    two or more cells, which is one table row (its empty cells are kept as
    blank cells). Lines of separators alone (``||||``) are spanned-cell filler
    and carry nothing.
    """
    row_id = 0
    for lineno, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s:
            continue
        parts = _cells(line)
        if parts is None:
            yield Token(s, lineno, f"line {lineno}")
            continue
        if not any(parts):
            continue
        if len(parts) == 1:
            yield Token(parts[0], lineno, f"line {lineno}")
            continue
        row_id += 1
        for col, cell in enumerate(parts, 1):
            yield Token(cell, lineno, f"line {lineno}, cell {col}", row=row_id)
