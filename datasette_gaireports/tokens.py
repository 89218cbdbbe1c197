"""A report as a stream of cells in reading order, whatever its rendering.

Every reader turns its source into :class:`Token` objects: one per table
cell or text line, with its position. The table parser works on that stream
only, so one-cell-per-line dumps, ``|``-separated rows and HTML grids are
parsed by the same code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from .values import UNITS, is_unit, parse_value

_PIPE = re.compile(r"[|｜]")
_SENTENCE_END = re.compile(r"[。；;！!？,，]")
_GROUPED = re.compile(r"[?？]?\d{1,3}(?: \d{3})+(?:\.\d+)?(?:" + "|".join(UNITS) + r")?[?？]?")
"""One figure with its thousands set apart by spaces (``8 634``), not a row of figures."""
MAX_ROW_LINE = 80
"""A label and one figure on a line longer than this is a sentence, not a table row."""


class Token(NamedTuple):
    """One cell (or line) of the source (a named tuple: a report has thousands)."""

    text: str
    line: int
    position: str
    row: int | None = None
    """Id of the table row the cell shares with its neighbours; ``None`` where
    the rendering has no row boundaries (one cell per line)."""
    col: int | None = None
    """The cell's column in its row, where the rendering keeps columns."""


def _is_text(cell: str) -> bool:
    """A cell holding text: no figure, blank, dash or stray mark."""
    return parse_value(cell.strip()).flag == "not_a_number"


def _cells(line: str, bordered: bool) -> list[str] | None:
    """The cells of a ``|`` or tab separated row; ``None`` for a line that is no row.

    A trailing ``|`` ends the row (``a | b |``), so the empty cell after it is
    dropped; a leading ``|`` is a border only where the dump draws borders
    (``bordered``), else it follows an empty first cell. A tab row keeps its
    empty cells, first and last (a browser copies a blank cell as an empty
    field), except the indentation of a line of prose.
    """
    s = line.strip(" \u3000\r\n")
    if _PIPE.search(s):
        parts = [p.strip() for p in _PIPE.split(s)]
        if parts and parts[-1] == "":
            parts.pop()
        if parts and parts[0] == "" and bordered:
            parts.pop(0)
        return parts
    if "\t" in s:
        parts = [p.strip() for p in s.split("\t")]
        filled = [p for p in parts if p]
        if len(filled) == 1 and parts[-1] and _is_text(parts[-1]):
            return filled
        return parts
    return None


def _spaced(line: str) -> list[str] | None:
    """The cells of a row whose cells are separated by spaces (text copied from a PDF), else ``None``.

    The row ends in figures, dashes or units (two or more, or one after a
    short label that is no sentence); what precedes them is its label, one
    cell per space-separated part (the label matcher joins the parts of a
    label back). Blank cells cannot show in such a row.
    """
    if _GROUPED.fullmatch(line.strip()):
        return None
    parts = line.split()
    k = len(parts)
    while k and _is_field(parts[k - 1]):
        k -= 1
    tail, head = parts[k:], parts[:k]
    if not tail or not any(parse_value(p).is_number or parse_value(p).flag == "dash" for p in tail):
        return None
    if len(tail) == 1 and (not head or len(line) > MAX_ROW_LINE or _SENTENCE_END.search(" ".join(head))):
        return None
    return head + tail


def _is_field(text: str) -> bool:
    v = parse_value(text)
    return v.flag not in ("not_a_number", "blank") or is_unit(text)


def _bordered(lines: list[str]) -> bool:
    """True where the ``|`` rows start with a ``|`` (a border) even where their first cell holds text,
    as Markdown-style dumps draw them; where some rows start with text, a leading ``|`` follows an
    empty first cell."""
    rows = [s for s in (line.strip(" \u3000\t") for line in lines) if len(_PIPE.findall(s)) >= 2 and _PIPE.sub("", s).strip()]
    return bool(rows) and sum(1 for s in rows if not _PIPE.match(s)) <= len(rows) // 20


_TEXT_CELL = r"[^|｜]*[^|｜\s][^|｜]*"
"""A cell's text in a dump: no ``|``, not only spaces."""
_CELL_LINE = re.compile(_TEXT_CELL + r"[|｜]")
"""A table cell dumped on a line of its own, a ``|`` after it (``本年制发件数 |``)."""
CELL_LINES = 8
"""A dump writing this many cells so is one whose table cells each take a line."""


