"""Family ``requests``: table 三 收到和处理政府信息公开申请情况 (formats 2019, 2021)."""

from __future__ import annotations

from ..layout import Column, Family, Instance, Row, sum_rule

ORGANISATIONS = ("commercial", "research", "public_interest", "legal_service", "other_org")
APPLICANTS = (
    Column("natural_person", "自然人", "natural persons"),
    Column("legal_person", "法人或其他组织", "legal persons and other organisations together, where a table prints "
           "one column for them in place of the five kinds (null otherwise)", parts=ORGANISATIONS),
    Column("commercial", "商业企业", "commercial enterprises", group="法人或其他组织"),
    Column("research", "科研机构", "research institutions", group="法人或其他组织"),
    Column("public_interest", "社会公益组织", "public-interest organisations", group="法人或其他组织"),
    Column("legal_service", "法律服务机构", "legal-service organisations", group="法人或其他组织"),
    Column("other_org", "其他", "other organisations", group="法人或其他组织"),
    Column("total", "总计", "total"),
)
COLS = tuple(c.code for c in APPLICANTS if not c.parts)
"""The columns of the template's table; some reports print ``legal_person`` in place of the five
organisations' (the three-column table 自然人, 法人或其他组织, 总计)."""
BOTH = {"2019": COLS, "2021": COLS}
ONLY_2021 = {"2021": COLS}


def _row(code: str, label: str, en: str, level: int = 0, **kw) -> Row:
    return Row(code, label, en, columns=kw.pop("columns", BOTH), level=level, **kw)


def _heading(code: str, label: str, en: str, level: int = 0) -> Row:
    return Row(code, label, en, columns=BOTH, heading=True, level=level)


ROWS = (
    _row("new", "一、本年新收政府信息公开申请数量", "new requests received this year"),
    _row("carried_in", "二、上年结转政府信息公开申请数量", "requests carried over from last year"),
    _heading("outcomes", "三、本年度办理结果", "outcomes this year"),
    _row("granted", "(一)予以公开", "granted", 1),
    _row(
        "partial",
        "(二)部分公开(区分处理的,只计这一情形,不计其他情形)",
        "partially granted",
        1,
    ),
    _heading("withheld", "(三)不予公开", "withheld", 1),
    _row("withheld_state_secret", "1.属于国家秘密", "state secret", 2),
    _row("withheld_law", "2.其他法律行政法规禁止公开", "barred by other laws", 2),
    _row("withheld_security", "3.危及“三安全一稳定”", "endangers security or stability", 2),
    _row("withheld_third_party", "4.保护第三方合法权益", "third-party rights", 2),
    _row("withheld_internal", "5.属于三类内部事务信息", "internal affairs", 2),
    _row("withheld_process", "6.属于四类过程性信息", "process information", 2),
    _row("withheld_enforcement", "7.属于行政执法案卷", "enforcement case files", 2),
    _row("withheld_query", "8.属于行政查询事项", "administrative query matters", 2),
    _heading("unavailable", "(四)无法提供", "cannot be provided", 1),
    _row("unavailable_not_held", "1.本机关不掌握相关政府信息", "not held by this body", 2),
    _row("unavailable_needs_creation", "2.没有现成信息需要另行制作", "would need to be created", 2),
    _row("unavailable_unclear", "3.补正后申请内容仍不明确", "still unclear after correction", 2),
    _heading("rejected", "(五)不予处理", "not processed", 1),
    _row("rejected_petition", "1.信访举报投诉类申请", "petitions and complaints", 2),
    _row("rejected_duplicate", "2.重复申请", "duplicate requests", 2),
    _row("rejected_publication", "3.要求提供公开出版物", "asks for publications", 2),
    _row("rejected_vexatious", "4.无正当理由大量反复申请", "vexatious repeated requests", 2),
    _row(
        "rejected_confirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        "asks to confirm or reissue obtained information",
        2,
    ),
    _row("other", "(六)其他处理", "other handling", 1, optional=frozenset({"2021"})),  # 2021: a subtotal some print
    _row(
        "other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "applicant did not correct in time",
        2,
        columns=ONLY_2021,
    ),
    _row(
        "other_no_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "applicant did not pay the fee in time",
        2,
        columns=ONLY_2021,
    ),
    _row("other_misc", "3.其他", "other", 2, columns=ONLY_2021),
    _row("total_handled", "(七)总计", "total handled", 1),
    _row("carried_forward", "四、结转下年度继续办理", "carried forward to next year"),
)

