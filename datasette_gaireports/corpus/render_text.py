"""A report as the text dumps users feed the build: one cell per line, ``|`` rows, tab rows.

``cells``: every cell on its own line, usually with blank lines between (a blank
cell then sometimes one more empty line), long labels broken over two lines,
stray ``?`` left by a GBK round trip. ``pipe``:
one table row per line, ``a | b | c |``, empty cells kept, ``||||`` filler
rows; spans either collapsed or printed as empty cells. ``pipe_lines``: each
cell on its own line ending in `` |`` (a blank cell a lone ``|``), a line of ``|`` before each row; or
each cell after a row's first on its own line after a ``|``, a lone ``|`` ending the row.
``tab``: rows as a browser copies them (cells separated by tabs, spans
collapsed). ``spaced``: rows as copied from a PDF, cells separated by spaces. Any of them may start with the site's header dumped as text.
"""

from __future__ import annotations

import random

from .document import Doc, Para, Table
from .grids import Grid, GridCell
from .render_html import _positions
from .styles import Style, split_point


def _chrome_head(doc: Doc, rng: random.Random) -> list[str]:
    pm = doc.page
    y, m, d = pm.published.split("-")
    if rng.random() < 0.3:  # the page's metadata table dumped as | rows, its labels spaced out to align them
        return [
            f"{pm.site}",
            "首页 | 政务公开 | 政务服务 | 互动交流 | 走进本地",
            f"索 引 号 | {pm.index_no} | 分 类 | {pm.category} |",
            f"发布机构 | {pm.publisher} | 发文日期 | {pm.published} |",
            f"文 号 | {pm.doc_no} | 有 效 性 | 有效 |",
        ]
    return [
        f"{pm.site}",
        "首页 | 政务公开 | 政务服务 | 互动交流 | 走进本地",
        "当前位置: 首页 > 政务公开 > 政府信息公开年报",
        f"索引号:{pm.index_no} 类目名称: {pm.category}",
        rng.choice((f"发布机构:{pm.publisher} 发布时间: {y}年{m}月{d}日", f"来源:{pm.publisher} 时间:{pm.published} 09:{rng.randint(10, 59)}:00")),
        f"文 号:{pm.doc_no or '无'} 废止日期:",
    ]


def _chrome_tail(rng: random.Random) -> list[str]:
    return ["【打印本页】 【关闭窗口】", "分享到:", f"网站标识码:{rng.randint(10**9, 10**10 - 1)}"]


def _split_label(text: str, style: Style, rng: random.Random) -> list[str]:
    if style.split_labels and rng.random() < 0.4:
        k = split_point(text, rng)
        if k:
            return [text[:k], text[k:]]
    return [text]


def _header_lines(text: str, style: Style, rng: random.Random) -> list[str]:
    if style.cut_headers and len(text) >= 5 and rng.random() < 0.5:
        k = rng.randrange(2, len(text) - 1)
        return [text[:k]] if rng.random() < 0.4 else [text[:k], text[k:]]
    return [text]


def _cell_lines(cell: GridCell, style: Style, rng: random.Random) -> list[str]:
    """The lines one cell prints as in a one-cell-per-line dump (none for an empty non-value cell)."""
    if cell.role == "value":
        return [cell.text]
    if not cell.text:
        return []
    if cell.role == "header":
        return _header_lines(cell.text, style, rng)
    return _split_label(cell.text, style, rng)


EMPTY_CELL = "\ue001"
"""Stands for a blank value cell written as one more empty line (:func:`cells_table`), until the lines are joined."""


def cells_table(grid: Grid, style: Style, rng: random.Random, stray: bool, empty_blanks: bool = False) -> list[str]:
    """A line per cell; with ``empty_blanks``, a blank value cell is :data:`EMPTY_CELL` (one more empty line
    in a dump setting its lines one empty line apart)."""
    out = []
    for row in grid:
        for cell in row:
            if cell.role == "lost_label":  # a converter that loses these labels (TablePlan.lost_labels)
                continue
            if empty_blanks and cell.role == "value" and cell.text == style.blank:
                out.append(EMPTY_CELL)
                continue
            for line in _cell_lines(cell, style, rng):
                out.append(line)
                if stray and rng.random() < 0.04:
                    out.append(rng.choice(("?", "？")))
    return out


def _expanded(grid: Grid) -> list[list[str]]:
    """Every grid position, a spanned cell's text in its first position and empty text in the others."""
    placed = _positions(grid)
    width = max((c + cell.colspan for row in placed for c, cell in row), default=0)
    rows = [[""] * width for _ in grid]
    for r, row in enumerate(placed):
        for c, cell in row:
            rows[r][c] = cell.text
    return rows


def pipe_table(grid: Grid, style: Style, rng: random.Random, expand: bool, broken_blanks: bool = False) -> list[str]:
    """A row per line, cells between ``|``; with ``broken_blanks``, a row of a label and blank cells only is
    written ``规章 |`` and a lone ``|`` per blank cell, each on a line."""
    out = []
    rows = _expanded(grid) if expand else [[c.text if c.role != "header" else _header_lines(c.text, style, rng)[0] for c in row] for row in grid]
    for cells in rows:
        if broken_blanks and len(cells) > 1 and cells[0] and not any(cells[1:]):
            out += [f"{cells[0]} |", *("|" for _ in cells[1:])]
            continue
        out.append(" | ".join(cells) + " |")
        if rng.random() < 0.08:
            out.append("|" * rng.randint(2, 5))
    return out


