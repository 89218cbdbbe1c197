"""Rules that look beyond one table, as data: across years (X) and text against table (P).

They are written in the vocabulary of :mod:`.layout` like the family rules,
with two prefixes on cell codes: ``previous:`` names a cell of the same body's
report for the year before, ``prose:`` a figure the report's text states
(read by :func:`.prose.figures`, in legacy codes). They are kept out of the
families' own rules, which look at one report's tables only.
"""

from __future__ import annotations

from dataclasses import dataclass

from .families import active, requests
from .layout import Instance, Rule, sum_rule
from .prose import PATTERNS
from .tables import Cell

PREVIOUS = "previous:"
PROSE = "prose:"
TABLE_FORMATS = frozenset({"2019", "2021"})
LEGACY_FORMATS = frozenset({"legacy"})

X1 = sum_rule(
    "X1",
    "requests",
    "上年“结转下年度继续办理”等于本年“上年结转政府信息公开申请数量”(同一机构)",
    "carried forward in year Y = carried in in year Y+1, same body, per applicant column",
    "previous:carried_forward = carried_in",
    [
        Instance(c, (f"{PREVIOUS}carried_forward.{c}",), (f"carried_in.{c}",), TABLE_FORMATS,
                 requests.instance_merged(c), requests.instance_merged(c))
        for c in requests.PER_COLUMN
    ]
    # one year's table in three columns, the other's in seven: 法人或其他组织 against the sum of the five kinds
    + [
        Instance("legal_person", tuple(f"{PREVIOUS}carried_forward.{c}" for c in requests.ORGANISATIONS),
                 ("carried_in.legal_person",), TABLE_FORMATS, True, False),
        Instance("legal_person", (f"{PREVIOUS}carried_forward.legal_person",),
                 tuple(f"carried_in.{c}" for c in requests.ORGANISATIONS), TABLE_FORMATS, False, True),
    ],
)

_ITEM_ROWS = tuple(
    r.code for r in active.FAMILY.data_rows("2019")
    if {"prev_items", "change"} <= set(r.columns.get("2019", ()))
)
X2 = sum_rule(
    "X2",
    "active",
    "本年“上一年项目数量”与上年“上一年项目数量+本年增/减”相对照(同一机构,仅作提示)",
    "items the year before in Y+1 against items the year before + change in Y, same body (reported, never a failure)",
    "previous:prev_items + previous:change = prev_items",
    [
        Instance(row, (f"{PREVIOUS}{row}.prev_items", f"{PREVIOUS}{row}.change"), (f"{row}.prev_items",),
                 frozenset({"2019"}))
        for row in _ITEM_ROWS
    ],
    severity="warning",
)
ACROSS_YEARS: tuple[Rule, ...] = (X1, X2)
ACROSS_YEARS_FAMILIES = {f.name: f for f in (active.FAMILY, requests.FAMILY)}
"""The families the rules across years check (an instance for a merged column applies as in the family's own
rules, by the later report's table)."""


@dataclass(frozen=True)
class ProseLink:
    """A figure the text may state (a legacy code) and the table cells that hold the same figure."""

    code: str
    family: str
    cells: tuple[str, ...]
    formats: frozenset[str]


PROSE_CODES: tuple[str, ...] = tuple(dict.fromkeys(p.code for p in PATTERNS))


def statement_kinds(code: str) -> frozenset[bool]:
    """How the text can state a figure: by a count (False), by saying there was none (True), or both."""
    return frozenset(p.zero for p in PATTERNS if p.code == code)


def is_none_statement(figure: Cell) -> bool:
    """True for a figure read from a statement of none (没有…行政复议), a looser reading than a count.

    The pattern that read it is the first of its code that matches its text, as in :func:`.prose.figures`.
    """
    pat = next((p for p in PATTERNS if p.code == figure.cell and p.regex.search(figure.raw)), None)
    return bool(pat and pat.zero)

PROSE_LINKS: tuple[ProseLink, ...] = (
    ProseLink("requests_received", "requests", ("new.total",), TABLE_FORMATS),
    ProseLink("reviews", "review", ("review_total",), TABLE_FORMATS),
    ProseLink("lawsuits", "review", ("suit_direct_total", "suit_after_review_total"), TABLE_FORMATS),
    *(ProseLink(code, "legacy", (code,), LEGACY_FORMATS) for code in PROSE_CODES),
)

# (rule id, table family, statements of none?, Chinese, English); a rule with no link is left out.
_PROSE_RULES = (
    ("P1", "requests", False, "正文所述数字与表三一致", "a count the text states = the same figure in table 三"),
    ("P2", "review", False, "正文所述数字与表四一致", "a count the text states = the same figure in table 四"),
    ("P3", "legacy", False, "正文所述数字与统计表一致", "a count the text states = the same figure in the statistics table"),
    ("P4", "review", True, "正文称“没有”的事项在表四中为0(仅作提示)",
     "what the text says did not happen is 0 in table 四 (a warning: the wording is read loosely)"),
    ("P5", "legacy", True, "正文称“没有”的事项在统计表中为0(仅作提示)",
     "what the text says did not happen is 0 in the statistics table (a warning: the wording is read loosely)"),
    ("P6", "requests", True, "正文称“没有”的事项在表三中为0(仅作提示)",
     "what the text says did not happen is 0 in table 三 (a warning: the wording is read loosely)"),
)


def _prose_rule(rule_id: str, family: str, none: bool, zh: str, en: str) -> Rule | None:
    links = [lk for lk in PROSE_LINKS if lk.family == family and none in statement_kinds(lk.code)]
    if not links:
        return None
    return sum_rule(
        rule_id, family, zh, en,
        "; ".join(f"{PROSE}{lk.code} = {' + '.join(lk.cells)}" for lk in links),
        [Instance(lk.code, (f"{PROSE}{lk.code}",), lk.cells, lk.formats) for lk in links],
        severity="warning" if none else "fail",
    )


TEXT_VS_TABLE: tuple[Rule, ...] = tuple(
    r for r in (_prose_rule(*spec) for spec in _PROSE_RULES) if r is not None
)

NONE_RULES = frozenset(spec[0] for spec in _PROSE_RULES if spec[2])
"""The text-against-table rules for statements of none; the others are for counts."""

RULE_KINDS = {
    **{r.id: "across_years" for r in ACROSS_YEARS},
    **{r.id: "text_vs_table" for r in TEXT_VS_TABLE},
}
"""Rule id → what the rule compares; a family's own rules compare cells within one report (``within_report``)."""
KIND_CODES = ("within_report", "across_years", "text_vs_table")
RULES: tuple[Rule, ...] = ACROSS_YEARS + TEXT_VS_TABLE