WITHHELD = tuple(r.code for r in ROWS if r.code.startswith("withheld_"))
UNAVAILABLE = tuple(r.code for r in ROWS if r.code.startswith("unavailable_"))
REJECTED = tuple(r.code for r in ROWS if r.code.startswith("rejected_"))
OTHER_2021 = ("other_no_correction", "other_no_fee", "other_misc")
OUTCOMES_2019 = ("granted", "partial", *WITHHELD, *UNAVAILABLE, *REJECTED, "other")
OUTCOMES_2021 = ("granted", "partial", *WITHHELD, *UNAVAILABLE, *REJECTED, *OTHER_2021)
F19, F21, F_BOTH = frozenset({"2019"}), frozenset({"2021"}), frozenset({"2019", "2021"})


def _cells(rows: tuple[str, ...], col: str) -> tuple[str, ...]:
    return tuple(f"{r}.{col}" for r in rows)


def instance_merged(col: str) -> bool | None:
    """The :attr:`~.layout.Instance.merged` of a column's instance: an organisation's column is checked only in
    a table that prints it (False), ``legal_person`` only in one that prints it instead (True), the others in
    either table (None)."""
    return False if col in ORGANISATIONS else True if col == "legal_person" else None


PER_COLUMN = (*COLS, "legal_person")

RULES = (
    sum_rule(
        "R1",
        "requests",
        "第一项加第二项之和,等于第三项加第四项之和",
        "new + carried in = total handled + carried forward",
        "new + carried_in = total_handled + carried_forward",
        [
            Instance(c, _cells(("new", "carried_in"), c), _cells(("total_handled", "carried_forward"), c), F_BOTH,
                     instance_merged(c))
            for c in PER_COLUMN
        ],
    ),
    sum_rule(
        "R2",
        "requests",
        "办理结果总计等于各项办理结果之和",
        "total handled = sum of the outcome rows",
        "total_handled = granted + partial + Σ withheld_* + Σ unavailable_* + Σ rejected_* + other"
        " (2021: other_no_correction + other_no_fee + other_misc)",
        [Instance(c, (f"total_handled.{c}",), _cells(OUTCOMES_2019, c), F19, instance_merged(c)) for c in PER_COLUMN]
        + [Instance(c, (f"total_handled.{c}",), _cells(OUTCOMES_2021, c), F21, instance_merged(c)) for c in PER_COLUMN],
    ),
    sum_rule(
        "R3",
        "requests",
        "总计等于自然人与法人或其他组织各项之和",
        "total = natural persons + the five kinds of organisation (or their one column)",
        "total = natural_person + commercial + research + public_interest + legal_service + other_org"
        " (a three-column table: natural_person + legal_person)",
        [
            Instance(r.code, (f"{r.code}.total",), tuple(f"{r.code}.{c}" for c in COLS[:-1]), r.formats, False)
            for r in ROWS
            if not r.heading
        ]
        + [
            Instance(r.code, (f"{r.code}.total",), (f"{r.code}.natural_person", f"{r.code}.legal_person"), r.formats,
                     True)
            for r in ROWS
            if not r.heading
        ],
    ),
    sum_rule(
        "R5",
        "requests",
        "(六)其他处理等于其三项之和(2021年格式,报告列出该小计时)",
        "other handling = its three kinds (2021 format, where a report prints the subtotal)",
        "other = other_no_correction + other_no_fee + other_misc",
        [Instance(c, (f"other.{c}",), _cells(OTHER_2021, c), F21, instance_merged(c)) for c in PER_COLUMN],
    ),
)

FAMILY = Family(
    name="requests",
    table_no="三",
    title="收到和处理政府信息公开申请情况",
    en="Requests received and how they were handled, by applicant type",
    shape="matrix",
    row_key="row",
    columns=APPLICANTS,
    rows=ROWS,
    sections=("收到和处理政府信息公开申请情况",),
    rules=RULES,
    notes="本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和",
    column_header="申请人情况",
)
