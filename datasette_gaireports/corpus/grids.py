"""The statistical tables of a generated report as grids, built from the families' layout data.

A grid is a list of rows of :class:`GridCell` in HTML's terms: each cell is
written once, in the first row and column it covers, with its row and column
span. Which rows a table has, their labels, their columns and the header
levels all come from :data:`datasette_gaireports.families.BUILTIN`; the few
template words the families do not hold (``信息内容``, ``申请人情况``, the
legacy header) are named here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..families import review as review_family
from ..layout import Family, Row
from ..values import Number
from .styles import Style, label_text, value_text

ITEM_HEADER = "信息内容"
APPLICANT_HEADER = "申请人情况"
LEGACY_HEADER = ("统计指标", "单位", "统计数")
HEADER_LABELS = {("2021", "decisions"): "本年处理决定数量"}
"""Column headers the 2021 template prints differently from the family's column label."""


@dataclass
class GridCell:
    text: str
    role: str = "label"
    """label (a row label), header (a column header), value (a figure or blank), filler (an empty cell)."""
    rowspan: int = 1
    colspan: int = 1
    code: str = ""


Grid = list[list[GridCell]]


@dataclass
class TablePlan:
    """What a report prints of one family: its rows (in order), values, and deviations."""

    family: Family
    fmt: str
    values: dict[str, Number | None]
    units: dict[str, str]
    rows: list[Row]
    """Data and heading rows to print, in printed order."""
    merged: frozenset[str] = frozenset()
    """Heading rows printed as one row with the sum of their sub-rows (their sub-rows omitted)."""
    extra_total: bool = False
    """An extra 合计 row at the end (no template row)."""
    repeated: str = ""
    """A row printed twice."""
    other_subtotal: bool = False
    """2021 table 三: (六)其他处理 printed with its own figures above its three sub-rows."""
    merged_columns: frozenset[str] = frozenset()
    """Columns printed in place of their parts (table 三's one 法人或其他组织 column); ``values`` holds their figures."""
    stray: tuple[str, str, tuple[int, ...]] | None = None
    """Table 二: a row the template does not have (``其他主动公开文件`` and its figures) printed after the data row
    coded first, with the label and figures given: the parser reads it into no row (cells of flag ``stray_row``)
    and notes it."""
    lost_labels: frozenset[str] = frozenset()
    """Headings whose rows' labels a dump one cell per line leaves out: its figures follow the heading's label
    (the label cells' role is ``lost_label``; the other renderings print them)."""

    def columns(self, row: Row) -> tuple[str, ...]:
        """The columns ``row`` prints."""
        return self.family.row_columns(row, self.fmt, self.merged_columns)


class Writer:
    """Turns labels and values into text in one report's style."""

    def __init__(self, style: Style, rng: random.Random) -> None:
        self.style, self.rng = style, rng

    def label(self, text: str) -> str:
        return label_text(text, self.style, self.rng)

    def value(self, v: Number | None, unit: str = "") -> str:
        return value_text(v, self.style, self.rng, unit)


def _value_cells(plan: TablePlan, row: Row, w: Writer) -> list[GridCell]:
    fam = plan.family
    out = []
    for col in plan.columns(row):
        cell = fam.cell_code(row.code, col)
        out.append(GridCell(w.value(plan.values.get(cell), plan.units.get(cell, "")), "value", code=cell))
    return out


def _sum_cells(plan: TablePlan, rows: list[Row], w: Writer, cols: tuple[str, ...]) -> list[GridCell]:
    """Values of a merged or 合计 row: the column sums of ``rows`` (blank where any part is blank)."""
    out = []
    for col in cols:
        parts = [plan.values.get(plan.family.cell_code(r.code, col)) for r in rows]
        total = None if any(p is None for p in parts) else sum(parts)  # type: ignore[arg-type]
        out.append(GridCell(w.value(total), "value"))
    return out


def _column_header(fmt: str, col_label: str, code: str) -> str:
    return HEADER_LABELS.get((fmt, code), col_label)


