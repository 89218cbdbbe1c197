"""Family ``active``: table 二 主动公开政府信息情况 (formats 2019, 2021)."""

from __future__ import annotations

from ..layout import Column, Family, Row

COLUMNS = (
    Column("made", "本年新制作数量", "newly made this year"),
    Column("published", "本年新公开数量", "newly published this year"),
    Column("total_public", "对外公开总数量", "total made public"),
    Column("prev_items", "上一年项目数量", "items the year before"),
    Column("change", "本年增/减", "change this year", kind="change"),
    Column("decisions", "处理决定数量", "decisions made"),
    Column("procurement_items", "采购项目数量", "procurement items"),
    Column("procurement_amount", "采购总金额", "procurement amount (unit as printed)", kind="amount"),
    Column("issued", "本年制发件数", "issued this year"),
    Column("repealed", "本年废止件数", "repealed this year"),
    Column("in_force", "现行有效件数", "in force"),
    Column("fee_amount", "本年收费金额(单位:万元)", "fees charged this year (10k yuan)", kind="amount"),
)

DOCS = {"2019": ("made", "published", "total_public"), "2021": ("issued", "repealed", "in_force")}
ITEMS_2019 = ("prev_items", "change", "decisions")


def _heading(code: str, label: str, en: str, formats: tuple[str, ...] = ("2019", "2021")) -> Row:
    return Row(code, label, en, columns={f: () for f in formats}, heading=True)


ROWS = (
    _heading("article_20_1", "第二十条第(一)项", "Article 20 (1): rules and normative documents"),
    Row("regulations", "规章", "regulations", DOCS, level=1),
    Row(
        "normative_docs",
        "规范性文件",
        "normative documents",
        DOCS,
        labels={"2021": "行政规范性文件"},
        level=1,
    ),
    _heading("article_20_5", "第二十条第(五)项", "Article 20 (5): licensing and services"),
    Row("licensing", "行政许可", "administrative licensing", {"2019": ITEMS_2019, "2021": ("decisions",)}, level=1),
    Row("other_services", "其他对外管理服务事项", "other external services", {"2019": ITEMS_2019}, level=1),
    _heading("article_20_6", "第二十条第(六)项", "Article 20 (6): penalties and enforcement"),
    Row("penalties", "行政处罚", "administrative penalties", {"2019": ITEMS_2019, "2021": ("decisions",)}, level=1),
    Row("enforcement", "行政强制", "administrative enforcement", {"2019": ITEMS_2019, "2021": ("decisions",)}, level=1),
    _heading("article_20_8", "第二十条第(八)项", "Article 20 (8): fees"),
    Row(
        "fees",
        "行政事业性收费",
        "administrative fees",
        {"2019": ("prev_items", "change"), "2021": ("fee_amount",)},
        level=1,
    ),
    _heading("article_20_9", "第二十条第(九)项", "Article 20 (9): procurement", ("2019",)),
    Row(
        "procurement",
        "政府集中采购",
        "centralised government procurement",
        {"2019": ("procurement_items", "procurement_amount")},
        level=1,
    ),
)

FAMILY = Family(
    name="active",
    table_no="二",
    title="主动公开政府信息情况",
    en="Information published on the body's own initiative (Article 20 items)",
    shape="matrix",
    row_key="item",
    columns=COLUMNS,
    rows=ROWS,
    sections=("主动公开政府信息情况",),
    corner="信息内容",
)
