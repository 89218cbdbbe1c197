"""Chinese labels of cells, columns and rule scopes, read from the family layouts."""

from __future__ import annotations

from ..layout import Family

LEVEL_ZH = {"national": "中央", "province": "省级", "prefecture": "地级", "county": "县级", "township": "乡级"}
"""The levels of government (``agencies.level``) in Chinese."""

PROVINCES = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省", "浙江省",
    "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市",
    "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
    "台湾省", "香港特别行政区", "澳门特别行政区",
)
"""The province-level divisions in the order of their GB/T 2260 codes, the order Chinese lists print them in."""


def province_key(name: object) -> tuple[int, str]:
    """Sort key of a province name: in :data:`PROVINCES` order, any other name after them, then blank."""
    if name is None:
        return (len(PROVINCES) + 1, "")
    text = str(name)
    return (PROVINCES.index(text) if text in PROVINCES else len(PROVINCES), text)


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