def sections_grid(plan: TablePlan, w: Writer) -> Grid:
    """Table 二: one block per heading row, each with its own column header."""
    fam, fmt = plan.family, plan.fmt
    width = 1 + max(len(fam.row_columns(r, fmt)) for r in fam.data_rows(fmt))
    grid: Grid = []
    blocks: list[tuple[Row, list[Row]]] = []
    for row in plan.rows:
        if row.heading:
            blocks.append((row, []))
        elif blocks:
            blocks[-1][1].append(row)
    for heading, rows in blocks:
        if not rows:
            continue
        grid.append([GridCell(w.label(heading.label_for(fmt)), "label", colspan=width, code=heading.code)])
        cols = fam.row_columns(rows[0], fmt)
        header = [GridCell(ITEM_HEADER, "header")]
        header += [GridCell(_column_header(fmt, fam.column(c).label, c), "header") for c in cols]
        _pad(header, width)
        grid.append(header)
        for row in rows:
            line = [GridCell(w.label(row.label_for(fmt)), "label", code=row.code), *_value_cells(plan, row, w)]
            _pad(line, width)
            grid.append(line)
            if row.code == plan.repeated:
                grid.append([GridCell(c.text, c.role, c.rowspan, c.colspan, c.code) for c in line])
            if plan.stray and row.code == plan.stray[0]:
                stray = [GridCell(plan.stray[1], "label"), *(GridCell(str(n), "value") for n in plan.stray[2])]
                _pad(stray, width)
                grid.append(stray)
    if plan.extra_total and blocks:
        last = [r for r in blocks[-1][1]]
        cols = fam.row_columns(last[0], fmt)
        line = [GridCell("合计", "label"), *_sum_cells(plan, last, w, cols)]
        _pad(line, width)
        grid.append(line)
    return grid


def _pad(line: list[GridCell], width: int) -> None:
    used = sum(c.colspan for c in line)
    if used < width:
        last = line[-1]
        if last.role == "header" or (last.role == "value" and len(line) == 2):
            last.colspan += width - used
        else:
            line.append(GridCell("", "filler", colspan=width - used))


def _direct_children(rows: list[Row], i: int) -> list[int]:
    """Indexes of the rows directly under rows[i] (one level deeper, up to the next row at its level)."""
    out: list[int] = []
    for j in range(i + 1, len(rows)):
        if rows[j].level <= rows[i].level:
            break
        if not out or rows[j].level <= rows[out[0]].level:
            out.append(j)
    return out


def _subtree(rows: list[Row], i: int) -> list[int]:
    out = []
    for j in range(i + 1, len(rows)):
        if rows[j].level <= rows[i].level:
            break
        out.append(j)
    return out


def tree_grid(plan: TablePlan, w: Writer) -> Grid:
    """Table 三: label columns by level (headings span their sub-rows), a two-level applicant header."""
    fam, fmt = plan.family, plan.fmt
    rows = plan.rows
    depth = 1 + max(r.level for r in fam.rows)
    cols = [fam.column(c) for c in plan.columns(fam.data_rows(fmt)[0])]
    codes = tuple(c.code for c in cols)
    note = f"({fam.notes})" if fam.notes else ""
    levels = 3 if any(c.group for c in cols) else 2
    top = [GridCell(note, "header", rowspan=levels, colspan=depth),
           GridCell(APPLICANT_HEADER, "header", colspan=len(cols))]
    second: list[GridCell] = []
    third: list[GridCell] = []
    k = 0
    while k < len(cols):
        group = cols[k].group
        if not group:
            second.append(GridCell(cols[k].label, "header", rowspan=levels - 1))
            k += 1
            continue
        n = next((i for i, c in enumerate(cols[k:]) if c.group != group), len(cols) - k)
        second.append(GridCell(group, "header", colspan=n))
        third.extend(GridCell(c.label, "header") for c in cols[k : k + n])
        k += n

    def lines(i: int) -> Grid:
        row = rows[i]
        kids = _direct_children(rows, i)
        label = GridCell(w.label(row.label_for(fmt)), "label", colspan=depth - row.level, code=row.code)
        if not kids:
            line = [label, *_value_cells(plan, row, w)]
            copy = [GridCell(c.text, c.role, 1, c.colspan, c.code) for c in line]
            return [line, copy] if row.code == plan.repeated else [line]
        if row.code in plan.merged:
            return [[label, *_sum_cells(plan, [rows[j] for j in _subtree(rows, i) if not rows[j].heading], w, codes)]]
        below = [line for j in kids for line in lines(j)]
        if row.code in plan.lost_labels:
            for line in below:
                line[0].role = "lost_label"
        if _prints_own(plan, row):
            below[0] = [GridCell("", "filler", rowspan=len(below)), *below[0]]
            return [[label, *_value_cells(plan, row, w)], *below]
        label.colspan, label.rowspan = 1, len(below)
        below[0] = [label, *below[0]]
        return below

    grid: Grid = [top, second, third] if third else [top, second]
    i = 0
    while i < len(rows):
        grid += lines(i)
        i += 1 + len(_subtree(rows, i))
    return grid