def pipe_lines_table(grid: Grid, style: Style, rng: random.Random) -> list[str]:
    out = []
    width = max(sum(c.colspan for c in row) for row in grid)
    for row in grid:
        missing = width - sum(c.colspan for c in row)
        out.append("|" * max(1, missing + 1) if rng.random() < 0.7 else "|")
        for cell in row:
            lines = _cell_lines(cell, style, rng)
            if not lines:
                continue
            out += lines[:-1]
            out.append(f"{lines[-1]} |")
    return out


def pipe_first_table(grid: Grid, style: Style, rng: random.Random, open_rows: bool = False) -> list[str]:
    """Each row's first cell on a line, each further cell on lines after a ``|`` (a blank one a lone ``|``), a
    lone ``|`` ending the row (with ``open_rows``, only a row not ending in a figure); empty cells before a row's
    first text are not printed, nor is the first cell broken over lines."""
    out = []
    for row in grid:
        cells = list(row)
        while cells and cells[0].role != "value" and not cells[0].text:
            cells.pop(0)
        if not cells:
            continue
        first, *rest = cells
        out.append("".join(_cell_lines(first, style, rng)))
        for cell in rest:
            lines = _cell_lines(cell, style, rng) or [""]
            out.append(f"| {lines[0]}".rstrip())
            out += lines[1:]
        if not (open_rows and rest and rest[-1].role == "value" and rest[-1].text.strip()):
            out.append("|")
    return out


def spaced_table(grid: Grid, style: Style, rng: random.Random) -> list[str]:
    """Rows as text copied from a PDF: a row's cells on one line, separated by spaces."""
    out = []
    for row in grid:
        cells = [c.text if c.role == "value" else " ".join(_cell_lines(c, style, rng)) for c in row]
        cells = [c for c in cells if c]
        if cells:
            out.append(rng.choice((" ", "  ", "   ")).join(cells))
    return out


def tab_table(grid: Grid, style: Style, rng: random.Random) -> list[str]:
    return ["\t".join(c.text if c.role != "header" else _header_lines(c.text, style, rng)[0] for c in row) for row in grid]


def _para(p: Para, style: Style, rng: random.Random) -> str:
    text = p.text
    if p.role == "body":
        text = rng.choice(("  ", "　　", "")) + text
    if style.marks and p.role in ("body", "heading") and rng.random() < 0.5:
        text += "?"
    return text


PIPE_FIRST_SHARE = 0.3
"""Share of the ``pipe_lines`` dumps written :func:`pipe_first_table`'s way."""
OPEN_ROWS_SHARE = 0.5
"""Share of those writing no lone ``|`` after a row ending in a figure."""
BROKEN_BLANKS_SHARE = 0.3
"""Share of the ``pipe`` dumps writing a row of blank cells a line per cell (:func:`pipe_table`)."""
EMPTY_BLANKS_SHARE = 0.3
"""Share of the ``cells`` dumps setting their lines one empty line apart that write a blank cell as one more
empty line (:func:`cells_table`)."""


def render_text(doc: Doc, style: Style, rng: random.Random, layout: str, chrome: bool) -> str:
    """The report as text in one of the layouts ``cells``, ``pipe``, ``pipe_lines``, ``tab``, ``spaced``."""
    double = layout == "cells" and rng.random() < 0.7
    expand = layout == "pipe" and rng.random() < 0.4
    stray = layout == "cells" and rng.random() < 0.5
    # drawn from a generator of its own, so that the reports' other draws are those of the corpora before it
    pipe_first = layout == "pipe_lines" and random.Random(f"pipe first {doc.title}").random() < PIPE_FIRST_SHARE
    open_rows = pipe_first and random.Random(f"open rows {doc.title}").random() < OPEN_ROWS_SHARE
    broken_blanks = layout == "pipe" and random.Random(f"broken blanks {doc.title}").random() < BROKEN_BLANKS_SHARE
    empty_blanks = double and random.Random(f"empty blanks {doc.title}").random() < EMPTY_BLANKS_SHARE
    lines: list[str] = _chrome_head(doc, rng) if chrome else []
    for block in doc.blocks:
        if isinstance(block, Table):
            if layout == "cells":
                lines += cells_table(block.grid, style, rng, stray, empty_blanks)
            elif layout == "pipe":
                lines += pipe_table(block.grid, style, rng, expand, broken_blanks)
            elif layout == "pipe_lines" and pipe_first:
                lines += pipe_first_table(block.grid, style, rng, open_rows)
            elif layout == "pipe_lines":
                lines += pipe_lines_table(block.grid, style, rng)
            elif layout == "spaced":
                lines += spaced_table(block.grid, style, rng)
            else:
                lines += tab_table(block.grid, style, rng)
        else:
            lines.append(_para(block, style, rng))
    if chrome:
        lines += _chrome_tail(rng)
    sep = "\n\n" if double else "\n"
    return (sep.join(lines) + "\n").replace(sep + EMPTY_CELL, "\n")
