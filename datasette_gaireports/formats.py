"""The four report formats, and the evidence that tells them apart.

A report's format is read from its tables' labels, never from its year.
"""

from __future__ import annotations

from dataclasses import dataclass

from .text import label_key


@dataclass(frozen=True)
class Format:
    code: str
    title: str
    years: str
    families: tuple[str, ...]
    description: str
    markers: frozenset[str] = frozenset()
    """Label keys (column headers, row labels) only this format prints."""


def _keys(*labels: str) -> frozenset[str]:
    return frozenset(label_key(s) for s in labels)


FORMATS: tuple[Format, ...] = (
    Format(
        "2021",
        "2021年模板",
        "2021 onward",
        ("active", "requests", "review"),
        "tables 二, 三, 四 of the 2021 template",
        _keys(
            "本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量",
            "本年收费金额(单位:万元)", "行政规范性文件",
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ),
    ),
    Format(
        "2019",
        "2019年模板",
        "2019 and 2020",
        ("active", "requests", "review"),
        "tables 二, 三, 四 of the 2019 template",
        _keys(
            "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量",
            "其他对外管理服务事项", "政府集中采购", "采购项目数量", "采购总金额",
        ),
    ),
    Format(
        "legacy",
        "政府信息公开情况统计表",
        "up to 2018",
        ("legacy",),
        "the 政府信息公开情况统计表 appendix",
    ),
    Format("prose", "无统计表", "any", ("legacy",), "no table: figures only in sentences"),
)

BY_CODE = {f.code: f for f in FORMATS}
TABLE_FORMATS = ("2021", "2019")
MIN_ROWS = 3
"""Rows with figures needed before a report counts as carrying a family's table (rows found, figures in them or
not, for a table printed with every cell blank: :func:`choose_blank`)."""


def choose(
    table_rows: dict[str, int],
    votes: dict[str, int],
    year: int | None,
) -> str | None:
    """Pick a format from the rows found per family and the format-specific votes.

    ``table_rows`` maps a family name to the number of its rows found with
    figures; ``votes`` maps a format code to the format-specific labels seen.
    Returns ``None`` where no table was found (the caller decides prose or unparsed).
    """
    template_rows = _template_rows(table_rows)
    if template_rows >= MIN_ROWS and template_rows >= table_rows.get("legacy", 0):
        return _template_format(votes, year)
    if table_rows.get("legacy", 0) >= MIN_ROWS:
        return "legacy"
    return None


def choose_blank(rows_found: dict[str, int], votes: dict[str, int], year: int | None) -> str | None:
    """The format of a report printing its standard tables with no figure in any cell (a body with nothing to
    report may leave the whole template blank): at least :data:`MIN_ROWS` rows of tables 二 and 三 found, and
    the header words of a format seen (the year alone is no evidence of a table). ``rows_found``: family name →
    rows found, figures in them or not."""
    if _template_rows(rows_found) < MIN_ROWS or not (votes.get("2021") or votes.get("2019")):
        return None
    return _template_format(votes, year)


def _template_rows(rows: dict[str, int]) -> int:
    """Rows of tables 二 and 三 (the families of the 2019 and 2021 templates) among ``rows``, by family name."""
    return rows.get("requests", 0) + rows.get("active", 0)


def _template_format(votes: dict[str, int], year: int | None) -> str:
    """2021 or 2019, by the header words of each seen, else by the year reported on."""
    v21, v19 = votes.get("2021", 0), votes.get("2019", 0)
    if v21 != v19:
        return "2021" if v21 > v19 else "2019"
    return "2021" if year and year >= 2021 else "2019"
