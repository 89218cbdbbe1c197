"""Chinese labels of cells, columns and rule scopes, read from the family layouts."""

from __future__ import annotations

from ..layout import Family


def column_label(fam: Family, code: str) -> str:
    """A column's label with its upper header, e.g. ``法人或其他组织·商业企业``."""
    try:
        col = fam.column(code)
    except KeyError:
        return code
    return f"{col.group}·{col.label}" if col.group else col.label


def cell_label(fam: Family, cell: str, fmt: str | None) -> str:
    """A cell's row and column labels as printed, e.g. ``(一)予以公开 · 自然人``."""
    try:
        row_code, col_code = fam.split_cell(cell)
        row = fam.row(row_code)
    except KeyError:
        return cell
    label = row.label_for(fmt or "")
    if fam.shape == "long":
        return label
    return f"{label} · {column_label(fam, col_code)}"


def scope_label(fam: Family, scope: str, fmt: str | None) -> str:
    """What a check's scope names: a column, a row, a cell, or the scope code itself."""
    if not scope:
        return ""
    if scope in {c.code for c in fam.columns}:
        return column_label(fam, scope)
    rows = {r.code: r for r in fam.rows}
    if scope in rows:
        return rows[scope].label_for(fmt or "")
    return scope
