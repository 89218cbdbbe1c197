"""Family ``review``: table 四 政府信息公开行政复议、行政诉讼情况 (formats 2019, 2021).

The table has no row labels: a three-level header and one line of fifteen
figures. It is stored wide, one SQL row per report, columns ``{group}_{outcome}``.
"""

from __future__ import annotations

from ..layout import Column, Family, Instance, Row, sum_rule

OUTCOMES = (
    Column("upheld", "结果维持", "upheld"),
    Column("corrected", "结果纠正", "corrected"),
    Column("other", "其他结果", "other result"),
    Column("pending", "尚未审结", "pending"),
    Column("total", "总计", "total"),
)
CODES = tuple(c.code for c in OUTCOMES)
BOTH = {"2019": CODES, "2021": CODES}

ROWS = (
    Row("review", "行政复议", "administrative reconsideration", BOTH),
    Row("suit_direct", "未经复议直接起诉", "lawsuits filed directly", BOTH),
    Row("suit_after_review", "复议后起诉", "lawsuits after reconsideration", BOTH),
)
GROUP_HEADER = {"suit_direct": "行政诉讼", "suit_after_review": "行政诉讼"}

RULES = (
    sum_rule(
        "R4",
        "review",
        "总计等于结果维持、结果纠正、其他结果、尚未审结之和",
        "total = upheld + corrected + other + pending, for each group",
        "{group}_total = {group}_upheld + {group}_corrected + {group}_other + {group}_pending",
        [
            Instance(r.code, (f"{r.code}_total",), tuple(f"{r.code}_{o}" for o in CODES[:-1]), r.formats)
            for r in ROWS
        ],
    ),
)

FAMILY = Family(
    name="review",
    table_no="四",
    title="政府信息公开行政复议、行政诉讼情况",
    en="Administrative reconsideration and lawsuits about information disclosure",
    shape="wide",
    row_key="",
    columns=OUTCOMES,
    rows=ROWS,
    sections=("政府信息公开行政复议行政诉讼情况", "行政复议行政诉讼情况"),
    rules=RULES,
    row_groups=GROUP_HEADER,
)