def _cell_per_line(lines: list[str]) -> bool:
    """True where the dump writes its tables one cell per line, each ending in ``|`` (:data:`CELL_LINES` of
    them at least)."""
    count = 0
    for line in lines:
        if line.endswith(("|", "｜", "| ", "｜ ")) and _CELL_LINE.fullmatch(line.strip()):
            count += 1
            if count >= CELL_LINES:
                return True
    return False


def _lone_pipe_is_blank(lines: list[str], k: int) -> bool:
    """Whether the lone ``|`` on line ``k`` of a dump written one cell per line is a blank cell: it is, unless
    the next line is a cell holding text (a row's label). A converter writes a ``|`` before each row, or pads a
    row with one; either way that ``|`` comes before the next row's label, where a blank cell comes before
    another cell, or ends the table (before a line of text that is no cell: a heading)."""
    for line in lines[k + 1 :]:
        s = line.strip()
        if s:
            return not (_PIPE.search(s) and _is_text(_PIPE.split(s, 1)[0]))
    return True


_LEADING_CELL = re.compile(r"[|｜]" + _TEXT_CELL)
"""A table cell dumped on a line of its own, a ``|`` before it (``| 本年累计``)."""


def _pipe_first(lines: list[str]) -> bool:
    """True where the dump writes a table row's cells after its first one on lines of their own, each after
    a ``|`` (:data:`CELL_LINES` of them at least), the row ended by a lone ``|``."""
    count = 0
    for line in lines:
        if line.lstrip().startswith(("|", "｜")) and _LEADING_CELL.fullmatch(line.strip()):
            count += 1
            if count >= CELL_LINES:
                return True
    return False


def _open_text_cell(row: str) -> bool:
    """Whether a joined row ends in a cell of text no ``|`` has ended (``主动公开信息数 | 计量``): a line after it
    is the rest of that cell. A row ending in a figure (``规章 | 0 | 0 | 0``) is ended by the next line's label
    where the dump writes no lone ``|`` after it."""
    if row.endswith(("|", "｜")):
        return False
    return _is_text(_PIPE.split(row)[-1])


def _rejoined(lines: list[str]) -> list[tuple[int, str, list[int]]]:
    """(line number, text, the line each cell starts on) of the lines of a dump written as :func:`_pipe_first`
    tells, each table row joined back into one line (``主动公开信息数 | 条 | 01 | | |``): a line starting with
    ``|`` goes on the row before it, and a line of text after a cell of text that no ``|`` has ended is the rest
    of that cell's text (``| 计量`` / ``单位``, :func:`_open_text_cell`)."""
    out: list[tuple[int, str, list[int]]] = []
    for lineno, line in enumerate(lines, 1):
        s = line.strip()
        if not s:
            continue
        if out and _PIPE.match(s):
            k, row, starts = out[-1]
            out[-1] = (k, f"{row} {s}", starts + [lineno] * len(_PIPE.findall(s)))
        elif out and _PIPE.search(out[-1][1]) and _open_text_cell(out[-1][1]):
            k, row, starts = out[-1]
            out[-1] = (k, row + s, starts)
        else:
            out.append((lineno, s, [lineno]))
    return out


_LONE_PIPE = re.compile(r"^[ \t]*[|｜][ \t]*$", re.MULTILINE)
_BLANK_ROW = re.compile(_TEXT_CELL + r"(?:\s*[|｜])+\s*")
"""A row of one cell of text and blank cells only (``规章 |``, ``规章 | |``)."""


def _blank_cells_joined(numbered: list[tuple[int, str, list[int]]]) -> list[tuple[int, str, list[int]]]:
    """``numbered`` with a row broken as ``规章 |`` and a lone ``|`` on each line after it, one per blank cell,
    joined back (``规章 | | | |``): a dump of rows on one line each, where a row of blank cells took a line per
    cell."""
    out: list[tuple[int, str, list[int]]] = []
    for lineno, line, starts in numbered:
        s = line.strip()
        if not s:
            continue
        if s in ("|", "｜") and out and _BLANK_ROW.fullmatch(out[-1][1]):
            k, row, cells = out[-1]
            out[-1] = (k, f"{row} |", cells + [lineno])
            continue
        out.append((lineno, line, starts))
    return out