def _prints_own(plan: TablePlan, row: Row) -> bool:
    """A non-heading row with sub-rows prints its own figures only as a subtotal."""
    return not row.heading and plan.other_subtotal and bool(plan.columns(row))


def wide_grid(plan: TablePlan, w: Writer) -> Grid:
    """Table 四: group, sub-group and outcome headers over one line of figures."""
    fam, fmt = plan.family, plan.fmt
    rows = fam.data_rows(fmt)
    groups: list[tuple[str, list[Row]]] = []
    for row in rows:
        name = review_family.GROUP_HEADER.get(row.code, row.label)
        if groups and groups[-1][0] == name and name != row.label:
            groups[-1][1].append(row)
        else:
            groups.append((name, [row]))
    top: list[GridCell] = []
    second: list[GridCell] = []
    third: list[GridCell] = []
    for name, members in groups:
        n = sum(len(fam.row_columns(r, fmt)) for r in members)
        top.append(GridCell(name, "header", colspan=n))
        for r in members:
            outcomes = [fam.column(c).label for c in fam.row_columns(r, fmt)]
            if len(members) == 1 and r.label == name:
                second.extend(GridCell(o, "header", rowspan=2) for o in outcomes)
            else:
                second.append(GridCell(r.label, "header", colspan=len(outcomes)))
                third.extend(GridCell(o, "header") for o in outcomes)
    values = [c for r in rows for c in _value_cells(plan, r, w)]
    return [top, second, third, values]


def flat_grid(plan: TablePlan, w: Writer, with_units: bool = True) -> Grid:
    """The legacy table: label, unit and value per indicator; heading rows with dashes."""
    fam, fmt = plan.family, plan.fmt
    header = [GridCell(t, "header") for t in (LEGACY_HEADER if with_units else LEGACY_HEADER[::2])]
    grid: Grid = [header]
    for row in plan.rows:
        label = GridCell(w.label(row.label_for(fmt)), "label", code=row.code)
        if row.heading:
            dash = w.rng.choice(("——", "—", ""))
            grid.append([label, *([GridCell(dash, "filler")] * (2 if with_units else 1))])
            continue
        unit = GridCell(row.unit if w.rng.random() < 0.85 else "", "filler") if with_units else None
        cell = fam.cell_code(row.code, "value")
        value = GridCell(w.value(plan.values.get(cell), plan.units.get(cell, "")), "value", code=cell)
        grid.append([label, unit, value] if unit else [label, value])
        if row.code == plan.repeated:
            grid.append(list(grid[-1]))
    return grid


def is_tree(fam: Family, fmt: str) -> bool:
    """A matrix whose rows all share one set of columns is laid out as a tree of labels by level."""
    return fam.shape == "matrix" and len({fam.row_columns(r, fmt) for r in fam.data_rows(fmt)}) == 1


def build_grid(plan: TablePlan, w: Writer, with_units: bool = True) -> Grid:
    """The grid of one family's table, by the family's shape and structure."""
    fam = plan.family
    if fam.shape == "wide":
        return wide_grid(plan, w)
    if fam.shape == "long":
        return flat_grid(plan, w, with_units)
    return tree_grid(plan, w) if is_tree(fam, plan.fmt) else sections_grid(plan, w)