SPACED_SHARE = 0.6
SPACED_MIN = 30
"""A dump is written a line of text, an empty line, a line of text… where at least :data:`SPACED_SHARE` of the
gaps between its lines of text (:data:`SPACED_MIN` of them at least) are one empty line."""


def _one_empty_line_apart(lines: list[str]) -> bool:
    """True where the dump sets its lines one empty line apart (:data:`SPACED_SHARE`): a converter writing each
    cell as a paragraph, which may write a blank cell as one more empty line."""
    gaps = ones = 0
    empty = -1  # no line of text yet
    for line in lines:
        if line.strip():
            if empty >= 0:
                gaps += 1
                ones += empty == 1
            empty = 0
        elif empty >= 0:
            empty += 1
    return gaps >= SPACED_MIN and ones >= SPACED_SHARE * gaps


def text_tokens(text: str) -> Iterator[Token]:
    """Tokens of a plain-text dump.

    A line is one cell, except a line with ``|`` or tab separators holding
    two or more cells, which is one table row (its empty cells are kept as
    blank cells), and a line ending in two or more space-separated figures,
    which is a row too. Lines of separators alone (``||||``) are
    spanned-cell filler and carry nothing, except a lone ``|`` in a dump
    writing one cell per line, each ending in ``|`` (:func:`_cell_per_line`):
    that is a blank cell where another cell follows it
    (:func:`_lone_pipe_is_blank`). Where it only starts a row of figures
    (a table's last row, under its header), the row has one cell more than
    its columns, and the table parser drops the blank (:func:`.tables.fit`).
    In a dump setting its lines one empty line apart (:func:`_one_empty_line_apart`), each further empty
    line before or after a figure is a blank cell (``一、本年新收…`` and six more empty lines before the ``0`` of
    its 总计 column).
    A dump writing each cell after a row's first on a line of its own after
    a ``|`` has its rows joined back first (:func:`_rejoined`); elsewhere, a row
    of blank cells written a line per cell (``规章 |`` and a lone ``|`` per blank)
    is joined back (:func:`_blank_cells_joined`).
    """
    lines = text.splitlines()
    pipe_first = _pipe_first(lines)
    numbered = _rejoined(lines) if pipe_first else [(k, line, [k]) for k, line in enumerate(lines, 1)]
    lone_blank = not pipe_first and _cell_per_line(lines)
    if not lone_blank and _LONE_PIPE.search(text):
        numbered = _blank_cells_joined(numbered)
    bordered = _bordered([line for _k, line, _starts in numbered])
    spaced = not pipe_first and _one_empty_line_apart(lines)
    row_id = 0
    last = 0  # the line of the last line of text
    after_figure = False
    for lineno, line, starts in numbered:
        s = line.strip()
        if not s:
            continue
        if spaced:
            value = parse_value(s)
            if last and lineno - last > 2 and (value.is_number or after_figure):
                for k in range(last + 2, lineno):  # the empty lines after the first: blank cells
                    yield Token("", k, f"line {k}")
            # a stray mark after a figure (``0`` then ``?``) is no cell of its own
            after_figure = value.is_number or (after_figure and value.flag == "noise")
            last = lineno
        if lone_blank and (s == "|" or s == "｜"):
            if _lone_pipe_is_blank(lines, lineno - 1):
                yield Token("", lineno, f"line {lineno}")
            continue
        parts = _cells(line, bordered)
        if parts is None:
            parts = _spaced(s)
        if parts is None:
            yield Token(s, lineno, f"line {lineno}")
            continue
        if not any(parts):
            continue
        if len(parts) == 1:
            yield Token(parts[0], lineno, f"line {lineno}")
            continue
        row_id += 1
        for col, cell in enumerate(parts):
            line_of = starts[col] if col < len(starts) else lineno  # a joined row's cells have lines of their own
            yield Token(cell, line_of, f"line {line_of}, cell {col + 1}", row=row_id, col=col)
